/*
 * compare.c: before and after, benchmark by benchmark, with the rules that
 * decide whether a change is real, and the nightly gate built on them.
 *
 * A change counts only when all three agree:
 *   - its size exceeds twice the larger standard deviation of the two
 *     samples (the seeds' rule: smaller changes are within the noise);
 *   - Welch's t-test rejects equal means at alpha;
 *   - the Mann-Whitney U test rejects equal distributions at alpha
 *     (rank-based, so one wild run cannot make a change significant).
 * The rule text of each metric says which test decided.
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "reports-int.h"

static const enum bench_metric compared[3] = {
    METRIC_WALL, METRIC_USER, METRIC_SYS};

const char *
report_verdict_name(enum cmp_verdict v)
{
	switch (v) {
	case CMP_FASTER:
		return "faster";
	case CMP_SLOWER:
		return "slower";
	case CMP_SAME:
		return "no significant change";
	case CMP_UNKNOWN:
		break;
	}
	return "untested";
}

static void strv_addf(char ***v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
strv_addf(char ***v, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	reportp_strv_add(v, buf);
}

/*
 * The smallest two-sided p-value the exact Mann-Whitney test can give for
 * samples of m and n values: 2 / C(m + n, m).
 */
static double
mwu_min_p(size_t m, size_t n)
{
	double c = 1;
	size_t i;

	for (i = 1; i <= m; i++)
		c = c * (double)(n + i) / (double)i;
	return 2.0 / c;
}

void
report_compare_samples(const double *x, size_t nx, const double *y, size_t ny,
    enum bench_metric m, const struct cmp_opts *o, struct cmp_metric *cm)
{
	double alpha = o->alpha;
	char fmt_d[32], fmt_n[32];
	struct report_style plain = {0, 0};

	memset(cm, 0, sizeof(*cm));
	cm->verdict = CMP_UNKNOWN;
	cm->before.mean = cm->after.mean = NAN;
	if (nx > 0)
		(void)stats_summarize(x, nx, o->ci_level,
		    STATS_OUTLIER_THRESHOLD, &cm->before, NULL);
	if (ny > 0)
		(void)stats_summarize(y, ny, o->ci_level,
		    STATS_OUTLIER_THRESHOLD, &cm->after, NULL);
	cm->diff = cm->after.mean - cm->before.mean;
	cm->change = cm->before.mean > 0 ? cm->diff / cm->before.mean : NAN;
	if (nx < 2 || ny < 2) {
		snprintf(cm->rule, sizeof(cm->rule),
		    "untested: %zu and %zu runs (at least 2 on each side)", nx,
		    ny);
		return;
	}
	cm->noise = 2 * fmax(cm->before.stddev, cm->after.stddev);

	cm->tested = stats_welch_test(
	                 x, nx, y, ny, o->ci_level, &cm->welch, NULL) == 0 &&
	             stats_mann_whitney(x, nx, y, ny, &cm->mwu, NULL) == 0;
	if (stats_ratio_ci(x, nx, y, ny, o->ci_level, &cm->ratio, NULL) != 0) {
		cm->ratio.ratio = cm->before.mean > 0
		                      ? cm->after.mean / cm->before.mean
		                      : NAN;
		cm->ratio.ci_low = cm->ratio.ci_high = NAN;
		cm->ratio.bounded = 0;
	}
	if (!cm->tested) {
		snprintf(cm->rule, sizeof(cm->rule),
		    "untested: the tests could not be computed");
		return;
	}
	cm->mwu_can_reject = mwu_min_p(nx, ny) < alpha;

	report_fmt_time(fmt_d, sizeof(fmt_d), fabs(cm->diff), 0, &plain);
	report_fmt_time(fmt_n, sizeof(fmt_n), cm->noise, 0, &plain);
	if (m == METRIC_MAX_RSS) {
		report_fmt_bytes(fmt_d, sizeof(fmt_d), fabs(cm->diff));
		report_fmt_bytes(fmt_n, sizeof(fmt_n), cm->noise);
	}
	cm->verdict = CMP_SAME;
	if (!(fabs(cm->diff) > cm->noise))
		snprintf(cm->rule, sizeof(cm->rule),
		    "within the noise: |diff| %s <= 2 sd %s", fmt_d, fmt_n);
	else if (!(cm->welch.p < alpha))
		snprintf(cm->rule, sizeof(cm->rule),
		    "Welch's t-test: p = %.3g >= %g", cm->welch.p, alpha);
	else if (!(cm->mwu.p < alpha))
		snprintf(cm->rule, sizeof(cm->rule),
		    "Mann-Whitney U: p = %.3g >= %g%s", cm->mwu.p, alpha,
		    cm->mwu_can_reject ? ""
		                       : " (too few runs for this test to "
		                         "reach it)");
	else {
		cm->verdict = cm->diff < 0 ? CMP_FASTER : CMP_SLOWER;
		snprintf(cm->rule, sizeof(cm->rule),
		    "|diff| %s > 2 sd %s, Welch p = %.3g, Mann-Whitney p = "
		    "%.3g, both < %g",
		    fmt_d, fmt_n, cm->welch.p, cm->mwu.p, alpha);
	}
}

/* One metric of one benchmark: its runs, compared. */
static void
compare_metric(const struct bench_result *b, const struct bench_result *a,
    enum bench_metric m, const struct cmp_opts *o, struct cmp_metric *cm)
{
	double *x, *y;
	size_t i;

	x = reportp_xreallocarray(NULL, b->n_runs + 1, sizeof(*x));
	y = reportp_xreallocarray(NULL, a->n_runs + 1, sizeof(*y));
	for (i = 0; i < b->n_runs; i++)
		x[i] = report_run_metric(&b->runs[i], m);
	for (i = 0; i < a->n_runs; i++)
		y[i] = report_run_metric(&a->runs[i], m);
	report_compare_samples(x, b->n_runs, y, a->n_runs, m, o, cm);
	/* The summaries as each baseline states them (its own confidence
	   level and outlier threshold); the means are the same. */
	cm->before = b->st[m];
	cm->after = a->st[m];
	free(x);
	free(y);
}

static void
env_differences(
    struct comparison *c, const struct baseline *b, const struct baseline *a)
{
	static const struct {
		const char *what;
		size_t off;
	} fields[] = {
	    {"hosts", offsetof(struct bench_env, hostname)},
	    {"CPU models", offsetof(struct bench_env, cpu_model)},
	    {"kernels", offsetof(struct bench_env, kernel)},
	    {"rustc versions", offsetof(struct bench_env, rustc)},
	    {"cargo versions", offsetof(struct bench_env, cargo)},
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		const char *x =
		    *(char *const *)((const char *)&b->env + fields[i].off);
		const char *y =
		    *(char *const *)((const char *)&a->env + fields[i].off);

		if (x != NULL && y != NULL && strcmp(x, y) != 0)
			strv_addf(&c->warnings, "different %s: '%s' and '%s'",
			    fields[i].what, x, y);
	}
	if (b->env.cpu_cores > 0 && a->env.cpu_cores > 0 &&
	    b->env.cpu_cores != a->env.cpu_cores)
		strv_addf(&c->warnings, "different core counts: %d and %d",
		    b->env.cpu_cores, a->env.cpu_cores);
	if (!b->complete)
		strv_addf(&c->warnings, "%s is incomplete (interrupted)",
		    c->before_name);
	if (!a->complete)
		strv_addf(&c->warnings, "%s is incomplete (interrupted)",
		    c->after_name);
}

static int
by_frontend_change(const void *a, const void *b)
{
	const struct cmp_unit *x = a, *y = b;
	double dx = fabs(x->after[0] - x->before[0]);
	double dy = fabs(y->after[0] - y->before[0]);

	if (isnan(dx))
		dx = INFINITY;
	if (isnan(dy))
		dy = INFINITY;
	return (dx < dy) - (dx > dy);
}

static void
unit_costs(const struct prof_unit *u, double *v)
{
	v[0] = u != NULL && u->has_profile ? u->frontend : NAN;
	v[1] = u != NULL && u->has_profile ? u->backend : NAN;
	v[2] = u != NULL && u->has_profile ? u->prof_wall : NAN;
}

static const struct prof_unit *
find_unit(const struct prof_section *p, const char *package, const char *key)
{
	size_t i;

	for (i = 0; i < p->n_units; i++) {
		if (p->units[i].package != NULL && p->units[i].key != NULL &&
		    strcmp(p->units[i].package, package) == 0 &&
		    strcmp(p->units[i].key, key) == 0)
			return &p->units[i];
	}
	return NULL;
}

/* Per-unit deltas of two profiles (units in either; NAN where absent). */
static void
compare_profiles(struct comparison *c, const struct prof_section *b,
    const struct prof_section *a)
{
	size_t i, n = 0, len;

	c->has_profiles = 1;
	c->units =
	    reportp_xcalloc(b->n_units + a->n_units + 1, sizeof(*c->units));
	for (i = 0; i < b->n_units + a->n_units; i++) {
		const struct prof_unit *u =
		    i < b->n_units ? &b->units[i] : &a->units[i - b->n_units];

		if (u->package == NULL || u->key == NULL)
			continue;
		/* An after-unit that is also before was already paired. */
		if (i >= b->n_units && find_unit(b, u->package, u->key) != NULL)
			continue;
		len = strlen(u->package) + strlen(u->key) + 2;
		c->units[n].name = reportp_xcalloc(len, 1);
		snprintf(c->units[n].name, len, "%s/%s", u->package, u->key);
		unit_costs(
		    find_unit(b, u->package, u->key), c->units[n].before);
		unit_costs(find_unit(a, u->package, u->key), c->units[n].after);
		n++;
	}
	c->n_units = n;
	qsort(c->units, n, sizeof(*c->units), by_frontend_change);
}

struct comparison *
report_compare(const struct baseline *before, const char *before_name,
    const struct baseline *after, const char *after_name,
    const struct cmp_opts *opts, struct bench_error *err)
{
	struct comparison *c;
	const struct bench_result *rb, *ra;
	size_t i, k;

	c = reportp_xcalloc(1, sizeof(*c));
	c->opts = *opts;
	c->before_name = reportp_xstrdup(before_name);
	c->after_name = reportp_xstrdup(after_name);
	c->benches =
	    reportp_xcalloc(before->n_results + 1, sizeof(*c->benches));
	c->reproducible = 1;
	c->target_met = 1;
	env_differences(c, before, after);

	for (i = 0; i < before->n_results; i++) {
		struct cmp_bench *cb;

		rb = &before->results[i];
		ra = report_baseline_find(after, rb->name);
		if (ra == NULL) {
			reportp_strv_add(&c->only_before, rb->name);
			continue;
		}
		cb = &c->benches[c->n_benches++];
		cb->name = reportp_xstrdup(rb->name);
		for (k = 0; k < 3; k++)
			compare_metric(rb, ra, compared[k], opts, &cb->m[k]);
		cb->verdict = cb->m[0].verdict;
		if (cb->verdict == CMP_FASTER)
			c->n_faster++;
		else if (cb->verdict == CMP_SLOWER)
			c->n_slower++;
		cb->rel_diff = rb->n_runs > 0 && ra->n_runs > 0 &&
		                       rb->st[METRIC_WALL].mean > 0
		                   ? fabs(ra->st[METRIC_WALL].mean -
		                          rb->st[METRIC_WALL].mean) /
		                         rb->st[METRIC_WALL].mean
		                   : NAN;
		cb->reproducible = cb->rel_diff <= opts->repro;
		if (!cb->reproducible)
			c->reproducible = 0;
		cb->target_met =
		    ra->n_runs > 0 && ra->st[METRIC_WALL].mean <= opts->target;
		if (!cb->target_met)
			c->target_met = 0;
		if (rb->command != NULL && ra->command != NULL &&
		    strcmp(rb->command, ra->command) != 0)
			strv_addf(&c->warnings,
			    "%s: different commands: '%s' and '%s'", rb->name,
			    rb->command, ra->command);
	}
	for (i = 0; i < after->n_results; i++) {
		if (report_baseline_find(before, after->results[i].name) ==
		    NULL)
			reportp_strv_add(
			    &c->only_after, after->results[i].name);
	}
	if (before->profile != NULL && after->profile != NULL)
		compare_profiles(c, before->profile, after->profile);
	if (c->n_benches == 0 && !c->has_profiles) {
		bench_error_set(err, BENCH_ERR_INVALID,
		    "no benchmark in common between %s and %s", before_name,
		    after_name);
		report_comparison_free(c);
		return NULL;
	}
	return c;
}

void
report_comparison_free(struct comparison *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_benches; i++)
		free(c->benches[i].name);
	for (i = 0; i < c->n_units; i++)
		free(c->units[i].name);
	free(c->units);
	free(c->benches);
	free(c->before_name);
	free(c->after_name);
	reportp_strv_free(c->only_before);
	reportp_strv_free(c->only_after);
	reportp_strv_free(c->warnings);
	free(c);
}

const char *
report_gate_name(enum gate_status s)
{
	switch (s) {
	case GATE_PASS:
		return "pass";
	case GATE_WARN:
		return "warn";
	case GATE_FAIL:
		return "fail";
	case GATE_NO_BASELINE:
		break;
	}
	return "no-baseline";
}

void
report_gate_apply(struct cmp_gate *g, const struct comparison *c)
{
	size_t i;

	g->status = GATE_PASS;
	free(g->levels);
	g->levels = reportp_xcalloc(c->n_benches + 1, sizeof(*g->levels));
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *b = &c->benches[i];

		if (b->verdict != CMP_SLOWER)
			continue;
		if (g->fail > 0 && b->m[0].change > g->fail)
			g->levels[i] = 2;
		else if (b->m[0].change > g->warn)
			g->levels[i] = 1;
		if (g->levels[i] == 2)
			g->status = GATE_FAIL;
		else if (g->levels[i] == 1 && g->status == GATE_PASS)
			g->status = GATE_WARN;
	}
}
