/*
 * cmd-serve.c: bench-tests serve: the results server.
 *
 * One command, no other set-up: the database file is created on first
 * use, the server binds to loopback unless told otherwise, and prints the
 * URL it serves on standard output (with --listen ADDR:0, the port the
 * system chose).  It spawns nothing, so it does not use spawn.c's signal
 * handling: SIGINT, SIGTERM and SIGHUP are blocked before any thread
 * starts and taken with sigwait by server_run().
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"

enum {
	OPT_ALPHA = 1300,
	OPT_DB,
	OPT_LISTEN,
	OPT_METRIC,
	OPT_TOKEN_FILE,
	OPT_READ_TOKEN,
	OPT_NO_READ_TOKEN,
	OPT_READ_TOKEN_FILE,
	OPT_MAX_BODY,
	OPT_THREADS,
	OPT_MAX_CONNECTIONS,
	OPT_MAX_PER_ADDRESS,
	OPT_REQUEST_TIMEOUT
};

/* The pending connections the kernel keeps for us (bursts of connects). */
#define LISTEN_BACKLOG 1024
/* Descriptors the server needs besides its connections: the listening
 * socket, epoll, the database (3 per thread with WAL), stdio. */
#define FDS_SPARE(threads) (64 + 4 * (threads))

static const char *const serve_usage[] = {
    "Usage: bench-tests serve --db FILE [OPTIONS]", "",
    "Keep baselines in an SQLite database and serve them: a JSON API for",
    "`bench-tests post` and `check --baseline-from`, and a web page with the",
    "history of every benchmark.  The API is in src/server/server-api.md.", "",
    "Options:",
    "      --db FILE           the database (created when missing; WAL mode)",
    "      --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port",
    "                          0 picks a free one; [::1]:PORT for IPv6)",
    "      --token-file FILE   tokens that may post, one per line (# "
    "comments);",
    "                          without it the server takes no uploads",
    "      --read-token        reads need a token too (any of --token-file",
    "                          or --read-token-file)",
    "      --read-token-file FILE  tokens that may only read (implies",
    "                          --read-token)",
    "      --max-body SIZE     refuse larger uploads with 413 (default 16MiB;",
    "                          K, M, G, KiB, MiB, GiB)",
    "      --threads N         threads serving requests (default 4)",
    "      --max-connections N  connections open at once (default 1024; the",
    "                          last 1/16 only for addresses holding none)",
    "      --max-per-address N  connections one address may hold (default",
    "                          64; IPv6 counts by /64)",
    "      --request-timeout DURATION  a request's headers and body must "
    "arrive",
    "                          within this, however slowly they trickle in,",
    "                          and the answer be taken within it plus 1s per",
    "                          64KiB (default 60s)",
    "      --alpha A           significance level of the page's change",
    "                          markers, the rule of `compare` (default 0.05)",
    "      --metric M          the metric the markers judge: wall (default),",
    "                          cpu (user + system), user or system",
    "  -q, --quiet             no access log",
    "  -h, --help              this help", "",
    "The URL it serves is printed on standard output; the access log goes",
    "to standard error.  SIGHUP reloads the token files; SIGINT or SIGTERM",
    "lets the requests in flight finish and closes the database.", "",
    "Exit status: 0 stopped by a signal; 2 usage error, or the database or",
    "the address could not be used.", NULL};

static const struct option serve_options[] = {
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"db", required_argument, NULL, OPT_DB}, {"help", no_argument, NULL, 'h'},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"max-per-address", required_argument, NULL, OPT_MAX_PER_ADDRESS},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"no-quiet", no_argument, NULL, 'Q'},
    {"no-read-token", no_argument, NULL, OPT_NO_READ_TOKEN},
    {"quiet", no_argument, NULL, 'q'},
    {"read-token", no_argument, NULL, OPT_READ_TOKEN},
    {"read-token-file", required_argument, NULL, OPT_READ_TOKEN_FILE},
    {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
    {NULL, 0, NULL, 0}};

/* The token files, for SIGHUP. */
static const char *write_file, *read_file;

/* A size: bytes, or with K, M, G (powers of 1024; KiB etc. too). */
static size_t
parse_size(const char *arg)
{
	char *end;
	double v;
	double scale = 1;

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg) {
		if (strcasecmp(end, "k") == 0 || strcasecmp(end, "kib") == 0 ||
		    strcasecmp(end, "kb") == 0)
			scale = 1024;
		else if (strcasecmp(end, "m") == 0 ||
		         strcasecmp(end, "mib") == 0 ||
		         strcasecmp(end, "mb") == 0)
			scale = 1024.0 * 1024;
		else if (strcasecmp(end, "g") == 0 ||
		         strcasecmp(end, "gib") == 0 ||
		         strcasecmp(end, "gb") == 0)
			scale = 1024.0 * 1024 * 1024;
		else if (*end != '\0')
			end = (char *)arg;
	}
	if (errno != 0 || end == arg || !(v * scale >= 1) ||
	    v * scale > 4.0 * 1024 * 1024 * 1024)
		cmd_usage_error("serve",
		    "--max-body: '%s' is not a size from 1 byte to 4GiB "
		    "(16MiB, 500K, 1048576)",
		    arg);
	return (size_t)(v * scale);
}

/* Warn when a token file can be read by others. */
static void
check_mode(const char *path)
{
	struct stat st;

	if (path != NULL && stat(path, &st) == 0 &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		warnf("the token file '%s' can be read by other users "
		      "(chmod 600 it)",
		    path);
}

static void
free_tokens(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		explicit_bzero(v[i], strlen(v[i]));
	strv_free(v);
}

/* Load both token files into t; 0, or -1 after saying why. */
static int
load_tokens(struct server_tokens *t)
{
	struct bench_error err;

	memset(t, 0, sizeof(*t));
	if (write_file != NULL) {
		t->write = server_tokens_load(write_file, &err);
		if (t->write == NULL) {
			errorf("--token-file: %s", err.text);
			return -1;
		}
	}
	if (read_file != NULL) {
		t->read = server_tokens_load(read_file, &err);
		if (t->read == NULL) {
			errorf("--read-token-file: %s", err.text);
			free_tokens(t->write);
			t->write = NULL;
			return -1;
		}
	}
	return 0;
}

static int
reload(struct server *s)
{
	struct server_tokens t, old;

	if (load_tokens(&t) != 0) {
		errorf("SIGHUP: the tokens were not reloaded; the old ones "
		       "stay");
		return -1;
	}
	pthread_rwlock_wrlock(&s->lock);
	old = s->tokens;
	t.read_needs = old.read_needs;
	s->tokens = t;
	pthread_rwlock_unlock(&s->lock);
	free_tokens(old.write);
	free_tokens(old.read);
	return 0;
}

/*
 * Open a listening socket for ADDR:PORT, [V6]:PORT or PORT (loopback);
 * fills url with what it serves.  Exits 2 on failure.
 */
static int
listen_on(const char *spec, char *url, size_t size, int *loopback)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[256], port[16], shown[INET6_ADDRSTRLEN];
	const char *colon;
	int fd = -1, one = 1, zero = 0, rc, saved = 0;

	if (strspn(spec, "0123456789") == strlen(spec) && *spec != '\0') {
		snprintf(host, sizeof(host), "127.0.0.1");
		snprintf(port, sizeof(port), "%s", spec);
	} else if (spec[0] == '[') {
		colon = strstr(spec, "]:");
		if (colon == NULL || (size_t)(colon - spec - 1) >= sizeof(host))
			cmd_usage_error("serve",
			    "--listen: '%s' is not [ADDRESS]:PORT", spec);
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec - 1),
		    spec + 1);
		snprintf(port, sizeof(port), "%.15s", colon + 2);
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL || colon == spec ||
		    (size_t)(colon - spec) >= sizeof(host))
			cmd_usage_error("serve",
			    "--listen: '%s' is not ADDRESS:PORT (e.g. "
			    "127.0.0.1:8080)",
			    spec);
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		snprintf(port, sizeof(port), "%.15s", colon + 1);
	}
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    atoi(port) > 65535)
		cmd_usage_error(
		    "serve", "--listen: '%s' has no valid port number", spec);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		fatalx(BENCH_EXIT_USAGE, "--listen: '%s': %s", host,
		    gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(
			    fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, LISTEN_BACKLOG) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fatalx(BENCH_EXIT_USAGE, "cannot listen on %s: %s", spec,
		    strerror(saved));
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		fatalx(BENCH_EXIT_USAGE, "getsockname: %s", strerror(errno));
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, shown, sizeof(shown));
		snprintf(url, size, "http://[%s]:%u/", shown,
		    (unsigned)ntohs(a->sin6_port));
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
		            (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) &&
		                a->sin6_addr.s6_addr[12] == 127);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, shown, sizeof(shown));
		snprintf(url, size, "http://%s:%u/", shown,
		    (unsigned)ntohs(a->sin_port));
		*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	return fd;
}

/*
 * Raise the soft limit of open files to the hard one, and lower
 * *max_conns to what the hard limit allows (with a warning).
 */
static void
raise_fd_limit(unsigned *max_conns, unsigned threads)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)*max_conns + FDS_SPARE(threads);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= need)
		return;
	if (rl.rlim_cur <= FDS_SPARE(threads) + 1)
		fatalx(BENCH_EXIT_USAGE,
		    "only %llu open files allowed (ulimit -n): too few to "
		    "serve",
		    (unsigned long long)rl.rlim_cur);
	warnf("--max-connections %u: only %llu open files allowed (ulimit "
	      "-n); serving at most %llu connections",
	    *max_conns, (unsigned long long)rl.rlim_cur,
	    (unsigned long long)(rl.rlim_cur - FDS_SPARE(threads)));
	*max_conns = (unsigned)(rl.rlim_cur - FDS_SPARE(threads));
}

static int
cmd_serve_exec(int argc, char **argv)
{
	struct server s;
	struct bench_error err;
	sigset_t set;
	const char *db = NULL, *listen_spec = "127.0.0.1:8080";
	char url[128], *announce = NULL;
	unsigned threads = 4, max_conns = SERVER_MAX_CONNECTIONS;
	unsigned max_per_addr = SERVER_MAX_PER_ADDRESS;
	double request_timeout = SERVER_REQUEST_TIMEOUT;
	int c, fd, status, quiet = 0, read_needs = 0, loopback = 0;
	size_t max_body = SERVER_MAX_BODY, nw, nr;
	double alpha = REPORT_CMP_ALPHA;
	int metric = CMP_M_WALL;

	optind = 1;
	opterr = 0;
	while (
	    (c = getopt_long(argc, argv, "+hqQ", serve_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_print_usage(serve_usage);
			exit(BENCH_EXIT_OK);
		case 'q':
			quiet = 1;
			break;
		case 'Q':
			quiet = 0;
			break;
		case OPT_ALPHA:
			alpha = cmd_parse_fraction("--alpha", optarg);
			break;
		case OPT_METRIC:
			metric = cmd_first_metric(
			    cmd_parse_metrics("serve", optarg, 1));
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_LISTEN:
			listen_spec = optarg;
			break;
		case OPT_TOKEN_FILE:
			write_file = optarg;
			break;
		case OPT_READ_TOKEN:
			read_needs = 1;
			break;
		case OPT_NO_READ_TOKEN:
			read_needs = 0;
			break;
		case OPT_READ_TOKEN_FILE:
			read_file = optarg;
			read_needs = 1;
			break;
		case OPT_MAX_BODY:
			max_body = parse_size(optarg);
			break;
		case OPT_THREADS:
			threads =
			    (unsigned)cmd_parse_count("--threads", optarg, 1);
			if (threads > 256)
				cmd_usage_error(
				    "serve", "--threads: at most 256");
			break;
		case OPT_MAX_CONNECTIONS:
			max_conns = (unsigned)cmd_parse_count(
			    "--max-connections", optarg, 2);
			if (max_conns > 1000000)
				cmd_usage_error("serve",
				    "--max-connections: at most 1000000");
			break;
		case OPT_MAX_PER_ADDRESS:
			max_per_addr = (unsigned)cmd_parse_count(
			    "--max-per-address", optarg, 1);
			if (max_per_addr > 1000000)
				cmd_usage_error("serve",
				    "--max-per-address: at most 1000000");
			break;
		case OPT_REQUEST_TIMEOUT:
			request_timeout =
			    cmd_parse_seconds("--request-timeout", optarg, 0.1);
			if (request_timeout > 86400)
				cmd_usage_error("serve",
				    "--request-timeout: at most a day "
				    "(86400s)");
			break;
		default:
			cmd_getopt_error("serve", argc, argv, c);
		}
	}
	if (optind < argc)
		cmd_usage_error("serve", "unexpected '%s'", argv[optind]);
	if (db == NULL)
		cmd_usage_error("serve",
		    "--db FILE is needed (the SQLite database; created when "
		    "missing)");
	if (read_needs && write_file == NULL && read_file == NULL)
		cmd_usage_error("serve",
		    "--read-token needs tokens: give --token-file or "
		    "--read-token-file");

	memset(&s, 0, sizeof(s));
	s.max_body = max_body;
	s.quiet = quiet;
	s.cmp.alpha = alpha;
	s.cmp.ci_level = REPORT_CMP_CI;
	raise_fd_limit(&max_conns, threads);
	s.max_conns = max_conns;
	s.max_per_addr = max_per_addr;
	s.request_timeout = request_timeout;
	s.cmp.metric = (enum cmp_measure)metric;
	pthread_rwlock_init(&s.lock, NULL);
	pthread_mutex_init(&s.log_lock, NULL);
	if (load_tokens(&s.tokens) != 0)
		exit(BENCH_EXIT_USAGE);
	s.tokens.read_needs = read_needs;
	check_mode(write_file);
	check_mode(read_file);

	fd = listen_on(listen_spec, url, sizeof(url), &loopback);
	s.db = server_db_open(db, &err);
	if (s.db == NULL)
		fatalx(BENCH_EXIT_USAGE, "%s", err.text);

	/* Before any thread exists, so that every thread inherits it. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (nw = 0; s.tokens.write != NULL && s.tokens.write[nw] != NULL; nw++)
		;
	for (nr = 0; s.tokens.read != NULL && s.tokens.read[nr] != NULL; nr++)
		;
	notef("database %s: %lld baseline%s", db, server_db_count(s.db),
	    server_db_count(s.db) == 1 ? "" : "s");
	if (nw == 0)
		notef("no --token-file: this server takes no uploads");
	else
		notef(
		    "uploads need one of %zu token%s", nw, nw == 1 ? "" : "s");
	if (read_needs)
		notef("reads need one of %zu token%s", nw + nr,
		    nw + nr == 1 ? "" : "s");
	else if (!loopback)
		warnf("reads are open to anyone who can reach %s "
		      "(--read-token closes them)",
		    url);
	xasprintf(&announce, "listening on %s", url);
	if (quiet)
		msgs_quiet = 1;

	status = server_run(&s, fd, threads, reload, announce);

	server_db_close(s.db);
	notef("stopped; the database is closed");
	free(announce);
	free_tokens(s.tokens.write);
	free_tokens(s.tokens.read);
	pthread_rwlock_destroy(&s.lock);
	pthread_mutex_destroy(&s.log_lock);
	return status;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve",
    .summary = "the results server: a JSON API and a web page (SQLite)",
    .exec = cmd_serve_exec,
};
