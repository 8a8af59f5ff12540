#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: hypercalls
# A preemptible hypercall (privcmd) that moves to another vCPU while it
# runs: its duration is taken from two TSC reads on two vCPUs. Counted
# once, timed no longer than it ran (never a wrapped difference in
# max_ns), or counted as untimed (time_backwards) where the second vCPU's
# TSC lags. The long call is hcall-long's multicall (about 1.5 s), started
# on vCPU 1; 0.3 s in, its affinity is set to vCPU 0 alone: the kernel
# preempts it inside the hypercall (Xen continues the multicall where it
# was) and moves it. taskset returning before the call ends shows the move
# happened mid-call. Only a PV guest preempts a privcmd call
# (xen_in_preemptible_hcall, arch/x86/xen/enlighten_pv.c): on PVH and HVM
# the move waits for the call's end, so there the calls only have to be
# counted and timed sanely. PVTRACE_REPEAT (pvtrace.repeat=N): N calls, 5 by
# default.
. "$(dirname "$0")/../lib.sh"

ROUNDS=${PVTRACE_REPEAT:-5}
H=$PVT_DIR/hypercalls

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || tap_skip_all "needs 2 vCPUs; $ncpu here"
long_call_setup 1500
n=$long_n

# mc FIELD: multicall's column FIELD of hypercalls/totals (calls 3, max_ns 7).
mc() {
	awk -v c="$1" '$1 == "multicall" { print $c; f = 1 } END { if (!f) print 0 }' "$H/totals"
}
timing=$("$PVT_CHECK" get "$H/status" timing)
back0=$("$PVT_CHECK" get "$H/status" time_backwards)
calls0=$(mc 3)
max0=$(mc 7)
tap_diag "a multicall of $n entries; timing $timing; multicall calls $calls0, max_ns $max0 before"

tap_plan 3
k=0
moved=0
late=0
bad=0
longest=0
while [ $k -lt "$ROUNDS" ]; do
	k=$((k + 1))
	rm -f /tmp/69-call
	taskset -c 1 "$long_bin" "$n" >/tmp/69-call &
	pp=$!
	if ! long_call_started /tmp/69-call $pp; then
		bad=$((bad + 1))
		kill $pp 2>/dev/null
		wait $pp
		continue
	fi
	usleep 300000
	# taskset -p reads the affinity, sets it, and reads it again to print
	# it. Where the set waits for the call's end (PVH, HVM), the process
	# may exit and be reaped (this shell's wait for taskset reaps any
	# child) before that last read: "No such process" after the move took
	# effect (the call ended on vCPU 0). Where the shell shares a CPU with
	# the call's vCPU (2 vCPUs on 1 CPU in the lab), it may also come back
	# only after the call has ended: a round that ended before the move
	# (on vCPU 1). Neither is a failure when the call's line is there.
	moveok=1
	taskset -p -c 0 $pp >/dev/null 2>/tmp/69-taskset || moveok=0
	t1=$(cut -d' ' -f1 /proc/uptime)
	wait $pp || bad=$((bad + 1))
	# "call <ms> rc <result> end <uptime> cpus <a> <b>"
	set -- $(grep '^call' /tmp/69-call)
	if [ $moveok = 0 ]; then
		if [ $# -ge 9 ] && [ "$9" = 0 ] && grep -q 'No such process' /tmp/69-taskset; then
			tap_diag "call $k: moved as it ended; taskset's last read found it gone"
		elif [ $# -ge 9 ] && grep -q 'No such process' /tmp/69-taskset; then
			late=$((late + 1))
			tap_diag "call $k ended before taskset ran: $(cat /tmp/69-taskset)"
		else
			bad=$((bad + 1))
			tap_diag "call $k: taskset failed: $(cat /tmp/69-taskset)"
		fi
	fi
	ms=${2:-0} rc=${4:-x} end=${6:-0} a=${8:-?} b=${9:-?}
	[ "$rc" = 0 ] || bad=$((bad + 1))
	[ "$ms" -gt "$longest" ] 2>/dev/null && longest=$ms
	# Moved while inside: taskset returned before the call ended, and
	# the call ended on vCPU 0.
	awk -v t="$t1" -v e="$end" 'BEGIN { exit !(t < e) }' && [ "$a" = 1 ] && [ "$b" = 0 ] &&
		moved=$((moved + 1))
	tap_diag "call $k: $ms ms, rc $rc, on vCPU $a then $b; moved at $t1 s, ended at $end s"
done
calls=$(($(mc 3) - calls0))
max=$(mc 7)
back=$(($("$PVT_CHECK" get "$H/status" time_backwards) - back0))
tap_diag "multicall: $calls more calls, max_ns $max; time_backwards +$back; the longest call took $longest ms (hcall-long's clock)"

if [ "$(summary_get guest_type)" = xen-pv ]; then
	[ $bad = 0 ] && [ "$moved" -ge 1 ]
	tap_ok $? "$ROUNDS long privcmd calls moved to another vCPU while inside the hypercall ($moved moved mid-call; $late ended before the move; $bad failures)"
else
	[ $bad = 0 ]
	tap_ok $? "$ROUNDS long privcmd calls, affinity changed meanwhile: each returned whole ($moved moved mid-call: only PV preempts them; $late ended before the move; $bad failures)"
fi
# A PV kernel batches its own page-table updates in multicalls too.
if [ "$(summary_get guest_type)" = xen-pv ]; then
	[ "$calls" -ge "$ROUNDS" ]
else
	[ "$calls" -eq "$ROUNDS" ]
fi
tap_ok $? "each counted once ($calls multicalls counted, $ROUNDS made; a PV kernel's own batches besides)"
if [ "$timing" = 1 ]; then
	# No longer than the longest call measured from userspace, plus a
	# 10 % margin for the clocks' different reads.
	awk -v m="$max" -v l="$longest" 'BEGIN { exit !(m <= l * 1.1e6 + 10e6) }'
	tap_ok $? "multicall's max_ns ($max) is no longer than the longest call ($longest ms): no wrapped duration"
else
	tap_skip "max_ns after a move" "calls are not timed here (timing $timing)"
fi
tap_done
