/*
 * test_server_parts.c: the pieces of the results server and its client that
 * need no network: the change markers (compare's rule), tokens, escaping,
 * the API's JSON, the dispatcher on a real database file, and the guard's
 * rules (per address, the reserve, deadlines), the facets query and the
 * migration of a version 1 database.
 */
#include <config.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "server-int.h"
#include "server.h"
#include "stats.h"

static void
setup(void)
{
	stats_init();
}

TestSuite(server, .init = setup);

/* Two consecutive points of a history holding the runs a and b. */
static struct server_change
marked(const struct cmp_opts *o, const double *a, size_t na, const double *b,
    size_t nb)
{
	struct server_point p[2];

	memset(p, 0, sizeof(p));
	p[0].wall = (double *)a;
	p[0].n = na;
	p[1].wall = (double *)b;
	p[1].n = nb;
	server_mark_changes(o, p, 2);
	cr_assert_not(p[0].change.computed, "the first point has no change");
	return p[1].change;
}

/* The marker says significant exactly when compare's rule says so. */
static void
agrees_with_compare(const struct cmp_opts *o, const double *a, size_t na,
    const double *b, size_t nb, const struct server_change *c)
{
	struct cmp_metric cm;

	report_compare_samples(a, na, b, nb, o, &cm);
	cr_assert_eq(c->computed, cm.ev.computed);
	cr_assert_eq(c->significant,
	    cm.dec.verdict == CMP_FASTER || cm.dec.verdict == CMP_SLOWER);
}

Test(server, markers_are_the_decision_of_compare)
{
	static const double same_a[] = {1.00, 1.01, 0.99, 1.005, 1.02};
	static const double slower[] = {1.20, 1.21, 1.19, 1.22, 1.205};
	static const double overlap[] = {1.5, 2.5, 3.5, 4.5, 5.5};
	static const double spread[] = {1, 2, 3, 4, 5};
	static const double two_a[] = {1.0, 1.001}, two_b[] = {1.1, 1.101};
	struct cmp_opts o = {.alpha = REPORT_CMP_ALPHA, .ci_level = 0.95};
	struct cmp_opts strict = {.alpha = 0.001, .ci_level = 0.95};
	struct server_change c;

	/* 20 % slower with a 1 % spread: every rule agrees. */
	c = marked(&o, same_a, 5, slower, 5);
	cr_assert(c.computed);
	cr_assert(c.significant);
	cr_assert_float_eq(c.ratio, 1.205 / 1.005, 1e-12);
	cr_assert_lt(c.p_welch, 1e-6);
	/* Exact Mann-Whitney, 5 v 5, complete separation: 2 / C(10,5). */
	cr_assert_float_eq(c.p_mwu, 2.0 / 252.0, 1e-12);
	cr_assert_gt(c.stddev_rule, 2);
	agrees_with_compare(&o, same_a, 5, slower, 5, &c);
	/* serve --alpha 0.001: 2/252 is not below it any more. */
	c = marked(&strict, same_a, 5, slower, 5);
	cr_assert(c.computed);
	cr_assert_not(c.significant);
	agrees_with_compare(&strict, same_a, 5, slower, 5, &c);

	/* Shifted by 0.5 with a stddev of 1.58: under 2 stddev. */
	c = marked(&o, spread, 5, overlap, 5);
	cr_assert(c.computed);
	cr_assert_not(c.significant);
	cr_assert_float_eq(c.stddev_rule, 0.5 / sqrt(2.5), 1e-12);
	agrees_with_compare(&o, spread, 5, overlap, 5, &c);

	/*
	 * Two runs each: Welch's p is tiny and the gap is 140 stddev, but
	 * the smallest two-sided Mann-Whitney p for 2 v 2 is 2/6: not
	 * significant, as compare would say.
	 */
	c = marked(&o, two_a, 2, two_b, 2);
	cr_assert(c.computed);
	cr_assert_lt(c.p_welch, 0.05);
	cr_assert_float_eq(c.p_mwu, 1.0 / 3.0, 1e-12);
	cr_assert_not(c.significant);
	agrees_with_compare(&o, two_a, 2, two_b, 2, &c);

	/* Too few runs: nothing computed. */
	c = marked(&o, same_a, 1, slower, 5);
	cr_assert_not(c.computed);
	c = marked(&o, NULL, 0, slower, 5);
	cr_assert_not(c.computed);
}

/* Two points whose runs have the given wall, user and system times. */
static struct server_change
marked_cpu(const struct cmp_opts *o, double *wall, double *user, double *sys,
    double *wall2, double *user2, double *sys2, size_t n)
{
	struct server_point p[2];

	memset(p, 0, sizeof(p));
	p[0].wall = wall;
	p[0].user = user;
	p[0].sys = sys;
	p[0].n = n;
	p[1].wall = wall2;
	p[1].user = user2;
	p[1].sys = sys2;
	p[1].n = n;
	server_mark_changes(o, p, 2);
	return p[1].change;
}

Test(server, markers_judge_the_metric_of_serve)
{
	/* Wall the same; user 20 % more, system the same. */
	double wall[] = {1.00, 1.01, 0.99, 1.005, 1.02};
	double user[] = {0.50, 0.51, 0.49, 0.50, 0.50};
	double sys[] = {0.10, 0.10, 0.11, 0.10, 0.09};
	double user2[] = {0.60, 0.61, 0.59, 0.60, 0.60};
	double sys2[] = {0.10, 0.10, 0.11, 0.10, 0.09};
	struct cmp_opts o = {.alpha = REPORT_CMP_ALPHA, .ci_level = 0.95};
	struct server_change c;

	c = marked_cpu(&o, wall, user, sys, wall, user2, sys2, 5);
	cr_assert_eq(c.metric, CMP_M_WALL);
	cr_assert_eq(c.verdict, CMP_SAME);
	cr_assert_not(c.significant);
	/* No change on identical samples: the detectable change is the
	   interval's half-width, and the interval holds 1. */
	cr_assert_lt(c.ci_low, 1);
	cr_assert_gt(c.ci_high, 1);
	cr_assert_float_eq(c.detectable, (c.ci_high - c.ci_low) / 2, 1e-12);
	o.metric = CMP_M_CPU;
	c = marked_cpu(&o, wall, user, sys, wall, user2, sys2, 5);
	cr_assert_eq(c.metric, CMP_M_CPU);
	cr_assert_eq(c.verdict, CMP_SLOWER);
	cr_assert(c.significant);
	/* (0.60 + 0.10) / (0.50 + 0.10) = 7/6 in the means. */
	cr_assert_float_eq(c.ratio, 7.0 / 6.0, 1e-12);
	cr_assert_gt(c.ci_low, 1);
	o.metric = CMP_M_USER;
	c = marked_cpu(&o, wall, user, sys, wall, user2, sys2, 5);
	cr_assert_eq(c.verdict, CMP_SLOWER);
	cr_assert_float_eq(c.ratio, 1.2, 1e-12);
	o.metric = CMP_M_SYS;
	c = marked_cpu(&o, wall, user, sys, wall, user2, sys2, 5);
	cr_assert_eq(c.verdict, CMP_SAME);
	/* A point stored without system times: cpu is missing. */
	o.metric = CMP_M_CPU;
	c = marked_cpu(&o, wall, user, NULL, wall, user2, sys2, 5);
	cr_assert_not(c.computed);
	cr_assert_eq(c.verdict, CMP_UNKNOWN);
	o.metric = CMP_M_WALL;
	c = marked_cpu(&o, wall, user, NULL, wall, user2, sys2, 5);
	cr_assert(c.computed, "wall is there");
}

Test(server, tokens_match_exactly)
{
	char *tokens[] = {"alpha-123", "beta", NULL};

	cr_assert(server_token_match(tokens, "alpha-123"));
	cr_assert(server_token_match(tokens, "beta"));
	cr_assert_not(server_token_match(tokens, "alpha-12"));
	cr_assert_not(server_token_match(tokens, "alpha-1234"));
	cr_assert_not(server_token_match(tokens, "bet"));
	cr_assert_not(server_token_match(tokens, "betabeta"));
	cr_assert_not(server_token_match(tokens, ""));
	cr_assert_not(server_token_match(NULL, "beta"));
}

Test(server, token_files_skip_comments_and_refuse_bad_lines)
{
	char path[] = "/tmp/bench-tokens-XXXXXX";
	struct bench_error err;
	char **v;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("# comment\n\n  one  \r\ntwo\n", f);
	fclose(f);
	v = server_tokens_load(path, &err);
	cr_assert_not_null(v, "%s", err.text);
	cr_assert_str_eq(v[0], "one");
	cr_assert_str_eq(v[1], "two");
	cr_assert_null(v[2]);
	strv_free(v);
	f = fopen(path, "w");
	fputs("good\nnot good\n", f);
	fclose(f);
	cr_assert_null(server_tokens_load(path, &err));
	cr_assert_not_null(strstr(err.text, "line 2"), "%s", err.text);
	cr_assert_null(strstr(err.text, "not good"), "the token was shown");
	f = fopen(path, "w");
	fputs("# nothing\n", f);
	fclose(f);
	cr_assert_null(server_tokens_load(path, &err));
	cr_assert_not_null(strstr(err.text, "no token"), "%s", err.text);
	unlink(path);
}

Test(server, html_and_url_escaping)
{
	struct sbuf b = {NULL, 0, 0};
	char *s, *e;

	sbuf_html(&b, "<script>alert('x')</script> & \"q\"\x01");
	s = sbuf_take(&b, NULL);
	cr_assert_str_eq(s,
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
	    "&quot;q&quot;\xef\xbf\xbd");
	free(s);
	sbuf_url(&b, "a b/c?d=e&f%~._-");
	e = sbuf_take(&b, NULL);
	cr_assert_str_eq(e, "a%20b%2Fc%3Fd%3De%26f%25~._-");
	free(e);
	sbuf_printf(&b, "%0300d|", 7);
	s = sbuf_take(&b, NULL);
	cr_assert_eq(strlen(s), 301);
	free(s);
}

Test(server, api_json_round_trips_the_error_message)
{
	char *j = server_json_error("bad \"thing\"\nhere"), buf[64];

	cr_assert_eq(report_json_error_text(j, strlen(j), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "bad \"thing\"?here");
	free(j);
	cr_assert_eq(report_json_error_text("<html>", 6, buf, sizeof(buf)), -1);
	cr_assert(report_json_valid("[1]", 3));
	cr_assert_not(report_json_valid("[1", 2));
	j = server_json_created("abc", 1);
	cr_assert_str_eq(j, "{\"id\":\"abc\",\"status\":\"created\","
	                    "\"url\":\"/api/v1/baselines/abc\"}\n");
	free(j);
}

/* Dispatch one request to s; returns the response (caller frees). */
static struct srv_resp
call(struct server *s, const char *method, const char *path, const char **args,
    const char *auth, const char *body)
{
	struct srv_req q;
	struct srv_resp r;

	memset(&q, 0, sizeof(q));
	q.method = method;
	q.path = path;
	q.args = args;
	q.authorization = auth;
	q.body = body != NULL ? body : "";
	q.len = body != NULL ? strlen(body) : 0;
	server_dispatch(s, &q, &r);
	return r;
}

Test(server, dispatch_on_a_real_database)
{
	char dir[] = "/tmp/bench-srv-XXXXXX", *db = NULL;
	struct server s;
	struct bench_error err;
	struct srv_resp r;
	struct baseline *b = report_baseline_create();
	struct bench_result *res;
	char *text, *tokens[] = {"w", NULL};
	size_t i;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert(asprintf(&db, "%s/r.sqlite", dir) > 0);
	memset(&s, 0, sizeof(s));
	s.cmp.alpha = REPORT_CMP_ALPHA;
	s.cmp.ci_level = REPORT_CMP_CI;
	pthread_rwlock_init(&s.lock, NULL);
	pthread_mutex_init(&s.log_lock, NULL);
	s.quiet = 1;
	s.max_body = 1 << 20;
	s.tokens.write = tokens;
	s.db = server_db_open(db, &err);
	cr_assert_not_null(s.db, "%s", err.text);

	b->id = strdup("id-1");
	b->created = strdup("2026-11-22T20:00:00Z");
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	res = report_baseline_add_result(b);
	res->name = strdup("t");
	res->command = strdup("t");
	res->argv = calloc(2, sizeof(char *));
	res->argv[0] = strdup("t");
	res->workdir = strdup("/");
	res->n_runs = 3;
	res->runs = calloc(3, sizeof(*res->runs));
	for (i = 0; i < 3; i++)
		res->runs[i].wall = 1 + 0.1 * (double)i;
	cr_assert_eq(report_result_compute(res, 0.95, 3.5, NULL), 0);
	text = report_baseline_dump(b, NULL);

	r = call(&s, "POST", "/api/v1/baselines", NULL, NULL, text);
	cr_assert_eq(r.status, 401);
	server_resp_free(&r);
	r = call(&s, "POST", "/api/v1/baselines", NULL, "Bearer w", text);
	cr_assert_eq(r.status, 201, "%s", r.body);
	server_resp_free(&r);
	r = call(&s, "POST", "/api/v1/baselines", NULL, "bearer   w", text);
	cr_assert_eq(r.status, 200, "%s", r.body);
	server_resp_free(&r);
	r = call(&s, "GET", "/api/v1/baselines/id-1", NULL, NULL, NULL);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.len, strlen(text));
	cr_assert(memcmp(r.body, text, r.len) == 0);
	cr_assert(r.immutable);
	server_resp_free(&r);
	r = call(&s, "GET", "/api/v1/benchmarks/t/history",
	    (const char *[]){"limit", "5", NULL}, NULL, NULL);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_not_null(
	    strstr(r.body, "\"mean\":1.1000000000000001"), "%s", r.body);
	server_resp_free(&r);
	r = call(&s, "GET", "/benchmarks/t", NULL, NULL, NULL);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.type, "text/html; charset=utf-8");
	server_resp_free(&r);
	r = call(&s, "GET", "/", NULL, NULL, NULL);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body, "href=\"/benchmarks/t\""));
	server_resp_free(&r);

	server_db_close(s.db);
	/* Reopened, the data is there; a newer schema is refused. */
	s.db = server_db_open(db, &err);
	cr_assert_not_null(s.db, "%s", err.text);
	cr_assert_eq(server_db_count(s.db), 1);
	server_db_close(s.db);
	{
		char *cmd = NULL;

		cr_assert(
		    asprintf(&cmd,
		        "sqlite3 '%s' 'PRAGMA user_version = 9' >/dev/null",
		        db) > 0);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
		free(cmd);
	}
	cr_assert_null(server_db_open(db, &err));
	cr_assert_not_null(
	    strstr(err.text, "upgrade bench-tests"), "%s", err.text);

	free(text);
	report_baseline_free(b);
	pthread_rwlock_destroy(&s.lock);
	pthread_mutex_destroy(&s.log_lock);
	{
		char *cmd = NULL;

		cr_assert(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
		cr_assert_eq(system(cmd), 0);
		free(cmd);
	}
	free(db);
}

/* An IPv4 or IPv6 socket address from text. */
static size_t
sockaddr_of(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(text, ':') != NULL) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		cr_assert_eq(inet_pton(AF_INET6, text, &a->sin6_addr), 1);
		return sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, text, &a->sin_addr), 1);
		return sizeof(*a);
	}
}

static int
accepts(struct server_guard *g, const char *addr)
{
	struct sockaddr_storage ss;
	size_t len = sockaddr_of(addr, &ss);

	return server_guard_accept(g, (struct sockaddr *)&ss, len);
}

static struct guard_conn *
opened(struct server_guard *g, const char *addr, int fd)
{
	struct sockaddr_storage ss;
	size_t len = sockaddr_of(addr, &ss);
	struct guard_conn *c;
	int over;

	c = server_guard_open(g, fd, (struct sockaddr *)&ss, len, &over);
	cr_assert_not(over, "%s was over a limit", addr);
	return c;
}

Test(server, guard_caps_each_address_and_keeps_a_reserve)
{
	struct server_guard g;
	struct guard_conn *c[40], *last;
	char line[512];
	size_t i;

	/* 32 connections: the last 32/16 = 2 for addresses holding none. */
	server_guard_init(&g, 32, 4, 60);
	cr_assert_eq(g.reserve, 2);
	cr_assert_eq(server_guard_reserve(1024), 64);
	cr_assert_eq(server_guard_reserve(8), 1);
	for (i = 0; i < 4; i++) {
		cr_assert(accepts(&g, "10.0.0.1"));
		c[i] = opened(&g, "10.0.0.1", (int)i);
	}
	cr_assert_not(accepts(&g, "10.0.0.1"), "a fifth from one address");
	cr_assert(accepts(&g, "10.0.0.2"));
	/*
	 * A fifth that another thread accepted before the fourth counted:
	 * over the cap when it opens, so the caller ends it.
	 */
	{
		struct sockaddr_storage ss;
		size_t len = sockaddr_of("10.0.0.1", &ss);
		int over = 0;

		last = server_guard_open(
		    &g, 99, (struct sockaddr *)&ss, len, &over);
		cr_assert(over, "a fifth from one address was not over");
		server_guard_close(&g, last);
		cr_assert_eq(g.open, 4);
	}
	/* One leaves: room again. */
	server_guard_close(&g, c[3]);
	cr_assert(accepts(&g, "10.0.0.1"));
	c[3] = opened(&g, "10.0.0.1", 3);
	/* IPv6 counts by /64; a v4-mapped address is its IPv4 address. */
	for (i = 4; i < 8; i++)
		c[i] = opened(
		    &g, i % 2 ? "2001:db8:1:2::1" : "2001:db8:1:2::ff", (int)i);
	cr_assert_not(accepts(&g, "2001:db8:1:2:abcd::9"));
	cr_assert(accepts(&g, "2001:db8:1:3::1"));
	cr_assert_not(accepts(&g, "::ffff:10.0.0.1"));
	/* Fill to 30 = 32 - 2 from addresses with 2 each. */
	for (i = 8; i < 30; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.1.0.%zu", i / 2);
		c[i] = opened(&g, a, (int)i);
	}
	cr_assert_eq(g.open, 30);
	/* Reserve: an address that holds one is refused, a fresh one not. */
	cr_assert_not(accepts(&g, "10.1.0.4"));
	cr_assert(accepts(&g, "192.168.9.9"));
	c[30] = opened(&g, "192.168.9.9", 30);
	cr_assert_not(accepts(&g, "192.168.9.9"), "it holds one now");
	last = opened(&g, "192.168.9.10", 31);
	/* Full: nobody. */
	cr_assert_not(accepts(&g, "172.16.0.1"));
	cr_assert_eq(server_guard_report(&g, line, sizeof(line)), 1);
	cr_assert_not_null(
	    strstr(line, "over --max-per-address 4"), "%s", line);
	cr_assert_not_null(
	    strstr(line, "keeping the last 2 slots"), "%s", line);
	cr_assert_not_null(strstr(line, "at --max-connections 32"), "%s", line);
	cr_assert_not_null(strstr(line, "32 open"), "%s", line);
	/* Reported once: the counts start again. */
	cr_assert_eq(server_guard_report(&g, line, sizeof(line)), 0);
	server_guard_close(&g, last);
	for (i = 0; i < 31; i++)
		server_guard_close(&g, c[i]);
	cr_assert_eq(g.open, 0);
	/* Every address's count went back to nothing. */
	for (i = 0; i < 4; i++)
		cr_assert(accepts(&g, "10.0.0.1"));
	server_guard_free(&g);
}

struct cuts {
	int fds[8];
	size_t n;
};

static void
record_cut(int fd, void *arg)
{
	struct cuts *c = arg;

	cr_assert_lt(c->n, 8);
	c->fds[c->n++] = fd;
}

Test(server, guard_cuts_requests_past_their_deadline_once)
{
	struct server_guard g;
	struct guard_conn *a, *b, *c;
	struct cuts cut = {{0}, 0};
	double t0 = mono_now();
	char line[512];

	server_guard_init(&g, 16, 4, 5.0);
	a = opened(&g, "10.0.0.1", 11);
	b = opened(&g, "10.0.0.2", 12);
	c = opened(&g, "10.0.0.3", 13);
	/* b is being answered: its deadline does not run. */
	server_guard_answering(&g, b);
	cr_assert_eq(server_guard_sweep(&g, t0 + 1, record_cut, &cut), 0);
	cr_assert_eq(server_guard_sweep(&g, t0 + 60, record_cut, &cut), 2);
	cr_assert_eq(cut.n, 2);
	cr_assert(cut.fds[0] + cut.fds[1] == 11 + 13);
	/* Once each. */
	cr_assert_eq(server_guard_sweep(&g, t0 + 120, record_cut, &cut), 0);
	/* b's next request has a deadline of its own. */
	server_guard_next_request(&g, b);
	cr_assert_eq(server_guard_sweep(&g, t0 + 1, record_cut, &cut), 0);
	cr_assert_eq(server_guard_sweep(&g, t0 + 60, record_cut, &cut), 1);
	cr_assert_eq(cut.fds[2], 12);
	cr_assert_eq(server_guard_report(&g, line, sizeof(line)), 1);
	cr_assert_not_null(strstr(line, "cut 3 requests past "
	                                "--request-timeout 5s"),
	    "%s", line);
	server_guard_close(&g, a);
	server_guard_close(&g, b);
	server_guard_close(&g, c);
	server_guard_close(&g, NULL);
	server_guard_free(&g);
}

/*
 * Store a baseline created `when` minutes into 2023-11-14 with the given
 * host, label and result names.
 */
static void
store(struct server_db *db, int serial, int when, const char *host,
    const char *label, const char *const *names)
{
	struct baseline *b = report_baseline_create();
	struct bench_error err;
	struct bench_result *r;
	char id[64], created[32];
	time_t t = (time_t)1700000000 + (time_t)when * 60;
	struct tm tm;
	int created_new;
	size_t i;

	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(id, sizeof(id), "facet-%06d", serial);
	b->id = strdup(id);
	b->created = strdup(created);
	b->label = label != NULL ? strdup(label) : NULL;
	b->env.hostname = host != NULL ? strdup(host) : NULL;
	for (i = 0; names[i] != NULL; i++) {
		r = report_baseline_add_result(b);
		r->name = strdup(names[i]);
	}
	cr_assert_eq(
	    server_db_insert(db, b, (double)t, "{}", 2, &created_new, &err), 0,
	    "%s", err.text);
	cr_assert(created_new);
	report_baseline_free(b);
}

/* "a,b" from a NULL-terminated list. */
static char *
joined(char **v)
{
	static char buf[256];
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; v[i] != NULL; i++)
		at += (size_t)snprintf(
		    buf + at, sizeof(buf) - at, "%s%s", i > 0 ? "," : "", v[i]);
	return buf;
}

static void
expect_facets(struct server_db *db, const char *bench, const char *hosts,
    const char *labels)
{
	struct bench_error err;
	char **h, **l;

	cr_assert_eq(
	    server_db_facets(db, bench, &h, &l, &err), 0, "%s", err.text);
	cr_assert_str_eq(joined(h), hosts, "hosts of %s", bench);
	cr_assert_str_eq(joined(l), labels, "labels of %s", bench);
	strv_free(h);
	strv_free(l);
}

/* VM steps of a facet query for benchmark on a connection of its own. */
static long
facet_steps(sqlite3 *h, const char *col, const char *bench, char **plan)
{
	char *sql = server_db_facet_sql(col), *eqp = NULL;
	sqlite3_stmt *st;
	size_t len = 0;
	long steps;

	cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s",
	    sqlite3_errmsg(h));
	sqlite3_bind_text(st, 1, bench, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
	sqlite3_finalize(st);
	if (plan != NULL) {
		cr_assert(asprintf(&eqp, "EXPLAIN QUERY PLAN %s", sql) > 0);
		cr_assert_eq(
		    sqlite3_prepare_v2(h, eqp, -1, &st, NULL), SQLITE_OK);
		*plan = calloc(1, 1);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d =
			    (const char *)sqlite3_column_text(st, 3);

			*plan = realloc(*plan, len + strlen(d) + 2);
			memcpy(*plan + len, d, strlen(d));
			len += strlen(d);
			(*plan)[len++] = '\n';
			(*plan)[len] = '\0';
		}
		sqlite3_finalize(st);
		free(eqp);
	}
	free(sql);
	return steps;
}

/*
 * The benchmark page's lists of hosts and labels are right, follow
 * baselines stored and deleted, and cost what they show: their plans only
 * seek in the facets' key, and 400 more baselines of a host and label
 * that show already, and 400 of another host that hold other benchmarks
 * only, add no step.
 */
Test(server, facets_cost_what_they_show)
{
	static const char *const xy[] = {"x", "y", NULL},
	                         *const y[] = {"y", NULL},
	                         *const x[] = {"x", NULL};
	char dir[] = "/tmp/bench-facet-XXXXXX", *path = NULL, *plan = NULL;
	struct bench_error err;
	struct server_db *db;
	sqlite3 *h;
	long steps[6];
	int i, serial = 0;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert(asprintf(&path, "%s/r.sqlite", dir) > 0);
	db = server_db_open(path, &err);
	cr_assert_not_null(db, "%s", err.text);
	/* Minutes from 1000 on; the baselines added later go before. */
	store(db, serial, 1000 + serial, "ci-a", "nightly", xy);
	serial++;
	/* ci-c held x long ago only: still one of x's hosts. */
	store(db, serial, 1000 + serial, "ci-c", "old", x);
	serial++;
	for (i = 0; i < 10; i++) {
		store(db, serial, 1000 + serial, "ci-b", "pr", y);
		serial++;
		store(db, serial, 1000 + serial, "ci-c", "pr", y);
		serial++;
	}
	store(db, serial, 1000 + serial, NULL, NULL, xy);
	serial++;
	expect_facets(db, "x", "ci-a,ci-c", "nightly,old");
	expect_facets(db, "y", "ci-a,ci-b,ci-c", "nightly,pr");
	expect_facets(db, "z", "", "");

	cr_assert_eq(
	    sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	steps[0] = facet_steps(h, "host", "x", &plan);
	steps[1] = facet_steps(h, "label", "x", NULL);
	steps[4] = facet_steps(h, "host", "z", NULL);
	/* Only a search in the facets' key: no scan, no other table. */
	cr_assert_null(strstr(plan, "SCAN"), "%s", plan);
	cr_assert_null(strstr(plan, "baselines"), "%s", plan);
	cr_assert_not_null(
	    strstr(plan, "SEARCH facets USING PRIMARY KEY"), "%s", plan);
	free(plan);
	sqlite3_close(h);
	/*
	 * 200 more of ci-a with x, 200 of ci-a without x from before its
	 * first, and 400 of ci-d (label "other") with y only.
	 */
	for (i = 0; i < 200; i++) {
		store(db, serial, 1000 + serial, "ci-a", "nightly", xy);
		serial++;
		store(db, serial, i, "ci-a", "nightly", y);
		serial++;
		store(db, serial, 1000 + serial, "ci-d", "other", y);
		serial++;
		store(db, serial, i, "ci-d", "other", y);
		serial++;
	}
	expect_facets(db, "x", "ci-a,ci-c", "nightly,old");
	expect_facets(db, "y", "ci-a,ci-b,ci-c,ci-d", "nightly,other,pr");
	cr_assert_eq(
	    sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	steps[2] = facet_steps(h, "host", "x", NULL);
	steps[3] = facet_steps(h, "label", "x", NULL);
	steps[5] = facet_steps(h, "host", "z", NULL);
	sqlite3_close(h);
	cr_assert_eq(steps[2], steps[0], "hosts: %ld steps, then %ld", steps[0],
	    steps[2]);
	cr_assert_eq(steps[3], steps[1], "labels: %ld steps, then %ld",
	    steps[1], steps[3]);
	/* An unknown benchmark (a 404) stops at once. */
	cr_assert_eq(steps[5], steps[4], "unknown: %ld steps, then %ld",
	    steps[4], steps[5]);

	/*
	 * Deleting: ci-c's only x (facet-000001) takes ci-c and "old" off
	 * x's lists; one of ci-a's many keeps ci-a.
	 */
	cr_assert_eq(
	    server_db_delete(db, "facet-000001", &err), 0, "%s", err.text);
	cr_assert_eq(
	    server_db_delete(db, "facet-000000", &err), 0, "%s", err.text);
	expect_facets(db, "x", "ci-a", "nightly");
	expect_facets(db, "y", "ci-a,ci-b,ci-c,ci-d", "nightly,other,pr");
	server_db_close(db);
	{
		char *cmd = NULL;

		cr_assert(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
		cr_assert_eq(system(cmd), 0);
		free(cmd);
	}
	free(path);
}

/* Run an SQL text on the database with the sqlite3 program. */
static void
sql(const char *db, const char *text)
{
	char *cmd = NULL;

	cr_assert(
	    asprintf(&cmd, "sqlite3 '%s' \"%s\" >/dev/null", db, text) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
}

/* A baseline "id" of benchmark "t" with n runs of the given times. */
static char *
baseline_text(const char *id, const char *created, const double *wall,
    const double *user, const double *sys, size_t n)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *res;
	char *text;
	size_t i;

	b->id = strdup(id);
	b->created = strdup(created);
	b->complete = 1;
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	res = report_baseline_add_result(b);
	res->name = strdup("t");
	res->command = strdup("t");
	res->n_runs = n;
	res->runs = calloc(n, sizeof(*res->runs));
	for (i = 0; i < n; i++) {
		res->runs[i].wall = wall[i];
		res->runs[i].user = user[i];
		res->runs[i].sys = sys[i];
	}
	cr_assert_eq(report_result_compute(res, 0.95, 3.5, NULL), 0);
	text = report_baseline_dump(b, NULL);
	report_baseline_free(b);
	return text;
}

/*
 * A version 1 database (only the runs' wall times, no facets) is migrated
 * when it is opened: the user and system times come from the stored
 * documents, the cpu markers work on the old rows, and the facets are made
 * from the results.  The version 1 file is made the
 * way version 1 had it: the same tables without the two new columns.
 */
Test(server, version_1_databases_are_migrated)
{
	static const double wall[] = {1.00, 1.01, 0.99, 1.005, 1.02};
	static const double user[] = {0.50, 0.51, 0.49, 0.50, 0.50};
	static const double user2[] = {0.60, 0.61, 0.59, 0.60, 0.60};
	static const double sys[] = {0.10, 0.10, 0.11, 0.10, 0.09};
	char dir[] = "/tmp/bench-mig-XXXXXX", *db = NULL, *t1, *t2, *t3;
	struct cmp_opts o = {
	    .alpha = REPORT_CMP_ALPHA, .ci_level = 0.95, .metric = CMP_M_CPU};
	struct server_db *h;
	struct server_point *pts;
	struct bench_error err;
	struct db_filter f;
	size_t n, i;
	int created;
	FILE *p;
	char line[64];

	cr_assert_not_null(mkdtemp(dir));
	cr_assert(asprintf(&db, "%s/r.sqlite", dir) > 0);
	h = server_db_open(db, &err);
	cr_assert_not_null(h, "%s", err.text);
	t1 = baseline_text("b1", "2026-11-01T00:00:00Z", wall, user, sys, 5);
	t2 = baseline_text("b2", "2026-11-02T00:00:00Z", wall, user2, sys, 5);
	t3 = baseline_text("b3", "2026-11-03T00:00:00Z", wall, user2, sys, 5);
	{
		const char *texts[] = {t1, t2, t3};

		for (i = 0; i < 3; i++) {
			struct baseline *b = report_baseline_parse(
			    texts[i], strlen(texts[i]), &err);
			double t;

			cr_assert_not_null(b, "%s", err.text);
			cr_assert_eq(report_parse_time(b->created, &t), 0);
			cr_assert_eq(server_db_insert(h, b, t, texts[i],
			                 strlen(texts[i]), &created, &err),
			    0, "%s", err.text);
			report_baseline_free(b);
		}
	}
	server_db_close(h);
	/*
	 * Back to version 1 (no facets either); b3's stored bytes no longer
	 * parse; the baselines get a host, to be found in the facets made
	 * by the migration to version 3.
	 */
	sql(db, "DROP TRIGGER results_facets; DROP TRIGGER baselines_facets; "
	        "DROP TABLE facets; UPDATE baselines SET host = 'h1'; "
	        "ALTER TABLE results DROP COLUMN user_times; "
	        "ALTER TABLE results DROP COLUMN sys_times; "
	        "UPDATE baselines SET body = 'not json' WHERE id = 'b3'; "
	        "PRAGMA user_version = 1;");

	h = server_db_open(db, &err);
	cr_assert_not_null(h, "%s", err.text);
	memset(&f, 0, sizeof(f));
	f.benchmark = "t";
	f.since = f.until = NAN;
	f.limit = 10;
	cr_assert_eq(
	    server_db_history(h, &f, 1, &pts, &n, &err), 0, "%s", err.text);
	cr_assert_eq(n, 3);
	cr_assert_not_null(pts[0].user);
	cr_assert_not_null(pts[1].sys);
	for (i = 0; i < 5; i++) {
		cr_assert_eq(pts[0].user[i], user[i]);
		cr_assert_eq(pts[1].user[i], user2[i]);
		cr_assert_eq(pts[1].sys[i], sys[i]);
	}
	/* b3 could not be read again: its CPU times stay unknown. */
	cr_assert_null(pts[2].user);
	cr_assert_not_null(pts[2].wall);
	expect_facets(h, "t", "h1", "");
	server_mark_changes(&o, pts, n);
	cr_assert_eq(pts[1].change.verdict, CMP_SLOWER);
	cr_assert_eq(pts[2].change.verdict, CMP_UNKNOWN);
	cr_assert_not(pts[2].change.computed);
	server_points_free(pts, n);
	server_db_close(h);

	/* The file says version 3 now, and reopening it changes nothing. */
	{
		char *cmd = NULL;

		cr_assert(asprintf(&cmd, "sqlite3 '%s' 'PRAGMA user_version'",
		              db) > 0);
		p = popen(cmd, "r");
		cr_assert_not_null(p);
		cr_assert_not_null(fgets(line, sizeof(line), p));
		pclose(p);
		free(cmd);
		cr_assert_str_eq(line, "3\n");
	}
	h = server_db_open(db, &err);
	cr_assert_not_null(h, "%s", err.text);
	cr_assert_eq(server_db_count(h), 3);
	server_db_close(h);
	free(t1);
	free(t2);
	free(t3);
	{
		char *cmd = NULL;

		cr_assert(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
		cr_assert_eq(system(cmd), 0);
		free(cmd);
	}
	free(db);
}
