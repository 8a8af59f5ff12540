// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall hot path: what the stub (module/hcall_stub.S) calls
 * before and after every hypercall the guest kernel makes.
 *
 * This runs wherever hypercalls run: NMI, idle with RCU not watching,
 * early entry, CPU bring-up and teardown, with EFLAGS.AC set by privcmd.
 * So: noinstr (no tracing, no kprobes, no sanitizers), per-CPU operations
 * and the TSC only. No locks, no allocation, no printk, no RCU, nothing
 * that makes a hypercall. Pointer arguments are read only when they are
 * kernel addresses, and only with an exception-table-protected load.
 */
#include <linux/compiler.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/uaccess.h>
#include <asm/current.h>
#include <asm/msr.h>
#include <xen/interface/xen.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>
#include <pvtrace/recorder.h>

/* Calls that entered the stub and have not left it, per CPU. */
DEFINE_PER_CPU(long, pvtrace_hcall_inflight);
/* VCPUOP_down calls passed straight through (they do not return). */
DEFINE_PER_CPU(u64, pvtrace_hcall_noreturn);
/*
 * Timed calls whose end read an earlier TSC than their start: a
 * preemptible call (privcmd) that moved to a vCPU whose TSC lags. Counted
 * here and as untimed, never as a duration.
 */
DEFINE_PER_CPU(u64, pvtrace_hcall_backwards);

/* Whose hypercalls these are, while a followed function runs. */
DEFINE_PER_CPU(struct pvtrace_hcall_outer, pvtrace_hcall_outer);

/* The previous call on this CPU, for the redundancy check. */
struct hcall_last {
	unsigned long nr, a1, a2, a3, a4, a5;
	u64 end;
};

static DEFINE_PER_CPU(struct hcall_last, hcall_last);

static __always_inline u64 cycles_to_ns(u64 cycles)
{
	return pvtrace_cycles_to_ns(cycles, pvtrace_hcall_cfg.mult);
}

/* Read a kernel u64 at @p; false if @p is not a kernel address or faults. */
static __always_inline bool read_kernel_u64(const void *p, u64 *val)
{
	if ((long)p >= 0)
		return false;	/* a user pointer (privcmd): never touched */
	__get_kernel_nofault(val, p, u64, fault);
	return true;
fault:
	return false;
}

/**
 * pvtrace_hcall_enter() - before a hypercall, when the redundancy check is on
 * @nr: hypercall number
 * @a1: first argument
 * @a2: second argument
 * @a3: third argument
 * @a4: fourth argument
 * @a5: fifth argument
 *
 * Return: the TSC at entry with bit 0 replaced by "redundant", or 0 when
 * timing is off. The stub hands it back to pvtrace_hcall_exit().
 */
noinstr u64 pvtrace_hcall_enter(unsigned int nr, unsigned long a1,
				unsigned long a2, unsigned long a3,
				unsigned long a4, unsigned long a5)
{
	struct hcall_last *last;
	u64 t0, dup;

	if (!(READ_ONCE(pvtrace_hcall_flags) & PVTRACE_HCALL_TIMING))
		return 0;

	/*
	 * A nested call (an NMI) between the compare and the stores can mix
	 * two calls' arguments: the redundancy count is a heuristic, the
	 * latency and call counts are exact. A call passing a kernel pointer
	 * (mmu_update's request on the stack, say) is not judged: the same
	 * address carries a new request each time. Preemption is off from the
	 * TSC read to the last store, so that all of it is one CPU's.
	 */
	preempt_disable_notrace();
	t0 = rdtsc_ordered();
	last = this_cpu_ptr(&hcall_last);
	dup = (long)(a1 | a2 | a3 | a4 | a5) >= 0 &&
	      last->nr == nr && last->a1 == a1 && last->a2 == a2 &&
	      last->a3 == a3 && last->a4 == a4 && last->a5 == a5 &&
	      t0 - last->end < READ_ONCE(pvtrace_hcall_cfg.window_cycles);
	last->nr = nr;
	last->a1 = a1;
	last->a2 = a2;
	last->a3 = a3;
	last->a4 = a4;
	last->a5 = a5;
	preempt_enable_notrace();
	return (t0 & ~1ULL) | dup;
}

/* The command of mmuext_op is in its first operation, not an argument. */
static __always_inline unsigned long mmuext_cmd(unsigned long ops)
{
	u64 cmd;

	/* struct mmuext_op begins with "unsigned int cmd" */
	if (!read_kernel_u64((void *)ops, &cmd))
		return ~0UL;
	return (u32)cmd;
}

static __always_inline void account_multicall(unsigned long entries,
					      unsigned long n)
{
	struct pvtrace_mc_stats __percpu *mc = pvtrace_hcall_stats.mc;
	const struct multicall_entry *e = (const void *)entries;
	unsigned long i;
	u64 op, res;

	__pvtrace_write_begin(&mc->sync);
	this_cpu_inc(mc->batch[min_t(unsigned long, n, PVTRACE_MC_BATCH_MAX)]);
	for (i = 0; i < min_t(unsigned long, n, PVTRACE_MC_WALK_MAX); i++) {
		if (!read_kernel_u64(&e[i].op, &op) ||
		    !read_kernel_u64(&e[i].result, &res))
			break;
		op = min_t(u64, op, PVTRACE_HCALL_NR);
		this_cpu_inc(mc->op_calls[op]);
		if ((s64)res < 0)
			this_cpu_inc(mc->op_failures[op]);
	}
	__pvtrace_write_end(&mc->sync);
}

/*
 * @caller, or the caller of the followed function this call is made for
 * (struct pvtrace_hcall_outer): one per-CPU load and a test when none is.
 */
static __always_inline unsigned long attributed(unsigned long caller)
{
	unsigned long ip = this_cpu_read(pvtrace_hcall_outer.ip);

	if (likely(!ip))
		return caller;
	if (this_cpu_read(pvtrace_hcall_outer.task) != current ||
	    this_cpu_read(pvtrace_hcall_outer.ctx) !=
	    (preempt_count() & PVTRACE_HCALL_CTX))
		return caller;
	return ip;
}

/* The slot of (@nr, @a1): one table load, but for mmuext_op and multicall. */
static __always_inline unsigned int hcall_slot(unsigned int nr,
					       unsigned long a1)
{
	unsigned int slot;

	if (unlikely(nr >= PVTRACE_HCALL_NR))
		return PVTRACE_SLOT_BADNR;
	slot = pvtrace_hcall_slotmap[nr * PVTRACE_SLOTMAP_COLS +
				     min_t(unsigned long, a1, PVTRACE_HCALL_NR)];
	if (unlikely(slot == PVTRACE_SLOTMAP_SLOW))
		slot = pvtrace_hcall_slot(nr, nr == __HYPERVISOR_mmuext_op ?
					  mmuext_cmd(a1) : a1);
	return slot;
}

static __always_inline struct pvtrace_hcall_block __percpu *
slot_block(unsigned int slot)
{
	return pvtrace_hcall_stats.blocks[slot / PVTRACE_SLOTS_PER_BLOCK];
}

static __always_inline struct pvtrace_hcall_slot_stats __percpu *
slot_stats(struct pvtrace_hcall_block __percpu *blk, unsigned int slot)
{
	return &blk->slot[slot % PVTRACE_SLOTS_PER_BLOCK];
}

/* An untimed call's count, and its error in the slot's bracket. */
static __always_inline void count_untimed(unsigned int slot, long ret)
{
	this_cpu_inc(pvtrace_hcall_untimed[slot]);
	if (unlikely(ret < 0)) {
		struct pvtrace_hcall_block __percpu *blk = slot_block(slot);

		__pvtrace_write_begin(&blk->sync);
		this_cpu_inc(slot_stats(blk, slot)->errors);
		__pvtrace_write_end(&blk->sync);
	}
}

/* What every call records after its counts: errors, callers, multicall. */
static __always_inline unsigned long hcall_tail(u32 flags, unsigned int slot,
						unsigned int nr, long ret,
						unsigned long a1,
						unsigned long a2,
						unsigned long caller)
{
	if (unlikely(ret < 0))
		pvtrace_ktab_add(pvtrace_hcall_stats.errors,
				 pvtrace_err_key(slot, ret));
	caller = attributed(caller);
	if (likely(flags & PVTRACE_HCALL_CALLERS))
		pvtrace_ktab_add(pvtrace_hcall_stats.callers,
				 pvtrace_caller_key(nr, caller));
	if (unlikely(nr == __HYPERVISOR_multicall))
		account_multicall(a1, a2);
	return caller;
}

/* The recorder and the slowest table: rare, out of the hot path's line. */
static noinstr void rec_hcall(unsigned int slot, unsigned int nr, u64 tsc,
			      u64 ns, long ret, unsigned long a1,
			      unsigned long site)
{
	pvtrace_rec_hcall(slot, nr, tsc, ns, ret, a1, site);
}

/*
 * Every branch below is annotated likely() or unlikely() for the common
 * call (a known slot, no error, not redundant, callers on, not recorded):
 * the compiler lays that path out straight, and scripts/hotpath.sh, which
 * counts it in the built object, walks it by falling through.
 */

/**
 * pvtrace_hcall_exit() - after a timed hypercall
 * @nr: hypercall number
 * @ret: what it returned
 * @t0: the TSC at entry with bit 0 replaced by "redundant" (read by the
 *	stub, or by pvtrace_hcall_enter()); never 0
 * @a1: first argument
 * @a2: second argument
 * @caller: return address of the call into the stub: the call site (or,
 *	inside a function the driver hook follows, that function's)
 */
noinstr void pvtrace_hcall_exit(unsigned int nr, long ret, u64 t0,
				unsigned long a1, unsigned long a2,
				unsigned long caller)
{
	struct pvtrace_hcall_block __percpu *blk;
	struct pvtrace_hcall_slot_stats __percpu *s;
	u32 flags = READ_ONCE(pvtrace_hcall_flags);
	unsigned int slot;
	u64 t1, ns;

	/*
	 * Everything below lands in this CPU's data: a preemptible caller
	 * (privcmd) must not move between the reads and the writes of one
	 * update (a key table's probe and its count, the redundancy state).
	 */
	preempt_disable_notrace();
	t1 = rdtsc_ordered();
	slot = hcall_slot(nr, a1);
	if (unlikely((s64)(t1 - (t0 & ~1ULL)) < 0)) {
		/* Moved to a vCPU whose TSC lags: not a duration. */
		this_cpu_inc(pvtrace_hcall_backwards);
		count_untimed(slot, ret);
		hcall_tail(flags, slot, nr, ret, a1, a2, caller);
		goto out;
	}
	blk = slot_block(slot);
	s = slot_stats(blk, slot);
	if (unlikely(flags & PVTRACE_HCALL_REDUNDANT))
		this_cpu_write(hcall_last.end, t1);
	ns = cycles_to_ns(t1 - (t0 & ~1ULL));
	__pvtrace_write_begin(&blk->sync);
	pvtrace_hist_record(&s->lat, ns);
	if (unlikely(t0 & 1))
		this_cpu_inc(s->redundant);
	if (unlikely(ret < 0))
		this_cpu_inc(s->errors);
	__pvtrace_write_end(&blk->sync);
	caller = hcall_tail(flags, slot, nr, ret, a1, a2, caller);
	if (unlikely(pvtrace_rec_hcall_wanted(ns)))
		rec_hcall(slot, nr, t0 & ~1ULL, ns, ret, a1, caller);
out:
	preempt_enable_notrace();
}

/**
 * pvtrace_hcall_exit_untimed() - after a hypercall that was not timed
 * @nr: hypercall number
 * @ret: what it returned
 * @t0: unused (0): the stub calls both exits alike
 * @a1: first argument
 * @a2: second argument
 * @caller: as for pvtrace_hcall_exit()
 *
 * The count-only stub comes here for what it does not count itself
 * (errors, numbers of 64 and more, mmuext_op, multicall), and every
 * untimed call with extras (callers, redundancy) on.
 */
noinstr void pvtrace_hcall_exit_untimed(unsigned int nr, long ret, u64 t0,
					unsigned long a1, unsigned long a2,
					unsigned long caller)
{
	u32 flags = READ_ONCE(pvtrace_hcall_flags);
	unsigned int slot;

	preempt_disable_notrace();
	slot = hcall_slot(nr, a1);
	count_untimed(slot, ret);
	hcall_tail(flags, slot, nr, ret, a1, a2, caller);
	preempt_enable_notrace();
}
