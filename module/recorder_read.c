// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder's read side: what recorder/status, recorder/percpu,
 * recorder/trace and slowest show (debugfs/recorder.c), as snapshots into
 * the caller's memory; the stream readers of recorder/stream/cpuN, which
 * consume the rings (module/recring.c). And the slowest-calls tables:
 * their memory (made by the recorder's init, module/recorder.c), their
 * size and reset generation, and their reading.
 *
 * Locking: the recorder's state and buffers are read under
 * pvtrace_rec_ctl.lock; a record is taken only once its type is set
 * (pvtrace_rec_commit()). A snapshot keeps no recording from ending, but
 * keeps the next one from starting while it is held, so the records it
 * points at stay. A stream reader takes and clears records under the
 * lock too, so no snapshot is taken while one is open, and no recording
 * starts. The slowest tables are read through their write brackets
 * (include/pvtrace/stats.h).
 */
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/recorder.h>
#include <pvtrace/recorder_read.h>

#include "recorder_internal.h"

struct pvtrace_slow_cpu __percpu *pvtrace_slow_tables[PVTRACE_SLOW_KINDS];
u64 pvtrace_slow_gen = 1;
unsigned int pvtrace_slow_n = 16;

/* The control state, for short. */
static struct pvtrace_rec_ctl *const ctl = &pvtrace_rec_ctl;
static struct pvtrace_stats slow_stats[PVTRACE_SLOW_KINDS];

static void slow_fold(void *dst, const void *src)
{
}

/* The slowest tables, before the hooks are installed. */
int pvtrace_slow_alloc(void)
{
	unsigned int k;
	int ret;

	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		ret = pvtrace_stats_init(&slow_stats[k],
					 sizeof(struct pvtrace_slow_cpu),
					 __alignof__(struct pvtrace_slow_cpu),
					 slow_fold);
		if (ret) {
			while (k--)
				pvtrace_stats_destroy(&slow_stats[k]);
			return ret;
		}
		pvtrace_slow_tables[k] = slow_stats[k].pcpu;
	}
	return 0;
}

/* After the hooks are removed. */
void pvtrace_slow_free(void)
{
	unsigned int k;

	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		pvtrace_slow_tables[k] = NULL;
		pvtrace_stats_destroy(&slow_stats[k]);
	}
}

const char *pvtrace_rec_state_name(enum pvtrace_rec_state s)
{
	switch (s) {
	case PVTRACE_REC_RECORDING:
		return "recording";
	case PVTRACE_REC_STOPPED:
		return "stopped";
	case PVTRACE_REC_PENDING:
		return "pending";
	default:
		return "idle";
	}
}

/*
 * Of the records in @rc's ring (reserved, not yet streamed), how many are
 * complete (typed); lock held.
 */
static u64 complete_records(const struct pvtrace_rec_cpu *rc, u64 *used)
{
	u64 i, tail = READ_ONCE(rc->tail), done = 0;

	/* A running flight recording's writers move the tail: at most cap. */
	*used = rc->cap ? min(READ_ONCE(rc->head) - tail, (u64)rc->cap) : 0;
	for (i = 0; i < *used; i++)
		done += READ_ONCE(rc->buf[(tail + i) % rc->cap].type) != 0;
	return done;
}

const char *pvtrace_rec_reason_name(unsigned int reason)
{
	switch (reason) {
	case PVTRACE_REC_STOP_ASKED:
		return "asked";
	case PVTRACE_REC_STOP_DURATION:
		return "duration";
	case PVTRACE_REC_STOP_TRIGGER:
		return "trigger";
	case PVTRACE_REC_STOP_UNLOAD:
		return "unload";
	default:
		return "-";
	}
}

void pvtrace_rec_read_status(struct pvtrace_rec_status *st)
{
	unsigned int cpu;

	memset(st, 0, sizeof(*st));
	mutex_lock(&ctl->lock);
	st->state = ctl->state;
	st->duration_ms = ctl->duration_ms;
	st->start_ns = ctl->state >= PVTRACE_REC_RECORDING ? ctl->start_ns : 0;
	st->stop_ns = ctl->state == PVTRACE_REC_STOPPED ? ctl->stop_ns : 0;
	st->buffer_kb = ctl->buffer_kb;
	st->slowest_n = READ_ONCE(pvtrace_slow_n);
	strscpy(st->filter, ctl->last_filter, sizeof(st->filter));
	strscpy(st->trigger, ctl->last_trig, sizeof(st->trigger));
	st->flight_ms = ctl->cur_flight_ms;
	st->aged = ctl->aged;
	st->reason = ctl->state == PVTRACE_REC_STOPPED ? ctl->reason :
		     PVTRACE_REC_STOP_NONE;
	if (ctl->state == PVTRACE_REC_STOPPED)
		st->fire = ctl->fire;
	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
		u64 used, done = complete_records(rc, &used);
		u64 tail = READ_ONCE(rc->tail);

		st->records += done;
		st->incomplete += used - done;
		if (READ_ONCE(rc->lost)) {
			if (!st->lost || rc->lost_first < st->lost_first_tsc)
				st->lost_first_tsc = rc->lost_first;
			if (rc->lost_last > st->lost_last_tsc)
				st->lost_last_tsc = rc->lost_last;
		}
		st->lost += READ_ONCE(rc->lost);
		/* A flight recording's tail is what its writers overwrote. */
		if (ctl->cur_flight_ms)
			st->overwritten += tail;
		else
			st->streamed += tail;
		st->capacity += rc->cap;
	}
	/* And those a stream reader skipped, which left the rings. */
	st->incomplete += ctl->skipped;
	mutex_unlock(&ctl->lock);
}

/* One CPU's counters; false if @cpu has no buffer and lost nothing. */
bool pvtrace_rec_read_cpu(unsigned int cpu, struct pvtrace_rec_cpu_read *r)
{
	const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
	bool ret = false;
	u64 used;

	memset(r, 0, sizeof(*r));
	mutex_lock(&ctl->lock);
	if (rc->buf || READ_ONCE(rc->lost)) {
		r->records = complete_records(rc, &used);
		r->lost = READ_ONCE(rc->lost);
		r->lost_first_tsc = READ_ONCE(rc->lost_first);
		r->lost_last_tsc = READ_ONCE(rc->lost_last);
		r->streamed = ctl->cur_flight_ms ? 0 : READ_ONCE(rc->tail);
		r->overwritten = ctl->cur_flight_ms ? READ_ONCE(rc->tail) : 0;
		r->capacity = rc->cap;
		ret = true;
	}
	mutex_unlock(&ctl->lock);
	return ret;
}

static int cmp_ref(const void *a, const void *b)
{
	const struct pvtrace_rec_ref *x = a, *y = b;

	if (x->tsc != y->tsc)
		return x->tsc < y->tsc ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/**
 * pvtrace_rec_snapshot() - the complete records, in time order
 * @snap: filled in; release with pvtrace_rec_snapshot_put()
 *
 * While a snapshot is held, no recording can start (the records it
 * points at stay). Records of a running recording that complete later
 * are not in it.
 *
 * Return: 0 or -ENOMEM.
 */
int pvtrace_rec_snapshot(struct pvtrace_rec_snap *snap)
{
	struct pvtrace_rec_ref *refs = NULL;
	unsigned int cpu, k = 0;
	u64 total = 0, n = 0, i, *start, *end;

	memset(snap, 0, sizeof(*snap));
	start = kcalloc(nr_cpu_ids, sizeof(*start), GFP_KERNEL);
	end = kcalloc(nr_cpu_ids, sizeof(*end), GFP_KERNEL);
	if (!start || !end)
		goto out_nomem;
	mutex_lock(&ctl->lock);
	if (ctl->streams || (ctl->cur_flight_ms &&
			     ctl->state == PVTRACE_REC_RECORDING)) {
		bool flight = !ctl->streams;

		mutex_unlock(&ctl->lock);
		kfree(start);
		kfree(end);
		if (flight)
			pr_err("recorder: a flight recording is read once it ends (record=off, or its trigger)\n");
		else
			pr_err("recorder: recorder/stream is open; recorder/trace shows a recording read whole\n");
		return -EBUSY;
	}
	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		total += rc->cap ? READ_ONCE(rc->head) - rc->tail : 0;
	}
	if (total) {
		snap->refs = kvmalloc_array(total, sizeof(*snap->refs),
					    GFP_KERNEL);
		refs = kvmalloc_array(total, sizeof(*refs), GFP_KERNEL);
		if (!snap->refs || !refs) {
			mutex_unlock(&ctl->lock);
			goto out_nomem;
		}
	}
	/* Each CPU's complete records, then each CPU's run sorted by time. */
	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
		u64 used = rc->cap ? READ_ONCE(rc->head) - rc->tail : 0;

		start[cpu] = n;
		for (i = 0; i < used && n < total; i++) {
			u32 slot = (rc->tail + i) % rc->cap;
			const struct pvtrace_rec *r = &rc->buf[slot];

			/* Pairs with pvtrace_rec_commit(). */
			if (!smp_load_acquire(&r->type))
				continue;
			refs[n].tsc = r->tsc;
			refs[n].cpu = cpu;
			refs[n].idx = slot;
			n++;
		}
		end[cpu] = n;
	}
	snap->n = n;
	ctl->readers++;
	mutex_unlock(&ctl->lock);
	for_each_possible_cpu(cpu) {
		sort(refs + start[cpu], end[cpu] - start[cpu], sizeof(*refs),
		     cmp_ref, NULL);
		cond_resched();
	}
	/* Merge the runs: the earliest head each time (ties: lower CPU). */
	while (k < n) {
		unsigned int best = nr_cpu_ids;

		for_each_possible_cpu(cpu) {
			if (start[cpu] == end[cpu])
				continue;
			if (best == nr_cpu_ids ||
			    cmp_ref(&refs[start[cpu]], &refs[start[best]]) < 0)
				best = cpu;
		}
		snap->refs[k++] = refs[start[best]++];
		if (!(k % 4096))
			cond_resched();
	}
	kvfree(refs);
	kfree(start);
	kfree(end);
	/* An anchor after every record in it: they are all interpolated. */
	pvtrace_clock_snapshot(&snap->tb);
	return 0;

out_nomem:
	kvfree(snap->refs);
	snap->refs = NULL;
	kvfree(refs);
	kfree(start);
	kfree(end);
	return -ENOMEM;
}

void pvtrace_rec_snapshot_put(struct pvtrace_rec_snap *snap)
{
	mutex_lock(&ctl->lock);
	ctl->readers--;
	mutex_unlock(&ctl->lock);
	kvfree(snap->refs);
	snap->refs = NULL;
}

const struct pvtrace_rec *pvtrace_rec_at(const struct pvtrace_rec_snap *snap,
					 u64 i, unsigned int *cpu)
{
	const struct pvtrace_rec_ref *ref = &snap->refs[i];

	*cpu = ref->cpu;
	return &per_cpu_ptr(&pvtrace_rec_cpu, ref->cpu)->buf[ref->idx];
}

/* Stream readers: which CPUs have one, and their wake-ups. */
static struct cpumask stream_cpus;
static DECLARE_WAIT_QUEUE_HEAD(stream_wq);
static void stream_kick_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(stream_kick, stream_kick_fn);

/* While a stream is open: its readers look again every few ms. */
static void stream_kick_fn(struct work_struct *work)
{
	wake_up_interruptible_all(&stream_wq);
	if (READ_ONCE(ctl->streams))
		queue_delayed_work(system_unbound_wq, &stream_kick,
				   msecs_to_jiffies(PVTRACE_STREAM_KICK_MS));
}

struct wait_queue_head *pvtrace_rec_stream_wq(void)
{
	return &stream_wq;
}

/*
 * Return: 1 if the recording runs (the stream then takes its events until
 * it ends), 0 if not (the stream gives its header and the end: a read of
 * every file, as "grep -r" does, must not empty a stopped recording that
 * recorder/trace would show), or a negative errno.
 */
int pvtrace_rec_stream_open(unsigned int cpu)
{
	int ret = 0;

	mutex_lock(&ctl->lock);
	if (ctl->readers) {
		pr_err("recorder: recorder/trace is open; close it before streaming\n");
		ret = -EBUSY;
	} else if (ctl->cur_flight_ms && ctl->state == PVTRACE_REC_RECORDING) {
		pr_err("recorder: a flight recording is not streamed; read recorder/trace once it ends\n");
		ret = -EBUSY;
	} else if (cpumask_test_cpu(cpu, &stream_cpus)) {
		pr_err("recorder: recorder/stream/cpu%u has a reader already\n", cpu);
		ret = -EBUSY;
	} else {
		cpumask_set_cpu(cpu, &stream_cpus);
		if (!ctl->streams++)
			queue_delayed_work(system_unbound_wq, &stream_kick, 0);
		ret = ctl->state == PVTRACE_REC_RECORDING;
	}
	mutex_unlock(&ctl->lock);
	return ret;
}

void pvtrace_rec_stream_release(unsigned int cpu)
{
	mutex_lock(&ctl->lock);
	cpumask_clear_cpu(cpu, &stream_cpus);
	ctl->streams--;
	mutex_unlock(&ctl->lock);
}

/*
 * A complete record at the tail, or the end to report. Without the lock,
 * by the stream's own reader (the only one to move the tail): the ring
 * stays while a stream is open. A record still being written is not
 * ready, so a reader sleeps until the next kick rather than spin.
 */
bool pvtrace_rec_stream_ready(unsigned int cpu)
{
	const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
	u64 tail = READ_ONCE(rc->tail);

	if (READ_ONCE(ctl->state) != PVTRACE_REC_RECORDING)
		return true;
	return rc->cap && READ_ONCE(rc->head) != tail &&
	       READ_ONCE(rc->buf[tail % rc->cap].type);
}

/**
 * pvtrace_rec_stream_take() - the next complete records of @cpu's ring
 * @cpu: a CPU whose stream the caller opened
 * @out: room for @max records
 * @max: records to take at most
 * @tb: the timebase to convert their TSC values with (only if some are
 *	taken): its last anchor is after all of them
 *
 * Return: the records taken, oldest reserved first (their start times are
 * nearly in order: a call that began before an interrupted one may end
 * after it); 0 if none are complete yet; -ENODATA once the recording is
 * over and the ring empty.
 */
int pvtrace_rec_stream_take(unsigned int cpu, struct pvtrace_rec *out,
			    unsigned int max, struct pvtrace_tb *tb)
{
	struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
	unsigned int n;
	bool ended;

	mutex_lock(&ctl->lock);
	/* Stopped under the lock, after every writer was done. */
	ended = ctl->state != PVTRACE_REC_RECORDING;
	n = pvtrace_rec_consume(rc, out, max, ended, &ctl->skipped);
	mutex_unlock(&ctl->lock);
	if (!n)
		return ended ? -ENODATA : 0;
	pvtrace_clock_snapshot(tb);
	return n;
}

/* Unload: no stream is open (each holds the module); its work is done. */
void pvtrace_rec_stream_exit(void)
{
	cancel_delayed_work_sync(&stream_kick);
}

static int cmp_slow(const void *a, const void *b)
{
	const struct pvtrace_slow_entry *x = a, *y = b;

	if (x->rec.dur_ns != y->rec.dur_ns)
		return x->rec.dur_ns < y->rec.dur_ns ? 1 : -1;
	return x->rec.tsc < y->rec.tsc ? -1 : x->rec.tsc > y->rec.tsc;
}

/**
 * pvtrace_slow_read() - the slowest events of one kind, slowest first
 * @kind: PVTRACE_SLOW_HCALL or PVTRACE_SLOW_UPCALL
 * @out: room for PVTRACE_SLOW_MAX entries
 * @skipped: set to the offers skipped because nested, summed over CPUs
 *
 * Return: the number of entries in @out (at most pvtrace_slow_n), or a
 * negative errno.
 */
int pvtrace_slow_read(unsigned int kind, struct pvtrace_slow_entry *out,
		      u64 *skipped)
{
	struct pvtrace_slow_cpu *t;
	struct pvtrace_slow_entry *all;
	unsigned int cpu, i, n = 0, cpus = num_possible_cpus();
	u64 gen = READ_ONCE(pvtrace_slow_gen);

	*skipped = 0;
	t = kmalloc(sizeof(*t), GFP_KERNEL);
	all = kvmalloc_array(cpus * PVTRACE_SLOW_MAX, sizeof(*all), GFP_KERNEL);
	if (!t || !all) {
		kfree(t);
		kvfree(all);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(&slow_stats[kind], cpu, t);
		*skipped += t->skipped;
		if (t->gen != gen)
			continue;
		for (i = 0; i < t->used && i < PVTRACE_SLOW_MAX &&
		     n < cpus * PVTRACE_SLOW_MAX; i++) {
			all[n].rec = t->e[i];
			all[n].cpu = cpu;
			n++;
		}
	}
	sort(all, n, sizeof(*all), cmp_slow, NULL);
	n = min(n, pvtrace_slow_n);
	memcpy(out, all, n * sizeof(*out));
	kvfree(all);
	kfree(t);
	return n;
}
