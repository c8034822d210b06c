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

/* How the text writers format: colours and Unicode only on a terminal. */
struct report_style {
	int color;   /* ANSI colours */
	int unicode; /* ± … and µ; ASCII otherwise */
};

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

/* One test of a test binary, as libtest's JSON reports it. */
struct test_case {
	char *name;
	char *event;      /* "ok", "failed", "ignored" */
	double exec_time; /* seconds; NAN when not reported */
};

/* One test binary (or doc-test run) of the per-test pass. */
struct test_binary {
	char *name;       /* crate/lib, crate/test/NAME, crate/doc, ... */
	char *source;     /* what cargo said it runs: "unittests src/lib.rs" */
	char *executable; /* NULL for doc-tests */
	int64_t passed;
	int64_t failed;
	int64_t ignored;
	int64_t measured;
	int64_t filtered_out;
	double exec_time; /* of the whole suite; NAN if it did not finish */
	int finished;     /* the suite's closing event was seen */
	struct test_case *slowest; /* by exec_time, descending */
	size_t n_slowest;
};

/* The per-test pass: libtest's JSON output of one cargo test run. */
struct test_report {
	char *command; /* the command of the pass */
	int exit_code; /* of cargo (101 when a test failed) */
	struct test_binary *binaries;
	size_t n_binaries;
};

/* A named cost: a label or an item with its self time. */
struct prof_cost {
	char *name;
	double self; /* seconds */
	uint64_t count;
};

/*
 * A compilation unit of the workspace: what the extractor saw of it in
 * pass 2, and the costs merged from its pass-1 self-profile.
 */
struct prof_unit {
	/* Pass 2: the extractor's record. */
	char *package; /* CARGO_PKG_NAME */
	char *key;     /* lib, test, test/NAME, bin/NAME, ... (set by
	                  the merge from cargo metadata) */
	char *crate_name;
	char **crate_types; /* NULL-terminated */
	int test;           /* --test */
	char *edition;
	char **features; /* --cfg feature="..." */
	char **externs;  /* --extern names */
	char *source;    /* the source file, as rustc was given it */
	char *metadata;  /* -C metadata= */
	double wall;     /* rustc in pass 2: wall, user, sys */
	double user;
	double sys;
	int exit_code; /* rustc's status in pass 2 */
	/* Pass 1: the profile, when one matched. */
	int has_profile;
	char *profile_file;
	int profile_partial;      /* the file was truncated or damaged */
	double prof_wall;         /* seconds, first to last event */
	double frontend;          /* self time of frontend labels */
	double backend;           /* self time of backend labels */
	double overhead;          /* the profiler's own (left out of costs) */
	struct prof_cost *labels; /* largest self time first */
	size_t n_labels;
	struct prof_cost *items; /* per item (DefPath), largest first */
	size_t n_items;
	size_t n_items_total; /* items before keeping the largest */
	/* Cargo's own timing of the unit in pass 1 (NAN when unknown). */
	double cargo_duration;
	double cargo_frontend; /* until its rmeta was written */
};

/* The two-pass self-profile of a workspace's build. */
struct prof_section {
	int profiled; /* pass 1 ran (not --no-profile) */
	char *pass1_command;
	char *pass2_command;
	double pass1_wall; /* seconds */
	double pass2_wall;
	int pass1_status;
	int pass2_status;
	char *extractor; /* --extractor, or NULL for ours */
	char *work_dir;
	struct prof_unit *units;
	size_t n_units;
	size_t n_missing;      /* units without profile data */
	char **failed;         /* units that failed to build in pass 2 */
	double deps_prof_wall; /* profiles of non-workspace crates */
	size_t deps_files;
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
	struct test_report *tests;    /* the per-test pass, or NULL */
	struct prof_section *profile; /* the two-pass profile, or NULL */
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
/* Value of metric m of run r (seconds or bytes). */
double report_run_metric(const struct bench_run *r, enum bench_metric m);
/* Recompute r->st and r->outliers from r->runs; 0 or a bench_status. */
int report_result_compute(struct bench_result *r, double ci_level,
    double outlier_threshold, struct bench_error *err);
/* The factor by which a first run is "far slower" than the others. */
#define REPORT_SLOW_FIRST 2.0
/*
 * Whether the first measured run of r was far slower than the rest (a
 * compile or a cold cache inside the measurement): the slowest of all and
 * more than REPORT_SLOW_FIRST times the median of the others.  Returns
 * first / that median when it was, 0 otherwise (fewer than 2 runs too).
 */
double report_result_slow_first(const struct bench_result *r);
/* Short names: "wall", "user", "system", "max_rss". */
const char *report_metric_name(enum bench_metric m);
/* "converged", "max_runs", ... and back (-1 when unknown). */
const char *report_stop_name(enum bench_stop s);
int report_stop_parse(const char *s);
/* Add a warning to the environment (copied). */
void report_env_warn(struct bench_env *env, const char *text);

/* identity.c: what makes a baseline storable on a results server. */

/*
 * Check that a parsed baseline can be stored on a server: it has an id of
 * 1 to 128 letters, digits, '-', '_' and '.' (not starting with '.'), and a
 * "created" time in ISO 8601 (*t gets it in Unix seconds, may be NULL).
 * Returns 0 or BENCH_ERR_INVALID with err naming the field.
 */
int report_identity_check(
    const char *id, const char *created, double *t, struct bench_error *err);
/*
 * Parse an ISO 8601 time: YYYY-MM-DD, optionally followed by THH:MM, :SS
 * and a fraction, and Z or +hh:mm (none means UTC).  Returns 0 and sets *t
 * (Unix seconds) or -1.
 */
int report_parse_time(const char *s, double *t);

/* cargo.c: what cargo and libtest print in JSON. */

/* A target of a package, from cargo metadata. */
struct cargo_target {
	char *name;
	char *kind; /* lib (any library kind), bin, test, example, bench,
	               custom-build */
	char *src_path;
	int test; /* cargo test runs it by default */
	int doctest;
};

/* A workspace member. */
struct cargo_package {
	char *name;
	char *id;
	char *manifest_path;
	struct cargo_target *targets;
	size_t n_targets;
};

struct cargo_workspace {
	char *root;
	char *target_dir;
	struct cargo_package *packages; /* members, in cargo's order */
	size_t n_packages;
};

/* A test executable cargo built, with our name for it. */
struct cargo_test_exe {
	char *path;
	char *name; /* crate/lib, crate/bin/NAME, crate/test/NAME, ... */
};

/*
 * Parse `cargo metadata --format-version 1 --no-deps`.  Returns a new
 * workspace (caller frees with report_cargo_workspace_free) or NULL with
 * err filled.
 */
struct cargo_workspace *report_cargo_metadata_parse(
    const char *text, size_t len, struct bench_error *err);
void report_cargo_workspace_free(struct cargo_workspace *ws);
/* The member called name, or NULL. */
const struct cargo_package *report_cargo_find(
    const struct cargo_workspace *ws, const char *name);
/*
 * The test executables in `cargo test --no-run --message-format json`
 * output (one JSON object per line; other lines are ignored), named after
 * the members of ws.  Returns how many (array in *out, caller frees with
 * report_cargo_exes_free) or a negative bench_status.
 */
long report_cargo_test_exes(const char *text, size_t len,
    const struct cargo_workspace *ws, struct cargo_test_exe **out,
    struct bench_error *err);
void report_cargo_exes_free(struct cargo_test_exe *exes, size_t n);
/*
 * Parse the merged stdout and stderr of `cargo test -- -Zunstable-options
 * --format json --report-time`: cargo's "Running"/"Doc-tests" lines name
 * the binary of the JSON events that follow.  Keeps the `slowest` slowest
 * tests of each binary.  Returns a new report (caller frees) or NULL.
 */
struct test_report *report_libtest_parse(const char *text, size_t len,
    const struct cargo_workspace *ws, const struct cargo_test_exe *exes,
    size_t n_exes, size_t slowest, struct bench_error *err);
void report_test_report_free(struct test_report *t);
/* Write the per-test report as a table. */
void report_text_tests(
    FILE *f, const struct test_report *t, const struct report_style *style);

/* compare.c: two baselines side by side, with significance tests. */

enum cmp_verdict {
	CMP_SAME, /* no significant change */
	CMP_FASTER,
	CMP_SLOWER,
	CMP_UNKNOWN /* too few runs to test */
};

/* One metric (wall, user, system) of one benchmark in both baselines. */
struct cmp_metric {
	struct stats_summary before;
	struct stats_summary after;
	double diff;   /* after.mean - before.mean */
	double change; /* diff / before.mean */
	double noise;  /* 2 x the larger stddev */
	struct stats_welch welch;
	struct stats_mwu mwu;
	struct stats_ratio ratio; /* after / before */
	int tested;               /* welch, mwu and ratio are valid */
	int mwu_can_reject;       /* the smallest possible MWU p < alpha */
	enum cmp_verdict verdict;
	char rule[200]; /* which rule decided, in words */
};

/* One benchmark present in both baselines. */
struct cmp_bench {
	char *name;
	struct cmp_metric m[3];   /* METRIC_WALL, METRIC_USER, METRIC_SYS */
	enum cmp_verdict verdict; /* the wall-time verdict */
	double rel_diff;  /* |after - before| / before of the wall mean */
	int reproducible; /* rel_diff <= the reproducibility threshold */
	int target_met;   /* after wall mean <= target */
};

struct cmp_opts {
	double alpha;    /* significance level, 0.05 */
	double repro;    /* reproducibility threshold (0.10); 0 = off */
	double target;   /* seconds; 0 = off */
	double ci_level; /* of the ratio's interval */
};

/* A unit of the profile present in both baselines. */
struct cmp_unit {
	char *name;       /* package/key */
	double before[3]; /* frontend, backend, wall (seconds) */
	double after[3];
};

struct comparison {
	struct cmp_opts opts;
	char *before_name; /* file names or labels, for headings */
	char *after_name;
	struct cmp_bench *benches;
	size_t n_benches;
	char **only_before; /* NULL-terminated */
	char **only_after;
	char **warnings;  /* different machines, toolchains, commands */
	int reproducible; /* every benchmark reproducible */
	int target_met;   /* every benchmark meets the target */
	size_t n_faster;
	size_t n_slower;
	struct cmp_unit *units; /* profile deltas, largest change first */
	size_t n_units;
	int has_profiles; /* both baselines carry a profile */
};

/* The defaults of compare, check and the server's change markers. */
#define REPORT_CMP_ALPHA 0.05
#define REPORT_CMP_CI    0.95

/*
 * The decision on one metric: the runs before (x, nx values) against the
 * runs after (y, ny).  Fills cm: both summaries, the tests, the ratio with
 * its interval, the verdict and the rule that decided (untested with fewer
 * than 2 runs on a side).  The one rule compare, check and the results
 * server's markers share; m only chooses how the rule text formats.
 */
void report_compare_samples(const double *x, size_t nx, const double *y,
    size_t ny, enum bench_metric m, const struct cmp_opts *o,
    struct cmp_metric *cm);
/*
 * Compare every benchmark present in both baselines (matched by name).  A
 * change is significant only when |diff| exceeds twice the larger stddev
 * AND Welch's t-test AND the Mann-Whitney U test both give p < alpha.
 * Returns a new comparison (caller frees) or NULL with err filled: no
 * benchmark in common is BENCH_ERR_INVALID.
 */
struct comparison *report_compare(const struct baseline *before,
    const char *before_name, const struct baseline *after,
    const char *after_name, const struct cmp_opts *opts,
    struct bench_error *err);
void report_comparison_free(struct comparison *c);

/* The nightly gate's judgement of a comparison. */
enum gate_status {
	GATE_PASS,       /* nothing significantly slower beyond --warn */
	GATE_WARN,       /* a significant slowdown beyond --warn */
	GATE_FAIL,       /* a significant slowdown beyond --fail */
	GATE_NO_BASELINE /* nothing to compare with */
};

struct cmp_gate {
	double warn; /* fraction (0.15) */
	double fail; /* fraction; 0 = off */
	enum gate_status status;
	int *levels; /* per benchmark: 0 ok, 1 warn, 2 fail */
};

/* Judge c: fills g->status and g->levels (caller frees levels). */
void report_gate_apply(struct cmp_gate *g, const struct comparison *c);
/* "pass", "warn", "fail", "no-baseline". */
const char *report_gate_name(enum gate_status s);
/* "faster", "slower", "no significant change", "untested". */
const char *report_verdict_name(enum cmp_verdict v);
/*
 * The comparison as a terminal table, as Markdown, or as JSON (a string the
 * caller frees); with the gate's judgement when g is not NULL.
 */
void report_comparison_text(FILE *f, const struct comparison *c,
    const struct cmp_gate *g, const struct report_style *style);
void report_comparison_markdown(
    FILE *f, const struct comparison *c, const struct cmp_gate *g);
char *report_comparison_json(const struct comparison *c,
    const struct cmp_gate *g, struct bench_error *err);

/* profile.c: the units of the two-pass profile and their costs. */

/* Free a unit's fields (not the struct). */
void report_unit_clear(struct prof_unit *u);
void report_prof_section_free(struct prof_section *p);
/* A unit record as one line of JSON (caller frees), for wrapper mode. */
char *report_unit_dump(const struct prof_unit *u);
/* Parse a unit record; 0, or a bench_status with err filled. */
int report_unit_parse(
    const char *text, size_t len, struct prof_unit *u, struct bench_error *err);
/* Which side of the compiler a self-profile label belongs to. */
int report_label_is_backend(const char *label);
/* Cargo's timing of one unit, from its -Zbuild-analysis log. */
struct cargo_unit_time {
	char *package_id;
	char *target_name;
	char *target_kind;
	char *mode;     /* build, test, check, run-custom-build, ... */
	double started; /* seconds since the build began */
	double rmeta;   /* NAN when not reported */
	double finished;
};
/* Parse a build-analysis log (JSON lines); returns how many units. */
long report_cargo_timings_parse(const char *text, size_t len,
    struct cargo_unit_time **out, struct bench_error *err);
void report_cargo_timings_free(struct cargo_unit_time *t, size_t n);
/* One profile file, summarised, for profile-summary. */
struct prof_summary_row {
	const char *label;
	double self; /* seconds */
	double total;
	uint64_t count;
	uint64_t cache_hits;
};

struct prof_summary_view {
	const char *file;
	unsigned version;
	const char *crate;   /* from the metadata, or NULL */
	const char *partial; /* why the result is partial, or NULL */
	uint64_t n_events;
	double wall; /* seconds */
	double cpu;
	double self;                   /* sum of self times */
	struct prof_summary_row *rows; /* by self time, largest first */
	size_t n_rows;
};

/* summarize's table (label, self, % of total, total, count, cache hits). */
void report_text_profile_summary(FILE *f, const struct prof_summary_view *v,
    size_t top, const struct report_style *style);
/* Several summaries as a JSON array (caller frees), NULL on failure. */
char *report_profile_summary_json(
    const struct prof_summary_view *v, size_t n, struct bench_error *err);
/* The profile as a table sorted by frontend cost, with shares. */
void report_text_profile(FILE *f, const struct prof_section *p, size_t top,
    const struct report_style *style);

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

/* alloc.c */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
size_t report_utf8_len(const char *s, size_t n);
/* A copy of s (caller frees) with every byte that is not part of valid
 * UTF-8 replaced by U+FFFD. */
char *report_utf8_fix(const char *s);

/* json-util.c: asked of JSON texts by the results server and its client. */

/*
 * The "error" string of a server's error reply, copied into buf (size
 * bytes, control characters replaced); 0, or -1 when body is not one.
 */
int report_json_error_text(
    const char *body, size_t len, char *buf, size_t size);
/* 1 when text is JSON at all (to word an error message), else 0. */
int report_json_valid(const char *text, size_t len);

/* text.c */

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
