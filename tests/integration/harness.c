/*
 * harness.c: helpers for the integration tests (see harness.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

extern char **environ;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void
sleep_seconds(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

const char *
bench_bin(void)
{
	const char *p = getenv("BENCH_TESTS_BIN");

	return p != NULL ? p : TOP_BUILDDIR "/src/bench-tests";
}

const char *
behave_bin(void)
{
	const char *p = getenv("BEHAVE_BIN");

	return p != NULL ? p : TOP_BUILDDIR "/tests/progs/behave";
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

char *
path_join(const char *dir, const char *file)
{
	char *p;

	cr_assert(asprintf(&p, "%s/%s", dir, file) > 0);
	return p;
}

char *
scratch_dir(const char *name)
{
	char *dir;
	static unsigned counter;

	mkdir(TOP_BUILDDIR "/tests/work", 0777);
	cr_assert(asprintf(&dir, TOP_BUILDDIR "/tests/work/%s-%ld-%u", name,
	              (long)getpid(), counter++) > 0);
	cr_assert(mkdir(dir, 0777) == 0 || errno == EEXIST, "mkdir %s: %s", dir,
	    strerror(errno));
	return dir;
}

/* The environment for a child: ours with env's changes applied. */
static char **
make_env(const char *const *env)
{
	size_t n = 0, m = 0, i, j, k;
	char **out;

	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[m] != NULL)
		m++;
	out = calloc(n + m + 1, sizeof(*out));
	cr_assert_not_null(out);
	k = 0;
	for (i = 0; i < n; i++) {
		int replaced = 0;

		for (j = 0; j < m; j++) {
			size_t len = strcspn(env[j], "=") + 1;

			if (strncmp(environ[i], env[j], len) == 0)
				replaced = 1;
		}
		if (!replaced)
			out[k++] = environ[i];
	}
	for (j = 0; j < m; j++) {
		if (env[j][strlen(env[j]) - 1] != '=')
			out[k++] = (char *)env[j];
	}
	out[k] = NULL;
	return out;
}

static char *out_path, *err_path;

/*
 * Start argv (argv[0] looked up in PATH) with stdout and stderr to files, in a
 * process group of its own when new_group (as a shell with job control would:
 * its parent is then in another group of the same session, so the group is not
 * orphaned and SIGTSTP can stop it).
 */
static pid_t
start_argv(struct cli *c, const char *dir, const char *const *env,
    char *const *argv, int new_group)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **envp;
	pid_t pid;
	int rc;
	char *work;

	memset(c, 0, sizeof(*c));
	envp = make_env(env);
	work = scratch_dir("cli");
	free(out_path);
	free(err_path);
	out_path = path_join(work, "stdout");
	err_path = path_join(work, "stderr");
	free(work);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(
	    &fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(
	    &fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (dir != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawnattr_init(&attr);
	if (new_group) {
		posix_spawnattr_setpgroup(&attr, 0);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	}
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, envp);
	cr_assert_eq(rc, 0, "spawn %s: %s", argv[0], strerror(rc));
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(envp);
	return pid;
}

/* Start arg0 with args after it. */
static pid_t
start(struct cli *c, const char *dir, const char *const *env, const char *arg0,
    const char *const *args, int new_group)
{
	char **argv;
	size_t n = 0, i;
	pid_t pid;

	while (args[n] != NULL)
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	cr_assert_not_null(argv);
	argv[0] = (char *)arg0;
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	pid = start_argv(c, dir, env, argv, new_group);
	free(argv);
	return pid;
}

void
cli_wait(struct cli *c, pid_t pid, double limit)
{
	double t0 = now();
	int status;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (now() - t0 > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cr_assert_fail("it ran longer than %.0f s; stderr:\n%s",
			    limit, slurp(err_path));
		}
		sleep_seconds(0.01);
	}
	c->seconds = now() - t0;
	c->status =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	c->out = slurp(out_path);
	c->err = slurp(err_path);
}

pid_t
cli_start(struct cli *c, const char *dir, const char *const *args)
{
	return start(c, dir, NULL, bench_bin(), args, 0);
}

pid_t
cli_start_group(struct cli *c, const char *const *args)
{
	return start(c, NULL, NULL, bench_bin(), args, 1);
}

pid_t
cli_start_argv(struct cli *c, const char *const *argv)
{
	return start_argv(c, NULL, NULL, (char *const *)argv, 1);
}

void
cli_run(struct cli *c, const char *dir, const char *const *env, double limit,
    const char *const *args)
{
	pid_t pid = start(c, dir, env, bench_bin(), args, 0);

	cli_wait(c, pid, limit);
}

void
prog_run(struct cli *c, const char *dir, double limit, const char *const *argv)
{
	pid_t pid = start(c, dir, NULL, argv[0], argv + 1, 0);

	cli_wait(c, pid, limit);
}

void
cli_free(struct cli *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

json_t *
json_file(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	cr_assert_not_null(j, "%s: %s (line %d)", path, e.text, e.line);
	return j;
}

json_t *
first_result(json_t *baseline)
{
	json_t *r = json_array_get(json_object_get(baseline, "results"), 0);

	cr_assert_not_null(r, "the baseline has no results[0]");
	return r;
}

double
jnum(json_t *o, const char *path)
{
	char *copy = strdup(path), *save = NULL, *k;
	json_t *v = o;

	for (k = strtok_r(copy, ".", &save); k != NULL;
	     k = strtok_r(NULL, ".", &save)) {
		v = json_object_get(v, k);
		cr_assert_not_null(v, "no '%s' in the JSON (path %s)", k, path);
	}
	free(copy);
	cr_assert(json_is_number(v), "%s is not a number", path);
	return json_number_value(v);
}

char
process_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	char state = '?';

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return '?';
	if (fgets(buf, sizeof(buf), f) != NULL) {
		p = strrchr(buf, ')');
		if (p != NULL && p[1] == ' ')
			state = p[2];
	}
	fclose(f);
	return state;
}

int
process_alive(pid_t pid)
{
	char state;

	if (kill(pid, 0) != 0)
		return 0;
	state = process_state(pid);
	return state != '?' && state != 'Z' && state != 'X';
}

size_t
read_pids(const char *path, pid_t *pids, size_t max)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	long v;

	if (f == NULL)
		return 0;
	while (n < max && fscanf(f, "%ld", &v) == 1)
		pids[n++] = (pid_t)v;
	fclose(f);
	return n;
}

size_t
assert_pids_ended(const char *path)
{
	pid_t pids[64];
	size_t n = read_pids(path, pids, 64), i;

	for (i = 0; i < n; i++)
		cr_assert(
		    !process_alive(pids[i]), "pid %ld survived", (long)pids[i]);
	return n;
}

/* A copy of the source directory src (under the source tree) at dest. */
static void
copy_tree(const char *src, const char *dest)
{
	char *cmd;

	mkdir(TOP_BUILDDIR "/tests/work", 0777);
	/*
	 * A copy, so that a read-only source tree (make distcheck) works
	 * too; its target/ stays between test runs, so cargo builds once.
	 */
	cr_assert(asprintf(&cmd,
	              "mkdir -p '%s' && (cd '%s/%s' && tar cf - "
	              "--exclude=./target .) | (cd '%s' && tar xf -) && "
	              "chmod -R u+w '%s'",
	              dest, TOP_SRCDIR, src, dest, dest) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
}

const char *
example_workspace(void)
{
	static char *ws;

	if (ws != NULL)
		return ws;
	ws = strdup(TOP_BUILDDIR "/tests/work/example-workspace");
	copy_tree("examples/workspace", ws);
	return ws;
}

char *
test_workspace(const char *name)
{
	static int copied;
	char *ws = NULL;

	if (!copied)
		copy_tree("tests/workspaces", TOP_BUILDDIR "/tests/work/ws");
	copied = 1;
	cr_assert(asprintf(&ws, TOP_BUILDDIR "/tests/work/ws/%s", name) > 0);
	return ws;
}
