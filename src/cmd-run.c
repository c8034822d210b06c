/*
 * cmd-run.c: bench-tests [run]: the canonical measurement of a test suite.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

static const char *const run_usage[] = {
    "Usage: bench-tests [run] [OPTIONS] [-- COMMAND [ARGS...]]", "",
    "Measure a Rust workspace's test suite: pre-build, warm-up runs that are",
    "discarded, measured runs of `cargo test --workspace` (or COMMAND, run",
    "without a shell in the workspace) until the spread of wall time is within",
    "tolerance, statistics of wall, user and system time, a JSON baseline.", "",
    "Options:",
    "  -C, --workspace DIR     the workspace (default: the current directory)",
    "  -r, --runs N            measured runs, at least (default 5)",
    "  -w, --warmup N          warm-up runs, discarded (default 3)",
    "      --tolerance F       add runs while the CV of wall time exceeds F",
    "                          (default 0.05; 5% works too)",
    "      --max-runs N        at most N measured runs (default 30)",
    "      --max-time DURATION a budget for warm-ups and runs: no run is added",
    "                          that would end past it (default: none)",
    "      --prebuild CMD      pre-build with CMD (run by /bin/sh -c) instead",
    "                          of `cargo test --workspace --no-run`",
    "      --no-prebuild       skip the pre-build",
    "      --timeout DURATION  end a run (its whole process group) after this",
    "      --ignore-failure    keep measuring when the command fails",
    "      --show-output       let the command write to the terminal",
    "      --log FILE          append the command's output to FILE",
    "  -n, --name NAME         the benchmark's name (default: the command)",
    "  -o, --output FILE       write the baseline JSON to FILE, atomically",
    "  -l, --label NAME        a label stored in the baseline (e.g. nightly)",
    "      --confidence F      level of the confidence intervals (0.95)",
    "      --outlier-threshold Z",
    "                          modified z-score of an outlier (3.5); outliers",
    "                          are reported, never dropped",
    "  -q, --quiet             no progress line, no summary",
    "      --color WHEN        auto, always or never (NO_COLOR is honoured)",
    "  -h, --help              this help", "",
    "Durations are seconds or take a unit: 500ms, 30s, 10m, 1h.  A command",
    "that is not cargo gets no pre-build unless --prebuild is given.  While",
    "a run is timed, bench-tests only waits for it (wait4) and reads the",
    "rusage of its whole process tree.", "",
    "Exit status: 0 success; 2 usage, I/O or input error (a failed pre-build",
    "too); 3 the measured command failed; 130 interrupted (the runs finished",
    "so far are written to --output, marked incomplete).", NULL};

enum {
	OPT_COLOR = 256,
	OPT_CONFIDENCE,
	OPT_IGNORE_FAILURE,
	OPT_LOG,
	OPT_MAX_RUNS,
	OPT_MAX_TIME,
	OPT_NO_IGNORE_FAILURE,
	OPT_NO_PREBUILD,
	OPT_NO_QUIET,
	OPT_NO_SHOW_OUTPUT,
	OPT_OUTLIER,
	OPT_PREBUILD,
	OPT_SHOW_OUTPUT,
	OPT_TIMEOUT,
	OPT_TOLERANCE
};

static const struct option run_options[] = {
    {"color", required_argument, NULL, OPT_COLOR},
    {"confidence", required_argument, NULL, OPT_CONFIDENCE},
    {"help", no_argument, NULL, 'h'},
    {"ignore-failure", no_argument, NULL, OPT_IGNORE_FAILURE},
    {"label", required_argument, NULL, 'l'},
    {"log", required_argument, NULL, OPT_LOG},
    {"max-runs", required_argument, NULL, OPT_MAX_RUNS},
    {"max-time", required_argument, NULL, OPT_MAX_TIME},
    {"name", required_argument, NULL, 'n'},
    {"no-ignore-failure", no_argument, NULL, OPT_NO_IGNORE_FAILURE},
    {"no-prebuild", no_argument, NULL, OPT_NO_PREBUILD},
    {"no-quiet", no_argument, NULL, OPT_NO_QUIET},
    {"no-show-output", no_argument, NULL, OPT_NO_SHOW_OUTPUT},
    {"outlier-threshold", required_argument, NULL, OPT_OUTLIER},
    {"output", required_argument, NULL, 'o'},
    {"prebuild", required_argument, NULL, OPT_PREBUILD},
    {"quiet", no_argument, NULL, 'q'}, {"runs", required_argument, NULL, 'r'},
    {"show-output", no_argument, NULL, OPT_SHOW_OUTPUT},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"warmup", required_argument, NULL, 'w'},
    {"workspace", required_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};

struct run_args {
	struct measure_opts m;
	const char *workspace;
	const char *output;
	const char *label;
	const char *name;
	const char *log;
	const char *color;
	const char *prebuild; /* --prebuild CMD */
	int no_prebuild;
	int quiet;
	int max_runs_given;
	char **command; /* NULL: the default */
};

static void
run_args_parse(struct run_args *a, int argc, char **argv)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->m.warmup = 3;
	a->m.runs = 5;
	a->m.max_runs = 30;
	a->m.tolerance = 0.05;
	a->m.ci_level = 0.95;
	a->m.outlier_threshold = STATS_OUTLIER_THRESHOLD;
	a->m.log_fd = -1;
	a->m.null_fd = -1;
	a->workspace = ".";

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(
	            argc, argv, "+C:hl:n:o:qr:w:", run_options, NULL)) != -1) {
		switch (c) {
		case 'C':
			a->workspace = optarg;
			break;
		case 'h':
			cmd_print_usage(run_usage);
			exit(BENCH_EXIT_OK);
		case 'l':
			a->label = optarg;
			break;
		case 'n':
			a->name = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'q':
			a->quiet = 1;
			break;
		case 'r':
			a->m.runs = cmd_parse_count("--runs", optarg, 1);
			break;
		case 'w':
			a->m.warmup = cmd_parse_count("--warmup", optarg, 0);
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0)
				cmd_usage_error("run",
				    "--color: '%s' is not "
				    "auto, always or never",
				    optarg);
			a->color = optarg;
			break;
		case OPT_CONFIDENCE:
			a->m.ci_level =
			    cmd_parse_fraction("--confidence", optarg);
			break;
		case OPT_IGNORE_FAILURE:
			a->m.ignore_failure = 1;
			break;
		case OPT_NO_IGNORE_FAILURE:
			a->m.ignore_failure = 0;
			break;
		case OPT_LOG:
			a->log = optarg;
			break;
		case OPT_MAX_RUNS:
			a->m.max_runs =
			    cmd_parse_count("--max-runs", optarg, 1);
			a->max_runs_given = 1;
			break;
		case OPT_MAX_TIME:
			a->m.max_time =
			    cmd_parse_seconds("--max-time", optarg, 0);
			break;
		case OPT_NO_PREBUILD:
			a->no_prebuild = 1;
			a->prebuild = NULL;
			break;
		case OPT_PREBUILD:
			a->prebuild = optarg;
			a->no_prebuild = 0;
			break;
		case OPT_NO_QUIET:
			a->quiet = 0;
			break;
		case OPT_OUTLIER: {
			char *end;

			a->m.outlier_threshold = strtod(optarg, &end);
			if (*end != '\0' || end == optarg ||
			    !(a->m.outlier_threshold > 0 &&
			        a->m.outlier_threshold < 1e6))
				cmd_usage_error("run",
				    "--outlier-threshold: "
				    "'%s' is not a positive "
				    "number",
				    optarg);
			break;
		}
		case OPT_SHOW_OUTPUT:
			a->m.show_output = 1;
			break;
		case OPT_NO_SHOW_OUTPUT:
			a->m.show_output = 0;
			break;
		case OPT_TIMEOUT:
			a->m.timeout =
			    cmd_parse_seconds("--timeout", optarg, 0);
			break;
		case OPT_TOLERANCE:
			a->m.tolerance =
			    cmd_parse_fraction("--tolerance", optarg);
			break;
		case ':':
			cmd_usage_error("run", "option '%s' needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				cmd_usage_error(
				    "run", "unknown option '-%c'", optopt);
			cmd_usage_error(
			    "run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0 &&
		    argv[optind][0] == '-')
			cmd_usage_error("run", "unexpected '%s'", argv[optind]);
		a->command = argv + optind;
	}

	if (a->m.max_runs < a->m.runs) {
		if (a->max_runs_given)
			cmd_usage_error("run",
			    "--max-runs %zu is less than "
			    "--runs %zu",
			    a->m.max_runs, a->m.runs);
		a->m.max_runs = a->m.runs;
	}
	if (a->m.show_output && a->log != NULL)
		cmd_usage_error("run", "--show-output and --log cannot be "
		                       "combined (bench-tests never reads the "
		                       "command's output while it runs)");
}

static int
is_cargo(const char *arg0)
{
	const char *slash = strrchr(arg0, '/');

	return strcmp(slash != NULL ? slash + 1 : arg0, "cargo") == 0;
}

/* Exit 2 unless dir holds a Cargo.toml. */
static void
require_workspace(const char *dir, const char *given)
{
	char *manifest = NULL;
	struct stat st;

	xasprintf(&manifest, "%s/Cargo.toml", dir);
	if (stat(manifest, &st) != 0 || !S_ISREG(st.st_mode))
		fatalx(BENCH_EXIT_USAGE,
		    "'%s' is not a cargo workspace (no "
		    "Cargo.toml); choose one with "
		    "--workspace DIR",
		    given);
	free(manifest);
	if (!spawn_in_path("cargo"))
		fatalx(BENCH_EXIT_USAGE, "cargo was not found on PATH (it runs "
		                         "the test suite); install Rust with "
		                         "rustup or fix PATH");
}

static int
write_baseline(const struct baseline *b, const char *path)
{
	struct bench_error err;
	char *text;
	int rc;

	text = report_baseline_dump(b, &err);
	if (text == NULL) {
		errorf("%s", err.text);
		return -1;
	}
	rc = file_write_atomic(path, text, strlen(text));
	if (rc != 0)
		errorf("cannot write '%s': %s", path, strerror(errno));
	free(text);
	return rc;
}

static int
cmd_run_exec(int argc, char **argv)
{
	static char *default_cmd[] = {"cargo", "test", "--workspace", NULL};
	static char *default_prebuild[] = {
	    "cargo", "test", "--workspace", "--no-run", NULL};
	struct run_args a;
	struct baseline *b;
	struct bench_result *r;
	struct bench_cmd c;
	struct report_style style;
	char **prebuild = NULL, *sh_prebuild[4] = {"/bin/sh", "-c", NULL, NULL};
	char *ws;
	const char *prebuild_display = NULL;
	struct stat st;
	int rc, status = BENCH_EXIT_OK, i, sig;

	run_args_parse(&a, argc, argv);
	msgs_quiet = a.quiet;
	term_init(a.color, a.quiet, a.m.show_output);

	ws = file_realpath(a.workspace);
	if (ws == NULL)
		fatalx(BENCH_EXIT_USAGE, "workspace '%s': %s", a.workspace,
		    strerror(errno));
	if (stat(ws, &st) != 0 || !S_ISDIR(st.st_mode))
		fatalx(BENCH_EXIT_USAGE, "workspace '%s' is not a directory",
		    a.workspace);

	c.argv = a.command != NULL ? a.command : default_cmd;
	if (a.prebuild != NULL) {
		sh_prebuild[2] = (char *)a.prebuild;
		prebuild = sh_prebuild;
		prebuild_display = a.prebuild;
	} else if (!a.no_prebuild && is_cargo(c.argv[0])) {
		prebuild = default_prebuild;
		prebuild_display = "cargo test --workspace --no-run";
	}
	if (is_cargo(c.argv[0]) || prebuild == default_prebuild)
		require_workspace(ws, a.workspace);
	else if (!spawn_in_path(c.argv[0]))
		fatalx(BENCH_EXIT_USAGE, "command not found: '%s'", c.argv[0]);

	if (a.output != NULL && file_check_writable(a.output) != 0)
		fatalx(BENCH_EXIT_USAGE,
		    "cannot write the output file '%s': %s", a.output,
		    strerror(errno));
	if (a.log != NULL) {
		a.m.log_fd = open(
		    a.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (a.m.log_fd < 0)
			fatalx(BENCH_EXIT_USAGE,
			    "cannot open the log file "
			    "'%s': %s",
			    a.log, strerror(errno));
	}
	a.m.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (a.m.null_fd < 0)
		fatalx(BENCH_EXIT_USAGE, "/dev/null: %s", strerror(errno));

	spawn_init();

	b = report_baseline_create();
	b->id = host_uuid();
	b->created = host_now_iso8601();
	b->tool_version = xstrdup(PACKAGE_VERSION);
	b->label = a.label != NULL ? xstrdup(a.label) : NULL;
	b->workspace = xstrdup(ws);
	b->settings.warmup = a.m.warmup;
	b->settings.runs = a.m.runs;
	b->settings.max_runs = a.m.max_runs;
	b->settings.max_time = a.m.max_time;
	b->settings.tolerance = a.m.tolerance;
	b->settings.timeout = a.m.timeout;
	b->settings.ci_level = a.m.ci_level;
	b->settings.outlier_threshold = a.m.outlier_threshold;
	b->settings.ignore_failure = a.m.ignore_failure;
	if (prebuild_display != NULL)
		b->settings.prebuild = xstrdup(prebuild_display);

	host_probe(&b->env);
	host_check(&b->env);
	for (i = 0; b->env.warnings != NULL && b->env.warnings[i] != NULL; i++)
		warnf("%s", b->env.warnings[i]);
	host_probe_toolchain(&b->env, ws);

	if (prebuild != NULL) {
		rc = measure_prebuild(&a.m, prebuild, ws, prebuild_display);
		if (rc != MEASURE_OK) {
			status = rc == MEASURE_INTERRUPTED
			             ? BENCH_EXIT_INTERRUPTED
			             : BENCH_EXIT_USAGE;
			goto out;
		}
	}

	c.command = cmd_join_argv(c.argv);
	c.name = xstrdup(a.name != NULL ? a.name : c.command);
	c.dir = ws;
	r = report_baseline_add_result(b);
	rc = measure_benchmark(&a.m, &c, r);
	host_loadavg(b->env.load_after);
	free(c.command);
	free(c.name);

	switch (rc) {
	case MEASURE_OK:
		break;
	case MEASURE_INTERRUPTED:
		b->complete = 0;
		status = BENCH_EXIT_INTERRUPTED;
		break;
	case MEASURE_FAILED:
		status = BENCH_EXIT_CMD_FAILED;
		goto out;
	default:
		status = BENCH_EXIT_USAGE;
		goto out;
	}

	if (!a.quiet) {
		style = term_style();
		report_text_result(stdout, r, 0, &style);
		fflush(stdout);
	}
	if (a.output != NULL) {
		if (r->n_runs == 0)
			warnf("no run finished: '%s' is left as it was",
			    a.output);
		else if (write_baseline(b, a.output) != 0)
			status = BENCH_EXIT_USAGE;
		else if (!b->complete)
			notef(
			    "wrote %zu finished run%s to %s, marked incomplete",
			    r->n_runs, r->n_runs == 1 ? "" : "s", a.output);
	}
out:
	sig = spawn_interrupted();
	if (sig != 0) {
		status = BENCH_EXIT_INTERRUPTED;
		errorf("interrupted by SIG%s", sigabbrev_np(sig));
	}
	spawn_reap_all();
	report_baseline_free(b);
	free(ws);
	if (a.m.log_fd >= 0)
		close(a.m.log_fd);
	close(a.m.null_fd);
	return status;
}

const struct cmd_entry cmd_run_entry = {
    .name = "run",
    .summary = "measure the test suite (the default command)",
    .exec = cmd_run_exec,
};
