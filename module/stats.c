// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU statistics blocks: allocation, and the read side of the write
 * bracket described in include/pvtrace/stats.h. Nothing here runs on a hot
 * path; everything here may sleep.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <pvtrace/stats.h>

/*
 * A writer is inside its bracket for a few hundred cycles, unless the
 * hypervisor deschedules its vCPU right then (heavy steal: a vCPU can wait
 * tens of milliseconds for a CPU). A reader spins briefly, then sleeps, and
 * after PVTRACE_READ_WAIT_MS gives up on a fresh copy of that CPU: it
 * returns the last consistent copy of that CPU instead (older, never
 * inconsistent, never behind an earlier read) and counts the miss in the
 * summary's torn_reads. So a read of one CPU's block takes at most about
 * PVTRACE_READ_WAIT_MS.
 */
#define PVTRACE_READ_SPINS	1000
#define PVTRACE_READ_WAIT_MS	50

static atomic64_t torn_reads = ATOMIC64_INIT(0);
/* Bytes per CPU of the blocks and other per-CPU data; of every last copy. */
static atomic_long_t percpu_bytes = ATOMIC_LONG_INIT(0);
static atomic_long_t copy_bytes = ATOMIC_LONG_INIT(0);

void pvtrace_mem_percpu_add(long bytes)
{
	atomic_long_add(bytes, &percpu_bytes);
}

unsigned long pvtrace_mem_percpu(void)
{
	return atomic_long_read(&percpu_bytes) + THIS_MODULE->percpu_size;
}

unsigned long pvtrace_mem_copies(void)
{
	return atomic_long_read(&copy_bytes);
}

static int stats_setup(struct pvtrace_stats *st, size_t size,
		       void (*fold)(void *dst, const void *src))
{
	st->size = size;
	st->fold = fold;
	st->torn = 0;
	st->last = kcalloc(nr_cpu_ids, sizeof(*st->last), GFP_KERNEL);
	if (!st->last)
		return -ENOMEM;
	mutex_init(&st->lock);
	return 0;
}

int pvtrace_stats_init(struct pvtrace_stats *st, size_t size, size_t align,
		       void (*fold)(void *dst, const void *src))
{
	int ret;

	if (size < sizeof(struct pvtrace_sync) || size > PCPU_MIN_UNIT_SIZE ||
	    !fold)
		return -EINVAL;

	st->pcpu = __alloc_percpu(size, align);
	if (!st->pcpu)
		return -ENOMEM;
	ret = stats_setup(st, size, fold);
	if (ret) {
		free_percpu(st->pcpu);
		st->pcpu = NULL;
		return ret;
	}
	pvtrace_mem_percpu_add(size);
	return 0;
}

void pvtrace_stats_destroy(struct pvtrace_stats *st)
{
	unsigned int cpu;

	if (st->pcpu)
		pvtrace_mem_percpu_add(-(long)st->size);
	free_percpu(st->pcpu);
	st->pcpu = NULL;
	if (st->last) {
		for_each_possible_cpu(cpu) {
			if (st->last[cpu])
				atomic_long_sub(st->size, &copy_bytes);
			kfree(st->last[cpu]);
		}
		kfree(st->last);
		st->last = NULL;
	}
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

static bool read_consistent(const void *src, void *dst, size_t size)
{
	unsigned long until;
	unsigned int i;

	for (i = 0; i < PVTRACE_READ_SPINS; i++) {
		if (read_once_consistent(src, dst, size))
			return true;
		cpu_relax();
	}
	until = jiffies + msecs_to_jiffies(PVTRACE_READ_WAIT_MS);
	do {
		usleep_range(500, 1000);
		if (read_once_consistent(src, dst, size))
			return true;
	} while (time_before(jiffies, until));
	return false;
}

/**
 * pvtrace_stats_read_cpu() - consistent copy of one CPU's block
 * @st: the statistics
 * @cpu: a possible CPU
 * @dst: @st->size bytes, always filled in
 *
 * A fresh consistent copy, or, if a writer stays inside its bracket for
 * PVTRACE_READ_WAIT_MS (its vCPU descheduled), the last consistent copy
 * of that CPU, counted in torn_reads; zeros if there was none yet. No
 * value read goes backwards from one read to the next. May sleep.
 */
void pvtrace_stats_read_cpu(struct pvtrace_stats *st, unsigned int cpu,
			    void *dst)
{
	const void *src = per_cpu_ptr(st->pcpu, cpu);

	mutex_lock(&st->lock);
	if (!st->last[cpu]) {
		st->last[cpu] = kzalloc(st->size, GFP_KERNEL);
		if (st->last[cpu])
			atomic_long_add(st->size, &copy_bytes);
	}
	if (read_consistent(src, dst, st->size)) {
		if (st->last[cpu])
			memcpy(st->last[cpu], dst, st->size);
	} else {
		st->torn++;
		if (!st->quiet)
			atomic64_inc(&torn_reads);
		if (st->last[cpu])
			memcpy(dst, st->last[cpu], st->size);
		else
			memset(dst, 0, st->size);
	}
	mutex_unlock(&st->lock);
}

/**
 * pvtrace_stats_read_sum() - fold every possible CPU's block into @dst
 * @st: the statistics
 * @dst: @st->size bytes, overwritten
 *
 * Offline CPUs are included, so counts never drop when a vCPU goes away.
 * Return: 0, or -ENOMEM.
 */
int pvtrace_stats_read_sum(struct pvtrace_stats *st, void *dst)
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
