/*
 * test_ab.c: bench-tests ab with the real binary: two programs of known
 * speed under a drifting background load (behave spin: a fixed amount of
 * work, whose wall time the load stretches; behave burner: two processes
 * that burn and rest in random turns), and two commits of a small git
 * repository of a test workspace, measured with the real cargo.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

/* Run a shell script in dir; fail the test unless it exits 0. */
static void
sh(const char *dir, const char *script)
{
	struct cli c;

	prog_run(&c, dir, 120, (const char *[]){"sh", "-ec", script, NULL});
	cr_assert_eq(c.status, 0, "%s: %s%s", script, c.out, c.err);
	cli_free(&c);
}

/* The output of a shell script in dir (caller frees). */
static char *
sh_out(const char *dir, const char *script)
{
	struct cli c;
	char *out;

	prog_run(&c, dir, 120, (const char *[]){"sh", "-ec", script, NULL});
	cr_assert_eq(c.status, 0, "%s: %s", script, c.err);
	out = c.out;
	c.out = NULL;
	cli_free(&c);
	return out;
}

/* The top-level "verdict" of ab's JSON on stdout (caller frees). */
static char *
verdict_of(const char *out)
{
	json_error_t e;
	json_t *j = json_loads(out, 0, &e);
	char *v;

	cr_assert_not_null(j, "%s: %s", e.text, out);
	v = strdup(json_string_value(json_object_get(j, "verdict")));
	json_decref(j);
	return v;
}

/*
 * Start the drifting load: behave burner, one process burning CPU and
 * resting in random turns of 2-6 s, which also writes the factor
 * (1.1 while it burns, 1 while it rests) that drift-sleep's sleeps take
 * into factor_file; returns its pid (it dies with this process too).
 */
static pid_t
start_burner(const char *seed, const char *factor_file)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		execl(behave_bin(), "behave", "burner", "300", seed, "1",
		    factor_file, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
stop_burner(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* One ab --commands trial of 15 pairs; its verdict (caller frees). */
static char *
trial(const char *a, const char *b, const char *alpha)
{
	struct cli c;
	char *v;

	cli_run(&c, NULL, NULL, 120,
	    (const char *[]){"ab", "--commands", a, b, "-w", "1", "-r", "15",
	        "--max-runs", "15", "--alpha", alpha, "--format", "json", "-q",
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	v = verdict_of(c.out);
	cli_free(&c);
	return v;
}

TestSuite(ab_commands, .timeout = 300);

/*
 * Two programs 4 % apart (drift-sleep 0.25 s against 0.26 s) under the
 * drifting load, which stretches both by 10 % while it burns (and, on
 * this shared machine, everything else the other jobs do): called slower
 * in at least 4 of 5 trials of 15 pairs, never faster.  About 40 s.
 * Why 0.25 s: what blurs a pair is the start of a process (exec, loading)
 * on a busy machine, some ms whatever the run's length.  On this 2-core
 * machine at load 3-6 (other helpers' builds and tests) runs of 0.1 s
 * were called slower in 5 of 6 trials at load 3, 3 of 5 under make check;
 * runs of 0.15 s in 3 of 5 under the ASan make check.
 */
Test(ab_commands, four_percent_slower_is_found_under_drifting_load)
{
	char *dir = scratch_dir("ab-drift"), *factor = path_join(dir, "f");
	char a[1024], b[1024], *v;
	pid_t burner = start_burner("7", factor);
	int slower = 0, faster = 0, i;

	snprintf(
	    a, sizeof(a), "'%s' drift-sleep '%s' 0.25", behave_bin(), factor);
	snprintf(
	    b, sizeof(b), "'%s' drift-sleep '%s' 0.26", behave_bin(), factor);
	for (i = 0; i < 5; i++) {
		v = trial(a, b, "0.05");
		slower += strcmp(v, "slower") == 0;
		faster += strcmp(v, "faster") == 0;
		free(v);
	}
	stop_burner(burner);
	cr_assert_eq(faster, 0, "faster in %d of 5 trials", faster);
	cr_assert_geq(slower, 4, "slower in %d of 5 trials", slower);
	free(factor);
	free(dir);
}

/*
 * A program against itself is never called slower or faster: 5 trials of
 * 15 pairs under the drifting load.  At alpha = 0.005 (and both tests
 * must reject) a false alarm has a chance below 0.5 % per trial, 2.5 %
 * for the five; the noise does not change that, so short runs do.  About
 * 10 s.
 */
Test(ab_commands, a_program_against_itself_is_no_change)
{
	char *dir = scratch_dir("ab-self"), *factor = path_join(dir, "f");
	char a[1024], *v[5];
	pid_t burner = start_burner("11", factor);
	int i;

	snprintf(
	    a, sizeof(a), "'%s' drift-sleep '%s' 0.05", behave_bin(), factor);
	for (i = 0; i < 5; i++)
		v[i] = trial(a, a, "0.005");
	stop_burner(burner);
	for (i = 0; i < 5; i++) {
		cr_assert_str_eq(v[i], "no significant change", "trial %d", i);
		free(v[i]);
	}
	free(factor);
	free(dir);
}

Test(ab_commands, the_json_holds_pairs_and_both_baselines)
{
	struct cli c;
	char a[512], b[512];
	char *dir = scratch_dir("ab-json"), *out = path_join(dir, "ab.json");
	json_t *j, *pairs, *bl;

	snprintf(a, sizeof(a), "'%s' sleep 0.05", behave_bin());
	snprintf(b, sizeof(b), "'%s' sleep 0.1", behave_bin());
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"ab", "--commands", a, b, "-w", "0", "-r", "6",
	        "--max-runs", "6", "--fail", "20", "-o", out, "-q", NULL});
	/* 100 % slower, lower bound far above 20 %: the gate fails. */
	cr_assert_eq(c.status, 1, "%s", c.err);
	cli_free(&c);
	j = json_file(out);
	cr_assert_str_eq(
	    json_string_value(json_object_get(j, "verdict")), "slower");
	cr_assert_str_eq(
	    json_string_value(json_object_get(j, "metric")), "wall");
	cr_assert(jnum(j, "ratio") > 1.3 && jnum(j, "ratio") < 2.5, "%g",
	    jnum(j, "ratio"));
	cr_assert_eq(json_array_size(json_object_get(j, "ratio_ci")), 2);
	pairs = json_object_get(j, "pairs");
	cr_assert_eq(json_array_size(pairs), 6);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(pairs, 1), "order")),
	    "head-base");
	bl = json_object_get(j, "baselines");
	cr_assert_eq(json_array_size(json_object_get(
	                 json_object_get(bl, "base"), "results")),
	    1);
	cr_assert_eq(json_array_size(json_object_get(
	                 first_result(json_object_get(bl, "head")), "runs")),
	    6);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "gate"), "status")),
	    "fail");
	/* The ab document itself is not a baseline: said, with the way. */
	cli_run(
	    &c, NULL, NULL, 30, (const char *[]){"compare", out, out, NULL});
	cr_assert_eq(c.status, 2, "%s", c.err);
	cr_assert(strstr(c.err, "an ab result") != NULL &&
	              strstr(c.err, ".baselines.head") != NULL,
	    "%s", c.err);
	cli_free(&c);
	/* Each side's baseline, extracted, is one compare takes. */
	{
		char *bp = path_join(dir, "base.json");
		char *hp = path_join(dir, "head.json");

		cr_assert_eq(
		    json_dump_file(json_object_get(bl, "base"), bp, 0), 0);
		cr_assert_eq(
		    json_dump_file(json_object_get(bl, "head"), hp, 0), 0);
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"compare", bp, hp, NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cr_assert(strstr(c.out, "slower by") != NULL, "%s", c.out);
		cli_free(&c);
		free(bp);
		free(hp);
	}
	json_decref(j);
	free(out);
	free(dir);
}

/*
 * --phases in ab: two copies of a script that counts its invocations and
 * prints parse = n ms (n: its invocation, so pair i, after one warm-up,
 * is n = i + 2 on both sides) and codegen = $CODEGEN ms (B: 30, A: 20) on
 * stderr, among noise.  Each side's runs get their own pair's sums, B's
 * codegen is called 1.5 times A's, and the report shows the phases.
 */
static const char phase_script[] =
    "#!/bin/sh\n"
    "n=$(cat \"$0.count\" 2>/dev/null || echo 0)\n"
    "n=$((n + 1))\n"
    "echo $n > \"$0.count\"\n"
    "echo 'noise phase=none'\n"
    "echo \"phase=parse time_ms=$n\"\n"
    "echo \"phase=codegen time_ms=${CODEGEN:-20}\" >&2\n"
    "sleep 0.05\n";

Test(ab_commands, phases_per_side_and_pair)
{
	struct cli c;
	char *dir = scratch_dir("ab-phases"), *out = path_join(dir, "ab.json");
	char *pa = path_join(dir, "a.sh"), *pb = path_join(dir, "b.sh");
	char b[600];
	const char *side[2] = {"base", "head"};
	json_t *j, *ph, *r;
	size_t i, k;
	FILE *f;

	for (k = 0; k < 2; k++) {
		f = fopen(k == 0 ? pa : pb, "w");
		cr_assert_not_null(f);
		fputs(phase_script, f);
		fclose(f);
		cr_assert_eq(chmod(k == 0 ? pa : pb, 0755), 0);
	}
	snprintf(b, sizeof(b), "env CODEGEN=30 '%s'", pb);
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"ab", "--commands", pa, b, "--phases", "-w", "1",
	        "-r", "4", "--max-runs", "4", "-o", out, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "codegen"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "phases cover"), "%s", c.out);
	cli_free(&c);
	j = json_file(out);
	for (k = 0; k < 2; k++) {
		r = first_result(
		    json_object_get(json_object_get(j, "baselines"), side[k]));
		for (i = 0; i < 4; i++) {
			cr_assert_float_eq(
			    json_number_value(json_array_get(
			        json_object_get(
			            json_object_get(
			                json_object_get(r, "phases"), "parse"),
			            "per_run"),
			        i)),
			    (double)(i + 2) / 1000, 1e-12, "%s pair %zu",
			    side[k], i);
			cr_assert_float_eq(
			    json_number_value(json_array_get(
			        json_object_get(
			            json_object_get(
			                json_object_get(r, "phases"),
			                "codegen"),
			            "per_run"),
			        i)),
			    k == 0 ? 0.02 : 0.03, 1e-12, "%s pair %zu", side[k],
			    i);
		}
		cr_assert(jnum(r, "phase_coverage") > 0 &&
		              jnum(r, "phase_coverage") < 1,
		    "%g", jnum(r, "phase_coverage"));
	}
	ph = json_object_get(json_object_get(j, "phases"), "codegen");
	cr_assert_float_eq(jnum(ph, "ratio"), 1.5, 1e-9);
	cr_assert_str_eq(
	    json_string_value(json_object_get(ph, "verdict")), "slower");
	ph = json_object_get(json_object_get(j, "phases"), "parse");
	cr_assert_float_eq(jnum(ph, "ratio"), 1, 1e-9);
	cr_assert(jnum(json_object_get(j, "phase_coverage"), "base") > 0);
	json_decref(j);
	free(pa);
	free(pb);
	free(out);
	free(dir);
}

Test(ab_commands, bad_command_lines_are_usage_errors)
{
	struct cli c;

	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "ab", "--commands", "sleep '0.1", "sleep 0", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "unterminated quote") != NULL, "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"ab", "--commands", "sleep 0", NULL});
	cr_assert_eq(c.status, 2);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "ab", "--commands", "no-such-program-x", "true", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "not found") != NULL, "%s", c.err);
	cli_free(&c);
}

/*
 * A git repository of a one-crate workspace: commit 1 with a quick test,
 * commit 2 adding a test that sleeps 300 ms.  Returns its directory.
 */
static char *
make_repo(void)
{
	char *dir = scratch_dir("ab-repo");

	/* A directory left by an earlier run with the same pid is reused. */
	sh(dir, "rm -rf .git .gitignore Cargo.toml Cargo.lock src tests "
	        "target && git init -q -b main . && mkdir -p src && "
	        "printf '/target\\n' > .gitignore && "
	        "printf '[package]\\nname = \"abt\"\\nversion = \"0.1.0\"\\n"
	        "edition = \"2021\"\\n\\n[workspace]\\n' > Cargo.toml && "
	        "printf 'pub fn one() -> u32 { 1 }\\n#[cfg(test)]\\nmod t {\\n"
	        "#[test]\\nfn quick() { assert_eq!(super::one(), 1); }\\n}\\n' "
	        "> src/lib.rs && "
	        "cargo generate-lockfile -q --offline 2>/dev/null || true; "
	        "git add -A && git -c user.name=t -c user.email=t@t "
	        "commit -q -m one && "
	        "mkdir tests && printf '#[test]\\nfn slow() { "
	        "std::thread::sleep(std::time::Duration::from_millis(300)); "
	        "}\\n' > tests/slow.rs && "
	        "git add -A && git -c user.name=t -c user.email=t@t "
	        "commit -q -m two");
	return dir;
}

/* The state the user sees: HEAD, status, the worktrees. */
static char *
repo_state(const char *dir)
{
	return sh_out(dir, "git rev-parse HEAD && git status --porcelain "
	                   "--untracked-files=all && git worktree list "
	                   "--porcelain | grep -c '^worktree' && "
	                   "ls target/bench-tests-ab 2>/dev/null || true");
}

TestSuite(ab_git, .timeout = 300);

Test(ab_git, a_commit_adding_a_slow_test_is_slower)
{
	struct cli c;
	char *dir = make_repo(), *before = repo_state(dir), *after;
	char *scratch = scratch_dir("ab-git");
	char *out = path_join(scratch, "ab.json");
	json_t *j;

	cli_run(&c, dir, NULL, 240,
	    (const char *[]){"ab", "HEAD~1", "HEAD", "-w", "1", "-r", "6",
	        "--max-runs", "6", "-o", out, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert(strstr(c.out, "slower by") != NULL, "%s", c.out);
	after = repo_state(dir);
	cr_assert_str_eq(before, after, "the checkout changed");
	cr_assert(strstr(after, "\n1\n") != NULL, "worktrees left: %s", after);
	j = json_file(out);
	cr_assert_str_eq(
	    json_string_value(json_object_get(j, "verdict")), "slower");
	cr_assert(jnum(j, "ratio") > 1.2, "%g", jnum(j, "ratio"));
	json_decref(j);
	free(before);
	free(after);
	free(out);
	free(scratch);
	free(dir);
}

Test(ab_git, sigint_mid_run_removes_the_worktrees)
{
	struct cli c;
	char *dir = make_repo(), *before = repo_state(dir), *after;
	char *scratch = scratch_dir("ab-sigint");
	char *log = path_join(scratch, "ab.log");
	char cmdline[512];
	pid_t pid;
	int i;

	snprintf(cmdline, sizeof(cmdline), "%s", behave_bin());
	pid = cli_start(&c, dir,
	    (const char *[]){"ab", "HEAD~1", "HEAD", "-w", "0", "-r", "40",
	        "--max-runs", "40", "--log", log, "--", cmdline, "sleep", "0.1",
	        NULL});
	/* Wait until the pairs run, then interrupt. */
	for (i = 0; i < 600; i++) {
		sleep_seconds(0.05);
		if (access(log, R_OK) == 0) {
			FILE *f = fopen(log, "r");
			char buf[4096];
			size_t n =
			    f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

			if (f != NULL)
				fclose(f);
			buf[n] = '\0';
			if (strstr(buf, "pair 3") != NULL)
				break;
		}
	}
	cr_assert_lt(i, 600, "the pairs never started");
	kill(pid, SIGINT);
	cli_wait(&c, pid, 60);
	cr_assert_eq(c.status, 130, "%s", c.err);
	after = repo_state(dir);
	cr_assert_str_eq(before, after, "left behind: %s", after);
	cli_free(&c);
	free(before);
	free(after);
	free(log);
	free(scratch);
	free(dir);
}

Test(ab_git, bad_revisions_and_places_are_usage_errors)
{
	struct cli c;
	char *dir = make_repo(), *before = repo_state(dir), *after;
	char tmpl[] = "/tmp/bench-tests-ab-XXXXXX";

	cli_run(&c, dir, NULL, 60,
	    (const char *[]){"ab", "no-such-rev", "HEAD", "--", "true", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "unknown revision 'no-such-rev'") != NULL, "%s",
	    c.err);
	cli_free(&c);
	cli_run(&c, dir, NULL, 60,
	    (const char *[]){"ab", "HEAD", "main", "--", "true", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "same commit") != NULL, "%s", c.err);
	cli_free(&c);
	/* A clean working tree is HEAD itself. */
	cli_run(&c, dir, NULL, 60,
	    (const char *[]){"ab", "HEAD", ".", "--", "true", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "same commit") != NULL, "%s", c.err);
	cli_free(&c);
	after = repo_state(dir);
	cr_assert_str_eq(before, after);
	free(after);

	cr_assert_not_null(mkdtemp(tmpl));
	cli_run(&c, tmpl, NULL, 60,
	    (const char *[]){"ab", "HEAD~1", "HEAD", "--", "true", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert(
	    strstr(c.err, "not in a git repository") != NULL, "%s", c.err);
	cli_free(&c);
	rmdir(tmpl);
	free(before);
	free(dir);
}

/* `.` with uncommitted changes is allowed, said, and left as it was. */
/* What the user sees of the checkout: files, status, index, stash. */
static char *
user_view(const char *dir)
{
	char *files = sh_out(dir, "cat src/lib.rs; git status --porcelain; "
	                          "git stash list; git diff --cached");
	char *state = repo_state(dir), *both = NULL;

	cr_assert(asprintf(&both, "%s--\n%s", files, state) > 0);
	free(files);
	free(state);
	return both;
}

Test(ab_git, a_dirty_working_tree_is_measured_untouched)
{
	struct cli c;
	char *dir = make_repo(), *before, *after;
	char *scratch = scratch_dir("ab-dirty");
	char *out = path_join(scratch, "ab.json");
	json_t *j;

	sh(dir, "printf '// changed\\n' >> src/lib.rs");
	before = user_view(dir);
	cli_run(&c, dir, NULL, 60,
	    (const char *[]){"ab", "HEAD", ".", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--", "grep", "-c", "changed", "src/lib.rs",
	        NULL});
	/* HEAD lacks the line: grep fails there, so the run fails (3). */
	cr_assert_eq(c.status, 3, "%s", c.err);
	cr_assert(strstr(c.err, "uncommitted changes") != NULL, "%s", c.err);
	cli_free(&c);
	after = user_view(dir);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	/*
	 * An untracked file is part of '.' (not an ignored one): the test
	 * finds it on B's side only.  The staged file is there too.
	 */
	sh(dir, "printf 'n\\n' > notes.txt && mkdir -p target && "
	        "printf 'i\\n' > target/ignored.txt && printf 's\\n' > "
	        "staged.txt && git add staged.txt");
	before = user_view(dir);
	cli_run(&c, dir, NULL, 60,
	    (const char *[]){"ab", "HEAD", ".", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--ignore-failure", "-o", out, "--", "sh",
	        "-c",
	        "test -f notes.txt && test -f staged.txt && ! test -e "
	        "target/ignored.txt",
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert(strstr(c.err, "notes.txt") != NULL, "%s", c.err);
	cli_free(&c);
	j = json_file(out);
	cr_assert_eq(jnum(j, "failed_runs.base"), 2);
	cr_assert_eq(jnum(j, "failed_runs.head"), 0);
	json_decref(j);
	after = user_view(dir);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	free(out);
	free(scratch);
	free(dir);
}

HARNESS_MAIN
