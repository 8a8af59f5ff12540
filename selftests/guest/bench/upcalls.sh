#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, upcalls: the time of one event on a loopback event channel
# (pvtrace_hbench.ko evtchn=1, on vCPU 0: a notify hypercall, then the
# upcall it raises, running the module's handler), measured in
# interleaved rounds, four ways:
#   none      nothing attached
#   upcalls   pvtrace loaded with hypercalls=0: only the upcall hook
#   pvtrace   pvtrace loaded with every hook (the notify hypercall is
#             counted too)
#   kprobe    no pvtrace; a kprobe event with a hist trigger on
#             xen_evtchn_do_upcall, what a user can do today
# Each event is one upcall, so the added time per event is the added time
# per upcall (with every hook, plus the notify hypercall's counting). Prints "bench upcalls KEY VALUE" lines: each
# round, then the medians and the added ns per upcall.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
HB=/pvtrace_hbench.ko
T=/sys/kernel/tracing
ROUNDS=${PVTRACE_BENCH_ROUNDS:-7}
LOOPS=${PVTRACE_BENCH_LOOPS:-5000}
S=upcalls

[ -f $HB ] || { echo "bench $S error no_bench_module"; exit 1; }

# One measurement: ns per call, the median of 3 repetitions.
run() {
	insmod $HB evtchn=1 loops="$LOOPS" reps=3 2>/dev/null
	dmesg | grep 'pvtrace_hbench: evtchn loops' | tail -n 1 |
		sed 's/.*median_ns_per_call \([0-9.]*\).*/\1/'
}

kprobe_on() {
	echo "p:pvtbench/upcall xen_evtchn_do_upcall" >>$T/kprobe_events
	echo 'hist:keys=common_cpu' >$T/events/pvtbench/upcall/trigger
	echo 1 >$T/events/pvtbench/upcall/enable
}

kprobe_off() {
	hits=$(grep -o 'Hits: [0-9]*' $T/events/pvtbench/upcall/hist | cut -d' ' -f2)
	echo 0 >$T/events/pvtbench/upcall/enable
	echo '!hist:keys=common_cpu' >$T/events/pvtbench/upcall/trigger
	echo "-:pvtbench/upcall" >>$T/kprobe_events
}

# "upcalls empty events" summed over the vCPUs.
upcalls_total() {
	awk '!/^#/ { u += $2; e += $4; v += $6 } END { print u + 0, e + 0, v + 0 }' \
		/sys/kernel/debug/pvtrace/upcalls/percpu
}

: >/tmp/none; : >/tmp/upcalls; : >/tmp/pvtrace; : >/tmp/kprobe
r=1
while [ $r -le "$ROUNDS" ]; do
	none=$(run)
	insmod "$PVTRACE_KO" hypercalls=0
	# shellcheck disable=SC2046 # three numbers
	set -- $(upcalls_total)
	u0=$1 e0=$2 v0=$3
	up=$(run)
	# shellcheck disable=SC2046 # three numbers
	set -- $(upcalls_total)
	u1=$1 e1=$2 v1=$3
	rmmod pvtrace
	insmod "$PVTRACE_KO"
	full=$(run)
	rmmod pvtrace
	kprobe_on
	kp=$(run)
	kprobe_off
	echo "bench $S round $r none $none upcalls $up pvtrace $full kprobe $kp upcalls_seen $((u1 - u0)) empty $((e1 - e0)) events $((v1 - v0)) kprobe_hits $hits"
	echo "$none" >>/tmp/none
	echo "$up" >>/tmp/upcalls
	echo "$full" >>/tmp/pvtrace
	echo "$kp" >>/tmp/kprobe
	r=$((r + 1))
done
mn=$(median lower </tmp/none)
mu=$(median lower </tmp/upcalls)
mp=$(median lower </tmp/pvtrace)
mk=$(median lower </tmp/kprobe)
echo "bench $S calls_per_measurement $((LOOPS * 3)) rounds $ROUNDS"
echo "bench $S median_ns_per_call none $mn upcalls $mu pvtrace $mp kprobe $mk"
awk -v n="$mn" -v u="$mu" -v p="$mp" -v k="$mk" 'BEGIN {
	printf "bench %s added_ns_per_upcall upcalls %.1f pvtrace %.1f kprobe %.1f\n", "'$S'", u - n, p - n, k - n
	printf "bench %s ratio_to_none upcalls %.3f pvtrace %.3f kprobe %.3f\n", "'$S'", u / n, p / n, k / n
}'
