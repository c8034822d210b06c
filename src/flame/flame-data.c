/*
 * flame-data.c: the samples' store: interned strings, functions, the tree
 * of stacks and the programs.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flame-int.h"

struct flame_data *
flame_data_create(void)
{
	struct flame_data *d = flamep_xcalloc(1, sizeof(*d));
	uint32_t all = flamep_intern(d, "all", 3);

	/* Node 0, the root of every stack. */
	d->nodes = flamep_grow(NULL, &d->cap_nodes, 1, sizeof(*d->nodes));
	memset(&d->nodes[0], 0, sizeof(d->nodes[0]));
	d->nodes[0].fn = flamep_fn(d, all, UINT32_MAX, FLAMEP_ROOT);
	d->n_nodes = 1;
	return d;
}

void
flame_data_free(struct flame_data *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n_str; i++)
		free(d->str[i]);
	free(d->str);
	free(d->str_slots);
	free(d->fns);
	flamep_map_clear(&d->fn_index);
	free(d->nodes);
	flamep_map_clear(&d->child_index);
	free(d->progs);
	flamep_map_clear(&d->prog_index);
	free(d->procs);
	flamep_map_clear(&d->proc_index);
	free(d->frames);
	free(d->scratch.p);
	free(d->scratch2.p);
	free(d->event);
	free(d);
}

static void
str_rehash(struct flame_data *d, size_t cap)
{
	size_t i, j;

	free(d->str_slots);
	d->str_slots = flamep_xcalloc(cap, sizeof(*d->str_slots));
	d->str_cap = cap;
	for (i = 0; i < d->n_str; i++) {
		j = flamep_hash(d->str[i], strlen(d->str[i])) & (cap - 1);
		while (d->str_slots[j] != 0)
			j = (j + 1) & (cap - 1);
		d->str_slots[j] = (uint32_t)i + 1;
	}
}

uint32_t
flamep_intern(struct flame_data *d, const char *s, size_t n)
{
	size_t j;
	const char *t;

	if (2 * (d->n_str + 1) > d->str_cap)
		str_rehash(d, d->str_cap == 0 ? 256 : 2 * d->str_cap);
	for (j = flamep_hash(s, n) & (d->str_cap - 1); d->str_slots[j] != 0;
	     j = (j + 1) & (d->str_cap - 1)) {
		t = d->str[d->str_slots[j] - 1];
		if (strncmp(t, s, n) == 0 && t[n] == '\0')
			return d->str_slots[j] - 1;
	}
	d->str =
	    flamep_grow(d->str, &d->cap_str, d->n_str + 1, sizeof(*d->str));
	d->str[d->n_str] = flamep_xstrndup(s, n);
	d->str_slots[j] = (uint32_t)d->n_str + 1;
	return (uint32_t)d->n_str++;
}

uint32_t
flamep_fn(struct flame_data *d, uint32_t name, uint32_t dso, int kind)
{
	uint64_t key = (uint64_t)name << 2 | (uint64_t)kind;
	uint32_t id = flamep_map_get(&d->fn_index, key);

	if (id != UINT32_MAX)
		return id;
	d->fns =
	    flamep_grow(d->fns, &d->cap_fns, d->n_fns + 1, sizeof(*d->fns));
	d->fns[d->n_fns].name = name;
	d->fns[d->n_fns].dso = dso;
	d->fns[d->n_fns].kind = (uint8_t)kind;
	id = (uint32_t)d->n_fns++;
	flamep_map_put(&d->fn_index, key, id);
	return id;
}

uint32_t
flamep_prog(struct flame_data *d, uint32_t name)
{
	uint32_t id = flamep_map_get(&d->prog_index, name);

	if (id != UINT32_MAX)
		return id;
	d->progs = flamep_grow(
	    d->progs, &d->cap_progs, d->n_progs + 1, sizeof(*d->progs));
	memset(&d->progs[d->n_progs], 0, sizeof(d->progs[0]));
	d->progs[d->n_progs].fn =
	    flamep_fn(d, name, UINT32_MAX, FLAMEP_PROGRAM);
	id = (uint32_t)d->n_progs++;
	flamep_map_put(&d->prog_index, name, id);
	return id;
}

const char *
flamep_node_name(const struct flame_data *d, uint32_t i)
{
	return d->str[d->fns[d->nodes[i].fn].name];
}

static const struct flame_data *sort_data;

static int
by_name(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct flamep_fn *fx = &sort_data->fns[sort_data->nodes[x].fn];
	const struct flamep_fn *fy = &sort_data->fns[sort_data->nodes[y].fn];
	int c = strcmp(sort_data->str[fx->name], sort_data->str[fy->name]);

	return c != 0 ? c : (int)fx->kind - (int)fy->kind;
}

size_t
flamep_sorted_children(const struct flame_data *d, uint32_t i, uint32_t **out)
{
	uint32_t *v = NULL, c;
	size_t n = 0, cap = 0;

	for (c = d->nodes[i].child; c != 0; c = d->nodes[c].next) {
		v = flamep_grow(v, &cap, n + 1, sizeof(*v));
		v[n++] = c;
	}
	/* Not reentrant: the writers run one at a time on one thread. */
	sort_data = d;
	if (n > 1)
		qsort(v, n, sizeof(*v), by_name);
	*out = v;
	return n;
}

void
flame_data_parse(struct flame_data *d, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		flamep_line(d, p, (size_t)(nl - p));
		p = nl + 1;
	}
	flamep_end_run(d);
}

int
flame_data_read(struct flame_data *d, FILE *f, struct bench_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, f)) > 0)
		flamep_line(d, line, (size_t)n - (line[n - 1] == '\n'));
	if (ferror(f))
		rc = bench_error_set(err, BENCH_ERR_IO,
		    "cannot read perf script output: %s", strerror(errno));
	free(line);
	flamep_end_run(d);
	return rc;
}

void
flame_data_counts(const struct flame_data *d, struct flame_counts *c)
{
	*c = d->counts;
	c->event = d->event;
}
