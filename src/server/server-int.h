/*
 * server-int.h: what the tests need of the results server beyond server.h
 * (the program itself does not call these).
 */
#ifndef BENCH_SRC_SERVER_INT_H
#define BENCH_SRC_SERVER_INT_H

/*
 * The SQL of the benchmark page's list of col values ("host" or "label")
 * for benchmark ?1, as server-db.c prepares it (caller frees), so that a
 * test can read its plan and count its steps.
 */
char *server_db_facet_sql(const char *col);

#endif /* BENCH_SRC_SERVER_INT_H */
