#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Packaging check: Debian's dkms adds, builds and installs pvtrace from the
# tree `make dkms-source` stages, for every kernel line of the lab
# (scripts/lab/common.sh, LINES; the amd64 flavour: the cloud one differs in
# configuration only, which the W=1 builds of make test cover), against
# their unpacked headers (no running kernel of any line is needed): on the
# host, or, for a line built in a Debian root of a newer suite, with that
# root's own dkms, in the root. Two lines at a time.
# DKMS's own tree is private (a temporary directory), and the install step
# runs in a private mount namespace with a tmpfs over /lib/modules holding
# only the kernel's modules.* index files (from the lab's unpacked image):
# dkms runs depmod on /lib/modules/<release>, which a lab kernel does not
# have on the host. The host's /var/lib/dkms and /lib/modules stay as they
# were (an empty /lib/modules is created if there was none, as mount point).
# Usage: dkms-check.sh   (as root; installs the dkms package if missing)
# Prints one "PASS:"/"FAIL:" line per kernel; exit 0 iff all passed.
#        dkms-check.sh --in-root KVER KDIR SRC VERSION: the check of one kernel,
#        run by this script inside a build root, with the source it staged.
# shellcheck source-path=SCRIPTDIR source=lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab/common.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
in_root=0
if [ "${1:-}" = --in-root ]; then
	in_root=1
	src=$4 version=$5
else
	if ! command -v dkms >/dev/null; then
		log "installing dkms"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dkms \
			</dev/null >&2 || die "cannot install dkms"
	fi
	load_kernels
	version=$(sed -n 's/^BASE_VERSION := //p' "$REPO/Makefile")
	src=$tmp/src
	make -s -C "$REPO" dkms-source DEST="$src/pvtrace-$version" >&2 ||
		die "make dkms-source failed"
fi

# install KVER KDIR DKMSTREE: the install step, in its private namespace;
# copies what it installed to $tmp/installed-KVER/.
install_step() {
	local kver=$1 kdir=$2 tree=$3 mods=""
	# The kernel's modules.* index files, where its image is unpacked (a line the
	# lab only builds for has none: depmod then starts from empty ones).
	[ "$in_root" = 0 ] && mods=$(moddir_of "$kver")
	mkdir -p /lib/modules "$tmp/installed-$kver"
	# In a build root this runs in the private mount namespace the host made.
	local ns=(unshare -m --propagation private)
	[ "$in_root" = 1 ] && ns=()
	# shellcheck disable=SC2016 # the script's own $1.. expand in the namespace
	"${ns[@]}" bash -euc '
		kver=$1 kdir=$2 tree=$3 src=$4 mods=$5 version=$6 out=$7
		mount -t tmpfs pvtrace-dkms-check /lib/modules
		mkdir -p "/lib/modules/$kver"
		# dkms 3.2 (trixie) reads the kernel config there to name the module
		# it installs (pvtrace.ko.xz where modules are compressed).
		ln -s "$kdir" "/lib/modules/$kver/build"
		if [ -n "$mods" ] && [ -f "$mods/modules.order" ]; then
			cp "$mods"/modules.order "$mods"/modules.builtin* "/lib/modules/$kver/"
		else
			: >"/lib/modules/$kver/modules.order"
			: >"/lib/modules/$kver/modules.builtin"
		fi
		# dkms names the module it installs after the modules installed for
		# that kernel (pvtrace.ko.xz beside .ko.xz ones: set_module_suffix());
		# this directory holds none: one empty file stands for them,
		# compressed as the kernel config says they are.
		for c in XZ:xz ZSTD:zst GZIP:gz; do
			if grep -q "^CONFIG_MODULE_COMPRESS_${c%%:*}=y" "$kdir/.config" 2>/dev/null; then
				mkdir -p "/lib/modules/$kver/kernel"
				: >"/lib/modules/$kver/kernel/installed-modules-are.ko.${c#*:}"
			fi
		done
		dkms --dkmstree "$tree" --sourcetree "$src" install -m pvtrace -v "$version" \
			-k "$kver" --kernelsourcedir "$kdir" --force
		find "/lib/modules/$kver" -name "pvtrace.ko*" -exec cp {} "$out/" \;
		grep -q "pvtrace" "/lib/modules/$kver/modules.dep"
	' install-step "$kver" "$kdir" "$tree" "$src" "$mods" "$version" "$tmp/installed-$kver"
}

# check KVER KDIR: add, build, install; prints the result line.
check() {
	local kver=$1 kdir=$2 tree=$tmp/dkms-$1 out ko cc
	mkdir -p "$tree"
	# The compiler the headers name (.kernelvariables): 5.10's gcc-10 is not in
	# bookworm, and dkms runs the kernel's make as it is: the host's gcc-12 under
	# that name (it builds 5.10 warning-free: build-module.sh).
	cc=$(sed -nE 's/^CC *= .*\)(gcc-[0-9]+)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null | head -n 1)
	if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
		mkdir -p "$tmp/bin"
		ln -sf "$(command -v gcc-12)" "$tmp/bin/$cc"
		export PATH=$tmp/bin:$PATH
	fi
	out=$( {
		dkms --dkmstree "$tree" --sourcetree "$src" add -m pvtrace -v "$version" &&
			dkms --dkmstree "$tree" --sourcetree "$src" build -m pvtrace -v "$version" \
				-k "$kver" --kernelsourcedir "$kdir" &&
			install_step "$kver" "$kdir" "$tree"
	} 2>&1) || true
	ko=$(find "$tmp/installed-$kver" -name 'pvtrace.ko*' 2>/dev/null | head -n 1)
	if [ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$kver "; then
		echo "PASS: packaging: dkms add, build and install (depmod included) for $kver"
	else
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/    /'
		echo "FAIL: packaging: dkms add, build and install for $kver"
		return 1
	fi
}

if [ "$in_root" = 1 ]; then
	check "$2" "$3"
	exit
fi

# check_line NAME: the check of one line, here or in its build root.
check_line() {
	local kver=${!1} root w
	root=$(buildroot_of "$kver")
	if [ -z "$root" ]; then
		check "$kver" "$(kdir_of "$kver")"
		return
	fi
	# In the root: the staged source and these scripts, under a private /proc.
	w=$root/build/dkms-check
	rm -rf "$w"
	mkdir -p "$w/scripts/lab"
	cp -a "$src" "$w/src"
	cp "$REPO/scripts/dkms-check.sh" "$w/scripts/"
	cp "$LAB_DIR/common.sh" "$w/scripts/lab/"
	# shellcheck disable=SC2016 # expanded in the namespace
	unshare -m --propagation private sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' \
		sh "$root" "$root" bash /build/dkms-check/scripts/dkms-check.sh --in-root "$kver" \
		"/usr/src/linux-headers-$kver" /build/dkms-check/src "$version"
}

rc=0
pids=()
outs=()
for n in $(line_names); do
	[ "$(line_field "$n" 4)" = amd64 ] || continue
	# Two at a time; a root hosts one check at a time.
	if [ ${#pids[@]} -ge 2 ]; then
		wait "${pids[0]}" || rc=1
		cat "${outs[0]}"
		pids=("${pids[@]:1}")
		outs=("${outs[@]:1}")
	fi
	check_line "$n" >"$tmp/out-$n" 2>&1 &
	pids+=($!)
	outs+=("$tmp/out-$n")
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || rc=1
	cat "${outs[$i]}"
done
exit $rc
