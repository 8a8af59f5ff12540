/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flight recorder and the slowest-calls tables: the record layout and
 * the lock-free writers the hooks call from their hot paths. The writers
 * use per-CPU operations, plain stores into memory allocated before
 * recording started, and nothing else. This header is also compiled in
 * userspace by the unit tests (selftests/unit/recorder_test.c).
 *
 * Why code in a header: the writers are __always_inline into the hooks'
 * hot paths, and the hypercall hook's is noinstr (module/hcall_hot.c): a
 * call out of .noinstr.text to another object would be a call into
 * instrumentable text, which scripts/noinstr-check.sh refuses, and a call
 * per event besides. Everything else of the recorder is in module/
 * (recorder.c, recorder_param.c, recorder_read.c, recparse.c).
 *
 * Recording: each CPU has a ring of struct pvtrace_rec. @head counts the
 * records reserved since the recording started, @tail those a stream
 * reader has consumed (recorder/stream/cpuN); record i is at i % @cap. A
 * writer reserves the next record with one CPU-local cmpxchg on @head, if
 * the ring has room (an NMI nested in a writer takes the following record:
 * nothing is lost or shared), fills it, and publishes it by writing its
 * type last. When the ring is full, the event is counted in "lost". With
 * no stream reader the tail stays at 0 and the ring is the linear buffer
 * of the whole recording. Readers take the records whose type is set; a
 * reserved record still without a type is "incomplete" (its writer was
 * interrupted by the end of the recording, or is still running). A stream
 * reader clears the type of what it consumed, then moves @tail
 * (module/recorder_read.c): only then may a writer reuse the record.
 *
 * A flight recording (record_flight) keeps the last records instead: its
 * CPUs' type masks carry PVTRACE_REC_FLIGHT, and a writer that finds its
 * ring full moves the tail past the oldest record itself (no stream reads
 * a flight recording, so the writers own the tail) and overwrites it.
 *
 * Triggers (record_trigger): a hypercall or upcall slower than a
 * threshold, or a hypercall's error, ends the recording where it
 * happened. The writer that sees it keeps the event in its CPU's @fired,
 * closes its own CPU's mask and raises pvtrace_rec_fired; every writer
 * reserves nothing once that is raised. Plain stores: the control side
 * (module/recorder.c) looks every PVTRACE_TRIG_POLL_MS and stops the
 * recording properly.
 *
 * Slowest calls: each CPU keeps its N slowest hypercalls and upcalls. An
 * offer below the table's minimum costs one per-CPU load and a compare. A
 * nested offer that finds the table being updated (an NMI in the middle
 * of an update) is counted in "skipped" rather than waited for.
 */
#ifndef _PVTRACE_RECORDER_H
#define _PVTRACE_RECORDER_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

#include <pvtrace/stats.h>

/*
 * The site of a hypercall made from a module that has since been unloaded
 * (module/recorder.c): shown as "-" and "unloaded", so that code loaded at
 * the same address later is not named for it.
 */
#define PVTRACE_SITE_UNLOADED	1UL

/* Record types; 0 marks a record that is reserved but not complete. */
#define PVTRACE_REC_HCALL	1
#define PVTRACE_REC_UPCALL	2
#define PVTRACE_REC_STEAL	3
#define PVTRACE_REC_TYPES	4

#define PVTRACE_REC_PORTS	4	/* ports kept per upcall */

/* In a CPU's type mask: this recording keeps the last records. */
#define PVTRACE_REC_FLIGHT	0x80

/**
 * struct pvtrace_rec - one recorded event (64 bytes)
 * @tsc: TSC at the event's start (steal: at the sample)
 * @dur_ns: hypercall, upcall: duration; steal: steal time in the interval
 * @value: hypercall: return value; upcall: events handled; steal: the
 *	interval's length in ns
 * @site: hypercall: the call site (return address into the caller)
 * @arg: hypercall: first argument
 * @port: upcall: the first ports handled
 * @slot: hypercall: its slot (include/pvtrace/hcall.h)
 * @nr: hypercall: its number
 * @nports: upcall: ports handled, a port handled again right after itself
 *	once (more than PVTRACE_REC_PORTS possible), saturating at 255
 * @type: PVTRACE_REC_*, written last
 */
struct pvtrace_rec {
	u64 tsc;
	u64 dur_ns;
	s64 value;
	u64 site;
	u64 arg;
	u32 port[PVTRACE_REC_PORTS];
	u16 slot;
	u16 nr;
	u8 nports;
	u8 type;
	u8 pad[2];
};

/**
 * struct pvtrace_rec_cpu - one CPU's recording buffer and its counters
 * @buf: @cap records, allocated before recording starts and kept until
 *	the next start with another size, or unload
 * @head: records reserved since the recording started
 * @tail: records consumed by a stream reader since then (@head - @tail
 *	are in the ring); written by the reader only
 * @lost: events not recorded because the ring was full
 * @lost_first: the earliest TSC (start) of those events
 * @lost_last: and the latest
 * @cap: the ring's size in records
 * @types: bit PVTRACE_REC_* set: this CPU records that event type now,
 *	and PVTRACE_REC_FLIGHT if it keeps the last records; 0 when not
 *	recording
 * @fired_term: 1 + the trigger term @fired matched; 0: none fired here
 * @fired: the event that fired a trigger on this CPU
 */
struct pvtrace_rec_cpu {
	struct pvtrace_rec *buf;
	u64 head;
	u64 tail;
	u64 lost;
	u64 lost_first;
	u64 lost_last;
	u32 cap;
	u32 types;
	u32 fired_term;
	struct pvtrace_rec fired;
};

/* A trigger fired on some CPU: no writer reserves any more. */
extern u32 pvtrace_rec_fired;

DECLARE_PER_CPU(struct pvtrace_rec_cpu, pvtrace_rec_cpu);

/*
 * An event of TSC @tsc found the ring full: counted, and the span of the
 * lost events kept (an NMI nested here may leave the span a little short:
 * the count stays exact).
 */
static __always_inline void pvtrace_rec_lose(u64 tsc)
{
	if (!this_cpu_read(pvtrace_rec_cpu.lost) ||
	    tsc < this_cpu_read(pvtrace_rec_cpu.lost_first))
		this_cpu_write(pvtrace_rec_cpu.lost_first, tsc);
	if (tsc > this_cpu_read(pvtrace_rec_cpu.lost_last))
		this_cpu_write(pvtrace_rec_cpu.lost_last, tsc);
	this_cpu_inc(pvtrace_rec_cpu.lost);
}

/*
 * Reserve a record of @type, for an event of TSC @tsc, on this CPU; NULL
 * if this CPU does not record @type now, or if its ring is full (counted).
 * The caller has preemption disabled and fills the record, then calls
 * pvtrace_rec_commit().
 *
 * The cmpxchg is CPU-local (no lock prefix): it fails only if an NMI or
 * interrupt on this CPU reserved in between, and then the loop tries the
 * next record. The tail is read before the record is written, and the
 * reader moved it only after it was done with the record (a release):
 * the writer's stores cannot overtake that read (x86 orders a load before
 * later stores; the cmpxchg is a compiler barrier).
 */
static __always_inline struct pvtrace_rec *pvtrace_rec_reserve(unsigned int type,
							       u64 tsc)
{
	u32 types = this_cpu_read(pvtrace_rec_cpu.types);
	struct pvtrace_rec *r;
	u64 head, seen, cap;

	if (likely(!(types & (1U << type))))
		return NULL;
	if (unlikely(READ_ONCE(pvtrace_rec_fired)))
		return NULL;	/* the recording ended at a trigger */
	cap = this_cpu_read(pvtrace_rec_cpu.cap);
	head = this_cpu_read(pvtrace_rec_cpu.head);
	for (;;) {
		if (head - this_cpu_read(pvtrace_rec_cpu.tail) >= cap) {
			if (!(types & PVTRACE_REC_FLIGHT)) {
				pvtrace_rec_lose(tsc);
				return NULL;
			}
			/*
			 * Flight: the oldest record goes. A nested writer that
			 * reserves in between moves the tail further, and this
			 * one's cmpxchg fails and tries again.
			 */
			this_cpu_write(pvtrace_rec_cpu.tail, head - cap + 1);
		}
		seen = this_cpu_cmpxchg(pvtrace_rec_cpu.head, head, head + 1);
		if (likely(seen == head))
			break;
		head = seen;
	}
	/* No division while the ring has not wrapped (always, unstreamed). */
	if (unlikely(head >= cap))
		head %= cap;
	r = this_cpu_read(pvtrace_rec_cpu.buf) + head;
	/* An overwritten record is incomplete until its new type is set. */
	if (types & PVTRACE_REC_FLIGHT)
		WRITE_ONCE(r->type, 0);
	return r;
}

static __always_inline void pvtrace_rec_commit(struct pvtrace_rec *r,
					       unsigned int type)
{
	smp_wmb();	/* the record is complete before its type is seen */
	WRITE_ONCE(r->type, type);
}

/* Copy @src into a reserved record and publish it. */
static __always_inline void pvtrace_rec_put(const struct pvtrace_rec *src)
{
	struct pvtrace_rec *r;

	preempt_disable_notrace();
	r = pvtrace_rec_reserve(src->type, src->tsc);
	if (r) {
		/*
		 * Field by field, not "*r = *src": the type must be stored
		 * last (it publishes the record), and a struct copy may be an
		 * out-of-line memcpy(), which noinstr code must not call.
		 */
		r->tsc = src->tsc;
		r->dur_ns = src->dur_ns;
		r->value = src->value;
		r->site = src->site;
		r->arg = src->arg;
		r->port[0] = src->port[0];
		r->port[1] = src->port[1];
		r->port[2] = src->port[2];
		r->port[3] = src->port[3];
		r->slot = src->slot;
		r->nr = src->nr;
		r->nports = src->nports;
		pvtrace_rec_commit(r, src->type);
	}
	preempt_enable_notrace();
}

/* module/recring.c: the reader's side of a ring. */
unsigned int pvtrace_rec_consume(struct pvtrace_rec_cpu *rc,
				 struct pvtrace_rec *out, unsigned int max,
				 bool ended, u64 *skipped);

/* True if this CPU records events of @type now: worth building one. */
static __always_inline bool pvtrace_rec_wanted(unsigned int type)
{
	return this_cpu_read(pvtrace_rec_cpu.types) & (1U << type);
}

/* True if this CPU records now (events of some type, or for a trigger). */
static __always_inline bool pvtrace_rec_active(void)
{
	return this_cpu_read(pvtrace_rec_cpu.types) != 0;
}

/*
 * The hypercall slots recorded (a bitmap over PVTRACE_SLOT_NR, every bit
 * set without a hypercall filter), and the ports an upcall must have
 * handled one of to be recorded (none: every upcall).
 */
#define PVTRACE_REC_SLOT_WORDS	8	/* 512 slots >= PVTRACE_SLOT_NR */
#define PVTRACE_REC_FILTER_PORTS 8

/**
 * struct pvtrace_rec_filter - what a recording keeps
 * @types: bit PVTRACE_REC_* set: that event type is recorded
 * @slots: hypercall slots recorded, a bitmap
 * @nports: number of @port; 0: every upcall
 * @port: upcall ports
 * @cpus: CPUs recorded, a bitmap over CPUs 0..PVTRACE_REC_MAX_CPUS-1;
 *	all ones for "every CPU", CPUs beyond it included then
 * @all_cpus: no cpu= term was given
 */
#define PVTRACE_REC_MAX_CPUS	1024
struct pvtrace_rec_filter {
	u32 types;
	u64 slots[PVTRACE_REC_SLOT_WORDS];
	u32 nports;
	u32 port[PVTRACE_REC_FILTER_PORTS];
	u64 cpus[PVTRACE_REC_MAX_CPUS / 64];
	bool all_cpus;
};

extern struct pvtrace_rec_filter pvtrace_rec_filter;

static __always_inline bool pvtrace_rec_slot_wanted(const struct pvtrace_rec_filter *f,
						    unsigned int slot)
{
	return slot < PVTRACE_REC_SLOT_WORDS * 64 &&
	       (f->slots[slot / 64] >> (slot % 64)) & 1;
}

static __always_inline bool pvtrace_rec_port_wanted(const struct pvtrace_rec_filter *f,
						    const u32 *ports,
						    unsigned int nports)
{
	unsigned int i, j, n = READ_ONCE(f->nports);

	if (!n)
		return true;
	if (nports > PVTRACE_REC_PORTS)
		nports = PVTRACE_REC_PORTS;
	for (i = 0; i < nports; i++)
		for (j = 0; j < n && j < PVTRACE_REC_FILTER_PORTS; j++)
			if (ports[i] == f->port[j])
				return true;
	return false;
}

static inline bool pvtrace_rec_cpu_wanted(const struct pvtrace_rec_filter *f,
					  unsigned int cpu)
{
	if (f->all_cpus)
		return true;
	return cpu < PVTRACE_REC_MAX_CPUS && (f->cpus[cpu / 64] >> (cpu % 64)) & 1;
}

/*
 * Triggers (record_trigger, parsed by module/recparse.c): up to
 * PVTRACE_REC_TRIGGERS terms, any of which ends the recording. A term
 * matches a hypercall of number @nr (PVTRACE_TRIG_ANY: any) and slot
 * @slot (PVTRACE_TRIG_ANY: any of that number's), or any upcall.
 */
#define PVTRACE_REC_TRIGGERS	8
#define PVTRACE_TRIG_ANY	0xffff
#define PVTRACE_TRIG_HCALL_SLOW	1	/* a hypercall longer than @ns */
#define PVTRACE_TRIG_HCALL_ERR	2	/* a hypercall returning < 0 */
#define PVTRACE_TRIG_UPCALL_SLOW 3	/* an upcall longer than @ns */
#define PVTRACE_TRIG_POLL_MS	50	/* the control side looks this often */

struct pvtrace_rec_trig {
	u64 ns;
	u16 nr;
	u16 slot;
	u32 kind;
};

/**
 * struct pvtrace_rec_trigs - a recording's triggers
 * @n: terms in @t; 0: no trigger
 * @t: the terms, in the order written
 */
struct pvtrace_rec_trigs {
	u32 n;
	struct pvtrace_rec_trig t[PVTRACE_REC_TRIGGERS];
};

/* The current recording's: set before its CPUs start recording. */
extern struct pvtrace_rec_trigs pvtrace_rec_trigs;

static __always_inline bool pvtrace_rec_trig_match(const struct pvtrace_rec_trig *t,
						   const struct pvtrace_rec *r)
{
	if (t->kind == PVTRACE_TRIG_UPCALL_SLOW)
		return r->type == PVTRACE_REC_UPCALL && r->dur_ns > t->ns;
	if (r->type != PVTRACE_REC_HCALL ||
	    (t->nr != PVTRACE_TRIG_ANY && t->nr != r->nr) ||
	    (t->slot != PVTRACE_TRIG_ANY && t->slot != r->slot))
		return false;
	if (t->kind == PVTRACE_TRIG_HCALL_ERR)
		return r->value < 0;
	return r->dur_ns > t->ns;
}

/*
 * @r (complete) against the recording's triggers; the first to match
 * fires: rare work, so it may be slow, but it is still only plain and
 * per-CPU stores. Called only while this CPU records.
 */
static __always_inline void pvtrace_rec_trig_check(const struct pvtrace_rec *r)
{
	unsigned int i, n = READ_ONCE(pvtrace_rec_trigs.n);

	for (i = 0; i < n && i < PVTRACE_REC_TRIGGERS; i++) {
		if (!pvtrace_rec_trig_match(&pvtrace_rec_trigs.t[i], r))
			continue;
		if (this_cpu_read(pvtrace_rec_cpu.fired_term))
			return;	/* this CPU fired already */
		this_cpu_write(pvtrace_rec_cpu.fired.tsc, r->tsc);
		this_cpu_write(pvtrace_rec_cpu.fired.dur_ns, r->dur_ns);
		this_cpu_write(pvtrace_rec_cpu.fired.value, r->value);
		this_cpu_write(pvtrace_rec_cpu.fired.site, r->site);
		this_cpu_write(pvtrace_rec_cpu.fired.arg, r->arg);
		this_cpu_write(pvtrace_rec_cpu.fired.port[0], r->port[0]);
		this_cpu_write(pvtrace_rec_cpu.fired.nports, r->nports);
		this_cpu_write(pvtrace_rec_cpu.fired.slot, r->slot);
		this_cpu_write(pvtrace_rec_cpu.fired.nr, r->nr);
		this_cpu_write(pvtrace_rec_cpu.fired.type, r->type);
		this_cpu_write(pvtrace_rec_cpu.fired_term, i + 1);
		this_cpu_write(pvtrace_rec_cpu.types, 0);
		WRITE_ONCE(pvtrace_rec_fired, 1);
		return;
	}
}

/* True if this CPU records and the recording has triggers. */
static __always_inline bool pvtrace_rec_trig_wanted(u32 types)
{
	return unlikely(types) && READ_ONCE(pvtrace_rec_trigs.n);
}

/*
 * Slowest calls. One table per CPU and event type (hypercalls, upcalls);
 * a table belongs to generation @gen: a reset bumps the global generation
 * and each CPU's writer empties its own table at its next offer, so a
 * reset writes nothing into another CPU's data.
 */
#define PVTRACE_SLOW_MAX	64

/**
 * struct pvtrace_slow_cpu - one CPU's slowest events of one type
 * @sync: write bracket (include/pvtrace/stats.h)
 * @gen: the reset generation @e belongs to
 * @min_ns: an offer must last longer than this to enter; 0 until full
 * @busy: an update is under way (nested offers are skipped)
 * @used: entries in @e
 * @skipped: offers that found the table busy (nested) and were dropped
 * @e: the entries, in no particular order
 */
struct pvtrace_slow_cpu {
	struct pvtrace_sync sync;
	u64 gen;
	u64 min_ns;
	u32 busy;
	u32 used;
	u64 skipped;
	struct pvtrace_rec e[PVTRACE_SLOW_MAX];
};

/* The update, once an offer passed the minimum; @t is this CPU's table. */
static __always_inline void pvtrace_slow_insert(struct pvtrace_slow_cpu *t,
						const struct pvtrace_rec *rec,
						u64 gen, unsigned int n)
{
	unsigned int i, lo;
	u64 min;

	if (t->gen != gen) {
		t->used = 0;
		t->min_ns = 0;
		t->gen = gen;
	}
	if (t->used < n) {
		t->e[t->used++] = *rec;
	} else {
		lo = 0;
		for (i = 1; i < n; i++)
			if (t->e[i].dur_ns < t->e[lo].dur_ns)
				lo = i;
		if (rec->dur_ns <= t->e[lo].dur_ns)
			return;
		t->e[lo] = *rec;
	}
	min = 0;
	if (t->used >= n) {
		min = t->e[0].dur_ns;
		for (i = 1; i < n; i++)
			if (t->e[i].dur_ns < min)
				min = t->e[i].dur_ns;
	}
	t->min_ns = min;
}

/**
 * pvtrace_slow_offer() - keep @rec if it is among this CPU's @n slowest
 * @pcpu: the per-CPU tables of @rec's type
 * @rec: the event, complete (its type set)
 * @gen: the current reset generation
 * @n: how many to keep, 1..PVTRACE_SLOW_MAX
 */
static __always_inline void pvtrace_slow_offer(struct pvtrace_slow_cpu __percpu *pcpu,
					       const struct pvtrace_rec *rec,
					       u64 gen, unsigned int n)
{
	preempt_disable_notrace();
	if (this_cpu_read(pcpu->gen) == gen &&
	    rec->dur_ns <= this_cpu_read(pcpu->min_ns))
		goto out;
	if (this_cpu_cmpxchg(pcpu->busy, 0, 1)) {
		this_cpu_inc(pcpu->skipped);
		goto out;
	}
	pvtrace_write_begin(&pcpu->sync);
	pvtrace_slow_insert(this_cpu_ptr(pcpu), rec, gen, n);
	pvtrace_write_end(&pcpu->sync);
	this_cpu_write(pcpu->busy, 0);
out:
	preempt_enable_notrace();
}

/* The slowest-calls tables, per kind; module/recorder.c. */
#define PVTRACE_SLOW_HCALL	0
#define PVTRACE_SLOW_UPCALL	1
#define PVTRACE_SLOW_KINDS	2

extern struct pvtrace_slow_cpu __percpu *pvtrace_slow_tables[PVTRACE_SLOW_KINDS];
extern u64 pvtrace_slow_gen;
extern unsigned int pvtrace_slow_n;

/* True if an event of @kind lasting @ns is worth offering to its table. */
static __always_inline bool pvtrace_slow_wanted(unsigned int kind, u64 ns)
{
	struct pvtrace_slow_cpu __percpu *t = pvtrace_slow_tables[kind];

	return this_cpu_read(t->gen) != READ_ONCE(pvtrace_slow_gen) ||
	       ns > this_cpu_read(t->min_ns);
}

/*
 * Whether pvtrace_rec_hcall() has anything to do with a call of @ns: this
 * CPU records, or the call may enter the table of slowest calls (the
 * table's generation is stale, or @ns is above its minimum). Computed
 * without branches, so that the hot path tests it once.
 */
static __always_inline bool pvtrace_rec_hcall_wanted(u64 ns)
{
	struct pvtrace_slow_cpu __percpu *t = pvtrace_slow_tables[PVTRACE_SLOW_HCALL];

	return this_cpu_read(pvtrace_rec_cpu.types) |
	       (this_cpu_read(t->gen) ^ READ_ONCE(pvtrace_slow_gen)) |
	       (ns > this_cpu_read(t->min_ns));
}

/**
 * pvtrace_rec_hcall() - a timed hypercall, for the recorder and the table
 *	of slowest hypercalls; from the hypercall hook's hot path (noinstr)
 * @slot: its slot
 * @nr: its number
 * @tsc: TSC at its start
 * @ns: its duration
 * @ret: its result
 * @a1: its first argument
 * @site: its call site
 */
static __always_inline void pvtrace_rec_hcall(unsigned int slot, unsigned int nr,
					      u64 tsc, u64 ns, long ret,
					      unsigned long a1, unsigned long site)
{
	u32 types = this_cpu_read(pvtrace_rec_cpu.types);
	bool rec, slow, trig;
	struct pvtrace_rec r;

	if (!pvtrace_rec_hcall_wanted(ns))
		return;
	rec = (types & (1U << PVTRACE_REC_HCALL)) &&
	      pvtrace_rec_slot_wanted(&pvtrace_rec_filter, slot);
	slow = pvtrace_slow_wanted(PVTRACE_SLOW_HCALL, ns);
	trig = pvtrace_rec_trig_wanted(types);
	if (!rec && !slow && !trig)
		return;
	r = (struct pvtrace_rec){
		.tsc = tsc, .dur_ns = ns, .value = ret, .site = site,
		.arg = a1, .slot = slot, .nr = nr, .type = PVTRACE_REC_HCALL,
	};
	if (rec)
		pvtrace_rec_put(&r);
	if (trig)
		pvtrace_rec_trig_check(&r);
	if (slow)
		pvtrace_slow_offer(pvtrace_slow_tables[PVTRACE_SLOW_HCALL], &r,
				   READ_ONCE(pvtrace_slow_gen),
				   READ_ONCE(pvtrace_slow_n));
}

/**
 * pvtrace_rec_upcall() - an upcall, for the recorder and the table of
 *	slowest upcalls; from the upcall hook
 * @tsc: TSC at its start
 * @ns: its duration
 * @events: events it handled
 * @ports: the first ports it dispatched (consecutive repeats once)
 * @nports: how many it dispatched so (may exceed PVTRACE_REC_PORTS)
 */
static __always_inline void pvtrace_rec_upcall(u64 tsc, u64 ns, u64 events,
					       const u32 *ports,
					       unsigned int nports)
{
	u32 types = this_cpu_read(pvtrace_rec_cpu.types);
	bool rec = (types & (1U << PVTRACE_REC_UPCALL)) &&
		   pvtrace_rec_port_wanted(&pvtrace_rec_filter, ports, nports);
	bool slow = pvtrace_slow_wanted(PVTRACE_SLOW_UPCALL, ns);
	bool trig = pvtrace_rec_trig_wanted(types);
	struct pvtrace_rec r;
	unsigned int i;

	if (likely(!rec && !slow && !trig))
		return;
	r = (struct pvtrace_rec){
		.tsc = tsc, .dur_ns = ns, .value = events,
		.nports = nports > 255 ? 255 : nports,
		.type = PVTRACE_REC_UPCALL,
	};
	for (i = 0; i < nports && i < PVTRACE_REC_PORTS; i++)
		r.port[i] = ports[i];
	if (rec)
		pvtrace_rec_put(&r);
	if (trig)
		pvtrace_rec_trig_check(&r);
	if (slow)
		pvtrace_slow_offer(pvtrace_slow_tables[PVTRACE_SLOW_UPCALL], &r,
				   READ_ONCE(pvtrace_slow_gen),
				   READ_ONCE(pvtrace_slow_n));
}

/**
 * pvtrace_rec_steal() - a steal sample, for the recorder; from the steal
 *	sampler, on the sampled CPU
 * @tsc: TSC at the sample
 * @steal_ns: steal time in the interval the sample ends
 * @interval_ns: the interval's length
 */
static __always_inline void pvtrace_rec_steal(u64 tsc, u64 steal_ns,
					      u64 interval_ns)
{
	struct pvtrace_rec r;

	if (likely(!pvtrace_rec_wanted(PVTRACE_REC_STEAL)))
		return;
	r = (struct pvtrace_rec){
		.tsc = tsc, .dur_ns = steal_ns, .value = interval_ns,
		.type = PVTRACE_REC_STEAL,
	};
	pvtrace_rec_put(&r);
}

#endif /* _PVTRACE_RECORDER_H */
