#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, drivers (a PV domU with a vbd): the time per block request of
# O_DIRECT 4 KiB reads from the vbd, each of which runs blkfront's queueing,
# its kick of the back end (notify_remote_via_irq(), a hypercall), the
# ring's interrupt and the completion: four of the driver hook's targets.
# Measured in interleaved rounds, four ways:
#   none       nothing attached
#   pvtrace    pvtrace loaded with its default hooks (drivers=0)
#   drivers    pvtrace loaded with drivers=1 (a kretprobe on each target,
#              per-vCPU counts and latency histograms)
#   kretprobe  no pvtrace; kretprobe events on the same four functions,
#              each with a hist trigger: what a user can do today
#              without pvtrace (counts only, no latency)
# Prints "bench drivers KEY VALUE" lines: each round, then the medians and
# the added time per request.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
T=/sys/kernel/tracing
ROUNDS=${PVTRACE_BENCH_ROUNDS:-7}
REQS=${PVTRACE_BENCH_REQS:-2000}
VBD=${PVTRACE_VBD:-/dev/xvdb}
S=drivers
FUNCS="xen_blkfront:blkif_queue_rq xen_blkfront:blkif_complete_rq xen_blkfront:blkif_interrupt notify_remote_via_irq"

[ -b "$VBD" ] || { echo "bench $S error no_vbd $VBD"; exit 1; }
grep -q '^xen_blkfront ' /proc/modules || { echo "bench $S error no_blkfront"; exit 1; }
mountpoint -q $T || mount -t tracefs nodev $T

# Hundredths of a second since boot.
now() {
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}

# One measurement: us per request over $REQS reads, and the requests the
# disk completed meanwhile (/sys/block stat: reads completed).
run() {
	_s0=$(awk '{ print $1 }' "/sys/block/${VBD##*/}/stat")
	_t0=$(now)
	dd if="$VBD" of=/dev/null bs=4k count="$REQS" iflag=direct 2>/dev/null
	_t1=$(now)
	_s1=$(awk '{ print $1 }' "/sys/block/${VBD##*/}/stat")
	ios=$((_s1 - _s0))
	echo $((_t1 - _t0)) "$ios" | awk '{ printf "%.1f\n", $1 * 10000 / $2 }'
}

kretprobe_on() {
	_i=0
	for f in $FUNCS; do
		echo "r:pvtbench/f$_i $f" >>$T/kprobe_events
		echo 'hist:keys=common_pid' >$T/events/pvtbench/f$_i/trigger
		echo 1 >$T/events/pvtbench/f$_i/enable
		_i=$((_i + 1))
	done
}

kretprobe_off() {
	hits=0
	_i=0
	for f in $FUNCS; do
		_h=$(grep -o 'Hits: [0-9]*' $T/events/pvtbench/f$_i/hist | cut -d' ' -f2)
		hits=$((hits + ${_h:-0}))
		echo 0 >$T/events/pvtbench/f$_i/enable
		echo '!hist:keys=common_pid' >$T/events/pvtbench/f$_i/trigger
		echo "-:pvtbench/f$_i" >>$T/kprobe_events
		_i=$((_i + 1))
	done
}

# Calls of the four targets in drivers/functions.
drv_calls() {
	awk 'NR > 1 && ($2 == "blk_queue" || $2 == "blk_complete" || $2 == "blk_irq" ||
		$2 == "evtchn_notify") { s += $4 } END { print s + 0 }' \
		/sys/kernel/debug/pvtrace/drivers/functions
}

grep -q '^pvtrace ' /proc/modules && rmmod pvtrace
: >/tmp/none; : >/tmp/pvtrace; : >/tmp/drivers; : >/tmp/kretprobe
run >/dev/null	# warm up
r=1
while [ $r -le "$ROUNDS" ]; do
	none=$(run)
	insmod "$PVTRACE_KO"
	full=$(run)
	rmmod pvtrace
	insmod "$PVTRACE_KO" drivers=1
	c0=$(drv_calls)
	drv=$(run)
	calls=$(($(drv_calls) - c0))
	rmmod pvtrace
	kretprobe_on
	kp=$(run)
	kretprobe_off
	echo "bench $S round $r none $none pvtrace $full drivers $drv drivers_calls $calls kretprobe $kp kretprobe_hits $hits ios $ios"
	echo "$none" >>/tmp/none
	echo "$full" >>/tmp/pvtrace
	echo "$drv" >>/tmp/drivers
	echo "$kp" >>/tmp/kretprobe
	r=$((r + 1))
done
mn=$(median lower </tmp/none)
mp=$(median lower </tmp/pvtrace)
md=$(median lower </tmp/drivers)
mk=$(median lower </tmp/kretprobe)
echo "bench $S requests_per_measurement $REQS rounds $ROUNDS"
echo "bench $S median_us_per_request none $mn pvtrace $mp drivers $md kretprobe $mk"
awk -v n="$mn" -v p="$mp" -v d="$md" -v k="$mk" -v s="$S" 'BEGIN {
	printf "bench %s added_us_per_request pvtrace %.1f drivers %.1f kretprobe %.1f\n", s, p - n, d - n, k - n
	printf "bench %s ratio_to_none pvtrace %.3f drivers %.3f kretprobe %.3f\n", s, p / n, d / n, k / n
	printf "bench %s drivers_vs_kretprobe ratio %.3f\n", s, d / k
}'
