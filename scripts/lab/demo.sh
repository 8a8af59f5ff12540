#!/usr/bin/env bash
# `make demo`: set up the lab, build pvtrace.ko, boot one Xen dom0 (PV, 2 vCPUs) with
# pvtrace.mode=demo and print what the guest's demo.sh prints between
# ##PVTRACE-DEMO-BEGIN and ##PVTRACE-DEMO-END; then boot the same kernel on plain QEMU
# (same emulated CPUs, no hypervisor), run the same workload, and print the two
# side by side with what `pvtrace stat` attributed (the top-down view). Both boots
# use QEMU's instruction-count clock (boot.sh --icount), so the times are
# repeatable. Full consoles: $BUILD/lab/demo.log, $BUILD/lab/demo-native.log.
# Usage: demo.sh
# Env: PVTRACE_DEMO_KERNEL (default K61), PVTRACE_DEMO_MODE (default pv),
#      PVTRACE_DEMO_VCPUS (default 2), PVTRACE_TIMEOUT (default 300).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=lib-run.sh
. "$LAB_DIR/lib-run.sh"

# 6.1 PV: a PV guest shows multicalls too.
kernel=${PVTRACE_DEMO_KERNEL:-K61}
mode=${PVTRACE_DEMO_MODE:-pv}
vcpus=${PVTRACE_DEMO_VCPUS:-2}

"$LAB_DIR/setup.sh" >&2
kver=$(resolve_kver "$kernel")
labdir=$BUILD/lab
logf=$labdir/demo.log
initrd=$labdir/initramfs-demo.cpio.gz
mkdir -p "$labdir"
lab_build "$kver" "$initrd"

log "booting the demo ($kver, Xen $mode dom0, $vcpus vCPUs); under TCG this takes about two minutes"
boot_rc=0
lab_boot "$logf" "$vcpus" --kernel "$kver" --mode "$mode" --initrd "$initrd" --icount \
	--timeout "${PVTRACE_TIMEOUT:-300}" --append-extra "pvtrace.mode=demo" || boot_rc=$?

if ! lab_has "$logf" '##PVTRACE-DEMO-END'; then
	lab_tail "$logf" 40 >&2
	die "the demo did not complete (boot rc=$boot_rc); full log: $logf"
fi
printf '%s\n' "$(lab_between "$logf" '##PVTRACE-DEMO-BEGIN' '##PVTRACE-DEMO-END' |
	grep -v '^##PVTRACE-DEMO-WORKLOAD')"
[ "$boot_rc" = 0 ] || die "the guest did not shut down cleanly (boot rc=$boot_rc); full log: $logf"

# Top-down: the same workload, kernel and emulated machine, without Xen.
nlogf=$labdir/demo-native.log
log "booting the same kernel on plain QEMU, for the side-by-side"
boot_rc=0
lab_boot "$nlogf" "$vcpus" --kernel "$kver" --mode native --initrd "$initrd" --icount \
	--timeout "${PVTRACE_TIMEOUT:-300}" --append-extra "pvtrace.mode=demo" || boot_rc=$?
# workload_s LOG [head|tail]: the workload's length in seconds, as the guest
# measured it: its last run (default) or its first.
workload_s() {
	lab_console "$1" | sed -n 's/^##PVTRACE-DEMO-WORKLOAD cs=\([0-9]*\).*/\1/p' | "${2:-tail}" -n 1 |
		awk '{ printf "%.2f", $1 / 100 }'
}
xen_s=$(workload_s "$logf")
nat_s=$(workload_s "$nlogf")
# The guest's first run, recorded by pvtrace record (when the initramfs has
# the command: then the workload ran twice).
rec_s=
[ "$(lab_console "$logf" | grep -c '^##PVTRACE-DEMO-WORKLOAD cs=')" -ge 2 ] && rec_s=$(workload_s "$logf" head)
[ -n "$nat_s" ] || die "the native run did not complete (boot rc=$boot_rc); full log: $nlogf"
# pvtrace stat's total: "  <share>%  <time> <unit>  total".
attr=$(lab_console "$logf" | awk '$NF == "total" && $1 ~ /%$/ { print $2, $3; exit }')
echo
echo "Top-down: the same workload on the same kernel and emulated machine ($vcpus CPUs)"
awk -v x="$xen_s" -v n="$nat_s" -v mode="$mode" -v v="$vcpus" 'BEGIN {
	printf "  %-40s %8.2f s\n", "plain QEMU, no hypervisor", n
	printf "  %-40s %8.2f s  %+.2f s (%+.0f%%)\n", "Xen " mode " dom0, " v " vCPUs, pvtrace loaded", x,
		x - n, (n > 0 ? 100 * (x - n) / n : 0)
}'
[ -z "$rec_s" ] || awk -v x="$xen_s" -v r="$rec_s" 'BEGIN {
	printf "  %-40s %8.2f s  %+.2f s (%+.0f%%) over the run above: the recorder'"'"'s own cost\n",
		"the same, recording every event", r, r - x, (x > 0 ? 100 * (r - x) / x : 0)
}'
echo "  pvtrace stat put ${attr:-nothing} of the guest's vCPU time (summed over its vCPUs) on"
echo "  virtualization over the Xen run (its report is above). What it cannot see is"
echo "  in the difference too: Xen's work that no hypercall or upcall of the guest"
echo "  brackets (page-table and trap emulation for a PV guest, interrupt delivery)."
echo "  Times are QEMU's instruction-count clock (-icount): repeatable, but"
echo "  the emulator's, not a physical machine's."
