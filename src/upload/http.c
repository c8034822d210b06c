/*
 * http.c: the client side of the results server, with libcurl.
 *
 * One easy handle per client, so a flush of many spooled baselines reuses
 * one connection.  TLS certificates are verified (libcurl's default, never
 * turned off; --cacert names a CA bundle for a private CA).  Redirects are
 * not followed: a POST would lose its body, and a token must not travel to
 * a host the user did not name.  Network errors, 5xx, 408 and 429 are
 * retried with exponential backoff and jitter (Retry-After honoured);
 * other statuses are final.  The token goes only into the Authorization
 * header: never into a message, a URL or a log.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bench.h"

/* A reply larger than this is not a baseline we could use. */
#define REPLY_MAX ((size_t)256 << 20)
/* The longest wait between two attempts, in seconds. */
#define BACKOFF_MAX 30.0
/* The longest token we accept (a header line must stay reasonable). */
#define TOKEN_MAX 4096

void
http_opts_init(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout = 10;
	o->timeout = 60;
	o->retries = 4;
	o->retry_delay = 1;
}

/* libcurl's global state, set up once (we are single-threaded here). */
static void
global_init(void)
{
	static int done;

	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			fatalx(BENCH_EXIT_USAGE, "cannot initialise libcurl");
		done = 1;
	}
}

/* The URL without "user:password@", for messages. */
static char *
display_url(const char *url)
{
	const char *p = strstr(url, "://"), *at, *end;
	char *d = NULL;

	if (p == NULL)
		return xstrdup(url);
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at == NULL)
		return xstrdup(url);
	xasprintf(&d, "%.*s%s", (int)(p - url), url, at + 1);
	return d;
}

/* A token must be a valid header value: printable ASCII, no spaces. */
static int
token_ok(const char *t)
{
	size_t i;

	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] <= 0x20 || t[i] >= 0x7f)
			return 0;
	}
	return i > 0 && i <= TOKEN_MAX;
}

/* The first line of a token file that is neither blank nor a comment. */
static int
read_token_file(const char *path, char **token, struct bench_error *err)
{
	char *text, *line, *save = NULL, *end;
	size_t len;

	text = file_read(path, 65536, &len);
	if (text == NULL)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "cannot read the token file '%s': %s", path,
		    strerror(errno));
	for (line = strtok_r(text, "\r\n", &save); line != NULL;
	     line = strtok_r(NULL, "\r\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (!token_ok(line)) {
			free(text);
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "the token in '%s' is not usable: it must be "
			    "printable ASCII without spaces, at most %d "
			    "characters",
			    path, TOKEN_MAX);
		}
		*token = xstrdup(line);
		explicit_bzero(text, len);
		free(text);
		return 0;
	}
	free(text);
	return bench_error_set(
	    err, BENCH_ERR_INVALID, "the token file '%s' holds no token", path);
}

int
http_client_init(
    struct http_client *c, const struct http_opts *o, struct bench_error *err)
{
	const char *url = o->server, *env;
	size_t n;
	int rc;

	memset(c, 0, sizeof(*c));
	c->o = *o;
	if (url == NULL || *url == '\0')
		url = getenv("BENCH_TESTS_SERVER");
	if (url == NULL || *url == '\0')
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "no server: give --server URL or set "
		    "BENCH_TESTS_SERVER");
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "the server URL must start with http:// or https:// "
		    "(got '%.60s')",
		    url);
	if (strpbrk(url, " \t\r\n?#") != NULL)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "the server URL must be a base URL without spaces, query "
		    "or fragment");
	c->base = xstrdup(url);
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	c->display = display_url(c->base);

	if (o->token_file != NULL) {
		rc = read_token_file(o->token_file, &c->token, err);
		if (rc != 0) {
			http_client_free(c);
			return rc;
		}
	} else {
		env = getenv("BENCH_TESTS_TOKEN");
		if (env != NULL && *env != '\0') {
			if (!token_ok(env)) {
				http_client_free(c);
				return bench_error_set(err, BENCH_ERR_INVALID,
				    "BENCH_TESTS_TOKEN is not usable: it must "
				    "be printable ASCII without spaces");
			}
			c->token = xstrdup(env);
		}
	}
	if (c->token != NULL)
		xasprintf(&c->auth, "Authorization: Bearer %s", c->token);

	global_init();
	c->curl = curl_easy_init();
	if (c->curl == NULL) {
		http_client_free(c);
		return bench_error_set(
		    err, BENCH_ERR_NOMEM, "cannot create a libcurl handle");
	}
	return 0;
}

/* Overwrite a secret before freeing it. */
static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
http_client_free(struct http_client *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	free(c->base);
	c->base = NULL;
	free(c->display);
	c->display = NULL;
	free_secret(c->token);
	c->token = NULL;
	free_secret(c->auth);
	c->auth = NULL;
}

struct sink {
	char *buf;
	size_t len, cap;
	int too_big;
	double retry_after;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;

	if (s->len + n > REPLY_MAX) {
		s->too_big = 1;
		return 0;
	}
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char line[128], *end;
	double v;

	if (n > 12 && n < sizeof(line) &&
	    strncasecmp(data, "Retry-After:", 12) == 0) {
		memcpy(line, data + 12, n - 12);
		line[n - 12] = '\0';
		v = strtod(line, &end);
		if (end != line && isfinite(v) && v > 0)
			s->retry_after = v < 600 ? v : 600;
	}
	return n;
}

/* The reason phrase of the statuses a server of ours sends. */
static const char *
reason(long status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "";
	}
}

/* Whether the caller wants the retries to stop (a signal, say). */
static int
interrupted(const struct http_opts *o)
{
	return o->interrupted != NULL && o->interrupted() != 0;
}

/* Sleep for s seconds; 0, or -1 when the caller was interrupted. */
static int
backoff_sleep(const struct http_opts *o, double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0) {
		if (errno != EINTR || interrupted(o))
			return -1;
	}
	return interrupted(o) ? -1 : 0;
}

/* A network error that another attempt cannot cure. */
static int
permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_TOO_MANY_REDIRECTS:
		return 1;
	default:
		return 0;
	}
}

/* The server's message in a reply, or its status phrase. */
static void
reply_message(const struct http_reply *r, char *buf, size_t size)
{
	if (r->body != NULL &&
	    report_json_error_text(r->body, r->len, buf, size) == 0)
		return;
	snprintf(buf, size, "no message");
}

/* One attempt; a CURLcode, the reply in r. */
static CURLcode
attempt(struct http_client *c, const char *method, const char *url,
    const char *body, size_t len, struct http_reply *r, char *errbuf)
{
	struct curl_slist *hdrs = NULL;
	struct sink sink;
	CURL *h = c->curl;
	CURLcode rc;

	memset(&sink, 0, sizeof(sink));
	curl_easy_reset(h);
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(
	    h, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->o.cacert != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->o.cacert);
	curl_easy_setopt(
	    h, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->o.connect_timeout * 1000));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(c->o.timeout * 1000));
	curl_easy_setopt(h, CURLOPT_USERAGENT, "bench-tests/" PACKAGE_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (c->auth != NULL)
		hdrs = curl_slist_append(hdrs, c->auth);
	if (strcmp(method, "POST") == 0) {
		hdrs =
		    curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (sink.too_big)
		snprintf(errbuf, CURL_ERROR_SIZE,
		    "the reply is larger than %zu MiB", REPLY_MAX >> 20);
	free(r->body);
	r->body = sink.buf != NULL ? sink.buf : xstrdup("");
	r->len = sink.len;
	r->retry_after = sink.retry_after;
	return rc;
}

/*
 * One request (method GET or POST, path below the base URL, with body for
 * POST), retried with exponential backoff on network errors, 5xx, 408 and
 * 429.  Returns 0 with r filled when the server gave a final answer (any
 * status; the caller frees r->body), or BENCH_ERR_IO when it gave none
 * after every attempt (err says why; r->status is the last 5xx, or 0).
 */
static int
http_request(struct http_client *c, const char *method, const char *path,
    const char *body, size_t len, struct http_reply *r, struct bench_error *err)
{
	char errbuf[CURL_ERROR_SIZE], msg[160];
	char *url = NULL;
	unsigned i, seed;
	double delay = c->o.retry_delay, wait;
	CURLcode rc = CURLE_OK;
	int ret = BENCH_ERR_IO;

	memset(r, 0, sizeof(*r));
	xasprintf(&url, "%s%s", c->base, path);
	seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	for (i = 0;; i++) {
		r->status = 0;
		rc = attempt(c, method, url, body, len, r, errbuf);
		if (rc == CURLE_OK && r->status != 408 && r->status != 429 &&
		    r->status < 500) {
			ret = 0;
			break;
		}
		if (rc != CURLE_OK && permanent(rc))
			break;
		if (i >= c->o.retries)
			break;
		/* Exponential backoff with +-25 % jitter, capped. */
		wait = delay * (0.75 + 0.5 * (double)rand_r(&seed) / RAND_MAX);
		if (r->retry_after > wait)
			wait = r->retry_after;
		if (wait > BACKOFF_MAX)
			wait = BACKOFF_MAX;
		if (backoff_sleep(&c->o, wait) != 0)
			break;
		delay = delay * 2 < BACKOFF_MAX ? delay * 2 : BACKOFF_MAX;
	}
	if (ret != 0) {
		if (rc != CURLE_OK)
			bench_error_set(err, BENCH_ERR_IO, "%s: %s%s",
			    c->display,
			    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc),
			    i > 0 ? " (after retries)" : "");
		else {
			reply_message(r, msg, sizeof(msg));
			bench_error_set(err, BENCH_ERR_IO, "%s: %ld %s: %s%s",
			    c->display, r->status, reason(r->status), msg,
			    i > 0 ? " (after retries)" : "");
		}
	}
	free(url);
	return ret;
}

/* Fill err for a final answer that is not the one we wanted. */
static int
refused(
    struct http_client *c, const struct http_reply *r, struct bench_error *err)
{
	char msg[160];

	if (r->status >= 300 && r->status < 400)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "%s answered %ld (a redirect): give the server's final "
		    "URL",
		    c->display, r->status);
	reply_message(r, msg, sizeof(msg));
	if (r->status == 401 || r->status == 403)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "%s: %ld %s: %s (check BENCH_TESTS_TOKEN or "
		    "--token-file)",
		    c->display, r->status, reason(r->status), msg);
	return bench_error_set(err, BENCH_ERR_INVALID, "%s: %ld %s: %s",
	    c->display, r->status, reason(r->status), msg);
}

int
http_post_baseline(struct http_client *c, const char *text, size_t len,
    int *created, long *status, struct bench_error *err)
{
	struct http_reply r;
	int rc;

	*created = 0;
	rc = http_request(c, "POST", "/api/v1/baselines", text, len, &r, err);
	*status = r.status;
	if (rc == 0) {
		if (r.status >= 200 && r.status < 300)
			*created = r.status != 200;
		else
			rc = refused(c, &r, err);
	}
	free(r.body);
	return rc;
}

int
http_fetch_latest(struct http_client *c, const char *label,
    const char *benchmark, char **text, size_t *len, struct bench_error *err)
{
	struct http_reply r;
	struct sbuf q = {NULL, 0, 0};
	char *path;
	int rc;

	*text = NULL;
	*len = 0;
	sbuf_puts(&q, "/api/v1/baselines/latest");
	if (label != NULL) {
		sbuf_puts(&q, "?label=");
		sbuf_url(&q, label);
	}
	if (benchmark != NULL) {
		sbuf_puts(&q, label != NULL ? "&benchmark=" : "?benchmark=");
		sbuf_url(&q, benchmark);
	}
	path = sbuf_take(&q, NULL);
	rc = http_request(c, "GET", path, NULL, 0, &r, err);
	if (rc == 0 && r.status == 200) {
		*text = r.body;
		*len = r.len;
		r.body = NULL;
	} else if (rc == 0 && r.status == 404) {
		/* Not an error: nothing was posted yet. */
		bench_error_set(err, BENCH_ERR_INVALID,
		    "no baseline%s%s%s%s%s%s on %s",
		    label != NULL ? " with label '" : "",
		    label != NULL ? label : "", label != NULL ? "'" : "",
		    benchmark != NULL ? " holding benchmark '" : "",
		    benchmark != NULL ? benchmark : "",
		    benchmark != NULL ? "'" : "", c->display);
		rc = 1;
	} else if (rc == 0)
		rc = refused(c, &r, err);
	free(r.body);
	free(path);
	return rc;
}
