// SPDX-License-Identifier: GPL-2.0
/*
 * Multicall flush reasons (PV): why xen_mc_flush() was forced before the
 * caller asked for it. Only the xen:xen_mc_flush_reason tracepoint knows;
 * it is built into the kernel but not exported, so it is found by name.
 * Registered while the hypercall hook is installed. Like every tracepoint
 * registration this patches kernel text (a static key).
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <asm/xen/trace_types.h>
#include <xen/xen.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>

static struct tracepoint *reason_tp;

/* Runs in xen_mc_flush() paths: interrupts off, per-CPU data only. */
static void probe_reason(void *data, enum xen_mc_flush_reason reason)
{
	struct pvtrace_mc_stats __percpu *mc = pvtrace_hcall_stats.mc;

	pvtrace_write_begin(&mc->sync);
	this_cpu_inc(mc->reasons[min_t(unsigned int, reason,
				       PVTRACE_MC_REASONS - 1)]);
	pvtrace_write_end(&mc->sync);
}

static void find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "xen_mc_flush_reason"))
		reason_tp = tp;
}

/* Register the probe; 0 also when there are no multicalls (not PV). */
int pvtrace_hcall_mc_register(void)
{
	if (!xen_pv_domain())
		return 0;
	if (!reason_tp)
		for_each_kernel_tracepoint(find_tp, NULL);
	if (!reason_tp) {
		pr_info("hypercalls: no xen_mc_flush_reason tracepoint: flush reasons not counted\n");
		return 0;
	}
	return tracepoint_probe_register(reason_tp, probe_reason, NULL);
}

void pvtrace_hcall_mc_unregister(void)
{
	if (!xen_pv_domain() || !reason_tp)
		return;
	tracepoint_probe_unregister(reason_tp, probe_reason, NULL);
	tracepoint_synchronize_unregister();
}
