#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unit tests of scripts/pvtrace-exporter, in TAP; exit 1 if any fails.
# Every conversion runs twice: with busybox sh and busybox awk alone on the
# PATH (as in a minimal guest), and with the host's sh and awk. Inputs:
# fixtures/ (see fixtures/README); expected outputs: expected/.
# Usage: run.sh [--update]   (--update rewrites expected/ from busybox runs)
# Env: BUSYBOX (default: the lab's static busybox, else busybox on the PATH;
#      the busybox runs are skipped if there is none), PROMTOOL (default
#      promtool; its checks are skipped if it is missing).
set -u

here=$(cd "$(dirname "$0")" && pwd)
exp=$here/../../scripts/pvtrace-exporter
fix=$here/fixtures
want=$here/expected
update=0
[ "${1:-}" = --update ] && update=1

# shellcheck source-path=SCRIPTDIR source=../lib/tap-host.sh
. "$here/../lib/tap-host.sh"
PROMTOOL=${PROMTOOL:-${PVTRACE_CACHE:-/var/cache/pvtrace-lab}/root/usr/bin/promtool}
command -v "$PROMTOOL" >/dev/null 2>&1 || PROMTOOL=

# run SHELL ARGS...: the exporter under busybox (PATH = busybox only) or the
# host's sh and awk. Output in $t/stdout, $t/stderr, status in $rc.
run() {
	_s=$1
	shift
	if [ "$_s" = busybox ]; then
		env -i PATH="$t/bb" TMPDIR="$t" "$t/bb/sh" "$exp" "$@" >"$t/stdout" 2>"$t/stderr"
	else
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR="$t" sh "$exp" "$@" >"$t/stdout" 2>"$t/stderr"
	fi
	rc=$?
}

# Only pvtrace_up 0 with HELP and TYPE.
is_up0() {
	[ "$(grep -c . "$1")" = 3 ] && grep -q '^# HELP pvtrace_up ' "$1" &&
		grep -q '^# TYPE pvtrace_up gauge$' "$1" && grep -q '^pvtrace_up 0$' "$1"
}
# No temporary file left next to the output.
clean_dir() {
	[ -z "$(find "$1" -name '.*.tmp')" ]
}

# same_ns NS SECONDS: a count of ns and the seconds the exporter printed for it
# agree to the ns (a difference of -0.0000005 prints as "-0" with %.0f).
same_ns() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = b * 1e9 - a; exit !(d < 0.5 && d > -0.5) }'
}

# 1. Real lab output and the hand-made generic mode: expected output,
# promtool, and values checked against the files independently.
for f in "$fix"/*/; do
	f=${f%/}
	name=${f##*/}
	for o in default min full; do
		case $o in
		default) opts= ;;
		min) opts="--no-cpu --no-subcommands --no-channels --no-callers --no-histograms --no-drivers" ;;
		full) opts="--cpu-histograms --channel-histograms" ;;
		esac
		for s in $shells; do
			mkdir -p "$t/out"
			# shellcheck disable=SC2086 # a list of options
			run "$s" -d "$f" -o "$t/out/pvtrace.prom" $opts
			if [ "$update" = 1 ] && [ "$s" = busybox ] && [ "$rc" = 0 ]; then
				mkdir -p "$want"
				cp "$t/out/pvtrace.prom" "$want/$name.$o.prom"
			fi
			[ "$rc" = 0 ] && [ ! -s "$t/stderr" ] && clean_dir "$t/out" &&
				cmp -s "$t/out/pvtrace.prom" "$want/$name.$o.prom"
			r=$?
			[ $r -ne 0 ] && { cat "$t/stderr"; diff "$want/$name.$o.prom" "$t/out/pvtrace.prom" | head -n 10; } | tap_diag -
			tap_ok $r "$name $o ($s sh+awk): exit 0, output as expected/$name.$o.prom"
		done
		if [ -n "$PROMTOOL" ]; then
			out=$("$PROMTOOL" check metrics <"$want/$name.$o.prom" 2>&1)
			r=$?
			[ $r -ne 0 ] && echo "$out" | tap_diag -
			tap_ok $r "$name $o: promtool check metrics"
		else
			tap_skip "$name $o: promtool check metrics" "no promtool"
		fi
	done

	d=$want/$name.default.prom
	m=$want/$name.min.prom
	# Structure: HELP and TYPE before the samples of every family, all under
	# pvtrace_, counters in _total, buckets cumulative and ending in +Inf.
	bad=$(awk '
		/^# HELP / { help[$3] = 1; next }
		/^# TYPE / { if (!help[$3] || ($4 == "counter" && $3 !~ /_total$/)) print "family " $3; type[$3] = $4; next }
		{ s = $1; sub(/\{.*/, "", s); f = s; sub(/_(bucket|sum|count)$/, "", f)
		  if (!(s in type) && !(f in type && type[f] == "histogram")) print "no TYPE: " s
		  if (s !~ /^pvtrace_[a-z0-9_]+$/) print "name " s }
		/_bucket\{/ { k = $1; sub(/,?le="[^"]*"\}$/, "", k)
		  if (k == pk && $2 + 0 < pv) print "not cumulative: " $0
		  if (k != pk && pk != "" && !inf) print "no +Inf: " pk
		  inf = ($0 ~ /le="\+Inf"/); pk = k; pv = $2 + 0 }
		END { if (pk != "" && !inf) print "no +Inf: " pk }' "$want/$name.full.prom")
	[ -z "$bad" ]
	r=$?
	[ $r -ne 0 ] && echo "$bad" | head -n 5 | tap_diag -
	tap_ok $r "$name: HELP/TYPE for every family, pvtrace_ names, _total counters, cumulative buckets ending in +Inf"

	# Independent values: sums of debugfs columns against the metrics.
	bad=
	# sumcol FILE AWK-COND COLUMN: the sum of a column over matching records.
	sumcol() { awk "NR > 1 && ($2) { v += \$$3 } END { printf \"%.0f\", v }" "$f/$1"; }
	# metric FILE NAME{LABELS}: the value of one sample.
	metric() { awk -v k="$2" 'index($0, k " ") == 1 { print $NF }' "$1"; }
	if [ -f "$f/hypercalls/percpu" ]; then
		# shellcheck disable=SC2013 # hypercall names: words
		for h in $(awk 'NR > 1 { print $1 }' "$f/hypercalls/totals"); do
			# Per vCPU (default) from percpu; summed (--no-cpu) from totals.
			a=$(sumcol hypercalls/percpu "\$2 == \"$h\"" 3)
			b=$(awk -v h="cpu=\"[0-9]+\",hypercall=\"$h\"}" '$1 ~ "^pvtrace_hypercall_calls_total[{]" h { v += $2 } END { printf "%.0f", v }' "$d")
			[ "$a" = "$b" ] || bad="$bad $h:percpu_calls:$a/$b"
			a=$(sumcol hypercalls/totals "\$1 == \"$h\"" 3)
			b=$(metric "$m" "pvtrace_hypercall_calls_total{hypercall=\"$h\"}")
			[ "$a" = "$b" ] || bad="$bad $h:calls:$a/$b"
			c=$(sumcol hypercalls/latency "\$1 == \"$h\"" 4)
			e=$(metric "$d" "pvtrace_hypercall_latency_seconds_count{hypercall=\"$h\"}")
			[ "$c" = "${e:-0}" ] || bad="$bad $h:latency_count:$c/$e"
		done
		a=$(awk 'NR > 1 && $1 == 1 && $2 == "sched_op" { print $6 }' "$f/hypercalls/percpu")
		[ -n "$a" ] && {
			b=$(metric "$d" 'pvtrace_hypercall_seconds_total{cpu="1",hypercall="sched_op"}')
			same_ns "$a" "$b" ||
				bad="$bad sched_op:seconds:$a/$b"
		}
	fi
	if [ -f "$f/upcalls/percpu" ]; then
		a=$(sumcol upcalls/percpu 1 2)
		b=$(metric "$m" pvtrace_upcalls_total)
		[ "$a" = "$b" ] || bad="$bad upcalls:$a/$b"
	fi
	# The files added with the recorder and the driver hook (6.1-pv-ext).
	if [ -f "$f/hypercalls/errors_percpu" ]; then
		# Each per-vCPU record is one sample; with --no-cpu
		# --no-subcommands, the errors file summed by (hypercall, errno).
		a=$(awk 'NR > 1 { printf "pvtrace_hypercall_errno_total{cpu=\"%s\",hypercall=\"%s\",subcommand=\"%s\",errno=\"%s\"} %s\n", $1, $2, $3, $4, $5 }' "$f/hypercalls/errors_percpu" | sort)
		b=$(grep '^pvtrace_hypercall_errno_total{' "$d" | sort)
		# (A live capture may have no error at all: none in either.)
		[ "$a" = "$b" ] || bad="$bad errors_percpu"
		a=$(awk 'NR > 1 { v[$1 "\",errno=\"" $3] += $4 } END { for (k in v) printf "pvtrace_hypercall_errno_total{hypercall=\"%s\"} %d\n", k, v[k] }' "$f/hypercalls/errors" | sort)
		b=$(grep '^pvtrace_hypercall_errno_total{' "$m" | sort)
		[ "$a" = "$b" ] || bad="$bad errors_summed"
	fi
	if [ -f "$f/recorder/status" ]; then
		# kv KEY: a value of recorder/status.
		kv() { awk -v k="$1" 'NR > 1 && $1 == k { print $2 }' "$f/recorder/status"; }
		rec=0
		[ "$(kv state)" = recording ] && rec=1
		for x in "pvtrace_recorder_records $(kv records)" "pvtrace_recorder_lost_total $(kv lost)" \
			"pvtrace_recorder_capacity $(kv capacity)" "pvtrace_recorder_incomplete $(kv incomplete)" \
			"pvtrace_recorder_recording $rec" \
			"pvtrace_recorder_info{state=\"$(kv state)\",filter=\"$(kv filter)\"} 1" \
			"pvtrace_slowest_skipped_total{event=\"hcall\"} $(kv slowest_skipped_hcall)" \
			"pvtrace_slowest_skipped_total{event=\"upcall\"} $(kv slowest_skipped_upcall)"; do
			for o in "$d" "$m"; do
				grep -qxF "$x" "$o" || bad="$bad recorder:$x"
			done
		done
	fi
	if [ -f "$f/slowest" ]; then
		# Rank 1 of each kind: duration in s, where it ran in the info.
		for e in hcall upcall; do
			a=$(awk -v e="$e" 'NR > 1 && $1 == 1 && $4 == e { print $7 }' "$f/slowest")
			b=$(metric "$d" "pvtrace_slowest_seconds{event=\"$e\"}")
			same_ns "$a" "$b" || bad="$bad slowest:$e:$a/$b"
			a=$(awk -v e="$e" 'NR > 1 && $1 == 1 && $4 == e { printf "pvtrace_slowest_info{event=\"%s\",cpu=\"%s\",name=\"%s\",detail=\"%s\",site=\"%s\",module=\"%s\"} 1", e, $3, $5, $6, $10, $11 }' "$f/slowest")
			grep -qxF "$a" "$d" || bad="$bad slowest_info:$e"
		done
		[ "$(grep -c '^pvtrace_slowest_' "$d")" = 6 ] || bad="$bad slowest:count"
	fi
	if [ -f "$f/drivers/functions" ]; then
		# Targets called: per-vCPU calls and times as functions_percpu,
		# summed as functions, histogram count = calls, _sum = total_ns;
		# targets never called: only info and missed.
		n0=0
		# shellcheck disable=SC2013 # target names: words
		for tg in $(awk 'NR > 1 { print $1 }' "$f/drivers/functions"); do
			c=$(awk -v t="$tg" 'NR > 1 && $1 == t { print $4 }' "$f/drivers/functions")
			ns=$(awk -v t="$tg" 'NR > 1 && $1 == t { print $5 }' "$f/drivers/functions")
			grep -q "^pvtrace_driver_function_info{target=\"$tg\",role=\"[^\"]*\",state=\"[a-z]*\",error=\"[-0-9]*\"} 1\$" "$d" || bad="$bad info:$tg"
			if [ "$c" = 0 ]; then
				n0=$((n0 + 1))
				grep "target=\"$tg\"[,}]" "$d" | grep -v '^pvtrace_driver_function_info' | grep -q ' [1-9][0-9]*$' && bad="$bad uncalled:$tg"
				grep "target=\"$tg\"" "$d" | grep -qv -e '^pvtrace_driver_function_info' -e '^pvtrace_driver_function_missed_total' && bad="$bad uncalled_series:$tg"
				continue
			fi
			a=$(awk -v t="$tg" 'NR > 1 && $2 == t { v += $3 } END { print v + 0 }' "$f/drivers/functions_percpu")
			b=$(awk -v t="target=\"$tg\"}" '$1 ~ /^pvtrace_driver_function_calls_total[{]cpu="[0-9]+",/ && index($1, t) { v += $2 } END { print v + 0 }' "$d")
			[ "$a" = "$c" ] && [ "$b" = "$c" ] || bad="$bad calls:$tg:$c/$a/$b"
			cpu1=$(awk -v t="$tg" 'NR > 1 && $1 == 1 && $2 == t { print $4 }' "$f/drivers/functions_percpu")
			b=$(metric "$d" "pvtrace_driver_function_seconds_total{cpu=\"1\",target=\"$tg\"}")
			same_ns "$cpu1" "$b" || bad="$bad seconds:$tg:$cpu1/$b"
			a=$(sumcol drivers/latency "\$1 == \"$tg\"" 4)
			b=$(metric "$d" "pvtrace_driver_function_latency_seconds_count{target=\"$tg\"}")
			[ "$a" = "$c" ] && [ "$b" = "$c" ] || bad="$bad latency:$tg:$a/$b"
			b=$(metric "$d" "pvtrace_driver_function_latency_seconds_sum{target=\"$tg\"}")
			same_ns "$ns" "$b" || bad="$bad latency_sum:$tg"
		done
		[ "$n0" -gt 0 ] || bad="$bad no-uncalled-target"
		a=$(awk 'NR > 1 { print $2 }' "$f/drivers/functions" | grep -c .)
		[ "$(grep -c '^pvtrace_driver_function_missed_total{' "$d")" = "$a" ] || bad="$bad missed_count"
		# Xenstore: types requested, kernel calls = histogram count; the
		# kernel total = xs_talkv's calls.
		ty=0
		# shellcheck disable=SC2013 # type names: words
		for x in $(awk 'NR > 1 && ($2 > 0 || $5 > 0) { print $1 }' "$f/drivers/xenbus"); do
			ty=$((ty + 1))
			k=$(awk -v t="$x" 'NR > 1 && $1 == t { print $2 }' "$f/drivers/xenbus")
			u=$(awk -v t="$x" 'NR > 1 && $1 == t { print $5 }' "$f/drivers/xenbus")
			[ "$(metric "$d" "pvtrace_xenbus_kernel_requests_total{type=\"$x\"}")" = "$k" ] &&
				[ "$(metric "$d" "pvtrace_xenbus_user_requests_total{type=\"$x\"}")" = "$u" ] || bad="$bad xenbus:$x"
			a=$(sumcol drivers/xenbus_latency "\$1 == \"$x\"" 4)
			b=$(metric "$d" "pvtrace_xenbus_kernel_request_latency_seconds_count{type=\"$x\"}")
			[ "$a" = "$k" ] && [ "${b:-0}" = "$k" ] || bad="$bad xenbus_latency:$x:$a/$b"
		done
		[ "$(grep -c '^pvtrace_xenbus_user_requests_total{' "$d")" = "$ty" ] || bad="$bad xenbus_types"
		[ "$(sumcol drivers/xenbus 1 2)" = "$(awk 'NR > 1 && $1 == "vmlinux:xs_talkv" { print $4 }' "$f/drivers/functions")" ] ||
			bad="$bad fixture:xenbus_kernel!=xs_talkv"
		[ "$(sumcol drivers/xenbus 1 5)" = "$(awk 'NR > 1 && $1 == "vmlinux:xenbus_dev_request_and_reply" { print $4 }' "$f/drivers/functions")" ] ||
			bad="$bad fixture:xenbus_user!=request_and_reply"
		grep -q -e '^pvtrace_driver_' -e '^pvtrace_xenbus_' "$m" && bad="$bad min:drivers"
	fi
	a=$(sumcol steal 1 2)
	b=$(metric "$m" pvtrace_steal_seconds_total)
	same_ns "$a" "$b" || bad="$bad steal:$a/$b"
	a=$(sumcol steal_ratio_hist 1 4)
	b=$(metric "$d" 'pvtrace_steal_window_ratio_percent_bucket{le="+Inf"}')
	[ "$a" = "$b" ] || bad="$bad steal_ratio_count:$a/$b"
	[ -z "$bad" ]
	r=$?
	[ $r -ne 0 ] && echo "$bad" | tap_diag -
	tap_ok $r "$name: counters and histogram counts equal the sums of the debugfs columns"
done

# 2. Broken input: a clear error naming the file, exit 3, and the previous
# good file replaced by pvtrace_up 0 (never left stale, never half written).
good=$fix/6.1-pv
# broken NAME FILE EXPECTED-STDERR-REGEX SED-SCRIPT|-empty|-nonl
# shellcheck disable=SC2016 # sed scripts
broken() {
	rm -rf "$t/in"
	cp -R "$good" "$t/in"
	case $4 in
	-empty) : >"$t/in/$2" ;;
	-nonl) printf '%s' "$(cat "$good/$2")" | head -c -7 >"$t/in/$2" ;;
	*) sed -e "$4" "$good/$2" >"$t/in/$2" ;;
	esac
	for s in $shells; do
		rm -rf "$t/out"
		mkdir -p "$t/out"
		cp "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
		run "$s" -d "$t/in" -o "$t/out/pvtrace.prom"
		[ "$rc" = 3 ] && is_up0 "$t/out/pvtrace.prom" && clean_dir "$t/out" &&
			grep -q "$2" "$t/stderr" && grep -Eq "$3" "$t/stderr"
		r=$?
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; head -n 3 "$t/out/pvtrace.prom"; } | tap_diag -
		tap_ok $r "$1 ($s): exit 3, error naming $2, only pvtrace_up 0 written"
	done
}
broken "empty file" hypercalls/totals 'is empty' -empty
broken "truncated: last line without newline" upcalls/percpu 'truncated' -nonl
# shellcheck disable=SC2016 # a sed script
broken "truncated histogram (cut at a line end)" hypercalls/latency 'truncated|not 18446744073709551615' '$d'
broken "record with a field too many" steal 'fields for 10 columns' '2s/$/ 7/'
broken "record with a field too few" hypercalls/percpu 'fields for 7 columns' '3s/ [0-9]*$//'
broken "non-numeric count" hypercalls/totals 'not an unsigned number' '2s/ [0-9]* / 12x /'
broken "negative number" upcalls/percpu 'not an unsigned number' '2s/ [0-9]* / -1 /'
broken "garbage header" summary 'first line' '1s/.*/<html>garbage/'
broken "double space" runstate 'single spaces' '2s/ /  /'
broken "histogram with a gap" steal_interval_hist 'does not follow' '4d'
broken "binary garbage" upcalls/channels 'first line|fields|number' '1s/^/\x01\x02/'
broken "a column renamed" hypercalls/totals 'no column' '1s/calls/kalls/'

# The files added with the flight recorder and the driver hook, as the
# others: any of them malformed fails the whole run.
good=$fix/6.1-pv-ext
broken "errors_percpu: empty" hypercalls/errors_percpu 'is empty' -empty
broken "errors_percpu: a field too few" hypercalls/errors_percpu 'fields for 5 columns' '2s/ [0-9]*$//'
broken "errors_percpu: garbage" hypercalls/errors_percpu 'first line' '1s/.*/<html>garbage/'
broken "recorder/status: empty" recorder/status 'is empty' -empty
broken "recorder/status: truncated" recorder/status 'truncated' -nonl
broken "recorder/status: non-numeric lost" recorder/status 'lost: "12x" is not an unsigned number' 's/^lost .*/lost 12x/'
# shellcheck disable=SC2016 # a sed script
broken "recorder/status: three columns" recorder/status 'expected the columns "key value"' '1s/$/ unit/; 2,$s/$/ x/'
broken "slowest: empty" slowest 'is empty' -empty
broken "slowest: garbage header" slowest 'first line' '1s/.*/<html>garbage/'
broken "slowest: non-numeric duration" slowest 'not an unsigned number' '2s/ block [0-9]* / block 1.2e9 /'
broken "slowest: two records of rank 1" slowest 'second record of rank 1' '3s/^2 /1 /'
broken "drivers/functions: empty" drivers/functions 'is empty' -empty
broken "drivers/functions: non-numeric missed" drivers/functions 'not an unsigned number' '2s/ 0 -$/ x -/'
broken "drivers/functions: a field too many" drivers/functions 'fields for 8 columns' '2s/$/ 1/'
broken "drivers/functions: a target twice" drivers/functions 'second record of target' '3s/^xen_netfront:xennet_poll /xen_netfront:xennet_start_xmit /'
broken "drivers/functions_percpu: negative number" drivers/functions_percpu 'not an unsigned number' '2s/ 0 0 0$/ -1 0 0/'
broken "drivers/latency: a gap" drivers/latency 'does not follow' '4d'
broken "drivers/xenbus: non-numeric" drivers/xenbus 'not an unsigned number' '3s/ [0-9]* / 9x /'
broken "drivers/xenbus: truncated" drivers/xenbus 'truncated' -nonl
# shellcheck disable=SC2016 # a sed script
broken "drivers/xenbus_latency: truncated histogram" drivers/xenbus_latency 'truncated|not 18446744073709551615' '$d'
good=$fix/6.1-pv

# 2b. The new files are optional (older modules, a hook off): missing, or
# with no record, their families are simply not written; the rest is the
# reviewed output. absent DESCRIPTION DROP-ERE CHANGED-ERE COMMAND: the
# fixture 6.1-pv-ext changed by COMMAND (run in the copy) gives exit 0,
# nothing on stderr, no line matching DROP-ERE, and its output less the
# lines matching DROP-ERE or CHANGED-ERE (checked by the caller, in
# $t/out/pvtrace.prom) is expected/6.1-pv-ext.default.prom less them.
ext=$fix/6.1-pv-ext
absent() {
	rm -rf "$t/in"
	cp -R "$ext" "$t/in"
	(cd "$t/in" && eval "$4")
	for s in $shells; do
		rm -rf "$t/out"
		mkdir -p "$t/out"
		run "$s" -d "$t/in" -o "$t/out/pvtrace.prom"
		_x="^(# (HELP|TYPE) )?($2|${3:-^$})"
		[ "$rc" = 0 ] && [ ! -s "$t/stderr" ] && ! grep -Eq "^(# (HELP|TYPE) )?($2)" "$t/out/pvtrace.prom" &&
			[ "$(grep -Ev "$_x" "$t/out/pvtrace.prom")" = "$(grep -Ev "$_x" "$want/6.1-pv-ext.default.prom")" ]
		r=$?
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; diff "$want/6.1-pv-ext.default.prom" "$t/out/pvtrace.prom" | head -n 6; } | tap_diag -
		tap_ok $r "$1 ($s): exit 0, no such family, the rest as expected"
	done
}
# fams ERE: the samples of the families matching ERE in a file, sorted.
fams() {
	grep -E "^($1)" "$2" | sort
}
absent "no recorder/ (a module before the flight recorder)" 'pvtrace_recorder_|pvtrace_slowest_skipped_total' '' 'rm -r recorder'
absent "recorder/status with no record" 'pvtrace_recorder_|pvtrace_slowest_skipped_total' '' 'sed -i 1q recorder/status'
absent "recorder/trace garbage: never read" '^$' '' 'printf "\001garbage" >recorder/trace'
absent "no slowest file" 'pvtrace_slowest_(seconds|info)' '' 'rm slowest'
absent "slowest with no record (nothing timed yet)" 'pvtrace_slowest_(seconds|info)' '' 'sed -i 1q slowest'
absent "no drivers/ (hook off, or not a Xen guest)" 'pvtrace_driver_|pvtrace_xenbus_' '' 'rm -r drivers'
absent "no drivers/latency" 'pvtrace_driver_function_latency_' '' 'rm drivers/latency'
absent "no drivers/xenbus_latency" 'pvtrace_xenbus_kernel_request_latency_' '' 'rm drivers/xenbus_latency'
absent "no drivers/xenbus" 'pvtrace_xenbus_(kernel_requests_total|kernel_request_seconds_total|kernel_request_max_seconds|user_requests_total|kernel_request_latency_seconds_sum)' '' 'rm drivers/xenbus'
absent "no drivers/functions" 'pvtrace_driver_function_(info|missed_total|latency_seconds_sum)' '' 'rm drivers/functions'
# Without a per-vCPU file, the summed file gives the family, as --no-cpu.
for s in $shells; do
	run "$s" -d "$ext" -o "$t/nocpu.prom" --no-cpu
	cp "$t/nocpu.prom" "$t/nocpu.$s.prom"
done
absent "no drivers/functions_percpu" '^$' 'pvtrace_driver_function_(calls_total|seconds_total|max_seconds)' 'rm drivers/functions_percpu'
_f='pvtrace_driver_function_(calls_total|seconds_total|max_seconds)[{]'
[ -n "$(fams "$_f" "$t/out/pvtrace.prom")" ] && [ "$(fams "$_f" "$t/out/pvtrace.prom")" = "$(fams "$_f" "$t/nocpu.host.prom")" ]
tap_ok $? "no drivers/functions_percpu: calls, times and max per target from drivers/functions, as with --no-cpu"
absent "no hypercalls/errors_percpu" '^$' 'pvtrace_hypercall_errno_total' 'rm hypercalls/errors_percpu'
_f='pvtrace_hypercall_errno_total[{]'
[ -n "$(fams "$_f" "$t/out/pvtrace.prom")" ] && [ "$(fams "$_f" "$t/out/pvtrace.prom")" = "$(fams "$_f" "$t/nocpu.host.prom")" ]
tap_ok $? "no hypercalls/errors_percpu: errno_total from hypercalls/errors, without cpu, as with --no-cpu"
absent "hypercalls/errors_percpu with no record" 'pvtrace_hypercall_errno_total' '' 'sed -i 1q hypercalls/errors_percpu'

# 2c. The switches on the new families.
for s in $shells; do
	# --no-cpu: summed over vCPUs, equal to the summed files.
	a=$(awk 'NR > 1 && $4 > 0 { printf "pvtrace_driver_function_calls_total{target=\"%s\"} %s\n", $1, $4 }' "$ext/drivers/functions" | sort)
	b=$(fams 'pvtrace_driver_function_calls_total[{]' "$t/nocpu.$s.prom")
	! grep -q '[{,]cpu="' "$t/nocpu.$s.prom" && [ -n "$a" ] && [ "$a" = "$b" ] &&
		grep -qx 'pvtrace_hypercall_errno_total{hypercall="event_channel_op",subcommand="send",errno="22"} 2' "$t/nocpu.$s.prom" &&
		grep -qx 'pvtrace_slowest_info{event="hcall",name="sched_op",detail="block",site="xen_safe_halt+0x11/0x20",module="vmlinux"} 1' "$t/nocpu.$s.prom"
	tap_ok $? "--no-cpu ($s): no cpu label; driver calls, errno counts as the summed files"
	run "$s" -d "$ext" -o - --no-drivers
	_x='^(# (HELP|TYPE) )?(pvtrace_driver_|pvtrace_xenbus_)'
	[ "$rc" = 0 ] && ! grep -Eq "$_x" "$t/stdout" &&
		[ "$(grep -Ev "$_x" "$t/stdout")" = "$(grep -Ev "$_x" "$want/6.1-pv-ext.default.prom")" ]
	tap_ok $? "--no-drivers ($s): no driver or xenbus series, the rest unchanged"
	run "$s" -d "$ext" -o - --no-histograms
	[ "$rc" = 0 ] && ! grep -q '_bucket{' "$t/stdout" && grep -q '^pvtrace_driver_function_calls_total{' "$t/stdout" &&
		grep -q '^pvtrace_xenbus_kernel_requests_total{' "$t/stdout"
	tap_ok $? "--no-histograms ($s): no driver or xenbus histograms, their counters kept"
done

# 3. Not loaded, not mounted: pvtrace_up 0, exit 1.
for s in $shells; do
	rm -rf "$t/out" "$t/dbg"
	mkdir -p "$t/out" "$t/dbg/other"
	cp "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
	run "$s" -d "$t/dbg/pvtrace" -o "$t/out/pvtrace.prom"
	[ "$rc" = 1 ] && is_up0 "$t/out/pvtrace.prom" && grep -q 'not loaded' "$t/stderr" && clean_dir "$t/out"
	tap_ok $? "pvtrace not loaded ($s): exit 1, stale file replaced by pvtrace_up 0"
	rmdir "$t/dbg/other"
	cp "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
	run "$s" -d "$t/dbg/pvtrace" -o "$t/out/pvtrace.prom"
	[ "$rc" = 1 ] && is_up0 "$t/out/pvtrace.prom" && grep -q 'not mounted' "$t/stderr"
	tap_ok $? "debugfs not mounted ($s): exit 1, pvtrace_up 0"
done

# 4. Usage errors: exit 2, a message, the output left alone.
usage_case() { # DESCRIPTION REGEX ARGS...
	_d=$1 _re=$2
	shift 2
	for s in $shells; do
		rm -rf "$t/out"
		mkdir -p "$t/out"
		cp "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
		run "$s" "$@"
		[ "$rc" = 2 ] && grep -Eq "$_re" "$t/stderr" &&
			cmp -s "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
		r=$?
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; } | tap_diag -
		tap_ok $r "usage error, $_d ($s): exit 2, output untouched"
	done
}
usage_case "unknown option" "unknown option '--bogus'" -d "$good" -o "$t/out/pvtrace.prom" --bogus
usage_case "-o without a value" "needs a value" -d "$good" -o
usage_case "--max-series not a number" "needs a number" -d "$good" -o "$t/out/pvtrace.prom" --max-series 1k
usage_case "output directory missing" "does not exist" -d "$good" -o "$t/nodir/pvtrace.prom"
usage_case "contradictory switches" "contradicts" -d "$good" -o "$t/out/pvtrace.prom" --no-cpu --cpu-histograms
usage_case "stray argument" "unexpected argument 'extra'" -d "$good" -o "$t/out/pvtrace.prom" extra

# 5. The default series count of a 64-vCPU guest with 256 channels, made
# from the PV capture with the files added since (6.1-pv-ext) by
# ../lib/v64-tree.sh. Documentation/exporter.rst gives the formula.
"$here/../lib/v64-tree.sh" "$fix/6.1-pv-ext" "$t/v64"
for s in $shells; do
	run "$s" -d "$t/v64" -o "$t/out/v64.prom"
	series=$(grep -vc '^#' "$t/out/v64.prom")
	cpus=$(grep '^pvtrace_steal_seconds_total{' "$t/out/v64.prom" | grep -c .)
	[ "$rc" = 0 ] && [ "$cpus" = 64 ] && [ "$series" -le 10000 ]
	tap_ok $? "64 vCPUs, 256 channels, default options ($s): $series series, within the default bound of 10000"
done

# 6. The series bound, atomic replacement, --help.
for s in $shells; do
	rm -rf "$t/out"
	mkdir -p "$t/out"
	run "$s" -d "$good" -o "$t/out/pvtrace.prom" --max-series 100
	[ "$rc" = 3 ] && is_up0 "$t/out/pvtrace.prom" && grep -q 'exceed --max-series 100' "$t/stderr"
	tap_ok $? "--max-series 100 on $(grep -vc '^#' "$want/6.1-pv.default.prom") series ($s): exit 3, pvtrace_up 0"

	cp "$want/6.1-pvh.default.prom" "$t/out/pvtrace.prom"
	ln "$t/out/pvtrace.prom" "$t/old"
	run "$s" -d "$good" -o "$t/out/pvtrace.prom"
	# A rename leaves the old inode (still open by a reader) whole.
	[ "$rc" = 0 ] && cmp -s "$t/old" "$want/6.1-pvh.default.prom" &&
		cmp -s "$t/out/pvtrace.prom" "$want/6.1-pv.default.prom" && clean_dir "$t/out"
	tap_ok $? "the output is replaced by rename, not rewritten in place ($s)"
	rm -f "$t/old"

	# A device or a FIFO (-o /dev/null) is written in place, not renamed over:
	# a FIFO here, as a regression must not replace the host's /dev/null.
	rm -f "$t/fifo" && mkfifo "$t/fifo"
	cat "$t/fifo" >"$t/fifo.out" &
	run "$s" -d "$good" -o "$t/fifo"
	wait $!
	[ "$rc" = 0 ] && [ -p "$t/fifo" ] && cmp -s "$t/fifo.out" "$want/6.1-pv.default.prom"
	tap_ok $? "-o FIFO: written in place, the whole output through the pipe ($s)"

	run "$s" --help
	[ "$rc" = 0 ] && grep -q -- '--no-cpu' "$t/stderr"
	tap_ok $? "--help ($s)"
done

tap_end
