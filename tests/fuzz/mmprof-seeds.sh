#!/bin/sh
# Seeds for mmprof-fuzzer: hand-built profiles (tests/fuzz/mmprof-seeds.c
# writes them: tiny pages, interleaved streams, v8 and v9, damage), so no
# binary file is committed.  Runs in the build directory; $1 is the corpus.
set -eu
./tests/fuzz/mmprof-seeds "$1"
