/*
 * term.c: the terminal: colours, Unicode, the progress line on stderr.
 */
#include <config.h>

#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Redraw the progress line at most this often between runs (seconds). */
#define PROGRESS_INTERVAL 0.1

struct term term;

void
term_init(const char *color_opt, int quiet, int show_output)
{
	const char *no_color = getenv("NO_COLOR");
	const char *termenv = getenv("TERM");
	const char *cs;
	int stdout_tty = isatty(STDOUT_FILENO);
	int dumb = termenv != NULL && strcmp(termenv, "dumb") == 0;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	memset(&term, 0, sizeof(term));
	/* The progress line would tangle with the command's own output. */
	term.tty = isatty(STDERR_FILENO) && !quiet && !show_output && !dumb;
	if (color_opt == NULL || strcmp(color_opt, "auto") == 0)
		term.color = stdout_tty && !dumb &&
		             (no_color == NULL || no_color[0] == '\0');
	else
		term.color = strcmp(color_opt, "always") == 0;
	if (color_opt == NULL || strcmp(color_opt, "auto") == 0)
		term.err_color = isatty(STDERR_FILENO) && !dumb &&
		                 (no_color == NULL || no_color[0] == '\0');
	else
		term.err_color = strcmp(color_opt, "always") == 0;
	term.unicode = stdout_tty && cs != NULL && strcmp(cs, "UTF-8") == 0;
	term.last_draw = -1;
}

struct report_style
term_style(void)
{
	struct report_style s;

	s.color = term.color;
	s.unicode = term.unicode;
	return s;
}

double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void
term_progress(int force, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	double now;

	if (!term.tty)
		return;
	now = mono_now();
	if (!force && term.last_draw >= 0 &&
	    now - term.last_draw < PROGRESS_INTERVAL)
		return;
	term.last_draw = now;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	term.progress_shown = 1;
}

void
term_progress_clear(void)
{
	if (!term.progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	term.progress_shown = 0;
	term.last_draw = -1;
}

const char *
term_fmt_eta(char *buf, size_t size, double s)
{
	if (!isfinite(s) || s < 0)
		snprintf(buf, size, "?");
	else if (s < 60)
		snprintf(buf, size, "%.0f s", ceil(s));
	else if (s < 3600)
		snprintf(buf, size, "%dm %02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, size, "%dh %02dm", (int)(s / 3600),
		    (int)(s / 60) % 60);
	return buf;
}
