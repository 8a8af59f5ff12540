#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: recorder
# The flight recorder (parameters record, record_filter, record_buffer_kb;
# files recorder/*) and the slowest calls (slowest, slowest_reset):
# every hypercall and upcall of a known workload is in the recording, in
# time order; filters keep what they say; a full buffer counts its loss;
# unloading during a recording is clean.
. "$(dirname "$0")/../lib.sh"

P=/sys/module/pvtrace/parameters
R=$PVT_DIR/recorder
CALL=$(dirname "$0")/../bin/privcmd-hcall
EVL=$(dirname "$0")/../bin/evtchn-loop
N=300
XEN_VERSION=17
XENVER_PAGESIZE=7	# asked by no one else in the guest

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
# Without the hypercall and upcall hooks (pvtrace.insmod=hypercalls=0,...)
# this would test the steal samples alone: rows with the hooks do that too.
hcall_hook_off && upcall_hook_off &&
	tap_skip_all "the hypercall and upcall hooks are off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"

hcalls=1
hcall_hook_off && hcalls=0
upcalls=1
upcall_hook_off && upcalls=0
privcmd=0
if [ $hcalls = 1 ] && [ -f /xen-privcmd.ko ]; then
	grep -q '^xen_privcmd ' /proc/modules || insmod /xen-privcmd.ko
	grep -q '^xen_privcmd ' /proc/modules && privcmd_usable && privcmd=1
fi
grep -q '^xen_evtchn ' /proc/modules || insmod /xen-evtchn.ko 2>/dev/null

status() { "$PVT_CHECK" get "$R/status" "$1"; }

# set_param NAME VALUE: 0 if accepted.
set_param() { echo "$2" 2>/dev/null >"$P/$1"; }

tap_plan 19

# 1: bad values are refused, one log line each, state unchanged
dmesg -c >/dev/null
st0=$(cat $P/record)
bad=0
for v in "record bogus" "record 0s" "record 25h" "record_filter hcall=nosuchcall" \
	"record_filter hcall=xen_version:nosuchsub" "record_filter cpu=5-2" \
	"record_filter port=x" "record_buffer_kb 1" "record_buffer_kb 99999999" \
	"slowest_reset 0"; do
	# shellcheck disable=SC2086 # NAME VALUE
	set_param $v && { tap_diag "accepted: $v"; bad=1; }
done
lines=$(dmesg | grep -c 'pvtrace: recorder:')
[ $bad = 0 ] && [ "$lines" = 10 ] && [ "$(cat $P/record)" = "$st0" ] &&
	[ "$(cat $P/record_filter)" = all ] && [ "$(cat $P/record_buffer_kb)" = 1024 ]
tap_ok $? "10 bad parameter values refused with one log line each ($lines), nothing changed"

# 2: the slowest hypercall and upcall are the maxima the histograms saw
ok=1
if [ $hcalls = 1 ] || [ $upcalls = 1 ]; then
	for i in 1 2 3 4 5; do
		# The slowest of each kind (but its time_ns, converted from the
		# TSC at each read), read before and after the maxima:
		# a new maximum in between shows as a change, and is retried.
		s1=$(awk '$1 == 1 { $2 = "-"; print }' $PVT_DIR/slowest)
		hmax=$(awk 'NR > 1 && $NF > m { m = $NF } END { print m + 0 }' $PVT_DIR/hypercalls/totals 2>/dev/null)
		umax=$(awk 'NR > 1 && $NF > m { m = $NF } END { print m + 0 }' $PVT_DIR/upcalls/percpu 2>/dev/null)
		s2=$(awk '$1 == 1 { $2 = "-"; print }' $PVT_DIR/slowest)
		[ "$s1" = "$s2" ] || continue
		sh1=$(echo "$s1" | awk '$4 == "hcall" { print $7 }')
		su1=$(echo "$s1" | awk '$4 == "upcall" { print $7 }')
		tap_diag "slowest hcall ${sh1:-none} (histogram max $hmax), upcall ${su1:-none} (max $umax)"
		ok=0
		[ $hcalls = 0 ] || [ "${sh1:-0}" = "$hmax" ] || ok=1
		[ $upcalls = 0 ] || [ "${su1:-0}" = "$umax" ] || ok=1
		break
	done
	echo "$s1" | sed 's/^/# /'
	tap_ok $ok "slowest: the first hypercall and upcall are the histograms' max_ns"
else
	tap_skip "slowest: maxima" "no hook on (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
fi

# 3: slowest is sorted, ranked, at most slowest_n rows per event
n=$(cat $P/slowest)
awk -v n="$n" 'NR == 1 { next } NF != 11 { exit 1 }
	{ k = $4; if ($1 != ++rank[k] || $1 > n || (rank[k] > 1 && $7 > prev[k])) exit 1; prev[k] = $7 }' \
	$PVT_DIR/slowest
tap_ok $? "slowest: 11 columns, ranks 1..$n per event, slowest first"

# 4-7: record every event of a known workload
set_param record_filter all
# Hypercall counts (name calls) into $1: before and after the recording,
# and inside it, just after it starts and just before it stops.
tot() {
	awk 'NR > 1 { print $1, $3 }' $PVT_DIR/hypercalls/totals >"$1" 2>/dev/null
}
tot /tmp/rec-tot0
echo on >$P/record
tot /tmp/rec-tot1
st=$(status state)
if [ $privcmd = 1 ]; then
	before=$(awk '$1 == "xen_version" && $2 == "pagesize" { print $4 }' $PVT_DIR/hypercalls/subcommands)
	out=$("$CALL" $N $XEN_VERSION $XENVER_PAGESIZE 0)
	after=$(awk '$1 == "xen_version" && $2 == "pagesize" { print $4 }' $PVT_DIR/hypercalls/subcommands)
fi
evl=
# Stopped by the loop's last command, right after its events, once each
# online vCPU has run a task: the upcall that delivered the last event may
# still be on its way out on another vCPU (with 2 vCPUs on 1 CPU, Xen can run
# the woken reader first), and an upcall is recorded when it returns.
[ $upcalls = 1 ] && evl=$("$EVL" 200 $DOMID_SELF "awk 'NR > 1 { print \$1, \$3 }' $PVT_DIR/hypercalls/totals >/tmp/rec-tot2; for c in \$(awk '/^processor/ { print \$3 }' /proc/cpuinfo); do taskset -c \$c true; done; echo off > $P/record" 2>&1)
[ "$(status state)" = recording ] && tot /tmp/rec-tot2
echo off >$P/record
tot /tmp/rec-tot3
cat $R/trace >/tmp/rec-all
cat $R/status >/tmp/rec-status
recs=$(awk 'NR > 1' /tmp/rec-all | wc -l)
tap_diag "state $st; $(tr '\n' ' ' </tmp/rec-status)"
sed -n '1,6p' /tmp/rec-all | sed 's/^/# trace: /'
awk '$3 == "upcall" { print; exit }' /tmp/rec-all | sed 's/^/# trace: /'
awk '$3 == "steal" { print; exit }' /tmp/rec-all | sed 's/^/# trace: /'
tap_diag "$(awk 'NR > 1 { n[$3]++ } END { for (e in n) printf "%s %d ", e, n[e] }' /tmp/rec-all)"
why=$(rec_check_trace /tmp/rec-all)
[ "$st" = recording ] && [ "$(status state)" = stopped ] && [ -z "$why" ] &&
	[ "$recs" = "$(status records)" ] && [ "$(status lost)" = 0 ] && [ "$recs" -gt 0 ]
tap_ok $? "a recording: $recs events, as many as status says, none lost, in time order ${why:+($why)}"

# The report tool on the recording, in the guest (busybox sh and awk).
if command -v pvtrace-report >/dev/null; then
	pvtrace-report --status /tmp/rec-status /tmp/rec-all >/tmp/rec-report 2>&1 &&
		pvtrace-report --format tsv --status /tmp/rec-status /tmp/rec-all >/tmp/rec-tsv 2>&1
	rc=$?
	sed -n '1,12p' /tmp/rec-report | sed 's/^/# /'
	want=$(awk 'NR > 1 { n[$3]++ } END { printf "%d %d %d", n["hcall"], n["upcall"], n["steal"] }' /tmp/rec-all)
	have=$(awk -F '\t' '$1 == "summary" && $2 == "hcall" { h = $3 } $1 == "summary" && $2 == "upcall" { u = $3 }
		$1 == "summary" && $2 == "steal" { s = $3 } END { printf "%d %d %d", h, u, s }' /tmp/rec-tsv)
	[ $rc = 0 ] && [ "$want" = "$have" ]
	tap_ok $? "pvtrace-report reads the recording: hcall/upcall/steal $have, as recorded ($want)"
else
	tap_skip "pvtrace-report" "not in this image"
fi

if [ $privcmd = 1 ]; then
	got=$(awk '$3 == "hcall" && $4 == "xen_version" && $5 == "pagesize" && $7 == 4096 && $10 == "xen_privcmd"' /tmp/rec-all | wc -l)
	tap_diag "privcmd-hcall: $out; counters $before -> $after; recorded $got"
	[ "$out" = "ok $N err 0 errno 0" ] && [ $((after - before)) = $N ] && [ "$got" = $N ]
	tap_ok $? "all $N xen_version/pagesize calls recorded, with result 4096 and site in xen_privcmd"
else
	tap_skip "privcmd calls recorded" "hypercall hook off, or no privcmd hypercalls here (a domU)"
fi

if [ $hcalls = 1 ]; then
	# Per hypercall, the recording against the counters: at least their
	# rise inside it (read after record=on, before record=off: every call
	# between those reads was recorded), at most their rise over a span
	# that holds it (read before record=on, after record=off).
	awk 'NR > 1 && $3 == "hcall" { r[$4]++ } END { for (k in r) print k, r[k] }' /tmp/rec-all | sort >/tmp/rec-counts
	# hypercall recorded inner outer
	awk 'FILENAME == ARGV[1] { a[$1] = $2; next }
		FILENAME == ARGV[2] { b[$1] = $2; next }
		FILENAME == ARGV[3] { c[$1] = $2; k[$1] = 1; next }
		FILENAME == ARGV[4] { d[$1] = $2; k[$1] = 1; next }
		{ rec[$1] = $2; k[$1] = 1 }
		END { for (n in k) print n, rec[n] + 0, c[n] - b[n], d[n] - a[n] }' \
		/tmp/rec-tot0 /tmp/rec-tot1 /tmp/rec-tot2 /tmp/rec-tot3 /tmp/rec-counts |
		sort >/tmp/rec-match
	tap_diag "recorded (inside..span): $(awk '$2 || $4 { printf "%s %d (%d..%d) ", $1, $2, $3, $4 }' /tmp/rec-match)"
	bad=$(awk '$2 < $3 || $2 > $4 { printf "%s %d (%d..%d) ", $1, $2, $3, $4 }' /tmp/rec-match)
	[ -s /tmp/rec-counts ] && [ -z "$bad" ]
	tap_ok $? "every hypercall's recorded calls lie between its counters' rise inside the recording and over it${bad:+: $bad}"
else
	tap_skip "hypercalls recorded" "the hypercall hook is off"
fi

if [ $upcalls = 1 ]; then
	a=$(echo "$evl" | awk '/^ports/ { print $2 }')
	got=$(awk -v p="$a" 'NR > 1 && $3 == "upcall" { n = split($5, q, ","); for (i = 1; i <= n; i++) { sub(/\+$/, "", q[i]); if (q[i] == p) c++ } }
		END { print c + 0 }' /tmp/rec-all)
	name=$(awk -v p="$a" '$3 == "upcall" && $5 == p { print $9; exit }' /tmp/rec-all)
	cut=$(awk 'NR > 1 && $3 == "upcall" && $5 ~ /\+$/ { n++ } END { print n + 0 }' /tmp/rec-all)
	tap_diag "evtchn-loop: $evl; port $a dispatched in $got recorded upcalls, handler $name; $cut upcalls with more ports than kept"
	[ -n "$a" ] && [ "$got" = 200 ] && [ "$name" = evtchn:evtchn-loop ]
	tap_ok $? "all 200 events of a loopback channel are in recorded upcalls, named by their handler"
else
	tap_skip "upcalls recorded" "the upcall hook is off"
fi

# 8: a timed recording stops itself
echo 1s >$P/record
sleep 2
s=$(status start_ns)
e=$(status stop_ns)
tap_diag "1s recording: $(status state) from $s to $e"
[ "$(status state)" = stopped ] && [ $((e - s)) -ge 1000000000 ] && [ $((e - s)) -lt 2000000000 ]
tap_ok $? "a 1s recording stops by itself after 1 to 2 s ($(((e - s) / 1000000)) ms)"

# 9: the steal samples of one vCPU
set_param record_filter "cpu=0,steal"
echo 1s >$P/record
sleep 2
cat $R/trace >/tmp/rec-steal
ns=$(awk 'NR > 1' /tmp/rec-steal | wc -l)
[ "$ns" -gt 0 ] &&
	awk 'NR > 1 && ($2 != 0 || $3 != "steal" || $7 < $6) { exit 1 }' /tmp/rec-steal
tap_ok $? "filter cpu=0,steal: $ns steal samples of vCPU 0 only, steal <= interval"

# 10-11: a hypercall filter; the recorded times are CLOCK_MONOTONIC
if [ $privcmd = 1 ]; then
	set_param record_filter "hcall=xen_version:pagesize"
	echo on >$P/record
	"$CALL" -t 50 $XEN_VERSION $XENVER_PAGESIZE 0 >/tmp/58-times
	echo off >$P/record
	got=$(awk 'NR > 1' $R/trace | wc -l)
	other=$(awk 'NR > 1 && !($3 == "hcall" && $4 == "xen_version" && $5 == "pagesize")' $R/trace | wc -l)
	[ "$got" = 50 ] && [ "$other" = 0 ]
	tap_ok $? "filter hcall=xen_version:pagesize: exactly the 50 calls ($got, $other others)"
	# The n-th call recorded started between the clock reads around the
	# n-th call made: time_ns is CLOCK_MONOTONIC. In microseconds, which
	# awk's doubles hold exactly; 1 us of rounding allowed.
	out=$(awk 'FILENAME == ARGV[1] { if ($1 == "t") { n++; lo[n] = int($2 / 1000) - 1; hi[n] = int($3 / 1000) + 1 }; next }
		FNR > 1 { m++; t = int($1 / 1000)
			if (t < lo[m]) { d = lo[m] - t } else if (t > hi[m]) { d = t - hi[m] } else d = 0
			if (d > w) w = d }
		END { print m + 0, n + 0, w + 0 }' /tmp/58-times $R/trace)
	set -- $out
	tap_diag "$1 recorded calls against $2 timed around: worst $3 us outside the clock reads around it"
	[ "$1" = 50 ] && [ "$2" = 50 ] && [ "$3" = 0 ]
	tap_ok $? "each recorded call's time_ns lies between CLOCK_MONOTONIC reads around the call ($3 us out)"
else
	tap_skip "hypercall filter" "hypercall hook off or no privcmd"
	tap_skip "recorded times are CLOCK_MONOTONIC" "hypercall hook off or no privcmd"
fi

# 12-13: a full buffer counts what it loses
set_param record_filter all
set_param record_buffer_kb 4
echo on >$P/record
if [ $privcmd = 1 ]; then
	"$CALL" $N $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
else
	i=0
	while [ $i -lt 200 ]; do read -r _ </sys/hypervisor/version/major; usleep 5000; i=$((i + 1)); done
fi
echo off >$P/record
cat $R/percpu >/tmp/rec-percpu
sed 's/^/# /' /tmp/rec-percpu
lost=$(status lost)
full=$(awk 'NR > 1 && $4 == 64 && $2 == 64 && $3 > 0' /tmp/rec-percpu | wc -l)
[ "$lost" -gt 0 ] && [ "$full" -ge 1 ]
tap_ok $? "a 4 KiB buffer fills at 64 events and counts the rest as lost ($lost)"
recs=$(awk 'NR > 1' $R/trace | wc -l)
[ "$recs" = "$(status records)" ] && [ -z "$(rec_check_trace $R/trace)" ]
tap_ok $? "the full recording still reads whole and in order ($recs events)"
set_param record_buffer_kb 1024

# 14: a reader blocks a new start, not the reads
exec 3<$R/trace
set_param record on
rc=$?
exec 3<&-
[ $rc != 0 ] && set_param record on && set_param record off
tap_ok $? "record=on is refused (EBUSY) while recorder/trace is open, accepted after"

# 15-16: slowest_reset forgets the slowest calls seen so far; slowest and the
# recording agree on times. PVTRACE_REPEAT (pvtrace.repeat=N): N rounds.
if [ $hcalls = 1 ] || [ $upcalls = 1 ]; then
	n=${PVTRACE_REPEAT:-1}
	k=0
	bad1=0
	bad2=0
	while [ $k -lt "$n" ]; do
		k=$((k + 1))
		echo on >$P/record
		t0=$(status start_ns)
		echo 1 >$P/slowest_reset
		i=0
		while [ $i -lt 50 ]; do read -r _ </sys/hypervisor/version/major; i=$((i + 1)); done
		sleep 1
		echo off >$P/record
		# Seen since the reset: ended after it (an idle vCPU's block may
		# have started before). time_ns + duration_ns in awk's doubles:
		# ns of uptime fit in 53 bits for over 100 days.
		awk -v t="$t0" 'NR > 1 && $2 + $7 < t + 0 { print "# before the reset: " $0 }' \
			$PVT_DIR/slowest >/tmp/58-old
		old=$(wc -l </tmp/58-old)
		cat /tmp/58-old
		rows=$(awk 'NR > 1' $PVT_DIR/slowest | wc -l)
		[ "$old" = 0 ] && [ "$rows" -gt 0 ] || bad1=$((bad1 + 1))
		# The slowest calls made during the recording are in it too: both
		# files give each the same time (slowest's columns shifted by its
		# rank). A call is found by vCPU, kind, name, detail, duration and
		# site; where several match, the closest in time is the one.
		out=$(awk 'NR == FNR { if (FNR > 1) k[$3 " " $4 " " $5 " " $6 " " $7 " " $10] = $2; next }
			FNR > 1 { key = $2 " " $3 " " $4 " " $5 " " $6 " " $9
				if (key in k) { d = k[key] - $1; if (d < 0) d = -d
					if (!(key in best) || d < best[key]) best[key] = d } }
			END { for (key in best) { n++; if (best[key] > w) w = best[key] }
				print n + 0, int(w) }' $PVT_DIR/slowest $R/trace)
		set -- $out
		[ "$1" -gt 0 ] && [ "$2" -le 10000 ] || bad2=$((bad2 + 1))
		tap_diag "round $k/$n: slowest $rows rows, $old ended before the reset; $1 found in the recording, up to $2 ns apart"
	done
	[ $bad1 = 0 ]
	tap_ok $? "after slowest_reset, only calls that ended since the reset ($n rounds, $bad1 failed)"
	[ $bad2 = 0 ]
	tap_ok $? "slowest and recorder/trace agree on a call's time_ns within 10 us ($n rounds, $bad2 failed)"
else
	tap_skip "slowest_reset" "no hook on"
	tap_skip "slowest and the recording agree" "no hook on"
fi

# 17: the trace events
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
if [ ! -d $T/events/pvtrace ]; then
	tap_ok 1 "trace events: no events/pvtrace in tracefs"
elif [ $upcalls = 0 ]; then
	tap_skip "trace events" "the upcall hook is off: no runtime text patching in this row"
else
	echo >$T/trace
	echo 1 >$T/events/pvtrace/pvtrace_upcall/enable
	echo 1 >$T/events/pvtrace/pvtrace_steal/enable
	sleep 1
	echo 0 >$T/events/pvtrace/pvtrace_upcall/enable
	echo 0 >$T/events/pvtrace/pvtrace_steal/enable
	u=$(grep -c 'pvtrace_upcall: duration_ns=' $T/trace)
	s=$(grep -c 'pvtrace_steal: steal_ns=' $T/trace)
	[ "$u" -gt 0 ] && [ "$s" -gt 0 ]
	tap_ok $? "trace events pvtrace_upcall ($u) and pvtrace_steal ($s) in tracefs"
fi

# 18: unload during a recording, under load; reload with record=on
i=0
(while [ $i -lt 3000 ]; do read -r _ </sys/hypervisor/version/major; i=$((i + 1)); done) &
bg=$!
echo on >$P/record
sleep 1
pvt_rmmod
rc=$?
wait $bg
pvt_insmod record=on
st=$(cat $P/record 2>/dev/null)
echo off >$P/record
[ $rc = 0 ] && [ "$st" = recording ] && [ "$(status records)" -gt 0 ]
tap_ok $? "unloaded while recording under load; reloaded with record=on it records ($st)"

tap_done
