/*
 * summary.c: the summary of one sample, Student's t quantiles and the
 * modified z-score outliers of Iglewicz and Hoaglin.
 *
 * GSL functions that can report an error (gsl_cdf_tdist_Pinv) are only
 * called with checked arguments and their results are checked; stats_init()
 * (called by main() and the tests) turns GSL's abort-on-error handler off.
 */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bench-error.h"
#include "stats.h"
#include "stats-int.h"

/*
 * From this many degrees of freedom on, gsl_cdf_tdist_Pinv fails (its t
 * density loses all precision) and Fisher's expansion
 * t = z + (z^3 + z) / (4 df) + O(df^-2) is exact to double precision.
 */
#define T_NORMAL_DF 1e15

/* The constants of the modified z-score (Iglewicz and Hoaglin 1993). */
#define MAD_FACTOR    0.6745
#define MEANAD_FACTOR 1.253314

/* How to turn a value into its modified z-score. */
struct robust {
	double median;
	double factor; /* z = factor * (x - median) / denom */
	double denom;
};

/* Check that x is a non-NULL array of n >= min_n finite values. */
int
statsp_check_sample(const char *name, const double *x, size_t n, size_t min_n,
    struct bench_error *err)
{
	size_t i;

	if (n == 0)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "sample %s is empty", name);
	if (n < min_n)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "sample %s has %zu values, at least %zu are needed", name,
		    n, min_n);
	if (x == NULL)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "sample %s is a null pointer", name);
	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "%s[%zu] is not a finite number (%g)", name, i,
			    x[i]);
	return 0;
}

/* Check that a confidence level lies strictly between 0 and 1. */
int
statsp_check_level(double level, struct bench_error *err)
{
	if (!(level > 0.0 && level < 1.0))
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "confidence level %g is not between 0 and 1", level);
	return 0;
}

/* The two-sided critical value of Student's t at level with df. */
double
statsp_t_critical(double level, double df)
{
	/* The upper tail (1 - level) / 2 is exact for level >= 0.5. */
	return -stats_t_quantile((1.0 - level) / 2.0, df);
}

/* The p-quantile of Student's t distribution with df degrees of freedom. */
double
stats_t_quantile(double p, double df)
{
	double z, t;

	if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
		return NAN;
	if (df >= T_NORMAL_DF) {
		z = gsl_cdf_ugaussian_Pinv(p);
		return z + z * (z * z + 1.0) / (4.0 * df);
	}
	if (df == 1.0) {
		/*
		 * Cauchy: tan(pi (p - 1/2)) = -1 / tan(pi p), written so that
		 * tiny tails keep their precision (GSL loses it for p < 1e-16).
		 */
		if (p < 0.5)
			return -1.0 / tan(M_PI * p);
		return 1.0 / tan(M_PI * (1.0 - p));
	}
	/* Reports a convergence failure (GSL_EFAILED, NAN) in far tails. */
	t = gsl_cdf_tdist_Pinv(p, df);
	return isfinite(t) ? t : NAN;
}

/*
 * Find the centre and scale of the modified z-scores of x[0..n-1]; buf
 * holds x sorted on entry and is overwritten.  Returns 0 or
 * BENCH_ERR_NUMERIC when the deviations overflow.
 */
static int
robust_from_sorted(const double *x, size_t n, double *buf, struct robust *r,
    struct bench_error *err)
{
	double median, mad, meanad;
	size_t i;

	median = gsl_stats_median_from_sorted_data(buf, 1, n);
	for (i = 0; i < n; i++)
		buf[i] = fabs(x[i] - median);
	meanad = gsl_stats_mean(buf, 1, n);
	gsl_sort(buf, 1, n);
	mad = gsl_stats_median_from_sorted_data(buf, 1, n);
	if (!isfinite(median) || !isfinite(mad) || !isfinite(meanad))
		return bench_error_set(err, BENCH_ERR_NUMERIC,
		    "the deviations from the median overflow");

	r->median = median;
	if (mad > 0.0) {
		r->factor = MAD_FACTOR;
		r->denom = mad;
	} else if (meanad > 0.0) {
		r->factor = 1.0;
		r->denom = MEANAD_FACTOR * meanad;
	} else {
		r->factor = 0.0;
		r->denom = 1.0;
	}
	return 0;
}

/* The modified z-score of v. */
static double
robust_z(const struct robust *r, double v)
{
	return r->factor * (v - r->median) / r->denom;
}

/* Check an outlier threshold (> 0; +infinity finds no outliers). */
static int
check_threshold(double threshold, struct bench_error *err)
{
	if (!(threshold > 0.0))
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "outlier threshold %g is not positive", threshold);
	return 0;
}

/* A sorted copy of x[0..n-1] in new memory, or NULL when out of memory. */
static double *
sorted_copy(const double *x, size_t n)
{
	double *copy;

	if (n > SIZE_MAX / sizeof(*copy))
		return NULL;
	copy = malloc(n * sizeof(*copy));
	if (copy == NULL)
		return NULL;
	memcpy(copy, x, n * sizeof(*copy));
	gsl_sort(copy, 1, n);
	return copy;
}

/* Summarise x[0..n-1]: moments, quartiles, t interval and outliers. */
int
stats_summarize(const double *x, size_t n, double ci_level,
    double outlier_threshold, struct stats_summary *out,
    struct bench_error *err)
{
	struct stats_summary s;
	struct robust r;
	double *sorted = NULL;
	double t;
	size_t i;
	int rc;

	if (out == NULL)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "no summary to fill in");
	rc = statsp_check_sample("x", x, n, 1, err);
	if (rc == 0)
		rc = statsp_check_level(ci_level, err);
	if (rc == 0)
		rc = check_threshold(outlier_threshold, err);
	if (rc != 0)
		return rc;

	memset(&s, 0, sizeof(s));
	s.n = n;
	s.ci_level = ci_level;
	s.mean = gsl_stats_mean(x, 1, n);
	s.stddev = n >= 2 ? gsl_stats_sd_m(x, 1, n, s.mean) : NAN;
	if (!isfinite(s.mean) || (n >= 2 && !isfinite(s.stddev)))
		return bench_error_set(err, BENCH_ERR_NUMERIC,
		    "the mean or variance of the sample overflows");
	s.cv = n >= 2 && s.mean != 0.0 ? s.stddev / s.mean : NAN;
	s.sem = n >= 2 ? s.stddev / sqrt((double)n) : NAN;
	s.ci_low = NAN;
	s.ci_high = NAN;
	if (n >= 2) {
		t = statsp_t_critical(ci_level, (double)(n - 1));
		if (isnan(t))
			return bench_error_set(err, BENCH_ERR_NUMERIC,
			    "no t quantile for level %g with %zu degrees of "
			    "freedom",
			    ci_level, n - 1);
		s.ci_low = s.mean - t * s.sem;
		s.ci_high = s.mean + t * s.sem;
	}

	sorted = sorted_copy(x, n);
	if (sorted == NULL) {
		rc = bench_error_set(err, BENCH_ERR_NOMEM,
		    "out of memory for a sample of %zu values", n);
		goto out;
	}
	s.min = sorted[0];
	s.max = sorted[n - 1];
	s.median = gsl_stats_median_from_sorted_data(sorted, 1, n);
	s.q1 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.25);
	s.q3 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.75);

	rc = robust_from_sorted(x, n, sorted, &r, err);
	if (rc != 0)
		goto out;
	s.n_outliers = 0;
	for (i = 0; i < n; i++)
		if (fabs(robust_z(&r, x[i])) > outlier_threshold)
			s.n_outliers++;
	*out = s;

out:
	free(sorted);
	return rc;
}

/* Write the modified z-score of every x[i] to z[i]. */
int
stats_modified_z(const double *x, size_t n, double *z, struct bench_error *err)
{
	struct robust r;
	size_t i;
	int rc;

	rc = statsp_check_sample("x", x, n, 1, err);
	if (rc != 0)
		return rc;
	if (z == NULL || z == x)
		return bench_error_set(
		    err, BENCH_ERR_INVALID, "the scores need their own array");

	/* z is the work space: first the sorted sample, then |x - median|. */
	memcpy(z, x, n * sizeof(*z));
	gsl_sort(z, 1, n);
	rc = robust_from_sorted(x, n, z, &r, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++)
		z[i] = robust_z(&r, x[i]);
	return 0;
}

/* Find the values whose |modified z-score| exceeds threshold. */
long
stats_outliers(const double *x, size_t n, double threshold, size_t *idx,
    struct bench_error *err)
{
	double *z = NULL;
	size_t i, count;
	long result;

	result = statsp_check_sample("x", x, n, 1, err);
	if (result == 0)
		result = check_threshold(threshold, err);
	if (result == 0 && (n > LONG_MAX || n > SIZE_MAX / sizeof(*z)))
		result = bench_error_set(
		    err, BENCH_ERR_INVALID, "too many values (%zu)", n);
	if (result != 0)
		return result;
	z = malloc(n * sizeof(*z));
	if (z == NULL)
		return bench_error_set(err, BENCH_ERR_NOMEM,
		    "out of memory for a sample of %zu values", n);
	result = stats_modified_z(x, n, z, err);
	if (result != 0)
		goto out;
	count = 0;
	for (i = 0; i < n; i++) {
		if (fabs(z[i]) > threshold) {
			if (idx != NULL)
				idx[count] = i;
			count++;
		}
	}
	result = (long)count;

out:
	free(z);
	return result;
}
