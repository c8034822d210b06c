/*
 * cmd-post.c: bench-tests post: send baselines to a results server, and
 * --flush the ones that wait in the spool.
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

/* ------------------------------------------ --post on measuring commands */

enum {
	OPT_POST = 1100,
	OPT_NO_POST,
	OPT_SERVER,
	OPT_TOKEN_FILE,
	OPT_CACERT,
	OPT_SPOOL_DIR,
	OPT_CONNECT_TIMEOUT,
	OPT_POST_TIMEOUT,
	OPT_RETRIES,
	OPT_RETRY_DELAY
};

const struct option post_options[] = {
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"no-post", no_argument, NULL, OPT_NO_POST},
    {"post", no_argument, NULL, OPT_POST},
    {"post-timeout", required_argument, NULL, OPT_POST_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"retry-delay", required_argument, NULL, OPT_RETRY_DELAY},
    {"server", required_argument, NULL, OPT_SERVER},
    {"spool-dir", required_argument, NULL, OPT_SPOOL_DIR},
    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
    {NULL, 0, NULL, 0}};

const char *const post_usage[] = {
    "Results server options (--post; `bench-tests post`):",
    "      --post              send the baseline to the results server "
    "after",
    "                          writing it (a copy waits in the spool until "
    "the",
    "                          server has it)",
    "      --server URL        the server (default: $BENCH_TESTS_SERVER)",
    "      --token-file FILE   the upload token: the first line of FILE "
    "that is",
    "                          not blank or # (default: $BENCH_TESTS_TOKEN)",
    "      --cacert FILE       trust this CA bundle (certificates are always",
    "                          verified)",
    "      --connect-timeout DURATION   give up connecting after this (10s)",
    "      --post-timeout DURATION      give up one attempt after this (60s)",
    "      --retries N         attempts after the first on network errors "
    "and",
    "                          5xx, with exponential backoff (4)",
    "      --retry-delay DURATION       the first backoff, doubled each "
    "time (1s)",
    "      --spool-dir DIR     where undelivered baselines wait (default:",
    "                          $XDG_STATE_HOME/bench-tests/spool)", NULL};

int
post_option(struct post_opts *o, const char *cmd, int c, char *arg)
{
	(void)cmd;
	switch (c) {
	case OPT_POST:
		o->enabled = 1;
		break;
	case OPT_NO_POST:
		o->enabled = 0;
		break;
	case OPT_SERVER:
		o->http.server = arg;
		break;
	case OPT_TOKEN_FILE:
		o->http.token_file = arg;
		break;
	case OPT_CACERT:
		o->http.cacert = arg;
		break;
	case OPT_SPOOL_DIR:
		o->spool_dir = arg;
		break;
	case OPT_CONNECT_TIMEOUT:
		o->http.connect_timeout =
		    cmd_parse_seconds("--connect-timeout", arg, 0);
		break;
	case OPT_POST_TIMEOUT:
		o->http.timeout = cmd_parse_seconds("--post-timeout", arg, 0);
		break;
	case OPT_RETRIES:
		o->http.retries =
		    (unsigned)cmd_parse_count("--retries", arg, 0);
		if (o->http.retries > 20)
			cmd_usage_error(cmd, "--retries: at most 20");
		break;
	case OPT_RETRY_DELAY:
		o->http.retry_delay =
		    cmd_parse_seconds("--retry-delay", arg, 0);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Warn when a token file can be read by others (as ssh does for keys). */
static void
check_token_file_mode(const char *path)
{
	struct stat st;

	if (path != NULL && stat(path, &st) == 0 &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		warnf("the token file '%s' can be read by other users "
		      "(chmod 600 it)",
		    path);
}

void
post_opts_check(struct post_opts *o, const char *cmd)
{
	struct http_client c;
	struct bench_error err;

	(void)cmd;
	if (!o->enabled)
		return;
	/* Find a bad URL or token now, not after an hour of measuring. */
	if (http_client_init(&c, &o->http, &err) != 0)
		fatalx(BENCH_EXIT_USAGE, "--post: %s", err.text);
	http_client_free(&c);
	check_token_file_mode(o->http.token_file);
}

/* ------------------------------------------------------ bench-tests post */

/* The largest baseline file we read. */
#define POST_FILE_MAX ((size_t)1 << 30)

enum { OPT_FLUSH = 1200, OPT_NO_FLUSH, OPT_SPOOL, OPT_NO_SPOOL };

static const char *const post_cmd_usage[] = {
    "Usage: bench-tests post [OPTIONS] [FILE...]", "",
    "Send baselines (written by --output) to a results server (bench-tests",
    "serve).  Each is checked first, as the server will check it.  A baseline",
    "the server already has is stored once.  A copy goes into the spool",
    "before it is sent and stays there when no server answers (after the",
    "retries, or when post is killed); --flush sends the spool.",
    "The URL of each stored baseline is printed on standard output.", "",
    "Options:",
    "      --flush             send the baselines waiting in the spool too",
    "      --no-spool          keep no copy of a FILE in the spool",
    "  -q, --quiet             print only errors and warnings",
    "  -h, --help              this help", "", NULL};

static const char *const post_cmd_usage_tail[] = {"",
    "The token comes from BENCH_TESTS_TOKEN or --token-file, never from the",
    "command line, and is never printed.  A spooled baseline the server",
    "refuses (invalid, too large) moves to the spool's rejected/ folder.", "",
    "Exit status: 0 every baseline was delivered; 2 usage error, a file that",
    "is not a valid baseline, or a baseline not delivered (spooled or",
    "refused).", NULL};

static const struct option own_options[] = {
    {"flush", no_argument, NULL, OPT_FLUSH}, {"help", no_argument, NULL, 'h'},
    {"no-flush", no_argument, NULL, OPT_NO_FLUSH},
    {"no-quiet", no_argument, NULL, 'Q'},
    {"no-spool", no_argument, NULL, OPT_NO_SPOOL},
    {"quiet", no_argument, NULL, 'q'}, {"spool", no_argument, NULL, OPT_SPOOL},
    {NULL, 0, NULL, 0}};

struct post_run {
	struct post_opts o;
	struct http_client c;
	char *dir;    /* the spool */
	int down;     /* no server answered: spool the rest */
	int stop;     /* the server refused our token: stop */
	int failed;   /* a baseline was not delivered */
	int no_spool; /* --no-spool */
};

/* Print the URL of a stored baseline on stdout. */
static void
print_url(const struct post_run *p, const char *id)
{
	printf("%s/api/v1/baselines/%s\n", p->c.display, id);
	fflush(stdout);
}

/*
 * Read and check a baseline file; returns its text (caller frees) and its
 * id, or NULL after saying why.
 */
static char *
load(const char *path, size_t *len, char **id)
{
	struct bench_error err;
	struct baseline *b;
	char *text;

	*id = NULL;
	text = file_read(path, POST_FILE_MAX, len);
	if (text == NULL) {
		errorf("cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	b = report_baseline_parse(text, *len, &err);
	if (b == NULL) {
		errorf("%s: %s", path, err.text);
		free(text);
		return NULL;
	}
	if (report_identity_check(b->id, b->created, NULL, &err) != 0) {
		errorf("%s: %s", path, err.text);
		report_baseline_free(b);
		free(text);
		return NULL;
	}
	*id = xstrdup(b->id);
	report_baseline_free(b);
	return text;
}

/* Send one document; 0 delivered, BENCH_ERR_IO, BENCH_ERR_INVALID. */
static int
send_one(struct post_run *p, const char *what, const char *id, const char *text,
    size_t len, long *status)
{
	struct bench_error err;
	int created, rc;

	*status = 0;
	rc = http_post_baseline(&p->c, text, len, &created, status, &err);
	if (rc == 0) {
		notef("%s: %s %s", what,
		    created ? "stored as" : "the server already had", id);
		print_url(p, id);
	} else if (rc == BENCH_ERR_IO) {
		warnf("%s: %s", what, err.text);
		p->down = 1;
	} else {
		errorf("%s: %s", what, err.text);
		if (*status == 401 || *status == 403)
			p->stop = 1;
	}
	return rc;
}

/*
 * Post one file.  Its copy goes into the spool before anything is sent
 * (as --post does), so that a kill during the retries leaves it there; the
 * copy is removed once the server has the baseline or has refused it (the
 * FILE itself is the user's), and stays when no server answered.
 */
static void
post_file(struct post_run *p, const char *path)
{
	char *text, *id, *spooled = NULL;
	size_t len;
	long status;
	int rc = BENCH_ERR_IO;

	text = load(path, &len, &id);
	if (text == NULL) {
		p->failed = 1;
		return;
	}
	if (!p->no_spool) {
		spooled = spool_put(p->dir, id, text, len);
		if (spooled == NULL)
			errorf("%s: cannot keep a copy in the spool '%s': %s",
			    path, p->dir, strerror(errno));
	}
	if (!p->down && !p->stop)
		rc = send_one(p, path, id, text, len, &status);
	if (rc != 0)
		p->failed = 1;
	if (spooled != NULL && rc != BENCH_ERR_IO && unlink(spooled) != 0)
		warnf("cannot remove '%s': %s", spooled, strerror(errno));
	else if (spooled != NULL && rc == BENCH_ERR_IO)
		notef("%s: waits in %s: `bench-tests post --flush` sends it",
		    path, spooled);
	free(spooled);
	free(text);
	free(id);
}

static void
flush(struct post_run *p)
{
	char **files, *text, *id, *moved;
	size_t i, len, sent = 0, n;
	long status;
	int rc;

	files = spool_list(p->dir);
	if (files == NULL) {
		errorf(
		    "cannot read the spool '%s': %s", p->dir, strerror(errno));
		p->failed = 1;
		return;
	}
	n = strv_len(files);
	for (i = 0; i < n && !p->down && !p->stop; i++) {
		text = load(files[i], &len, &id);
		rc = text == NULL
		         ? BENCH_ERR_INVALID
		         : send_one(p, files[i], id, text, len, &status);
		if (rc == 0) {
			if (unlink(files[i]) != 0)
				warnf("cannot remove '%s': %s", files[i],
				    strerror(errno));
			sent++;
		} else if (rc == BENCH_ERR_INVALID && !p->stop) {
			/* It will never be accepted: set it aside. */
			if (spool_reject(p->dir, files[i], &moved) == 0) {
				warnf("moved it to %s", moved);
				free(moved);
			}
			p->failed = 1;
		} else
			p->failed = 1;
		free(text);
		free(id);
	}
	if (n > 0 && sent < n)
		notef("flushed %zu of %zu spooled baseline%s; the rest wait "
		      "in %s",
		    sent, n, n == 1 ? "" : "s", p->dir);
	else if (n > 0)
		notef("flushed %zu spooled baseline%s", n, n == 1 ? "" : "s");
	else
		notef("the spool %s is empty", p->dir);
	strv_free(files);
}

static int
cmd_post_exec(int argc, char **argv)
{
	struct post_run p;
	struct bench_error err;
	struct option *options;
	size_t n = 0, m = 0;
	int c, do_flush = 0, i;

	memset(&p, 0, sizeof(p));
	post_opts_init(&p.o);
	p.o.http.interrupted = spawn_interrupted;
	while (own_options[n].name != NULL)
		n++;
	while (post_options[m].name != NULL)
		m++;
	options = xcalloc(n + m + 1, sizeof(*options));
	memcpy(options, own_options, n * sizeof(*options));
	memcpy(options + n, post_options, (m + 1) * sizeof(*options));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hqQ", options, NULL)) != -1) {
		if (post_option(&p.o, "post", c, optarg))
			continue;
		switch (c) {
		case 'h':
			cmd_print_usage(post_cmd_usage);
			/* The server options, without --post (its 3 lines). */
			printf("%s\n", post_usage[0]);
			cmd_print_usage(post_usage + 4);
			cmd_print_usage(post_cmd_usage_tail);
			exit(BENCH_EXIT_OK);
		case 'q':
			msgs_quiet = 1;
			break;
		case 'Q':
			msgs_quiet = 0;
			break;
		case OPT_FLUSH:
			do_flush = 1;
			break;
		case OPT_NO_FLUSH:
			do_flush = 0;
			break;
		case OPT_SPOOL:
			p.no_spool = 0;
			break;
		case OPT_NO_SPOOL:
			p.no_spool = 1;
			break;
		default:
			cmd_getopt_error("post", argc, argv, c);
		}
	}
	free(options);
	if (optind >= argc && !do_flush)
		cmd_usage_error("post", "name baseline files to send, or "
		                        "--flush to send the spool");
	if (p.o.enabled)
		cmd_usage_error("post", "--post is for the measuring commands; "
		                        "`post` always posts");
	if (http_client_init(&p.c, &p.o.http, &err) != 0)
		fatalx(BENCH_EXIT_USAGE, "%s", err.text);
	p.dir = spool_dir(p.o.spool_dir);

	for (i = optind; i < argc; i++)
		post_file(&p, argv[i]);
	if (do_flush && !p.stop) {
		if (p.down)
			warnf("not flushing the spool: the server did not "
			      "answer");
		else
			flush(&p);
	}
	http_client_free(&p.c);
	free(p.dir);
	return p.failed ? BENCH_EXIT_USAGE : BENCH_EXIT_OK;
}

const struct cmd_entry cmd_post_entry = {
    .name = "post",
    .summary = "send baselines to a results server (and flush the spool)",
    .exec = cmd_post_exec,
};
