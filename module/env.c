// SPDX-License-Identifier: GPL-2.0
/*
 * Gathers the facts pvtrace_env_classify() decides on, and owns what was
 * decided (pvtrace_env), which every part reads. Runs once, at load.
 */
#include <linux/printk.h>
#include <linux/errno.h>
#include <asm/cpufeature.h>
#include <asm/hypervisor.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/interface/version.h>
#include <xen/xen.h>

#include <pvtrace/pvtrace.h>

struct pvtrace_env pvtrace_env;

/* Xen's CPUID leaf 3: does Xen emulate RDTSC for this guest? */
static bool xen_tsc_emulated(void)
{
	u32 base = xen_cpuid_base(), eax, ebx, ecx, edx;

	if (!base || cpuid_eax(base) < base + 3)
		return false;
	cpuid_count(base + 3, 0, &eax, &ebx, &ecx, &edx);
	return eax & XEN_CPUID_TSC_EMULATED;
}

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
	env->tsc_emulated = pvtrace_guest_is_xen(env->guest) && xen_tsc_emulated();
	env->xen_version = pvtrace_guest_is_xen(env->guest) ?
			   HYPERVISOR_xen_version(XENVER_version, NULL) : 0;
	why = pvtrace_env_refusal(env->guest);
	if (why) {
		pr_err("%s\n", why);
		return -ENODEV;
	}
	return 0;
}
