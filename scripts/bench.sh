#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the benchmarks. First the hot paths' lengths from the built objects of
# every kernel line (scripts/hotpath.sh); then each section boots the lab once, or N
# times with "boots=N" (pvtrace.mode=bench pvtrace.bench=<script>), runs
# selftests/guest/bench/<script>.sh in the guest and prints its "bench <script> KEY
# VALUE" lines, and for N boots each "ratio" across them; the numbers go into
# Documentation/performance.rst by hand, with the run's date and commit.
# Usage: bench.sh [SECTION...]      (default: every section below)
# Env: PVTRACE_BUILD (default build/), PVTRACE_TIMEOUT (overrides the sections' timeouts).
# Output: $BUILD/bench/<section>.txt (the lines), $BUILD/bench/<section>[.bootN].log
# (console).
# Exit: 0 if every section ran to its end and, for N boots, every ratio agreed.
# shellcheck source-path=SCRIPTDIR source=lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab/common.sh"
# shellcheck source=lab/lib-run.sh
. "$LAB_DIR/lib-run.sh"

# One row per section. Add a row, and selftests/guest/bench/<section>.sh, to add one.
# Columns: section | kernel var | mode | vcpus (V or V/C, as lab_boot takes them) | timeout |
# guest script (selftests/guest/bench/<script>.sh; default: the section's name) |
# options, comma-separated: "icount" to run on QEMU's instruction-count clock
# (boot.sh --icount), "mem=MB" for the machine's memory (boot.sh --mem; dom0 has half),
# "boots=N" to boot N times and compare the "ratio" lines of the boots (each ratio must
# agree within RATIO_SPREAD across them)
SECTIONS=(
	"icount-6.1-pv       K61  pv  1 1800 icount icount,boots=3"
	"icount-6.12-pvh     K612 pvh 1 1800 icount icount,boots=3"
	"icount-7.2-pv       K72  pv  1 1800 icount icount,boots=3"
	"workload-6.1-pv     K61  pv  2 2400 workload icount,boots=3"
	"steal K612 pvh 2 1200"
	"hypercalls-6.1-pv   K61  pv  2 1200 hypercalls"
	"hypercalls-6.1-pvh  K61  pvh 2 1200 hypercalls"
	"hypercalls-6.12-pvh K612 pvh 1 1200 hypercalls"
	"upcalls-6.1-pv      K61  pv  2 1200 upcalls"
	"upcalls-6.1-pvh     K61  pvh 2 1200 upcalls"
	"drivers-6.1-domu    K61  domu-pv 1 1500 drivers"
	"recorder-6.1-pv     K61  pv  2 3600 recorder icount,mem=8192"
	"recorder-cost-6.1-pv K61 pv  2 2400 recorder-cost icount"
	"debugfs-6.1-pv-2    K61  pv  2 1800 debugfs icount"
	"debugfs-6.1-pv-4    K61  pv  4 1800 debugfs icount"
	"debugfs-6.1-pv-8    K61  pv  8 2400 debugfs icount"
	"debugfs-6.1-pv-16   K61  pv  16 3000 debugfs icount"
)

# What a read of each debugfs file would take at this many vCPUs, extrapolated from
# the debugfs-* sections, and the limit it is held to (ns).
DEBUGFS_AT=64
DEBUGFS_LIMIT=10000000

# Largest spread (max/min - 1) of a ratio across the boots of a boots=N section.
RATIO_SPREAD=0.02

# hotpaths: the length of each hot path, in instructions, from the built objects of
# every kernel line (scripts/hotpath.sh), beside what the guests measure.
hotpaths() {
	local n k
	echo "== hot paths, instructions, from the built objects (scripts/hotpath.sh)"
	for n in $(line_names); do
		k=${!n:-}
		[ -n "$k" ] || continue
		"$LAB_DIR/build-module.sh" "$k" >"$BUILD/bench/build-$n.log" 2>&1 ||
			{ echo "$n $k: build failed ($BUILD/bench/build-$n.log)"; continue; }
		echo "$n $k $("$REPO/scripts/hotpath.sh" "$BUILD/$k/src" | tr '\n' ' ')"
	done
}

# compare_boots NAME FILE: FILE holds "boot N bench S ratio K V K V..." lines; print
# each ratio's values over the boots and its spread; 1 if a spread is over RATIO_SPREAD.
compare_boots() {
	awk -v name="$1" -v lim="$RATIO_SPREAD" '
	$5 == "ratio" {
		b = $2
		nb[b] = 1
		for (i = 6; i < NF; i += 2) {
			if (!($i in seen)) {
				seen[$i] = 1
				order[++nk] = $i
			}
			v[$i, b] = $(i + 1)
		}
	}
	END {
		bad = 0
		printf "== %s: ratios across boots (spread = max/min - 1, at most %.0f%%)\n", name, lim * 100
		for (j = 1; j <= nk; j++) {
			k = order[j]; lo = ""; hi = ""; line = ""; n = 0
			for (b in nb) {
				if (!((k, b) in v)) {
					continue
				}
				x = v[k, b] + 0; n++
				line = line sprintf(" %s", v[k, b])
				if (lo == "" || x < lo) lo = x
				if (hi == "" || x > hi) hi = x
			}
			sp = (lo > 0) ? hi / lo - 1 : 0
			ok = (n == length(nb) && sp <= lim) ? "ok" : "FAIL"
			if (ok != "ok")
				bad = 1
			printf "ratio %s%s spread %.4f %s\n", k, line, sp, ok
		}
		if (!nk) {
			print "FAIL: no ratio lines"
			bad = 1
		}
		exit bad
	}' "$2"
}

# debugfs_fit FILE...: the debugfs sections' "read FILE vcpus N ns T" lines; per file a
# least-squares line through (N, T), its value at DEBUGFS_AT vCPUs, and whether it is
# within DEBUGFS_LIMIT; 1 if one is not.
debugfs_fit() {
	cat "$@" | awk -v at=$DEBUGFS_AT -v lim=$DEBUGFS_LIMIT '
		$2 == "debugfs" && $3 == "read" {
			f = $4; x = $6; y = $8
			n[f]++; sx[f] += x; sy[f] += y; sxx[f] += x * x; sxy[f] += x * y
			if (x > mx[f]) { mx[f] = x; my[f] = y }
		}
		END {
			printf "== debugfs: one read of each file, ns (icount), fitted over the vCPU counts measured, at %d vCPUs (limit %d ns)\n", at, lim
			bad = 0
			for (f in n) {
				d = n[f] * sxx[f] - sx[f] * sx[f]
				b = d ? (n[f] * sxy[f] - sx[f] * sy[f]) / d : 0
				a = (sy[f] - b * sx[f]) / n[f]
				e = a + b * at
				if (e < my[f]) e = my[f]
				ok = e <= lim ? "ok" : "OVER"
				if (e > lim) bad++
				printf "debugfs %s points %d at_%d %d ns_per_vcpu %.0f est_%d %.0f %s\n", f, n[f], mx[f], my[f], b, at, e, ok
			}
			exit bad > 0
		}' | sort
}

main() {
	local want=" $* " row name kvar mode vcpus tmo script clock kver short labdir logf rc=0
	"$LAB_DIR/setup.sh" >&2
	load_kernels
	labdir=$BUILD/bench
	mkdir -p "$labdir"
	hotpaths
	local -A built=()
	for row in "${SECTIONS[@]}"; do
		read -r name kvar mode vcpus tmo script clock <<<"$row"
		script=${script:-$name}
		[ $# -eq 0 ] || [[ $want == *" $name "* ]] || continue
		kver=${!kvar}
		short=$(kver_short "$kver")
		if [ -z "${built[$kvar]:-}" ]; then
			lab_build "$kver" "$labdir/initramfs-$short.cpio.gz" \
				>"$labdir/build-$short.log" 2>&1 ||
				die "build for $kver failed: $labdir/build-$short.log"
			built[$kvar]=1
		fi
		local opts=() o boots=1 b
		for o in ${clock//,/ }; do
			case $o in
			icount) opts+=(--icount) ;;
			mem=*) opts+=(--mem "${o#mem=}") ;;
			boots=*) boots=${o#boots=} ;;
			*) die "bench $name: unknown option $o" ;;
			esac
		done
		: >"$labdir/$name.txt"
		for ((b = 1; b <= boots; b++)); do
			logf=$labdir/$name.log
			[ "$boots" = 1 ] || logf=$labdir/$name.boot$b.log
			log "bench $name: $kver, Xen $mode, vCPUs $vcpus, boot $b of $boots (takes minutes under TCG)"
			lab_boot "$logf" "$vcpus" --kernel "$kver" --mode "$mode" "${opts[@]}" \
				--timeout "${PVTRACE_TIMEOUT:-$tmo}" \
				--initrd "$labdir/initramfs-$short.cpio.gz" \
				--append-extra "pvtrace.mode=bench pvtrace.bench=$script" || true
			echo "== $name ($kver, $mode, vCPUs $vcpus${clock:+, $clock}, boot $b, $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null), $(date -u +%Y-%m-%d))"
			lab_console "$logf" | grep -a "^bench $script " | tee -a "$labdir/$name.txt" |
				sed "s/^/boot $b /" >>"$labdir/$name.boots" || true
			lab_console "$logf" | grep -a "^bench $script " || true
			if ! lab_has "$logf" "##PVTRACE-BENCH-END $script.sh rc=0"; then
				echo "FAIL: bench $name did not finish (console: $logf)"
				rc=1
			fi
		done
		if [ "$boots" -gt 1 ]; then
			compare_boots "$name" "$labdir/$name.boots" ||
				{ echo "FAIL: bench $name: a ratio moved more than $RATIO_SPREAD across boots"; rc=1; }
			rm -f "$labdir/$name.boots"
		fi
	done
	local fits=()
	for row in "${SECTIONS[@]}"; do
		read -r name _ <<<"$row"
		[[ $name == debugfs-* ]] && [ -s "$labdir/$name.txt" ] && fits+=("$labdir/$name.txt")
	done
	if [ ${#fits[@]} -gt 1 ]; then
		debugfs_fit "${fits[@]}" | tee "$labdir/debugfs-fit.txt"
		grep -q ' OVER$' "$labdir/debugfs-fit.txt" &&
			{ echo "FAIL: bench debugfs: a file would take more than $DEBUGFS_LIMIT ns at $DEBUGFS_AT vCPUs"; rc=1; }
	fi
	return $rc
}

main "$@"
