/*
 * json-write.c: the baseline as a JSON document (reports/baseline-schema.md).
 *
 * Keys come out in the order the schema lists them (jansson keeps insertion
 * order).  Numbers that do not exist (the stddev of one run, say) are null,
 * as in hyperfine's export.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

static json_t *
jload(const double *l)
{
	json_t *a;
	int i;

	a = json_array();
	for (i = 0; i < 3; i++)
		json_array_append_new(a, reportp_jreal(l[i]));
	return a;
}

static json_t *
summary_json(const struct stats_summary *s)
{
	json_t *o;

	o = json_object();
	json_object_set_new(o, "n", json_integer((json_int_t)s->n));
	json_object_set_new(o, "mean", reportp_jreal(s->mean));
	json_object_set_new(o, "stddev", reportp_jreal(s->stddev));
	json_object_set_new(o, "median", reportp_jreal(s->median));
	json_object_set_new(o, "min", reportp_jreal(s->min));
	json_object_set_new(o, "max", reportp_jreal(s->max));
	json_object_set_new(o, "q1", reportp_jreal(s->q1));
	json_object_set_new(o, "q3", reportp_jreal(s->q3));
	json_object_set_new(o, "cv", reportp_jreal(s->cv));
	json_object_set_new(o, "sem", reportp_jreal(s->sem));
	json_object_set_new(o, "ci_level", reportp_jreal(s->ci_level));
	json_object_set_new(o, "ci_low", reportp_jreal(s->ci_low));
	json_object_set_new(o, "ci_high", reportp_jreal(s->ci_high));
	json_object_set_new(
	    o, "outliers", json_integer((json_int_t)s->n_outliers));
	return o;
}

static json_t *
run_json(const struct bench_run *r)
{
	json_t *o;

	o = json_object();
	json_object_set_new(o, "wall", reportp_jreal(r->wall));
	json_object_set_new(o, "user", reportp_jreal(r->user));
	json_object_set_new(o, "system", reportp_jreal(r->sys));
	json_object_set_new(o, "max_rss_byte", json_integer(r->max_rss));
	json_object_set_new(o, "minor_faults", json_integer(r->minor_faults));
	json_object_set_new(o, "major_faults", json_integer(r->major_faults));
	json_object_set_new(
	    o, "voluntary_switches", json_integer(r->vol_switches));
	json_object_set_new(
	    o, "involuntary_switches", json_integer(r->invol_switches));
	json_object_set_new(o, "block_input", json_integer(r->block_in));
	json_object_set_new(o, "block_output", json_integer(r->block_out));
	json_object_set_new(o, "exit_code",
	    r->signal != 0 ? json_null() : json_integer(r->exit_code));
	json_object_set_new(o, "signal",
	    r->signal != 0 ? json_integer(r->signal) : json_null());
	json_object_set_new(o, "timed_out", json_boolean(r->timed_out));
	return o;
}

/* The phases of a result, by name in their order (--phases). */
static json_t *
phases_json(const struct bench_result *r)
{
	const struct bench_phase *ph;
	json_t *o, *p, *a;
	size_t i, j;

	o = json_object();
	for (i = 0; i < r->n_phases; i++) {
		ph = &r->phases[i];
		p = json_object();
		json_object_set_new(p, "mean", reportp_jreal(ph->mean));
		json_object_set_new(p, "stddev", reportp_jreal(ph->stddev));
		a = json_array();
		for (j = 0; j < ph->n_per_run; j++)
			json_array_append_new(a, reportp_jreal(ph->per_run[j]));
		json_object_set_new(p, "per_run", a);
		json_object_set_new(
		    p, "count", json_integer((json_int_t)ph->count));
		json_object_set_new(o, ph->name, p);
	}
	return o;
}

static json_t *
result_json(const struct bench_result *r)
{
	json_t *o, *a, *st;
	size_t i;
	int m;

	o = json_object();
	json_object_set_new(o, "name", reportp_jstr(r->name));
	/* hyperfine's fields first, with hyperfine's meaning. */
	json_object_set_new(o, "command", reportp_jstr(r->command));
	json_object_set_new(o, "mean", reportp_jreal(r->st[METRIC_WALL].mean));
	json_object_set_new(
	    o, "stddev", reportp_jreal(r->st[METRIC_WALL].stddev));
	json_object_set_new(
	    o, "median", reportp_jreal(r->st[METRIC_WALL].median));
	json_object_set_new(o, "user", reportp_jreal(r->st[METRIC_USER].mean));
	json_object_set_new(o, "system", reportp_jreal(r->st[METRIC_SYS].mean));
	json_object_set_new(o, "min", reportp_jreal(r->st[METRIC_WALL].min));
	json_object_set_new(o, "max", reportp_jreal(r->st[METRIC_WALL].max));
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(a, reportp_jreal(r->runs[i].wall));
	json_object_set_new(o, "times", a);
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(
		    a, r->runs[i].signal != 0
		           ? json_null()
		           : json_integer(r->runs[i].exit_code));
	json_object_set_new(o, "exit_codes", a);
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(a, json_integer(r->runs[i].max_rss));
	json_object_set_new(o, "memory_usage_byte", a);

	/* Ours. */
	json_object_set_new(o, "argv", reportp_jstrv(r->argv));
	json_object_set_new(o, "workdir", reportp_jstr(r->workdir));
	json_object_set_new(
	    o, "warmup_runs", json_integer((json_int_t)r->warmup_runs));
	a = json_object();
	json_object_set_new(a, "converged", json_boolean(r->converged));
	json_object_set_new(
	    a, "stopped_by", json_string(report_stop_name(r->stop)));
	json_object_set_new(
	    a, "rule", json_string(r->ci_target > 0 ? "ci" : "cv"));
	json_object_set_new(a, "tolerance", reportp_jreal(r->cv_tolerance));
	json_object_set_new(a, "ci_target",
	    r->ci_target > 0 ? reportp_jreal(r->ci_target) : json_null());
	json_object_set_new(a, "cv", reportp_jreal(r->st[METRIC_WALL].cv));
	json_object_set_new(a, "runs", json_integer((json_int_t)r->n_runs));
	json_object_set_new(
	    a, "measure_seconds", reportp_jreal(r->measure_seconds));
	json_object_set_new(o, "convergence", a);
	st = json_object();
	for (m = 0; m < METRIC_COUNT; m++) {
		if (r->n_runs > 0)
			json_object_set_new(
			    st, report_metric_name(m), summary_json(&r->st[m]));
	}
	json_object_set_new(o, "statistics", st);
	a = json_array();
	for (i = 0; i < r->n_outliers; i++)
		json_array_append_new(
		    a, json_integer((json_int_t)r->outliers[i]));
	json_object_set_new(o, "outliers", a);
	json_object_set_new(
	    o, "harness_cpu_per_run", reportp_jreal(r->harness_cpu));
	if (r->has_phases) {
		json_object_set_new(o, "phases", phases_json(r));
		json_object_set_new(
		    o, "phase_coverage", reportp_jreal(r->phase_coverage));
	}
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(a, run_json(&r->runs[i]));
	json_object_set_new(o, "runs", a);
	return o;
}

static json_t *
env_json(const struct bench_env *e)
{
	json_t *o, *g;

	o = json_object();
	json_object_set_new(o, "hostname", reportp_jstr(e->hostname));
	json_object_set_new(o, "os", reportp_jstr(e->os));
	json_object_set_new(o, "kernel", reportp_jstr(e->kernel));
	json_object_set_new(o, "arch", reportp_jstr(e->arch));
	json_object_set_new(o, "cpu_model", reportp_jstr(e->cpu_model));
	json_object_set_new(o, "cpu_cores", json_integer(e->cpu_cores));
	json_object_set_new(o, "memory_bytes", json_integer(e->memory_bytes));
	json_object_set_new(o, "governor", reportp_jstr(e->governor));
	json_object_set_new(o, "load_before", jload(e->load_before));
	json_object_set_new(o, "load_after", jload(e->load_after));
	json_object_set_new(o, "rustc", reportp_jstr(e->rustc));
	json_object_set_new(o, "rustc_verbose", reportp_jstr(e->rustc_verbose));
	json_object_set_new(o, "cargo", reportp_jstr(e->cargo));
	if (e->git_commit != NULL) {
		g = json_object();
		json_object_set_new(g, "commit", json_string(e->git_commit));
		json_object_set_new(g, "dirty",
		    e->git_dirty < 0 ? json_null()
		                     : json_boolean(e->git_dirty));
		json_object_set_new(o, "git", g);
	} else
		json_object_set_new(o, "git", json_null());
	json_object_set_new(o, "warnings", reportp_jstrv(e->warnings));
	return o;
}

static json_t *
settings_json(const struct bench_settings *s)
{
	json_t *o;

	o = json_object();
	json_object_set_new(o, "warmup", json_integer((json_int_t)s->warmup));
	json_object_set_new(o, "runs", json_integer((json_int_t)s->runs));
	json_object_set_new(
	    o, "max_runs", json_integer((json_int_t)s->max_runs));
	json_object_set_new(o, "max_time",
	    s->max_time > 0 ? reportp_jreal(s->max_time) : json_null());
	json_object_set_new(o, "tolerance", reportp_jreal(s->tolerance));
	json_object_set_new(
	    o, "converge", json_string(s->ci_target > 0 ? "ci" : "cv"));
	json_object_set_new(o, "ci_target",
	    s->ci_target > 0 ? reportp_jreal(s->ci_target) : json_null());
	json_object_set_new(o, "timeout",
	    s->timeout > 0 ? reportp_jreal(s->timeout) : json_null());
	json_object_set_new(o, "ci_level", reportp_jreal(s->ci_level));
	json_object_set_new(
	    o, "outlier_threshold", reportp_jreal(s->outlier_threshold));
	json_object_set_new(o, "prebuild", reportp_jstr(s->prebuild));
	json_object_set_new(
	    o, "ignore_failure", json_boolean(s->ignore_failure));
	if (s->phases)
		json_object_set_new(o, "phases",
		    json_pack("{s:o, s:o}", "pattern",
		        reportp_jstr(s->phase_pattern), "unit",
		        reportp_jstr(s->phase_unit)));
	return o;
}

static json_t *
tests_json(const struct test_report *t)
{
	json_t *o, *bins, *b, *slow, *c;
	size_t i, j;

	o = json_object();
	json_object_set_new(o, "command", reportp_jstr(t->command));
	json_object_set_new(o, "exit_code", json_integer(t->exit_code));
	bins = json_array();
	for (i = 0; i < t->n_binaries; i++) {
		const struct test_binary *tb = &t->binaries[i];

		b = json_object();
		json_object_set_new(b, "name", reportp_jstr(tb->name));
		json_object_set_new(b, "source", reportp_jstr(tb->source));
		json_object_set_new(
		    b, "executable", reportp_jstr(tb->executable));
		json_object_set_new(b, "passed", json_integer(tb->passed));
		json_object_set_new(b, "failed", json_integer(tb->failed));
		json_object_set_new(b, "ignored", json_integer(tb->ignored));
		json_object_set_new(b, "measured", json_integer(tb->measured));
		json_object_set_new(
		    b, "filtered_out", json_integer(tb->filtered_out));
		json_object_set_new(
		    b, "exec_time", reportp_jreal(tb->exec_time));
		json_object_set_new(b, "finished", json_boolean(tb->finished));
		slow = json_array();
		for (j = 0; j < tb->n_slowest; j++) {
			c = json_object();
			json_object_set_new(
			    c, "name", reportp_jstr(tb->slowest[j].name));
			json_object_set_new(
			    c, "event", reportp_jstr(tb->slowest[j].event));
			json_object_set_new(c, "exec_time",
			    reportp_jreal(tb->slowest[j].exec_time));
			json_array_append_new(slow, c);
		}
		json_object_set_new(b, "slowest", slow);
		json_array_append_new(bins, b);
	}
	json_object_set_new(o, "binaries", bins);
	return o;
}

static json_t *
costs_json(const struct prof_cost *c, size_t n)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "name", reportp_jstr(c[i].name));
		json_object_set_new(o, "self", reportp_jreal(c[i].self));
		json_object_set_new(
		    o, "count", json_integer((json_int_t)c[i].count));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
skew_json(const struct prof_skew *k)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < PROF_SKEWS; i++) {
		o = json_object();
		json_object_set_new(o, "percent", reportp_jreal(k[i].percent));
		json_object_set_new(
		    o, "items", json_integer((json_int_t)k[i].n));
		json_object_set_new(o, "of", json_integer((json_int_t)k[i].of));
		json_object_set_new(o, "self", reportp_jreal(k[i].self));
		json_object_set_new(o, "share", reportp_jreal(k[i].share));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
unit_json(const struct prof_unit *u)
{
	json_t *o, *x;

	o = json_object();
	reportp_unit_identity(o, u);
	x = json_object();
	json_object_set_new(x, "wall", reportp_jreal(u->wall));
	json_object_set_new(x, "user", reportp_jreal(u->user));
	json_object_set_new(x, "system", reportp_jreal(u->sys));
	json_object_set_new(x, "exit_code", json_integer(u->exit_code));
	json_object_set_new(o, "extract", x);
	if (u->has_profile) {
		x = json_object();
		json_object_set_new(x, "file", reportp_jstr(u->profile_file));
		json_object_set_new(
		    x, "partial", json_boolean(u->profile_partial));
		json_object_set_new(x, "wall", reportp_jreal(u->prof_wall));
		json_object_set_new(x, "frontend", reportp_jreal(u->frontend));
		json_object_set_new(x, "backend", reportp_jreal(u->backend));
		json_object_set_new(x, "overhead", reportp_jreal(u->overhead));
		json_object_set_new(
		    x, "labels", costs_json(u->labels, u->n_labels));
		json_object_set_new(
		    x, "items", costs_json(u->items, u->n_items));
		json_object_set_new(x, "items_total",
		    json_integer((json_int_t)u->n_items_total));
		json_object_set_new(x, "skew",
		    u->skew[0].percent > 0 ? skew_json(u->skew) : json_null());
		json_object_set_new(o, "profile", x);
	} else
		json_object_set_new(o, "profile", json_null());
	if (isfinite(u->cargo_duration)) {
		x = json_object();
		json_object_set_new(
		    x, "duration", reportp_jreal(u->cargo_duration));
		json_object_set_new(
		    x, "frontend", reportp_jreal(u->cargo_frontend));
		json_object_set_new(o, "cargo", x);
	} else
		json_object_set_new(o, "cargo", json_null());
	return o;
}

static json_t *
profile_json(const struct prof_section *p)
{
	json_t *o, *x, *units;
	size_t i;

	o = json_object();
	json_object_set_new(o, "profiled", json_boolean(p->profiled));
	json_object_set_new(o, "single_pass", json_boolean(p->single_pass));
	x = json_object();
	json_object_set_new(x, "command", reportp_jstr(p->pass1_command));
	json_object_set_new(x, "wall",
	    p->profiled ? reportp_jreal(p->pass1_wall) : json_null());
	json_object_set_new(x, "status", json_integer(p->pass1_status));
	json_object_set_new(o, "pass1", x);
	if (p->single_pass)
		x = json_null();
	else {
		x = json_object();
		json_object_set_new(
		    x, "command", reportp_jstr(p->pass2_command));
		json_object_set_new(x, "wall", reportp_jreal(p->pass2_wall));
		json_object_set_new(x, "status", json_integer(p->pass2_status));
		json_object_set_new(x, "extractor", reportp_jstr(p->extractor));
	}
	json_object_set_new(o, "pass2", x);
	json_object_set_new(o, "work_dir", reportp_jstr(p->work_dir));
	json_object_set_new(
	    o, "missing", json_integer((json_int_t)p->n_missing));
	json_object_set_new(o, "failed", reportp_jstrv(p->failed));
	x = json_object();
	json_object_set_new(
	    x, "files", json_integer((json_int_t)p->deps_files));
	json_object_set_new(x, "wall", reportp_jreal(p->deps_prof_wall));
	json_object_set_new(x, "profiled", json_boolean(p->profile_deps));
	json_object_set_new(o, "dependencies", x);
	json_object_set_new(
	    o, "skew", p->has_skew ? skew_json(p->skew) : json_null());
	units = json_array();
	for (i = 0; i < p->n_units; i++)
		json_array_append_new(units, unit_json(&p->units[i]));
	json_object_set_new(o, "units", units);
	return o;
}

json_t *
reportp_baseline_json(const struct baseline *b)
{
	json_t *root, *tool, *results;
	size_t i;

	root = json_object();
	json_object_set_new(root, "schema", json_string(REPORT_SCHEMA_NAME));
	json_object_set_new(
	    root, "schema_version", json_integer(b->schema_version));
	json_object_set_new(root, "id", reportp_jstr(b->id));
	json_object_set_new(root, "label", reportp_jstr(b->label));
	json_object_set_new(root, "created", reportp_jstr(b->created));
	json_object_set_new(root, "complete", json_boolean(b->complete));
	tool = json_object();
	json_object_set_new(tool, "name", json_string("bench-tests"));
	json_object_set_new(tool, "version", reportp_jstr(b->tool_version));
	json_object_set_new(root, "tool", tool);
	json_object_set_new(root, "workspace", reportp_jstr(b->workspace));
	json_object_set_new(root, "settings", settings_json(&b->settings));
	json_object_set_new(root, "environment", env_json(&b->env));
	results = json_array();
	for (i = 0; i < b->n_results; i++)
		json_array_append_new(results, result_json(&b->results[i]));
	json_object_set_new(root, "results", results);
	if (b->tests != NULL)
		json_object_set_new(root, "tests", tests_json(b->tests));
	if (b->profile != NULL)
		json_object_set_new(root, "profile", profile_json(b->profile));
	return root;
}

char *
reportp_json_file_text(json_t *root)
{
	char *text;
	size_t i;

	text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	json_decref(root);
	if (text == NULL)
		return NULL;
	/* A text file ends in a newline. */
	i = strlen(text);
	text = reportp_xreallocarray(text, i + 2, 1);
	text[i] = '\n';
	text[i + 1] = '\0';
	return text;
}

char *
report_baseline_dump(const struct baseline *b, struct bench_error *err)
{
	char *text = reportp_json_file_text(reportp_baseline_json(b));

	if (text == NULL)
		bench_error_set(err, BENCH_ERR_NOMEM,
		    "cannot serialise the baseline (invalid UTF-8 in a "
		    "string?)");
	return text;
}
