/*
 * stats.h: statistics of benchmark samples.  The only code that uses GSL.
 *
 * Pure computation: nothing here prints, exits or allocates memory that the
 * caller must free, unless a comment says so.  Every function that can fail
 * returns 0 or a negative enum bench_status and explains itself in the
 * optional struct bench_error.  Inputs are never modified (functions that
 * need sorted data sort a private copy).
 *
 * Conventions: "sample" means an array of n finite doubles; stddev is the
 * sample standard deviation (n - 1 in the denominator); quantiles use linear
 * interpolation between order statistics (Hyndman & Fan type 7, as
 * gsl_stats_quantile_from_sorted_data, R's default and numpy's default).
 * Values that do not exist for the given n (stddev of one value, for example)
 * are NAN, never an error.
 *
 * Besides BENCH_ERR_INVALID for bad input, functions that allocate may return
 * BENCH_ERR_NOMEM, and BENCH_ERR_NUMERIC means the data overflowed double
 * arithmetic or a GSL routine failed.  stats_init() must have turned GSL's
 * error handler off (main() and the tests call it): stats/ checks GSL's
 * return values, and the default handler would abort instead.
 */
#ifndef BENCH_STATS_STATS_H
#define BENCH_STATS_STATS_H

#include <stddef.h>

#include "bench-error.h"

/* Turn GSL's abort-on-error handler off; once, first thing in main(). */
void stats_init(void);

/* The default threshold of the modified z-score (Iglewicz and Hoaglin). */
#define STATS_OUTLIER_THRESHOLD 3.5

/* A summary of one sample. */
struct stats_summary {
	size_t n;
	double mean;
	double stddev; /* n - 1; NAN when n < 2 */
	double median;
	double min;
	double max;
	double q1;       /* 25 % quantile */
	double q3;       /* 75 % quantile */
	double cv;       /* stddev / mean; NAN when n < 2 or mean == 0 */
	double sem;      /* standard error of the mean, stddev / sqrt(n) */
	double ci_level; /* confidence level of the interval, e.g. 0.95 */
	double ci_low;   /* Student's t interval of the mean; NAN when n < 2 */
	double ci_high;
	size_t n_outliers; /* values whose |modified z| > outlier threshold */
};

/*
 * Summarise x[0..n-1] (n >= 1, all finite) with a confidence interval of
 * level ci_level (0 < ci_level < 1) and outliers counted with the modified
 * z-score threshold (> 0; STATS_OUTLIER_THRESHOLD by default).
 * Returns 0, or BENCH_ERR_INVALID for n == 0, a non-finite value or a bad
 * level or threshold (BENCH_ERR_NOMEM, BENCH_ERR_NUMERIC: see above).
 */
int stats_summarize(const double *x, size_t n, double ci_level,
    double outlier_threshold, struct stats_summary *out,
    struct bench_error *err);

/*
 * The p-quantile of Student's t distribution with df degrees of freedom
 * (df > 0, may be fractional or INFINITY; 0 < p < 1).  NAN for invalid
 * arguments, and in far tails where GSL's inversion does not converge.
 */
double stats_t_quantile(double p, double df);

/*
 * Modified z-scores (Iglewicz and Hoaglin 1993):
 *   M_i = 0.6745 (x_i - median) / MAD,  MAD = median |x_i - median|.
 * When MAD is 0 it falls back to the mean absolute deviation from the
 * median, M_i = (x_i - median) / (1.253314 MeanAD); when that is 0 too,
 * every score is 0.  z must hold n values and must not be x.  Returns 0 or
 * BENCH_ERR_INVALID (BENCH_ERR_NUMERIC: see above).
 */
int stats_modified_z(
    const double *x, size_t n, double *z, struct bench_error *err);

/*
 * Indexes (ascending) of the values whose |modified z-score| exceeds
 * threshold (> 0), written to idx (capacity n, may be NULL to only count).
 * Returns the number of outliers, or a negative bench_status.
 */
long stats_outliers(const double *x, size_t n, double threshold, size_t *idx,
    struct bench_error *err);

/* Welch's unequal-variances t-test of mean(b) - mean(a). */
struct stats_welch {
	double diff;   /* mean(b) - mean(a) */
	double t;      /* diff / sqrt(var_a/na + var_b/nb) */
	double df;     /* Welch-Satterthwaite degrees of freedom */
	double p;      /* two-sided p-value */
	double ci_low; /* confidence interval of diff at ci_level */
	double ci_high;
};

/*
 * Welch's t-test (na, nb >= 2).  When both variances are 0 the test is
 * degenerate: p is 1 if the means are equal and 0 otherwise, t is 0 or
 * +-INFINITY, df is na + nb - 2 and the interval is [diff, diff].
 * Returns 0 or BENCH_ERR_INVALID (BENCH_ERR_NUMERIC: see above).
 */
int stats_welch_test(const double *a, size_t na, const double *b, size_t nb,
    double ci_level, struct stats_welch *out, struct bench_error *err);

/* The Mann-Whitney U test (Wilcoxon rank-sum) of a against b. */
struct stats_mwu {
	double u_a; /* U of sample a: rank sum of a - na(na+1)/2 */
	double u_b; /* na nb - u_a */
	double z;   /* normal approximation (tie- and continuity-corrected),
	               > 0 when a tends to be larger than b;
	               NAN when the exact distribution was used */
	double p;   /* two-sided p-value */
	int exact;  /* 1 when p comes from the exact distribution */
	int ties;   /* 1 when the pooled sample has tied values */
};

/*
 * Two-sided Mann-Whitney U test (na, nb >= 1).  Exact p-value from the
 * permutation distribution of U when there are no ties and na, nb <= 50;
 * otherwise the normal approximation with tie correction of the variance
 * and continuity correction.  Returns 0 or BENCH_ERR_INVALID (or
 * BENCH_ERR_NOMEM).
 */
int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
    struct stats_mwu *out, struct bench_error *err);

/* The ratio of means mean(b) / mean(a) with a confidence interval. */
struct stats_ratio {
	double ratio;
	double ci_low; /* -INFINITY/INFINITY when unbounded */
	double ci_high;
	int bounded; /* 0 when Fieller's interval is unbounded (mean(a) not
	                significantly different from 0) */
};

/*
 * Fieller's confidence interval for mean(b) / mean(a) of two independent
 * samples (na, nb >= 2, mean(a) != 0), with the t quantile taken at the
 * Welch-Satterthwaite degrees of freedom.  Returns 0 or BENCH_ERR_INVALID
 * (BENCH_ERR_NUMERIC: see above).
 */
int stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
    double ci_level, struct stats_ratio *out, struct bench_error *err);

/* The largest number of pairs for which the signed-rank p is exact. */
#define STATS_SIGNRANK_EXACT_MAX 50

/* The paired comparison of b against a, pair by pair. */
struct stats_paired {
	size_t n;        /* pairs */
	double mean_log; /* mean of log(b_i / a_i) */
	double sd_log;   /* their standard deviation (n - 1) */
	double ratio;    /* the geometric mean ratio, exp(mean_log) */
	double ci_low;   /* exp of the t interval of mean_log */
	double ci_high;
	double t;   /* mean_log / (sd_log / sqrt(n)) */
	double df;  /* n - 1 */
	double p_t; /* two-sided p of the one-sample t-test of mean_log */
	/* The Wilcoxon signed-rank test of the log-ratios. */
	double w_plus;         /* the sum of the ranks of the positive ones */
	size_t signrank_n;     /* non-zero log-ratios (the ones ranked) */
	size_t signrank_zeros; /* zero log-ratios, dropped */
	int signrank_ties;     /* tied |log-ratios| among the ranked */
	int signrank_exact;    /* p from the exact distribution */
	double signrank_z;     /* normal approximation; NAN when exact */
	double p_signrank;     /* two-sided */
};

/*
 * The paired comparison of n pairs (a_i, b_i) (n >= 2, every value finite
 * and > 0): the log-ratios d_i = log(b_i / a_i); their mean's t interval
 * at ci_level, exponentiated (the interval of the geometric mean ratio),
 * and its one-sample t-test (degenerate when every d_i is equal: p is 1
 * for d = 0, else 0, and the interval is the ratio itself); the Wilcoxon
 * signed-rank test of the d_i: zeros dropped, exact without zeros or ties
 * for at most STATS_SIGNRANK_EXACT_MAX pairs, otherwise the normal
 * approximation with tie and continuity correction.  Returns 0 or
 * BENCH_ERR_INVALID (BENCH_ERR_NOMEM, BENCH_ERR_NUMERIC: see above).
 */
int stats_paired(const double *a, const double *b, size_t n, double ci_level,
    struct stats_paired *out, struct bench_error *err);

/*
 * The smallest two-sided p the exact signed-rank test can give with n
 * pairs, 2 / 2^n (at most 1); 0 above STATS_SIGNRANK_EXACT_MAX, where
 * the approximation has no such floor.
 */
double stats_signrank_min_p(size_t n);

#endif /* BENCH_STATS_STATS_H */
