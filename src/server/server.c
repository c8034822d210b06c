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
 * Slow or greedy clients meet the guard (server-guard.c): a cap per
 * address, a reserve of slots for addresses that hold none, and a total
 * deadline for a request's headers and body.  libmicrohttpd's accept
 * policy and connection notifications feed it; the main thread enforces
 * the deadlines.
 *
 * libmicrohttpd's own messages (one per refused or broken connection,
 * which a client can provoke at will) go through our log, at most
 * MHD_LOG_BURST per MHD_LOG_WINDOW seconds with a count of the rest, and
 * not at all with -q once the server runs.
 *
 * The main thread waits for signals (sigtimedwait: the caller blocked them
 * before any thread existed, so every thread inherits the mask) and, four
 * times a second, shuts down the sockets of requests past their deadline
 * and says what the guard refused (every GUARD_REPORT_SECONDS).  SIGHUP
 * reloads the tokens; SIGINT or SIGTERM stops accepting connections, lets
 * the requests in flight finish (30 s at most), stops the threads and
 * returns, after which the caller closes the database.
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
/* How often the main thread enforces the deadlines (seconds). */
#define SWEEP_SECONDS 0.25
/* How often the guard says what it refused and cut. */
#define GUARD_REPORT_SECONDS 10.0
/* libmicrohttpd's messages: at most MHD_LOG_BURST per window. */
#define MHD_LOG_WINDOW 10.0
#define MHD_LOG_BURST  5

static atomic_long in_flight;

/* What libmicrohttpd's callbacks get. */
struct httpd {
	struct server *s;
	struct server_guard guard;
	int serving;        /* MHD_start_daemon has returned */
	double log_window;  /* start of the messages' window */
	unsigned log_shown; /* messages shown in it */
	unsigned long log_dropped;
};

/* What we keep of a request between libmicrohttpd's calls. */
struct req_state {
	struct sbuf body;
	int too_large;
	size_t discarded; /* bytes dropped after the limit */
	double t0;
};

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

/* The guard's record of a connection (NULL when it has none). */
static struct guard_conn *
guard_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* Answer the request with what dispatch made of it. */
static enum MHD_Result
respond(struct httpd *h, struct MHD_Connection *conn, const char *url,
    const char *method, struct req_state *st)
{
	struct server *s = h->s;
	struct srv_req q;
	struct srv_resp r;
	struct args a;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char addr[64];
	int html;

	/* Whole: no deadline while the answer is made. */
	server_guard_answering(&h->guard, guard_of(conn));
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
	/* The answer must be taken in time too (a slow reader). */
	server_guard_sending(&h->guard, guard_of(conn), r.len);
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
	struct httpd *h = cls;
	struct server *s = h->s;
	struct req_state *st = *con_cls;

	(void)version;
	if (st == NULL) {
		st = xcalloc(1, sizeof(*st));
		st->t0 = mono_now();
		*con_cls = st;
		atomic_fetch_add(&in_flight, 1);
		if (strcmp(method, "POST") != 0 ||
		    refuse_early(s, conn, url, st))
			return respond(h, conn, url, method, st);
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
	return respond(h, conn, url, method, st);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	struct req_state *st = *con_cls;

	(void)toe;
	/* A kept-alive connection: the next request's deadline starts. */
	server_guard_next_request(&h->guard, guard_of(conn));
	if (st == NULL)
		return;
	free(st->body.p);
	free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

/* libmicrohttpd's accept policy: the guard's per-address and reserve. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct httpd *h = cls;

	return server_guard_accept(&h->guard, addr, len) ? MHD_YES : MHD_NO;
}

/* End a connection (past its deadline, over a limit): libmicrohttpd then
 * reads EOF and closes it. */
static void
cut_socket(int fd, void *arg)
{
	(void)arg;
	(void)shutdown(fd, SHUT_RDWR);
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *fd, *addr;
	const struct sockaddr *sa = NULL;
	size_t len = 0;
	int over;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		/* libmicrohttpd closes the socket after this returns. */
		server_guard_close(&h->guard, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	addr =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (fd == NULL)
		return; /* cannot happen: every connection has a socket */
	if (addr != NULL && addr->client_addr != NULL) {
		sa = addr->client_addr;
		len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
		                                : sizeof(struct sockaddr_in);
	}
	*socket_context =
	    server_guard_open(&h->guard, fd->connect_fd, sa, len, &over);
	if (over)
		cut_socket(fd->connect_fd, NULL);
}

/* Say how many of libmicrohttpd's messages were not shown; log_lock held. */
static void
mhd_log_flush(struct httpd *h, double now)
{
	if (h->log_dropped > 0)
		warnf("libmicrohttpd: %lu more message%s in the last %.0f s "
		      "not shown",
		    h->log_dropped, h->log_dropped == 1 ? "" : "s",
		    now - h->log_window);
	h->log_window = now;
	h->log_shown = 0;
	h->log_dropped = 0;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct httpd *h = cls;
	struct server *s = h->s;
	char line[512];
	size_t n;
	double now;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	pthread_mutex_lock(&s->log_lock);
	if (!h->serving)
		/* Starting: these explain a failure to start. */
		warnf("libmicrohttpd: %s", line);
	else if (!s->quiet) {
		now = mono_now();
		if (now - h->log_window >= MHD_LOG_WINDOW)
			mhd_log_flush(h, now);
		if (h->log_shown < MHD_LOG_BURST) {
			h->log_shown++;
			warnf("libmicrohttpd: %s", line);
		} else
			h->log_dropped++;
	}
	pthread_mutex_unlock(&s->log_lock);
}

/*
 * What the main thread does between signals; final: the last time, when
 * everything not yet said is said.
 */
static void
tick(struct httpd *h, double *next_report, int final)
{
	struct server *s = h->s;
	char line[512];
	double now = mono_now();

	server_guard_sweep(&h->guard, now, cut_socket, NULL);
	pthread_mutex_lock(&s->log_lock);
	if (h->log_dropped > 0 &&
	    (final || now - h->log_window >= MHD_LOG_WINDOW))
		mhd_log_flush(h, now);
	pthread_mutex_unlock(&s->log_lock);
	if (final || now >= *next_report) {
		*next_report = now + GUARD_REPORT_SECONDS;
		if (server_guard_report(&h->guard, line, sizeof(line)))
			server_log(s, "%s", line);
	}
}

int
server_run(struct server *s, int fd, unsigned nthreads,
    int (*reload)(struct server *s), const char *announce)
{
	struct httpd h;
	struct MHD_Daemon *d;
	sigset_t set;
	const struct timespec sweep = {0, (long)(SWEEP_SECONDS * 1e9)};
	double deadline, next_report;
	int sig = 0, lfd;

	memset(&h, 0, sizeof(h));
	h.s = s;
	server_guard_init(
	    &h.guard, s->max_conns, s->max_per_addr, s->request_timeout);
	/*
	 * poll(), not epoll (MHD_USE_AUTO's choice): libmicrohttpd 0.9.75's
	 * MHD_quiesce_daemon with a thread pool on epoll now and then aborts
	 * the process ("Failed to remove listen FD from epoll set").
	 */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	                         MHD_USE_ITC | MHD_USE_ERROR_LOG,
	    0, on_accept, &h, on_request, &h, MHD_OPTION_EXTERNAL_LOGGER,
	    on_mhd_log, &h, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, nthreads, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, &h, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &h,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, s->max_conns, MHD_OPTION_END);
	if (d == NULL) {
		errorf("cannot start the HTTP server (libmicrohttpd)");
		server_guard_free(&h.guard);
		return BENCH_EXIT_USAGE;
	}
	pthread_mutex_lock(&s->log_lock);
	h.serving = 1;
	h.log_window = mono_now();
	pthread_mutex_unlock(&s->log_lock);
	printf("%s\n", announce);
	fflush(stdout);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	next_report = mono_now() + GUARD_REPORT_SECONDS;
	for (;;) {
		sig = sigtimedwait(&set, NULL, &sweep);
		if (sig < 0) {
			tick(&h, &next_report, 0);
			continue;
		}
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
		/* A request that trickles in is still cut at its deadline. */
		tick(&h, &next_report, 0);
	}
	if (atomic_load(&in_flight) > 0)
		warnf("%ld request%s did not finish in %.0f s",
		    atomic_load(&in_flight),
		    atomic_load(&in_flight) == 1 ? "" : "s", DRAIN_SECONDS);
	MHD_stop_daemon(d);
	tick(&h, &next_report, 1);
	server_guard_free(&h.guard);
	return BENCH_EXIT_OK;
}
