#!/usr/bin/env bash
# Run the lab matrix and turn each guest's TAP output into host result lines:
#   PASS: <config>/<script>/<N> <description>
#   FAIL: <config>/<script>/<N> <description>
#   SKIP: <config>/<script>/<N> <description>
# plus FAIL lines for broken runs (<config>/boot, <config>/kernel, <config>/<script>/end|rc|plan).
# Usage: matrix.sh [--only CONFIG-GLOB] [--kernels "K61 K612"] [--no-setup]
# Rows on one emulated CPU (V or V/C with C = 1) run PVTRACE_LAB_JOBS at a time (default
# 2 on a host with 2 or more cores: each QEMU then runs one TCG thread on its own core);
# the others run alone. A row's result lines appear when it ends.
# Env: PVTRACE_TIMEOUT (default per-boot timeout, 420 s), PVTRACE_BUILD, PVTRACE_CACHE,
#      PVTRACE_LAB_JOBS, PVTRACE_SRC / PVTRACE_GUEST_DIR (see build-module.sh / mkinitramfs.sh).
# Logs: $BUILD/lab/<config>.log. Exit: 0 if no FAIL line, 1 otherwise.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# One row per boot. The config name is <kernel short version>-<suffix>, e.g. 6.12-pvh.
# Columns: kernel var | suffix | mode | vcpus | timeout ("-": default) | extra guest kernel args
# vcpus is V (V vCPUs on V emulated CPUs) or V/C (V vCPUs on C emulated CPUs: with V > C,
# Xen makes the vCPUs take turns, so steal time is real).
# On 6.12 with several vCPUs on as many emulated CPUs, QEMU 7.2's
# multi-threaded TCG faults on runtime text patching, pvtrace or not
# (Documentation/lab-textpoke.rst, scripts/lab/repro-textpoke.sh): those
# rows load pvtrace without the hooks that patch text at load
# (hypercalls=0,upcalls=0).
# PVH with several vCPUs on several emulated CPUs sometimes triple-faults
# under this QEMU, with or without pvtrace (measured, same document), most
# often with more vCPUs than CPUs (4 on 2: 4 boots in a row) and under
# load/unload cycles: such a boot is run again (lab_fault below) and shows
# as a SKIP line, and those rows skip the 7x and 8x cycling tests
# (pvtrace.tests=[1-69]*).
# The PVH rows with 2 vCPUs on 1 CPU run with every hook, on both lines:
# QEMU then runs one TCG thread, where neither fault was seen. They are
# where steal is real on PVH, and where 6.12's hooks are tested with
# several vCPUs (hotplug included). Load/unload cycles are too slow there
# (10 cycles took 377 s): they skip the 7x and 8x tests as well. The 6.1
# one runs the tests up to the per-vCPU views ([1-5]*: the 6.1 PVH row
# with 2 vCPUs runs the rest); the 6.12 one everything but the exporter
# ([1-6]*: the 6.12 PV 1-vCPU row runs it).
# The PV rows with 4 vCPUs on 2 CPUs (steal is real there) run the tests up
# to the per-vCPU views (pvtrace.tests=[2-5][0-5]*: format, summary, steal,
# upcalls); the 2-vCPU stress row the load/unload tests; the 1-vCPU rows
# 100 load/unload cycles: the 6.12 PV one with every test (the one 6.12 PV
# row with the hooks), the PVH ones with the tests from steal on
# ([5-8]*: the other tests run in the PVH rows above). Every row runs
# 10-load.sh and 99-kernel-log.sh.
# The domu-pv rows boot a PV dom0 (Debian root image, scripts/lab/dom0fs.sh)
# that runs the same kernel and initramfs as an unprivileged PV domU with a
# vif (bridged, dom0 serves http and a sink) and a 64 MiB vbd
# (Documentation/lab-domu.rst); vcpus is the domU's (dom0 has 1). The domU
# runs the tests up to the drivers and hypercalls ones (pvtrace.tests=[2-6]*)
# with 1 vCPU on 1 CPU: ~2 min a row; with 2 vCPUs on 2 CPUs the same 6.1
# row took over 420 s. With 1 vCPU, 6.12's pvtrace keeps every hook.
# The domu-pvhvm rows run the domU as an HVM guest with PV drivers (PVHVM),
# from the small initramfs (mkinitramfs.sh --small: its firmware copies the
# initramfs in through port I/O), on 1 CPU: ~3 min a row, the tests of
# the hooks from steal to grants (6.12: steal, hypercalls, drivers, grants).
# The rows on one emulated CPU come last, longest first: they run two at a time.
MATRIX=(
	"K61  pv     pv     2 900"
	"K61  pvh    pvh    2 900 pvtrace.tests=[1-69]*"
	"K61  native native 2 -"
	"K612 pv     pv     2 - pvtrace.insmod=hypercalls=0,upcalls=0"
	"K612 pvh    pvh    2 - pvtrace.insmod=hypercalls=0,upcalls=0 pvtrace.tests=[1-69]*"
	"K612 native native 2 -"
	"K61  pv-4vcpu  pv  4/2 900 pvtrace.tests=[2-5][0-5]*"
	"K612 pv-4vcpu  pv  4/2 900 pvtrace.insmod=hypercalls=0,upcalls=0 pvtrace.tests=[2-5][0-5]*"
	"K61  pv-stress   pv  2 900 pvtrace.stress=100 pvtrace.tests=[78]*"
	"K612 pvh-2on1  pvh 2/1 900 pvtrace.tests=[1-6]*"
	"K61  pvh-2on1  pvh 2/1 900 pvtrace.tests=[1-5]*"
	"K61  pvh-stress1 pvh 1 900 pvtrace.stress=100 pvtrace.tests=[5-8]*"
	"K612 pv-stress1  pv  1 900 pvtrace.stress=100"
	"K612 pvh-stress1 pvh 1 900 pvtrace.stress=100 pvtrace.tests=[5-8]*"
	"K61  domu-pvhvm domu-pvhvm 1 900 pvtrace.tests=[56]*"
	"K612 domu-pvhvm domu-pvhvm 1 900 pvtrace.tests=[56][0-3]*"
	"K61  domu-pv  domu-pv 1 - pvtrace.tests=[2-6]*"
	"K612 domu-pv  domu-pv 1 - pvtrace.tests=[2-6]*"
)
DEFAULT_TIMEOUT=${PVTRACE_TIMEOUT:-420}
TAIL_LINES=40
# Kernel messages that fail a configuration even when every test passed.
KERNEL_BAD_RE='Oops: |BUG: |WARNING: CPU: |WARNING: at |Kernel panic|general protection fault|INFO: task .* blocked for|rcu: INFO: |\(XEN\) .*crashed|\(XEN\) Panic'

usage() { sed -n '2,/^# shellcheck/{/^# shellcheck/d;p}' "$0" >&2; exit 2; }

# Print the result lines for one boot's console log. Reading the TAP of each
# ##PVTRACE-TAP-BEGIN/END block: "ok"/"not ok" at the start of a line are results,
# "# SKIP" (and "# TODO" on a failure) make a skip, "1..N" is the plan.
parse_log() {
	local cfg=$1 logf=$2
	awk -v cfg="$cfg" '
	function fail(what, msg) { print "FAIL: " cfg "/" what " " msg }
	function finish(rc, ended) {
		if (!ended)
			fail(cur "/end", "no ##PVTRACE-TAP-END: the script did not finish (hang or crash)")
		else if (rc != 0 && nfail == 0)
			fail(cur "/rc", "exited with rc=" rc " but reported no failure")
		if (plan < 0)
			fail(cur "/plan", "no TAP plan line (1..N)")
		else if (plan != nres && (ended || plan < nres))
			fail(cur "/plan", "plan 1.." plan " but " nres " results")
		in_script = 0
	}
	{ sub(/\r+$/, "") }
	/##PVTRACE-TAP-BEGIN / {
		if (in_script) finish(0, 0)
		line = $0; sub(/.*##PVTRACE-TAP-BEGIN /, "", line); split(line, w, " ")
		cur = w[1]; in_script = 1; plan = -1; nres = 0; nfail = 0; nscripts++
		next
	}
	/##PVTRACE-TAP-END / {
		line = $0; sub(/.*##PVTRACE-TAP-END /, "", line); split(line, w, " ")
		rc = w[2]; sub(/^rc=/, "", rc)
		if (in_script && w[1] == cur) finish(rc + 0, 1)
		next
	}
	/##PVTRACE-DONE/ { done = 1 }
	/^##PVTRACE-HOST boot-end / { status = $0; sub(/.*status="/, "", status); sub(/".*/, "", status) }
	!in_script { next }
	/^1\.\.[0-9]+/ {
		plan = substr($0, 4) + 0
		if (plan == 0) {
			reason = $0; sub(/^1\.\.0[ \t]*#?[ \t]*(SKIP|skip)?[ \t]*/, "", reason)
			print "SKIP: " cfg "/" cur "/0 " reason
		}
		next
	}
	/^Bail out!/ { fail(cur "/bail", $0); nfail++; next }
	/^(not )?ok([ \t]|$)/ {
		nres++
		ok = ($0 !~ /^not /)
		rest = $0; sub(/^(not )?ok[ \t]*/, "", rest)
		num = nres
		if (match(rest, /^[0-9]+/)) { num = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1) }
		sub(/^[ \t]*(-[ \t]*)?/, "", rest)
		verdict = ok ? "PASS" : "FAIL"
		if (rest ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) verdict = "SKIP"
		else if (!ok && rest ~ /#[ \t]*[Tt][Oo][Dd][Oo]/) verdict = "SKIP"
		if (verdict == "FAIL") nfail++
		print verdict ": " cfg "/" cur "/" num " " rest
		next
	}
	END {
		if (in_script) finish(0, 0)
		if (!done) fail("boot", "never reached ##PVTRACE-DONE (" (status == "" ? "no status" : status) ")")
		else if (nscripts == 0) fail("boot", "no test script ran (selftests/guest/tests/*.sh)")
	}' "$logf"
	# Kernel trouble is a failure of the configuration even if every test passed.
	{ grep -aE "$KERNEL_BAD_RE" "$logf" || true; } | tr -d '\r' | head -n 5 | sed "s|^|FAIL: $cfg/kernel |"
}

# Two faults of the lab's emulated machine, with or without pvtrace
# (Documentation/lab-textpoke.rst), end a boot with several vCPUs:
# - a PVH dom0 dies with a triple fault or an entry-stack overflow at an
#   interrupt or syscall entry (the emulated SVM's world switch);
# - QEMU < 8.1's multi-threaded TCG runs a stale translation of a patched
#   site: "Oops: int3" (seen on 6.12, during the kernel's own boot too).
# Such a boot is run again, at most LAB_ATTEMPTS times in all; every retry
# is a SKIP line, so it shows. The int3 case counts only while pvtrace is
# not loaded (the oops' module list), and neither counts when a backtrace
# shows pvtrace. Prints the fault's console line; false if the log shows
# no such fault.
LAB_ATTEMPTS=${PVTRACE_LAB_ATTEMPTS:-4}
# Rows on one emulated CPU that run at once: one per host core, at most 2.
LAB_JOBS=${PVTRACE_LAB_JOBS:-$(($(nproc) >= 2 ? 2 : 1))}
LAB_FAULT_RE='\(XEN\) d0v[0-9]+ Triple fault|BUG: ENTRY_TRAMPOLINE stack guard page'
lab_fault() {
	local mode=$1 vcpus=$2 logf=$3 line
	[ "$vcpus" -gt 1 ] || return 1
	grep -aq '##PVTRACE-DONE' "$logf" && return 1
	grep -aq '\[pvtrace\]' "$logf" && return 1
	if [ "$mode" = pvh ] && line=$(grep -aE -m1 "$LAB_FAULT_RE" "$logf"); then
		line=$(printf '%s' "$line" | tr -d '\r')
		echo "${line#"(XEN) "}"
		return 0
	fi
	line=$(grep -a -m1 'Oops: int3' "$logf" | tr -d '\r') || return 1
	[ -n "$line" ] || return 1
	grep -a 'Modules linked in:' "$logf" | grep -q pvtrace && return 1
	echo "${line#*] } with pvtrace not loaded"
}

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
	tail -n "$TAIL_LINES" "$logf" | tr -d '\r' | sed 's/^/    | /'
	echo "---- end of $cfg console ----"
}

# One row: boot (again after a known fault of the emulated machine), then
# its result lines, appended to $results as well.
run_row() {
	local row=$1 kvar suffix mode vcpus tmo extra kver short cfg logf t0 attempt fault initrd
	read -r kvar suffix mode vcpus tmo extra <<<"$row"
	kver=${!kvar}
	short=$(kver_short "$kver")
	cfg=$short-$suffix
	logf=$labdir/$cfg.log
	initrd=$labdir/initramfs-$short.cpio.gz
	[ "$mode" = domu-pvhvm ] && initrd=$labdir/initramfs-$short-small.cpio.gz
	[ "$tmo" = - ] && tmo=$DEFAULT_TIMEOUT
	if [ -z "${ready[$kvar]:-}" ]; then
		echo "FAIL: $cfg/boot not run: the build for $kver failed" | tee -a "$results"
		return
	fi
	t0=$SECONDS
	attempt=1
	while :; do
		"$LAB_DIR/boot.sh" --kernel "$kver" --mode "$mode" --vcpus "${vcpus%/*}" \
			--cpus "${vcpus#*/}" --timeout "$tmo" \
			--initrd "$initrd" --append-extra "$extra" --log "$logf" 2>&1 || true
		[ "$attempt" -lt "$LAB_ATTEMPTS" ] || break
		fault=$(lab_fault "$mode" "${vcpus%/*}" "$logf") || break
		mv "$logf" "$labdir/$cfg.attempt$attempt.log"
		echo "SKIP: $cfg/lab-fault/$attempt boot $attempt ended in a known fault of the emulated machine, not pvtrace's ($fault; Documentation/lab-textpoke.rst): the row runs again (log: $cfg.attempt$attempt.log)" |
			tee -a "$results"
		attempt=$((attempt + 1))
	done
	parse_log "$cfg" "$logf" | tee -a "$results"
	exporter_promtool "$cfg" "$logf" | tee -a "$results"
	grep -aq '##PVTRACE-DONE' "$logf" || print_tail "$cfg" "$logf"
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
	local only='*' kernels="K61 K612" setup=1
	while [ $# -gt 0 ]; do
		case "$1" in
		--only) only=$2; shift 2 ;;
		--kernels) kernels=$2; shift 2 ;;
		--no-setup) setup=0; shift ;;
		*) usage ;;
		esac
	done

	local start=$SECONDS
	[ "$setup" = 1 ] && "$LAB_DIR/setup.sh" >&2
	load_kernels
	local labdir=$BUILD/lab results
	mkdir -p "$labdir"
	results=$labdir/results.txt
	: >"$results"

	# Select rows first so that only the kernels in use are built.
	local row kvar suffix mode vcpus tmo extra kver short cfg selected=()
	for row in "${MATRIX[@]}"; do
		read -r kvar suffix mode vcpus tmo extra <<<"$row"
		case " $kernels " in *" $kvar "*) ;; *) continue ;; esac
		kver=${!kvar}
		cfg=$(kver_short "$kver")-$suffix
		# shellcheck disable=SC2053 # $only is a glob on purpose
		[[ $cfg == $only ]] || continue
		selected+=("$row")
	done
	[ ${#selected[@]} -gt 0 ] || die "no configuration matches --only '$only' --kernels '$kernels'"

	# Build the module and the initramfs once per kernel.
	local -A ready=()
	local -a small
	for kvar in $kernels; do
		kver=${!kvar}
		short=$(kver_short "$kver")
		case "${selected[*]}" in *"$kvar "*) ;; *) continue ;; esac
		# An HVM domU gets the small initramfs (mkinitramfs.sh --small).
		small=(true)
		case "${selected[*]}" in *"$kvar "*domu-pvhvm*) small=("$LAB_DIR/mkinitramfs.sh" --small) ;; esac
		if "$LAB_DIR/build-module.sh" "$kver" >"$labdir/build-$short.log" 2>&1 &&
			"$LAB_DIR/mkinitramfs.sh" "$kver" "$labdir/initramfs-$short.cpio.gz" >>"$labdir/build-$short.log" 2>&1 &&
			"${small[@]}" "$kver" "$labdir/initramfs-$short-small.cpio.gz" >>"$labdir/build-$short.log" 2>&1; then
			ready[$kvar]=1
		else
			echo "FAIL: $short/build pvtrace.ko or initramfs for $kver failed" | tee -a "$results"
			sed 's/^/    | /' "$labdir/build-$short.log" | tail -n "$TAIL_LINES"
		fi
	done

	# Rows on one emulated CPU (one TCG thread) run LAB_JOBS at a time; a row
	# with several CPUs runs alone.
	local -a pids=() outs=()
	local out
	for row in "${selected[@]}"; do
		read -r kvar suffix mode vcpus tmo extra <<<"$row"
		out=$labdir/$(kver_short "${!kvar}")-$suffix.out
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

	local npass nfail nskip
	npass=$(grep -c '^PASS:' "$results" || true)
	nfail=$(grep -c '^FAIL:' "$results" || true)
	nskip=$(grep -c '^SKIP:' "$results" || true)
	log "matrix: $npass passed, $nfail failed, $nskip skipped in $((SECONDS - start))s (logs: $labdir)"
	[ "$nfail" = 0 ]
}

main "$@"
