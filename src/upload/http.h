/*
 * http.h: talking to a results server: the libcurl client (http.c), the
 * spool of baselines that could not be delivered (spool.c), and posting
 * (post.c: `bench-tests post` and --post on every command that writes a
 * baseline).  Included by bench.h.
 */
#ifndef BENCH_SRC_HTTP_H
#define BENCH_SRC_HTTP_H

#include <stddef.h>

#include "bench-error.h"

/* How to reach a server; every field has a default (http_opts_init). */
struct http_opts {
	const char *server;     /* base URL; NULL: $BENCH_TESTS_SERVER */
	const char *token_file; /* NULL: $BENCH_TESTS_TOKEN, else no token */
	const char *cacert;     /* CA bundle; NULL: the system's */
	double connect_timeout; /* seconds (10) */
	double timeout;         /* seconds for one attempt, all of it (60) */
	unsigned retries;       /* attempts after the first (4) */
	double retry_delay;     /* seconds before the first retry (1) */
	/* Asked between attempts: non-zero stops the retries (NULL: never). */
	int (*interrupted)(void);
};

/* A client: the resolved URL and token, and one libcurl handle. */
struct http_client {
	struct http_opts o;
	char *base;    /* the server URL without a trailing slash */
	char *display; /* the same without user:password@, for messages */
	char *token;   /* NULL when none; never printed */
	void *curl;    /* CURL * */
	char *auth;    /* "Authorization: Bearer ..." */
};

/* A reply: the status and the body (NUL-terminated, caller frees). */
struct http_reply {
	long status;
	char *body;
	size_t len;
	double retry_after; /* seconds from Retry-After, 0 when absent */
};

/* http.c */

/* Fill o with the defaults. */
void http_opts_init(struct http_opts *o);
/*
 * Set up a client: the server URL (o->server or $BENCH_TESTS_SERVER; http
 * or https only) and the token ($BENCH_TESTS_TOKEN or the first line of
 * o->token_file that is neither blank nor a # comment).  Returns 0, or
 * BENCH_ERR_INVALID with err naming the problem (the token never appears).
 */
int http_client_init(
    struct http_client *c, const struct http_opts *o, struct bench_error *err);
/* Free what a client holds; safe on a zeroed or freed client. */
void http_client_free(struct http_client *c);
/*
 * POST a baseline document to /api/v1/baselines.  Returns 0 when the server
 * stored it (*created 1 for 201, 0 for 200: it had it already),
 * BENCH_ERR_IO when no server answered (or kept answering 5xx), or
 * BENCH_ERR_INVALID when it refused (4xx): err holds the status and the
 * server's message.  *status gets the last HTTP status (0: none).
 */
int http_post_baseline(struct http_client *c, const char *text, size_t len,
    int *created, long *status, struct bench_error *err);
/*
 * Fetch the newest baseline (by its "created" time; arrival order breaks
 * ties) that has the given label and, when benchmark is not NULL, a result
 * of that name, from the server's GET /api/v1/baselines/latest.  label may
 * be NULL (any label).  Returns 0 and sets *text (the stored document,
 * byte for byte, NUL-terminated; caller frees; parse it with
 * report_baseline_parse) and *len; 1 when the server has no such baseline
 * (404: err says "no baseline with label 'nightly' ... on URL", for a
 * note); BENCH_ERR_IO when no server answered after the retries, or
 * BENCH_ERR_INVALID when it refused (401, 400...), err naming why.  Uses the
 * client's TLS, timeout, retry and token rules.
 */
int http_fetch_latest(struct http_client *c, const char *label,
    const char *benchmark, char **text, size_t *len, struct bench_error *err);

/* spool.c */

/*
 * The spool directory: dir when given, else $XDG_STATE_HOME/bench-tests/
 * spool, else ~/.local/state/bench-tests/spool (caller frees).
 */
char *spool_dir(const char *dir);
/*
 * Keep a baseline (text, len bytes) in the spool as ID.json, atomically,
 * creating the directory (mode 0700) when needed.  Returns the path
 * (caller frees) or NULL with errno set.
 */
char *spool_put(const char *dir, const char *id, const char *text, size_t len);
/* The spooled files (full paths, sorted, NULL-terminated; caller frees
 * with strv_free); NULL with errno set when the directory is unreadable. */
char **spool_list(const char *dir);
/* Move a spooled file the server refused to dir/rejected/; 0 or -1. */
int spool_reject(const char *dir, const char *path, char **moved);

/* post.c: --post on the measuring commands (its options: cmd-post.c). */
struct post_opts {
	int enabled; /* --post */
	struct http_opts http;
	const char *spool_dir; /* --spool-dir */
};

/* Fill o with the defaults. */
void post_opts_init(struct post_opts *o);
/*
 * --post for the measuring commands: deliver b as --output has it.  Returns
 * what post_deliver returns; 0 when --post is off or no run finished.
 */
struct baseline;
int post_baseline(const struct post_opts *o, const struct baseline *b);

#endif /* BENCH_SRC_HTTP_H */
