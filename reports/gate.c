/*
 * gate.c: the nightly gate (check) built on the comparison's decisions,
 * and when it may move the stored baseline forward.
 *
 * A gate that passes what it could not judge is worse than none: untested
 * metrics, benchmarks missing from the result, incomplete results and
 * failed runs are never a pass.  They warn with their reason, and fail
 * under --strict.  A slowdown fails only when the interval's lower bound
 * clears --fail (the data are sure it is at least that large), and warns
 * when the point estimate reaches --warn.
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "reports-int.h"

const char *
report_gate_name(enum gate_status s)
{
	switch (s) {
	case GATE_PASS:
		return "pass";
	case GATE_WARN:
		return "warn";
	case GATE_FAIL:
		return "fail";
	case GATE_NO_BASELINE:
		break;
	}
	return "no-baseline";
}

/* The level of what the gate cannot judge. */
static enum gate_status
unjudged(const struct cmp_gate *g)
{
	return g->strict ? GATE_FAIL : GATE_WARN;
}

static void add_reason(struct gate_item *it, enum gate_status level, int metric,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Add a reason to an item: a worse level replaces the reasons so far (the
 * worst decides and comes first), an equal one is appended, a better one is
 * left out unless the item has none yet.
 */
static void
add_reason(struct gate_item *it, enum gate_status level, int metric,
    const char *fmt, ...)
{
	char buf[sizeof(it->reason) - 20];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (it->reason[0] == '\0' || level > it->level) {
		it->level = level;
		it->metric = metric;
		snprintf(it->reason, sizeof(it->reason), "%s: %s",
		    report_gate_name(level), buf);
	} else if (level == it->level) {
		len = strlen(it->reason);
		snprintf(
		    it->reason + len, sizeof(it->reason) - len, "; %s", buf);
	}
}

/* The gate's judgement of one watched metric of a benchmark. */
static void
judge_metric(const struct cmp_gate *g, const struct cmp_metric *m,
    enum cmp_measure k, struct gate_item *it)
{
	const struct stats_ratio *r = &m->ev.ratio;
	const char *name = report_measure_name(k);
	char ch[96];

	switch (m->dec.verdict) {
	case CMP_UNKNOWN:
		add_reason(it, unjudged(g), (int)k, "%s %s", name, m->dec.rule);
		return;
	case CMP_SAME:
		add_reason(it, GATE_PASS, (int)k,
		    "%s: no significant change (changes beyond +-%.1f %% "
		    "would have been detected)",
		    name, 100 * m->dec.detectable);
		return;
	case CMP_FASTER:
		add_reason(it, GATE_PASS, (int)k, "%s %s", name,
		    reportp_fmt_change(ch, sizeof(ch), CMP_FASTER, r));
		return;
	case CMP_SLOWER:
		break;
	}
	reportp_fmt_change(ch, sizeof(ch), CMP_SLOWER, r);
	if (g->fail > 0 && r->ci_low >= 1 + g->fail)
		add_reason(it, GATE_FAIL, (int)k,
		    "%s %s, lower bound above --fail %g %%", name, ch,
		    100 * g->fail);
	else if (r->ratio >= 1 + g->warn)
		add_reason(it, GATE_WARN, (int)k,
		    "%s %s, beyond --warn %g %%%s", name, ch, 100 * g->warn,
		    g->fail > 0 ? ", lower bound below --fail" : "");
	else
		add_reason(it, GATE_PASS, (int)k, "%s %s, below --warn %g %%",
		    name, ch, 100 * g->warn);
}

static struct gate_item *
new_item(struct cmp_gate *g, const char *name)
{
	struct gate_item *it = &g->items[g->n_items++];

	memset(it, 0, sizeof(*it));
	it->name = name != NULL ? reportp_xstrdup(name) : NULL;
	it->level = GATE_PASS;
	it->metric = -1;
	return it;
}

void
report_gate_clear(struct cmp_gate *g)
{
	size_t i;

	for (i = 0; i < g->n_items; i++)
		free(g->items[i].name);
	free(g->items);
	g->items = NULL;
	g->n_items = 0;
}

void
report_gate_apply(struct cmp_gate *g, const struct comparison *c)
{
	unsigned watch = g->metrics != 0 ? g->metrics : 1u << CMP_M_WALL;
	struct gate_item *it;
	size_t i, n_missing = 0;
	int k;

	report_gate_clear(g);
	while (c->only_before != NULL && c->only_before[n_missing] != NULL)
		n_missing++;
	g->items =
	    reportp_xcalloc(c->n_benches + n_missing + 1, sizeof(*g->items));
	for (i = 0; i < c->n_benches; i++) {
		const struct cmp_bench *cb = &c->benches[i];

		it = new_item(g, cb->name);
		for (k = 0; k < CMP_M_COUNT; k++) {
			if (watch & (1u << k))
				judge_metric(
				    g, &cb->m[k], (enum cmp_measure)k, it);
		}
		if (cb->failed_after > 0)
			add_reason(it, unjudged(g), -1,
			    "%zu of %zu runs of the result failed",
			    cb->failed_after, cb->m[CMP_M_WALL].ev.n_after);
	}
	for (i = 0; i < n_missing; i++) {
		it = new_item(g, c->only_before[i]);
		add_reason(it, unjudged(g), -1,
		    "in the baseline but missing from the result");
	}
	if (!c->after_complete) {
		it = new_item(g, NULL);
		add_reason(it, unjudged(g), -1,
		    "the result is incomplete (interrupted)");
	}
	g->status = GATE_PASS;
	for (i = 0; i < g->n_items; i++) {
		if (g->items[i].level > g->status)
			g->status = g->items[i].level;
	}
}

int
report_gate_may_update(const struct cmp_gate *g, const struct baseline *stored,
    const struct baseline *result, size_t runs, char *why, size_t size)
{
	const struct bench_result *r, *s;
	size_t i, j, need, failed;

	if (g != NULL && g->status != GATE_PASS) {
		snprintf(
		    why, size, "the gate said %s", report_gate_name(g->status));
		return 0;
	}
	if (!result->complete) {
		snprintf(why, size, "the result is incomplete (interrupted)");
		return 0;
	}
	if (result->n_results == 0) {
		snprintf(why, size, "the result holds no benchmark");
		return 0;
	}
	for (i = 0; i < result->n_results; i++) {
		r = &result->results[i];
		for (j = 0, failed = 0; j < r->n_runs; j++)
			failed += report_run_failed(&r->runs[j]);
		if (failed > 0) {
			snprintf(why, size, "%zu of the runs of '%s' failed",
			    failed, r->name);
			return 0;
		}
		s = stored != NULL ? report_baseline_find(stored, r->name)
		                   : NULL;
		if (s == NULL && stored != NULL && stored->n_results == 1 &&
		    result->n_results == 1)
			s = &stored->results[0]; /* compared as one pair */
		need = s != NULL && s->n_runs < runs ? s->n_runs : runs;
		if (need < 2)
			need = 2;
		if (r->n_runs < need) {
			snprintf(why, size,
			    "'%s' has %zu run%s, fewer than %zu (the "
			    "baseline's runs or --runs, whichever is smaller, "
			    "and at least 2)",
			    r->name, r->n_runs, r->n_runs == 1 ? "" : "s",
			    need);
			return 0;
		}
	}
	return 1;
}
