#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: core
# Load pvtrace with its core self-test; on a machine with no hypervisor
# (the plain-QEMU boot) check that it refuses with ENODEV and one line.
. "$(dirname "$0")/../lib.sh"

if expect_refusal; then
	tap_plan 4
	before=$(dmesg | grep -c 'pvtrace:')
	out=$(insmod "$PVTRACE_KO" 2>&1)
	rc=$?
	tap_diag "insmod: $out"
	[ $rc -ne 0 ]
	tap_ok $? "insmod fails with no hypervisor"
	echo "$out" | grep -q 'No such device'
	tap_ok $? "the error is ENODEV"
	# The module's own lines, without the kernel's taint and signature
	# notes. busybox insmod retries with init_module() after
	# finit_module() fails, so there may be one line per attempt; each
	# attempt must print exactly the one reason line.
	lines=$(dmesg | grep 'pvtrace:' | tail -n +$((before + 1)) |
		grep -v -e 'taints kernel' -e 'module verification failed' |
		sed 's/^\[[^]]*\] //')
	tap_diag "kernel log: $lines"
	[ -n "$lines" ] && [ "$(echo "$lines" | sort -u | grep -c .)" -eq 1 ] &&
		echo "$lines" | grep -q 'pvtrace: .*; not loading$'
	tap_ok $? "one kernel log line per load attempt says why"
	! is_loaded && [ ! -e "$PVT_DIR" ]
	tap_ok $? "nothing is left behind"
	tap_done
fi

tap_plan 6
out=$(pvt_insmod selftest=1 2>&1)
rc=$?
[ -n "$out" ] && tap_diag "insmod: $out"
tap_ok $rc "insmod pvtrace.ko selftest=1"
dmesg | grep 'pvtrace:' | while read -r l; do tap_diag "$l"; done
dmesg | grep -q 'pvtrace: selftest: passed'
tap_ok $? "the core's in-kernel self-test passed"
dmesg | grep -q "pvtrace: version .* loaded: $PVTRACE_EXPECT_TYPE guest"
tap_ok $? "load message names the guest type $PVTRACE_EXPECT_TYPE"
missing=""
for f in version summary selftest_hist selftest_cpus; do
	[ -f "$PVT_DIR/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
tap_ok $? "debugfs files exist (missing:${missing:- none})"
bad=""
# shellcheck disable=SC2044 # file names never contain spaces
for f in $(find "$PVT_DIR" -type f); do
	mode=$(stat -c %a "$f")
	case $mode in
	444 | 440 | 400 | 404 | 0) ;;
	*) bad="$bad $(basename "$f"):$mode" ;;
	esac
done
[ -z "$bad" ]
tap_ok $? "every file is read-only, 0444 or stricter (bad:${bad:- none})"
! (echo 1 >"$PVT_DIR/summary") 2>/dev/null
tap_ok $? "writing to a file fails, even as root"
tap_done
