// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvtrace/drivers/: presentation of the PV driver
 * hook's statistics (module/drivers.c). Formats: Documentation/ABI/
 * testing/debugfs-pvtrace.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/drivers.h>

#include "views.h"

#define FUNCTIONS_COLUMNS \
	"target role state calls total_ns max_ns missed error"
#define XENBUS_COLUMNS "type kernel_calls total_ns max_ns user_calls"

/*
 * Sum @st over every vCPU into a buffer of its size and print the sum with
 * @show: every file here but functions_percpu is one such sum.
 */
static int show_sum(struct seq_file *m, struct pvtrace_stats *st,
		    void (*show)(struct seq_file *m, const void *sum))
{
	void *sum = kmalloc(st->size, GFP_KERNEL);
	int ret;

	if (!sum)
		return -ENOMEM;
	ret = pvtrace_stats_read_sum(st, sum);
	if (!ret)
		show(m, sum);
	kfree(sum);
	return ret;
}

static void functions_print(struct seq_file *m, const void *sum)
{
	const struct pvtrace_drv_cpu *s = sum;
	struct pvtrace_drv_info info;
	unsigned int i;

	pvtrace_seq_header(m, FUNCTIONS_COLUMNS);
	for (i = 0; pvtrace_drv_info(i, &info); i++) {
		const struct pvtrace_hist *h = &s->lat[i];

		seq_printf(m, "%s %s %s %llu %llu %llu %lu ", info.name,
			   info.role, pvtrace_drv_state_name(info.state),
			   pvtrace_hist_count(h), h->sum_ns, h->max_ns,
			   info.missed);
		if (info.err)
			seq_printf(m, "%d\n", -info.err);
		else
			seq_puts(m, "-\n");
	}
}

static int functions_show(struct seq_file *m, void *unused)
{
	return show_sum(m, pvtrace_drv_stats(), functions_print);
}
DEFINE_SHOW_ATTRIBUTE(functions);

static int functions_percpu_show(struct seq_file *m, void *unused)
{
	struct pvtrace_drv_info info;
	struct pvtrace_drv_cpu *s;
	unsigned int cpu, i;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu target calls total_ns max_ns");
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(pvtrace_drv_stats(), cpu, s);
		for (i = 0; pvtrace_drv_info(i, &info); i++) {
			const struct pvtrace_hist *h = &s->lat[i];

			seq_printf(m, "%u %s %llu %llu %llu\n", cpu, info.name,
				   pvtrace_hist_count(h), h->sum_ns, h->max_ns);
		}
	}
	kfree(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(functions_percpu);

static void latency_print(struct seq_file *m, const void *sum)
{
	const struct pvtrace_drv_cpu *s = sum;
	struct pvtrace_drv_info info;
	unsigned int i;

	pvtrace_seq_header(m, "target lo_ns hi_ns count");
	for (i = 0; pvtrace_drv_info(i, &info); i++)
		pvtrace_seq_hist(m, info.name, &s->lat[i]);
}

static int latency_show(struct seq_file *m, void *unused)
{
	return show_sum(m, pvtrace_drv_stats(), latency_print);
}
DEFINE_SHOW_ATTRIBUTE(latency);

static void xenbus_print(struct seq_file *m, const void *sum)
{
	const struct pvtrace_drv_xs_cpu *x = sum;
	unsigned int t;

	pvtrace_seq_header(m, XENBUS_COLUMNS);
	for (t = 0; t < PVTRACE_XS_TYPES; t++) {
		const struct pvtrace_hist *h = &x->kernel[t];

		seq_printf(m, "%s %llu %llu %llu %llu\n",
			   pvtrace_xs_type_name(t), pvtrace_hist_count(h),
			   h->sum_ns, h->max_ns, x->user[t]);
	}
}

static int xenbus_show(struct seq_file *m, void *unused)
{
	return show_sum(m, pvtrace_drv_xs_stats(), xenbus_print);
}
DEFINE_SHOW_ATTRIBUTE(xenbus);

static void xenbus_latency_print(struct seq_file *m, const void *sum)
{
	const struct pvtrace_drv_xs_cpu *x = sum;
	unsigned int t;

	pvtrace_seq_header(m, "type lo_ns hi_ns count");
	for (t = 0; t < PVTRACE_XS_TYPES; t++)
		pvtrace_seq_hist(m, pvtrace_xs_type_name(t), &x->kernel[t]);
}

static int xenbus_latency_show(struct seq_file *m, void *unused)
{
	return show_sum(m, pvtrace_drv_xs_stats(), xenbus_latency_print);
}
DEFINE_SHOW_ATTRIBUTE(xenbus_latency);

void pvtrace_debugfs_drivers(struct dentry *parent)
{
	struct dentry *d = debugfs_create_dir("drivers", parent);

	debugfs_create_file("functions", 0444, d, NULL, &functions_fops);
	debugfs_create_file("functions_percpu", 0444, d, NULL,
			    &functions_percpu_fops);
	debugfs_create_file("latency", 0444, d, NULL, &latency_fops);
	debugfs_create_file("xenbus", 0444, d, NULL, &xenbus_fops);
	debugfs_create_file("xenbus_latency", 0444, d, NULL,
			    &xenbus_latency_fops);
}
