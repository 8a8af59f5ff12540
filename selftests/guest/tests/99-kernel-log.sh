#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: core
# Runs last: unload pvtrace, then fail on any BUG, WARNING, Oops, lockdep
# or sanitizer report anywhere in the kernel log.
. "$(dirname "$0")/../lib.sh"

# A known kernel race, not pvtrace's (Documentation/pvtrace.rst, "Unloading"): an
# open() of a debugfs file in the instant between rmmod dropping the module's last
# reference and marking it GOING (kernel/module/main.c, try_stop_module()) fails with
# ENXIO and WARNs in full_proxy_open() (fs/debugfs/file.c). 80-reload.sh's reader can
# hit it; pvtrace's files are gone after each rmmod (80-reload.sh checks), so the
# "did not clean up" the message guesses is not what happened.
RACE='WARNING: CPU: [0-9]+ PID: [0-9]+ at fs/debugfs/file.c:[0-9]+ full_proxy_open'
BAD='BUG:|WARNING:|Oops|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|UBSAN:|KASAN:|kmemleak'

tap_plan 2
is_loaded && pvt_rmmod
! is_loaded
tap_ok $? "pvtrace unloads at the end"
log=$(dmesg)
races=$(echo "$log" | grep -cE "$RACE")
owners=$(echo "$log" | grep -c 'debugfs file owner did not clean up at exit: ')
[ "$races" -gt 0 ] && tap_diag "the kernel's debugfs open/rmmod race: $races WARN(s), $owners message(s) (known, not pvtrace's)"
hits=$(echo "$log" | grep -E "$BAD")
# Each such WARN is forgiven only with its own message line.
[ "$races" -eq "$owners" ] && hits=$(echo "$hits" | grep -vE "$RACE")
[ -n "$hits" ] && echo "$hits" | head -20 | sed 's/^/# /'
[ -z "$hits" ]
tap_ok $? "kernel log has no BUG, WARNING, Oops or lockdep report"
tap_done
