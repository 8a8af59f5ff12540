#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Extract the debugfs tree that selftests/guest/tests/90-exporter.sh prints
# (kernel command line pvtrace.exporter_capture=1) from a lab console log.
# Usage: extract-capture.sh CONSOLE.LOG OUTDIR
set -eu
[ $# -eq 2 ] || { echo "usage: $0 CONSOLE.LOG OUTDIR" >&2; exit 2; }
mkdir -p "$2"
tr -d '\r' <"$1" | sed -n '/^##EXPORTER-CAPTURE-BEGIN/,/^##EXPORTER-CAPTURE-END/{/^##/d;p}' |
	base64 -d | tar xzf - -C "$2"
find "$2" -type f | sort
