/*
 * test_flame.c: bench-tests flame with the real perf: on tests/progs/behave,
 * whose hot function and CPU time are known, and on the example workspace
 * with the real cargo; the flame graph read by python3's XML parser and
 * rendered in headless Chromium; and the failures (no perf, perf not
 * permitted, no samples, a failing command, Ctrl-C).
 *
 * The sampled CPU time is compared with what behave burns (it burns until
 * its own rusage says so): cpu-clock samples the CPU time a task gets, so
 * the figure holds on a busy machine; 15 % leaves room for start-up,
 * exits and sampling error (a thousand samples per second).
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

/* A JSON array's element whose "name" is name, or NULL. */
static json_t *
named(json_t *array, const char *name)
{
	size_t i;
	json_t *e;

	json_array_foreach(array, i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "name")),
		        name) == 0)
			return e;
	}
	return NULL;
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* No temporary directory of a flame is left in dir. */
static void
assert_no_temporary(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		cr_assert_null(strstr(e->d_name, ".tmp-"),
		    "a temporary directory was left: %s", e->d_name);
	closedir(d);
}

/* Nothing of a flame into out: neither out nor a temporary beside it. */
static void
assert_nothing_written(const char *dir, const char *out)
{
	cr_assert(!exists(out), "%s was created", out);
	assert_no_temporary(dir);
}

/*
 * The folded stacks: the sum of the counts; *hot the sum of the lines
 * that end in leaf (perf does not always unwind the C library's start
 * frames alike, so one stack can come in several lines).
 */
static unsigned long long
folded_sum(const char *path, const char *leaf, unsigned long long *hot)
{
	FILE *f = fopen(path, "r");
	char line[65536], *sp;
	unsigned long long sum = 0, n;

	cr_assert_not_null(f, "%s", path);
	*hot = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		sp = strrchr(line, ' ');
		cr_assert_not_null(sp, "no count in '%s'", line);
		n = strtoull(sp + 1, NULL, 10);
		cr_assert_gt(n, 0, "%s", line);
		sum += n;
		*sp = '\0';
		if (strlen(line) >= strlen(leaf) &&
		    strcmp(line + strlen(line) - strlen(leaf), leaf) == 0)
			*hot += n;
	}
	fclose(f);
	return sum;
}

/* python3's XML parser on the SVG: every frame a <g> with a <title> and a
   <rect>; prints the frames' count and their titles. */
static const char check_svg[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "ns = '{http://www.w3.org/2000/svg}'\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "assert root.tag == ns + 'svg', root.tag\n"
    "frames = [g for g in root.iter(ns + 'g') if g.get('class') == 'f']\n"
    "print(len(frames))\n"
    "for g in frames:\n"
    "    t, r = g.find(ns + 'title'), g.find(ns + 'rect')\n"
    "    assert t is not None and r is not None\n"
    "    assert float(r.get('width')) >= 0.1\n"
    "    print(t.text)\n";

/* Headless Chromium on url with mode (--dump-dom or --screenshot=F). */
static char *
chromium(const char *dir, const char *mode, const char *url)
{
	struct cli c;
	char *profile, *arg, name[32], *out;
	static int calls;

	snprintf(name, sizeof(name), "chromium-%d", calls++);
	profile = path_join(dir, name);
	cr_assert(asprintf(&arg, "--user-data-dir=%s", profile) > 0);
	prog_run(&c, dir, 90,
	    (const char *[]){"chromium", "--headless", "--no-sandbox",
	        "--disable-gpu", "--no-first-run",
	        "--disable-background-networking", "--disable-component-update",
	        "--disable-sync", arg, "--window-size=1200,800", mode, url,
	        NULL});
	cr_assert_eq(c.status, 0,
	    "chromium exited %d (run .ci/install-deps: it installs Debian's "
	    "chromium): %s",
	    c.status, c.err);
	out = c.out;
	c.out = NULL;
	cli_free(&c);
	free(arg);
	free(profile);
	return out;
}

Test(flame_behave, the_hot_function_its_programs_and_the_files, .timeout = 180)
{
	char *dir = scratch_dir("flame-hot"), *out = path_join(dir, "out");
	char *script, *report, *folded, *svg;
	char *url, *dom, *shot, *png, *m, *line;
	unsigned long long samples, sum, top;
	struct cli c;
	json_t *j, *f, *p;
	double cpu, pct, sum_pct;
	size_t frames = 0;

	/*
	 * A shell forks three children that exec behave, which burns 0.2 s
	 * in burn_user.  (Not behave forking behave: perf 6.1 often cannot
	 * unwind, with dwarf, a child that execs the binary its parent runs.)
	 */
	cr_assert(asprintf(&script,
	              "B='%s'; $B user 0.2; $B user 0.2; "
	              "$B user 0.2; exit 0",
	              behave_bin()) > 0);
	cli_run(&c, NULL, NULL, 120,
	    (const char *[]){"flame", "--output", out, "--top", "5", "--",
	        "/bin/sh", "-c", script, NULL});
	cr_assert_eq(c.status, 0, "exit %d, stderr:\n%s", c.status, c.err);
	cr_assert_not_null(strstr(c.out, "Wrote "), "%s", c.out);
	cr_assert_not_null(strstr(c.out, out), "the directory is printed");
	cr_assert_not_null(strstr(c.out, "Hottest functions"), "%s", c.out);
	cli_free(&c);
	assert_no_temporary(dir);

	report = path_join(out, "report.json");
	j = json_file(report);
	samples = (unsigned long long)jnum(j, "samples");
	f = json_array_get(json_object_get(j, "functions"), 0);
	cr_assert_not_null(f);
	cr_assert_str_eq(
	    json_string_value(json_object_get(f, "name")), "burn_user");
	pct = jnum(f, "self_pct");
	cr_assert_geq(pct, 80, "burn_user has %.1f %% self", pct);
	cr_assert_str_eq(
	    json_string_value(json_object_get(f, "program")), "behave");
	cr_assert_leq(json_array_size(json_object_get(j, "functions")), 5);
	/* Three children burn 0.2 s each. */
	cpu = jnum(j, "cpu_s");
	cr_assert(fabs(cpu - 0.6) <= 0.15 * 0.6, "sampled CPU %.3f s", cpu);
	p = named(json_object_get(j, "programs"), "behave");
	cr_assert_not_null(p, "no program behave");
	cr_assert_eq(jnum(p, "processes"), 3);
	cr_assert_geq(jnum(p, "alive_s"), 0.6 * 0.95);
	/* The shell: one process (it ends with exit, so it does not exec the
	   last command). */
	p = named(json_object_get(j, "programs"), "sh");
	cr_assert_not_null(p, "no program sh");
	cr_assert_eq(jnum(p, "processes"), 1);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "settings"), "call_graph")),
	    "dwarf");
	cr_assert_eq(jnum(json_object_get(j, "settings"), "frequency"), 999);
	cr_assert(json_array_size(json_object_get(j, "categories")) >= 4);

	/* The folded stacks: every sample, most of them in burn_user under
	   behave's whole stack. */
	folded = path_join(out, "stacks.folded");
	sum = folded_sum(folded, ";main;burn_user", &top);
	cr_assert_eq(sum, samples, "folded %llu, report %llu", sum, samples);
	cr_assert_geq(top, samples * 7 / 10,
	    "only %llu of %llu samples unwound to main", top, samples);

	/* The flame graph parses as XML, every frame titled. */
	svg = path_join(out, "flame.svg");
	prog_run(&c, NULL, 60,
	    (const char *[]){"python3", "-c", check_svg, svg, NULL});
	cr_assert_eq(c.status, 0, "python3: %s", c.err);
	cr_assert(
	    sscanf(c.out, "%zu", &frames) == 1 && frames > 5, "%s", c.out);
	/* Its frames (one per distinct stack below it) hold most samples. */
	sum_pct = 0;
	for (m = c.out; (m = strstr(m, "\nburn_user (")) != NULL; m++) {
		cr_assert(
		    sscanf(m, "\nburn_user (%*u samples, %lf%%)", &pct) == 1);
		sum_pct += pct;
	}
	cr_assert_geq(sum_pct, 80, "burn_user's frames: %.1f %%", sum_pct);
	line = strstr(c.out, "\nall (");
	cr_assert_not_null(line);
	cr_assert(strncmp(line, "\nall (", 6) == 0);
	cli_free(&c);

	/* In a browser: the search from the URL runs and finds it. */
	cr_assert(asprintf(&url, "file://%s?s=burn_user", svg) > 0);
	dom = chromium(dir, "--dump-dom", url);
	cr_assert_not_null(strstr(dom, "data-ready=\"1\""),
	    "the script did "
	    "not run:\n%.400s",
	    dom);
	m = strstr(dom, "id=\"matched\"");
	cr_assert_not_null(m, "%.2000s", dom);
	m = strstr(m, "Matched: ");
	cr_assert_not_null(m, "no match shown");
	cr_assert(
	    sscanf(m, "Matched: %lf%%", &pct) == 1 && pct >= 80, "%.40s", m);
	free(dom);
	free(url);
	/* A screenshot, kept in the test's directory. */
	shot = path_join(dir, "flame.png");
	cr_assert(asprintf(&png, "--screenshot=%s", shot) > 0);
	cr_assert(asprintf(&url, "file://%s", svg) > 0);
	free(chromium(dir, png, url));
	{
		FILE *pf = fopen(shot, "rb");
		char magic[4];
		long size;

		cr_assert_not_null(pf, "no screenshot at %s", shot);
		cr_assert_eq(fread(magic, 1, 4, pf), 4);
		fseek(pf, 0, SEEK_END);
		size = ftell(pf);
		fclose(pf);
		cr_assert(memcmp(magic, "\x89PNG", 4) == 0 && size > 10000,
		    "%s is not a real screenshot (%ld bytes)", shot, size);
	}
	json_decref(j);
	free(png);
	free(shot);
	free(url);
	free(svg);
	free(folded);
	free(report);
	free(script);
	free(out);
	free(dir);
}

Test(flame_behave, runs_merge_and_an_output_dir_is_updated, .timeout = 180)
{
	char *dir = scratch_dir("flame-runs"), *out = path_join(dir, "out");
	char *report, *notes, *data;
	struct cli c;
	json_t *j, *p;
	double cpu;
	FILE *f;

	/* Two runs with frame pointers, recordings kept. */
	cli_run(&c, NULL, NULL, 120,
	    (const char *[]){"flame", "-q", "-o", out, "--runs", "2",
	        "--call-graph", "fp", "--keep-data", "--", behave_bin(), "user",
	        "0.2", NULL});
	cr_assert_eq(c.status, 0, "exit %d, stderr:\n%s", c.status, c.err);
	cr_assert_str_eq(c.out, "", "--quiet");
	cli_free(&c);
	report = path_join(out, "report.json");
	j = json_file(report);
	cr_assert_eq(json_array_size(json_object_get(j, "runs")), 2);
	cpu = jnum(j, "cpu_s");
	cr_assert(fabs(cpu - 0.4) <= 0.15 * 0.4, "sampled CPU %.3f s", cpu);
	p = named(json_object_get(j, "programs"), "behave");
	cr_assert_not_null(p);
	cr_assert_eq(jnum(p, "processes"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(j, "settings"), "call_graph")),
	    "fp");
	json_decref(j);
	data = path_join(out, "perf-2.data");
	cr_assert(exists(data), "--keep-data");

	/* Again into the same directory: our files are replaced, the
	   recordings not kept this time go, the user's own file stays. */
	notes = path_join(out, "notes.txt");
	f = fopen(notes, "w");
	cr_assert_not_null(f);
	fputs("mine\n", f);
	fclose(f);
	cli_run(&c, NULL, NULL, 120,
	    (const char *[]){"flame", "-q", "-o", out, "--", "/bin/sh", "-c",
	        "exec \"$0\" user 0.1", behave_bin(), NULL});
	cr_assert_eq(c.status, 0, "exit %d, stderr:\n%s", c.status, c.err);
	cli_free(&c);
	j = json_file(report);
	cr_assert_eq(json_array_size(json_object_get(j, "runs")), 1);
	/* The shell that execs behave: one process of each. */
	p = named(json_object_get(j, "programs"), "behave");
	cr_assert_not_null(p);
	cr_assert_eq(jnum(p, "processes"), 1);
	cr_assert_not_null(named(json_object_get(j, "programs"), "sh"));
	json_decref(j);
	cr_assert(exists(notes), "the user's file was removed");
	cr_assert(!exists(data), "an old recording was left");
	assert_no_temporary(dir);
	free(data);
	free(notes);
	free(report);
	free(out);
	free(dir);
}

Test(flame_workspace, cargo_rustdoc_and_the_test_binaries, .timeout = 400)
{
	static const char *const binaries[] = {"geometry-", "primes-", "large-",
	    "textkit-", "distance-", "rle-", "wordcount-", "cli-", NULL};
	const char *ws = example_workspace();
	char *out = path_join(ws, "target/bench-tests-flame");
	char *report = path_join(out, "report.json");
	struct cli c;
	json_t *j, *progs, *e;
	size_t i, k;
	int found;

	/* The default directory, under the target directory. */
	cli_run(&c, NULL, NULL, 360,
	    (const char *[]){"flame", "--workspace", ws, NULL});
	cr_assert_eq(c.status, 0, "exit %d, stderr:\n%s", c.status, c.err);
	cr_assert_not_null(strstr(c.out, out), "%s", c.out);
	cli_free(&c);
	j = json_file(report);
	progs = json_object_get(j, "programs");
	cr_assert_not_null(named(progs, "cargo"), "no cargo");
	e = named(progs, "rustdoc");
	cr_assert_not_null(e, "no rustdoc (doc-tests)");
	/* A rustdoc per crate with a library (four doc-test runs). */
	cr_assert_geq(jnum(e, "processes"), 4);
	for (i = 0; binaries[i] != NULL; i++) {
		found = 0;
		json_array_foreach(progs, k, e)
		{
			if (strncmp(
			        json_string_value(json_object_get(e, "name")),
			        binaries[i], strlen(binaries[i])) == 0)
				found = 1;
		}
		cr_assert(found, "no test binary %s...", binaries[i]);
	}
	cr_assert_not_null(
	    named(json_object_get(j, "categories"), "crate textkit"));
	cr_assert_not_null(named(json_object_get(j, "categories"), "LLVM"));
	json_decref(j);
	free(report);
	free(out);
}

/* ------------------------------------------------------------ failures */

/*
 * flame with opts (before --) on behave with args, in a scratch directory
 * called name, with env: it must exit 2 with each of messages on stderr
 * and write nothing.
 */
static void
refused(const char *name, const char *const *env, const char *const *opts,
    const char *const *args, const char *const *messages)
{
	char *dir = scratch_dir(name), *out = path_join(dir, "out");
	const char *argv[32] = {"flame", "-o", out};
	size_t n = 3, i;
	struct cli c;

	for (i = 0; opts[i] != NULL; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	argv[n++] = behave_bin();
	for (i = 0; args[i] != NULL; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cli_run(&c, NULL, env, 30, argv);
	cr_assert_eq(c.status, 2, "exit %d: %s", c.status, c.err);
	for (i = 0; messages[i] != NULL; i++)
		cr_assert_not_null(strstr(c.err, messages[i]),
		    "no '%s' in:\n%s", messages[i], c.err);
	assert_nothing_written(dir, out);
	cli_free(&c);
	free(out);
	free(dir);
}

Test(flame_errors, without_perf_on_path, .timeout = 60)
{
	refused("flame-noperf", (const char *[]){"PATH=/nonexistent", NULL},
	    (const char *[]){NULL}, (const char *[]){"user", "0.1", NULL},
	    (const char *[]){"perf was not found on PATH", "linux-perf", NULL});
}

/*
 * perf refusing to record cannot be produced for real here (root may
 * always record, and kernel.perf_event_paranoid is the machine's): a
 * stand-in perf fails the way perf 6.1 does, an empty recording and its
 * message (tools/perf/util/evsel.c, evsel__open_strerror) on stderr.
 */
static const char fake_perf[] =
    "#!/bin/sh\n"
    "while [ $# -gt 0 ]; do\n"
    "  [ \"$1\" = -o ] && : > \"$2\"\n"
    "  shift\n"
    "done\n"
    "cat >&2 <<'EOF'\n"
    "Error:\n"
    "Access to performance monitoring and observability operations is "
    "limited.\n"
    "Consider adjusting /proc/sys/kernel/perf_event_paranoid setting to "
    "open\n"
    "access to performance monitoring and observability operations for "
    "processes\n"
    "without CAP_PERFMON, CAP_SYS_PTRACE or CAP_SYS_ADMIN Linux "
    "capability.\n"
    "EOF\n"
    "exit 255\n";

Test(flame_errors, perf_not_permitted_is_explained, .timeout = 60)
{
	char *dir = scratch_dir("flame-fake"), *bin = path_join(dir, "perf");
	char *path;
	FILE *f;

	f = fopen(bin, "w");
	cr_assert_not_null(f);
	fputs(fake_perf, f);
	fclose(f);
	cr_assert_eq(chmod(bin, 0755), 0);
	cr_assert(asprintf(&path, "PATH=%s:/usr/bin:/bin", dir) > 0);
	refused("flame-denied", (const char *[]){path, NULL},
	    (const char *[]){NULL}, (const char *[]){"user", "0.1", NULL},
	    (const char *[]){"perf is not permitted to record",
	        "perf_event_paranoid", "the end of perf's output", NULL});
	free(path);
	free(bin);
	free(dir);
}

Test(flame_errors, no_samples_is_an_error, .timeout = 60)
{
	/* A sleeper uses a millisecond of CPU: at 1 Hz, nothing. */
	refused("flame-idle", NULL, (const char *[]){"--frequency", "1", NULL},
	    (const char *[]){"sleep", "0.2", NULL},
	    (const char *[]){"perf recorded no samples", "--frequency", NULL});
}

Test(flame_errors, a_failing_command_is_still_reported, .timeout = 60)
{
	char *dir = scratch_dir("flame-fail"), *out = path_join(dir, "out");
	char *script, *report;
	struct cli c;
	json_t *j, *run;

	cr_assert(asprintf(&script, "'%s' user 0.2; exit 3", behave_bin()) > 0);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "flame", "-q", "-o", out, "--", "/bin/sh", "-c", script, NULL});
	cr_assert_eq(c.status, 3, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "exited with status 3"), "%s", c.err);
	cli_free(&c);
	report = path_join(out, "report.json");
	j = json_file(report);
	run = json_array_get(json_object_get(j, "runs"), 0);
	cr_assert_eq(jnum(run, "exit_code"), 3);
	cr_assert_str_eq(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(j, "functions"), 0), "name")),
	    "burn_user");
	json_decref(j);
	/* --ignore-failure: the same, exit 0. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"flame", "-q", "--ignore-failure", "-o", out, "--",
	        "/bin/sh", "-c", script, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cli_free(&c);
	free(report);
	free(script);
	free(out);
	free(dir);
}

Test(flame_errors, categories_are_checked_and_printed, .timeout = 60)
{
	char *dir = scratch_dir("flame-cat"), *table = path_join(dir, "table");
	char *printed;
	struct cli c;
	FILE *f;

	f = fopen(table, "w");
	cr_assert_not_null(f);
	fputs("# comment\nllvm::*\n", f);
	fclose(f);
	refused("flame-badcat", NULL,
	    (const char *[]){"--categories", table, NULL},
	    (const char *[]){"user", "0.1", NULL},
	    (const char *[]){
	        table, ": line 2: a pattern before the first [NAME]", NULL});

	/* The built-in table, printed, reads back as the same table. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"flame", "--print-categories", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert(strncmp(c.out, "[LLVM]\n", 7) == 0, "%s", c.out);
	cr_assert_not_null(strstr(c.out, "\n[linking]\nprogram:ld\n"));
	printed = c.out;
	c.out = NULL;
	cli_free(&c);
	f = fopen(table, "w");
	fputs(printed, f);
	fclose(f);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "flame", "--categories", table, "--print-categories", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_str_eq(c.out, printed);
	cli_free(&c);
	free(printed);
	free(table);
	free(dir);
}

Test(flame_errors, an_interrupt_writes_nothing, .timeout = 60)
{
	char *dir = scratch_dir("flame-int"), *out = path_join(dir, "out");
	struct cli c;
	pid_t pid;

	pid = cli_start(&c, NULL,
	    (const char *[]){
	        "flame", "-o", out, "--", behave_bin(), "sleep", "10", NULL});
	sleep_seconds(1.5);
	cr_assert_eq(kill(pid, SIGINT), 0);
	cli_wait(&c, pid, 30);
	cr_assert_eq(c.status, 130, "exit %d: %s", c.status, c.err);
	cr_assert_lt(c.seconds, 10, "the command was not ended");
	assert_nothing_written(dir, out);
	cli_free(&c);
	free(out);
	free(dir);
}

HARNESS_MAIN
