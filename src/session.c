/*
 * session.c: what every measuring command (run, sweep, check, profile)
 * shares: the measurement options, and a session that resolves the
 * workspace, records the environment, pre-builds, measures and writes the
 * baseline.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "session-int.h"

/* The largest baseline we read. */
#define MAX_BASELINE (256u << 20)

enum {
	OPT_COLOR = 1000,
	OPT_CONFIDENCE,
	OPT_CONVERGE,
	OPT_IGNORE_FAILURE,
	OPT_LOG,
	OPT_MAX_RUNS,
	OPT_MAX_TIME,
	OPT_NO_IGNORE_FAILURE,
	OPT_NO_PREBUILD,
	OPT_NO_QUIET,
	OPT_NO_SHOW_OUTPUT,
	OPT_OUTLIER,
	OPT_PHASE_UNIT,
	OPT_PHASES,
	OPT_PREBUILD,
	OPT_SHOW_OUTPUT,
	OPT_TIMEOUT,
	OPT_TOLERANCE
};

const struct option session_options[] = {
    {"color", required_argument, NULL, OPT_COLOR},
    {"confidence", required_argument, NULL, OPT_CONFIDENCE},
    {"converge", required_argument, NULL, OPT_CONVERGE},
    {"ignore-failure", no_argument, NULL, OPT_IGNORE_FAILURE},
    {"label", required_argument, NULL, 'l'},
    {"log", required_argument, NULL, OPT_LOG},
    {"max-runs", required_argument, NULL, OPT_MAX_RUNS},
    {"max-time", required_argument, NULL, OPT_MAX_TIME},
    {"no-ignore-failure", no_argument, NULL, OPT_NO_IGNORE_FAILURE},
    {"no-prebuild", no_argument, NULL, OPT_NO_PREBUILD},
    {"no-quiet", no_argument, NULL, OPT_NO_QUIET},
    {"no-show-output", no_argument, NULL, OPT_NO_SHOW_OUTPUT},
    {"outlier-threshold", required_argument, NULL, OPT_OUTLIER},
    {"output", required_argument, NULL, 'o'},
    {"phase-unit", required_argument, NULL, OPT_PHASE_UNIT},
    {"phases", optional_argument, NULL, OPT_PHASES},
    {"prebuild", required_argument, NULL, OPT_PREBUILD},
    {"quiet", no_argument, NULL, 'q'},
    {"runs", required_argument, NULL, 'r'},
    {"show-output", no_argument, NULL, OPT_SHOW_OUTPUT},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"warmup", required_argument, NULL, 'w'},
    {"workspace", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
};

const char *const session_usage[] = {
    "Measurement options (run, sweep, check and ab; profile and flame take",
    "those that apply to them):",
    "  -C, --workspace DIR     the workspace (default: the current "
    "directory)",
    "  -r, --runs N            measured runs, at least (default 5)",
    "  -w, --warmup N          warm-up runs, discarded (default 3)",
    "      --tolerance F       add runs while the CV of wall time exceeds F",
    "                          (default 0.05; 5% works too)",
    "      --converge RULE     cv (the default: --tolerance), cv=F, or ci=PCT:",
    "                          add runs until the confidence interval of the",
    "                          mean wall time is within +-PCT of it (it",
    "                          narrows with runs; the CV does not)",
    "      --max-runs N        at most N measured runs (default 30)",
    "      --max-time DURATION a budget for warm-ups and runs: no run is "
    "added",
    "                          that would end past it (default: none)",
    "      --prebuild CMD      pre-build with CMD (run by /bin/sh -c); by",
    "                          default cargo test, t and bench are pre-built",
    "                          with --no-run inserted before any --",
    "      --no-prebuild       skip the pre-build",
    "      --timeout DURATION  end a run (its whole process group) after "
    "this",
    "      --ignore-failure    keep measuring when the command fails",
    "      --show-output       let the command write to the terminal",
    "      --log FILE          append the command's output to FILE",
    "      --phases[=PATTERN]  sum the phase times the command prints, per",
    "                          run: lines with phase=NAME time_ms=N (or",
    "                          time_us=, time_s=), or PATTERN, an extended",
    "                          regex: group 1 the name, group 2 the time,",
    "                          group 3 (if any) its unit (s, ms, us, ns)",
    "      --phase-unit UNIT   the time's unit when PATTERN has no group 3",
    "                          (default ms)",
    "  -o, --output FILE       write the baseline JSON to FILE, atomically",
    "  -l, --label NAME        a label stored in the baseline (e.g. "
    "nightly)",
    "      --confidence F      level of the confidence intervals (0.95)",
    "      --outlier-threshold Z",
    "                          modified z-score of an outlier (3.5); "
    "outliers",
    "                          are reported, never dropped",
    "  -q, --quiet             no progress line, no summary",
    "      --color WHEN        auto, always or never (NO_COLOR is honoured)",
    "",
    "Durations are seconds or take a unit: 500ms, 30s, 10m, 1h (at most",
    "10000000 s, about 115 days).",
    NULL,
};

void
session_opts_init(struct session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->m.warmup = 3;
	o->m.runs = 5;
	o->m.max_runs = 30;
	o->m.tolerance = 0.05;
	o->m.ci_level = 0.95;
	o->m.outlier_threshold = STATS_OUTLIER_THRESHOLD;
	o->m.log_fd = -1;
	o->m.null_fd = -1;
	o->m.phase_fd[0] = o->m.phase_fd[1] = -1;
	o->workspace = ".";
	post_opts_init(&o->post);
	o->post.http.interrupted = spawn_interrupted;
}

int
session_option(struct session_opts *o, const char *cmd, int c, char *arg)
{
	char *end;

	if (post_option(&o->post, cmd, c, arg))
		return 1;
	switch (c) {
	case 'C':
		o->workspace = arg;
		break;
	case 'l':
		o->label = arg;
		break;
	case 'o':
		o->output = arg;
		break;
	case 'q':
		o->quiet = 1;
		break;
	case 'r':
		o->m.runs = cmd_parse_count("--runs", arg, 1);
		break;
	case 'w':
		o->m.warmup = cmd_parse_count("--warmup", arg, 0);
		break;
	case OPT_COLOR:
		if (strcmp(arg, "auto") != 0 && strcmp(arg, "always") != 0 &&
		    strcmp(arg, "never") != 0)
			cmd_usage_error(cmd,
			    "--color: '%s' is not auto, always or never", arg);
		o->color = arg;
		break;
	case OPT_CONFIDENCE:
		o->m.ci_level = cmd_parse_fraction("--confidence", arg);
		break;
	case OPT_CONVERGE:
		if (strcmp(arg, "cv") == 0)
			o->m.ci_target = 0;
		else if (strncmp(arg, "cv=", 3) == 0) {
			o->m.ci_target = 0;
			o->m.tolerance =
			    cmd_parse_fraction("--converge cv", arg + 3);
		} else if (strncmp(arg, "ci=", 3) == 0)
			o->m.ci_target =
			    cmd_parse_percent("--converge ci", arg + 3);
		else
			cmd_usage_error(cmd,
			    "--converge: '%s' is not cv, cv=F or ci=PCT", arg);
		if (o->m.ci_target >= 1)
			cmd_usage_error(cmd,
			    "--converge: ci=%s is not below 100%%", arg + 3);
		break;
	case OPT_IGNORE_FAILURE:
		o->m.ignore_failure = 1;
		break;
	case OPT_NO_IGNORE_FAILURE:
		o->m.ignore_failure = 0;
		break;
	case OPT_LOG:
		o->log = arg;
		break;
	case OPT_MAX_RUNS:
		o->m.max_runs = cmd_parse_count("--max-runs", arg, 1);
		o->max_runs_given = 1;
		break;
	case OPT_MAX_TIME:
		o->m.max_time = cmd_parse_seconds("--max-time", arg, 0);
		break;
	case OPT_NO_PREBUILD:
		o->no_prebuild = 1;
		o->prebuild = NULL;
		break;
	case OPT_PHASES:
		o->phases = 1;
		o->phase_pattern = arg;
		break;
	case OPT_PHASE_UNIT:
		o->phase_unit = arg;
		break;
	case OPT_PREBUILD:
		o->prebuild = arg;
		o->no_prebuild = 0;
		break;
	case OPT_NO_QUIET:
		o->quiet = 0;
		break;
	case OPT_OUTLIER:
		o->m.outlier_threshold = strtod(arg, &end);
		if (*end != '\0' || end == arg ||
		    !(o->m.outlier_threshold > 0 &&
		        o->m.outlier_threshold < 1e6))
			cmd_usage_error(cmd,
			    "--outlier-threshold: '%s' is not a positive "
			    "number",
			    arg);
		break;
	case OPT_SHOW_OUTPUT:
		o->m.show_output = 1;
		break;
	case OPT_NO_SHOW_OUTPUT:
		o->m.show_output = 0;
		break;
	case OPT_TIMEOUT:
		o->m.timeout = cmd_parse_seconds("--timeout", arg, 0);
		break;
	case OPT_TOLERANCE:
		o->m.tolerance = cmd_parse_fraction("--tolerance", arg);
		break;
	default:
		return 0;
	}
	return 1;
}

void
session_opts_check(struct session_opts *o, const char *cmd)
{
	if (o->m.max_runs < o->m.runs) {
		if (o->max_runs_given)
			cmd_usage_error(cmd,
			    "--max-runs %zu is less than --runs %zu",
			    o->m.max_runs, o->m.runs);
		o->m.max_runs = o->m.runs;
	}
	if (o->m.show_output && o->log != NULL)
		cmd_usage_error(cmd,
		    "--show-output and --log cannot be combined (bench-tests "
		    "never reads the command's output while it runs)");
	if (o->phase_unit != NULL && !o->phases)
		cmd_usage_error(cmd, "--phase-unit needs --phases");
	if (o->phases) {
		struct bench_error err;

		if (o->m.show_output)
			cmd_usage_error(cmd,
			    "--show-output and --phases cannot be combined "
			    "(the phases are read from the command's output, "
			    "which --show-output sends to the terminal); "
			    "--log FILE keeps the output");
		if (report_phase_pattern_new(o->phase_pattern, o->phase_unit,
		        &o->pattern, &err) != 0)
			cmd_usage_error(cmd, "--phases%s%s: %s",
			    o->phase_pattern != NULL ? "=" : "",
			    o->phase_pattern != NULL ? o->phase_pattern : "",
			    err.text);
		if (o->phase_unit != NULL && o->phase_pattern == NULL)
			cmd_usage_error(cmd,
			    "--phase-unit: the default pattern takes the unit "
			    "from the line (time_ms=, time_us=, time_s=)");
		o->m.phases = o->pattern;
	}
	post_opts_check(&o->post, cmd);
}

/* 1 when argv[0] names cargo. */
static int
session_is_cargo(const char *arg0)
{
	const char *slash = strrchr(arg0, '/');

	return strcmp(slash != NULL ? slash + 1 : arg0, "cargo") == 0;
}

/* Exit 2 unless dir holds a Cargo.toml and cargo can be found. */
static void
require_workspace(const char *dir, const char *given)
{
	char *manifest = NULL;
	struct stat st;

	xasprintf(&manifest, "%s/Cargo.toml", dir);
	if (stat(manifest, &st) != 0 || !S_ISREG(st.st_mode))
		fatalx(BENCH_EXIT_USAGE,
		    "'%s' is not a cargo workspace (no Cargo.toml); choose "
		    "one with --workspace DIR",
		    given);
	free(manifest);
	if (!spawn_in_path("cargo"))
		fatalx(BENCH_EXIT_USAGE,
		    "cargo was not found on PATH (it runs the test suite); "
		    "install Rust with rustup or fix PATH");
}

void
session_open(struct session *s, struct session_opts *o, int needs_cargo)
{
	struct baseline *b;
	struct stat st;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->o = o;
	msgs_quiet = o->quiet;
	term_init(o->color, o->quiet, o->m.show_output);

	s->ws = file_realpath(o->workspace);
	if (s->ws == NULL)
		fatalx(BENCH_EXIT_USAGE, "workspace '%s': %s", o->workspace,
		    strerror(errno));
	if (stat(s->ws, &st) != 0 || !S_ISDIR(st.st_mode))
		fatalx(BENCH_EXIT_USAGE, "workspace '%s' is not a directory",
		    o->workspace);
	if (needs_cargo)
		require_workspace(s->ws, o->workspace);

	if (o->output != NULL && file_check_writable(o->output) != 0)
		fatalx(BENCH_EXIT_USAGE,
		    "cannot write the output file '%s': %s", o->output,
		    strerror(errno));
	if (o->log != NULL) {
		o->m.log_fd = open(
		    o->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (o->m.log_fd < 0)
			fatalx(BENCH_EXIT_USAGE,
			    "cannot open the log file '%s': %s", o->log,
			    strerror(errno));
	}
	o->m.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (o->m.null_fd < 0)
		fatalx(BENCH_EXIT_USAGE, "/dev/null: %s", strerror(errno));
	if (measure_phases_open(&o->m) != 0)
		exit(BENCH_EXIT_USAGE);

	spawn_init();

	b = s->b = report_baseline_create();
	b->id = host_uuid();
	b->created = host_now_iso8601();
	b->tool_version = xstrdup(PACKAGE_VERSION);
	b->label = o->label != NULL ? xstrdup(o->label) : NULL;
	b->workspace = xstrdup(s->ws);
	b->settings.warmup = o->m.warmup;
	b->settings.runs = o->m.runs;
	b->settings.max_runs = o->m.max_runs;
	b->settings.max_time = o->m.max_time;
	b->settings.tolerance = o->m.tolerance;
	b->settings.ci_target = o->m.ci_target;
	b->settings.timeout = o->m.timeout;
	b->settings.ci_level = o->m.ci_level;
	b->settings.outlier_threshold = o->m.outlier_threshold;
	b->settings.ignore_failure = o->m.ignore_failure;
	b->settings.phases = o->phases;
	if (o->phase_pattern != NULL)
		b->settings.phase_pattern = xstrdup(o->phase_pattern);
	if (o->phase_unit != NULL)
		b->settings.phase_unit = xstrdup(o->phase_unit);

	host_probe(&b->env);
	host_check(&b->env);
	for (i = 0; b->env.warnings != NULL && b->env.warnings[i] != NULL; i++)
		warnf("%s", b->env.warnings[i]);
	host_probe_toolchain(&b->env, s->ws);
}

/*
 * Run argv as a pre-build (display: how it is named), unless this session
 * did the same one already; returns an exit status (0 to go on).
 */
static int
session_prebuild(struct session *s, char *const *argv, const char *display,
    const char *dir, char *const *envp)
{
	char *key = NULL;
	size_t n;
	int rc;

	if (dir == NULL)
		dir = s->ws;
	/* A pre-build this session already did (there) is not done again. */
	xasprintf(&key, "%s\n%s", display, dir);
	for (n = 0; s->prebuilt != NULL && s->prebuilt[n] != NULL; n++) {
		if (strcmp(s->prebuilt[n], key) == 0) {
			free(key);
			return BENCH_EXIT_OK;
		}
	}
	s->prebuilt = xreallocarray(s->prebuilt, n + 2, sizeof(*s->prebuilt));
	s->prebuilt[n] = key;
	s->prebuilt[n + 1] = NULL;
	/* The settings name each pre-build once (ab runs one in two trees). */
	if (s->b->settings.prebuild == NULL)
		s->b->settings.prebuild = xstrdup(display);
	else if (strcmp(s->b->settings.prebuild, display) != 0) {
		char *both = NULL;

		xasprintf(&both, "%s; %s", s->b->settings.prebuild, display);
		free(s->b->settings.prebuild);
		s->b->settings.prebuild = both;
	}
	rc = measure_prebuild(&s->o->m, argv, dir, envp, display);
	if (rc == MEASURE_OK)
		return BENCH_EXIT_OK;
	return rc == MEASURE_INTERRUPTED ? BENCH_EXIT_INTERRUPTED
	                                 : BENCH_EXIT_USAGE;
}

/* Whether a cargo option before the subcommand takes the next word. */
static int
cargo_option_takes_value(const char *a)
{
	static const char *const with_value[] = {
	    "--color", "--config", "-C", "-Z", "--explain", NULL};
	size_t i;

	for (i = 0; with_value[i] != NULL; i++) {
		if (strcmp(a, with_value[i]) == 0)
			return 1;
	}
	return 0;
}

char **
session_cargo_prebuild(char *const *cmd)
{
	size_t n = strv_len(cmd), i = 1, j, k, dash;
	const char *sub;
	char **out;
	int has_no_run = 0;

	if (n == 0 || !session_is_cargo(cmd[0]))
		return NULL;
	/* cargo [+TOOLCHAIN] [OPTIONS] SUBCOMMAND [ARGS] [-- ARGS] */
	if (i < n && cmd[i][0] == '+')
		i++;
	while (i < n && cmd[i][0] == '-') {
		if (strcmp(cmd[i], "--") == 0 ||
		    strncmp(cmd[i], "--explain", 9) == 0 ||
		    strcmp(cmd[i], "--list") == 0 ||
		    strcmp(cmd[i], "--version") == 0 ||
		    strcmp(cmd[i], "-V") == 0 ||
		    strcmp(cmd[i], "--help") == 0 || strcmp(cmd[i], "-h") == 0)
			return NULL;
		i += cargo_option_takes_value(cmd[i]) ? 2 : 1;
	}
	if (i >= n)
		return NULL;
	sub = cmd[i];
	/* The subcommands that take --no-run (cargo b is build, not bench). */
	if (strcmp(sub, "test") != 0 && strcmp(sub, "t") != 0 &&
	    strcmp(sub, "bench") != 0)
		return NULL;
	for (dash = i + 1; dash < n && strcmp(cmd[dash], "--") != 0; dash++)
		has_no_run |= strcmp(cmd[dash], "--no-run") == 0;

	out = xcalloc(n + 2, sizeof(*out));
	k = 0;
	for (j = 0; j < dash; j++) {
		/*
		 * Doc-tests compile when they run, and cargo refuses --doc
		 * with --no-run: build the crate's tests, and so the library
		 * the doc-tests link, instead.
		 */
		if (j > i && strcmp(cmd[j], "--doc") == 0)
			continue;
		out[k++] = xstrdup(cmd[j]);
	}
	if (!has_no_run)
		out[k++] = xstrdup("--no-run");
	for (j = dash; j < n; j++)
		out[k++] = xstrdup(cmd[j]);
	out[k] = NULL;
	return out;
}

int
session_prebuild_command(struct session *s, char *const *cmd)
{
	return session_prebuild_in(s, cmd, NULL, NULL);
}

int
session_prebuild_in(
    struct session *s, char *const *cmd, const char *dir, char *const *envp)
{
	char *sh_prebuild[] = {"/bin/sh", "-c", NULL, NULL};
	char **argv, *display;
	int status;

	if (s->o->no_prebuild)
		return BENCH_EXIT_OK;
	if (s->o->prebuild != NULL) {
		sh_prebuild[2] = (char *)s->o->prebuild;
		return session_prebuild(
		    s, sh_prebuild, s->o->prebuild, dir, envp);
	}
	argv = session_cargo_prebuild(cmd);
	if (argv == NULL) {
		if (session_is_cargo(cmd[0])) {
			display = cmd_join_argv(cmd);
			notef("no pre-build for '%s': only cargo test, t and "
			      "bench take --no-run (give --prebuild CMD if "
			      "it compiles)",
			    display);
			free(display);
		}
		return BENCH_EXIT_OK;
	}
	display = cmd_join_argv(argv);
	status = session_prebuild(s, argv, display, dir, envp);
	free(display);
	strv_free(argv);
	return status;
}

int
session_measure(struct session *s, const char *name, char *const *argv,
    struct bench_result **out)
{
	struct bench_result *r;
	struct bench_cmd c = {0};
	int rc;

	c.argv = (char **)argv;
	c.command = cmd_join_argv(argv);
	c.name = xstrdup(name != NULL ? name : c.command);
	c.dir = s->ws;
	r = report_baseline_add_result(s->b);
	rc = measure_benchmark(&s->o->m, &c, r);
	free(c.command);
	free(c.name);
	if (out != NULL)
		*out = r;
	switch (rc) {
	case MEASURE_OK:
		return BENCH_EXIT_OK;
	case MEASURE_INTERRUPTED:
		s->b->complete = 0;
		return BENCH_EXIT_INTERRUPTED;
	case MEASURE_FAILED:
		return BENCH_EXIT_CMD_FAILED;
	case MEASURE_STATS_ERROR: /* not the command's failure */
	default:
		return BENCH_EXIT_USAGE;
	}
}

/* Write the baseline to path (not when no run finished); 0 or -1. */
static int
session_write(struct session *s, const char *path)
{
	struct bench_error err;
	char *text;
	size_t i, runs = 0;
	int rc;

	for (i = 0; i < s->b->n_results; i++)
		runs += s->b->results[i].n_runs;
	if (runs == 0 && s->b->profile == NULL) {
		warnf("no run finished: '%s' is left as it was", path);
		return 0;
	}
	text = report_baseline_dump(s->b, &err);
	if (text == NULL) {
		errorf("%s", err.text);
		return -1;
	}
	rc = file_write_atomic(path, text, strlen(text));
	if (rc != 0)
		errorf("cannot write '%s': %s", path, strerror(errno));
	else if (!s->b->complete)
		notef("wrote %zu finished run%s to %s, marked incomplete", runs,
		    runs == 1 ? "" : "s", path);
	free(text);
	return rc;
}

int
session_finish(struct session *s, int status)
{
	int sig, measured = status == BENCH_EXIT_OK;

	if (s->finished)
		return status;
	s->finished = 1;
	if (status == BENCH_EXIT_OK || status == BENCH_EXIT_INTERRUPTED) {
		host_loadavg(s->b->env.load_after);
		if (s->o->output != NULL && session_write(s, s->o->output) != 0)
			status = BENCH_EXIT_USAGE;
	}
	/* --post: after the local file (even if it failed), never lost. */
	if (measured && post_baseline(&s->o->post, s->b) == 2)
		status = BENCH_EXIT_USAGE;
	sig = spawn_interrupted();
	if (sig != 0) {
		status = BENCH_EXIT_INTERRUPTED;
		errorf("interrupted by SIG%s", spawn_signame(sig));
	}
	return status;
}

int
session_close(struct session *s, int status)
{
	status = session_finish(s, status);
	strv_free(s->prebuilt);
	s->prebuilt = NULL;
	report_baseline_free(s->b);
	s->b = NULL;
	free(s->ws);
	s->ws = NULL;
	if (s->o->m.log_fd >= 0)
		close(s->o->m.log_fd);
	if (s->o->m.null_fd >= 0)
		close(s->o->m.null_fd);
	measure_phases_close(&s->o->m);
	report_phase_pattern_free(s->o->pattern);
	s->o->pattern = NULL;
	s->o->m.phases = NULL;
	return status;
}

char **
session_command(const char *cmd, int argc, char **argv)
{
	static char *default_cmd[] = {"cargo", "test", "--workspace", NULL};

	if (optind >= argc)
		return default_cmd;
	/* Without --, the first non-option may not look like an option. */
	if (strcmp(argv[optind - 1], "--") != 0 && argv[optind][0] == '-')
		cmd_usage_error(cmd, "unexpected '%s'", argv[optind]);
	return argv + optind;
}

int
session_begin_command(struct session *s, struct session_opts *o, char **cmd)
{
	if (!session_is_cargo(cmd[0]) && !spawn_in_path(cmd[0]))
		fatalx(BENCH_EXIT_USAGE, "command not found: '%s'", cmd[0]);
	/* Cargo runs the command and its pre-build: the workspace must be one.
	 */
	session_open(s, o, session_is_cargo(cmd[0]));
	return session_prebuild_command(s, cmd);
}

int
session_run_command(struct session *s, struct session_opts *o, char **cmd,
    const char *name, struct bench_result **r)
{
	int status = session_begin_command(s, o, cmd);

	if (status == BENCH_EXIT_OK)
		status = session_measure(s, name, cmd, r);
	return status;
}

struct baseline *
session_load_baseline(const char *path, int *missing)
{
	struct baseline *b;
	struct bench_error err;
	struct stat st;
	char *text;
	size_t len;

	if (missing != NULL)
		*missing = 0;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		errorf("'%s' is a directory, not a baseline file", path);
		return NULL;
	}
	text = strcmp(path, "-") == 0
	           ? file_read("/dev/stdin", MAX_BASELINE, &len)
	           : file_read(path, MAX_BASELINE, &len);
	if (text == NULL) {
		if (errno == ENOENT && missing != NULL)
			*missing = 1;
		else
			errorf("cannot read '%s': %s", path,
			    errno == EFBIG ? "larger than 256 MiB"
			                   : strerror(errno));
		return NULL;
	}
	b = report_baseline_parse(text, len, &err);
	free(text);
	if (b == NULL)
		errorf("'%s' is not a usable baseline: %s", path, err.text);
	return b;
}

struct option *
session_merge_options(const struct option *own)
{
	size_t n = 0, m = 0, k = 0;
	struct option *all;

	while (own[n].name != NULL)
		n++;
	while (session_options[m].name != NULL)
		m++;
	while (post_options[k].name != NULL)
		k++;
	all = xcalloc(n + m + k + 1, sizeof(*all));
	memcpy(all, own, n * sizeof(*all));
	memcpy(all + n, session_options, m * sizeof(*all));
	memcpy(all + n + m, post_options, (k + 1) * sizeof(*all));
	return all;
}

struct option *
session_select_options(const struct option *own, const char *const *names)
{
	size_t n = 0, k = 0, i, j;
	struct option *all;

	while (own[n].name != NULL)
		n++;
	while (names[k] != NULL)
		k++;
	all = xcalloc(n + k + 1, sizeof(*all));
	memcpy(all, own, n * sizeof(*all));
	for (j = 0; j < k; j++) {
		for (i = 0; session_options[i].name != NULL; i++) {
			if (strcmp(session_options[i].name, names[j]) == 0)
				break;
		}
		if (session_options[i].name == NULL)
			fatalx(BENCH_EXIT_USAGE, "no shared option --%s",
			    names[j]);
		all[n++] = session_options[i];
	}
	return all;
}
