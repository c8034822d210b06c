/*
 * post.c: sending baselines to a results server from the measuring
 * commands (--post) and what `bench-tests post` shares with them.
 *
 * --post never risks the measurement: the local --output file is written
 * first (session.c), then the document goes into the spool, then to the
 * server, and only a server's 2xx takes it out of the spool again.  A
 * server that is down costs a warning; a server that refuses the baseline
 * (a wrong token, say) is an error, exit status 2, and the baseline waits
 * in the spool for `bench-tests post --flush`.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

enum {
	OPT_POST = 1100,
	OPT_NO_POST,
	OPT_SERVER,
	OPT_TOKEN_FILE,
	OPT_CACERT,
	OPT_SPOOL_DIR,
	OPT_CONNECT_TIMEOUT,
	OPT_POST_TIMEOUT,
	OPT_RETRIES,
	OPT_RETRY_DELAY
};

const struct option post_options[] = {
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"no-post", no_argument, NULL, OPT_NO_POST},
    {"post", no_argument, NULL, OPT_POST},
    {"post-timeout", required_argument, NULL, OPT_POST_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"retry-delay", required_argument, NULL, OPT_RETRY_DELAY},
    {"server", required_argument, NULL, OPT_SERVER},
    {"spool-dir", required_argument, NULL, OPT_SPOOL_DIR},
    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
    {NULL, 0, NULL, 0}};

const char *const post_usage[] = {
    "Results server options (--post; `bench-tests post`):",
    "      --post              send the baseline to the results server "
    "after",
    "                          writing it (a copy waits in the spool until "
    "the",
    "                          server has it)",
    "      --server URL        the server (default: $BENCH_TESTS_SERVER)",
    "      --token-file FILE   the upload token: the first line of FILE "
    "that is",
    "                          not blank or # (default: $BENCH_TESTS_TOKEN)",
    "      --cacert FILE       trust this CA bundle (certificates are always",
    "                          verified)",
    "      --connect-timeout DURATION   give up connecting after this (10s)",
    "      --post-timeout DURATION      give up one attempt after this (60s)",
    "      --retries N         attempts after the first on network errors "
    "and",
    "                          5xx, with exponential backoff (4)",
    "      --retry-delay DURATION       the first backoff, doubled each "
    "time (1s)",
    "      --spool-dir DIR     where undelivered baselines wait (default:",
    "                          $XDG_STATE_HOME/bench-tests/spool)", NULL};

void
post_opts_init(struct post_opts *o)
{
	memset(o, 0, sizeof(*o));
	http_opts_init(&o->http);
}

int
post_option(struct post_opts *o, const char *cmd, int c, char *arg)
{
	(void)cmd;
	switch (c) {
	case OPT_POST:
		o->enabled = 1;
		break;
	case OPT_NO_POST:
		o->enabled = 0;
		break;
	case OPT_SERVER:
		o->http.server = arg;
		break;
	case OPT_TOKEN_FILE:
		o->http.token_file = arg;
		break;
	case OPT_CACERT:
		o->http.cacert = arg;
		break;
	case OPT_SPOOL_DIR:
		o->spool_dir = arg;
		break;
	case OPT_CONNECT_TIMEOUT:
		o->http.connect_timeout =
		    cmd_parse_seconds("--connect-timeout", arg, 0);
		break;
	case OPT_POST_TIMEOUT:
		o->http.timeout = cmd_parse_seconds("--post-timeout", arg, 0);
		break;
	case OPT_RETRIES:
		o->http.retries =
		    (unsigned)cmd_parse_count("--retries", arg, 0);
		if (o->http.retries > 20)
			cmd_usage_error(cmd, "--retries: at most 20");
		break;
	case OPT_RETRY_DELAY:
		o->http.retry_delay =
		    cmd_parse_seconds("--retry-delay", arg, 0);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Warn when a token file can be read by others (as ssh does for keys). */
static void
check_token_file_mode(const char *path)
{
	struct stat st;

	if (path != NULL && stat(path, &st) == 0 &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		warnf("the token file '%s' can be read by other users "
		      "(chmod 600 it)",
		    path);
}

void
post_opts_check(struct post_opts *o, const char *cmd)
{
	struct http_client c;
	struct bench_error err;

	(void)cmd;
	if (!o->enabled)
		return;
	/* Find a bad URL or token now, not after an hour of measuring. */
	if (http_client_init(&c, &o->http, &err) != 0)
		fatalx(BENCH_EXIT_USAGE, "--post: %s", err.text);
	http_client_free(&c);
	check_token_file_mode(o->http.token_file);
}

int
post_parse_time(const char *s, double *t)
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
post_check_identity(
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
	if (post_parse_time(created, &when) != 0)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "created: not an ISO 8601 time such as "
		    "2026-11-22T20:00:00Z");
	if (t != NULL)
		*t = when;
	return 0;
}

/* Tell how many other baselines wait in the spool. */
static void
note_spool(const char *dir)
{
	char **left = spool_list(dir);
	size_t n = left != NULL ? strv_len(left) : 0;

	if (n > 0)
		notef("%zu baseline%s wait%s in %s: `bench-tests post --flush` "
		      "sends %s",
		    n, n == 1 ? "" : "s", n == 1 ? "s" : "", dir,
		    n == 1 ? "it" : "them");
	strv_free(left);
}

int
post_deliver(
    const struct post_opts *o, const char *id, const char *text, size_t len)
{
	struct http_client c;
	struct bench_error err;
	char *dir, *path;
	int created, rc, ret;
	long status;

	dir = spool_dir(o->spool_dir);
	path = spool_put(dir, id, text, len);
	if (path == NULL)
		warnf("cannot keep a copy in the spool '%s': %s", dir,
		    strerror(errno));
	if (http_client_init(&c, &o->http, &err) != 0) {
		errorf("--post: %s", err.text);
		ret = 2;
		goto out;
	}
	rc = http_post_baseline(&c, text, len, &created, &status, &err);
	if (rc == 0) {
		if (path != NULL)
			(void)unlink(path);
		notef("%s baseline %s on %s",
		    created ? "stored" : "already had", id, c.display);
		ret = 0;
		note_spool(dir);
	} else if (rc == BENCH_ERR_IO) {
		warnf("could not post the baseline: %s", err.text);
		ret = 1;
	} else {
		errorf("the server refused the baseline: %s", err.text);
		ret = 2;
	}
	http_client_free(&c);
out:
	if (ret != 0 && path != NULL)
		notef("the baseline waits in %s: `bench-tests post --flush` "
		      "sends it",
		    path);
	free(path);
	free(dir);
	return ret;
}

int
post_baseline(const struct post_opts *o, const struct baseline *b)
{
	struct bench_error err;
	char *text;
	size_t i, runs = 0;
	int rc;

	if (!o->enabled)
		return 0;
	for (i = 0; i < b->n_results; i++)
		runs += b->results[i].n_runs;
	if (runs == 0)
		return 0;
	text = report_baseline_dump(b, &err);
	if (text == NULL) {
		errorf("--post: %s", err.text);
		return 2;
	}
	rc = post_deliver(o, b->id, text, strlen(text));
	free(text);
	return rc;
}
