#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pvtrace top as a person uses it, in TAP: in a tmux terminal on a
# captured debugfs tree (-d), the screen shows the vCPU, hypercall and
# channel rows; the keys t, n and c change the order of the rows; q quits
# and gives the terminal back as it was; -n stops by itself. Without a
# terminal (a pipe), plain blocks, one per iteration, no escapes.
# Env: PVTRACE (default: selftests/unit/build/pvtrace, built with ASan and
# UBSan), TMUX_BIN (default tmux; the terminal tests skip without it).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
fix=$top/selftests/exporter/fixtures/6.1-pv

# shellcheck source-path=SCRIPTDIR source=../lib/tap-host.sh
. "$top/selftests/lib/tap-host.sh"

if [ -z "${PVTRACE:-}" ]; then
	make -s -C "$top/selftests/unit" build/pvtrace >"$t/build.log" 2>&1 ||
		{ cat "$t/build.log"; echo "Bail out! cannot build selftests/unit/build/pvtrace"; exit 1; }
	PVTRACE=$top/selftests/unit/build/pvtrace
fi
export ASAN_OPTIONS="detect_leaks=1:log_path=$t/asan" UBSAN_OPTIONS="print_stacktrace=1:log_path=$t/asan"
TMUX_BIN=${TMUX_BIN:-tmux}
sess=pvtrace-top-$$

# Without a terminal: plain blocks.
"$PVTRACE" top -d "$fix" -n 2 --delay 0.1 >"$t/plain" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(grep -c '^pvtrace top - xen-pv' "$t/plain")" = 2 ] &&
	! grep -q "$(printf '\033')" "$t/plain" && grep -q 'mmu_update$' "$t/plain" &&
	grep -q 'averages since pvtrace loaded' "$t/plain" && grep -q '^rates over' "$t/plain"
tap_ok $? "top -n 2 into a pipe: two plain blocks (since load, then the interval), no escapes, exit 0"

if ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	for d in "screen shows the rows" "t sorts by time" "n sorts by name" "c sorts by calls" \
		"q quits, terminal restored" "-n 2 on a terminal stops by itself"; do
		tap_skip "top in tmux: $d" "no tmux (apt-get install tmux)"
	done
	tap_end
	exit $?
fi

TMUX_TMPDIR=$t
export TMUX_TMPDIR
cleanup_tmux() {
	"$TMUX_BIN" kill-server 2>/dev/null
	rm -rf "$t"
}
trap cleanup_tmux EXIT

TMUX_SESSION=$sess
# shellcheck source-path=SCRIPTDIR source=../guest/tmux.sh
. "$top/selftests/guest/tmux.sh"
# first_row HEADER: the name in the first row under the table's header.
first_row() {
	screen | awk -v h="$1" 'found { sub(/^ *[0-9.]+ +[-0-9.%]+ +[-0-9.]+ [a-z]+ +/, ""); print; exit }
		$NF == h { found = 1 }'
}

"$TMUX_BIN" new-session -d -s "$sess" -x 120 -y 45 \
	"$PVTRACE top -d $fix --delay 30; echo EXITED:\$?; stty -a | tr ' ;' '\\n\\n' | grep -qx icanon && echo ICANON; sleep 60"
wait_for 'HYPERCALL$' && screen | grep -Eq '^ +0 +[0-9.]+ +[0-9.]+%' && screen | grep -Eq '^ +1 +[0-9.]+ ' &&
	screen | grep -q ' mmu_update$' && screen | grep -q ' timer0$' && screen | grep -q 'CHANNEL (HANDLER)$' &&
	[ "$(first_row HYPERCALL)" = mmu_update ]
r=$?
[ $r -ne 0 ] && screen | tap_diag -
tap_ok $r "top in tmux: vCPU, hypercall and channel rows; by calls, mmu_update first"

"$TMUX_BIN" send-keys -t "$sess" t
wait_for 'sorted by time' && [ "$(first_row HYPERCALL)" = "sched_op/block (idle)" ]
r=$?
[ $r -ne 0 ] && screen | tap_diag -
tap_ok $r "top in tmux: t sorts by time: sched_op/block (idle) first"

"$TMUX_BIN" send-keys -t "$sess" n
wait_for 'sorted by name' && [ "$(first_row HYPERCALL)" = console_io/read ] &&
	[ "$(first_row '(HANDLER)')" = "(upcall, outside handlers)" ]
r=$?
[ $r -ne 0 ] && screen | tap_diag -
tap_ok $r "top in tmux: n sorts by name: console_io/read first"

"$TMUX_BIN" send-keys -t "$sess" c
wait_for 'sorted by calls' && [ "$(first_row HYPERCALL)" = mmu_update ]
r=$?
[ $r -ne 0 ] && screen | tap_diag -
tap_ok $r "top in tmux: c sorts by calls again: mmu_update first"

"$TMUX_BIN" send-keys -t "$sess" q
wait_for 'EXITED:0' && wait_for 'ICANON' && ! screen | grep -q 'HYPERCALL$'
r=$?
[ $r -ne 0 ] && screen | tap_diag -
tap_ok $r "top in tmux: q quits with exit 0, the screen and the terminal mode restored"
"$TMUX_BIN" kill-session -t "$sess" 2>/dev/null

"$TMUX_BIN" new-session -d -s "$sess" -x 100 -y 30 \
	"$PVTRACE top -d $fix -n 2 --delay 0.2; echo EXITED:\$?; sleep 60"
wait_for 'EXITED:0'
r=$?
[ $r -ne 0 ] && screen | tap_diag -
tap_ok $r "top in tmux: -n 2 stops by itself after two screens, exit 0"
"$TMUX_BIN" kill-session -t "$sess" 2>/dev/null

[ -z "$(cat "$t"/asan* 2>/dev/null)" ]
r=$?
[ $r -ne 0 ] && head -n 20 "$t"/asan* | tap_diag -
tap_ok $r "top: no sanitizer report"

tap_end
