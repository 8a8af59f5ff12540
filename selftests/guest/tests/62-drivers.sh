#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: drivers
# The PV driver hook: the default targets' state; xenstore requests counted
# by message type; xen-netfront and xen-blkfront loaded after pvtrace
# attach their targets, and detach when unloaded; bad probes= values are
# refused with one log line. In a domU with a netfront and a blkfront
# device: traffic through both, cross-checked against the kernel's own
# counters; the devices by name in the caller and channel views; the
# front-end modules and pvtrace reloaded under traffic without a kernel
# warning.
. "$(dirname "$0")/../lib.sh"

D=$PVT_DIR/drivers
N=20

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
# Loaded with hypercalls=0 upcalls=0 (pvtrace.insmod=), a row asks for no
# runtime text patching; this test patches text too.
hcall_hook_off && upcall_hook_off &&
	tap_skip_all "the hooks are off in this row (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
# The hook is opt-in (drivers=1): this test loads pvtrace with it, and
# puts the row's pvtrace back at its end.
drv_insmod() { pvt_insmod drivers=1 "$@"; }
if [ ! -d "$D" ]; then
	pvt_rmmod && drv_insmod || tap_skip_all "pvtrace does not load with drivers=1"
	trap 'pvt_rmmod && pvt_insmod' EXIT
fi
[ -d "$D" ] || tap_skip_all "no drivers/ directory with drivers=1"

# fn TARGET COLUMN: a column of TARGET's record in functions (3 state,
# 4 calls, 7 missed).
fn() {
	awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$D/functions"
}

# xs TYPE COLUMN: a column of TYPE's record in xenbus (2 kernel, 5 user).
xs() {
	awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$D/xenbus"
}

# Module targets' states, "func=state ...", of module $1.
mod_states() {
	awk -v m="$1:" 'index($1, m) == 1 { sub(/^[^:]*:/, "", $1); printf "%s=%s ", $1, $3 }' "$D/functions"
}

# mod_rmmod MODULE: unload. A xenbus driver holds a reference on its module
# for every device bound to it: unbind them first (in a domU; the device
# stays, and binds again when the module is loaded again). Retry for up to
# 5 s while the references go.
mod_rmmod() {
	for _drv in /sys/bus/xen/drivers/*; do
		[ "$(readlink -f "$_drv/module")" = "/sys/module/$1" ] || continue
		for _dev in "$_drv"/*-*; do
			[ -e "$_dev" ] && echo "${_dev##*/}" >"$_drv/unbind"
		done
	done
	_i=0
	while ! rmmod "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -ge 50 ] && return 1
		usleep 100000
	done
}

all_state() { # MODULE STATE: every target of MODULE is in STATE
	awk -v m="$1:" -v s="$2" 'index($1, m) == 1 { n++; if ($3 != s) bad++ }
		END { exit !(n > 0 && !bad) }' "$D/functions"
}

# xs_req TYPE_OCTAL PATH: one request on fd 3 (/dev/xen/xenbus): header
# type, req_id, tx_id, len (little-endian u32), then the path and its NUL.
xs_req() {
	_len=$((${#2} + 1))
	# shellcheck disable=SC2059 # the format is built on purpose
	printf "\\$1\\0\\0\\0\\1\\0\\0\\0\\0\\0\\0\\0\\$(printf %o "$_len")\\0\\0\\0$2\\0" >&3
}

warnings() {
	dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection|kernel BUG'
}

# ec MODULE: event_channel_op calls counted at call sites in MODULE, in
# hypercalls/callers (its busiest sites per hypercall); empty without it.
ec() {
	[ -r "$PVT_DIR/hypercalls/callers" ] || return 0
	awk -v m="$1" '$1 == "event_channel_op" && $3 == m { s += $4 } END { print s + 0 }' \
		"$PVT_DIR/hypercalls/callers"
}

# chan PATTERN: handler runs of the channels whose name matches PATTERN,
# in upcalls/channels; empty without it.
chan() {
	[ -r "$PVT_DIR/upcalls/channels" ] || return 0
	awk -v p="$1" 'NR > 1 && $6 ~ p { s += $7 } END { print s + 0 }' "$PVT_DIR/upcalls/channels"
}

tap_plan 21
w0=$(warnings)

# Record format: header, and 8 fields in every record.
hdr=$(head -n 1 "$D/functions")
bad=$(awk 'NR > 1 && NF != 8' "$D/functions")
[ "$hdr" = "# target role state calls total_ns max_ns missed error" ] && [ -z "$bad" ] &&
	summary_get hooks | grep -q drivers
tap_ok $? "functions has the documented columns; summary lists the drivers hook"
sed 's/^/# /' "$D/functions"

# Built-in targets attach at load; module targets wait for their module.
vm=$(awk '$1 ~ /^vmlinux:/ && $3 != "attached"' "$D/functions")
nf=pending
grep -q '^xen_netfront ' /proc/modules && nf=attached
all_state vmlinux attached && all_state xen_netfront $nf
tap_ok $? "built-in default targets are attached, netfront's are $nf (${vm:-all attached})"

# Xenstore requests from /dev/xen/xenbus, by type, where xenstored runs
# (a domU: dom0 serves it). Not in the lab's dom0, which has no
# xenstored: a request there wakes the kernel's xenbus_probe thread,
# which then waits for xenstored forever ("task xenbus_probe blocked for
# more than 120 seconds" in a long row).
if [ "$PVTRACE_EXPECT_INITIAL" = 1 ]; then
	tap_skip "xenstore requests counted by type" "no xenstored in the lab's dom0"
elif [ -c /dev/xen/xenbus ]; then
	r0=$(xs XS_READ 5)
	d0=$(xs XS_DIRECTORY 5)
	u0=$(fn vmlinux:xenbus_dev_request_and_reply 4)
	exec 3<>/dev/xen/xenbus
	i=0
	while [ $i -lt $N ]; do
		xs_req 002 "/pvtrace/read$i"
		[ $i -lt 5 ] && xs_req 001 "/pvtrace"
		i=$((i + 1))
	done
	exec 3>&-
	r1=$(xs XS_READ 5)
	d1=$(xs XS_DIRECTORY 5)
	u1=$(fn vmlinux:xenbus_dev_request_and_reply 4)
	tap_diag "xenbus user requests: XS_READ $r0 -> $r1, XS_DIRECTORY $d0 -> $d1, function $u0 -> $u1"
	[ $((r1 - r0)) -eq $N ] && [ $((d1 - d0)) -eq 5 ] && [ $((u1 - u0)) -eq $((N + 5)) ]
	tap_ok $? "$N XS_READ and 5 XS_DIRECTORY requests from /dev/xen/xenbus are counted by type"
else
	tap_skip "xenstore requests counted by type" "no /dev/xen/xenbus"
fi
sed 's/^/# /' "$D/xenbus" | awk '$3 != 0 || $6 != 0'

# Late load and unload of the front-end modules (no devices in a dom0:
# they load, register their drivers, and find nothing to drive).
for m in xen-netfront xen-blkfront; do
	k=$(echo "$m" | tr - _)
	if grep -q "^$k " /proc/modules || [ ! -f "/$m.ko" ]; then
		tap_skip "$m loaded after pvtrace attaches its targets" "already loaded or no /$m.ko"
		tap_skip "$m unloaded detaches, reloaded reattaches" "already loaded or no /$m.ko"
		continue
	fi
	x0=$(xs XS_READ 2)
	all_state "$k" pending && insmod "/$m.ko" && all_state "$k" attached
	rc=$?
	x1=$(xs XS_READ 2)
	# With a device to drive (a domU), probing it reads xenstore.
	dev=vif
	[ "$k" = xen_blkfront ] && dev=vbd
	if [ $rc = 0 ] && [ -n "$(find /sys/bus/xen/devices/ -name "$dev-*" 2>/dev/null)" ]; then
		tap_diag "$m probed its devices with $((x1 - x0)) in-kernel XS_READ requests"
		[ "$x1" -gt "$x0" ]
		rc=$?
	fi
	tap_ok $rc "$m loaded after pvtrace attaches its targets ($(mod_states "$k"))"
	mod_rmmod "$k" && all_state "$k" detached && s1=$(mod_states "$k") &&
		insmod "/$m.ko" && all_state "$k" attached && mod_rmmod "$k" &&
		all_state "$k" detached
	tap_ok $? "$m unloaded detaches, reloaded reattaches (${s1:-?}; now $(mod_states "$k"))"
done

awk 'NR == 1 || $3 != "pending"' "$D/functions" | sed 's/^/# /'

# Bad values of probes=: -EINVAL, and one line of pvtrace's naming them per
# load attempt (busybox insmod makes two: finit_module(), then
# init_module(); each attempt ends with the loader's own line, "drivers:
# cannot install" after init or the kernel's "invalid for parameter").
# since_mark TAG: the kernel log after the line "62-drivers: mark TAG"
# (the log is never cleared: 99-kernel-log.sh reads all of it).
mark() {
	echo "<6>62-drivers: mark $1" >/dev/kmsg
}
since_mark() {
	dmesg | sed -n "/62-drivers: mark $1\$/,\$p"
}
refused() { # VALUE PATTERN
	_m=$((${_m:-0} + 1))
	mark "$_m"
	if drv_insmod "probes=$1" 2>/dev/null; then
		pvt_rmmod
		return 1
	fi
	since_mark "$_m" >/tmp/drv-log
	n=$(grep -c "pvtrace: drivers: probes: " /tmp/drv-log)
	a=$(grep -cE "pvtrace: (drivers: cannot install|.* invalid for parameter .probes.)" /tmp/drv-log)
	l=$(grep "pvtrace: drivers: probes: " /tmp/drv-log | head -n 1)
	tap_diag "probes=$1: $n lines in $a load attempts: $l"
	[ "$a" -ge 1 ] && [ "$n" = "$a" ] && echo "$l" | grep -q "$2"
}
if pvt_rmmod; then
	refused vmlinux:pvtrace_no_such_function "vmlinux:pvtrace_no_such_function: no such function"
	tap_ok $? "a function that does not exist is refused, with one log line naming it"
	refused vmlinux:xen_pv_evtchn_do_upcall "vmlinux:xen_pv_evtchn_do_upcall: cannot be probed"
	tap_ok $? "a function that cannot be probed (noinstr) is refused, with one log line naming it"
	refused "+xen_netfront:xennet_poll,+vmlinux" "'+vmlinux': not module:function" &&
		refused "+vmlinux:xs_talkv,vmlinux:gnttab_map_refs" "mixes" &&
		refused "bad/mod:f" "bad module name"
	tap_ok $? "syntax errors are refused, with one log line naming the item"
	mark pending
	drv_insmod "probes=+pvtrace_absent_mod:some_func,+xen-blkfront:blkif_queue_rq" &&
		[ "$(fn pvtrace_absent_mod:some_func 3)" = pending ] &&
		[ "$(awk '$1 ~ /^xen_blkfront:/' "$D/functions" | wc -l)" = 3 ] &&
		pvt_rmmod
	tap_ok $? "an added target in a module not loaded is pending; a default named again counts once"
	since_mark pending | grep pvtrace | sed 's/^/# /'
	drv_insmod
else
	tap_skip "bad values refused" "pvtrace did not unload"
	tap_skip "bad values refused" "pvtrace did not unload"
	tap_skip "bad values refused" "pvtrace did not unload"
	tap_skip "pending targets" "pvtrace did not unload"
fi
is_loaded && [ -d "$D" ]
tap_ok $? "pvtrace loads again with the row's parameters"

# The domU part: real netfront and blkfront devices. The front ends were
# unloaded above when init left them to the tests (pvtrace.frontends=late):
# load them again, wait for their devices.
E=/sys/class/net/eth0/statistics
VBD=${PVTRACE_VBD:-/dev/xvdb}
if [ -e /sys/bus/xen/devices/vif-0 ]; then
	for m in xen-netfront xen-blkfront; do
		grep -q "^$(echo "$m" | tr - _) " /proc/modules || [ ! -f "/$m.ko" ] || insmod "/$m.ko"
	done
	i=0
	while { [ ! -e $E ] || [ ! -b "$VBD" ]; } && [ $i -lt 300 ]; do
		usleep 100000
		i=$((i + 1))
	done
fi
if [ ! -e /sys/bus/xen/devices/vif-0 ] || [ -z "$PVTRACE_PEER" ] || [ ! -b "$VBD" ]; then
	for t in "netfront transmit calls match tx_packets" "netfront polls while receiving" \
		"blkfront requests match /sys/block stat" "the vif's hypercalls in the caller view" \
		"the vbd's hypercalls in the caller view" "the vif and vbd in the channel view" \
		"xen-netfront reloaded under traffic" "xen-blkfront reloaded under traffic" \
		"pvtrace reloaded under traffic"; do
		tap_skip "$t" "no netfront and blkfront devices (not a domU; or, after the unbind above, the lab's blkback did not reconnect) or no PVTRACE_PEER"
	done
	tap_diag "vif-0: $(ls -d /sys/bus/xen/devices/vif-0 2>/dev/null), eth0: $(ls -d $E 2>/dev/null), $VBD: $(ls "$VBD" 2>/dev/null), peer: $PVTRACE_PEER"
	tap_diag "kernel warnings since the test started: $(($(warnings) - w0))"
	tap_done
fi
if [ -n "$PVTRACE_NET" ] && ! ip -4 addr show dev eth0 | grep -q inet; then
	ip addr add "$PVTRACE_NET" dev eth0
	ip link set eth0 up
	i=0
	while ! ping -c 1 -W 1 "$PVTRACE_PEER" >/dev/null 2>&1 && [ $i -lt 10 ]; do
		i=$((i + 1))
	done
fi
# blk_ios: requests completed on every blkfront disk (reads, writes,
# discards, flushes: fields 1, 5, 12 and 16 of /sys/block/*/stat).
blk_ios() {
	cat /sys/block/xvd*/stat | awk '{ s += $1 + $5 + $12 + $16 } END { print s + 0 }'
}

# Transmit: 4 MiB to the sink. netfront counts a packet per skb it takes
# (tx_packets), and xennet_start_xmit() is called once per skb; a few may
# be offered again after NETDEV_TX_BUSY, or dropped (tx_dropped). A call
# still running at the last read is in tx_packets and not yet in the
# calls (counted at its return): 2 either way.
x0=$(fn xen_netfront:xennet_start_xmit 4)
t0=$(cat $E/tx_packets)
en0=$(ec xen_netfront)
cv0=$(chan '^vif')
dd if=/dev/zero bs=64k count=64 2>/dev/null | timeout 60 nc "$PVTRACE_PEER" 9000
x1=$(fn xen_netfront:xennet_start_xmit 4)
t1=$(cat $E/tx_packets)
dx=$((x1 - x0))
dt=$((t1 - t0))
tap_diag "tx: xennet_start_xmit +$dx, tx_packets +$dt, tx_dropped $(cat $E/tx_dropped)"
[ "$dt" -gt 100 ] && [ "$dx" -ge $((dt - 2)) ] && [ "$dx" -le $((dt + 2 + dt / 100)) ]
tap_ok $? "netfront transmit calls match tx_packets (+$dx / +$dt, -2 to +2 + 1%)"

# Receive: the 8 MiB blob over HTTP. The back-end hands netfront large
# (GSO) packets, so the count of packets is small; bytes tell the transfer.
p0=$(fn xen_netfront:xennet_poll 4)
r0=$(cat $E/rx_packets)
y0=$(cat $E/rx_bytes)
timeout 120 wget -q -O /dev/null "http://$PVTRACE_PEER:8080/blob"
rc=$?
p1=$(fn xen_netfront:xennet_poll 4)
r1=$(cat $E/rx_packets)
y1=$(cat $E/rx_bytes)
dp=$((p1 - p0))
tap_diag "rx: wget rc=$rc, xennet_poll +$dp, rx_packets +$((r1 - r0)), rx_bytes +$((y1 - y0))"
# NAPI polls batch packets: at least one poll for the transfer, and the
# polls that found nothing to receive reaped transmit completions (ACKs).
[ $rc = 0 ] && [ $((y1 - y0)) -ge 8388608 ] && [ "$dp" -gt 0 ]
tap_ok $? "netfront polls while receiving 8 MiB (+$dp polls for +$((r1 - r0)) packets)"

# The vif by name in the caller view: netfront kicks the back-end through
# notify_remote_via_irq() in the kernel; while the driver hook follows that
# function, its EVTCHNOP_send is counted at netfront's own call site. And
# in the channel view: its event channels are named after the vif.
en1=$(ec xen_netfront)
cv1=$(chan '^vif')
if [ -z "$en1" ]; then
	tap_skip "the vif's hypercalls in the caller view" "no hypercalls/callers (hook or hcall_extras=callers off)"
else
	grep -E '^(# |event_channel_op)' "$PVT_DIR/hypercalls/callers" | sed 's/^/# /'
	[ $((en1 - en0)) -gt 0 ]
	tap_ok $? "the vif's hypercalls in the caller view: event_channel_op at xen_netfront's sites +$((en1 - en0))"
fi

# Block: 4 MiB written and read back with O_DIRECT on xvdb.
q0=$(fn xen_blkfront:blkif_queue_rq 4)
c0=$(fn xen_blkfront:blkif_complete_rq 4)
eb0=$(ec xen_blkfront)
en0=$(ec xen_netfront)
cb0=$(chan '^blkif')
m0=$(fn xen_blkfront:blkif_complete_rq 7)
k0=$(fn vmlinux:notify_remote_via_irq 4)
b0=$(blk_ios)
dd if=/dev/zero of="$VBD" bs=64k count=64 oflag=direct 2>/dev/null &&
	dd if="$VBD" of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null
rc=$?
# The last completion may still be returning (in ksoftirqd) when dd exits.
sleep 1
q1=$(fn xen_blkfront:blkif_queue_rq 4)
c1=$(fn xen_blkfront:blkif_complete_rq 4)
m1=$(fn xen_blkfront:blkif_complete_rq 7)
k1=$(fn vmlinux:notify_remote_via_irq 4)
b1=$(blk_ios)
dq=$((q1 - q0))
dc=$((c1 - c0))
db=$((b1 - b0))
dm=$((m1 - m0))
tap_diag "blk: dd rc=$rc, blkif_queue_rq +$dq, blkif_complete_rq +$dc, /sys/block/xvd*/stat ios +$db, notify_remote_via_irq +$((k1 - k0)), completions missed +$dm"
# Every request is queued at least once (again after a busy ring) and
# completed once (or missed by the kretprobe: a completion that runs in an
# interrupt taken inside another probe's handler); stat counts it when it
# completes. blkfront kicks the
# back-end (notify_remote_via_irq) when the ring asks for it: at least once.
[ $((k1 - k0)) -gt 0 ] && [ $rc = 0 ] && [ "$db" -ge 128 ] && [ $((dc + dm)) -ge "$db" ] && [ "$dc" -le $((db + 2)) ] &&
	[ "$dq" -ge "$dc" ] && [ "$dq" -le $((dc + 2 + dc / 20)) ]
tap_ok $? "blkfront requests match /sys/block stat, and kick the back-end (queued +$dq, completed +$dc, stat +$db)"

# Every kick made through notify_remote_via_irq() is counted at the front
# end that asked for it: blkfront's, and netfront's for the few packets
# (ARP, TCP) meanwhile. A kick still returning at the read: 2 either way.
eb1=$(ec xen_blkfront)
en1=$(ec xen_netfront)
cb1=$(chan '^blkif')
dk=$((k1 - k0))
da=$((eb1 - eb0 + en1 - en0))
if [ -z "$eb1" ]; then
	tap_skip "the vbd's hypercalls in the caller view" "no hypercalls/callers (hook or hcall_extras=callers off)"
else
	tap_diag "EVTCHNOP_send at xen_blkfront's sites +$((eb1 - eb0)), at xen_netfront's +$((en1 - en0)); notify_remote_via_irq +$dk"
	[ $((eb1 - eb0)) -gt 0 ] && [ "$da" -ge $((dk - 2)) ] && [ "$da" -le $((dk + 2)) ]
	tap_ok $? "the vbd's hypercalls in the caller view: every kick at a front end's site (+$da of +$dk)"
fi
if [ -z "$cb1" ]; then
	tap_skip "the vif and vbd in the channel view" "no upcalls/channels (the upcall hook or its channel view is off)"
else
	awk 'NR == 1 || $6 ~ /^(vif|blkif)/' "$PVT_DIR/upcalls/channels" | sed 's/^/# /'
	[ $((cv1 - cv0)) -gt 0 ] && [ $((cb1 - cb0)) -gt 0 ]
	tap_ok $? "the vif and vbd in the channel view: vif* +$((cv1 - cv0)) handler runs while receiving, blkif +$((cb1 - cb0)) during block I/O"
fi

# xen-netfront unloaded and loaded again while its own download and block
# reads run, pvtrace following it: the download fails while eth0 is gone,
# then works again. Its targets detach and attach again, the block reads
# go on, no warning. (blkfront: at the end.) PVTRACE_REPEAT
# (pvtrace.repeat=N) runs the reload N times, each one checked.
# net_again: wait up to 30 s for eth0, configure it; false if it never came.
# Sets $ping_secs to the seconds until the peer answered a ping (up to 60;
# "-" if it did not), for the record only: a ping is not the download, and
# right after the reload the first pings may go before the link is
# connected.
net_again() {
	_i=0
	while [ ! -e $E ] && [ $_i -lt 300 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
	[ -e $E ] || return 1
	ip addr add "$PVTRACE_NET" dev eth0 2>/dev/null
	ip link set eth0 up
	_t0=$(date +%s)
	ping_secs=-
	while [ $(($(date +%s) - _t0)) -lt 60 ]; do
		if ping -c 1 -W 1 "$PVTRACE_PEER" >/dev/null 2>&1; then
			ping_secs=$(($(date +%s) - _t0))
			break
		fi
		usleep 200000
	done
}
# Downloads of the blob, one after another; each one that completes adds a
# line to /tmp/62-dl.ok. A transfer cut by the reload may wait for data
# that never comes (busybox wget has no read timeout): each one gets 60 s.
dl_loop() {
	while :; do
		timeout 60 wget -q -O /dev/null "http://$PVTRACE_PEER:8080/blob" && echo >>/tmp/62-dl.ok
		usleep 200000
	done
}
dl_done() { wc -l </tmp/62-dl.ok; }
# dl_after COUNT: wait up to 120 s for a download to complete past COUNT.
dl_after() {
	_i=0
	while [ "$(dl_done)" -le "$1" ] && [ $_i -lt 1200 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
	echo $((_i / 10))
}
rd_loop() { # until /tmp/62-rd.stop: a killed loop would leave its dd reading
	while [ ! -e /tmp/62-rd.stop ]; do
		dd if="$VBD" of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null
	done
}
: >/tmp/62-dl.ok
w1=$(warnings)
dl_loop &
wp=$!
rd_loop &
bp=$!
secs=$(dl_after 0)
tap_diag "the first download of the 8 MiB blob completed after $secs s"
n=${PVTRACE_REPEAT:-1}
k=0
bad=0
while [ $k -lt "$n" ]; do
	k=$((k + 1))
	b0=$(blk_ios)
	why=
	ping_secs=
	if ! mod_rmmod xen_netfront; then
		why="rmmod failed"
	elif ! all_state xen_netfront detached; then
		why="targets not detached: $(mod_states xen_netfront)"
	else
		s1=$(mod_states xen_netfront)
		if ! insmod /xen-netfront.ko; then
			why="insmod failed"
		elif ! all_state xen_netfront attached; then
			why="targets not attached: $(mod_states xen_netfront)"
		elif ! net_again; then
			why="no eth0 30 s after the reload"
		fi
	fi
	b1=$(blk_ios)
	d0=$(dl_done)
	secs=$(dl_after "$d0")
	d1=$(dl_done)
	nw=$(($(warnings) - w1))
	[ -z "$why" ] && [ $((b1 - b0)) -le 0 ] && why="no block I/O during the reload"
	[ -z "$why" ] && [ "$d1" -le "$d0" ] && why="no download completed within 120 s after the reload"
	[ -z "$why" ] && [ "$nw" != 0 ] && why="$nw kernel warnings"
	tap_diag "netfront reload $k/$n: block ios during it +$((b1 - b0)); the peer answered a ping after ${ping_secs:-?} s; a download completed ${secs} s after${why:+; FAILED: $why}"
	[ -n "$why" ] && bad=$((bad + 1))
done
[ $bad = 0 ]
tap_ok $? "xen-netfront reloaded under traffic ($n times, $bad failed): ${s1:-?}, then attached; block reads went on, a download completed after it"
: >/tmp/62-rd.stop
wait $bp 2>/dev/null
rm -f /tmp/62-rd.stop
kill $wp
wait $wp 2>/dev/null

# Unload and load pvtrace while both devices are busy.
(while :; do wget -q -O /dev/null "http://$PVTRACE_PEER:8080/blob"; done) &
wp=$!
(while :; do dd if="$VBD" of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null; done) &
bp=$!
ok=0
i=0
R=${PVTRACE_STRESS:-5}
while [ $i -lt "$R" ]; do
	pvt_rmmod && drv_insmod && [ "$(fn xen_netfront:xennet_start_xmit 3)" = attached ] || ok=1
	sleep 1
	i=$((i + 1))
done
kill $wp $bp
wait 2>/dev/null
nw=$(($(warnings) - w0))
[ $ok = 0 ] && [ $nw = 0 ]
tap_ok $? "pvtrace reloaded $R times under net and block traffic, targets attached, no kernel warning ($nw)"

# Last, as the vbd does not come back: blkfront unloaded and loaded again
# while the download runs. Unbinding closes its device (xenbus_dev_remove():
# blkfront does not allow a rebind), and unlike netfront, whose probe
# takes a Closed device back to Initialising and waits for the back end,
# blkfront's probe leaves it Closed: the disk stays away until the
# toolstack detaches and attaches it again. So: its targets detach and
# attach again, the download goes on, no warning.
# polls_after COUNT: wait up to 10 s for xennet_poll's calls to pass COUNT
# (the download moving; a new wget takes a while to start in a slow guest).
polls_after() {
	_i=0
	while [ "$(fn xen_netfront:xennet_poll 4)" -le "$1" ] && [ $_i -lt 100 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
}
dl_loop &
wp=$!
polls_after "$(fn xen_netfront:xennet_poll 4)"
p0=$(fn xen_netfront:xennet_poll 4)
mod_rmmod xen_blkfront && all_state xen_blkfront detached && s1=$(mod_states xen_blkfront) &&
	insmod /xen-blkfront.ko && all_state xen_blkfront attached
rc=$?
polls_after "$p0"
p1=$(fn xen_netfront:xennet_poll 4)
kill $wp
wait $wp 2>/dev/null
st=$(cat /sys/bus/xen/devices/vbd-*/state 2>/dev/null | head -n 1)
tap_diag "blkfront reload: xennet_poll +$((p1 - p0)) meanwhile; vbd state after it: ${st:-?}"
[ $rc = 0 ] && [ $((p1 - p0)) -gt 0 ] && [ $(($(warnings) - w0)) = 0 ]
tap_ok $? "xen-blkfront reloaded under traffic: ${s1:-?}, then attached; the download went on"
tap_done
