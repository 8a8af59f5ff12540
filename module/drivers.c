// SPDX-License-Identifier: GPL-2.0
/*
 * The PV driver hook: calls and times of PV front-end driver and Xen core
 * functions, per vCPU and per function, and xenstore requests by message
 * type. What is probed and why: include/pvtrace/drivers.h.
 *
 * Each target is a kretprobe: the entry handler stores the TSC (and, for
 * the xenstore entry points, the message type) in the instance, the return
 * handler records into this CPU's statistics block. Handlers do per-CPU
 * operations and TSC reads only.
 *
 * Targets in a module are attached from a module notifier when the module
 * comes (MODULE_STATE_COMING, before its init runs) and unregistered when
 * it goes (MODULE_STATE_GOING, before its text is freed). The target table
 * changes under drv_lock only, in process context; the notifier is
 * registered and unregistered outside it (the notifier chain's lock is
 * held while a callback waits for drv_lock).
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <xen/interface/io/xs_wire.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/clock.h>
#include <pvtrace/timebase.h>
#include <pvtrace/drivers.h>
#include <pvtrace/hcall.h>
#include <pvtrace/param.h>

/*
 * Off by default: it patches the entries of the functions it follows and
 * adds a kretprobe to each of their calls; a PV driver developer turns it
 * on (Documentation/parameters.rst, "drivers").
 */
static bool param_enabled;
module_param_named(drivers, param_enabled, bool, 0444);
MODULE_PARM_DESC(drivers,
		 "Count and time PV driver and Xen core functions (default: 0). 0 leaves kernel text unpatched by this hook");

/* probes=, parsed when set; applied by drivers_init(). */
static char param_val[PVTRACE_DRV_PARAM_LEN];
static struct pvtrace_drv_target param_targets[PVTRACE_DRV_TARGETS];
static unsigned int param_n;
static bool param_given;

/* probes=: syntax checked here; whether each function exists, at init. */
static int probes_set(const char *val, const struct kernel_param *kp)
{
	unsigned int bad, bad_len, n;
	struct pvtrace_val shown;
	int err;

	err = pvtrace_drv_parse(val, param_targets, &n, &bad, &bad_len);
	if (err) {
		pr_err("drivers: probes: '%s': %s\n",
		       pvtrace_valn(&shown, val + bad, bad_len),
		       pvtrace_drv_strerror(err));
		return -EINVAL;
	}
	param_n = n;
	param_given = true;
	strscpy(param_val, val, sizeof(param_val));
	param_val[strcspn(param_val, "\n")] = '\0';
	return 0;
}

static int probes_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", param_val);
}

static const struct kernel_param_ops probes_ops = {
	.set = probes_set,
	.get = probes_get,
};
module_param_cb(probes, &probes_ops, NULL, 0444);
MODULE_PARM_DESC(probes,
		 "PV driver probe targets: +module:function,... adds to the default set, module:function,... replaces it; vmlinux:function for the kernel (default: the default set)");

/* Instances of the xenstore entry points: requests wait for replies. */
#define XS_MAXACTIVE	64

struct drv_target {
	struct kretprobe krp;
	struct pvtrace_drv_target t;
	char sym[PVTRACE_DRV_NAME_LEN];	/* "function" or "module:function" */
	unsigned int state;
	int err;
	unsigned long missed;		/* of earlier attachments */
	/* A kernel function: its hypercalls are its caller's. */
	bool fwd;
	bool registered;
};

/* Per call, carried from the kretprobe's entry to its return. */
struct drv_instance {
	u64 t0;
	u32 type;
	int cpu;		/* -1: no record pushed */
	struct pvtrace_hcall_outer saved;
};

static DEFINE_MUTEX(drv_lock);		/* the table below */
static struct drv_target targets[PVTRACE_DRV_TARGETS];
static unsigned int ntargets;

static struct pvtrace_stats cpu_stats;
static struct pvtrace_stats xs_stats;
static u32 drv_mult;
static bool drv_timed;		/* pvtrace_timing() at load */

static struct drv_target *target_of(struct kretprobe_instance *ri)
{
	struct kretprobe *rp = get_kretprobe(ri);

	return rp ? container_of(rp, struct drv_target, krp) : NULL;
}

/*
 * A followed kernel function (notify_remote_via_irq(), the grant
 * operations) makes its hypercalls for its caller: the hypercall hook
 * counts them at the caller's site while it runs (struct
 * pvtrace_hcall_outer). The record is a stack: each call saves the one it
 * finds and puts it back on return. @ip is zeroed first and set last, so
 * an interrupt between the stores sees none rather than half of one.
 */
static void outer_push(struct drv_instance *in, const struct drv_target *dt,
		       struct pt_regs *regs)
{
	struct pvtrace_hcall_outer *o = this_cpu_ptr(&pvtrace_hcall_outer);

	in->cpu = -1;
	if (!dt->fwd)
		return;
	in->cpu = smp_processor_id();
	in->saved = *o;
	WRITE_ONCE(o->ip, 0);
	barrier();
	WRITE_ONCE(o->task, current);
	WRITE_ONCE(o->ctx, preempt_count() & PVTRACE_HCALL_CTX);
	barrier();
	/* At the entry, the return address is on top of the stack. */
	WRITE_ONCE(o->ip, regs_get_kernel_stack_nth(regs, 0));
}

/*
 * A call that slept and returns on another vCPU leaves its record on the
 * first one: it names its task, so no other task's hypercall takes it,
 * and the next followed call there replaces it.
 */
static void outer_pop(const struct drv_instance *in)
{
	struct pvtrace_hcall_outer *o = this_cpu_ptr(&pvtrace_hcall_outer);

	if (in->cpu != smp_processor_id())
		return;	/* none pushed, or pushed on another vCPU */
	WRITE_ONCE(o->ip, 0);
	barrier();
	WRITE_ONCE(o->task, in->saved.task);
	WRITE_ONCE(o->ctx, in->saved.ctx);
	barrier();
	WRITE_ONCE(o->ip, in->saved.ip);
}

static int drv_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct drv_instance *in = (struct drv_instance *)ri->data;
	struct drv_target *dt = target_of(ri);

	if (!dt)
		return 1;	/* no return probe for this call */
	outer_push(in, dt, regs);
	/*
	 * xs_talkv(struct xenbus_transaction t, enum xsd_sockmsg_type type,
	 *	    ...): t is one u32, in %edi, the type in %esi.
	 * xenbus_dev_request_and_reply(struct xsd_sockmsg *msg, void *par).
	 */
	if (dt->t.kind == PVTRACE_DRV_XS_KERNEL)
		in->type = (u32)regs->si;
	else if (dt->t.kind == PVTRACE_DRV_XS_USER)
		in->type = READ_ONCE(((struct xsd_sockmsg *)regs->di)->type);
	in->t0 = drv_timed ? rdtsc_ordered() : 0;
	return 0;
}

static int drv_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct drv_instance *in = (struct drv_instance *)ri->data;
	struct pvtrace_drv_cpu __percpu *s = cpu_stats.pcpu;
	struct pvtrace_drv_xs_cpu __percpu *x = xs_stats.pcpu;
	struct drv_target *dt = target_of(ri);
	u64 now = in->t0 ? rdtsc_ordered() : 0;
	unsigned int slot;
	u64 ns;

	if (!dt)
		return 0;
	outer_pop(in);
	/* A call that slept may return on another vCPU, whose TSC may lag. */
	ns = now > in->t0 ? pvtrace_cycles_to_ns(now - in->t0, drv_mult) : 0;
	pvtrace_write_begin(&s->sync);
	pvtrace_hist_record(&s->lat[dt - targets], ns);
	pvtrace_write_end(&s->sync);
	if (dt->t.kind == PVTRACE_DRV_PLAIN)
		return 0;
	slot = pvtrace_xs_slot(in->type);
	pvtrace_write_begin(&x->sync);
	if (dt->t.kind == PVTRACE_DRV_XS_KERNEL)
		pvtrace_hist_record(&x->kernel[slot], ns);
	else
		this_cpu_inc(x->user[slot]);
	pvtrace_write_end(&x->sync);
	return 0;
}

static bool is_vmlinux(const struct drv_target *dt)
{
	return !strcmp(dt->t.mod, PVTRACE_DRV_VMLINUX);
}

/* Is module @name loaded (not merely built in with parameters)? */
static bool module_loaded(const char *name)
{
	struct kset *modules = THIS_MODULE->mkobj.kobj.kset;
	struct kobject *kobj;
	bool ret;

	if (!modules)
		return false;
	kobj = kset_find_obj(modules, name);
	if (!kobj)
		return false;
	ret = container_of(kobj, struct module_kobject, kobj)->mod;
	kobject_put(kobj);
	return ret;
}

static const char *attach_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such function";
	case -EINVAL:
	case -EILSEQ:
		return "cannot be probed (noinstr, blacklisted, or not a function entry)";
	case -EBUSY:
		return "cannot be probed (busy)";
	}
	return "cannot be probed";
}

static int attach(struct drv_target *dt)
{
	struct kretprobe *rp = &dt->krp;
	int ret;

	lockdep_assert_held(&drv_lock);
	if (dt->registered)
		return 0;
	memset(rp, 0, sizeof(*rp));
	rp->kp.symbol_name = dt->sym;
	rp->entry_handler = drv_entry;
	rp->handler = drv_return;
	rp->data_size = sizeof(struct drv_instance);
	if (dt->t.kind != PVTRACE_DRV_PLAIN)
		rp->maxactive = XS_MAXACTIVE;
	/*
	 * A kernel function's hypercalls are its caller's (outer_push()); a
	 * driver's own are at its own site already. Set before registering:
	 * the handlers read it.
	 */
	dt->fwd = is_vmlinux(dt) && dt->t.kind == PVTRACE_DRV_PLAIN;
	ret = register_kretprobe(rp);
	dt->err = ret;
	dt->registered = !ret;
	dt->state = ret ? PVTRACE_DRV_FAILED : PVTRACE_DRV_ATTACHED;
	return ret;
}

static unsigned long krp_missed(const struct kretprobe *rp)
{
	return rp->nmissed + rp->kp.nmissed;
}

static void detach(struct drv_target *dt, unsigned int state)
{
	lockdep_assert_held(&drv_lock);
	if (dt->registered) {
		unregister_kretprobe(&dt->krp);
		dt->missed += krp_missed(&dt->krp);
		dt->registered = false;
	}
	dt->state = state;
}

static int drv_module_event(struct notifier_block *nb, unsigned long event,
			    void *data)
{
	struct module *mod = data;
	unsigned int i;
	int ret;

	if (event != MODULE_STATE_COMING && event != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&drv_lock);
	for (i = 0; i < ntargets; i++) {
		struct drv_target *dt = &targets[i];

		if (strcmp(dt->t.mod, mod->name))
			continue;
		if (event == MODULE_STATE_GOING) {
			if (dt->registered)
				detach(dt, PVTRACE_DRV_DETACHED);
			continue;
		}
		ret = attach(dt);
		if (ret)
			pr_warn("drivers: %s:%s: %s (%d) in the module just loaded: not probed\n",
				dt->t.mod, dt->t.func, attach_error(ret), ret);
	}
	mutex_unlock(&drv_lock);
	return NOTIFY_DONE;
}

static struct notifier_block drv_nb = {
	.notifier_call = drv_module_event,
};

static void fold_cpu(void *dst, const void *src)
{
	struct pvtrace_drv_cpu *d = dst;
	const struct pvtrace_drv_cpu *s = src;
	unsigned int i;

	for (i = 0; i < PVTRACE_DRV_TARGETS; i++)
		pvtrace_hist_fold(&d->lat[i], &s->lat[i]);
}

static void fold_xs(void *dst, const void *src)
{
	struct pvtrace_drv_xs_cpu *d = dst;
	const struct pvtrace_drv_xs_cpu *s = src;
	unsigned int i;

	for (i = 0; i < PVTRACE_XS_TYPES; i++) {
		pvtrace_hist_fold(&d->kernel[i], &s->kernel[i]);
		d->user[i] += s->user[i];
	}
}

static void free_stats(void)
{
	pvtrace_stats_destroy(&xs_stats);
	pvtrace_stats_destroy(&cpu_stats);
}

static int alloc_stats(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct pvtrace_drv_cpu) > PCPU_MIN_UNIT_SIZE);
	BUILD_BUG_ON(sizeof(struct pvtrace_drv_xs_cpu) > PCPU_MIN_UNIT_SIZE);
	ret = pvtrace_stats_init(&cpu_stats, sizeof(struct pvtrace_drv_cpu),
				 __alignof__(struct pvtrace_drv_cpu), fold_cpu);
	if (!ret)
		ret = pvtrace_stats_init(&xs_stats,
					 sizeof(struct pvtrace_drv_xs_cpu),
					 __alignof__(struct pvtrace_drv_xs_cpu),
					 fold_xs);
	if (ret)
		free_stats();
	return ret;
}

static void outer_clear(void *unused)
{
	WRITE_ONCE(this_cpu_ptr(&pvtrace_hcall_outer)->ip, 0);
}

/*
 * Unregister every attached target at once (one RCU grace period). Calls
 * in flight then return without the return handler: the records they
 * pushed are dropped on every vCPU.
 */
static void detach_all(void)
{
	struct kretprobe *rps[PVTRACE_DRV_TARGETS];
	unsigned int i, n = 0;

	mutex_lock(&drv_lock);
	for (i = 0; i < ntargets; i++)
		if (targets[i].registered)
			rps[n++] = &targets[i].krp;
	if (n)
		unregister_kretprobes(rps, n);
	for (i = 0; i < ntargets; i++) {
		if (targets[i].registered) {
			targets[i].missed += krp_missed(&targets[i].krp);
			targets[i].registered = false;
		}
	}
	mutex_unlock(&drv_lock);
	if (n)
		on_each_cpu(outer_clear, NULL, 1);
}

/*
 * Attach what can be attached now. A target named in probes= that is in
 * the kernel or in a loaded module and cannot attach refuses the load
 * (-EINVAL, one log line naming it); a default target that cannot is
 * reported and left "failed".
 */
static int attach_all(void)
{
	unsigned int i;
	int ret;

	mutex_lock(&drv_lock);
	for (i = 0; i < ntargets; i++) {
		struct drv_target *dt = &targets[i];

		if (!is_vmlinux(dt) && !module_loaded(dt->t.mod))
			continue;	/* pending; the notifier attaches it */
		ret = attach(dt);
		if (!ret)
			continue;
		if (dt->t.named) {
			pr_err("drivers: probes: %s:%s: %s (%d)\n", dt->t.mod,
			       dt->t.func, attach_error(ret), ret);
			mutex_unlock(&drv_lock);
			return -EINVAL;
		}
		pr_info("drivers: %s:%s: %s (%d): not counted\n", dt->t.mod,
			dt->t.func, attach_error(ret), ret);
	}
	mutex_unlock(&drv_lock);
	return 0;
}

static void set_targets(void)
{
	unsigned int i;

	if (!param_given)
		param_n = pvtrace_drv_set_defaults(param_targets);
	ntargets = param_n;
	for (i = 0; i < ntargets; i++) {
		struct drv_target *dt = &targets[i];

		memset(dt, 0, sizeof(*dt));
		dt->t = param_targets[i];
		if (is_vmlinux(dt))
			strscpy(dt->sym, dt->t.func, sizeof(dt->sym));
		else
			snprintf(dt->sym, sizeof(dt->sym), "%s:%s", dt->t.mod,
				 dt->t.func);
		dt->state = PVTRACE_DRV_PENDING;
	}
}

static int drivers_init(void)
{
	int ret;

	if (!pvtrace_guest_is_xen(pvtrace_env.guest) || !param_enabled)
		return -ENODEV;
	drv_mult = pvtrace_tsc_mult(tsc_khz);
	drv_timed = pvtrace_timing();
	if (!drv_mult) {
		pr_err("drivers: no TSC frequency; cannot time calls\n");
		return -ENODEV;
	}
	ret = alloc_stats();
	if (ret)
		return ret;
	set_targets();

	/* First, so that no module loading from now on is missed. */
	ret = register_module_notifier(&drv_nb);
	if (ret)
		goto out_free;
	ret = attach_all();
	if (ret)
		goto out_detach;
	return 0;

out_detach:
	unregister_module_notifier(&drv_nb);
	detach_all();
out_free:
	free_stats();
	return ret;
}

static void drivers_exit(void)
{
	/* On return no callback runs, and none will. */
	unregister_module_notifier(&drv_nb);
	detach_all();
	free_stats();
}

/* Read side, for debugfs/drivers.c. */

unsigned int pvtrace_drv_count(void)
{
	return READ_ONCE(ntargets);
}

/**
 * pvtrace_drv_info() - a target's identity and state
 * @i: the target, 0 <= @i < pvtrace_drv_count()
 * @info: filled in
 *
 * Process context (takes the table's mutex).
 *
 * Return: false if there is no target @i.
 */
bool pvtrace_drv_info(unsigned int i, struct pvtrace_drv_info *info)
{
	struct drv_target *dt;

	mutex_lock(&drv_lock);
	if (i >= ntargets) {
		mutex_unlock(&drv_lock);
		return false;
	}
	dt = &targets[i];
	snprintf(info->name, sizeof(info->name), "%s:%s", dt->t.mod,
		 dt->t.func);
	info->role = dt->t.role;
	info->state = dt->state;
	info->err = dt->err;
	info->missed = dt->missed +
		       (dt->registered ? krp_missed(&dt->krp) : 0);
	mutex_unlock(&drv_lock);
	return true;
}

struct pvtrace_stats *pvtrace_drv_stats(void)
{
	return &cpu_stats;
}

struct pvtrace_stats *pvtrace_drv_xs_stats(void)
{
	return &xs_stats;
}

const struct pvtrace_hook pvtrace_drivers_hook = {
	.name = "drivers",
	.init = drivers_init,
	.exit = drivers_exit,
};
