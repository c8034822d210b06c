/*
 * mmprof-int.h: internals shared by the files of the profile reader.
 * Cross-file private names carry the mmprofp_ prefix.
 */
#ifndef BENCH_PROFILE_MMPROF_INT_H
#define BENCH_PROFILE_MMPROF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmprof.h"

/* String id ranges (format spec section 5). */
#define MMPROFP_MAX_VIRTUAL_ID 100000000ULL
#define MMPROFP_METADATA_ID    100000001ULL
#define MMPROFP_INVALID_ID     100000002ULL
#define MMPROFP_FIRST_REGULAR  100000003ULL

#define MMPROFP_NONE UINT32_MAX

/* Page tags, which are also the indexes of struct mmprof_file.st[]. */
enum mmprofp_tag {
	MMPROFP_EVENTS = 0,
	MMPROFP_STRDATA = 1,
	MMPROFP_STRINDEX = 2
};

#if defined(__GNUC__)
#define MMPROFP_PREFETCH(p) __builtin_prefetch(p)
#else
#define MMPROFP_PREFETCH(p) ((void)(p))
#endif

/* ------------------------------------------------------- mmprof-util.c */

/* Hash map from u64 to u64 (open addressing, keyed hash). */
struct mmprofp_map_entry {
	uint64_t key;
	uint64_t val;
};

struct mmprofp_map {
	struct mmprofp_map_entry *e; /* cap entries; key UINT64_MAX = empty */
	size_t cap;                  /* 0 or a power of two */
	size_t n;     /* entries used, the UINT64_MAX key aside */
	uint64_t k0;  /* hash key */
	bool has_max; /* the key UINT64_MAX is stored aside */
	uint64_t max_val;
};

static inline uint64_t
mmprofp_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDULL;
	x ^= x >> 33;
	x *= 0xC4CEB9FE1A85EC53ULL;
	x ^= x >> 33;
	return x;
}

/* The slot where key is or would be stored (cap must not be 0). */
static inline const struct mmprofp_map_entry *
mmprofp_map_where(const struct mmprofp_map *m, uint64_t key)
{
	return &m->e[mmprofp_mix64(key ^ m->k0) & (m->cap - 1)];
}

/* Start loading that slot.  A macro: GCC deletes calls to a function
 * whose only effect is a prefetch, taking it for a const function. */
#define MMPROFP_MAP_PREFETCH(m, key)                                           \
	do {                                                                   \
		if ((m)->cap != 0)                                             \
			MMPROFP_PREFETCH(mmprofp_map_where((m), (key)));       \
	} while (0)

int mmprofp_map_init(struct mmprofp_map *m, size_t hint);
void mmprofp_map_fini(struct mmprofp_map *m);
uint64_t *mmprofp_map_get(const struct mmprofp_map *m, uint64_t key);
uint64_t *mmprofp_map_slot(struct mmprofp_map *m, uint64_t key, bool *created);

/* Growable byte buffer, also the string pool of results. */
struct mmprofp_buf {
	char *p;
	size_t len;
	size_t cap;
};

int mmprofp_buf_reserve(struct mmprofp_buf *b, size_t more);
int mmprofp_buf_add(struct mmprofp_buf *b, const void *p, size_t n);

/* Interning table of strings kept NUL-terminated in a shared pool. */
struct mmprofp_strrec {
	size_t off;
	size_t len;
	uint64_t hash;
};

struct mmprofp_strtab {
	struct mmprofp_buf *pool;
	struct mmprofp_strrec *recs;
	size_t n;
	size_t nrecs_cap;
	uint64_t *slots; /* record index + 1 | hash tag; 0 = empty */
	size_t nslots;
	uint64_t k0, k1;
};

int mmprofp_strtab_init(struct mmprofp_strtab *t, struct mmprofp_buf *pool);
void mmprofp_strtab_fini(struct mmprofp_strtab *t);
int mmprofp_strtab_intern(struct mmprofp_strtab *t, const char *s, size_t len,
    uint32_t *idx, bool *created);
const char *mmprofp_strtab_str(const struct mmprofp_strtab *t, uint32_t idx);

void mmprofp_advise_huge(void *p, size_t n);
size_t mmprofp_utf8_clean(char *dst, const unsigned char *src, size_t n);
void *mmprofp_reallocarray(void *p, size_t n, size_t size);

/* --------------------------------------------- for tests and the fuzzer */

/*
 * Two entry points of the reader that the program does not need (it reads
 * files, and summaries rather than events) but its tests and the fuzzer do.
 */

/* The three kinds of event record. */
enum mmprof_event_type {
	MMPROF_EVENT_INTERVAL = 0,
	MMPROF_EVENT_INSTANT = 1,
	MMPROF_EVENT_INTEGER = 2
};

/* One decoded event, borrowed for the duration of a callback. */
struct mmprof_event {
	uint64_t offset; /* offset of the record in the event stream */
	enum mmprof_event_type type;
	const char *kind;  /* "Query", ...; "<unknown>" if unresolved */
	const char *label; /* "<unknown>" or "<parse error>" when bad */
	size_t n_args;     /* arguments, in order (at most 64 are kept) */
	const char *const *args;
	uint32_t thread;
	uint64_t start; /* interval start or instant time; 0 for integers */
	uint64_t end;   /* interval end or instant time; 0 for integers */
	uint64_t value; /* integer events: the value; 0 otherwise */
};

/* Called for each event; a non-zero return stops the iteration. */
typedef int (*mmprof_event_fn)(const struct mmprof_event *ev, void *arg);

/*
 * Open a profile held in memory (data is borrowed and must outlive the
 * handle); failure as for mmprof_open().
 */
int mmprof_open_mem(const void *data, size_t size, struct mmprof_file **out,
    struct bench_error *err);

/*
 * Call fn for every event of f in file order; return 0, the callback's
 * non-zero value if it stopped the walk, or a negative enum bench_status.
 */
int mmprof_foreach_event(struct mmprof_file *f, mmprof_event_fn fn, void *arg,
    struct bench_error *err);

/* ------------------------------------------------------- mmprof-file.c */

static inline uint32_t
mmprofp_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t
mmprofp_le64(const unsigned char *p)
{
	return (uint64_t)mmprofp_le32(p) | (uint64_t)mmprofp_le32(p + 4) << 32;
}

#define MMPROFP_BLOCK_SHIFT 12 /* block size of mmprofp_stream.block */

/* A run of stream bytes held contiguously in the file. */
struct mmprofp_seg {
	uint64_t soff; /* stream offset of p[0] */
	const unsigned char *p;
	size_t len;
};

/* One reassembled stream (format spec section 3). */
struct mmprofp_stream {
	bool present;
	uint64_t len;              /* stream length, 8-byte header included */
	const unsigned char *flat; /* all bytes, if contiguous, else NULL */
	unsigned char *owned;      /* flat, when it is a copy */
	struct mmprofp_seg *segs;  /* else the runs, in stream order */
	size_t nsegs;
	uint32_t *block; /* segs: page of each block's first byte, or NULL */
	size_t nblocks;
	size_t npages;
	uint64_t first_page; /* file offset of its first page */
};

/* A decoded event record (format spec section 9). */
struct mmprofp_raw {
	uint64_t kind;
	uint64_t id;
	uint32_t thread;
	uint64_t v1;
	uint64_t v2;
};

#define MMPROFP_V_INSTANT 0xFFFFFFFFFFFFULL
#define MMPROFP_V_INTEGER 0xFFFFFFFFFFFEULL

struct mmprof_file {
	const unsigned char *data;
	size_t size;
	void *map;           /* our mmap of data, or NULL */
	unsigned char *copy; /* our copy of data (read from a pipe), or NULL */
	uint32_t version;
	unsigned idw;    /* string id width: 4 (v8) or 8 (v9) */
	unsigned evsize; /* event record size: 24 (v8) or 32 (v9) */
	struct mmprofp_stream st[3];
	uint64_t n_records; /* complete event records */

	unsigned open_partial; /* damage found by mmprof_open() */
	char open_reason[160];

	/* State of the current operation (reset by mmprofp_op_begin()). */
	unsigned partial;
	char reason[160];
	uint64_t budget; /* string work left */

	/* The string index (built on first use).  Virtual ids are usually
	 * dense small integers (rustc numbers query invocations), so they go
	 * into an array when that costs at most a few words per entry, else
	 * into a hash map. */
	bool index_built;
	uint64_t *vaddr;          /* address + 1 per virtual id; 0 = absent */
	uint64_t nvaddr;          /* length of vaddr (0: the map is used) */
	struct mmprofp_map index; /* virtual id -> address */
	bool has_meta;
	uint64_t meta_addr;
	size_t shint; /* page hint in the string data */

	/* Scratch for string expansion. */
	struct mmprofp_buf raw;   /* expanded bytes */
	struct mmprofp_buf clean; /* after UTF-8 repair */
	uint64_t *xstack;         /* pending string addresses */
};

/* A string id at p (4 bytes in v8, 8 in v9). */
static inline uint64_t
mmprofp_le_id(const struct mmprof_file *f, const unsigned char *p)
{
	return f->idw == 8 ? mmprofp_le64(p) : mmprofp_le32(p);
}

/* Decode one event record (spec sections 9 and 10). */
static inline void
mmprofp_decode(
    const struct mmprof_file *f, const unsigned char *p, struct mmprofp_raw *r)
{
	unsigned w = f->idw;
	uint32_t p1, p2, hi;

	r->kind = mmprofp_le_id(f, p);
	r->id = mmprofp_le_id(f, p + w);
	r->thread = mmprofp_le32(p + 2 * w);
	p1 = mmprofp_le32(p + 2 * w + 4);
	p2 = mmprofp_le32(p + 2 * w + 8);
	hi = mmprofp_le32(p + 2 * w + 12);
	r->v1 = (uint64_t)p1 | ((uint64_t)(hi & 0xFFFF0000u) << 16);
	r->v2 = (uint64_t)p2 | ((uint64_t)(hi & 0x0000FFFFu) << 32);
}

void mmprofp_note(struct mmprof_file *f, unsigned bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mmprofp_op_begin(struct mmprof_file *f);
int mmprofp_build_index(struct mmprof_file *f);
const unsigned char *mmprofp_stream_slow(const struct mmprofp_stream *s,
    uint64_t off, size_t n, unsigned char *tmp, size_t *hint);

/*
 * Pointer to n >= 1 contiguous bytes at stream offset off, copied into tmp
 * when they straddle pages; NULL if they are not all in the stream.  *hint
 * caches the last page used, so that walks in either direction are cheap:
 * bytes in that page are found here, anything else out of line.
 */
static inline const unsigned char *
mmprofp_stream_at(const struct mmprofp_stream *s, uint64_t off, size_t n,
    unsigned char *tmp, size_t *hint)
{
	const struct mmprofp_seg *g;
	uint64_t rel;

	if (s->flat != NULL) {
		if (off <= s->len && n <= s->len - off && n != 0)
			return s->flat + off;
	} else if (*hint < s->nsegs) {
		g = &s->segs[*hint];
		rel = off - g->soff;
		if (off >= g->soff && rel < g->len && n != 0 &&
		    n <= g->len - rel)
			return g->p + rel;
	}
	return mmprofp_stream_slow(s, off, n, tmp, hint);
}
int mmprofp_string(
    struct mmprof_file *f, uint64_t id, char **s, size_t *len, bool *unknown);
const unsigned char *mmprofp_string_peek(
    const struct mmprof_file *f, uint64_t id, size_t *avail, size_t *hint);
int mmprofp_event_refs(
    struct mmprof_file *f, uint64_t id, uint64_t *lref, uint64_t *kref);
size_t mmprofp_split(char *s, size_t len, const char **label, const char **args,
    size_t max_args);
int mmprofp_metadata_text(struct mmprof_file *f, const char **s, size_t *len,
    bool *guessed, struct bench_error *err);

/* ------------------------------------------------------- mmprof-meta.c */

int mmprofp_identity_parse(const char *text, size_t len, uint32_t version,
    bool guessed, struct mmprof_identity **out, struct bench_error *err);

#endif /* BENCH_PROFILE_MMPROF_INT_H */
