#!/bin/sh
# The harness's own overhead: the mean bench-tests reports for /bin/true
# against a bare posix_spawn+wait4 loop in C (the floor) and hyperfine -N
# (Debian's package), measured in the same session, interleaved, ROUNDS
# times; each figure is the median over the rounds.  Also bench-tests' own
# CPU time per measured run.  Run from the build tree: make bench.
#
#   RUNS=2000 ROUNDS=5 sh tests/bench/overhead.sh
set -eu
RUNS=${RUNS:-2000}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-20}
CMD=${CMD:-/bin/true}
bt=${BENCH_TESTS:-./src/bench-tests}
bare=${BARE_LOOP:-./tests/bench/bare-loop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

command -v hyperfine >/dev/null 2>&1 || {
	echo "overhead: hyperfine is not installed (apt-get install hyperfine)" >&2
	exit 1
}
[ -x "$bt" ] && [ -x "$bare" ] || {
	echo "overhead: build first (make src/bench-tests tests/bench/bare-loop)" >&2
	exit 1
}

field() { # field FILE KEY: the first number of "KEY": in a JSON file
	sed -n "s/^ *\"$2\": \\([0-9.eE+-]*\\),\\{0,1\\}\$/\\1/p" "$1" | head -n 1
}

: >"$tmp/bare"; : >"$tmp/bt"; : >"$tmp/hf"; : >"$tmp/cpu"
i=1
while [ "$i" -le "$ROUNDS" ]; do
	"$bare" "$RUNS" "$WARMUP" "$CMD" | awk '{print $2}' >>"$tmp/bare"
	"$bt" --no-prebuild -q -w "$WARMUP" -r "$RUNS" --max-runs "$RUNS" \
		-o "$tmp/bt.json" -- "$CMD" 2>>"$tmp/warnings"
	field "$tmp/bt.json" mean >>"$tmp/bt"
	field "$tmp/bt.json" harness_cpu_per_run >>"$tmp/cpu"
	hyperfine -N -w "$WARMUP" -r "$RUNS" --style none \
		--export-json "$tmp/hf.json" "$CMD" >/dev/null 2>&1
	field "$tmp/hf.json" mean >>"$tmp/hf"
	i=$((i + 1))
done

median() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
b=$(median "$tmp/bare"); t=$(median "$tmp/bt"); h=$(median "$tmp/hf"); c=$(median "$tmp/cpu")
echo "overhead of $CMD, $RUNS runs x $ROUNDS rounds (median of round means):"
awk -v b="$b" -v t="$t" -v h="$h" -v c="$c" 'BEGIN {
	printf "  bare posix_spawn+wait4 loop  %8.1f us\n", b * 1e6
	printf "  bench-tests                  %8.1f us  (%+.1f %% vs bare; target within 5 %%)\n", t * 1e6, (t / b - 1) * 100
	printf "  hyperfine -N                 %8.1f us  (%+.1f %% vs bare)\n", h * 1e6, (h / b - 1) * 100
	printf "  bench-tests CPU per run      %8.1f us  (its own user+sys, outside the timed interval)\n", c * 1e6
	printf "  verdict: %s\n", (t <= b * 1.05 && t <= h) ? "within 5 % of the bare loop and no worse than hyperfine" : "TARGET MISSED"
}'
[ -s "$tmp/warnings" ] && sort -u "$tmp/warnings"
echo "rounds: bare $(tr '\n' ' ' <"$tmp/bare")"
echo "rounds: bench-tests $(tr '\n' ' ' <"$tmp/bt")"
echo "rounds: hyperfine $(tr '\n' ' ' <"$tmp/hf")"
