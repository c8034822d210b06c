/*
 * sbuf.c: a growing string, with escaping for HTML and URLs; what the
 * results server builds its pages and replies with, and the upload client
 * its query strings.
 */
#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if (b->cap < 256)
			b->cap = 256;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *big = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sbuf_add(b, small, (size_t)n);
		return;
	}
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sbuf_add(b, big, (size_t)n);
	free(big);
}

void
sbuf_html(struct sbuf *b, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		const char *rep = NULL;

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			/* Control characters have no business in a page. */
			if ((unsigned char)*s < 0x20 && *s != '\t' &&
			    *s != '\n')
				rep = "\xef\xbf\xbd";
			break;
		}
		if (rep != NULL) {
			sbuf_add(b, run, (size_t)(s - run));
			sbuf_puts(b, rep);
			run = s + 1;
		}
	}
	sbuf_add(b, run, (size_t)(s - run));
}

void
sbuf_url(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char ch;
	char esc[3];

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' ||
		    ch == '~')
			sbuf_add(b, s, 1);
		else {
			esc[0] = '%';
			esc[1] = hex[ch >> 4];
			esc[2] = hex[ch & 15];
			sbuf_add(b, esc, 3);
		}
	}
}

char *
sbuf_take(struct sbuf *b, size_t *len)
{
	char *p;

	if (b->p == NULL)
		sbuf_add(b, "", 0);
	p = b->p;
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}
