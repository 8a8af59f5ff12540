// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/timebase.c, compiled as is: TSC values turn into
 * CLOCK_MONOTONIC by interpolation between anchors, whatever the error of
 * the calibrated TSC rate, and the table stays bounded.
 */
#include <stdint.h>

#include "kselftest.h"
#include <linux/types.h>
#include <pvtrace/clock.h>
#include <pvtrace/timebase.h>

#define KHZ		2000000ULL	/* a 2 GHz TSC */
#define GAP		(KHZ * 1000)	/* one second of cycles */

/*
 * The true clock: the TSC really runs at 2 GHz + 600 ppm, while tsc_khz
 * says 2 GHz. ns(tsc) = tsc / 2.0012.
 */
static u64 truth(u64 tsc)
{
	return (u64)((__uint128_t)tsc * 1000000 / 2001200);
}

static u64 absdiff(u64 a, u64 b)
{
	return a > b ? a - b : b - a;
}

static void test_interpolation(void)
{
	static struct pvtrace_tb tb;
	u64 t, worst = 0, worst_mult = 0, base = 1000;
	u32 mult = pvtrace_tsc_mult(KHZ);
	unsigned int i;

	pvtrace_tb_init(&tb, mult, GAP, base, truth(base));
	/* An anchor every 10 s for 100 s. */
	for (i = 1; i <= 10; i++) {
		t = base + i * 10 * GAP;
		pvtrace_tb_add(&tb, t, truth(t));
	}
	for (t = base; t < base + 100 * GAP; t += GAP / 7 + 13) {
		u64 fixed = truth(base) + pvtrace_cycles_to_ns(t - base, mult);

		if (absdiff(pvtrace_tb_ns(&tb, t), truth(t)) > worst)
			worst = absdiff(pvtrace_tb_ns(&tb, t), truth(t));
		if (absdiff(fixed, truth(t)) > worst_mult)
			worst_mult = absdiff(fixed, truth(t));
	}
	ksft_test_result(tb.n == 11 && worst <= 2,
			 "between anchors the clock is exact (worst %llu ns; tsc_khz alone: %llu ns)\n",
			 worst, worst_mult);
	ksft_test_result(worst_mult > 50000000,
			 "the fixed multiplier drifts (%llu ns over 100 s at 600 ppm)\n",
			 worst_mult);
}

static void test_monotonic_and_extrapolation(void)
{
	static struct pvtrace_tb tb;
	u64 t, prev = 0, base = 5 * GAP;
	unsigned int i;
	int mono = 1;

	pvtrace_tb_init(&tb, pvtrace_tsc_mult(KHZ), GAP, base, truth(base));
	for (i = 1; i <= 5; i++)
		pvtrace_tb_add(&tb, base + i * 3 * GAP, truth(base + i * 3 * GAP));
	for (t = 0; t < base + 40 * GAP; t += GAP / 3 + 1) {
		u64 ns = pvtrace_tb_ns(&tb, t);

		if (ns < prev)
			mono = 0;
		prev = ns;
	}
	ksft_test_result(mono,
			 "the conversion never goes backwards, before, between and after the anchors\n");
	t = base + 25 * GAP;
	ksft_test_result(absdiff(pvtrace_tb_ns(&tb, t), truth(t)) <= 2,
			 "after the last anchor: the anchors' rate, not tsc_khz's (%llu ns off)\n",
			 absdiff(pvtrace_tb_ns(&tb, t), truth(t)));
	ksft_test_result(pvtrace_tb_ns(&tb, 0) <= truth(base) &&
			 absdiff(pvtrace_tb_ns(&tb, GAP), truth(GAP)) <= 2,
			 "before the first anchor: the same rate, stopping at 0\n");
}

static void test_close_anchors(void)
{
	static struct pvtrace_tb tb;
	u64 base = GAP, t, before;
	unsigned int i;

	pvtrace_tb_init(&tb, pvtrace_tsc_mult(KHZ), GAP, base, truth(base));
	pvtrace_tb_add(&tb, base + 2 * GAP, truth(base + 2 * GAP));
	t = base + GAP;
	before = pvtrace_tb_ns(&tb, t);
	/* Reads every 1/10 s: only those min_gap after the last are kept. */
	for (i = 1; i <= 50; i++)
		pvtrace_tb_add(&tb, base + 2 * GAP + i * GAP / 10,
			       truth(base + 2 * GAP + i * GAP / 10));
	ksft_test_result(tb.n == 7, "anchors closer than min_gap are not kept (%u kept)\n",
			 tb.n);
	ksft_test_result(pvtrace_tb_ns(&tb, t) == before,
			 "what lies before the last anchor keeps its time\n");
	ksft_test_result(!pvtrace_tb_add(&tb, base, truth(base) + 5) &&
			 !pvtrace_tb_add(&tb, base + 100 * GAP, 0),
			 "an anchor behind the last in either clock is refused\n");
}

static void test_thinning(void)
{
	static struct pvtrace_tb tb;
	u64 base = GAP, t, worst = 0;
	unsigned int i, recent = 1;
	int sorted = 1;

	pvtrace_tb_init(&tb, pvtrace_tsc_mult(KHZ), GAP, base, truth(base));
	for (i = 1; i <= 1000; i++)
		pvtrace_tb_add(&tb, base + i * 2 * GAP, truth(base + i * 2 * GAP));
	for (i = 1; i < tb.n; i++)
		if (tb.a[i].tsc <= tb.a[i - 1].tsc)
			sorted = 0;
	/* The newest PVTRACE_TB_ANCHORS / 2 anchors are the last ones added. */
	for (i = 0; i < PVTRACE_TB_ANCHORS / 2; i++)
		if (tb.a[tb.n - 1 - i].tsc != base + (1000 - i) * 2 * GAP)
			recent = 0;
	for (t = base; t < base + 2000 * GAP; t += GAP * 3 + 7)
		if (absdiff(pvtrace_tb_ns(&tb, t), truth(t)) > worst)
			worst = absdiff(pvtrace_tb_ns(&tb, t), truth(t));
	ksft_test_result(tb.n <= PVTRACE_TB_ANCHORS && sorted && recent &&
			 tb.a[0].tsc == base && tb.a[tb.n - 1].tsc == base + 2000 * GAP,
			 "a full table thins its older half, keeping the first and every recent one (%u anchors)\n",
			 tb.n);
	ksft_test_result(worst <= 2, "and still converts exactly (worst %llu ns)\n",
			 worst);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(10);
	test_interpolation();
	test_monotonic_and_extrapolation();
	test_close_anchors();
	test_thinning();
	ksft_finished();
}
