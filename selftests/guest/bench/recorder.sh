#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark of the recorder (scripts/bench.sh, section "recorder"): a busy
# guest (on each vCPU: fork+exec, a sysfs read that is one hypercall, a
# pipe, a file written and read back) for BENCH_SECS seconds (default 60),
# twice: without a recording, then recorded whole by "pvtrace record -t",
# which streams every vCPU to a file. Says, for the recorded run: events
# in the file and lost (per vCPU), the file's size and bytes per second,
# the recorder's own CPU time (pvtrace record and its drainer, user +
# system) as a share of the guest's busy time and of its vCPUs, and the
# workload's iterations with and without the recording (what the hooks'
# recording and the streaming took from it).
# Output: "bench recorder KEY VALUE" lines (the host collects them).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
D=/sys/kernel/debug/pvtrace
P=/sys/module/pvtrace/parameters
PVT=/usr/bin/pvtrace
SECS=${BENCH_SECS:-60}
CPUS=$(awk '/^processor/ { print $3 }' /proc/cpuinfo)

out() { echo "bench recorder $*"; }

# busy_ticks: the guest's non-idle CPU time so far, in USER_HZ ticks.
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# workload SECS: the workload on every vCPU for SECS seconds; prints the
# iterations of all vCPUs.
workload() {
	for c in $CPUS; do
		taskset -c "$c" sh -c '
			end=$(($(cut -d. -f1 /proc/uptime) + '"$1"'))
			n=0
			while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
				/bin/busybox true
				cat /sys/hypervisor/version/major >/dev/null
				dd if=/dev/zero bs=4k count=16 2>/dev/null | cat >/dev/null
				dd if=/dev/zero of=/tmp/wl.'"$c"' bs=4k count=16 2>/dev/null
				cat /tmp/wl.'"$c"' >/dev/null
				n=$((n + 1))
			done
			echo $n' >"/tmp/wl.n.$c" &
	done
	wait
	cat /tmp/wl.n.* | awk '{ n += $1 } END { print n }'
	rm -f /tmp/wl.*
}

is_loaded || pvt_insmod || { out error "pvtrace does not load"; exit 1; }
echo all >$P/record_filter
echo 1024 >$P/record_buffer_kb
echo off >$P/record_flight
echo none >$P/record_trigger
hz=100
ncpu=$(echo "$CPUS" | wc -w)
out config "vcpus $ncpu secs $SECS buffer_kb 1024 filter all"

# 1: without a recording
b0=$(busy_ticks)
base=$(workload "$SECS")
b1=$(busy_ticks)
out base_iterations "$base"
out base_busy_s "$(((b1 - b0) / hz))"

# 2: recorded whole, streamed; the recording goes to a pipe (wc -c counts
# it): the guest's file systems are its memory, too small for a minute of
# every event beside its spill files (in /tmp). The recorder's CPU time is
# its children's (pvtrace record waits for its drainer) in the shell's
# "times": the streaming during the minute and the merge after it.
mem0=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
b0=$(busy_ticks)
sh -c "{ $PVT record -o - -t $((SECS + 1)) 2>/dev/console; echo \$? >/tmp/bench.rc; } | wc -c >/tmp/bench.bytes; times" >/tmp/bench.times &
rec=$!
usleep 500000
got=$(workload "$SECS")
bw=$(busy_ticks)
wait $rec
b1=$(busy_ticks)
size=$(cat /tmp/bench.bytes)
rc=$(cat /tmp/bench.rc)
st() { "$PVT_CHECK" get $D/recorder/status "$1"; }
events=$(($(st streamed) + $(st records)))
lost=$(st lost)
percpu=$(awk 'NR > 1 { printf "%scpu%s:%s+%s", s, $1, $5, $3; s = " " }' $D/recorder/percpu)
# "times": the shell's line, then its children's "0m1.23s 0m4.56s".
rec_cs=$(awk 'NR == 2 {
	split($1, u, /[ms]/); split($2, s, /[ms]/)
	print int((u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 100 + 0.5) }' /tmp/bench.times)
busy_cs=$((b1 - b0))
out record_exit "$rc"
out iterations "$got"
out iterations_ratio "$(awk -v a="$got" -v b="$base" 'BEGIN { printf "%.3f", b ? a / b : 0 }')"
out events "$events"
out lost "$lost"
out incomplete "$(st incomplete)"
out percpu_streamed_lost "$percpu"
out file_bytes "$size"
out file_bytes_per_s "$((size / SECS))"
out bytes_per_event "$((size / (events > 0 ? events : 1)))"
out events_per_s "$((events / SECS))"
out recorder_cpu_s "$(awk -v c="$rec_cs" 'BEGIN { printf "%.2f", c / 100 }')"
# After the workload only the recorder runs: its merge, mostly.
out busy_after_workload_s "$(awk -v t="$((b1 - bw))" -v hz=$hz 'BEGIN { printf "%.2f", t / hz }')"
out recorder_us_per_event "$(awk -v c="$rec_cs" -v e="$events" 'BEGIN { printf "%.2f", e ? c * 10000 / e : 0 }')"
out recorder_share_of_busy "$(awk -v c="$rec_cs" -v b="$busy_cs" 'BEGIN { printf "%.4f", b ? c / b : 0 }')"
out recorder_share_of_vcpus "$(awk -v c="$rec_cs" -v n="$ncpu" -v t="$SECS" 'BEGIN { printf "%.4f", c / (n * t * 100) }')"
out mem_available_kb_before "$mem0"
[ "$rc" = 0 ] && [ "$lost" = 0 ] && [ "$events" -gt 0 ] && [ "$size" -gt 0 ]
