/*
 * flame.h: where a command's CPU time goes, from perf's samples.
 *
 * A library of its own (prefix flame_), depending on nothing but libc, so
 * it can be fuzzed and tested alone.  It reads the text of
 *
 *   perf script -F comm,pid,tid,time,period,event,ip,sym,dso
 *               --show-task-events
 *
 * (one or more recorded runs), and keeps:
 *
 *   - a tree of call stacks, root first: the program as the root frame
 *     (the name of the process's main thread, which exec sets), then the
 *     frames from the outermost caller to the sampled function;
 *   - per program: its processes, their lifetime (fork or exec to exit,
 *     from the task events), its samples and their CPU time (the periods
 *     of a clock event are nanoseconds).
 *
 * From that it writes folded stacks (flamegraph.pl, inferno, speedscope)
 * and a self-contained SVG flame graph, and builds a struct flame_report:
 * programs, the hottest functions by self time (user and kernel apart) and
 * the share of samples in each category of a table of name patterns.
 *
 * The reader is lenient: lines it does not understand are counted and
 * skipped, never fatal; names are repaired to valid UTF-8 without control
 * characters and cut at FLAME_MAX_NAME bytes, stacks at FLAME_MAX_DEPTH
 * frames (the innermost are kept).  Nothing here prints or exits, except
 * that an exhausted allocation aborts (as in reports/): there is nothing
 * sensible to return.
 */
#ifndef BENCH_FLAME_FLAME_H
#define BENCH_FLAME_FLAME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench-error.h"

#define FLAME_MAX_NAME  4096 /* bytes of a frame's name that are kept */
#define FLAME_MAX_DEPTH 1024 /* frames of a stack that are kept */

/* ------------------------------------------------------------ categories */

/*
 * A category: a name and glob patterns (fnmatch(3), no flags).  A pattern
 * "program:GLOB" matches the program (the root frame), "dso:GLOB" the file
 * name of a frame's object ("libLLVM.so.19"), any other the name of a
 * function anywhere in the stack.
 */
struct flame_category {
	char *name;
	char **patterns; /* NULL-terminated */
	size_t n_patterns;
};

struct flame_categories {
	struct flame_category *v;
	size_t n;
};

/* The built-in table (LLVM, linking, process spawning, I/O system calls). */
struct flame_categories *flame_categories_default(void);
/*
 * Parse a table: "[NAME]" starts a category, each following line is one of
 * its patterns; blank lines and lines starting with # are skipped, spaces
 * around a line are not part of it.  Returns 0 and a new table in *out, or
 * BENCH_ERR_INVALID with err naming the line.
 */
int flame_categories_parse(const char *text, size_t len,
    struct flame_categories **out, struct bench_error *err);
/* Add pattern to the category called name (created at the end if new). */
void flame_categories_add(
    struct flame_categories *c, const char *name, const char *pattern);
/* The table in the format flame_categories_parse reads (caller frees). */
char *flame_categories_dump(const struct flame_categories *c);
void flame_categories_free(struct flame_categories *c);

/* --------------------------------------------------------------- samples */

/* The samples of one or more runs (opaque). */
struct flame_data;

/* What the reader saw, over every run fed so far. */
struct flame_counts {
	uint64_t samples;
	uint64_t kernel_samples; /* the sampled function ran in the kernel */
	uint64_t period;         /* sum of the samples' periods */
	uint64_t lines;          /* lines read */
	uint64_t skipped;        /* lines not understood (ignored) */
	uint64_t cut_stacks;     /* stacks cut at FLAME_MAX_DEPTH */
	uint64_t task_events;    /* COMM, FORK and EXIT records */
	unsigned runs;
	const char *event; /* of the first sample ("cpu-clock"), or NULL */
	int user_only;     /* that event excluded the kernel (":u") */
};

struct flame_data *flame_data_create(void);
void flame_data_free(struct flame_data *d);
/*
 * Read one run's perf script output from f (to its end) into d.  Returns 0,
 * or BENCH_ERR_IO when reading failed (what was read is kept).
 */
int flame_data_read(struct flame_data *d, FILE *f, struct bench_error *err);
/* The same from a buffer of len bytes (need not end in a newline). */
void flame_data_parse(struct flame_data *d, const char *text, size_t len);
void flame_data_counts(const struct flame_data *d, struct flame_counts *c);

/* --------------------------------------------------------------- writers */

/*
 * Folded stacks, one line per distinct stack: "prog;outer;...;inner N",
 * root first, lines in the order of a depth-first walk with frames sorted
 * by name.  A ';' inside a name is written as ':'.  Returns 0, or
 * BENCH_ERR_IO when writing to f failed.
 */
int flame_write_folded(
    const struct flame_data *d, FILE *f, struct bench_error *err);

struct flame_svg_opts {
	const char *title;    /* heading; NULL: "Flame graph" */
	const char *subtitle; /* a line under it, or NULL */
	unsigned width;       /* pixels; 0: 1200 */
};

/*
 * The flame graph as a self-contained SVG document: one rectangle per frame
 * (its width its share of the samples, the root at the bottom), each with
 * a <title> "name (N samples, X %)", and inline JavaScript for zoom (click
 * a frame), search (the Search button, Ctrl-F, or ?s=REGEX in the URL) and
 * ?z=NAME (zoom to the widest frame called NAME).  Frames narrower than a
 * tenth of a pixel are left out.  Returns 0, or BENCH_ERR_IO.
 */
int flame_write_svg(const struct flame_data *d, const struct flame_svg_opts *o,
    FILE *f, struct bench_error *err);

/* ---------------------------------------------------------------- report */

/* A program: the processes that ran it and their samples. */
struct flame_program {
	char *name;
	uint64_t processes;
	uint64_t samples;
	double cpu_s;   /* sampled CPU: the periods of its samples */
	double alive_s; /* the summed lifetimes of its processes */
	double share;   /* its fraction of all samples */
};

/* A function with its self and total shares of all samples (in %). */
struct flame_function {
	char *name;
	char *program; /* the program with most of its self samples */
	uint64_t self_samples;
	uint64_t total_samples; /* samples with it on the stack, counted once */
	double self_pct;
	double total_pct;
};

/* The share of samples in a category (in %). */
struct flame_share {
	char *name;
	uint64_t samples; /* with a matching frame anywhere on the stack */
	double total_pct;
	uint64_t self_samples; /* whose innermost matching frame is this
	                          category's (the first in the table wins) */
	double self_pct;
};

/* One recorded run (filled by the caller). */
struct flame_run {
	double wall; /* seconds, of the recording command */
	int exit_code;
	int signal;
	int timed_out;
};

/* The report owns every field: the caller's are malloc'd too. */
struct flame_report {
	/* Filled by the caller: what was recorded, and how. */
	char *created;
	char *tool_version;
	char *command;   /* display form */
	char **argv;     /* NULL-terminated */
	char *workspace; /* where it ran */
	char *event;     /* "cpu-clock" */
	unsigned frequency;
	char *call_graph;       /* "dwarf" or "fp" */
	struct flame_run *runs; /* n_runs of them */
	size_t n_runs;
	double record_s; /* wall time of all recorded runs */
	double script_s; /* of perf script */
	double report_s; /* of reading, writing and the report */
	char **warnings; /* NULL-terminated, or NULL */
	/* Filled by flame_report_build. */
	uint64_t samples;
	uint64_t user_samples;
	uint64_t kernel_samples;
	double cpu_s;
	int user_only; /* the kernel was not sampled */
	uint64_t skipped_lines;
	struct flame_program *programs; /* most samples first */
	size_t n_programs;
	struct flame_function *functions; /* user space, most self first */
	size_t n_functions;
	struct flame_function *kernel_functions;
	size_t n_kernel_functions;
	struct flame_share *categories; /* in the table's order */
	size_t n_categories;
};

/*
 * Build the report of d: every program, the top functions (user and kernel
 * apart) by self samples, and the shares of the categories in c (may be
 * NULL).  Returns a new report (caller frees), never NULL.
 */
struct flame_report *flame_report_build(
    const struct flame_data *d, const struct flame_categories *c, size_t top);
void flame_report_free(struct flame_report *r);

#endif /* BENCH_FLAME_FLAME_H */
