#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: hypercalls
# Hypercalls made from userspace through privcmd (what the Xen toolstack
# does) are counted too, errors by errno, with privcmd as the caller.
. "$(dirname "$0")/../lib.sh"

N=200
H=$PVT_DIR/hypercalls
CALL=$(dirname "$0")/../bin/privcmd-hcall
XEN_VERSION=17
XENVER_PAGESIZE=7	# asked by no one else in the guest
XENVER_BOGUS=63		# not a command: Xen returns -ENOSYS
XENVER_EXTRAVERSION2=11	# Xen 4.20's; not in Linux's headers up to 7.2

need_privcmd_hcalls

# sub FIELD NAME: a column of xen_version's sub-command NAME (0 if none).
sub() {
	awk -v s="$2" -v c="$1" '$1 == "xen_version" && $2 == s { print $c; f = 1 }
		END { if (!f) print 0 }' "$H/subcommands"
}

errno_count() {
	awk -v e="$1" '$1 == "xen_version" && $2 == "other" && $3 == e { print $4; f = 1 }
		END { if (!f) print 0 }' "$H/errors"
}

P=/sys/module/pvtrace/parameters

# errno_percpu E: the same, summed over the vCPUs of errors_percpu.
errno_percpu() {
	awk -v e="$1" '$2 == "xen_version" && $3 == "other" && $4 == e { s += $5 }
		END { print s + 0 }' "$H/errors_percpu"
}

tap_plan 8
before=$(sub 4 pagesize)
out=$("$CALL" $N $XEN_VERSION $XENVER_PAGESIZE 0)
after=$(sub 4 pagesize)
tap_diag "privcmd-hcall: $out; xen_version/pagesize $before -> $after"
[ "$out" = "ok $N err 0 errno 0" ] && [ $((after - before)) -eq $N ]
tap_ok $? "$N hypercalls through privcmd: exactly $N more xen_version/pagesize"

grep -q '^xen_version [^ ]* xen_privcmd [0-9]*$' "$H/callers"
tap_ok $? "their call site is in the xen_privcmd module"
grep ' xen_privcmd ' "$H/callers" | sed 's/^/# /'

calls0=$(sub 4 other)
err0=$(sub 5 other)
enosys0=$(errno_count 38)
out=$("$CALL" $N $XEN_VERSION $XENVER_BOGUS 0)
tap_diag "privcmd-hcall bogus: $out"
[ "$out" = "ok 0 err $N errno 38" ] &&
	[ $(($(sub 4 other) - calls0)) -eq $N ] &&
	[ $(($(sub 5 other) - err0)) -eq $N ]
tap_ok $? "$N failing calls: counted under xen_version/other as $N errors"
[ $(($(errno_count 38) - enosys0)) -eq $N ]
tap_ok $? "and as $N ENOSYS (38) in the errors file"
tap_diag "errors_percpu: $(awk '$2 == "xen_version" && $3 == "other"' "$H/errors_percpu" | tr '\n' ';')"
[ "$(errno_percpu 38)" = "$(errno_count 38)" ]
tap_ok $? "errors_percpu splits them by vCPU: the same total ($(errno_percpu 38))"

# The same failing calls with the stub counting alone (count only, no
# extras): errors leave the assembly path for C and are counted all the same.
echo 0 >$P/hcall_timing
echo none >$P/hcall_extras
calls0=$(sub 4 other)
err0=$(sub 5 other)
out=$("$CALL" $N $XEN_VERSION $XENVER_BOGUS 0)
echo callers >$P/hcall_extras
echo auto >$P/hcall_timing
tap_diag "privcmd-hcall bogus, count only: $out"
[ "$out" = "ok 0 err $N errno 38" ] &&
	[ $(($(sub 4 other) - calls0)) -eq $N ] &&
	[ $(($(sub 5 other) - err0)) -eq $N ]
tap_ok $? "count only, no extras: $N failing calls, $N errors"

# Back-to-back identical calls (value arguments only) count as redundant.
# Interrupts on the same vCPU make calls in between, and the process may
# move, so at least half, at most all, of them.
echo 1 >$P/hcall_timing
echo all >$P/hcall_extras
echo 1000000000 >$P/hcall_window_ns
r0=$(sub 6 pagesize)
"$CALL" $N $XEN_VERSION $XENVER_PAGESIZE 0 >/dev/null
r1=$(sub 6 pagesize)
echo 50000 >$P/hcall_window_ns
echo callers >$P/hcall_extras
echo auto >$P/hcall_timing
tap_diag "redundant xen_version/pagesize: +$((r1 - r0)) of $N"
[ $((r1 - r0)) -ge $((N / 2)) ] && [ $((r1 - r0)) -le $N ]
tap_ok $? "identical back-to-back calls count as redundant (+$((r1 - r0)) of $N)"

# A sub-command that Xen 4.20 added and the kernel's headers do not name
# (scripts/xen-public-names): counted under its name. With a NULL buffer
# Xen 4.20 answers the string's length; an older Xen, -ENOSYS.
xv=$(awk '$1 == "xen_version" { print $2 }' "$PVT_DIR/summary")
c0=$(sub 4 extraversion2)
e0=$(sub 5 extraversion2)
out=$("$CALL" $N $XEN_VERSION $XENVER_EXTRAVERSION2 0)
c1=$(sub 4 extraversion2)
e1=$(sub 5 extraversion2)
tap_diag "Xen $xv, privcmd-hcall extraversion2: $out; calls +$((c1 - c0)), errors +$((e1 - e0))"
case $xv in
4.1[0-9]) want="ok 0 err $N errno 38" werr=$N ;;
*) want="ok $N err 0 errno 0" werr=0 ;;
esac
[ "$out" = "$want" ] && [ $((c1 - c0)) -eq $N ] && [ $((e1 - e0)) -eq $werr ]
tap_ok $? "xen_version/extraversion2 (Xen 4.20's) counted by name: +$((c1 - c0)) calls, +$((e1 - e0)) errors on Xen $xv"
tap_done
