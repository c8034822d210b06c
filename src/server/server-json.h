/*
 * server-json.h: the results server's rows and the JSON documents of its
 * API (server-json.c; the API is described in server-api.md).
 *
 * The database (server-db.c) fills these rows; the writers turn them into
 * the documents.  Strings in the rows are borrowed by the writers; NULL is
 * written as null.  Numbers that do not exist (NAN) are null.  The writers
 * include jansson themselves (the wire format is the server's own); they
 * exit only on out-of-memory.
 */
#ifndef BENCH_SRC_SERVER_JSON_H
#define BENCH_SRC_SERVER_JSON_H

#include <stddef.h>

#include "bench-error.h"
#include "report.h"

/* The version of the API, the "v1" of its paths. */
#define SERVER_API_VERSION 1

/* What the server keeps of a summary: the statistics of one metric. */
struct server_metric_stats {
	double mean;
	double stddev; /* NAN with one run */
	double median;
	double min;
	double max;
	double
	    ci_low; /* the confidence interval of the mean; NAN with one run */
	double ci_high;
};

/* A stored baseline, as GET /api/v1/baselines lists it. */
struct server_stored {
	char *id;
	char *created;  /* the baseline's "created", as written */
	char *received; /* when the server stored it, ISO 8601 UTC */
	char *label;    /* NULL when none */
	char *host;     /* environment.hostname, NULL when absent */
	char *git_commit;
	int git_dirty; /* -1 unknown */
	int complete;
	char *tool_version;
	int schema_version;
	long long size;    /* bytes of the stored document */
	char **benchmarks; /* the names of its results, NULL-terminated */
};

/* The change between two consecutive points of a history: compare's
   decision (report_compare_samples) on the server's --metric. */
struct server_change {
	int computed;    /* 0: no comparison (first point, too few runs,
	                    the metric missing) */
	int significant; /* the verdict is slower or faster */
	enum cmp_verdict verdict;
	enum cmp_measure metric;
	double ratio;  /* mean(this) / mean(previous) */
	double ci_low; /* the ratio's interval */
	double ci_high;
	double detectable;  /* no significant change: its half-width */
	double p_welch;     /* Welch's t-test */
	double p_mwu;       /* Mann-Whitney U */
	double stddev_rule; /* |diff| / max(stddev): the Section 06 line */
};

/* One point of a benchmark's history: one baseline's result. */
struct server_point {
	char *id;
	char *created;
	char *label;
	char *host;
	char *git_commit;
	int git_dirty;
	int complete;
	double t;      /* created, Unix seconds */
	size_t n;      /* measured runs */
	int converged; /* -1 unknown */
	struct server_metric_stats m[METRIC_COUNT];
	/* Every run's wall, user and system time (n values each); NULL when
	   not loaded, or (user, sys) for rows stored without them. */
	double *wall;
	double *user;
	double *sys;
	struct server_change change; /* against the previous point */
};

/* A benchmark with how many baselines hold it and its newest point. */
struct server_benchmark {
	char *name;
	long long count;
	char *first; /* created of the oldest baseline that holds it */
	struct server_point latest;
};

/* server-json.c */

/* {"error": message} (with a newline); caller frees. */
char *server_json_error(const char *message);
/* {"id", "status": "created"|"duplicate", "url"}; caller frees. */
char *server_json_created(const char *id, int created);
/* {"id", "status": "deleted"}; caller frees. */
char *server_json_deleted(const char *id);
/* {"status": "ok", "version", "api", "baselines"}; caller frees. */
char *server_json_health(const char *version, long long baselines);
/*
 * {"baselines": [...], "count": n} for GET /api/v1/baselines, newest
 * first; caller frees.
 */
char *server_json_list(const struct server_stored *rows, size_t n);
/* {"benchmarks": [...]} for GET /api/v1/benchmarks; caller frees. */
char *server_json_benchmarks(const struct server_benchmark *rows, size_t n);
/*
 * {"benchmark", "points": [...]} for GET /api/v1/benchmarks/NAME/history,
 * oldest first; caller frees.
 */
char *server_json_history(
    const char *benchmark, const struct server_point *points, size_t n);
/* Free the fields of a row, a point, a benchmark (not the struct). */
void server_stored_clear(struct server_stored *r);
void server_point_clear(struct server_point *p);
void server_benchmark_clear(struct server_benchmark *b);

#endif /* BENCH_SRC_SERVER_JSON_H */
