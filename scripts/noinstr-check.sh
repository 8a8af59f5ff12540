#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The hypercall hot path runs where almost nothing may be called (NMI, idle
# with RCU not watching, early entry: module/hcall_hot.c). Check what the
# built objects' .noinstr.text calls or jumps to outside itself: only what
# is listed here, each for a reason.
# Usage: noinstr-check.sh BUILD_SRC_DIR   (e.g. build/<kernel>/src after
#        scripts/lab/build-module.sh). Prints one line per object; exit 1 if
#        anything else is called.
set -euo pipefail

dir=${1:?usage: $0 BUILD_SRC_DIR}
# Allowed targets of calls and jumps out of .noinstr.text:
#   pvtrace_hcall_enter, pvtrace_hcall_exit, the hot path itself (noinstr)
#   pvtrace_hcall_exit_untimed
#   __SCT__pvtrace_hcall_orig_call           the original hypercall target,
#                                            through pvtrace's static call
#   __x86_return_thunk                       RET with the return thunk
#   __x86_indirect_thunk_*                   none expected (no indirect calls)
#   __SCT__preempt_schedule_notrace          preempt_enable_notrace() at the
#                                            end of a write bracket: reached
#                                            only from preemptible callers
#                                            (privcmd), where RCU watches
ALLOWED='^(pvtrace_hcall_enter|pvtrace_hcall_exit|pvtrace_hcall_exit_untimed|__SCT__pvtrace_hcall_orig_call|__x86_return_thunk|__SCT__preempt_schedule_notrace)$'
rc=0
for o in module/hcall_hot.o module/hcall_stub.o; do
	f=$dir/$o
	[ -f "$f" ] || { echo "FAIL: $o: not built in $dir"; rc=1; continue; }
	# Relocations of branch instructions (PLT32) in .noinstr.text; a
	# stack-protector canary read would show as a %gs:0x28 load without
	# a register base, a sanitizer as a __ubsan_/__asan_/__sanitizer_ call.
	targets=$(objdump -dr --section=.noinstr.text "$f" |
		sed -nE 's/.*R_X86_64_PLT32[[:space:]]+([^+-]+).*/\1/p' | sort -u)
	bad=$(printf '%s\n' "$targets" | grep -vE "$ALLOWED" | grep . || true)
	canary=$(objdump -d --section=.noinstr.text "$f" | grep -cE '%gs:0x28,' || true)
	if [ -n "$bad" ] || [ "$canary" != 0 ]; then
		echo "FAIL: $o calls ${bad:+$(echo $bad | tr ' ' ,)}; stack canary reads: $canary"
		rc=1
	else
		echo "ok: $o calls only $(echo $targets | tr ' ' ,)"
	fi
done
exit $rc
