#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unit tests of scripts/pvtrace-report, in TAP; exit 1 if any fails.
# Every report runs twice: with busybox sh and busybox awk alone on the PATH
# (as in a minimal guest), and with the host's sh and awk. Inputs:
# fixtures/ (see fixtures/README) and a large trace made here; expected
# reports: expected/. The numbers of the reports are also checked against
# an independent computation (a separate, brute-force awk program below).
# Usage: run.sh [--update]   (--update rewrites expected/ from busybox runs)
# Env: BUSYBOX (default: the lab's static busybox, else busybox on the PATH;
#      the busybox runs are skipped if there is none).
set -u

here=$(cd "$(dirname "$0")" && pwd)
rep=$here/../../scripts/pvtrace-report
fix=$here/fixtures
want=$here/expected
update=0
[ "${1:-}" = --update ] && update=1

# shellcheck source-path=SCRIPTDIR source=../lib/tap-host.sh
. "$here/../lib/tap-host.sh"

# run SHELL ARGS...: the report under busybox (PATH = busybox only) or the
# host's sh and awk. Output in $t/stdout, $t/stderr, status in $rc. Standard
# input from $t/stdin if it exists.
run() {
	_s=$1
	shift
	[ -f "$t/stdin" ] || : >"$t/stdin"
	# In fixtures/, so that the reports of expected/ name fixtures/ files
	# the same wherever the checkout is.
	if [ "$_s" = busybox ]; then
		(cd "$fix" && env -i PATH="$t/bb" TMPDIR="$t" "$t/bb/sh" "$rep" "$@") <"$t/stdin" >"$t/stdout" 2>"$t/stderr"
	else
		(cd "$fix" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR="$t" sh "$rep" "$@") <"$t/stdin" >"$t/stdout" 2>"$t/stderr"
	fi
	rc=$?
	rm -f "$t/stdin"
}
# No temporary directory left behind.
clean_tmp() {
	[ -z "$(find "$t" -maxdepth 1 -name 'pvtrace-report.*')" ]
}

# golden NAME ARGS...: both shells give expected/NAME, exit 0, no stderr.
golden() {
	_g=$1
	shift
	for s in $shells; do
		run "$s" "$@"
		if [ "$update" = 1 ] && [ "$s" = busybox ] && [ "$rc" = 0 ]; then
			mkdir -p "$want"
			cp "$t/stdout" "$want/$_g"
		fi
		[ "$rc" = 0 ] && [ ! -s "$t/stderr" ] && clean_tmp && cmp -s "$t/stdout" "$want/$_g"
		r=$?
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; diff "$want/$_g" "$t/stdout" | head -n 10; } | tap_diag -
		tap_ok $r "$_g ($s sh+awk): exit 0, report as expected/$_g"
	done
}

B=$fix/basic.trace
S=$fix/basic.status

# 1. The reports of the fixtures, text and tsv, as reviewed.
golden basic.txt --status basic.status basic.trace
golden basic.tsv --status basic.status --format=tsv --top 0 basic.trace
golden basic-nostatus.txt basic.trace
golden lost.txt --status lost.status --top 3 --slices 8 basic.trace
golden empty.txt --status empty.status empty.trace
golden flight.txt --status flight.status basic.trace

# 2. Independent numbers. check.awk reads "rel cpu event name detail
# duration_ns value errno site module" (rel: ns since the interval's start,
# made by the caller without the report's arithmetic) and prints the rows
# the tsv report must have, by brute force: every slice of every event.
cat >"$t/check.awk" <<'EOF'
function ov(s, e, lo, hi) {
	if (s < lo) s = lo
	if (e > hi) e = hi
	return e > s ? e - s : 0
}
{
	r = $1 + 0; c = $2; d = $6 + 0; N++
	R[N] = r; CP[N] = c; EV[N] = $3; DU[N] = d; seen[c] = 1; cnt[$3]++
	if ($3 == "hcall") {
		k = $4 "\t" $5; hn[k]++; ht[k] += d; if (d > hm[k]) hm[k] = d
		if ($8 != "-") he[k]++
		sk = $9 "\t" $10; sn[sk]++; st[sk] += d; if (d > sm[sk]) sm[sk] = d
		ch[c]++; cht[c] += d
		nh[c]++; HR[c, nh[c]] = r; HD[c, nh[c]] = d
	} else if ($3 == "upcall") {
		p = $5; sub(/,.*/, "", p); sub(/\+/, "", p)
		k = p "\t" $9; un[k]++; ut[k] += d; ue[k] += $7; if (d > um[k]) um[k] = d
		cu[c]++; cut[c] += d
	} else {
		cs[c]++; cst[c] += d; csi[c] += $7; if (d > csm[c]) csm[c] = d
	}
}
END {
	printf "summary\tinterval_ns\t%.0f\n", L
	printf "summary\trecords\t%d\nsummary\thcall\t%d\nsummary\tupcall\t%d\nsummary\tsteal\t%d\n", N, cnt["hcall"], cnt["upcall"], cnt["steal"]
	for (k in hn) printf "hypercall\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\n", k, hn[k], he[k], ht[k], int(ht[k] / hn[k]), hm[k]
	for (k in sn) printf "site\t%s\t%d\t%.0f\t%.0f\t%.0f\n", k, sn[k], st[k], int(st[k] / sn[k]), sm[k]
	for (k in un) printf "upcall\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\n", k, un[k], ue[k], ut[k], int(ut[k] / un[k]), um[k]
	for (c in seen) printf "cpu\t%d\t%d\t%.0f\t%d\t%.0f\t%d\t%.0f\t%.0f\t%.0f\n", c, ch[c], cht[c], cu[c], cut[c], cs[c], cst[c], csi[c], csm[c]
	for (i = 0; i <= K; i++) b[i] = int(i * L / K)
	b[K] = L
	for (j = 1; j <= N; j++) {
		if (EV[j] == "steal") continue
		x = EV[j] == "hcall" ? "h" : "u"
		for (i = 0; i < K; i++) {
			if ((R[j] >= b[i] || i == 0) && (R[j] < b[i + 1] || i == K - 1)) n1[x, CP[j], i]++
			t1[x, CP[j], i] += ov(R[j], R[j] + DU[j], b[i], b[i + 1])
		}
	}
	for (c in seen) for (i = 0; i < K; i++)
		printf "timeline\t%d\t%d\t%.0f\t%.0f\t%d\t%.0f\t%d\t%.0f\n", c, i, b[i], b[i + 1], n1["h", c, i], t1["h", c, i], n1["u", c, i], t1["u", c, i]
	for (c in seen) {
		i = 1
		while (i <= nh[c]) {
			j = i
			while (j < nh[c] && HR[c, j + 1] - HR[c, j] < G) j++
			if (j - i + 1 >= M) {
				e = 0; busy = 0
				for (x = i; x <= j; x++) { if (HR[c, x] + HD[c, x] > e) e = HR[c, x] + HD[c, x]; busy += HD[c, x] }
				printf "burst\t%d\t%.0f\t%.0f\t%d\t%.0f\n", c, HR[c, i], e - HR[c, i], j - i + 1, busy
			}
			i = j + 1
		}
	}
}
EOF
# rows SECTION FIELDS FILE: the rows of one section, some fields, sorted.
rows() {
	awk -F '\t' -v s="$1" '$1 == s' "$3" | cut -f "$2" | sort
}
# compare NAME TSV CHECK [SECTION...]: report and check.awk agree.
compare() {
	_name=$1 _tsv=$2 _chk=$3
	bad=
	for sec in summary:1-3 hypercall:1-8 site:1-7 upcall:1-8 cpu:1-10 timeline:1-9 burst:1-6; do
		f=${sec#*:} sec=${sec%:*}
		if [ "$sec" = summary ]; then
			awk -F '\t' '$1 == "summary" && $2 ~ /^(interval_ns|records|hcall|upcall|steal)$/' "$_tsv" | sort >"$t/a"
		else
			rows "$sec" "$f" "$_tsv" >"$t/a"
		fi
		rows "$sec" "$f" "$_chk" >"$t/b"
		cmp -s "$t/a" "$t/b" || {
			bad="$bad $sec"
			diff "$t/b" "$t/a" | head -n 6 | tap_diag -
		}
	done
	[ -z "$bad" ]
	r=$?
	[ $r -ne 0 ] && echo "differ:$bad" | tap_diag -
	tap_ok $r "$_name: counts, times, slices and bursts equal an independent computation"
}
# basic: every time starts with 1700000000 (the interval's start is
# 1700000000000000000): rel is the rest.
sed 1d "$B" | awk '{ $1 = substr($1, 11); sub(/^0+/, "", $1); $1 += 0; print }' >"$t/basic.rel"
# check ARGS... of the report / of check.awk.
for opts in "20 50 20" "7 50 20" "13 50.001 19" "1 1000 2"; do
	# shellcheck disable=SC2086 # three words
	set -- $opts
	awk -v K="$1" -v L=1000000000 -v G="$(awk -v g="$2" 'BEGIN { printf "%.0f", g * 1000 }')" -v M="$3" \
		-f "$t/check.awk" "$t/basic.rel" >"$t/basic.chk"
	for s in $shells; do
		run "$s" --status "$S" --format tsv --top 0 --slices "$1" --gap-us "$2" --min-calls "$3" "$B"
		cp "$t/stdout" "$t/basic.tsv"
		compare "basic, --slices $1 --gap-us $2 --min-calls $3 ($s)" "$t/basic.tsv" "$t/basic.chk"
	done
done

# Hand-computed values of basic, as Documentation/report.rst explains them.
run host --status "$S" --format tsv --top 0 "$B"
v() { awk -F '\t' -v k="$1" '{ l = $1; for (i = 2; i <= NF; i++) l = l " " $i } index(l, k) == 1 { print l }' "$t/stdout"; }
[ "$(v 'timeline 0 0 ')" = "timeline 0 0 0 50000000 3 3000 1 4000" ] &&
	[ "$(v 'timeline 0 1 ')" = "timeline 0 1 50000000 100000000 0 1000 0 0" ] &&
	[ "$(v 'timeline 0 13 ')" = "timeline 0 13 650000000 700000000 0 50000000 0 0" ] &&
	[ "$(v 'timeline 0 15 ')" = "timeline 0 15 750000000 800000000 0 10000000 0 0" ]
tap_ok $? "basic: a call across a slice boundary is split; a 120 ms call covers 640-760 ms"
[ "$(v 'burst ' | wc -l | tr -d ' ')" = 2 ] &&
	[ "$(v 'burst 0 ')" = "burst 0 300000000 243000 25 55000 mmu_update - 20 xen_set_pte+0x20/0x90 vmlinux 20" ] &&
	[ "$(v 'burst 1 ')" = "burst 1 800000000 601020 21 21210 event_channel_op send 21 xen_send_IPI_one+0x3a/0x60 vmlinux 21" ]
tap_ok $? "basic: two bursts by default (19 calls and calls exactly 50 us apart are none)"
[ "$(v 'hypercall event_channel_op send ')" = "hypercall event_channel_op send 22 1 22710 1032 1500" ] &&
	[ "$(v 'upcall 5 ')" = "upcall 5 xenbus 1 3 12000 12000 12000" ] &&
	[ "$(v 'upcall - ')" = "upcall - - 1 0 300 300 300" ] &&
	[ "$(v 'cpu 1 ')" = "cpu 1 62 40710 1 12000 9 2250000 900000000 250000" ]
tap_ok $? "basic: hypercall, upcall and vCPU totals as computed by hand"
run host --status "$S" --top 0 "$B"
grep -q '^  1 cpu0      0.300000   243.0 us     25    55.0 us  mmu_update (20)$' "$t/stdout" &&
	grep -q '^out_of_range  *1  *1  120.00 ms   6.00% 120.00 ms 120.00 ms$' "$t/stdout" &&
	grep -q '^cpu0  *30  120.07 ms  12.01%' "$t/stdout"
tap_ok $? "basic text: burst, hypercall and vCPU rows"

# 3. A large trace: times near 9.2e18 (far above 2^53), 4 vCPUs, 6000
# events, ties, bursts, long calls; no status (the interval from the trace).
awk -v out="$t/large.trace" -v relf="$t/large.rel" 'BEGIN {
	x = 12345; r = 0
	split("event_channel_op send;mmu_update -;vcpu_op get_runstate_info;sched_op yield;multicall -;grant_table_op copy;hcall_70 -", H, ";")
	split("xen_send_IPI_one+0x3a/0x60 vmlinux;xen_set_pte+0x20/0x90 vmlinux;xenvif_tx_action+0x1f0/0x6c0 xen_netback;blkif_queue_rq+0x2c/0x410 xen_blkfront", SI, ";")
	split("3 timer0;3,17 timer0;5+ xenbus;- -;8,9,10+ evtchn:evtchn-loop", U, ";")
	print "# time_ns cpu event name detail duration_ns value errno site module" >out
	for (i = 0; i < 6000; i++) {
		x = (x * 69069 + 1) % 4294967296
		burst = int(i / 150) % 2
		r += (x % 7 == 0) ? 0 : (burst ? x % 9000 : x % 900000)
		t = sprintf("%.0f%09d", 9200000000 + int(r / 1e9), r % 1e9)
		c = int(x / 7) % 4
		k = int(x / 31) % 20
		if (k < 14) {
			split(H[int(x / 101) % 7 + 1], h, " ")
			split(SI[int(x / 13) % 4 + 1], si, " ")
			d = (i % 997 == 5) ? 300000000 : x % 40000
			er = (x % 23 == 0) ? 22 : "-"
			l = t " " c " hcall " h[1] " " h[2] " " d " " (er == "-" ? 0 : "-") " " er " " si[1] " " si[2]
		} else if (k < 17) {
			split(U[int(x / 101) % 5 + 1], u, " ")
			d = x % 60000
			l = t " " c " upcall upcall " u[1] " " d " " (u[1] == "-" ? 0 : x % 4 + 1) " - " u[2] " -"
		} else {
			d = x % 2000000
			l = t " " c " steal steal - " d " 10000000 - - -"
		}
		print l >out
		$0 = l
		$1 = r
		print >relf
	}
}' </dev/null
# The interval: first event to the end of the last (steal: its time).
awk 'NR == 1 { f = $1 } { $1 -= f; print }' "$t/large.rel" >"$t/large.rel0"
L=$(awk '{ e = $1 + ($3 == "steal" ? 0 : $6); if (e > m) m = e } END { printf "%.0f", m }' "$t/large.rel0")
for opts in "20 50 20" "64 10 5"; do
	# shellcheck disable=SC2086 # three words
	set -- $opts
	awk -v K="$1" -v L="$L" -v G="$2"000 -v M="$3" -f "$t/check.awk" "$t/large.rel0" >"$t/large.chk"
	for s in $shells; do
		run "$s" --format tsv --top 0 --slices "$1" --gap-us "$2" --min-calls "$3" "$t/large.trace"
		cp "$t/stdout" "$t/large.tsv"
		[ "$rc" = 0 ] && [ "$(grep -c '^burst' "$t/large.tsv")" -gt 0 ]
		tap_ok $? "large, --slices $1 --gap-us $2 --min-calls $3 ($s): exit 0, bursts found"
		compare "large, --slices $1 --gap-us $2 --min-calls $3 ($s)" "$t/large.tsv" "$t/large.chk"
	done
done
for s in $shells; do
	run "$s" "$t/large.trace"
	cp "$t/stdout" "$t/large.txt"
	wide=$(awk 'length($0) > 100' "$t/large.txt" "$want/basic.txt" "$want/lost.txt" | head -n 3)
	[ "$rc" = 0 ] && [ -z "$wide" ] && ! grep -q '[0-9]e+[0-9]' "$t/large.txt" &&
		grep -q '^summary	start_ns	9200000000' "$t/large.tsv" &&
		grep -q "interval .*first record at 92000000000" "$t/large.txt"
	r=$?
	[ $r -ne 0 ] && { echo "rc=$rc"; echo "$wide"; grep '[0-9]e+[0-9]' "$t/large.txt" | head -n 3; } | tap_diag -
	tap_ok $r "large ($s): text within 100 columns, no 1e+NN notation, start time exact"
done

# 4. Standard input, the empty recording, the lost warning.
for s in $shells; do
	cp "$B" "$t/stdin"
	run "$s" --status "$S" -
	[ "$rc" = 0 ] && sed 's|^trace .*|trace|' "$t/stdout" >"$t/a" &&
		sed 's|^trace .*|trace|; s|^status .*|status|' "$want/basic.txt" >"$t/b" &&
		sed -i 's|^status .*|status|' "$t/a" && cmp -s "$t/a" "$t/b" &&
		grep -q '^trace *standard input$' "$t/stdout"
	tap_ok $? "trace from standard input ($s)"
	run "$s" "$fix/empty.trace"
	[ "$rc" = 0 ] && grep -q '^no events recorded$' "$t/stdout" && [ ! -s "$t/stderr" ]
	tap_ok $? "header only, no status ($s): \"no events recorded\", exit 0"
	run "$s" --status "$fix/lost.status" "$B"
	[ "$rc" = 0 ] && grep -q 'WARNING: 4711 events were LOST' "$t/stdout" &&
		grep -q 'incomplete 2' "$t/stdout"
	tap_ok $? "lost > 0 ($s): a loud warning"
	# A streamed recording (pvtrace record): its events left the buffers.
	sed 's/^records .*/records 0\nstreamed 113/' "$S" >"$t/streamed.status"
	run "$s" --status "$t/streamed.status" "$B"
	[ "$rc" = 0 ] && ! grep -q '^note: the status counts' "$t/stdout" &&
		grep -q 'streamed 113' "$t/stdout"
	r=$?
	sed -i 's/^streamed .*/streamed 112/' "$t/streamed.status"
	run "$s" --status "$t/streamed.status" "$B"
	[ $r = 0 ] && [ "$rc" = 0 ] &&
		grep -q '^note: the status counts 112 records (112 streamed), the trace has 113' "$t/stdout"
	tap_ok $? "streamed ($s): records + streamed against the trace, a note only where they differ"
	# A recording pvtrace record wrote: its own header stands for --status.
	{
		echo "# pvtrace-recording 1"
		printf '# kernel 6.12.118+deb12-amd64\n# guest_type xen-pvh\n# xen_version 4.20\n# vcpus_online 2\n'
		awk 'NR > 1 { print "# " $0 }' "$S"
		cat "$B"
	} >"$t/self.trace"
	run "$s" "$t/self.trace"
	grep -v '^trace \|^status \|^guest ' "$t/stdout" >"$t/a"
	run "$s" --status "$S" "$B"
	grep -v '^trace \|^status ' "$t/stdout" >"$t/b"
	[ "$rc" = 0 ] && cmp -s "$t/a" "$t/b"
	r=$?
	run "$s" "$t/self.trace"
	[ $r = 0 ] && [ "$rc" = 0 ] && grep -q '^guest  *6.12.118+deb12-amd64, xen-pvh on Xen 4.20, 2 vCPUs online$' "$t/stdout" &&
		grep -q '^status  *.*self.trace (its header)$' "$t/stdout"
	tap_ok $? "a recording with its own header ($s): the same report as with --status, and the guest named"
	sed '1s/1$/2/' "$t/self.trace" >"$t/self2.trace"
	run "$s" "$t/self2.trace"
	[ "$rc" = 2 ] && [ ! -s "$t/stdout" ] && grep -q 'a recording of format 2; this report reads format 1' "$t/stderr"
	r=$?
	sed '3s/.*/# two words here/' "$t/self.trace" >"$t/self3.trace"
	run "$s" "$t/self3.trace"
	[ $r = 0 ] && [ "$rc" = 2 ] && [ ! -s "$t/stdout" ] && grep -q 'line 3: not "# KEY VALUE"' "$t/stderr"
	tap_ok $? "a recording of a newer format, a bad header line ($s): exit 2, nothing written"
	# --svg: the same report, and a picture holding every hcall and upcall.
	run "$s" --status "$S" "$B"
	cp "$t/stdout" "$t/plain"
	run "$s" --status "$S" --svg "$t/$s.svg" "$B"
	cells=$(sed -n 's/.*class="hm".*: \([0-9]*\)<\/title>.*/\1/p' "$t/$s.svg" | awk '{ n += $1 } END { print n + 0 }')
	calls=$(awk 'NR > 1 && ($3 == "hcall" || $3 == "upcall")' "$B" | wc -l | tr -d ' ')
	vcpus=$(grep -c '<g class="vcpu"' "$t/$s.svg")
	wantv=$(awk 'NR > 1 { c[$2] = 1 } END { for (k in c) n++; print n }' "$B")
	[ "$rc" = 0 ] && cmp -s "$t/stdout" "$t/plain" && [ "$cells" = "$calls" ] && [ "$vcpus" = "$wantv" ] &&
		head -n 1 "$t/$s.svg" | grep -q '^<svg xmlns="http://www.w3.org/2000/svg" ' && tail -n 1 "$t/$s.svg" | grep -q '^</svg>$'
	tap_ok $? "--svg ($s): the report unchanged; heat map cells count $cells calls of $calls; $vcpus vCPU panels of $wantv"
	run "$s" --svg "$t/nodir/x.svg" "$B"
	[ "$rc" = 2 ] && [ ! -s "$t/stdout" ] && grep -q 'no directory' "$t/stderr"
	tap_ok $? "--svg into a missing directory ($s): exit 2"
done
[ "$shells" = "busybox host" ] && cmp -s "$t/busybox.svg" "$t/host.svg"
tap_ok $? "--svg: busybox and the host's awk draw the same picture"

# 5. Bad input: exit 2, a message naming the file and line, no report.
# bad NAME WHICH(trace|status) REGEX SED-SCRIPT|-empty|-nonl|-missing
bad() {
	_d=$1 _w=$2 _re=$3 _x=$4
	cp "$B" "$t/in.trace"
	cp "$S" "$t/in.status"
	case $_x in
	-empty) : >"$t/in.$_w" ;;
	-nonl) printf '%s' "$(cat "$t/in.$_w")" | head -c -3 >"$t/in.x" && mv "$t/in.x" "$t/in.$_w" ;;
	-missing) rm "$t/in.$_w" ;;
	*) sed -e "$_x" "$t/in.$_w" >"$t/in.x" && mv "$t/in.x" "$t/in.$_w" ;;
	esac
	for s in $shells; do
		run "$s" --status "$t/in.status" "$t/in.trace"
		[ "$rc" = 2 ] && [ ! -s "$t/stdout" ] && grep -q "in\.$_w" "$t/stderr" &&
			grep -Eq "$_re" "$t/stderr" && [ "$(grep -c . "$t/stderr")" = 1 ] && clean_tmp
		r=$?
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; head -n 2 "$t/stdout"; } | tap_diag -
		tap_ok $r "bad input, $_d ($s): exit 2, one error naming in.$_w"
	done
}
# shellcheck disable=SC2016 # sed scripts
{
bad "missing trace" trace 'does not exist' -missing
bad "missing status" status 'does not exist' -missing
bad "empty trace" trace 'is empty' -empty
bad "empty status" status 'is empty' -empty
bad "truncated trace (no newline at the end)" trace 'truncated' -nonl
bad "garbage header" trace ':1: the first line must be' '1s/.*/<html>garbage/'
bad "header without the # " trace ':1: the first line must be' '1s/^# //'
bad "a column renamed" trace ':1: no column "duration_ns"' '1s/duration_ns/dur_ns/'
bad "a field too many" trace ':3: 11 fields for 10 columns' '3s/$/ x/'
bad "a field too few" trace ':4: 9 fields for 10 columns' '4s/ [^ ]*$//'
bad "double space" trace ':5: .*single spaces' '5s/ /  /'
bad "non-numeric time" trace ':6: time_ns: "1700000000x' '6s/^\(.\{10\}\)0/\1x/'
bad "negative duration" trace ':2: duration_ns: "-500"' '2s/ 500 / -500 /'
bad "time in 1e+18 notation" trace ':2: time_ns: "1.7e\+18"' '2s/^[0-9]*/1.7e+18/'
bad "non-numeric value of a steal" trace ':9: value: "lots"' '9s/ 100000000 / lots /'
bad "non-numeric errno" trace ':3: errno: "EINVAL"' '3s/ 38 / EINVAL /'
bad "unknown event" trace ':4: event: "kprobe"' '4s/ upcall upcall / kprobe upcall /'
bad "bad port list" trace ':4: detail: "3;17"' '4s/ 3,17 / 3;17 /'
bad "a cpu that is not a number" trace ':2: cpu: "cpu0"' '2s/ 0 hcall / cpu0 hcall /'
bad "not in time order" trace ':8: .*not in time order' '8s/^1700000000/1600000000/'
bad "status header" status ':1: the first line must be "# key value"' '1s/.*/# name value/'
bad "status field count" status ':3: 3 fields for 2 columns' '3s/$/ extra/'
bad "status number" status ':5: duration_ms: "5s"' '5s/ 1000$/ 5s/'
}

# 6. Usage errors: exit 2, a message, no report.
usage_case() { # DESCRIPTION REGEX ARGS...
	_d=$1 _re=$2
	shift 2
	for s in $shells; do
		run "$s" "$@"
		[ "$rc" = 2 ] && [ ! -s "$t/stdout" ] && grep -Eq -- "$_re" "$t/stderr"
		r=$?
		[ $r -ne 0 ] && { echo "rc=$rc"; cat "$t/stderr"; } | tap_diag -
		tap_ok $r "usage error, $_d ($s): exit 2"
	done
}
usage_case "unknown option" "unknown option '--bogus'" --bogus "$B"
usage_case "--status without a value" "needs a value" "$B" --status
usage_case "--top not a number" "--top needs a whole number" --top ten "$B"
usage_case "--slices 0" "--slices must be at least 1" --slices 0 "$B"
usage_case "--slices 501" "--slices must be at most 500" --slices=501 "$B"
usage_case "--gap-us not a number" "--gap-us needs a number" --gap-us 5us "$B"
usage_case "--min-calls 1" "--min-calls must be at least 2" --min-calls 1 "$B"
usage_case "--format xml" "--format must be text or tsv" --format xml "$B"
usage_case "two traces" "unexpected argument" "$B" "$B"
usage_case "both inputs on stdin" "cannot both be standard input" --status - -
for s in $shells; do
	run "$s" --help
	[ "$rc" = 0 ] && grep -q -- '--gap-us' "$t/stdout" && grep -q -- '--min-calls' "$t/stdout"
	tap_ok $? "--help ($s)"
done

tap_end
