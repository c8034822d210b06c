/*
 * profile.c: the profile's data: cargo's -Zbuild-analysis log, the split of
 * self-profile labels into frontend and backend, the cost skew, and the
 * table.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

#define MAX_UNITS 1000000

static void
free_costs(struct prof_cost *c, size_t n)
{
	size_t i;

	for (i = 0; c != NULL && i < n; i++)
		free(c[i].name);
	free(c);
}

void
report_unit_clear(struct prof_unit *u)
{
	if (u == NULL)
		return;
	free(u->package);
	free(u->key);
	free(u->crate_name);
	reportp_strv_free(u->crate_types);
	free(u->edition);
	reportp_strv_free(u->features);
	reportp_strv_free(u->externs);
	free(u->source);
	free(u->metadata);
	free(u->profile_file);
	free_costs(u->labels, u->n_labels);
	free_costs(u->items, u->n_items);
	memset(u, 0, sizeof(*u));
}

void
report_prof_section_free(struct prof_section *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_units; i++)
		report_unit_clear(&p->units[i]);
	free(p->units);
	free(p->pass1_command);
	free(p->pass2_command);
	free(p->extractor);
	free(p->work_dir);
	reportp_strv_free(p->failed);
	free(p);
}

/*
 * The backend: code generation, LLVM, linking and what prepares them
 * (partitioning mono items, symbol names, writing artifacts).  Everything
 * else (parsing, expansion, name resolution, type checking, borrow
 * checking, MIR building, metadata) is the frontend: what cargo's
 * pipelining waits for before the rmeta is ready.
 */
int
report_label_is_backend(const char *label)
{
	static const char *const prefixes[] = {"LLVM", "llvm", "codegen",
	    "link", "run_linker", "finish_ongoing_codegen",
	    "collect_and_partition_mono_items", "monomorphization",
	    "symbol_name", "exported_symbols", "write_allocator_module",
	    "copy_all_cgu_workproducts", "assert_module_sources", NULL};
	size_t i;

	for (i = 0; prefixes[i] != NULL; i++) {
		if (strncmp(label, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	}
	return 0;
}

static int
by_cost_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

void
report_prof_skew(
    double *costs, size_t n, double total, struct prof_skew out[PROF_SKEWS])
{
	static const double percents[PROF_SKEWS] = {1, 10};
	size_t i, k, of = 0;

	qsort(costs, n, sizeof(*costs), by_cost_desc);
	while (of < n && costs[of] > 0)
		of++;
	for (k = 0; k < PROF_SKEWS; k++) {
		struct prof_skew *s = &out[k];

		s->percent = percents[k];
		s->of = of;
		/* The top p % of m items: ceil(m p / 100), so that a unit
		   with fewer than 100 items still has a top 1 %. */
		s->n = (of * (size_t)percents[k] + 99) / 100;
		s->self = 0;
		for (i = 0; i < s->n; i++)
			s->self += costs[i];
		s->share = total > 0 ? s->self / total : NAN;
	}
}

void
reportp_unit_identity(json_t *o, const struct prof_unit *u)
{
	json_object_set_new(o, "package", reportp_jstr(u->package));
	if (u->key != NULL)
		json_object_set_new(o, "key", reportp_jstr(u->key));
	json_object_set_new(o, "crate_name", reportp_jstr(u->crate_name));
	json_object_set_new(o, "crate_types", reportp_jstrv(u->crate_types));
	json_object_set_new(o, "test", json_boolean(u->test));
	json_object_set_new(o, "edition", reportp_jstr(u->edition));
	json_object_set_new(o, "features", reportp_jstrv(u->features));
	json_object_set_new(o, "externs", reportp_jstrv(u->externs));
	json_object_set_new(o, "source", reportp_jstr(u->source));
	json_object_set_new(o, "metadata", reportp_jstr(u->metadata));
}

static char *
dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? reportp_xstrdup(json_string_value(v)) : NULL;
}

static double
get_real(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

void
report_cargo_timings_free(struct cargo_unit_time *t, size_t n)
{
	size_t i;

	for (i = 0; t != NULL && i < n; i++) {
		free(t[i].package_id);
		free(t[i].target_name);
		free(t[i].target_kind);
		free(t[i].mode);
	}
	free(t);
}

long
report_cargo_timings_parse(const char *text, size_t len,
    struct cargo_unit_time **out, struct bench_error *err)
{
	struct cargo_unit_time *t = NULL;
	size_t n = 0, cap = 0, pos = 0, ll;
	const char *line, *nl, *reason;
	json_t *o, *target, *idx;
	json_int_t i;

	(void)err;
	while (pos < len) {
		line = text + pos;
		nl = memchr(line, '\n', len - pos);
		ll = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += ll + (nl != NULL);
		o = json_loadb(line, ll, 0, NULL);
		reason = json_string_value(json_object_get(o, "reason"));
		idx = json_object_get(o, "index");
		if (reason == NULL || !json_is_integer(idx) ||
		    json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= MAX_UNITS) {
			json_decref(o);
			continue;
		}
		i = json_integer_value(idx);
		if (strcmp(reason, "unit-registered") == 0) {
			target = json_object_get(o, "target");
			if ((size_t)i >= cap) {
				size_t old = cap;

				cap = (size_t)i + 16 > 2 * cap ? (size_t)i + 16
				                               : 2 * cap;
				t = reportp_xreallocarray(t, cap, sizeof(*t));
				memset(t + old, 0, (cap - old) * sizeof(*t));
			}
			/* The first registration of an index with a package
			   counts; later ones and incomplete ones do not. */
			if (t[i].package_id == NULL &&
			    json_is_string(json_object_get(o, "package_id"))) {
				t[i].package_id = dup_str(o, "package_id");
				t[i].target_name = dup_str(target, "name");
				t[i].target_kind = dup_str(target, "kind");
				t[i].mode = dup_str(o, "mode");
				t[i].started = t[i].rmeta = t[i].finished = NAN;
			}
			if ((size_t)i + 1 > n)
				n = (size_t)i + 1;
		} else if ((size_t)i < n && t[i].package_id != NULL) {
			double e = get_real(o, "elapsed");

			if (strcmp(reason, "unit-started") == 0)
				t[i].started = e;
			else if (strcmp(reason, "unit-rmeta-finished") == 0)
				t[i].rmeta = e;
			else if (strcmp(reason, "unit-finished") == 0)
				t[i].finished = e;
		}
		json_decref(o);
	}
	/* Indexes never registered leave holes: fill them harmlessly. */
	for (pos = 0; pos < n; pos++) {
		if (t[pos].package_id == NULL) {
			t[pos].package_id = reportp_xstrdup("");
			t[pos].started = t[pos].rmeta = t[pos].finished = NAN;
		}
	}
	*out = t;
	return (long)n;
}

static int
by_frontend_desc(const void *a, const void *b)
{
	const struct prof_unit *x = *(const struct prof_unit *const *)a;
	const struct prof_unit *y = *(const struct prof_unit *const *)b;
	double fx = x->has_profile ? x->frontend : -1;
	double fy = y->has_profile ? y->frontend : -1;

	if (fx != fy)
		return (fx < fy) - (fx > fy);
	return (x->wall < y->wall) - (x->wall > y->wall);
}

static const char *
unit_label(const struct prof_unit *u, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", u->package,
	    u->key != NULL ? u->key : u->crate_name);
	return buf;
}

void
report_text_profile(FILE *f, const struct prof_section *p, size_t top,
    const struct report_style *st)
{
	const struct prof_unit **v;
	char name[256], a[32], b[32], c[32], d[32], r[16];
	double front = 0, back = 0, pw = 0, cw = 0, rmin = INFINITY, rmax = 0;
	size_t i, w = 4, n_ratio = 0;

	v = reportp_xcalloc(p->n_units + 1, sizeof(*v));
	for (i = 0; i < p->n_units; i++) {
		v[i] = &p->units[i];
		if (strlen(unit_label(v[i], name, sizeof(name))) > w)
			w = strlen(name);
		if (v[i]->has_profile) {
			front += v[i]->frontend;
			back += v[i]->backend;
		}
	}
	if (w > 48)
		w = 48;
	qsort(v, p->n_units, sizeof(*v), by_frontend_desc);
	fprintf(f, "%sProfile%s of the build: %zu workspace unit%s",
	    st->color ? "\033[1m" : "", st->color ? "\033[0m" : "", p->n_units,
	    p->n_units == 1 ? "" : "s");
	if (p->profiled && p->single_pass)
		fprintf(f, " (one pass, profiled and recorded: %s)\n",
		    report_fmt_time(a, sizeof(a), p->pass1_wall, 0, st));
	else if (p->profiled)
		fprintf(f, " (pass 1, profiled: %s; pass 2, extraction: %s)\n",
		    report_fmt_time(a, sizeof(a), p->pass1_wall, 0, st),
		    report_fmt_time(b, sizeof(b), p->pass2_wall, 0, st));
	else
		fprintf(f,
		    " (no profiling pass: --no-profile; extraction: "
		    "%s)\n",
		    report_fmt_time(b, sizeof(b), p->pass2_wall, 0, st));
	fprintf(f, "  %-*s %10s %6s %10s %10s %10s %6s  %s\n", (int)w, "unit",
	    "frontend", "share", "backend", "wall", "cargo", "ratio",
	    "top label");
	for (i = 0; i < p->n_units; i++) {
		const struct prof_unit *u = v[i];
		double ratio = NAN;

		unit_label(u, name, sizeof(name));
		if (!u->has_profile) {
			fprintf(f, "  %-*.*s %10s %6s %10s %10s %10s %6s  %s\n",
			    (int)w, (int)w, name, "-", "", "-",
			    report_fmt_time(a, sizeof(a), u->wall, 0, st), "",
			    "",
			    u->exit_code != 0 ? "failed to build"
			                      : "no profile data");
			continue;
		}
		if (isfinite(u->cargo_duration) && u->cargo_duration > 0) {
			ratio = u->prof_wall / u->cargo_duration;
			pw += u->prof_wall;
			cw += u->cargo_duration;
			rmin = fmin(rmin, ratio);
			rmax = fmax(rmax, ratio);
			n_ratio++;
		}
		if (i >= top)
			continue;
		snprintf(r, sizeof(r), "%.2f", ratio);
		fprintf(f, "  %-*.*s %10s %5.1f%% %10s %10s %10s %6s  %s\n",
		    (int)w, (int)w, name,
		    report_fmt_time(a, sizeof(a), u->frontend, 0, st),
		    front > 0 ? 100 * u->frontend / front : 0.0,
		    report_fmt_time(b, sizeof(b), u->backend, 0, st),
		    report_fmt_time(c, sizeof(c), u->prof_wall, 0, st),
		    report_fmt_time(d, sizeof(d), u->cargo_duration, 0, st),
		    isfinite(ratio) ? r : "",
		    u->n_labels > 0 ? u->labels[0].name : "");
	}
	if (p->n_units > top)
		fprintf(f, "  ... %zu more units (all in the baseline)\n",
		    p->n_units - top);
	fprintf(f, "  total: frontend %s, backend %s",
	    report_fmt_time(a, sizeof(a), front, 0, st),
	    report_fmt_time(b, sizeof(b), back, 0, st));
	if (p->deps_files > 0)
		fprintf(f,
		    "; %zu dependency profile%s (%s, not workspace "
		    "units)",
		    p->deps_files, p->deps_files == 1 ? "" : "s",
		    report_fmt_time(c, sizeof(c), p->deps_prof_wall, 0, st));
	fputc('\n', f);
	for (i = 0; p->has_skew && i < PROF_SKEWS; i++) {
		const struct prof_skew *k = &p->skew[i];

		fprintf(f,
		    "  top %g %% of items (%zu of %zu): %.1f %% of the "
		    "cost\n",
		    k->percent, k->n, k->of,
		    isfinite(k->share) ? 100 * k->share : 0.0);
	}
	if (n_ratio > 0)
		fprintf(f,
		    "  validation: profile wall / cargo's own timing: "
		    "%.2f in total, %.2f to %.2f per unit (%zu units)\n",
		    pw / cw, rmin, rmax, n_ratio);
	else if (p->profiled)
		fprintf(f, "  validation: cargo's own timing was not "
		           "available\n");
	for (i = 0; p->failed != NULL && p->failed[i] != NULL; i++)
		fprintf(f, "  failed to build: %s\n", p->failed[i]);
	fprintf(f, "%zu of %zu units (%.1f%%) missing profile data\n",
	    p->n_missing, p->n_units,
	    p->n_units > 0 ? 100.0 * (double)p->n_missing / (double)p->n_units
	                   : 0.0);
	free(v);
}

void
report_text_profile_summary(FILE *f, const struct prof_summary_view *v,
    size_t top, const struct report_style *st)
{
	char a[32], b[32];
	size_t i, w = 5;

	for (i = 0; i < v->n_rows && i < top; i++) {
		if (strlen(v->rows[i].label) > w)
			w = strlen(v->rows[i].label);
	}
	if (w > 60)
		w = 60;
	fprintf(f,
	    "%s%s%s: format v%u, crate %s, %llu events, wall %s, "
	    "cpu %s\n",
	    st->color ? "\033[1m" : "", v->file, st->color ? "\033[0m" : "",
	    v->version, v->crate != NULL ? v->crate : "unknown",
	    (unsigned long long)v->n_events,
	    report_fmt_time(a, sizeof(a), v->wall, 0, st),
	    report_fmt_time(b, sizeof(b), v->cpu, 0, st));
	if (v->partial != NULL)
		fprintf(f, "  partial: %s\n", v->partial);
	fprintf(f, "  %-*s %12s %8s %12s %10s %10s\n", (int)w, "Item",
	    "Self time", "% total", "Time", "Count", "Cache hits");
	for (i = 0; i < v->n_rows && i < top; i++) {
		const struct prof_summary_row *r = &v->rows[i];

		fprintf(f, "  %-*.*s %12s %7.2f%% %12s %10llu %10llu\n", (int)w,
		    (int)w, r->label,
		    report_fmt_time(a, sizeof(a), r->self, 0, st),
		    v->self > 0 ? 100 * r->self / v->self : 0.0,
		    report_fmt_time(b, sizeof(b), r->total, 0, st),
		    (unsigned long long)r->count,
		    (unsigned long long)r->cache_hits);
	}
	if (v->n_rows > top)
		fprintf(f,
		    "  ... %zu more labels (--top N, or --json for all)\n",
		    v->n_rows - top);
}

char *
report_profile_summary_json(
    const struct prof_summary_view *v, size_t n, struct bench_error *err)
{
	json_t *all = json_array(), *o, *rows, *r;
	size_t i, k;
	char *text;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "file", reportp_jstr(v[i].file));
		json_object_set_new(o, "version", json_integer(v[i].version));
		json_object_set_new(o, "crate", reportp_jstr(v[i].crate));
		json_object_set_new(o, "partial", reportp_jstr(v[i].partial));
		json_object_set_new(
		    o, "events", json_integer((json_int_t)v[i].n_events));
		json_object_set_new(o, "wall", reportp_jreal(v[i].wall));
		json_object_set_new(o, "cpu", reportp_jreal(v[i].cpu));
		json_object_set_new(o, "self", reportp_jreal(v[i].self));
		rows = json_array();
		for (k = 0; k < v[i].n_rows; k++) {
			const struct prof_summary_row *x = &v[i].rows[k];

			r = json_object();
			json_object_set_new(r, "label", reportp_jstr(x->label));
			json_object_set_new(r, "self", reportp_jreal(x->self));
			json_object_set_new(r, "percent",
			    reportp_jreal(
			        v[i].self > 0 ? 100 * x->self / v[i].self : 0));
			json_object_set_new(
			    r, "total", reportp_jreal(x->total));
			json_object_set_new(
			    r, "count", json_integer((json_int_t)x->count));
			json_object_set_new(r, "cache_hits",
			    json_integer((json_int_t)x->cache_hits));
			json_array_append_new(rows, r);
		}
		json_object_set_new(o, "labels", rows);
		json_array_append_new(all, o);
	}
	text = json_dumps(all, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(all);
	if (text == NULL)
		bench_error_set(
		    err, BENCH_ERR_NOMEM, "cannot serialise the summary");
	return text;
}
