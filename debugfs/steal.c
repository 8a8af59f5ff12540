// SPDX-License-Identifier: GPL-2.0
/*
 * The steal hook's files: per-vCPU totals (steal), the Xen runstate
 * breakdown (runstate, Xen runstate mode only), and the two distributions
 * (steal_interval_hist, steal_ratio_hist); plus the hook's records in the
 * summary. Formats: Documentation/ABI/testing/debugfs-pvtrace.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/steal.h>

#include "views.h"

#define STEAL_COLUMNS "cpu steal_ns runnable_ns offline_ns generic_ns " \
	"elapsed_ns backward_jumps intervals windows sampler_ns"
#define RUNSTATE_COLUMNS "cpu state running_ns runnable_ns blocked_ns " \
	"offline_ns elapsed_ns"

/* Fresh totals of every possible CPU, or NULL. */
static struct pvtrace_steal_acc *read_totals(void)
{
	struct pvtrace_steal_acc *acc;

	acc = kcalloc(nr_cpu_ids, sizeof(*acc), GFP_KERNEL);
	if (acc)
		pvtrace_steal_read(acc);
	return acc;
}

static int steal_show(struct seq_file *m, void *unused)
{
	struct pvtrace_stats *st = pvtrace_steal_stats();
	enum pvtrace_steal_source src = pvtrace_steal_mode();
	struct pvtrace_steal_block *snap;
	struct pvtrace_steal_acc *acc;
	unsigned int cpu;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	acc = read_totals();
	if (!snap || !acc) {
		kfree(snap);
		kfree(acc);
		return -ENOMEM;
	}
	pvtrace_seq_header(m, STEAL_COLUMNS);
	for_each_possible_cpu(cpu) {
		const struct pvtrace_steal_acc *a = &acc[cpu];

		pvtrace_stats_read_cpu(st, cpu, snap);
		seq_printf(m, "%u %llu ", cpu, pvtrace_steal_total(a, src));
		if (src == PVTRACE_STEAL_RUNSTATE)
			seq_printf(m, "%llu %llu ",
				   a->runstate_ns[PVTRACE_RUNSTATE_RUNNABLE],
				   a->runstate_ns[PVTRACE_RUNSTATE_OFFLINE]);
		else
			seq_puts(m, "- - ");
		seq_printf(m, "%llu %llu %llu %llu %llu %llu\n", a->generic_ns,
			   a->elapsed_ns, a->backward_jumps, snap->intervals,
			   snap->windows, snap->sampler_ns);
	}
	kfree(acc);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(steal);

static int runstate_show(struct seq_file *m, void *unused)
{
	struct pvtrace_steal_acc *acc = read_totals();
	unsigned int cpu, i;

	if (!acc)
		return -ENOMEM;
	pvtrace_seq_header(m, RUNSTATE_COLUMNS);
	for_each_possible_cpu(cpu) {
		const struct pvtrace_steal_acc *a = &acc[cpu];

		seq_printf(m, "%u %s", cpu, pvtrace_runstate_name(a->state));
		for (i = 0; i < PVTRACE_RUNSTATES; i++)
			seq_printf(m, " %llu", a->runstate_ns[i]);
		seq_printf(m, " %llu\n", a->elapsed_ns);
	}
	kfree(acc);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(runstate);

static int steal_interval_hist_show(struct seq_file *m, void *unused)
{
	struct pvtrace_steal_block *snap;
	unsigned int cpu;
	char key[16];

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu lo_ns hi_ns count");
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(pvtrace_steal_stats(), cpu, snap);
		snprintf(key, sizeof(key), "%u", cpu);
		pvtrace_seq_hist(m, key, &snap->interval);
	}
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(steal_interval_hist);

static int steal_ratio_hist_show(struct seq_file *m, void *unused)
{
	struct pvtrace_steal_block *snap;
	unsigned int cpu, i;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu lo_pct hi_pct count");
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(pvtrace_steal_stats(), cpu, snap);
		for (i = 0; i < PVTRACE_STEAL_RATIO_BUCKETS; i++)
			seq_printf(m, "%u %llu %llu %llu\n", cpu,
				   pvtrace_steal_ratio_lo(i),
				   pvtrace_steal_ratio_hi(i), snap->ratio[i]);
	}
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(steal_ratio_hist);

void pvtrace_debugfs_steal(struct dentry *dir)
{
	debugfs_create_file("steal", 0444, dir, NULL, &steal_fops);
	if (pvtrace_steal_mode() == PVTRACE_STEAL_RUNSTATE)
		debugfs_create_file("runstate", 0444, dir, NULL, &runstate_fops);
	debugfs_create_file("steal_interval_hist", 0444, dir, NULL,
			    &steal_interval_hist_fops);
	debugfs_create_file("steal_ratio_hist", 0444, dir, NULL,
			    &steal_ratio_hist_fops);
}

/* Summary records; printed whether or not the hook is on. */
void pvtrace_steal_seq_summary(struct seq_file *m)
{
	seq_printf(m, "steal_source %s\n",
		   pvtrace_steal_source_name(pvtrace_steal_mode()));
	seq_printf(m, "steal_interval_ms %u\n", pvtrace_steal_interval_ms());
	seq_printf(m, "tick_ns %lu\n", (unsigned long)TICK_NSEC);
}
