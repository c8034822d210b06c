/*
 * test_export.c: the export writers (hyperfine JSON, CSV, Markdown, BMF)
 * on hand-built baselines.
 *
 * Most cases set the summaries by hand, to numbers that print exactly, and
 * compare the whole text: the writers format what the summary holds.  The
 * expected Markdown rows for hyperfine's own example are those of
 * hyperfine's test suite (src/export/markdown.rs, test_markdown_format_ms),
 * the CSV numbers those of its CSV test (src/export/csv.rs).
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

TestSuite(export_format, .init = setup);
TestSuite(export_hyperfine, .init = setup);
TestSuite(export_csv, .init = setup);
TestSuite(export_markdown, .init = setup);
TestSuite(export_bmf, .init = setup);

static char *
xstr(const char *s)
{
	char *p = strdup(s);

	cr_assert_not_null(p);
	return p;
}

/* A result named name with n runs of the given wall times (seconds). */
static struct bench_result *
add(struct baseline *b, const char *name, const char *command, size_t n,
    const double *wall)
{
	struct bench_result *r = report_baseline_add_result(b);
	size_t i;

	r->name = xstr(name);
	r->command = xstr(command);
	r->n_runs = n;
	r->runs = calloc(n == 0 ? 1 : n, sizeof(*r->runs));
	cr_assert_not_null(r->runs);
	for (i = 0; i < n; i++) {
		r->runs[i].wall = wall[i];
		r->runs[i].user = wall[i] / 4;
		r->runs[i].sys = wall[i] / 8;
		r->runs[i].max_rss = 1048576;
		r->runs[i].exit_code = 0;
	}
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	return r;
}

/* Set a summary to chosen numbers (the rest of it stays as computed). */
static void
set_summary(struct stats_summary *s, double mean, double sd, double min,
    double max, double lo, double hi)
{
	s->mean = mean;
	s->median = mean;
	s->stddev = sd;
	s->min = min;
	s->max = max;
	s->cv = sd / mean;
	s->ci_low = lo;
	s->ci_high = hi;
}

/* Two benchmarks whose summaries print exactly. */
static struct baseline *
two_results(void)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *r;

	r = add(b, "fast", "fast cmd", 2, (const double[]){0.25, 0.75});
	set_summary(&r->st[METRIC_WALL], 0.5, 0.25, 0.25, 0.75, 0.125, 0.875);
	set_summary(&r->st[METRIC_USER], 0.125, 0, 0.125, 0.125, 0.1, 0.15);
	set_summary(&r->st[METRIC_SYS], 0.0625, 0, 0.0625, 0.0625, -0.5, 0.5);
	set_summary(&r->st[METRIC_MAX_RSS], 1048576, 0, 1048576, 1048576,
	    1048576, 1048576);
	r->runs[1].exit_code = -1;
	r->runs[1].signal = 9;

	r = add(b, "slow", "slow cmd", 2, (const double[]){1.0, 2.0});
	set_summary(&r->st[METRIC_WALL], 1.5, 0.5, 1.0, 2.0, 1.25, 1.75);
	set_summary(&r->st[METRIC_USER], 0.375, 0, 0.375, 0.375, 0.25, 0.5);
	set_summary(&r->st[METRIC_SYS], 0.1875, 0, 0.1875, 0.1875, 0.125, 0.25);
	set_summary(&r->st[METRIC_MAX_RSS], 2097152, 0, 2097152, 2097152,
	    2000000, 2200000);
	r->runs[0].max_rss = 2097152;
	r->runs[1].max_rss = 2097152;
	r->converged = 1;
	return b;
}

/* One benchmark with one run. */
static struct baseline *
one_run(void)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *r;

	r = add(b, "c", "c", 1, (const double[]){0.5});
	r->runs[0].max_rss = 1024;
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	return b;
}

static char *export(const struct baseline *b, enum report_export_format fmt)
{
	struct bench_error err;
	char *text;

	memset(&err, 0, sizeof(err));
	text = report_export(b, fmt, &err);
	cr_assert_not_null(text, "%s", err.text);
	return text;
}

/* The line-th line (0-based) of text, in a static buffer. */
static const char *
line_of(const char *text, int line)
{
	static char buf[1024];
	const char *p = text, *e;

	for (; line > 0 && p != NULL; line--) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	cr_assert_not_null(p, "not enough lines in:\n%s", text);
	e = strchr(p, '\n');
	cr_assert_not_null(e);
	cr_assert_lt((size_t)(e - p), sizeof(buf));
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return buf;
}

static size_t
count_lines(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

/* ---------------------------------------------------------------- format */

Test(export_format, names_parse_both_ways)
{
	int i;

	for (i = 0; i < REPORT_EXPORT_COUNT; i++)
		cr_assert_eq(
		    report_export_format_parse(report_export_format_name(i)),
		    i);
	cr_assert_eq(
	    report_export_format_parse("hyperfine"), REPORT_EXPORT_HYPERFINE);
	cr_assert_eq(report_export_format_parse("bmf"), REPORT_EXPORT_BMF);
	cr_assert_eq(report_export_format_parse("json"), -1);
	cr_assert_eq(report_export_format_parse("CSV"), -1);
	cr_assert_eq(report_export_format_parse(""), -1);
}

Test(export_format, unknown_format_is_an_error)
{
	struct baseline *b = one_run();
	struct bench_error err;

	memset(&err, 0, sizeof(err));
	cr_assert_null(report_export(b, REPORT_EXPORT_COUNT, &err));
	cr_assert_eq(err.code, BENCH_ERR_INVALID);
	cr_assert_null(report_export(b, (enum report_export_format) - 1, NULL));
	report_baseline_free(b);
}

Test(export_format, results_without_runs_are_left_out)
{
	struct baseline *b = two_results();
	char *text;
	int f;

	add(b, "never ran", "never ran", 0, NULL);
	for (f = 0; f < REPORT_EXPORT_COUNT; f++) {
		text = export(b, f);
		cr_assert_null(strstr(text, "never ran"), "%s: %s",
		    report_export_format_name(f), text);
		cr_assert_not_null(strstr(text, "slow"));
		cr_assert_eq(text[strlen(text) - 1], '\n');
		free(text);
	}
	report_baseline_free(b);
}

Test(export_format, a_result_without_name_or_command)
{
	struct baseline *b = one_run();
	char *text;
	int f;

	/* A hand-built baseline may lack both; the name is then "". */
	free(b->results[0].name);
	b->results[0].name = NULL;
	free(b->results[0].command);
	b->results[0].command = NULL;
	for (f = 0; f < REPORT_EXPORT_COUNT; f++) {
		text = export(b, f);
		free(text);
	}
	text = export(b, REPORT_EXPORT_BMF);
	cr_assert_eq(strncmp(text, "{\n  \"\": {", 9), 0, "%s", text);
	free(text);
	text = export(b, REPORT_EXPORT_HYPERFINE);
	cr_assert_not_null(strstr(text, "\"command\": \"\","), "%s", text);
	free(text);
	report_baseline_free(b);
}

/* ------------------------------------------------------------- hyperfine */

Test(export_hyperfine, one_run_exact_text)
{
	struct baseline *b = one_run();
	char *text = export(b, REPORT_EXPORT_HYPERFINE);

	cr_assert_str_eq(text, "{\n"
	                       "  \"results\": [\n"
	                       "    {\n"
	                       "      \"command\": \"c\",\n"
	                       "      \"mean\": 0.5,\n"
	                       "      \"stddev\": null,\n"
	                       "      \"median\": 0.5,\n"
	                       "      \"user\": 0.125,\n"
	                       "      \"system\": 0.0625,\n"
	                       "      \"min\": 0.5,\n"
	                       "      \"max\": 0.5,\n"
	                       "      \"times\": [\n"
	                       "        0.5\n"
	                       "      ],\n"
	                       "      \"memory_usage_byte\": [\n"
	                       "        1024\n"
	                       "      ],\n"
	                       "      \"exit_codes\": [\n"
	                       "        0\n"
	                       "      ]\n"
	                       "    }\n"
	                       "  ]\n"
	                       "}\n");
	free(text);
	report_baseline_free(b);
}

Test(export_hyperfine, command_not_name_and_null_for_a_signal)
{
	struct baseline *b = two_results();
	char *text = export(b, REPORT_EXPORT_HYPERFINE);

	/* hyperfine has no name field: the command is what it shows. */
	cr_assert_not_null(
	    strstr(text, "\"command\": \"fast cmd\""), "%s", text);
	cr_assert_null(strstr(text, "\"fast\""), "%s", text);
	cr_assert_null(strstr(text, "\"name\""), "%s", text);
	cr_assert_not_null(strstr(text, "\"exit_codes\": [\n"
	                                "        0,\n"
	                                "        null\n"
	                                "      ]"),
	    "%s", text);
	cr_assert_not_null(strstr(text, "\"stddev\": 0.25,"), "%s", text);
	cr_assert_not_null(strstr(text, "\"times\": [\n"
	                                "        1.0,\n"
	                                "        2.0\n"
	                                "      ]"),
	    "%s", text);
	free(text);
	report_baseline_free(b);
}

Test(export_hyperfine, reals_survive_the_round_trip)
{
	struct baseline *b = report_baseline_create();
	char *text;
	double x;
	const char *p;

	/* 17 significant digits: a double comes back bit for bit. */
	add(b, "x", "x", 1, (const double[]){0.1 + 0.2});
	text = export(b, REPORT_EXPORT_HYPERFINE);
	p = strstr(text, "\"mean\": ");
	cr_assert_not_null(p);
	x = strtod(p + 8, NULL);
	cr_assert(x == 0.1 + 0.2, "%.17g", x);
	free(text);
	report_baseline_free(b);
}

Test(export_hyperfine, invalid_utf8_in_a_command_is_replaced)
{
	struct baseline *b = one_run();
	char *text;

	free(b->results[0].command);
	b->results[0].command = xstr("cargo \xff test");
	text = export(b, REPORT_EXPORT_HYPERFINE);
	cr_assert_not_null(
	    strstr(text, "\"command\": \"cargo \xef\xbf\xbd test\""), "%s",
	    text);
	free(text);
	report_baseline_free(b);
}

/* ------------------------------------------------------------------- CSV */

Test(export_csv, two_results_exact_text)
{
	struct baseline *b = two_results();
	char *text = export(b, REPORT_EXPORT_CSV);

	cr_assert_str_eq(text,
	    "command,mean,stddev,median,user,system,min,max,"
	    "name,runs,cv,ci_low,ci_high,max_rss_mean,converged\n"
	    "fast cmd,0.5,0.25,0.5,0.125,0.0625,0.25,0.75,"
	    "fast,2,0.5,0.125,0.875,1048576,false\n"
	    "slow cmd,1.5,0.5,1.5,0.375,0.1875,1,2,"
	    "slow,2,0.3333333333333333,1.25,1.75,2097152,true\n");
	free(text);
	report_baseline_free(b);
}

Test(export_csv, one_run_leaves_missing_numbers_empty)
{
	struct baseline *b = one_run();
	char *text = export(b, REPORT_EXPORT_CSV);

	/* No stddev, CV or interval with one run: empty fields. */
	cr_assert_str_eq(line_of(text, 1),
	    "c,0.5,,0.5,0.125,0.0625,0.5,0.5,c,1,,,,1024,false");
	free(text);
	report_baseline_free(b);
}

Test(export_csv, rfc4180_quoting)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain words", "plain words"},
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"two\nlines", "\"two\nlines\""},
	    {"cr\r", "\"cr\r\""},
	    {"'single' quotes", "'single' quotes"},
	    {"", ""},
	};
	struct baseline *b;
	char *text, *want;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b = report_baseline_create();
		add(b, "n", cases[i].in, 1, (const double[]){1.0});
		text = export(b, REPORT_EXPORT_CSV);
		cr_assert(asprintf(&want, "\n%s,1,,1,", cases[i].out) > 0);
		cr_assert_not_null(
		    strstr(text, want), "case %zu:\n%s", i, text);
		free(want);
		free(text);
		report_baseline_free(b);
	}
	/* The name column is quoted the same way. */
	b = report_baseline_create();
	add(b, "x,\"y\"", "c", 1, (const double[]){1.0});
	text = export(b, REPORT_EXPORT_CSV);
	cr_assert_not_null(strstr(text, ",\"x,\"\"y\"\"\",1,"), "%s", text);
	free(text);
	report_baseline_free(b);
}

Test(export_csv, numbers_are_shortest_and_never_exponents)
{
	/* Rust's Display of f64, which hyperfine's CSV uses. */
	static const struct {
		double x;
		const char *text;
	} cases[] = {
	    {1.0, "1"},
	    {16.5, "16.5"},
	    {0.1, "0.1"},
	    {0.1 + 0.2, "0.30000000000000004"},
	    {1e-7, "0.0000001"},
	    {1.5e-5, "0.000015"},
	    {123456789.125, "123456789.125"},
	    {1e21, "1000000000000000000000"},
	    {0.0, "0"},
	};
	struct baseline *b;
	char *text, *want;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b = report_baseline_create();
		add(b, "n", "c", 1, (const double[]){cases[i].x});
		text = export(b, REPORT_EXPORT_CSV);
		cr_assert(asprintf(&want, "\nc,%s,,", cases[i].text) > 0);
		cr_assert_not_null(
		    strstr(text, want), "%.17g:\n%s", cases[i].x, text);
		free(want);
		free(text);
		report_baseline_free(b);
	}
}

/* -------------------------------------------------------------- Markdown */

Test(export_markdown, two_results_exact_text)
{
	struct baseline *b = two_results();
	char *text = export(b, REPORT_EXPORT_MARKDOWN);

	/*
	 * The unit is the first mean's (ms); slow/fast = 3, with the
	 * uncertainty 3 sqrt((0.5/1.5)^2 + (0.25/0.5)^2) = 1.8028.
	 */
	cr_assert_str_eq(text,
	    "| Command | Mean [ms] | Min [ms] | Max [ms] | Relative "
	    "| User [ms] | System [ms] | Runs | CV | Converged |\n"
	    "|:---|---:|---:|---:|---:|---:|---:|---:|---:|:---|\n"
	    "| `fast` | 500.0 ± 250.0 | 250.0 | 750.0 | 1.00 "
	    "| 125.0 | 62.5 | 2 | 50.0 % | no |\n"
	    "| `slow` | 1500.0 ± 500.0 | 1000.0 | 2000.0 | 3.00 ± 1.80 "
	    "| 375.0 | 187.5 | 2 | 33.3 % | yes |\n");
	free(text);
	report_baseline_free(b);
}

Test(export_markdown, hyperfines_own_example)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *r;
	char *text;

	r = add(
	    b, "sleep 0.1", "sleep 0.1", 3, (const double[]){0.1, 0.1, 0.1});
	set_summary(&r->st[METRIC_WALL], 0.1057, 0.0016, 0.1023, 0.1080, 0, 0);
	r = add(b, "sleep 2", "sleep 2", 3, (const double[]){2, 2, 2});
	set_summary(&r->st[METRIC_WALL], 2.0050, 0.0020, 2.0020, 2.0080, 0, 0);
	text = export(b, REPORT_EXPORT_MARKDOWN);
	cr_assert_eq(strncmp(line_of(text, 0),
	                 "| Command | Mean [ms] | Min [ms] | Max [ms] | "
	                 "Relative |",
	                 strlen("| Command | Mean [ms] | Min [ms] | Max "
	                        "[ms] | Relative |")),
	    0, "%s", text);
	cr_assert_eq(strncmp(line_of(text, 2),
	                 "| `sleep 0.1` | 105.7 ± 1.6 | 102.3 | 108.0 | 1.00 |",
	                 strlen("| `sleep 0.1` | 105.7 ± 1.6 | 102.3 | 108.0 "
	                        "| 1.00 |")),
	    0, "%s", text);
	cr_assert_eq(
	    strncmp(line_of(text, 3),
	        "| `sleep 2` | 2005.0 ± 2.0 | 2002.0 | 2008.0 | 18.97 ± 0.29 |",
	        strlen("| `sleep 2` | 2005.0 ± 2.0 | 2002.0 | 2008.0 | 18.97 "
	               "± 0.29 |")),
	    0, "%s", text);
	free(text);
	report_baseline_free(b);
}

Test(export_markdown, unit_follows_the_first_mean)
{
	static const struct {
		double wall;
		const char *header, *mean;
	} cases[] = {
	    {2.5, "Mean [s]", "| 2.500 |"},
	    {1.0, "Mean [s]", "| 1.000 |"},
	    {0.0025, "Mean [ms]", "| 2.5 |"},
	    {0.00025, "Mean [µs]", "| 250.0 |"},
	};
	struct baseline *b;
	char *text;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b = report_baseline_create();
		add(b, "a", "a", 1, (const double[]){cases[i].wall});
		/* A later, slower benchmark does not change the unit. */
		add(b, "b", "b", 1, (const double[]){100.0});
		text = export(b, REPORT_EXPORT_MARKDOWN);
		cr_assert_not_null(
		    strstr(line_of(text, 0), cases[i].header), "%s", text);
		cr_assert_not_null(
		    strstr(line_of(text, 2), cases[i].mean), "%s", text);
		free(text);
		report_baseline_free(b);
	}
}

Test(export_markdown, one_run_has_no_spread)
{
	struct baseline *b = one_run();
	char *text = export(b, REPORT_EXPORT_MARKDOWN);

	cr_assert_str_eq(line_of(text, 2),
	    "| `c` | 500.0 | 500.0 | 500.0 | 1.00 | 125.0 | 62.5 | 1 | n/a "
	    "| no |");
	free(text);
	report_baseline_free(b);
}

Test(export_markdown, zero_times_have_no_ratio)
{
	struct baseline *b = report_baseline_create();
	char *text;

	add(b, "a", "a", 2, (const double[]){0, 0});
	add(b, "b", "b", 2, (const double[]){1, 1});
	text = export(b, REPORT_EXPORT_MARKDOWN);
	/* The CV of a zero mean does not exist either. */
	cr_assert_str_eq(line_of(text, 2),
	    "| `a` | 0.0 ± 0.0 | 0.0 | 0.0 | n/a | 0.0 | 0.0 | 2 | n/a | no |");
	cr_assert_not_null(strstr(line_of(text, 3), "| n/a |"), "%s", text);
	free(text);
	report_baseline_free(b);
}

Test(export_markdown, a_ratio_too_large_for_a_double_is_na)
{
	struct baseline *b = report_baseline_create();
	const char *p;
	char *text;
	int n;

	add(b, "tiny", "tiny", 1, (const double[]){5e-324});
	add(b, "huge", "huge", 1, (const double[]){1e300});
	text = export(b, REPORT_EXPORT_MARKDOWN);
	/* The CV of either (one run each) and the ratio of the huge one. */
	for (p = text, n = 0; (p = strstr(p, " | n/a | ")) != NULL; p++)
		n++;
	cr_assert_eq(n, 3, "%s", text);
	cr_assert_null(strstr(text, "inf"), "%s", text);
	free(text);
	report_baseline_free(b);
}

Test(export_markdown, names_are_escaped)
{
	static const struct {
		const char *name, *cell;
	} cases[] = {
	    {"cargo test", "| `cargo test` |"},
	    {"a|b", "| `a\\|b` |"},
	    {"x`y", "| ``x`y`` |"},
	    {"a``b`c", "| ```a``b`c``` |"},
	    {"`z", "| `` `z `` |"},
	    {"z`", "| `` z` `` |"},
	    {" sp ", "| `  sp  ` |"},
	    {"two\nlines\r", "| `two lines ` |"},
	    {"", "| ` ` |"},
	};
	struct baseline *b;
	char *text;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b = report_baseline_create();
		add(b, cases[i].name, "c", 1, (const double[]){1.0});
		text = export(b, REPORT_EXPORT_MARKDOWN);
		cr_assert_eq(strncmp(line_of(text, 2), cases[i].cell,
		                 strlen(cases[i].cell)),
		    0, "case %zu: %s", i, text);
		/* Every row stays one line: header, divider, row. */
		cr_assert_eq(count_lines(text), 3, "case %zu: %s", i, text);
		free(text);
		report_baseline_free(b);
	}
}

/* ------------------------------------------------------------------- BMF */

Test(export_bmf, one_run_exact_text)
{
	struct baseline *b = one_run();
	char *text = export(b, REPORT_EXPORT_BMF);

	cr_assert_str_eq(text, "{\n"
	                       "  \"c\": {\n"
	                       "    \"wall\": {\n"
	                       "      \"value\": 0.5,\n"
	                       "      \"lower_value\": 0.5,\n"
	                       "      \"upper_value\": 0.5\n"
	                       "    },\n"
	                       "    \"user\": {\n"
	                       "      \"value\": 0.125,\n"
	                       "      \"lower_value\": 0.125,\n"
	                       "      \"upper_value\": 0.125\n"
	                       "    },\n"
	                       "    \"system\": {\n"
	                       "      \"value\": 0.0625,\n"
	                       "      \"lower_value\": 0.0625,\n"
	                       "      \"upper_value\": 0.0625\n"
	                       "    },\n"
	                       "    \"max_rss\": {\n"
	                       "      \"value\": 1024.0,\n"
	                       "      \"lower_value\": 1024.0,\n"
	                       "      \"upper_value\": 1024.0\n"
	                       "    }\n"
	                       "  }\n"
	                       "}\n");
	free(text);
	report_baseline_free(b);
}

Test(export_bmf, bounds_are_the_confidence_interval)
{
	struct baseline *b = two_results();
	char *text = export(b, REPORT_EXPORT_BMF);

	/* Keyed by name, not command. */
	cr_assert_not_null(strstr(text, "  \"fast\": {\n"
	                                "    \"wall\": {\n"
	                                "      \"value\": 0.5,\n"
	                                "      \"lower_value\": 0.125,\n"
	                                "      \"upper_value\": 0.875\n"
	                                "    },\n"),
	    "%s", text);
	/* An interval below zero is cut at zero. */
	cr_assert_not_null(strstr(text, "    \"system\": {\n"
	                                "      \"value\": 0.0625,\n"
	                                "      \"lower_value\": 0.0,\n"
	                                "      \"upper_value\": 0.5\n"),
	    "%s", text);
	cr_assert_not_null(strstr(text, "    \"max_rss\": {\n"
	                                "      \"value\": 2097152.0,\n"
	                                "      \"lower_value\": 2000000.0,\n"
	                                "      \"upper_value\": 2200000.0\n"),
	    "%s", text);
	cr_assert_null(strstr(text, "cmd"), "%s", text);
	free(text);
	report_baseline_free(b);
}

Test(export_bmf, computed_interval_is_students_t)
{
	struct baseline *b = report_baseline_create();
	char *text;
	const char *p;
	double lo, hi;

	/*
	 * Walls 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.302652729911275
	 * (scipy.stats.t.ppf), half-width 4.302652729911275 / sqrt(3).
	 */
	add(b, "t", "t", 3, (const double[]){1, 2, 3});
	text = export(b, REPORT_EXPORT_BMF);
	p = strstr(text, "\"wall\"");
	cr_assert_not_null(p);
	p = strstr(p, "\"lower_value\": ");
	cr_assert_not_null(p);
	lo = strtod(p + 15, NULL);
	p = strstr(p, "\"upper_value\": ");
	cr_assert_not_null(p);
	hi = strtod(p + 15, NULL);
	/* The true lower bound, -0.484, is cut at 0. */
	cr_assert_eq(lo, 0.0, "%.17g", lo);
	/* GSL's inversion of t agrees with scipy's to about 1e-10. */
	cr_assert_float_eq(hi, 2 + 4.302652729911275 / sqrt(3), 1e-9);
	free(text);
	report_baseline_free(b);
}

Test(export_bmf, invalid_utf8_in_a_name_is_replaced)
{
	struct baseline *b = one_run();
	char *text;

	free(b->results[0].name);
	b->results[0].name = xstr("n\xfe");
	text = export(b, REPORT_EXPORT_BMF);
	cr_assert_not_null(strstr(text, "\"n\xef\xbf\xbd\": {"), "%s", text);
	free(text);
	report_baseline_free(b);
}
