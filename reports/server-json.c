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

#include "report-server.h"
#include "reports-int.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

static json_t *
sreal(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* A JSON string of s (null for NULL); bytes that are not UTF-8 become
 * U+FFFD. */
static json_t *
sstr(const char *s)
{
	const char repl[] = "\xef\xbf\xbd";
	json_t *j;
	char *fixed;
	size_t i, o, n, len;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	n = strlen(s);
	fixed = reportp_xreallocarray(NULL, 3 * n + 1, 1);
	for (i = o = 0; i < n;) {
		len = reportp_utf8_len(s + i, n - i);
		if (len == 0) {
			memcpy(fixed + o, repl, 3);
			o += 3;
			i++;
		} else {
			memcpy(fixed + o, s + i, len);
			o += len;
			i += len;
		}
	}
	fixed[o] = '\0';
	j = json_string(fixed);
	free(fixed);
	return j != NULL ? j : json_null();
}

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

	json_object_set_new(root, "error", sstr(message));
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
	json_object_set_new(root, "id", sstr(id));
	json_object_set_new(
	    root, "status", json_string(created ? "created" : "duplicate"));
	url = sstr(path);
	json_object_set_new(root, "url", url);
	free(path);
	return finish(root);
}

char *
report_server_health_json(const char *version, long long baselines)
{
	json_t *root = json_object();

	json_object_set_new(root, "status", json_string("ok"));
	json_object_set_new(root, "version", sstr(version));
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

	json_object_set_new(o, "id", sstr(r->id));
	json_object_set_new(o, "created", sstr(r->created));
	json_object_set_new(o, "received", sstr(r->received));
	json_object_set_new(o, "label", sstr(r->label));
	json_object_set_new(o, "host", sstr(r->host));
	json_object_set_new(o, "git_commit", sstr(r->git_commit));
	json_object_set_new(o, "git_dirty", sbool3(r->git_dirty));
	json_object_set_new(o, "complete", json_boolean(r->complete));
	json_object_set_new(o, "tool_version", sstr(r->tool_version));
	json_object_set_new(
	    o, "schema_version", json_integer(r->schema_version));
	json_object_set_new(o, "size", json_integer(r->size));
	for (i = 0; r->benchmarks != NULL && r->benchmarks[i] != NULL; i++)
		json_array_append_new(names, sstr(r->benchmarks[i]));
	json_object_set_new(o, "benchmarks", names);
	snprintf(url, sizeof(url), "/api/v1/baselines/%s",
	    r->id != NULL ? r->id : "");
	json_object_set_new(o, "url", sstr(url));
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

	json_object_set_new(o, "mean", sreal(m->mean));
	json_object_set_new(o, "stddev", sreal(m->stddev));
	json_object_set_new(o, "ci_low", sreal(m->ci_low));
	json_object_set_new(o, "ci_high", sreal(m->ci_high));
	json_object_set_new(o, "median", sreal(m->median));
	json_object_set_new(o, "min", sreal(m->min));
	json_object_set_new(o, "max", sreal(m->max));
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
	json_object_set_new(o, "ratio", sreal(c->ratio));
	json_object_set_new(o, "p_welch", sreal(c->p_welch));
	json_object_set_new(o, "p_mann_whitney", sreal(c->p_mwu));
	json_object_set_new(o, "stddevs", sreal(c->stddev_rule));
	return o;
}

static json_t *
point_json(const struct report_point *p, int with_change)
{
	json_t *o = json_object();
	int m;

	json_object_set_new(o, "id", sstr(p->id));
	json_object_set_new(o, "created", sstr(p->created));
	json_object_set_new(o, "label", sstr(p->label));
	json_object_set_new(o, "host", sstr(p->host));
	json_object_set_new(o, "git_commit", sstr(p->git_commit));
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
		json_object_set_new(o, "name", sstr(rows[i].name));
		json_object_set_new(
		    o, "baselines", json_integer(rows[i].count));
		json_object_set_new(o, "first", sstr(rows[i].first));
		json_object_set_new(
		    o, "latest", point_json(&rows[i].latest, 0));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "count", json_integer((json_int_t)n));
	json_object_set_new(root, "benchmarks", arr);
	return finish(root);
}

char *
report_server_history_json(
    const char *benchmark, const struct report_point *points, size_t n)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i;

	json_object_set_new(root, "benchmark", sstr(benchmark));
	json_object_set_new(root, "units",
	    json_pack("{s:s, s:s, s:s, s:s}", "wall", "s", "user", "s",
	        "system", "s", "max_rss", "bytes"));
	json_object_set_new(root, "count", json_integer((json_int_t)n));
	for (i = 0; i < n; i++)
		json_array_append_new(arr, point_json(&points[i], 1));
	json_object_set_new(root, "points", arr);
	return finish(root);
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
