/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the hypercall hook's own files, and no one else: the hook
 * (module/hcall.c), its parameters (module/hcall_param.c) and its
 * statistics (module/hcall_stats.c). The parameters call the hook, the
 * hook calls the statistics; nothing calls back. debugfs/ reads the hook
 * through the snapshots of include/pvtrace/hcall.h only.
 */
#ifndef _PVTRACE_HCALL_INTERNAL_H
#define _PVTRACE_HCALL_INTERNAL_H

#include <linux/types.h>

/**
 * struct pvtrace_hcall_params - the hook's module parameters
 * @enabled: hypercalls: the stub is installed (while the hook is ready)
 * @timing: hcall_timing: 1, 0, or -1 for auto (unless the TSC is emulated)
 * @window_ns: hcall_window_ns
 * @extras: hcall_extras: PVTRACE_HCALL_CALLERS and PVTRACE_HCALL_REDUNDANT
 */
struct pvtrace_hcall_params {
	bool enabled;
	int timing;
	unsigned long window_ns;
	u32 extras;
};

/*
 * module/hcall.c: the values live in the hook, which applies each at once
 * while it is ready, under its lock; hcall_param.c parses and checks them.
 */
int pvtrace_hcall_set_enabled(bool on);
void pvtrace_hcall_set_timing(int timing);
void pvtrace_hcall_set_window_ns(unsigned long ns);
void pvtrace_hcall_set_extras(u32 extras);
void pvtrace_hcall_get_params(struct pvtrace_hcall_params *p);

/* module/hcall_stats.c: allocated at init, freed at exit. */
int pvtrace_hcall_stats_alloc(void);
void pvtrace_hcall_stats_free(void);
u64 pvtrace_hcall_this_cpu_calls(unsigned int slot);
long pvtrace_hcall_inflight_calls(void);
u64 pvtrace_hcall_noreturn_calls(void);
u64 pvtrace_hcall_backwards_calls(void);

#endif /* _PVTRACE_HCALL_INTERNAL_H */
