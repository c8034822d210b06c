/*
 * server.c: the results server's HTTP side, with libmicrohttpd.
 *
 * A pool of threads serves the connections (libmicrohttpd's internal
 * epoll loop, one per thread); each request is taken apart into a struct
 * srv_req and answered by server_dispatch().  Uploads are refused as early
 * as possible: a POST without a valid token, or whose Content-Length is
 * over the limit, is answered before its body is read.  A chunked body
 * that grows past the limit is dropped as it comes and answered 413 at its
 * end (libmicrohttpd cannot answer in the middle of a body); one that goes
 * on past four times the limit has its connection cut.
 *
 * The main thread does nothing but wait for signals (sigwait: the caller
 * blocked them before any thread existed, so every thread inherits the
 * mask).  SIGHUP reloads the tokens; SIGINT or SIGTERM stops accepting
 * connections, lets the requests in flight finish (30 s at most), stops
 * the threads and returns, after which the caller closes the database.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "server.h"

/* How long requests in flight may take to finish at shutdown. */
#define DRAIN_SECONDS 30.0
/* The most query parameters a request may have. */
#define MAX_ARGS 32

static atomic_long in_flight;

/* What we keep of a request between libmicrohttpd's calls. */
struct req_state {
	struct sbuf body;
	int too_large;
	size_t discarded; /* bytes dropped after the limit */
	double t0;
};

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct args {
	const char *kv[2 * MAX_ARGS + 1];
	size_t n;
	int too_many;
};

static enum MHD_Result
collect_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args *a = cls;

	(void)kind;
	if (a->n >= MAX_ARGS) {
		a->too_many = 1;
		return MHD_NO;
	}
	a->kv[2 * a->n] = key;
	a->kv[2 * a->n + 1] = value != NULL ? value : "";
	a->n++;
	a->kv[2 * a->n] = NULL;
	return MHD_YES;
}

static void
client_addr(struct MHD_Connection *conn, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, size, "?");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		    (socklen_t)size);
}

/* Answer the request with what dispatch made of it. */
static enum MHD_Result
respond(struct server *s, struct MHD_Connection *conn, const char *url,
    const char *method, struct req_state *st)
{
	struct srv_req q;
	struct srv_resp r;
	struct args a;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char addr[64];
	int html;

	memset(&q, 0, sizeof(q));
	memset(&a, 0, sizeof(a));
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
	q.method = method;
	q.path = url;
	q.args = a.kv;
	q.authorization =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	q.body = st->body.p != NULL ? st->body.p : "";
	q.len = st->body.len;
	q.too_large = st->too_large;
	if (a.too_many) {
		memset(&r, 0, sizeof(r));
		r.status = 400;
		r.type = "application/json";
		r.body = server_json_error("too many query parameters");
		r.len = strlen(r.body);
	} else
		server_dispatch(s, &q, &r);

	resp = MHD_create_response_from_buffer_with_free_callback(
	    r.len, r.body, free);
	if (resp == NULL) {
		server_resp_free(&r);
		return MHD_NO;
	}
	r.body = NULL; /* the response owns it now */
	html = strncmp(r.type, "text/html", 9) == 0;
	MHD_add_response_header(resp, "Content-Type", r.type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (html)
		MHD_add_response_header(resp, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'; "
		    "img-src 'self' data:; form-action 'self'; base-uri "
		    "'none'; "
		    "frame-ancestors 'none'");
	if (r.immutable)
		MHD_add_response_header(resp, "Cache-Control",
		    s->tokens.read_needs
		        ? "private, max-age=31536000, immutable"
		        : "public, max-age=31536000, immutable");
	else
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
	if (r.location != NULL)
		MHD_add_response_header(resp, "Location", r.location);
	if (r.allow != NULL)
		MHD_add_response_header(resp, "Allow", r.allow);
	if (r.www_auth != NULL)
		MHD_add_response_header(resp, "WWW-Authenticate", r.www_auth);
	if (r.status == 413)
		MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(conn, (unsigned)r.status, resp);
	MHD_destroy_response(resp);
	if (!s->quiet) {
		client_addr(conn, addr, sizeof(addr));
		server_log(s, "%s \"%s %.200s\" %d %zu %.1f ms", addr, method,
		    url, r.status, r.len, (mono_now() - st->t0) * 1e3);
	}
	server_resp_free(&r);
	return ret;
}

/* Whether a POST can be refused before its body is read. */
static int
refuse_early(struct server *s, struct MHD_Connection *conn, const char *url,
    struct req_state *st)
{
	struct srv_req q;
	struct srv_resp r;
	const char *cl;
	char *end;
	unsigned long long n;
	int refuse = 0;

	if (strcmp(url, "/api/v1/baselines") != 0)
		return 1; /* 404 or 405: no body needed */
	memset(&q, 0, sizeof(q));
	q.method = "POST";
	q.path = url;
	q.authorization =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	q.body = "";
	q.len = 1; /* not "empty": only the token is looked at */
	q.too_large = 1;
	/* With too_large set, dispatch stops at 401, 403 or 413. */
	server_dispatch(s, &q, &r);
	if (r.status == 401 || r.status == 403)
		refuse = 1;
	server_resp_free(&r);
	cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, "Content-Length");
	if (!refuse && cl != NULL) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || n > s->max_body) {
			st->too_large = 1;
			refuse = 1;
		}
	}
	return refuse;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct req_state *st = *con_cls;

	(void)version;
	if (st == NULL) {
		st = xcalloc(1, sizeof(*st));
		st->t0 = mono_now();
		*con_cls = st;
		atomic_fetch_add(&in_flight, 1);
		if (strcmp(method, "POST") != 0 ||
		    refuse_early(s, conn, url, st))
			return respond(s, conn, url, method, st);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!st->too_large &&
		    st->body.len + *upload_data_size > s->max_body) {
			st->too_large = 1;
			free(st->body.p);
			memset(&st->body, 0, sizeof(st->body));
		}
		if (!st->too_large)
			sbuf_add(&st->body, upload_data, *upload_data_size);
		else {
			/*
			 * libmicrohttpd cannot answer in the middle of a body:
			 * drop the rest and answer 413 at its end, unless it
			 * goes on much longer, when the connection is cut.
			 */
			st->discarded += *upload_data_size;
			if (st->discarded > s->max_body * 4 + ((size_t)1 << 20))
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return respond(s, conn, url, method, st);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (st == NULL)
		return;
	free(st->body.p);
	free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *s = cls;
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	pthread_mutex_lock(&s->log_lock);
	warnf("libmicrohttpd: %s", line);
	pthread_mutex_unlock(&s->log_lock);
}

int
server_run(struct server *s, int fd, unsigned nthreads,
    int (*reload)(struct server *s), const char *announce)
{
	struct MHD_Daemon *d;
	sigset_t set;
	double deadline;
	int sig = 0, lfd;

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	                         MHD_USE_ITC | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
	    on_mhd_log, s, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, nthreads, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024, MHD_OPTION_END);
	if (d == NULL) {
		errorf("cannot start the HTTP server (libmicrohttpd)");
		return BENCH_EXIT_USAGE;
	}
	printf("%s\n", announce);
	fflush(stdout);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (reload(s) == 0)
			notef("SIGHUP: reloaded the tokens");
	}
	notef("SIG%s: stopping; %ld request%s in flight", sigabbrev_np(sig),
	    atomic_load(&in_flight), atomic_load(&in_flight) == 1 ? "" : "s");
	/* No new connection; the requests in flight finish. */
	lfd = MHD_quiesce_daemon(d);
	if (lfd >= 0)
		close(lfd);
	deadline = mono_now() + DRAIN_SECONDS;
	while (atomic_load(&in_flight) > 0 && mono_now() < deadline) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	if (atomic_load(&in_flight) > 0)
		warnf("%ld request%s did not finish in %.0f s",
		    atomic_load(&in_flight),
		    atomic_load(&in_flight) == 1 ? "" : "s", DRAIN_SECONDS);
	MHD_stop_daemon(d);
	return BENCH_EXIT_OK;
}
