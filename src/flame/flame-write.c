/*
 * flame-write.c: the folded stacks and the SVG flame graph.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flame-int.h"

/* --------------------------------------------------------------- folded */

struct folded {
	const struct flame_data *d;
	FILE *f;
	uint32_t path[FLAME_MAX_DEPTH + 2];
};

/* A name in a folded line: ';' separates frames, so it becomes ':'. */
static void
put_frame(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		putc(*s == ';' ? ':' : *s, f);
}

static void
folded_node(struct folded *w, uint32_t node, size_t depth)
{
	const struct flamep_node *n = &w->d->nodes[node];
	uint32_t *kids;
	size_t i, k;

	w->path[depth] = node;
	if (n->self > 0 && depth > 0) {
		for (i = 1; i <= depth; i++) {
			if (i > 1)
				putc(';', w->f);
			put_frame(w->f, flamep_node_name(w->d, w->path[i]));
		}
		fprintf(w->f, " %llu\n", (unsigned long long)n->self);
	}
	k = flamep_sorted_children(w->d, node, &kids);
	for (i = 0; i < k; i++)
		folded_node(w, kids[i], depth + 1);
	free(kids);
}

int
flame_write_folded(const struct flame_data *d, FILE *f, struct bench_error *err)
{
	struct folded *w = flamep_xcalloc(1, sizeof(*w));

	w->d = d;
	w->f = f;
	folded_node(w, 0, 0);
	free(w);
	if (fflush(f) != 0 || ferror(f))
		return bench_error_set(err, BENCH_ERR_IO,
		    "cannot write the folded stacks: %s", strerror(errno));
	return 0;
}

/* ------------------------------------------------------------------ SVG */

#define FRAME_H   16  /* pixels per stack level */
#define PAD       10  /* left and right margins */
#define TOP       64  /* title, subtitle and buttons */
#define BOTTOM    28  /* the details line */
#define FONT_PX   12  /* monospace: a glyph is 0.6 em wide */
#define CHAR_W    7.2 /* FONT_PX * 0.6 */
#define MIN_WIDTH 0.1 /* pixels: narrower frames are left out */

/*
 * Zoom, search and details, with no network and no library: zoom
 * re-lays the frames out from the fractions of the drawing each one
 * covers (read from the rectangles at load), search colours the frames
 * whose names match and sums the widths they cover.
 */
static const char script[] =
    "var W, pad = 10, cw = 7.2, frames = [], zoomed = null, re = null;\n"
    "function $(id) { return document.getElementById(id); }\n"
    "function fit(f, x, w) {\n"
    "  f.r.setAttribute('x', x.toFixed(2));\n"
    "  f.r.setAttribute('width', w.toFixed(2));\n"
    "  f.t.setAttribute('x', (x + 3).toFixed(2));\n"
    "  var n = Math.floor((w - 6) / cw), s = '';\n"
    "  if (n >= 3) s = f.name.length <= n ? f.name :\n"
    "    f.name.substring(0, n - 2) + '..';\n"
    "  f.t.textContent = s;\n"
    "}\n"
    "function show(f, on) { f.g.style.display = on ? '' : 'none'; }\n"
    "function zoom(z) {\n"
    "  var e = 0.01 / (W - 2 * pad), i, f;\n"
    "  zoomed = z;\n"
    "  for (i = 0; i < frames.length; i++) {\n"
    "    f = frames[i];\n"
    "    if (f.y > z.y) {\n"
    "      var up = f.x <= z.x + e && f.x + f.w >= z.x + z.w - e;\n"
    "      show(f, up);\n"
    "      f.g.setAttribute('class', up ? 'f parent' : 'f');\n"
    "      if (up) fit(f, pad, W - 2 * pad);\n"
    "    } else {\n"
    "      var inside = f.x >= z.x - e && f.x + f.w <= z.x + z.w + e;\n"
    "      show(f, inside);\n"
    "      f.g.setAttribute('class', 'f');\n"
    "      if (inside) fit(f, pad + (f.x - z.x) / z.w * (W - 2 * pad),\n"
    "        f.w / z.w * (W - 2 * pad));\n"
    "    }\n"
    "  }\n"
    "  $('unzoom').style.display = '';\n"
    "}\n"
    "function unzoom() {\n"
    "  zoomed = null;\n"
    "  for (var i = 0; i < frames.length; i++) {\n"
    "    var f = frames[i];\n"
    "    show(f, true);\n"
    "    f.g.setAttribute('class', 'f');\n"
    "    fit(f, pad + f.x * (W - 2 * pad), f.w * (W - 2 * pad));\n"
    "  }\n"
    "  $('unzoom').style.display = 'none';\n"
    "}\n"
    "function search(term) {\n"
    "  var i, f, spans = [], sum = 0, end = -1;\n"
    "  re = null;\n"
    "  if (term) { try { re = new RegExp(term); }\n"
    "    catch (x) { re = new RegExp(term.replace(/[.*+?^${}()|[\\]\\\\]/g,"
    " '\\\\$&')); } }\n"
    "  for (i = 0; i < frames.length; i++) {\n"
    "    f = frames[i];\n"
    "    var hit = re !== null && re.test(f.name);\n"
    "    f.r.setAttribute('fill', hit ? 'rgb(225,0,225)' : f.fill);\n"
    "    if (hit) spans.push([f.x, f.x + f.w]);\n"
    "  }\n"
    "  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
    "  for (i = 0; i < spans.length; i++) {\n"
    "    var s = Math.max(spans[i][0], end);\n"
    "    if (spans[i][1] > s) sum += spans[i][1] - s;\n"
    "    end = Math.max(end, spans[i][1]);\n"
    "  }\n"
    "  $('matched').textContent = re === null ? '' :\n"
    "    'Matched: ' + (100 * sum).toFixed(1) + '% of all samples';\n"
    "  $('search').textContent = re === null ? 'Search' : 'Clear search';\n"
    "}\n"
    "function ask() {\n"
    "  if (re !== null) { search(null); return; }\n"
    "  var t = prompt('Frames to highlight (a regular expression):', '');\n"
    "  if (t) search(t);\n"
    "}\n"
    "function init() {\n"
    "  W = +document.documentElement.getAttribute('width');\n"
    "  var gs = document.querySelectorAll('g.f'), i;\n"
    "  for (i = 0; i < gs.length; i++) {\n"
    "    var g = gs[i], r = g.querySelector('rect');\n"
    "    var info = g.querySelector('title').textContent;\n"
    "    var f = { g: g, r: r, t: g.querySelector('text'), info: info,\n"
    "      name: info.substring(0, info.lastIndexOf(' (')),\n"
    "      x: (+r.getAttribute('x') - pad) / (W - 2 * pad),\n"
    "      w: +r.getAttribute('width') / (W - 2 * pad),\n"
    "      y: +r.getAttribute('y'), fill: r.getAttribute('fill') };\n"
    "    frames.push(f);\n"
    "    (function (f) {\n"
    "      g.addEventListener('click', function () { zoom(f); });\n"
    "      g.addEventListener('mouseover', function () {\n"
    "        $('details').textContent = f.info; });\n"
    "      g.addEventListener('mouseout', function () {\n"
    "        $('details').textContent = ' '; });\n"
    "    })(f);\n"
    "    fit(f, +r.getAttribute('x'), +r.getAttribute('width'));\n"
    "  }\n"
    "  $('unzoom').addEventListener('click', unzoom);\n"
    "  $('search').addEventListener('click', ask);\n"
    "  document.addEventListener('keydown', function (e) {\n"
    "    if ((e.ctrlKey && e.key === 'f') || e.key === '/') {\n"
    "      e.preventDefault(); re = null; ask(); }\n"
    "    else if (e.key === 'Escape') { search(null); unzoom(); }\n"
    "  });\n"
    "  var q = new URLSearchParams(document.location.search);\n"
    "  var z = q.get('z'), best = null;\n"
    "  if (z !== null) {\n"
    "    for (i = 0; i < frames.length; i++)\n"
    "      if (frames[i].name === z && (best === null ||\n"
    "          frames[i].w > best.w)) best = frames[i];\n"
    "    if (best !== null) zoom(best);\n"
    "  }\n"
    "  if (q.get('s')) search(q.get('s'));\n"
    "  document.documentElement.setAttribute('data-ready', '1');\n"
    "}\n"
    "window.addEventListener('load', init);\n";

static const char style[] =
    "text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; "
    "font-size: 12px; fill: #000; }\n"
    ".f { cursor: pointer; }\n"
    ".f:hover rect { stroke: #000; stroke-width: 0.6; }\n"
    ".f text { pointer-events: none; }\n"
    ".parent rect { opacity: 0.55; }\n"
    ".title { font-size: 17px; font-weight: bold; }\n"
    ".sub { font-size: 12px; fill: #444; }\n"
    ".btn { cursor: pointer; fill: #1a4f8b; text-decoration: underline; }\n";

struct svg {
	const struct flame_data *d;
	FILE *f;
	double scale; /* pixels per sample */
	uint64_t samples;
	size_t max_depth;
	size_t height;
	int pass; /* 0: measure the depth, 1: write */
};

static void
put_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			putc(*s, f);
		}
	}
}

/* A colour from the name: warm for user code, green for the kernel,
   blue for programs. */
static void
colour(const char *name, int kind, int rgb[3])
{
	uint64_t h = flamep_hash(name, strlen(name));
	double v1 = (double)(h & 0xff) / 255.0;
	double v2 = (double)(h >> 8 & 0xff) / 255.0;
	double v3 = (double)(h >> 16 & 0xff) / 255.0;

	switch (kind) {
	case FLAMEP_ROOT:
		rgb[0] = rgb[1] = rgb[2] = 205;
		break;
	case FLAMEP_PROGRAM:
		rgb[0] = 120 + (int)(45 * v1);
		rgb[1] = 160 + (int)(45 * v2);
		rgb[2] = 225 + (int)(30 * v3);
		break;
	case FLAMEP_KERNEL:
		rgb[0] = 70 + (int)(50 * v1);
		rgb[1] = 190 + (int)(40 * v2);
		rgb[2] = 140 + (int)(40 * v3);
		break;
	default:
		rgb[0] = 205 + (int)(50 * v3);
		rgb[1] = (int)(230 * v1);
		rgb[2] = (int)(55 * v2);
	}
}

/*
 * The label that fits width pixels: the name, or its start and "..";
 * nothing under three characters.  Counts characters, not bytes, as the
 * script does when it fits labels again after a zoom.
 */
static void
put_label(FILE *f, const char *name, double width, double char_w)
{
	double room = (width - 6) / char_w;
	size_t chars = 0, fit, i, cut = 0;

	if (room < 3)
		return;
	fit = (size_t)room;
	for (i = 0; name[i] != '\0'; i++) {
		if (((unsigned char)name[i] & 0xc0) != 0x80) {
			if (chars == fit - 2)
				cut = i;
			chars++;
		}
	}
	if (chars <= fit) {
		put_escaped(f, name);
		return;
	}
	{
		char *s = flamep_xstrndup(name, cut);

		put_escaped(f, s);
		fputs("..", f);
		free(s);
	}
}

static void
svg_node(struct svg *w, uint32_t node, size_t depth, double x)
{
	const struct flamep_node *n = &w->d->nodes[node];
	const char *name = flamep_node_name(w->d, node);
	double width = (double)n->total * w->scale, y;
	uint32_t *kids;
	size_t i, k;
	int rgb[3];

	if (width < MIN_WIDTH)
		return;
	if (depth > w->max_depth)
		w->max_depth = depth;
	if (w->pass == 1) {
		y = (double)(w->height - BOTTOM) -
		    (double)(depth + 1) * FRAME_H;
		colour(name, w->d->fns[n->fn].kind, rgb);
		fputs("<g class=\"f\"><title>", w->f);
		put_escaped(w->f, name);
		fprintf(w->f,
		    " (%llu sample%s, %.2f%%)</title><rect x=\"%.3f\" "
		    "y=\"%.0f\" width=\"%.3f\" height=\"%d\" "
		    "fill=\"rgb(%d,%d,%d)\" rx=\"2\" ry=\"2\"/>"
		    "<text x=\"%.2f\" y=\"%.1f\">",
		    (unsigned long long)n->total, n->total == 1 ? "" : "s",
		    w->samples > 0
		        ? 100.0 * (double)n->total / (double)w->samples
		        : 0.0,
		    x, y, width, FRAME_H - 1, rgb[0], rgb[1], rgb[2], x + 3,
		    y + 11.5);
		put_label(w->f, name, width, CHAR_W);
		fputs("</text></g>\n", w->f);
	}
	k = flamep_sorted_children(w->d, node, &kids);
	for (i = 0; i < k; i++) {
		svg_node(w, kids[i], depth + 1, x);
		x += (double)w->d->nodes[kids[i]].total * w->scale;
	}
	free(kids);
}

int
flame_write_svg(const struct flame_data *d, const struct flame_svg_opts *o,
    FILE *f, struct bench_error *err)
{
	struct svg w;
	unsigned width = o != NULL && o->width >= 200 ? o->width : 1200;

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.f = f;
	w.samples = d->nodes[0].total;
	w.scale =
	    w.samples > 0 ? (double)(width - 2 * PAD) / (double)w.samples : 0.0;
	svg_node(&w, 0, 0, PAD);
	w.height = TOP + (w.max_depth + 1) * FRAME_H + BOTTOM;
	w.pass = 1;

	fprintf(f,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
	    "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%u\" height=\"%zu\" viewBox=\"0 0 %u %zu\">\n"
	    "<style type=\"text/css\"><![CDATA[\n%s]]></style>\n"
	    "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n"
	    "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" "
	    "fill=\"#f8f8f4\"/>\n"
	    "<text class=\"title\" x=\"%u\" y=\"24\" "
	    "text-anchor=\"middle\">",
	    width, w.height, width, w.height, style, script, width / 2);
	/* Headings are cut to the width too (17 and 12 pixel glyphs). */
	put_label(f, o != NULL && o->title != NULL ? o->title : "Flame graph",
	    width - 2 * PAD, 17 * 0.6);
	fprintf(f,
	    "</text>\n<text class=\"sub\" x=\"%u\" y=\"42\" "
	    "text-anchor=\"middle\">",
	    width / 2);
	if (o != NULL && o->subtitle != NULL)
		put_label(f, o->subtitle, width - 2 * PAD, CHAR_W);
	fprintf(f,
	    "</text>\n"
	    "<text id=\"unzoom\" class=\"btn\" x=\"%d\" y=\"58\" "
	    "style=\"display:none\">Reset zoom</text>\n"
	    "<text id=\"search\" class=\"btn\" x=\"%u\" y=\"58\" "
	    "text-anchor=\"end\">Search</text>\n"
	    "<text id=\"matched\" x=\"%u\" y=\"%zu\" "
	    "text-anchor=\"end\"></text>\n"
	    "<text id=\"details\" x=\"%d\" y=\"%zu\"> </text>\n",
	    PAD, width - PAD, width - PAD, w.height - 9, PAD, w.height - 9);
	svg_node(&w, 0, 0, PAD);
	fputs("</svg>\n", f);
	if (fflush(f) != 0 || ferror(f))
		return bench_error_set(err, BENCH_ERR_IO,
		    "cannot write the flame graph: %s", strerror(errno));
	return 0;
}
