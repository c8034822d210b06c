/*
 * json-read.c: parse and validate a baseline document.
 *
 * Everything that comes from a file or the network passes through here, so
 * every field is checked for presence and type, and the first problem is
 * reported with its path ("results[2].runs[0].wall: expected a number").
 * Statistics are recomputed from the runs, never trusted from the file.
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

/* Limits that keep a hostile document from costing unbounded work. */
#define MAX_RESULTS 100000
#define MAX_RUNS    1000000

struct rd {
	struct bench_error *err;
	char path[96];
	int failed;
};

static int
rd_fail(struct rd *rd, const char *key, const char *what)
{
	if (!rd->failed && rd->path[0] == '\0' && key == NULL)
		bench_error_set(rd->err, BENCH_ERR_INVALID, "%s", what);
	else if (!rd->failed)
		bench_error_set(rd->err, BENCH_ERR_INVALID, "%s%s%s: %s",
		    rd->path, rd->path[0] != '\0' && key != NULL ? "." : "",
		    key != NULL ? key : "", what);
	rd->failed = 1;
	return -1;
}

static json_t *
get(struct rd *rd, json_t *o, const char *key, int required)
{
	json_t *v;

	v = json_object_get(o, key);
	if (v == NULL && required)
		rd_fail(rd, key, "missing");
	return v;
}

/* A string field: NULL stays NULL when optional (absent or null). */
static int
get_str(struct rd *rd, json_t *o, const char *key, int required, char **out)
{
	json_t *v;

	v = get(rd, o, key, required);
	if (v == NULL || (json_is_null(v) && !required))
		return v == NULL && required ? -1 : 0;
	if (!json_is_string(v))
		return rd_fail(rd, key, "expected a string");
	*out = reportp_xstrdup(json_string_value(v));
	return 0;
}

static int
get_num(struct rd *rd, json_t *o, const char *key, int required, double *out)
{
	json_t *v;

	v = get(rd, o, key, required);
	if (v == NULL)
		return required ? -1 : 0;
	if (json_is_null(v)) {
		if (required)
			return rd_fail(rd, key, "expected a number, not null");
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return rd_fail(rd, key, "expected a number");
	*out = json_number_value(v);
	if (!isfinite(*out))
		return rd_fail(rd, key, "not a finite number");
	return 0;
}

static int
get_int(struct rd *rd, json_t *o, const char *key, int required, int64_t lo,
    int64_t hi, int64_t *out)
{
	json_t *v;

	v = get(rd, o, key, required);
	if (v == NULL)
		return required ? -1 : 0;
	if (json_is_null(v) && !required)
		return 0;
	if (!json_is_integer(v))
		return rd_fail(rd, key, "expected an integer");
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return rd_fail(rd, key, "out of range");
	*out = json_integer_value(v);
	return 0;
}

static int
get_bool(struct rd *rd, json_t *o, const char *key, int required, int *out)
{
	json_t *v;

	v = get(rd, o, key, required);
	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_boolean(v))
		return rd_fail(rd, key, "expected true or false");
	*out = json_is_true(v);
	return 0;
}

static int
get_strv(struct rd *rd, json_t *o, const char *key, char ***out)
{
	json_t *v, *e;
	size_t i;
	char **sv;

	v = get(rd, o, key, 0);
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return rd_fail(rd, key, "expected an array of strings");
	sv = reportp_xcalloc(json_array_size(v) + 1, sizeof(*sv));
	*out = sv;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e))
			return rd_fail(rd, key, "expected an array of strings");
		sv[i] = reportp_xstrdup(json_string_value(e));
	}
	return 0;
}

/* Append a component to the error path; returns the length to restore. */
static size_t path_push(struct rd *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t
path_push(struct rd *rd, const char *fmt, ...)
{
	size_t len = strlen(rd->path);
	va_list ap;

	if (len > 0 && len + 1 < sizeof(rd->path) && fmt[0] != '[')
		rd->path[len] = '.', rd->path[len + 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(rd->path + strlen(rd->path),
	    sizeof(rd->path) - strlen(rd->path), fmt, ap);
	va_end(ap);
	return len;
}

static void
path_pop(struct rd *rd, size_t saved)
{
	rd->path[saved] = '\0';
}

static int
read_run(struct rd *rd, json_t *o, struct bench_run *r)
{
	int64_t v;

	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	if (get_num(rd, o, "wall", 1, &r->wall) < 0 ||
	    get_num(rd, o, "user", 1, &r->user) < 0 ||
	    get_num(rd, o, "system", 1, &r->sys) < 0)
		return -1;
	if (r->wall < 0 || r->user < 0 || r->sys < 0)
		return rd_fail(rd, "wall", "negative time");
	v = 0;
	if (get_int(rd, o, "max_rss_byte", 0, 0, INT64_MAX, &v) < 0)
		return -1;
	r->max_rss = v;
#define OPT_COUNT(key, field)                                                  \
	do {                                                                   \
		v = 0;                                                         \
		if (get_int(rd, o, key, 0, 0, INT64_MAX, &v) < 0)              \
			return -1;                                             \
		r->field = v;                                                  \
	} while (0)
	OPT_COUNT("minor_faults", minor_faults);
	OPT_COUNT("major_faults", major_faults);
	OPT_COUNT("voluntary_switches", vol_switches);
	OPT_COUNT("involuntary_switches", invol_switches);
	OPT_COUNT("block_input", block_in);
	OPT_COUNT("block_output", block_out);
#undef OPT_COUNT
	v = 0;
	if (get_int(rd, o, "signal", 0, 0, 128, &v) < 0)
		return -1;
	r->signal = (int)v;
	v = r->signal != 0 ? -1 : 0;
	if (get_int(rd, o, "exit_code", 0, -1, 255, &v) < 0)
		return -1;
	r->exit_code = (int)v;
	return get_bool(rd, o, "timed_out", 0, &r->timed_out);
}

/*
 * The phases of a result (after its runs): every phase has a time per run,
 * each a finite number >= 0; mean and stddev are recomputed.
 */
static int
read_phases(struct rd *rd, json_t *o, struct bench_result *r)
{
	json_t *phases, *p, *a, *e;
	const char *name;
	struct bench_phase *ph;
	double cov = NAN;
	size_t saved, i;
	int64_t v;
	int rc = 0;

	phases = get(rd, o, "phases", 0);
	if (phases == NULL || json_is_null(phases))
		return 0;
	if (!json_is_object(phases))
		return rd_fail(rd, "phases", "expected an object");
	if (json_object_size(phases) > REPORT_PHASES_MAX)
		return rd_fail(rd, "phases", "too many phases");
	if (get_num(rd, o, "phase_coverage", 0, &cov) < 0)
		return -1;
	r->has_phases = 1;
	r->phases =
	    reportp_xcalloc(json_object_size(phases) + 1, sizeof(*r->phases));
	json_object_foreach(phases, name, p)
	{
		saved = path_push(rd, "phases");
		if (!report_phase_name_valid(name, strlen(name)))
			rc = rd_fail(rd, NULL,
			    "a phase name must be 1 to 200 bytes without "
			    "control characters");
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
		saved = path_push(rd, "phases[\"%.40s\"]", name);
		ph = &r->phases[r->n_phases++];
		ph->name = reportp_xstrdup(name);
		a = NULL;
		if (!json_is_object(p))
			rc = rd_fail(rd, NULL, "expected an object");
		else if ((a = get(rd, p, "per_run", 1)) == NULL)
			rc = -1;
		else if (!json_is_array(a) || json_array_size(a) != r->n_runs)
			rc = rd_fail(rd, "per_run",
			    "expected an array of a time per run");
		if (rc == 0) {
			ph->per_run = reportp_xcalloc(
			    r->n_runs + 1, sizeof(*ph->per_run));
			json_array_foreach(a, i, e)
			{
				if (!json_is_number(e) ||
				    !isfinite(json_number_value(e)) ||
				    json_number_value(e) < 0) {
					rc = rd_fail(rd, "per_run",
					    "expected times of 0 or more");
					break;
				}
				ph->per_run[ph->n_per_run++] =
				    json_number_value(e);
			}
		}
		v = 0;
		if (rc == 0 && get_int(rd, p, "count", 1, 0, INT64_MAX, &v) < 0)
			rc = -1;
		ph->count = (uint64_t)v;
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
read_result(struct rd *rd, json_t *o, struct bench_result *r)
{
	json_t *runs, *conv, *e;
	size_t i, saved;
	int64_t v;
	char *stop = NULL;
	int rc;

	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	if (get_str(rd, o, "command", 1, &r->command) < 0 ||
	    get_str(rd, o, "name", 0, &r->name) < 0 ||
	    get_str(rd, o, "workdir", 0, &r->workdir) < 0 ||
	    get_strv(rd, o, "argv", &r->argv) < 0)
		return -1;
	if (r->name == NULL)
		r->name = reportp_xstrdup(r->command);
	v = 0;
	if (get_int(rd, o, "warmup_runs", 0, 0, INT32_MAX, &v) < 0)
		return -1;
	r->warmup_runs = (size_t)v;
	if (get_num(rd, o, "harness_cpu_per_run", 0, &r->harness_cpu) < 0)
		return -1;

	runs = get(rd, o, "runs", 1);
	if (runs == NULL)
		return -1;
	if (!json_is_array(runs))
		return rd_fail(rd, "runs", "expected an array");
	if (json_array_size(runs) > MAX_RUNS)
		return rd_fail(rd, "runs", "too many runs");
	r->runs = reportp_xcalloc(json_array_size(runs), sizeof(*r->runs));
	json_array_foreach(runs, i, e)
	{
		saved = path_push(rd, "runs[%zu]", i);
		rc = read_run(rd, e, &r->runs[i]);
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
		r->n_runs++;
	}
	if (read_phases(rd, o, r) < 0)
		return -1;

	r->converged = 0;
	r->stop = STOP_NONE;
	r->cv_tolerance = NAN;
	r->ci_target = NAN;
	conv = get(rd, o, "convergence", 0);
	if (conv != NULL && !json_is_null(conv)) {
		if (!json_is_object(conv))
			return rd_fail(rd, "convergence", "expected an object");
		saved = path_push(rd, "convergence");
		rc = get_bool(rd, conv, "converged", 1, &r->converged);
		if (rc == 0)
			rc =
			    get_num(rd, conv, "tolerance", 0, &r->cv_tolerance);
		if (rc == 0)
			rc = get_num(rd, conv, "measure_seconds", 0,
			    &r->measure_seconds);
		if (rc == 0)
			rc = get_num(rd, conv, "ci_target", 0, &r->ci_target);
		if (rc == 0 && isfinite(r->ci_target) &&
		    !(r->ci_target > 0 && r->ci_target < 1))
			rc =
			    rd_fail(rd, "ci_target", "must be between 0 and 1");
		if (rc == 0)
			rc = get_str(rd, conv, "stopped_by", 0, &stop);
		if (rc == 0 && stop != NULL) {
			if (report_stop_parse(stop) < 0)
				rc = rd_fail(rd, "stopped_by", "unknown value");
			else
				r->stop =
				    (enum bench_stop)report_stop_parse(stop);
		}
		free(stop);
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
read_env(struct rd *rd, json_t *o, struct bench_env *e)
{
	json_t *g, *l;
	int64_t v;
	size_t i;
	int k;

	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	if (get_str(rd, o, "hostname", 0, &e->hostname) < 0 ||
	    get_str(rd, o, "os", 0, &e->os) < 0 ||
	    get_str(rd, o, "kernel", 0, &e->kernel) < 0 ||
	    get_str(rd, o, "arch", 0, &e->arch) < 0 ||
	    get_str(rd, o, "cpu_model", 0, &e->cpu_model) < 0 ||
	    get_str(rd, o, "governor", 0, &e->governor) < 0 ||
	    get_str(rd, o, "rustc", 0, &e->rustc) < 0 ||
	    get_str(rd, o, "rustc_verbose", 0, &e->rustc_verbose) < 0 ||
	    get_str(rd, o, "cargo", 0, &e->cargo) < 0 ||
	    get_strv(rd, o, "warnings", &e->warnings) < 0)
		return -1;
	v = 0;
	if (get_int(rd, o, "cpu_cores", 0, 0, INT32_MAX, &v) < 0)
		return -1;
	e->cpu_cores = (int)v;
	v = 0;
	if (get_int(rd, o, "memory_bytes", 0, 0, INT64_MAX, &v) < 0)
		return -1;
	e->memory_bytes = v;
	for (k = 0; k < 2; k++) {
		const char *key = k == 0 ? "load_before" : "load_after";
		double *dst = k == 0 ? e->load_before : e->load_after;
		json_t *x;

		dst[0] = dst[1] = dst[2] = NAN;
		l = get(rd, o, key, 0);
		if (l == NULL || json_is_null(l))
			continue;
		if (!json_is_array(l) || json_array_size(l) != 3)
			return rd_fail(
			    rd, key, "expected an array of 3 numbers");
		json_array_foreach(l, i, x)
		{
			if (json_is_number(x))
				dst[i] = json_number_value(x);
			else if (!json_is_null(x))
				return rd_fail(
				    rd, key, "expected an array of 3 numbers");
		}
	}
	g = get(rd, o, "git", 0);
	if (g != NULL && !json_is_null(g)) {
		json_t *d;

		if (!json_is_object(g))
			return rd_fail(rd, "git", "expected an object");
		if (get_str(rd, g, "commit", 0, &e->git_commit) < 0)
			return -1;
		d = json_object_get(g, "dirty");
		e->git_dirty = json_is_boolean(d) ? json_is_true(d) : -1;
	}
	return 0;
}

/* settings.phases: --phases' pattern and unit (absent without it). */
static int
read_phase_settings(struct rd *rd, json_t *o, struct bench_settings *s)
{
	json_t *ph = get(rd, o, "phases", 0);
	double unit;
	size_t saved;
	int rc;

	if (ph == NULL || json_is_null(ph))
		return 0;
	if (!json_is_object(ph))
		return rd_fail(rd, "phases", "expected an object");
	s->phases = 1;
	saved = path_push(rd, "phases");
	rc = get_str(rd, ph, "pattern", 0, &s->phase_pattern);
	if (rc == 0)
		rc = get_str(rd, ph, "unit", 0, &s->phase_unit);
	if (rc == 0 && s->phase_unit != NULL &&
	    report_phase_unit_parse(
	        s->phase_unit, strlen(s->phase_unit), &unit) < 0)
		rc = rd_fail(rd, "unit", "not s, ms, us, \xc2\xb5s or ns");
	path_pop(rd, saved);
	return rc;
}

static int
read_settings(struct rd *rd, json_t *o, struct bench_settings *s)
{
	int64_t v;

	s->ci_level = 0.95;
	s->outlier_threshold = STATS_OUTLIER_THRESHOLD;
	s->tolerance = 0.05;
	if (o == NULL || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	v = 0;
	if (get_int(rd, o, "warmup", 0, 0, INT32_MAX, &v) < 0)
		return -1;
	s->warmup = (size_t)v;
	v = 0;
	if (get_int(rd, o, "runs", 0, 0, INT32_MAX, &v) < 0)
		return -1;
	s->runs = (size_t)v;
	v = 0;
	if (get_int(rd, o, "max_runs", 0, 0, INT32_MAX, &v) < 0)
		return -1;
	s->max_runs = (size_t)v;
	if (get_num(rd, o, "max_time", 0, &s->max_time) < 0 ||
	    get_num(rd, o, "tolerance", 0, &s->tolerance) < 0 ||
	    get_num(rd, o, "ci_target", 0, &s->ci_target) < 0 ||
	    get_num(rd, o, "timeout", 0, &s->timeout) < 0 ||
	    get_num(rd, o, "ci_level", 0, &s->ci_level) < 0 ||
	    get_num(rd, o, "outlier_threshold", 0, &s->outlier_threshold) < 0 ||
	    get_str(rd, o, "prebuild", 0, &s->prebuild) < 0 ||
	    get_bool(rd, o, "ignore_failure", 0, &s->ignore_failure) < 0)
		return -1;
	if (read_phase_settings(rd, o, s) < 0)
		return -1;
	if (isnan(s->max_time))
		s->max_time = 0;
	if (isnan(s->timeout))
		s->timeout = 0;
	if (isnan(s->ci_target))
		s->ci_target = 0;
	if (!(s->ci_target >= 0 && s->ci_target < 1))
		return rd_fail(rd, "ci_target", "must be between 0 and 1");
	if (!(s->ci_level > 0 && s->ci_level < 1))
		return rd_fail(rd, "ci_level", "must be between 0 and 1");
	if (!(s->outlier_threshold > 0))
		return rd_fail(rd, "outlier_threshold", "must be positive");
	return 0;
}

/* A result's name and its index, to find duplicate names by sorting. */
struct name_ref {
	const char *name;
	size_t index;
};

static int
name_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The index of the first result whose name an earlier result has, or
 * b->n_results.  Sorting, not comparing every pair: a document may hold
 * MAX_RESULTS results.
 */
static size_t
first_duplicate(const struct baseline *b)
{
	struct name_ref *refs;
	size_t i, dup = b->n_results;

	refs = reportp_xcalloc(b->n_results, sizeof(*refs));
	for (i = 0; i < b->n_results; i++) {
		refs[i].name = b->results[i].name;
		refs[i].index = i;
	}
	qsort(refs, b->n_results, sizeof(*refs), name_ref_cmp);
	for (i = 1; i < b->n_results; i++) {
		if (strcmp(refs[i - 1].name, refs[i].name) == 0 &&
		    refs[i].index < dup)
			dup = refs[i].index;
	}
	free(refs);
	return dup;
}

static int
read_tests(struct rd *rd, json_t *o, struct test_report *t)
{
	json_t *bins, *e, *slow, *c;
	size_t i, j, saved;
	int64_t v;

	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	if (get_str(rd, o, "command", 0, &t->command) < 0)
		return -1;
	v = 0;
	if (get_int(rd, o, "exit_code", 0, -1, 255, &v) < 0)
		return -1;
	t->exit_code = (int)v;
	bins = get(rd, o, "binaries", 1);
	if (bins == NULL)
		return -1;
	if (!json_is_array(bins) || json_array_size(bins) > MAX_RESULTS)
		return rd_fail(rd, "binaries", "expected an array");
	t->binaries =
	    reportp_xcalloc(json_array_size(bins), sizeof(*t->binaries));
	json_array_foreach(bins, i, e)
	{
		struct test_binary *b = &t->binaries[i];

		saved = path_push(rd, "binaries[%zu]", i);
		t->n_binaries++;
		b->exec_time = NAN;
		if (!json_is_object(e))
			return rd_fail(rd, NULL, "expected an object");
		if (get_str(rd, e, "name", 1, &b->name) < 0 ||
		    get_str(rd, e, "source", 0, &b->source) < 0 ||
		    get_str(rd, e, "executable", 0, &b->executable) < 0 ||
		    get_int(rd, e, "passed", 0, 0, INT64_MAX, &b->passed) < 0 ||
		    get_int(rd, e, "failed", 0, 0, INT64_MAX, &b->failed) < 0 ||
		    get_int(rd, e, "ignored", 0, 0, INT64_MAX, &b->ignored) <
		        0 ||
		    get_int(rd, e, "measured", 0, 0, INT64_MAX, &b->measured) <
		        0 ||
		    get_int(rd, e, "filtered_out", 0, 0, INT64_MAX,
		        &b->filtered_out) < 0 ||
		    get_num(rd, e, "exec_time", 0, &b->exec_time) < 0 ||
		    get_bool(rd, e, "finished", 0, &b->finished) < 0)
			return -1;
		slow = get(rd, e, "slowest", 0);
		if (slow != NULL && !json_is_null(slow)) {
			if (!json_is_array(slow) ||
			    json_array_size(slow) > MAX_RUNS)
				return rd_fail(
				    rd, "slowest", "expected an array");
			b->slowest = reportp_xcalloc(
			    json_array_size(slow), sizeof(*b->slowest));
			json_array_foreach(slow, j, c)
			{
				struct test_case *tc = &b->slowest[j];

				b->n_slowest++;
				tc->exec_time = NAN;
				if (!json_is_object(c))
					return rd_fail(
					    rd, "slowest", "expected objects");
				if (get_str(rd, c, "name", 1, &tc->name) < 0 ||
				    get_str(rd, c, "event", 0, &tc->event) <
				        0 ||
				    get_num(rd, c, "exec_time", 0,
				        &tc->exec_time) < 0)
					return -1;
				if (tc->event == NULL)
					tc->event = reportp_xstrdup("ok");
			}
		}
		path_pop(rd, saved);
	}
	return 0;
}

static int
read_costs(struct rd *rd, json_t *o, const char *key, struct prof_cost **out,
    size_t *n)
{
	json_t *a = get(rd, o, key, 0), *e;
	size_t i;
	int64_t count;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > MAX_RUNS)
		return rd_fail(rd, key, "expected an array");
	*out = reportp_xcalloc(json_array_size(a), sizeof(**out));
	json_array_foreach(a, i, e)
	{
		struct prof_cost *c = &(*out)[i];

		(*n)++;
		if (!json_is_object(e))
			return rd_fail(rd, key, "expected objects");
		c->self = NAN;
		count = 0;
		if (get_str(rd, e, "name", 1, &c->name) < 0 ||
		    get_num(rd, e, "self", 0, &c->self) < 0 ||
		    get_int(rd, e, "count", 0, 0, INT64_MAX, &count) < 0)
			return -1;
		c->count = (uint64_t)count;
	}
	return 0;
}

/* A skew (top 1 %, top 10 %): absent or null leaves it unset. */
static int
read_skew(struct rd *rd, json_t *o, struct prof_skew *k, int *set)
{
	json_t *a = get(rd, o, "skew", 0), *e;
	size_t i;
	int64_t n, of;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) != PROF_SKEWS)
		return rd_fail(rd, "skew", "expected an array of two objects");
	json_array_foreach(a, i, e)
	{
		if (!json_is_object(e))
			return rd_fail(rd, "skew", "expected objects");
		n = of = 0;
		k[i].share = NAN;
		if (get_num(rd, e, "percent", 1, &k[i].percent) < 0 ||
		    get_int(rd, e, "items", 1, 0, INT64_MAX, &n) < 0 ||
		    get_int(rd, e, "of", 1, 0, INT64_MAX, &of) < 0 ||
		    get_num(rd, e, "self", 1, &k[i].self) < 0 ||
		    get_num(rd, e, "share", 0, &k[i].share) < 0)
			return -1;
		if (!(k[i].percent > 0 && k[i].percent <= 100) || n > of)
			return rd_fail(rd, "skew", "out of range");
		k[i].n = (size_t)n;
		k[i].of = (size_t)of;
	}
	if (set != NULL)
		*set = 1;
	return 0;
}

static int
read_unit(struct rd *rd, json_t *o, struct prof_unit *u)
{
	json_t *x;
	int64_t v;

	u->cargo_duration = u->cargo_frontend = NAN;
	u->wall = u->user = u->sys = NAN;
	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	if (get_str(rd, o, "package", 1, &u->package) < 0 ||
	    get_str(rd, o, "key", 0, &u->key) < 0 ||
	    get_str(rd, o, "crate_name", 1, &u->crate_name) < 0 ||
	    get_strv(rd, o, "crate_types", &u->crate_types) < 0 ||
	    get_bool(rd, o, "test", 0, &u->test) < 0 ||
	    get_str(rd, o, "edition", 0, &u->edition) < 0 ||
	    get_strv(rd, o, "features", &u->features) < 0 ||
	    get_strv(rd, o, "externs", &u->externs) < 0 ||
	    get_str(rd, o, "source", 0, &u->source) < 0 ||
	    get_str(rd, o, "metadata", 0, &u->metadata) < 0)
		return -1;
	x = get(rd, o, "extract", 0);
	if (json_is_object(x)) {
		v = 0;
		if (get_num(rd, x, "wall", 0, &u->wall) < 0 ||
		    get_num(rd, x, "user", 0, &u->user) < 0 ||
		    get_num(rd, x, "system", 0, &u->sys) < 0 ||
		    get_int(rd, x, "exit_code", 0, -1, 255, &v) < 0)
			return -1;
		u->exit_code = (int)v;
	}
	x = get(rd, o, "profile", 0);
	if (json_is_object(x)) {
		int64_t total = 0;

		u->has_profile = 1;
		u->prof_wall = u->frontend = u->backend = u->overhead = NAN;
		if (get_str(rd, x, "file", 0, &u->profile_file) < 0 ||
		    get_bool(rd, x, "partial", 0, &u->profile_partial) < 0 ||
		    get_num(rd, x, "wall", 0, &u->prof_wall) < 0 ||
		    get_num(rd, x, "frontend", 0, &u->frontend) < 0 ||
		    get_num(rd, x, "backend", 0, &u->backend) < 0 ||
		    get_num(rd, x, "overhead", 0, &u->overhead) < 0 ||
		    read_costs(rd, x, "labels", &u->labels, &u->n_labels) < 0 ||
		    read_costs(rd, x, "items", &u->items, &u->n_items) < 0 ||
		    get_int(rd, x, "items_total", 0, 0, INT64_MAX, &total) <
		        0 ||
		    read_skew(rd, x, u->skew, NULL) < 0)
			return -1;
		u->n_items_total = (size_t)total;
	} else if (x != NULL && !json_is_null(x))
		return rd_fail(rd, "profile", "expected an object or null");
	x = get(rd, o, "cargo", 0);
	if (json_is_object(x) &&
	    (get_num(rd, x, "duration", 0, &u->cargo_duration) < 0 ||
	        get_num(rd, x, "frontend", 0, &u->cargo_frontend) < 0))
		return -1;
	return 0;
}

static int
read_profile(struct rd *rd, json_t *o, struct prof_section *p)
{
	json_t *x, *units, *e;
	size_t i, saved;
	int64_t v;

	if (!json_is_object(o))
		return rd_fail(rd, NULL, "expected an object");
	if (get_bool(rd, o, "profiled", 0, &p->profiled) < 0 ||
	    get_bool(rd, o, "single_pass", 0, &p->single_pass) < 0 ||
	    read_skew(rd, o, p->skew, &p->has_skew) < 0 ||
	    get_str(rd, o, "work_dir", 0, &p->work_dir) < 0 ||
	    get_strv(rd, o, "failed", &p->failed) < 0)
		return -1;
	x = get(rd, o, "pass1", 0);
	if (json_is_object(x)) {
		v = 0;
		if (get_str(rd, x, "command", 0, &p->pass1_command) < 0 ||
		    get_num(rd, x, "wall", 0, &p->pass1_wall) < 0 ||
		    get_int(rd, x, "status", 0, -1, 255, &v) < 0)
			return -1;
		p->pass1_status = (int)v;
	}
	x = get(rd, o, "pass2", 0);
	if (json_is_object(x)) {
		v = 0;
		if (get_str(rd, x, "command", 0, &p->pass2_command) < 0 ||
		    get_num(rd, x, "wall", 0, &p->pass2_wall) < 0 ||
		    get_int(rd, x, "status", 0, -1, 255, &v) < 0 ||
		    get_str(rd, x, "extractor", 0, &p->extractor) < 0)
			return -1;
		p->pass2_status = (int)v;
	}
	x = get(rd, o, "dependencies", 0);
	if (json_is_object(x)) {
		v = 0;
		if (get_int(rd, x, "files", 0, 0, INT64_MAX, &v) < 0 ||
		    get_num(rd, x, "wall", 0, &p->deps_prof_wall) < 0 ||
		    get_bool(rd, x, "profiled", 0, &p->profile_deps) < 0)
			return -1;
		p->deps_files = (size_t)v;
	}
	units = get(rd, o, "units", 1);
	if (units == NULL)
		return -1;
	if (!json_is_array(units) || json_array_size(units) > MAX_RESULTS)
		return rd_fail(rd, "units", "expected an array");
	p->units = reportp_xcalloc(json_array_size(units), sizeof(*p->units));
	json_array_foreach(units, i, e)
	{
		saved = path_push(rd, "units[%zu]", i);
		p->n_units++;
		if (read_unit(rd, e, &p->units[i]) < 0)
			return -1;
		if (!p->units[i].has_profile)
			p->n_missing++;
		path_pop(rd, saved);
	}
	return 0;
}

static int
read_baseline(struct rd *rd, json_t *root, struct baseline *b)
{
	json_t *v, *results, *e;
	size_t i, j, saved;
	int64_t ver;
	int rc;

	if (!json_is_object(root))
		return rd_fail(rd, NULL,
		    "not a bench-tests baseline "
		    "(the document is not a JSON object)");
	v = json_object_get(root, "schema");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), REPORT_SCHEMA_NAME) != 0) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "bench-tests/ab") == 0)
			return rd_fail(rd, NULL,
			    "an ab result, not a baseline: it holds one per "
			    "side, e.g. jq .baselines.head FILE > head.json");
		if (json_object_get(root, "results") != NULL)
			return rd_fail(rd, NULL,
			    "not a bench-tests baseline (no \"schema\": "
			    "\"" REPORT_SCHEMA_NAME "\"; a hyperfine export?)");
		return rd_fail(rd, NULL,
		    "not a bench-tests baseline (no "
		    "\"schema\": \"" REPORT_SCHEMA_NAME "\")");
	}
	ver = 0;
	if (get_int(rd, root, "schema_version", 1, 1, INT32_MAX, &ver) < 0)
		return -1;
	if (ver > REPORT_SCHEMA_VERSION) {
		bench_error_set(rd->err, BENCH_ERR_VERSION,
		    "baseline schema version %lld is newer than this "
		    "bench-tests understands (%d): upgrade bench-tests",
		    (long long)ver, REPORT_SCHEMA_VERSION);
		rd->failed = 1;
		return -1;
	}
	b->schema_version = (int)ver;
	if (get_str(rd, root, "id", 0, &b->id) < 0 ||
	    get_str(rd, root, "label", 0, &b->label) < 0 ||
	    get_str(rd, root, "created", 0, &b->created) < 0 ||
	    get_str(rd, root, "workspace", 0, &b->workspace) < 0 ||
	    get_bool(rd, root, "complete", 0, &b->complete) < 0)
		return -1;
	v = json_object_get(root, "tool");
	if (json_is_object(v) && json_is_string(json_object_get(v, "version")))
		b->tool_version = reportp_xstrdup(
		    json_string_value(json_object_get(v, "version")));

	saved = path_push(rd, "settings");
	rc = read_settings(rd, json_object_get(root, "settings"), &b->settings);
	path_pop(rd, saved);
	if (rc < 0)
		return -1;
	v = json_object_get(root, "environment");
	if (v != NULL && !json_is_null(v)) {
		saved = path_push(rd, "environment");
		rc = read_env(rd, v, &b->env);
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
	}

	v = json_object_get(root, "tests");
	if (v != NULL && !json_is_null(v)) {
		b->tests = reportp_xcalloc(1, sizeof(*b->tests));
		saved = path_push(rd, "tests");
		rc = read_tests(rd, v, b->tests);
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
	}

	v = json_object_get(root, "profile");
	if (v != NULL && !json_is_null(v)) {
		b->profile = reportp_xcalloc(1, sizeof(*b->profile));
		saved = path_push(rd, "profile");
		rc = read_profile(rd, v, b->profile);
		path_pop(rd, saved);
		if (rc < 0)
			return -1;
	}

	results = get(rd, root, "results", 1);
	if (results == NULL)
		return -1;
	if (!json_is_array(results))
		return rd_fail(rd, "results", "expected an array");
	if (json_array_size(results) > MAX_RESULTS)
		return rd_fail(rd, "results", "too many results");
	/* The schema requires a benchmark; a profile's baseline has none. */
	if (json_array_size(results) == 0 && b->profile == NULL)
		return rd_fail(rd, "results",
		    "empty (a baseline holds at least one benchmark, or a "
		    "profile)");
	json_array_foreach(results, i, e)
	{
		struct bench_result *r;

		r = report_baseline_add_result(b);
		snprintf(rd->path, sizeof(rd->path), "results[%zu]", i);
		rc = read_result(rd, e, r);
		if (rc == 0 &&
		    report_result_compute(r, b->settings.ci_level,
		        b->settings.outlier_threshold, rd->err) != 0) {
			rd->failed = 1;
			rc = -1;
		}
		rd->path[0] = '\0';
		if (rc < 0)
			return -1;
	}
	j = first_duplicate(b);
	if (j < b->n_results) {
		snprintf(rd->path, sizeof(rd->path), "results[%zu]", j);
		return rd_fail(rd, "name", "duplicate benchmark name");
	}
	return 0;
}

struct baseline *
report_baseline_parse(const char *text, size_t len, struct bench_error *err)
{
	json_t *root;
	json_error_t jerr;
	struct baseline *b;
	struct rd rd;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		/*
		 * Cut short: jansson says so at the end of a string or a
		 * structure, but a cut inside a number or a keyword ("0.",
		 * "tru") is an invalid token at the very end of the text.
		 */
		int code = json_error_code(&jerr) ==
		                       json_error_premature_end_of_input ||
		                   (json_error_code(&jerr) ==
		                           json_error_invalid_syntax &&
		                       (size_t)jerr.position >= len)
		               ? BENCH_ERR_TRUNCATED
		               : BENCH_ERR_INVALID;

		bench_error_set(err, code, "%s at line %d, column %d%s",
		    jerr.text, jerr.line, jerr.column,
		    code == BENCH_ERR_TRUNCATED ? " (truncated file?)" : "");
		return NULL;
	}
	memset(&rd, 0, sizeof(rd));
	rd.err = err;
	b = report_baseline_create();
	/* A problem recorded on a path that went on is a failure too. */
	if (read_baseline(&rd, root, b) < 0 || rd.failed) {
		report_baseline_free(b);
		b = NULL;
	}
	json_decref(root);
	return b;
}
