/*
 * alloc.c: allocation for reports/ (aborts on exhaustion).
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
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
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i;
	unsigned int cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
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
