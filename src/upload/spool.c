/*
 * spool.c: baselines waiting for a server.
 *
 * One file per baseline, ID.json, holding the document byte for byte,
 * written atomically (a reader never sees half a file; temporaries start
 * with a dot and are skipped).  Files the server refused (400, 409, 413)
 * move to rejected/, so that they neither block later flushes nor get
 * lost.  The directory is private to the user (0700): baselines name
 * hosts and paths.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

char *
spool_dir(const char *dir)
{
	const char *state = getenv("XDG_STATE_HOME"), *home;
	char *d = NULL;

	if (dir != NULL)
		return xstrdup(dir);
	/* The XDG spec: a relative XDG_STATE_HOME is to be ignored. */
	if (state != NULL && state[0] == '/') {
		xasprintf(&d, "%s/bench-tests/spool", state);
		return d;
	}
	home = getenv("HOME");
	xasprintf(&d, "%s/.local/state/bench-tests/spool",
	    home != NULL && *home != '\0' ? home : ".");
	return d;
}

/* mkdir -p with mode for the directories it creates. */
static int
mkdirs(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	struct stat st;
	int rc = 0;
	char c;

	for (s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			rc = -1;
		else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

char *
spool_put(const char *dir, const char *id, const char *text, size_t len)
{
	char *path = NULL;
	int saved;

	if (mkdirs(dir, 0700) != 0)
		return NULL;
	xasprintf(&path, "%s/%s.json", dir, id);
	if (file_write_atomic(path, text, len) != 0) {
		saved = errno;
		free(path);
		errno = saved;
		return NULL;
	}
	return path;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
spool_list(const char *dir)
{
	DIR *d;
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, len;
	struct stat st;
	char *path;

	d = opendir(dir);
	if (d == NULL) {
		if (errno != ENOENT)
			return NULL;
		return xcalloc(1, sizeof(*v));
	}
	v = xcalloc(1, sizeof(*v));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		path = NULL;
		xasprintf(&path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = path;
		v[n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

int
spool_reject(const char *dir, const char *path, char **moved)
{
	char *rej = NULL, *to = NULL;
	const char *base = strrchr(path, '/');
	int saved;

	base = base != NULL ? base + 1 : path;
	xasprintf(&rej, "%s/rejected", dir);
	if (mkdirs(rej, 0700) != 0)
		goto fail;
	xasprintf(&to, "%s/%s", rej, base);
	if (rename(path, to) != 0)
		goto fail;
	free(rej);
	*moved = to;
	return 0;
fail:
	saved = errno;
	free(rej);
	free(to);
	errno = saved;
	return -1;
}
