/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel lines pvtrace builds for (Debian
 * 6.1 and 6.12 at least) lives here, and only here: core code calls the
 * pvtrace_*() wrappers below and never tests a kernel version itself.
 * Each branch names the upstream change that made it necessary.
 *
 * Force-included into every object by Kbuild.
 */
#ifndef _PVTRACE_COMPAT_H
#define _PVTRACE_COMPAT_H

#include <linux/version.h>
#include <linux/bits.h>
#include <asm/xen/cpuid.h>

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

#endif /* _PVTRACE_COMPAT_H */
