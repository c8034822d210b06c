#!/bin/sh
# make-profiles.sh OUTDIR: make real self-profile files for the profile
# reader's tests, with the installed rustc and cargo (REFERENCE section 1):
#
#   OUTDIR/profiles/   the sample crate (lib, lib test harness, bin,
#                      integration test) built by cargo with
#                      -Zself-profile-events=default,args
#   OUTDIR/build-analysis.jsonl  cargo's per-unit timings of that build
#   OUTDIR/odd/        one rustc run from a path with spaces and with
#                      arguments that need the metadata JSON repair
#   OUTDIR/broken/     one failed compilation
#
# Runs once per OUTDIR (OUTDIR/done marks it; a lock serialises parallel
# callers).  Fails without cargo and rustc.  Never touches the
# user's ~/.cargo: CARGO_HOME is a scratch directory, so its log/ holds only
# this build's log.
set -eu

out=${1:?usage: make-profiles.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

exec 9>"$out/.lock"
flock 9
if [ -f "$out/done" ]; then
	exit 0
fi
if ! command -v cargo >/dev/null 2>&1 || ! command -v rustc >/dev/null 2>&1
then
	echo "make-profiles.sh: no cargo or rustc on PATH (run .ci/install-deps)" >&2
	exit 1
fi

rm -rf "$out/build" "$out/profiles" "$out/cargo-home" "$out/odd" \
    "$out/odd dir" "$out/odd-out" "$out/broken" "$out/broken-out"
mkdir -p "$out/profiles" "$out/cargo-home" "$out/odd" "$out/odd dir" \
    "$out/odd-out" "$out/broken" "$out/broken-out"
# Build a copy, so that the source tree gets no target/ directory.
cp -R "$here/sample" "$out/build"

RUSTC_BOOTSTRAP=1
CARGO_INCREMENTAL=0
CARGO_HOME="$out/cargo-home"
CARGO_TARGET_DIR="$out/build/target"
CARGO_BUILD_ANALYSIS_ENABLED=true
export RUSTC_BOOTSTRAP CARGO_INCREMENTAL CARGO_HOME CARGO_TARGET_DIR \
    CARGO_BUILD_ANALYSIS_ENABLED

RUSTFLAGS="-Zself-profile=$out/profiles -Zself-profile-events=default,args" \
    cargo -Zbuild-analysis build --all-targets --offline \
    --manifest-path "$out/build/Cargo.toml" >"$out/cargo.log" 2>&1 || {
	cat "$out/cargo.log" >&2
	exit 1
}
# The build wrote one log: the only file in the scratch CARGO_HOME/log.
cat "$out/cargo-home/log"/*.jsonl >"$out/build-analysis.jsonl"

cp "$here/odd.rs" "$out/odd dir/odd lib.rs"
rustc --crate-name odd --crate-type lib --edition 2021 \
    --cfg 'foo="é"' "-Clink-arg=it's" --out-dir "$out/odd-out" \
    "-Zself-profile=$out/odd" -Zself-profile-events=default,args \
    "$out/odd dir/odd lib.rs" >"$out/odd.log" 2>&1

# A type error: rustc exits 1 and still writes its profile.
if rustc --crate-name broken --crate-type lib --edition 2021 \
    --out-dir "$out/broken-out" "-Zself-profile=$out/broken" \
    -Zself-profile-events=default,args "$here/broken.rs" \
    >"$out/broken.log" 2>&1; then
	echo "make-profiles.sh: broken.rs compiled" >&2
	exit 1
fi

touch "$out/done"
