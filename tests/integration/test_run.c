/*
 * test_run.c: the real bench-tests binary measuring programs whose
 * behaviour is known (tests/progs/behave), and the example workspace with
 * the real cargo.
 *
 * Timing assertions hold on a busy 2-core machine: CPU time is burnt by
 * behave until its own rusage says so (so it cannot be less than asked),
 * and upper bounds leave room for scheduling noise.  The tests run one at a
 * time (see main) so they do not disturb each other's timings.
 */
#include <config.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define MIB (1024.0 * 1024.0)

/* Measure behave with the given arguments; returns the parsed baseline. */
static json_t *
measure_behave(const char *out, const char *runs, const char *const *behave)
{
	const char *args[32] = {"--no-prebuild", "--warmup", "1", "--runs",
	    runs, "--max-runs", runs, "--output", out, "--"};
	struct cli c;
	size_t n = 10, i;
	json_t *j;

	args[n++] = behave_bin();
	for (i = 0; behave[i] != NULL; i++)
		args[n++] = behave[i];
	args[n] = NULL;
	cli_run(&c, NULL, NULL, 120, args);
	cr_assert_eq(c.status, 0, "exit %d, stderr:\n%s", c.status, c.err);
	j = json_file(out);
	cli_free(&c);
	return j;
}

Test(measure, user_cpu_time_is_measured, .timeout = 120)
{
	char *dir = scratch_dir("user"), *out = path_join(dir, "b.json");
	json_t *b =
	    measure_behave(out, "3", (const char *[]){"user", "0.3", NULL});
	json_t *r = first_result(b);
	double user = jnum(r, "statistics.user.mean");

	/* behave burns until its own rusage shows 0.3 s. */
	cr_assert_geq(user, 0.29, "user %.3f s", user);
	cr_assert_leq(user, 0.3 + 0.15, "user %.3f s", user);
	cr_assert_lt(jnum(r, "statistics.system.mean"), 0.1);
	cr_assert_geq(jnum(r, "mean"), user * 0.9,
	    "wall time cannot be much below CPU time of one thread");
	/* hyperfine's fields: user and system are the means. */
	cr_assert_float_eq(jnum(r, "user"), user, 1e-12);
	cr_assert_eq(json_array_size(json_object_get(r, "times")), 3);
	cr_assert_eq(json_array_size(json_object_get(r, "exit_codes")), 3);
	cr_assert_eq(json_integer_value(
	                 json_array_get(json_object_get(r, "exit_codes"), 0)),
	    0);
	cr_assert_eq(
	    json_array_size(json_object_get(r, "memory_usage_byte")), 3);
	cr_assert_eq(jnum(r, "warmup_runs"), 1);
	cr_assert_eq(jnum(r, "convergence.runs"), 3);
	cr_assert_gt(jnum(b, "environment.cpu_cores"), 0);
	cr_assert(json_is_true(json_object_get(b, "complete")));
	json_decref(b);
	free(out);
	free(dir);
}

Test(measure, system_cpu_time_is_measured, .timeout = 120)
{
	char *dir = scratch_dir("sys"), *out = path_join(dir, "b.json");
	json_t *b =
	    measure_behave(out, "3", (const char *[]){"sys", "0.3", NULL});
	json_t *r = first_result(b);
	double sys = jnum(r, "statistics.system.mean");

	cr_assert_geq(sys, 0.29, "system %.3f s", sys);
	cr_assert_leq(sys, 0.3 + 0.15, "system %.3f s", sys);
	cr_assert_lt(jnum(r, "statistics.user.mean"), 0.15);
	json_decref(b);
	free(out);
	free(dir);
}

Test(measure, sleeping_takes_wall_time_but_no_cpu, .timeout = 120)
{
	char *dir = scratch_dir("sleep"), *out = path_join(dir, "b.json");
	json_t *b =
	    measure_behave(out, "3", (const char *[]){"sleep", "0.3", NULL});
	json_t *r = first_result(b);
	double wall = jnum(r, "statistics.wall.mean");

	cr_assert_geq(wall, 0.3, "wall %.3f s", wall);
	cr_assert_leq(wall, 0.3 + 0.25, "wall %.3f s", wall);
	cr_assert_geq(jnum(r, "statistics.wall.min"), 0.3);
	cr_assert_lt(jnum(r, "user") + jnum(r, "system"), 0.05);
	json_decref(b);
	free(out);
	free(dir);
}

Test(measure, time_of_a_forked_child_is_counted, .timeout = 120)
{
	char *dir = scratch_dir("fork"), *out = path_join(dir, "b.json");
	json_t *b = measure_behave(
	    out, "2", (const char *[]){"fork-user", "0.3", NULL});
	json_t *r = first_result(b);
	double user = jnum(r, "statistics.user.mean");

	cr_assert_geq(user, 0.29, "the child's 0.3 s are missing: %.3f", user);
	cr_assert_leq(user, 0.3 + 0.15);
	json_decref(b);
	free(out);
	free(dir);
}

Test(measure, max_rss_of_the_tree, .timeout = 120)
{
	char *dir = scratch_dir("alloc"), *out = path_join(dir, "b.json");
	json_t *b =
	    measure_behave(out, "2", (const char *[]){"alloc", "200", NULL});
	json_t *r = first_result(b);
	json_t *mem = json_object_get(r, "memory_usage_byte");
	double rss = (double)json_integer_value(json_array_get(mem, 0));

	/* 200 MiB touched, plus the program itself (a few MiB). */
	cr_assert_geq(rss, 200 * MIB, "max RSS %.1f MiB", rss / MIB);
	cr_assert_leq(rss, 230 * MIB, "max RSS %.1f MiB", rss / MIB);
	cr_assert_float_eq(jnum(r, "statistics.max_rss.mean"),
	    (rss + (double)json_integer_value(json_array_get(mem, 1))) / 2,
	    1.0);
	cr_assert_geq(
	    jnum(json_array_get(json_object_get(r, "runs"), 0), "minor_faults"),
	    200 * MIB / 4096 * 0.9, "touching 200 MiB faults pages in");
	json_decref(b);
	free(out);
	free(dir);
}

Test(failure, non_zero_exit_stops_and_names_the_run, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("exit"), *out = path_join(dir, "b.json");

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "2", "-o", out,
	        "--", behave_bin(), "exit", "3", NULL});
	cr_assert_eq(c.status, 3, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "run 1 of 2"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "exited with status 3"), "%s", c.err);
	cr_assert(access(out, F_OK) != 0, "no baseline for a failed command");
	cli_free(&c);

	/* A failing warm-up is named as such. */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "2", "-r", "2", "--",
	        behave_bin(), "exit", "4", NULL});
	cr_assert_eq(c.status, 3);
	cr_assert_not_null(strstr(c.err, "warm-up run 1 of 2"), "%s", c.err);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(failure, ignore_failure_records_exit_codes, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("ignore"), *out = path_join(dir, "b.json");
	json_t *b, *codes;

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "1", "-r", "2",
	        "--max-runs", "2", "--ignore-failure", "-o", out, "--",
	        behave_bin(), "exit", "3", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	b = json_file(out);
	codes = json_object_get(first_result(b), "exit_codes");
	cr_assert_eq(json_array_size(codes), 2);
	cr_assert_eq(json_integer_value(json_array_get(codes, 0)), 3);
	cr_assert_eq(json_integer_value(json_array_get(codes, 1)), 3);
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(failure, death_by_signal_is_reported, .timeout = 60)
{
	struct cli c;

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "1", "--",
	        behave_bin(), "signal", "11", NULL});
	cr_assert_eq(c.status, 3);
	cr_assert_not_null(
	    strstr(c.err, "killed by signal 11 (SIGSEGV)"), "%s", c.err);
	cli_free(&c);
}

Test(failure, timeout_ends_the_whole_group, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("hang"), *pids_file = path_join(dir, "pids");

	/* behave hang ignores SIGTERM and has a child: SIGKILL must follow. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "1", "--timeout",
	        "0.5", "--", behave_bin(), "hang", pids_file, NULL});
	cr_assert_eq(c.status, 3, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "timed out"), "%s", c.err);
	/* 0.5 s, then 2 s of grace before SIGKILL; generous slack. */
	cr_assert_geq(c.seconds, 0.5);
	cr_assert_lt(c.seconds, 6.0, "took %.1f s", c.seconds);
	cr_assert_eq(
	    assert_pids_ended(pids_file), 2, "behave hang writes two pids");
	cli_free(&c);
	free(pids_file);
	free(dir);
}

Test(
    failure, a_timeout_shorter_than_the_spawn_still_ends_the_run, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("early"), *out = path_join(dir, "b.json");
	json_t *b, *r;

	/* The deadline falls inside posix_spawn, before the pid is known. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "1",
	        "--ignore-failure", "--timeout", "0.00001", "-o", out, "--",
	        behave_bin(), "sleep", "1.5", NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	b = json_file(out);
	r = json_array_get(json_object_get(first_result(b), "runs"), 0);
	cr_assert(json_is_true(json_object_get(r, "timed_out")),
	    "the run was not timed out");
	/* SIGTERM ends behave sleep at once: far less than its 1.5 s. */
	cr_assert_lt(jnum(r, "wall"), 1.0, "wall %.3f s", jnum(r, "wall"));
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(failure, processes_left_in_the_group_are_ended, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("orphan"), *pids_file = path_join(dir, "pids");

	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--", behave_bin(), "orphan", pids_file,
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_eq(assert_pids_ended(pids_file), 2, "one grandchild per run");
	cli_free(&c);
	free(pids_file);
	free(dir);
}

/*
 * behave escape leaves two processes per run: an orphan in the run's
 * group and an escapee in a session of its own (setsid).  Each run first
 * checks that the previous run's are gone and exits 1 otherwise, so the
 * check is between runs, not only after bench-tests has exited.
 */
Test(contain, leftovers_are_ended_before_the_next_run, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("escape"), *pids_file = path_join(dir, "pids");
	size_t n;

	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"--no-prebuild", "-w", "1", "-r", "3",
	        "--max-runs", "3", "--", behave_bin(), "escape", pids_file,
	        NULL});
	cr_assert_eq(c.status, 0, "a run found a leftover: %s", c.err);
	n = assert_pids_ended(pids_file);
	cr_assert_eq(n, 8, "two leftovers per run, 4 runs: %zu", n);
	/* Said once per benchmark, not once per run. */
	cr_assert_not_null(strstr(c.err, "warm-up run 1 of '"), "%s", c.err);
	cr_assert_not_null(
	    strstr(c.err, "left 2 processes running"), "%s", c.err);
	cr_assert_null(strstr(c.err, "run 2 of '"), "%s", c.err);
	cli_free(&c);
	free(pids_file);
	free(dir);
}

Test(contain, an_escapees_cpu_time_counts_in_its_own_run, .timeout = 60)
{
	char *dir = scratch_dir("escape-user"), *out = path_join(dir, "b.json");
	json_t *b, *runs;
	size_t i;
	double user;

	/*
	 * Each run's escapee burns 0.1 s before the run's own process exits,
	 * then would burn 0.4 s more: it must be ended when the run ends and
	 * its 0.1 s counted there; nothing may carry over into a later run.
	 */
	b = measure_behave(
	    out, "4", (const char *[]){"escape-user", "0.1", NULL});
	runs = json_object_get(first_result(b), "runs");
	cr_assert_eq(json_array_size(runs), 4);
	for (i = 0; i < 4; i++) {
		user = jnum(json_array_get(runs, i), "user");
		cr_assert_geq(user, 0.1, "run %zu: user %.3f s", i + 1, user);
		cr_assert_leq(
		    user, 0.1 + 0.15, "run %zu: user %.3f s", i + 1, user);
	}
	json_decref(b);
	free(out);
	free(dir);
}

/* A child the shell had before it exec'd bench-tests is not the command's. */
Test(contain, children_inherited_across_exec_are_left_alone, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("foreign"), *pid_file = path_join(dir, "pid");
	pid_t pid;

	pid = cli_start_argv(
	    &c, (const char *[]){"/bin/sh", "-c",
	            "\"$1\" sleep 20 & echo $! > \"$2\"; exec \"$0\" "
	            "--no-prebuild -w 0 -r 2 --max-runs 2 -- true",
	            bench_bin(), behave_bin(), pid_file, NULL});
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_eq(read_pids(pid_file, &pid, 1), 1);
	cr_assert(process_alive(pid), "bench-tests ended a process it did "
	                              "not start");
	cr_assert_null(strstr(c.err, "left"), "%s", c.err);
	kill(pid, SIGKILL);
	cli_free(&c);
	free(pid_file);
	free(dir);
}

/* Wait until path lists at least n pids (the runs have started). */
static void
wait_for_pids(const char *path, size_t n, double limit)
{
	pid_t pids[64];
	double waited = 0;

	while (read_pids(path, pids, 64) < n) {
		cr_assert_lt(waited, limit,
		    "fewer than %zu runs started in %.0f s", n, limit);
		sleep_seconds(0.01);
		waited += 0.01;
	}
}

static void
interrupt_during_runs(int sig)
{
	struct cli c;
	char *dir = scratch_dir("int"), *out = path_join(dir, "b.json");
	char *pids_file = path_join(dir, "pids");
	pid_t pid;
	json_t *b, *r;
	size_t n, runs;

	pid = cli_start(&c, NULL,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "40", "-o", out,
	        "--", behave_bin(), "pidlog", pids_file, "0.2", NULL});
	/* Inside the third run (start-up takes long on a busy machine). */
	wait_for_pids(pids_file, 3, 30);
	sleep_seconds(0.05);
	kill(pid, sig);
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 130, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "interrupted"), "%s", c.err);
	b = json_file(out);
	cr_assert(json_is_false(json_object_get(b, "complete")));
	r = first_result(b);
	runs = json_array_size(json_object_get(r, "runs"));
	cr_assert_geq(runs, 2, "%zu runs", runs);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(r, "convergence"), "stopped_by")),
	    "interrupted");
	/* The run cut short is dropped. */
	n = assert_pids_ended(pids_file);
	cr_assert_eq(n, runs + 1, "the interrupted run started too");
	json_decref(b);
	cli_free(&c);
	free(out);
	free(pids_file);
	free(dir);
}

Test(interrupt, sigint_writes_finished_runs_and_exits_130, .timeout = 60)
{
	interrupt_during_runs(SIGINT);
}

Test(interrupt, sigterm_writes_finished_runs_and_exits_130, .timeout = 60)
{
	interrupt_during_runs(SIGTERM);
}

Test(interrupt, sigquit_is_an_interrupt_too, .timeout = 60)
{
	/* Ctrl-\\ killed bench-tests and left the command running. */
	interrupt_during_runs(SIGQUIT);
}

Test(interrupt, sighup_is_an_interrupt_too, .timeout = 60)
{
	interrupt_during_runs(SIGHUP);
}

/*
 * A script's background job starts with SIGINT and SIGQUIT ignored, and
 * exec keeps them ignored: bench-tests must end the run all the same.
 */
static void
interrupt_when_inherited_ignored(int sig)
{
	struct cli c;
	char *dir = scratch_dir("ign"), *pids_file = path_join(dir, "pids");
	pid_t pid;

	pid = cli_start_argv(
	    &c, (const char *[]){"/bin/sh", "-c",
	            "trap '' INT QUIT; exec \"$0\" --no-prebuild -w 0 -r 40 -- "
	            "\"$1\" pidlog \"$2\" 0.2",
	            bench_bin(), behave_bin(), pids_file, NULL});
	wait_for_pids(pids_file, 2, 30);
	kill(pid, sig);
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 130, "SIG%s: exit %d: %s", sigabbrev_np(sig),
	    c.status, c.err);
	assert_pids_ended(pids_file);
	cli_free(&c);
	free(pids_file);
	free(dir);
}

Test(interrupt, inherited_ignored_sigint_still_interrupts, .timeout = 60)
{
	interrupt_when_inherited_ignored(SIGINT);
}

Test(interrupt, inherited_ignored_sigquit_still_interrupts, .timeout = 60)
{
	interrupt_when_inherited_ignored(SIGQUIT);
}

/*
 * Ctrl-Z stops bench-tests and the command's group (a group of its own,
 * which the terminal does not reach); SIGCONT resumes both; the run that
 * held the pause is discarded and run again.
 */
Test(interrupt, sigtstp_stops_the_command_too, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("tstp"), *out = path_join(dir, "b.json");
	char *pids_file = path_join(dir, "pids");
	pid_t pid, pids[8];
	json_t *b, *runs;
	size_t n, i;
	double wall;

	pid = cli_start_group(
	    &c, (const char *[]){"--no-prebuild", "-w", "0", "-r", "2",
	            "--max-runs", "2", "--timeout", "1.5", "-o", out, "--",
	            behave_bin(), "pidlog", pids_file, "1.0", NULL});
	wait_for_pids(pids_file, 1, 30);
	sleep_seconds(0.1);
	kill(pid, SIGTSTP);
	/* Held for longer than --timeout: the deadline must wait too. */
	sleep_seconds(1.8);
	n = read_pids(pids_file, pids, 8);
	cr_assert_eq(n, 1, "a run started while stopped");
	cr_assert_eq(process_state(pid), 'T', "bench-tests is not stopped");
	cr_assert_eq(process_state(pids[0]), 'T', "the command is not stopped");
	kill(pid, SIGCONT);
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "run 1 of '"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "was paused"), "%s", c.err);
	n = read_pids(pids_file, pids, 8);
	cr_assert_eq(n, 3, "the paused run runs again: %zu runs started", n);
	b = json_file(out);
	runs = json_object_get(first_result(b), "runs");
	cr_assert_eq(json_array_size(runs), 2);
	for (i = 0; i < 2; i++) {
		wall = jnum(json_array_get(runs, i), "wall");
		/* The paused run took 1.0 + 1.8 s at least. */
		cr_assert_lt(wall, 1.0 + 0.7, "run %zu: wall %.3f s", i, wall);
	}
	json_decref(b);
	cli_free(&c);
	free(out);
	free(pids_file);
	free(dir);
}

Test(interrupt, no_finished_run_leaves_the_old_file, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("int0"), *out = path_join(dir, "b.json");
	FILE *f = fopen(out, "w");
	pid_t pid;
	char buf[64] = "";

	fputs("previous\n", f);
	fclose(f);
	pid = cli_start(&c, NULL,
	    (const char *[]){"--no-prebuild", "-w", "3", "-r", "3", "-o", out,
	        "--", behave_bin(), "sleep", "0.5", NULL});
	sleep_seconds(0.7);
	kill(pid, SIGINT);
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 130);
	f = fopen(out, "r");
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_assert_str_eq(buf, "previous\n");
	cli_free(&c);
	free(out);
	free(dir);
}

Test(convergence, noisy_command_does_not_converge, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("noisy"), *out = path_join(dir, "b.json");
	char *state = path_join(dir, "counter");
	json_t *b, *r;

	/* Alternating 0.05 s and 0.15 s: a CV near 50 %, far above 5 %. */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "3",
	        "--max-runs", "6", "-o", out, "--", behave_bin(), "alternate",
	        state, "0.05", "0.15", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "did not converge"), "%s", c.out);
	b = json_file(out);
	r = first_result(b);
	cr_assert(json_is_false(
	    json_object_get(json_object_get(r, "convergence"), "converged")));
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(r, "convergence"), "stopped_by")),
	    "max_runs");
	cr_assert_eq(json_array_size(json_object_get(r, "times")), 6);
	cr_assert_gt(jnum(r, "statistics.wall.cv"), 0.2);
	/* Its first run is the fast kind: no first-run warning. */
	cr_assert_null(strstr(c.err, "first measured run"), "%s", c.err);
	/* The CI is reported beside the CV. */
	cr_assert_lt(jnum(r, "statistics.wall.ci_low"), jnum(r, "mean"));
	cr_assert_gt(jnum(r, "statistics.wall.ci_high"), jnum(r, "mean"));
	json_decref(b);
	cli_free(&c);
	free(state);
	free(out);
	free(dir);
}

/* As hyperfine does: a first run far slower than the rest is named. */
Test(convergence, a_far_slower_first_run_is_warned, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("first"), *state = path_join(dir, "counter");

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "3",
	        "--max-runs", "3", "--", behave_bin(), "first", state, "0.8",
	        "0.1", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(
	    strstr(c.err, "the first measured run of"), "%s", c.err);
	cr_assert_not_null(
	    strstr(c.err, "times the median of the others"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "--warmup"), "%s", c.err);
	cli_free(&c);
	free(state);
	free(dir);
}

Test(convergence, steady_command_converges_at_the_minimum, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("steady"), *out = path_join(dir, "b.json");
	json_t *b, *r;

	/*
	 * Sleeping 0.2 s: on a busy machine a run can take longer (a late
	 * wake-up), but a CV above 50 % over 3 runs would need one run to
	 * take about three times as long as the others.
	 */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "3",
	        "--tolerance", "0.5", "-o", out, "--", behave_bin(), "sleep",
	        "0.2", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	b = json_file(out);
	r = first_result(b);
	cr_assert(json_is_true(
	    json_object_get(json_object_get(r, "convergence"), "converged")));
	cr_assert_eq(json_array_size(json_object_get(r, "times")), 3);
	cr_assert_not_null(strstr(c.out, "converged"), "%s", c.out);
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

/*
 * --converge ci=25: the runs alternate 0.05 s and 0.15 s (a CV near 50 %,
 * which the CV rule never gets under 5 %), but the confidence interval of
 * the mean narrows as runs are added: it comes within +-25 % of the mean
 * after about 20 runs.  The loop must stop at the first run count (from
 * --runs on) whose interval is that narrow, checked here from the times
 * with Student's t quantiles from scipy:
 *   [stats.t.ppf(0.975, df) for df in range(1, 40)]
 */
Test(convergence, ci_rule_stops_when_the_interval_is_narrow, .timeout = 120)
{
	static const double t975[] = {12.706205, 4.302653, 3.182446, 2.776445,
	    2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
	    2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
	    2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873,
	    2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407,
	    2.045230, 2.042272, 2.039513, 2.036933, 2.034515, 2.032245,
	    2.030108, 2.028094, 2.026192, 2.024394, 2.022691};
	struct cli c;
	char *dir = scratch_dir("ci-rule"), *out = path_join(dir, "b.json");
	char *state = path_join(dir, "counter");
	json_t *b, *r, *times;
	double sum, sq, mean, sd, hw;
	size_t n, m, i;

	cli_run(&c, NULL, NULL, 100,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "3",
	        "--max-runs", "40", "--converge", "ci=25", "-o", out, "--",
	        behave_bin(), "alternate", state, "0.05", "0.15", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "CI of mean +-"), "%s", c.out);
	b = json_file(out);
	r = first_result(b);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(r, "convergence"), "rule")),
	    "ci");
	cr_assert_float_eq(jnum(r, "convergence.ci_target"), 0.25, 1e-12);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(b, "settings"), "converge")),
	    "ci");
	cr_assert(json_is_true(
	    json_object_get(json_object_get(r, "convergence"), "converged")));
	times = json_object_get(r, "times");
	n = json_array_size(times);
	cr_assert_geq(n, 10, "%zu runs: stopped too early", n);
	cr_assert_lt(n, 40, "did not stop before --max-runs");
	for (m = 3; m <= n; m++) {
		sum = sq = 0;
		for (i = 0; i < m; i++)
			sum += json_real_value(json_array_get(times, i));
		mean = sum / (double)m;
		for (i = 0; i < m; i++) {
			double d =
			    json_real_value(json_array_get(times, i)) - mean;

			sq += d * d;
		}
		sd = sqrt(sq / (double)(m - 1));
		hw = t975[m - 2] * sd / sqrt((double)m) / mean;
		if (m < n)
			cr_expect_gt(hw, 0.25 * (1 - 1e-3),
			    "%zu runs were enough (+-%.4f)", m, hw);
		else
			cr_expect_leq(hw, 0.25 * (1 + 1e-3),
			    "stopped at %zu runs at +-%.4f", m, hw);
	}
	json_decref(b);
	cli_free(&c);
	free(state);
	free(out);
	free(dir);
}

Test(convergence, max_time_budget_stops_adding_runs, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("budget"), *out = path_join(dir, "b.json");
	char *state = path_join(dir, "counter");
	json_t *b, *r;
	size_t runs;

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "100", "--max-time", "1.2", "-o", out, "--",
	        behave_bin(), "alternate", state, "0.05", "0.25", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	b = json_file(out);
	r = first_result(b);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(r, "convergence"), "stopped_by")),
	    "max_time");
	runs = json_array_size(json_object_get(r, "times"));
	/* Runs average 0.15 s: about 8 fit in 1.2 s, never 100. */
	cr_assert_geq(runs, 3);
	cr_assert_leq(runs, 10, "%zu runs", runs);
	/* No run was started that was expected to end past the budget. */
	cr_assert_leq(jnum(r, "convergence.measure_seconds"), 1.2 + 0.25);
	json_decref(b);
	cli_free(&c);
	free(state);
	free(out);
	free(dir);
}

Test(output, log_keeps_the_output_and_show_output_passes_it, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("log"), *log = path_join(dir, "log");
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "1", "-r", "2",
	        "--max-runs", "2", "--log", log, "--", "/bin/echo", "marker",
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	/* The summary names the command; the output itself must not pass. */
	cr_assert_null(strstr(c.out, "\nmarker\n"), "%s", c.out);
	cr_assert_neq(strncmp(c.out, "marker\n", 7), 0, "%s", c.out);
	f = fopen(log, "r");
	cr_assert_not_null(f);
	cr_assert(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	cr_assert_not_null(strstr(text, "==> bench-tests: warm-up 1/1"));
	cr_assert_not_null(strstr(text, "==> bench-tests: run 2/2"));
	cr_assert_not_null(strstr(text, "marker\n"));
	free(text);
	cli_free(&c);

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-w", "0", "-r", "1",
	        "--show-output", "--", "/bin/echo", "marker", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "marker\n"), "%s", c.out);
	cr_assert_eq(strncmp(c.out, "marker\n", 7), 0, "%s", c.out);
	cli_free(&c);
	free(log);
	free(dir);
}

Test(output, quiet_prints_nothing_and_writes_atomically, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("quiet"), *out = path_join(dir, "b.json");
	char *cmd;
	json_t *b;

	cli_run(&c, dir, NULL, 60,
	    (const char *[]){"--no-prebuild", "-q", "-w", "0", "-r", "2", "-o",
	        "b.json", "--", "true", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_str_eq(c.out, "");
	b = json_file(out);
	json_decref(b);
	/* Nothing but the baseline is left in the directory. */
	cr_assert(asprintf(&cmd, "test \"$(ls -A '%s')\" = b.json", dir) > 0);
	cr_assert_eq(system(cmd), 0, "temporary files left in %s", dir);
	free(cmd);
	cli_free(&c);
	free(out);
	free(dir);
}

/*
 * bench-tests -o out.json ... | true: the reader is gone before the
 * summary is printed.  The baseline is written first, and a closed stdout
 * is not a failure of the measurement: exit 0, no error.
 */
Test(output, a_closed_stdout_keeps_the_baseline_and_the_status, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("pipe"), *out = path_join(dir, "b.json");
	json_t *b;
	pid_t pid;

	pid = cli_start_argv(
	    &c, (const char *[]){"/bin/bash", "-c",
	            "set -o pipefail; \"$0\" --no-prebuild -w 0 -r 2 "
	            "--max-runs 2 -o \"$1\" -- \"$2\" sleep 0.3 | true",
	            bench_bin(), out, behave_bin(), NULL});
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_null(strstr(c.err, "error"), "%s", c.err);
	b = json_file(out);
	cr_assert_eq(
	    json_array_size(json_object_get(first_result(b), "runs")), 2);
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(output, progress_line_on_a_terminal, .timeout = 60)
{
	char *cmd;

	/* script(1) gives bench-tests a pseudo-terminal. */
	cr_assert(asprintf(&cmd,
	              "script -qec \"'%s' --no-prebuild -w 1 -r 2 --max-runs 2 "
	              "-- '%s' sleep 1.2\" /dev/null",
	              bench_bin(), behave_bin()) > 0);
	{
		FILE *p = popen(cmd, "r");
		char *text = NULL;
		size_t len = 0;

		cr_assert_not_null(p);
		cr_assert(getdelim(&text, &len, '\0', p) > 0);
		cr_assert_eq(pclose(p), 0);
		cr_assert_not_null(strstr(text, "Warm-up 1/1"), "%s", text);
		cr_assert_not_null(strstr(text, "Run 2/2"), "%s", text);
		cr_assert_not_null(strstr(text, "ETA"), "%s", text);
		cr_assert_not_null(strstr(text, "\r\033[K"), "%s", text);
		/* Colours on a terminal, and ± in a UTF-8 locale or +-. */
		cr_assert_not_null(strstr(text, "\033[1;32m"), "%s", text);
		free(text);
	}
	free(cmd);
	cr_assert(asprintf(&cmd,
	              "NO_COLOR=1 script -qec \"'%s' --no-prebuild -w 0 -r 1 "
	              "-- true\" /dev/null",
	              bench_bin()) > 0);
	{
		FILE *p = popen(cmd, "r");
		char *text = NULL;
		size_t len = 0;

		cr_assert(getdelim(&text, &len, '\0', p) > 0);
		pclose(p);
		cr_assert_null(strstr(text, "\033[1;32m"), "%s", text);
		cr_assert_not_null(strstr(text, "Benchmark 1: true"));
		free(text);
	}
	free(cmd);
}

Test(usage, bad_input_is_a_clear_error_with_status_2, .timeout = 60)
{
	static const struct {
		const char *args[8];
		const char *words;
	} cases[] = {
	    {{"--frobnicate", NULL}, "unknown option '--frobnicate'"},
	    {{"--runs", "0", NULL}, "--runs must be at least 1"},
	    {{"--runs", "many", NULL}, "'many' is not a valid count"},
	    {{"--runs", "5", "--max-runs", "2", NULL},
	        "--max-runs 2 is less than --runs 5"},
	    {{"--tolerance", "7", NULL}, "not a fraction"},
	    {{"--timeout", "soon", NULL}, "not a duration"},
	    {{"--timeout", "1e300", NULL}, "'1e300' is too long"},
	    {{"--max-time", "3000h", NULL}, "'3000h' is too long"},
	    {{"--workspace", "/nonexistent/ws", NULL},
	        "workspace '/nonexistent/ws': No such file"},
	    {{"--workspace", "/proc/version", NULL}, "not a directory"},
	    {{"--workspace", "/", NULL},
	        "'/' is not a cargo workspace (no Cargo.toml)"},
	    {{"--no-prebuild", "--output", "/nonexistent/out.json", "--",
	         "true", NULL},
	        "cannot write the output file '/nonexistent/out.json'"},
	    {{"--no-prebuild", "--", "/no/such/program", NULL},
	        "command not found: '/no/such/program'"},
	    {{"frobnicate", NULL}, "unknown command 'frobnicate'"},
	    {{"--show-output", "--log", "x", NULL}, "cannot be combined"},
	};
	struct cli c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cli_run(&c, NULL, NULL, 30, cases[i].args);
		cr_expect_eq(c.status, 2, "case %zu: exit %d", i, c.status);
		cr_expect_not_null(strstr(c.err, cases[i].words),
		    "case %zu: '%s' not in:\n%s", i, cases[i].words, c.err);
		cr_expect_str_eq(c.out, "", "case %zu printed on stdout", i);
		cli_free(&c);
	}
}

Test(usage, no_cargo_on_path, .timeout = 60)
{
	struct cli c;

	cli_run(&c, example_workspace(),
	    (const char *[]){"PATH=/nonexistent", NULL}, 30,
	    (const char *[]){"--runs", "1", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "cargo was not found on PATH"), "%s", c.err);
	cli_free(&c);
}

Test(usage, help_and_version, .timeout = 30)
{
	struct cli c;

	cli_run(&c, NULL, NULL, 30, (const char *[]){"--help", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_not_null(strstr(c.out, "Exit status"));
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30, (const char *[]){"run", "--help", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_not_null(strstr(c.out, "--max-runs"));
	cr_assert_not_null(strstr(c.out, "130 interrupted"));
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30, (const char *[]){"--version", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_not_null(strstr(c.out, "bench-tests " PACKAGE_VERSION));
	cli_free(&c);
}

Test(cargo, example_workspace_with_the_real_cargo, .timeout = 600)
{
	struct cli c;
	char *dir = scratch_dir("cargo"), *out = path_join(dir, "b.json");
	json_t *b, *r, *env;

	cli_run(&c, NULL, NULL, 590,
	    (const char *[]){"--workspace", example_workspace(), "--runs", "2",
	        "--warmup", "1", "--max-runs", "4", "--label", "ci", "--output",
	        out, NULL});
	cr_assert_eq(c.status, 0, "exit %d:\n%s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "pre-building"), "%s", c.err);
	cr_assert_not_null(
	    strstr(c.out, "Benchmark 1: cargo test --workspace"), "%s", c.out);
	b = json_file(out);
	r = first_result(b);
	cr_assert_str_eq(json_string_value(json_object_get(r, "command")),
	    "cargo test --workspace");
	cr_assert_str_eq(json_string_value(json_object_get(b, "label")), "ci");
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(b, "settings"), "prebuild")),
	    "cargo test --workspace --no-run");
	env = json_object_get(b, "environment");
	cr_assert_eq(strncmp(json_string_value(json_object_get(env, "rustc")),
	                 "rustc ", 6),
	    0);
	cr_assert_eq(strncmp(json_string_value(json_object_get(env, "cargo")),
	                 "cargo ", 6),
	    0);
	cr_assert_geq(json_array_size(json_object_get(r, "times")), 2);
	/* Test binaries ran: real CPU time, and no compilation (pre-built). */
	cr_assert_gt(jnum(r, "user"), 0.05);
	cr_assert_lt(jnum(r, "mean"), 30.0);
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

/*
 * The pre-build is the measured command with --no-run: for
 * `cargo test --release` a release build, so the first measured run does
 * not compile the release test binaries (3.4 s against 0.44 s before).
 */
Test(cargo, the_prebuild_builds_what_is_measured, .timeout = 900)
{
	struct cli c;
	char *dir = scratch_dir("release"), *out = path_join(dir, "b.json");
	json_t *b, *runs;
	double first, second;

	cli_run(&c, NULL, NULL, 880,
	    (const char *[]){"--workspace", example_workspace(), "--warmup",
	        "0", "--runs", "2", "--max-runs", "2", "-o", out, "--", "cargo",
	        "test", "--release", NULL});
	cr_assert_eq(c.status, 0, "exit %d:\n%s", c.status, c.err);
	cr_assert_not_null(
	    strstr(c.err, "pre-building: cargo test --release --no-run"), "%s",
	    c.err);
	cr_assert_null(strstr(c.err, "first measured run"), "%s", c.err);
	b = json_file(out);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(b, "settings"), "prebuild")),
	    "cargo test --release --no-run");
	runs = json_object_get(first_result(b), "runs");
	first = jnum(json_array_get(runs, 0), "wall");
	second = jnum(json_array_get(runs, 1), "wall");
	/* A release compile inside the first run takes many seconds. */
	cr_assert_lt(first, 2 * second + 1.0, "first %.2f s, second %.2f s",
	    first, second);
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(cargo, failing_prebuild_shows_its_output, .timeout = 300)
{
	struct cli c;
	char *dir = scratch_dir("broken"), *cmd;

	cr_assert(
	    asprintf(&cmd,
	        "mkdir -p '%s/src' && printf '[package]\\nname = "
	        "\"broken\"\\nversion = \"0.1.0\"\\nedition = \"2021\"\\n' "
	        "> '%s/Cargo.toml' && printf 'pub fn f() -> u32 { "
	        "\"not a number\" }\\n' > '%s/src/lib.rs'",
	        dir, dir, dir) > 0);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	cli_run(&c, NULL, NULL, 290,
	    (const char *[]){"--workspace", dir, "--runs", "1", NULL});
	cr_assert_eq(c.status, 2, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(
	    strstr(c.err, "the pre-build 'cargo test --workspace "
	                  "--no-run' exited with status 101"),
	    "%s", c.err);
	cr_assert_not_null(strstr(c.err, "the end of its output"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "mismatched types"), "%s", c.err);
	cli_free(&c);
	free(dir);
}

HARNESS_MAIN
