/*
 * flame-script.c: the reader of `perf script` output.
 *
 * With -F comm,pid,tid,time,period,event,ip,sym,dso --show-task-events,
 * perf 6.1 prints (COMM may hold spaces; the columns are padded):
 *
 *   cargo 28658/28658   664.551773: PERF_RECORD_COMM exec: cargo:28658/28658
 *   cc 28753/28753   665.65: PERF_RECORD_FORK(28754:28754):(28753:28753)
 *   cc 28754/28754   665.70: PERF_RECORD_EXIT(28754:28754):(28753:28753)
 *   opt cgu.0 28734/28751   665.61:    1001001 cpu-clock:
 *   \t ffffffff82236f77 clear_page_erms ([kernel.kallsyms])
 *   \t            1814 burn_user (/path/to/behave)
 *   (a blank line ends the sample)
 *
 * A header is found by its "PID/TID TIME:" columns, the first such place
 * after a space; the frames follow, innermost first.  A sample without a
 * call chain has its one frame on the header line, after the event.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flame-int.h"

/* Addresses from here up are the kernel's (x86-64 and arm64). */
#define KERNEL_START 0xffff800000000000ULL

struct header {
	const char *comm;
	size_t comm_len;
	uint64_t pid, tid;
	double time;
	const char *rest; /* after "TIME:" */
	size_t rest_len;
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Decimal digits at s[*i..n) into *v (saturating); 0 when there are none. */
static int
number(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < n && is_digit(s[*i])) {
		if (*v > (UINT64_MAX - 9) / 10)
			*v = UINT64_MAX;
		else
			*v = *v * 10 + (uint64_t)(s[*i] - '0');
		(*i)++;
	}
	return *i > start;
}

/* "SECONDS.FRACTION" at s[*i..n); 0 when it is not one. */
static int
timestamp(const char *s, size_t n, size_t *i, double *t)
{
	uint64_t whole, frac;
	size_t f0;
	double scale = 1;

	if (!number(s, n, i, &whole) || *i >= n || s[*i] != '.')
		return 0;
	(*i)++;
	f0 = *i;
	if (!number(s, n, i, &frac) || *i - f0 > 18)
		return 0;
	while (f0 < *i) {
		scale *= 10;
		f0++;
	}
	*t = (double)whole + (double)frac / scale;
	return 1;
}

static void
skip_spaces(const char *s, size_t n, size_t *i)
{
	while (*i < n && is_space(s[*i]))
		(*i)++;
}

/* Find the "PID/TID TIME:" columns; 1 when the line is a header. */
static int
parse_header(const char *s, size_t n, struct header *h)
{
	size_t at, i;

	for (at = 1; at < n; at++) {
		if (s[at - 1] != ' ' || !is_digit(s[at]))
			continue;
		i = at;
		if (!number(s, n, &i, &h->pid) || i >= n || s[i] != '/')
			continue;
		i++;
		if (!number(s, n, &i, &h->tid) || i >= n || !is_space(s[i]))
			continue;
		skip_spaces(s, n, &i);
		if (!timestamp(s, n, &i, &h->time) || i >= n || s[i] != ':')
			continue;
		h->comm = s;
		h->comm_len = at;
		while (h->comm_len > 0 && is_space(s[h->comm_len - 1]))
			h->comm_len--;
		h->rest = s + i + 1;
		h->rest_len = n - i - 1;
		return 1;
	}
	return 0;
}

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* ------------------------------------------------------------- processes */

static struct flamep_proc *
proc_get(struct flame_data *d, uint64_t pid)
{
	uint32_t i = flamep_map_get(&d->proc_index, pid);

	return i == UINT32_MAX ? NULL : &d->procs[i];
}

/* A fresh process pid of program prog (UINT32_MAX: unknown yet). */
static struct flamep_proc *
proc_new(struct flame_data *d, uint64_t pid, uint32_t prog, double t)
{
	struct flamep_proc *p;
	uint32_t i = flamep_map_get(&d->proc_index, pid);

	if (i == UINT32_MAX) {
		d->procs = flamep_grow(
		    d->procs, &d->cap_procs, d->n_procs + 1, sizeof(*d->procs));
		i = (uint32_t)d->n_procs++;
		flamep_map_put(&d->proc_index, pid, i);
	}
	p = &d->procs[i];
	p->prog = prog;
	p->start = t;
	p->exited = 0;
	p->execd = 0;
	return p;
}

/* A process ends at t: it counts for the program it runs. */
static void
proc_end(struct flame_data *d, struct flamep_proc *p, double t)
{
	struct flamep_prog *g;

	if (p->exited)
		return;
	p->exited = 1;
	if (p->prog == UINT32_MAX)
		return;
	g = &d->progs[p->prog];
	g->processes++;
	if (p->start > 0 && t >= p->start)
		g->alive += t - p->start;
}

static uint32_t
prog_named(struct flame_data *d, const char *s, size_t n)
{
	flamep_clean_name(&d->scratch, s, n);
	if (d->scratch.len == 0)
		flamep_clean_name(&d->scratch, "[unknown]", 9);
	return flamep_prog(d, flamep_intern(d, d->scratch.p, d->scratch.len));
}

/* The process of a sample or event: known, or taken to run comm. */
static struct flamep_proc *
proc_of(struct flame_data *d, const struct header *h)
{
	struct flamep_proc *p = proc_get(d, h->pid);

	if (p == NULL || p->exited) {
		/* No FORK or exec of it was seen: it was there already. */
		p = proc_new(d, h->pid, UINT32_MAX, h->time);
		p->execd = 1;
	}
	if (p->prog == UINT32_MAX)
		p->prog = prog_named(d, h->comm, h->comm_len);
	if (p->start == 0)
		p->start = h->time;
	return p;
}

/* "(P:T):(PP:PT)" of FORK and EXIT. */
static int
two_pairs(const char *s, size_t n, uint64_t v[4])
{
	size_t i = 0;

	if (i >= n || s[i++] != '(' || !number(s, n, &i, &v[0]) || i >= n ||
	    s[i++] != ':' || !number(s, n, &i, &v[1]) || i + 2 >= n ||
	    s[i] != ')' || s[i + 1] != ':' || s[i + 2] != '(')
		return 0;
	i += 3;
	if (!number(s, n, &i, &v[2]) || i >= n || s[i++] != ':' ||
	    !number(s, n, &i, &v[3]) || i >= n || s[i] != ')')
		return 0;
	return 1;
}

/* A task event (after "PERF_RECORD_"); 0 when it is not understood. */
static int
task_event(
    struct flame_data *d, const struct header *h, const char *s, size_t n)
{
	struct flamep_proc *p, *parent;
	const char *colon;
	uint64_t v[4], pid, tid;
	uint32_t prog;
	size_t i;
	int exec = 0;

	if (starts(s, n, "COMM")) {
		s += 4;
		n -= 4;
		if (starts(s, n, " exec:")) {
			exec = 1;
			s += 6;
			n -= 6;
		} else if (starts(s, n, ":")) {
			s++;
			n--;
		} else
			return 0;
		if (n > 0 && s[0] == ' ') {
			s++;
			n--;
		}
		/* NAME:PID/TID, and NAME may hold colons. */
		colon = NULL;
		for (i = n; i > 0; i--) {
			if (s[i - 1] == ':') {
				colon = s + i - 1;
				break;
			}
		}
		if (colon == NULL)
			return 0;
		i = (size_t)(colon - s) + 1;
		if (!number(s, n, &i, &pid) || i >= n || s[i++] != '/' ||
		    !number(s, n, &i, &tid) || i != n)
			return 0;
		if (!exec && pid != tid)
			return 1; /* a thread's name: not the program's */
		p = proc_get(d, pid);
		if (p == NULL || (exec && p->exited))
			p = proc_new(d, pid, UINT32_MAX, 0);
		prog = prog_named(d, s, (size_t)(colon - s));
		if (exec && p->execd && p->prog != UINT32_MAX &&
		    p->prog != prog) {
			/* Another program in the same process. */
			proc_end(d, p, h->time);
			p->exited = 0;
			p->start = h->time;
		}
		p->prog = prog;
		p->execd |= exec;
		if (p->start == 0)
			p->start = h->time;
		return 1;
	}
	if (starts(s, n, "FORK") || starts(s, n, "EXIT")) {
		if (!two_pairs(s + 4, n - 4, v))
			return 0;
		if (s[0] == 'F') {
			if (v[0] == v[2])
				return 1; /* a new thread */
			p = proc_get(d, v[0]);
			if (p != NULL)
				proc_end(d, p, h->time);
			parent = proc_get(d, v[2]);
			proc_new(d, v[0],
			    parent != NULL && parent->prog != UINT32_MAX
			        ? parent->prog
			        : prog_named(d, h->comm, h->comm_len),
			    h->time);
		} else if (v[0] == v[1]) {
			p = proc_get(d, v[0]);
			if (p != NULL)
				proc_end(d, p, h->time);
		}
		return 1;
	}
	/* Other records (MMAP, LOST, ...) carry nothing we use. */
	return 1;
}

/* ---------------------------------------------------------------- samples */

static uint32_t
child(struct flame_data *d, uint32_t parent, uint32_t fn)
{
	uint64_t key = (uint64_t)parent << 32 | fn;
	uint32_t c = flamep_map_get(&d->child_index, key);
	struct flamep_node *n;

	if (c != UINT32_MAX)
		return c;
	d->nodes = flamep_grow(
	    d->nodes, &d->cap_nodes, d->n_nodes + 1, sizeof(*d->nodes));
	c = (uint32_t)d->n_nodes++;
	n = &d->nodes[c];
	memset(n, 0, sizeof(*n));
	n->fn = fn;
	n->parent = parent;
	n->next = d->nodes[parent].child;
	d->nodes[parent].child = c;
	flamep_map_put(&d->child_index, key, c);
	return c;
}

/* Add the pending sample to the tree. */
static void
commit(struct flame_data *d)
{
	struct flamep_prog *g;
	uint32_t node;
	size_t i;

	if (!d->in_sample)
		return;
	d->in_sample = 0;
	g = &d->progs[d->s_prog];
	g->samples++;
	g->period += d->s_period;
	d->counts.samples++;
	d->counts.period += d->s_period;
	if (d->n_frames > 0 && d->fns[d->frames[0]].kind == FLAMEP_KERNEL)
		d->counts.kernel_samples++;
	if (d->s_cut)
		d->counts.cut_stacks++;
	d->nodes[0].total++;
	node = child(d, 0, g->fn);
	d->nodes[node].total++;
	for (i = d->n_frames; i > 0; i--) {
		node = child(d, node, d->frames[i - 1]);
		d->nodes[node].total++;
	}
	d->nodes[node].self++;
}

/* The file name of a path. */
static void
base_name(const char *s, size_t n, const char **b, size_t *bn)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '/')
		i--;
	*b = s + i;
	*bn = n - i;
}

/* "ADDR SYM (DSO)" at s[0..n); 0 when it is not a frame. */
static int
frame(struct flame_data *d, const char *s, size_t n)
{
	uint64_t addr = 0;
	size_t i = 0, h, sym_len, dso_len = 0, bn;
	const char *sym, *dso = NULL, *b;
	uint32_t name, dso_id = UINT32_MAX;
	int kernel, digit;

	skip_spaces(s, n, &i);
	for (h = 0; i < n && h < 16; i++, h++) {
		if (is_digit(s[i]))
			digit = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			digit = s[i] - 'a' + 10;
		else
			break;
		addr = addr << 4 | (uint64_t)digit;
	}
	if (h == 0 || (i < n && !is_space(s[i])))
		return 0;
	skip_spaces(s, n, &i);
	sym = s + i;
	sym_len = n - i;
	while (sym_len > 0 && is_space(sym[sym_len - 1]))
		sym_len--;
	/* The object is in the last " (...)". */
	if (sym_len > 0 && sym[sym_len - 1] == ')') {
		for (h = sym_len - 1; h > 0; h--) {
			if (sym[h] == '(' && (h == 0 || sym[h - 1] == ' '))
				break;
		}
		if (sym[h] == '(') {
			dso = sym + h + 1;
			dso_len = sym_len - h - 2;
			sym_len = h > 0 ? h - 1 : 0;
		}
	}
	/* All ones is where perf's unwinding lost the chain, not the kernel. */
	kernel = (addr >= KERNEL_START && addr != UINT64_MAX) ||
	         (dso != NULL && starts(dso, dso_len, "[kernel."));
	if (dso != NULL && dso_len > 0 && !starts(dso, dso_len, "[unknown]")) {
		base_name(dso, dso_len, &b, &bn);
		flamep_clean_name(&d->scratch2, b, bn);
		dso_id = flamep_intern(d, d->scratch2.p, d->scratch2.len);
	}
	if (sym_len == 0 ||
	    (sym_len == 9 && memcmp(sym, "[unknown]", 9) == 0)) {
		/* Name an unknown function after its object, as
		   stackcollapse-perf.pl does: "[libc.so.6]", "[vdso]". */
		d->scratch.len = 0;
		if (dso_id == UINT32_MAX || kernel)
			flamep_buf_add(&d->scratch, "[unknown]", 9);
		else if (d->str[dso_id][0] == '[')
			flamep_buf_add(&d->scratch, d->str[dso_id],
			    strlen(d->str[dso_id]));
		else
			flamep_buf_addf(&d->scratch, "[%s]", d->str[dso_id]);
	} else
		flamep_clean_name(&d->scratch, sym, sym_len);
	name = flamep_intern(d, d->scratch.p, d->scratch.len);
	if (d->n_frames >= FLAME_MAX_DEPTH) {
		d->s_cut = 1; /* keep the innermost frames */
		return 1;
	}
	d->frames = flamep_grow(
	    d->frames, &d->cap_frames, d->n_frames + 1, sizeof(*d->frames));
	d->frames[d->n_frames++] =
	    flamep_fn(d, name, dso_id, kernel ? FLAMEP_KERNEL : FLAMEP_USER);
	return 1;
}

/* Whether an event's modifiers (after its last ':') exclude the kernel. */
static int
user_only(const char *ev)
{
	const char *m = strrchr(ev, ':');

	return m != NULL && strchr(m, 'u') != NULL && strchr(m, 'k') == NULL;
}

/* "PERIOD EVENT: [frame]" after a header. */
static int
sample(struct flame_data *d, const struct header *h)
{
	const char *s = h->rest, *ev;
	size_t n = h->rest_len, i = 0, e;
	struct flamep_proc *p;
	uint64_t period;

	skip_spaces(s, n, &i);
	if (!number(s, n, &i, &period) || i >= n || !is_space(s[i]))
		return 0;
	skip_spaces(s, n, &i);
	ev = s + i;
	while (i < n && !is_space(s[i]))
		i++;
	e = (size_t)(s + i - ev);
	if (e > 0 && ev[e - 1] == ':')
		e--;
	if (e == 0)
		return 0;
	if (d->event == NULL) {
		flamep_clean_name(&d->scratch, ev, e);
		d->event = flamep_xstrdup(d->scratch.p);
		d->counts.user_only = user_only(d->event);
	}
	p = proc_of(d, h);
	d->in_sample = 1;
	d->s_prog = p->prog;
	d->s_period = period;
	d->n_frames = 0;
	d->s_cut = 0;
	skip_spaces(s, n, &i);
	if (i < n && !frame(d, s + i, n - i))
		d->counts.skipped++;
	return 1;
}

void
flamep_line(struct flame_data *d, const char *s, size_t n)
{
	struct header h;
	size_t i = 0;

	d->counts.lines++;
	skip_spaces(s, n, &i);
	if (i == n) {
		commit(d); /* a blank line ends a sample */
		return;
	}
	if (i > 0) {
		if (!d->in_sample || !frame(d, s, n))
			d->counts.skipped++;
		return;
	}
	commit(d);
	if (!parse_header(s, n, &h)) {
		d->counts.skipped++;
		return;
	}
	if (h.time > d->last_time)
		d->last_time = h.time;
	i = 0;
	skip_spaces(h.rest, h.rest_len, &i);
	if (starts(h.rest + i, h.rest_len - i, "PERF_RECORD_")) {
		d->counts.task_events++;
		i += 12;
		if (!task_event(d, &h, h.rest + i, h.rest_len - i))
			d->counts.skipped++;
		return;
	}
	if (!sample(d, &h))
		d->counts.skipped++;
}

void
flamep_end_run(struct flame_data *d)
{
	size_t i;

	commit(d);
	for (i = 0; i < d->n_procs; i++)
		proc_end(d, &d->procs[i], d->last_time);
	d->n_procs = 0;
	flamep_map_clear(&d->proc_index);
	d->last_time = 0;
	d->counts.runs++;
}
