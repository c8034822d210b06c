/*
 * spawn-int.h: what of spawn.c only its own tests need.
 */
#ifndef BENCH_SRC_SPAWN_INT_H
#define BENCH_SRC_SPAWN_INT_H

#include <sys/types.h>

/*
 * Our children, read whole from /proc/self/task/TID/children of every task
 * of ours (the list can exceed a page).  Returns how many (*pids malloc'd,
 * caller frees), or -1 when they cannot be listed.
 */
ssize_t spawn_list_children(pid_t **pids);

#endif
