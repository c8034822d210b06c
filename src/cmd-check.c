/*
 * cmd-check.c: bench-tests check: the nightly regression gate.  Measure now
 * (or take an earlier result), compare with the stored baseline, warn or
 * fail on a significant slowdown, optionally move the baseline forward.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static const char *const check_usage[] = {
    "Usage: bench-tests check --baseline FILE [OPTIONS] [-- COMMAND...]",
    "",
    "The nightly regression gate: measure the test suite now (as `run`",
    "does, or take --result FILE from an earlier run), compare it with the",
    "stored baseline by the decision of `compare` (the interval of the ratio",
    "after/before and both tests), and judge each benchmark:",
    "  fail  a significant slowdown whose interval's lower bound reaches",
    "        --fail (exit 1);",
    "  warn  a significant slowdown of --warn or more (exit 0);",
    "  pass  otherwise.",
    "What cannot be judged is never a pass: an untested metric (too few",
    "runs), a benchmark of the baseline missing from the result, an",
    "incomplete result, failed runs.  They warn, and fail with --strict.",
    "",
    "Options:",
    "      --baseline FILE     the stored baseline (missing: a note, exit 0)",
    "      --baseline-from URL the newest baseline on a results server (with",
    "                          --label, the newest with that label)",
    "      --result FILE       compare this result instead of measuring",
    "      --warn PCT          warn from PCT percent slower (default 15, or",
    "                          --fail when that is lower)",
    "      --fail PCT          fail when the slowdown's lower bound reaches",
    "                          PCT percent (default off; below --warn is a",
    "                          usage error)",
    "      --strict            fail on what cannot be judged (untested,",
    "                          missing, incomplete, failed runs)",
    "      --metric LIST       watch wall, cpu (user + system), user or",
    "                          system time; several with commas (wall,cpu):",
    "                          the worst decides (default wall)",
    "      --update-baseline   replace the baseline with the new result",
    "                          (atomically) after a pass of a complete result",
    "                          without failed runs and with at least the",
    "                          baseline's runs (or --runs, if fewer; never",
    "                          fewer than 2); otherwise say why not",
    "      --alpha A           significance level (default 0.05)",
    "      --format FORMAT     the report on stdout: text (default),",
    "                          markdown or json (machine-readable verdict)",
    "      --markdown FILE     also append the Markdown report to FILE (for",
    "                          $GITHUB_STEP_SUMMARY)",
    "  -n, --name NAME         the benchmark's name (default: the command)",
    "  -h, --help              this help",
    "",
    NULL,
};

static const char *const check_usage_tail[] = {
    "",
    "Exit status: 0 pass, warn, or no baseline yet; 1 the gate failed (a",
    "slowdown beyond --fail, or with --strict what cannot be judged); 2",
    "usage, I/O or input error (a failed pre-build, --fail below --warn);",
    "3 the measured command failed; 130 interrupted.",
    NULL,
};

enum {
	OPT_ALPHA = 4000,
	OPT_BASELINE,
	OPT_BASELINE_FROM,
	OPT_FAIL,
	OPT_FORMAT,
	OPT_MARKDOWN,
	OPT_METRIC,
	OPT_NO_STRICT,
	OPT_NO_UPDATE,
	OPT_RESULT,
	OPT_STRICT,
	OPT_UPDATE,
	OPT_WARN
};

static const struct option check_options[] = {
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"baseline-from", required_argument, NULL, OPT_BASELINE_FROM},
    {"fail", required_argument, NULL, OPT_FAIL},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {"markdown", required_argument, NULL, OPT_MARKDOWN},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"name", required_argument, NULL, 'n'},
    {"no-strict", no_argument, NULL, OPT_NO_STRICT},
    {"no-update-baseline", no_argument, NULL, OPT_NO_UPDATE},
    {"result", required_argument, NULL, OPT_RESULT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"update-baseline", no_argument, NULL, OPT_UPDATE},
    {"warn", required_argument, NULL, OPT_WARN},
    {NULL, 0, NULL, 0},
};

/* Append text to path (created if needed); 0 or -1 after a message. */
static int
append_file(const char *path, const char *text, size_t len)
{
	int fd;
	ssize_t w;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0) {
		errorf("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	w = write(fd, text, len);
	if (w < 0 || (size_t)w != len || close(fd) != 0) {
		errorf("cannot write '%s': %s", path, strerror(errno));
		if (w >= 0)
			(void)close(fd);
		return -1;
	}
	return 0;
}

static int
write_markdown(const char *path, const struct comparison *c,
    const struct cmp_gate *g, const char *note)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (f == NULL)
		fatalx(BENCH_EXIT_USAGE, "open_memstream: %s", strerror(errno));
	if (c != NULL)
		report_comparison_markdown(f, c, g);
	else
		fprintf(f,
		    "### bench-tests check\n\n**Gate: no-baseline**: "
		    "%s\n",
		    note);
	fputc('\n', f);
	fclose(f);
	rc = append_file(path, text, len);
	free(text);
	return rc;
}

/*
 * The newest baseline on the server at url with --label (if given).  NULL
 * with *missing set when there is none; NULL after an error message when
 * the server could not say.  *name describes where it came from.
 */
static struct baseline *
fetch_baseline(
    struct session_opts *o, const char *url, int *missing, char **name)
{
	struct http_opts h = o->post.http;
	struct http_client cl;
	struct bench_error err;
	struct baseline *b = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	*missing = 0;
	h.server = url;
	memset(&cl, 0, sizeof(cl));
	if (http_client_init(&cl, &h, &err) != 0) {
		errorf("--baseline-from: %s", err.text);
		return NULL;
	}
	xasprintf(name, "%s (newest%s%s)", cl.display,
	    o->label != NULL ? " labelled " : "",
	    o->label != NULL ? o->label : "");
	rc = http_fetch_latest(&cl, o->label, NULL, &text, &len, &err);
	http_client_free(&cl);
	if (rc == 1) {
		*missing = 1;
		return NULL;
	}
	if (rc != 0) {
		errorf("--baseline-from: %s", err.text);
		return NULL;
	}
	b = report_baseline_parse(text, len, &err);
	if (b == NULL)
		errorf(
		    "the baseline from %s is not usable: %s", *name, err.text);
	free(text);
	return b;
}

/* Tell the user on stderr what the gate did not pass. */
static void
tell_items(const struct cmp_gate *g)
{
	size_t i;

	for (i = 0; i < g->n_items; i++) {
		const struct gate_item *it = &g->items[i];
		const char *name = it->name != NULL ? it->name : "the result";

		if (it->level == GATE_FAIL)
			errorf("gate: %s: %s", name, it->reason);
		else if (it->level == GATE_WARN)
			warnf("gate: %s: %s", name, it->reason);
	}
}

/* --update-baseline: write result over path if the gate allows it. */
static int
update_baseline(const char *path, const struct cmp_gate *g,
    const struct baseline *stored, const struct baseline *result, size_t runs)
{
	struct bench_error err;
	char why[400], *text;
	int rc = BENCH_EXIT_OK;

	if (!report_gate_may_update(
	        g, stored, result, runs, why, sizeof(why))) {
		notef("the baseline '%s' is left as it was: %s", path, why);
		return BENCH_EXIT_OK;
	}
	text = report_baseline_dump(result, &err);
	if (text == NULL || file_write_atomic(path, text, strlen(text)) != 0) {
		errorf("cannot update the baseline '%s': %s", path,
		    text == NULL ? err.text : strerror(errno));
		rc = BENCH_EXIT_USAGE;
	} else
		notef("%s the baseline '%s'",
		    stored != NULL ? "updated" : "created", path);
	free(text);
	return rc;
}

static int
cmd_check_exec(int argc, char **argv)
{
	struct session_opts o;
	struct session s;
	struct option *options;
	struct cmp_opts co = {
	    .alpha = REPORT_CMP_ALPHA, .ci_level = REPORT_CMP_CI};
	struct cmp_gate gate = {.warn = 0.15};
	struct baseline *stored = NULL, *result = NULL, *loaded = NULL;
	struct comparison *c = NULL;
	struct bench_error err;
	char **cmd, *note = NULL, *from_name = NULL;
	const char *baseline_path = NULL, *result_path = NULL, *md = NULL;
	const char *name = NULL, *baseline_from = NULL;
	int ch, status = BENCH_EXIT_OK, format = FORMAT_TEXT, update = 0;
	int missing = 0, opened = 0, warn_given = 0;

	session_opts_init(&o);
	options = session_merge_options(check_options);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv,
	            "+" SESSION_SHORTOPTS "hn:", options, NULL)) != -1) {
		if (session_option(&o, "check", ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			cmd_print_usage(check_usage);
			cmd_print_usage(session_usage);
			cmd_print_usage(post_usage);
			cmd_print_usage(check_usage_tail);
			exit(BENCH_EXIT_OK);
		case 'n':
			name = optarg;
			break;
		case OPT_ALPHA:
			co.alpha = cmd_parse_fraction("--alpha", optarg);
			break;
		case OPT_BASELINE:
			baseline_path = optarg;
			break;
		case OPT_BASELINE_FROM:
			baseline_from = optarg;
			break;
		case OPT_FAIL:
			gate.fail = cmd_parse_percent("--fail", optarg);
			break;
		case OPT_FORMAT:
			format = cmd_parse_format("check", optarg);
			break;
		case OPT_MARKDOWN:
			md = optarg;
			break;
		case OPT_METRIC:
			gate.metrics = cmd_parse_metrics("check", optarg, 0);
			break;
		case OPT_RESULT:
			result_path = optarg;
			break;
		case OPT_STRICT:
			gate.strict = 1;
			break;
		case OPT_NO_STRICT:
			gate.strict = 0;
			break;
		case OPT_UPDATE:
			update = 1;
			break;
		case OPT_NO_UPDATE:
			update = 0;
			break;
		case OPT_WARN:
			gate.warn = cmd_parse_percent("--warn", optarg);
			warn_given = 1;
			break;
		default:
			cmd_getopt_error("check", argc, argv, ch);
		}
	}
	free(options);
	if ((baseline_path == NULL) == (baseline_from == NULL))
		cmd_usage_error("check", "name the stored baseline with "
		                         "either --baseline FILE or "
		                         "--baseline-from URL");
	if (update && baseline_from != NULL)
		cmd_usage_error("check", "--update-baseline rewrites a file; "
		                         "with --baseline-from, --post sends "
		                         "the new result to the server");
	if (optind < argc && result_path != NULL)
		cmd_usage_error(
		    "check", "--result and a command cannot be combined");
	/*
	 * A failure needs the lower bound past --fail, a warning the point
	 * estimate past --warn: with --fail below --warn a failure would
	 * come without its warning.  The default --warn follows --fail down.
	 */
	if (gate.fail > 0 && gate.fail < gate.warn) {
		if (warn_given)
			cmd_usage_error("check",
			    "--fail %g%% is below --warn %g%%: the gate would "
			    "fail on slowdowns it does not warn about",
			    100 * gate.fail, 100 * gate.warn);
		gate.warn = gate.fail;
	}
	co.metric = (enum cmp_measure)cmd_first_metric(gate.metrics);
	cmd = session_command("check", argc, argv);
	session_opts_check(&o, "check");
	if (update && file_check_writable(baseline_path) != 0)
		fatalx(BENCH_EXIT_USAGE, "cannot write the baseline '%s': %s",
		    baseline_path, strerror(errno));

	/* The stored baseline first: a broken one should not cost a run. */
	if (baseline_from != NULL) {
		stored =
		    fetch_baseline(&o, baseline_from, &missing, &from_name);
		baseline_path = from_name;
	} else
		stored = session_load_baseline(baseline_path, &missing);
	if (stored == NULL && !missing) {
		free(from_name);
		return BENCH_EXIT_USAGE;
	}

	if (result_path != NULL) {
		term_init(o.color, o.quiet, 0);
		msgs_quiet = o.quiet;
		loaded = session_load_baseline(result_path, NULL);
		if (loaded == NULL) {
			status = BENCH_EXIT_USAGE;
			goto out;
		}
		result = loaded;
	} else {
		opened = 1;
		status = session_run_command(&s, &o, cmd, name, NULL);
		/* The result is written before the report is printed. */
		status = session_finish(&s, status);
		if (status != BENCH_EXIT_OK)
			goto out;
		result = s.b;
	}

	if (stored == NULL) {
		xasprintf(&note,
		    "no baseline at '%s' yet: nothing to compare "
		    "with%s",
		    baseline_path,
		    update ? "; this result becomes the baseline" : "");
		notef("%s", note);
		gate.status = GATE_NO_BASELINE;
		if (format == FORMAT_JSON)
			printf(
			    "{\n  \"schema\": \"bench-tests/comparison\",\n"
			    "  \"schema_version\": 2,\n"
			    "  \"gate\": {\"status\": \"no-baseline\"}\n}\n");
		else if (format == FORMAT_MARKDOWN)
			printf(
			    "### bench-tests check\n\n**Gate: no-baseline**: "
			    "%s\n",
			    note);
		if (md != NULL && write_markdown(md, NULL, NULL, note) != 0)
			status = BENCH_EXIT_USAGE;
	} else {
		c = report_compare(stored, baseline_path, result,
		    result_path != NULL ? result_path : "this run", &co, &err);
		if (c == NULL) {
			errorf("%s", err.text);
			status = BENCH_EXIT_USAGE;
			goto out;
		}
		report_gate_apply(&gate, c);
		if (!o.quiet || format != FORMAT_TEXT)
			cmd_emit_comparison(c, &gate, format, NULL);
		if (md != NULL && write_markdown(md, c, &gate, NULL) != 0)
			status = BENCH_EXIT_USAGE;
		tell_items(&gate);
		if (gate.status == GATE_FAIL && status == BENCH_EXIT_OK)
			status = BENCH_EXIT_REGRESSION;
	}

	/*
	 * Only a pass moves the baseline: after a warning or a failure the
	 * old one stays, so a slowdown (or a result that could not be
	 * judged) is not accepted silently overnight.
	 */
	if (update &&
	    (status == BENCH_EXIT_OK || status == BENCH_EXIT_REGRESSION)) {
		int rc = update_baseline(baseline_path,
		    stored != NULL ? &gate : NULL, stored, result, o.m.runs);

		if (rc != BENCH_EXIT_OK)
			status = rc;
	}
out:
	free(note);
	free(from_name);
	report_gate_clear(&gate);
	report_comparison_free(c);
	report_baseline_free(stored);
	report_baseline_free(loaded);
	if (opened) {
		int closed = session_close(&s,
		    status == BENCH_EXIT_REGRESSION ? BENCH_EXIT_OK : status);

		if (closed != BENCH_EXIT_OK)
			status = closed;
	}
	return status;
}

const struct cmd_entry cmd_check_entry = {
    .name = "check",
    .summary = "the nightly regression gate against a stored baseline",
    .exec = cmd_check_exec,
};
