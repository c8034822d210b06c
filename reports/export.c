/*
 * export.c: a baseline in the formats of other tools.
 *
 *   hyperfine  hyperfine's --export-json document, key for key
 *   csv        hyperfine's --export-csv columns, then ours
 *   markdown   hyperfine's --export-markdown table, then our columns
 *   bmf        the Bencher Metric Format
 *
 * Results without a measured run have no numbers to give (hyperfine and
 * Bencher require them), so every format leaves them out.  Text is UTF-8;
 * numbers never depend on the locale (LC_NUMERIC stays "C").
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

static const char *const format_names[REPORT_EXPORT_COUNT] = {
    "markdown", "csv", "hyperfine", "bmf"};

int
report_export_format_parse(const char *name)
{
	int i;

	for (i = 0; i < REPORT_EXPORT_COUNT; i++) {
		if (strcmp(name, format_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *
report_export_format_name(enum report_export_format fmt)
{
	if ((int)fmt < 0 || fmt >= REPORT_EXPORT_COUNT)
		return "?";
	return format_names[fmt];
}

/* The benchmark's name; its command when it has none. */
static const char *
name_of(const struct bench_result *r)
{
	if (r->name != NULL)
		return r->name;
	return r->command != NULL ? r->command : "";
}

/* The benchmark's command; its name when it has none. */
static const char *
command_of(const struct bench_result *r)
{
	if (r->command != NULL)
		return r->command;
	return r->name != NULL ? r->name : "";
}

/* Whether result r is exported: only results with measured runs are. */
static int
exported(const struct bench_result *r)
{
	return r->n_runs > 0;
}

/* ------------------------------------------------------------------ JSON */

/* Serialise root with hyperfine's layout (2 spaces) and a final newline. */
static char *
dump(json_t *root, struct bench_error *err)
{
	char *text;
	size_t len;

	text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	if (text == NULL) {
		bench_error_set(err, BENCH_ERR_NOMEM, "cannot serialise JSON");
		return NULL;
	}
	len = strlen(text);
	text = reportp_xreallocarray(text, len + 2, 1);
	text[len] = '\n';
	text[len + 1] = '\0';
	return text;
}

/*
 * One entry of hyperfine's results, in the order hyperfine 1.18 writes its
 * keys (src/benchmark/benchmark_result.rs); hyperfine 1.15 has no
 * memory_usage_byte.  hyperfine has no benchmark name apart from the
 * command, so the name is not exported.
 */
static json_t *
hyperfine_result(const struct bench_result *r)
{
	const struct stats_summary *w = &r->st[METRIC_WALL];
	json_t *o, *a;
	size_t i;

	o = json_object();
	json_object_set_new(o, "command", reportp_jstr(command_of(r)));
	json_object_set_new(o, "mean", reportp_jreal(w->mean));
	/* null with one run, as hyperfine. */
	json_object_set_new(o, "stddev", reportp_jreal(w->stddev));
	json_object_set_new(o, "median", reportp_jreal(w->median));
	json_object_set_new(o, "user", reportp_jreal(r->st[METRIC_USER].mean));
	json_object_set_new(o, "system", reportp_jreal(r->st[METRIC_SYS].mean));
	json_object_set_new(o, "min", reportp_jreal(w->min));
	json_object_set_new(o, "max", reportp_jreal(w->max));
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(a, reportp_jreal(r->runs[i].wall));
	json_object_set_new(o, "times", a);
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(a, json_integer(r->runs[i].max_rss));
	json_object_set_new(o, "memory_usage_byte", a);
	/* null when a signal ended the run (hyperfine's Option<i32>). */
	a = json_array();
	for (i = 0; i < r->n_runs; i++)
		json_array_append_new(
		    a, r->runs[i].signal != 0
		           ? json_null()
		           : json_integer(r->runs[i].exit_code));
	json_object_set_new(o, "exit_codes", a);
	return o;
}

static char *
export_hyperfine(const struct baseline *b, struct bench_error *err)
{
	json_t *root, *results;
	char *text;
	size_t i;

	root = json_object();
	results = json_array();
	for (i = 0; i < b->n_results; i++) {
		if (exported(&b->results[i]))
			json_array_append_new(
			    results, hyperfine_result(&b->results[i]));
	}
	json_object_set_new(root, "results", results);
	text = dump(root, err);
	json_decref(root);
	return text;
}

/*
 * One measure of the Bencher Metric Format: the mean and the bounds of its
 * confidence interval, the lower one never below 0 (no time or size is).
 * One run has no interval: the bounds are the value.
 */
static json_t *
bmf_measure(const struct stats_summary *s)
{
	json_t *o;

	o = json_object();
	json_object_set_new(o, "value", reportp_jreal(s->mean));
	if (s->n == 1) {
		json_object_set_new(o, "lower_value", reportp_jreal(s->mean));
		json_object_set_new(o, "upper_value", reportp_jreal(s->mean));
	} else if (isfinite(s->ci_low) && isfinite(s->ci_high)) {
		json_object_set_new(o, "lower_value",
		    reportp_jreal(s->ci_low > 0 ? s->ci_low : 0.0));
		json_object_set_new(
		    o, "upper_value", reportp_jreal(s->ci_high));
	}
	return o;
}

static char *
export_bmf(const struct baseline *b, struct bench_error *err)
{
	const struct bench_result *r;
	json_t *root, *bench;
	char *text, *key;
	size_t i;
	int m;

	root = json_object();
	for (i = 0; i < b->n_results; i++) {
		r = &b->results[i];
		if (!exported(r))
			continue;
		bench = json_object();
		for (m = 0; m < METRIC_COUNT; m++)
			json_object_set_new(bench, report_metric_name(m),
			    bmf_measure(&r->st[m]));
		/* Object keys must be UTF-8 too. */
		key = report_utf8_fix(name_of(r));
		json_object_set_new(root, key, bench);
		free(key);
	}
	text = dump(root, err);
	json_decref(root);
	return text;
}

/* ------------------------------------------------------------------- CSV */

/* A field, quoted as RFC 4180 says when it holds , " CR or LF. */
static void
csv_field(FILE *f, const char *s)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * A number as hyperfine's CSV writes it (Rust's Display of f64): the
 * fewest digits that read back as the same double, never an exponent.  A
 * number that does not exist is an empty field (hyperfine writes a missing
 * stddev as 0).
 */
static void
csv_number(FILE *f, double x)
{
	char buf[40];
	int prec, exp10, decimals;

	if (!isfinite(x))
		return;
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*e", prec - 1, x);
	exp10 = atoi(strchr(buf, 'e') + 1);
	decimals = prec - 1 - exp10;
	fprintf(f, "%.*f", decimals > 0 ? decimals : 0, x);
}

static void
csv_row(FILE *f, const struct bench_result *r)
{
	const struct stats_summary *w = &r->st[METRIC_WALL];

	csv_field(f, command_of(r));
	fputc(',', f);
	csv_number(f, w->mean);
	fputc(',', f);
	csv_number(f, w->stddev);
	fputc(',', f);
	csv_number(f, w->median);
	fputc(',', f);
	csv_number(f, r->st[METRIC_USER].mean);
	fputc(',', f);
	csv_number(f, r->st[METRIC_SYS].mean);
	fputc(',', f);
	csv_number(f, w->min);
	fputc(',', f);
	csv_number(f, w->max);
	fputc(',', f);
	csv_field(f, name_of(r));
	fprintf(f, ",%zu,", r->n_runs);
	csv_number(f, w->cv);
	fputc(',', f);
	csv_number(f, w->ci_low);
	fputc(',', f);
	csv_number(f, w->ci_high);
	fputc(',', f);
	csv_number(f, r->st[METRIC_MAX_RSS].mean);
	fprintf(f, ",%s\n", r->converged ? "true" : "false");
}

static void
export_csv(FILE *f, const struct baseline *b)
{
	size_t i;

	/* hyperfine's columns, in hyperfine's order, then ours. */
	fputs("command,mean,stddev,median,user,system,min,max,"
	      "name,runs,cv,ci_low,ci_high,max_rss_mean,converged\n",
	    f);
	for (i = 0; i < b->n_results; i++) {
		if (exported(&b->results[i]))
			csv_row(f, &b->results[i]);
	}
}

/* -------------------------------------------------------------- Markdown */

/* A time unit of a Markdown table, as hyperfine chooses and prints them. */
struct md_unit {
	const char *name;
	double scale;  /* per second */
	int precision; /* decimals */
};

static const struct md_unit md_units[] = {
    {"s", 1.0, 3}, {"ms", 1e3, 1}, {"µs", 1e6, 1}};

/* hyperfine's unit for a table: the one that suits the first mean. */
static const struct md_unit *
md_unit_for(double seconds)
{
	if (seconds >= 1.0)
		return &md_units[0];
	if (seconds >= 1e-3)
		return &md_units[1];
	return &md_units[2];
}

static void
md_time(FILE *f, double seconds, const struct md_unit *u)
{
	if (isfinite(seconds))
		fprintf(f, "%.*f", u->precision, seconds * u->scale);
	else
		fputs("n/a", f);
}

/*
 * A name as a code span in a table cell.  A code span cannot escape a
 * backtick, so the fence is one backtick longer than the longest run in the
 * name (CommonMark 6.1), with a space inside when the name starts or ends
 * with a backtick or both start and end with a space; a pipe is escaped as \|
 * (GFM tables, which apply this inside code spans too); line breaks, which
 * would end the row, become spaces.
 */
static void
md_code(FILE *f, const char *s)
{
	size_t run = 0, longest = 0, i, len;
	int pad;

	if (s == NULL || s[0] == '\0') {
		fputs("` `", f);
		return;
	}
	len = strlen(s);
	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[len - 1] == '`' ||
	      (strchr(" \n\r", s[0]) != NULL &&
	          strchr(" \n\r", s[len - 1]) != NULL &&
	          strspn(s, " \n\r") != len);
	for (i = 0; i <= longest; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	for (i = 0; i < len; i++) {
		if (s[i] == '|')
			fputs("\\|", f);
		else if (s[i] == '\n' || s[i] == '\r')
			fputc(' ', f);
		else
			fputc(s[i], f);
	}
	if (pad)
		fputc(' ', f);
	for (i = 0; i <= longest; i++)
		fputc('`', f);
}

/*
 * hyperfine's relative speed: the ratio of the means to the fastest, with
 * the uncertainty propagated from both standard deviations (covariance 0),
 * none for the fastest itself (src/benchmark/relative_speed.rs).
 */
static void
md_relative(
    FILE *f, const struct bench_result *r, const struct bench_result *fastest)
{
	const struct stats_summary *w = &r->st[METRIC_WALL];
	const struct stats_summary *fw = &fastest->st[METRIC_WALL];
	double ratio, sd;

	if (!(fw->mean > 0)) {
		fputs("n/a", f);
		return;
	}
	ratio = w->mean / fw->mean;
	if (!isfinite(ratio)) {
		fputs("n/a", f);
		return;
	}
	fprintf(f, "%.2f", ratio);
	if (r == fastest || !isfinite(w->stddev) || !isfinite(fw->stddev))
		return;
	sd = ratio *
	     sqrt(pow(w->stddev / w->mean, 2) + pow(fw->stddev / fw->mean, 2));
	if (isfinite(sd))
		fprintf(f, " ± %.2f", sd);
}

static void
export_markdown(FILE *f, const struct baseline *b)
{
	const struct bench_result *r, *fastest = NULL;
	const struct md_unit *u = NULL;
	const struct stats_summary *w;
	size_t i;

	for (i = 0; i < b->n_results; i++) {
		r = &b->results[i];
		if (!exported(r))
			continue;
		if (u == NULL)
			u = md_unit_for(r->st[METRIC_WALL].mean);
		if (fastest == NULL ||
		    r->st[METRIC_WALL].mean < fastest->st[METRIC_WALL].mean)
			fastest = r;
	}
	if (u == NULL)
		u = &md_units[0];

	fprintf(f,
	    "| Command | Mean [%s] | Min [%s] | Max [%s] | Relative "
	    "| User [%s] | System [%s] | Runs | CV | Converged |\n",
	    u->name, u->name, u->name, u->name, u->name);
	fputs("|:---|---:|---:|---:|---:|---:|---:|---:|---:|:---|\n", f);
	for (i = 0; i < b->n_results; i++) {
		r = &b->results[i];
		if (!exported(r))
			continue;
		w = &r->st[METRIC_WALL];
		fputs("| ", f);
		md_code(f, name_of(r));
		fputs(" | ", f);
		md_time(f, w->mean, u);
		if (isfinite(w->stddev)) {
			fputs(" ± ", f);
			md_time(f, w->stddev, u);
		}
		fputs(" | ", f);
		md_time(f, w->min, u);
		fputs(" | ", f);
		md_time(f, w->max, u);
		fputs(" | ", f);
		md_relative(f, r, fastest);
		fputs(" | ", f);
		md_time(f, r->st[METRIC_USER].mean, u);
		fputs(" | ", f);
		md_time(f, r->st[METRIC_SYS].mean, u);
		fprintf(f, " | %zu | ", r->n_runs);
		if (isfinite(w->cv))
			fprintf(f, "%.1f %%", 100 * w->cv);
		else
			fputs("n/a", f);
		fprintf(f, " | %s |\n", r->converged ? "yes" : "no");
	}
}

/* ------------------------------------------------------------------ all */

char *
report_export(const struct baseline *b, enum report_export_format fmt,
    struct bench_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((int)fmt < 0 || fmt >= REPORT_EXPORT_COUNT) {
		bench_error_set(err, BENCH_ERR_INVALID, "no such format");
		return NULL;
	}
	switch (fmt) {
	case REPORT_EXPORT_HYPERFINE:
		return export_hyperfine(b, err);
	case REPORT_EXPORT_BMF:
		return export_bmf(b, err);
	case REPORT_EXPORT_CSV:
	case REPORT_EXPORT_MARKDOWN:
	case REPORT_EXPORT_COUNT:
		break;
	}
	f = open_memstream(&text, &len);
	if (f == NULL)
		abort();
	if (fmt == REPORT_EXPORT_CSV)
		export_csv(f, b);
	else
		export_markdown(f, b);
	if (fclose(f) != 0)
		abort();
	return text;
}
