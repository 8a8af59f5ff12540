#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: hypercalls
# The hypercall hook: a known number of one specific hypercall is counted
# exactly, and the views (totals, sub-commands, per-CPU, latency, callers)
# agree with each other.
. "$(dirname "$0")/../lib.sh"

N=300
H=$PVT_DIR/hypercalls

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
hcall_hook_off && tap_skip_all "the hypercall hook is off (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"

# sub_calls NAME: calls of xen_version's sub-command NAME (0 if none yet).
sub_calls() {
	awk -v s="$1" '$1 == "xen_version" && $2 == s { print $4; f = 1 }
		END { if (!f) print 0 }' "$H/subcommands"
}

# col FILE KEY COLUMN: a number from a table whose first column is KEY.
col() {
	"$PVT_CHECK" get "$1" "$2" "$3" 2>/dev/null || echo 0
}

P=/sys/module/pvtrace/parameters

tap_plan 14
summary_get hooks | grep -q hypercalls
tap_ok $? "summary lists the hypercalls hook"
[ "$(col "$H/status" installed value)" = 1 ]
tap_ok $? "the hook is installed"

# hcall_timing=auto times calls unless Xen emulates the TSC (a VM exit
# per read); then time them anyway for the checks below.
emu=$(col "$H/status" tsc_emulated value)
tim=$(col "$H/status" timing value)
tap_diag "tsc_emulated $emu, timing $tim (hcall_timing=$(cat $P/hcall_timing))"
[ "$(cat $P/hcall_timing)" = auto ] && [ "$tim" = $((1 - emu)) ]
tap_ok $? "hcall_timing=auto times calls exactly when the TSC is not emulated"
echo 1 >$P/hcall_timing
# Every extra on, so that the views below all have data to agree on.
echo all >$P/hcall_extras

# /sys/hypervisor/version/extra makes exactly one XENVER_extraversion call
# per read, and nothing else in the guest makes that call.
before=$(sub_calls extraversion)
i=0
while [ $i -lt $N ]; do
	read -r _ </sys/hypervisor/version/extra
	i=$((i + 1))
done
after=$(sub_calls extraversion)
tap_diag "xen_version/extraversion: $before -> $after"
[ $((after - before)) -eq $N ]
tap_ok $? "$N reads of /sys/hypervisor/version/extra: exactly $N more xen_version/extraversion calls"

# The floor: count only, no extras. The stub counts alone, in assembly.
echo 0 >$P/hcall_timing
echo none >$P/hcall_extras
b=$(sub_calls extraversion)
i=0
while [ $i -lt $N ]; do
	read -r _ </sys/hypervisor/version/extra
	i=$((i + 1))
done
a=$(sub_calls extraversion)
tim0=$(col "$H/status" timing value)
echo 1 >$P/hcall_timing
echo all >$P/hcall_extras
after=$(sub_calls extraversion)
tap_diag "count only, no extras: xen_version/extraversion $b -> $a (timing $tim0)"
[ $((a - b)) -eq $N ] && [ "$tim0" = 0 ]
tap_ok $? "hcall_timing=0 hcall_extras=none: exactly $N more calls counted"

total=$(col "$H/totals" xen_version calls)
subsum=$(awk '$1 == "xen_version" { s += $4 } END { print s + 0 }' "$H/subcommands")
[ "$total" -ge "$after" ] && [ "$subsum" -ge "$after" ]
tap_ok $? "xen_version totals ($total) and sub-commands ($subsum) include them"

# A quiet moment: compare views read back to back; other CPUs may still
# make calls, so the later read may only be larger.
t1=$(col "$H/totals" sched_op calls)
p=$(awk '$2 == "sched_op" { s += $3 } END { print s + 0 }' "$H/percpu")
t2=$(col "$H/totals" sched_op calls)
tap_diag "sched_op: totals $t1, per-CPU sum $p, totals again $t2"
[ "$t1" -le "$p" ] && [ "$p" -le "$t2" ]
tap_ok $? "per-CPU view sums to the totals (sched_op)"

# Per vCPU and sub-command: the reads above are all in there.
pc=$(awk '$2 == "xen_version" && $3 == "extraversion" { s += $4 } END { print s + 0 }' "$H/percpu_subcommands")
tap_diag "xen_version/extraversion per vCPU, summed: $pc"
[ "$pc" -eq "$after" ]
tap_ok $? "per-vCPU sub-command view sums to the sub-command total ($pc)"

lat=$(awk '$1 == "xen_version" { s += $4 } END { print s + 0 }' "$H/latency")
[ "$lat" -ge "$((after - N))" ]
tap_ok $? "xen_version latency histogram holds the timed calls ($lat)"

grep -q '^xen_version extra_show+0x[0-9a-f]*/0x[0-9a-f]* vmlinux ' "$H/callers"
tap_ok $? "callers name the call site (extra_show in vmlinux)"
grep '^xen_version ' "$H/callers" | sed 's/^/# /'

# A call passing a kernel pointer is never judged redundant: on PV,
# mmu_update's request sits at the same stack address call after call.
if [ "$PVTRACE_EXPECT_TYPE" = xen-pv ]; then
	mu=$(col "$H/totals" mmu_update calls)
	mr=$(col "$H/totals" mmu_update redundant)
	tap_diag "mmu_update: $mu calls, $mr redundant"
	[ "$mu" -gt 0 ] && [ "$mr" = 0 ]
	tap_ok $? "pointer-argument calls are not counted as redundant (mmu_update)"
else
	tap_skip "pointer-argument calls are not counted as redundant" "mmu_update is PV-only"
fi

# The errors table agrees with the error counts.
e_tab=$(awk 'NR > 1 { s += $4 } END { print s + 0 }' "$H/errors")
e_tot=$(awk 'NR > 1 { s += $4 } END { print s + 0 }' "$H/totals")
dropped=$(col "$H/status" errors_dropped value)
tap_diag "errors: table $e_tab, totals $e_tot, dropped $dropped"
[ "$e_tab" -le "$e_tot" ] && [ $((e_tab + dropped)) -ge "$e_tot" ]
tap_ok $? "errors by errno add up to the error counts"

# hcall_extras: validated, read back in canonical form.
v1=$(echo redundant,callers >$P/hcall_extras && cat $P/hcall_extras)
v2=$(echo none >$P/hcall_extras && cat $P/hcall_extras)
! (echo callers,bogus >$P/hcall_extras) 2>/dev/null
bad=$?
v3=$(cat $P/hcall_extras)
echo callers >$P/hcall_extras
tap_diag "hcall_extras: '$v1' '$v2' after a bad value '$v3', default '$(cat $P/hcall_extras)'"
[ "$v1" = callers,redundant ] && [ "$v2" = none ] && [ $bad = 0 ] && [ "$v3" = none ]
tap_ok $? "hcall_extras takes a list, none or all; a bad value is refused"

# Runtime switch: off stops counting (and removes the hook), on resumes.
echo auto >$P/hcall_timing
echo 0 >$P/hypercalls
b=$(sub_calls extraversion)
read -r _ </sys/hypervisor/version/extra
a=$(sub_calls extraversion)
off_ok=$([ "$(col "$H/status" installed value)" = 0 ] && [ "$a" = "$b" ] && echo 0 || echo 1)
echo 1 >$P/hypercalls
read -r _ </sys/hypervisor/version/extra
c=$(sub_calls extraversion)
[ "$off_ok" = 0 ] && [ "$c" = $((a + 1)) ] &&
	! (echo maybe >$P/hypercalls) 2>/dev/null
tap_ok $? "hypercalls=0 stops counting, =1 resumes, a bad value is refused"
tap_done
