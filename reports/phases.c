/*
 * phases.c: the phase timings a measured command prints (--phases).
 *
 * A pattern (a POSIX extended regular expression) picks the lines that
 * carry a phase's time: its group 1 is the phase's name, group 2 its time,
 * group 3 (when the pattern has one) the time's unit, else the pattern's
 * unit.  The default matches `phase=NAME time_ms=N` anywhere in a line
 * (time_us= and time_s= too), which is what the seeds' ORI_BUILD_TIMING
 * lines print.
 *
 * A run's output is streamed through a scan: lines are assembled from the
 * chunks fed to it, at most REPORT_PHASE_LINE_MAX bytes of a line are
 * looked at (the rest of a longer line is skipped), and at most
 * REPORT_PHASES_MAX names are kept, so a 10 GB log costs time, never
 * memory.  A matching line whose name or time cannot be used is counted as
 * ignored, never an error: the output is the command's, not ours.
 */
#include <config.h>

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "bench-utf8.h"
#include "report.h"
#include "reports-int.h"

/* The default: group 2 the name, 3 the unit, 4 the time. */
static const char default_re[] =
    "(^|[^[:alnum:]_])phase=([^[:space:]]+)[[:space:]]+"
    "time_(ms|us|s)=([0-9]+(\\.[0-9]+)?)([^[:alnum:]_.]|$)";

struct phase_pattern {
	regex_t re;
	int name_group;
	int value_group;
	int unit_group; /* 0: none, the values are in unit */
	double unit;    /* seconds per value without a unit group */
	int is_default; /* lines without "phase=" cannot match */
};

int
report_phase_unit_parse(const char *s, size_t len, double *out)
{
	static const struct {
		const char *name;
		double seconds;
	} units[] = {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6},
	    {"ns", 1e-9}};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == len &&
		    memcmp(units[i].name, s, len) == 0) {
			*out = units[i].seconds;
			return 0;
		}
	}
	return -1;
}

int
report_phase_pattern_new(const char *pattern, const char *unit,
    struct phase_pattern **out, struct bench_error *err)
{
	struct phase_pattern *p;
	char msg[256];
	int rc;

	*out = NULL;
	p = reportp_xcalloc(1, sizeof(*p));
	p->unit = 1e-3;
	if (unit != NULL &&
	    report_phase_unit_parse(unit, strlen(unit), &p->unit) < 0) {
		free(p);
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "unknown unit '%s' (s, ms, us or ns)", unit);
	}
	p->is_default = pattern == NULL;
	rc = regcomp(
	    &p->re, pattern != NULL ? pattern : default_re, REG_EXTENDED);
	if (rc != 0) {
		regerror(rc, &p->re, msg, sizeof(msg));
		free(p);
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "not an extended regular expression: %s", msg);
	}
	if (p->is_default) {
		p->name_group = 2;
		p->unit_group = 3;
		p->value_group = 4;
	} else if (p->re.re_nsub < 2) {
		size_t groups = p->re.re_nsub;

		regfree(&p->re);
		free(p);
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "the pattern needs two groups, (NAME) and (TIME); it has "
		    "%zu",
		    groups);
	} else {
		p->name_group = 1;
		p->value_group = 2;
		p->unit_group = p->re.re_nsub >= 3 ? 3 : 0;
	}
	*out = p;
	return 0;
}

void
report_phase_pattern_free(struct phase_pattern *p)
{
	if (p == NULL)
		return;
	regfree(&p->re);
	free(p);
}

int
report_phase_name_valid(const char *s, size_t len)
{
	size_t i = 0, k;

	if (len == 0 || len > REPORT_PHASE_NAME_MAX)
		return 0;
	while (i < len) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
		k = bench_utf8_len((const unsigned char *)s + i, len - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * A time: digits with an optional fraction and exponent, nothing else (no
 * sign, no hex, no inf); -1 otherwise.
 */
static int
parse_time(const char *s, size_t len, double *out)
{
	char buf[64];
	size_t i = 0, digits = 0;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == len || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return isfinite(*out) ? 0 : -1;
}

struct phase_scan *
report_phase_scan_new(const struct phase_pattern *p)
{
	struct phase_scan *s;

	s = reportp_xcalloc(1, sizeof(*s));
	s->pattern = p;
	s->max_names = REPORT_PHASES_MAX;
	s->line = reportp_xcalloc(REPORT_PHASE_LINE_MAX + 1, 1);
	return s;
}

void
report_phase_scan_free(struct phase_scan *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->sums[i].name);
	free(s->sums);
	free(s->line);
	free(s);
}

/* Add seconds to the phase called name (len bytes) of this run. */
static void
scan_add(struct phase_scan *s, const char *name, size_t len, double seconds)
{
	struct phase_sum *e;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strlen(s->sums[i].name) == len &&
		    memcmp(s->sums[i].name, name, len) == 0)
			break;
	}
	if (i == s->n) {
		if (s->n >= s->max_names) {
			s->ignored++;
			return;
		}
		if (s->n == s->cap) {
			s->cap = s->cap == 0 ? 8 : 2 * s->cap;
			s->sums = reportp_xreallocarray(
			    s->sums, s->cap, sizeof(*s->sums));
		}
		e = &s->sums[s->n++];
		e->name = reportp_xcalloc(len + 1, 1);
		memcpy(e->name, name, len);
		e->seconds = 0;
		e->lines = 0;
	}
	e = &s->sums[i];
	e->seconds += seconds;
	e->lines++;
}

/* Match the assembled line. */
static void
scan_line(struct phase_scan *s)
{
	const struct phase_pattern *p = s->pattern;
	regmatch_t m[10];
	const char *l = s->line;
	double value, unit = p->unit;

	s->line[s->len] = '\0';
	s->len = 0;
	s->skipping = 0;
	if (p->is_default && strstr(l, "phase=") == NULL)
		return;
	if (regexec(&p->re, l, 10, m, 0) != 0)
		return;
	if (m[p->name_group].rm_so < 0 || m[p->value_group].rm_so < 0 ||
	    !report_phase_name_valid(l + m[p->name_group].rm_so,
	        (size_t)(m[p->name_group].rm_eo - m[p->name_group].rm_so)) ||
	    parse_time(l + m[p->value_group].rm_so,
	        (size_t)(m[p->value_group].rm_eo - m[p->value_group].rm_so),
	        &value) < 0 ||
	    (p->unit_group > 0 &&
	        (m[p->unit_group].rm_so < 0 ||
	            report_phase_unit_parse(l + m[p->unit_group].rm_so,
	                (size_t)(m[p->unit_group].rm_eo -
	                         m[p->unit_group].rm_so),
	                &unit) < 0))) {
		s->ignored++;
		return;
	}
	if (value * unit > REPORT_PHASE_TIME_MAX) {
		/* Sums of times like this would overflow: not a time. */
		s->ignored++;
		return;
	}
	scan_add(s, l + m[p->name_group].rm_so,
	    (size_t)(m[p->name_group].rm_eo - m[p->name_group].rm_so),
	    value * unit);
}

void
report_phase_scan_feed(struct phase_scan *s, const char *buf, size_t n)
{
	const char *nl;
	size_t k;

	while (n > 0) {
		nl = memchr(buf, '\n', n);
		k = nl != NULL ? (size_t)(nl - buf) : n;
		if (!s->skipping) {
			if (k > REPORT_PHASE_LINE_MAX - s->len) {
				/* Look at the head of a long line only. */
				memcpy(s->line + s->len, buf,
				    REPORT_PHASE_LINE_MAX - s->len);
				s->len = REPORT_PHASE_LINE_MAX;
				s->skipping = 1;
			} else {
				memcpy(s->line + s->len, buf, k);
				s->len += k;
			}
		}
		if (nl == NULL)
			return;
		scan_line(s);
		buf += k + 1;
		n -= k + 1;
	}
}

void
report_phase_scan_end_stream(struct phase_scan *s)
{
	if (s->len > 0 || s->skipping)
		scan_line(s);
}

void
report_phase_scan_commit(
    struct phase_scan *s, struct bench_result *r, size_t run, int keep)
{
	struct bench_phase *ph;
	size_t i, j;

	report_phase_scan_end_stream(s);
	if (keep) {
		r->has_phases = 1;
		for (i = 0; i < s->n; i++) {
			for (j = 0; j < r->n_phases; j++)
				if (strcmp(r->phases[j].name,
				        s->sums[i].name) == 0)
					break;
			if (j == r->n_phases) {
				if (r->n_phases >= REPORT_PHASES_MAX) {
					r->phase_lines_ignored +=
					    s->sums[i].lines;
					continue;
				}
				r->phases = reportp_xreallocarray(r->phases,
				    r->n_phases + 1, sizeof(*r->phases));
				ph = &r->phases[r->n_phases++];
				memset(ph, 0, sizeof(*ph));
				ph->name = reportp_xstrdup(s->sums[i].name);
			}
		}
		/* Every phase gets this run: 0 where it printed nothing. */
		for (j = 0; j < r->n_phases; j++) {
			ph = &r->phases[j];
			ph->per_run = reportp_xreallocarray(
			    ph->per_run, run + 1, sizeof(*ph->per_run));
			while (ph->n_per_run <= run)
				ph->per_run[ph->n_per_run++] = 0;
			for (i = 0; i < s->n; i++)
				if (strcmp(ph->name, s->sums[i].name) == 0) {
					ph->per_run[run] = s->sums[i].seconds;
					ph->count += s->sums[i].lines;
				}
		}
		r->phase_lines_ignored += s->ignored;
	}
	for (i = 0; i < s->n; i++)
		free(s->sums[i].name);
	s->n = 0;
	s->ignored = 0;
}

void
report_phases_clear(struct bench_result *r)
{
	size_t i;

	for (i = 0; i < r->n_phases; i++) {
		free(r->phases[i].name);
		free(r->phases[i].per_run);
	}
	free(r->phases);
	r->phases = NULL;
	r->n_phases = 0;
}

void
report_phases_compute(struct bench_result *r)
{
	struct bench_phase *ph;
	double sum = 0, d;
	size_t i, j, n;

	r->phase_coverage = NAN;
	for (j = 0; j < r->n_phases; j++) {
		ph = &r->phases[j];
		n = ph->n_per_run;
		ph->mean = ph->stddev = NAN;
		if (n == 0)
			continue;
		ph->mean = 0;
		for (i = 0; i < n; i++)
			ph->mean += ph->per_run[i];
		ph->mean /= (double)n;
		if (n >= 2) {
			ph->stddev = 0;
			for (i = 0; i < n; i++) {
				d = ph->per_run[i] - ph->mean;
				ph->stddev += d * d;
			}
			ph->stddev = sqrt(ph->stddev / (double)(n - 1));
		}
		sum += ph->mean;
	}
	if (r->has_phases && r->n_runs > 0 && r->st[METRIC_WALL].mean > 0)
		r->phase_coverage = sum / r->st[METRIC_WALL].mean;
}
