/*
 * cmd-flame.c: bench-tests flame: where the time of a test run goes.
 *
 * The command is pre-built as `run` does it, then recorded under
 * `perf record` (which follows every process it starts) and read back with
 * `perf script`; the flame library (src/flame/) turns that into folded
 * stacks, a flame graph and the report, which reports/ writes as JSON and
 * text.  Everything is written into a temporary directory next to the
 * output directory and moved there at the end, so a failure leaves the
 * output directory as it was.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "flame.h"

/*
 * 999 Hz: on the example workspace (2 cores, under load) the recorded run
 * costs the same at 99 and at 999 Hz (perf's own start and end dominate),
 * 4999 Hz adds a sixth; and 999 Hz gives a thousand samples per CPU
 * second.  Not 1000: a rate that beats with 1 ms timers samples them.
 */
#define DEFAULT_FREQUENCY 999
#define MAX_FREQUENCY     100000
#define MAX_TABLE         (1u << 20) /* bytes of a --categories file */

/* The fields the flame library reads (src/flame/flame-script.c). */
#define SCRIPT_FIELDS "comm,pid,tid,time,period,event,ip,sym,dso"

static const char *const flame_usage[] = {
    "Usage: bench-tests flame [OPTIONS] [-- COMMAND [ARGS...]]",
    "",
    "Where the time of a test run goes: one run of `cargo test --workspace`",
    "(or COMMAND, in the workspace) after the same pre-build as `run`, under",
    "`perf record`, which samples the CPU time of every process the command",
    "starts (cargo, rustdoc, the test binaries and what they spawn).  It",
    "writes folded stacks, a flame graph and a report: the programs (their",
    "processes, sampled CPU and lifetime), the hottest functions by self",
    "time (user space and kernel apart) and the share of each category.",
    "",
    "Options:",
    "  -o, --output DIR        where to write (default: TARGET_DIR/",
    "                          bench-tests-flame; WORKSPACE/bench-tests-flame",
    "                          without a Cargo.toml); printed at the end",
    "  -r, --runs N            recorded runs, merged (default 1)",
    "  -F, --frequency HZ      samples per second of CPU time (default 999)",
    "  -g, --call-graph MODE   dwarf (default): whole stacks, Rust's std too;",
    "                          fp: frame pointers, cheaper, but frames built",
    "                          without them (Rust's std) are lost",
    "      --inline            show inlined functions (perf script resolves",
    "                          them with addr2line: about 100 times slower)",
    "      --top N             functions listed (default 10)",
    "      --categories FILE   the table of categories (default: the built-in",
    "                          one; the workspace's crates are always added)",
    "      --print-categories  print the table in use, in that format",
    "      --keep-data         keep perf's recordings (perf-N.data) in DIR",
    "  -C, --workspace DIR     the workspace (default: the current directory)",
    "      --prebuild CMD      pre-build with CMD (run by /bin/sh -c)",
    "      --no-prebuild       skip the pre-build",
    "      --timeout DURATION  end a recorded run (its whole process group)",
    "      --ignore-failure    exit 0 when the command fails",
    "      --show-output       let the command write to the terminal",
    "  -q, --quiet             no report on the terminal",
    "      --color WHEN        auto, always or never",
    "  -h, --help              this help",
    "",
    "In DIR: stacks.folded (flamegraph.pl, inferno and speedscope read it),",
    "flame.svg (open it in a browser: click to zoom, Ctrl-F to search) and",
    "report.json.  perf must be installed (Debian: linux-perf) and allowed to",
    "record: as root, or with kernel.perf_event_paranoid at most 2 (user",
    "space only) or 1 (the kernel too).",
    "",
    "Exit status: 0 success; 2 usage or I/O error, perf missing, not",
    "permitted or without samples, a failed pre-build; 3 the command failed",
    "(the report is written all the same); 130 interrupted (nothing is",
    "written).",
    NULL,
};

enum {
	OPT_CATEGORIES = 6000,
	OPT_INLINE,
	OPT_KEEP_DATA,
	OPT_NO_INLINE,
	OPT_NO_KEEP_DATA,
	OPT_PRINT_CATEGORIES,
	OPT_TOP
};

static const struct option flame_own_options[] = {
    {"call-graph", required_argument, NULL, 'g'},
    {"categories", required_argument, NULL, OPT_CATEGORIES},
    {"frequency", required_argument, NULL, 'F'},
    {"help", no_argument, NULL, 'h'},
    {"inline", no_argument, NULL, OPT_INLINE},
    {"keep-data", no_argument, NULL, OPT_KEEP_DATA},
    {"no-inline", no_argument, NULL, OPT_NO_INLINE},
    {"no-keep-data", no_argument, NULL, OPT_NO_KEEP_DATA},
    {"output", required_argument, NULL, 'o'},
    {"print-categories", no_argument, NULL, OPT_PRINT_CATEGORIES},
    {"top", required_argument, NULL, OPT_TOP},
    {NULL, 0, NULL, 0},
};

/* The shared measurement options that apply to a recorded run. */
static const char *const flame_shared[] = {
    "color",
    "ignore-failure",
    "no-ignore-failure",
    "no-prebuild",
    "no-quiet",
    "no-show-output",
    "prebuild",
    "quiet",
    "runs",
    "show-output",
    "timeout",
    "workspace",
    NULL,
};

struct flame_opts {
	const char *output;
	const char *categories;
	unsigned frequency;
	const char *call_graph;
	size_t top;
	int inline_frames;
	int keep_data;
};

/* The files a flame writes, in its temporary directory and then in DIR. */
static const char *const outputs[] = {
    "stacks.folded",
    "flame.svg",
    "report.json",
    NULL,
};

/* ------------------------------------------------------------ set-up */

/* kernel.perf_event_paranoid, or -2 when it cannot be read. */
static int
perf_paranoid(void)
{
	char *text =
	    file_read("/proc/sys/kernel/perf_event_paranoid", 64, NULL);
	int v = -2;

	if (text != NULL)
		v = atoi(text);
	free(text);
	return v;
}

/* Whether we may sample the kernel: root, CAP_PERFMON or CAP_SYS_ADMIN. */
static int
perf_privileged(void)
{
	char *text, *line;
	unsigned long long caps = 0;

	if (geteuid() == 0)
		return 1;
	text = file_read("/proc/self/status", 1 << 16, NULL);
	if (text == NULL)
		return 0;
	line = strstr(text, "\nCapEff:");
	if (line != NULL)
		caps = strtoull(line + 8, NULL, 16);
	free(text);
	return (caps >> 38 & 1) != 0 || (caps >> 21 & 1) != 0;
}

/* Exit 2 when perf is missing or may not record; note what it may not. */
static void
perf_check(void)
{
	int paranoid;

	if (!spawn_in_path("perf"))
		fatalx(BENCH_EXIT_USAGE,
		    "perf was not found on PATH: bench-tests flame records "
		    "with Linux perf; install it (Debian: apt-get install "
		    "linux-perf) or fix PATH");
	if (perf_privileged())
		return;
	paranoid = perf_paranoid();
	if (paranoid > 2)
		fatalx(BENCH_EXIT_USAGE,
		    "perf is not permitted to record: "
		    "kernel.perf_event_paranoid is %d; as root, run `sysctl "
		    "kernel.perf_event_paranoid=1` (or 2 for user space only), "
		    "or run bench-tests flame as root",
		    paranoid);
	if (paranoid == 2)
		notef("kernel.perf_event_paranoid is 2: only user space is "
		      "sampled; `sysctl kernel.perf_event_paranoid=1` (as "
		      "root) lets perf sample the kernel too");
}

static struct flame_categories *
load_categories(const char *path)
{
	struct flame_categories *c;
	struct bench_error err;
	char *text;
	size_t len;

	if (path == NULL)
		return flame_categories_default();
	text = file_read(path, MAX_TABLE, &len);
	if (text == NULL)
		fatalx(BENCH_EXIT_USAGE, "cannot read the categories '%s': %s",
		    path,
		    errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
	if (flame_categories_parse(text, len, &c, &err) != 0)
		fatalx(BENCH_EXIT_USAGE, "%s: %s", path, err.text);
	free(text);
	return c;
}

/* One category per workspace member: its crates' paths (crate::...). */
static void
add_crates(struct flame_categories *c, const struct cargo_workspace *meta)
{
	char *name = NULL, *crate, *p, *pat = NULL;
	size_t i, j;

	for (i = 0; i < meta->n_packages; i++) {
		const struct cargo_package *pk = &meta->packages[i];

		xasprintf(&name, "crate %s", pk->name);
		for (j = 0; j < pk->n_targets; j++) {
			if (strcmp(pk->targets[j].kind, "custom-build") == 0)
				continue;
			crate = xstrdup(pk->targets[j].name);
			for (p = crate; *p != '\0'; p++)
				if (*p == '-')
					*p = '_';
			xasprintf(&pat, "%s::*", crate);
			flame_categories_add(c, name, pat);
			free(pat);
			xasprintf(&pat, "<%s::*", crate);
			flame_categories_add(c, name, pat);
			free(pat);
			free(crate);
		}
		free(name);
	}
}

/* ----------------------------------------------------------- the files */

/* Remove a directory we made and the files in it (it holds no others). */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *path = NULL;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		xasprintf(&path, "%s/%s", dir, e->d_name);
		(void)unlink(path);
		free(path);
	}
	closedir(d);
	(void)rmdir(dir);
}

/* Remove dir/name. */
static void
drop(const char *dir, const char *name)
{
	char *path = NULL;

	xasprintf(&path, "%s/%s", dir, name);
	(void)unlink(path);
	free(path);
}

/* A temporary directory beside dir (caller frees), NULL after a message. */
static char *
make_tmp(const char *dir)
{
	char *copy = xstrdup(dir), *copy2 = xstrdup(dir), *tmp = NULL;
	struct stat st;
	mode_t mask;

	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		errorf("the output '%s' exists and is not a directory", dir);
		goto out;
	}
	xasprintf(&tmp, "%s/.%s.tmp-XXXXXX", dirname(copy), basename(copy2));
	if (mkdtemp(tmp) == NULL) {
		errorf("cannot create a directory beside '%s': %s", dir,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* It becomes dir: the usual permissions, not mkdtemp's 0700. */
	mask = umask(0);
	umask(mask);
	(void)chmod(tmp, 0777 & ~mask);
out:
	free(copy);
	free(copy2);
	return tmp;
}

static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Move what tmp holds to dir: the whole directory when dir is new, else
 * file by file (each rename replaces one file whole), dropping recordings
 * of an earlier flame that this one did not keep.  0, or -1 after a
 * message.
 */
static int
publish(const char *tmp, const char *dir)
{
	DIR *d;
	struct dirent *e;
	char *from = NULL, *to = NULL, *copy;
	struct stat st;
	int rc = 0;

	if (rename(tmp, dir) == 0) {
		copy = xstrdup(dir);
		sync_dir(dirname(copy));
		free(copy);
		return 0;
	}
	if (errno != EEXIST && errno != ENOTEMPTY) {
		errorf("cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	d = opendir(dir);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (fnmatch("perf-*.data", e->d_name, 0) != 0)
			continue;
		xasprintf(&from, "%s/%s", tmp, e->d_name);
		xasprintf(&to, "%s/%s", dir, e->d_name);
		if (stat(from, &st) != 0)
			(void)unlink(to);
		free(from);
		free(to);
	}
	if (d != NULL)
		closedir(d);
	d = opendir(tmp);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		xasprintf(&from, "%s/%s", tmp, e->d_name);
		xasprintf(&to, "%s/%s", dir, e->d_name);
		if (rename(from, to) != 0 && rc == 0) {
			errorf("cannot move '%s' to '%s': %s", from, to,
			    strerror(errno));
			rc = -1;
		}
		free(from);
		free(to);
	}
	if (d != NULL)
		closedir(d);
	sync_dir(dir);
	return rc;
}

/* Open path for writing; NULL after a message. */
static FILE *
open_out(const char *path)
{
	FILE *f = fopen(path, "we");

	if (f == NULL)
		errorf("cannot write '%s': %s", path, strerror(errno));
	return f;
}

/* Flush, sync and close f; 0, or -1 after a message. */
static int
close_out(FILE *f, const char *path, int failed)
{
	int bad = failed || fflush(f) != 0 || fsync(fileno(f)) != 0;

	if (fclose(f) != 0 || bad) {
		errorf("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- running */

struct tick {
	size_t run, runs;
	double start;
	const char *what;
};

static void
on_tick(void *arg)
{
	struct tick *t = arg;
	char eta[32];

	term_progress(0, "%s %zu/%zu: %s", t->what, t->run, t->runs,
	    term_fmt_eta(eta, sizeof(eta), mono_now() - t->start));
}

/* Run perf (argv) with a progress line; 0, or -1 after a message. */
static int
run_perf(char *const *argv, const char *dir, int out, int err, double timeout,
    struct tick *t, struct bench_run *run)
{
	struct spawn_opts so = {
	    .argv = argv,
	    .dir = dir,
	    .out_fd = out,
	    .err_fd = err,
	    .timeout = timeout,
	    .tick = term.tty ? 1.0 : 0,
	    .on_tick = on_tick,
	    .arg = t,
	};
	int rc;

	on_tick(t);
	rc = spawn_run(&so, run);
	term_progress_clear();
	if (rc != 0)
		errorf("cannot run perf %s: %s", argv[1], strerror(errno));
	return rc;
}

/* The end of a log, on stderr, after a failure. */
static void
show_tail(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *tail;

	if (fd < 0)
		return;
	tail = file_tail(fd, 15);
	if (tail[0] != '\0')
		fprintf(stderr, "--- the end of perf's output ---\n%s\n---\n",
		    tail);
	free(tail);
	close(fd);
}

/* Whether a file holds one of words. */
static int
log_says(const char *path, const char *const *words)
{
	char *text = file_read(path, 1 << 20, NULL);
	int found = 0;
	size_t i;

	for (i = 0; text != NULL && words[i] != NULL && !found; i++)
		found = strstr(text, words[i]) != NULL;
	free(text);
	return found;
}

/* Why perf recorded nothing, from its output; an exit status. */
static int
record_failed(const char *log)
{
	static const char *const denied[] = {
	    "perf_event_paranoid",
	    "ermission",
	    "not permitted",
	    NULL,
	};

	show_tail(log);
	if (log_says(log, denied))
		errorf("perf is not permitted to record "
		       "(kernel.perf_event_paranoid is %d): run bench-tests "
		       "flame as root, or as root `sysctl "
		       "kernel.perf_event_paranoid=1`",
		    perf_paranoid());
	else
		errorf("perf record failed and wrote no recording (its "
		       "output is above)");
	return BENCH_EXIT_USAGE;
}

/* Record run i into tmp/perf-i.data; an exit status (3: the command). */
static int
record(struct session *s, const struct flame_opts *fo, char **cmd,
    const char *tmp, size_t i, struct flame_run *out)
{
	char *data = NULL, *log = NULL, freq[16], how[96];
	char **argv;
	size_t n = strv_len(cmd), k = 0;
	struct bench_run run;
	struct tick t = {i, s->o->m.runs, mono_now(), "recording"};
	struct stat st;
	int fd, rc = BENCH_EXIT_OK;

	xasprintf(&data, "%s/perf-%zu.data", tmp, i);
	xasprintf(&log, "%s/record.log", tmp);
	snprintf(freq, sizeof(freq), "%u", fo->frequency);
	argv = xcalloc(n + 14, sizeof(*argv));
	argv[k++] = "perf";
	argv[k++] = "record";
	argv[k++] = "-e";
	argv[k++] = "cpu-clock";
	argv[k++] = "-F";
	argv[k++] = freq;
	argv[k++] = "--call-graph";
	argv[k++] = (char *)fo->call_graph;
	/* Without it perf waits a second at the end for a BPF side thread. */
	argv[k++] = "--no-bpf-event";
	argv[k++] = "-o";
	argv[k++] = data;
	argv[k++] = "--";
	memcpy(argv + k, cmd, (n + 1) * sizeof(*argv));
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		errorf("cannot write '%s': %s", log, strerror(errno));
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	if (run_perf(argv, s->ws, s->o->m.show_output ? -1 : fd,
	        s->o->m.show_output ? -1 : fd, s->o->m.timeout, &t,
	        &run) != 0) {
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	out->wall = run.wall;
	out->exit_code = run.exit_code;
	out->signal = run.signal;
	out->timed_out = run.timed_out;
	if (spawn_interrupted()) {
		rc = BENCH_EXIT_INTERRUPTED;
		goto out;
	}
	/* A perf that failed leaves no recording, or an empty one. */
	if (stat(data, &st) != 0 || st.st_size == 0) {
		rc = record_failed(log);
		goto out;
	}
	if (run.exit_code != 0 || run.signal != 0 || run.timed_out) {
		warnf("recorded run %zu: '%s' %s; the report covers what ran",
		    i, cmd[0], spawn_describe(&run, how, sizeof(how)));
		rc = BENCH_EXIT_CMD_FAILED;
	}
out:
	if (fd >= 0)
		close(fd);
	free(argv);
	free(data);
	free(log);
	return rc;
}

/* perf script of run i, read into d; an exit status. */
static int
script(const struct flame_opts *fo, const char *tmp, size_t i, size_t runs,
    struct flame_data *d, double *seconds)
{
	char *data = NULL, *text = NULL, *log = NULL, how[96];
	char *argv[] = {"perf", "script", "-i", NULL, "-F", SCRIPT_FIELDS,
	    "--show-task-events",
	    fo->inline_frames ? "--inline" : "--no-inline", NULL};
	struct tick t = {i, runs, mono_now(), "perf script"};
	struct bench_run run;
	struct bench_error err;
	int out = -1, errfd = -1, rc = BENCH_EXIT_USAGE;
	FILE *f;

	xasprintf(&data, "%s/perf-%zu.data", tmp, i);
	xasprintf(&text, "%s/script-%zu.txt", tmp, i);
	xasprintf(&log, "%s/script.log", tmp);
	argv[3] = data;
	out = open(text, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	errfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out < 0 || errfd < 0) {
		errorf("cannot write in '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (run_perf(argv, NULL, out, errfd, 0, &t, &run) != 0)
		goto out;
	*seconds += run.wall;
	if (spawn_interrupted()) {
		rc = BENCH_EXIT_INTERRUPTED;
		goto out;
	}
	if (run.exit_code != 0 || run.signal != 0) {
		show_tail(log);
		errorf(
		    "perf script %s", spawn_describe(&run, how, sizeof(how)));
		goto out;
	}
	f = fdopen(out, "r");
	if (f == NULL) {
		errorf("cannot read '%s': %s", text, strerror(errno));
		goto out;
	}
	out = -1;
	rewind(f);
	rc =
	    flame_data_read(d, f, &err) == 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	if (rc != BENCH_EXIT_OK)
		errorf("%s: %s", text, err.text);
	fclose(f);
out:
	if (out >= 0)
		close(out);
	if (errfd >= 0)
		close(errfd);
	(void)unlink(text);
	free(data);
	free(text);
	free(log);
	return rc;
}

/* Write the three files into tmp; 0 or an exit status. */
static int
write_outputs(
    const char *tmp, const struct flame_data *d, const struct flame_report *r)
{
	char *path = NULL, *title = NULL, *sub = NULL, *json;
	struct flame_svg_opts so = {NULL, NULL, 0};
	struct bench_error err;
	FILE *f;
	int rc = BENCH_EXIT_USAGE, failed;

	xasprintf(&path, "%s/%s", tmp, outputs[0]);
	f = open_out(path);
	if (f == NULL)
		goto out;
	failed = flame_write_folded(d, f, &err) != 0;
	if (close_out(f, path, failed) != 0)
		goto out;

	free(path);
	xasprintf(&path, "%s/%s", tmp, outputs[1]);
	{
		/* The program by its name: a full path fills the heading. */
		char *argv0 = r->argv[0], *slash = strrchr(argv0, '/');
		char *shown;

		r->argv[0] = slash != NULL ? slash + 1 : argv0;
		shown = cmd_join_argv(r->argv);
		r->argv[0] = argv0;
		xasprintf(&title, "Flame graph of %s", shown);
		free(shown);
	}
	xasprintf(&sub,
	    "%llu samples of %s at %u Hz, %s call graphs, %zu run%s; click a "
	    "frame to zoom, Ctrl-F to search",
	    (unsigned long long)r->samples, r->event, r->frequency,
	    r->call_graph, r->n_runs, r->n_runs == 1 ? "" : "s");
	so.title = title;
	so.subtitle = sub;
	f = open_out(path);
	if (f == NULL)
		goto out;
	failed = flame_write_svg(d, &so, f, &err) != 0;
	if (close_out(f, path, failed) != 0)
		goto out;

	free(path);
	xasprintf(&path, "%s/%s", tmp, outputs[2]);
	json = report_flame_json(r, &err);
	if (json == NULL) {
		errorf("%s", err.text);
		goto out;
	}
	if (file_write_atomic(path, json, strlen(json)) != 0)
		errorf("cannot write '%s': %s", path, strerror(errno));
	else
		rc = BENCH_EXIT_OK;
	free(json);
out:
	free(path);
	free(title);
	free(sub);
	return rc;
}

/* The output directory: --output, or under the target directory. */
static char *
output_dir(const struct flame_opts *fo, const struct session *s,
    const struct cargo_workspace *meta)
{
	char *dir = NULL;

	if (fo->output != NULL)
		return xstrdup(fo->output);
	xasprintf(&dir, "%s/bench-tests-flame",
	    meta != NULL && meta->target_dir != NULL ? meta->target_dir
	                                             : s->ws);
	return dir;
}

/* The report's own fields: what ran, and how. */
static void
describe(struct flame_report *r, const struct session *s,
    const struct flame_opts *fo, char **cmd, const char *event)
{
	r->created = xstrdup(s->b->created);
	r->tool_version = xstrdup(PACKAGE_VERSION);
	r->command = cmd_join_argv(cmd);
	r->argv = strv_copy(cmd);
	r->workspace = xstrdup(s->ws);
	r->event = xstrdup(event != NULL ? event : "cpu-clock");
	r->frequency = fo->frequency;
	r->call_graph = xstrdup(fo->call_graph);
}

static int
flame_session(struct session *s, const struct flame_opts *fo, char **cmd,
    struct flame_categories *cats)
{
	struct cargo_workspace *meta = NULL;
	struct flame_data *d = flame_data_create();
	struct flame_report *r = NULL;
	struct flame_run *runs;
	struct flame_counts counts;
	struct report_style st;
	char *dir = NULL, *tmp = NULL, *manifest = NULL;
	size_t i, n = s->o->m.runs;
	double t0, script_s = 0, record_s = 0;
	int status = BENCH_EXIT_OK, rc;

	runs = xcalloc(n, sizeof(*runs));
	xasprintf(&manifest, "%s/Cargo.toml", s->ws);
	if (access(manifest, F_OK) == 0) {
		meta = cargo_metadata(s->ws);
		if (meta == NULL)
			warnf("no categories for the workspace's crates");
	}
	free(manifest);
	if (meta != NULL)
		add_crates(cats, meta);
	dir = output_dir(fo, s, meta);
	tmp = make_tmp(dir);
	if (tmp == NULL) {
		status = BENCH_EXIT_USAGE;
		goto out;
	}

	for (i = 0; i < n; i++) {
		rc = record(s, fo, cmd, tmp, i + 1, &runs[i]);
		record_s += runs[i].wall;
		if (rc == BENCH_EXIT_CMD_FAILED)
			status = rc;
		else if (rc != BENCH_EXIT_OK) {
			status = rc;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		rc = script(fo, tmp, i + 1, n, d, &script_s);
		if (rc != BENCH_EXIT_OK) {
			status = rc;
			goto out;
		}
		if (!fo->keep_data) {
			char name[64];

			snprintf(name, sizeof(name), "perf-%zu.data", i + 1);
			drop(tmp, name);
		}
	}

	t0 = mono_now();
	flame_data_counts(d, &counts);
	if (counts.samples == 0) {
		errorf("perf recorded no samples of '%s' (%llu lines read): "
		       "it used too little CPU time for %u Hz; raise "
		       "--frequency, or give it more to do",
		    cmd[0], (unsigned long long)counts.lines, fo->frequency);
		status = BENCH_EXIT_USAGE;
		goto out;
	}
	if (counts.skipped > 0)
		warnf("%llu of %llu lines of perf script's output were not "
		      "understood and were skipped",
		    (unsigned long long)counts.skipped,
		    (unsigned long long)counts.lines);
	r = flame_report_build(d, cats, fo->top);
	describe(r, s, fo, cmd, counts.event);
	r->runs = runs;
	r->n_runs = n;
	runs = NULL;
	r->record_s = record_s;
	r->script_s = script_s;
	r->report_s = mono_now() - t0;
	rc = write_outputs(tmp, d, r);
	drop(tmp, "record.log");
	drop(tmp, "script.log");
	if (rc == BENCH_EXIT_OK)
		rc = publish(tmp, dir) == 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	if (rc != BENCH_EXIT_OK) {
		status = rc;
		goto out;
	}
	if (!s->o->quiet) {
		st = term_style();
		report_text_flame(stdout, r, &st);
		printf("\nWrote %s: stacks.folded, flame.svg, report.json%s\n",
		    dir, fo->keep_data ? ", perf-N.data" : "");
		fflush(stdout);
	}
out:
	if (tmp != NULL)
		remove_dir(tmp);
	free(tmp);
	free(dir);
	free(runs);
	flame_report_free(r);
	flame_data_free(d);
	report_cargo_workspace_free(meta);
	return status;
}

static int
cmd_flame_exec(int argc, char **argv)
{
	struct flame_opts fo = {
	    .frequency = DEFAULT_FREQUENCY,
	    .call_graph = "dwarf",
	    .top = 10,
	};
	struct session_opts o;
	struct session s;
	struct flame_categories *cats;
	struct option *options;
	char **cmd, *text;
	int c, status, print = 0;

	session_opts_init(&o);
	o.m.runs = 1;
	options = session_select_options(flame_own_options, flame_shared);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+C:F:g:ho:qr:", options, NULL)) !=
	       -1) {
		if (c != 'o' && session_option(&o, "flame", c, optarg))
			continue;
		switch (c) {
		case 'F':
			fo.frequency =
			    (unsigned)cmd_parse_count("--frequency", optarg, 1);
			if (fo.frequency > MAX_FREQUENCY)
				cmd_usage_error("flame",
				    "--frequency: at most %d Hz",
				    MAX_FREQUENCY);
			break;
		case 'g':
			if (strcmp(optarg, "dwarf") != 0 &&
			    strcmp(optarg, "fp") != 0)
				cmd_usage_error("flame",
				    "--call-graph: '%s' is not dwarf or fp",
				    optarg);
			fo.call_graph = optarg;
			break;
		case 'h':
			cmd_print_usage(flame_usage);
			exit(BENCH_EXIT_OK);
		case 'o':
			fo.output = optarg;
			break;
		case OPT_CATEGORIES:
			fo.categories = optarg;
			break;
		case OPT_INLINE:
			fo.inline_frames = 1;
			break;
		case OPT_NO_INLINE:
			fo.inline_frames = 0;
			break;
		case OPT_KEEP_DATA:
			fo.keep_data = 1;
			break;
		case OPT_NO_KEEP_DATA:
			fo.keep_data = 0;
			break;
		case OPT_PRINT_CATEGORIES:
			print = 1;
			break;
		case OPT_TOP:
			fo.top = cmd_parse_count("--top", optarg, 1);
			break;
		default:
			cmd_getopt_error("flame", argc, argv, c);
		}
	}
	free(options);
	cmd = session_command("flame", argc, argv);
	session_opts_check(&o, "flame");
	cats = load_categories(fo.categories);
	if (print) {
		text = flame_categories_dump(cats);
		fputs(text, stdout);
		free(text);
		flame_categories_free(cats);
		return BENCH_EXIT_OK;
	}
	perf_check();
	status = session_begin_command(&s, &o, cmd);
	if (status == BENCH_EXIT_OK)
		status = flame_session(&s, &fo, cmd, cats);
	flame_categories_free(cats);
	if (status == BENCH_EXIT_CMD_FAILED && o.m.ignore_failure)
		status = BENCH_EXIT_OK;
	/* session_close writes no baseline: flame sets no --output there. */
	return session_close(&s, status);
}

const struct cmd_entry cmd_flame_entry = {
    .name = "flame",
    .summary = "where a test run's time goes: perf, flame graph, hot spots",
    .exec = cmd_flame_exec,
};
