#!/bin/sh
# The gate's power and false-alarm rate on real runs of a program of known
# speed and noise (make bench-gate).  For each wall-time CV (2, 8, 15 %)
# and each gate, it measures the stored baseline (behave noisy-sleep: a
# sleep of MEAN seconds on average, plus a uniform noise sized for the CV)
# and, right after it so that the machine's state is shared, the result of
# the same program made 0, 5, 10 and 20 % slower (the sleep longer by that
# much of MEAN, the same noise).  Each baseline has 10 runs; the table
# judges each gate at 5 runs (the first five) and at 10, with the rule of
# this version and the seeds' rule it replaced (tests/bench/gate-power.c).
#
#   GATES=20 MEAN=0.08 WARN=5 FAIL=10 sh tests/bench/gate-power.sh
#
# The machine's own jitter adds to the designed noise: the table gives the
# CV the before-baselines really had.  Run from the build tree; about 8
# minutes with the defaults on an idle 2-core machine.
set -eu
GATES=${GATES:-20}
MEAN=${MEAN:-0.08}
WARN=${WARN:-5}
FAIL=${FAIL:-10}
CVS=${CVS:-2,8,15}
SLOWDOWNS=${SLOWDOWNS:-0,5,10,20}
RUNS=${RUNS:-10}
bt=${BENCH_TESTS:-./src/bench-tests}
behave=${BEHAVE:-./tests/progs/behave}
power=${GATE_POWER:-./tests/bench/gate-power}
dir=${DIR:-tests/work/gate-power}

[ -x "$bt" ] && [ -x "$behave" ] && [ -x "$power" ] || {
	echo "gate-power: build first (make src/bench-tests" \
		"tests/progs/behave tests/bench/gate-power)" >&2
	exit 1
}
behave=$(cd "$(dirname "$behave")" && pwd)/$(basename "$behave")
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd) # the runs start in /

# measure OUT SEED BASE SPREAD: RUNS runs of behave noisy-sleep.
measure() {
	echo "$2 0" >"$1.noise"
	# -C /: no git probe; PATH without cargo: no toolchain probe.
	PATH=/usr/bin:/bin "$bt" --no-prebuild -q -C / -w 0 -r "$RUNS" \
		--max-runs "$RUNS" -n gate -o "$1" -- \
		"$behave" noisy-sleep "$1.noise" "$3" "$4" 2>>"$dir/warnings"
}

start=$(date +%s)
echo "gate-power: $GATES gates per cell, CVs $CVS %, slowdowns" \
	"$SLOWDOWNS %, $RUNS runs each; load: $(cut -d' ' -f1-3 /proc/loadavg)"
seed=1
for cv in $(echo "$CVS" | tr , ' '); do
	mkdir -p "$dir/cv$cv"
	# Uniform noise U(0, S): sd S / sqrt(12), so S = CV sqrt(12) MEAN.
	spread=$(awk -v c="$cv" -v m="$MEAN" \
		'BEGIN { printf "%.6f", c / 100 * sqrt(12) * m }')
	base=$(awk -v s="$spread" -v m="$MEAN" \
		'BEGIN { printf "%.6f", m - s / 2 }')
	i=1
	while [ "$i" -le "$GATES" ]; do
		measure "$dir/cv$cv/before-$i.json" "$seed" "$base" "$spread"
		seed=$((seed + 1))
		for s in $(echo "$SLOWDOWNS" | tr , ' '); do
			b=$(awk -v b="$base" -v m="$MEAN" -v s="$s" \
				'BEGIN { printf "%.6f", b + m * s / 100 }')
			measure "$dir/cv$cv/after$s-$i.json" "$seed" "$b" \
				"$spread"
			seed=$((seed + 1))
		done
		i=$((i + 1))
	done
	echo "gate-power: CV $cv % measured ($(($(date +%s) - start)) s)"
done
echo "gate-power: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$power" "$dir" "$GATES" "$WARN" "$FAIL" "$CVS" "$SLOWDOWNS" 5,10
