/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From the TSC the hooks read to CLOCK_MONOTONIC, at read time.
 *
 * The hot paths store raw TSC values; what a user compares them with is
 * CLOCK_MONOTONIC (the recorder's start_ns, dmesg, a host-side trace). A
 * fixed multiplier from tsc_khz drifts from that clock by the error of
 * the kernel's TSC calibration and by whatever NTP slews: measured in the
 * lab, milliseconds within minutes, back and forth (module/clock.c).
 *
 * So the conversion is piecewise linear between anchors, (TSC,
 * CLOCK_MONOTONIC) pairs taken together: one at load, then one a second
 * and one at every read that converts (module/clock.c), unless the last
 * is younger than min_gap. Between two anchors a TSC value is
 * interpolated: exact at the anchors, and as close to the clock between
 * them as the clock is to a straight line over that second. Anchors are
 * never moved, so an event converts the same way from read to read; when
 * the table is full, every other anchor of its older half goes.
 *
 * Pure: the unit tests compile module/timebase.c in userspace.
 */
#ifndef _PVTRACE_TIMEBASE_H
#define _PVTRACE_TIMEBASE_H

#include <linux/types.h>

#define PVTRACE_TB_ANCHORS	256

struct pvtrace_tb_anchor {
	u64 tsc;
	u64 ns;
};

/**
 * struct pvtrace_tb - anchors, in increasing TSC and ns
 * @a: the anchors; @a[0] is the load's
 * @n: anchors in @a, at least 1
 * @min_gap: TSC cycles a new anchor must be from the last to be kept
 * @mult: tsc_khz's multiplier (include/pvtrace/clock.h), for
 *	extrapolation when no segment of at least @min_gap exists
 */
struct pvtrace_tb {
	struct pvtrace_tb_anchor a[PVTRACE_TB_ANCHORS];
	unsigned int n;
	u64 min_gap;
	u32 mult;
};

void pvtrace_tb_init(struct pvtrace_tb *tb, u32 mult, u64 min_gap, u64 tsc,
		     u64 ns);
bool pvtrace_tb_add(struct pvtrace_tb *tb, u64 tsc, u64 ns);
u64 pvtrace_tb_ns(const struct pvtrace_tb *tb, u64 tsc);

/* module/clock.c: the module's timebase. */
int pvtrace_clock_init(void);
void pvtrace_clock_exit(void);
u64 pvtrace_clock_sync(void);
bool pvtrace_timing(void);
void pvtrace_clock_snapshot(struct pvtrace_tb *dst);

#endif /* _PVTRACE_TIMEBASE_H */
