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
# while the kernel ran on, most likely Xen's lost timer interrupt (lab_lost_interrupt
# below, which recognises it when boot.sh's QEMU monitor dump shows it).
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
# (boot.sh, after the silence) shows, in every `info lapic` of emulated CPU 0, Xen's
# one-shot local APIC timer expired (current count 0) and its vector still pending in
# IRR, nothing in service, above the processor priority (PPR): the emulated CPU does not
# take an interrupt it should, and Xen, whose timer it is, never runs its timers again
# (no console polling, no debug keys, no vCPU switch when a vCPU does not block). Seen on
# QEMU 10 in 6.12 PVH dom0s, 2 vCPUs on 1 CPU, Xen 4.20: once with CPU 0 stuck in dom0's
# read_lock spin (the writer was the other vCPU, never run again), once with dom0 running
# on (Documentation/lab-textpoke.rst, "The lost timer interrupt").
# lab_lost_interrupt LOG: a description of it, if the boot ended so.
lab_lost_interrupt() {
	local logf=$1 mon regs snaps moved vec ppr
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	grep -aq '^##PVTRACE-HOST boot-end status="timeout' "$logf" || return 1
	grep -aqE "$KERNEL_BAD_RE" "$logf" && return 1
	# The monitor's part of the log, without carriage returns and terminal escapes.
	mon=$(sed -n '/^##PVTRACE-HOST QEMU monitor:/,/^##PVTRACE-HOST QEMU monitor end/p' "$logf" |
		tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')
	[ -n "$mon" ] || return 1
	# Per `info lapic`: "ok VECTOR PPR" if the timer's vector is pending as described.
	snaps=$(awk 'function hex(x,  i, r) {
			x = tolower(x); sub(/^0x/, "", x); r = 0
			for (i = 1; i <= length(x); i++) r = r * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
			return r
		}
		/^dumping local APIC state/ { n++ }
		n && /^LVTT\t/ { vec[n] = $2 }
		n && /^Timer\t/ { for (i = 1; i <= NF; i++) if ($i == "current_count") cur[n] = $(i + 2) }
		n && /^ISR\t/ { isr[n] = ($2 == "(none)") }
		n && /^IRR\t/ { irr[n] = " " substr($0, 5) " " }
		n && / PPR 0x/ { for (i = 1; i < NF; i++) if ($i == "PPR") ppr[n] = $(i + 1) }
		END {
			for (k = 1; k <= n; k++) {
				v = hex(vec[k]) % 256; p = hex(ppr[k])
				ok = cur[k] == "0" && isr[k] && index(irr[k], " " v " ") && int(v / 16) > int(p / 16)
				print (ok ? "ok " : "no ") v " " ppr[k]
			}
		}' <<<"$mon")
	[ -n "$snaps" ] && ! grep -q '^no ' <<<"$snaps" || return 1
	# CPU 0's RIP in each `info registers -a` sample: stuck or running on.
	regs=$(awk '/^CPU#0$/ { c = 1; next } /^CPU#/ { c = 0 } c && /^RIP=/ { print $1 }' <<<"$mon" | sort -u)
	regs=${regs//RIP=/}
	moved="ran on (RIP ${regs//$'\n'/ })"
	[ "$(wc -l <<<"$regs")" = 1 ] && moved="stayed at $regs"
	read -r _ vec ppr <<<"$snaps"
	printf "CPU 0 %s while its local APIC held Xen's expired timer, vector 0x%x, pending above PPR %s in %d snapshots, never taken\n" \
		"$moved" "$vec" "$ppr" "$(wc -l <<<"$snaps")"
}

# The emulated machine's double fault on return to user: a PVH dom0 with several vCPUs
# (seen with 2 vCPUs on 1 emulated CPU, 5.10 and 6.12, Xen 4.20, on a loaded host) dies
# in "traps: PANIC: double fault" with its RIP in error_entry: exc_page_fault faulted on
# its own first %gs read (the <65> prefix at the RIP of each frame) again and again until
# the exception stack ran out, with the kernel running on the user's GS base (knlGS 0, the
# value the double fault handler swapped out): the kernel's GS base was lost on the way
# to or back from user mode. Seen without pvtrace, in the kernel-only reproducer, in 3 of
# 3 boots (Documentation/lab-textpoke.rst, "The double fault on return to user").
# Recognised only in that shape: the first kernel trouble the double fault, its RIP in
# error_entry, every dumped exc_page_fault frame at a %gs read, knlGS 0, no pvtrace
# frame in the oops.
# lab_double_fault MODE VCPUS LOG: a description of it, if the boot ended so.
lab_double_fault() {
	local mode=$1 vcpus=$2 logf=$3 oops first rip frames comm n gs
	[ "$mode" = pvh ] && [ "$vcpus" -gt 1 ] || return 1
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	first=$(grep -a -m1 -E "$KERNEL_BAD_RE|traps: PANIC: double fault" "$logf" | tr -d '\r') ||
		return 1
	[[ $first == *"traps: PANIC: double fault"* ]] || return 1
	oops=$(tr -d '\r' <"$logf" | sed -n '/traps: PANIC: double fault/,/Kernel panic/p')
	grep -qE '\[pvtrace\]|[ :]pvtrace_[a-z0-9_]*\+0x' <<<"$oops" && return 1
	rip=$(grep -m1 -o 'RIP: [0-9a-f]*:[^ ]*' <<<"$oops")
	[[ $rip == "RIP: 0010:error_entry+"* ]] || return 1
	grep -qE 'FS: .* knlGS:0+$' <<<"$oops" || return 1
	# Each dumped exc_page_fault frame: its Code line faults at a %gs-prefixed byte.
	frames=$(awk '/RIP: 0010:exc_page_fault\+/ { n++; want = 1; next }
		want && / Code: / { if ($0 ~ /<65> /) gs++; want = 0 }
		END { print n + 0, gs + 0 }' <<<"$oops")
	read -r n gs <<<"$frames"
	[ "$n" -ge 3 ] && [ "$gs" -ge $((n - 1)) ] || return 1
	comm=$(grep -m1 -o 'CPU: [0-9]* PID: [0-9]* Comm: [^ ]*' <<<"$oops")
	echo "a double fault in error_entry, exc_page_fault faulting on its own %gs read with the user's GS base (knlGS 0) in $n frames; ${comm:-no CPU line}"
}
