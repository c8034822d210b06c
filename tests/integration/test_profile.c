/*
 * test_profile.c: the two-pass self-profile with the real cargo and rustc
 * on the example workspace, wrapper mode's pass-through, a workspace with
 * a crate that does not compile, and profile-summary on real files.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

/* Write an executable shell script. */
static void
write_script(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
}

static json_t *
unit_named(json_t *units, const char *package, const char *key)
{
	json_t *u;
	size_t i;

	json_array_foreach(units, i, u)
	{
		if (strcmp(json_string_value(json_object_get(u, "package")),
		        package) == 0 &&
		    strcmp(json_string_value(json_object_get(u, "key")), key) ==
		        0)
			return u;
	}
	return NULL;
}

Test(profile, run_with_profile_on_the_example_workspace, .timeout = 900)
{
	struct cli c;
	char *dir = scratch_dir("prof"), *out = path_join(dir, "b.json");
	char *work = path_join(dir, "work");
	json_t *b, *p, *units, *u, *prof;
	size_t i;

	cli_run(&c, NULL, NULL, 880,
	    (const char *[]){"--workspace", example_workspace(), "-w", "1",
	        "-r", "2", "--max-runs", "2", "--profile", "-o", out, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(
	    strstr(c.out, "Benchmark 1: cargo test"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "0 of 14 units (0.0%) missing "
	                                 "profile data"),
	    "%s", c.out);
	cr_assert_not_null(strstr(c.out, "validation: profile wall / cargo's "
	                                 "own timing"),
	    "%s", c.out);
	b = json_file(out);
	cr_assert_eq(json_array_size(json_object_get(b, "results")), 1);
	p = json_object_get(b, "profile");
	cr_assert(json_is_true(json_object_get(p, "profiled")));
	units = json_object_get(p, "units");
	cr_assert_eq(json_array_size(units), 14);
	/* Every kind of key the example has. */
	cr_assert_not_null(unit_named(units, "geometry", "lib"));
	cr_assert_not_null(unit_named(units, "geometry", "test"));
	cr_assert_not_null(unit_named(units, "textkit", "test/rle"));
	cr_assert_not_null(unit_named(units, "wordcount", "bin/wordcount"));
	cr_assert_not_null(
	    unit_named(units, "wordcount", "bin/wordcount/test"));
	json_array_foreach(units, i, u)
	{
		double wall, cargo, ratio;

		prof = json_object_get(u, "profile");
		cr_assert(json_is_object(prof), "unit %zu has no profile", i);
		wall = jnum(prof, "wall");
		cargo = jnum(u, "cargo.duration");
		/* The profile covers rustc's run; cargo's timing adds process
		   start-up and bookkeeping around it: 0.5 to 1.1 allows for
		   a busy machine. */
		ratio = wall / cargo;
		cr_assert(ratio > 0.5 && ratio < 1.1, "unit %zu ratio %.2f", i,
		    ratio);
		cr_assert_gt(jnum(prof, "frontend"), 0);
		cr_assert_gt(
		    json_array_size(json_object_get(prof, "labels")), 10);
		/* Extraction recorded rustc's own time in pass 2. */
		cr_assert_gt(jnum(u, "extract.wall"), 0);
		cr_assert_eq(jnum(u, "extract.exit_code"), 0);
	}
	/* Items (DefPaths) come with -Zself-profile-events=args. */
	u = unit_named(units, "primes", "lib");
	cr_assert_gt(json_array_size(json_object_get(
	                 json_object_get(u, "profile"), "items")),
	    0);
	/* The lib of geometry is a dependency of nothing, so its externs
	   are empty; wordcount's lib uses textkit. */
	u = unit_named(units, "wordcount", "lib");
	cr_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(u, "externs"), 0)),
	    "textkit");
	json_decref(b);
	cli_free(&c);

	/* compare shows the profile, unit by unit. */
	cli_run(
	    &c, NULL, NULL, 60, (const char *[]){"compare", out, out, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Profile of the build"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "textkit/test/rle"), "%s", c.out);
	cli_free(&c);
	free(work);
	free(out);
	free(dir);
}

/* A copy of the example workspace with a member that does not compile. */
static char *
broken_workspace(void)
{
	char *ws = path_join(example_workspace(), "../broken-workspace"), *cmd;

	cr_assert(
	    asprintf(&cmd,
	        "rm -rf '%s' && mkdir -p '%s' && (cd '%s/examples/workspace' "
	        "&& tar cf - --exclude=./target .) | (cd '%s' && tar xf "
	        "-) && mkdir -p '%s/crates/broken/src' && printf "
	        "'[package]\\nname = \"broken\"\\nversion = \"0.1.0\"\\n"
	        "edition = \"2021\"\\n' > '%s/crates/broken/Cargo.toml' "
	        "&& printf 'pub fn f() -> u32 { \"no\" }\\n' > "
	        "'%s/crates/broken/src/lib.rs' && sed -i "
	        "'s|\"crates/wordcount\"]|\"crates/wordcount\", "
	        "\"crates/broken\"]|' '%s/Cargo.toml'",
	        ws, ws, TOP_SRCDIR, ws, ws, ws, ws, ws) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	return ws;
}

Test(profile, a_crate_that_fails_is_reported_and_the_rest_merge, .timeout = 900)
{
	struct cli c;
	char *dir = scratch_dir("profbroken"), *out = path_join(dir, "b.json");
	char *ws = broken_workspace();
	json_t *b, *p, *u;

	cli_run(&c, NULL, NULL, 880,
	    (const char *[]){"profile", "--workspace", ws, "-o", out, NULL});
	/* 4: something lacks profile data; the baseline is still written. */
	cr_assert_eq(c.status, 4, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(
	    strstr(c.err, "broken/lib failed to build in pass 2"), "%s", c.err);
	/* Its lib and the lib's test harness: skipped, without costs. */
	cr_assert_not_null(strstr(c.out, "2 of 16 units (12.5%) missing "
	                                 "profile data"),
	    "%s", c.out);
	b = json_file(out);
	p = json_object_get(b, "profile");
	cr_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(p, "failed"), 0)),
	    "broken/lib");
	u = unit_named(json_object_get(p, "units"), "broken", "lib");
	cr_assert_not_null(u);
	cr_assert(json_is_null(json_object_get(u, "profile")));
	cr_assert_eq(jnum(u, "extract.exit_code"), 1);
	/* The others still have their costs. */
	u = unit_named(json_object_get(p, "units"), "textkit", "lib");
	cr_assert(json_is_object(json_object_get(u, "profile")));
	json_decref(b);
	cli_free(&c);

	/* --no-profile: units only, no pass 1, not "missing". */
	cli_run(&c, NULL, NULL, 600,
	    (const char *[]){"profile", "--workspace", example_workspace(),
	        "--no-profile", "-q", NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_null(strstr(c.err, "pass 1"), "%s", c.err);
	cli_free(&c);
	free(ws);
	free(out);
	free(dir);
}

Test(profile, another_extractor_runs_in_rustcs_place, .timeout = 600)
{
	struct cli c;
	char *dir = scratch_dir("extractor");
	char *script = path_join(dir, "extract.sh");
	char *calls = path_join(dir, "calls"), *body, *text;
	size_t len = 0;
	FILE *f;

	/*
	 * A stand-in for an extractor such as cargo-tarjanize (not installed
	 * here): like a real wrapper it is run as EXTRACTOR RUSTC ARGS... and
	 * must run rustc itself; it notes each call.
	 */
	cr_assert(
	    asprintf(&body, "echo \"$*\" >> '%s'\nexec \"$@\"\n", calls) > 0);
	write_script(script, body);
	free(body);
	cli_run(&c, NULL, NULL, 580,
	    (const char *[]){"profile", "--workspace", example_workspace(),
	        "--no-profile", "--extractor", script, "--work-dir", dir, "-q",
	        NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cli_free(&c);
	f = fopen(calls, "r");
	cr_assert_not_null(f, "the extractor never ran");
	text = NULL;
	cr_assert(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	/* It saw every workspace unit (and cargo's probes and the rest). */
	cr_assert_not_null(strstr(text, "--crate-name textkit"), "%s", text);
	cr_assert_not_null(strstr(text, "--crate-name rle"), "%s", text);
	cr_assert_not_null(strstr(text, "-vV"), "%s", text);
	free(text);
	/* And bench-tests still recorded the units. */
	cr_assert(
	    asprintf(&body, "test $(ls '%s/units' | wc -l) -eq 14", dir) > 0);
	cr_assert_eq(system(body), 0, "not 14 unit records");
	free(body);
	free(calls);
	free(script);
	free(dir);
}

Test(wrapper, passes_output_and_exit_status_through, .timeout = 120)
{
	struct cli c;
	char *dir = scratch_dir("wrap"), *units = path_join(dir, "units");
	char *fake = path_join(dir, "rustc-double"), *src;
	char *env_units, *cmd;
	FILE *f;
	json_t *rec;

	mkdir(units, 0777);
	cr_assert(asprintf(&env_units, "BENCH_TESTS_UNITS=%s", units) > 0);

	/* The real rustc, passed through (not a unit): its stdout, status. */
	cli_run(&c, NULL, NULL, 60, (const char *[]){"rustc", "-vV", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_eq(strncmp(c.out, "rustc ", 6), 0, "%s", c.out);
	cr_assert_not_null(strstr(c.out, "host: "), "%s", c.out);
	cli_free(&c);

	/* The real rustc on a crate that does not compile, as a workspace
	   unit: its stderr and status come through, and it is recorded. */
	src = path_join(dir, "bad.rs");
	f = fopen(src, "w");
	fputs("pub fn f() -> u32 { \"no\" }\n", f);
	fclose(f);
	cli_run(&c, dir,
	    (const char *[]){env_units, "CARGO_PRIMARY_PACKAGE=1",
	        "CARGO_PKG_NAME=bad", NULL},
	    60,
	    (const char *[]){"rustc", "--crate-name", "bad", "--crate-type",
	        "lib", "--edition=2021", "--out-dir", dir, "bad.rs", NULL});
	cr_assert_eq(c.status, 1, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "mismatched types"), "%s", c.err);
	cli_free(&c);
	cr_assert(asprintf(&cmd, "cat '%s'/bad-*.json", units) > 0);
	{
		FILE *p = popen(cmd, "r");
		char buf[4096];
		size_t n = fread(buf, 1, sizeof(buf) - 1, p);

		pclose(p);
		buf[n] = '\0';
		rec = json_loads(buf, 0, NULL);
		cr_assert_not_null(rec, "no record: '%s'", buf);
	}
	free(cmd);
	cr_assert_str_eq(
	    json_string_value(json_object_get(rec, "package")), "bad");
	cr_assert_str_eq(
	    json_string_value(json_object_get(rec, "source")), "bad.rs");
	cr_assert_eq(json_integer_value(json_object_get(rec, "exit_code")), 1);
	cr_assert_gt(jnum(rec, "wall"), 0);
	json_decref(rec);

	/*
	 * A test double for what the real rustc cannot be made to do on
	 * demand: write to stdout while compiling, and die by a signal.  Its
	 * name starts with "rustc", as cargo's wrapper protocol needs.
	 */
	write_script(fake, "echo out-line; echo err-line >&2; "
	                   "[ \"$1\" = die ] && kill -TERM $$; exit 7\n");
	cli_run(&c, dir,
	    (const char *[]){env_units, "CARGO_PRIMARY_PACKAGE=1",
	        "CARGO_PKG_NAME=fake", NULL},
	    60, (const char *[]){fake, "--crate-name", "fake", "lib.rs", NULL});
	cr_assert_eq(c.status, 7);
	cr_assert_str_eq(c.out, "out-line\n");
	cr_assert_str_eq(c.err, "err-line\n");
	cli_free(&c);
	cli_run(&c, dir,
	    (const char *[]){env_units, "CARGO_PRIMARY_PACKAGE=1", NULL}, 60,
	    (const char *[]){
	        fake, "die", "--crate-name", "fake", "lib.rs", NULL});
	/* The wrapper dies by the same signal. */
	cr_assert_eq(c.status, 128 + 15, "exit %d", c.status);
	cli_free(&c);
	free(src);
	free(fake);
	free(env_units);
	free(units);
	free(dir);
}

Test(profile_summary, real_files_truncated_files_and_garbage, .timeout = 600)
{
	struct cli c;
	char *dir = scratch_dir("psum"),
	     *trunc = path_join(dir, "t.mm_profdata");
	char *junk = path_join(dir, "junk.mm_profdata"), *cmd, *file;
	FILE *p;
	char line[4096];
	json_t *j;

	/* A real profile from a pass-1 build of the example workspace. */
	cli_run(&c, NULL, NULL, 580,
	    (const char *[]){"profile", "--workspace", example_workspace(),
	        "--work-dir", dir, "-q", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	cr_assert(
	    asprintf(&cmd, "ls '%s'/profiles/primes-*.mm_profdata | head -1",
	        dir) > 0);
	p = popen(cmd, "r");
	cr_assert_not_null(fgets(line, sizeof(line), p));
	pclose(p);
	free(cmd);
	line[strcspn(line, "\n")] = '\0';
	file = strdup(line);

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"profile-summary", "--top", "5", file, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "Self time"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "crate primes"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "more labels"), "%s", c.out);
	cli_free(&c);

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"profile-summary", "--json", file, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	j = json_loads(c.out, 0, NULL);
	cr_assert_not_null(j, "%s", c.out);
	cr_assert_gt(
	    json_array_size(json_object_get(json_array_get(j, 0), "labels")),
	    20);
	json_decref(j);
	cli_free(&c);

	/* Truncated: what could be read, marked partial. */
	cr_assert(
	    asprintf(&cmd, "head -c 300000 '%s' > '%s'", file, trunc) > 0);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"profile-summary", trunc, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "partial"), "%s", c.err);
	cli_free(&c);

	/*
	 * Cut inside its first page (rustc writes an event page first):
	 * nothing could be read, and it says so, it does not just print
	 * 0 events.
	 */
	cr_assert(asprintf(&cmd, "head -c 2000 '%s' > '%s'", file, trunc) > 0);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"profile-summary", trunc, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(
	    strstr(c.err, "partial result (truncated, no-events"), "%s", c.err);
	cr_assert_not_null(
	    strstr(c.err, "file ends inside the event page at offset 8"), "%s",
	    c.err);
	cli_free(&c);

	/* Not a profile at all: a clear error, exit 2. */
	cr_assert(asprintf(&cmd, "echo hello > '%s'", junk) > 0);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"profile-summary", junk, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, junk), "%s", c.err);
	cli_free(&c);
	free(file);
	free(junk);
	free(trunc);
	free(dir);
}

HARNESS_MAIN
