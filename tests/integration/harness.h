/*
 * harness.h: running the real bench-tests binary from the integration tests.
 */
#ifndef BENCH_TESTS_INTEGRATION_HARNESS_H
#define BENCH_TESTS_INTEGRATION_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct cli {
	int status;     /* exit status, or 128 + signal */
	char *out;      /* everything written to stdout */
	char *err;      /* everything written to stderr */
	double seconds; /* how long it took */
};

/* The binaries under test (from the environment make check sets). */
const char *bench_bin(void);
const char *behave_bin(void);

/*
 * Run bench-tests with the NULL-terminated args in dir (NULL: the current
 * directory), with extra environment assignments env ("K=V", NULL-ended;
 * "K=" removes K).  Fails the test if it runs longer than limit seconds.
 */
void cli_run(struct cli *c, const char *dir, const char *const *env,
    double limit, const char *const *args);
/* Start bench-tests in the background; returns its pid (stdout/err to files).
 */
pid_t cli_start(struct cli *c, const char *dir, const char *const *args);
/*
 * Run another program the same way (argv[0] looked up in PATH), e.g.
 * chromium or python3; c gets its status and output.
 */
void prog_run(
    struct cli *c, const char *dir, double limit, const char *const *argv);
/* cli_start in a process group of its own, as a job-control shell does. */
pid_t cli_start_group(struct cli *c, const char *const *args);
/*
 * Start any program (argv[0] a path; e.g. a shell that execs bench-tests)
 * like cli_start_group, its output captured the same way.
 */
pid_t cli_start_argv(struct cli *c, const char *const *argv);
/* Wait for a background run started by cli_start*. */
void cli_wait(struct cli *c, pid_t pid, double limit);
void cli_free(struct cli *c);

/* A fresh scratch directory for this test under tests/work (caller frees). */
char *scratch_dir(const char *name);
/* path joined with a file name (caller frees). */
char *path_join(const char *dir, const char *file);
/* Load a JSON file or fail the test. */
json_t *json_file(const char *path);
/* results[0] of a baseline. */
json_t *first_result(json_t *baseline);
/* A number at a dotted path of an object ("statistics.wall.mean"). */
double jnum(json_t *o, const char *path);
/* Whether a process is still alive (not a zombie). */
int process_alive(pid_t pid);
/* Its state letter from /proc/PID/stat ('R', 'S', 'T', ...), '?' if gone. */
char process_state(pid_t pid);
/* Read pids, one per line, from a file; returns how many (at most max). */
size_t read_pids(const char *path, pid_t *pids, size_t max);
/* Fail the test unless every pid in path has ended; returns how many. */
size_t assert_pids_ended(const char *path);
/* A copy of the example workspace in the build tree (made once). */
const char *example_workspace(void);
/*
 * A copy of tests/workspaces/NAME in the build tree (all of tests/workspaces
 * copied once, as their path dependencies need); caller frees.
 */
char *test_workspace(const char *name);
/* Sleep for seconds. */
void sleep_seconds(double s);

/*
 * The runner's main(): criterion with one test at a time (their timings
 * must not disturb each other; parallel workers also leave memory that
 * LeakSanitizer reports).  A macro, because it must be compiled in the
 * test's own file: a main() in harness.c made criterion's workers crash
 * at exit in the ASan build (in ASan's module destructor).
 */
#define HARNESS_MAIN                                                           \
	int main(int argc, char *argv[])                                       \
	{                                                                      \
		struct criterion_test_set *tests = criterion_initialize();     \
		int result = 0;                                                \
                                                                               \
		criterion_options.jobs = 1;                                    \
		if (criterion_handle_args(argc, argv, true))                   \
			result = !criterion_run_all_tests(tests);              \
		criterion_finalize(tests);                                     \
		return result;                                                 \
	}

#endif
