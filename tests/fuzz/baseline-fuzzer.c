/*
 * baseline-fuzzer.c: libFuzzer target for the baseline reader
 * (report_baseline_parse), which reads files and, later, HTTP bodies.
 *
 * For any input the reader must return a baseline, or NULL with an error
 * that says why, without a crash, a leak or undefined behaviour (ASan and
 * UBSan watch).  A document it accepts must survive the round trip: its
 * dump parses again and dumps to the same bytes.  Every export of it must
 * succeed too.  See tests/fuzz/run.sh.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "stats.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Once, before the first input: GSL must not abort. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	stats_init();
	return 0;
}

static void
fail(const char *what, const char *first, const char *second)
{
	fprintf(stderr, "baseline-fuzzer: %s\n", what);
	if (first != NULL)
		fprintf(stderr, "--- first:\n%s\n", first);
	if (second != NULL)
		fprintf(stderr, "--- second:\n%s\n", second);
	abort();
}

/* Parse one input and check the round trip of what is accepted. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bench_error err;
	struct baseline *b = NULL, *c = NULL;
	char *text = NULL, *again = NULL, *out;
	int fmt;

	memset(&err, 0, sizeof(err));
	b = report_baseline_parse((const char *)data, size, &err);
	if (b == NULL) {
		if (err.code >= 0 || err.text[0] == '\0')
			fail("refused without saying why", err.text, NULL);
		goto out;
	}
	if (err.code != 0 || err.text[0] != '\0')
		fail("accepted, with an error", err.text, NULL);

	text = report_baseline_dump(b, &err);
	if (text == NULL)
		fail("cannot dump what it accepted", err.text, NULL);
	c = report_baseline_parse(text, strlen(text), &err);
	if (c == NULL)
		fail("refuses its own dump", err.text, text);
	again = report_baseline_dump(c, &err);
	if (again == NULL)
		fail("cannot dump its own dump", err.text, text);
	if (strcmp(text, again) != 0)
		fail("the round trip changed the document", text, again);

	for (fmt = 0; fmt < REPORT_EXPORT_COUNT; fmt++) {
		out = report_export(b, (enum report_export_format)fmt, &err);
		if (out == NULL)
			fail("an export failed",
			    report_export_format_name(
			        (enum report_export_format)fmt),
			    err.text);
		free(out);
	}
out:
	free(again);
	free(text);
	report_baseline_free(c);
	report_baseline_free(b);
	return 0;
}
