/*
 * rustc-wrapper.c: bench-tests-rustc-wrapper, the program cargo runs in
 * rustc's place while `bench-tests profile` builds a workspace.
 *
 * Cargo starts a wrapper once per rustc call, as
 *
 *     WRAPPER /path/to/rustc ARGS...
 *
 * so this program is kept small: libc only, no parsing beyond what it must
 * do, nothing of bench-tests' libraries (loading libcurl, SQLite, GSL and
 * jansson cost 7-9 ms per call).  What it does is set by bench-tests
 * through the environment:
 *
 *   BENCH_TESTS_PROFILE_DIR  rustc gets -Zself-profile=DIR
 *                            -Zself-profile-events=default,args
 *   BENCH_TESTS_UNITS        rustc runs as our child; a record of the call
 *                            (its arguments, a few CARGO_* variables, rustc's
 *                            rusage and status) goes into this directory
 *   BENCH_TESTS_EXTRACTOR    this program runs in rustc's place, as
 *                            EXTRACTOR /path/to/rustc ARGS...
 *
 * Only cargo's compilations of a crate (CARGO_CRATE_NAME is set) are
 * profiled or recorded.  Everything else (cargo's -vV and --print probes,
 * build scripts' own calls of rustc) and every call without
 * BENCH_TESTS_UNITS is handed on untouched: the wrapper replaces itself with
 * rustc (or the extractor), so standard input, output, error and the exit
 * status are rustc's own.  A recorded call exits as rustc did (by the same
 * signal, if it died of one).
 *
 * The record is text, one field per line, parsed by bench-tests
 * (report_unit_record_parse in reports/unit-record.c):
 *
 *     bench-tests-rustc-wrapper 1
 *     cwd DIR
 *     rustc PATH
 *     arg ARG                  (each argument; @file arguments expanded)
 *     env NAME=VALUE           (CARGO_PKG_NAME, CARGO_CRATE_NAME, ...)
 *     pid PID                  (rustc's)
 *     wall SECONDS
 *     user SECONDS
 *     system SECONDS
 *     maxrss KIB
 *     exit STATUS | signal NUMBER
 *     end
 *
 * Bytes below 0x20, 0x7f and the backslash are written as \xHH, so that
 * every field is one line whatever it holds.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "bench-tests-rustc-wrapper"

extern char **environ;

/* The variables of cargo's that a record keeps. */
static const char *const kept_env[] = {
    "CARGO_PKG_NAME",
    "CARGO_PKG_VERSION",
    "CARGO_MANIFEST_DIR",
    "CARGO_CRATE_NAME",
    "CARGO_PRIMARY_PACKAGE",
    NULL,
};

static void
die(const char *what, int err)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(err));
	exit(127);
}

static void *
alloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		die("out of memory", ENOMEM);
	return p;
}

/* A growing buffer for the record. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap * 2 > b->len + n + 1 ? b->cap * 2
		                                         : b->len + n + 1024;
		char *p = realloc(b->p, cap);

		if (p == NULL)
			die("out of memory", ENOMEM);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* "key value\n", the value escaped (n bytes of it). */
static void
field(struct buf *b, const char *key, const char *value, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	char esc[4] = {'\\', 'x', 0, 0};

	put(b, key, strlen(key));
	put(b, " ", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c >= 0x20 && c != 0x7f && c != '\\')
			continue;
		put(b, value + start, i - start);
		esc[2] = hex[c >> 4];
		esc[3] = hex[c & 15];
		put(b, esc, 4);
		start = i + 1;
	}
	put(b, value + start, n - start);
	put(b, "\n", 1);
}

static void
fieldf(struct buf *b, const char *key, const char *fmt, double v)
{
	char num[64];
	int n = snprintf(num, sizeof(num), fmt, v);

	field(b, key, num, (size_t)n);
}

/*
 * The arguments, with each @file argument replaced by the lines of the
 * file, as rustc reads them (cargo passes an argument file when a command
 * line is too long, and removes it once rustc is done).
 */
static void
put_args(struct buf *b, char **args)
{
	struct stat st;
	char *text, *line;
	size_t i, len;
	ssize_t got;
	int fd;

	for (i = 0; args[i] != NULL; i++) {
		fd = -1;
		if (args[i][0] == '@' && args[i][1] != '\0' &&
		    strncmp(args[i], "@shell:", 7) != 0)
			fd = open(args[i] + 1, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > (64 << 20)) {
			if (fd >= 0)
				close(fd);
			field(b, "arg", args[i], strlen(args[i]));
			continue;
		}
		text = alloc((size_t)st.st_size + 1);
		got = read(fd, text, (size_t)st.st_size);
		close(fd);
		text[got > 0 ? got : 0] = '\0';
		/* One argument a line, as rustc reads the file. */
		for (line = text; *line != '\0'; line += len + 1) {
			len = strcspn(line, "\n");
			field(b, "arg", line, len);
			if (line[len] == '\0')
				break;
		}
		free(text);
	}
}

/*
 * Write the record into dir, atomically (a temporary file, then rename): a
 * name of our pid and the time cannot be taken by another call.  No fsync:
 * the record is read back by bench-tests when the build is over, on this
 * machine, and a crash loses the whole profile anyway.
 */
static int
write_record(const char *dir, const struct buf *b)
{
	char tmp[4096], path[4096];
	struct timespec ts;
	size_t off = 0;
	ssize_t n;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (snprintf(tmp, sizeof(tmp), "%s/.%ld.tmp", dir, (long)getpid()) >=
	        (int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/%ld-%lld%09ld.unit", dir,
	        (long)getpid(), (long long)ts.tv_sec,
	        (long)ts.tv_nsec) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	while (off < b->len) {
		n = write(fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double
seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

/* Run argv as our child, record the call in units, exit as it did. */
static int
run_and_record(char **argv, char **cargo_args, const char *units)
{
	struct buf b = {NULL, 0, 0};
	struct rusage ru;
	char cwd[4096], num[32];
	const char *v;
	double t0, wall;
	size_t i;
	pid_t pid;
	int rc, status, sig;

	put(&b, PROG " 1\n", strlen(PROG " 1\n"));
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		field(&b, "cwd", cwd, strlen(cwd));
	field(&b, "rustc", cargo_args[0], strlen(cargo_args[0]));
	put_args(&b, cargo_args + 1);
	for (i = 0; kept_env[i] != NULL; i++) {
		char *kv;
		size_t kl = strlen(kept_env[i]);

		v = getenv(kept_env[i]);
		if (v == NULL)
			continue;
		kv = alloc(kl + strlen(v) + 2);
		memcpy(kv, kept_env[i], kl);
		kv[kl] = '=';
		strcpy(kv + kl + 1, v);
		field(&b, "env", kv, strlen(kv));
		free(kv);
	}

	t0 = now();
	rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc != 0) {
		fprintf(stderr, PROG ": cannot run %s: %s\n", argv[0],
		    strerror(rc));
		free(b.p);
		return 127;
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR)
			die("wait4", errno);
	}
	wall = now() - t0;
	snprintf(num, sizeof(num), "%ld", (long)pid);
	field(&b, "pid", num, strlen(num));
	fieldf(&b, "wall", "%.9f", wall);
	fieldf(&b, "user", "%.6f", seconds(&ru.ru_utime));
	fieldf(&b, "system", "%.6f", seconds(&ru.ru_stime));
	fieldf(&b, "maxrss", "%.0f", (double)ru.ru_maxrss);
	if (WIFSIGNALED(status))
		fieldf(&b, "signal", "%.0f", WTERMSIG(status));
	else
		fieldf(&b, "exit", "%.0f", WEXITSTATUS(status));
	put(&b, "end\n", 4);
	if (write_record(units, &b) != 0) {
		fprintf(stderr, PROG ": cannot write a record in %s: %s\n",
		    units, strerror(errno));
		free(b.p);
		/* Say so to cargo: a unit left out would go unnoticed. */
		return WIFEXITED(status) && WEXITSTATUS(status) != 0
		           ? WEXITSTATUS(status)
		           : 1;
	}
	free(b.p);
	if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return WEXITSTATUS(status);
}

int
main(int argc, char **argv)
{
	const char *profile = getenv("BENCH_TESTS_PROFILE_DIR");
	const char *units = getenv("BENCH_TESTS_UNITS");
	const char *extractor = getenv("BENCH_TESTS_EXTRACTOR");
	const char *crate = getenv("CARGO_CRATE_NAME");
	char **run, *flag = NULL;
	size_t n = 0;
	int ours;

	if (argc < 2) {
		fprintf(stderr,
		    "usage: " PROG " RUSTC [ARGS...]\n"
		    "(cargo runs it in rustc's place for bench-tests "
		    "profile)\n");
		return 2;
	}
	ours = crate != NULL && *crate != '\0';
	/* What runs: [EXTRACTOR] RUSTC ARGS... [PROFILING FLAGS] NULL. */
	run = alloc(((size_t)argc + 3) * sizeof(*run));
	if (extractor != NULL && *extractor != '\0')
		run[n++] = (char *)extractor;
	memcpy(run + n, argv + 1, (size_t)(argc - 1) * sizeof(*run));
	n += (size_t)argc - 1;
	if (ours && profile != NULL && *profile != '\0') {
		flag = alloc(strlen(profile) + sizeof("-Zself-profile="));
		strcpy(flag, "-Zself-profile=");
		strcat(flag, profile);
		run[n++] = flag;
		run[n++] = "-Zself-profile-events=default,args";
	}
	run[n] = NULL;
	if (ours && units != NULL && *units != '\0') {
		/* Everything freed: a leak checker must not have a word. */
		n = (size_t)run_and_record(run, argv + 1, units);
		free(flag);
		free(run);
		return (int)n;
	}
	execvp(run[0], run);
	fprintf(stderr, PROG ": cannot run %s: %s\n", run[0], strerror(errno));
	return 127;
}
