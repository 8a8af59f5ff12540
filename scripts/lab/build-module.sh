#!/usr/bin/env bash
# Build pvtrace.ko for one guest kernel against the headers unpacked by setup.sh.
# Usage: build-module.sh KVER      (KVER: K61, K612, 6.1, 6.12 or a full release)
# Output: $BUILD/<release>/pvtrace.ko, build log in $BUILD/<release>/build.log.
# Fails on any compiler or modpost warning (W=1 build).
# Env: PVTRACE_SRC (source tree, default the checkout), PVTRACE_MAKE_ARGS (e.g. "C=1").
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ $# -eq 1 ] || die "usage: $0 KVER"
kver=$(resolve_kver "$1")
kdir=$(kdir_of "$kver")
[ -f "$kdir/Makefile" ] || die "no headers for $kver in $kdir: run scripts/lab/setup.sh"
src=${PVTRACE_SRC:-$REPO}
out=$BUILD/$kver

# Build from a copy: kbuild writes its objects next to the sources, and one copy per
# kernel lets both kernels' builds coexist without `make clean` in the checkout.
rm -rf "$out/src"
mkdir -p "$out/src"
for f in Kbuild module include debugfs scripts; do
	if [ -e "$src/$f" ]; then cp -a "$src/$f" "$out/src/"; fi
done
[ -f "$out/src/Kbuild" ] || die "$src/Kbuild missing"

log "building pvtrace.ko for $kver"
# PVTRACE_MAKE_ARGS is a list of make arguments, e.g. "C=2".
read -ra make_args <<<"${PVTRACE_MAKE_ARGS:-}"
version=$(make -s --no-print-directory -C "$REPO" version)
if ! make -C "$kdir" M="$out/src" W=1 -j"$(nproc)" PVTRACE_VERSION="$version" \
	"${make_args[@]}" modules >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	die "build failed for $kver (log: $out/build.log)"
fi
# gcc says "warning:", modpost "WARNING:", sparse "warning:" or "error:"
# (sparse errors do not stop the build); any of them fails it.
if grep -qiE 'warning:|error:' "$out/build.log"; then
	grep -iE -B2 -A3 'warning:|error:' "$out/build.log" >&2
	die "build for $kver printed warnings (log: $out/build.log)"
fi
cp "$out/src/pvtrace.ko" "$out/pvtrace.ko"
log "built $out/pvtrace.ko"
