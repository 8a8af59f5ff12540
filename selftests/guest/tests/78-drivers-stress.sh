#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: stress
# Load and unload pvtrace with the driver hook (drivers=1) over and over
# while every vCPU runs one of the hook's targets: a kretprobe on
# major_show() (probes=+vmlinux:major_show), called by each read of
# /sys/hypervisor/version/major, which is also one hypercall. Each load
# registers the hook's kretprobes while they fire on every vCPU, each
# unload removes them with calls in flight. Under QEMU 7.2 (the lab's
# before 8.1) the first such run oopsed (Documentation/lab-textpoke.rst);
# nothing may show up in 99-kernel-log.sh.
# PVTRACE_STRESS (pvtrace.stress=N) sets the cycles: 10 by default, 100 in
# the matrix's stress rows.
. "$(dirname "$0")/../lib.sh"

CYCLES=${PVTRACE_STRESS:-10}
ARGS="drivers=1 probes=+vmlinux:major_show"
D=$PVT_DIR/drivers

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
[ "$CYCLES" -gt 0 ] || tap_skip_all "pvtrace.stress=0"

tap_plan 3
is_loaded && pvt_rmmod

busy_loops /sys/hypervisor/version/major
ncpu=$(grep -c '^processor' /proc/cpuinfo)
# shellcheck disable=SC2086 # a list of parameters
cycles "$CYCLES" $ARGS
tap_diag "$CYCLES cycles in $cycle_secs s with $ncpu loops through major_show()"
[ $cycle_fails -eq 0 ]
tap_ok $? "$CYCLES load/unload cycles with drivers=1 while its targets run on $ncpu vCPUs ($cycle_fails failures)"

# A fresh load counts the running loops at their function and hypercall.
# shellcheck disable=SC2086 # a list of parameters
pvt_insmod $ARGS
calls() { awk '$1 == "vmlinux:major_show" { print $4 }' "$D/functions"; }
before=$(calls)
sleep 1
after=$(calls)
tap_diag "major_show calls in 1 s: $before -> $after; state $(awk '$1 == "vmlinux:major_show" { print $3 }' "$D/functions")"
[ "${after:-0}" -gt "${before:-0}" ]
tap_ok $? "after the cycles, a fresh load counts the running loops at major_show"

end_cycles
tap_done
