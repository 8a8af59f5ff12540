# SPDX-License-Identifier: GPL-2.0
# Helpers for the in-guest tests and benchmarks (busybox sh). Source, then:
#   tap_plan N; tap_ok COND DESC...; tap_skip DESC REASON; tap_done
# (the TAP vocabulary: tap.sh beside this file).
# Environment from /init: PVTRACE_KO, PVTRACE_EXPECT_TYPE,
# PVTRACE_EXPECT_INITIAL.
# shellcheck shell=sh
# Variables here are used by the scripts that source this file.
# shellcheck disable=SC2034

# shellcheck source=tap.sh
. "$(dirname "$0")/../tap.sh"

PVTRACE_KO=${PVTRACE_KO:-/pvtrace.ko}
PVT_DIR=/sys/kernel/debug/pvtrace
PVT_CHECK=${PVT_CHECK:-$(dirname "$0")/../bin/pvtrace-check}

# pvt_insmod [PARAM=VALUE...]: load pvtrace with the row's parameters
# (pvtrace.insmod= on the kernel command line) and these.
pvt_insmod() {
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$PVTRACE_KO" $PVTRACE_INSMOD_ARGS "$@"
}

# pvt_rmmod: unload pvtrace, retrying for up to 5 s: busybox rmmod does
# not wait while a reader still holds one of its files open.
pvt_rmmod() {
	_i=0
	while ! rmmod pvtrace 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -ge 500 ] && return 1
		usleep 10000
	done
}

# The hypercall hook is off: loaded with hypercalls=0 (pvtrace.insmod=), or
# refused (the log says why).
hcall_hook_off() {
	[ "$("$PVT_CHECK" get "$PVT_DIR/hypercalls/status" installed 2>/dev/null)" != 1 ]
}

# The upcall hook is off (upcalls=0, or refused).
upcall_hook_off() {
	[ ! -d "$PVT_DIR/upcalls" ]
}

# Xen's name for "this domain": a loopback event channel's remote end
# (evtchn-loop), in dom0 and in a domU alike.
DOMID_SELF=32752

# privcmd_usable: userspace hypercalls through privcmd work here (dom0);
# an unprivileged domU gets EPERM for them.
privcmd_usable() {
	[ "$("$(dirname "$0")/../bin/privcmd-hcall" 1 17 7 0 2>/dev/null)" = "ok 1 err 0 errno 0" ]
}

# need_privcmd_hcalls: skip the whole script unless pvtrace is loaded with
# its hypercall hook and privcmd makes hypercalls here (a dom0); loads
# xen-privcmd if the image has it as a module.
need_privcmd_hcalls() {
	expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
	is_loaded || tap_skip_all "pvtrace is not loaded"
	hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
	if [ -f /xen-privcmd.ko ]; then
		grep -q '^xen_privcmd ' /proc/modules || insmod /xen-privcmd.ko ||
			tap_skip_all "xen-privcmd does not load"
	fi
	[ -e /dev/xen/privcmd ] || tap_skip_all "no /dev/xen/privcmd in this image"
	privcmd_usable || tap_skip_all "Xen refuses privcmd hypercalls here (EPERM in an unprivileged domU)"
}

# busy_loops FILE: one loop per vCPU reading FILE with a shell builtin (no
# fork per read: a read of /sys/hypervisor/version/* is one xen_version
# hypercall); their pids are added to $busy_pids. stop_loops ends them.
busy_pids=
busy_loops() {
	_n=$(grep -c '^processor' /proc/cpuinfo)
	while [ "$_n" -gt 0 ]; do
		(while :; do read -r _ <"$1"; done) 2>/dev/null &
		busy_pids="$busy_pids $!"
		_n=$((_n - 1))
	done
}
stop_loops() {
	# shellcheck disable=SC2086 # a list of pids
	[ -n "$busy_pids" ] && kill $busy_pids
	# shellcheck disable=SC2086 # a list of pids
	wait $busy_pids 2>/dev/null
	busy_pids=
}

# cycles N [PARAM=VALUE...]: N loads (with the row's parameters and these)
# and unloads; sets $cycle_fails to the failed insmod and rmmod calls and
# $cycle_secs to the time taken. A diagnostic line every 10 cycles.
cycles() {
	_n=$1
	shift
	_c=0
	_t0=$(date +%s)
	cycle_fails=0
	while [ $_c -lt "$_n" ]; do
		pvt_insmod "$@" || cycle_fails=$((cycle_fails + 1))
		pvt_rmmod || cycle_fails=$((cycle_fails + 1))
		_c=$((_c + 1))
		[ $((_c % 10)) -eq 0 ] && tap_diag "$_c cycles in $(($(date +%s) - _t0)) s"
	done
	cycle_secs=$(($(date +%s) - _t0))
}

# end_cycles [PARAM=VALUE...]: the end of a cycling test: stops the loops,
# checks that pvtrace unloads cleanly (a TAP line), and loads it again with the
# row's parameters and these, as the tests after it expect.
end_cycles() {
	stop_loops
	pvt_rmmod
	! is_loaded
	tap_ok $? "unloads cleanly at the end"
	pvt_insmod "$@"
}

# long_call_setup MS: the entries (in $long_n) of a privcmd multicall that
# takes about MS ms or more on vCPU 1 (bin/hcall-long), or the script is
# skipped, saying why. $long_bin is the program.
long_call_setup() {
	long_bin=$(dirname "$0")/../bin/hcall-long
	[ -x "$long_bin" ] || tap_skip_all "no bin/hcall-long in this image"
	grep -q '^xen_privcmd ' /proc/modules || [ ! -f /xen-privcmd.ko ] || insmod /xen-privcmd.ko
	privcmd_usable || tap_skip_all "Xen refuses privcmd hypercalls here"
	[ -c /dev/xen/hypercall ] ||
		tap_skip_all "no /dev/xen/hypercall (privcmd's hypercall buffers) here"
	long_n=$(taskset -c 1 "$long_bin" -c "$1") ||
		tap_skip_all "hcall-long cannot calibrate a long multicall here"
}

# long_call_started FILE PID: wait until the hcall-long of PID has written
# "start" to FILE, at most 60 s; false, saying why, if it ended first or
# did not start in time (a test that waited for ever here could not be
# told from a frozen guest).
long_call_started() {
	_w=0
	while ! grep -q '^start' "$1" 2>/dev/null; do
		if ! kill -0 "$2" 2>/dev/null; then
			tap_diag "hcall-long ended without starting its call: $(cat "$1" 2>/dev/null)"
			return 1
		fi
		if [ $_w -ge 3000 ]; then
			tap_diag "hcall-long did not start its call within 60 s"
			return 1
		fi
		usleep 20000
		_w=$((_w + 1))
	done
}

# rec_check_trace FILE: a recording as recorder/trace (or a stream of it)
# shows it: the header, the columns, and time order; prints what is wrong.
rec_check_trace() {
	awk 'NR == 1 { if ($0 != "# time_ns cpu event name detail duration_ns value errno site module") bad = "header"; next }
		NF != 10 { bad = "fields at line " NR; exit }
		$3 != "hcall" && $3 != "upcall" && $3 != "steal" { bad = "event at line " NR; exit }
		$1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ { bad = "number at line " NR; exit }
		{
			if (length($1) < length(last) || (length($1) == length(last) && $1 < last)) { bad = "order at line " NR; exit }
			last = $1
		}
		END { if (bad != "") { print bad; exit 1 } }' "$1"
}

# summary_get KEY: the value of KEY in the summary file.
summary_get() {
	"$PVT_CHECK" get "$PVT_DIR/summary" "$1"
}

is_loaded() {
	grep -q '^pvtrace ' /proc/modules
}

expect_refusal() {
	[ "$PVTRACE_EXPECT_TYPE" = none ]
}

# median lower|mean: the middle of the numbers on standard input, one a
# line (the benchmarks' rounds); of an even count the lower middle one, or
# the two middle ones' mean in whole units.
median() {
	sort -n | awk -v how="$1" '{ v[NR] = $1 } END {
		if (NR % 2 || how != "mean")
			print v[int((NR + 1) / 2)]
		else
			print int((v[NR / 2] + v[NR / 2 + 1]) / 2)
	}'
}
