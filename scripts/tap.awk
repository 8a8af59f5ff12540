# SPDX-License-Identifier: GPL-2.0
# TAP to result lines, for scripts/test.sh (TAP programs on the host) and
# scripts/lab/matrix.sh (TAP scripts in a guest, cut out of its console):
#   PASS: <name>/<N> <description>
#   FAIL: <name>/<N> <description>
#   SKIP: <name>/<N> <description>   ("# SKIP", or "# TODO" on a failure)
#   SKIP: <name>/0 <reason>          (plan 1..0)
# plus FAIL lines for broken runs: <name>/plan (no plan, or a plan that
# does not match the results), <name>/bail (Bail out!), and in console
# mode <name>/end (no end marker: a hang or a crash) and <name>/rc (a
# non-zero exit without a failed test).
# Usage: awk -v name=NAME [-v console=1] -f tap.awk [FILE]
#   console=1: the input is a guest console; each script's TAP lies between
#   "##PVTRACE-TAP-BEGIN <script>" and "##PVTRACE-TAP-END <script> rc=<n>
#   s=<seconds>", and results are named NAME/<script>/<N>. Lines outside
#   those blocks are ignored. Also prints "TIME: NAME/<script> <seconds>".
#   Otherwise the whole input is one TAP stream, named NAME.
# Diagnostics ("# ...") are passed through, indented, in plain mode.

function fail(what, msg) { print "FAIL: " name what " " msg }

function start(script) {
	cur = script == "" ? "" : "/" script
	in_script = 1; plan = -1; nres = 0; nfail = 0
}

function finish(rc, ended) {
	if (console && !ended)
		fail(cur "/end", "no ##PVTRACE-TAP-END: the script did not finish (hang or crash)")
	else if (rc != 0 && nfail == 0)
		fail(cur "/rc", "exited with rc=" rc " but reported no failure")
	if (plan < 0)
		fail(cur "/plan", "no TAP plan line (1..N)")
	else if (plan != nres && (ended || plan < nres))
		fail(cur "/plan", "plan 1.." plan " but " nres " results")
	in_script = 0
}

BEGIN { if (!console) start("") }

{ sub(/\r+$/, "") }

console && /##PVTRACE-TAP-BEGIN / {
	if (in_script) finish(0, 0)
	line = $0; sub(/.*##PVTRACE-TAP-BEGIN /, "", line); split(line, w, " ")
	start(w[1]); nscripts++
	next
}
console && /##PVTRACE-TAP-END / {
	line = $0; sub(/.*##PVTRACE-TAP-END /, "", line); split(line, w, " ")
	rc = w[2]; sub(/^rc=/, "", rc)
	secs = w[3]; sub(/^s=/, "", secs)
	if (in_script && "/" w[1] == cur) {
		finish(rc + 0, 1)
		if (secs != "") print "TIME: " name cur " " secs
	}
	next
}
!in_script { next }
/^1\.\.[0-9]+/ {
	plan = substr($0, 4) + 0
	if (plan == 0) {
		reason = $0; sub(/^1\.\.0[ \t]*#?[ \t]*(SKIP|skip)?[ \t]*/, "", reason)
		print "SKIP: " name cur "/0 " reason
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
	print verdict ": " name cur "/" num " " rest
	next
}
!console && /^# / { print "    " $0 }

END {
	if (in_script) finish(console ? 0 : rc + 0, !console)
	if (console && nscripts == 0) fail("/boot", "no test script ran (selftests/guest/tests/*.sh)")
}
