/*
 * cmd-profile.c: bench-tests profile (the two-pass self-profile of the
 * workspace's build) and bench-tests profile-summary (measureme's
 * summarize, on rustc's .mm_profdata files, with our own reader).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "mmprof.h"

static const char *const profile_usage[] = {
    "Usage: bench-tests profile [OPTIONS]",
    "",
    "What each crate, target and item of the workspace costs to compile.",
    "Pass 1 builds every member (cargo build --workspace --all-targets)",
    "with rustc's -Zself-profile added to the members' compilations by",
    "bench-tests-rustc-wrapper; pass 2 builds the members again in the",
    "same target directory (dependencies are built once) with the wrapper",
    "recording each unit, no profiling.  The merge gives each unit its",
    "costs (frontend and backend self time, top labels, items, the cost",
    "skew), checks what lacks profile data, and compares the profile's",
    "wall time with cargo's own timing of the same unit.",
    "",
    "Options:",
    "  -C, --workspace DIR     the workspace (default: the current directory)",
    "  -p, --package SPEC      profile this member only (repeatable; default:",
    "                          every member)",
    "      --exclude SPEC      leave this member out (repeatable)",
    "      --single-pass       profile and record in one build (our own",
    "                          extractor inflates nothing); not with",
    "                          --extractor",
    "      --profile-deps      profile the dependencies too (their costs are",
    "                          summed, not units)",
    "      --no-profile        skip pass 1 (units and their build times only)",
    "      --extractor PATH    run PATH as the wrapper in pass 2 (e.g.",
    "                          cargo-tarjanize); its output is kept",
    "      --work-dir DIR      where the passes build (default:",
    "                          TARGET_DIR/bench-tests-profile; emptied first)",
    "      --top N             units in the table (default 30)",
    "      --items N           items kept per unit (default 20)",
    "  -o, --output FILE       write a baseline with the profile section",
    "  -l, --label NAME        a label stored in the baseline",
    "  -q, --quiet             no table",
    "      --color WHEN        auto, always or never",
    "  -h, --help              this help",
    "",
    "Exit status: 0 every unit has profile data; 4 some unit has none or",
    "failed to build (listed); 2 usage or I/O error (also when",
    "bench-tests-rustc-wrapper is not beside bench-tests); 130 interrupted.",
    NULL,
};

enum {
	OPT_EXCLUDE = 5000,
	OPT_EXTRACTOR,
	OPT_ITEMS,
	OPT_JSON,
	OPT_NO_PROFILE,
	OPT_PROFILE_DEPS,
	OPT_SINGLE_PASS,
	OPT_TOP,
	OPT_WORK_DIR
};

static const struct option profile_options[] = {
    {"color", required_argument, NULL, 'c'},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"extractor", required_argument, NULL, OPT_EXTRACTOR},
    {"help", no_argument, NULL, 'h'},
    {"items", required_argument, NULL, OPT_ITEMS},
    {"label", required_argument, NULL, 'l'},
    {"no-profile", no_argument, NULL, OPT_NO_PROFILE},
    {"output", required_argument, NULL, 'o'},
    {"package", required_argument, NULL, 'p'},
    {"profile-deps", no_argument, NULL, OPT_PROFILE_DEPS},
    {"quiet", no_argument, NULL, 'q'},
    {"single-pass", no_argument, NULL, OPT_SINGLE_PASS},
    {"top", required_argument, NULL, OPT_TOP},
    {"work-dir", required_argument, NULL, OPT_WORK_DIR},
    {"workspace", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
};

/* Shared by profile and run --profile: both passes. */
int
cmd_profile_session(struct session *s, const struct twopass_opts *po)
{
	return twopass_run(s, po, &s->b->profile);
}

void
cmd_profile_print(struct session *s, size_t top, int status)
{
	struct report_style st;

	if (s->b->profile != NULL && status != BENCH_EXIT_INTERRUPTED &&
	    s->b->profile->n_units > 0) {
		st = term_style();
		report_text_profile(stdout, s->b->profile, top, &st);
		fflush(stdout);
	}
}

static int
cmd_profile_exec(int argc, char **argv)
{
	struct session_opts o;
	struct session s;
	struct twopass_opts po = {.top_items = 20};
	size_t top = 30;
	int c, status, incomplete = 0;

	session_opts_init(&o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(
	            argc, argv, "C:hl:o:p:q", profile_options, NULL)) != -1) {
		switch (c) {
		case 'C':
		case 'l':
		case 'o':
		case 'q':
			session_option(&o, "profile", c, optarg);
			break;
		case 'c':
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0)
				cmd_usage_error("profile",
				    "--color: '%s' is not auto, always or "
				    "never",
				    optarg);
			o.color = optarg;
			break;
		case 'h':
			cmd_print_usage(profile_usage);
			exit(BENCH_EXIT_OK);
		case OPT_EXTRACTOR:
			if (!spawn_in_path(optarg))
				cmd_usage_error("profile",
				    "--extractor: '%s' is not an executable "
				    "program",
				    optarg);
			po.extractor = optarg;
			break;
		case OPT_ITEMS:
			po.top_items = cmd_parse_count("--items", optarg, 0);
			break;
		case 'p':
			strv_push(&po.packages, optarg);
			break;
		case OPT_EXCLUDE:
			strv_push(&po.excludes, optarg);
			break;
		case OPT_SINGLE_PASS:
			po.single_pass = 1;
			break;
		case OPT_PROFILE_DEPS:
			po.profile_deps = 1;
			break;
		case OPT_NO_PROFILE:
			po.no_profile = 1;
			break;
		case OPT_TOP:
			top = cmd_parse_count("--top", optarg, 1);
			break;
		case OPT_WORK_DIR:
			po.work_dir = optarg;
			break;
		default:
			cmd_getopt_error("profile", argc, argv, c);
		}
	}
	if (optind < argc)
		cmd_usage_error(
		    "profile", "unexpected argument '%s'", argv[optind]);
	if (po.single_pass && po.extractor != NULL)
		cmd_usage_error("profile",
		    "--single-pass cannot run --extractor: an extractor "
		    "inside rustc would inflate the profile (two passes keep "
		    "them apart)");
	if (po.single_pass && po.no_profile)
		cmd_usage_error("profile",
		    "--single-pass profiles; --no-profile does not: choose "
		    "one");
	if (po.profile_deps && po.no_profile)
		cmd_usage_error(
		    "profile", "--profile-deps and --no-profile contradict");
	if (po.packages != NULL && po.excludes != NULL)
		cmd_usage_error("profile",
		    "--exclude goes with the whole workspace, not with -p");
	session_open(&s, &o, 1);
	status = cmd_profile_session(&s, &po);
	strv_free(po.packages);
	strv_free(po.excludes);
	/* A profile with missing units is still written: it is data. */
	if (status == BENCH_EXIT_INCOMPLETE) {
		incomplete = 1;
		status = BENCH_EXIT_OK;
	}
	/* Results first, then the table. */
	status = session_finish(&s, status);
	if (!o.quiet)
		cmd_profile_print(&s, top, status);
	status = session_close(&s, status);
	return status == BENCH_EXIT_OK && incomplete ? BENCH_EXIT_INCOMPLETE
	                                             : status;
}

const struct cmd_entry cmd_profile_entry = {
    .name = "profile",
    .summary = "the self-profile of the workspace's build, unit by unit",
    .exec = cmd_profile_exec,
};

static const char *const summary_usage[] = {
    "Usage: bench-tests profile-summary [OPTIONS] FILE.mm_profdata...",
    "",
    "What measureme's summarize prints, from our own reader: per label,",
    "self time, its share of the total, total time, invocations and cache",
    "hits, with the profile's wall time.  Truncated or damaged files give",
    "what could be read, marked partial.",
    "",
    "Options:",
    "      --top N             labels shown per file (default 40)",
    "      --json              all labels of all files as JSON",
    "  -h, --help              this help",
    "",
    "Exit status: 0 every file was read (perhaps partially); 2 a file could",
    "not be read at all, or a usage error.",
    NULL,
};

static const struct option summary_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"json", no_argument, NULL, OPT_JSON},
    {"top", required_argument, NULL, OPT_TOP},
    {NULL, 0, NULL, 0},
};

/* A view of a summary for the writers (rows borrow the summary's strings). */
static void
make_view(struct prof_summary_view *v, const char *file,
    const struct mmprof_summary *s)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->file = file;
	v->version = s->version;
	v->crate = s->identity != NULL ? s->identity->crate_name : NULL;
	v->partial = s->partial != 0 ? s->partial_reason : NULL;
	v->n_events = s->n_events;
	v->wall = (double)s->wall_ns * 1e-9;
	v->cpu = (double)s->cpu_ns * 1e-9;
	v->self = (double)s->self_ns * 1e-9;
	v->rows = xcalloc(s->n_labels + 1, sizeof(*v->rows));
	for (i = 0; i < s->n_labels; i++) {
		v->rows[i].label = s->labels[i].label;
		v->rows[i].self = (double)s->labels[i].self_ns * 1e-9;
		v->rows[i].total = (double)s->labels[i].total_ns * 1e-9;
		v->rows[i].count = s->labels[i].count;
		v->rows[i].cache_hits = s->labels[i].cache_hits;
	}
	v->n_rows = s->n_labels;
}

/* The names of the MMPROF_PARTIAL_* bits in bits: "truncated, bad-events". */
static void
partial_kinds(unsigned bits, char *buf, size_t size)
{
	unsigned bit;
	size_t len = 0;

	buf[0] = '\0';
	for (bit = 1; bit != 0 && len < size; bit <<= 1) {
		if ((bits & bit) != 0)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len > 0 ? ", " : "", mmprof_partial_name(bit));
	}
}

/*
 * Summarize one file into *s and its view v; 0, or -1 after an error
 * message.  A damaged file gives what could be read, with a warning that
 * names the kinds of damage.
 */
static int
summarize(
    const char *file, struct mmprof_summary **s, struct prof_summary_view *v)
{
	struct mmprof_file *f;
	struct bench_error err;
	const char *reason;
	char kinds[160];
	unsigned bits;

	if (mmprof_open(file, &f, &err) != 0 ||
	    mmprof_summarize(f, 0, s, &err) != 0) {
		mmprof_close(f);
		errorf("%s: %s", file, err.text);
		return -1;
	}
	make_view(v, file, *s);
	v->version = mmprof_version(f);
	bits = mmprof_partial(f, &reason);
	if (bits != 0) {
		partial_kinds(bits, kinds, sizeof(kinds));
		warnf("%s: partial result (%s): %s", file, kinds, reason);
	}
	mmprof_close(f);
	return 0;
}

static int
cmd_profile_summary_exec(int argc, char **argv)
{
	struct mmprof_summary **sums;
	struct prof_summary_view *views;
	struct report_style st;
	struct bench_error err;
	size_t top = 40, n, i, k = 0;
	int c, json = 0, status = BENCH_EXIT_OK;
	char *text;

	optind = 1;
	opterr = 0;
	while (
	    (c = getopt_long(argc, argv, "h", summary_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_print_usage(summary_usage);
			exit(BENCH_EXIT_OK);
		case OPT_JSON:
			json = 1;
			break;
		case OPT_TOP:
			top = cmd_parse_count("--top", optarg, 1);
			break;
		default:
			cmd_getopt_error("profile-summary", argc, argv, c);
		}
	}
	if (optind >= argc)
		cmd_usage_error(
		    "profile-summary", "name at least one .mm_profdata file");
	term_init(NULL, 0, 0);
	st = term_style();
	n = (size_t)(argc - optind);
	sums = xcalloc(n, sizeof(*sums));
	views = xcalloc(n, sizeof(*views));
	for (i = 0; i < n; i++) {
		const char *file = argv[optind + (int)i];

		if (summarize(file, &sums[k], &views[k]) != 0) {
			status = BENCH_EXIT_USAGE;
			continue;
		}
		if (!json) {
			if (k > 0)
				putchar('\n');
			report_text_profile_summary(
			    stdout, &views[k], top, &st);
		}
		k++;
	}
	if (json) {
		text = report_profile_summary_json(views, k, &err);
		if (text == NULL) {
			errorf("%s", err.text);
			status = BENCH_EXIT_USAGE;
		} else {
			printf("%s\n", text);
			free(text);
		}
	}
	for (i = 0; i < k; i++) {
		free(views[i].rows);
		mmprof_summary_free(sums[i]);
	}
	free(views);
	free(sums);
	return status;
}

const struct cmd_entry cmd_profile_summary_entry = {
    .name = "profile-summary",
    .summary = "summarize rustc self-profile files (.mm_profdata)",
    .exec = cmd_profile_summary_exec,
};
