#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the benchmarks, one section per hook. Each section boots the lab once
# (pvtrace.mode=bench pvtrace.bench=<section>), runs selftests/guest/bench/<section>.sh
# in the guest and prints its "bench <section> KEY VALUE" lines; the numbers go into
# Documentation/performance.rst by hand, with the run's date and commit.
# Usage: bench.sh [SECTION...]      (default: every section below)
# Env: PVTRACE_BUILD (default build/), PVTRACE_TIMEOUT (overrides the sections' timeouts).
# Output: $BUILD/bench/<section>.txt (the lines), $BUILD/bench/<section>.log (console).
# Exit: 0 if every section ran to its end.
# shellcheck source-path=SCRIPTDIR source=lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab/common.sh"
# shellcheck source=lab/lib-run.sh
. "$LAB_DIR/lib-run.sh"

# One row per section. Add a row, and selftests/guest/bench/<section>.sh, to add one.
# Columns: section | kernel var | mode | vcpus (V or V/C, as lab_boot takes them) | timeout |
# guest script (selftests/guest/bench/<script>.sh; default: the section's name) |
# options, comma-separated: "icount" to run on QEMU's instruction-count clock
# (boot.sh --icount), "mem=MB" for the machine's memory (boot.sh --mem; dom0 has half)
SECTIONS=(
	"steal K612 pvh 2 1200"
	"hypercalls-6.1-pv   K61  pv  2 1200 hypercalls"
	"hypercalls-6.1-pvh  K61  pvh 2 1200 hypercalls"
	"hypercalls-6.12-pvh K612 pvh 1 1200 hypercalls"
	"upcalls-6.1-pv      K61  pv  2 1200 upcalls"
	"upcalls-6.1-pvh     K61  pvh 2 1200 upcalls"
	"drivers-6.1-domu    K61  domu-pv 1 1500 drivers"
	"recorder-6.1-pv     K61  pv  2 3600 recorder icount,mem=8192"
	"recorder-cost-6.1-pv K61 pv  2 2400 recorder-cost icount"
)

main() {
	local want=" $* " row name kvar mode vcpus tmo script clock kver short labdir logf rc=0
	"$LAB_DIR/setup.sh" >&2
	load_kernels
	labdir=$BUILD/bench
	mkdir -p "$labdir"
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
		logf=$labdir/$name.log
		log "bench $name: $kver, Xen $mode, vCPUs $vcpus (takes minutes under TCG)"
		local opts=() o
		for o in ${clock//,/ }; do
			case $o in
			icount) opts+=(--icount) ;;
			mem=*) opts+=(--mem "${o#mem=}") ;;
			*) die "bench $name: unknown option $o" ;;
			esac
		done
		lab_boot "$logf" "$vcpus" --kernel "$kver" --mode "$mode" "${opts[@]}" \
			--timeout "${PVTRACE_TIMEOUT:-$tmo}" --initrd "$labdir/initramfs-$short.cpio.gz" \
			--append-extra "pvtrace.mode=bench pvtrace.bench=$script" || true
		lab_console "$logf" | grep -a "^bench $script " >"$labdir/$name.txt" || true
		echo "== $name ($kver, $mode, vCPUs $vcpus${clock:+, $clock}, $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null), $(date -u +%Y-%m-%d))"
		cat "$labdir/$name.txt"
		if ! lab_has "$logf" "##PVTRACE-BENCH-END $script.sh rc=0"; then
			echo "FAIL: bench $name did not finish (console: $logf)"
			rc=1
		fi
	done
	return $rc
}

main "$@"
