/*
 * text.c: the human-readable summary of a benchmark, in hyperfine's shape.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define C_RESET  "\033[0m"
#define C_BOLD   "\033[1m"
#define C_GREEN  "\033[32m"
#define C_BGREEN "\033[1;32m"
#define C_BLUE   "\033[34m"
#define C_CYAN   "\033[36m"
#define C_PURPLE "\033[35m"
#define C_YELLOW "\033[33m"

static const char *
col(const struct report_style *style, const char *code)
{
	return style != NULL && style->color ? code : "";
}

const char *
report_fmt_time(char *buf, size_t size, double seconds, double unit_of,
    const struct report_style *style)
{
	double ref = unit_of > 0 ? unit_of : fabs(seconds);
	const char *micro = style != NULL && style->unicode ? "µs" : "us";

	if (!isfinite(seconds))
		snprintf(buf, size, "n/a");
	else if (ref >= 1.0)
		snprintf(buf, size, "%.3f s", seconds);
	else if (ref >= 1e-3)
		snprintf(buf, size, "%.1f ms", seconds * 1e3);
	else
		snprintf(buf, size, "%.1f %s", seconds * 1e6, micro);
	return buf;
}

const char *
report_fmt_bytes(char *buf, size_t size, double bytes)
{
	if (!isfinite(bytes))
		snprintf(buf, size, "n/a");
	else if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(buf, size, "%.1f MiB", bytes / (1024.0 * 1024));
	else if (bytes >= 1024.0)
		snprintf(buf, size, "%.1f KiB", bytes / 1024.0);
	else
		snprintf(buf, size, "%.0f B", bytes);
	return buf;
}

static const char *
stop_text(const struct bench_result *r)
{
	switch (r->stop) {
	case STOP_CONVERGED:
		return "converged";
	case STOP_MAX_RUNS:
		return "did not converge: stopped at --max-runs";
	case STOP_MAX_TIME:
		return "did not converge: stopped by the --max-time budget";
	case STOP_INTERRUPTED:
		return "interrupted: incomplete";
	case STOP_FAILED:
		return "stopped: the command failed";
	case STOP_NONE:
		break;
	}
	return "not measured";
}

/* The phases shown, in their order; the rest are counted. */
#define TEXT_PHASES_SHOWN 30

/* --phases: the phase table with shares and the coverage check. */
void
report_text_phases(
    FILE *f, const struct bench_result *r, const struct report_style *style)
{
	const char *pm = style->unicode ? "±" : "+-";
	const double tol = REPORT_PHASE_COVERAGE_TOLERANCE;
	double wall = r->st[METRIC_WALL].mean, cov = r->phase_coverage;
	char a[32], b[32];
	size_t i, n, w = 5;

	if (r->n_phases == 0) {
		fprintf(f,
		    "  Phases:              %sno line matched the "
		    "pattern%s\n",
		    col(style, C_YELLOW), col(style, C_RESET));
		return;
	}
	n = r->n_phases < TEXT_PHASES_SHOWN ? r->n_phases : TEXT_PHASES_SHOWN;
	for (i = 0; i < n; i++)
		if (strlen(r->phases[i].name) > w)
			w = strlen(r->phases[i].name);
	if (w > 40)
		w = 40;
	fprintf(
	    f, "  Phases (mean %s sd per run, share of the wall time):\n", pm);
	for (i = 0; i < n; i++) {
		const struct bench_phase *ph = &r->phases[i];

		report_fmt_time(a, sizeof(a), ph->mean, 0, style);
		if (isnan(ph->stddev))
			snprintf(b, sizeof(b), "n/a");
		else
			report_fmt_time(
			    b, sizeof(b), ph->stddev, ph->mean, style);
		fprintf(f, "    %-*.*s %10s %s %-10s %5.1f %%\n", (int)w,
		    (int)w, ph->name, a, pm, b,
		    wall > 0 ? 100 * ph->mean / wall : NAN);
	}
	if (r->n_phases > n)
		fprintf(f, "    ... and %zu more phases (all in the JSON)\n",
		    r->n_phases - n);
	if (isnan(cov))
		return;
	if (cov > 1 + tol)
		fprintf(f,
		    "  Phases add up to %s%.1f %%%s of the wall time: they "
		    "overlap (run in parallel), so the shares are not parts of "
		    "a whole and the %.0f %% rule cannot judge them\n",
		    col(style, C_CYAN), 100 * cov, col(style, C_RESET),
		    100 * tol);
	else if (cov >= 1 - tol)
		fprintf(f,
		    "  Phases cover %s%.1f %%%s of the wall time: within %.0f "
		    "%%, they account for it\n",
		    col(style, C_GREEN), 100 * cov, col(style, C_RESET),
		    100 * tol);
	else
		fprintf(f,
		    "  Phases cover %s%.1f %%%s of the wall time: %.1f %% is "
		    "in "
		    "no phase, more than the %.0f %% the plan allows\n",
		    col(style, C_YELLOW), 100 * cov, col(style, C_RESET),
		    100 * (1 - cov), 100 * tol);
}

void
report_text_result(FILE *f, const struct bench_result *r, size_t idx,
    const struct report_style *style)
{
	const struct stats_summary *w = &r->st[METRIC_WALL];
	const char *pm = style->unicode ? "±" : "+-";
	const char *ell = style->unicode ? "…" : "..";
	const char *sigma = style->unicode ? "σ" : "sd";
	const char *le = style->unicode ? "≤" : "<=";
	char a[32], b[32], c[32], d[32];
	double unit = w->mean;
	size_t i;

	fprintf(f, "%sBenchmark %zu%s: %s\n", col(style, C_BOLD), idx + 1,
	    col(style, C_RESET), r->name != NULL ? r->name : r->command);
	if (r->name != NULL && r->command != NULL &&
	    strcmp(r->name, r->command) != 0)
		fprintf(f, "  Command:             %s\n", r->command);
	if (r->n_runs == 0) {
		fprintf(f, "  No measured runs (%s).\n", stop_text(r));
		return;
	}

	fprintf(f,
	    "  Time (mean %s %s):    %s%9s%s %s %s%9s%s    "
	    "[User: %s%s%s, System: %s%s%s]\n",
	    pm, sigma, col(style, C_BGREEN),
	    report_fmt_time(a, sizeof(a), w->mean, unit, style),
	    col(style, C_RESET), pm, col(style, C_GREEN),
	    report_fmt_time(b, sizeof(b), w->stddev, unit, style),
	    col(style, C_RESET), col(style, C_BLUE),
	    report_fmt_time(c, sizeof(c), r->st[METRIC_USER].mean, 0, style),
	    col(style, C_RESET), col(style, C_BLUE),
	    report_fmt_time(d, sizeof(d), r->st[METRIC_SYS].mean, 0, style),
	    col(style, C_RESET));
	fprintf(f, "  Range (min %s max):  %s%9s%s %s %s%9s%s    %zu run%s\n",
	    ell, col(style, C_CYAN),
	    report_fmt_time(a, sizeof(a), w->min, unit, style),
	    col(style, C_RESET), ell, col(style, C_PURPLE),
	    report_fmt_time(b, sizeof(b), w->max, unit, style),
	    col(style, C_RESET), r->n_runs, r->n_runs == 1 ? "" : "s");
	if (r->n_runs >= 2 && !(w->ci_low >= 0)) {
		/* A time below zero: the interval says nothing (few runs). */
		fprintf(f,
		    "  %2.0f %% CI of mean:     too wide to use with %zu runs "
		    "(%s %s reaches below zero; SE %s)\n",
		    w->ci_level * 100, r->n_runs, pm,
		    report_fmt_time(
		        a, sizeof(a), w->ci_high - w->mean, unit, style),
		    report_fmt_time(c, sizeof(c), w->sem, unit, style));
	} else if (r->n_runs >= 2) {
		fprintf(f,
		    "  %2.0f %% CI of mean:     %9s %s %9s    "
		    "(%s %.1f %%, SE %s)\n",
		    w->ci_level * 100,
		    report_fmt_time(a, sizeof(a), w->ci_low, unit, style), ell,
		    report_fmt_time(b, sizeof(b), w->ci_high, unit, style), pm,
		    w->mean > 0 ? 100 * (w->ci_high - w->mean) / w->mean : NAN,
		    report_fmt_time(c, sizeof(c), w->sem, unit, style));
	}
	if (r->n_runs >= 2) {
		if (r->ci_target > 0)
			fprintf(f,
			    "  Spread (CV):         %.1f %% after %zu runs; CI "
			    "of mean %s%s%.1f %%%s %s %.1f %%: %s%s%s\n",
			    100 * w->cv, r->n_runs, pm,
			    col(style, r->converged ? C_GREEN : C_YELLOW),
			    w->mean > 0 ? 100 * (w->ci_high - w->mean) / w->mean
			                : NAN,
			    col(style, C_RESET), r->converged ? le : ">",
			    100 * r->ci_target,
			    col(style, r->converged ? "" : C_YELLOW),
			    stop_text(r), col(style, C_RESET));
		else
			fprintf(f,
			    "  Spread (CV):         %s%.1f %%%s %s %.1f %% "
			    "after %zu runs: %s%s%s\n",
			    col(style, r->converged ? C_GREEN : C_YELLOW),
			    100 * w->cv, col(style, C_RESET),
			    r->converged ? le : ">", 100 * r->cv_tolerance,
			    r->n_runs, col(style, r->converged ? "" : C_YELLOW),
			    stop_text(r), col(style, C_RESET));
	} else
		fprintf(f, "  Spread (CV):         n/a with one run: %s\n",
		    stop_text(r));
	fprintf(f, "  Max RSS:             %s (mean), %s (max)\n",
	    report_fmt_bytes(a, sizeof(a), r->st[METRIC_MAX_RSS].mean),
	    report_fmt_bytes(b, sizeof(b), r->st[METRIC_MAX_RSS].max));
	if (r->warmup_runs > 0)
		fprintf(f, "  Warm-up:             %zu run%s, discarded\n",
		    r->warmup_runs, r->warmup_runs == 1 ? "" : "s");
	if (r->n_outliers > 0) {
		fprintf(f,
		    "  %sWarning%s: %zu statistical outlier%s "
		    "(kept in the statistics):",
		    col(style, C_YELLOW), col(style, C_RESET), r->n_outliers,
		    r->n_outliers == 1 ? "" : "s");
		for (i = 0; i < r->n_outliers && i < 8; i++)
			fprintf(f, " run %zu (%s)", r->outliers[i] + 1,
			    report_fmt_time(a, sizeof(a),
			        r->runs[r->outliers[i]].wall, unit, style));
		fprintf(f, "%s\n", r->n_outliers > 8 ? " ..." : "");
	}
	if (r->has_phases)
		report_text_phases(f, r, style);
}
