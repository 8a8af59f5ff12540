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

#endif /* _PVTRACE_COMPAT_H */
