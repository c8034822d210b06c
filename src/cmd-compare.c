/*
 * cmd-compare.c: bench-tests compare BEFORE AFTER: did a change make the
 * suite faster, slower, or nothing that counts?
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *const compare_usage[] = {
    "Usage: bench-tests compare [OPTIONS] BEFORE.json AFTER.json",
    "",
    "Compare two baselines benchmark by benchmark (matched by name; two",
    "files of one benchmark each are compared whatever the names): means",
    "and standard deviations of wall, cpu (user + system), user and system",
    "time, the change, the ratio after/before with its confidence interval",
    "(Fieller), Welch's t-test and the Mann-Whitney U test.  Slower or",
    "faster when the interval excludes 1 and both tests agree at --alpha;",
    "untested with fewer than 2 runs on a side (or too few for the rank",
    "test to reach --alpha); otherwise no significant change, with the",
    "change the data could have detected (the interval's half-width).  The",
    "seeds' rule (a change beyond 2 sd of single runs) is reported as the",
    "Section 06 line; it does not decide.",
    "",
    "Options:",
    "      --metric M          decide on wall (default), cpu, user or system",
    "      --alpha A           significance level (default 0.05)",
    "      --confidence F      level of the ratio's interval (default 0.95)",
    "      --reproducibility[=PCT]",
    "                          the files are two independent measurements of",
    "                          the same code: do all means agree within PCT",
    "                          percent (default 10)?",
    "      --target DURATION   does each after-mean meet the target?",
    "      --format FORMAT     text (default), markdown or json",
    "  -o, --output FILE       write the report to FILE (atomically)",
    "      --color WHEN        auto, always or never",
    "  -h, --help              this help",
    "",
    "Exit status: 0 done; 1 not reproducible (--reproducibility) or a target",
    "not met (--target); 2 usage or I/O error, a file that is not a",
    "baseline, or no benchmark in common.",
    NULL,
};

enum {
	OPT_ALPHA = 3000,
	OPT_COLOR,
	OPT_CONFIDENCE,
	OPT_FORMAT,
	OPT_METRIC,
	OPT_REPRO,
	OPT_TARGET
};

static const struct option compare_options[] = {
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"color", required_argument, NULL, OPT_COLOR},
    {"confidence", required_argument, NULL, OPT_CONFIDENCE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"output", required_argument, NULL, 'o'},
    {"reproducibility", optional_argument, NULL, OPT_REPRO},
    {"target", required_argument, NULL, OPT_TARGET},
    {NULL, 0, NULL, 0},
};

int
cmd_emit_comparison(const struct comparison *c, const struct cmp_gate *g,
    int format, const char *path)
{
	struct report_style st = term_style();
	struct bench_error err;
	char *text = NULL, *json;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	if (path != NULL)
		st.color = 0;
	f = path != NULL ? open_memstream(&text, &len) : stdout;
	if (f == NULL)
		fatalx(BENCH_EXIT_USAGE, "open_memstream: %s", strerror(errno));
	if (format == FORMAT_JSON) {
		json = report_comparison_json(c, g, &err);
		if (json == NULL) {
			errorf("%s", err.text);
			rc = -1;
		} else {
			fprintf(f, "%s\n", json);
			free(json);
		}
	} else if (format == FORMAT_MARKDOWN)
		report_comparison_markdown(f, c, g);
	else
		report_comparison_text(f, c, g, &st);
	if (path != NULL) {
		fclose(f);
		if (rc == 0 && file_write_atomic(path, text, len) != 0) {
			errorf("cannot write '%s': %s", path, strerror(errno));
			rc = -1;
		}
		free(text);
	} else
		fflush(stdout);
	return rc;
}

static int
cmd_compare_exec(int argc, char **argv)
{
	struct cmp_opts co = {
	    .alpha = REPORT_CMP_ALPHA, .ci_level = REPORT_CMP_CI};
	struct baseline *before = NULL, *after = NULL;
	struct comparison *c = NULL;
	struct bench_error err;
	const char *output = NULL, *color = NULL;
	int ch, format = FORMAT_TEXT, status = BENCH_EXIT_OK;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "ho:", compare_options, NULL)) !=
	       -1) {
		switch (ch) {
		case 'h':
			cmd_print_usage(compare_usage);
			exit(BENCH_EXIT_OK);
		case 'o':
			output = optarg;
			break;
		case OPT_ALPHA:
			co.alpha = cmd_parse_fraction("--alpha", optarg);
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case OPT_CONFIDENCE:
			co.ci_level =
			    cmd_parse_fraction("--confidence", optarg);
			break;
		case OPT_FORMAT:
			format = cmd_parse_format("compare", optarg);
			break;
		case OPT_METRIC:
			co.metric = (enum cmp_measure)cmd_first_metric(
			    cmd_parse_metrics("compare", optarg, 1));
			break;
		case OPT_REPRO:
			co.repro = 0.10;
			if (optarg != NULL)
				co.repro = cmd_parse_percent(
				    "--reproducibility", optarg);
			else if (optind < argc && cmd_is_number(argv[optind]))
				/* --reproducibility 15: a value after all. */
				co.repro = cmd_parse_percent(
				    "--reproducibility", argv[optind++]);
			break;
		case OPT_TARGET:
			co.target = cmd_parse_seconds("--target", optarg, 0);
			break;
		default:
			cmd_getopt_error("compare", argc, argv, ch);
		}
	}
	if (argc - optind != 2)
		cmd_usage_error("compare",
		    "compare needs two baseline files, BEFORE and AFTER (got "
		    "%d)",
		    argc - optind);
	if (color != NULL && strcmp(color, "auto") != 0 &&
	    strcmp(color, "always") != 0 && strcmp(color, "never") != 0)
		cmd_usage_error("compare",
		    "--color: '%s' is not auto, always or never", color);
	term_init(color, 0, 0);
	if (output != NULL && file_check_writable(output) != 0)
		fatalx(BENCH_EXIT_USAGE, "cannot write '%s': %s", output,
		    strerror(errno));

	before = session_load_baseline(argv[optind], NULL);
	if (before == NULL) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	after = session_load_baseline(argv[optind + 1], NULL);
	if (after == NULL) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	c = report_compare(
	    before, argv[optind], after, argv[optind + 1], &co, &err);
	if (c == NULL) {
		errorf("%s", err.text);
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	if (cmd_emit_comparison(c, NULL, format, output) != 0)
		status = BENCH_EXIT_USAGE;
	else if ((co.repro > 0 && !c->reproducible) ||
	         (co.target > 0 && !c->target_met))
		status = BENCH_EXIT_REGRESSION;
out:
	report_comparison_free(c);
	report_baseline_free(before);
	report_baseline_free(after);
	return status;
}

const struct cmd_entry cmd_compare_entry = {
    .name = "compare",
    .summary = "compare two baselines with significance tests",
    .exec = cmd_compare_exec,
};
