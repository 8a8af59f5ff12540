// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder: every hypercall, upcall and steal sample over an
 * interval, into per-CPU buffers (include/pvtrace/recorder.h has the
 * writers), started and stopped by the "record" parameter. And, always on,
 * each CPU's slowest hypercalls and upcalls since load or the last reset.
 *
 * Writers never wait for anything: the control side makes that safe by
 * ordering. Starting: the buffers are allocated and emptied while no
 * CPU records, and only then does each CPU's type mask open. Stopping:
 * the type masks close, then pvtrace_sync_cpus() waits until every CPU
 * has passed through the scheduler, so that no writer (they run with
 * preemption disabled, in NMI or idle included) is still inside a record.
 * A buffer is freed or emptied only after that.
 *
 * Readers of recorder/trace take a snapshot of the complete records,
 * sorted by time; a new recording cannot start while one is open (EBUSY).
 */
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/recorder.h>
#include <pvtrace/recparse.h>
#include <pvtrace/recorder_read.h>

DEFINE_PER_CPU(struct pvtrace_rec_cpu, pvtrace_rec_cpu);
struct pvtrace_rec_filter pvtrace_rec_filter;
struct pvtrace_slow_cpu __percpu *pvtrace_slow_tables[PVTRACE_SLOW_KINDS];
u64 pvtrace_slow_gen = 1;
unsigned int pvtrace_slow_n = 16;

#define BUFFER_KB_MIN		4
#define BUFFER_KB_MAX		65536
#define FILTER_MAX		PVTRACE_REC_FILTER_LEN

static DEFINE_MUTEX(rec_lock);	/* everything below */
static bool ready;		/* init done, not yet exited */
static enum pvtrace_rec_state state = PVTRACE_REC_IDLE;
static unsigned int buffer_kb = 1024;	/* record_buffer_kb */
static char filter_str[FILTER_MAX] = "all";
static struct pvtrace_rec_filter next_filter;	/* parsed filter_str */
static unsigned long duration_ms;	/* of the current or last recording */
static char last_filter[FILTER_MAX] = "all";
static u64 start_ns, stop_ns;	/* timebase anchors (module/clock.c) */
static unsigned int readers;
static struct delayed_work stop_work;

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
		rc->lost = 0;
	}
	return 0;
}

static void stop_locked(void)
{
	unsigned int cpu;

	lockdep_assert_held(&rec_lock);
	if (state != PVTRACE_REC_RECORDING)
		return;
	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(pvtrace_rec_cpu, cpu).types, 0);
	stop_ns = pvtrace_clock_sync();
	pvtrace_hcall_set_recording(false);
	/* No writer is inside a record past this point. */
	pvtrace_sync_cpus();
	state = PVTRACE_REC_STOPPED;
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
	u32 cap = (u32)buffer_kb * 1024 / sizeof(struct pvtrace_rec);
	unsigned int cpu;
	int ret;

	lockdep_assert_held(&rec_lock);
	if (readers) {
		pr_err("recorder: recorder/trace is open; close it before starting a recording\n");
		return -EBUSY;
	}
	if ((u64)buffer_kb * 1024 * num_online_cpus() > rec_memory_cap()) {
		pr_err("recorder: %u KiB on each of %u vCPUs is more than an eighth of this guest's memory (%llu KiB): not recording\n",
		       buffer_kb, num_online_cpus(), rec_memory_cap() >> 10);
		return -ENOMEM;
	}
	stop_locked();
	ret = prepare_buffers(cap);
	if (ret) {
		pr_err("recorder: cannot allocate %u KiB per CPU\n", buffer_kb);
		free_buffers();
		state = PVTRACE_REC_IDLE;
		return ret;
	}
	pvtrace_rec_filter = next_filter;
	strscpy(last_filter, filter_str, sizeof(last_filter));
	duration_ms = ms;
	stop_ns = 0;
	/* Hypercalls are timed while recording, whatever hcall_timing says. */
	pvtrace_hcall_set_recording(true);
	start_ns = pvtrace_clock_sync();
	state = PVTRACE_REC_RECORDING;
	for_each_possible_cpu(cpu) {
		u32 types = pvtrace_rec_cpu_wanted(&pvtrace_rec_filter, cpu) ?
			    pvtrace_rec_filter.types : 0;

		WRITE_ONCE(per_cpu(pvtrace_rec_cpu, cpu).types, types);
	}
	if (ms)
		mod_delayed_work(system_wq, &stop_work, msecs_to_jiffies(ms));
	return 0;
}

/*
 * The end of a timed recording. A run of this work armed for an earlier
 * recording finds the deadline of the current one not reached, and leaves
 * it alone (that recording's own run is queued behind it).
 */
static void stop_work_fn(struct work_struct *work)
{
	u64 end, now;

	mutex_lock(&rec_lock);
	if (state == PVTRACE_REC_RECORDING && duration_ms) {
		end = start_ns + duration_ms * NSEC_PER_MSEC;
		now = ktime_get_ns();
		if (now >= end)
			stop_locked();
		else	/* early by a part of a tick */
			mod_delayed_work(system_wq, &stop_work,
					 nsecs_to_jiffies(end - now) + 1);
	}
	mutex_unlock(&rec_lock);
}

/* Parameters. */

static int record_set(const char *val, const struct kernel_param *kp)
{
	unsigned long ms;
	bool on;
	int ret;

	if (pvtrace_rec_parse_record(val, &on, &ms)) {
		pr_err("recorder: record must be on, off, or a duration such as 500ms, 10s, 2m (at most one day): %.*s\n",
		       (int)pvtrace_rec_len(val), val);
		return -EINVAL;
	}
	mutex_lock(&rec_lock);
	if (!ready) {
		/* At load: a recording starts once the hooks are in. */
		duration_ms = ms;
		state = on ? PVTRACE_REC_PENDING : PVTRACE_REC_IDLE;
		mutex_unlock(&rec_lock);
		return 0;
	}
	if (on) {
		ret = start_locked(ms);
	} else {
		ret = 0;
		stop_locked();
	}
	mutex_unlock(&rec_lock);
	if (!on)
		cancel_delayed_work_sync(&stop_work);
	return ret;
}

static int record_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", pvtrace_rec_state_name(READ_ONCE(state)));
}

static const struct kernel_param_ops record_ops = {
	.set = record_set,
	.get = record_get,
};
module_param_cb(record, &record_ops, NULL, 0644);
MODULE_PARM_DESC(record,
		 "Flight recorder: on, off, or a duration (500ms, 10s, 2m) to record every hypercall, upcall and steal sample (runtime; reads idle, recording or stopped)");

static int filter_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_rec_filter *f;
	size_t bad, len = pvtrace_rec_len(val);
	int ret = 0;

	if (len >= FILTER_MAX) {
		pr_err("recorder: record_filter is longer than %d characters\n",
		       FILTER_MAX - 1);
		return -EINVAL;
	}
	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	if (pvtrace_rec_parse_filter(val, f, &bad)) {
		pr_err("recorder: record_filter: bad term at \"%.*s\" (terms: hcall, hcall=NAME[:SUB], hcall=NR, upcall, port=N, steal, cpu=N[-M])\n",
		       (int)(len - bad), val + bad);
		ret = -EINVAL;
	} else {
		mutex_lock(&rec_lock);
		next_filter = *f;
		if (len) {
			memcpy(filter_str, val, len);
			filter_str[len] = '\0';
		} else {
			strscpy(filter_str, "all", sizeof(filter_str));
		}
		mutex_unlock(&rec_lock);
	}
	kfree(f);
	return ret;
}

static int filter_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&rec_lock);
	n = sysfs_emit(buf, "%s\n", filter_str);
	mutex_unlock(&rec_lock);
	return n;
}

static const struct kernel_param_ops filter_ops = {
	.set = filter_set,
	.get = filter_get,
};
module_param_cb(record_filter, &filter_ops, NULL, 0644);
MODULE_PARM_DESC(record_filter,
		 "What the next recording keeps: all, or terms hcall, hcall=NAME[:SUB], hcall=NR, upcall, port=N, steal, cpu=N[-M], comma-separated (runtime; default all)");

static int buffer_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < BUFFER_KB_MIN || v > BUFFER_KB_MAX) {
		pr_err("recorder: record_buffer_kb must be %u..%u: %.*s\n",
		       BUFFER_KB_MIN, BUFFER_KB_MAX, (int)pvtrace_rec_len(val),
		       val);
		return -EINVAL;
	}
	mutex_lock(&rec_lock);
	buffer_kb = v;
	mutex_unlock(&rec_lock);
	return 0;
}

static const struct kernel_param_ops buffer_ops = {
	.set = buffer_set,
	.get = param_get_uint,
};
module_param_cb(record_buffer_kb, &buffer_ops, &buffer_kb, 0644);
MODULE_PARM_DESC(record_buffer_kb,
		 "Recording buffer per possible CPU, KiB, 4..65536, 64 bytes an event; used from the next start (runtime; default 1024)");

static int slowest_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < 1 || v > PVTRACE_SLOW_MAX) {
		pr_err("recorder: slowest must be 1..%u: %.*s\n",
		       PVTRACE_SLOW_MAX, (int)pvtrace_rec_len(val), val);
		return -EINVAL;
	}
	pvtrace_slow_n = v;
	return 0;
}

static const struct kernel_param_ops slowest_ops = {
	.set = slowest_set,
	.get = param_get_uint,
};
module_param_cb(slowest, &slowest_ops, &pvtrace_slow_n, 0444);
MODULE_PARM_DESC(slowest,
		 "How many of the slowest hypercalls and upcalls to keep, per CPU and shown, 1..64 (load time; default 16)");

static int reset_set(const char *val, const struct kernel_param *kp)
{
	bool v;

	if (kstrtobool(val, &v) || !v) {
		pr_err("recorder: slowest_reset takes 1: %.*s\n",
		       (int)pvtrace_rec_len(val), val);
		return -EINVAL;
	}
	/* Each CPU empties its own tables at its next offer. */
	WRITE_ONCE(pvtrace_slow_gen, READ_ONCE(pvtrace_slow_gen) + 1);
	return 0;
}

static const struct kernel_param_ops reset_ops = {
	.set = reset_set,
	.get = NULL,
};
module_param_cb(slowest_reset, &reset_ops, NULL, 0200);
MODULE_PARM_DESC(slowest_reset,
		 "Write 1 to forget the slowest calls seen so far (runtime)");

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

	if (event != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&rec_lock);
	for_each_possible_cpu(cpu) {
		struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		used = min_t(u64, READ_ONCE(rc->head), rc->cap);
		for (i = 0; i < used; i++) {
			struct pvtrace_rec *r = &rc->buf[i];

			if (READ_ONCE(r->type) == PVTRACE_REC_HCALL &&
			    within_module(READ_ONCE(r->site), mod))
				WRITE_ONCE(r->site, PVTRACE_SITE_UNLOADED);
		}
		cond_resched();
	}
	mutex_unlock(&rec_lock);
	on_each_cpu(forget_site_cpu, data, 1);
	return NOTIFY_DONE;
}

static struct notifier_block rec_nb = {
	.notifier_call = rec_module_event,
};

/* Load and unload: before the hooks are installed, after they are gone. */

static void slow_fold(void *dst, const void *src)
{
}

static struct pvtrace_stats slow_stats[PVTRACE_SLOW_KINDS];

int pvtrace_recorder_init(void)
{
	unsigned int k;
	size_t bad;
	int ret;

	BUILD_BUG_ON(sizeof(struct pvtrace_rec) != 64);
	BUILD_BUG_ON(PVTRACE_REC_SLOT_WORDS * 64 < PVTRACE_SLOT_NR);
	INIT_DELAYED_WORK(&stop_work, stop_work_fn);
	pvtrace_rec_parse_filter(filter_str, &next_filter, &bad);
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
	ret = register_module_notifier(&rec_nb);
	if (ret) {
		for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
			pvtrace_slow_tables[k] = NULL;
			pvtrace_stats_destroy(&slow_stats[k]);
		}
	}
	return ret;
}

/* After the hooks are installed: a recording asked for at load starts. */
void pvtrace_recorder_ready(void)
{
	mutex_lock(&rec_lock);
	ready = true;
	if (state == PVTRACE_REC_PENDING) {
		state = PVTRACE_REC_IDLE;
		start_locked(duration_ms);
	}
	mutex_unlock(&rec_lock);
}

/* After the hooks are removed: nothing writes any more. */
void pvtrace_recorder_exit(void)
{
	unsigned int k;

	unregister_module_notifier(&rec_nb);
	mutex_lock(&rec_lock);
	stop_locked();
	ready = false;
	mutex_unlock(&rec_lock);
	cancel_delayed_work_sync(&stop_work);
	free_buffers();
	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		pvtrace_slow_tables[k] = NULL;
		pvtrace_stats_destroy(&slow_stats[k]);
	}
}

/* Read side, for debugfs/recorder.c. */

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

/* Of @rc's reserved records, how many are complete (typed); rec_lock held. */
static u64 complete_records(const struct pvtrace_rec_cpu *rc, u64 *used)
{
	u64 i, done = 0;

	*used = min_t(u64, READ_ONCE(rc->head), rc->cap);
	for (i = 0; i < *used; i++)
		done += READ_ONCE(rc->buf[i].type) != 0;
	return done;
}

void pvtrace_rec_read_status(struct pvtrace_rec_status *st)
{
	unsigned int cpu;

	memset(st, 0, sizeof(*st));
	mutex_lock(&rec_lock);
	st->state = state;
	st->duration_ms = duration_ms;
	st->start_ns = state >= PVTRACE_REC_RECORDING ? start_ns : 0;
	st->stop_ns = state == PVTRACE_REC_STOPPED ? stop_ns : 0;
	st->buffer_kb = buffer_kb;
	strscpy(st->filter, last_filter, sizeof(st->filter));
	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
		u64 used, done = complete_records(rc, &used);

		st->records += done;
		st->incomplete += used - done;
		st->lost += READ_ONCE(rc->lost);
		st->capacity += rc->cap;
	}
	mutex_unlock(&rec_lock);
}

/* One CPU's counters; false if @cpu has no buffer and lost nothing. */
bool pvtrace_rec_read_cpu(unsigned int cpu, u64 *records, u64 *lost, u64 *cap)
{
	const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
	bool ret = false;
	u64 used;

	mutex_lock(&rec_lock);
	if (rc->buf || READ_ONCE(rc->lost)) {
		*records = complete_records(rc, &used);
		*lost = READ_ONCE(rc->lost);
		*cap = rc->cap;
		ret = true;
	}
	mutex_unlock(&rec_lock);
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
	mutex_lock(&rec_lock);
	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);

		total += min_t(u64, READ_ONCE(rc->head), rc->cap);
	}
	if (total) {
		snap->refs = kvmalloc_array(total, sizeof(*snap->refs),
					    GFP_KERNEL);
		refs = kvmalloc_array(total, sizeof(*refs), GFP_KERNEL);
		if (!snap->refs || !refs) {
			mutex_unlock(&rec_lock);
			goto out_nomem;
		}
	}
	/* Each CPU's complete records, then each CPU's run sorted by time. */
	for_each_possible_cpu(cpu) {
		const struct pvtrace_rec_cpu *rc = per_cpu_ptr(&pvtrace_rec_cpu, cpu);
		u64 used = min_t(u64, READ_ONCE(rc->head), rc->cap);

		start[cpu] = n;
		for (i = 0; i < used && n < total; i++) {
			const struct pvtrace_rec *r = &rc->buf[i];

			/* Pairs with pvtrace_rec_commit(). */
			if (!smp_load_acquire(&r->type))
				continue;
			refs[n].tsc = r->tsc;
			refs[n].cpu = cpu;
			refs[n].idx = i;
			n++;
		}
		end[cpu] = n;
	}
	snap->n = n;
	readers++;
	mutex_unlock(&rec_lock);
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
	mutex_lock(&rec_lock);
	readers--;
	mutex_unlock(&rec_lock);
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
