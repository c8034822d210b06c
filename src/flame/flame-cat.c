/*
 * flame-cat.c: the table of categories: the built-in one, the file format
 * users write their own in, and matching a frame.
 */
#include <config.h>

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "flame-int.h"

/*
 * The plan's categories for a compiler's test suite (REFERENCE.md section
 * 9): LLVM, linking, process spawning and I/O system calls, each by the
 * names they have in perf's output on Linux: glibc's functions, the
 * kernel's system call entries (x86-64 and arm64 prefixes), Rust's std.
 * Thread creation (clone, clone3) is left out: every thread's stack
 * starts there.
 */
static const char *const default_table[] = {
    "[LLVM]",
    "*llvm::*",
    "LLVM*",
    "dso:libLLVM*",
    "[linking]",
    "program:ld",
    "program:ld.*",
    "program:*-ld",
    "program:*lld",
    "program:mold",
    "program:cc",
    "program:collect2",
    "[process spawning]",
    "fork",
    "_Fork",
    "__libc_fork",
    "vfork",
    "__vfork",
    "posix_spawn*",
    "__spawni*",
    "__spawnix",
    "execv*",
    "execl*",
    "fexecve",
    "std::process::*",
    "<std::process::*",
    "std::sys::*process*",
    "<std::sys::*process*",
    "kernel_clone",
    "copy_process",
    "*sys_fork",
    "*sys_vfork",
    "*sys_execve*",
    "do_execveat_common*",
    "begin_new_exec",
    "load_elf_binary",
    "[I/O system calls]",
    "read",
    "__read*",
    "__libc_read",
    "write",
    "__write*",
    "__libc_write",
    "open",
    "open64",
    "openat*",
    "__open*",
    "__libc_open*",
    "close",
    "__close*",
    "__libc_close",
    "pread*",
    "__pread*",
    "pwrite*",
    "__pwrite*",
    "readv",
    "writev",
    "fsync",
    "fdatasync",
    "*sys_read",
    "*sys_write",
    "*sys_open*",
    "*sys_close*",
    "*sys_pread64",
    "*sys_pwrite64",
    "*sys_readv",
    "*sys_writev",
    "*sys_fsync",
    "*sys_fdatasync",
    "vfs_read",
    "vfs_write",
    NULL,
};

static struct flame_category *
find(struct flame_categories *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	}
	return NULL;
}

/* The category called name, created at the end if new (name is clean). */
static struct flame_category *
category(struct flame_categories *c, const char *name)
{
	struct flame_category *k = find(c, name);

	if (k != NULL)
		return k;
	c->v = realloc(c->v, (c->n + 1) * sizeof(*c->v));
	if (c->v == NULL)
		abort();
	k = &c->v[c->n++];
	memset(k, 0, sizeof(*k));
	k->name = flamep_xstrdup(name);
	k->patterns = flamep_xcalloc(1, sizeof(*k->patterns));
	return k;
}

static void
add_pattern(struct flame_category *k, const char *p, size_t n)
{
	k->patterns =
	    realloc(k->patterns, (k->n_patterns + 2) * sizeof(*k->patterns));
	if (k->patterns == NULL)
		abort();
	k->patterns[k->n_patterns++] = flamep_xstrndup(p, n);
	k->patterns[k->n_patterns] = NULL;
}

void
flame_categories_add(
    struct flame_categories *c, const char *name, const char *pattern)
{
	struct flamep_buf b = {0};

	flamep_clean_name(&b, name, strlen(name));
	add_pattern(category(c, b.p), pattern, strlen(pattern));
	free(b.p);
}

struct flame_categories *
flame_categories_default(void)
{
	struct flame_categories *c = flamep_xcalloc(1, sizeof(*c));
	struct flame_category *k = NULL;
	size_t i, n;

	for (i = 0; default_table[i] != NULL; i++) {
		n = strlen(default_table[i]);
		if (default_table[i][0] == '[') {
			char *name =
			    flamep_xstrndup(default_table[i] + 1, n - 2);

			k = category(c, name);
			free(name);
		} else
			add_pattern(k, default_table[i], n);
	}
	return c;
}

void
flame_categories_free(struct flame_categories *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		for (j = 0; j < c->v[i].n_patterns; j++)
			free(c->v[i].patterns[j]);
		free(c->v[i].patterns);
		free(c->v[i].name);
	}
	free(c->v);
	free(c);
}

static int
space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

int
flame_categories_parse(const char *text, size_t len,
    struct flame_categories **out, struct bench_error *err)
{
	struct flame_categories *c = flamep_xcalloc(1, sizeof(*c));
	struct flame_category *k = NULL;
	struct flamep_buf b = {0};
	const char *p = text, *end = text + len, *nl, *s, *e;
	size_t line = 0, k_line = 0;
	int rc = 0;

	*out = NULL;
	for (; p < end; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		for (s = p; s < nl && space(*s); s++)
			;
		for (e = nl; e > s && space(e[-1]); e--)
			;
		if (s == e || *s == '#')
			continue;
		if (*s == '[') {
			if (k != NULL && k->n_patterns == 0)
				goto empty;
			if (e[-1] != ']' || e - s < 2) {
				rc = bench_error_set(err, BENCH_ERR_INVALID,
				    "line %zu: a category's name must be "
				    "written [NAME]",
				    line);
				goto out;
			}
			for (s++, e--; s < e && space(*s); s++)
				;
			while (e > s && space(e[-1]))
				e--;
			if (s == e) {
				rc = bench_error_set(err, BENCH_ERR_INVALID,
				    "line %zu: a category without a name",
				    line);
				goto out;
			}
			flamep_clean_name(&b, s, (size_t)(e - s));
			k = category(c, b.p);
			k_line = line;
			continue;
		}
		if (k == NULL) {
			rc = bench_error_set(err, BENCH_ERR_INVALID,
			    "line %zu: a pattern before the first [NAME]",
			    line);
			goto out;
		}
		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			rc = bench_error_set(err, BENCH_ERR_INVALID,
			    "line %zu: a NUL byte in a pattern", line);
			goto out;
		}
		add_pattern(k, s, (size_t)(e - s));
	}
	if (k == NULL) {
		rc = bench_error_set(
		    err, BENCH_ERR_INVALID, "no category in the table");
		goto out;
	}
	if (k->n_patterns == 0)
		goto empty;
	goto out;
empty:
	rc = bench_error_set(err, BENCH_ERR_INVALID,
	    "line %zu: category [%s] has no patterns", k_line, k->name);
out:
	free(b.p);
	if (rc != 0)
		flame_categories_free(c);
	else
		*out = c;
	return rc;
}

char *
flame_categories_dump(const struct flame_categories *c)
{
	struct flamep_buf b = {0};
	size_t i, j;

	flamep_buf_add(&b, "", 0);
	for (i = 0; i < c->n; i++) {
		flamep_buf_addf(
		    &b, "%s[%s]\n", i > 0 ? "\n" : "", c->v[i].name);
		for (j = 0; j < c->v[i].n_patterns; j++)
			flamep_buf_addf(&b, "%s\n", c->v[i].patterns[j]);
	}
	return b.p;
}

int
flamep_category_match(
    const struct flame_category *k, const char *name, const char *dso, int kind)
{
	const char *p;
	size_t i;

	for (i = 0; i < k->n_patterns; i++) {
		p = k->patterns[i];
		if (strncmp(p, "program:", 8) == 0) {
			if (kind == FLAMEP_PROGRAM &&
			    fnmatch(p + 8, name, 0) == 0)
				return 1;
		} else if (strncmp(p, "dso:", 4) == 0) {
			if ((kind == FLAMEP_USER || kind == FLAMEP_KERNEL) &&
			    dso != NULL && fnmatch(p + 4, dso, 0) == 0)
				return 1;
		} else if ((kind == FLAMEP_USER || kind == FLAMEP_KERNEL) &&
		           fnmatch(p, name, 0) == 0)
			return 1;
	}
	return 0;
}
