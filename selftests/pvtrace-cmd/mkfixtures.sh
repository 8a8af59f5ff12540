#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Second snapshots for pvtrace stat and top: copies of fixtures captured in
# the lab (selftests/exporter/fixtures) with known amounts added to their
# counters, histograms included, every file consistent with the others
# (totals = sum of the sub-commands = sum of the vCPUs; histogram counts
# follow the calls). The unit tests (selftests/unit/cost_test.c) and
# run.sh check pvtrace stat's arithmetic against these amounts.
#   6.1-pv-b        6.1-pv, 2 s later (see the table below)
#   6.1-pv-untimed  the same calls, hcall_timing=0: no hypercall time
#   generic-steal-b generic-steal, 2 s later, 300 ms stolen on vCPU 0
# Usage: mkfixtures.sh (rewrites fixtures/ beside this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$here/../exporter/fixtures
out=$here/fixtures

# bump FILE MATCH COLUMN DELTA: add DELTA to COLUMN of the records matching
# MATCH ("col=value,col=value"; empty: every record).
bump() {
	awk -v match_="$2" -v col="$3" -v d="$4" '
		NR == 1 { for (i = 2; i <= NF; i++) c[$i] = i - 1
			  n = split(match_, m, ","); print; next }
		{ ok = 1
		  for (i = 1; i <= n; i++) { split(m[i], kv, "="); if ($(c[kv[1]]) != kv[2]) ok = 0 }
		  if (ok) $(c[col]) = sprintf("%.0f", $(c[col]) + d)
		  print }' "$1" >"$1.tmp"
	mv "$1.tmp" "$1"
}

# hcall DIR TIMED HYPERCALL SUB CPU CALLS NS_EACH BUCKET_LO: CALLS calls of
# HYPERCALL (SUB "-": not multiplexed) on CPU, each NS_EACH long, in the
# latency bucket starting at BUCKET_LO (TIMED 0: counted, not timed).
hcall() {
	hd=$1/hypercalls timed=$2 h=$3 s=$4 cpu=$5 n=$6 each=$7 lo=$8
	ns=$((n * each))
	bump "$hd/totals" "hypercall=$h" calls "$n"
	bump "$hd/percpu" "cpu=$cpu,hypercall=$h" calls "$n"
	if [ "$timed" = 1 ]; then
		bump "$hd/totals" "hypercall=$h" total_ns "$ns"
		bump "$hd/percpu" "cpu=$cpu,hypercall=$h" total_ns "$ns"
		bump "$hd/latency" "hypercall=$h,lo_ns=$lo" count "$n"
	fi
	[ "$s" = - ] && return 0
	bump "$hd/subcommands" "hypercall=$h,subcommand=$s" calls "$n"
	bump "$hd/percpu_subcommands" "cpu=$cpu,hypercall=$h,subcommand=$s" calls "$n"
	if [ "$timed" = 1 ]; then
		bump "$hd/subcommands" "hypercall=$h,subcommand=$s" total_ns "$ns"
		bump "$hd/percpu_subcommands" "cpu=$cpu,hypercall=$h,subcommand=$s" total_ns "$ns"
		bump "$hd/subcommand_latency" "hypercall=$h,subcommand=$s,lo_ns=$lo" count "$n"
	fi
}

# channel DIR PORT IRQ NAME CPU RUNS NS_EACH BUCKET_LO
channel() {
	cd=$1/upcalls n=$6 ns=$(($6 * $7))
	for f in channels channels_percpu; do
		m="port=$2,irq=$3,name=$4"
		[ $f = channels_percpu ] && m="cpu=$5,$m"
		bump "$cd/$f" "$m" calls "$n"
		bump "$cd/$f" "$m" total_ns "$ns"
	done
	bump "$cd/channel_latency" "port=$2,irq=$3,name=$4,lo_ns=$8" count "$n"
}

# upcall DIR CPU UPCALLS NS_EACH BUCKET_LO HANDLERS EVENTS_2: UPCALLS
# upcalls on CPU running HANDLERS handlers, EVENTS_2 of them with 2 events.
upcall() {
	ud=$1/upcalls
	bump "$ud/percpu" "cpu=$2" upcalls "$3"
	bump "$ud/percpu" "cpu=$2" kernel_upcalls "$3"
	bump "$ud/percpu" "cpu=$2" handlers "$6"
	bump "$ud/percpu" "cpu=$2" events "$6"
	bump "$ud/percpu" "cpu=$2" total_ns "$(($3 * $4))"
	bump "$ud/latency" "cpu=$2,lo_ns=$5" count "$3"
	bump "$ud/events_per_upcall" "cpu=$2,lo_events=1" count "$(($3 - $7))"
	bump "$ud/events_per_upcall" "cpu=$2,lo_events=2" count "$7"
}

# steal DIR CPU STOLEN_NS BUCKET_LO RATIO_LO MODE: 2 s more, 20 sampling
# intervals of STOLEN_NS / 20 (in the bucket at BUCKET_LO), 2 windows.
steal() {
	sd=$1 cpu=$2 st=$3
	for c in steal_ns generic_ns; do
		bump "$sd/steal" "cpu=$cpu" $c "$st"
	done
	[ "$6" = runstate ] && bump "$sd/steal" "cpu=$cpu" runnable_ns "$st"
	bump "$sd/steal" "cpu=$cpu" elapsed_ns 2000000000
	bump "$sd/steal" "cpu=$cpu" intervals 20
	bump "$sd/steal" "cpu=$cpu" windows 2
	bump "$sd/steal_interval_hist" "cpu=$cpu,lo_ns=$4" count 20
	bump "$sd/steal_ratio_hist" "cpu=$cpu,lo_pct=$5" count 2
	[ "$6" = runstate ] || return 0
	bump "$sd/runstate" "cpu=$cpu" runnable_ns "$st"
	bump "$sd/runstate" "cpu=$cpu" running_ns "$((1500000000 - st))"
	bump "$sd/runstate" "cpu=$cpu" blocked_ns 500000000
	bump "$sd/runstate" "cpu=$cpu" elapsed_ns 2000000000
}

rm -rf "$out"
mkdir -p "$out"
for v in b untimed; do
	d=$out/6.1-pv-$v
	cp -R "$src/6.1-pv" "$d"
	timed=1
	if [ $v = untimed ]; then
		timed=0
		sed -i 's/^timing 1$/timing 0/' "$d/hypercalls/status"
	fi
	#                 hypercall        sub                  cpu calls ns_each  bucket
	hcall "$d" "$timed" xen_version      version              0   400   100000   65536
	hcall "$d" "$timed" xen_version      version              1   300   100000   65536
	hcall "$d" "$timed" sched_op         block                0   100   7500000  4194304
	hcall "$d" "$timed" sched_op         block                1   100   7500000  4194304
	hcall "$d" "$timed" event_channel_op send                 0   60    200000   131072
	hcall "$d" "$timed" event_channel_op send                 1   40    200000   131072
	hcall "$d" "$timed" vcpu_op          set_singleshot_timer 0   150   100000   65536
	hcall "$d" "$timed" vcpu_op          set_singleshot_timer 1   150   100000   65536
	hcall "$d" "$timed" mmu_update       -                    0   600   10000    8192
	hcall "$d" "$timed" mmu_update       -                    1   400   10000    8192
	#          cpu upcalls ns_each bucket handlers events_2
	upcall "$d" 0  150     200000  131072 160      10
	upcall "$d" 1  100     200000  131072 100      0
	#           port irq name            cpu runs ns_each bucket
	channel "$d" 1   24  timer0          0   120  166666  131072
	channel "$d" 7   30  timer1          1   90   166666  131072
	channel "$d" 3   26  resched0        0   20   50000   32768
	channel "$d" 10  33  callfuncsingle1 1   10   50000   32768
	#         cpu stolen_ns bucket  ratio mode
	steal "$d" 0  200000000 8388608 10    runstate
	steal "$d" 1  100000000 4194304 5     runstate
done

d=$out/generic-steal-b
cp -R "$src/generic-steal" "$d"
steal "$d" 0 300000000 8388608 10 generic
