/*
 * bench-error.h: the error report that libraries fill in for their caller.
 *
 * stats/, reports/ and the profile reader never print or exit: a function
 * that can fail returns a negative enum bench_status and, when the caller
 * passed a struct bench_error, explains the failure in it.  Header-only, so
 * every library can use it without linking the program.
 */
#ifndef BENCH_SRC_BENCH_ERROR_H
#define BENCH_SRC_BENCH_ERROR_H

#include <stdarg.h>
#include <stdio.h>

enum bench_status {
	BENCH_OK = 0,
	BENCH_ERR_INVALID = -1,  /* bad argument or input data */
	BENCH_ERR_IO = -2,       /* a system call failed; errno-style text */
	BENCH_ERR_NOMEM = -3,    /* an allocation failed */
	BENCH_ERR_NUMERIC = -4,  /* a GSL routine reported an error */
	BENCH_ERR_VERSION = -5,  /* data of a newer, unknown format version */
	BENCH_ERR_TRUNCATED = -6 /* input ended early */
};

struct bench_error {
	int code;       /* enum bench_status */
	char text[512]; /* one line, no trailing newline */
};

/* Record code and a formatted message in err (which may be NULL); return code.
 */
static inline int bench_error_set(struct bench_error *err, int code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline int
bench_error_set(struct bench_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return code;
}

#endif /* BENCH_SRC_BENCH_ERROR_H */
