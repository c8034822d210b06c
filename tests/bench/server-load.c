/*
 * server-load.c: load for the results server benchmark
 * (tests/bench/server-bench.sh).
 *
 *   server-load gen RESULTS RUNS [HOST [PREFIX]]
 *                                            a baseline on stdout: a sweep
 *                                            of RESULTS crates (PREFIX-NN,
 *                                            default crate), RUNS runs each,
 *                                            from HOST (ci-runner-07)
 *   server-load post URL TEMPLATE SECONDS CLIENTS
 *                                            CLIENTS threads post copies of
 *                                            TEMPLATE (each with a new id) for
 *                                            SECONDS; prints posts/s, p50, p99
 *   server-load fill URL TEMPLATE COUNT CLIENTS   post COUNT copies
 *   server-load get URL TIMES [STATUS]       GET URL TIMES times (answered
 *                                            STATUS, 200); latencies
 *
 * The token is read from BENCH_TESTS_TOKEN.  Every request is bounded in
 * time (libcurl timeouts) and every loop in count or time; only loopback
 * URLs are accepted.
 */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "report.h"
#include "stats.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *
xstrdup_(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

static double
gauss(unsigned long long *s)
{
	double u1, u2;

	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	u1 = ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	u2 = ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* A sweep of n crates with runs runs each, as run writes it. */
static int
gen(size_t n, size_t runs, const char *host, const char *prefix)
{
	struct baseline *b = report_baseline_create();
	struct bench_result *r;
	unsigned long long st = 42;
	char name[48], *text;
	size_t i, k;

	b->id = xstrdup_("00000000-0000-4000-8000-000000000000");
	b->created = xstrdup_("2026-11-22T02:00:00Z");
	b->label = xstrdup_("nightly");
	b->tool_version = xstrdup_(PACKAGE_VERSION);
	b->workspace = xstrdup_("/home/ci/work/workspace");
	b->env.hostname = xstrdup_(host);
	b->env.os = xstrdup_("Debian GNU/Linux 12 (bookworm)");
	b->env.kernel = xstrdup_("Linux 6.1.0-27-amd64");
	b->env.arch = xstrdup_("x86_64");
	b->env.cpu_model = xstrdup_("AMD EPYC 7763 64-Core Processor");
	b->env.cpu_cores = 2;
	b->env.memory_bytes = 24LL << 30;
	b->env.rustc = xstrdup_("rustc 1.95.0 (2026-10-30)");
	b->env.cargo = xstrdup_("cargo 1.95.0");
	b->env.git_commit =
	    xstrdup_("4923841c4f2dd1aa0123456789abcdef01234567");
	b->env.git_dirty = 0;
	b->settings.warmup = 3;
	b->settings.runs = runs;
	b->settings.max_runs = 30;
	b->settings.tolerance = 0.05;
	b->settings.ci_level = 0.95;
	b->settings.outlier_threshold = 3.5;
	b->settings.prebuild = xstrdup_("cargo test --workspace --no-run");
	for (k = 0; k < n; k++) {
		double mean = 0.2 + 0.05 * (double)k;

		r = report_baseline_add_result(b);
		snprintf(name, sizeof(name), "%.20s-%02zu", prefix, k);
		r->name = xstrdup_(name);
		r->command = xstrdup_("cargo test -p crate");
		r->argv = calloc(5, sizeof(char *));
		r->argv[0] = xstrdup_("cargo");
		r->argv[1] = xstrdup_("test");
		r->argv[2] = xstrdup_("-p");
		r->argv[3] = xstrdup_(name);
		r->workdir = xstrdup_("/home/ci/work/workspace");
		r->warmup_runs = 3;
		r->n_runs = runs;
		r->runs = calloc(runs, sizeof(*r->runs));
		for (i = 0; i < runs; i++) {
			r->runs[i].wall = mean * (1 + 0.02 * gauss(&st));
			r->runs[i].user = r->runs[i].wall * 1.4;
			r->runs[i].sys = r->runs[i].wall * 0.3;
			r->runs[i].max_rss =
			    (120LL << 20) + (long long)(i << 16);
			r->runs[i].minor_faults = 40000 + (long long)i;
			r->runs[i].vol_switches = 900;
			r->runs[i].invol_switches = 60;
		}
		r->converged = 1;
		r->stop = STOP_CONVERGED;
		r->cv_tolerance = 0.05;
		r->measure_seconds = mean * (double)(runs + 3);
		if (report_result_compute(r, 0.95, 3.5, NULL) != 0)
			return 1;
	}
	text = report_baseline_dump(b, NULL);
	fputs(text, stdout);
	free(text);
	report_baseline_free(b);
	return 0;
}

struct shared {
	const char *url;
	const char *tmpl;
	size_t tmpl_len;
	size_t id_at; /* offset of the 36-character id in tmpl */
	double deadline;
	long count; /* posts to make in all (fill), or -1 */
	long next;  /* the next serial, under lock */
	pthread_mutex_t lock;
	const char *auth;
};

struct worker {
	struct shared *sh;
	int index;
	double *lat;
	size_t n, cap;
	long errors;
};

static size_t
discard(char *d, size_t s, size_t n, void *a)
{
	(void)d;
	(void)a;
	return s * n;
}

static void *
poster(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	char *doc = malloc(sh->tmpl_len + 1), url[512], id[40];
	long serial, status;
	double t0;

	memcpy(doc, sh->tmpl, sh->tmpl_len + 1);
	snprintf(url, sizeof(url), "%s/api/v1/baselines", sh->url);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, sh->auth);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, doc);
	curl_easy_setopt(
	    c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)sh->tmpl_len);
	for (;;) {
		pthread_mutex_lock(&sh->lock);
		serial = sh->next++;
		pthread_mutex_unlock(&sh->lock);
		if (sh->count >= 0 ? serial >= sh->count
		                   : now() >= sh->deadline)
			break;
		snprintf(id, sizeof(id), "%08x-%04x-4000-8000-%012lx",
		    (unsigned)getpid(), (unsigned)w->index, serial);
		memcpy(doc + sh->id_at, id, 36);
		t0 = now();
		status = 0;
		if (curl_easy_perform(c) != CURLE_OK ||
		    (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status),
		        status != 201)) {
			w->errors++;
			continue;
		}
		if (w->n == w->cap) {
			w->cap = w->cap == 0 ? 1024 : w->cap * 2;
			w->lat = realloc(w->lat, w->cap * sizeof(*w->lat));
		}
		w->lat[w->n++] = now() - t0;
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(doc);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted x (nearest rank). */
static double
quantile(const double *x, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return n == 0 ? NAN : x[k == 0 ? 0 : k - 1];
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static int
post(const char *url, const char *tmpl_path, double seconds, long count,
    int clients)
{
	struct shared sh;
	struct worker w[64];
	pthread_t th[64];
	double t0, elapsed, *all;
	size_t total = 0, i, k;
	long errors = 0;
	const char *tok = getenv("BENCH_TESTS_TOKEN"), *idp;
	char *auth = NULL;

	memset(&sh, 0, sizeof(sh));
	sh.url = url;
	sh.tmpl = slurp(tmpl_path, &sh.tmpl_len);
	idp = strstr(sh.tmpl, "\"id\": \"");
	if (idp == NULL || tok == NULL || clients < 1 || clients > 64) {
		fprintf(stderr, "server-load: need a template with an id, "
		                "BENCH_TESTS_TOKEN and 1-64 clients\n");
		return 2;
	}
	sh.id_at = (size_t)(idp - sh.tmpl) + 7;
	if (asprintf(&auth, "Authorization: Bearer %s", tok) < 0)
		return 2;
	sh.auth = auth;
	sh.count = count;
	pthread_mutex_init(&sh.lock, NULL);
	t0 = now();
	sh.deadline = t0 + seconds;
	for (i = 0; i < (size_t)clients; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].sh = &sh;
		w[i].index = (int)i;
		pthread_create(&th[i], NULL, poster, &w[i]);
	}
	for (i = 0; i < (size_t)clients; i++) {
		pthread_join(th[i], NULL);
		total += w[i].n;
		errors += w[i].errors;
	}
	elapsed = now() - t0;
	all = malloc((total + 1) * sizeof(*all));
	for (i = 0, k = 0; i < (size_t)clients; i++) {
		memcpy(all + k, w[i].lat, w[i].n * sizeof(*all));
		k += w[i].n;
		free(w[i].lat);
	}
	qsort(all, total, sizeof(*all), cmp_double);
	printf("posts: %zu in %.2f s by %d clients = %.1f posts/s; "
	       "%zu bytes each; errors %ld\n",
	    total, elapsed, clients, (double)total / elapsed, sh.tmpl_len,
	    errors);
	printf("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	    quantile(all, total, 0.5) * 1e3, quantile(all, total, 0.9) * 1e3,
	    quantile(all, total, 0.99) * 1e3,
	    total > 0 ? all[total - 1] * 1e3 : NAN);
	free(all);
	free(auth);
	free((char *)sh.tmpl);
	return errors > 0 ? 1 : 0;
}

struct body {
	size_t len;
};

static size_t
count_body(char *d, size_t s, size_t n, void *a)
{
	(void)d;
	((struct body *)a)->len += s * n;
	return s * n;
}

static int
get(const char *url, int times, long expect)
{
	CURL *c = curl_easy_init();
	double *lat = calloc((size_t)times, sizeof(*lat)), t0;
	struct body b;
	long status = 0;
	int i;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	for (i = 0; i < times; i++) {
		b.len = 0;
		t0 = now();
		if (curl_easy_perform(c) != CURLE_OK)
			return 1;
		lat[i] = now() - t0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status != expect) {
			fprintf(stderr, "server-load: %s: %ld\n", url, status);
			return 1;
		}
	}
	qsort(lat, (size_t)times, sizeof(*lat), cmp_double);
	printf("GET %s: %d times, %zu bytes; min %.1f ms, median %.1f ms, "
	       "max %.1f ms\n",
	    url, times, b.len, lat[0] * 1e3,
	    quantile(lat, (size_t)times, 0.5) * 1e3, lat[times - 1] * 1e3);
	free(lat);
	curl_easy_cleanup(c);
	return 0;
}

static int
loopback(const char *url)
{
	return strncmp(url, "http://127.", 11) == 0 ||
	       strncmp(url, "http://localhost:", 17) == 0 ||
	       strncmp(url, "http://[::1]:", 13) == 0;
}

int
main(int argc, char **argv)
{
	int rc = 2;

	stats_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc >= 4 && argc <= 6 && strcmp(argv[1], "gen") == 0)
		rc = gen((size_t)atol(argv[2]), (size_t)atol(argv[3]),
		    argc > 4 ? argv[4] : "ci-runner-07",
		    argc > 5 ? argv[5] : "crate");
	else if (argc == 6 && loopback(argv[2]) && strcmp(argv[1], "post") == 0)
		rc = post(argv[2], argv[3], atof(argv[4]), -1, atoi(argv[5]));
	else if (argc == 6 && loopback(argv[2]) && strcmp(argv[1], "fill") == 0)
		rc = post(argv[2], argv[3], 3600, atol(argv[4]), atoi(argv[5]));
	else if ((argc == 4 || argc == 5) && loopback(argv[2]) &&
	         strcmp(argv[1], "get") == 0)
		rc = get(
		    argv[2], atoi(argv[3]), argc == 5 ? atol(argv[4]) : 200);
	else
		fprintf(stderr,
		    "usage: see tests/bench/server-load.c (loopback "
		    "URLs only)\n");
	curl_global_cleanup();
	return rc;
}
