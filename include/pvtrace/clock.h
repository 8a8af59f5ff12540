/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks' clock: the TSC, read with rdtsc_ordered(), turned into
 * nanoseconds by a multiplier computed once from tsc_khz. Hot paths may
 * read nothing else (no clocksource, no RCU), and pvtrace builds for
 * x86-64 only, where every Xen and KVM guest has a TSC.
 */
#ifndef _PVTRACE_CLOCK_H
#define _PVTRACE_CLOCK_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/math64.h>

#define PVTRACE_MULT_SHIFT	24

/* ns = cycles * mult >> PVTRACE_MULT_SHIFT, for a TSC of @khz kHz. */
static inline u32 pvtrace_tsc_mult(unsigned int khz)
{
	return khz ? div_u64(1000000ULL << PVTRACE_MULT_SHIFT, khz) : 0;
}

/*
 * mul_u64_u32_shr() without a 128-bit product (the kernel's generic
 * version): on x86-64 the 128-bit product made the hypercall hot path
 * realign its stack. Under 2^32 cycles (a second and more at any TSC
 * rate) it is one multiplication and a shift.
 */
static __always_inline u64 pvtrace_cycles_to_ns(u64 cycles, u32 mult)
{
	u32 hi = cycles >> 32;
	u64 ns = ((cycles & 0xffffffffULL) * mult) >> PVTRACE_MULT_SHIFT;

	if (unlikely(hi))
		ns += ((u64)hi * mult) << (32 - PVTRACE_MULT_SHIFT);
	return ns;
}

#endif /* _PVTRACE_CLOCK_H */
