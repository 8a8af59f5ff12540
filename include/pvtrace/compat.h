/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel lines pvtrace builds for (Debian
 * 6.1 and 6.12 at least) lives here, and only here: core code calls the
 * pvtrace_*() wrappers below and never tests a kernel version itself.
 * Each branch names the upstream change that made it necessary.
 *
 * Force-included into every C object by Kbuild; module/hcall_stub.S
 * includes it for the assembler's part.
 */
#ifndef _PVTRACE_COMPAT_H
#define _PVTRACE_COMPAT_H

#ifdef __ASSEMBLY__

#include <linux/linkage.h>
#if __has_include("linux/cfi_types.h")
#include <linux/cfi_types.h>
#endif

/*
 * The stub's address is taken (it becomes the xen_hypercall target), so it
 * starts with an ENDBR where the kernel has IBT. From 6.15 ("x86/cfi:
 * Clean up linkage") SYM_FUNC_START emits none and SYM_TYPED_FUNC_START
 * (linux/cfi_types.h, 6.1 on) does; before, SYM_FUNC_START did.
 */
#ifndef SYM_TYPED_FUNC_START
#define SYM_TYPED_FUNC_START(name)	SYM_FUNC_START(name)
#endif

#else /* !__ASSEMBLY__ */

#include <linux/bits.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/xen/cpuid.h>

/* What the kernel built against has: scripts/gen-compat-probes.sh. */
#include "compat_probes.h"

/*
 * Xen's CPUID leaf 3 says whether Xen emulates RDTSC for this guest. The
 * flag's name reached Linux's copy of xen/arch-x86/cpuid.h after 6.1
 * (6.12 has it); the bit is Xen ABI.
 */
#ifndef XEN_CPUID_TSC_EMULATED
#define XEN_CPUID_TSC_EMULATED	BIT(0)
#endif

/*
 * Where a function's body starts, past its ftrace call site: a kprobe
 * there is an int3 (or optimized) kprobe, not one on ftrace's shared
 * kprobe ops. With IBT (6.12 in Debian's config, not 6.1), an ENDBR64 of 4
 * bytes comes first; the ftrace site is a 5-byte call/nop on x86-64 either
 * way. A kernel configuration difference, not a version one.
 */
#define PVTRACE_FENTRY_END	((IS_ENABLED(CONFIG_X86_KERNEL_IBT) ? 4 : 0) + 5)

/*
 * The xen_hypercall static call, through which every hypercall goes, came
 * with the XSA-466 fix ("x86/xen: add central hypercall functions", in
 * Debian from 5.10.0-34 and 6.1.0-29). Before it, hypercalls went through
 * the hypercall page: nothing to hook; the hypercall hook refuses.
 */
#include <linux/static_call.h>
#include <asm/xen/hypercall.h>
#ifdef PVTRACE_HAVE_XEN_HYPERCALL_SC
#define PVTRACE_HCALL_HOOKABLE		1
#define pvtrace_xen_hypercall_tramp()	((void *)STATIC_CALL_TRAMP_ADDR(xen_hypercall))
#else
#define PVTRACE_HCALL_HOOKABLE		0
#define pvtrace_xen_hypercall_tramp()	NULL
void xen_hypercall_func(void);	/* only its type is used */
#endif

/*
 * Every upcall's common entry. 37510dd566bd ("xen: simplify
 * evtchn_do_upcall() call maze", 6.6, 6.1.66 stable) made it
 * int xen_evtchn_do_upcall(void), returning IRQ_NONE when nothing was
 * pending. Before it (5.10) x86 runs xen_hvm_evtchn_do_upcall(void), which
 * returns nothing: no "spurious" count there.
 */
#ifdef PVTRACE_HAVE_UPCALL_INT
#define PVTRACE_UPCALL_SYMBOL		"xen_evtchn_do_upcall"
#define PVTRACE_UPCALL_RETURNS		1
#else
#define PVTRACE_UPCALL_SYMBOL		"xen_hvm_evtchn_do_upcall"
#define PVTRACE_UPCALL_RETURNS		0
#endif

/*
 * A direct ftrace call: a function's ftrace site calls a trampoline of
 * ours (module/upcall_tramp.S) instead of ftrace's, the mechanism of BPF's
 * fentry/fexit. Up to 6.1 registered by the site's address; "ftrace:
 * Rename _ftrace_direct_multi APIs to _ftrace_direct APIs" (6.5) by an
 * ftrace_ops filtered on it. Every Debian line has
 * CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS.
 */
#include <linux/ftrace.h>
#ifdef PVTRACE_HAVE_FTRACE_DIRECT_OPS
static inline int pvtrace_direct_register(struct ftrace_ops *ops,
					  unsigned long ip, void *tramp)
{
	int ret = ftrace_set_filter_ip(ops, ip, 0, 0);

	if (ret)
		return ret;
	ret = register_ftrace_direct(ops, (unsigned long)tramp);
	if (ret)
		ftrace_free_filter(ops);
	return ret;
}

static inline void pvtrace_direct_unregister(struct ftrace_ops *ops,
					     unsigned long ip, void *tramp)
{
	unregister_ftrace_direct(ops, (unsigned long)tramp, true);
}
#else
static inline int pvtrace_direct_register(struct ftrace_ops *ops,
					  unsigned long ip, void *tramp)
{
	return register_ftrace_direct(ip, (unsigned long)tramp);
}

static inline void pvtrace_direct_unregister(struct ftrace_ops *ops,
					     unsigned long ip, void *tramp)
{
	unregister_ftrace_direct(ip, (unsigned long)tramp);
}
#endif

/*
 * The kernel's own upcall count (the HYP row of /proc/interrupts).
 * "x86/irq: Make irqstats array based" (7.x) turned the per-member fields
 * of irq_cpustat_t into counts[IRQ_COUNT_*].
 */
#ifdef PVTRACE_HAVE_IRQ_COUNT_ARRAY
#define pvtrace_hv_callback_count(cpu) \
	READ_ONCE(per_cpu(irq_stat, cpu).counts[IRQ_COUNT_HYPERVISOR_CALLBACK])
#else
#define pvtrace_hv_callback_count(cpu) \
	READ_ONCE(per_cpu(irq_stat, cpu).irq_hv_callback_count)
#endif

/*
 * 3bf8ce828419 ("x86/cpuid: Rename hypervisor_cpuid_base()/... to
 * cpuid_base_hypervisor()/...", 6.16). Expanded where used, after
 * <asm/processor.h> (or, from 6.16, <asm/cpuid/api.h>).
 */
#ifdef PVTRACE_HAVE_CPUID_BASE_HYPERVISOR
#include <asm/cpuid/api.h>
#define pvtrace_cpuid_base(sig, leaves)	cpuid_base_hypervisor(sig, leaves)
#else
#define pvtrace_cpuid_base(sig, leaves)	hypervisor_cpuid_base(sig, leaves)
#endif

/*
 * cead18552660 ("exit: Rename complete_and_exit to
 * kthread_complete_and_exit", 5.17).
 */
#ifndef PVTRACE_HAVE_KTHREAD_COMPLETE_AND_EXIT
#define kthread_complete_and_exit(comp, code)	complete_and_exit(comp, code)
#endif

/*
 * "kthread: add the helper function kthread_run_on_cpu()" (5.16). Before
 * it kthread_create_on_cpu() was not exported either: create, bind, wake.
 */
#ifndef PVTRACE_HAVE_KTHREAD_RUN_ON_CPU
static inline struct task_struct *
pvtrace_kthread_run_on_cpu(int (*fn)(void *), void *data, unsigned int cpu,
			   const char *namefmt)
{
	struct task_struct *t = kthread_create(fn, data, namefmt, cpu);

	if (!IS_ERR(t)) {
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	return t;
}

#define kthread_run_on_cpu(fn, data, cpu, namefmt) \
	pvtrace_kthread_run_on_cpu(fn, data, cpu, namefmt)
#endif

/* d741bf41d7c7 ("kprobes: Remove kretprobe hash", 5.11) added get_kretprobe(). */
#ifndef PVTRACE_HAVE_GET_KRETPROBE
#define get_kretprobe(ri)	((ri)->rp)
#endif

/*
 * "xen/x86: adjust data placement" (5.16) exported xen_pvh, which
 * xen_pvh_domain() reads. Before it, a PVH guest is the HVM one whose
 * paravirt name says so (arch/x86/xen/enlighten_hvm.c sets "Xen PVH").
 */
#ifdef PVTRACE_HAVE_XEN_PVH_EXPORT
#define pvtrace_xen_pvh_domain()	xen_pvh_domain()
#else
#include <asm/paravirt.h>
#define pvtrace_xen_pvh_domain() \
	(xen_hvm_domain() && !strcmp(pv_info.name, "Xen PVH"))
#endif

/*
 * "workqueue: Add new WQ_PERCPU flag" (6.17; backported to Debian's 6.12
 * as a flag without effect): a workqueue names WQ_PERCPU or WQ_UNBOUND,
 * and 7.x WARNs at alloc_workqueue() when it names neither. Per-CPU is
 * what every older line gives by default.
 */
#ifdef PVTRACE_HAVE_WQ_PERCPU
#define PVTRACE_WQ_PERCPU	WQ_PERCPU
#else
#define PVTRACE_WQ_PERCPU	0
#endif

#endif /* __ASSEMBLY__ */

#endif /* _PVTRACE_COMPAT_H */
