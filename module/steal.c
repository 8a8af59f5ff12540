// SPDX-License-Identifier: GPL-2.0
/*
 * The steal hook: per vCPU, how much time the hypervisor took from it,
 * and in what bursts.
 *
 * A sampler per online CPU (a delayed work, bound to that CPU, every
 * steal_interval_ms) reads the CPU's own steal sources, folds the reading
 * into totals that never go backwards (include/pvtrace/steal.h), and
 * records the steal of the interval into a log2 histogram and, every
 * steal_window intervals, the window's steal ratio into a percent
 * histogram. Readers of the debugfs files first have every online CPU
 * take a fresh reading, so totals are current when read.
 *
 * Why a work in process context and not an hrtimer: on Xen the runstate
 * read is a hypercall, and a timer callback runs inside the timer upcall,
 * where the hypercall would be counted by, and inflate, pvtrace's own
 * hypercall and upcall statistics. Each online vCPU makes one
 * VCPUOP_get_runstate_info hypercall per interval (10 per second at the
 * default 100 ms), plus one per debugfs read of a steal file.
 *
 * Why each CPU reads itself: the kernel's steal counter only advances at
 * that CPU's tick, and Xen only updates a vCPU's runstate times when its
 * state changes. Read on the CPU itself, while it runs, both are at most
 * about one tick behind the truth; read from elsewhere, a descheduled or
 * long-running vCPU can be behind by a whole time slice.
 *
 * Locking: each CPU's totals are under that CPU's mutex (its sampler and
 * the readers' refreshes are both works in process context). The
 * histograms live in a per-CPU statistics block written only by the
 * CPU's own sampler (include/pvtrace/stats.h).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/jiffies.h>
#include <linux/kernel_stat.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/vcpu.h>
#include <xen/xen-ops.h>

#include <pvtrace/compat.h>
#include <pvtrace/pvtrace.h>
#include <pvtrace/recorder.h>
#include <pvtrace/steal.h>
#include <pvtrace/trace.h>

#define STEAL_INTERVAL_MIN_MS	10
#define STEAL_INTERVAL_MAX_MS	60000
#define STEAL_WINDOW_MAX	10000

static unsigned int steal_interval_ms = 100;
static unsigned int steal_window = 10;
static bool steal_force_generic;

/* -EINVAL makes the kernel log one line naming the parameter and value. */
static int set_interval(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < STEAL_INTERVAL_MIN_MS ||
	    v > STEAL_INTERVAL_MAX_MS)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static int set_window(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < 1 || v > STEAL_WINDOW_MAX)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static int set_source(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "auto"))
		steal_force_generic = false;
	else if (sysfs_streq(val, "generic"))
		steal_force_generic = true;
	else
		return -EINVAL;
	return 0;
}

static int get_source(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%s\n", steal_force_generic ? "generic" : "auto");
}

static const struct kernel_param_ops interval_ops = {
	.set = set_interval,
	.get = param_get_uint,
};

static const struct kernel_param_ops window_ops = {
	.set = set_window,
	.get = param_get_uint,
};

static const struct kernel_param_ops source_ops = {
	.set = set_source,
	.get = get_source,
};

/* Read-only at runtime: a running sampler never sees them change. */
module_param_cb(steal_interval_ms, &interval_ops, &steal_interval_ms, 0444);
MODULE_PARM_DESC(steal_interval_ms,
		 "Steal sampling interval per vCPU, ms, 10..60000 (default: 100)");
module_param_cb(steal_window, &window_ops, &steal_window, 0444);
MODULE_PARM_DESC(steal_window,
		 "Intervals per steal-ratio window, 1..10000 (default: 10)");
module_param_cb(steal_source, &source_ops, NULL, 0444);
MODULE_PARM_DESC(steal_source,
		 "auto: Xen runstate when available, else the kernel's steal counter; generic: always the kernel's steal counter (default: auto)");

/* What one CPU's sampler records; see pvtrace_steal_stats(). */
struct steal_cpu {
	struct mutex lock;		/* everything below but @work */
	struct delayed_work work;
	unsigned int cpu;
	bool active;			/* online, sampler armed */
	bool rebase;			/* next sample only sets the baseline */
	struct pvtrace_steal_acc acc;
	u64 base_steal_ns;		/* totals at the previous sample */
	u64 base_elapsed_ns;
	struct pvtrace_steal_window win;
};

static DEFINE_PER_CPU(struct steal_cpu, steal_cpus);
static enum pvtrace_steal_source steal_mode = PVTRACE_STEAL_NONE;
static struct pvtrace_stats steal_stats;
static struct workqueue_struct *steal_wq;
static int steal_hp_state;

/*
 * The kernel's steal counter of @cpu, as /proc/stat shows it, in ns. Read
 * directly: kcpustat_field() adds nothing to CPUTIME_STEAL on any line,
 * and its arguments changed in 7.x.
 */
static u64 read_generic(unsigned int cpu)
{
	return READ_ONCE(kcpustat_cpu(cpu).cpustat[CPUTIME_STEAL]);
}

static int read_runstate(unsigned int cpu, struct vcpu_runstate_info *info)
{
	return HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, xen_vcpu_nr(cpu),
				  info);
}

/* Take a reading of @sc's CPU and fold it in; on that CPU, @sc->lock held. */
static void steal_refresh(struct steal_cpu *sc)
{
	struct pvtrace_steal_reading r = {};
	struct vcpu_runstate_info info;
	unsigned int i;

	lockdep_assert_held(&sc->lock);
	if (steal_mode == PVTRACE_STEAL_RUNSTATE &&
	    !read_runstate(sc->cpu, &info)) {
		for (i = 0; i < PVTRACE_RUNSTATES; i++)
			r.runstate_ns[i] = info.time[i];
		r.state = info.state;
	} else if (steal_mode == PVTRACE_STEAL_RUNSTATE) {
		/* A refused read keeps the last values: counted as no change. */
		memcpy(r.runstate_ns, sc->acc.last.runstate_ns,
		       sizeof(r.runstate_ns));
		r.state = sc->acc.state;
	}
	r.generic_ns = read_generic(sc->cpu);
	r.time_ns = ktime_get_ns();
	pvtrace_steal_acc_update(&sc->acc, &r);
}

static void set_baseline(struct steal_cpu *sc)
{
	sc->base_steal_ns = pvtrace_steal_total(&sc->acc, steal_mode);
	sc->base_elapsed_ns = sc->acc.elapsed_ns;
	memset(&sc->win, 0, sizeof(sc->win));
	sc->rebase = false;
}

/* Record the interval since the baseline; on the sampled CPU. */
static void record_interval(struct steal_cpu *sc, u64 start)
{
	struct pvtrace_steal_block __percpu *b = steal_stats.pcpu;
	u64 steal = pvtrace_steal_total(&sc->acc, steal_mode);
	u64 d_steal = steal - sc->base_steal_ns;
	u64 d_time = sc->acc.elapsed_ns - sc->base_elapsed_ns;
	unsigned int pct;
	bool window;

	sc->base_steal_ns = steal;
	sc->base_elapsed_ns = sc->acc.elapsed_ns;
	window = pvtrace_steal_window_add(&sc->win, d_steal, d_time,
					  steal_window, &pct);
	pvtrace_write_begin(&b->sync);
	pvtrace_hist_record(&b->interval, d_steal);
	this_cpu_inc(b->intervals);
	if (window) {
		this_cpu_inc(b->ratio[pvtrace_steal_ratio_bucket(pct)]);
		this_cpu_inc(b->windows);
	}
	this_cpu_add(b->sampler_ns, local_clock() - start);
	pvtrace_write_end(&b->sync);
	pvtrace_rec_steal(rdtsc_ordered(), d_steal, d_time);
	trace_pvtrace_steal(d_steal, d_time);
}

static void steal_sample(struct work_struct *work)
{
	struct steal_cpu *sc = container_of(to_delayed_work(work),
					    struct steal_cpu, work);
	u64 start = local_clock();

	mutex_lock(&sc->lock);
	/*
	 * A bound work runs on its CPU while that CPU is online, and the
	 * offline callback cancels it before the CPU goes; check anyway,
	 * since the histograms are written with this_cpu operations.
	 */
	if (WARN_ON_ONCE(raw_smp_processor_id() != sc->cpu) || !sc->active) {
		mutex_unlock(&sc->lock);
		return;
	}
	steal_refresh(sc);
	/*
	 * After load or onlining, the kernel's steal counter may still owe
	 * the time the vCPU was down (it is paid at the next tick): the
	 * first sample only sets the baseline, so that no interval holds it.
	 */
	if (sc->rebase)
		set_baseline(sc);
	else
		record_interval(sc, start);
	queue_delayed_work_on(sc->cpu, steal_wq, &sc->work,
			      msecs_to_jiffies(steal_interval_ms));
	mutex_unlock(&sc->lock);
}

/* cpuhp callbacks: run on the CPU coming up / going down, may sleep. */
static int steal_cpu_online(unsigned int cpu)
{
	struct steal_cpu *sc = per_cpu_ptr(&steal_cpus, cpu);

	mutex_lock(&sc->lock);
	steal_refresh(sc);
	sc->active = true;
	sc->rebase = true;
	queue_delayed_work_on(cpu, steal_wq, &sc->work,
			      msecs_to_jiffies(steal_interval_ms));
	mutex_unlock(&sc->lock);
	return 0;
}

static int steal_cpu_offline(unsigned int cpu)
{
	struct steal_cpu *sc = per_cpu_ptr(&steal_cpus, cpu);

	mutex_lock(&sc->lock);
	sc->active = false;
	mutex_unlock(&sc->lock);
	/* The work may be waiting for the lock: it sees !active and stops. */
	cancel_delayed_work_sync(&sc->work);
	mutex_lock(&sc->lock);
	/* Totals as of going down; the time down is added on return. */
	steal_refresh(sc);
	mutex_unlock(&sc->lock);
	return 0;
}

static long refresh_on_cpu(void *arg)
{
	struct steal_cpu *sc = arg;

	mutex_lock(&sc->lock);
	if (sc->active)
		steal_refresh(sc);
	mutex_unlock(&sc->lock);
	return 0;
}

/**
 * pvtrace_steal_read() - current totals of every possible CPU
 * @acc: array of nr_cpu_ids entries, filled in
 *
 * Each online CPU first takes a fresh reading of itself; offline CPUs
 * show their totals as of going down. May sleep.
 */
void pvtrace_steal_read(struct pvtrace_steal_acc *acc)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		struct steal_cpu *sc = per_cpu_ptr(&steal_cpus, cpu);

		if (cpu_online(cpu))
			work_on_cpu(cpu, refresh_on_cpu, sc);
		mutex_lock(&sc->lock);
		acc[cpu] = sc->acc;
		mutex_unlock(&sc->lock);
	}
	cpus_read_unlock();
}

unsigned int pvtrace_steal_interval_ms(void)
{
	return steal_interval_ms;
}

/* The source in use; PVTRACE_STEAL_NONE while the hook is off. */
enum pvtrace_steal_source pvtrace_steal_mode(void)
{
	return steal_mode;
}

struct pvtrace_stats *pvtrace_steal_stats(void)
{
	return &steal_stats;
}

static void fold_block(void *dst, const void *src)
{
	struct pvtrace_steal_block *d = dst;
	const struct pvtrace_steal_block *s = src;
	unsigned int i;

	pvtrace_hist_fold(&d->interval, &s->interval);
	for (i = 0; i < PVTRACE_STEAL_RATIO_BUCKETS; i++)
		d->ratio[i] += s->ratio[i];
	d->intervals += s->intervals;
	d->windows += s->windows;
	d->sampler_ns += s->sampler_ns;
}

/* Does the hypervisor offer KVM steal time? (kvm_para_has_feature() is not exported.) */
static bool kvm_has_steal_time(void)
{
	u32 base = pvtrace_cpuid_base("KVMKVMKVM\0\0\0", 0);

	return base && (cpuid_eax(base | KVM_CPUID_FEATURES) &
			BIT(KVM_FEATURE_STEAL_TIME));
}

static int steal_init(void)
{
	struct pvtrace_steal_facts f = {
		.guest = pvtrace_env.guest,
		.force_generic = steal_force_generic,
	};
	struct vcpu_runstate_info info;
	unsigned int cpu;
	int ret;

	BUILD_BUG_ON(RUNSTATE_runnable != PVTRACE_RUNSTATE_RUNNABLE ||
		     RUNSTATE_offline != PVTRACE_RUNSTATE_OFFLINE ||
		     ARRAY_SIZE(info.time) != PVTRACE_RUNSTATES);
	if (pvtrace_guest_is_xen(f.guest))
		f.runstate_ok = !read_runstate(raw_smp_processor_id(), &info);
	else if (f.guest == PVTRACE_GUEST_KVM)
		f.kvm_steal_time = kvm_has_steal_time();
	steal_mode = pvtrace_steal_decide(&f);
	if (steal_mode == PVTRACE_STEAL_NONE) {
		pr_info("steal: no steal time source in this guest; steal hook off\n");
		return -ENODEV;
	}

	ret = pvtrace_stats_init(&steal_stats, sizeof(struct pvtrace_steal_block),
				 __alignof__(struct pvtrace_steal_block),
				 fold_block);
	if (ret)
		goto out_none;
	/* High priority: a busy vCPU should not stretch the intervals. */
	steal_wq = alloc_workqueue("pvtrace_steal",
				   WQ_HIGHPRI | PVTRACE_WQ_PERCPU, 0);
	if (!steal_wq) {
		ret = -ENOMEM;
		goto out_stats;
	}
	for_each_possible_cpu(cpu) {
		struct steal_cpu *sc = per_cpu_ptr(&steal_cpus, cpu);

		memset(sc, 0, sizeof(*sc));
		mutex_init(&sc->lock);
		INIT_DELAYED_WORK(&sc->work, steal_sample);
		sc->cpu = cpu;
	}
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "pvtrace/steal:online",
				steal_cpu_online, steal_cpu_offline);
	if (ret < 0)
		goto out_wq;
	steal_hp_state = ret;
	return 0;

out_wq:
	destroy_workqueue(steal_wq);
out_stats:
	pvtrace_stats_destroy(&steal_stats);
out_none:
	steal_mode = PVTRACE_STEAL_NONE;
	return ret;
}

static void steal_exit(void)
{
	/* Runs the offline callback on every online CPU: no sampler is left. */
	cpuhp_remove_state(steal_hp_state);
	destroy_workqueue(steal_wq);
	pvtrace_stats_destroy(&steal_stats);
	steal_mode = PVTRACE_STEAL_NONE;
}

const struct pvtrace_hook pvtrace_steal_hook = {
	.name = "steal",
	.init = steal_init,
	.exit = steal_exit,
};
