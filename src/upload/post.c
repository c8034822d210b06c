/*
 * post.c: sending baselines to a results server from the measuring
 * commands (--post; the options are parsed in cmd-post.c).
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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void
post_opts_init(struct post_opts *o)
{
	memset(o, 0, sizeof(*o));
	http_opts_init(&o->http);
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

/*
 * Deliver the baseline text (len bytes) with the given id: kept in the
 * spool first, sent, and taken out of the spool once the server has it.
 * Prints what happened.  Returns 0 when delivered, 1 when it stays spooled
 * because no server answered, 2 when the server refused it (it stays
 * spooled too).
 */
static int
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
