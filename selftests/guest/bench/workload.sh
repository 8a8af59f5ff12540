#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, workload: what pvtrace with its default hooks costs whole
# workloads, on QEMU's instruction-count clock (scripts/bench.sh runs it
# with "icount": guest time is instructions executed, so reruns agree):
#   fork   300 fork+exec of /bin/busybox true from the shell
#   io     16 MiB through a pipe, and 8 MiB written to a file, fsync'ed,
#          read back, removed (tmpfs: the page cache, not a device)
# each run with pvtrace not loaded ("none") and loaded with its defaults
# ("pvtrace"), interleaved, ROUNDS rounds, medians. Also: pvtrace's own
# memory per vCPU as summary states it, and the steal sampler's share of a
# vCPU (sampler_ns over elapsed_ns of the steal file) over the rounds.
# Output, "bench workload KEY VALUE...": per round the length of each
# workload in ns (instructions); the medians; "ratio" lines that
# scripts/bench.sh compares across boots.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
D=/sys/kernel/debug/pvtrace
ROUNDS=${PVTRACE_BENCH_ROUNDS:-5}
S=workload

out() { echo "bench $S $*"; }
now() { "$PVT_CHECK" now; }

fork_loop() {
	_i=0
	while [ $_i -lt 300 ]; do
		/bin/busybox true
		_i=$((_i + 1))
	done
}

io_loop() {
	dd if=/dev/zero bs=64k count=256 2>/dev/null | cat >/dev/null
	dd if=/dev/zero of=/tmp/wl.dat bs=64k count=128 conv=fsync 2>/dev/null
	cat /tmp/wl.dat >/dev/null
	rm -f /tmp/wl.dat
}

# timed FUNCTION: its length in ns.
timed() {
	_t0=$(now)
	"$1"
	echo $(($(now) - _t0))
}

is_loaded && rmmod pvtrace
sleep 10	# let the boot's own work finish
out config "rounds $ROUNDS vcpus $(grep -c '^processor' /proc/cpuinfo) kernel $(uname -r)"
fork_loop
io_loop		# warm the page cache and the dentries once
for w in fork_none fork_pvt io_none io_pvt; do
	: >/tmp/$w
done
samp=0 elapsed=0
r=1
while [ $r -le "$ROUNDS" ]; do
	fn=$(timed fork_loop)
	in=$(timed io_loop)
	insmod "$PVTRACE_KO" || { out error "pvtrace does not load"; exit 1; }
	fp=$(timed fork_loop)
	ip=$(timed io_loop)
	if [ $r = 1 ]; then
		out memory "percpu_bytes $("$PVT_CHECK" get $D/summary percpu_bytes)" \
			"percpu_copy_bytes $("$PVT_CHECK" get $D/summary percpu_copy_bytes)"
	fi
	# sampler_ns (column 10) and elapsed_ns (column 6) of the steal file,
	# over every vCPU
	s=$(awk '!/^#/ { s += $10; e += $6 } END { printf "%d %d", s, e }' $D/steal)
	samp=$((samp + ${s% *}))
	elapsed=$((elapsed + ${s#* }))
	rmmod pvtrace
	out round $r fork none "$fn" pvtrace "$fp" io none "$in" pvtrace "$ip"
	echo "$fn" >>/tmp/fork_none
	echo "$fp" >>/tmp/fork_pvt
	echo "$in" >>/tmp/io_none
	echo "$ip" >>/tmp/io_pvt
	r=$((r + 1))
done
fn=$(median lower </tmp/fork_none)
fp=$(median lower </tmp/fork_pvt)
in=$(median lower </tmp/io_none)
ip=$(median lower </tmp/io_pvt)
out median fork none "$fn" pvtrace "$fp" io none "$in" pvtrace "$ip"
out steal_sampler "sampler_ns $samp elapsed_ns $elapsed"
awk -v fn="$fn" -v fp="$fp" -v in_="$in" -v ip="$ip" -v sa="$samp" -v el="$elapsed" \
    -v s="$S" 'BEGIN {
	printf "bench %s sampler_share_of_a_vcpu %.5f\n", s, el ? sa / el : 0
	printf "bench %s ratio fork %.4f io %.4f\n", s, fp / fn, ip / in_
}'
