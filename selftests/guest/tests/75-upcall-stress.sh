#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: stress
# Load and unload pvtrace over and over under a constant stream of
# events: each load registers the upcall probes (kretprobe, kprobe, two
# tracepoints) while upcalls run on every vCPU, each unload removes them
# and waits for the probes in flight. No event may be lost on the way
# (evtchn-loop gives up after 5 s without its event), and nothing may
# show up in 99-kernel-log.sh.
# 10 cycles: the 100-cycle stress of the *-stress rows is 70-hcall-stress.sh,
# which loads and unloads the upcall hook too.
. "$(dirname "$0")/../lib.sh"

CYCLES=10
EVL=$(dirname "$0")/../bin/evtchn-loop

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
[ "$CYCLES" -gt 0 ] || tap_skip_all "pvtrace.stress=0"
is_loaded && upcall_hook_off &&
	tap_skip_all "the upcall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
[ -f /xen-evtchn.ko ] || [ -e /dev/xen/evtchn ] ||
	tap_skip_all "no xen-evtchn module for a stream of events"
[ -e /dev/xen/evtchn ] || insmod /xen-evtchn.ko 2>/dev/null

tap_plan 3
is_loaded && pvt_rmmod

# The event stream, and one busy loop per vCPU (builtins only) for ticks
# and wakeups everywhere.
"$EVL" 1000000000 $DOMID_SELF >/tmp/evl.out 2>&1 &
evl=$!
ncpu=$(grep -c '^processor' /proc/cpuinfo)
busy_loops /proc/interrupts
cycles "$CYCLES"
tap_diag "$CYCLES cycles in $cycle_secs s with an event stream and $ncpu busy loops"
[ $cycle_fails -eq 0 ] && kill -0 $evl 2>/dev/null
tap_ok $? "$CYCLES load/unload cycles under a stream of events ($cycle_fails failures; event loop $(kill -0 $evl 2>/dev/null && echo running || echo "stopped: $(cat /tmp/evl.out)"))"

# A fresh load counts the stream on its channel.
pvt_insmod
ch() {
	awk '!/^#/ && $6 == "evtchn:evtchn-loop" { s += $7 } END { print s + 0 }' \
		"$PVT_DIR/upcalls/channels"
}
before=$(ch)
sleep 1
after=$(ch)
tap_diag "evtchn:evtchn-loop handler runs in 1 s: $before -> $after"
[ "$after" -gt "$before" ]
tap_ok $? "after the cycles, a fresh load counts the event stream"

kill $evl
wait $evl 2>/dev/null
end_cycles
