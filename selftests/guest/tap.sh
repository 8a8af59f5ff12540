# SPDX-License-Identifier: GPL-2.0
# The one TAP vocabulary of pvtrace's shell tests: the in-guest tests
# (busybox sh, through selftests/guest/lib.sh) and the host suites
# (through selftests/lib/tap-host.sh) source this file. It lives in the
# guest's tree because the guest's initramfs carries selftests/guest only.
#   tap_plan N          the plan first ("TAP version 13", "1..N")
#   tap_skip_all WHY    the whole script skipped; exits 0
#   tap_ok STATUS DESC  STATUS is an exit status (0 = pass)
#   tap_skip DESC WHY   a test skipped
#   tap_diag TEXT|-     TEXT, or standard input (-), as "# " lines
#   tap_done            exits 0 if no test failed (after tap_plan)
#   tap_end             the plan last, then the status (for suites that
#                       count as they go)
# shellcheck shell=sh

_tap_n=0
_tap_failed=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit 0
}

tap_ok() {
	_st=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [ "$_st" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_failed=$((_tap_failed + 1))
	fi
}

tap_skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

tap_diag() {
	if [ "$*" = - ]; then
		sed 's/^/# /'
	else
		echo "# $*"
	fi
}

tap_done() {
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

tap_end() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
