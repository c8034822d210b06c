/*
 * reports-int.h: helpers private to reports/.
 */
#ifndef BENCH_REPORTS_REPORTS_INT_H
#define BENCH_REPORTS_REPORTS_INT_H

#include <stddef.h>

/*
 * Allocation that cannot fail: on exhaustion these abort(), the one way a
 * library of ours ends the process (there is nothing sensible to return).
 */
void *reportp_xcalloc(size_t n, size_t size);
void *reportp_xreallocarray(void *p, size_t n, size_t size);
char *reportp_xstrdup(const char *s);

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
size_t reportp_utf8_len(const char *s, size_t n);
/* A copy of s (caller frees) with every byte that is not part of valid
 * UTF-8 replaced by U+FFFD. */
char *reportp_utf8_fix(const char *s);

#endif /* BENCH_REPORTS_REPORTS_INT_H */
