// SPDX-License-Identifier: GPL-2.0
/*
 * The record formats every pvtrace debugfs file follows (documented in
 * Documentation/ABI/testing/debugfs-pvtrace): a first line "# col ..."
 * naming the columns, then one whitespace-separated record per line.
 * Histograms give each bucket as "lo_ns hi_ns count", after the key
 * columns that say which histogram the bucket belongs to.
 */
#include <linux/seq_file.h>

#include <pvtrace/pvtrace.h>

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
