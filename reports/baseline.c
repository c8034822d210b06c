/*
 * baseline.c: the in-memory baseline: lifecycle, lookups, statistics.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "reports-int.h"

static const char *const metric_names[METRIC_COUNT] = {
    "wall", "user", "system", "max_rss"};

static const char *const stop_names[] = {
    "converged", "max_runs", "max_time", "interrupted", "failed", "none"};

struct baseline *
report_baseline_create(void)
{
	struct baseline *b;

	b = reportp_xcalloc(1, sizeof(*b));
	b->schema_version = REPORT_SCHEMA_VERSION;
	b->complete = 1;
	b->env.git_dirty = -1;
	return b;
}

/* Free the fields of a result (not the struct itself). */
void
report_result_clear(struct bench_result *r)
{
	if (r == NULL)
		return;
	free(r->name);
	r->name = NULL;
	free(r->command);
	r->command = NULL;
	reportp_strv_free(r->argv);
	r->argv = NULL;
	free(r->workdir);
	r->workdir = NULL;
	free(r->runs);
	r->runs = NULL;
	free(r->outliers);
	r->outliers = NULL;
	report_phases_clear(r);
	r->n_runs = 0;
	r->n_outliers = 0;
}

static void
env_clear(struct bench_env *e)
{
	free(e->hostname);
	e->hostname = NULL;
	free(e->os);
	e->os = NULL;
	free(e->kernel);
	e->kernel = NULL;
	free(e->arch);
	e->arch = NULL;
	free(e->cpu_model);
	e->cpu_model = NULL;
	free(e->governor);
	e->governor = NULL;
	free(e->rustc);
	e->rustc = NULL;
	free(e->rustc_verbose);
	e->rustc_verbose = NULL;
	free(e->cargo);
	e->cargo = NULL;
	free(e->git_commit);
	e->git_commit = NULL;
	reportp_strv_free(e->warnings);
	e->warnings = NULL;
}

void
report_baseline_free(struct baseline *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n_results; i++)
		report_result_clear(&b->results[i]);
	free(b->results);
	b->results = NULL;
	free(b->id);
	b->id = NULL;
	free(b->label);
	b->label = NULL;
	free(b->created);
	b->created = NULL;
	free(b->tool_version);
	b->tool_version = NULL;
	free(b->workspace);
	b->workspace = NULL;
	free(b->settings.prebuild);
	b->settings.prebuild = NULL;
	free(b->settings.phase_pattern);
	b->settings.phase_pattern = NULL;
	free(b->settings.phase_unit);
	b->settings.phase_unit = NULL;
	env_clear(&b->env);
	report_test_report_free(b->tests);
	b->tests = NULL;
	report_prof_section_free(b->profile);
	b->profile = NULL;
	free(b);
}

struct bench_result *
report_baseline_add_result(struct baseline *b)
{
	struct bench_result *r;
	size_t n = b->n_results;

	/*
	 * The capacity is n rounded up to a power of two: it doubles, so
	 * reading 20,000 results copies them a few times, not 20,000 times
	 * (an hour under ASan, whose realloc always copies).
	 */
	if ((n & (n - 1)) == 0)
		b->results = reportp_xreallocarray(
		    b->results, n == 0 ? 1 : 2 * n, sizeof(*b->results));
	r = &b->results[b->n_results++];
	memset(r, 0, sizeof(*r));
	r->stop = STOP_NONE;
	return r;
}

struct bench_result *
report_baseline_find(const struct baseline *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n_results; i++) {
		if (b->results[i].name != NULL &&
		    strcmp(b->results[i].name, name) == 0)
			return &b->results[i];
	}
	return NULL;
}

double
report_run_metric(const struct bench_run *r, enum bench_metric m)
{
	switch (m) {
	case METRIC_WALL:
		return r->wall;
	case METRIC_USER:
		return r->user;
	case METRIC_SYS:
		return r->sys;
	case METRIC_MAX_RSS:
		return (double)r->max_rss;
	case METRIC_COUNT:
		break;
	}
	return NAN;
}

int
report_run_failed(const struct bench_run *r)
{
	return r->exit_code != 0 || r->signal != 0 || r->timed_out;
}

int
report_result_compute(struct bench_result *r, double ci_level,
    double outlier_threshold, struct bench_error *err)
{
	double *x;
	size_t i;
	long n_out;
	int m, rc = BENCH_OK;

	free(r->outliers);
	r->outliers = NULL;
	r->n_outliers = 0;
	memset(r->st, 0, sizeof(r->st));
	if (r->n_runs == 0) {
		report_phases_compute(r);
		return BENCH_OK;
	}

	x = reportp_xreallocarray(NULL, r->n_runs, sizeof(*x));
	for (m = 0; m < METRIC_COUNT; m++) {
		for (i = 0; i < r->n_runs; i++)
			x[i] = report_run_metric(&r->runs[i], m);
		rc = stats_summarize(
		    x, r->n_runs, ci_level, outlier_threshold, &r->st[m], err);
		if (rc != BENCH_OK)
			goto out;
	}

	for (i = 0; i < r->n_runs; i++)
		x[i] = r->runs[i].wall;
	r->outliers =
	    reportp_xreallocarray(NULL, r->n_runs, sizeof(*r->outliers));
	n_out =
	    stats_outliers(x, r->n_runs, outlier_threshold, r->outliers, err);
	if (n_out < 0) {
		rc = (int)n_out;
		goto out;
	}
	r->n_outliers = (size_t)n_out;
	if (r->n_outliers == 0) {
		free(r->outliers);
		r->outliers = NULL;
	}
	report_phases_compute(r);
out:
	free(x);
	return rc;
}

double
report_result_slow_first(const struct bench_result *r)
{
	struct stats_summary rest;
	double *x, ratio = 0;
	size_t i;

	if (r->n_runs < 2)
		return 0;
	x = reportp_xreallocarray(NULL, r->n_runs - 1, sizeof(*x));
	for (i = 1; i < r->n_runs; i++)
		x[i - 1] = r->runs[i].wall;
	if (stats_summarize(x, r->n_runs - 1, 0.95, STATS_OUTLIER_THRESHOLD,
	        &rest, NULL) == BENCH_OK &&
	    rest.median > 0 && r->runs[0].wall > rest.max &&
	    r->runs[0].wall > REPORT_SLOW_FIRST * rest.median)
		ratio = r->runs[0].wall / rest.median;
	free(x);
	return ratio;
}

const char *
report_metric_name(enum bench_metric m)
{
	if (m < 0 || m >= METRIC_COUNT)
		return "?";
	return metric_names[m];
}

const char *
report_stop_name(enum bench_stop s)
{
	if ((int)s < 0 || (size_t)s >= sizeof(stop_names) / sizeof(*stop_names))
		return "none";
	return stop_names[s];
}

int
report_stop_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(stop_names) / sizeof(*stop_names); i++) {
		if (strcmp(s, stop_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
report_env_warn(struct bench_env *env, const char *text)
{
	reportp_strv_add(&env->warnings, text);
}
