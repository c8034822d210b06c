/*
 * server-html.c: the results server's web page.
 *
 * Plain HTML rendered here, with the charts as inline SVG: no script at
 * all (the Content-Security-Policy forbids it), so the page works in any
 * browser, in a terminal browser for its tables, and in a test's headless
 * Chromium.  Every string from a baseline is escaped (sbuf_html), and
 * every benchmark name in a link is percent-encoded first.  Points are
 * links to their baseline's JSON and carry a <title> tooltip.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

/* The chart's size and margins, in SVG user units. */
#define CW  960.0
#define CH  420.0
#define ML  78.0
#define MR  24.0
#define MT  40.0
#define MB  64.0
#define SPW 160.0 /* sparkline */
#define SPH 36.0

#define C_MEAN   "#1f5fbf"
#define C_BAND   "#1f5fbf"
#define C_USER   "#d97706"
#define C_SYS    "#7c3aed"
#define C_SLOWER "#c81e1e"
#define C_FASTER "#15803d"
#define C_AXIS   "#444"
#define C_GRID   "#e3e3e3"

static const char style_css[] =
    "body{font:15px/1.45 system-ui,-apple-system,'DejaVu Sans',sans-serif;"
    "margin:0;color:#1d1d1f;background:#fafafa}"
    "header{background:#1d2b3a;color:#fff;padding:.6em 1.2em}"
    "header a{color:#fff;text-decoration:none;font-weight:600}"
    "main{max-width:1100px;margin:0 auto;padding:1em 1.2em 2em}"
    "h1{font-size:1.5em;margin:.4em 0;word-break:break-all}"
    "h2{font-size:1.15em;margin:1.6em 0 .5em}"
    "table{border-collapse:collapse;width:100%;background:#fff}"
    "th,td{padding:.35em .6em;border-bottom:1px solid #e5e5e5;"
    "text-align:left;vertical-align:middle}"
    "th{background:#f0f2f5;font-weight:600;font-size:.9em}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    ".slower{color:" C_SLOWER ";font-weight:600}"
    ".faster{color:" C_FASTER ";font-weight:600}"
    ".same{color:#666}"
    ".note{background:#fff7e0;border:1px solid #f0d68a;padding:.4em .7em}"
    ".muted{color:#666;font-size:.9em}"
    "figure{margin:1em 0;background:#fff;border:1px solid #e5e5e5}"
    "figcaption{padding:.3em .8em .6em;font-size:.9em;color:#444}"
    "svg.chart{width:100%;height:auto;display:block}"
    "form.filters{display:flex;gap:1em;flex-wrap:wrap;align-items:end;"
    "margin:.6em 0}"
    "form.filters label{display:flex;flex-direction:column;font-size:.85em}"
    "code{background:#eef0f3;padding:0 .25em}"
    "footer{color:#777;font-size:.85em;text-align:center;padding:1em}";

static void
page_start(struct sbuf *b, const char *title)
{
	sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	             "<meta charset=\"utf-8\">"
	             "<meta name=\"viewport\" content=\"width=device-width, "
	             "initial-scale=1\"><link rel=\"icon\" href=\"data:,\">"
	             "<title>");
	sbuf_html(b, title);
	sbuf_puts(b, " \xe2\x80\x94 bench-tests</title><style>");
	sbuf_puts(b, style_css);
	sbuf_puts(b, "</style></head><body><header><a href=\"/\">bench-tests "
	             "results</a></header><main>\n");
}

static char *
page_end(struct sbuf *b, size_t *len)
{
	sbuf_puts(b, "</main><footer>bench-tests " PACKAGE_VERSION
	             " \xc2\xb7 <a href=\"/api/v1/benchmarks\">JSON API</a>"
	             "</footer></body></html>\n");
	return sbuf_take(b, len);
}

/* A duration with a unit that fits (ref picks the unit when > 0). */
static const char *
dur(char *buf, size_t size, double s, double ref)
{
	struct report_style st = {0, 1};

	return report_fmt_time(buf, size, s, ref, &st);
}

/* The time t (Unix seconds, UTC) as text in format fmt. */
static const char *
when(char *buf, size_t size, double t, const char *fmt)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!isfinite(t) || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, size, "?");
	else
		strftime(buf, size, fmt, &tm);
	return buf;
}

/* Append a link to the benchmark's page. */
static void
bench_href(struct sbuf *b, const char *name)
{
	sbuf_puts(b, "/benchmarks/");
	sbuf_url(b, name);
}

/* The change of a point against the previous one, as a table cell. */
static void
change_cell(struct sbuf *b, const struct server_change *c)
{
	const char *m = report_measure_name(c->metric);
	double pct;

	if (!c->computed || !isfinite(c->ratio)) {
		sbuf_printf(b,
		    "<td class=\"num same\" title=\"%s: %s\">\xe2\x80\x94"
		    "</td>",
		    m, report_verdict_name(c->verdict));
		return;
	}
	pct = (c->ratio - 1) * 100;
	if (c->significant)
		sbuf_printf(b,
		    "<td class=\"num change %s\" title=\"%s %s: ratio %.3f "
		    "[%.3f, %.3f], p(Welch) %.2g, p(Mann-Whitney) %.2g\">"
		    "%+.1f %% %s</td>",
		    pct > 0 ? "slower" : "faster", m,
		    report_verdict_name(c->verdict), c->ratio, c->ci_low,
		    c->ci_high, c->p_welch, c->p_mwu, pct,
		    pct > 0 ? "slower" : "faster");
	else if (c->verdict == CMP_SAME)
		sbuf_printf(b,
		    "<td class=\"num same\" title=\"%s: no significant "
		    "change; changes beyond \xc2\xb1%.1f %% would have been "
		    "detected\">%+.1f %%</td>",
		    m, 100 * c->detectable, pct);
	else
		sbuf_printf(b,
		    "<td class=\"num same\" title=\"%s: untested\">%+.1f %%"
		    "</td>",
		    m, pct);
}

/* How the markers decide, in words. */
static void
rule_text(struct sbuf *b, const struct cmp_opts *o)
{
	sbuf_printf(b,
	    "a change of %s time is significant when the %g %% confidence "
	    "interval of the ratio of the means excludes 1 and both Welch's "
	    "t-test and the Mann-Whitney U test give p &lt; %g",
	    report_measure_name(o->metric), 100 * o->ci_level, o->alpha);
}

/* The mean of metric m of a point (cpu: user + system). */
static double
point_mean(const struct server_point *p, enum cmp_measure m)
{
	switch (m) {
	case CMP_M_CPU:
		return p->m[METRIC_USER].mean + p->m[METRIC_SYS].mean;
	case CMP_M_USER:
		return p->m[METRIC_USER].mean;
	case CMP_M_SYS:
		return p->m[METRIC_SYS].mean;
	default:
		return p->m[METRIC_WALL].mean;
	}
}

/* The newest significant change among the points, as a table cell. */
static void
last_change_cell(struct sbuf *b, const struct server_point *p, size_t n)
{
	char tb[32];
	size_t i;

	for (i = n; i-- > 1;) {
		if (!p[i].change.significant)
			continue;
		sbuf_printf(b,
		    "<td class=\"num change %s\">%+.1f %% %s <span "
		    "class=\"muted\">%s</span></td>",
		    p[i].change.ratio > 1 ? "slower" : "faster",
		    (p[i].change.ratio - 1) * 100,
		    p[i].change.ratio > 1 ? "slower" : "faster",
		    when(tb, sizeof(tb), p[i].t, "%Y-%m-%d"));
		return;
	}
	sbuf_puts(b, "<td class=\"same\">none recently</td>");
}

/* A small trend line of the means, with significant changes dotted. */
static void
sparkline(struct sbuf *b, const struct server_point *p, size_t n)
{
	double lo = INFINITY, hi = -INFINITY, x, y;
	char tb[48];
	size_t i;

	for (i = 0; i < n; i++) {
		if (isfinite(p[i].m[METRIC_WALL].mean)) {
			lo = fmin(lo, p[i].m[METRIC_WALL].mean);
			hi = fmax(hi, p[i].m[METRIC_WALL].mean);
		}
	}
	sbuf_printf(b,
	    "<svg class=\"spark\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 "
	    "0 %.0f %.0f\" role=\"img\" aria-label=\"trend of the mean wall "
	    "time\">",
	    SPW, SPH, SPW, SPH);
	if (n == 0 || !isfinite(lo)) {
		sbuf_puts(b, "</svg>");
		return;
	}
	if (hi - lo < 1e-12 * fmax(1, hi))
		lo -= 1e-9, hi += 1e-9;
	sbuf_printf(b, "<title>mean wall time, last %zu baselines: %s to ", n,
	    dur(tb, sizeof(tb), lo, 0));
	sbuf_printf(b, "%s</title>", dur(tb, sizeof(tb), hi, 0));
	sbuf_puts(b, "<polyline fill=\"none\" stroke=\"" C_MEAN
	             "\" stroke-width=\"1.5\" points=\"");
	for (i = 0; i < n; i++) {
		x = n == 1 ? SPW / 2
		           : 3 + (SPW - 6) * (double)i / (double)(n - 1);
		y = SPH - 4 -
		    (SPH - 8) * (p[i].m[METRIC_WALL].mean - lo) / (hi - lo);
		sbuf_printf(b, "%.1f,%.1f ", x, y);
	}
	sbuf_puts(b, "\"/>");
	for (i = 0; i < n; i++) {
		if (!p[i].change.significant && i != n - 1)
			continue;
		x = n == 1 ? SPW / 2
		           : 3 + (SPW - 6) * (double)i / (double)(n - 1);
		y = SPH - 4 -
		    (SPH - 8) * (p[i].m[METRIC_WALL].mean - lo) / (hi - lo);
		sbuf_printf(b,
		    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>", x,
		    y, p[i].change.significant ? "3" : "2",
		    !p[i].change.significant ? C_MEAN
		    : p[i].change.ratio > 1  ? C_SLOWER
		                             : C_FASTER);
	}
	sbuf_puts(b, "</svg>");
}

char *
server_html_index(const struct cmp_opts *o, const struct server_benchmark *rows,
    size_t n, struct server_point *const *trends, const size_t *n_trend,
    size_t *len)
{
	struct sbuf b = {NULL, 0, 0};
	const struct server_point *last;
	const struct server_metric_stats *w;
	char t1[48], t2[48];
	size_t i;

	page_start(&b, "Benchmarks");
	sbuf_puts(&b, "<h1>Benchmarks</h1>\n");
	if (n == 0) {
		sbuf_puts(&b, "<p class=\"empty\">No baselines yet. Send one "
		              "with <code>bench-tests post FILE</code> or "
		              "measure with <code>bench-tests run --post"
		              "</code>.</p>\n");
		return page_end(&b, len);
	}
	sbuf_printf(&b,
	    "<p class=\"muted\">%zu benchmark%s. Wall time is the mean of a "
	    "baseline's runs, with its 95 %% confidence interval; ",
	    n, n == 1 ? "" : "s");
	rule_text(&b, o);
	sbuf_puts(&b, ".</p>\n");
	sbuf_puts(&b, "<table class=\"benchmarks\"><thead><tr><th>Benchmark"
	              "</th><th>Latest wall time</th><th>vs. previous</th>"
	              "<th>Last significant change</th><th>Trend</th>"
	              "<th>Baselines</th><th>Latest</th><th>Host</th>"
	              "</tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		last = n_trend[i] > 0 ? &trends[i][n_trend[i] - 1] : NULL;
		sbuf_puts(&b, "<tr><td><a class=\"bench\" href=\"");
		bench_href(&b, rows[i].name);
		sbuf_puts(&b, "\">");
		sbuf_html(&b, rows[i].name);
		sbuf_puts(&b, "</a></td>");
		if (last == NULL) {
			sbuf_puts(&b, "<td></td><td></td><td></td><td></td>");
		} else {
			w = &last->m[METRIC_WALL];
			sbuf_printf(&b, "<td class=\"num\">%s",
			    dur(t1, sizeof(t1), w->mean, 0));
			if (isfinite(w->ci_high))
				sbuf_printf(&b, " \xc2\xb1 %s",
				    dur(t2, sizeof(t2),
				        (w->ci_high - w->ci_low) / 2, w->mean));
			sbuf_puts(&b, "</td>");
			change_cell(&b, &last->change);
			last_change_cell(&b, trends[i], n_trend[i]);
			sbuf_puts(&b, "<td>");
			sparkline(&b, trends[i], n_trend[i]);
			sbuf_puts(&b, "</td>");
		}
		sbuf_printf(&b, "<td class=\"num\">%lld</td>", rows[i].count);
		sbuf_printf(&b, "<td class=\"num\">%s</td><td>",
		    last != NULL
		        ? when(t1, sizeof(t1), last->t, "%Y-%m-%d %H:%M")
		        : "");
		if (last != NULL)
			sbuf_html(&b, last->host);
		sbuf_puts(&b, "</td></tr>\n");
	}
	sbuf_puts(&b, "</tbody></table>\n");
	return page_end(&b, len);
}

/* A step of 1, 2 or 5 times a power of ten, about range / target. */
static double
nice_step(double range, int target)
{
	double raw = range / target, mag = pow(10, floor(log10(raw))), f;

	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

struct chart {
	double t0, t1; /* time range */
	double ymax;   /* top of the y axis, seconds */
	double scale;  /* seconds to the axis unit */
	const char *unit;
	size_t n;
};

static double
cx(const struct chart *c, double t, size_t i)
{
	if (c->t1 - c->t0 <= 0)
		return ML +
		       (CW - ML - MR) *
		           (c->n <= 1 ? 0.5 : (double)i / (double)(c->n - 1));
	return ML + (CW - ML - MR) * (t - c->t0) / (c->t1 - c->t0);
}

static double
cy(const struct chart *c, double v)
{
	return CH - MB - (CH - MT - MB) * v / c->ymax;
}

static void
polyline(struct sbuf *b, const struct chart *c, const struct server_point *p,
    int metric, const char *color, const char *dash, const char *cls)
{
	size_t i;

	sbuf_printf(b,
	    "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"%s\"%s%s%s points=\"",
	    cls, color, metric == METRIC_WALL ? "2" : "1.5",
	    dash != NULL ? " stroke-dasharray=\"" : "",
	    dash != NULL ? dash : "", dash != NULL ? "\"" : "");
	for (i = 0; i < c->n; i++) {
		if (isfinite(p[i].m[metric].mean))
			sbuf_printf(b, "%.1f,%.1f ", cx(c, p[i].t, i),
			    cy(c, p[i].m[metric].mean));
	}
	sbuf_puts(b, "\"/>\n");
}

/* A tick on the time axis at x with its label (kept inside the chart). */
static void
tick(struct sbuf *b, double x, const char *label)
{
	const char *anchor = x > CW - MR - 40 ? "end"
	                     : x < ML + 40    ? "start"
	                                      : "middle";

	sbuf_printf(b,
	    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" "
	    "stroke=\"" C_AXIS "\"/><text x=\"%.1f\" y=\"%.0f\" "
	    "text-anchor=\"%s\" font-size=\"12\" fill=\"" C_AXIS
	    "\">%s</text>\n",
	    x, x, CH - MB, CH - MB + 5, x, CH - MB + 20, anchor, label);
}

static void
axes(struct sbuf *b, const struct chart *c)
{
	double step, v, x, span = c->t1 - c->t0;
	char tb[48];
	const char *fmt;
	int k, ticks;

	/* y: gridlines and labels in the axis unit. */
	step = nice_step(c->ymax * c->scale, 6);
	for (v = 0; v <= c->ymax * c->scale * 1.0001; v += step) {
		double y = cy(c, v / c->scale);

		sbuf_printf(b,
		    "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"" C_GRID "\"/><text x=\"%.0f\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"12\" fill=\"" C_AXIS
		    "\">%g</text>\n",
		    ML, CW - MR, y, y, ML - 8, y + 4, v);
	}
	sbuf_printf(b,
	    "<text class=\"axis-title\" transform=\"translate(18 %.0f) "
	    "rotate(-90)\" text-anchor=\"middle\" font-size=\"13\" "
	    "fill=\"" C_AXIS "\">time per run (%s)</text>\n",
	    (MT + CH - MB) / 2, c->unit);
	/* x: round times (midnights, hours) a nice step apart. */
	if (span > 0) {
		static const double steps[] = {60, 300, 900, 1800, 3600,
		    3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400,
		    14 * 86400, 28 * 86400, 91 * 86400, 182 * 86400,
		    364 * 86400, 728 * 86400};
		double st = steps[0], t;
		size_t k2;

		for (k2 = 0; k2 < sizeof(steps) / sizeof(steps[0]); k2++) {
			st = steps[k2];
			if (span / st <= 7)
				break;
		}
		fmt = st >= 86400 ? "%Y-%m-%d" : "%m-%d %H:%M";
		for (t = ceil(c->t0 / st) * st; t <= c->t1; t += st) {
			x = cx(c, t, 0);
			tick(b, x, when(tb, sizeof(tb), t, fmt));
		}
	} else {
		/* One time (or none): a label under each point. */
		ticks = c->n < 6 ? (int)c->n : 6;
		for (k = 0; k < ticks; k++) {
			size_t idx = ticks == 1
			                 ? 0
			                 : (size_t)lround((double)k *
			                                  (double)(c->n - 1) /
			                                  (ticks - 1));

			x = cx(c, c->t0, idx);
			tick(b, x,
			    when(tb, sizeof(tb), c->t0, "%Y-%m-%d %H:%M"));
		}
	}
	sbuf_printf(b,
	    "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" "
	    "stroke=\"" C_AXIS "\"/><line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" "
	    "y2=\"%.0f\" stroke=\"" C_AXIS "\"/>\n",
	    ML, CW - MR, CH - MB, CH - MB, ML, ML, MT, CH - MB);
	sbuf_printf(b,
	    "<text class=\"axis-title\" x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"middle\" font-size=\"13\" fill=\"" C_AXIS
	    "\">measured (UTC)</text>\n",
	    (ML + CW - MR) / 2, CH - 16);
}

static void
legend(struct sbuf *b)
{
	static const struct {
		const char *label, *color, *dash;
		int band;
	} items[] = {{"mean wall time", C_MEAN, NULL, 0},
	    {"95 % confidence interval", C_BAND, NULL, 1},
	    {"user CPU", C_USER, "6 4", 0}, {"system CPU", C_SYS, "2 3", 0},
	    {"slower (significant)", C_SLOWER, NULL, 2},
	    {"faster (significant)", C_FASTER, NULL, 3}};
	double x = ML;
	size_t i;

	sbuf_puts(b, "<g class=\"legend\" font-size=\"12\">");
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		if (items[i].band == 1)
			sbuf_printf(b,
			    "<rect x=\"%.0f\" y=\"12\" width=\"22\" "
			    "height=\"10\" fill=\"%s\" fill-opacity=\"0.18\"/>",
			    x, items[i].color);
		else if (items[i].band >= 2)
			sbuf_printf(b, "<path d=\"M%.0f %s\" fill=\"%s\"/>",
			    x + 11,
			    items[i].band == 2 ? "11 l-6 11 h12 z"
			                       : "23 l-6 -11 h12 z",
			    items[i].color);
		else
			sbuf_printf(b,
			    "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"17\" y2=\"17\" "
			    "stroke=\"%s\" stroke-width=\"2\"%s%s%s/>",
			    x, x + 22, items[i].color,
			    items[i].dash != NULL ? " stroke-dasharray=\"" : "",
			    items[i].dash != NULL ? items[i].dash : "",
			    items[i].dash != NULL ? "\"" : "");
		sbuf_printf(b, "<text x=\"%.0f\" y=\"21\">%s</text>", x + 27,
		    items[i].label);
		x += 27 + 6.5 * (double)strlen(items[i].label) + 16;
	}
	sbuf_puts(b, "</g>\n");
}

static void
chart(struct sbuf *b, const char *name, const struct server_point *p, size_t n)
{
	struct chart c;
	const struct server_metric_stats *w;
	char tb[48], mb[48], cb[48];
	double x, y, hi = 0, half;
	size_t i;
	int m;

	memset(&c, 0, sizeof(c));
	c.n = n;
	c.t0 = p[0].t;
	c.t1 = p[n - 1].t;
	for (i = 0; i < n; i++) {
		for (m = METRIC_WALL; m <= METRIC_SYS; m++)
			if (isfinite(p[i].m[m].mean))
				hi = fmax(hi, p[i].m[m].mean);
		if (isfinite(p[i].m[METRIC_WALL].ci_high))
			hi = fmax(hi, p[i].m[METRIC_WALL].ci_high);
	}
	if (!(hi > 0))
		hi = 1;
	c.unit = hi >= 1 ? "s" : hi >= 1e-3 ? "ms" : "\xc2\xb5s";
	c.scale = hi >= 1 ? 1 : hi >= 1e-3 ? 1e3 : 1e6;
	c.ymax = nice_step(hi * c.scale * 1.08, 6);
	c.ymax = ceil(hi * c.scale * 1.08 / c.ymax) * c.ymax / c.scale;

	sbuf_printf(b,
	    "<figure><svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "aria-label=\"Wall time of ",
	    CW, CH);
	sbuf_html(b, name);
	sbuf_puts(b, " over time\">\n");
	axes(b, &c);
	legend(b);

	/* The confidence band: along the upper bounds, back along the lower. */
	sbuf_puts(b, "<path class=\"ci-band\" fill=\"" C_BAND
	             "\" fill-opacity=\"0.18\" stroke=\"none\" d=\"");
	for (i = 0; i < n; i++) {
		w = &p[i].m[METRIC_WALL];
		sbuf_printf(b, "%s%.1f %.1f ", i == 0 ? "M" : "L",
		    cx(&c, p[i].t, i),
		    cy(&c, isfinite(w->ci_high) ? w->ci_high : w->mean));
	}
	for (i = n; i-- > 0;) {
		w = &p[i].m[METRIC_WALL];
		sbuf_printf(b, "L%.1f %.1f ", cx(&c, p[i].t, i),
		    cy(&c, isfinite(w->ci_low) ? w->ci_low : w->mean));
	}
	sbuf_puts(b, "Z\"/>\n");
	polyline(b, &c, p, METRIC_USER, C_USER, "6 4", "user-line");
	polyline(b, &c, p, METRIC_SYS, C_SYS, "2 3", "sys-line");
	polyline(b, &c, p, METRIC_WALL, C_MEAN, NULL, "mean-line");

	/* The points: links to the JSON, with a tooltip. */
	for (i = 0; i < n; i++) {
		w = &p[i].m[METRIC_WALL];
		if (!isfinite(w->mean))
			continue;
		x = cx(&c, p[i].t, i);
		y = cy(&c, w->mean);
		half =
		    isfinite(w->ci_high) ? (w->ci_high - w->ci_low) / 2 : NAN;
		sbuf_puts(b, "<a href=\"/api/v1/baselines/");
		sbuf_html(b, p[i].id);
		sbuf_printf(b,
		    "\"><circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"3.5\" fill=\"" C_MEAN "\"><title>",
		    x, y);
		sbuf_printf(b, "%s: %s",
		    when(tb, sizeof(tb), p[i].t, "%Y-%m-%d %H:%M:%S UTC"),
		    dur(mb, sizeof(mb), w->mean, 0));
		if (isfinite(half))
			sbuf_printf(b, " \xc2\xb1 %s",
			    dur(cb, sizeof(cb), half, w->mean));
		sbuf_printf(b, " (%zu runs", p[i].n);
		if (p[i].label != NULL) {
			sbuf_puts(b, ", ");
			sbuf_html(b, p[i].label);
		}
		if (p[i].host != NULL) {
			sbuf_puts(b, ", ");
			sbuf_html(b, p[i].host);
		}
		sbuf_puts(b, ")</title></circle></a>\n");
	}
	/* Significant changes: a triangle pointing the way it went. */
	for (i = 0; i < n; i++) {
		const struct server_change *ch = &p[i].change;

		if (!ch->significant)
			continue;
		x = cx(&c, p[i].t, i);
		y = cy(&c, p[i].m[METRIC_WALL].mean);
		sbuf_printf(b,
		    "<g class=\"change %s\"><line x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
		    "stroke-dasharray=\"3 3\"/><path d=\"M%.1f %.1f %s\" "
		    "fill=\"%s\"><title>%s %+.1f %% [%+.1f %%, %+.1f %%] (p "
		    "%.2g Welch, %.2g Mann-Whitney)</title></path></g>\n",
		    ch->ratio > 1 ? "slower" : "faster", x, x, MT, CH - MB,
		    ch->ratio > 1 ? C_SLOWER : C_FASTER, x,
		    ch->ratio > 1 ? y - 20 : y + 20,
		    ch->ratio > 1 ? "l-7 12 h14 z" : "l-7 -12 h14 z",
		    ch->ratio > 1 ? C_SLOWER : C_FASTER,
		    report_measure_name(ch->metric), (ch->ratio - 1) * 100,
		    (ch->ci_low - 1) * 100, (ch->ci_high - 1) * 100,
		    ch->p_welch, ch->p_mwu);
	}
	sbuf_puts(b, "</svg><figcaption>Wall time per run: the mean of each "
	             "baseline's runs with its 95 % confidence interval, and "
	             "the mean user and system CPU time of the whole process "
	             "tree. A point links to its baseline's JSON; hover it "
	             "for the figures.</figcaption></figure>\n");
}

static void
select_box(struct sbuf *b, const char *name, const char *label,
    char *const *values, const char *current)
{
	size_t i;

	sbuf_printf(b,
	    "<label>%s<select name=\"%s\"><option value=\"\">all"
	    "</option>",
	    label, name);
	for (i = 0; values != NULL && values[i] != NULL; i++) {
		sbuf_puts(b, "<option value=\"");
		sbuf_html(b, values[i]);
		sbuf_puts(b, "\"");
		if (current != NULL && strcmp(current, values[i]) == 0)
			sbuf_puts(b, " selected");
		sbuf_puts(b, ">");
		sbuf_html(b, values[i]);
		sbuf_puts(b, "</option>");
	}
	sbuf_puts(b, "</select></label>");
}

static void
changes_table(struct sbuf *b, const struct cmp_opts *o,
    const struct server_point *p, size_t n)
{
	size_t i, found = 0;
	char tb[48], m1[48], m2[48];

	for (i = 1; i < n; i++)
		found += p[i].change.significant != 0;
	sbuf_printf(
	    b, "<h2 id=\"changes\">Significant changes (%zu)</h2>\n", found);
	sbuf_puts(b, "<p class=\"muted\">Between consecutive baselines, ");
	rule_text(b, o);
	sbuf_puts(b, ".</p>\n");
	if (found == 0) {
		sbuf_puts(b, "<p class=\"muted\">No significant change between "
		             "consecutive baselines shown here.</p>\n");
		return;
	}
	sbuf_printf(b,
	    "<table class=\"changes\"><thead><tr><th>Measured</th>"
	    "<th>Baseline</th><th>Mean %s before</th><th>after</th>"
	    "<th>Change</th><th>Ratio [%g %% CI]</th><th>p (Welch)</th>"
	    "<th>p (Mann-Whitney)</th><th>\xc3\x97 stddev</th></tr></thead>"
	    "<tbody>\n",
	    report_measure_name(o->metric), 100 * o->ci_level);
	for (i = n; i-- > 1;) {
		const struct server_change *c = &p[i].change;

		if (!c->significant)
			continue;
		sbuf_printf(b, "<tr><td class=\"num\">%s</td><td>",
		    when(tb, sizeof(tb), p[i].t, "%Y-%m-%d %H:%M"));
		sbuf_puts(b, "<a href=\"/api/v1/baselines/");
		sbuf_html(b, p[i].id);
		sbuf_puts(b, "\">");
		sbuf_html(b, p[i].id);
		sbuf_printf(b,
		    "</a></td><td class=\"num\">%s</td><td "
		    "class=\"num\">%s</td>",
		    dur(m1, sizeof(m1), point_mean(&p[i - 1], c->metric), 0),
		    dur(m2, sizeof(m2), point_mean(&p[i], c->metric), 0));
		change_cell(b, c);
		sbuf_printf(b,
		    "<td class=\"num\">%.3f [%.3f, %.3f]</td>"
		    "<td class=\"num\">%.2g</td><td class=\"num\">%.2g</td>"
		    "<td class=\"num\">%.1f</td></tr>\n",
		    c->ratio, c->ci_low, c->ci_high, c->p_welch, c->p_mwu,
		    c->stddev_rule);
	}
	sbuf_puts(b, "</tbody></table>\n");
}

static void
baselines_table(struct sbuf *b, const struct server_point *p, size_t n)
{
	const struct server_metric_stats *w;
	char tb[48], b1[48], b2[48], b3[48], b4[48];
	size_t i;

	sbuf_printf(b, "<h2 id=\"baselines\">Baselines (%zu)</h2>\n", n);
	sbuf_puts(b, "<table class=\"baselines\"><thead><tr><th>Measured "
	             "(UTC)</th><th>Label</th><th>Host</th><th>Commit</th>"
	             "<th>Runs</th><th>Mean wall</th><th>95 % CI \xc2\xb1"
	             "</th><th>User</th><th>System</th><th>Change</th>"
	             "<th>JSON</th></tr></thead><tbody>\n");
	for (i = n; i-- > 0;) {
		w = &p[i].m[METRIC_WALL];
		sbuf_printf(b, "<tr><td class=\"num\">%s</td><td>",
		    when(tb, sizeof(tb), p[i].t, "%Y-%m-%d %H:%M:%S"));
		sbuf_html(b, p[i].label);
		sbuf_puts(b, "</td><td>");
		sbuf_html(b, p[i].host);
		sbuf_puts(b, "</td><td>");
		if (p[i].git_commit != NULL) {
			char shortc[13];

			snprintf(shortc, sizeof(shortc), "%s", p[i].git_commit);
			sbuf_puts(b, "<code>");
			sbuf_html(b, shortc);
			if (p[i].git_dirty == 1)
				sbuf_puts(b, "+dirty");
			sbuf_puts(b, "</code>");
		}
		sbuf_printf(b,
		    "</td><td class=\"num\">%zu%s</td><td "
		    "class=\"num\">%s</td><td class=\"num\">%s</td><td "
		    "class=\"num\">%s</td><td class=\"num\">%s</td>",
		    p[i].n, p[i].complete ? "" : " (incomplete)",
		    dur(b1, sizeof(b1), w->mean, 0),
		    isfinite(w->ci_high)
		        ? dur(b2, sizeof(b2), (w->ci_high - w->ci_low) / 2,
		              w->mean)
		        : "\xe2\x80\x94",
		    dur(b3, sizeof(b3), p[i].m[METRIC_USER].mean, 0),
		    dur(b4, sizeof(b4), p[i].m[METRIC_SYS].mean, 0));
		change_cell(b, &p[i].change);
		sbuf_puts(b, "<td><a class=\"json\" href=\"/api/v1/baselines/");
		sbuf_html(b, p[i].id);
		sbuf_puts(b, "\">JSON</a></td></tr>\n");
	}
	sbuf_puts(b, "</tbody></table>\n");
}

char *
server_html_benchmark(const struct cmp_opts *o, const char *name,
    const struct db_filter *f, const struct server_point *pts, size_t n,
    char *const *hosts, char *const *labels, size_t *len)
{
	struct sbuf b = {NULL, 0, 0};
	const struct server_metric_stats *w;
	char t1[48], t2[48], m1[48], c1[48];
	size_t i, nhosts = 0;

	page_start(&b, name);
	sbuf_puts(&b, "<p class=\"muted\"><a href=\"/\">All benchmarks</a> "
	              "\xe2\x80\xba benchmark</p><h1 class=\"bench-name\">");
	sbuf_html(&b, name);
	sbuf_puts(&b, "</h1>\n<form class=\"filters\" method=\"get\">");
	select_box(&b, "label", "Label", labels, f->label);
	select_box(&b, "host", "Host", hosts, f->host);
	sbuf_printf(&b,
	    "<label>Newest<input type=\"number\" name=\"limit\" min=\"1\" "
	    "max=\"10000\" value=\"%zu\"></label><button type=\"submit\">"
	    "Show</button></form>\n",
	    f->limit);
	if (n == 0) {
		sbuf_puts(&b, "<p class=\"empty\">No baseline matches these "
		              "filters.</p>\n");
		return page_end(&b, len);
	}
	w = &pts[n - 1].m[METRIC_WALL];
	sbuf_printf(&b,
	    "<p class=\"summary\">%zu baseline%s measured from %s to %s. "
	    "Latest: <strong>%s</strong>",
	    n, n == 1 ? "" : "s",
	    when(t1, sizeof(t1), pts[0].t, "%Y-%m-%d %H:%M"),
	    when(t2, sizeof(t2), pts[n - 1].t, "%Y-%m-%d %H:%M"),
	    dur(m1, sizeof(m1), w->mean, 0));
	if (isfinite(w->ci_high))
		sbuf_printf(&b, " \xc2\xb1 %s (95 %% CI)",
		    dur(c1, sizeof(c1), (w->ci_high - w->ci_low) / 2, w->mean));
	sbuf_printf(&b, " over %zu runs.</p>\n", pts[n - 1].n);
	for (i = 0; f->host == NULL && hosts != NULL && hosts[i] != NULL; i++)
		nhosts++;
	if (nhosts > 1)
		sbuf_printf(&b,
		    "<p class=\"note\">These baselines come from %zu hosts: "
		    "choose one above to compare like with like.</p>\n",
		    nhosts);
	chart(&b, name, pts, n);
	changes_table(&b, o, pts, n);
	baselines_table(&b, pts, n);
	return page_end(&b, len);
}

char *
server_html_error(int status, const char *message, size_t *len)
{
	struct sbuf b = {NULL, 0, 0};
	char title[64];

	snprintf(title, sizeof(title), "Error %d", status);
	page_start(&b, title);
	sbuf_printf(&b, "<h1>%s</h1><p class=\"error\">", title);
	sbuf_html(&b, message);
	sbuf_puts(&b, "</p><p><a href=\"/\">All benchmarks</a></p>\n");
	return page_end(&b, len);
}
