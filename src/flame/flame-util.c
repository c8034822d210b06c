/*
 * flame-util.c: allocation, buffers, a hash map and name cleaning for
 * src/flame/.
 */
#include <config.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-utf8.h"
#include "flame-int.h"

void *
flamep_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		abort();
	return p;
}

/* Make room for need elements of size bytes (capacity doubles). */
void *
flamep_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;

	if (need <= c)
		return p;
	if (c < 16)
		c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			abort();
		c *= 2;
	}
	p = realloc(p, c * size);
	if (p == NULL)
		abort();
	*cap = c;
	return p;
}

char *
flamep_xstrdup(const char *s)
{
	return flamep_xstrndup(s, strlen(s));
}

char *
flamep_xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		abort();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
flamep_buf_add(struct flamep_buf *b, const char *s, size_t n)
{
	b->p = flamep_grow(b->p, &b->cap, b->len + n + 1, 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
flamep_buf_addc(struct flamep_buf *b, char c)
{
	flamep_buf_add(b, &c, 1);
}

void
flamep_buf_addf(struct flamep_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->p = flamep_grow(b->p, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* A 64-bit mix (splitmix64's finaliser) for map slots. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint32_t
flamep_map_get(const struct flamep_map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return UINT32_MAX;
	for (i = mix(key) & (m->cap - 1); m->keys[i] != UINT64_MAX;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
	}
	return UINT32_MAX;
}

static void
map_rehash(struct flamep_map *m, size_t cap)
{
	struct flamep_map old = *m;
	size_t i;

	m->keys = malloc(cap * sizeof(*m->keys));
	m->vals = malloc(cap * sizeof(*m->vals));
	if (m->keys == NULL || m->vals == NULL)
		abort();
	memset(m->keys, 0xff, cap * sizeof(*m->keys));
	m->cap = cap;
	m->n = 0;
	for (i = 0; i < old.cap; i++) {
		if (old.keys[i] != UINT64_MAX)
			flamep_map_put(m, old.keys[i], old.vals[i]);
	}
	free(old.keys);
	free(old.vals);
}

void
flamep_map_put(struct flamep_map *m, uint64_t key, uint32_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		map_rehash(m, m->cap == 0 ? 64 : 2 * m->cap);
	for (i = mix(key) & (m->cap - 1); m->keys[i] != UINT64_MAX;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

void
flamep_map_clear(struct flamep_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

uint64_t
flamep_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
flamep_clean_name(struct flamep_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	b->len = 0;
	flamep_buf_add(b, "", 0);
	while (i < n) {
		k = bench_utf8_len(u + i, n - i);
		/* XML has no place for controls, U+FFFE and U+FFFF. */
		if (k == 0 || (k == 1 && (u[i] < 0x20 || u[i] == 0x7f)) ||
		    (k == 3 && u[i] == 0xef && u[i + 1] == 0xbf &&
		        u[i + 2] >= 0xbe)) {
			k = 1;
			if (b->len + 1 > FLAME_MAX_NAME)
				break;
			flamep_buf_addc(b, '?');
		} else {
			if (b->len + k > FLAME_MAX_NAME)
				break;
			flamep_buf_add(b, s + i, k);
		}
		i += k;
	}
}
