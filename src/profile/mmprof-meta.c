/*
 * mmprof-meta.c: the metadata string (format spec section 8) and the rustc
 * command line it records.
 *
 * The metadata is a small JSON object, but measureme writes the command line
 * with Rust's escape_default, which produces two escapes that JSON does not
 * have (\' and \u{XXXX}).  repair() rewrites them into JSON, and a small
 * parser reads the few keys needed.  It is hand-written rather than jansson
 * so that start_time (nanoseconds since the epoch, which need more than a
 * double's 53 bits and may outgrow an int64) is kept exactly, as the digits
 * themselves, and so that the library needs no JSON dependency.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmprof-int.h"

#define JSON_MAX_DEPTH 32

struct json {
	const char *s;
	size_t n;
	size_t pos;
	bool oom;
};

/* ------------------------------------------------------------------ repair */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
add_u16(struct mmprofp_buf *b, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {'\\', 'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15],
	    hex[(v >> 4) & 15], hex[v & 15]};

	return mmprofp_buf_add(b, e, sizeof(e));
}

/* Write code point cp as JSON \u escapes (a surrogate pair above U+FFFF). */
static int
add_cp_escape(struct mmprofp_buf *b, uint32_t cp)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
		cp = 0xFFFD;
	if (cp < 0x10000)
		return add_u16(b, cp);
	cp -= 0x10000;
	if (add_u16(b, 0xD800 + (cp >> 10)) != BENCH_OK)
		return BENCH_ERR_NOMEM;
	return add_u16(b, 0xDC00 + (cp & 0x3FF));
}

/*
 * Rewrite s into valid JSON: inside strings, \' becomes ', \u{X...} becomes
 * \uXXXX (or a surrogate pair), and raw control characters are escaped.
 */
static int
repair(const char *s, size_t n, struct mmprofp_buf *out)
{
	size_t i = 0, j;
	uint32_t cp;
	bool in_str = false, ok;
	int rc = BENCH_OK, h;
	char c;

	while (i < n && rc == BENCH_OK) {
		c = s[i];
		if (!in_str || c == '"') {
			in_str = in_str ? false : c == '"';
			rc = mmprofp_buf_add(out, &c, 1);
			i++;
		} else if (c == '\\' && i + 1 < n && s[i + 1] == '\'') {
			rc = mmprofp_buf_add(out, "'", 1);
			i += 2;
		} else if (c == '\\' && i + 2 < n && s[i + 1] == 'u' &&
		           s[i + 2] == '{') {
			cp = 0;
			ok = true;
			for (j = i + 3; j < n && s[j] != '}' && j < i + 12;
			     j++) {
				h = hexval((unsigned char)s[j]);
				if (h < 0) {
					ok = false;
					break;
				}
				cp = cp * 16 + (uint32_t)h;
			}
			if (j >= n || s[j] != '}' || j == i + 3 || j > i + 9)
				ok = false;
			rc = add_cp_escape(out, ok ? cp : 0xFFFD);
			i = ok ? j + 1 : i + 3;
		} else if (c == '\\' && i + 1 < n) {
			rc = mmprofp_buf_add(out, s + i, 2);
			i += 2;
		} else if ((unsigned char)c < 0x20) {
			rc = add_u16(out, (unsigned char)c);
			i++;
		} else {
			rc = mmprofp_buf_add(out, &c, 1);
			i++;
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ parser */

static void
skip_ws(struct json *j)
{
	while (
	    j->pos < j->n && (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
	                         j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
		j->pos++;
}

static bool
lit(struct json *j, const char *w)
{
	size_t k = strlen(w);

	if (j->n - j->pos < k || memcmp(j->s + j->pos, w, k) != 0)
		return false;
	j->pos += k;
	return true;
}

static int
add_utf8(struct mmprofp_buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t k;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD; /* keeps C strings whole */
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	return mmprofp_buf_add(b, u, k);
}

static bool
hex4(struct json *j, uint32_t *v)
{
	size_t k;
	int h;

	if (j->n - j->pos < 4)
		return false;
	*v = 0;
	for (k = 0; k < 4; k++) {
		h = hexval((unsigned char)j->s[j->pos + k]);
		if (h < 0)
			return false;
		*v = *v * 16 + (uint32_t)h;
	}
	j->pos += 4;
	return true;
}

/* Parse a string at j->pos into out (if not NULL); false if malformed. */
static bool
parse_string(struct json *j, struct mmprofp_buf *out)
{
	uint32_t cp, lo;
	size_t start;
	char c;
	int rc = BENCH_OK;

	if (j->pos >= j->n || j->s[j->pos] != '"')
		return false;
	j->pos++;
	if (out != NULL)
		out->len = 0;
	while (j->pos < j->n && rc == BENCH_OK) {
		start = j->pos;
		while (j->pos < j->n && j->s[j->pos] != '"' &&
		       j->s[j->pos] != '\\')
			j->pos++;
		if (out != NULL && j->pos > start)
			rc = mmprofp_buf_add(out, j->s + start, j->pos - start);
		if (j->pos >= j->n || rc != BENCH_OK)
			break;
		c = j->s[j->pos++];
		if (c == '"') {
			if (out != NULL)
				rc = mmprofp_buf_add(out, "", 0); /* the NUL */
			j->oom |= rc != BENCH_OK;
			return rc == BENCH_OK;
		}
		if (j->pos >= j->n)
			break;
		c = j->s[j->pos++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if (!hex4(j, &cp))
				return false;
			if (cp >= 0xD800 && cp <= 0xDBFF &&
			    j->n - j->pos >= 6 && j->s[j->pos] == '\\' &&
			    j->s[j->pos + 1] == 'u') {
				j->pos += 2;
				if (!hex4(j, &lo))
					return false;
				if (lo >= 0xDC00 && lo <= 0xDFFF)
					cp = 0x10000 + ((cp - 0xD800) << 10) +
					     (lo - 0xDC00);
				else if (out != NULL) {
					rc = add_utf8(out, 0xFFFD);
					cp = lo;
				}
			}
			if (out != NULL && rc == BENCH_OK)
				rc = add_utf8(out, cp);
			continue;
		default:
			return false;
		}
		if (out != NULL)
			rc = mmprofp_buf_add(out, &c, 1);
	}
	j->oom |= rc != BENCH_OK;
	return false;
}

/* Parse a number; [*start, *end) is its text, *plain if digits only. */
static bool
parse_number(struct json *j, size_t *start, size_t *end, bool *plain)
{
	size_t d;

	*start = j->pos;
	*plain = true;
	if (j->pos < j->n && j->s[j->pos] == '-') {
		j->pos++;
		*plain = false;
	}
	d = j->pos;
	while (j->pos < j->n && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
		j->pos++;
	if (j->pos == d)
		return false;
	if (j->pos < j->n && j->s[j->pos] == '.') {
		*plain = false;
		j->pos++;
		d = j->pos;
		while (
		    j->pos < j->n && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
			j->pos++;
		if (j->pos == d)
			return false;
	}
	if (j->pos < j->n && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
		*plain = false;
		j->pos++;
		if (j->pos < j->n &&
		    (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
			j->pos++;
		d = j->pos;
		while (
		    j->pos < j->n && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
			j->pos++;
		if (j->pos == d)
			return false;
	}
	*end = j->pos;
	return true;
}

/* Skip any value, nesting at most JSON_MAX_DEPTH deep. */
static bool
skip_value(struct json *j, int depth)
{
	size_t a, b;
	bool plain, first;
	char close;

	skip_ws(j);
	if (j->pos >= j->n || depth > JSON_MAX_DEPTH)
		return false;
	switch (j->s[j->pos]) {
	case '"':
		return parse_string(j, NULL);
	case '{':
	case '[':
		close = j->s[j->pos] == '{' ? '}' : ']';
		j->pos++;
		first = true;
		for (;;) {
			skip_ws(j);
			if (j->pos < j->n && j->s[j->pos] == close && first) {
				j->pos++;
				return true;
			}
			if (close == '}') {
				if (!parse_string(j, NULL))
					return false;
				skip_ws(j);
				if (!lit(j, ":"))
					return false;
			}
			if (!skip_value(j, depth + 1))
				return false;
			skip_ws(j);
			first = false;
			if (lit(j, ","))
				continue;
			if (j->pos < j->n && j->s[j->pos] == close) {
				j->pos++;
				return true;
			}
			return false;
		}
	case 't':
		return lit(j, "true");
	case 'f':
		return lit(j, "false");
	case 'n':
		return lit(j, "null");
	default:
		return parse_number(j, &a, &b, &plain);
	}
}

/* ---------------------------------------------------------------- identity */

struct idb {
	struct mmprof_identity *id;
	bool oom;
};

static char *
dupn(struct idb *b, const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL) {
		b->oom = true;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
set_field(struct idb *b, char **field, const char *s, size_t n)
{
	free(*field);
	*field = dupn(b, s, n);
}

static void
push(struct idb *b, char ***arr, size_t *n, const char *s, size_t len)
{
	char **na;
	char *p;

	p = dupn(b, s, len);
	if (p == NULL)
		return;
	/* The array holds n + 1 pointers; it doubles at powers of two. */
	if (*arr == NULL || ((*n + 1) & *n) == 0) {
		na = mmprofp_reallocarray(*arr, 2 * (*n + 1), sizeof(*na));
		if (na == NULL) {
			free(p);
			b->oom = true;
			return;
		}
		*arr = na;
	}
	(*arr)[(*n)++] = p;
	(*arr)[*n] = NULL;
}

/* Does the long option (without "--") take a value? */
static bool
long_takes_value(const char *name, size_t n)
{
	static const char *const opts[] = {"cfg", "check-cfg", "crate-type",
	    "crate-name", "edition", "emit", "print", "out-dir", "explain",
	    "target", "allow", "warn", "force-warn", "deny", "forbid",
	    "cap-lints", "codegen", "extern", "sysroot", "error-format", "json",
	    "color", "diagnostic-width", "remap-path-prefix",
	    "remap-path-scope", "env-set", "unpretty", "extern-location",
	    "pretty", "target-dir", NULL};
	size_t i;

	for (i = 0; opts[i] != NULL; i++)
		if (strlen(opts[i]) == n && memcmp(opts[i], name, n) == 0)
			return true;
	return false;
}

static bool
is_opt(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(name, want, n) == 0;
}

static void
on_codegen(struct idb *b, const char *v)
{
	if (strncmp(v, "metadata=", 9) == 0)
		set_field(b, &b->id->metadata, v + 9, strlen(v + 9));
	else if (strncmp(v, "extra-filename=", 15) == 0)
		set_field(b, &b->id->extra_filename, v + 15, strlen(v + 15));
}

static void
on_cfg(struct idb *b, const char *v)
{
	size_t n = strlen(v);

	if (n >= 10 && strncmp(v, "feature=\"", 9) == 0 && v[n - 1] == '"')
		push(b, &b->id->features, &b->id->n_features, v + 9, n - 10);
}

static void
on_crate_types(struct idb *b, const char *v)
{
	const char *comma;
	size_t n;

	while (*v != '\0') {
		comma = strchr(v, ',');
		n = comma == NULL ? strlen(v) : (size_t)(comma - v);
		if (n > 0)
			push(b, &b->id->crate_types, &b->id->n_crate_types, v,
			    n);
		v += n + (comma != NULL);
	}
}

static bool
ends_with_rs(const char *s)
{
	size_t n = s == NULL ? 0 : strlen(s);

	return n >= 3 && strcmp(s + n - 3, ".rs") == 0;
}

/*
 * Append " v" to *run.  Runs stop growing past 4096 bytes (PATH_MAX), so
 * that a hostile command line of many short pieces stays linear.
 */
static void
add_to_run(struct idb *b, char **run, const char *v)
{
	size_t old, n = strlen(v);
	char *p;

	if (*run == NULL) {
		*run = dupn(b, v, n);
		return;
	}
	old = strnlen(*run, 4097);
	if (old > 4096)
		return;
	p = realloc(*run, old + n + 2);
	if (p == NULL) {
		b->oom = true;
		return;
	}
	p[old] = ' ';
	memcpy(p + old + 1, v, n + 1);
	*run = p;
}

/*
 * A run of adjacent positional arguments has ended: rustc takes a single
 * input, and `cmd` joins argv elements with spaces, so the run is one path
 * with spaces.  The input is the first run ending in ".rs", else the first.
 */
static void
end_run(struct idb *b, char **run)
{
	struct mmprof_identity *id = b->id;

	if (*run == NULL)
		return;
	if (id->source == NULL ||
	    (!ends_with_rs(id->source) && ends_with_rs(*run))) {
		free(id->source);
		id->source = *run;
	} else
		free(*run);
	*run = NULL;
}

/* Are the parentheses or double quotes of an option value still open? */
static bool
unbalanced(const char *v)
{
	int depth = 0;
	bool quoted = false;

	for (; *v != '\0'; v++) {
		if (*v == '\\' && v[1] != '\0')
			v++;
		else if (*v == '"')
			quoted = !quoted;
		else if (!quoted && *v == '(')
			depth++;
		else if (!quoted && *v == ')')
			depth--;
	}
	return quoted || depth > 0;
}

/*
 * The value of an option, which starts with `first`: values with spaces
 * (such as --check-cfg 'cfg(feature, values("a", "b"))') come back in
 * pieces, so the next arguments are added while parentheses or quotes are
 * open.  Returns a new string, or NULL when out of memory.
 */
static char *
take_value(struct idb *b, const char *first, size_t *i)
{
	struct mmprof_identity *id = b->id;
	char *v = dupn(b, first, strlen(first));
	int k;

	for (k = 0; v != NULL && k < 64 && unbalanced(v) && *i + 1 < id->argc;
	     k++)
		add_to_run(b, &v, id->argv[++*i]);
	return v;
}

/* Read the identity out of argv (rustc's own option syntax). */
static void
parse_args(struct idb *b)
{
	struct mmprof_identity *id = b->id;
	const char *a, *name, *eq;
	char *val, *run = NULL;
	size_t i, n;
	bool dashdash = false;

	for (i = 1; i < id->argc && !b->oom; i++) {
		a = id->argv[i];
		if (dashdash || a[0] != '-' || a[1] == '\0') {
			add_to_run(b, &run, a);
			continue;
		}
		end_run(b, &run);
		if (strcmp(a, "--") == 0) {
			dashdash = true;
			continue;
		}
		val = NULL;
		if (a[1] == '-') {
			name = a + 2;
			eq = strchr(name, '=');
			n = eq != NULL ? (size_t)(eq - name) : strlen(name);
			if (eq != NULL)
				val = take_value(b, eq + 1, &i);
			else if (long_takes_value(name, n) &&
			         i + 1 < id->argc) {
				i++;
				val = take_value(b, id->argv[i], &i);
			}
			if (is_opt(name, n, "test"))
				id->test = true;
			if (val == NULL)
				continue;
			if (is_opt(name, n, "crate-name"))
				set_field(b, &id->crate_name, val, strlen(val));
			else if (is_opt(name, n, "crate-type"))
				on_crate_types(b, val);
			else if (is_opt(name, n, "edition"))
				set_field(b, &id->edition, val, strlen(val));
			else if (is_opt(name, n, "cfg"))
				on_cfg(b, val);
			else if (is_opt(name, n, "codegen"))
				on_codegen(b, val);
			free(val);
			continue;
		}
		if (strchr("LloAWDFCZ", a[1]) == NULL)
			continue; /* -g, -O, -v, -V, -h: no value */
		if (a[2] != '\0')
			val = take_value(b, a + 2, &i);
		else if (i + 1 < id->argc) {
			i++;
			val = take_value(b, id->argv[i], &i);
		}
		if (val != NULL && a[1] == 'C')
			on_codegen(b, val);
		free(val);
	}
	end_run(b, &run);
}

static void
split_cmd(struct idb *b)
{
	const char *s = b->id->cmd, *sp;
	size_t n;

	while (*s != '\0' && !b->oom) {
		sp = strchr(s, ' ');
		n = sp == NULL ? strlen(s) : (size_t)(sp - s);
		if (n > 0)
			push(b, &b->id->argv, &b->id->argc, s, n);
		s += n + (sp != NULL);
	}
}

static bool
parse_top(struct json *j, struct idb *b, struct mmprofp_buf *str)
{
	struct mmprof_identity *id = b->id;
	size_t a, e, k;
	bool plain, first = true;
	uint64_t v;

	skip_ws(j);
	if (!lit(j, "{"))
		return false;
	for (;;) {
		skip_ws(j);
		if (first && lit(j, "}"))
			break;
		first = false;
		if (!parse_string(j, str))
			return false;
		skip_ws(j);
		if (!lit(j, ":"))
			return false;
		skip_ws(j);
		if (strcmp(str->p, "start_time") == 0 ||
		    strcmp(str->p, "process_id") == 0) {
			bool is_start = str->p[0] == 's';

			if (!parse_number(j, &a, &e, &plain))
				return false;
			v = 0;
			for (k = a; plain && k < e; k++) {
				if (v > (UINT64_MAX - 9) / 10) {
					plain = false; /* too big for u64 */
					v = 0;
					break;
				}
				v = v * 10 + (uint64_t)(j->s[k] - '0');
			}
			if (is_start) {
				set_field(b, &id->start_time, j->s + a, e - a);
				id->start_time_ns = plain ? v : 0;
			} else
				id->process_id = plain ? v : 0;
		} else if (strcmp(str->p, "cmd") == 0) {
			if (!parse_string(j, str))
				return false;
			set_field(b, &id->cmd, str->p, str->len);
		} else if (strcmp(str->p, "counter") == 0) {
			skip_ws(j);
			if (j->pos < j->n && j->s[j->pos] == '"') {
				if (!parse_string(j, str))
					return false;
				set_field(b, &id->counter, str->p, str->len);
			} else if (lit(j, "{")) {
				/* { "name": "...", "units": ... } */
				bool f2 = true;

				for (;;) {
					skip_ws(j);
					if (f2 && lit(j, "}"))
						break;
					f2 = false;
					if (!parse_string(j, str))
						return false;
					skip_ws(j);
					if (!lit(j, ":"))
						return false;
					skip_ws(j);
					if (strcmp(str->p, "name") == 0 &&
					    j->pos < j->n &&
					    j->s[j->pos] == '"') {
						if (!parse_string(j, str))
							return false;
						set_field(b, &id->counter,
						    str->p, str->len);
					} else if (!skip_value(j, 2))
						return false;
					skip_ws(j);
					if (lit(j, ","))
						continue;
					if (lit(j, "}"))
						break;
					return false;
				}
			} else if (!skip_value(j, 1))
				return false;
		} else if (!skip_value(j, 1))
			return false;
		skip_ws(j);
		if (lit(j, ","))
			continue;
		if (lit(j, "}"))
			break;
		return false;
	}
	skip_ws(j);
	return j->pos == j->n;
}

/*
 * Parse the metadata text into a new identity; BENCH_ERR_INVALID if it is
 * not a JSON object even after repair.
 */
int
mmprofp_identity_parse(const char *text, size_t len, uint32_t version,
    bool guessed, struct mmprof_identity **out, struct bench_error *err)
{
	struct mmprofp_buf fixed = {NULL, 0, 0}, str = {NULL, 0, 0};
	struct json j;
	struct idb b;
	int rc = BENCH_OK;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	b.id = calloc(1, sizeof(*b.id));
	if (b.id == NULL || (rc = repair(text, len, &fixed)) != BENCH_OK ||
	    (rc = mmprofp_buf_add(&fixed, "", 0)) != BENCH_OK) {
		rc = bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
		goto out;
	}
	b.id->version = version;
	b.id->guessed = guessed;
	j.s = fixed.p;
	j.n = fixed.len;
	j.pos = 0;
	j.oom = false;
	if (mmprofp_buf_add(&str, "", 0) != BENCH_OK) {
		rc = bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!parse_top(&j, &b, &str)) {
		rc = j.oom ? bench_error_set(
		                 err, BENCH_ERR_NOMEM, "out of memory")
		           : bench_error_set(err, BENCH_ERR_INVALID,
		                 "metadata is not a JSON object (error at "
		                 "character %zu of %zu)",
		                 j.pos, j.n);
		goto out;
	}
	b.id->json = fixed.p;
	fixed.p = NULL;
	if (b.id->counter == NULL)
		set_field(&b, &b.id->counter, "wall-time", 9);
	if (b.id->cmd != NULL) {
		split_cmd(&b);
		parse_args(&b);
	}
	if (b.oom) {
		rc = bench_error_set(err, BENCH_ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = b.id;
	b.id = NULL;
out:
	mmprof_identity_free(b.id);
	free(fixed.p);
	free(str.p);
	return rc;
}

static void
free_list(char **a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

/* Free an identity; see mmprof.h. */
void
mmprof_identity_free(struct mmprof_identity *id)
{
	if (id == NULL)
		return;
	free(id->json);
	id->json = NULL;
	free(id->start_time);
	id->start_time = NULL;
	free(id->counter);
	id->counter = NULL;
	free(id->cmd);
	id->cmd = NULL;
	free_list(id->argv, id->argc);
	id->argv = NULL;
	free(id->crate_name);
	id->crate_name = NULL;
	free_list(id->crate_types, id->n_crate_types);
	id->crate_types = NULL;
	free_list(id->features, id->n_features);
	id->features = NULL;
	free(id->metadata);
	id->metadata = NULL;
	free(id->extra_filename);
	id->extra_filename = NULL;
	free(id->edition);
	id->edition = NULL;
	free(id->source);
	id->source = NULL;
	free(id);
}
