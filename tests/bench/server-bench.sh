#!/bin/sh
# The results server's figures.  Run from the build tree:
#
#   make tests/bench/server-load && sh tests/bench/server-bench.sh [SECONDS]
#   sh tests/bench/server-bench.sh pages [N1 [N2 [OTHERS]]]
#
# The first (issue 5): sustained posts per second and p50/p99 latency with
# 8 concurrent clients on loopback, posting a realistic baseline (a sweep of
# 30 crates, 10 runs each), then the time of a history query over 10,000
# stored baselines.
#
# "pages" (issue 10): the benchmark page's time with N1 (1,000) and then N2
# (20,000) stored baselines that all hold the benchmark shown (3 crates, 10
# runs each: the page shows the newest 200 of them), then with OTHERS
# (5,000) more from another host that hold other benchmarks only (the case
# whose cost grew with schema 2; the facets table of schema 3 fixed it).
# BENCH_TESTS_BIN=... measures another build (an older one, to compare).
#
# Everything stays on 127.0.0.1; the server is stopped at the end.
set -eu
mode=throughput
if [ "${1:-}" = pages ]; then
	mode=pages
	shift
fi
top=${abs_top_builddir:-$(pwd)}
bin=${BENCH_TESTS_BIN:-$top/src/bench-tests}
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
echo "== machine: $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== server: $bin"

stored() {
	curl -s "$url/healthz" | sed -n 's/.*"baselines":\([0-9]*\).*/\1/p'
}

# Post copies of template $1 until $2 baselines are stored.
fill_to() {
	n=$(stored)
	if [ "$n" -lt "$2" ]; then
		"$load" fill "$url" "$1" $(($2 - n)) 4 | sed -n 1p
	fi
}

# The benchmark page and what it is made of, each 20 times.
page_times() {
	echo "== $(stored) stored; database $(du -h "$tmp/results.sqlite" | cut -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"
	"$load" get "$url/benchmarks/crate-01" 20
	"$load" get "$url/api/v1/benchmarks/crate-01/history?limit=200" 20
	"$load" get "$url/benchmarks/nonesuch" 20 404
}

if [ "$mode" = pages ]; then
	n1=${1:-1000}
	n2=${2:-20000}
	others=${3:-5000}
	"$load" gen 3 10 >"$tmp/small.json"
	"$load" gen 3 10 ci-other other >"$tmp/other.json"
	echo "== baselines of 3 results x 10 runs, $(wc -c <"$tmp/small.json") bytes"
	fill_to "$tmp/small.json" "$n1"
	page_times
	fill_to "$tmp/small.json" "$n2"
	page_times
	fill_to "$tmp/other.json" $((n2 + others))
	echo "== of which $others from ci-other, without crate-01"
	page_times
	exit 0
fi

seconds=${1:-20}
"$load" gen 30 10 >"$tmp/baseline.json"
echo "== baseline: 30 results x 10 runs, $(wc -c <"$tmp/baseline.json") bytes"
echo "== sustained posts, 8 clients, ${seconds} s"
"$load" post "$url" "$tmp/baseline.json" "$seconds" 8
n=$(stored)
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
