#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: hypercalls
# CPU hotplug with the hypercall hook installed: a vCPU going offline
# makes a hypercall that never returns (VCPUOP_down), and on PV one coming
# online restores its GS base through a hypercall during which the
# per-CPU base is invalid (6.1's load_percpu_segment()). Both must pass
# through the stub safely.
. "$(dirname "$0")/../lib.sh"

CYCLES=5
H=$PVT_DIR/hypercalls
C=/sys/devices/system/cpu/cpu1/online

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
[ -w $C ] || tap_skip_all "no cpu1 to take offline"

st() {
	"$PVT_CHECK" get "$H/status" "$1"
}

tap_plan 3
down0=$(st noreturn_calls)
gs0=$(st gs_base_calls)
fails=0
c=0
while [ $c -lt $CYCLES ]; do
	echo 0 >$C || fails=$((fails + 1))
	echo 1 >$C || fails=$((fails + 1))
	c=$((c + 1))
done
down1=$(st noreturn_calls)
gs1=$(st gs_base_calls)
tap_diag "VCPUOP_down passed through: $down0 -> $down1; GS base restores: $gs0 -> $gs1"
[ $fails -eq 0 ] && [ "$(cat $C)" = 1 ]
tap_ok $? "$CYCLES offline/online cycles of cpu1 with the hook installed"

if [ "$PVTRACE_EXPECT_TYPE" = xen-pv ]; then
	[ $((down1 - down0)) -eq $CYCLES ]
	tap_ok $? "each offline's VCPUOP_down went straight through ($((down1 - down0)))"
else
	tap_skip "each offline's VCPUOP_down went straight through" "PV only"
fi

before=$("$PVT_CHECK" get "$H/totals" xen_version calls)
i=0
while [ $i -lt 20 ]; do
	read -r _ </sys/hypervisor/version/extra
	i=$((i + 1))
done
after=$("$PVT_CHECK" get "$H/totals" xen_version calls)
[ $((after - before)) -ge 20 ]
tap_ok $? "still counting on every vCPU afterwards (+$((after - before)))"
tap_done
