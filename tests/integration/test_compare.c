/*
 * test_compare.c: compare and check with the real binary, on baselines
 * made from programs whose speeds are known (behave sleep: the wall time
 * of sleeping hardly depends on how busy the machine is), and sweep on
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
	cr_assert_not_null(strstr(c.out, "suite: slower (+"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "Welch p"), "%s", c.out);
	cli_free(&c);
}

Test(compare, the_same_program_twice_is_no_change_and_reproducible,
    .timeout = 180)
{
	struct cli c;
	json_t *j;

	baselines();
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--reproducibility", "--format", "json",
	        slow, slow2, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.out);
	j = json_text(c.out);
	cr_assert_str_eq(bench_verdict(j), "no significant change");
	cr_assert(json_is_true(json_object_get(j, "reproducible")));
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
	/* A baseline with another benchmark name. */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"--no-prebuild", "-q", "-w", "0", "-r", "2", "-n",
	        "other", "-o", other, "--", "true", NULL});
	cr_assert_eq(c.status, 0);
	cli_free(&c);

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
	        "--fail", "50", "--update-baseline", NULL});
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

	/* Measuring now, passing: the new run is compared by its name. */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"check", "--baseline", fast, "--no-prebuild", "-w",
	        "1", "-r", "6", "-n", "suite", "--", behave_bin(), "sleep",
	        "0.05", NULL});
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
