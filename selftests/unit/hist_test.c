// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/pvtrace/hist.h: the bucket rule at its edges
 * (0, 1, powers of two and their neighbours, U64_MAX), the bounds, the
 * record path (the exact code the kernel runs, with this_cpu_*() mapped
 * onto memory) and folding.
 */
#include <string.h>

#include "kselftest.h"
#include <pvtrace/hist.h>

#define N PVTRACE_HIST_BUCKETS

static int in_bucket(u64 v, unsigned int idx)
{
	return pvtrace_hist_lo(idx) <= v && v <= pvtrace_hist_hi(idx);
}

static void test_fixed_edges(void)
{
	static const struct { u64 v; unsigned int idx; } cases[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 2 }, { 4, 3 }, { 7, 3 },
		{ 8, 4 }, { 1023, 10 }, { 1024, 11 }, { 1025, 11 },
		{ (1ULL << 29) - 1, 29 }, { 1ULL << 29, 30 },
		{ (1ULL << 30) - 1, 30 }, { 1ULL << 30, N - 1 },
		{ (1ULL << 30) + 1, N - 1 }, { 1ULL << 63, N - 1 },
		{ UINT64_MAX, N - 1 },
	};
	int bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (pvtrace_hist_bucket(cases[i].v) != cases[i].idx) {
			ksft_print_msg("value %llu: bucket %u, want %u\n",
				       (unsigned long long)cases[i].v,
				       pvtrace_hist_bucket(cases[i].v),
				       cases[i].idx);
			bad++;
		}
	}
	ksft_test_result(!bad, "fixed edge values land in the right bucket\n");
}

static void test_every_power_of_two(void)
{
	int bad = 0;

	for (unsigned int k = 0; k < 64; k++) {
		u64 p = 1ULL << k;
		u64 vals[] = { p - 1, p, p + 1 };

		for (int j = 0; j < 3; j++) {
			unsigned int idx = pvtrace_hist_bucket(vals[j]);

			if (idx >= N || !in_bucket(vals[j], idx))
				bad++;
		}
	}
	ksft_test_result(!bad, "2^k-1, 2^k, 2^k+1 for k=0..63 lie inside their bucket's bounds\n");
}

static void test_bounds_contiguous(void)
{
	int bad = pvtrace_hist_lo(0) != 0 || pvtrace_hist_hi(0) != 0 ||
		  pvtrace_hist_hi(N - 1) != UINT64_MAX;

	for (unsigned int i = 0; i + 1 < N; i++)
		if (pvtrace_hist_lo(i + 1) != pvtrace_hist_hi(i) + 1 ||
		    pvtrace_hist_lo(i) > pvtrace_hist_hi(i))
			bad++;
	ksft_test_result(!bad, "buckets tile 0..U64_MAX with no gap or overlap\n");
}

static void test_record(void)
{
	struct pvtrace_hist h;
	static const u64 vals[] = { 0, 1, 5, 1000, UINT64_MAX };
	u64 want_sum = 0 + 1 + 5 + 1000 + PVTRACE_HIST_SUM_CLAMP;

	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		pvtrace_hist_record(&h, vals[i]);
	ksft_test_result(pvtrace_hist_count(&h) == 5 && h.bucket[0] == 1 &&
			 h.bucket[1] == 1 && h.bucket[3] == 1 &&
			 h.bucket[10] == 1 && h.bucket[N - 1] == 1,
			 "record: each sample counted once, in its bucket\n");
	ksft_test_result(h.sum_ns == want_sum,
			 "record: sum clamps a U64_MAX sample to 2^40 ns\n");
	ksft_test_result(h.max_ns == UINT64_MAX, "record: max keeps U64_MAX\n");
}

static void test_sum_never_wraps(void)
{
	struct pvtrace_hist h;

	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 1000; i++)
		pvtrace_hist_record(&h, UINT64_MAX);
	ksft_test_result(h.sum_ns == 1000 * PVTRACE_HIST_SUM_CLAMP,
			 "1000 U64_MAX samples do not wrap the sum\n");
}

static void test_max_only_rises(void)
{
	struct pvtrace_hist h;

	memset(&h, 0, sizeof(h));
	pvtrace_hist_record(&h, 7);
	pvtrace_hist_record(&h, 3);
	pvtrace_hist_record(&h, 0);
	ksft_test_result(h.max_ns == 7, "max does not drop for smaller samples\n");
}

static void test_fold(void)
{
	struct pvtrace_hist a, b, sum;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&sum, 0, sizeof(sum));
	pvtrace_hist_record(&a, 1);
	pvtrace_hist_record(&a, 100);
	pvtrace_hist_record(&b, 100);
	pvtrace_hist_record(&b, 1ULL << 35);
	pvtrace_hist_fold(&sum, &a);
	pvtrace_hist_fold(&sum, &b);
	ksft_test_result(pvtrace_hist_count(&sum) == 4 &&
			 sum.bucket[pvtrace_hist_bucket(100)] == 2 &&
			 sum.sum_ns == 1 + 200 + (1ULL << 35) &&
			 sum.max_ns == 1ULL << 35,
			 "fold adds buckets and sums, keeps the larger max\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(9);
	test_fixed_edges();
	test_every_power_of_two();
	test_bounds_contiguous();
	test_record();
	test_sum_never_wraps();
	test_max_only_rises();
	test_fold();
	ksft_finished();
}
