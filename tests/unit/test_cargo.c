/*
 * test_cargo.c: reading cargo metadata, cargo's artifact messages and
 * libtest's JSON, from text recorded from cargo 1.95 on the example
 * workspace (abridged) and from broken variants of it.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "report.h"

TestSuite(cargo_metadata);
TestSuite(cargo_exes);
TestSuite(libtest);

static const char metadata[] =
    "{\"packages\": ["
    " {\"name\": \"geometry\", \"id\": "
    "\"path+file:///w/crates/geometry#0.1.0\","
    "  \"manifest_path\": \"/w/crates/geometry/Cargo.toml\", \"targets\": ["
    "   {\"kind\": [\"lib\"], \"crate_types\": [\"lib\"], \"name\": "
    "\"geometry\","
    "    \"src_path\": \"/w/crates/geometry/src/lib.rs\", \"doctest\": true,"
    "    \"test\": true}]},"
    " {\"name\": \"wordcount\", \"id\": "
    "\"path+file:///w/crates/wordcount#0.1.0\","
    "  \"manifest_path\": \"/w/crates/wordcount/Cargo.toml\", \"targets\": ["
    "   {\"kind\": [\"lib\"], \"name\": \"wordcount\", \"doctest\": true, "
    "\"test\": true},"
    "   {\"kind\": [\"bin\"], \"name\": \"wordcount\", \"doctest\": false, "
    "\"test\": true},"
    "   {\"kind\": [\"test\"], \"name\": \"cli\", \"doctest\": false, "
    "\"test\": true},"
    "   {\"kind\": [\"example\"], \"name\": \"demo\", \"doctest\": false, "
    "\"test\": false}]},"
    " {\"name\": \"dep\", \"id\": \"registry+x#dep@1.0.0\", \"targets\": []}"
    "], \"workspace_members\": [\"path+file:///w/crates/geometry#0.1.0\","
    " \"path+file:///w/crates/wordcount#0.1.0\"],"
    " \"workspace_root\": \"/w\", \"target_directory\": \"/w/target\"}";

static struct cargo_workspace *
load_metadata(void)
{
	struct bench_error err;
	struct cargo_workspace *ws;

	ws = report_cargo_metadata_parse(metadata, strlen(metadata), &err);
	cr_assert_not_null(ws, "%s", err.text);
	return ws;
}

Test(cargo_metadata, members_and_targets)
{
	struct cargo_workspace *ws = load_metadata();
	const struct cargo_package *p;

	/* Only members: dep is not one. */
	cr_assert_eq(ws->n_packages, 2);
	cr_assert_str_eq(ws->root, "/w");
	p = report_cargo_find(ws, "wordcount");
	cr_assert_not_null(p);
	cr_assert_eq(p->n_targets, 4);
	cr_assert_str_eq(p->targets[1].kind, "bin");
	cr_assert_eq(p->targets[1].doctest, 0);
	cr_assert_str_eq(p->targets[3].kind, "example");
	cr_assert_eq(p->targets[3].test, 0);
	cr_assert_null(report_cargo_find(ws, "dep"));
	report_cargo_workspace_free(ws);
}

Test(cargo_metadata, bad_input_is_an_error)
{
	static const char *const bad[] = {
	    "",
	    "{",
	    "[]",
	    "{\"packages\": 1, \"workspace_members\": []}",
	    "{\"packages\": [{\"id\": \"a\"}], \"workspace_members\": "
	    "[\"a\"]}",
	    "{\"packages\": [{\"id\": \"a\", \"name\": \"a\", \"targets\": "
	    "[{\"name\": \"x\"}]}], \"workspace_members\": [\"a\"]}",
	};
	struct bench_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_null(
		    report_cargo_metadata_parse(bad[i], strlen(bad[i]), &err),
		    "accepted %s", bad[i]);
		cr_assert_eq(err.code, BENCH_ERR_INVALID);
		cr_assert_not_null(
		    strstr(err.text, "cargo metadata"), "%s", err.text);
	}
}

static const char artifacts[] =
    "{\"reason\":\"compiler-artifact\",\"package_id\":\"path+file:///w/"
    "crates/wordcount#0.1.0\",\"target\":{\"kind\":[\"bin\"],\"name\":"
    "\"wordcount\"},\"profile\":{\"test\":true},\"executable\":\"/w/target/"
    "debug/deps/wordcount-c6a7\",\"fresh\":true}\n"
    "{\"reason\":\"compiler-artifact\",\"package_id\":\"path+file:///w/"
    "crates/wordcount#0.1.0\",\"target\":{\"kind\":[\"bin\"],\"name\":"
    "\"wordcount\"},\"profile\":{\"test\":false},\"executable\":\"/w/target/"
    "debug/wordcount\",\"fresh\":true}\n"
    "{\"reason\":\"compiler-artifact\",\"package_id\":\"path+file:///w/"
    "crates/wordcount#0.1.0\",\"target\":{\"kind\":[\"test\"],\"name\":"
    "\"cli\"},\"profile\":{\"test\":true},\"executable\":\"/w/target/debug/"
    "deps/cli-4f10\",\"fresh\":true}\n"
    "{\"reason\":\"compiler-artifact\",\"package_id\":\"path+file:///w/"
    "crates/geometry#0.1.0\",\"target\":{\"kind\":[\"lib\"],\"name\":"
    "\"geometry\"},\"profile\":{\"test\":true},\"executable\":\"/w/target/"
    "debug/deps/geometry-9780\",\"fresh\":true}\n"
    "not json at all\n"
    "{\"reason\":\"build-finished\",\"success\":true}\n";

Test(cargo_exes, test_executables_are_named_after_their_targets)
{
	struct cargo_workspace *ws = load_metadata();
	struct cargo_test_exe *exes;
	long n;

	n = report_cargo_test_exes(
	    artifacts, strlen(artifacts), ws, &exes, NULL);
	/* The non-test bin artifact is not a test executable. */
	cr_assert_eq(n, 3);
	cr_assert_str_eq(exes[0].name, "wordcount/bin/wordcount");
	cr_assert_str_eq(exes[1].name, "wordcount/test/cli");
	cr_assert_str_eq(exes[2].name, "geometry/lib");
	cr_assert_str_eq(exes[2].path, "/w/target/debug/deps/geometry-9780");
	report_cargo_exes_free(exes, (size_t)n);
	report_cargo_workspace_free(ws);
}

static const char libtest_out[] =
    "   Compiling geometry v0.1.0 (/w/crates/geometry)\n"
    "    Finished `test` profile [unoptimized + debuginfo] target(s)\n"
    "     Running unittests src/lib.rs (target/debug/deps/geometry-9780)\n"
    "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 3 }\n"
    "{ \"type\": \"test\", \"event\": \"started\", \"name\": \"t::a\" }\n"
    "{ \"type\": \"test\", \"name\": \"t::a\", \"event\": \"ok\", "
    "\"exec_time\": 0.5 }\n"
    "{ \"type\": \"test\", \"name\": \"t::b\", \"event\": \"failed\", "
    "\"exec_time\": 0.25, \"stdout\": \"boom\\n\" }\n"
    "{ \"type\": \"test\", \"name\": \"t::c\", \"event\": \"ignored\" }\n"
    "{ \"type\": \"test\", \"name\": \"t::d\", \"event\": \"ok\", "
    "\"exec_time\": 0.75 }\n"
    "{ \"type\": \"suite\", \"event\": \"failed\", \"passed\": 2, \"failed\": "
    "1, \"ignored\": 1, \"measured\": 0, \"filtered_out\": 0, \"exec_time\": "
    "1.5 }\n"
    "     Running tests/cli.rs (target/debug/deps/cli-4f10)\n"
    "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n"
    "{ \"type\": \"test\", \"name\": \"x\", \"event\": \"ok\", \"exec_time\": "
    "0.001 }\n"
    "{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": 1, \"failed\": 0, "
    "\"ignored\": 0, \"measured\": 0, \"filtered_out\": 2, \"exec_time\": "
    "0.002 }\n"
    "   Doc-tests geometry\n"
    "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n"
    "{ \"type\": \"test\", \"name\": \"src/lib.rs - f (line 3)\", \"event\": "
    "\"ok\", \"exec_time\": 0.125 }\n"
    "{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": 1, \"failed\": 0, "
    "\"ignored\": 0, \"measured\": 0, \"filtered_out\": 0, \"exec_time\": "
    "0.13 }\n"
    "error: 1 target failed:\n";

static struct test_report *
parse_libtest(size_t len, size_t slowest)
{
	struct cargo_workspace *ws = load_metadata();
	struct cargo_test_exe *exes;
	struct test_report *t;
	long n;

	n = report_cargo_test_exes(
	    artifacts, strlen(artifacts), ws, &exes, NULL);
	t = report_libtest_parse(
	    libtest_out, len, ws, exes, (size_t)n, slowest, NULL);
	cr_assert_not_null(t);
	report_cargo_exes_free(exes, (size_t)n);
	report_cargo_workspace_free(ws);
	return t;
}

Test(libtest, binaries_counts_and_slowest)
{
	struct test_report *t = parse_libtest(strlen(libtest_out), 2);
	const struct test_binary *b;

	cr_assert_eq(t->n_binaries, 3);
	b = &t->binaries[0];
	cr_assert_str_eq(b->name, "geometry/lib");
	cr_assert_str_eq(b->source, "unittests src/lib.rs");
	cr_assert_str_eq(b->executable, "target/debug/deps/geometry-9780");
	cr_assert_eq(b->passed, 2);
	cr_assert_eq(b->failed, 1);
	cr_assert_eq(b->ignored, 1);
	cr_assert_eq(b->finished, 1);
	cr_assert_float_eq(b->exec_time, 1.5, 1e-12);
	/* The two slowest of a (0.5), b (0.25, failed), d (0.75). */
	cr_assert_eq(b->n_slowest, 2);
	cr_assert_str_eq(b->slowest[0].name, "t::d");
	cr_assert_str_eq(b->slowest[1].name, "t::a");
	cr_assert_str_eq(t->binaries[1].name, "wordcount/test/cli");
	cr_assert_eq(t->binaries[1].filtered_out, 2);
	cr_assert_str_eq(t->binaries[2].name, "geometry/doc");
	cr_assert_eq(t->binaries[2].passed, 1);
	report_test_report_free(t);
}

Test(libtest, output_cut_short_marks_the_binary_unfinished)
{
	/* Cut just before the first suite's closing event. */
	const char *cut =
	    strstr(libtest_out, "{ \"type\": \"suite\", \"event\": "
	                        "\"failed\"");
	struct test_report *t = parse_libtest((size_t)(cut - libtest_out), 5);

	cr_assert_eq(t->n_binaries, 1);
	cr_assert_eq(t->binaries[0].finished, 0);
	cr_assert(isnan(t->binaries[0].exec_time));
	cr_assert_eq(t->binaries[0].n_slowest, 3);
	cr_assert_str_eq(t->binaries[0].slowest[2].event, "failed");
	report_test_report_free(t);
}

Test(libtest, every_prefix_parses_without_harm)
{
	size_t len;

	for (len = 0; len <= strlen(libtest_out); len += 13)
		report_test_report_free(parse_libtest(len, 3));
}
