/*
 * msgs.c: messages to the user, on stderr, each prefixed with our name.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

const char *msgs_progname = "bench-tests";
int msgs_quiet;

static void
vmsg(const char *kind, const char *color, const char *fmt, va_list ap)
{
	term_progress_clear();
	if (color != NULL && term.err_color)
		fprintf(
		    stderr, "%s: %s%s\033[0m: ", msgs_progname, color, kind);
	else if (kind != NULL)
		fprintf(stderr, "%s: %s: ", msgs_progname, kind);
	else
		fprintf(stderr, "%s: ", msgs_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void
errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", "\033[1;31m", fmt, ap);
	va_end(ap);
}

void
warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", "\033[1;33m", fmt, ap);
	va_end(ap);
}

void
notef(const char *fmt, ...)
{
	va_list ap;

	if (msgs_quiet)
		return;
	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap);
	va_end(ap);
}

void
fatalx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", "\033[1;31m", fmt, ap);
	va_end(ap);
	exit(status);
}
