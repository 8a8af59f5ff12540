#!/usr/bin/env bash
# Prepare the lab on a Debian 12 host (as root): host tools via apt (QEMU >= 8.1 from
# bookworm-backports, pinned to QEMU alone); the kernel lines of common.sh (LINES: 5.10
# to sid's 7.x, amd64 and cloud), their headers and images, Xen 4.17 (bookworm) and 4.20
# (trixie) and a static busybox unpacked into $CACHE/root; a Debian root per newer suite
# (trixie, sid) to build its lines in with their own compilers.
# Idempotent and fast once done. Usage: setup.sh [--check]
#   --check   also build a trivial module against every line's headers.
# Env: PVTRACE_CACHE, PVTRACE_<LINE> (pin a line's release, e.g. PVTRACE_K61=6.1.0-56-amd64).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

export DEBIAN_FRONTEND=noninteractive
# gcc-12 is the compiler Debian built both kernels with (headers' CC = gcc-12); dwarves
# gives pahole for 6.12's module BTF; gcc + libc6-dev give `cc` and a static libc for the
# in-guest helper (selftests/guest/Makefile) and the unit tests.
# mmdebstrap and e2fsprogs (mkfs.ext4 -d): the domU lab's dom0 root image (dom0fs.sh).
# tmux and chromium: host tests of what people see (pvtrace top in a terminal,
# pvtrace-report's pictures in a browser: selftests/report/browser.sh).
HOST_PKGS=(cpio gzip gcc-12 gcc libc6-dev make libelf-dev bc dwarves sparse
	xz-utils kmod mmdebstrap e2fsprogs tmux chromium)

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

# Empty, not an error, where QEMU is not installed yet (set -e and pipefail are on).
qemu_version() {
	command -v qemu-system-x86_64 >/dev/null || return 0
	qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p' || true
}

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
	[bullseye]="deb $MIRROR/debian bullseye main|deb $MIRROR/debian-security bullseye-security main"
	[trixie]="deb $MIRROR/debian trixie main|deb $MIRROR/debian trixie-updates main|deb $MIRROR/debian-security trixie-security main"
	[sid]="deb $MIRROR/debian sid main"
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

# The unsigned image package of release $1: linux-image-<release>-unsigned up to 6.12;
# from 7.x linux-image-* is a meta package over linux-binary-unsigned-<release> (the
# kernel) and linux-modules-<release>.
image_pkg() {
	if have_pkg "linux-binary-unsigned-$1"; then
		echo "linux-binary-unsigned-$1"
	elif have_pkg "linux-image-$1-unsigned"; then
		echo "linux-image-$1-unsigned"
	else
		return 1
	fi
}

# Newest release matching the ERE $1 with flavour $2 whose headers AND image both exist.
newest_kernel() {
	local re=$1 fl=$2 v
	while read -r v; do
		if have_pkg "linux-headers-$v" && image_pkg "$v" >/dev/null; then
			echo "$v"
			return 0
		fi
	done < <(apt-cache "${APT_O[@]}" pkgnames linux-headers- |
		sed -nE "s/^linux-headers-(($re)-$fl)\$/\1/p" | sort -Vr)
	return 1
}

# Every line's release, into the variables named in LINES: pinned, or the newest.
resolve_kernels() {
	local l name suite re fl pin
	for l in "${LINES[@]}"; do
		read -r name suite re fl _ <<<"$l"
		pin=PVTRACE_$name
		suite_apt "$suite"
		printf -v "$name" '%s' "${!pin:-$(apt_retry newest_kernel "$re" "$fl")}" ||
			die "no $re-$fl kernel with headers and image in $suite"
		[ -n "${!name}" ] || die "no $re-$fl kernel with headers and image in $suite"
	done
	suite_apt host
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

# A line's headers (with their -common tree and kbuild tools) unpacked into $ROOTFS,
# for the lines built on the host; its image (and from 7.x its modules) for the lines
# the lab boots. Lines built in a suite root get their headers there (buildroot).
prepare_kernel() {
	local name=$1 v=${!1} suite build boot dep img
	suite=$(line_field "$name" 2) build=$(line_field "$name" 5) boot=$(line_field "$name" 6)
	suite_apt "$suite"
	if [ "$build" = host ]; then
		get_pkg "linux-headers-$v"
		for dep in $(header_deps "linux-headers-$v"); do
			get_pkg "$dep"
		done
		fix_headers_makefile "$v"
	fi
	if [ "$boot" = 1 ]; then
		img=$(apt_retry image_pkg "$v") || die "no image package for $v"
		get_pkg "$img"
		case $img in linux-binary-*) get_pkg "linux-modules-$v" ;; esac
		[ -s "$(vmlinuz_of "$v")" ] || die "$(vmlinuz_of "$v") missing"
	fi
	suite_apt host
}

# A Debian root of SUITE with the headers of every line built there (and the compiler,
# kbuild tools and pahole they depend on), sparse and dkms, at $CACHE/buildroot/SUITE:
# built once per set of releases (mmdebstrap, about a minute).
prepare_buildroot() {
	local suite=$1 root=$CACHE/buildroot/$1 l name b pkgs=() key srcs=()
	for l in "${LINES[@]}"; do
		read -r name _ _ _ b _ <<<"$l"
		[ "$b" = "$suite" ] && pkgs+=("linux-headers-${!name}")
	done
	pkgs+=(make sparse dkms kmod xz-utils)
	key="v1 ${pkgs[*]}"
	[ -d "$root/usr/src" ] && [ "$(cat "$root.stamp" 2>/dev/null)" = "$key" ] && return 0
	log "build root $suite: mmdebstrap minbase + ${pkgs[*]} (about a minute)"
	rm -rf "$root" "$root.stamp"
	mkdir -p "$(dirname "$root")"
	IFS='|' read -ra srcs <<<"${SUITE_SOURCES[$suite]}"
	nice mmdebstrap --quiet --variant=minbase --include="$(
		IFS=,
		echo "${pkgs[*]}"
	)" --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Retries "3"' \
		"$suite" "$root" "${srcs[@]}" >&2 </dev/null ||
		die "mmdebstrap of the $suite build root failed"
	echo "$key" >"$root.stamp"
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

# Build a hello-world module against each line: proves headers, kbuild and pahole work.
check_build() {
	local name v tmp
	for name in $(line_names); do
		v=${!name}
		tmp=$(mktemp -d)
		printf '#include <linux/module.h>\nstatic int __init h_init(void) { return 0; }\nstatic void __exit h_exit(void) { }\nmodule_init(h_init);\nmodule_exit(h_exit);\nMODULE_LICENSE("GPL");\n' >"$tmp/hello.c"
		echo 'obj-m := hello.o' >"$tmp/Kbuild"
		PVTRACE_SRC=$tmp "$LAB_DIR/build-module.sh" --module hello "$v" >/dev/null ||
			die "hello module does not build for $v"
		rm -rf "$tmp"
		log "hello module builds for $v"
	done
}

# Every apt-cache call costs ~0.5 s (no pkgcache.bin): skip resolving and downloading when
# the last complete run (kernels.env) is newer than the apt lists and no pin changed.
pins() {
	local n p
	for n in $(line_names); do
		p=PVTRACE_$n
		printf '%s=%s ' "$n" "${!p:-}"
	done
}
already_done() {
	local n
	[ -s "$KERNELS_ENV" ] || return 1
	[ -z "$(find /var/lib/apt/lists "$CACHE"/apt/*/lists -maxdepth 1 -name '*Packages*' -newer "$KERNELS_ENV" 2>/dev/null)" ] || return 1
	load_kernels
	[ "${PINS:-}" = "$(pins)" ] || return 1
	for n in $(line_names); do
		[ -n "${!n:-}" ] && [ -f "$(kdir_of "${!n}")/Makefile" ] || return 1
		[ "$(line_field "$n" 6)" = 0 ] || [ -s "$(vmlinuz_of "${!n}")" ] || return 1
	done
	[ -s "$(xen_elf 4.17)" ] && [ -s "$(xen_elf 4.20)" ] && [ -x "$BUSYBOX" ]
}

write_kernels_env() {
	local n
	{
		for n in $(line_names); do printf '%s=%s\n' "$n" "${!n}"; done
		# PINS records the overrides in force, so that dropping one re-resolves.
		printf "PINS='%s'\n" "$(pins)"
	} >"$KERNELS_ENV.tmp"
	mv "$KERNELS_ENV.tmp" "$KERNELS_ENV"
}

main() {
	local check=0 n suite
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
	if ! already_done; then
		resolve_kernels
		for n in $(line_names); do
			prepare_kernel "$n"
		done
		prepare_xen_busybox
		write_kernels_env
	fi
	load_kernels
	# The build roots: a stamp check when nothing changed.
	for suite in $(for n in $(line_names); do line_field "$n" 5; done | sort -u); do
		[ "$suite" = host ] || prepare_buildroot "$suite"
	done
	[ "$check" = 1 ] && check_build
	for n in $(line_names); do printf '%s=%s\n' "$n" "${!n}"; done
}

main "$@"
