#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, hypercalls: the time per call of a tight in-kernel hypercall
# loop (pvtrace_hbench.ko, xen_version through a C wrapper), measured in
# interleaved rounds, four ways:
#   none        nothing attached
#   pvtrace     pvtrace loaded (counts and times every hypercall)
#   recording   the same, with the flight recorder recording every call
#               (a buffer big enough that none is lost: checked)
#   count_only  pvtrace loaded with hcall_timing=0 (callers still on)
#   floor       hcall_timing=0 hcall_extras=none: the stub alone
#   kprobe      no pvtrace; a kprobe event with a hist trigger on the
#               wrapper, what a user can do today without pvtrace
# Prints "bench hypercalls KEY VALUE" lines: each round, then the medians
# and the added ns per call.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
HB=/pvtrace_hbench.ko
T=/sys/kernel/tracing
ROUNDS=${PVTRACE_BENCH_ROUNDS:-7}
LOOPS=${PVTRACE_BENCH_LOOPS:-20000}
S=hypercalls

[ -f $HB ] || { echo "bench $S error no_bench_module"; exit 1; }

# One measurement: ns per call, the median of 3 repetitions.
run() {
	insmod $HB loops="$LOOPS" reps=3 2>/dev/null
	dmesg | grep 'pvtrace_hbench: hypercall loops' | tail -n 1 |
		sed 's/.*median_ns_per_call \([0-9.]*\).*/\1/'
}

kprobe_on() {
	echo "p:pvtbench/hbench pvtrace_hbench:hbench_call" >>$T/kprobe_events
	echo 'hist:keys=common_pid' >$T/events/pvtbench/hbench/trigger
	echo 1 >$T/events/pvtbench/hbench/enable
}

kprobe_off() {
	hits=$(grep -o 'Hits: [0-9]*' $T/events/pvtbench/hbench/hist | cut -d' ' -f2)
	echo 0 >$T/events/pvtbench/hbench/enable
	echo '!hist:keys=common_pid' >$T/events/pvtbench/hbench/trigger
	echo "-:pvtbench/hbench" >>$T/kprobe_events
}

: >/tmp/none; : >/tmp/pvtrace; : >/tmp/rec; : >/tmp/count; : >/tmp/floor; : >/tmp/kprobe
r=1
while [ $r -le "$ROUNDS" ]; do
	none=$(run)
	insmod "$PVTRACE_KO" hcall_timing=1 record_buffer_kb=8192
	full=$(run)
	echo on >/sys/module/pvtrace/parameters/record
	rec=$(run)
	echo off >/sys/module/pvtrace/parameters/record
	lost=$(awk '$1 == "lost" { print $2 }' /sys/kernel/debug/pvtrace/recorder/status)
	echo 0 >/sys/module/pvtrace/parameters/hcall_timing
	count=$(run)
	echo none >/sys/module/pvtrace/parameters/hcall_extras
	floor=$(run)
	rmmod pvtrace
	kprobe_on
	kp=$(run)
	kprobe_off
	echo "bench $S round $r none $none pvtrace $full recording $rec recording_lost $lost count_only $count floor $floor kprobe $kp kprobe_hits $hits"
	echo "$none" >>/tmp/none
	echo "$full" >>/tmp/pvtrace
	echo "$rec" >>/tmp/rec
	echo "$count" >>/tmp/count
	echo "$floor" >>/tmp/floor
	echo "$kp" >>/tmp/kprobe
	r=$((r + 1))
done
mn=$(median lower </tmp/none)
mp=$(median lower </tmp/pvtrace)
mr=$(median lower </tmp/rec)
mc=$(median lower </tmp/count)
mf=$(median lower </tmp/floor)
mk=$(median lower </tmp/kprobe)
echo "bench $S loops_per_measurement $((LOOPS * 3)) rounds $ROUNDS"
echo "bench $S median_ns_per_call none $mn pvtrace $mp recording $mr count_only $mc floor $mf kprobe $mk"
awk -v n="$mn" -v p="$mp" -v r="$mr" -v c="$mc" -v f="$mf" -v k="$mk" 'BEGIN {
	printf "bench %s added_ns_per_call pvtrace %.1f recording %.1f count_only %.1f floor %.1f kprobe %.1f\n", "'$S'", p - n, r - n, c - n, f - n, k - n
	printf "bench %s ratio_to_none pvtrace %.3f recording %.3f count_only %.3f floor %.3f kprobe %.3f\n", "'$S'", p / n, r / n, c / n, f / n, k / n
	printf "bench %s recording_vs_pvtrace ratio %.3f added_ns_per_call %.1f\n", "'$S'", r / p, r - p
}'
