#!/bin/sh
# The cost of `bench-tests profile` (two full builds, one self-profiled,
# one through the wrapper, then the merge) against one plain
# `cargo build --all-targets` of the same workspace, both from scratch
# (fresh target directories), ROUNDS times, interleaved; prints the median
# wall times and their ratio.  Run from the build tree: make bench-profile.
#
#   WS=examples/workspace ROUNDS=3 sh tests/bench/profile-overhead.sh
set -eu
bt=${BENCH_TESTS:-./src/bench-tests}
ROUNDS=${ROUNDS:-3}
src=${WS:-$(dirname "$0")/../../examples/workspace}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

[ -x "$bt" ] || { echo "profile-overhead: build src/bench-tests first" >&2; exit 1; }
(cd "$src" && tar cf - --exclude=./target .) | (mkdir -p "$tmp/ws" && cd "$tmp/ws" && tar xf -)

now() { date +%s.%N; }
: >"$tmp/plain"; : >"$tmp/profile"
i=1
while [ "$i" -le "$ROUNDS" ]; do
	rm -rf "$tmp/plain-target"
	t0=$(now)
	(cd "$tmp/ws" && CARGO_TARGET_DIR="$tmp/plain-target" CARGO_INCREMENTAL=0 \
		cargo build --all-targets -q)
	t1=$(now)
	awk -v a="$t0" -v b="$t1" "BEGIN {print b - a}" >>"$tmp/plain"
	t0=$(now)
	"$bt" profile -q --workspace "$tmp/ws" --work-dir "$tmp/work" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" "BEGIN {print b - a}" >>"$tmp/profile"
	i=$((i + 1))
done
median() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
p=$(median "$tmp/plain"); q=$(median "$tmp/profile")
units=$(ls "$tmp/work/units" | wc -l)
echo "workspace: $src ($units units), $ROUNDS rounds, medians:"
awk -v p="$p" -v q="$q" 'BEGIN {
	printf "  cargo build --all-targets (from scratch)   %7.2f s\n", p
	printf "  bench-tests profile (both passes, merge)   %7.2f s\n", q
	printf "  ratio                                      %7.2f x\n", q / p
}'
echo "rounds: plain $(tr '\n' ' ' <"$tmp/plain")"
echo "rounds: profile $(tr '\n' ' ' <"$tmp/profile")"
