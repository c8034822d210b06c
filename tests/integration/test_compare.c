/*
 * test_compare.c: compare and check with the real binary, on baselines
 * made from programs whose speeds are known (behave sleep: the wall time
 * of sleeping hardly depends on how busy the machine is; behave
 * noisy-sleep and burn-noisy add a known, repeatable noise), and sweep on
 * the example workspace with the real cargo.
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

/*
 * Baselines shared by the tests of this runner.  Criterion runs each test
 * in a process of its own, so they are kept on disk, in a directory named
 * after the runner (our parent), and made by the first test that needs
 * them.
 */
static char *dir, *slow, *fast, *slow2;

/* Measure behave sleep SECONDS as benchmark "suite" into path. */
static void
make_baseline(const char *path, const char *seconds)
{
	struct cli c;

	if (access(path, R_OK) == 0)
		return;
	cli_run(&c, NULL, NULL, 120,
	    (const char *[]){"--no-prebuild", "-q", "-w", "1", "-r", "6",
	        "--max-runs", "6", "-n", "suite", "-o", path, "--",
	        behave_bin(), "sleep", seconds, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
}

static void
baselines(void)
{
	if (dir != NULL)
		return;
	cr_assert(asprintf(&dir, TOP_BUILDDIR "/tests/work/cmp-%ld",
	              (long)getppid()) > 0);
	mkdir(TOP_BUILDDIR "/tests/work", 0777);
	mkdir(dir, 0777);
	slow = path_join(dir, "slow.json");
	fast = path_join(dir, "fast.json");
	slow2 = path_join(dir, "slow2.json");
	make_baseline(slow, "0.1");
	make_baseline(fast, "0.05");
	make_baseline(slow2, "0.1");
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static json_t *
json_text(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	cr_assert_not_null(j, "%s: %s", e.text, text);
	return j;
}

/*
 * Write to out the baseline a with the results of b appended (the first
 * renamed to rename when not NULL).
 */
static void
join_results(const char *out, const char *a, const char *b, const char *rename)
{
	json_t *x = json_file(a), *y = json_file(b);

	if (rename != NULL)
		json_object_set_new(
		    first_result(y), "name", json_string(rename));
	json_array_extend(
	    json_object_get(x, "results"), json_object_get(y, "results"));
	cr_assert_eq(json_dump_file(x, out, JSON_INDENT(1)), 0);
	json_decref(x);
	json_decref(y);
}

static const char *
bench_verdict(json_t *cmp)
{
	json_t *b = json_array_get(json_object_get(cmp, "benchmarks"), 0);

	cr_assert_not_null(b);
	return json_string_value(json_object_get(b, "verdict"));
}

Test(compare, a_clearly_faster_program_is_faster, .timeout = 180)
{
	struct cli c;
	json_t *j;

	baselines();
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--format", "json", slow, fast, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	j = json_text(c.out);
	cr_assert_str_eq(bench_verdict(j), "faster");
	cr_assert_eq(json_integer_value(json_object_get(j, "faster")), 1);
	json_decref(j);
	cli_free(&c);

	/* And the other way round, slower; the text says so too. */
	cli_run(
	    &c, NULL, NULL, 30, (const char *[]){"compare", fast, slow, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "suite: slower by "), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "Welch p"), "%s", c.out);
	cli_free(&c);
}

Test(compare, the_same_program_twice_is_reproducible, .timeout = 180)
{
	struct cli c;
	const char *v;
	json_t *j, *b;

	baselines();
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--reproducibility", "--format", "json",
	        slow, slow2, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.out);
	j = json_text(c.out);
	cr_assert(json_is_true(json_object_get(j, "reproducible")));
	/*
	 * Sleeping 0.1 s varies by a few ms within a session, so a shift of
	 * a few ms between two sessions can be significant; it must be
	 * small.
	 */
	b = json_array_get(json_object_get(j, "benchmarks"), 0);
	v = bench_verdict(j);
	cr_assert_str_neq(v, "untested");
	if (strcmp(v, "no significant change") != 0)
		cr_assert_lt(fabs(jnum(b, "change")), 0.05, "%s", c.out);
	json_decref(j);
	cli_free(&c);

	/* Two different programs are not reproducible within 10 %: exit 1. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "compare", "--reproducibility=10", slow, fast, NULL});
	cr_assert_eq(c.status, 1);
	cr_assert_not_null(strstr(c.out, "NOT reproducible"), "%s", c.out);
	cli_free(&c);
}

Test(compare, target_and_markdown, .timeout = 180)
{
	struct cli c;

	baselines();
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--target", "80ms", "--format",
	        "markdown", slow, fast, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "| `suite` | wall |"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "Met: yes"), "%s", c.out);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--target", "0.01", fast, slow, NULL});
	cr_assert_eq(c.status, 1);
	cr_assert_not_null(strstr(c.out, "Met: no"), "%s", c.out);
	cli_free(&c);
}

Test(compare, bad_input_is_named_with_status_2, .timeout = 180)
{
	char *missing, *notjson, *hyper, *trunc, *newer, *other;
	struct {
		const char *file;
		const char *words;
	} cases[6];
	struct cli c;
	char *text;
	size_t i;
	FILE *f;
	long len;

	baselines();
	missing = path_join(dir, "missing.json");
	notjson = path_join(dir, "notjson.json");
	hyper = path_join(dir, "hyperfine.json");
	trunc = path_join(dir, "trunc.json");
	newer = path_join(dir, "newer.json");
	other = path_join(dir, "other.json");
	write_file(notjson, "hello\n");
	write_file(hyper, "{\"results\": [{\"command\": \"true\", \"mean\": "
	                  "0.001, \"times\": [0.001]}]}\n");
	write_file(newer, "{\"schema\": \"bench-tests/baseline\", "
	                  "\"schema_version\": 9, \"results\": []}\n");
	/* A truncated copy of a real baseline. */
	f = fopen(slow, "r");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	text[len / 2] = '\0';
	write_file(trunc, text);
	free(text);
	/*
	 * A baseline of two benchmarks, neither called "suite" (one each
	 * would be compared whatever the names).
	 */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-q", "-w", "0", "-r", "2", "-n",
	        "other", "-o", other, "--", "true", NULL});
	cr_assert_eq(c.status, 0);
	cli_free(&c);
	join_results(other, other, other, "another");

	cases[0].file = missing;
	cases[0].words = "No such file";
	cases[1].file = notjson;
	cases[1].words = "is not a usable baseline";
	cases[2].file = hyper;
	cases[2].words = "hyperfine";
	cases[3].file = trunc;
	cases[3].words = "truncated";
	cases[4].file = newer;
	cases[4].words = "newer than this bench-tests understands";
	cases[5].file = other;
	cases[5].words = "no benchmark in common";
	for (i = 0; i < 6; i++) {
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"compare", slow, cases[i].file, NULL});
		cr_expect_eq(c.status, 2, "case %zu: exit %d", i, c.status);
		cr_expect_not_null(strstr(c.err, cases[i].words),
		    "case %zu: no '%s' in: %s", i, cases[i].words, c.err);
		cli_free(&c);
	}
	cli_run(&c, NULL, NULL, 30, (const char *[]){"compare", slow, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "two baseline files"));
	cli_free(&c);
	free(missing);
	free(notjson);
	free(hyper);
	free(trunc);
	free(newer);
	free(other);
}

Test(check, every_exit_status, .timeout = 300)
{
	struct cli c;
	char *base = NULL, *md;
	json_t *j;
	FILE *f;

	baselines();
	base = path_join(dir, "gate.json");
	md = path_join(dir, "summary.md");
	unlink(base);

	/* No baseline yet: a note, exit 0; --update-baseline creates it. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", base, "--result", fast,
	        "--update-baseline", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "no baseline at"), "%s", c.err);
	cr_assert_eq(access(base, R_OK), 0, "the baseline was not created");
	cli_free(&c);

	/* The slower program: 100 % slower, beyond --warn: warn, exit 0. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", base, "--result", slow,
	        "--format", "json", "--markdown", md, "--update-baseline",
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	/* A warning does not move the baseline forward. */
	cr_assert_not_null(strstr(c.err, "said warn"), "%s", c.err);
	j = json_text(c.out);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "gate"), "status")),
	    "warn");
	json_decref(j);
	f = fopen(md, "r");
	cr_assert_not_null(f, "--markdown wrote nothing");
	fclose(f);
	cli_free(&c);

	/* Beyond --fail: exit 1, and --update-baseline leaves it alone. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", base, "--result", slow,
	        "--fail", "20", "--update-baseline", NULL});
	cr_assert_eq(c.status, 1, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Gate: fail"), "%s", c.out);
	cr_assert_not_null(strstr(c.err, "left as it was"), "%s", c.err);
	cli_free(&c);

	/* A faster result passes: exit 0. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", slow, "--result", fast,
	        "--fail", "5", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Gate: pass"), "%s", c.out);
	cli_free(&c);

	/* Measuring now: a command that fails is exit 3. */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"check", "--baseline", base, "--no-prebuild", "-w",
	        "0", "-r", "2", "-n", "suite", "--", behave_bin(), "exit", "7",
	        NULL});
	cr_assert_eq(c.status, 3, "%s", c.err);
	cli_free(&c);

	/*
	 * Measuring now, passing: the new run is compared by its name.  The
	 * same sleep measured minutes apart can shift by a few ms on a busy
	 * machine, which is significant with runs this steady: --warn 50
	 * keeps such a shift a pass.
	 */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"check", "--baseline", fast, "--no-prebuild", "-w",
	        "1", "-r", "6", "-n", "suite", "--warn", "50", "--",
	        behave_bin(), "sleep", "0.05", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Gate: pass"), "%s", c.out);
	cli_free(&c);

	/* Usage: no --baseline; an invalid stored baseline. */
	cli_run(&c, NULL, NULL, 30, (const char *[]){"check", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "either --baseline FILE or"), "%s", c.err);
	cli_free(&c);
	write_file(base, "{\"schema\": \"bench-tests/baseline\"");
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "check", "--baseline", base, "--result", slow, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "truncated"), "%s", c.err);
	cli_free(&c);
	free(md);
	free(base);
}

Test(check, interrupted_measurement_is_130, .timeout = 120)
{
	struct cli c;
	pid_t pid;

	baselines();
	pid = cli_start(&c, NULL,
	    (const char *[]){"check", "--baseline", slow, "--no-prebuild", "-w",
	        "0", "-r", "20", "-n", "suite", "--", behave_bin(), "sleep",
	        "0.2", NULL});
	sleep_seconds(0.7);
	kill(pid, SIGINT);
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 130, "%s", c.err);
	cli_free(&c);
}

/*
 * Run bench-tests without cargo's directory on PATH and (with -C /)
 * outside a git tree: no toolchain or git probes, a quicker start on a
 * busy machine.
 */
static const char *const no_cargo_env[] = {"PATH=/usr/bin:/bin", NULL};

/* Write "SEED 0" to a noise state file of behave. */
static char *
noise_state(const char *d, const char *name, unsigned seed)
{
	char *path = path_join(d, name), text[32];

	snprintf(text, sizeof(text), "%u 0\n", seed);
	write_file(path, text);
	return path;
}

/* The gate's status in check's JSON on stdout. */
static const char *
gate_status(json_t *j)
{
	const char *s = json_string_value(
	    json_object_get(json_object_get(j, "gate"), "status"));

	cr_assert_not_null(s);
	return s;
}

/*
 * The case with a real program: a baseline whose runs are noisy
 * (0.6 s + a uniform 0-200 ms sleep: CV 8 %) and a program 20 % slower
 * (0.84 s).  With the noise of seed 1 (computed by hand from behave's
 * sequence, scipy as in the unit tests) the ratio is 1.20 [1.13, 1.27]:
 * fail at --fail 5 with a margin of 8 points, and a warning at least even
 * if the machine's jitter were to widen the interval a lot.  No warm-ups:
 * a sleep needs none, and the test stays short.
 */
Test(gate, a_20_percent_slowdown_fails_under_noise, .timeout = 240)
{
	char *d = scratch_dir("gate20"), *base = path_join(d, "base.json");
	char *state = noise_state(d, "noise", 1);
	struct cli c;
	json_t *j;

	cli_run(&c, NULL, no_cargo_env, 120,
	    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w", "1", "-r",
	        "10", "--max-runs", "10", "-n", "suite", "-o", base, "--",
	        behave_bin(), "noisy-sleep", state, "0.6", "0.2", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, no_cargo_env, 120,
	    (const char *[]){"check", "--baseline", base, "--no-prebuild", "-w",
	        "0", "-r", "5", "--max-runs", "5", "-n", "suite", "--warn", "5",
	        "--fail", "5", "--format", "json", "--", behave_bin(), "sleep",
	        "0.84", NULL});
	cr_assert_eq(c.status, 1, "exit %d: %s\n%s", c.status, c.err, c.out);
	j = json_text(c.out);
	cr_assert_str_eq(gate_status(j), "fail");
	cr_assert_str_eq(bench_verdict(j), "slower");
	json_decref(j);
	cr_assert_not_null(
	    strstr(c.err, "lower bound above --fail 5 %"), "%s", c.err);
	cli_free(&c);
	free(state);
	free(base);
	free(d);
}

/*
 * No false alarms: 10 baselines of one program (20-40 ms, a uniform noise
 * of CV 19 %, seeds 100-109), and 20 gates, each comparing baseline i
 * with i + 1 and with i + 3 (mod 10).  With alpha 0.05 a gate warns in
 * about 2.5 % of such pairs (a significant slowdown is half the false
 * positives); by hand, with these seeds, none of the 20 pairs is even
 * significant, so 19 of 20 leaves room for the machine's own jitter.
 */
Test(gate, the_same_program_passes_19_of_20_gates, .timeout = 300)
{
	char *d = scratch_dir("gate-same"), *files[10], name[32];
	size_t i, passes = 0;
	struct cli c;
	json_t *j;

	for (i = 0; i < 10; i++) {
		char *state;

		snprintf(name, sizeof(name), "noise%zu", i);
		state = noise_state(d, name, 100 + (unsigned)i);
		snprintf(name, sizeof(name), "b%zu.json", i);
		files[i] = path_join(d, name);
		cli_run(&c, NULL, no_cargo_env, 60,
		    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w",
		        "0", "-r", "5", "--max-runs", "5", "-n", "suite", "-o",
		        files[i], "--", behave_bin(), "noisy-sleep", state,
		        "0.02", "0.02", NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cli_free(&c);
		free(state);
	}
	for (i = 0; i < 20; i++) {
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"check", "--baseline", files[i % 10],
		        "--result", files[(i % 10 + (i < 10 ? 1 : 3)) % 10],
		        "--format", "json", "--fail", "30", NULL});
		cr_assert(c.status == 0 || c.status == 1, "exit %d: %s",
		    c.status, c.err);
		j = json_text(c.out);
		passes += strcmp(gate_status(j), "pass") == 0;
		json_decref(j);
		cli_free(&c);
	}
	cr_assert_geq(passes, 19, "only %zu of 20 gates passed", passes);
	for (i = 0; i < 10; i++)
		free(files[i]);
	free(d);
}

/*
 * Append the runs of baseline part to those of baseline all (its only
 * benchmark; all is created from part when missing).  The reader
 * recomputes every statistic from the runs.
 */
static void
merge_runs(const char *all, const char *part)
{
	json_t *p = json_file(part), *a;

	if (access(all, F_OK) != 0) {
		cr_assert_eq(json_dump_file(p, all, 0), 0);
		json_decref(p);
		return;
	}
	a = json_file(all);
	json_array_extend(json_object_get(first_result(a), "runs"),
	    json_object_get(first_result(p), "runs"));
	cr_assert_eq(json_dump_file(a, all, 0), 0);
	json_decref(a);
	json_decref(p);
}

/*
 * A 10 % CPU slowdown (150 -> 165 ms of user time) under a noisy sleep
 * (20 ms + 0-300 ms, the same noise sequence on both sides): --metric cpu
 * sees it, --metric wall does not (a few ms in a spread of 87 ms), and
 * watching both the worst decides.  The system time of a short process
 * jumps by whole scheduler ticks (0, 4, 8 ms), so cpu varies by ~4 ms:
 * with 10 runs a side the ratio's standard error is about 1.2 %.  The two
 * programs are measured in alternation, 2 runs at a time, so that a
 * change of the machine's load (which stretches the wall time of the
 * CPU burn) falls on both sides alike.
 */
Test(gate, a_cpu_slowdown_is_caught_with_metric_cpu_only, .timeout = 300)
{
	char *d = scratch_dir("gate-cpu"), *before = path_join(d, "b.json");
	char *after = path_join(d, "a.json"), *part = path_join(d, "p.json");
	char *s1 = noise_state(d, "n1", 7), *s2 = noise_state(d, "n2", 7);
	static const char *const metric[] = {"cpu", "wall", "wall,cpu"};
	static const char *const want[] = {"warn", "pass", "warn"};
	struct cli c;
	json_t *j;
	size_t i, side;

	for (i = 0; i < 10; i++) {
		side = i % 2;
		cli_run(&c, NULL, no_cargo_env, 120,
		    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w",
		        "0", "-r", "2", "--max-runs", "2", "-n", "suite", "-o",
		        part, "--", behave_bin(), "burn-noisy",
		        side == 0 ? s1 : s2, side == 0 ? "0.15" : "0.165",
		        "0.02", "0.3", NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cli_free(&c);
		merge_runs(side == 0 ? before : after, part);
	}
	for (i = 0; i < 3; i++) {
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"check", "--baseline", before, "--result",
		        after, "--warn", "5", "--metric", metric[i], "--format",
		        "json", NULL});
		cr_assert_eq(
		    c.status, 0, "%s: exit %d: %s", metric[i], c.status, c.err);
		j = json_text(c.out);
		cr_expect_str_eq(gate_status(j), want[i], "--metric %s: %s",
		    metric[i], c.out);
		json_decref(j);
		cli_free(&c);
	}
	free(s1);
	free(s2);
	free(part);
	free(before);
	free(after);
	free(d);
}

Test(gate, refusals_and_usage, .timeout = 180)
{
	char *d = scratch_dir("gate-refuse"), *base = path_join(d, "b.json");
	char *one = path_join(d, "one.json"), *two = path_join(d, "two.json");
	struct stat st0, st1;
	struct cli c;

	baselines();
	/* A 1-run result 5x slower: untested, a warning; never the new
	   baseline. */
	cli_run(&c, NULL, no_cargo_env, 60,
	    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w", "0", "-r",
	        "1", "--max-runs", "1", "-n", "suite", "-o", one, "--",
	        behave_bin(), "sleep", "0.5", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", fast, "--result", one,
	        "--fail", "5", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Gate: warn"), "%s", c.out);
	cr_assert_not_null(
	    strstr(c.err, "untested: 6 and 1 runs"), "%s", c.err);
	cli_free(&c);
	/* --strict: the same is a failure. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", fast, "--result", one,
	        "--fail", "5", "--strict", NULL});
	cr_assert_eq(c.status, 1, "%s", c.err);
	cli_free(&c);
	/* --update-baseline leaves the baseline and says why. */
	{
		char *copy = path_join(d, "copy.json");
		char *text = NULL;
		size_t len = 0;
		FILE *f = fopen(fast, "r"), *g;

		cr_assert_not_null(f);
		cr_assert_eq(getdelim(&text, &len, '\0', f) > 0, 1);
		fclose(f);
		g = fopen(copy, "w");
		fputs(text, g);
		fclose(g);
		free(text);
		stat(copy, &st0);
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"check", "--baseline", copy, "--result",
		        one, "--update-baseline", NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cr_assert_not_null(
		    strstr(c.err, "left as it was: the gate said warn"), "%s",
		    c.err);
		stat(copy, &st1);
		cr_assert_eq(st0.st_size, st1.st_size);
		cr_assert_eq(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
		cli_free(&c);
		/* No baseline yet and a 1-run result: not created either. */
		unlink(copy);
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"check", "--baseline", copy, "--result",
		        one, "--update-baseline", NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cr_assert_neq(access(copy, F_OK), 0);
		cr_assert_not_null(
		    strstr(c.err, "1 run, fewer than"), "%s", c.err);
		cli_free(&c);
		free(copy);
	}
	/*
	 * A baseline's benchmark missing from the result: base.json holds
	 * "suite" (from fast.json) and "other"; the result only "suite".
	 */
	cli_run(&c, NULL, no_cargo_env, 60,
	    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w", "0", "-r",
	        "2", "-n", "other", "-o", two, "--", "true", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	join_results(base, fast, two, NULL);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "check", "--baseline", base, "--result", fast, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Gate: warn"), "%s", c.out);
	cr_assert_not_null(
	    strstr(c.out, "other: warn: in the baseline but missing from "
	                  "the result"),
	    "%s", c.out);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", base, "--result", fast,
	        "--strict", NULL});
	cr_assert_eq(c.status, 1, "%s", c.err);
	cli_free(&c);
	/* --fail below --warn: exit 2; bad metrics: exit 2. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", fast, "--result", slow,
	        "--warn", "20", "--fail", "10", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "--fail 10% is below --warn 20%"), "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", fast, "--result", slow,
	        "--metric", "wall,rss", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "'rss' is not wall, cpu"), "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "compare", "--metric", "wall,cpu", fast, slow, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "one metric"), "%s", c.err);
	cli_free(&c);
	/* --fail alone below the default --warn: the warning follows. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", fast, "--result", slow,
	        "--fail", "10", "--format", "json", NULL});
	cr_assert_eq(c.status, 1, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "\"warn\": 0.1"), "%s", c.out);
	cli_free(&c);
	free(base);
	free(one);
	free(two);
	free(d);
}

Test(compare, two_single_benchmarks_with_different_names, .timeout = 180)
{
	char *d = scratch_dir("pair"), *old = path_join(d, "old.json");
	char *new = path_join(d, "new.json");
	struct cli c;
	json_t *j, *b;
	char *text;

	cli_run(&c, NULL, no_cargo_env, 60,
	    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w", "0", "-r",
	        "5", "-o", old, "--", behave_bin(), "sleep", "0.05", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, no_cargo_env, 60,
	    (const char *[]){"--no-prebuild", "-q", "-C", "/", "-w", "0", "-r",
	        "5", "-o", new, "--", behave_bin(), "sleep", "0.02", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--format", "json", old, new, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	j = json_text(c.out);
	b = json_array_get(json_object_get(j, "benchmarks"), 0);
	cr_assert_str_eq(bench_verdict(j), "faster");
	cr_assert_not_null(strstr(
	    json_string_value(json_object_get(b, "name")), "sleep 0.05"));
	cr_assert_not_null(strstr(
	    json_string_value(json_object_get(b, "after_name")), "sleep 0.02"));
	text = json_dumps(json_object_get(j, "warnings"), 0);
	cr_assert_not_null(
	    strstr(text, "are compared although their names differ"), "%s",
	    text);
	free(text);
	json_decref(j);
	cli_free(&c);
	free(old);
	free(new);
	free(d);
}

Test(sweep, example_workspace_split_targets_and_per_test, .timeout = 900)
{
	struct cli c;
	char *d = scratch_dir("sweep"), *out = path_join(d, "sweep.json");
	json_t *b, *results, *tests, *bin;
	const char *prebuild;
	size_t i, n;
	int seen_lib = 0, seen_test = 0, seen_doc = 0, seen_bin = 0;

	cli_run(&c, NULL, NULL, 880,
	    (const char *[]){"sweep", "--workspace", example_workspace(),
	        "--split-targets", "--per-test", "--crates", "primes,wordcount",
	        "-w", "1", "-r", "2", "--max-runs", "2", "-o", out, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.out, "share"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "primes/test/large"), "%s", c.out);
	b = json_file(out);
	results = json_object_get(b, "results");
	n = json_array_size(results);
	for (i = 0; i < n; i++) {
		const char *name = json_string_value(
		    json_object_get(json_array_get(results, i), "name"));

		seen_lib |= strcmp(name, "primes/lib") == 0;
		seen_test |= strcmp(name, "primes/test/large") == 0;
		seen_doc |= strcmp(name, "wordcount/doc") == 0;
		seen_bin |= strcmp(name, "wordcount/bin/wordcount") == 0;
		/* Every benchmark was measured as asked. */
		cr_assert_eq(json_array_size(json_object_get(
		                 json_array_get(results, i), "times")),
		    2, "%s", name);
	}
	cr_assert(seen_lib && seen_test && seen_doc && seen_bin,
	    "lib %d test %d doc %d bin %d", seen_lib, seen_test, seen_doc,
	    seen_bin);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(results, 0), "name")),
	    "workspace");
	/* Each entry pre-built as it runs, once each. */
	prebuild = json_string_value(
	    json_object_get(json_object_get(b, "settings"), "prebuild"));
	cr_assert_not_null(prebuild);
	cr_assert_not_null(strstr(prebuild, "cargo test --workspace --no-run"),
	    "%s", prebuild);
	cr_assert_not_null(
	    strstr(prebuild, "cargo test -p primes --test large --no-run"),
	    "%s", prebuild);
	/* wordcount/doc: its crate's tests (cargo refuses --doc --no-run). */
	cr_assert_not_null(strstr(prebuild, "cargo test -p wordcount --no-run"),
	    "%s", prebuild);
	cr_assert_null(strstr(prebuild, "--doc"), "%s", prebuild);
	cr_assert_not_null(strstr(c.err, "pre-building: cargo test -p primes "
	                                 "--lib --no-run"),
	    "%s", c.err);
	cr_assert_not_null(strstr(json_string_value(json_object_get(
	                              json_array_get(results, 1), "command")),
	                       "cargo test -p primes --lib"),
	    "the first target of primes is its lib");
	/* The per-test pass: primes/lib ran 3 tests, wordcount/test/cli 1. */
	tests = json_object_get(json_object_get(b, "tests"), "binaries");
	cr_assert_geq(json_array_size(tests), 4);
	for (i = 0; i < json_array_size(tests); i++) {
		const char *name;

		bin = json_array_get(tests, i);
		name = json_string_value(json_object_get(bin, "name"));
		if (strcmp(name, "primes/lib") == 0) {
			cr_assert_eq(
			    json_integer_value(json_object_get(bin, "passed")),
			    3);
			cr_assert_eq(
			    json_array_size(json_object_get(bin, "slowest")),
			    3);
		}
		if (strcmp(name, "wordcount/test/cli") == 0)
			cr_assert_eq(
			    json_integer_value(json_object_get(bin, "passed")),
			    1);
	}
	json_decref(b);
	cli_free(&c);

	/* An unknown crate is named, with the members. */
	cli_run(&c, NULL, NULL, 120,
	    (const char *[]){"sweep", "--workspace", example_workspace(),
	        "--crates", "nosuch", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "'nosuch' is not a member"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "geometry"), "%s", c.err);
	cli_free(&c);
	free(out);
	free(d);
}

HARNESS_MAIN
