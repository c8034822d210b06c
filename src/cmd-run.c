/*
 * cmd-run.c: bench-tests [run]: the canonical measurement of a test suite.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *const run_usage[] = {
    "Usage: bench-tests [run] [OPTIONS] [-- COMMAND [ARGS...]]",
    "",
    "Measure a Rust workspace's test suite: pre-build, warm-up runs that are",
    "discarded, measured runs of `cargo test --workspace` (or COMMAND, run",
    "without a shell in the workspace) until the spread of wall time is within",
    "tolerance, statistics of wall, user and system time, a JSON baseline.",
    "",
    "Options:",
    "  -n, --name NAME         the benchmark's name (default: the command)",
    "      --profile           also run the two-pass self-profile of the",
    "                          build (see bench-tests profile --help) and",
    "                          store it in the same baseline",
    "  -h, --help              this help",
    "",
    NULL,
};

static const char *const run_usage_tail[] = {
    "The pre-build of cargo test, t or bench is the command itself with",
    "--no-run inserted before any --; another command gets none unless",
    "--prebuild is given.  A first measured run far slower than the rest",
    "is warned of.",
    "While a run is timed, bench-tests only waits for it (wait4) and reads the",
    "rusage of its whole process tree.",
    "",
    "Exit status: 0 success; 2 usage, I/O or input error (a failed pre-build",
    "too); 3 the measured command failed; 4 (--profile) a unit lacks profile",
    "data; 130 interrupted by SIGINT, SIGQUIT, SIGTERM or SIGHUP (the runs",
    "finished so far are written to --output, marked incomplete).  Ctrl-Z",
    "stops the command with bench-tests; the paused run is run again.",
    "The baseline is written before anything is printed; a closed stdout",
    "(bench-tests ... | head) does not change the exit status.",
    NULL,
};

static const struct option run_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"name", required_argument, NULL, 'n'},
    {"no-profile", no_argument, NULL, 'P'},
    {"profile", no_argument, NULL, 'p'},
    {NULL, 0, NULL, 0},
};

static int
cmd_run_exec(int argc, char **argv)
{
	struct session_opts o;
	struct session s;
	struct bench_result *r = NULL;
	struct report_style style;
	struct option *options;
	char **cmd;
	const char *name = NULL;
	struct twopass_opts po = {.top_items = 20};
	int c, status, profile = 0, incomplete = 0;

	session_opts_init(&o);
	options = session_merge_options(run_options);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv,
	            "+" SESSION_SHORTOPTS "hn:", options, NULL)) != -1) {
		if (session_option(&o, "run", c, optarg))
			continue;
		switch (c) {
		case 'h':
			cmd_print_usage(run_usage);
			cmd_print_usage(session_usage);
			cmd_print_usage(post_usage);
			cmd_print_usage(run_usage_tail);
			exit(BENCH_EXIT_OK);
		case 'n':
			name = optarg;
			break;
		case 'p':
			profile = 1;
			break;
		case 'P':
			profile = 0;
			break;
		default:
			cmd_getopt_error("run", argc, argv, c);
		}
	}
	free(options);
	cmd = session_command("run", argc, argv);
	session_opts_check(&o, "run");

	status = session_run_command(&s, &o, cmd, name, &r);
	/*
	 * Results first, then the summary: a closed stdout cannot cost the
	 * baseline.  With --profile the baseline holds the profile too and
	 * is written after it is built; the summary is printed before that
	 * (minutes earlier), which a closed stdout cannot spoil either: it
	 * is an EPIPE for us, not a SIGPIPE.
	 */
	if (!profile)
		status = session_finish(&s, status);
	if ((status == BENCH_EXIT_OK || status == BENCH_EXIT_INTERRUPTED) &&
	    r != NULL && !o.quiet) {
		style = term_style();
		report_text_result(stdout, r, 0, &style);
		fflush(stdout);
	}
	/* The profile builds after the runs: nothing else runs meanwhile. */
	if (status == BENCH_EXIT_OK && profile) {
		status = cmd_profile_session(&s, &po);
		if (status == BENCH_EXIT_INCOMPLETE) {
			incomplete = 1;
			status = BENCH_EXIT_OK;
		}
		status = session_finish(&s, status);
		if (!o.quiet) {
			putchar('\n');
			cmd_profile_print(&s, 30, status);
		}
	}
	status = session_close(&s, status);
	return status == BENCH_EXIT_OK && incomplete ? BENCH_EXIT_INCOMPLETE
	                                             : status;
}

const struct cmd_entry cmd_run_entry = {
    .name = "run",
    .summary = "measure the test suite (the default command)",
    .exec = cmd_run_exec,
};
