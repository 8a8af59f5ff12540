// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace_hbench: a tight in-kernel hypercall loop, for make bench.
 *
 * At load it makes `loops` xen_version(XENVER_version) hypercalls through
 * hbench_call(), a C function that wraps the hypercall (the function a
 * kprobe-based tool would attach to), `reps` times, logs the median time
 * per call and refuses to stay loaded (-ECANCELED): each measurement is
 * one insmod.
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sort.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/version.h>
#include <xen/xen.h>

static unsigned int loops = 20000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "Hypercalls per repetition (1..10000000)");

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "Repetitions; the median is reported (1..64)");

/* Not inlined, not cloned: a kprobe finds it by this name. */
static noinline __noclone long hbench_call(void)
{
	return HYPERVISOR_xen_version(XENVER_version, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int __init hbench_init(void)
{
	u64 ns[64];
	unsigned int r, i;
	long v = 0;

	if (!xen_domain())
		return -ENODEV;
	if (!loops || loops > 10000000 || !reps || reps > ARRAY_SIZE(ns)) {
		pr_err("loops must be 1..10000000 and reps 1..64\n");
		return -EINVAL;
	}
	for (r = 0; r < reps; r++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < loops; i++)
			v |= hbench_call();
		ns[r] = ktime_get_ns() - t0;
		cond_resched();
	}
	sort(ns, reps, sizeof(ns[0]), cmp_u64, NULL);
	pr_info("loops %u reps %u median_ns_per_call %llu.%03llu xen %lx\n",
		loops, reps, div_u64(ns[reps / 2], loops),
		div_u64((ns[reps / 2] % loops) * 1000, loops), v);
	return -ECANCELED;
}

module_init(hbench_init);
MODULE_DESCRIPTION("pvtrace benchmark: a tight hypercall loop");
MODULE_LICENSE("GPL");
