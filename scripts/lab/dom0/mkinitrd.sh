#!/usr/bin/env bash
# Build the per-run initramfs of the domU lab's dom0 (Documentation/lab-domu.rst): a
# static busybox whose /init (dom0/stage1-init) loads the modules dom0 needs, mounts the
# cached Debian root image (dom0fs.sh, attached as a virtio disk) and switch_roots into
# it to run dom0/run.sh; it carries the domU's kernel and initramfs (the same vmlinuz,
# and the pvtrace initramfs of mkinitramfs.sh) and the run's settings (domu.env).
# Runs on the host; called by boot.sh for --mode domu-*. Nothing here is cached: a run
# costs ~1 s (mostly gzip).
# Usage: dom0/mkinitrd.sh KVER DOMU_INITRD DOMU_ENV_FILE OUT.cpio.gz [DOMU_KVER]
#   KVER: dom0's kernel (its modules go in); DOMU_KVER: the domU's (default KVER), e.g. a
#   cloud flavour, which cannot run as dom0 (no CONFIG_XEN_DOM0).
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

[ $# -eq 4 ] || [ $# -eq 5 ] || die "usage: $0 KVER DOMU_INITRD DOMU_ENV_FILE OUT.cpio.gz [DOMU_KVER]"
kver=$(resolve_kver "$1")
domu_kver=$(resolve_kver "${5:-$1}")
domu_initrd=$2 envf=$3 out=$4
moddir=$(moddir_of "$kver")
D0=$LAB_DIR/dom0

[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: run scripts/lab/setup.sh"
[ -d "$moddir" ] || die "$moddir missing: run scripts/lab/setup.sh"
[ -f "$domu_initrd" ] || die "domU initramfs $domu_initrd missing"
[ -f "$envf" ] || die "$envf missing"

# What dom0 loads, in this order (dependencies first are added by mod_add):
# the root disk and its file system, then the Xen back ends and device files, the
# bridge and the loop device for the domU's vbd. crc32c_generic: ext4/jbd2's softdep up
# to 6.12 (7.x's ext4 calls the crc32c library; the crypto module is renamed); "?" marks
# a module a line may not have.
WANT=(virtio_pci virtio_blk crc32c_generic? ext4 xen-privcmd xenfs xen-evtchn xen-gntdev
	xen-gntalloc xen-netback xen-blkback bridge loop)

declare -A seen=() path=()
order=()
# Index the modules of this kernel by name (- and _ are the same to the kernel).
while IFS= read -r f; do
	n=${f##*/}
	n=${n%%.ko*}
	path[${n//-/_}]=$f
done < <(find "$moddir/kernel" -name '*.ko*')

# modules.builtin: with the modules up to 6.12; from 7.x Debian ships it with the
# headers only, so in the line's build root.
builtin_lists=("$moddir/modules.builtin")
root=$(buildroot_of "$kver")
[ -n "$root" ] && builtin_lists+=("$root/usr/lib/modules/$kver/modules.builtin")
builtin() {
	local f
	for f in "${builtin_lists[@]}"; do
		grep -q "/${1//_/[-_]}\\.ko\$" "$f" 2>/dev/null && return 0
	done
	return 1
}

mod_add() {
	local n=${1//-/_} f d
	[ -n "${seen[$n]:-}" ] && return 0
	seen[$n]=1
	f=${path[$n]:-}
	if [ -z "$f" ]; then
		builtin "$n" && return 0
		die "module $1 is neither a module nor built into $kver"
	fi
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do mod_add "$d"; done
	order+=("$n")
}
for m in "${WANT[@]}"; do
	case $m in
	*\?)
		m=${m%\?}
		[ -n "${path[${m//-/_}]:-}" ] || continue
		;;
	esac
	mod_add "$m"
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,modules,pvtrace}
cp "$BUSYBOX" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$D0/stage1-init" "$stage/init"
for n in "${order[@]}"; do
	# busybox insmod reads neither .xz nor .zst: decompress here.
	case ${path[$n]} in
	*.xz) xz -dc "${path[$n]}" >"$stage/modules/$n.ko" ;;
	*.zst) zstd -qdc "${path[$n]}" >"$stage/modules/$n.ko" ;;
	*) cp "${path[$n]}" "$stage/modules/$n.ko" ;;
	esac
	echo "$n" >>"$stage/modules/order"
done
# The domU's files and dom0's run script, copied to dom0's /run/pvtrace by stage1-init.
cp "$(vmlinuz_of "$domu_kver")" "$stage/pvtrace/vmlinuz"
cp "$domu_initrd" "$stage/pvtrace/initrd.gz"
cp "$envf" "$stage/pvtrace/domu.env"
install -m 0755 "$D0/run.sh" "$stage/pvtrace/run.sh"
# The static busybox again, for dom0's httpd and nc (known applets, whatever the
# Debian busybox of the image has).
cp "$BUSYBOX" "$stage/pvtrace/busybox"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --quiet -o -0 -H newc -R 0:0 --reproducible) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "dom0 initramfs $out ($(du -k "$out" | cut -f1) KiB): modules ${order[*]}"
