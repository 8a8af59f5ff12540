#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo, inside the guest: load pvtrace, run a short workload, show
# every file pvtrace offers. The host prints what lies between the markers.
PVTRACE_KO=${PVTRACE_KO:-/pvtrace.ko}
D=/sys/kernel/debug/pvtrace

# The workload, the same with and without Xen; it prints its own length.
WORKLOAD=/selftests/demo-workload.sh
# The events the demo's report reads at most.
REPORT_EVENTS=20000

echo "##PVTRACE-DEMO-BEGIN"
hyp=$(cat /sys/hypervisor/type 2>/dev/null || echo none)
echo "guest: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) vCPUs, hypervisor: $hyp"
echo
if [ "$hyp" = none ]; then
	# The top-down half: the same workload with no hypervisor at all.
	echo "no hypervisor: the workload alone, timed, for the side-by-side"
	$WORKLOAD
	echo "##PVTRACE-DEMO-END"
	exit 0
fi
echo "\$ insmod pvtrace.ko selftest=1"
insmod "$PVTRACE_KO" selftest=1 || echo "(insmod failed: $?)"
dmesg | grep 'pvtrace:' | sed 's/^/  /'
echo
echo "workload: 200 reads of /sys/hypervisor/version, 100 fork+exec, a walk of /sys, 8 MB through a pipe"
if command -v pvtrace >/dev/null; then
	# The flight recorder streams every event of the workload to a file;
	# then stat measures what virtualization cost the guest, on a second
	# run without the recorder (whose own cost would count as the
	# guest's). The host reads the last run's length for the side-by-side,
	# and the first's for the recorder's cost.
	TRACE=/tmp/demo.trace
	STATUS=$TRACE.status
	echo "\$ pvtrace record -o $TRACE -- $WORKLOAD   # every event, streamed to a file"
	pvtrace record -o $TRACE -- $WORKLOAD 2>&1
	echo
	echo "\$ pvtrace stat -- $WORKLOAD   # the same again: what virtualization cost the guest"
	pvtrace stat -- $WORKLOAD 2>&1
else
	TRACE=$D/recorder/trace
	STATUS=$D/recorder/status
	echo "\$ echo on > /sys/module/pvtrace/parameters/record   # the flight recorder, during the workload"
	echo on >/sys/module/pvtrace/parameters/record
	$WORKLOAD
	echo off >/sys/module/pvtrace/parameters/record
fi
for f in version summary hypercalls/status hypercalls/totals \
	hypercalls/subcommands hypercalls/errors hypercalls/multicall_ops; do
	[ -f "$D/$f" ] || continue
	echo
	echo "\$ cat $D/$f"
	cat "$D/$f"
done
show_head() {
	[ -f "$D/$1" ] || return 0
	echo
	echo "\$ $2 $D/$1"
	sh -c "$2 $D/$1"
}
show_head hypercalls/callers "head -n 25"
show_head hypercalls/percpu "head -n 12"
show_head hypercalls/latency "awk 'NR == 1 || (\$1 == \"sched_op\" && \$4 > 0)'"
for f in upcalls/percpu upcalls/channels steal runstate; do
	[ -f "$D/$f" ] || continue
	echo
	echo "\$ cat $D/$f"
	cat "$D/$f"
done
show_head upcalls/events_per_upcall "awk 'NR == 1 || \$4 > 0'"
show_head upcalls/channel_latency "awk 'NR == 1 || (\$3 ~ /^timer/ && \$6 > 0)'"

show_head slowest "head -n 6"
show_head recorder/status cat
if [ -f "$TRACE" ]; then
	echo
	echo "\$ head -n 4 $TRACE; grep -A 10 '^# time_ns' $TRACE   # $(grep -vc '^#' "$TRACE") events"
	head -n 4 "$TRACE"
	echo "..."
	grep -A 10 '^# time_ns' "$TRACE"
fi
if command -v pvtrace-report >/dev/null && [ -f "$TRACE" ]; then
	# pvtrace-report is busybox awk here, about 40 times slower under
	# emulation than on the host: a recording of hundreds of thousands of
	# events would take minutes, so the demo reports on its first events
	# (copy the whole file out and report on it anywhere).
	n=$(grep -vc '^#' "$TRACE")
	echo
	if [ "$n" -gt "$REPORT_EVENTS" ]; then
		echo "\$ sed -n '/^# time_ns/,\$p' $TRACE | head -n $((REPORT_EVENTS + 1)) | pvtrace-report --top 5 -"
		echo "# (its first $REPORT_EVENTS events of $n: busybox awk under emulation is slow; the whole file reports the same way anywhere)"
		sed -n '/^# time_ns/,$p' "$TRACE" | head -n $((REPORT_EVENTS + 1)) | pvtrace-report --top 5 -
	else
		echo "\$ pvtrace-report --top 5 --status $STATUS $TRACE"
		pvtrace-report --top 5 --status "$STATUS" "$TRACE"
	fi
fi

echo
echo "\$ rmmod pvtrace"
rmmod pvtrace && echo "unloaded; $D exists: $([ -e $D ] && echo yes || echo no)"
echo "##PVTRACE-DEMO-END"
