/*
 * behave.c: a program whose behaviour is known, for the integration tests.
 *
 *   behave user SECONDS      burn SECONDS of user CPU time
 *   behave sys SECONDS       burn SECONDS of system CPU time
 *   behave sleep SECONDS     sleep, using no CPU
 *   behave fork-user SECONDS a child burns SECONDS of user CPU; we wait
 *   behave alloc MIB         touch MIB mebibytes of memory, then exit
 *   behave exit CODE         exit with CODE
 *   behave signal SIG        kill ourselves with signal number SIG
 *   behave hang PIDFILE      write our pid (and a child's) to PIDFILE, then
 *                            sleep forever, ignoring SIGTERM
 *   behave orphan PIDFILE    fork a grandchild that outlives us (it sleeps
 *                            forever in our process group); write its pid
 *   behave escape PIDFILE    like orphan, plus a child that leaves our
 *                            session (setsid) and sleeps forever; both
 *                            pids are written.  Orphan and escape first
 *                            exit 1 if a pid in PIDFILE is still alive: a
 *                            previous run's leftover was not ended
 *   behave escape-user SECONDS  a child leaves our session (setsid) and
 *                            burns SECONDS of user CPU; then we exit while
 *                            it burns 3 x SECONDS more before it exits
 *   behave pidlog FILE SECONDS  append our pid to FILE, then sleep
 *   behave alternate FILE A B   sleep A seconds on odd calls, B on even
 *                            ones (a counter is kept in FILE)
 *   behave first FILE A B    sleep A seconds on the first call, B after
 *   behave noisy-sleep FILE BASE SPREAD
 *                            sleep BASE + SPREAD u seconds, u uniform in
 *                            [0, 1) from a pseudo-random sequence: FILE
 *                            holds "SEED COUNT" (a missing file is seed 0),
 *                            and call COUNT of seed SEED always draws the
 *                            same u, so a test's noise is known and
 *                            repeatable
 *   behave spin MILLIONS     a fixed amount of work: MILLIONS million
 *                            steps of a loop (its wall time grows with
 *                            the machine's load, unlike user's)
 *   behave sleep-spin SECONDS MILLIONS
 *                            sleep, then spin: a run part waiting, part
 *                            working, whose working part the load stretches
 *   behave burner SECONDS SEED [PROCS [FILE]]
 *                            a drifting background load for SECONDS:
 *                            PROCS processes (1) burn CPU and rest in
 *                            turns of random length (2-6 s each, the same
 *                            for all), from a pseudo-random sequence
 *                            seeded with SEED; they die with their parent.
 *                            With FILE, the first writes the load's effect
 *                            there at each turn: 1.1 while they burn, 1
 *                            while they rest (for drift-sleep)
 *   behave drift-sleep FILE SECONDS
 *                            sleep SECONDS times the factor in FILE (1 when
 *                            missing): a waiting program the burner's
 *                            turns stretch by a known 10 %, which its CPU
 *                            load alone would not
 *   behave burn-noisy FILE CPU BASE SPREAD
 *                            burn CPU seconds of user time, then sleep as
 *                            noisy-sleep does (a steady CPU time under a
 *                            noisy wall time)
 *
 * CPU burning measures its own rusage, so the time burnt is what was asked
 * whatever else the machine does.  Built without sanitizers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The monotonic clock in seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Replace path's content with factor (a new file renamed over it). */
static void
write_factor(const char *path, double factor)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f, "%g\n", factor);
	if (fclose(f) == 0)
		rename(tmp, path);
}

/* A fixed amount of work: millions million steps of a loop. */
static void
spin(double millions)
{
	volatile uint64_t x = 0;
	uint64_t i, n = (uint64_t)(millions * 1e6);

	for (i = 0; i < n; i++)
		x = x + i;
}

static double
cpu(int user)
{
	struct rusage ru;
	struct timeval *tv;

	getrusage(RUSAGE_SELF, &ru);
	tv = user ? &ru.ru_utime : &ru.ru_stime;
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

static volatile unsigned long sink;

/* Never inlined: bench-tests flame must find it by name (test_flame). */
static __attribute__((noinline)) void
burn_user(double seconds)
{
	unsigned long i, x = 1;

	while (cpu(1) < seconds) {
		for (i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		sink = x;
	}
}

static void
burn_sys(double seconds)
{
	static char buf[1 << 20];
	int fd = open("/dev/zero", O_RDONLY);

	if (fd < 0) {
		perror("/dev/zero");
		exit(99);
	}
	/* Reading /dev/zero is a kernel memset: nearly all system time. */
	while (cpu(0) < seconds) {
		if (read(fd, buf, sizeof(buf)) < 0) {
			perror("read");
			exit(99);
		}
	}
	close(fd);
}

static void
sleep_for(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* splitmix64: a good 64-bit mix of a counter (Steele, Lea, Flood 2014). */
static uint64_t
mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The next u in [0, 1) of the sequence kept in path ("SEED COUNT"). */
static double
next_noise(const char *path)
{
	unsigned long long seed = 0, count = 0;
	FILE *f = fopen(path, "r+");
	uint64_t z;

	if (f == NULL)
		f = fopen(path, "w+");
	if (f == NULL) {
		perror(path);
		exit(95);
	}
	if (fscanf(f, "%llu %llu", &seed, &count) < 1)
		seed = count = 0;
	rewind(f);
	fprintf(f, "%llu %llu\n", seed, count + 1);
	fclose(f);
	z = mix64(mix64(seed) ^ count);
	return (double)(z >> 11) / 9007199254740992.0; /* 2^53 */
}

static void
write_pid(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "a");

	if (f == NULL) {
		perror(path);
		exit(99);
	}
	fprintf(f, "%ld\n", (long)pid);
	fclose(f);
}

/* Exit 1 when a process whose pid is in path still runs. */
static void
check_gone(const char *path)
{
	char proc[64], buf[512], *p;
	FILE *f = fopen(path, "r"), *st;
	long pid;

	if (f == NULL)
		return;
	while (fscanf(f, "%ld", &pid) == 1) {
		if (kill((pid_t)pid, 0) != 0)
			continue;
		/* A zombie has ended; only a running process is a leftover. */
		snprintf(proc, sizeof(proc), "/proc/%ld/stat", pid);
		st = fopen(proc, "r");
		if (st == NULL)
			continue;
		p = fgets(buf, sizeof(buf), st) != NULL ? strrchr(buf, ')')
		                                        : NULL;
		fclose(st);
		if (p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X') {
			fprintf(stderr,
			    "behave: pid %ld of an earlier run is "
			    "still running\n",
			    pid);
			exit(1);
		}
	}
	fclose(f);
}

/* A child in a session of its own that outlives us: its pid. */
static pid_t
escapee(int ready_fd, double burn)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (setsid() < 0)
		_exit(97);
	if (burn > 0) {
		burn_user(burn);
		if (write(ready_fd, "x", 1) != 1)
			_exit(96);
		burn_user(4 * burn);
		_exit(0);
	}
	for (;;)
		pause();
}

static int
usage(void)
{
	fprintf(stderr, "usage: behave user|sys|sleep|fork-user SECONDS | "
	                "alloc MIB | exit CODE | signal SIG | hang PIDFILE | "
	                "orphan|escape PIDFILE | escape-user SECONDS | pidlog "
	                "FILE SECONDS | alternate|first FILE A B | noisy-sleep "
	                "FILE BASE SPREAD | burn-noisy FILE CPU BASE SPREAD\n");
	return 99;
}

int
main(int argc, char **argv)
{
	const char *mode;
	pid_t pid;
	int status;

	if (argc < 3)
		return usage();
	mode = argv[1];
	if (strcmp(mode, "user") == 0)
		burn_user(atof(argv[2]));
	else if (strcmp(mode, "sys") == 0)
		burn_sys(atof(argv[2]));
	else if (strcmp(mode, "sleep") == 0)
		sleep_for(atof(argv[2]));
	else if (strcmp(mode, "fork-user") == 0) {
		pid = fork();
		if (pid == 0) {
			burn_user(atof(argv[2]));
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return 98;
	} else if (strcmp(mode, "alloc") == 0) {
		size_t size = (size_t)atol(argv[2]) << 20;
		size_t i;
		char *p = malloc(size);

		if (p == NULL)
			return 97;
		for (i = 0; i < size; i += 4096)
			p[i] = (char)i;
		sink = (unsigned long)p[size / 2];
		free(p);
	} else if (strcmp(mode, "exit") == 0)
		return atoi(argv[2]);
	else if (strcmp(mode, "signal") == 0) {
		signal(atoi(argv[2]), SIG_DFL);
		raise(atoi(argv[2]));
		return 96;
	} else if (strcmp(mode, "hang") == 0) {
		signal(SIGTERM, SIG_IGN);
		pid = fork();
		if (pid == 0) {
			for (;;)
				pause();
		}
		write_pid(argv[2], getpid());
		write_pid(argv[2], pid);
		for (;;)
			pause();
	} else if (strcmp(mode, "orphan") == 0 || strcmp(mode, "escape") == 0) {
		check_gone(argv[2]);
		if (strcmp(mode, "escape") == 0)
			write_pid(argv[2], escapee(-1, 0));
		pid = fork();
		if (pid == 0) {
			if (fork() == 0) {
				write_pid(argv[2], getpid());
				for (;;)
					pause();
			}
			_exit(0);
		}
		waitpid(pid, &status, 0);
		/* Give the grandchild time to write its pid. */
		sleep_for(0.05);
	} else if (strcmp(mode, "escape-user") == 0) {
		int fds[2];
		char c;

		/* Exit once the escapee has burnt its share, not before. */
		if (pipe(fds) != 0)
			return 95;
		if (escapee(fds[1], atof(argv[2])) < 0)
			return 95;
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			return 94;
	} else if (strcmp(mode, "pidlog") == 0 && argc >= 4) {
		write_pid(argv[2], getpid());
		sleep_for(atof(argv[3]));
	} else if ((strcmp(mode, "alternate") == 0 ||
	               strcmp(mode, "first") == 0) &&
	           argc >= 5) {
		FILE *f = fopen(argv[2], "r+");
		long n = 0;

		if (f == NULL)
			f = fopen(argv[2], "w+");
		if (f == NULL)
			return 95;
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		rewind(f);
		fprintf(f, "%ld\n", n + 1);
		fclose(f);
		if (strcmp(mode, "first") == 0)
			sleep_for(atof(n == 0 ? argv[3] : argv[4]));
		else
			sleep_for(atof(n % 2 == 0 ? argv[3] : argv[4]));
	} else if (strcmp(mode, "spin") == 0 && argc >= 3)
		spin(atof(argv[2]));
	else if (strcmp(mode, "drift-sleep") == 0 && argc >= 4) {
		FILE *f = fopen(argv[2], "r");
		double factor = 1;

		if (f != NULL) {
			if (fscanf(f, "%lf", &factor) != 1)
				factor = 1;
			fclose(f);
		}
		sleep_for(atof(argv[3]) * factor);
	} else if (strcmp(mode, "sleep-spin") == 0 && argc >= 4) {
		sleep_for(atof(argv[2]));
		spin(atof(argv[3]));
	} else if (strcmp(mode, "burner") == 0 && argc >= 4) {
		double end = now() + atof(argv[2]);
		uint64_t seed = (uint64_t)atoll(argv[3]) * 2654435761u + 1;
		int procs = argc >= 5 ? atoi(argv[4]) : 1, k;
		const char *file = argc >= 6 ? argv[5] : NULL;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (k = 1; k < procs; k++) {
			if (fork() == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				file = NULL;
				break;
			}
		}
		/* The processes follow the same turns (the same seed). */
		while (now() < end) {
			double turn;

			seed =
			    seed * 6364136223846793005u + 1442695040888963407u;
			turn =
			    2 + 4 * (double)(seed >> 11) / 9007199254740992.0;
			seed =
			    seed * 6364136223846793005u + 1442695040888963407u;
			if (file != NULL)
				write_factor(file, (seed >> 63) != 0 ? 1.1 : 1);
			if ((seed >> 63) != 0) {
				double stop = now() + turn;
				volatile uint64_t y = 0;

				while (now() < stop)
					for (int j = 0; j < 100000; j++)
						y = y + (uint64_t)j;
			} else
				sleep_for(turn);
		}
		while (wait(NULL) > 0)
			;
	} else if (strcmp(mode, "noisy-sleep") == 0 && argc >= 5)
		sleep_for(atof(argv[3]) + atof(argv[4]) * next_noise(argv[2]));
	else if (strcmp(mode, "burn-noisy") == 0 && argc >= 6) {
		double u = next_noise(argv[2]);

		burn_user(atof(argv[3]));
		sleep_for(atof(argv[4]) + atof(argv[5]) * u);
	} else
		return usage();
	return 0;
}
