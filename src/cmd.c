/*
 * cmd.c: the command table and the option parsing helpers they share.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

const struct cmd_entry *const cmd_table[] = {
    &cmd_run_entry,
    &cmd_sweep_entry,
    &cmd_compare_entry,
    &cmd_check_entry,
    &cmd_ab_entry,
    &cmd_export_entry,
    &cmd_flame_entry,
    &cmd_profile_entry,
    &cmd_profile_summary_entry,
    &cmd_post_entry,
    &cmd_serve_entry,
    NULL,
};

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

void
cmd_print_usage(const char *const *lines)
{
	size_t i;

	for (i = 0; lines[i] != NULL; i++)
		printf("%s\n", lines[i]);
}

void
cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	term_progress_clear();
	fprintf(stderr, "%s: ", msgs_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n",
	    msgs_progname, cmd != NULL ? " " : "", cmd != NULL ? cmd : "");
	exit(BENCH_EXIT_USAGE);
}

void
cmd_getopt_error(const char *cmd, int argc, char **argv, int c)
{
	const char *arg = optind - 1 < argc ? argv[optind - 1] : "?";

	if (c == ':')
		cmd_usage_error(cmd, "option '%s' needs a value", arg);
	if (optopt != 0 && optopt < 256)
		cmd_usage_error(cmd, "unknown option '-%c'", optopt);
	if (optopt != 0)
		cmd_usage_error(cmd, "option '%s' needs a value", arg);
	cmd_usage_error(cmd, "unknown option '%s'", arg);
}

size_t
cmd_parse_count(const char *opt, const char *arg, size_t min)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (arg[0] == '-' || arg[0] == '\0')
		cmd_usage_error(NULL,
		    "%s: '%s' is not a number of at least "
		    "%zu",
		    opt, arg, min);
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v > 100000000ULL)
		cmd_usage_error(
		    NULL, "%s: '%s' is not a valid count", opt, arg);
	if (v < min)
		cmd_usage_error(
		    NULL, "%s must be at least %zu (got %llu)", opt, min, v);
	return (size_t)v;
}

/* The longest duration an option takes. */
#define CMD_MAX_SECONDS 1e7

double
cmd_parse_seconds(const char *opt, const char *arg, double min)
{
	char *end;
	double v, scale = 1;

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg && strcmp(end, "ms") == 0)
		scale = 1e-3, end += 2;
	else if (end != arg && strcmp(end, "s") == 0)
		end++;
	else if (end != arg && strcmp(end, "m") == 0)
		scale = 60, end++;
	else if (end != arg && strcmp(end, "h") == 0)
		scale = 3600, end++;
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v))
		cmd_usage_error(NULL,
		    "%s: '%s' is not a duration (seconds, or "
		    "with a unit: 500ms, 30s, 10m, 1h)",
		    opt, arg);
	v *= scale;
	/* A bound that every clock and time_t holds (about 115 days). */
	if (v > CMD_MAX_SECONDS)
		cmd_usage_error(NULL,
		    "%s: '%s' is too long (at most %.0f seconds, about 115 "
		    "days)",
		    opt, arg, CMD_MAX_SECONDS);
	if (v < min || (min == 0 && v <= 0))
		cmd_usage_error(NULL,
		    "%s must be more than %g seconds (got "
		    "'%s')",
		    opt, min, arg);
	return v;
}

double
cmd_parse_fraction(const char *opt, const char *arg)
{
	char *end;
	double v;
	size_t len = strlen(arg);

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg && *end == '%' && end[1] == '\0') {
		v /= 100;
		end++;
	}
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v) ||
	    v <= 0 || v >= 1 || len == 0)
		cmd_usage_error(NULL,
		    "%s: '%s' is not a fraction between 0 and "
		    "1 (0.05 or 5%%)",
		    opt, arg);
	return v;
}

double
cmd_parse_percent(const char *opt, const char *arg)
{
	char *end;
	double v;

	v = strtod(arg, &end);
	if (end != arg && *end == '%')
		end++;
	if (end == arg || *end != '\0' || !isfinite(v) || v <= 0 || v >= 1000)
		cmd_usage_error(NULL,
		    "%s: '%s' is not a percentage (e.g. 10 or 10%%)", opt, arg);
	return v / 100;
}

unsigned
cmd_parse_metrics(const char *cmd, const char *arg, int only_one)
{
	char *copy = xstrdup(arg), *tok, *save = NULL;
	unsigned set = 0;
	int m, n = 0;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		m = report_measure_parse(tok);
		if (m < 0)
			cmd_usage_error(cmd,
			    "--metric: '%s' is not wall, cpu, user or system",
			    tok);
		set |= 1u << m;
		n++;
	}
	free(copy);
	if (n == 0)
		cmd_usage_error(cmd,
		    "--metric: name wall, cpu, user or system (got '%s')", arg);
	if (only_one && n > 1)
		cmd_usage_error(cmd,
		    "--metric: %s decides on one metric (the gate, check, may "
		    "watch several)",
		    cmd);
	return set;
}

int
cmd_first_metric(unsigned set)
{
	int m;

	for (m = 0; m < CMP_M_COUNT; m++) {
		if (set & (1u << m))
			return m;
	}
	return CMP_M_WALL;
}

int
cmd_parse_format(const char *cmd, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		return FORMAT_TEXT;
	if (strcmp(arg, "markdown") == 0 || strcmp(arg, "md") == 0)
		return FORMAT_MARKDOWN;
	if (strcmp(arg, "json") == 0)
		return FORMAT_JSON;
	cmd_usage_error(
	    cmd, "--format: '%s' is not text, markdown or json", arg);
}

int
cmd_is_number(const char *s)
{
	char *end;

	(void)strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	return end != s && *end == '\0';
}

/* Make room for extra more bytes (and a NUL) in a growing string. */
static void
grow(char **buf, size_t len, size_t *cap, size_t extra)
{
	if (len + extra + 1 > *cap) {
		*cap = (len + extra + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
}

/* Append s, quoted for a POSIX shell if it needs it. */
static void
append_quoted(char **buf, size_t *len, size_t *cap, const char *s)
{
	const char *safe =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,+@%";
	size_t slen = strlen(s);

	grow(buf, *len, cap, slen * 4 + 2);
	if (slen > 0 && strspn(s, safe) == slen) {
		memcpy(*buf + *len, s, slen);
		*len += slen;
		return;
	}
	(*buf)[(*len)++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(*buf + *len, "'\\''", 4);
			*len += 4;
		} else
			(*buf)[(*len)++] = *s;
	}
	(*buf)[(*len)++] = '\'';
}

char *
cmd_join_argv(char *const *argv)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, i;

	grow(&buf, len, &cap, 64);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0) {
			grow(&buf, len, &cap, 1);
			buf[len++] = ' ';
		}
		append_quoted(&buf, &len, &cap, argv[i]);
	}
	buf[len] = '\0';
	return buf;
}

int
cmd_split_words(const char *s, char ***out)
{
	struct sbuf w = {NULL, 0, 0};
	char **v = NULL, quote = 0, *word;
	int in_word = 0;

	for (; *s != '\0'; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				sbuf_add(&w, s, 1);
			continue;
		}
		if (quote == '"') {
			if (*s == '"')
				quote = 0;
			else if (*s == '\\' && s[1] != '\0' &&
			         strchr("\\\"$`", s[1]) != NULL)
				sbuf_add(&w, ++s, 1);
			else
				sbuf_add(&w, s, 1);
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (in_word) {
				word = sbuf_take(&w, NULL);
				strv_push(&v, word);
				free(word);
				in_word = 0;
			}
			continue;
		}
		in_word = 1;
		if (*s == '\'' || *s == '"')
			quote = *s;
		else if (*s == '\\' && s[1] != '\0')
			sbuf_add(&w, ++s, 1);
		else
			sbuf_add(&w, s, 1);
	}
	if (quote != 0) {
		free(sbuf_take(&w, NULL));
		strv_free(v);
		return -1;
	}
	if (in_word) {
		word = sbuf_take(&w, NULL);
		strv_push(&v, word);
		free(word);
	} else
		free(sbuf_take(&w, NULL));
	*out = v;
	return 0;
}
