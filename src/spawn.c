/*
 * spawn.c: starting, timing and ending child processes.
 *
 * The one place that creates processes (wrapper mode aside, which replaces
 * itself with rustc).  A measured command runs in its own process group,
 * started with posix_spawn (vfork-fast) and reaped with wait4, which gives
 * the rusage of the child and of every descendant it waited for.
 *
 * We are a child subreaper: a descendant orphaned during a run becomes our
 * child, whatever its session or group (a setsid escapee included).  So
 * once the direct child has exited, every process left of its tree is a
 * child of ours.  Before a run's figures are closed we end them all
 * (SIGKILL) and reap them, adding their usage to that run: each run counts
 * its own tree, and nothing carries over into the next one.  Children we
 * had before spawn_init (inherited across the exec that started us) are
 * not the command's: we never signal them and never count them.
 *
 * While a command runs we sit in waitid.  Nothing else happens unless a
 * signal arrives: the progress tick (a timer, only on a terminal), the
 * per-run deadline (a one-shot timer), SIGINT/SIGTERM/SIGHUP/SIGQUIT
 * (end the group), SIGTSTP (stop the group, then ourselves) or SIGCONT
 * (resume the group).  The handlers do the urgent part themselves with
 * async-signal-safe calls, so no signal can be lost between a check and
 * the wait.  An exit from anywhere (fatalx, out of memory, a usage error)
 * runs spawn_atexit, which ends whatever of the command still runs.
 */
#include <config.h>

#include <dirent.h>
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
#include "spawn-int.h"

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
/* The deadline fired before the child's pid was known. */
static volatile sig_atomic_t deadline_early;
/* We were stopped while the child ran (SIGTSTP, or SIGSTOP and SIGCONT). */
static volatile sig_atomic_t paused;

static timer_t tick_timer, deadline_timer;
static volatile sig_atomic_t timers_ready;

/* Opened once: every child's stdin is a dup of it. */
static int null_fd = -1;
/* Our working directory: a child that runs there needs no chdir. */
static char *start_dir;

/* Children we had before spawn_init: not the command's, never signalled. */
static pid_t *foreign;
static size_t n_foreign;

/* Set a timer (0, 0 disarms it); 0 or -1 with errno.  Signal-safe. */
static int
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
	return timer_settime(t, 0, &its, NULL);
}

/* arm() outside a signal handler: a failure is fatal. */
static void
xarm(timer_t t, double first, double interval)
{
	if (arm(t, first, interval) != 0)
		fatalx(BENCH_EXIT_USAGE, "timer_settime: %s", strerror(errno));
}

/*
 * End the running group: SIGTERM first, SIGKILL when that was done (or
 * when the grace timer cannot be armed).  Signal-safe.
 */
static void
end_group(void)
{
	pid_t pg = child_pgid;

	if (pg == 0)
		return;
	if (!term_sent) {
		term_sent = 1;
		(void)kill(-pg, SIGTERM);
		if (!timers_ready || arm(deadline_timer, KILL_GRACE, 0) != 0)
			(void)kill(-pg, SIGKILL);
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
	         si->si_value.sival_int == TIMER_DEADLINE) {
		if (child_pgid == 0) {
			/* Inside posix_spawn: spawn_run ends it next. */
			deadline_early = 1;
		} else {
			if (!term_sent)
				timed_out = 1;
			end_group();
		}
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

/* SIGCONT: we were stopped; the run's wall time is spoilt, resume it. */
static void
on_cont(int sig)
{
	int saved = errno;
	pid_t pg = child_pgid;

	(void)sig;
	if (pg != 0) {
		paused = 1;
		(void)kill(-pg, SIGCONT);
	}
	errno = saved;
}

/*
 * SIGTSTP (Ctrl-Z): stop the command's group too (it runs in a group of
 * its own, which the terminal does not reach), hold the deadline, stop
 * ourselves with the default action, and on SIGCONT undo all that.
 */
static void
on_stop(int sig)
{
	int saved = errno;
	pid_t pg = child_pgid;
	struct itimerspec zero, left;
	struct sigaction sa;
	sigset_t set;
	int held = 0;

	if (pg != 0) {
		paused = 1;
		(void)kill(-pg, SIGSTOP);
	}
	memset(&zero, 0, sizeof(zero));
	if (timers_ready &&
	    timer_settime(deadline_timer, 0, &zero, &left) == 0 &&
	    (left.it_value.tv_sec != 0 || left.it_value.tv_nsec != 0))
		held = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	(void)raise(sig); /* stopped here until SIGCONT */
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	(void)sigaction(sig, &sa, NULL);

	if (held)
		(void)timer_settime(deadline_timer, 0, &left, NULL);
	/*
	 * In an orphaned process group the kernel discards SIGTSTP and we
	 * were never stopped: resume the group all the same.
	 */
	pg = child_pgid;
	if (pg != 0)
		(void)kill(-pg, SIGCONT);
	errno = saved;
}

/* SIGPIPE: a closed stdout makes write fail with EPIPE instead. */
static void
on_pipe(int sig)
{
	(void)sig;
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

/* Install fn (or, when it is NULL, info with SA_SIGINFO) for sig. */
static void
handle(
    int sig, void (*fn)(int), void (*info)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	if (fn != NULL)
		sa.sa_handler = fn;
	else {
		sa.sa_flags |= SA_SIGINFO;
		sa.sa_sigaction = info;
	}
	if (sigaction(sig, &sa, NULL) != 0)
		fatalx(BENCH_EXIT_USAGE, "sigaction(SIG%s): %s",
		    spawn_signame(sig), strerror(errno));
}

/* Append the pids in text (space-separated) to *v; -1 when it is not that. */
static int
parse_pids(const char *text, pid_t **v, size_t *n, size_t *cap)
{
	const char *p = text;
	char *end;
	long pid;

	for (;;) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (*p == '\0')
			return 0;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (end == p || errno != 0 || pid <= 0 || pid == getpid() ||
		    (*end != ' ' && *end != '\n' && *end != '\0'))
			return -1;
		if (*n == *cap) {
			pid_t *nv;

			*cap = *cap == 0 ? 16 : 2 * *cap;
			nv = realloc(*v, *cap * sizeof(**v));
			if (nv == NULL)
				return -1;
			*v = nv;
		}
		(*v)[(*n)++] = (pid_t)pid;
		p = end;
	}
}

/*
 * Read a /proc file whole (it can exceed a page; read until EOF), NUL
 * terminated; NULL on failure.  Plain malloc: this runs at exit too, where
 * xmalloc's exit on failure must not happen.
 */
static char *
read_whole(const char *path)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap == 0 ? 8192 : 2 * cap;
			nb = realloc(buf, cap);
			if (nb == NULL)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/*
 * A process listed in our children files stays our child (a zombie at
 * worst) until we reap it, so its pid cannot be reused before we signal it.
 */
ssize_t
spawn_list_children(pid_t **pids)
{
	DIR *d;
	struct dirent *e;
	char path[300], *text;
	size_t n = 0, cap = 0;
	int bad = 0;

	*pids = NULL;
	d = opendir("/proc/self/task");
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
		    e->d_name);
		text = read_whole(path);
		if (text == NULL) {
			/* A thread that just ended has no file any more. */
			if (errno != ENOENT && errno != ESRCH)
				bad = 1;
			continue;
		}
		if (parse_pids(text, pids, &n, &cap) != 0)
			bad = 1;
		free(text);
	}
	closedir(d);
	if (bad) {
		free(*pids);
		*pids = NULL;
		return -1;
	}
	return (ssize_t)n;
}

/* Whether pid is one of the children we had before spawn_init. */
static int
is_foreign(pid_t pid)
{
	size_t i;

	for (i = 0; i < n_foreign; i++) {
		if (foreign[i] == pid)
			return 1;
	}
	return 0;
}

/* pid was reaped: if it was foreign, forget it (its pid may be reused). */
static int
take_foreign(pid_t pid)
{
	size_t i;

	for (i = 0; i < n_foreign; i++) {
		if (foreign[i] == pid) {
			foreign[i] = foreign[--n_foreign];
			return 1;
		}
	}
	return 0;
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

	if (run == NULL)
		return;
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

/* Reap pid (blocking), adding its usage to run unless it was foreign. */
static void
reap(pid_t pid, struct bench_run *run)
{
	struct rusage ru;
	int status;
	pid_t w;

	do
		w = wait4(pid, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	if (w == pid && !take_foreign(pid))
		add_usage(run, &ru);
}

/*
 * End and reap every child of ours but the foreign ones: what is left of
 * a run once its direct child has exited (orphans in its group, escapees
 * in groups and sessions of their own), with their usage added to run
 * (may be NULL).  Killing a child hands its own children to us, so it goes
 * round until none is left.  Returns how many were ended.
 */
static size_t
end_survivors(struct bench_run *run)
{
	static int warned;
	struct rusage ru;
	pid_t *pids, w;
	ssize_t n, i;
	size_t ended = 0, alive;
	int status;

	for (;;) {
		/* Zombies first; ECHILD (no child at all) is the usual case. */
		w = wait4(-1, &status, WNOHANG, &ru);
		if (w > 0) {
			if (!take_foreign(w))
				add_usage(run, &ru);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ended;
		n = spawn_list_children(&pids);
		if (n < 0) {
			if (!warned && run != NULL)
				warnf("cannot list our children in /proc "
				      "(%s): processes a command leaves "
				      "running cannot be ended",
				    strerror(errno));
			warned = 1;
			return ended;
		}
		alive = 0;
		for (i = 0; i < n; i++) {
			if (is_foreign(pids[i]))
				continue;
			(void)kill(pids[i], SIGKILL);
			alive++;
		}
		for (i = 0; i < n; i++) {
			if (!is_foreign(pids[i]))
				reap(pids[i], run);
		}
		free(pids);
		if (alive == 0)
			return ended; /* only foreign children are left */
		ended += alive;
	}
}

/* At exit, however it comes: nothing of the command may outlive us. */
static void
spawn_atexit(void)
{
	pid_t pg = child_pgid;

	if (pg != 0) {
		child_pgid = 0;
		(void)kill(-pg, SIGKILL);
	}
	(void)end_survivors(NULL);
}

void
spawn_init(void)
{
	pid_t *pids = NULL;
	ssize_t n;

	if (null_fd >= 0)
		return;
	/*
	 * Installed whatever we inherited: a script's background job starts
	 * with SIGINT and SIGQUIT ignored, and the command would otherwise
	 * never be ended by them.  SA_RESTART: the wait goes on after an
	 * interrupt; the handler has already told the group to end, so the
	 * wait returns when it has.
	 */
	handle(SIGINT, on_interrupt, NULL, SA_RESTART);
	handle(SIGTERM, on_interrupt, NULL, SA_RESTART);
	handle(SIGHUP, on_interrupt, NULL, SA_RESTART);
	handle(SIGQUIT, on_interrupt, NULL, SA_RESTART);
	handle(SIGTSTP, on_stop, NULL, SA_RESTART);
	handle(SIGCONT, on_cont, NULL, SA_RESTART);
	/*
	 * A handler, not SIG_IGN: a closed stdout (bench-tests | head) is an
	 * EPIPE for us, not the end of the measurement, while the children
	 * get the default action back at exec (a parent that ignores SIGPIPE,
	 * as some CI runners do, must not change how the test suite behaves).
	 */
	handle(SIGPIPE, on_pipe, NULL, SA_RESTART);
	/* No SA_RESTART: the tick must bring us out of the wait. */
	handle(SIGALRM, NULL, on_alarm, 0);

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		fatalx(BENCH_EXIT_USAGE, "/dev/null: %s", strerror(errno));
	start_dir = file_realpath(".");

	make_timer(&tick_timer, TIMER_TICK);
	make_timer(&deadline_timer, TIMER_DEADLINE);
	timers_ready = 1;

	/* Children inherited across the exec that started us are not ours. */
	n = spawn_list_children(&pids);
	if (n > 0) {
		foreign = pids;
		n_foreign = (size_t)n;
	} else
		free(pids);
	/* Adopt descendants orphaned during a run, to count and end them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		warnf("cannot become a child subreaper (%s): processes that "
		      "leave the command's group cannot be counted or ended",
		    strerror(errno));
	if (atexit(spawn_atexit) != 0)
		fatalx(BENCH_EXIT_USAGE, "atexit failed");
}

int
spawn_interrupted(void)
{
	return interrupted;
}

const char *
spawn_signame(int sig)
{
	const char *name = sigabbrev_np(sig);

	return name != NULL ? name : "?";
}

int
spawn_run(const struct spawn_opts *o, struct bench_run *run)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	siginfo_t si;
	struct rusage ru;
	double t0, t1;
	int status = 0, rc, use_tick;
	pid_t pid;

	memset(run, 0, sizeof(*run));
	if (o->note != NULL)
		memset(o->note, 0, sizeof(*o->note));
	if (null_fd < 0)
		fatalx(BENCH_EXIT_USAGE, "spawn_run before spawn_init");
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/*
	 * Everything here runs in the child between spawn and exec, inside
	 * the timed interval: a few dup2 calls and setpgid, nothing more.
	 * stdin is never the terminal (a background group reading it stops).
	 */
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
	deadline_early = 0;
	paused = 0;
	use_tick = o->tick > 0 && o->on_tick != NULL;
	if (use_tick)
		xarm(tick_timer, o->tick, o->tick);
	if (o->timeout > 0)
		xarm(deadline_timer, o->timeout, 0);

	t0 = mono_now();
	rc = posix_spawnp(&pid, o->argv[0], &fa, &attr, o->argv,
	    o->envp != NULL ? o->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		xarm(tick_timer, 0, 0);
		xarm(deadline_timer, 0, 0);
		errno = rc;
		return -1;
	}
	child_pgid = pid;
	/*
	 * A signal or a deadline that came before child_pgid was set found
	 * nothing to end (a timeout shorter than posix_spawn itself).
	 */
	if (deadline_early && !term_sent)
		timed_out = 1;
	if ((interrupted && !o->after_interrupt) || deadline_early)
		end_group();

	/*
	 * waitid with WNOWAIT: the direct child stays a zombie, so its group
	 * id cannot be reused while we end what is left of the group.
	 */
	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0) {
			if (si.si_pid == pid)
				break;
			/* An orphaned descendant we adopted, or a foreign one.
			 */
			reap(si.si_pid, run);
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
		fatalx(BENCH_EXIT_USAGE, "waitid: %s", strerror(errno));
	}
	t1 = mono_now();
	/* From here on the handlers leave the group alone. */
	child_pgid = 0;
	if (use_tick)
		xarm(tick_timer, 0, 0);
	if (o->timeout > 0 || term_sent)
		xarm(deadline_timer, 0, 0);

	/* Outside the timed interval: what is left of the tree. */
	(void)kill(-pid, SIGKILL);
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	run->wall = t1 - t0;
	add_usage(run, &ru);
	{
		size_t ended = end_survivors(run);

		if (o->note != NULL) {
			o->note->survivors = ended;
			o->note->paused = paused;
		}
	}
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

int
spawn_cleanup(char *const *argv, const char *dir)
{
	struct bench_run run;
	struct spawn_opts o = {.argv = argv,
	    .dir = dir,
	    .out_fd = null_fd,
	    .err_fd = null_fd,
	    .after_interrupt = 1};

	if (spawn_run(&o, &run) != 0)
		return -1;
	return run.signal != 0 ? 128 + run.signal : run.exit_code;
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
	if (run->timed_out && run->signal != 0)
		snprintf(buf, size, "timed out and was ended (SIG%s)",
		    spawn_signame(run->signal));
	else if (run->timed_out)
		snprintf(buf, size, "timed out and was ended (exited)");
	else if (run->signal != 0)
		snprintf(buf, size, "was killed by signal %d (SIG%s)",
		    run->signal, spawn_signame(run->signal));
	else
		snprintf(buf, size, "exited with status %d", run->exit_code);
	return buf;
}
