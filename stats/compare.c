/*
 * compare.c: comparisons of two independent samples a and b: Welch's
 * t-test, the Mann-Whitney U test and Fieller's interval of the ratio of
 * the means.
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

/* The largest sample sizes for which the exact U distribution is used. */
#define MWU_EXACT_MAX 50

/* The means of two samples and the variances of those means. */
struct moments {
	double ma, mb; /* mean(a), mean(b) */
	double va, vb; /* var(a) / na, var(b) / nb */
	double df;     /* Welch-Satterthwaite degrees of freedom */
};

/*
 * Check two samples of at least 2 values and a confidence level, and
 * compute their moments.  The Welch-Satterthwaite degrees of freedom are
 *   df = (va + vb)^2 / (va^2 / (na - 1) + vb^2 / (nb - 1)),
 * evaluated with va and vb scaled by max(va, vb) so that the squares do not
 * underflow; na + nb - 2 when both variances are 0.
 */
static int
two_moments(const double *a, size_t na, const double *b, size_t nb,
    double ci_level, struct moments *m, struct bench_error *err)
{
	double scale, ra, rb;
	int rc;

	rc = statsp_check_sample("a", a, na, 2, err);
	if (rc == 0)
		rc = statsp_check_sample("b", b, nb, 2, err);
	if (rc == 0)
		rc = statsp_check_level(ci_level, err);
	if (rc != 0)
		return rc;

	m->ma = gsl_stats_mean(a, 1, na);
	m->mb = gsl_stats_mean(b, 1, nb);
	m->va = gsl_stats_variance_m(a, 1, na, m->ma) / (double)na;
	m->vb = gsl_stats_variance_m(b, 1, nb, m->mb) / (double)nb;
	if (!isfinite(m->ma) || !isfinite(m->mb) || !isfinite(m->va) ||
	    !isfinite(m->vb) || !isfinite(m->mb - m->ma))
		return bench_error_set(err, BENCH_ERR_NUMERIC,
		    "the means or variances of the samples overflow");

	scale = m->va > m->vb ? m->va : m->vb;
	if (scale == 0.0) {
		m->df = (double)na + (double)nb - 2.0;
	} else {
		ra = m->va / scale;
		rb = m->vb / scale;
		m->df = (ra + rb) * (ra + rb) /
		        (ra * ra / ((double)na - 1.0) +
		            rb * rb / ((double)nb - 1.0));
	}
	return 0;
}

/* Welch's unequal-variances t-test of mean(b) - mean(a). */
int
stats_welch_test(const double *a, size_t na, const double *b, size_t nb,
    double ci_level, struct stats_welch *out, struct bench_error *err)
{
	struct stats_welch w;
	struct moments m;
	double se, crit;
	int rc;

	if (out == NULL)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "no result to fill in");
	rc = two_moments(a, na, b, nb, ci_level, &m, err);
	if (rc != 0)
		return rc;

	w.diff = m.mb - m.ma;
	w.df = m.df;
	se = sqrt(m.va + m.vb);
	if (se == 0.0) {
		/* Degenerate: both samples are constant. */
		w.t = w.diff == 0.0 ? 0.0 : copysign(INFINITY, w.diff);
		w.p = w.diff == 0.0 ? 1.0 : 0.0;
		w.ci_low = w.diff;
		w.ci_high = w.diff;
		*out = w;
		return 0;
	}

	w.t = w.diff / se;
	/* p = P(|T| >= |t|) = 2 Q(|t|), Q the upper tail of t with df. */
	w.p = 2.0 * gsl_cdf_tdist_Q(fabs(w.t), w.df);
	if (w.p > 1.0)
		w.p = 1.0;
	crit = statsp_t_critical(ci_level, w.df);
	if (isnan(w.p) || isnan(crit))
		return bench_error_set(err, BENCH_ERR_NUMERIC,
		    "no t distribution for t = %g with %g degrees of freedom",
		    w.t, w.df);
	w.ci_low = w.diff - crit * se;
	w.ci_high = w.diff + crit * se;
	*out = w;
	return 0;
}

/*
 * The exact two-sided p-value of U = u for samples of m and n distinct
 * values under the null hypothesis (every one of the C(m + n, m) orders of
 * the pooled sample equally likely):
 *   p = min(1, 2 min(P(U <= u), P(U >= u))).
 * c(i, j, k), the number of orders of i values of one sample and j of the
 * other in which k pairs have the first sample's value larger, follows
 *   c(i, j, k) = c(i - 1, j, k - j) + c(i, j - 1, k),
 *   c(0, j, k) = c(i, 0, k) = [k == 0],
 * by whether the largest value is from the first sample (larger than all j
 * others) or not.  Counts (at most C(100, 50) ~ 1e29) are summed in doubles,
 * so every count and both tails keep full relative precision.  The
 * distribution is symmetric in m and n, so j runs over the smaller one.
 */
static int
mwu_exact_p(size_t m, size_t n, double u, double *p, struct bench_error *err)
{
	size_t small, large, width, i, j, k, ku;
	double *c, *row, *prev, *dist;
	double lower, upper, total;

	small = m < n ? m : n;
	large = m < n ? n : m;
	width = m * n + 1;
	c = calloc((small + 1) * width, sizeof(*c));
	if (c == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM,
		    "out of memory for the U distribution");

	for (j = 0; j <= small; j++)
		c[j * width] = 1.0;
	for (i = 1; i <= large; i++) {
		for (j = 1; j <= small; j++) {
			row = c + j * width;
			prev = c + (j - 1) * width;
			/* Downwards, so row[k - j] is still c(i - 1, j, .). */
			for (k = i * j + 1; k-- > 0;)
				row[k] = (k >= j ? row[k - j] : 0.0) + prev[k];
		}
	}

	dist = c + small * width;
	ku = (size_t)u;
	lower = 0.0;
	upper = 0.0;
	total = 0.0;
	for (k = 0; k < width; k++) {
		if (k <= ku)
			lower += dist[k];
		if (k >= ku)
			upper += dist[k];
		total += dist[k];
	}
	free(c);

	*p = 2.0 * (lower < upper ? lower : upper) / total;
	if (*p > 1.0)
		*p = 1.0;
	return 0;
}

/*
 * The two-sided Mann-Whitney U test.  Definitions:
 *   ranks      1..N of the pooled sample (N = na + nb), tied values getting
 *              the mean of the ranks they span;
 *   u_a        R_a - na (na + 1) / 2, R_a the rank sum of a; equivalently
 *              #{(i, j): a_i > b_j} + #{(i, j): a_i == b_j} / 2;
 *   u_b        na nb - u_a.
 * Without ties and with na, nb <= 50, p is exact (see mwu_exact_p).
 * Otherwise the normal approximation, with t_k the sizes of the groups of
 * tied values:
 *   mu         na nb / 2,
 *   sigma^2    na nb / 12 ((N + 1) - sum(t_k^3 - t_k) / (N (N - 1))),
 *   z          sign(u_a - mu) max(|u_a - mu| - 1/2, 0) / sigma,
 *   p          min(1, 2 (1 - Phi(|z|))),
 * and z = 0, p = 1 when sigma is 0 (all values equal).
 */
int
stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
    struct stats_mwu *out, struct bench_error *err)
{
	struct stats_mwu r;
	double *buf = NULL, *sa, *sb;
	double v, below, rank_a, tie_sum, ntot, mu, var, d, cc;
	size_t i, j, ca, cb, t;
	int rc;

	if (out == NULL)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "no result to fill in");
	rc = statsp_check_sample("a", a, na, 1, err);
	if (rc == 0)
		rc = statsp_check_sample("b", b, nb, 1, err);
	if (rc != 0)
		return rc;
	if (na > SIZE_MAX / sizeof(*buf) - nb)
		return bench_error_set(err, BENCH_ERR_NOMEM,
		    "samples too large (%zu and %zu values)", na, nb);
	buf = malloc((na + nb) * sizeof(*buf));
	if (buf == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM,
		    "out of memory for samples of %zu and %zu values", na, nb);
	sa = buf;
	sb = buf + na;
	memcpy(sa, a, na * sizeof(*sa));
	memcpy(sb, b, nb * sizeof(*sb));
	gsl_sort(sa, 1, na);
	gsl_sort(sb, 1, nb);

	/* Merge the sorted samples, one group of equal values at a time. */
	i = 0;
	j = 0;
	below = 0.0;
	rank_a = 0.0;
	tie_sum = 0.0;
	r.ties = 0;
	while (i < na || j < nb) {
		v = j >= nb || (i < na && sa[i] <= sb[j]) ? sa[i] : sb[j];
		for (ca = 0; i < na && sa[i] == v; i++)
			ca++;
		for (cb = 0; j < nb && sb[j] == v; j++)
			cb++;
		t = ca + cb;
		/* The group takes ranks below + 1 .. below + t. */
		rank_a += (double)ca * (below + ((double)t + 1.0) / 2.0);
		if (t > 1) {
			r.ties = 1;
			tie_sum += ((double)t * t - 1.0) * (double)t;
		}
		below += (double)t;
	}

	r.u_a = rank_a - (double)na * ((double)na + 1.0) / 2.0;
	r.u_b = (double)na * (double)nb - r.u_a;

	if (!r.ties && na <= MWU_EXACT_MAX && nb <= MWU_EXACT_MAX) {
		r.exact = 1;
		r.z = NAN;
		rc = mwu_exact_p(na, nb, r.u_a, &r.p, err);
		if (rc == 0)
			*out = r;
		goto out;
	}

	r.exact = 0;
	ntot = (double)na + (double)nb;
	mu = (double)na * (double)nb / 2.0;
	var = (double)na * (double)nb / 12.0 *
	      ((ntot + 1.0) - tie_sum / (ntot * (ntot - 1.0)));
	if (var > 0.0) {
		d = r.u_a - mu;
		cc = fabs(d) - 0.5;
		if (cc < 0.0)
			cc = 0.0;
		r.z = copysign(cc, d) / sqrt(var);
		r.p = 2.0 * gsl_cdf_ugaussian_Q(fabs(r.z));
		if (r.p > 1.0)
			r.p = 1.0;
	} else {
		r.z = 0.0;
		r.p = 1.0;
	}
	*out = r;

out:
	free(buf);
	return rc;
}

/*
 * Fieller's interval for rho = mean(b) / mean(a), independent samples.
 * With ma, mb the means, va, vb the variances of the means (s^2 / n) and
 * t the two-sided critical value at the Welch-Satterthwaite df, the interval
 * is the set of rho with (mb - rho ma)^2 <= t^2 (vb + rho^2 va):
 *   g = t^2 va / ma^2,
 *   rho = (r +- t sqrt(vb / ma^2 (1 - g) + r^2 va / ma^2)) / (1 - g),
 * with r = mb / ma, bounded only when g < 1 (ma significantly non-zero);
 * otherwise the set is the whole line or the outside of an interval, and
 * ci_low, ci_high are -INFINITY, INFINITY.
 */
int
stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
    double ci_level, struct stats_ratio *out, struct bench_error *err)
{
	struct stats_ratio r;
	struct moments m;
	double crit, ea, eb, g, h;
	int rc;

	if (out == NULL)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "no result to fill in");
	rc = two_moments(a, na, b, nb, ci_level, &m, err);
	if (rc != 0)
		return rc;
	if (m.ma == 0.0)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "the mean of sample a is 0: no ratio");

	r.ratio = m.mb / m.ma;
	crit = statsp_t_critical(ci_level, m.df);
	if (isnan(crit))
		return bench_error_set(err, BENCH_ERR_NUMERIC,
		    "no t quantile for level %g with %g degrees of freedom",
		    ci_level, m.df);

	/* Standard errors relative to |mean(a)|; g = (t ea)^2. */
	ea = sqrt(m.va) / fabs(m.ma);
	eb = sqrt(m.vb) / fabs(m.ma);
	g = crit * ea * (crit * ea);
	if (g < 1.0) {
		h = crit *
		    sqrt(eb * eb * (1.0 - g) + r.ratio * r.ratio * ea * ea);
		r.ci_low = (r.ratio - h) / (1.0 - g);
		r.ci_high = (r.ratio + h) / (1.0 - g);
		r.bounded = 1;
	} else {
		r.ci_low = -INFINITY;
		r.ci_high = INFINITY;
		r.bounded = 0;
	}
	if (!isfinite(r.ratio) || isnan(g) ||
	    (r.bounded && !(isfinite(r.ci_low) && isfinite(r.ci_high))))
		return bench_error_set(
		    err, BENCH_ERR_NUMERIC, "the ratio of the means overflows");
	*out = r;
	return 0;
}
