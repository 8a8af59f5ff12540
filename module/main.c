// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace: what virtualization costs a guest, seen from inside it.
 *
 * Load order: decide where we run (refuse on bare metal), self-test the
 * core if asked, then publish the debugfs files. Unload in exact reverse.
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include <pvtrace/pvtrace.h>

struct pvtrace_env pvtrace_env;

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Self-test the per-CPU core at load; refuse to load if it fails (default: off)");

static int __init pvtrace_init(void)
{
	int ret;

	ret = pvtrace_env_probe(&pvtrace_env);
	if (ret)
		return ret;

	if (selftest) {
		ret = pvtrace_selftest_run();
		if (ret)
			return ret;
	}

	pvtrace_debugfs_init();
	pr_info("version %s loaded: %s guest%s, %u vCPUs\n", PVTRACE_VERSION,
		pvtrace_guest_name(pvtrace_env.guest),
		pvtrace_env.xen_initial ? " (initial domain)" : "",
		num_online_cpus());
	return 0;
}

static void __exit pvtrace_exit(void)
{
	pvtrace_debugfs_exit();
	pvtrace_selftest_exit();
	pr_info("unloaded\n");
}

module_init(pvtrace_init);
module_exit(pvtrace_exit);

MODULE_DESCRIPTION("Per-vCPU hypercall, upcall and steal-time statistics for Xen and KVM guests");
MODULE_AUTHOR("The pvtrace developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PVTRACE_VERSION);
