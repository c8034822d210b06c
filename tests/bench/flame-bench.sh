#!/bin/sh
# flame's own cost (make bench-flame): the wall time of a run recorded by
# `bench-tests flame` against a plain run of the same workspace, the time
# perf script takes, and the time bench-tests takes to turn its output into
# the report; per configuration (call graph mode and frequency), with the
# share of samples whose stacks are whole (they reach _start or a thread's
# start), overall and in the test binaries, and the test binaries' mean
# stack depth (frame pointers reach the thread's start but skip the frames
# of functions built without them: Rust's std, and with it the tests' own).
#
#   BENCH=src/bench-tests WS=examples/workspace sh tests/bench/flame-bench.sh
#
# Environment:
#   BENCH    the bench-tests binary (default src/bench-tests)
#   WS       the workspace (default: examples/workspace next to this script)
#   RUNS     rounds (default 5): each round runs the plain command once and
#            each configuration once, interleaved, so drift hits all alike
#   CONFIGS  "MODE:HZ ..." (default "dwarf:999 fp:999 dwarf:99 dwarf:4999")
#   WORK     scratch directory (default tests/work/flame-bench)
# Figures are means with standard deviations over the rounds; note the
# load (printed) when you quote them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH:-src/bench-tests}
ws=${WS:-$here/../../examples/workspace}
runs=${RUNS:-5}
configs=${CONFIGS:-"dwarf:999 fp:999 dwarf:99 dwarf:4999"}
work=${WORK:-tests/work/flame-bench}

command -v perf >/dev/null || { echo "flame-bench: perf is not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "flame-bench: python3 is needed" >&2; exit 1; }
mkdir -p "$work"
work=$(cd "$work" && pwd)
ws=$(cd "$ws" && pwd)
echo "flame-bench: $ws, $runs rounds; load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
(cd "$ws" && cargo test --workspace --no-run -q >/dev/null 2>&1)

i=1
while [ "$i" -le "$runs" ]; do
	"$bench" run -q -C "$ws" --no-prebuild --warmup 0 --runs 1 \
		--max-runs 1 -o "$work/plain-$i.json"
	for c in $configs; do
		mode=${c%%:*}
		hz=${c#*:}
		"$bench" flame -q -C "$ws" --no-prebuild -g "$mode" -F "$hz" \
			-o "$work/$mode-$hz-$i"
	done
	i=$((i + 1))
done

python3 - "$work" "$runs" $configs <<'EOF'
import json, re, statistics, sys
work, runs, configs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def ms(xs):
    return "%6.3f ± %5.3f" % (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0)
plain = [json.load(open("%s/plain-%d.json" % (work, i)))["results"][0]["mean"]
         for i in range(1, runs + 1)]
print("plain cargo test: wall %s s" % ms(plain))
roots = re.compile(r"^(_start|__clone3|clone3|__clone|clone|start_thread|thread_start)$")
test_bin = re.compile(r"-[0-9a-f]{4,}$")
print("%-11s %17s %7s %15s %15s %8s %7s %7s %6s" % ("config", "recorded wall s", "ratio",
      "perf script s", "report s", "samples", "whole", "tests", "depth"))
for c in configs:
    mode, hz = c.split(":")
    rec, scr, rep, smp, whole, tw, depth = [], [], [], [], [], [], []
    for i in range(1, runs + 1):
        d = "%s/%s-%s-%d" % (work, mode, hz, i)
        r = json.load(open(d + "/report.json"))
        rec.append(r["timings"]["record_s"]); scr.append(r["timings"]["script_s"])
        rep.append(r["timings"]["report_s"]); smp.append(r["samples"])
        n = w = tn = twn = td = 0
        for line in open(d + "/stacks.folded"):
            frames, count = line.rstrip("\n").rsplit(" ", 1)
            f = frames.split(";"); k = int(count)
            ok = len(f) > 1 and roots.match(f[1]) is not None
            n += k; w += k * ok
            if test_bin.search(f[0]):
                tn += k; twn += k * ok; td += k * (len(f) - 1)
        whole.append(100.0 * w / n); tw.append(100.0 * twn / tn if tn else 0)
        depth.append(td / tn if tn else 0)
    print("%-11s %17s %6.2fx %15s %15s %8d %6.1f%% %6.1f%% %6.1f" % (
        c, ms(rec), statistics.mean(rec) / statistics.mean(plain), ms(scr), ms(rep),
        statistics.mean(smp), statistics.mean(whole), statistics.mean(tw),
        statistics.mean(depth)))
EOF
