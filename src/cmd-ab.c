/*
 * cmd-ab.c: bench-tests ab: two revisions of the workspace (or two command
 * lines) measured in one session, in alternating pairs, and judged on the
 * pairs.
 *
 * Revisions: each is checked out with `git worktree add --detach` in a
 * directory of its own under the work dir (--work-dir, default
 * TARGET_DIR/bench-tests-ab), so both are measured from paths of the same
 * shape and the user's checkout is never touched.  HEAD `.` (the working
 * tree as it is) is a snapshot: the working tree's files (tracked ones as
 * they are, deletions, and untracked ones that .gitignore does not
 * exclude) are added to a temporary index of our own (GIT_INDEX_FILE,
 * started from HEAD), written as a tree and committed with HEAD as parent
 * (git commit-tree): no ref, no index, no file of the user's changes, and
 * that commit is checked out like the other.  Each side
 * builds in its own CARGO_TARGET_DIR (alternating revisions in one would
 * rebuild on every switch); the second is seeded with a copy of the first
 * (`cp -a --reflink=auto`), which keeps dependencies built.
 *
 * The worktrees and target dirs are removed at the end (not with --keep)
 * whatever happened: after a failure, after Ctrl-C (spawn_cleanup runs git
 * even after an interruption), and from an atexit handler on any exit that
 * skips the normal path (fatalx).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

static const char *const ab_usage[] = {
    "Usage: bench-tests ab BASE HEAD [OPTIONS] [-- COMMAND [ARGS...]]",
    "       bench-tests ab --commands 'COMMAND A' 'COMMAND B' [OPTIONS]",
    "",
    "Measure two git revisions of the workspace (HEAD may be `.`, the",
    "working tree as it is) with the same COMMAND (default cargo test",
    "--workspace), or two command lines, in one session: warm-ups of both,",
    "then pairs in alternation with the order counterbalanced (A B, B A,",
    "...).  Within a pair both sides share the machine's state, so the",
    "ratio B/A of each pair cancels slow drift (load, temperature,",
    "frequency).  The verdict comes from the pairs: the geometric mean",
    "ratio with its t interval on the log-ratios, the paired t-test and the",
    "Wilcoxon signed-rank test, by the decision of `compare`; the unpaired",
    "figures are shown beside them.",
    "",
    "Each revision is checked out with `git worktree add --detach` under",
    "the work dir and pre-built in its own target dir (the second seeded",
    "from the first); the user's checkout is never touched, and the",
    "worktrees are removed afterwards (also after Ctrl-C or a failure)",
    "unless --keep.  `.` is a snapshot of the working tree as it is",
    "(uncommitted changes and untracked files that are not ignored), made",
    "in a temporary index: no ref, index or file of yours changes.",
    "",
    "Options:",
    "      --commands          BASE and HEAD are command lines (split like a",
    "                          shell's, run without one) in the workspace",
    "  -r, --runs N            pairs, at least (default 10)",
    "      --metric M          decide on wall (default), cpu, user or system",
    "                          time",
    "      --fail PCT          exit 1 when B is significantly slower and the",
    "                          interval's lower bound reaches +PCT %",
    "      --warn PCT          warn from a significant +PCT % (default 15, or",
    "                          --fail when that is lower)",
    "      --alpha A           significance level (default 0.05)",
    "      --format FORMAT     the report on stdout: text (default),",
    "                          markdown or json",
    "  -o, --output FILE       write the JSON (verdict, ratio, pairs and both",
    "                          sides' full baselines) to FILE, atomically",
    "      --work-dir DIR      where the worktrees go (default",
    "                          TARGET_DIR/bench-tests-ab)",
    "      --keep              keep the worktrees and their target dirs",
    "      --no-seed           build the second side's target dir from",
    "                          scratch instead of a copy of the first's",
    "  -n, --name NAME         the benchmark's name (default: the command)",
    "  -h, --help              this help",
    "",
    NULL,
};

static const char *const ab_usage_tail[] = {
    "The measurement options above apply to both sides; --runs, --max-runs",
    "and --max-time count pairs, and the convergence rule judges the pairs'",
    "log-ratios (cv: their spread; ci=PCT: the ratio's interval).",
    "",
    "Exit status: 0 no failure (B may still be slower: see the verdict); 1",
    "--fail reached; 2 usage, I/O or input error (an unknown revision, not",
    "a git repository, the same revision twice, a failed pre-build); 3 the",
    "measured command failed; 130 interrupted (what was measured is written",
    "to --output, marked incomplete).",
    NULL,
};

enum {
	OPT_ALPHA = 5000,
	OPT_COMMANDS,
	OPT_FAIL,
	OPT_FORMAT,
	OPT_KEEP,
	OPT_METRIC,
	OPT_NO_KEEP,
	OPT_NO_SEED,
	OPT_SEED,
	OPT_WARN,
	OPT_WORK_DIR
};

static const struct option ab_options[] = {
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"commands", no_argument, NULL, OPT_COMMANDS},
    {"fail", required_argument, NULL, OPT_FAIL},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"name", required_argument, NULL, 'n'},
    {"no-keep", no_argument, NULL, OPT_NO_KEEP},
    {"no-seed", no_argument, NULL, OPT_NO_SEED},
    {"seed", no_argument, NULL, OPT_SEED},
    {"warn", required_argument, NULL, OPT_WARN},
    {"work-dir", required_argument, NULL, OPT_WORK_DIR},
    {NULL, 0, NULL, 0},
};

/* The shared options ab takes (not --post: it uploads one baseline). */
static const char *const ab_shared[] = {"color", "confidence", "converge",
    "ignore-failure", "label", "log", "max-runs", "max-time",
    "no-ignore-failure", "no-prebuild", "no-quiet", "no-show-output",
    "outlier-threshold", "output", "phase-unit", "phases", "prebuild", "quiet",
    "runs", "show-output", "timeout", "tolerance", "warmup", "workspace", NULL};

/* One side of the comparison. */
struct ab_side {
	const char *rev; /* as given ("origin/main", "."), or the command */
	char *commit;    /* what is checked out (the snapshot for .) */
	int dirty;       /* `.` with uncommitted changes */
	char *tree;      /* its worktree */
	char *target;    /* its CARGO_TARGET_DIR */
	char *dir;       /* where the command runs: tree + the prefix */
	char **envp;     /* environ with CARGO_TARGET_DIR */
	char **argv;     /* the command */
	char *display;   /* "origin/main (1a2b3c4d)" */
	int added;       /* the worktree exists */
};

/* What the clean-up needs, also from the atexit handler. */
static struct {
	char *repo; /* the repository's top level */
	char *work; /* the directory made for this run */
	struct ab_side *side[2];
	int keep;
	int armed; /* something to remove */
} cleanup_state;

/*
 * Run git with args in dir; its stdout (trimmed, caller frees) or NULL.
 * Only before the worktrees exist: an interruption exits 130.
 */
static char *
git_outv(const char *dir, int *status, char *const *argv)
{
	char *out;
	size_t n;

	out = spawn_capture(argv, dir, 1 << 20, 60, status);
	/* Nothing exists yet that needs cleaning up. */
	if (spawn_interrupted())
		fatalx(BENCH_EXIT_INTERRUPTED, "interrupted by SIG%s",
		    spawn_signame(spawn_interrupted()));
	if (out == NULL)
		return NULL;
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

/* git_outv of git a1 ... a5 (up to the first NULL). */
static char *
git_out(const char *dir, int *status, const char *a1, const char *a2,
    const char *a3, const char *a4, const char *a5)
{
	char *argv[] = {"git", (char *)a1, (char *)a2, (char *)a3, (char *)a4,
	    (char *)a5, NULL};

	return git_outv(dir, status, argv);
}

/* The temporary index of snapshot(), removed at exit whatever happens. */
static char *snap_dir, *snap_index;

static void
snapshot_atexit(void)
{
	if (snap_index != NULL) {
		unlink(snap_index);
		rmdir(snap_dir);
	}
}

/*
 * The working tree of repo as it is, as a commit whose parent is HEAD: its
 * tracked files as they are (deletions too) and its untracked files that
 * are not ignored, added to a temporary index started from HEAD, so that
 * the user's index, refs, stash and files are never touched.  Returns the
 * commit (caller frees) and sets *dirty, or HEAD's commit with *dirty 0
 * when the tree is HEAD's; exits 2 when git cannot make it.
 */
static char *
snapshot(const char *repo, int *dirty)
{
	const char *tmp = file_tmpdir();
	char *old = getenv("GIT_INDEX_FILE"), *saved = NULL;
	char *tree, *head_tree, *commit = NULL, *index, *data;
	size_t len = 0;
	char *commit_tree[] = {"git", "-c", "user.name=bench-tests", "-c",
	    "user.email=bench-tests@localhost", "commit-tree", NULL, "-p",
	    "HEAD", "-m", "bench-tests ab: the working tree", NULL};
	int st = 0, ok;

	xasprintf(&snap_dir, "%s/bench-tests-index-XXXXXX", tmp);
	if (mkdtemp(snap_dir) == NULL)
		fatalx(BENCH_EXIT_USAGE, "cannot create a directory in %s: %s",
		    tmp, strerror(errno));
	xasprintf(&snap_index, "%s/index", snap_dir);
	atexit(snapshot_atexit);
	if (old != NULL)
		saved = xstrdup(old);
	/*
	 * Start from a copy of the user's index, whose file times spare
	 * `git add` from hashing every unchanged file again; from HEAD when
	 * there is none.
	 */
	index = git_out(repo, &st, "rev-parse", "--path-format=absolute",
	    "--git-path", "index", NULL);
	data =
	    index != NULL && st == 0 ? file_read(index, 1u << 30, &len) : NULL;
	ok = data != NULL && file_write_atomic(snap_index, data, len) == 0;
	free(data);
	free(index);
	setenv("GIT_INDEX_FILE", snap_index, 1);
	if (!ok) {
		free(git_out(repo, &st, "read-tree", "HEAD", NULL, NULL, NULL));
		ok = st == 0;
	}
	if (ok) {
		free(git_out(repo, &st, "add", "-A", "--", ".", NULL));
		ok = st == 0;
	}
	tree = ok ? git_out(repo, &st, "write-tree", NULL, NULL, NULL, NULL)
	          : NULL;
	if (saved != NULL)
		setenv("GIT_INDEX_FILE", saved, 1);
	else
		unsetenv("GIT_INDEX_FILE");
	free(saved);
	snapshot_atexit();
	free(snap_index);
	snap_index = NULL;
	if (tree == NULL || st != 0 || tree[0] == '\0')
		fatalx(BENCH_EXIT_USAGE,
		    "cannot snapshot the working tree of %s (git read-tree, "
		    "add or write-tree failed; has it a first commit?)",
		    repo);
	head_tree = git_out(
	    repo, &st, "rev-parse", "--verify", "HEAD^{tree}", NULL, NULL);
	*dirty = head_tree == NULL || strcmp(tree, head_tree) != 0;
	if (*dirty) {
		commit_tree[6] = tree;
		commit = git_outv(repo, &st, commit_tree);
		if (commit == NULL || st != 0 || commit[0] == '\0')
			fatalx(BENCH_EXIT_USAGE,
			    "cannot snapshot the working tree of %s (git "
			    "commit-tree failed)",
			    repo);
	} else
		commit = git_out(repo, &st, "rev-parse", "--verify",
		    "HEAD^{commit}", NULL, NULL);
	free(tree);
	free(head_tree);
	return commit;
}

/* Remove the worktrees and target dirs (once); 0, or -1 after a warning. */
static int
ab_cleanup(void)
{
	char *rm[] = {"rm", "-rf", NULL, NULL};
	int i, rc = 0;

	if (!cleanup_state.armed)
		return 0;
	cleanup_state.armed = 0;
	if (cleanup_state.keep) {
		for (i = 0; i < 2; i++) {
			struct ab_side *sd = cleanup_state.side[i];

			if (sd != NULL && sd->added)
				notef("kept the worktree %s (remove it with "
				      "`git worktree remove --force %s`) and "
				      "its target dir %s",
				    sd->tree, sd->tree, sd->target);
		}
		return 0;
	}
	for (i = 0; i < 2; i++) {
		struct ab_side *sd = cleanup_state.side[i];
		char *argv[] = {
		    "git", "worktree", "remove", "--force", NULL, NULL};

		if (sd == NULL || !sd->added)
			continue;
		argv[4] = sd->tree;
		if (spawn_cleanup(argv, cleanup_state.repo) != 0) {
			warnf("could not remove the worktree %s: run `git "
			      "worktree remove --force %s`",
			    sd->tree, sd->tree);
			rc = -1;
		} else
			sd->added = 0;
	}
	if (cleanup_state.work != NULL) {
		rm[2] = cleanup_state.work;
		if (spawn_cleanup(rm, NULL) != 0) {
			warnf("could not remove %s", cleanup_state.work);
			rc = -1;
		}
	}
	return rc;
}

static void
ab_atexit(void)
{
	(void)ab_cleanup();
}

/* environ with CARGO_TARGET_DIR=target (a new vector, caller frees). */
static char **
env_with_target(const char *target)
{
	char **v = NULL, *kv = NULL;
	size_t i;

	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "CARGO_TARGET_DIR=", 17) != 0)
			strv_push(&v, environ[i]);
	}
	xasprintf(&kv, "CARGO_TARGET_DIR=%s", target);
	strv_push(&v, kv);
	free(kv);
	return v;
}

static void
side_free(struct ab_side *sd)
{
	free(sd->commit);
	sd->commit = NULL;
	free(sd->tree);
	sd->tree = NULL;
	free(sd->target);
	sd->target = NULL;
	free(sd->dir);
	sd->dir = NULL;
	strv_free(sd->envp);
	sd->envp = NULL;
	free(sd->display);
	sd->display = NULL;
}

/*
 * Resolve the revisions of the workspace ws: its repository, each side's
 * commit (a snapshot for .), and the workspace's path inside the
 * repository (*prefix).  Exits 2 on bad input (nothing exists yet).
 */
static void
resolve_revisions(
    const char *ws, struct ab_side *sd, char **repo, char **prefix)
{
	char *out, *spec = NULL;
	int st = 0, i;

	if (!spawn_in_path("git"))
		fatalx(BENCH_EXIT_USAGE, "git was not found on PATH (ab "
		                         "checks revisions out with it)");
	*repo =
	    git_out(ws, &st, "rev-parse", "--show-toplevel", NULL, NULL, NULL);
	if (*repo == NULL || st != 0 || (*repo)[0] == '\0')
		fatalx(BENCH_EXIT_USAGE,
		    "'%s' is not in a git repository: ab measures two "
		    "revisions of it (or give --commands 'A' 'B')",
		    ws);
	*prefix =
	    git_out(ws, &st, "rev-parse", "--show-prefix", NULL, NULL, NULL);
	if (*prefix == NULL)
		*prefix = xstrdup("");
	if (strcmp(sd[0].rev, ".") == 0 && strcmp(sd[1].rev, ".") == 0)
		fatalx(BENCH_EXIT_USAGE,
		    "BASE and HEAD are both '.': name a revision to compare "
		    "the working tree with");
	for (i = 0; i < 2; i++) {
		if (strcmp(sd[i].rev, ".") == 0) {
			sd[i].commit = snapshot(*repo, &sd[i].dirty);
			out = git_out(*repo, &st, "ls-files", "--others",
			    "--exclude-standard", NULL, NULL);
			if (out != NULL && out[0] != '\0')
				notef("'.' includes the untracked files that "
				      "are not ignored (such as '%.*s'); git "
				      "ignore them to leave them out",
				    (int)strcspn(out, "\n"), out);
			free(out);
			if (sd[i].dirty)
				notef("'.' is the working tree with "
				      "uncommitted changes (measured from a "
				      "snapshot; your checkout is not "
				      "touched)");
			continue;
		}
		xasprintf(&spec, "%s^{commit}", sd[i].rev);
		sd[i].commit = git_out(*repo, &st, "rev-parse", "--verify",
		    "--quiet", "--end-of-options", spec);
		free(spec);
		spec = NULL;
		if (sd[i].commit == NULL || st != 0 || sd[i].commit[0] == '\0')
			fatalx(BENCH_EXIT_USAGE,
			    "unknown revision '%s' (not a commit of %s)",
			    sd[i].rev, *repo);
	}
	if (sd[0].commit == NULL || sd[1].commit == NULL)
		fatalx(BENCH_EXIT_USAGE, "cannot resolve the revisions");
	if (strcmp(sd[0].commit, sd[1].commit) == 0)
		fatalx(BENCH_EXIT_USAGE,
		    "BASE '%s' and HEAD '%s' are the same commit %.12s: "
		    "nothing to compare",
		    sd[0].rev, sd[1].rev, sd[0].commit);
	for (i = 0; i < 2; i++)
		xasprintf(&sd[i].display, "%s (%.10s%s)", sd[i].rev,
		    sd[i].commit, sd[i].dirty ? ", uncommitted changes" : "");
}

/* The target dir of workspace ws: CARGO_TARGET_DIR, cargo's, or ws/target. */
static char *
target_dir_of(const char *ws)
{
	struct cargo_workspace *meta;
	const char *env = getenv("CARGO_TARGET_DIR");
	char *dir = NULL;
	struct stat st;

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	xasprintf(&dir, "%s/Cargo.toml", ws);
	if (stat(dir, &st) == 0 && spawn_in_path("cargo")) {
		free(dir);
		dir = NULL;
		meta = cargo_metadata(ws);
		if (meta != NULL && meta->target_dir != NULL)
			dir = xstrdup(meta->target_dir);
		report_cargo_workspace_free(meta);
	} else {
		free(dir);
		dir = NULL;
	}
	if (dir == NULL)
		xasprintf(&dir, "%s/target", ws);
	return dir;
}

/* mkdir -p path (mode 0777 & umask); 0 or -1 with errno. */
static int
mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/*
 * Make the work dir and both worktrees; an exit status (0 to go on).  The
 * clean-up is armed before anything is created.
 */
static int
make_worktrees(struct session *s, const char *work_dir, const char *repo,
    const char *prefix, struct ab_side *sd)
{
	char *base = NULL, *tmpl = NULL;
	int i, st;

	if (work_dir != NULL)
		base = xstrdup(work_dir);
	else {
		char *t = target_dir_of(s->ws);

		xasprintf(&base, "%s/bench-tests-ab", t);
		free(t);
	}
	if (mkdir_p(base) != 0) {
		errorf("cannot create the work dir '%s': %s", base,
		    strerror(errno));
		free(base);
		return BENCH_EXIT_USAGE;
	}
	xasprintf(&tmpl, "%s/ab-XXXXXX", base);
	free(base);
	if (mkdtemp(tmpl) == NULL) {
		errorf("cannot create a directory in the work dir '%s': %s",
		    tmpl, strerror(errno));
		free(tmpl);
		return BENCH_EXIT_USAGE;
	}
	cleanup_state.work = file_realpath(tmpl);
	free(tmpl);
	if (cleanup_state.work == NULL)
		return BENCH_EXIT_USAGE;
	cleanup_state.armed = 1;
	for (i = 0; i < 2; i++) {
		char *argv[] = {
		    "git", "worktree", "add", "--detach", NULL, NULL, NULL};

		xasprintf(&sd[i].tree, "%s/%s", cleanup_state.work,
		    i == 0 ? "base" : "head");
		xasprintf(&sd[i].target, "%s/%s-target", cleanup_state.work,
		    i == 0 ? "base" : "head");
		if (prefix[0] != '\0')
			xasprintf(&sd[i].dir, "%s/%s", sd[i].tree, prefix);
		else
			sd[i].dir = xstrdup(sd[i].tree);
		sd[i].envp = env_with_target(sd[i].target);
		argv[4] = sd[i].tree;
		argv[5] = sd[i].commit;
		if (spawn_interrupted())
			return BENCH_EXIT_INTERRUPTED;
		free(spawn_capture(argv, repo, 4096, 0, &st));
		if (spawn_interrupted())
			return BENCH_EXIT_INTERRUPTED;
		if (st != 0) {
			errorf("git worktree add of %s at %s failed (status "
			       "%d)",
			    sd[i].rev, sd[i].tree, st);
			return BENCH_EXIT_USAGE;
		}
		sd[i].added = 1;
		notef("%s is checked out in %s", sd[i].display, sd[i].tree);
	}
	return BENCH_EXIT_OK;
}

/*
 * Pre-build both sides in their trees, the second's target dir seeded
 * with a copy of the first's (seed); an exit status.
 */
static int
prebuild_sides(struct session *s, struct ab_side *sd, int seed)
{
	char *cp[] = {"cp", "-a", "--reflink=auto", NULL, NULL, NULL};
	int st, i;

	for (i = 0; i < 2; i++) {
		if (i == 1 && seed && access(sd[0].target, F_OK) == 0) {
			double t0 = mono_now();

			cp[3] = sd[0].target;
			cp[4] = sd[1].target;
			st = spawn_cleanup(cp, NULL);
			if (spawn_interrupted())
				return BENCH_EXIT_INTERRUPTED;
			if (st != 0)
				warnf("could not seed %s from %s: the second "
				      "side builds from scratch",
				    sd[1].target, sd[0].target);
			else
				notef("seeded %s's target dir from %s's in "
				      "%.1f s",
				    sd[1].rev, sd[0].rev, mono_now() - t0);
		}
		st = session_prebuild_in(s, sd[i].argv, sd[i].dir, sd[i].envp);
		if (st != BENCH_EXIT_OK)
			return st;
	}
	return BENCH_EXIT_OK;
}

/* Print the report in format to stdout. */
static void
print_report(const struct ab_comparison *ab, const struct cmp_gate *g,
    int format, const struct baseline *base, const struct baseline *head)
{
	struct report_style style = term_style();
	struct bench_error err;
	char *text;

	if (format == FORMAT_JSON) {
		text = report_ab_json(ab, g, base, head, &err);
		if (text == NULL)
			errorf("%s", err.text);
		else
			fputs(text, stdout);
		free(text);
	} else if (format == FORMAT_MARKDOWN)
		report_ab_markdown(stdout, ab, g);
	else
		report_ab_text(stdout, ab, g, &style);
	fflush(stdout);
}

/* Give a side's baseline its own identity and what it measured. */
static void
label_side(
    struct baseline *b, const struct ab_side *sd, const char *label, int git)
{
	free(b->id);
	b->id = host_uuid();
	if (label == NULL) {
		free(b->label);
		b->label = xstrdup(sd->rev);
	}
	if (!git)
		return;
	free(b->env.git_commit);
	b->env.git_commit = xstrdup(sd->commit);
	b->env.git_dirty = sd->dirty;
	free(b->workspace);
	b->workspace = xstrdup(sd->dir);
}

static int
cmd_ab_exec(int argc, char **argv)
{
	struct session_opts o;
	struct session s;
	struct option *options;
	struct ab_side sd[2];
	struct cmp_opts co = {
	    .alpha = REPORT_CMP_ALPHA, .ci_level = REPORT_CMP_CI};
	struct cmp_gate gate = {.warn = 0.15};
	struct ab_comparison *ab = NULL;
	struct baseline *head_b = NULL;
	struct bench_result *ra, *rb;
	struct bench_cmd ca, cb;
	struct bench_error err;
	char **cmd = NULL, *repo = NULL, *prefix = NULL, *text = NULL;
	const char *name = NULL, *work_dir = NULL, *output = NULL;
	int ch, status = BENCH_EXIT_OK, format = FORMAT_TEXT, commands = 0;
	int warn_given = 0, seed = 1, dd, nargs, i, rc, opened = 0;
	unsigned metrics = 0;

	memset(sd, 0, sizeof(sd));
	session_opts_init(&o);
	o.m.runs = 10;
	/* Options may follow BASE HEAD; everything after -- is the command. */
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	options = session_select_options(ab_options, ab_shared);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(
	            dd, argv, SESSION_SHORTOPTS "hn:", options, NULL)) != -1) {
		if (session_option(&o, "ab", ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			cmd_print_usage(ab_usage);
			cmd_print_usage(session_usage);
			cmd_print_usage(ab_usage_tail);
			exit(BENCH_EXIT_OK);
		case 'n':
			name = optarg;
			break;
		case OPT_ALPHA:
			co.alpha = cmd_parse_fraction("--alpha", optarg);
			break;
		case OPT_COMMANDS:
			commands = 1;
			break;
		case OPT_FAIL:
			gate.fail = cmd_parse_percent("--fail", optarg);
			break;
		case OPT_FORMAT:
			format = cmd_parse_format("ab", optarg);
			break;
		case OPT_KEEP:
			cleanup_state.keep = 1;
			break;
		case OPT_NO_KEEP:
			cleanup_state.keep = 0;
			break;
		case OPT_METRIC:
			metrics = cmd_parse_metrics("ab", optarg, 1);
			break;
		case OPT_NO_SEED:
			seed = 0;
			break;
		case OPT_SEED:
			seed = 1;
			break;
		case OPT_WARN:
			gate.warn = cmd_parse_percent("--warn", optarg);
			warn_given = 1;
			break;
		case OPT_WORK_DIR:
			work_dir = optarg;
			break;
		default:
			cmd_getopt_error("ab", dd, argv, ch);
		}
	}
	free(options);
	nargs = dd - optind;
	if (nargs != 2)
		cmd_usage_error("ab",
		    nargs < 2 ? "name two revisions (BASE HEAD), or two "
		                "command lines with --commands"
		              : "unexpected '%s' (a command goes after --)",
		    nargs < 2 ? "" : argv[optind + 2]);
	sd[0].rev = argv[optind];
	sd[1].rev = argv[optind + 1];
	if (commands && dd < argc)
		cmd_usage_error("ab",
		    "--commands and a command after -- cannot be combined");
	if (gate.fail > 0 && gate.fail < gate.warn) {
		if (warn_given)
			cmd_usage_error("ab",
			    "--fail %g%% is below --warn %g%%: it would fail "
			    "on slowdowns it does not warn about",
			    100 * gate.fail, 100 * gate.warn);
		gate.warn = gate.fail;
	}
	gate.metrics = metrics;
	co.metric = (enum cmp_measure)cmd_first_metric(metrics);
	session_opts_check(&o, "ab");
	output = o.output;
	o.output = NULL; /* ab writes its own document, not one baseline */
	if (output != NULL && file_check_writable(output) != 0)
		fatalx(BENCH_EXIT_USAGE,
		    "cannot write the output file '%s': %s", output,
		    strerror(errno));

	if (commands) {
		for (i = 0; i < 2; i++) {
			if (cmd_split_words(sd[i].rev, &sd[i].argv) != 0)
				cmd_usage_error("ab",
				    "unterminated quote in '%s'", sd[i].rev);
			if (sd[i].argv == NULL)
				cmd_usage_error("ab", "command %c is empty",
				    i == 0 ? 'A' : 'B');
			if (!spawn_in_path(sd[i].argv[0]))
				fatalx(BENCH_EXIT_USAGE,
				    "command not found: '%s'", sd[i].argv[0]);
			sd[i].display = xstrdup(sd[i].rev);
		}
		session_open(&s, &o, 0);
		opened = 1;
		for (i = 0; i < 2 && status == BENCH_EXIT_OK; i++)
			status =
			    session_prebuild_in(&s, sd[i].argv, NULL, NULL);
	} else {
		cmd = dd < argc ? argv + dd + 1 : NULL;
		if (cmd == NULL || cmd[0] == NULL) {
			static char *default_cmd[] = {
			    "cargo", "test", "--workspace", NULL};

			cmd = default_cmd;
		}
		session_open(&s, &o, strcmp(cmd[0], "cargo") == 0);
		opened = 1;
		resolve_revisions(s.ws, sd, &repo, &prefix);
		cleanup_state.repo = repo;
		cleanup_state.side[0] = &sd[0];
		cleanup_state.side[1] = &sd[1];
		atexit(ab_atexit);
		sd[0].argv = strv_copy(cmd);
		sd[1].argv = strv_copy(cmd);
		status = make_worktrees(&s, work_dir, repo, prefix, sd);
		if (status == BENCH_EXIT_OK)
			status = prebuild_sides(&s, sd, seed);
	}
	if (status == BENCH_EXIT_OK) {
		memset(&ca, 0, sizeof(ca));
		memset(&cb, 0, sizeof(cb));
		for (i = 0; i < 2; i++) {
			struct bench_cmd *c = i == 0 ? &ca : &cb;

			c->argv = sd[i].argv;
			c->command = cmd_join_argv(sd[i].argv);
			c->name = xstrdup(name != NULL ? name
			                  : commands   ? (i == 0 ? "A" : "B")
			                               : c->command);
			c->dir = commands ? s.ws : sd[i].dir;
			c->envp = commands ? NULL : sd[i].envp;
		}
		(void)report_baseline_add_result(s.b);
		(void)report_baseline_add_result(s.b);
		ra = &s.b->results[0];
		rb = &s.b->results[1];
		rc = measure_pairs(&s.o->m, &ca, &cb, co.metric, ra, rb);
		for (i = 0; i < 2; i++) {
			struct bench_cmd *c = i == 0 ? &ca : &cb;

			free(c->command);
			free(c->name);
		}
		status = rc == MEASURE_OK            ? BENCH_EXIT_OK
		         : rc == MEASURE_INTERRUPTED ? BENCH_EXIT_INTERRUPTED
		         : rc == MEASURE_FAILED      ? BENCH_EXIT_CMD_FAILED
		                                     : BENCH_EXIT_USAGE;
		if (status == BENCH_EXIT_INTERRUPTED)
			s.b->complete = 0;
		if (status == BENCH_EXIT_OK || status == BENCH_EXIT_INTERRUPTED)
			ab = report_ab_compare(ra, sd[0].display, rb,
			    sd[1].display, &co, s.b->complete);
	}
	/* The worktrees go first: nothing below needs them. */
	if (!commands && ab_cleanup() != 0 && status == BENCH_EXIT_OK)
		status = BENCH_EXIT_USAGE;

	if (ab != NULL) {
		host_loadavg(s.b->env.load_after);
		head_b = report_baseline_take_result(s.b, 1, &err);
		if (head_b == NULL) {
			errorf("%s", err.text);
			status = BENCH_EXIT_USAGE;
			goto out;
		}
		label_side(s.b, &sd[0], o.label, !commands);
		label_side(head_b, &sd[1], o.label, !commands);
		report_gate_apply(&gate, ab->c);
		/* The results are written before anything is printed. */
		if (output != NULL) {
			text = report_ab_json(ab, &gate, s.b, head_b, &err);
			if (text == NULL)
				errorf("%s", err.text);
			if (text == NULL || file_write_atomic(output, text,
			                        strlen(text)) != 0) {
				if (text != NULL)
					errorf("cannot write '%s': %s", output,
					    strerror(errno));
				status = BENCH_EXIT_USAGE;
			}
			free(text);
		}
		if (!o.quiet || format != FORMAT_TEXT)
			print_report(ab, &gate, format, s.b, head_b);
		for (i = 0; i < (int)gate.n_items; i++) {
			if (gate.items[i].level == GATE_FAIL)
				errorf("ab: %s", gate.items[i].reason);
			else if (gate.items[i].level == GATE_WARN)
				warnf("ab: %s", gate.items[i].reason);
		}
		if (gate.status == GATE_FAIL && status == BENCH_EXIT_OK)
			status = BENCH_EXIT_REGRESSION;
	}
out:
	report_gate_clear(&gate);
	report_ab_free(ab);
	report_baseline_free(head_b);
	if (opened) {
		rc = session_close(&s,
		    status == BENCH_EXIT_REGRESSION ? BENCH_EXIT_OK : status);
		if (rc != BENCH_EXIT_OK)
			status = rc;
	}
	for (i = 0; i < 2; i++) {
		strv_free(sd[i].argv);
		sd[i].argv = NULL;
		side_free(&sd[i]);
	}
	cleanup_state.side[0] = cleanup_state.side[1] = NULL;
	free(cleanup_state.work);
	cleanup_state.work = NULL;
	cleanup_state.repo = NULL;
	free(repo);
	free(prefix);
	return status;
}

const struct cmd_entry cmd_ab_entry = {
    .name = "ab",
    .summary = "two revisions (or commands) measured in alternating pairs",
    .exec = cmd_ab_exec,
};
