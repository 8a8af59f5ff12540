/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the upcall hook (module/upcall.c) and its trampolines
 * (module/upcall_tramp.S), and no one else.
 */
#ifndef _PVTRACE_UPCALL_INTERNAL_H
#define _PVTRACE_UPCALL_INTERNAL_H

#include <linux/types.h>

/**
 * struct pvtrace_up_instance - one upcall, from its entry to its return
 * @t0: TSC at its entry, 0 if untimed
 * @events0: this CPU's event count at its entry
 *
 * In the kretprobe's instance, or in pvtrace_upcall_tramp()'s frame, which
 * holds 16 bytes for it.
 */
struct pvtrace_up_instance {
	u64 t0;
	u64 events0;
};

/* The type of the upcall function (its result, if any, in %eax). */
typedef int (pvtrace_upcall_fn)(void);

/* module/upcall_tramp.S: called by the hooked functions' ftrace sites. */
void pvtrace_upcall_tramp(void);
void pvtrace_port_tramp(void);

/* module/upcall.c: called by the trampolines (and by the kprobes). */
void pvtrace_upcall_enter(struct pvtrace_up_instance *in);
void pvtrace_upcall_return(struct pvtrace_up_instance *in, int ret);
void pvtrace_upcall_port(u32 port);

#endif /* _PVTRACE_UPCALL_INTERNAL_H */
