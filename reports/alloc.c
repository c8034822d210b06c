/*
 * alloc.c: allocation for reports/ (aborts on exhaustion).
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "bench-utf8.h"
#include "reports-int.h"

void *
reportp_xcalloc(size_t n, size_t size)
{
	void *p;

	p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
	if (p == NULL)
		abort();
	return p;
}

void *
reportp_xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		abort();
	q = realloc(p, n * size == 0 ? 1 : n * size);
	if (q == NULL)
		abort();
	return q;
}

char *
reportp_xstrdup(const char *s)
{
	char *p;

	p = strdup(s);
	if (p == NULL)
		abort();
	return p;
}

size_t
report_utf8_len(const char *str, size_t n)
{
	return bench_utf8_len((const unsigned char *)str, n);
}

char *
report_utf8_fix(const char *s)
{
	const char repl[] = "\xef\xbf\xbd";
	char *fixed;
	size_t i, o, n, len;

	n = strlen(s);
	fixed = reportp_xreallocarray(NULL, 3 * n + 1, 1);
	for (i = o = 0; i < n;) {
		len = report_utf8_len(s + i, n - i);
		if (len == 0) {
			memcpy(fixed + o, repl, 3);
			o += 3;
			i++;
		} else {
			memcpy(fixed + o, s + i, len);
			o += len;
			i += len;
		}
	}
	fixed[o] = '\0';
	return fixed;
}
