#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: core
# Runs last: unload pvtrace, then fail on any BUG, WARNING, Oops, lockdep
# or sanitizer report anywhere in the kernel log.
. "$(dirname "$0")/../lib.sh"

BAD='BUG:|WARNING:|Oops|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|UBSAN:|KASAN:|kmemleak'

tap_plan 2
is_loaded && pvt_rmmod
! is_loaded
tap_ok $? "pvtrace unloads at the end"
hits=$(dmesg | grep -E "$BAD")
[ -n "$hits" ] && echo "$hits" | head -20 | sed 's/^/# /'
[ -z "$hits" ]
tap_ok $? "kernel log has no BUG, WARNING, Oops or lockdep report"
tap_done
