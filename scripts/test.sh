#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: every test layer, on a fresh Debian 12 machine as root.
#   1. set-up (apt packages, kernel images and headers, Xen; cached)
#   2. userspace unit tests (ASan + UBSan)
#   3. checkpatch --strict
#   4. the module for every kernel line (scripts/lab/common.sh, LINES): W=1
#      warning-free and sparse clean in one build (C=1), the noinstr hot path's
#      calls, the hot paths' lengths (scripts/hotpath.sh, selftests/hotpath/)
#   5. packaging: Debian's dkms builds and installs it for every line
#   6. the lab matrix (scripts/lab/matrix.sh): its core rows, or with
#      PVTRACE_MATRIX_ARGS=--full (make test-full) every row; PVTRACE_NO_LAB=1
#      skips it (a developer's quick run, not CI's)
# Every check prints one "PASS: name" / "FAIL: name" / "SKIP: name" line;
# the last line is "N passed, N failed". Exit status 0 iff nothing failed.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PVTRACE_BUILD:-$repo/build}
log=$build/test.log
mkdir -p "$build"
: >"$log"

# result STATUS NAME: one result line, into the log as well.
result() {
	echo "$1: $2" | tee -a "$log"
}

# run_check NAME CMD...: a check that passes when CMD exits 0; its output
# is shown only when it fails.
run_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		result PASS "$name"
	else
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/    /'
		result FAIL "$name"
	fi
}

# run_tap NAME PROGRAM: a TAP program's results as NAME/... (scripts/tap.awk,
# the parser the lab matrix uses too); its output's end is shown when it
# fails without saying which test did (a sanitizer report, say).
run_tap() {
	local name=$1 out rc res
	out=$("$2" 2>&1)
	rc=$?
	res=$(printf '%s\n' "$out" | awk -v name="$name" -v rc=$rc -f "$repo/scripts/tap.awk")
	printf '%s\n' "$res" | tee -a "$log"
	if printf '%s\n' "$res" | grep -qE "^FAIL: $name/(rc|plan) "; then
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
	fi
}

# layer NAME: a header, with the time the previous layer took (its end in the log).
layer_t0=$SECONDS
layer() {
	[ -n "${layer_name:-}" ] && echo "== ($layer_name took $((SECONDS - layer_t0)) s)"
	layer_name=$1 layer_t0=$SECONDS
	echo "== $1"
}

layer set-up
if ! "$repo/scripts/lab/setup.sh"; then
	result FAIL "setup: scripts/lab/setup.sh"
	echo "0 passed, 1 failed"
	exit 1
fi
# shellcheck source=/dev/null
. "${PVTRACE_CACHE:-/var/cache/pvtrace-lab}/kernels.env"

layer "unit tests"
for t in $(make -s -C "$repo/selftests/unit" tests); do
	if ! make -s -C "$repo/selftests/unit" "build/$t" >"$build/unit-$t.log" 2>&1; then
		cat "$build/unit-$t.log"
		result FAIL "unit/$t: build"
		continue
	fi
	run_tap "unit/$t" "$repo/selftests/unit/build/$t"
done

# scripts/pvtrace-exporter (TAP, busybox and host sh/awk, promtool).
export PROMTOOL=${PROMTOOL:-${PVTRACE_CACHE:-/var/cache/pvtrace-lab}/root/usr/bin/promtool}
run_tap unit/exporter "$repo/selftests/exporter/run.sh"

# scripts/pvtrace-report (TAP, busybox and host sh/awk); its pictures in
# chromium (TAP).
run_tap unit/report "$repo/selftests/report/run.sh"
run_tap unit/report-browser "$repo/selftests/report/browser.sh"

# The pvtrace command: export against the exporter, stat, status, record,
# report (TAP); top in a tmux terminal (TAP); the Grafana dashboard's
# queries against the exporter's metrics (TAP).
run_tap unit/pvtrace-cmd "$repo/selftests/pvtrace-cmd/run.sh"
run_tap unit/pvtrace-top "$repo/selftests/pvtrace-cmd/top.sh"
run_tap unit/grafana "$repo/selftests/grafana/run.sh"

# The lab's classifiers of a failed boot (scripts/lab/faults.sh) on real consoles.
run_tap unit/lab-faults "$repo/selftests/lab/faults.sh"

layer "style"
run_check "style: checkpatch --strict" "$repo/scripts/checkpatch.sh"

layer "builds"
# shellcheck source=lab/common.sh
. "$repo/scripts/lab/common.sh"
set +e
for n in $(line_names); do
	k=${!n}
	run_check "build: $k W=1 warning-free and sparse (C=1) clean" \
		env PVTRACE_MAKE_ARGS="C=1" "$repo/scripts/lab/build-module.sh" "$k"
	run_check "build: $k noinstr hot path calls only what it may" \
		"$repo/scripts/noinstr-check.sh" "$build/$k/src"
	run_check "build: $k hot path lengths as in selftests/hotpath/$n.txt" \
		"$repo/scripts/hotpath.sh" --check "$build/$k/src" "$repo/selftests/hotpath/$n.txt"
done
run_check "build: in-guest pvtrace-check (static)" make -s -C "$repo/selftests/guest"

layer "packaging"
out=$("$repo/scripts/dkms-check.sh" 2>"$build/dkms-check.log")
printf '%s\n' "$out" | tee -a "$log" >/dev/null
printf '%s\n' "$out" | grep -E '^(PASS|FAIL): '
if ! printf '%s\n' "$out" | grep -qE '^(PASS|FAIL): '; then
	tail -n 20 "$build/dkms-check.log" | sed 's/^/    /'
	result FAIL "packaging: scripts/dkms-check.sh gave no result"
fi

layer "lab"
if [ "${PVTRACE_NO_LAB:-0}" = 1 ]; then
	result SKIP "lab: PVTRACE_NO_LAB=1"
else
	# shellcheck disable=SC2086 # a list of arguments (make test-full: --full)
	"$repo/scripts/lab/matrix.sh" ${PVTRACE_MATRIX_ARGS:-} 2>&1 | tee "$build/lab.log"
	grep -E '^(PASS|FAIL|SKIP): ' "$build/lab.log" >>"$log" ||
		result FAIL "lab: the matrix produced no results"
fi

layer end
passed=$(grep -c '^PASS: ' "$log")
failed=$(grep -c '^FAIL: ' "$log")
skipped=$(grep -c '^SKIP: ' "$log")
if [ "$failed" -gt 0 ]; then
	echo "== failures"
	grep '^FAIL: ' "$log"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
