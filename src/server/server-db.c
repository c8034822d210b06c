/*
 * server-db.c: the results server's SQLite database.
 *
 * WAL mode, so readers never wait for the writer; synchronous=FULL, so a
 * baseline the server answered 201 for survives a crash of the process
 * and of the machine.  Each thread that answers requests has its own
 * connection with its statements prepared once (SQLite connections must
 * not be shared between threads without its own mutex, and a private
 * connection needs none); writes take the write lock up front (BEGIN
 * IMMEDIATE) and wait for it up to 10 s.  Every statement is prepared with
 * bound parameters: no value ever becomes SQL text.
 *
 * Schema (PRAGMA user_version 3, application_id 'BTst'):
 *   baselines   one row per baseline: identity, filters, the stored bytes
 *   results     one row per benchmark of a baseline: statistics of wall,
 *               user, system, max RSS, and every run's wall, user and
 *               system time (the change markers compare them)
 *   benchmarks  every benchmark name with its count (for the front page)
 *   facets      per benchmark, its hosts (kind 0) and labels (kind 1) with
 *               how many of its results each has: the benchmark page's
 *               lists, kept by two triggers (a result stored, a baseline
 *               deleted), so that they cost what they show
 * and, made at open where missing (no version of its own), the index
 * baselines_host for the list of baselines by host.
 *
 * Version 1 kept only the runs' wall times.  Opening such a database adds
 * the user_times and sys_times columns and fills them from the stored
 * documents, in one transaction (migrate_1_to_2).  Version 2 had no
 * facets: opening it makes the table and its triggers and fills it from
 * the results (migrate_2_to_3).
 */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "server-int.h"
#include "server.h"

#define DB_SCHEMA_VERSION 3
#define DB_APPLICATION_ID 0x42547374 /* "BTst" */
#define DB_BUSY_MS        10000

static const char *const metric_cols[METRIC_COUNT] = {
    "wall", "user", "sys", "rss"};
static const char *const stat_cols[] = {
    "mean", "stddev", "median", "min", "max", "ci_low", "ci_high"};
#define N_STATS 7

static const char schema_sql[] =
    "CREATE TABLE baselines ("
    " seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " created REAL NOT NULL,"
    " created_text TEXT NOT NULL,"
    " received TEXT NOT NULL,"
    " label TEXT,"
    " host TEXT,"
    " git_commit TEXT,"
    " git_dirty INTEGER,"
    " complete INTEGER NOT NULL,"
    " tool_version TEXT,"
    " schema_version INTEGER NOT NULL,"
    " n_results INTEGER NOT NULL,"
    " size INTEGER NOT NULL,"
    " body BLOB NOT NULL);"
    "CREATE INDEX baselines_created ON baselines(created, seq);"
    "CREATE INDEX baselines_label ON baselines(label, created);"
    "CREATE TABLE benchmarks ("
    " name TEXT PRIMARY KEY,"
    " count INTEGER NOT NULL,"
    " first REAL NOT NULL,"
    " first_text TEXT NOT NULL);";

/* For the list of baselines of a host (ST_LIST). */
static const char extra_indexes_sql[] =
    "CREATE INDEX IF NOT EXISTS baselines_host ON baselines(host, created);";

/*
 * The facets (schema 3): a result stored adds one to its benchmark's host
 * and label (the baseline row is stored first); a baseline deleted takes
 * its results' counts off before its results go (ON DELETE CASCADE), and
 * what reaches zero goes.  No other statement writes results or changes
 * a baseline's host or label.
 */
static const char facets_sql[] =
    "CREATE TABLE facets ("
    " benchmark TEXT NOT NULL,"
    " kind INTEGER NOT NULL,"
    " value TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY (benchmark, kind, value)) WITHOUT ROWID;"
    "CREATE TRIGGER results_facets AFTER INSERT ON results BEGIN "
    "INSERT INTO facets(benchmark, kind, value, n) "
    "SELECT NEW.benchmark, k.kind, k.value, 1 FROM ("
    "SELECT 0 AS kind, host AS value FROM baselines WHERE seq = "
    "NEW.baseline UNION ALL "
    "SELECT 1, label FROM baselines WHERE seq = NEW.baseline) k "
    "WHERE k.value IS NOT NULL "
    "ON CONFLICT DO UPDATE SET n = n + 1; "
    "END;"
    "CREATE TRIGGER baselines_facets BEFORE DELETE ON baselines BEGIN "
    "UPDATE facets SET n = n - (SELECT count(*) FROM results r WHERE "
    "r.baseline = OLD.seq AND r.benchmark = facets.benchmark) "
    "WHERE ((kind = 0 AND value = OLD.host) OR "
    "(kind = 1 AND value = OLD.label)) "
    "AND benchmark IN (SELECT benchmark FROM results WHERE baseline = "
    "OLD.seq); "
    "DELETE FROM facets WHERE n <= 0 AND ((kind = 0 AND value = OLD.host) "
    "OR (kind = 1 AND value = OLD.label)); "
    "END;";

/* Filling the facets of a database that had none (migrate_2_to_3). */
static const char facets_fill_sql[] =
    "INSERT INTO facets(benchmark, kind, value, n) "
    "SELECT r.benchmark, 0, b.host, count(*) FROM results r "
    "JOIN baselines b ON b.seq = r.baseline WHERE b.host IS NOT NULL "
    "GROUP BY r.benchmark, b.host "
    "UNION ALL "
    "SELECT r.benchmark, 1, b.label, count(*) FROM results r "
    "JOIN baselines b ON b.seq = r.baseline WHERE b.label IS NOT NULL "
    "GROUP BY r.benchmark, b.label;";

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_FIND,
	ST_INSERT_B,
	ST_INSERT_R,
	ST_UPSERT_BENCH,
	ST_LIST,
	ST_NAMES,
	ST_BENCHMARKS,
	ST_HISTORY,
	ST_COUNT_ALL,
	ST_HOSTS,
	ST_LABELS,
	ST_SEQ_OF,
	ST_DELETE_B,
	ST_REFRESH_BENCH,
	ST_DROP_BENCH,
	ST_COUNT
};

/* Columns of ST_HISTORY before the statistics. */
enum {
	HC_ID,
	HC_CREATED_TEXT,
	HC_LABEL,
	HC_HOST,
	HC_COMMIT,
	HC_DIRTY,
	HC_COMPLETE,
	HC_CREATED,
	HC_N,
	HC_CONVERGED,
	HC_STATS
};

struct db_conn {
	struct server_db *db;
	sqlite3 *h;
	sqlite3_stmt *st[ST_COUNT];
	struct db_conn *next;
};

struct server_db {
	char *path;
	unsigned long gen;
	pthread_mutex_t lock; /* guards conns */
	struct db_conn *conns;
};

/* This thread's connection, valid while tls_gen is its database's gen. */
static __thread struct db_conn *tls_conn;
static __thread unsigned long tls_gen;
static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long next_gen = 1;

static int
db_error(struct bench_error *err, sqlite3 *h, const char *what)
{
	return bench_error_set(err, BENCH_ERR_IO, "database: %s: %s", what,
	    h != NULL ? sqlite3_errmsg(h) : "out of memory");
}

/*
 * The distinct values of baselines' column col (host or label) among the
 * baselines that hold benchmark ?1, sorted: a range of the facets' key,
 * one row per value shown whatever else is stored.  (Schema 2 walked the
 * index of col with a seek per value and baseline: a host whose 20,000
 * baselines held other benchmarks only cost 17 ms.)
 */
char *
server_db_facet_sql(const char *col)
{
	char *sql = NULL;

	xasprintf(&sql,
	    "SELECT value FROM facets WHERE benchmark = ?1 AND kind = %d "
	    "ORDER BY value",
	    strcmp(col, "label") == 0 ? 1 : 0);
	return sql;
}

/* The SQL of a statement (built from constants only). */
static char *
statement_sql(int which)
{
	struct sbuf b = {NULL, 0, 0};
	int m, k;

	switch (which) {
	case ST_BEGIN:
		return xstrdup("BEGIN IMMEDIATE");
	case ST_COMMIT:
		return xstrdup("COMMIT");
	case ST_ROLLBACK:
		return xstrdup("ROLLBACK");
	case ST_FIND:
		return xstrdup("SELECT body FROM baselines WHERE id = ?1");
	case ST_INSERT_B:
		return xstrdup(
		    "INSERT INTO baselines(id, created, created_text, "
		    "received, label, host, git_commit, git_dirty, complete, "
		    "tool_version, schema_version, n_results, size, body) "
		    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
		    "?12, ?13, ?14)");
	case ST_INSERT_R:
		sbuf_puts(&b, "INSERT INTO results(baseline, pos, benchmark, "
		              "created, n, converged");
		for (m = 0; m < METRIC_COUNT; m++)
			for (k = 0; k < N_STATS; k++)
				sbuf_printf(&b, ", %s_%s", metric_cols[m],
				    stat_cols[k]);
		sbuf_puts(&b, ", wall_times, user_times, sys_times) VALUES(?, "
		              "?, ?, ?, ?, ?");
		for (m = 0; m < METRIC_COUNT * N_STATS + 3; m++)
			sbuf_puts(&b, ", ?");
		sbuf_puts(&b, ")");
		return sbuf_take(&b, NULL);
	case ST_UPSERT_BENCH:
		return xstrdup(
		    "INSERT INTO benchmarks(name, count, first, first_text) "
		    "VALUES(?1, 1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET "
		    "count = count + 1, "
		    "first_text = CASE WHEN excluded.first < first THEN "
		    "excluded.first_text ELSE first_text END, "
		    "first = min(first, excluded.first)");
	case ST_LIST:
		return xstrdup(
		    "SELECT b.seq, b.id, b.created_text, b.received, b.label, "
		    "b.host, b.git_commit, b.git_dirty, b.complete, "
		    "b.tool_version, b.schema_version, b.size "
		    "FROM baselines b "
		    "WHERE (?1 IS NULL OR b.label = ?1) "
		    "AND (?2 IS NULL OR b.host = ?2) "
		    "AND (?3 IS NULL OR b.created >= ?3) "
		    "AND (?4 IS NULL OR b.created < ?4) "
		    "AND (?5 IS NULL OR EXISTS (SELECT 1 FROM results r "
		    "WHERE r.baseline = b.seq AND r.benchmark = ?5)) "
		    "ORDER BY b.created DESC, b.seq DESC LIMIT ?6");
	case ST_NAMES:
		return xstrdup("SELECT benchmark FROM results WHERE baseline = "
		               "?1 ORDER BY pos");
	case ST_BENCHMARKS:
		return xstrdup("SELECT name, count, first_text FROM benchmarks "
		               "ORDER BY name");
	case ST_HISTORY:
		sbuf_puts(&b, "SELECT b.id, b.created_text, b.label, b.host, "
		              "b.git_commit, b.git_dirty, b.complete, "
		              "r.created, r.n, r.converged");
		for (m = 0; m < METRIC_COUNT; m++)
			for (k = 0; k < N_STATS; k++)
				sbuf_printf(&b, ", r.%s_%s", metric_cols[m],
				    stat_cols[k]);
		sbuf_puts(&b,
		    ", CASE WHEN ?7 THEN r.wall_times END"
		    ", CASE WHEN ?7 THEN r.user_times END"
		    ", CASE WHEN ?7 THEN r.sys_times END "
		    "FROM results r JOIN baselines b ON b.seq = r.baseline "
		    "WHERE r.benchmark = ?1 "
		    "AND (?2 IS NULL OR b.label = ?2) "
		    "AND (?3 IS NULL OR b.host = ?3) "
		    "AND (?4 IS NULL OR r.created >= ?4) "
		    "AND (?5 IS NULL OR r.created < ?5) "
		    "ORDER BY r.created DESC, r.baseline DESC LIMIT ?6");
		return sbuf_take(&b, NULL);
	case ST_COUNT_ALL:
		return xstrdup("SELECT count(*) FROM baselines");
	case ST_HOSTS:
		return server_db_facet_sql("host");
	case ST_LABELS:
		return server_db_facet_sql("label");
	case ST_SEQ_OF:
		return xstrdup("SELECT seq FROM baselines WHERE id = ?1");
	case ST_DELETE_B:
		/* Its results go with it (ON DELETE CASCADE). */
		return xstrdup("DELETE FROM baselines WHERE seq = ?1");
	case ST_REFRESH_BENCH:
		return xstrdup(
		    "UPDATE benchmarks SET "
		    "count = (SELECT count(*) FROM results WHERE benchmark = "
		    "?1), "
		    "first = coalesce((SELECT min(created) FROM results WHERE "
		    "benchmark = ?1), first), "
		    "first_text = coalesce((SELECT b.created_text FROM results "
		    "r JOIN baselines b ON b.seq = r.baseline WHERE "
		    "r.benchmark = ?1 ORDER BY r.created LIMIT 1), first_text) "
		    "WHERE name = ?1");
	case ST_DROP_BENCH:
		return xstrdup(
		    "DELETE FROM benchmarks WHERE name = ?1 AND count = 0");
	default:
		fatalx(BENCH_EXIT_USAGE, "server-db: no statement %d", which);
	}
}

/* The results table, whose statistics columns come from the tables above. */
static char *
results_sql(void)
{
	struct sbuf b = {NULL, 0, 0};
	int m, k;

	sbuf_puts(&b, "CREATE TABLE results ("
	              " baseline INTEGER NOT NULL REFERENCES baselines(seq)"
	              " ON DELETE CASCADE,"
	              " pos INTEGER NOT NULL,"
	              " benchmark TEXT NOT NULL,"
	              " created REAL NOT NULL,"
	              " n INTEGER NOT NULL,"
	              " converged INTEGER");
	for (m = 0; m < METRIC_COUNT; m++)
		for (k = 0; k < N_STATS; k++)
			sbuf_printf(
			    &b, ", %s_%s REAL", metric_cols[m], stat_cols[k]);
	sbuf_puts(&b, ", wall_times BLOB, user_times BLOB, sys_times BLOB, "
	              "PRIMARY KEY (baseline, pos));"
	              "CREATE INDEX results_benchmark ON "
	              "results(benchmark, created, baseline);");
	return sbuf_take(&b, NULL);
}

static void
conn_free(struct db_conn *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->h);
	free(c);
}

/* Open a connection with every statement prepared; NULL with err. */
static struct db_conn *
conn_open(struct server_db *db, int create, struct bench_error *err)
{
	struct db_conn *c = xcalloc(1, sizeof(*c));
	char *sql;
	int i, rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	c->db = db;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(db->path, &c->h, flags, NULL);
	if (rc != SQLITE_OK) {
		bench_error_set(err, BENCH_ERR_IO, "cannot open '%s': %s",
		    db->path,
		    c->h != NULL ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		conn_free(c);
		return NULL;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, DB_BUSY_MS);
	if (sqlite3_exec(c->h,
	        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", NULL,
	        NULL, NULL) != SQLITE_OK) {
		db_error(err, c->h, db->path);
		conn_free(c);
		return NULL;
	}
	if (create)
		return c; /* statements after the schema exists */
	for (i = 0; i < ST_COUNT; i++) {
		sql = statement_sql(i);
		rc = sqlite3_prepare_v3(
		    c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st[i], NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			db_error(err, c->h, "prepare");
			conn_free(c);
			return NULL;
		}
	}
	return c;
}

/* This thread's connection to db, opened on first use. */
static struct db_conn *
conn_get(struct server_db *db, struct bench_error *err)
{
	struct db_conn *c;

	if (tls_conn != NULL && tls_gen == db->gen)
		return tls_conn;
	c = conn_open(db, 0, err);
	if (c == NULL)
		return NULL;
	pthread_mutex_lock(&db->lock);
	c->next = db->conns;
	db->conns = c;
	pthread_mutex_unlock(&db->lock);
	tls_conn = c;
	tls_gen = db->gen;
	return c;
}

/* Run one SQL text on the set-up connection. */
static int
exec_sql(sqlite3 *h, const char *sql, struct bench_error *err)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		bench_error_set(err, BENCH_ERR_IO, "database: %s",
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* An integer from a one-row pragma or query; -1 on error. */
static long long
query_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Every run's metric m as little-endian IEEE doubles. */
static unsigned char *
pack_times(const struct bench_result *r, enum bench_metric m, size_t *len)
{
	unsigned char *p = xcalloc(r->n_runs + 1, 8);
	uint64_t u;
	double v;
	size_t i, k;

	for (i = 0; i < r->n_runs; i++) {
		v = report_run_metric(&r->runs[i], m);
		memcpy(&u, &v, 8);
		for (k = 0; k < 8; k++)
			p[i * 8 + k] = (unsigned char)(u >> (8 * k));
	}
	*len = r->n_runs * 8;
	return p;
}

/* Bind every run's metric m of r at parameter i. */
static void
bind_times(
    sqlite3_stmt *st, int i, const struct bench_result *r, enum bench_metric m)
{
	unsigned char *p;
	size_t len;

	p = pack_times(r, m, &len);
	sqlite3_bind_blob(st, i, p, (int)len, SQLITE_TRANSIENT);
	free(p);
}

/*
 * Version 1 to 2: add the runs' user and system times, read from the
 * stored documents.  Each was validated by report_baseline_parse when it
 * was posted and parses again; one that does not (a reader grown stricter)
 * keeps NULL, and the markers of cpu, user and system call its metric
 * missing.  One transaction, which re-reads the version: a second server
 * opening the file at the same time finds the work done.
 */
static int
migrate_1_to_2(struct server_db *db, sqlite3 *h, struct bench_error *err)
{
	static const char add[] =
	    "ALTER TABLE results ADD COLUMN user_times BLOB; "
	    "ALTER TABLE results ADD COLUMN sys_times BLOB;";
	sqlite3_stmt *sel = NULL, *upd = NULL;
	struct baseline *b;
	size_t i;
	int rc;

	if (exec_sql(h, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (query_int(h, "PRAGMA user_version") != 1)
		return exec_sql(h, "COMMIT", err);
	rc = exec_sql(h, add, err);
	if (rc == 0 &&
	    (sqlite3_prepare_v2(h, "SELECT seq, body FROM baselines", -1, &sel,
	         NULL) != SQLITE_OK ||
	        sqlite3_prepare_v2(h,
	            "UPDATE results SET user_times = ?1, sys_times = ?2 "
	            "WHERE baseline = ?3 AND pos = ?4",
	            -1, &upd, NULL) != SQLITE_OK))
		rc = db_error(err, h, db->path);
	while (rc == 0 && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rc = 0;
		b = report_baseline_parse(sqlite3_column_blob(sel, 1),
		    (size_t)sqlite3_column_bytes(sel, 1), NULL);
		for (i = 0; b != NULL && rc == 0 && i < b->n_results; i++) {
			bind_times(upd, 1, &b->results[i], METRIC_USER);
			bind_times(upd, 2, &b->results[i], METRIC_SYS);
			sqlite3_bind_int64(
			    upd, 3, sqlite3_column_int64(sel, 0));
			sqlite3_bind_int64(upd, 4, (sqlite3_int64)i);
			if (sqlite3_step(upd) != SQLITE_DONE)
				rc = db_error(err, h, "migrate");
			sqlite3_reset(upd);
			sqlite3_clear_bindings(upd);
		}
		report_baseline_free(b);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = db_error(err, h, "migrate");
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	if (rc == 0)
		rc = exec_sql(h, "PRAGMA user_version = 2", err);
	if (rc == 0)
		return exec_sql(h, "COMMIT", err);
	(void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Version 2 to 3: the facets table, its triggers, and its rows from the
 * stored results.  One transaction, which re-reads the version.
 */
static int
migrate_2_to_3(sqlite3 *h, struct bench_error *err)
{
	int rc;

	if (exec_sql(h, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (query_int(h, "PRAGMA user_version") != 2)
		return exec_sql(h, "COMMIT", err);
	rc = exec_sql(h, facets_sql, err);
	if (rc == 0)
		rc = exec_sql(h, facets_fill_sql, err);
	if (rc == 0)
		rc = exec_sql(h, "PRAGMA user_version = 3", err);
	if (rc == 0)
		return exec_sql(h, "COMMIT", err);
	(void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Create the schema in an empty database, or check an existing one. */
static int
setup(struct server_db *db, sqlite3 *h, struct bench_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	long long version, app, tables;
	char *sql, buf[160];
	int rc = -1;

	/* WAL is a property of the file: set once, kept by every opener. */
	if (sqlite3_prepare_v2(h, "PRAGMA journal_mode = WAL", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		db_error(err, h, db->path);
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		bench_error_set(err, BENCH_ERR_IO,
		    "'%s': cannot use write-ahead logging (journal mode %s)",
		    db->path, mode != NULL ? mode : "unknown");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	version = query_int(h, "PRAGMA user_version");
	app = query_int(h, "PRAGMA application_id");
	tables = query_int(h, "SELECT count(*) FROM sqlite_master");
	if (version < 0 || app < 0 || tables < 0) {
		db_error(err, h, db->path);
		goto out;
	}
	if (app != DB_APPLICATION_ID && (app != 0 || tables != 0)) {
		bench_error_set(err, BENCH_ERR_INVALID,
		    "'%s' is not a bench-tests results database", db->path);
		goto out;
	}
	if (version > DB_SCHEMA_VERSION) {
		bench_error_set(err, BENCH_ERR_VERSION,
		    "'%s' has database schema %lld, newer than this "
		    "bench-tests knows (%d): upgrade bench-tests",
		    db->path, version, DB_SCHEMA_VERSION);
		goto out;
	}
	if (tables == 0) {
		sql = results_sql();
		snprintf(buf, sizeof(buf),
		    "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		    DB_APPLICATION_ID, DB_SCHEMA_VERSION);
		rc = exec_sql(h, "BEGIN IMMEDIATE", err);
		if (rc == 0)
			rc = exec_sql(h, schema_sql, err);
		if (rc == 0)
			rc = exec_sql(h, sql, err);
		if (rc == 0)
			rc = exec_sql(h, facets_sql, err);
		if (rc == 0)
			rc = exec_sql(h, buf, err);
		if (rc == 0)
			rc = exec_sql(h, "COMMIT", err);
		else
			(void)sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		free(sql);
		if (rc != 0)
			goto out;
	} else if ((version == 1 && migrate_1_to_2(db, h, err) != 0) ||
	           (version <= 2 && migrate_2_to_3(h, err) != 0)) {
		rc = -1;
		goto out;
	}
	/*
	 * Indexes that came after schema 1, made where missing (the first
	 * open of a large database takes a moment: 0.3 s for 20,000
	 * baselines).
	 */
	rc = exec_sql(h, extra_indexes_sql, err);
out:
	sqlite3_finalize(st);
	return rc;
}

struct server_db *
server_db_open(const char *path, struct bench_error *err)
{
	struct server_db *db = xcalloc(1, sizeof(*db));
	struct db_conn *c;
	struct bench_error e2;

	db->path = xstrdup(path);
	pthread_mutex_init(&db->lock, NULL);
	pthread_mutex_lock(&gen_lock);
	db->gen = next_gen++;
	pthread_mutex_unlock(&gen_lock);
	c = conn_open(db, 1, err);
	if (c == NULL)
		goto fail;
	if (setup(db, c->h, err) != 0) {
		conn_free(c);
		goto fail;
	}
	conn_free(c);
	/* Prepare this thread's statements now: a broken file shows here. */
	if (conn_get(db, &e2) == NULL) {
		if (err != NULL)
			*err = e2;
		goto fail;
	}
	return db;
fail:
	server_db_close(db);
	return NULL;
}

void
server_db_close(struct server_db *db)
{
	struct db_conn *c, *next;

	if (db == NULL)
		return;
	for (c = db->conns; c != NULL; c = next) {
		next = c->next;
		conn_free(c);
	}
	if (tls_gen == db->gen) {
		tls_conn = NULL;
		tls_gen = 0;
	}
	pthread_mutex_destroy(&db->lock);
	free(db->path);
	free(db);
}

/* Step a statement that returns no row, and reset it. */
static int
step_done(struct db_conn *c, sqlite3_stmt *st, struct bench_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(err, c->h, "write");
	return 0;
}

static void
finish(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void
bind_real(sqlite3_stmt *st, int i, double x)
{
	if (isfinite(x))
		sqlite3_bind_double(st, i, x);
	else
		sqlite3_bind_null(st, i);
}

static double *
unpack_times(const unsigned char *p, size_t len, size_t *n)
{
	double *v;
	uint64_t u;
	size_t i, k;

	*n = len / 8;
	v = xcalloc(*n + 1, sizeof(*v));
	for (i = 0; i < *n; i++) {
		u = 0;
		for (k = 0; k < 8; k++)
			u |= (uint64_t)p[i * 8 + k] << (8 * k);
		memcpy(&v[i], &u, 8);
	}
	return v;
}

static char *
now_iso(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static int
insert_results(struct db_conn *c, const struct baseline *b, long long seq,
    double t, struct bench_error *err)
{
	sqlite3_stmt *ins = c->st[ST_INSERT_R], *up = c->st[ST_UPSERT_BENCH];
	const struct bench_result *r;
	const struct stats_summary *s;
	size_t i;
	int m, col, rc;

	for (i = 0; i < b->n_results; i++) {
		r = &b->results[i];
		sqlite3_bind_int64(ins, 1, seq);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)i);
		bind_text(ins, 3, r->name);
		sqlite3_bind_double(ins, 4, t);
		sqlite3_bind_int64(ins, 5, (sqlite3_int64)r->n_runs);
		sqlite3_bind_int(ins, 6, r->converged);
		col = 7;
		for (m = 0; m < METRIC_COUNT; m++) {
			s = &r->st[m];
			if (r->n_runs == 0) {
				col += N_STATS;
				continue;
			}
			bind_real(ins, col++, s->mean);
			bind_real(ins, col++, s->stddev);
			bind_real(ins, col++, s->median);
			bind_real(ins, col++, s->min);
			bind_real(ins, col++, s->max);
			bind_real(ins, col++, s->ci_low);
			bind_real(ins, col++, s->ci_high);
		}
		bind_times(ins, col++, r, METRIC_WALL);
		bind_times(ins, col++, r, METRIC_USER);
		bind_times(ins, col, r, METRIC_SYS);
		rc = step_done(c, ins, err);
		if (rc != 0)
			return rc;
		bind_text(up, 1, r->name);
		sqlite3_bind_double(up, 2, t);
		bind_text(up, 3, b->created);
		rc = step_done(c, up, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
server_db_insert(struct server_db *db, const struct baseline *b, double t,
    const char *text, size_t len, int *created, struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);
	sqlite3_stmt *st;
	const void *old;
	char *received = NULL;
	int rc, same;

	*created = 0;
	if (c == NULL)
		return BENCH_ERR_IO;
	if (step_done(c, c->st[ST_BEGIN], err) != 0)
		return BENCH_ERR_IO;

	st = c->st[ST_FIND];
	bind_text(st, 1, b->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		old = sqlite3_column_blob(st, 0);
		same =
		    (size_t)sqlite3_column_bytes(st, 0) == len &&
		    (len == 0 || (old != NULL && memcmp(old, text, len) == 0));
		finish(st);
		(void)step_done(c, c->st[ST_ROLLBACK], NULL);
		if (!same)
			return bench_error_set(err, BENCH_ERR_INVALID,
			    "a different baseline with id %s is stored "
			    "already",
			    b->id);
		return 0;
	}
	finish(st);
	if (rc != SQLITE_DONE) {
		db_error(err, c->h, "read");
		goto fail;
	}

	received = now_iso();
	st = c->st[ST_INSERT_B];
	bind_text(st, 1, b->id);
	sqlite3_bind_double(st, 2, t);
	bind_text(st, 3, b->created);
	bind_text(st, 4, received);
	bind_text(st, 5, b->label);
	bind_text(st, 6, b->env.hostname);
	bind_text(st, 7, b->env.git_commit);
	if (b->env.git_commit != NULL && b->env.git_dirty >= 0)
		sqlite3_bind_int(st, 8, b->env.git_dirty);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int(st, 9, b->complete);
	bind_text(st, 10, b->tool_version);
	sqlite3_bind_int(st, 11, b->schema_version);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)b->n_results);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)len);
	sqlite3_bind_blob64(st, 14, text, len, SQLITE_STATIC);
	if (step_done(c, st, err) != 0)
		goto fail;
	if (insert_results(c, b, sqlite3_last_insert_rowid(c->h), t, err) != 0)
		goto fail;
	if (step_done(c, c->st[ST_COMMIT], err) != 0)
		goto fail;
	free(received);
	*created = 1;
	return 0;
fail:
	free(received);
	(void)step_done(c, c->st[ST_ROLLBACK], NULL);
	return BENCH_ERR_IO;
}

static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static double
col_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	           ? NAN
	           : sqlite3_column_double(st, i);
}

static int
col_bool3(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	           ? -1
	           : sqlite3_column_int(st, i) != 0;
}

/* The first column of every row of st (bound by the caller), as strings. */
static char **
column_strings(struct db_conn *c, sqlite3_stmt *st, struct bench_error *err)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = col_str(st, 0);
		v[n] = NULL;
	}
	finish(st);
	if (rc != SQLITE_DONE) {
		db_error(err, c->h, "read");
		strv_free(v);
		return NULL;
	}
	return v;
}

static char **
names_of(struct db_conn *c, long long seq, struct bench_error *err)
{
	sqlite3_stmt *st = c->st[ST_NAMES];

	sqlite3_bind_int64(st, 1, seq);
	return column_strings(c, st, err);
}

int
server_db_delete(struct server_db *db, const char *id, struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);
	sqlite3_stmt *st;
	char **names = NULL;
	long long seq;
	size_t i;
	int rc;

	if (c == NULL)
		return BENCH_ERR_IO;
	if (step_done(c, c->st[ST_BEGIN], err) != 0)
		return BENCH_ERR_IO;
	st = c->st[ST_SEQ_OF];
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	finish(st);
	if (rc == SQLITE_DONE) {
		(void)step_done(c, c->st[ST_ROLLBACK], NULL);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		db_error(err, c->h, "read");
		goto fail;
	}
	names = names_of(c, seq, err);
	if (names == NULL)
		goto fail;
	st = c->st[ST_DELETE_B];
	sqlite3_bind_int64(st, 1, seq);
	if (step_done(c, st, err) != 0)
		goto fail;
	/* Recount what the front page lists. */
	for (i = 0; names[i] != NULL; i++) {
		bind_text(c->st[ST_REFRESH_BENCH], 1, names[i]);
		if (step_done(c, c->st[ST_REFRESH_BENCH], err) != 0)
			goto fail;
		bind_text(c->st[ST_DROP_BENCH], 1, names[i]);
		if (step_done(c, c->st[ST_DROP_BENCH], err) != 0)
			goto fail;
	}
	if (step_done(c, c->st[ST_COMMIT], err) != 0)
		goto fail;
	strv_free(names);
	return 0;
fail:
	strv_free(names);
	(void)step_done(c, c->st[ST_ROLLBACK], NULL);
	return BENCH_ERR_IO;
}

int
server_db_body(struct server_db *db, const char *id, char **body, size_t *len,
    struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);
	sqlite3_stmt *st;
	const void *p;
	int rc;

	*body = NULL;
	*len = 0;
	if (c == NULL)
		return BENCH_ERR_IO;
	st = c->st[ST_FIND];
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		p = sqlite3_column_blob(st, 0);
		*body = xmalloc(*len + 1);
		if (*len > 0)
			memcpy(*body, p, *len);
		(*body)[*len] = '\0';
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 1;
	else
		rc = db_error(err, c->h, "read");
	finish(st);
	return rc;
}

/* Bind the filter's bounds and limit at the given parameter numbers. */
static void
bind_filter(sqlite3_stmt *st, const struct db_filter *f, int label, int host,
    int since, int until, int limit)
{
	bind_text(st, label, f->label);
	bind_text(st, host, f->host);
	bind_real(st, since, f->since);
	bind_real(st, until, f->until);
	sqlite3_bind_int64(st, limit, (sqlite3_int64)f->limit);
}

int
server_db_list(struct server_db *db, const struct db_filter *f,
    struct server_stored **rows, size_t *n, struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);
	struct server_stored *v = NULL, *r;
	sqlite3_stmt *st;
	long long *seqs = NULL;
	size_t i;
	int rc;

	*rows = NULL;
	*n = 0;
	if (c == NULL)
		return BENCH_ERR_IO;
	st = c->st[ST_LIST];
	bind_filter(st, f, 1, 2, 3, 4, 6);
	bind_text(st, 5, f->benchmark);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		seqs = xreallocarray(seqs, *n + 1, sizeof(*seqs));
		r = &v[*n];
		memset(r, 0, sizeof(*r));
		seqs[*n] = sqlite3_column_int64(st, 0);
		r->id = col_str(st, 1);
		r->created = col_str(st, 2);
		r->received = col_str(st, 3);
		r->label = col_str(st, 4);
		r->host = col_str(st, 5);
		r->git_commit = col_str(st, 6);
		r->git_dirty = col_bool3(st, 7);
		r->complete = sqlite3_column_int(st, 8);
		r->tool_version = col_str(st, 9);
		r->schema_version = sqlite3_column_int(st, 10);
		r->size = sqlite3_column_int64(st, 11);
		(*n)++;
	}
	finish(st);
	if (rc != SQLITE_DONE) {
		db_error(err, c->h, "read");
		goto fail;
	}
	for (i = 0; i < *n; i++) {
		v[i].benchmarks = names_of(c, seqs[i], err);
		if (v[i].benchmarks == NULL)
			goto fail;
	}
	free(seqs);
	*rows = v;
	return 0;
fail:
	free(seqs);
	server_rows_free(v, *n);
	*n = 0;
	return BENCH_ERR_IO;
}

/* n run times from a blob column; NULL when NULL (an old row) or short. */
static double *
col_times(sqlite3_stmt *st, int col, size_t n)
{
	double *v;
	size_t got;

	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return NULL;
	v = unpack_times(sqlite3_column_blob(st, col),
	    (size_t)sqlite3_column_bytes(st, col), &got);
	if (got != n) {
		free(v);
		return NULL;
	}
	return v;
}

static void
read_point(sqlite3_stmt *st, struct server_point *p, int samples)
{
	int m, col = HC_STATS;
	struct server_metric_stats *s;

	memset(p, 0, sizeof(*p));
	p->id = col_str(st, HC_ID);
	p->created = col_str(st, HC_CREATED_TEXT);
	p->label = col_str(st, HC_LABEL);
	p->host = col_str(st, HC_HOST);
	p->git_commit = col_str(st, HC_COMMIT);
	p->git_dirty = col_bool3(st, HC_DIRTY);
	p->complete = sqlite3_column_int(st, HC_COMPLETE);
	p->t = sqlite3_column_double(st, HC_CREATED);
	p->n = (size_t)sqlite3_column_int64(st, HC_N);
	p->converged = col_bool3(st, HC_CONVERGED);
	for (m = 0; m < METRIC_COUNT; m++) {
		s = &p->m[m];
		s->mean = col_real(st, col++);
		s->stddev = col_real(st, col++);
		s->median = col_real(st, col++);
		s->min = col_real(st, col++);
		s->max = col_real(st, col++);
		s->ci_low = col_real(st, col++);
		s->ci_high = col_real(st, col++);
	}
	if (samples) {
		p->wall = col_times(st, col, p->n);
		p->user = col_times(st, col + 1, p->n);
		p->sys = col_times(st, col + 2, p->n);
	}
}

int
server_db_history(struct server_db *db, const struct db_filter *f, int samples,
    struct server_point **pts, size_t *n, struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);
	struct server_point *v = NULL, tmp;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	*pts = NULL;
	*n = 0;
	if (c == NULL)
		return BENCH_ERR_IO;
	st = c->st[ST_HISTORY];
	bind_text(st, 1, f->benchmark);
	bind_filter(st, f, 2, 3, 4, 5, 6);
	sqlite3_bind_int(st, 7, samples);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((*n & (*n - 1)) == 0)
			v = xreallocarray(v, *n == 0 ? 1 : *n * 2, sizeof(*v));
		read_point(st, &v[*n], samples);
		(*n)++;
	}
	finish(st);
	if (rc != SQLITE_DONE) {
		db_error(err, c->h, "read");
		server_points_free(v, *n);
		*n = 0;
		return BENCH_ERR_IO;
	}
	/* Newest first from the index; a history reads oldest first. */
	for (i = 0; i < *n / 2; i++) {
		tmp = v[i];
		v[i] = v[*n - 1 - i];
		v[*n - 1 - i] = tmp;
	}
	*pts = v;
	return 0;
}

int
server_db_benchmarks(struct server_db *db, struct server_benchmark **rows,
    size_t *n, struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);
	struct server_benchmark *v = NULL;
	struct server_point *pts;
	struct db_filter f;
	sqlite3_stmt *st;
	size_t i, np;
	int rc;

	*rows = NULL;
	*n = 0;
	if (c == NULL)
		return BENCH_ERR_IO;
	st = c->st[ST_BENCHMARKS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		memset(&v[*n], 0, sizeof(*v));
		v[*n].name = col_str(st, 0);
		v[*n].count = sqlite3_column_int64(st, 1);
		v[*n].first = col_str(st, 2);
		(*n)++;
	}
	finish(st);
	if (rc != SQLITE_DONE) {
		db_error(err, c->h, "read");
		goto fail;
	}
	memset(&f, 0, sizeof(f));
	f.since = f.until = NAN;
	f.limit = 1;
	for (i = 0; i < *n; i++) {
		f.benchmark = v[i].name;
		if (server_db_history(db, &f, 0, &pts, &np, err) != 0)
			goto fail;
		if (np == 1) {
			v[i].latest = pts[0];
			free(pts);
		} else
			server_points_free(pts, np);
	}
	*rows = v;
	return 0;
fail:
	server_benchmarks_free(v, *n);
	*n = 0;
	return BENCH_ERR_IO;
}

/* The distinct non-NULL values of a one-column query for benchmark. */
static char **
distinct(struct db_conn *c, sqlite3_stmt *st, const char *benchmark,
    struct bench_error *err)
{
	bind_text(st, 1, benchmark);
	return column_strings(c, st, err);
}

int
server_db_facets(struct server_db *db, const char *benchmark, char ***hosts,
    char ***labels, struct bench_error *err)
{
	struct db_conn *c = conn_get(db, err);

	*hosts = *labels = NULL;
	if (c == NULL)
		return BENCH_ERR_IO;
	*hosts = distinct(c, c->st[ST_HOSTS], benchmark, err);
	if (*hosts == NULL)
		return BENCH_ERR_IO;
	*labels = distinct(c, c->st[ST_LABELS], benchmark, err);
	if (*labels == NULL) {
		strv_free(*hosts);
		*hosts = NULL;
		return BENCH_ERR_IO;
	}
	return 0;
}

long long
server_db_count(struct server_db *db)
{
	struct db_conn *c = conn_get(db, NULL);
	sqlite3_stmt *st;
	long long v = -1;

	if (c == NULL)
		return -1;
	st = c->st[ST_COUNT_ALL];
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	finish(st);
	return v;
}

void
server_rows_free(struct server_stored *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		server_stored_clear(&rows[i]);
	free(rows);
}

void
server_points_free(struct server_point *pts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		server_point_clear(&pts[i]);
	free(pts);
}

void
server_benchmarks_free(struct server_benchmark *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		server_benchmark_clear(&rows[i]);
	free(rows);
}
