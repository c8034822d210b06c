/*
 * server.h: the results server (bench-tests serve), a section per file.
 *
 *   cmd-serve.c    options, the listening socket, signals, start and stop
 *   server.c       the libmicrohttpd glue: a request in, a response out
 *   server-api.c   routing, authentication, the API (independent of
 *                  libmicrohttpd, so the fuzzer drives it directly)
 *   server-db.c    SQLite: schema, one connection per thread, queries
 *   server-html.c  the web page: HTML with inline SVG charts
 *   server-guard.c limits per address, the reserve, request deadlines
 */
#ifndef BENCH_SRC_SERVER_H
#define BENCH_SRC_SERVER_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>

#include "bench.h"
#include "server-json.h"

/* The default limit of a request body. */
#define SERVER_MAX_BODY ((size_t)16 << 20)
/* The longest token accepted, in a token file or a request. */
#define SERVER_TOKEN_MAX 4096
/* The defaults of serve's --max-connections, --max-per-address and
 * --request-timeout (seconds). */
#define SERVER_MAX_CONNECTIONS 1024
#define SERVER_MAX_PER_ADDRESS 64
#define SERVER_REQUEST_TIMEOUT 60.0

/* Which baselines a query wants. */
struct db_filter {
	const char *benchmark; /* NULL: any */
	const char *label;
	const char *host;
	double since; /* Unix seconds, NAN: no bound */
	double until; /* exclusive */
	size_t limit;
};

/* server-db.c */
struct server_db;

/*
 * Open (creating it when missing) the database at path: WAL mode, the
 * schema, a check of its version.  Returns NULL with err filled.
 */
struct server_db *server_db_open(const char *path, struct bench_error *err);
/* Close every connection (no query may run any more); NULL is ignored. */
void server_db_close(struct server_db *db);
/*
 * Store a validated baseline (text: its bytes; t: its created time).
 * Returns 0 with *created 1 (new) or 0 (the same bytes were there),
 * BENCH_ERR_INVALID when a different document has the same id, or
 * BENCH_ERR_IO (err filled).
 */
int server_db_insert(struct server_db *db, const struct baseline *b, double t,
    const char *text, size_t len, int *created, struct bench_error *err);
/* Delete baseline id and its results: 0, 1 when there is none, or
 * BENCH_ERR_IO. */
int server_db_delete(
    struct server_db *db, const char *id, struct bench_error *err);
/* The stored bytes of baseline id: 0, 1 when there is none, or BENCH_ERR_IO.
 */
int server_db_body(struct server_db *db, const char *id, char **body,
    size_t *len, struct bench_error *err);
/* Baselines matching f, newest first (caller frees each and the array). */
int server_db_list(struct server_db *db, const struct db_filter *f,
    struct server_stored **rows, size_t *n, struct bench_error *err);
/* Every benchmark with its count and newest point. */
int server_db_benchmarks(struct server_db *db, struct server_benchmark **rows,
    size_t *n, struct bench_error *err);
/*
 * The newest f->limit points of benchmark f->benchmark, returned oldest
 * first, with every run's wall time when samples is set.
 */
int server_db_history(struct server_db *db, const struct db_filter *f,
    int samples, struct server_point **pts, size_t *n, struct bench_error *err);
/* The hosts and labels that hold a benchmark (NULL-terminated, sorted). */
int server_db_facets(struct server_db *db, const char *benchmark, char ***hosts,
    char ***labels, struct bench_error *err);
/* How many baselines are stored; -1 on error. */
long long server_db_count(struct server_db *db);
/* Free rows returned by the queries above. */
void server_rows_free(struct server_stored *rows, size_t n);
void server_points_free(struct server_point *pts, size_t n);
void server_benchmarks_free(struct server_benchmark *rows, size_t n);

/* server-api.c */

/* A request, as libmicrohttpd (or the fuzzer) hands it over. */
struct srv_req {
	const char *method;
	const char *path;  /* decoded, without the query */
	const char **args; /* query: key, value, key, value, ..., NULL */
	const char *authorization; /* the header, NULL when absent */
	const char *body;
	size_t len;
	int too_large; /* the body passed the limit (and was not kept) */
};

/* A response; the dispatcher fills it and the caller frees it. */
struct srv_resp {
	int status;
	const char *type; /* Content-Type */
	char *body;
	size_t len;
	char *location;       /* Location header, or NULL */
	const char *allow;    /* Allow header for 405, or NULL */
	const char *www_auth; /* WWW-Authenticate for 401, or NULL */
	int immutable;        /* a stored baseline: cache it for good */
};

/* The tokens a server accepts. */
struct server_tokens {
	char **write;   /* may post (and read) */
	char **read;    /* may read */
	int read_needs; /* --read-token: reads need a token too */
};

/* Everything a request handler needs. */
struct server {
	struct server_db *db;
	size_t max_body;
	pthread_rwlock_t lock; /* guards tokens */
	struct server_tokens tokens;
	int quiet;
	pthread_mutex_t log_lock;
	struct cmp_opts cmp;   /* the change markers: compare's rule, --alpha */
	unsigned max_conns;    /* --max-connections */
	unsigned max_per_addr; /* --max-per-address */
	double request_timeout; /* --request-timeout, seconds */
};

/*
 * Load the tokens of path: every line that is neither blank nor a #
 * comment.  Returns a NULL-terminated list (caller frees with strv_free) or
 * NULL with err naming the file and line (never the token).
 */
char **server_tokens_load(const char *path, struct bench_error *err);
/*
 * Compare a token with every allowed one, in time that depends only on the
 * length of the given token; 1 when one matches.
 */
int server_token_match(char *const *allowed, const char *given);
/* Answer a request. */
void server_dispatch(
    struct server *s, const struct srv_req *q, struct srv_resp *r);
/* Free what a response holds. */
void server_resp_free(struct srv_resp *r);
/*
 * Mark each point's change against the one before it (every run's times
 * loaded) by the decision of compare and check, report_compare_samples,
 * on metric o->metric with the options o (serve --metric, --alpha).  A
 * point whose runs lack the metric is untested.
 */
void server_mark_changes(
    const struct cmp_opts *o, struct server_point *pts, size_t n);
/* Print a line to the log (stderr), one thread at a time. */
void server_log(struct server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* server-html.c */

/* The front page: every benchmark with its recent trend (the markers'
   options o, for the words of their rule). */
char *server_html_index(const struct cmp_opts *o,
    const struct server_benchmark *rows, size_t n,
    struct server_point *const *trends, const size_t *n_trend, size_t *len);
/* A benchmark's page: chart, changes, baselines. */
char *server_html_benchmark(const struct cmp_opts *o, const char *name,
    const struct db_filter *f, const struct server_point *pts, size_t n,
    char *const *hosts, char *const *labels, size_t *len);
/* A page that says what went wrong (status is in the title). */
char *server_html_error(int status, const char *message, size_t *len);

/* server-guard.c */

/* The guard's table: every open connection, how many each address holds. */
struct guard_conn;
struct addr_count;
struct server_guard {
	pthread_mutex_t lock; /* guards everything below */
	struct guard_conn *conns;
	size_t open;
	struct addr_count **addrs; /* hash table by address */
	unsigned limit, per_addr, reserve;
	double timeout;
	/* Since the last report: */
	unsigned long refused_full, refused_addr, refused_reserve, cut;
};

/*
 * Set up a guard for limit connections in all, per_addr per address, and
 * requests that must arrive whole within timeout seconds.
 */
void server_guard_init(
    struct server_guard *g, unsigned limit, unsigned per_addr, double timeout);
/* The slots of limit kept for addresses that hold no connection. */
unsigned server_guard_reserve(unsigned limit);
void server_guard_free(struct server_guard *g);
/* Whether a new connection from sa may be accepted (1) or not (0). */
int server_guard_accept(
    struct server_guard *g, const struct sockaddr *sa, size_t len);
/*
 * Count an accepted connection on socket fd; its deadline starts now.
 * *over: it breaks a rule after all (another thread's connection came
 * first), and the caller must end it at once.
 */
struct guard_conn *server_guard_open(struct server_guard *g, int fd,
    const struct sockaddr *sa, size_t len, int *over);
/* Forget a connection (before its socket is closed); NULL is ignored. */
void server_guard_close(struct server_guard *g, struct guard_conn *c);
/* The slowest an answer may be taken: bytes per second. */
#define SERVER_GUARD_MIN_RATE (64.0 * 1024)
/* The request is whole and its answer being made: no deadline. */
void server_guard_answering(struct server_guard *g, struct guard_conn *c);
/* The answer (len bytes) is queued: it must be taken within the timeout
 * plus a second per SERVER_GUARD_MIN_RATE bytes. */
void server_guard_sending(
    struct server_guard *g, struct guard_conn *c, size_t len);
/* The answer is sent: the next request on the connection has timeout s. */
void server_guard_next_request(struct server_guard *g, struct guard_conn *c);
/*
 * Call cut(fd, arg) for every connection past its deadline at now (once
 * each, with the lock held, so fd is still that connection's); how many.
 */
size_t server_guard_sweep(struct server_guard *g, double now,
    void (*cut)(int fd, void *arg), void *arg);
/*
 * A line saying what the guard refused and cut since the last report (and
 * reset the counts); 1 when there is something to say, else 0.
 */
int server_guard_report(struct server_guard *g, char *buf, size_t size);

/* server.c */

/*
 * Serve s on the listening socket fd with nthreads threads, print announce
 * on stdout once it serves, and go on until a SIGINT or SIGTERM (blocked by
 * the caller, as SIGHUP) arrives; SIGHUP reloads the tokens through
 * reload.  Requests in flight finish.  Returns an exit status.
 */
int server_run(struct server *s, int fd, unsigned nthreads,
    int (*reload)(struct server *s), const char *announce);

#endif /* BENCH_SRC_SERVER_H */
