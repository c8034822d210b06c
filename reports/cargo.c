/*
 * cargo.c: reading what cargo and libtest print as JSON: the workspace's
 * members and targets (cargo metadata), the test executables a build made
 * (--message-format json), and the per-test events of libtest's
 * unstable JSON format.  All of it is outside data: every field is checked.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

/* Limits against hostile input. */
#define MAX_PACKAGES 100000
#define MAX_TARGETS  100000
#define MAX_BINARIES 100000

static const char *
jstring(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? reportp_xstrdup(s) : NULL;
}

/* Our name for a kind array: the library kinds all become "lib". */
static const char *
target_kind(json_t *kinds)
{
	static const char *const libs[] = {
	    "lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro", NULL};
	const char *k;
	size_t i;

	if (!json_is_array(kinds) || json_array_size(kinds) == 0)
		return NULL;
	k = json_string_value(json_array_get(kinds, 0));
	if (k == NULL)
		return NULL;
	for (i = 0; libs[i] != NULL; i++) {
		if (strcmp(k, libs[i]) == 0)
			return "lib";
	}
	return k;
}

static void
package_clear(struct cargo_package *p)
{
	size_t i;

	for (i = 0; i < p->n_targets; i++) {
		free(p->targets[i].name);
		free(p->targets[i].kind);
		free(p->targets[i].src_path);
	}
	free(p->targets);
	free(p->name);
	free(p->id);
	free(p->manifest_path);
}

void
report_cargo_workspace_free(struct cargo_workspace *ws)
{
	size_t i;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->n_packages; i++)
		package_clear(&ws->packages[i]);
	free(ws->packages);
	free(ws->root);
	free(ws->target_dir);
	free(ws);
}

static int
is_member(json_t *members, const char *id)
{
	json_t *m;
	size_t i;

	json_array_foreach(members, i, m)
	{
		if (json_is_string(m) && strcmp(json_string_value(m), id) == 0)
			return 1;
	}
	return 0;
}

static int
read_package(
    json_t *p, struct cargo_package *out, size_t idx, struct bench_error *err)
{
	json_t *targets, *t;
	const char *kind;
	size_t i;

	out->name = dup_or_null(jstring(p, "name"));
	out->id = dup_or_null(jstring(p, "id"));
	out->manifest_path = dup_or_null(jstring(p, "manifest_path"));
	if (out->name == NULL || out->id == NULL)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "cargo metadata: packages[%zu] has no name or id", idx);
	targets = json_object_get(p, "targets");
	if (!json_is_array(targets) || json_array_size(targets) > MAX_TARGETS)
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "cargo metadata: package %s: no targets array", out->name);
	out->targets =
	    reportp_xcalloc(json_array_size(targets), sizeof(*out->targets));
	json_array_foreach(targets, i, t)
	{
		struct cargo_target *ct = &out->targets[out->n_targets];

		kind = target_kind(json_object_get(t, "kind"));
		if (jstring(t, "name") == NULL || kind == NULL)
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "cargo metadata: package %s: targets[%zu] has no "
			    "name or kind",
			    out->name, i);
		ct->name = reportp_xstrdup(jstring(t, "name"));
		ct->kind = reportp_xstrdup(kind);
		ct->src_path = dup_or_null(jstring(t, "src_path"));
		/* Older cargo lacks the fields: its defaults. */
		ct->test = json_object_get(t, "test") != NULL
		               ? json_is_true(json_object_get(t, "test"))
		               : strcmp(kind, "example") != 0 &&
		                     strcmp(kind, "bench") != 0;
		ct->doctest = json_object_get(t, "doctest") != NULL
		                  ? json_is_true(json_object_get(t, "doctest"))
		                  : strcmp(kind, "lib") == 0;
		out->n_targets++;
	}
	return 0;
}

struct cargo_workspace *
report_cargo_metadata_parse(
    const char *text, size_t len, struct bench_error *err)
{
	json_t *root, *packages, *members, *p;
	json_error_t jerr;
	struct cargo_workspace *ws = NULL;
	size_t i;

	root = json_loadb(text, len, 0, &jerr);
	if (root == NULL) {
		bench_error_set(err, BENCH_ERR_INVALID,
		    "cargo metadata printed invalid JSON: %s (line %d)",
		    jerr.text, jerr.line);
		return NULL;
	}
	packages = json_object_get(root, "packages");
	members = json_object_get(root, "workspace_members");
	if (!json_is_array(packages) || !json_is_array(members) ||
	    json_array_size(packages) > MAX_PACKAGES) {
		bench_error_set(err, BENCH_ERR_INVALID,
		    "cargo metadata: no packages or workspace_members array");
		goto fail;
	}
	ws = reportp_xcalloc(1, sizeof(*ws));
	ws->root = dup_or_null(jstring(root, "workspace_root"));
	ws->target_dir = dup_or_null(jstring(root, "target_directory"));
	ws->packages =
	    reportp_xcalloc(json_array_size(packages), sizeof(*ws->packages));
	json_array_foreach(packages, i, p)
	{
		const char *id = jstring(p, "id");

		if (id == NULL || !is_member(members, id))
			continue;
		if (read_package(p, &ws->packages[ws->n_packages++], i, err) !=
		    0)
			goto fail;
	}
	json_decref(root);
	return ws;
fail:
	report_cargo_workspace_free(ws);
	json_decref(root);
	return NULL;
}

const struct cargo_package *
report_cargo_find(const struct cargo_workspace *ws, const char *name)
{
	size_t i;

	for (i = 0; i < ws->n_packages; i++) {
		if (strcmp(ws->packages[i].name, name) == 0)
			return &ws->packages[i];
	}
	return NULL;
}

static const struct cargo_package *
find_by_id(const struct cargo_workspace *ws, const char *id)
{
	size_t i;

	for (i = 0; i < ws->n_packages; i++) {
		if (strcmp(ws->packages[i].id, id) == 0)
			return &ws->packages[i];
	}
	return NULL;
}

void
report_cargo_exes_free(struct cargo_test_exe *exes, size_t n)
{
	size_t i;

	for (i = 0; exes != NULL && i < n; i++) {
		free(exes[i].path);
		free(exes[i].name);
	}
	free(exes);
}

/* Our name of a target: crate/lib, crate/bin/NAME, crate/test/NAME, ... */
static char *
target_name(const char *crate, const char *kind, const char *name)
{
	char *s;
	size_t len;

	len = strlen(crate) + strlen(kind) + strlen(name) + 3;
	s = reportp_xcalloc(len, 1);
	if (strcmp(kind, "lib") == 0)
		snprintf(s, len, "%s/lib", crate);
	else
		snprintf(s, len, "%s/%s/%s", crate, kind, name);
	return s;
}

/* The next line of text[*pos..len); returns its length, advances *pos. */
static size_t
next_line(const char *text, size_t len, size_t *pos, const char **line)
{
	const char *nl;
	size_t start = *pos, n;

	*line = text + start;
	nl = memchr(text + start, '\n', len - start);
	n = nl != NULL ? (size_t)(nl - (text + start)) : len - start;
	*pos = start + n + (nl != NULL ? 1 : 0);
	return n;
}

long
report_cargo_test_exes(const char *text, size_t len,
    const struct cargo_workspace *ws, struct cargo_test_exe **out,
    struct bench_error *err)
{
	struct cargo_test_exe *exes = NULL;
	const struct cargo_package *pkg;
	const char *line, *exe, *kind;
	size_t pos = 0, n = 0, cap = 0, ll;
	json_t *o, *target, *profile;

	(void)err;
	while (pos < len) {
		ll = next_line(text, len, &pos, &line);
		if (ll == 0 || line[0] != '{')
			continue;
		o = json_loadb(line, ll, 0, NULL);
		if (o == NULL)
			continue;
		target = json_object_get(o, "target");
		profile = json_object_get(o, "profile");
		exe = jstring(o, "executable");
		pkg = jstring(o, "package_id") != NULL
		          ? find_by_id(ws, jstring(o, "package_id"))
		          : NULL;
		kind = target_kind(json_object_get(target, "kind"));
		if (jstring(o, "reason") != NULL &&
		    strcmp(jstring(o, "reason"), "compiler-artifact") == 0 &&
		    exe != NULL && pkg != NULL && kind != NULL &&
		    jstring(target, "name") != NULL &&
		    json_is_true(json_object_get(profile, "test")) &&
		    n < MAX_BINARIES) {
			if (n == cap) {
				cap = cap == 0 ? 16 : 2 * cap;
				exes = reportp_xreallocarray(
				    exes, cap, sizeof(*exes));
			}
			exes[n].path = reportp_xstrdup(exe);
			exes[n].name = target_name(
			    pkg->name, kind, jstring(target, "name"));
			n++;
		}
		json_decref(o);
	}
	*out = exes;
	return (long)n;
}

static void
binary_clear(struct test_binary *b)
{
	size_t i;

	for (i = 0; i < b->n_slowest; i++) {
		free(b->slowest[i].name);
		free(b->slowest[i].event);
	}
	free(b->slowest);
	free(b->name);
	free(b->source);
	free(b->executable);
}

void
report_test_report_free(struct test_report *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_binaries; i++)
		binary_clear(&t->binaries[i]);
	free(t->binaries);
	free(t->command);
	free(t);
}

/* Skip leading blanks of a line; returns the rest. */
static const char *
skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static int
starts_with(const char *s, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - s) >= n && memcmp(s, prefix, n) == 0;
}

static struct test_binary *
add_binary(struct test_report *t, size_t *cap)
{
	struct test_binary *b;

	if (t->n_binaries == *cap) {
		*cap = *cap == 0 ? 16 : 2 * *cap;
		t->binaries = reportp_xreallocarray(
		    t->binaries, *cap, sizeof(*t->binaries));
	}
	b = &t->binaries[t->n_binaries++];
	memset(b, 0, sizeof(*b));
	b->exec_time = NAN;
	return b;
}

/* Name a binary from cargo's "Running SOURCE (PATH)" line. */
static void
name_running(struct test_binary *b, const char *s, const char *end,
    const struct cargo_test_exe *exes, size_t n_exes)
{
	const char *open = NULL, *p, *base;
	size_t i, blen;

	for (p = end; p > s; p--) {
		if (p[-1] == '(') {
			open = p - 1;
			break;
		}
	}
	if (open == NULL || end[-1] != ')') {
		b->source = reportp_xcalloc((size_t)(end - s) + 1, 1);
		memcpy(b->source, s, (size_t)(end - s));
		b->name = reportp_xstrdup(b->source);
		return;
	}
	b->source = reportp_xcalloc((size_t)(open - s) + 1, 1);
	memcpy(b->source, s, (size_t)(open - s));
	while (b->source[0] != '\0' && b->source[strlen(b->source) - 1] == ' ')
		b->source[strlen(b->source) - 1] = '\0';
	b->executable = reportp_xcalloc((size_t)(end - open), 1);
	memcpy(b->executable, open + 1, (size_t)(end - open) - 2);
	/* Match by file name: cargo prints the path relative, we have it
	   absolute. */
	base = strrchr(b->executable, '/');
	base = base != NULL ? base + 1 : b->executable;
	blen = strlen(base);
	for (i = 0; i < n_exes; i++) {
		const char *eb = strrchr(exes[i].path, '/');

		eb = eb != NULL ? eb + 1 : exes[i].path;
		if (strlen(eb) == blen && memcmp(eb, base, blen) == 0) {
			b->name = reportp_xstrdup(exes[i].name);
			return;
		}
	}
	b->name = reportp_xstrdup(base);
}

/* Name a doc-test run from "Doc-tests CRATE" (the lib target's name). */
static void
name_doctests(struct test_binary *b, const char *s, const char *end,
    const struct cargo_workspace *ws)
{
	size_t i, j, n = (size_t)(end - s);

	b->source = reportp_xcalloc(n + 11, 1);
	memcpy(b->source, "doc-tests ", 10);
	memcpy(b->source + 10, s, n);
	for (i = 0; ws != NULL && i < ws->n_packages; i++) {
		const struct cargo_package *p = &ws->packages[i];

		for (j = 0; j < p->n_targets; j++) {
			if (strcmp(p->targets[j].kind, "lib") == 0 &&
			    strlen(p->targets[j].name) == n &&
			    memcmp(p->targets[j].name, s, n) == 0) {
				b->name = target_name(p->name, "doc", "");
				b->name[strlen(b->name) - 1] = '\0';
				return;
			}
		}
	}
	b->name = reportp_xcalloc(n + 5, 1);
	memcpy(b->name, s, n);
	memcpy(b->name + n, "/doc", 4);
}

/* Keep a test among the `keep` slowest of b (sorted, descending). */
static void
keep_slowest(struct test_binary *b, size_t keep, const char *name,
    const char *event, double t)
{
	size_t i;

	if (keep == 0 || !isfinite(t))
		return;
	if (b->n_slowest == keep && t <= b->slowest[keep - 1].exec_time)
		return;
	if (b->slowest == NULL)
		b->slowest = reportp_xcalloc(keep, sizeof(*b->slowest));
	if (b->n_slowest == keep) {
		free(b->slowest[keep - 1].name);
		free(b->slowest[keep - 1].event);
		b->n_slowest--;
	}
	i = b->n_slowest;
	while (i > 0 && b->slowest[i - 1].exec_time < t) {
		b->slowest[i] = b->slowest[i - 1];
		i--;
	}
	b->slowest[i].name = reportp_xstrdup(name);
	b->slowest[i].event = reportp_xstrdup(event);
	b->slowest[i].exec_time = t;
	b->n_slowest++;
}

static int64_t
jcount(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) >= 0
	           ? json_integer_value(v)
	           : 0;
}

static void
libtest_event(struct test_binary *b, json_t *o, size_t slowest)
{
	const char *type = jstring(o, "type");
	const char *event = jstring(o, "event");
	json_t *t = json_object_get(o, "exec_time");
	double et = json_is_number(t) ? json_number_value(t) : NAN;

	if (type == NULL || event == NULL)
		return;
	if (strcmp(type, "test") == 0 && strcmp(event, "started") != 0 &&
	    jstring(o, "name") != NULL)
		keep_slowest(b, slowest, jstring(o, "name"), event, et);
	else if (strcmp(type, "suite") == 0 && strcmp(event, "started") != 0) {
		b->passed = jcount(o, "passed");
		b->failed = jcount(o, "failed");
		b->ignored = jcount(o, "ignored");
		b->measured = jcount(o, "measured");
		b->filtered_out = jcount(o, "filtered_out");
		b->exec_time = isfinite(et) && et >= 0 ? et : NAN;
		b->finished = 1;
	}
}

struct test_report *
report_libtest_parse(const char *text, size_t len,
    const struct cargo_workspace *ws, const struct cargo_test_exe *exes,
    size_t n_exes, size_t slowest, struct bench_error *err)
{
	struct test_report *t;
	struct test_binary *cur = NULL;
	const char *line, *s, *end;
	size_t pos = 0, cap = 0, ll;
	json_t *o;

	(void)err;
	t = reportp_xcalloc(1, sizeof(*t));
	while (pos < len) {
		ll = next_line(text, len, &pos, &line);
		end = line + ll;
		while (end > line && (end[-1] == '\r' || end[-1] == ' '))
			end--;
		s = skip_blanks(line, end);
		if (starts_with(s, end, "Running ") &&
		    t->n_binaries < MAX_BINARIES) {
			cur = add_binary(t, &cap);
			name_running(cur, s + 8, end, exes, n_exes);
		} else if (starts_with(s, end, "Doc-tests ") &&
		           t->n_binaries < MAX_BINARIES) {
			cur = add_binary(t, &cap);
			name_doctests(cur, s + 10, end, ws);
		} else if (s < end && *s == '{' && cur != NULL) {
			o = json_loadb(s, (size_t)(end - s), 0, NULL);
			if (json_is_object(o))
				libtest_event(cur, o, slowest);
			json_decref(o);
		}
	}
	return t;
}

void
report_text_tests(
    FILE *f, const struct test_report *t, const struct report_style *style)
{
	char a[32];
	size_t i, j, w = 4;
	int64_t passed = 0, failed = 0, ignored = 0;

	for (i = 0; i < t->n_binaries; i++) {
		if (strlen(t->binaries[i].name) > w)
			w = strlen(t->binaries[i].name);
	}
	fprintf(f, "Tests (one separate, untimed pass: %s)\n", t->command);
	fprintf(f, "  %-*s %7s %7s %7s %10s\n", (int)w, "test binary", "passed",
	    "failed", "ignored", "time");
	for (i = 0; i < t->n_binaries; i++) {
		const struct test_binary *b = &t->binaries[i];

		fprintf(f, "  %-*s %7lld %7lld %7lld %10s%s\n", (int)w, b->name,
		    (long long)b->passed, (long long)b->failed,
		    (long long)b->ignored,
		    report_fmt_time(a, sizeof(a), b->exec_time, 0, style),
		    b->finished ? "" : "  (did not finish)");
		passed += b->passed;
		failed += b->failed;
		ignored += b->ignored;
	}
	fprintf(f, "  %-*s %7lld %7lld %7lld\n", (int)w, "total",
	    (long long)passed, (long long)failed, (long long)ignored);
	for (i = 0; i < t->n_binaries; i++) {
		const struct test_binary *b = &t->binaries[i];

		if (b->n_slowest == 0)
			continue;
		fprintf(f, "  slowest in %s:", b->name);
		for (j = 0; j < b->n_slowest; j++)
			fprintf(f, "%s %s (%s%s)", j > 0 ? "," : "",
			    b->slowest[j].name,
			    report_fmt_time(a, sizeof(a),
			        b->slowest[j].exec_time, 0, style),
			    strcmp(b->slowest[j].event, "ok") == 0
			        ? ""
			        : ", failed");
		fputc('\n', f);
	}
}
