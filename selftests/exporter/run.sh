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

BUSYBOX=${BUSYBOX:-/var/cache/pvtrace-lab/root/bin/busybox}
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox || true)
PROMTOOL=${PROMTOOL:-${PVTRACE_CACHE:-/var/cache/pvtrace-lab}/root/usr/bin/promtool}
command -v "$PROMTOOL" >/dev/null 2>&1 || PROMTOOL=

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
failed=0

ok() { # STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
diag() {
	sed 's/^/# /'
}

# A directory with busybox's applets and nothing else, for PATH.
shells="host"
if [ -n "$BUSYBOX" ]; then
	mkdir "$t/bb"
	cp "$BUSYBOX" "$t/bb/busybox"
	for a in $("$t/bb/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$t/bb/$a"
	done
	shells="busybox host"
fi

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

# 1. Real lab output and the hand-made generic mode: expected output,
# promtool, and values checked against the files independently.
for f in "$fix"/*/; do
	f=${f%/}
	name=${f##*/}
	for o in default min full; do
		case $o in
		default) opts= ;;
		min) opts="--no-cpu --no-subcommands --no-channels --no-callers --no-histograms" ;;
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
			[ $r -ne 0 ] && { cat "$t/stderr"; diff "$want/$name.$o.prom" "$t/out/pvtrace.prom" | head -n 10; } | diag
			ok $r "$name $o ($s sh+awk): exit 0, output as expected/$name.$o.prom"
		done
		if [ -n "$PROMTOOL" ]; then
			out=$("$PROMTOOL" check metrics <"$want/$name.$o.prom" 2>&1)
			r=$?
			[ $r -ne 0 ] && echo "$out" | diag
			ok $r "$name $o: promtool check metrics"
		else
			skip "$name $o: promtool check metrics" "no promtool"
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
	[ $r -ne 0 ] && echo "$bad" | head -n 5 | diag
	ok $r "$name: HELP/TYPE for every family, pvtrace_ names, _total counters, cumulative buckets ending in +Inf"

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
			[ "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", b * 1e9 - a }')" = 0 ] ||
				bad="$bad sched_op:seconds:$a/$b"
		}
	fi
	if [ -f "$f/upcalls/percpu" ]; then
		a=$(sumcol upcalls/percpu 1 2)
		b=$(metric "$m" pvtrace_upcalls_total)
		[ "$a" = "$b" ] || bad="$bad upcalls:$a/$b"
	fi
	a=$(sumcol steal 1 2)
	b=$(metric "$m" pvtrace_steal_seconds_total)
	[ "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", b * 1e9 - a }')" = 0 ] || bad="$bad steal:$a/$b"
	a=$(sumcol steal_ratio_hist 1 4)
	b=$(metric "$d" 'pvtrace_steal_window_ratio_percent_bucket{le="+Inf"}')
	[ "$a" = "$b" ] || bad="$bad steal_ratio_count:$a/$b"
	[ -z "$bad" ]
	r=$?
	[ $r -ne 0 ] && echo "$bad" | diag
	ok $r "$name: counters and histogram counts equal the sums of the debugfs columns"
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
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; head -n 3 "$t/out/pvtrace.prom"; } | diag
		ok $r "$1 ($s): exit 3, error naming $2, only pvtrace_up 0 written"
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

# 3. Not loaded, not mounted: pvtrace_up 0, exit 1.
for s in $shells; do
	rm -rf "$t/out" "$t/dbg"
	mkdir -p "$t/out" "$t/dbg/other"
	cp "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
	run "$s" -d "$t/dbg/pvtrace" -o "$t/out/pvtrace.prom"
	[ "$rc" = 1 ] && is_up0 "$t/out/pvtrace.prom" && grep -q 'not loaded' "$t/stderr" && clean_dir "$t/out"
	ok $? "pvtrace not loaded ($s): exit 1, stale file replaced by pvtrace_up 0"
	rmdir "$t/dbg/other"
	cp "$want/6.1-pv.default.prom" "$t/out/pvtrace.prom"
	run "$s" -d "$t/dbg/pvtrace" -o "$t/out/pvtrace.prom"
	[ "$rc" = 1 ] && is_up0 "$t/out/pvtrace.prom" && grep -q 'not mounted' "$t/stderr"
	ok $? "debugfs not mounted ($s): exit 1, pvtrace_up 0"
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
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; } | diag
		ok $r "usage error, $_d ($s): exit 2, output untouched"
	done
}
usage_case "unknown option" "unknown option '--bogus'" -d "$good" -o "$t/out/pvtrace.prom" --bogus
usage_case "-o without a value" "needs a value" -d "$good" -o
usage_case "--max-series not a number" "needs a number" -d "$good" -o "$t/out/pvtrace.prom" --max-series 1k
usage_case "output directory missing" "does not exist" -d "$good" -o "$t/nodir/pvtrace.prom"
usage_case "contradictory switches" "contradicts" -d "$good" -o "$t/out/pvtrace.prom" --no-cpu --cpu-histograms
usage_case "stray argument" "unexpected argument 'extra'" -d "$good" -o "$t/out/pvtrace.prom" extra

# 5. The default series count of a 64-vCPU guest: the PV capture with every
# per-vCPU record of cpu 0 and 1 repeated for 64 vCPUs, and 256 channels
# (the channel table's capacity, which 64 vCPUs fill with their timer and
# IPI channels). Documentation/exporter.rst gives the formula.
rm -rf "$t/v64"
cp -R "$good" "$t/v64"
for f in hypercalls/percpu upcalls/percpu upcalls/latency upcalls/events_per_upcall \
	steal runstate steal_interval_hist steal_ratio_hist; do
	awk 'NR == 1 { print; next } { r[$1] = r[$1] $0 "\n" }
		END { for (c = 0; c < 64; c++) { s = r[c % 2]; gsub(/(^|\n)[0-9]+ /, "&@", s)
			gsub(/[0-9]+ @/, c " ", s); printf "%s", s } }' "$good/$f" >"$t/v64/$f"
done
awk 'NR == 1 { print; next } { n++; l[n] = $0 }
	END { for (i = 0; i < 256; i++) { $0 = l[i % n + 1]; $1 = 1000 + i; $2 = 2000 + i; $6 = $6 i; print } }' \
	"$good/upcalls/channels" >"$t/v64/upcalls/channels"
sed -i 's/^vcpus_online .*/vcpus_online 64/; s/^vcpus_possible .*/vcpus_possible 64/' "$t/v64/summary"
for s in $shells; do
	run "$s" -d "$t/v64" -o "$t/out/v64.prom"
	series=$(grep -vc '^#' "$t/out/v64.prom")
	cpus=$(grep '^pvtrace_steal_seconds_total{' "$t/out/v64.prom" | grep -c .)
	[ "$rc" = 0 ] && [ "$cpus" = 64 ] && [ "$series" -le 10000 ]
	ok $? "64 vCPUs, 256 channels, default options ($s): $series series, within the default bound of 10000"
done

# 6. The series bound, atomic replacement, --help.
for s in $shells; do
	rm -rf "$t/out"
	mkdir -p "$t/out"
	run "$s" -d "$good" -o "$t/out/pvtrace.prom" --max-series 100
	[ "$rc" = 3 ] && is_up0 "$t/out/pvtrace.prom" && grep -q 'exceed --max-series 100' "$t/stderr"
	ok $? "--max-series 100 on $(grep -vc '^#' "$want/6.1-pv.default.prom") series ($s): exit 3, pvtrace_up 0"

	cp "$want/6.1-pvh.default.prom" "$t/out/pvtrace.prom"
	ln "$t/out/pvtrace.prom" "$t/old"
	run "$s" -d "$good" -o "$t/out/pvtrace.prom"
	# A rename leaves the old inode (still open by a reader) whole.
	[ "$rc" = 0 ] && cmp -s "$t/old" "$want/6.1-pvh.default.prom" &&
		cmp -s "$t/out/pvtrace.prom" "$want/6.1-pv.default.prom" && clean_dir "$t/out"
	ok $? "the output is replaced by rename, not rewritten in place ($s)"
	rm -f "$t/old"

	run "$s" --help
	[ "$rc" = 0 ] && grep -q -- '--no-cpu' "$t/stderr"
	ok $? "--help ($s)"
done

echo "1..$n"
[ "$failed" -eq 0 ]
