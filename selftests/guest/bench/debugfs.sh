#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, debugfs: how long a read of each of pvtrace's debugfs files
# takes at this guest's vCPU count, on QEMU's instruction-count clock
# (scripts/bench.sh runs it with "icount" at several vCPU counts and
# extrapolates each file's time to 64 vCPUs). pvtrace is loaded with its
# defaults and drivers=1, after a few seconds of hypercalls and upcalls
# on every vCPU so that its tables hold what a busy guest's hold. Each
# file is read whole READS times by cat; the time of as many cat of
# /dev/null (the process, not the read) is taken off.
# Output, "bench debugfs KEY VALUE...": "config", then per file
# "read FILE vcpus N ns T bytes B" (T: one read, the median of ROUNDS).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
D=/sys/kernel/debug/pvtrace
READS=${PVTRACE_BENCH_READS:-5}
ROUNDS=3
S=debugfs

out() { echo "bench $S $*"; }
now() { "$PVT_CHECK" now; }

# reads FILE: the length in ns of READS reads of FILE by cat.
reads() {
	_i=0
	_t0=$(now)
	while [ $_i -lt "$READS" ]; do
		cat "$1" >/dev/null
		_i=$((_i + 1))
	done
	echo $(($(now) - _t0))
}

# med A B C: the median of three numbers.
med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

is_loaded && rmmod pvtrace
insmod "$PVTRACE_KO" drivers=1 || { out error "pvtrace does not load"; exit 1; }
n=$(grep -c '^processor' /proc/cpuinfo)
out config "reads $READS rounds $ROUNDS vcpus $n kernel $(uname -r)"
busy_loops /sys/hypervisor/version/extra
sleep 5
stop_loops
base=$(med "$(reads /dev/null)" "$(reads /dev/null)" "$(reads /dev/null)")
out base "vcpus $n ns $((base / READS))"
# Every regular file but the streams, which wait for a recording.
files=$(cd $D && find . -type f | sed 's|^\./||' | grep -v '^recorder/stream/' | sort)
for f in $files; do
	t=$(med "$(reads $D/$f)" "$(reads $D/$f)" "$(reads $D/$f)")
	t=$(((t - base) / READS))
	[ $t -ge 0 ] || t=0
	out read "$f vcpus $n ns $t bytes $(wc -c <$D/$f)"
done
rmmod pvtrace
