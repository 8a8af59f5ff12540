#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: stress
# Load and unload pvtrace over and over while every vCPU is busy making
# hypercalls: each load patches every xen_hypercall call site to the stub,
# each unload patches them back and waits for calls in flight. Any fault
# shows up here or in 99-kernel-log.sh.
# PVTRACE_STRESS (kernel command line pvtrace.stress=N) sets the cycles:
# 10 by default, 100 in the matrix's *-stress rows.
. "$(dirname "$0")/../lib.sh"

CYCLES=${PVTRACE_STRESS:-10}

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
[ "$CYCLES" -gt 0 ] || tap_skip_all "pvtrace.stress=0"
is_loaded && hcall_hook_off &&
	tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"

tap_plan 3
is_loaded && pvt_rmmod

# One hypercall loop per vCPU.
busy_loops /sys/hypervisor/version/extra
ncpu=$(grep -c '^processor' /proc/cpuinfo)
cycles "$CYCLES"
tap_diag "$CYCLES cycles in $cycle_secs s with $ncpu hypercall loops"
[ $cycle_fails -eq 0 ]
tap_ok $? "$CYCLES load/unload cycles with $ncpu vCPUs making hypercalls ($cycle_fails failures)"

# Still counting correctly after all that, with the loops still running.
pvt_insmod
before=$("$PVT_CHECK" get "$PVT_DIR/hypercalls/totals" xen_version calls)
sleep 1
after=$("$PVT_CHECK" get "$PVT_DIR/hypercalls/totals" xen_version calls)
tap_diag "xen_version calls in 1 s: $before -> $after"
[ "$after" -gt "$before" ]
tap_ok $? "after the cycles, a fresh load counts the running loops"

end_cycles
tap_done
