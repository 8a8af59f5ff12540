/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall hook's statistics layout, shared by module/hcall*.c and
 * debugfs/hcall.c, and the pure parts of it (slot mapping, bounded key
 * tables) that the unit tests compile in userspace. What debugfs/hcall.c
 * may call is the read side at the end: snapshots, never the hot path's
 * globals.
 *
 * Every hypercall lands in exactly one "slot": a plain hypercall in the
 * slot of its number, a multiplexed one (first argument is a command) in
 * the slot of its sub-command. A multiplexed hypercall's own totals are
 * the sum of its sub-command slots, made at read time, so the hot path
 * updates one histogram per call.
 *
 * The names and the sub-command tables are generated at build time from
 * the Xen interface headers of the kernel built against
 * (scripts/gen-hcall-names.sh), included here as "hcall_names.h".
 */
#ifndef _PVTRACE_HCALL_H
#define _PVTRACE_HCALL_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/percpu.h>

#include <pvtrace/clock.h>
#include <pvtrace/hist.h>
#include <pvtrace/stats.h>

#define PVTRACE_HCALL_NR	64	/* Xen's NR_hypercalls */
#define PVTRACE_SUB_OTHER_VALUE	0xffff	/* pvtrace_sub_value[] of "other" */

#include "hcall_names.h"

/* Slots: 0..63 plain hypercalls, then the sub-commands, then "bad nr". */
#define PVTRACE_SLOT_SUB0	PVTRACE_HCALL_NR
#define PVTRACE_SLOT_BADNR	(PVTRACE_SLOT_SUB0 + PVTRACE_SUB_NR)
#define PVTRACE_SLOT_NR		(PVTRACE_SLOT_BADNR + 1)

/**
 * pvtrace_hcall_slot() - the slot a call is counted in
 * @nr: hypercall number
 * @cmd: its first argument (the command, for a multiplexed hypercall)
 */
static __always_inline unsigned int pvtrace_hcall_slot(unsigned int nr,
						       unsigned long cmd)
{
	unsigned int mux, pos = 0;

	if (nr >= PVTRACE_HCALL_NR)
		return PVTRACE_SLOT_BADNR;
	mux = pvtrace_hcall_mux[nr];
	if (!mux)
		return nr;
	if (cmd < PVTRACE_HCALL_NR)
		pos = pvtrace_mux_pos[mux][cmd];
	if (!pos)
		pos = pvtrace_mux_count[mux];	/* "other" is the last */
	return PVTRACE_SLOT_SUB0 + pvtrace_mux_first[mux] + pos - 1;
}

/* The hypercall number a slot belongs to, or -1 for PVTRACE_SLOT_BADNR. */
static inline int pvtrace_slot_hcall(unsigned int slot)
{
	unsigned int nr, mux, sub;

	if (slot < PVTRACE_SLOT_SUB0)
		return slot;
	if (slot >= PVTRACE_SLOT_BADNR)
		return -1;
	sub = slot - PVTRACE_SLOT_SUB0;
	for (nr = 0; nr < PVTRACE_HCALL_NR; nr++) {
		mux = pvtrace_hcall_mux[nr];
		if (mux && sub >= pvtrace_mux_first[mux] &&
		    sub < pvtrace_mux_first[mux] + pvtrace_mux_count[mux])
			return nr;
	}
	return -1;
}

/**
 * struct pvtrace_hcall_slot_stats - what is counted per slot and CPU
 * @lat: latency histogram of the timed calls
 * @untimed: calls counted while timing was off (hcall_timing=0); the
 *	number of calls is pvtrace_hist_count(&lat) + untimed. Not written
 *	in the per-CPU blocks: the hot path counts untimed calls in the
 *	unbracketed array pvtrace_hcall_untimed, which the read side
 *	adds in here
 * @errors: calls that returned a negative errno
 * @redundant: calls identical (number and arguments) to the previous call
 *	on this CPU and issued within pvtrace_hcall_window_ns of its return
 */
struct pvtrace_hcall_slot_stats {
	struct pvtrace_hist lat;
	u64 untimed;
	u64 errors;
	u64 redundant;
};

/*
 * The slot of a call from its number and first argument, in one load:
 * pvtrace_hcall_slotmap[nr * PVTRACE_SLOTMAP_COLS + min(a1, 64)] for
 * nr < 64 (column 64: every first argument >= 64). Built at load from
 * pvtrace_hcall_slot(). PVTRACE_SLOTMAP_SLOW marks the hypercalls the stub
 * leaves to C: mmuext_op (its command is in memory) and multicall.
 */
#define PVTRACE_SLOTMAP_COLS	(PVTRACE_HCALL_NR + 1)
#define PVTRACE_SLOTMAP_SLOW	0xffff

/* Slots are spread over per-CPU blocks small enough for alloc_percpu(). */
#define PVTRACE_SLOTS_PER_BLOCK	64	/* a power of two: shifts, no division */
#define PVTRACE_HCALL_BLOCKS \
	((PVTRACE_SLOT_NR + PVTRACE_SLOTS_PER_BLOCK - 1) / PVTRACE_SLOTS_PER_BLOCK)

struct pvtrace_hcall_block {
	struct pvtrace_sync sync;
	struct pvtrace_hcall_slot_stats slot[PVTRACE_SLOTS_PER_BLOCK];
};

/*
 * A bounded per-CPU table of (key, count), for keys too many to give each
 * a counter: errors by (slot, errno), calls by (hypercall, call site).
 * A key claims an entry with a CPU-local cmpxchg, so a writer nested on the
 * same CPU (an NMI) can neither lose a count nor take the entry twice. Keys
 * that find no free entry within PVTRACE_KTAB_PROBES are counted in
 * "dropped". Key 0 means free.
 */
#define PVTRACE_KTAB_SIZE	128	/* power of two */
#define PVTRACE_KTAB_PROBES	8

struct pvtrace_ktab {
	u64 key[PVTRACE_KTAB_SIZE];
	u64 count[PVTRACE_KTAB_SIZE];
	u64 dropped;
};

static __always_inline unsigned int pvtrace_ktab_hash(u64 key)
{
	/* Fibonacci hashing, as hash_64(), on the top bits. */
	return (key * 0x61c8864680b583ebULL) >> (64 - 7);
}

static __always_inline void pvtrace_ktab_add(struct pvtrace_ktab __percpu *t,
					     u64 key)
{
	unsigned int i, e, h = pvtrace_ktab_hash(key);
	u64 cur;

	/* The common case is a known key at its first probe. */
	for (i = 0; i < PVTRACE_KTAB_PROBES; i++) {
		e = (h + i) & (PVTRACE_KTAB_SIZE - 1);
		cur = this_cpu_read(t->key[e]);
		if (likely(cur == key))
			goto hit;
		if (unlikely(!cur) &&
		    (this_cpu_cmpxchg(t->key[e], 0, key) ?: key) == key)
			goto hit;
	}
	this_cpu_inc(t->dropped);
	return;
hit:
	this_cpu_inc(t->count[e]);
}

/* Keys. Kernel and module text lie in the top 2 GiB: keep the low 32 bits. */
static inline u64 pvtrace_err_key(unsigned int slot, long ret)
{
	return ((u64)(slot + 1) << 32) | (u32)-ret;
}

static inline u64 pvtrace_caller_key(unsigned int nr, unsigned long ip)
{
	return ((u64)(nr + 1) << 32) | (u32)ip;
}

static inline unsigned long pvtrace_caller_ip(u64 key)
{
	return 0xffffffff00000000UL | (u32)key;
}

/*
 * A caller key keeps 32 bits of the address: when the module a call site
 * is in goes, its keys are retired (this bit set), so that code loaded at
 * the same address later is not credited with their counts; a retired
 * key's site is shown as "-", its module as "unloaded".
 */
#define PVTRACE_CALLER_RETIRED	BIT_ULL(63)

static inline unsigned int pvtrace_caller_nr(u64 key)
{
	return ((key & ~PVTRACE_CALLER_RETIRED) >> 32) - 1;
}

static inline bool pvtrace_caller_retired(u64 key)
{
	return key & PVTRACE_CALLER_RETIRED;
}

/*
 * Multicalls (PV): batch sizes, and per operation inside the batches, the
 * entries and the entries that failed. The flush latency is the multicall
 * hypercall's own latency histogram.
 */
#define PVTRACE_MC_BATCH_MAX	64	/* batch[64] counts batches of >= 64 */
#define PVTRACE_MC_WALK_MAX	64	/* entries examined per batch */
#define PVTRACE_MC_REASONS	4	/* enum xen_mc_flush_reason */

struct pvtrace_mc_stats {
	struct pvtrace_sync sync;
	u64 batch[PVTRACE_MC_BATCH_MAX + 1];
	u64 op_calls[PVTRACE_HCALL_NR + 1];	/* [64]: op numbers >= 64 */
	u64 op_failures[PVTRACE_HCALL_NR + 1];
	u64 reasons[PVTRACE_MC_REASONS];	/* forced flushes, by reason */
};

/* The stub and its handlers; see module/hcall_stub.S. */

/*
 * pvtrace_hcall_flags: what the hot path does besides counting. 0 is the
 * count-only floor, which the stub handles alone (module/hcall_stub.S,
 * where these values are repeated).
 */
#define PVTRACE_HCALL_TIMING	0x1	/* hcall_timing: time each call */
#define PVTRACE_HCALL_CALLERS	0x2	/* hcall_extras=callers */
#define PVTRACE_HCALL_REDUNDANT	0x4	/* hcall_extras=redundant, timed, window > 0 */

/**
 * struct pvtrace_hcall_cfg - settings the hot path reads
 * @mult: TSC cycles to ns: ns = cycles * mult >> PVTRACE_MULT_SHIFT
 * @window_cycles: hcall_window_ns in TSC cycles
 */
struct pvtrace_hcall_cfg {
	u32 mult;
	u64 window_cycles;
};

/**
 * struct pvtrace_hcall_stats - all per-CPU statistics of the hook
 * @blocks: the slots, PVTRACE_SLOTS_PER_BLOCK per block
 * @errors: (slot, errno) counts
 * @callers: (hypercall, call site) counts
 * @mc: multicall statistics
 */
struct pvtrace_hcall_stats {
	struct pvtrace_hcall_block __percpu *blocks[PVTRACE_HCALL_BLOCKS];
	struct pvtrace_ktab __percpu *errors;
	struct pvtrace_ktab __percpu *callers;
	struct pvtrace_mc_stats __percpu *mc;
};

/**
 * struct pvtrace_hcall_outer - where this CPU's hypercalls are attributed
 * @ip: the followed function's caller (the return address of the call
 *	into it); 0 when no function is followed
 * @task: the task that called it
 * @ctx: the context it was called in: preempt_count()'s NMI, hardirq and
 *	serving-softirq bits (PVTRACE_HCALL_CTX)
 *
 * The driver hook follows kernel functions that make hypercalls for a
 * driver (notify_remote_via_irq(), the grant operations). Their own call
 * sites name only the kernel; while one runs, the hot path counts a
 * hypercall made by it, or by what it calls, at its caller's site
 * instead: a hypercall of the same task in the same context. One made by
 * an interrupt taken meanwhile runs in another context and keeps its own
 * site. Written by the driver hook's entry and return handlers on this
 * CPU, @ip zeroed first and set last; read by pvtrace_hcall_exit().
 */
struct pvtrace_hcall_outer {
	unsigned long ip;
	const void *task;
	unsigned int ctx;
};

#define PVTRACE_HCALL_CTX	(NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)

/*
 * What the hot path reads and writes: its configuration (module/hcall.c)
 * and its counters (module/hcall_stats.c). For module/hcall*.c and the
 * driver hook's handlers only; debugfs/ reads the snapshots below.
 */
extern u64 pvtrace_hcall_gsbase_calls;
extern struct pvtrace_hcall_cfg pvtrace_hcall_cfg;
extern u32 pvtrace_hcall_flags;
/*
 * PVTRACE_SLOT_NR untimed-call counters per CPU. Each is updated by one
 * CPU-local increment and read with one 8-byte load: exact, never torn,
 * without a write bracket.
 */
extern u64 __percpu *pvtrace_hcall_untimed;
extern u16 pvtrace_hcall_slotmap[PVTRACE_HCALL_NR * PVTRACE_SLOTMAP_COLS];
extern struct pvtrace_hcall_stats pvtrace_hcall_stats;
DECLARE_PER_CPU(long, pvtrace_hcall_inflight);
DECLARE_PER_CPU(u64, pvtrace_hcall_noreturn);
DECLARE_PER_CPU(u64, pvtrace_hcall_backwards);
DECLARE_PER_CPU(struct pvtrace_hcall_outer, pvtrace_hcall_outer);

void pvtrace_hcall_stub(void);
u64 pvtrace_hcall_enter(unsigned int nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5);
void pvtrace_hcall_exit(unsigned int nr, long ret, u64 t0, unsigned long a1,
			unsigned long a2, unsigned long caller);
void pvtrace_hcall_exit_untimed(unsigned int nr, long ret, u64 t0,
				unsigned long a1, unsigned long a2,
				unsigned long caller);

/* module/hcall_mc.c */
int pvtrace_hcall_mc_register(void);
void pvtrace_hcall_mc_unregister(void);

/*
 * Read side, for debugfs/hcall.c: snapshots into the caller's memory
 * (module/hcall_stats.c; the status, module/hcall.c). Process context.
 */

/* Calls counted in @s: timed (in the histogram) and untimed. */
static inline u64 pvtrace_hcall_calls(const struct pvtrace_hcall_slot_stats *s)
{
	return pvtrace_hist_count(&s->lat) + s->untimed;
}

/**
 * struct pvtrace_hcall_status - the hook's state, as hypercalls/status shows it
 * @installed: the stub is the static call's target
 * @timing: the hot path times calls now (PVTRACE_HCALL_TIMING)
 * @tsc_emulated: Xen emulates the TSC (pvtrace_env)
 * @window_ns: hcall_window_ns
 * @noreturn_calls: VCPUOP_down calls passed straight through
 * @in_flight: calls inside the stub, summed over CPUs (a moment's view)
 * @time_backwards: timed calls whose TSC went back (moved vCPU)
 * @gs_base_calls: set_segment_base(SEGBASE_GS_KERNEL) calls passed through
 */
struct pvtrace_hcall_status {
	bool installed;
	bool timing;
	bool tsc_emulated;
	unsigned long window_ns;
	u64 noreturn_calls;
	long in_flight;
	u64 time_backwards;
	u64 gs_base_calls;
};

void pvtrace_hcall_read_status(struct pvtrace_hcall_status *st);
void pvtrace_hcall_read_slots(int cpu, struct pvtrace_hcall_slot_stats *dst);
void pvtrace_hcall_read_errors(int cpu, struct pvtrace_ktab *dst);
void pvtrace_hcall_read_callers(int cpu, struct pvtrace_ktab *dst);
void pvtrace_hcall_read_mc(struct pvtrace_mc_stats *dst);

#endif /* _PVTRACE_HCALL_H */
