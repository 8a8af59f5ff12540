#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The lab's classifiers of a failed boot (scripts/lab/faults.sh), in TAP: each
# recognises the emulated machine's fault it names in a real console log
# (fixtures/, cut from boots of the kernel-only reproducer and of the matrix), and
# refuses the same log when any condition it rests on is not met, so that a
# pvtrace failure is never run again as the emulator's.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
fx=$here/fixtures

# shellcheck source-path=SCRIPTDIR source=../guest/tap.sh
. "$top/selftests/guest/tap.sh"
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab/faults.sh
. "$top/scripts/lab/faults.sh"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
tap_plan 37

# lab_freeze_says LAST LOG: lab_freeze on a PVH, emulated-TSC, 2-vCPU LOG names LAST.
# shellcheck disable=SC2317 # called through yes()
lab_freeze_says() {
	local out
	out=$(lab_freeze pvh plain 2 "$2") || return 1
	echo "$out"
	[[ $out == *": $1" ]]
}

# yes DESC CMD...: CMD recognises the fault (status 0 and a description).
yes() {
	local desc=$1 out
	shift
	out=$("$@")
	tap_ok $? "$desc${out:+: $out}"
}
# no DESC CMD...: CMD refuses.
no() {
	local desc=$1
	shift
	! "$@" >/dev/null
	tap_ok $? "$desc"
}
# variant NAME SED-SCRIPT FIXTURE: a copy of FIXTURE changed by SED-SCRIPT.
variant() {
	sed "$2" "$fx/$3" >"$t/$1"
	cmp -s "$fx/$3" "$t/$1" && echo "variant $1 changed nothing" >&2
	echo "$t/$1"
}

int3=$fx/pv-stale-int3.log
yes "stale int3 recognised (7.2 PV dom0, 3 vCPUs on 2 CPUs, no pvtrace)" lab_stale_int3 2 "$int3"
no "stale int3: not with one emulated CPU" lab_stale_int3 1 "$int3"
no "stale int3: not with interrupts on (IF set)" \
	lab_stale_int3 2 "$(variant if 's/EFLAGS: 00000082/EFLAGS: 00000282/' pv-stale-int3.log)"
no "stale int3: not while memory still holds the int3 (cc before RIP)" \
	lab_stale_int3 2 "$(variant cc 's/ e9 <0f> / cc <0f> /' pv-stale-int3.log)"
no "stale int3: not at a pvtrace RIP" \
	lab_stale_int3 2 "$(variant mod 's|RIP: e030:__schedule+0x2a7/0x1070|RIP: e030:pvtrace_hcall_exit+0x1/0x90 [pvtrace]|' pv-stale-int3.log)"
no "stale int3: not when another oops came first" \
	lab_stale_int3 2 "$(variant bug '/Oops: int3/i [   10.700000] BUG: kernel NULL pointer dereference, address: 0000000000000000' pv-stale-int3.log)"
no "stale int3: not after ##PVTRACE-DONE" \
	lab_stale_int3 2 "$(variant finished "\$a ##PVTRACE-DONE" pv-stale-int3.log)"
no "stale int3: not a triple fault" lab_stale_int3 2 "$fx/pvh-triple-xen.log"

yes "triple fault in Xen's SVM world switch recognised (6.12 PVH, 2 on 2)" lab_fault pvh 2 "$fx/pvh-triple-xen.log"
no "triple fault: not on one emulated CPU" lab_fault pvh 1 "$fx/pvh-triple-xen.log"
no "triple fault: not in a PV dom0" lab_fault pv 2 "$fx/pvh-triple-xen.log"
no "triple fault: not with the guest's own state in the dump (user RIP)" lab_fault pvh 2 "$fx/pvh-triple-user.log"

yes "silent freeze recognised (PVH, emulated TSC, 2 vCPUs)" lab_freeze pvh plain 2 "$fx/pvh-silent.log"
yes "silent freeze: the last line is the guest's, not the Xen dump typed after it" \
	lab_freeze_says "sh: write error: Device or resource busy" \
	"$(variant dump '/^qemu-system/i ##PVTRACE-HOST console silent for 120s: Xen debug keys 0 q r d\n(XEN) *** Serial input to Xen (type '"'CTRL-a'"' three times to switch input)\n(XEN) '"'d'"' pressed -> dumping registers' pvh-silent.log)"
no "silent freeze: not with an invariant TSC" lab_freeze pvh invariant 2 "$fx/pvh-silent.log"
no "silent freeze: not with one vCPU" lab_freeze pvh plain 1 "$fx/pvh-silent.log"
no "silent freeze: not when the kernel reported trouble" \
	lab_freeze pvh plain 2 "$(variant oops "\$i [   60.000000] Oops: general protection fault" pvh-silent.log)"
lost=$fx/pvh-lost-timer.log
yes "lost interrupt recognised (6.12 PVH, 2 vCPUs on 1 CPU, Xen's timer pending)" lab_lost_interrupt "$lost"
yes "lost interrupt recognised with dom0 running on (the same row, 59-recorder-hotplug)" \
	lab_lost_interrupt "$fx/pvh-lost-timer-running.log"
no "lost interrupt: not when nothing is pending in the local APIC" \
	lab_lost_interrupt "$(variant noirr 's/^IRR\t 250/IRR\t (none)/' pvh-lost-timer.log)"
no "lost interrupt: not when another vector than the timer's is pending" \
	lab_lost_interrupt "$(variant otherirr 's/^IRR\t 250/IRR\t 251/' pvh-lost-timer.log)"
no "lost interrupt: not when the pending vector is below the processor priority" \
	lab_lost_interrupt "$(variant ppr 's/PPR 0x10/PPR 0xf0/' pvh-lost-timer.log)"
no "lost interrupt: not while an interrupt is in service" \
	lab_lost_interrupt "$(variant isr 's/^ISR\t (none)/ISR\t 250/' pvh-lost-timer.log)"
no "lost interrupt: not while the timer still counts down" \
	lab_lost_interrupt "$(variant counting 's/current_count = 0/current_count = 1234/' pvh-lost-timer.log)"
no "lost interrupt: not when the kernel reported trouble" \
	lab_lost_interrupt "$(variant loops '/console silent/i [  300.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!' pvh-lost-timer.log)"
no "lost interrupt: not without the monitor's dump" lab_lost_interrupt "$fx/pvh-silent.log"
no "lost interrupt: not after ##PVTRACE-DONE" \
	lab_lost_interrupt "$(variant done2 '/console silent/i ##PVTRACE-DONE' pvh-lost-timer.log)"

dbl=$fx/pvh-double-fault.log
yes "double fault recognised (5.10 PVH, 2 vCPUs on 1 CPU, pvtrace loaded)" lab_double_fault pvh 2 "$dbl"
yes "double fault recognised without pvtrace (the kernel-only reproducer)" \
	lab_double_fault pvh 2 "$fx/pvh-double-fault-nopvt.log"
no "double fault: not in a PV dom0" lab_double_fault pv 2 "$dbl"
no "double fault: not with one vCPU" lab_double_fault pvh 1 "$dbl"
no "double fault: not after ##PVTRACE-DONE" \
	lab_double_fault pvh 2 "$(variant dbldone "\$a ##PVTRACE-DONE" pvh-double-fault.log)"
no "double fault: not when another oops came first" \
	lab_double_fault pvh 2 "$(variant dblbug '1i [   39.000000] BUG: unable to handle page fault for address: ffffc90000123000' pvh-double-fault.log)"
no "double fault: not with a pvtrace frame in the oops" \
	lab_double_fault pvh 2 "$(variant dblmod '0,/asm_exc_page_fault+0x1e/s//pvtrace_upcall_entry+0x1e\/0x40 [pvtrace]/' pvh-double-fault.log)"
no "double fault: not with its RIP outside error_entry" \
	lab_double_fault pvh 2 "$(variant dblrip 's/RIP: 0010:error_entry+0x11/RIP: 0010:xen_hypercall_sched_op+0x11/' pvh-double-fault.log)"
no "double fault: not with the kernel's GS base in place (knlGS not 0)" \
	lab_double_fault pvh 2 "$(variant dblgs 's/knlGS:0000000000000000/knlGS:00007f0000001000/' pvh-double-fault.log)"
no "double fault: not when the page faults are not at a %gs read" \
	lab_double_fault pvh 2 "$(variant dblcode 's/<65> 48 8b/<48> 8b 04/' pvh-double-fault.log)"
tap_done
