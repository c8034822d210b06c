#!/bin/sh
# Build the libFuzzer targets (tests/fuzz/<name>-fuzzer.c, listed in FUZZERS
# in Makefile.am) in a build directory of their own, with clang, ASan and
# UBSan, and run each for a bounded time; fail on any crash, leak, sanitizer
# report, timeout or failed check.
#
#   sh tests/fuzz/run.sh [NAME...]      NAME: baseline, ... (default: all)
#
# Environment:
#   FUZZ_SECONDS  how long each target runs (default 30)
#   FUZZ_BUILD    the build directory (default build-fuzz in the source tree)
#   CC, CFLAGS    the compiler (default clang) and its flags (default -O1 -g)
#
# Per target NAME, all optional:
#   tests/fuzz/corpus/NAME/   seeds, committed (text files)
#   tests/fuzz/NAME-seeds.sh  writes generated seeds into the directory $1;
#                             runs in the build directory (src/bench-tests)
#   tests/fuzz/NAME.dict      a libFuzzer dictionary
# The corpus grows in FUZZ_BUILD/fuzz/NAME/corpus; a crash is kept there as
# crash-*, and replays with FUZZ_BUILD/tests/fuzz/NAME-fuzzer FILE.
#
# The build is a VPATH build: the source tree must not be configured in
# place (make distclean there first).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$top/build-fuzz}
seconds=${FUZZ_SECONDS:-30}

if [ $# -gt 0 ]; then
	names=$*
else
	names=
	for src in "$top"/tests/fuzz/*-fuzzer.c; do
		[ -f "$src" ] || continue
		n=$(basename "$src" .c)
		names="$names ${n%-fuzzer}"
	done
fi
[ -n "$names" ] || { echo "fuzz: no targets in tests/fuzz" >&2; exit 1; }

if [ -f "$top/config.status" ]; then
	echo "fuzz: $top is configured in place; run make distclean there" >&2
	exit 1
fi
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
	echo "fuzz: configuring in $build"
	"$top/configure" -q --enable-fuzzing CC="${CC:-clang}" \
		CFLAGS="${CFLAGS:--O1 -g}"
fi
echo "fuzz: building"
nice make -j2 fuzzers src/bench-tests >build.log 2>&1 || {
	tail -n 40 build.log
	exit 1
}

status=0
for name in $names; do
	fuzzer=tests/fuzz/$name-fuzzer
	if [ ! -x "$fuzzer" ]; then
		echo "fuzz: $fuzzer was not built: add it to FUZZERS in Makefile.am" >&2
		status=1
		continue
	fi
	work=$build/fuzz/$name
	mkdir -p "$work/corpus"
	rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
	if [ -d "$top/tests/fuzz/corpus/$name" ]; then
		cp "$top/tests/fuzz/corpus/$name"/* "$work/corpus/"
	fi
	if [ -f "$top/tests/fuzz/$name-seeds.sh" ]; then
		sh "$top/tests/fuzz/$name-seeds.sh" "$work/corpus" \
			>"$work/seeds.log" 2>&1 || {
			echo "fuzz: $name-seeds.sh failed:" >&2
			cat "$work/seeds.log" >&2
			status=1
			continue
		}
	fi
	set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/"
	if [ -f "$top/tests/fuzz/$name.dict" ]; then
		set -- "$@" -dict="$top/tests/fuzz/$name.dict"
	fi
	echo "fuzz: $name for $seconds s ($(ls "$work/corpus" | wc -l) inputs)"
	if nice "./$fuzzer" "$@" "$work/corpus" >"$work/log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^Done' "$work/log" || true
	else
		echo "fuzz: $name FAILED; the end of $work/log:" >&2
		tail -n 60 "$work/log" >&2
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* \
			"$work"/oom-* 2>/dev/null >&2 || true
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "fuzz: no failures" || echo "fuzz: FAILED"
exit "$status"
