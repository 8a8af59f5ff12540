// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder: every hypercall, upcall and steal sample over an
 * interval, into per-CPU buffers (include/pvtrace/recorder.h has the
 * writers), started and stopped by the "record" parameter. And, always on,
 * each CPU's slowest hypercalls and upcalls since load or the last reset.
 *
 * This file is the control side: the buffers, starting and stopping, and
 * the module notifier. The parameters' syntax is in module/recorder_param.c;
 * what debugfs reads (status, snapshots, the slowest tables) in
 * module/recorder_read.c.
 *
 * Writers never wait for anything: the control side makes that safe by
 * ordering. Starting: the buffers are allocated and emptied while no
 * CPU records, and only then does each CPU's type mask open. Stopping:
 * the type masks close, then pvtrace_sync_cpus() waits until every CPU
 * has passed through the scheduler, so that no writer (they run with
 * preemption disabled, in NMI or idle included) is still inside a record.
 * A buffer is freed or emptied only after that.
 *
 * Locking: pvtrace_rec_ctl.lock covers the control pvtrace_rec_ctl.state and the buffers'
 * allocation. Readers of recorder/trace take a snapshot of the complete
 * records, sorted by time; a new recording cannot start while one is open
 * (EBUSY).
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>
#include <pvtrace/recorder.h>
#include <pvtrace/recparse.h>
#include <pvtrace/recorder_read.h>

#include "recorder_internal.h"

DEFINE_PER_CPU(struct pvtrace_rec_cpu, pvtrace_rec_cpu);
struct pvtrace_rec_filter pvtrace_rec_filter;
struct pvtrace_rec_trigs pvtrace_rec_trigs;
u32 pvtrace_rec_fired;

struct pvtrace_rec_ctl pvtrace_rec_ctl = {
	.lock = __MUTEX_INITIALIZER(pvtrace_rec_ctl.lock),
	.state = PVTRACE_REC_IDLE,
	.buffer_kb = 1024,
	.filter_str = "all",
	.last_filter = "all",
	.trig_str = "none",
	.last_trig = "none",
};

/* The control state, for short. */
static struct pvtrace_rec_ctl *const ctl = &pvtrace_rec_ctl;
static struct delayed_work stop_work;
static struct delayed_work trig_work;
static atomic_long_t module_gen = ATOMIC_LONG_INIT(0);

/* Buffers: one per possible CPU, pointed at from pvtrace_rec_cpu.buf. */
static void free_buffers(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		vfree(rc->buf);
		rc->buf = NULL;
		rc->cap = 0;
		rc->head = 0;
		rc->tail = 0;
		rc->lost = 0;
	}
}

/*
 * With no CPU recording: buffers of @cap records, empty, counters zero,
 * for the CPUs online now (a guest may have many more possible CPUs than
 * online ones). A CPU that comes online during the recording has none:
 * its events are counted as lost.
 */
static int prepare_buffers(u32 cap)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
		u64 used = min_t(u64, rc->head, rc->cap);

		if (!cpu_online(cpu)) {
			vfree(rc->buf);
			rc->buf = NULL;
			rc->cap = 0;
		} else if (rc->buf && rc->cap == cap) {
			memset(rc->buf, 0, used * sizeof(*rc->buf));
		} else {
			vfree(rc->buf);
			rc->cap = 0;
			rc->buf = vzalloc_node(cap * sizeof(*rc->buf),
					       cpu_to_node(cpu));
			if (!rc->buf)
				return -ENOMEM;
			rc->cap = cap;
		}
		rc->head = 0;
		rc->tail = 0;
		rc->lost = 0;
		rc->lost_first = 0;
		rc->lost_last = 0;
		rc->fired_term = 0;
		memset(&rc->fired, 0, sizeof(rc->fired));
	}
	ctl->skipped = 0;
	ctl->aged = 0;
	memset(&ctl->fire, 0, sizeof(ctl->fire));
	WRITE_ONCE(pvtrace_rec_fired, 0);
	return 0;
}

/*
 * The trigger that fired first (the earliest event of those that matched
 * on each CPU) into ctl; after every writer is out.
 */
static void note_fired(const struct pvtrace_tb *tb)
{
	struct pvtrace_rec_fire *f = &ctl->fire;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		if (!rc->fired_term || (f->fired && rc->fired.tsc >= f->rec.tsc))
			continue;
		f->fired = true;
		f->cpu = cpu;
		f->term = rc->fired_term;
		f->rec = rc->fired;
	}
	if (f->fired)
		f->ns = pvtrace_tb_ns(tb, f->rec.tsc);
}

/*
 * A flight recording keeps what its last flight_ms held, before its end
 * (the trigger's event, or the stop): older records leave each ring, as
 * the writers' overwriting would have taken them. The records are in the
 * order reserved, which is their start time's order but for calls that
 * outlasted a nested one; the trim stops at the first record in time.
 */
static void trim_flight(const struct pvtrace_tb *tb)
{
	u64 end = ctl->fire.fired ? ctl->fire.ns : ctl->stop_ns;
	u64 from, window = (u64)ctl->cur_flight_ms * NSEC_PER_MSEC;
	unsigned int cpu;

	if (end <= window)
		return;
	from = end - window;
	for_each_possible_cpu(cpu) {
		struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		while (rc->cap && rc->tail != rc->head) {
			struct pvtrace_rec *r = &rc->buf[rc->tail % rc->cap];

			if (r->type && pvtrace_tb_ns(tb, r->tsc) >= from)
				break;
			r->type = 0;
			rc->tail++;
			ctl->aged++;
		}
		cond_resched();
	}
}

static void stop_locked(unsigned int reason)
{
	struct pvtrace_tb *tb;
	unsigned int cpu;

	lockdep_assert_held(&ctl->lock);
	if (ctl->state != PVTRACE_REC_RECORDING)
		return;
	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(pvtrace_rec_cpu, cpu).types, 0);
	ctl->stop_ns = pvtrace_clock_sync();
	pvtrace_hcall_set_recording(false);
	/* No writer is inside a record past this point. */
	pvtrace_sync_cpus();
	tb = kmalloc(sizeof(*tb), GFP_KERNEL);
	if (tb) {
		/* Its last anchor is after every record. */
		pvtrace_clock_snapshot(tb);
		note_fired(tb);
		if (ctl->cur_flight_ms)
			trim_flight(tb);
		kfree(tb);
	} else if (ctl->cur_flight_ms) {
		pr_warn("recorder: no memory to trim the flight recording to its last %lu ms: all of its buffers kept\n",
			ctl->cur_flight_ms);
	}
	/* A recording that hit its trigger ended there, whoever stopped it. */
	ctl->reason = ctl->fire.fired ? PVTRACE_REC_STOP_TRIGGER : reason;
	WRITE_ONCE(ctl->state, PVTRACE_REC_STOPPED);
	/* Its stream readers, if any, find the end. */
	wake_up_interruptible_all(pvtrace_rec_stream_wq());
}

/*
 * The recording's buffers may take an eighth of the guest's memory in all
 * (a reader's index of them adds a quarter of that while it is open, half
 * while it is being built).
 */
static u64 rec_memory_cap(void)
{
	return ((u64)totalram_pages() << PAGE_SHIFT) / 8;
}

static int start_locked(unsigned long ms)
{
	u32 cap = (u32)ctl->buffer_kb * 1024 / sizeof(struct pvtrace_rec);
	unsigned int cpu;
	int ret;

	lockdep_assert_held(&ctl->lock);
	if (ctl->readers) {
		pr_err("recorder: recorder/trace is open; close it before starting a recording\n");
		return -EBUSY;
	}
	if (ctl->streams) {
		pr_err("recorder: recorder/stream is open; close it before starting a recording\n");
		return -EBUSY;
	}
	if ((u64)ctl->buffer_kb * 1024 * num_online_cpus() > rec_memory_cap()) {
		pr_err("recorder: %u KiB on each of %u vCPUs is more than an eighth of this guest's memory (%llu KiB): not recording\n",
		       ctl->buffer_kb, num_online_cpus(), rec_memory_cap() >> 10);
		return -ENOMEM;
	}
	stop_locked(PVTRACE_REC_STOP_ASKED);
	ret = prepare_buffers(cap);
	if (ret) {
		pr_err("recorder: cannot allocate %u KiB per CPU\n", ctl->buffer_kb);
		free_buffers();
		ctl->state = PVTRACE_REC_IDLE;
		return ret;
	}
	pvtrace_rec_filter = ctl->next_filter;
	strscpy(ctl->last_filter, ctl->filter_str, sizeof(ctl->last_filter));
	pvtrace_rec_trigs = ctl->next_trigs;
	strscpy(ctl->last_trig, ctl->trig_str, sizeof(ctl->last_trig));
	ctl->cur_flight_ms = ctl->flight_ms;
	ctl->reason = PVTRACE_REC_STOP_NONE;
	ctl->duration_ms = ms;
	ctl->stop_ns = 0;
	/* Hypercalls are timed while recording, whatever hcall_timing says. */
	pvtrace_hcall_set_recording(true);
	ctl->start_ns = pvtrace_clock_sync();
	ctl->state = PVTRACE_REC_RECORDING;
	for_each_possible_cpu(cpu) {
		u32 types = pvtrace_rec_cpu_wanted(&pvtrace_rec_filter, cpu) ?
			    pvtrace_rec_filter.types : 0;

		if (types && ctl->cur_flight_ms)
			types |= PVTRACE_REC_FLIGHT;
		WRITE_ONCE(per_cpu(pvtrace_rec_cpu, cpu).types, types);
	}
	if (ms)
		mod_delayed_work(system_wq, &stop_work, msecs_to_jiffies(ms));
	if (pvtrace_rec_trigs.n)
		mod_delayed_work(system_wq, &trig_work,
				 msecs_to_jiffies(PVTRACE_TRIG_POLL_MS));
	return 0;
}

/*
 * While a recording with triggers runs: has one fired? The writers only
 * raised a flag (they cannot stop anything); this stops the recording.
 */
static void trig_work_fn(struct work_struct *work)
{
	mutex_lock(&ctl->lock);
	if (ctl->state == PVTRACE_REC_RECORDING && pvtrace_rec_trigs.n) {
		if (READ_ONCE(pvtrace_rec_fired))
			stop_locked(PVTRACE_REC_STOP_TRIGGER);
		else
			mod_delayed_work(system_wq, &trig_work,
					 msecs_to_jiffies(PVTRACE_TRIG_POLL_MS));
	}
	mutex_unlock(&ctl->lock);
}

/*
 * The end of a timed recording. A run of this work armed for an earlier
 * recording finds the deadline of the current one not reached, and leaves
 * it alone (that recording's own run is queued behind it).
 */
static void stop_work_fn(struct work_struct *work)
{
	u64 end, now;

	mutex_lock(&ctl->lock);
	if (ctl->state == PVTRACE_REC_RECORDING && ctl->duration_ms) {
		end = ctl->start_ns + ctl->duration_ms * NSEC_PER_MSEC;
		now = ktime_get_ns();
		if (now >= end)
			stop_locked(PVTRACE_REC_STOP_DURATION);
		else	/* early by a part of a tick */
			mod_delayed_work(system_wq, &stop_work,
					 nsecs_to_jiffies(end - now) + 1);
	}
	mutex_unlock(&ctl->lock);
}

/* The parameters' effects (module/recorder_param.c checked their syntax). */

/* record: start or stop now; at load, once the hooks are in. */
int pvtrace_rec_set_record(bool on, unsigned long ms)
{
	int ret;

	mutex_lock(&ctl->lock);
	if (!ctl->ready) {
		/* At load: a recording starts once the hooks are in. */
		ctl->duration_ms = ms;
		ctl->state = on ? PVTRACE_REC_PENDING : PVTRACE_REC_IDLE;
		mutex_unlock(&ctl->lock);
		return 0;
	}
	if (on) {
		ret = start_locked(ms);
	} else {
		ret = 0;
		stop_locked(PVTRACE_REC_STOP_ASKED);
	}
	mutex_unlock(&ctl->lock);
	if (!on) {
		cancel_delayed_work_sync(&stop_work);
		cancel_delayed_work_sync(&trig_work);
	}
	return ret;
}

/* record_filter: @f, parsed from the @len bytes at @val, for the next start. */
void pvtrace_rec_set_filter(const struct pvtrace_rec_filter *f,
			    const char *val, size_t len)
{
	mutex_lock(&ctl->lock);
	ctl->next_filter = *f;
	if (len) {
		memcpy(ctl->filter_str, val, len);
		ctl->filter_str[len] = '\0';
	} else {
		strscpy(ctl->filter_str, "all", sizeof(ctl->filter_str));
	}
	mutex_unlock(&ctl->lock);
}

/* record_flight: used from the next start. */
void pvtrace_rec_set_flight(unsigned long ms)
{
	mutex_lock(&ctl->lock);
	ctl->flight_ms = ms;
	mutex_unlock(&ctl->lock);
}

/* record_trigger: @t, parsed from the @len bytes at @val, for the next start. */
void pvtrace_rec_set_trigger(const struct pvtrace_rec_trigs *t,
			     const char *val, size_t len)
{
	mutex_lock(&ctl->lock);
	ctl->next_trigs = *t;
	if (t->n) {
		memcpy(ctl->trig_str, val, len);
		ctl->trig_str[len] = '\0';
	} else {
		strscpy(ctl->trig_str, "none", sizeof(ctl->trig_str));
	}
	mutex_unlock(&ctl->lock);
}

/* record_buffer_kb: used from the next start. */
void pvtrace_rec_set_buffer_kb(unsigned int kb)
{
	mutex_lock(&ctl->lock);
	ctl->buffer_kb = kb;
	mutex_unlock(&ctl->lock);
}

/*
 * A module going: the hypercalls recorded from it, in the recording and in
 * the slowest tables, lose their site (PVTRACE_SITE_UNLOADED), which code
 * loaded at that address later would otherwise take. Committed records do
 * not change but for this one store; each CPU rewrites its own tables.
 */
static void forget_site_cpu(void *arg)
{
	struct pvtrace_slow_cpu *t;
	const struct module *mod = arg;
	unsigned int i;

	if (!pvtrace_slow_tables[PVTRACE_SLOW_HCALL])
		return;
	t = this_cpu_ptr(pvtrace_slow_tables[PVTRACE_SLOW_HCALL]);
	for (i = 0; i < PVTRACE_SLOW_MAX; i++)
		if (within_module(READ_ONCE(t->e[i].site), mod))
			WRITE_ONCE(t->e[i].site, PVTRACE_SITE_UNLOADED);
}

static int rec_module_event(struct notifier_block *nb, unsigned long event,
			    void *data)
{
	const struct module *mod = data;
	unsigned int cpu;
	u64 i, used;

	if (event == MODULE_STATE_COMING || event == MODULE_STATE_GOING)
		atomic_long_inc(&module_gen);
	if (event != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&ctl->lock);
	for_each_possible_cpu(cpu) {
		struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		/* The records in the ring: reserved, not yet streamed. */
		used = rc->cap ? READ_ONCE(rc->head) - rc->tail : 0;
		for (i = 0; i < used; i++) {
			struct pvtrace_rec *r = &rc->buf[(rc->tail + i) % rc->cap];

			if (READ_ONCE(r->type) == PVTRACE_REC_HCALL &&
			    within_module(READ_ONCE(r->site), mod))
				WRITE_ONCE(r->site, PVTRACE_SITE_UNLOADED);
		}
		cond_resched();
	}
	mutex_unlock(&ctl->lock);
	on_each_cpu(forget_site_cpu, data, 1);
	return NOTIFY_DONE;
}

unsigned long pvtrace_rec_module_gen(void)
{
	return atomic_long_read(&module_gen);
}

static struct notifier_block rec_nb = {
	.notifier_call = rec_module_event,
};

/* Load and unload: before the hooks are installed, after they are gone. */

int pvtrace_recorder_init(void)
{
	size_t bad;
	int ret;

	BUILD_BUG_ON(sizeof(struct pvtrace_rec) != 64);
	BUILD_BUG_ON(PVTRACE_REC_SLOT_WORDS * 64 < PVTRACE_SLOT_NR);
	INIT_DELAYED_WORK(&stop_work, stop_work_fn);
	INIT_DELAYED_WORK(&trig_work, trig_work_fn);
	pvtrace_rec_parse_filter(ctl->filter_str, &ctl->next_filter, &bad);
	ret = pvtrace_slow_alloc();
	if (ret)
		return ret;
	ret = register_module_notifier(&rec_nb);
	if (ret)
		pvtrace_slow_free();
	return ret;
}

/* After the hooks are installed: a recording asked for at load starts. */
void pvtrace_recorder_ready(void)
{
	mutex_lock(&ctl->lock);
	ctl->ready = true;
	if (ctl->state == PVTRACE_REC_PENDING) {
		ctl->state = PVTRACE_REC_IDLE;
		start_locked(ctl->duration_ms);
	}
	mutex_unlock(&ctl->lock);
}

/* After the hooks are removed: nothing writes any more. */
void pvtrace_recorder_exit(void)
{
	unregister_module_notifier(&rec_nb);
	mutex_lock(&ctl->lock);
	stop_locked(PVTRACE_REC_STOP_UNLOAD);
	ctl->ready = false;
	mutex_unlock(&ctl->lock);
	cancel_delayed_work_sync(&stop_work);
	cancel_delayed_work_sync(&trig_work);
	pvtrace_rec_stream_exit();
	free_buffers();
	pvtrace_slow_free();
}
