#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: params
# Bad input to every parameter: a few hundred values (empty, huge,
# negative, overlong, non-ASCII, an embedded NUL, control characters)
# between valid ones, written at run time to each writable parameter and
# given at load time (insmod) to every one. Each is refused with -EINVAL
# and one log line, or accepted with a value that reads back valid; no
# kernel warning; the counters keep counting, never backwards.
# PVTRACE_STRESS (pvtrace.stress=N), when set, makes the run quick for make
# test: every 4th hostile value at run time and N per parameter at load time
# (instead of all of them, about 75 and 24).
. "$(dirname "$0")/../lib.sh"

P=/sys/module/pvtrace/parameters
WATCH=$(dirname "$0")/../bin/pvtrace-watch

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || pvt_insmod || tap_skip_all "pvtrace does not load"

# The inputs: hostile ones, then valid ones of each kind.
bad_values() {
	printf '%s\n' "" " " "-" "-1" "-0" "+" "0x" "0xg" "1e3" "1.5" "one" "on off" \
		"18446744073709551616" "99999999999999999999999" "-9223372036854775809" \
		"4294967296" "2147483648" "auto,1" "none,all" "callers,,redundant" \
		",callers" "callers," "hcall=" "hcall=:" "cpu=" "cpu=-1" "cpu=2-" "port=" \
		"port=99999999999" "10s10s" "1d" "25h" "0ms" "-5s" "yes please"
	printf 'caf\303\251\n'			# non-ASCII
	printf '\342\200\213\n'			# a zero-width space
	printf 'a\tb\n'				# a control character
	printf '\033[31m\n'			# an escape sequence
	head -c 300 /dev/zero | tr '\0' 'x'; echo	# overlong
	head -c 5000 /dev/zero | tr '\0' '9'; echo	# overlong number
}
good_values() {
	printf '%s\n' 0 1 y n auto none all callers redundant callers,redundant 0 50000 \
		1000000000 4 1024 65536 off on 500ms 10s 2m all hcall upcall steal \
		hcall=xen_version hcall=xen_version:pagesize hcall=17 port=3 cpu=0 cpu=0-1
}

# One write; prints "ok" (accepted and reads back), "refused" (EINVAL and
# exactly one new log line), or what went wrong.
try_write() { # PARAM VALUE
	_n0=$(dmesg | grep -c 'pvtrace')
	# One write(2) of the whole value, and its error by name: dd says it
	# (the shell's printf builtin does not report a failed write).
	printf '%s' "$2" >/tmp/86-v
	if dd if=/tmp/86-v of="$P/$1" bs=65536 2>/tmp/86-err; then
		cat "$P/$1" >/dev/null 2>&1 || [ "$1" = slowest_reset ] ||
			{ echo "accepted but unreadable"; return; }
		echo ok
		return
	fi
	_n1=$(dmesg | grep -c 'pvtrace')
	if ! grep -q 'Invalid argument\|Cannot allocate memory' /tmp/86-err; then
		echo "refused without EINVAL: $(cat /tmp/86-err)"
	elif [ $((_n1 - _n0)) -ne 1 ]; then
		echo "refused with $((_n1 - _n0)) log lines"
	else
		echo refused
	fi
}

# quick: every 4th hostile value and the first 8 valid ones.
values() {
	if [ -n "${PVTRACE_STRESS:-}" ]; then
		bad_values | awk 'NR % 4 == 1'
		good_values | head -n 8
	else
		bad_values
		good_values
	fi
}

tap_plan 6
w0=$(dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection')
# Writable by their mode (test -w is true of every file for root).
writable=$(cd $P && ls -l | awk 'substr($1, 3, 1) == "w" { print $NF }')
bad=0 tried=0
for p in $writable; do
	orig=$(cat "$P/$p" 2>/dev/null)
	values >/tmp/86-values
	while IFS= read -r v; do
		r=$(try_write "$p" "$v")
		tried=$((tried + 1))
		case $r in
		ok | refused) ;;
		*)
			bad=$((bad + 1))
			[ $bad -le 10 ] && tap_diag "$p <- '$(printf '%s' "$v" | cut -c1-40)': $r"
			;;
		esac
		# A recording must not be left running between values.
		[ "$p" = record ] && echo off >"$P/record" 2>/dev/null
	done </tmp/86-values
	# Embedded NUL: the kernel sees the value up to it.
	r=$(printf '1\0garbage' | { cat >"$P/$p"; } 2>&1 && echo ok || echo refused)
	tried=$((tried + 1))
	# Back to what it was.
	[ -n "$orig" ] && [ "$p" != slowest_reset ] && printf '%s' "$orig" >"$P/$p" 2>/dev/null
done
echo off >"$P/record" 2>/dev/null
tap_diag "writable: $(echo $writable); $tried writes"
[ $bad = 0 ]
tap_ok $? "$tried run-time writes to the writable parameters: each refused with -EINVAL and one log line, or accepted and readable ($bad not)"

# The counters still count, never backwards, after all that.
busy_loops /sys/hypervisor/version/extra
files=$(cd "$PVT_DIR" && ls hypercalls/totals upcalls/percpu steal 2>/dev/null)
# shellcheck disable=SC2086 # a list of files
"$WATCH" "$PVT_DIR" 3 2000 $files >/tmp/86-watch 2>&1
rc=$?
stop_loops
tap_diag "$(tail -n 1 /tmp/86-watch)"
[ $rc = 0 ]
tap_ok $? "the counters still count and never went back"

# The largest recording: refused (-ENOMEM, one log line) exactly when the
# buffers would take more than an eighth of the guest's memory.
ncpu=$(grep -c '^processor' /proc/cpuinfo)
mem_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
echo 65536 >"$P/record_buffer_kb"
r=$(try_write record on)
echo off >"$P/record" 2>/dev/null
echo 1024 >"$P/record_buffer_kb"
if [ $((65536 * ncpu)) -gt $((mem_kb / 8)) ]; then want=refused; else want=ok; fi
tap_diag "64 MiB on each of $ncpu vCPUs, MemTotal $mem_kb KiB: $r (want $want)"
[ "$r" = "$want" ]
tap_ok $? "the largest recording is $want: the buffers may take an eighth of the memory"

# Load time: every parameter, with the bad values (and an unknown one).
pvt_rmmod
names=$(modinfo -p "$PVTRACE_KO" 2>/dev/null | cut -d: -f1)
[ -n "$names" ] || names="$writable timing drivers probes selftest slowest steal_interval_ms steal_window steal_source upcalls"
lbad=0 loads=0
for p in $names; do
	bad_values | head -n "${PVTRACE_STRESS:-24}" >/tmp/86-values
	while IFS= read -r v; do
		case $v in *' '* | '') continue ;; esac	# one insmod argument each
		_n0=$(dmesg | grep -c 'pvtrace')
		loads=$((loads + 1))
		if pvt_insmod "$p=$v" 2>/dev/null; then
			# Accepted at load: it must read back, and unload.
			cat "$P/$p" >/dev/null 2>&1 || [ ! -e "$P/$p" ] || lbad=$((lbad + 1))
			pvt_rmmod || lbad=$((lbad + 1))
		else
			_n1=$(dmesg | grep -c 'pvtrace')
			[ $((_n1 - _n0)) -ge 1 ] || {
				lbad=$((lbad + 1))
				tap_diag "insmod $p=$v refused without a log line"
			}
		fi
		is_loaded && pvt_rmmod
	done </tmp/86-values
done
tap_ok $lbad "$loads loads with a bad value: each refused with a log line, or loaded and unloaded cleanly ($lbad not)"

pvt_insmod
tap_ok $? "loads again with the row's parameters"
w1=$(dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection')
[ "$w1" = "$w0" ]
tap_ok $? "no kernel warning ($((w1 - w0)))"
tap_done
