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

# The kernel lines the lab builds for, one row each:
#   NAME       the variable kernels.env sets to the release (K61=6.1.0-57-amd64)
#   SUITE      where its packages come from: host (the host's bookworm sources),
#              or bullseye, trixie, sid (setup.sh's private apt configurations)
#   RELEASE    an ERE for the release without its flavour; setup.sh takes the
#              newest one whose headers and image both exist
#   FLAVOUR    amd64 or cloud-amd64 (what Debian's cloud images boot)
#   BUILD      host: built on this host with its gcc-12 (5.10's headers ask for
#              gcc-10, which bookworm lacks: gcc-12 builds it warning-free);
#              a suite: built in a Debian root of that suite (setup.sh,
#              buildroot_of) with the compiler and kbuild tools the kernel was
#              built with, which need a newer glibc than bookworm's
#   BOOT       1: its image is unpacked for the lab to boot; 0: built only
# Overrides: PVTRACE_<NAME>=release pins a line (e.g. PVTRACE_K61=6.1.0-56-amd64).
LINES=(
	"K510  bullseye 5\.10\.0-[0-9]+                 amd64       host   1"
	"K61   host     6\.1\.0-[0-9]+                  amd64       host   1"
	"K612  host     6\.12\.[0-9]+\+deb12            amd64       host   1"
	"K612T trixie   6\.12\.[0-9]+\+deb13            amd64       trixie 0"
	"K612C trixie   6\.12\.[0-9]+\+deb13            cloud-amd64 trixie 0"
	"K72   sid      [0-9]+\.[0-9]+\.[0-9]+\+deb14    amd64       sid    1"
	"K72C  sid      [0-9]+\.[0-9]+\.[0-9]+\+deb14    cloud-amd64 sid    1"
)
line_names() { local l; for l in "${LINES[@]}"; do echo "${l%% *}"; done; }
# line_field NAME N: field N (1-6) of line NAME's row.
line_field() {
	local l
	for l in "${LINES[@]}"; do
		[ "${l%% *}" = "$1" ] || continue
		echo "$l" | awk -v n="$2" '{ print $n }'
		return 0
	done
	return 1
}

# Read the releases as written by setup.sh.
load_kernels() {
	[ -r "$KERNELS_ENV" ] || die "$KERNELS_ENV missing: run scripts/lab/setup.sh first"
	# shellcheck source=/dev/null
	. "$KERNELS_ENV"
}

# Accept a line's name (K61), its short version (6.1, 7.2: the amd64 flavour) or a
# full release (6.1.0-56-amd64) and print the full release.
resolve_kver() {
	local n
	case "$1" in
	K[0-9]*)
		load_kernels
		[ -n "${!1:-}" ] || die "no kernel line $1 in $KERNELS_ENV"
		echo "${!1}"
		;;
	[0-9]*.[0-9]*-* | [0-9]*.[0-9]*+*) echo "$1" ;;
	[0-9]*.[0-9]*)
		load_kernels
		for n in $(line_names); do
			[ "$(line_field "$n" 4)" = amd64 ] && [ -n "${!n:-}" ] &&
				[ "$(kver_short "${!n}")" = "$1" ] && { echo "${!n}"; return 0; }
		done
		die "no kernel line $1 in $KERNELS_ENV"
		;;
	*) echo "$1" ;;
	esac
}

# The line a release belongs to (its NAME), from kernels.env; while setup.sh
# writes kernels.env for the first time, from the names it has set so far.
line_of() {
	local n
	[ ! -r "$KERNELS_ENV" ] || load_kernels
	for n in $(line_names); do
		[ "${!n:-}" = "$1" ] && { echo "$n"; return 0; }
	done
	return 1
}

# 6.1.0-56-amd64 -> 6.1, 6.12.117+deb12-amd64 -> 6.12: the short name used in config names.
kver_short() { echo "$1" | awk -F'[.+-]' '{ print $1 "." $2 }'; }

# The Debian root a line is built in ("" for the host).
buildroot_of() {
	local b
	b=$(line_field "$(line_of "$1")" 5) || return 0
	[ "$b" = host ] || echo "$CACHE/buildroot/$b"
}

# The headers' build directory: in the lab's unpacked tree, or in the line's root.
kdir_of() {
	local r
	r=$(buildroot_of "$1")
	echo "${r:-$ROOTFS}/usr/src/linux-headers-$1"
}
# The hypervisor, as QEMU's multiboot loader wants it (setup.sh): 4.17 or 4.20.
xen_elf() { echo "$CACHE/xen-$1"; }
# The kernel image and modules: /boot and /lib/modules up to 6.12; from 7.x Debian
# ships them (merged /usr) in /usr/lib/modules/<release>, the unsigned image as
# vmlinuz.unsigned (linux-binary-unsigned-*).
vmlinuz_of() {
	if [ -e "$ROOTFS/usr/lib/modules/$1/vmlinuz.unsigned" ]; then
		echo "$ROOTFS/usr/lib/modules/$1/vmlinuz.unsigned"
	else
		echo "$ROOTFS/boot/vmlinuz-$1"
	fi
}
moddir_of() {
	if [ -d "$ROOTFS/usr/lib/modules/$1/kernel" ]; then
		echo "$ROOTFS/usr/lib/modules/$1"
	else
		echo "$ROOTFS/lib/modules/$1"
	fi
}
