#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Packaging check: Debian's dkms adds, builds and installs pvtrace from the
# tree `make dkms-source` stages, for the lab's two kernel lines, against
# their unpacked headers (no running kernel of either line is needed).
# DKMS's own tree is private (a temporary directory), and the install step
# runs in a private mount namespace with a tmpfs over /lib/modules holding
# only the kernel's modules.* index files (from the lab's unpacked image):
# dkms runs depmod on /lib/modules/<release>, which a lab kernel does not
# have on the host. The host's /var/lib/dkms and /lib/modules stay as they
# were (an empty /lib/modules is created if there was none, as mount point).
# Usage: dkms-check.sh   (as root; installs the dkms package if missing)
# Prints one "PASS:"/"FAIL:" line per kernel; exit 0 iff all passed.
# shellcheck source-path=SCRIPTDIR source=lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab/common.sh"

if ! command -v dkms >/dev/null; then
	log "installing dkms"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dkms \
		</dev/null >&2 || die "cannot install dkms"
fi
load_kernels
version=$(sed -n 's/^BASE_VERSION := //p' "$REPO/Makefile")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
make -s -C "$REPO" dkms-source DEST="$src/pvtrace-$version" >&2 || die "make dkms-source failed"

# install KVER KDIR DKMSTREE: the install step, in its private namespace;
# copies what it installed to $tmp/installed-KVER/.
install_step() {
	local kver=$1 kdir=$2 tree=$3
	mkdir -p /lib/modules "$tmp/installed-$kver"
	# shellcheck disable=SC2016 # the script's own $1.. expand in the namespace
	unshare -m --propagation private bash -euc '
		kver=$1 kdir=$2 tree=$3 src=$4 rootfs=$5 version=$6 out=$7
		mount -t tmpfs pvtrace-dkms-check /lib/modules
		mkdir -p "/lib/modules/$kver"
		cp "$rootfs/lib/modules/$kver"/modules.order "$rootfs/lib/modules/$kver"/modules.builtin* \
			"/lib/modules/$kver/"
		dkms --dkmstree "$tree" --sourcetree "$src" install -m pvtrace -v "$version" \
			-k "$kver" --kernelsourcedir "$kdir" --force
		find "/lib/modules/$kver" -name "pvtrace.ko*" -exec cp {} "$out/" \;
		grep -q "pvtrace" "/lib/modules/$kver/modules.dep"
	' install-step "$kver" "$kdir" "$tree" "$src" "$ROOTFS" "$version" "$tmp/installed-$kver"
}

rc=0
for kver in "$K61" "$K612"; do
	kdir=$(kdir_of "$kver")
	tree=$tmp/dkms-$kver
	mkdir -p "$tree"
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
		rc=1
	fi
done
exit $rc
