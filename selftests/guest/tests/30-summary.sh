#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: core
# The summary names where pvtrace runs, and agrees with what the guest's
# own interfaces say.
. "$(dirname "$0")/../lib.sh"

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"

sed "s/^/# /" "$PVT_DIR/summary"
tap_plan 7
[ "$(summary_get guest_type)" = "$PVTRACE_EXPECT_TYPE" ]
tap_ok $? "guest_type is $PVTRACE_EXPECT_TYPE"
[ "$(summary_get xen_initial_domain)" = "${PVTRACE_EXPECT_INITIAL:-0}" ]
tap_ok $? "xen_initial_domain is ${PVTRACE_EXPECT_INITIAL:-0}"
[ "$(summary_get kernel)" = "$(uname -r)" ]
tap_ok $? "kernel is $(uname -r)"
[ "$(summary_get vcpus_online)" = "$(grep -c '^processor' /proc/cpuinfo)" ]
tap_ok $? "vcpus_online matches /proc/cpuinfo"
xv=$(cat /sys/hypervisor/version/major 2>/dev/null).$(cat /sys/hypervisor/version/minor 2>/dev/null)
[ "$(summary_get xen_version)" = "$xv" ]
tap_ok $? "xen_version matches /sys/hypervisor/version ($xv)"
[ -n "$(summary_get hooks)" ]
tap_ok $? "the active hooks are listed"
[ "$(summary_get torn_reads)" = 0 ]
tap_ok $? "no torn snapshot reads"
tap_done
