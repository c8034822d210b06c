/*
 * fileio.c: reading files, writing them atomically, scratch directories.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

char *
file_read(const char *path, size_t max, size_t *len)
{
	char *buf = NULL;
	size_t size = 0, used = 0;
	ssize_t n;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (used + 1 >= size) {
			if (size > max) {
				errno = EFBIG;
				goto fail;
			}
			size = size == 0 ? 65536 : size * 2;
			buf = xreallocarray(buf, size, 1);
		}
		n = read(fd, buf + used, size - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		errno = EFBIG;
		goto fail;
	}
	close(fd);
	buf[used] = '\0';
	if (len != NULL)
		*len = used;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

static char *
dir_of(const char *path)
{
	char *copy, *d;

	copy = xstrdup(path);
	d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_write_atomic(const char *path, const char *data, size_t len)
{
	char *dir = NULL, *tmp = NULL, *base, *copy;
	struct stat st;
	int fd = -1, dfd, saved;
	mode_t mode = 0644, mask;

	/* Keep the permissions of a file we replace. */
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		mode = st.st_mode & 07777;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}

	dir = dir_of(path);
	copy = xstrdup(path);
	base = basename(copy);
	xasprintf(&tmp, "%s/.%s.XXXXXX", dir, base);
	free(copy);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	/* Make the rename itself durable. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dir);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(dir);
	errno = saved;
	return -1;
}

int
file_check_writable(const char *path)
{
	struct stat st;
	char *dir, *tmp = NULL;
	int fd, saved;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	dir = dir_of(path);
	xasprintf(&tmp, "%s/.bench-tests-probe.XXXXXX", dir);
	fd = mkostemp(tmp, O_CLOEXEC);
	saved = errno;
	if (fd >= 0) {
		close(fd);
		(void)unlink(tmp);
	}
	free(tmp);
	free(dir);
	errno = saved;
	return fd >= 0 ? 0 : -1;
}

const char *
file_tmpdir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && dir[0] == '/' ? dir : "/tmp";
}

char *
file_realpath(const char *path)
{
	char *p;

	p = realpath(path, NULL);
	if (p == NULL)
		return NULL;
	return p;
}

char *
file_tail(int fd, size_t max_lines)
{
	off_t end, start;
	size_t want = 16384, lines = 0;
	char *buf;
	ssize_t n, i;

	end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return xstrdup("");
	start = end > (off_t)want ? end - (off_t)want : 0;
	buf = xmalloc(want + 1);
	n = pread(fd, buf, (size_t)(end - start), start);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	/* Drop a final newline, then count lines back from the end. */
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	for (i = n - 1; i >= 0; i--) {
		if (buf[i] == '\n' && ++lines == max_lines) {
			memmove(buf, buf + i + 1, (size_t)(n - i));
			break;
		}
	}
	return buf;
}
