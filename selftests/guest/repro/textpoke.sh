#!/bin/busybox sh
# Kernel-only reproducer for the lab's text-patching fault (Documentation/lab-textpoke.rst):
# enables and disables tracepoints through tracefs for N rounds while a little load runs on
# every vCPU. Each enable/disable makes the kernel patch its own text (static keys, static
# calls: text_poke_bp_batch), so a fault here is the kernel's or the lab's, never pvtrace's.
# pvtrace.ko is not loaded.
#
# Kernel command line (read by this script):
#   pvtrace.rounds=N       enable+disable rounds (default 300)
#   pvtrace.events=a/b,c/d tracefs event paths under events/ (default irq/irq_handler_entry,sched/sched_switch);
#                          "none": a control run, same rounds and load but no text patching
#   pvtrace.load=N         background load loops (default: one per vCPU)
#   pvtrace.hotplug=1      each round also takes cpu1 offline and online again (0.5 s
#                          each), and the load loops also read /sys/hypervisor/version/extra
#                          (a hypercall each): 59-recorder-hotplug's cycle, without pvtrace
# Prints one result line the host parses (scripts/lab/repro-textpoke.sh):
#   ##PVTRACE-REPRO result=nofault|fault|error rounds=<done>/<asked> ...

rounds=300
hotplug=0
events="irq/irq_handler_entry,sched/sched_switch"
load=$(grep -c ^processor /proc/cpuinfo)
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	pvtrace.rounds=*) rounds=${arg#*=} ;;
	pvtrace.events=*) events=${arg#*=} ;;
	pvtrace.load=*) load=${arg#*=} ;;
	pvtrace.hotplug=*) hotplug=${arg#*=} ;;
	esac
done

T=/sys/kernel/tracing
if [ ! -d "$T/events" ]; then
	echo "##PVTRACE-REPRO result=error rounds=0/$rounds reason=no-tracefs"
	exit 1
fi
paths=
[ "$events" = none ] && events=
for e in $(echo "$events" | tr , ' '); do
	if [ ! -w "$T/events/$e/enable" ]; then
		echo "##PVTRACE-REPRO result=error rounds=0/$rounds reason=no-event:$e"
		exit 1
	fi
	paths="$paths $T/events/$e/enable"
done

# An oops is the verdict: look for it in the kernel log, not in exit codes (the oops may
# kill a load loop, the idle task or nobody we know of).
faulted() { dmesg | grep -qE 'Oops: |BUG: |general protection fault|Kernel panic'; }

# The load: short-lived processes (fork/exec/exit, scheduling, interrupts, syscalls) so
# every vCPU keeps running through patched sites while the patching CPU works.
pids=
i=0
while [ "$i" -lt "$load" ]; do
	extra=
	[ "$hotplug" = 1 ] && [ -r /sys/hypervisor/version/extra ] && extra=/sys/hypervisor/version/extra
	# shellcheck disable=SC2086 # $extra: no file or one
	(while :; do cat /proc/interrupts /proc/stat $extra >/dev/null; done) </dev/null &
	pids="$pids $!"
	i=$((i + 1))
done

echo "textpoke: rounds=$rounds events=${events:-none} hotplug=$hotplug load=$load cpus=$(grep -c ^processor /proc/cpuinfo) kernel=$(uname -r)"
result=nofault
n=0
while [ "$n" -lt "$rounds" ]; do
	# Each write in a subshell: an oops in the writing task kills only that subshell.
	for p in $paths; do (echo 1 >"$p"); done
	for p in $paths; do (echo 0 >"$p"); done
	# Control run: as many short-lived subshells as a patching round, and some time.
	[ -z "$paths" ] && (true) && (true) && (true) && (true) && sleep 1
	if [ "$hotplug" = 1 ]; then
		echo 0 >/sys/devices/system/cpu/cpu1/online || echo "textpoke: cpu1 offline failed"
		usleep 500000
		echo 1 >/sys/devices/system/cpu/cpu1/online || echo "textpoke: cpu1 online failed"
		usleep 500000
	fi
	n=$((n + 1))
	if faulted; then
		result=fault
		break
	fi
	# Progress on the console: when an oops panics the kernel (it does on 6.12: the
	# int3 handler runs in NMI context), the last line tells how far it got.
	[ $((n % 10)) -eq 0 ] && echo "textpoke: $n rounds"
done

for p in $pids; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
faulted && result=fault
rip=
if [ "$result" = fault ]; then
	# "RIP: 0010:sym+0x../0x.." of the first oops, if it reached the log.
	rip=$(dmesg | grep -m1 -E 'RIP: [0-9a-f]+:' | sed 's/.*RIP: [0-9a-f]*://; s/ .*//')
	dmesg | grep -m1 -E 'Oops: |BUG: |general protection fault' | sed 's/^/textpoke: first: /'
fi
echo "##PVTRACE-REPRO result=$result rounds=$n/$rounds rip=${rip:-none}"
[ "$result" = nofault ]
