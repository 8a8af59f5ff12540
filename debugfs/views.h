/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of debugfs/ offer each other: each hook's view (the
 * function that creates its files, found by the hook's name in
 * debugfs/debugfs.c), the summary's records of a hook, and the record
 * formats of Documentation/ABI/testing/debugfs-pvtrace (debugfs/format.c,
 * which the unit tests compile as is). Nothing in module/ includes this:
 * the hooks do not know how they are shown.
 */
#ifndef _PVTRACE_VIEWS_H
#define _PVTRACE_VIEWS_H

#include <pvtrace/hist.h>

struct dentry;
struct seq_file;

/* debugfs/<hook>.c: a hook's files, in the pvtrace directory @dir. */
void pvtrace_debugfs_hcall(struct dentry *dir);
void pvtrace_debugfs_upcall(struct dentry *dir);
void pvtrace_debugfs_steal(struct dentry *dir);
void pvtrace_debugfs_drivers(struct dentry *dir);
/* The recorder and slowest: not a hook, always there. */
void pvtrace_debugfs_recorder(struct dentry *dir);

/* debugfs/steal.c: the steal records of the summary, hook on or off. */
void pvtrace_steal_seq_summary(struct seq_file *m);

/* debugfs/format.c: the record formats of Documentation/ABI. */
void pvtrace_seq_header(struct seq_file *m, const char *columns);
void pvtrace_seq_hist(struct seq_file *m, const char *key,
		      const struct pvtrace_hist *h);
void pvtrace_split_symbol(char *sym, const char **mod);

#endif /* _PVTRACE_VIEWS_H */
