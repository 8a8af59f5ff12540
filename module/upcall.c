// SPDX-License-Identifier: GPL-2.0
/*
 * The upcall hook: every upcall (event-channel callback) per vCPU, and per
 * event channel the handler that ran, with times. What is probed and why:
 * include/pvtrace/upcall.h.
 *
 * Every probe here runs in hard interrupt context, inside the upcall (or,
 * for the tracepoints, inside any interrupt): per-CPU operations and the
 * TSC only. The one cross-CPU operation is the cmpxchg that claims a
 * channel's table entry the first time the channel is seen.
 *
 * Installing registers two tracepoint probes, then hooks the upcall and
 * the dispatch of each port: by default (upcall_hook=direct) with direct
 * ftrace calls to the trampolines of module/upcall_tramp.S, a call each;
 * with upcall_hook=kprobe, or when the kernel refuses a direct call (one
 * log line), with a kretprobe and a kprobe. Each patches kernel text (see
 * Documentation/lab-textpoke.rst for what that means in the lab).
 * Removing unregisters them and waits for every probe that was running
 * (tracepoint_synchronize_unregister(), the RCU grace period
 * unregister_kretprobe() waits for, and pvtrace_sync_cpus() for the
 * trampolines: an upcall runs with interrupts off, so a CPU that passed
 * through the scheduler is out of it) before the statistics are freed.
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/tracepoint.h>
#include <asm/ftrace.h>
#include <asm/hardirq.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/xen.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/clock.h>
#include <pvtrace/param.h>
#include <pvtrace/timebase.h>
#include <pvtrace/upcall.h>
#include <pvtrace/recorder.h>
#include <pvtrace/trace.h>

#include "upcall_internal.h"

static bool param_enabled = true;
module_param_named(upcalls, param_enabled, bool, 0444);
MODULE_PARM_DESC(upcalls,
		 "Count upcalls and event-channel handlers (default: 1). 0 leaves kernel text unpatched by this hook");

enum { HOOK_DIRECT, HOOK_KPROBE };
static int param_hook = HOOK_DIRECT;	/* after load: the hook in use */

static int hook_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;

	if (sysfs_streq(val, "direct")) {
		param_hook = HOOK_DIRECT;
	} else if (sysfs_streq(val, "kprobe")) {
		param_hook = HOOK_KPROBE;
	} else {
		pr_err("upcalls: upcall_hook must be direct or kprobe: %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
	return 0;
}

static int hook_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  param_hook == HOOK_DIRECT ? "direct" : "kprobe");
}

static const struct kernel_param_ops hook_ops = {
	.set = hook_set,
	.get = hook_get,
};
module_param_cb(upcall_hook, &hook_ops, NULL, 0444);
MODULE_PARM_DESC(upcall_hook,
		 "How the upcall hook enters the kernel: direct (direct ftrace calls, default) or kprobe (a kretprobe and a kprobe); after load, the one in use");

/* What a probe on this CPU is in the middle of; not statistics. */
struct up_state {
	u64 events;		/* events handled in upcalls, ever */
	u64 handler_t0;		/* TSC when the current handler started */
	int handler_irq;	/* its IRQ, -1 when none is timed */
	u32 port;		/* the port dispatched last */
	u32 ports[PVTRACE_REC_PORTS];	/* the first ports of this upcall */
	u32 nports;		/* runs of one port dispatched in this upcall */
	bool in_upcall;		/* between the upcall's entry and return */
	bool fresh;		/* @port was dispatched and no handler ran yet */
};

static DEFINE_PER_CPU(struct up_state, up_state);
/* The kernel's upcall count (compat.h) when the hook was installed. */
static DEFINE_PER_CPU(unsigned int, kernel_base);

/*
 * The body of the upcall function, past its ftrace site: what
 * pvtrace_upcall_tramp() calls. Set before the trampoline is registered.
 */
DEFINE_STATIC_CALL_NULL(pvtrace_upcall_body, pvtrace_upcall_fn);

static struct pvtrace_stats cpu_stats;
static struct pvtrace_stats chan_stats[PVTRACE_CHAN_BLOCKS];
static u64 chan_keys[PVTRACE_CHANS];
static struct pvtrace_chan_info chan_info[PVTRACE_CHANS];
static u32 up_mult;
static bool up_timed;		/* pvtrace_timing() at load */
static bool channels_on;

static struct tracepoint *tp_entry, *tp_exit;
static bool tps_on;		/* the handler tracepoint probes */
static struct ftrace_ops up_ops, port_ops;	/* direct calls from 6.5 */
static unsigned long up_site, port_site;	/* their ftrace sites */
static bool up_hooked, port_hooked;

static __always_inline struct pvtrace_upcall_cpu __percpu *cpu_block(void)
{
	return cpu_stats.pcpu;
}

/*
 * The TSC, when upcalls are timed (module parameter timing) or this CPU
 * records (the recording, or its triggers, need their time); else 0, and
 * every duration is 0 ns.
 */
static __always_inline u64 up_tsc(void)
{
	if (up_timed || pvtrace_rec_active())
		return rdtsc_ordered();
	return 0;
}

/* An upcall's entry: from pvtrace_upcall_tramp(), or the kretprobe. */
void notrace pvtrace_upcall_enter(struct pvtrace_up_instance *in)
{
	in->events0 = this_cpu_read(up_state.events);
	this_cpu_write(up_state.nports, 0);
	this_cpu_write(up_state.fresh, false);
	this_cpu_write(up_state.in_upcall, true);
	in->t0 = up_tsc();
}

/*
 * An upcall's return, with the upcall function's result (IRQ_NONE: nothing
 * was pending; meaningless where it returns nothing, 5.10).
 */
void notrace pvtrace_upcall_return(struct pvtrace_up_instance *in, int ret)
{
	struct pvtrace_upcall_cpu __percpu *s = cpu_block();
	u64 t1 = in->t0 ? up_tsc() : 0;
	u64 ns = t1 > in->t0 ? pvtrace_cycles_to_ns(t1 - in->t0, up_mult) : 0;
	u64 events = this_cpu_read(up_state.events) - in->events0;
	struct up_state *st;

	this_cpu_write(up_state.in_upcall, false);
	pvtrace_write_begin(&s->sync);
	if (!events)
		this_cpu_inc(s->empty);
	if (PVTRACE_UPCALL_RETURNS && ret == IRQ_NONE)
		this_cpu_inc(s->spurious);
	this_cpu_add(s->events, events);
	pvtrace_hist_record(&s->lat, ns);
	pvtrace_hist_record(&s->per_upcall, events);
	pvtrace_write_end(&s->sync);
	st = this_cpu_ptr(&up_state);
	if (in->t0)	/* untimed and not recording at its entry: no time */
		pvtrace_rec_upcall(in->t0, ns, events, st->ports, st->nports);
	/* A trace event where RCU watches (it does in the upcall's entry). */
	if (trace_pvtrace_upcall_enabled() && rcu_is_watching())
		trace_pvtrace_upcall(ns, events, st->nports,
				     st->nports ? st->ports[0] : 0);
}

static int upcall_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	pvtrace_upcall_enter((struct pvtrace_up_instance *)ri->data);
	return 0;
}

static int upcall_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	pvtrace_upcall_return((struct pvtrace_up_instance *)ri->data,
			      (int)regs_return_value(regs));
	return 0;
}

static struct kretprobe upcall_probe = {
	.kp.symbol_name = PVTRACE_UPCALL_SYMBOL,
	.entry_handler = upcall_entry,
	.handler = upcall_return,
	.data_size = sizeof(struct pvtrace_up_instance),
};

/*
 * handle_irq_for_port(evtchn_port_t port, struct evtchn_loop_ctrl *ctrl)
 * is dispatching @port: from pvtrace_port_tramp(), or the kprobe.
 */
void notrace pvtrace_upcall_port(u32 port)
{
	u32 n = this_cpu_read(up_state.nports);

	/*
	 * A port dispatched again right after itself (an upcall that loops
	 * over a busy channel) is kept once, so that the ports kept name the
	 * channels of the upcall, not the first repeats of one.
	 */
	if (!n || port != this_cpu_read(up_state.port)) {
		if (n < PVTRACE_REC_PORTS)
			this_cpu_write(up_state.ports[n], port);
		this_cpu_write(up_state.nports, n + 1);
	}
	this_cpu_inc(up_state.events);
	this_cpu_write(up_state.port, port);
	this_cpu_write(up_state.fresh, true);
}

static int port_pre(struct kprobe *p, struct pt_regs *regs)
{
	pvtrace_upcall_port((u32)regs->di);
	return 0;
}

/*
 * Past the ftrace call site, so that this is an int3 kprobe: the
 * kretprobe on xen_evtchn_do_upcall() already uses ftrace's shared kprobe
 * ops, and with both functions on that ops, load/unload cycles under a
 * stream of events crashed the lab's 6.1 PV guest (a call to address 0,
 * 2 of 2 runs of 100 cycles; each probe alone: 100 cycles clean). The
 * port is still in %rdi: nothing before this point touches it.
 */
static struct kprobe port_probe = {
	.symbol_name = "handle_irq_for_port",
	.offset = PVTRACE_FENTRY_END,
	.pre_handler = port_pre,
};

/* The table entry of (@irq, @action), claimed if new. */
static int chan_entry(int irq, const struct irqaction *action)
{
	struct pvtrace_chan_info *ci;
	bool claimed;
	int e;

	e = pvtrace_chan_find(chan_keys, pvtrace_chan_key(action, irq), &claimed);
	if (e >= 0 && claimed) {
		ci = &chan_info[e];
		pvtrace_chan_name(ci->name, sizeof(ci->name), action->name);
		/* The name is complete before a reader sees ready. */
		smp_store_release(&ci->ready, 1);
	}
	return e;
}

static void probe_handler_entry(void *data, int irq, struct irqaction *action)
{
	/* Every interrupt comes here: the filter is this one load. */
	if (!this_cpu_read(up_state.in_upcall))
		return;
	this_cpu_write(up_state.handler_irq, irq);
	this_cpu_write(up_state.handler_t0, up_tsc());
}

static void probe_handler_exit(void *data, int irq, struct irqaction *action,
			       int ret)
{
	struct pvtrace_upcall_cpu __percpu *s = cpu_block();
	struct pvtrace_chan_block __percpu *b;
	bool fresh;
	u64 ns, t0, t1;
	u32 port;
	int e;

	if (!this_cpu_read(up_state.in_upcall) ||
	    this_cpu_read(up_state.handler_irq) != irq)
		return;
	t0 = this_cpu_read(up_state.handler_t0);
	t1 = t0 ? up_tsc() : 0;
	ns = t1 > t0 ? pvtrace_cycles_to_ns(t1 - t0, up_mult) : 0;
	this_cpu_write(up_state.handler_irq, -1);
	fresh = this_cpu_read(up_state.fresh);
	this_cpu_write(up_state.fresh, false);
	port = this_cpu_read(up_state.port);
	if (!fresh)
		this_cpu_inc(up_state.events);

	e = chan_entry(irq, action);
	pvtrace_write_begin(&s->sync);
	this_cpu_inc(s->handlers);
	if (!fresh)
		this_cpu_inc(s->direct);
	else if (irq_from_evtchn(port) != (unsigned int)irq)
		this_cpu_inc(s->foreign);
	else if (e >= 0 && READ_ONCE(chan_info[e].port) != (int)port)
		WRITE_ONCE(chan_info[e].port, port);
	if (e < 0)
		this_cpu_inc(s->overflow);
	pvtrace_write_end(&s->sync);
	if (e < 0)
		return;

	b = chan_stats[e / PVTRACE_CHANS_PER_BLOCK].pcpu;
	pvtrace_write_begin(&b->sync);
	pvtrace_hist_record(&b->lat[e % PVTRACE_CHANS_PER_BLOCK], ns);
	pvtrace_write_end(&b->sync);
}

static void find_tps(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "irq_handler_entry"))
		tp_entry = tp;
	else if (!strcmp(tp->name, "irq_handler_exit"))
		tp_exit = tp;
}

static void fold_cpu(void *dst, const void *src)
{
	struct pvtrace_upcall_cpu *d = dst;
	const struct pvtrace_upcall_cpu *s = src;

	d->empty += s->empty;
	d->spurious += s->spurious;
	d->events += s->events;
	d->handlers += s->handlers;
	d->direct += s->direct;
	d->foreign += s->foreign;
	d->overflow += s->overflow;
	pvtrace_hist_fold(&d->lat, &s->lat);
	pvtrace_hist_fold(&d->per_upcall, &s->per_upcall);
}

static void fold_chans(void *dst, const void *src)
{
	struct pvtrace_chan_block *d = dst;
	const struct pvtrace_chan_block *s = src;
	unsigned int i;

	for (i = 0; i < PVTRACE_CHANS_PER_BLOCK; i++)
		pvtrace_hist_fold(&d->lat[i], &s->lat[i]);
}

static void free_stats(void)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_CHAN_BLOCKS; i++)
		pvtrace_stats_destroy(&chan_stats[i]);
	pvtrace_stats_destroy(&cpu_stats);
}

static int alloc_stats(void)
{
	unsigned int i;
	int ret;

	BUILD_BUG_ON(sizeof(struct pvtrace_chan_block) > PCPU_MIN_UNIT_SIZE);
	ret = pvtrace_stats_init(&cpu_stats, sizeof(struct pvtrace_upcall_cpu),
				 __alignof__(struct pvtrace_upcall_cpu), fold_cpu);
	for (i = 0; !ret && i < PVTRACE_CHAN_BLOCKS; i++)
		ret = pvtrace_stats_init(&chan_stats[i],
					 sizeof(struct pvtrace_chan_block),
					 __alignof__(struct pvtrace_chan_block),
					 fold_chans);
	if (ret)
		free_stats();
	return ret;
}

/*
 * The ftrace site of @sym: its first instruction, or the one past its
 * ENDBR64 (IBT). Found by a kprobe registered disabled, which resolves the
 * name without patching anything; 0 if not found. Registering the direct
 * call checks that it is an ftrace site (its NOP is the CPU's choice up to
 * 5.12: 66 66 90 66 90 on the lab's family 15 CPU, in 5.10).
 */
static unsigned long ftrace_site(const char *sym)
{
	struct kprobe kp = { .symbol_name = sym, .flags = KPROBE_FLAG_DISABLED };
	unsigned long addr;
	u32 endbr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	if (copy_from_kernel_nofault(&endbr, (void *)addr, sizeof(endbr)))
		return 0;
	if (endbr == 0xfa1e0ff3)	/* ENDBR64: f3 0f 1e fa */
		addr += 4;
	return addr;
}

static void unhook(void)
{
	if (param_hook == HOOK_DIRECT) {
		if (up_hooked)
			pvtrace_direct_unregister(&up_ops, up_site,
						  pvtrace_upcall_tramp);
		if (port_hooked)
			pvtrace_direct_unregister(&port_ops, port_site,
						  pvtrace_port_tramp);
	} else {
		if (up_hooked)
			unregister_kretprobe(&upcall_probe);
		if (port_hooked)
			unregister_kprobe(&port_probe);
	}
	up_hooked = false;
	port_hooked = false;
}

/*
 * The direct calls: the port's dispatch (when the handler tracepoints are
 * in), then the upcall. The trampoline calls the upcall function's body,
 * past its ftrace site, through pvtrace_upcall_body.
 */
static int hook_direct(void)
{
	int ret;

	up_site = ftrace_site(PVTRACE_UPCALL_SYMBOL);
	port_site = tps_on ? ftrace_site("handle_irq_for_port") : 0;
	if (!up_site || (tps_on && !port_site))
		return -ENOENT;
	if (port_site) {
		ret = pvtrace_direct_register(&port_ops, port_site,
					      pvtrace_port_tramp);
		if (ret)
			return ret;
		port_hooked = true;
	}
	static_call_update(pvtrace_upcall_body,
			   (pvtrace_upcall_fn *)(up_site + MCOUNT_INSN_SIZE));
	ret = pvtrace_direct_register(&up_ops, up_site, pvtrace_upcall_tramp);
	if (ret) {
		unhook();
		return ret;
	}
	up_hooked = true;
	return 0;
}

/*
 * The kprobes: without the dispatch kprobe the hook still counts upcalls,
 * without the per-channel view.
 */
static int hook_kprobes(void)
{
	int ret;

	if (tps_on) {
		ret = register_kprobe(&port_probe);
		if (ret)
			pr_info("upcalls: cannot probe the event dispatch (%d): no per-channel view\n",
				ret);
		port_hooked = !ret;
	}
	ret = register_kretprobe(&upcall_probe);
	if (ret) {
		pr_err("upcalls: cannot probe %s: %d\n", PVTRACE_UPCALL_SYMBOL,
		       ret);
		unhook();
		return ret;
	}
	up_hooked = true;
	return 0;
}

static void unregister_tps(void)
{
	if (!tps_on)
		return;
	tracepoint_probe_unregister(tp_exit, probe_handler_exit, NULL);
	tracepoint_probe_unregister(tp_entry, probe_handler_entry, NULL);
	tps_on = false;
}

/* The handler tracepoints, for the per-channel view. */
static void register_tps(void)
{
	int ret;

	for_each_kernel_tracepoint(find_tps, NULL);
	if (!tp_entry || !tp_exit) {
		pr_info("upcalls: no irq_handler_entry/exit tracepoints: no per-channel view\n");
		return;
	}
	ret = tracepoint_probe_register(tp_entry, probe_handler_entry, NULL);
	if (ret)
		goto fail;
	ret = tracepoint_probe_register(tp_exit, probe_handler_exit, NULL);
	if (ret) {
		tracepoint_probe_unregister(tp_entry, probe_handler_entry, NULL);
		tracepoint_synchronize_unregister();
		goto fail;
	}
	tps_on = true;
	return;

fail:
	pr_info("upcalls: cannot probe the handler tracepoints (%d): no per-channel view\n",
		ret);
}

static void unhook_all(void)
{
	bool direct = param_hook == HOOK_DIRECT;

	unhook();
	channels_on = false;
	unregister_tps();
	/* Every probe that was running has returned once this does. */
	tracepoint_synchronize_unregister();
	if (direct)	/* and every trampoline: an upcall ends before schedule */
		pvtrace_sync_cpus();
}

static int upcall_init(void)
{
	unsigned int cpu, e;
	int ret;

	if (!pvtrace_guest_is_xen(pvtrace_env.guest) || !param_enabled)
		return -ENODEV;
	up_mult = pvtrace_tsc_mult(tsc_khz);
	up_timed = pvtrace_timing();
	if (!up_mult) {
		pr_err("upcalls: no TSC frequency; cannot time upcalls\n");
		return -ENODEV;
	}
	ret = alloc_stats();
	if (ret)
		return ret;
	for_each_possible_cpu(cpu)
		per_cpu(up_state, cpu).handler_irq = -1;
	for (e = 0; e < PVTRACE_CHANS; e++)
		chan_info[e].port = -1;

	register_tps();
	if (param_hook == HOOK_DIRECT) {
		ret = hook_direct();
		if (ret) {
			pr_info("upcalls: no direct ftrace call on %s (%d): using kprobes\n",
				PVTRACE_UPCALL_SYMBOL, ret);
			param_hook = HOOK_KPROBE;
		}
	}
	if (param_hook == HOOK_KPROBE)
		ret = hook_kprobes();
	if (ret) {
		unhook_all();
		free_stats();
		return ret;
	}
	if (tps_on && !port_hooked)
		unregister_tps();	/* no dispatch hook: no channel view */
	channels_on = tps_on && port_hooked;
	for_each_possible_cpu(cpu)
		per_cpu(kernel_base, cpu) = pvtrace_hv_callback_count(cpu);
	return 0;
}

static void upcall_exit(void)
{
	unhook_all();
	free_stats();
}

/* For debugfs/upcall.c. */
struct pvtrace_stats *pvtrace_upcall_cpu_stats(void)
{
	return &cpu_stats;
}

struct pvtrace_stats *pvtrace_upcall_chan_stats(unsigned int block)
{
	return block < PVTRACE_CHAN_BLOCKS ? &chan_stats[block] : NULL;
}

bool pvtrace_upcall_channels_on(void)
{
	return channels_on;
}

/* The kernel's own upcall count on @cpu since pvtrace loaded (the HYP row). */
unsigned int pvtrace_upcall_kernel_count(unsigned int cpu)
{
	return pvtrace_hv_callback_count(cpu) - per_cpu(kernel_base, cpu);
}

/**
 * pvtrace_upcall_chan() - a table entry's identity
 * @e: the entry
 * @port: its port, -1 if never seen dispatched and not bound to @irq now
 * @irq: its IRQ
 * @name: its handler's name (PVTRACE_CHAN_NAME bytes)
 *
 * Process context: may look the port up among the bound ones.
 *
 * Return: false if the entry holds no channel (yet).
 */
bool pvtrace_upcall_chan(unsigned int e, int *port, int *irq, char *name)
{
	unsigned int p, n;
	u64 key;

	if (e >= PVTRACE_CHANS)
		return false;
	key = READ_ONCE(chan_keys[e]);
	/* Pairs with chan_entry(): ready means the name is complete. */
	if (!key || !smp_load_acquire(&chan_info[e].ready))
		return false;
	*irq = pvtrace_chan_key_irq(key);
	*port = READ_ONCE(chan_info[e].port);
	if (*port < 0) {
		/* Only ever handled directly (2-level timer): find it bound. */
		n = xen_evtchn_nr_channels();
		for (p = 1; p < n; p++) {
			if (irq_from_evtchn(p) == (unsigned int)*irq) {
				*port = p;
				break;
			}
		}
	}
	memcpy(name, chan_info[e].name, PVTRACE_CHAN_NAME);
	name[PVTRACE_CHAN_NAME - 1] = '\0';
	return true;
}

/**
 * pvtrace_upcall_port_name() - the handler name of event channel @port
 * @port: a port
 * @name: room for PVTRACE_CHAN_NAME bytes
 * @len: its size
 *
 * Process context. Return: false if no channel seen so far is @port.
 */
bool pvtrace_upcall_port_name(u32 port, char *name, size_t len)
{
	unsigned int irq = irq_from_evtchn(port), e;
	u64 key;

	for (e = 0; e < PVTRACE_CHANS; e++) {
		key = READ_ONCE(chan_keys[e]);
		/* Pairs with chan_entry(): ready means the name is complete. */
		if (!key || !smp_load_acquire(&chan_info[e].ready))
			continue;
		if (READ_ONCE(chan_info[e].port) == (int)port ||
		    pvtrace_chan_key_irq(key) == (int)irq) {
			strscpy(name, chan_info[e].name, min_t(size_t, len,
							       PVTRACE_CHAN_NAME));
			return true;
		}
	}
	return false;
}

/* Xen's current view of @port (EVTCHNOP_status); process context only. */
int pvtrace_upcall_port_status(u32 port, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = DOMID_SELF;
	st->port = port;
	return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

/*
 * Probe misses: [0] the upcall kretprobe (no free instance, or its kprobe
 * hit while another probe ran), [1] the dispatch kprobe; 0 with direct
 * calls.
 */
void pvtrace_upcall_missed(unsigned long missed[2])
{
	bool kp = param_hook == HOOK_KPROBE;

	/* A direct call misses nothing. */
	missed[0] = kp && up_hooked ? upcall_probe.nmissed +
				      upcall_probe.kp.nmissed : 0;
	missed[1] = kp && port_hooked ? port_probe.nmissed : 0;
}

const struct pvtrace_hook pvtrace_upcall_hook = {
	.name = "upcalls",
	.init = upcall_init,
	.exit = upcall_exit,
};
