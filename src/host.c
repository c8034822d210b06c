/*
 * host.c: the canonical conditions of a measurement: what machine, what
 * toolchain, what commit, and what else is running.
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* A 1-minute load above this many runnable tasks per core is "high". */
#define HIGH_LOAD_PER_CORE 0.5

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The value of the first "key<sep>value" line of a file, or NULL. */
static char *
file_field(const char *path, const char *key, char sep)
{
	char *text, *line, *save = NULL, *p, *val = NULL;
	size_t klen = strlen(key);

	text = file_read(path, 1 << 20, NULL);
	if (text == NULL)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) != 0)
			continue;
		p = line + klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != sep)
			continue;
		val = xstrdup(trim(p + 1));
		break;
	}
	free(text);
	return val;
}

void
host_loadavg(double load[3])
{
	if (getloadavg(load, 3) != 3)
		load[0] = load[1] = load[2] = NAN;
}

/* The CPU frequency governor: one name, "mixed", or NULL if unreadable. */
static char *
read_governor(void)
{
	char path[96], *g, *first = NULL;
	int cpu, mixed = 0;

	for (cpu = 0; cpu < 4096; cpu++) {
		snprintf(path, sizeof(path),
		    "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
		    cpu);
		g = file_read(path, 256, NULL);
		if (g == NULL) {
			if (errno == ENOENT && cpu > 0)
				break;
			continue;
		}
		trim(g);
		if (first == NULL)
			first = xstrdup(trim(g));
		else if (strcmp(first, trim(g)) != 0)
			mixed = 1;
		free(g);
	}
	if (mixed) {
		free(first);
		return xstrdup("mixed");
	}
	return first;
}

void
host_probe(struct bench_env *env)
{
	struct utsname u;
	char host[256], *mem, *os;
	long n;

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		env->hostname = xstrdup(host);
	}
	if (uname(&u) == 0) {
		xasprintf(&env->kernel, "%s %s", u.sysname, u.release);
		env->arch = xstrdup(u.machine);
	}
	os = file_field("/etc/os-release", "PRETTY_NAME", '=');
	if (os != NULL) {
		size_t len = strlen(os);

		if (len >= 2 && os[0] == '"' && os[len - 1] == '"') {
			env->os = xstrndup(os + 1, len - 2);
			free(os);
		} else
			env->os = os;
	}
	env->cpu_model = file_field("/proc/cpuinfo", "model name", ':');
	n = sysconf(_SC_NPROCESSORS_ONLN);
	env->cpu_cores = n > 0 ? (int)n : 0;
	mem = file_field("/proc/meminfo", "MemTotal", ':');
	if (mem != NULL) {
		env->memory_bytes = strtoll(mem, NULL, 10) * 1024;
		free(mem);
	}
	env->governor = read_governor();
	host_loadavg(env->load_before);
	env->load_after[0] = env->load_after[1] = env->load_after[2] = NAN;
}

/* The first line of s, as a new string. */
static char *
first_line(const char *s)
{
	return xstrndup(s, strcspn(s, "\n"));
}

void
host_probe_toolchain(struct bench_env *env, const char *dir)
{
	char *argv_rustc[] = {
	    "rustc",
	    "-vV",
	    NULL,
	};
	char *argv_cargo[] = {
	    "cargo",
	    "-V",
	    NULL,
	};
	char *argv_head[] = {
	    "git",
	    "rev-parse",
	    "--verify",
	    "-q",
	    "HEAD",
	    NULL,
	};
	char *argv_status[] = {
	    "git",
	    "status",
	    "--porcelain",
	    "--ignore-submodules=dirty",
	    NULL,
	};
	char *out;
	int status;

	/* In the workspace, so that its rust-toolchain file applies. */
	if (spawn_in_path("rustc")) {
		out = spawn_capture(argv_rustc, dir, 8192, 30, &status);
		if (out != NULL && status == 0 && out[0] != '\0') {
			env->rustc = first_line(out);
			env->rustc_verbose = xstrdup(trim(out));
		}
		free(out);
	}
	if (spawn_in_path("cargo")) {
		out = spawn_capture(argv_cargo, dir, 4096, 30, &status);
		if (out != NULL && status == 0 && out[0] != '\0')
			env->cargo = first_line(out);
		free(out);
	}
	if (spawn_in_path("git")) {
		out = spawn_capture(argv_head, dir, 256, 30, &status);
		if (out != NULL && status == 0 && out[0] != '\0') {
			env->git_commit = xstrdup(trim(out));
			free(out);
			out = spawn_capture(
			    argv_status, dir, 1 << 16, 30, &status);
			env->git_dirty =
			    out == NULL || status != 0 ? -1 : out[0] != '\0';
		}
		free(out);
	}
}

/* The parent of pid from /proc/PID/stat, 0 when unknown. */
static long
parent_of(long pid)
{
	char path[64], *stat, *p;
	long ppid = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	stat = file_read(path, 4096, NULL);
	if (stat == NULL)
		return 0;
	/* "pid (comm) state ppid ...": comm may hold spaces and parens. */
	p = strrchr(stat, ')');
	if (p != NULL)
		sscanf(p + 1, " %*c %ld", &ppid);
	free(stat);
	return ppid;
}

/*
 * Count processes named cargo, rustc or rustdoc, and list the first few in
 * names.  Our ancestors do not count: bench-tests may itself run under cargo.
 */
static int
count_toolchain_processes(char *names, size_t size)
{
	DIR *d;
	struct dirent *de;
	char path[300], *comm;
	int count = 0, i, n_anc = 0;
	long pid, anc[64];

	for (pid = (long)getpid(); pid > 1 && n_anc < 64; pid = parent_of(pid))
		anc[n_anc++] = pid;

	names[0] = '\0';
	d = opendir("/proc");
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		for (i = 0; i < n_anc && anc[i] != pid; i++)
			;
		if (i < n_anc)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		comm = file_read(path, 256, NULL);
		if (comm == NULL)
			continue;
		trim(comm);
		if (strcmp(comm, "cargo") == 0 || strcmp(comm, "rustc") == 0 ||
		    strcmp(comm, "rustdoc") == 0) {
			size_t len = strlen(names);

			if (count < 5)
				snprintf(names + len, size - len, "%s%s (%ld)",
				    count > 0 ? ", " : "", comm, pid);
			count++;
		}
		free(comm);
	}
	closedir(d);
	return count;
}

int
host_check(struct bench_env *env)
{
	char names[512], *msg = NULL;
	int found = 0, n;
	double limit;

	n = count_toolchain_processes(names, sizeof(names));
	if (n > 0) {
		xasprintf(&msg, "%d other cargo/rustc process%s running: %s%s",
		    n, n == 1 ? " is" : "es are", names, n > 5 ? ", ..." : "");
		report_env_warn(env, msg);
		free(msg);
		found++;
	}
	if (env->governor != NULL &&
	    strcmp(env->governor, "performance") != 0) {
		xasprintf(&msg,
		    "CPU frequency governor is '%s', not "
		    "'performance': expect more variance",
		    env->governor);
		report_env_warn(env, msg);
		free(msg);
		found++;
	}
	limit = HIGH_LOAD_PER_CORE * (env->cpu_cores > 0 ? env->cpu_cores : 1);
	if (limit < 1.0)
		limit = 1.0;
	if (isfinite(env->load_before[0]) && env->load_before[0] > limit) {
		xasprintf(&msg,
		    "load average is high (%.2f over 1 minute, "
		    "%d cores): the machine is busy",
		    env->load_before[0], env->cpu_cores);
		report_env_warn(env, msg);
		free(msg);
		found++;
	}
	return found;
}

char *
host_uuid(void)
{
	unsigned char b[16];
	char *s = NULL;
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(b)) {
		n = getrandom(b + got, sizeof(b) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fatalx(
			    BENCH_EXIT_USAGE, "getrandom: %s", strerror(errno));
		got += (size_t)n;
	}
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	xasprintf(&s,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
	return s;
}

char *
host_now_iso8601(void)
{
	char buf[32];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}
