/*
 * bench-utf8.h: UTF-8 validation that every library shares.
 *
 * Header-only, like bench-error.h, so that libraries which link nothing of
 * each other (reports/, src/profile/, src/flame/) use one validator.
 */
#ifndef BENCH_SRC_BENCH_UTF8_H
#define BENCH_SRC_BENCH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0 when it is
 * invalid: a stray continuation byte, a cut sequence, an overlong form, a
 * surrogate or a code point past U+10FFFF.
 */
static inline size_t
bench_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c;
	size_t need, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need;
}

#endif /* BENCH_SRC_BENCH_UTF8_H */
