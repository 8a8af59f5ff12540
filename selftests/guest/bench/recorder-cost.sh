#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark of the recorder's cost, broken down (scripts/bench.sh, section
# "recorder-cost", on QEMU's instruction-count clock, so that a rerun gives
# the same figures): make demo's workload (selftests/guest/demo-workload.sh,
# which prints its own length) run, in rounds, four ways:
#   off     pvtrace loaded, not recording
#   ring    recording every event into buffers large enough (no reader):
#           the hot path's share
#   stream  recorded by "pvtrace record" (every vCPU streamed to a file):
#           adds the kernel's formatting of each line and pvtrace record's
#           reading, spilling and merging
#   filter  the same with record_filter=hcall=xen_version (a few hundred
#           events): what a narrow recording costs
# Output: "bench recorder-cost KEY VALUE" lines; per round the workload's
# length in centiseconds and the events recorded, and the medians.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
D=/sys/kernel/debug/pvtrace
P=/sys/module/pvtrace/parameters
PVT=/usr/bin/pvtrace
WORKLOAD=/selftests/demo-workload.sh
ROUNDS=${BENCH_ROUNDS:-3}

out() { echo "bench recorder-cost $*"; }

# cs_of OUTPUT: the workload's "cs=N".
cs_of() { sed -n 's/.*##PVTRACE-DEMO-WORKLOAD cs=\([0-9]*\).*/\1/p'; }

run_off() { $WORKLOAD | cs_of; }

run_ring() {
	echo on >$P/record
	_cs=$($WORKLOAD | cs_of)
	echo off >$P/record
	echo "$_cs $("$PVT_CHECK" get $D/recorder/status records) $("$PVT_CHECK" get $D/recorder/status lost)"
}

run_stream() {
	_cs=$("$PVT" record -o /tmp/rc.trace -- $WORKLOAD 2>/dev/null | cs_of)
	echo "$_cs $(grep -vc '^#' /tmp/rc.trace) $(awk '$2 == "lost" { print $3 }' /tmp/rc.trace)"
	rm -f /tmp/rc.trace
}

is_loaded || pvt_insmod || { out error "pvtrace does not load"; exit 1; }
echo none >$P/record_trigger
echo off >$P/record_flight
# 32 MiB a vCPU: the workload's ~110,000 events a vCPU fit without a reader.
echo 32768 >$P/record_buffer_kb
out config "rounds $ROUNDS vcpus $(grep -c '^processor' /proc/cpuinfo) buffer_kb 32768"
$WORKLOAD >/dev/null	# warm the page cache and the dentries once
r=1
while [ $r -le "$ROUNDS" ]; do
	echo all >$P/record_filter
	out "round $r off $(run_off)"
	out "round $r ring $(run_ring)"
	out "round $r stream $(run_stream)"
	echo hcall=xen_version >$P/record_filter
	out "round $r filter $(run_stream)"
	r=$((r + 1))
done
echo all >$P/record_filter
echo 1024 >$P/record_buffer_kb
