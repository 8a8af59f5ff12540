#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict over every C source and header of pvtrace.
# checkpatch ships in Debian's linux-source-* packages, not in the headers:
# fetch the package once with apt and unpack just the script and its data
# files into the lab cache (outside the checkout).
# Usage: scripts/checkpatch.sh [FILE...]   (default: all of pvtrace's C files)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PVTRACE_CACHE:-/var/cache/pvtrace-lab}
pkg=${PVTRACE_CHECKPATCH_PKG:-linux-source-6.12}
dir=$cache/checkpatch/$pkg

fetch() {
	local debs deb tmp
	mkdir -p "$cache/debs" "$dir"
	debs=("$cache"/debs/"$pkg"_*.deb)
	if [ ! -f "${debs[0]}" ]; then
		(cd "$cache/debs" && apt-get download "$pkg" >/dev/null 2>&1) ||
			{ apt-get update >/dev/null && (cd "$cache/debs" && apt-get download "$pkg" >/dev/null); }
		debs=("$cache"/debs/"$pkg"_*.deb)
	fi
	deb=${debs[-1]}
	tmp=$(mktemp -d)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp" --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	cp "$tmp"/scripts/checkpatch.pl "$tmp"/scripts/spelling.txt \
		"$tmp"/scripts/const_structs.checkpatch "$dir/"
	rm -rf "$tmp"
}

[ -x "$dir/checkpatch.pl" ] || fetch
command -v perl >/dev/null || apt-get install -y --no-install-recommends perl >/dev/null

cd "$repo"
if [ $# -eq 0 ]; then
	mapfile -t files < <(git ls-files -co --exclude-standard -- \
		'module/*.[ch]' 'include/*.h' 'debugfs/*.[ch]' \
		':(glob)selftests/unit/*.[ch]' 'selftests/guest/*.c' 'scripts/pvtrace/*.[ch]' |
		sort -u)
	set -- "${files[@]}"
fi
# --no-tree: an out-of-tree module. checkpatch finds spelling.txt and
# const_structs.checkpatch beside itself.
exec perl "$dir/checkpatch.pl" --strict --no-tree --terse --show-types -f "$@"
