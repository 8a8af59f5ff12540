#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: recorder
# CPU hotplug during a recording and during reads: cpu1 goes offline and
# comes back 5 times while every vCPU makes hypercalls, pvtrace records,
# and a reader loops over the recorder's files, slowest and the per-vCPU
# views. The recording reads whole and in order afterwards, the counters
# never went back, and nothing shows in the kernel log. PVTRACE_REPEAT
# (pvtrace.repeat=N): 5*N cycles.
. "$(dirname "$0")/../lib.sh"

CYCLES=$((5 * ${PVTRACE_REPEAT:-1}))
C=/sys/devices/system/cpu/cpu1/online
P=/sys/module/pvtrace/parameters
R=$PVT_DIR/recorder
WATCH=$(dirname "$0")/../bin/pvtrace-watch

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
[ -w $C ] || tap_skip_all "no cpu1 to take offline"
[ -x "$WATCH" ] || tap_skip_all "no bin/pvtrace-watch in this image"

tap_plan 3
w0=$(dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection')
busy_loops /sys/hypervisor/version/extra
# Recording first: a recording cannot start while recorder/trace is open,
# and the reader below opens it over and over.
echo on >"$P/record"
rec=$?
(
	while :; do
		for f in "$R/status" "$R/percpu" "$R/trace" "$PVT_DIR/slowest"; do
			{ while read -r _; do :; done <"$f"; } 2>/dev/null
		done
	done
) &
rdr=$!
files=$(cd "$PVT_DIR" && ls hypercalls/percpu hypercalls/totals upcalls/percpu steal 2>/dev/null)
# shellcheck disable=SC2086 # a list of files
"$WATCH" "$PVT_DIR" 12 2000 $files >/tmp/59-watch 2>&1 &
wp=$!
fails=0
c=0
while [ $c -lt $CYCLES ]; do
	echo 0 >$C || fails=$((fails + 1))
	usleep 500000
	echo 1 >$C || fails=$((fails + 1))
	usleep 500000
	c=$((c + 1))
done
echo off >"$P/record"
wait $wp
wrc=$?
kill $rdr
wait $rdr 2>/dev/null
stop_loops
tap_diag "watch: $(tail -n 1 /tmp/59-watch); recorder (started: rc $rec): $(awk '{ printf "%s=%s ", $1, $2 }' "$R/status")"
[ $rec = 0 ] && [ $fails = 0 ] && [ "$(cat $C)" = 1 ] && [ $wrc = 0 ]
tap_ok $? "a recording started, then $CYCLES offline/online cycles of cpu1 while recording and reading; no counter went back"
n=$(awk 'NR > 1' "$R/trace" | wc -l)
awk 'NR > 1 { if ($1 + 0 < last) bad = 1; last = $1 + 0 } END { exit bad }' "$R/trace"
ordered=$?
[ "$n" -gt 0 ] && [ "$n" = "$("$PVT_CHECK" get "$R/status" records)" ] && [ $ordered = 0 ]
tap_ok $? "the recording reads whole ($n events, as status says) and in time order"
w1=$(dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection')
[ "$w1" = "$w0" ]
tap_ok $? "no kernel warning ($((w1 - w0)))"
tap_done
