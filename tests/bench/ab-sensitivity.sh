#!/bin/sh
# Sensitivity of ab's pairs against two sequential runs plus compare
# (make bench-ab).  Under a drifting background load (behave burner: a
# process that burns CPU and rests in random turns of 2-6 s, and stretches
# the sleeps of behave drift-sleep by 10 % while it burns), a program of
# known speed (drift-sleep of BASE = 0.1 s) is compared with the same
# program made 2 % and 5 % slower.  For each
# number of runs N (pairs for ab, runs per side for run + compare) it counts
# in how many of TRIALS trials each method calls the slowdown significant
# (verdict "slower"), and it reports the smallest N from which every N
# measured reached at least 9 of 10.
#
#   TRIALS=10 NS="6 10 15 20 30 40" SLOWDOWNS="5 2" sh tests/bench/ab-sensitivity.sh
#
# Run from the build tree.  A trial of N costs about 4 N x BASE (both
# methods); the defaults take some 30 minutes.
set -eu
TRIALS=${TRIALS:-10}
NS=${NS:-6 10 15 20 30 40}
SLOWDOWNS=${SLOWDOWNS:-5 2}
BASE=${BASE:-0.1}
bt=${BENCH_TESTS:-./src/bench-tests}
behave=${BEHAVE:-./tests/progs/behave}
dir=${DIR:-tests/work/ab-sensitivity}

[ -x "$bt" ] && [ -x "$behave" ] || {
	echo "ab-sensitivity: build first (make src/bench-tests" \
		"tests/progs/behave)" >&2
	exit 1
}
command -v jq >/dev/null || { echo "ab-sensitivity: needs jq" >&2; exit 1; }
behave=$(cd "$(dirname "$behave")" && pwd)/$(basename "$behave")
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

"$behave" burner 100000 3 1 "$dir/factor" &
burner=$!
trap 'kill $burner 2>/dev/null; wait $burner 2>/dev/null || true' EXIT INT TERM

printf 'load: drifting burner (1 process, sleeps +10 %% while it burns) on %s cores; load average %s\n' \
	"$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-5s %-22s %-22s\n' slowdown N "ab pairs: slower/trials" \
	"run+compare: slower/trials"
for pct in $SLOWDOWNS; do
	slow=$(awk "BEGIN { print $BASE * (1 + $pct / 100) }")
	ab_need= seq_need=
	for n in $NS; do
		ab_hits=0 seq_hits=0 t=0
		while [ "$t" -lt "$TRIALS" ]; do
			t=$((t + 1))
			v=$("$bt" ab --commands "$behave drift-sleep $dir/factor $BASE" \
				"$behave drift-sleep $dir/factor $slow" -w 1 \
				-r "$n" --max-runs "$n" \
				--format json -q | jq -r .verdict)
			[ "$v" = slower ] && ab_hits=$((ab_hits + 1))
			"$bt" run --no-prebuild -q -w 1 -r "$n" --max-runs "$n" \
				-n p -o "$dir/a.json" -- "$behave" drift-sleep \
				"$dir/factor" "$BASE"
			"$bt" run --no-prebuild -q -w 1 -r "$n" --max-runs "$n" \
				-n p -o "$dir/b.json" -- "$behave" drift-sleep \
				"$dir/factor" "$slow"
			v=$("$bt" compare "$dir/a.json" "$dir/b.json" \
				--format json | jq -r '.benchmarks[0].verdict')
			[ "$v" = slower ] && seq_hits=$((seq_hits + 1))
		done
		printf '%-9s %-5s %-22s %-22s\n' "+$pct %" "$n" \
			"$ab_hits/$TRIALS" "$seq_hits/$TRIALS"
		# The smallest N from which every N measured held 9 in 10
		# (more runs need not help run+compare: its two blocks drift
		# apart the longer they take).
		need=$(((TRIALS * 9 + 9) / 10))
		if [ "$ab_hits" -ge "$need" ]; then
			[ -z "$ab_need" ] && ab_need=$n
		else
			ab_need=
		fi
		if [ "$seq_hits" -ge "$need" ]; then
			[ -z "$seq_need" ] && seq_need=$n
		else
			seq_need=
		fi
	done
	printf 'runs from which every N measured called it in 9 of 10 at +%s %%: ab %s pairs, run+compare %s runs per side\n' \
		"$pct" "${ab_need:-none}" "${seq_need:-none}"
done
