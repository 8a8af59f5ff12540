# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the host-side suites that test a POSIX sh + awk script
# twice, under busybox alone and under the host's sh and awk
# (selftests/exporter/run.sh, selftests/report/run.sh). Sourced; sets:
#   t       a temporary directory, removed on exit
#   shells  "busybox host", or "host" when there is no busybox
#   $t/bb   busybox and its applets, nothing else: a PATH for the busybox runs
# Env: BUSYBOX (default: the lab's static busybox, else busybox on the PATH).
# shellcheck shell=sh

BUSYBOX=${BUSYBOX:-/var/cache/pvtrace-lab/root/bin/busybox}
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox || true)

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
failed=0

ok() { # STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
skip() { # DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
diag() {
	sed 's/^/# /'
}
# The plan, last; the suite's status.
tap_end() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}

shells="host"
if [ -n "$BUSYBOX" ]; then
	mkdir "$t/bb"
	cp "$BUSYBOX" "$t/bb/busybox"
	for a in $("$t/bb/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$t/bb/$a"
	done
	shells="busybox host"
else
	echo "# no busybox: host sh and awk only"
fi
