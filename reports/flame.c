/*
 * flame.c: bench-tests flame's report.json (reports/flame-schema.md) and
 * the same as a text report, from the struct flame_report that the flame
 * library (src/flame/) fills.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "flame/flame.h"
#include "report.h"
#include "reports-int.h"

/*
 * Programs in the text report: a suite whose tests build and run binaries
 * of their own can have a program per test; report.json has them all.
 */
#define TEXT_PROGRAMS 25

static json_t *
count(uint64_t n)
{
	return json_integer(n > INT64_MAX ? INT64_MAX : (json_int_t)n);
}

static json_t *
functions_json(const struct flame_function *v, size_t n)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "name", reportp_jstr(v[i].name));
		json_object_set_new(
		    o, "self_pct", reportp_jreal(v[i].self_pct));
		json_object_set_new(
		    o, "total_pct", reportp_jreal(v[i].total_pct));
		json_object_set_new(
		    o, "self_samples", count(v[i].self_samples));
		json_object_set_new(
		    o, "total_samples", count(v[i].total_samples));
		json_object_set_new(o, "program", reportp_jstr(v[i].program));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
programs_json(const struct flame_report *r)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < r->n_programs; i++) {
		const struct flame_program *p = &r->programs[i];

		o = json_object();
		json_object_set_new(o, "name", reportp_jstr(p->name));
		json_object_set_new(o, "processes", count(p->processes));
		json_object_set_new(o, "samples", count(p->samples));
		json_object_set_new(o, "cpu_s", reportp_jreal(p->cpu_s));
		json_object_set_new(o, "alive_s", reportp_jreal(p->alive_s));
		json_object_set_new(o, "share", reportp_jreal(p->share));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
categories_json(const struct flame_report *r)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < r->n_categories; i++) {
		const struct flame_share *s = &r->categories[i];

		o = json_object();
		json_object_set_new(o, "name", reportp_jstr(s->name));
		json_object_set_new(o, "samples", count(s->samples));
		json_object_set_new(
		    o, "total_pct", reportp_jreal(s->total_pct));
		json_object_set_new(o, "self_samples", count(s->self_samples));
		json_object_set_new(o, "self_pct", reportp_jreal(s->self_pct));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
runs_json(const struct flame_report *r)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < r->n_runs; i++) {
		const struct flame_run *u = &r->runs[i];

		o = json_object();
		json_object_set_new(o, "wall", reportp_jreal(u->wall));
		json_object_set_new(o, "exit_code",
		    u->signal != 0 ? json_null() : json_integer(u->exit_code));
		json_object_set_new(o, "signal",
		    u->signal != 0 ? json_integer(u->signal) : json_null());
		json_object_set_new(o, "timed_out", json_boolean(u->timed_out));
		json_array_append_new(a, o);
	}
	return a;
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

char *
report_flame_json(const struct flame_report *r, struct bench_error *err)
{
	json_t *root, *tool, *settings, *timings;
	char *text;
	size_t n;

	root = json_object();
	json_object_set_new(root, "schema", json_string(REPORT_FLAME_SCHEMA));
	json_object_set_new(
	    root, "schema_version", json_integer(REPORT_FLAME_VERSION));
	json_object_set_new(root, "created", reportp_jstr(r->created));
	tool = json_object();
	json_object_set_new(tool, "name", json_string("bench-tests"));
	json_object_set_new(tool, "version", reportp_jstr(r->tool_version));
	json_object_set_new(root, "tool", tool);
	json_object_set_new(root, "command", reportp_jstr(r->command));
	json_object_set_new(root, "argv", reportp_jstrv(r->argv));
	json_object_set_new(root, "workspace", reportp_jstr(r->workspace));
	settings = json_object();
	json_object_set_new(settings, "event", reportp_jstr(r->event));
	json_object_set_new(settings, "frequency", json_integer(r->frequency));
	json_object_set_new(
	    settings, "call_graph", reportp_jstr(r->call_graph));
	json_object_set_new(
	    settings, "runs", json_integer((json_int_t)r->n_runs));
	json_object_set_new(root, "settings", settings);
	json_object_set_new(root, "runs", runs_json(r));
	timings = json_object();
	json_object_set_new(timings, "record_s", reportp_jreal(r->record_s));
	json_object_set_new(timings, "script_s", reportp_jreal(r->script_s));
	json_object_set_new(timings, "report_s", reportp_jreal(r->report_s));
	json_object_set_new(root, "timings", timings);
	json_object_set_new(root, "samples", count(r->samples));
	json_object_set_new(root, "cpu_s", reportp_jreal(r->cpu_s));
	json_object_set_new(root, "user_samples", count(r->user_samples));
	json_object_set_new(root, "kernel_samples", count(r->kernel_samples));
	json_object_set_new(
	    root, "user_pct", reportp_jreal(pct(r->user_samples, r->samples)));
	json_object_set_new(root, "kernel_pct",
	    reportp_jreal(pct(r->kernel_samples, r->samples)));
	json_object_set_new(
	    root, "kernel_sampled", json_boolean(!r->user_only));
	json_object_set_new(root, "skipped_lines", count(r->skipped_lines));
	json_object_set_new(root, "programs", programs_json(r));
	json_object_set_new(
	    root, "functions", functions_json(r->functions, r->n_functions));
	json_object_set_new(root, "kernel_functions",
	    functions_json(r->kernel_functions, r->n_kernel_functions));
	json_object_set_new(root, "categories", categories_json(r));
	json_object_set_new(root, "warnings", reportp_jstrv(r->warnings));

	text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	json_decref(root);
	if (text == NULL) {
		bench_error_set(
		    err, BENCH_ERR_NOMEM, "cannot serialise the flame report");
		return NULL;
	}
	n = strlen(text);
	text = reportp_xreallocarray(text, n + 2, 1);
	text[n] = '\n';
	text[n + 1] = '\0';
	return text;
}

/* A column's width w, widened for s up to hi columns. */
static int
widen(int w, const char *s, int hi)
{
	size_t len = strlen(s);

	if ((int)len > w)
		w = len > (size_t)hi ? hi : (int)len;
	return w;
}

/* s cut to width columns, with ".." when it was longer (caller's buf). */
static const char *
cut(char *buf, size_t size, const char *s, int width)
{
	size_t len = strlen(s);

	if ((int)len <= width || width < 3)
		return s;
	snprintf(buf, size, "%.*s..", width - 2, s);
	return buf;
}

static void
functions_text(FILE *f, const char *title, const struct flame_function *v,
    size_t n, const struct report_style *st)
{
	char buf[512];
	size_t i;
	int w = 8;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		w = widen(w, v[i].name, 64);
	fprintf(f, "\n%s%s%s\n  %-*s %7s %7s  %s\n", st->color ? "\033[1m" : "",
	    title, st->color ? "\033[0m" : "", w, "function", "self", "total",
	    "program");
	for (i = 0; i < n; i++)
		fprintf(f, "  %-*s %6.1f%% %6.1f%%  %s\n", w,
		    cut(buf, sizeof(buf), v[i].name, w), v[i].self_pct,
		    v[i].total_pct, v[i].program != NULL ? v[i].program : "-");
}

void
report_text_flame(
    FILE *f, const struct flame_report *r, const struct report_style *st)
{
	char a[32], b[32], buf[512];
	const char *bold = st->color ? "\033[1m" : "",
	           *reset = st->color ? "\033[0m" : "";
	double wall = 0;
	size_t i;
	int w;

	for (i = 0; i < r->n_runs; i++)
		wall += r->runs[i].wall;
	fprintf(f, "%sFlame%s of %s: %zu recorded run%s, %s\n", bold, reset,
	    r->command != NULL ? r->command : "?", r->n_runs,
	    r->n_runs == 1 ? "" : "s",
	    report_fmt_time(a, sizeof(a), wall, 0, st));
	fprintf(f,
	    "  %llu samples (%s at %u Hz, %s call graphs): %s of CPU, "
	    "user %.1f %%, kernel %.1f %%%s\n",
	    (unsigned long long)r->samples, r->event != NULL ? r->event : "?",
	    r->frequency, r->call_graph != NULL ? r->call_graph : "?",
	    report_fmt_time(b, sizeof(b), r->cpu_s, 0, st),
	    pct(r->user_samples, r->samples),
	    pct(r->kernel_samples, r->samples),
	    r->user_only ? " (the kernel was not sampled)" : "");

	w = 7;
	for (i = 0; i < r->n_programs && i < TEXT_PROGRAMS; i++)
		w = widen(w, r->programs[i].name, 40);
	fprintf(f, "\n%sPrograms%s\n  %-*s %9s %10s %6s %10s\n", bold, reset, w,
	    "program", "processes", "CPU", "share", "alive");
	for (i = 0; i < r->n_programs && i < TEXT_PROGRAMS; i++) {
		const struct flame_program *p = &r->programs[i];

		fprintf(f, "  %-*s %9llu %10s %5.1f%% %10s\n", w,
		    cut(buf, sizeof(buf), p->name, w),
		    (unsigned long long)p->processes,
		    report_fmt_time(a, sizeof(a), p->cpu_s, 1, st),
		    100 * p->share,
		    report_fmt_time(b, sizeof(b), p->alive_s, 1, st));
	}
	if (r->n_programs > TEXT_PROGRAMS)
		fprintf(f, "  (%zu more, with fewer samples, in report.json)\n",
		    r->n_programs - TEXT_PROGRAMS);
	functions_text(f, "Hottest functions (self time, user space)",
	    r->functions, r->n_functions, st);
	functions_text(f, "Hottest kernel functions (self time)",
	    r->kernel_functions, r->n_kernel_functions, st);
	if (r->n_categories > 0) {
		w = 8;
		for (i = 0; i < r->n_categories; i++)
			w = widen(w, r->categories[i].name, 40);
		fprintf(f,
		    "\n%sCategories%s (total: anywhere on the stack; "
		    "self: the innermost match)\n  %-*s %7s %7s\n",
		    bold, reset, w, "category", "total", "self");
		for (i = 0; i < r->n_categories; i++)
			fprintf(f, "  %-*s %6.1f%% %6.1f%%\n", w,
			    cut(buf, sizeof(buf), r->categories[i].name, w),
			    r->categories[i].total_pct,
			    r->categories[i].self_pct);
	}
}
