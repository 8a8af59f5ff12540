// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvtrace/: presentation only. Every file is read-only
 * (debugfs under lockdown refuses anything else); controls are module
 * parameters. Return values of debugfs_create_*() are deliberately not
 * checked: statistics must not change behaviour when debugfs is absent.
 *
 * This file owns the directory, the core's files (version, summary, the
 * self-test's) and the table of views: which files each hook gets, by the
 * hook's name. module/main.c hands over the hooks it installed, once; the
 * views read the hooks through their snapshot functions only
 * (Documentation/layout.rst).
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/timebase.h>

#include "views.h"

static struct dentry *pvtrace_dir;

/* The hooks installed (module/main.c's array), for the summary. */
static const struct pvtrace_hook *const *hooks;
static unsigned int nhooks;

/* Each hook's view: the function that creates its files, by hook name. */
static const struct {
	const char *hook;
	void (*create)(struct dentry *dir);
} views[] = {
	{ "drivers", pvtrace_debugfs_drivers },
	{ "hypercalls", pvtrace_debugfs_hcall },
	{ "upcalls", pvtrace_debugfs_upcall },
	{ "steal", pvtrace_debugfs_steal },
};

static int version_show(struct seq_file *m, void *unused)
{
	pvtrace_seq_header(m, "name version");
	seq_printf(m, "pvtrace %s\n", PVTRACE_VERSION);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(version);

static void show_xen_version(struct seq_file *m)
{
	int v = pvtrace_env.xen_version;

	if (!pvtrace_guest_is_xen(pvtrace_env.guest)) {
		seq_puts(m, "xen_version -\n");
		return;
	}
	seq_printf(m, "xen_version %d.%d\n", v >> 16, v & 0xffff);
}

/* The installed hooks' names, comma-separated, or "none". */
static void show_hooks(struct seq_file *m)
{
	unsigned int i;

	seq_puts(m, "hooks ");
	for (i = 0; i < nhooks; i++)
		seq_printf(m, "%s%s", i ? "," : "", hooks[i]->name);
	if (!nhooks)
		seq_puts(m, "none");
	seq_putc(m, '\n');
}

static int summary_show(struct seq_file *m, void *unused)
{
	const struct pvtrace_env *env = &pvtrace_env;

	pvtrace_seq_header(m, "key value");
	seq_printf(m, "version %s\n", PVTRACE_VERSION);
	seq_printf(m, "kernel %s\n", init_utsname()->release);
	seq_printf(m, "guest_type %s\n", pvtrace_guest_name(env->guest));
	seq_printf(m, "xen_initial_domain %d\n", env->xen_initial);
	show_xen_version(m);
	seq_printf(m, "vcpus_online %u\n", num_online_cpus());
	seq_printf(m, "vcpus_possible %u\n", num_possible_cpus());
	show_hooks(m);
	seq_printf(m, "selftest %s\n",
		   pvtrace_selftest_stats() ? "passed" : "off");
	seq_printf(m, "torn_reads %llu\n", pvtrace_stats_torn_reads());
	seq_printf(m, "percpu_bytes %lu\n", pvtrace_mem_percpu());
	seq_printf(m, "percpu_copy_bytes %lu\n",
		   pvtrace_mem_copies() / num_possible_cpus());
	seq_printf(m, "timing %d\n", pvtrace_timing());
	pvtrace_steal_seq_summary(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

static int selftest_hist_show(struct seq_file *m, void *unused)
{
	struct pvtrace_stats *st = m->private;
	struct pvtrace_selftest_block *sum;
	int ret;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	ret = pvtrace_stats_read_sum(st, sum);
	if (!ret) {
		pvtrace_seq_header(m, "lo_ns hi_ns count");
		pvtrace_seq_hist(m, NULL, &sum->hist);
	}
	kfree(sum);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(selftest_hist);

static int selftest_cpus_show(struct seq_file *m, void *unused)
{
	struct pvtrace_stats *st = m->private;
	struct pvtrace_selftest_block *snap;
	unsigned int cpu;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu count sum_ns max_ns");
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(st, cpu, snap);
		seq_printf(m, "%u %llu %llu %llu\n", cpu,
			   pvtrace_hist_count(&snap->hist), snap->hist.sum_ns,
			   snap->hist.max_ns);
	}
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(selftest_cpus);

/* The files of hook @h, if it has a view. */
static void create_view(const struct pvtrace_hook *h)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(views); i++) {
		if (!strcmp(views[i].hook, h->name))
			views[i].create(pvtrace_dir);
	}
}

void pvtrace_debugfs_init(const struct pvtrace_hook *const *installed,
			  unsigned int n)
{
	struct pvtrace_stats *st = pvtrace_selftest_stats();
	unsigned int i;

	hooks = installed;
	nhooks = n;

	pvtrace_dir = debugfs_create_dir("pvtrace", NULL);
	debugfs_create_file("version", 0444, pvtrace_dir, NULL, &version_fops);
	debugfs_create_file("summary", 0444, pvtrace_dir, NULL, &summary_fops);
	if (st) {
		debugfs_create_file("selftest_hist", 0444, pvtrace_dir,
				    (void *)st, &selftest_hist_fops);
		debugfs_create_file("selftest_cpus", 0444, pvtrace_dir,
				    (void *)st, &selftest_cpus_fops);
	}
	for (i = 0; i < n; i++)
		create_view(hooks[i]);
	pvtrace_debugfs_recorder(pvtrace_dir);
}

/* Returns once no reader is inside any of the files. */
void pvtrace_debugfs_exit(void)
{
	debugfs_remove(pvtrace_dir);
	pvtrace_dir = NULL;
	nhooks = 0;
}
