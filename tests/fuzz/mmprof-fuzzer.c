/*
 * mmprof-fuzzer.c: libFuzzer target for the self-profile reader.  Each input
 * is a whole .mm_profdata file, read from memory; the target opens it, reads
 * its identity, summarizes it with and without items and walks its events,
 * and checks the invariants that hold for any input.
 *
 * Build (or --enable-fuzzing, see src/profile/local.mk):
 *   clang -fsanitize=fuzzer,address,undefined -Isrc -Isrc/profile \
 *       src/profile/mmprof-*.c tests/fuzz/mmprof-fuzzer.c -o mmprof-fuzzer
 * Seeds: tests/fuzz/mmprof-seeds DIR writes hand-built files into DIR.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmprof.h"
#include "mmprof-int.h" /* mmprof_open_mem, mmprof_foreach_event */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_event(const struct mmprof_event *ev, void *arg)
{
	size_t *n = arg, i;

	/* Touch every string, so that ASan sees a bad pointer. */
	*n += strlen(ev->kind) + strlen(ev->label);
	for (i = 0; i < ev->n_args; i++)
		*n += strlen(ev->args[i]);
	if (ev->type == MMPROF_EVENT_INTERVAL && ev->start > ev->end)
		abort();
	return 0;
}

static void
check_summary(const struct mmprof_summary *s)
{
	int64_t items = 0, covered = 0, self = 0;
	uint64_t kinds = 0;
	size_t i;

	if (s->n_events !=
	    s->n_intervals + s->n_instants + s->n_integers + s->n_skipped)
		abort();
	if ((s->partial == 0) != (s->partial_reason[0] == '\0'))
		abort();
	for (i = 0; i < s->n_kinds; i++)
		kinds += s->kinds[i].count;
	if (kinds != s->n_events)
		abort();
	for (i = 0; i < s->n_labels; i++) {
		self += s->labels[i].self_ns;
		if (strlen(s->labels[i].label) > MMPROF_MAX_STRING)
			abort();
	}
	for (i = 0; i < s->n_threads; i++)
		covered += s->threads[i].covered_ns;
	for (i = 0; i < s->n_items; i++) {
		items += s->items[i].self_ns;
		if (s->items[i].first_label + s->items[i].n_labels >
		    s->n_item_labels)
			abort();
	}
	for (i = 0; i < s->n_item_labels; i++)
		if (s->item_labels[i].label >= s->n_labels)
			abort();
	/* Unsigned wrap-around keeps these identities on any input. */
	if ((uint64_t)self != (uint64_t)s->self_ns ||
	    (uint64_t)covered != (uint64_t)s->self_ns)
		abort();
	if ((uint64_t)s->overhead_ns + (uint64_t)s->unattributed_ns +
	        (uint64_t)items !=
	    (uint64_t)s->self_ns)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmprof_file *f;
	struct mmprof_summary *s;
	struct mmprof_identity *id;
	struct bench_error err;
	size_t n = 0;

	if (mmprof_open_mem(data, size, &f, &err) != 0) {
		if (err.code >= 0 || err.text[0] == '\0')
			abort();
		return 0;
	}
	if (mmprof_identity_get(f, &id, &err) == 0) {
		if (id->counter == NULL || (id->argc > 0 && id->argv == NULL))
			abort();
		mmprof_identity_free(id);
	}
	if (mmprof_summarize(f, MMPROF_ITEMS, &s, &err) == 0) {
		check_summary(s);
		mmprof_summary_free(s);
	}
	if (mmprof_summarize(f, 0, &s, &err) == 0) {
		check_summary(s);
		if (s->n_items != 0)
			abort();
		mmprof_summary_free(s);
	}
	(void)mmprof_foreach_event(f, on_event, &n, &err);
	mmprof_close(f);
	return 0;
}
