# src/profile/local.mk: the self-profile reader (.mm_profdata), to be merged
# into Makefile.am (it uses that file's AM_CFLAGS, AM_CPPFLAGS, TEST_CFLAGS,
# TEST_LIBS, EXTRA_PROGRAMS, CLEANFILES and the HAVE_CRITERION and
# ENABLE_FUZZING conditionals).
#
#   src/profile/libmmprof.a  the reader; no external library.  Programs add
#                            it before $(BENCH_LIBS): libmmprof.a needs only
#                            libc.
#   tests/unit/test_mmprof   criterion tests; they build the sample crate in
#                            tests/profile/ with the installed cargo and rustc
#                            into tests/work/mmprof-real (skipped without a
#                            Rust toolchain)
#   make fuzz-mmprof         run the libFuzzer target for FUZZ_TIME seconds;
#                            needs CC=clang --enable-fuzzing
#                            --enable-sanitizers (the library is then built
#                            with coverage instrumentation, whose hooks the
#                            sanitizer runtime provides)
#   make bench-mmprof        make a ~115 MB real profile and time the reader
#                            next to cat (configure without sanitizers and
#                            with CFLAGS=-O2 for meaningful figures)

# ---------------------------------------------------------- src/profile/
noinst_LIBRARIES += src/profile/libmmprof.a
src_profile_libmmprof_a_SOURCES = \
	src/bench-error.h \
	src/profile/mmprof.h \
	src/profile/mmprof-int.h \
	src/profile/mmprof-file.c \
	src/profile/mmprof-meta.c \
	src/profile/mmprof-summary.c \
	src/profile/mmprof-util.c
src_profile_libmmprof_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/profile
if ENABLE_FUZZING
src_profile_libmmprof_a_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link
else
src_profile_libmmprof_a_CFLAGS = $(AM_CFLAGS)
endif
EXTRA_DIST += src/profile/local.mk

MMPROF_CPPFLAGS = -I$(top_srcdir)/src/profile -I$(top_srcdir)/tests/unit

# ------------------------------------------------------------ unit tests
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_mmprof
TESTS += tests/unit/test_mmprof
tests_unit_test_mmprof_SOURCES = \
	tests/unit/test_mmprof.c \
	tests/unit/mmprof-build.c \
	tests/unit/mmprof-build.h
tests_unit_test_mmprof_CPPFLAGS = $(TEST_CFLAGS) $(MMPROF_CPPFLAGS) \
	$(JANSSON_CFLAGS)
tests_unit_test_mmprof_LDADD = src/profile/libmmprof.a $(TEST_LIBS)
endif

# The sample crate and the script that profiles it with the real rustc.
EXTRA_DIST += \
	tests/profile/make-profiles.sh \
	tests/profile/odd.rs \
	tests/profile/broken.rs \
	tests/profile/sample/Cargo.toml \
	tests/profile/sample/src/lib.rs \
	tests/profile/sample/src/main.rs \
	tests/profile/sample/tests/smoke.rs

# ------------------------------------------------------------------ fuzzing
# mmprof-seeds writes a seed corpus of hand-built profiles; it needs no
# fuzzing compiler.
EXTRA_PROGRAMS += tests/fuzz/mmprof-seeds
tests_fuzz_mmprof_seeds_SOURCES = tests/fuzz/mmprof-seeds.c \
	tests/unit/mmprof-build.c tests/unit/mmprof-build.h
tests_fuzz_mmprof_seeds_CPPFLAGS = $(AM_CPPFLAGS) $(MMPROF_CPPFLAGS)
CLEANFILES += tests/fuzz/mmprof-seeds

if ENABLE_FUZZING
FUZZ_SAN = -fsanitize=fuzzer,address,undefined
EXTRA_PROGRAMS += tests/fuzz/mmprof-fuzzer
tests_fuzz_mmprof_fuzzer_SOURCES = tests/fuzz/mmprof-fuzzer.c
tests_fuzz_mmprof_fuzzer_CPPFLAGS = $(AM_CPPFLAGS) $(MMPROF_CPPFLAGS)
tests_fuzz_mmprof_fuzzer_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN)
tests_fuzz_mmprof_fuzzer_LDFLAGS = $(FUZZ_SAN)
tests_fuzz_mmprof_fuzzer_LDADD = src/profile/libmmprof.a
CLEANFILES += tests/fuzz/mmprof-fuzzer

FUZZ_TIME = 300
# Seeds: the hand-built profiles, plus cargo's tiny probe profile when the
# unit tests have made the real ones.
fuzz-mmprof: tests/fuzz/mmprof-fuzzer tests/fuzz/mmprof-seeds
	mkdir -p tests/work/mmprof-seeds tests/work/mmprof-corpus
	tests/fuzz/mmprof-seeds tests/work/mmprof-seeds
	-cp tests/work/mmprof-real/profiles/___-*.mm_profdata \
	    tests/work/mmprof-seeds/ 2>/dev/null
	tests/fuzz/mmprof-fuzzer -max_total_time=$(FUZZ_TIME) -max_len=8192 \
	    -print_final_stats=1 tests/work/mmprof-corpus \
	    tests/work/mmprof-seeds
else
fuzz-mmprof:
	@echo "fuzz-mmprof: configure with CC=clang --enable-fuzzing" \
	    "--enable-sanitizers" >&2; exit 1
endif

# ---------------------------------------------------------------- benchmark
EXTRA_PROGRAMS += tests/bench/mmprof-bench
tests_bench_mmprof_bench_SOURCES = tests/bench/mmprof-bench.c
tests_bench_mmprof_bench_CPPFLAGS = $(AM_CPPFLAGS) $(MMPROF_CPPFLAGS)
tests_bench_mmprof_bench_LDADD = src/profile/libmmprof.a
CLEANFILES += tests/bench/mmprof-bench
EXTRA_DIST += tests/bench/mmprof-gen.sh

bench-mmprof: tests/bench/mmprof-bench
	$(SHELL) $(srcdir)/tests/bench/mmprof-gen.sh tests/work/mmprof-bench
	tests/bench/mmprof-bench -n 5 tests/work/mmprof-bench/big.mm_profdata

.PHONY: fuzz-mmprof bench-mmprof
