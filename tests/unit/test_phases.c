/*
 * test_phases.c: --phases in reports/: the patterns, the streaming scan of
 * a run's output, the per-run sums, their statistics, the JSON round trip
 * and the per-phase deltas of compare.
 *
 * Reference values are exact sums of the printed times; the standard
 * deviations come from python3:
 *   statistics.stdev([0.010, 0.020, 0.030]) = 0.01
 *   statistics.stdev([0.250, 0.260, 0.240]) = 0.01
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

TestSuite(phase_scan, .init = setup);
TestSuite(phase_result, .init = setup);

static struct phase_pattern *
pattern(const char *re, const char *unit)
{
	struct phase_pattern *p = NULL;
	struct bench_error err;

	cr_assert_eq(
	    report_phase_pattern_new(re, unit, &p, &err), 0, "%s", err.text);
	return p;
}

static const struct phase_sum *
sum_of(const struct phase_scan *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->sums[i].name, name) == 0)
			return &s->sums[i];
	return NULL;
}

static void
feed(struct phase_scan *s, const char *text)
{
	report_phase_scan_feed(s, text, strlen(text));
}

static const char sample[] =
    "   Compiling noise v0.1.0\n"
    "ORI_BUILD_TIMING: phase=parse time_ms=12\n"
    "phase=parse time_ms=3.5 file=a.ori\n"
    "\tphase=link time_us=2500\n"
    "phase=run time_s=0.25\n"
    "xphase=parse time_ms=100\n"   /* not a word start: ignored */
    "phase=parse time_ms=7x\n"     /* not a number: no match */
    "phase=parse time_ns=7\n"      /* not a default unit */
    "phase=parse\n"                /* no time */
    "test result: ok. 3 passed\n"; /* noise */

Test(phase_scan, the_default_sums_lines_per_phase_in_seconds)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct phase_scan *s = report_phase_scan_new(p);

	feed(s, sample);
	report_phase_scan_end_stream(s);
	cr_assert_eq(s->n, 3);
	cr_assert_str_eq(s->sums[0].name, "parse");
	cr_assert_str_eq(s->sums[1].name, "link");
	cr_assert_str_eq(s->sums[2].name, "run");
	cr_assert_float_eq(s->sums[0].seconds, 0.0155, 1e-15);
	cr_assert_eq(s->sums[0].lines, 2);
	cr_assert_float_eq(s->sums[1].seconds, 0.0025, 1e-15);
	cr_assert_float_eq(s->sums[2].seconds, 0.25, 1e-15);
	cr_assert_eq(s->ignored, 0);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);
}

Test(phase_scan, any_split_of_the_output_gives_the_same_sums)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct phase_scan *whole = report_phase_scan_new(p);
	struct phase_scan *bytes = report_phase_scan_new(p);
	size_t i, k;

	feed(whole, sample);
	report_phase_scan_end_stream(whole);
	for (i = 0; i < sizeof(sample) - 1; i++)
		report_phase_scan_feed(bytes, sample + i, 1);
	report_phase_scan_end_stream(bytes);
	cr_assert_eq(whole->n, bytes->n);
	for (k = 0; k < whole->n; k++) {
		cr_assert_str_eq(whole->sums[k].name, bytes->sums[k].name);
		cr_assert_eq(whole->sums[k].seconds, bytes->sums[k].seconds);
		cr_assert_eq(whole->sums[k].lines, bytes->sums[k].lines);
	}
	report_phase_scan_free(whole);
	report_phase_scan_free(bytes);
	report_phase_pattern_free(p);
}

Test(phase_scan, streams_end_their_last_line_and_are_not_joined)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct phase_scan *s = report_phase_scan_new(p);

	/* stdout ends without a newline; stderr follows. */
	feed(s, "phase=a time_ms=1");
	report_phase_scan_end_stream(s);
	feed(s, "phase=a time_ms=2\n");
	report_phase_scan_end_stream(s);
	cr_assert_eq(s->n, 1);
	cr_assert_float_eq(s->sums[0].seconds, 0.003, 1e-15);
	cr_assert_eq(s->sums[0].lines, 2);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);
}

Test(phase_scan, only_the_head_of_a_long_line_is_looked_at)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct phase_scan *s = report_phase_scan_new(p);
	size_t n = REPORT_PHASE_LINE_MAX + 1000;
	char *junk = malloc(n);

	cr_assert_not_null(junk);
	memset(junk, 'x', n);
	/* A phase at the head of a long line counts ... */
	feed(s, "phase=head time_ms=1 ");
	report_phase_scan_feed(s, junk, n);
	feed(s, "\n");
	/* ... one past its first REPORT_PHASE_LINE_MAX bytes does not ... */
	report_phase_scan_feed(s, junk, n);
	feed(s, " phase=tail time_ms=1\n");
	/* ... and the next line is whole again. */
	feed(s, "phase=next time_ms=1\n");
	report_phase_scan_end_stream(s);
	cr_assert_not_null(sum_of(s, "head"));
	cr_assert_null(sum_of(s, "tail"));
	cr_assert_not_null(sum_of(s, "next"));
	cr_assert_eq(s->n, 2);
	free(junk);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);
}

Test(phase_scan, a_user_pattern_with_and_without_a_unit_group)
{
	struct phase_pattern *p;
	struct phase_scan *s;

	/* No unit group: --phase-unit (default ms). */
	p = pattern("step ([a-z]+) took ([0-9.]+)", NULL);
	s = report_phase_scan_new(p);
	feed(s, "step lex took 4\nstep lex took 1.5\nstep? no\n");
	report_phase_scan_end_stream(s);
	cr_assert_eq(s->n, 1);
	cr_assert_float_eq(s->sums[0].seconds, 0.0055, 1e-15);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);

	p = pattern("step ([a-z]+) took ([0-9.]+)", "s");
	s = report_phase_scan_new(p);
	feed(s, "step lex took 4\n");
	report_phase_scan_end_stream(s);
	cr_assert_float_eq(s->sums[0].seconds, 4, 1e-15);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);

	/* Group 3: the unit, per line. */
	p = pattern("^([a-z]+): ([0-9.e+]+) ?([a-zµ]+)$", NULL);
	s = report_phase_scan_new(p);
	feed(s, "cc: 2 s\ncc: 500ms\nld: 1e3 us\nld: 7 \xc2\xb5s\n"
	        "ld: 9 min\n");
	report_phase_scan_end_stream(s);
	cr_assert_eq(s->n, 2);
	cr_assert_float_eq(sum_of(s, "cc")->seconds, 2.5, 1e-15);
	cr_assert_float_eq(sum_of(s, "ld")->seconds, 0.001007, 1e-15);
	/* "min" is no unit: that line is ignored, and counted. */
	cr_assert_eq(s->ignored, 1);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);
}

Test(phase_scan, unusable_matches_are_counted_not_summed)
{
	struct phase_pattern *p = pattern("^(.*)=(.*)$", NULL);
	struct phase_scan *s = report_phase_scan_new(p);

	feed(s, "ok=1\n"
	        "bad=abc\n"        /* not a number */
	        "neg=-1\n"         /* no sign */
	        "inf=inf\n"        /* no inf */
	        "=1\n"             /* an empty name */
	        "c\x01trl=1\n"     /* a control character */
	        "bad\xff utf8=1\n" /* invalid UTF-8 */
	        "big=1e999\n"      /* not finite */
	        "long=2e12\n");    /* 2e9 s: beyond REPORT_PHASE_TIME_MAX */
	report_phase_scan_end_stream(s);
	cr_assert_eq(s->n, 1);
	cr_assert_float_eq(s->sums[0].seconds, 0.001, 1e-15);
	cr_assert_eq(s->ignored, 8);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);
}

Test(phase_scan, the_number_of_names_is_bounded)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct phase_scan *s = report_phase_scan_new(p);
	char line[64];
	int i;

	for (i = 0; i < REPORT_PHASES_MAX + 5; i++) {
		snprintf(line, sizeof(line), "phase=p%d time_ms=1\n", i);
		feed(s, line);
	}
	feed(s, "phase=p0 time_ms=1\n");
	report_phase_scan_end_stream(s);
	cr_assert_eq(s->n, REPORT_PHASES_MAX);
	cr_assert_eq(s->ignored, 5);
	cr_assert_eq(sum_of(s, "p0")->lines, 2);
	report_phase_scan_free(s);
	report_phase_pattern_free(p);
}

Test(phase_scan, bad_patterns_and_units_are_refused)
{
	struct phase_pattern *p = NULL;
	struct bench_error err;

	cr_assert_eq(
	    report_phase_pattern_new("x(", NULL, &p, &err), BENCH_ERR_INVALID);
	cr_assert_null(p);
	cr_assert_eq(report_phase_pattern_new("(a) b", NULL, &p, &err),
	    BENCH_ERR_INVALID);
	cr_assert(strstr(err.text, "two groups") != NULL, "%s", err.text);
	cr_assert_eq(report_phase_pattern_new("(a) (b)", "min", &p, &err),
	    BENCH_ERR_INVALID);
	cr_assert(strstr(err.text, "min") != NULL, "%s", err.text);
}

/* A result with n runs of wall time wall each. */
static struct bench_result *
add_result(struct baseline *b, const char *name, size_t n, double wall)
{
	struct bench_result *r = report_baseline_add_result(b);
	size_t i;

	r->name = strdup(name);
	r->command = strdup(name);
	r->runs = calloc(n, sizeof(*r->runs));
	for (i = 0; i < n; i++)
		r->runs[i].wall = wall;
	r->n_runs = n;
	return r;
}

/* Commit the phases printed in one run of r (kept). */
static void
run_prints(
    struct phase_scan *s, struct bench_result *r, size_t run, const char *text)
{
	feed(s, text);
	report_phase_scan_commit(s, r, run, 1);
}

/* Three runs of r: a 10/20/30 ms, b 250/260/240 ms, c only in run 3. */
static void
three_runs(struct bench_result *r, const struct phase_pattern *p)
{
	struct phase_scan *s = report_phase_scan_new(p);

	run_prints(s, r, 0,
	    "phase=a time_ms=4\nphase=b time_ms=250\n"
	    "phase=a time_ms=6\n");
	/* A discarded run (a warm-up) leaves nothing. */
	feed(s, "phase=a time_ms=1000\nphase=z time_ms=1\n");
	report_phase_scan_commit(s, r, 1, 0);
	run_prints(s, r, 1, "phase=b time_ms=260\nphase=a time_ms=20\n");
	run_prints(s, r, 2,
	    "phase=c time_us=5\nphase=a time_ms=30\nphase=b time_ms=240\n");
	report_phase_scan_free(s);
}

Test(phase_result, runs_without_a_phase_count_zero_and_discards_nothing)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct baseline *b = report_baseline_create();
	struct bench_result *r = add_result(b, "x", 3, 0.3);

	three_runs(r, p);
	cr_assert(r->has_phases);
	cr_assert_eq(r->n_phases, 3);
	cr_assert_str_eq(r->phases[0].name, "a");
	cr_assert_str_eq(r->phases[1].name, "b");
	cr_assert_str_eq(r->phases[2].name, "c");
	cr_assert_eq(r->phases[0].n_per_run, 3);
	cr_assert_float_eq(r->phases[0].per_run[0], 0.010, 1e-15);
	cr_assert_float_eq(r->phases[0].per_run[1], 0.020, 1e-15);
	cr_assert_float_eq(r->phases[0].per_run[2], 0.030, 1e-15);
	cr_assert_eq(r->phases[0].count, 4);
	cr_assert_eq(r->phases[2].n_per_run, 3);
	cr_assert_eq(r->phases[2].per_run[0], 0);
	cr_assert_eq(r->phases[2].per_run[1], 0);
	cr_assert_float_eq(r->phases[2].per_run[2], 5e-6, 1e-18);
	report_baseline_free(b);
	report_phase_pattern_free(p);
}

Test(phase_result, mean_stddev_and_coverage)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct baseline *b = report_baseline_create();
	struct bench_result *r = add_result(b, "x", 3, 0.3);

	three_runs(r, p);
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	cr_assert_float_eq(r->phases[0].mean, 0.020, 1e-15);
	cr_assert_float_eq(r->phases[0].stddev, 0.01, 1e-15);
	cr_assert_float_eq(r->phases[1].mean, 0.250, 1e-15);
	cr_assert_float_eq(r->phases[1].stddev, 0.01, 1e-15);
	/* (0.020 + 0.250 + 5e-6 / 3) / 0.3 */
	cr_assert_float_eq(r->phase_coverage, (0.270 + 5e-6 / 3) / 0.3, 1e-12);
	report_baseline_free(b);
	report_phase_pattern_free(p);
}

/* A minimal valid baseline around results made by the tests. */
static char *
dump(struct baseline *b)
{
	struct bench_error err;
	char *text;

	b->id = strdup("id-1");
	b->created = strdup("2026-12-04T12:00:00Z");
	b->tool_version = strdup("0");
	b->workspace = strdup("/w");
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	text = report_baseline_dump(b, &err);
	cr_assert_not_null(text, "%s", err.text);
	return text;
}

Test(phase_result, json_round_trip)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct baseline *b = report_baseline_create(), *c;
	struct bench_result *r = add_result(b, "x", 3, 0.3);
	struct bench_error err;
	char *text, *again;

	three_runs(r, p);
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	/* A result without --phases beside it (r moves). */
	cr_assert_eq(report_result_compute(
	                 add_result(b, "without", 2, 0.1), 0.95, 3.5, NULL),
	    0);
	r = &b->results[0];
	text = dump(b);
	cr_assert(strstr(text, "\"phase_coverage\"") != NULL);
	c = report_baseline_parse(text, strlen(text), &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_assert(c->results[0].has_phases);
	cr_assert_eq(c->results[0].n_phases, 3);
	cr_assert_str_eq(c->results[0].phases[1].name, "b");
	cr_assert_float_eq(c->results[0].phases[1].stddev, 0.01, 1e-15);
	cr_assert_eq(c->results[0].phases[0].count, 4);
	cr_assert_float_eq(
	    c->results[0].phase_coverage, r->phase_coverage, 1e-15);
	cr_assert_not(c->results[1].has_phases);
	again = report_baseline_dump(c, &err);
	cr_assert_str_eq(text, again);
	free(text);
	free(again);
	report_baseline_free(b);
	report_baseline_free(c);
	report_phase_pattern_free(p);
}

/* Parse text with one replacement done; returns the error text. */
static const char *
parse_edited(
    const char *text, const char *from, const char *to, struct bench_error *err)
{
	const char *at = strstr(text, from);
	char *edited;
	struct baseline *b;

	cr_assert_not_null(at, "'%s' not in the document", from);
	edited = malloc(strlen(text) + strlen(to) + 1);
	cr_assert_not_null(edited);
	memcpy(edited, text, (size_t)(at - text));
	strcpy(edited + (at - text), to);
	strcat(edited, at + strlen(from));
	b = report_baseline_parse(edited, strlen(edited), err);
	cr_assert_null(b, "accepted:\n%s", edited);
	free(edited);
	return err->text;
}

Test(phase_result, the_reader_refuses_bad_phases)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct baseline *b = report_baseline_create();
	struct bench_result *r = add_result(b, "x", 3, 0.3);
	struct bench_error err;
	char *text;

	three_runs(r, p);
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	text = dump(b);
	/* One time too many; a negative time (the old array moves to an
	   unknown key, which readers ignore). */
	cr_assert(strstr(parse_edited(text, "\"per_run\": [",
	                     "\"per_run\": [1.0,", &err),
	              "per_run") != NULL,
	    "%s", err.text);
	cr_assert(strstr(parse_edited(text, "\"per_run\": [",
	                     "\"per_run\": [-1.0, 2.0, 3.0], \"x\": [", &err),
	              "per_run: expected times of 0 or more") != NULL,
	    "%s", err.text);
	cr_assert(
	    strstr(parse_edited(text, "\"count\": 4", "\"count\": -4", &err),
	        "count") != NULL,
	    "%s", err.text);
	cr_assert(strstr(parse_edited(text, "\"a\": {", "\"\": {", &err),
	              "phase name") != NULL,
	    "%s", err.text);
	cr_assert(strstr(parse_edited(text, "\"phases\": {",
	                     "\"phases\": 1, \"y\": {", &err),
	              "expected an object") != NULL,
	    "%s", err.text);
	free(text);
	report_baseline_free(b);
	report_phase_pattern_free(p);
}

Test(phase_result, compare_shows_per_phase_deltas_by_the_one_rule)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct baseline *before = report_baseline_create();
	struct baseline *after = report_baseline_create();
	struct bench_result *rb = add_result(before, "x", 3, 0.3);
	struct bench_result *ra = add_result(after, "x", 3, 0.3);
	struct cmp_opts o = {
	    REPORT_CMP_ALPHA, 0.1, 0, REPORT_CMP_CI, CMP_M_WALL};
	struct phase_scan *s = report_phase_scan_new(p);
	struct comparison *c;
	struct cmp_metric want;
	const struct cmp_bench *cb;
	size_t i;

	three_runs(rb, p);
	/* After: a doubled, b the same, c gone, d new. */
	for (i = 0; i < 3; i++) {
		char line[160];

		snprintf(line, sizeof(line),
		    "phase=a time_ms=%g\nphase=b time_ms=%g\n"
		    "phase=d time_ms=1\n",
		    2 * rb->phases[0].per_run[i] * 1e3,
		    rb->phases[1].per_run[i] * 1e3);
		run_prints(s, ra, i, line);
	}
	report_phase_scan_free(s);
	cr_assert_eq(report_result_compute(rb, 0.95, 3.5, NULL), 0);
	cr_assert_eq(report_result_compute(ra, 0.95, 3.5, NULL), 0);
	c = report_compare(before, "before", after, "after", &o, NULL);
	cr_assert_not_null(c);
	cb = &c->benches[0];
	cr_assert_eq(cb->n_phases, 4);
	cr_assert_str_eq(cb->phases[0].name, "a");
	cr_assert_str_eq(cb->phases[2].name, "c");
	cr_assert_str_eq(cb->phases[3].name, "d");
	/* Exactly what the one rule says of the same samples. */
	report_compare_samples(
	    rb->phases[0].per_run, 3, ra->phases[0].per_run, 3, &o, &want);
	cr_assert_eq(cb->phases[0].m.dec.verdict, want.dec.verdict);
	cr_assert_float_eq(cb->phases[0].m.change, 1.0, 1e-12);
	cr_assert_eq(cb->phases[0].m.ev.ratio.ratio, want.ev.ratio.ratio);
	cr_assert_float_eq(cb->phases[1].m.change, 0.0, 1e-12);
	cr_assert(cb->phases[2].m.ev.missing);
	cr_assert(cb->phases[3].m.ev.missing);
	cr_assert_eq(cb->phases[3].m.dec.verdict, CMP_UNKNOWN);
	/* Phases inform; the benchmark's verdict is wall time's. */
	cr_assert_eq(cb->verdict, cb->m[CMP_M_WALL].dec.verdict);
	report_comparison_free(c);
	report_baseline_free(before);
	report_baseline_free(after);
	report_phase_pattern_free(p);
}

/* The phase table of r as text (caller frees). */
static char *
table(const struct bench_result *r)
{
	struct report_style st = {0, 0};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	report_text_phases(f, r, &st);
	fclose(f);
	return text;
}

Test(phase_result, the_table_judges_the_coverage_and_says_when_phases_overlap)
{
	struct phase_pattern *p = pattern(NULL, NULL);
	struct baseline *b = report_baseline_create();
	struct bench_result *r = add_result(b, "x", 1, 0.1);
	struct phase_scan *s = report_phase_scan_new(p);
	char *text;

	/* No line matched. */
	report_phase_scan_commit(s, r, 0, 1);
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	text = table(r);
	cr_assert(strstr(text, "no line matched") != NULL, "%s", text);
	free(text);
	/* 96 ms of 100: within 5 %. */
	run_prints(s, r, 0, "phase=a time_ms=90\nphase=b time_ms=6\n");
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	text = table(r);
	cr_assert(strstr(text, "cover 96.0 %") != NULL, "%s", text);
	cr_assert(strstr(text, "account for it") != NULL, "%s", text);
	cr_assert(strstr(text, "90.0 %") != NULL, "%s", text);
	free(text);
	report_phases_clear(r);
	/* 94 ms: 6 % in no phase. */
	run_prints(s, r, 0, "phase=a time_ms=94\n");
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	text = table(r);
	cr_assert(strstr(text, "6.0 % is in no phase") != NULL, "%s", text);
	free(text);
	report_phases_clear(r);
	/* 180 ms in 100: they ran in parallel. */
	run_prints(s, r, 0, "phase=a time_ms=90\nphase=b time_ms=90\n");
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	text = table(r);
	cr_assert(strstr(text, "add up to 180.0 %") != NULL, "%s", text);
	cr_assert(strstr(text, "overlap") != NULL, "%s", text);
	free(text);
	report_phase_scan_free(s);
	report_baseline_free(b);
	report_phase_pattern_free(p);
}

Test(phase_result, the_settings_keep_the_pattern_and_compare_warns)
{
	struct baseline *b = report_baseline_create(), *c;
	struct cmp_opts o = {
	    REPORT_CMP_ALPHA, 0.1, 0, REPORT_CMP_CI, CMP_M_WALL};
	struct comparison *cmp;
	struct bench_error err;
	char *text, *again;
	size_t i, warned = 0;

	cr_assert_eq(
	    report_result_compute(add_result(b, "x", 2, 0.1), 0.95, 3.5, NULL),
	    0);
	b->settings.phases = 1;
	b->settings.phase_pattern = strdup("^([a-z]+) ([0-9]+)$");
	b->settings.phase_unit = strdup("us");
	text = dump(b);
	c = report_baseline_parse(text, strlen(text), &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_assert(c->settings.phases);
	cr_assert_str_eq(c->settings.phase_pattern, "^([a-z]+) ([0-9]+)$");
	cr_assert_str_eq(c->settings.phase_unit, "us");
	again = report_baseline_dump(c, &err);
	cr_assert_str_eq(text, again);
	cr_assert(strstr(parse_edited(text, "\"unit\": \"us\"",
	                     "\"unit\": \"min\"", &err),
	              "settings.phases.unit") != NULL,
	    "%s", err.text);
	/* The same pattern: no warning; another unit: a warning. */
	for (i = 0; i < 2; i++) {
		if (i == 1) {
			free(c->settings.phase_unit);
			c->settings.phase_unit = NULL;
		}
		cmp = report_compare(b, "a", c, "b", &o, NULL);
		cr_assert_not_null(cmp);
		warned = 0;
		while (cmp->warnings != NULL && cmp->warnings[warned] != NULL)
			warned++;
		cr_assert_eq(warned, i, "%zu warnings", warned);
		report_comparison_free(cmp);
	}
	free(text);
	free(again);
	report_baseline_free(b);
	report_baseline_free(c);
}
