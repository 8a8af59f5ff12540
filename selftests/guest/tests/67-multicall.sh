#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: hypercalls
# PV guests: pvtrace's multicall statistics against the kernel's own
# xen:xen_mc_flush tracepoint, over the same fork/exec workload. Every
# xen_mc_flush() of two or more entries makes one multicall hypercall;
# one of a single entry makes that call directly.
#
# The counters are read with shell builtins only: a fork between the
# reads and the traced window would make multicalls of its own.
. "$(dirname "$0")/../lib.sh"

# Assigned by the builtin-only lookup() and batches() below.
mc0=0 mc1=0 one0=0 one1=0 b0="" b1="" r0="" r1=""
T=/sys/kernel/tracing
H=$PVT_DIR/hypercalls
RUNS=100

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
[ "$PVTRACE_EXPECT_TYPE" = xen-pv ] || tap_skip_all "multicalls are PV-only"
is_loaded || tap_skip_all "pvtrace is not loaded"
hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
[ -f $T/events/xen/xen_mc_flush/enable ] || tap_skip_all "no tracefs xen events"

# lookup VAR FILE KEY COL: VAR = column COL of the record whose first
# column is KEY, or 0. Builtins only.
lookup() {
	_var=$1 _file=$2 _key=$3 _col=$4 _v=0
	while read -r _l; do
		# shellcheck disable=SC2086 # split the record into $1..$n
		set -- $_l
		[ "$1" = "$_key" ] || continue
		eval "_v=\${$_col}"
		break
	done <"$_file"
	eval "$_var=\$_v"
}

# batches VAR: multicall batches of each size, as "size:count ..." (>= 2).
batches() {
	_s=""
	while read -r _lo _hi _n; do
		case $_lo in '#'*) continue ;; esac
		[ "$_lo" -ge 2 ] && [ "$_n" -gt 0 ] && _s="$_s $_lo:$_n"
	done <"$H/multicall_batches"
	eval "$1=\$_s"
}

# reasons VAR: forced flushes by reason, as "reason:count ...".
reasons() {
	_s=""
	while read -r _r _n; do
		case $_r in '#'*) continue ;; esac
		_s="$_s $_r:$_n"
	done <"$H/multicall_flush_reasons"
	eval "$1=\$_s"
}

tap_plan 4
# The trace runs from marker A to D, and pvtrace's counters are read
# between A and B and between C and D. The flushes traced between B and C
# (the inner window) all fall within pvtrace's reads; those between A and
# D (the outer one) include every flush pvtrace can have counted. With
# several vCPUs on a CPU, this shell's vCPU can lose the CPU between two
# reads for a Xen time slice while another vCPU flushes (60 single-entry
# flushes in one CI run, when the trace was switched outside the reads):
# pvtrace's count must lie between the two.
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/xen/xen_mc_flush/enable
echo 1 >$T/events/xen/xen_mc_flush_reason/enable
echo 1 >$T/tracing_on
echo pvtrace-mark-A >$T/trace_marker

lookup mc0 "$H/totals" multicall 3
lookup one0 "$H/status" single_entry_batches 2
batches b0
reasons r0
echo pvtrace-mark-B >$T/trace_marker
i=0
while [ $i -lt $RUNS ]; do
	/bin/busybox true
	i=$((i + 1))
done
echo pvtrace-mark-C >$T/trace_marker
lookup mc1 "$H/totals" multicall 3
lookup one1 "$H/status" single_entry_batches 2
batches b1
reasons r1
echo pvtrace-mark-D >$T/trace_marker
echo 0 >$T/tracing_on
echo 0 >$T/events/xen/xen_mc_flush/enable
echo 0 >$T/events/xen/xen_mc_flush_reason/enable

# /tmp/mc.sizes.in and .out: the traced flushes' sizes, inner and outer
# windows; /tmp/mc.reasons.in and .out: the forced flushes' reasons.
rm -f /tmp/mc.sizes.in /tmp/mc.sizes.out /tmp/mc.reasons.in /tmp/mc.reasons.out
awk '/pvtrace-mark-A/ { w = 1 } /pvtrace-mark-B/ { w = 2 } /pvtrace-mark-C/ { w = 1 }
	/pvtrace-mark-D/ { w = 0 }
	w && match($0, /flushing [0-9]+ hypercalls/) {
		n = substr($0, RSTART + 9, RLENGTH - 20) + 0
		print n > "/tmp/mc.sizes.out"; if (w == 2) print n > "/tmp/mc.sizes.in" }
	w && match($0, /xen_mc_flush_reason: flush reason [A-Z]+$/) {
		r = substr($0, RSTART + 34)
		print r > "/tmp/mc.reasons.out"; if (w == 2) print r > "/tmp/mc.reasons.in" }' $T/trace
: >>/tmp/mc.sizes.in; : >>/tmp/mc.sizes.out; : >>/tmp/mc.reasons.in; : >>/tmp/mc.reasons.out
marked=1
grep -q pvtrace-mark-D $T/trace || { marked=0; tap_diag "the trace lost its end marker"; }
ev_multi=$(awk '$1 >= 2' /tmp/mc.sizes.in | wc -l)
ev_multi_out=$(awk '$1 >= 2' /tmp/mc.sizes.out | wc -l)
ev_one=$(awk '$1 == 1' /tmp/mc.sizes.in | wc -l)
ev_one_out=$(awk '$1 == 1' /tmp/mc.sizes.out | wc -l)
d_multi=$((mc1 - mc0))
d_one=$((one1 - one0))
tap_diag "multicall hypercalls: pvtrace +$d_multi, xen_mc_flush events with >= 2 entries $ev_multi..$ev_multi_out"
tap_diag "single-entry batches: pvtrace +$d_one, xen_mc_flush events with 1 entry $ev_one..$ev_one_out"
grep ' xen_mc_flush+' "$H/callers" | sed 's/^/# /'
grep -h overrun $T/per_cpu/cpu*/stats | sed 's/^/# trace /'

# close N LO HI: N within LO..HI, give or take 1% or 3 (a flush whose
# event and hypercall fall on two sides of a marker).
close() {
	_t=$(($3 / 100))
	[ $_t -ge 3 ] || _t=3
	[ "$1" -ge $(($2 - _t)) ] && [ "$1" -le $(($3 + _t)) ]
}
[ $marked = 1 ] && [ "$ev_multi" -ge 20 ] &&
	close "$d_multi" "$ev_multi" "$ev_multi_out"
tap_ok $? "multicall hypercalls match the tracepoint's multi-entry flushes (+$d_multi vs $ev_multi..$ev_multi_out)"
[ $marked = 1 ] && close "$d_one" "$ev_one" "$ev_one_out"
tap_ok $? "single-entry batches match the tracepoint's one-entry flushes (+$d_one vs $ev_one..$ev_one_out)"

# Batch sizes: the change per size matches the tracepoint's sizes.
bad=""
sort -n -u /tmp/mc.sizes.out >/tmp/mc.distinct
while read -r s; do
	[ "$s" -ge 2 ] || continue
	lo=$(awk -v s="$s" '$1 == s' /tmp/mc.sizes.in | wc -l)
	hi=$(awk -v s="$s" '$1 == s' /tmp/mc.sizes.out | wc -l)
	got0=0
	got1=0
	for p in $b0; do [ "${p%%:*}" = "$s" ] && got0=${p#*:}; done
	for p in $b1; do [ "${p%%:*}" = "$s" ] && got1=${p#*:}; done
	close $((got1 - got0)) "$lo" "$hi" || bad="$bad $s:$((got1 - got0))/$lo..$hi"
done </tmp/mc.distinct
[ -z "$bad" ]
tap_ok $? "batch-size histogram matches per size (bad:${bad:- none})"

# Forced flushes by reason against the xen_mc_flush_reason events.
bad=""
for pair in batch_full:BATCH args_full:ARGS callbacks_full:CALLBACK; do
	ours=${pair%%:*}
	lo=$(grep -c "^${pair#*:}\$" /tmp/mc.reasons.in)
	hi=$(grep -c "^${pair#*:}\$" /tmp/mc.reasons.out)
	got0=0
	got1=0
	for p in $r0; do [ "${p%%:*}" = "$ours" ] && got0=${p#*:}; done
	for p in $r1; do [ "${p%%:*}" = "$ours" ] && got1=${p#*:}; done
	tap_diag "flush reason $ours: pvtrace +$((got1 - got0)), tracepoint $lo..$hi"
	close $((got1 - got0)) "$lo" "$hi" || bad="$bad $ours:$((got1 - got0))/$lo..$hi"
done
[ -z "$bad" ]
tap_ok $? "forced flushes by reason match the tracepoint (bad:${bad:- none})"
tap_done
