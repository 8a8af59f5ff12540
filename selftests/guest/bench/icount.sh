#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, icount: what pvtrace adds to a hypercall and to an upcall, in
# instructions, on QEMU's instruction-count clock (-icount shift=0: the
# guest's clock advances one nanosecond per instruction executed, by the
# guest or by Xen, whatever the host's load), so that a rerun, or another
# boot, gives the same figures.
#
# Hypercalls: a tight in-kernel loop of xen_version(XENVER_version) through
# a C wrapper (pvtrace_hbench.ko, loops x 3 repetitions, median), five ways:
#   none     nothing attached
#   timed    pvtrace with its defaults (every call counted, timed, its
#            caller kept)
#   count    hcall_timing=0 (counted, callers kept)
#   floor    hcall_timing=0 hcall_extras=none (the stub alone)
#   kprobe   no pvtrace: a kprobe event with a hist trigger on the wrapper,
#            what a user has without pvtrace
# Upcalls: a loopback event channel on vCPU 0 (pvtrace_hbench.ko evtchn=1:
# a send hypercall and the upcall it raises), three ways:
#   none     nothing attached
#   upcalls  pvtrace with hypercalls=0: the upcall hook alone (direct calls)
#   upcalls_kp  the same with upcall_hook=kprobe (a kretprobe and a kprobe)
#   kprobe   no pvtrace: a kprobe event with a hist trigger on
#            xen_evtchn_do_upcall
# Output, "bench icount KEY VALUE...": per round the instructions per call
# or per event of each way; then the medians ("per_call", "per_event"), the
# instructions added ("added_*") and the ratios scripts/bench.sh compares
# across boots ("ratio": each way over none, and the kprobe's added
# instructions over pvtrace's).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
HB=/pvtrace_hbench.ko
T=/sys/kernel/tracing
ROUNDS=${PVTRACE_BENCH_ROUNDS:-3}
S=icount

out() { echo "bench $S $*"; }

[ -f $HB ] || { out error no_bench_module; exit 1; }

# hb KIND ARGS...: one measurement, per call (or per event), the median of
# 3 repetitions; KIND is "hypercall" or "evtchn".
hb() {
	_k=$1
	shift
	insmod $HB reps=3 "$@" 2>/dev/null
	dmesg | grep "pvtrace_hbench: $_k loops" | tail -n 1 |
		sed 's/.*median_ns_per_call \([0-9.]*\).*/\1/'
}
hcall() { hb hypercall loops=20000; }
event() { hb evtchn evtchn=1 loops=2000; }

# kprobe_on NAME PROBE KEY / kprobe_off NAME KEY: a kprobe event with a
# hist trigger, as a user would set one up.
kprobe_on() {
	echo "p:pvtbench/$1 $2" >>$T/kprobe_events
	echo "hist:keys=$3" >"$T/events/pvtbench/$1/trigger"
	echo 1 >"$T/events/pvtbench/$1/enable"
}
kprobe_off() {
	echo 0 >"$T/events/pvtbench/$1/enable"
	echo "!hist:keys=$2" >"$T/events/pvtbench/$1/trigger"
	echo "-:pvtbench/$1" >>$T/kprobe_events
}

# load ARGS...: pvtrace, freshly loaded for each way measured: the benchmark
# module is reloaded for each measurement, and pvtrace keeps the call sites
# of an unloaded module as retired keys in its callers table, so a
# configuration measured after others would probe past them.
load() {
	insmod "$PVTRACE_KO" "$@" || { out error "pvtrace does not load: $*"; return 1; }
}

is_loaded && rmmod pvtrace
# Let the boot's own work finish before the first baseline.
sleep 10
out config "rounds $ROUNDS vcpus $(grep -c '^processor' /proc/cpuinfo) kernel $(uname -r)"
for w in h_none h_timed h_count h_floor h_kprobe u_none u_upcalls u_upcalls_kp u_kprobe; do
	: >/tmp/$w
done
r=1
while [ $r -le "$ROUNDS" ]; do
	none=$(hcall)
	load || exit 1
	timed=$(hcall)
	tsc=$("$PVT_CHECK" get /sys/kernel/debug/pvtrace/hypercalls/status tsc_emulated)
	rmmod pvtrace
	load hcall_timing=0 || exit 1
	count=$(hcall)
	rmmod pvtrace
	load hcall_timing=0 hcall_extras=none || exit 1
	floor=$(hcall)
	rmmod pvtrace
	kprobe_on hb pvtrace_hbench:hbench_call common_pid
	kp=$(hcall)
	kprobe_off hb common_pid
	out round $r hypercall none "$none" timed "$timed" count "$count" floor "$floor" kprobe "$kp" tsc_emulated "$tsc"
	echo "$none" >>/tmp/h_none
	echo "$timed" >>/tmp/h_timed
	echo "$count" >>/tmp/h_count
	echo "$floor" >>/tmp/h_floor
	echo "$kp" >>/tmp/h_kprobe

	enone=$(event)
	load hypercalls=0 || exit 1
	eup=$(event)
	rmmod pvtrace
	load hypercalls=0 upcall_hook=kprobe || exit 1
	eupk=$(event)
	rmmod pvtrace
	kprobe_on up xen_evtchn_do_upcall common_cpu
	ekp=$(event)
	kprobe_off up common_cpu
	out round $r event none "$enone" upcalls "$eup" upcalls_kp "$eupk" kprobe "$ekp"
	echo "$enone" >>/tmp/u_none
	echo "$eup" >>/tmp/u_upcalls
	echo "$eupk" >>/tmp/u_upcalls_kp
	echo "$ekp" >>/tmp/u_kprobe
	r=$((r + 1))
done

# med FILE: the median of its numbers (they have decimals: sort -g).
med() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
hn=$(med /tmp/h_none) ht=$(med /tmp/h_timed) hc=$(med /tmp/h_count)
hf=$(med /tmp/h_floor) hk=$(med /tmp/h_kprobe)
un=$(med /tmp/u_none) uu=$(med /tmp/u_upcalls) uk=$(med /tmp/u_kprobe)
uq=$(med /tmp/u_upcalls_kp)
out per_call none "$hn" timed "$ht" count "$hc" floor "$hf" kprobe "$hk"
out per_event none "$un" upcalls "$uu" upcalls_kp "$uq" kprobe "$uk"
awk -v n="$hn" -v t="$ht" -v c="$hc" -v f="$hf" -v k="$hk" \
    -v un="$un" -v uu="$uu" -v uq="$uq" -v uk="$uk" -v s="$S" 'BEGIN {
	printf "bench %s added_per_call timed %.1f count %.1f floor %.1f kprobe %.1f\n",
		s, t - n, c - n, f - n, k - n
	printf "bench %s added_per_event upcalls %.1f upcalls_kp %.1f kprobe %.1f\n", s, uu - un, uq - un, uk - un
	printf "bench %s ratio hcall_timed %.4f hcall_count %.4f hcall_floor %.4f hcall_kprobe %.4f",
		s, t / n, c / n, f / n, k / n
	printf " kprobe_over_timed %.3f upcall %.4f upcall_kp %.4f upcall_kprobe %.4f kprobe_over_upcall %.3f kprobe_over_upcall_kp %.3f\n",
		(t > n ? (k - n) / (t - n) : 0), uu / un, uq / un, uk / un,
		(uu > un ? (uk - un) / (uu - un) : 0), (uq > un ? (uk - un) / (uq - un) : 0)
}'
