/*
 * unit-record.c: the records bench-tests-rustc-wrapper writes (one per
 * rustc call it ran: text, one field a line, see src/profile/rustc-wrapper.c)
 * and the unit of the profile that rustc's arguments describe.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "reports-int.h"

#define RECORD_MAGIC   "bench-tests-rustc-wrapper "
#define RECORD_VERSION 1
#define MAX_ARGS       (1u << 20)

void
report_unit_record_free(struct unit_record *r)
{
	if (r == NULL)
		return;
	free(r->cwd);
	free(r->rustc);
	reportp_strv_free(r->args);
	free(r->pkg_name);
	free(r->pkg_version);
	free(r->manifest_dir);
	free(r->crate_name);
	free(r);
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* value (n bytes) with \xHH escapes undone; NULL when an escape is bad. */
static char *
unescape(const char *value, size_t n)
{
	char *out = reportp_xcalloc(n + 1, 1), *o = out;
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (value[i] == '\0')
			goto bad;
		if (value[i] != '\\') {
			*o++ = value[i];
			continue;
		}
		if (i + 3 >= n || value[i + 1] != 'x')
			goto bad;
		hi = hex_digit(value[i + 2]);
		lo = hex_digit(value[i + 3]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		*o++ = (char)(hi << 4 | lo);
		i += 3;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* A number field: finite, at least 0, at most max. */
static int
parse_number(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (*s == '\0' || *s == ' ' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !isfinite(v) || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Set a string field once: a second occurrence is an error. */
static int
set_once(char **field, char *value)
{
	if (*field != NULL) {
		free(value);
		return -1;
	}
	*field = value;
	return 0;
}

static int
set_env(struct unit_record *r, char *kv)
{
	static const char *const names[] = {"CARGO_PKG_NAME",
	    "CARGO_PKG_VERSION", "CARGO_MANIFEST_DIR", "CARGO_CRATE_NAME",
	    "CARGO_PRIMARY_PACKAGE", NULL};
	char **fields[] = {&r->pkg_name, &r->pkg_version, &r->manifest_dir,
	    &r->crate_name, NULL};
	char *eq = strchr(kv, '=');
	size_t i;
	int rc = 0;

	if (eq == NULL)
		rc = -1;
	for (i = 0; rc == 0 && names[i] != NULL; i++) {
		if (strlen(names[i]) != (size_t)(eq - kv) ||
		    strncmp(kv, names[i], (size_t)(eq - kv)) != 0)
			continue;
		if (fields[i] == NULL) {
			r->primary = eq[1] != '\0';
			break;
		}
		rc = set_once(fields[i], reportp_xstrdup(eq + 1));
		break;
	}
	/* Variables we do not know are left alone. */
	free(kv);
	return rc;
}

int
report_unit_record_parse(const char *text, size_t len, struct unit_record **out,
    struct bench_error *err)
{
	struct unit_record *r = reportp_xcalloc(1, sizeof(*r));
	const char *line = text, *nl, *sp, *what = NULL;
	size_t ll, kl, n_args = 0, lineno = 0;
	int ended = 0, have_status = 0, have_wall = 0;
	char *v = NULL;
	double x;

	*out = NULL;
	r->wall = r->user = r->sys = r->maxrss = NAN;
	r->exit_code = -1;
	while (line < text + len) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (nl == NULL) {
			what = "the last line has no newline";
			goto truncated;
		}
		ll = (size_t)(nl - line);
		lineno++;
		if (ended) {
			what = "text after \"end\"";
			goto bad;
		}
		if (lineno == 1) {
			if (ll < strlen(RECORD_MAGIC) ||
			    memcmp(line, RECORD_MAGIC, strlen(RECORD_MAGIC)) !=
			        0) {
				what = "not a record of bench-tests-rustc-"
				       "wrapper";
				goto bad;
			}
			v = unescape(line + strlen(RECORD_MAGIC),
			    ll - strlen(RECORD_MAGIC));
			if (v == NULL || parse_number(v, INT_MAX, &x) != 0) {
				what = "a bad format version";
				goto bad;
			}
			free(v);
			v = NULL;
			if (x != RECORD_VERSION) {
				report_unit_record_free(r);
				return bench_error_set(err, BENCH_ERR_VERSION,
				    "a unit record of format version %.0f "
				    "(this bench-tests reads version %d)",
				    x, RECORD_VERSION);
			}
			line = nl + 1;
			continue;
		}
		if (ll == 3 && memcmp(line, "end", 3) == 0) {
			ended = 1;
			line = nl + 1;
			continue;
		}
		sp = memchr(line, ' ', ll);
		if (sp == NULL) {
			what = "a line without a value";
			goto bad;
		}
		kl = (size_t)(sp - line);
		v = unescape(sp + 1, (size_t)(nl - sp - 1));
		if (v == NULL) {
			what = "a bad escape";
			goto bad;
		}
#define KEY(k) (kl == strlen(k) && memcmp(line, k, kl) == 0)
		if (KEY("arg")) {
			if (n_args >= MAX_ARGS) {
				what = "too many arguments";
				goto bad;
			}
			r->args = reportp_xreallocarray(
			    r->args, n_args + 2, sizeof(*r->args));
			r->args[n_args++] = v;
			r->args[n_args] = NULL;
			v = NULL;
		} else if (KEY("cwd") || KEY("rustc")) {
			if (set_once(KEY("cwd") ? &r->cwd : &r->rustc, v) !=
			    0) {
				v = NULL;
				what = "a repeated field";
				goto bad;
			}
			v = NULL;
		} else if (KEY("env")) {
			if (set_env(r, v) != 0) {
				v = NULL;
				what = "a bad or repeated env line";
				goto bad;
			}
			v = NULL;
		} else if (KEY("pid")) {
			if (parse_number(v, INT_MAX, &x) != 0 || x < 1 ||
			    x != floor(x) || r->pid != 0) {
				what = "a bad pid";
				goto bad;
			}
			r->pid = (long)x;
		} else if (KEY("wall") || KEY("user") || KEY("system") ||
		           KEY("maxrss")) {
			double *f = KEY("wall")     ? &r->wall
			            : KEY("user")   ? &r->user
			            : KEY("system") ? &r->sys
			                            : &r->maxrss;

			if (!isnan(*f) || parse_number(v, 1e12, f) != 0) {
				what = "a bad or repeated time";
				goto bad;
			}
			have_wall |= KEY("wall");
		} else if (KEY("exit") || KEY("signal")) {
			int sig = KEY("signal");

			if (have_status ||
			    parse_number(v, sig ? 127 : 255, &x) != 0 ||
			    x != floor(x) || (sig && x < 1)) {
				what = "a bad or repeated status";
				goto bad;
			}
			have_status = 1;
			r->signal = sig ? (int)x : 0;
			r->exit_code = sig ? 128 + (int)x : (int)x;
		}
		/* Other keys are left for newer readers. */
#undef KEY
		free(v);
		v = NULL;
		line = nl + 1;
	}
	if (lineno == 0) {
		what = "an empty file";
		goto truncated;
	}
	if (!ended) {
		what = "no \"end\" line";
		goto truncated;
	}
	if (r->rustc == NULL || !have_status || !have_wall) {
		what = "no rustc, wall time or status";
		goto bad;
	}
	if (r->args == NULL)
		r->args = reportp_xcalloc(1, sizeof(*r->args));
	r->n_args = n_args;
	*out = r;
	return 0;
truncated:
	free(v);
	report_unit_record_free(r);
	return bench_error_set(
	    err, BENCH_ERR_TRUNCATED, "a unit record cut short: %s", what);
bad:
	free(v);
	report_unit_record_free(r);
	return bench_error_set(err, BENCH_ERR_INVALID,
	    "not a unit record: line %zu: %s", lineno, what);
}

/* The value of an option given as "OPT VALUE" or "OPT=VALUE", or NULL. */
static const char *
opt_value(char *const *args, size_t n, size_t *i, const char *opt)
{
	size_t len = strlen(opt);

	if (strcmp(args[*i], opt) == 0 && *i + 1 < n)
		return args[++*i];
	if (strncmp(args[*i], opt, len) == 0 && args[*i][len] == '=')
		return args[*i] + len + 1;
	return NULL;
}

/* Options of rustc whose value is a separate argument (not the source). */
static int
takes_value(const char *a)
{
	static const char *const long_opts[] = {"--out-dir", "--error-format",
	    "--json", "--emit", "--target", "--cap-lints", "--check-cfg",
	    "--diagnostic-width", "--remap-path-prefix", "--sysroot", "--print",
	    "--explain", "--crate-type", "--cfg", "--extern", "--edition",
	    "--crate-name", NULL};
	size_t i;

	if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && a[2] == '\0')
		return strchr("LlWAFDoCZ", a[1]) != NULL;
	for (i = 0; long_opts[i] != NULL; i++) {
		if (strcmp(a, long_opts[i]) == 0)
			return 1;
	}
	return 0;
}

int
report_unit_from_record(
    const struct unit_record *r, struct prof_unit *u, struct bench_error *err)
{
	char *const *args = r->args;
	const char *v;
	size_t i, n = r->n_args;

	memset(u, 0, sizeof(*u));
	u->cargo_duration = u->cargo_frontend = NAN;
	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") == 0 || strcmp(args[i], "-vV") == 0 ||
		    strcmp(args[i], "-V") == 0 ||
		    strcmp(args[i], "--version") == 0 ||
		    strncmp(args[i], "--print", 7) == 0) {
			report_unit_clear(u);
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "not a compilation (%s)", args[i]);
		}
		if ((v = opt_value(args, n, &i, "--crate-name")) != NULL) {
			free(u->crate_name);
			u->crate_name = reportp_xstrdup(v);
		} else if ((v = opt_value(args, n, &i, "--crate-type")) !=
		           NULL) {
			char *copy = reportp_xstrdup(v), *tok, *save = NULL;

			for (tok = strtok_r(copy, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save))
				reportp_strv_add(&u->crate_types, tok);
			free(copy);
		} else if ((v = opt_value(args, n, &i, "--edition")) != NULL) {
			free(u->edition);
			u->edition = reportp_xstrdup(v);
		} else if ((v = opt_value(args, n, &i, "--cfg")) != NULL) {
			size_t len = strlen(v);

			if (len >= 10 && strncmp(v, "feature=\"", 9) == 0 &&
			    v[len - 1] == '"') {
				char *f = reportp_xstrdup(v + 9);

				f[len - 10] = '\0';
				reportp_strv_add(&u->features, f);
				free(f);
			}
		} else if ((v = opt_value(args, n, &i, "--extern")) != NULL) {
			char *name = reportp_xstrdup(v);

			name[strcspn(name, "=")] = '\0';
			reportp_strv_add(&u->externs, name);
			free(name);
		} else if (strcmp(args[i], "--test") == 0)
			u->test = 1;
		else if ((v = opt_value(args, n, &i, "-C")) != NULL ||
		         (strncmp(args[i], "-C", 2) == 0 &&
		             (v = args[i] + 2) != NULL)) {
			if (strncmp(v, "metadata=", 9) == 0) {
				free(u->metadata);
				u->metadata = reportp_xstrdup(v + 9);
			}
		} else if (takes_value(args[i]) && i + 1 < n)
			i++; /* an option's value is not the source */
		else if (args[i][0] != '-' && u->source == NULL &&
		         strlen(args[i]) > 3 &&
		         strcmp(args[i] + strlen(args[i]) - 3, ".rs") == 0)
			u->source = reportp_xstrdup(args[i]);
	}
	if (u->crate_name == NULL || u->source == NULL ||
	    strcmp(u->crate_name, "___") == 0) {
		report_unit_clear(u);
		return bench_error_set(err, BENCH_ERR_INVALID,
		    "not a compilation of a crate (no --crate-name or no "
		    ".rs source)");
	}
	/* rustc's default crate type, also of --test harnesses. */
	if (u->crate_types == NULL)
		reportp_strv_add(&u->crate_types, "bin");
	if (u->features == NULL)
		u->features = reportp_xcalloc(1, sizeof(*u->features));
	if (u->externs == NULL)
		u->externs = reportp_xcalloc(1, sizeof(*u->externs));
	u->package =
	    reportp_xstrdup(r->pkg_name != NULL ? r->pkg_name : u->crate_name);
	u->pid = r->pid;
	u->wall = r->wall;
	u->user = isnan(r->user) ? NAN : r->user;
	u->sys = isnan(r->sys) ? NAN : r->sys;
	u->exit_code = r->exit_code;
	return 0;
}
