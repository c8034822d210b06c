/*
 * server-api.c: what the results server answers (src/server/server-api.md).
 *
 * server_dispatch() takes a request that libmicrohttpd (server.c) or the
 * fuzzer (tests/fuzz/server-fuzzer.c) has taken apart and fills a response:
 * routing, tokens, parameters, validation of uploads (with
 * report_baseline_parse, the one validator of baselines) and the queries.
 * Errors are JSON {"error": "..."} under /api and /healthz, and an HTML
 * page elsewhere; each names the problem.
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define LIST_DEFAULT    100
#define LIST_MAX        1000
#define HISTORY_DEFAULT 1000
#define HISTORY_MAX     100000
#define PAGE_DEFAULT    200
#define PAGE_MAX        10000
#define TREND_POINTS    30

/* ---------------------------------------------------------------- tokens */

static int
token_char_ok(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i] <= 0x20 || t[i] >= 0x7f)
			return 0;
	}
	return n > 0 && n <= SERVER_TOKEN_MAX;
}

char **
server_tokens_load(const char *path, struct bench_error *err)
{
	char *text, *line, *next, *end;
	char **v = NULL;
	size_t len, n = 0, lineno = 0;

	text = file_read(path, (size_t)1 << 20, &len);
	if (text == NULL) {
		bench_error_set(
		    err, BENCH_ERR_IO, "cannot read '%s': %m", path);
		return NULL;
	}
	v = xcalloc(1, sizeof(*v));
	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (!token_char_ok(line, strlen(line))) {
			bench_error_set(err, BENCH_ERR_INVALID,
			    "'%s', line %zu: a token must be printable ASCII "
			    "without spaces, at most %d characters",
			    path, lineno, SERVER_TOKEN_MAX);
			goto fail;
		}
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = xstrdup(line);
		v[n] = NULL;
	}
	if (n == 0) {
		bench_error_set(
		    err, BENCH_ERR_INVALID, "'%s' holds no token", path);
		goto fail;
	}
	explicit_bzero(text, len);
	free(text);
	return v;
fail:
	explicit_bzero(text, len);
	free(text);
	for (n = 0; v[n] != NULL; n++)
		explicit_bzero(v[n], strlen(v[n]));
	strv_free(v);
	return NULL;
}

int
server_token_match(char *const *allowed, const char *given)
{
	size_t glen = strlen(given), tlen, i, k;
	volatile unsigned char match = 0;
	unsigned char diff;

	if (allowed == NULL || glen == 0)
		return 0;
	/*
	 * Every token is compared over the whole length of the given one,
	 * with no early exit, so the time depends on that length alone.
	 */
	for (k = 0; allowed[k] != NULL; k++) {
		tlen = strlen(allowed[k]);
		diff = (unsigned char)(tlen != glen);
		for (i = 0; i < glen; i++)
			diff |= (unsigned char)(given[i] ^
			                        allowed[k][i % (tlen + 1)]);
		match |= (unsigned char)(diff == 0);
	}
	return match != 0;
}

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decode base64 into out (size bytes); the length, or -1. */
static long
base64_decode(const char *in, char *out, size_t size)
{
	unsigned v = 0;
	int bits = 0;
	size_t o = 0;
	const char *p;

	for (; *in != '\0' && *in != '='; in++) {
		p = strchr(base64_alphabet, *in);
		if (p == NULL || *in == '\0')
			return -1;
		v = (v << 6) | (unsigned)(p - base64_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= size)
				return -1;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return (long)o;
}

/*
 * The token of an Authorization header: "Bearer TOKEN", or "Basic" with
 * the token as the password (what a browser sends).  Copied into buf;
 * NULL when there is none.
 */
static const char *
header_token(const char *h, char *buf, size_t size)
{
	const char *colon;
	long n;

	if (h == NULL)
		return NULL;
	while (*h == ' ')
		h++;
	if (strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		n = (long)strcspn(h, " \t\r\n");
		if (n == 0 || (size_t)n >= size)
			return NULL;
		memcpy(buf, h, (size_t)n);
		buf[n] = '\0';
		return buf;
	}
	if (strncasecmp(h, "Basic ", 6) == 0) {
		h += 6;
		while (*h == ' ')
			h++;
		if (base64_decode(h, buf, size) < 0)
			return NULL;
		colon = strchr(buf, ':');
		if (colon != NULL)
			memmove(buf, colon + 1, strlen(colon + 1) + 1);
		return buf;
	}
	return NULL;
}

/* ------------------------------------------------------------- responses */

static int
is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 ||
	       strcmp(path, "/healthz") == 0;
}

static void
reply(struct srv_resp *r, int status, const char *type, char *body, size_t len)
{
	free(r->body);
	r->status = status;
	r->type = type;
	r->body = body;
	r->len = len;
}

static void
reply_json(struct srv_resp *r, int status, char *body)
{
	reply(r, status, "application/json", body, strlen(body));
}

static void reply_error(struct srv_resp *r, const struct srv_req *q, int status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An error in the form the path calls for: JSON or an HTML page. */
static void
reply_error(struct srv_resp *r, const struct srv_req *q, int status,
    const char *fmt, ...)
{
	char msg[512];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (is_api(q->path))
		reply_json(r, status, server_json_error(msg));
	else {
		char *page = server_html_error(status, msg, &len);

		reply(r, status, "text/html; charset=utf-8", page, len);
	}
}

void
server_resp_free(struct srv_resp *r)
{
	free(r->body);
	r->body = NULL;
	free(r->location);
	r->location = NULL;
}

void
server_log(struct server *s, const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	if (s->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&s->log_lock);
	notef("%s", line);
	pthread_mutex_unlock(&s->log_lock);
}

/*
 * Whether the request may read (write 0) or post (write 1); when not,
 * fills r with 401 or 403 and returns 0.
 */
static int
authorized(
    struct server *s, const struct srv_req *q, int write, struct srv_resp *r)
{
	char buf[SERVER_TOKEN_MAX + 2];
	const char *tok;
	int ok, needs, have;

	tok = header_token(q->authorization, buf, sizeof(buf));
	pthread_rwlock_rdlock(&s->lock);
	have = s->tokens.write != NULL;
	needs = write || s->tokens.read_needs;
	ok = !needs;
	if (!ok && tok != NULL) {
		/* Both lists, so the time does not tell which matched. */
		ok = server_token_match(s->tokens.write, tok);
		if (!write)
			ok |= server_token_match(s->tokens.read, tok);
	}
	pthread_rwlock_unlock(&s->lock);
	explicit_bzero(buf, sizeof(buf));
	if (ok)
		return 1;
	if (write && !have) {
		reply_error(r, q, 403,
		    "this server takes no uploads: it was started without "
		    "--token-file");
		return 0;
	}
	r->www_auth = is_api(q->path) ? "Bearer realm=\"bench-tests\""
	                              : "Basic realm=\"bench-tests\"";
	reply_error(r, q, 401,
	    q->authorization == NULL
	        ? "a token is needed: send 'Authorization: Bearer TOKEN'"
	        : "the token was not accepted");
	return 0;
}

/* -------------------------------------------------------------- requests */

static const char *
arg(const struct srv_req *q, const char *key)
{
	size_t i;

	for (i = 0; q->args != NULL && q->args[i] != NULL; i += 2) {
		if (strcmp(q->args[i], key) == 0)
			return q->args[i + 1] != NULL ? q->args[i + 1] : "";
	}
	return NULL;
}

/* 400 for a parameter that is not in known (NULL-terminated). */
static int
known_args(
    const struct srv_req *q, const char *const *known, struct srv_resp *r)
{
	size_t i, k;

	for (i = 0; q->args != NULL && q->args[i] != NULL; i += 2) {
		for (k = 0; known[k] != NULL; k++) {
			if (strcmp(q->args[i], known[k]) == 0)
				break;
		}
		if (known[k] == NULL) {
			reply_error(
			    r, q, 400, "unknown parameter '%.60s'", q->args[i]);
			return 0;
		}
	}
	return 1;
}

/* Fill f from label, host, benchmark, since, until, limit; 0 after a 400. */
static int
parse_filter(const struct srv_req *q, struct db_filter *f, size_t def_limit,
    size_t max_limit, struct srv_resp *r)
{
	static const char *const times[] = {"since", "until"};
	const char *v;
	char *end;
	unsigned long long n;
	double *dst;
	int i;

	memset(f, 0, sizeof(*f));
	f->since = f->until = NAN;
	f->limit = def_limit;
	f->label = arg(q, "label");
	f->host = arg(q, "host");
	f->benchmark = arg(q, "benchmark");
	for (i = 0; i < 2; i++) {
		v = arg(q, times[i]);
		dst = i == 0 ? &f->since : &f->until;
		if (v != NULL && *v != '\0' && report_parse_time(v, dst) != 0) {
			reply_error(r, q, 400,
			    "%s: '%.40s' is not an ISO 8601 time such as "
			    "2026-11-22 or 2026-11-22T20:00:00Z",
			    times[i], v);
			return 0;
		}
	}
	v = arg(q, "limit");
	if (v != NULL && *v != '\0') {
		n = strtoull(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end != '\0' || n < 1 ||
		    n > max_limit) {
			reply_error(r, q, 400,
			    "limit: must be a whole number from 1 to %zu",
			    max_limit);
			return 0;
		}
		f->limit = (size_t)n;
	}
	/* An empty value is no filter (what an empty form field sends). */
	if (f->label != NULL && *f->label == '\0')
		f->label = NULL;
	if (f->host != NULL && *f->host == '\0')
		f->host = NULL;
	if (f->benchmark != NULL && *f->benchmark == '\0')
		f->benchmark = NULL;
	return 1;
}

static void
db_failed(struct server *s, const struct srv_req *q, struct srv_resp *r,
    const struct bench_error *err)
{
	server_log(s, "error: %s %s: %s", q->method, q->path, err->text);
	reply_error(r, q, 500, "%s", err->text);
}

static void
store_baseline(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	struct bench_error err;
	struct baseline *b;
	double t;
	int created, rc;

	if (q->too_large) {
		reply_error(r, q, 413,
		    "the body is larger than this server's limit of %zu bytes "
		    "(serve --max-body)",
		    s->max_body);
		return;
	}
	if (q->len == 0) {
		reply_error(r, q, 400,
		    "the body is empty: send a baseline JSON document");
		return;
	}
	b = report_baseline_parse(q->body, q->len, &err);
	if (b == NULL) {
		if (err.code == BENCH_ERR_VERSION)
			reply_error(
			    r, q, 400, "%s (this server is too old)", err.text);
		else if (report_json_valid(q->body, q->len))
			reply_error(
			    r, q, 400, "not a valid baseline: %s", err.text);
		else
			reply_error(r, q, 400, "not JSON: %s", err.text);
		return;
	}
	if (report_identity_check(b->id, b->created, &t, &err) != 0) {
		reply_error(r, q, 400, "not a valid baseline: %s", err.text);
		report_baseline_free(b);
		return;
	}
	rc = server_db_insert(s->db, b, t, q->body, q->len, &created, &err);
	if (rc == BENCH_ERR_INVALID)
		reply_error(r, q, 409, "%s", err.text);
	else if (rc != 0)
		db_failed(s, q, r, &err);
	else {
		reply_json(r, created ? 201 : 200,
		    server_json_created(b->id, created));
		xasprintf(&r->location, "/api/v1/baselines/%s", b->id);
	}
	report_baseline_free(b);
}

/* A valid id, so that nothing else is looked up. */
static int
id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= 128 && id[0] != '.' &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                  "0123456789-_.") == n;
}

static void
get_baseline(struct server *s, const struct srv_req *q, struct srv_resp *r,
    const char *id)
{
	struct bench_error err;
	char *body;
	size_t len;
	int rc;

	if (!known_args(q, (const char *const[]){NULL}, r))
		return;
	if (!id_ok(id)) {
		reply_error(r, q, 404, "no baseline with that id");
		return;
	}
	rc = server_db_body(s->db, id, &body, &len, &err);
	if (rc == 1)
		reply_error(r, q, 404, "no baseline with id %s", id);
	else if (rc != 0)
		db_failed(s, q, r, &err);
	else {
		reply(r, 200, "application/json", body, len);
		r->immutable = 1;
	}
}

static void
delete_baseline(struct server *s, const struct srv_req *q, struct srv_resp *r,
    const char *id)
{
	struct bench_error err;
	int rc;

	if (!known_args(q, (const char *const[]){NULL}, r))
		return;
	if (!id_ok(id) || strcmp(id, "latest") == 0) {
		reply_error(r, q, 404, "no baseline with that id");
		return;
	}
	rc = server_db_delete(s->db, id, &err);
	if (rc == 1)
		reply_error(r, q, 404, "no baseline with id %s", id);
	else if (rc != 0)
		db_failed(s, q, r, &err);
	else {
		server_log(s, "deleted baseline %s", id);
		reply_json(r, 200, server_json_deleted(id));
	}
}

static const char *const filter_args[] = {
    "benchmark", "label", "host", "since", "until", "limit", NULL};

static void
latest_baseline(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	struct bench_error err;
	struct server_stored *rows;
	struct db_filter f;
	size_t n;
	char *body;
	size_t len;
	int rc;

	if (!known_args(q, filter_args, r) || !parse_filter(q, &f, 1, 1, r))
		return;
	if (server_db_list(s->db, &f, &rows, &n, &err) != 0) {
		db_failed(s, q, r, &err);
		return;
	}
	if (n == 0) {
		reply_error(r, q, 404, "no baseline matches");
		return;
	}
	rc = server_db_body(s->db, rows[0].id, &body, &len, &err);
	if (rc == 0) {
		reply(r, 200, "application/json", body, len);
		xasprintf(&r->location, "/api/v1/baselines/%s", rows[0].id);
	} else if (rc == 1)
		reply_error(r, q, 404, "no baseline matches");
	else
		db_failed(s, q, r, &err);
	server_rows_free(rows, n);
}

static void
list_baselines(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	struct bench_error err;
	struct server_stored *rows;
	struct db_filter f;
	size_t n;

	if (!known_args(q, filter_args, r) ||
	    !parse_filter(q, &f, LIST_DEFAULT, LIST_MAX, r))
		return;
	if (server_db_list(s->db, &f, &rows, &n, &err) != 0) {
		db_failed(s, q, r, &err);
		return;
	}
	reply_json(r, 200, server_json_list(rows, n));
	server_rows_free(rows, n);
}

static void
list_benchmarks(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	struct bench_error err;
	struct server_benchmark *rows;
	size_t n;

	if (!known_args(q, (const char *const[]){NULL}, r))
		return;
	if (server_db_benchmarks(s->db, &rows, &n, &err) != 0) {
		db_failed(s, q, r, &err);
		return;
	}
	reply_json(r, 200, server_json_benchmarks(rows, n));
	server_benchmarks_free(rows, n);
}

/*
 * The runs of point p on metric m: its own array, or for cpu the sum of
 * user and system in *sum (which the caller frees).  NULL when missing.
 */
static const double *
point_runs(const struct server_point *p, enum cmp_measure m, double **sum)
{
	size_t i;

	*sum = NULL;
	switch (m) {
	case CMP_M_WALL:
		return p->wall;
	case CMP_M_USER:
		return p->user;
	case CMP_M_SYS:
		return p->sys;
	case CMP_M_CPU:
		if (p->user == NULL || p->sys == NULL)
			return NULL;
		*sum = xcalloc(p->n + 1, sizeof(**sum));
		for (i = 0; i < p->n; i++)
			(*sum)[i] = p->user[i] + p->sys[i];
		return *sum;
	case CMP_M_COUNT:
		break;
	}
	return NULL;
}

void
server_mark_changes(
    const struct cmp_opts *o, struct server_point *pts, size_t n)
{
	struct cmp_metric cm;
	struct server_change *c;
	const double *x, *y;
	double *sx, *sy, sd;
	size_t i;

	for (i = 0; i < n; i++) {
		c = &pts[i].change;
		memset(c, 0, sizeof(*c));
		c->metric = o->metric;
		c->verdict = CMP_UNKNOWN;
		c->ratio = c->ci_low = c->ci_high = c->detectable = NAN;
		c->p_welch = c->p_mwu = c->stddev_rule = NAN;
		if (i == 0)
			continue;
		x = point_runs(&pts[i - 1], o->metric, &sx);
		y = point_runs(&pts[i], o->metric, &sy);
		report_compare_samples(x, pts[i - 1].n, y, pts[i].n, o, &cm);
		free(sx);
		free(sy);
		c->verdict = cm.dec.verdict;
		if (!cm.ev.computed)
			continue;
		sd = cm.noise / 2;
		c->computed = 1;
		c->significant = cm.dec.verdict == CMP_FASTER ||
		                 cm.dec.verdict == CMP_SLOWER;
		c->ratio = cm.ev.ratio.ratio;
		if (cm.ev.ratio.bounded) {
			c->ci_low = cm.ev.ratio.ci_low;
			c->ci_high = cm.ev.ratio.ci_high;
		}
		c->detectable = cm.dec.detectable;
		c->p_welch = cm.welch.p;
		c->p_mwu = cm.mwu.p;
		c->stddev_rule =
		    sd > 0 ? fabs(cm.diff) / sd : (cm.diff != 0 ? INFINITY : 0);
	}
}

static void
history(struct server *s, const struct srv_req *q, struct srv_resp *r,
    const char *name)
{
	static const char *const known[] = {
	    "label", "host", "since", "until", "limit", NULL};
	struct bench_error err;
	struct server_point *pts;
	struct db_filter f;
	size_t n;

	if (!known_args(q, known, r) ||
	    !parse_filter(q, &f, HISTORY_DEFAULT, HISTORY_MAX, r))
		return;
	f.benchmark = name;
	if (server_db_history(s->db, &f, 1, &pts, &n, &err) != 0) {
		db_failed(s, q, r, &err);
		return;
	}
	if (n == 0 && arg(q, "label") == NULL && arg(q, "host") == NULL &&
	    arg(q, "since") == NULL && arg(q, "until") == NULL) {
		reply_error(r, q, 404, "no benchmark named '%.200s'", name);
		server_points_free(pts, n);
		return;
	}
	server_mark_changes(&s->cmp, pts, n);
	reply_json(r, 200, server_json_history(name, pts, n));
	server_points_free(pts, n);
}

static void
health(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	long long n = server_db_count(s->db);

	if (n < 0)
		reply_error(r, q, 503, "the database cannot be read");
	else
		reply_json(r, 200, server_json_health(PACKAGE_VERSION, n));
}

static void
page_index(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	struct bench_error err;
	struct server_benchmark *rows;
	struct server_point **trends;
	struct db_filter f;
	size_t n, i, *nt, len;
	char *page;

	if (!known_args(q, (const char *const[]){NULL}, r))
		return;
	if (server_db_benchmarks(s->db, &rows, &n, &err) != 0) {
		db_failed(s, q, r, &err);
		return;
	}
	trends = xcalloc(n + 1, sizeof(*trends));
	nt = xcalloc(n + 1, sizeof(*nt));
	memset(&f, 0, sizeof(f));
	f.since = f.until = NAN;
	f.limit = TREND_POINTS;
	for (i = 0; i < n; i++) {
		f.benchmark = rows[i].name;
		if (server_db_history(s->db, &f, 1, &trends[i], &nt[i], &err) !=
		    0)
			break;
		server_mark_changes(&s->cmp, trends[i], nt[i]);
	}
	if (i < n)
		db_failed(s, q, r, &err);
	else {
		page = server_html_index(&s->cmp, rows, n, trends, nt, &len);
		reply(r, 200, "text/html; charset=utf-8", page, len);
	}
	for (i = 0; i < n; i++)
		server_points_free(trends[i], nt[i]);
	free(trends);
	free(nt);
	server_benchmarks_free(rows, n);
}

static void
page_benchmark(struct server *s, const struct srv_req *q, struct srv_resp *r,
    const char *name)
{
	static const char *const known[] = {
	    "label", "host", "since", "until", "limit", NULL};
	struct bench_error err;
	struct server_point *pts;
	struct db_filter f;
	char **hosts = NULL, **labels = NULL, *page;
	size_t n, len;

	if (!known_args(q, known, r) ||
	    !parse_filter(q, &f, PAGE_DEFAULT, PAGE_MAX, r))
		return;
	f.benchmark = name;
	if (server_db_facets(s->db, name, &hosts, &labels, &err) != 0 ||
	    server_db_history(s->db, &f, 1, &pts, &n, &err) != 0) {
		strv_free(hosts);
		strv_free(labels);
		db_failed(s, q, r, &err);
		return;
	}
	if (n == 0 && hosts[0] == NULL && labels[0] == NULL &&
	    f.label == NULL && f.host == NULL && isnan(f.since) &&
	    isnan(f.until))
		reply_error(r, q, 404, "no benchmark named '%.200s'", name);
	else {
		server_mark_changes(&s->cmp, pts, n);
		page = server_html_benchmark(
		    &s->cmp, name, &f, pts, n, hosts, labels, &len);
		reply(r, 200, "text/html; charset=utf-8", page, len);
	}
	server_points_free(pts, n);
	strv_free(hosts);
	strv_free(labels);
}

/* 405 with the methods the path takes. */
static void
bad_method(const struct srv_req *q, struct srv_resp *r, const char *allow)
{
	r->allow = allow;
	reply_error(
	    r, q, 405, "%s is not allowed here (only %s)", q->method, allow);
}

void
server_dispatch(struct server *s, const struct srv_req *q, struct srv_resp *r)
{
	const char *p = q->path, *rest, *name_end;
	int get =
	    strcmp(q->method, "GET") == 0 || strcmp(q->method, "HEAD") == 0;
	char *name;

	memset(r, 0, sizeof(*r));
	if (strcmp(p, "/api/v1/baselines") == 0) {
		if (strcmp(q->method, "POST") == 0) {
			if (authorized(s, q, 1, r))
				store_baseline(s, q, r);
		} else if (!get)
			bad_method(q, r, "GET, HEAD, POST");
		else if (authorized(s, q, 0, r))
			list_baselines(s, q, r);
		return;
	}
	if (strcmp(p, "/healthz") == 0) {
		if (!get)
			bad_method(q, r, "GET, HEAD");
		else
			health(s, q, r);
		return;
	}
	if (strcmp(q->method, "DELETE") == 0 &&
	    strncmp(p, "/api/v1/baselines/", 18) == 0) {
		if (authorized(s, q, 1, r))
			delete_baseline(s, q, r, p + 18);
		return;
	}
	if (!get) {
		if (strncmp(p, "/api/v1/baselines/", 18) == 0)
			bad_method(q, r,
			    strcmp(p + 18, "latest") == 0
			        ? "GET, HEAD"
			        : "GET, HEAD, DELETE");
		else if (strcmp(p, "/api/v1/benchmarks") == 0 ||
		         strncmp(p, "/api/v1/benchmarks/", 19) == 0 ||
		         strcmp(p, "/") == 0 ||
		         strncmp(p, "/benchmarks/", 12) == 0)
			bad_method(q, r, "GET, HEAD");
		else
			reply_error(r, q, 404, "nothing at %.200s", p);
		return;
	}
	if (!authorized(s, q, 0, r))
		return;
	if (strcmp(p, "/api/v1/baselines/latest") == 0)
		latest_baseline(s, q, r);
	else if (strncmp(p, "/api/v1/baselines/", 18) == 0)
		get_baseline(s, q, r, p + 18);
	else if (strcmp(p, "/api/v1/benchmarks") == 0)
		list_benchmarks(s, q, r);
	else if (strncmp(p, "/api/v1/benchmarks/", 19) == 0) {
		rest = p + 19;
		name_end = strlen(rest) >= 8 ? rest + strlen(rest) - 8 : NULL;
		if (name_end == NULL || name_end == rest ||
		    strcmp(name_end, "/history") != 0) {
			reply_error(r, q, 404,
			    "nothing at %.200s (a benchmark's history is "
			    "/api/v1/benchmarks/NAME/history)",
			    p);
			return;
		}
		name = xstrndup(rest, (size_t)(name_end - rest));
		history(s, q, r, name);
		free(name);
	} else if (strcmp(p, "/") == 0)
		page_index(s, q, r);
	else if (strncmp(p, "/benchmarks/", 12) == 0 && p[12] != '\0')
		page_benchmark(s, q, r, p + 12);
	else
		reply_error(r, q, 404, "nothing at %.200s", p);
}
