// SPDX-License-Identifier: GPL-2.0
/*
 * Wait until every online CPU has passed through the scheduler.
 *
 * Code of this module runs where RCU does not watch: the hypercall stub
 * in the idle loop (a PV vCPU blocked in SCHEDOP_block), in NMI, in early
 * entry, and the recorder's writers inlined there. Before its text or a
 * buffer goes, every CPU that may be inside must have left. A CPU that
 * runs a work item of ours has left every non-preemptible section it was
 * in; a task preempted inside one is waited for by
 * synchronize_rcu_tasks(), a call still inside a hypercall by the stub's
 * in-flight count.
 *
 * Up to 6.12, synchronize_rcu_tasks_rude() did exactly this (with
 * schedule_on_each_cpu(), which is not exported). From 6.13 ("rcu: Allow
 * short-circuiting of synchronize_rcu_tasks_rude()") it returns at once
 * on architectures with ARCH_WANTS_NO_INSTR, x86 among them, on the
 * grounds that code where RCU does not watch is noinstr and untraceable,
 * which is not true of this module's. So pvtrace waits for itself, the
 * same way on every kernel line.
 */
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>

#include <pvtrace/pvtrace.h>

static DEFINE_MUTEX(sync_lock);		/* the work items */
static struct work_struct __percpu *sync_works;

static void sync_nop(struct work_struct *work)
{
}

/* At load: nothing to allocate when it is needed, at unload. */
int pvtrace_sync_init(void)
{
	sync_works = alloc_percpu(struct work_struct);
	return sync_works ? 0 : -ENOMEM;
}

void pvtrace_sync_exit(void)
{
	free_percpu(sync_works);
	sync_works = NULL;
}

/**
 * pvtrace_sync_cpus() - every online CPU passes through the scheduler
 *
 * A work item on each online CPU, then a wait for all of them. An idle
 * vCPU blocked in a hypercall is woken by it (the IPI is an event). May
 * sleep; takes the CPU hotplug lock.
 */
void pvtrace_sync_cpus(void)
{
	unsigned int cpu;

	mutex_lock(&sync_lock);
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct work_struct *w = per_cpu_ptr(sync_works, cpu);

		INIT_WORK(w, sync_nop);
		queue_work_on(cpu, system_highpri_wq, w);
	}
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(sync_works, cpu));
	cpus_read_unlock();
	mutex_unlock(&sync_lock);
}
