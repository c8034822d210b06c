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
	STOP_CONVERGED,   /* the convergence rule was met (CV or CI) */
	STOP_MAX_RUNS,    /* --max-runs reached */
	STOP_MAX_TIME,    /* --max-time budget would be exceeded */
	STOP_INTERRUPTED, /* SIGINT or SIGTERM */
	STOP_FAILED,      /* the command failed (not ignored) */
	STOP_NONE         /* not measured (yet) */
};

/* One phase of a benchmark (--phases): its time in each measured run. */
struct bench_phase {
	char *name;
	double *per_run;  /* seconds; 0 in a run that printed none of it */
	size_t n_per_run; /* = the result's n_runs */
	uint64_t count;   /* the lines it was summed from, over all runs */
	double mean;      /* of per_run (report_phases_compute) */
	double stddev;    /* NAN below 2 runs */
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
	int converged; /* 1 when its rule was met */
	enum bench_stop stop;
	double cv_tolerance;    /* the CV tolerance it was judged against */
	double ci_target;       /* --converge ci: the largest half-width of the
	                           wall mean's interval, a fraction of the mean;
	                           0 or NAN for the CV rule */
	double measure_seconds; /* wall time of warm-ups and runs */
	double harness_cpu; /* bench-tests' own CPU seconds per measured run */
	int has_phases;     /* measured with --phases (phases may be none) */
	struct bench_phase *phases; /* in the order they first appeared */
	size_t n_phases;
	double phase_coverage;        /* sum of the phase means / the wall mean;
	                                 NAN without phases or runs */
	uint64_t phase_lines_ignored; /* matching lines that could not be used
	                                 (not stored in baselines) */
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
	double ci_target; /* --converge ci=PCT as a fraction; 0: the CV rule */
	double timeout;   /* seconds per run, 0 = none */
	double ci_level;
	double outlier_threshold;
	char *prebuild; /* NULL when skipped */
	int ignore_failure;
	int phases;          /* --phases */
	char *phase_pattern; /* --phases=PATTERN; NULL: the default */
	char *phase_unit;    /* --phase-unit; NULL: ms (or the line's) */
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
 * The cost skew: how much of the frontend cost falls to the costliest
 * items (the plan's "top 1 % of items = 75 % of the cost").
 */
struct prof_skew {
	double percent; /* the top percent of items: 1 or 10 */
	size_t n;       /* items in that top: ceil(of * percent / 100) */
	size_t of;      /* items with a frontend cost */
	double self;    /* their frontend self time, seconds */
	double share;   /* self / the frontend cost (0 to 1); NAN without
	                   a cost */
};

#define PROF_SKEWS 2 /* top 1 %, top 10 % */

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
	long pid;      /* rustc's process id (not stored in baselines) */
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
	struct prof_skew skew[PROF_SKEWS]; /* of the unit's items */
	/* Cargo's own timing of the unit in pass 1 (NAN when unknown). */
	double cargo_duration;
	double cargo_frontend; /* until its rmeta was written */
};

/* unit-record.c: what bench-tests-rustc-wrapper saw of one rustc call. */
struct unit_record {
	char *cwd;   /* rustc's working directory, or NULL */
	char *rustc; /* the rustc cargo named */
	char **args; /* cargo's arguments, @files expanded; NULL-terminated */
	size_t n_args;
	char *pkg_name; /* CARGO_PKG_NAME, ... (NULL when unset) */
	char *pkg_version;
	char *manifest_dir;
	char *crate_name; /* CARGO_CRATE_NAME */
	int primary;      /* CARGO_PRIMARY_PACKAGE was set */
	long pid;         /* rustc's process id, 0 if unknown */
	double wall;      /* seconds (NAN when absent) */
	double user;
	double sys;
	double maxrss; /* KiB */
	int exit_code; /* rustc's exit status, or 128 + signal */
	int signal;    /* the signal that ended rustc, or 0 */
};

/*
 * Parse a record of bench-tests-rustc-wrapper (text, one field a line).
 * Returns 0 and a new record in *out (free with report_unit_record_free),
 * or BENCH_ERR_INVALID, BENCH_ERR_TRUNCATED (no "end" line) or
 * BENCH_ERR_VERSION (a newer format) with err filled.
 */
int report_unit_record_parse(const char *text, size_t len,
    struct unit_record **out, struct bench_error *err);
void report_unit_record_free(struct unit_record *r);
/*
 * Fill u (its pass-2 fields) from the rustc arguments of a record: 0, or
 * BENCH_ERR_INVALID when the call compiled no crate (a probe).
 */
int report_unit_from_record(
    const struct unit_record *r, struct prof_unit *u, struct bench_error *err);

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
	int single_pass;  /* --single-pass: pass 1 also recorded the units */
	int profile_deps; /* --profile-deps: dependencies were profiled */
	int has_skew;     /* skew is set (a profile with items) */
	struct prof_skew skew[PROF_SKEWS]; /* of all units' items */
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
/* Free the fields of a result (not the struct itself). */
void report_result_clear(struct bench_result *r);
/*
 * Move result i of b into a new baseline with a copy of b's metadata
 * (id included: give it its own); NULL with err when the copy cannot be
 * made (i out of range, or b does not serialise).  b keeps the others.
 */
struct baseline *report_baseline_take_result(
    struct baseline *b, size_t i, struct bench_error *err);
/* Look a result up by name; NULL if absent. */
struct bench_result *report_baseline_find(
    const struct baseline *b, const char *name);
/* Value of metric m of run r (seconds or bytes). */
double report_run_metric(const struct bench_run *r, enum bench_metric m);
/* 1 when run r failed: a non-zero exit, a signal or the timeout. */
int report_run_failed(const struct bench_run *r);
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

/*
 * compare.c: two baselines side by side, and the ONE decision that
 * compare, check (the gate), the results server's change markers and the
 * A/B command share.
 *
 * The decision is split in two, so that a caller with paired data can
 * bring its own statistics:
 *
 *   report_compare_samples()  computes the evidence from two independent
 *                             samples (Fieller's interval of the ratio of
 *                             the means, Welch's t-test, the Mann-Whitney
 *                             U test) and then decides;
 *   report_compare_decide()   decides from evidence alone: the ratio
 *                             after/before with its interval, a p-value of
 *                             a test of the means and one of a rank test,
 *                             the numbers of runs and alpha.  A paired
 *                             analysis (a t interval of the log-ratios of
 *                             the pairs, Wilcoxon's signed-rank test) fills
 *                             a struct cmp_evidence and calls it.
 *
 * The rule: slower (faster) when the interval lies above (below) 1 and
 * both tests reject at alpha; untested when a side has fewer than 2 runs,
 * the metric is missing, the rank test cannot reach alpha with so few runs,
 * or the interval is unbounded; no significant change otherwise, with the
 * change the data could have detected (the interval's half-width).
 *
 * Why Fieller's interval and not a t interval of log times: it is the
 * interval of the ratio of the arithmetic means (the quantity a "21 %
 * slower" speaks of: total time), it excludes 1 exactly when Welch's test
 * at the same level rejects (both use the Welch-Satterthwaite degrees of
 * freedom), so the interval and the test never contradict each other, and
 * it needs no logarithm: the system time of a short run is often 0.
 */

enum cmp_verdict {
	CMP_SAME, /* no significant change */
	CMP_FASTER,
	CMP_SLOWER,
	CMP_UNKNOWN /* untested */
};

/* The metrics a comparison decides on, in the order of cmp_bench.m. */
enum cmp_measure {
	CMP_M_WALL, /* wall time */
	CMP_M_CPU,  /* user + system time of the tree */
	CMP_M_USER,
	CMP_M_SYS,
	CMP_M_COUNT
};

/* "wall", "cpu", "user", "system". */
const char *report_measure_name(enum cmp_measure m);
/* The measure called name (as above; "sys" too), or -1. */
int report_measure_parse(const char *name);
/* Value of measure m of run r, in seconds. */
double report_run_measure(const struct bench_run *r, enum cmp_measure m);

/*
 * What a verdict is decided from, however it was computed.  The ratio is
 * after / before; its interval is at the caller's confidence level.
 */
struct cmp_evidence {
	size_t n_before; /* runs before (pairs, for paired data) */
	size_t n_after;
	int missing;  /* the metric is absent on a side */
	int computed; /* ratio and p-values are valid */
	struct stats_ratio ratio;
	double p_mean;         /* a test of the means (Welch's t-test) */
	double p_rank;         /* a rank test (Mann-Whitney U) */
	double p_rank_min;     /* the smallest p the rank test can give with
	                          these n (0 when it has no floor) */
	const char *why;       /* why not computed (a static string), or NULL */
	int paired;            /* n_before pairs (then n_after == n_before) */
	const char *mean_test; /* the tests' names in the rule: NULL for */
	const char *rank_test; /* "Welch" and "Mann-Whitney" */
};

/* A verdict and why. */
struct cmp_decision {
	enum cmp_verdict verdict;
	/* With no significant change: changes beyond +- this fraction would
	   have been detected (the interval's half-width); NAN otherwise. */
	double detectable;
	char rule[240]; /* the reason, in words */
};

/*
 * Decide on evidence e at significance level alpha (0 < alpha < 1):
 * see the rule above.  Fills d; never fails.
 */
void report_compare_decide(
    const struct cmp_evidence *e, double alpha, struct cmp_decision *d);

/* One metric of one benchmark in both baselines. */
struct cmp_metric {
	struct stats_summary before; /* n = 0: no runs, mean NAN */
	struct stats_summary after;
	double diff;              /* after.mean - before.mean */
	double change;            /* diff / before.mean */
	struct stats_welch welch; /* valid when ev.computed */
	struct stats_mwu mwu;
	/* The seeds' Section 06 rule: a claimed improvement must make the
	   mean faster by more than twice the larger standard deviation of
	   single runs.  Reported beside the verdict; it does not decide. */
	double noise;  /* 2 x the larger stddev (NAN below 2 runs) */
	int section06; /* faster by more than noise */
	struct cmp_evidence ev;
	struct cmp_decision dec;
};

/* A phase (--phases) of a benchmark in either baseline: its per-run times
   compared by report_compare_samples (missing on the side without it). */
struct cmp_phase {
	char *name;
	struct cmp_metric m;
};

/* One benchmark present in both baselines. */
struct cmp_bench {
	char *name;
	char *after_name; /* the after-benchmark's name when it differs (two
	                     files of one benchmark each), else NULL */
	struct cmp_metric m[CMP_M_COUNT];
	enum cmp_verdict verdict; /* of opts.metric */
	size_t failed_before;     /* runs that failed (--ignore-failure) */
	size_t failed_after;
	double rel_diff;  /* |after - before| / before of the wall mean */
	int reproducible; /* rel_diff <= the reproducibility threshold */
	int target_met;   /* after wall mean <= target */
	struct cmp_phase *phases; /* before's order, then those new after;
	                             they inform, the verdict is the metric's */
	size_t n_phases;
};

struct cmp_opts {
	double alpha;            /* significance level, 0.05 */
	double repro;            /* reproducibility threshold (0.10); 0 = off */
	double target;           /* seconds; 0 = off */
	double ci_level;         /* of the ratio's interval */
	enum cmp_measure metric; /* the verdict of a benchmark (wall) */
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
	char **warnings;     /* different machines, toolchains, commands */
	int before_complete; /* the baselines' "complete" */
	int after_complete;
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
 * The decision on one metric: the runs before (x, nx values; NULL when
 * the metric is missing) against the runs after (y, ny).  Fills cm: both
 * summaries, the tests, the evidence and the decision (report_compare_decide
 * at o->alpha), and the Section 06 line.
 */
void report_compare_samples(const double *x, size_t nx, const double *y,
    size_t ny, const struct cmp_opts *o, struct cmp_metric *cm);
/*
 * Compare every benchmark present in both baselines (matched by name; two
 * baselines of one benchmark each are compared whatever their names, with
 * a warning naming both), each metric by report_compare_samples.  Returns
 * a new comparison (caller frees) or NULL with err filled: no benchmark in
 * common is BENCH_ERR_INVALID.
 */
struct comparison *report_compare(const struct baseline *before,
    const char *before_name, const struct baseline *after,
    const char *after_name, const struct cmp_opts *opts,
    struct bench_error *err);
void report_comparison_free(struct comparison *c);

/* The nightly gate's judgement, of a benchmark and of the whole. */
enum gate_status {
	GATE_PASS,
	GATE_WARN,
	GATE_FAIL,
	GATE_NO_BASELINE /* nothing to compare with (the whole only) */
};

/* The gate's judgement of one thing: a benchmark, or the result. */
struct gate_item {
	char *name; /* the benchmark; NULL for the result as a whole */
	enum gate_status level;
	int metric; /* the enum cmp_measure that decided, -1 for none */
	char reason[320];
};

/*
 * The gate.  Per benchmark and watched metric: fail when the slowdown is
 * significant and the interval's lower bound is at least 1 + fail; warn
 * when it is significant and the ratio is at least 1 + warn; pass
 * otherwise.  Never a pass: an untested metric, a benchmark of the
 * baseline missing from the result, an incomplete result, failed runs in
 * the result: they warn, and fail with strict.  The worst decides.
 */
struct cmp_gate {
	double warn;      /* fraction (0.15) */
	double fail;      /* fraction; 0 = off */
	int strict;       /* what cannot be judged fails */
	unsigned metrics; /* watched: bit (1 << enum cmp_measure); 0 = wall */
	enum gate_status status;
	struct gate_item *items; /* per benchmark of c->benches (same order),
	                            then the missing ones, then the result */
	size_t n_items;
};

/* Judge c: fills g->status and g->items (free them with report_gate_clear). */
void report_gate_apply(struct cmp_gate *g, const struct comparison *c);
/* Free what report_gate_apply filled in. */
void report_gate_clear(struct cmp_gate *g);
/*
 * Whether check --update-baseline may replace stored (NULL: none yet) with
 * result: only after a pass (g: the gate, NULL without a stored baseline)
 * of a complete result without failed runs whose every benchmark has at
 * least min(its runs in stored, runs) runs, and never fewer than 2.
 * Returns 1, or 0 with the reason in why (size bytes).
 */
int report_gate_may_update(const struct cmp_gate *g,
    const struct baseline *stored, const struct baseline *result, size_t runs,
    char *why, size_t size);
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

/*
 * ab.c: two sides measured in alternating pairs (bench-tests ab).  Pair i
 * (from 0) ran base first when i is even, head first when it is odd: the
 * order is counterbalanced.  Each metric is decided on the pairs: the
 * log-ratios head/base, the geometric mean ratio with its t interval, the
 * paired t-test and the Wilcoxon signed-rank test, fed to
 * report_compare_decide; the two sides' runs compared as independent
 * samples (report_compare_samples) are kept beside, for comparison.
 */
struct ab_comparison {
	char *base_name; /* "origin/main (1a2b3c4d)", or command A */
	char *head_name;
	struct cmp_opts opts; /* opts.metric decides */
	size_t n_pairs;
	double *base; /* opts.metric of each pair's runs, n_pairs each */
	double *head;
	struct stats_paired paired[CMP_M_COUNT]; /* valid when computed */
	struct cmp_metric unpaired[CMP_M_COUNT];
	/*
	 * The paired decisions as a comparison of one benchmark (the head's
	 * name), what the gate judges: m[k].ev and m[k].dec are the paired
	 * evidence and verdict, m[k].before and m[k].after the sides'
	 * summaries.
	 */
	struct comparison *c;
	int complete; /* every pair measured (not interrupted) */
	/*
	 * --phases: c->benches[0].phases compares them (unpaired, as compare
	 * does), coverage[0] and [1] the sides' phase_coverage.
	 */
	int has_phases;
	double coverage[2];
};

/*
 * Compare the runs of base and head (the same number of runs, pair by
 * pair; complete: 0 when interrupted).  Returns a new comparison (caller
 * frees with report_ab_free); never fails.
 */
struct ab_comparison *report_ab_compare(const struct bench_result *base,
    const char *base_name, const struct bench_result *head,
    const char *head_name, const struct cmp_opts *opts, int complete);
void report_ab_free(struct ab_comparison *ab);
/*
 * The A/B comparison as a terminal report, Markdown or JSON (a string the
 * caller frees, NULL with err on failure); g (may be NULL) is the gate's
 * judgement of ab->c.  The JSON holds both sides' full baselines (NULL:
 * null) under "baselines".
 */
void report_ab_text(FILE *f, const struct ab_comparison *ab,
    const struct cmp_gate *g, const struct report_style *style);
void report_ab_markdown(
    FILE *f, const struct ab_comparison *ab, const struct cmp_gate *g);
char *report_ab_json(const struct ab_comparison *ab, const struct cmp_gate *g,
    const struct baseline *base, const struct baseline *head,
    struct bench_error *err);

/* profile.c: the units of the two-pass profile and their costs. */

/* Free a unit's fields (not the struct). */
void report_unit_clear(struct prof_unit *u);
void report_prof_section_free(struct prof_section *p);
/*
 * The skew of costs (frontend self time per item, any order; n of them) of
 * which total is the frontend cost: the top 1 % and 10 % of the items with
 * a cost, into out[0] and out[1].  Sorts costs, largest first.
 */
void report_prof_skew(
    double *costs, size_t n, double total, struct prof_skew out[PROF_SKEWS]);
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

/*
 * --phases: r's phase table (mean, spread, share of the wall time) and
 * whether the phases cover the wall time within
 * REPORT_PHASE_COVERAGE_TOLERANCE (part of report_text_result).
 */
void report_text_phases(
    FILE *f, const struct bench_result *r, const struct report_style *style);

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

/* phases.c: the phase timings a command prints (--phases). */

#define REPORT_PHASES_MAX     1000  /* names kept per benchmark */
#define REPORT_PHASE_NAME_MAX 200   /* bytes of a name */
#define REPORT_PHASE_LINE_MAX 65536 /* bytes of a line looked at */
#define REPORT_PHASE_TIME_MAX 1e9   /* seconds a line may report */
/* The coverage the seeds ask of phases: within 5 % of the wall time. */
#define REPORT_PHASE_COVERAGE_TOLERANCE 0.05

struct phase_pattern;
/*
 * Compile a pattern: a POSIX extended regular expression whose group 1 is
 * the phase's name and group 2 its time, group 3 (if any) the unit (s, ms,
 * us, µs or ns); without it the time is in unit (NULL: ms).  NULL pattern:
 * the default, `phase=NAME time_ms=N` (or time_us=, time_s=) anywhere in a
 * line.  Returns 0 and *out (free with report_phase_pattern_free), or
 * BENCH_ERR_INVALID with err filled.
 */
int report_phase_pattern_new(const char *pattern, const char *unit,
    struct phase_pattern **out, struct bench_error *err);
void report_phase_pattern_free(struct phase_pattern *p);
/* Seconds per unit of a unit's name (len bytes): 0, or -1 if unknown. */
int report_phase_unit_parse(const char *s, size_t len, double *out);
/* 1 when s (len bytes) can name a phase: 1 to REPORT_PHASE_NAME_MAX bytes of
   UTF-8 without control characters. */
int report_phase_name_valid(const char *s, size_t len);

/* One phase's sum in one run. */
struct phase_sum {
	char *name;
	double seconds;
	uint64_t lines;
};

/* The phase sums of one run, fed its output a chunk at a time. */
struct phase_scan {
	const struct phase_pattern *pattern;
	struct phase_sum *sums; /* in the order of appearance */
	size_t n;
	size_t cap;
	size_t max_names; /* REPORT_PHASES_MAX */
	uint64_t ignored; /* matching lines whose name or time was unusable */
	char *line;       /* the line being assembled */
	size_t len;
	int skipping; /* the rest of a line too long to look at */
};

struct phase_scan *report_phase_scan_new(const struct phase_pattern *p);
void report_phase_scan_free(struct phase_scan *s);
/* Feed n bytes of output (any split: lines are assembled). */
void report_phase_scan_feed(struct phase_scan *s, const char *buf, size_t n);
/* The end of one stream (stdout, then stderr): its last line counts. */
void report_phase_scan_end_stream(struct phase_scan *s);
/*
 * The end of a run: when keep, its sums become the value of every phase of
 * r for run (0-based, the run's index in r->runs; phases new in this run
 * get 0 for the runs before), and r->has_phases is set.  The scan is
 * emptied for the next run either way.
 */
void report_phase_scan_commit(
    struct phase_scan *s, struct bench_result *r, size_t run, int keep);
/* Compute the phases' mean and stddev and r's phase_coverage (after r->st). */
void report_phases_compute(struct bench_result *r);
/* Free r's phases. */
void report_phases_clear(struct bench_result *r);

/* flame.c: bench-tests flame's report (reports/flame-schema.md), from the
   struct flame_report of the flame library (src/flame/flame.h). */

#define REPORT_FLAME_SCHEMA  "bench-tests/flame"
#define REPORT_FLAME_VERSION 1

struct flame_report;
/* report.json (caller frees), or NULL with err filled. */
char *report_flame_json(const struct flame_report *r, struct bench_error *err);
/* The report as tables: programs, functions, kernel functions, categories. */
void report_text_flame(
    FILE *f, const struct flame_report *r, const struct report_style *style);

#endif /* BENCH_REPORTS_REPORT_H */
