/*
 * spawn.c: starting, timing and ending child processes.
 *
 * The one place that creates processes (wrapper mode aside, which replaces
 * itself with rustc).  A measured command runs in its own process group,
 * started with posix_spawn (vfork-fast) and reaped with wait4, which gives
 * the rusage of the child and of every descendant it waited for.  We are a
 * child subreaper, so descendants orphaned during a run are reaped here too
 * and their usage is added to the run.
 *
 * While a command runs we sit in wait4.  Nothing else happens unless a
 * signal arrives: the progress tick (a timer, only on a terminal), the
 * per-run deadline (a one-shot timer), or SIGINT/SIGTERM/SIGHUP.  The
 * handlers do the urgent part themselves with async-signal-safe calls
 * (kill the group, arm the grace timer), so no signal can be lost between a
 * check and the wait.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

/* Seconds between SIGTERM and SIGKILL when ending a group. */
#define KILL_GRACE 2.0

enum timer_kind { TIMER_TICK = 1, TIMER_DEADLINE = 2 };

/* State shared with the signal handlers. */
static volatile sig_atomic_t child_pgid; /* 0 when no child runs */
static volatile sig_atomic_t term_sent;  /* SIGTERM sent to the group */
static volatile sig_atomic_t timed_out;
static volatile sig_atomic_t tick_due;
static volatile sig_atomic_t interrupted; /* the signal number */

static timer_t tick_timer, deadline_timer;
static int timers_ready;

/* Opened once: every child's stdin is a dup of it. */
static int null_fd = -1;
/* Our working directory: a child that runs there needs no chdir. */
static char *start_dir;

static void
arm(timer_t t, double first, double interval)
{
	struct itimerspec its;

	its.it_value.tv_sec = (time_t)first;
	its.it_value.tv_nsec = (long)((first - (double)(time_t)first) * 1e9);
	if (first > 0 && its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	its.it_interval.tv_sec = (time_t)interval;
	its.it_interval.tv_nsec =
	    (long)((interval - (double)(time_t)interval) * 1e9);
	(void)timer_settime(t, 0, &its, NULL);
}

/* End the running group: SIGTERM first, SIGKILL when that was done. */
static void
end_group(void)
{
	pid_t pg = child_pgid;

	if (pg == 0)
		return;
	if (!term_sent) {
		term_sent = 1;
		(void)kill(-pg, SIGTERM);
		if (timers_ready)
			arm(deadline_timer, KILL_GRACE, 0);
	} else
		(void)kill(-pg, SIGKILL);
}

static void
on_alarm(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)sig;
	(void)uc;
	if (si->si_code == SI_TIMER && si->si_value.sival_int == TIMER_TICK)
		tick_due = 1;
	else if (si->si_code == SI_TIMER &&
	         si->si_value.sival_int == TIMER_DEADLINE && child_pgid != 0) {
		if (!term_sent)
			timed_out = 1;
		end_group();
	}
	errno = saved;
}

static void
on_interrupt(int sig)
{
	int saved = errno;

	interrupted = sig;
	end_group();
	errno = saved;
}

static void
make_timer(timer_t *t, int kind)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	sev.sigev_value.sival_int = kind;
	if (timer_create(CLOCK_MONOTONIC, &sev, t) != 0)
		fatalx(BENCH_EXIT_USAGE, "timer_create: %s", strerror(errno));
}

void
spawn_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/*
	 * SA_RESTART: wait4 goes on after an interrupt; the handler has
	 * already told the group to end, so wait4 returns when it has.
	 */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* No SA_RESTART: the tick must bring us out of wait4 to draw. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_alarm;
	sigaction(SIGALRM, &sa, NULL);

	/*
	 * Children inherit ignored signals: a parent that ignores SIGPIPE
	 * (some CI runners do) must not change how the test suite behaves.
	 */
	signal(SIGPIPE, SIG_DFL);

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		fatalx(BENCH_EXIT_USAGE, "/dev/null: %s", strerror(errno));
	start_dir = file_realpath(".");

	make_timer(&tick_timer, TIMER_TICK);
	make_timer(&deadline_timer, TIMER_DEADLINE);
	timers_ready = 1;

	/* Adopt descendants orphaned during a run, to count and end them. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int
spawn_interrupted(void)
{
	return interrupted;
}

double
spawn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double
tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

/* Add a reaped process's usage to run (max RSS is a maximum, not a sum). */
static void
add_usage(struct bench_run *run, const struct rusage *ru)
{
	int64_t rss = (int64_t)ru->ru_maxrss * 1024;

	run->user += tv_seconds(&ru->ru_utime);
	run->sys += tv_seconds(&ru->ru_stime);
	if (rss > run->max_rss)
		run->max_rss = rss;
	run->minor_faults += ru->ru_minflt;
	run->major_faults += ru->ru_majflt;
	run->vol_switches += ru->ru_nvcsw;
	run->invol_switches += ru->ru_nivcsw;
	run->block_in += ru->ru_inblock;
	run->block_out += ru->ru_oublock;
}

/* Kill what is left of a finished group and reap it (bounded wait). */
static void
end_stragglers(pid_t pg, struct bench_run *run)
{
	struct rusage ru;
	struct timespec ms = {0, 1000000};
	int status, i;
	pid_t w;

	if (kill(-pg, 0) != 0)
		return;
	(void)kill(-pg, SIGKILL);
	for (i = 0; i < 2000 && kill(-pg, 0) == 0; i++) {
		w = wait4(-1, &status, WNOHANG, &ru);
		if (w > 0) {
			if (run != NULL)
				add_usage(run, &ru);
			continue;
		}
		nanosleep(&ms, NULL);
	}
}

int
spawn_run(const struct spawn_opts *o, struct bench_run *run)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	struct rusage ru;
	double t0, t1;
	int status = 0, rc, use_tick;
	pid_t pid, w;

	memset(run, 0, sizeof(*run));
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/*
	 * Everything here runs in the child between spawn and exec, inside
	 * the timed interval: a few dup2 calls and setpgid, nothing more.
	 * stdin is never the terminal (a background group reading it stops).
	 */
	if (null_fd < 0)
		fatalx(BENCH_EXIT_USAGE, "spawn_run before spawn_init");
	posix_spawn_file_actions_adddup2(&fa, null_fd, 0);
	if (o->out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->out_fd, 1);
	if (o->err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->err_fd, 2);
	if (o->dir != NULL &&
	    (start_dir == NULL || strcmp(o->dir, start_dir) != 0))
		posix_spawn_file_actions_addchdir_np(&fa, o->dir);
	/* Handlers reset on exec by themselves; the mask must be empty. */
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(
	    &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);

	term_sent = 0;
	timed_out = 0;
	tick_due = 0;
	use_tick = o->tick > 0 && o->on_tick != NULL;
	if (use_tick)
		arm(tick_timer, o->tick, o->tick);
	if (o->timeout > 0)
		arm(deadline_timer, o->timeout, 0);

	t0 = spawn_now();
	rc = posix_spawnp(&pid, o->argv[0], &fa, &attr, o->argv,
	    o->envp != NULL ? o->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		arm(tick_timer, 0, 0);
		arm(deadline_timer, 0, 0);
		errno = rc;
		return -1;
	}
	child_pgid = pid;
	/* A signal that came before child_pgid was set found nothing to end. */
	if (interrupted)
		end_group();

	for (;;) {
		w = wait4(-1, &status, 0, &ru);
		if (w == pid)
			break;
		if (w > 0) {
			/* An orphaned descendant we adopted. */
			add_usage(run, &ru);
			continue;
		}
		if (errno == EINTR) {
			if (tick_due) {
				tick_due = 0;
				o->on_tick(o->arg);
			}
			continue;
		}
		/* ECHILD cannot happen while pid is ours; do not spin. */
		fatalx(BENCH_EXIT_USAGE, "wait4: %s", strerror(errno));
	}
	t1 = spawn_now();
	child_pgid = 0;
	if (use_tick)
		arm(tick_timer, 0, 0);
	if (o->timeout > 0 || term_sent)
		arm(deadline_timer, 0, 0);

	run->wall = t1 - t0;
	add_usage(run, &ru);
	end_stragglers(pid, run);
	run->timed_out = timed_out;
	if (WIFSIGNALED(status)) {
		run->signal = WTERMSIG(status);
		run->exit_code = -1;
	} else
		run->exit_code = WEXITSTATUS(status);
	return 0;
}

char *
spawn_capture(
    char *const *argv, const char *dir, size_t max, double timeout, int *status)
{
	struct bench_run run;
	FILE *f;
	char *out = NULL;
	ssize_t got;
	int fd;

	f = tmpfile();
	if (f == NULL)
		return NULL;
	fd = fileno(f);
	{
		struct spawn_opts o = {.argv = argv,
		    .dir = dir,
		    .out_fd = fd,
		    .err_fd = null_fd,
		    .timeout = timeout};

		if (spawn_run(&o, &run) != 0)
			goto out;
	}
	if (status != NULL)
		*status = run.signal != 0 ? 128 + run.signal : run.exit_code;
	out = xmalloc(max + 1);
	got = pread(fd, out, max, 0);
	out[got > 0 ? got : 0] = '\0';
out:
	fclose(f);
	return out;
}

void
spawn_reap_all(void)
{
	char path[64], buf[4096];
	struct rusage ru;
	int status, fd, round;
	ssize_t n;
	char *p, *end;
	long pid;

	/*
	 * Adopted descendants that escaped their group (setsid) are listed
	 * in our children file; end them so nothing outlives us.
	 */
	for (round = 0; round < 3; round++) {
		snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
		    (long)getpid(), (long)getpid());
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = '\0';
		for (p = buf; *p != '\0'; p = end) {
			pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0)
				(void)kill((pid_t)pid, SIGKILL);
		}
		while (wait4(-1, &status, 0, &ru) > 0 || errno == EINTR)
			;
	}
}

int
spawn_in_path(const char *name)
{
	const char *path, *p, *colon;
	char *full = NULL;
	struct stat st;
	int found = 0;

	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0;
	path = getenv("PATH");
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; !found; p = colon + 1) {
		colon = strchr(p, ':');
		if (colon == NULL)
			colon = p + strlen(p);
		xasprintf(&full, "%.*s/%s", (int)(colon - p),
		    colon == p ? "." : p, name);
		found = stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		        access(full, X_OK) == 0;
		free(full);
		if (*colon == '\0')
			break;
	}
	return found;
}

const char *
spawn_describe(const struct bench_run *run, char *buf, size_t size)
{
	if (run->timed_out)
		snprintf(buf, size, "timed out and was ended (%s)",
		    run->signal != 0 ? sigabbrev_np(run->signal) : "exited");
	else if (run->signal != 0)
		snprintf(buf, size, "was killed by signal %d (SIG%s)",
		    run->signal,
		    sigabbrev_np(run->signal) != NULL
		        ? sigabbrev_np(run->signal)
		        : "?");
	else
		snprintf(buf, size, "exited with status %d", run->exit_code);
	return buf;
}
