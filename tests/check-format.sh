#!/bin/sh
# The layout of the C sources is what .clang-format gives, nothing else.
# Fails (not skips) when clang-format is missing: .ci/install-deps installs it.
set -u
top=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
command -v clang-format >/dev/null 2>&1 || {
	echo "check-format: clang-format is not installed (apt-get install clang-format)" >&2
	exit 1
}
cd "$top" || exit 1
# The files of the project: tracked ones in a git checkout (not scratch
# files of work in progress), all of them in a release tarball.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files 'src/*.[ch]' 'stats/*.[ch]' 'reports/*.[ch]' 'tests/*.[ch]')
else
	files=$(find src stats reports tests -name '*.[ch]' | sort)
fi
bad=0
for f in $files; do
	if ! clang-format --style=file "$f" | cmp -s - "$f"; then
		echo "check-format: $f differs from clang-format's layout" >&2
		bad=$((bad + 1))
	fi
done
echo "check-format: $(echo "$files" | wc -w) files, $bad misformatted"
[ "$bad" -eq 0 ]
