#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo's workload, the same on Xen and on plain QEMU: 200 reads of
# /sys/hypervisor/version (one hypercall each under Xen), 100 fork+exec,
# a walk of /sys, 8 MB through a pipe. Prints its own length last, in
# centiseconds of uptime: "##PVTRACE-DEMO-WORKLOAD cs=N".
cs() {
	awk '{ split($1, a, "."); print a[1] * 100 + a[2] }' /proc/uptime
}
t0=$(cs)
i=0
while [ $i -lt 200 ]; do
	cat /sys/hypervisor/version/major /sys/hypervisor/version/minor >/dev/null 2>&1
	i=$((i + 1))
done
i=0
while [ $i -lt 100 ]; do
	/bin/busybox true
	i=$((i + 1))
done
find /sys -maxdepth 4 >/dev/null 2>&1
dd if=/dev/zero bs=64k count=128 2>/dev/null | cat >/dev/null
echo "##PVTRACE-DEMO-WORKLOAD cs=$(($(cs) - t0))"
