/*
 * reports-int.h: helpers private to reports/.
 */
#ifndef BENCH_REPORTS_REPORTS_INT_H
#define BENCH_REPORTS_REPORTS_INT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * Allocation that cannot fail: on exhaustion these abort(), the one way a
 * library of ours ends the process (there is nothing sensible to return).
 */
void *reportp_xcalloc(size_t n, size_t size);
void *reportp_xreallocarray(void *p, size_t n, size_t size);
char *reportp_xstrdup(const char *s);

/* json-util.c */

/* A JSON real, or null when x is not finite (NaN: "does not exist"). */
json_t *reportp_jreal(double x);
/* A JSON string of s (null for NULL), invalid UTF-8 repaired. */
json_t *reportp_jstr(const char *s);
/* A JSON array of the strings of a NULL-terminated vector (may be NULL). */
json_t *reportp_jstrv(char *const *v);
/* Append a copy of s to a NULL-terminated vector (*v may be NULL). */
void reportp_strv_add(char ***v, const char *s);
/* Free a NULL-terminated vector and its strings; NULL is ignored. */
void reportp_strv_free(char **v);

/* compare.c */

struct stats_ratio;
/*
 * A ratio after/before with its interval as a change in percent, into buf:
 * "slower by 21.3 % [14.9 %, 28.4 %]" for verdict CMP_SLOWER,
 * "faster by ..." (of the before time) for CMP_FASTER, and
 * "+2.1 % [-3.8 %, +8.3 %]" otherwise; returns buf.
 */
const char *reportp_fmt_change(
    char *buf, size_t size, int verdict, const struct stats_ratio *r);

struct cmp_bench;
struct cmp_opts;
struct bench_result;
/*
 * The phases (--phases) of before and after, each compared as a metric is
 * (unpaired), into cb->phases: before's order, then those new after.
 */
void reportp_compare_phases(struct cmp_bench *cb,
    const struct bench_result *before, const struct bench_result *after,
    const struct cmp_opts *opts);

/* compare-write.c */

struct cmp_gate;
struct cmp_evidence;
struct cmp_metric;
struct report_style;
/* The escape sequence of a verdict's colour ("" without colour). */
const char *reportp_verdict_color(const struct report_style *st, int v);
/* A p-value ("%.2g"), or "n/a" when not computed; returns buf. */
const char *reportp_fmt_p(char *buf, size_t size, double p, int computed);
/* "1.234 [1.100, 1.400]" of the evidence's ratio, or "n/a"; returns buf. */
const char *reportp_fmt_ratio(
    char *buf, size_t size, const struct cmp_evidence *e);
/* A metric's verdict in words, as a benchmark's headline; returns buf. */
const char *reportp_fmt_headline(
    char *buf, size_t size, const struct cmp_metric *m);
struct cmp_bench;
/*
 * A benchmark's phase table (--phases) of the terminal report, the sides
 * headed before and after; nothing when it has no phases.
 */
void reportp_text_phases(FILE *f, const struct cmp_bench *cb,
    const char *before, const char *after, const struct report_style *st);
/*
 * A row of compare's Markdown table: the benchmark's name (NULL: none),
 * then the metric (or prefix and a name in code), bold when it counts.
 */
void reportp_md_row(FILE *f, const char *bench, const char *prefix,
    const char *metric, const struct cmp_metric *m, int bold);
/* A metric's (or a phase's) comparison as compare's JSON has it. */
json_t *reportp_metric_json(const struct cmp_metric *m);
/* [low, high] of the evidence's ratio, or null when it has none. */
json_t *reportp_ratio_ci_json(const struct cmp_evidence *e);
/* Markdown-safe inline code: backticks become quotes, pipes are escaped. */
void reportp_md_code(FILE *f, const char *s);
/* Markdown text with its special characters escaped. */
void reportp_md_text(FILE *f, const char *s);
/* The gate's judgement as the comparison's JSON "gate" object. */
json_t *reportp_gate_json(const struct cmp_gate *g);
/* The gate's thresholds in words, into buf; returns buf. */
const char *reportp_fmt_gate_rules(
    char *buf, size_t size, const struct cmp_gate *g);

/* json-write.c */

struct baseline;
/* The baseline as the JSON object report_baseline_dump writes (new ref). */
json_t *reportp_baseline_json(const struct baseline *b);
/*
 * root as the text of a JSON file (indented, reals exact, a final
 * newline; caller frees), or NULL; takes root's reference.
 */
char *reportp_json_file_text(json_t *root);

/* profile.c */

struct prof_unit;
/* Set a unit's identity (package, key when set, crate, types, ...) in o. */
void reportp_unit_identity(json_t *o, const struct prof_unit *u);

#endif /* BENCH_REPORTS_REPORTS_INT_H */
