// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/pvtrace/hcall.h over the name tables generated
 * from a real kernel's Xen headers (scripts/gen-hcall-names.sh): slot
 * mapping, names, the way back from a slot, and the bounded key tables.
 */
#include <string.h>

#include "kselftest.h"
#include <pvtrace/hcall.h>

/* Numbers from the Xen interface, stable ABI. */
#define SCHED_OP	29
#define XEN_VERSION	17
#define EVTCHN_OP	32
#define VCPU_OP		24
#define MEMORY_OP	12
#define SET_TIMER_OP	15

static const char *sub_name(unsigned int slot)
{
	return pvtrace_sub_names[slot - PVTRACE_SLOT_SUB0];
}

static void test_known(void)
{
	static const struct { unsigned int nr, cmd; const char *name; } c[] = {
		{ SCHED_OP, 0, "yield" }, { SCHED_OP, 1, "block" },
		{ SCHED_OP, 3, "poll" }, { XEN_VERSION, 0, "version" },
		{ XEN_VERSION, 1, "extraversion" }, { EVTCHN_OP, 4, "send" },
		{ VCPU_OP, 2, "down" }, { MEMORY_OP, 6, "populate_physmap" },
	};
	int bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		unsigned int s = pvtrace_hcall_slot(c[i].nr, c[i].cmd);

		if (s < PVTRACE_SLOT_SUB0 || s >= PVTRACE_SLOT_BADNR ||
		    strcmp(sub_name(s), c[i].name) ||
		    pvtrace_slot_hcall(s) != (int)c[i].nr ||
		    pvtrace_sub_value[s - PVTRACE_SLOT_SUB0] != c[i].cmd) {
			ksft_print_msg("%u/%u: slot %u\n", c[i].nr, c[i].cmd, s);
			bad++;
		}
	}
	ksft_test_result(!bad, "known sub-commands map to their named slot and back\n");
	ksft_test_result(!strcmp(pvtrace_hcall_names[SCHED_OP], "sched_op") &&
			 !strcmp(pvtrace_hcall_names[MEMORY_OP], "memory_op") &&
			 !strcmp(pvtrace_hcall_names[0], "set_trap_table"),
			 "hypercall names come from __HYPERVISOR_*\n");
}

static void test_plain_and_edges(void)
{
	unsigned int other = pvtrace_hcall_slot(SCHED_OP, 63);

	ksft_test_result(pvtrace_hcall_slot(SET_TIMER_OP, 12345) == SET_TIMER_OP &&
			 pvtrace_slot_hcall(SET_TIMER_OP) == SET_TIMER_OP,
			 "a plain hypercall's slot is its number, whatever a1\n");
	ksft_test_result(!strcmp(sub_name(other), "other") &&
			 pvtrace_hcall_slot(SCHED_OP, 1UL << 40) == other &&
			 pvtrace_hcall_slot(SCHED_OP, ~0UL) == other &&
			 pvtrace_slot_hcall(other) == SCHED_OP &&
			 pvtrace_sub_value[other - PVTRACE_SLOT_SUB0] ==
			 PVTRACE_SUB_OTHER_VALUE,
			 "unnamed and huge commands go to the hypercall's \"other\"\n");
	ksft_test_result(pvtrace_hcall_slot(64, 0) == PVTRACE_SLOT_BADNR &&
			 pvtrace_hcall_slot(~0U, 0) == PVTRACE_SLOT_BADNR &&
			 pvtrace_slot_hcall(PVTRACE_SLOT_BADNR) == -1,
			 "numbers >= 64 go to out_of_range\n");
}

/* Every (nr, cmd) lands in range, and sub-command slots never collide. */
static void test_exhaustive(void)
{
	static int owner[PVTRACE_SLOT_NR];
	int bad = 0;

	memset(owner, -1, sizeof(owner));
	for (unsigned int nr = 0; nr < 70; nr++) {
		for (unsigned long cmd = 0; cmd < 70; cmd++) {
			unsigned int s = pvtrace_hcall_slot(nr, cmd);
			int key = nr * 100 + (pvtrace_hcall_mux[nr % 64] ? (int)cmd : 0);

			if (s >= PVTRACE_SLOT_NR) {
				bad++;
				continue;
			}
			if (nr >= 64)
				continue;
			if (s >= PVTRACE_SLOT_SUB0 && !strcmp(sub_name(s), "other"))
				continue;
			if (owner[s] != -1 && owner[s] != key)
				bad++;
			owner[s] = key;
		}
	}
	ksft_test_result(!bad, "all (nr, cmd) in range, named slots never shared\n");
}

static void test_ktab(void)
{
	static struct pvtrace_ktab t;
	u64 sum = 0;
	int same;

	memset(&t, 0, sizeof(t));
	pvtrace_ktab_add(&t, pvtrace_caller_key(17, 0xffffffff81234567UL));
	pvtrace_ktab_add(&t, pvtrace_caller_key(17, 0xffffffff81234567UL));
	same = 0;
	for (int i = 0; i < PVTRACE_KTAB_SIZE; i++)
		if (t.key[i])
			same += t.count[i] == 2 &&
				pvtrace_caller_ip(t.key[i]) == 0xffffffff81234567UL;
	ksft_test_result(same == 1, "a key counts twice in one entry; the IP comes back\n");

	for (unsigned int k = 0; k < 1000; k++)
		pvtrace_ktab_add(&t, pvtrace_err_key(k, -22));
	for (int i = 0; i < PVTRACE_KTAB_SIZE; i++)
		sum += t.count[i];
	ksft_test_result(sum + t.dropped == 1002 && t.dropped > 0,
			 "a full table counts what it drops: none lost\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(8);
	test_known();
	test_plain_and_edges();
	test_exhaustive();
	test_ktab();
	ksft_finished();
}
