/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU statistics blocks and their consistent snapshots.
 *
 * A hook keeps its counters in one per-CPU block whose first member is a
 * struct pvtrace_sync. Writers only ever touch their own CPU's block, with
 * CPU-local read-modify-writes (no locks, no atomics across CPUs), between
 * pvtrace_write_begin() and pvtrace_write_end(). Readers copy one CPU's
 * block at a time and retry while a writer was inside the bracket, then
 * fold the copies together: the sum across CPUs is made only when read.
 *
 * Why two counters and not a seqcount: writers nest (an NMI can record in
 * the middle of a hypercall's update on the same CPU), and with a single
 * sequence count a nested writer turns an odd count even in the middle of
 * the outer update. Counting entries and exits separately, a reader knows
 * no writer is inside exactly when enter == exit, and that none came in
 * while it copied when enter has not moved.
 */
#ifndef _PVTRACE_STATS_H
#define _PVTRACE_STATS_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

/**
 * struct pvtrace_sync - write bracket of one CPU's statistics block
 * @enter: writers that entered the bracket on this CPU
 * @exit: writers that left it
 */
struct pvtrace_sync {
	u64 enter;
	u64 exit;
};

/*
 * The write bracket, for a caller that cannot move to another CPU (it runs
 * with preemption or interrupts disabled, or is bound to its CPU).
 */
static __always_inline void __pvtrace_write_begin(struct pvtrace_sync __percpu *s)
{
	this_cpu_inc(s->enter);
	smp_wmb();	/* enter is visible before the data it guards */
}

static __always_inline void __pvtrace_write_end(struct pvtrace_sync __percpu *s)
{
	smp_wmb();	/* the data is visible before exit */
	this_cpu_inc(s->exit);
}

/*
 * Open the write bracket on this CPU. Disables preemption (notrace, no
 * lock, usable in NMI and with RCU not watching) so that the whole update
 * lands in one CPU's block.
 */
static __always_inline void pvtrace_write_begin(struct pvtrace_sync __percpu *s)
{
	preempt_disable_notrace();
	__pvtrace_write_begin(s);
}

static __always_inline void pvtrace_write_end(struct pvtrace_sync __percpu *s)
{
	__pvtrace_write_end(s);
	preempt_enable_notrace();
}

/**
 * struct pvtrace_stats - a per-CPU statistics block and how to fold it
 * @pcpu: the per-CPU blocks; each begins with a struct pvtrace_sync
 * @size: size of one CPU's block in bytes
 * @fold: adds the snapshot @src into @dst (both of @size bytes)
 * @last: per possible CPU, the last consistent copy a reader took (allocated
 *	by the first read of that CPU), what a read that cannot get a
 *	consistent one in time returns instead
 * @lock: serializes the readers' use of @last
 * @torn: reads of these statistics that fell back on @last
 * @quiet: such reads are not counted in the summary's torn_reads (the
 *	self-test's deliberate ones)
 */
struct pvtrace_stats {
	void __percpu *pcpu;
	size_t size;
	void (*fold)(void *dst, const void *src);
	void **last;
	struct mutex lock;	/* the readers' use of @last */
	u64 torn;
	bool quiet;
};

int pvtrace_stats_init(struct pvtrace_stats *st, size_t size, size_t align,
		       void (*fold)(void *dst, const void *src));
void pvtrace_stats_destroy(struct pvtrace_stats *st);
void pvtrace_stats_read_cpu(struct pvtrace_stats *st, unsigned int cpu,
			    void *dst);
int pvtrace_stats_read_sum(struct pvtrace_stats *st, void *dst);
u64 pvtrace_stats_torn_reads(void);

/*
 * Memory, for the summary: per-CPU data the hooks write, per vCPU (every
 * statistics block, the other per-CPU allocations that report themselves
 * with pvtrace_mem_percpu_add(), the module's static per-CPU data), and the
 * readers' last consistent copies, allocated per CPU as files are read.
 */
void pvtrace_mem_percpu_add(long bytes);
unsigned long pvtrace_mem_percpu(void);
unsigned long pvtrace_mem_copies(void);

#endif /* _PVTRACE_STATS_H */
