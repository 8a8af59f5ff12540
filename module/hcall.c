// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall hook: every hypercall the kernel and its modules make,
 * including those userspace makes through privcmd, goes through the
 * xen_hypercall static call (the XSA-466 backport, on both kernel lines).
 * Installing the hook retargets that static call to pvtrace_hcall_stub,
 * which counts and times the call and then makes the original one.
 *
 * The static call's key is not exported. A module's own static call sites
 * are fixed up at load to point at the real key (static_call_add_module()),
 * so the key is found through this module's own hypercall site and checked
 * against the exported trampoline before anything is patched.
 *
 * Removal: retarget back, then wait until no CPU can be inside the stub:
 * every CPU passes through the scheduler (pvtrace_sync_cpus(): callers
 * that cannot be preempted, in idle, NMI or with interrupts off, have
 * left; an idle vCPU blocked in a hypercall is woken), then
 * synchronize_rcu_tasks() for tasks preempted inside, then the in-flight
 * count for calls still inside a long hypercall, then every CPU through
 * the scheduler once more, for the stub's last instruction after the
 * count. ftrace frees a trampoline in the same order.
 *
 * This file is the hook: finding the key, installing and removing the
 * stub, what the hot path is told to do (pvtrace_hcall_flags, the slot
 * map, the window), and the parameters' values, which it applies. The
 * parameters' syntax is in module/hcall_param.c, the statistics and their
 * snapshots for debugfs in module/hcall_stats.c.
 *
 * Locking: hcall_lock serialises installing, removing and every change of
 * configuration (parameters at run time, the recorder starting or
 * stopping). The hot path reads its configuration without locks: each
 * word is written with WRITE_ONCE() and read with READ_ONCE().
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/static_call.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/version.h>
#include <xen/xen.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>

#include "hcall_internal.h"

/* The original target. */
static void *pvtrace_hcall_orig;
/*
 * How the stub calls it: a static call of the module's own, so that each
 * of the stub's calls is a direct branch to the target (module/hcall_stub.S).
 */
DEFINE_STATIC_CALL_NULL(pvtrace_hcall_orig_call, xen_hypercall_func);

struct pvtrace_hcall_cfg pvtrace_hcall_cfg;
/* PVTRACE_HCALL_*: read by the stub on every call. */
u32 pvtrace_hcall_flags;
u16 pvtrace_hcall_slotmap[PVTRACE_HCALL_NR * PVTRACE_SLOTMAP_COLS];

static struct static_call_key *hcall_key;
static bool installed;
static bool ready;		/* statistics allocated, hook usable */
static DEFINE_MUTEX(hcall_lock);	/* installed, and the parameters */

/* The parameters' values (module/hcall_param.c); written under hcall_lock. */
static struct pvtrace_hcall_params params = {
	.enabled = true,
	.timing = -1,
	.window_ns = 50000,
	.extras = PVTRACE_HCALL_CALLERS,
};

static bool recording;		/* the flight recorder runs: time every call */
static bool tsc_emulated;

/* This module's own hypercall site, through which the key is found. */
static noinline long hcall_anchor(void)
{
	return HYPERVISOR_xen_version(XENVER_version, NULL);
}

/* Where the exported trampoline jumps: the static call's current target. */
static void *tramp_target(void)
{
	const u8 *p = pvtrace_xen_hypercall_tramp();

	if (p[0] != 0xe9)	/* jmp rel32 */
		return NULL;
	return (void *)(p + 5 + *(const s32 *)(p + 1));
}

static struct static_call_key *find_key(void)
{
	struct module *mod = THIS_MODULE;
	void *target = tramp_target();
	int i;

	if (!target)
		return NULL;
	for (i = 0; i < mod->num_static_call_sites; i++) {
		struct static_call_site *s = &mod->static_call_sites[i];
		struct static_call_key *key;

		key = (void *)(((long)s->key + (long)&s->key) &
			       ~STATIC_CALL_SITE_FLAGS);
		if (READ_ONCE(key->func) == target)
			return key;
	}
	return NULL;
}

static void wait_inflight(void)
{
	unsigned int ms = 0;
	long n;

	for (;;) {
		n = pvtrace_hcall_inflight_calls();
		if (!n)
			return;
		if (ms == 1000)
			pr_info("hypercalls: waiting for %ld hypercalls in flight\n",
				n);
		msleep(20);
		ms += 20;
	}
}

static void uninstall(void)
{
	u64 t[5];

	lockdep_assert_held(&hcall_lock);
	if (!installed)
		return;
	pvtrace_hcall_mc_unregister();
	if (READ_ONCE(hcall_key->func) != pvtrace_hcall_stub)
		pr_warn("hypercalls: xen_hypercall was retargeted by someone else; restoring anyway\n");
	__static_call_update(hcall_key, pvtrace_xen_hypercall_tramp(),
			     pvtrace_hcall_orig);
	t[0] = ktime_get_ns();
	pvtrace_sync_cpus();
	t[1] = ktime_get_ns();
	synchronize_rcu_tasks();
	t[2] = ktime_get_ns();
	wait_inflight();
	t[3] = ktime_get_ns();
	pvtrace_sync_cpus();
	t[4] = ktime_get_ns();
	installed = false;
	/* A slow removal says where it waited. */
	if (t[4] - t[0] >= NSEC_PER_SEC)
		pr_info("hypercalls: unhooked in %llu ms: CPUs %llu, tasks %llu, in flight %llu, CPUs %llu\n",
			(t[4] - t[0]) / NSEC_PER_MSEC,
			(t[1] - t[0]) / NSEC_PER_MSEC,
			(t[2] - t[1]) / NSEC_PER_MSEC,
			(t[3] - t[2]) / NSEC_PER_MSEC,
			(t[4] - t[3]) / NSEC_PER_MSEC);
}

static int install(void)
{
	unsigned int slot = pvtrace_hcall_slot(__HYPERVISOR_xen_version,
					       XENVER_version);
	u64 before, after;
	int ret;

	lockdep_assert_held(&hcall_lock);
	if (installed)
		return 0;
	ret = pvtrace_hcall_mc_register();
	if (ret) {
		pr_err("hypercalls: cannot register the flush-reason probe: %d\n",
		       ret);
		return ret;
	}
	pvtrace_hcall_orig = READ_ONCE(hcall_key->func);
	static_call_update(pvtrace_hcall_orig_call,
			   (void (*)(void))pvtrace_hcall_orig);
	__static_call_update(hcall_key, pvtrace_xen_hypercall_tramp(),
			     pvtrace_hcall_stub);
	installed = true;

	/* Prove the stub sees a hypercall of ours before relying on it. */
	preempt_disable();
	before = pvtrace_hcall_this_cpu_calls(slot);
	hcall_anchor();
	after = pvtrace_hcall_this_cpu_calls(slot);
	preempt_enable();
	if (after != before + 1) {
		pr_err("hypercalls: the stub did not see a test hypercall; removing it\n");
		uninstall();
		return -EIO;
	}
	return 0;
}

static bool timing_wanted(void)
{
	return params.timing < 0 ? !tsc_emulated : params.timing;
}

/* What the hot path does besides counting, from the parameters. */
static void set_flags(void)
{
	u32 f = params.extras & PVTRACE_HCALL_CALLERS;

	lockdep_assert_held(&hcall_lock);
	if (timing_wanted() || recording) {
		f |= PVTRACE_HCALL_TIMING;
		if (params.window_ns)
			f |= params.extras & PVTRACE_HCALL_REDUNDANT;
	}
	WRITE_ONCE(pvtrace_hcall_flags, f);
}

static void build_slotmap(void)
{
	unsigned int nr, col;

	for (nr = 0; nr < PVTRACE_HCALL_NR; nr++)
		for (col = 0; col < PVTRACE_SLOTMAP_COLS; col++)
			pvtrace_hcall_slotmap[nr * PVTRACE_SLOTMAP_COLS + col] =
				nr == __HYPERVISOR_mmuext_op ||
				nr == __HYPERVISOR_multicall ?
				PVTRACE_SLOTMAP_SLOW : pvtrace_hcall_slot(nr, col);
}

static void set_window(unsigned long ns)
{
	WRITE_ONCE(pvtrace_hcall_cfg.window_cycles,
		   div_u64((u64)ns * tsc_khz, USEC_PER_SEC));
}

/*
 * A module going: each CPU retires its own callers-table keys of call
 * sites in it (pvtrace_caller_retired()). A count racing with this on the
 * same CPU lands in the entry either way, and belongs to the module going.
 */
static void retire_callers(void *arg)
{
	struct pvtrace_ktab *t = this_cpu_ptr(pvtrace_hcall_stats.callers);
	const struct module *mod = arg;
	unsigned int i;

	for (i = 0; i < PVTRACE_KTAB_SIZE; i++) {
		u64 key = READ_ONCE(t->key[i]);

		if (key && !pvtrace_caller_retired(key) &&
		    within_module(pvtrace_caller_ip(key), mod))
			WRITE_ONCE(t->key[i], key | PVTRACE_CALLER_RETIRED);
	}
}

static int hcall_module_event(struct notifier_block *nb, unsigned long event,
			      void *data)
{
	if (event == MODULE_STATE_GOING)
		on_each_cpu(retire_callers, data, 1);
	return NOTIFY_DONE;
}

static struct notifier_block hcall_nb = {
	.notifier_call = hcall_module_event,
};

static int hcall_init(void)
{
	int ret;

	BUILD_BUG_ON(__HYPERVISOR_vcpu_op != 24 || VCPUOP_down != 2);
	BUILD_BUG_ON(__HYPERVISOR_set_segment_base != 25 ||
		     SEGBASE_GS_KERNEL != 2);
	/* Constants repeated in hcall_stub.S. */
	BUILD_BUG_ON(PVTRACE_HCALL_TIMING != 0x1 ||
		     PVTRACE_HCALL_REDUNDANT != 0x4);
	BUILD_BUG_ON(PVTRACE_SLOTMAP_COLS != 65 ||
		     PVTRACE_SLOTMAP_SLOW != 0xffff);
	BUILD_BUG_ON(PVTRACE_SLOT_NR >= PVTRACE_SLOTMAP_SLOW);
	if (!pvtrace_guest_is_xen(pvtrace_env.guest))
		return -ENODEV;
	if (!tsc_khz) {
		pr_err("hypercalls: no TSC frequency; cannot time hypercalls\n");
		return -ENODEV;
	}
	if (!PVTRACE_HCALL_HOOKABLE) {
		pr_err("hypercalls: this kernel has no xen_hypercall static call (it predates the XSA-466 fix): hypercalls are not counted\n");
		return -ENODEV;
	}
	hcall_key = find_key();
	if (!hcall_key) {
		pr_err("hypercalls: cannot find the xen_hypercall static call\n");
		return -ENODEV;
	}
	ret = pvtrace_hcall_stats_alloc();
	if (ret)
		return ret;
	ret = register_module_notifier(&hcall_nb);
	if (ret)
		goto out_stats;

	mutex_lock(&hcall_lock);
	pvtrace_hcall_cfg.mult = pvtrace_tsc_mult(tsc_khz);
	tsc_emulated = pvtrace_env.tsc_emulated;
	build_slotmap();
	set_flags();
	if (tsc_emulated && params.timing < 0)
		pr_info("hypercalls: Xen emulates the TSC in this guest: counting without timing (hcall_timing=1 times anyway, at two VM exits per call)\n");
	set_window(params.window_ns);
	ret = params.enabled ? install() : 0;
	ready = !ret;
	mutex_unlock(&hcall_lock);
	if (ret)
		goto out_notifier;
	return 0;

out_notifier:
	unregister_module_notifier(&hcall_nb);
out_stats:
	pvtrace_hcall_stats_free();
	return ret;
}

static void hcall_exit(void)
{
	mutex_lock(&hcall_lock);
	uninstall();
	ready = false;
	mutex_unlock(&hcall_lock);
	unregister_module_notifier(&hcall_nb);
	pvtrace_hcall_stats_free();
}

/* The parameters' values: applied at once while the hook is ready. */

int pvtrace_hcall_set_enabled(bool on)
{
	int ret = 0;

	mutex_lock(&hcall_lock);
	if (ready)
		ret = on ? install() : (uninstall(), 0);
	if (!ret)
		WRITE_ONCE(params.enabled, on);
	mutex_unlock(&hcall_lock);
	return ret;
}

void pvtrace_hcall_set_timing(int timing)
{
	mutex_lock(&hcall_lock);
	WRITE_ONCE(params.timing, timing);
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
}

void pvtrace_hcall_set_window_ns(unsigned long ns)
{
	mutex_lock(&hcall_lock);
	WRITE_ONCE(params.window_ns, ns);
	if (tsc_khz)
		set_window(ns);
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
}

void pvtrace_hcall_set_extras(u32 extras)
{
	mutex_lock(&hcall_lock);
	WRITE_ONCE(params.extras, extras);
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
}

/* The values as last set, each read once (the lock may be held long). */
void pvtrace_hcall_get_params(struct pvtrace_hcall_params *p)
{
	p->enabled = READ_ONCE(params.enabled);
	p->timing = READ_ONCE(params.timing);
	p->window_ns = READ_ONCE(params.window_ns);
	p->extras = READ_ONCE(params.extras);
}

/**
 * pvtrace_hcall_set_recording() - time every call while the recorder runs
 * @on: whether it does
 *
 * Every hypercall is then timed, whatever hcall_timing says, so that the
 * recording holds its duration.
 */
void pvtrace_hcall_set_recording(bool on)
{
	mutex_lock(&hcall_lock);
	recording = on;
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
}

/**
 * pvtrace_hcall_read_status() - the hook's state, for hypercalls/status
 * @st: filled in
 */
void pvtrace_hcall_read_status(struct pvtrace_hcall_status *st)
{
	st->installed = READ_ONCE(installed);
	st->timing = READ_ONCE(pvtrace_hcall_flags) & PVTRACE_HCALL_TIMING;
	st->tsc_emulated = tsc_emulated;
	st->window_ns = READ_ONCE(params.window_ns);
	st->noreturn_calls = pvtrace_hcall_noreturn_calls();
	st->in_flight = pvtrace_hcall_inflight_calls();
	st->time_backwards = pvtrace_hcall_backwards_calls();
	st->gs_base_calls = READ_ONCE(pvtrace_hcall_gsbase_calls);
}

const struct pvtrace_hook pvtrace_hcall_hook = {
	.name = "hypercalls",
	.init = hcall_init,
	.exit = hcall_exit,
};
