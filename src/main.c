/*
 * main.c: global set-up and dispatch to a subcommand.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "stats.h"

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "Usage: bench-tests [COMMAND] [OPTIONS] [-- COMMAND [ARGS...]]\n"
	    "\n"
	    "A statistical benchmark harness for Rust test suites.  Without a\n"
	    "command it runs `bench-tests run`: the canonical measurement of\n"
	    "`cargo test --workspace` in the current directory.\n"
	    "\n"
	    "Commands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		fprintf(f, "  %-16s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(f,
	    "\n"
	    "  bench-tests COMMAND --help   the options of a command\n"
	    "  bench-tests --version        the version\n"
	    "\n"
	    "Everyday use:  bench-tests --runs 5 --warmup 3 --output "
	    "base.json\n"
	    "\n"
	    "Exit status: 0 success, 1 a significant regression (check), 2 "
	    "usage,\n"
	    "I/O or input error, 3 the measured command failed, 4 a profile "
	    "with\n"
	    "missing units, 130 interrupted.\n"
	    "See bench-tests(1).\n");
}

/*
 * Whether stdout is a pipe or socket whose reader has gone (an earlier
 * write failed with EPIPE, and errno has changed since).
 */
static int
stdout_reader_gone(void)
{
	struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *cmd;
	int status;

	stats_init();

	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	        strcmp(argv[1], "help") == 0)) {
		if (argc >= 3 && cmd_find(argv[2]) != NULL) {
			char *help_argv[] = {
			    argv[2],
			    "--help",
			    NULL,
			};

			return cmd_find(argv[2])->exec(2, help_argv);
		}
		usage(stdout);
		return BENCH_EXIT_OK;
	}
	if (argc >= 2 &&
	    (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("bench-tests %s\n", PACKAGE_VERSION);
		return BENCH_EXIT_OK;
	}

	if (argc >= 2 && argv[1][0] != '-') {
		cmd = cmd_find(argv[1]);
		if (cmd == NULL)
			cmd_usage_error(NULL,
			    "unknown command '%s' (to measure "
			    "a command of your own, put it "
			    "after --)",
			    argv[1]);
		status = cmd->exec(argc - 1, argv + 1);
	} else
		status = cmd_run_entry.exec(argc, argv);

	/*
	 * Output that could not be written is an error too, but a reader that
	 * closed the pipe (bench-tests | head) wanted no more: the results
	 * were written before anything was printed, so the status stays.
	 */
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE && !stdout_reader_gone()) {
			errorf(
			    "writing to standard output: %s", strerror(errno));
			if (status == BENCH_EXIT_OK)
				status = BENCH_EXIT_USAGE;
		}
	}
	return status;
}
