/*
 * test_spawn.c: spawn.c itself: listing our children whole, ending what a
 * command leaves behind, a deadline earlier than posix_spawn, and no exit
 * path that leaves the command running.
 *
 * Each test that calls spawn_init (signal handlers, the subreaper, the
 * exit-time cleanup) does so in a process of its own, forked from the
 * test, so that the test itself can look at what is left afterwards.
 * The integration tests' harness gives the helpers (pids, scratch files).
 */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "bench.h"
#include "harness.h"
#include "spawn-int.h"

TestSuite(spawn);

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* A child that shares our memory (cheap to make by the hundred): it waits. */
static int
idle_child(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

/*
 * More children than one page of /proc/self/task/TID/children holds: each
 * pid must be read whole (a list cut at 4 KiB splits a pid, and the half
 * names some other process).  The children are made with clone(CLONE_VM):
 * forking a thousand copies of a test process takes many seconds on a busy
 * machine, these take milliseconds.
 */
Test(spawn, children_are_listed_whole_beyond_a_page, .timeout = 60)
{
	enum { MAX_KIDS = 4000, STACK = 16384 };
	pid_t *kids, *listed = NULL;
	size_t n = 0, text = 0, i;
	ssize_t got;
	char num[32], *stacks;
	int status;

	kids = calloc(MAX_KIDS, sizeof(*kids));
	stacks = malloc((size_t)MAX_KIDS * STACK);
	cr_assert(kids != NULL && stacks != NULL);
	/* "PID " text beyond one page. */
	while (text < 4096 + 1024 && n < MAX_KIDS) {
		kids[n] = clone(idle_child, stacks + (n + 1) * STACK,
		    CLONE_VM | SIGCHLD, NULL);
		cr_assert_gt(kids[n], 0, "clone: %s", strerror(errno));
		text +=
		    (size_t)snprintf(num, sizeof(num), "%ld ", (long)kids[n]);
		n++;
	}
	got = spawn_list_children(&listed);
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(kids[i], &status, 0);
	free(stacks);
	cr_assert_eq(got, (ssize_t)n, "%zd of %zu children listed", got, n);
	qsort(kids, n, sizeof(*kids), cmp_pid);
	qsort(listed, n, sizeof(*listed), cmp_pid);
	for (i = 0; i < n; i++)
		cr_assert_eq(listed[i], kids[i], "child %zu: %ld, not %ld", i,
		    (long)listed[i], (long)kids[i]);
	free(listed);
	free(kids);
}

/* What a forked tester reports back through its exit status. */
enum { T_OK = 0, T_FAIL = 10 };

/* Run fn in a child process of its own; its exit status. */
static int
in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fflush(stdout);
		exit(fn());
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the tester died (status %#x)", status);
	return WEXITSTATUS(status);
}

static int
escapee_counted(void)
{
	char *argv[] = {(char *)behave_bin(), "escape-user", "0.1", NULL};
	struct spawn_note note;
	struct spawn_opts o = {
	    .argv = argv, .out_fd = -1, .err_fd = -1, .note = &note};
	struct bench_run run;

	spawn_init();
	if (spawn_run(&o, &run) != 0 || run.exit_code != 0)
		return T_FAIL + 1;
	/* Its 0.1 s is counted here, and it was ended: one survivor. */
	if (run.user < 0.1 || run.user > 0.1 + 0.15)
		return T_FAIL + 2;
	if (note.survivors != 1)
		return T_FAIL + 3;
	return T_OK;
}

Test(spawn, an_escapee_is_ended_and_counted_in_its_run, .timeout = 60)
{
	cr_assert_eq(in_child(escapee_counted), T_OK);
}

static int
early_deadline(void)
{
	char *argv[] = {(char *)behave_bin(), "sleep", "2", NULL};
	struct spawn_opts o = {
	    .argv = argv, .out_fd = -1, .err_fd = -1, .timeout = 1e-9};
	struct bench_run run;

	spawn_init();
	if (spawn_run(&o, &run) != 0)
		return T_FAIL + 1;
	if (!run.timed_out)
		return T_FAIL + 2;
	/* SIGTERM ends behave sleep at once: far less than 2 s. */
	if (run.wall > 1.5 || run.signal != SIGTERM)
		return T_FAIL + 3;
	return T_OK;
}

Test(spawn, a_deadline_before_the_pid_is_known_still_holds, .timeout = 60)
{
	int i;

	/* Whether the timer fires inside posix_spawn or just after. */
	for (i = 0; i < 5; i++)
		cr_assert_eq(in_child(early_deadline), T_OK, "try %d", i);
}

/*
 * Every exit path: fatalx, xmalloc's out-of-memory exit, a usage error.
 * The tick callback takes it while behave hang runs with a child, both
 * ignoring SIGTERM, in our group.
 */
static const char *hang_pids;
static int exit_how;

static void
fail_on_tick(void *arg)
{
	pid_t pids[2];

	(void)arg;
	if (read_pids(hang_pids, pids, 2) < 2)
		return; /* not started yet */
	switch (exit_how) {
	case 0:
		fatalx(BENCH_EXIT_USAGE, "a fatal error inside a run");
	case 1:
		(void)xreallocarray(NULL, SIZE_MAX / 2, 4);
		break;
	default:
		cmd_usage_error("run", "a usage error inside a run");
	}
}

static int
exit_inside_a_run(void)
{
	char *argv[] = {(char *)behave_bin(), "hang", (char *)hang_pids, NULL};
	struct spawn_opts o = {.argv = argv,
	    .out_fd = -1,
	    .err_fd = -1,
	    .tick = 0.05,
	    .on_tick = fail_on_tick};
	struct bench_run run;

	spawn_init();
	(void)spawn_run(&o, &run);
	return T_FAIL; /* not reached: the tick exits */
}

Test(spawn, no_exit_path_leaves_the_command_running, .timeout = 60)
{
	char *dir = scratch_dir("spawn-hang");
	char *pid_file = path_join(dir, "pids");
	pid_t pids[2];
	size_t n, i;
	int alive[2];

	hang_pids = pid_file;
	for (exit_how = 0; exit_how < 3; exit_how++) {
		unlink(pid_file);
		cr_assert_eq(in_child(exit_inside_a_run), BENCH_EXIT_USAGE,
		    "exit path %d", exit_how);
		n = read_pids(pid_file, pids, 2);
		cr_assert_eq(n, 2, "behave hang wrote %zu pids", n);
		/* Ended by the tester before it exited (no leak if not). */
		for (i = 0; i < n; i++) {
			alive[i] = process_alive(pids[i]);
			kill(pids[i], SIGKILL);
		}
		for (i = 0; i < n; i++)
			cr_assert(!alive[i], "exit path %d: pid %ld still runs",
			    exit_how, (long)pids[i]);
	}
	free(pid_file);
	free(dir);
}

/* sigabbrev_np has no name for a real-time signal: never a NULL %s. */
Test(spawn, a_signal_without_a_name_is_described)
{
	struct bench_run run;
	char buf[96];

	memset(&run, 0, sizeof(run));
	run.signal = SIGRTMIN + 6;
	run.exit_code = -1;
	cr_assert_str_eq(spawn_signame(run.signal), "?");
	cr_assert_str_eq(spawn_signame(SIGTERM), "TERM");
	run.timed_out = 1;
	spawn_describe(&run, buf, sizeof(buf));
	cr_assert_str_eq(buf, "timed out and was ended (SIG?)");
	run.timed_out = 0;
	spawn_describe(&run, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "killed by signal"), "%s", buf);
	cr_assert_not_null(strstr(buf, "(SIG?)"), "%s", buf);
}
