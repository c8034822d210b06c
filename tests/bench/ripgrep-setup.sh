#!/bin/sh
# Assemble ripgrep 13's workspace (a root package and 9 member crates, 56
# packages in all) from Debian's archive, for `make bench-profile`, offline:
# ripgrep's source from `apt-get source ripgrep` (a deb-src entry must be
# configured), its member crates (grep, grep-cli, grep-matcher, grep-pcre2,
# grep-printer, grep-regex, grep-searcher, globset, ignore) from Debian's
# crate registry (/usr/share/cargo/registry, librust-*-dev packages) as
# path members under crates/, every other crate from that registry through
# source replacement in the workspace's own .cargo/config.toml.  Debian's
# grep has no simd-accel feature: ripgrep's feature of that name goes.
# Nothing of ripgrep is committed here.
#
#   sh tests/bench/ripgrep-setup.sh DIR     # the workspace is DIR/ws
#
# Exit status 0 when DIR/ws is ready (also when it already was); 1 with the
# reason on stderr when it cannot be made (missing packages, no deb-src).
set -eu
dir=${1:?usage: ripgrep-setup.sh DIR}
ws=$dir/ws
reg=/usr/share/cargo/registry
[ -f "$ws/.ready" ] && exit 0

fail() {
	echo "ripgrep-setup: $*" >&2
	exit 1
}

# The crates it needs (dev-dependencies included: --all-targets builds
# the tests) and the packages that bring them.
crates="grep grep-cli grep-matcher grep-pcre2 grep-printer grep-regex
	grep-searcher globset ignore bstr clap lazy_static log num_cpus regex
	serde_json termcolor serde serde_derive crossbeam-channel glob"
packages="librust-grep-dev librust-grep-cli-dev librust-grep-matcher-dev
	librust-grep-pcre2-dev librust-grep-printer-dev librust-grep-regex-dev
	librust-grep-searcher-dev librust-globset-dev librust-ignore-dev
	librust-bstr-0.2+default-dev librust-clap-2+suggestions-dev
	librust-lazy-static-1+default-dev librust-log-0.4+default-dev
	librust-num-cpus-1+default-dev librust-regex-1+default-dev
	librust-serde-json-1+default-dev librust-termcolor-1+default-dev
	librust-serde-1+derive-dev librust-crossbeam-channel-dev
	librust-glob-dev dpkg-dev"
for c in $crates; do
	ls -d "$reg/$c-"[0-9]* >/dev/null 2>&1 ||
		fail "crate $c is not in $reg; as root:" \
			"apt-get install" $packages
done
command -v cargo >/dev/null 2>&1 || fail "no cargo on PATH"

mkdir -p "$dir"
src=$(find "$dir" -maxdepth 1 -type d -name 'rust-ripgrep-*' | head -n 1)
if [ -z "$src" ]; then
	(cd "$dir" && apt-get source ripgrep >"$dir/apt-source.log" 2>&1) ||
		fail "apt-get source ripgrep failed (is a deb-src entry" \
			"configured?); see $dir/apt-source.log"
	src=$(find "$dir" -maxdepth 1 -type d -name 'rust-ripgrep-*' | head -n 1)
	[ -n "$src" ] || fail "apt-get source ripgrep unpacked nothing"
fi

rm -rf "$ws"
cp -r "$src" "$ws"
rm -rf "$ws/debian" "$ws/.pc" "$ws/Cargo.lock"
mkdir -p "$ws/crates" "$ws/.cargo"
members=
patch=
for spec in globset:globset grep:grep grep-cli:cli grep-matcher:matcher \
    grep-pcre2:pcre2 grep-printer:printer grep-regex:regex \
    grep-searcher:searcher ignore:ignore; do
	name=${spec%%:*}
	sub=${spec##*:}
	crate=$(find "$reg" -maxdepth 1 -type d -name "$name-[0-9]*" | sort -V |
		tail -n 1)
	[ -n "$crate" ] || fail "$name is not in $reg"
	cp -r "$crate" "$ws/crates/$sub"
	rm -f "$ws/crates/$sub/.cargo-checksum.json"
	members="$members${members:+, }\"crates/$sub\""
	patch="$patch$name = { path = \"crates/$sub\" }
"
done
sed -i '/^simd-accel = \["grep\/simd-accel"\]/d' "$ws/Cargo.toml"
cat >>"$ws/Cargo.toml" <<EOF

[workspace]
members = [$members]

[patch.crates-io]
$patch
EOF
cat >"$ws/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "$reg"
EOF
(cd "$ws" && cargo generate-lockfile --offline >"$dir/lock.log" 2>&1) ||
	fail "cargo generate-lockfile failed; see $dir/lock.log"
n=$(cd "$ws" && cargo metadata --format-version 1 --no-deps --offline |
	grep -o '"workspace_members":\[[^]]*\]' | grep -o '"[^"]*#' | wc -l)
[ "$n" -eq 10 ] || fail "the workspace has $n members, not 10"
touch "$ws/.ready"
echo "ripgrep-setup: $ws (10 members, $(grep -c '^name = ' "$ws/Cargo.lock") packages)"
