/*
 * phases-fuzzer.c: libFuzzer target for --phases' reader of a command's
 * output (reports/phases.c).
 *
 * The first byte picks the pattern (the default, or one of two of a user's:
 * with a unit group, and without); the second seeds the chunk sizes; the
 * rest is the output, stdout and stderr split at the first form feed
 * (so the seeds are text).
 * Beyond "no crash, no leak, no undefined behaviour" it checks what the
 * reader promises:
 *   - any split of the output into chunks gives the same sums;
 *   - every kept name is valid (report_phase_name_valid), every sum
 *     finite and at least 0, never more than REPORT_PHASES_MAX names;
 *   - a result with the sums as its one run dumps, parses and dumps
 *     again unchanged, with the same phases.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static const char *const patterns[] = {
    NULL,
    "([a-z_]+) took ([0-9.e+]+) ?([a-z\xc2\xb5]+)",
    "^step ([^ ]+) ([0-9.]+)",
};

/* Feed stdout then stderr, in chunks of the sizes seed gives (0: whole). */
static void
scan(struct phase_scan *s, const char *out, size_t n_out, const char *err,
    size_t n_err, unsigned seed)
{
	const char *bufs[2] = {out, err};
	size_t lens[2] = {n_out, n_err}, i, k, off;

	for (i = 0; i < 2; i++) {
		for (off = 0; off < lens[i]; off += k) {
			k = seed == 0
			        ? lens[i]
			        : 1 + (seed = seed * 1103515245u + 12345u) % 97;
			if (k > lens[i] - off)
				k = lens[i] - off;
			report_phase_scan_feed(s, bufs[i] + off, k);
		}
		report_phase_scan_end_stream(s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct phase_pattern *pat[3];
	struct phase_scan *whole, *pieces;
	struct baseline *b, *c;
	struct bench_result *r;
	const char *text, *nul;
	char *dump1, *dump2;
	size_t n, i, which;

	if (size < 2)
		return 0;
	which = data[0] % 3;
	if (pat[which] == NULL)
		check(report_phase_pattern_new(patterns[which],
		          which == 2 ? "us" : NULL, &pat[which], NULL) == 0);
	text = (const char *)data + 2;
	n = size - 2;
	nul = memchr(text, '\f', n);

	whole = report_phase_scan_new(pat[which]);
	pieces = report_phase_scan_new(pat[which]);
	if (nul != NULL) {
		scan(whole, text, (size_t)(nul - text), nul + 1,
		    n - (size_t)(nul - text) - 1, 0);
		scan(pieces, text, (size_t)(nul - text), nul + 1,
		    n - (size_t)(nul - text) - 1, data[1] + 1u);
	} else {
		scan(whole, text, n, "", 0, 0);
		scan(pieces, text, n, "", 0, data[1] + 1u);
	}
	check(whole->n == pieces->n && whole->ignored == pieces->ignored);
	check(whole->n <= REPORT_PHASES_MAX);
	for (i = 0; i < whole->n; i++) {
		const struct phase_sum *w = &whole->sums[i];

		check(strcmp(w->name, pieces->sums[i].name) == 0);
		check(w->seconds == pieces->sums[i].seconds);
		check(w->lines == pieces->sums[i].lines && w->lines > 0);
		check(report_phase_name_valid(w->name, strlen(w->name)));
		check(isfinite(w->seconds) && w->seconds >= 0);
	}

	/* The sums as a run of a result: the JSON round trip. */
	b = report_baseline_create();
	b->id = strdup("fuzz");
	b->created = strdup("2026-12-04T12:00:00Z");
	b->tool_version = strdup("0");
	b->workspace = strdup("/w");
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	r = report_baseline_add_result(b);
	r->name = strdup("x");
	r->command = strdup("x");
	r->runs = calloc(1, sizeof(*r->runs));
	check(r->runs != NULL);
	r->runs[0].wall = 1;
	r->n_runs = 1;
	report_phase_scan_commit(whole, r, 0, 1);
	check(whole->n == 0);
	check(report_result_compute(r, 0.95, 3.5, NULL) == 0);
	dump1 = report_baseline_dump(b, NULL);
	check(dump1 != NULL);
	c = report_baseline_parse(dump1, strlen(dump1), NULL);
	check(c != NULL);
	check(c->results[0].n_phases == r->n_phases);
	dump2 = report_baseline_dump(c, NULL);
	check(dump2 != NULL && strcmp(dump1, dump2) == 0);
	free(dump1);
	free(dump2);
	report_baseline_free(b);
	report_baseline_free(c);
	report_phase_scan_free(whole);
	report_phase_scan_free(pieces);
	return 0;
}
