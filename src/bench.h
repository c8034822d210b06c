/*
 * bench.h: the program's internal interfaces, a section per file.
 */
#ifndef BENCH_SRC_BENCH_H
#define BENCH_SRC_BENCH_H

#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "bench-error.h"
#include "http.h"
#include "report.h"

/* Exit statuses, documented in --help and bench-tests(1). */
enum bench_exit {
	BENCH_EXIT_OK = 0,
	BENCH_EXIT_REGRESSION = 1, /* check/compare: a significant slowdown */
	BENCH_EXIT_USAGE = 2,      /* usage, I/O or invalid input */
	BENCH_EXIT_CMD_FAILED = 3, /* the measured command failed */
	BENCH_EXIT_INCOMPLETE = 4, /* profile: units without profile data */
	BENCH_EXIT_INTERRUPTED = 130
};

/* xmalloc.c: allocation that exits on exhaustion. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **ret, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char **strv_copy(char *const *v);
size_t strv_len(char *const *v);
/* Append a copy of s to a NULL-terminated vector (*v may be NULL). */
void strv_push(char ***v, const char *s);
void strv_free(char **v);

/* msgs.c: every message to the user goes through these. */
extern const char *msgs_progname;
extern int msgs_quiet; /* notef prints nothing */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "bench-tests: MSG" and exit with status. */
void fatalx(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* fileio.c */

/* Read a whole file (at most max bytes); NULL with errno set on failure. */
char *file_read(const char *path, size_t max, size_t *len);
/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync of the directory.  An interruption at any
 * point leaves either the old file or the new one.  Returns 0, or -1 with
 * errno set (the temporary is removed).
 */
int file_write_atomic(const char *path, const char *data, size_t len);
/* 0 when a file can be created in the directory of path, else -1 and errno. */
int file_check_writable(const char *path);
/* The absolute, resolved form of path (caller frees), NULL on failure. */
char *file_realpath(const char *path);
/* Where temporary files go: $TMPDIR when it is an absolute path, or /tmp. */
const char *file_tmpdir(void);
/* The last max_lines lines of an open file descriptor, caller frees. */
char *file_tail(int fd, size_t max_lines);

/* sbuf.c */

/* A growing string. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};

void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s with & < > " ' escaped for HTML text and attributes. */
void sbuf_html(struct sbuf *b, const char *s);
/* Append s percent-encoded for a URL path segment or query value. */
void sbuf_url(struct sbuf *b, const char *s);
/* The string, owned by the caller now (never NULL). */
char *sbuf_take(struct sbuf *b, size_t *len);

/* spawn.c: every child process is started and reaped here. */

/* What spawn_run saw besides the run's figures. */
struct spawn_note {
	int paused;       /* we were stopped during the run (Ctrl-Z) */
	size_t survivors; /* processes left when the command exited, ended */
};

struct spawn_opts {
	char *const *argv; /* argv[0] is looked up in PATH */
	const char *dir;   /* working directory; NULL = ours */
	char *const *envp; /* NULL = our environment */
	int out_fd;        /* child's stdout; -1 = inherit ours */
	int err_fd;        /* child's stderr; -1 = inherit ours */
	double timeout;    /* seconds, 0 = none */
	double tick;       /* seconds between on_tick calls; 0 = never */
	void (*on_tick)(void *arg);
	void *arg;
	struct spawn_note *note; /* NULL, or filled by spawn_run */
	int after_interrupt;     /* run it even when we were interrupted
	                            (clean-up); a new signal still ends it */
};

/*
 * Set up signal handling, become a subreaper and register the exit-time
 * cleanup that ends whatever of a command still runs; once, before any
 * spawn (a second call does nothing).
 */
void spawn_init(void);
/*
 * Run a command in its own process group and wait for it: fills run with
 * the wall time (from spawn until the command exits) and the rusage of the
 * whole tree: descendants orphaned during the run, and every process still
 * left when it exits (in its group or escaped from it), which is ended
 * with SIGKILL and reaped before this returns.  Returns 0 when the child
 * ran, -1 when it could not be started (errno set).  A timeout, SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT ends the whole group: SIGTERM, then SIGKILL
 * after a grace period; SIGTSTP stops it with us, SIGCONT resumes it.
 */
int spawn_run(const struct spawn_opts *opts, struct bench_run *run);
/*
 * Run a command (stderr to /dev/null, ended after timeout seconds, 0 for
 * none) and return its stdout, at most max bytes (caller frees); NULL when
 * it could not run.  *status is its exit status, or 128 + the signal.
 */
char *spawn_capture(char *const *argv, const char *dir, size_t max,
    double timeout, int *status);
/*
 * Run a clean-up command (output to /dev/null, no timeout) even after an
 * interruption; its exit status (128 + a signal), or -1 when it could not
 * be started.
 */
int spawn_cleanup(char *const *argv, const char *dir);
/* The signal that interrupted us (SIGINT, SIGTERM, SIGHUP, SIGQUIT) or 0. */
int spawn_interrupted(void);
/* A signal's abbreviation without "SIG" ("TERM"), "?" when unknown. */
const char *spawn_signame(int sig);
/* Look a program up in PATH; 1 when found. */
int spawn_in_path(const char *name);
/* Describe how a run ended ("exited with status 3", "killed by SIGSEGV"). */
const char *spawn_describe(const struct bench_run *run, char *buf, size_t size);

/* host.c: the canonical conditions. */

/* Fill the machine facts of env (everything but the toolchain and git). */
void host_probe(struct bench_env *env);
/* Read the load average into load[3] (NAN when unreadable). */
void host_loadavg(double load[3]);
/* Record rustc -vV, cargo -V (run in dir) and the git state of dir. */
void host_probe_toolchain(struct bench_env *env, const char *dir);
/*
 * Look for conditions that spoil a measurement (other cargo or rustc
 * processes, a CPU governor that is not "performance", a high load) and add
 * a warning to env for each.  Returns the number found.
 */
int host_check(struct bench_env *env);
/* A new UUID v4 as a string (caller frees). */
char *host_uuid(void);
/* The current time as ISO 8601 UTC (caller frees). */
char *host_now_iso8601(void);

/* term.c: terminal output. */
struct term {
	int tty;       /* stderr is a terminal: progress line */
	int color;     /* colours on stdout */
	int err_color; /* colours in messages on stderr */
	int unicode;
	int progress_shown;
	double last_draw;
};
extern struct term term;
/* Seconds on CLOCK_MONOTONIC, for intervals (any library may use it). */
double mono_now(void);
/* Decide colours and progress from the terminal, NO_COLOR and --color. */
void term_init(const char *color_opt, int quiet, int show_output);
/* Style for reports/ writers on stdout. */
struct report_style term_style(void);
/* Draw the progress line (throttled unless force); no-op without a tty. */
void term_progress(int force, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Erase the progress line. */
void term_progress_clear(void);
/* Format seconds as "1m 05s" or "12.3 s" for ETAs. */
const char *term_fmt_eta(char *buf, size_t size, double seconds);

/* measure.c: the run loop shared by run, sweep, check and profile. */
struct measure_opts {
	size_t warmup;
	size_t runs;
	size_t max_runs;
	double max_time; /* 0 = no budget */
	double tolerance;
	double ci_target; /* --converge ci=PCT as a fraction; 0: the CV rule */
	double timeout;   /* per run, 0 = none */
	double ci_level;
	double outlier_threshold;
	int ignore_failure;
	int show_output;
	int log_fd;  /* -1 = none */
	int null_fd; /* /dev/null, opened once */
	/* --phases: the pattern (NULL: off) and the files a run's stdout
	   and stderr go to (measure_phases_open), read after each run. */
	const struct phase_pattern *phases;
	int phase_fd[2];
};

/* What to measure. */
struct bench_cmd {
	char *name;
	char *command; /* display form */
	char **argv;
	char *dir;
	char **envp; /* NULL = our environment */
};

enum measure_status {
	MEASURE_OK = 0,
	MEASURE_FAILED = -1,      /* a run failed (not ignored) */
	MEASURE_INTERRUPTED = -2, /* SIGINT etc.: r holds the runs done */
	MEASURE_SPAWN_ERROR = -3, /* the command could not be started */
	MEASURE_STATS_ERROR = -4  /* the statistics could not be computed */
};

/*
 * Measure one command: warm-ups, runs, convergence.  Fills r (whose name,
 * command, argv and workdir it sets from c) and returns a measure_status;
 * prints the reason of a failure itself.
 */
int measure_benchmark(const struct measure_opts *o, const struct bench_cmd *c,
    struct bench_result *r);
/*
 * The descriptors a measured run's stdout and stderr go to: -1 (the
 * terminal) with --show-output, the --phases files, the log, or /dev/null.
 * Every loop that measures spawns its runs with these.
 */
void measure_output_fds(const struct measure_opts *o, int fds[2]);
/*
 * With --phases, create the two files a run's output goes to (unlinked
 * temporaries) into o->phase_fd; 0, or -1 after an error message.
 */
int measure_phases_open(struct measure_opts *o);
/* Close them (when open). */
void measure_phases_close(struct measure_opts *o);
/*
 * After every run of r's command (warm-ups and discarded runs too), and
 * never while one runs: with --phases, read what the run printed (stdout,
 * then stderr, a chunk at a time), copy it to the --log, and, when keep (a
 * measured run that counts, already appended to r->runs), add its phase
 * sums to r as run r->n_runs - 1; then empty the files for the next run.
 * Warns once per result when matching lines could not be used.  Does
 * nothing without --phases (or before measure_phases_open).
 */
void measure_phases_collect(
    const struct measure_opts *o, struct bench_result *r, int keep);
/*
 * Measure a and b in alternating pairs (A B, B A, ...): warm-ups of both,
 * then pairs until the convergence rule holds on the log-ratios b/a of
 * metric (the CV rule: their standard deviation; --converge ci: the
 * half-width of their mean's interval), within --runs, --max-runs and
 * --max-time counted in pairs.  Fills ra and rb as measure_benchmark does,
 * run i of each being pair i; returns a measure_status.
 */
int measure_pairs(const struct measure_opts *o, const struct bench_cmd *a,
    const struct bench_cmd *b, enum cmp_measure metric, struct bench_result *ra,
    struct bench_result *rb);
/*
 * Run the pre-build command (argv) in dir with its output kept aside; on
 * failure print the end of its output.  Returns 0, MEASURE_FAILED,
 * MEASURE_INTERRUPTED or MEASURE_SPAWN_ERROR.
 */
int measure_prebuild(const struct measure_opts *o, char *const *argv,
    const char *dir, char *const *envp, const char *display);

/* session.c: the options and the flow every measuring command shares. */
struct session_opts {
	struct measure_opts m;
	const char *workspace;
	const char *output;
	const char *label;
	const char *log;
	const char *color;
	const char *prebuild; /* --prebuild CMD */
	int no_prebuild;
	int quiet;
	int max_runs_given;
	int phases;                    /* --phases */
	const char *phase_pattern;     /* --phases=PATTERN, or NULL */
	const char *phase_unit;        /* --phase-unit */
	struct phase_pattern *pattern; /* compiled by session_opts_check */
	struct post_opts post;         /* --post and the server options */
};

struct session {
	struct session_opts *o;
	char *ws;           /* the workspace, resolved */
	struct baseline *b; /* what the session measured */
	int finished;       /* session_finish ran */
	char **prebuilt; /* the pre-builds done: display form, newline, dir */
};

#define SESSION_SHORTOPTS "C:l:o:qr:w:"

extern const struct option session_options[];
extern const char *const session_usage[];
void session_opts_init(struct session_opts *o);
/* Handle a shared option (getopt code c); 0 when it is not one. */
int session_option(struct session_opts *o, const char *cmd, int c, char *arg);
/* Check the options together; a usage error exits 2. */
void session_opts_check(struct session_opts *o, const char *cmd);
/*
 * Read and validate a baseline file ("-" is stdin).  NULL after an error
 * message; when the file does not exist and missing is not NULL, *missing
 * is set and nothing is printed.
 */
struct baseline *session_load_baseline(const char *path, int *missing);
/* own options followed by the shared ones (caller frees the array). */
struct option *session_merge_options(const struct option *own);
/*
 * own options followed by the shared options called names (NULL-ended;
 * a name that is not one is a bug: exit 2); caller frees the array.
 */
struct option *session_select_options(
    const struct option *own, const char *const *names);
/*
 * Resolve the workspace (with needs_cargo, it must hold a Cargo.toml and
 * cargo must be on PATH), check the output path, open the log, record the
 * environment and warn about it.  Exits 2 on a usage error.
 */
void session_open(struct session *s, struct session_opts *o, int needs_cargo);
/*
 * The command after the options (argv[optind...]), or the default,
 * cargo test --workspace; something that looks like an option without --
 * before it is a usage error.
 */
char **session_command(const char *cmd, int argc, char **argv);
/*
 * Measure cmd once as benchmark name: check that it exists, open the
 * session, pre-build (session_prebuild_command) and measure.  Returns an
 * exit status; *r (may be NULL) is the result.  The caller closes the
 * session in every case.
 */
int session_run_command(struct session *s, struct session_opts *o, char **cmd,
    const char *name, struct bench_result **r);
/*
 * The part of session_run_command before the measurement: check
 * the command, open the session and pre-build it.  Returns
 * an exit status (0 to go on); the caller closes the session.
 */
int session_begin_command(
    struct session *s, struct session_opts *o, char **cmd);
/*
 * Pre-build for measuring cmd as run does it: nothing with --no-prebuild,
 * --prebuild CMD under /bin/sh -c (once per session), else for cargo
 * test, t or bench the command itself with --no-run inserted before any
 * `--` (a cargo command that takes no --no-run gets a note, no pre-build).
 * The one place that decides; returns an exit status (0 to go on).
 */
int session_prebuild_command(struct session *s, char *const *cmd);
/*
 * session_prebuild_command for cmd run in dir (NULL: the workspace) with
 * the environment envp (NULL: ours): what ab pre-builds in each worktree.
 */
int session_prebuild_in(
    struct session *s, char *const *cmd, const char *dir, char *const *envp);
/* Measure argv as benchmark name (NULL: the command); an exit status. */
int session_measure(struct session *s, const char *name, char *const *argv,
    struct bench_result **out);
/*
 * Write --output and --post the baseline (after a success or an
 * interruption), once: a command calls it before it prints, so that a
 * closed stdout cannot cost the results.  Returns the final status.
 */
int session_finish(struct session *s, int status);
/* session_finish unless done, then free; returns the final status. */
int session_close(struct session *s, int status);

/* cargo.c: asking cargo about a workspace. */

/* cargo metadata of the workspace ws, parsed; NULL after an error message. */
struct cargo_workspace *cargo_metadata(const char *ws);
/*
 * The per-test pass: `cargo test SELECT... -- --format json --report-time`
 * (untimed), parsed into a report (caller frees); NULL after a message.
 */
struct test_report *cargo_per_test(const char *ws, char *const *select,
    const struct cargo_workspace *meta, size_t slowest);

/* twopass.c: the self-profile of the workspace's build. */
struct twopass_opts {
	int no_profile;        /* skip pass 1 */
	int single_pass;       /* profile and record in one build */
	int profile_deps;      /* profile dependencies too */
	const char *extractor; /* --extractor, or NULL for ours */
	const char *work_dir;  /* NULL: TARGET_DIR/bench-tests-profile */
	size_t top_items;      /* items kept per unit */
	char **packages;       /* -p SPEC..., or NULL: --workspace */
	char **excludes;       /* --exclude SPEC... (with --workspace) */
};

/* The wrapper program, installed beside bench-tests. */
#define TWOPASS_WRAPPER "bench-tests-rustc-wrapper"

/*
 * Build the workspace of session s with the profile's passes and merge
 * them into *out (caller frees).  Returns an exit status: 0,
 * BENCH_EXIT_INCOMPLETE when a unit lacks profile data or failed to build,
 * or an error.
 */
int twopass_run(struct session *s, const struct twopass_opts *po,
    struct prof_section **out);

/* cmd.c: the command table and helpers shared by the subcommands. */
struct cmd_entry {
	const char *name;
	const char *summary;
	int (*exec)(int argc, char **argv);
};
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
/* Parse option values; on a bad value print a usage error and exit 2. */
size_t cmd_parse_count(const char *opt, const char *arg, size_t min);
double cmd_parse_seconds(const char *opt, const char *arg, double min);
double cmd_parse_fraction(const char *opt, const char *arg);
/* Print a help text given as lines, to stdout. */
void cmd_print_usage(const char *const *lines);
/* Print "Try 'bench-tests CMD --help'" after a usage error and exit 2. */
void cmd_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* A percentage ("10" or "10%") as a fraction; exits 2 when invalid. */
double cmd_parse_percent(const char *opt, const char *arg);
/* Whether s is a number, with an optional % sign. */
int cmd_is_number(const char *s);
/*
 * --metric LIST: wall, cpu, user, system separated by commas, as a set of
 * bits (1 << enum cmp_measure); only_one: exactly one.  Exits 2 otherwise.
 */
unsigned cmd_parse_metrics(const char *cmd, const char *arg, int only_one);
/* The first metric of a set (wall for none). */
int cmd_first_metric(unsigned set);
enum cmd_format { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_JSON };
/* text, markdown (md) or json; exits 2 otherwise. */
int cmd_parse_format(const char *cmd, const char *arg);
/* Report a getopt_long error (c is what it returned) and exit 2. */
void cmd_getopt_error(const char *cmd, int argc, char **argv, int c)
    __attribute__((noreturn));
/* Join argv into one display string with shell quoting where needed. */
char *cmd_join_argv(char *const *argv);
/*
 * Split a command line into words as a POSIX shell does, without any
 * expansion: blanks separate words, '...' and "..." quote (a backslash in
 * "..." escapes \\ " $ `), a backslash elsewhere escapes the next
 * character.  *out is a new NULL-terminated vector (NULL for no words);
 * returns 0, or -1 for an unterminated quote.
 */
int cmd_split_words(const char *s, char ***out);

/* cmd-compare.c */

/* Print c (with the gate's judgement g, may be NULL) in format, to path
   (atomically) or stdout; 0 or -1 after a message. */
int cmd_emit_comparison(const struct comparison *c, const struct cmp_gate *g,
    int format, const char *path);

/* cmd-post.c: the options --post adds to measuring commands. */

/* The options (merged into a measuring command's) and their help lines. */
extern const struct option post_options[];
extern const char *const post_usage[];
/* Handle a post option (getopt code c); 0 when it is not one. */
int post_option(struct post_opts *o, const char *cmd, int c, char *arg);
/* Check the post options before anything is measured; usage errors exit 2. */
void post_opts_check(struct post_opts *o, const char *cmd);

/* cmd-*.c: the subcommands. */
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_sweep_entry;
extern const struct cmd_entry cmd_compare_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_profile_entry;
extern const struct cmd_entry cmd_profile_summary_entry;
/* Both passes of the profile in session s; an exit status. */
int cmd_profile_session(struct session *s, const struct twopass_opts *po);
/* Print the profile's table (top units), unless status says interrupted. */
void cmd_profile_print(struct session *s, size_t top, int status);
/* cmd-post.c, cmd-serve.c */
extern const struct cmd_entry cmd_post_entry;
extern const struct cmd_entry cmd_serve_entry;

/* cmd-ab.c */
extern const struct cmd_entry cmd_ab_entry;

/* cmd-export.c */
extern const struct cmd_entry cmd_export_entry;

/* cmd-flame.c */
extern const struct cmd_entry cmd_flame_entry;

#endif /* BENCH_SRC_BENCH_H */
