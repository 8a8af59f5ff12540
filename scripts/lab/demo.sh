#!/usr/bin/env bash
# `make demo`: set up the lab, build pvtrace.ko, boot one Xen PVH dom0 (2 vCPUs) with
# pvtrace.mode=demo and print what the guest's demo.sh prints between
# ##PVTRACE-DEMO-BEGIN and ##PVTRACE-DEMO-END. Full console: $BUILD/lab/demo.log.
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

log "booting the demo ($kver, Xen $mode dom0, $vcpus vCPUs); under TCG this takes about half a minute"
boot_rc=0
lab_boot "$logf" "$vcpus" --kernel "$kver" --mode "$mode" --initrd "$initrd" \
	--timeout "${PVTRACE_TIMEOUT:-300}" --append-extra "pvtrace.mode=demo" || boot_rc=$?

if ! lab_has "$logf" '##PVTRACE-DEMO-END'; then
	lab_tail "$logf" 40 >&2
	die "the demo did not complete (boot rc=$boot_rc); full log: $logf"
fi
printf '%s\n' "$(lab_between "$logf" '##PVTRACE-DEMO-BEGIN' '##PVTRACE-DEMO-END')"
[ "$boot_rc" = 0 ] || die "the guest did not shut down cleanly (boot rc=$boot_rc); full log: $logf"
