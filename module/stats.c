// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU statistics blocks: allocation, and the read side of the write
 * bracket described in include/pvtrace/stats.h. Nothing here runs on a hot
 * path; everything here may sleep.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <pvtrace/stats.h>

/*
 * A writer is inside its bracket for a few hundred cycles, unless the
 * hypervisor deschedules its vCPU right then: spin briefly, then sleep,
 * and after about PVTRACE_READ_WAIT_MS give up on a perfect copy rather
 * than hang the reader. Such reads are counted and shown in the summary.
 */
#define PVTRACE_READ_SPINS	1000
#define PVTRACE_READ_WAIT_MS	200

static atomic64_t torn_reads = ATOMIC64_INIT(0);

int pvtrace_stats_init(struct pvtrace_stats *st, size_t size, size_t align,
		       void (*fold)(void *dst, const void *src))
{
	if (size < sizeof(struct pvtrace_sync) || size > PCPU_MIN_UNIT_SIZE ||
	    !fold)
		return -EINVAL;

	st->pcpu = __alloc_percpu(size, align);
	if (!st->pcpu)
		return -ENOMEM;
	st->size = size;
	st->fold = fold;
	return 0;
}

void pvtrace_stats_destroy(struct pvtrace_stats *st)
{
	free_percpu(st->pcpu);
	st->pcpu = NULL;
}

/* One attempt at a consistent copy of @src; true if nothing moved. */
static bool read_once_consistent(const void *src, void *dst, size_t size)
{
	const struct pvtrace_sync *s = src;
	u64 exit, enter;

	exit = READ_ONCE(s->exit);
	smp_rmb();	/* pairs with pvtrace_write_end() */
	enter = READ_ONCE(s->enter);
	if (enter != exit)
		return false;
	smp_rmb();	/* pairs with pvtrace_write_begin() */
	memcpy(dst, src, size);
	smp_rmb();	/* the copy is complete before enter is re-read */
	return READ_ONCE(s->enter) == enter;
}

/**
 * pvtrace_stats_read_cpu() - consistent copy of one CPU's block
 * @st: the statistics
 * @cpu: a possible CPU
 * @dst: @st->size bytes
 */
void pvtrace_stats_read_cpu(const struct pvtrace_stats *st, unsigned int cpu,
			    void *dst)
{
	const void *src = per_cpu_ptr(st->pcpu, cpu);
	unsigned int i;

	for (i = 0; i < PVTRACE_READ_SPINS; i++) {
		if (read_once_consistent(src, dst, st->size))
			return;
		cpu_relax();
	}
	for (i = 0; i < PVTRACE_READ_WAIT_MS; i++) {
		if (read_once_consistent(src, dst, st->size))
			return;
		usleep_range(1000, 2000);
	}
	atomic64_inc(&torn_reads);
}

/**
 * pvtrace_stats_read_sum() - fold every possible CPU's block into @dst
 * @st: the statistics
 * @dst: @st->size bytes, overwritten
 *
 * Offline CPUs are included, so counts never drop when a vCPU goes away.
 * Return: 0, or -ENOMEM.
 */
int pvtrace_stats_read_sum(const struct pvtrace_stats *st, void *dst)
{
	unsigned int cpu;
	void *tmp;

	tmp = kmalloc(st->size, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	memset(dst, 0, st->size);
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(st, cpu, tmp);
		st->fold(dst, tmp);
	}
	kfree(tmp);
	return 0;
}

/* Reads that gave up waiting for a descheduled writer; see above. */
u64 pvtrace_stats_torn_reads(void)
{
	return atomic64_read(&torn_reads);
}
