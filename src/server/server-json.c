/*
 * server-json.c: the JSON documents of the results server's API
 * (src/server/server-api.md): lists, histories, errors.  Compact output,
 * reals with 17 significant digits, keys in the order documented.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"
#include "server-json.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

static json_t *
sbool3(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

/* A JSON real, or null when x is not finite (NaN: "does not exist"). */
static json_t *
jreal(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* A JSON string of s (null for NULL); invalid UTF-8 is repaired. */
static json_t *
jstr(const char *s)
{
	char *valid;
	json_t *j;

	if (s == NULL)
		return json_null();
	valid = report_utf8_fix(s);
	j = json_string(valid);
	free(valid);
	return j;
}

/* Serialise and release root; a newline ends the text.  Aborts on OOM. */
static char *
finish(json_t *root)
{
	char *text;
	size_t n;

	text = json_dumps(root, DUMP_FLAGS);
	json_decref(root);
	if (text == NULL)
		abort();
	n = strlen(text);
	text = xreallocarray(text, n + 2, 1);
	text[n] = '\n';
	text[n + 1] = '\0';
	return text;
}

char *
server_json_error(const char *message)
{
	json_t *root = json_object();

	json_object_set_new(root, "error", jstr(message));
	return finish(root);
}

char *
server_json_created(const char *id, int created)
{
	json_t *root = json_object();
	json_t *url;
	char *path;
	size_t n = strlen(id) + 32;

	path = xreallocarray(NULL, n, 1);
	snprintf(path, n, "/api/v1/baselines/%s", id);
	json_object_set_new(root, "id", jstr(id));
	json_object_set_new(
	    root, "status", json_string(created ? "created" : "duplicate"));
	url = jstr(path);
	json_object_set_new(root, "url", url);
	free(path);
	return finish(root);
}

char *
server_json_deleted(const char *id)
{
	json_t *root = json_object();

	json_object_set_new(root, "id", jstr(id));
	json_object_set_new(root, "status", json_string("deleted"));
	return finish(root);
}

char *
server_json_health(const char *version, long long baselines)
{
	json_t *root = json_object();

	json_object_set_new(root, "status", json_string("ok"));
	json_object_set_new(root, "version", jstr(version));
	json_object_set_new(root, "api", json_integer(SERVER_API_VERSION));
	json_object_set_new(
	    root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "baselines", json_integer(baselines));
	return finish(root);
}

static json_t *
stored_json(const struct server_stored *r)
{
	json_t *o = json_object(), *names = json_array();
	size_t i;
	char url[200];

	json_object_set_new(o, "id", jstr(r->id));
	json_object_set_new(o, "created", jstr(r->created));
	json_object_set_new(o, "received", jstr(r->received));
	json_object_set_new(o, "label", jstr(r->label));
	json_object_set_new(o, "host", jstr(r->host));
	json_object_set_new(o, "git_commit", jstr(r->git_commit));
	json_object_set_new(o, "git_dirty", sbool3(r->git_dirty));
	json_object_set_new(o, "complete", json_boolean(r->complete));
	json_object_set_new(o, "tool_version", jstr(r->tool_version));
	json_object_set_new(
	    o, "schema_version", json_integer(r->schema_version));
	json_object_set_new(o, "size", json_integer(r->size));
	for (i = 0; r->benchmarks != NULL && r->benchmarks[i] != NULL; i++)
		json_array_append_new(names, jstr(r->benchmarks[i]));
	json_object_set_new(o, "benchmarks", names);
	snprintf(url, sizeof(url), "/api/v1/baselines/%s",
	    r->id != NULL ? r->id : "");
	json_object_set_new(o, "url", jstr(url));
	return o;
}

char *
server_json_list(const struct server_stored *rows, size_t n)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, stored_json(&rows[i]));
	json_object_set_new(root, "count", json_integer((json_int_t)n));
	json_object_set_new(root, "baselines", arr);
	return finish(root);
}

static json_t *
metric_json(const struct server_metric_stats *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "mean", jreal(m->mean));
	json_object_set_new(o, "stddev", jreal(m->stddev));
	json_object_set_new(o, "ci_low", jreal(m->ci_low));
	json_object_set_new(o, "ci_high", jreal(m->ci_high));
	json_object_set_new(o, "median", jreal(m->median));
	json_object_set_new(o, "min", jreal(m->min));
	json_object_set_new(o, "max", jreal(m->max));
	return o;
}

static json_t *
change_json(const struct server_change *c)
{
	json_t *o;

	if (!c->computed)
		return json_null();
	o = json_object();
	json_object_set_new(o, "significant", json_boolean(c->significant));
	json_object_set_new(
	    o, "metric", json_string(report_measure_name(c->metric)));
	json_object_set_new(
	    o, "verdict", json_string(report_verdict_name(c->verdict)));
	json_object_set_new(o, "ratio", jreal(c->ratio));
	json_object_set_new(o, "ratio_ci",
	    isfinite(c->ci_low)
	        ? json_pack("[oo]", jreal(c->ci_low), jreal(c->ci_high))
	        : json_null());
	json_object_set_new(o, "detectable", jreal(c->detectable));
	json_object_set_new(o, "p_welch", jreal(c->p_welch));
	json_object_set_new(o, "p_mann_whitney", jreal(c->p_mwu));
	json_object_set_new(o, "stddevs", jreal(c->stddev_rule));
	return o;
}

static json_t *
point_json(const struct server_point *p, int with_change)
{
	json_t *o = json_object();
	int m;

	json_object_set_new(o, "id", jstr(p->id));
	json_object_set_new(o, "created", jstr(p->created));
	json_object_set_new(o, "label", jstr(p->label));
	json_object_set_new(o, "host", jstr(p->host));
	json_object_set_new(o, "git_commit", jstr(p->git_commit));
	json_object_set_new(o, "complete", json_boolean(p->complete));
	json_object_set_new(o, "n", json_integer((json_int_t)p->n));
	json_object_set_new(o, "converged", sbool3(p->converged));
	for (m = 0; m < METRIC_COUNT; m++)
		json_object_set_new(o, report_metric_name((enum bench_metric)m),
		    metric_json(&p->m[m]));
	if (with_change)
		json_object_set_new(o, "change", change_json(&p->change));
	return o;
}

char *
server_json_benchmarks(const struct server_benchmark *rows, size_t n)
{
	json_t *root = json_object(), *arr = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "name", jstr(rows[i].name));
		json_object_set_new(
		    o, "baselines", json_integer(rows[i].count));
		json_object_set_new(o, "first", jstr(rows[i].first));
		json_object_set_new(
		    o, "latest", point_json(&rows[i].latest, 0));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "count", json_integer((json_int_t)n));
	json_object_set_new(root, "benchmarks", arr);
	return finish(root);
}

/*
 * The history is the one large document (10,000 points are 11 MB): it is
 * written directly, without a jansson tree, in the same form jansson gives
 * the other documents (compact, reals with 17 digits and a ".0" when they
 * would look like integers).
 */
struct jbuf {
	char *p;
	size_t len, cap;
};

static void
jb_add(struct jbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
jb_puts(struct jbuf *b, const char *s)
{
	jb_add(b, s, strlen(s));
}

/* A JSON string: escaped, invalid UTF-8 as U+FFFD; null for NULL. */
static void
jb_str(struct jbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n, len, run;
	char esc[8];

	if (s == NULL) {
		jb_puts(b, "null");
		return;
	}
	n = strlen(s);
	jb_add(b, "\"", 1);
	for (i = run = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];

		len = c < 0x80 ? 1 : report_utf8_len(s + i, n - i);
		if (len == 1 && c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (len > 1) {
			i += len;
			continue;
		}
		jb_add(b, s + run, i - run);
		if (len == 0)
			jb_puts(b, "\\ufffd");
		else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jb_add(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			jb_add(b, esc, 6);
		}
		i++;
		run = i;
	}
	jb_add(b, s + run, i - run);
	jb_add(b, "\"", 1);
}

static void
jb_real(struct jbuf *b, double x)
{
	char buf[40];
	int n;

	if (!isfinite(x)) {
		jb_puts(b, "null");
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.17g", x);
	if (strpbrk(buf, ".eE") == NULL)
		memcpy(buf + n, ".0", 3);
	jb_puts(b, buf);
}

static void
jb_key(struct jbuf *b, const char *key)
{
	jb_add(b, "\"", 1);
	jb_puts(b, key);
	jb_add(b, "\":", 2);
}

static void
jb_metric(struct jbuf *b, const char *name, const struct server_metric_stats *m)
{
	jb_add(b, ",", 1);
	jb_key(b, name);
	jb_puts(b, "{\"mean\":");
	jb_real(b, m->mean);
	jb_puts(b, ",\"stddev\":");
	jb_real(b, m->stddev);
	jb_puts(b, ",\"ci_low\":");
	jb_real(b, m->ci_low);
	jb_puts(b, ",\"ci_high\":");
	jb_real(b, m->ci_high);
	jb_puts(b, ",\"median\":");
	jb_real(b, m->median);
	jb_puts(b, ",\"min\":");
	jb_real(b, m->min);
	jb_puts(b, ",\"max\":");
	jb_real(b, m->max);
	jb_add(b, "}", 1);
}

static void
jb_point(struct jbuf *b, const struct server_point *p)
{
	char num[32];
	const struct server_change *c = &p->change;
	int m;

	jb_puts(b, "{\"id\":");
	jb_str(b, p->id);
	jb_puts(b, ",\"created\":");
	jb_str(b, p->created);
	jb_puts(b, ",\"label\":");
	jb_str(b, p->label);
	jb_puts(b, ",\"host\":");
	jb_str(b, p->host);
	jb_puts(b, ",\"git_commit\":");
	jb_str(b, p->git_commit);
	jb_puts(b, p->complete ? ",\"complete\":true" : ",\"complete\":false");
	snprintf(num, sizeof(num), ",\"n\":%zu", p->n);
	jb_puts(b, num);
	jb_puts(b, p->converged < 0   ? ",\"converged\":null"
	           : p->converged > 0 ? ",\"converged\":true"
	                              : ",\"converged\":false");
	for (m = 0; m < METRIC_COUNT; m++)
		jb_metric(
		    b, report_metric_name((enum bench_metric)m), &p->m[m]);
	jb_puts(b, ",\"change\":");
	if (!c->computed)
		jb_puts(b, "null");
	else {
		jb_puts(b, c->significant ? "{\"significant\":true"
		                          : "{\"significant\":false");
		jb_puts(b, ",\"metric\":");
		jb_str(b, report_measure_name(c->metric));
		jb_puts(b, ",\"verdict\":");
		jb_str(b, report_verdict_name(c->verdict));
		jb_puts(b, ",\"ratio\":");
		jb_real(b, c->ratio);
		if (isfinite(c->ci_low)) {
			jb_puts(b, ",\"ratio_ci\":[");
			jb_real(b, c->ci_low);
			jb_add(b, ",", 1);
			jb_real(b, c->ci_high);
			jb_add(b, "]", 1);
		} else
			jb_puts(b, ",\"ratio_ci\":null");
		jb_puts(b, ",\"detectable\":");
		jb_real(b, c->detectable);
		jb_puts(b, ",\"p_welch\":");
		jb_real(b, c->p_welch);
		jb_puts(b, ",\"p_mann_whitney\":");
		jb_real(b, c->p_mwu);
		jb_puts(b, ",\"stddevs\":");
		jb_real(b, c->stddev_rule);
		jb_add(b, "}", 1);
	}
	jb_add(b, "}", 1);
}

char *
server_json_history(
    const char *benchmark, const struct server_point *points, size_t n)
{
	struct jbuf b = {NULL, 0, 0};
	char num[48];
	size_t i;

	jb_puts(&b, "{\"benchmark\":");
	jb_str(&b, benchmark);
	jb_puts(&b, ",\"units\":{\"wall\":\"s\",\"user\":\"s\",\"system\":"
	            "\"s\",\"max_rss\":\"bytes\"}");
	snprintf(num, sizeof(num), ",\"count\":%zu,\"points\":[", n);
	jb_puts(&b, num);
	for (i = 0; i < n; i++) {
		if (i > 0)
			jb_add(&b, ",", 1);
		jb_point(&b, &points[i]);
	}
	jb_puts(&b, "]}\n");
	return b.p;
}

void
server_stored_clear(struct server_stored *r)
{
	size_t i;

	free(r->id);
	r->id = NULL;
	free(r->created);
	r->created = NULL;
	free(r->received);
	r->received = NULL;
	free(r->label);
	r->label = NULL;
	free(r->host);
	r->host = NULL;
	free(r->git_commit);
	r->git_commit = NULL;
	free(r->tool_version);
	r->tool_version = NULL;
	for (i = 0; r->benchmarks != NULL && r->benchmarks[i] != NULL; i++)
		free(r->benchmarks[i]);
	free(r->benchmarks);
	r->benchmarks = NULL;
}

void
server_point_clear(struct server_point *p)
{
	free(p->id);
	p->id = NULL;
	free(p->created);
	p->created = NULL;
	free(p->label);
	p->label = NULL;
	free(p->host);
	p->host = NULL;
	free(p->git_commit);
	p->git_commit = NULL;
	free(p->wall);
	p->wall = NULL;
	free(p->user);
	p->user = NULL;
	free(p->sys);
	p->sys = NULL;
}

void
server_benchmark_clear(struct server_benchmark *b)
{
	free(b->name);
	b->name = NULL;
	free(b->first);
	b->first = NULL;
	server_point_clear(&b->latest);
}
