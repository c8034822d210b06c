/*
 * test_mmprof.c: the self-profile reader (src/profile/mmprof.h).
 *
 * Suite mmprof_mem: files built by hand (tests/unit/mmprof-build.h) with
 * known contents: every page layout, both format versions, nesting, threads,
 * kinds, strings, metadata, and damaged copies (every prefix, byte flips,
 * hostile strings).
 * Suite mmprof_real: files written by the installed rustc for the sample
 * crate in tests/profile/ (made at test time by tests/profile/
 * make-profiles.sh into tests/work/mmprof-real), checked against an
 * independent algorithm, cargo's own unit timings and the crate's manifest.
 *
 * Times in hand-built files are exact integers, so they are compared
 * exactly; comparisons with cargo's clock carry stated tolerances.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "mmprof.h"
#include "mmprof-int.h" /* mmprof_open_mem, mmprof_foreach_event */
#include "mmprof-build.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

#define REAL_DIR TOP_BUILDDIR "/tests/work/mmprof-real"

/* ------------------------------------------------------------- helpers */

static struct mmprof_summary *
summarize_mem(const unsigned char *p, size_t n, unsigned flags)
{
	struct mmprof_file *f;
	struct mmprof_summary *s;
	struct bench_error err;
	int rc;

	rc = mmprof_open_mem(p, n, &f, &err);
	cr_assert_eq(rc, 0, "open: %s", err.text);
	rc = mmprof_summarize(f, flags, &s, &err);
	cr_assert_eq(rc, 0, "summarize: %s", err.text);
	mmprof_close(f);
	return s;
}

static const struct mmprof_label *
label(const struct mmprof_summary *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_labels; i++)
		if (strcmp(s->labels[i].label, name) == 0)
			return &s->labels[i];
	return NULL;
}

static const struct mmprof_label *
need_label(const struct mmprof_summary *s, const char *name)
{
	const struct mmprof_label *l = label(s, name);

	cr_assert_not_null(l, "no label %s", name);
	return l;
}

static const struct mmprof_item *
item(const struct mmprof_summary *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_items; i++)
		if (strcmp(s->items[i].item, name) == 0)
			return &s->items[i];
	return NULL;
}

static uint64_t
kind_count(const struct mmprof_summary *s, const char *kind)
{
	size_t i;

	for (i = 0; i < s->n_kinds; i++)
		if (strcmp(s->kinds[i].kind, kind) == 0)
			return s->kinds[i].count;
	return 0;
}

/* Self time of one item under one label, or -1. */
static int64_t
item_label_self(const struct mmprof_summary *s, const char *it, const char *lab)
{
	const struct mmprof_item *r = item(s, it);
	size_t k;

	if (r == NULL)
		return -1;
	for (k = 0; k < r->n_labels; k++) {
		const struct mmprof_item_label *l =
		    &s->item_labels[r->first_label + k];

		if (strcmp(s->labels[l->label].label, lab) == 0)
			return l->self_ns;
	}
	return -1;
}

#define SCENARIO_META                                                          \
	"{ \"start_time\": 1795341890380543273, \"process_id\": 5182, "        \
	"\"cmd\": \"rustc --crate-name krate --edition=2021 src/lib.rs "       \
	"--crate-type lib -C metadata=0123abcd -C "                            \
	"extra-filename=-0123abcd --cfg feature=\\\"std\\\" \", "              \
	"\"counter\": { \"name\": \"wall-time\", \"units\": [[\"ns\", 1]] } }"

#define K_QUERY    0
#define K_GENERIC  1
#define K_HIT      2
#define K_HITCOUNT 3
#define K_ARTIFACT 4
#define K_BLOCKED  5
#define K_LOAD     6
#define K_HASHING  7
#define K_LLVM     8
#define N_KINDS    9

struct kinds {
	uint64_t id[N_KINDS];
};

static void
add_kinds(struct mmb *b, struct kinds *k)
{
	static const char *const names[N_KINDS] = {"Query", "GenericActivity",
	    "QueryCacheHit", "QueryCacheHitCount", "ArtifactSize",
	    "QueryBlocked", "IncrementalLoadResult", "IncrementalResultHashing",
	    "LLVM Pass"};
	int i;

	mmb_metadata(b, SCENARIO_META);
	for (i = 0; i < N_KINDS; i++)
		k->id[i] = mmb_lit(b, names[i]);
}

/*
 * The main hand-built profile (expected values in test scenario_values):
 *
 * thread 1:  analysis [0,1000] > typeck(f) [100,400] > typeck(g) [150,250]
 *                              > mir_borrowck(f) [500,700]
 *            self_profile_alloc_query_strings [1000,1200] > <unknown> query
 *            [1050,1100]
 * thread 2:  LLVM_passes [200,900] > "LLVM Pass" InstCombine(f) [300,350]
 * instants:  QueryCacheHit typeck x2 (t 120, 130), typeck at 1300 (thread
 *            3), mir_borrowck at 600 (hidden by its QueryCacheHitCount)
 * integers:  QueryCacheHitCount mir_borrowck = 5, ArtifactSize object_file
 *            = 1234
 */
static struct mmb *
scenario(unsigned version)
{
	struct mmb *b = mmb_new(version);
	struct kinds k;
	uint64_t typeck_f, typeck_g, borrowck_f, analysis, spaqs, llvm, pass,
	    obj;

	add_kinds(b, &k);
	typeck_f = mmb_event_id(b, "typeck", "krate::f");
	typeck_g = mmb_event_id(b, "typeck", "krate::g");
	borrowck_f = mmb_event_id(b, "mir_borrowck", "krate::f");
	mmb_index(b, 1, typeck_f);
	mmb_index(b, 2, typeck_g);
	mmb_index(b, 3, borrowck_f);
	/* virtual id 4 stays unmapped, as in rustc's own profiles */
	analysis = mmb_event_id(b, "analysis", NULL);
	spaqs = mmb_event_id(b, "self_profile_alloc_query_strings", NULL);
	llvm = mmb_event_id(b, "LLVM_passes", NULL);
	pass = mmb_event_id(b, "InstCombine", "krate::f");
	obj = mmb_event_id(b, "object_file", "krate.o");

	mmb_instant(b, k.id[K_HIT], 1, 1, 120);
	mmb_instant(b, k.id[K_HIT], 1, 1, 130);
	mmb_interval(b, k.id[K_QUERY], 2, 1, 150, 250);
	mmb_interval(b, k.id[K_LLVM], pass, 2, 300, 350);
	mmb_interval(b, k.id[K_QUERY], 1, 1, 100, 400);
	mmb_instant(b, k.id[K_HIT], 3, 1, 600);
	mmb_interval(b, k.id[K_QUERY], 3, 1, 500, 700);
	mmb_interval(b, k.id[K_GENERIC], llvm, 2, 200, 900);
	mmb_interval(b, k.id[K_GENERIC], analysis, 1, 0, 1000);
	mmb_interval(b, k.id[K_QUERY], 4, 1, 1050, 1100);
	mmb_interval(b, k.id[K_GENERIC], spaqs, 1, 1000, 1200);
	mmb_instant(b, k.id[K_HIT], 2, 3, 1300);
	mmb_integer(b, k.id[K_HITCOUNT], 3, 1, 5);
	mmb_integer(b, k.id[K_ARTIFACT], obj, 1, 1234);
	return b;
}

static unsigned char *
scenario_file(unsigned version, const size_t *sizes, size_t n, size_t *len)
{
	struct mmb *b = scenario(version);
	unsigned char *p = mmb_file(b, sizes, n, len);

	mmb_free(b);
	return p;
}

/* Check the summary of scenario() (any version, any page layout). */
static void
check_scenario(const struct mmprof_summary *s)
{
	const struct mmprof_label *l;

	cr_assert_eq(s->partial, 0, "partial: %s", s->partial_reason);
	cr_assert_eq(s->n_events, 14);
	cr_assert_eq(s->n_intervals, 8);
	cr_assert_eq(s->n_instants, 4);
	cr_assert_eq(s->n_integers, 2);
	cr_assert_eq(s->n_unknown, 1);
	cr_assert_eq(s->first_ns, 0);
	cr_assert_eq(s->last_ns, 1300);
	cr_assert_eq(s->wall_ns, 1300);
	cr_assert_eq(s->cpu_ns, 1200 + 700);
	cr_assert_eq(s->self_ns, 1900);
	cr_assert_eq(s->overhead_ns, 200);

	l = need_label(s, "typeck");
	cr_assert_eq(l->self_ns, 300);
	cr_assert_eq(l->total_ns, 400);
	cr_assert_eq(l->count, 2);
	cr_assert_eq(l->cache_hits, 3);
	l = need_label(s, "mir_borrowck");
	cr_assert_eq(l->self_ns, 200);
	cr_assert_eq(l->count, 1);
	cr_assert_eq(l->cache_hits, 5, "QueryCacheHitCount wins");
	l = need_label(s, "analysis");
	cr_assert_eq(l->self_ns, 500);
	cr_assert_eq(l->total_ns, 1000);
	cr_assert_eq(l->unattributed_ns, 500);
	l = need_label(s, "self_profile_alloc_query_strings");
	cr_assert_eq(l->self_ns, 150);
	cr_assert(l->overhead);
	cr_assert_eq(l->unattributed_ns, 0);
	l = need_label(s, "<unknown>");
	cr_assert_eq(l->self_ns, 50);
	cr_assert_not(l->overhead);
	l = need_label(s, "LLVM_passes");
	cr_assert_eq(l->self_ns, 650);
	l = need_label(s, "InstCombine");
	cr_assert_eq(l->self_ns, 50);
	cr_assert_eq(l->count, 1);
	cr_assert_null(label(s, "object_file"), "artifacts make no row");
	cr_assert_eq(s->n_labels, 7);
	cr_assert_str_eq(s->labels[0].label, "LLVM_passes", "sorted by self");

	cr_assert_eq(s->n_artifacts, 1);
	cr_assert_str_eq(s->artifacts[0].label, "object_file");
	cr_assert_eq(s->artifacts[0].bytes, 1234);

	cr_assert_eq(kind_count(s, "Query"), 4);
	cr_assert_eq(kind_count(s, "GenericActivity"), 3);
	cr_assert_eq(kind_count(s, "QueryCacheHit"), 4);
	cr_assert_eq(kind_count(s, "LLVM Pass"), 1);
	cr_assert_eq(s->n_threads, 2);
	cr_assert_eq(s->threads[0].id, 1);
	cr_assert_eq(s->threads[0].covered_ns, 1200);
	cr_assert_eq(s->threads[0].n_intervals, 6);
	cr_assert_eq(s->threads[1].id, 2);
	cr_assert_eq(s->threads[1].covered_ns, 700);

	cr_assert_not_null(s->identity);
	cr_assert_str_eq(s->identity->crate_name, "krate");
}

static void
check_scenario_items(const struct mmprof_summary *s)
{
	cr_assert(s->has_items);
	cr_assert_eq(s->n_items, 2);
	cr_assert_str_eq(s->items[0].item, "krate::f");
	cr_assert_eq(s->items[0].self_ns, 400);
	cr_assert_eq(s->items[0].count, 2);
	cr_assert_eq(s->items[0].n_labels, 2);
	cr_assert_eq(item_label_self(s, "krate::f", "typeck"), 200);
	cr_assert_eq(item_label_self(s, "krate::f", "mir_borrowck"), 200);
	cr_assert_str_eq(s->items[1].item, "krate::g");
	cr_assert_eq(s->items[1].self_ns, 100);
	cr_assert_eq(s->unattributed_ns, 1200);
	cr_assert_eq(need_label(s, "typeck")->unattributed_ns, 0);
	cr_assert_eq(need_label(s, "InstCombine")->unattributed_ns, 50,
	    "only Query events have items");
}

static void
summaries_equal(const struct mmprof_summary *a, const struct mmprof_summary *b)
{
	size_t i;

	cr_assert_eq(a->n_events, b->n_events);
	cr_assert_eq(a->wall_ns, b->wall_ns);
	cr_assert_eq(a->cpu_ns, b->cpu_ns);
	cr_assert_eq(a->self_ns, b->self_ns);
	cr_assert_eq(a->n_labels, b->n_labels);
	for (i = 0; i < a->n_labels; i++) {
		cr_assert_str_eq(a->labels[i].label, b->labels[i].label);
		cr_assert_eq(a->labels[i].self_ns, b->labels[i].self_ns);
		cr_assert_eq(a->labels[i].total_ns, b->labels[i].total_ns);
		cr_assert_eq(a->labels[i].count, b->labels[i].count);
		cr_assert_eq(a->labels[i].cache_hits, b->labels[i].cache_hits);
	}
	cr_assert_eq(a->n_items, b->n_items);
	for (i = 0; i < a->n_items; i++) {
		cr_assert_str_eq(a->items[i].item, b->items[i].item);
		cr_assert_eq(a->items[i].self_ns, b->items[i].self_ns);
	}
}

/* Open, summarize (with and without items), identify and walk a buffer
 * that may be damaged: any outcome but a crash, hang or leak is fine. */
static int
noop_event(const struct mmprof_event *ev, void *arg)
{
	size_t i;

	(void)arg;
	cr_assert_not_null(ev->kind);
	cr_assert_not_null(ev->label);
	for (i = 0; i < ev->n_args; i++)
		cr_assert_not_null(ev->args[i]);
	return 0;
}

static unsigned
exercise(const unsigned char *p, size_t n, struct bench_error *open_err)
{
	struct mmprof_file *f;
	struct mmprof_summary *s;
	struct mmprof_identity *id;
	struct bench_error err;
	unsigned partial = 0;

	if (mmprof_open_mem(p, n, &f, open_err) != 0) {
		cr_assert_lt(open_err->code, 0);
		cr_assert_neq(open_err->text[0], '\0');
		return ~0u;
	}
	if (mmprof_summarize(f, MMPROF_ITEMS, &s, &err) == 0) {
		partial = s->partial;
		cr_assert((s->partial == 0) == (s->partial_reason[0] == '\0'));
		cr_assert_eq(s->n_events, s->n_intervals + s->n_instants +
		                              s->n_integers + s->n_skipped);
		mmprof_summary_free(s);
	}
	if (mmprof_identity_get(f, &id, &err) == 0)
		mmprof_identity_free(id);
	(void)mmprof_foreach_event(f, noop_event, NULL, &err);
	mmprof_close(f);
	return partial;
}

/* --------------------------------------------------- hand-built files */

Test(mmprof_mem, scenario_values)
{
	size_t len;
	unsigned char *p = scenario_file(9, NULL, 0, &len);
	struct mmprof_summary *s = summarize_mem(p, len, MMPROF_ITEMS);

	check_scenario(s);
	check_scenario_items(s);
	mmprof_summary_free(s);
	free(p);
}

Test(mmprof_mem, no_items_without_the_flag)
{
	size_t len;
	unsigned char *p = scenario_file(9, NULL, 0, &len);
	struct mmprof_summary *s = summarize_mem(p, len, 0);

	check_scenario(s);
	cr_assert_not(s->has_items);
	cr_assert_eq(s->n_items, 0);
	cr_assert_eq(s->unattributed_ns, 1900 - 200);
	mmprof_summary_free(s);
	free(p);
}

Test(mmprof_mem, every_page_layout_and_version_gives_the_same_summary)
{
	static const size_t layouts[][3] = {{0, 0, 0}, {1, 0, 0}, {3, 0, 0},
	    {7, 0, 0}, {5, 13, 64}, {31, 0, 0}, {32, 0, 0}, {33, 0, 0},
	    {9, 4096, 2}, {100000, 0, 0}};
	static const size_t nsizes[] = {1, 1, 1, 1, 3, 1, 1, 1, 3, 1};
	unsigned version;
	size_t i, len;

	for (version = 8; version <= 9; version++) {
		for (i = 0; i < sizeof(nsizes) / sizeof(nsizes[0]); i++) {
			unsigned char *p =
			    scenario_file(version, layouts[i], nsizes[i], &len);
			struct mmprof_summary *s =
			    summarize_mem(p, len, MMPROF_ITEMS);

			cr_assert_eq(s->version, version);
			check_scenario(s);
			check_scenario_items(s);
			mmprof_summary_free(s);
			free(p);
		}
	}
}

/* Large pages (4 KiB and more): the reader points at the pages instead of
 * copying them, and records still straddle them. */
Test(mmprof_mem, large_pages_with_straddling_records)
{
	static const size_t sizes[] = {5000, 4099, 70001};
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *one, *many;
	unsigned char *p1, *p2;
	size_t l1, l2, i;
	uint64_t id;
	char name[32];

	add_kinds(b, &k);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "krate::f%zu", i % 700);
		id = mmb_event_id(b, i % 3 ? "typeck" : "mir_built", name);
		mmb_index(b, i, id);
		mmb_interval(b, k.id[K_QUERY], i, (uint32_t)(i % 4), 10 * i + 1,
		    10 * i + 5);
		mmb_interval(b, k.id[K_GENERIC], mmb_lit(b, "outer"),
		    (uint32_t)(i % 4), 10 * i, 10 * i + 9);
	}
	p1 = mmb_file(b, NULL, 0, &l1);
	p2 = mmb_file(b, sizes, 3, &l2);
	one = summarize_mem(p1, l1, MMPROF_ITEMS);
	many = summarize_mem(p2, l2, MMPROF_ITEMS);
	cr_assert_eq(many->partial, 0, "%s", many->partial_reason);
	cr_assert_eq(many->n_events, 6000);
	summaries_equal(one, many);
	cr_assert_eq(need_label(many, "outer")->self_ns, 3000 * 5);
	cr_assert_eq(many->n_items, 700);
	mmprof_summary_free(one);
	mmprof_summary_free(many);
	free(p1);
	free(p2);
	mmb_free(b);
}

/* measureme's recursion example: nested e1 of 100, 60, 20 ns. */
Test(mmprof_mem, recursion_counts_total_time_twice)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;
	uint64_t e1;

	add_kinds(b, &k);
	e1 = mmb_event_id(b, "e1", NULL);
	mmb_interval(b, k.id[K_QUERY], e1, 1, 40, 60);
	mmb_interval(b, k.id[K_QUERY], e1, 1, 20, 80);
	mmb_interval(b, k.id[K_QUERY], e1, 1, 0, 100);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert_eq(need_label(s, "e1")->self_ns, 100);
	cr_assert_eq(need_label(s, "e1")->total_ns, 180);
	cr_assert_eq(need_label(s, "e1")->count, 3);
	cr_assert_eq(s->partial, 0);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, equal_intervals_the_later_one_is_the_parent)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;

	add_kinds(b, &k);
	mmb_interval(
	    b, k.id[K_QUERY], mmb_event_id(b, "inner", NULL), 1, 0, 100);
	mmb_interval(
	    b, k.id[K_QUERY], mmb_event_id(b, "outer", NULL), 1, 0, 100);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert_eq(need_label(s, "inner")->self_ns, 100);
	cr_assert_eq(need_label(s, "outer")->self_ns, 0);
	cr_assert_eq(need_label(s, "outer")->total_ns, 100);
	cr_assert_eq(s->threads[0].covered_ns, 100);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, stacks_are_per_thread)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;

	add_kinds(b, &k);
	mmb_interval(
	    b, k.id[K_GENERIC], mmb_event_id(b, "worker", NULL), 7, 10, 20);
	mmb_interval(
	    b, k.id[K_GENERIC], mmb_event_id(b, "main", NULL), 3, 0, 100);
	mmb_interval(
	    b, k.id[K_GENERIC], mmb_event_id(b, "late", NULL), 7, 150, 160);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert_eq(need_label(s, "main")->self_ns, 100);
	cr_assert_eq(need_label(s, "worker")->self_ns, 10);
	cr_assert_eq(s->wall_ns, 160);
	cr_assert_eq(s->cpu_ns, 100 + 150, "sum of per-thread spans");
	cr_assert_eq(s->n_threads, 2);
	cr_assert_eq(s->threads[0].id, 3);
	cr_assert_eq(s->threads[1].id, 7);
	cr_assert_eq(s->threads[1].covered_ns, 20);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, blocked_and_incremental_kinds)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	const struct mmprof_label *l;
	unsigned char *p;
	size_t len;
	uint64_t q;

	add_kinds(b, &k);
	q = mmb_event_id(b, "q", NULL);
	mmb_interval(b, k.id[K_BLOCKED], q, 1, 0, 10);
	mmb_interval(b, k.id[K_LOAD], q, 1, 20, 50);
	mmb_interval(
	    b, k.id[K_QUERY], mmb_event_id(b, "intern", NULL), 1, 62, 64);
	mmb_interval(b, k.id[K_HASHING], q, 1, 60, 70);
	mmb_interval(b, k.id[K_QUERY], q, 1, 0, 100);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	l = need_label(s, "q");
	/* query 100 - (10 + 30 + 10) = 50; blocked 10; load 30; hashing
	 * 10 - 2 = 8: self = 50 + 10 + 30 + 8 */
	cr_assert_eq(l->self_ns, 98);
	cr_assert_eq(l->total_ns, 100 + 10 + 30, "hashing adds no time");
	cr_assert_eq(l->count, 1, "blocked and incremental do not count");
	cr_assert_eq(l->blocked_ns, 10);
	cr_assert_eq(l->incr_load_ns, 30);
	cr_assert_eq(l->incr_hashing_ns, 8);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, cache_hit_instants_count_until_a_hit_count_is_seen)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;
	uint64_t a, c;

	add_kinds(b, &k);
	a = mmb_event_id(b, "a", NULL);
	c = mmb_event_id(b, "c", NULL);
	/* reverse order: a's count comes first, so a's instants are
	 * ignored; c's instant after (in file order) its count is counted */
	mmb_instant(b, k.id[K_HIT], a, 1, 5);
	mmb_instant(b, k.id[K_HIT], a, 1, 6);
	mmb_integer(b, k.id[K_HITCOUNT], c, 1, 10);
	mmb_instant(b, k.id[K_HIT], c, 1, 7);
	mmb_integer(b, k.id[K_HITCOUNT], a, 1, 7);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert_eq(need_label(s, "a")->cache_hits, 7);
	cr_assert_eq(need_label(s, "c")->cache_hits, 11);
	cr_assert_eq(need_label(s, "a")->count, 0);
	cr_assert_eq(s->wall_ns, 2, "instants count for wall time");
	cr_assert_eq(s->n_threads, 0, "no intervals, no threads");
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, composite_strings_and_arguments)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;
	uint64_t ty, ck, krate, path, id;

	add_kinds(b, &k);
	ty = mmb_lit(b, "ty");
	ck = mmb_string(b, MMB_LIT, "pe", MMB_REF, mmb_lit(b, "ck"), MMB_END);
	krate = mmb_lit(b, "krate");
	path = mmb_string(b, MMB_REF, krate, MMB_LIT, "::m::", MMB_REF,
	    mmb_string(b, MMB_LIT, "f", MMB_END), MMB_END);
	id = mmb_string(b, MMB_REF, ty, MMB_REF, ck, MMB_SEP, MMB_REF, path,
	    MMB_SEP, MMB_LIT, "second arg", MMB_END);
	mmb_index(b, 42, id);
	mmb_interval(b, k.id[K_QUERY], 42, 1, 0, 10);
	mmb_interval(b, k.id[K_QUERY], MMB_INVALID_ID, 1, 20, 30);
	p = mmb_file(b, (size_t[]){2}, 1, &len);
	s = summarize_mem(p, len, MMPROF_ITEMS);
	cr_assert_eq(
	    s->partial & ~MMPROF_PARTIAL_METADATA, 0, "%s", s->partial_reason);
	cr_assert_eq(need_label(s, "typeck")->self_ns, 10);
	cr_assert_eq(item_label_self(s, "krate::m::f", "typeck"), 10);
	cr_assert_eq(need_label(s, "<unknown>")->self_ns, 10);
	cr_assert_eq(s->n_unknown, 1);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

struct collected {
	size_t n;
	char label[8][64];
	size_t nargs[8];
	char arg0[8][64];
	char arg1[8][64];
	int type[8];
	uint64_t start[8], end[8], value[8];
};

static int
collect(const struct mmprof_event *ev, void *arg)
{
	struct collected *c = arg;

	if (c->n == 8)
		return 1;
	snprintf(c->label[c->n], 64, "%s", ev->label);
	c->nargs[c->n] = ev->n_args;
	snprintf(c->arg0[c->n], 64, "%s", ev->n_args > 0 ? ev->args[0] : "");
	snprintf(c->arg1[c->n], 64, "%s", ev->n_args > 1 ? ev->args[1] : "");
	c->type[c->n] = ev->type;
	c->start[c->n] = ev->start;
	c->end[c->n] = ev->end;
	c->value[c->n] = ev->value;
	c->n++;
	return 0;
}

Test(mmprof_mem, event_ids_that_do_not_parse)
{
	struct mmb *b = mmb_new(8);
	struct kinds k;
	struct mmprof_file *f;
	struct bench_error err;
	struct collected c;
	unsigned char *p;
	size_t len;

	add_kinds(b, &k);
	mmb_interval(b, k.id[K_QUERY], mmb_lit(b, ""), 1, 0, 1);
	mmb_interval(b, k.id[K_QUERY], mmb_lit(b, "tab\tlabel"), 1, 2, 3);
	mmb_interval(b, k.id[K_QUERY],
	    mmb_lit(b, "ok\x1e"
	               "a1\x1e"
	               "a\x01"),
	    1, 4, 5);
	mmb_interval(b, k.id[K_QUERY],
	    mmb_lit(b, "ok\x1e\x1e"
	               "a2"),
	    1, 6, 7);
	mmb_instant(b, k.id[K_HIT], mmb_lit(b, "bad\xff\xfe utf8"), 1, 8);
	mmb_raw(b, "\xc3(", 2); /* invalid UTF-8 in a literal */
	mmb_instant(b, k.id[K_HIT], mmb_lit(b, "x") - 2, 1, 9);
	mmb_integer(b, k.id[K_ARTIFACT], mmb_event_id(b, "sz", "a b"), 1, 77);
	p = mmb_file(b, NULL, 0, &len);
	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0, "%s", err.text);
	memset(&c, 0, sizeof(c));
	cr_assert_eq(mmprof_foreach_event(f, collect, &c, &err), 0);
	cr_assert_eq(c.n, 7);
	cr_assert_str_eq(c.label[0], "<parse error>", "empty label");
	cr_assert_str_eq(c.label[1], "<parse error>", "control character");
	cr_assert_str_eq(c.label[2], "ok");
	cr_assert_eq(c.nargs[2], 1, "a bad argument ends the arguments");
	cr_assert_str_eq(c.arg0[2], "a1");
	cr_assert_eq(c.nargs[3], 0, "empty argument");
	/* 0xFF ends the literal "bad", the rest is a new string */
	cr_assert_str_eq(c.label[4], "bad");
	cr_assert_eq(c.type[4], MMPROF_EVENT_INSTANT);
	cr_assert_eq(c.start[4], 8);
	cr_assert_str_eq(c.label[5], "\xef\xbf\xbd(x", "U+FFFD for bad UTF-8");
	cr_assert_eq(c.type[6], MMPROF_EVENT_INTEGER);
	cr_assert_eq(c.value[6], 77);
	cr_assert_str_eq(c.arg0[6], "a b");
	mmprof_close(f);
	free(p);
	mmb_free(b);
}

/* A chain of n references ending in "x". */
static uint64_t
chain(struct mmb *b, int n)
{
	uint64_t id = mmb_lit(b, "x");
	int i;

	for (i = 0; i < n; i++)
		id = mmb_string(b, MMB_REF, id, MMB_END);
	return id;
}

Test(mmprof_mem, reference_depth_is_bounded)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;

	add_kinds(b, &k);
	mmb_interval(
	    b, k.id[K_GENERIC], chain(b, MMPROF_MAX_DEPTH - 1), 1, 0, 10);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert_eq(need_label(s, "x")->self_ns, 10, "31 levels are fine");
	cr_assert_eq(s->partial & MMPROF_PARTIAL_STRINGS, 0);
	mmprof_summary_free(s);
	free(p);

	mmb_interval(b, k.id[K_GENERIC], chain(b, 40), 1, 20, 30);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert(s->partial & MMPROF_PARTIAL_STRINGS);
	cr_assert_not_null(
	    strstr(s->partial_reason, "deep"), "%s", s->partial_reason);
	cr_assert_eq(need_label(s, "<invalid>")->self_ns, 10);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, reference_cycles_end)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char a[10], c[10], *p;
	uint64_t ida, idb, idc;
	size_t len;
	int i;

	add_kinds(b, &k);
	ida = mmb_raw(b, "", 0);
	idb = ida + sizeof(a);
	a[0] = 0xFE;
	c[0] = 0xFE;
	for (i = 0; i < 8; i++) {
		a[1 + i] = (unsigned char)(idb >> (8 * i));
		c[1 + i] = (unsigned char)(ida >> (8 * i));
	}
	a[9] = c[9] = 0xFF;
	mmb_raw(b, a, sizeof(a)); /* A = ref B */
	mmb_raw(b, c, sizeof(c)); /* B = ref A */
	idc = mmb_raw(b, "", 0);
	for (i = 0; i < 8; i++)
		c[1 + i] = (unsigned char)(idc >> (8 * i));
	mmb_raw(b, c, sizeof(c)); /* C = ref C */
	mmb_interval(b, k.id[K_GENERIC], ida, 1, 0, 10);
	mmb_interval(b, k.id[K_GENERIC], idc, 1, 20, 30);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert(s->partial & MMPROF_PARTIAL_STRINGS);
	cr_assert_eq(need_label(s, "<invalid>")->self_ns, 20);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

/* Strings whose expansion would take 64^6 steps: the work budget stops
 * them, and later strings are still answered (as "<invalid>"). */
Test(mmprof_mem, exponential_strings_hit_the_work_budget, .timeout = 60)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char refs[64 * 9 + 1], *p;
	uint64_t id;
	size_t len;
	int level, i, j;
	time_t t0;

	add_kinds(b, &k);
	id = mmb_lit(b, "");
	for (level = 0; level < 6; level++) {
		for (i = 0; i < 64; i++) {
			refs[9 * i] = 0xFE;
			for (j = 0; j < 8; j++)
				refs[9 * i + 1 + j] =
				    (unsigned char)(id >> (8 * j));
		}
		refs[64 * 9] = 0xFF;
		id = mmb_raw(b, refs, sizeof(refs));
	}
	mmb_interval(b, k.id[K_GENERIC], mmb_lit(b, "fine"), 1, 0, 5);
	mmb_interval(b, k.id[K_GENERIC], id, 1, 10, 20);
	p = mmb_file(b, NULL, 0, &len);
	t0 = time(NULL);
	s = summarize_mem(p, len, 0);
	cr_assert_leq(time(NULL) - t0, 30);
	cr_assert(s->partial & MMPROF_PARTIAL_BUDGET);
	cr_assert_eq(s->n_intervals, 2);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, long_strings_are_cut)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	char *big;
	size_t len;

	big = malloc(70001);
	cr_assert_not_null(big);
	memset(big, 'a', 70000);
	big[70000] = '\0';
	add_kinds(b, &k);
	mmb_interval(b, k.id[K_GENERIC], mmb_lit(b, big), 1, 0, 5);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert(s->partial & MMPROF_PARTIAL_STRINGS);
	cr_assert_eq(strlen(s->labels[0].label), MMPROF_MAX_STRING);
	mmprof_summary_free(s);
	free(p);
	free(big);
	mmb_free(b);
}

Test(mmprof_mem, repaired_strings_stay_within_the_bound)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	const char *l;
	char *big;
	size_t len, i;

	/*
	 * 30,000 invalid bytes among 60,000 (within the raw bound) become
	 * 120,000 bytes: the label is cut to MMPROF_MAX_STRING, on a whole
	 * character (the fuzzer found the overflow).
	 */
	big = malloc(60001);
	cr_assert_not_null(big);
	for (i = 0; i < 60000; i += 2) {
		big[i] = 'a';
		big[i + 1] = (char)0x80; /* 0xff ends a string in the file */
	}
	big[60000] = '\0';
	add_kinds(b, &k);
	mmb_interval(b, k.id[K_GENERIC], mmb_lit(b, big), 1, 0, 5);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	l = s->labels[0].label;
	cr_assert_leq(strlen(l), MMPROF_MAX_STRING);
	cr_assert_geq(
	    strlen(l), MMPROF_MAX_STRING - 3, "%zu: %.40s", strlen(l), l);
	/* "a" and U+FFFD alternate: 4 bytes a pair, never cut inside. */
	cr_assert_eq(strlen(l) % 4, 0, "a U+FFFD was cut in two");
	for (i = 0; i < strlen(l); i += 4)
		cr_assert(memcmp(l + i, "a\xef\xbf\xbd", 4) == 0);
	mmprof_summary_free(s);
	free(p);
	free(big);
	mmb_free(b);
}

#define ODD_META                                                               \
	"{ \"start_time\": 340282366920938463463374607431768211455, "          \
	"\"process_id\": 77, \"cmd\": \"rustc --crate-name odd_one --cfg "     \
	"foo=\\\"\\u{e9}\\\" -Clink-arg=it\\'s --edition 2018 /a b/c d.rs "    \
	"--crate-type=bin -Cmetadata=ff --test --cfg feature=\\\"x\\\" "       \
	"--check-cfg cfg(feature, values(\\\"x\\\", \\\"y\\\")) -L "           \
	"dependency=/t/deps --cfg feature=\\\"y\\\" -C extra-filename=-ff "    \
	"\\u{1F600} \\u{zz} \\t\\n \"}"

static bool
has_arg(const struct mmprof_identity *id, const char *a)
{
	size_t i;

	for (i = 0; i < id->argc; i++)
		if (strcmp(id->argv[i], a) == 0)
			return true;
	return false;
}

Test(mmprof_mem, metadata_escapes_are_repaired)
{
	struct mmb *b = mmb_new(9);
	struct mmprof_file *f;
	struct mmprof_identity *id;
	struct bench_error err;
	json_error_t jerr;
	json_t *j;
	unsigned char *p;
	size_t len;

	mmb_metadata(b, ODD_META);
	p = mmb_file(b, NULL, 0, &len);
	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0);
	cr_assert_eq(mmprof_identity_get(f, &id, &err), 0, "%s", err.text);
	cr_assert_str_eq(id->start_time,
	    "340282366920938463463374607431768211455", "kept exactly");
	cr_assert_eq(id->start_time_ns, 0, "does not fit in 64 bits");
	cr_assert_eq(id->process_id, 77);
	cr_assert_str_eq(id->counter, "wall-time", "the default");
	cr_assert_str_eq(id->crate_name, "odd_one");
	cr_assert_str_eq(id->edition, "2018");
	cr_assert(id->test);
	cr_assert_eq(id->n_crate_types, 1);
	cr_assert_str_eq(id->crate_types[0], "bin");
	cr_assert_str_eq(id->metadata, "ff");
	cr_assert_str_eq(id->extra_filename, "-ff");
	cr_assert_eq(id->n_features, 2);
	cr_assert_str_eq(id->features[0], "x");
	cr_assert_str_eq(id->features[1], "y");
	cr_assert_str_eq(id->source, "/a b/c d.rs");
	cr_assert(has_arg(id, "foo=\"\xc3\xa9\""));
	cr_assert(has_arg(id, "-Clink-arg=it's"));
	cr_assert(has_arg(id, "\xf0\x9f\x98\x80"), "U+1F600");
	cr_assert(has_arg(id, "\xef\xbf\xbdzz}"), "bad escape: U+FFFD");
	cr_assert(has_arg(id, "\t\n"));
	cr_assert_not(id->guessed);
	/* start_time is too big for jansson's integers */
	j = json_loads(id->json, JSON_DECODE_INT_AS_REAL, &jerr);
	cr_assert_not_null(j, "repaired JSON: %s", jerr.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "cmd")), id->cmd);
	json_decref(j);
	mmprof_identity_free(id);
	mmprof_close(f);
	free(p);
	mmb_free(b);
}

/* 25,000 pieces of one input path and 10,000 open parentheses: the
 * identity is still read, in linear time. */
Test(mmprof_mem, hostile_command_lines_stay_linear, .timeout = 30)
{
	struct mmb *b = mmb_new(9);
	struct mmprof_file *f;
	struct mmprof_identity *id;
	struct bench_error err;
	unsigned char *p;
	size_t len, i, o = 0;
	char *json = malloc(200000);

	o += (size_t)sprintf(json + o, "{ \"cmd\": \"rustc ");
	for (i = 0; i < 25000; i++)
		o += (size_t)sprintf(json + o, "a ");
	o += (size_t)sprintf(json + o, "--cfg ");
	for (i = 0; i < 10000; i++)
		json[o++] = '(';
	o += (size_t)sprintf(json + o, " x.rs \" }");
	mmb_metadata(b, json);
	p = mmb_file(b, NULL, 0, &len);
	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0);
	cr_assert_eq(mmprof_identity_get(f, &id, &err), 0, "%s", err.text);
	cr_assert_leq(strlen(id->source), 4098);
	cr_assert_eq(id->argc, 25000 + 4);
	mmprof_identity_free(id);
	mmprof_close(f);
	free(p);
	free(json);
	mmb_free(b);
}

Test(mmprof_mem, identity_of_the_scenario)
{
	size_t len;
	unsigned char *p = scenario_file(8, (size_t[]){11}, 1, &len);
	struct mmprof_file *f;
	struct mmprof_identity *id;
	struct bench_error err;

	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0);
	cr_assert_eq(mmprof_version(f), 8);
	cr_assert_eq(mmprof_identity_get(f, &id, &err), 0, "%s", err.text);
	cr_assert_eq(id->version, 8);
	cr_assert_str_eq(id->start_time, "1795341890380543273");
	cr_assert_eq(id->start_time_ns, 1795341890380543273ULL);
	cr_assert_eq(id->process_id, 5182);
	cr_assert_str_eq(id->counter, "wall-time");
	cr_assert_str_eq(id->crate_name, "krate");
	cr_assert_str_eq(id->edition, "2021");
	cr_assert_str_eq(id->source, "src/lib.rs");
	cr_assert_str_eq(id->metadata, "0123abcd");
	cr_assert_str_eq(id->extra_filename, "-0123abcd");
	cr_assert_eq(id->n_features, 1);
	cr_assert_str_eq(id->features[0], "std");
	cr_assert_not(id->test);
	cr_assert_eq(id->argc, 13);
	cr_assert_str_eq(id->argv[0], "rustc");
	cr_assert_null(id->argv[id->argc]);
	mmprof_identity_free(id);
	mmprof_close(f);
	free(p);
}

Test(mmprof_mem, metadata_without_an_index_is_guessed)
{
	struct mmb *b = scenario(9);
	struct mmprof_file *f;
	struct mmprof_identity *id;
	struct mmprof_summary *s;
	struct bench_error err;
	unsigned char *p;
	size_t len;

	mmb_omit(b, 2);
	p = mmb_file(b, NULL, 0, &len);
	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0);
	cr_assert(mmprof_partial(f, NULL) & MMPROF_PARTIAL_NO_INDEX);
	cr_assert_eq(mmprof_identity_get(f, &id, &err), 0, "%s", err.text);
	cr_assert(id->guessed);
	cr_assert_str_eq(id->crate_name, "krate");
	mmprof_identity_free(id);
	cr_assert_eq(mmprof_summarize(f, MMPROF_ITEMS, &s, &err), 0);
	cr_assert(s->partial & MMPROF_PARTIAL_NO_INDEX);
	cr_assert_not_null(s->identity);
	cr_assert_eq(s->n_unknown, 9, "queries and their hits are unknown");
	cr_assert_eq(s->n_items, 0);
	mmprof_summary_free(s);
	mmprof_close(f);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, no_string_data_means_no_identity)
{
	struct mmb *b = scenario(9);
	struct mmprof_file *f;
	struct mmprof_identity *id;
	struct mmprof_summary *s;
	struct bench_error err;
	unsigned char *p;
	size_t len;

	mmb_omit(b, 1);
	p = mmb_file(b, NULL, 0, &len);
	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0);
	cr_assert_eq(mmprof_identity_get(f, &id, &err), BENCH_ERR_TRUNCATED);
	cr_assert_null(id);
	cr_assert_not_null(strstr(err.text, "string data"), "%s", err.text);
	cr_assert_eq(mmprof_summarize(f, 0, &s, &err), 0);
	cr_assert(s->partial & MMPROF_PARTIAL_NO_STRINGS);
	cr_assert(s->partial & MMPROF_PARTIAL_METADATA);
	cr_assert_eq(s->n_events, 14);
	cr_assert_eq(s->n_unknown, 14);
	cr_assert_eq(need_label(s, "<unknown>")->self_ns, 1900);
	mmprof_summary_free(s);
	mmprof_close(f);
	free(p);
	mmb_free(b);
}

static int
open_code(const void *p, size_t n, struct bench_error *err)
{
	struct mmprof_file *f = NULL;
	int rc = mmprof_open_mem(p, n, &f, err);

	mmprof_close(f);
	return rc;
}

Test(mmprof_mem, broken_headers_are_errors)
{
	struct bench_error err;
	size_t n;

	for (n = 0; n < 8; n++)
		cr_assert_eq(
		    open_code("MMPD\x09\0\0\0", n, &err), BENCH_ERR_TRUNCATED);
	cr_assert_eq(open_code("MMPX\x09\0\0\0", 8, &err), BENCH_ERR_INVALID);
	cr_assert_not_null(strstr(err.text, "offset 0"));
	cr_assert_eq(open_code("MMPD\x07\0\0\0", 8, &err), BENCH_ERR_VERSION);
	cr_assert_eq(open_code("MMPD\x0a\0\0\0", 8, &err), BENCH_ERR_VERSION);
	cr_assert_eq(open_code("MMPD\x09\0\0\0\x03\x01\0\0\0x", 14, &err),
	    BENCH_ERR_INVALID);
	cr_assert_str_eq(err.text, "bad page tag 3 at offset 8");
	cr_assert_eq(
	    open_code("MMPD\x09\0\0\0\0\0\0\0\0", 13, &err), BENCH_ERR_INVALID);
	cr_assert_str_eq(err.text, "empty page at offset 8");
	cr_assert_eq(
	    open_code("MMPD\x09\0\0\0\0\x08\0\0\0MMXS\x09\0\0\0", 21, &err),
	    BENCH_ERR_INVALID);
	cr_assert_not_null(strstr(err.text, "MMES"), "%s", err.text);
	cr_assert_eq(
	    open_code("MMPD\x09\0\0\0\0\x08\0\0\0MMES\x08\0\0\0", 21, &err),
	    BENCH_ERR_INVALID);
	cr_assert_eq(
	    mmprof_open_mem(NULL, 5, &(struct mmprof_file *){NULL}, &err),
	    BENCH_ERR_INVALID);
}

Test(mmprof_mem, structural_damage_gives_partial_results)
{
	struct mmprof_file *f;
	struct mmprof_summary *s;
	struct bench_error err;
	const char *why;

	/* header only */
	cr_assert_eq(mmprof_open_mem("MMPD\x09\0\0\0", 8, &f, &err), 0);
	cr_assert_eq(mmprof_partial(f, &why), MMPROF_PARTIAL_NO_EVENTS |
	                                          MMPROF_PARTIAL_NO_STRINGS |
	                                          MMPROF_PARTIAL_NO_INDEX);
	cr_assert_str_eq(why, "the file has no event stream");
	cr_assert_eq(mmprof_summarize(f, MMPROF_ITEMS, &s, &err), 0);
	cr_assert_eq(s->n_events, 0);
	cr_assert_eq(s->wall_ns, 0);
	cr_assert_null(s->identity);
	mmprof_summary_free(s);
	mmprof_close(f);

	/* a page longer than the rest of the file */
	cr_assert_eq(
	    mmprof_open_mem("MMPD\x09\0\0\0\0\x64\0\0\0MMES", 17, &f, &err), 0);
	cr_assert(mmprof_partial(f, &why) & MMPROF_PARTIAL_TRUNCATED);
	cr_assert_str_eq(why,
	    "file ends inside the event page at offset 8 (100 bytes "
	    "announced, 4 present)");
	mmprof_close(f);

	/* a stream shorter than its header */
	cr_assert_eq(
	    mmprof_open_mem("MMPD\x09\0\0\0\0\x04\0\0\0MMES", 17, &f, &err), 0);
	cr_assert(mmprof_partial(f, NULL) & MMPROF_PARTIAL_RECORD);
	cr_assert(mmprof_partial(f, NULL) & MMPROF_PARTIAL_NO_EVENTS);
	mmprof_close(f);

	/* a file that ends inside a page header */
	cr_assert_eq(mmprof_open_mem("MMPD\x09\0\0\0\0\x04", 10, &f, &err), 0);
	cr_assert(mmprof_partial(f, &why) & MMPROF_PARTIAL_TRUNCATED);
	cr_assert_str_eq(why, "file ends inside a page header at offset 8");
	mmprof_close(f);
}

Test(mmprof_mem, streams_that_end_inside_a_record)
{
	struct mmb *b = scenario(9);
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;

	mmb_stream_bytes(b, 0, "12345", 5);
	mmb_stream_bytes(b, 2, "123", 3);
	p = mmb_file(b, (size_t[]){17}, 1, &len);
	s = summarize_mem(p, len, 0);
	cr_assert(s->partial & MMPROF_PARTIAL_RECORD);
	cr_assert_not_null(strstr(s->partial_reason, "event stream ends 5"),
	    "%s", s->partial_reason);
	cr_assert_eq(s->n_events, 14);
	cr_assert_eq(need_label(s, "typeck")->self_ns, 300);
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

Test(mmprof_mem, intervals_that_end_before_they_start_are_skipped)
{
	struct mmb *b = mmb_new(9);
	struct kinds k;
	struct mmprof_summary *s;
	unsigned char *p;
	size_t len;

	add_kinds(b, &k);
	mmb_interval(b, k.id[K_GENERIC], mmb_lit(b, "good"), 1, 0, 10);
	mmb_interval(b, k.id[K_GENERIC], mmb_lit(b, "bad"), 1, 50, 40);
	p = mmb_file(b, NULL, 0, &len);
	s = summarize_mem(p, len, 0);
	cr_assert(s->partial & MMPROF_PARTIAL_EVENTS);
	cr_assert_str_eq(s->partial_reason,
	    "interval ends before it starts (event stream offset 40)");
	cr_assert_eq(s->n_skipped, 1);
	cr_assert_eq(s->n_intervals, 1);
	cr_assert_null(label(s, "bad"));
	mmprof_summary_free(s);
	free(p);
	mmb_free(b);
}

/* Offsets of the pages of a well-formed file. */
static bool
is_page_boundary(const unsigned char *p, size_t len, size_t cut)
{
	size_t pos = 8;

	while (pos < len) {
		if (pos == cut)
			return true;
		pos += 5 + ((size_t)p[pos + 1] | (size_t)p[pos + 2] << 8 |
		               (size_t)p[pos + 3] << 16 |
		               (size_t)p[pos + 4] << 24);
	}
	return pos == cut;
}

Test(mmprof_mem, every_prefix_is_an_error_or_marked_partial)
{
	struct bench_error err;
	unsigned char *p, *copy;
	unsigned version, partial;
	size_t len, cut;

	for (version = 8; version <= 9; version++) {
		p = scenario_file(version, (size_t[]){37}, 1, &len);
		for (cut = 0; cut <= len; cut++) {
			/* A copy of exactly cut bytes, so that ASan sees
			 * any read past the end. */
			copy = malloc(cut + 1);
			memcpy(copy, p, cut);
			partial = exercise(copy, cut, &err);
			if (cut < 8)
				cr_assert_eq(partial, ~0u);
			else if (!is_page_boundary(p, len, cut))
				cr_assert(partial & MMPROF_PARTIAL_TRUNCATED,
				    "cut at %zu not flagged", cut);
			else if (cut == len)
				cr_assert_eq(partial, 0);
			free(copy);
		}
		free(p);
	}
}

Test(mmprof_mem, byte_flips_do_no_harm, .timeout = 300)
{
	static const int values[] = {-1, 0x00, 0xFF, 0xFE, 0x1E, -2, -3};
	struct bench_error err;
	unsigned char *p, *copy;
	size_t len, off, v;

	p = scenario_file(9, (size_t[]){23, 7, 300}, 3, &len);
	copy = malloc(len);
	for (off = 0; off < len; off++) {
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			memcpy(copy, p, len);
			copy[off] = values[v] == -1   ? (unsigned char)~p[off]
			            : values[v] == -2 ? p[off] ^ 1
			            : values[v] == -3
			                ? p[off] ^ 0x80
			                : (unsigned char)values[v];
			exercise(copy, len, &err);
		}
	}
	free(copy);
	free(p);
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(mmprof_mem, random_corruption_does_no_harm, .timeout = 300)
{
	struct bench_error err;
	unsigned char *p, *copy;
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	size_t len, i, n, k;

	p = scenario_file(9, (size_t[]){64}, 1, &len);
	copy = malloc(len);
	for (i = 0; i < 3000; i++) {
		memcpy(copy, p, len);
		n = 1 + xorshift(&seed) % 16;
		for (k = 0; k < n; k++)
			copy[xorshift(&seed) % len] =
			    (unsigned char)xorshift(&seed);
		exercise(copy, len, &err);
	}
	free(copy);
	free(p);
}

Test(mmprof_mem, events_in_file_order)
{
	size_t len;
	unsigned char *p = scenario_file(9, (size_t[]){5}, 1, &len);
	struct mmprof_file *f;
	struct bench_error err;
	struct collected c;

	cr_assert_eq(mmprof_open_mem(p, len, &f, &err), 0);
	memset(&c, 0, sizeof(c));
	cr_assert_eq(mmprof_foreach_event(f, collect, &c, &err), 1,
	    "the callback stopped the walk");
	cr_assert_eq(c.n, 8);
	cr_assert_str_eq(c.label[0], "typeck");
	cr_assert_eq(c.type[0], MMPROF_EVENT_INSTANT);
	cr_assert_eq(c.start[0], 120);
	cr_assert_str_eq(c.label[2], "typeck");
	cr_assert_str_eq(c.arg0[2], "krate::g");
	cr_assert_eq(c.type[2], MMPROF_EVENT_INTERVAL);
	cr_assert_eq(c.start[2], 150);
	cr_assert_eq(c.end[2], 250);
	cr_assert_str_eq(c.label[3], "InstCombine");
	cr_assert_str_eq(c.arg0[3], "krate::f");
	cr_assert_eq(c.nargs[6], 1);
	mmprof_close(f);
	free(p);
}

Test(mmprof_mem, free_functions_accept_null)
{
	mmprof_close(NULL);
	mmprof_identity_free(NULL);
	mmprof_summary_free(NULL);
	cr_assert_str_eq(
	    mmprof_partial_name(MMPROF_PARTIAL_BUDGET), "string-budget");
	cr_assert_str_eq(mmprof_partial_name(0x4000), "unknown");
}

static char *
work_path(const char *name)
{
	static char path[512];

	mkdir(TOP_BUILDDIR "/tests", 0777);
	mkdir(TOP_BUILDDIR "/tests/work", 0777);
	snprintf(path, sizeof(path), "%s/tests/work/%s", TOP_BUILDDIR, name);
	return path;
}

Test(mmprof_mem, files_and_pipes)
{
	struct mmprof_summary *s;
	struct mmprof_identity *id;
	struct bench_error err;
	unsigned char *p;
	char *path, proc[64];
	size_t len;
	FILE *fp;
	int fds[2];

	p = scenario_file(9, NULL, 0, &len);
	path = work_path("mmprof-scenario.mm_profdata");
	fp = fopen(path, "wb");
	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(p, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(mmprof_summarize_file(path, MMPROF_ITEMS, &s, &err), 0);
	check_scenario(s);
	check_scenario_items(s);
	mmprof_summary_free(s);
	cr_assert_eq(mmprof_read_identity(path, &id, &err), 0);
	cr_assert_str_eq(id->metadata, "0123abcd");
	mmprof_identity_free(id);
	unlink(path);

	/* A pipe is read into memory (the file is smaller than its buffer). */
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], p, len), (ssize_t)len);
	close(fds[1]);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fds[0]);
	cr_assert_eq(
	    mmprof_summarize_file(proc, 0, &s, &err), 0, "%s", err.text);
	check_scenario(s);
	mmprof_summary_free(s);
	close(fds[0]);

	cr_assert_eq(
	    mmprof_summarize_file(TOP_BUILDDIR "/no/such/file", 0, &s, &err),
	    BENCH_ERR_IO);
	cr_assert_null(s);
	cr_assert_str_eq(err.text, "open: No such file or directory");
	cr_assert_eq(
	    mmprof_read_identity("/dev/null", &id, &err), BENCH_ERR_TRUNCATED);
	free(p);
}

/* ---------------------------------------------------- real rustc files */

/*
 * Make the real profiles once (make-profiles.sh keeps them).  Without a
 * Rust toolchain the tests fail, saying so: .ci/install-deps provides one.
 */
static void
real_profiles(void)
{
	char cmd[1024];
	int st;

	work_path("");
	snprintf(cmd, sizeof(cmd),
	    "sh '%s/tests/profile/make-profiles.sh' '%s' >'%s.log' 2>&1",
	    TOP_SRCDIR, REAL_DIR, REAL_DIR);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "make-profiles.sh failed: see %s.log", REAL_DIR);
}

struct files {
	size_t n;
	char path[32][1024];
};

/* The .mm_profdata files of one subdirectory, without cargo's probe. */
static void
list_profiles(const char *sub, struct files *fl)
{
	char dir[512];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", REAL_DIR, sub);
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".mm_profdata") == NULL ||
		    strncmp(de->d_name, "___-", 4) == 0)
			continue;
		cr_assert_lt(fl->n, 32);
		snprintf(fl->path[fl->n++], 1024, "%s/%s", dir, de->d_name);
	}
	closedir(d);
}

static void
all_profiles(struct files *fl)
{
	memset(fl, 0, sizeof(*fl));
	list_profiles("profiles", fl);
	list_profiles("odd", fl);
	list_profiles("broken", fl);
	cr_assert_eq(fl->n, 7, "5 cargo units, odd and broken");
}

static struct mmprof_summary *
real_summary(const char *path, unsigned flags)
{
	struct mmprof_summary *s;
	struct bench_error err;

	cr_assert_eq(mmprof_summarize_file(path, flags, &s, &err), 0, "%s: %s",
	    path, err.text);
	return s;
}

/* The summary of the sample unit with crate types/--test/source given. */
static struct mmprof_summary *
unit_summary(const char *crate, bool test, const char *source, unsigned flags,
    char *path_out)
{
	struct files fl;
	size_t i;

	all_profiles(&fl);
	for (i = 0; i < fl.n; i++) {
		struct mmprof_summary *s = real_summary(fl.path[i], flags);
		const struct mmprof_identity *id = s->identity;

		if (id != NULL && strcmp(id->crate_name, crate) == 0 &&
		    id->test == test && strcmp(id->source, source) == 0) {
			if (path_out != NULL)
				strcpy(path_out, fl.path[i]);
			return s;
		}
		mmprof_summary_free(s);
	}
	cr_assert_fail("no profile of %s %s", crate, source);
	return NULL;
}

static int64_t
items_self(const struct mmprof_summary *s)
{
	int64_t t = 0;
	size_t j;

	for (j = 0; j < s->n_items; j++)
		t += s->items[j].self_ns;
	return t;
}

Test(mmprof_real, every_profile_reads_completely, .init = real_profiles,
    .timeout = 300)
{
	struct files fl;
	size_t i, k;
	uint64_t sum;

	all_profiles(&fl);
	for (i = 0; i < fl.n; i++) {
		struct mmprof_summary *s =
		    real_summary(fl.path[i], MMPROF_ITEMS);

		cr_assert_eq(
		    s->partial, 0, "%s: %s", fl.path[i], s->partial_reason);
		cr_assert_not_null(s->identity);
		cr_assert_eq(s->version, 9);
		cr_assert_gt(s->n_events, 1000);
		for (sum = 0, k = 0; k < s->n_kinds; k++)
			sum += s->kinds[k].count;
		cr_assert_eq(sum, s->n_events);
		cr_assert_eq(s->n_events,
		    s->n_intervals + s->n_instants + s->n_integers);
		cr_assert_eq(s->n_skipped, 0);
		/* The profiler's own queries are never named (spec 12.4);
		 * the broken crate is the exception, see below. */
		if (strstr(fl.path[i], "broken") == NULL)
			cr_assert_lt(s->n_unknown * 5, s->n_events,
			    "%s: %" PRIu64 " unknown", fl.path[i],
			    s->n_unknown);
		cr_assert_eq(s->self_ns,
		    s->overhead_ns + s->unattributed_ns + items_self(s));
		mmprof_summary_free(s);
	}
}

Test(mmprof_real, kinds_and_labels_of_a_library_build, .init = real_profiles)
{
	static const char *const labels[] = {"typeck", "mir_borrowck",
	    "analysis", "parse_crate", "codegen_crate", "LLVM_passes",
	    "LLVM_module_codegen_emit_obj", "link_rlib",
	    "self_profile_alloc_query_strings", "type_of",
	    "metadata_register_crate", "generate_crate_metadata"};
	struct mmprof_summary *s;
	const struct mmprof_label *l;
	size_t i;

	s = unit_summary("mmprof_sample", false, "src/lib.rs", 0, NULL);
	cr_assert_gt(kind_count(s, "Query"), 1000);
	cr_assert_gt(kind_count(s, "GenericActivity"), 1000);
	cr_assert_gt(kind_count(s, "QueryCacheHitCount"), 100);
	cr_assert_gt(kind_count(s, "ArtifactSize"), 0);
	cr_assert_eq(kind_count(s, "QueryCacheHit"), 0,
	    "instants need -Zself-profile-events=query-cache-hit");
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		l = need_label(s, labels[i]);
		cr_assert_gt(l->count, 0, "%s", labels[i]);
		cr_assert_geq(l->self_ns, 0, "%s", labels[i]);
		cr_assert_geq(l->total_ns, l->self_ns, "%s", labels[i]);
	}
	cr_assert_gt(need_label(s, "typeck")->cache_hits, 0);
	cr_assert(need_label(s, "self_profile_alloc_query_strings")->overhead);
	cr_assert_gt(s->n_threads, 1, "main thread and LLVM workers");
	cr_assert_gt(s->n_artifacts, 0);
	for (i = 0; i + 1 < s->n_labels; i++)
		cr_assert_geq(s->labels[i].self_ns, s->labels[i + 1].self_ns);
	mmprof_summary_free(s);
}

/* ----- an independent self-time computation: sort, then nest forward */

struct iv {
	uint32_t thread;
	uint64_t start, end, seq;
	size_t row;   /* row of the label in the summary */
	char *item;   /* first argument of a Query event, or NULL */
	int64_t self; /* this interval's own self time */
	bool hashing;
	bool overhead; /* in or under a self_profile* interval */
};

struct ivs {
	const struct mmprof_summary *s;
	const char **names; /* sorted label names */
	size_t *rows;
	struct iv *v;
	size_t n, cap;
	uint64_t seq;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
gather(const struct mmprof_event *ev, void *arg)
{
	struct ivs *x = arg;
	const char **hit;
	struct iv *v;

	if (ev->type != MMPROF_EVENT_INTERVAL)
		return 0;
	hit = bsearch(
	    &ev->label, x->names, x->s->n_labels, sizeof(char *), cmp_names);
	cr_assert_not_null(hit, "label %s has no row", ev->label);
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 4096;
		x->v = realloc(x->v, x->cap * sizeof(*x->v));
	}
	v = &x->v[x->n++];
	v->thread = ev->thread;
	v->start = ev->start;
	v->end = ev->end;
	v->seq = x->seq++;
	v->hashing = strcmp(ev->kind, "IncrementalResultHashing") == 0;
	v->row = x->rows[hit - x->names];
	v->item = strcmp(ev->kind, "Query") == 0 && ev->n_args > 0
	              ? strdup(ev->args[0])
	              : NULL;
	v->self = 0;
	v->overhead = strncmp(ev->label, "self_profile", 12) == 0;
	return 0;
}

struct item_self {
	const char *item;
	int64_t self;
};

static int
cmp_item_self(const void *a, const void *b)
{
	return strcmp(((const struct item_self *)a)->item,
	    ((const struct item_self *)b)->item);
}

/* Self time per item from the intervals, against the summary's items. */
static void
check_items(const struct mmprof_summary *s, const struct ivs *x)
{
	struct item_self *v = calloc(x->n + 1, sizeof(*v));
	struct item_self key, *hit;
	size_t i, n = 0, m = 0;

	for (i = 0; i < x->n; i++)
		if (x->v[i].item != NULL && !x->v[i].overhead) {
			v[n].item = x->v[i].item;
			v[n++].self = x->v[i].self;
		}
	qsort(v, n, sizeof(*v), cmp_item_self);
	for (i = 0; i < n; i++) {
		if (m > 0 && strcmp(v[m - 1].item, v[i].item) == 0)
			v[m - 1].self += v[i].self;
		else
			v[m++] = v[i];
	}
	cr_assert_eq(m, s->n_items, "items: %zu here, %zu in the summary", m,
	    s->n_items);
	for (i = 0; i < s->n_items; i++) {
		key.item = s->items[i].item;
		hit = bsearch(&key, v, m, sizeof(*v), cmp_item_self);
		cr_assert_not_null(hit, "item %s", key.item);
		cr_assert_eq(
		    hit->self, s->items[i].self_ns, "item %s", key.item);
	}
	free(v);
}

/* By thread, start, longest first, and the later-written first. */
static int
cmp_iv(const void *pa, const void *pb)
{
	const struct iv *a = pa, *b = pb;

	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

Test(mmprof_real, self_times_agree_with_an_independent_algorithm,
    .init = real_profiles, .timeout = 300)
{
	struct files fl;
	size_t i, k, top, *stack, j;
	int64_t *self, *total, union_ns, covered;
	uint64_t reach;

	all_profiles(&fl);
	for (i = 0; i < fl.n; i++) {
		struct mmprof_summary *s =
		    real_summary(fl.path[i], MMPROF_ITEMS);
		struct mmprof_file *f;
		struct bench_error err;
		struct ivs x;
		size_t t;

		memset(&x, 0, sizeof(x));
		x.s = s;
		x.names = calloc(s->n_labels, sizeof(*x.names));
		x.rows = calloc(s->n_labels, sizeof(*x.rows));
		for (k = 0; k < s->n_labels; k++)
			x.names[k] = s->labels[k].label;
		qsort(x.names, s->n_labels, sizeof(*x.names), cmp_names);
		for (k = 0; k < s->n_labels; k++)
			x.rows[k] = (size_t)(label(s, x.names[k]) - s->labels);
		cr_assert_eq(mmprof_open(fl.path[i], &f, &err), 0);
		cr_assert_eq(mmprof_foreach_event(f, gather, &x, &err), 0);
		mmprof_close(f);
		cr_assert_eq(x.n, s->n_intervals);
		qsort(x.v, x.n, sizeof(*x.v), cmp_iv);

		self = calloc(s->n_labels, sizeof(*self));
		total = calloc(s->n_labels, sizeof(*total));
		stack = calloc(x.n + 1, sizeof(*stack));
		top = 0;
		t = 0;
		for (k = 0; k < x.n; k++) {
			struct iv *v = &x.v[k];
			int64_t d = (int64_t)(v->end - v->start);

			if (k > 0 && v->thread != x.v[k - 1].thread)
				top = 0;
			while (top > 0 &&
			       !(x.v[stack[top - 1]].start <= v->start &&
			           v->end <= x.v[stack[top - 1]].end))
				top--;
			if (top > 0) {
				self[x.v[stack[top - 1]].row] -= d;
				x.v[stack[top - 1]].self -= d;
				v->overhead |= x.v[stack[top - 1]].overhead;
			}
			self[v->row] += d;
			v->self += d;
			if (!v->hashing)
				total[v->row] += d;
			stack[top++] = k;
		}
		for (k = 0; k < s->n_labels; k++) {
			cr_assert_eq(self[k], s->labels[k].self_ns,
			    "%s: self of %s", fl.path[i], s->labels[k].label);
			cr_assert_eq(total[k], s->labels[k].total_ns,
			    "%s: total of %s", fl.path[i], s->labels[k].label);
		}

		/* Self times add up to the time covered on each thread:
		 * exactly to the sum of top-level intervals, and to the
		 * union of all intervals (computed here from the sorted
		 * list) within 0.1 %. */
		covered = 0;
		for (k = 0; k < s->n_threads; k++)
			covered += s->threads[k].covered_ns;
		cr_assert_eq(covered, s->self_ns);
		for (t = 0, k = 0; t < s->n_threads; t++) {
			union_ns = 0;
			reach = 0;
			for (j = k;
			     j < x.n && x.v[j].thread == s->threads[t].id;
			     j++) {
				uint64_t a =
				    x.v[j].start > reach ? x.v[j].start : reach;

				if (x.v[j].end > a)
					union_ns += (int64_t)(x.v[j].end - a);
				if (x.v[j].end > reach)
					reach = x.v[j].end;
			}
			k = j;
			cr_assert_leq(
			    llabs(union_ns - s->threads[t].covered_ns),
			    s->threads[t].covered_ns / 1000,
			    "%s thread %u: union %" PRId64 " covered %" PRId64,
			    fl.path[i], s->threads[t].id, union_ns,
			    s->threads[t].covered_ns);
		}
		check_items(s, &x);
		for (k = 0; k < x.n; k++)
			free(x.v[k].item);
		free(self);
		free(total);
		free(stack);
		free(x.v);
		free(x.names);
		free(x.rows);
		mmprof_summary_free(s);
	}
}

/* ----- wall time against cargo's own clock (-Zbuild-analysis) */

struct unit {
	char name[64], kind[16], mode[16];
	double started, finished;
};

static size_t
cargo_units(struct unit *u, size_t max)
{
	char path[512], line[8192];
	json_t *j, *t;
	const char *reason;
	size_t n = 0, idx;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/build-analysis.jsonl", REAL_DIR);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	memset(u, 0, max * sizeof(*u));
	while (fgets(line, sizeof(line), fp) != NULL) {
		j = json_loads(line, 0, NULL);
		cr_assert_not_null(j, "bad line in %s", path);
		reason = json_string_value(json_object_get(j, "reason"));
		idx = (size_t)json_integer_value(json_object_get(j, "index"));
		if (reason != NULL && idx < max &&
		    strcmp(reason, "unit-registered") == 0) {
			t = json_object_get(j, "target");
			snprintf(u[idx].name, 64, "%s",
			    json_string_value(json_object_get(t, "name")));
			snprintf(u[idx].kind, 16, "%s",
			    json_string_value(json_object_get(t, "kind")));
			snprintf(u[idx].mode, 16, "%s",
			    json_string_value(json_object_get(j, "mode")));
			if (idx + 1 > n)
				n = idx + 1;
		} else if (reason != NULL && idx < max &&
		           strcmp(reason, "unit-started") == 0)
			u[idx].started =
			    json_real_value(json_object_get(j, "elapsed"));
		else if (reason != NULL && idx < max &&
		         strcmp(reason, "unit-finished") == 0)
			u[idx].finished =
			    json_real_value(json_object_get(j, "elapsed"));
		json_decref(j);
	}
	fclose(fp);
	return n;
}

Test(mmprof_real, wall_time_is_close_to_cargos_unit_time, .init = real_profiles)
{
	struct unit u[16];
	size_t n, i;

	n = cargo_units(u, 16);
	cr_assert_eq(n, 5, "lib, lib test, bin, bin test, tests/smoke");
	for (i = 0; i < n; i++) {
		bool test = strcmp(u[i].mode, "test") == 0;
		const char *src = strcmp(u[i].kind, "lib") == 0 ? "src/lib.rs"
		                  : strcmp(u[i].kind, "bin") == 0
		                      ? "src/main.rs"
		                      : "tests/smoke.rs";
		const char *crate = strcmp(u[i].kind, "test") == 0
		                        ? u[i].name
		                        : "mmprof_sample";
		struct mmprof_summary *s =
		    unit_summary(crate, test, src, 0, NULL);
		double wall = (double)s->wall_ns / 1e9;
		double unit = u[i].finished - u[i].started;

		/* rustc's profiler starts after process start-up and stops
		 * before exit: its wall time is a little shorter than the
		 * unit's (about 0.9 to 0.97 of it here).  Tolerance: not
		 * longer than the unit plus 2 ms, not shorter than 60 % of it
		 * less 30 ms. */
		cr_assert_gt(unit, 0.0);
		cr_assert_leq(wall, unit + 0.002,
		    "%s %s: profile %.4f s, cargo "
		    "%.4f s",
		    u[i].kind, u[i].mode, wall, unit);
		cr_assert_geq(wall, 0.6 * unit - 0.030,
		    "%s %s: profile %.4f s, cargo %.4f s", u[i].kind, u[i].mode,
		    wall, unit);
		if (!test)
			cr_assert_geq(s->identity->n_crate_types, 1);
		mmprof_summary_free(s);
	}
}

static bool
is_hex(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

Test(mmprof_real, identity_of_the_units, .init = real_profiles)
{
	struct mmprof_summary *s;
	const struct mmprof_identity *id;
	struct mmprof_identity *id2;
	struct bench_error err;
	char path[1024], pid[64];
	const char *base;

	s = unit_summary("mmprof_sample", false, "src/lib.rs", 0, path);
	id = s->identity;
	cr_assert_eq(id->n_crate_types, 1);
	cr_assert_str_eq(id->crate_types[0], "lib");
	cr_assert_str_eq(id->edition, "2021");
	cr_assert_eq(id->n_features, 2, "default and extra, not unused");
	cr_assert_str_eq(id->features[0], "default");
	cr_assert_str_eq(id->features[1], "extra");
	cr_assert(is_hex(id->metadata, 16), "%s", id->metadata);
	cr_assert_eq(id->extra_filename[0], '-');
	cr_assert(is_hex(id->extra_filename + 1, 16));
	cr_assert_str_eq(id->counter, "wall-time");
	/* The file name is <crate>-<pid, 7 digits>.mm_profdata. */
	base = strrchr(path, '/') + 1;
	snprintf(pid, sizeof(pid), "mmprof_sample-%07" PRIu64 ".mm_profdata",
	    id->process_id);
	cr_assert_str_eq(base, pid);
	/* start_time: ns since the epoch, kept exactly; the build ran in the
	 * last year (the scratch directory is made by the tests). */
	snprintf(pid, sizeof(pid), "%" PRIu64, id->start_time_ns);
	cr_assert_str_eq(id->start_time, pid);
	cr_assert_gt(id->start_time_ns,
	    ((uint64_t)time(NULL) - 366 * 86400) * 1000000000ULL);
	cr_assert_leq(
	    id->start_time_ns, ((uint64_t)time(NULL) + 60) * 1000000000ULL);

	/* The cheap path reads the same identity. */
	cr_assert_eq(mmprof_read_identity(path, &id2, &err), 0, "%s", err.text);
	cr_assert_str_eq(id2->cmd, id->cmd);
	cr_assert_str_eq(id2->metadata, id->metadata);
	cr_assert_str_eq(id2->json, id->json);
	cr_assert_eq(id2->argc, id->argc);
	mmprof_identity_free(id2);
	mmprof_summary_free(s);

	s = unit_summary("mmprof_sample", true, "src/lib.rs", 0, NULL);
	cr_assert_eq(s->identity->n_crate_types, 0, "--test has no type");
	mmprof_summary_free(s);
	s = unit_summary("mmprof_sample", false, "src/main.rs", 0, NULL);
	cr_assert_str_eq(s->identity->crate_types[0], "bin");
	mmprof_summary_free(s);
	s = unit_summary("smoke", true, "tests/smoke.rs", 0, NULL);
	cr_assert_not_null(label(s, "typeck"));
	mmprof_summary_free(s);
}

Test(mmprof_real, odd_command_line_is_repaired, .init = real_profiles)
{
	struct files fl = {0};
	struct mmprof_identity *id;
	struct bench_error err;
	json_t *j;
	char want[600];

	list_profiles("odd", &fl);
	cr_assert_eq(fl.n, 1);
	cr_assert_eq(
	    mmprof_read_identity(fl.path[0], &id, &err), 0, "%s", err.text);
	cr_assert_str_eq(id->crate_name, "odd");
	snprintf(want, sizeof(want), "%s/odd dir/odd lib.rs", REAL_DIR);
	cr_assert_eq(strcmp(id->source + strlen(id->source) - 15,
	                 "dir/odd lib.rs") == 0 ||
	                 strcmp(id->source, want) == 0,
	    1, "%s", id->source);
	cr_assert(has_arg(id, "foo=\"\xc3\xa9\""), "%s", id->cmd);
	cr_assert(has_arg(id, "-Clink-arg=it's"), "%s", id->cmd);
	cr_assert_eq(id->n_features, 0);
	j = json_loads(id->json, 0, NULL);
	cr_assert_not_null(j, "the repaired metadata is JSON");
	json_decref(j);
	mmprof_identity_free(id);
}

Test(mmprof_real, failed_compilation_names_no_query, .init = real_profiles)
{
	struct files fl = {0};
	struct mmprof_summary *s;

	list_profiles("broken", &fl);
	cr_assert_eq(fl.n, 1);
	s = real_summary(fl.path[0], MMPROF_ITEMS);
	cr_assert_eq(s->partial, 0, "the file itself is whole");
	cr_assert_str_eq(s->identity->crate_name, "broken");
	/* rustc 1.95 writes no query strings when compilation fails
	 * (spec 12.4): every Query event is <unknown>. */
	cr_assert_geq(s->n_unknown, kind_count(s, "Query"));
	cr_assert_eq(s->n_items, 0);
	mmprof_summary_free(s);
}

Test(mmprof_real, items_of_the_library, .init = real_profiles)
{
	struct mmprof_summary *s;
	const struct mmprof_item *it;
	const struct mmprof_label *l;
	int64_t items = 0;
	size_t i;

	s = unit_summary(
	    "mmprof_sample", false, "src/lib.rs", MMPROF_ITEMS, NULL);
	it = item(s, "mmprof_sample::compute");
	cr_assert_not_null(it);
	cr_assert_gt(it->self_ns, 0);
	cr_assert_geq(
	    item_label_self(s, "mmprof_sample::compute", "typeck"), 0);
	cr_assert_geq(
	    item_label_self(s, "mmprof_sample::compute", "mir_borrowck"), 0);
	cr_assert_not_null(item(s, "mmprof_sample::Stack"));
	for (i = 0; i < s->n_items; i++) {
		items += s->items[i].self_ns;
		cr_assert_eq(s->items[i].n_labels > 0, 1);
	}
	cr_assert_eq(items + s->unattributed_ns + s->overhead_ns, s->self_ns);
	/* The profiler's work is a top-level interval: all of it is
	 * overhead, none of it an item's. */
	l = need_label(s, "self_profile_alloc_query_strings");
	cr_assert_eq(s->overhead_ns, l->total_ns);
	cr_assert_gt(s->overhead_ns, 0);
	mmprof_summary_free(s);
}

static unsigned char *
slurp_file(const char *path, size_t *len)
{
	unsigned char *p;
	struct stat sb;
	FILE *fp = fopen(path, "rb");

	cr_assert_not_null(fp);
	cr_assert_eq(fstat(fileno(fp), &sb), 0);
	*len = (size_t)sb.st_size;
	p = malloc(*len + 1);
	cr_assert_eq(fread(p, 1, *len, fp), *len);
	fclose(fp);
	return p;
}

Test(mmprof_real, cuts_and_flips_of_a_real_file, .init = real_profiles,
    .timeout = 600)
{
	struct files fl = {0};
	struct mmprof_summary *full;
	struct bench_error err;
	unsigned char *p, *copy;
	uint64_t seed = 12345;
	unsigned partial;
	size_t len, i, cut, pos;

	list_profiles("odd", &fl);
	p = slurp_file(fl.path[0], &len);
	full = summarize_mem(p, len, 0);
	copy = malloc(len);
	/* 150 cuts spread over the file, and each page boundary +-1. */
	for (i = 0; i <= 150; i++) {
		cut = 8 + (len - 8) * i / 150;
		memcpy(copy, p, cut);
		partial = exercise(copy, cut, &err);
		if (!is_page_boundary(p, len, cut))
			cr_assert(partial & MMPROF_PARTIAL_TRUNCATED);
	}
	for (pos = 8; pos < len;
	     pos +=
	     5 + ((size_t)p[pos + 1] | (size_t)p[pos + 2] << 8 |
	             (size_t)p[pos + 3] << 16 | (size_t)p[pos + 4] << 24)) {
		for (cut = pos - 1; cut <= pos + 1 && cut <= len; cut++) {
			memcpy(copy, p, cut);
			partial = exercise(copy, cut, &err);
			if (cut < 8)
				cr_assert_eq(partial, ~0u);
			else if (cut != pos)
				cr_assert(partial != ~0u &&
				          (partial & MMPROF_PARTIAL_TRUNCATED));
		}
	}
	/* 200 copies with random bytes changed. */
	for (i = 0; i < 200; i++) {
		memcpy(copy, p, len);
		copy[xorshift(&seed) % len] = (unsigned char)xorshift(&seed);
		copy[xorshift(&seed) % len] ^= 0xFF;
		exercise(copy, len, &err);
	}
	mmprof_summary_free(full);
	free(copy);
	free(p);
}
