#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: recorder
# Flight recordings and triggers (parameters record_flight, record_trigger):
# a flight recording keeps the newest events of a workload larger than its
# buffers, exactly, and only its last window; it is read once it ends, not
# while it runs; a trigger ends a recording at the event that fired it,
# which is the last one kept; pvtrace record -f -T writes such a recording
# and returns by itself.
. "$(dirname "$0")/../lib.sh"

P=/sys/module/pvtrace/parameters
R=$PVT_DIR/recorder
CALL=$(dirname "$0")/../bin/privcmd-hcall
PVT=/usr/bin/pvtrace
XEN_VERSION=17
XENVER_PAGESIZE=7	# asked by no one else in the guest
XENVER_BAD=99		# no such xen_version command: -ENOSYS

need_privcmd_hcalls

status() { "$PVT_CHECK" get "$R/status" "$1"; }
set_param() { echo "$2" 2>/dev/null >"$P/$1"; }

# pagesize FILE: the recorded xen_version/pagesize calls in FILE.
pagesize() {
	awk '$3 == "hcall" && $4 == "xen_version" && $5 == "pagesize" && $7 == 4096' "$1" | wc -l
}

# wait_stopped: 0 once the recording has stopped by itself (up to 5 s).
wait_stopped() {
	_t=0
	while [ $_t -lt 50 ]; do
		[ "$(cat $P/record)" = stopped ] && return 0
		usleep 100000
		_t=$((_t + 1))
	done
	return 1
}

reset_params() {
	set_param record off
	set_param record_flight off
	set_param record_trigger none
	set_param record_filter all
	set_param record_buffer_kb 1024
}

tap_plan 8

# 1: bad values refused, one log line each, nothing changed
dmesg -c >/dev/null
bad=0
for v in "record_flight on" "record_flight 1" "record_flight 5h" "record_flight 0s" \
	"record_trigger hcall" "record_trigger hcall>5" "record_trigger error>1ms" \
	"record_trigger hcall=nosuchcall>1ms" "record_trigger upcall>1ms,,error" \
	"record_trigger error,error,error,error,error,error,error,error,error"; do
	# shellcheck disable=SC2086 # NAME VALUE
	set_param $v && { tap_diag "accepted: $v"; bad=1; }
done
lines=$(dmesg | grep -c 'pvtrace: recorder:')
[ $bad = 0 ] && [ "$lines" = 10 ] && [ "$(cat $P/record_flight)" = off ] &&
	[ "$(cat $P/record_trigger)" = none ]
tap_ok $? "10 bad values of record_flight and record_trigger refused, one log line each ($lines)"

# 2-3: 5000 calls into 1024 records on vCPU 0: the last 1024 kept, exactly
set_param record_buffer_kb 64
set_param record_filter "hcall=xen_version:pagesize"
set_param record_flight 60s
echo on >$P/record
dmesg -c >/dev/null
refused=0
cat "$R/trace" >/dev/null 2>&1 || refused=$((refused + 1))
cat "$R/stream/cpu0" >/dev/null 2>&1 || refused=$((refused + 1))
out=$(taskset -c 0 "$CALL" 5000 $XEN_VERSION $XENVER_PAGESIZE 0)
echo off >$P/record
cat "$R/trace" >/tmp/flight.trace
got=$(pagesize /tmp/flight.trace)
cpu0=$(awk '$1 == 0 { print $2, $3, $6 }' "$R/percpu")
tap_diag "privcmd-hcall: $out; kept $got; cpu0 records/lost/overwritten: $cpu0; $(tr '\n' ' ' <$R/status)"
[ "$out" = "ok 5000 err 0 errno 0" ] && [ "$got" = 1024 ] && [ "$cpu0" = "1024 0 3976" ] &&
	[ "$(status lost)" = 0 ] && [ "$(status flight_ms)" = 60000 ] &&
	[ "$(status stop_reason)" = asked ] && [ "$(status streamed)" = 0 ]
tap_ok $? "a flight recording of 5000 calls in 1024 records keeps the last 1024, overwrote 3976, lost 0"
why=$(rec_check_trace /tmp/flight.trace)
[ -z "$why" ] && [ $refused = 2 ] && [ "$(dmesg | grep -c 'pvtrace: recorder: a flight recording')" = 2 ]
tap_ok $? "its trace is in time order${why:+ ($why)}; while it ran, recorder/trace and the streams were refused with one log line each"

# 4: only the last window: 200 calls, 2 s, 200 calls, a window of 1 s
set_param record_buffer_kb 1024
set_param record_flight 1s
echo on >$P/record
"$CALL" 200 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
sleep 2
"$CALL" 200 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
echo off >$P/record
got=$(pagesize "$R/trace")
tap_diag "kept $got; aged $(status aged), overwritten $(status overwritten)"
[ "$got" = 200 ] && [ "$(status aged)" = 200 ] && [ "$(status overwritten)" = 200 ] &&
	[ "$(status lost)" = 0 ]
tap_ok $? "a flight recording of 1 s keeps the 200 calls of its last second, not the 200 before"

# 5-6: an error trigger ends the recording at the failing call
set_param record_filter hcall
set_param record_flight 60s
set_param record_trigger "hcall>100s,error=xen_version"
echo on >$P/record
"$CALL" 100 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
bad_out=$("$CALL" 1 $XEN_VERSION $XENVER_BAD 0)
"$CALL" 100 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
wait_stopped
stopped=$?
cat "$R/trace" >/tmp/trig.trace
last=$(awk '$3 == "hcall" && $4 == "xen_version" { l = $8 } END { print l }' /tmp/trig.trace)
got=$(pagesize /tmp/trig.trace)
tap_diag "bad call: $bad_out; pagesize kept $got; last xen_version errno $last; $(grep trigger $R/status | tr '\n' ' ')"
[ $stopped = 0 ] && [ "$(status stop_reason)" = trigger ] &&
	[ "$(status trigger_fired)" = error=xen_version ] &&
	[ "$(status trigger_value)" -lt 0 ] && [ "$(status trigger_name)" != - ]
tap_ok $? "an error from xen_version fires error=xen_version (the second term): the recording stops by itself"
[ "$got" = 100 ] && [ "$last" != - ] && [ -n "$last" ]
tap_ok $? "the recording ends at the failing call: the 100 calls before it kept, none after"

# 7: a slow trigger: any upcall longer than 1 ns (the next timer tick)
set_param record_flight off
set_param record_filter upcall
set_param record_trigger "upcall>1ns"
if upcall_hook_off; then
	tap_skip "upcall>1ns fires on the first upcall" "the upcall hook is off"
else
	echo on >$P/record
	wait_stopped
	stopped=$?
	tap_diag "$(grep trigger $R/status | tr '\n' ' ')"
	[ $stopped = 0 ] && [ "$(status trigger_fired)" = "upcall>1ns" ] &&
		[ "$(status trigger_name)" = upcall ] && [ "$(status trigger_duration_ns)" -gt 1 ] &&
		[ "$(status stop_reason)" = trigger ]
	tap_ok $? "upcall>1ns fires on the first upcall and stops a streamable recording too"
fi
set_param record off

# 8: pvtrace record -f -T: returns by itself when the trigger fires
set_param record_filter all
rm -f /tmp/rec.trace
"$PVT" record -o /tmp/rec.trace -f 30s -T error=xen_version -F hcall 2>/tmp/rec.err &
rec=$!
usleep 500000
"$CALL" 50 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
"$CALL" 1 $XEN_VERSION $XENVER_BAD 0 >/dev/null
_t=0
while [ $_t -lt 50 ] && kill -0 $rec 2>/dev/null; do
	usleep 100000
	_t=$((_t + 1))
done
ended=1
kill -0 $rec 2>/dev/null || { wait $rec; ended=$?; }
tap_diag "pvtrace record rc $ended: $(cat /tmp/rec.err)"
[ $ended = 0 ] && head -1 /tmp/rec.trace | grep -q '^# pvtrace-recording 1$' &&
	grep -q '^# stop_reason trigger$' /tmp/rec.trace && grep -q '^# flight_ms 30000$' /tmp/rec.trace &&
	[ "$(pagesize /tmp/rec.trace)" = 50 ] && grep -q 'trigger error=xen_version fired' /tmp/rec.err
tap_ok $? "pvtrace record -f 30s -T error=xen_version returns by itself and writes the 50 calls before the trigger, with its header"
[ $ended = 1 ] && kill $rec 2>/dev/null
reset_params
tap_done
