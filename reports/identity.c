/*
 * identity.c: what makes a baseline storable: its id and its "created"
 * time, checked alike by the upload client before it sends and by the
 * results server before it stores.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

int
report_parse_time(const char *s, double *t)
{
	struct tm tm;
	int n = 0, sign = 0, oh = 0, om = 0, mday;
	double frac = 0;
	time_t secs;
	const char *p;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	        &n) != 3 ||
	    n != 10)
		return -1;
	p = s + n;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		n = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &n) !=
		        2 ||
		    n != 5)
			return -1;
		p += 1 + n;
		if (*p == ':') {
			n = 0;
			if (sscanf(p + 1, "%2d%n", &tm.tm_sec, &n) != 1 ||
			    n != 2)
				return -1;
			p += 1 + n;
			if (*p == '.') {
				if (p[1] < '0' || p[1] > '9')
					return -1;
				frac = strtod(p, &end);
				p = end;
			}
		}
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		n = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		p += 1 + n;
	}
	if (*p != '\0' || tm.tm_year < 1970 || tm.tm_year > 9999 ||
	    tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 ||
	    tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
	    tm.tm_sec > 59 || !(frac >= 0 && frac < 1))
		return -1;
	mday = tm.tm_mday;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	secs = timegm(&tm);
	/* timegm turns 31 February into March: refuse that. */
	if (secs == (time_t)-1 || tm.tm_mday != mday)
		return -1;
	*t = (double)secs + frac - sign * (oh * 3600.0 + om * 60.0);
	return 0;
}

int
report_identity_check(
    const char *id, const char *created, double *t, struct bench_error *err)
{
	size_t len;
	double when;

	if (id == NULL)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "id: missing (a server stores a baseline once, by its "
		    "id)");
	len = strlen(id);
	if (len == 0 || len > 128 || id[0] == '.' ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	               "0123456789-_.") != len)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "id: must be 1 to 128 letters, digits, '-', '_' or '.' "
		    "(a UUID)");
	if (created == NULL)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "created: missing (the time of the measurement orders "
		    "the history)");
	if (report_parse_time(created, &when) != 0)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "created: not an ISO 8601 time such as "
		    "2026-11-22T20:00:00Z");
	if (t != NULL)
		*t = when;
	return 0;
}
