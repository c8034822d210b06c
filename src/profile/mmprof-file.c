/*
 * mmprof-file.c: opening a profile, its pages and streams, the string table
 * and the event records (format spec sections 2 to 10).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmprof-int.h"

#define MAX_ARGS         64
#define SMALL_PAGE       4096 /* streams of smaller pages are copied */
#define UNKNOWN_TEXT     "<unknown>"
#define INVALID_TEXT     "<invalid>"
#define PARSE_ERROR_TEXT "<parse error>"
#define BUDGET_PER_BYTE  16
#define BUDGET_BASE      (16u << 20)

static const char *const stream_names[3] = {
    "event", "string data", "string index"};
static const char *const stream_magics[3] = {"MMES", "MMSD", "MMSI"};

/* Record a partial-result reason; the first reason is kept. */
void
mmprofp_note(struct mmprof_file *f, unsigned bit, const char *fmt, ...)
{
	va_list ap;

	if (f->partial == 0 || f->reason[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
		va_end(ap);
	}
	f->partial |= bit;
}

/* Start an operation: its partial state begins with that of the open. */
void
mmprofp_op_begin(struct mmprof_file *f)
{
	f->partial = f->open_partial;
	memcpy(f->reason, f->open_reason, sizeof(f->reason));
	f->budget = (uint64_t)f->size * BUDGET_PER_BYTE + BUDGET_BASE;
}

/* ------------------------------------------------------------ streams */

/*
 * Index of the page holding stream offset off (< s->len) of a stream held
 * in pages: the last page starting at or before off, found between the
 * pages that hold the first bytes of its block and of the next block (one
 * page, unless the pages are small), else in all pages.
 */
static size_t
seg_find(const struct mmprofp_stream *s, uint64_t off)
{
	size_t lo = 0, hi = s->nsegs, k, b;

	if (s->block != NULL) {
		b = (size_t)(off >> MMPROFP_BLOCK_SHIFT);
		lo = s->block[b];
		if (b + 1 < s->nblocks)
			hi = (size_t)s->block[b + 1] + 1;
	}
	while (hi - lo > 1) {
		k = lo + (hi - lo) / 2;
		if (s->segs[k].soff <= off)
			lo = k;
		else
			hi = k;
	}
	return lo;
}

/*
 * The general case of mmprofp_stream_at() (mmprof-int.h): n >= 1
 * contiguous bytes at stream offset off, copied into tmp when they
 * straddle pages; NULL if they are not all in the stream.
 */
const unsigned char *
mmprofp_stream_slow(const struct mmprofp_stream *s, uint64_t off, size_t n,
    unsigned char *tmp, size_t *hint)
{
	const struct mmprofp_seg *g;
	size_t i, done, k;
	uint64_t rel;

	if (!s->present || off > s->len || n > s->len - off || n == 0)
		return NULL;
	if (s->flat != NULL)
		return s->flat + off;
	i = *hint;
	if (i >= s->nsegs || off < s->segs[i].soff ||
	    off - s->segs[i].soff >= s->segs[i].len)
		i = seg_find(s, off);
	g = &s->segs[i];
	*hint = i;
	rel = off - g->soff;
	if (rel + n <= g->len)
		return g->p + rel;
	done = 0;
	while (done < n && i < s->nsegs) {
		g = &s->segs[i];
		k = g->len - (size_t)rel;
		if (k > n - done)
			k = n - done;
		memcpy(tmp + done, g->p + rel, k);
		done += k;
		rel = 0;
		i++;
	}
	return done == n ? tmp : NULL;
}

/* Bytes from off to the end of its page: *avail of them; NULL past end. */
static const unsigned char *
stream_span(
    const struct mmprofp_stream *s, uint64_t off, size_t *avail, size_t *hint)
{
	unsigned char one;
	const unsigned char *p;
	const struct mmprofp_seg *g;

	p = mmprofp_stream_at(s, off, 1, &one, hint);
	if (p == NULL)
		return NULL;
	if (s->flat != NULL) {
		*avail = (size_t)(s->len - off);
		return p;
	}
	g = &s->segs[*hint];
	*avail = g->len - (size_t)(off - g->soff);
	return p;
}

static void
stream_free(struct mmprofp_stream *s)
{
	free(s->owned);
	s->owned = NULL;
	free(s->segs);
	s->segs = NULL;
	free(s->block);
	s->block = NULL;
	s->nblocks = 0;
	s->flat = NULL;
	s->nsegs = 0;
}

/*
 * Walk the pages (spec section 3): count them per tag, stop at a page cut
 * short by the end of the file, and fail on a bad tag or an empty page.
 */
static int
scan_pages(struct mmprof_file *f, uint64_t *end, struct bench_error *err)
{
	const unsigned char *d = f->data;
	uint64_t pos = 8, size = f->size, bytes[3] = {0, 0, 0};
	uint32_t n;
	unsigned tag;

	while (pos < size) {
		if (size - pos < 5) {
			mmprofp_note(f, MMPROF_PARTIAL_TRUNCATED,
			    "file ends inside a page header at offset %llu",
			    (unsigned long long)pos);
			break;
		}
		tag = d[pos];
		n = mmprofp_le32(d + pos + 1);
		if (tag > 2)
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "bad page tag %u at offset %llu", tag,
			    (unsigned long long)pos);
		if (n == 0)
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "empty page at offset %llu",
			    (unsigned long long)pos);
		if (n > size - pos - 5) {
			mmprofp_note(f, MMPROF_PARTIAL_TRUNCATED,
			    "file ends inside the %s page at offset %llu "
			    "(%u bytes announced, %llu present)",
			    stream_names[tag], (unsigned long long)pos, n,
			    (unsigned long long)(size - pos - 5));
			break;
		}
		if (f->st[tag].npages == 0)
			f->st[tag].first_page = pos;
		f->st[tag].npages++;
		bytes[tag] += n;
		pos += 5 + (uint64_t)n;
	}
	for (tag = 0; tag < 3; tag++)
		f->st[tag].len = bytes[tag];
	*end = pos;
	return BENCH_OK;
}

/*
 * For each block of 2^MMPROFP_BLOCK_SHIFT stream bytes, the page that holds
 * its first byte, so that seg_find() needs no search.  Pages average at
 * least SMALL_PAGE bytes, so the table is small; with more pages than a
 * uint32_t counts, there is no table.
 */
static int
index_blocks(struct mmprofp_stream *s)
{
	size_t b, i = 0;

	if (s->nsegs >= UINT32_MAX)
		return BENCH_OK;
	s->nblocks = (size_t)(s->len >> MMPROFP_BLOCK_SHIFT) + 1;
	s->block = mmprofp_reallocarray(NULL, s->nblocks, sizeof(*s->block));
	if (s->block == NULL)
		return BENCH_ERR_NOMEM;
	for (b = 0; b < s->nblocks; b++) {
		while (
		    i + 1 < s->nsegs &&
		    s->segs[i + 1].soff <= (uint64_t)b << MMPROFP_BLOCK_SHIFT)
			i++;
		s->block[b] = (uint32_t)i;
	}
	return BENCH_OK;
}

/* Second walk: point each stream at its pages, or copy small pages. */
static int
assemble(struct mmprof_file *f, uint64_t end, struct bench_error *err)
{
	struct mmprofp_stream *s;
	uint64_t pos = 8, filled[3] = {0, 0, 0};
	size_t used[3] = {0, 0, 0};
	unsigned tag;
	uint32_t n;

	for (tag = 0; tag < 3; tag++) {
		s = &f->st[tag];
		if (s->npages == 0)
			continue;
		s->present = true;
		if (s->npages == 1)
			s->flat = f->data + s->first_page + 5;
		else if (s->len / s->npages < SMALL_PAGE) {
			s->owned = malloc((size_t)s->len);
			if (s->owned == NULL)
				goto nomem;
			s->flat = s->owned;
		} else {
			s->segs = mmprofp_reallocarray(
			    NULL, s->npages, sizeof(*s->segs));
			if (s->segs == NULL)
				goto nomem;
			s->nsegs = s->npages;
		}
	}
	while (pos < end) {
		tag = f->data[pos];
		n = mmprofp_le32(f->data + pos + 1);
		s = &f->st[tag];
		if (s->owned != NULL)
			memcpy(s->owned + filled[tag], f->data + pos + 5, n);
		else if (s->segs != NULL) {
			s->segs[used[tag]].soff = filled[tag];
			s->segs[used[tag]].p = f->data + pos + 5;
			s->segs[used[tag]].len = n;
			used[tag]++;
		}
		filled[tag] += n;
		pos += 5 + (uint64_t)n;
	}
	for (tag = 0; tag < 3; tag++) {
		s = &f->st[tag];
		if (s->segs != NULL && index_blocks(s) != BENCH_OK)
			goto nomem;
	}
	return BENCH_OK;
nomem:
	return bench_error_set(err, BENCH_ERR_NOMEM,
	    "out of memory assembling a %llu-byte stream",
	    (unsigned long long)s->len);
}

/* Check the 8-byte header of each stream (spec section 4). */
static int
check_streams(struct mmprof_file *f, struct bench_error *err)
{
	static const unsigned bits[3] = {MMPROF_PARTIAL_NO_EVENTS,
	    MMPROF_PARTIAL_NO_STRINGS, MMPROF_PARTIAL_NO_INDEX};
	struct mmprofp_stream *s;
	unsigned char tmp[8];
	const unsigned char *p;
	size_t hint = 0, rec;
	uint64_t body, rest;
	unsigned tag;

	for (tag = 0; tag < 3; tag++) {
		s = &f->st[tag];
		if (!s->present) {
			mmprofp_note(f, bits[tag], "the file has no %s stream",
			    stream_names[tag]);
			continue;
		}
		p = mmprofp_stream_at(s, 0, 8, tmp, &hint);
		if (p == NULL) {
			mmprofp_note(f, MMPROF_PARTIAL_RECORD | bits[tag],
			    "the %s stream (page at offset %llu) is shorter "
			    "than its header",
			    stream_names[tag],
			    (unsigned long long)s->first_page);
			stream_free(s);
			s->present = false;
			continue;
		}
		if (memcmp(p, stream_magics[tag], 4) != 0)
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "the %s stream (page at offset %llu) does not "
			    "start with %s",
			    stream_names[tag],
			    (unsigned long long)s->first_page,
			    stream_magics[tag]);
		if (mmprofp_le32(p + 4) != f->version)
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "the %s stream (page at offset %llu) has version "
			    "%u, the file %u",
			    stream_names[tag],
			    (unsigned long long)s->first_page,
			    mmprofp_le32(p + 4), f->version);
		if (tag == MMPROFP_STRDATA)
			continue;
		rec = tag == MMPROFP_EVENTS ? f->evsize : 2 * f->idw;
		body = s->len - 8;
		rest = body % rec;
		if (rest != 0)
			mmprofp_note(f, MMPROF_PARTIAL_RECORD,
			    "the %s stream ends %llu bytes into a record "
			    "(stream offset %llu)",
			    stream_names[tag], (unsigned long long)rest,
			    (unsigned long long)(s->len - rest));
		if (tag == MMPROFP_EVENTS)
			f->n_records = body / rec;
	}
	return BENCH_OK;
}

static int
open_common(struct mmprof_file *f, struct bench_error *err)
{
	uint64_t end = 8;
	int rc;

	if (f->size < 8)
		return bench_error_set(err, BENCH_ERR_TRUNCATED,
		    "file too short for a profile header (%zu bytes)", f->size);
	if (memcmp(f->data, "MMPD", 4) != 0)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "not a self-profile file: no MMPD magic at offset 0");
	f->version = mmprofp_le32(f->data + 4);
	if (f->version < MMPROF_VERSION_MIN || f->version > MMPROF_VERSION_MAX)
		return bench_error_set(err, BENCH_ERR_VERSION,
		    "format version %u at offset 4 is not supported "
		    "(only %d to %d)",
		    f->version, MMPROF_VERSION_MIN, MMPROF_VERSION_MAX);
	f->idw = f->version >= 9 ? 8 : 4;
	f->evsize = f->version >= 9 ? 32 : 24;
	rc = scan_pages(f, &end, err);
	if (rc != BENCH_OK)
		return rc;
	rc = assemble(f, end, err);
	if (rc != BENCH_OK)
		return rc;
	rc = check_streams(f, err);
	if (rc != BENCH_OK)
		return rc;
	f->open_partial = f->partial;
	memcpy(f->open_reason, f->reason, sizeof(f->reason));
	f->xstack =
	    mmprofp_reallocarray(NULL, MMPROF_MAX_DEPTH, sizeof(*f->xstack));
	if (f->xstack == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
	mmprofp_op_begin(f);
	return BENCH_OK;
}

/* Read a file that cannot be mapped (a pipe) into memory. */
static int
slurp(int fd, unsigned char **out, size_t *size, struct bench_error *err)
{
	unsigned char *p = NULL, *np;
	size_t len = 0, cap = 0;
	ssize_t r;

	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 1 << 20 : cap * 2;
			np = realloc(p, cap);
			if (np == NULL) {
				free(p);
				return bench_error_set(err, BENCH_ERR_NOMEM,
				    "out of memory reading %zu bytes", len);
			}
			p = np;
		}
		r = read(fd, p + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return bench_error_set(err, BENCH_ERR_IO,
			    "read at offset %zu: %s", len, strerror(errno));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = p;
	*size = len;
	return BENCH_OK;
}

static int
open_path(const char *path, int advice, struct mmprof_file **out,
    struct bench_error *err)
{
	struct mmprof_file *f = NULL;
	struct stat sb;
	unsigned char *copy = NULL;
	size_t size = 0;
	void *map;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_error_set(
		    err, BENCH_ERR_IO, "open: %s", strerror(errno));
	if (fstat(fd, &sb) != 0) {
		rc = bench_error_set(
		    err, BENCH_ERR_IO, "fstat: %s", strerror(errno));
		close(fd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = slurp(fd, &copy, &size, err);
		close(fd);
		if (rc != BENCH_OK)
			return rc;
		rc = mmprof_open_mem(copy, size, &f, err);
		if (rc != BENCH_OK) {
			free(copy);
			return rc;
		}
		f->copy = copy;
		*out = f;
		return BENCH_OK;
	}
	if (sb.st_size < 8 || (uint64_t)sb.st_size > SIZE_MAX) {
		close(fd);
		return bench_error_set(err, BENCH_ERR_TRUNCATED,
		    "file too short for a profile header (%lld bytes)",
		    (long long)sb.st_size);
	}
	size = (size_t)sb.st_size;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return bench_error_set(
		    err, BENCH_ERR_IO, "mmap: %s", strerror(errno));
	if (advice >= 0)
		(void)madvise(map, size, advice);
	rc = mmprof_open_mem(map, size, &f, err);
	if (rc != BENCH_OK) {
		munmap(map, size);
		return rc;
	}
	f->map = map;
	*out = f;
	return BENCH_OK;
}

/* Open the profile at path; see mmprof.h. */
int
mmprof_open(const char *path, struct mmprof_file **out, struct bench_error *err)
{
	return open_path(path, -1, out, err);
}

/* Open a profile held in memory; see mmprof.h. */
int
mmprof_open_mem(const void *data, size_t size, struct mmprof_file **out,
    struct bench_error *err)
{
	struct mmprof_file *f;
	int rc;

	*out = NULL;
	if (data == NULL && size != 0)
		return bench_error_set(err, BENCH_ERR_INVALID, "no data");
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
	f->data = data;
	f->size = size;
	rc = open_common(f, err);
	if (rc != BENCH_OK) {
		mmprof_close(f);
		return rc;
	}
	*out = f;
	return BENCH_OK;
}

/* Close f; see mmprof.h. */
void
mmprof_close(struct mmprof_file *f)
{
	unsigned tag;

	if (f == NULL)
		return;
	for (tag = 0; tag < 3; tag++)
		stream_free(&f->st[tag]);
	mmprofp_map_fini(&f->index);
	free(f->vaddr);
	f->vaddr = NULL;
	free(f->raw.p);
	f->raw.p = NULL;
	free(f->clean.p);
	f->clean.p = NULL;
	free(f->xstack);
	f->xstack = NULL;
	if (f->map != NULL)
		munmap(f->map, f->size);
	f->map = NULL;
	free(f->copy);
	f->copy = NULL;
	free(f);
}

/* File format version of f. */
uint32_t
mmprof_version(const struct mmprof_file *f)
{
	return f->version;
}

/* Partial bits of the last operation; see mmprof.h. */
unsigned
mmprof_partial(const struct mmprof_file *f, const char **reason)
{
	if (reason != NULL)
		*reason = f->reason;
	return f->partial;
}

/* Static name of a partial bit. */
const char *
mmprof_partial_name(unsigned bit)
{
	switch (bit) {
	case MMPROF_PARTIAL_TRUNCATED:
		return "truncated";
	case MMPROF_PARTIAL_NO_EVENTS:
		return "no-events";
	case MMPROF_PARTIAL_NO_STRINGS:
		return "no-strings";
	case MMPROF_PARTIAL_NO_INDEX:
		return "no-index";
	case MMPROF_PARTIAL_RECORD:
		return "partial-record";
	case MMPROF_PARTIAL_STRINGS:
		return "bad-strings";
	case MMPROF_PARTIAL_EVENTS:
		return "bad-events";
	case MMPROF_PARTIAL_BUDGET:
		return "string-budget";
	case MMPROF_PARTIAL_METADATA:
		return "no-metadata";
	default:
		return "unknown";
	}
}

/* --------------------------------------------------------- string table */

/*
 * Build the virtual id -> address table from the string index (section 7);
 * a later entry for the same id wins.
 */
int
mmprofp_build_index(struct mmprof_file *f)
{
	const struct mmprofp_stream *s = &f->st[MMPROFP_STRINDEX];
	const unsigned char *p;
	unsigned char tmp[16];
	size_t hint = 0, ent = 2 * f->idw;
	uint64_t i, n, id, addr, nvirt = 0, maxv = 0, *slot;
	bool created;

	if (f->index_built)
		return BENCH_OK;
	n = s->present ? (s->len - 8) / ent : 0;
	for (i = 0; i < n; i++) {
		p = mmprofp_stream_at(s, 8 + i * ent, ent, tmp, &hint);
		if (p == NULL)
			break;
		id = mmprofp_le_id(f, p);
		if (id <= MMPROFP_MAX_VIRTUAL_ID) {
			nvirt++;
			if (id > maxv)
				maxv = id;
		}
	}
	if (nvirt > 0 && maxv < 4 * nvirt + 4096) {
		f->vaddr = calloc((size_t)maxv + 1, sizeof(*f->vaddr));
		if (f->vaddr == NULL)
			return BENCH_ERR_NOMEM;
		mmprofp_advise_huge(
		    f->vaddr, ((size_t)maxv + 1) * sizeof(*f->vaddr));
		f->nvaddr = maxv + 1;
	} else if (mmprofp_map_init(&f->index, (size_t)nvirt) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		p = mmprofp_stream_at(s, 8 + i * ent, ent, tmp, &hint);
		if (p == NULL)
			break;
		id = mmprofp_le_id(f, p);
		addr = mmprofp_le_id(f, p + f->idw);
		if (id == MMPROFP_METADATA_ID) {
			f->has_meta = true;
			f->meta_addr = addr;
		} else if (id > MMPROFP_MAX_VIRTUAL_ID)
			continue; /* never looked up */
		else if (f->vaddr != NULL)
			f->vaddr[id] = addr == UINT64_MAX ? addr : addr + 1;
		else {
			slot = mmprofp_map_slot(&f->index, id, &created);
			if (slot == NULL)
				return BENCH_ERR_NOMEM;
			*slot = addr;
		}
	}
	f->index_built = true;
	return BENCH_OK;
}

enum resolved { RES_OK, RES_UNKNOWN, RES_BAD };

/* Address of the string id (spec section 5). */
static int
resolve(struct mmprof_file *f, uint64_t id, uint64_t *addr)
{
	const struct mmprofp_stream *s = &f->st[MMPROFP_STRDATA];
	uint64_t *v;

	if (id <= MMPROFP_METADATA_ID) {
		if (!f->index_built && mmprofp_build_index(f) != BENCH_OK)
			return -1;
		if (id == MMPROFP_METADATA_ID) {
			if (!f->has_meta)
				return RES_UNKNOWN;
			*addr = f->meta_addr;
		} else if (f->vaddr != NULL) {
			if (id >= f->nvaddr || f->vaddr[id] == 0)
				return RES_UNKNOWN;
			*addr = f->vaddr[id] - 1;
		} else {
			v = mmprofp_map_get(&f->index, id);
			if (v == NULL)
				return RES_UNKNOWN;
			*addr = *v;
		}
	} else if (id == MMPROFP_INVALID_ID)
		return RES_UNKNOWN;
	else
		*addr = id - MMPROFP_FIRST_REGULAR;
	if (!s->present)
		return RES_UNKNOWN;
	if (*addr < 8 || *addr >= s->len) {
		mmprofp_note(f, MMPROF_PARTIAL_STRINGS,
		    "string id %llu points to address %llu, outside the "
		    "string data (%llu bytes)",
		    (unsigned long long)id, (unsigned long long)*addr,
		    (unsigned long long)s->len);
		return RES_BAD;
	}
	return RES_OK;
}

/* Append to the raw expansion, within MMPROF_MAX_STRING; false when full. */
static bool
raw_add(struct mmprof_file *f, const void *p, size_t n, uint64_t addr)
{
	size_t room = MMPROF_MAX_STRING - f->raw.len;
	bool fits = n <= room;

	if (!fits) {
		n = room;
		mmprofp_note(f, MMPROF_PARTIAL_STRINGS,
		    "string at address %llu is longer than %d bytes: cut",
		    (unsigned long long)addr, MMPROF_MAX_STRING);
	}
	memcpy(f->raw.p + f->raw.len, p, n);
	f->raw.len += n;
	return fits;
}

/*
 * Length of the literal at p[0..avail) (p[0] is part of it): up to the
 * first 0xFE or 0xFF byte, looked for 8 bytes at a time: a byte is 0xFE or
 * 0xFF when ~(b | 1) is zero, and the zero-byte test is exact.
 */
static size_t
literal_len(const unsigned char *p, size_t avail)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t x, z;
	size_t k = 1;

	for (; k + 8 <= avail; k += 8) {
		memcpy(&x, p + k, 8);
		x = ~(x | ones);
		z = (x - ones) & ~x & (ones << 7);
		if (z != 0)
			break; /* it is in p[k..k+8) */
	}
	for (; k < avail && p[k] < 0xFE; k++)
		;
	return k;
}

/*
 * Expand the string at addr into f->raw (spec section 6): components are
 * followed with an explicit stack of at most MMPROF_MAX_DEPTH addresses, so
 * cycles and deep chains end in "<invalid>", and every component and byte
 * is charged to f->budget.
 */
static int
expand_addr(struct mmprof_file *f, uint64_t addr)
{
	const struct mmprofp_stream *s = &f->st[MMPROFP_STRDATA];
	const unsigned char *p;
	unsigned char tmp[9];
	size_t depth = 0, avail, k;
	size_t *hint = &f->shint;
	uint64_t pos, rid, raddr;
	int r;

	f->xstack[depth++] = addr;
	while (depth > 0) {
		pos = f->xstack[depth - 1];
		if (f->budget == 0) {
			mmprofp_note(f, MMPROF_PARTIAL_BUDGET,
			    "string work budget exhausted at address %llu",
			    (unsigned long long)pos);
			raw_add(
			    f, INVALID_TEXT, sizeof(INVALID_TEXT) - 1, addr);
			return BENCH_OK;
		}
		f->budget--;
		p = stream_span(s, pos, &avail, hint);
		if (p == NULL) {
			mmprofp_note(f, MMPROF_PARTIAL_STRINGS,
			    "string at address %llu runs past the end of the "
			    "string data",
			    (unsigned long long)addr);
			if (!raw_add(f, INVALID_TEXT, sizeof(INVALID_TEXT) - 1,
			        addr))
				return BENCH_OK;
			depth--;
			continue;
		}
		if (p[0] == 0xFF) {
			depth--;
			continue;
		}
		if (p[0] == 0xFE) {
			p = mmprofp_stream_at(s, pos, 1 + f->idw, tmp, hint);
			if (p == NULL) {
				f->xstack[depth - 1] = s->len;
				continue;
			}
			rid = mmprofp_le_id(f, p + 1);
			f->xstack[depth - 1] = pos + 1 + f->idw;
			r = resolve(f, rid, &raddr);
			if (r < 0)
				return BENCH_ERR_NOMEM;
			if (r == RES_OK && depth == MMPROF_MAX_DEPTH) {
				mmprofp_note(f, MMPROF_PARTIAL_STRINGS,
				    "string references nested more than %d "
				    "deep at address %llu",
				    MMPROF_MAX_DEPTH, (unsigned long long)pos);
				r = RES_BAD;
			}
			if (r == RES_OK)
				f->xstack[depth++] = raddr;
			else if (!raw_add(f,
			             r == RES_BAD ? INVALID_TEXT : UNKNOWN_TEXT,
			             r == RES_BAD ? sizeof(INVALID_TEXT) - 1
			                          : sizeof(UNKNOWN_TEXT) - 1,
			             addr))
				return BENCH_OK;
			continue;
		}
		k = literal_len(p, avail);
		f->budget = f->budget > k ? f->budget - k : 0;
		f->xstack[depth - 1] = pos + k;
		if (!raw_add(f, p, k, addr))
			return BENCH_OK;
	}
	return BENCH_OK;
}

/* Is p[0..n) all ASCII?  (Tested a word at a time.) */
static bool
all_ascii(const char *p, size_t n)
{
	uint64_t w, acc = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)p[i];
	return (acc & 0x8080808080808080ULL) == 0;
}

/* The expansion, with invalid UTF-8 replaced (ASCII needs no copy). */
static int
clean_raw(struct mmprof_file *f, char **s, size_t *len)
{
	if (all_ascii(f->raw.p, f->raw.len)) {
		f->raw.p[f->raw.len] = '\0';
		*s = f->raw.p;
		*len = f->raw.len;
		return BENCH_OK;
	}
	f->clean.len = 0;
	if (mmprofp_buf_reserve(&f->clean, 3 * f->raw.len) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	f->clean.len = mmprofp_utf8_clean(
	    f->clean.p, (const unsigned char *)f->raw.p, f->raw.len);
	/*
	 * Each invalid byte became three: keep the promise that no string
	 * is longer than MMPROF_MAX_STRING, cutting at a character boundary.
	 */
	if (f->clean.len > MMPROF_MAX_STRING) {
		f->clean.len = MMPROF_MAX_STRING;
		while (f->clean.len > 0 &&
		       ((unsigned char)f->clean.p[f->clean.len] & 0xC0) == 0x80)
			f->clean.len--;
	}
	f->clean.p[f->clean.len] = '\0';
	*s = f->clean.p;
	*len = f->clean.len;
	return BENCH_OK;
}

static int
raw_begin(struct mmprof_file *f)
{
	f->raw.len = 0;
	return mmprofp_buf_reserve(&f->raw, MMPROF_MAX_STRING);
}

/*
 * Expand string id into a NUL-terminated, valid UTF-8 scratch string (valid
 * until the next call); *unknown is set when id itself does not resolve.
 */
int
mmprofp_string(
    struct mmprof_file *f, uint64_t id, char **s, size_t *len, bool *unknown)
{
	uint64_t addr;
	int r;

	*unknown = false;
	if (raw_begin(f) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	r = resolve(f, id, &addr);
	if (r < 0)
		return BENCH_ERR_NOMEM;
	if (r == RES_UNKNOWN) {
		*unknown = true;
		raw_add(f, UNKNOWN_TEXT, sizeof(UNKNOWN_TEXT) - 1, 0);
	} else if (r == RES_BAD)
		raw_add(f, INVALID_TEXT, sizeof(INVALID_TEXT) - 1, 0);
	else if (expand_addr(f, addr) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	return clean_raw(f, s, len);
}

/*
 * The shape of event id `id`, read without expanding it (most rustc event
 * ids have one of the first two): 1 if its string is a reference to the
 * label alone (FE L FF), 2 if the label reference is followed by a separator
 * and a reference to the first argument (FE L 1E FE K, then FF or 1E); 0
 * for any other string (to be expanded), -1 if id does not resolve, and
 * BENCH_ERR_NOMEM.
 */
int
mmprofp_event_refs(
    struct mmprof_file *f, uint64_t id, uint64_t *lref, uint64_t *kref)
{
	const struct mmprofp_stream *s = &f->st[MMPROFP_STRDATA];
	const unsigned char *p;
	unsigned char tmp[20];
	unsigned w = f->idw;
	uint64_t addr;
	size_t n = 2 * (1 + w) + 2;
	int r;

	r = resolve(f, id, &addr);
	if (r < 0)
		return BENCH_ERR_NOMEM;
	if (r == RES_UNKNOWN)
		return -1;
	if (r == RES_BAD)
		return 0;
	if (n > s->len - addr)
		n = (size_t)(s->len - addr);
	if (n < 2 + w)
		return 0;
	p = mmprofp_stream_at(s, addr, n, tmp, &f->shint);
	if (p == NULL || p[0] != 0xFE)
		return 0;
	*lref = mmprofp_le_id(f, p + 1);
	if (p[1 + w] == 0xFF)
		return 1;
	if (p[1 + w] != 0x1E || n < 2 * (1 + w) + 2 || p[2 + w] != 0xFE)
		return 0;
	*kref = mmprofp_le_id(f, p + 3 + w);
	return p[3 + 2 * w] == 0xFF || p[3 + 2 * w] == 0x1E ? 2 : 0;
}

/*
 * The bytes at the address of string id, *avail of them contiguous, or NULL
 * if id does not resolve; unlike mmprofp_string() this notes nothing and
 * charges nothing (it serves to prefetch).
 */
const unsigned char *
mmprofp_string_peek(
    const struct mmprof_file *f, uint64_t id, size_t *avail, size_t *hint)
{
	const struct mmprofp_stream *s = &f->st[MMPROFP_STRDATA];
	const uint64_t *v;
	uint64_t addr;

	if (id <= MMPROFP_MAX_VIRTUAL_ID) {
		if (f->vaddr != NULL) {
			if (id >= f->nvaddr || f->vaddr[id] == 0)
				return NULL;
			addr = f->vaddr[id] - 1;
		} else {
			v = mmprofp_map_get(&f->index, id);
			if (v == NULL)
				return NULL;
			addr = *v;
		}
	} else if (id < MMPROFP_FIRST_REGULAR)
		return NULL;
	else
		addr = id - MMPROFP_FIRST_REGULAR;
	if (addr < 8)
		return NULL;
	return stream_span(s, addr, avail, hint);
}

static bool
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return true;
	return false;
}

/*
 * Split an event id in place (spec section 9): "label(\x1Earg)*".  A label
 * that is empty or holds an ASCII control character becomes
 * "<parse error>" without arguments; a bad argument ends the arguments.
 * Returns the number of arguments stored (at most max_args).
 */
size_t
mmprofp_split(
    char *s, size_t len, const char **label, const char **args, size_t max_args)
{
	char *sep;
	size_t pos, end, n = 0;

	sep = memchr(s, 0x1E, len);
	end = sep == NULL ? len : (size_t)(sep - s);
	if (end == 0 || has_control(s, end)) {
		*label = PARSE_ERROR_TEXT;
		return 0;
	}
	*label = s;
	pos = end;
	while (pos < len) {
		s[pos++] = '\0'; /* the separator */
		sep = memchr(s + pos, 0x1E, len - pos);
		end = sep == NULL ? len : (size_t)(sep - s);
		if (end == pos || has_control(s + pos, end - pos))
			break;
		if (n < max_args)
			args[n++] = s + pos;
		pos = end;
	}
	return n;
}

/*
 * Text of the metadata string (spec section 8), through the index, else
 * guessed at address 8 (where rustc writes it first) if it looks like a
 * JSON object.
 */
int
mmprofp_metadata_text(struct mmprof_file *f, const char **s, size_t *len,
    bool *guessed, struct bench_error *err)
{
	const struct mmprofp_stream *ix = &f->st[MMPROFP_STRINDEX];
	const struct mmprofp_stream *sd = &f->st[MMPROFP_STRDATA];
	const unsigned char *p;
	unsigned char tmp[16];
	size_t hint = 0, dhint = 0, ent = 2 * f->idw;
	uint64_t i, n, addr = 0;
	bool found = false;

	*guessed = false;
	if (!sd->present) {
		mmprofp_note(f, MMPROF_PARTIAL_METADATA,
		    "no metadata string: no string data");
		return bench_error_set(err, BENCH_ERR_TRUNCATED,
		    "no metadata string: the file has no string data");
	}
	if (f->index_built) {
		addr = f->meta_addr;
		found = f->has_meta;
	} else if (ix->present) {
		/* Only this entry is needed: scan rather than build. */
		n = (ix->len - 8) / ent;
		for (i = 0; i < n && !found; i++) {
			p = mmprofp_stream_at(ix, 8 + i * ent, ent, tmp, &hint);
			if (p != NULL &&
			    mmprofp_le_id(f, p) == MMPROFP_METADATA_ID) {
				addr = mmprofp_le_id(f, p + f->idw);
				found = true;
			}
		}
	}
	if (!found) {
		p = mmprofp_stream_at(sd, 8, 1, tmp, &dhint);
		if (p == NULL || p[0] != '{') {
			mmprofp_note(f, MMPROF_PARTIAL_METADATA,
			    "no metadata string: %s",
			    ix->present ? "not in the string index"
			                : "no string index");
			return bench_error_set(err, BENCH_ERR_TRUNCATED,
			    "no metadata string: %s",
			    ix->present ? "not in the string index"
			                : "the file has no string index");
		}
		addr = 8;
		*guessed = true;
	}
	if (addr < 8 || addr >= sd->len) {
		mmprofp_note(f, MMPROF_PARTIAL_METADATA,
		    "metadata address %llu is outside the string data",
		    (unsigned long long)addr);
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "metadata address %llu is outside the string data "
		    "(%llu bytes)",
		    (unsigned long long)addr, (unsigned long long)sd->len);
	}
	if (raw_begin(f) != BENCH_OK || expand_addr(f, addr) != BENCH_OK ||
	    clean_raw(f, (char **)s, len) != BENCH_OK)
		return bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
	return BENCH_OK;
}

/* ----------------------------------------------------------------- events */

/* Walk all events in file order; see mmprof.h. */
int
mmprof_foreach_event(struct mmprof_file *f, mmprof_event_fn fn, void *arg,
    struct bench_error *err)
{
	const struct mmprofp_stream *es = &f->st[MMPROFP_EVENTS];
	struct mmprofp_buf pool = {NULL, 0, 0};
	struct mmprofp_strtab kinds;
	struct mmprofp_map kmap;
	struct mmprofp_raw r;
	struct mmprof_event ev;
	const char *args[MAX_ARGS];
	char *s;
	const unsigned char *p;
	unsigned char tmp[32];
	size_t hint = 0, len;
	uint64_t i, *slot;
	uint32_t kidx;
	bool created, unknown;
	int rc = BENCH_OK;

	mmprofp_op_begin(f);
	mmprofp_strtab_init(&kinds, &pool);
	if (mmprofp_map_init(&kmap, 16) != BENCH_OK)
		return bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
	for (i = 0; i < f->n_records; i++) {
		p = mmprofp_stream_at(
		    es, 8 + i * f->evsize, f->evsize, tmp, &hint);
		if (p == NULL)
			break;
		mmprofp_decode(f, p, &r);
		memset(&ev, 0, sizeof(ev));
		ev.offset = 8 + i * f->evsize;
		ev.thread = r.thread;
		if (r.v2 == MMPROFP_V_INSTANT) {
			ev.type = MMPROF_EVENT_INSTANT;
			ev.start = ev.end = r.v1;
		} else if (r.v2 == MMPROFP_V_INTEGER) {
			ev.type = MMPROF_EVENT_INTEGER;
			ev.value = r.v1;
		} else if (r.v1 > r.v2) {
			mmprofp_note(f, MMPROF_PARTIAL_EVENTS,
			    "interval ends before it starts (event stream "
			    "offset %llu)",
			    (unsigned long long)ev.offset);
			continue;
		} else {
			ev.type = MMPROF_EVENT_INTERVAL;
			ev.start = r.v1;
			ev.end = r.v2;
		}
		slot = mmprofp_map_slot(&kmap, r.kind, &created);
		if (slot == NULL)
			goto nomem;
		if (created) {
			if (mmprofp_string(f, r.kind, &s, &len, &unknown) !=
			        BENCH_OK ||
			    mmprofp_strtab_intern(
			        &kinds, s, len, &kidx, &created) != BENCH_OK)
				goto nomem;
			*slot = kidx;
		}
		if (mmprofp_string(f, r.id, &s, &len, &unknown) != BENCH_OK)
			goto nomem;
		ev.n_args = mmprofp_split(s, len, &ev.label, args, MAX_ARGS);
		ev.args = args;
		ev.kind = mmprofp_strtab_str(&kinds, (uint32_t)*slot);
		rc = fn(&ev, arg);
		if (rc != 0)
			break;
	}
	goto out;
nomem:
	rc = bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
out:
	mmprofp_map_fini(&kmap);
	mmprofp_strtab_fini(&kinds);
	free(pool.p);
	return rc;
}

/* ---------------------------------------------------------------- identity */

/* Identity of f; see mmprof.h. */
int
mmprof_identity_get(struct mmprof_file *f, struct mmprof_identity **out,
    struct bench_error *err)
{
	const char *s;
	size_t len;
	bool guessed;
	int rc;

	*out = NULL;
	mmprofp_op_begin(f);
	rc = mmprofp_metadata_text(f, &s, &len, &guessed, err);
	if (rc != BENCH_OK)
		return rc;
	rc = mmprofp_identity_parse(s, len, f->version, guessed, out, err);
	if (rc != BENCH_OK)
		mmprofp_note(f, MMPROF_PARTIAL_METADATA, "%s",
		    err != NULL ? err->text : "bad metadata");
	return rc;
}

/* Identity of the profile at path; see mmprof.h. */
int
mmprof_read_identity(
    const char *path, struct mmprof_identity **out, struct bench_error *err)
{
	struct mmprof_file *f;
	int rc;

	*out = NULL;
	rc = open_path(path, MADV_RANDOM, &f, err);
	if (rc != BENCH_OK)
		return rc;
	rc = mmprof_identity_get(f, out, err);
	mmprof_close(f);
	return rc;
}
