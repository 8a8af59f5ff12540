#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: stress
# Unload and reload, with readers hammering the files meanwhile: rmmod
# removes everything (an open file only delays it), reloads work.
# PVTRACE_STRESS (pvtrace.stress=N) sets the cycles: 20 by default.
. "$(dirname "$0")/../lib.sh"

CYCLES=${PVTRACE_STRESS:-20}
expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"

tap_plan 5
pvt_rmmod
tap_ok $? "rmmod pvtrace"
[ ! -e "$PVT_DIR" ] && ! is_loaded
tap_ok $? "module and /sys/kernel/debug/pvtrace are gone"

(
	# Builtins only (no fork per read): see busy() in 55-upcalls.sh.
	while :; do
		{ while read -r _; do :; done <"$PVT_DIR"/summary; } 2>/dev/null
		{ while read -r _; do :; done <"$PVT_DIR"/version; } 2>/dev/null
	done
) &
reader=$!
cycles $CYCLES
kill $reader
wait $reader 2>/dev/null
[ $cycle_fails -eq 0 ]
tap_ok $? "$CYCLES load/unload cycles with a reader running ($cycle_fails failures)"

pvt_insmod
tap_ok $? "reload without the self-test"
[ "$(summary_get selftest)" = off ] && [ ! -e "$PVT_DIR/selftest_hist" ]
tap_ok $? "after reload: selftest off, no selftest files"
tap_done
