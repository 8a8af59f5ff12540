#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The length of pvtrace's hot paths, in instructions, read off the built
# objects: so that a change to a hot path shows in review (the counts of
# each kernel line are kept in selftests/hotpath/<kernel>.txt and checked by
# make test's builds layer, within SLACK below) and beside the instruction-clock benchmark
# (make bench), which measures the same paths per call.
#
# A path is walked in the disassembly (objdump -dr) from a function's entry:
# every instruction executed counts once, endbr64, nop padding and the
# return (RET, or its jump to the return thunk) included; a conditional
# branch falls through unless the path's decisions say "T" (taken) for it
# (decisions apply, in order, to the conditional branches of the path's
# first function; in the functions it calls, every conditional branch falls
# through: the compiler lays the likely() path out as the fall-through, and
# the hot path's C is written so that the common case is likely()); an
# unconditional jump inside the object is followed; a call to one of the
# functions walked (pvtrace_hcall_exit...) descends into it; any other call
# counts as one instruction (the hypercall itself, through pvtrace's static
# call, is not counted beyond its call instruction); a jump out of the
# object (a tail call, the return thunk) ends the function.
#
# Usage: hotpath.sh BUILD_SRC_DIR                  print "PATH COUNT" lines
#        hotpath.sh --check BUILD_SRC_DIR EXPECTED compare with EXPECTED
#        hotpath.sh --update BUILD_SRC_DIR EXPECTED write EXPECTED
# (BUILD_SRC_DIR: build/<kernel>/src after scripts/lab/build-module.sh.)
# Env: HOTPATH_TRACE=1 prints each path's instructions on stderr.
set -euo pipefail

mode=print
case ${1:-} in
--check | --update) mode=${1#--} && shift ;;
esac
dir=${1:?usage: $0 [--check|--update] BUILD_SRC_DIR [EXPECTED]}
expected=${2:-}
[ "$mode" = print ] || [ -n "$expected" ] || { echo "usage: $0 --$mode BUILD_SRC_DIR EXPECTED" >&2; exit 2; }

# The paths: name, first function, decisions for its conditional branches.
# hcall_*: the stub (module/hcall_stub.S) with pvtrace_hcall_flags as named,
# on a call with a known slot, no error, not redundant, its (hypercall, call
# site) key already in the callers table, no new maximum, not recorded.
PATHS=(
	"hcall_count_floor  pvtrace_hcall_stub NNN"   # hcall_timing=0 hcall_extras=none
	"hcall_count        pvtrace_hcall_stub NNTNT" # hcall_timing=0 (callers)
	"hcall_timed        pvtrace_hcall_stub NNTNN" # the default: timing, callers
)
# --check: how far a count may move before it fails.
SLACK=2
# Functions a path descends into when it calls them.
WALKED='pvtrace_hcall_exit|pvtrace_hcall_exit_untimed|pvtrace_hcall_enter'

objs=("$dir/module/hcall_stub.o" "$dir/module/hcall_hot.o")
for o in "${objs[@]}"; do
	[ -f "$o" ] || { echo "hotpath: $o not built" >&2; exit 2; }
done

dis=$(mktemp)
trap 'rm -f "$dis"' EXIT
for o in "${objs[@]}"; do
	echo "@object $o"
	objdump -dr --no-show-raw-insn "$o"
done >"$dis"

walk() {
	awk -v start="$2" -v decide="$3" -v walked="^($WALKED)\$" -v path="$1" \
		-v trace="${HOTPATH_TRACE:-0}" '
	/^@object / { obj = $2; next }
	/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
	/^[0-9a-f]+ <[^>]+>:$/ {
		fn = $2; gsub(/[<>:]/, "", fn)
		entry[fn] = obj SUBSEP sec SUBSEP hex($1)
		next
	}
	# relocation lines: "   5: R_X86_64_PLT32  sym-0x4"
	/^[ \t]+[0-9a-f]+: R_X86_64_/ {
		a = $1; sub(/:$/, "", a)
		s = $3; sub(/[-+]0x[0-9a-f]+$/, "", s)
		rel[obj, sec, lastaddr] = s
		next
	}
	/^[ \t]+[0-9a-f]+:\t/ {
		split($0, f, "\t")
		a = f[1]; gsub(/[ :]/, "", a)
		addr = hex(a)
		ins = f[2]; sub(/^[ \t]+/, "", ins)
		key = obj SUBSEP sec SUBSEP addr
		text[key] = ins
		if (prev != "")
			nextk[prev] = key
		prev = key
		lastaddr = addr
		next
	}
	# An address as a key: hex without leading zeros (mawk has no strtonum).
	function hex(s) {
		sub(/^0+/, "", s)
		return s == "" ? "0" : s
	}
	function target(ins) {
		# "jne    3a <pvtrace_hcall_stub+0x3a>"
		if (match(ins, /[ \t][0-9a-f]+ </))
			return hex(substr(ins, RSTART + 1, RLENGTH - 3))
		return ""
	}
	function run(fn, dec,   k, n, ins, op, c, parts, t, r, steps) {
		if (!(fn in entry)) {
			printf "hotpath: %s: no function %s\n", path, fn > "/dev/stderr"
			bad = 1
			return 0
		}
		k = entry[fn]; n = 0; c = 0
		for (steps = 0; steps < 2000; steps++) {
			if (!(k in text)) {
				printf "hotpath: %s: ran off %s\n", path, fn > "/dev/stderr"
				bad = 1
				return n
			}
			ins = text[k]; n++
			if (trace)
				printf "%s\t%s\n", fn, ins > "/dev/stderr"
			op = ins; sub(/[ \t].*/, "", op)
			split(k, parts, SUBSEP)
			r = (k in rel) ? rel[k] : ""
			if (op ~ /^(ret|retq|ud2|int3)$/)
				return n
			if (op ~ /^jmp/) {
				if (r != "")
					return n	# out of the object: tail call, return thunk
				t = target(ins)
				if (t == "")
					return n	# indirect
				k = parts[1] SUBSEP parts[2] SUBSEP t
				continue
			}
			if (op ~ /^j/) {
				c++
				if (substr(dec, c, 1) == "T") {
					k = parts[1] SUBSEP parts[2] SUBSEP target(ins)
					continue
				}
			} else if (op ~ /^call/ && r ~ walked) {
				n += run(r, "")
			}
			k = nextk[k]
		}
		printf "hotpath: %s: no end in %s\n", path, fn > "/dev/stderr"
		bad = 1
		return n
	}
	END {
		n = run(start, decide)
		if (bad)
			exit 1
		printf "%s %d\n", path, n
	}' "$dis"
}

out=$(
	for p in "${PATHS[@]}"; do
		read -r name fn dec <<<"$p"
		walk "$name" "$fn" "$dec"
	done
)

case $mode in
print) printf '%s\n' "$out" ;;
update) printf '%s\n' "$out" >"$expected" && echo "hotpath: wrote $expected" ;;
check)
	# A path may differ from EXPECTED by up to $SLACK instructions (a
	# compiler update's register shuffles); more fails.
	rc=0
	while read -r name n; do
		want=$(awk -v p="$name" '$1 == p { print $2 }' "$expected")
		if [ -z "$want" ]; then
			echo "hotpath: $name: not in $expected"
			rc=1
		elif [ $((n - want)) -gt "$SLACK" ] || [ $((want - n)) -gt "$SLACK" ]; then
			echo "hotpath: $name is $n instructions, $expected says $want"
			rc=1
		fi
	done <<<"$out"
	printf '%s\n' "$out" | tr '\n' ' ' | sed 's/ $/\n/'
	if [ $rc != 0 ]; then
		echo "hotpath: the hot path's length changed; if intended, run:"
		echo "hotpath:   scripts/hotpath.sh --update $dir $expected"
	fi
	exit $rc
	;;
esac
