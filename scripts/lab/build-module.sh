#!/usr/bin/env bash
# Build pvtrace.ko for one guest kernel: on the host against the headers unpacked by
# setup.sh, or, for a line built in a Debian root of a newer suite (common.sh, LINES),
# inside that root with the kernel's own compiler and kbuild tools.
# Usage: build-module.sh [--module NAME] [--out DIR] KVER
#   KVER: a line (K61), 6.1, 7.2 or a release
#   --module NAME: the module the tree builds (default pvtrace; setup.sh --check builds
#                  a hello module, mkinitramfs.sh the benchmark module)
#   --out DIR: where it goes (default $BUILD/<release>)
# Output: DIR/NAME.ko, the objects in DIR/src, the build log in DIR/build.log. Fails on
# any compiler or modpost warning (W=1 build). A build of the same sources with the same
# arguments that already succeeded is not done again (DIR/build.stamp); one that ran
# sparse (C=1, C=2) stands for one that did not.
# Env: PVTRACE_SRC (source tree, default the checkout), PVTRACE_MAKE_ARGS (e.g. "C=1").
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

module=pvtrace out=''
while [ $# -gt 1 ]; do
	case $1 in
	--module) module=$2 ;;
	--out) out=$2 ;;
	*) die "usage: $0 [--module NAME] [--out DIR] KVER" ;;
	esac
	shift 2
done
[ $# -eq 1 ] || die "usage: $0 [--module NAME] [--out DIR] KVER"
kver=$(resolve_kver "$1")
kdir=$(kdir_of "$kver")
root=$(buildroot_of "$kver")
[ -f "$kdir/Makefile" ] || die "no headers for $kver in $kdir: run scripts/lab/setup.sh"
src=${PVTRACE_SRC:-$REPO}
out=${out:-$BUILD/$kver}

# What this build is made of: the sources, the arguments but sparse's, the kernel; and
# whether it runs sparse.
files=()
for f in Kbuild module include debugfs scripts "$module.c"; do
	[ -e "$src/$f" ] && files+=("$f")
done
args=''
# shellcheck disable=SC2086 # a list of arguments
for a in ${PVTRACE_MAKE_ARGS:-}; do
	case $a in C=*) ;; *) args+="$a " ;; esac
done
sparse=0
case " ${PVTRACE_MAKE_ARGS:-} " in *" C="[12]" "*) sparse=1 ;; esac
stamp=$( (
	cd "$src" && find "${files[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	echo "$module $kver $args $(make -s --no-print-directory -C "$REPO" version)"
) | sha256sum | cut -d' ' -f1)
read -r old old_sparse <"$out/build.stamp" 2>/dev/null || old=
if [ -s "$out/$module.ko" ] && [ "$old" = "$stamp" ] && [ "${old_sparse:-0}" -ge "$sparse" ]; then
	log "$module.ko for $kver is up to date ($out)"
	exit 0
fi
rm -f "$out/build.stamp"

# Build from a copy: kbuild writes its objects next to the sources, and one copy per
# kernel lets the kernels' builds coexist without `make clean` in the checkout. In a
# build root, the copy lives in the root, and $out/src points at it.
rm -rf "$out/src"
mkdir -p "$out"
if [ -n "$root" ]; then
	wdir=$root/build/$(echo "$out" | md5sum | cut -c1-12)
	rm -rf "$wdir"
	mkdir -p "$wdir/src"
	ln -s "$wdir/src" "$out/src"
else
	mkdir -p "$out/src"
fi
for f in "${files[@]}"; do
	cp -a "$src/$f" "$out/src/"
done
[ -f "$out/src/Kbuild" ] || die "$src/Kbuild missing"

log "building $module.ko for $kver${root:+ in $root}"
# PVTRACE_MAKE_ARGS is a list of make arguments, e.g. "C=2".
read -ra make_args <<<"${PVTRACE_MAKE_ARGS:-}"
version=$(make -s --no-print-directory -C "$REPO" version)
# The headers name the compiler the kernel was built with (.kernelvariables); on the
# host, 5.10's gcc-10 is not in bookworm: the host's gcc-12 builds it warning-free.
cc=$(sed -nE 's/^CC *= .*\)(gcc-[0-9]+)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null | head -n 1)
if [ -z "$root" ] && [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
	make_args+=(CC=gcc-12)
	log "$cc is not on this host: building with gcc-12"
fi
if [ -n "$root" ]; then
	# objtool reads /proc: a private mount namespace with /proc in the root.
	run=(unshare -m --propagation private sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"'
		sh "$root" "$root")
	mdir=${wdir#"$root"}/src
	kd=/usr/src/linux-headers-$kver
else
	run=()
	mdir=$out/src
	kd=$kdir
fi
if ! "${run[@]}" make -C "$kd" M="$mdir" W=1 -j"$(nproc)" PVTRACE_VERSION="$version" \
	"${make_args[@]}" modules >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	die "build failed for $kver (log: $out/build.log)"
fi
# gcc says "warning:", modpost "WARNING:", sparse "warning:" or "error:"
# (sparse errors do not stop the build); any of them fails it. pahole's version
# differing from the kernel's is not about the module.
if grep -iE 'warning:|error:' "$out/build.log" | grep -qv 'pahole version differs'; then
	grep -iE -B2 -A3 'warning:|error:' "$out/build.log" >&2
	die "build for $kver printed warnings (log: $out/build.log)"
fi
cp "$out/src/$module.ko" "$out/$module.ko"
echo "$stamp $sparse" >"$out/build.stamp"
log "built $out/$module.ko"
