#!/usr/bin/env bash
# Boot lab configurations with the kernel-only text-patching reproducer
# (selftests/guest/repro/textpoke.sh, pvtrace.mode=repro) instead of the tests, and report
# fault/no-fault per boot with the faulting RIP, then a rate per configuration.
# Usage: repro-textpoke.sh [--runs K] [--rounds N] [--timeout S] [--events LIST]
#                          [--append-extra "guest args"] [--xen-extra "Xen args"]
#                          [--accel "tcg,thread=single"] [--qemu BINARY] [--tag NAME]
#                          [--xen 4.17|4.20] CONFIG...
#   CONFIG is KERNEL-MODE-VCPUS[/CPUS], e.g. 6.12-pv-2 6.12-pvh-2 6.12-pvh-4/2 6.1-pvh-2
#   (KERNEL: a short version, 6.1 to 7.2, resolved through kernels.env; MODE: pv, pvh,
#   native; CPUS: the emulated CPUs, default VCPUS).
#   --accel replaces boot.sh's "-accel tcg" and --qemu runs another qemu-system-x86_64 build
#   (through a PATH shim that lives only as long as this script: for experiments).
#   --xen picks the hypervisor (default: boot.sh's, 4.17 for PV and 4.20 for PVH).
#   --tag names the experiment: logs go to <config>[-<tag>]-<i>.log, RATE lines carry it.
# Output: "REPRO: <config> run i/K: FAULT|NOFAULT|INCOMPLETE rounds=a/b rip=SYMBOL first=..."
#         "RATE: <config> faults=F/K runs, rounds before fault: ..."
# Logs: $BUILD/lab/repro/<config>[-<tag>]-<i>.log. Exit: 0 if no run faulted, 1 otherwise.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,/^# shellcheck/{/^# shellcheck/d;p}' "$0" >&2; exit 2; }

runs=1 rounds=300 tmo='' events='' extra='' xen_extra='' xen_ver='' accel='' qemu_bin='' tag='' configs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	--events) events=$2; shift 2 ;;
	--append-extra) extra=$2; shift 2 ;;
	--xen-extra) xen_extra=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--qemu) qemu_bin=$2; shift 2 ;;
	--tag) tag=$2; shift 2 ;;
	--xen) xen_ver=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) die "unknown argument $1" ;;
	*) configs+=("$1"); shift ;;
	esac
done
[ ${#configs[@]} -gt 0 ] || usage
# Boot (~30 s) plus 0.3..2.5 s per round, depending on how many other QEMUs share the
# 2-core host, with a margin: a boot that runs out of time counts as INCOMPLETE.
[ -n "$tmo" ] || tmo=$((180 + rounds * 4))

outdir=$BUILD/lab/repro
mkdir -p "$outdir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The initramfs: busybox and selftests/guest only. pvtrace.ko is not needed, so this
# works whatever state the module's sources are in, and one image serves every kernel.
guest=$REPO/selftests/guest
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: run scripts/lab/setup.sh"
stage=$work/stage
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run}
cp "$BUSYBOX" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp -a "$guest" "$stage/selftests"
install -m 0755 "$guest/init" "$stage/init"
initrd=$outdir/initramfs-repro.cpio.gz
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --quiet -o -0 -H newc -R 0:0 --reproducible) | gzip -1 >"$initrd"

if [ -n "$accel$qemu_bin" ]; then
	# boot.sh runs "qemu-system-x86_64 ... -accel tcg ...": swap the binary and that argument.
	real=${qemu_bin:-$(command -v qemu-system-x86_64)}
	[ -x "$real" ] || die "$real is not an executable"
	accel=${accel:-tcg}
	mkdir -p "$work/shim"
	cat >"$work/shim/qemu-system-x86_64" <<SHIM
#!/usr/bin/env bash
args=()
for a in "\$@"; do [ "\$a" = tcg ] && a='$accel'; args+=("\$a"); done
exec '$real' "\${args[@]}"
SHIM
	chmod +x "$work/shim/qemu-system-x86_64"
	export PATH="$work/shim:$PATH"
fi

guest_args="pvtrace.mode=repro pvtrace.rounds=$rounds"
[ -n "$events" ] && guest_args+=" pvtrace.events=$events"
any_fault=0
for cfg in "${configs[@]}"; do
	IFS=- read -r kshort mode vcpus <<<"$cfg"
	case "$mode" in pv | pvh | native) ;; *) die "bad config $cfg (want KERNEL-MODE-VCPUS)" ;; esac
	cpus=${vcpus#*/}
	vcpus=${vcpus%/*}
	[[ $vcpus =~ ^[0-9]+$ ]] && [[ $cpus =~ ^[0-9]+$ ]] || die "bad vCPU count in $cfg"
	kver=$(resolve_kver "$kshort")
	nfault=0 nok=0 ninc=0 at=''
	for i in $(seq 1 "$runs"); do
		logf=$outdir/${cfg//\//on}${tag:+-$tag}-$i.log
		"$LAB_DIR/boot.sh" --kernel "$kver" --mode "$mode" --vcpus "$vcpus" --cpus "$cpus" --timeout "$tmo" \
			--initrd "$initrd" --append-extra "$guest_args $extra" --xen-extra "$xen_extra" \
			${xen_ver:+--xen "$xen_ver"} --log "$logf" 2>"$logf.host" || true
		line=$(grep -a -m1 '##PVTRACE-REPRO ' "$logf" | tr -d '\r' || true)
		done_rounds=$(echo "$line" | sed -n 's/.* rounds=\([0-9/]*\).*/\1/p')
		if [ -z "$done_rounds" ]; then
			# No result line (an oops panics 6.12): the last progress line, printed every
			# 10 rounds, bounds the round that faulted: "20+" = after 20, before 30.
			done_rounds=$(grep -a 'textpoke: [0-9]* rounds' "$logf" | tail -n1 | tr -d '\r' |
				sed -n 's/.*textpoke: \([0-9]*\) rounds.*/\1+/p' || true)
			grep -aq '^textpoke: rounds=' "$logf" && : "${done_rounds:=0+}"
		fi
		# The console has the oops even when the guest never printed its result line.
		first=$(grep -a -m1 -E 'Oops: |BUG: |general protection fault|\(XEN\) .*crashed|\(XEN\) d0v[0-9]+ Triple fault|Kernel panic' "$logf" |
			tr -d '\r' | sed 's/^\[[ 0-9.]*\] //' || true)
		rip=$(grep -a -m1 -E 'RIP: [0-9a-f]+:' "$logf" | tr -d '\r' | sed 's/.*RIP: [0-9a-f]*://; s/ .*//' || true)
		if [ -n "$first" ]; then
			verdict=FAULT nfault=$((nfault + 1)) at+=" ${done_rounds:-?}"
		elif [[ $line == *result=nofault* ]]; then
			verdict=NOFAULT nok=$((nok + 1))
		else
			verdict=INCOMPLETE ninc=$((ninc + 1))
		fi
		status=$(sed -n 's/^##PVTRACE-HOST boot-end status="\(.*\)" elapsed=\(.*\)/\1, \2/p' "$logf")
		[ -n "$status" ] || status="boot.sh: $(tail -n1 "$logf.host")"
		echo "REPRO: $cfg${tag:+ [$tag]} run $i/$runs: $verdict rounds=${done_rounds:-?/$rounds} rip=${rip:-none} first=\"${first:-none}\" ($status) log=$logf"
	done
	echo "RATE: $cfg${tag:+ [$tag]} faults=$nfault/$runs runs (nofault=$nok incomplete=$ninc) rounds=$rounds${xen_ver:+ xen=$xen_ver}${at:+ fault after rounds:$at}${accel:+ accel=$accel}${qemu_bin:+ qemu=$qemu_bin}${extra:+ append=\"$extra\"}${xen_extra:+ xen=\"$xen_extra\"}"
	[ "$nfault" = 0 ] || any_fault=1
done
[ "$any_fault" = 0 ]
