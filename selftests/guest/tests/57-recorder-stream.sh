#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: recorder
# Streaming a recording (recorder/stream/cpuN): a recording longer than its
# buffers read whole while it runs, nothing lost, every call of a known
# workload in it exactly once; a stopped reader's loss counted exactly; the
# streams exclusive of each other, of recorder/trace and of a new start;
# pvtrace not unloaded under a reader.
. "$(dirname "$0")/../lib.sh"

P=/sys/module/pvtrace/parameters
R=$PVT_DIR/recorder
CALL=$(dirname "$0")/../bin/privcmd-hcall
XEN_VERSION=17
XENVER_PAGESIZE=7	# asked by no one else in the guest
N=50000			# three times the default buffer of 16384 records

need_privcmd_hcalls

status() { "$PVT_CHECK" get "$R/status" "$1"; }
set_param() { echo "$2" 2>/dev/null >"$P/$1"; }
cpus=$(awk '/^processor/ { print $3 }' /proc/cpuinfo)
readers=

# start_readers: one cat per online vCPU's stream, into /tmp/stream.N.
start_readers() {
	readers=
	for c in $cpus; do
		cat "$R/stream/cpu$c" >"/tmp/stream.$c" &
		readers="$readers $!"
	done
}

# readers_open: wait (up to 5 s) until every reader has its stream open; a
# stream opened once the recording has stopped would take nothing.
readers_open() {
	for p in $readers; do
		_t=0
		while [ $_t -lt 50 ] && ! ls -l "/proc/$p/fd" 2>/dev/null | grep -q 'recorder/stream'; do
			usleep 100000
			_t=$((_t + 1))
		done
	done
}

# wait_readers SECS: 0 if every reader ended by itself within SECS.
wait_readers() {
	_t=0
	while [ "$_t" -lt $(($1 * 10)) ]; do
		_alive=0
		for p in $readers; do
			kill -0 "$p" 2>/dev/null && _alive=1
		done
		[ $_alive = 0 ] && { wait $readers; return 0; }
		usleep 100000
		_t=$((_t + 1))
	done
	return 1
}

# pagesize_lines: the recorded xen_version/pagesize calls in the streams.
pagesize_lines() {
	for c in $cpus; do
		awk '$3 == "hcall" && $4 == "xen_version" && $5 == "pagesize" && $7 == 4096' "/tmp/stream.$c"
	done | wc -l
}

tap_plan 9

# 1: a stream file per possible vCPU (10-load checks that all are read-only)
possible=$(ls "$R/stream" | wc -l)
want=$(awk -F- '{ print ($2 == "" ? $1 : $2) + 1 }' /sys/devices/system/cpu/possible)
[ "$possible" = "$want" ]
tap_ok $? "recorder/stream has a file per possible vCPU ($possible of $want)"

# 2-4: a recording three times its buffers, streamed while it runs
set_param record_buffer_kb 1024
set_param record_filter "hcall=xen_version:pagesize"
echo on >$P/record
start_readers
readers_open
out=$("$CALL" $N $XEN_VERSION $XENVER_PAGESIZE 0)
echo off >$P/record
wait_readers 20
ended=$?
got=$(pagesize_lines)
cap=$(status capacity)
tap_diag "privcmd-hcall: $out; streamed $got of $N; $(tr '\n' ' ' <$R/status)"
[ "$out" = "ok $N err 0 errno 0" ] && [ "$got" = $N ] && [ "$(status lost)" = 0 ] &&
	[ "$(status streamed)" = $N ] && [ "$N" -gt "$cap" ]
tap_ok $? "all $N calls streamed, more than the $cap records the buffers hold, none lost"
[ $ended = 0 ]
tap_ok $? "the streams end by themselves once the recording stops"
why=
for c in $cpus; do
	w=$(rec_check_trace "/tmp/stream.$c") || why="$why cpu$c: $w"
done
sum=$(awk 'NR > 1 { s += $5 } END { print s + 0 }' $R/percpu)
[ -z "$why" ] && [ "$sum" = $N ] && [ "$(status records)" = 0 ]
tap_ok $? "each stream is recorder/trace's format, in time order; percpu's streamed column sums to $sum${why:+ ($why)}"

# 5: a stopped reader: what its full buffer drops is counted exactly
set_param record_buffer_kb 64
echo on >$P/record
start_readers
readers_open
# shellcheck disable=SC2086 # a list of pids
kill -STOP $readers
out=$(taskset -c 0 "$CALL" 5000 $XEN_VERSION $XENVER_PAGESIZE 0)
# shellcheck disable=SC2086 # a list of pids
kill -CONT $readers
echo off >$P/record
wait_readers 20
got=$(pagesize_lines)
lost=$(status lost)
span=$(awk '$1 == 0 { print $3, $7, $8 }' "$R/percpu")
tap_diag "privcmd-hcall: $out; read $got, lost $lost, with the readers stopped; cpu0 lost, from, to: $span"
# The lost span lies within the recording, and is cpu0's.
# shellcheck disable=SC2086 # three words
set -- $span
[ "$out" = "ok 5000 err 0 errno 0" ] && [ "$lost" -gt 0 ] && [ $((got + lost)) = 5000 ] &&
	[ "$1" = "$lost" ] && [ "$2" -le "$3" ] && [ "$2" -ge "$(status start_ns)" ] &&
	[ "$3" -le "$(status stop_ns)" ] && [ "$(status lost_first_ns)" = "$2" ] &&
	[ "$(status lost_last_ns)" = "$3" ]
tap_ok $? "a stopped reader: read + lost = 5000 calls exactly ($got + $lost), the lost span within the recording"
set_param record_buffer_kb 1024

# 6: a stream opened when no recording runs takes nothing (a read of every
# file leaves a stopped recording to recorder/trace)
set_param record_filter all
echo on >$P/record
"$CALL" 200 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
echo off >$P/record
before=$(status records)
lines=$(for c in $cpus; do cat "$R/stream/cpu$c"; done | grep -vc '^#')
after=$(status records)
tap_diag "records $before, then $lines lines from the streams, then records $after"
[ "$before" -gt 0 ] && [ "$lines" = 0 ] && [ "$after" = "$before" ]
tap_ok $? "a stream opened after the recording stopped gives its header only; the $before records stay"

# 7: one reader per stream, no snapshot beside it, no new recording
dmesg -c >/dev/null
exec 3<"$R/stream/cpu0"
bad=0
cat "$R/stream/cpu0" >/dev/null 2>&1 && { tap_diag "a second reader opened cpu0"; bad=1; }
cat "$R/trace" >/dev/null 2>&1 && { tap_diag "recorder/trace opened"; bad=1; }
set_param record on && { tap_diag "a recording started"; bad=1; }
exec 3<&-
lines=$(dmesg | grep -c 'pvtrace: recorder:')
cat "$R/trace" >/dev/null 2>&1 || { tap_diag "recorder/trace refused after the stream closed"; bad=1; }
[ $bad = 0 ] && [ "$lines" = 3 ] && [ "$(status state)" = stopped ]
tap_ok $? "while a stream is open: no second reader, no recorder/trace, no start (one log line each: $lines)"

# 8-9: a reader blocked in read() keeps pvtrace loaded
echo on >$P/record
cat "$R/stream/cpu0" >/dev/null &
reader=$!
usleep 200000
rmmod pvtrace 2>/dev/null
is_loaded
tap_ok $? "rmmod refused while a reader waits in a stream"
echo off >$P/record
wait $reader
pvt_rmmod && ! is_loaded && pvt_insmod && is_loaded
tap_ok $? "once it has ended, pvtrace unloads and loads again"
set_param record_filter all
tap_done
