/*
 * bare-loop.c: the floor for the overhead benchmark: posix_spawn and wait4
 * of a command in a loop, timing each iteration with CLOCK_MONOTONIC, and
 * nothing else.  Prints the mean and median per run in seconds.
 *
 *   bare-loop RUNS WARMUP COMMAND [ARGS...]
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double *t, t0, sum = 0;
	long runs, warmup, i;
	int status;
	pid_t pid;

	if (argc < 4) {
		fprintf(
		    stderr, "usage: bare-loop RUNS WARMUP COMMAND [ARGS...]\n");
		return 2;
	}
	runs = atol(argv[1]);
	warmup = atol(argv[2]);
	t = malloc((size_t)runs * sizeof(*t));
	if (t == NULL || runs < 1)
		return 2;
	for (i = -warmup; i < runs; i++) {
		t0 = now();
		if (posix_spawn(&pid, argv[3], NULL, NULL, argv + 3, environ) !=
		    0)
			return 1;
		if (wait4(pid, &status, 0, &ru) != pid)
			return 1;
		if (i >= 0)
			t[i] = now() - t0;
	}
	for (i = 0; i < runs; i++)
		sum += t[i];
	qsort(t, (size_t)runs, sizeof(*t), cmp);
	printf("mean %.9f median %.9f\n", sum / (double)runs,
	    runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2);
	free(t);
	return 0;
}
