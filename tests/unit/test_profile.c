/*
 * test_profile.c: the profile's data in reports/: the records of
 * bench-tests-rustc-wrapper (unit-record.c), the units their arguments
 * describe, the cost skew, and the profile section's JSON and text.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "report.h"

#define HEAD "bench-tests-rustc-wrapper 1\n"

/* A record as the wrapper writes it, for a lib of package "geo". */
static const char lib_record[] =
    HEAD "cwd /w\n"
         "rustc /opt/rust/bin/rustc\n"
         "arg --crate-name\n"
         "arg geo\n"
         "arg --edition=2021\n"
         "arg crates/geo/src/lib.rs\n"
         "arg --error-format=json\n"
         "arg --crate-type\n"
         "arg lib,rlib\n"
         "arg --cfg\n"
         "arg feature=\"fast\"\n"
         "arg --check-cfg\n"
         "arg cfg(feature, values(\"fast\"))\n"
         "arg -C\n"
         "arg metadata=abc123\n"
         "arg -L\n"
         "arg dependency=/w/target/debug/deps\n"
         "arg --extern\n"
         "arg outside=/w/target/debug/deps/liboutside-1.rlib\n"
         "env CARGO_PKG_NAME=geo\n"
         "env CARGO_PKG_VERSION=0.1.0\n"
         "env CARGO_MANIFEST_DIR=/w/crates/geo\n"
         "env CARGO_CRATE_NAME=geo\n"
         "env CARGO_PRIMARY_PACKAGE=1\n"
         "pid 4242\n"
         "wall 1.25\n"
         "user 1.0\n"
         "system 0.125\n"
         "maxrss 123456\n"
         "exit 0\n"
         "end\n";

static struct unit_record *
parse_ok(const char *text)
{
	struct unit_record *r = NULL;
	struct bench_error err = {0};

	cr_assert_eq(report_unit_record_parse(text, strlen(text), &r, &err), 0,
	    "%s", err.text);
	cr_assert_not_null(r);
	return r;
}

static int
parse_fails(const char *text, struct bench_error *err)
{
	struct unit_record *r = (struct unit_record *)1;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = report_unit_record_parse(text, strlen(text), &r, err);
	cr_assert_null(r);
	cr_assert_neq(rc, 0);
	cr_assert_neq(err->text[0], '\0');
	return rc;
}

Test(unit_record, every_field_of_a_record)
{
	struct unit_record *r = parse_ok(lib_record);

	cr_assert_str_eq(r->cwd, "/w");
	cr_assert_str_eq(r->rustc, "/opt/rust/bin/rustc");
	cr_assert_eq(r->n_args, 17);
	cr_assert_str_eq(r->args[0], "--crate-name");
	cr_assert_str_eq(r->args[11], "-C");
	cr_assert_null(r->args[17]);
	cr_assert_str_eq(r->pkg_name, "geo");
	cr_assert_str_eq(r->pkg_version, "0.1.0");
	cr_assert_str_eq(r->manifest_dir, "/w/crates/geo");
	cr_assert_str_eq(r->crate_name, "geo");
	cr_assert(r->primary);
	cr_assert_eq(r->pid, 4242);
	/* Binary fractions: exact. */
	cr_assert_eq(r->wall, 1.25);
	cr_assert_eq(r->user, 1.0);
	cr_assert_eq(r->sys, 0.125);
	cr_assert_eq(r->maxrss, 123456);
	cr_assert_eq(r->exit_code, 0);
	cr_assert_eq(r->signal, 0);
	report_unit_record_free(r);
}

Test(unit_record, escapes_and_signals)
{
	struct unit_record *r = parse_ok(HEAD "rustc rustc\n"
	                                      "arg a\\x0ab\\x5c\\x09\n"
	                                      "arg \n"
	                                      "env SOMETHING_ELSE=1\n"
	                                      "future-field whatever\n"
	                                      "wall 0.5\n"
	                                      "signal 9\n"
	                                      "end\n");

	cr_assert_eq(r->n_args, 2);
	cr_assert_str_eq(r->args[0], "a\nb\\\t");
	cr_assert_str_eq(r->args[1], "");
	cr_assert_null(r->pkg_name);
	cr_assert_eq(r->signal, 9);
	cr_assert_eq(r->exit_code, 128 + 9);
	cr_assert(isnan(r->user));
	report_unit_record_free(r);
}

Test(unit_record, damaged_records_are_errors)
{
	static const char *const bad[] = {
	    "hello\n",
	    HEAD "rustc r\nwall 1\nexit 0\nend\nmore\n",
	    HEAD "rustc r\nwall 1\nexit 0\nexit 1\nend\n",
	    HEAD "rustc r\nrustc s\nwall 1\nexit 0\nend\n",
	    HEAD "rustc r\nwall -1\nexit 0\nend\n",
	    HEAD "rustc r\nwall nan\nexit 0\nend\n",
	    HEAD "rustc r\nwall 1\nexit 256\nend\n",
	    HEAD "rustc r\nwall 1\nsignal 0\nend\n",
	    HEAD "rustc r\nwall 1\nexit 0.5\nend\n",
	    HEAD "rustc r\nwall 1\nend\n",
	    HEAD "wall 1\nexit 0\nend\n",
	    HEAD "rustc r\narg a\\x00\nwall 1\nexit 0\nend\n",
	    HEAD "rustc r\narg a\\n\nwall 1\nexit 0\nend\n",
	    HEAD "rustc r\narg a\\x4\nwall 1\nexit 0\nend\n",
	    HEAD "rustc r\nnovalue\nwall 1\nexit 0\nend\n",
	    HEAD "rustc r\nenv NOEQUALS\nwall 1\nexit 0\nend\n",
	    HEAD "rustc r\nenv CARGO_PKG_NAME=a\nenv CARGO_PKG_NAME=b\n"
	         "wall 1\nexit 0\nend\n",
	    HEAD "rustc r\npid 0\nwall 1\nexit 0\nend\n",
	    "bench-tests-rustc-wrapper x\n",
	    NULL,
	};
	struct bench_error err;
	size_t i;

	for (i = 0; bad[i] != NULL; i++)
		cr_assert_eq(parse_fails(bad[i], &err), BENCH_ERR_INVALID,
		    "case %zu: %s", i, err.text);
}

Test(unit_record, cut_short_and_newer_formats)
{
	struct bench_error err;
	size_t len = strlen(lib_record), cut;
	char *text;

	cr_assert_eq(parse_fails("", &err), BENCH_ERR_TRUNCATED);
	/* Every prefix of a record that ends on a line: truncated (no
	   "end"); inside a line: truncated too (no newline). */
	text = malloc(len + 1);
	for (cut = 1; cut < len; cut++) {
		struct unit_record *r = NULL;
		int rc;

		memcpy(text, lib_record, cut);
		text[cut] = '\0';
		rc = report_unit_record_parse(text, cut, &r, &err);
		cr_assert_null(r, "prefix %zu accepted", cut);
		cr_assert(rc == BENCH_ERR_TRUNCATED || rc == BENCH_ERR_INVALID,
		    "prefix %zu: %d", cut, rc);
		if (text[cut - 1] == '\n' && cut > strlen(HEAD))
			cr_assert_eq(rc, BENCH_ERR_TRUNCATED, "prefix %zu: %s",
			    cut, err.text);
	}
	free(text);
	cr_assert_eq(parse_fails("bench-tests-rustc-wrapper 2\nrustc r\n"
	                         "wall 1\nexit 0\nend\n",
	                 &err),
	    BENCH_ERR_VERSION);
	cr_assert_not_null(strstr(err.text, "version 2"), "%s", err.text);
}

Test(unit_record, the_unit_of_a_compilation)
{
	struct unit_record *r = parse_ok(lib_record);
	struct prof_unit u;
	struct bench_error err = {0};

	cr_assert_eq(report_unit_from_record(r, &u, &err), 0, "%s", err.text);
	cr_assert_str_eq(u.package, "geo");
	cr_assert_str_eq(u.crate_name, "geo");
	cr_assert_str_eq(u.source, "crates/geo/src/lib.rs");
	cr_assert_str_eq(u.edition, "2021");
	cr_assert_str_eq(u.crate_types[0], "lib");
	cr_assert_str_eq(u.crate_types[1], "rlib");
	cr_assert_null(u.crate_types[2]);
	/* The feature, not the --check-cfg values. */
	cr_assert_str_eq(u.features[0], "fast");
	cr_assert_null(u.features[1]);
	cr_assert_str_eq(u.externs[0], "outside");
	cr_assert_null(u.externs[1]);
	cr_assert_str_eq(u.metadata, "abc123");
	cr_assert_eq(u.test, 0);
	cr_assert_eq(u.pid, 4242);
	cr_assert_eq(u.wall, 1.25);
	cr_assert_eq(u.exit_code, 0);
	report_unit_clear(&u);
	report_unit_record_free(r);

	/* A test harness: --test, rustc's default crate type (bin). */
	r = parse_ok(HEAD "rustc rustc\narg --crate-name\narg rle\n"
	                  "arg --test\narg -o\narg x.rs\n"
	                  "arg crates/t/tests/rle.rs\n"
	                  "env CARGO_PKG_NAME=t\nwall 1\nexit 101\nend\n");
	cr_assert_eq(report_unit_from_record(r, &u, NULL), 0);
	cr_assert_eq(u.test, 1);
	/* -o's value is not the source. */
	cr_assert_str_eq(u.source, "crates/t/tests/rle.rs");
	cr_assert_str_eq(u.crate_types[0], "bin");
	cr_assert_eq(u.exit_code, 101);
	report_unit_clear(&u);
	report_unit_record_free(r);
}

Test(unit_record, probes_are_not_units)
{
	static const char *const probes[] = {
	    HEAD "rustc rustc\narg -vV\nwall 1\nexit 0\nend\n",
	    HEAD "rustc rustc\narg -\narg --crate-name\narg ___\n"
	         "arg --print=file-names\nwall 1\nexit 0\nend\n",
	    HEAD "rustc rustc\narg --crate-name\narg ___\narg a.rs\n"
	         "wall 1\nexit 0\nend\n",
	    HEAD "rustc rustc\narg --crate-name\narg probe\n"
	         "wall 1\nexit 0\nend\n",
	    NULL,
	};
	struct unit_record *r;
	struct prof_unit u;
	struct bench_error err;
	size_t i;

	for (i = 0; probes[i] != NULL; i++) {
		r = parse_ok(probes[i]);
		memset(&err, 0, sizeof(err));
		cr_assert_eq(report_unit_from_record(r, &u, &err),
		    BENCH_ERR_INVALID, "case %zu", i);
		cr_assert_neq(err.text[0], '\0');
		report_unit_record_free(r);
	}
}

/*
 * 150 items costing 1, 2, ..., 150 ms and ten that cost nothing, in a
 * unit whose frontend cost is 20 s.  Top 1 %: ceil(1.5) = 2 items, 150 +
 * 149 = 299 ms, 1.495 % of 20 s; top 10 %: 15 items, 136 + ... + 150 =
 * 2145 ms, 10.725 %.  The same from python3:
 *   c = sorted(range(1, 151), reverse=True)
 *   print(sum(c[:2]) / 20000, sum(c[:15]) / 20000)   # 0.01495 0.10725
 */
Test(prof_skew, top_one_and_ten_percent)
{
	double costs[160];
	struct prof_skew k[PROF_SKEWS];
	size_t i;

	for (i = 0; i < 160; i++)
		costs[i] = i < 10 ? 0 : (double)(i - 9) * 1e-3;
	report_prof_skew(costs, 160, 20.0, k);
	cr_assert_eq(k[0].percent, 1);
	cr_assert_eq(k[0].of, 150);
	cr_assert_eq(k[0].n, 2);
	cr_assert_float_eq(k[0].self, 0.299, 1e-12);
	cr_assert_float_eq(k[0].share, 0.01495, 1e-12);
	cr_assert_eq(k[1].percent, 10);
	cr_assert_eq(k[1].n, 15);
	cr_assert_float_eq(k[1].self, 2.145, 1e-12);
	cr_assert_float_eq(k[1].share, 0.10725, 1e-12);
	/* Sorted, largest first. */
	cr_assert_eq(costs[0], 0.150);

	/* A single item is its own top 1 %; no items, no share. */
	costs[0] = 2;
	report_prof_skew(costs, 1, 4, k);
	cr_assert_eq(k[0].n, 1);
	cr_assert_float_eq(k[0].share, 0.5, 1e-15);
	report_prof_skew(costs, 0, 0, k);
	cr_assert_eq(k[0].n, 0);
	cr_assert_eq(k[0].of, 0);
	cr_assert(isnan(k[0].share));
}

/* A baseline with a one-pass profile of one unit. */
static struct baseline *
profiled_baseline(void)
{
	struct baseline *b = report_baseline_create();
	struct prof_section *p = calloc(1, sizeof(*p));
	struct prof_unit *u;
	double costs[] = {3, 1};

	b->id = strdup("00000000-0000-4000-8000-000000000000");
	b->created = strdup("2025-01-01T00:00:00Z");
	b->tool_version = strdup("0");
	b->workspace = strdup("/w");
	b->complete = 1;
	b->settings.max_runs = b->settings.runs = 1;
	b->settings.tolerance = 0.05;
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	p->profiled = p->single_pass = 1;
	p->pass1_command = strdup("cargo build --workspace");
	p->pass1_wall = 10;
	p->n_units = 1;
	p->units = u = calloc(1, sizeof(*u));
	u->package = strdup("geo");
	u->key = strdup("lib");
	u->crate_name = strdup("geo");
	u->source = strdup("src/lib.rs");
	u->wall = 1;
	u->has_profile = 1;
	u->frontend = 8;
	u->backend = 2;
	u->prof_wall = 1;
	u->cargo_duration = u->cargo_frontend = NAN;
	report_prof_skew(costs, 2, 8, u->skew);
	p->has_skew = 1;
	report_prof_skew(costs, 2, 8, p->skew);
	b->profile = p;
	return b;
}

Test(profile_json, skew_and_single_pass_survive_a_round_trip)
{
	struct baseline *b = profiled_baseline(), *c;
	struct bench_error err = {0};
	char *text, *again;

	text = report_baseline_dump(b, &err);
	cr_assert_not_null(text, "%s", err.text);
	cr_assert_not_null(strstr(text, "\"single_pass\": true"), "%s", text);
	cr_assert_not_null(strstr(text, "\"pass2\": null"), "%s", text);
	c = report_baseline_parse(text, strlen(text), &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_assert(c->profile->single_pass);
	cr_assert(c->profile->has_skew);
	cr_assert_eq(c->profile->skew[0].n, 1);
	cr_assert_eq(c->profile->skew[0].of, 2);
	cr_assert_float_eq(c->profile->skew[0].share, 3.0 / 8, 1e-15);
	cr_assert_float_eq(c->profile->units[0].skew[1].self, 3, 1e-15);
	again = report_baseline_dump(c, &err);
	cr_assert_str_eq(again, text);
	free(again);
	free(text);
	report_baseline_free(c);
	report_baseline_free(b);
}

Test(profile_json, a_bad_skew_is_named)
{
	struct baseline *b = profiled_baseline(), *c;
	struct bench_error err = {0};
	char *text, *at;

	text = report_baseline_dump(b, &err);
	at = strstr(text, "\"of\": 2");
	cr_assert_not_null(at);
	memcpy(at, "\"of\": 0", 7);
	c = report_baseline_parse(text, strlen(text), &err);
	cr_assert_null(c);
	cr_assert_not_null(strstr(err.text, "skew"), "%s", err.text);
	free(text);
	report_baseline_free(b);
}

Test(profile_text, one_pass_and_the_skew_lines)
{
	struct baseline *b = profiled_baseline();
	struct report_style st = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_text_profile(f, b->profile, 30, &st);
	fclose(f);
	cr_assert_not_null(
	    strstr(buf, "one pass, profiled and recorded"), "%s", buf);
	/* 2 items costing 3 s and 1 s of 8 s: the top 1 % is 1 item,
	   37.5 %; the top 10 % too. */
	cr_assert_not_null(
	    strstr(buf, "top 1 % of items (1 of 2): 37.5 % of the cost"), "%s",
	    buf);
	cr_assert_not_null(
	    strstr(buf, "top 10 % of items (1 of 2): 37.5 % of the cost"), "%s",
	    buf);
	free(buf);
	report_baseline_free(b);
}
