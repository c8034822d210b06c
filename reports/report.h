/*
 * report.h: the baseline, bench-tests' one data model, and its writers and
 * readers.  The only code that uses jansson.
 *
 * A baseline describes one measurement session: the environment it ran in,
 * the settings, and one or more benchmarks (a command, its runs, their
 * statistics and whether they converged).  Every command produces or
 * consumes one; the JSON file (schema in reports/baseline-schema.md) is its
 * serialisation.  Nothing here prints to the terminal or exits: writers
 * return strings or write to a FILE the caller owns, readers fill a struct
 * bench_error.
 */
#ifndef BENCH_REPORTS_REPORT_H
#define BENCH_REPORTS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench-error.h"
#include "stats.h"

#define REPORT_SCHEMA_NAME    "bench-tests/baseline"
#define REPORT_SCHEMA_VERSION 1

/* One run of a command: wall clock and the wait4 rusage of its whole tree. */
struct bench_run {
	double wall;     /* seconds, CLOCK_MONOTONIC from spawn to reap */
	double user;     /* seconds, ru_utime of the tree */
	double sys;      /* seconds, ru_stime of the tree */
	int64_t max_rss; /* bytes: the largest process of the tree */
	int64_t minor_faults;
	int64_t major_faults;
	int64_t vol_switches;
	int64_t invol_switches;
	int64_t block_in;
	int64_t block_out;
	int exit_code; /* -1 when killed by a signal */
	int signal;    /* 0 unless killed by a signal */
	int timed_out; /* 1 when bench-tests ended it at --timeout */
};

/* The metrics with full statistics, in the order of struct bench_result.st. */
enum bench_metric {
	METRIC_WALL,
	METRIC_USER,
	METRIC_SYS,
	METRIC_MAX_RSS,
	METRIC_COUNT
};

/* Why the run loop stopped adding runs. */
enum bench_stop {
	STOP_CONVERGED,   /* CV of wall time <= tolerance */
	STOP_MAX_RUNS,    /* --max-runs reached */
	STOP_MAX_TIME,    /* --max-time budget would be exceeded */
	STOP_INTERRUPTED, /* SIGINT or SIGTERM */
	STOP_FAILED,      /* the command failed (not ignored) */
	STOP_NONE         /* not measured (yet) */
};

/* One benchmark: a command and its measured runs. */
struct bench_result {
	char *name;    /* display name, unique in the baseline */
	char *command; /* the command as one string (hyperfine's field) */
	char **argv;   /* NULL-terminated */
	char *workdir; /* directory the command ran in */
	struct bench_run *runs; /* measured runs, in order */
	size_t n_runs;
	size_t warmup_runs; /* warm-up runs done and discarded */
	struct stats_summary st[METRIC_COUNT]; /* valid when n_runs > 0 */
	size_t *outliers; /* indexes into runs of wall-time outliers */
	size_t n_outliers;
	int converged; /* 1 when CV <= tolerance */
	enum bench_stop stop;
	double cv_tolerance;    /* the tolerance it was judged against */
	double measure_seconds; /* wall time of warm-ups and runs */
	double harness_cpu; /* bench-tests' own CPU seconds per measured run */
};

/* Facts about the machine and toolchain, recorded with every baseline. */
struct bench_env {
	char *hostname;
	char *os;     /* e.g. "Debian GNU/Linux 12 (bookworm)" */
	char *kernel; /* uname -sr */
	char *arch;   /* uname -m */
	char *cpu_model;
	int cpu_cores; /* online processors */
	int64_t memory_bytes;
	char *governor; /* NULL when unreadable; "mixed" if CPUs differ */
	double load_before[3];
	double load_after[3];
	char *rustc;         /* first line of rustc -vV, NULL if unavailable */
	char *rustc_verbose; /* all of rustc -vV */
	char *cargo;         /* cargo -V */
	char *git_commit;    /* of the workspace, NULL if not a git tree */
	int git_dirty;       /* -1 unknown */
	char **warnings;     /* environment warnings, NULL-terminated */
};

/* The settings of the measurement. */
struct bench_settings {
	size_t warmup;
	size_t runs;
	size_t max_runs;
	double max_time; /* seconds, 0 = no budget */
	double tolerance;
	double timeout; /* seconds per run, 0 = none */
	double ci_level;
	double outlier_threshold;
	char *prebuild; /* NULL when skipped */
	int ignore_failure;
};

struct baseline {
	int schema_version;
	char *id;      /* unique id (UUID v4) */
	char *label;   /* --label, may be NULL */
	char *created; /* ISO 8601 UTC */
	char *tool_version;
	char *workspace; /* absolute path */
	int complete;    /* 0 when interrupted */
	struct bench_settings settings;
	struct bench_env env;
	struct bench_result *results;
	size_t n_results;
};

/* baseline.c */

/* A new, empty baseline with the current schema version; never NULL. */
struct baseline *report_baseline_create(void);
/* Free a baseline and everything it owns; NULL is ignored. */
void report_baseline_free(struct baseline *b);
/* Append an empty result, owned by b; returns it (valid until the next add). */
struct bench_result *report_baseline_add_result(struct baseline *b);
/* Look a result up by name; NULL if absent. */
struct bench_result *report_baseline_find(
    const struct baseline *b, const char *name);
/* Free the fields of a result (not the struct itself). */
void report_result_clear(struct bench_result *r);
/* Value of metric m of run r (seconds or bytes). */
double report_run_metric(const struct bench_run *r, enum bench_metric m);
/* Recompute r->st and r->outliers from r->runs; 0 or a bench_status. */
int report_result_compute(struct bench_result *r, double ci_level,
    double outlier_threshold, struct bench_error *err);
/* Short names: "wall", "user", "system", "max_rss". */
const char *report_metric_name(enum bench_metric m);
/* "converged", "max_runs", ... and back (-1 when unknown). */
const char *report_stop_name(enum bench_stop s);
int report_stop_parse(const char *s);
/* Add a warning to the environment (copied). */
void report_env_warn(struct bench_env *env, const char *text);

/* json-write.c */

/*
 * Serialise b as the baseline JSON document (keys in schema order, reals
 * with 17 significant digits, trailing newline).  Returns a string the
 * caller frees, or NULL (err filled) when jansson fails.
 */
char *report_baseline_dump(const struct baseline *b, struct bench_error *err);

/* json-read.c */

/*
 * Parse and validate a baseline JSON document of len bytes.  Returns a new
 * baseline the caller frees, or NULL with err filled: BENCH_ERR_INVALID for
 * malformed JSON or a document that is not a baseline (err names the
 * offending field), BENCH_ERR_VERSION for a newer schema version,
 * BENCH_ERR_TRUNCATED when the text ends early.
 */
struct baseline *report_baseline_parse(
    const char *text, size_t len, struct bench_error *err);

/* text.c */

/* How the text writers format: colours and Unicode only on a terminal. */
struct report_style {
	int color;   /* ANSI colours */
	int unicode; /* ± … and µ; ASCII otherwise */
};

/*
 * Format a duration in seconds with a unit that fits (s, ms, µs), into buf;
 * returns buf.  Uses the same unit for several numbers when unit_of > 0 (the
 * unit is chosen for unit_of).
 */
const char *report_fmt_time(char *buf, size_t size, double seconds,
    double unit_of, const struct report_style *style);
/* Format bytes with a binary unit (KiB, MiB, GiB). */
const char *report_fmt_bytes(char *buf, size_t size, double bytes);
/* Write a hyperfine-like summary of result r (its index in the baseline is
 * idx). */
void report_text_result(FILE *f, const struct bench_result *r, size_t idx,
    const struct report_style *style);

/* export.c */

/* The formats of bench-tests export. */
enum report_export_format {
	REPORT_EXPORT_MARKDOWN,  /* hyperfine's Markdown table, more columns */
	REPORT_EXPORT_CSV,       /* hyperfine's CSV columns, then ours */
	REPORT_EXPORT_HYPERFINE, /* hyperfine's JSON export */
	REPORT_EXPORT_BMF,       /* the Bencher Metric Format (JSON) */
	REPORT_EXPORT_COUNT
};

/* The format called name ("markdown", "csv", "hyperfine", "bmf"), or -1. */
int report_export_format_parse(const char *name);
/* The name of a format. */
const char *report_export_format_name(enum report_export_format fmt);
/*
 * Write the results of b in format fmt (results without measured runs are
 * left out).  Returns UTF-8 text ending in a newline that the caller frees,
 * or NULL with err filled when fmt is not a format or jansson fails.
 */
char *report_export(const struct baseline *b, enum report_export_format fmt,
    struct bench_error *err);

#endif /* BENCH_REPORTS_REPORT_H */
