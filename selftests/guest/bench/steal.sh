#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark of the steal hook (scripts/bench.sh, section "steal"): the
# steady-state cost of steal sampling per vCPU per second, two ways.
# 1. Direct: pvtrace times its own sampler (the steal file's sampler_ns);
#    with pvtrace idle for BENCH_IDLE_S seconds, cost per vCPU per second
#    = sampler_ns / elapsed_ns, at the default interval and at the
#    shortest (10 ms, ten times the samples).
# 2. Indirect: a fixed busy loop on vCPU 0, in rounds that interleave
#    "pvtrace not loaded", "loaded, default interval", "loaded, 10 ms";
#    the loop's wall time (the sampler's work preempts it) minus the steal
#    vCPU 0 suffered meanwhile (which Xen, not pvtrace, takes); medians
#    and their ratios.
# Output: "bench steal KEY VALUE" lines (the host collects them).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
D=/sys/kernel/debug/pvtrace
ROUNDS=${BENCH_ROUNDS:-7}
LOOP=${BENCH_LOOP:-50000}
BENCH_IDLE_S=${BENCH_IDLE_S:-10}

out() { echo "bench steal $*"; }

# now_cs: uptime in centiseconds (10 ms resolution).
now_cs() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# steal_cs CPU: the CPU's steal from /proc/stat, in 10 ms units.
steal_cs() {
	awk -v c="cpu$1" '$1 == c { print $9 }' /proc/stat
}

# loop_cs: the busy loop on vCPU 0; prints its wall time less vCPU 0's
# steal, in 10 ms units.
loop_cs() {
	s0=$(steal_cs 0)
	t0=$(now_cs)
	taskset -c 0 sh -c "i=0; while [ \$i -lt $LOOP ]; do i=\$((i + 1)); done"
	t1=$(now_cs)
	s1=$(steal_cs 0)
	echo $(((t1 - t0) - (s1 - s0)))
}

unload() {
	rmmod pvtrace 2>/dev/null
	! grep -q '^pvtrace ' /proc/modules
}

# direct INTERVAL_MS: load, idle BENCH_IDLE_S, sampler cost per vCPU.
direct() {
	unload
	insmod "$PVTRACE_KO" steal_interval_ms="$1" || return 1
	sleep "$BENCH_IDLE_S"
	# ns of sampler time per second of elapsed time, and per sample,
	# summed over vCPUs then divided by their number.
	awk -v ms="$1" 'NR > 1 { s += $10; e += $6; n += $8; c++ }
		END { printf "interval_%sms_sampler_ns_per_vcpu_s %d\n", ms, s * 1e9 / e
		      printf "interval_%sms_ns_per_sample %d\n", ms, n ? s / n : 0
		      printf "interval_%sms_samples_per_vcpu_s %.1f\n", ms, n * 1e9 / e }' "$D/steal" |
		while read -r k v; do out "$k" "$v"; done
	unload
}

out vcpus "$(grep -c '^processor' /proc/cpuinfo)"
out kernel "$(uname -r)"
direct 100
direct 10

# Warm up (page cache, busybox), then interleaved rounds.
unload
loop_cs >/dev/null
: >/tmp/none
: >/tmp/i100
: >/tmp/i10
r=0
while [ $r -lt "$ROUNDS" ]; do
	unload
	loop_cs >>/tmp/none
	insmod "$PVTRACE_KO" && sleep 1 && loop_cs >>/tmp/i100
	unload
	insmod "$PVTRACE_KO" steal_interval_ms=10 && sleep 1 && loop_cs >>/tmp/i10
	unload
	r=$((r + 1))
done
mn=$(median mean </tmp/none)
m100=$(median mean </tmp/i100)
m10=$(median mean </tmp/i10)
out loop_iterations "$LOOP"
out rounds "$ROUNDS"
out loop_cs_unloaded "$(tr '\n' ' ' </tmp/none)"
out loop_cs_100ms "$(tr '\n' ' ' </tmp/i100)"
out loop_cs_10ms "$(tr '\n' ' ' </tmp/i10)"
out median_ms_unloaded $((mn * 10))
out median_ms_100ms $((m100 * 10))
out median_ms_10ms $((m10 * 10))
out ratio_100ms "$(awk -v a="$m100" -v b="$mn" 'BEGIN { printf "%.3f", b ? a / b : 0 }')"
out ratio_10ms "$(awk -v a="$m10" -v b="$mn" 'BEGIN { printf "%.3f", b ? a / b : 0 }')"
