#!/usr/bin/env bash
# Build (once) the dom0 root file system of the domU lab (Documentation/lab-domu.rst): a
# Debian bookworm minbase with the Xen 4.17 toolstack, as an ext4 image made with
# `mkfs.ext4 -d` (no mount, no loop device) at $CACHE/dom0/rootfs.ext4.
# The image holds no kernel, module or pvtrace file: boot-domu.sh brings those per run,
# so the image does not depend on the checkout or the kernel versions and is rebuilt
# only when the package list below (or PVTRACE_DEBIAN_MIRROR) changes.
# Usage: dom0fs.sh [--hvm] [--xen 4.17|4.20] [--force]   (as root; prints the image's path)
#   --hvm: a second image, rootfs-hvm.ext4, that also has the device model an HVM domU
#          needs (qemu-system-xen, seabios): for boot.sh --mode domu-pvhvm only.
#   --xen 4.20: Debian trixie with its Xen 4.20 toolstack instead (rootfs[-hvm]-4.20.ext4),
#          for boot.sh --xen 4.20: the toolstack must match the hypervisor.
# Env: PVTRACE_CACHE; PVTRACE_DEBIAN_MIRROR (default http://deb.debian.org).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# xen-utils-4.17 brings xl, xenstored, xenconsoled, the hotplug scripts and (through
# xen-utils-common) udev and python3; bash runs the hotplug scripts; the rest is for
# scripts/lab/dom0/run.sh (ip, bridge, losetup, modprobe, busybox httpd and nc).
DOM0_PKGS=(xen-utils-4.17 xenstore-utils busybox iproute2 kmod util-linux procps bash)
MIRROR=${PVTRACE_DEBIAN_MIRROR:-http://deb.debian.org}
# Same suites as the hypervisor setup.sh unpacks (bookworm-security carries the newest
# 4.17, trixie's suites 4.20), so that toolstack and hypervisor match.
SUITE=bookworm
SOURCES=("deb $MIRROR/debian bookworm main" "deb $MIRROR/debian bookworm-updates main"
	"deb $MIRROR/debian-security bookworm-security main")
TRIXIE_SOURCES=("deb $MIRROR/debian trixie main" "deb $MIRROR/debian trixie-updates main"
	"deb $MIRROR/debian-security trixie-security main")
# Not needed at run time: deleted from the tree before mkfs, to keep the image small.
# (Deleted afterwards, not dpkg path-exclude'd: dpkg then fails on nested directories,
# e.g. "error creating directory './usr/share/man/fi/man1'".)
PRUNE=(usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian
	var/cache/apt var/lib/apt/lists)

HVM_PKGS=(qemu-system-xen seabios)

DOM0_DIR=$CACHE/dom0
IMG=$DOM0_DIR/rootfs.ext4

# What the image is made of; a different key rebuilds it.
image_key() { printf '%s\n' v1 "$SUITE" "${DOM0_PKGS[*]}" "${SOURCES[*]}" "${PRUNE[*]}"; }

build() {
	local tree=$DOM0_DIR/tree.$$ p size_mb
	command -v mmdebstrap >/dev/null || die "mmdebstrap missing: run scripts/lab/setup.sh"
	command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 missing (e2fsprogs)"
	rm -rf "$tree" "$IMG.tmp"
	mkdir -p "$DOM0_DIR"
	log "dom0 root: mmdebstrap minbase + ${DOM0_PKGS[*]} (a few minutes)"
	# mmdebstrap (not debootstrap): it takes several suites at once (xen-utils-4.17 comes
	# from bookworm-security) and uses apt, so downloads are verified as usual.
	# Recommends stay out (qemu-system-xen, grub-xen-host): no device model here.
	nice mmdebstrap --quiet --variant=minbase --include="$(
		IFS=,
		echo "${DOM0_PKGS[*]}"
	)" \
		--aptopt='Acquire::Retries "3"' \
		"$SUITE" "$tree" "${SOURCES[@]}" >&2 </dev/null ||
		die "mmdebstrap failed (network? mirror $MIRROR)"
	[ -x "$tree/usr/sbin/xl" ] || die "no /usr/sbin/xl in the dom0 tree"
	# Fill-in done at build time so that the per-run script has less to do.
	mkdir -p "$tree/var/lib/xen" "$tree/var/log/xen" "$tree/var/run/xen" "$tree/srv/www"
	for p in "${PRUNE[@]}"; do rm -rf "${tree:?}/$p"; done
	echo pvtrace-dom0 >"$tree/etc/hostname"
	# Tree size + 25 % + 64 MiB of room (the image is used with QEMU snapshot=on, but
	# dom0 still writes logs and xenstore files to it).
	size_mb=$(du -sm "$tree" | cut -f1)
	size_mb=$((size_mb + size_mb / 4 + 64))
	log "dom0 root: mkfs.ext4 -d ($size_mb MiB)"
	mkfs.ext4 -q -F -L pvtrace-dom0 -E root_owner=0:0 -d "$tree" "$IMG.tmp" "${size_mb}M" >&2 ||
		die "mkfs.ext4 -d failed"
	mv "$IMG.tmp" "$IMG"
	rm -rf "$tree"
	image_key >"$STAMP"
}

main() {
	local force=0 xen=4.17
	while [ $# -gt 0 ]; do
		case "$1" in
		--hvm) DOM0_PKGS+=("${HVM_PKGS[@]}") IMG=$DOM0_DIR/rootfs-hvm.ext4 ;;
		--xen) xen=${2:-} && shift ;;
		--force) force=1 ;;
		*) die "usage: $0 [--hvm] [--xen 4.17|4.20] [--force]" ;;
		esac
		shift
	done
	case $xen in
	4.17) ;;
	4.20)
		SUITE=trixie
		SOURCES=("${TRIXIE_SOURCES[@]}")
		DOM0_PKGS=("${DOM0_PKGS[@]/xen-utils-4.17/xen-utils-4.20}")
		IMG=${IMG%.ext4}-4.20.ext4
		;;
	*) die "--xen: 4.17 or 4.20" ;;
	esac
	STAMP=${IMG%.ext4}.stamp
	[ "$(id -u)" = 0 ] || die "dom0fs.sh must run as root (mmdebstrap, file ownership)"
	if [ "$force" = 0 ] && [ -s "$IMG" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$(image_key)" ]; then
		echo "$IMG"
		return 0
	fi
	local t0=$SECONDS
	build
	log "dom0 root image $IMG ($(du -m "$IMG" | cut -f1) MiB allocated) in $((SECONDS - t0))s"
	echo "$IMG"
}

main "$@"
