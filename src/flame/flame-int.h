/*
 * flame-int.h: what the files of src/flame/ share (prefix flamep_).
 */
#ifndef BENCH_FLAME_FLAME_INT_H
#define BENCH_FLAME_FLAME_INT_H

#include <stddef.h>
#include <stdint.h>

#include "flame.h"

/* Allocation that cannot fail: on exhaustion these abort(). */
void *flamep_xcalloc(size_t n, size_t size);
void *flamep_grow(void *p, size_t *cap, size_t need, size_t size);
char *flamep_xstrdup(const char *s);
char *flamep_xstrndup(const char *s, size_t n);

/* A growing byte buffer, always NUL-terminated once used. */
struct flamep_buf {
	char *p;
	size_t len, cap;
};
void flamep_buf_add(struct flamep_buf *b, const char *s, size_t n);
void flamep_buf_addc(struct flamep_buf *b, char c);
void flamep_buf_addf(struct flamep_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A hash map from 64-bit keys (not UINT64_MAX) to 32-bit values. */
struct flamep_map {
	uint64_t *keys; /* UINT64_MAX: empty */
	uint32_t *vals;
	size_t cap, n; /* cap: a power of two, or 0 */
};
/* The value of key, or UINT32_MAX when absent. */
uint32_t flamep_map_get(const struct flamep_map *m, uint64_t key);
void flamep_map_put(struct flamep_map *m, uint64_t key, uint32_t val);
void flamep_map_clear(struct flamep_map *m);

/* FNV-1a of s[0..n). */
uint64_t flamep_hash(const char *s, size_t n);
/*
 * Copy s[0..n) as a name: invalid UTF-8 and control characters become
 * '?', at most FLAME_MAX_NAME bytes (cut at a character boundary).  The
 * result is NUL-terminated in b (reset first).
 */
void flamep_clean_name(struct flamep_buf *b, const char *s, size_t n);

/* What a frame is. */
enum flamep_kind {
	FLAMEP_USER = 0,
	FLAMEP_KERNEL = 1,
	FLAMEP_PROGRAM = 2, /* the root frame of a program's stacks */
	FLAMEP_ROOT = 3     /* "all": the root of the tree */
};

/* A function: a name of a kind (interned), with the object it came from. */
struct flamep_fn {
	uint32_t name; /* string id */
	uint32_t dso;  /* string id of the object's file name, or UINT32_MAX */
	uint8_t kind;
};

/* A node of the stack tree; node 0 is the root ("all"). */
struct flamep_node {
	uint32_t fn;
	uint32_t parent;
	uint32_t child; /* first child, 0 = none */
	uint32_t next;  /* next sibling, 0 = none */
	uint64_t self;  /* samples that ended here */
	uint64_t total; /* samples through here */
};

/* A program: its processes and samples over every run. */
struct flamep_prog {
	uint32_t fn; /* its root frame */
	uint64_t processes;
	uint64_t samples;
	uint64_t period;
	double alive;
};

/*
 * A process of the current run, as it runs one program.  It counts once for
 * each program it runs: an exec of another program ends one and starts the
 * next; a forked child runs its parent's program until it execs (and then
 * counts only for what it exec'd).
 */
struct flamep_proc {
	uint32_t prog;
	double start; /* 0: not known yet */
	int exited;
	int execd; /* it exec'd, or was there from the start */
};

struct flame_data {
	/* Interned strings. */
	char **str;
	size_t n_str, cap_str;
	uint32_t *str_slots; /* open addressing: id + 1, 0 = empty */
	size_t str_cap;      /* a power of two, or 0 */
	/* Functions, by (name, kind). */
	struct flamep_fn *fns;
	size_t n_fns, cap_fns;
	struct flamep_map fn_index;
	/* The stack tree, children by (parent, fn). */
	struct flamep_node *nodes;
	size_t n_nodes, cap_nodes;
	struct flamep_map child_index;
	/* Programs, by the string id of their name. */
	struct flamep_prog *progs;
	size_t n_progs, cap_progs;
	struct flamep_map prog_index;
	/* The current run's processes, by pid. */
	struct flamep_proc *procs;
	size_t n_procs, cap_procs;
	struct flamep_map proc_index;
	double last_time;
	/* The sample being read: its frames, innermost first. */
	int in_sample;
	uint32_t s_prog;
	uint64_t s_period;
	uint32_t *frames;
	size_t n_frames, cap_frames;
	int s_cut;
	struct flamep_buf scratch, scratch2;
	/* Counts. */
	struct flame_counts counts;
	char *event;
};

/* flame-data.c */

/* The id of string s[0..n) (interned as given: clean it first). */
uint32_t flamep_intern(struct flame_data *d, const char *s, size_t n);
/* The function (name, kind) with its object, created when new. */
uint32_t flamep_fn(struct flame_data *d, uint32_t name, uint32_t dso, int kind);
/* The program called name (a string id), created when new. */
uint32_t flamep_prog(struct flame_data *d, uint32_t name);
/* The name of node i's function. */
const char *flamep_node_name(const struct flame_data *d, uint32_t i);
/*
 * The children of node i sorted by name (kernel frames after user frames
 * of the same name); returns how many, in *out (caller frees).
 */
size_t flamep_sorted_children(
    const struct flame_data *d, uint32_t i, uint32_t **out);

/* flame-cat.c */

/* Whether a frame (its name, object file name or NULL, kind) matches k. */
int flamep_category_match(const struct flame_category *k, const char *name,
    const char *dso, int kind);

/* flame-script.c */

/* One line of perf script output (without its newline). */
void flamep_line(struct flame_data *d, const char *line, size_t len);
/* The end of a run: the pending sample, the processes still alive. */
void flamep_end_run(struct flame_data *d);

#endif /* BENCH_FLAME_FLAME_INT_H */
