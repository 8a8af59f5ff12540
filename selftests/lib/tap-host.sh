# SPDX-License-Identifier: GPL-2.0
# Setup for the host-side suites that test a POSIX sh + awk script
# twice, under busybox alone and under the host's sh and awk
# (selftests/exporter/run.sh, selftests/report/run.sh), and for the other
# host suites. Sourced; brings in the TAP vocabulary (tap_ok, tap_skip,
# tap_diag, tap_end: selftests/guest/tap.sh) and sets:
#   t       a temporary directory, removed on exit
#   shells  "busybox host", or "host" when there is no busybox
#   $t/bb   busybox and its applets, nothing else: a PATH for the busybox runs
# Env: BUSYBOX (default: the lab's static busybox, else busybox on the PATH).
# shellcheck shell=sh
# Variables here are used by the scripts that source this file.
# shellcheck disable=SC2034

BUSYBOX=${BUSYBOX:-/var/cache/pvtrace-lab/root/bin/busybox}
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox || true)

# shellcheck source=../guest/tap.sh
. "$(dirname "$0")/../guest/tap.sh"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
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
