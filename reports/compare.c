/*
 * compare.c: before and after, benchmark by benchmark and metric by metric,
 * decided by the one rule of report.h (report_compare_decide).
 *
 * The statistics of two independent samples: Fieller's interval of the
 * ratio of the means (at the comparison's confidence level), Welch's
 * t-test and the Mann-Whitney U test; the verdict needs the interval to
 * exclude 1 and both tests to reject at alpha.  The seeds' rule (a change
 * beyond twice the larger standard deviation of single runs) is kept as
 * the Section 06 line: it judges a claimed improvement, and it cannot be a
 * gate, because the spread of single runs does not shrink with more runs.
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

static const char *const measure_names[CMP_M_COUNT] = {
    "wall", "cpu", "user", "system"};

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

const char *
report_measure_name(enum cmp_measure m)
{
	return m < CMP_M_COUNT ? measure_names[m] : "?";
}

int
report_measure_parse(const char *name)
{
	int m;

	for (m = 0; m < CMP_M_COUNT; m++) {
		if (strcmp(name, measure_names[m]) == 0)
			return m;
	}
	return strcmp(name, "sys") == 0 ? CMP_M_SYS : -1;
}

double
report_run_measure(const struct bench_run *r, enum cmp_measure m)
{
	switch (m) {
	case CMP_M_WALL:
		return r->wall;
	case CMP_M_CPU:
		return r->user + r->sys;
	case CMP_M_USER:
		return r->user;
	case CMP_M_SYS:
		return r->sys;
	case CMP_M_COUNT:
		break;
	}
	return NAN;
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

const char *
reportp_fmt_change(
    char *buf, size_t size, int verdict, const struct stats_ratio *r)
{
	char iv[64];

	if (!r->bounded)
		snprintf(iv, sizeof(iv), "[unbounded]");
	else if (verdict == CMP_SLOWER)
		snprintf(iv, sizeof(iv), "[%.1f %%, %.1f %%]",
		    100 * (r->ci_low - 1), 100 * (r->ci_high - 1));
	else if (verdict == CMP_FASTER)
		snprintf(iv, sizeof(iv), "[%.1f %%, %.1f %%]",
		    100 * (1 - r->ci_high), 100 * (1 - r->ci_low));
	else
		snprintf(iv, sizeof(iv), "[%+.1f %%, %+.1f %%]",
		    100 * (r->ci_low - 1), 100 * (r->ci_high - 1));
	if (verdict == CMP_SLOWER)
		snprintf(buf, size, "slower by %.1f %% %s",
		    100 * (r->ratio - 1), iv);
	else if (verdict == CMP_FASTER)
		snprintf(buf, size, "faster by %.1f %% %s",
		    100 * (1 - r->ratio), iv);
	else
		snprintf(buf, size, "%+.1f %% %s", 100 * (r->ratio - 1), iv);
	return buf;
}

/*
 * The smallest two-sided p-value the exact Mann-Whitney test can give for
 * samples of m and n values: 2 / C(m + n, m) (0 when that underflows).
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
report_compare_decide(
    const struct cmp_evidence *e, double alpha, struct cmp_decision *d)
{
	const struct stats_ratio *r = &e->ratio;
	const char *mean_test = e->mean_test != NULL ? e->mean_test : "Welch";
	const char *rank_test =
	    e->rank_test != NULL ? e->rank_test : "Mann-Whitney";
	char ch[96];
	int mean_ok, rank_ok;

	memset(d, 0, sizeof(*d));
	d->verdict = CMP_UNKNOWN;
	d->detectable = NAN;
	if (e->missing) {
		snprintf(d->rule, sizeof(d->rule),
		    "untested: the metric is missing%s%s",
		    e->why != NULL ? ": " : "", e->why != NULL ? e->why : "");
		return;
	}
	if (e->n_before < 2 || e->n_after < 2) {
		if (e->paired)
			snprintf(d->rule, sizeof(d->rule),
			    "untested: %zu pair%s (a test needs at least 2)",
			    e->n_before, e->n_before == 1 ? "" : "s");
		else
			snprintf(d->rule, sizeof(d->rule),
			    "untested: %zu and %zu runs (a test needs at "
			    "least 2 on each side)",
			    e->n_before, e->n_after);
		return;
	}
	if (!e->computed) {
		snprintf(d->rule, sizeof(d->rule), "untested: %s",
		    e->why != NULL ? e->why
		                   : "the statistics could not be computed");
		return;
	}
	if (!(e->p_rank_min < alpha)) {
		snprintf(d->rule, sizeof(d->rule),
		    "untested: with %zu and %zu runs the rank test cannot "
		    "reach p < %g (its smallest p is %.2g): measure more runs",
		    e->n_before, e->n_after, alpha, e->p_rank_min);
		if (e->paired)
			snprintf(d->rule, sizeof(d->rule),
			    "untested: with %zu pairs the %s test cannot "
			    "reach p < %g (its smallest p is %.2g): measure "
			    "more pairs",
			    e->n_before, rank_test, alpha, e->p_rank_min);
		return;
	}
	if (!r->bounded) {
		snprintf(d->rule, sizeof(d->rule),
		    "untested: the interval of the ratio is unbounded (the "
		    "before mean is not clearly above 0)");
		return;
	}

	mean_ok = e->p_mean < alpha;
	rank_ok = e->p_rank < alpha;
	if ((r->ci_low > 1 || r->ci_high < 1) && mean_ok && rank_ok) {
		d->verdict = r->ci_low > 1 ? CMP_SLOWER : CMP_FASTER;
		snprintf(d->rule, sizeof(d->rule),
		    "%s: the interval excludes 1, %s p = %.2g and "
		    "%s p = %.2g < %g",
		    reportp_fmt_change(ch, sizeof(ch), d->verdict, r),
		    mean_test, e->p_mean, rank_test, e->p_rank, alpha);
		return;
	}
	d->verdict = CMP_SAME;
	d->detectable = (r->ci_high - r->ci_low) / 2;
	reportp_fmt_change(ch, sizeof(ch), CMP_SAME, r);
	if (!(r->ci_low > 1 || r->ci_high < 1))
		snprintf(d->rule, sizeof(d->rule),
		    "no significant change: %s includes 0; changes beyond "
		    "+-%.1f %% would have been detected",
		    ch, 100 * d->detectable);
	else
		snprintf(d->rule, sizeof(d->rule),
		    "no significant change: %s excludes 0 but %s p = %.2g >= "
		    "%g; changes beyond +-%.1f %% would have been detected",
		    ch, !mean_ok ? mean_test : rank_test,
		    !mean_ok ? e->p_mean : e->p_rank, alpha,
		    100 * d->detectable);
}

void
report_compare_samples(const double *x, size_t nx, const double *y, size_t ny,
    const struct cmp_opts *o, struct cmp_metric *cm)
{
	struct cmp_evidence *e = &cm->ev;
	struct bench_error err;

	memset(cm, 0, sizeof(*cm));
	cm->before.mean = cm->after.mean = NAN;
	cm->before.stddev = cm->after.stddev = NAN;
	cm->before.ci_low = cm->before.ci_high = NAN;
	cm->after.ci_low = cm->after.ci_high = NAN;
	e->missing = x == NULL || y == NULL;
	e->n_before = nx;
	e->n_after = ny;
	e->ratio.ratio = e->ratio.ci_low = e->ratio.ci_high = NAN;
	e->p_mean = e->p_rank = NAN;
	if (x != NULL && nx > 0)
		(void)stats_summarize(x, nx, o->ci_level,
		    STATS_OUTLIER_THRESHOLD, &cm->before, NULL);
	if (y != NULL && ny > 0)
		(void)stats_summarize(y, ny, o->ci_level,
		    STATS_OUTLIER_THRESHOLD, &cm->after, NULL);
	cm->diff = cm->after.mean - cm->before.mean;
	cm->change = cm->before.mean > 0 ? cm->diff / cm->before.mean : NAN;
	cm->noise = NAN;
	if (!e->missing && nx >= 2 && ny >= 2) {
		cm->noise = 2 * fmax(cm->before.stddev, cm->after.stddev);
		cm->section06 = cm->diff < 0 && -cm->diff > cm->noise;
		e->p_rank_min = mwu_min_p(nx, ny);
		if (stats_welch_test(
		        x, nx, y, ny, o->ci_level, &cm->welch, NULL) != 0 ||
		    stats_mann_whitney(x, nx, y, ny, &cm->mwu, NULL) != 0)
			e->why = "the tests could not be computed";
		else if (stats_ratio_ci(
		             x, nx, y, ny, o->ci_level, &e->ratio, &err) != 0) {
			e->why = err.code == BENCH_ERR_INVALID
			             ? "no ratio: the before mean is 0"
			             : "the ratio's interval overflows";
			e->ratio.ratio = e->ratio.ci_low = e->ratio.ci_high =
			    NAN;
		} else {
			e->computed = 1;
			e->p_mean = cm->welch.p;
			e->p_rank = cm->mwu.p;
		}
	}
	report_compare_decide(e, o->alpha, &cm->dec);
}

static size_t
failed_runs(const struct bench_result *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_runs; i++)
		n += report_run_failed(&r->runs[i]);
	return n;
}

/* One metric of one benchmark: its runs, compared. */
static void
compare_metric(const struct bench_result *b, const struct bench_result *a,
    enum cmp_measure m, const struct cmp_opts *o, struct cmp_metric *cm)
{
	double *x, *y;
	size_t i;

	x = reportp_xreallocarray(NULL, b->n_runs + 1, sizeof(*x));
	y = reportp_xreallocarray(NULL, a->n_runs + 1, sizeof(*y));
	for (i = 0; i < b->n_runs; i++)
		x[i] = report_run_measure(&b->runs[i], m);
	for (i = 0; i < a->n_runs; i++)
		y[i] = report_run_measure(&a->runs[i], m);
	report_compare_samples(x, b->n_runs, y, a->n_runs, o, cm);
	free(x);
	free(y);
}

/* Whether two optional strings are equal (both NULL too). */
static int
same_str(const char *x, const char *y)
{
	return x == NULL || y == NULL ? x == y : strcmp(x, y) == 0;
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
	if (b->settings.phases && a->settings.phases &&
	    (!same_str(b->settings.phase_pattern, a->settings.phase_pattern) ||
	        !same_str(b->settings.phase_unit, a->settings.phase_unit)))
		strv_addf(&c->warnings,
		    "the phases were read with different patterns or units "
		    "(--phases, --phase-unit): their deltas compare different "
		    "things");
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

/* Compare benchmark rb with ra into a new entry of c. */
static const struct bench_phase *
find_phase(const struct bench_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_phases; i++)
		if (strcmp(r->phases[i].name, name) == 0)
			return &r->phases[i];
	return NULL;
}

void
reportp_compare_phases(struct cmp_bench *cb, const struct bench_result *rb,
    const struct bench_result *ra, const struct cmp_opts *opts)
{
	const struct bench_phase *pb, *pa;
	const char *name;
	size_t i;

	if (!rb->has_phases && !ra->has_phases)
		return;
	cb->phases = reportp_xcalloc(
	    rb->n_phases + ra->n_phases + 1, sizeof(*cb->phases));
	for (i = 0; i < rb->n_phases + ra->n_phases; i++) {
		name = i < rb->n_phases ? rb->phases[i].name
		                        : ra->phases[i - rb->n_phases].name;
		if (i >= rb->n_phases && find_phase(rb, name) != NULL)
			continue;
		pb = find_phase(rb, name);
		pa = find_phase(ra, name);
		cb->phases[cb->n_phases].name = reportp_xstrdup(name);
		report_compare_samples(pb != NULL ? pb->per_run : NULL,
		    pb != NULL ? pb->n_per_run : 0,
		    pa != NULL ? pa->per_run : NULL,
		    pa != NULL ? pa->n_per_run : 0, opts,
		    &cb->phases[cb->n_phases].m);
		cb->n_phases++;
	}
}

static void
compare_bench(struct comparison *c, const struct bench_result *rb,
    const struct bench_result *ra, const struct cmp_opts *opts)
{
	struct cmp_bench *cb = &c->benches[c->n_benches++];
	double mb = rb->n_runs > 0 ? rb->st[METRIC_WALL].mean : NAN;
	double ma = ra->n_runs > 0 ? ra->st[METRIC_WALL].mean : NAN;
	int k;

	cb->name = reportp_xstrdup(rb->name);
	if (strcmp(rb->name, ra->name) != 0)
		cb->after_name = reportp_xstrdup(ra->name);
	for (k = 0; k < CMP_M_COUNT; k++)
		compare_metric(rb, ra, (enum cmp_measure)k, opts, &cb->m[k]);
	reportp_compare_phases(cb, rb, ra, opts);
	cb->verdict = cb->m[opts->metric].dec.verdict;
	if (cb->verdict == CMP_FASTER)
		c->n_faster++;
	else if (cb->verdict == CMP_SLOWER)
		c->n_slower++;
	cb->failed_before = failed_runs(rb);
	cb->failed_after = failed_runs(ra);
	cb->rel_diff = mb > 0 ? fabs(ma - mb) / mb : NAN;
	cb->reproducible = cb->rel_diff <= opts->repro;
	if (!cb->reproducible)
		c->reproducible = 0;
	cb->target_met = ma <= opts->target;
	if (!cb->target_met)
		c->target_met = 0;
	if (rb->command != NULL && ra->command != NULL &&
	    strcmp(rb->command, ra->command) != 0 && cb->after_name == NULL)
		strv_addf(&c->warnings, "%s: different commands: '%s' and '%s'",
		    rb->name, rb->command, ra->command);
}

struct comparison *
report_compare(const struct baseline *before, const char *before_name,
    const struct baseline *after, const char *after_name,
    const struct cmp_opts *opts, struct bench_error *err)
{
	struct comparison *c;
	const struct bench_result *rb, *ra;
	size_t i;

	c = reportp_xcalloc(1, sizeof(*c));
	c->opts = *opts;
	if (c->opts.metric >= CMP_M_COUNT)
		c->opts.metric = CMP_M_WALL;
	c->before_name = reportp_xstrdup(before_name);
	c->after_name = reportp_xstrdup(after_name);
	c->benches =
	    reportp_xcalloc(before->n_results + 1, sizeof(*c->benches));
	c->before_complete = before->complete;
	c->after_complete = after->complete;
	c->reproducible = 1;
	c->target_met = 1;
	env_differences(c, before, after);

	/*
	 * One benchmark on each side under different names: the two files
	 * of `compare ./old ./new`, as hyperfine users expect.
	 */
	if (before->n_results == 1 && after->n_results == 1 &&
	    strcmp(before->results[0].name, after->results[0].name) != 0) {
		strv_addf(&c->warnings,
		    "each file holds one benchmark: '%s' (before) and '%s' "
		    "(after) are compared although their names differ",
		    before->results[0].name, after->results[0].name);
		compare_bench(
		    c, &before->results[0], &after->results[0], &c->opts);
	} else {
		for (i = 0; i < before->n_results; i++) {
			rb = &before->results[i];
			ra = report_baseline_find(after, rb->name);
			if (ra == NULL)
				reportp_strv_add(&c->only_before, rb->name);
			else
				compare_bench(c, rb, ra, &c->opts);
		}
		for (i = 0; i < after->n_results; i++) {
			if (report_baseline_find(
			        before, after->results[i].name) == NULL)
				reportp_strv_add(
				    &c->only_after, after->results[i].name);
		}
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
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_benches; i++) {
		free(c->benches[i].name);
		free(c->benches[i].after_name);
		for (j = 0; j < c->benches[i].n_phases; j++)
			free(c->benches[i].phases[j].name);
		free(c->benches[i].phases);
	}
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
