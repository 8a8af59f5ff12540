#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: unload
# Unload pvtrace while one vCPU is inside a long hypercall and another sits
# idle in SCHEDOP_block, both inside pvtrace's stub: rmmod must wait for
# the long call to come back out of the stub (its text is freed after), and
# must not wait for ever on the idle one (which nothing wakes but the
# unload itself). The long call: a multicall of a few million xen_version
# entries through privcmd, in hypercall buffers (/dev/xen/hypercall: Xen
# refuses plain malloc()ed memory with EFAULT), which Xen continues across
# the guest's interrupts and preemptions (hcall-long), about 2 s, on vCPU 1;
# rmmod runs on the last vCPU, 0.5 s into the call; vCPU 0 is left idle.
# PVTRACE_STRESS (pvtrace.stress=N) sets the cycles: 10 by default.
. "$(dirname "$0")/../lib.sh"

CYCLES=${PVTRACE_STRESS:-10}
MS=2000

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 3 ] || tap_skip_all "needs 3 vCPUs (one idle, one in the long call, one unloading); $ncpu here"
is_loaded || pvt_insmod || tap_skip_all "pvtrace does not load"
hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
long_call_setup $MS
n=$long_n
tap_diag "a multicall of $n entries takes about $MS ms or more"

tap_plan 4
last=$((ncpu - 1))
c=0
bad=0
inside=0
overlap=0
waited=0
quick=0
while [ $c -lt "$CYCLES" ]; do
	c=$((c + 1))
	is_loaded || pvt_insmod || { bad=$((bad + 1)); continue; }
	rm -f /tmp/79-call
	taskset -c 1 "$long_bin" "$n" >/tmp/79-call &
	pp=$!
	if ! long_call_started /tmp/79-call $pp; then
		bad=$((bad + 1))
		kill $pp 2>/dev/null
		wait $pp
		continue
	fi
	usleep 500000
	# The call is inside the stub: at least one call in flight.
	f=$("$PVT_CHECK" get "$PVT_DIR/hypercalls/status" in_flight 2>/dev/null)
	[ "${f:-0}" -ge 1 ] && inside=$((inside + 1))
	t0=$(cut -d' ' -f1 /proc/uptime)
	taskset -c $last rmmod pvtrace || bad=$((bad + 1))
	t1=$(cut -d' ' -f1 /proc/uptime)
	wait $pp || bad=$((bad + 1))
	# "call <ms> rc <result> end <uptime>"
	set -- $(grep '^call' /tmp/79-call)
	ms=${2:-?} rc=${4:-x} end=${6:-0}
	[ "$rc" = 0 ] || bad=$((bad + 1))
	# rmmod began while the call ran, and returned no earlier than the
	# call did (both in /proc/uptime's clock: 10 ms steps)...
	awk -v a="$t0" -v e="$end" 'BEGIN { exit !(a < e) }' && overlap=$((overlap + 1))
	awk -v b="$t1" -v e="$end" 'BEGIN { exit !(b >= e - 0.01) }' && waited=$((waited + 1))
	# ...and returned: it did not wait for ever on the idle vCPU (20 s: the
	# rest of rmmod, RCU grace periods of every hook, takes up to 7 s here
	# when the emulator's host is busy).
	awk -v b="$t1" -v e="$end" 'BEGIN { exit !(b - e < 20) }' && quick=$((quick + 1))
	late=$(awk -v b="$t1" -v e="$end" -v l="${late:-0}" 'BEGIN { d = b - e; print (d > l ? d : l) }')
	[ $c -le 3 ] && tap_diag "cycle $c: in flight $f; rmmod from $t0 to $t1 s; the call took $ms ms, returned $rc, ended at $end s"
	[ $((c % 10)) -eq 0 ] && tap_diag "$c cycles"
done
pvt_insmod
dmesg | grep 'pvtrace: .*unhooked' | tail -n 3 | sed 's/^/# /'
tap_diag "$CYCLES cycles: in flight $inside, rmmod during the call $overlap, after its end $waited, within 20 s of its end $quick; $bad failures"
[ $bad = 0 ] && [ $inside = "$CYCLES" ]
tap_ok $? "$CYCLES unloads with a vCPU inside a long hypercall and one idle: each call inside the stub and returned whole ($bad failures)"
[ $overlap = "$CYCLES" ]
tap_ok $? "every rmmod began while the call ran ($overlap of $CYCLES)"
[ $waited = "$CYCLES" ]
tap_ok $? "rmmod waited for the long call every time ($waited of $CYCLES)"
[ $quick = "$CYCLES" ]
tap_ok $? "and did not wait for the idle vCPU: every rmmod done within 20 s of the call's end ($quick of $CYCLES; at most $late s after)"
tap_done
