/*
 * test_server.c: the real results server (bench-tests serve) on a loopback
 * port with a real SQLite file, the real client (bench-tests post, run
 * --post), the page in a real headless Chromium, and faults: a server that
 * is down, a server killed with SIGKILL in the middle of a burst of posts.
 *
 * The server prints the URL it serves (it binds port 0: the system picks
 * a free port); requests go through libcurl.  Baselines are made with the
 * real writer (report_baseline_dump) from runs with known statistics.  The
 * tests run one at a time (see main): each starts its own server.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "bench.h"
#include "harness.h"
#include "report.h"

#define TOKEN      "tok-3f9a1c-write"
#define TOKEN2     "tok-second-writer"
#define READ_TOKEN "tok-reader-77"
#define CHROMIUM   "chromium"

extern char **environ;

/* ------------------------------------------------------------- helpers */

/* A child process with its output in files. */
struct proc {
	pid_t pid;
	char *out; /* path of its stdout */
	char *err;
};

static char *
slurp_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(text, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* The full path of a program (a name is looked up in PATH), or NULL. */
static char *
program_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *full = NULL;

	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	if (path == NULL)
		return NULL;
	copy = strdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&full, "%s/%s", dir, name) < 0)
			abort();
		if (access(full, X_OK) == 0)
			break;
		free(full);
		full = NULL;
	}
	free(copy);
	return full;
}

/* Start argv[0] with env additions ("K=V"; "K=" removes K). */
static void
proc_start(struct proc *p, const char *dir, const char *name,
    const char *const *env, const char *const *argv)
{
	char **envp, *prog;
	size_t n = 0, m = 0, i, j, k = 0;
	pid_t parent;
	int fd;

	p->out = NULL;
	p->err = NULL;
	cr_assert(asprintf(&p->out, "%s/%s.out", dir, name) > 0);
	cr_assert(asprintf(&p->err, "%s/%s.err", dir, name) > 0);
	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[m] != NULL)
		m++;
	envp = calloc(n + m + 1, sizeof(*envp));
	for (i = 0; i < n; i++) {
		int drop = 0;

		for (j = 0; j < m; j++) {
			size_t len = strcspn(env[j], "=") + 1;

			if (strncmp(environ[i], env[j], len) == 0)
				drop = 1;
		}
		if (!drop)
			envp[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		if (env[j][strlen(env[j]) - 1] != '=')
			envp[k++] = (char *)env[j];
	prog = program_path(argv[0]);
	cr_assert_not_null(prog, "%s is not on PATH", argv[0]);
	parent = getpid();
	p->pid = fork();
	cr_assert_neq(p->pid, -1, "fork: %s", strerror(errno));
	if (p->pid == 0) {
		/*
		 * Ended with the test's process, so that a failed assertion
		 * leaves no server or client running.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		fd = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(p->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execve(prog, (char *const *)argv, envp);
		_exit(127);
	}
	free(prog);
	free(envp);
}

/* Wait for a child (limit seconds, then SIGKILL and fail); its status. */
static int
proc_wait(struct proc *p, double limit)
{
	double waited = 0;
	int status;

	while (waitpid(p->pid, &status, WNOHANG) != p->pid) {
		if (waited > limit) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			cr_assert_fail("pid %ld ran longer than %.0f s; "
			               "stderr:\n%s",
			    (long)p->pid, limit, slurp_file(p->err, NULL));
		}
		sleep_seconds(0.01);
		waited += 0.01;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
proc_free(struct proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

/* A running server. */
struct srv {
	struct proc p;
	char *dir;
	char *db;
	char *url; /* without the trailing slash */
	int runs;  /* how often it was started (names its log files) */
};

/* Start (or restart) the server on s->db with extra arguments. */
static void
srv_start(struct srv *s, const char *const *extra)
{
	const char *argv[24] = {bench_bin(), "serve", "--db", s->db, "--listen",
	    "127.0.0.1:0", "--threads", "4"};
	char name[32], *out, *nl;
	size_t n = 8, i;
	double waited = 0;

	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	snprintf(name, sizeof(name), "serve-%d", s->runs++);
	proc_start(&s->p, s->dir, name, NULL, argv);
	for (;;) {
		out = slurp_file(s->p.out, NULL);
		if (out != NULL && strstr(out, "listening on ") != NULL &&
		    strchr(out, '\n') != NULL)
			break;
		free(out);
		cr_assert(waitpid(s->p.pid, NULL, WNOHANG) == 0,
		    "the server exited: %s", slurp_file(s->p.err, NULL));
		cr_assert(waited < 20, "the server did not start: %s",
		    slurp_file(s->p.err, NULL));
		sleep_seconds(0.02);
		waited += 0.02;
	}
	nl = strchr(out, '\n');
	*nl = '\0';
	free(s->url);
	s->url = strdup(strstr(out, "listening on ") + 13);
	if (s->url[strlen(s->url) - 1] == '/')
		s->url[strlen(s->url) - 1] = '\0';
	free(out);
}

/* A fresh directory, a token file, a server with extra arguments. */
static void
srv_new(struct srv *s, const char *name, const char *const *extra)
{
	char *tokens;
	const char *const def[] = {"--token-file", NULL, NULL};
	const char *args[16];
	size_t n = 0, i;

	memset(s, 0, sizeof(*s));
	s->dir = scratch_dir(name);
	s->db = path_join(s->dir, "results.sqlite");
	tokens = path_join(s->dir, "tokens");
	write_file(tokens, "# writers\n" TOKEN "\n\n  " TOKEN2 "  \n",
	    strlen("# writers\n" TOKEN "\n\n  " TOKEN2 "  \n"));
	chmod(tokens, 0600);
	args[n++] = def[0];
	args[n++] = tokens;
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	srv_start(s, args);
	free(tokens);
}

/* SIGTERM: the server must stop cleanly and say so; its log (to free). */
static char *
srv_stop_log(struct srv *s)
{
	char *err;
	int st;

	kill(s->p.pid, SIGTERM);
	st = proc_wait(&s->p, 40);
	err = slurp_file(s->p.err, NULL);
	cr_assert_eq(st, 0, "serve exited %d: %s", st, err);
	cr_assert_not_null(strstr(err, "the database is closed"), "%s", err);
	proc_free(&s->p);
	return err;
}

static void
srv_stop(struct srv *s)
{
	free(srv_stop_log(s));
}

/* Stop the server; its log must say what. */
static void
srv_stop_saying(struct srv *s, const char *what)
{
	char *err = srv_stop_log(s);

	cr_assert_not_null(
	    strstr(err, what), "the log does not say '%s':\n%s", what, err);
	free(err);
}

static void
srv_free(struct srv *s)
{
	free(s->dir);
	free(s->db);
	free(s->url);
	memset(s, 0, sizeof(*s));
}

struct reply {
	long status;
	char *body;
	size_t len;
	char *headers;
	size_t hlen;
};

struct sink_buf {
	char *p;
	size_t len;
};

static size_t
sink(char *data, size_t size, size_t n, void *arg)
{
	struct sink_buf *b = arg;
	size_t add = size * n;

	b->p = realloc(b->p, b->len + add + 1);
	cr_assert_not_null(b->p);
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

/* One request; headers (NULL-terminated "K: V") are added. */
static void
http(struct reply *r, const char *method, const char *url, const char *body,
    size_t len, const char *const *headers)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	struct sink_buf b = {NULL, 0}, hd = {NULL, 0};
	CURLcode rc;
	size_t i;

	cr_assert_not_null(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &hd);
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	rc = curl_easy_perform(h);
	cr_assert_eq(
	    rc, CURLE_OK, "%s %s: %s", method, url, curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.p != NULL ? b.p : strdup("");
	r->len = b.len;
	r->headers = hd.p != NULL ? hd.p : strdup("");
	r->hlen = hd.len;
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
}

static void
reply_free(struct reply *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

/* GET url (path under the server). */
static void
get(struct reply *r, const struct srv *s, const char *path)
{
	char *url;

	cr_assert(asprintf(&url, "%s%s", s->url, path) > 0);
	http(r, "GET", url, NULL, 0, NULL);
	free(url);
}

static void
post_as(struct reply *r, const struct srv *s, const char *token,
    const char *body, size_t len)
{
	char *url, *auth = NULL;
	const char *hdrs[3] = {"Content-Type: application/json", NULL, NULL};

	cr_assert(asprintf(&url, "%s/api/v1/baselines", s->url) > 0);
	if (token != NULL) {
		cr_assert(
		    asprintf(&auth, "Authorization: Bearer %s", token) > 0);
		hdrs[1] = auth;
	}
	http(r, "POST", url, body, len, hdrs);
	free(url);
	free(auth);
}

/* A reproducible normal deviate (Box-Muller on a 64-bit LCG). */
static double
gauss(unsigned long long *state)
{
	double u1, u2;

	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	u1 = ((double)(*state >> 11) + 0.5) / 9007199254740992.0;
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	u2 = ((double)(*state >> 11) + 0.5) / 9007199254740992.0;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static char **
dupv(char *const *v)
{
	size_t n = 0, i;
	char **c;

	while (v[n] != NULL)
		n++;
	c = calloc(n + 1, sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = strdup(v[i]);
	return c;
}

/* What a made-up baseline holds. */
struct spec {
	const char *id;
	const char *created;
	const char *label;
	const char *host;
	const char *names[4]; /* benchmarks, NULL-terminated */
	double mean;          /* wall time of every benchmark, seconds */
	double sd;
	size_t runs;
	unsigned long long seed;
};

/* A baseline JSON document written by the real writer (caller frees). */
static char *
make_baseline(const struct spec *sp)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *r;
	unsigned long long st = sp->seed * 2654435761ULL + 17;
	char *text, *argv[] = {"cargo", "test", NULL};
	size_t i, k;

	b->id = strdup(sp->id);
	b->created = strdup(sp->created);
	b->label = sp->label != NULL ? strdup(sp->label) : NULL;
	b->tool_version = strdup(PACKAGE_VERSION);
	b->workspace = strdup("/work/ws");
	b->env.hostname = strdup(sp->host != NULL ? sp->host : "ci-1");
	b->env.git_commit = strdup("0123456789abcdef0123456789abcdef01234567");
	b->env.git_dirty = 0;
	b->settings.warmup = 1;
	b->settings.runs = sp->runs;
	b->settings.max_runs = sp->runs;
	b->settings.tolerance = 0.05;
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	for (k = 0; sp->names[k] != NULL; k++) {
		r = report_baseline_add_result(b);
		r->name = strdup(sp->names[k]);
		r->command = strdup("cargo test");
		r->argv = dupv(argv);
		r->workdir = strdup("/work/ws");
		r->n_runs = sp->runs;
		r->runs = calloc(sp->runs, sizeof(*r->runs));
		for (i = 0; i < sp->runs; i++) {
			r->runs[i].wall = sp->mean + sp->sd * gauss(&st);
			r->runs[i].user = r->runs[i].wall * 0.6;
			r->runs[i].sys = r->runs[i].wall * 0.2;
			r->runs[i].max_rss = 50 << 20;
			r->runs[i].exit_code = 0;
		}
		r->converged = 1;
		r->stop = STOP_CONVERGED;
		r->cv_tolerance = 0.05;
		cr_assert_eq(report_result_compute(r, 0.95, 3.5, NULL), 0);
	}
	text = report_baseline_dump(b, NULL);
	cr_assert_not_null(text);
	report_baseline_free(b);
	return text;
}

/* The body of a reply as JSON (fails the test if it is not). */
static json_t *
reply_json(const struct reply *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body, r->len, 0, &e);

	cr_assert_not_null(j, "not JSON (%s): %s", e.text, r->body);
	return j;
}

static const char *
jstr_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert(json_is_string(v), "no string '%s'", key);
	return json_string_value(v);
}

/* Whether the reply's headers hold the line prefix (case-insensitive). */
static int
has_header(const struct reply *r, const char *prefix)
{
	const char *p = r->headers;
	size_t n = strlen(prefix);

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, prefix, n) == 0)
			return 1;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* ------------------------------------------------------------------ api */

static const struct spec three[] = {
    {"11111111-0000-4000-8000-000000000001", "2026-11-01T02:00:00Z", "nightly",
        "ci-1", {"suite", "unit", NULL}, 1.0, 0.01, 10, 1},
    {"11111111-0000-4000-8000-000000000002", "2026-11-02T02:00:00Z", "pr",
        "ci-2", {"suite", NULL}, 1.1, 0.01, 10, 2},
    {"11111111-0000-4000-8000-000000000003", "2026-11-03T02:00:00Z", "nightly",
        "ci-1", {"suite", "unit", NULL}, 1.2, 0.01, 10, 3},
};

Test(api, post_list_fetch_history_and_filters, .timeout = 60)
{
	struct srv s;
	struct reply r;
	char *docs[3], path[256];
	json_t *j, *pts, *p0;
	size_t i;

	srv_new(&s, "api", NULL);
	/* Posted out of order: lists follow "created", not arrival. */
	for (i = 0; i < 3; i++) {
		size_t k = (i + 1) % 3;

		docs[k] = make_baseline(&three[k]);
		post_as(
		    &r, &s, i == 1 ? TOKEN2 : TOKEN, docs[k], strlen(docs[k]));
		cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
		j = reply_json(&r);
		cr_assert_str_eq(jstr_at(j, "id"), three[k].id);
		cr_assert_str_eq(jstr_at(j, "status"), "created");
		cr_assert(has_header(&r, "Location: /api/v1/baselines/"), "%s",
		    r.headers);
		json_decref(j);
		reply_free(&r);
	}

	/* Byte for byte. */
	for (i = 0; i < 3; i++) {
		snprintf(
		    path, sizeof(path), "/api/v1/baselines/%s", three[i].id);
		get(&r, &s, path);
		cr_assert_eq(r.status, 200);
		cr_assert_eq(r.len, strlen(docs[i]));
		cr_assert(memcmp(r.body, docs[i], r.len) == 0,
		    "baseline %zu differs from what was posted", i);
		cr_assert(has_header(&r, "Content-Type: application/json"));
		reply_free(&r);
	}
	get(&r, &s, "/api/v1/baselines/no-such-id");
	cr_assert_eq(r.status, 404);
	reply_free(&r);

	/* The list, newest first, with its filters. */
	get(&r, &s, "/api/v1/baselines");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "count")), 3);
	cr_assert_str_eq(
	    jstr_at(json_array_get(json_object_get(j, "baselines"), 0), "id"),
	    three[2].id);
	cr_assert_str_eq(
	    jstr_at(json_array_get(json_object_get(j, "baselines"), 2), "id"),
	    three[0].id);
	json_decref(j);
	reply_free(&r);
	{
		static const struct {
			const char *query;
			int count;
			int first; /* index into three of the first row */
		} f[] = {
		    {"?label=nightly", 2, 2},
		    {"?label=pr", 1, 1},
		    {"?host=ci-2", 1, 1},
		    {"?benchmark=unit", 2, 2},
		    {"?since=2026-11-02", 2, 2},
		    {"?until=2026-11-02T02:00:00Z", 1, 0},
		    {"?since=2026-11-01T03:00:00%2B01:00&label=nightly", 2, 2},
		    {"?limit=1", 1, 2},
		    {"?label=none", 0, -1},
		    {"?benchmark=suite&host=ci-1&limit=5", 2, 2},
		};

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			snprintf(path, sizeof(path), "/api/v1/baselines%s",
			    f[i].query);
			get(&r, &s, path);
			cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
			j = reply_json(&r);
			cr_expect_eq(
			    json_integer_value(json_object_get(j, "count")),
			    f[i].count, "%s: %s", path, r.body);
			if (f[i].first >= 0)
				cr_expect_str_eq(
				    jstr_at(
				        json_array_get(
				            json_object_get(j, "baselines"), 0),
				        "id"),
				    three[f[i].first].id, "%s", path);
			json_decref(j);
			reply_free(&r);
		}
	}

	/* The newest baseline with a label, for check --baseline-from. */
	get(&r, &s, "/api/v1/baselines/latest?label=nightly");
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.len, strlen(docs[2]));
	cr_assert(memcmp(r.body, docs[2], r.len) == 0);
	reply_free(&r);
	get(&r, &s, "/api/v1/baselines/latest?label=nightly&host=ci-2");
	cr_assert_eq(r.status, 404);
	reply_free(&r);

	/* Benchmarks and a history. */
	get(&r, &s, "/api/v1/benchmarks");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "count")), 2);
	p0 = json_array_get(json_object_get(j, "benchmarks"), 0);
	cr_assert_str_eq(jstr_at(p0, "name"), "suite");
	cr_assert_eq(json_integer_value(json_object_get(p0, "baselines")), 3);
	cr_assert_str_eq(
	    jstr_at(json_object_get(p0, "latest"), "id"), three[2].id);
	json_decref(j);
	reply_free(&r);

	get(&r, &s, "/api/v1/benchmarks/suite/history");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	pts = json_object_get(j, "points");
	cr_assert_eq(json_array_size(pts), 3);
	for (i = 0; i < 3; i++) {
		json_t *doc = json_loads(docs[i], 0, NULL);
		json_t *res = first_result(doc);
		json_t *pt = json_array_get(pts, i);

		cr_assert_str_eq(jstr_at(pt, "id"), three[i].id);
		/* The server recomputes from the runs what the writer did. */
		cr_assert_float_eq(jnum(pt, "wall.mean"),
		    jnum(res, "statistics.wall.mean"), 1e-12);
		cr_assert_float_eq(jnum(pt, "wall.stddev"),
		    jnum(res, "statistics.wall.stddev"), 1e-12);
		cr_assert_float_eq(jnum(pt, "wall.ci_low"),
		    jnum(res, "statistics.wall.ci_low"), 1e-12);
		cr_assert_float_eq(jnum(pt, "wall.ci_high"),
		    jnum(res, "statistics.wall.ci_high"), 1e-12);
		cr_assert_float_eq(jnum(pt, "user.mean"),
		    jnum(res, "statistics.user.mean"), 1e-12);
		cr_assert_float_eq(jnum(pt, "system.stddev"),
		    jnum(res, "statistics.system.stddev"), 1e-12);
		cr_assert_eq(jnum(pt, "n"), 10);
		json_decref(doc);
	}
	/* 1.0 s -> 1.1 s -> 1.2 s with a 1 % spread: significant. */
	cr_assert(
	    json_is_null(json_object_get(json_array_get(pts, 0), "change")));
	p0 = json_object_get(json_array_get(pts, 1), "change");
	cr_assert(json_is_true(json_object_get(p0, "significant")));
	cr_assert_str_eq(jstr_at(p0, "metric"), "wall");
	cr_assert_str_eq(jstr_at(p0, "verdict"), "slower");
	cr_assert_gt(
	    json_real_value(json_array_get(json_object_get(p0, "ratio_ci"), 0)),
	    1.05);
	json_decref(j);
	reply_free(&r);
	get(&r, &s, "/api/v1/benchmarks/suite/history?label=nightly&limit=1");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	cr_assert_eq(json_array_size(json_object_get(j, "points")), 1);
	cr_assert_str_eq(
	    jstr_at(json_array_get(json_object_get(j, "points"), 0), "id"),
	    three[2].id);
	json_decref(j);
	reply_free(&r);
	get(&r, &s, "/api/v1/benchmarks/nothing/history");
	cr_assert_eq(r.status, 404);
	reply_free(&r);

	get(&r, &s, "/healthz");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "baselines")), 3);
	json_decref(j);
	reply_free(&r);

	/* serve --metric cpu: the markers judge user + system time. */
	srv_stop(&s);
	srv_start(&s, (const char *[]){"--metric", "cpu", NULL});
	get(&r, &s, "/api/v1/benchmarks/suite/history");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	p0 = json_object_get(
	    json_array_get(json_object_get(j, "points"), 1), "change");
	cr_assert_str_eq(jstr_at(p0, "metric"), "cpu");
	cr_assert_str_eq(jstr_at(p0, "verdict"), "slower");
	json_decref(j);
	reply_free(&r);
	get(&r, &s, "/benchmarks/suite");
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(
	    strstr(r.body, "a change of cpu time is significant"), "%s",
	    r.body);
	reply_free(&r);

	srv_stop(&s);
	for (i = 0; i < 3; i++)
		free(docs[i]);
	srv_free(&s);
}

Test(api, a_duplicate_is_stored_once, .timeout = 60)
{
	struct srv s;
	struct reply r;
	struct spec sp = three[0];
	char *doc = make_baseline(&three[0]), *other;
	json_t *j;

	srv_new(&s, "dup", NULL);
	post_as(&r, &s, TOKEN, doc, strlen(doc));
	cr_assert_eq(r.status, 201);
	reply_free(&r);
	post_as(&r, &s, TOKEN2, doc, strlen(doc));
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	j = reply_json(&r);
	cr_assert_str_eq(jstr_at(j, "status"), "duplicate");
	json_decref(j);
	reply_free(&r);
	/* The same id with other contents is a conflict, not a duplicate. */
	sp.mean = 2.0;
	other = make_baseline(&sp);
	post_as(&r, &s, TOKEN, other, strlen(other));
	cr_assert_eq(r.status, 409, "%ld %s", r.status, r.body);
	cr_assert_not_null(strstr(r.body, "different baseline"), "%s", r.body);
	reply_free(&r);
	get(&r, &s, "/api/v1/baselines");
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "count")), 1);
	json_decref(j);
	reply_free(&r);
	get(&r, &s, "/api/v1/benchmarks");
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(
	                 json_array_get(json_object_get(j, "benchmarks"), 0),
	                 "baselines")),
	    1);
	json_decref(j);
	reply_free(&r);
	srv_stop(&s);
	free(doc);
	free(other);
	srv_free(&s);
}

/* DELETE path with a token (NULL: none); returns the status. */
static long
delete_as(const struct srv *s, const char *token, const char *id)
{
	struct reply r;
	char *url, *auth = NULL;
	long status;

	cr_assert(asprintf(&url, "%s/api/v1/baselines/%s", s->url, id) > 0);
	if (token != NULL)
		cr_assert(
		    asprintf(&auth, "Authorization: Bearer %s", token) > 0);
	http(&r, "DELETE", url, NULL, 0, (const char *[]){auth, NULL});
	status = r.status;
	reply_free(&r);
	free(url);
	free(auth);
	return status;
}

Test(api, delete_removes_a_baseline_and_its_results, .timeout = 60)
{
	struct srv s;
	struct reply r;
	char *docs[3], path[160];
	json_t *j;
	size_t i;

	srv_new(&s, "delete", NULL);
	for (i = 0; i < 3; i++) {
		docs[i] = make_baseline(&three[i]);
		post_as(&r, &s, TOKEN, docs[i], strlen(docs[i]));
		cr_assert_eq(r.status, 201);
		reply_free(&r);
	}
	cr_assert_eq(delete_as(&s, NULL, three[2].id), 401);
	cr_assert_eq(delete_as(&s, "wrong", three[2].id), 401);
	cr_assert_eq(delete_as(&s, TOKEN, "no-such-id"), 404);
	cr_assert_eq(delete_as(&s, TOKEN, three[2].id), 200);
	cr_assert_eq(delete_as(&s, TOKEN, three[2].id), 404);
	snprintf(path, sizeof(path), "/api/v1/baselines/%s", three[2].id);
	get(&r, &s, path);
	cr_assert_eq(r.status, 404);
	reply_free(&r);
	/* "unit" was in baselines 0 and 2: one left, and its first. */
	get(&r, &s, "/api/v1/benchmarks");
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "count")), 2);
	cr_assert_eq(json_integer_value(json_object_get(
	                 json_array_get(json_object_get(j, "benchmarks"), 1),
	                 "baselines")),
	    1);
	json_decref(j);
	reply_free(&r);
	get(&r, &s, "/api/v1/benchmarks/suite/history");
	j = reply_json(&r);
	cr_assert_eq(json_array_size(json_object_get(j, "points")), 2);
	json_decref(j);
	reply_free(&r);
	/* The last baseline of "unit" goes: so does the benchmark. */
	cr_assert_eq(delete_as(&s, TOKEN2, three[0].id), 200);
	get(&r, &s, "/api/v1/benchmarks");
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "count")), 1);
	json_decref(j);
	reply_free(&r);
	get(&r, &s, "/api/v1/benchmarks/unit/history");
	cr_assert_eq(r.status, 404);
	reply_free(&r);
	/* It can be posted again. */
	post_as(&r, &s, TOKEN, docs[0], strlen(docs[0]));
	cr_assert_eq(r.status, 201);
	reply_free(&r);
	srv_stop(&s);
	for (i = 0; i < 3; i++)
		free(docs[i]);
	srv_free(&s);
}

Test(api, tokens_are_needed_to_write_and_with_read_token_to_read, .timeout = 60)
{
	struct srv s;
	struct reply r;
	char *doc = make_baseline(&three[0]), *readers, *url, *auth;
	srv_new(&s, "tok", NULL);
	post_as(&r, &s, NULL, doc, strlen(doc));
	cr_assert_eq(r.status, 401);
	cr_assert(has_header(&r, "WWW-Authenticate: Bearer"), "%s", r.headers);
	cr_assert_not_null(strstr(r.body, "token"), "%s", r.body);
	reply_free(&r);
	post_as(&r, &s, "wrong-token", doc, strlen(doc));
	cr_assert_eq(r.status, 401);
	cr_assert_null(strstr(r.body, "wrong-token"), "the token was echoed");
	reply_free(&r);
	post_as(&r, &s, TOKEN "x", doc, strlen(doc));
	cr_assert_eq(r.status, 401);
	reply_free(&r);
	post_as(&r, &s, "tok", doc, strlen(doc));
	cr_assert_eq(r.status, 401, "a prefix of a token is no token");
	reply_free(&r);
	get(&r, &s, "/api/v1/baselines");
	cr_assert_eq(r.status, 200, "reads are open by default");
	reply_free(&r);
	srv_stop(&s);

	/* --read-token-file: reads need a token, which cannot write. */
	readers = path_join(s.dir, "readers");
	write_file(readers, READ_TOKEN "\n", strlen(READ_TOKEN) + 1);
	{
		const char *args[] = {
		    "--token-file", NULL, "--read-token-file", readers, NULL};
		char *tokens = path_join(s.dir, "tokens");

		args[1] = tokens;
		srv_start(&s, args);
		free(tokens);
	}
	get(&r, &s, "/api/v1/baselines");
	cr_assert_eq(r.status, 401);
	reply_free(&r);
	get(&r, &s, "/");
	cr_assert_eq(r.status, 401);
	cr_assert(has_header(&r, "WWW-Authenticate: Basic"), "%s", r.headers);
	reply_free(&r);
	get(&r, &s, "/healthz");
	cr_assert_eq(r.status, 200, "health checks stay open");
	reply_free(&r);
	post_as(&r, &s, READ_TOKEN, doc, strlen(doc));
	cr_assert_eq(r.status, 401, "a read token cannot post");
	reply_free(&r);
	post_as(&r, &s, TOKEN, doc, strlen(doc));
	cr_assert_eq(r.status, 201);
	reply_free(&r);
	cr_assert(asprintf(&url, "%s/api/v1/baselines", s.url) > 0);
	cr_assert(asprintf(&auth, "Authorization: Bearer %s", READ_TOKEN) > 0);
	http(&r, "GET", url, NULL, 0, (const char *[]){auth, NULL});
	cr_assert_eq(r.status, 200);
	reply_free(&r);
	/* What a browser sends after the Basic prompt: the token as password.
	 */
	http(&r, "GET", url, NULL, 0,
	    (const char *[]){
	        "Authorization: Basic dXNlcjp0b2stcmVhZGVyLTc3", NULL});
	cr_assert_eq(r.status, 200, "Basic user:" READ_TOKEN);
	reply_free(&r);
	srv_stop(&s);
	free(url);
	free(auth);
	free(readers);
	free(doc);
	srv_free(&s);
}

Test(api, bad_uploads_get_400_or_413_naming_the_problem, .timeout = 60)
{
	static const struct {
		const char *body;
		const char *words;
	} bad[] = {
	    {"{\"schema\": \"bench-tests/baseline\", \"schema_ver",
	        "truncated"},
	    {"this is not json", "not JSON"},
	    {"[1, 2, 3]", "not a bench-tests baseline"},
	    {"{\"results\": [{\"command\": \"x\", \"mean\": 1}]}", "hyperfine"},
	    {"{\"schema\": \"bench-tests/baseline\", \"schema_version\": 99, "
	     "\"results\": []}",
	        "newer"},
	    {"{\"schema\": \"bench-tests/baseline\", \"schema_version\": 1}",
	        "results: missing"},
	    {"", "empty"},
	};
	struct srv s;
	struct reply r;
	struct spec sp = three[0];
	char *doc, *big, *url;
	size_t i, n;
	const char *extra[] = {"--max-body", "64K", NULL};
	json_t *j;

	srv_new(&s, "bad", extra);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		post_as(&r, &s, TOKEN, bad[i].body, strlen(bad[i].body));
		cr_expect_eq(r.status, 400, "case %zu: %ld", i, r.status);
		j = reply_json(&r);
		cr_expect_not_null(strstr(jstr_at(j, "error"), bad[i].words),
		    "case %zu: '%s' not in '%s'", i, bad[i].words, r.body);
		json_decref(j);
		reply_free(&r);
	}
	/* A baseline without an id, and one whose field is wrong. */
	doc = make_baseline(&sp);
	{
		json_t *d = json_loads(doc, 0, NULL);
		char *t;

		json_object_del(d, "id");
		t = json_dumps(d, 0);
		post_as(&r, &s, TOKEN, t, strlen(t));
		cr_assert_eq(r.status, 400);
		cr_assert_not_null(strstr(r.body, "id: missing"), "%s", r.body);
		reply_free(&r);
		free(t);
		json_object_set_new(d, "id", json_string("x"));
		json_object_set_new(
		    json_array_get(json_object_get(first_result(d), "runs"), 3),
		    "wall", json_string("fast"));
		t = json_dumps(d, 0);
		post_as(&r, &s, TOKEN, t, strlen(t));
		cr_assert_eq(r.status, 400);
		cr_assert_not_null(
		    strstr(
		        r.body, "results[0].runs[3].wall: expected a number"),
		    "%s", r.body);
		reply_free(&r);
		free(t);
		json_decref(d);
	}
	/* Over the limit: with a Content-Length, and chunked without. */
	n = 65 * 1024;
	big = malloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	post_as(&r, &s, TOKEN, big, n);
	cr_assert_eq(r.status, 413, "%ld %s", r.status, r.body);
	cr_assert_not_null(strstr(r.body, "limit"), "%s", r.body);
	reply_free(&r);
	cr_assert(asprintf(&url, "%s/api/v1/baselines", s.url) > 0);
	http(&r, "POST", url, big, n,
	    (const char *[]){"Authorization: Bearer " TOKEN,
	        "Transfer-Encoding: chunked", NULL});
	cr_assert_eq(r.status, 413, "chunked: %ld %s", r.status, r.body);
	reply_free(&r);
	/* Without a token, a large body is refused before it is read. */
	post_as(&r, &s, NULL, big, n);
	cr_assert_eq(r.status, 401);
	reply_free(&r);
	/* The server is still fine, and nothing was stored. */
	get(&r, &s, "/healthz");
	cr_assert_eq(r.status, 200);
	j = reply_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(j, "baselines")), 0);
	json_decref(j);
	reply_free(&r);
	srv_stop(&s);
	free(url);
	free(big);
	free(doc);
	srv_free(&s);
}

Test(api, bad_requests_are_named, .timeout = 60)
{
	static const struct {
		const char *method, *path;
		long status;
		const char *words;
	} cases[] = {
	    {"GET", "/api/v1/baselines?lable=nightly", 400,
	        "unknown parameter 'lable'"},
	    {"GET", "/api/v1/baselines?limit=0", 400, "limit"},
	    {"GET", "/api/v1/baselines?limit=ten", 400, "limit"},
	    {"GET", "/api/v1/baselines?since=yesterday", 400,
	        "since: 'yesterday' is not an ISO 8601 time"},
	    {"GET", "/api/v1/baselines?until=2026-02-31", 400, "until"},
	    {"GET", "/api/v1/nothing", 404, "nothing at /api/v1/nothing"},
	    {"GET", "/api/v1/benchmarks/x", 404, "history"},
	    {"DELETE", "/api/v1/baselines", 405, "DELETE is not allowed"},
	    {"PUT", "/api/v1/baselines/abc", 405, "not allowed"},
	    {"POST", "/healthz", 405, "not allowed"},
	    {"GET", "/no/such/page", 404, "nothing at"},
	};
	struct srv s;
	struct reply r;
	char *url;
	size_t i;

	srv_new(&s, "badreq", NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert(asprintf(&url, "%s%s", s.url, cases[i].path) > 0);
		http(&r, cases[i].method, url, "", 0,
		    (const char *[]){"Authorization: Bearer " TOKEN, NULL});
		cr_expect_eq(r.status, cases[i].status, "%s %s: %ld %s",
		    cases[i].method, cases[i].path, r.status, r.body);
		cr_expect_not_null(strstr(r.body, cases[i].words),
		    "%s %s: '%s' not in %s", cases[i].method, cases[i].path,
		    cases[i].words, r.body);
		if (cases[i].status == 405)
			cr_expect(has_header(&r, "Allow: "), "%s", r.headers);
		reply_free(&r);
		free(url);
	}
	srv_stop(&s);
	srv_free(&s);
}

/* A POST whose body arrives slowly, in a thread. */
struct slow_post {
	const char *url;
	const char *doc;
	size_t len;
	volatile size_t sent;
	long status;
};

static size_t
slow_read(char *buf, size_t size, size_t n, void *arg)
{
	struct slow_post *sp = arg;
	size_t piece = sp->len / 4 + 1, room = size * n;

	if (sp->sent > 0)
		sleep_seconds(0.2);
	if (piece > room)
		piece = room;
	if (piece > sp->len - sp->sent)
		piece = sp->len - sp->sent;
	memcpy(buf, sp->doc + sp->sent, piece);
	sp->sent += piece;
	return piece;
}

static void *
slow_poster(void *arg)
{
	struct slow_post *sp = arg;
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();

	h = curl_slist_append(h, "Authorization: Bearer " TOKEN);
	/*
	 * libcurl sends the body (calls slow_read) only after the server's
	 * "100 Continue", which libmicrohttpd sends once our handler has the
	 * request: sp.sent > 0 then proves that the request is in flight.
	 * (Without it, a loaded machine could deliver SIGTERM while the
	 * connection still waited to be accepted: "the request in flight got
	 * 0".)
	 */
	h = curl_slist_append(h, "Expect: 100-continue");
	curl_easy_setopt(c, CURLOPT_URL, sp->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)sp->len);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, slow_read);
	curl_easy_setopt(c, CURLOPT_READDATA, sp);
	curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	{
		struct sink_buf b = {NULL, 0};

		curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(
			    c, CURLINFO_RESPONSE_CODE, &sp->status);
		free(b.p);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

Test(serve, sigterm_lets_the_request_in_flight_finish, .timeout = 60)
{
	struct srv s;
	struct reply r;
	struct slow_post sp;
	pthread_t th;
	char *doc = make_baseline(&three[0]), *url, *tokens, path[160];
	int st;

	srv_new(&s, "drain", NULL);
	cr_assert(asprintf(&url, "%s/api/v1/baselines", s.url) > 0);
	memset(&sp, 0, sizeof(sp));
	sp.url = url;
	sp.doc = doc;
	sp.len = strlen(doc);
	cr_assert_eq(pthread_create(&th, NULL, slow_poster, &sp), 0);
	/*
	 * The body takes 0.6 s to arrive: stop the server in the middle, once
	 * the server has the request (see slow_poster).
	 */
	for (st = 0; sp.sent == 0 && st < 1000; st++)
		sleep_seconds(0.01);
	cr_assert_gt(sp.sent, 0, "the upload did not start");
	cr_assert_lt(sp.sent, sp.len, "the upload ended too soon");
	kill(s.p.pid, SIGTERM);
	pthread_join(th, NULL);
	cr_assert_eq(
	    sp.status, 201, "the request in flight got %ld", sp.status);
	st = proc_wait(&s.p, 40);
	cr_assert_eq(st, 0);
	{
		char *err = slurp_file(s.p.err, NULL);

		cr_assert_not_null(
		    strstr(err, "1 request in flight"), "%s", err);
		cr_assert_not_null(strstr(err, "the database is closed"));
		free(err);
	}
	proc_free(&s.p);
	/* No WAL left behind: the database was closed cleanly. */
	cr_assert(asprintf(&tokens, "%s-wal", s.db) > 0);
	cr_assert_neq(access(tokens, F_OK), 0, "%s is left", tokens);
	free(tokens);
	tokens = path_join(s.dir, "tokens");
	srv_start(&s, (const char *[]){"--token-file", tokens, NULL});
	snprintf(path, sizeof(path), "/api/v1/baselines/%s", three[0].id);
	get(&r, &s, path);
	cr_assert_eq(r.status, 200);
	cr_assert(r.len == strlen(doc) && memcmp(r.body, doc, r.len) == 0);
	reply_free(&r);
	srv_stop(&s);
	free(tokens);
	free(url);
	free(doc);
	srv_free(&s);
}

Test(serve, usage_errors_exit_2_with_a_message, .timeout = 60)
{
	struct cli c;
	char *dir = scratch_dir("serveuse"), *notdb = path_join(dir, "x.txt");
	int fd;
	struct srv s;

	write_file(notdb, "hello, I am not a database\n", 27);
	cli_run(&c, NULL, NULL, 30, (const char *[]){"serve", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "--db FILE is needed"), "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "serve", "--db", notdb, "--listen", "127.0.0.1:0", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "not a database"), "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "serve", "--db", notdb, "--listen", "nowhere", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "ADDRESS:PORT"), "%s", c.err);
	cli_free(&c);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "serve", "--db", notdb, "--max-body", "lots", NULL});
	cr_assert_eq(c.status, 2);
	cli_free(&c);
	{
		static const char *const bad[][3] = {
		    {"--max-connections", "1", "at least 2"},
		    {"--max-per-address", "0", "at least 1"},
		    {"--max-per-address", "many", "--max-per-address"},
		    {"--request-timeout", "0", "--request-timeout"},
		    {"--request-timeout", "25h", "at most a day"}};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			cli_run(&c, NULL, NULL, 30,
			    (const char *[]){"serve", "--db", notdb, bad[i][0],
			        bad[i][1], NULL});
			cr_assert_eq(
			    c.status, 2, "%s %s", bad[i][0], bad[i][1]);
			cr_assert_not_null(strstr(c.err, bad[i][2]),
			    "%s %s: %s", bad[i][0], bad[i][1], c.err);
			cli_free(&c);
		}
	}
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){
	        "serve", "--db", notdb, "--metric", "wall,cpu", NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "one metric"), "%s", c.err);
	cli_free(&c);
	/* A port in use. */
	srv_new(&s, "busy", NULL);
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"serve", "--db", s.db, "--listen",
	        strstr(s.url, "127.0.0.1:"), NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "Address already in use"), "%s", c.err);
	cli_free(&c);
	srv_stop(&s);
	srv_free(&s);
	cli_run(&c, NULL, NULL, 30, (const char *[]){"serve", "--help", NULL});
	cr_assert_eq(c.status, 0);
	cr_assert_not_null(strstr(c.out, "--listen ADDR:PORT"));
	cli_free(&c);
	(void)fd;
	free(notdb);
	free(dir);
}

/*
 * Under a low limit of open files (ulimit -n) the server serves the
 * connections that fit and says so; under one too low to serve, exit 2.
 */
Test(serve, a_low_open_files_limit_lowers_the_connections_and_says_so,
    .timeout = 60)
{
	char *dir = scratch_dir("nofile"), *db = path_join(dir, "r.sqlite");
	char *out = NULL, *err;
	struct proc p;
	double waited = 0;
	int st;

	proc_start(&p, dir, "low", NULL,
	    (const char *[]){"sh", "-c",
	        "ulimit -n 300 && exec \"$0\" serve --db \"$1\" --listen "
	        "127.0.0.1:0 --threads 2",
	        bench_bin(), db, NULL});
	while (out == NULL || strstr(out, "listening on ") == NULL) {
		free(out);
		cr_assert(waitpid(p.pid, NULL, WNOHANG) == 0, "it exited: %s",
		    slurp_file(p.err, NULL));
		cr_assert_lt(waited, 20, "it did not start");
		sleep_seconds(0.05);
		waited += 0.05;
		out = slurp_file(p.out, NULL);
	}
	free(out);
	kill(p.pid, SIGTERM);
	st = proc_wait(&p, 40);
	err = slurp_file(p.err, NULL);
	cr_assert_eq(st, 0, "%s", err);
	/* 300 - (64 + 4 per thread) */
	cr_assert_not_null(strstr(err, "--max-connections 1024: only 300 open "
	                               "files allowed (ulimit -n); serving at "
	                               "most 228 connections"),
	    "%s", err);
	free(err);
	proc_free(&p);

	proc_start(&p, dir, "too-low", NULL,
	    (const char *[]){"sh", "-c",
	        "ulimit -n 60 && exec \"$0\" serve --db \"$1\" --listen "
	        "127.0.0.1:0",
	        bench_bin(), db, NULL});
	st = proc_wait(&p, 30);
	err = slurp_file(p.err, NULL);
	cr_assert_eq(st, 2, "%s", err);
	cr_assert_not_null(
	    strstr(err, "only 60 open files allowed (ulimit -n): too few"),
	    "%s", err);
	free(err);
	proc_free(&p);
	free(db);
	free(dir);
}

/* --------------------------------------------------------------- client */

/* A port nothing listens on (bound, read back, closed). */
static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* How many files a spool directory holds (*.json, not rejected/). */
static size_t
spool_count(const char *dir)
{
	char *cmd, buf[32] = "";
	FILE *f;

	cr_assert(asprintf(&cmd,
	              "ls '%s'/bench-tests/spool/*.json 2>/dev/null | wc -l",
	              dir) > 0);
	f = popen(cmd, "r");
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	pclose(f);
	free(cmd);
	return (size_t)atol(buf);
}

Test(
    client, post_stores_prints_the_url_and_never_shows_the_token, .timeout = 60)
{
	struct srv s;
	struct cli c;
	struct reply r;
	char *doc = make_baseline(&three[0]), *file, *bad, *server, *tokfile;
	char *env_tok, *state;

	srv_new(&s, "post", NULL);
	file = path_join(s.dir, "b.json");
	bad = path_join(s.dir, "bad.json");
	tokfile = path_join(s.dir, "client-token");
	write_file(file, doc, strlen(doc));
	write_file(bad, "{\"schema\": \"bench-tests/baseline\"}", 34);
	write_file(tokfile, "# ours\n" TOKEN2 "\n", strlen(TOKEN2) + 8);
	chmod(tokfile, 0600);
	cr_assert(asprintf(&server, "BENCH_TESTS_SERVER=%s", s.url) > 0);
	cr_assert(asprintf(&env_tok, "BENCH_TESTS_TOKEN=%s", TOKEN) > 0);
	cr_assert(asprintf(&state, "XDG_STATE_HOME=%s", s.dir) > 0);

	cli_run(&c, s.dir, (const char *[]){server, env_tok, state, NULL}, 30,
	    (const char *[]){"post", file, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.out, "/api/v1/baselines/"), "%s", c.out);
	cr_assert_not_null(strstr(c.out, three[0].id), "%s", c.out);
	cr_assert_not_null(strstr(c.err, "stored as"), "%s", c.err);
	cr_assert_null(strstr(c.err, TOKEN), "the token was printed");
	/* Spooled first, taken out once the server had it. */
	cr_assert_eq(spool_count(s.dir), 0, "a delivered copy stays spooled");
	cli_free(&c);
	/* Again, with the token from a file: the server has it already. */
	cli_run(&c, s.dir,
	    (const char *[]){server, "BENCH_TESTS_TOKEN=", state, NULL}, 30,
	    (const char *[]){"post", "--token-file", tokfile, file, NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "already had"), "%s", c.err);
	cr_assert_eq(spool_count(s.dir), 0);
	cli_free(&c);
	/*
	 * A wrong token: 401 with the server's message, status 2, no echo;
	 * the FILE is the user's, so no copy stays in the spool.
	 */
	cli_run(&c, s.dir,
	    (const char *[]){
	        server, "BENCH_TESTS_TOKEN=sekrit-wrong", state, NULL},
	    30, (const char *[]){"post", file, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "401"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "not accepted"), "%s", c.err);
	cr_assert_null(strstr(c.err, "sekrit"), "the token was printed");
	cr_assert_null(strstr(c.out, "sekrit"), "the token was printed");
	cr_assert_eq(spool_count(s.dir), 0, "a refused copy stays spooled");
	cli_free(&c);
	/* An invalid file is refused before anything is sent. */
	cli_run(&c, s.dir, (const char *[]){server, env_tok, NULL}, 30,
	    (const char *[]){"post", bad, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "schema_version: missing"), "%s", c.err);
	cli_free(&c);
	/* Usage: no server, nothing to post, a bad URL. */
	cli_run(&c, s.dir, (const char *[]){"BENCH_TESTS_SERVER=", NULL}, 30,
	    (const char *[]){"post", file, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "BENCH_TESTS_SERVER"), "%s", c.err);
	cli_free(&c);
	cli_run(&c, s.dir, (const char *[]){server, NULL}, 30,
	    (const char *[]){"post", NULL});
	cr_assert_eq(c.status, 2);
	cli_free(&c);
	cli_run(&c, s.dir, NULL, 30,
	    (const char *[]){"post", "--server", "ftp://x", file, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(strstr(c.err, "http://"), "%s", c.err);
	cli_free(&c);

	get(&r, &s, "/api/v1/baselines");
	cr_assert_not_null(strstr(r.body, "\"count\":1"), "%s", r.body);
	reply_free(&r);
	srv_stop(&s);
	free(state);
	free(env_tok);
	free(server);
	free(tokfile);
	free(bad);
	free(file);
	free(doc);
	srv_free(&s);
}

Test(faults, server_down_spools_then_flush_sends, .timeout = 120)
{
	struct srv s;
	struct cli c;
	struct reply r;
	char *doc = make_baseline(&three[1]), *file, *server, *state, *path;
	char *out;

	memset(&s, 0, sizeof(s));
	s.dir = scratch_dir("down");
	state = path_join(s.dir, "state");
	file = path_join(s.dir, "b.json");
	out = path_join(s.dir, "run.json");
	write_file(file, doc, strlen(doc));
	cr_assert(asprintf(&server, "BENCH_TESTS_SERVER=http://127.0.0.1:%d",
	              free_port()) > 0);
	cr_assert(asprintf(&path, "XDG_STATE_HOME=%s", state) > 0);

	/* post: retried, then spooled; status 2. */
	cli_run(&c, s.dir,
	    (const char *[]){server, path, "BENCH_TESTS_TOKEN=" TOKEN, NULL},
	    60,
	    (const char *[]){
	        "post", "--retries", "2", "--retry-delay", "50ms", file, NULL});
	cr_assert_eq(c.status, 2, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "after retries"), "%s", c.err);
	cr_assert_not_null(strstr(c.err, "post --flush"), "%s", c.err);
	cr_assert_eq(spool_count(state), 1);
	cli_free(&c);

	/* run --post: the local file first, then the spool; status 0. */
	cli_run(&c, s.dir,
	    (const char *[]){server, path, "BENCH_TESTS_TOKEN=" TOKEN, NULL},
	    60,
	    (const char *[]){"run", "--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "2", "-o", out, "--post", "--retries", "0", "--",
	        behave_bin(), "sleep", "0.01", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "could not post"), "%s", c.err);
	cr_assert_eq(access(out, R_OK), 0, "--output was not written");
	cr_assert_eq(spool_count(state), 2);
	cli_free(&c);

	/* The server comes up; --flush sends both. */
	s.db = path_join(s.dir, "results.sqlite");
	{
		char *tokens = path_join(s.dir, "tokens");
		const char *args[] = {"--token-file", tokens, NULL};

		write_file(tokens, TOKEN "\n", strlen(TOKEN) + 1);
		srv_start(&s, args);
		free(tokens);
	}
	free(server);
	cr_assert(asprintf(&server, "BENCH_TESTS_SERVER=%s", s.url) > 0);
	cli_run(&c, s.dir,
	    (const char *[]){server, path, "BENCH_TESTS_TOKEN=" TOKEN, NULL},
	    60, (const char *[]){"post", "--flush", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "flushed 2 spooled"), "%s", c.err);
	cr_assert_eq(spool_count(state), 0);
	cli_free(&c);
	{
		char *p2;
		size_t len;
		char *local = slurp_file(out, &len);
		json_t *j = json_loads(local, 0, NULL);

		/* Both are there, byte for byte. */
		cr_assert(
		    asprintf(&p2, "/api/v1/baselines/%s", three[1].id) > 0);
		get(&r, &s, p2);
		cr_assert_eq(r.status, 200);
		cr_assert(
		    r.len == strlen(doc) && memcmp(r.body, doc, r.len) == 0);
		reply_free(&r);
		free(p2);
		cr_assert(asprintf(&p2, "/api/v1/baselines/%s",
		              json_string_value(json_object_get(j, "id"))) > 0);
		get(&r, &s, p2);
		cr_assert_eq(r.status, 200);
		cr_assert(r.len == len && memcmp(r.body, local, len) == 0,
		    "the spooled run differs from its --output");
		reply_free(&r);
		free(p2);
		json_decref(j);
		free(local);
	}
	/* run --post with the server up: stored, nothing left behind. */
	cli_run(&c, s.dir,
	    (const char *[]){server, path, "BENCH_TESTS_TOKEN=" TOKEN, NULL},
	    60,
	    (const char *[]){"run", "--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--post", "--", behave_bin(), "sleep",
	        "0.01", NULL});
	cr_assert_eq(c.status, 0, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "stored baseline"), "%s", c.err);
	cr_assert_eq(spool_count(state), 0);
	cli_free(&c);
	/* A wrong token is an error (status 2); the baseline stays spooled. */
	cli_run(&c, s.dir,
	    (const char *[]){server, path, "BENCH_TESTS_TOKEN=nope", NULL}, 60,
	    (const char *[]){"run", "--no-prebuild", "-w", "0", "-r", "2",
	        "--max-runs", "2", "--post", "--", behave_bin(), "sleep",
	        "0.01", NULL});
	cr_assert_eq(c.status, 2, "%s", c.err);
	cr_assert_not_null(strstr(c.err, "refused"), "%s", c.err);
	cr_assert_eq(spool_count(state), 1);
	cli_free(&c);
	/* --post without a server is a usage error before measuring. */
	cli_run(&c, s.dir, (const char *[]){"BENCH_TESTS_SERVER=", NULL}, 30,
	    (const char *[]){"run", "--no-prebuild", "--post", "--",
	        behave_bin(), "sleep", "5", NULL});
	cr_assert_eq(c.status, 2, "%s", c.err);
	cr_assert_lt(c.seconds, 4, "it measured before failing");
	cr_assert_not_null(strstr(c.err, "--post: no server"), "%s", c.err);
	cli_free(&c);
	srv_stop(&s);
	free(out);
	free(path);
	free(server);
	free(state);
	free(file);
	free(doc);
	srv_free(&s);
}

/*
 * post FILE spools before it sends: killed (SIGKILL: nothing of it runs)
 * while it waits between its retries, it leaves the baseline in the spool,
 * byte for byte, and --flush delivers it later.
 */
Test(faults, post_killed_during_its_retries_leaves_the_baseline_spooled,
    .timeout = 60)
{
	struct proc p;
	struct cli c;
	char *dir = scratch_dir("postkill"), *file = path_join(dir, "b.json");
	char *doc = make_baseline(&three[2]), *server, *state, *spooled, *got;
	size_t len;

	write_file(file, doc, strlen(doc));
	cr_assert(asprintf(&server, "BENCH_TESTS_SERVER=http://127.0.0.1:%d",
	              free_port()) > 0);
	cr_assert(asprintf(&state, "XDG_STATE_HOME=%s", dir) > 0);
	/* Refused at once, then backoff of 1.5-2.5 s before each retry. */
	proc_start(&p, dir, "post",
	    (const char *[]){server, state, "BENCH_TESTS_TOKEN=" TOKEN, NULL},
	    (const char *[]){bench_bin(), "post", "--retries", "5",
	        "--retry-delay", "2s", file, NULL});
	sleep_seconds(1.0);
	cr_assert(waitpid(p.pid, NULL, WNOHANG) == 0,
	    "post ended before the kill: %s", slurp_file(p.err, NULL));
	kill(p.pid, SIGKILL);
	cr_assert_eq(proc_wait(&p, 10), 128 + SIGKILL);
	proc_free(&p);
	cr_assert_eq(spool_count(dir), 1, "the killed post left no copy");
	cr_assert(asprintf(&spooled, "%s/bench-tests/spool/%s.json", dir,
	              three[2].id) > 0);
	got = slurp_file(spooled, &len);
	cr_assert_not_null(got, "%s is missing", spooled);
	cr_assert(len == strlen(doc) && memcmp(got, doc, len) == 0,
	    "the spooled copy differs from the file");
	free(got);

	/* The server comes up: --flush delivers it and empties the spool. */
	{
		struct srv s;

		srv_new(&s, "postkill-srv", NULL);
		free(server);
		cr_assert(
		    asprintf(&server, "BENCH_TESTS_SERVER=%s", s.url) > 0);
		cli_run(&c, dir,
		    (const char *[]){
		        server, state, "BENCH_TESTS_TOKEN=" TOKEN, NULL},
		    30, (const char *[]){"post", "--flush", NULL});
		cr_assert_eq(c.status, 0, "%s", c.err);
		cr_assert_not_null(
		    strstr(c.err, "flushed 1 spooled"), "%s", c.err);
		cr_assert_eq(spool_count(dir), 0);
		cli_free(&c);
		srv_stop(&s);
		srv_free(&s);
	}
	free(spooled);
	free(state);
	free(server);
	free(doc);
	free(file);
	free(dir);
}

Test(client, fetch_latest_for_check_baseline_from, .timeout = 60)
{
	struct srv s;
	struct reply r;
	struct http_opts o;
	struct http_client c;
	struct bench_error err;
	char *docs[3], *text, *readers, *tokens;
	size_t i, len;
	int rc;

	srv_new(&s, "fetch", NULL);
	for (i = 0; i < 3; i++) {
		docs[i] = make_baseline(&three[i]);
		post_as(&r, &s, TOKEN, docs[i], strlen(docs[i]));
		cr_assert_eq(r.status, 201);
		reply_free(&r);
	}
	http_opts_init(&o);
	o.server = s.url;
	o.retries = 0;
	unsetenv("BENCH_TESTS_TOKEN");
	cr_assert_eq(http_client_init(&c, &o, &err), 0, "%s", err.text);
	/* The newest nightly, then the newest with benchmark "suite" and
	 * label "pr", then any label. */
	cr_assert_eq(http_fetch_latest(&c, "nightly", NULL, &text, &len, &err),
	    0, "%s", err.text);
	cr_assert(len == strlen(docs[2]) && memcmp(text, docs[2], len) == 0);
	free(text);
	cr_assert_eq(http_fetch_latest(&c, "pr", "suite", &text, &len, &err), 0,
	    "%s", err.text);
	cr_assert(len == strlen(docs[1]) && memcmp(text, docs[1], len) == 0);
	free(text);
	cr_assert_eq(http_fetch_latest(&c, NULL, "unit", &text, &len, &err), 0);
	cr_assert(len == strlen(docs[2]) && memcmp(text, docs[2], len) == 0);
	free(text);
	rc = http_fetch_latest(&c, "pr", "unit", &text, &len, &err);
	cr_assert_eq(rc, 1, "none matches: %d", rc);
	cr_assert_null(text);
	cr_assert_not_null(
	    strstr(err.text, "no baseline with label 'pr' holding benchmark "
	                     "'unit'"),
	    "%s", err.text);
	http_client_free(&c);
	srv_stop(&s);

	/* With --read-token: refused without one, fine with one. */
	readers = path_join(s.dir, "readers");
	tokens = path_join(s.dir, "tokens");
	write_file(readers, READ_TOKEN "\n", strlen(READ_TOKEN) + 1);
	srv_start(&s, (const char *[]){"--token-file", tokens,
	                  "--read-token-file", readers, NULL});
	o.server = s.url;
	cr_assert_eq(http_client_init(&c, &o, &err), 0);
	rc = http_fetch_latest(&c, "nightly", NULL, &text, &len, &err);
	cr_assert_eq(rc, BENCH_ERR_INVALID);
	cr_assert_not_null(strstr(err.text, "401"), "%s", err.text);
	http_client_free(&c);
	setenv("BENCH_TESTS_TOKEN", READ_TOKEN, 1);
	cr_assert_eq(http_client_init(&c, &o, &err), 0);
	cr_assert_eq(http_fetch_latest(&c, "nightly", NULL, &text, &len, &err),
	    0, "%s", err.text);
	free(text);
	http_client_free(&c);
	srv_stop(&s);

	/* The server is down: an I/O error after the retries. */
	o.retries = 1;
	o.retry_delay = 0.01;
	cr_assert_eq(http_client_init(&c, &o, &err), 0);
	rc = http_fetch_latest(&c, "nightly", NULL, &text, &len, &err);
	cr_assert_eq(rc, BENCH_ERR_IO);
	cr_assert_not_null(strstr(err.text, "after retries"), "%s", err.text);
	cr_assert_null(strstr(err.text, READ_TOKEN), "the token was shown");
	http_client_free(&c);
	unsetenv("BENCH_TESTS_TOKEN");
	for (i = 0; i < 3; i++)
		free(docs[i]);
	free(readers);
	free(tokens);
	srv_free(&s);
}

/* The ids a client printed as stored (one URL per line on stdout). */
static size_t
stored_ids(const char *out_path, char ids[][64], size_t max)
{
	char *text = slurp_file(out_path, NULL), *line, *save = NULL, *p;
	size_t n = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, "/api/v1/baselines/");
		if (p != NULL)
			snprintf(ids[n++], 64, "%s", p + 18);
	}
	free(text);
	return n;
}

#define CLIENTS    4
#define PER_CLIENT 40

Test(faults, sigkill_during_a_burst_loses_no_acknowledged_post, .timeout = 240)
{
	struct srv s;
	struct proc clients[CLIENTS];
	struct reply r;
	static char ids[CLIENTS * PER_CLIENT][64];
	char *files[CLIENTS][PER_CLIENT], *server, *states[CLIENTS], name[32];
	char *docs[CLIENTS][PER_CLIENT], path[160];
	const char *argv[PER_CLIENT + 8];
	size_t i, k, n, total = 0, stored;
	double waited = 0;
	sqlite3 *db;
	sqlite3_stmt *st;
	json_t *j;

	srv_new(&s, "kill", NULL);
	cr_assert(asprintf(&server, "BENCH_TESTS_SERVER=%s", s.url) > 0);
	for (k = 0; k < CLIENTS; k++) {
		for (i = 0; i < PER_CLIENT; i++) {
			struct spec sp = {NULL, NULL, "burst", "ci-1",
			    {"suite", "unit", "doc", NULL}, 1.0 + 0.01 * i,
			    0.01, 10, k * 1000 + i};
			char id[64], created[32];

			snprintf(id, sizeof(id),
			    "22222222-0000-4000-8000-%012zu", k * 1000 + i);
			snprintf(created, sizeof(created),
			    "2026-11-%02zuT%02zu:00:00Z", 1 + i % 28, k);
			sp.id = id;
			sp.created = created;
			docs[k][i] = make_baseline(&sp);
			snprintf(path, sizeof(path), "b-%zu-%zu.json", k, i);
			files[k][i] = path_join(s.dir, path);
			write_file(files[k][i], docs[k][i], strlen(docs[k][i]));
		}
		snprintf(path, sizeof(path), "state-%zu", k);
		states[k] = NULL;
		cr_assert(asprintf(&states[k], "XDG_STATE_HOME=%s/%s", s.dir,
		              path) > 0);
	}
	/* The burst: every client posts its files, one after the other. */
	for (k = 0; k < CLIENTS; k++) {
		n = 0;
		argv[n++] = bench_bin();
		argv[n++] = "post";
		argv[n++] = "--retries";
		argv[n++] = "0";
		for (i = 0; i < PER_CLIENT; i++)
			argv[n++] = files[k][i];
		argv[n] = NULL;
		snprintf(name, sizeof(name), "client-%zu", k);
		proc_start(&clients[k], s.dir, name,
		    (const char *[]){
		        server, states[k], "BENCH_TESTS_TOKEN=" TOKEN, NULL},
		    argv);
	}
	/* Kill the server once some posts are in, well before the end. */
	for (;;) {
		long long count = 0;
		char *o, *q;

		for (k = 0; k < CLIENTS; k++) {
			o = slurp_file(clients[k].out, NULL);
			for (q = o; q != NULL && (q = strchr(q, '\n')) != NULL;
			     q++)
				count++;
			free(o);
		}
		if (count >= CLIENTS * 5)
			break;
		cr_assert(waited < 60, "the posts did not start");
		sleep_seconds(0.005);
		waited += 0.005;
	}
	kill(s.p.pid, SIGKILL);
	cr_assert_eq(proc_wait(&s.p, 10), 128 + SIGKILL);
	proc_free(&s.p);
	for (k = 0; k < CLIENTS; k++) {
		int st2 = proc_wait(&clients[k], 120);
		size_t got = stored_ids(
		    clients[k].out, ids + total, CLIENTS * PER_CLIENT - total);

		/* All delivered (the kill came late) is 0, else 2. */
		cr_assert(st2 == 0 || st2 == 2, "client %zu: %d", k, st2);
		total += got;
	}
	cr_assert_lt(total, CLIENTS * PER_CLIENT,
	    "every post went through before the kill: the test proves "
	    "nothing");

	/* Restart on the same file: every acknowledged post is there. */
	{
		char *tokens = path_join(s.dir, "tokens");

		srv_start(&s, (const char *[]){"--token-file", tokens, NULL});
		free(tokens);
	}
	for (i = 0; i < total; i++) {
		snprintf(path, sizeof(path), "/api/v1/baselines/%s", ids[i]);
		get(&r, &s, path);
		cr_assert_eq(r.status, 200, "acknowledged %s is lost", ids[i]);
		reply_free(&r);
	}
	get(&r, &s, "/healthz");
	j = reply_json(&r);
	stored = (size_t)json_integer_value(json_object_get(j, "baselines"));
	cr_assert_geq(stored, total);
	json_decref(j);
	reply_free(&r);
	srv_stop(&s);

	cr_assert_eq(
	    sqlite3_open_v2(s.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
	    SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	/* Every stored baseline has all its results (no half transaction). */
	cr_assert_eq(sqlite3_prepare_v2(db,
	                 "SELECT count(*) FROM baselines b WHERE (SELECT "
	                 "count(*) FROM results r WHERE r.baseline = b.seq) "
	                 "!= 3",
	                 -1, &st, NULL),
	    SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);

	for (k = 0; k < CLIENTS; k++) {
		for (i = 0; i < PER_CLIENT; i++) {
			free(files[k][i]);
			free(docs[k][i]);
		}
		free(states[k]);
		proc_free(&clients[k]);
	}
	free(server);
	srv_free(&s);
}

/* ---------------------------------------------------------------- guard */

/* Raise this process's open-file limit to need, or fail saying why. */
static void
need_fds(rlim_t need)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= need)
		return;
	cr_assert_geq(rl.rlim_max, need,
	    "this test needs %llu open files; the hard limit is %llu "
	    "(ulimit -Hn)",
	    (unsigned long long)need, (unsigned long long)rl.rlim_max);
	rl.rlim_cur = need;
	cr_assert_eq(
	    setrlimit(RLIMIT_NOFILE, &rl), 0, "setrlimit: %s", strerror(errno));
}

static int
url_port(const char *url)
{
	const char *c = strrchr(url, ':');

	cr_assert_not_null(c, "no port in %s", url);
	return atoi(c + 1);
}

/*
 * A non-blocking connection from the loopback address src (the whole of
 * 127/8 is on lo) to 127.0.0.1:port; it may still be connecting.
 */
static int
connect_from(const char *src, int port)
{
	struct sockaddr_in a;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	/* The port is picked at connect: binds alone would run out. */
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	cr_assert_eq(inet_pton(AF_INET, src, &a.sin_addr), 1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0,
	    "bind %s: %s", src, strerror(errno));
	a.sin_port = htons((uint16_t)port);
	cr_assert_eq(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		cr_assert_eq(errno, EINPROGRESS, "connect from %s: %s", src,
		    strerror(errno));
	return fd;
}

/* A slow client: one header byte every `trickle` seconds, forever. */
struct trickler {
	int fd;      /* -1: none (it reconnects at `next`) */
	int open;    /* connected */
	double next; /* its next byte, or its reconnection */
	char from[16];
};

/* Many slow clients, which reconnect a second after the server drops one. */
struct attack {
	struct trickler *t;
	size_t n;
	int port;
	double trickle;
	size_t connects; /* connections made */
	size_t dropped;  /* closed by the server (EOF, reset) */
	size_t answered; /* the server answered one: it should not */
	int settle;      /* no more reconnections */
};

static const char slow_head[] =
    "GET /healthz HTTP/1.1\r\nHost: guard\r\nX-Slow: ";

static void
attack_start(
    struct attack *k, const char *const *from, size_t n, int port, double t)
{
	size_t i, nfrom = 0;

	while (from[nfrom] != NULL)
		nfrom++;
	memset(k, 0, sizeof(*k));
	k->t = calloc(n, sizeof(*k->t));
	cr_assert_not_null(k->t);
	k->n = n;
	k->port = port;
	k->trickle = t;
	for (i = 0; i < n; i++) {
		k->t[i].fd = -1;
		snprintf(
		    k->t[i].from, sizeof(k->t[i].from), "%s", from[i % nfrom]);
	}
}

static void
trickler_drop(struct attack *k, struct trickler *t, double now)
{
	close(t->fd);
	t->fd = -1;
	t->open = 0;
	t->next = now + 1.0;
	k->dropped++;
}

/* One round: connect, send the bytes due, notice what the server closed. */
static void
attack_step(struct attack *k)
{
	struct pollfd *p = calloc(k->n, sizeof(*p));
	double now = mono_now();
	char buf[512];
	size_t i;
	ssize_t got;
	int err;
	socklen_t el;

	cr_assert_not_null(p);
	for (i = 0; i < k->n; i++) {
		struct trickler *t = &k->t[i];

		if (t->fd < 0 && !k->settle && now >= t->next) {
			t->fd = connect_from(t->from, k->port);
			k->connects++;
		}
		p[i].fd = t->fd;
		p[i].events = t->open ? POLLIN | POLLRDHUP : POLLOUT;
	}
	cr_assert_geq(poll(p, (nfds_t)k->n, 0), 0);
	for (i = 0; i < k->n; i++) {
		struct trickler *t = &k->t[i];

		if (t->fd < 0)
			continue;
		if (!t->open &&
		    (p[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
			el = sizeof(err);
			err = 0;
			getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err != 0 ||
			    send(t->fd, slow_head, sizeof(slow_head) - 1,
			        MSG_NOSIGNAL) < 0) {
				trickler_drop(k, t, now);
				continue;
			}
			t->open = 1;
			t->next = now + k->trickle;
			continue;
		}
		if (t->open &&
		    (p[i].revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))) {
			got = recv(t->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (got > 0)
				k->answered++;
			trickler_drop(k, t, now);
			continue;
		}
		if (t->open && now >= t->next) {
			if (send(t->fd, "a", 1, MSG_NOSIGNAL) != 1 &&
			    errno != EAGAIN)
				trickler_drop(k, t, now);
			else
				t->next = now + k->trickle;
		}
	}
	free(p);
}

/* Run the attack for seconds. */
static void
attack_for(struct attack *k, double seconds)
{
	double end = mono_now() + seconds;

	while (mono_now() < end) {
		attack_step(k);
		sleep_seconds(0.02);
	}
}

/* How many of the slow clients are connected now. */
static size_t
attack_open(const struct attack *k)
{
	size_t i, n = 0;

	for (i = 0; i < k->n; i++)
		n += k->t[i].open;
	return n;
}

static void
attack_end(struct attack *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->t[i].fd >= 0)
			close(k->t[i].fd);
	free(k->t);
	k->t = NULL;
}

/* A fresh client from another address: GET /healthz every second. */
struct prober {
	char url[160];
	const char *from; /* libcurl's CURLOPT_INTERFACE */
	volatile int stop;
	size_t tries, ok;
	double worst;
	char failure[256]; /* the first failure */
};

static void *
probe_loop(void *arg)
{
	struct prober *p = arg;
	double t0, dt;
	long status;
	CURLcode rc;

	while (!p->stop) {
		CURL *c = curl_easy_init();
		struct sink_buf b = {NULL, 0};

		t0 = mono_now();
		curl_easy_setopt(c, CURLOPT_URL, p->url);
		curl_easy_setopt(c, CURLOPT_INTERFACE, p->from);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
		status = 0;
		rc = curl_easy_perform(c);
		dt = mono_now() - t0;
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		free(b.p);
		p->tries++;
		if (dt > p->worst)
			p->worst = dt;
		if (rc == CURLE_OK && status == 200 && dt <= 1.0)
			p->ok++;
		else if (p->failure[0] == '\0')
			snprintf(p->failure, sizeof(p->failure),
			    "probe %zu: %s, status %ld after %.3f s", p->tries,
			    curl_easy_strerror(rc), status, dt);
		if (t0 + 1.0 > mono_now())
			sleep_seconds(t0 + 1.0 - mono_now());
	}
	return NULL;
}

/* Probe from 127.0.0.2 every second while the attack goes on. */
static void
probe_during(
    struct prober *p, const struct srv *s, struct attack *k, double seconds)
{
	pthread_t th;

	memset(p, 0, sizeof(*p));
	snprintf(p->url, sizeof(p->url), "%s/healthz", s->url);
	p->from = "host!127.0.0.2";
	cr_assert_eq(pthread_create(&th, NULL, probe_loop, p), 0);
	attack_for(k, seconds);
	p->stop = 1;
	pthread_join(th, NULL);
}

/* How many lines of text hold needle (NULL: every line). */
static size_t
count_lines(const char *text, const char *needle)
{
	const char *line, *end;
	size_t n = 0;

	for (line = text; *line != '\0'; line = *end == '\0' ? end : end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if (needle == NULL || memmem(line, (size_t)(end - line), needle,
		                          strlen(needle)) != NULL)
			n++;
	}
	return n;
}

/*
 * 1,100 connections from 127.0.0.1 that send a header byte every 2 s (and
 * come back when dropped) take no more than --max-per-address of the
 * server; a fresh client from 127.0.0.2 is answered within a second,
 * every second, and the log says what happened in a few lines.
 */
Test(guard, slow_clients_from_one_address_leave_the_server_to_others,
    .timeout = 90)
{
	static const char *const from[] = {"127.0.0.1", NULL};
	struct srv s;
	struct attack k;
	struct prober p;
	size_t held;
	char *err;

	need_fds(1400);
	srv_new(&s, "slow", NULL);
	attack_start(&k, from, 1100, url_port(s.url), 2.0);
	attack_for(&k, 1.5);
	probe_during(&p, &s, &k, 12.0);
	/* What the server holds, once the refused ones have seen it. */
	k.settle = 1;
	attack_for(&k, 1.5);
	held = attack_open(&k);
	cr_assert_geq(p.tries, 10, "%zu probes", p.tries);
	cr_assert_eq(p.ok, p.tries,
	    "%zu of %zu probes from 127.0.0.2 failed (worst %.3f s); %s",
	    p.tries - p.ok, p.tries, p.worst, p.failure);
	cr_assert_geq(k.connects, 1100);
	cr_assert_geq(k.dropped, 1000,
	    "the server dropped %zu of %zu slow connections: the attack did "
	    "not reach its limit",
	    k.dropped, k.connects);
	cr_assert_eq(k.answered, 0, "a slow client got an answer");
	cr_assert(held >= 50 && held <= 64,
	    "the server holds %zu slow connections from one address "
	    "(--max-per-address 64)",
	    held);
	attack_end(&k);
	err = srv_stop_log(&s);
	cr_assert_not_null(
	    strstr(err, "over --max-per-address 64"), "the log: %s", err);
	/* Thousands of refusals, a few lines (item 10 of issue 10). */
	cr_assert_leq(count_lines(err, NULL), 30, "%zu lines of log:\n%s",
	    count_lines(err, NULL), err);
	free(err);
	srv_free(&s);
}

/* When did the server close fd (seconds after t0; -1: within limit)? */
struct watched {
	int fd;
	double t0;           /* when its deadline started, as we see it */
	double closed;       /* seconds after t0, or -1 */
	const char *trickle; /* what to send, a byte at a time */
	size_t sent;
	double next;
};

/*
 * Requests that trickle in (headers, a body, nothing at all, the second
 * request of a kept-alive connection, whose deadline starts after the
 * first answer) are cut at --request-timeout however
 * busy their sender keeps the connection; a quick upload meanwhile is
 * stored.
 */
Test(guard, a_request_that_trickles_in_is_cut_at_its_deadline, .timeout = 60)
{
	static const char post_head[] =
	    "POST /api/v1/baselines HTTP/1.1\r\nHost: guard\r\n"
	    "Authorization: Bearer " TOKEN "\r\n"
	    "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
	/* Answered after its body, so libmicrohttpd keeps the connection. */
	static const char post_small[] =
	    "POST /api/v1/baselines HTTP/1.1\r\nHost: guard\r\n"
	    "Authorization: Bearer " TOKEN "\r\n"
	    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
	struct srv s;
	struct reply r;
	struct watched w[4];
	char buf[4096], *doc = make_baseline(&three[0]);
	size_t i, got_first = 0;
	int port, posted = 0, done;
	double start, now;
	ssize_t n;

	srv_new(
	    &s, "deadline", (const char *[]){"--request-timeout", "2s", NULL});
	port = url_port(s.url);
	memset(w, 0, sizeof(w));
	for (i = 0; i < 4; i++) {
		struct pollfd pf;

		w[i].fd = connect_from("127.0.0.1", port);
		pf.fd = w[i].fd;
		pf.events = POLLOUT;
		cr_assert_eq(poll(&pf, 1, 5000), 1, "connect %zu", i);
		w[i].t0 = mono_now();
		w[i].closed = -1;
		w[i].next = w[i].t0;
	}
	/* 0: headers; 1: a body; 2: nothing; 3: a second request. */
	cr_assert(
	    send(w[0].fd, slow_head, sizeof(slow_head) - 1, MSG_NOSIGNAL) > 0);
	w[0].trickle = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn";
	cr_assert(
	    send(w[1].fd, post_head, sizeof(post_head) - 1, MSG_NOSIGNAL) > 0);
	w[1].trickle =
	    "{\"schema\": \"bench-tests/baseline\", \"xxxxxxxxxxxxxx";
	cr_assert(send(w[3].fd, post_small, sizeof(post_small) - 1,
	              MSG_NOSIGNAL) > 0);
	w[3].trickle = NULL; /* set once the first answer is in */
	start = mono_now();
	for (;;) {
		now = mono_now();
		cr_assert_lt(now - start, 10,
		    "still open after 10 s: headers %.2f, body %.2f, idle "
		    "%.2f, second request %.2f",
		    w[0].closed, w[1].closed, w[2].closed, w[3].closed);
		if (!posted && now - start > 0.5) {
			/* A quick upload is not disturbed. */
			post_as(&r, &s, TOKEN, doc, strlen(doc));
			cr_assert_eq(r.status, 201, "%s", r.body);
			reply_free(&r);
			posted = 1;
		}
		done = 1;
		for (i = 0; i < 4; i++) {
			if (w[i].closed >= 0)
				continue;
			done = 0;
			n = recv(w[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN)) {
				w[i].closed = mono_now() - w[i].t0;
				continue;
			}
			if (n > 0 && i == 3 && !got_first) {
				cr_assert(
				    memmem(buf, (size_t)n, " 400 ", 5) !=
				            NULL &&
				        memmem(buf, (size_t)n,
				            "Connection: close", 17) == NULL,
				    "%.*s", (int)n, buf);
				got_first = 1;
				/* Its second request starts its deadline. */
				w[3].t0 = mono_now();
				w[3].next = w[3].t0;
				cr_assert(send(w[3].fd, slow_head,
				              sizeof(slow_head) - 1,
				              MSG_NOSIGNAL) > 0);
				w[3].trickle = w[0].trickle;
				continue;
			}
			cr_assert_leq(n, 0, "connection %zu got an answer", i);
			if (w[i].trickle != NULL && now >= w[i].next &&
			    w[i].trickle[w[i].sent] != '\0') {
				if (send(w[i].fd, w[i].trickle + w[i].sent, 1,
				        MSG_NOSIGNAL) == 1)
					w[i].sent++;
				w[i].next = now + 0.25;
			}
		}
		if (done && posted)
			break;
		sleep_seconds(0.01);
	}
	for (i = 0; i < 4; i++) {
		close(w[i].fd);
		/* The sweep runs 4 times a second; the machine may be busy. */
		cr_assert_geq(w[i].closed, 1.9,
		    "connection %zu cut after %.2f s", i, w[i].closed);
		cr_assert_leq(w[i].closed, 5.0,
		    "connection %zu cut after %.2f s", i, w[i].closed);
	}
	cr_assert(w[0].sent >= 6 && w[1].sent >= 6, "the tricklers idled");
	get(&r, &s, "/healthz");
	cr_assert_eq(r.status, 200);
	reply_free(&r);
	srv_stop_saying(&s, "cut 4 requests past --request-timeout 2s");
	free(doc);
	srv_free(&s);
}

/*
 * A client that asks for a large answer and reads none of it holds its
 * slot for --request-timeout plus a second per 64 KiB of the answer, not
 * for as long as it likes: read late, the answer is cut short.
 */
Test(guard, a_client_that_reads_slowly_is_cut_too, .timeout = 60)
{
	struct spec sp = {"33333333-0000-4000-8000-000000000001",
	    "2026-11-05T02:00:00Z", "nightly", "ci-1", {"a", "b", "c", NULL},
	    1.0, 0.01, 160, 5};
	char *doc = make_baseline(&sp), buf[65536], req[160];
	struct sockaddr_in a;
	struct reply r;
	struct srv s;
	size_t len = strlen(doc), got = 0;
	double t0, allowed;
	int fd, small = 4096, mss = 536;
	ssize_t n;

	cr_assert_gt(len, 200000, "the answer must not fit in the buffers");
	srv_new(
	    &s, "slowread", (const char *[]){"--request-timeout", "1s", NULL});
	post_as(&r, &s, TOKEN, doc, len);
	cr_assert_eq(r.status, 201, "%s", r.body);
	reply_free(&r);
	/* Small buffers and segments: the server cannot hand it all over. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)url_port(s.url));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(req, sizeof(req),
	    "GET /api/v1/baselines/%s HTTP/1.1\r\nHost: guard\r\n\r\n", sp.id);
	cr_assert(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
	t0 = mono_now();
	allowed = 1.0 + (double)len / (64 * 1024);
	/* Read nothing until well after the deadline... */
	sleep_seconds(allowed + 1.5);
	/* ...then everything there is: the answer ends short. */
	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};

		cr_assert_eq(poll(&pf, 1, 10000), 1, "neither data nor an end");
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		cr_assert_lt(mono_now() - t0, allowed + 20, "it never ends");
	}
	close(fd);
	cr_assert_lt(got, len,
	    "the slow reader got the whole answer (%zu bytes of %zu) after "
	    "%.1f s",
	    got, len, mono_now() - t0);
	srv_stop_saying(&s, "cut 1 request past --request-timeout 1s");
	free(doc);
	srv_free(&s);
}

/*
 * 80 slow connections from 10 addresses (8 each: within
 * --max-per-address) against --max-connections 48: the last 3 slots stay
 * for addresses that hold none, so 127.0.0.2 is answered.
 */
Test(guard, the_last_slots_are_kept_for_addresses_that_hold_none, .timeout = 60)
{
	static const char *const from[] = {"127.0.0.3", "127.0.0.4",
	    "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9",
	    "127.0.0.10", "127.0.0.11", "127.0.0.12", NULL};
	struct srv s;
	struct attack k;
	struct prober p;
	size_t held;

	srv_new(&s, "reserve",
	    (const char *[]){
	        "--max-connections", "48", "--max-per-address", "8", NULL});
	attack_start(&k, from, 80, url_port(s.url), 2.0);
	attack_for(&k, 1.5);
	probe_during(&p, &s, &k, 4.0);
	held = attack_open(&k);
	cr_assert_geq(p.tries, 4, "%zu probes", p.tries);
	cr_assert_eq(p.ok, p.tries,
	    "%zu of %zu probes from 127.0.0.2 failed (worst %.3f s); %s",
	    p.tries - p.ok, p.tries, p.worst, p.failure);
	cr_assert_geq(held, 40, "the server holds %zu slow connections", held);
	cr_assert_geq(k.dropped, 20, "%zu dropped", k.dropped);
	attack_end(&k);
	srv_stop_saying(&s, "keeping the last 3 slots free");
	srv_free(&s);
}

/* Open and close n connections with half a request: libmicrohttpd says
 * something about each. */
static void
half_requests(const struct srv *s, size_t n)
{
	static const char half[] = "GET / HTTP/1.1\r\nHost: guard\r\n";
	struct reply r;
	struct pollfd pf;
	int fds[64];
	size_t i;

	cr_assert_leq(n, 64);
	for (i = 0; i < n; i++) {
		pf.fd = fds[i] = connect_from("127.0.0.1", url_port(s->url));
		pf.events = POLLOUT;
		cr_assert_eq(poll(&pf, 1, 5000), 1);
		cr_assert(
		    send(pf.fd, half, sizeof(half) - 1, MSG_NOSIGNAL) > 0);
	}
	/* Read before the close: then libmicrohttpd has something to say. */
	sleep_seconds(0.3);
	for (i = 0; i < n; i++)
		close(fds[i]);
	/* The server has seen them all once it answers after them. */
	sleep_seconds(0.3);
	get(&r, s, "/healthz");
	cr_assert_eq(r.status, 200);
	reply_free(&r);
}

/*
 * libmicrohttpd's messages (one per broken connection, which any client
 * can provoke) reach the log at most 5 per 10 s, with a count of the rest;
 * with -q, none.
 */
Test(guard, libmicrohttpd_messages_are_rate_limited_and_quiet_drops_them,
    .timeout = 60)
{
	struct srv s;
	char *err, *line;
	size_t shown, more = 0;

	srv_new(&s, "mhdlog", NULL);
	half_requests(&s, 40);
	err = srv_stop_log(&s);
	shown = count_lines(err, "libmicrohttpd: ") -
	        count_lines(err, " not shown");
	for (line = strstr(err, "libmicrohttpd: "); line != NULL;
	     line = strstr(line + 1, "libmicrohttpd: ")) {
		unsigned long k;

		if (sscanf(line, "libmicrohttpd: %lu more message", &k) == 1)
			more += k;
	}
	cr_assert_geq(shown, 1, "no message of libmicrohttpd: %s", err);
	cr_assert_leq(shown, 10, "%zu messages shown:\n%s", shown, err);
	cr_assert_geq(shown + more, 40,
	    "%zu shown and %zu counted, for 40 broken connections:\n%s", shown,
	    more, err);
	free(err);
	srv_free(&s);

	srv_new(&s, "mhdlog-q", (const char *[]){"-q", NULL});
	half_requests(&s, 40);
	kill(s.p.pid, SIGTERM);
	cr_assert_eq(proc_wait(&s.p, 40), 0);
	err = slurp_file(s.p.err, NULL);
	proc_free(&s.p);
	cr_assert_null(strstr(err, "libmicrohttpd"), "with -q: %s", err);
	free(err);
	srv_free(&s);
}

/* -------------------------------------------------------------- browser */

/* Run headless Chromium on url with mode (--dump-dom or --screenshot=F). */
static char *
chromium(const char *dir, const char *mode, const char *url)
{
	struct proc p;
	char *profile, *arg, name[32], *found;
	static int calls;
	int st;

	found = program_path(CHROMIUM);
	if (found == NULL)
		cr_assert_fail(
		    "chromium is not installed: run .ci/install-deps "
		    "(it installs Debian's chromium package)");
	free(found);
	snprintf(name, sizeof(name), "chromium-%d", calls++);
	profile = path_join(dir, name);
	cr_assert(
	    mkdir(profile, 0700) == 0, "%s: %s", profile, strerror(errno));
	cr_assert(asprintf(&arg, "--user-data-dir=%s", profile) > 0);
	proc_start(&p, dir, name, NULL,
	    (const char *[]){CHROMIUM, "--headless", "--no-sandbox",
	        "--disable-gpu", "--no-first-run",
	        "--disable-background-networking", "--disable-component-update",
	        "--disable-sync", arg, "--window-size=1200,1500", mode, url,
	        NULL});
	st = proc_wait(&p, 90);
	cr_assert_eq(
	    st, 0, "chromium exited %d: %s", st, slurp_file(p.err, NULL));
	free(arg);
	free(profile);
	{
		char *out = slurp_file(p.out, NULL);

		proc_free(&p);
		return out;
	}
}

Test(browser, the_page_shows_history_chart_and_changes, .timeout = 240)
{
	struct srv s;
	struct reply r;
	char *doc, *dom, *url, *shot, *png, id[64], created[32], name_url[128];
	const char *nasty = "suite <b>&amp; \"quoted\"</b>";
	size_t i, len, links = 0;
	const char *p;

	srv_new(&s, "browser", NULL);
	/* Eight nightly baselines; the sixth is 25 % slower. */
	for (i = 0; i < 8; i++) {
		struct spec sp = {NULL, NULL, "nightly", "ci-1",
		    {"suite", NULL, NULL}, i < 5 ? 1.0 : 1.25, 0.01, 10,
		    40 + i};

		sp.names[1] = nasty;
		snprintf(id, sizeof(id), "33333333-0000-4000-8000-%012zu", i);
		snprintf(created, sizeof(created), "2026-11-%02zuT02:00:00Z",
		    10 + i);
		sp.id = id;
		sp.created = created;
		doc = make_baseline(&sp);
		post_as(&r, &s, TOKEN, doc, strlen(doc));
		cr_assert_eq(r.status, 201, "%s", r.body);
		reply_free(&r);
		free(doc);
	}

	/* The front page: both benchmarks, escaped, with their trends. */
	cr_assert(asprintf(&url, "%s/", s.url) > 0);
	dom = chromium(s.dir, "--dump-dom", url);
	cr_assert_not_null(strstr(dom, "<h1>Benchmarks</h1>"), "%s", dom);
	cr_assert_not_null(strstr(dom, ">suite</a>"), "%s", dom);
	cr_assert_not_null(
	    strstr(dom, "suite &lt;b&gt;&amp;amp; \"quoted\"&lt;/b&gt;"), "%s",
	    dom);
	cr_assert_null(strstr(dom, "<b>"), "a name became markup");
	cr_assert_not_null(strstr(dom, "class=\"spark\""), "%s", dom);
	cr_assert_not_null(strstr(dom, "class=\"num change slower\">+25."),
	    "the change is not shown: %s", dom);
	free(dom);
	shot = path_join(TOP_BUILDDIR "/tests/work", "server-index.png");
	cr_assert(asprintf(&png, "--screenshot=%s", shot) > 0);
	free(chromium(s.dir, png, url));
	free(png);
	free(shot);
	free(url);

	/* A benchmark's page, reached by its (escaped) name. */
	snprintf(name_url, sizeof(name_url), "%s",
	    "suite%20%3Cb%3E%26amp%3B%20%22quoted%22%3C%2Fb%3E");
	cr_assert(asprintf(&url, "%s/benchmarks/%s", s.url, name_url) > 0);
	get(&r, &s, strstr(url, "/benchmarks/"));
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(has_header(&r, "Content-Security-Policy: default-src 'none'"),
	    "%s", r.headers);
	reply_free(&r);
	free(url);
	cr_assert(asprintf(&url, "%s/benchmarks/suite", s.url) > 0);
	dom = chromium(s.dir, "--dump-dom", url);
	cr_assert_not_null(strstr(dom, "<svg class=\"chart\""), "%s", dom);
	cr_assert_not_null(strstr(dom, "time per run (s)"), "no y unit");
	cr_assert_not_null(strstr(dom, "measured (UTC)"), "no x title");
	cr_assert_not_null(strstr(dom, "class=\"ci-band\""), "no CI band");
	cr_assert_not_null(strstr(dom, "class=\"mean-line\""), "no mean");
	cr_assert_not_null(strstr(dom, "class=\"user-line\""), "no user");
	cr_assert_not_null(strstr(dom, "class=\"sys-line\""), "no system");
	cr_assert_not_null(strstr(dom, "2026-11-10"), "no date on the axis");
	cr_assert_not_null(
	    strstr(dom, "Significant changes (1)"), "changes: %s", dom);
	cr_assert_not_null(strstr(dom, "class=\"change slower\""), "%s", dom);
	cr_assert_not_null(strstr(dom, "+25."), "the change in %%");
	cr_assert_not_null(strstr(dom, "Baselines (8)"), "%s", dom);
	for (p = dom; (p = strstr(p, "class=\"json\" href=\"/api/v1/"
	                             "baselines/33333333-")) != NULL;
	     p++)
		links++;
	cr_assert_eq(links, 8, "links to the JSON of every baseline");
	free(dom);
	/* Kept as an artefact of the test run. */
	shot = path_join(TOP_BUILDDIR "/tests/work", "server-page.png");
	cr_assert(asprintf(&png, "--screenshot=%s", shot) > 0);
	free(chromium(s.dir, png, url));
	{
		char *bytes = slurp_file(shot, &len);

		cr_assert_not_null(bytes, "no screenshot at %s", shot);
		cr_assert(len > 20000 && memcmp(bytes, "\x89PNG", 4) == 0,
		    "%s is not a real screenshot (%zu bytes)", shot, len);
		free(bytes);
	}
	free(png);
	free(shot);
	free(url);

	/* A filter that matches nothing, and an unknown benchmark. */
	get(&r, &s, "/benchmarks/suite?label=none");
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body, "No baseline matches"), "%s", r.body);
	reply_free(&r);
	get(&r, &s, "/benchmarks/nothing");
	cr_assert_eq(r.status, 404);
	cr_assert_not_null(strstr(r.body, "<html"), "%s", r.body);
	reply_free(&r);
	srv_stop(&s);
	srv_free(&s);
}

HARNESS_MAIN

Test(client, check_baseline_from_compares_with_the_newest_on_the_server,
    .timeout = 60)
{
	static const struct spec slower = {
	    "22222222-0000-4000-8000-000000000009", "2026-11-04T02:00:00Z",
	    "nightly", "ci-1", {"suite", "unit", NULL}, 1.8, 0.01, 10, 9};
	struct srv s;
	struct reply r;
	struct cli c;
	char *docs[3], *result_doc, *result, *url;
	size_t i;

	srv_new(&s, "checkfrom", NULL);
	for (i = 0; i < 3; i++) {
		docs[i] = make_baseline(&three[i]);
		post_as(&r, &s, TOKEN, docs[i], strlen(docs[i]));
		cr_assert_eq(r.status, 201);
		reply_free(&r);
	}
	/* A result 50 % slower than the newest nightly (1.2 s). */
	result_doc = make_baseline(&slower);
	result = path_join(s.dir, "result.json");
	write_file(result, result_doc, strlen(result_doc));
	url = strdup(s.url);

	cli_run(&c, NULL, (const char *[]){"BENCH_TESTS_TOKEN=", NULL}, 30,
	    (const char *[]){"check", "--baseline-from", url, "--label",
	        "nightly", "--result", result, "--fail", "30", "--format",
	        "json", NULL});
	cr_assert_eq(c.status, 1, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.out, "\"status\": \"fail\""), "%s", c.out);
	/* Compared with the newest nightly, the one of 2026-11-03. */
	cr_assert_not_null(
	    strstr(c.out, "newest labelled nightly"), "%s", c.out);
	cli_free(&c);

	/* No baseline with that label: a note, exit 0. */
	cli_run(&c, NULL, (const char *[]){"BENCH_TESTS_TOKEN=", NULL}, 30,
	    (const char *[]){"check", "--baseline-from", url, "--label",
	        "release", "--result", result, NULL});
	cr_assert_eq(c.status, 0, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "no baseline at"), "%s", c.err);
	cli_free(&c);

	/* --baseline and --baseline-from together: a usage error. */
	cli_run(&c, NULL, NULL, 30,
	    (const char *[]){"check", "--baseline", result, "--baseline-from",
	        url, "--result", result, NULL});
	cr_assert_eq(c.status, 2);
	cr_assert_not_null(
	    strstr(c.err, "either --baseline FILE or"), "%s", c.err);
	cli_free(&c);

	/* The server is down: the gate cannot run, exit 2, nothing measured. */
	srv_stop(&s);
	cli_run(&c, NULL, (const char *[]){"BENCH_TESTS_TOKEN=", NULL}, 60,
	    (const char *[]){"check", "--baseline-from", url, "--label",
	        "nightly", "--retries", "0", "--result", result, NULL});
	cr_assert_eq(c.status, 2, "exit %d: %s", c.status, c.err);
	cr_assert_not_null(strstr(c.err, "--baseline-from"), "%s", c.err);
	cli_free(&c);
	for (i = 0; i < 3; i++)
		free(docs[i]);
	free(result_doc);
	free(result);
	free(url);
	srv_free(&s);
}
