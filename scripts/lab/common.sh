# shellcheck shell=bash
# Variables here are used by the scripts that source this file.
# shellcheck disable=SC2034
# Sourced by every scripts/lab/*.sh: paths, logging, kernel-version helpers.
# Not executable on its own.

set -euo pipefail

# Locate the checkout from this file's own path so the scripts work from any cwd.
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)

# Downloads live outside the checkout: they are large and survive `git clean`.
CACHE=${PVTRACE_CACHE:-/var/cache/pvtrace-lab}
BUILD=${PVTRACE_BUILD:-$REPO/build}
# Everything from the .debs is unpacked here, never installed on the host.
ROOTFS=$CACHE/root
BUSYBOX=$ROOTFS/bin/busybox
# promtool, unpacked from Debian's prometheus package by setup.sh (not installed: the
# package would start a Prometheus server on the host).
PROMTOOL=${PROMTOOL:-$ROOTFS/usr/bin/promtool}
KERNELS_ENV=$CACHE/kernels.env

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# Read K61/K612 as written by setup.sh.
load_kernels() {
	[ -r "$KERNELS_ENV" ] || die "$KERNELS_ENV missing: run scripts/lab/setup.sh first"
	# shellcheck source=/dev/null
	. "$KERNELS_ENV"
}

# Accept K61, K612, 6.1, 6.12 or a full release (6.1.0-56-amd64) and print the full release.
resolve_kver() {
	case "$1" in
	K61 | 6.1) load_kernels && echo "$K61" ;;
	K612 | 6.12) load_kernels && echo "$K612" ;;
	*) echo "$1" ;;
	esac
}

# 6.1.0-56-amd64 -> 6.1, 6.12.117+deb12-amd64 -> 6.12: the short name used in config names.
kver_short() { echo "$1" | awk -F'[.+-]' '{ print $1 "." $2 }'; }

kdir_of() { echo "$ROOTFS/usr/src/linux-headers-$1"; }
# The hypervisor, as QEMU's multiboot loader wants it (setup.sh): 4.17 or 4.20.
xen_elf() { echo "$CACHE/xen-$1"; }
vmlinuz_of() { echo "$ROOTFS/boot/vmlinuz-$1"; }
