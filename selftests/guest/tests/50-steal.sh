#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: steal
# Steal time (the steal hook), checked against the kernel's own count:
# - over a busy period, per vCPU, pvtrace's copy of the kernel's steal
#   counter agrees with /proc/stat to within /proc/stat's unit (10 ms), and
#   the Xen runstate steal agrees with the kernel's counter to within two
#   ticks (the kernel counts steal at its tick);
# - the four runstate times add up to the elapsed time;
# - totals never go backwards, also across taking a vCPU down and up;
# - with more vCPUs than CPUs, an idle and a busy run give visibly
#   different steal-ratio distributions;
# - steal_source=generic (the steal-only mode a KVM guest gets) works here
#   on the same counter; bad parameters are refused.
. "$(dirname "$0")/../lib.sh"

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"

# Small interval and window, so that a few seconds give many samples.
PARAMS="steal_interval_ms=50 steal_window=4"
USER_HZ_NS=10000000	# /proc/stat's unit on x86 (USER_HZ = 100)
BUSY_S=3
S=$PVT_DIR/steal
N=$(grep -c '^processor' /proc/cpuinfo)
PCPUS=$(find /sys/devices/system/xen_cpu -name 'xen_cpu[0-9]*' 2>/dev/null | grep -c .)

# steal_of FILE CPU: the steal column of cpuN in a copy of /proc/stat, in
# USER_HZ units.
steal_of() {
	awk -v c="cpu$2" '$1 == c { print $9 }' "$1"
}

# col FILE CPU COLUMN
col() {
	"$PVT_CHECK" get "$1" "$2" "$3"
}

# stable NAME: 0 if, for every CPU, both /proc/stat reads of snapshot NAME
# show the same steal.
stable() {
	cpu=0
	while [ $cpu -lt "$N" ]; do
		[ "$(steal_of "/tmp/$1.p1" $cpu)" = "$(steal_of "/tmp/$1.p2" $cpu)" ] || return 1
		cpu=$((cpu + 1))
	done
}

# snap NAME: /proc/stat, pvtrace's steal and runstate, /proc/stat again.
# The pvtrace read happens between the two /proc/stat reads, so the
# kernel's counter at that moment lies between them. An idle CPU's
# counter is only brought up to date when the CPU wakes (pvtrace's read
# wakes every CPU), and under emulation the read takes long enough for
# steal to tick in meanwhile: try up to 3 times for two /proc/stat reads
# that agree. The checks below hold either way; the diagnostics say how
# tight they were.
snap() {
	t=0
	while [ $t -lt 3 ]; do
		cat /proc/stat >"/tmp/$1.p1"
		cat "$S" >"/tmp/$1.steal"
		[ -f "$PVT_DIR/runstate" ] && cat "$PVT_DIR/runstate" >"/tmp/$1.rs"
		cat /proc/stat >"/tmp/$1.p2"
		stable "$1" && return 0
		t=$((t + 1))
	done
	tap_diag "snapshot $1: /proc/stat moved during each of 3 tries"
}

HOGS=""
hogs_start() {
	i=0
	while [ $i -lt "$N" ]; do
		(while :; do :; done) &
		HOGS="$HOGS $!"
		i=$((i + 1))
	done
}

hogs_stop() {
	# shellcheck disable=SC2086 # a list of pids
	kill $HOGS 2>/dev/null
	# shellcheck disable=SC2086
	wait $HOGS 2>/dev/null
	HOGS=""
}

# reload PARAM...: unload, then load with PARAMs (words of $PARAMS).
reload() {
	rmmod pvtrace && pvt_insmod "$@"
}

# set_online CPU 0|1
set_online() {
	echo "$2" >"/sys/devices/system/cpu/cpu$1/online"
}

abs() {
	[ "$1" -lt 0 ] && echo $((-$1)) || echo "$1"
}

# check_generic A B: per CPU, the generic column against /proc/stat.
# At each snapshot the kernel's counter K (ns) satisfies
#   P1 * 10 ms <= K < (P2 + 1) * 10 ms,
# so over the period dK lies strictly within
#   ((P1b - P2a) - 1) * 10 ms .. ((P2b - P1a) + 1) * 10 ms:
# within one /proc/stat unit of d(/proc/stat) when nothing ticked
# between the reads of a snapshot.
check_generic() {
	bad=""
	cpu=0
	while [ $cpu -lt "$N" ]; do
		ka=$(col "/tmp/$1.steal" $cpu generic_ns)
		kb=$(col "/tmp/$2.steal" $cpu generic_ns)
		p1a=$(steal_of "/tmp/$1.p1" $cpu)
		p2a=$(steal_of "/tmp/$1.p2" $cpu)
		p1b=$(steal_of "/tmp/$2.p1" $cpu)
		p2b=$(steal_of "/tmp/$2.p2" $cpu)
		dk=$((kb - ka))
		lo=$(((p1b - p2a - 1) * USER_HZ_NS))
		hi=$(((p2b - p1a + 1) * USER_HZ_NS))
		tap_diag "cpu$cpu: pvtrace generic steal +${dk} ns, /proc/stat +$((p1b - p2a))..$((p2b - p1a)) x 10 ms"
		{ [ "$dk" -gt "$lo" ] && [ "$dk" -lt "$hi" ]; } || bad="$bad cpu$cpu"
		cpu=$((cpu + 1))
	done
	[ -z "$bad" ]
}

tap_plan 20

src=$(summary_get steal_source)
tick=$(summary_get tick_ns)
tap_diag "steal_source $src, tick_ns $tick, $N vCPUs, $PCPUS physical CPUs"
case "$PVTRACE_EXPECT_TYPE" in
xen-*) want=runstate ;;
*) want=generic ;;
esac
[ "$src" = "$want" ] && summary_get hooks | grep -q steal
tap_ok $? "summary: steal hook active, steal_source $want"

# shellcheck disable=SC2086 # PARAMS is a list of words
reload $PARAMS
tap_ok $? "reload with $PARAMS"
missing=""
for f in steal runstate steal_interval_hist steal_ratio_hist; do
	[ -f "$PVT_DIR/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
tap_ok $? "steal files exist (missing:${missing:- none})"

# --- a busy period: every vCPU spins, so they compete for the CPUs.
sleep 1
snap a
cp "$PVT_DIR/steal_ratio_hist" /tmp/busy0.ratio
cp "$PVT_DIR/steal_interval_hist" /tmp/busy0.interval
hogs_start
sleep $BUSY_S
cp "$PVT_DIR/steal_ratio_hist" /tmp/busy1.ratio
cp "$PVT_DIR/steal_interval_hist" /tmp/busy1.interval
hogs_stop
sleep 1
snap b
sed 's/^/# a: /' /tmp/a.steal
sed 's/^/# b: /' /tmp/b.steal
sed 's/^/# b: /' /tmp/b.rs

check_generic a b
tap_ok $? "per vCPU, pvtrace's generic steal agrees with /proc/stat to 10 ms"

# Runstate steal vs the kernel's counter: both read on the vCPU itself,
# where the kernel's lags by the steal since the CPU's tick handler last
# ran: a tick, plus however long the tick was held off (interrupts
# disabled), which emulation stretches. Allow 2 ticks.
bad=""
cpu=0
while [ $cpu -lt "$N" ]; do
	ds=$(($(col /tmp/b.steal $cpu steal_ns) - $(col /tmp/a.steal $cpu steal_ns)))
	dk=$(($(col /tmp/b.steal $cpu generic_ns) - $(col /tmp/a.steal $cpu generic_ns)))
	d=$(abs $((ds - dk)))
	tap_diag "cpu$cpu: runstate steal +$ds ns, kernel +$dk ns, differ by $d ns"
	[ "$d" -le $((2 * tick)) ] || bad="$bad cpu$cpu"
	cpu=$((cpu + 1))
done
[ -z "$bad" ]
tap_ok $? "per vCPU, runstate steal agrees with the kernel's to 2 ticks (bad:${bad:- none})"

# Runstate times add up to elapsed time, over the busy period. Xen adds a
# running period to the running time only when it ends, so each end is
# short by the vCPU's current run; read on a vCPU just woken for the
# read, that is short. Allow 1% of the period.
bad=""
cpu=0
while [ $cpu -lt "$N" ]; do
	sum=0
	for c in running_ns runnable_ns blocked_ns offline_ns; do
		sum=$((sum + $(col /tmp/b.rs $cpu $c) - $(col /tmp/a.rs $cpu $c)))
	done
	el=$(($(col /tmp/b.rs $cpu elapsed_ns) - $(col /tmp/a.rs $cpu elapsed_ns)))
	d=$(abs $((sum - el)))
	tap_diag "cpu$cpu: runstate sum $sum ns, elapsed $el ns, differ by $d ns"
	[ "$el" -gt 0 ] && [ $((d * 100)) -le "$el" ] || bad="$bad cpu$cpu"
	cpu=$((cpu + 1))
done
[ -z "$bad" ]
tap_ok $? "per vCPU, running+runnable+blocked+offline = elapsed within 1% (bad:${bad:- none})"

bad=""
cpu=0
while [ $cpu -lt "$N" ]; do
	for c in steal_ns runnable_ns offline_ns generic_ns elapsed_ns intervals; do
		[ "$(col /tmp/b.steal $cpu $c)" -ge "$(col /tmp/a.steal $cpu $c)" ] ||
			bad="$bad cpu$cpu:$c"
	done
	cpu=$((cpu + 1))
done
[ -z "$bad" ] && [ "$(col /tmp/b.steal 0 intervals)" -gt 0 ]
tap_ok $? "totals only grew; the samplers ran (bad:${bad:- none})"

jumps=0
cpu=0
while [ $cpu -lt "$N" ]; do
	jumps=$((jumps + $(col /tmp/b.steal $cpu backward_jumps)))
	cpu=$((cpu + 1))
done
[ "$jumps" = 0 ]
tap_ok $? "no backward jumps to absorb in a plain run ($jumps)"

# --- the same time idle, after a fresh load has settled.
# shellcheck disable=SC2086 # PARAMS is a list of words
reload $PARAMS
sleep 2
cp "$PVT_DIR/steal_ratio_hist" /tmp/idle0.ratio
cp "$PVT_DIR/steal_interval_hist" /tmp/idle0.interval
sleep $BUSY_S
cp "$PVT_DIR/steal_ratio_hist" /tmp/idle1.ratio
cp "$PVT_DIR/steal_interval_hist" /tmp/idle1.interval

# diff OLD NEW: NEW's histogram file minus OLD's (same rows), summed over
# vCPUs: "lo hi count" per bucket.
diff_hist() {
	awk 'FNR == 1 { next }
	     NR == FNR { old[$2] += $4; next }
	     { new[$2] += $4; hi[$2] = $3 }
	     END { for (k in new) print k, hi[k], new[k] - old[k] }' "$1" "$2" | sort -n
}
diff_hist /tmp/busy0.ratio /tmp/busy1.ratio >/tmp/busy.ratio
diff_hist /tmp/idle0.ratio /tmp/idle1.ratio >/tmp/idle.ratio
diff_hist /tmp/busy0.interval /tmp/busy1.interval >/tmp/busy.interval
diff_hist /tmp/idle0.interval /tmp/idle1.interval >/tmp/idle.interval
# shown FILE: the non-empty buckets.
shown() {
	awk '$3 { printf "%s-%s:%d ", $1, $2, $3 }' "$1" | sed 's/-18446744073709551615/+/g'
}
# hist_median FILE: "lo hi" of the bucket holding the median sample, or "none".
hist_median() {
	awk '{ lo[NR] = $1; hi[NR] = $2; c[NR] = $3; n += $3 }
	     END { if (!n) { print "none"; exit }
		   for (i = 1; i <= NR; i++) { s += c[i]; if (2 * s >= n) { print lo[i], hi[i]; exit } } }' "$1"
}
tap_diag "steal ratio per ${PARAMS##*=}-interval window, all vCPUs, pct:windows"
tap_diag "  idle: $(shown /tmp/idle.ratio)"
tap_diag "  busy: $(shown /tmp/busy.ratio)"
tap_diag "steal per interval, all vCPUs, ns:intervals"
tap_diag "  idle: $(shown /tmp/idle.interval)"
tap_diag "  busy: $(shown /tmp/busy.interval)"
mi=$(hist_median /tmp/idle.ratio)
mb=$(hist_median /tmp/busy.ratio)
tap_diag "median window: idle ${mi% *}..${mi#* }%, busy ${mb% *}..${mb#* }%"
[ "$mi" != none ] && [ "$mb" != none ]
tap_ok $? "both runs recorded ratio windows"
if [ "$PCPUS" -gt 0 ] && [ "$N" -gt "$PCPUS" ]; then
	# Busy: every vCPU wants a CPU all the time, so each gets about
	# CPUs/vCPUs of it. Idle: the vCPUs are mostly blocked (under
	# emulation "idle" still keeps them busy a fair part of the time).
	# The busy median must be at least 20% and a whole bucket above
	# the idle one.
	[ "$mb" != none ] && [ "$mi" != none ] && [ "${mb% *}" -ge 20 ] &&
		[ "${mb% *}" -gt $((${mi#* } + 10)) ]
	tap_ok $? "median steal ratio: busy >= 20% and a bucket or more above idle"
else
	tap_skip "idle vs busy distributions differ" \
		"needs more vCPUs than physical CPUs ($N vCPUs, ${PCPUS:-?} CPUs)"
fi

# --- a vCPU taken down and brought back: its sampler stops and restarts,
# its totals keep what they had; on Xen the time down is offline time.
if [ "$N" -ge 2 ] && [ -w /sys/devices/system/cpu/cpu1/online ]; then
	cat "$S" >/tmp/h0.steal
	set_online 1 0
	tap_ok $? "cpu1 taken offline"
	cat "$S" >/tmp/h1.steal
	cat "$PVT_DIR/runstate" >/tmp/h1.rs
	sleep 1
	cat "$S" >/tmp/h2.steal
	[ "$(col /tmp/h1.steal 1 intervals)" = "$(col /tmp/h2.steal 1 intervals)" ] &&
		[ "$(col /tmp/h1.steal 1 elapsed_ns)" = "$(col /tmp/h2.steal 1 elapsed_ns)" ]
	tap_ok $? "while down, cpu1's sampler is stopped and its totals stay"
	set_online 1 1
	tap_ok $? "cpu1 back online"
	sleep 1
	cat "$S" >/tmp/h3.steal
	cat "$PVT_DIR/runstate" >/tmp/h3.rs
	sed 's/^/# after: /' /tmp/h3.rs
	sed 's/^/# after: /' /tmp/h3.steal
	bad=""
	for c in steal_ns generic_ns elapsed_ns intervals; do
		[ "$(col /tmp/h3.steal 1 $c)" -ge "$(col /tmp/h0.steal 1 $c)" ] || bad="$bad $c"
	done
	[ -z "$bad" ] && [ "$(col /tmp/h3.steal 1 intervals)" -gt "$(col /tmp/h2.steal 1 intervals)" ]
	tap_ok $? "back up: cpu1 samples again, nothing went backwards (bad:${bad:- none})"
	# cpu1 was down all the time between the reads h1 and h2, which cpu0
	# measured: at least that much is in cpu1's elapsed time, and, on
	# Xen, in its offline time (a vCPU the guest took down is offline).
	down=$(($(col /tmp/h2.steal 0 elapsed_ns) - $(col /tmp/h1.steal 0 elapsed_ns)))
	el=$(($(col /tmp/h3.steal 1 elapsed_ns) - $(col /tmp/h1.steal 1 elapsed_ns)))
	off=$(($(col /tmp/h3.rs 1 offline_ns) - $(col /tmp/h1.rs 1 offline_ns)))
	tap_diag "cpu1 down for at least $down ns; since: elapsed +$el ns, offline +$off ns"
	[ "$down" -ge 1000000000 ] && [ "$el" -ge "$down" ] && [ "$off" -ge "$down" ]
	tap_ok $? "the time down (over 1 s) is in cpu1's elapsed and offline times"
else
	for d in "cpu1 taken offline" "sampler stopped while down" "cpu1 back online" \
		"samples again" "time down is offline time"; do
		tap_skip "$d" "needs cpu1 and CPU hotplug"
	done
fi

# --- steal-only mode, as on KVM: the kernel's steal counter alone.
# shellcheck disable=SC2086
reload $PARAMS steal_source=generic
tap_ok $? "reload with steal_source=generic"
[ "$(summary_get steal_source)" = generic ] && [ ! -e "$PVT_DIR/runstate" ] &&
	[ -f "$S" ] && [ -f "$PVT_DIR/steal_ratio_hist" ]
tap_ok $? "summary says generic; no runstate file, the steal files are there"
sleep 1
snap c
hogs_start
sleep 2
hogs_stop
sleep 1
snap d
bad=""
cpu=0
while [ $cpu -lt "$N" ]; do
	[ "$(col /tmp/d.steal $cpu steal_ns)" = "$(col /tmp/d.steal $cpu generic_ns)" ] &&
		[ "$(col /tmp/d.steal $cpu runnable_ns)" = - ] || bad="$bad cpu$cpu"
	cpu=$((cpu + 1))
done
check_generic c d && [ -z "$bad" ]
tap_ok $? "generic mode: steal_ns is the kernel's counter and agrees with /proc/stat (bad:${bad:- none})"

# --- bad parameters: refused with EINVAL and one kernel log line each.
rmmod pvtrace
bad=""
for p in steal_interval_ms=9 steal_window=10001 steal_source=runstate; do
	before=$(dmesg | grep -c 'pvtrace: ')
	out=$(pvt_insmod "$p" 2>&1) && bad="$bad $p:loaded" && rmmod pvtrace
	echo "$out" | grep -q 'Invalid argument' || bad="$bad $p:not-EINVAL"
	# busybox insmod tries twice (finit_module, then init_module).
	lines=$(dmesg | grep 'pvtrace: ' | tail -n +$((before + 1)) |
		grep -v -e 'taints kernel' -e 'verification failed' | sed 's/^\[[^]]*\] //' | sort -u)
	[ "$(echo "$lines" | grep -c .)" = 1 ] && echo "$lines" | grep -q "${p%%=*}" ||
		bad="$bad $p:log($lines)"
done
[ -z "$bad" ]
tap_ok $? "out-of-range parameters: EINVAL and one log line naming them (bad:${bad:- none})"

pvt_insmod
tap_ok $? "reload with the defaults"
tap_done
