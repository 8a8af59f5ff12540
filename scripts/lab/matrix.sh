#!/usr/bin/env bash
# Run the lab matrix and turn each guest's TAP output into host result lines
# (scripts/tap.awk, the parser scripts/test.sh uses too):
#   PASS: <config>/<script>/<N> <description>
#   FAIL: <config>/<script>/<N> <description>
#   SKIP: <config>/<script>/<N> <description>
# plus FAIL lines for broken runs (<config>/boot, <config>/kernel, <config>/<script>/end|rc|plan),
# and at the end the rows that took longest.
# Usage: matrix.sh [--full] [--only CONFIG-GLOB] [--kernels "K61 K72 ..."] [--no-setup]
#   --full: every row; without it, the core rows ("c" below), which cover every kernel
#   line, guest type, Xen and hook, and fit make test's time.
# Rows on one emulated CPU (V or V/C with C = 1) run PVTRACE_LAB_JOBS at a time (default
# 2 on a host with 2 or more cores: each QEMU then runs one TCG thread on its own core);
# the others run alone. A row's result lines appear when it ends.
# Env: PVTRACE_TIMEOUT (default per-boot timeout, 600 s), PVTRACE_BUILD, PVTRACE_CACHE,
#      PVTRACE_LAB_JOBS, PVTRACE_SRC / PVTRACE_GUEST_DIR (see build-module.sh / mkinitramfs.sh).
# Logs: $BUILD/lab/<config>.log. Exit: 0 if no FAIL line, 1 otherwise.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=lib-run.sh
. "$LAB_DIR/lib-run.sh"
# shellcheck source=faults.sh
. "$LAB_DIR/faults.sh"

# One row per boot. The config name is <kernel short version>-<suffix>, e.g. 6.12-pvh.
# Columns:
#   set      c: make test and make test-full; f: make test-full only
#   kernel   a kernel line of common.sh (kernels.env: K510, K61, K612, K72, K72C); for a
#            domU mode LINE/DOM0LINE gives dom0 its own (a cloud flavour cannot be
#            dom0)
#   suffix   the config name's second part
#   mode     pv, pvh (dom0), native, domu-pv, domu-pvhvm (a domU of a PV dom0)
#   vcpus    V (V vCPUs on V emulated CPUs) or V/C (V vCPUs on C emulated CPUs: with
#            V > C, Xen makes the vCPUs take turns, so steal time is real); a domU's
#   xen      4.17 or 4.20 (boot.sh --xen); "-" for native
#   tsc      invariant (Xen runs guests on the native TSC) or plain (Xen emulates it for
#            PVH, HVM and PV domU guests): boot.sh --tsc
#   timeout  seconds, or "-" for the default
#   groups   the test groups the guest runs (pvtrace.groups: the "# group:" line of
#            each selftests/guest/tests script), comma-separated, or "all"
#   extra    guest kernel arguments
# Every row loads pvtrace with every hook it has (drivers=1 where its tests ask).
# What each kind of row is for (make test runs the "c" rows in about 20 minutes on 2
# cores; every kernel line, guest type, Xen and hook is in them):
# - pv/pvh: the tests of each line, guest type and Xen (PV on Xen 4.17 for 5.10 and
#   6.1, on 4.20 for 6.12 and 7.x: the newest line on the newest Xen; PVH on 4.20).
#   2 vCPUs on 1 emulated CPU: one TCG thread, so two such rows run at once and a
#   PVH dom0 stays clear of the emulated SVM's fault with several threads (below).
#   The heavy groups (recorder, exporter, command, params) run in one or two rows
#   (6.12 PVH's recorder and command: 537 s in a local CI run, past 600 s in the
#   project's CI, which stopped it there, in 68-hcall-hotplug; 752 s here with a
#   second row and builds beside it: its timeout is 1200 s).
# - pv-4on2, readers: steal is real (more vCPUs than CPUs); readers loops over every
#   counter file under the worst of it (4 vCPUs on 1 CPU).
# - 7.2 pv: the upcall hook by kprobes (upcall_hook=kprobe), every other row by
#   direct calls.
# - *-tscemu: Xen emulates the TSC (tsc=plain): the hooks' untimed paths.
# - *-stress: load/unload cycles of each hook under its own load, 2 vCPUs on 2 CPUs
#   (a 100-cycle row took 7 to 29 minutes alone on the machine: 2700 s each);
#   *-unload: unloads while a vCPU is inside a long hypercall and another idle in
#   SCHEDOP_block (79-unload-inflight.sh), 3 vCPUs on 2: 6.12, where
#   synchronize_rcu_tasks_rude() still waits, and 7.x, where it does not. make test
#   runs a few cycles (7.x only), make test-full 10 to 100.
# - domu-pv, domu-pvhvm: an unprivileged domU with a vif and a vbd
#   (Documentation/lab-domu.rst), 1 vCPU; PV on Xen 4.17, PVHVM on 4.20 (trixie's
#   toolstack: with 4.17's, an HVM domU dies in its firmware under QEMU >= 8);
#   domu-pvhvm-cloud: the cloud flavour, what Debian's images on AWS's Xen instances
#   boot, as a PVHVM domU of an amd64 dom0.
# - native: plain QEMU, no hypervisor: pvtrace refuses to load.
# - *-100: a check that once failed in CI, repeated 100 times in one boot of the row
#   it failed in (pvtrace.repeat): 58-recorder's slowest_reset on 6.1 PV, 62-drivers'
#   netfront reload under traffic on the 6.1 PVHVM domU.
# - *-capture: the debugfs tree of a kernel line and guest type, every hook on, for the
#   fixtures of the exporter's and the command's unit tests (90-exporter.sh prints it;
#   selftests/exporter/extract-capture.sh LOG DIR takes it out; fixtures/README).
# A PVH dom0 with several vCPUs on several emulated CPUs sometimes dies in a triple
# fault inside Xen's SVM world switch, with or without pvtrace (measured rates:
# Documentation/lab-textpoke.rst): such a boot (LAB_FAULT_RE, Xen's own RIP in the
# dump, no ##PVTRACE-DONE) is run again, at most LAB_ATTEMPTS times, each retry a
# SKIP line naming the fault. So is a PVH dom0 with an emulated TSC and several vCPUs
# that freezes silently (lab_freeze; seen without pvtrace too), and any boot with several
# emulated CPUs that dies of a stale int3 (lab_stale_int3), and any boot silent until its
# timeout whose QEMU monitor dump shows CPU 0 not taking a pending interrupt
# (lab_lost_interrupt), and any PVH dom0 with several vCPUs that dies of a double fault
# on return to user with the user's GS base in the kernel (lab_double_fault; seen
# without pvtrace); freezing rows get a shorter timeout, so that a freeze costs less.
BASE=core,upcalls,hypercalls
MATRIX=(
	"c K61  pv-stress      pv         2   4.17 invariant - stress pvtrace.stress=5"
	"c K72  pv-unload      pv         3/2 4.20 invariant - unload pvtrace.stress=3"
	"f K612 pv-unload      pv         3/2 4.17 invariant - unload pvtrace.stress=10"
	"f K72  pvh-stress     pvh        2   4.20 invariant - stress pvtrace.stress=20"
	"f K61  pv-4on2        pv         4/2 4.17 invariant - core,steal,upcalls"
	"f K61  pv-stress-full pv         2   4.17 invariant 2700 stress pvtrace.stress=100"
	"f K510 pv-stress      pv         2   4.17 invariant 2700 stress pvtrace.stress=100"
	"f K612 pvh-stress     pvh        2   4.20 invariant 2700 stress pvtrace.stress=100"
	"f K72  pv-stress      pv         2   4.20 invariant 2700 stress pvtrace.stress=100"
	"f K72  pvh-stress-full pvh       2   4.20 invariant 2700 stress pvtrace.stress=100"
	"f K612 pv-unload-full pv         3/2 4.17 invariant - unload pvtrace.stress=100"
	"f K72  pv-unload-full pv         3/2 4.20 invariant - unload pvtrace.stress=100"
	"f K72  pvh-unload     pvh        3/2 4.20 invariant - unload pvtrace.stress=100"
	"f K612 pv-4on2        pv         4/2 4.17 invariant - core,steal,upcalls,hypercalls"
	"f K612 pvh-4on2       pvh        4/2 4.20 invariant - core,steal,upcalls,hypercalls"
	"f K61  pv-smp         pv         2   4.17 invariant - $BASE,steal,recorder,drivers"
	"f K612 pvh-smp        pvh        2   4.20 invariant - $BASE,steal,recorder,drivers"
	"c K61  pv             pv         2/1 4.17 invariant - $BASE,steal,exporter"
	"c K612 pvh            pvh        2/1 4.20 invariant 1200 $BASE,recorder,command"
	"c K612 pv             pv         2/1 4.20 invariant - core,hypercalls,drivers,params pvtrace.stress=4"
	"c K510 pv             pv         2/1 4.17 invariant - $BASE"
	"c K510 pvh            pvh        2/1 4.20 invariant - core,hypercalls"
	"c K72  pv             pv         2/1 4.20 invariant - $BASE pvtrace.insmod=upcall_hook=kprobe"
	"c K72  pvh            pvh        2/1 4.20 invariant - core,hypercalls,recorder"
	"c K61  pvh-tscemu     pvh        1   4.20 plain     420 $BASE"
	"f K61  pvh-tscemu-2on1 pvh       2/1 4.20 plain     420 $BASE"
	"c K612 pv-readers     pv         4/1 4.17 invariant - readers"
	"c K72  native         native     1   -    invariant - core"
	"c K72  domu-pvhvm     domu-pvhvm 1   4.20 invariant - core,hypercalls,upcalls"
	"c K72C/K72 domu-pvhvm-cloud domu-pvhvm 1 4.20 invariant - core,hypercalls,steal"
	"c K61  domu-pv        domu-pv    1   4.17 invariant - $BASE,drivers"
	"f K61  pvh            pvh        2/1 4.20 invariant - $BASE,steal,drivers"
	"f K612 pv-full        pv         2/1 4.20 invariant - $BASE,steal,recorder,drivers"
	"f K72  pv-full        pv         2/1 4.20 invariant - $BASE,steal,drivers"
	"f K72  pv-417         pv         2/1 4.17 invariant - $BASE"
	"f K61  pv-420         pv         2/1 4.20 invariant - $BASE"
	"f K72  pvh-tscemu     pvh        2/1 4.20 plain     600 $BASE,drivers,recorder"
	"f K72  pvh-readers    pvh        4/1 4.20 invariant - readers"
	"f K61  native         native     1   -    invariant - core"
	"f K510 native         native     1   -    invariant - core"
	"f K61  domu-pvhvm     domu-pvhvm 1   4.20 invariant - $BASE,drivers"
	"f K72  domu-pvhvm-drivers domu-pvhvm 1 4.20 invariant - core,drivers"
	"f K612 domu-pvhvm     domu-pvhvm 1   4.20 invariant - $BASE,steal,drivers,recorder"
	"f K61  domu-pvhvm-tscemu domu-pvhvm 1 4.20 plain   - $BASE"
	"f K612 domu-pv        domu-pv    1   4.17 invariant - $BASE,steal,drivers,recorder"
	"f K510 domu-pv        domu-pv    1   4.17 invariant - $BASE,drivers"
	"f K72  domu-pv        domu-pv    1   4.17 invariant - $BASE,drivers"
	"f K61  pv-recorder-100 pv        2/1 4.17 invariant 3600 recorder pvtrace.tests=58-* pvtrace.repeat=100"
	"f K61  domu-pvhvm-netfront-100 domu-pvhvm 1 4.20 invariant 5400 drivers pvtrace.tests=62-* pvtrace.repeat=100"
	"f K72  pv-params      pv         2/1 4.20 invariant 3600 core,params"
	"f K510 pv-steal       pv         2/1 4.17 invariant - core,steal"
	"f K510 pv-capture     pv         2/1 4.17 invariant - exporter pvtrace.exporter_capture=1 pvtrace.insmod=drivers=1"
	"f K612 pvh-capture    pvh        2/1 4.20 invariant - exporter pvtrace.exporter_capture=1 pvtrace.insmod=drivers=1"
	"f K72  pv-capture     pv         2/1 4.20 invariant - exporter pvtrace.exporter_capture=1 pvtrace.insmod=drivers=1"
	"f K61  domu-pv-capture domu-pv   1   4.17 invariant - exporter pvtrace.exporter_capture=1 pvtrace.insmod=drivers=1"
	"f K72  domu-pvhvm-capture domu-pvhvm 1 4.20 invariant - exporter pvtrace.exporter_capture=1 pvtrace.insmod=drivers=1"
)
DEFAULT_TIMEOUT=${PVTRACE_TIMEOUT:-600}
TAIL_LINES=40
# The kernel's own debugfs open/rmmod race (parse_log, 99-kernel-log.sh).
DEBUGFS_RACE_RE='WARNING: CPU: [0-9]+ PID: [0-9]+ at fs/debugfs/file.c:[0-9]+ full_proxy_open'

usage() { sed -n '2,/^# shellcheck/{/^# shellcheck/d;p}' "$0" >&2; exit 2; }

# Print the result lines for one boot's console log: the TAP of each script
# (scripts/tap.awk), whether the guest got to the end, kernel trouble.
parse_log() {
	local cfg=$1 logf=$2 status
	if [ ! -s "$logf" ]; then
		echo "FAIL: $cfg/boot no console log: the boot did not start (boot.sh's error is above)"
		return 0
	fi
	awk -v name="$cfg" -v console=1 -f "$REPO/scripts/tap.awk" "$logf"
	if ! grep -aq '##PVTRACE-DONE' "$logf"; then
		status=$(sed -n 's/^##PVTRACE-HOST boot-end status="\([^"]*\)".*/\1/p' "$logf" | tail -n 1)
		echo "FAIL: $cfg/boot never reached ##PVTRACE-DONE (${status:-no status})"
	fi
	# Kernel trouble is a failure of the configuration even if every test passed; the
	# kernel's own debugfs open/rmmod race (99-kernel-log.sh, RACE) only when each of its
	# WARNs comes with its message.
	local races owners keep=.
	races=$(grep -acE "$DEBUGFS_RACE_RE" "$logf" || true)
	owners=$(grep -ac 'debugfs file owner did not clean up at exit: ' "$logf" || true)
	[ "$races" -gt 0 ] && [ "$races" = "$owners" ] && keep=$DEBUGFS_RACE_RE
	{ grep -aE "$KERNEL_BAD_RE" "$logf" || true; } | { if [ "$keep" = . ]; then cat; else grep -avE "$keep" || true; fi; } |
		tr -d '\r' | head -n 5 | sed "s|^|FAIL: $cfg/kernel |"
}

LAB_JOBS=${PVTRACE_LAB_JOBS:-$(($(nproc) >= 2 ? 2 : 1))}
LAB_ATTEMPTS=${PVTRACE_LAB_ATTEMPTS:-3}

# selftests/guest/tests/90-exporter.sh prints the /metrics its node_exporter
# served (gzip + base64) between ##EXPORTER-METRICS-BEGIN/END: check it with
# promtool (unpacked by setup.sh: $PROMTOOL) here, on the host.
exporter_promtool() {
	local cfg=$1 logf=$2 tmp out
	grep -aq '^##EXPORTER-METRICS-END' "$logf" || return 0
	if ! [ -x "$PROMTOOL" ]; then
		echo "SKIP: $cfg/90-exporter.sh/promtool promtool is not installed"
		return 0
	fi
	tmp=$(mktemp)
	if tr -d '\r' <"$logf" | sed -n '/^##EXPORTER-METRICS-BEGIN/,/^##EXPORTER-METRICS-END/{/^##/d;p}' |
		base64 -d 2>/dev/null | gzip -dc >"$tmp" 2>/dev/null && [ -s "$tmp" ] &&
		out=$("$PROMTOOL" check metrics <"$tmp" 2>&1); then
		echo "PASS: $cfg/90-exporter.sh/promtool promtool check metrics on the guest's /metrics ($(grep -c '^pvtrace_' "$tmp") pvtrace samples)"
	else
		echo "FAIL: $cfg/90-exporter.sh/promtool promtool check metrics on the guest's /metrics: ${out:-could not decode it}" | head -n 5
	fi
	rm -f "$tmp"
}

print_tail() {
	local cfg=$1 logf=$2
	echo "---- $cfg: last $TAIL_LINES console lines of $logf ----"
	lab_tail "$logf" "$TAIL_LINES"
	echo "---- end of $cfg console ----"
}

# One row: boot, then its result lines, appended to $results as well.
run_row() {
	local row=$1 set kvar suffix mode vcpus xen tsc tmo groups extra kver short cfg logf t0 initrd
	local attempt fault d0var
	local -a args
	read -r set kvar suffix mode vcpus xen tsc tmo groups extra <<<"$row"
	d0var=${kvar#*/}
	kvar=${kvar%/*}
	kver=${!kvar}
	short=$(kver_short "$kver")
	cfg=$short-$suffix
	logf=$labdir/$cfg.log
	initrd=$labdir/initramfs-$kver.cpio.gz
	[ "$mode" = domu-pvhvm ] && initrd=$labdir/initramfs-$kver-small.cpio.gz
	[ "$tmo" = - ] && tmo=$DEFAULT_TIMEOUT
	[ "$groups" = all ] || extra="pvtrace.groups=$groups $extra"
	if [ -z "${ready[$kvar]:-}" ]; then
		echo "FAIL: $cfg/boot not run: the build for $kver failed" | tee -a "$results"
		return
	fi
	args=(--kernel "$kver" --mode "$mode" --tsc "$tsc" --timeout "$tmo" --initrd "$initrd"
		--append-extra "$extra")
	[ "$xen" = - ] || args+=(--xen "$xen")
	[ "$d0var" = "$kvar" ] || args+=(--dom0-kernel "${!d0var}")
	t0=$SECONDS
	attempt=1
	while :; do
		lab_boot "$logf" "$vcpus" "${args[@]}" 2>&1 || true
		[ "$attempt" -lt "$LAB_ATTEMPTS" ] || break
		fault=$(lab_fault "$mode" "${vcpus#*/}" "$logf") ||
			fault=$(lab_stale_int3 "${vcpus#*/}" "$logf") ||
			fault=$(lab_freeze "$mode" "$tsc" "${vcpus%/*}" "$logf") ||
			fault=$(lab_lost_interrupt "$logf") ||
			fault=$(lab_double_fault "$mode" "${vcpus%/*}" "$logf") || break
		mv "$logf" "$labdir/$cfg.attempt$attempt.log"
		echo "SKIP: $cfg/lab-fault/$attempt boot $attempt ended in a known fault of the emulated machine ($fault; Documentation/lab-textpoke.rst): the row runs again (log: $cfg.attempt$attempt.log)" |
			tee -a "$results"
		attempt=$((attempt + 1))
	done
	parse_log "$cfg" "$logf" | tee -a "$results"
	exporter_promtool "$cfg" "$logf" | tee -a "$results"
	[ ! -s "$logf" ] || grep -aq '##PVTRACE-DONE' "$logf" || print_tail "$cfg" "$logf"
	echo "ROW: $cfg $((SECONDS - t0))" >>"$results"
	log "$cfg took $((SECONDS - t0))s" 2>&1
}

# collect_rows N: wait until at most N background rows run, printing the
# output of each as it ends (whichever ends first frees its slot).
collect_rows() {
	local done_pid i
	while [ ${#pids[@]} -gt "$1" ]; do
		done_pid=
		wait -n -p done_pid "${pids[@]}" || true
		for i in "${!pids[@]}"; do
			# An unknown pid (none reported): the first row, waited for.
			if [ -z "$done_pid" ]; then
				wait "${pids[$i]}" || true
				done_pid=${pids[$i]}
			fi
			[ "${pids[$i]}" = "$done_pid" ] || continue
			cat "${outs[$i]}"
			unset 'pids[i]' 'outs[i]'
			break
		done
		pids=("${pids[@]}")
		outs=("${outs[@]}")
	done
}

main() {
	local only='*' kernels='' setup=1 sets=c
	while [ $# -gt 0 ]; do
		case "$1" in
		--full) sets=cf; shift ;;
		--only) only=$2; shift 2 ;;
		--kernels) kernels=$2; shift 2 ;;
		--no-setup) setup=0; shift ;;
		*) usage ;;
		esac
	done

	local start=$SECONDS
	[ "$setup" = 1 ] && "$LAB_DIR/setup.sh" >&2
	load_kernels
	local n
	# Default: every line the lab boots.
	if [ -z "$kernels" ]; then
		for n in $(line_names); do
			[ "$(line_field "$n" 6)" = 1 ] && kernels+="$n "
		done
	fi
	local labdir=$BUILD/lab results
	mkdir -p "$labdir"
	results=$labdir/results.txt
	: >"$results"

	# Select rows first so that only the kernels in use are built. Rows on one
	# emulated CPU go last: they run two at a time, after the others.
	local row set kvar kv suffix mode vcpus kver short cfg selected=() later=()
	local -A need=() need_small=()
	for row in "${MATRIX[@]}"; do
		read -r set kvar suffix mode vcpus _ <<<"$row"
		case $sets in *"$set"*) ;; *) continue ;; esac
		kv=${kvar%/*}
		case " $kernels " in *" $kv "*) ;; *) continue ;; esac
		kver=${!kv}
		cfg=$(kver_short "$kver")-$suffix
		# shellcheck disable=SC2053 # $only is a glob on purpose
		[[ $cfg == $only ]] || continue
		if [ "${vcpus#*/}" = 1 ]; then later+=("$row"); else selected+=("$row"); fi
		need[$kv]=1
		[ "$mode" = domu-pvhvm ] && need_small[$kv]=1
	done
	selected+=("${later[@]}")
	[ ${#selected[@]} -gt 0 ] || die "no configuration matches --only '$only' --kernels '$kernels'"

	# Build the module and the initramfs once per kernel.
	local -A ready=()
	local small
	for kvar in "${!need[@]}"; do
		kver=${!kvar}
		# An HVM domU gets the small initramfs (mkinitramfs.sh --small).
		small=
		[ -n "${need_small[$kvar]:-}" ] && small=$labdir/initramfs-$kver-small.cpio.gz
		if lab_build "$kver" "$labdir/initramfs-$kver.cpio.gz" "$small" >"$labdir/build-$kver.log" 2>&1; then
			ready[$kvar]=1
		else
			echo "FAIL: $(kver_short "$kver")/build pvtrace.ko or initramfs for $kver failed" | tee -a "$results"
			sed 's/^/    | /' "$labdir/build-$kver.log" | tail -n "$TAIL_LINES"
		fi
	done

	# Rows on one emulated CPU (one TCG thread) run LAB_JOBS at a time; a row
	# with several CPUs runs alone.
	local -a pids=() outs=()
	local out
	for row in "${selected[@]}"; do
		read -r set kvar suffix mode vcpus _ <<<"$row"
		kv=${kvar%/*}
		out=$labdir/$(kver_short "${!kv}")-$suffix.out
		if [ "${vcpus#*/}" != 1 ] || [ "$LAB_JOBS" -le 1 ]; then
			collect_rows 0
			run_row "$row" >"$out"
			cat "$out"
			continue
		fi
		collect_rows $((LAB_JOBS - 1))
		run_row "$row" >"$out" &
		pids+=($!)
		outs+=("$out")
	done
	collect_rows 0
	# A row whose run ended early (the script itself failed) is a failure too.
	for row in "${selected[@]}"; do
		read -r set kvar suffix _ <<<"$row"
		kv=${kvar%/*}
		cfg=$(kver_short "${!kv}")-$suffix
		grep -q "^ROW: $cfg " "$results" ||
			echo "FAIL: $cfg/row the row's run ended before its results (see its output above)" | tee -a "$results"
	done

	local npass nfail nskip
	npass=$(grep -c '^PASS:' "$results" || true)
	nfail=$(grep -c '^FAIL:' "$results" || true)
	nskip=$(grep -c '^SKIP:' "$results" || true)
	log "matrix: $npass passed, $nfail failed, $nskip skipped in $((SECONDS - start))s (logs: $labdir)"
	# Where the time goes: the rows (wall time, rows on one CPU two at a time) and the
	# guest scripts (guest seconds) that took longest.
	log "slowest rows: $(awk '/^ROW: / { print $3, $2 }' "$results" | sort -rn | head -n 6 |
		awk '{ printf "%s%s %ss", (NR > 1 ? ", " : ""), $2, $1 }')"
	log "slowest scripts: $(awk '/^TIME: / { print $3, $2 }' "$results" | sort -rn | head -n 6 |
		awk '{ printf "%s%s %ss", (NR > 1 ? ", " : ""), $2, $1 }')"
	[ "$nfail" = 0 ]
}

main "$@"
