/*
 * stats-int.h: helpers shared by the files of stats/; not part of its
 * interface.  Everything here is prefixed statsp_.
 */
#ifndef BENCH_STATS_STATS_INT_H
#define BENCH_STATS_STATS_INT_H

#include <stddef.h>

#include "bench-error.h"

/*
 * Check that x is a non-NULL array of n >= min_n finite values; name
 * ("x", "a", "b") is used in the message.  Returns 0 or BENCH_ERR_INVALID.
 */
int statsp_check_sample(const char *name, const double *x, size_t n,
    size_t min_n, struct bench_error *err);

/* Check that 0 < level < 1.  Returns 0 or BENCH_ERR_INVALID. */
int statsp_check_level(double level, struct bench_error *err);

/*
 * The two-sided critical value of Student's t: the c > 0 with
 * P(|T| <= c) = level for df degrees of freedom, or NAN when GSL cannot
 * compute it.
 */
double statsp_t_critical(double level, double df);

#endif /* BENCH_STATS_STATS_INT_H */
