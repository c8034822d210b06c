/*
 * mmprof-util.c: hash maps, string interning, keyed hashing and UTF-8 repair
 * for the profile reader.
 *
 * Every table is keyed with a random key, so that a hostile file cannot
 * choose ids or strings that all fall into one chain.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "bench-utf8.h"
#include "mmprof-int.h"

#define EMPTY UINT64_MAX

/* Multiply with overflow check, then realloc. */
void *
mmprofp_reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (n * size == 0)
		return realloc(p, 1);
	return realloc(p, n * size);
}

#define HUGE_PAGE ((uintptr_t)2 << 20)

/*
 * Let the kernel back the 2 MiB pages inside p[0..n) with huge pages, if it
 * does so only on request: big tables that are read at random then cost
 * far fewer page faults and TLB misses.  Memory is still only allocated
 * when touched, 2 MiB at a time, so small tables are left alone.
 */
void
mmprofp_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);

	if (p != NULL && n >= 2 * HUGE_PAGE && e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/* Fill k with random words; falls back to the clock and addresses. */
static void
random_key(uint64_t *k, size_t n)
{
	struct timespec ts;
	size_t i;
	uint64_t x;

	if (getrandom(k, n * sizeof(*k), GRND_NONBLOCK) ==
	    (ssize_t)(n * sizeof(*k)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
	    (uint64_t)(uintptr_t)k;
	for (i = 0; i < n; i++) {
		x += 0x9E3779B97F4A7C15ULL;
		k[i] = x ^ (x >> 31) ^ ((uint64_t)(uintptr_t)&x << 7);
	}
}

/* The two halves of the 128-bit product of a and b, xored. */
static inline uint64_t
mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t ah = a >> 32, al = a & 0xFFFFFFFFu, bh = b >> 32,
	         bl = b & 0xFFFFFFFFu;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);

	return ((ll & 0xFFFFFFFFu) | mid << 32) ^
	       (hh + (lh >> 32) + (hl >> 32) + (mid >> 32));
#endif
}

#define P0 0xa0761d6478bd642fULL
#define P1 0xe7037ed1a0b428dbULL
#define P2 0x8ebc6af09c88c6e3ULL
#define P3 0x589965cc75374cc3ULL

/*
 * Hash of p[0..n) under the random key (k0, k1): a multiply-and-fold hash
 * in the manner of wyhash, 16 bytes a step.  Keyed, so that a file cannot
 * be made of strings that collide.
 */
static uint64_t
strhash(uint64_t k0, uint64_t k1, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = k0 ^ mum((uint64_t)n ^ P0, k1 ^ P1), a, b;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		memcpy(&a, s + i, 8);
		memcpy(&b, s + i + 8, 8);
		h = mum(a ^ k1 ^ P0, b ^ h ^ P1);
	}
	a = 0;
	b = 0;
	if (n - i >= 8) {
		memcpy(&a, s + i, 8);
		i += 8;
	}
	memcpy(&b, s + i, n - i);
	h = mum(a ^ h ^ P2, b ^ k0 ^ P3);
	return mum(h ^ P0, h ^ k1 ^ P2);
}

/* ---------------------------------------------------------- u64 -> u64 map */

int
mmprofp_map_init(struct mmprofp_map *m, size_t hint)
{
	size_t cap = 16;

	memset(m, 0, sizeof(*m));
	random_key(&m->k0, 1);
	while (cap / 2 < hint && cap < ((size_t)1 << 40))
		cap *= 2;
	m->e = mmprofp_reallocarray(NULL, cap, sizeof(*m->e));
	if (m->e == NULL)
		return BENCH_ERR_NOMEM;
	mmprofp_advise_huge(m->e, cap * sizeof(*m->e));
	memset(m->e, 0xff, cap * sizeof(*m->e));
	m->cap = cap;
	return BENCH_OK;
}

void
mmprofp_map_fini(struct mmprofp_map *m)
{
	free(m->e);
	m->e = NULL;
	m->cap = 0;
	m->n = 0;
}

static inline size_t
map_pos(const struct mmprofp_map *m, uint64_t key)
{
	return (size_t)mmprofp_mix64(key ^ m->k0) & (m->cap - 1);
}

/* Pointer to the value stored under key, or NULL. */
uint64_t *
mmprofp_map_get(const struct mmprofp_map *m, uint64_t key)
{
	struct mmprofp_map_entry *e;
	size_t i;

	if (key == EMPTY)
		return m->has_max ? (uint64_t *)&m->max_val : NULL;
	if (m->cap == 0)
		return NULL;
	for (i = map_pos(m, key);; i = (i + 1) & (m->cap - 1)) {
		e = &m->e[i];
		if (e->key == key)
			return &e->val;
		if (e->key == EMPTY)
			return NULL;
	}
}

static int
map_grow(struct mmprofp_map *m)
{
	struct mmprofp_map_entry *old = m->e, *ne;
	size_t oldcap = m->cap, ncap = m->cap * 2, i, j;

	ne = mmprofp_reallocarray(NULL, ncap, sizeof(*ne));
	if (ne == NULL)
		return BENCH_ERR_NOMEM;
	mmprofp_advise_huge(ne, ncap * sizeof(*ne));
	memset(ne, 0xff, ncap * sizeof(*ne));
	m->e = ne;
	m->cap = ncap;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == EMPTY)
			continue;
		for (j = map_pos(m, old[i].key); ne[j].key != EMPTY;
		     j = (j + 1) & (ncap - 1))
			;
		ne[j] = old[i];
	}
	free(old);
	return BENCH_OK;
}

/*
 * Pointer to the value under key, inserting a zero value (and setting
 * *created) if it is absent; NULL when out of memory.
 */
uint64_t *
mmprofp_map_slot(struct mmprofp_map *m, uint64_t key, bool *created)
{
	struct mmprofp_map_entry *e;
	size_t i;

	*created = false;
	if (key == EMPTY) {
		if (!m->has_max) {
			m->has_max = true;
			m->max_val = 0;
			*created = true;
		}
		return &m->max_val;
	}
	if (m->cap == 0 || (m->n + 1) * 2 > m->cap) {
		if (m->cap == 0) {
			if (mmprofp_map_init(m, 16) != BENCH_OK)
				return NULL;
		} else if (map_grow(m) != BENCH_OK)
			return NULL;
	}
	for (i = map_pos(m, key);; i = (i + 1) & (m->cap - 1)) {
		e = &m->e[i];
		if (e->key == key)
			return &e->val;
		if (e->key == EMPTY)
			break;
	}
	e->key = key;
	e->val = 0;
	m->n++;
	*created = true;
	return &e->val;
}

/* ----------------------------------------------------------------- buffers */

/* Make room for more bytes (and a NUL) in b. */
int
mmprofp_buf_reserve(struct mmprofp_buf *b, size_t more)
{
	size_t need, ncap;
	char *np;

	if (more > SIZE_MAX / 2 - b->len)
		return BENCH_ERR_NOMEM;
	need = b->len + more + 1;
	if (need <= b->cap)
		return BENCH_OK;
	ncap = b->cap < 256 ? 256 : b->cap;
	while (ncap < need)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (np == NULL)
		return BENCH_ERR_NOMEM;
	b->p = np;
	b->cap = ncap;
	return BENCH_OK;
}

/* Append n bytes and keep the buffer NUL-terminated. */
int
mmprofp_buf_add(struct mmprofp_buf *b, const void *p, size_t n)
{
	if (mmprofp_buf_reserve(b, n) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return BENCH_OK;
}

/* ------------------------------------------------------------ string table */

int
mmprofp_strtab_init(struct mmprofp_strtab *t, struct mmprofp_buf *pool)
{
	uint64_t k[2];

	memset(t, 0, sizeof(*t));
	t->pool = pool;
	random_key(k, 2);
	t->k0 = k[0];
	t->k1 = k[1];
	return BENCH_OK;
}

void
mmprofp_strtab_fini(struct mmprofp_strtab *t)
{
	free(t->recs);
	t->recs = NULL;
	free(t->slots);
	t->slots = NULL;
	t->n = 0;
}

/* A slot: the record index + 1 (0 = empty), the high half of its hash
 * above, so that most probes need not read the record. */
#define SLOT(h, idx) (((h)&0xFFFFFFFF00000000ULL) | ((uint64_t)(idx) + 1))

static int
strtab_rehash(struct mmprofp_strtab *t)
{
	size_t ncap = t->nslots == 0 ? 64 : t->nslots * 2, i, j;
	uint64_t *ns;

	ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return BENCH_ERR_NOMEM;
	for (i = 0; i < t->n; i++) {
		for (j = (size_t)t->recs[i].hash & (ncap - 1); ns[j] != 0;
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = SLOT(t->recs[i].hash, i);
	}
	free(t->slots);
	t->slots = ns;
	t->nslots = ncap;
	return BENCH_OK;
}

/*
 * Find s[0..len) in t or add it (to the pool, NUL-terminated); *idx is its
 * index, *created says whether it is new.
 */
int
mmprofp_strtab_intern(struct mmprofp_strtab *t, const char *s, size_t len,
    uint32_t *idx, bool *created)
{
	struct mmprofp_strrec *r;
	uint64_t h = strhash(t->k0, t->k1, s, len), tag, v;
	size_t i = 0;

	*created = false;
	tag = h & 0xFFFFFFFF00000000ULL;
	if (t->nslots != 0) {
		for (i = (size_t)h & (t->nslots - 1); (v = t->slots[i]) != 0;
		     i = (i + 1) & (t->nslots - 1)) {
			if ((v & 0xFFFFFFFF00000000ULL) != tag)
				continue;
			r = &t->recs[(uint32_t)v - 1];
			if (r->hash == h && r->len == len &&
			    memcmp(t->pool->p + r->off, s, len) == 0) {
				*idx = (uint32_t)v - 1;
				return BENCH_OK;
			}
		}
	}
	if (t->n >= UINT32_MAX - 1)
		return BENCH_ERR_NOMEM;
	if ((t->n + 1) * 2 > t->nslots) {
		if (strtab_rehash(t) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		for (i = (size_t)h & (t->nslots - 1); t->slots[i] != 0;
		     i = (i + 1) & (t->nslots - 1))
			;
	}
	if (t->n == t->nrecs_cap) {
		size_t ncap = t->nrecs_cap == 0 ? 64 : t->nrecs_cap * 2;

		r = mmprofp_reallocarray(t->recs, ncap, sizeof(*r));
		if (r == NULL)
			return BENCH_ERR_NOMEM;
		t->recs = r;
		t->nrecs_cap = ncap;
	}
	r = &t->recs[t->n];
	r->off = t->pool->len;
	r->len = len;
	r->hash = h;
	if (mmprofp_buf_add(t->pool, s, len) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	t->pool->len++;              /* keep the NUL in the pool */
	t->slots[i] = SLOT(h, t->n); /* i: the empty slot the probe ended on */
	*idx = (uint32_t)t->n;
	t->n++;
	*created = true;
	return BENCH_OK;
}

/* The string with index idx (valid until the pool grows). */
const char *
mmprofp_strtab_str(const struct mmprofp_strtab *t, uint32_t idx)
{
	return t->pool->p + t->recs[idx].off;
}

/* --------------------------------------------------------------- UTF-8 */

/*
 * Copy src[0..n) to dst, replacing each invalid UTF-8 byte by U+FFFD; dst
 * needs room for 3 * n bytes.  Returns the length written.
 */
size_t
mmprofp_utf8_clean(char *dst, const unsigned char *src, size_t n)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (src[i] < 0x80) {
			dst[o++] = (char)src[i++];
			continue;
		}
		k = bench_utf8_len(src + i, n - i);
		if (k == 0) {
			dst[o++] = (char)0xEF;
			dst[o++] = (char)0xBF;
			dst[o++] = (char)0xBD;
			i++;
			continue;
		}
		memcpy(dst + o, src + i, k);
		o += k;
		i += k;
	}
	return o;
}
