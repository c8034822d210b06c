/*
 * compare-write.c: a comparison (and the gate's judgement) as a terminal
 * table, as Markdown for documents and CI job summaries, and as JSON.
 *
 * Every writer says the same things: per benchmark and metric the means,
 * the change, the ratio after/before with its interval, both tests and the
 * verdict; the decision of the deciding metric(s) in words (with the change
 * the data could have detected when there was none); the Section 06 line;
 * and for the gate each benchmark's judgement with its reason.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

/* The comparison's JSON document, bumped when a field changes meaning. */
#define COMPARISON_SCHEMA_VERSION 2

const char *
reportp_verdict_color(const struct report_style *st, int v)
{
	if (st == NULL || !st->color)
		return "";
	switch (v) {
	case CMP_FASTER:
		return "\033[1;32m";
	case CMP_SLOWER:
		return "\033[1;31m";
	default:
		return "\033[33m";
	}
}

static const char *
reset(const struct report_style *st)
{
	return st != NULL && st->color ? "\033[0m" : "";
}

/* The metrics whose decision is shown in words: the gate's, or compare's. */
static unsigned
shown_metrics(const struct comparison *c, const struct cmp_gate *g)
{
	if (g != NULL)
		return g->metrics != 0 ? g->metrics : 1u << CMP_M_WALL;
	return 1u << c->opts.metric;
}

/* "wall, cpu" */
static const char *
metric_list(char *buf, size_t size, unsigned set)
{
	size_t len = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < CMP_M_COUNT; k++) {
		if ((set & (1u << k)) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len > 0 ? ", " : "",
			    report_measure_name((enum cmp_measure)k));
	}
	return buf;
}

/* "1.234 s +- 12.3 ms"; "n/a (no runs)" for a side without runs. */
static const char *
fmt_mean_sd(char *buf, size_t size, const struct stats_summary *s,
    const struct report_style *st)
{
	char m[32], d[32];

	if (s->n == 0 || isnan(s->mean)) {
		snprintf(buf, size, "n/a (no runs)");
		return buf;
	}
	report_fmt_time(m, sizeof(m), s->mean, 0, st);
	report_fmt_time(d, sizeof(d), s->stddev, s->mean, st);
	snprintf(buf, size, "%s %s %s", m, st->unicode ? "±" : "+-",
	    isnan(s->stddev) ? "n/a" : d);
	return buf;
}

static const char *
fmt_change(char *buf, size_t size, double change)
{
	if (!isfinite(change))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%+.1f %%", 100 * change);
	return buf;
}

const char *
reportp_fmt_p(char *buf, size_t size, double p, int computed)
{
	if (!computed || isnan(p))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.2g", p);
	return buf;
}

const char *
reportp_fmt_ratio(char *buf, size_t size, const struct cmp_evidence *e)
{
	const struct stats_ratio *r = &e->ratio;

	if (!e->computed || isnan(r->ratio))
		snprintf(buf, size, "n/a");
	else if (!r->bounded)
		snprintf(buf, size, "%.3f [unbounded]", r->ratio);
	else
		snprintf(buf, size, "%.3f [%.3f, %.3f]", r->ratio, r->ci_low,
		    r->ci_high);
	return buf;
}

/* A benchmark's headline: its verdict on the metric that decides it. */
const char *
reportp_fmt_headline(char *buf, size_t size, const struct cmp_metric *m)
{
	switch (m->dec.verdict) {
	case CMP_FASTER:
	case CMP_SLOWER:
		return reportp_fmt_change(
		    buf, size, m->dec.verdict, &m->ev.ratio);
	case CMP_SAME:
		snprintf(buf, size,
		    "no significant change (changes beyond +-%.1f %% would "
		    "have been detected)",
		    100 * m->dec.detectable);
		return buf;
	case CMP_UNKNOWN:
		break;
	}
	snprintf(buf, size, "untested");
	return buf;
}

/* The seeds' rule, as a line: "yes: the mean moved by -0.2 s, beyond 2 sd
   = 0.04 s". */
static const char *
fmt_section06(char *buf, size_t size, const struct cmp_metric *m,
    const struct report_style *st)
{
	char d[32], n[32];

	if (isnan(m->noise)) {
		snprintf(buf, size, "n/a (fewer than 2 runs on a side)");
		return buf;
	}
	report_fmt_time(d, sizeof(d), m->diff, 0, st);
	report_fmt_time(n, sizeof(n), m->noise, 0, st);
	snprintf(buf, size, "%s: the mean moved by %s%s, %s 2 sd = %s",
	    m->section06 ? "yes" : "no", m->diff < 0 ? "" : "+", d,
	    fabs(m->diff) > m->noise ? "beyond" : "within", n);
	return buf;
}

static const char SECTION06[] =
    "Section 06 bar for a claimed improvement (faster by more than 2 sd "
    "of single runs)";

/* Counts of the benchmarks' verdicts. */
static size_t
count_verdict(const struct comparison *c, enum cmp_verdict v)
{
	size_t i, n = 0;

	for (i = 0; i < c->n_benches; i++)
		n += c->benches[i].verdict == v;
	return n;
}

/* The gate's thresholds in words. */
const char *
reportp_fmt_gate_rules(char *buf, size_t size, const struct cmp_gate *g)
{
	char fail[96], ms[64];

	if (g->fail > 0)
		snprintf(fail, sizeof(fail),
		    "fail when its lower bound reaches +%g %%", 100 * g->fail);
	else
		snprintf(fail, sizeof(fail), "never fail on a slowdown");
	snprintf(buf, size,
	    "warn on a significant slowdown of +%g %% or more, %s; "
	    "watching %s%s",
	    100 * g->warn, fail,
	    metric_list(ms, sizeof(ms),
	        g->metrics != 0 ? g->metrics : 1u << CMP_M_WALL),
	    g->strict ? "; --strict: what cannot be judged fails" : "");
	return buf;
}

static void
print_strv(FILE *f, const char *heading, char **v)
{
	size_t i;

	if (v == NULL || v[0] == NULL)
		return;
	fprintf(f, "%s", heading);
	for (i = 0; v[i] != NULL; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : " ", v[i]);
	fputc('\n', f);
}

/* The profile's units, before and after, largest frontend change first. */
static void
text_profile_deltas(
    FILE *f, const struct comparison *c, const struct report_style *st)
{
	static const char *const what[3] = {"frontend", "backend", "wall"};
	char a[32], b[32], d[16];
	size_t i, k, w = 4;

	for (i = 0; i < c->n_units; i++) {
		if (strlen(c->units[i].name) > w)
			w = strlen(c->units[i].name);
	}
	fprintf(f, "Profile of the build (self time per unit, one build each: "
	           "no significance test):\n");
	fprintf(f, "  %-*s", (int)w, "unit");
	for (k = 0; k < 3; k++)
		fprintf(f, " %21s %8s", what[k], "change");
	fputc('\n', f);
	for (i = 0; i < c->n_units; i++) {
		const struct cmp_unit *u = &c->units[i];

		fprintf(f, "  %-*s", (int)w, u->name);
		for (k = 0; k < 3; k++) {
			char pair[72];

			snprintf(pair, sizeof(pair), "%s %s %s",
			    report_fmt_time(a, sizeof(a), u->before[k], 0, st),
			    st->unicode ? "→" : "->",
			    report_fmt_time(b, sizeof(b), u->after[k], 0, st));
			fprintf(f, " %21s %8s", pair,
			    fmt_change(d, sizeof(d),
			        (u->after[k] - u->before[k]) / u->before[k]));
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* A row of a benchmark's table: a metric or a phase (label, w wide). */
static void
text_row(FILE *f, int w, const char *label, const struct cmp_metric *m,
    const struct report_style *st)
{
	char a[96], b[96], r[64], p1[16], p2[16], c1[16];

	fprintf(f, "  %-*s %-22s %-22s %8s  %-24s %8s %8s  %s%s%s\n", w, label,
	    fmt_mean_sd(a, sizeof(a), &m->before, st),
	    fmt_mean_sd(b, sizeof(b), &m->after, st),
	    fmt_change(c1, sizeof(c1), m->change),
	    reportp_fmt_ratio(r, sizeof(r), &m->ev),
	    reportp_fmt_p(p1, sizeof(p1), m->welch.p, m->ev.computed),
	    reportp_fmt_p(p2, sizeof(p2), m->mwu.p, m->ev.computed),
	    reportp_verdict_color(st, m->dec.verdict),
	    report_verdict_name(m->dec.verdict), reset(st));
}

void
reportp_text_phases(FILE *f, const struct cmp_bench *cb, const char *before,
    const char *after, const struct report_style *st)
{
	size_t i, w = 7;

	if (cb->n_phases == 0)
		return;
	for (i = 0; i < cb->n_phases; i++)
		if (strlen(cb->phases[i].name) > w)
			w = strlen(cb->phases[i].name);
	fprintf(f, "  %-*s %-22s %-22s %8s  %-24s %8s %8s  %s\n", (int)w,
	    "phase", before, after, "change", "ratio [CI]", "Welch p", "MWU p",
	    "verdict");
	for (i = 0; i < cb->n_phases; i++)
		text_row(f, (int)w, cb->phases[i].name, &cb->phases[i].m, st);
}

/* One benchmark's section of the terminal report. */
static void
text_bench(FILE *f, const struct comparison *c, const struct cmp_bench *cb,
    unsigned shown, const struct report_style *st)
{
	const struct cmp_metric *main = &cb->m[c->opts.metric];
	char a[96], b[96], h[200], s6[160];
	int k;

	fprintf(f, "\n%s%s%s", st->color ? "\033[1m" : "", cb->name, reset(st));
	if (cb->after_name != NULL)
		fprintf(f, " (before) and %s%s%s (after)",
		    st->color ? "\033[1m" : "", cb->after_name, reset(st));
	fprintf(f, ": %s%s%s\n", reportp_verdict_color(st, main->dec.verdict),
	    reportp_fmt_headline(h, sizeof(h), main), reset(st));
	fprintf(f, "  %-7s %-22s %-22s %8s  %-24s %8s %8s  %s\n", "metric",
	    "before", "after", "change", "ratio [CI]", "Welch p", "MWU p",
	    "verdict");
	for (k = 0; k < CMP_M_COUNT; k++)
		text_row(f, 7, report_measure_name((enum cmp_measure)k),
		    &cb->m[k], st);
	reportp_text_phases(f, cb, "before", "after", st);
	for (k = 0; k < CMP_M_COUNT; k++) {
		if (shown & (1u << k))
			fprintf(f, "  decision (%s): %s\n",
			    report_measure_name((enum cmp_measure)k),
			    cb->m[k].dec.rule);
	}
	fprintf(f, "  %s, %s: %s\n", SECTION06,
	    report_measure_name(c->opts.metric),
	    fmt_section06(s6, sizeof(s6), main, st));
	if (cb->failed_before > 0 || cb->failed_after > 0)
		fprintf(f, "  failed runs: %zu before, %zu after\n",
		    cb->failed_before, cb->failed_after);
	if (c->opts.repro > 0)
		fprintf(f,
		    "  reproducibility: the means differ by %.1f %% %s "
		    "%.0f %%: %s\n",
		    100 * cb->rel_diff, cb->reproducible ? "<=" : ">",
		    100 * c->opts.repro,
		    cb->reproducible ? "reproducible" : "NOT reproducible");
	if (c->opts.target > 0)
		fprintf(f, "  target %s: Met: %s (after mean %s)\n",
		    report_fmt_time(a, sizeof(a), c->opts.target, 0, st),
		    cb->target_met ? "yes" : "no",
		    report_fmt_time(
		        b, sizeof(b), cb->m[CMP_M_WALL].after.mean, 0, st));
}

void
report_comparison_text(FILE *f, const struct comparison *c,
    const struct cmp_gate *g, const struct report_style *st)
{
	unsigned shown = shown_metrics(c, g);
	char a[96], ms[64], rules[300];
	size_t i;

	fprintf(f,
	    "Comparing %s (before) with %s (after), deciding on %s time.\n"
	    "A change is significant when the %g %% interval of the ratio "
	    "after/before\n(Fieller) excludes 1 and Welch's t-test and the "
	    "Mann-Whitney U test agree\nat alpha = %g.\n",
	    c->before_name, c->after_name, metric_list(ms, sizeof(ms), shown),
	    100 * c->opts.ci_level, c->opts.alpha);
	for (i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++)
		fprintf(f, "%sWarning%s: %s\n", st->color ? "\033[33m" : "",
		    reset(st), c->warnings[i]);
	for (i = 0; i < c->n_benches; i++)
		text_bench(f, c, &c->benches[i], shown, st);
	fputc('\n', f);
	if (c->has_profiles)
		text_profile_deltas(f, c, st);
	print_strv(f, "Only in the before baseline:", c->only_before);
	print_strv(f, "Only in the after baseline:", c->only_after);
	fprintf(f,
	    "Summary (%s): %zu faster, %zu slower, %zu without a "
	    "significant change, %zu untested.\n",
	    report_measure_name(c->opts.metric), c->n_faster, c->n_slower,
	    count_verdict(c, CMP_SAME), count_verdict(c, CMP_UNKNOWN));
	if (c->opts.repro > 0)
		fprintf(f, "Reproducibility (means within %.0f %%): %s\n",
		    100 * c->opts.repro, c->reproducible ? "yes" : "NO");
	if (c->opts.target > 0)
		fprintf(f, "Target %s: Met: %s\n",
		    report_fmt_time(a, sizeof(a), c->opts.target, 0, st),
		    c->target_met ? "yes" : "no");
	if (g == NULL)
		return;
	fprintf(f, "Gate: %s%s%s (%s)\n",
	    g->status == GATE_PASS ? ""
	    : st->color            ? "\033[1;31m"
	                           : "",
	    report_gate_name(g->status), reset(st),
	    reportp_fmt_gate_rules(rules, sizeof(rules), g));
	for (i = 0; i < g->n_items; i++)
		fprintf(f, "  %s: %s\n",
		    g->items[i].name != NULL ? g->items[i].name
		                             : "(the result)",
		    g->items[i].reason);
}

/* Markdown-safe inline code: backticks become quotes, pipes are escaped. */
void
reportp_md_code(FILE *f, const char *s)
{
	fputc('`', f);
	for (; *s != '\0'; s++) {
		if (*s == '`')
			fputc('\'', f);
		else if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('`', f);
}

void
reportp_md_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>|#", *s) != NULL)
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

/* A row of the Markdown table: the benchmark's name (NULL: none), then
   the metric (or "phase " and the phase's name), bold when it counts. */
void
reportp_md_row(FILE *f, const char *bench, const char *prefix,
    const char *metric, const struct cmp_metric *m, int bold)
{
	struct report_style st = {0, 1};
	char a[96], b[96], r[64], p1[16], p2[16], c1[16];

	fputs("| ", f);
	if (bench != NULL)
		reportp_md_code(f, bench);
	fputs(" | ", f);
	if (prefix != NULL) {
		fputs(prefix, f);
		reportp_md_code(f, metric);
	} else
		fputs(metric, f);
	fprintf(f, " | %s | %s | %s | %s | %s | %s | %s%s%s |\n",
	    fmt_mean_sd(a, sizeof(a), &m->before, &st),
	    fmt_mean_sd(b, sizeof(b), &m->after, &st),
	    fmt_change(c1, sizeof(c1), m->change),
	    reportp_fmt_ratio(r, sizeof(r), &m->ev),
	    reportp_fmt_p(p1, sizeof(p1), m->welch.p, m->ev.computed),
	    reportp_fmt_p(p2, sizeof(p2), m->mwu.p, m->ev.computed),
	    bold ? "**" : "", report_verdict_name(m->dec.verdict),
	    bold ? "**" : "");
}

void
report_comparison_markdown(
    FILE *f, const struct comparison *c, const struct cmp_gate *g)
{
	struct report_style st = {0, 1};
	unsigned shown = shown_metrics(c, g);
	char a[96], b[96], c1[16], ms[64], rules[300];
	char s6[160];
	const char *sep;
	size_t i, j;
	int k;

	fprintf(f, "### bench-tests: ");
	reportp_md_text(f, c->before_name);
	fprintf(f, " → ");
	reportp_md_text(f, c->after_name);
	fprintf(f, "\n\n");
	if (g != NULL) {
		fprintf(f, "**Gate: %s** (", report_gate_name(g->status));
		reportp_md_text(
		    f, reportp_fmt_gate_rules(rules, sizeof(rules), g));
		fprintf(f, ")\n\n");
		for (i = 0; i < g->n_items; i++) {
			fputs("- ", f);
			if (g->items[i].name != NULL)
				reportp_md_code(f, g->items[i].name);
			else
				fputs("the result", f);
			fprintf(f, ": %s",
			    g->items[i].level == GATE_PASS ? "" : "**");
			reportp_md_text(f, g->items[i].reason);
			fprintf(f, "%s\n",
			    g->items[i].level == GATE_PASS ? "" : "**");
		}
		fputc('\n', f);
	}
	fprintf(f,
	    "| Benchmark | Metric | Before | After | Change | Ratio "
	    "[%g %% CI] | Welch p | MWU p | Verdict |\n",
	    100 * c->opts.ci_level);
	fprintf(f, "|---|---|---:|---:|---:|---|---:|---:|---|\n");
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *cb = &c->benches[i];

		for (k = 0; k < CMP_M_COUNT; k++)
			reportp_md_row(f, k == 0 ? cb->name : NULL, NULL,
			    report_measure_name((enum cmp_measure)k), &cb->m[k],
			    cb->m[k].dec.verdict != CMP_SAME &&
			        (shown & (1u << k)) != 0);
		for (j = 0; j < cb->n_phases; j++)
			reportp_md_row(f, NULL, "phase ", cb->phases[j].name,
			    &cb->phases[j].m, 0);
	}
	fprintf(f,
	    "\nDeciding on %s time: a change is significant when the "
	    "%g %% interval of the ratio after/before (Fieller) excludes 1 "
	    "and Welch's t-test and the Mann-Whitney U test agree at alpha "
	    "= %g.\n\n",
	    metric_list(ms, sizeof(ms), shown), 100 * c->opts.ci_level,
	    c->opts.alpha);
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *cb = &c->benches[i];

		fputs("- ", f);
		reportp_md_code(f, cb->name);
		if (cb->after_name != NULL) {
			fputs(" (before) and ", f);
			reportp_md_code(f, cb->after_name);
			fputs(" (after)", f);
		}
		sep = ": ";
		for (k = 0; k < CMP_M_COUNT; k++) {
			if (!(shown & (1u << k)))
				continue;
			fprintf(f, "%s%s: ", sep,
			    report_measure_name((enum cmp_measure)k));
			reportp_md_text(f, cb->m[k].dec.rule);
			sep = "; ";
		}
		fprintf(f, "; %s: ", SECTION06);
		reportp_md_text(f,
		    fmt_section06(s6, sizeof(s6), &cb->m[c->opts.metric], &st));
		if (cb->failed_before > 0 || cb->failed_after > 0)
			fprintf(f, "; failed runs: %zu before, %zu after",
			    cb->failed_before, cb->failed_after);
		if (c->opts.repro > 0)
			fprintf(f, "; means differ by %.1f %% (%s)",
			    100 * cb->rel_diff,
			    cb->reproducible ? "reproducible"
			                     : "**not reproducible**");
		if (c->opts.target > 0)
			fprintf(f, "; target %s: Met: %s",
			    report_fmt_time(
			        a, sizeof(a), c->opts.target, 0, &st),
			    cb->target_met ? "yes" : "no");
		fputc('\n', f);
	}
	if (c->has_profiles) {
		fprintf(f, "\n| Unit | Frontend before | after | change | "
		           "Backend before | after | change |\n"
		           "|---|---:|---:|---:|---:|---:|---:|\n");
		for (i = 0; i < c->n_units; i++) {
			const struct cmp_unit *u = &c->units[i];

			fputs("| ", f);
			reportp_md_code(f, u->name);
			for (k = 0; k < 2; k++)
				fprintf(f, " | %s | %s | %s",
				    report_fmt_time(
				        a, sizeof(a), u->before[k], 0, &st),
				    report_fmt_time(
				        b, sizeof(b), u->after[k], 0, &st),
				    fmt_change(c1, sizeof(c1),
				        (u->after[k] - u->before[k]) /
				            u->before[k]));
			fputs(" |\n", f);
		}
		fputc('\n', f);
	}
	for (i = 0; c->only_before != NULL && c->only_before[i] != NULL; i++) {
		fputs("- only before: ", f);
		reportp_md_code(f, c->only_before[i]);
		fputc('\n', f);
	}
	for (i = 0; c->only_after != NULL && c->only_after[i] != NULL; i++) {
		fputs("- only after: ", f);
		reportp_md_code(f, c->only_after[i]);
		fputc('\n', f);
	}
	for (i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++) {
		fputs("- warning: ", f);
		reportp_md_text(f, c->warnings[i]);
		fputc('\n', f);
	}
}

static json_t *
side_json(const struct stats_summary *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "n", json_integer((json_int_t)s->n));
	json_object_set_new(o, "mean", reportp_jreal(s->mean));
	json_object_set_new(o, "stddev", reportp_jreal(s->stddev));
	json_object_set_new(o, "ci_low", reportp_jreal(s->ci_low));
	json_object_set_new(o, "ci_high", reportp_jreal(s->ci_high));
	return o;
}

json_t *
reportp_ratio_ci_json(const struct cmp_evidence *e)
{
	return e->computed && e->ratio.bounded
	           ? json_pack("[oo]", reportp_jreal(e->ratio.ci_low),
	                 reportp_jreal(e->ratio.ci_high))
	           : json_null();
}

json_t *
reportp_metric_json(const struct cmp_metric *m)
{
	json_t *o = json_object(), *s6;
	int t = m->ev.computed;

	json_object_set_new(o, "before", side_json(&m->before));
	json_object_set_new(o, "after", side_json(&m->after));
	json_object_set_new(o, "diff", reportp_jreal(m->diff));
	json_object_set_new(o, "change", reportp_jreal(m->change));
	json_object_set_new(
	    o, "ratio", reportp_jreal(t ? m->ev.ratio.ratio : NAN));
	json_object_set_new(o, "ratio_ci", reportp_ratio_ci_json(&m->ev));
	json_object_set_new(
	    o, "welch_t", t ? reportp_jreal(m->welch.t) : json_null());
	json_object_set_new(
	    o, "welch_df", t ? reportp_jreal(m->welch.df) : json_null());
	json_object_set_new(
	    o, "welch_p", t ? reportp_jreal(m->welch.p) : json_null());
	json_object_set_new(
	    o, "mwu_u", t ? reportp_jreal(m->mwu.u_a) : json_null());
	json_object_set_new(
	    o, "mwu_p", t ? reportp_jreal(m->mwu.p) : json_null());
	json_object_set_new(o, "mwu_exact", json_boolean(t && m->mwu.exact));
	json_object_set_new(
	    o, "verdict", json_string(report_verdict_name(m->dec.verdict)));
	json_object_set_new(o, "detectable", reportp_jreal(m->dec.detectable));
	json_object_set_new(o, "rule", json_string(m->dec.rule));
	s6 = json_object();
	json_object_set_new(s6, "meets",
	    isnan(m->noise) ? json_null() : json_boolean(m->section06));
	json_object_set_new(s6, "diff", reportp_jreal(m->diff));
	json_object_set_new(s6, "two_sd", reportp_jreal(m->noise));
	json_object_set_new(o, "section06", s6);
	return o;
}

json_t *
reportp_gate_json(const struct cmp_gate *g)
{
	json_t *gate = json_object(), *items = json_array(), *ms, *it;
	unsigned set = g->metrics != 0 ? g->metrics : 1u << CMP_M_WALL;
	size_t i;
	int k;

	json_object_set_new(
	    gate, "status", json_string(report_gate_name(g->status)));
	json_object_set_new(gate, "warn", reportp_jreal(g->warn));
	json_object_set_new(
	    gate, "fail", g->fail > 0 ? reportp_jreal(g->fail) : json_null());
	json_object_set_new(gate, "strict", json_boolean(g->strict));
	ms = json_array();
	for (k = 0; k < CMP_M_COUNT; k++) {
		if (set & (1u << k))
			json_array_append_new(
			    ms, json_string(
			            report_measure_name((enum cmp_measure)k)));
	}
	json_object_set_new(gate, "metrics", ms);
	for (i = 0; i < g->n_items; i++) {
		const struct gate_item *x = &g->items[i];

		it = json_object();
		json_object_set_new(it, "name", reportp_jstr(x->name));
		json_object_set_new(
		    it, "level", json_string(report_gate_name(x->level)));
		json_object_set_new(it, "metric",
		    x->metric >= 0 ? json_string(report_measure_name(
		                         (enum cmp_measure)x->metric))
		                   : json_null());
		json_object_set_new(it, "reason", json_string(x->reason));
		json_array_append_new(items, it);
	}
	json_object_set_new(gate, "benchmarks", items);
	return gate;
}

static json_t *
bench_json(const struct comparison *c, const struct cmp_bench *cb)
{
	const struct cmp_metric *m = &cb->m[c->opts.metric];
	json_t *b = json_object(), *metrics;
	size_t i;
	int k;

	json_object_set_new(b, "name", json_string(cb->name));
	if (cb->after_name != NULL)
		json_object_set_new(
		    b, "after_name", json_string(cb->after_name));
	json_object_set_new(
	    b, "verdict", json_string(report_verdict_name(cb->verdict)));
	json_object_set_new(b, "change", reportp_jreal(m->change));
	json_object_set_new(b, "ratio",
	    reportp_jreal(m->ev.computed ? m->ev.ratio.ratio : NAN));
	json_object_set_new(b, "ratio_ci", reportp_ratio_ci_json(&m->ev));
	json_object_set_new(b, "detectable", reportp_jreal(m->dec.detectable));
	json_object_set_new(b, "rule", json_string(m->dec.rule));
	json_object_set_new(b, "section06",
	    isnan(m->noise) ? json_null() : json_boolean(m->section06));
	json_object_set_new(b, "failed_runs",
	    json_pack("{s:I, s:I}", "before", (json_int_t)cb->failed_before,
	        "after", (json_int_t)cb->failed_after));
	if (c->opts.repro > 0)
		json_object_set_new(
		    b, "reproducible", json_boolean(cb->reproducible));
	if (c->opts.target > 0)
		json_object_set_new(
		    b, "target_met", json_boolean(cb->target_met));
	metrics = json_object();
	for (k = 0; k < CMP_M_COUNT; k++)
		json_object_set_new(metrics,
		    report_measure_name((enum cmp_measure)k),
		    reportp_metric_json(&cb->m[k]));
	json_object_set_new(b, "metrics", metrics);
	if (cb->phases != NULL) {
		metrics = json_object();
		for (i = 0; i < cb->n_phases; i++)
			json_object_set_new(metrics, cb->phases[i].name,
			    reportp_metric_json(&cb->phases[i].m));
		json_object_set_new(b, "phases", metrics);
	}
	return b;
}

char *
report_comparison_json(const struct comparison *c, const struct cmp_gate *g,
    struct bench_error *err)
{
	json_t *root, *benches;
	char *text;
	size_t i;

	root = json_object();
	json_object_set_new(
	    root, "schema", json_string("bench-tests/comparison"));
	json_object_set_new(
	    root, "schema_version", json_integer(COMPARISON_SCHEMA_VERSION));
	json_object_set_new(root, "before", json_string(c->before_name));
	json_object_set_new(root, "after", json_string(c->after_name));
	json_object_set_new(
	    root, "metric", json_string(report_measure_name(c->opts.metric)));
	json_object_set_new(root, "alpha", reportp_jreal(c->opts.alpha));
	json_object_set_new(root, "ci_level", reportp_jreal(c->opts.ci_level));
	json_object_set_new(root, "interval", json_string("fieller"));
	if (g != NULL)
		json_object_set_new(root, "gate", reportp_gate_json(g));
	benches = json_array();
	for (i = 0; i < c->n_benches; i++)
		json_array_append_new(benches, bench_json(c, &c->benches[i]));
	json_object_set_new(root, "benchmarks", benches);
	if (c->has_profiles) {
		json_t *units = json_array(), *u;

		for (i = 0; i < c->n_units; i++) {
			u = json_object();
			json_object_set_new(
			    u, "name", json_string(c->units[i].name));
			json_object_set_new(u, "before",
			    json_pack("{s:o, s:o, s:o}", "frontend",
			        reportp_jreal(c->units[i].before[0]), "backend",
			        reportp_jreal(c->units[i].before[1]), "wall",
			        reportp_jreal(c->units[i].before[2])));
			json_object_set_new(u, "after",
			    json_pack("{s:o, s:o, s:o}", "frontend",
			        reportp_jreal(c->units[i].after[0]), "backend",
			        reportp_jreal(c->units[i].after[1]), "wall",
			        reportp_jreal(c->units[i].after[2])));
			json_array_append_new(units, u);
		}
		json_object_set_new(root, "profile_units", units);
	}
	json_object_set_new(root, "only_before", reportp_jstrv(c->only_before));
	json_object_set_new(root, "only_after", reportp_jstrv(c->only_after));
	json_object_set_new(root, "warnings", reportp_jstrv(c->warnings));
	json_object_set_new(
	    root, "faster", json_integer((json_int_t)c->n_faster));
	json_object_set_new(
	    root, "slower", json_integer((json_int_t)c->n_slower));
	json_object_set_new(root, "untested",
	    json_integer((json_int_t)count_verdict(c, CMP_UNKNOWN)));
	if (c->opts.repro > 0) {
		json_object_set_new(
		    root, "reproducibility", reportp_jreal(c->opts.repro));
		json_object_set_new(
		    root, "reproducible", json_boolean(c->reproducible));
	}
	if (c->opts.target > 0) {
		json_object_set_new(
		    root, "target", reportp_jreal(c->opts.target));
		json_object_set_new(
		    root, "target_met", json_boolean(c->target_met));
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	json_decref(root);
	if (text == NULL)
		bench_error_set(
		    err, BENCH_ERR_NOMEM, "cannot serialise the comparison");
	return text;
}
