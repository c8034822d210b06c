/*
 * mmprof.h: reader for rustc's self-profile files (.mm_profdata, the
 * "measureme" format, file format versions 8 and 9).
 *
 * The format is described in shared/design/mm_profdata-format.md.  This
 * library maps a file (or takes a caller's buffer), walks its pages once to
 * find the three streams, and then:
 *
 *   - mmprof_identity_get() reads only the metadata string: which rustc
 *     invocation (crate, crate types, --test, features, -C metadata) wrote
 *     the file.  It touches a few pages of the file, so matching hundreds of
 *     files to cargo units is cheap.
 *   - mmprof_summarize() computes what measureme's `summarize` computes per
 *     label (self time, total time, invocations, cache hits, blocked and
 *     incremental times, artifact sizes), the profile's wall time, per-thread
 *     and per-kind figures and, with MMPROF_ITEMS, self time per item (the
 *     first argument of Query events, a DefPath) and per item and label.
 *   - mmprof_foreach_event() hands every event, decoded, to a callback.
 *
 * Events are streamed from the mapping, never collected; memory use is
 * bounded by a small multiple of the file size whatever the file contains.
 * Strings are expanded under a depth bound (MMPROF_MAX_DEPTH), a size bound
 * (MMPROF_MAX_STRING) and a work budget proportional to the file size.
 *
 * Damaged files: structural damage that makes the rest unreadable (bad
 * magic, unknown version, a bad page tag or a zero page length) is an error;
 * anything else (a file cut short, a missing stream, undecodable strings,
 * malformed events) gives a result whose `partial` field has the matching
 * MMPROF_PARTIAL_* bits set and whose `partial_reason` names the first
 * problem and its byte offset.
 *
 * Times are the profile's counter values: nanoseconds for the default
 * "wall-time" counter (see mmprof_identity.counter).
 *
 * The library never prints or exits.  Functions that can fail return 0 or a
 * negative enum bench_status and explain the failure in the optional
 * struct bench_error.  Results belong to the caller and are released with
 * the matching *_free function, which accepts NULL.  A struct mmprof_file is
 * not thread-safe; distinct files can be read in parallel.
 *
 * Caveat: files are read through mmap(2); a file truncated by another process
 * while it is open makes the process receive SIGBUS.
 */
#ifndef BENCH_PROFILE_MMPROF_H
#define BENCH_PROFILE_MMPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench-error.h"

#define MMPROF_VERSION_MIN 8           /* oldest format version read */
#define MMPROF_VERSION_MAX 9           /* newest format version read */
#define MMPROF_MAX_DEPTH   32          /* string reference nesting bound */
#define MMPROF_MAX_STRING  (64 * 1024) /* expanded string size bound */

/* Why a result is partial: bits of the `partial` fields. */
enum mmprof_partial {
	MMPROF_PARTIAL_TRUNCATED = 0x001,  /* the file ends inside a page */
	MMPROF_PARTIAL_NO_EVENTS = 0x002,  /* no event stream */
	MMPROF_PARTIAL_NO_STRINGS = 0x004, /* no string data: names unknown */
	MMPROF_PARTIAL_NO_INDEX = 0x008, /* no string index: queries unknown */
	MMPROF_PARTIAL_RECORD = 0x010,   /* a stream ends inside a record */
	MMPROF_PARTIAL_STRINGS = 0x020,  /* some strings undecodable */
	MMPROF_PARTIAL_EVENTS = 0x040,   /* malformed events were skipped */
	MMPROF_PARTIAL_BUDGET = 0x080,   /* string work budget exhausted */
	MMPROF_PARTIAL_METADATA = 0x100  /* metadata missing or unreadable */
};

/* Options of mmprof_summarize(). */
enum mmprof_flags {
	MMPROF_ITEMS = 0x1 /* also compute the per-item tables */
};

/*
 * Which rustc invocation wrote a profile, from the metadata string (spec
 * section 8).  measureme records argv as one string, each argument followed
 * by a space, so an argument that holds spaces comes back in pieces: argv is
 * cmd split at spaces; an option's value takes the following pieces while
 * its parentheses or double quotes are open (--check-cfg 'cfg(a, b)'), and
 * adjacent positional pieces are joined again into `source` (rustc takes one
 * input; the first run ending in ".rs" wins).  `json` is valid JSON, but
 * start_time may not fit an int64: jansson needs JSON_DECODE_INT_AS_REAL.
 * The fields needed to tell cargo's units apart (crate_name, crate_types,
 * test, metadata) never contain spaces.
 */
struct mmprof_identity {
	uint32_t version; /* file format version */
	bool guessed;     /* no string index: metadata read at address 8 */
	char *json;       /* metadata, repaired into valid JSON */
	char *start_time; /* exact decimal ns since the epoch, or NULL */
	uint64_t start_time_ns; /* same; 0 if absent or above UINT64_MAX */
	uint64_t process_id;    /* 0 if absent */
	char *counter;          /* counter name; "wall-time" if absent */
	char *cmd;              /* decoded command line, or NULL if absent */
	size_t argc;            /* cmd split into arguments (see above) */
	char **argv;            /* argc strings, then NULL */
	char *crate_name;       /* --crate-name, or NULL */
	size_t n_crate_types;   /* --crate-type values, comma lists split */
	char **crate_types;
	bool test;         /* --test was given */
	size_t n_features; /* names from --cfg feature="NAME", in order */
	char **features;
	char *metadata;       /* -C metadata= value, or NULL */
	char *extra_filename; /* -C extra-filename= value, or NULL */
	char *edition;        /* --edition value, or NULL */
	char *source;         /* the input file argument, or NULL */
};

/*
 * One row of the per-label table, as measureme's summarize computes it:
 * rows are keyed by label alone (a Query and a GenericActivity that share a
 * label share a row) and sorted by self time, largest first.
 */
struct mmprof_label {
	const char *label;       /* points into the summary's string pool */
	int64_t self_ns;         /* time minus the time of direct children */
	int64_t total_ns;        /* inclusive time; counts recursion twice */
	uint64_t count;          /* invocations (not QueryBlocked or incr.) */
	uint64_t cache_hits;     /* QueryCacheHitCount, else QueryCacheHit */
	int64_t blocked_ns;      /* QueryBlocked time */
	int64_t incr_load_ns;    /* IncrementalLoadResult time */
	int64_t incr_hashing_ns; /* IncrementalResultHashing time */
	int64_t unattributed_ns; /* self time not given to an item and not
	                            profiler overhead (see mmprof_summary) */
	bool overhead;           /* label starts with "self_profile" */
};

/* Total of ArtifactSize integer events per label (e.g. "object_file"). */
struct mmprof_artifact {
	const char *label;
	uint64_t bytes;
	uint64_t count;
};

/* Number of events per event kind ("Query", "GenericActivity", ...). */
struct mmprof_kind {
	const char *kind;
	uint64_t count;
};

/* Interval events of one thread (the producer's thread numbering). */
struct mmprof_thread {
	uint32_t id;
	uint64_t n_intervals;
	uint64_t first_ns;  /* earliest interval start */
	uint64_t last_ns;   /* latest interval end */
	int64_t covered_ns; /* sum of the durations of top-level intervals */
};

/* Self time of one item under one label (an entry of item_labels). */
struct mmprof_item_label {
	size_t label; /* index into mmprof_summary.labels */
	int64_t self_ns;
	int64_t total_ns;
	uint64_t count;
};

/* Self time of one item: Query events whose first argument is `item`. */
struct mmprof_item {
	const char *item;   /* e.g. "mycrate::module::function" */
	int64_t self_ns;    /* sum over the item's labels */
	int64_t total_ns;   /* inclusive; counts nested queries twice */
	uint64_t count;     /* Query invocations */
	size_t first_label; /* its rows: item_labels[first_label] ... */
	size_t n_labels;    /* ... sorted by self time, largest first */
};

/*
 * What mmprof_summarize() computes for one file.  Every nanosecond of
 * interval self time is in exactly one of three buckets, so that
 * self_ns == overhead_ns + unattributed_ns + sum(items[].self_ns):
 * overhead (events inside a "self_profile*" interval: the profiler's own
 * work), an item (Query events with an argument, only with MMPROF_ITEMS),
 * or unattributed (everything else, also per label).
 */
struct mmprof_summary {
	struct mmprof_identity *identity; /* NULL if the metadata is lost */
	uint32_t version;                 /* file format version */
	uint64_t file_size;
	unsigned partial;         /* enum mmprof_partial bits; 0 if complete */
	char partial_reason[160]; /* first problem and its offset, or "" */

	uint64_t n_events; /* records decoded */
	uint64_t n_intervals;
	uint64_t n_instants;
	uint64_t n_integers;
	uint64_t n_unknown; /* events whose event id did not resolve: a
	                       few in every rustc profile (queries run while
	                       the profiler writes its strings), all queries
	                       of a failed compilation (rustc 1.95) */
	uint64_t n_skipped; /* malformed events left out */

	uint64_t first_ns; /* earliest interval start or instant */
	uint64_t last_ns;  /* latest interval end or instant */
	uint64_t wall_ns;  /* last_ns - first_ns (0 without events) */
	int64_t cpu_ns;    /* summarize's "Total cpu time": sum over
	                      threads of (last end - first start) */
	int64_t self_ns;   /* sum of all self times = sum of covered_ns */
	int64_t overhead_ns;
	int64_t unattributed_ns;

	size_t n_labels;
	struct mmprof_label *labels;
	size_t n_artifacts; /* sorted by label */
	struct mmprof_artifact *artifacts;
	size_t n_kinds; /* sorted by count, largest first */
	struct mmprof_kind *kinds;
	size_t n_threads; /* sorted by thread id */
	struct mmprof_thread *threads;

	bool has_items; /* MMPROF_ITEMS was given */
	size_t n_items; /* sorted by self time, largest first (ties: the
	                   order in which the reverse walk met them) */
	struct mmprof_item *items;
	size_t n_item_labels;
	struct mmprof_item_label *item_labels;

	char *strings; /* pool that the const char * fields point into */
};

/* An open profile (opaque). */
struct mmprof_file;

/*
 * Open the profile at path and check its structure; on failure return a
 * negative enum bench_status with *out NULL; the caller closes *out with
 * mmprof_close().
 */
int mmprof_open(
    const char *path, struct mmprof_file **out, struct bench_error *err);

/* Close a profile and release its memory; f may be NULL. */
void mmprof_close(struct mmprof_file *f);

/* Return the file format version of an open profile. */
uint32_t mmprof_version(const struct mmprof_file *f);

/*
 * Return the MMPROF_PARTIAL_* bits of the last operation on f (those found by
 * mmprof_open(), plus what the last identity, summary or event walk found)
 * and, if reason is not NULL, point it at a borrowed description.
 */
unsigned mmprof_partial(const struct mmprof_file *f, const char **reason);

/*
 * Read the identity of f from its metadata string; return a negative
 * enum bench_status if the metadata is unreachable or not a JSON object;
 * the caller frees *out with mmprof_identity_free().
 */
int mmprof_identity_get(struct mmprof_file *f, struct mmprof_identity **out,
    struct bench_error *err);

/*
 * Summarize f (flags: enum mmprof_flags); return a negative
 * enum bench_status only if no result can be produced (damage gives a
 * partial result instead); the caller frees *out with mmprof_summary_free().
 */
int mmprof_summarize(struct mmprof_file *f, unsigned flags,
    struct mmprof_summary **out, struct bench_error *err);

/*
 * Read only the identity of the profile at path (mmprof_open() plus
 * mmprof_identity_get()); failure and ownership as for those.
 */
int mmprof_read_identity(
    const char *path, struct mmprof_identity **out, struct bench_error *err);

/*
 * Summarize the profile at path (mmprof_open() plus mmprof_summarize());
 * failure and ownership as for those.
 */
int mmprof_summarize_file(const char *path, unsigned flags,
    struct mmprof_summary **out, struct bench_error *err);

/* Free an identity and everything it owns; id may be NULL. */
void mmprof_identity_free(struct mmprof_identity *id);

/* Free a summary, its identity and its tables; s may be NULL. */
void mmprof_summary_free(struct mmprof_summary *s);

/* Return a static name for one MMPROF_PARTIAL_* bit, or "unknown". */
const char *mmprof_partial_name(unsigned bit);

#endif /* BENCH_PROFILE_MMPROF_H */
