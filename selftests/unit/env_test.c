// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/pvtrace/env.h: the guest-type decision over every
 * combination of facts, the names, and which guests pvtrace refuses.
 */
#include <string.h>

#include "kselftest.h"
#include <pvtrace/env.h>

static const enum pvtrace_guest all[] = {
	PVTRACE_GUEST_NATIVE, PVTRACE_GUEST_OTHER, PVTRACE_GUEST_XEN_PV,
	PVTRACE_GUEST_XEN_PVH, PVTRACE_GUEST_XEN_HVM, PVTRACE_GUEST_KVM,
};

#define NR (ARRAY_SIZE(all))

static enum pvtrace_guest classify(bool pv, bool hvm, bool pvh, bool kvm,
				   bool bit)
{
	struct pvtrace_env_facts f = { pv, hvm, pvh, kvm, bit };

	return pvtrace_env_classify(&f);
}

static void test_classify(void)
{
	ksft_test_result(classify(0, 0, 0, 0, 0) == PVTRACE_GUEST_NATIVE,
			 "no facts: native\n");
	ksft_test_result(classify(0, 0, 0, 0, 1) == PVTRACE_GUEST_OTHER,
			 "hypervisor bit only: other\n");
	ksft_test_result(classify(1, 0, 0, 0, 1) == PVTRACE_GUEST_XEN_PV,
			 "xen_pv_domain: xen-pv\n");
	ksft_test_result(classify(0, 1, 1, 0, 1) == PVTRACE_GUEST_XEN_PVH,
			 "xen_hvm_domain + xen_pvh: xen-pvh\n");
	ksft_test_result(classify(0, 1, 0, 0, 1) == PVTRACE_GUEST_XEN_HVM,
			 "xen_hvm_domain alone: xen-hvm (PVHVM)\n");
	ksft_test_result(classify(0, 0, 0, 1, 1) == PVTRACE_GUEST_KVM,
			 "KVM hypervisor type: kvm\n");
}

/* Xen facts win over everything; no combination yields an unnamed type. */
static void test_exhaustive(void)
{
	int bad = 0;

	for (int m = 0; m < 32; m++) {
		enum pvtrace_guest g = classify(m & 1, m & 2, m & 4, m & 8,
						m & 16);

		if (!strcmp(pvtrace_guest_name(g), "unknown"))
			bad++;
		if ((m & 1) && g != PVTRACE_GUEST_XEN_PV)
			bad++;
		if (!(m & 1) && (m & 2) && !pvtrace_guest_is_xen(g))
			bad++;
	}
	ksft_test_result(!bad, "all 32 fact combinations classify sensibly\n");
}

static void test_names(void)
{
	int bad = 0;

	for (size_t i = 0; i < NR; i++) {
		const char *n = pvtrace_guest_name(all[i]);

		if (!*n || strchr(n, ' ') || !strcmp(n, "unknown"))
			bad++;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(n, pvtrace_guest_name(all[j])))
				bad++;
	}
	ksft_test_result(!bad, "guest names are non-empty, unique, without spaces\n");
}

static void test_refusal(void)
{
	int bad = 0;

	for (size_t i = 0; i < NR; i++) {
		bool refuse = all[i] == PVTRACE_GUEST_NATIVE ||
			      all[i] == PVTRACE_GUEST_OTHER;
		const char *why = pvtrace_env_refusal(all[i]);

		if (refuse != !!why || (why && strchr(why, '\n')))
			bad++;
	}
	ksft_test_result(!bad, "refuses exactly native and other, with one line\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(9);
	test_classify();
	test_exhaustive();
	test_names();
	test_refusal();
	ksft_finished();
}
