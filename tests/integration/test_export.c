/*
 * test_export.c: bench-tests export, the real binary: a baseline measured
 * by bench-tests, exported in every format and compared with what the real
 * hyperfine (installed by .ci/install-deps) writes for the same command.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

/* A directory with a fresh baseline b.json of `true`, 3 runs or more. */
static char *
baseline_dir(const char *name, const char *bench_name)
{
	char *dir = scratch_dir(name), *out = path_join(dir, "b.json");
	const char *args[16] = {
	    "--no-prebuild", "-q", "-w", "0", "-r", "3", "-o", out};
	size_t n = 8;
	struct cli c;

	if (bench_name != NULL) {
		args[n++] = "-n";
		args[n++] = bench_name;
	}
	args[n++] = "--";
	args[n++] = "true";
	args[n] = NULL;
	cli_run(&c, NULL, NULL, 60, args);
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cli_free(&c);
	free(out);
	return dir;
}

/* Run bench-tests export FILE --format fmt; returns its stdout. */
static char *
export_text(const char *dir, const char *fmt)
{
	struct cli c;
	char *out;

	cli_run(&c, dir, NULL, 30,
	    (const char *[]){"export", "b.json", "--format", fmt, NULL});
	cr_assert_eq(
	    c.status, 0, "export %s: exit %d: %s", fmt, c.status, c.err);
	cr_assert_str_eq(c.err, "", "export %s printed on stderr", fmt);
	out = c.out;
	c.out = NULL;
	cli_free(&c);
	return out;
}

/* Run a shell command in dir; fail the test unless it exits 0. */
static void
shell(const char *dir, const char *fmt, const char *arg)
{
	char *cmd, *full;

	cr_assert(asprintf(&cmd, fmt, arg) > 0);
	cr_assert(asprintf(&full, "cd '%s' && %s", dir, cmd) > 0);
	cr_assert_eq(system(full), 0, "failed: %s", full);
	free(full);
	free(cmd);
}

/* What the real hyperfine writes with --export-FMT for `true`. */
static char *
hyperfine_export(const char *dir, const char *fmt)
{
	char *name, *path, *cmd, *text = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(system("command -v hyperfine >/dev/null 2>&1"), 0,
	    "hyperfine is not installed (sh .ci/install-deps installs it)");
	cr_assert(asprintf(&name, "hyperfine.%s", fmt) > 0);
	path = path_join(dir, name);
	cr_assert(asprintf(&cmd,
	              "hyperfine -N --style none -w 0 -r 3 --export-%s '%s' "
	              "true >/dev/null 2>&1",
	              fmt, path) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	f = fopen(path, "r");
	cr_assert_not_null(f, "hyperfine wrote no %s", path);
	cr_assert(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	free(cmd);
	free(path);
	free(name);
	return text;
}

static json_t *
parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);

	cr_assert_not_null(
	    j, "not JSON: %s (line %d):\n%s", e.text, e.line, text);
	return j;
}

/* The keys of an object, in order, joined by spaces (caller frees). */
static char *
keys_of(json_t *o)
{
	const char *k;
	json_t *v;
	char *s = strdup(""), *t;

	cr_assert(json_is_object(o));
	json_object_foreach(o, k, v)
	{
		(void)v;
		cr_assert(
		    asprintf(&t, "%s%s%s", s, s[0] != '\0' ? " " : "", k) > 0);
		free(s);
		s = t;
	}
	return s;
}

/* Whether two JSON values have the same kind (integers and reals alike). */
static int
same_kind(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return 1;
	return json_typeof(a) == json_typeof(b);
}

Test(export, hyperfine_json_has_hyperfines_keys_and_types, .timeout = 120)
{
	char *dir = baseline_dir("hf", NULL);
	char *ours = export_text(dir, "hyperfine");
	char *theirs = hyperfine_export(dir, "json");
	json_t *a = parse(ours), *b = parse(theirs), *ra, *rb, *v;
	char *ka, *kb, *p;
	const char *k;
	size_t i;

	ka = keys_of(a);
	kb = keys_of(b);
	cr_assert_str_eq(ka, kb);
	free(ka);
	free(kb);
	ra = json_array_get(json_object_get(a, "results"), 0);
	rb = json_array_get(json_object_get(b, "results"), 0);
	cr_assert_not_null(ra);
	cr_assert_not_null(rb);
	cr_assert_eq(json_array_size(json_object_get(a, "results")), 1);
	ka = keys_of(ra);
	kb = keys_of(rb);
	/* hyperfine 1.15 (Debian 12) predates memory_usage_byte (1.16). */
	if (json_object_get(rb, "memory_usage_byte") == NULL) {
		p = strstr(ka, " memory_usage_byte");
		cr_assert_not_null(p, "%s", ka);
		memmove(p, p + strlen(" memory_usage_byte"),
		    strlen(p + strlen(" memory_usage_byte")) + 1);
	}
	cr_assert_str_eq(ka, kb, "ours:   %s\nhyperfine's: %s", ka, kb);
	json_object_foreach(rb, k, v)
	{
		cr_assert(same_kind(v, json_object_get(ra, k)),
		    "'%s' is of another kind than hyperfine's", k);
	}
	/* The values: seconds, one per run. */
	cr_assert_str_eq(
	    json_string_value(json_object_get(ra, "command")), "true");
	cr_assert_geq(json_array_size(json_object_get(ra, "times")), 3);
	cr_assert_eq(json_array_size(json_object_get(ra, "times")),
	    json_array_size(json_object_get(ra, "exit_codes")));
	cr_assert_eq(json_array_size(json_object_get(ra, "times")),
	    json_array_size(json_object_get(ra, "memory_usage_byte")));
	json_array_foreach(json_object_get(ra, "exit_codes"), i, v)
	    cr_assert_eq(json_integer_value(v), 0);
	cr_assert_leq(jnum(ra, "min"), jnum(ra, "mean"));
	cr_assert_leq(jnum(ra, "mean"), jnum(ra, "max"));
	/* `true` takes about a millisecond, not a thousand. */
	cr_assert_lt(jnum(ra, "mean"), 0.5);
	cr_assert_gt(json_integer_value(json_array_get(
	                 json_object_get(ra, "memory_usage_byte"), 0)),
	    100 * 1024);
	cr_assert(ours[strlen(ours) - 1] == '\n');
	/* hyperfine's layout: two spaces of indentation. */
	cr_assert_eq(strncmp(ours, "{\n  \"results\": [\n    {\n", 20), 0);
	free(ka);
	free(kb);
	json_decref(a);
	json_decref(b);
	free(theirs);
	free(ours);
	free(dir);
}

Test(export, csv_starts_with_hyperfines_columns, .timeout = 120)
{
	char *dir = baseline_dir("csv", NULL);
	char *ours = export_text(dir, "csv");
	char *theirs = hyperfine_export(dir, "csv");
	size_t hlen = strcspn(theirs, "\n"), commas = 0;
	const char *p;

	cr_assert_gt(hlen, 0);
	cr_assert_eq(strncmp(ours, theirs, hlen), 0,
	    "ours: %.*s\nhyperfine's: %.*s", (int)strcspn(ours, "\n"), ours,
	    (int)hlen, theirs);
	cr_assert_eq(strncmp(ours + hlen,
	                 ",name,runs,cv,ci_low,ci_high,max_rss_mean,"
	                 "converged\n",
	                 52),
	    0, "%s", ours);
	p = strchr(ours, '\n') + 1;
	cr_assert_eq(strncmp(p, "true,", 5), 0, "%s", ours);
	for (; *p != '\n' && *p != '\0'; p++)
		commas += *p == ',';
	cr_assert_eq(commas, 14, "%s", ours);
	cr_assert_str_eq(p, "\n", "one row only: %s", ours);
	free(theirs);
	free(ours);
	free(dir);
}

/* The header of a Markdown table without units: "Mean [ms]" is "Mean". */
static char *
header_without_units(const char *text)
{
	char *h = strndup(text, strcspn(text, "\n")), *o = h;
	const char *s;

	for (s = h; *s != '\0'; s++) {
		if (*s == ' ' && s[1] == '[') {
			s = strchr(s, ']');
			cr_assert_not_null(s);
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	return h;
}

Test(export, markdown_is_hyperfines_table_and_more, .timeout = 120)
{
	char *dir = baseline_dir("md", NULL);
	char *ours = export_text(dir, "markdown");
	char *theirs = hyperfine_export(dir, "markdown");
	char *ho = header_without_units(ours);
	char *ht = header_without_units(theirs);
	const char *row;

	/* The same columns first; the unit may differ (µs, since 1.16). */
	cr_assert_eq(
	    strncmp(ho, ht, strlen(ht)), 0, "ours: %s\ntheirs: %s", ho, ht);
	cr_assert_str_eq(
	    ho + strlen(ht), " User | System | Runs | CV | Converged |");
	row = strchr(strchr(ours, '\n') + 1, '\n') + 1;
	cr_assert_eq(strncmp(row, "| `true` | ", 11), 0, "%s", ours);
	cr_assert_not_null(strstr(row, " | 1.00 | "), "%s", ours);
	cr_assert_not_null(strstr(row, " ± "), "%s", ours);
	free(ho);
	free(ht);
	free(theirs);
	free(ours);
	free(dir);
}

Test(export, bmf_has_every_measure, .timeout = 60)
{
	char *dir = baseline_dir("bmf", "my bench");
	char *text = export_text(dir, "bmf");
	char *hf = export_text(dir, "hyperfine");
	json_t *j = parse(text), *h = parse(hf), *bench, *m;
	static const char *const measures[] = {
	    "wall", "user", "system", "max_rss"};
	char *keys;
	size_t i;

	keys = keys_of(j);
	cr_assert_str_eq(keys, "my bench", "keyed by the benchmark's name");
	free(keys);
	bench = json_object_get(j, "my bench");
	keys = keys_of(bench);
	cr_assert_str_eq(keys, "wall user system max_rss");
	free(keys);
	for (i = 0; i < 4; i++) {
		m = json_object_get(bench, measures[i]);
		keys = keys_of(m);
		cr_assert_str_eq(keys, "value lower_value upper_value");
		free(keys);
		cr_assert_leq(jnum(m, "lower_value"), jnum(m, "value"), "%s",
		    measures[i]);
		cr_assert_leq(jnum(m, "value"), jnum(m, "upper_value"), "%s",
		    measures[i]);
		cr_assert_geq(jnum(m, "lower_value"), 0);
	}
	/* The same numbers as the other formats: seconds and bytes. */
	cr_assert_eq(jnum(json_object_get(bench, "wall"), "value"),
	    jnum(json_array_get(json_object_get(h, "results"), 0), "mean"));
	cr_assert_gt(
	    jnum(json_object_get(bench, "max_rss"), "value"), 100 * 1024);
	/* hyperfine has no name: its command stays the command. */
	cr_assert_str_eq(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(h, "results"), 0), "command")),
	    "true");
	json_decref(j);
	json_decref(h);
	free(hf);
	free(text);
	free(dir);
}

Test(export, output_file_and_standard_input, .timeout = 60)
{
	char *dir = baseline_dir("io", NULL);
	char *stdout_text = export_text(dir, "csv");
	char *path = path_join(dir, "out.csv"), *text = NULL;
	size_t len = 0;
	struct cli c;
	FILE *f;

	cli_run(&c, dir, NULL, 30,
	    (const char *[]){
	        "export", "-f", "csv", "-o", "out.csv", "b.json", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_str_eq(c.out, "", "-o writes nothing to stdout");
	cli_free(&c);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	cr_assert_str_eq(text, stdout_text);
	free(text);
	/* Nothing but the baseline and the export (atomic write). */
	shell(
	    dir, "test \"$(ls -A | tr '\\n' ' ')\" = '%s'", "b.json out.csv ");

	/* - reads standard input. */
	shell(dir, "'%s' export - --format csv < b.json > stdin.csv",
	    bench_bin());
	shell(dir, "%s", "cmp stdin.csv out.csv");
	free(path);
	free(stdout_text);
	free(dir);
}

Test(export, bad_input_is_a_clear_error_with_status_2, .timeout = 120)
{
	static const struct {
		const char *args[8];
		const char *words;
	} cases[] = {
	    {{"export", "missing.json", "-f", "csv", NULL},
	        "cannot read 'missing.json': No such file or directory"},
	    {{"export", "adir", "-f", "csv", NULL},
	        "cannot read 'adir': Is a directory"},
	    {{"export", "empty.json", "-f", "csv", NULL},
	        "'empty.json' is empty, not a baseline"},
	    {{"export", "trunc.json", "-f", "csv", NULL},
	        "'trunc.json': premature end of input"},
	    {{"export", "garbage.json", "-f", "bmf", NULL},
	        "'garbage.json': invalid token near 'xyz' at line 1"},
	    {{"export", "hyperfine.json", "-f", "markdown", NULL},
	        "'hyperfine.json': not a bench-tests baseline (no "
	        "\"schema\": \"bench-tests/baseline\"; a hyperfine export?)"},
	    {{"export", "newer.json", "-f", "hyperfine", NULL},
	        "schema version 2 is newer than this bench-tests understands"},
	    {{"export", "badrun.json", "-f", "csv", NULL},
	        "'badrun.json': results[0].runs[1].wall: expected a number"},
	    {{"export", "b.json", NULL}, "--format is required"},
	    {{"export", "b.json", "-f", "xml", NULL},
	        "--format: unknown format 'xml'"},
	    {{"export", "-f", "csv", NULL}, "no baseline FILE given"},
	    {{"export", "b.json", "b.json", "-f", "csv", NULL},
	        "unexpected 'b.json' (one FILE only)"},
	    {{"export", "b.json", "-f", NULL}, "option '-f' needs a value"},
	    {{"export", "b.json", "--frobnicate", NULL},
	        "unknown option '--frobnicate'"},
	    {{"export", "b.json", "-f", "csv", "-o", "/nonexistent/x.csv",
	         NULL},
	        "cannot write '/nonexistent/x.csv': No such file"},
	};
	char *dir = baseline_dir("bad", NULL);
	struct cli c;
	size_t i;

	shell(dir, "%s", "mkdir adir && : > empty.json");
	shell(dir, "%s", "head -c 200 b.json > trunc.json");
	shell(dir, "%s", "printf '{\"a\": xyz}' > garbage.json");
	shell(dir, "%s",
	    "printf '{\"results\": [{\"command\": \"true\"}]}' > "
	    "hyperfine.json");
	shell(dir, "%s",
	    "sed 's/\"schema_version\": 1/\"schema_version\": 2/' b.json > "
	    "newer.json && ! cmp -s b.json newer.json");
	shell(dir, "%s",
	    "printf '{\"schema\": \"bench-tests/baseline\", "
	    "\"schema_version\": 1, \"results\": [{\"command\": \"x\", "
	    "\"runs\": [{\"wall\": 1, \"user\": 0, \"system\": 0}, "
	    "{\"wall\": \"1\", \"user\": 0, \"system\": 0}]}]}' > badrun.json");
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cli_run(&c, dir, NULL, 30, cases[i].args);
		cr_expect_eq(c.status, 2, "case %zu: exit %d", i, c.status);
		cr_expect_not_null(strstr(c.err, cases[i].words),
		    "case %zu: '%s' not in:\n%s", i, cases[i].words, c.err);
		cr_expect_str_eq(c.out, "", "case %zu printed on stdout", i);
		cli_free(&c);
	}
	free(dir);
}

Test(export, benchmarks_without_runs_are_left_out_with_a_warning, .timeout = 30)
{
	char *dir = scratch_dir("empty");
	struct cli c;

	/* Five benchmarks without a run (interrupted), one with. */
	shell(dir,
	    "printf '{\"schema\": \"bench-tests/baseline\", "
	    "\"schema_version\": 1, \"results\": ["
	    "{\"command\": \"e1\", \"runs\": []}, "
	    "{\"command\": \"e2\", \"runs\": []}, "
	    "{\"command\": \"ran\", \"runs\": [{\"wall\": 1, "
	    "\"user\": 0.5, \"system\": 0.25}]}, "
	    "{\"command\": \"e3\", \"runs\": []}, "
	    "{\"command\": \"e4\", \"runs\": []}, "
	    "{\"command\": \"e5\", \"runs\": []}]}' > %s",
	    "b.json");
	cli_run(&c, dir, NULL, 30,
	    (const char *[]){"export", "b.json", "-f", "csv", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_str_eq(c.out,
	    "command,mean,stddev,median,user,system,min,max,name,runs,cv,"
	    "ci_low,ci_high,max_rss_mean,converged\n"
	    "ran,1,,1,0.5,0.25,1,1,ran,1,,,,0,false\n");
	cr_assert_not_null(
	    strstr(c.err, "warning: 'b.json': benchmark 'e1' has no "
	                  "measured run: left out"),
	    "%s", c.err);
	cr_assert_not_null(strstr(c.err, "benchmark 'e3'"), "%s", c.err);
	cr_assert_null(strstr(c.err, "benchmark 'e4'"), "%s", c.err);
	cr_assert_not_null(
	    strstr(c.err, "warning: 'b.json': 2 more benchmarks without "
	                  "a measured run left out"),
	    "%s", c.err);
	cli_free(&c);
	free(dir);
}

Test(export, help_and_the_command_list, .timeout = 30)
{
	struct cli c;

	cli_run(&c, NULL, NULL, 30, (const char *[]){"export", "--help", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_eq(strncmp(c.out, "Usage: bench-tests export FILE", 30), 0,
	    "%s", c.out);
	cr_assert_not_null(strstr(c.out, "max_rss (bytes)"), "%s", c.out);
	cr_assert_str_eq(c.err, "");
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30, (const char *[]){"help", "export", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_not_null(strstr(c.out, "--format FORMAT"), "%s", c.out);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30, (const char *[]){"--help", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_not_null(strstr(c.out, "  export "), "%s", c.out);
	cli_free(&c);
}

HARNESS_MAIN
