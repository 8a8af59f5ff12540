// SPDX-License-Identifier: GPL-2.0
/*
 * The record formats every pvtrace debugfs file follows (documented in
 * Documentation/ABI/testing/debugfs-pvtrace): a first line "# col ..."
 * naming the columns, then one whitespace-separated record per line.
 * Histograms give each bucket as "lo_ns hi_ns count", after the key
 * columns that say which histogram the bucket belongs to.
 */
#include <linux/seq_file.h>
#include <linux/string.h>

#include <pvtrace/pvtrace.h>

#include "views.h"

void pvtrace_seq_header(struct seq_file *m, const char *columns)
{
	seq_printf(m, "# %s\n", columns);
}

/**
 * pvtrace_seq_hist() - print every bucket of @h, one record per bucket
 * @m: output
 * @key: key columns printed before each bucket, or NULL for none
 * @h: the histogram
 */
void pvtrace_seq_hist(struct seq_file *m, const char *key,
		      const struct pvtrace_hist *h)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_HIST_BUCKETS; i++) {
		if (key)
			seq_printf(m, "%s ", key);
		seq_printf(m, "%llu %llu %llu\n", pvtrace_hist_lo(i),
			   pvtrace_hist_hi(i), h->bucket[i]);
	}
}

/**
 * pvtrace_split_symbol() - split sprint_symbol()'s output into two fields
 * @sym: "func+0x1c/0x40 [mod]", cut to "func+0x1c/0x40"; an address that
 *	resolves to nothing ("0xffffffffc0a01234": code since unloaded, BPF)
 *	becomes "-", never the raw address (which kptr_restrict would hide)
 * @mod: set to "mod", "vmlinux" for the kernel itself, "-" for nothing
 */
void pvtrace_split_symbol(char *sym, const char **mod)
{
	char *sp = strchr(sym, ' ');

	if (sym[0] == '0' && sym[1] == 'x') {
		sym[0] = '-';
		sym[1] = '\0';
		*mod = "-";
		return;
	}
	*mod = "vmlinux";
	if (!sp)
		return;
	*sp = '\0';
	if (sp[1] == '[') {
		*mod = sp + 2;
		sp = strchr(sp + 2, ']');
		if (sp)
			*sp = '\0';
	}
}
