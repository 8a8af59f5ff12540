// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace_hbench: a tight in-kernel hypercall loop, for make bench.
 *
 * At load it makes `loops` xen_version(XENVER_version) hypercalls through
 * hbench_call(), a C function that wraps the hypercall (the function a
 * kprobe-based tool would attach to), `reps` times, logs the median time
 * per call and refuses to stay loaded (-ECANCELED): each measurement is
 * one insmod.
 *
 * With evtchn=1 each "call" is instead one event on a loopback event
 * channel of its own, on vCPU 0: a notify hypercall (EVTCHNOP_send on
 * port B, bound to port A), then the upcall it raises, whose handler
 * ("pvtrace-hbench") counts it; the loop waits for that count. One vCPU,
 * nothing cross-CPU: that is how the upcall path is timed.
 */
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sort.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/version.h>
#include <xen/xen.h>

static unsigned int loops = 20000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "Hypercalls per repetition (1..10000000)");

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "Repetitions; the median is reported (1..64)");

static bool evtchn;
module_param(evtchn, bool, 0444);
MODULE_PARM_DESC(evtchn, "Time loopback event-channel events (one upcall each) instead of hypercalls");

static unsigned long events_seen;

static irqreturn_t hbench_event(int irq, void *dev)
{
	WRITE_ONCE(events_seen, events_seen + 1);
	return IRQ_HANDLED;
}

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

/* The measurement, on vCPU 0 for evtchn=1; returns 0 or -errno. */
static long hbench_run(void *unused)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF, .remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	struct evtchn_close close = { 0 };
	struct evtchn_send send = { 0 };
	int irq = -1, ret = 0;
	unsigned int r, i;
	u64 ns[64];
	long v = 0;

	if (evtchn) {
		ret = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
		if (ret)
			return ret;
		bind.remote_port = alloc.port;
		ret = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
		if (ret)
			goto out_close_a;
		irq = bind_evtchn_to_irqhandler(alloc.port, hbench_event, 0,
						"pvtrace-hbench", NULL);
		if (irq < 0) {
			ret = irq;
			goto out_close_b;
		}
		send.port = bind.local_port;
	}
	for (r = 0; r < reps; r++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < loops && !ret; i++) {
			unsigned long seen = READ_ONCE(events_seen);
			unsigned long spins = 0;

			if (!evtchn) {
				v |= hbench_call();
				continue;
			}
			HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
			while (READ_ONCE(events_seen) == seen) {
				if (++spins > 100000000) {
					pr_err("no event after %u sends\n", i);
					ret = -ETIMEDOUT;
					break;
				}
				cpu_relax();
			}
		}
		ns[r] = ktime_get_ns() - t0;
		cond_resched();
	}
	if (!ret) {
		sort(ns, reps, sizeof(ns[0]), cmp_u64, NULL);
		pr_info("%s loops %u reps %u median_ns_per_call %llu.%03llu xen %lx events %lu\n",
			evtchn ? "evtchn" : "hypercall", loops, reps,
			div_u64(ns[reps / 2], loops),
			div_u64((ns[reps / 2] % loops) * 1000, loops), v,
			events_seen);
	}
	if (!evtchn)
		return ret;
	unbind_from_irqhandler(irq, NULL);	/* closes port A */
out_close_b:
	close.port = bind.local_port;
	if (bind.local_port)
		HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	return ret;
out_close_a:
	close.port = alloc.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	return ret;
}

static int __init hbench_init(void)
{
	long ret;

	if (!xen_domain())
		return -ENODEV;
	if (!loops || loops > 10000000 || !reps || reps > 64) {
		pr_err("loops must be 1..10000000 and reps 1..64\n");
		return -EINVAL;
	}
	/* Port A is delivered to vCPU 0 (EVTCHNOP_alloc_unbound's default). */
	ret = evtchn ? work_on_cpu(0, hbench_run, NULL) : hbench_run(NULL);
	if (ret) {
		pr_err("failed: %ld\n", ret);
		return ret;
	}
	return -ECANCELED;
}

module_init(hbench_init);
MODULE_DESCRIPTION("pvtrace benchmark: a tight hypercall loop");
MODULE_LICENSE("GPL");
