/*
 * server-json.c: the JSON documents of the results server's API
 * (reports/server-api.md): lists, histories, errors.  Compact output,
 * reals with 17 significant digits, keys in the order documented.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server-json.h"
#include "reports-int.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

static json_t *
sbool3(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
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
	text = reportp_xreallocarray(text, n + 2, 1);
	text[n] = '\n';
	text[n + 1] = '\0';
	return text;
}

char *
report_server_error_json(const char *message)
{
	json_t *root = json_object();

	json_object_set_new(root, "error", reportp_jstr(message));
	return finish(root);
}

char *
report_server_created_json(const char *id, int created)
{
	json_t *root = json_object();
	json_t *url;
	char *path;
	size_t n = strlen(id) + 32;

	path = reportp_xreallocarray(NULL, n, 1);
	snprintf(path, n, "/api/v1/baselines/%s", id);
	json_object_set_new(root, "id", reportp_jstr(id));
	json_object_set_new(
	    root, "status", json_string(created ? "created" : "duplicate"));
	url = reportp_jstr(path);
	json_object_set_new(root, "url", url);
	free(path);
	return finish(root);
}

char *
report_server_deleted_json(const char *id)
{
	json_t *root = json_object();

	json_object_set_new(root, "id", reportp_jstr(id));
	json_object_set_new(root, "status", json_string("deleted"));
	return finish(root);
}

char *
report_server_health_json(const char *version, long long baselines)
{
	json_t *root = json_object();

	json_object_set_new(root, "status", json_string("ok"));
	json_object_set_new(root, "version", reportp_jstr(version));
	json_object_set_new(root, "api", json_integer(REPORT_API_VERSION));
	json_object_set_new(
	    root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "baselines", json_integer(baselines));
	return finish(root);
}

static json_t *
stored_json(const struct report_stored *r)
{
	json_t *o = json_object(), *names = json_array();
	size_t i;
	char url[200];

	json_object_set_new(o, "id", reportp_jstr(r->id));
	json_object_set_new(o, "created", reportp_jstr(r->created));
	json_object_set_new(o, "received", reportp_jstr(r->received));
	json_object_set_new(o, "label", reportp_jstr(r->label));
	json_object_set_new(o, "host", reportp_jstr(r->host));
	json_object_set_new(o, "git_commit", reportp_jstr(r->git_commit));
	json_object_set_new(o, "git_dirty", sbool3(r->git_dirty));
	json_object_set_new(o, "complete", json_boolean(r->complete));
	json_object_set_new(o, "tool_version", reportp_jstr(r->tool_version));
	json_object_set_new(
	    o, "schema_version", json_integer(r->schema_version));
	json_object_set_new(o, "size", json_integer(r->size));
	for (i = 0; r->benchmarks != NULL && r->benchmarks[i] != NULL; i++)
		json_array_append_new(names, reportp_jstr(r->benchmarks[i]));
	json_object_set_new(o, "benchmarks", names);
	snprintf(url, sizeof(url), "/api/v1/baselines/%s",
	    r->id != NULL ? r->id : "");
	json_object_set_new(o, "url", reportp_jstr(url));
	return o;
}

char *
report_server_list_json(const struct report_stored *rows, size_t n)
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
metric_json(const struct report_metric_stats *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "mean", reportp_jreal(m->mean));
	json_object_set_new(o, "stddev", reportp_jreal(m->stddev));
	json_object_set_new(o, "ci_low", reportp_jreal(m->ci_low));
	json_object_set_new(o, "ci_high", reportp_jreal(m->ci_high));
	json_object_set_new(o, "median", reportp_jreal(m->median));
	json_object_set_new(o, "min", reportp_jreal(m->min));
	json_object_set_new(o, "max", reportp_jreal(m->max));
	return o;
}

static json_t *
change_json(const struct report_change *c)
{
	json_t *o;

	if (!c->computed)
		return json_null();
	o = json_object();
	json_object_set_new(o, "significant", json_boolean(c->significant));
	json_object_set_new(o, "ratio", reportp_jreal(c->ratio));
	json_object_set_new(o, "p_welch", reportp_jreal(c->p_welch));
	json_object_set_new(o, "p_mann_whitney", reportp_jreal(c->p_mwu));
	json_object_set_new(o, "stddevs", reportp_jreal(c->stddev_rule));
	return o;
}

static json_t *
point_json(const struct report_point *p, int with_change)
{
	json_t *o = json_object();
	int m;

	json_object_set_new(o, "id", reportp_jstr(p->id));
	json_object_set_new(o, "created", reportp_jstr(p->created));
	json_object_set_new(o, "label", reportp_jstr(p->label));
	json_object_set_new(o, "host", reportp_jstr(p->host));
	json_object_set_new(o, "git_commit", reportp_jstr(p->git_commit));
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
report_server_benchmarks_json(const struct report_benchmark *rows, size_t n)
{
	json_t *root = json_object(), *arr = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "name", reportp_jstr(rows[i].name));
		json_object_set_new(
		    o, "baselines", json_integer(rows[i].count));
		json_object_set_new(o, "first", reportp_jstr(rows[i].first));
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
		b->p = reportp_xreallocarray(b->p, b->cap, 1);
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

		len = c < 0x80 ? 1 : reportp_utf8_len(s + i, n - i);
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
jb_metric(struct jbuf *b, const char *name, const struct report_metric_stats *m)
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
jb_point(struct jbuf *b, const struct report_point *p)
{
	char num[32];
	const struct report_change *c = &p->change;
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
		jb_puts(b, ",\"ratio\":");
		jb_real(b, c->ratio);
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
report_server_history_json(
    const char *benchmark, const struct report_point *points, size_t n)
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

int
report_server_error_text(const char *body, size_t len, char *buf, size_t size)
{
	json_t *root, *e;
	const char *s;
	size_t i;

	if (size == 0)
		return -1;
	root = json_loadb(body, len, 0, NULL);
	if (root == NULL)
		return -1;
	e = json_object_get(root, "error");
	if (!json_is_string(e)) {
		json_decref(root);
		return -1;
	}
	s = json_string_value(e);
	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		buf[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	json_decref(root);
	return 0;
}

int
report_server_is_json(const char *text, size_t len)
{
	json_t *root = json_loadb(text, len, JSON_DECODE_ANY, NULL);

	json_decref(root);
	return root != NULL;
}

void
report_stored_clear(struct report_stored *r)
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
report_point_clear(struct report_point *p)
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
}

void
report_benchmark_clear(struct report_benchmark *b)
{
	free(b->name);
	b->name = NULL;
	free(b->first);
	b->first = NULL;
	report_point_clear(&b->latest);
}
