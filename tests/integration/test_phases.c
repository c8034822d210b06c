/*
 * test_phases.c: --phases with the real binary, on a script that prints
 * known phase lines (on both streams, several per run, among noise): the
 * exact sums per run, the coverage, the JSON read back by compare, and
 * compare's per-phase deltas.
 *
 * The script counts its invocations in a file beside it, so each run
 * prints different times and the sums name the run they came from: run i
 * (1-based, after one warm-up) is invocation n = i + 1 and prints
 *   parse:   10 + n ms (stdout) and 500 us (stderr)
 *   codegen: $CODEGEN ms (default 20), twice 10 ms on stderr when unset
 *   link:    0.05 s (stdout, its last line without a newline)
 * Exact in binary floating point to well below the 1e-12 asserted.
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

static const char script_text[] =
    "#!/bin/sh\n"
    "n=$(cat \"$0.count\" 2>/dev/null || echo 0)\n"
    "n=$((n + 1))\n"
    "echo $n > \"$0.count\"\n"
    "echo '   Compiling noise v0.1.0 (phase=none)'\n"
    "echo \"ORI_BUILD_TIMING: phase=parse time_ms=$((10 + n))\"\n"
    "echo 'phase=parse time_us=500' >&2\n"
    "if [ -n \"$CODEGEN\" ]; then\n"
    "  echo \"phase=codegen time_ms=$CODEGEN\" >&2\n"
    "else\n"
    "  echo 'phase=codegen time_ms=10' >&2\n"
    "  echo 'noise on stderr' >&2\n"
    "  echo 'ORI_BUILD_TIMING: phase=codegen time_ms=10' >&2\n"
    "fi\n"
    "echo 'xphase=link time_ms=999'\n"
    "sleep 0.2\n"
    "printf 'phase=link time_s=0.05'\n";

/* Write the script into dir (a new counter); caller frees the path. */
static char *
write_script(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(script_text, f);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
	return path;
}

/* Measure script with --phases (one warm-up, runs runs) into out. */
static void
measure(struct cli *c, const char *script, const char *out, const char *runs,
    const char *const *env, const char *log)
{
	const char *args[24] = {"run", "--no-prebuild", "--phases", "-w", "1",
	    "-r", runs, "--max-runs", runs, "-o", out};
	size_t n = 11;

	if (log != NULL) {
		args[n++] = "--log";
		args[n++] = log;
	}
	args[n++] = "--";
	args[n++] = script;
	args[n] = NULL;
	cli_run(c, NULL, env, 120, args);
}

static json_t *
phase(json_t *r, const char *name)
{
	json_t *p = json_object_get(json_object_get(r, "phases"), name);

	cr_assert_not_null(p, "no phase %s", name);
	return p;
}

static double
per_run(json_t *r, const char *name, size_t i)
{
	return json_number_value(
	    json_array_get(json_object_get(phase(r, name), "per_run"), i));
}

Test(phases, exact_sums_per_run_and_the_coverage, .timeout = 120)
{
	char *dir = scratch_dir("phases"), *script = write_script(dir, "p.sh");
	char *out = path_join(dir, "b.json"), *log = path_join(dir, "log");
	char *text = NULL;
	double sum = 0, wall = 0, mean;
	size_t i, len = 0;
	struct cli c;
	json_t *b, *r, *times;
	FILE *f;

	measure(&c, script, out, "3", NULL, log);
	cr_assert_eq(c.status, 0, "%s", c.err);
	b = json_file(out);
	r = first_result(b);
	cr_assert_eq(json_object_size(json_object_get(r, "phases")), 3);
	for (i = 0; i < 3; i++) {
		double n = (double)i + 2;

		cr_assert_float_eq(per_run(r, "parse", i),
		    (10 + n) / 1000 + 0.0005, 1e-12, "run %zu", i + 1);
		cr_assert_float_eq(per_run(r, "codegen", i), 0.02, 1e-12);
		cr_assert_float_eq(per_run(r, "link", i), 0.05, 1e-12);
	}
	cr_assert_eq(jnum(phase(r, "parse"), "count"), 6);
	cr_assert_eq(jnum(phase(r, "codegen"), "count"), 6);
	cr_assert_eq(jnum(phase(r, "link"), "count"), 3);
	/* mean of 12.5, 13.5, 14.5 ms; stdev([12.5, 13.5, 14.5]) = 1 ms */
	cr_assert_float_eq(jnum(phase(r, "parse"), "mean"), 0.0135, 1e-12);
	cr_assert_float_eq(jnum(phase(r, "parse"), "stddev"), 0.001, 1e-12);
	/* The coverage, from the document's own times. */
	times = json_object_get(r, "times");
	for (i = 0; i < json_array_size(times); i++)
		wall += json_number_value(json_array_get(times, i));
	wall /= (double)json_array_size(times);
	sum = 0.0135 + 0.02 + 0.05;
	cr_assert_float_eq(jnum(r, "phase_coverage"), sum / wall, 1e-9);
	/* The script sleeps 0.2 s besides its phases: they cover < 95 %. */
	mean = jnum(r, "phase_coverage");
	cr_assert_lt(mean, 0.95);
	cr_assert_not_null(strstr(c.out, "Phases cover"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "is in no phase"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "codegen"), "%s", c.out);
	/* --log still gets the output, both streams, every run. */
	f = fopen(log, "r");
	cr_assert_not_null(f);
	cr_assert(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	cr_assert_not_null(strstr(text, "==> bench-tests: run 3/3"));
	cr_assert_not_null(strstr(text, "phase=parse time_ms=14\n"));
	cr_assert_not_null(strstr(text, "noise on stderr\n"));
	free(text);
	json_decref(b);
	cli_free(&c);
	free(log);
	free(out);
	free(script);
	free(dir);
}

/* Write text to dir/name (made with its parents). */
static void
put(const char *dir, const char *name, const char *text)
{
	char *path = path_join(dir, name), *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	cr_assert(mkdir(path, 0777) == 0 || errno == EEXIST, "%s", path);
	*slash = '/';
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
	free(path);
}

/*
 * The real cargo: a package whose test times its own pipeline (compile,
 * link, run: sleeps of 120 and 60 ms and a spawned process) and prints
 * the plan's lines on stderr, which libtest shows with --nocapture.  Each
 * phase is summed once per run, at least as long as its sleep, and the
 * phases cover less than the wall time (cargo's own start is in no phase).
 */
Test(phases, a_cargo_test_that_prints_its_phases, .timeout = 300)
{
	char *dir = scratch_dir("phases-cargo"),
	     *out = path_join(dir, "b.json");
	struct cli c;
	json_t *b, *r;
	size_t i;

	put(dir, "Cargo.toml",
	    "[package]\nname = \"pipeline\"\nversion = \"0.1.0\"\n"
	    "edition = \"2021\"\n\n[workspace]\n");
	put(dir, "src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
	put(dir, "tests/pipeline.rs",
	    "use std::time::{Duration, Instant};\n"
	    "fn timed<F: FnOnce()>(name: &str, f: F) {\n"
	    "    let t = Instant::now();\n"
	    "    f();\n"
	    "    eprintln!(\"ORI_BUILD_TIMING: phase={} time_us={}\", name,\n"
	    "        t.elapsed().as_micros());\n"
	    "}\n"
	    "#[test]\n"
	    "fn compile_link_run() {\n"
	    "    timed(\"compile\", || std::thread::sleep("
	    "Duration::from_millis(120)));\n"
	    "    timed(\"link\", || std::thread::sleep("
	    "Duration::from_millis(60)));\n"
	    "    timed(\"run\", || "
	    "assert!(std::process::Command::new(\"true\")\n"
	    "        .status().unwrap().success()));\n"
	    "    assert_eq!(pipeline::answer(), 42);\n"
	    "}\n");
	cli_run(&c, NULL, NULL, 280,
	    (const char *[]){"run", "-C", dir, "--phases", "-w", "1", "-r", "3",
	        "--max-runs", "3", "-o", out, "--", "cargo", "test",
	        "--workspace", "--", "--nocapture", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "compile"), "%s", c.out);
	b = json_file(out);
	r = first_result(b);
	cr_assert_eq(
	    json_object_size(json_object_get(r, "phases")), 3, "%s", c.out);
	for (i = 0; i < 3; i++) {
		double wall = json_number_value(
		    json_array_get(json_object_get(r, "times"), i));

		cr_assert_geq(per_run(r, "compile", i), 0.12);
		cr_assert_geq(per_run(r, "link", i), 0.06);
		cr_assert_gt(per_run(r, "run", i), 0);
		cr_assert_lt(per_run(r, "compile", i) + per_run(r, "link", i) +
		                 per_run(r, "run", i),
		    wall, "run %zu", i);
	}
	cr_assert_eq(jnum(phase(r, "compile"), "count"), 3);
	cr_assert_eq(jnum(phase(r, "run"), "count"), 3);
	cr_assert(
	    jnum(r, "phase_coverage") > 0 && jnum(r, "phase_coverage") < 1,
	    "%g", jnum(r, "phase_coverage"));
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(phases, compare_shows_the_phase_deltas, .timeout = 240)
{
	char *dir = scratch_dir("phases-cmp");
	char *s1 = write_script(dir, "a.sh"), *s2 = write_script(dir, "b.sh");
	char *o1 = path_join(dir, "a.json"), *o2 = path_join(dir, "b.json");
	struct cli c;
	json_t *j, *ph;

	measure(
	    &c, s1, o1, "4", (const char *const[]){"CODEGEN=20", NULL}, NULL);
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);
	measure(
	    &c, s2, o2, "4", (const char *const[]){"CODEGEN=60", NULL}, NULL);
	cr_assert_eq(c.status, 0, "%s", c.err);
	cli_free(&c);

	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--format", "json", o1, o2, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	j = json_loads(c.out, 0, NULL);
	cr_assert_not_null(j, "%s", c.out);
	ph = json_object_get(
	    json_array_get(json_object_get(j, "benchmarks"), 0), "phases");
	cr_assert_not_null(ph, "%s", c.out);
	/* codegen tripled (20 -> 60 ms every run); parse and link alike.
	   4 runs a side: with 3 the rank test cannot reach alpha = 0.05. */
	cr_assert_float_eq(
	    jnum(json_object_get(ph, "codegen"), "change"), 2.0, 1e-12);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(ph, "codegen"), "verdict")),
	    "slower");
	cr_assert_float_eq(
	    jnum(json_object_get(ph, "parse"), "change"), 0.0, 1e-12);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(ph, "parse"), "verdict")),
	    "no significant change");
	json_decref(j);
	cli_free(&c);

	cli_run(&c, NULL, NULL, 30, (const char *[]){"compare", o1, o2, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "  phase "), "%s", c.out);
	cr_assert_not_null(strstr(c.out, "  codegen "), "%s", c.out);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"compare", "--format", "markdown", o1, o2, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "| phase `codegen` |"), "%s", c.out);
	cli_free(&c);
	free(o1);
	free(o2);
	free(s1);
	free(s2);
	free(dir);
}

Test(phases, a_pattern_of_ones_own_and_unusable_lines, .timeout = 120)
{
	char *dir = scratch_dir("phases-re"), *out = path_join(dir, "b.json");
	struct cli c;
	json_t *b, *r;

	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"run", "--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--phases=^step ([a-z]+): ([0-9]+)$",
	        "--phase-unit", "us", "-o", out, "--", "/bin/sh", "-c",
	        "echo 'step lex: 250'; echo 'step lex: 750' >&2; "
	        "echo 'step x: many'; echo 'step: 1'",
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	b = json_file(out);
	r = first_result(b);
	cr_assert_eq(json_object_size(json_object_get(r, "phases")), 1);
	cr_assert_float_eq(per_run(r, "lex", 0), 0.001, 1e-15);
	cr_assert_float_eq(per_run(r, "lex", 1), 0.001, 1e-15);
	json_decref(b);
	cli_free(&c);

	/* A name with a control character: ignored, and said once. */
	cli_run(&c, NULL, NULL, 60,
	    (const char *[]){"run", "--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--phases", "-o", out, "--", "/bin/sh", "-c",
	        "printf 'phase=a\\001b time_ms=1\\nphase=ok time_ms=2\\n'",
	        NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "could not be used"), "%s", c.err);
	cr_assert_null(
	    strstr(strstr(c.err, "could not be used") + 1, "could not be used"),
	    "%s", c.err);
	b = json_file(out);
	r = first_result(b);
	cr_assert_eq(json_object_size(json_object_get(r, "phases")), 1);
	cr_assert_float_eq(per_run(r, "ok", 1), 0.002, 1e-15);
	json_decref(b);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(phases, usage_errors_exit_2, .timeout = 60)
{
	static const char *const bad[][8] = {
	    {"--phases", "--show-output", "true", NULL},
	    {"--phases=x(", "true", NULL},
	    {"--phases=(one group)", "true", NULL},
	    {"--phase-unit", "ms", "true", NULL},
	    {"--phases", "--phase-unit", "ms", "true", NULL},
	    {"--phases=(a) (b)", "--phase-unit", "min", "true", NULL},
	};
	static const char *const want[] = {"--show-output and --phases",
	    "not an extended regular expression", "two groups",
	    "--phase-unit needs --phases", "the default pattern takes the unit",
	    "unknown unit 'min'"};
	const char *args[12];
	struct cli c;
	size_t i, k;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		args[0] = "run";
		args[1] = "--no-prebuild";
		for (k = 0; bad[i][k] != NULL; k++)
			args[k + 2] = bad[i][k];
		args[k + 2] = NULL;
		cli_run(&c, NULL, NULL, 30, args);
		cr_assert_eq(
		    c.status, 2, "case %zu: %d %s", i, c.status, c.err);
		cr_assert_not_null(
		    strstr(c.err, want[i]), "case %zu: %s", i, c.err);
		cli_free(&c);
	}
	/* sweep and check take it too. */
	for (i = 0; i < 2; i++) {
		cli_run(&c, NULL, NULL, 30,
		    (const char *[]){
		        i == 0 ? "sweep" : "check", "--help", NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cr_assert_not_null(strstr(c.out, "--phases[=PATTERN]"));
		cli_free(&c);
	}
}

HARNESS_MAIN
