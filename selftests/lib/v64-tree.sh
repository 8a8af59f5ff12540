#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# v64-tree.sh SRC DST: a debugfs tree of a 64-vCPU guest with 256 channels,
# for the series-count tests of the exporter and the command: SRC (a 2-vCPU
# capture, e.g. fixtures/6.1-pv-ext) with every per-vCPU record of cpu 0
# and 1 repeated for 64 vCPUs, and its channel table filled to its capacity
# (which 64 vCPUs fill with their timer and IPI channels). DST is replaced.
set -eu

src=$1
dst=$2
rm -rf "$dst"
cp -R "$src" "$dst"
for f in hypercalls/percpu hypercalls/errors_percpu upcalls/percpu upcalls/latency \
	upcalls/events_per_upcall steal runstate steal_interval_hist steal_ratio_hist \
	drivers/functions_percpu; do
	awk 'NR == 1 { print; next } { r[$1] = r[$1] $0 "\n" }
		END { for (c = 0; c < 64; c++) { s = r[c % 2]; gsub(/(^|\n)[0-9]+ /, "&@", s)
			gsub(/[0-9]+ @/, c " ", s); printf "%s", s } }' "$src/$f" >"$dst/$f"
done
awk 'NR == 1 { print; next } { n++; l[n] = $0 }
	END { for (i = 0; i < 256; i++) { $0 = l[i % n + 1]; $1 = 1000 + i; $2 = 2000 + i; $6 = $6 i; print } }' \
	"$src/upcalls/channels" >"$dst/upcalls/channels"
sed -i 's/^vcpus_online .*/vcpus_online 64/; s/^vcpus_possible .*/vcpus_possible 64/' "$dst/summary"
