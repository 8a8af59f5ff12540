// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace: what virtualization costs a guest, seen from inside it.
 *
 * Load order: decide where we run (refuse on bare metal), self-test the
 * core if asked, prepare the recorder the hooks write to, install the
 * hooks, then publish the debugfs files: main.c hands debugfs/ the hooks
 * it installed, once, and that is all the two know of each other (struct
 * pvtrace_hook). Unload in exact reverse.
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/timebase.h>

/*
 * Every hook, in installation order. The driver hook comes first: it
 * refuses a bad probes= value before any other hook has patched text.
 */
static const struct pvtrace_hook *const hooks[] = {
	&pvtrace_drivers_hook,
	&pvtrace_hcall_hook,
	&pvtrace_upcall_hook,
	&pvtrace_steal_hook,
};

/* The hooks installed, in installation order. */
static const struct pvtrace_hook *active[ARRAY_SIZE(hooks)];
static unsigned int nactive;

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Self-test the per-CPU core at load; refuse to load if it fails (default: off)");

static void hooks_exit(void)
{
	while (nactive)
		active[--nactive]->exit();
}

static int hooks_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		ret = hooks[i]->init();
		if (ret == -ENODEV)
			continue;
		if (ret) {
			pr_err("%s: cannot install: %d\n", hooks[i]->name, ret);
			hooks_exit();
			return ret;
		}
		active[nactive++] = hooks[i];
	}
	return 0;
}

static int __init pvtrace_init(void)
{
	int ret;

	ret = pvtrace_env_probe(&pvtrace_env);
	if (ret)
		return ret;
	ret = pvtrace_clock_init();
	if (ret)
		return ret;
	ret = pvtrace_sync_init();
	if (ret)
		goto out_clock;

	if (selftest) {
		ret = pvtrace_selftest_run();
		if (ret)
			goto out_sync;
	}

	ret = pvtrace_recorder_init();
	if (ret)
		goto out_selftest;

	ret = hooks_init();
	if (ret)
		goto out_recorder;

	pvtrace_recorder_ready();
	pvtrace_debugfs_init(active, nactive);
	pr_info("version %s loaded: %s guest%s, %u vCPUs\n", PVTRACE_VERSION,
		pvtrace_guest_name(pvtrace_env.guest),
		pvtrace_env.xen_initial ? " (initial domain)" : "",
		num_online_cpus());
	return 0;

out_recorder:
	pvtrace_recorder_exit();
out_selftest:
	pvtrace_selftest_exit();
out_sync:
	pvtrace_sync_exit();
out_clock:
	pvtrace_clock_exit();
	return ret;
}

static void __exit pvtrace_exit(void)
{
	pvtrace_debugfs_exit();
	hooks_exit();
	pvtrace_recorder_exit();
	pvtrace_selftest_exit();
	pvtrace_sync_exit();
	pvtrace_clock_exit();
	pr_info("unloaded\n");
}

module_init(pvtrace_init);
module_exit(pvtrace_exit);

MODULE_DESCRIPTION("Per-vCPU hypercall, upcall and steal-time statistics for Xen and KVM guests");
MODULE_AUTHOR("The pvtrace developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PVTRACE_VERSION);
