#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: core
# Every debugfs file parses per Documentation/ABI/testing/debugfs-pvtrace:
# a "# col ..." header, then records with that many fields; histogram
# buckets tile 0..U64_MAX.
. "$(dirname "$0")/../lib.sh"

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"

# shellcheck disable=SC2046 # file names never contain spaces
set -- $(find "$PVT_DIR" -type f | sort)
tap_plan $#
for f in "$@"; do
	out=$("$PVT_CHECK" format "$f" 2>&1)
	rc=$?
	[ $rc -ne 0 ] && echo "$out" | sed 's/^/# /'
	tap_ok $rc "${f#"$PVT_DIR"/} parses in the documented format"
done
tap_done
