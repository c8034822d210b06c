/*
 * cmd-export.c: bench-tests export: a baseline in hyperfine's JSON, CSV or
 * Markdown, or in the Bencher Metric Format.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* A baseline larger than this is not read (a real one has kilobytes). */
#define EXPORT_MAX_INPUT (256u << 20)

static const char *const export_usage[] = {
    "Usage: bench-tests export FILE --format FORMAT [-o OUT]", "",
    "Write the results of the baseline FILE (- for standard input) in another",
    "tool's format, to standard output or atomically to OUT.", "", "Formats:",
    "  hyperfine   hyperfine's --export-json document (times in seconds)",
    "  csv         hyperfine's --export-csv columns, then name, runs, cv,",
    "              ci_low, ci_high, max_rss_mean, converged",
    "  markdown    hyperfine's --export-markdown table, then user, system,",
    "              runs, CV and converged",
    "  bmf         Bencher Metric Format: measures wall, user, system",
    "              (seconds) and max_rss (bytes); the value is the mean, the",
    "              bounds its confidence interval", "", "Options:",
    "  -f, --format FORMAT     hyperfine, csv, markdown or bmf (required)",
    "  -o, --output OUT        write to OUT instead of standard output",
    "  -h, --help              this help", "",
    "Benchmarks without a measured run are left out (with a warning).", "",
    "Exit status: 0 success; 2 usage, I/O or input error (a file that is not",
    "a baseline).", NULL};

static const struct option export_options[] = {
    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'},
    {"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};

/* All of standard input (at most max bytes); NULL with errno on failure. */
static char *
read_stdin(size_t max, size_t *len)
{
	char *buf = NULL;
	size_t size = 0, used = 0;
	ssize_t n;

	for (;;) {
		if (used + 1 >= size) {
			if (size > max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			size = size == 0 ? 65536 : size * 2;
			buf = xreallocarray(buf, size, 1);
		}
		n = read(STDIN_FILENO, buf + used, size - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* "markdown, csv, hyperfine or bmf", from reports/' table, into buf. */
static const char *
format_list(char buf[128])
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < REPORT_EXPORT_COUNT && len < 128; i++)
		len += (size_t)snprintf(buf + len, 128 - len, "%s%s",
		    i == 0                         ? ""
		    : i == REPORT_EXPORT_COUNT - 1 ? " or "
		                                   : ", ",
		    report_export_format_name((enum report_export_format)i));
	return buf;
}

static int
cmd_export_exec(int argc, char **argv)
{
	struct bench_error err;
	struct baseline *b = NULL;
	const char *input, *output = NULL, *format = NULL, *shown;
	char *text = NULL, *out = NULL, list[128];
	size_t len = 0, i, empty;
	int c, fmt, status = BENCH_EXIT_USAGE;

	term_init(NULL, 1, 0);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:ho:", export_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'h':
			cmd_print_usage(export_usage);
			exit(BENCH_EXIT_OK);
		case 'o':
			output = optarg;
			break;
		default:
			cmd_getopt_error("export", argc, argv, c);
		}
	}
	if (optind >= argc)
		cmd_usage_error("export", "no baseline FILE given");
	if (optind + 1 < argc)
		cmd_usage_error("export", "unexpected '%s' (one FILE only)",
		    argv[optind + 1]);
	input = argv[optind];
	if (format == NULL)
		cmd_usage_error(
		    "export", "--format is required (%s)", format_list(list));
	fmt = report_export_format_parse(format);
	if (fmt < 0)
		cmd_usage_error("export", "--format: unknown format '%s' (%s)",
		    format, format_list(list));
	if (output != NULL && output[0] == '\0')
		cmd_usage_error("export", "--output: an empty file name");

	shown = strcmp(input, "-") == 0 ? "standard input" : input;
	if (strcmp(input, "-") == 0)
		text = read_stdin(EXPORT_MAX_INPUT, &len);
	else
		text = file_read(input, EXPORT_MAX_INPUT, &len);
	if (text == NULL) {
		errorf("cannot read '%s': %s", shown,
		    errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		goto out;
	}
	if (len == 0) {
		errorf("'%s' is empty, not a baseline", shown);
		goto out;
	}
	memset(&err, 0, sizeof(err));
	b = report_baseline_parse(text, len, &err);
	if (b == NULL) {
		errorf("'%s': %s", shown, err.text);
		goto out;
	}
	/* Name a few of the benchmarks left out, count the rest. */
	for (i = 0, empty = 0; i < b->n_results; i++) {
		if (b->results[i].n_runs == 0 && empty++ < 3)
			warnf("'%s': benchmark '%s' has no measured run: left "
			      "out",
			    shown, b->results[i].name);
	}
	if (empty > 3)
		warnf("'%s': %zu more benchmarks without a measured run left "
		      "out",
		    shown, empty - 3);
	out = report_export(b, (enum report_export_format)fmt, &err);
	if (out == NULL) {
		errorf("cannot export '%s': %s", shown, err.text);
		goto out;
	}
	if (output != NULL) {
		if (file_write_atomic(output, out, strlen(out)) != 0) {
			errorf(
			    "cannot write '%s': %s", output, strerror(errno));
			goto out;
		}
	} else if (fwrite(out, 1, strlen(out), stdout) != strlen(out))
		goto out; /* main reports the error of stdout */
	status = BENCH_EXIT_OK;
out:
	free(out);
	report_baseline_free(b);
	free(text);
	return status;
}

const struct cmd_entry cmd_export_entry = {
    .name = "export",
    .summary = "write a baseline as hyperfine JSON, CSV, Markdown or BMF",
    .exec = cmd_export_exec,
};
