/*
 * report-server.h: the JSON of the results server's API (reports/
 * server-json.c), kept apart from report.h so that the server's rows and
 * replies do not tangle with the baseline model.
 *
 * The server (src/server*.c) fills these rows from its database; the
 * writers turn them into the documents reports/server-api.md describes.
 * Strings in the rows are borrowed by the writers; NULL is written as null.
 * Numbers that do not exist (NAN) are null.  Like the rest of reports/,
 * nothing here prints or exits; the writers abort only on out-of-memory.
 */
#ifndef BENCH_REPORTS_REPORT_SERVER_H
#define BENCH_REPORTS_REPORT_SERVER_H

#include <stddef.h>

#include "bench-error.h"
#include "report.h"

/* The version of the API, the "v1" of its paths. */
#define REPORT_API_VERSION 1

/* What the server keeps of a summary: the statistics of one metric. */
struct report_metric_stats {
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
struct report_stored {
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

/* A significant change between two consecutive points of a history. */
struct report_change {
	int computed;       /* 0: no comparison (first point, too few runs) */
	int significant;    /* the rule of compare: 2 stddev, Welch, MWU */
	double ratio;       /* mean(this) / mean(previous) */
	double p_welch;     /* Welch's t-test */
	double p_mwu;       /* Mann-Whitney U */
	double stddev_rule; /* |diff| / max(stddev) */
};

/* One point of a benchmark's history: one baseline's result. */
struct report_point {
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
	struct report_metric_stats m[METRIC_COUNT];
	double *wall; /* every run's wall time (n values), NULL if not loaded */
	struct report_change change; /* against the previous point */
};

/* A benchmark with how many baselines hold it and its newest point. */
struct report_benchmark {
	char *name;
	long long count;
	char *first; /* created of the oldest baseline that holds it */
	struct report_point latest;
};

/* server-json.c */

/* {"error": message} (with a newline); caller frees. */
char *report_server_error_json(const char *message);
/* {"id", "status": "created"|"duplicate", "url"}; caller frees. */
char *report_server_created_json(const char *id, int created);
/* {"id", "status": "deleted"}; caller frees. */
char *report_server_deleted_json(const char *id);
/* {"status": "ok", "version", "api", "baselines"}; caller frees. */
char *report_server_health_json(const char *version, long long baselines);
/*
 * {"baselines": [...], "count": n} for GET /api/v1/baselines, newest
 * first; caller frees.
 */
char *report_server_list_json(const struct report_stored *rows, size_t n);
/* {"benchmarks": [...]} for GET /api/v1/benchmarks; caller frees. */
char *report_server_benchmarks_json(
    const struct report_benchmark *rows, size_t n);
/*
 * {"benchmark", "points": [...]} for GET /api/v1/benchmarks/NAME/history,
 * oldest first; caller frees.
 */
char *report_server_history_json(
    const char *benchmark, const struct report_point *points, size_t n);
/*
 * The "error" string of a server's error reply, copied into buf (size
 * bytes, control characters replaced); 0, or -1 when body is not one.
 */
int report_server_error_text(
    const char *body, size_t len, char *buf, size_t size);
/* 1 when text is JSON at all (to word an error message), else 0. */
int report_server_is_json(const char *text, size_t len);
/* Free the fields of a row, a point, a benchmark (not the struct). */
void report_stored_clear(struct report_stored *r);
void report_point_clear(struct report_point *p);
void report_benchmark_clear(struct report_benchmark *b);

#endif /* BENCH_REPORTS_REPORT_SERVER_H */
