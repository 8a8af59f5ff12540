// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvtrace/recorder/ and pvtrace/slowest: presentation of
 * the flight recorder and of the slowest calls, from the snapshots of
 * include/pvtrace/recorder_read.h (module/recorder_read.c).
 * Formats: Documentation/ABI/testing/debugfs-pvtrace.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kallsyms.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>
#include <pvtrace/recorder_read.h>
#include <pvtrace/upcall.h>

#include "views.h"

#define REC_COLUMNS "time_ns cpu event name detail duration_ns value errno site module"

static const char *const event_names[PVTRACE_REC_TYPES] = {
	[PVTRACE_REC_HCALL] = "hcall",
	[PVTRACE_REC_UPCALL] = "upcall",
	[PVTRACE_REC_STEAL] = "steal",
};

/* The columns after "cpu" of one record. */
static void show_rec(struct seq_file *m, const struct pvtrace_rec *r)
{
	char sym[KSYM_SYMBOL_LEN], name[PVTRACE_CHAN_NAME];
	const char *mod = "-";
	unsigned int i;

	seq_printf(m, "%s ", r->type < PVTRACE_REC_TYPES && event_names[r->type] ?
		   event_names[r->type] : "unknown");
	switch (r->type) {
	case PVTRACE_REC_HCALL:
		if (r->nr < PVTRACE_HCALL_NR && pvtrace_hcall_names[r->nr])
			seq_printf(m, "%s ", pvtrace_hcall_names[r->nr]);
		else if (r->nr < PVTRACE_HCALL_NR)
			seq_printf(m, "hcall_%u ", r->nr);
		else
			seq_puts(m, "out_of_range ");
		if (r->slot >= PVTRACE_SLOT_SUB0 && r->slot < PVTRACE_SLOT_BADNR)
			seq_printf(m, "%s ",
				   pvtrace_sub_names[r->slot - PVTRACE_SLOT_SUB0]);
		else
			seq_puts(m, "- ");
		seq_printf(m, "%llu ", r->dur_ns);
		if (r->value >= 0)
			seq_printf(m, "%lld - ", r->value);
		else
			seq_printf(m, "- %lld ", -r->value);
		if (r->site == PVTRACE_SITE_UNLOADED) {
			seq_puts(m, "- unloaded\n");
			break;
		}
		sprint_symbol(sym, r->site);
		pvtrace_split_symbol(sym, &mod);
		seq_printf(m, "%s %s\n", sym, mod);
		break;
	case PVTRACE_REC_UPCALL:
		seq_puts(m, "upcall ");
		for (i = 0; i < r->nports && i < PVTRACE_REC_PORTS; i++)
			seq_printf(m, "%s%u", i ? "," : "", r->port[i]);
		seq_printf(m, "%s %llu %lld - ",
			   !r->nports ? "-" :
			   r->nports > PVTRACE_REC_PORTS ? "+" : "",
			   r->dur_ns, r->value);
		if (r->nports && pvtrace_upcall_port_name(r->port[0], name,
							  sizeof(name)))
			seq_printf(m, "%s -\n", name);
		else
			seq_puts(m, "- -\n");
		break;
	default:
		seq_printf(m, "steal - %llu %lld - - -\n", r->dur_ns, r->value);
		break;
	}
}

/* recorder/trace: the recording in time order. */

static void *trace_start(struct seq_file *m, loff_t *pos)
{
	struct pvtrace_rec_snap *snap = m->private;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	return (u64)*pos <= snap->n ? pos : NULL;
}

static void *trace_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return trace_start(m, pos);
}

static void trace_stop(struct seq_file *m, void *v)
{
}

static int trace_show(struct seq_file *m, void *v)
{
	struct pvtrace_rec_snap *snap = m->private;
	const struct pvtrace_rec *r;
	unsigned int cpu;

	if (v == SEQ_START_TOKEN) {
		pvtrace_seq_header(m, REC_COLUMNS);
		return 0;
	}
	r = pvtrace_rec_at(snap, *(loff_t *)v - 1, &cpu);
	seq_printf(m, "%llu %u ", pvtrace_tb_ns(&snap->tb, r->tsc), cpu);
	show_rec(m, r);
	return 0;
}

static const struct seq_operations trace_seq_ops = {
	.start = trace_start,
	.next = trace_next,
	.stop = trace_stop,
	.show = trace_show,
};

static int trace_open(struct inode *inode, struct file *file)
{
	struct pvtrace_rec_snap *snap;
	int ret;

	snap = __seq_open_private(file, &trace_seq_ops, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	ret = pvtrace_rec_snapshot(snap);
	if (ret)
		seq_release_private(inode, file);
	return ret;
}

static int trace_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	pvtrace_rec_snapshot_put(m->private);
	return seq_release_private(inode, file);
}

static const struct file_operations trace_fops = {
	.owner = THIS_MODULE,
	.open = trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = trace_release,
};

/* recorder/status */

static int status_show(struct seq_file *m, void *unused)
{
	struct pvtrace_rec_status *st = kmalloc(sizeof(*st), GFP_KERNEL);
	struct pvtrace_slow_entry *e = kmalloc_array(PVTRACE_SLOW_MAX,
						     sizeof(*e), GFP_KERNEL);
	u64 skipped[PVTRACE_SLOW_KINDS] = {};
	unsigned int k;
	int ret = 0;

	if (!st || !e) {
		ret = -ENOMEM;
		goto out;
	}
	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		ret = pvtrace_slow_read(k, e, &skipped[k]);
		if (ret < 0)
			goto out;
	}
	ret = 0;
	pvtrace_rec_read_status(st);
	pvtrace_seq_header(m, "key value");
	seq_printf(m, "state %s\n", pvtrace_rec_state_name(st->state));
	seq_printf(m, "duration_ms %lu\n", st->duration_ms);
	seq_printf(m, "filter %s\n", st->filter);
	seq_printf(m, "buffer_kb %u\n", st->buffer_kb);
	seq_printf(m, "capacity %llu\n", st->capacity);
	if (st->start_ns)
		seq_printf(m, "start_ns %llu\n", st->start_ns);
	else
		seq_puts(m, "start_ns -\n");
	if (st->stop_ns)
		seq_printf(m, "stop_ns %llu\n", st->stop_ns);
	else
		seq_puts(m, "stop_ns -\n");
	seq_printf(m, "records %llu\n", st->records);
	seq_printf(m, "lost %llu\n", st->lost);
	seq_printf(m, "incomplete %llu\n", st->incomplete);
	seq_printf(m, "slowest_n %u\n", st->slowest_n);
	seq_printf(m, "slowest_skipped_hcall %llu\n",
		   skipped[PVTRACE_SLOW_HCALL]);
	seq_printf(m, "slowest_skipped_upcall %llu\n",
		   skipped[PVTRACE_SLOW_UPCALL]);
out:
	kfree(e);
	kfree(st);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(status);

/* recorder/percpu */

static int percpu_show(struct seq_file *m, void *unused)
{
	u64 records, lost, cap;
	unsigned int cpu;

	pvtrace_seq_header(m, "cpu records lost capacity");
	for_each_possible_cpu(cpu) {
		if (pvtrace_rec_read_cpu(cpu, &records, &lost, &cap))
			seq_printf(m, "%u %llu %llu %llu\n", cpu, records, lost,
				   cap);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu);

/* slowest: hypercalls, then upcalls, each slowest first. */

static int slowest_show(struct seq_file *m, void *unused)
{
	struct pvtrace_slow_entry *e = kmalloc_array(PVTRACE_SLOW_MAX,
						     sizeof(*e), GFP_KERNEL);
	struct pvtrace_tb *tb = kmalloc(sizeof(*tb), GFP_KERNEL);
	u64 skipped;
	unsigned int k;
	int i, n = 0;

	if (!e || !tb) {
		n = -ENOMEM;
		goto out;
	}
	pvtrace_clock_snapshot(tb);
	pvtrace_seq_header(m, "rank " REC_COLUMNS);
	for (k = 0; k < PVTRACE_SLOW_KINDS; k++) {
		n = pvtrace_slow_read(k, e, &skipped);
		if (n < 0)
			goto out;
		for (i = 0; i < n; i++) {
			seq_printf(m, "%d %llu %u ", i + 1,
				   pvtrace_tb_ns(tb, e[i].rec.tsc), e[i].cpu);
			show_rec(m, &e[i].rec);
		}
	}
	n = 0;
out:
	kfree(tb);
	kfree(e);
	return n;
}
DEFINE_SHOW_ATTRIBUTE(slowest);

void pvtrace_debugfs_recorder(struct dentry *dir)
{
	struct dentry *d = debugfs_create_dir("recorder", dir);

	debugfs_create_file("status", 0444, d, NULL, &status_fops);
	debugfs_create_file("percpu", 0444, d, NULL, &percpu_fops);
	debugfs_create_file("trace", 0444, d, NULL, &trace_fops);
	debugfs_create_file("slowest", 0444, dir, NULL, &slowest_fops);
}
