#!/bin/sh
# The cost of `bench-tests profile` against one plain build of the same
# workspace, and what bench-tests-rustc-wrapper adds to a rustc call.  Run
# from the build tree: make bench-profile.
#
# For each workspace, ROUNDS times, interleaved, each from an empty target
# directory and with the same settings (RUSTC_BOOTSTRAP=1,
# CARGO_INCREMENTAL=0):
#   plain    cargo build --workspace --all-targets
#   profile  bench-tests profile                 (two passes)
#   single   bench-tests profile --single-pass   (one pass)
# then the medians, the ratios to plain (targets: 1.75x and 1.15x), pass 1
# and pass 2 (from the baselines), the units and how many lack a profile.
# The workspaces: examples/workspace (a virtual manifest),
# tests/workspaces/rooted (a root package with members) and ripgrep 13,
# assembled from Debian's archive by tests/bench/ripgrep-setup.sh when it
# can be (RIPGREP_DIR, default $HOME/.cache/bench-tests/ripgrep; RIPGREP=no
# leaves it out, RIPGREP_ROUNDS its rounds (default ROUNDS); when it cannot
# be made, the reason is printed and the benchmark goes on without it).
#
# The wrapper: CALLS calls of `rustc -vV` (passed through) and of a small
# compilation (recorded), directly and through the wrapper, interleaved
# ROUNDS times with tests/bench/bare-loop; the medians per call and the
# difference (target: at most 2 ms for the pass-through).
#
#   ROUNDS=3 CALLS=200 RIPGREP_ROUNDS=1 sh tests/bench/profile-overhead.sh
set -eu
bt=${BENCH_TESTS:-./src/bench-tests}
wrapper=${WRAPPER:-./src/bench-tests-rustc-wrapper}
bare=${BARE_LOOP:-./tests/bench/bare-loop}
top=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
CALLS=${CALLS:-200}
RIPGREP=${RIPGREP:-yes}
RIPGREP_ROUNDS=${RIPGREP_ROUNDS:-$ROUNDS}
RIPGREP_DIR=${RIPGREP_DIR:-$HOME/.cache/bench-tests/ripgrep}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for p in "$bt" "$wrapper" "$bare"; do
	[ -x "$p" ] || {
		echo "profile-overhead: build $p first (make bench-profile)" >&2
		exit 1
	}
done
bt=$(cd "$(dirname "$bt")" && pwd)/$(basename "$bt")
[ -d "$HOME/.cargo/bin" ] && PATH="$HOME/.cargo/bin:$PATH"
export PATH

now() { date +%s.%N; }
median() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# pass FILE N: the wall time of passN in a baseline (JSON_INDENT(2)).
pass() {
	awk -v k="\"pass$2\": {" 'index($0, k) {p = 1; next}
		p && /"wall":/ {gsub(/[^0-9.eE+-]/, "", $2); print $2; exit}' "$1"
}
units() { grep -c '"key":' "$1" || true; }
missing() { sed -n 's/^    "missing": \([0-9]*\),*$/\1/p' "$1" | head -n 1; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

# bench NAME DIR [ROUNDS]: the three builds of the workspace DIR.
bench() {
	name=$1
	ws=$2
	rounds=${3:-$ROUNDS}
	r=$tmp/$name
	mkdir -p "$r"
	: >"$r/plain"; : >"$r/two"; : >"$r/one"; : >"$r/p1"; : >"$r/p2"; : >"$r/s1"
	i=1
	while [ "$i" -le "$rounds" ]; do
		rm -rf "$r/plain-target"
		t0=$(now)
		(cd "$ws" && CARGO_TARGET_DIR="$r/plain-target" \
			CARGO_INCREMENTAL=0 RUSTC_BOOTSTRAP=1 \
			cargo build --workspace --all-targets -q 2>"$r/err") ||
			{ cat "$r/err" >&2; return 1; }
		t1=$(now)
		rm -rf "$r/plain-target"
		awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$r/plain"
		for mode in two one; do
			[ "$mode" = one ] && set -- --single-pass || set --
			t0=$(now)
			"$bt" profile -q -C "$ws" --work-dir "$r/work" \
				-o "$r/$mode.json" "$@" >/dev/null 2>"$r/err" || {
				st=$?
				[ "$st" -eq 4 ] || { cat "$r/err" >&2; return 1; }
			}
			t1=$(now)
			awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$r/$mode"
		done
		pass "$r/two.json" 1 >>"$r/p1"
		pass "$r/two.json" 2 >>"$r/p2"
		pass "$r/one.json" 1 >>"$r/s1"
		rm -rf "$r/work"
		i=$((i + 1))
	done
	p=$(median "$r/plain"); q=$(median "$r/two"); s=$(median "$r/one")
	echo "$name: $ws"
	echo "  $(units "$r/two.json") units (two passes, $(missing "$r/two.json") without profile data), $(units "$r/one.json") units (one pass, $(missing "$r/one.json") without); $rounds rounds, medians:"
	awk -v p="$p" -v q="$q" -v s="$s" -v p1="$(median "$r/p1")" \
	    -v p2="$(median "$r/p2")" -v s1="$(median "$r/s1")" 'BEGIN {
		printf "    cargo build --workspace --all-targets    %8.2f s\n", p
		printf "    bench-tests profile (two passes)          %8.2f s  %5.2fx  (target 1.75x)  pass 1 %.2f s, pass 2 %.2f s\n", q, q / p, p1, p2
		printf "    bench-tests profile --single-pass         %8.2f s  %5.2fx  (target 1.15x)  its pass %.2f s\n", s, s / p, s1
	}'
	echo "    rounds: plain $(tr '\n' ' ' <"$r/plain")| two $(tr '\n' ' ' <"$r/two")| one $(tr '\n' ' ' <"$r/one")"
}

cp -r "$top/examples/workspace" "$tmp/example"
rm -rf "$tmp/example/target"
cp -r "$top/tests/workspaces" "$tmp/tws"
rm -rf "$tmp/tws/rooted/target"
bench example "$tmp/example"
bench rooted "$tmp/tws/rooted"
if [ "$RIPGREP" != no ]; then
	if sh "$top/tests/bench/ripgrep-setup.sh" "$RIPGREP_DIR" >"$tmp/rg.log" 2>&1; then
		bench ripgrep "$RIPGREP_DIR/ws" "$RIPGREP_ROUNDS"
	else
		echo "ripgrep: not measured: $(cat "$tmp/rg.log")"
	fi
fi

# The wrapper, per call.
rustc=$(rustc --print sysroot)/bin/rustc
printf 'pub fn f() -> u32 { 1 }\n' >"$tmp/small.rs"
mkdir -p "$tmp/units" "$tmp/out"
: >"$tmp/vd"; : >"$tmp/vw"; : >"$tmp/cd"; : >"$tmp/cw"; : >"$tmp/bv"
compile="--crate-name small --crate-type lib --emit=metadata --out-dir $tmp/out $tmp/small.rs"
i=1
while [ "$i" -le "$ROUNDS" ]; do
	"$bare" "$CALLS" 5 "$rustc" -vV | awk '/^mean / {print $4}' >>"$tmp/vd"
	BENCH_TESTS_UNITS=$tmp/units "$bare" "$CALLS" 5 "$wrapper" "$rustc" -vV |
		awk '/^mean / {print $4}' >>"$tmp/vw"
	# shellcheck disable=SC2086
	"$bare" "$CALLS" 5 "$rustc" $compile | awk '/^mean / {print $4}' >>"$tmp/cd"
	# shellcheck disable=SC2086
	CARGO_CRATE_NAME=small CARGO_PKG_NAME=small BENCH_TESTS_UNITS=$tmp/units \
		"$bare" "$CALLS" 5 "$wrapper" "$rustc" $compile |
		awk '/^mean / {print $4}' >>"$tmp/cw"
	rm -f "$tmp/units"/*
	"$bare" "$CALLS" 5 "$bt" --version | awk '/^mean / {print $4}' >>"$tmp/bv"
	i=$((i + 1))
done
echo "bench-tests-rustc-wrapper, $CALLS calls x $ROUNDS rounds (median of round medians):"
awk -v vd="$(median "$tmp/vd")" -v vw="$(median "$tmp/vw")" \
    -v cd="$(median "$tmp/cd")" -v cw="$(median "$tmp/cw")" \
    -v bv="$(median "$tmp/bv")" 'BEGIN {
	printf "  rustc -vV                      %7.2f ms; through the wrapper %7.2f ms: %+.2f ms a call (target <= 2 ms)\n", vd * 1e3, vw * 1e3, (vw - vd) * 1e3
	printf "  rustc on a small crate          %7.2f ms; recorded by the wrapper %7.2f ms: %+.2f ms a call\n", cd * 1e3, cw * 1e3, (cw - cd) * 1e3
	printf "  for scale: bench-tests --version %6.2f ms (what starting bench-tests costs)\n", bv * 1e3
}'
# The same pass-through cost in alternating pairs (bench-tests ab), which
# cancels the drift between the blocks above; one exec is its floor.
BENCH_TESTS_UNITS=$tmp/units "$bt" ab -q --no-prebuild --format json \
	--commands "$rustc -vV" "$wrapper $rustc -vV" -w 5 -r "$CALLS" \
	--max-runs "$CALLS" >"$tmp/ab.json" || true
python3 - "$tmp/ab.json" <<'PY' || echo "  (ab: no result)"
import json, sys
d = json.load(open(sys.argv[1]))
base = d["baselines"]["base"]["results"][0]["mean"]
lo, hi = d["ratio_ci"]
print("  paired (bench-tests ab, %d pairs): +%.2f ms a call [%.2f, %.2f] (%s)"
      % (len(d["pairs"]), (d["ratio"] - 1) * base * 1e3, (lo - 1) * base * 1e3,
         (hi - 1) * base * 1e3, d["verdict"]))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
