# shellcheck shell=bash
# What a lab boot's console says went wrong: sourced by matrix.sh, and by
# selftests/lab/faults.sh, which runs each classifier on the console logs in
# selftests/lab/fixtures/.
# Kernel messages that fail a configuration even when every test passed.
KERNEL_BAD_RE='Oops: |BUG: |WARNING: CPU: |WARNING: at |Kernel panic|general protection fault|INFO: task .* blocked for|rcu: INFO: |\(XEN\) .*crashed|\(XEN\) Panic'

# The emulated SVM's fault: a PVH dom0 vCPU's triple fault whose dumped state is Xen's
# own (code segment e008, Xen's text), on a machine with several emulated CPUs.
LAB_FAULT_RE='\(XEN\) d0v[0-9]+ Triple fault'
# lab_fault MODE CPUS LOG: the fault's console line, if the boot ended in it.
lab_fault() {
	local mode=$1 cpus=$2 logf=$3 line
	[ "$mode" = pvh ] && [ "$cpus" -gt 1 ] || return 1
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	line=$(grep -a -m1 -E "$LAB_FAULT_RE" "$logf" | tr -d '\r') || return 1
	grep -a -A6 -E "$LAB_FAULT_RE" "$logf" | grep -aq 'RIP: *e008:\[<ffff82d0' || return 1
	echo "${line#"(XEN) "} in Xen's SVM world switch"
}
# The emulator's stale int3: a CPU executes an int3 that the kernel's text patching
# (text_poke_bp: static keys, static calls) had already replaced, from a stale
# translation, and the kernel dies with "Oops: int3". Seen without pvtrace on QEMU 10
# (7.2 PV dom0, 3 vCPUs on 2 CPUs, Xen 4.20: 1 boot in 10 at the first tracefs enable;
# Documentation/lab-textpoke.rst). Recognised only in the shape the kernel's protocol
# cannot produce: several emulated CPUs, the first kernel trouble an int3 oops with
# interrupts off (IF clear in the saved EFLAGS: the final sync IPI cannot have run),
# the byte before the oops' RIP no longer an int3 (0xcc) in its Code: dump, and the RIP
# not in pvtrace.
# lab_stale_int3 CPUS LOG: a description of the oops, if the boot ended so.
lab_stale_int3() {
	local cpus=$1 logf=$2 first rip code flags
	[ "$cpus" -gt 1 ] || return 1
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	first=$(grep -a -m1 -E "$KERNEL_BAD_RE" "$logf" | tr -d '\r') || return 1
	[[ $first == *"Oops: int3: "* ]] || return 1
	rip=$(sed -n '/Oops: int3: /,${/RIP: [0-9a-f]*:/{s/.*RIP: [0-9a-f]*://p;q}}' "$logf" | tr -d '\r')
	code=$(sed -n '/Oops: int3: /,${/ Code: /{s/.* Code: //p;q}}' "$logf" | tr -d '\r')
	flags=$(sed -n '/Oops: int3: /,${/ EFLAGS: /{s/.* EFLAGS: \([0-9a-f]*\).*/\1/p;q}}' "$logf" | tr -d '\r')
	[ -n "$rip" ] && [ -n "$code" ] && [[ $flags =~ ^[0-9a-f]+$ ]] || return 1
	[[ $rip == *pvtrace* ]] && return 1
	(((16#$flags & 0x200) == 0)) || return 1
	[[ $code =~ ([0-9a-f]{2})\ \< ]] || return 1
	[ "${BASH_REMATCH[1]}" != cc ] || return 1
	echo "a stale int3 at ${rip%% *} (interrupts off, Code: ${BASH_REMATCH[1]} at the site, no int3 in memory)"
}

# The emulated machine's freeze: a PVH dom0 whose TSC Xen emulates (tsc plain), with
# several vCPUs, whose console goes silent until the timeout with no message of trouble
# (no oops, stall or lockup report). Seen without pvtrace, during the kernel's own
# bring-up of its second vCPU (Documentation/lab-textpoke.rst). Whether the machine stops
# or only its console dies is not told apart here: in CI run F a PVH dom0's console died
# while the kernel ran on (COM1's interrupt lost behind the emulated IOMMU; boot.sh now
# has Xen poll COM1 on PVH boots, "The silent console" in that document).
# lab_freeze MODE TSC VCPUS LOG: what the console said last, if the boot ended so.
lab_freeze() {
	local mode=$1 tsc=$2 vcpus=$3 logf=$4 last
	[ "$mode" = pvh ] && [ "$tsc" = plain ] && [ "$vcpus" -gt 1 ] || return 1
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	grep -aq '^##PVTRACE-HOST boot-end status="timeout' "$logf" || return 1
	grep -aqE "$KERNEL_BAD_RE" "$logf" && return 1
	# The last line before the host typed Xen's debug keys (boot.sh, SILENT_DUMP).
	last=$(tr -d '\r' <"$logf" | sed '/^##PVTRACE-HOST console silent/,$d' |
		grep -av -e '^##PVTRACE-HOST' -e '^qemu-system' | grep -a . | tail -n 1)
	echo "a silent freeze with an emulated TSC, the console's last line: ${last:0:100}"
}

# The emulator's lost interrupt: a boot silent until its timeout, whose QEMU monitor dump
# (boot.sh, after the silence) shows emulated CPU 0 at the same RIP with the same
# registers in both samples taken seconds apart, not halted, while its local APIC holds
# a vector pending (IRR) that nothing in service blocks and that outranks the processor
# priority (PPR): the emulated CPU does not take an interrupt it should. Seen on QEMU 10
# in 6.12 PVH dom0s, 2 vCPUs on 1 CPU, Xen 4.20: CPU 0 ran dom0's read_lock spin (a
# writer held the lock on the other vCPU) while Xen's timer (vector 0xfa) stayed pending,
# so Xen never ran again to switch vCPUs, answer its debug keys or poll its console
# (Documentation/lab-textpoke.rst, "The lost timer interrupt").
# lab_lost_interrupt LOG: a description of it, if the boot ended so.
lab_lost_interrupt() {
	local logf=$1 mon rips regs irr ppr v
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	grep -aq '^##PVTRACE-HOST boot-end status="timeout' "$logf" || return 1
	grep -aqE "$KERNEL_BAD_RE" "$logf" && return 1
	# The monitor's part of the log, without carriage returns and terminal escapes.
	mon=$(sed -n '/^##PVTRACE-HOST QEMU monitor:/,/^##PVTRACE-HOST QEMU monitor end/p' "$logf" |
		tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')
	[ -n "$mon" ] || return 1
	# CPU 0's register lines (RAX to RIP) in each `info registers -a` sample.
	regs=$(awk '/^CPU#0$/ { s++; c = 1; next } /^CPU#/ { c = 0 }
		c && /^(RAX|RSI|R8 |R12|RIP)=/ { print s ": " $0 }' <<<"$mon")
	[ "$(grep -c '^1: ' <<<"$regs")" = 5 ] && [ "$(grep -c '^2: ' <<<"$regs")" = 5 ] || return 1
	[ "$(sed -n 's/^1: //p' <<<"$regs")" = "$(sed -n 's/^2: //p' <<<"$regs")" ] || return 1
	rips=$(sed -n 's/^1: RIP=\([0-9a-f]*\) .*/\1/p' <<<"$regs")
	grep -q '^1: RIP=.* HLT=0' <<<"$regs" || return 1
	# The local APIC: a pending vector, none in service, above the PPR's class.
	grep -qP '^ISR\t \(none\)$' <<<"$mon" || return 1
	irr=$(sed -n 's/^IRR\t \([0-9 ]*[0-9]\) *$/\1/p' <<<"$mon")
	ppr=$(sed -n 's/.* PPR 0x\([0-9a-f]*\).*/\1/p' <<<"$mon")
	[ -n "$irr" ] && [ -n "$ppr" ] || return 1
	for v in $irr; do
		if ((v >> 4 > 16#$ppr >> 4)); then
			printf 'CPU 0 ran on at RIP %s (registers unchanged between two samples) while its local APIC held vector 0x%x pending above PPR 0x%s, not taken\n' \
				"$rips" "$v" "$ppr"
			return 0
		fi
	done
	return 1
}
