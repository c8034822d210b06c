/*
 * test_compare.c: the comparison rules, the gate, and their writers, on
 * baselines built by hand with known samples.
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

TestSuite(report_compare, .init = setup);
TestSuite(report_gate, .init = setup);

static char *
xstr(const char *s)
{
	char *p = strdup(s);

	cr_assert_not_null(p);
	return p;
}

/* Add benchmark name with the given wall times (user = wall / 2). */
static void
add_bench(struct baseline *b, const char *name, const double *wall, size_t n)
{
	struct bench_result *r = report_baseline_add_result(b);
	size_t i;

	r->name = xstr(name);
	r->command = xstr(name);
	r->n_runs = n;
	r->runs = calloc(n, sizeof(*r->runs));
	for (i = 0; i < n; i++) {
		r->runs[i].wall = wall[i];
		r->runs[i].user = wall[i] / 2;
		r->runs[i].sys = 0.01;
	}
	cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
}

static struct baseline *
make(const char *host)
{
	struct baseline *b = report_baseline_create();

	b->env.hostname = xstr(host);
	b->env.cpu_cores = 2;
	return b;
}

static const struct cmp_opts opts = {.alpha = 0.05, .ci_level = 0.95};

/* Five runs around 1.0 s and five around 0.8 s: clearly faster. */
static const double slow5[] = {1.00, 1.01, 0.99, 1.02, 0.98};
static const double fast5[] = {0.80, 0.81, 0.79, 0.82, 0.78};
/* The same spread shifted by 0.2 % of the mean: within the noise. */
static const double same5[] = {1.002, 1.012, 0.992, 1.022, 0.982};

Test(report_compare, clear_speedup_is_faster_and_names_the_rule)
{
	struct baseline *b = make("h"), *a = make("h");
	struct comparison *c;

	add_bench(b, "suite", slow5, 5);
	add_bench(a, "suite", fast5, 5);
	c = report_compare(b, "before", a, "after", &opts, NULL);
	cr_assert_not_null(c);
	cr_assert_eq(c->n_benches, 1);
	cr_assert_eq(c->benches[0].verdict, CMP_FASTER);
	cr_assert_eq(c->n_faster, 1);
	/* diff = 0.8 - 1.0 = -0.2 exactly (same spreads). */
	cr_assert_float_eq(c->benches[0].m[0].diff, -0.2, 1e-12);
	cr_assert_float_eq(c->benches[0].m[0].change, -0.2, 1e-12);
	cr_assert_float_eq(c->benches[0].m[0].ratio.ratio, 0.8, 1e-12);
	cr_assert_lt(c->benches[0].m[0].ratio.ci_high, 1.0);
	/* Exact MWU with complete separation, 5 and 5: p = 2/252. */
	cr_assert_float_eq(c->benches[0].m[0].mwu.p, 2.0 / 252, 1e-12);
	cr_assert_not_null(strstr(c->benches[0].m[0].rule, "both < 0.05"));
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, shift_within_the_noise_is_no_change)
{
	struct baseline *b = make("h"), *a = make("h");
	struct comparison *c;

	add_bench(b, "suite", slow5, 5);
	add_bench(a, "suite", same5, 5);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	cr_assert_eq(c->benches[0].verdict, CMP_SAME);
	cr_assert_not_null(strstr(c->benches[0].m[0].rule, "within the noise"),
	    "%s", c->benches[0].m[0].rule);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, one_wild_run_widens_the_noise)
{
	/*
	 * Means differ by far more than 2 sd of the tight sample, but one
	 * sample has a wild value: 2 sd of the wider sample (about 0.9) is
	 * larger than the difference, so the noise rule decides.
	 */
	static const double x[] = {1.0, 1.0, 1.0, 1.0, 3.0};
	static const double y[] = {1.1, 1.1, 1.1, 1.1, 1.1};
	struct baseline *b = make("h"), *a = make("h");
	struct comparison *c;

	add_bench(b, "s", x, 5);
	add_bench(a, "s", y, 5);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	cr_assert_eq(c->benches[0].verdict, CMP_SAME);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, three_runs_each_cannot_pass_the_rank_test)
{
	/* Exact MWU with 3 and 3 runs: the smallest p is 2/20 = 0.1. */
	static const double x[] = {1.0, 1.01, 0.99};
	static const double y[] = {2.0, 2.01, 1.99};
	struct baseline *b = make("h"), *a = make("h");
	struct comparison *c;

	add_bench(b, "s", x, 3);
	add_bench(a, "s", y, 3);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	cr_assert_eq(c->benches[0].verdict, CMP_SAME);
	cr_assert_float_eq(c->benches[0].m[0].mwu.p, 0.1, 1e-12);
	cr_assert_not_null(strstr(c->benches[0].m[0].rule, "too few runs"));
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, one_run_is_untested)
{
	static const double x[] = {1.0};
	struct baseline *b = make("h"), *a = make("h");
	struct comparison *c;

	add_bench(b, "s", x, 1);
	add_bench(a, "s", fast5, 5);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	cr_assert_eq(c->benches[0].verdict, CMP_UNKNOWN);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, unmatched_benchmarks_and_environment_are_listed)
{
	struct baseline *b = make("alpha"), *a = make("beta");
	struct comparison *c;

	add_bench(b, "both", slow5, 5);
	add_bench(b, "old", slow5, 5);
	add_bench(a, "both", slow5, 5);
	add_bench(a, "new", slow5, 5);
	a->env.cpu_cores = 8;
	c = report_compare(b, "b", a, "a", &opts, NULL);
	cr_assert_eq(c->n_benches, 1);
	cr_assert_str_eq(c->only_before[0], "old");
	cr_assert_null(c->only_before[1]);
	cr_assert_str_eq(c->only_after[0], "new");
	cr_assert_not_null(strstr(c->warnings[0], "different hosts"));
	cr_assert_not_null(strstr(c->warnings[1], "core counts: 2 and 8"));
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, nothing_in_common_is_an_error)
{
	struct baseline *b = make("h"), *a = make("h");
	struct bench_error err;

	add_bench(b, "x", slow5, 5);
	add_bench(a, "y", slow5, 5);
	cr_assert_null(report_compare(b, "b.json", a, "a.json", &opts, &err));
	cr_assert_eq(err.code, BENCH_ERR_INVALID);
	cr_assert_str_eq(
	    err.text, "no benchmark in common between b.json and a.json");
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, reproducibility_and_target)
{
	struct baseline *b = make("h"), *a = make("h");
	struct cmp_opts o = opts;
	struct comparison *c;

	add_bench(b, "suite", slow5, 5);
	add_bench(a, "suite", fast5, 5);
	o.repro = 0.10;
	o.target = 0.9;
	c = report_compare(b, "b", a, "a", &o, NULL);
	/* 20 % apart: not reproducible within 10 %; 0.8 s meets 0.9 s. */
	cr_assert_float_eq(c->benches[0].rel_diff, 0.2, 1e-12);
	cr_assert_eq(c->reproducible, 0);
	cr_assert_eq(c->target_met, 1);
	report_comparison_free(c);
	o.repro = 0.25;
	o.target = 0.7;
	c = report_compare(b, "b", a, "a", &o, NULL);
	cr_assert_eq(c->reproducible, 1);
	cr_assert_eq(c->target_met, 0);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_gate, levels_follow_warn_and_fail)
{
	struct baseline *b = make("h"), *a = make("h");
	struct cmp_gate g = {.warn = 0.15, .fail = 0.30};
	struct comparison *c;

	/* after is 25 % slower than before: fast5 -> slow5 is +25 %. */
	add_bench(b, "suite", fast5, 5);
	add_bench(a, "suite", slow5, 5);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	cr_assert_eq(c->benches[0].verdict, CMP_SLOWER);
	report_gate_apply(&g, c);
	cr_assert_eq(g.status, GATE_WARN);
	cr_assert_eq(g.levels[0], 1);
	g.fail = 0.20;
	report_gate_apply(&g, c);
	cr_assert_eq(g.status, GATE_FAIL);
	g.warn = 0.30;
	g.fail = 0;
	report_gate_apply(&g, c);
	cr_assert_eq(g.status, GATE_PASS);
	free(g.levels);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_gate, speedups_never_warn)
{
	struct baseline *b = make("h"), *a = make("h");
	struct cmp_gate g = {.warn = 0.01, .fail = 0.02};
	struct comparison *c;

	add_bench(b, "suite", slow5, 5);
	add_bench(a, "suite", fast5, 5);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	report_gate_apply(&g, c);
	cr_assert_eq(g.status, GATE_PASS);
	free(g.levels);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}

Test(report_compare, writers_say_the_verdict)
{
	struct baseline *b = make("h"), *a = make("h");
	struct cmp_gate g = {.warn = 0.15};
	struct report_style st = {0, 0};
	struct comparison *c;
	char *text = NULL, *json;
	size_t len = 0;
	FILE *f;

	add_bench(b, "a|b`c", fast5, 5);
	add_bench(a, "a|b`c", slow5, 5);
	c = report_compare(b, "b", a, "a", &opts, NULL);
	report_gate_apply(&g, c);

	f = open_memstream(&text, &len);
	report_comparison_text(f, c, &g, &st);
	fclose(f);
	cr_assert_not_null(strstr(text, "slower (+25.0 %)"), "%s", text);
	cr_assert_not_null(strstr(text, "gate: WARN"), "%s", text);
	cr_assert_not_null(strstr(text, "Gate: warn"), "%s", text);
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	report_comparison_markdown(f, c, &g);
	fclose(f);
	/* The name is code with its pipe escaped and backtick replaced. */
	cr_assert_not_null(strstr(text, "| `a\\|b'c` | wall |"), "%s", text);
	cr_assert_not_null(strstr(text, "**slower**"), "%s", text);
	cr_assert_not_null(strstr(text, "**Gate: warn**"), "%s", text);
	free(text);

	json = report_comparison_json(c, &g, NULL);
	cr_assert_not_null(json);
	cr_assert_not_null(strstr(json, "\"status\": \"warn\""), "%s", json);
	cr_assert_not_null(strstr(json, "\"verdict\": \"slower\""));
	cr_assert_not_null(strstr(json, "\"welch_df\""));
	free(json);
	free(g.levels);
	report_comparison_free(c);
	report_baseline_free(b);
	report_baseline_free(a);
}
