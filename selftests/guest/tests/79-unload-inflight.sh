#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: unload
# Unload pvtrace while one vCPU is inside a long hypercall and another sits
# idle in SCHEDOP_block, both inside pvtrace's stub: rmmod must wait for
# the long call to come back out of the stub (its text is freed after), and
# must not wait for ever on the idle one (which nothing wakes but the
# unload itself). The long call: SCHEDOP_poll through privcmd on a
# loopback event channel that a child notifies 2 s later (hcall-poll), on
# vCPU 1; rmmod runs on the last vCPU; vCPU 0 is left idle.
# PVTRACE_STRESS (pvtrace.stress=N) sets the cycles: 10 by default.
. "$(dirname "$0")/../lib.sh"

CYCLES=${PVTRACE_STRESS:-10}
POLL=$(dirname "$0")/../bin/hcall-poll
MS=2000

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 3 ] || tap_skip_all "needs 3 vCPUs (one idle, one in the long call, one unloading); $ncpu here"
[ -x "$POLL" ] || tap_skip_all "no bin/hcall-poll in this image"
for m in xen-privcmd xen-evtchn; do
	grep -q "^$(echo $m | tr - _) " /proc/modules || [ ! -f "/$m.ko" ] || insmod "/$m.ko"
done
privcmd_usable || tap_skip_all "Xen refuses privcmd hypercalls here"
is_loaded || pvt_insmod || tap_skip_all "pvtrace does not load"
hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"

tap_plan 3
last=$((ncpu - 1))
c=0
bad=0
inside=0
waited=0
quick=0
while [ $c -lt "$CYCLES" ]; do
	c=$((c + 1))
	is_loaded || pvt_insmod || { bad=$((bad + 1)); continue; }
	taskset -c 1 "$POLL" $MS >/tmp/79-poll &
	pp=$!
	usleep 500000
	# The call is inside the stub: at least one call in flight.
	f=$("$PVT_CHECK" get "$PVT_DIR/hypercalls/status" in_flight 2>/dev/null)
	[ "${f:-0}" -ge 1 ] && inside=$((inside + 1))
	t0=$(cut -d' ' -f1 /proc/uptime)
	taskset -c $last rmmod pvtrace || bad=$((bad + 1))
	t1=$(cut -d' ' -f1 /proc/uptime)
	wait $pp || bad=$((bad + 1))
	read -r _ pms _ prc </tmp/79-poll
	# rmmod returned no earlier than the call did (1.5 s after it began,
	# within the uptime's 10 ms).
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	awk -v s="$secs" 'BEGIN { exit !(s >= 1.4) }' && waited=$((waited + 1))
	[ "$prc" = 0 ] && [ "$pms" -ge $((MS - 100)) ] || bad=$((bad + 1))
	[ $c -le 3 ] && tap_diag "cycle $c: in flight $f; rmmod took $secs s; the call took $pms ms, returned $prc"
	[ $((c % 10)) -eq 0 ] && tap_diag "$c cycles"
	awk -v s="$secs" 'BEGIN { exit !(s < 10) }' && quick=$((quick + 1))
done
pvt_insmod
tap_diag "$CYCLES cycles: the call inside the stub in $inside, rmmod waited for it in $waited, took under 10 s in $quick; $bad failures"
[ $bad = 0 ] && [ $inside = "$CYCLES" ]
tap_ok $? "$CYCLES unloads with a vCPU inside a long hypercall and one idle: each call was inside the stub and returned ($bad failures)"
[ $waited = "$CYCLES" ]
tap_ok $? "rmmod waited for the long call every time ($waited of $CYCLES)"
[ $quick = "$CYCLES" ]
tap_ok $? "and did not wait for the idle vCPU: every rmmod under 10 s ($quick of $CYCLES)"
tap_done
