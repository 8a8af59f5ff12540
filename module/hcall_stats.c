// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall hook's statistics: the per-CPU memory the hot path
 * (module/hcall_hot.c, module/hcall_stub.S, module/hcall_mc.c) writes,
 * allocated when the hook is initialised and freed when it exits
 * (module/hcall.c), and the read side: the snapshots debugfs/hcall.c
 * prints. No file outside the hook reads these counters any other way.
 *
 * Locking: none of its own. The slot blocks and the multicall block are
 * read through their write brackets (include/pvtrace/stats.h) into a
 * private copy; the untimed counters, the key tables and the per-CPU
 * counters of the stub are single 8-byte words, read with one load each.
 * The memory exists from the hook's init to its exit, which the debugfs
 * files do not outlive.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>

#include "hcall_internal.h"

struct pvtrace_hcall_stats pvtrace_hcall_stats;
u64 __percpu *pvtrace_hcall_untimed;
/* set_segment_base(SEGBASE_GS_KERNEL) calls, passed through by the stub. */
u64 pvtrace_hcall_gsbase_calls;

/* The blocks the read side copies, with their last consistent copies. */
static struct pvtrace_stats block_stats[PVTRACE_HCALL_BLOCKS];
static struct pvtrace_stats mc_stats;

/* Not used: the read side sums the slots itself. */
static void fold_none(void *dst, const void *src)
{
}

/* Per CPU, besides the blocks: the untimed counters and two key tables. */
#define HCALL_OTHER_PERCPU \
	(PVTRACE_SLOT_NR * sizeof(u64) + 2 * sizeof(struct pvtrace_ktab))

void pvtrace_hcall_stats_free(void)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_HCALL_BLOCKS; i++)
		pvtrace_stats_destroy(&block_stats[i]);
	pvtrace_stats_destroy(&mc_stats);
	if (pvtrace_hcall_untimed && pvtrace_hcall_stats.errors &&
	    pvtrace_hcall_stats.callers)
		pvtrace_mem_percpu_add(-(long)HCALL_OTHER_PERCPU);
	free_percpu(pvtrace_hcall_untimed);
	pvtrace_hcall_untimed = NULL;
	free_percpu(pvtrace_hcall_stats.errors);
	free_percpu(pvtrace_hcall_stats.callers);
	memset(&pvtrace_hcall_stats, 0, sizeof(pvtrace_hcall_stats));
}

int pvtrace_hcall_stats_alloc(void)
{
	struct pvtrace_hcall_stats *st = &pvtrace_hcall_stats;
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct pvtrace_hcall_block) > PCPU_MIN_UNIT_SIZE);
	for (i = 0; i < PVTRACE_HCALL_BLOCKS; i++) {
		if (pvtrace_stats_init(&block_stats[i],
				       sizeof(struct pvtrace_hcall_block),
				       __alignof__(struct pvtrace_hcall_block),
				       fold_none))
			goto out_free;
		st->blocks[i] = block_stats[i].pcpu;
	}
	if (pvtrace_stats_init(&mc_stats, sizeof(struct pvtrace_mc_stats),
			       __alignof__(struct pvtrace_mc_stats), fold_none))
		goto out_free;
	st->mc = mc_stats.pcpu;
	pvtrace_hcall_untimed = __alloc_percpu(PVTRACE_SLOT_NR * sizeof(u64),
					       sizeof(u64));
	st->errors = alloc_percpu(struct pvtrace_ktab);
	st->callers = alloc_percpu(struct pvtrace_ktab);
	if (pvtrace_hcall_untimed && st->errors && st->callers) {
		pvtrace_mem_percpu_add(HCALL_OTHER_PERCPU);
		return 0;
	}
out_free:
	pvtrace_hcall_stats_free();
	return -ENOMEM;
}

/* Calls counted in @slot on this CPU so far; preemption disabled. */
u64 pvtrace_hcall_this_cpu_calls(unsigned int slot)
{
	struct pvtrace_hcall_block __percpu *blk =
		pvtrace_hcall_stats.blocks[slot / PVTRACE_SLOTS_PER_BLOCK];
	struct pvtrace_hcall_slot_stats *s;

	s = &this_cpu_ptr(blk)->slot[slot % PVTRACE_SLOTS_PER_BLOCK];
	return pvtrace_hist_count(&s->lat) +
	       *this_cpu_ptr(&pvtrace_hcall_untimed[slot]);
}

/**
 * pvtrace_hcall_read_slots() - every slot, one CPU's or summed
 * @cpu: a possible CPU, or -1 for the sum over all of them
 * @dst: PVTRACE_SLOT_NR entries, overwritten
 */
void pvtrace_hcall_read_slots(int cpu, struct pvtrace_hcall_slot_stats *dst)
{
	struct pvtrace_hcall_block *tmp;
	unsigned int b, i, c, first, n;

	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	memset(dst, 0, PVTRACE_SLOT_NR * sizeof(*dst));
	if (!tmp)
		return;
	for (b = 0; b < PVTRACE_HCALL_BLOCKS; b++) {
		first = b * PVTRACE_SLOTS_PER_BLOCK;
		n = min_t(unsigned int, PVTRACE_SLOTS_PER_BLOCK,
			  PVTRACE_SLOT_NR - first);
		for_each_possible_cpu(c) {
			if (cpu >= 0 && c != cpu)
				continue;
			pvtrace_stats_read_cpu(&block_stats[b], c, tmp);
			for (i = 0; i < n; i++) {
				struct pvtrace_hcall_slot_stats *d = &dst[first + i];
				const struct pvtrace_hcall_slot_stats *s = &tmp->slot[i];
				u64 __percpu *ut = &pvtrace_hcall_untimed[first + i];

				pvtrace_hist_fold(&d->lat, &s->lat);
				d->untimed += READ_ONCE(*per_cpu_ptr(ut, c));
				d->errors += s->errors;
				d->redundant += s->redundant;
			}
		}
	}
	kfree(tmp);
}

/* Merge CPU @only's, or every CPU's, (key, count) table into @dst. */
static void read_ktab(struct pvtrace_ktab __percpu *t, int only,
		      struct pvtrace_ktab *dst)
{
	unsigned int cpu, i, j;

	memset(dst, 0, sizeof(*dst));
	for_each_possible_cpu(cpu) {
		const struct pvtrace_ktab *src = per_cpu_ptr(t, cpu);

		if (only >= 0 && cpu != (unsigned int)only)
			continue;
		dst->dropped += READ_ONCE(src->dropped);
		for (i = 0; i < PVTRACE_KTAB_SIZE; i++) {
			u64 key = READ_ONCE(src->key[i]);

			if (!key)
				continue;
			for (j = 0; j < PVTRACE_KTAB_SIZE; j++) {
				if (!dst->key[j] || dst->key[j] == key)
					break;
			}
			if (j == PVTRACE_KTAB_SIZE) {
				dst->dropped += READ_ONCE(src->count[i]);
				continue;
			}
			dst->key[j] = key;
			dst->count[j] += READ_ONCE(src->count[i]);
		}
	}
}

/**
 * pvtrace_hcall_read_errors() - the (slot, errno) counts
 * @cpu: a possible CPU, or -1 for every CPU's merged
 * @dst: overwritten; keys are unique in it
 */
void pvtrace_hcall_read_errors(int cpu, struct pvtrace_ktab *dst)
{
	read_ktab(pvtrace_hcall_stats.errors, cpu, dst);
}

/**
 * pvtrace_hcall_read_callers() - the (hypercall, call site) counts
 * @cpu: a possible CPU, or -1 for every CPU's merged
 * @dst: overwritten; keys are unique in it
 */
void pvtrace_hcall_read_callers(int cpu, struct pvtrace_ktab *dst)
{
	read_ktab(pvtrace_hcall_stats.callers, cpu, dst);
}

/* The multicall statistics, summed over every CPU, into @dst. */
void pvtrace_hcall_read_mc(struct pvtrace_mc_stats *dst)
{
	struct pvtrace_mc_stats *tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	unsigned int cpu, i;

	memset(dst, 0, sizeof(*dst));
	if (!tmp)
		return;
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(&mc_stats, cpu, tmp);
		for (i = 0; i <= PVTRACE_MC_BATCH_MAX; i++)
			dst->batch[i] += tmp->batch[i];
		for (i = 0; i <= PVTRACE_HCALL_NR; i++) {
			dst->op_calls[i] += tmp->op_calls[i];
			dst->op_failures[i] += tmp->op_failures[i];
		}
		for (i = 0; i < PVTRACE_MC_REASONS; i++)
			dst->reasons[i] += tmp->reasons[i];
	}
	kfree(tmp);
}

/*
 * Per-CPU counter @var, summed over every possible CPU, as a u64 (a signed
 * counter's sum comes back whole when the caller casts it back).
 */
#define sum_cpus(var) ({					\
	u64 __sum = 0;						\
	int __cpu;						\
								\
	for_each_possible_cpu(__cpu)				\
		__sum += per_cpu(var, __cpu);			\
	__sum;							\
})

/* Calls inside the stub now, on every CPU (a moment's view). */
long pvtrace_hcall_inflight_calls(void)
{
	return sum_cpus(pvtrace_hcall_inflight);
}

/* VCPUOP_down calls, passed straight through. */
u64 pvtrace_hcall_noreturn_calls(void)
{
	return sum_cpus(pvtrace_hcall_noreturn);
}

/* Timed calls whose TSC went back between their start and end (moved). */
u64 pvtrace_hcall_backwards_calls(void)
{
	return sum_cpus(pvtrace_hcall_backwards);
}
