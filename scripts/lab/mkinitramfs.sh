#!/usr/bin/env bash
# Build the guest initramfs: static busybox, /pvtrace.ko for KVER, the static pvtrace
# command as /usr/bin/pvtrace, node_exporter and tmux (with their libraries),
# selftests/guest as /selftests and its init as /init.
# Usage: mkinitramfs.sh [--small] KVER OUT.cpio.gz
#   --small: without node_exporter, tmux, the benchmark module and the pvtrace command (a third
#            of the size), for an HVM domU, whose firmware copies the initramfs in
#            through port I/O (Documentation/lab-domu.rst); 90-exporter.sh then skips
#            node_exporter, 92-pvtrace-cmd.sh everything.
# Env: PVTRACE_GUEST_DIR (default selftests/guest of the checkout).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

small=0
[ "${1:-}" = --small ] && small=1 && shift
[ $# -eq 2 ] || die "usage: $0 [--small] KVER OUT.cpio.gz"
kver=$(resolve_kver "$1")
out=$2
guest=${PVTRACE_GUEST_DIR:-$REPO/selftests/guest}
ko=$BUILD/$kver/pvtrace.ko

[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: run scripts/lab/setup.sh"
[ -f "$ko" ] || die "$ko missing: run scripts/lab/build-module.sh $kver"
[ -f "$guest/init" ] || die "$guest/init missing"

# The guest tests may need helpers built on the host (selftests/guest/Makefile builds
# static binaries into its bin/): build them so the lab works from a fresh clone.
if [ -f "$guest/Makefile" ]; then
	make -s -C "$guest" >&2 || die "building the in-guest helpers ($guest/Makefile) failed"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run}
cp "$BUSYBOX" "$stage/bin/busybox"
# Only /bin/sh is needed before init runs `busybox --install -s`.
ln -s busybox "$stage/bin/sh"
cp "$ko" "$stage/pvtrace.ko"
# xen-privcmd (hypercalls from userspace), xen-evtchn (event channels
# from userspace), xen-gntdev and xen-gntalloc (grants from userspace):
# Debian builds them as modules; 6.12 ships them xz-compressed, which
# busybox insmod cannot read.
for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc; do
	f=$(find "$(moddir_of "$kver")/kernel/drivers/xen" -name "$m.ko*" | head -n 1)
	case $f in
	*.xz) xz -dc "$f" >"$stage/$m.ko" ;;
	?*) cp "$f" "$stage/$m.ko" ;;
	*) log "no $m module for $kver: the tests that need it will skip" ;;
	esac
done
# xen-netfront and xen-blkfront (no dependencies in Debian's builds), for the
# driver hook's load/unload tests (selftests/guest/tests/62-drivers.sh).
for m in net/xen-netfront block/xen-blkfront; do
	f=$(find "$(moddir_of "$kver")/kernel/drivers/${m%/*}" -name "${m#*/}.ko*" | head -n 1)
	case $f in
	*.xz) xz -dc "$f" >"$stage/${m#*/}.ko" ;;
	?*) cp "$f" "$stage/${m#*/}.ko" ;;
	*) log "no ${m#*/} module for $kver: the tests that need it will skip" ;;
	esac
done
# The benchmark module of make bench (selftests/guest/kmod), for this kernel.
if [ "$small" = 0 ] && [ -f "$guest/kmod/Kbuild" ]; then
	hb=$BUILD/$kver/hbench
	PVTRACE_SRC=$guest/kmod PVTRACE_MAKE_ARGS='' "$LAB_DIR/build-module.sh" \
		--module pvtrace_hbench --out "$hb" "$kver" >&2 ||
		die "building the benchmark module for $kver failed"
	cp "$hb/pvtrace_hbench.ko" "$stage/"
fi
# scripts/pvtrace-exporter and Debian's node_exporter (unpacked by setup.sh), with the
# shared libraries it needs (it is not static), for selftests/guest/tests/90-exporter.sh.
install -m 0755 "$REPO/scripts/pvtrace-exporter" "$stage/usr/bin/pvtrace-exporter"
install -m 0755 "$REPO/scripts/pvtrace-report" "$stage/usr/bin/pvtrace-report"
# The pvtrace command, static, for selftests/guest/tests/92-pvtrace-cmd.sh (group
# "command", which the --small image's rows do not run): built here if needed (make
# pvtrace; under a lock, as rows build their images at once).
if [ "$small" = 0 ]; then
	mkdir -p "$BUILD"
	flock "$BUILD/.pvtrace-cmd.lock" make -s -C "$REPO" pvtrace >&2 ||
		die "building the pvtrace command (make pvtrace) failed"
	install -m 0755 "$REPO/pvtrace" "$stage/usr/bin/pvtrace"
fi
# copy_prog BIN DEST: a dynamically linked program as DEST in the image, with the
# libraries the host's loader finds for it.
copy_prog() {
	install -D -m 0755 "$1" "$stage$2"
	for lib in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
ne=$ROOTFS/usr/bin/prometheus-node-exporter
if [ "$small" = 1 ]; then
	:
elif [ -x "$ne" ]; then
	copy_prog "$ne" /usr/bin/prometheus-node-exporter
else
	log "no $ne (scripts/lab/setup.sh): 90-exporter.sh will skip node_exporter"
fi
# tmux, a terminal for 92-pvtrace-cmd.sh to drive `pvtrace top` through: the host's
# (scripts/lab/setup.sh installs it), with the C.UTF-8 locale it insists on.
tm=$(command -v tmux || true)
if [ "$small" = 1 ]; then
	:
elif [ -n "$tm" ] && [ -d /usr/lib/locale/C.utf8 ]; then
	copy_prog "$tm" /usr/bin/tmux
	mkdir -p "$stage/usr/lib/locale"
	cp -a /usr/lib/locale/C.utf8 "$stage/usr/lib/locale/"
else
	log "no tmux or no /usr/lib/locale/C.utf8 on the host: 92-pvtrace-cmd.sh will skip top in a terminal"
fi
cp -a "$guest" "$stage/selftests"
install -m 0755 "$guest/init" "$stage/init"

mkdir -p "$(dirname "$out")"
# -R 0:0: files owned by root in the guest whoever built the image.
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --quiet -o -0 -H newc -R 0:0 --reproducible) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "initramfs $out ($(du -k "$out" | cut -f1) KiB) for $kver"
