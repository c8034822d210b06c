#!/bin/sh
# Seeds for baseline-fuzzer that only a measurement gives: baselines written
# by the bench-tests just built.  tests/fuzz/run.sh runs this in the build
# directory with the corpus directory as $1.
set -eu
out=$1
bt=./src/bench-tests
$bt --no-prebuild -q -w 0 -r 3 --max-runs 3 -o "$out/measured-true.json" -- true
$bt --no-prebuild -q -w 0 -r 1 --max-runs 1 -l one-run \
	-o "$out/measured-one-run.json" -- true
$bt --no-prebuild -q -w 0 -r 2 --max-runs 2 --ignore-failure -n failing \
	-o "$out/measured-failing.json" -- false
$bt --no-prebuild -q -w 0 -r 2 --max-runs 2 --ignore-failure \
	-o "$out/measured-signal.json" -- sh -c 'kill -9 $$'
$bt --no-prebuild -q -w 0 -r 2 --max-runs 2 --phases \
	-o "$out/measured-phases.json" -- \
	sh -c 'echo phase=a time_ms=1; echo phase=b time_us=5 >&2'
