// SPDX-License-Identifier: GPL-2.0
/*
 * Piecewise-linear TSC to CLOCK_MONOTONIC conversion; why and how:
 * include/pvtrace/timebase.h. Pure: compiled by the unit tests too.
 */
#include <linux/types.h>
#include <linux/math64.h>

#include <pvtrace/clock.h>
#include <pvtrace/timebase.h>

void pvtrace_tb_init(struct pvtrace_tb *tb, u32 mult, u64 min_gap, u64 tsc,
		     u64 ns)
{
	tb->n = 1;
	tb->a[0].tsc = tsc;
	tb->a[0].ns = ns;
	tb->min_gap = min_gap;
	tb->mult = mult;
}

/*
 * Full: keep the first anchor, every other one of the older half, and the
 * newer half whole, so that recent events keep their times from read to
 * read.
 */
static void thin(struct pvtrace_tb *tb)
{
	unsigned int i, n = 1, half = tb->n / 2;

	for (i = 2; i < half; i += 2)
		tb->a[n++] = tb->a[i];
	for (i = half; i < tb->n; i++)
		tb->a[n++] = tb->a[i];
	tb->n = n;
}

/**
 * pvtrace_tb_add() - add an anchor taken after every one in @tb
 * @tb: the timebase
 * @tsc: the TSC
 * @ns: CLOCK_MONOTONIC read together with it
 *
 * Anchors are never moved: a TSC value between two of them converts the
 * same way until thinning reaches them.
 *
 * Return: false if the pair was not kept: it does not follow the last
 * anchor in both clocks, or it is less than min_gap cycles after it.
 */
bool pvtrace_tb_add(struct pvtrace_tb *tb, u64 tsc, u64 ns)
{
	const struct pvtrace_tb_anchor *last = &tb->a[tb->n - 1];

	if (tsc <= last->tsc || ns < last->ns || tsc - last->tsc < tb->min_gap)
		return false;
	if (tb->n == PVTRACE_TB_ANCHORS)
		thin(tb);
	tb->a[tb->n].tsc = tsc;
	tb->a[tb->n].ns = ns;
	tb->n++;
	return true;
}

/* ns over cycles between anchors @i and @j (i < j), applied to @d cycles. */
static u64 scale(const struct pvtrace_tb *tb, unsigned int i, unsigned int j,
		 u64 d)
{
	return mul_u64_u64_div_u64(d, tb->a[j].ns - tb->a[i].ns,
				   tb->a[j].tsc - tb->a[i].tsc);
}

/*
 * Outside the anchors: the rate over all of them, else tsc_khz's. (A read
 * takes an anchor before it converts: little lies past the last one.)
 */
static u64 extrapolate(const struct pvtrace_tb *tb, u64 d)
{
	if (tb->n >= 2)
		return scale(tb, 0, tb->n - 1, d);
	return pvtrace_cycles_to_ns(d, tb->mult);
}

/**
 * pvtrace_tb_ns() - CLOCK_MONOTONIC ns of a TSC value
 * @tb: the timebase
 * @tsc: the TSC value
 *
 * Monotonic in @tsc for a given @tb. Before the first anchor the result
 * stops at 0.
 */
u64 pvtrace_tb_ns(const struct pvtrace_tb *tb, u64 tsc)
{
	unsigned int lo = 0, hi = tb->n - 1, mid;
	u64 back;

	if (tsc < tb->a[0].tsc) {
		back = extrapolate(tb, tb->a[0].tsc - tsc);
		return tb->a[0].ns > back ? tb->a[0].ns - back : 0;
	}
	if (tsc >= tb->a[hi].tsc)
		return tb->a[hi].ns + extrapolate(tb, tsc - tb->a[hi].tsc);
	/* a[lo].tsc <= tsc < a[hi].tsc */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tb->a[mid].tsc <= tsc)
			lo = mid;
		else
			hi = mid;
	}
	return tb->a[lo].ns + scale(tb, lo, hi, tsc - tb->a[lo].tsc);
}
