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
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/xen/xen_mc_flush/enable
echo 1 >$T/events/xen/xen_mc_flush_reason/enable

lookup mc0 "$H/totals" multicall 3
lookup one0 "$H/status" single_entry_batches 2
batches b0
reasons r0
echo 1 >$T/tracing_on
i=0
while [ $i -lt $RUNS ]; do
	/bin/busybox true
	i=$((i + 1))
done
echo 0 >$T/tracing_on
lookup mc1 "$H/totals" multicall 3
lookup one1 "$H/status" single_entry_batches 2
batches b1
reasons r1
echo 0 >$T/events/xen/xen_mc_flush/enable
echo 0 >$T/events/xen/xen_mc_flush_reason/enable

grep -o 'flushing [0-9]* hypercalls' $T/trace | awk '{ print $2 }' >/tmp/mc.sizes
ev_multi=$(awk '$1 >= 2' /tmp/mc.sizes | wc -l)
ev_one=$(awk '$1 == 1' /tmp/mc.sizes | wc -l)
d_multi=$((mc1 - mc0))
d_one=$((one1 - one0))
tap_diag "multicall hypercalls: pvtrace +$d_multi, xen_mc_flush events with >= 2 entries $ev_multi"
tap_diag "single-entry batches: pvtrace +$d_one, xen_mc_flush events with 1 entry $ev_one"
grep ' xen_mc_flush+' "$H/callers" | sed 's/^/# /'
grep -h overrun $T/per_cpu/cpu*/stats | sed 's/^/# trace /'

# Within 1% or 3: a flush on another vCPU just as tracing is switched.
close() {
	_d=$(($1 - $2))
	[ ${_d#-} -le 3 ] || [ $((${_d#-} * 100)) -le "$2" ]
}
[ "$ev_multi" -ge 20 ] && close "$d_multi" "$ev_multi"
tap_ok $? "multicall hypercalls match the tracepoint's multi-entry flushes (+$d_multi vs $ev_multi)"
close "$d_one" "$ev_one"
tap_ok $? "single-entry batches match the tracepoint's one-entry flushes (+$d_one vs $ev_one)"

# Batch sizes: the change per size matches the tracepoint's sizes.
bad=""
sort -n -u /tmp/mc.sizes >/tmp/mc.distinct
while read -r s; do
	[ "$s" -ge 2 ] || continue
	want=$(awk -v s="$s" '$1 == s' /tmp/mc.sizes | wc -l)
	got0=0
	got1=0
	for p in $b0; do [ "${p%%:*}" = "$s" ] && got0=${p#*:}; done
	for p in $b1; do [ "${p%%:*}" = "$s" ] && got1=${p#*:}; done
	close $((got1 - got0)) "$want" || bad="$bad $s:$((got1 - got0))/$want"
done </tmp/mc.distinct
[ -z "$bad" ]
tap_ok $? "batch-size histogram matches per size (bad:${bad:- none})"

# Forced flushes by reason against the xen_mc_flush_reason events.
bad=""
for pair in batch_full:BATCH args_full:ARGS callbacks_full:CALLBACK; do
	ours=${pair%%:*}
	want=$(grep -c "xen_mc_flush_reason: flush reason ${pair#*:}\$" $T/trace)
	got0=0
	got1=0
	for p in $r0; do [ "${p%%:*}" = "$ours" ] && got0=${p#*:}; done
	for p in $r1; do [ "${p%%:*}" = "$ours" ] && got1=${p#*:}; done
	tap_diag "flush reason $ours: pvtrace +$((got1 - got0)), tracepoint $want"
	close $((got1 - got0)) "$want" || bad="$bad $ours:$((got1 - got0))/$want"
done
[ -z "$bad" ]
tap_ok $? "forced flushes by reason match the tracepoint (bad:${bad:- none})"
tap_done
