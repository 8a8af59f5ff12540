#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Grafana dashboard scripts/grafana/pvtrace.json, in TAP: it is JSON;
# every PromQL expression in it (panel targets, template queries) names
# only series the exporter writes (the sample names of the reviewed
# outputs, selftests/exporter/expected/*.prom, each family documented in
# Documentation/exporter.rst) and no other metric; it has the panels it is
# for. The checker is shown to catch a metric the exporter does not write.
# Usage: run.sh [DASHBOARD]
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
dash=${1:-$top/scripts/grafana/pvtrace.json}

# shellcheck source-path=SCRIPTDIR source=../lib/tap-host.sh
. "$top/selftests/lib/tap-host.sh"

# The series the exporter writes: every sample name of the expected outputs.
sed -n 's/^\(pvtrace_[a-z0-9_]*\)[{ ].*/\1/p' "$top"/selftests/exporter/expected/*.prom |
	sort -u >"$t/series"

# exprs FILE: every PromQL expression of a dashboard, one a line, unescaped.
exprs() {
	sed -n 's/^ *"\(expr\|query\|definition\)": *"\(.*\)",\{0,1\}$/\2/p' "$1" |
		sed 's/\\"/"/g; s/\\\\/\\/g'
}

# check FILE: one line per problem: a name that is not a series the
# exporter writes, or an identifier that is neither PromQL nor pvtrace_.
check() {
	exprs "$1" | awk -v series="$t/series" '
		BEGIN {
			while ((getline s < series) > 0) ok[s] = 1
			n = split("sum avg min max count rate irate increase delta deriv by without " \
				"histogram_quantile topk bottomk label_values on ignoring group_left " \
				"group_right offset bool and or unless abs clamp_min clamp_max " \
				"quantile stddev time vector scalar sort sort_desc prometheus", w, " ")
			for (i = 1; i <= n; i++) promql[w[i]] = 1
		}
		{
			e = $0
			gsub(/"([^"\\]|\\.)*"/, "", e)		# label values, strings
			gsub(/\{[^}]*\}/, "", e)		# label matchers
			gsub(/\[[^]]*\]/, "", e)		# ranges
			gsub(/(by|without|on|ignoring) *\([^)]*\)/, "", e)	# grouping labels
			gsub(/\$[A-Za-z_]+/, "", e)		# Grafana variables
			if (e ~ /^[a-z_]+$/ && e in promql)	# a datasource query type
				next
			# label_values(METRIC, LABEL): the label is no metric.
			gsub(/, *[a-z_]+\)/, ")", e)
			while (match(e, /[A-Za-z_:][A-Za-z0-9_:]*/)) {
				id = substr(e, RSTART, RLENGTH)
				e = substr(e, RSTART + RLENGTH)
				if (id in promql)
					continue
				if (id !~ /^pvtrace_/)
					print "not a pvtrace metric: " id " in: " $0
				else if (!(id in ok))
					print "not written by the exporter: " id " in: " $0
				else
					used[id] = 1
			}
		}
		END { for (id in used) print id > "/dev/stderr" }' 2>"$t/used"
}

if command -v python3 >/dev/null 2>&1; then
	python3 -m json.tool "$dash" >/dev/null 2>"$t/err"
	r=$?
	[ $r -ne 0 ] && tap_diag - <"$t/err"
	tap_ok $r "$(basename "$dash") is JSON (python3 -m json.tool)"
elif command -v jq >/dev/null 2>&1; then
	jq . "$dash" >/dev/null 2>"$t/err"
	tap_ok $? "$(basename "$dash") is JSON (jq)"
else
	tap_skip "$(basename "$dash") is JSON" "neither python3 nor jq"
fi

nexpr=$(exprs "$dash" | grep -c .)
bad=$(check "$dash")
[ "$nexpr" -ge 15 ] && [ -s "$t/series" ] && [ -z "$bad" ]
r=$?
[ $r -ne 0 ] && echo "$bad" | head -n 10 | tap_diag -
tap_ok $r "all $nexpr PromQL expressions name only series the exporter writes ($(grep -c . "$t/used") used)"

# Each family used is documented (Documentation/exporter.rst lists families).
missing=
while read -r s; do
	f=$(echo "$s" | sed 's/_\(bucket\|sum\|count\)$//')
	grep -q "\`\`$f\`\`" "$top/Documentation/exporter.rst" || missing="$missing $f"
done <"$t/used"
[ -z "$missing" ]
tap_ok $? "every family the dashboard uses is in Documentation/exporter.rst (missing:${missing:- none})"

# What it is for: hypercall rates, latency heat maps from the histograms,
# steal per vCPU, upcall rates by channel.
panel_has() { # TYPE REGEX: a panel of TYPE whose expression matches
	awk -v ty="$1" -v re="$2" '
		/^    {$/ { type = "" }
		/^      "type": / { type = $2; gsub(/[",]/, "", type) }
		/"expr": / && type == ty && $0 ~ re { found = 1 }
		END { exit !found }' "$dash"
}
panel_has timeseries 'rate\(pvtrace_hypercall_calls_total' &&
	panel_has heatmap 'pvtrace_hypercall_latency_seconds_bucket' &&
	panel_has heatmap 'pvtrace_upcall_latency_seconds_bucket' &&
	panel_has heatmap 'pvtrace_steal_per_interval_seconds_bucket' &&
	panel_has timeseries 'by \(cpu\) \(rate\(pvtrace_steal_seconds_total' &&
	panel_has timeseries 'by \(name\) \(rate\(pvtrace_channel_handler_calls_total'
tap_ok $? "panels: hypercall rates, latency heat maps, steal per vCPU, upcall rates by channel"

# The checker fails where it must.
sed 's/pvtrace_hypercall_calls_total/pvtrace_hypercall_callz_total/' "$dash" >"$t/bad1.json"
[ -n "$(check "$t/bad1.json")" ]
tap_ok $? "the check fails on a metric the exporter does not write (pvtrace_hypercall_callz_total)"
sed 's/pvtrace_upcalls_total/node_cpu_seconds_total/' "$dash" >"$t/bad2.json"
[ -n "$(check "$t/bad2.json")" ]
tap_ok $? "the check fails on a metric not of pvtrace (node_cpu_seconds_total)"
sed 's/pvtrace_multicall_batch_entries_bucket/pvtrace_multicall_batch_entries_sum/' "$dash" >"$t/bad3.json"
printf '        "expr": "rate(pvtrace_multicall_batch_entries_sum[5m])",\n' >>"$t/bad3.json"
[ -n "$(check "$t/bad3.json")" ]
tap_ok $? "the check fails on a _sum the exporter does not write (multicall batches have none)"

tap_end
