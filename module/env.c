// SPDX-License-Identifier: GPL-2.0
/*
 * Gathers the facts pvtrace_env_classify() decides on. Runs once, at load.
 */
#include <linux/printk.h>
#include <linux/errno.h>
#include <asm/cpufeature.h>
#include <asm/hypervisor.h>
#include <xen/xen.h>

#include <pvtrace/env.h>

/**
 * pvtrace_env_probe() - work out where the module runs
 * @env: filled in
 *
 * Return: 0, or -ENODEV after one log line saying why pvtrace refuses.
 */
int pvtrace_env_probe(struct pvtrace_env *env)
{
	struct pvtrace_env_facts f = {
		.xen_pv = xen_pv_domain(),
		.xen_hvm = xen_hvm_domain(),
		.xen_pvh = pvtrace_xen_pvh_domain(),
		.kvm = hypervisor_is_type(X86_HYPER_KVM),
		.hypervisor_bit = boot_cpu_has(X86_FEATURE_HYPERVISOR),
	};
	const char *why;

	env->guest = pvtrace_env_classify(&f);
	env->xen_initial = xen_initial_domain();
	why = pvtrace_env_refusal(env->guest);
	if (why) {
		pr_err("%s\n", why);
		return -ENODEV;
	}
	return 0;
}
