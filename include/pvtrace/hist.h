/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log2 latency histograms in nanoseconds: the bucket rule, the bucket
 * bounds, recording a sample into a per-CPU histogram and folding per-CPU
 * copies together at read time.
 *
 * Bucket 0 holds exactly 0 ns. Bucket i (1 <= i < PVTRACE_HIST_BUCKETS - 1)
 * holds [2^(i-1), 2^i - 1]. The last bucket holds every value from
 * 2^(PVTRACE_HIST_BUCKETS - 2) up to U64_MAX (overflow). This is KVM's
 * fls64() rule; ilog2(0) is never taken.
 *
 * The number of samples is not stored: it is the sum of the buckets, so a
 * histogram's count and its buckets can never disagree.
 *
 * This header is pure: it is also compiled in userspace by the unit tests,
 * against shim headers that map the this_cpu_*() operations onto plain
 * memory operations.
 */
#ifndef _PVTRACE_HIST_H
#define _PVTRACE_HIST_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/limits.h>
#include <linux/percpu.h>

#define PVTRACE_HIST_BUCKETS	32

/*
 * A single sample adds at most this much to sum_ns (2^40 ns, about 18
 * minutes), so that a nonsense sample (a clock jump, U64_MAX) cannot wrap
 * the sum; max_ns keeps the true value.
 */
#define PVTRACE_HIST_SUM_CLAMP	BIT_ULL(40)

/**
 * struct pvtrace_hist - a log2 latency histogram
 * @bucket: samples per bucket, see the rule above
 * @sum_ns: sum of the samples, each clamped to PVTRACE_HIST_SUM_CLAMP
 * @max_ns: largest sample seen
 */
struct pvtrace_hist {
	u64 bucket[PVTRACE_HIST_BUCKETS];
	u64 sum_ns;
	u64 max_ns;
};

/*
 * fls64() without a branch and with its operand in a register: BSR leaves
 * its destination unchanged when the source is 0, as the kernel's x86
 * fls64() relies on, but that one lets the operand be memory (which on the
 * hypercall hot path made the compiler spill it), and a C version
 * (x ? 64 - clz : 0) became a branch. pvtrace builds for x86-64 only.
 */
static __always_inline unsigned int pvtrace_fls64(u64 x)
{
	long bitpos = -1;

	asm("bsrq %1,%0" : "+r" (bitpos) : "r" (x));
	return bitpos + 1;
}

static __always_inline unsigned int pvtrace_hist_bucket(u64 ns)
{
	unsigned int idx = pvtrace_fls64(ns);

	return idx < PVTRACE_HIST_BUCKETS ? idx : PVTRACE_HIST_BUCKETS - 1;
}

/* Lowest value that lands in bucket @idx. */
static inline u64 pvtrace_hist_lo(unsigned int idx)
{
	return idx ? 1ULL << (idx - 1) : 0;
}

/* Highest value that lands in bucket @idx. */
static inline u64 pvtrace_hist_hi(unsigned int idx)
{
	if (idx >= PVTRACE_HIST_BUCKETS - 1)
		return U64_MAX;
	return (1ULL << idx) - 1;
}

static __always_inline u64 pvtrace_hist_sum_part(u64 ns)
{
	return ns < PVTRACE_HIST_SUM_CLAMP ? ns : PVTRACE_HIST_SUM_CLAMP;
}

/* Raise a per-CPU maximum; safe against writers nested on the same CPU. */
static __always_inline void pvtrace_pcpu_max(u64 __percpu *max, u64 val)
{
	u64 old = this_cpu_read(*max);

	while (val > old) {
		u64 prev = this_cpu_cmpxchg(*max, old, val);

		if (prev == old)
			break;
		old = prev;
	}
}

/**
 * pvtrace_hist_record() - add one sample to this CPU's copy of @h
 * @h: per-CPU histogram
 * @ns: the sample
 *
 * Each update is a single CPU-local read-modify-write, so an NMI or
 * interrupt that records into the same histogram in between loses nothing.
 * The caller brackets it with pvtrace_write_begin()/pvtrace_write_end().
 */
static __always_inline void pvtrace_hist_record(struct pvtrace_hist __percpu *h,
						u64 ns)
{
	this_cpu_inc(h->bucket[pvtrace_hist_bucket(ns)]);
	this_cpu_add(h->sum_ns, pvtrace_hist_sum_part(ns));
	pvtrace_pcpu_max(&h->max_ns, ns);
}

/* Fold the snapshot @src into @dst (sums add up, maxima take the larger). */
static inline void pvtrace_hist_fold(struct pvtrace_hist *dst,
				     const struct pvtrace_hist *src)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->sum_ns += src->sum_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

static inline u64 pvtrace_hist_count(const struct pvtrace_hist *h)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < PVTRACE_HIST_BUCKETS; i++)
		n += h->bucket[i];
	return n;
}

#endif /* _PVTRACE_HIST_H */
