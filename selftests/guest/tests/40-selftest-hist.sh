#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: core
# The self-test's histogram, read back from userspace: every CPU recorded
# the same 15 edge values plus cpu+1 samples of 1000 ns, from interrupt
# context. Check each bucket and each CPU against that, independently of
# the kernel's own check.
. "$(dirname "$0")/../lib.sh"

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
[ -f "$PVT_DIR/selftest_hist" ] || tap_skip_all "loaded without selftest=1"

H=$PVT_DIR/selftest_hist
C=$PVT_DIR/selftest_cpus
n=$(grep -c '^processor' /proc/cpuinfo)
s=$((n * (n + 1) / 2))

# value expected-count-of-its-bucket
cat >/tmp/expect <<EOT
0 $n
1 $n
3 $((2 * n))
7 $((2 * n))
8 $n
1000 $((n + s))
1024 $((2 * n))
536870911 $n
536870912 $n
1073741824 $((3 * n))
18446744073709551615 $((3 * n))
EOT

tap_plan $((4 + n))
[ "$("$PVT_CHECK" total "$H")" = $((15 * n + s)) ]
tap_ok $? "histogram total is 15 x $n CPUs + $s"
bad=""
while read -r v want; do
	got=$("$PVT_CHECK" bucket "$H" "$v")
	[ "$got" = "$want" ] || bad="$bad $v:$got/$want"
done </tmp/expect
[ -z "$bad" ]
tap_ok $? "each edge value's bucket holds what was recorded (bad:${bad:- none})"
[ "$("$PVT_CHECK" rows "$H")" = 32 ]
tap_ok $? "32 buckets: 0, one per power of two, overflow"
[ "$("$PVT_CHECK" rows "$C")" = "$(summary_get vcpus_possible)" ]
tap_ok $? "selftest_cpus has one record per possible CPU"
cpu=0
while [ $cpu -lt "$n" ]; do
	cnt=$("$PVT_CHECK" get "$C" $cpu count)
	max=$("$PVT_CHECK" get "$C" $cpu max_ns)
	[ "$cnt" = $((15 + cpu + 1)) ] && [ "$max" = 18446744073709551615 ]
	tap_ok $? "cpu $cpu: count $cnt (want $((15 + cpu + 1))), max U64_MAX"
	cpu=$((cpu + 1))
done
tap_done
