/*
 * flame-fuzzer.c: libFuzzer target for the flame library's readers: perf
 * script's output and the table of categories.
 *
 * The first byte picks the reader: even, perf script output (the rest,
 * split at its first NUL byte into two recorded runs); odd, a table of
 * categories.  Beyond "no crash, no leak, no undefined behaviour" it
 * checks what the readers promise:
 *   - the report adds up: programs' samples to all samples, each function's
 *     self within its total within all samples, a category's samples alone
 *     within its samples, the shares within 100 %;
 *   - the folded stacks count every sample once;
 *   - the SVG is valid UTF-8 without control characters (XML), one </g>
 *     per frame, and report.json can be written;
 *   - a table that is accepted dumps, parses and dumps again unchanged.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-utf8.h"
#include "flame.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
check_report(const struct flame_report *r, uint64_t samples)
{
	uint64_t sum = 0, alone = 0;
	size_t i;

	check(r->samples == samples);
	check(r->user_samples + r->kernel_samples == samples);
	for (i = 0; i < r->n_programs; i++) {
		sum += r->programs[i].samples;
		check(isfinite(r->programs[i].alive_s) &&
		      r->programs[i].alive_s >= 0);
		check(i == 0 ||
		      r->programs[i].samples <= r->programs[i - 1].samples);
	}
	check(sum == samples);
	for (i = 0; i < r->n_functions; i++) {
		const struct flame_function *f = &r->functions[i];

		check(
		    f->self_samples > 0 && f->self_samples <= f->total_samples);
		check(f->total_samples <= samples && f->total_pct <= 100.0);
		check(i == 0 ||
		      f->self_samples <= r->functions[i - 1].self_samples);
	}
	for (i = 0; i < r->n_kernel_functions; i++)
		check(r->kernel_functions[i].self_samples <=
		      r->kernel_functions[i].total_samples);
	for (i = 0; i < r->n_categories; i++) {
		check(
		    r->categories[i].self_samples <= r->categories[i].samples);
		check(r->categories[i].samples <= samples);
		alone += r->categories[i].self_samples;
	}
	check(alone <= samples);
}

/* Every line "frames COUNT": the counts add up to all samples. */
static void
check_folded(const char *text, uint64_t samples)
{
	const char *p = text, *nl, *sp;
	uint64_t sum = 0;

	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		check(nl != NULL);
		sp = nl;
		while (sp > p && sp[-1] != ' ')
			sp--;
		check(sp > p);
		sum += strtoull(sp, NULL, 10);
	}
	check(sum == samples);
}

static void
check_xml_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		k = bench_utf8_len(u + i, n - i);
		check(k > 0);
		check(k > 1 || u[i] >= 0x20 || u[i] == '\n' || u[i] == '\t');
		i += k;
	}
	check(occurrences(s, "<g class=\"f\">") == occurrences(s, "</g>"));
}

static char *
written(const struct flame_data *d, int svg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct flame_svg_opts o = {"fuzz", NULL, 0};

	check(f != NULL);
	if (svg)
		check(flame_write_svg(d, &o, f, NULL) == 0);
	else
		check(flame_write_folded(d, f, NULL) == 0);
	fclose(f);
	return buf;
}

static void
perf_script(const char *text, size_t size)
{
	struct flame_data *d = flame_data_create();
	struct flame_categories *c = flame_categories_default();
	struct flame_report *r;
	struct flame_counts counts;
	const char *nul = memchr(text, '\0', size);
	char *out;

	if (nul != NULL) {
		flame_data_parse(d, text, (size_t)(nul - text));
		flame_data_parse(d, nul + 1, size - (size_t)(nul - text) - 1);
	} else
		flame_data_parse(d, text, size);
	flame_data_counts(d, &counts);
	check(counts.kernel_samples <= counts.samples);
	check(counts.skipped <= counts.lines);
	flame_categories_add(c, "crate fuzz", "fuzz::*");
	r = flame_report_build(d, c, 5);
	check_report(r, counts.samples);
	out = report_flame_json(r, NULL);
	check(out != NULL);
	free(out);
	out = written(d, 0);
	check_folded(out, counts.samples);
	free(out);
	out = written(d, 1);
	check_xml_text(out);
	free(out);
	flame_report_free(r);
	flame_categories_free(c);
	flame_data_free(d);
}

static void
table(const char *text, size_t size)
{
	struct flame_categories *c, *again;
	struct bench_error err;
	char *one, *two;

	memset(&err, 0, sizeof(err));
	if (flame_categories_parse(text, size, &c, &err) != 0) {
		check(err.code == BENCH_ERR_INVALID && err.text[0] != '\0');
		return;
	}
	one = flame_categories_dump(c);
	check(flame_categories_parse(one, strlen(one), &again, &err) == 0);
	two = flame_categories_dump(again);
	check(strcmp(one, two) == 0);
	free(one);
	free(two);
	flame_categories_free(c);
	flame_categories_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0)
		perf_script((const char *)data + 1, size - 1);
	else
		table((const char *)data + 1, size - 1);
	return 0;
}
