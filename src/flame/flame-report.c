/*
 * flame-report.c: programs, the hottest functions and the categories'
 * shares, from the tree of stacks.
 *
 * One depth-first walk of the tree gives everything: a node's own samples
 * are its function's self samples; a function's total is the sum of the
 * totals of its nodes that have no ancestor of the same function (so a
 * recursive function counts each sample once); a category holds a sample
 * when any frame of its stack matches, and the innermost matching frame
 * decides the one category the sample belongs to alone.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flame-int.h"

#define NONE UINT32_MAX

struct walk {
	const struct flame_data *d;
	uint32_t *onpath; /* per function: its nodes on the current path */
	uint64_t *self;   /* per function */
	uint64_t *total;
	uint32_t *prog_of; /* per function: the program it is the root of */
	/* Per (function, program): self samples, to name the program. */
	struct flamep_map pairs;
	uint64_t *pair_self;
	uint64_t *pair_key;
	size_t n_pairs, cap_pairs, cap_pair_keys;
	/* Categories. */
	size_t n_cat;
	uint8_t *match; /* n_fns x n_cat */
	uint32_t *cat_on;
	uint64_t *incl, *excl;
};

static void
add_pair(struct walk *w, uint32_t fn, uint32_t prog, uint64_t n)
{
	uint64_t key = (uint64_t)fn << 32 | prog;
	uint32_t i = flamep_map_get(&w->pairs, key);

	if (i == UINT32_MAX) {
		w->pair_self = flamep_grow(w->pair_self, &w->cap_pairs,
		    w->n_pairs + 1, sizeof(*w->pair_self));
		w->pair_key = flamep_grow(w->pair_key, &w->cap_pair_keys,
		    w->n_pairs + 1, sizeof(*w->pair_key));
		i = (uint32_t)w->n_pairs++;
		w->pair_self[i] = 0;
		w->pair_key[i] = key;
		flamep_map_put(&w->pairs, key, i);
	}
	w->pair_self[i] += n;
}

static void
visit(struct walk *w, uint32_t node, uint32_t prog, uint32_t innermost)
{
	const struct flamep_node *n = &w->d->nodes[node];
	uint32_t f = n->fn, c;
	int kind = w->d->fns[f].kind;
	size_t k;

	if (kind == FLAMEP_PROGRAM)
		prog = w->prog_of[f];
	if (w->onpath[f]++ == 0)
		w->total[f] += n->total;
	w->self[f] += n->self;
	for (k = w->n_cat; k > 0; k--) {
		if (w->match[(size_t)f * w->n_cat + k - 1]) {
			w->cat_on[k - 1]++;
			innermost = (uint32_t)(k - 1);
		}
	}
	if (n->self > 0) {
		for (k = 0; k < w->n_cat; k++) {
			if (w->cat_on[k] > 0)
				w->incl[k] += n->self;
		}
		if (innermost != NONE)
			w->excl[innermost] += n->self;
		if ((kind == FLAMEP_USER || kind == FLAMEP_KERNEL) &&
		    prog != NONE)
			add_pair(w, f, prog, n->self);
	}
	for (c = n->child; c != 0; c = w->d->nodes[c].next)
		visit(w, c, prog, innermost);
	w->onpath[f]--;
	for (k = 0; k < w->n_cat; k++) {
		if (w->match[(size_t)f * w->n_cat + k])
			w->cat_on[k]--;
	}
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static const struct walk *sort_walk;

static int
by_self(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct walk *w = sort_walk;

	if (w->self[x] != w->self[y])
		return w->self[x] > w->self[y] ? -1 : 1;
	if (w->total[x] != w->total[y])
		return w->total[x] > w->total[y] ? -1 : 1;
	return strcmp(
	    w->d->str[w->d->fns[x].name], w->d->str[w->d->fns[y].name]);
}

static int
by_samples(const void *a, const void *b)
{
	const struct flame_program *x = a, *y = b;

	if (x->samples != y->samples)
		return x->samples > y->samples ? -1 : 1;
	if (x->processes != y->processes)
		return x->processes > y->processes ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The top functions of kind, most self samples first. */
static size_t
top_functions(const struct walk *w, int kind, size_t top, const uint32_t *best,
    uint64_t samples, struct flame_function **out)
{
	const struct flame_data *d = w->d;
	uint32_t *ids = flamep_xcalloc(d->n_fns, sizeof(*ids));
	struct flame_function *v;
	size_t n = 0, i;

	for (i = 0; i < d->n_fns; i++) {
		if (d->fns[i].kind == kind && w->self[i] > 0)
			ids[n++] = (uint32_t)i;
	}
	sort_walk = w;
	qsort(ids, n, sizeof(*ids), by_self);
	if (n > top)
		n = top;
	v = flamep_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		uint32_t f = ids[i];

		v[i].name = flamep_xstrdup(d->str[d->fns[f].name]);
		v[i].program =
		    best[f] != NONE
		        ? flamep_xstrdup(
		              d->str[d->fns[d->progs[best[f]].fn].name])
		        : NULL;
		v[i].self_samples = w->self[f];
		v[i].total_samples = w->total[f];
		v[i].self_pct = pct(w->self[f], samples);
		v[i].total_pct = pct(w->total[f], samples);
	}
	free(ids);
	*out = v;
	return n;
}

/* Whether the samples' periods are nanoseconds (a software clock). */
static int
clock_event(const char *ev)
{
	return ev != NULL && (strncmp(ev, "cpu-clock", 9) == 0 ||
	                         strncmp(ev, "task-clock", 10) == 0);
}

struct flame_report *
flame_report_build(
    const struct flame_data *d, const struct flame_categories *c, size_t top)
{
	struct flame_report *r = flamep_xcalloc(1, sizeof(*r));
	struct walk w;
	uint64_t *best_n;
	uint32_t *best;
	size_t i, k;
	double ns = clock_event(d->event) ? 1e-9 : NAN;

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.onpath = flamep_xcalloc(d->n_fns, sizeof(*w.onpath));
	w.self = flamep_xcalloc(d->n_fns, sizeof(*w.self));
	w.total = flamep_xcalloc(d->n_fns, sizeof(*w.total));
	w.prog_of = flamep_xcalloc(d->n_fns, sizeof(*w.prog_of));
	for (i = 0; i < d->n_fns; i++)
		w.prog_of[i] = NONE;
	for (i = 0; i < d->n_progs; i++)
		w.prog_of[d->progs[i].fn] = (uint32_t)i;
	w.n_cat = c != NULL ? c->n : 0;
	w.match = flamep_xcalloc(d->n_fns * w.n_cat, 1);
	w.cat_on = flamep_xcalloc(w.n_cat, sizeof(*w.cat_on));
	w.incl = flamep_xcalloc(w.n_cat, sizeof(*w.incl));
	w.excl = flamep_xcalloc(w.n_cat, sizeof(*w.excl));
	for (i = 0; i < d->n_fns; i++) {
		const struct flamep_fn *f = &d->fns[i];

		for (k = 0; k < w.n_cat; k++)
			w.match[i * w.n_cat + k] =
			    (uint8_t)flamep_category_match(&c->v[k],
			        d->str[f->name],
			        f->dso != UINT32_MAX ? d->str[f->dso] : NULL,
			        f->kind);
	}
	visit(&w, 0, NONE, NONE);

	r->samples = d->counts.samples;
	r->kernel_samples = d->counts.kernel_samples;
	r->user_samples = r->samples - r->kernel_samples;
	r->cpu_s = (double)d->counts.period * ns;
	r->user_only = d->counts.user_only;
	r->skipped_lines = d->counts.skipped;

	r->programs = flamep_xcalloc(d->n_progs, sizeof(*r->programs));
	for (i = 0; i < d->n_progs; i++) {
		const struct flamep_prog *g = &d->progs[i];
		struct flame_program *p = &r->programs[r->n_programs];

		if (g->processes == 0 && g->samples == 0)
			continue; /* a name seen in passing ("perf-exec") */
		p->name = flamep_xstrdup(d->str[d->fns[g->fn].name]);
		p->processes = g->processes;
		p->samples = g->samples;
		p->cpu_s = (double)g->period * ns;
		p->alive_s = g->alive;
		p->share = r->samples > 0
		               ? (double)g->samples / (double)r->samples
		               : 0.0;
		r->n_programs++;
	}
	qsort(r->programs, r->n_programs, sizeof(*r->programs), by_samples);

	/* Each function's program: the one with most of its self samples. */
	best = flamep_xcalloc(d->n_fns, sizeof(*best));
	best_n = flamep_xcalloc(d->n_fns, sizeof(*best_n));
	for (i = 0; i < d->n_fns; i++)
		best[i] = NONE;
	for (i = 0; i < w.n_pairs; i++) {
		uint32_t f = (uint32_t)(w.pair_key[i] >> 32);
		uint32_t g = (uint32_t)w.pair_key[i];

		if (w.pair_self[i] > best_n[f] ||
		    (w.pair_self[i] == best_n[f] && best[f] != NONE &&
		        g < best[f])) {
			best[f] = g;
			best_n[f] = w.pair_self[i];
		}
	}
	r->n_functions = top_functions(
	    &w, FLAMEP_USER, top, best, r->samples, &r->functions);
	r->n_kernel_functions = top_functions(
	    &w, FLAMEP_KERNEL, top, best, r->samples, &r->kernel_functions);

	r->categories = flamep_xcalloc(w.n_cat, sizeof(*r->categories));
	r->n_categories = w.n_cat;
	for (k = 0; k < w.n_cat; k++) {
		struct flame_share *s = &r->categories[k];

		s->name = flamep_xstrdup(c->v[k].name);
		s->samples = w.incl[k];
		s->total_pct = pct(w.incl[k], r->samples);
		s->self_samples = w.excl[k];
		s->self_pct = pct(w.excl[k], r->samples);
	}

	free(best);
	free(best_n);
	free(w.onpath);
	free(w.self);
	free(w.total);
	free(w.prog_of);
	flamep_map_clear(&w.pairs);
	free(w.pair_self);
	free(w.pair_key);
	free(w.match);
	free(w.cat_on);
	free(w.incl);
	free(w.excl);
	return r;
}

static void
functions_free(struct flame_function *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].program);
	}
	free(v);
}

void
flame_report_free(struct flame_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->created);
	free(r->tool_version);
	free(r->command);
	for (i = 0; r->argv != NULL && r->argv[i] != NULL; i++)
		free(r->argv[i]);
	free(r->argv);
	free(r->workspace);
	free(r->event);
	free(r->call_graph);
	free(r->runs);
	for (i = 0; r->warnings != NULL && r->warnings[i] != NULL; i++)
		free(r->warnings[i]);
	free(r->warnings);
	for (i = 0; i < r->n_programs; i++)
		free(r->programs[i].name);
	free(r->programs);
	functions_free(r->functions, r->n_functions);
	functions_free(r->kernel_functions, r->n_kernel_functions);
	for (i = 0; i < r->n_categories; i++)
		free(r->categories[i].name);
	free(r->categories);
	free(r);
}
