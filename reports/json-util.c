/*
 * json-util.c: small helpers every JSON writer and string list in reports/
 * shares, and the two questions the results server and its client ask of
 * a JSON text (is it JSON at all? what does its "error" say?).
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <jansson.h>

#include "report.h"
#include "reports-int.h"

json_t *
reportp_jreal(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *
reportp_jstr(const char *s)
{
	json_t *j;
	char *fixed;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	/* A command line can hold anything: bytes that are not UTF-8 become
	   U+FFFD rather than making jansson drop the value. */
	fixed = report_utf8_fix(s);
	j = json_string(fixed);
	free(fixed);
	return j != NULL ? j : json_string("");
}

json_t *
reportp_jstrv(char *const *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		json_array_append_new(a, reportp_jstr(v[i]));
	return a;
}

void
reportp_strv_add(char ***v, const char *s)
{
	size_t n = 0;

	while (*v != NULL && (*v)[n] != NULL)
		n++;
	*v = reportp_xreallocarray(*v, n + 2, sizeof(**v));
	(*v)[n] = reportp_xstrdup(s);
	(*v)[n + 1] = NULL;
}

void
reportp_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
report_json_error_text(const char *body, size_t len, char *buf, size_t size)
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
report_json_valid(const char *text, size_t len)
{
	json_t *root = json_loadb(text, len, JSON_DECODE_ANY, NULL);

	json_decref(root);
	return root != NULL;
}
