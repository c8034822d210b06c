/*
 * measure.c: the run loop: pre-build, warm-ups, measured runs, convergence.
 *
 * Convergence: runs are added (from --runs up to --max-runs and the
 * --max-time budget) until the CV of wall time is at most --tolerance (the
 * seeds' rule, the default), or with --converge ci=PCT until the confidence
 * interval of the mean wall time is within +-PCT of it.  The CV estimates
 * the spread of single runs and does not shrink with more runs; the
 * interval does, so that rule converges on any steady program.  Both look
 * only at the spread, never at a difference, so stopping on them does not
 * bias a later comparison.
 *
 * Written once and used by every command that measures.  Between runs it
 * draws the progress line and writes the log separators; during a run it
 * only waits (spawn_run), woken at most once a second by the progress tick
 * when stderr is a terminal.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"

/* Seconds between progress redraws while a command runs. */
#define TICK_SECONDS 1.0

/* What the progress line shows; updated between runs, read by the tick. */
struct progress {
	const char *phase; /* "Pre-build", "Warm-up", "Run" */
	const char *name;
	size_t index; /* 1-based */
	size_t total; /* 0 when open-ended */
	double run_start;
	double mean; /* of measured runs so far, NAN if none */
	double cv;   /* or, with the CI rule, the interval's half-width */
	double tolerance;
	const char *what; /* "CV" or "CI" */
	size_t remaining; /* runs still due after this one */
};

static void
draw(struct progress *p, int force)
{
	char eta[32], cur[32], mean[32];
	double elapsed = mono_now() - p->run_start;
	double left;
	struct report_style st = {0, 0};

	if (!term.tty)
		return;
	st.unicode = term.unicode;
	report_fmt_time(cur, sizeof(cur), elapsed, 0, &st);
	if (isnan(p->mean)) {
		term_progress(force, "%s %zu/%zu: %s  (%s)", p->phase, p->index,
		    p->total, p->name, cur);
		return;
	}
	left = (double)(p->remaining + 1) * p->mean - elapsed;
	if (left < 0)
		left = 0;
	report_fmt_time(mean, sizeof(mean), p->mean, 0, &st);
	term_fmt_eta(eta, sizeof(eta), left);
	if (p->total > 0)
		term_progress(force, "%s %zu/%zu: %s  mean %s  ETA %s",
		    p->phase, p->index, p->total, p->name, mean, eta);
	else
		term_progress(force,
		    "%s %zu: %s  mean %s, %s %.1f %% > %.1f %%  ETA %s%s",
		    p->phase, p->index, p->name, mean, p->what, 100 * p->cv,
		    100 * p->tolerance, p->remaining > 0 ? "<= " : "", eta);
}

static void
on_tick(void *arg)
{
	draw(arg, 1);
}

static void
log_separator(const struct measure_opts *o, const char *what, size_t i,
    size_t n, const char *command)
{
	char *line = NULL;
	int len;
	ssize_t w;

	if (o->log_fd < 0)
		return;
	if (n > 0)
		len = xasprintf(&line, "==> bench-tests: %s %zu/%zu: %s <==\n",
		    what, i, n, command);
	else
		len = xasprintf(&line, "==> bench-tests: %s %zu: %s <==\n",
		    what, i, command);
	w = write(o->log_fd, line, (size_t)len);
	(void)w;
	free(line);
}

void
measure_output_fds(const struct measure_opts *o, int fds[2])
{
	int fd = o->show_output ? -1 : o->log_fd >= 0 ? o->log_fd : o->null_fd;

	if (o->phases != NULL && !o->show_output && o->phase_fd[1] >= 0) {
		fds[0] = o->phase_fd[0];
		fds[1] = o->phase_fd[1];
	} else
		fds[0] = fds[1] = fd;
}

/* An unlinked temporary file for appending, in $TMPDIR or /tmp. */
static int
temp_file(void)
{
	const char *dir = file_tmpdir();
	char *path = NULL;
	int fd;

	xasprintf(&path, "%s/bench-tests-output.XXXXXX", dir);
	fd = mkostemp(path, O_APPEND | O_CLOEXEC);
	if (fd < 0)
		errorf("cannot create a temporary file in %s: %s", dir,
		    strerror(errno));
	else
		unlink(path);
	free(path);
	return fd;
}

int
measure_phases_open(struct measure_opts *o)
{
	o->phase_fd[0] = o->phase_fd[1] = -1;
	if (o->phases == NULL)
		return 0;
	o->phase_fd[0] = temp_file();
	if (o->phase_fd[0] >= 0)
		o->phase_fd[1] = temp_file();
	if (o->phase_fd[1] < 0) {
		measure_phases_close(o);
		return -1;
	}
	return 0;
}

void
measure_phases_close(struct measure_opts *o)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (o->phase_fd[i] >= 0)
			close(o->phase_fd[i]);
		o->phase_fd[i] = -1;
	}
}

/*
 * With --phases, read what the last run printed (stdout, then stderr, a
 * chunk at a time; copied to the --log), empty the files for the next run,
 * and return the phase sums, not yet in r (phases_commit puts them there).
 * NULL without --phases.  When skip (an interrupted run nobody keeps and
 * no log waits for), the output is dropped unread.
 */
static struct phase_scan *
phases_take(
    const struct measure_opts *o, const struct bench_result *r, int skip)
{
	static char buf[65536];
	struct phase_scan *scan;
	ssize_t n = 0;
	off_t off;
	int i, fd;

	if (o->phases == NULL || o->show_output || o->phase_fd[1] < 0)
		return NULL;
	scan = report_phase_scan_new(o->phases);
	for (i = 0; i < 2; i++) {
		fd = o->phase_fd[i];
		for (off = 0;
		     !skip && (n = pread(fd, buf, sizeof(buf), off)) > 0;
		     off += n) {
			report_phase_scan_feed(scan, buf, (size_t)n);
			if (o->log_fd >= 0 &&
			    write(o->log_fd, buf, (size_t)n) != n) {
				/* A full disk costs the log, not the run. */
			}
		}
		if (n < 0)
			warnf("cannot read the output of '%s': %s", r->name,
			    strerror(errno));
		report_phase_scan_end_stream(scan);
		if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) < 0)
			fatalx(BENCH_EXIT_USAGE,
			    "cannot empty the temporary output file: %s",
			    strerror(errno));
	}
	return scan;
}

/*
 * Put scan's sums into r as its run r->n_runs - 1 when keep (a measured
 * run that counts, already appended), or drop them; free scan (NULL: no
 * --phases, nothing to do).  Warns once per result when matching lines
 * could not be used.
 */
static void
phases_commit(struct phase_scan *scan, struct bench_result *r, int keep)
{
	uint64_t ignored = r->phase_lines_ignored;

	if (scan == NULL)
		return;
	r->has_phases = 1;
	report_phase_scan_commit(
	    scan, r, r->n_runs > 0 ? r->n_runs - 1 : 0, keep && r->n_runs > 0);
	report_phase_scan_free(scan);
	if (ignored == 0 && r->phase_lines_ignored > 0) {
		term_progress_clear();
		warnf("'%s' printed phase lines that could not be used (a name "
		      "that is not printable UTF-8 or longer than %d bytes, a "
		      "time that is not a number, an unknown unit, or more "
		      "than %d phases): ignored",
		    r->name, REPORT_PHASE_NAME_MAX, REPORT_PHASES_MAX);
	}
}

void
measure_phases_collect(
    const struct measure_opts *o, struct bench_result *r, int keep)
{
	/* Interrupted: nothing to keep and nobody waits for a log. */
	int skip = !keep && spawn_interrupted() && o->log_fd < 0;

	phases_commit(phases_take(o, r, skip), r, keep);
}

/* One run of c; returns spawn_run's result. */
static int
one_run(const struct measure_opts *o, const struct bench_cmd *c,
    struct progress *p, struct bench_run *run, struct spawn_note *note)
{
	int fds[2];
	struct spawn_opts so = {
	    .argv = c->argv,
	    .dir = c->dir,
	    .envp = c->envp,
	    .out_fd = -1,
	    .err_fd = -1,
	    .timeout = o->timeout,
	    .tick = term.tty ? TICK_SECONDS : 0,
	    .on_tick = on_tick,
	    .arg = p,
	    .note = note,
	};

	measure_output_fds(o, fds);
	so.out_fd = fds[0];
	so.err_fd = fds[1];
	p->run_start = mono_now();
	draw(p, 0);
	return spawn_run(&so, run);
}

/*
 * Between runs: say what spawn_run saw.  Processes the command left
 * running are named once per benchmark (*warned); returns 1 when the run
 * must be discarded and run again (we were stopped during it, so its wall
 * time holds the pause, and a timeout may have come from the pause).
 */
static int
after_run(const struct bench_cmd *c, const char *what, size_t i,
    const struct spawn_note *note, int *warned)
{
	char which[64];

	if (i > 0)
		snprintf(which, sizeof(which), "%s %zu", what, i);
	else
		snprintf(which, sizeof(which), "%s", what);
	if (note->survivors > 0 && !*warned) {
		term_progress_clear();
		warnf("%s of '%s' left %zu process%s running when it exited; "
		      "bench-tests ended %s and counted %s CPU time in that "
		      "run",
		    which, c->command, note->survivors,
		    note->survivors == 1 ? "" : "es",
		    note->survivors == 1 ? "it" : "them",
		    note->survivors == 1 ? "its" : "their");
		*warned = 1;
	}
	if (note->paused) {
		term_progress_clear();
		notef("%s of '%s' was paused (bench-tests was stopped): "
		      "discarded, it runs again",
		    which, c->command);
		return 1;
	}
	return 0;
}

static double
self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void
report_failure(const struct measure_opts *o, const struct bench_cmd *c,
    const char *what, size_t i, size_t n, const struct bench_run *run)
{
	char how[96];

	term_progress_clear();
	spawn_describe(run, how, sizeof(how));
	if (n > 0)
		errorf("%s %zu of %zu of '%s' %s", what, i, n, c->command, how);
	else
		errorf("%s %zu of '%s' %s", what, i, c->command, how);
	errorf("use %s to see its output, --ignore-failure to measure it "
	       "anyway",
	    o->phases != NULL ? "--log FILE" : "--show-output or --log FILE");
}

static void warn_slow_first(
    const struct bench_cmd *c, const struct bench_result *r);

/* What step() asks of its caller besides a measure_status. */
#define STEP_AGAIN 1

/*
 * One run of c as the run loop does it: the log separator, the run, then
 * what spawn_run saw.  Returns 0 for a run that counts (run filled; its
 * --phases output is left for the caller to collect), STEP_AGAIN when it
 * must be run again (we were paused), or MEASURE_INTERRUPTED,
 * MEASURE_SPAWN_ERROR or MEASURE_FAILED (a failed run without
 * --ignore-failure) after saying why; a run that does not count has its
 * output collected into r as dropped.  log_what names it in the log
 * ("run"), what in messages ("run"), i of n (0: open-ended).
 */
static int
step(const struct measure_opts *o, const struct bench_cmd *c,
    struct bench_result *r, struct progress *p, const char *log_what,
    const char *what, size_t i, size_t n, struct bench_run *run, int *warned)
{
	struct spawn_note note;

	if (spawn_interrupted())
		return MEASURE_INTERRUPTED;
	log_separator(o, log_what, i, n, c->command);
	if (one_run(o, c, p, run, &note) != 0) {
		term_progress_clear();
		errorf("cannot run '%s': %s", c->argv[0], strerror(errno));
		return MEASURE_SPAWN_ERROR;
	}
	/* A run cut short by the signal does not count. */
	if (spawn_interrupted()) {
		measure_phases_collect(o, r, 0);
		return MEASURE_INTERRUPTED;
	}
	if (after_run(c, what, i, &note, warned)) {
		measure_phases_collect(o, r, 0);
		return STEP_AGAIN;
	}
	if (report_run_failed(run) && !o->ignore_failure) {
		measure_phases_collect(o, r, 0);
		report_failure(o, c, what, i, n, run);
		return MEASURE_FAILED;
	}
	return 0;
}

/* Append run to r's runs (cap: their capacity). */
static void
add_run(struct bench_result *r, size_t *cap, const struct bench_run *run)
{
	if (r->n_runs == *cap) {
		*cap = *cap == 0 ? 16 : 2 * *cap;
		r->runs = xreallocarray(r->runs, *cap, sizeof(*r->runs));
	}
	r->runs[r->n_runs++] = *run;
}

/* Set r's name, command, argv and workdir from c, and its rules from o. */
static void
result_start(const struct measure_opts *o, const struct bench_cmd *c,
    struct bench_result *r)
{
	r->name = xstrdup(c->name);
	r->command = xstrdup(c->command);
	r->argv = strv_copy(c->argv);
	r->workdir = c->dir != NULL ? xstrdup(c->dir) : NULL;
	r->cv_tolerance = o->tolerance;
	r->ci_target = o->ci_target > 0 ? o->ci_target : NAN;
	r->stop = STOP_NONE;
}

/* Close r: its times and statistics; 0 or MEASURE_STATS_ERROR. */
static int
result_finish(const struct measure_opts *o, const struct bench_cmd *c,
    struct bench_result *r, double t_start)
{
	struct bench_error err;

	r->measure_seconds = mono_now() - t_start;
	r->converged = r->stop == STOP_CONVERGED;
	if (report_result_compute(r, o->ci_level, o->outlier_threshold, &err) !=
	    0) {
		errorf("statistics of '%s': %s", c->name, err.text);
		return MEASURE_STATS_ERROR;
	}
	warn_slow_first(c, r);
	return 0;
}

/*
 * The spread the convergence rule judges, after n runs with mean and sum
 * of squared deviations m2: the CV, or the half-width of the mean's
 * confidence interval relative to the mean.  NAN below 2 runs.
 */
static double
measure_spread(const struct measure_opts *o, size_t n, double mean, double m2)
{
	double sd, t;

	if (n < 2 || !(mean > 0))
		return NAN;
	sd = sqrt(m2 / (double)(n - 1));
	if (!(o->ci_target > 0))
		return sd / mean;
	t = stats_t_quantile((1 + o->ci_level) / 2, (double)(n - 1));
	return t * sd / sqrt((double)n) / mean;
}

/* Warn when the first measured run was far slower than the others. */
static void
warn_slow_first(const struct bench_cmd *c, const struct bench_result *r)
{
	struct report_style st = {0, 0};
	char first[32], rest[32];
	double ratio = report_result_slow_first(r);

	if (ratio <= 0)
		return;
	report_fmt_time(first, sizeof(first), r->runs[0].wall, 0, &st);
	report_fmt_time(rest, sizeof(rest), r->runs[0].wall / ratio, 0, &st);
	warnf("the first measured run of '%s' took %s, %.1f times the "
	      "median of the others (%s): a compile or a cold cache inside "
	      "the measurement?  More --warmup runs or a --prebuild that "
	      "builds what it runs would keep it out",
	    c->name, first, ratio, rest);
}

/* A progress line with no run yet, for o's convergence rule. */
static void
progress_start(const struct measure_opts *o, struct progress *p)
{
	memset(p, 0, sizeof(*p));
	p->mean = NAN;
	p->tolerance = o->ci_target > 0 ? o->ci_target : o->tolerance;
	p->what = o->ci_target > 0 ? "CI +-" : "CV";
}

/*
 * Before run n + 1 (n done, whose spread and mean are given): why the
 * loop stops (STOP_NONE: it goes on), by --runs, the convergence rule,
 * --max-runs and the --max-time budget; sets p's counts for the run.
 */
static enum bench_stop
next_run(const struct measure_opts *o, size_t n, double spread, double target,
    double t_start, double mean, struct progress *p)
{
	if (n >= o->runs) {
		if (n >= 2 && spread <= target)
			return STOP_CONVERGED;
		if (n >= o->max_runs)
			return STOP_MAX_RUNS;
		if (o->max_time > 0 &&
		    mono_now() - t_start + mean > o->max_time)
			return STOP_MAX_TIME;
	}
	p->index = n + 1;
	if (n < o->runs) {
		p->total = o->runs;
		p->remaining = o->runs - n - 1;
	} else {
		p->total = 0;
		p->remaining = o->max_runs - n - 1;
	}
	return STOP_NONE;
}

int
measure_benchmark(const struct measure_opts *o, const struct bench_cmd *c,
    struct bench_result *r)
{
	struct progress p;
	struct bench_run run;
	size_t i, cap = 0;
	double t_start, cpu0 = 0, mean = 0, m2 = 0, spread = NAN, delta;
	double target = o->ci_target > 0 ? o->ci_target : o->tolerance;
	int rc = MEASURE_OK, warned = 0, st;

	result_start(o, c, r);
	progress_start(o, &p);
	p.name = c->name;
	t_start = mono_now();

	p.phase = "Warm-up";
	p.total = o->warmup;
	for (i = 0; i < o->warmup;) {
		p.index = i + 1;
		st = step(o, c, r, &p, "warm-up", "warm-up run", i + 1,
		    o->warmup, &run, &warned);
		if (st == STEP_AGAIN)
			continue;
		if (st == MEASURE_INTERRUPTED) {
			r->stop = STOP_INTERRUPTED;
			rc = MEASURE_INTERRUPTED;
			goto out;
		}
		if (st != 0) {
			if (st == MEASURE_FAILED)
				r->stop = STOP_FAILED;
			return st;
		}
		measure_phases_collect(o, r, 0);
		r->warmup_runs++;
		i++;
	}

	p.phase = "Run";
	cpu0 = self_cpu();
	for (;;) {
		size_t n = r->n_runs;

		r->stop = next_run(o, n, spread, target, t_start, mean, &p);
		if (r->stop != STOP_NONE)
			break;
		p.mean = n > 0 ? mean : NAN;
		p.cv = spread;
		st = step(o, c, r, &p, "run", "run", n + 1,
		    n < o->runs ? o->runs : 0, &run, &warned);
		if (st == STEP_AGAIN)
			continue;
		if (st == MEASURE_INTERRUPTED) {
			r->stop = STOP_INTERRUPTED;
			rc = MEASURE_INTERRUPTED;
			break;
		}
		if (st == MEASURE_SPAWN_ERROR)
			return st;
		if (st == MEASURE_FAILED) {
			r->stop = STOP_FAILED;
			rc = MEASURE_FAILED;
			break;
		}
		add_run(r, &cap, &run);
		measure_phases_collect(o, r, 1);
		/* Welford's update of the mean and variance of wall time. */
		delta = run.wall - mean;
		mean += delta / (double)r->n_runs;
		m2 += delta * (run.wall - mean);
		spread = measure_spread(o, r->n_runs, mean, m2);
	}
	if (r->n_runs > 0)
		r->harness_cpu = (self_cpu() - cpu0) / (double)r->n_runs;
out:
	term_progress_clear();
	st = result_finish(o, c, r, t_start);
	return st != 0 ? st : rc;
}

/*
 * The paired loop: warm-ups of both, then pairs in alternation with the
 * order counterbalanced (pair i, from 0: a first when i is even, b first
 * when it is odd), until the convergence rule holds on the pairs.  The
 * rule judges the log-ratios log(b / a) of the metric: the CV rule their
 * standard deviation (the spread of one pair's ratio, near its CV), the
 * CI rule the half-width of the interval of their mean (which exp turns
 * into the geometric mean ratio's interval; for small widths the same
 * fraction).  A pair counts only when both runs do: an interrupted pair
 * is dropped whole, so ra->runs[i] and rb->runs[i] are always pair i.
 */
int
measure_pairs(const struct measure_opts *o, const struct bench_cmd *a,
    const struct bench_cmd *b, enum cmp_measure metric, struct bench_result *ra,
    struct bench_result *rb)
{
	const struct bench_cmd *side[2] = {a, b};
	struct bench_result *res[2] = {ra, rb};
	struct progress p;
	struct bench_run run[2];
	struct phase_scan *pending[2] = {NULL, NULL};
	size_t i, caps[2] = {0, 0}, n;
	double t_start, cpu0, mean = 0, m2 = 0, spread = NAN, delta, d;
	double pair_mean = 0;
	double target = o->ci_target > 0 ? o->ci_target : o->tolerance;
	int rc = MEASURE_OK, warned[2] = {0, 0}, st = 0, j, first;
	enum bench_stop stop = STOP_NONE;

	result_start(o, a, ra);
	result_start(o, b, rb);
	progress_start(o, &p);
	t_start = mono_now();

	p.phase = "Warm-up";
	p.total = o->warmup;
	for (i = 0; i < o->warmup; i++) {
		p.index = i + 1;
		for (j = 0; j < 2;) {
			p.name = side[j]->name;
			st = step(o, side[j], res[j], &p, "warm-up",
			    "warm-up run", i + 1, o->warmup, &run[j],
			    &warned[j]);
			if (st == STEP_AGAIN)
				continue;
			if (st != 0)
				goto stopped;
			measure_phases_collect(o, res[j], 0);
			res[j]->warmup_runs++;
			j++;
		}
	}

	p.phase = "Pair";
	cpu0 = self_cpu();
	for (;;) {
		n = ra->n_runs;
		stop = next_run(o, n, spread, target, t_start, pair_mean, &p);
		if (stop != STOP_NONE)
			break;
		p.mean = n > 0 ? pair_mean / 2 : NAN;
		p.cv = spread;
		first = n % 2;
		for (j = 0; j < 2;) {
			int k = (first + j) % 2;

			p.name = side[k]->name;
			st = step(o, side[k], res[k], &p, "pair", "pair", n + 1,
			    n < o->runs ? o->runs : 0, &run[k], &warned[k]);
			if (st == STEP_AGAIN)
				continue;
			if (st != 0)
				goto stopped;
			/* Its phases wait for the pair to count. */
			pending[k] = phases_take(o, res[k], 0);
			j++;
		}
		add_run(ra, &caps[0], &run[0]);
		add_run(rb, &caps[1], &run[1]);
		for (j = 0; j < 2; j++) {
			phases_commit(pending[j], res[j], 1);
			pending[j] = NULL;
		}
		pair_mean += (run[0].wall + run[1].wall - pair_mean) /
		             (double)ra->n_runs;
		d = report_run_measure(&run[0], metric) > 0 &&
		            report_run_measure(&run[1], metric) > 0
		        ? log(report_run_measure(&run[1], metric) /
		              report_run_measure(&run[0], metric))
		        : 0;
		/* Welford's update of the log-ratios' mean and variance. */
		delta = d - mean;
		mean += delta / (double)ra->n_runs;
		m2 += delta * (d - mean);
		spread = NAN;
		if (ra->n_runs >= 2) {
			double sd = sqrt(m2 / (double)(ra->n_runs - 1));

			spread = sd;
			if (o->ci_target > 0)
				spread = stats_t_quantile((1 + o->ci_level) / 2,
				             (double)(ra->n_runs - 1)) *
				         sd / sqrt((double)ra->n_runs);
		}
	}
	if (ra->n_runs > 0)
		ra->harness_cpu = rb->harness_cpu =
		    (self_cpu() - cpu0) / (double)(2 * ra->n_runs);
	goto done;
stopped:
	/* A pair cut short: the run of it that was taken does not count. */
	for (j = 0; j < 2; j++)
		phases_commit(pending[j], res[j], 0);
	if (st == MEASURE_INTERRUPTED) {
		stop = STOP_INTERRUPTED;
		rc = MEASURE_INTERRUPTED;
	} else if (st == MEASURE_FAILED) {
		stop = STOP_FAILED;
		rc = MEASURE_FAILED;
	} else
		return st;
done:
	term_progress_clear();
	ra->stop = rb->stop = stop;
	st = result_finish(o, a, ra, t_start);
	if (st == 0)
		st = result_finish(o, b, rb, t_start);
	return st != 0 ? st : rc;
}

int
measure_prebuild(const struct measure_opts *o, char *const *argv,
    const char *dir, char *const *envp, const char *display)
{
	struct progress p;
	struct bench_run run;
	struct spawn_note note;
	FILE *out = NULL;
	char *tail, buf[65536];
	char how[96];
	ssize_t n;
	off_t off = 0;
	int fd = -1, rc = MEASURE_OK;

	if (!o->show_output) {
		out = tmpfile();
		if (out == NULL) {
			errorf("cannot create a temporary file: %s",
			    strerror(errno));
			return MEASURE_SPAWN_ERROR;
		}
		fd = fileno(out);
	}
	memset(&p, 0, sizeof(p));
	p.phase = "Pre-build";
	p.name = display;
	p.index = p.total = 1;
	p.mean = NAN;
	notef("pre-building: %s", display);
	log_separator(o, "pre-build", 1, 1, display);
	{
		struct bench_cmd c = {.argv = (char **)argv,
		    .dir = (char *)dir,
		    .envp = (char **)envp};
		struct measure_opts po = *o;
		int warned = 0;

		po.timeout = 0;
		po.show_output = o->show_output;
		po.log_fd = fd;
		po.phases = NULL;
		if (one_run(&po, &c, &p, &run, &note) != 0) {
			term_progress_clear();
			errorf("cannot run the pre-build '%s': %s", display,
			    strerror(errno));
			rc = MEASURE_SPAWN_ERROR;
			goto out;
		}
		/* Not timed: a pause does not spoil it. */
		note.paused = 0;
		c.command = (char *)display;
		(void)after_run(&c, "the pre-build", 0, &note, &warned);
	}
	term_progress_clear();
	/* Keep its output in the log too (after the fact: it was a file). */
	if (fd >= 0 && o->log_fd >= 0) {
		while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
			if (write(o->log_fd, buf, (size_t)n) != n)
				break;
			off += n;
		}
	}
	if (spawn_interrupted()) {
		rc = MEASURE_INTERRUPTED;
		goto out;
	}
	if (report_run_failed(&run)) {
		errorf("the pre-build '%s' %s", display,
		    spawn_describe(&run, how, sizeof(how)));
		if (fd >= 0) {
			tail = file_tail(fd, 25);
			if (tail[0] != '\0')
				fprintf(stderr,
				    "--- the end of its output ---\n"
				    "%s\n---\n",
				    tail);
			free(tail);
		}
		rc = MEASURE_FAILED;
		goto out;
	}
	notef("pre-build done in %.1f s", run.wall);
out:
	if (out != NULL)
		fclose(out);
	return rc;
}
