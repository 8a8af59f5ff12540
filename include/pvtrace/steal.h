/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Steal time: the pure part. Which source pvtrace reads steal from, how
 * raw readings become totals that never go backwards, and how intervals
 * and windows become histogram samples. No kernel state here: the unit
 * tests compile this header in userspace; module/steal.c does the reading.
 *
 * Sources:
 * - runstate (Xen): VCPUOP_get_runstate_info gives, per vCPU, the time
 *   spent running, runnable (wanting a CPU, not getting it: contention),
 *   blocked (idle) and offline (paused, down, being migrated), in ns.
 *   Steal is runnable + offline, as the kernel's own xen_steal_clock().
 * - generic: the kernel's per-CPU CPUTIME_STEAL counter, the one behind
 *   the steal column of /proc/stat. It exists wherever the kernel has a
 *   paravirt steal clock (Xen, KVM with steal time, ...), and advances at
 *   the scheduler tick, so it lags the hypervisor's count by up to a tick.
 */
#ifndef _PVTRACE_STEAL_H
#define _PVTRACE_STEAL_H

#include <linux/types.h>
#include <linux/limits.h>

#include <pvtrace/env.h>
#include <pvtrace/hist.h>
#include <pvtrace/stats.h>

enum pvtrace_steal_source {
	PVTRACE_STEAL_NONE,	/* nothing to read: the hook stays off */
	PVTRACE_STEAL_GENERIC,	/* steal-only mode (KVM, or forced) */
	PVTRACE_STEAL_RUNSTATE,	/* Xen: steal and the four runstates */
};

/* Xen's runstates, in the order of vcpu_runstate_info.time[] (RUNSTATE_*). */
enum pvtrace_runstate {
	PVTRACE_RUNSTATE_RUNNING,
	PVTRACE_RUNSTATE_RUNNABLE,
	PVTRACE_RUNSTATE_BLOCKED,
	PVTRACE_RUNSTATE_OFFLINE,
	PVTRACE_RUNSTATES
};

/**
 * struct pvtrace_steal_facts - what the mode decision looks at
 * @guest: kind of guest (pvtrace_env_classify())
 * @runstate_ok: VCPUOP_get_runstate_info answered for this domain
 * @kvm_steal_time: KVM advertises steal time (KVM_FEATURE_STEAL_TIME)
 * @force_generic: the steal_source=generic module parameter
 */
struct pvtrace_steal_facts {
	enum pvtrace_guest guest;
	bool runstate_ok;
	bool kvm_steal_time;
	bool force_generic;
};

/*
 * Xen guests read the runstate unless told otherwise or unless the
 * hypervisor refuses the call; the kernel's steal counter is then the
 * fallback, since every Xen guest kernel that pvtrace builds for
 * registers a steal clock. A KVM guest has only the generic counter, and
 * only when the host offers steal time: without it the counter would
 * stay 0 and pvtrace would show a reassuring but false "no steal".
 */
static inline enum pvtrace_steal_source
pvtrace_steal_decide(const struct pvtrace_steal_facts *f)
{
	if (pvtrace_guest_is_xen(f->guest))
		return f->runstate_ok && !f->force_generic ?
		       PVTRACE_STEAL_RUNSTATE : PVTRACE_STEAL_GENERIC;
	if (f->guest == PVTRACE_GUEST_KVM && f->kvm_steal_time)
		return PVTRACE_STEAL_GENERIC;
	return PVTRACE_STEAL_NONE;
}

/* Name as shown in the summary's steal_source record. */
static inline const char *pvtrace_steal_source_name(enum pvtrace_steal_source s)
{
	switch (s) {
	case PVTRACE_STEAL_GENERIC:
		return "generic";
	case PVTRACE_STEAL_RUNSTATE:
		return "runstate";
	case PVTRACE_STEAL_NONE:
		break;
	}
	return "none";
}

/**
 * struct pvtrace_steal_reading - one raw reading of the sources, on one CPU
 * @time_ns: the guest's monotonic clock when it was taken
 * @generic_ns: the kernel's CPUTIME_STEAL for the CPU
 * @runstate_ns: Xen's four runstate times (zero when not read)
 * @state: Xen's current runstate of the vCPU (0 when not read)
 */
struct pvtrace_steal_reading {
	u64 time_ns;
	u64 generic_ns;
	u64 runstate_ns[PVTRACE_RUNSTATES];
	unsigned int state;
};

/**
 * struct pvtrace_steal_acc - totals of one vCPU since pvtrace loaded
 * @primed: @last holds a reading
 * @last: the previous reading; deltas are taken against it
 * @elapsed_ns: guest time covered by the totals
 * @generic_ns: CPUTIME_STEAL accumulated
 * @runstate_ns: runstate times accumulated
 * @backward_jumps: readings in which a source went backwards (a counter
 *	reset by suspend/resume or migration), absorbed: counted here,
 *	adding nothing to the totals
 * @state: runstate at the last reading
 *
 * Every total only ever grows: a source that goes backwards is re-based
 * on its new value, so what it had counted stays counted.
 */
struct pvtrace_steal_acc {
	bool primed;
	struct pvtrace_steal_reading last;
	u64 elapsed_ns;
	u64 generic_ns;
	u64 runstate_ns[PVTRACE_RUNSTATES];
	u64 backward_jumps;
	unsigned int state;
};

/* Add @now - *@last to *@total unless it went backwards; re-base. */
static inline bool pvtrace_steal_advance(u64 *total, u64 *last, u64 now)
{
	bool back = now < *last;

	if (!back)
		*total += now - *last;
	*last = now;
	return back;
}

/**
 * pvtrace_steal_acc_update() - fold reading @r into the totals @a
 * @a: the vCPU's totals
 * @r: a reading taken after the previous one
 *
 * The first reading only sets the base. A reading counts at most one
 * backward jump per source (generic, runstate, clock), however many of
 * the runstate times were reset by it.
 */
static inline void pvtrace_steal_acc_update(struct pvtrace_steal_acc *a,
					    const struct pvtrace_steal_reading *r)
{
	bool back = false;
	unsigned int i;

	a->state = r->state;
	if (!a->primed) {
		a->last = *r;
		a->primed = true;
		return;
	}
	if (pvtrace_steal_advance(&a->elapsed_ns, &a->last.time_ns, r->time_ns))
		a->backward_jumps++;
	if (pvtrace_steal_advance(&a->generic_ns, &a->last.generic_ns,
				  r->generic_ns))
		a->backward_jumps++;
	for (i = 0; i < PVTRACE_RUNSTATES; i++)
		back |= pvtrace_steal_advance(&a->runstate_ns[i],
					      &a->last.runstate_ns[i],
					      r->runstate_ns[i]);
	if (back)
		a->backward_jumps++;
}

/* Steal in @a according to @src: runnable + offline, or the generic counter. */
static inline u64 pvtrace_steal_total(const struct pvtrace_steal_acc *a,
				      enum pvtrace_steal_source src)
{
	if (src == PVTRACE_STEAL_RUNSTATE)
		return a->runstate_ns[PVTRACE_RUNSTATE_RUNNABLE] +
		       a->runstate_ns[PVTRACE_RUNSTATE_OFFLINE];
	return a->generic_ns;
}

/*
 * Steal ratio of a window in whole percent, rounded down, 0..100. Steal
 * can exceed the window's length by the sources' granularity (the generic
 * counter jumps a tick at a time); that is reported as 100.
 */
static inline unsigned int pvtrace_steal_pct(u64 steal_ns, u64 elapsed_ns)
{
	u64 pct;

	if (!elapsed_ns)
		return 0;
	if (steal_ns >= elapsed_ns)
		return 100;
	/* Past ~5.8 years steal * 100 would overflow: drop low bits. */
	while (steal_ns > U64_MAX / 100) {
		steal_ns >>= 1;
		elapsed_ns >>= 1;
	}
	pct = steal_ns * 100 / elapsed_ns;
	/* Dropping bits may round steal up to elapsed: still below 100. */
	return pct < 100 ? pct : 99;
}

/*
 * Steal ratio histogram: 13 buckets of whole percent, finer at the low
 * end where a constant small tax shows: [0,0] [1,4] [5,9] [10,19] ...
 * [90,99] [100,U64_MAX] (ratios are at most 100; the last bucket reaches
 * U64_MAX so that every histogram file tiles 0..U64_MAX).
 */
#define PVTRACE_STEAL_RATIO_BUCKETS	13

static inline unsigned int pvtrace_steal_ratio_bucket(unsigned int pct)
{
	if (!pct)
		return 0;
	if (pct < 5)
		return 1;
	if (pct < 10)
		return 2;
	if (pct >= 100)
		return PVTRACE_STEAL_RATIO_BUCKETS - 1;
	return pct / 10 + 2;
}

static inline u64 pvtrace_steal_ratio_lo(unsigned int idx)
{
	if (idx <= 1)
		return idx;
	if (idx == 2)
		return 5;
	return (idx - 2) * 10;
}

static inline u64 pvtrace_steal_ratio_hi(unsigned int idx)
{
	if (idx >= PVTRACE_STEAL_RATIO_BUCKETS - 1)
		return U64_MAX;
	return pvtrace_steal_ratio_lo(idx + 1) - 1;
}

/**
 * struct pvtrace_steal_window - a window of consecutive intervals
 * @steal_ns: steal in the intervals so far
 * @elapsed_ns: their length
 * @n: how many
 *
 * Windows tumble: each interval belongs to exactly one window, so the
 * ratio histogram's samples do not overlap.
 */
struct pvtrace_steal_window {
	u64 steal_ns;
	u64 elapsed_ns;
	unsigned int n;
};

/**
 * pvtrace_steal_window_add() - add one interval to window @w
 * @w: the window
 * @steal_ns: steal in the interval
 * @elapsed_ns: length of the interval
 * @len: intervals per window (>= 1)
 * @pct: the window's steal ratio, set when it completes
 *
 * Return: true when this interval completed the window (@w starts over).
 */
static inline bool pvtrace_steal_window_add(struct pvtrace_steal_window *w,
					    u64 steal_ns, u64 elapsed_ns,
					    unsigned int len, unsigned int *pct)
{
	w->steal_ns += steal_ns;
	w->elapsed_ns += elapsed_ns;
	if (++w->n < len)
		return false;
	*pct = pvtrace_steal_pct(w->steal_ns, w->elapsed_ns);
	w->steal_ns = 0;
	w->elapsed_ns = 0;
	w->n = 0;
	return true;
}

/* Runstate names, in the order of time[], as shown in the runstate file. */
static inline const char *pvtrace_runstate_name(unsigned int state)
{
	static const char *const names[PVTRACE_RUNSTATES] = {
		"running", "runnable", "blocked", "offline",
	};

	return state < PVTRACE_RUNSTATES ? names[state] : "unknown";
}

/**
 * struct pvtrace_steal_block - one CPU's steal histograms
 * @sync: write bracket (include/pvtrace/stats.h)
 * @interval: steal per sampling interval, ns
 * @ratio: windows per steal-ratio bucket (pvtrace_steal_ratio_bucket())
 * @intervals: intervals recorded
 * @windows: windows recorded
 * @sampler_ns: time the sampler itself took on this CPU
 */
struct pvtrace_steal_block {
	struct pvtrace_sync sync;
	struct pvtrace_hist interval;
	u64 ratio[PVTRACE_STEAL_RATIO_BUCKETS];
	u64 intervals;
	u64 windows;
	u64 sampler_ns;
};

/* module/steal.c, for debugfs/steal.c */
enum pvtrace_steal_source pvtrace_steal_mode(void);
struct pvtrace_stats *pvtrace_steal_stats(void);
void pvtrace_steal_read(struct pvtrace_steal_acc *acc);
unsigned int pvtrace_steal_interval_ms(void);

#endif /* _PVTRACE_STEAL_H */
