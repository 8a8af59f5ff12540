#!/usr/bin/env bash
# Prepare the lab on a Debian 12 host (as root): host tools via apt (QEMU >= 8.1 from
# bookworm-backports, pinned to QEMU alone), and the guest kernels, their headers, Xen
# 4.17 (bookworm) and 4.20 (trixie) and a static busybox unpacked into $CACHE/root.
# Idempotent and fast once done. Usage: setup.sh [--check]
#   --check   also build a trivial module against both kernels' headers.
# Env: PVTRACE_CACHE, PVTRACE_K61, PVTRACE_K612 (pin kernel releases, e.g. 6.1.0-56-amd64).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

export DEBIAN_FRONTEND=noninteractive
# gcc-12 is the compiler Debian built both kernels with (headers' CC = gcc-12); dwarves
# gives pahole for 6.12's module BTF; gcc + libc6-dev give `cc` and a static libc for the
# in-guest helper (selftests/guest/Makefile) and the unit tests.
# mmdebstrap and e2fsprogs (mkfs.ext4 -d): the domU lab's dom0 root image (dom0fs.sh).
HOST_PKGS=(cpio gzip gcc-12 gcc libc6-dev make libelf-dev bc dwarves sparse
	xz-utils kmod mmdebstrap e2fsprogs tmux)

# QEMU: 7.2 (bookworm) runs stale translations after runtime text patching under
# multi-threaded TCG (fixed in 8.1 by deba78709ae8, "accel/tcg: Always lock pages before
# translation"; Documentation/lab-textpoke.rst). bookworm-backports has 10.0: an apt
# source for it, and a pin that takes only QEMU and what it needs from there.
QEMU_PKGS=(qemu-system-x86 qemu-system-common qemu-system-data seabios)
QEMU_MIN=8.1
BACKPORTS_LIST=/etc/apt/sources.list.d/pvtrace-backports.sources
BACKPORTS_PIN=/etc/apt/preferences.d/pvtrace-qemu
MIRROR=${PVTRACE_DEBIAN_MIRROR:-http://deb.debian.org}

# apt-get update only when neither our stamp nor the lists are younger than an hour (apt
# may date a list by the server's Last-Modified, hence our own stamp); a failed lookup
# later forces one (see apt_retry).
APT_UPDATED=0
APT_STAMP=$CACHE/.apt-update-stamp
apt_update() {
	log "apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
	touch "$APT_STAMP"
	APT_UPDATED=1
}
apt_update_if_stale() {
	if [ -z "$(find "$APT_STAMP" /var/lib/apt/lists -maxdepth 1 \( -name '*Release' -o -path "$APT_STAMP" \) -mmin -60 2>/dev/null)" ]; then
		apt_update
	fi
}
# Run "$@"; if it fails and we have not updated in this run, update and try once more.
apt_retry() {
	"$@" && return 0
	[ "$APT_UPDATED" = 1 ] && return 1
	apt_update
	"$@"
}

install_host_tools() {
	local missing=() p
	for p in "${HOST_PKGS[@]}"; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing host tools: ${missing[*]}"
	apt_retry apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" </dev/null >&2
}

qemu_version() { qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p'; }

# QEMU >= QEMU_MIN, from bookworm-backports; stops with one line if that fails.
install_qemu() {
	local v
	v=$(qemu_version)
	if [ -n "$v" ] && [ "$(printf '%s\n' "$QEMU_MIN" "$v" | sort -V | head -n 1)" = "$QEMU_MIN" ]; then
		return 0
	fi
	if [ ! -s "$BACKPORTS_LIST" ]; then
		log "adding bookworm-backports ($BACKPORTS_LIST), pinned to QEMU ($BACKPORTS_PIN)"
		printf 'Types: deb\nURIs: %s/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$MIRROR" >"$BACKPORTS_LIST"
		apt_update
	fi
	printf 'Package: %s\nPin: release n=bookworm-backports\nPin-Priority: 990\n' \
		"${QEMU_PKGS[*]}" >"$BACKPORTS_PIN"
	log "installing QEMU from bookworm-backports (installed: ${v:-none})"
	apt_retry apt-get install -y -qq --no-install-recommends \
		"qemu-system-x86/bookworm-backports" </dev/null >&2 || true
	v=$(qemu_version)
	[ -n "$v" ] && [ "$(printf '%s\n' "$QEMU_MIN" "$v" | sort -V | head -n 1)" = "$QEMU_MIN" ] ||
		die "the lab needs qemu-system-x86_64 >= $QEMU_MIN (bookworm-backports); found ${v:-none}"
	log "QEMU $v"
}

# Suites the host does not run (trixie for Xen 4.20), each through a private apt
# configuration under $CACHE/apt/SUITE: package lookups and downloads only, never an
# install on the host. suite_apt SUITE sets APT_O to its options ("" for the host's).
declare -A SUITE_SOURCES=(
	[trixie]="deb $MIRROR/debian trixie main|deb $MIRROR/debian trixie-updates main|deb $MIRROR/debian-security trixie-security main"
)
APT_O=()
suite_apt() {
	local suite=$1 d lists
	APT_O=()
	[ "$suite" = host ] && return 0
	[ -n "${SUITE_SOURCES[$suite]:-}" ] || die "no apt sources for suite $suite"
	d=$CACHE/apt/$suite
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/etc/sources.list.d" "$d/etc/preferences.d"
	printf '%s\n' "${SUITE_SOURCES[$suite]}" | tr '|' '\n' >"$d/etc/sources.list"
	APT_O=(-o "Dir::Etc::SourceList=$d/etc/sources.list" -o "Dir::Etc::SourceParts=$d/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$d/etc/preferences" -o "Dir::Etc::PreferencesParts=$d/etc/preferences.d"
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
		-o "Acquire::Check-Valid-Until=false" -o "APT::Sandbox::User=root")
	# Lists refreshed when older than a day (or missing).
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
		log "apt-get update ($suite)"
		apt-get "${APT_O[@]}" update -qq >&2 || die "apt-get update for $suite failed"
	fi
}

# True if apt has a real (non-virtual) package of that name. (No `grep -q` on a pipe:
# its early exit would SIGPIPE apt-cache, and pipefail would turn that into "false".)
have_pkg() { [ "$(apt-cache "${APT_O[@]}" show --no-all-versions "$1" 2>/dev/null | grep -c '^Package:')" -gt 0 ]; }

# Newest release matching the ERE $1 whose headers AND -unsigned image both exist.
newest_kernel() {
	local re=$1 v
	while read -r v; do
		if have_pkg "linux-headers-$v" && have_pkg "linux-image-$v-unsigned"; then
			echo "$v"
			return 0
		fi
	done < <(apt-cache "${APT_O[@]}" pkgnames linux-headers- | sed -nE "s/^linux-headers-($re)\$/\\1/p" | sort -Vr)
	return 1
}

resolve_kernels() {
	K61=${PVTRACE_K61:-$(apt_retry newest_kernel '6\.1\.0-[0-9]+-amd64')} ||
		die "no 6.1.0-N-amd64 kernel with headers and -unsigned image in apt"
	K612=${PVTRACE_K612:-$(apt_retry newest_kernel '6\.12\.[0-9]+\+deb12-amd64')} ||
		die "no 6.12.x+deb12-amd64 kernel with headers and -unsigned image in apt"
}

# First value of a field in `apt-cache show` output, e.g. pkg_field busybox-static Version.
# awk reads all its input: a reader that quits early would SIGPIPE apt-cache.
first_field() { awk -v f="$1: " 'index($0, f) == 1 && !n { print substr($0, length(f) + 1); n = 1 }'; }
pkg_field() { apt-cache "${APT_O[@]}" show --no-all-versions "$1" 2>/dev/null | first_field "$2"; }

# Print "name=version" for the dependencies of headers package $1 that we need: the
# -common headers and the linux-kbuild package. An "(= ver)" constraint pins the version.
header_deps() {
	pkg_field "$1" Depends | tr ',' '\n' | sed -nE \
		-e 's/^ *(linux-headers-[^ ]+-common) *\(= *([^)]+)\).*/\1=\2/p' \
		-e 's/^ *(linux-headers-[^ ]+-common) *(\(.*)?$/\1/p' \
		-e 's/^ *(linux-kbuild-[^ ]+) *\(= *([^)]+)\).*/\1=\2/p' \
		-e 's/^ *(linux-kbuild-[^ |]+) *(\([>].*)?$/\1/p'
}

# Download pkg[=version] into $CACHE/debs unless that exact .deb is there; print its path.
# Returns non-zero (never dies) so that apt_retry can update the lists and try again.
fetch_deb() {
	local spec=$1 name=${1%%=*} ver arch file
	if [ "$spec" != "$name" ]; then ver=${spec#*=}; else ver=$(pkg_field "$name" Version); fi
	[ -n "$ver" ] || return 1
	arch=$(apt-cache "${APT_O[@]}" show "$name=$ver" 2>/dev/null | first_field Architecture)
	[ -n "$arch" ] || return 1
	file=$CACHE/debs/${name}_${ver//:/%3a}_${arch}.deb
	if [ ! -s "$file" ]; then
		log "downloading $name=$ver"
		# Sandbox user root: the cache dir is root-only, so _apt could not write there.
		(cd "$CACHE/debs" && apt-get "${APT_O[@]}" -qq -o APT::Sandbox::User=root download "$name=$ver" >&2) || return 1
		[ -s "$file" ] || return 1
	fi
	echo "$file"
}

# Download (updating the lists once if needed) and unpack one package.
get_pkg() {
	local deb
	deb=$(apt_retry fetch_deb "$1") || die "cannot download $1"
	extract_deb "$deb"
}

# Unpack a .deb into $ROOTFS once (a stamp per .deb file name).
extract_deb() {
	local deb=$1 stamp
	stamp=$ROOTFS/.pvtrace-extracted/$(basename "$deb")
	[ -e "$stamp" ] && return 0
	log "extracting $(basename "$deb")"
	dpkg-deb -x "$deb" "$ROOTFS"
	mkdir -p "$(dirname "$stamp")"
	: >"$stamp"
}

# Debian's headers Makefile includes the -common one by absolute /usr/src path; point it
# into $ROOTFS instead (idempotent: only rewrites a path that is not ours yet).
fix_headers_makefile() {
	local mk
	mk=$(kdir_of "$1")/Makefile
	[ -f "$mk" ] || die "$mk missing after extraction"
	sed -i -E "s#^include (/.*)?/usr/src/(linux-headers-[^/]+)/Makefile\$#include $ROOTFS/usr/src/\\2/Makefile#" "$mk"
	grep -q "^include $ROOTFS/usr/src/" "$mk" || die "could not rewrite $mk"
}

prepare_kernel() {
	local v=$1 dep
	get_pkg "linux-headers-$v"
	get_pkg "linux-image-$v-unsigned"
	for dep in $(header_deps "linux-headers-$v"); do
		get_pkg "$dep"
	done
	fix_headers_makefile "$v"
	[ -s "$(vmlinuz_of "$v")" ] || die "$(vmlinuz_of "$v") missing"
}

# Xen VERSION from SUITE: the hypervisor binary is all a dom0 row needs. QEMU's multiboot
# loader wants the plain ELF, not the .gz Debian ships.
prepare_xen() {
	local ver=$1 suite=$2 gz elf
	elf=$(xen_elf "$ver")
	suite_apt "$suite"
	get_pkg "xen-hypervisor-$ver-amd64"
	suite_apt host
	gz=$ROOTFS/boot/xen-$ver-amd64.gz
	if [ ! -s "$elf" ] || [ "$gz" -nt "$elf" ]; then
		gunzip -c "$gz" >"$elf.tmp" && mv "$elf.tmp" "$elf"
	fi
}

prepare_xen_busybox() {
	prepare_xen 4.17 host
	prepare_xen 4.20 trixie
	get_pkg busybox-static
	[ -x "$BUSYBOX" ] || die "$BUSYBOX missing"
}

# scripts/pvtrace-exporter's lab proof (selftests/guest/tests/90-exporter.sh) serves its
# output with Debian's node_exporter in the guest: unpacked into $ROOTFS, packed by
# mkinitramfs.sh with the shared libraries it needs.
# promtool (package prometheus, unpacked, not installed) checks the exporter's output in
# the unit tests (selftests/exporter) and the /metrics the guest served (matrix.sh).
prepare_node_exporter() {
	[ -x "$ROOTFS/usr/bin/prometheus-node-exporter" ] || get_pkg prometheus-node-exporter
	[ -x "$ROOTFS/usr/bin/prometheus-node-exporter" ] || die "prometheus-node-exporter missing after extraction"
	[ -x "$PROMTOOL" ] || get_pkg prometheus
	[ -x "$PROMTOOL" ] || die "promtool missing after extracting prometheus"
}

# Build a hello-world module against each kernel: proves headers, kbuild and pahole work.
check_build() {
	local v tmp
	tmp=$(mktemp -d)
	printf '#include <linux/module.h>\nstatic int __init h_init(void) { return 0; }\nstatic void __exit h_exit(void) { }\nmodule_init(h_init);\nmodule_exit(h_exit);\nMODULE_LICENSE("GPL");\n' >"$tmp/hello.c"
	echo 'obj-m := hello.o' >"$tmp/Kbuild"
	for v in "$K61" "$K612"; do
		make -s -C "$(kdir_of "$v")" M="$tmp" clean >/dev/null 2>&1 || true
		make -s -C "$(kdir_of "$v")" M="$tmp" modules >&2 || die "hello module does not build for $v"
		[ -f "$tmp/hello.ko" ] || die "no hello.ko for $v"
		log "hello module builds for $v"
	done
	rm -rf "$tmp"
}

# Every apt-cache call costs ~0.5 s (no pkgcache.bin): skip resolving and downloading when
# the last complete run (kernels.env) is newer than the apt lists and no pin changed.
already_done() {
	[ -s "$KERNELS_ENV" ] || return 1
	[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -newer "$KERNELS_ENV")" ] || return 1
	load_kernels
	[ "${PINS:-}" = "${PVTRACE_K61:-}/${PVTRACE_K612:-}" ] || return 1
	[ -f "$(kdir_of "$K61")/Makefile" ] && [ -f "$(kdir_of "$K612")/Makefile" ] &&
		[ -s "$(vmlinuz_of "$K61")" ] && [ -s "$(vmlinuz_of "$K612")" ] &&
		[ -s "$(xen_elf 4.17)" ] && [ -s "$(xen_elf 4.20)" ] && [ -x "$BUSYBOX" ]
}

main() {
	local check=0
	[ "${1:-}" = --check ] && check=1
	[ "$(id -u)" = 0 ] || die "setup.sh must run as root (apt)"
	mkdir -p "$CACHE/debs" "$ROOTFS"
	apt_update_if_stale
	install_host_tools
	install_qemu
	prepare_node_exporter
	# The domU lab's dom0 root images: for PV domUs with bookworm's Xen 4.17 toolstack,
	# for HVM domUs with trixie's 4.20 (under QEMU >= 8 an HVM domU of 4.17's toolstack
	# dies in its firmware: Documentation/lab-domu.rst). Built once, then a stamp check
	# (dom0fs.sh).
	"$LAB_DIR/dom0fs.sh" >/dev/null
	"$LAB_DIR/dom0fs.sh" --hvm --xen 4.20 >/dev/null
	if already_done; then
		[ "$check" = 1 ] && check_build
		printf 'K61=%s\nK612=%s\n' "$K61" "$K612"
		return 0
	fi
	resolve_kernels
	prepare_kernel "$K61"
	prepare_kernel "$K612"
	prepare_xen_busybox
	# PINS records the overrides in force, so that dropping one re-resolves next time.
	printf 'K61=%s\nK612=%s\nPINS=%s\n' "$K61" "$K612" "${PVTRACE_K61:-}/${PVTRACE_K612:-}" >"$KERNELS_ENV"
	[ "$check" = 1 ] && check_build
	printf 'K61=%s\nK612=%s\n' "$K61" "$K612"
}

main "$@"
