#!/bin/bash
# dom0 side of the domU lab (Documentation/lab-domu.rst): PID 1 of the Debian dom0 after
# dom0/stage1-init's switch_root. Starts the Xen daemons, the bridge xenbr0 (PEER/24),
# a 64 MiB loop-backed vbd, an HTTP server (PEER:8080/blob, 8 MiB) and a TCP sink
# (PEER:9000), then runs the domU described by /run/pvtrace/domu.env with its console
# on this one (so on the machine's serial line), and powers the machine off when the
# domU is gone. Markers: "##PVTRACE-DOM0 <what>"; "##PVTRACE-DOM0 error: ..." then
# poweroff on any failure.
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
P=/run/pvtrace
BB=$P/busybox
LOGS=/var/log/xen

say() { echo "##PVTRACE-DOM0 $*"; }
# (minbase has no poweroff: busybox's -f calls reboot(2) at once.)
bye() {
	sync
	"$BB" poweroff -f
	sleep 10
}
fail() {
	say "error: $*"
	# What the toolstack left behind, for the host's log.
	for f in "$LOGS"/*.log; do
		[ -s "$f" ] || continue
		echo "---- dom0 $f (last 150 lines) ----"
		tail -n 150 "$f"
	done
	bye
}
t0=$(date +%s)
since() { echo "$(($(date +%s) - t0))s"; }

# shellcheck source=/dev/null
. "$P/domu.env" || fail "no $P/domu.env"
: "${DOMU_TYPE:?}" "${DOMU_VCPUS:?}" "${DOMU_MEM:?}" "${DOMU_CMDLINE:?}" "${PEER:?}"

mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
# devtmpfs has no /dev/stdin & co. (udev makes them): the hotplug scripts' lock
# (locking.sh: stat /dev/stdin) spins forever without them.
ln -sfn /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do ln -sfn "/proc/self/fd/${i%%:*}" "/dev/${i#*:}"; done
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mkdir -p "$LOGS" /var/lib/xen /run/xen /run/lock
hostname pvtrace-dom0
ip link set lo up
say "root mounted, kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPU(s)"

# xenfs, xenstored (oxenstored), xenconsoled, xen-init-dom0: Debian's init script.
/etc/init.d/xen start </dev/null || fail "/etc/init.d/xen start failed"
xenstore-read -s / >/dev/null 2>&1 || fail "xenstored does not answer"
xl info >/dev/null 2>"$LOGS/xl-info.err" || fail "xl info: $(head -n 3 "$LOGS/xl-info.err")"
say "xen daemons up ($(since))"

ip link add name xenbr0 type bridge stp_state 0 forward_delay 0 || fail "cannot create xenbr0"
ip addr add "$PEER/24" dev xenbr0 || fail "cannot give xenbr0 $PEER/24"
ip link set xenbr0 up || fail "cannot bring xenbr0 up"

truncate -s 64M "$P/vbd.img" || fail "vbd backing file"
loopdev=$(losetup -f --show "$P/vbd.img") || fail "losetup of the vbd backing file"

mkdir -p "$P/www"
head -c 8388608 /dev/urandom >"$P/www/blob" || fail "cannot write the 8 MiB blob"
"$BB" httpd -p "$PEER:8080" -h "$P/www" || fail "httpd on $PEER:8080"
# The sink reads one connection at a time to its end. Its stdin is a FIFO held open
# for writing and never written: busybox nc half-closes the connection when its stdin
# ends, which would make the client stop.
mkfifo "$P/sink.in"
(
	exec 3<>"$P/sink.in"
	while :; do "$BB" nc -l -p 9000 <&3 >/dev/null 2>&1 || sleep 1; done
) &
say "bridge xenbr0 $PEER/24, vbd $loopdev (64 MiB), http://$PEER:8080/blob, sink $PEER:9000"

cfg=$P/domu.cfg
{
	echo 'name = "pvtrace-domu"'
	if [ "$DOMU_TYPE" = pvhvm ]; then
		echo 'type = "hvm"'
		echo 'device_model_version = "qemu-xen"'
		echo 'serial = "pty"'
		echo 'vga = "none"'
		echo 'vnc = 0'
	else
		echo 'type = "pv"'
	fi
	echo "kernel = \"$P/vmlinuz\""
	echo "ramdisk = \"$P/initrd.gz\""
	echo "extra = \"${DOMU_CMDLINE//\"/\\\"}\""
	echo "memory = $DOMU_MEM"
	echo "vcpus = $DOMU_VCPUS"
	# type=vif: a PV NIC only (an HVM domU would also get an emulated one, a tap
	# device of the device model); xvdb is PV-only too.
	echo "vif = [ 'bridge=xenbr0,type=vif' ]"
	echo "disk = [ 'phy:$loopdev,xvdb,w' ]"
	echo 'on_poweroff = "destroy"'
	echo 'on_reboot = "destroy"'
	echo 'on_crash = "destroy"'
} >"$cfg"
say "xl create ($DOMU_TYPE, $DOMU_VCPUS vCPU, ${DOMU_MEM} MiB): $DOMU_CMDLINE"
# An HVM domU boots slowly here (Documentation/lab-domu.rst): every 30 s, how far it
# got: its CPU time, the device model's, and its vCPU's rip/cr0 (xen-hvmctx). Into
# a log (printed when the domU is gone, or on failure): on the console the lines
# would cut through the domU's.
if [ "$DOMU_TYPE" = pvhvm ]; then
	(
		exec >"$LOGS/hvm-monitor.log" 2>&1
		while sleep 30; do
			id=$(xl domid pvtrace-domu 2>/dev/null) || continue
			dm=$(pgrep -f qemu-system-i386 | head -n 1)
			say "hvm-monitor $(since): domU cpu $(xl list pvtrace-domu 2>/dev/null | awk 'NR == 2 { print $6 }')s," \
				"device model cpu $(ps -o times= -p "${dm:-1}" | tr -d ' ')s," \
				"$(/usr/lib/xen-*/bin/xen-hvmctx "$id" 2>&1 | grep -oE '(rip|cr0|cr3) [0-9a-fx]+' | head -n 3 | tr '\n' ' ')"
		done
	) &
fi
# The domU's console is copied to a file too: once it shows the init's last marker,
# a domU still there 15 s later did not power off (a 6.12 domU once printed "Power
# off not available: System halted instead"): destroy it, so that dom0 powers off.
con=$LOGS/domu-console.log
: >"$con"
(
	until grep -q '^##PVTRACE-DONE' "$con"; do sleep 2; done
	sleep 15
	if xl domid pvtrace-domu >/dev/null 2>&1; then
		say "the domU is still there 15 s after its last marker (did not power off): xl destroy"
		xl destroy pvtrace-domu
	fi
) &
tc=$(date +%s)
if [ "$DOMU_TYPE" = pvhvm ]; then
	# xl create -c would attach the emulated serial port, where every byte is a VM exit
	# and a round trip through the device model: attach the PV console (hvc0) instead.
	xl create "$cfg" 2>"$LOGS/xl-create.err"
	rc=$?
	[ "$rc" = 0 ] && xl console -t pv pvtrace-domu | tee "$con"
else
	# -c: the domU's console on ours until the domain is gone.
	xl create -c "$cfg" 2>"$LOGS/xl-create.err" | tee "$con"
	rc=${PIPESTATUS[0]}
fi
if ! grep -q . "$LOGS/xl-create.err"; then :; else sed 's/^/xl: /' "$LOGS/xl-create.err"; fi
# xl's console client may end before the domain does (or never attach): wait for it.
i=0
while xl domid pvtrace-domu >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 30 ]; then
		xl list
		fail "the domU is still there 30 s after its console ended"
	fi
	sleep 1
done
[ "$rc" = 0 ] || fail "xl create -c exited with rc=$rc (see the xl: lines above)"
grep -q '^##PVTRACE-DONE' "$con" || fail "the domU is gone before its last marker"
[ -s "$LOGS/hvm-monitor.log" ] && cat "$LOGS/hvm-monitor.log"
say "domU gone after $(($(date +%s) - tc))s; dom0 up $(since); powering off"
bye
