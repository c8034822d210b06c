/*
 * cargo.c: asking cargo about a workspace: its members and targets, the
 * test executables it builds, and libtest's per-test JSON.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* cargo metadata of a big workspace is a few MB; this is far above. */
#define MAX_JSON (512u << 20)

extern char **environ;

struct cargo_workspace *
cargo_metadata(const char *ws)
{
	char *argv[] = {
	    "cargo",
	    "metadata",
	    "--format-version",
	    "1",
	    "--no-deps",
	    NULL,
	};
	struct cargo_workspace *meta;
	struct bench_error err;
	char *out;
	int status;

	out = spawn_capture(argv, ws, MAX_JSON, 300, &status);
	if (out == NULL) {
		errorf("cannot run cargo metadata: %s", strerror(errno));
		return NULL;
	}
	if (status != 0) {
		errorf("cargo metadata failed (status %d) in %s; is the "
		       "manifest valid?",
		    status, ws);
		free(out);
		return NULL;
	}
	meta = report_cargo_metadata_parse(out, strlen(out), &err);
	free(out);
	if (meta == NULL)
		errorf("%s", err.text);
	else if (meta->n_packages == 0) {
		errorf("cargo metadata lists no workspace members in %s", ws);
		report_cargo_workspace_free(meta);
		meta = NULL;
	}
	return meta;
}

/* Our environment plus RUSTC_BOOTSTRAP=1 (free the array, not the
 * strings). */
static char **
cargo_env_bootstrap(void)
{
	size_t n = strv_len(environ), i, k = 0;
	char **env;

	env = xcalloc(n + 2, sizeof(*env));
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "RUSTC_BOOTSTRAP=", 16) != 0)
			env[k++] = environ[i];
	}
	/* -Z flags on a stable toolchain; harmless on nightly. */
	env[k++] = "RUSTC_BOOTSTRAP=1";
	env[k] = NULL;
	return env;
}

/* Run argv in ws with stdout and stderr merged into a file; its text. */
static char *
run_merged(char *const *argv, const char *ws, char **envp, int *status)
{
	struct bench_run run;
	FILE *f;
	char *text = NULL;
	long size;
	size_t got;
	struct spawn_opts so = {.argv = argv, .dir = ws, .envp = envp};

	f = tmpfile();
	if (f == NULL) {
		errorf("cannot create a temporary file: %s", strerror(errno));
		return NULL;
	}
	so.out_fd = so.err_fd = fileno(f);
	if (spawn_run(&so, &run) != 0) {
		errorf("cannot run %s: %s", argv[0], strerror(errno));
		goto out;
	}
	*status = run.signal != 0 ? 128 + run.signal : run.exit_code;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    (size_t)size > MAX_JSON) {
		errorf("the output of %s is too large", argv[0]);
		goto out;
	}
	rewind(f);
	text = xmalloc((size_t)size + 1);
	got = fread(text, 1, (size_t)size, f);
	text[got] = '\0';
out:
	fclose(f);
	return text;
}

struct test_report *
cargo_per_test(const char *ws, char *const *select,
    const struct cargo_workspace *meta, size_t slowest)
{
	struct cargo_test_exe *exes = NULL;
	struct test_report *t = NULL;
	struct bench_error err;
	char **argv, **env, *text = NULL, *listing;
	size_t n = strv_len(select), i, k;
	long n_exes;
	int status = 0;

	/* 1: which executable is which target. */
	argv = xcalloc(n + 8, sizeof(*argv));
	k = 0;
	argv[k++] = "cargo";
	argv[k++] = "test";
	for (i = 0; i < n; i++)
		argv[k++] = select[i];
	argv[k++] = "--no-run";
	argv[k++] = "--message-format";
	argv[k++] = "json";
	argv[k] = NULL;
	listing = spawn_capture(argv, ws, MAX_JSON, 0, &status);
	free(argv);
	if (listing == NULL || status != 0) {
		errorf("the per-test pass: cargo test --no-run failed (status "
		       "%d)",
		    status);
		free(listing);
		return NULL;
	}
	n_exes =
	    report_cargo_test_exes(listing, strlen(listing), meta, &exes, &err);
	free(listing);
	if (n_exes < 0) {
		errorf("%s", err.text);
		return NULL;
	}

	/* 2: the tests themselves, with libtest's JSON. */
	argv = xcalloc(n + 10, sizeof(*argv));
	k = 0;
	argv[k++] = "cargo";
	argv[k++] = "test";
	for (i = 0; i < n; i++)
		argv[k++] = select[i];
	argv[k++] = "--no-fail-fast";
	argv[k++] = "--";
	argv[k++] = "-Zunstable-options";
	argv[k++] = "--format";
	argv[k++] = "json";
	argv[k++] = "--report-time";
	argv[k] = NULL;
	env = cargo_env_bootstrap();
	notef("per-test pass (not timed): RUSTC_BOOTSTRAP=1 cargo test ... "
	      "--format json --report-time");
	text = run_merged(argv, ws, env, &status);
	if (text != NULL && !spawn_interrupted()) {
		t = report_libtest_parse(text, strlen(text), meta, exes,
		    (size_t)n_exes, slowest, &err);
		if (t != NULL) {
			t->command = cmd_join_argv(argv);
			t->exit_code = status;
			if (t->n_binaries == 0) {
				errorf("the per-test pass found no test "
				       "binary in cargo's output (status %d)",
				    status);
				report_test_report_free(t);
				t = NULL;
			}
		} else
			errorf("%s", err.text);
	}
	free(text);
	free(env);
	free(argv);
	report_cargo_exes_free(exes, (size_t)n_exes);
	return t;
}
