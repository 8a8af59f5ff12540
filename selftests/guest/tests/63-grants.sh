#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# group: drivers
# The driver hook's grant-table targets, with real grant operations: the
# guest grants a page to itself (/dev/xen/gntalloc), maps it through
# /dev/xen/gntdev N times and copies through it N times (bin/gnttab-self,
# which checks the data). gnttab_map_refs, gnttab_unmap_refs and
# gnttab_batch_copy count exactly N calls each, and the hypercall hook's
# grant_table_op sub-commands (map_grant_ref, unmap_grant_ref, copy) agree.
# Maps in PV guests only: in PVH and HVM, Xen takes a page the guest
# grants itself away from its own address when it maps it (the header of
# gnttab-self.c); copies work in every guest type.
. "$(dirname "$0")/../lib.sh"

D=$PVT_DIR/drivers
H=$PVT_DIR/hypercalls
N=50
GS=$(dirname "$0")/../bin/gnttab-self

expect_refusal && tap_skip_all "no hypervisor: pvtrace refuses to load"
is_loaded || tap_skip_all "pvtrace is not loaded"
# Loaded with hypercalls=0 upcalls=0 (pvtrace.insmod=), a row asks for no
# runtime text patching; this test patches text too.
hcall_hook_off && upcall_hook_off &&
	tap_skip_all "the hooks are off in this row (pvtrace.insmod=$PVTRACE_INSMOD_ARGS)"
[ -x "$GS" ] || tap_skip_all "no bin/gnttab-self in this image"

# Modules this test loads, unloaded at its end, and the row's pvtrace put
# back if the test reloaded it with the hook (opt-in: drivers=1).
loaded=
reloaded=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for _m in $loaded; do
		rmmod "$_m"
	done
	if [ -n "$reloaded" ]; then
		! is_loaded || pvt_rmmod
		pvt_insmod
	fi
}
trap cleanup EXIT
if [ ! -d "$D" ]; then
	pvt_rmmod || tap_skip_all "pvtrace does not unload"
	reloaded=1
	pvt_insmod drivers=1 || tap_skip_all "pvtrace does not load with drivers=1"
fi
[ -d "$D" ] || tap_skip_all "no drivers/ directory with drivers=1"

for m in xen-gntdev xen-gntalloc; do
	k=$(echo "$m" | tr - _)
	[ -d "/sys/module/$k" ] && continue
	[ -f "/$m.ko" ] || tap_skip_all "no $m module in this image"
	insmod "/$m.ko" || tap_skip_all "$m does not load"
	loaded="$k $loaded"
done
if [ ! -c /dev/xen/gntdev ] || [ ! -c /dev/xen/gntalloc ]; then
	tap_skip_all "no /dev/xen/gntdev or /dev/xen/gntalloc"
fi

# fn TARGET COLUMN: a column of TARGET's record in functions (3 state,
# 4 calls, 5 total_ns, 7 missed).
fn() {
	awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$D/functions"
}

# sub NAME COLUMN: a column of grant_table_op's sub-command NAME in
# hypercalls/subcommands (4 calls, 5 errors), 0 if it was never called.
sub() {
	awk -v s="$1" -v c="$2" '$1 == "grant_table_op" && $2 == s { print $c; f = 1 }
		END { if (!f) print 0 }' "$H/subcommands"
}

# xs_req TYPE_OCTAL PATH: one request on fd 3 (/dev/xen/xenbus): header
# type, req_id, tx_id, len (little-endian u32), then the path and its NUL.
xs_req() {
	_len=$((${#2} + 1))
	# shellcheck disable=SC2059 # the format is built on purpose
	printf "\\$1\\0\\0\\0\\1\\0\\0\\0\\0\\0\\0\\0\\$(printf %o "$_len")\\0\\0\\0$2\\0" >&3
}

# xs_read PATH: the value of a xenstore node, read through /dev/xen/xenbus;
# fails on an error reply (type XS_ERROR, not XS_READ, 2).
xs_read() {
	exec 3<>/dev/xen/xenbus || return 1
	xs_req 002 "$1"
	timeout 10 dd bs=4096 count=1 <&3 2>/dev/null >/tmp/gnt-xs
	exec 3>&-
	[ "$(od -An -tu4 -N4 /tmp/gnt-xs | tr -d ' ')" = 2 ] || return 1
	tail -c +17 /tmp/gnt-xs | tr -d '\0'
}

# gd: grant_table_op calls counted at xen_gntdev's call sites in
# hypercalls/callers (0 without it).
gd() {
	awk '$1 == "grant_table_op" && $3 == "xen_gntdev" { s += $4 } END { print s + 0 }' \
		"$H/callers" 2>/dev/null || echo 0
}

warnings() {
	dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection|kernel BUG'
}

# settle: wait (up to 5 s) until every map has its unmap: gntdev unmaps
# through gnttab_unmap_refs_async(), which defers to a workqueue while a
# page is still referenced.
settle() {
	_i=0
	while [ "$(fn vmlinux:gnttab_map_refs 4)" != "$(fn vmlinux:gnttab_unmap_refs 4)" ] &&
		[ $_i -lt 50 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
}

w0=$(warnings)

# The guest's own domid: 0 in the lab's dom0 (no xenstored there: a
# request would leave xenbus_probe waiting for ever); a domU's from
# xenstore, the relative path "domid" (/local/domain/<domid>/domid).
if [ "$PVTRACE_EXPECT_INITIAL" = 1 ]; then
	domid=0
	how="dom0"
elif [ -c /dev/xen/xenbus ]; then
	domid=$(xs_read domid)
	how="xenstore domid"
else
	domid=
	how="no /dev/xen/xenbus"
fi
case $domid in
'' | *[!0-9]*) tap_skip_all "the guest's domid is unknown ($how: '$domid')" ;;
esac

# One round of each first: where Xen refuses a domain its own grants
# (gnttab-self exits 4), there is nothing to count. Maps in a PV guest
# only (gnttab-self refuses them in any other, exit 4 too).
gt=$(summary_get guest_type)
probe=$("$GS" "$domid" copy 1 2>&1)
prc=$?
[ $prc = 4 ] && tap_skip_all "Xen refuses this guest its own grants: $probe"
maps=
if [ "$gt" != xen-pv ]; then
	maps="a $gt guest: Xen would take the page away from its own address"
elif [ $prc = 0 ]; then
	out=$("$GS" "$domid" map 1 2>&1)
	prc=$?
	probe="$probe; $out"
	if [ $prc = 4 ]; then
		maps="refused: $out"
		prc=0
	fi
fi
settle

tap_plan 10
states=$(awk '$1 ~ /^vmlinux:gnttab_/ { printf "%s=%s ", $1, $3 }' "$D/functions")
[ "$(fn vmlinux:gnttab_map_refs 3)" = attached ] &&
	[ "$(fn vmlinux:gnttab_unmap_refs 3)" = attached ] &&
	[ "$(fn vmlinux:gnttab_batch_copy 3)" = attached ]
tap_ok $? "the grant targets are attached (${states% }); domid $domid ($how)"
tap_diag "probe, one round of each: $probe (rc $prc)"
if [ -n "$maps" ]; then
	tap_ok $prc "a page granted to the guest itself copies through gntdev (no maps: $maps)"
else
	tap_ok $prc "a page granted to the guest itself copies and maps through gntdev"
fi

# Map and unmap.
m0=$(fn vmlinux:gnttab_map_refs 4)
u0=$(fn vmlinux:gnttab_unmap_refs 4)
c0=$(fn vmlinux:gnttab_batch_copy 4)
hm0=$(sub map_grant_ref 4)
hu0=$(sub unmap_grant_ref 4)
hc0=$(sub copy 4)
g0=$(gd)
he0=$(($(sub map_grant_ref 5) + $(sub unmap_grant_ref 5) + $(sub copy 5)))
if [ -n "$maps" ]; then
	tap_skip "$N map/unmap cycles of the page through gntdev" "$maps"
	tap_skip "gnttab_map_refs: exactly $N calls" "$maps"
	tap_skip "gnttab_unmap_refs: exactly $N calls" "$maps"
	nmap=0
else
	out=$("$GS" "$domid" map $N 2>&1)
	rc=$?
	settle
	m1=$(fn vmlinux:gnttab_map_refs 4)
	u1=$(fn vmlinux:gnttab_unmap_refs 4)
	tap_diag "gnttab-self map: $out (rc $rc)"
	[ $rc = 0 ] && [ "$out" = "map $N ok domid $domid gref ${out##* }" ]
	tap_ok $? "$N map/unmap cycles of the page through gntdev, data checked both ways"
	tap_diag "gnttab_map_refs +$((m1 - m0)), gnttab_unmap_refs +$((u1 - u0)), missed $(fn vmlinux:gnttab_map_refs 7) $(fn vmlinux:gnttab_unmap_refs 7)"
	[ $((m1 - m0)) -eq $N ]
	tap_ok $? "gnttab_map_refs: exactly $N calls (+$((m1 - m0)))"
	[ $((u1 - u0)) -eq $N ]
	tap_ok $? "gnttab_unmap_refs: exactly $N calls (+$((u1 - u0)))"
	nmap=$N
fi

# Copy.
out=$("$GS" "$domid" copy $N 2>&1)
rc=$?
c1=$(fn vmlinux:gnttab_batch_copy 4)
tap_diag "gnttab-self copy: $out (rc $rc)"
[ $rc = 0 ] && [ "$out" = "copy $N ok domid $domid gref ${out##* }" ]
tap_ok $? "$N grant copies to the page and back, data checked"
[ $((c1 - c0)) -eq $N ]
tap_ok $? "gnttab_batch_copy: exactly $N calls (+$((c1 - c0)), missed $(fn vmlinux:gnttab_batch_copy 7))"
awk 'NR == 1 || $1 ~ /^vmlinux:gnttab_/' "$D/functions" | sed 's/^/# /'

# The same operations as the hypercall hook sees them. A PV guest's gntdev
# maps each grant twice, for the user's page table and for the kernel's
# address of its page (set_foreign_p2m_mapping(), and unmaps it twice in
# clear_foreign_p2m_mapping()): 2 map_grant_ref and 2 unmap_grant_ref per
# cycle (none where the maps were skipped). Each grant copy is one
# GNTTABOP_copy hypercall of 2 operations.
if hcall_hook_off; then
	tap_skip "grant_table_op sub-commands agree" "the hypercall hook is off"
else
	hm=$(($(sub map_grant_ref 4) - hm0))
	hu=$(($(sub unmap_grant_ref 4) - hu0))
	hc=$(($(sub copy 4) - hc0))
	he=$(($(sub map_grant_ref 5) + $(sub unmap_grant_ref 5) + $(sub copy 5) - he0))
	tap_diag "grant_table_op: map_grant_ref +$hm, unmap_grant_ref +$hu, copy +$hc, errors +$he"
	[ $hm -eq $((2 * nmap)) ] && [ $hu -eq $((2 * nmap)) ] && [ $hc -eq $N ] && [ $he -eq 0 ]
	tap_ok $? "grant_table_op sub-commands agree: map_grant_ref and unmap_grant_ref +$((2 * nmap)) (2 a cycle), copy +$N, no error"
	awk 'NR == 1 || $1 == "grant_table_op"' "$H/subcommands" | sed 's/^/# /'
	awk 'NR == 1 || $1 == "grant_table_op"' "$H/callers" | sed 's/^/# /'
fi

# The caller view names gntdev: the grant functions make their hypercalls
# for it (the hypercall hook counts them at gntdev's call into them), the
# second map of a PV cycle (set_foreign_p2m_mapping(), called by
# gnttab_map_refs()) too. Unmaps reach gnttab_unmap_refs() from the
# kernel's __gnttab_unmap_refs_async() and count there.
if hcall_hook_off || ! grep -q callers /sys/module/pvtrace/parameters/hcall_extras; then
	tap_skip "the caller view names gntdev" "the hypercall hook or its callers table is off"
else
	g=$(($(gd) - g0))
	[ $g -eq $((2 * nmap + N)) ]
	tap_ok $? "the caller view names gntdev: grant_table_op at xen_gntdev's sites +$g (2 a map cycle, 1 a copy: $((2 * nmap + N)))"
fi

nw=$(($(warnings) - w0))
[ $nw = 0 ]
tap_ok $? "no kernel warning ($nw)"
tap_done
