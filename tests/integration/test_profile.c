/*
 * test_profile.c: the self-profile with the real cargo and rustc on the
 * example workspace (a virtual manifest) and on tests/workspaces/rooted (a
 * root package with members and a path dependency outside the workspace),
 * in two passes and in one; bench-tests-rustc-wrapper's pass-through; a
 * workspace with a crate that does not compile; profile-summary on real
 * files.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "report.h"

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
	    strstr(c.err, "broken/lib failed to build (rustc exit 1)"), "%s",
	    c.err);
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

/* The wrapper program, beside the bench-tests under test. */
static char *
wrapper_bin(void)
{
	char *dir = strdup(bench_bin()), *path;

	*strrchr(dir, '/') = '\0';
	path = path_join(dir, "bench-tests-rustc-wrapper");
	free(dir);
	return path;
}

/* What a shell command wrote and how it ended. */
struct shrun {
	char *out;
	char *err;
	int status;
};

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;

	cr_assert_not_null(f, "%s", path);
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

/* Run cmd with sh in dir, stdout and stderr to files of the scratch dir. */
static void
sh_run(struct shrun *r, const char *dir, const char *cmd)
{
	char *full, *out = path_join(dir, "sh.out"), *err;
	int st;

	err = path_join(dir, "sh.err");
	cr_assert(asprintf(&full, "cd '%s' && (%s) >'%s' 2>'%s'", dir, cmd, out,
	              err) > 0);
	st = system(full);
	cr_assert(WIFEXITED(st), "%s", full);
	r->status = WEXITSTATUS(st);
	r->out = slurp(out);
	r->err = slurp(err);
	free(full);
	free(err);
	free(out);
}

static void
sh_free(struct shrun *r)
{
	free(r->out);
	free(r->err);
}

/* cmd directly and through the wrapper (with env before it) are alike. */
static void
same_through_wrapper(const char *dir, const char *env, const char *cmd)
{
	struct shrun a, b;
	char *w = wrapper_bin(), *through;

	cr_assert(asprintf(&through, "%s '%s' %s", env, w, cmd) > 0);
	sh_run(&a, dir, cmd);
	sh_run(&b, dir, through);
	cr_assert_eq(
	    a.status, b.status, "%s: %d, through: %d", cmd, a.status, b.status);
	cr_assert_str_eq(a.out, b.out, "%s: stdout differs", cmd);
	cr_assert_str_eq(a.err, b.err, "%s: stderr differs", cmd);
	sh_free(&a);
	sh_free(&b);
	free(through);
	free(w);
}

/* The records in dir (a NULL-terminated list of parsed records). */
static struct unit_record **
records(const char *dir)
{
	struct unit_record **v = calloc(64, sizeof(*v));
	char *cmd, line[4096], *text;
	struct bench_error err;
	size_t n = 0;
	FILE *p;

	cr_assert(asprintf(&cmd, "ls '%s'/*.unit 2>/dev/null", dir) > 0);
	p = popen(cmd, "r");
	while (n < 63 && fgets(line, sizeof(line), p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		text = slurp(line);
		cr_assert_eq(
		    report_unit_record_parse(text, strlen(text), &v[n], &err),
		    0, "%s: %s", line, err.text);
		n++;
		free(text);
	}
	pclose(p);
	free(cmd);
	return v;
}

static void
records_free(struct unit_record **v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		report_unit_record_free(v[i]);
	free(v);
}

Test(wrapper, pass_through_is_byte_for_byte, .timeout = 300)
{
	char *dir = scratch_dir("wrap"), *units = path_join(dir, "units");
	char *env, *cmd;
	struct unit_record **recs;
	FILE *f;

	mkdir(units, 0777);
	/* What cargo sets while it runs the profile's passes: everything
	   that is not a compilation of a crate passes through. */
	cr_assert(asprintf(&env,
	              "BENCH_TESTS_UNITS='%s' BENCH_TESTS_PROFILE_DIR='%s'",
	              units, units) > 0);
	same_through_wrapper(dir, env, "rustc -vV");
	same_through_wrapper(dir, env, "rustc --print cfg");
	same_through_wrapper(dir, env,
	    "rustc - --crate-name ___ --print=file-names --crate-type bin "
	    "--crate-type rlib < /dev/null");

	/* A failing compilation, recorded (not profiled): rustc's output
	   and status come through unchanged. */
	cmd = path_join(dir, "bad.rs");
	f = fopen(cmd, "w");
	fputs("pub fn f() -> u32 { \"no\" }\n", f);
	fclose(f);
	free(cmd);
	free(env);
	cr_assert(asprintf(&env,
	              "BENCH_TESTS_UNITS='%s' CARGO_CRATE_NAME=bad "
	              "CARGO_PKG_NAME=bad CARGO_MANIFEST_DIR='%s'",
	              units, dir) > 0);
	same_through_wrapper(dir, env,
	    "rustc --crate-name bad --crate-type lib --edition=2021 "
	    "--out-dir out bad.rs");
	recs = records(units);
	cr_assert_not_null(recs[0], "no record");
	cr_assert_null(recs[1], "more than one record");
	cr_assert_eq(recs[0]->exit_code, 1);
	cr_assert_str_eq(recs[0]->pkg_name, "bad");
	cr_assert_str_eq(recs[0]->cwd, dir);
	cr_assert_gt(recs[0]->wall, 0);
	cr_assert_gt(recs[0]->pid, 0);
	records_free(recs);

	/*
	 * A build script: compiled through the wrapper as a recorded unit,
	 * it is the same program (it prints the same and ends the same); its
	 * own call of rustc through the wrapper, as autocfg makes them (no
	 * CARGO_CRATE_NAME, source on stdin), passes through, unrecorded.
	 */
	cmd = path_join(dir, "build.rs");
	f = fopen(cmd, "w");
	free(cmd);
	fputs("fn main() {\n"
	      "    println!(\"cargo:rustc-cfg=probed\");\n"
	      "    eprintln!(\"to stderr\");\n"
	      "    std::process::exit(3);\n"
	      "}\n",
	    f);
	fclose(f);
	free(env);
	cr_assert(asprintf(&env,
	              "BENCH_TESTS_UNITS='%s' "
	              "CARGO_CRATE_NAME=build_script_build "
	              "CARGO_PKG_NAME=bs",
	              units) > 0);
	same_through_wrapper(dir, env,
	    "mkdir -p bs && rustc --crate-name build_script_build "
	    "--edition=2021 --crate-type bin -o bs/build-script-build "
	    "build.rs && ./bs/build-script-build");
	recs = records(units);
	cr_assert_not_null(recs[1], "the build script was not recorded");
	cr_assert_null(recs[2]);
	records_free(recs);
	free(env);
	cr_assert(asprintf(&env,
	              "BENCH_TESTS_UNITS='%s' CARGO_PKG_NAME=bs OUT_DIR='%s'",
	              units, dir) > 0);
	same_through_wrapper(dir, env,
	    "echo 'pub fn f() {}' | rustc --crate-name probe --crate-type lib "
	    "--emit=metadata --out-dir probe -");
	recs = records(units);
	cr_assert_null(recs[2], "a probe was recorded");
	records_free(recs);
	cr_assert(asprintf(&cmd, "ls '%s' | grep -q mm_profdata", units) > 0);
	cr_assert_neq(system(cmd), 0, "something was profiled");
	free(cmd);
	free(env);
	free(units);
	free(dir);
}

Test(wrapper, stdout_and_signals_of_a_recorded_call, .timeout = 120)
{
	char *dir = scratch_dir("wrapsig"), *units = path_join(dir, "units");
	char *fake = path_join(dir, "rustc-double"), *w = wrapper_bin();
	char *cmd;
	struct shrun r;
	struct unit_record **recs;

	mkdir(units, 0777);
	/*
	 * A test double for what the real rustc cannot be made to do on
	 * demand: write to stdout while compiling, and die by a signal.
	 */
	write_script(fake, "echo out-line; echo err-line >&2; "
	                   "[ \"$1\" = die ] && kill -TERM $$; exit 7\n");
	cr_assert(asprintf(&cmd,
	              "BENCH_TESTS_UNITS='%s' CARGO_CRATE_NAME=fake '%s' "
	              "'%s' --crate-name fake lib.rs",
	              units, w, fake) > 0);
	sh_run(&r, dir, cmd);
	cr_assert_eq(r.status, 7);
	cr_assert_str_eq(r.out, "out-line\n");
	cr_assert_str_eq(r.err, "err-line\n");
	sh_free(&r);
	free(cmd);
	cr_assert(asprintf(&cmd,
	              "BENCH_TESTS_UNITS='%s' CARGO_CRATE_NAME=fake '%s' "
	              "'%s' die --crate-name fake lib.rs; echo $?",
	              units, w, fake) > 0);
	sh_run(&r, dir, cmd);
	/* The wrapper dies by the same signal, as the shell reports. */
	cr_assert_str_eq(r.out, "out-line\n143\n", "%s", r.out);
	sh_free(&r);
	free(cmd);
	recs = records(units);
	cr_assert_not_null(recs[1]);
	cr_assert_eq(recs[0]->signal + recs[1]->signal, 15);
	records_free(recs);

	/* Without its argument, a usage message and status 2. */
	cr_assert(asprintf(&cmd, "'%s'", w) > 0);
	sh_run(&r, dir, cmd);
	cr_assert_eq(r.status, 2);
	cr_assert_not_null(strstr(r.err, "usage"), "%s", r.err);
	sh_free(&r);
	free(cmd);
	free(w);
	free(fake);
	free(units);
	free(dir);
}

Test(profile, a_missing_wrapper_is_named, .timeout = 120)
{
	char *dir = scratch_dir("nowrap"), *cmd, *copy;
	struct shrun r;

	/* bench-tests alone, without the wrapper beside it. */
	copy = path_join(dir, "bench-tests");
	cr_assert(asprintf(&cmd, "cp '%s' '%s'", bench_bin(), copy) > 0);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	cr_assert(asprintf(&cmd, "'%s' profile -q -C '%s' --work-dir '%s/w'",
	              copy, example_workspace(), dir) > 0);
	sh_run(&r, dir, cmd);
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert_not_null(
	    strstr(r.err, "bench-tests-rustc-wrapper"), "%s", r.err);
	cr_assert_not_null(strstr(r.err, "beside bench-tests"), "%s", r.err);
	sh_free(&r);
	free(cmd);
	free(copy);
	free(dir);
}

Test(profile, options_that_contradict_are_usage_errors, .timeout = 60)
{
	static const char *const cases[][4] = {
	    {"--single-pass", "--extractor", "/bin/sh", "--extractor"},
	    {"--single-pass", "--no-profile", NULL, "--no-profile"},
	    {"-p", "shapes", "--exclude=tally", "--exclude"},
	};
	struct cli c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){"profile", "-C", example_workspace(),
		        cases[i][0], cases[i][1], cases[i][2], NULL});
		cr_assert_eq(c.status, 2, "case %zu: %s", i, c.err);
		cr_assert_not_null(
		    strstr(c.err, cases[i][3]), "case %zu: %s", i, c.err);
		cli_free(&c);
	}
}

/* The units of a rooted workspace's profile, "package/key" each. */
static const char *const rooted_units[] = {
    "rooted/bench/speed",
    "rooted/bin/rooted",
    "rooted/bin/rooted/test",
    "rooted/example/demo",
    "rooted/lib",
    "rooted/test",
    "rooted/test/smoke",
    "shapes/lib",
    "shapes/test",
    "tally/build-script",
    "tally/lib",
    "tally/test",
    "tally/test/count",
    NULL,
};

/* Every unit of the profile has a profile; they are exactly `expect`. */
static void
check_units(json_t *p, const char *const *expect)
{
	json_t *units = json_object_get(p, "units"), *u, *prof, *skew;
	size_t i, n = 0;
	char name[256];

	while (expect[n] != NULL)
		n++;
	cr_assert_eq(json_array_size(units), n, "%zu units, not %zu",
	    json_array_size(units), n);
	json_array_foreach(units, i, u)
	{
		snprintf(name, sizeof(name), "%s/%s",
		    json_string_value(json_object_get(u, "package")),
		    json_string_value(json_object_get(u, "key")));
		/* Sorted by package and key, as expect is. */
		cr_assert_str_eq(name, expect[i]);
		prof = json_object_get(u, "profile");
		cr_assert(json_is_object(prof), "%s has no profile", name);
		cr_assert_gt(jnum(prof, "frontend"), 0, "%s", name);
		skew = json_object_get(prof, "skew");
		cr_assert_eq(json_array_size(skew), 2, "%s", name);
		cr_assert_gt(jnum(json_array_get(skew, 0), "items"), 0);
		/* cargo's own timing of each unit, build script included */
		cr_assert_gt(jnum(u, "cargo.duration"), 0, "%s", name);
	}
}

/* How many lines of a pass's log say "Compiling NAME ". */
static int
compiled(const char *work, const char *log, const char *name)
{
	char *cmd;
	int st;

	cr_assert(asprintf(&cmd, "exit $(grep -c 'Compiling %s ' '%s/%s')",
	              name, work, log) > 0);
	st = system(cmd);
	free(cmd);
	return WEXITSTATUS(st);
}

Test(profile, a_root_package_every_member_in_two_passes_and_one, .timeout = 900)
{
	struct cli c;
	char *ws = test_workspace("rooted"), *dir = scratch_dir("rooted");
	char *w1 = path_join(dir, "w1"), *w2 = path_join(dir, "w2");
	char *b1 = path_join(dir, "b1.json"), *b2 = path_join(dir, "b2.json");
	char *logged = path_join(dir, "config-wrapper.log");
	char *script = path_join(dir, "cfg-wrapper"), *body, *cfg;
	json_t *b, *p, *k;
	double share1, share10;
	FILE *f;

	/*
	 * A wrapper in cargo's configuration (as sccache is set up) could
	 * answer from a cache and leave units unprofiled: the passes turn
	 * it off.
	 */
	cr_assert(
	    asprintf(&body, "echo \"$*\" >> '%s'\nexec \"$@\"\n", logged) > 0);
	write_script(script, body);
	free(body);
	cr_assert(asprintf(&cfg, "%s/.cargo", ws) > 0);
	mkdir(cfg, 0777);
	free(cfg);
	cr_assert(asprintf(&cfg, "%s/.cargo/config.toml", ws) > 0);
	f = fopen(cfg, "w");
	cr_assert_not_null(f);
	fprintf(f, "[build]\nrustc-wrapper = \"%s\"\n", script);
	fclose(f);
	free(cfg);
	free(script);
	cli_run(&c, NULL, NULL, 880,
	    (const char *[]){
	        "profile", "-C", ws, "--work-dir", w1, "-o", b1, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(
	    strstr(c.out, "0 of 13 units (0.0%) missing profile data"), "%s",
	    c.out);
	cr_assert_not_null(strstr(c.out, "top 1 % of items ("), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "top 10 % of items ("), "%s", c.out);
	cli_free(&c);
	b = json_file(b1);
	p = json_object_get(b, "profile");
	check_units(p, rooted_units);
	cr_assert(json_is_false(json_object_get(p, "single_pass")));
	cr_assert_not_null(strstr(json_string_value(json_object_get(
	                              json_object_get(p, "pass2"), "command")),
	    "--workspace"));
	/* The skew of the whole workspace: shares of the frontend cost,
	   the top 10 % holding at least what the top 1 % holds. */
	k = json_object_get(p, "skew");
	share1 = jnum(json_array_get(k, 0), "share");
	share10 = jnum(json_array_get(k, 1), "share");
	cr_assert(share1 > 0 && share1 <= share10 && share10 <= 1, "%g %g",
	    share1, share10);
	cr_assert_eq(jnum(json_array_get(k, 0), "percent"), 1);
	json_decref(b);
	/* Dependencies are built once: helper (a path dependency outside
	   the workspace) in pass 1 only; pass 2 rebuilds the members. */
	cr_assert_eq(compiled(w1, "pass1.log", "helper"), 1);
	cr_assert_eq(compiled(w1, "pass2.log", "helper"), 0);
	cr_assert_eq(compiled(w1, "pass2.log", "tally"), 1);
	cr_assert_eq(compiled(w1, "pass2.log", "shapes"), 1);
	cr_assert_eq(compiled(w1, "pass2.log", "rooted"), 1);

	/* One pass (dependencies profiled too): the same units, matched. */
	cli_run(&c, NULL, NULL, 880,
	    (const char *[]){"profile", "-C", ws, "--work-dir", w2, "-o", b2,
	        "--single-pass", "--profile-deps", NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(
	    strstr(c.out, "one pass, profiled and recorded"), "%s", c.out);
	cr_assert_not_null(
	    strstr(c.out, "0 of 13 units (0.0%) missing profile data"), "%s",
	    c.out);
	cli_free(&c);
	b = json_file(b2);
	p = json_object_get(b, "profile");
	check_units(p, rooted_units);
	cr_assert(json_is_true(json_object_get(p, "single_pass")));
	cr_assert(json_is_null(json_object_get(p, "pass2")));
	/* helper's lib and build script: profiled, not units. */
	cr_assert_eq(jnum(p, "dependencies.files"), 2);
	cr_assert(json_is_true(
	    json_object_get(json_object_get(p, "dependencies"), "profiled")));
	json_decref(b);
	cr_assert_eq(compiled(w2, "pass1.log", "helper"), 1);
	cr_assert_neq(access(logged, F_OK), 0, "the configured wrapper ran");
	free(logged);
	free(b2);
	free(b1);
	free(w2);
	free(w1);
	free(dir);
	free(ws);
}

Test(profile, the_users_selection_is_honoured, .timeout = 600)
{
	struct cli c;
	char *ws = test_workspace("rooted"), *dir = scratch_dir("select");
	char *out = path_join(dir, "b.json");
	json_t *b, *units, *u;
	size_t i;
	int shapes = 0;

	cli_run(&c, NULL, NULL, 580,
	    (const char *[]){"profile", "-C", ws, "--no-profile", "-p",
	        "shapes", "-q", "-o", out, "--work-dir", dir, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cli_free(&c);
	b = json_file(out);
	cr_assert_str_eq(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(b, "profile"), "pass2"),
	        "command")),
	    "cargo build --all-targets --keep-going -p shapes");
	units = json_object_get(json_object_get(b, "profile"), "units");
	/* shapes, and tally's units that it needs (a member too); nothing
	   of the root package. */
	json_array_foreach(units, i, u)
	{
		const char *pkg =
		    json_string_value(json_object_get(u, "package"));

		cr_assert_str_neq(pkg, "rooted");
		shapes += strcmp(pkg, "shapes") == 0;
	}
	cr_assert_eq(shapes, 2);
	json_decref(b);
	free(out);
	free(dir);
	free(ws);
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
