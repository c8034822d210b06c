/*
 * session-int.h: what of session.c only its own tests need.
 */
#ifndef BENCH_SRC_SESSION_INT_H
#define BENCH_SRC_SESSION_INT_H

/*
 * The pre-build of a cargo command: the command itself with --no-run
 * inserted before any `--`, after cargo's own leading options
 * (+TOOLCHAIN, --locked, --config K=V, -Z FLAG, ...), for the subcommands
 * that take it (test, its alias t, bench); a --doc is dropped (cargo
 * refuses it with --no-run).  NULL for anything else.  Caller frees with
 * strv_free.
 */
char **session_cargo_prebuild(char *const *cmd);

#endif
