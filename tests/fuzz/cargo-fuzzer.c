/*
 * cargo-fuzzer.c: libFuzzer target for what bench-tests reads from cargo,
 * libtest and its own wrapper: cargo metadata, the artifact messages of
 * --message-format json, libtest's JSON lines with cargo's "Running"
 * lines, the -Zbuild-analysis log and the records of
 * bench-tests-rustc-wrapper (with the unit their arguments describe).
 *
 * The first byte of an input picks the parser by its value modulo 5 (the
 * seeds in tests/fuzz/corpus/cargo/ use A metadata, B artifacts, C libtest,
 * D build-analysis, E unit records); the rest is the text.  Any
 * input must give a result or an error, without a crash, a leak or
 * undefined behaviour (ASan and UBSan watch).  Results are walked so that
 * every pointer they hold is read.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small workspace for the parsers that name things after its members. */
static const char metadata[] =
    "{\"packages\": [{\"name\": \"a\", \"id\": \"id-a\", \"targets\": "
    "[{\"kind\": [\"lib\"], \"name\": \"a\", \"src_path\": \"/w/a/src/lib.rs\","
    " \"test\": true, \"doctest\": true}, {\"kind\": [\"test\"], \"name\": "
    "\"t\", \"test\": true}]}], \"workspace_members\": [\"id-a\"]}";

static size_t sink;

static void
touch(const char *s)
{
	if (s != NULL)
		sink += strlen(s);
}

static void
walk_workspace(const struct cargo_workspace *ws)
{
	size_t i, j;

	for (i = 0; i < ws->n_packages; i++) {
		touch(ws->packages[i].name);
		touch(ws->packages[i].id);
		for (j = 0; j < ws->packages[i].n_targets; j++) {
			touch(ws->packages[i].targets[j].name);
			touch(ws->packages[i].targets[j].kind);
		}
	}
}

static void
walk_report(const struct test_report *t)
{
	size_t i, j;

	for (i = 0; i < t->n_binaries; i++) {
		touch(t->binaries[i].name);
		touch(t->binaries[i].source);
		touch(t->binaries[i].executable);
		for (j = 0; j < t->binaries[i].n_slowest; j++) {
			touch(t->binaries[i].slowest[j].name);
			touch(t->binaries[i].slowest[j].event);
			/* Slowest first: the order must hold. */
			if (j > 0 &&
			    t->binaries[i].slowest[j].exec_time >
			        t->binaries[i].slowest[j - 1].exec_time)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bench_error err;
	struct cargo_workspace *ws, *meta;
	struct cargo_test_exe *exes = NULL;
	struct cargo_unit_time *times = NULL;
	struct test_report *t;
	struct prof_unit u;
	struct unit_record *r;
	const char *text = (const char *)data + 1;
	size_t i;
	long n;

	if (size < 1)
		return 0;
	size--;
	memset(&err, 0, sizeof(err));
	meta = report_cargo_metadata_parse(metadata, strlen(metadata), NULL);
	if (meta == NULL)
		abort();
	switch (data[0] % 5) {
	case 0:
		ws = report_cargo_metadata_parse(text, size, &err);
		if (ws == NULL && (err.code >= 0 || err.text[0] == '\0'))
			abort();
		if (ws != NULL)
			walk_workspace(ws);
		report_cargo_workspace_free(ws);
		break;
	case 1:
		n = report_cargo_test_exes(text, size, meta, &exes, &err);
		if (n < 0)
			abort();
		for (i = 0; i < (size_t)n; i++) {
			touch(exes[i].name);
			touch(exes[i].path);
		}
		report_cargo_exes_free(exes, (size_t)n);
		break;
	case 2:
		t = report_libtest_parse(text, size, meta, NULL, 0, 3, &err);
		if (t == NULL)
			abort();
		walk_report(t);
		report_test_report_free(t);
		break;
	case 3:
		n = report_cargo_timings_parse(text, size, &times, &err);
		if (n < 0)
			abort();
		report_cargo_timings_free(times, (size_t)n);
		break;
	default:
		if (report_unit_record_parse(text, size, &r, &err) != 0) {
			if (r != NULL || err.code >= 0 || err.text[0] == '\0')
				abort();
			break;
		}
		/* What was accepted is whole: rustc, a status, n_args
		   arguments. */
		if (r->rustc == NULL || r->args == NULL ||
		    r->args[r->n_args] != NULL ||
		    (r->signal == 0 &&
		        (r->exit_code < 0 || r->exit_code > 255)) ||
		    (r->signal != 0 && r->exit_code != 128 + r->signal))
			abort();
		for (i = 0; i < r->n_args; i++)
			touch(r->args[i]);
		memset(&err, 0, sizeof(err));
		if (report_unit_from_record(r, &u, &err) == 0) {
			/* A unit has its package, crate, source and a
			   crate type. */
			if (u.package == NULL || u.crate_name == NULL ||
			    u.source == NULL || u.crate_types == NULL ||
			    u.crate_types[0] == NULL)
				abort();
			touch(u.edition);
			touch(u.metadata);
			for (i = 0; u.features[i] != NULL; i++)
				touch(u.features[i]);
			for (i = 0; u.externs[i] != NULL; i++)
				touch(u.externs[i]);
			report_unit_clear(&u);
		} else if (err.text[0] == '\0')
			abort();
		report_unit_record_free(r);
		break;
	}
	report_cargo_workspace_free(meta);
	return 0;
}
