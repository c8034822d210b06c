/*
 * paired.c: the paired comparison of A/B runs: per pair the log-ratio
 * log(b_i / a_i); the geometric mean ratio with a t interval on the
 * log-ratios, the one-sample t-test of their mean, and the Wilcoxon
 * signed-rank test.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bench-error.h"
#include "stats.h"
#include "stats-int.h"

/*
 * The exact two-sided p-value of the signed-rank statistic W+ = w for n
 * non-zero differences without ties: every one of the 2^n sign patterns is
 * equally likely under the null hypothesis, and the number of subsets of
 * the ranks {1..n} with sum k follows c(i, k) = c(i - 1, k) + c(i - 1,
 * k - i).  p = min(1, 2 min(P(W+ <= w), P(W+ >= w))).  Counts (at most
 * 2^50) are exact in doubles.
 */
static int
signrank_exact_p(size_t n, double w, double *p, struct bench_error *err)
{
	size_t top = n * (n + 1) / 2, i, k, kw = (size_t)w;
	double *c, lower = 0, upper = 0, total = 0;

	c = calloc(top + 1, sizeof(*c));
	if (c == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM,
		    "out of memory for the signed-rank distribution");
	c[0] = 1;
	for (i = 1; i <= n; i++) {
		/* Downwards, so c[k - i] is still the count without i. */
		for (k = i * (i + 1) / 2 + 1; k-- > i;)
			c[k] += c[k - i];
	}
	for (k = 0; k <= top; k++) {
		if (k <= kw)
			lower += c[k];
		if (k >= kw)
			upper += c[k];
		total += c[k];
	}
	free(c);
	*p = 2 * (lower < upper ? lower : upper) / total;
	if (*p > 1)
		*p = 1;
	return 0;
}

/*
 * The Wilcoxon signed-rank test of d[0..n-1] against 0.  Zero differences
 * are dropped (Wilcoxon's rule); the others are ranked by |d|, tied values
 * taking the mean of their ranks, and W+ is the sum of the ranks of the
 * positive ones.  Exact (signrank_exact_p) with at most
 * STATS_SIGNRANK_EXACT_MAX differences, none zero and no ties; otherwise
 * the normal approximation with m the number of non-zero differences and
 * t_k the sizes of the groups of tied |d|:
 *   mu = m (m + 1) / 4,
 *   sigma^2 = m (m + 1) (2m + 1) / 24 - sum(t_k^3 - t_k) / 48,
 *   z = sign(W+ - mu) max(|W+ - mu| - 1/2, 0) / sigma,
 *   p = min(1, 2 (1 - Phi(|z|))),
 * and p = 1 when no difference is left or sigma is 0.
 */
static int
signrank(const double *d, size_t n, struct stats_paired *out,
    struct bench_error *err)
{
	double *sorted = NULL, w = 0, tie_sum = 0, mu, var, dev;
	size_t i, j, m = 0, lo, hi;
	int rc = 0;

	sorted = malloc(n * sizeof(*sorted));
	if (sorted == NULL) {
		rc = bench_error_set(err, BENCH_ERR_NOMEM,
		    "out of memory for %zu differences", n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (d[i] != 0)
			sorted[m++] = fabs(d[i]);
	}
	out->signrank_n = m;
	out->signrank_zeros = n - m;
	out->signrank_ties = 0;
	if (m == 0) {
		out->w_plus = 0;
		out->signrank_exact = 0;
		out->signrank_z = 0;
		out->p_signrank = 1;
		goto out;
	}
	gsl_sort(sorted, 1, m);
	/* W+: the rank of each positive |d| is the mean rank of its group. */
	for (i = 0; i < n; i++) {
		if (!(d[i] > 0))
			continue;
		for (lo = 0; sorted[lo] < d[i]; lo++)
			;
		for (hi = lo; hi < m && sorted[hi] == d[i]; hi++)
			;
		w += ((double)lo + 1 + (double)hi) / 2;
	}
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && sorted[j] == sorted[i]; j++)
			;
		if (j - i > 1) {
			double t = (double)(j - i);

			out->signrank_ties = 1;
			tie_sum += t * t * t - t;
		}
	}
	out->w_plus = w;
	if (m == n && !out->signrank_ties && m <= STATS_SIGNRANK_EXACT_MAX) {
		out->signrank_exact = 1;
		out->signrank_z = NAN;
		rc = signrank_exact_p(m, w, &out->p_signrank, err);
		goto out;
	}
	out->signrank_exact = 0;
	mu = (double)m * ((double)m + 1) / 4;
	var = (double)m * ((double)m + 1) * (2 * (double)m + 1) / 24 -
	      tie_sum / 48;
	if (!(var > 0)) {
		out->signrank_z = 0;
		out->p_signrank = 1;
		goto out;
	}
	dev = fabs(w - mu) - 0.5;
	if (dev < 0)
		dev = 0;
	out->signrank_z = copysign(dev, w - mu) / sqrt(var);
	out->p_signrank = 2 * gsl_cdf_ugaussian_Q(fabs(out->signrank_z));
	if (out->p_signrank > 1)
		out->p_signrank = 1;
out:
	free(sorted);
	return rc;
}

double
stats_signrank_min_p(size_t n)
{
	if (n > STATS_SIGNRANK_EXACT_MAX)
		return 0;
	return ldexp(1.0, 1 - (int)n) < 1 ? ldexp(1.0, 1 - (int)n) : 1;
}

int
stats_paired(const double *a, const double *b, size_t n, double ci_level,
    struct stats_paired *out, struct bench_error *err)
{
	struct stats_paired r;
	double *d, t, half;
	size_t i;
	int rc;

	if (out == NULL)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "no result to fill in");
	rc = statsp_check_sample("a", a, n, 2, err);
	if (rc == 0)
		rc = statsp_check_sample("b", b, n, 2, err);
	if (rc == 0)
		rc = statsp_check_level(ci_level, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (!(a[i] > 0) || !(b[i] > 0))
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "pair %zu has a value that is not positive: no "
			    "log-ratio",
			    i + 1);
	}
	d = malloc(n * sizeof(*d));
	if (d == NULL)
		return bench_error_set(
		    err, BENCH_ERR_NOMEM, "out of memory for %zu pairs", n);
	memset(&r, 0, sizeof(r));
	r.n = n;
	for (i = 0; i < n; i++)
		d[i] = log(b[i] / a[i]);
	r.mean_log = gsl_stats_mean(d, 1, n);
	r.sd_log = gsl_stats_sd_m(d, 1, n, r.mean_log);
	r.df = (double)n - 1;
	if (!isfinite(r.mean_log) || !isfinite(r.sd_log)) {
		free(d);
		return bench_error_set(err, BENCH_ERR_NUMERIC,
		    "the log-ratios of the pairs overflow");
	}
	r.ratio = exp(r.mean_log);
	if (r.sd_log == 0) {
		/* Every pair has the same ratio: the test is degenerate. */
		r.t = r.mean_log == 0 ? 0 : copysign(INFINITY, r.mean_log);
		r.p_t = r.mean_log == 0 ? 1 : 0;
		r.ci_low = r.ci_high = r.ratio;
	} else {
		t = statsp_t_critical(ci_level, r.df);
		if (isnan(t)) {
			free(d);
			return bench_error_set(err, BENCH_ERR_NUMERIC,
			    "no t quantile for level %g with %zu degrees of "
			    "freedom",
			    ci_level, n - 1);
		}
		half = t * r.sd_log / sqrt((double)n);
		r.ci_low = exp(r.mean_log - half);
		r.ci_high = exp(r.mean_log + half);
		r.t = r.mean_log / (r.sd_log / sqrt((double)n));
		r.p_t = 2 * gsl_cdf_tdist_Q(fabs(r.t), r.df);
	}
	rc = signrank(d, n, &r, err);
	free(d);
	if (rc == 0)
		*out = r;
	return rc;
}
