/*
 * gate-power.c: the gate's power and false alarms on measured baselines,
 * the rule of this version beside the seeds' rule it replaced.  Reads what
 * tests/bench/gate-power.sh measured:
 *
 *   DIR/cvC/before-I.json      gate I's stored baseline (noise of CV C %)
 *   DIR/cvC/afterS-I.json      gate I's result, S % slower (S = 0: the
 *                              same program)
 *
 * and prints, per CV, slowdown and number of runs (the first N of each
 * file), how many of the gates warned or failed, and failed, under
 * check --warn W --fail F:
 *
 *   gate-power DIR GATES WARN FAIL CVS SLOWDOWNS RUNS
 *   gate-power tests/work/gate-power 20 5 10 2,8,15 0,5,10,20 5,10
 *
 * The old rule, as the code before this version decided it: slower when
 * the change exceeded twice the larger standard deviation and Welch's and
 * the Mann-Whitney test both gave p < 0.05; warn beyond --warn, fail
 * beyond --fail, on the point estimate; too few runs passed.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define MAX_LIST 16

/* A comma-separated list of numbers; returns how many. */
static size_t
parse_list(const char *s, double *v)
{
	char *end;
	size_t n = 0;

	while (*s != '\0' && n < MAX_LIST) {
		v[n++] = strtod(s, &end);
		if (end == s)
			break;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static struct baseline *
load(const char *path, size_t runs)
{
	struct bench_error err;
	struct baseline *b;
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
		fprintf(stderr, "gate-power: cannot read %s\n", path);
		exit(2);
	}
	rewind(f);
	text = malloc((size_t)len + 1);
	if (text == NULL || fread(text, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "gate-power: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	b = report_baseline_parse(text, (size_t)len, &err);
	free(text);
	if (b == NULL || b->n_results != 1) {
		fprintf(stderr, "gate-power: %s: %s\n", path,
		    b == NULL ? err.text : "not one benchmark");
		exit(2);
	}
	/* The first runs only: as if the gate had measured that many. */
	if (b->results[0].n_runs > runs)
		b->results[0].n_runs = runs;
	if (report_result_compute(&b->results[0], 0.95, 3.5, &err) != 0) {
		fprintf(stderr, "gate-power: %s: %s\n", path, err.text);
		exit(2);
	}
	return b;
}

/* The old gate's level: 0 pass, 1 warn, 2 fail. */
static int
old_level(const struct cmp_metric *m, double alpha, double warn, double fail)
{
	int slower = m->ev.computed && m->diff > 0 &&
	             fabs(m->diff) > m->noise && m->welch.p < alpha &&
	             m->mwu.p < alpha;

	if (!slower)
		return 0;
	if (fail > 0 && m->change > fail)
		return 2;
	return m->change > warn ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct cmp_opts o = {.alpha = REPORT_CMP_ALPHA, .ci_level = 0.95};
	double cvs[MAX_LIST], slow[MAX_LIST], runs[MAX_LIST], warn, fail;
	size_t ncv, nslow, nruns, gates, a, s, r, i;
	char path[4096];

	if (argc != 8) {
		fprintf(stderr, "usage: gate-power DIR GATES WARN FAIL CVS "
		                "SLOWDOWNS RUNS\n");
		return 2;
	}
	stats_init();
	gates = (size_t)atol(argv[2]);
	warn = atof(argv[3]) / 100;
	fail = atof(argv[4]) / 100;
	ncv = parse_list(argv[5], cvs);
	nslow = parse_list(argv[6], slow);
	nruns = parse_list(argv[7], runs);

	printf("Gates per cell: %zu; check --warn %g --fail %g (alpha "
	       "%g).\n",
	    gates, 100 * warn, 100 * fail, o.alpha);
	printf("old: the seeds' rule (2 sd, Welch and Mann-Whitney; "
	       "thresholds on the point estimate)\n"
	       "new: the ratio's interval and both tests; fail on its lower "
	       "bound, untested never passes\n\n");
	printf("%-18s %9s %5s | %-17s | %-17s | %s\n", "wall-time CV",
	    "slowdown", "runs", "old: warn+fail", "new: warn+fail",
	    "new: untested");
	for (a = 0; a < ncv; a++) {
		double cv_sum = 0;

		/* The CV the before-baselines really had (machine included). */
		for (i = 1; i <= gates; i++) {
			struct baseline *b;

			snprintf(path, sizeof(path), "%s/cv%g/before-%zu.json",
			    argv[1], cvs[a], i);
			b = load(path, 1000);
			cv_sum += b->results[0].st[METRIC_WALL].cv;
			report_baseline_free(b);
		}
		for (s = 0; s < nslow; s++) {
			for (r = 0; r < nruns; r++) {
				size_t nw[2] = {0, 0}, nf[2] = {0, 0}, nu = 0;
				char cell[32];

				for (i = 1; i <= gates; i++) {
					struct baseline *b, *x;
					struct comparison *c;
					struct cmp_gate g = {
					    .warn = warn, .fail = fail};
					int lv;

					snprintf(path, sizeof(path),
					    "%s/cv%g/before-%zu.json", argv[1],
					    cvs[a], i);
					b = load(path, (size_t)runs[r]);
					snprintf(path, sizeof(path),
					    "%s/cv%g/after%g-%zu.json", argv[1],
					    cvs[a], slow[s], i);
					x = load(path, (size_t)runs[r]);
					c = report_compare(
					    b, "before", x, "after", &o, NULL);
					if (c == NULL)
						return 2;
					lv = old_level(&c->benches[0].m[0],
					    o.alpha, warn, fail);
					nw[0] += lv > 0;
					nf[0] += lv == 2;
					report_gate_apply(&g, c);
					nw[1] += g.status != GATE_PASS;
					nf[1] += g.status == GATE_FAIL;
					nu += c->benches[0].verdict ==
					      CMP_UNKNOWN;
					report_gate_clear(&g);
					report_comparison_free(c);
					report_baseline_free(b);
					report_baseline_free(x);
				}
				snprintf(cell, sizeof(cell), "%g %% (%.1f %%)",
				    cvs[a], 100 * cv_sum / (double)gates);
				printf("%-18s %7g %% %5g | %2zu/%zu, fail "
				       "%2zu/%zu | %2zu/%zu, fail %2zu/%zu | "
				       "%zu/%zu\n",
				    s == 0 && r == 0 ? cell : "", slow[s],
				    runs[r], nw[0], gates, nf[0], gates, nw[1],
				    gates, nf[1], gates, nu, gates);
			}
		}
	}
	printf("\nRows of slowdown 0 %% count false alarms; the others, "
	       "the power to see the slowdown.\nThe CV in parentheses is "
	       "the mean CV of the 10-run before-baselines as measured.\n");
	return 0;
}
