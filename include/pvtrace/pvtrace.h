/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of pvtrace offer each other. Each hook and each core
 * piece lives in its own file under module/; debugfs/ only presents.
 */
#ifndef _PVTRACE_H
#define _PVTRACE_H

#include <linux/types.h>

#include <pvtrace/env.h>
#include <pvtrace/hist.h>
#include <pvtrace/stats.h>

struct dentry;
struct seq_file;

/* module/main.c: decided at load, constant afterwards. */
extern struct pvtrace_env pvtrace_env;

/**
 * struct pvtrace_hook - one source of events (hypercalls, upcalls, ...)
 * @name: shown in the summary's "hooks" record; no spaces or commas
 * @init: install the hook; -ENODEV means "nothing to hook in this kind of
 *	guest" (the hook stays off, the load goes on), any other error fails
 *	the load
 * @exit: remove it; on return nothing of the hook runs any more
 * @debugfs: create the hook's files in the pvtrace directory (debugfs/)
 *
 * Hooks are listed once, in module/main.c, and installed in that order.
 */
struct pvtrace_hook {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	void (*debugfs)(struct dentry *dir);
};

/* The hooks (module/<hook>.c) and their presentation (debugfs/<hook>.c). */
extern const struct pvtrace_hook pvtrace_hcall_hook;
void pvtrace_debugfs_hcall(struct dentry *dir);
extern const struct pvtrace_hook pvtrace_steal_hook;
void pvtrace_debugfs_steal(struct dentry *dir);
void pvtrace_steal_seq_summary(struct seq_file *m);	/* summary records */
extern const struct pvtrace_hook pvtrace_upcall_hook;
void pvtrace_debugfs_upcall(struct dentry *dir);
extern const struct pvtrace_hook pvtrace_drivers_hook;
void pvtrace_debugfs_drivers(struct dentry *dir);

/* module/hcall.c: time every hypercall while the recorder runs. */
void pvtrace_hcall_set_recording(bool on);

/* module/recorder.c: the flight recorder and the slowest calls. */
int pvtrace_recorder_init(void);
void pvtrace_recorder_ready(void);
void pvtrace_recorder_exit(void);
void pvtrace_debugfs_recorder(struct dentry *dir);

/* module/upcall.c: the handler name of event channel @port, if known. */
bool pvtrace_upcall_port_name(u32 port, char *name, size_t len);

/* Write the active hooks' names, comma-separated, or "none". */
void pvtrace_seq_hooks(struct seq_file *m);

/* module/sync.c: every online CPU passes through the scheduler. */
int pvtrace_sync_init(void);
void pvtrace_sync_exit(void);
void pvtrace_sync_cpus(void);

/* module/selftest.c: the core's self-test, run at load with selftest=1. */
struct pvtrace_selftest_block {
	struct pvtrace_sync sync;
	struct pvtrace_hist hist;
};

int pvtrace_selftest_run(void);
void pvtrace_selftest_exit(void);
struct pvtrace_stats *pvtrace_selftest_stats(void);

/* debugfs/debugfs.c */
void pvtrace_debugfs_init(void (*hooks)(struct dentry *dir));
void pvtrace_debugfs_exit(void);

/* debugfs/format.c: the record formats of Documentation/ABI. */
void pvtrace_seq_header(struct seq_file *m, const char *columns);
void pvtrace_seq_hist(struct seq_file *m, const char *key,
		      const struct pvtrace_hist *h);
void pvtrace_split_symbol(char *sym, const char **mod);

#endif /* _PVTRACE_H */
