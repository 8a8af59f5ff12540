# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# What every script that boots the lab does, once: build pvtrace.ko and the
# guest's initramfs for a kernel, boot, and cut the console log. Sourced
# after common.sh (scripts/lab/demo.sh, scripts/lab/matrix.sh,
# scripts/bench.sh). Not executable on its own.
#   lab_build KVER INITRD [SMALL_INITRD]   build-module.sh, mkinitramfs.sh
#   lab_boot LOG VCPUS BOOT_ARGS...        boot.sh, console in LOG
#   lab_console LOG                        the console without CRs
#   lab_between LOG BEGIN END              the lines between two markers
#   lab_has LOG PATTERN                    does the console hold a line
#   lab_tail LOG N                         its last N lines, indented

# lab_build KVER INITRD [SMALL_INITRD]: pvtrace.ko for KVER, then the guest
# initramfs INITRD and, when asked, the small one (mkinitramfs.sh --small,
# for an HVM domU). Their output goes where the caller sends it; the status
# is 0 when all were built.
lab_build() {
	local kver=$1 initrd=$2 small=${3:-}
	"$LAB_DIR/build-module.sh" "$kver" &&
		"$LAB_DIR/mkinitramfs.sh" "$kver" "$initrd" &&
		{ [ -z "$small" ] || "$LAB_DIR/mkinitramfs.sh" --small "$kver" "$small"; }
}

# lab_boot LOG VCPUS BOOT_ARGS...: boot.sh with BOOT_ARGS (--kernel, --mode,
# --initrd, ...) and its console in LOG. VCPUS is V (V vCPUs on V emulated
# CPUs) or V/C (V vCPUs on C emulated CPUs: with V > C, Xen makes the vCPUs
# take turns, so steal time is real). The boot's status.
lab_boot() {
	local logf=$1 vcpus=$2
	shift 2
	"$LAB_DIR/boot.sh" --vcpus "${vcpus%/*}" --cpus "${vcpus#*/}" --log "$logf" "$@"
}

# lab_console LOG: the console as text, without the serial line's CRs.
lab_console() {
	tr -d '\r' <"$1"
}

# lab_between LOG BEGIN END: the lines between a line matching the BRE
# BEGIN and the next matching END, neither marker included.
lab_between() {
	lab_console "$1" | sed -n "/$2/,/$3/p" | sed '1d;$d'
}

# lab_has LOG PATTERN: the console has a line matching the BRE PATTERN.
lab_has() {
	lab_console "$1" | grep -aq "$2"
}

# lab_tail LOG N: the console's last N lines, indented, for an error report.
lab_tail() {
	lab_console "$1" | tail -n "$2" | sed 's/^/    | /'
}
