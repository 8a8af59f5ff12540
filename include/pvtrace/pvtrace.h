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

/* module/env.c: decided at load, constant afterwards. */
extern struct pvtrace_env pvtrace_env;

/**
 * struct pvtrace_hook - one source of events (hypercalls, upcalls, ...)
 * @name: shown in the summary's "hooks" record, and the name debugfs/
 *	finds the hook's files by (debugfs/debugfs.c, views[]); no spaces
 *	or commas
 * @init: install the hook; -ENODEV means "nothing to hook in this kind of
 *	guest" (the hook stays off, the load goes on), any other error fails
 *	the load
 * @exit: remove it; on return nothing of the hook runs any more
 *
 * This is the one seam between the hooks and their presentation: a hook
 * names nothing of debugfs/, and offers it snapshot functions only (the
 * "read side" of each hook's header). Hooks are listed once, in
 * module/main.c, and installed in that order.
 */
struct pvtrace_hook {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

/* The hooks (module/<hook>.c). */
extern const struct pvtrace_hook pvtrace_hcall_hook;
extern const struct pvtrace_hook pvtrace_steal_hook;
extern const struct pvtrace_hook pvtrace_upcall_hook;
extern const struct pvtrace_hook pvtrace_drivers_hook;

/* module/hcall.c: time every hypercall while the recorder runs. */
void pvtrace_hcall_set_recording(bool on);

/* module/recorder.c: the flight recorder and the slowest calls. */
int pvtrace_recorder_init(void);
void pvtrace_recorder_ready(void);
void pvtrace_recorder_exit(void);

/* module/upcall.c: the handler name of event channel @port, if known. */
bool pvtrace_upcall_port_name(u32 port, char *name, size_t len);

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

/*
 * debugfs/debugfs.c: the files of the core and of the hooks @hooks[0..@n)
 * (installed, in installation order; the array outlives the files). Called
 * once, by module/main.c, after the hooks are in; the files are gone when
 * pvtrace_debugfs_exit() returns.
 */
void pvtrace_debugfs_init(const struct pvtrace_hook *const *hooks,
			  unsigned int n);
void pvtrace_debugfs_exit(void);

#endif /* _PVTRACE_H */
