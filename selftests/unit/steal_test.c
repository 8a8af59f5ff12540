// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/pvtrace/steal.h: the steal-source decision (the
 * only test of steal-only mode on KVM, which the lab cannot boot), totals
 * that never go backwards, windows and the ratio buckets.
 */
#include <string.h>

#include <pvtrace/steal.h>

#include "kselftest.h"

static const struct {
	const char *name;
	struct pvtrace_steal_facts f;
	enum pvtrace_steal_source want;
} decisions[] = {
	{ "xen-pv with runstate", { PVTRACE_GUEST_XEN_PV, true, false, false },
	  PVTRACE_STEAL_RUNSTATE },
	{ "xen-pvh with runstate", { PVTRACE_GUEST_XEN_PVH, true, false, false },
	  PVTRACE_STEAL_RUNSTATE },
	{ "xen-hvm with runstate", { PVTRACE_GUEST_XEN_HVM, true, false, false },
	  PVTRACE_STEAL_RUNSTATE },
	{ "xen-pv, steal_source=generic",
	  { PVTRACE_GUEST_XEN_PV, true, false, true }, PVTRACE_STEAL_GENERIC },
	{ "xen-hvm, runstate refused", { PVTRACE_GUEST_XEN_HVM, false, false, false },
	  PVTRACE_STEAL_GENERIC },
	{ "kvm with steal time", { PVTRACE_GUEST_KVM, false, true, false },
	  PVTRACE_STEAL_GENERIC },
	{ "kvm with steal time, steal_source=generic",
	  { PVTRACE_GUEST_KVM, false, true, true }, PVTRACE_STEAL_GENERIC },
	{ "kvm without steal time", { PVTRACE_GUEST_KVM, false, false, false },
	  PVTRACE_STEAL_NONE },
	{ "kvm: a runstate answer is ignored", { PVTRACE_GUEST_KVM, true, false, false },
	  PVTRACE_STEAL_NONE },
	{ "native", { PVTRACE_GUEST_NATIVE, false, true, false }, PVTRACE_STEAL_NONE },
	{ "other hypervisor", { PVTRACE_GUEST_OTHER, true, true, false },
	  PVTRACE_STEAL_NONE },
};

static void test_decisions(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(decisions); i++) {
		enum pvtrace_steal_source got = pvtrace_steal_decide(&decisions[i].f);

		ksft_test_result(got == decisions[i].want, "decide: %s -> %s\n",
				 decisions[i].name,
				 pvtrace_steal_source_name(decisions[i].want));
	}
	ksft_test_result(!strcmp(pvtrace_steal_source_name(PVTRACE_STEAL_NONE), "none") &&
			 !strcmp(pvtrace_steal_source_name(PVTRACE_STEAL_GENERIC), "generic") &&
			 !strcmp(pvtrace_steal_source_name(PVTRACE_STEAL_RUNSTATE), "runstate"),
			 "source names\n");
}

static struct pvtrace_steal_reading rd(u64 t, u64 gen, u64 run, u64 runnable,
				       u64 blocked, u64 offline)
{
	struct pvtrace_steal_reading r = {
		.time_ns = t,
		.generic_ns = gen,
		.runstate_ns = { run, runnable, blocked, offline },
	};

	return r;
}

static void test_acc(void)
{
	struct pvtrace_steal_acc a = {};
	struct pvtrace_steal_reading r;
	u64 steal_before;
	int ok;

	/* The first reading is only a base, whatever its values. */
	r = rd(1000, 500, 10, 20, 30, 40);
	pvtrace_steal_acc_update(&a, &r);
	ksft_test_result(a.primed && !a.elapsed_ns && !a.generic_ns &&
			 !pvtrace_steal_total(&a, PVTRACE_STEAL_RUNSTATE) &&
			 !a.backward_jumps,
			 "acc: first reading sets the base only\n");

	r = rd(2000, 700, 110, 320, 330, 140);
	pvtrace_steal_acc_update(&a, &r);
	ok = a.elapsed_ns == 1000 && a.generic_ns == 200 &&
	     a.runstate_ns[0] == 100 && a.runstate_ns[1] == 300 &&
	     a.runstate_ns[2] == 300 && a.runstate_ns[3] == 100 &&
	     pvtrace_steal_total(&a, PVTRACE_STEAL_RUNSTATE) == 400 &&
	     pvtrace_steal_total(&a, PVTRACE_STEAL_GENERIC) == 200 &&
	     !a.backward_jumps;
	ksft_test_result(ok, "acc: deltas add up; steal = runnable + offline\n");

	/* A resume: Xen's runstate restarts near 0, the rest goes on. */
	steal_before = pvtrace_steal_total(&a, PVTRACE_STEAL_RUNSTATE);
	r = rd(3000, 900, 5, 7, 0, 3);
	pvtrace_steal_acc_update(&a, &r);
	ok = a.backward_jumps == 1 &&
	     pvtrace_steal_total(&a, PVTRACE_STEAL_RUNSTATE) == steal_before &&
	     a.generic_ns == 400 && a.elapsed_ns == 2000;
	ksft_test_result(ok, "acc: a runstate reset is one absorbed jump, nothing lost\n");

	/* Counting resumes from the new base. */
	r = rd(4000, 1000, 15, 17, 100, 3);
	pvtrace_steal_acc_update(&a, &r);
	ok = a.runstate_ns[1] == 310 && a.runstate_ns[0] == 110 &&
	     a.runstate_ns[2] == 400 && a.runstate_ns[3] == 100 &&
	     a.backward_jumps == 1;
	ksft_test_result(ok, "acc: after a reset, deltas from the new base\n");

	/* Only one runstate time going back: the others keep their delta. */
	r = rd(5000, 1000, 25, 16, 150, 3);
	pvtrace_steal_acc_update(&a, &r);
	ok = a.backward_jumps == 2 && a.runstate_ns[0] == 120 &&
	     a.runstate_ns[1] == 310 && a.runstate_ns[2] == 450;
	ksft_test_result(ok, "acc: a partial reset keeps the other times' deltas\n");

	/* Generic and clock jumps count once each. */
	r = rd(4500, 10, 30, 20, 160, 3);
	pvtrace_steal_acc_update(&a, &r);
	ok = a.backward_jumps == 4 && a.elapsed_ns == 4000 &&
	     a.generic_ns == 500;
	ksft_test_result(ok, "acc: generic counter and clock jumps are absorbed\n");

	/* U64 wrap-like jump from the top: never a huge delta. */
	a = (struct pvtrace_steal_acc){};
	r = rd(1, U64_MAX, 0, U64_MAX, 0, 0);
	pvtrace_steal_acc_update(&a, &r);
	r = rd(2, 5, 0, 5, 0, 0);
	pvtrace_steal_acc_update(&a, &r);
	ksft_test_result(a.generic_ns == 0 && a.runstate_ns[1] == 0 &&
			 a.backward_jumps == 2 && a.elapsed_ns == 1,
			 "acc: a drop from U64_MAX adds nothing\n");
}

static void test_pct(void)
{
	unsigned int half, quarter;

	ksft_test_result(pvtrace_steal_pct(0, 0) == 0 &&
			 pvtrace_steal_pct(5, 0) == 0 &&
			 pvtrace_steal_pct(0, 100) == 0 &&
			 pvtrace_steal_pct(1, 100) == 1 &&
			 pvtrace_steal_pct(199, 1000) == 19 &&
			 pvtrace_steal_pct(999, 1000) == 99 &&
			 pvtrace_steal_pct(1000, 1000) == 100 &&
			 pvtrace_steal_pct(2000, 1000) == 100,
			 "pct: rounds down, 0 for an empty window, clamps at 100\n");
	half = pvtrace_steal_pct(U64_MAX / 2, U64_MAX);
	quarter = pvtrace_steal_pct(U64_MAX / 4, U64_MAX);

	ksft_test_result(pvtrace_steal_pct(U64_MAX - 1, U64_MAX) == 99 &&
			 (half == 49 || half == 50) &&
			 (quarter == 24 || quarter == 25) &&
			 pvtrace_steal_pct(U64_MAX / 100 + 1, U64_MAX / 50) == 50,
			 "pct: no overflow for huge values\n");
}

static void test_ratio_buckets(void)
{
	static const struct { unsigned int pct, bucket; } cases[] = {
		{ 0, 0 }, { 1, 1 }, { 4, 1 }, { 5, 2 }, { 9, 2 }, { 10, 3 },
		{ 19, 3 }, { 20, 4 }, { 55, 7 }, { 90, 11 }, { 99, 11 },
		{ 100, 12 }, { 1000, 12 },
	};
	int ok = 1;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ok &= pvtrace_steal_ratio_bucket(cases[i].pct) == cases[i].bucket;
	ksft_test_result(ok, "ratio: bucket of each edge value\n");

	/* Buckets tile 0..U64_MAX; each value lands in the bucket holding it. */
	ok = pvtrace_steal_ratio_lo(0) == 0 &&
	     pvtrace_steal_ratio_hi(PVTRACE_STEAL_RATIO_BUCKETS - 1) == U64_MAX;
	for (unsigned int i = 1; i < PVTRACE_STEAL_RATIO_BUCKETS; i++)
		ok &= pvtrace_steal_ratio_lo(i) == pvtrace_steal_ratio_hi(i - 1) + 1 &&
		      pvtrace_steal_ratio_lo(i) <= pvtrace_steal_ratio_hi(i);
	for (unsigned int pct = 0; pct <= 100; pct++) {
		unsigned int b = pvtrace_steal_ratio_bucket(pct);

		ok &= b < PVTRACE_STEAL_RATIO_BUCKETS &&
		      pvtrace_steal_ratio_lo(b) <= pct &&
		      pct <= pvtrace_steal_ratio_hi(b);
	}
	ksft_test_result(ok, "ratio: %d buckets tile 0..U64_MAX and hold their values\n",
			 PVTRACE_STEAL_RATIO_BUCKETS);
}

static void test_window(void)
{
	struct pvtrace_steal_window w = {};
	unsigned int pct = 999, done = 0;
	int ok;

	/* Windows of 3: 10+20+30 of 300 -> 20%; then 300 of 300 -> 100%. */
	done += pvtrace_steal_window_add(&w, 10, 100, 3, &pct);
	done += pvtrace_steal_window_add(&w, 20, 100, 3, &pct);
	ok = !done && pct == 999;
	done += pvtrace_steal_window_add(&w, 30, 100, 3, &pct);
	ok &= done == 1 && pct == 20 && !w.n && !w.steal_ns && !w.elapsed_ns;
	pvtrace_steal_window_add(&w, 100, 100, 3, &pct);
	pvtrace_steal_window_add(&w, 100, 100, 3, &pct);
	ok &= pvtrace_steal_window_add(&w, 100, 100, 3, &pct) && pct == 100;
	ksft_test_result(ok, "window: completes every len intervals, ratio of the sums\n");

	ok = 1;
	for (int i = 0; i < 5; i++)
		ok &= pvtrace_steal_window_add(&w, i, 10, 1, &pct) && pct == (unsigned int)i * 10;
	ksft_test_result(ok, "window: len 1 is one window per interval\n");
}

static void test_names(void)
{
	ksft_test_result(!strcmp(pvtrace_runstate_name(0), "running") &&
			 !strcmp(pvtrace_runstate_name(1), "runnable") &&
			 !strcmp(pvtrace_runstate_name(2), "blocked") &&
			 !strcmp(pvtrace_runstate_name(3), "offline") &&
			 !strcmp(pvtrace_runstate_name(4), "unknown"),
			 "runstate names in Xen's order\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(decisions) + 1 + 7 + 2 + 2 + 2 + 1);
	test_decisions();
	test_acc();
	test_pct();
	test_ratio_buckets();
	test_window();
	test_names();
	ksft_finished();
}
