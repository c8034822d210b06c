/*
 * json-util.c: small helpers every JSON writer and string list in reports/
 * shares.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <jansson.h>

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
	fixed = reportp_utf8_fix(s);
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
