#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The pvtrace command (scripts/pvtrace/), on the host, in TAP; exit 1 if any
# test fails. The command runs built with ASan and UBSan
# (selftests/unit/build/pvtrace), or $PVTRACE.
#   - make pvtrace: a static binary that runs;
#   - pvtrace export against scripts/pvtrace-exporter, series for series,
#     on every fixture (selftests/exporter/fixtures and the second snapshots
#     of fixtures/) with many option sets, on a 64-vCPU tree, and on the
#     broken, missing and absent inputs of the exporter's suite: the same
#     series (ordering and number formatting normalised), the same failures;
#   - pvtrace stat over a command that turns one snapshot into the next:
#     the command's exit status, the JSON, shares adding up, largest first;
#   - pvtrace status, record (on a fake sysfs), report; error exit codes.
# shellcheck disable=SC2016 # sed scripts in single quotes
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
exp=$top/scripts/pvtrace-exporter
fix=$top/selftests/exporter/fixtures
fix2=$here/fixtures

# shellcheck source-path=SCRIPTDIR source=../lib/tap-host.sh
. "$top/selftests/lib/tap-host.sh"

if [ -z "${PVTRACE:-}" ]; then
	make -s -C "$top/selftests/unit" build/pvtrace >"$t/build.log" 2>&1 ||
		{ cat "$t/build.log"; echo "Bail out! cannot build selftests/unit/build/pvtrace"; exit 1; }
	PVTRACE=$top/selftests/unit/build/pvtrace
fi
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# pvt ARGS...: the command; output in $t/stdout, $t/stderr, status in $rc.
pvt() {
	"$PVTRACE" "$@" >"$t/stdout" 2>"$t/stderr"
	rc=$?
}
# exporter ARGS...: scripts/pvtrace-exporter with the host's sh and awk;
# output in $t/estdout, $t/estderr, status in $erc.
exporter() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR="$t" sh "$exp" "$@" \
		>"$t/estdout" 2>"$t/estderr"
	erc=$?
}
# norm FILE: the samples sorted, values as numbers (%.17g): ordering and
# number formatting are all that may differ.
norm() {
	awk '/^#/ { print; next } { v = $NF; $NF = ""; printf "%s%.17g\n", $0, v }' "$1" | LC_ALL=C sort
}
is_up0() {
	[ "$(grep -c . "$1")" = 3 ] && grep -q '^# HELP pvtrace_up ' "$1" &&
		grep -q '^# TYPE pvtrace_up gauge$' "$1" && grep -q '^pvtrace_up 0$' "$1"
}

# 1. The static binary.
if make -s -C "$top" pvtrace >"$t/make.log" 2>&1; then
	! readelf -d "$top/pvtrace" 2>/dev/null | grep -q NEEDED &&
		"$top/pvtrace" --version | grep -q '^pvtrace [0-9]'
	tap_ok $? "make pvtrace: a static binary (no NEEDED library), that runs"
else
	sed 's/^/# /' "$t/make.log"
	tap_ok 1 "make pvtrace: a static binary"
fi

# 2. export = pvtrace-exporter, series for series.
same() { # DESCRIPTION: compare $t/pvt.prom with $t/exp.prom
	if cmp -s "$t/pvt.prom" "$t/exp.prom"; then
		tap_ok 0 "$1: the same file, byte for byte"
		return
	fi
	norm "$t/pvt.prom" >"$t/a"
	norm "$t/exp.prom" >"$t/b"
	cmp -s "$t/a" "$t/b"
	r=$?
	[ $r -ne 0 ] && diff "$t/b" "$t/a" | head -n 6 | tap_diag -
	tap_ok $r "$1: the same series (normalised: ordering, number format)"
}
# Every option set on the lab's trees; two on the snapshots made from them.
# One set a line ("-": none).
sets_all='-
--no-cpu --no-subcommands --no-channels --no-callers --no-histograms --no-drivers
--cpu-histograms --channel-histograms
--no-cpu
--no-subcommands
--no-channels --no-callers
--no-histograms
--no-drivers
--cpu-histograms'
sets_two='-
--no-cpu --no-subcommands --no-channels --no-callers --no-histograms --no-drivers'
nl='
'
for f in "$fix"/*/ "$fix2"/*/; do
	f=${f%/}
	name=${f##*/}
	sets=$sets_all
	case $f in "$fix2"/*) sets=$sets_two ;; esac
	IFS=$nl
	for o in $sets; do
		IFS=' '
		[ "$o" = - ] && o=
		# shellcheck disable=SC2086 # a list of options
		pvt export -d "$f" -o "$t/pvt.prom" $o
		# shellcheck disable=SC2086
		exporter -d "$f" -o "$t/exp.prom" $o
		if [ "$rc" != 0 ] || [ "$erc" != 0 ] || [ -s "$t/stderr" ]; then
			{ echo "rc=$rc erc=$erc"; cat "$t/stderr" "$t/estderr"; } | tap_diag -
			tap_ok 1 "export $name ${o:-(default)}: exit 0, nothing on stderr"
			continue
		fi
		same "export $name ${o:-(default)}"
	done
done
unset IFS

# 64 vCPUs and 256 channels (the exporter suite's series-count tree).
"$here/../lib/v64-tree.sh" "$fix/6.1-pv-ext" "$t/v64"
pvt export -d "$t/v64" -o "$t/pvt.prom"
exporter -d "$t/v64" -o "$t/exp.prom"
[ "$rc" = 0 ] && [ "$erc" = 0 ] && [ "$(grep -c '^pvtrace_steal_seconds_total{' "$t/pvt.prom")" = 64 ]
tap_ok $? "export, 64 vCPUs and 256 channels: exit 0, 64 steal series"
same "export, 64 vCPUs and 256 channels"
pvt export -d "$t/v64" -o - --max-series 8000
exporter -d "$t/v64" -o - --max-series 8000
[ "$rc" = 3 ] && [ "$erc" = 3 ] && is_up0 "$t/stdout" && grep -q 'exceed --max-series 8000' "$t/stderr"
tap_ok $? "export, --max-series below the series count: exit 3 as the exporter, pvtrace_up 0"

# Broken input: both fail with 3, naming the file, and leave only
# pvtrace_up 0 where a good file was. broken NAME FIXTURE FILE SED|-empty|-nonl
# shellcheck disable=SC2016 # sed scripts
broken() {
	rm -rf "$t/in"
	cp -R "$fix/$2" "$t/in"
	case $4 in
	-empty) : >"$t/in/$3" ;;
	-nonl) printf '%s' "$(cat "$fix/$2/$3")" | head -c -7 >"$t/in/$3" ;;
	*) sed -e "$4" "$fix/$2/$3" >"$t/in/$3" ;;
	esac
	mkdir -p "$t/out"
	cp "$top/selftests/exporter/expected/6.1-pv.default.prom" "$t/out/pvt.prom"
	cp "$t/out/pvt.prom" "$t/out/exp.prom"
	pvt export -d "$t/in" -o "$t/out/pvt.prom"
	exporter -d "$t/in" -o "$t/out/exp.prom"
	[ "$rc" = 3 ] && [ "$erc" = 3 ] && is_up0 "$t/out/pvt.prom" && is_up0 "$t/out/exp.prom" &&
		grep -q "$3" "$t/stderr" && [ -z "$(find "$t/out" -name '.*.tmp')" ]
	r=$?
	[ $r -ne 0 ] && { echo "rc=$rc erc=$erc"; cat "$t/stderr"; } | tap_diag -
	tap_ok $r "export, $1: exit 3 as the exporter, the error names $3, only pvtrace_up 0 left"
}
broken "empty file" 6.1-pv hypercalls/totals -empty
broken "last line without newline" 6.1-pv upcalls/percpu -nonl
broken "truncated histogram" 6.1-pv hypercalls/latency '$d'
broken "a field too many" 6.1-pv steal '2s/$/ 7/'
broken "a field too few" 6.1-pv hypercalls/percpu '3s/ [0-9]*$//'
broken "non-numeric count" 6.1-pv hypercalls/totals '2s/ [0-9]* / 12x /'
broken "negative number" 6.1-pv upcalls/percpu '2s/ [0-9]* / -1 /'
broken "garbage header" 6.1-pv summary '1s/.*/<html>garbage/'
broken "double space" 6.1-pv runstate '2s/ /  /'
broken "histogram with a gap" 6.1-pv steal_interval_hist '4d'
broken "binary garbage" 6.1-pv upcalls/channels '1s/^/\x01\x02/'
broken "a column renamed" 6.1-pv hypercalls/totals '1s/calls/kalls/'
broken "errors_percpu empty" 6.1-pv-ext hypercalls/errors_percpu -empty
broken "errors_percpu garbage" 6.1-pv-ext hypercalls/errors_percpu '1s/.*/<html>garbage/'
broken "recorder/status truncated" 6.1-pv-ext recorder/status -nonl
broken "recorder/status lost 12x" 6.1-pv-ext recorder/status 's/^lost .*/lost 12x/'
broken "recorder/status three columns" 6.1-pv-ext recorder/status '1s/$/ unit/; 2,$s/$/ x/'
broken "slowest non-numeric duration" 6.1-pv-ext slowest '2s/ block [0-9]* / block 1.2e9 /'
broken "slowest two records of rank 1" 6.1-pv-ext slowest '3s/^2 /1 /'
broken "drivers/functions a target twice" 6.1-pv-ext drivers/functions '3s/^xen_netfront:xennet_poll /xen_netfront:xennet_start_xmit /'
broken "drivers/functions_percpu negative" 6.1-pv-ext drivers/functions_percpu '2s/ 0 0 0$/ -1 0 0/'
broken "drivers/latency a gap" 6.1-pv-ext drivers/latency '4d'
broken "drivers/xenbus truncated" 6.1-pv-ext drivers/xenbus -nonl

# Optional files missing or without records: the same output as the exporter.
absent() { # DESCRIPTION COMMAND
	rm -rf "$t/in"
	cp -R "$fix/6.1-pv-ext" "$t/in"
	(cd "$t/in" && eval "$2")
	pvt export -d "$t/in" -o "$t/pvt.prom"
	exporter -d "$t/in" -o "$t/exp.prom"
	if [ "$rc" != 0 ] || [ "$erc" != 0 ]; then
		tap_ok 1 "export, $1: exit 0 (rc=$rc, exporter $erc)"
		return
	fi
	same "export, $1"
}
absent "no recorder/" 'rm -r recorder'
absent "recorder/status with no record" 'sed -i 1q recorder/status'
absent "recorder/trace garbage (never read)" 'printf "\001garbage" >recorder/trace'
absent "no slowest" 'rm slowest'
absent "no drivers/" 'rm -r drivers'
absent "no drivers/functions_percpu" 'rm drivers/functions_percpu'
absent "no drivers/functions" 'rm drivers/functions'
absent "no hypercalls/errors_percpu" 'rm hypercalls/errors_percpu'
absent "no hypercalls/ nor upcalls/" 'rm -r hypercalls upcalls'

# Not loaded, not mounted: pvtrace_up 0 in both; exit 1 for both when not
# loaded; not mounted is 5 here (1 for the exporter, which cannot tell).
rm -rf "$t/dbg" "$t/out"
mkdir -p "$t/dbg/other" "$t/out"
pvt export -d "$t/dbg/pvtrace" -o "$t/out/pvt.prom"
exporter -d "$t/dbg/pvtrace" -o "$t/out/exp.prom"
[ "$rc" = 1 ] && [ "$erc" = 1 ] && is_up0 "$t/out/pvt.prom" && grep -q 'not loaded' "$t/stderr"
tap_ok $? "export, pvtrace not loaded: exit 1 as the exporter, pvtrace_up 0"
rmdir "$t/dbg/other"
pvt export -d "$t/dbg/pvtrace" -o "$t/out/pvt.prom"
[ "$rc" = 5 ] && is_up0 "$t/out/pvt.prom" && grep -q 'not mounted' "$t/stderr"
tap_ok $? "export, debugfs not mounted: exit 5, pvtrace_up 0"
rm -rf "$t/v"
cp -R "$fix/6.1-pv" "$t/v"
printf '# name version\npvtrace 0.2.0\n' >"$t/v/version"
pvt export -d "$t/v" -o "$t/out/pvt.prom"
[ "$rc" = 7 ] && is_up0 "$t/out/pvt.prom" && grep -q 'newer' "$t/stderr"
tap_ok $? "export, a newer module (0.2.0): exit 7, pvtrace_up 0"

# Usage errors: exit 2 as the exporter, the output untouched.
usage_case() { # DESCRIPTION ARGS...
	_d=$1
	shift
	rm -rf "$t/out"
	mkdir -p "$t/out"
	echo keep >"$t/out/pvt.prom"
	pvt export "$@"
	exporter "$@"
	[ "$rc" = 2 ] && [ "$erc" = 2 ] && [ "$(cat "$t/out/pvt.prom")" = keep ] && [ -s "$t/stderr" ]
	tap_ok $? "export, usage error, $_d: exit 2 as the exporter, output untouched"
}
usage_case "unknown option" -d "$fix/6.1-pv" -o "$t/out/pvt.prom" --bogus
usage_case "-o without a value" -d "$fix/6.1-pv" -o
usage_case "--max-series not a number" -d "$fix/6.1-pv" -o "$t/out/pvt.prom" --max-series 1k
usage_case "output directory missing" -d "$fix/6.1-pv" -o "$t/nodir/pvt.prom"
usage_case "contradictory switches" -d "$fix/6.1-pv" -o "$t/out/pvt.prom" --no-cpu --cpu-histograms
usage_case "stray argument" -d "$fix/6.1-pv" -o "$t/out/pvt.prom" extra

# Replaced by rename (a reader of the old file keeps it whole).
mkdir -p "$t/out"
cp "$top/selftests/exporter/expected/6.1-pvh.default.prom" "$t/out/pvt.prom"
ln -f "$t/out/pvt.prom" "$t/old"
pvt export -d "$fix/6.1-pv" -o "$t/out/pvt.prom"
[ "$rc" = 0 ] && cmp -s "$t/old" "$top/selftests/exporter/expected/6.1-pvh.default.prom" &&
	cmp -s "$t/out/pvt.prom" "$top/selftests/exporter/expected/6.1-pv.default.prom" &&
	[ -z "$(find "$t/out" -name '.*.tmp')" ] &&
	[ "$(stat -c %a "$t/out/pvt.prom")" = 644 ]
tap_ok $? "export: the output replaced by rename, mode 0644, no temporary file left"

# A device or a pipe is written in place, not replaced.
mkfifo "$t/fifo"
cat "$t/fifo" >"$t/fromfifo" &
pvt export -d "$fix/6.1-pv" -o "$t/fifo"
wait
[ "$rc" = 0 ] && [ -p "$t/fifo" ] && cmp -s "$t/fromfifo" "$top/selftests/exporter/expected/6.1-pv.default.prom"
tap_ok $? "export -o FIFO: written through the pipe, which stays a pipe (/dev/null is never replaced)"

# 3. stat: the command turns the tree from one snapshot into the next.
# swap FROM TO: a tree at $t/tree holding FROM; CMD copies TO over it.
swap() {
	rm -rf "$t/tree"
	cp -R "$1" "$t/tree"
	swapcmd="cp -R $2/. $t/tree/"
}
swap "$fix/6.1-pv" "$fix2/6.1-pv-b"
pvt stat -d "$t/tree" -- sh -c "$swapcmd; exit 3"
[ "$rc" = 3 ] && [ ! -s "$t/stdout" ] && grep -q "guest-wide counts over the command's interval" "$t/stderr" &&
	grep -q "exited 3" "$t/stderr"
tap_ok $? "stat -- CMD: CMD's exit status (3), the report on stderr, honest about its scope"
grep -Eq '^ +700 +70\.000 ms +[0-9.]+% +xen_version$' "$t/stderr" &&
	grep -Eq '^ +200 +1\.500 s +idle +sched_op$' "$t/stderr" &&
	grep -Eq '300\.000 ms +steal: runnable' "$t/stderr" &&
	grep -Eq '480\.000 ms +total$' "$t/stderr"
r=$?
[ $r -ne 0 ] && tap_diag - <"$t/stderr"
tap_ok $r "stat: xen_version 700 calls 70 ms, sched_op idle, steal 300 ms, total 480 ms"

swap "$fix/6.1-pv" "$fix2/6.1-pv-b"
pvt stat -A --json -o "$t/stat.json" -d "$t/tree" -- sh -c "$swapcmd"
PY=$(command -v python3 || true)
if [ "$rc" = 0 ] && [ -n "$PY" ]; then
	"$PY" -m json.tool "$t/stat.json" >/dev/null 2>"$t/py.err" &&
		"$PY" - "$t/stat.json" <<'EOF' 2>>"$t/py.err"
import json, sys
d = json.load(open(sys.argv[1]))
src = d["sources"]
# Each share is printed rounded to 6 decimals (the wall time, so the shares, vary
# from run to run): the sum may miss the total by half a unit per term.
assert abs(sum(s["share_pct"] for s in src) - d["total_share_pct"]) <= (len(src) + 1) * 5e-7 + 1e-9
assert sum(s["time_ns"] for s in src) == d["total_ns"] == 480000000
assert [s["time_ns"] for s in src] == sorted((s["time_ns"] for s in src), reverse=True)
rows = d["hypercalls"]["rows"]
t = [r["time_ns"] for r in rows if not r["idle"]]
assert t == sorted(t, reverse=True), t
for r in rows:
    if r["subcommands"]:
        assert sum(s["calls"] for s in r["subcommands"]) == r["calls"]
assert sum(r["time_ns"] for r in rows if not r["idle"]) == d["hypercalls"]["time_ns"]
ch = d["upcalls"]["channels"]
assert sum(c["time_ns"] for c in ch) == d["upcalls"]["time_ns"]
assert len(d["percpu"]) == 2 and d["exit_status"] == 0
assert d["vcpu_ns"] == 2 * d["wall_ns"]
EOF
	r=$?
	[ $r -ne 0 ] && tap_diag - <"$t/py.err"
	tap_ok $r "stat --json -A: python3 -m json.tool parses it; shares add up, largest first, sub-commands and channels add up"
elif [ "$rc" = 0 ]; then
	tap_skip "stat --json: parsed by python3" "no python3"
else
	tap_ok 1 "stat --json -A: exit 0 (rc=$rc)"
fi

swap "$fix/6.1-pv" "$fix2/6.1-pv-untimed"
pvt stat -d "$t/tree" -o - -- sh -c "$swapcmd"
[ "$rc" = 0 ] && grep -q '2300 hypercalls were not timed' "$t/stdout" && grep -q 'hcall_timing is off' "$t/stdout" &&
	grep -Eq '^ +700 +- +- +xen_version$' "$t/stdout"
tap_ok $? "stat, hcall_timing off: calls, \"-\" for time, and why; -o - writes to stdout"

swap "$fix/generic-steal" "$fix2/generic-steal-b"
pvt stat -d "$t/tree" -- sh -c "$swapcmd"
[ "$rc" = 0 ] && grep -Eq '300\.000 ms +steal \(the kernel' "$t/stderr" && grep -q 'Hypercalls: not measured' "$t/stderr"
tap_ok $? "stat, generic steal (KVM mode): the kernel's steal counter, hooks off said so"

start=$(date +%s%N)
pvt stat -a -t 0.3 -d "$fix/6.1-pv"
end=$(date +%s%N)
[ "$rc" = 0 ] && grep -q 'the whole guest (-a)' "$t/stderr" && [ $((end - start)) -ge 300000000 ]
tap_ok $? "stat -a -t 0.3: the whole guest for 0.3 s, no command"
"$PVTRACE" stat -a -d "$fix/6.1-pv" >"$t/stdout" 2>"$t/stderr" &
p=$!
# A SIGINT before the program blocks it is lost (a background job ignores
# it): send one until it ends, for up to 10 s.
i=0
while kill -0 $p 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.2
	kill -INT $p 2>/dev/null
	i=$((i + 1))
done
kill -KILL $p 2>/dev/null
wait $p
rc=$?
[ "$rc" = 0 ] && grep -q 'wall time' "$t/stderr"
tap_ok $? "stat -a: until SIGINT, then the report (rc=$rc)"
pvt stat -d "$fix/6.1-pv"
[ "$rc" = 2 ] && grep -q 'no command' "$t/stderr"
tap_ok $? "stat without a command nor -a: usage error, exit 2"
pvt stat -d "$fix/6.1-pv" -- /nonexistent/command
[ "$rc" = 127 ] && grep -q 'cannot run' "$t/stderr"
tap_ok $? "stat -- a command that does not exist: exit 127, as a shell"
pvt stat -d "$t/dbg/pvtrace" -- true
[ "$rc" = 5 ] && grep -q 'not mounted' "$t/stderr"
tap_ok $? "stat, debugfs not mounted: exit 5 before running the command"

# 4. status, record, report, top's errors, dispatch.
pvt status -d "$fix/6.1-pv-ext" -P "$t/noparams"
[ "$rc" = 0 ] && grep -q '^pvtrace  *loaded, version 0.1.0' "$t/stdout" &&
	grep -q '^hypercalls  *on: counted and timed' "$t/stdout" &&
	grep -q '^recorder  *stopped: 6821 records, 1377 lost' "$t/stdout"
tap_ok $? "status: loaded, version, hooks, recorder"
pvt status -d "$fix/generic-steal" -P "$t/noparams"
[ "$rc" = 0 ] && grep -q '^hypercalls  *off: not a Xen guest' "$t/stdout" &&
	grep -q '^steal  *on: generic' "$t/stdout"
tap_ok $? "status, steal-only (KVM): hypercalls off and why"
mkdir -p "$t/params"
echo 0 >"$t/params/hypercalls"
rm -rf "$t/v" && cp -R "$fix/6.1-pv" "$t/v"
sed -i 's/^hooks .*/hooks upcalls,steal/' "$t/v/summary"
pvt status -d "$t/v" -P "$t/params" --json
[ "$rc" = 0 ] && grep -q '"hypercalls":"off: module parameter hypercalls=0"' "$t/stdout"
tap_ok $? "status --json: a hook off by its module parameter says which"
pvt status -d "$t/dbg/pvtrace"
[ "$rc" = 5 ] && grep -q 'not available' "$t/stdout"
tap_ok $? "status, debugfs not mounted: exit 5, says so"
# Not root: debugfs is root-only (mode 0700), so any other user is refused
# at the tree; a file made 0400 refuses it the same way one level down.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	rm -rf "$t/np" && mkdir -p "$t/np/dbg" && cp -R "$fix/6.1-pv" "$t/np/dbg/pvtrace"
	chmod 0700 "$t/np/dbg"
	chmod 0755 "$t" "$t/np"
	cp "$PVTRACE" "$t/np/pvtrace" && chmod 0755 "$t/np/pvtrace"
	# asuser ARGS...: the command as nobody; status in $rc, stderr in $t/np/err.
	asuser() {
		setpriv --reuid=65534 --regid=65534 --clear-groups "$t/np/pvtrace" "$@" \
			>/dev/null 2>"$t/np/err"
		rc=$?
	}
	asuser stat -d "$t/np/dbg/pvtrace" -- true
	r1=$rc
	[ "$rc" = 6 ] && [ "$(wc -l <"$t/np/err")" = 1 ] &&
		grep -q 'permission denied: debugfs is root-only, run pvtrace as root' "$t/np/err"
	ok1=$?
	chmod 0755 "$t/np/dbg"
	chmod 0400 "$t/np/dbg/pvtrace/summary"
	asuser status -d "$t/np/dbg/pvtrace"
	r2=$rc
	[ $ok1 = 0 ] && [ "$rc" = 6 ] && grep -q 'pvtrace/summary: permission denied' "$t/np/err"
	tap_ok $? "not root: stat and status exit 6 with one line saying to run as root ($r1 $r2)"
else
	tap_skip "not root: stat and status exit 6" "needs root and setpriv to become another user"
fi

rm -rf "$t/rec" && cp -R "$fix/6.1-pv-ext" "$t/rec"
cp "$top/selftests/report/fixtures/basic.trace" "$t/rec/recorder/trace"
for p in record record_filter record_buffer_kb; do echo x >"$t/params/$p"; done
pvt record -d "$t/rec" -P "$t/params" -F hcall -b 64 -o "$t/out.trace" -- sh -c "cat $t/params/record >$t/during; exit 4"
[ "$rc" = 4 ] && [ "$(cat "$t/during")" = on ] && [ "$(cat "$t/params/record")" = off ] &&
	[ "$(cat "$t/params/record_filter")" = hcall ] && [ "$(cat "$t/params/record_buffer_kb")" = 64 ] &&
	cmp -s "$t/out.trace" "$t/rec/recorder/trace" && cmp -s "$t/out.trace.status" "$t/rec/recorder/status"
tap_ok $? "record -- CMD: filter and buffer set, on during CMD, off after, trace and status copied, CMD's status"
pvt record -d "$t/rec" -P "$t/params" -t 0.2 -o -
[ "$rc" = 0 ] && cmp -s "$t/stdout" "$t/rec/recorder/trace"
tap_ok $? "record -t 0.2 -o -: the trace on stdout"

# Streams (fake ones here: files that end at once): each CPU's lines merged
# by time, the header once; the loss the status reports, said on stderr.
rm -rf "$t/recs" && cp -R "$t/rec" "$t/recs" && mkdir "$t/recs/recorder/stream"
h=$(sed -n 1p "$t/rec/recorder/trace")
printf '%s\n' "$h" "30 0 steal steal - 0 1 - - -" "10 0 hcall xen_version - 5 0 - f+0x1/0x9 vmlinux" \
	"40 0 steal steal - 0 1 - - -" >"$t/recs/recorder/stream/cpu0"
printf '%s\n' "$h" "20 1 steal steal - 0 1 - - -" "30 1 steal steal - 0 1 - - -" >"$t/recs/recorder/stream/cpu1"
printf '%s\n' "$h" >"$t/recs/recorder/stream/cpu2"
printf '%s\n' "$h" "10 0 hcall xen_version - 5 0 - f+0x1/0x9 vmlinux" "20 1 steal steal - 0 1 - - -" \
	"30 0 steal steal - 0 1 - - -" "30 1 steal steal - 0 1 - - -" "40 0 steal steal - 0 1 - - -" >"$t/want.trace"
lost=$(awk '$1 == "lost" { print $2 }' "$t/recs/recorder/status")
{
	echo "# pvtrace-recording 1"
	awk 'FNR > 1 { print "# " $0 }' "$t/recs/summary" "$t/recs/recorder/status"
	cat "$t/want.trace"
} >"$t/want.rec"
pvt record -d "$t/recs" -P "$t/params" -t 0.1 -o "$t/s.trace"
[ "$rc" = 0 ] && cmp -s "$t/s.trace" "$t/want.rec" && cmp -s "$t/s.trace.status" "$t/recs/recorder/status" &&
	grep -q "^pvtrace: $lost events were lost" "$t/stderr"
tap_ok $? "record with streams: the recording's header (summary, status), 3 CPUs' lines merged by time, status copied, $lost lost events said"
printf '%s\n' "$h" "30 0 steal steal - 0 1 - - -" "4x 0 steal" >"$t/recs/recorder/stream/cpu0"
pvt record -d "$t/recs" -P "$t/params" -t 0.1 -o "$t/s2.trace"
[ "$rc" = 3 ] && [ ! -s "$t/s2.trace" ] && grep -q 'a line without a time' "$t/stderr" &&
	[ "$(cat "$t/params/record")" = off ]
tap_ok $? "record with a malformed stream: exit 3, nothing written, the recording stopped"
# A stream that never ends (a FIFO held open): killing pvtrace record takes
# its reader along, so no stream of the recording stays open.
rm -f "$t/recs/recorder/stream/"* && mkfifo "$t/recs/recorder/stream/cpu0"
sleep 30 <>"$t/recs/recorder/stream/cpu0" &
holder=$!
"$PVTRACE" record -d "$t/recs" -P "$t/params" -o "$t/s3.trace" -- sleep 30 >/dev/null 2>&1 &
rec=$!
sleep 1
kids=$(pgrep -P $rec | wc -l)
cmd=$(pgrep -P $rec -x sleep)
kill -9 $rec
wait $rec 2>/dev/null
sleep 1
left=$(pgrep -f "record -d $t/recs" | wc -l)
kill $holder $cmd 2>/dev/null
tap_diag "children of pvtrace record: $kids; left after kill -9: $left"
[ "$kids" -ge 2 ] && [ "$left" = 0 ]
tap_ok $? "record killed: its stream reader goes with it"

sh "$top/scripts/pvtrace-report" -s "$top/selftests/report/fixtures/basic.status" \
	"$top/selftests/report/fixtures/basic.trace" >"$t/want.txt" 2>&1
PATH=$top/scripts:$PATH "$PVTRACE" report -s "$top/selftests/report/fixtures/basic.status" \
	"$top/selftests/report/fixtures/basic.trace" >"$t/got.txt" 2>&1
rc=$?
[ "$rc" = 0 ] && [ -s "$t/got.txt" ] && cmp -s "$t/got.txt" "$t/want.txt"
tap_ok $? "report: runs pvtrace-report, same report"

pvt top -d "$t/dbg/pvtrace" -n 1
[ "$rc" = 5 ]
tap_ok $? "top, debugfs not mounted: exit 5"
pvt top -d "$fix/6.1-pv" -s bogus
[ "$rc" = 2 ]
tap_ok $? "top -s bogus: exit 2"
pvt frobnicate
[ "$rc" = 2 ] && grep -q "unknown command 'frobnicate'" "$t/stderr"
tap_ok $? "an unknown command: exit 2"
pvt --help
[ "$rc" = 0 ] && grep -q '^  stat ' "$t/stdout" && grep -q '7 a newer debugfs format' "$t/stdout"
tap_ok $? "--help: the commands and the exit codes"

# The manual: renders without a warning, documents every command and
# every exit code the program defines.
man1=$top/Documentation/pvtrace.1
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man --warnings -l "$man1" >"$t/man.txt" 2>"$t/man.err"
	[ ! -s "$t/man.err" ] && grep -q '^EXIT STATUS' "$t/man.txt"
	r=$?
	[ $r -ne 0 ] && tap_diag - <"$t/man.err"
	tap_ok $r "man -l Documentation/pvtrace.1: renders, no warning"
else
	tap_skip "man -l Documentation/pvtrace.1" "no man"
fi
bad=
for c in stat top export status record report; do
	grep -q "^\.SS $c\$" "$man1" || bad="$bad $c"
done
# shellcheck disable=SC2013 # numbers
for code in $(sed -n 's/.*PVT_EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' "$top/scripts/pvtrace/pvtrace.h"); do
	grep -A1 '^\.TP$' "$man1" | grep -qx "\.B $code" || bad="$bad exit$code"
done
[ -z "$bad" ]
tap_ok $? "the manual has a section per command and every exit code of pvtrace.h (missing:${bad:- none})"

tap_end
