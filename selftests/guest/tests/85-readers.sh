#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: readers
# What a monitoring agent reads, under the worst steal the lab makes (the
# readers row: 4 vCPUs on 1 CPU): every hook on, a workload of hypercalls
# and event-channel interrupts on every vCPU, and a reader going over
# every counter file for a minute (pvtrace-watch). No counter of any record
# goes backwards between reads, no duration exceeds the uptime, the
# per-vCPU hypercall counts bracket the totals, every read parses and takes
# less than the stated bound; the summary counts the reads that fell back
# on a vCPU's last consistent copy (torn_reads).
. "$(dirname "$0")/../lib.sh"

SECS=${PVTRACE_READERS_SECS:-60}
BOUND_MS=2000	# a read waits at most 50 ms for each vCPU's writer, per block
WATCH=$(dirname "$0")/../bin/pvtrace-watch
EVL=$(dirname "$0")/../bin/evtchn-loop

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
[ -x "$WATCH" ] || tap_skip_all "no bin/pvtrace-watch in this image"

tap_plan 3
# Every hook: the driver hook too.
is_loaded && pvt_rmmod
pvt_insmod drivers=1
tap_ok $? "pvtrace loads with every hook (drivers=1)"

[ -e /dev/xen/evtchn ] || insmod /xen-evtchn.ko 2>/dev/null
if [ -e /dev/xen/evtchn ]; then
	"$EVL" 1000000000 $DOMID_SELF >/dev/null 2>&1 &
	evl=$!
fi
busy_loops /sys/hypervisor/version/extra

# The counter files; status and summary files, the recorder's and the
# self-test's are not counters.
files=$(cd "$PVT_DIR" && find . -type f | sed 's|^\./||' |
	grep -vE '(^|/)(status|summary|version|callers|slowest|selftest_[a-z]*)$|^recorder/' | sort)
t0=$("$PVT_CHECK" get "$PVT_DIR/summary" torn_reads)
# shellcheck disable=SC2086 # a list of files
"$WATCH" "$PVT_DIR" "$SECS" "$BOUND_MS" $files >/tmp/85-watch 2>&1
rc=$?
t1=$("$PVT_CHECK" get "$PVT_DIR/summary" torn_reads)
sed 's/^/# /' /tmp/85-watch | tail -n 22
stop_loops
[ -n "${evl:-}" ] && kill "$evl" 2>/dev/null
wait 2>/dev/null
last=$(tail -n 1 /tmp/85-watch)
tap_diag "$(echo "$files" | wc -l) files over $SECS s with $(grep -c '^processor' /proc/cpuinfo) vCPUs busy; torn reads $t0 -> $t1"
[ $rc = 0 ]
tap_ok $? "no counter went back, none out of range, percpu brackets totals, every read under $BOUND_MS ms ($last)"
# Leave the row's pvtrace loaded, as the tests after this one expect.
pvt_rmmod && pvt_insmod
tap_ok $? "reloads with the row's parameters"
tap_done
