/*
 * mmprof-summary.c: what measureme's `summarize` computes (format spec
 * section 11), plus wall time, per-thread figures and self time per item.
 *
 * Events are walked from the last record to the first, so that a parent
 * interval (written when it ends) is met before its children; each thread
 * keeps a stack of the intervals that may still contain later ones.  Every
 * event id is expanded and split once: a memo maps it to its interned label
 * and item.  Sums are kept in uint64_t, which wraps instead of overflowing
 * on hostile input, and are handed out as int64_t.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mmprof-int.h"

#define OVERHEAD_PREFIX "self_profile"
#define UNKNOWN_BIT     ((uint64_t)1 << 63) /* memo: id did not resolve */
#define ITEM_DONE_BIT   ((uint64_t)1 << 62) /* memo: the pair is known */
#define MAX_PAIRS       (((uint64_t)1 << 30) - 2)
#define SPECIAL_BIT     ((uint64_t)1 << 63) /* lmemo, imemo: expand all */
#define NOTHING_BIT     ((uint64_t)1 << 62) /* parse error / no item */

/* How summarize treats an event kind. */
enum kclass {
	K_QUERY,
	K_GENERIC,
	K_BLOCKED,
	K_LOAD,
	K_HASHING,
	K_HIT,
	K_ARTIFACT,
	K_HITCOUNT,
	K_OTHER
};

/* Where an interval's self time goes. */
enum bucket { B_UNATTR, B_ITEM, B_OVERHEAD };

struct lacc {
	uint64_t self, total, blocked, load, hashing, unattr;
	uint64_t count, hits, art_bytes, art_count;
	bool row, hitcount_seen, has_art, overhead;
};

struct kinfo {
	uint32_t name;
	enum kclass cls;
	uint64_t count;
};

struct frame {
	uint64_t start, end;
	uint32_t label;
	uint32_t pair;
	uint32_t prev;
	uint8_t cls;
	uint8_t bucket;
};

struct tstate {
	uint32_t id;
	uint32_t top; /* frame index or MMPROFP_NONE */
	uint64_t first, last, n, covered;
};

struct pair {
	uint32_t item, label;
	uint64_t self, total, count;
};

#define AHEAD 16 /* events prefetched ahead of the walk (power of two) */

/* An event ahead of the walk. */
struct ahead {
	uint64_t id;
	const unsigned char *p; /* its string, if its memo is not done */
	size_t avail;           /* bytes at p */
};

struct walk {
	struct mmprof_file *f;
	unsigned flags;
	struct mmprofp_buf pool;
	struct mmprofp_strtab labels, items, kinds;
	struct lacc *lacc;
	size_t lcap;
	struct kinfo *kinfo;
	size_t kcap;
	/* Memo of event ids: (label + 1) | (pair + 1) << 32 | UNKNOWN_BIT,
	 * 0 until computed; virtual ids in an array when the index is one. */
	uint64_t *vmemo;
	uint64_t nvmemo;
	struct mmprofp_map memo;
	/* Memos of the label and argument strings that event ids refer to. */
	struct mmprofp_map lmemo, imemo;
	struct mmprofp_map kmap, tmap;
	struct tstate *threads;
	size_t nthreads, tcap;
	uint32_t last_thread, last_tidx;
	bool have_thread;
	struct frame *frames;
	size_t nframes, fcap;
	uint32_t freelist;
	struct pair *pairs;
	size_t npairs, pcap;
	uint64_t overhead, unattr, first, last;
	struct mmprof_summary *sum;
	struct ahead ring[AHEAD];
	size_t ehint, phint;
};

/*
 * Grow *arr (of *cap elements of size sz) to hold at least need; new
 * elements are zeroed only if `zero` (untouched memory costs nothing).
 */
static int
grow(void *arrp, size_t *cap, size_t need, size_t sz, bool zero)
{
	void **arr = arrp;
	size_t ncap = *cap == 0 ? 16 : *cap;
	void *np;

	if (need <= *cap)
		return BENCH_OK;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return BENCH_ERR_NOMEM;
		ncap *= 2;
	}
	np = mmprofp_reallocarray(*arr, ncap, sz);
	if (np == NULL)
		return BENCH_ERR_NOMEM;
	if (zero)
		memset((char *)np + *cap * sz, 0, (ncap - *cap) * sz);
	*arr = np;
	*cap = ncap;
	return BENCH_OK;
}

static enum kclass
classify(const char *k)
{
	static const struct {
		const char *name;
		enum kclass cls;
	} known[] = {{"Query", K_QUERY}, {"GenericActivity", K_GENERIC},
	    {"QueryBlocked", K_BLOCKED}, {"IncrementalLoadResult", K_LOAD},
	    {"IncrementalResultHashing", K_HASHING}, {"QueryCacheHit", K_HIT},
	    {"ArtifactSize", K_ARTIFACT}, {"QueryCacheHitCount", K_HITCOUNT}};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(k, known[i].name) == 0)
			return known[i].cls;
	return K_OTHER;
}

/* Do events of this kind name a query invocation (and so an item)? */
static bool
query_kind(enum kclass cls)
{
	return cls == K_QUERY || cls == K_BLOCKED || cls == K_LOAD ||
	       cls == K_HASHING || cls == K_HIT || cls == K_HITCOUNT;
}

/* Index of the kind with string id `id`, in *out. */
static int
kind_of(struct walk *w, uint64_t id, uint32_t *out)
{
	char *s;
	size_t len;
	uint64_t *slot;
	uint32_t idx;
	bool created, unknown;

	slot = mmprofp_map_slot(&w->kmap, id, &created);
	if (slot == NULL)
		return BENCH_ERR_NOMEM;
	if (!created) {
		*out = (uint32_t)*slot;
		return BENCH_OK;
	}
	if (mmprofp_string(w->f, id, &s, &len, &unknown) != BENCH_OK ||
	    mmprofp_strtab_intern(&w->kinds, s, len, &idx, &created) !=
	        BENCH_OK ||
	    grow(&w->kinfo, &w->kcap, (size_t)idx + 1, sizeof(*w->kinfo),
	        true) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	if (created) {
		w->kinfo[idx].name = idx;
		w->kinfo[idx].cls = classify(s);
	}
	/* The map may not have moved: nothing was inserted since. */
	*slot = idx;
	*out = idx;
	return BENCH_OK;
}

static int
intern_label(struct walk *w, const char *s, size_t len, uint32_t *idx)
{
	bool created;

	if (mmprofp_strtab_intern(&w->labels, s, len, idx, &created) !=
	    BENCH_OK)
		return BENCH_ERR_NOMEM;
	if (!created)
		return BENCH_OK;
	if (grow(&w->lacc, &w->lcap, (size_t)*idx + 1, sizeof(*w->lacc),
	        true) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	w->lacc[*idx].overhead =
	    strncmp(s, OVERHEAD_PREFIX, sizeof(OVERHEAD_PREFIX) - 1) == 0;
	return BENCH_OK;
}

/*
 * A new (item, label) pair for an event id.  Two event ids can name the same
 * pair; build_items() merges them.
 */
static int
pair_of(struct walk *w, uint32_t item, uint32_t label, uint32_t *out)
{
	if (w->npairs >= MAX_PAIRS || grow(&w->pairs, &w->pcap, w->npairs + 1,
	                                  sizeof(*w->pairs), false) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	memset(&w->pairs[w->npairs], 0, sizeof(w->pairs[0]));
	w->pairs[w->npairs].item = item;
	w->pairs[w->npairs].label = label;
	*out = (uint32_t)w->npairs++;
	return BENCH_OK;
}

enum text_class {
	TEXT_OK,  /* a valid label or argument */
	TEXT_BAD, /* empty, or an ASCII control character */
	TEXT_SEP  /* holds the 0x1E separator */
};

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* One pass over a label or argument (spec section 9). */
static enum text_class
classify_text(const char *s, size_t n)
{
	bool bad = n == 0;
	size_t i = 0;
	uint64_t x, y, acc = 0;

	/* Most texts have no control character: look at 8 bytes at a time
	 * for a byte below 0x20 or equal to 0x7F (exact tests), and only
	 * look closer if there is one. */
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		y = x ^ (0x7F * ONES);
		acc |= ((x - 0x20 * ONES) & ~x) | ((y - ONES) & ~y);
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? HIGHS : 0;
	if ((acc & HIGHS) == 0)
		return bad ? TEXT_BAD : TEXT_OK;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7F)
			continue;
		if (s[i] == 0x1E)
			return TEXT_SEP;
		bad = true;
	}
	return bad ? TEXT_BAD : TEXT_OK;
}

/*
 * The label that string `ref` makes when it is a whole label: label + 1,
 * NOTHING_BIT for "<parse error>", SPECIAL_BIT if it holds a separator.
 */
static int
label_memo(struct walk *w, uint64_t ref, uint64_t *out)
{
	uint64_t *slot;
	uint32_t li;
	size_t len;
	char *s;
	bool created, unknown;
	enum text_class c;

	slot = mmprofp_map_slot(&w->lmemo, ref, &created);
	if (slot == NULL)
		return BENCH_ERR_NOMEM;
	if (created) {
		if (mmprofp_string(w->f, ref, &s, &len, &unknown) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		c = classify_text(s, len);
		if (c == TEXT_SEP)
			*slot = SPECIAL_BIT;
		else if (c == TEXT_BAD)
			*slot = NOTHING_BIT;
		else if (intern_label(w, s, len, &li) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		else
			*slot = (uint64_t)li + 1;
	}
	*out = *slot;
	return BENCH_OK;
}

/* The same for an argument: item + 1, NOTHING_BIT or SPECIAL_BIT. */
static int
item_memo(struct walk *w, uint64_t ref, uint64_t *out)
{
	uint64_t *slot;
	uint32_t ii;
	size_t len;
	char *s;
	bool created, unknown;
	enum text_class c;

	slot = mmprofp_map_slot(&w->imemo, ref, &created);
	if (slot == NULL)
		return BENCH_ERR_NOMEM;
	if (created) {
		if (mmprofp_string(w->f, ref, &s, &len, &unknown) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		c = classify_text(s, len);
		if (c == TEXT_SEP)
			*slot = SPECIAL_BIT;
		else if (c == TEXT_BAD)
			*slot = NOTHING_BIT;
		else if (mmprofp_strtab_intern(
		             &w->items, s, len, &ii, &created) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		else
			*slot = (uint64_t)ii + 1;
	}
	*out = *slot;
	return BENCH_OK;
}

/*
 * Label and (item, label) pair of event id `id` (spec section 9): the
 * common shapes "label" and "label\x1Earg..." built from references are
 * read through the memos of their parts; anything else is expanded and
 * split.  Both give the same answer.
 */
static int
compute_label(struct walk *w, uint64_t id, bool want_item, uint32_t *label,
    uint32_t *pair, bool *unknown)
{
	const char *lab, *args[1];
	uint64_t lref = 0, kref = 0, lv, iv = NOTHING_BIT;
	size_t len, nargs;
	uint32_t li, ii;
	char *s;
	bool created;
	int shape;

	*pair = MMPROFP_NONE;
	*unknown = false;
	shape = mmprofp_event_refs(w->f, id, &lref, &kref);
	if (shape == BENCH_ERR_NOMEM)
		return BENCH_ERR_NOMEM;
	if (shape > 0) {
		if (label_memo(w, lref, &lv) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		if (shape == 2 && want_item &&
		    !(lv & (SPECIAL_BIT | NOTHING_BIT)) &&
		    item_memo(w, kref, &iv) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		if (!(lv & SPECIAL_BIT) && !(iv & SPECIAL_BIT)) {
			if (lv & NOTHING_BIT)
				return intern_label(
				    w, "<parse error>", 13, label);
			*label = (uint32_t)(lv - 1);
			if (iv & NOTHING_BIT)
				return BENCH_OK;
			return pair_of(w, (uint32_t)(iv - 1), *label, pair);
		}
	}
	/* Anything else: expand the whole string and split it. */
	if (mmprofp_string(w->f, id, &s, &len, unknown) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	nargs = mmprofp_split(s, len, &lab, args, 1);
	if (intern_label(w, lab, strlen(lab), &li) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	*label = li;
	if (nargs == 0 || !want_item)
		return BENCH_OK;
	if (mmprofp_strtab_intern(
	        &w->items, args[0], strlen(args[0]), &ii, &created) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	return pair_of(w, ii, li, pair);
}

/*
 * Label and pair of event id `id`, computed once and then remembered.  Only
 * query events (want_item) have items: other ids skip the argument.
 */
static int
label_of(struct walk *w, uint64_t id, bool want_item, uint32_t *label,
    uint32_t *pair, bool *unknown)
{
	uint64_t *slot, v;
	bool created;

	want_item = want_item && (w->flags & MMPROF_ITEMS);
	if (id < w->nvmemo)
		slot = &w->vmemo[id];
	else {
		slot = mmprofp_map_slot(&w->memo, id, &created);
		if (slot == NULL)
			return BENCH_ERR_NOMEM;
	}
	v = *slot;
	if (v == 0 || (want_item && !(v & ITEM_DONE_BIT))) {
		if (compute_label(w, id, want_item, label, pair, unknown) !=
		    BENCH_OK)
			return BENCH_ERR_NOMEM;
		/* compute_label() does not touch w->memo: slot still holds */
		v = ((uint64_t)*label + 1) | ((uint64_t)(*pair + 1) << 32);
		if (want_item)
			v |= ITEM_DONE_BIT;
		if (*unknown)
			v |= UNKNOWN_BIT;
		*slot = v;
		return BENCH_OK;
	}
	*label = (uint32_t)v - 1;
	*pair = (uint32_t)((v >> 32) & 0x3FFFFFFF) - 1;
	*unknown = (v & UNKNOWN_BIT) != 0;
	return BENCH_OK;
}

static int
thread_of(struct walk *w, uint32_t id, uint64_t start, uint64_t end,
    struct tstate **out)
{
	struct tstate *t;
	uint64_t *slot;
	bool created;

	if (w->have_thread && w->last_thread == id) {
		*out = &w->threads[w->last_tidx];
		return BENCH_OK;
	}
	slot = mmprofp_map_slot(&w->tmap, id, &created);
	if (slot == NULL)
		return BENCH_ERR_NOMEM;
	if (created) {
		if (grow(&w->threads, &w->tcap, w->nthreads + 1,
		        sizeof(*w->threads), true) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		*slot = w->nthreads;
		t = &w->threads[w->nthreads++];
		t->id = id;
		t->top = MMPROFP_NONE;
		t->first = start;
		t->last = end;
	}
	w->have_thread = true;
	w->last_thread = id;
	w->last_tidx = (uint32_t)*slot;
	*out = &w->threads[*slot];
	return BENCH_OK;
}

static void
pop(struct walk *w, struct tstate *t)
{
	uint32_t fi = t->top;

	t->top = w->frames[fi].prev;
	w->frames[fi].prev = w->freelist;
	w->freelist = fi;
}

static int
push(struct walk *w, struct tstate *t, const struct frame *fr)
{
	uint32_t fi;

	if (w->freelist != MMPROFP_NONE) {
		fi = w->freelist;
		w->freelist = w->frames[fi].prev;
	} else {
		if (w->nframes >= UINT32_MAX - 1 ||
		    grow(&w->frames, &w->fcap, w->nframes + 1,
		        sizeof(*w->frames), false) != BENCH_OK)
			return BENCH_ERR_NOMEM;
		fi = (uint32_t)w->nframes++;
	}
	w->frames[fi] = *fr;
	w->frames[fi].prev = t->top;
	t->top = fi;
	return BENCH_OK;
}

/* One interval event, as perform_analysis() treats it (spec 11.1). */
static int
on_interval(struct walk *w, const struct mmprofp_raw *r, enum kclass cls)
{
	struct frame fr, *top = NULL;
	struct tstate *t;
	struct lacc *a;
	uint32_t label, pair;
	uint64_t d = r->v2 - r->v1;
	bool unknown;

	if (label_of(w, r->id, query_kind(cls), &label, &pair, &unknown) !=
	        BENCH_OK ||
	    thread_of(w, r->thread, r->v1, r->v2, &t) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	w->sum->n_unknown += unknown;
	while (t->top != MMPROFP_NONE) {
		top = &w->frames[t->top];
		if (top->start <= r->v1 && r->v2 <= top->end)
			break;
		pop(w, t);
		top = NULL;
	}
	if (top != NULL) {
		a = &w->lacc[top->label];
		a->self -= d;
		if (top->cls == K_HASHING)
			a->hashing -= d;
		else if (top->cls == K_LOAD)
			a->load -= d;
		if (top->bucket == B_OVERHEAD)
			w->overhead -= d;
		else if (top->bucket == B_ITEM)
			w->pairs[top->pair].self -= d;
		else {
			w->unattr -= d;
			a->unattr -= d;
		}
	} else
		t->covered += d;
	a = &w->lacc[label];
	a->row = true;
	a->self += d;
	switch (cls) {
	case K_QUERY:
	case K_GENERIC:
	case K_OTHER:
	default:
		a->total += d;
		a->count++;
		break;
	case K_BLOCKED:
		a->total += d;
		a->blocked += d;
		break;
	case K_LOAD:
		a->total += d;
		a->load += d;
		break;
	case K_HASHING:
		a->hashing += d;
		break;
	}
	memset(&fr, 0, sizeof(fr));
	fr.start = r->v1;
	fr.end = r->v2;
	fr.label = label;
	fr.cls = (uint8_t)cls;
	fr.pair = MMPROFP_NONE;
	if ((top != NULL && top->bucket == B_OVERHEAD) || a->overhead) {
		fr.bucket = B_OVERHEAD;
		w->overhead += d;
	} else if (cls == K_QUERY && pair != MMPROFP_NONE) {
		fr.pair = pair;
		fr.bucket = B_ITEM;
		w->pairs[fr.pair].self += d;
		w->pairs[fr.pair].total += d;
		w->pairs[fr.pair].count++;
	} else {
		fr.bucket = B_UNATTR;
		w->unattr += d;
		a->unattr += d;
	}
	if (r->v1 < t->first)
		t->first = r->v1;
	if (r->v2 > t->last)
		t->last = r->v2;
	t->n++;
	return push(w, t, &fr);
}

static void
see_time(struct walk *w, uint64_t start, uint64_t end)
{
	if (start < w->first)
		w->first = start;
	if (end > w->last)
		w->last = end;
}

/* Is the memo of event id `id` complete (side-effect free)? */
static bool
memo_done(const struct walk *w, uint64_t id)
{
	const uint64_t *v;

	if (id < w->nvmemo)
		v = &w->vmemo[id];
	else {
		v = mmprofp_map_get(&w->memo, id);
		if (v == NULL)
			return false;
	}
	return *v != 0 && (!(w->flags & MMPROF_ITEMS) || (*v & ITEM_DONE_BIT));
}

/*
 * Prefetch for the events ahead of the walk, in three steps, so that the
 * memory an event id needs is loaded by the time the walk reaches it:
 * the memo entry and index entry of event i - AHEAD, then (if the memo is
 * not done) the string of event i - AHEAD / 2, then (with items) the memo
 * entry of its argument for event i - AHEAD / 4.  This only loads memory:
 * nothing is computed out of order.
 */
static void
prefetch_ahead(struct walk *w, uint64_t i)
{
	struct mmprof_file *f = w->f;
	const struct mmprofp_stream *es = &f->st[MMPROFP_EVENTS];
	const unsigned char *p;
	struct ahead *r;
	unsigned char tmp[32];
	unsigned iw = f->idw;
	uint64_t id, j;

	if (i >= AHEAD) {
		j = i - AHEAD;
		r = &w->ring[j % AHEAD];
		r->p = NULL;
		r->id = MMPROFP_INVALID_ID;
		p = mmprofp_stream_at(
		    es, 8 + j * f->evsize, f->evsize, tmp, &w->ehint);
		if (p != NULL) {
			id = mmprofp_le_id(f, p + iw);
			r->id = id;
			if (id < w->nvmemo)
				MMPROFP_PREFETCH(&w->vmemo[id]);
			else
				MMPROFP_MAP_PREFETCH(&w->memo, id);
			if (id < f->nvaddr)
				MMPROFP_PREFETCH(&f->vaddr[id]);
			else if (id <= MMPROFP_MAX_VIRTUAL_ID)
				MMPROFP_MAP_PREFETCH(&f->index, id);
		}
	}
	if (i >= AHEAD / 2) {
		r = &w->ring[(i - AHEAD / 2) % AHEAD];
		if (!memo_done(w, r->id)) {
			r->p =
			    mmprofp_string_peek(f, r->id, &r->avail, &w->phint);
			if (r->p != NULL)
				MMPROFP_PREFETCH(r->p);
		}
	}
	if (i >= AHEAD / 4 && (w->flags & MMPROF_ITEMS)) {
		r = &w->ring[(i - AHEAD / 4) % AHEAD];
		p = r->p;
		if (p != NULL && r->avail >= 2 * (1 + iw) + 2 && p[0] == 0xFE &&
		    p[1 + iw] == 0x1E && p[2 + iw] == 0xFE)
			MMPROFP_MAP_PREFETCH(
			    &w->imemo, mmprofp_le_id(f, p + 3 + iw));
	}
}

/* The reverse walk over all event records. */
static int
walk_events(struct walk *w)
{
	struct mmprof_file *f = w->f;
	const struct mmprofp_stream *es = &f->st[MMPROFP_EVENTS];
	struct mmprof_summary *sum = w->sum;
	struct mmprofp_raw r;
	const unsigned char *p;
	unsigned char tmp[32];
	struct lacc *a;
	struct kinfo *k;
	uint64_t i, last_kind = 0;
	size_t hint = SIZE_MAX;
	uint32_t kidx = 0, label, pair;
	bool unknown, have_kind = false;

	w->ehint = SIZE_MAX;
	w->phint = 0;
	for (i = f->n_records; i-- > 0;) {
		prefetch_ahead(w, i);
		p = mmprofp_stream_at(
		    es, 8 + i * f->evsize, f->evsize, tmp, &hint);
		if (p == NULL)
			break;
		mmprofp_decode(f, p, &r);
		sum->n_events++;
		if (!have_kind || r.kind != last_kind) {
			if (kind_of(w, r.kind, &kidx) != BENCH_OK)
				return BENCH_ERR_NOMEM;
			last_kind = r.kind;
			have_kind = true;
		}
		k = &w->kinfo[kidx];
		k->count++;
		if (r.v2 == MMPROFP_V_INSTANT || r.v2 == MMPROFP_V_INTEGER) {
			if (label_of(w, r.id, query_kind(k->cls), &label, &pair,
			        &unknown) != BENCH_OK)
				return BENCH_ERR_NOMEM;
			sum->n_unknown += unknown;
			a = &w->lacc[label];
			if (r.v2 == MMPROFP_V_INSTANT) {
				sum->n_instants++;
				see_time(w, r.v1, r.v1);
				if (k->cls == K_HIT) {
					a->row = true;
					a->hits += !a->hitcount_seen;
				}
			} else {
				sum->n_integers++;
				if (k->cls == K_ARTIFACT) {
					a->has_art = true;
					a->art_bytes += r.v1;
					a->art_count++;
				} else if (k->cls == K_HITCOUNT) {
					a->row = true;
					a->hits += r.v1;
					a->hitcount_seen = true;
				}
			}
			continue;
		}
		if (r.v1 > r.v2) {
			sum->n_skipped++;
			mmprofp_note(f, MMPROF_PARTIAL_EVENTS,
			    "interval ends before it starts (event stream "
			    "offset %llu)",
			    (unsigned long long)(8 + i * f->evsize));
			continue;
		}
		sum->n_intervals++;
		see_time(w, r.v1, r.v2);
		if (on_interval(w, &r, k->cls) != BENCH_OK)
			return BENCH_ERR_NOMEM;
	}
	return BENCH_OK;
}

/* ------------------------------------------------------------- results */

static int
cmp_i64_desc(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b;
}

static int
cmp_label_rows(const void *pa, const void *pb)
{
	const struct mmprof_label *a = pa, *b = pb;
	int c = cmp_i64_desc(a->self_ns, b->self_ns);

	return c != 0 ? c : strcmp(a->label, b->label);
}

static int
cmp_artifacts(const void *pa, const void *pb)
{
	const struct mmprof_artifact *a = pa, *b = pb;

	return strcmp(a->label, b->label);
}

static int
cmp_kinds(const void *pa, const void *pb)
{
	const struct mmprof_kind *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->kind, b->kind);
}

static int
cmp_threads(const void *pa, const void *pb)
{
	const struct mmprof_thread *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Does row a come before row b among the rows of an item: self time,
 * largest first, then label row.
 */
static inline bool
row_before(const struct mmprof_item_label *a, const struct mmprof_item_label *b)
{
	if (a->self_ns != b->self_ns)
		return a->self_ns > b->self_ns;
	return a->label < b->label;
}

#define SORT_RUN 16 /* runs insertion-sorted before merging */

static void
insertion_sort_rows(struct mmprof_item_label *p, size_t n)
{
	struct mmprof_item_label t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = p[i];
		for (j = i; j > 0 && row_before(&t, &p[j - 1]); j--)
			p[j] = p[j - 1];
		p[j] = t;
	}
}

/*
 * Sort the rows of one item (distinct labels, so no two compare equal): a
 * bottom-up merge sort through tmp, which has room for n rows.
 */
static void
sort_item_rows(
    struct mmprof_item_label *p, size_t n, struct mmprof_item_label *tmp)
{
	struct mmprof_item_label *src = p, *dst = tmp, *t;
	size_t i, run, lo, mid, hi, a, b, o;

	if (n <= SORT_RUN) {
		insertion_sort_rows(p, n);
		return;
	}
	for (i = 0; i < n; i += SORT_RUN)
		insertion_sort_rows(p + i, n - i < SORT_RUN ? n - i : SORT_RUN);
	for (run = SORT_RUN; run < n; run *= 2) {
		for (lo = 0; lo < n; lo += 2 * run) {
			mid = n - lo < run ? n : lo + run;
			hi = n - lo < 2 * run ? n : lo + 2 * run;
			a = lo;
			b = mid;
			o = lo;
			while (a < mid && b < hi)
				dst[o++] = row_before(&src[b], &src[a])
				               ? src[b++]
				               : src[a++];
			while (a < mid)
				dst[o++] = src[a++];
			while (b < hi)
				dst[o++] = src[b++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != p)
		memcpy(p, src, n * sizeof(*p));
}

/* a += b, wrapping. */
static inline void
add_wrap(int64_t *a, int64_t b)
{
	*a = (int64_t)((uint64_t)*a + (uint64_t)b);
}

/* An item row before sorting: a sort key and the item's index. */
struct irow {
	uint64_t key;
	uint32_t idx;
};

/*
 * Stable LSD radix sort of a[0..n) by key, a byte a pass (passes in which
 * all keys share the byte are skipped); b has room for n rows.  Returns the
 * array that holds the result, NULL when out of memory.
 */
static struct irow *
radix_sort_rows(struct irow *a, struct irow *b, size_t n)
{
	static const unsigned nd = 8;
	size_t(*cnt)[256], i, sum, c;
	struct irow *t;
	unsigned d, sh;

	if (n < 2)
		return a;
	cnt = calloc(nd, sizeof(*cnt));
	if (cnt == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		for (d = 0; d < nd; d++)
			cnt[d][(a[i].key >> (8 * d)) & 0xFF]++;
	for (d = 0; d < nd; d++) {
		sh = 8 * d;
		if (cnt[d][(a[0].key >> sh) & 0xFF] == n)
			continue;
		for (sum = 0, i = 0; i < 256; i++) {
			c = cnt[d][i];
			cnt[d][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[d][(a[i].key >> sh) & 0xFF]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	free(cnt);
	return a;
}

/* Where a label row was last seen while merging the rows of an item. */
struct lseen {
	uint32_t item; /* item index + 1; 0 = not yet */
	uint32_t at;   /* offset of its merged row in the item's run */
};

/*
 * Build the per-item tables from the (item, label) pairs.  Pairs are made
 * per event id; those without Query events outside the profiler's overhead
 * have no count and are left out.  An item's self time is the sum over its
 * pairs (sums wrap, so the order of the additions does not matter), which
 * ranks the items (largest first; ties: item index) before anything else:
 * the pairs are then spread straight into the item_labels table, a run per
 * item in rank order, where the rows of an item that share a label are
 * merged and sorted by self time and then by label row (deterministic),
 * and the runs are moved down over the room the merges freed.
 */
static int
build_items(struct walk *w, const size_t *label_row)
{
	struct mmprof_summary *sum = w->sum;
	const struct pair *pr;
	struct mmprof_item_label *il, *g, *tmp = NULL, *np;
	struct irow *rows = NULL, *rows2 = NULL, *res;
	struct lseen *seen = NULL;
	size_t *cnt = NULL, i, k, m, n = 0, o, maxrun = 0, nitems = w->items.n;
	uint64_t *at = NULL;
	uint32_t it, l;
	int rc = BENCH_ERR_NOMEM;

	sum->has_items = true;
	cnt = calloc(nitems + 1, sizeof(*cnt));
	at = calloc(nitems + 1, sizeof(*at));
	seen = calloc(sum->n_labels + 1, sizeof(*seen));
	if (cnt == NULL || at == NULL || seen == NULL)
		goto out;
	/* Rank the items: `at` holds their self times for now. */
	for (i = 0; i < w->npairs; i++) {
		pr = &w->pairs[i];
		if (pr->count > 0) {
			cnt[pr->item]++;
			at[pr->item] += pr->self;
		}
	}
	for (it = 0; it < nitems; it++)
		n += cnt[it] > 0;
	rows = mmprofp_reallocarray(NULL, n + 1, sizeof(*rows));
	rows2 = mmprofp_reallocarray(NULL, n + 1, sizeof(*rows2));
	if (rows == NULL || rows2 == NULL)
		goto out;
	n = 0;
	for (it = 0; it < nitems; it++) {
		if (cnt[it] == 0)
			continue;
		/* Largest self time first, as a signed number; ties keep
		 * the order of the item indexes (the sort is stable). */
		rows[n].key = ~(at[it] ^ ((uint64_t)1 << 63));
		rows[n].idx = it;
		n++;
	}
	res = radix_sort_rows(rows, rows2, n);
	if (res == NULL)
		goto out;
	/* Now `at` is where the next pair of each item goes. */
	for (o = 0, i = 0; i < n; i++) {
		it = res[i].idx;
		at[it] = o;
		o += cnt[it];
		if (cnt[it] > maxrun)
			maxrun = cnt[it];
	}
	sum->items = calloc(n + 1, sizeof(*sum->items));
	sum->item_labels = calloc(o + 1, sizeof(*sum->item_labels));
	tmp = mmprofp_reallocarray(NULL, maxrun + 1, sizeof(*tmp));
	if (sum->items == NULL || sum->item_labels == NULL || tmp == NULL)
		goto out;
	il = sum->item_labels;
	for (i = 0; i < w->npairs; i++) {
		struct mmprof_item_label *d;

		pr = &w->pairs[i];
		if (pr->count == 0)
			continue;
		d = &il[at[pr->item]++];
		d->label = label_row[pr->label];
		d->self_ns = (int64_t)pr->self;
		d->total_ns = (int64_t)pr->total;
		d->count = pr->count;
	}
	/* The pairs are all in the table now. */
	free(w->pairs);
	w->pairs = NULL;
	w->npairs = 0;
	w->pcap = 0;
	for (o = 0, i = 0; i < n; i++) {
		struct mmprof_item *r = &sum->items[i];

		it = res[i].idx;
		g = il + (at[it] - cnt[it]);
		/* Merge the rows of one label, then sort by self time. */
		m = 0;
		for (k = 0; k < cnt[it]; k++) {
			l = (uint32_t)g[k].label;
			if (seen[l].item == it + 1) {
				struct mmprof_item_label *d = &g[seen[l].at];

				add_wrap(&d->self_ns, g[k].self_ns);
				add_wrap(&d->total_ns, g[k].total_ns);
				d->count += g[k].count;
				continue;
			}
			seen[l].item = it + 1;
			seen[l].at = (uint32_t)m;
			g[m++] = g[k];
		}
		sort_item_rows(g, m, tmp);
		if (il + o != g)
			memmove(il + o, g, m * sizeof(*g));
		r->item = mmprofp_strtab_str(&w->items, it);
		r->first_label = o;
		r->n_labels = m;
		for (k = o; k < o + m; k++) {
			add_wrap(&r->self_ns, il[k].self_ns);
			add_wrap(&r->total_ns, il[k].total_ns);
			r->count += il[k].count;
		}
		o += m;
	}
	/* Give back the room the merges freed. */
	np = mmprofp_reallocarray(il, o + 1, sizeof(*il));
	if (np != NULL)
		sum->item_labels = np;
	sum->n_items = n;
	sum->n_item_labels = o;
	rc = BENCH_OK;
out:
	free(cnt);
	free(at);
	free(seen);
	free(tmp);
	free(rows);
	free(rows2);
	return rc;
}

/* Turn the accumulators into the summary's tables. */
static int
build_tables(struct walk *w)
{
	struct mmprof_summary *sum = w->sum;
	size_t *label_row = NULL, i, n;
	uint64_t cpu = 0, self = 0;
	uint32_t l;
	int rc = BENCH_ERR_NOMEM;

	n = 0;
	for (l = 0; l < w->labels.n; l++)
		n += w->lacc[l].row;
	sum->labels = calloc(n + 1, sizeof(*sum->labels));
	label_row = calloc(w->labels.n + 1, sizeof(*label_row));
	if (sum->labels == NULL || label_row == NULL)
		goto out;
	n = 0;
	for (l = 0; l < w->labels.n; l++) {
		const struct lacc *a = &w->lacc[l];
		struct mmprof_label *r;

		if (!a->row)
			continue;
		r = &sum->labels[n++];
		r->label = mmprofp_strtab_str(&w->labels, l);
		r->self_ns = (int64_t)a->self;
		r->total_ns = (int64_t)a->total;
		r->count = a->count;
		r->cache_hits = a->hits;
		r->blocked_ns = (int64_t)a->blocked;
		r->incr_load_ns = (int64_t)a->load;
		r->incr_hashing_ns = (int64_t)a->hashing;
		r->unattributed_ns = (int64_t)a->unattr;
		r->overhead = a->overhead;
		self += a->self;
	}
	sum->n_labels = n;
	qsort(sum->labels, n, sizeof(*sum->labels), cmp_label_rows);
	/* Map label indexes to rows: rows hold pool pointers, and interning
	 * a label again only looks it up. */
	for (i = 0; i < n; i++) {
		bool created;

		if (mmprofp_strtab_intern(&w->labels, sum->labels[i].label,
		        strlen(sum->labels[i].label), &l, &created) != BENCH_OK)
			goto out;
		label_row[l] = i;
	}

	n = 0;
	for (l = 0; l < w->labels.n; l++)
		n += w->lacc[l].has_art;
	sum->artifacts = calloc(n + 1, sizeof(*sum->artifacts));
	if (sum->artifacts == NULL)
		goto out;
	n = 0;
	for (l = 0; l < w->labels.n; l++) {
		if (!w->lacc[l].has_art)
			continue;
		sum->artifacts[n].label = mmprofp_strtab_str(&w->labels, l);
		sum->artifacts[n].bytes = w->lacc[l].art_bytes;
		sum->artifacts[n].count = w->lacc[l].art_count;
		n++;
	}
	sum->n_artifacts = n;
	qsort(sum->artifacts, n, sizeof(*sum->artifacts), cmp_artifacts);

	sum->kinds = calloc(w->kinds.n + 1, sizeof(*sum->kinds));
	if (sum->kinds == NULL)
		goto out;
	for (l = 0; l < w->kinds.n; l++) {
		sum->kinds[l].kind = mmprofp_strtab_str(&w->kinds, l);
		sum->kinds[l].count = w->kinfo[l].count;
	}
	sum->n_kinds = w->kinds.n;
	qsort(sum->kinds, sum->n_kinds, sizeof(*sum->kinds), cmp_kinds);

	sum->threads = calloc(w->nthreads + 1, sizeof(*sum->threads));
	if (sum->threads == NULL)
		goto out;
	for (i = 0; i < w->nthreads; i++) {
		const struct tstate *t = &w->threads[i];

		sum->threads[i].id = t->id;
		sum->threads[i].n_intervals = t->n;
		sum->threads[i].first_ns = t->first;
		sum->threads[i].last_ns = t->last;
		sum->threads[i].covered_ns = (int64_t)t->covered;
		cpu += t->last - t->first;
	}
	sum->n_threads = w->nthreads;
	qsort(sum->threads, sum->n_threads, sizeof(*sum->threads), cmp_threads);

	sum->cpu_ns = (int64_t)cpu;
	sum->self_ns = (int64_t)self;
	sum->overhead_ns = (int64_t)w->overhead;
	sum->unattributed_ns = (int64_t)w->unattr;
	if (sum->n_intervals + sum->n_instants > 0) {
		sum->first_ns = w->first;
		sum->last_ns = w->last;
		sum->wall_ns = w->last - w->first;
	}
	rc = BENCH_OK;
	if (w->flags & MMPROF_ITEMS)
		rc = build_items(w, label_row);
out:
	free(label_row);
	return rc;
}

static void
walk_fini(struct walk *w)
{
	mmprofp_strtab_fini(&w->labels);
	mmprofp_strtab_fini(&w->items);
	mmprofp_strtab_fini(&w->kinds);
	mmprofp_map_fini(&w->kmap);
	mmprofp_map_fini(&w->memo);
	mmprofp_map_fini(&w->lmemo);
	mmprofp_map_fini(&w->imemo);
	free(w->vmemo);
	mmprofp_map_fini(&w->tmap);
	free(w->lacc);
	free(w->kinfo);
	free(w->threads);
	free(w->frames);
	free(w->pairs);
	free(w->pool.p);
}

/* Summarize f; see mmprof.h. */
int
mmprof_summarize(struct mmprof_file *f, unsigned flags,
    struct mmprof_summary **out, struct bench_error *err)
{
	struct mmprof_summary *sum;
	struct bench_error ierr;
	struct walk w;
	const char *text;
	size_t len, hint;
	bool guessed;
	int rc;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.f = f;
	w.flags = flags;
	w.freelist = MMPROFP_NONE;
	w.first = UINT64_MAX;
	mmprofp_op_begin(f);
	if (f->map != NULL)
		(void)madvise(f->map, f->size, MADV_WILLNEED);
	sum = calloc(1, sizeof(*sum));
	if (sum == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
	w.sum = sum;
	sum->version = f->version;
	sum->file_size = f->size;

	/* The identity; losing it makes the result partial, not an error. */
	memset(&ierr, 0, sizeof(ierr));
	if (mmprofp_build_index(f) != BENCH_OK)
		goto nomem;
	rc = mmprofp_metadata_text(f, &text, &len, &guessed, &ierr);
	if (rc == BENCH_OK)
		rc = mmprofp_identity_parse(
		    text, len, f->version, guessed, &sum->identity, &ierr);
	if (rc == BENCH_ERR_NOMEM)
		goto nomem;
	if (rc != BENCH_OK)
		mmprofp_note(f, MMPROF_PARTIAL_METADATA, "%s", ierr.text);

	mmprofp_strtab_init(&w.labels, &w.pool);
	mmprofp_strtab_init(&w.items, &w.pool);
	mmprofp_strtab_init(&w.kinds, &w.pool);
	if (f->nvaddr > 0) {
		w.vmemo = calloc((size_t)f->nvaddr, sizeof(*w.vmemo));
		if (w.vmemo == NULL)
			goto nomem;
		mmprofp_advise_huge(
		    w.vmemo, (size_t)f->nvaddr * sizeof(*w.vmemo));
		w.nvmemo = f->nvaddr;
	}
	/* Room for what a rustc profile needs, so that big tables are not
	 * copied as they grow (untouched memory costs nothing). */
	hint = (size_t)(f->n_records / 8);
	if ((flags & MMPROF_ITEMS) &&
	    (grow(&w.pairs, &w.pcap, hint * 4 + 16, sizeof(*w.pairs), false) !=
	            BENCH_OK ||
	        mmprofp_buf_reserve(&w.pool,
	            (size_t)(f->st[MMPROFP_STRDATA].len / 2)) != BENCH_OK))
		goto nomem;
	if (mmprofp_map_init(&w.kmap, 16) != BENCH_OK ||
	    mmprofp_map_init(&w.memo, w.vmemo != NULL ? 1024 : hint) !=
	        BENCH_OK ||
	    mmprofp_map_init(&w.lmemo, 1024) != BENCH_OK ||
	    mmprofp_map_init(&w.imemo, (flags & MMPROF_ITEMS) ? hint : 16) !=
	        BENCH_OK ||
	    mmprofp_map_init(&w.tmap, 16) != BENCH_OK ||
	    walk_events(&w) != BENCH_OK)
		goto nomem;
	/* The memos are done with: make room for the tables. */
	mmprofp_map_fini(&w.memo);
	mmprofp_map_fini(&w.lmemo);
	mmprofp_map_fini(&w.imemo);
	free(w.vmemo);
	w.vmemo = NULL;
	w.nvmemo = 0;
	if (build_tables(&w) != BENCH_OK)
		goto nomem;

	sum->partial = f->partial;
	memcpy(sum->partial_reason, f->reason, sizeof(sum->partial_reason));
	if (sum->partial == 0)
		sum->partial_reason[0] = '\0';
	sum->strings = w.pool.p; /* the tables point into it */
	w.pool.p = NULL;
	walk_fini(&w);
	*out = sum;
	return BENCH_OK;
nomem:
	walk_fini(&w);
	mmprof_summary_free(sum);
	return bench_error_set(err, BENCH_ERR_NOMEM,
	    "out of memory summarizing %llu events",
	    (unsigned long long)f->n_records);
}

/* Summarize the profile at path; see mmprof.h. */
int
mmprof_summarize_file(const char *path, unsigned flags,
    struct mmprof_summary **out, struct bench_error *err)
{
	struct mmprof_file *f;
	int rc;

	*out = NULL;
	rc = mmprof_open(path, &f, err);
	if (rc != BENCH_OK)
		return rc;
	rc = mmprof_summarize(f, flags, out, err);
	mmprof_close(f);
	return rc;
}

/* Free a summary; see mmprof.h. */
void
mmprof_summary_free(struct mmprof_summary *s)
{
	if (s == NULL)
		return;
	mmprof_identity_free(s->identity);
	s->identity = NULL;
	free(s->labels);
	s->labels = NULL;
	free(s->artifacts);
	s->artifacts = NULL;
	free(s->kinds);
	s->kinds = NULL;
	free(s->threads);
	s->threads = NULL;
	free(s->items);
	s->items = NULL;
	free(s->item_labels);
	s->item_labels = NULL;
	free(s->strings);
	s->strings = NULL;
	free(s);
}
