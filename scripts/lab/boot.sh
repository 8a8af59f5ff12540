#!/usr/bin/env bash
# Boot one lab configuration under QEMU (TCG) and write its whole serial console to a log.
# Usage: boot.sh --kernel KVER --mode pv|pvh|native|domu-pv|domu-pvhvm --initrd FILE --log FILE
#                [--vcpus N] [--cpus N] [--mem MiB] [--timeout SECONDS]
#                [--append-extra "guest kernel args"] [--xen-extra "Xen args"]
#                [--accel tcg|tcg,thread=single] [--xen 4.17|4.20] [--tsc invariant|plain]
#                [--icount] [--dom0-kernel KVER]
#   pv/pvh: Xen with the kernel as PV or PVH dom0 (dom0 gets half of --mem);
#   native: the kernel alone on plain QEMU.
#   --xen: the hypervisor; default 4.20 for pvh (4.17's PVH dom0 halts at once under
#   QEMU >= 8) and domu-pvhvm (with 4.17's toolstack an HVM domU dies in its firmware
#   under QEMU >= 8), 4.17 otherwise (a domU mode needs the matching dom0 image:
#   dom0fs.sh).
#   --tsc: invariant (default) tells Xen the TSC is invariant, as on any server of the
#   last decade, so that Xen runs every guest on the native TSC; plain leaves QEMU's
#   CPUID alone, and Xen then emulates the TSC for PVH, HVM and PV domU guests
#   (Documentation/lab-domu.rst, "The TSC").
#   --dom0-kernel: for the domU modes, dom0's kernel when it is not the domU's (a
#   cloud flavour cannot be dom0: no CONFIG_XEN_DOM0); default --kernel.
#   --icount: QEMU's instruction-count clock (-icount shift=0,sleep=off): guest time
#   advances one ns per instruction, for repeatable benchmarks; one TCG thread.
#   domu-pv/domu-pvhvm: a PV dom0 (Debian root image of dom0fs.sh, 1 vCPU) running the
#   kernel and --initrd again as an unprivileged PV (or HVM with PV drivers) domU with a
#   vif and a vbd (Documentation/lab-domu.rst); --vcpus, --append-extra and the
#   pvtrace.* args are the domU's; --cpus defaults to 2 there.
#   --vcpus: the guest's vCPUs (Xen's dom0_max_vcpus); --cpus: the emulated machine's
#   CPUs (QEMU -smp), default --vcpus. More vCPUs than CPUs makes steal time real.
# pvtrace.expect=xen-pv|xen-pvh|none and pvtrace.initial=1|0 (every Xen boot here is
# dom0) are derived from --mode; --append-extra comes later, so it can override them.
# Exit: 0 the guest printed ##PVTRACE-DONE; 2 timeout; 3 crash; 1 QEMU ended otherwise.
# A last line "##PVTRACE-HOST boot-end ..." is appended to the log.
# Env: PVTRACE_SILENT_DUMP=S: after S seconds of console silence under Xen, type Xen's
# debug keys (default 240; 0 never), marked "##PVTRACE-HOST console silent ...".
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Console lines after which the machine will not finish on its own (Xen `noreboot`
# halts instead of rebooting, so QEMU's -no-reboot alone would not end the run).
CRASH_RE='Kernel panic - not syncing|\(XEN\) Hardware Dom0 crashed|\(XEN\) Domain 0 crashed|\(XEN\) Panic on CPU|Manual reset required'
# After an oops the guest may still finish (the oops killed only a test process), so it
# only ends the run once the console has been silent this long.
OOPS_RE='Oops: |BUG: unable to handle|general protection fault'
OOPS_QUIET=30
CRASH_GRACE=3  # seconds to let a panic/crash dump finish printing
# Under Xen, a console silent this long (and no oops, crash or end yet) makes the host
# type Xen's debug keys on the serial line (CTRL-a three times, then XEN_KEYS: dom0's
# vCPU registers and stacks, the domains' vCPU and event state, the run queues, each
# CPU's registers), then QEMU's monitor commands QEMU_INFO (the emulated CPUs' registers
# and interrupt state), so that a freeze's log says where every vCPU was. The run still
# ends at its timeout. 0: never; never on native or --icount (benchmark) boots. Long,
# because the dump stops the machine for seconds: a healthy test that happened to be
# quiet that long would be disturbed (with 8 s, 59-recorder-hotplug's watcher saw a read
# take 2.3 s, over its 2 s bound); make test's longest test runs about 200 s.
SILENT_DUMP=${PVTRACE_SILENT_DUMP:-240}
XEN_KEYS='0 q r d'
# Then, through QEMU's monitor: each "info" command, "_" for a space.
QEMU_INFO='registers_-a lapic pic irq registers_-a lapic'
DONE_GRACE=30  # seconds for poweroff after ##PVTRACE-DONE

usage() { sed -n '2,/^# shellcheck/{/^# shellcheck/d;p}' "$0" >&2; exit 2; }

kernel='' mode='' initrd='' logf='' vcpus=2 cpus='' mem=2048 tmo=180 extra='' xen_extra=''
accel=tcg xen='' tsc=invariant icount=0 dom0_kernel=''
# domu-* modes: the dom0 root image (dom0fs.sh), dom0's and the domU's memory, and the
# domU network (dom0's xenbr0 is DOMU_PEER/24).
DOM0_IMG=$CACHE/dom0/rootfs.ext4
DOM0_MEM=768
DOMU_MEM=384
DOMU_NET=10.99.0.2/24
DOMU_PEER=10.99.0.1
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2 ;;
	--mode) mode=$2 ;;
	--initrd) initrd=$2 ;;
	--log) logf=$2 ;;
	--vcpus) vcpus=$2 ;;
	--cpus) cpus=$2 ;;
	--mem) mem=$2 ;;
	--timeout) tmo=$2 ;;
	--append-extra) extra=$2 ;;
	--xen-extra) xen_extra=$2 ;;
	--accel) accel=$2 ;;
	--xen) xen=$2 ;;
	--tsc) tsc=$2 ;;
	--dom0-kernel) dom0_kernel=$2 ;;
	--icount) icount=1 && shift && continue ;;
	-h | --help) usage ;;
	*) die "unknown argument $1" ;;
	esac
	shift 2 || usage
done
if [ -z "$kernel" ] || [ -z "$mode" ] || [ -z "$initrd" ] || [ -z "$logf" ]; then usage; fi
kver=$(resolve_kver "$kernel")
vmlinuz=$(vmlinuz_of "$kver")
[ -f "$vmlinuz" ] || die "$vmlinuz missing: run scripts/lab/setup.sh"
[ -f "$initrd" ] || die "initrd $initrd missing"
initrd=$(realpath "$initrd")

case "$mode" in
domu-*) cpus=${cpus:-2} ;;
*) cpus=${cpus:-$vcpus} ;;
esac
smp=$cpus
# A PV dom0 takes its possible CPUs from the machine's ACPI tables: list as many
# (the extra ones as hot-pluggable, absent) as it has vCPUs.
[ "$vcpus" -gt "$cpus" ] && [ "${mode#domu-}" = "$mode" ] && smp="$cpus,maxcpus=$vcpus"
case $accel in tcg | tcg,thread=single | tcg,thread=multi) ;; *) die "--accel: tcg, tcg,thread=single or tcg,thread=multi" ;; esac
qemu=(qemu-system-x86_64 -machine q35 -accel "$accel" -m "$mem" -smp "$smp"
	-nographic -no-reboot -nic none)
[ "$icount" = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ -n "$xen" ] || case $mode in pvh | domu-pvhvm) xen=4.20 ;; *) xen=4.17 ;; esac
case $xen in 4.17 | 4.20) ;; *) die "--xen: 4.17 or 4.20" ;; esac
xen_bin=$(xen_elf "$xen")
# The CPU: qemu64 (-cpu max kills a PV dom0 at its first instructions); SVM and nested
# paging where Xen runs an HVM-type guest (a PVH dom0, an HVM domU). TCG has no
# invariant TSC to offer and drops "invtsc" unless forced (x-force-features): its TSC is
# the host's, which is invariant. With it, Xen marks the TSC reliable
# (X86_FEATURE_TSC_RELIABLE) and gives guests the native TSC (tsc_set_info()).
cpu_model() { # HVM(0|1)
	local c=qemu64
	[ "$1" = 1 ] && c+=,+svm,+npt
	case $tsc in
	invariant) c+=,+invtsc,x-force-features=on ;;
	plain) ;;
	*) die "--tsc: invariant or plain" ;;
	esac
	echo "$c"
}
case "$mode" in
pv | pvh)
	[ -f "$xen_bin" ] || die "$xen_bin missing: run scripts/lab/setup.sh"
	xen_args="console=com1 com1=115200 dom0_mem=$((mem / 2))M dom0_max_vcpus=$vcpus"
	xen_args+=" loglvl=all guest_loglvl=all noreboot"
	kargs="console=hvc0 earlyprintk=xen loglevel=6 pvtrace.expect=xen-$mode pvtrace.initial=1 $extra"
	if [ "$mode" = pvh ]; then
		# PVH dom0 needs SVM+NPT and an IOMMU, or Xen panics (see shared/lab.md).
		qemu+=(-cpu "$(cpu_model 1)" -device amd-iommu)
		xen_args+=" dom0=pvh iommu=1"
		# Xen polls its serial port (IRQ 0) instead of waiting for the UART's
		# interrupt: behind the emulated IOMMU's interrupt remapping, COM1's edge
		# interrupt was seen lost for good, and Xen's console with it (its output
		# queued for a transmit interrupt that never came, its input unread), while
		# dom0 ran on (Documentation/lab-textpoke.rst, "the silent console").
		xen_args=${xen_args/com1=115200/com1=115200,8n1,0x3f8,0}
	else
		qemu+=(-cpu "$(cpu_model 0)")
	fi
	case "$vmlinuz$initrd" in *,* | *' '*) die "paths with commas or spaces cannot go into a multiboot module list" ;; esac
	# Multiboot modules: "file args,file"; a comma inside args is escaped by doubling it.
	qemu+=(-kernel "$xen_bin" -append "$xen_args $xen_extra"
		-initrd "$vmlinuz ${kargs//,/,,},$initrd")
	;;
domu-pv | domu-pvhvm)
	[ -f "$xen_bin" ] || die "$xen_bin missing: run scripts/lab/setup.sh"
	domu_type=${mode#domu-}
	# The domU's console is its PV console (hvc0) in both types: dom0/run.sh attaches
	# that one (an HVM domU's emulated serial port costs a VM exit per byte).
	case $domu_type in
	pv) expect=xen-pv dcons="console=hvc0" build="setup.sh (or dom0fs.sh)" ;;
	*)
		expect=xen-hvm dcons="console=hvc0" build="dom0fs.sh --hvm"
		DOM0_IMG=$CACHE/dom0/rootfs-hvm.ext4
		;;
	esac
	# The toolstack must match the hypervisor: Xen 4.20's comes from trixie.
	if [ "$xen" = 4.20 ]; then
		DOM0_IMG=${DOM0_IMG%.ext4}-4.20.ext4
		build="$build --xen 4.20"
	fi
	[ -s "$DOM0_IMG" ] || die "$DOM0_IMG missing: run scripts/lab/$build"
	# The domU's settings, read by dom0/run.sh; its kernel args end with --append-extra.
	d0dir=$(mktemp -d)
	trap 'rm -rf "$d0dir"' EXIT  # until QEMU runs; replaced below
	{
		printf 'DOMU_TYPE=%q\nDOMU_VCPUS=%q\nDOMU_MEM=%q\nPEER=%q\n' \
			"$domu_type" "$vcpus" "$DOMU_MEM" "$DOMU_PEER"
		printf 'DOMU_CMDLINE=%q\n' "$dcons loglevel=6 pvtrace.expect=$expect pvtrace.initial=0 pvtrace.net=$DOMU_NET pvtrace.peer=$DOMU_PEER pvtrace.vbd=xvdb $extra"
	} >"$d0dir/domu.env"
	d0kver=$(resolve_kver "${dom0_kernel:-$kver}")
	vmlinuz=$(vmlinuz_of "$d0kver")
	"$LAB_DIR/dom0/mkinitrd.sh" "$d0kver" "$initrd" "$d0dir/domu.env" "$d0dir/dom0.cpio.gz" "$kver" ||
		die "building the dom0 initramfs failed"
	dom0_initrd=$d0dir/dom0.cpio.gz
	# dom0: 1 vCPU, PV (an HVM domU needs the CPU's SVM+NPT, dom0 stays PV).
	xen_args="console=com1 com1=115200 dom0_mem=${DOM0_MEM}M,max:${DOM0_MEM}M dom0_max_vcpus=1"
	xen_args+=" loglvl=all guest_loglvl=all noreboot"
	kargs="console=hvc0 earlyprintk=xen loglevel=6"
	if [ "$domu_type" = pvhvm ]; then qemu+=(-cpu "$(cpu_model 1)"); else qemu+=(-cpu "$(cpu_model 0)"); fi
	case "$vmlinuz$dom0_initrd" in *,* | *' '*) die "paths with commas or spaces cannot go into a multiboot module list" ;; esac
	# snapshot=on: dom0's writes go to a temporary overlay, the cached image stays as is.
	qemu+=(-kernel "$xen_bin" -append "$xen_args $xen_extra"
		-initrd "$vmlinuz $kargs,$dom0_initrd"
		-drive "file=$DOM0_IMG,format=raw,if=virtio,snapshot=on")
	;;
native)
	# panic=-1: reboot at once on panic, which -no-reboot turns into QEMU exiting.
	qemu+=(-cpu "$(cpu_model 0)" -kernel "$vmlinuz" -initrd "$initrd"
		-append "console=ttyS0 loglevel=6 panic=-1 pvtrace.expect=none pvtrace.initial=0 $extra")
	;;
*) die "--mode must be pv, pvh, native, domu-pv or domu-pvhvm" ;;
esac

mkdir -p "$(dirname "$logf")"
: >"$logf"
log "boot $kver $mode xen=$xen tsc=$tsc vcpus=$vcpus cpus=$cpus mem=${mem}M timeout=${tmo}s -> $logf"
start=$SECONDS
# QEMU's stdin (its serial line, -nographic) is a FIFO held open here, so that the
# host can type Xen's debug keys into it (SILENT_DUMP); nothing else is ever written.
keys_dir=$(mktemp -d)
mkfifo "$keys_dir/in"
exec 3<>"$keys_dir/in"
# timeout(1) is the backstop: even if this script dies, QEMU dies after $tmo + 10 s.
timeout --kill-after=10 "$tmo" "${qemu[@]}" <"$keys_dir/in" >>"$logf" 2>&1 &
qpid=$!
# TERM to timeout(1) is forwarded to QEMU.
trap 'kill "$qpid" 2>/dev/null || true; rm -rf "${d0dir:-}" "$keys_dir"' EXIT

# xen_dump: Xen's state on the console. With -nographic, CTRL-a is QEMU's escape
# ("CTRL-a CTRL-a" sends one CTRL-a); three CTRL-a switch Xen's serial input to Xen.
xen_dump() {
	local k
	echo "##PVTRACE-HOST console silent for ${SILENT_DUMP}s: Xen debug keys $XEN_KEYS" >>"$logf"
	printf '\001\001\001\001\001\001' >&3
	sleep 1
	for k in $XEN_KEYS; do
		printf '%s' "$k" >&3
		sleep 3
	done
	# Then QEMU's own view, which needs neither Xen nor the guest to answer (CTRL-a c
	# switches the line to QEMU's monitor and back), 5 s per command: every emulated CPU's
	# registers and CPU 0's local APIC (the monitor's CPU) twice, 20 s apart (moving or
	# stuck, in Xen or in the guest; an interrupt taken or still pending), the PICs and
	# the count of interrupts raised per line (scripts/lab/faults.sh reads them).
	sleep 5
	echo "##PVTRACE-HOST QEMU monitor: $QEMU_INFO" >>"$logf"
	printf '\001c' >&3
	sleep 1
	for k in $QEMU_INFO; do
		printf 'info %s\n' "${k//_/ }" >&3
		sleep 5
	done
	printf '\001c' >&3
	echo "##PVTRACE-HOST QEMU monitor end" >>"$logf"
}

done_at='' crash_at='' oops_at='' last_size=0 last_change=$SECONDS reason='' dumped=''
[ "$mode" = native ] && dumped=never
[ "$SILENT_DUMP" = 0 ] && dumped=never
[ "$icount" = 1 ] && dumped=never # a benchmark: nothing may disturb it
while kill -0 "$qpid" 2>/dev/null; do
	sleep 1
	size=$(stat -c %s "$logf")
	if [ "$size" != "$last_size" ]; then last_size=$size last_change=$SECONDS; fi
	if [ -z "$dumped$done_at$crash_at$oops_at" ] && [ $((SECONDS - last_change)) -ge "$SILENT_DUMP" ]; then
		xen_dump
		dumped=yes
	fi
	if [ -z "$done_at" ] && grep -aq '##PVTRACE-DONE' "$logf"; then done_at=$SECONDS; fi
	if [ -z "$crash_at" ] && grep -aEq "$CRASH_RE" "$logf"; then crash_at=$SECONDS; fi
	if [ -z "$oops_at" ] && grep -aEq "$OOPS_RE" "$logf"; then oops_at=$SECONDS; fi
	if [ -n "$done_at" ] && [ $((SECONDS - done_at)) -ge "$DONE_GRACE" ]; then
		reason="poweroff did not end QEMU; killed"
	elif [ -n "$crash_at" ] && [ $((SECONDS - crash_at)) -ge "$CRASH_GRACE" ]; then
		reason="crash"
	elif [ -n "$oops_at" ] && [ -z "$done_at" ] && [ $((SECONDS - last_change)) -ge "$OOPS_QUIET" ]; then
		reason="crash (oops, then ${OOPS_QUIET}s of silence)"
	else
		continue
	fi
	kill "$qpid" 2>/dev/null || true
	break
done
qrc=0
wait "$qpid" || qrc=$?
trap - EXIT
exec 3>&-
rm -rf "$keys_dir"
[ -n "${d0dir:-}" ] && rm -rf "$d0dir"
elapsed=$((SECONDS - start))

if grep -aq '##PVTRACE-DONE' "$logf"; then
	status='done' rc=0
elif [ -n "$reason" ]; then
	status=$reason rc=3
elif grep -aEq "$CRASH_RE" "$logf"; then
	status="crash" rc=3
elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	status="timeout after ${tmo}s" rc=2
else
	# (Not naming the DONE marker here: this line goes into the log the host parses.)
	status="QEMU exited (rc=$qrc) before the guest finished" rc=1
fi
echo "##PVTRACE-HOST boot-end status=\"$status\" elapsed=${elapsed}s" >>"$logf"
log "boot $kver $mode: $status (${elapsed}s)"
exit "$rc"
