/*
 * wrapper.c: bench-tests as cargo's RUSTC_WRAPPER, the extractor of the
 * profile's second pass.
 *
 * Cargo runs `WRAPPER /path/to/rustc ARGS...`.  For a unit of the
 * workspace (CARGO_PRIMARY_PACKAGE) we run rustc as our child, so that we
 * can take its rusage, write a record of the unit (package, crate, types,
 * edition, features, externs, source, times) to $BENCH_TESTS_UNITS, and
 * exit as rustc did.  Everything else (dependencies, build script runs,
 * cargo's -vV and --print probes) is passed through untouched: we replace
 * ourselves with rustc.  With $BENCH_TESTS_EXTRACTOR set, that program runs
 * in rustc's place (`EXTRACTOR /path/to/rustc ARGS...`), as cargo would run
 * it, and bench-tests only watches.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

int
wrapper_is_invocation(int argc, char **argv)
{
	const char *base;

	if (argc < 2)
		return 0;
	base = strrchr(argv[1], '/');
	base = base != NULL ? base + 1 : argv[1];
	return strncmp(base, "rustc", 5) == 0;
}

/* Append s to a NULL-terminated vector. */
static void
push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* The value of an option given as "OPT VALUE" or "OPT=VALUE", or NULL. */
static const char *
opt_value(char **args, size_t n, size_t *i, const char *opt)
{
	size_t len = strlen(opt);

	if (strcmp(args[*i], opt) == 0 && *i + 1 < n)
		return args[++*i];
	if (strncmp(args[*i], opt, len) == 0 && args[*i][len] == '=')
		return args[*i] + len + 1;
	return NULL;
}

/* Expand @argfile arguments (one argument per line), as rustc does. */
static char **
expand_args(char **argv, size_t *n_out)
{
	char **out = NULL, *text, *line, *save = NULL;
	size_t n = 0, i;

	for (i = 0; argv[i] != NULL; i++) {
		if (argv[i][0] == '@' && argv[i][1] != '\0' &&
		    (text = file_read(argv[i] + 1, 64u << 20, NULL)) != NULL) {
			for (line = strtok_r(text, "\n", &save); line != NULL;
			     line = strtok_r(NULL, "\n", &save))
				push(&out, &n, line);
			free(text);
		} else
			push(&out, &n, argv[i]);
	}
	*n_out = n;
	return out;
}

/* Fill u from rustc's arguments; 0 when this is a compilation of a crate. */
static int
parse_args(char **args, size_t n, struct prof_unit *u)
{
	const char *v;
	size_t i, nt = 0, nf = 0, ne = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") == 0 || strcmp(args[i], "-vV") == 0 ||
		    strncmp(args[i], "--print", 7) == 0)
			return -1;
		if ((v = opt_value(args, n, &i, "--crate-name")) != NULL) {
			free(u->crate_name);
			u->crate_name = xstrdup(v);
		} else if ((v = opt_value(args, n, &i, "--crate-type")) !=
		           NULL) {
			char *copy = xstrdup(v), *tok, *save = NULL;

			for (tok = strtok_r(copy, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save))
				push(&u->crate_types, &nt, tok);
			free(copy);
		} else if ((v = opt_value(args, n, &i, "--edition")) != NULL) {
			free(u->edition);
			u->edition = xstrdup(v);
		} else if ((v = opt_value(args, n, &i, "--cfg")) != NULL) {
			if (strncmp(v, "feature=\"", 9) == 0 &&
			    v[strlen(v) - 1] == '"') {
				char *f = xstrndup(v + 9, strlen(v) - 10);

				push(&u->features, &nf, f);
				free(f);
			}
		} else if ((v = opt_value(args, n, &i, "--extern")) != NULL) {
			char *name = xstrndup(v, strcspn(v, "="));

			push(&u->externs, &ne, name);
			free(name);
		} else if (strcmp(args[i], "--test") == 0)
			u->test = 1;
		else if ((v = opt_value(args, n, &i, "-C")) != NULL ||
		         (strncmp(args[i], "-C", 2) == 0 &&
		             (v = args[i] + 2))) {
			if (strncmp(v, "metadata=", 9) == 0) {
				free(u->metadata);
				u->metadata = xstrdup(v + 9);
			}
		} else if (args[i][0] != '-' && u->source == NULL &&
		           strlen(args[i]) > 3 &&
		           strcmp(args[i] + strlen(args[i]) - 3, ".rs") == 0)
			u->source = xstrdup(args[i]);
		else if (args[i][0] == '-' && args[i][1] != '-' &&
		         args[i][1] != '\0' && args[i][2] == '\0' &&
		         i + 1 < n && strchr("LlWAFDoC", args[i][1]) != NULL)
			i++; /* a short option's value is not the source */
		else if (strncmp(args[i], "--", 2) == 0 &&
		         strchr(args[i], '=') == NULL && i + 1 < n &&
		         args[i + 1][0] != '-' &&
		         (strcmp(args[i], "--out-dir") == 0 ||
		             strcmp(args[i], "--error-format") == 0 ||
		             strcmp(args[i], "--json") == 0 ||
		             strcmp(args[i], "--emit") == 0 ||
		             strcmp(args[i], "--target") == 0 ||
		             strcmp(args[i], "--cap-lints") == 0 ||
		             strcmp(args[i], "--check-cfg") == 0 ||
		             strcmp(args[i], "--diagnostic-width") == 0 ||
		             strcmp(args[i], "--remap-path-prefix") == 0 ||
		             strcmp(args[i], "--sysroot") == 0))
			i++;
	}
	if (u->crate_name == NULL || u->source == NULL ||
	    strcmp(u->crate_name, "___") == 0)
		return -1;
	/* rustc's default crate type, also of --test harnesses. */
	if (u->crate_types == NULL)
		push(&u->crate_types, &nt, "bin");
	return 0;
}

/* Die as the child died, so cargo sees what rustc did. */
static int
exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

static double
seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
write_record(const char *dir, const struct prof_unit *u)
{
	char *text, *path = NULL;

	text = report_unit_dump(u);
	if (text == NULL)
		return;
	xasprintf(&path, "%s/%s-%ld.json", dir, u->crate_name, (long)getpid());
	if (file_write_atomic(path, text, strlen(text)) != 0)
		fprintf(stderr, "bench-tests (wrapper): cannot write %s: %s\n",
		    path, strerror(errno));
	free(path);
	free(text);
}

int
wrapper_main(int argc, char **argv)
{
	const char *units = getenv("BENCH_TESTS_UNITS");
	const char *extractor = getenv("BENCH_TESTS_EXTRACTOR");
	const char *primary = getenv("CARGO_PRIMARY_PACKAGE");
	struct prof_unit u;
	struct rusage ru;
	char **run, **args;
	size_t n_args, i;
	double t0;
	int status, rc;
	pid_t pid;

	(void)argc;
	/* What runs in rustc's place: rustc, or EXTRACTOR rustc. */
	run = xcalloc((size_t)argc + 2, sizeof(*run));
	i = 0;
	if (extractor != NULL && *extractor != '\0')
		run[i++] = (char *)extractor;
	memcpy(run + i, argv + 1, (size_t)argc * sizeof(*run));

	memset(&u, 0, sizeof(u));
	args = expand_args(argv + 2, &n_args);
	if (units == NULL || primary == NULL ||
	    parse_args(args, n_args, &u) != 0) {
		/* Not ours: become it, untouched. */
		execvp(run[0], run);
		fprintf(stderr, "bench-tests (wrapper): cannot run %s: %s\n",
		    run[0], strerror(errno));
		return 127;
	}
	strv_free(args);
	u.package =
	    xstrdup(getenv("CARGO_PKG_NAME") != NULL ? getenv("CARGO_PKG_NAME")
	                                             : u.crate_name);

	t0 = now();
	rc = posix_spawnp(&pid, run[0], NULL, NULL, run, environ);
	if (rc != 0) {
		fprintf(stderr, "bench-tests (wrapper): cannot run %s: %s\n",
		    run[0], strerror(rc));
		return 127;
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench-tests (wrapper): wait4: %s\n",
			    strerror(errno));
			return 127;
		}
	}
	u.wall = now() - t0;
	u.user = seconds(&ru.ru_utime);
	u.sys = seconds(&ru.ru_stime);
	u.exit_code =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	write_record(units, &u);
	report_unit_clear(&u);
	free(run);
	return exit_like(status);
}
