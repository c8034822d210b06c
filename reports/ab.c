/*
 * ab.c: the A/B comparison of two sides measured in alternating pairs,
 * decided on the pairs by the one rule of compare.c, and its writers.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

struct baseline *
report_baseline_take_result(
    struct baseline *b, size_t i, struct bench_error *err)
{
	struct baseline *nb;
	json_t *root, *results;
	char *text;

	if (i >= b->n_results) {
		bench_error_set(err, BENCH_ERR_INVALID, "no result %zu", i);
		return NULL;
	}
	root = reportp_baseline_json(b);
	results = json_object_get(root, "results");
	json_array_append(results, json_array_get(results, i));
	while (json_array_size(results) > 1)
		json_array_remove(results, 0);
	text = json_dumps(root, JSON_REAL_PRECISION(17));
	json_decref(root);
	if (text == NULL) {
		bench_error_set(
		    err, BENCH_ERR_NOMEM, "cannot serialise the baseline");
		return NULL;
	}
	nb = report_baseline_parse(text, strlen(text), err);
	free(text);
	if (nb == NULL)
		return NULL;
	report_result_clear(&b->results[i]);
	memmove(&b->results[i], &b->results[i + 1],
	    (b->n_results - i - 1) * sizeof(*b->results));
	b->n_results--;
	return nb;
}

/* The A/B document's JSON, bumped when a field changes meaning. */
#define AB_SCHEMA_VERSION 1

/*
 * Metric k: the sides as independent samples into u, and into cm the
 * same summaries with the paired evidence and decision.
 */
static void
paired_metric(const struct bench_result *base, const struct bench_result *head,
    size_t n, enum cmp_measure k, const struct cmp_opts *o,
    struct stats_paired *pd, struct cmp_metric *cm, struct cmp_metric *u)
{
	struct cmp_evidence *e = &cm->ev;
	double *x, *y;
	size_t i;

	x = reportp_xcalloc(n + 1, sizeof(*x));
	y = reportp_xcalloc(n + 1, sizeof(*y));
	for (i = 0; i < n; i++) {
		x[i] = report_run_measure(&base->runs[i], k);
		y[i] = report_run_measure(&head->runs[i], k);
	}
	/* The sides' summaries and the unpaired tests, then the pairs. */
	report_compare_samples(x, n, y, n, o, u);
	*cm = *u;
	memset(e, 0, sizeof(*e));
	e->paired = 1;
	e->mean_test = "paired t";
	e->rank_test = "Wilcoxon signed-rank";
	e->n_before = e->n_after = n;
	e->ratio.ratio = e->ratio.ci_low = e->ratio.ci_high = NAN;
	e->p_mean = e->p_rank = NAN;
	e->p_rank_min = stats_signrank_min_p(n);
	memset(pd, 0, sizeof(*pd));
	if (n >= 2) {
		if (stats_paired(x, y, n, o->ci_level, pd, NULL) != 0)
			e->why = "a run took no measurable time (no log-ratio)";
		else {
			e->computed = 1;
			e->ratio.ratio = pd->ratio;
			e->ratio.ci_low = pd->ci_low;
			e->ratio.ci_high = pd->ci_high;
			e->ratio.bounded = 1;
			e->p_mean = pd->p_t;
			e->p_rank = pd->p_signrank;
		}
	}
	report_compare_decide(e, o->alpha, &cm->dec);
	free(x);
	free(y);
}

static size_t
failed(const struct bench_result *r, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += report_run_failed(&r->runs[i]);
	return k;
}

struct ab_comparison *
report_ab_compare(const struct bench_result *base, const char *base_name,
    const struct bench_result *head, const char *head_name,
    const struct cmp_opts *opts, int complete)
{
	struct ab_comparison *ab = reportp_xcalloc(1, sizeof(*ab));
	struct comparison *c;
	struct cmp_bench *cb;
	size_t i, n = base->n_runs < head->n_runs ? base->n_runs : head->n_runs;
	int k;

	ab->opts = *opts;
	if (ab->opts.metric >= CMP_M_COUNT)
		ab->opts.metric = CMP_M_WALL;
	ab->base_name = reportp_xstrdup(base_name);
	ab->head_name = reportp_xstrdup(head_name);
	ab->n_pairs = n;
	ab->complete = complete;
	ab->base = reportp_xcalloc(n + 1, sizeof(*ab->base));
	ab->head = reportp_xcalloc(n + 1, sizeof(*ab->head));
	for (i = 0; i < n; i++) {
		ab->base[i] =
		    report_run_measure(&base->runs[i], ab->opts.metric);
		ab->head[i] =
		    report_run_measure(&head->runs[i], ab->opts.metric);
	}

	c = ab->c = reportp_xcalloc(1, sizeof(*c));
	c->opts = ab->opts;
	c->before_name = reportp_xstrdup(base_name);
	c->after_name = reportp_xstrdup(head_name);
	c->before_complete = c->after_complete = complete;
	c->reproducible = c->target_met = 1;
	c->benches = reportp_xcalloc(1, sizeof(*c->benches));
	c->n_benches = 1;
	cb = &c->benches[0];
	cb->name = reportp_xstrdup(head->name);
	for (k = 0; k < CMP_M_COUNT; k++)
		paired_metric(base, head, n, (enum cmp_measure)k, &ab->opts,
		    &ab->paired[k], &cb->m[k], &ab->unpaired[k]);
	cb->verdict = cb->m[ab->opts.metric].dec.verdict;
	c->n_faster = cb->verdict == CMP_FASTER;
	c->n_slower = cb->verdict == CMP_SLOWER;
	cb->failed_before = failed(base, n);
	cb->failed_after = failed(head, n);
	cb->rel_diff = NAN;
	cb->reproducible = cb->target_met = 1;
	ab->has_phases = base->has_phases || head->has_phases;
	ab->coverage[0] = base->phase_coverage;
	ab->coverage[1] = head->phase_coverage;
	reportp_compare_phases(cb, base, head, &ab->opts);
	if (!complete)
		reportp_strv_add(&c->warnings,
		    "interrupted: the pairs measured so far are compared");
	return ab;
}

void
report_ab_free(struct ab_comparison *ab)
{
	if (ab == NULL)
		return;
	free(ab->base_name);
	ab->base_name = NULL;
	free(ab->head_name);
	ab->head_name = NULL;
	free(ab->base);
	ab->base = NULL;
	free(ab->head);
	ab->head = NULL;
	report_comparison_free(ab->c);
	ab->c = NULL;
	free(ab);
}

/* The cells of a metric's row in the text and Markdown tables. */
struct ab_row {
	char a[32], b[32];   /* the sides' means */
	char r1[64], r2[64]; /* the paired and the unpaired ratio */
	char p1[16], p2[16]; /* paired t and Wilcoxon p */
	char p3[16], p4[16]; /* Welch and Mann-Whitney p */
};

static void
row_fill(struct ab_row *row, const struct cmp_metric *m,
    const struct cmp_metric *u, const struct report_style *st)
{
	report_fmt_time(row->a, sizeof(row->a), m->before.mean, 0, st);
	report_fmt_time(row->b, sizeof(row->b), m->after.mean, 0, st);
	if (m->before.n == 0)
		snprintf(row->a, sizeof(row->a), "n/a");
	if (m->after.n == 0)
		snprintf(row->b, sizeof(row->b), "n/a");
	reportp_fmt_ratio(row->r1, sizeof(row->r1), &m->ev);
	reportp_fmt_p(row->p1, sizeof(row->p1), m->ev.p_mean, m->ev.computed);
	reportp_fmt_p(row->p2, sizeof(row->p2), m->ev.p_rank, m->ev.computed);
	reportp_fmt_ratio(row->r2, sizeof(row->r2), &u->ev);
	reportp_fmt_p(row->p3, sizeof(row->p3), u->ev.p_mean, u->ev.computed);
	reportp_fmt_p(row->p4, sizeof(row->p4), u->ev.p_rank, u->ev.computed);
}

/* "12.3 %" of a phase coverage, or "n/a". */
static const char *
fmt_coverage(char *buf, size_t size, double cov)
{
	if (isnan(cov))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.1f %%", 100 * cov);
	return buf;
}

/* --phases: each phase of A against B, and what they cover. */
static void
text_phases(
    FILE *f, const struct ab_comparison *ab, const struct report_style *st)
{
	const struct cmp_bench *cb = &ab->c->benches[0];
	char a[32], b[32];

	if (cb->n_phases == 0) {
		fprintf(f, "  phases: no line matched the pattern\n");
		return;
	}
	fprintf(f, "  phases (unpaired, as compare does; they inform, the "
	           "verdict is the metric's):\n");
	reportp_text_phases(f, cb, "A", "B", st);
	fprintf(f, "  phases cover %s of A's wall time, %s of B's\n",
	    fmt_coverage(a, sizeof(a), ab->coverage[0]),
	    fmt_coverage(b, sizeof(b), ab->coverage[1]));
}

void
report_ab_text(FILE *f, const struct ab_comparison *ab,
    const struct cmp_gate *g, const struct report_style *st)
{
	const struct cmp_bench *cb = &ab->c->benches[0];
	const struct cmp_metric *main = &cb->m[ab->opts.metric];
	const char *reset = st->color ? "\033[0m" : "";
	struct ab_row row;
	char h[200], rules[300];
	size_t i;
	int k;

	fprintf(f,
	    "A/B in %zu alternating pair%s (A B, B A, ...): %s (A) against "
	    "%s (B),\ndeciding on %s time.  A change is significant when the "
	    "%g %% interval of the\ngeometric mean ratio B/A (t on the pairs' "
	    "log-ratios) excludes 1 and the paired\nt-test and the Wilcoxon "
	    "signed-rank test agree at alpha = %g.\n",
	    ab->n_pairs, ab->n_pairs == 1 ? "" : "s", ab->base_name,
	    ab->head_name, report_measure_name(ab->opts.metric),
	    100 * ab->opts.ci_level, ab->opts.alpha);
	for (i = 0; ab->c->warnings != NULL && ab->c->warnings[i] != NULL; i++)
		fprintf(f, "%sWarning%s: %s\n", st->color ? "\033[33m" : "",
		    reset, ab->c->warnings[i]);
	fprintf(f, "\n%s%s%s\n", reportp_verdict_color(st, main->dec.verdict),
	    reportp_fmt_headline(h, sizeof(h), main), reset);
	fprintf(f, "  %-7s %-12s %-12s %-24s %8s %8s  %-24s %8s %8s\n",
	    "metric", "A mean", "B mean", "paired ratio [CI]", "t p", "W p",
	    "unpaired ratio [CI]", "Welch p", "MWU p");
	for (k = 0; k < CMP_M_COUNT; k++) {
		const struct cmp_metric *m = &cb->m[k];
		const struct cmp_metric *u = &ab->unpaired[k];

		row_fill(&row, m, u, st);
		fprintf(f,
		    "  %-7s %-12s %-12s %-24s %8s %8s  %-24s %8s %8s  "
		    "%s%s%s\n",
		    report_measure_name((enum cmp_measure)k), row.a, row.b,
		    row.r1, row.p1, row.p2, row.r2, row.p3, row.p4,
		    reportp_verdict_color(st, m->dec.verdict),
		    report_verdict_name(m->dec.verdict), reset);
	}
	fprintf(f, "  decision (%s, paired): %s\n",
	    report_measure_name(ab->opts.metric), main->dec.rule);
	fprintf(f, "  unpaired, for comparison: %s\n",
	    ab->unpaired[ab->opts.metric].dec.rule);
	if (cb->failed_before > 0 || cb->failed_after > 0)
		fprintf(f, "  failed runs: %zu of A, %zu of B\n",
		    cb->failed_before, cb->failed_after);
	fprintf(f, "  pairs (%s, B/A):", report_measure_name(ab->opts.metric));
	for (i = 0; i < ab->n_pairs; i++)
		fprintf(f, "%s%.3f", i % 10 == 0 ? "\n    " : " ",
		    ab->base[i] > 0 ? ab->head[i] / ab->base[i] : NAN);
	fputc('\n', f);
	if (ab->has_phases)
		text_phases(f, ab, st);
	if (g == NULL)
		return;
	fprintf(f, "Gate: %s%s%s (%s)\n",
	    g->status == GATE_PASS ? ""
	    : st->color            ? "\033[1;31m"
	                           : "",
	    report_gate_name(g->status), reset,
	    reportp_fmt_gate_rules(rules, sizeof(rules), g));
	for (i = 0; i < g->n_items; i++)
		fprintf(f, "  %s\n", g->items[i].reason);
}

void
report_ab_markdown(
    FILE *f, const struct ab_comparison *ab, const struct cmp_gate *g)
{
	struct report_style st = {0, 1};
	const struct cmp_bench *cb = &ab->c->benches[0];
	const struct cmp_metric *main = &cb->m[ab->opts.metric];
	struct ab_row row;
	char h[200], rules[300];
	size_t i;
	int k;

	fprintf(f, "### bench-tests ab: ");
	reportp_md_text(f, ab->base_name);
	fprintf(f, " → ");
	reportp_md_text(f, ab->head_name);
	fprintf(f, "\n\n**");
	reportp_md_text(f, reportp_fmt_headline(h, sizeof(h), main));
	fprintf(f, "** (%s time, %zu alternating pairs)\n\n",
	    report_measure_name(ab->opts.metric), ab->n_pairs);
	if (g != NULL) {
		fprintf(f, "**Gate: %s** (", report_gate_name(g->status));
		reportp_md_text(
		    f, reportp_fmt_gate_rules(rules, sizeof(rules), g));
		fprintf(f, ")\n\n");
		for (i = 0; i < g->n_items; i++) {
			fputs("- ", f);
			reportp_md_text(f, g->items[i].reason);
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	for (i = 0; ab->c->warnings != NULL && ab->c->warnings[i] != NULL;
	     i++) {
		fputs("> **Warning**: ", f);
		reportp_md_text(f, ab->c->warnings[i]);
		fputs("\n\n", f);
	}
	fputs("| metric | A mean | B mean | paired ratio [CI] | t p | "
	      "Wilcoxon p | unpaired ratio [CI] | Welch p | MWU p | verdict "
	      "|\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
	    f);
	for (k = 0; k < CMP_M_COUNT; k++) {
		const struct cmp_metric *m = &cb->m[k];
		const struct cmp_metric *u = &ab->unpaired[k];

		row_fill(&row, m, u, &st);
		fprintf(f,
		    "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
		    report_measure_name((enum cmp_measure)k), row.a, row.b,
		    row.r1, row.p1, row.p2, row.r2, row.p3, row.p4,
		    report_verdict_name(m->dec.verdict));
	}
	fputs("\nDecision: ", f);
	reportp_md_text(f, main->dec.rule);
	fputs("\n", f);
	if (cb->n_phases > 0) {
		char a[32], b[32];

		fprintf(f,
		    "\n| | Phase (unpaired) | A | B | Change | Ratio [%g %% "
		    "CI] | Welch p | MWU p | Verdict |\n"
		    "|---|---|---:|---:|---:|---|---:|---:|---|\n",
		    100 * ab->opts.ci_level);
		for (i = 0; i < cb->n_phases; i++)
			reportp_md_row(f, NULL, "", cb->phases[i].name,
			    &cb->phases[i].m, 0);
		fprintf(f,
		    "\nThe phases cover %s of A's wall time, %s of "
		    "B's.\n",
		    fmt_coverage(a, sizeof(a), ab->coverage[0]),
		    fmt_coverage(b, sizeof(b), ab->coverage[1]));
	}
}

static json_t *
paired_json(const struct stats_paired *pd, const struct cmp_metric *m)
{
	json_t *o = json_object();
	int ok = m->ev.computed;

	json_object_set_new(
	    o, "ratio", reportp_jreal(ok ? m->ev.ratio.ratio : NAN));
	json_object_set_new(o, "ratio_ci", reportp_ratio_ci_json(&m->ev));
	json_object_set_new(o, "t", ok ? reportp_jreal(pd->t) : json_null());
	json_object_set_new(
	    o, "t_p", ok ? reportp_jreal(pd->p_t) : json_null());
	json_object_set_new(
	    o, "wilcoxon_w_plus", ok ? reportp_jreal(pd->w_plus) : json_null());
	json_object_set_new(
	    o, "wilcoxon_p", ok ? reportp_jreal(pd->p_signrank) : json_null());
	json_object_set_new(
	    o, "wilcoxon_exact", json_boolean(ok && pd->signrank_exact));
	json_object_set_new(
	    o, "verdict", json_string(report_verdict_name(m->dec.verdict)));
	json_object_set_new(o, "detectable", reportp_jreal(m->dec.detectable));
	json_object_set_new(o, "rule", json_string(m->dec.rule));
	return o;
}

static json_t *
unpaired_json(const struct cmp_metric *u)
{
	json_t *o = json_object();
	int ok = u->ev.computed;

	json_object_set_new(
	    o, "ratio", reportp_jreal(ok ? u->ev.ratio.ratio : NAN));
	json_object_set_new(o, "ratio_ci", reportp_ratio_ci_json(&u->ev));
	json_object_set_new(
	    o, "welch_p", ok ? reportp_jreal(u->welch.p) : json_null());
	json_object_set_new(
	    o, "mwu_p", ok ? reportp_jreal(u->mwu.p) : json_null());
	json_object_set_new(
	    o, "verdict", json_string(report_verdict_name(u->dec.verdict)));
	json_object_set_new(o, "rule", json_string(u->dec.rule));
	return o;
}

char *
report_ab_json(const struct ab_comparison *ab, const struct cmp_gate *g,
    const struct baseline *base, const struct baseline *head,
    struct bench_error *err)
{
	const struct cmp_bench *cb = &ab->c->benches[0];
	const struct cmp_metric *main = &cb->m[ab->opts.metric];
	json_t *root, *pairs, *metrics, *m;
	char *text;
	size_t i;
	int k;

	root = json_object();
	json_object_set_new(root, "schema", json_string("bench-tests/ab"));
	json_object_set_new(
	    root, "schema_version", json_integer(AB_SCHEMA_VERSION));
	json_object_set_new(root, "base", reportp_jstr(ab->base_name));
	json_object_set_new(root, "head", reportp_jstr(ab->head_name));
	json_object_set_new(
	    root, "metric", json_string(report_measure_name(ab->opts.metric)));
	json_object_set_new(root, "verdict",
	    json_string(report_verdict_name(main->dec.verdict)));
	json_object_set_new(root, "ratio",
	    reportp_jreal(main->ev.computed ? main->ev.ratio.ratio : NAN));
	json_object_set_new(root, "ratio_ci", reportp_ratio_ci_json(&main->ev));
	json_object_set_new(
	    root, "detectable", reportp_jreal(main->dec.detectable));
	json_object_set_new(root, "rule", json_string(main->dec.rule));
	json_object_set_new(root, "alpha", reportp_jreal(ab->opts.alpha));
	json_object_set_new(root, "ci_level", reportp_jreal(ab->opts.ci_level));
	json_object_set_new(root, "complete", json_boolean(ab->complete));
	pairs = json_array();
	for (i = 0; i < ab->n_pairs; i++)
		json_array_append_new(
		    pairs, json_pack("{s:s, s:o, s:o, s:o}", "order",
		               i % 2 == 0 ? "base-head" : "head-base", "base",
		               reportp_jreal(ab->base[i]), "head",
		               reportp_jreal(ab->head[i]), "ratio",
		               reportp_jreal(ab->base[i] > 0
		                                 ? ab->head[i] / ab->base[i]
		                                 : NAN)));
	json_object_set_new(root, "pairs", pairs);
	metrics = json_object();
	for (k = 0; k < CMP_M_COUNT; k++) {
		m = json_object();
		json_object_set_new(
		    m, "paired", paired_json(&ab->paired[k], &cb->m[k]));
		json_object_set_new(
		    m, "unpaired", unpaired_json(&ab->unpaired[k]));
		json_object_set_new(
		    metrics, report_measure_name((enum cmp_measure)k), m);
	}
	json_object_set_new(root, "metrics", metrics);
	if (ab->has_phases) {
		m = json_object();
		for (i = 0; i < cb->n_phases; i++)
			json_object_set_new(m, cb->phases[i].name,
			    reportp_metric_json(&cb->phases[i].m));
		json_object_set_new(root, "phases", m);
		json_object_set_new(root, "phase_coverage",
		    json_pack("{s:o, s:o}", "base",
		        reportp_jreal(ab->coverage[0]), "head",
		        reportp_jreal(ab->coverage[1])));
	}
	json_object_set_new(root, "failed_runs",
	    json_pack("{s:I, s:I}", "base", (json_int_t)cb->failed_before,
	        "head", (json_int_t)cb->failed_after));
	json_object_set_new(
	    root, "gate", g != NULL ? reportp_gate_json(g) : json_null());
	json_object_set_new(root, "warnings", reportp_jstrv(ab->c->warnings));
	json_object_set_new(root, "baselines",
	    json_pack("{s:o, s:o}", "base",
	        base != NULL ? reportp_baseline_json(base) : json_null(),
	        "head",
	        head != NULL ? reportp_baseline_json(head) : json_null()));
	text = reportp_json_file_text(root);
	if (text == NULL)
		bench_error_set(
		    err, BENCH_ERR_NOMEM, "cannot serialise the A/B result");
	return text;
}
