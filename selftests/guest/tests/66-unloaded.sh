#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: hypercalls
# Call sites in a module that goes: xen_privcmd's hypercalls, counted at
# its sites, are shown as "- unloaded" once it is unloaded (in callers, in
# the recording and in slowest), never as a raw address and never as the
# code loaded at the same address afterwards: loaded again, xen_privcmd is
# credited with its new calls only.
. "$(dirname "$0")/../lib.sh"

H=$PVT_DIR/hypercalls
P=/sys/module/pvtrace/parameters
CALL=$(dirname "$0")/../bin/privcmd-hcall
XEN_VERSION=17
XENVER_PAGESIZE=7	# asked by no one else in the guest

need_privcmd_hcalls

# calls MODULE: xen_version calls counted at MODULE's sites.
calls() {
	awk -v m="$1" '$1 == "xen_version" && $3 == m { s += $4 } END { print s + 0 }' "$H/callers"
}
raw() { # FILE...: lines with a raw address in a site column
	grep -h ' 0x[0-9a-f]\{8,\}' "$@" 2>/dev/null | head -n 3
}

tap_plan 5
echo 1 >"$P/hcall_timing"
echo on >"$P/record"
"$CALL" 100 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
echo off >"$P/record"
before=$(calls xen_privcmd)
rmmod xen_privcmd
gone=$(calls xen_privcmd)
unl=$(calls unloaded)
tap_diag "xen_version at xen_privcmd: $before; after rmmod: $gone there, $unl unloaded"
[ "$before" -ge 100 ] && [ "$gone" = 0 ] && [ "$unl" -ge 100 ]
tap_ok $? "callers: the module's call sites retired when it went (\"- unloaded\", $unl calls)"

rec=$(awk '$3 == "hcall" && $4 == "xen_version" && $5 == "pagesize"' "$PVT_DIR/recorder/trace")
n=$(echo "$rec" | grep -c .)
u=$(echo "$rec" | awk '$9 == "-" && $10 == "unloaded"' | grep -c .)
tap_diag "recorded pagesize calls: $n, of them $u at '- unloaded'"
[ "$n" -ge 100 ] && [ "$u" = "$n" ]
tap_ok $? "the recording shows them at \"- unloaded\" too"

r=$(raw "$H/callers" "$PVT_DIR/recorder/trace" "$PVT_DIR/slowest")
[ -z "$r" ]
tap_ok $? "no raw address in callers, the recording or slowest${r:+: $r}"

# Loaded again, most likely at the same address: only its new calls.
insmod /xen-privcmd.ko
"$CALL" 50 $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
again=$(calls xen_privcmd)
unl2=$(calls unloaded)
tap_diag "reloaded: xen_privcmd $again (want 50), unloaded $unl2 (was $unl)"
[ "$again" = 50 ] && [ "$unl2" = "$unl" ]
tap_ok $? "loaded again, xen_privcmd is credited with its 50 new calls only"
echo auto >"$P/hcall_timing"
grep -q '^xen_privcmd ' /proc/modules
tap_ok $? "xen_privcmd stays loaded for the tests after this one"
tap_done
