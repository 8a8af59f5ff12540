#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: command
# shellcheck disable=SC2016 # awk programs and a shell loop in single quotes
# The pvtrace command (/usr/bin/pvtrace, static) in the guest:
#   - status says loaded, with the module's version;
#   - stat over 700 reads of /sys/hypervisor/version/major (one
#     XENVER_version each) counts at least 700 xen_version calls, its
#     shares add up, and it exits with the command's status;
#   - top -n 2 into a pipe prints two plain blocks with rows;
#   - top in a terminal (tmux, from the host's packages, in the initramfs):
#     the screen shows the vCPU rows and a table of live rows in the order
#     of its sort key (calls first); the keys t and n re-sort it; q quits with exit 0
#     and gives the terminal back in canonical mode;
#   - export agrees with scripts/pvtrace-exporter on the live tree: run
#     between two exporter runs, it has every series of the first and none
#     that the second lacks (but the few whose labels name the current
#     busiest or slowest), each value between the two runs';
#   - record and report: a short recording, turned into a report;
#   - after rmmod: exit 1 (not loaded) from status, stat, top and export
#     (pvtrace_up 0); without debugfs: exit 5; reloaded: exit 0.
. "$(dirname "$0")/../lib.sh"

PVT=/usr/bin/pvtrace
EXP=/usr/bin/pvtrace-exporter
W=/tmp/cmd92
N=700

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
[ -x "$PVT" ] || tap_skip_all "$PVT is not in the initramfs"

rm -rf "$W"
mkdir -p "$W"

tap_plan 18

"$PVT" status >"$W/status" 2>&1
rc=$?
sed 's/^/# status: /' "$W/status"
[ $rc -eq 0 ] && grep -q "^pvtrace  *loaded, version $(summary_get version) " "$W/status"
tap_ok $? "pvtrace status: exit 0, loaded, version $(summary_get version)"

# stat: N reads of /sys/hypervisor/version/major, one xen_version call each.
"$PVT" stat --json -o "$W/stat.json" -- sh -c \
	'i=0; while [ $i -lt '$N' ]; do read -r _ </sys/hypervisor/version/major; i=$((i+1)); done'
rc=$?
[ $rc -eq 0 ] && [ -s "$W/stat.json" ]
tap_ok $? "pvtrace stat --json -- sh -c '$N reads of /sys/hypervisor/version/major': exit 0"
if hcall_hook_off; then
	tap_skip "stat counts >= $N xen_version calls" "the hypercall hook is off"
else
	calls=$(grep -o '"hypercall":"xen_version","calls":[0-9]*' "$W/stat.json" | sed 's/.*://')
	tap_diag "xen_version calls in the interval: ${calls:-none}"
	[ "${calls:-0}" -ge $N ]
	tap_ok $? "stat counts at least $N xen_version calls (${calls:-none})"
fi
# The sources' shares add up to the total; their times too; largest first.
bad=$(awk '{
	s = $0; sub(/.*"sources":\[/, "", s); sub(/\].*/, "", s)
	n = split(s, src, "},")
	for (i = 1; i <= n; i++) {
		p = src[i]; sub(/.*"share_pct":/, "", p); sub(/[,}].*/, "", p); sum += p
		t = src[i]; sub(/.*"time_ns":/, "", t); sub(/[,}].*/, "", t); tsum += t
		if (i > 1 && t + 0 > prev + 0) print "order"
		prev = t
	}
	tot = $0; sub(/.*"total_share_pct":/, "", tot); sub(/[,}].*/, "", tot)
	tns = $0; sub(/.*"total_ns":/, "", tns); sub(/[,}].*/, "", tns)
	d = sum - tot; if (d < 0) d = -d
	if (n < 1 || d > 0.0001 * n) print "shares " sum " != " tot
	if (tsum != tns) print "times " tsum " != " tns
	printf "# %d sources, %.4f%% of the vCPU time\n", n, tot > "/dev/stderr"
}' "$W/stat.json")
[ -z "$bad" ]
tap_ok $? "stat: the sources' shares and times add up to the total, largest first (${bad:-ok})"

"$PVT" stat -o "$W/stat.txt" -- sh -c 'exit 5'
rc=$?
[ $rc -eq 5 ] && grep -q "guest-wide counts over the command's interval" "$W/stat.txt"
tap_ok $? "stat -- sh -c 'exit 5': exit 5, a text report that says it counts guest-wide"

# top into a pipe: plain blocks.
"$PVT" top -n 2 --delay 0.5 >"$W/top" 2>&1
rc=$?
head -n 12 "$W/top" | sed 's/^/# top: /'
blocks=$(grep -c '^pvtrace top - ' "$W/top")
rows=$(awk '$1 == "CPU" { c = 1; next } c && /^ +[0-9]+ / { n++ } /^$/ { c = 0 } END { print n + 0 }' "$W/top")
[ $rc -eq 0 ] && [ "$blocks" = 2 ] && [ "$rows" -ge 2 ] && ! grep -q "$(printf '\033')" "$W/top"
tap_ok $? "top -n 2 into a pipe: exit 0, 2 plain blocks, $rows vCPU rows"
if hcall_hook_off; then
	tap_skip "top shows hypercall rows" "the hypercall hook is off"
else
	awk '$NF == "HYPERCALL" { getline; if ($1 ~ /^[0-9.]+$/) f = 1 } END { exit !f }' "$W/top"
	tap_ok $? "top shows hypercall rows"
fi

# top in a terminal: tmux's pane, driven by send-keys, read by capture-pane.
if ! command -v tmux >/dev/null 2>&1; then
	for d in "the rows, by calls" "t sorts by time" "n sorts by name" "q quits"; do
		tap_skip "top in tmux: $d" "no tmux in the initramfs (the host had none: apt-get install tmux)"
	done
elif hcall_hook_off && upcall_hook_off; then
	for d in "the rows, by calls" "t sorts by time" "n sorts by name" "q quits"; do
		tap_skip "top in tmux: $d" "the hypercall and upcall hooks are off: no table to sort"
	done
else
	TMUX_TMPDIR=$W
	export TMUX_TMPDIR
	# The table whose order is checked: hypercalls, else channels.
	hdr=HYPERCALL hdr_re='HYPERCALL$'
	if hcall_hook_off; then
		hdr="CHANNEL (HANDLER)" hdr_re='CHANNEL \(HANDLER\)$'
	fi
	TMUX_SESSION=top92
	. "$(dirname "$0")/../tmux.sh"
	# sorted KEY: the table's rows on the screen are in KEY's order
	# (calls/s or TIME% not increasing, names in strcmp order) and there are
	# at least 2; prints "N rows" or what is out of order. The table may end
	# at the screen's bottom, with a line that says how many rows it left out.
	sorted() {
		screen | awk -v h="$hdr" -v k="$1" '
			pos && !NF { pos = 0 }
			# A row starts with its rate; "(N more rows: ...)" is not one.
			pos && $1 ~ /^[0-9.]+$/ {
				n++; name = substr($0, pos)
				c = $1 + 0; t = $2; sub(/%$/, "", t); t = t + 0
				if (n > 1 && (k == "calls" && c > pc || k == "time" && t > pt ||
				    k == "name" && name < pn))
					bad = bad sprintf(" row %d (%s) after (%s)", n, name, pn)
				pc = c; pt = t; pn = name
			}
			substr($0, length($0) - length(h) + 1) == h { pos = length($0) - length(h) + 1; n = 0 }
			END { if (bad != "") print "out of order:" bad; else if (n < 2) print n " rows"; else print n " rows, ok" }'
	}
	tmux new-session -d -s top92 -x 120 -y 50 \
		"$PVT top --delay 30; echo EXITED:\$?; stty -a | tr ' ;' '\\n\\n' | grep -qx icanon && echo ICANON; sleep 120"
	# check_sort KEY R TEXT: the screen says "sorted by KEY" and its rows are in
	# KEY's order; R is the result of what was checked before.
	check_sort() {
		_r=$2
		wait_for "sorted by $1" || _r=1
		_o=$(sorted "$1")
		case "$_o" in *", ok") ;; *) _r=1 ;; esac
		[ $_r -ne 0 ] && screen | tap_diag -
		tap_ok $_r "top in tmux: $3 ($_o)"
	}
	wait_for "$hdr_re" &&
		screen | awk '$1 == "CPU" { c = 1; next } c && /^ +[0-9]+ / { n++ } END { exit n < 1 }'
	check_sort calls $? "vCPU rows, the $hdr table by calls"
	tmux send-keys -t top92 t
	check_sort time 0 "t sorts by time"
	tmux send-keys -t top92 n
	check_sort name 0 "n sorts by name"
	tmux send-keys -t top92 q
	wait_for 'EXITED:0' && wait_for 'ICANON' && ! screen | grep -Eq "$hdr_re"
	r=$?
	[ $r -ne 0 ] && screen | tap_diag -
	tap_ok $r "top in tmux: q quits with exit 0, the screen and the terminal mode restored"
	tmux kill-server 2>/dev/null
fi

# export between two exporter runs.
"$EXP" -o "$W/a.prom" 2>"$W/err"
"$PVT" export -o "$W/p.prom" 2>>"$W/err"
rc=$?
"$EXP" -o "$W/b.prom" 2>>"$W/err"
sed 's/^/# stderr: /' "$W/err"
# series FILE: the series (name and labels), but those whose labels name
# the busiest call sites, the slowest call or a channel's current binding.
series() {
	grep -v '^#' "$1" | grep -v -e '^pvtrace_hypercall_caller_calls_total' \
		-e '^pvtrace_slowest_info' -e '^pvtrace_channel_info' | sed 's/ [^ ]*$//' | sort
}
series "$W/a.prom" >"$W/a.s"
series "$W/p.prom" >"$W/p.s"
series "$W/b.prom" >"$W/b.s"
# missing A B: the lines of B that A lacks (busybox has no comm).
missing() {
	awk 'NR == FNR { s[$0] = 1; next } !($0 in s)' "$1" "$2" | head -n 3
}
only_a=$(missing "$W/p.s" "$W/a.s")
only_p=$(missing "$W/b.s" "$W/p.s")
[ $rc -eq 0 ] && grep -qx 'pvtrace_up 1' "$W/p.prom" && [ -z "$only_a" ] && [ -z "$only_p" ]
tap_ok $? "export between two pvtrace-exporter runs: $(grep -c . "$W/p.s") series, all of the first run's, none the second lacks (${only_a}${only_p})"
# Values: each sample of export between the two exporter runs' (counters
# only grow; gauges that do not move are equal).
bad=$(awk 'FNR == 1 { f++ } /^#/ { next } { k = $1; v = $NF }
	f == 1 { a[k] = v } f == 2 { b[k] = v }
	f == 3 && (k in a) && (k in b) {
		lo = a[k] + 0; hi = b[k] + 0
		if (lo > hi) { x = lo; lo = hi; hi = x }
		e = hi * 1e-12
		if (v + 0 < lo - e || v + 0 > hi + e) { printf "%s(%s<=%s<=%s) ", k, a[k], v, b[k]; if (++n > 3) exit }
	}' "$W/a.prom" "$W/b.prom" "$W/p.prom")
[ -z "$bad" ]
tap_ok $? "export: every value between the two exporter runs' (bad: ${bad:-none})"

# record and report.
if [ -f "$PVT_DIR/recorder/status" ]; then
	"$PVT" record -t 0.5 -o "$W/rec.trace" 2>"$W/err"
	rc=$?
	"$PVT" report "$W/rec.trace" >"$W/report" 2>>"$W/err"
	rc2=$?
	sed 's/^/# stderr: /' "$W/err"
	sed -n '1,12p' "$W/report" | sed 's/^/# report: /'
	# Streamed: every event left the buffers for the file.
	events=$(grep -vc '^#' "$W/rec.trace")
	kept=$(awk '$1 == "records" || $1 == "streamed" { n += $2 } END { print n + 0 }' "$W/rec.trace.status")
	tap_diag "recorded $events events; the status's records + streamed: $kept"
	[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && head -n 1 "$W/rec.trace" | grep -q '^# pvtrace-recording 1$' &&
		grep -q '^# time_ns cpu event ' "$W/rec.trace" && grep -q '^state stopped$' "$W/rec.trace.status" &&
		[ "$events" = "$kept" ] && grep -q '^status .*(its header)$' "$W/report"
	tap_ok $? "record -t 0.5 then report: a stopped recording with its own header, every event in it, and its report"
else
	tap_skip "record and report" "no recorder/ (a module without the flight recorder)"
fi

# Errors: not loaded, then debugfs not mounted.
pvt_rmmod
"$PVT" status >/dev/null 2>"$W/err"
r1=$?
"$PVT" stat -- true 2>>"$W/err"
r2=$?
"$PVT" top -n 1 >/dev/null 2>>"$W/err"
r3=$?
"$PVT" export -o "$W/down.prom" 2>>"$W/err"
r4=$?
sed 's/^/# stderr: /' "$W/err"
[ $r1 -eq 1 ] && [ $r2 -eq 1 ] && [ $r3 -eq 1 ] && [ $r4 -eq 1 ] &&
	[ "$(grep -v '^#' "$W/down.prom")" = "pvtrace_up 0" ] && grep -q 'not loaded' "$W/err"
tap_ok $? "after rmmod: status, stat, top and export exit 1 (not loaded: $r1 $r2 $r3 $r4), export writes pvtrace_up 0"
"$PVT" stat -- sh -c 'echo ran >'"$W/ran" 2>/dev/null
[ ! -e "$W/ran" ]
tap_ok $? "after rmmod: stat fails before running the command"

if umount /sys/kernel/debug 2>/dev/null; then
	"$PVT" status >/dev/null 2>"$W/err"
	rc=$?
	mount -t debugfs debugfs /sys/kernel/debug
	sed 's/^/# stderr: /' "$W/err"
	[ $rc -eq 5 ] && grep -q 'not mounted' "$W/err"
	tap_ok $? "debugfs not mounted: exit 5 ($rc)"
else
	tap_skip "debugfs not mounted: exit 5" "debugfs is busy"
fi

pvt_insmod
"$PVT" status >/dev/null 2>&1
tap_ok $? "reloaded: pvtrace status exits 0"
tap_done
