/*
 * test_reports.c: the baseline model, its JSON round trip and validation,
 * and the text formatting helpers.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "report.h"

static void
setup(void)
{
	stats_init();
}

TestSuite(report_json, .init = setup);
TestSuite(report_parse, .init = setup);
TestSuite(report_text, .init = setup);

static char *
xstr(const char *s)
{
	char *p = strdup(s);

	cr_assert_not_null(p);
	return p;
}

/* A baseline with every field set to a distinctive value. */
static struct baseline *
sample_baseline(void)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *r;
	size_t i;

	b->id = xstr("0b6f2f6e-7e0f-4d55-9b1c-3a4f5e6d7c8b");
	b->label = xstr("nightly");
	b->created = xstr("2026-11-22T20:00:00Z");
	b->tool_version = xstr("0.1.0");
	b->workspace = xstr("/work/ws");
	b->complete = 1;
	b->settings.warmup = 3;
	b->settings.runs = 5;
	b->settings.max_runs = 30;
	b->settings.max_time = 600;
	b->settings.tolerance = 0.05;
	b->settings.ci_target = 0.02;
	b->settings.timeout = 0;
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	b->settings.prebuild = xstr("cargo test --workspace --no-run");
	b->env.hostname = xstr("box");
	b->env.os = xstr("Debian GNU/Linux 12 (bookworm)");
	b->env.kernel = xstr("Linux 6.1.0");
	b->env.arch = xstr("x86_64");
	b->env.cpu_model = xstr("Some CPU @ 3.00GHz");
	b->env.cpu_cores = 2;
	b->env.memory_bytes = 25769803776LL;
	b->env.governor = NULL;
	b->env.load_before[0] = 0.25;
	b->env.load_before[1] = 0.5;
	b->env.load_before[2] = 0.75;
	b->env.load_after[0] = 1.0;
	b->env.load_after[1] = NAN;
	b->env.load_after[2] = 0.125;
	b->env.rustc = xstr("rustc 1.95.0 (59807616e 2026-04-14)");
	b->env.rustc_verbose =
	    xstr("rustc 1.95.0\nhost: x86_64-unknown-linux-gnu");
	b->env.cargo = xstr("cargo 1.95.0");
	b->env.git_commit = xstr("0123456789abcdef0123456789abcdef01234567");
	b->env.git_dirty = 1;
	report_env_warn(&b->env, "load average is high");

	r = report_baseline_add_result(b);
	r->name = xstr("suite");
	r->command = xstr("cargo test --workspace");
	r->argv = calloc(4, sizeof(char *));
	r->argv[0] = xstr("cargo");
	r->argv[1] = xstr("test");
	r->argv[2] = xstr("--workspace");
	r->workdir = xstr("/work/ws");
	r->warmup_runs = 3;
	r->n_runs = 6;
	r->runs = calloc(r->n_runs, sizeof(*r->runs));
	for (i = 0; i < r->n_runs; i++) {
		/* Values that print with 17 significant digits. */
		r->runs[i].wall = 1.0 + 0.1 * (double)i;
		r->runs[i].user = 0.7 + 0.01 * (double)i;
		r->runs[i].sys = 0.2 / (double)(i + 1);
		r->runs[i].max_rss = 1048576 * (int64_t)(i + 10);
		r->runs[i].minor_faults = 1000 + (int64_t)i;
		r->runs[i].major_faults = (int64_t)i;
		r->runs[i].vol_switches = 50;
		r->runs[i].invol_switches = 7;
		r->runs[i].block_in = 8;
		r->runs[i].block_out = 16;
		r->runs[i].exit_code = 0;
	}
	r->runs[5].wall = 9.0; /* an outlier */
	r->runs[4].exit_code = -1;
	r->runs[4].signal = 9;
	r->runs[4].timed_out = 1;
	r->stop = STOP_MAX_RUNS;
	r->cv_tolerance = 0.05;
	r->ci_target = 0.02;
	r->measure_seconds = 20.5;
	r->harness_cpu = 0.000125;
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	return b;
}

Test(report_json, round_trip_keeps_every_field)
{
	struct baseline *b = sample_baseline(), *c;
	struct bench_error err;
	char *text, *again;
	size_t i;

	text = report_baseline_dump(b, &err);
	cr_assert_not_null(text, "%s", err.text);
	c = report_baseline_parse(text, strlen(text), &err);
	cr_assert_not_null(c, "%s", err.text);

	cr_assert_str_eq(c->id, b->id);
	cr_assert_str_eq(c->label, "nightly");
	cr_assert_str_eq(c->created, b->created);
	cr_assert_eq(c->complete, 1);
	cr_assert_eq(c->settings.max_runs, 30);
	cr_assert_eq(c->settings.max_time, 600);
	cr_assert_str_eq(c->settings.prebuild, b->settings.prebuild);
	/* --converge ci=2 */
	cr_assert_eq(c->settings.ci_target, 0.02);
	cr_assert_eq(c->results[0].ci_target, 0.02);
	cr_assert_not_null(strstr(text, "\"converge\": \"ci\""));
	cr_assert_not_null(strstr(text, "\"rule\": \"ci\""));
	cr_assert_str_eq(c->env.cpu_model, b->env.cpu_model);
	cr_assert_eq(c->env.memory_bytes, 25769803776LL);
	cr_assert_null(c->env.governor);
	cr_assert(isnan(c->env.load_after[1]));
	cr_assert_eq(c->env.load_after[2], 0.125);
	cr_assert_str_eq(c->env.git_commit, b->env.git_commit);
	cr_assert_eq(c->env.git_dirty, 1);
	cr_assert_str_eq(c->env.warnings[0], "load average is high");
	cr_assert_null(c->env.warnings[1]);

	cr_assert_eq(c->n_results, 1);
	cr_assert_str_eq(c->results[0].argv[2], "--workspace");
	cr_assert_eq(c->results[0].n_runs, 6);
	cr_assert_eq(c->results[0].stop, STOP_MAX_RUNS);
	cr_assert_eq(c->results[0].warmup_runs, 3);
	for (i = 0; i < 6; i++) {
		const struct bench_run *x = &b->results[0].runs[i];
		const struct bench_run *y = &c->results[0].runs[i];

		/* 17 significant digits round-trip a double exactly. */
		cr_assert_eq(x->wall, y->wall);
		cr_assert_eq(x->user, y->user);
		cr_assert_eq(x->sys, y->sys);
		cr_assert_eq(x->max_rss, y->max_rss);
		cr_assert_eq(x->minor_faults, y->minor_faults);
		cr_assert_eq(x->major_faults, y->major_faults);
		cr_assert_eq(x->block_out, y->block_out);
		cr_assert_eq(x->exit_code, y->exit_code);
		cr_assert_eq(x->signal, y->signal);
		cr_assert_eq(x->timed_out, y->timed_out);
	}
	/* Statistics are recomputed by the reader and agree. */
	cr_assert_eq(c->results[0].st[METRIC_WALL].mean,
	    b->results[0].st[METRIC_WALL].mean);
	cr_assert_eq(c->results[0].n_outliers, 1);
	cr_assert_eq(c->results[0].outliers[0], 5);

	/* Dump, parse, dump gives the same bytes. */
	again = report_baseline_dump(c, &err);
	cr_assert_str_eq(again, text);
	free(again);
	free(text);
	report_baseline_free(b);
	report_baseline_free(c);
}

Test(report_json, hyperfine_fields_have_hyperfine_meaning)
{
	struct baseline *b = sample_baseline(), *c;
	char *text, codes[64];
	const char *p;
	size_t n;

	text = report_baseline_dump(b, NULL);
	cr_assert_not_null(text);
	/*
	 * exit_codes: null where a signal ended the run (run 5, killed by
	 * SIGKILL), as hyperfine; the others' codes.  The array, without
	 * its layout, is exactly that.
	 */
	p = strstr(text, "\"exit_codes\": [");
	cr_assert_not_null(p);
	p = strchr(p, '[');
	for (n = 0; *p != '\0' && n < sizeof(codes) - 1; p++) {
		if (*p != ' ' && *p != '\n')
			codes[n++] = *p;
		if (*p == ']')
			break;
	}
	codes[n] = '\0';
	cr_assert_str_eq(codes, "[0,0,0,0,null,0]");
	cr_assert_not_null(strstr(text, "\"memory_usage_byte\""));
	cr_assert_not_null(strstr(text, "\"times\""));
	cr_assert_not_null(strstr(text, "\"schema_version\": 1"));
	c = report_baseline_parse(text, strlen(text), NULL);
	cr_assert_not_null(c);
	free(text);
	report_baseline_free(b);
	report_baseline_free(c);
}

Test(report_json, one_run_has_null_stddev)
{
	struct baseline *b = sample_baseline();
	struct bench_result *r = &b->results[0];
	char *text;

	r->n_runs = 1;
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	text = report_baseline_dump(b, NULL);
	cr_assert_not_null(strstr(text, "\"stddev\": null"));
	free(text);
	report_baseline_free(b);
}

Test(report_json, invalid_utf8_in_a_command_is_replaced)
{
	struct baseline *b = sample_baseline(), *c;
	char *text;

	free(b->results[0].command);
	b->results[0].command = xstr("cargo test \xff\xfe x");
	text = report_baseline_dump(b, NULL);
	cr_assert_not_null(text);
	c = report_baseline_parse(text, strlen(text), NULL);
	cr_assert_not_null(c);
	cr_assert_str_eq(
	    c->results[0].command, "cargo test \xef\xbf\xbd\xef\xbf\xbd x");
	free(text);
	report_baseline_free(b);
	report_baseline_free(c);
}

struct bad_case {
	const char *json;
	int code;
	const char *words; /* expected in the message */
};

static void
expect_error(const struct bad_case *bc)
{
	struct bench_error err;
	struct baseline *b;

	memset(&err, 0, sizeof(err));
	b = report_baseline_parse(bc->json, strlen(bc->json), &err);
	cr_assert_null(b, "accepted: %s", bc->json);
	cr_assert_eq(err.code, bc->code, "code %d for %s (%s)", err.code,
	    bc->json, err.text);
	cr_assert_not_null(strstr(err.text, bc->words), "'%s' lacks '%s'",
	    err.text, bc->words);
}

#define HEAD "{\"schema\": \"bench-tests/baseline\", \"schema_version\": 1, "

Test(report_parse, bad_documents_are_named)
{
	static const struct bad_case cases[] = {
	    {"", BENCH_ERR_TRUNCATED, "truncated"},
	    {"{\"schema\": \"bench-tests/baseline\", \"resu",
	        BENCH_ERR_TRUNCATED, "truncated"},
	    /* Cut inside a number or a keyword: truncated too. */
	    {HEAD "\"results\": [{\"command\": \"x\", \"runs\": [{\"wall\": 0.",
	        BENCH_ERR_TRUNCATED, "truncated"},
	    {HEAD "\"complete\": tru", BENCH_ERR_TRUNCATED, "truncated"},
	    {HEAD "\"results\": []}x", BENCH_ERR_INVALID,
	        "end of file expected"},
	    {"[1, 2]", BENCH_ERR_INVALID, "not a bench-tests baseline"},
	    {"{\"results\": []}", BENCH_ERR_INVALID, "hyperfine"},
	    {"not json", BENCH_ERR_INVALID, "line 1"},
	    {HEAD "\"results\": 3}", BENCH_ERR_INVALID,
	        "results: expected an array"},
	    {HEAD "\"results\": [{\"name\": \"x\"}]}", BENCH_ERR_INVALID,
	        "results[0].command: missing"},
	    {HEAD "\"results\": [{\"command\": \"x\", \"runs\": "
	          "[{\"wall\": 1, \"user\": 1}]}]}",
	        BENCH_ERR_INVALID, "results[0].runs[0].system: missing"},
	    {HEAD "\"results\": [{\"command\": \"x\", \"runs\": "
	          "[{\"wall\": \"1\", \"user\": 1, \"system\": 0}]}]}",
	        BENCH_ERR_INVALID, "runs[0].wall: expected a number"},
	    {HEAD "\"results\": [{\"command\": \"x\", \"runs\": "
	          "[{\"wall\": -1, \"user\": 1, \"system\": 0}]}]}",
	        BENCH_ERR_INVALID, "negative"},
	    {HEAD "\"results\": [{\"command\": \"x\", \"runs\": []}, "
	          "{\"command\": \"x\", \"runs\": []}]}",
	        BENCH_ERR_INVALID, "duplicate benchmark name"},
	    {"{\"schema\": \"bench-tests/baseline\", \"schema_version\": "
	     "99, \"results\": []}",
	        BENCH_ERR_VERSION, "newer"},
	    {"{\"schema\": \"bench-tests/baseline\", \"schema_version\": "
	     "0, \"results\": []}",
	        BENCH_ERR_INVALID, "schema_version: out of range"},
	    {HEAD "\"settings\": {\"ci_level\": 2}, \"results\": []}",
	        BENCH_ERR_INVALID, "settings.ci_level"},
	    {HEAD "\"settings\": {\"ci_target\": 1.5}, \"results\": []}",
	        BENCH_ERR_INVALID, "settings.ci_target"},
	    {HEAD "\"results\": [{\"command\": \"x\", \"runs\": [], "
	          "\"convergence\": {\"converged\": true, \"ci_target\": 0}}]}",
	        BENCH_ERR_INVALID, "results[0].convergence.ci_target"},
	    {HEAD "\"results\": [], \"results\": []}", BENCH_ERR_INVALID,
	        "duplicate"},
	    /* Found by baseline-fuzzer: the error was set, the result kept. */
	    {HEAD "\"results\": [{\"command\": \"x\", "
	          "\"harness_cpu_per_run\": {\"e\": 0.25}, \"runs\": []}]}",
	        BENCH_ERR_INVALID,
	        "results[0].harness_cpu_per_run: expected a number"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect_error(&cases[i]);
}

Test(report_parse, whole_document_errors_have_no_empty_path)
{
	struct bench_error err;
	const char *json = "{\"results\": []}";

	cr_assert_null(report_baseline_parse(json, strlen(json), &err));
	cr_assert_eq(strncmp(err.text, "not a bench-tests baseline", 26), 0,
	    "%s", err.text);
	cr_assert_null(report_baseline_parse("[]", 2, &err));
	cr_assert_eq(strncmp(err.text, "not a bench-tests baseline", 26), 0,
	    "%s", err.text);
}

/* A document with n results named by name(i), none with runs. */
static char *
named_results(size_t n, const char *(*name)(size_t))
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	fputs(HEAD "\"results\": [", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"command\": \"%s\", \"runs\": []}",
		    i > 0 ? ", " : "", name(i));
	fputs("]}", f);
	fclose(f);
	return text;
}

static const char *
name_abcab(size_t i)
{
	return (const char *[]){"a", "b", "c", "a", "b"}[i];
}

static const char *
name_numbered(size_t i)
{
	static char buf[32];

	/* x0 ... x19999, then x5000 again. */
	snprintf(buf, sizeof(buf), "x%zu", i < 20000 ? i : (size_t)5000);
	return buf;
}

Test(report_parse, the_first_duplicate_name_is_named)
{
	struct bench_error err;
	struct baseline *b;
	char *text;

	text = named_results(5, name_abcab);
	cr_assert_null(report_baseline_parse(text, strlen(text), &err));
	cr_assert_str_eq(err.text, "results[3].name: duplicate benchmark name");
	free(text);

	/* Many results: found by sorting, not by comparing every pair. */
	text = named_results(20001, name_numbered);
	cr_assert_null(report_baseline_parse(text, strlen(text), &err));
	cr_assert_str_eq(
	    err.text, "results[20000].name: duplicate benchmark name");
	free(text);
	text = named_results(20000, name_numbered);
	b = report_baseline_parse(text, strlen(text), &err);
	cr_assert_not_null(b, "%s", err.text);
	cr_assert_eq(b->n_results, 20000);
	report_baseline_free(b);
	free(text);
}

Test(report_parse, every_truncation_of_a_baseline_is_an_error)
{
	struct baseline *b = sample_baseline(), *c;
	struct bench_error err;
	char *text;
	size_t len, cut;

	text = report_baseline_dump(b, NULL);
	len = strlen(text);
	/* Any proper prefix (but trailing whitespace) fails cleanly. */
	for (cut = 0; cut + 2 < len; cut += 7) {
		c = report_baseline_parse(text, cut, &err);
		cr_assert_null(c, "a prefix of %zu bytes was accepted", cut);
		cr_assert(err.code == BENCH_ERR_TRUNCATED ||
		          err.code == BENCH_ERR_INVALID);
	}
	free(text);
	report_baseline_free(b);
}

/* The schema requires a benchmark; a profile's baseline has none. */
Test(report_parse, results_need_a_benchmark_or_a_profile)
{
	const char *empty = HEAD "\"results\": []}";
	const char *profile =
	    HEAD "\"profile\": {\"profiled\": false, \"units\": []}, "
	         "\"results\": []}";
	struct bench_error err;
	struct baseline *b;

	b = report_baseline_parse(empty, strlen(empty), &err);
	cr_assert_null(b);
	cr_assert_eq(err.code, BENCH_ERR_INVALID);
	cr_assert_not_null(strstr(err.text, "results: empty"), "%s", err.text);
	b = report_baseline_parse(profile, strlen(profile), &err);
	cr_assert_not_null(b, "%s", err.text);
	cr_assert_eq(b->n_results, 0);
	cr_assert_not_null(b->profile);
	report_baseline_free(b);
}

Test(report_parse, minimal_document_is_accepted)
{
	const char *json =
	    HEAD "\"results\": [{\"command\": \"true\", \"runs\": "
	         "[{\"wall\": 0.5, \"user\": 0.25, \"system\": 0}, "
	         "{\"wall\": 1.5, \"user\": 0.25, \"system\": 0}]}]}";
	struct baseline *b;

	b = report_baseline_parse(json, strlen(json), NULL);
	cr_assert_not_null(b);
	cr_assert_str_eq(b->results[0].name, "true");
	cr_assert_float_eq(b->results[0].st[METRIC_WALL].mean, 1.0, 1e-15);
	cr_assert_eq(b->settings.ci_level, 0.95);
	report_baseline_free(b);
}

/*
 * Two runs of 0.1 s and 3.0 s: mean 1.55 s, sd 2.0506 s, SE 1.45 s; with
 * one degree of freedom Student's t is Cauchy, t(0.975, 1) = tan(0.475 pi)
 * = 12.706, so the 95 % interval is 1.55 -+ 18.424 s, far below zero
 * (python3: math.tan(math.pi * 0.475) * 2.9 / 2 = 18.4240).  A time
 * cannot be negative: the summary says the interval is too wide to use.
 */
Test(report_text, an_interval_below_zero_is_too_wide_to_use)
{
	struct baseline *b = sample_baseline();
	struct bench_result *r = &b->results[0];
	struct report_style st = {0, 0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	r->n_runs = 2;
	r->runs[0].wall = 0.1;
	r->runs[1].wall = 3.0;
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	cr_assert_lt(r->st[METRIC_WALL].ci_low, 0);
	f = open_memstream(&buf, &len);
	report_text_result(f, r, 0, &st);
	fclose(f);
	cr_assert_not_null(
	    strstr(buf, "95 % CI of mean:     too wide to use with 2 runs"),
	    "%s", buf);
	cr_assert_not_null(
	    strstr(buf, "+- 18.424 s reaches below zero"), "%s", buf);
	cr_assert_null(strstr(buf, "-16."), "%s", buf);
	free(buf);
	report_baseline_free(b);
}

Test(report_text, time_units_follow_the_magnitude)
{
	struct report_style ascii = {0, 0}, uni = {0, 1};
	char buf[32];

	cr_assert_str_eq(
	    report_fmt_time(buf, sizeof(buf), 1.5, 0, &ascii), "1.500 s");
	cr_assert_str_eq(
	    report_fmt_time(buf, sizeof(buf), 0.0123, 0, &ascii), "12.3 ms");
	cr_assert_str_eq(
	    report_fmt_time(buf, sizeof(buf), 0.000181, 0, &ascii), "181.0 us");
	cr_assert_str_eq(
	    report_fmt_time(buf, sizeof(buf), 0.000181, 0, &uni), "181.0 µs");
	/* The unit of another number, so a column lines up. */
	cr_assert_str_eq(
	    report_fmt_time(buf, sizeof(buf), 0.02, 1.5, &ascii), "0.020 s");
	cr_assert_str_eq(
	    report_fmt_bytes(buf, sizeof(buf), 3.5 * 1048576), "3.5 MiB");
	cr_assert_str_eq(report_fmt_bytes(buf, sizeof(buf), 512), "512 B");
}

Test(report_text, summary_says_whether_it_converged)
{
	struct baseline *b = sample_baseline();
	struct report_style st = {0, 0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_text_result(f, &b->results[0], 0, &st);
	fclose(f);
	cr_assert_not_null(strstr(buf, "Benchmark 1: suite"));
	cr_assert_not_null(strstr(buf, "Time (mean +- sd)"));
	cr_assert_not_null(strstr(buf, "did not converge"));
	cr_assert_not_null(strstr(buf, "95 % CI of mean"));
	cr_assert_not_null(strstr(buf, "1 statistical outlier"));
	cr_assert_not_null(strstr(buf, "run 6"));
	free(buf);
	report_baseline_free(b);
}

/*
 * The first run far slower than the others: the slowest of all and more
 * than twice the median of the rest.  The ratios are first / median(rest),
 * worked by hand: median(0.44) = 0.44; median(1.0, 1.2, 1.1) = 1.1.
 */
Test(report_text, a_far_slower_first_run_is_found)
{
	static const struct {
		double wall[5];
		size_t n;
		double ratio; /* 0: not far slower */
	} cases[] = {
	    {{3.4, 0.44}, 2, 3.4 / 0.44}, {{2.5, 1.0, 1.2, 1.1}, 4, 2.5 / 1.1},
	    {{1.9, 1.0, 1.0, 1.0}, 4, 0}, /* less than twice */
	    {{2.1, 1.0, 3.0, 1.0}, 4, 0}, /* not the slowest */
	    {{1.0, 1.0, 1.0}, 3, 0},      /* steady */
	    {{0.5, 1.0, 1.0}, 3, 0},      /* faster */
	    {{5.0}, 1, 0},                /* one run: no rest */
	};
	struct bench_result r;
	struct bench_run runs[5];
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		memset(&r, 0, sizeof(r));
		memset(runs, 0, sizeof(runs));
		for (k = 0; k < cases[i].n; k++)
			runs[k].wall = cases[i].wall[k];
		r.runs = runs;
		r.n_runs = cases[i].n;
		cr_expect(
		    fabs(report_result_slow_first(&r) - cases[i].ratio) < 1e-12,
		    "case %zu: %g, not %g", i, report_result_slow_first(&r),
		    cases[i].ratio);
	}
}

Test(identity, iso8601_times)
{
	static const struct {
		const char *s;
		int ok;
		double t;
	} cases[] = {
	    /* date -d @... -u checks these. */
	    {"1970-01-01T00:00:00Z", 1, 0},
	    {"2026-11-22T20:00:00Z", 1, 1795377600},
	    {"2026-11-22", 1, 1795305600},
	    {"2026-11-22T20:00", 1, 1795377600},
	    {"2026-11-22 20:00:00", 1, 1795377600},
	    {"2026-11-22T21:30:00+01:30", 1, 1795377600},
	    {"2026-11-22T18:00:00-02:00", 1, 1795377600},
	    {"2026-11-22T20:00:00.25Z", 1, 1795377600.25},
	    {"2024-02-29", 1, 1709164800},
	    {"2026-02-29", 0, 0},
	    {"2026-13-01", 0, 0},
	    {"2026-11-22T24:00:00Z", 0, 0},
	    {"2026-11-22T20:00:00ZZ", 0, 0},
	    {"2026-11-22T20:00:00.Z", 0, 0},
	    {"22/11/2026", 0, 0},
	    {"", 0, 0},
	    {"2026-1-2", 0, 0},
	};
	size_t i;
	double t;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = -1;
		cr_expect_eq(report_parse_time(cases[i].s, &t) == 0,
		    cases[i].ok, "'%s'", cases[i].s);
		if (cases[i].ok)
			cr_expect_float_eq(
			    t, cases[i].t, 1e-6, "'%s': %.3f", cases[i].s, t);
	}
}

Test(identity, ids_and_created_times)
{
	struct bench_error err;
	double t;

	cr_assert_eq(
	    report_identity_check("3f2c1d2e-aaaa-4bbb-8ccc-0123456789ab",
	        "2026-11-22T20:00:00Z", &t, &err),
	    0);
	cr_assert_float_eq(t, 1795377600, 1e-9);
	cr_assert_neq(report_identity_check(NULL, "2026-11-22", NULL, &err), 0);
	cr_assert_not_null(strstr(err.text, "id: missing"));
	cr_assert_neq(
	    report_identity_check("../etc", "2026-11-22", NULL, &err), 0);
	cr_assert_neq(
	    report_identity_check(".hidden", "2026-11-22", NULL, &err), 0);
	cr_assert_neq(
	    report_identity_check("a b", "2026-11-22", NULL, &err), 0);
	cr_assert_neq(report_identity_check("ok", NULL, NULL, &err), 0);
	cr_assert_not_null(strstr(err.text, "created: missing"));
	cr_assert_neq(report_identity_check("ok", "yesterday", NULL, &err), 0);
	cr_assert_not_null(strstr(err.text, "ISO 8601"));
}
