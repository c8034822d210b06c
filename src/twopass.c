/*
 * twopass.c: the self-profile of a workspace's build, in one target
 * directory, so that dependencies are built once:
 *
 *   pass 1: cargo build --workspace --all-targets with
 *           bench-tests-rustc-wrapper as RUSTC_WORKSPACE_WRAPPER, which
 *           adds -Zself-profile to each compilation of a member (with
 *           --profile-deps it is RUSTC_WRAPPER and profiles everything);
 *           cargo's -Zbuild-analysis log gives its own timing of each unit;
 *   pass 2: the same build with the wrapper under another path, which
 *           makes cargo rebuild the members and nothing else; the wrapper
 *           records each of their rustc calls (or runs --extractor in
 *           rustc's place), without profiling;
 *   merge:  each recorded unit gets the costs of its pass-1 profile,
 *           matched by crate name, --test, crate types, source and
 *           features; what has no profile is said, unit by unit.
 *
 * --single-pass does both in pass 1: the wrapper adds the profiling flags
 * and records the same call, and the profile is matched by rustc's pid.
 */
#include <config.h>

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "mmprof.h"

extern char **environ;

/* Variables that would change what the passes do; we set our own. */
static const char *const dropped_env[] = {
    "RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "CARGO_INCREMENTAL",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_ANALYSIS_ENABLED",
    "BENCH_TESTS_PROFILE_DIR",
    "BENCH_TESTS_UNITS",
    "BENCH_TESTS_EXTRACTOR",
    NULL,
};

struct envb {
	char **v;
	size_t n;
};

static void env_add(struct envb *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
env_add(struct envb *e, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatalx(BENCH_EXIT_USAGE, "out of memory");
	va_end(ap);
	e->v = xreallocarray(e->v, e->n + 2, sizeof(*e->v));
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
}

/* Our environment without the variables the passes set themselves. */
static void
env_base(struct envb *e)
{
	size_t i, k;

	memset(e, 0, sizeof(*e));
	for (i = 0; environ[i] != NULL; i++) {
		for (k = 0; dropped_env[k] != NULL; k++) {
			size_t len = strlen(dropped_env[k]);

			if (strncmp(environ[i], dropped_env[k], len) == 0 &&
			    environ[i][len] == '=')
				break;
		}
		if (dropped_env[k] == NULL)
			env_add(e, "%s", environ[i]);
	}
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf path; 0 or -1 (errno set). */
static int
remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
}

static int
mkdir_p(const char *path)
{
	char *copy = xstrdup(path), *p;
	int rc = 0;

	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (mkdir(copy, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(copy);
	return rc;
}

/*
 * The wrapper program beside our own executable (caller frees), or NULL
 * after a message.
 */
static char *
find_wrapper(void)
{
	char buf[PATH_MAX], *slash, *path = NULL;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0) {
		errorf("cannot find our own executable (/proc/self/exe): %s",
		    strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	xasprintf(&path, "%s/" TWOPASS_WRAPPER, buf);
	if (access(path, X_OK) != 0) {
		errorf("%s: %s; profile needs " TWOPASS_WRAPPER
		       " installed beside bench-tests",
		    path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

/*
 * A path of the wrapper for one pass: a symbolic link in the work
 * directory.  Cargo hashes RUSTC_WORKSPACE_WRAPPER's path into the
 * members' fingerprints, so another path makes it rebuild the members and
 * nothing else.
 */
static char *
wrapper_link(const char *dir, const char *name, const char *wrapper)
{
	char *link = NULL;

	xasprintf(&link, "%s/%s", dir, name);
	if (symlink(wrapper, link) != 0) {
		errorf("cannot link '%s': %s", link, strerror(errno));
		free(link);
		return NULL;
	}
	return link;
}

/*
 * Run one pass: cargo (argv) with the environment env (freed) in ws,
 * output to work/log_name; the progress line ticks.  Sets *command (the
 * command line, caller frees), *log (the log's path, caller frees) and
 * *wall.  Returns cargo's status, or -1 when it could not start.
 */
static int
run_pass(const char *what, char **argv, struct envb *env, const char *ws,
    const char *work, const char *log_name, char **command, char **log,
    double *wall)
{
	struct bench_run run;
	char *display = cmd_join_argv(argv);
	int fd, status = -1;
	struct spawn_opts so = {.argv = argv, .dir = ws, .envp = env->v};

	*command = display;
	free(*log);
	xasprintf(log, "%s/%s", work, log_name);
	fd = open(*log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		errorf("cannot write '%s': %s", *log, strerror(errno));
		goto out;
	}
	so.out_fd = so.err_fd = fd;
	notef("%s: %s", what, display);
	term_progress(1, "%s: %s", what, display);
	if (spawn_run(&so, &run) != 0) {
		term_progress_clear();
		errorf("cannot run cargo: %s", strerror(errno));
		goto out;
	}
	term_progress_clear();
	*wall = run.wall;
	status = run.signal != 0 ? 128 + run.signal : run.exit_code;
	if (status != 0 && !spawn_interrupted()) {
		char *tail = file_tail(fd, 15);

		warnf("%s exited with status %d (the units that built are "
		      "still used); the end of its output:\n%s",
		    what, status, tail);
		free(tail);
	}
out:
	if (fd >= 0)
		close(fd);
	strv_free(env->v);
	env->v = NULL;
	return status;
}

/*
 * What the end of a pass (run_pass's status) means for the profile: 0 to
 * go on (cargo's own failures leave units to merge), or our exit status.
 */
static int
pass_verdict(int pass_status)
{
	if (spawn_interrupted())
		return BENCH_EXIT_INTERRUPTED;
	return pass_status < 0 ? BENCH_EXIT_USAGE : BENCH_EXIT_OK;
}

/* Whether this cargo understands -Zbuild-analysis (cargo >= 1.94). */
static int
cargo_has_build_analysis(const char *ws, char **env)
{
	char *argv[] = {
	    "cargo",
	    "-Zbuild-analysis",
	    "--version",
	    NULL,
	};
	struct bench_run run;
	struct spawn_opts so = {
	    .argv = argv, .dir = ws, .envp = env, .timeout = 30};
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	so.out_fd = so.err_fd = null;
	if (spawn_run(&so, &run) != 0)
		run.exit_code = 1;
	close(null);
	return run.exit_code == 0 && run.signal == 0;
}

/* $CARGO_HOME/log, where -Zbuild-analysis writes. */
static char *
cargo_log_dir(void)
{
	const char *home = getenv("CARGO_HOME");
	char *dir = NULL;

	if (home != NULL && *home != '\0')
		xasprintf(&dir, "%s/log", home);
	else if (getenv("HOME") != NULL)
		xasprintf(&dir, "%s/.cargo/log", getenv("HOME"));
	return dir;
}

/* The names in dir (sorted, NULL-terminated; caller frees). */
static char **
list_dir(const char *dir, const char *suffix)
{
	struct dirent **names = NULL;
	char **v;
	int n, i, k = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return xcalloc(1, sizeof(char *));
	v = xcalloc((size_t)n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (names[i]->d_name[0] != '.' &&
		    (suffix == NULL ||
		        (len > strlen(suffix) &&
		            strcmp(names[i]->d_name + len - strlen(suffix),
		                suffix) == 0)))
			v[k++] = xstrdup(names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return v;
}

static int
in_list(char **v, const char *s)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

/*
 * Take the build-analysis log our pass wrote (a new file in the log
 * directory that names our target directory) out of the user's log
 * directory into the work directory, and parse it.
 */
static long
take_timings(const char *logdir, char **before, const char *target,
    const char *dest, struct cargo_unit_time **out)
{
	char **after = list_dir(logdir, ".jsonl"), *path = NULL, *text;
	char *needle = NULL;
	size_t i, len;
	long n = -1;

	xasprintf(&needle, "\"target_dir\":\"%s\"", target);
	for (i = 0; after[i] != NULL && n < 0; i++) {
		if (in_list(before, after[i]))
			continue;
		free(path);
		xasprintf(&path, "%s/%s", logdir, after[i]);
		text = file_read(path, 256u << 20, &len);
		if (text == NULL || strstr(text, needle) == NULL) {
			free(text);
			continue;
		}
		n = report_cargo_timings_parse(text, len, out, NULL);
		if (file_write_atomic(dest, text, len) == 0)
			(void)unlink(path);
		free(text);
	}
	free(path);
	free(needle);
	strv_free(after);
	return n;
}

static int
strv_same_set(char **a, char **b)
{
	size_t i, na = strv_len(a), nb = strv_len(b);

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (!in_list(b, a[i]))
			return 0;
	}
	return 1;
}

/* Whether a profile's identity is the unit u of pass 2. */
static int
identity_matches(const struct mmprof_identity *id, const struct prof_unit *u)
{
	char **types, **features;
	int same;

	if (id->crate_name == NULL || id->source == NULL ||
	    strcmp(id->crate_name, u->crate_name) != 0 ||
	    (int)id->test != u->test || strcmp(id->source, u->source) != 0)
		return 0;
	/* No --crate-type means rustc's default, bin (so does --test). */
	types = xcalloc(id->n_crate_types + 2, sizeof(*types));
	if (id->n_crate_types > 0)
		memcpy(
		    types, id->crate_types, id->n_crate_types * sizeof(*types));
	else
		types[0] = "bin";
	features = xcalloc(id->n_features + 1, sizeof(*features));
	if (id->n_features > 0)
		memcpy(
		    features, id->features, id->n_features * sizeof(*features));
	same = strv_same_set(types, u->crate_types) &&
	       strv_same_set(features, u->features);
	free(types);
	free(features);
	return same;
}

static int
by_self_desc(const void *a, const void *b)
{
	const struct prof_cost *x = a, *y = b;

	return (x->self < y->self) - (x->self > y->self);
}

/* Attach the costs of summary s to unit u. */
static void
attach_costs(struct prof_unit *u, const struct mmprof_summary *s,
    const char *file, size_t top_items)
{
	size_t i, n = 0;

	u->has_profile = 1;
	u->profile_file = xstrdup(file);
	u->profile_partial = s->partial != 0;
	u->prof_wall = (double)s->wall_ns * 1e-9;
	u->frontend = u->backend = u->overhead = 0;
	u->labels = xcalloc(s->n_labels + 1, sizeof(*u->labels));
	for (i = 0; i < s->n_labels; i++) {
		const struct mmprof_label *l = &s->labels[i];
		double self = (double)l->self_ns * 1e-9;

		if (l->overhead) {
			u->overhead += self;
			continue;
		}
		if (report_label_is_backend(l->label))
			u->backend += self;
		else
			u->frontend += self;
		u->labels[n].name = xstrdup(l->label);
		u->labels[n].self = self;
		u->labels[n].count = l->count;
		n++;
	}
	u->n_labels = n;
	qsort(u->labels, n, sizeof(*u->labels), by_self_desc);
	u->n_items_total = s->n_items;
	u->n_items = s->n_items < top_items ? s->n_items : top_items;
	u->items = xcalloc(u->n_items + 1, sizeof(*u->items));
	for (i = 0; i < u->n_items; i++) {
		u->items[i].name = xstrdup(s->items[i].item);
		u->items[i].self = (double)s->items[i].self_ns * 1e-9;
		u->items[i].count = s->items[i].count;
	}
}

/*
 * Our key of a unit, from the metadata target whose src_path is its source
 * (relative to dir, rustc's working directory).
 */
static void
set_key(struct prof_unit *u, const struct cargo_workspace *meta,
    const char *dir, const struct cargo_target **target)
{
	char *abs = NULL, *real, *treal;
	size_t i, j;

	*target = NULL;
	if (u->source[0] == '/')
		abs = xstrdup(u->source);
	else
		xasprintf(&abs, "%s/%s", dir, u->source);
	real = file_realpath(abs);
	for (i = 0; i < meta->n_packages && *target == NULL; i++) {
		const struct cargo_package *p = &meta->packages[i];

		if (strcmp(p->name, u->package) != 0)
			continue;
		for (j = 0; j < p->n_targets; j++) {
			if (p->targets[j].src_path == NULL)
				continue;
			treal = file_realpath(p->targets[j].src_path);
			if (treal != NULL && real != NULL &&
			    strcmp(treal, real) == 0)
				*target = &p->targets[j];
			free(treal);
			if (*target != NULL)
				break;
		}
	}
	free(abs);
	free(real);
	free(u->key);
	u->key = NULL;
	if (*target == NULL)
		xasprintf(
		    &u->key, "%s%s", u->crate_name, u->test ? "/test" : "");
	else if (strcmp((*target)->kind, "lib") == 0)
		u->key = xstrdup(u->test ? "test" : "lib");
	else if (strcmp((*target)->kind, "test") == 0)
		xasprintf(&u->key, "test/%s", (*target)->name);
	else if (strcmp((*target)->kind, "custom-build") == 0)
		u->key = xstrdup("build-script");
	else
		xasprintf(&u->key, "%s/%s%s", (*target)->kind, (*target)->name,
		    u->test && strcmp((*target)->kind, "bench") != 0 ? "/test"
		                                                     : "");
}

/*
 * Whether cargo metadata's kind of a target and the build-analysis log's
 * are the same: a lib is any library kind; metadata's custom-build is the
 * log's build-script.
 */
static int
same_kind(const char *meta, const char *log)
{
	if (strcmp(meta, log) == 0)
		return 1;
	if (strcmp(meta, "lib") == 0)
		return strstr(log, "lib") != NULL;
	return strcmp(meta, "custom-build") == 0 &&
	       strcmp(log, "build-script") == 0;
}

/* Cargo's timing of the unit (package, target, test mode), if any. */
static void
set_cargo_time(struct prof_unit *u, const struct cargo_target *t,
    const struct cargo_workspace *meta, const struct cargo_unit_time *ct,
    size_t n)
{
	const struct cargo_package *p = report_cargo_find(meta, u->package);
	size_t i;

	u->cargo_duration = u->cargo_frontend = NAN;
	if (p == NULL || t == NULL)
		return;
	for (i = 0; i < n; i++) {
		int test_mode;

		if (ct[i].target_name == NULL || ct[i].mode == NULL ||
		    strcmp(ct[i].package_id, p->id) != 0 ||
		    strcmp(ct[i].target_name, t->name) != 0)
			continue;
		if (ct[i].target_kind != NULL &&
		    !same_kind(t->kind, ct[i].target_kind))
			continue;
		/* A build script's run is a unit of cargo's, not rustc's. */
		if (strcmp(ct[i].mode, "run-custom-build") == 0)
			continue;
		test_mode = strcmp(ct[i].mode, "test") == 0 ||
		            strcmp(ct[i].mode, "bench") == 0;
		if (test_mode != u->test && strcmp(t->kind, "test") != 0 &&
		    strcmp(t->kind, "bench") != 0)
			continue;
		if (isfinite(ct[i].finished) && isfinite(ct[i].started)) {
			u->cargo_duration = ct[i].finished - ct[i].started;
			if (isfinite(ct[i].rmeta))
				u->cargo_frontend = ct[i].rmeta - ct[i].started;
			return;
		}
	}
}

/* Whether a record is of the member pkg (its manifest's directory). */
static int
is_member(const struct unit_record *r, const struct cargo_package *pkg)
{
	char *dir, *a, *b;
	int same;

	if (pkg == NULL)
		return 0;
	if (r->manifest_dir == NULL || pkg->manifest_path == NULL)
		return 1;
	dir = xstrdup(pkg->manifest_path);
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	a = file_realpath(dir);
	b = file_realpath(r->manifest_dir);
	same = a != NULL && b != NULL && strcmp(a, b) == 0;
	free(a);
	free(b);
	free(dir);
	return same;
}

/*
 * Read the records the wrapper wrote: the units of the workspace's
 * members, keyed, with cargo's timing of each.
 */
static size_t
read_units(const char *dir, const struct cargo_workspace *meta, const char *ws,
    const struct cargo_unit_time *times, size_t n_times, struct prof_unit **out)
{
	char **names = list_dir(dir, ".unit"), *path = NULL, *text;
	struct prof_unit *units;
	struct unit_record *r;
	struct bench_error err;
	const struct cargo_target *t;
	size_t i, n = 0, len;

	units = xcalloc(strv_len(names) + 1, sizeof(*units));
	for (i = 0; names[i] != NULL; i++) {
		free(path);
		xasprintf(&path, "%s/%s", dir, names[i]);
		text = file_read(path, 256u << 20, &len);
		if (text == NULL) {
			warnf("%s: %s", path, strerror(errno));
			continue;
		}
		if (report_unit_record_parse(text, len, &r, &err) != 0) {
			warnf("%s: %s", path, err.text);
			free(text);
			continue;
		}
		free(text);
		/* Probes and, with --profile-deps, dependencies: not units
		   of the workspace. */
		if (report_unit_from_record(r, &units[n], NULL) != 0) {
			report_unit_record_free(r);
			continue;
		}
		if (!is_member(r, report_cargo_find(meta, units[n].package))) {
			report_unit_clear(&units[n]);
			report_unit_record_free(r);
			continue;
		}
		set_key(&units[n], meta, r->cwd != NULL ? r->cwd : ws, &t);
		set_cargo_time(&units[n], t, meta, times, n_times);
		report_unit_record_free(r);
		n++;
	}
	free(path);
	strv_free(names);
	*out = units;
	return n;
}

static int
by_package_key(const void *a, const void *b)
{
	const struct prof_unit *x = a, *y = b;
	int c = strcmp(x->package, y->package);

	return c != 0 ? c : strcmp(x->key, y->key);
}

/* The items' frontend self times (seconds) of a summary, n of them. */
static double *
item_costs(const struct mmprof_summary *s, size_t *n)
{
	double *c = xcalloc(s->n_items + 1, sizeof(*c));
	size_t i, j;

	for (i = 0; i < s->n_items; i++) {
		const struct mmprof_item *it = &s->items[i];
		int64_t ns = 0;

		for (j = 0; j < it->n_labels; j++) {
			const struct mmprof_item_label *r =
			    &s->item_labels[it->first_label + j];
			const struct mmprof_label *l = &s->labels[r->label];

			if (!l->overhead && !report_label_is_backend(l->label))
				ns += r->self_ns;
		}
		c[i] = (double)ns * 1e-9;
	}
	*n = s->n_items;
	return c;
}

/* The unit a profile belongs to: rustc's pid, else its identity. */
static size_t
find_unit(const struct prof_section *p, const struct mmprof_identity *id,
    const int *used)
{
	size_t k;

	for (k = 0; id->process_id != 0 && k < p->n_units; k++) {
		if (!used[k] && p->units[k].pid > 0 &&
		    (uint64_t)p->units[k].pid == id->process_id &&
		    identity_matches(id, &p->units[k]))
			return k;
	}
	for (k = 0; k < p->n_units; k++) {
		if (!used[k] && identity_matches(id, &p->units[k]))
			break;
	}
	return k;
}

/* A profile to summarize: its unit (n_units: a dependency's) and size. */
struct merge_job {
	char *path;
	size_t k;
	off_t size;
	int done; /* summarized and attached (written by its worker only) */
};

/* What the merge's workers share; the lock guards everything below it. */
struct merge_state {
	struct prof_section *p;
	struct merge_job *jobs;
	size_t n_jobs;
	size_t top_items;
	pthread_mutex_t lock;
	size_t next; /* the next job to take */
	double *all; /* every unit's item costs, for the overall skew */
	size_t n_all;
};

/* Largest first, so that the workers end together. */
static int
by_size_desc(const void *a, const void *b)
{
	const struct merge_job *x = a, *y = b;

	return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

/*
 * A worker: take the next job, summarize its profile (the slow part: the
 * whole file is read), then attach the costs under the lock.  Each unit
 * is one job's, so attach_costs and report_prof_skew write only its own.
 */
static void *
merge_worker(void *arg)
{
	struct merge_state *m = arg;
	struct prof_section *p = m->p;
	struct mmprof_summary *s;
	struct bench_error err;
	struct merge_job *j;
	double *c;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&m->lock);
		j = m->next < m->n_jobs ? &m->jobs[m->next++] : NULL;
		pthread_mutex_unlock(&m->lock);
		if (j == NULL)
			return NULL;
		if (mmprof_summarize_file(j->path,
		        j->k < p->n_units ? MMPROF_ITEMS : 0, &s, &err) != 0) {
			pthread_mutex_lock(&m->lock);
			warnf("%s: %s", j->path, err.text);
			pthread_mutex_unlock(&m->lock);
			continue;
		}
		c = NULL;
		n = 0;
		if (j->k < p->n_units) {
			struct prof_unit *u = &p->units[j->k];

			attach_costs(u, s, j->path, m->top_items);
			c = item_costs(s, &n);
			report_prof_skew(c, n, u->frontend, u->skew);
		}
		pthread_mutex_lock(&m->lock);
		if (j->k < p->n_units) {
			if (s->partial != 0)
				warnf("%s: partial profile: %s", j->path,
				    s->partial_reason);
			m->all = xreallocarray(
			    m->all, m->n_all + n + 1, sizeof(*m->all));
			memcpy(m->all + m->n_all, c, n * sizeof(*c));
			m->n_all += n;
			p->has_skew = 1;
		} else {
			p->deps_files++;
			p->deps_prof_wall += (double)s->wall_ns * 1e-9;
		}
		pthread_mutex_unlock(&m->lock);
		j->done = 1;
		free(c);
		mmprof_summary_free(s);
	}
}

/*
 * Match profiles to units (in the directory's order: which profile is
 * whose must not depend on timing), then summarize them on as many
 * threads as there are CPUs (at most MERGE_THREADS; a ripgrep build writes
 * 28 profiles with 0.85 M items, 3.4 s on one core), and attach their
 * costs and the skew.
 */
#define MERGE_THREADS 8
static void
merge(struct prof_section *p, const char *profiles, size_t top_items)
{
	char **names = list_dir(profiles, ".mm_profdata");
	struct merge_state m;
	struct mmprof_identity *id;
	struct bench_error err;
	pthread_t tid[MERGE_THREADS];
	struct stat st;
	size_t i, k, n_threads, started = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double front = 0;
	char *path;
	int *used;

	memset(&m, 0, sizeof(m));
	m.p = p;
	m.top_items = top_items;
	used = xcalloc(p->n_units + 1, sizeof(*used));
	for (i = 0; names[i] != NULL; i++) {
		/* Cargo's compiler probe writes ___-PID files: not units. */
		if (strncmp(names[i], "___-", 4) == 0)
			continue;
		path = NULL;
		xasprintf(&path, "%s/%s", profiles, names[i]);
		if (mmprof_read_identity(path, &id, &err) != 0) {
			warnf("%s: %s", path, err.text);
			free(path);
			continue;
		}
		k = find_unit(p, id, used);
		mmprof_identity_free(id);
		if (k < p->n_units)
			used[k] = 1;
		/* A unit that failed to build is skipped: no costs. */
		if (k < p->n_units && p->units[k].exit_code != 0) {
			free(path);
			continue;
		}
		m.jobs = xreallocarray(m.jobs, m.n_jobs + 1, sizeof(*m.jobs));
		m.jobs[m.n_jobs].path = path;
		m.jobs[m.n_jobs].k = k;
		m.jobs[m.n_jobs].size = stat(path, &st) == 0 ? st.st_size : 0;
		m.n_jobs++;
	}
	qsort(m.jobs, m.n_jobs, sizeof(*m.jobs), by_size_desc);
	n_threads = cpus > 1 ? (size_t)cpus : 1;
	if (n_threads > MERGE_THREADS)
		n_threads = MERGE_THREADS;
	if (n_threads > m.n_jobs)
		n_threads = m.n_jobs;
	pthread_mutex_init(&m.lock, NULL);
	/* This thread works too; the others are helpers when they start. */
	for (i = 1; i < n_threads; i++)
		if (pthread_create(&tid[started], NULL, merge_worker, &m) == 0)
			started++;
	merge_worker(&m);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&m.lock);
	/* Summed in the jobs' order, not the threads': the same each time. */
	for (i = 0; i < m.n_jobs; i++)
		if (m.jobs[i].done && m.jobs[i].k < p->n_units)
			front += p->units[m.jobs[i].k].frontend;
	if (p->has_skew)
		report_prof_skew(m.all, m.n_all, front, p->skew);
	for (i = 0; i < m.n_jobs; i++)
		free(m.jobs[i].path);
	free(m.jobs);
	free(m.all);
	free(used);
	strv_free(names);
}

/* cargo [-Zbuild-analysis] build --all-targets --keep-going SELECTION. */
static char **
cargo_argv(const struct twopass_opts *po, int analysis)
{
	char **v =
	    xcalloc(8 + 2 * (strv_len(po->packages) + strv_len(po->excludes)),
	        sizeof(*v));
	size_t n = 0, i;

	v[n++] = "cargo";
	if (analysis)
		v[n++] = "-Zbuild-analysis";
	v[n++] = "build";
	v[n++] = "--all-targets";
	v[n++] = "--keep-going";
	for (i = 0; po->packages != NULL && po->packages[i] != NULL; i++) {
		v[n++] = "-p";
		v[n++] = po->packages[i];
	}
	if (po->packages == NULL)
		v[n++] = "--workspace";
	for (i = 0; po->excludes != NULL && po->excludes[i] != NULL; i++) {
		v[n++] = "--exclude";
		v[n++] = po->excludes[i];
	}
	return v;
}

/*
 * The environment both passes share: what differs is only the wrapper,
 * which each pass sets, RUSTC_WRAPPER and RUSTC_WORKSPACE_WRAPPER both (an
 * empty one overrides a wrapper of cargo's configuration, such as sccache,
 * which could answer from its cache and leave a unit unprofiled).
 */
static void
env_pass(struct envb *e, const char *target, int bootstrap)
{
	env_base(e);
	env_add(e, "CARGO_TARGET_DIR=%s", target);
	env_add(e, "CARGO_INCREMENTAL=0");
	if (bootstrap)
		env_add(e, "RUSTC_BOOTSTRAP=1");
}

int
twopass_run(
    struct session *s, const struct twopass_opts *po, struct prof_section **out)
{
	struct prof_section *p;
	struct cargo_workspace *meta = NULL;
	struct cargo_unit_time *times = NULL;
	struct envb env;
	char *work = NULL, *target = NULL, *profiles = NULL, *units = NULL;
	char *links = NULL, *link1 = NULL, *link2 = NULL, *old = NULL;
	char *log = NULL, *logdir = NULL, **before = NULL, *wrapper = NULL;
	char *dest = NULL, **argv1 = NULL, **argv2 = NULL;
	long n_times = 0;
	size_t i;
	int status = BENCH_EXIT_OK, analysis = 0, bootstrap;

	*out = NULL;
	meta = cargo_metadata(s->ws);
	if (meta == NULL)
		return BENCH_EXIT_USAGE;
	wrapper = find_wrapper();
	if (wrapper == NULL) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	if (po->work_dir != NULL)
		work = xstrdup(po->work_dir);
	else
		xasprintf(&work, "%s/bench-tests-profile",
		    meta->target_dir != NULL ? meta->target_dir : s->ws);
	xasprintf(&target, "%s/target", work);
	xasprintf(&profiles, "%s/profiles", work);
	xasprintf(&units, "%s/units", work);
	xasprintf(&links, "%s/wrappers", work);
	/* Fresh every time: a unit that cargo finds up to date has no
	   profile.  (pass1-target and pass2-target: older versions.) */
	xasprintf(&old, "%s/pass1-target", work);
	if (remove_tree(old) != 0)
		goto io;
	free(old);
	xasprintf(&old, "%s/pass2-target", work);
	if (remove_tree(old) != 0 || remove_tree(target) != 0 ||
	    remove_tree(profiles) != 0 || remove_tree(units) != 0 ||
	    remove_tree(links) != 0 || mkdir_p(profiles) != 0 ||
	    mkdir_p(units) != 0 || mkdir_p(links) != 0)
		goto io;
	link1 = wrapper_link(links, "pass1", wrapper);
	link2 = wrapper_link(links, "pass2", wrapper);
	if (link1 == NULL || link2 == NULL) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}

	p = *out = xcalloc(1, sizeof(*p));
	p->work_dir = xstrdup(work);
	p->profiled = !po->no_profile;
	p->single_pass = po->single_pass && !po->no_profile;
	p->profile_deps = po->profile_deps && !po->no_profile;
	p->extractor = po->extractor != NULL ? xstrdup(po->extractor) : NULL;
	bootstrap = s->b->env.rustc == NULL ||
	            (strstr(s->b->env.rustc, "nightly") == NULL &&
	                strstr(s->b->env.rustc, "-dev") == NULL);

	if (p->profiled) {
		env_pass(&env, target, bootstrap);
		env_add(&env, "RUSTC_WRAPPER=%s", p->profile_deps ? link1 : "");
		env_add(&env, "RUSTC_WORKSPACE_WRAPPER=%s",
		    p->profile_deps ? "" : link1);
		env_add(&env, "BENCH_TESTS_PROFILE_DIR=%s", profiles);
		if (p->single_pass)
			env_add(&env, "BENCH_TESTS_UNITS=%s", units);
		analysis = cargo_has_build_analysis(s->ws, env.v);
		if (analysis) {
			env_add(&env, "CARGO_BUILD_ANALYSIS_ENABLED=true");
			logdir = cargo_log_dir();
			before = list_dir(logdir, ".jsonl");
		} else
			warnf("this cargo has no -Zbuild-analysis: no "
			      "validation against cargo's own timing");
		argv1 = cargo_argv(po, analysis);
		p->pass1_status =
		    run_pass(p->single_pass ? "one pass (profile and record)"
		                            : "pass 1 of 2 (self-profile)",
		        argv1, &env, s->ws, work, "pass1.log",
		        &p->pass1_command, &log, &p->pass1_wall);
		status = pass_verdict(p->pass1_status);
		if (status != BENCH_EXIT_OK)
			goto out;
		if (analysis) {
			xasprintf(&dest, "%s/build-analysis.jsonl", work);
			n_times =
			    take_timings(logdir, before, target, dest, &times);
			if (n_times < 0) {
				warnf("cargo's build-analysis log of pass 1 "
				      "was not found in %s",
				    logdir);
				n_times = 0;
			}
		}
	}

	if (!p->single_pass) {
		env_pass(&env, target, bootstrap);
		env_add(&env, "RUSTC_WRAPPER=");
		env_add(&env, "RUSTC_WORKSPACE_WRAPPER=%s", link2);
		env_add(&env, "BENCH_TESTS_UNITS=%s", units);
		if (po->extractor != NULL)
			env_add(
			    &env, "BENCH_TESTS_EXTRACTOR=%s", po->extractor);
		argv2 = cargo_argv(po, 0);
		p->pass2_status =
		    run_pass(po->no_profile ? "extraction (no profile)"
		                            : "pass 2 of 2 (extraction)",
		        argv2, &env, s->ws, work, "pass2.log",
		        &p->pass2_command, &log, &p->pass2_wall);
		status = pass_verdict(p->pass2_status);
		if (status != BENCH_EXIT_OK)
			goto out;
	}

	p->n_units =
	    read_units(units, meta, s->ws, times, (size_t)n_times, &p->units);
	if (p->n_units == 0) {
		errorf("the build recorded no unit of the workspace (see %s)",
		    log);
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	qsort(p->units, p->n_units, sizeof(*p->units), by_package_key);
	if (p->profiled)
		merge(p, profiles, po->top_items);
	for (i = 0; i < p->n_units; i++) {
		struct prof_unit *u = &p->units[i];
		char *name = NULL;

		xasprintf(&name, "%s/%s", u->package, u->key);
		if (u->exit_code != 0) {
			strv_push(&p->failed, name);
			warnf("%s failed to build (rustc exit %d): skipped",
			    name, u->exit_code);
		}
		if (!u->has_profile) {
			p->n_missing++;
			if (p->profiled && u->exit_code == 0)
				warnf("%s: no profile data", name);
		}
		free(name);
	}
	if ((p->profiled && p->n_missing > 0) || p->failed != NULL)
		status = BENCH_EXIT_INCOMPLETE;
	goto out;
io:
	errorf("cannot prepare the work directory '%s': %s", work,
	    strerror(errno));
	status = BENCH_EXIT_USAGE;
out:
	report_cargo_timings_free(times, (size_t)(n_times > 0 ? n_times : 0));
	report_cargo_workspace_free(meta);
	strv_free(before);
	free(argv1);
	free(argv2);
	free(dest);
	free(logdir);
	free(log);
	free(old);
	free(link1);
	free(link2);
	free(links);
	free(wrapper);
	free(units);
	free(profiles);
	free(target);
	free(work);
	return status;
}
