/*
 * server-fuzzer.c: libFuzzer target for what the results server does with
 * a request from outside: the routing, the query parameters, the
 * Authorization header (Bearer and Basic), the body through
 * report_baseline_parse and the identity checks, and the database and
 * HTML code behind them, with a real SQLite file.
 *
 * Input: "METHOD\nPATH?QUERY\nAUTHORIZATION\nBODY" (missing lines are
 * empty).  Seeds are in tests/fuzz/corpus/server/; tests/fuzz/run.sh
 * builds and runs it with the other targets (sh tests/fuzz/run.sh server).
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"
#include "stats.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server srv;
static char *write_tokens[] = {"fuzz-token", NULL};
static char *read_tokens[] = {"fuzz-reader", NULL};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bench_error err;
	char dir[] = "/dev/shm/bench-fuzz-XXXXXX", *db = NULL;

	(void)argc;
	(void)argv;
	stats_init();
	/* tmpfs when there is one: the server fsyncs every upload. */
	if (mkdtemp(dir) == NULL) {
		memcpy(dir, "/tmp/bench-fuzz-XXXXXX", sizeof(dir));
		if (mkdtemp(dir) == NULL)
			abort();
	}
	if (asprintf(&db, "%s/fuzz.sqlite", dir) < 0)
		abort();
	memset(&srv, 0, sizeof(srv));
	pthread_rwlock_init(&srv.lock, NULL);
	pthread_mutex_init(&srv.log_lock, NULL);
	srv.quiet = 1;
	srv.max_body = 1 << 20;
	srv.cmp.alpha = REPORT_CMP_ALPHA;
	srv.cmp.ci_level = REPORT_CMP_CI;
	srv.tokens.write = write_tokens;
	srv.tokens.read = read_tokens;
	srv.db = server_db_open(db, &err);
	if (srv.db == NULL) {
		fprintf(stderr, "server-fuzzer: %s\n", err.text);
		abort();
	}
	free(db);
	return 0;
}

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10);
}

/* Decode %XX and + in place, as libmicrohttpd does. */
static void
unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			*o++ = (char)(hexval((unsigned char)s[1]) * 16 +
			              hexval((unsigned char)s[2]));
			s += 2;
		} else if (*s == '+')
			*o++ = ' ';
		else
			*o++ = *s;
	}
	*o = '\0';
}

/* The next line of the input (NUL-terminated in place), or "". */
static char *
line(char **p, char *end)
{
	char *s = *p, *nl;

	if (s >= end)
		return end;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL) {
		*p = end;
		return s;
	}
	*nl = '\0';
	*p = nl + 1;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srv_req q;
	struct srv_resp r;
	const char *args[2 * 16 + 1];
	char *buf, *p, *end, *method, *path, *auth, *query, *kv, *save = NULL;
	struct baseline *b;
	struct bench_error err;
	size_t n = 0;

	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	p = buf;
	end = buf + size;
	method = line(&p, end);
	path = line(&p, end);
	auth = line(&p, end);

	/* The body alone, as every baseline reader sees it. */
	b = report_baseline_parse(p, (size_t)(end - p), &err);
	report_baseline_free(b);

	memset(&q, 0, sizeof(q));
	query = strchr(path, '?');
	if (query != NULL) {
		*query++ = '\0';
		for (kv = strtok_r(query, "&", &save); kv != NULL && n < 16;
		     kv = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(kv, '=');

			if (eq != NULL)
				*eq++ = '\0';
			unescape(kv);
			if (eq != NULL)
				unescape(eq);
			args[2 * n] = kv;
			args[2 * n + 1] = eq != NULL ? eq : "";
			n++;
		}
	}
	args[2 * n] = NULL;
	unescape(path);
	q.method = method;
	q.path = path;
	q.args = args;
	q.authorization = *auth != '\0' ? auth : NULL;
	q.body = p;
	q.len = (size_t)(end - p);
	q.too_large = q.len > srv.max_body;
	server_dispatch(&srv, &q, &r);
	if (r.status < 200 || r.status > 599 || r.body == NULL ||
	    strlen(r.type) == 0)
		abort();
	server_resp_free(&r);
	free(buf);
	return 0;
}
