// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the per-CPU core, in the real kernel, at load time when
 * the selftest module parameter is set.
 *
 * 1. Every online CPU records a fixed set of edge values, plus cpu + 1
 *    samples of 1000 ns, from interrupt context. The result stays
 *    readable through debugfs (selftest_hist, selftest_cpus) so that the
 *    in-guest tests can check bucket placement and the per-CPU sums from
 *    userspace.
 * 2. Concurrency: a kthread per online CPU records 1 ns samples while the
 *    loading thread sends interrupts that record on the same CPUs (nested
 *    writers) and snapshots every CPU over and over. Each sample is 1 ns,
 *    so in any consistent snapshot count == sum_ns; at the end the total
 *    must be exactly what was recorded.
 * 3. A writer that stays inside its bracket (a vCPU descheduled by the
 *    hypervisor in the middle of an update, made here by an interrupt on
 *    another CPU that holds the bracket open for STUCK_MS): a read of that
 *    CPU gives up after its bounded wait and returns the CPU's last
 *    consistent copy, not the half-written one, and counts the miss. Under
 *    heavy steal the update may not stay open all through the read; such a
 *    try is made again, and after STUCK_TRIES the check says it was
 *    skipped (a self-test that fails the load for the hypervisor's
 *    scheduling would be wrong).
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <pvtrace/pvtrace.h>

#define SELFTEST_THREAD_SAMPLES	100000
#define STUCK_MS		150	/* > the read's bounded wait (module/stats.c) */
#define STUCK_TRIES		5

static const u64 edge_values[] = {
	0, 1, 2, 3, 4, 7, 8, 1023, 1024, 1025,
	(1ULL << 29) - 1, 1ULL << 29, 1ULL << 30, (1ULL << 30) + 1,
	U64_MAX,
};

static struct pvtrace_stats edges;
static bool edges_ready;

static void fold_block(void *dst, const void *src)
{
	struct pvtrace_selftest_block *d = dst;
	const struct pvtrace_selftest_block *s = src;

	pvtrace_hist_fold(&d->hist, &s->hist);
}

static void record(struct pvtrace_stats *st, u64 ns)
{
	struct pvtrace_selftest_block __percpu *b = st->pcpu;

	pvtrace_write_begin(&b->sync);
	pvtrace_hist_record(&b->hist, ns);
	pvtrace_write_end(&b->sync);
}

static void record_edges(void *unused)
{
	unsigned int i, n = smp_processor_id() + 1;

	for (i = 0; i < ARRAY_SIZE(edge_values); i++)
		record(&edges, edge_values[i]);
	for (i = 0; i < n; i++)
		record(&edges, 1000);
}

static int check_edges(void)
{
	struct pvtrace_selftest_block *snap;
	unsigned int cpu, i;
	u64 want_count = 0, want_sum = 0, edge_sum = 0;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(edge_values); i++)
		edge_sum += pvtrace_hist_sum_part(edge_values[i]);

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		u64 n = ARRAY_SIZE(edge_values) + cpu + 1;
		u64 sum = edge_sum + (cpu + 1) * 1000ULL;

		pvtrace_stats_read_cpu(&edges, cpu, snap);
		if (pvtrace_hist_count(&snap->hist) != n ||
		    snap->hist.sum_ns != sum || snap->hist.max_ns != U64_MAX) {
			pr_err("selftest: cpu %u: count %llu sum %llu max %llu, want %llu %llu %llu\n",
			       cpu, pvtrace_hist_count(&snap->hist),
			       snap->hist.sum_ns, snap->hist.max_ns, n, sum,
			       U64_MAX);
			ret = -ENOTRECOVERABLE;
		}
		want_count += n;
		want_sum += sum;
	}
	pvtrace_stats_read_sum(&edges, snap);
	if (pvtrace_hist_count(&snap->hist) != want_count ||
	    snap->hist.sum_ns != want_sum) {
		pr_err("selftest: total count %llu sum %llu, want %llu %llu\n",
		       pvtrace_hist_count(&snap->hist), snap->hist.sum_ns,
		       want_count, want_sum);
		ret = -ENOTRECOVERABLE;
	}
	kfree(snap);
	return ret;
}

struct writer {
	struct pvtrace_stats *st;
	struct completion done;
};

static int writer_fn(void *arg)
{
	struct writer *w = arg;
	unsigned int i;

	for (i = 0; i < SELFTEST_THREAD_SAMPLES; i++) {
		record(w->st, 1);
		if (!(i % 1024))
			cond_resched();
	}
	kthread_complete_and_exit(&w->done, 0);
}

static void record_one(void *arg)
{
	record(arg, 1);
}

/* Snapshot every CPU once; return how many snapshots were inconsistent. */
static unsigned int check_snapshots(struct pvtrace_stats *st,
				    struct pvtrace_selftest_block *snap)
{
	unsigned int cpu, bad = 0;

	for_each_online_cpu(cpu) {
		pvtrace_stats_read_cpu(st, cpu, snap);
		if (pvtrace_hist_count(&snap->hist) != snap->hist.sum_ns ||
		    snap->hist.max_ns > 1)
			bad++;
	}
	return bad;
}

static int run_concurrency(void)
{
	struct pvtrace_selftest_block *snap;
	struct pvtrace_stats st;
	struct writer *w;
	unsigned int cpu, started = 0, finished = 0, bad = 0;
	u64 reads = 0, nested = 0, want;
	int ret;

	ret = pvtrace_stats_init(&st, sizeof(*snap), __alignof__(*snap),
				 fold_block);
	if (ret)
		return ret;
	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!w || !snap) {
		ret = -ENOMEM;
		goto out_free;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		w[cpu].st = &st;
		init_completion(&w[cpu].done);
		t = kthread_run_on_cpu(writer_fn, &w[cpu], cpu, "pvtrace_st/%u");
		if (IS_ERR(t)) {
			w[cpu].st = NULL;
			ret = PTR_ERR(t);
			break;
		}
		started++;
	}
	while (finished < started) {
		finished = 0;
		for_each_online_cpu(cpu) {
			if (!w[cpu].st)
				continue;
			if (completion_done(&w[cpu].done)) {
				finished++;
				continue;
			}
			smp_call_function_single(cpu, record_one, &st, 1);
			nested++;
		}
		bad += check_snapshots(&st, snap);
		reads++;
		cond_resched();
	}
	cpus_read_unlock();
	if (ret)
		goto out_free;

	pvtrace_stats_read_sum(&st, snap);
	want = (u64)started * SELFTEST_THREAD_SAMPLES + nested;
	if (bad || pvtrace_hist_count(&snap->hist) != want ||
	    snap->hist.sum_ns != want) {
		pr_err("selftest: concurrency: %u of %llu snapshots inconsistent, total %llu sum %llu, want %llu\n",
		       bad, reads * started, pvtrace_hist_count(&snap->hist),
		       snap->hist.sum_ns, want);
		ret = -ENOTRECOVERABLE;
	} else {
		pr_info("selftest: concurrency: %u writers, %llu nested, %llu snapshot rounds, all consistent\n",
			started, nested, reads);
	}
out_free:
	kfree(snap);
	kfree(w);
	pvtrace_stats_destroy(&st);
	return ret;
}

/* On the stuck CPU, interrupts off: an update left open for STUCK_MS. */
static void stuck_writer(void *arg)
{
	struct pvtrace_stats *st = arg;
	struct pvtrace_selftest_block __percpu *b = st->pcpu;

	pvtrace_write_begin(&b->sync);
	pvtrace_hist_record(&b->hist, 1);
	mdelay(STUCK_MS);
	pvtrace_write_end(&b->sync);
}

/*
 * One try of check 3. -EAGAIN: it could not be staged, because the writer's
 * update was not open all through the read (its vCPU ran the whole update
 * before the reading one got back to the CPU, or the reader was away
 * until it ended: both happen under heavy steal, e.g. two vCPUs on one CPU
 * with an emulated TSC).
 */
static int stuck_once(void)
{
	struct pvtrace_selftest_block *snap;
	struct pvtrace_sync *sync;
	struct pvtrace_stats st;
	unsigned int cpu, wait;
	u64 t0, ms, exit0;
	bool staged;
	int ret;

	ret = pvtrace_stats_init(&st, sizeof(*snap), __alignof__(*snap),
				 fold_block);
	if (ret)
		return ret;
	st.quiet = true;
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap) {
		ret = -ENOMEM;
		goto out;
	}
	cpus_read_lock();
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu >= nr_cpu_ids) {
		cpus_read_unlock();
		pr_info("selftest: stuck writer: one vCPU online, skipped\n");
		goto out;
	}
	/* Two samples and a consistent read: the CPU's last good copy. */
	smp_call_function_single(cpu, record_one, &st, 1);
	smp_call_function_single(cpu, record_one, &st, 1);
	pvtrace_stats_read_cpu(&st, cpu, snap);
	/* Then a third sample, left half-written while the read runs. */
	sync = &((struct pvtrace_selftest_block *)per_cpu_ptr(st.pcpu, cpu))->sync;
	exit0 = READ_ONCE(sync->exit);
	smp_call_function_single(cpu, stuck_writer, &st, 0);
	for (wait = 0; wait < 1000 && READ_ONCE(sync->enter) == READ_ONCE(sync->exit);
	     wait++)
		usleep_range(100, 200);
	staged = READ_ONCE(sync->enter) != READ_ONCE(sync->exit);
	t0 = ktime_get_ns();
	pvtrace_stats_read_cpu(&st, cpu, snap);
	ms = (ktime_get_ns() - t0) / NSEC_PER_MSEC;
	/* Open before the read and still open after it: all through. */
	staged = staged && READ_ONCE(sync->exit) == exit0;
	/*
	 * The stuck update must end before the block goes, however long its
	 * vCPU waits for the CPU (not a fixed delay: under steal the IPI may
	 * not even have started). The CPU stays online meanwhile.
	 */
	while (READ_ONCE(sync->exit) == exit0)
		usleep_range(1000, 2000);
	cpus_read_unlock();
	if (!staged) {
		ret = -EAGAIN;
	} else if (pvtrace_hist_count(&snap->hist) != 2 ||
		   snap->hist.sum_ns != 2 || st.torn != 1 || ms >= STUCK_MS) {
		pr_err("selftest: stuck writer: read %llu samples (sum %llu) in %llu ms, %llu torn; want the last good copy (2, 2), 1 torn, under %u ms\n",
		       pvtrace_hist_count(&snap->hist), snap->hist.sum_ns, ms,
		       st.torn, STUCK_MS);
		ret = -ENOTRECOVERABLE;
	} else {
		pr_info("selftest: stuck writer: the read gave up after %llu ms with the last consistent copy\n",
			ms);
	}
out:
	kfree(snap);
	pvtrace_stats_destroy(&st);
	return ret;
}

static int run_stuck(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < STUCK_TRIES; i++) {
		ret = stuck_once();
		if (ret != -EAGAIN)
			return ret;
	}
	pr_info("selftest: stuck writer: not staged in %u tries (the update was never open all through the read: heavy steal); skipped\n",
		STUCK_TRIES);
	return 0;
}

/**
 * pvtrace_selftest_run() - run the core's self-test
 *
 * Return: 0 if it passed, -ENOTRECOVERABLE if it failed (after a log line
 * naming the failing check), or -ENOMEM.
 */
int pvtrace_selftest_run(void)
{
	int ret;

	ret = pvtrace_stats_init(&edges, sizeof(struct pvtrace_selftest_block),
				 __alignof__(struct pvtrace_selftest_block),
				 fold_block);
	if (ret)
		return ret;

	cpus_read_lock();
	on_each_cpu(record_edges, NULL, 1);
	ret = check_edges();
	cpus_read_unlock();
	if (!ret)
		ret = run_concurrency();
	if (!ret)
		ret = run_stuck();
	if (ret) {
		pvtrace_stats_destroy(&edges);
		return ret;
	}
	edges_ready = true;
	pr_info("selftest: passed\n");
	return 0;
}

void pvtrace_selftest_exit(void)
{
	if (edges_ready)
		pvtrace_stats_destroy(&edges);
	edges_ready = false;
}

/* The edge-value statistics, or NULL when the self-test did not run. */
struct pvtrace_stats *pvtrace_selftest_stats(void)
{
	return edges_ready ? &edges : NULL;
}
