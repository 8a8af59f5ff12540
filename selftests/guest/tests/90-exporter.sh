#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: exporter
# shellcheck disable=SC2016 # awk programs in single quotes
# scripts/pvtrace-exporter in the guest, after a short flight recording: its
# file, served by a real
# node_exporter (textfile collector) over loopback, holds every metric
# family of the files present, with values bracketed by debugfs reads made
# just before and just after it ran (counters never go backwards, so the
# tolerance is nil: before <= exported <= after); after rmmod it writes
# only pvtrace_up 0 and exits non-zero. The fetched /metrics is printed
# (gzip + base64) between ##EXPORTER-METRICS-BEGIN/END for matrix.sh to
# check with promtool on the host. With pvtrace.exporter_capture=1 on the
# kernel command line it also prints the whole debugfs tree between
# ##EXPORTER-CAPTURE-BEGIN/END (selftests/exporter/extract-capture.sh).
. "$(dirname "$0")/../lib.sh"

EXP=/usr/bin/pvtrace-exporter
NE=/usr/bin/prometheus-node-exporter
TD=/tmp/textfile
OUT=$TD/pvtrace.prom
ADDR=127.0.0.1:9100
W=/tmp/exp90
P=/sys/module/pvtrace/parameters

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
[ -x "$EXP" ] || tap_skip_all "$EXP is not in the initramfs"

rm -rf "$W" "$TD"
mkdir -p "$W" "$TD"

# snap DIR: one copy of every debugfs file pvtrace has now.
snap() {
	(cd "$PVT_DIR" && find . -type f) | while read -r _f; do
		mkdir -p "$1/${_f%/*}"
		cat "$PVT_DIR/$_f" >"$1/$_f"
	done
}

# Some activity, so that the counters move while the exporter runs, under
# a short recording (stopped before the export: recorder/status then has
# records, and values that no longer change).
recorded=0
if [ -f "$PVT_DIR/recorder/status" ] && [ -w "$P/record" ]; then
	echo all >"$P/record_filter" 2>/dev/null
	echo on >"$P/record" && recorded=1
fi
i=0
while [ $i -lt 50 ]; do
	cat /sys/hypervisor/version/major >/dev/null 2>&1
	i=$((i + 1))
done
[ $recorded = 1 ] && echo off >"$P/record"

if grep -q 'pvtrace.exporter_capture=1' /proc/cmdline; then
	snap "$W/cap"
	echo "##EXPORTER-CAPTURE-BEGIN"
	tar czf - -C "$W/cap" . | base64
	echo "##EXPORTER-CAPTURE-END"
fi

# only_prom: the textfile directory holds pvtrace.prom and nothing else (no
# temporary file left behind).
only_prom() {
	[ "$(cd "$TD" && echo .* *)" = ". .. pvtrace.prom" ]
}

tap_plan 10

snap "$W/a"
"$EXP" -o "$OUT" 2>"$W/err"
rc=$?
snap "$W/b"
[ -s "$W/err" ] && sed 's/^/# stderr: /' "$W/err"
[ $rc -eq 0 ] && [ -s "$OUT" ] && only_prom
tap_ok $? "the exporter exits 0 and leaves only $OUT ($(grep -vc '^#' "$OUT") series)"

# Format: every sample is under pvtrace_, of a family with HELP and TYPE
# given before it; counters end in _total; histograms have +Inf buckets.
bad=$(awk '
	/^# HELP / { help[$3] = 1; next }
	/^# TYPE / { type[$3] = $4; if (!help[$3]) printf "nohelp:%s ", $3
		if ($4 == "counter" && $3 !~ /_total$/) printf "counter:%s ", $3; next }
	/^#/ { next }
	{ n = $1; sub(/\{.*/, "", n); f = n
	  if (!(f in type)) { f = n; sub(/_(bucket|sum|count)$/, "", f) }
	  if (n !~ /^pvtrace_/) printf "prefix:%s ", n
	  else if (!(f in type)) printf "notype:%s ", n
	  if (n ~ /_bucket$/ && $0 ~ /le="\+Inf"/) inf[f]++
	  if (type[f] == "histogram" && n ~ /_count$/) cnt[f]++ }
	END { for (f in cnt) if (cnt[f] != inf[f]) printf "inf:%s ", f }' "$OUT")
[ -z "$bad" ]
tap_ok $? "HELP and TYPE for every metric, all under pvtrace_, counters end in _total (bad: ${bad:-none})"

# The families each file gives (the histograms with the default options).
fams() {
	case $1 in
	summary) echo pvtrace_up pvtrace_info pvtrace_vcpus_online pvtrace_torn_reads_total pvtrace_tick_seconds pvtrace_memory_percpu_bytes ;;
	hypercalls/status) echo pvtrace_hypercall_hook_installed pvtrace_hypercall_gs_base_calls_total ;;
	hypercalls/percpu) echo pvtrace_hypercall_calls_total pvtrace_hypercall_seconds_total pvtrace_hypercall_max_seconds ;;
	hypercalls/subcommands) echo pvtrace_hypercall_subcommand_calls_total ;;
	hypercalls/latency) echo pvtrace_hypercall_latency_seconds_bucket ;;
	hypercalls/subcommand_latency) echo pvtrace_hypercall_subcommand_latency_seconds_bucket ;;
	hypercalls/callers) echo pvtrace_hypercall_caller_calls_total ;;
	hypercalls/multicall_batches) echo pvtrace_multicall_batch_entries_bucket ;;
	hypercalls/multicall_flush_reasons) echo pvtrace_multicall_early_flushes_total ;;
	upcalls/status) echo pvtrace_upcall_channels pvtrace_upcall_probe_missed_total ;;
	upcalls/percpu) echo pvtrace_upcalls_total pvtrace_upcall_events_total pvtrace_upcall_seconds_total ;;
	upcalls/latency) echo pvtrace_upcall_latency_seconds_bucket ;;
	upcalls/events_per_upcall) echo pvtrace_upcall_events_per_upcall_bucket ;;
	upcalls/channels) echo pvtrace_channel_info pvtrace_channel_handler_calls_total ;;
	steal) echo pvtrace_steal_seconds_total pvtrace_steal_elapsed_seconds_total ;;
	runstate) echo pvtrace_runstate_seconds_total ;;
	steal_interval_hist) echo pvtrace_steal_per_interval_seconds_bucket ;;
	steal_ratio_hist) echo pvtrace_steal_window_ratio_percent_bucket ;;
	hypercalls/errors_percpu) echo pvtrace_hypercall_errno_total ;;
	recorder/status) echo pvtrace_recorder_info pvtrace_recorder_recording pvtrace_recorder_records pvtrace_recorder_lost_total pvtrace_recorder_capacity pvtrace_slowest_skipped_total ;;
	slowest) echo pvtrace_slowest_seconds pvtrace_slowest_info ;;
	drivers/functions) echo pvtrace_driver_function_info pvtrace_driver_function_missed_total ;;
	esac
}
# A file with records gives its families (errors and multicall_ops may
# have none in a short run; they are checked by the unit tests).
want=
for f in summary hypercalls/status hypercalls/percpu hypercalls/subcommands \
	hypercalls/latency hypercalls/subcommand_latency hypercalls/callers \
	hypercalls/multicall_batches hypercalls/multicall_flush_reasons \
	upcalls/status upcalls/percpu upcalls/latency upcalls/events_per_upcall \
	upcalls/channels steal runstate steal_interval_hist steal_ratio_hist \
	hypercalls/errors_percpu recorder/status slowest drivers/functions; do
	[ "$(grep -vc '^#' "$W/a/$f" 2>/dev/null)" -gt 0 ] 2>/dev/null || continue
	want="$want $(fams $f)"
done
missing=
for m in $want; do
	grep -q "^${m}[{ ]" "$OUT" || missing="$missing $m"
done
tap_diag "families expected from the files present: $(echo "$want" | wc -w)"
[ -z "$missing" ]
tap_ok $? "every metric family of the files present is exported (missing:${missing:- none})"

# Values: before <= exported <= after, for per-vCPU and summed counters,
# a histogram count, and steal time (ns against exact decimal seconds).
# between NAME SAMPLE-REGEX AWK-PROGRAM-ON-FILE FILE [SCALE]: the exported
# samples matching the regex (summed) lie between the program's values on
# the before and after copies of FILE.
between() {
	_e=$(awk -v m="$2" '!/^#/ && $1 ~ m { v += $NF } END { printf "%.9f", v }' "$OUT")
	_a=$(awk "$3" "$W/a/$4")
	_b=$(awk "$3" "$W/b/$4")
	awk -v a="$_a" -v e="$_e" -v b="$_b" -v s="${5:-1}" \
		'BEGIN { exit !(a + 0 <= e * s + 0.5 && e * s <= b + 0.5) }' || echo "$1($_a<=$_e<=$_b)"
}
bad=
if [ -f "$W/a/hypercalls/percpu" ]; then
	for h in sched_op vcpu_op xen_version; do
		grep -q " $h " "$W/a/hypercalls/percpu" || continue
		bad="$bad$(between "calls[$h]" "^pvtrace_hypercall_calls_total[{]cpu=\"[0-9]+\",hypercall=\"$h\"[}]\$" \
			"\$2 == \"$h\" { v += \$3 } END { printf \"%.0f\", v }" hypercalls/percpu)"
		bad="$bad$(between "calls[cpu0,$h]" "^pvtrace_hypercall_calls_total[{]cpu=\"0\",hypercall=\"$h\"[}]\$" \
			"\$1 == 0 && \$2 == \"$h\" { v += \$3 } END { printf \"%.0f\", v }" hypercalls/percpu)"
		bad="$bad$(between "latency_count[$h]" "^pvtrace_hypercall_latency_seconds_count[{]hypercall=\"$h\"[}]\$" \
			"\$1 == \"$h\" { v += \$4 } END { printf \"%.0f\", v }" hypercalls/latency)"
	done
fi
if [ -f "$W/a/upcalls/percpu" ]; then
	bad="$bad$(between upcalls "^pvtrace_upcalls_total[{]" \
		'!/^#/ { v += $2 } END { printf "%.0f", v }' upcalls/percpu)"
fi
if [ -f "$W/a/steal" ]; then
	bad="$bad$(between elapsed_ns[cpu0] '^pvtrace_steal_elapsed_seconds_total[{]cpu="0"[}]$' \
		'$1 == "0" { printf "%s", $6 }' steal 1000000000)"
fi
v1=$(summary_get vcpus_online)
grep -q "^pvtrace_vcpus_online $v1\$" "$OUT" || bad="$bad vcpus_online"
[ -z "$bad" ]
tap_ok $? "values lie between debugfs reads just before and just after the run (bad:${bad:- none})"

# The flight recorder (stopped: records > 0, not recording) and the slowest
# calls (rank 1 of each kind: only grows, without slowest_reset).
if [ ! -f "$W/a/recorder/status" ]; then
	tap_skip "recorder and slowest values" "no recorder/status (a module before the recorder)"
else
	# rk COPY KEY: a value of recorder/status in the copy a or b.
	rk() {
		awk -v k="$2" '$1 == k { print $2 }' "$W/$1/recorder/status"
	}
	bad=
	bad="$bad$(between records '^pvtrace_recorder_records$' '$1 == "records" { printf "%s", $2 }' recorder/status)"
	bad="$bad$(between lost '^pvtrace_recorder_lost_total$' '$1 == "lost" { printf "%s", $2 }' recorder/status)"
	bad="$bad$(between capacity '^pvtrace_recorder_capacity$' '$1 == "capacity" { printf "%s", $2 }' recorder/status)"
	for e in hcall upcall; do
		bad="$bad$(between "skipped[$e]" "^pvtrace_slowest_skipped_total[{]event=\"$e\"[}]\$" \
			"\$1 == \"slowest_skipped_$e\" { printf \"%s\", \$2 }" recorder/status)"
		grep -q "^1 [0-9]* [0-9]* $e " "$W/a/slowest" 2>/dev/null || continue
		bad="$bad$(between "slowest[$e]" "^pvtrace_slowest_seconds[{]event=\"$e\"[}]\$" \
			"\$1 == 1 && \$4 == \"$e\" { printf \"%s\", \$7 }" slowest 1000000000)"
		grep -q "^pvtrace_slowest_info{event=\"$e\",cpu=\"[0-9]*\",name=" "$OUT" || bad="$bad slowest_info[$e]"
	done
	if [ $recorded = 1 ]; then
		[ "$(rk a state)" = stopped ] && [ "$(rk a records)" -gt 0 ] &&
			grep -qx 'pvtrace_recorder_recording 0' "$OUT" &&
			grep -qx "pvtrace_recorder_info{state=\"stopped\",filter=\"$(rk a filter)\"} 1" "$OUT" ||
			bad="$bad state($(rk a state),$(rk a records))"
	fi
	! grep -q '^pvtrace_recorder_trace' "$OUT" || bad="$bad trace"
	tap_diag "recording: $(rk a records) records, $(rk a lost) lost; slowest: $(grep '^pvtrace_slowest_seconds' "$OUT" | tr '\n' ' ')"
	[ -z "$bad" ]
	tap_ok $? "recorder (records > 0, stopped) and slowest families equal or lie between the debugfs reads (bad:${bad:- none})"
fi

# node_exporter serving the directory, fetched over loopback.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
if [ ! -x "$NE" ]; then
	tap_skip "node_exporter serves the file" "$NE is not in the initramfs"
	tap_skip "/metrics has the exporter's values" "no node_exporter"
	nepid=
else
	"$NE" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$TD" --web.listen-address="$ADDR" \
		>"$W/ne.log" 2>&1 &
	nepid=$!
	i=0
	while ! wget -q -O "$W/metrics" "http://$ADDR/metrics" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 60 ] && break
		usleep 500000
	done
	grep -q '^node_textfile_scrape_error 0' "$W/metrics" && grep -q '^pvtrace_up 1' "$W/metrics"
	rc=$?
	[ $rc -ne 0 ] && tail -n 5 "$W/ne.log" | sed 's/^/# node_exporter: /'
	tap_ok $rc "node_exporter serves $OUT over $ADDR (node_textfile_scrape_error 0, pvtrace_up 1)"
	# Every sample of the file, in /metrics, same value (node_exporter
	# sorts labels by name and reformats numbers: both normalized here).
	bad=$(awk '
		function norm(s,   n, rest, i, j, t, k) {
			n = s; sub(/\{.*/, "", n); rest = substr(s, length(n) + 1)
			k = 0
			while (match(rest, /[a-z_]+="([^"\\]|\\.)*"/)) {
				t[++k] = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
				# node_exporter writes le="2.047e-06" for le="0.000002047".
				if (t[k] ~ /^le="[0-9]/) { x = t[k]; gsub(/^le="|"$/, "", x); t[k] = "le=\"" sprintf("%.12g", x + 0) "\"" }
			}
			for (i = 2; i <= k; i++) for (j = i; j > 1 && t[j - 1] > t[j]; j--) { x = t[j]; t[j] = t[j - 1]; t[j - 1] = x }
			for (i = 1; i <= k; i++) n = n (i == 1 ? "{" : ",") t[i]
			return k ? n "}" : n
		}
		/^#/ { next }
		{ v = $NF; $NF = ""; sub(/ $/, ""); k = norm($0) }
		FNR == NR { if (k ~ /^pvtrace_/) want[k] = v; next }
		k in want { got[k] = v }
		END { for (k in want) {
			if (!(k in got)) { printf "missing:%s ", k; if (++n > 5) exit; continue }
			d = want[k] - got[k]; if (d < 0) d = -d
			m = want[k] < 0 ? -want[k] : want[k]
			if (d > m * 1e-12) { printf "value:%s(%s/%s) ", k, want[k], got[k]; if (++n > 5) exit } } }' \
		"$OUT" "$W/metrics")
	[ -z "$bad" ]
	tap_ok $? "/metrics has every sample of the file with its value (bad: ${bad:-none})"
	echo "##EXPORTER-METRICS-BEGIN"
	gzip -c "$W/metrics" | base64
	echo "##EXPORTER-METRICS-END"
fi

# Cardinality switches: fewer series, still consistent.
"$EXP" -o "$W/min.prom" --no-cpu --no-subcommands --no-channels --no-callers --no-histograms --no-drivers 2>"$W/err2"
rc=$?
n_min=$(grep -vc '^#' "$W/min.prom")
n_def=$(grep -vc '^#' "$OUT")
[ $rc -eq 0 ] && ! grep -q -e 'cpu="' -e 'subcommand="' -e '_bucket' -e 'pvtrace_channel_' -e '^pvtrace_driver_' -e '^pvtrace_xenbus_' "$W/min.prom" &&
	[ "$n_min" -lt "$n_def" ]
tap_ok $? "--no-cpu --no-subcommands --no-channels --no-callers --no-histograms --no-drivers: $n_min series instead of $n_def"

# After rmmod: only pvtrace_up 0, exit non-zero, also in /metrics.
pvt_rmmod
"$EXP" -o "$OUT" 2>"$W/err3"
rc=$?
sed 's/^/# stderr: /' "$W/err3"
[ $rc -ne 0 ] && [ "$(grep -v '^#' "$OUT")" = "pvtrace_up 0" ] && [ "$(grep -c '^# \(HELP\|TYPE\) pvtrace_up ' "$OUT")" = 2 ] &&
	only_prom
tap_ok $? "after rmmod: exit $rc, the file holds only pvtrace_up 0 with HELP and TYPE"
if [ -n "$nepid" ]; then
	wget -q -O "$W/metrics0" "http://$ADDR/metrics" 2>/dev/null
	grep -q '^pvtrace_up 0' "$W/metrics0" && [ "$(grep -c '^pvtrace_' "$W/metrics0")" = 1 ]
	tap_ok $? "after rmmod: /metrics has pvtrace_up 0 and no other pvtrace sample"
	kill "$nepid"
	wait "$nepid" 2>/dev/null
else
	tap_skip "after rmmod: /metrics has pvtrace_up 0" "no node_exporter"
fi

# Leave pvtrace loaded for the tests that follow.
pvt_insmod
tap_done
