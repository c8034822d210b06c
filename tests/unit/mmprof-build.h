/*
 * mmprof-build.h: writes small .mm_profdata files by hand for the profile
 * reader's tests and its fuzzer's seed corpus (format versions 8 and 9).
 *
 * Strings, index entries and events go into three stream buffers; mmb_file()
 * lays them out as pages of the sizes asked for, taking the streams in turn,
 * so that streams interleave and records straddle pages.  Allocation failures
 * abort: this is test code.
 */
#ifndef BENCH_TESTS_MMPROF_BUILD_H
#define BENCH_TESTS_MMPROF_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define MMB_METADATA_ID   100000001ULL
#define MMB_INVALID_ID    100000002ULL
#define MMB_FIRST_REGULAR 100000003ULL

/* Components of mmb_string(). */
enum mmb_part {
	MMB_END = 0, /* ends the list */
	MMB_LIT,     /* followed by a const char *: literal text */
	MMB_REF,     /* followed by a uint64_t: a reference to a string id */
	MMB_SEP      /* the 0x1E separator between label and arguments */
};

struct mmb;

/* A new builder for format version 8 or 9. */
struct mmb *mmb_new(unsigned version);

/* Free a builder; b may be NULL. */
void mmb_free(struct mmb *b);

/* Add a string made of one literal; return its (regular) string id. */
uint64_t mmb_lit(struct mmb *b, const char *s);

/* Add a string of components (enum mmb_part list); return its id. */
uint64_t mmb_string(struct mmb *b, ...);

/* Add raw bytes to the string data (no terminator); return their id. */
uint64_t mmb_raw(struct mmb *b, const void *p, size_t n);

/* Add an event id "label" or "label\x1Earg" (arg may be NULL). */
uint64_t mmb_event_id(struct mmb *b, const char *label, const char *arg);

/* Map virtual id vid to the string with regular id sid in the index. */
void mmb_index(struct mmb *b, uint64_t vid, uint64_t sid);

/* Add an index entry with a raw address. */
void mmb_index_addr(struct mmb *b, uint64_t vid, uint64_t addr);

/* Add the metadata string (and its index entry). */
void mmb_metadata(struct mmb *b, const char *json);

/* Add an event record with raw 48-bit values. */
void mmb_event(struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread,
    uint64_t v1, uint64_t v2);

/* Add an interval, an instant and an integer event. */
void mmb_interval(struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread,
    uint64_t start, uint64_t end);
void mmb_instant(
    struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread, uint64_t t);
void mmb_integer(
    struct mmb *b, uint64_t kind, uint64_t id, uint32_t thread, uint64_t value);

/* Append raw bytes to the stream with page tag `tag` (0, 1, 2). */
void mmb_stream_bytes(struct mmb *b, unsigned tag, const void *p, size_t n);

/* Leave the stream with page tag `tag` (0, 1, 2) out of the file. */
void mmb_omit(struct mmb *b, unsigned tag);

/*
 * The file: header, then pages of payload sizes page_sizes[0], [1], ...
 * (cycling; 0 means one page per stream), taking streams in turn.  The
 * caller frees the result.
 */
unsigned char *mmb_file(
    struct mmb *b, const size_t *page_sizes, size_t n_sizes, size_t *len);

#endif /* BENCH_TESTS_MMPROF_BUILD_H */
