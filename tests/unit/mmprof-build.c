/*
 * mmprof-build.c: hand-built .mm_profdata files for tests; see
 * mmprof-build.h.
 */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmprof-build.h"

struct mmb_buf {
	unsigned char *p;
	size_t len, cap;
};

struct mmb {
	unsigned version;
	unsigned idw;
	struct mmb_buf st[3];
	bool omit[3];
};

static void
put(struct mmb_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_le(struct mmb_buf *b, uint64_t v, unsigned width)
{
	unsigned char u[8];
	unsigned i;

	for (i = 0; i < width; i++)
		u[i] = (unsigned char)(v >> (8 * i));
	put(b, u, width);
}

struct mmb *
mmb_new(unsigned version)
{
	static const char *const magic[3] = {"MMES", "MMSD", "MMSI"};
	struct mmb *b = calloc(1, sizeof(*b));
	unsigned t;

	if (b == NULL)
		abort();
	b->version = version;
	b->idw = version >= 9 ? 8 : 4;
	for (t = 0; t < 3; t++) {
		put(&b->st[t], magic[t], 4);
		put_le(&b->st[t], version, 4);
	}
	return b;
}

void
mmb_free(struct mmb *b)
{
	unsigned t;

	if (b == NULL)
		return;
	for (t = 0; t < 3; t++)
		free(b->st[t].p);
	free(b);
}

static uint64_t
next_id(const struct mmb *b)
{
	return MMB_FIRST_REGULAR + b->st[1].len;
}

uint64_t
mmb_raw(struct mmb *b, const void *p, size_t n)
{
	uint64_t id = next_id(b);

	put(&b->st[1], p, n);
	return id;
}

uint64_t
mmb_lit(struct mmb *b, const char *s)
{
	uint64_t id = next_id(b);
	unsigned char ff = 0xFF;

	put(&b->st[1], s, strlen(s));
	put(&b->st[1], &ff, 1);
	return id;
}

uint64_t
mmb_string(struct mmb *b, ...)
{
	uint64_t id = next_id(b), ref;
	unsigned char tag;
	const char *s;
	va_list ap;
	int part;

	va_start(ap, b);
	while ((part = va_arg(ap, int)) != MMB_END) {
		switch (part) {
		case MMB_LIT:
			s = va_arg(ap, const char *);
			put(&b->st[1], s, strlen(s));
			break;
		case MMB_REF:
			ref = va_arg(ap, uint64_t);
			tag = 0xFE;
			put(&b->st[1], &tag, 1);
			put_le(&b->st[1], ref, b->idw);
			break;
		case MMB_SEP:
			tag = 0x1E;
			put(&b->st[1], &tag, 1);
			break;
		default:
			abort();
		}
	}
	va_end(ap);
	tag = 0xFF;
	put(&b->st[1], &tag, 1);
	return id;
}

uint64_t
mmb_event_id(struct mmb *b, const char *label, const char *arg)
{
	uint64_t l = mmb_lit(b, label), a;

	if (arg == NULL)
		return mmb_string(b, MMB_REF, l, MMB_END);
	a = mmb_lit(b, arg);
	return mmb_string(b, MMB_REF, l, MMB_SEP, MMB_REF, a, MMB_END);
}

void
mmb_index_addr(struct mmb *b, uint64_t vid, uint64_t addr)
{
	put_le(&b->st[2], vid, b->idw);
	put_le(&b->st[2], addr, b->idw);
}

void
mmb_index(struct mmb *b, uint64_t vid, uint64_t sid)
{
	mmb_index_addr(b, vid, sid - MMB_FIRST_REGULAR);
}

void
mmb_metadata(struct mmb *b, const char *json)
{
	mmb_index(b, MMB_METADATA_ID, mmb_lit(b, json));
}

void
mmb_event(struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread,
    uint64_t v1, uint64_t v2)
{
	uint32_t hi = (uint32_t)((v1 >> 16) & 0xFFFF0000u) |
	              (uint32_t)((v2 >> 32) & 0xFFFFu);

	put_le(&b->st[0], kind, b->idw);
	put_le(&b->st[0], id, b->idw);
	put_le(&b->st[0], thread, 4);
	put_le(&b->st[0], v1 & 0xFFFFFFFFu, 4);
	put_le(&b->st[0], v2 & 0xFFFFFFFFu, 4);
	put_le(&b->st[0], hi, 4);
}

void
mmb_interval(struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread,
    uint64_t start, uint64_t end)
{
	mmb_event(b, kind, id, thread, start, end);
}

void
mmb_instant(
    struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread, uint64_t t)
{
	mmb_event(b, kind, id, thread, t, 0xFFFFFFFFFFFFULL);
}

void
mmb_integer(
    struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread, uint64_t value)
{
	mmb_event(b, kind, id, thread, value, 0xFFFFFFFFFFFEULL);
}

void
mmb_stream_bytes(struct mmb *b, unsigned tag, const void *p, size_t n)
{
	put(&b->st[tag], p, n);
}

void
mmb_omit(struct mmb *b, unsigned tag)
{
	b->omit[tag] = true;
}

unsigned char *
mmb_file(struct mmb *b, const size_t *page_sizes, size_t n_sizes, size_t *len)
{
	struct mmb_buf out = {NULL, 0, 0};
	size_t done[3] = {0, 0, 0}, k = 0, n;
	unsigned char tag;
	unsigned t;
	bool more = true;

	put(&out, "MMPD", 4);
	put_le(&out, b->version, 4);
	while (more) {
		more = false;
		for (t = 0; t < 3; t++) {
			if (b->omit[t] || done[t] == b->st[t].len)
				continue;
			n = b->st[t].len - done[t];
			if (n_sizes > 0 && page_sizes[k % n_sizes] != 0 &&
			    page_sizes[k % n_sizes] < n)
				n = page_sizes[k % n_sizes];
			k++;
			tag = (unsigned char)t;
			put(&out, &tag, 1);
			put_le(&out, n, 4);
			put(&out, b->st[t].p + done[t], n);
			done[t] += n;
			more |= done[t] < b->st[t].len;
		}
	}
	*len = out.len;
	return out.p;
}
