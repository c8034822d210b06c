#!/bin/sh
# The results server's figures (issue 5): sustained posts per second and
# p50/p99 latency with 8 concurrent clients on loopback, posting a
# realistic baseline (a sweep of 30 crates, 10 runs each), then the time of
# a history query over 10,000 stored baselines.  Run from the build tree:
#
#   make tests/bench/server-load && sh tests/bench/server-bench.sh [SECONDS]
#
# Everything stays on 127.0.0.1; the server is stopped at the end.
set -eu
seconds=${1:-20}
top=${abs_top_builddir:-$(pwd)}
bin=$top/src/bench-tests
load=$top/tests/bench/server-load
[ -x "$bin" ] && [ -x "$load" ] || {
	echo "server-bench: build first: make src/bench-tests tests/bench/server-load" >&2
	exit 2
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/server-bench.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

BENCH_TESTS_TOKEN=bench-$$-token
export BENCH_TESTS_TOKEN
echo "$BENCH_TESTS_TOKEN" >"$tmp/tokens"
chmod 600 "$tmp/tokens"
"$bin" serve --db "$tmp/results.sqlite" --listen 127.0.0.1:0 \
	--token-file "$tmp/tokens" --quiet >"$tmp/url" 2>"$tmp/serve.log" &
pid=$!
i=0
until grep -q '^listening on ' "$tmp/url" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { cat "$tmp/serve.log"; exit 1; }
	sleep 0.05
done
url=$(sed -n 's|^listening on \(.*\)/$|\1|p' "$tmp/url")

"$load" gen 30 10 >"$tmp/baseline.json"
echo "== machine: $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== baseline: 30 results x 10 runs, $(wc -c <"$tmp/baseline.json") bytes"
echo "== sustained posts, 8 clients, ${seconds} s"
"$load" post "$url" "$tmp/baseline.json" "$seconds" 8
n=$(curl -s "$url/healthz" | sed -n 's/.*"baselines":\([0-9]*\).*/\1/p')
if [ "$n" -lt 10000 ]; then
	echo "== filling to 10000 baselines ($((10000 - n)) more)"
	"$load" fill "$url" "$tmp/baseline.json" $((10000 - n)) 8 | sed -n 1p
fi
echo "== stored: $(curl -s "$url/healthz")"
echo "== database: $(du -h "$tmp/results.sqlite" | cut -f1) (+ WAL $(du -h "$tmp/results.sqlite-wal" 2>/dev/null | cut -f1))"
echo "== history of one benchmark over every baseline"
"$load" get "$url/api/v1/benchmarks/crate-07/history?limit=10000" 20
"$load" get "$url/api/v1/benchmarks/crate-07/history" 20
echo "== pages"
"$load" get "$url/benchmarks/crate-07" 10
"$load" get "$url/benchmarks/crate-07?limit=10000" 5
"$load" get "$url/" 10
"$load" get "$url/api/v1/baselines/latest?label=nightly&benchmark=crate-07" 20
