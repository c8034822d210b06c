/*
 * cmd-sweep.c: bench-tests sweep: the canonical measurement for the whole
 * suite, each crate, or each test target of each crate, to see which part
 * of the suite dominates.
 */
#include <config.h>

#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *const sweep_usage[] = {
    "Usage: bench-tests sweep [OPTIONS]",
    "",
    "Measure the whole suite (cargo test --workspace), then each crate's",
    "tests (cargo test -p NAME), or with --split-targets each test target",
    "of each crate, with the same warm-ups, runs and convergence as `run`.",
    "One baseline holds every benchmark; the table is sorted by time and",
    "shows each entry's share of the whole suite.",
    "",
    "Options:",
    "      --crates A,B        only these crates (default: every member)",
    "      --split-targets     measure a crate's lib tests (--lib), each",
    "                          integration test (--test NAME), bins and",
    "                          doc-tests separately: crate/lib,",
    "                          crate/test/NAME, crate/bin/NAME, crate/doc",
    "      --no-whole          do not measure cargo test --workspace too",
    "      --per-test          one extra, untimed pass with libtest's JSON",
    "                          output: per binary passed/failed/ignored and",
    "                          the slowest tests",
    "      --slowest N         how many slowest tests to keep (default 5)",
    "  -h, --help              this help",
    "",
    NULL,
};

static const char *const sweep_usage_tail[] = {
    "",
    "Exit status: 0 success; 2 usage, I/O or input error (a failed pre-build",
    "too); 3 a measured command failed; 130 interrupted.",
    NULL,
};

enum {
	OPT_CRATES = 2000,
	OPT_NO_PER_TEST,
	OPT_NO_SPLIT,
	OPT_NO_WHOLE,
	OPT_PER_TEST,
	OPT_SLOWEST,
	OPT_SPLIT,
	OPT_WHOLE
};

static const struct option sweep_options[] = {
    {"crates", required_argument, NULL, OPT_CRATES},
    {"help", no_argument, NULL, 'h'},
    {"no-per-test", no_argument, NULL, OPT_NO_PER_TEST},
    {"no-split-targets", no_argument, NULL, OPT_NO_SPLIT},
    {"no-whole", no_argument, NULL, OPT_NO_WHOLE},
    {"per-test", no_argument, NULL, OPT_PER_TEST},
    {"slowest", required_argument, NULL, OPT_SLOWEST},
    {"split-targets", no_argument, NULL, OPT_SPLIT},
    {"whole", no_argument, NULL, OPT_WHOLE},
    {NULL, 0, NULL, 0},
};

/* A benchmark of the sweep: its name and command. */
struct sweep_item {
	char *name;
	char **argv;
};

struct sweep {
	struct sweep_item *items;
	size_t n;
};

static void
add_item(struct sweep *sw, const char *name, ...)
{
	struct sweep_item *it;
	va_list ap;
	const char *a;
	size_t n = 0;

	sw->items = xreallocarray(sw->items, sw->n + 1, sizeof(*sw->items));
	it = &sw->items[sw->n++];
	it->name = xstrdup(name);
	it->argv = xcalloc(12, sizeof(*it->argv));
	va_start(ap, name);
	while ((a = va_arg(ap, const char *)) != NULL && n < 11)
		it->argv[n++] = xstrdup(a);
	va_end(ap);
}

static void
sweep_free(struct sweep *sw)
{
	size_t i;

	for (i = 0; i < sw->n; i++) {
		free(sw->items[i].name);
		strv_free(sw->items[i].argv);
	}
	free(sw->items);
}

/* The benchmarks of one crate's test targets (--split-targets). */
static void
add_targets(struct sweep *sw, const struct cargo_package *p)
{
	static const struct {
		const char *kind;
		const char *flag;
	} kinds[] = {{"bin", "--bin"}, {"test", "--test"},
	    {"example", "--example"}, {"bench", "--bench"}};
	char *name = NULL;
	size_t i, k;
	int doc = 0;

	for (i = 0; i < p->n_targets; i++) {
		const struct cargo_target *t = &p->targets[i];

		if (strcmp(t->kind, "lib") == 0) {
			if (t->test) {
				xasprintf(&name, "%s/lib", p->name);
				add_item(sw, name, "cargo", "test", "-p",
				    p->name, "--lib", NULL);
				free(name);
			}
			doc = t->doctest;
		}
	}
	for (k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		for (i = 0; i < p->n_targets; i++) {
			const struct cargo_target *t = &p->targets[i];

			if (strcmp(t->kind, kinds[k].kind) != 0 || !t->test)
				continue;
			xasprintf(&name, "%s/%s/%s", p->name, t->kind, t->name);
			add_item(sw, name, "cargo", "test", "-p", p->name,
			    kinds[k].flag, t->name, NULL);
			free(name);
		}
	}
	if (doc) {
		xasprintf(&name, "%s/doc", p->name);
		add_item(
		    sw, name, "cargo", "test", "-p", p->name, "--doc", NULL);
		free(name);
	}
}

/* Split a comma-separated list (caller frees with strv_free). */
static char **
split_list(const char *s)
{
	char **v = NULL, *copy = xstrdup(s), *tok, *save = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok == '\0')
			continue;
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = xstrdup(tok);
		v[n] = NULL;
	}
	free(copy);
	return v;
}

/* Whether crate name is selected (every crate when crates is NULL). */
static int
chosen(char **crates, const char *name)
{
	size_t k;

	for (k = 0; crates != NULL && crates[k] != NULL; k++) {
		if (strcmp(crates[k], name) == 0)
			return 1;
	}
	return crates == NULL;
}

static int
by_mean_desc(const void *a, const void *b)
{
	const struct bench_result *x = *(const struct bench_result *const *)a;
	const struct bench_result *y = *(const struct bench_result *const *)b;
	double mx = x->n_runs > 0 ? x->st[METRIC_WALL].mean : -1;
	double my = y->n_runs > 0 ? y->st[METRIC_WALL].mean : -1;

	return (mx < my) - (mx > my);
}

/* The table: sorted by wall time, with shares of the whole suite. */
static void
print_table(const struct baseline *b, const struct bench_result *whole)
{
	struct report_style st = term_style();
	const struct bench_result **v;
	char m[32], d[32], u[32], s[32];
	double total = 0, sum = 0;
	size_t i, n, w = 16;

	v = xcalloc(b->n_results + 1, sizeof(*v));
	for (i = 0; i < b->n_results; i++) {
		v[i] = &b->results[i];
		if (strlen(v[i]->name) > w)
			w = strlen(v[i]->name);
		if (v[i] != whole && v[i]->n_runs > 0)
			sum += v[i]->st[METRIC_WALL].mean;
	}
	qsort(v, b->n_results, sizeof(*v), by_mean_desc);
	total = whole != NULL && whole->n_runs > 0 ? whole->st[METRIC_WALL].mean
	                                           : sum;
	printf("%sSweep of %s%s: %zu benchmark%s, shares of %s\n",
	    st.color ? "\033[1m" : "", b->workspace, st.color ? "\033[0m" : "",
	    b->n_results, b->n_results == 1 ? "" : "s",
	    whole != NULL ? "the whole suite" : "the sum of the entries");
	printf("  %-*s %10s %s %-9s %10s %10s %7s %5s %6s  %s\n", (int)w,
	    "benchmark", "mean", st.unicode ? "±" : "+-", "sd", "user",
	    "system", "share", "runs", "CV", "converged");
	for (i = 0; i < b->n_results; i++) {
		const struct bench_result *r = v[i];
		const struct stats_summary *wl = &r->st[METRIC_WALL];

		if (r->n_runs == 0) {
			printf("  %-*s %10s\n", (int)w, r->name, "no runs");
			continue;
		}
		printf(
		    "  %-*s %10s %s %-9s %10s %10s %6.1f%% %5zu %5.1f%%  %s\n",
		    (int)w, r->name,
		    report_fmt_time(m, sizeof(m), wl->mean, 0, &st),
		    st.unicode ? "±" : "+-",
		    report_fmt_time(d, sizeof(d), wl->stddev, wl->mean, &st),
		    report_fmt_time(
		        u, sizeof(u), r->st[METRIC_USER].mean, 0, &st),
		    report_fmt_time(
		        s, sizeof(s), r->st[METRIC_SYS].mean, 0, &st),
		    total > 0 ? 100 * wl->mean / total : NAN, r->n_runs,
		    100 * wl->cv, r->converged ? "yes" : "no");
	}
	if (whole != NULL && b->n_results > 1 && total > 0)
		printf("  %-*s %10s %*s %6.1f%%  (each cargo invocation "
		       "pays its own start-up)\n",
		    (int)w, "sum of the parts",
		    report_fmt_time(m, sizeof(m), sum, 0, &st), 34, "",
		    100 * sum / total);
	/* --phases: each benchmark's phases, in the table's order. */
	for (i = 0, n = 0; i < b->n_results; i++)
		n += v[i]->n_phases > 0;
	for (i = 0; i < b->n_results && n > 0; i++) {
		if (!v[i]->has_phases || v[i]->n_runs == 0)
			continue;
		printf("%s:\n", v[i]->name);
		report_text_phases(stdout, v[i], &st);
	}
	if (n == 0 && b->n_results > 0 && v[0]->has_phases)
		printf(
		    "Phases: no line of any benchmark matched the pattern\n");
	free(v);
}

static int
cmd_sweep_exec(int argc, char **argv)
{
	struct session_opts o;
	struct session s;
	struct option *options;
	struct sweep sw = {NULL, 0};
	struct cargo_workspace *meta = NULL;
	struct bench_result *whole = NULL, *r;

	char **crates = NULL, **select = NULL;
	const char *crates_arg = NULL;
	int c, status = BENCH_EXIT_OK, split = 0, per_test = 0, no_whole = 0;
	size_t slowest = 5, i, n_sel = 0;

	session_opts_init(&o);
	options = session_merge_options(sweep_options);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(
	            argc, argv, SESSION_SHORTOPTS "h", options, NULL)) != -1) {
		if (session_option(&o, "sweep", c, optarg))
			continue;
		switch (c) {
		case 'h':
			cmd_print_usage(sweep_usage);
			cmd_print_usage(session_usage);
			cmd_print_usage(post_usage);
			cmd_print_usage(sweep_usage_tail);
			exit(BENCH_EXIT_OK);
		case OPT_CRATES:
			crates_arg = optarg;
			break;
		case OPT_SPLIT:
			split = 1;
			break;
		case OPT_NO_SPLIT:
			split = 0;
			break;
		case OPT_PER_TEST:
			per_test = 1;
			break;
		case OPT_NO_PER_TEST:
			per_test = 0;
			break;
		case OPT_WHOLE:
			no_whole = 0;
			break;
		case OPT_NO_WHOLE:
			no_whole = 1;
			break;
		case OPT_SLOWEST:
			slowest = cmd_parse_count("--slowest", optarg, 0);
			break;
		default:
			cmd_getopt_error("sweep", argc, argv, c);
		}
	}
	free(options);
	if (optind < argc)
		cmd_usage_error("sweep",
		    "unexpected argument '%s' (sweep "
		    "measures cargo test; see --crates)",
		    argv[optind]);
	session_opts_check(&o, "sweep");
	if (crates_arg != NULL) {
		crates = split_list(crates_arg);
		if (crates == NULL)
			cmd_usage_error("sweep", "--crates: no crate named");
	}

	session_open(&s, &o, 1);
	meta = cargo_metadata(s.ws);
	if (meta == NULL) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	for (i = 0; crates != NULL && crates[i] != NULL; i++) {
		if (report_cargo_find(meta, crates[i]) == NULL) {
			char *names = NULL, *tmp;
			size_t k;

			for (k = 0; k < meta->n_packages; k++) {
				xasprintf(&tmp, "%s%s%s", names ? names : "",
				    names ? ", " : "", meta->packages[k].name);
				free(names);
				names = tmp;
			}
			errorf(
			    "--crates: '%s' is not a member of the workspace "
			    "(members: %s)",
			    crates[i], names);
			free(names);
			status = BENCH_EXIT_USAGE;
			goto out;
		}
	}

	/* What to measure, and the -p arguments that select it. */
	if (!no_whole)
		add_item(
		    &sw, "workspace", "cargo", "test", "--workspace", NULL);
	select = xcalloc(2 * meta->n_packages + 2, sizeof(*select));
	for (i = 0; i < meta->n_packages; i++) {
		const struct cargo_package *p = &meta->packages[i];

		if (!chosen(crates, p->name))
			continue;
		select[n_sel++] = "-p";
		select[n_sel++] = p->name;
		if (split)
			add_targets(&sw, p);
		else
			add_item(
			    &sw, p->name, "cargo", "test", "-p", p->name, NULL);
	}
	if (crates == NULL) {
		select[0] = "--workspace";
		select[1] = NULL;
	}

	/*
	 * Pre-build exactly what will run: each entry's own command with
	 * --no-run, as run does (cargo test -p NAME resolves features for
	 * that crate alone); all of them before anything is measured.
	 */
	for (i = 0; i < sw.n && status == BENCH_EXIT_OK; i++)
		status = session_prebuild_command(&s, sw.items[i].argv);

	for (i = 0; i < sw.n && status == BENCH_EXIT_OK; i++) {
		if (!o.quiet)
			notef("[%zu/%zu] %s", i + 1, sw.n, sw.items[i].name);
		status =
		    session_measure(&s, sw.items[i].name, sw.items[i].argv, &r);
	}
	if (!no_whole && s.b->n_results > 0)
		whole = &s.b->results[0];
	if (status == BENCH_EXIT_OK && per_test) {
		s.b->tests = cargo_per_test(s.ws, select, meta, slowest);
		if (s.b->tests == NULL && spawn_interrupted())
			status = BENCH_EXIT_INTERRUPTED;
		else if (s.b->tests == NULL)
			status = BENCH_EXIT_USAGE;
	}
	/* Results first, then the table: a closed stdout costs nothing. */
	status = session_finish(&s, status);
	if ((status == BENCH_EXIT_OK || status == BENCH_EXIT_INTERRUPTED) &&
	    !o.quiet && s.b->n_results > 0) {
		struct report_style st = term_style();

		print_table(s.b, whole);
		if (s.b->tests != NULL) {
			putchar('\n');
			report_text_tests(stdout, s.b->tests, &st);
		}
		fflush(stdout);
	}
out:
	free(select);
	strv_free(crates);
	sweep_free(&sw);
	report_cargo_workspace_free(meta);
	return session_close(&s, status);
}

const struct cmd_entry cmd_sweep_entry = {
    .name = "sweep",
    .summary = "measure each crate (or each test target) separately",
    .exec = cmd_sweep_exec,
};
