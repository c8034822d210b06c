/*
 * mmprof-bench.c: speed and memory of the self-profile reader on one file,
 * next to `cat FILE >/dev/null`.
 *
 * Usage: mmprof-bench [-n RUNS] [-t TASK] FILE
 *
 * Every measurement runs in a child process, so that its peak RSS
 * (ru_maxrss from wait4) is its own.  The file is read once first, so all
 * runs find it in the page cache.  Prints, per task, the median wall time
 * over RUNS, the throughput in MB/s (10^6 bytes) and the largest peak RSS.
 * The reader maps the file: its peak RSS counts the file pages it touched,
 * so "rss_anon" also gives the reader's own (anonymous) resident memory,
 * sampled at the end of the summary, before it is freed.  With -t, only
 * the named task is run (the file is still read once first), which helps
 * when profiling one task with perf(1).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmprof.h"

#define MAX_RUNS 64

enum task { T_CAT, T_IDENTITY, T_SUMMARY, T_ITEMS, N_TASKS };

static const char *const task_names[N_TASKS] = {
    "cat", "identity", "summarize", "summarize+items"};

struct result {
	double secs;
	long maxrss_kb;
	long anon_kb;
	uint64_t events;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
status_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(fp);
	return v;
}

/* The child's work; writes events and anonymous RSS to fd. */
static int
child(enum task t, const char *path, int fd)
{
	struct mmprof_file *f;
	struct mmprof_summary *s;
	struct mmprof_identity *id;
	struct bench_error err;
	long anon;
	uint64_t events = 0;
	char buf[64];

	if (t == T_CAT) {
		execlp("sh", "sh", "-c", "exec cat \"$0\" >/dev/null", path,
		    (char *)NULL);
		_exit(127);
	}
	if (t == T_IDENTITY) {
		if (mmprof_read_identity(path, &id, &err) != 0) {
			fprintf(
			    stderr, "mmprof-bench: %s: %s\n", path, err.text);
			return 1;
		}
		anon = status_kb("RssAnon");
		mmprof_identity_free(id);
	} else {
		if (mmprof_open(path, &f, &err) != 0 ||
		    mmprof_summarize(
		        f, t == T_ITEMS ? MMPROF_ITEMS : 0, &s, &err) != 0) {
			fprintf(
			    stderr, "mmprof-bench: %s: %s\n", path, err.text);
			return 1;
		}
		events = s->n_events;
		anon = status_kb("RssAnon");
		mmprof_summary_free(s);
		mmprof_close(f);
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 " %ld\n", events, anon);
	if (write(fd, buf, strlen(buf)) < 0)
		return 1;
	return 0;
}

static int
measure(enum task t, const char *path, struct result *r)
{
	struct rusage ru;
	char buf[64];
	double t0;
	pid_t pid;
	ssize_t n;
	int fds[2], st;

	if (pipe(fds) != 0)
		return -1;
	t0 = now();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		_exit(child(t, path, fds[1]));
	}
	close(fds[1]);
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		close(fds[0]);
		return -1;
	}
	r->secs = now() - t0;
	r->maxrss_kb = ru.ru_maxrss;
	r->anon_kb = -1;
	r->events = 0;
	n = read(fds[0], buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		sscanf(buf, "%" SCNu64 " %ld", &r->events, &r->anon_kb);
	}
	close(fds[0]);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct result r;
	struct stat sb;
	double secs[MAX_RUNS], med, mb;
	char anon_s[32];
	long rss, anon;
	uint64_t events;
	int runs = 5, only = -1, opt, i, t;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 't') {
			for (t = 0; t < N_TASKS; t++)
				if (strcmp(optarg, task_names[t]) == 0)
					only = t;
			if (only < 0)
				goto usage;
		} else
			goto usage;
	}
	if (optind + 1 != argc || runs < 1 || runs > MAX_RUNS)
		goto usage;
	if (stat(argv[optind], &sb) != 0) {
		fprintf(stderr, "mmprof-bench: %s: %s\n", argv[optind],
		    strerror(errno));
		return 2;
	}
	mb = (double)sb.st_size / 1e6;
	if (measure(T_CAT, argv[optind], &r) != 0) /* warm the page cache */
		return 2;
	printf("file %s: %.1f MB\n", argv[optind], mb);
	printf("%-16s %9s %9s %12s %12s %10s\n", "task", "median_s", "MB/s",
	    "peak_rss_MB", "rss_anon_MB", "events");
	for (t = 0; t < N_TASKS; t++) {
		if (only >= 0 && t != only)
			continue;
		rss = 0;
		anon = -1;
		events = 0;
		for (i = 0; i < runs; i++) {
			if (measure((enum task)t, argv[optind], &r) != 0) {
				fprintf(stderr, "mmprof-bench: %s failed\n",
				    task_names[t]);
				return 1;
			}
			secs[i] = r.secs;
			if (r.maxrss_kb > rss)
				rss = r.maxrss_kb;
			if (r.anon_kb > anon)
				anon = r.anon_kb;
			events = r.events;
		}
		qsort(secs, (size_t)runs, sizeof(secs[0]), cmp_double);
		med = secs[runs / 2];
		if (anon >= 0)
			snprintf(anon_s, sizeof(anon_s), "%.1f",
			    (double)anon / 1024.0);
		else
			snprintf(anon_s, sizeof(anon_s), "-");
		printf("%-16s %9.4f %9.0f %12.1f %12s %10" PRIu64 "\n",
		    task_names[t], med, mb / med, (double)rss / 1024.0, anon_s,
		    events);
	}
	return 0;
usage:
	fprintf(stderr, "usage: mmprof-bench [-n RUNS] [-t TASK] FILE\n"
	                "tasks: cat, identity, summarize, summarize+items\n");
	return 2;
}
