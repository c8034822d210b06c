/*
 * compare-write.c: a comparison (and the gate's judgement) as a terminal
 * table, as Markdown for documents and CI job summaries, and as JSON.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

static const char *const metric_label[3] = {"wall", "user", "system"};

static const char *
verdict_color(const struct report_style *st, enum cmp_verdict v)
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

/* "1.234 s +- 12.3 ms" */
static const char *
fmt_mean_sd(char *buf, size_t size, const struct stats_summary *s,
    const struct report_style *st)
{
	char m[32], d[32];

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

static const char *
fmt_p(char *buf, size_t size, double p, int tested)
{
	if (!tested || isnan(p))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.2g", p);
	return buf;
}

static const char *
fmt_ratio(char *buf, size_t size, const struct stats_ratio *r, int tested)
{
	if (!tested || isnan(r->ratio))
		snprintf(buf, size, "n/a");
	else if (!r->bounded)
		snprintf(buf, size, "%.3f [unbounded]", r->ratio);
	else
		snprintf(buf, size, "%.3f [%.3f, %.3f]", r->ratio, r->ci_low,
		    r->ci_high);
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

void
report_comparison_text(FILE *f, const struct comparison *c,
    const struct cmp_gate *g, const struct report_style *st)
{
	char a[96], b[96], r[64], p1[16], p2[16], c1[16];
	size_t i, k, same;
	int lvl;

	fprintf(f,
	    "Comparing %s (before) with %s (after): a change counts "
	    "when it exceeds\n2 sd and Welch's t-test and the "
	    "Mann-Whitney U test agree at alpha = %g.\n",
	    c->before_name, c->after_name, c->opts.alpha);
	for (i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++)
		fprintf(f, "%sWarning%s: %s\n", st->color ? "\033[33m" : "",
		    reset(st), c->warnings[i]);
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *cb = &c->benches[i];

		fprintf(f, "\n%s%s%s: %s%s%s", st->color ? "\033[1m" : "",
		    cb->name, reset(st), verdict_color(st, cb->verdict),
		    report_verdict_name(cb->verdict), reset(st));
		if (isfinite(cb->m[0].change))
			fprintf(f, " (%+.1f %%)", 100 * cb->m[0].change);
		fputc('\n', f);
		fprintf(f, "  %-7s %-22s %-22s %8s  %-24s %8s %8s  %s\n",
		    "metric", "before", "after", "change", "ratio [CI]",
		    "Welch p", "MWU p", "verdict");
		for (k = 0; k < 3; k++) {
			const struct cmp_metric *m = &cb->m[k];

			fprintf(f,
			    "  %-7s %-22s %-22s %8s  %-24s %8s %8s  "
			    "%s%s%s\n",
			    metric_label[k],
			    fmt_mean_sd(a, sizeof(a), &m->before, st),
			    fmt_mean_sd(b, sizeof(b), &m->after, st),
			    fmt_change(c1, sizeof(c1), m->change),
			    fmt_ratio(r, sizeof(r), &m->ratio, m->tested),
			    fmt_p(p1, sizeof(p1), m->welch.p, m->tested),
			    fmt_p(p2, sizeof(p2), m->mwu.p, m->tested),
			    verdict_color(st, m->verdict),
			    report_verdict_name(m->verdict), reset(st));
		}
		fprintf(f, "  rule (wall): %s\n", cb->m[0].rule);
		if (c->opts.repro > 0)
			fprintf(f,
			    "  reproducibility: the means differ by "
			    "%.1f %% %s %.0f %%: %s\n",
			    100 * cb->rel_diff, cb->reproducible ? "<=" : ">",
			    100 * c->opts.repro,
			    cb->reproducible ? "reproducible"
			                     : "NOT reproducible");
		if (c->opts.target > 0)
			fprintf(f, "  target %s: Met: %s (after mean %s)\n",
			    report_fmt_time(
			        a, sizeof(a), c->opts.target, 0, st),
			    cb->target_met ? "yes" : "no",
			    report_fmt_time(
			        b, sizeof(b), cb->m[0].after.mean, 0, st));
		lvl = g != NULL && g->levels != NULL ? g->levels[i] : 0;
		if (lvl > 0)
			fprintf(f,
			    "  gate: %s%s%s: %.1f %% slower, beyond "
			    "--%s %.0f %%\n",
			    st->color ? "\033[1;31m" : "",
			    lvl == 2 ? "FAIL" : "WARN", reset(st),
			    100 * cb->m[0].change, lvl == 2 ? "fail" : "warn",
			    100 * (lvl == 2 ? g->fail : g->warn));
	}
	fputc('\n', f);
	if (c->has_profiles)
		text_profile_deltas(f, c, st);
	print_strv(f, "Only in the before baseline:", c->only_before);
	print_strv(f, "Only in the after baseline:", c->only_after);
	same = c->n_benches - c->n_faster - c->n_slower;
	fprintf(f,
	    "Summary: %zu faster, %zu slower, %zu without a "
	    "significant change.\n",
	    c->n_faster, c->n_slower, same);
	if (c->opts.repro > 0)
		fprintf(f, "Reproducibility (means within %.0f %%): %s\n",
		    100 * c->opts.repro, c->reproducible ? "yes" : "NO");
	if (c->opts.target > 0)
		fprintf(f, "Target %s: Met: %s\n",
		    report_fmt_time(a, sizeof(a), c->opts.target, 0, st),
		    c->target_met ? "yes" : "no");
	if (g != NULL)
		fprintf(f, "Gate: %s\n", report_gate_name(g->status));
}

/* Markdown-safe inline code: backticks become quotes, pipes are escaped. */
static void
md_code(FILE *f, const char *s)
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

static void
md_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>|#", *s) != NULL)
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

void
report_comparison_markdown(
    FILE *f, const struct comparison *c, const struct cmp_gate *g)
{
	struct report_style st = {0, 1};
	char a[96], b[96], r[64], p1[16], p2[16], c1[16];
	size_t i, k;

	fprintf(f, "### bench-tests: ");
	md_text(f, c->before_name);
	fprintf(f, " → ");
	md_text(f, c->after_name);
	fprintf(f, "\n\n");
	if (g != NULL) {
		if (g->fail > 0)
			fprintf(f,
			    "**Gate: %s** (warn beyond %.0f %% slower, "
			    "fail beyond %.0f %%)\n\n",
			    report_gate_name(g->status), 100 * g->warn,
			    100 * g->fail);
		else
			fprintf(f,
			    "**Gate: %s** (warn beyond %.0f %% slower, "
			    "never fail)\n\n",
			    report_gate_name(g->status), 100 * g->warn);
	}
	fprintf(f,
	    "| Benchmark | Metric | Before | After | Change | Ratio "
	    "[%.0f %% CI] | Welch p | MWU p | Verdict |\n",
	    100 * c->opts.ci_level);
	fprintf(f, "|---|---|---:|---:|---:|---|---:|---:|---|\n");
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *cb = &c->benches[i];

		for (k = 0; k < 3; k++) {
			const struct cmp_metric *m = &cb->m[k];

			fputs("| ", f);
			if (k == 0)
				md_code(f, cb->name);
			fprintf(f,
			    " | %s | %s | %s | %s | %s | %s | %s | "
			    "%s%s%s |\n",
			    metric_label[k],
			    fmt_mean_sd(a, sizeof(a), &m->before, &st),
			    fmt_mean_sd(b, sizeof(b), &m->after, &st),
			    fmt_change(c1, sizeof(c1), m->change),
			    fmt_ratio(r, sizeof(r), &m->ratio, m->tested),
			    fmt_p(p1, sizeof(p1), m->welch.p, m->tested),
			    fmt_p(p2, sizeof(p2), m->mwu.p, m->tested),
			    m->verdict == CMP_SAME ? "" : "**",
			    report_verdict_name(m->verdict),
			    m->verdict == CMP_SAME ? "" : "**");
		}
	}
	fprintf(f,
	    "\nA change counts when it exceeds 2 sd and Welch's t-test "
	    "and the Mann-Whitney U test agree at alpha = %g.\n\n",
	    c->opts.alpha);
	for (i = 0; i < c->n_benches; i++) {
		fputs("- ", f);
		md_code(f, c->benches[i].name);
		fprintf(
		    f, ": %s: ", report_verdict_name(c->benches[i].verdict));
		md_text(f, c->benches[i].m[0].rule);
		if (c->opts.repro > 0)
			fprintf(f, "; means differ by %.1f %% (%s)",
			    100 * c->benches[i].rel_diff,
			    c->benches[i].reproducible
			        ? "reproducible"
			        : "**not reproducible**");
		if (c->opts.target > 0)
			fprintf(f, "; target %s: Met: %s",
			    report_fmt_time(
			        a, sizeof(a), c->opts.target, 0, &st),
			    c->benches[i].target_met ? "yes" : "no");
		if (g != NULL && g->levels != NULL && g->levels[i] > 0)
			fprintf(f, "; **gate: %s**",
			    g->levels[i] == 2 ? "fail" : "warn");
		fputc('\n', f);
	}
	if (c->has_profiles) {
		fprintf(f, "\n| Unit | Frontend before | after | change | "
		           "Backend before | after | change |\n"
		           "|---|---:|---:|---:|---:|---:|---:|\n");
		for (i = 0; i < c->n_units; i++) {
			const struct cmp_unit *u = &c->units[i];

			fputs("| ", f);
			md_code(f, u->name);
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
		md_code(f, c->only_before[i]);
		fputc('\n', f);
	}
	for (i = 0; c->only_after != NULL && c->only_after[i] != NULL; i++) {
		fputs("- only after: ", f);
		md_code(f, c->only_after[i]);
		fputc('\n', f);
	}
	for (i = 0; c->warnings != NULL && c->warnings[i] != NULL; i++) {
		fputs("- warning: ", f);
		md_text(f, c->warnings[i]);
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

static json_t *
metric_json(const struct cmp_metric *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "before", side_json(&m->before));
	json_object_set_new(o, "after", side_json(&m->after));
	json_object_set_new(o, "diff", reportp_jreal(m->diff));
	json_object_set_new(o, "change", reportp_jreal(m->change));
	json_object_set_new(o, "noise", reportp_jreal(m->noise));
	json_object_set_new(o, "ratio", reportp_jreal(m->ratio.ratio));
	json_object_set_new(o, "ratio_ci",
	    m->tested && m->ratio.bounded
	        ? json_pack("[oo]", reportp_jreal(m->ratio.ci_low),
	              reportp_jreal(m->ratio.ci_high))
	        : json_null());
	json_object_set_new(
	    o, "welch_t", m->tested ? reportp_jreal(m->welch.t) : json_null());
	json_object_set_new(o, "welch_df",
	    m->tested ? reportp_jreal(m->welch.df) : json_null());
	json_object_set_new(
	    o, "welch_p", m->tested ? reportp_jreal(m->welch.p) : json_null());
	json_object_set_new(
	    o, "mwu_u", m->tested ? reportp_jreal(m->mwu.u_a) : json_null());
	json_object_set_new(
	    o, "mwu_p", m->tested ? reportp_jreal(m->mwu.p) : json_null());
	json_object_set_new(o, "mwu_exact", json_boolean(m->mwu.exact));
	json_object_set_new(
	    o, "verdict", json_string(report_verdict_name(m->verdict)));
	json_object_set_new(o, "rule", json_string(m->rule));
	return o;
}

char *
report_comparison_json(const struct comparison *c, const struct cmp_gate *g,
    struct bench_error *err)
{
	json_t *root, *benches, *b, *metrics, *gate, *lv;
	char *text;
	size_t i, k;

	root = json_object();
	json_object_set_new(
	    root, "schema", json_string("bench-tests/comparison"));
	json_object_set_new(root, "schema_version", json_integer(1));
	json_object_set_new(root, "before", json_string(c->before_name));
	json_object_set_new(root, "after", json_string(c->after_name));
	json_object_set_new(root, "alpha", reportp_jreal(c->opts.alpha));
	json_object_set_new(root, "ci_level", reportp_jreal(c->opts.ci_level));
	if (g != NULL) {
		gate = json_object();
		json_object_set_new(
		    gate, "status", json_string(report_gate_name(g->status)));
		json_object_set_new(gate, "warn", reportp_jreal(g->warn));
		json_object_set_new(gate, "fail",
		    g->fail > 0 ? reportp_jreal(g->fail) : json_null());
		lv = json_array();
		for (i = 0; g->levels != NULL && i < c->n_benches; i++) {
			if (g->levels[i] > 0)
				json_array_append_new(
				    lv, json_pack("{s:s, s:s, s:o}", "name",
				            c->benches[i].name, "level",
				            g->levels[i] == 2 ? "fail" : "warn",
				            "change",
				            reportp_jreal(
				                c->benches[i].m[0].change)));
		}
		json_object_set_new(gate, "regressions", lv);
		json_object_set_new(root, "gate", gate);
	}
	benches = json_array();
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *cb = &c->benches[i];

		b = json_object();
		json_object_set_new(b, "name", json_string(cb->name));
		json_object_set_new(b, "verdict",
		    json_string(report_verdict_name(cb->verdict)));
		json_object_set_new(
		    b, "change", reportp_jreal(cb->m[0].change));
		if (c->opts.repro > 0)
			json_object_set_new(
			    b, "reproducible", json_boolean(cb->reproducible));
		if (c->opts.target > 0)
			json_object_set_new(
			    b, "target_met", json_boolean(cb->target_met));
		metrics = json_object();
		for (k = 0; k < 3; k++)
			json_object_set_new(
			    metrics, metric_label[k], metric_json(&cb->m[k]));
		json_object_set_new(b, "metrics", metrics);
		json_array_append_new(benches, b);
	}
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
