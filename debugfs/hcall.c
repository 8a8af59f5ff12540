// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pvtrace/hypercalls/: presentation of the hypercall
 * hook's statistics, from the snapshots it offers (the read side of
 * include/pvtrace/hcall.h; module/hcall_stats.c). Formats:
 * Documentation/ABI/testing/debugfs-pvtrace. A multiplexed hypercall's
 * totals are the sum of its sub-command slots, folded here.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kallsyms.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/xen/hypercall.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>

#include "views.h"

#define CALLERS_PER_HCALL	8

/* Name of hypercall @nr ("hcall_<nr>" when the headers name none). */
static const char *hcall_name(int nr, char *buf, size_t len)
{
	if (nr < 0)
		return "out_of_range";
	if (nr < PVTRACE_HCALL_NR && pvtrace_hcall_names[nr])
		return pvtrace_hcall_names[nr];
	snprintf(buf, len, "hcall_%d", nr);
	return buf;
}

static void sub_value(unsigned int slot, char *buf, size_t len)
{
	u16 v = pvtrace_sub_value[slot - PVTRACE_SLOT_SUB0];

	if (v == PVTRACE_SUB_OTHER_VALUE)
		strscpy(buf, "-", len);
	else
		snprintf(buf, len, "%u", v);
}

/* Sum of a hypercall's slots (its own, or all of its sub-commands'). */
static void fold_hcall(const struct pvtrace_hcall_slot_stats *slots,
		       unsigned int nr, struct pvtrace_hcall_slot_stats *out)
{
	unsigned int mux = pvtrace_hcall_mux[nr], i, first, n;

	memset(out, 0, sizeof(*out));
	first = mux ? PVTRACE_SLOT_SUB0 + pvtrace_mux_first[mux] : nr;
	n = mux ? pvtrace_mux_count[mux] : 1;
	for (i = first; i < first + n; i++) {
		pvtrace_hist_fold(&out->lat, &slots[i].lat);
		out->untimed += slots[i].untimed;
		out->errors += slots[i].errors;
		out->redundant += slots[i].redundant;
	}
}

/* Room for every slot: allocated once per read, and filled per CPU. */
static struct pvtrace_hcall_slot_stats *alloc_slots(void)
{
	return vmalloc(PVTRACE_SLOT_NR * sizeof(struct pvtrace_hcall_slot_stats));
}

/* Every slot summed over every CPU, or NULL. */
static struct pvtrace_hcall_slot_stats *read_slots(void)
{
	struct pvtrace_hcall_slot_stats *s = alloc_slots();

	if (s)
		pvtrace_hcall_read_slots(-1, s);
	return s;
}

static void show_row(struct seq_file *m, const char *key,
		     const struct pvtrace_hcall_slot_stats *s)
{
	seq_printf(m, "%s %llu %llu %llu %llu %llu\n", key,
		   pvtrace_hcall_calls(s), s->errors, s->redundant,
		   s->lat.sum_ns, s->lat.max_ns);
}

static int totals_show(struct seq_file *m, void *unused)
{
	struct pvtrace_hcall_slot_stats *slots = read_slots(), h;
	char buf[32], key[64];
	unsigned int nr;

	if (!slots)
		return -ENOMEM;
	pvtrace_seq_header(m, "hypercall nr calls errors redundant total_ns max_ns");
	for (nr = 0; nr < PVTRACE_HCALL_NR; nr++) {
		fold_hcall(slots, nr, &h);
		if (!pvtrace_hcall_calls(&h))
			continue;
		snprintf(key, sizeof(key), "%s %u", hcall_name(nr, buf, sizeof(buf)), nr);
		show_row(m, key, &h);
	}
	if (pvtrace_hcall_calls(&slots[PVTRACE_SLOT_BADNR]))
		show_row(m, "out_of_range -", &slots[PVTRACE_SLOT_BADNR]);
	vfree(slots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(totals);

static int subcommands_show(struct seq_file *m, void *unused)
{
	struct pvtrace_hcall_slot_stats *slots = read_slots();
	char buf[32], val[16], key[96];
	unsigned int slot;

	if (!slots)
		return -ENOMEM;
	pvtrace_seq_header(m, "hypercall subcommand value calls errors redundant total_ns max_ns");
	for (slot = PVTRACE_SLOT_SUB0; slot < PVTRACE_SLOT_BADNR; slot++) {
		if (!pvtrace_hcall_calls(&slots[slot]))
			continue;
		sub_value(slot, val, sizeof(val));
		snprintf(key, sizeof(key), "%s %s %s",
			 hcall_name(pvtrace_slot_hcall(slot), buf, sizeof(buf)),
			 pvtrace_sub_names[slot - PVTRACE_SLOT_SUB0], val);
		show_row(m, key, &slots[slot]);
	}
	vfree(slots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(subcommands);

static int percpu_show(struct seq_file *m, void *unused)
{
	struct pvtrace_hcall_slot_stats *slots = alloc_slots(), h;
	char buf[32], key[64];
	unsigned int nr;
	int cpu;

	if (!slots)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu hypercall calls errors redundant total_ns max_ns");
	for_each_possible_cpu(cpu) {
		pvtrace_hcall_read_slots(cpu, slots);
		for (nr = 0; nr < PVTRACE_HCALL_NR; nr++) {
			fold_hcall(slots, nr, &h);
			if (!pvtrace_hcall_calls(&h))
				continue;
			snprintf(key, sizeof(key), "%d %s", cpu,
				 hcall_name(nr, buf, sizeof(buf)));
			show_row(m, key, &h);
		}
	}
	vfree(slots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu);

static int percpu_subcommands_show(struct seq_file *m, void *unused)
{
	struct pvtrace_hcall_slot_stats *slots = alloc_slots();
	char buf[32], key[96];
	unsigned int slot;
	int cpu;

	if (!slots)
		return -ENOMEM;
	pvtrace_seq_header(m, "cpu hypercall subcommand calls errors redundant total_ns max_ns");
	for_each_possible_cpu(cpu) {
		pvtrace_hcall_read_slots(cpu, slots);
		for (slot = PVTRACE_SLOT_SUB0; slot < PVTRACE_SLOT_BADNR; slot++) {
			if (!pvtrace_hcall_calls(&slots[slot]))
				continue;
			snprintf(key, sizeof(key), "%d %s %s", cpu,
				 hcall_name(pvtrace_slot_hcall(slot), buf, sizeof(buf)),
				 pvtrace_sub_names[slot - PVTRACE_SLOT_SUB0]);
			show_row(m, key, &slots[slot]);
		}
	}
	vfree(slots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu_subcommands);

static int latency_show(struct seq_file *m, void *unused)
{
	struct pvtrace_hcall_slot_stats *slots = read_slots(), h;
	char buf[32];
	unsigned int nr;

	if (!slots)
		return -ENOMEM;
	pvtrace_seq_header(m, "hypercall lo_ns hi_ns count");
	for (nr = 0; nr < PVTRACE_HCALL_NR; nr++) {
		fold_hcall(slots, nr, &h);
		if (pvtrace_hist_count(&h.lat))
			pvtrace_seq_hist(m, hcall_name(nr, buf, sizeof(buf)), &h.lat);
	}
	vfree(slots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(latency);

static int subcommand_latency_show(struct seq_file *m, void *unused)
{
	struct pvtrace_hcall_slot_stats *slots = read_slots();
	char buf[32], key[96];
	unsigned int slot;

	if (!slots)
		return -ENOMEM;
	pvtrace_seq_header(m, "hypercall subcommand lo_ns hi_ns count");
	for (slot = PVTRACE_SLOT_SUB0; slot < PVTRACE_SLOT_BADNR; slot++) {
		if (!pvtrace_hist_count(&slots[slot].lat))
			continue;
		snprintf(key, sizeof(key), "%s %s",
			 hcall_name(pvtrace_slot_hcall(slot), buf, sizeof(buf)),
			 pvtrace_sub_names[slot - PVTRACE_SLOT_SUB0]);
		pvtrace_seq_hist(m, key, &slots[slot].lat);
	}
	vfree(slots);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(subcommand_latency);

/*
 * A key table, by @read (pvtrace_hcall_read_errors() or _callers()), of
 * CPU @cpu or of every CPU merged (@cpu < 0); or NULL.
 */
static struct pvtrace_ktab *read_ktab(void (*read)(int cpu,
						   struct pvtrace_ktab *dst),
				      int cpu)
{
	struct pvtrace_ktab *k = kmalloc(sizeof(*k), GFP_KERNEL);

	if (k)
		read(cpu, k);
	return k;
}

/* The error records of CPU @cpu, or of every CPU summed (@cpu < 0). */
static int seq_errors(struct seq_file *m, int cpu)
{
	struct pvtrace_ktab *k = read_ktab(pvtrace_hcall_read_errors, cpu);
	char buf[32];
	unsigned int i;

	if (!k)
		return -ENOMEM;
	for (i = 0; i < PVTRACE_KTAB_SIZE; i++) {
		unsigned int slot = (k->key[i] >> 32) - 1;
		const char *sub = "-";

		if (!k->key[i] || slot >= PVTRACE_SLOT_NR)
			continue;
		if (slot >= PVTRACE_SLOT_SUB0 && slot < PVTRACE_SLOT_BADNR)
			sub = pvtrace_sub_names[slot - PVTRACE_SLOT_SUB0];
		if (cpu >= 0)
			seq_printf(m, "%d ", cpu);
		seq_printf(m, "%s %s %u %llu\n",
			   hcall_name(pvtrace_slot_hcall(slot), buf, sizeof(buf)),
			   sub, (u32)k->key[i], k->count[i]);
	}
	kfree(k);
	return 0;
}

static int errors_show(struct seq_file *m, void *unused)
{
	pvtrace_seq_header(m, "hypercall subcommand errno count");
	return seq_errors(m, -1);
}
DEFINE_SHOW_ATTRIBUTE(errors);

static int errors_percpu_show(struct seq_file *m, void *unused)
{
	unsigned int cpu;
	int ret = 0;

	pvtrace_seq_header(m, "cpu hypercall subcommand errno count");
	for_each_possible_cpu(cpu) {
		ret = seq_errors(m, cpu);
		if (ret)
			break;
	}
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(errors_percpu);

static int cmp_count_desc(const void *a, const void *b)
{
	const u64 *x = a, *y = b;	/* {key, count} pairs */

	if (x[1] != y[1])
		return x[1] < y[1] ? 1 : -1;
	return 0;
}

static int callers_show(struct seq_file *m, void *unused)
{
	struct pvtrace_ktab *k = read_ktab(pvtrace_hcall_read_callers, -1);
	char buf[32], sym[KSYM_SYMBOL_LEN];
	u64 (*pairs)[2];
	unsigned int i, n = 0, nr, shown;
	const char *mod;

	if (!k)
		return -ENOMEM;
	pairs = kmalloc_array(PVTRACE_KTAB_SIZE, sizeof(*pairs), GFP_KERNEL);
	if (!pairs) {
		kfree(k);
		return -ENOMEM;
	}
	for (i = 0; i < PVTRACE_KTAB_SIZE; i++) {
		if (k->key[i]) {
			pairs[n][0] = k->key[i];
			pairs[n][1] = k->count[i];
			n++;
		}
	}
	sort(pairs, n, sizeof(*pairs), cmp_count_desc, NULL);
	pvtrace_seq_header(m, "hypercall caller module calls");
	for (nr = 0; nr <= PVTRACE_HCALL_NR; nr++) {
		shown = 0;
		for (i = 0; i < n && shown < CALLERS_PER_HCALL; i++) {
			unsigned int knr = pvtrace_caller_nr(pairs[i][0]);

			if (knr != nr && !(nr == PVTRACE_HCALL_NR && knr > nr))
				continue;
			if (pvtrace_caller_retired(pairs[i][0])) {
				strscpy(sym, "-", sizeof(sym));
				mod = "unloaded";
			} else {
				sprint_symbol(sym, pvtrace_caller_ip(pairs[i][0]));
				pvtrace_split_symbol(sym, &mod);
			}
			seq_printf(m, "%s %s %s %llu\n",
				   nr < PVTRACE_HCALL_NR ?
				   hcall_name(nr, buf, sizeof(buf)) : "out_of_range",
				   sym, mod, pairs[i][1]);
			shown++;
		}
	}
	kfree(pairs);
	kfree(k);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(callers);

static int mc_batches_show(struct seq_file *m, void *unused)
{
	struct pvtrace_mc_stats *mc = kmalloc(sizeof(*mc), GFP_KERNEL);
	unsigned int i;

	if (!mc)
		return -ENOMEM;
	pvtrace_hcall_read_mc(mc);
	pvtrace_seq_header(m, "lo_entries hi_entries count");
	for (i = 0; i < PVTRACE_MC_BATCH_MAX; i++)
		seq_printf(m, "%u %u %llu\n", i, i, mc->batch[i]);
	seq_printf(m, "%u %llu %llu\n", PVTRACE_MC_BATCH_MAX, U64_MAX,
		   mc->batch[PVTRACE_MC_BATCH_MAX]);
	kfree(mc);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mc_batches);

static int mc_ops_show(struct seq_file *m, void *unused)
{
	struct pvtrace_mc_stats *mc = kmalloc(sizeof(*mc), GFP_KERNEL);
	char buf[32];
	unsigned int i;

	if (!mc)
		return -ENOMEM;
	pvtrace_hcall_read_mc(mc);
	pvtrace_seq_header(m, "op calls failures");
	for (i = 0; i <= PVTRACE_HCALL_NR; i++) {
		if (mc->op_calls[i])
			seq_printf(m, "%s %llu %llu\n",
				   i < PVTRACE_HCALL_NR ?
				   hcall_name(i, buf, sizeof(buf)) : "out_of_range",
				   mc->op_calls[i], mc->op_failures[i]);
	}
	kfree(mc);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mc_ops);

static int mc_reasons_show(struct seq_file *m, void *unused)
{
	/* enum xen_mc_flush_reason; NONE (an explicit flush) is not traced */
	static const char *const name[PVTRACE_MC_REASONS] = {
		"none", "batch_full", "args_full", "callbacks_full",
	};
	struct pvtrace_mc_stats *mc = kmalloc(sizeof(*mc), GFP_KERNEL);
	unsigned int i;

	if (!mc)
		return -ENOMEM;
	pvtrace_hcall_read_mc(mc);
	pvtrace_seq_header(m, "reason flushes");
	for (i = 1; i < PVTRACE_MC_REASONS; i++)
		seq_printf(m, "%s %llu\n", name[i], mc->reasons[i]);
	kfree(mc);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mc_reasons);

/*
 * A single-entry multicall batch skips the multicall hypercall: xen_mc_flush()
 * makes the one call directly. Those calls are the ones other than multicall
 * itself whose call site is in xen_mc_flush().
 */
static u64 single_entry_batches(const struct pvtrace_ktab *k)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < PVTRACE_KTAB_SIZE; i++) {
		unsigned int nr = pvtrace_caller_nr(k->key[i]);

		if (!k->key[i] || nr == __HYPERVISOR_multicall ||
		    pvtrace_caller_retired(k->key[i]))
			continue;
		sprint_symbol_no_offset(sym, pvtrace_caller_ip(k->key[i]));
		if (!strcmp(sym, "xen_mc_flush"))
			n += k->count[i];
	}
	return n;
}

static int status_show(struct seq_file *m, void *unused)
{
	struct pvtrace_ktab *callers = read_ktab(pvtrace_hcall_read_callers, -1);
	struct pvtrace_ktab *errors = read_ktab(pvtrace_hcall_read_errors, -1);
	struct pvtrace_hcall_status st;

	if (callers && errors) {
		pvtrace_hcall_read_status(&st);
		pvtrace_seq_header(m, "key value");
		seq_printf(m, "installed %d\n", st.installed);
		seq_printf(m, "timing %d\n", st.timing);
		seq_printf(m, "tsc_emulated %d\n", st.tsc_emulated);
		seq_printf(m, "window_ns %lu\n", st.window_ns);
		seq_printf(m, "noreturn_calls %llu\n", st.noreturn_calls);
		seq_printf(m, "in_flight %ld\n", st.in_flight);
		seq_printf(m, "time_backwards %llu\n", st.time_backwards);
		seq_printf(m, "gs_base_calls %llu\n", st.gs_base_calls);
		seq_printf(m, "single_entry_batches %llu\n",
			   single_entry_batches(callers));
		seq_printf(m, "callers_dropped %llu\n", callers->dropped);
		seq_printf(m, "errors_dropped %llu\n", errors->dropped);
	}
	kfree(callers);
	kfree(errors);
	return callers && errors ? 0 : -ENOMEM;
}
DEFINE_SHOW_ATTRIBUTE(status);

void pvtrace_debugfs_hcall(struct dentry *parent)
{
	struct dentry *d = debugfs_create_dir("hypercalls", parent);

	debugfs_create_file("status", 0444, d, NULL, &status_fops);
	debugfs_create_file("totals", 0444, d, NULL, &totals_fops);
	debugfs_create_file("subcommands", 0444, d, NULL, &subcommands_fops);
	debugfs_create_file("percpu", 0444, d, NULL, &percpu_fops);
	debugfs_create_file("percpu_subcommands", 0444, d, NULL,
			    &percpu_subcommands_fops);
	debugfs_create_file("latency", 0444, d, NULL, &latency_fops);
	debugfs_create_file("subcommand_latency", 0444, d, NULL,
			    &subcommand_latency_fops);
	debugfs_create_file("errors", 0444, d, NULL, &errors_fops);
	debugfs_create_file("errors_percpu", 0444, d, NULL, &errors_percpu_fops);
	debugfs_create_file("callers", 0444, d, NULL, &callers_fops);
	debugfs_create_file("multicall_batches", 0444, d, NULL, &mc_batches_fops);
	debugfs_create_file("multicall_ops", 0444, d, NULL, &mc_ops_fops);
	debugfs_create_file("multicall_flush_reasons", 0444, d, NULL,
			    &mc_reasons_fops);
}
