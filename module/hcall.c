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
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
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

/* The original target. */
static void *pvtrace_hcall_orig;
/*
 * How the stub calls it: a static call of the module's own, so that each
 * of the stub's calls is a direct branch to the target (module/hcall_stub.S).
 */
DEFINE_STATIC_CALL_NULL(pvtrace_hcall_orig_call, xen_hypercall_func);
/* set_segment_base(SEGBASE_GS_KERNEL) calls, passed through by the stub. */
u64 pvtrace_hcall_gsbase_calls;

struct pvtrace_hcall_cfg pvtrace_hcall_cfg;
struct pvtrace_hcall_stats pvtrace_hcall_stats;
u64 __percpu *pvtrace_hcall_untimed;
/* PVTRACE_HCALL_*: read by the stub on every call. */
u32 pvtrace_hcall_flags;
u16 pvtrace_hcall_slotmap[PVTRACE_HCALL_NR * PVTRACE_SLOTMAP_COLS];

static struct static_call_key *hcall_key;
static bool installed;
static bool ready;		/* statistics allocated, hook usable */
static DEFINE_MUTEX(hcall_lock);	/* installed, and the parameters */

static bool param_enabled = true;
static int param_timing = -1;		/* -1: auto */
static unsigned long param_window_ns = 50000;
static u32 param_extras = PVTRACE_HCALL_CALLERS;	/* hcall_extras */
static bool recording;		/* the flight recorder runs: time every call */
static bool tsc_emulated;

#define WINDOW_NS_MAX	NSEC_PER_SEC

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

static u64 this_cpu_slot_calls(unsigned int slot)
{
	struct pvtrace_hcall_block __percpu *blk =
		pvtrace_hcall_stats.blocks[slot / PVTRACE_SLOTS_PER_BLOCK];
	struct pvtrace_hcall_slot_stats *s;

	s = &this_cpu_ptr(blk)->slot[slot % PVTRACE_SLOTS_PER_BLOCK];
	return pvtrace_hist_count(&s->lat) +
	       *this_cpu_ptr(&pvtrace_hcall_untimed[slot]);
}

static void wait_inflight(void)
{
	unsigned int ms = 0;
	long n;
	int cpu;

	for (;;) {
		n = 0;
		for_each_possible_cpu(cpu)
			n += per_cpu(pvtrace_hcall_inflight, cpu);
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
	lockdep_assert_held(&hcall_lock);
	if (!installed)
		return;
	pvtrace_hcall_mc_unregister();
	if (READ_ONCE(hcall_key->func) != pvtrace_hcall_stub)
		pr_warn("hypercalls: xen_hypercall was retargeted by someone else; restoring anyway\n");
	__static_call_update(hcall_key, pvtrace_xen_hypercall_tramp(),
			     pvtrace_hcall_orig);
	pvtrace_sync_cpus();
	synchronize_rcu_tasks();
	wait_inflight();
	pvtrace_sync_cpus();
	installed = false;
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
	before = this_cpu_slot_calls(slot);
	hcall_anchor();
	after = this_cpu_slot_calls(slot);
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
	return param_timing < 0 ? !tsc_emulated : param_timing;
}

/* What the hot path does besides counting, from the parameters. */
static void set_flags(void)
{
	u32 f = param_extras & PVTRACE_HCALL_CALLERS;

	lockdep_assert_held(&hcall_lock);
	if (timing_wanted() || recording) {
		f |= PVTRACE_HCALL_TIMING;
		if (param_window_ns)
			f |= param_extras & PVTRACE_HCALL_REDUNDANT;
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

/* The blocks the read side copies, with their last consistent copies. */
static struct pvtrace_stats block_stats[PVTRACE_HCALL_BLOCKS];
static struct pvtrace_stats mc_stats;

/* Not used: the read side sums the slots itself. */
static void fold_none(void *dst, const void *src)
{
}

static void free_stats(void)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_HCALL_BLOCKS; i++)
		pvtrace_stats_destroy(&block_stats[i]);
	pvtrace_stats_destroy(&mc_stats);
	free_percpu(pvtrace_hcall_untimed);
	pvtrace_hcall_untimed = NULL;
	free_percpu(pvtrace_hcall_stats.errors);
	free_percpu(pvtrace_hcall_stats.callers);
	memset(&pvtrace_hcall_stats, 0, sizeof(pvtrace_hcall_stats));
}

static int alloc_stats(void)
{
	struct pvtrace_hcall_stats *st = &pvtrace_hcall_stats;
	unsigned int i;

	for (i = 0; i < PVTRACE_HCALL_BLOCKS; i++) {
		if (pvtrace_stats_init(&block_stats[i],
				       sizeof(struct pvtrace_hcall_block),
				       __alignof__(struct pvtrace_hcall_block),
				       fold_none))
			goto out_free;
		st->blocks[i] = block_stats[i].pcpu;
	}
	if (pvtrace_stats_init(&mc_stats, sizeof(struct pvtrace_mc_stats),
			       __alignof__(struct pvtrace_mc_stats), fold_none))
		goto out_free;
	st->mc = mc_stats.pcpu;
	pvtrace_hcall_untimed = __alloc_percpu(PVTRACE_SLOT_NR * sizeof(u64),
					       sizeof(u64));
	st->errors = alloc_percpu(struct pvtrace_ktab);
	st->callers = alloc_percpu(struct pvtrace_ktab);
	if (pvtrace_hcall_untimed && st->errors && st->callers)
		return 0;
out_free:
	free_stats();
	return -ENOMEM;
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
	BUILD_BUG_ON(sizeof(struct pvtrace_hcall_block) > PCPU_MIN_UNIT_SIZE);
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
	ret = alloc_stats();
	if (ret)
		return ret;
	ret = register_module_notifier(&hcall_nb);
	if (ret) {
		free_stats();
		return ret;
	}

	mutex_lock(&hcall_lock);
	pvtrace_hcall_cfg.mult = pvtrace_tsc_mult(tsc_khz);
	tsc_emulated = pvtrace_env.tsc_emulated;
	build_slotmap();
	set_flags();
	if (tsc_emulated && param_timing < 0)
		pr_info("hypercalls: Xen emulates the TSC in this guest: counting without timing (hcall_timing=1 times anyway, at two VM exits per call)\n");
	set_window(param_window_ns);
	ret = param_enabled ? install() : 0;
	ready = !ret;
	mutex_unlock(&hcall_lock);
	if (ret) {
		unregister_module_notifier(&hcall_nb);
		free_stats();
	}
	return ret;
}

static void hcall_exit(void)
{
	mutex_lock(&hcall_lock);
	uninstall();
	ready = false;
	mutex_unlock(&hcall_lock);
	unregister_module_notifier(&hcall_nb);
	free_stats();
}

/* Parameters: validated, and applied at once while the hook is ready. */
static int enabled_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret) {
		pr_err("hypercalls: invalid value for hypercalls: %.*s\n",
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	mutex_lock(&hcall_lock);
	if (ready)
		ret = on ? install() : (uninstall(), 0);
	if (!ret)
		param_enabled = on;
	mutex_unlock(&hcall_lock);
	return ret;
}

static int enabled_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", param_enabled ? 'Y' : 'N');
}

static const struct kernel_param_ops enabled_ops = {
	.set = enabled_set,
	.get = enabled_get,
};
module_param_cb(hypercalls, &enabled_ops, NULL, 0644);
MODULE_PARM_DESC(hypercalls, "Trace every hypercall (runtime: 0 removes the hook, 1 installs it; default 1)");

static int timing_set(const char *val, const struct kernel_param *kp)
{
	int len = strcspn(val, "\n");
	bool on;
	int v;

	if (len == 4 && !strncmp(val, "auto", 4)) {
		v = -1;
	} else if (!kstrtobool(val, &on)) {
		v = on;
	} else {
		pr_err("hypercalls: hcall_timing must be auto, 1 or 0: %.*s\n",
		       len, val);
		return -EINVAL;
	}
	mutex_lock(&hcall_lock);
	param_timing = v;
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
	return 0;
}

static int timing_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", param_timing < 0 ? "auto" :
			  param_timing ? "1" : "0");
}

static const struct kernel_param_ops timing_ops = {
	.set = timing_set,
	.get = timing_get,
};
module_param_cb(hcall_timing, &timing_ops, NULL, 0644);
MODULE_PARM_DESC(hcall_timing, "Time each hypercall: auto (unless Xen emulates the TSC), 1 or 0 (count only) (runtime; default auto)");

static int window_set(const char *val, const struct kernel_param *kp)
{
	unsigned long ns;

	if (kstrtoul(val, 0, &ns) || ns > WINDOW_NS_MAX) {
		pr_err("hypercalls: hcall_window_ns must be 0..%lu: %.*s\n",
		       WINDOW_NS_MAX, (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	mutex_lock(&hcall_lock);
	param_window_ns = ns;
	if (tsc_khz)
		set_window(ns);
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
	return 0;
}

static int window_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", param_window_ns);
}

static const struct kernel_param_ops window_ops = {
	.set = window_set,
	.get = window_get,
};
module_param_cb(hcall_window_ns, &window_ops, NULL, 0644);
MODULE_PARM_DESC(hcall_window_ns, "Identical back-to-back hypercalls within this many ns count as redundant (runtime; 0..1000000000; default 50000)");

static const char * const extras_names[] = { "callers", "redundant" };
static const u32 extras_bits[] = { PVTRACE_HCALL_CALLERS,
				   PVTRACE_HCALL_REDUNDANT };

/* "none", "all" or a comma-separated list of extras_names. */
static int extras_set(const char *val, const struct kernel_param *kp)
{
	char buf[64], *p = buf, *tok;
	u32 v = 0;
	int i, len = strcspn(val, "\n");

	if (len >= (int)sizeof(buf))
		goto bad;
	memcpy(buf, val, len);
	buf[len] = 0;
	if (!strcmp(buf, "all")) {
		v = PVTRACE_HCALL_CALLERS | PVTRACE_HCALL_REDUNDANT;
	} else if (strcmp(buf, "none")) {
		while ((tok = strsep(&p, ","))) {
			for (i = 0; i < ARRAY_SIZE(extras_names); i++)
				if (!strcmp(tok, extras_names[i]))
					break;
			if (i == ARRAY_SIZE(extras_names))
				goto bad;
			v |= extras_bits[i];
		}
	}
	mutex_lock(&hcall_lock);
	param_extras = v;
	if (ready)
		set_flags();
	mutex_unlock(&hcall_lock);
	return 0;
bad:
	pr_err("hypercalls: hcall_extras must be none, all or a list of callers,redundant: %.*s\n",
	       len, val);
	return -EINVAL;
}

static int extras_get(char *buf, const struct kernel_param *kp)
{
	u32 v = READ_ONCE(param_extras);

	if (!v)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s%s%s\n",
			  v & PVTRACE_HCALL_CALLERS ? "callers" : "",
			  v == (PVTRACE_HCALL_CALLERS | PVTRACE_HCALL_REDUNDANT) ?
			  "," : "",
			  v & PVTRACE_HCALL_REDUNDANT ? "redundant" : "");
}

static const struct kernel_param_ops extras_ops = {
	.set = extras_set,
	.get = extras_get,
};
module_param_cb(hcall_extras, &extras_ops, NULL, 0644);
MODULE_PARM_DESC(hcall_extras, "What the hypercall hook records besides counts and times: none, all, or a list of callers,redundant (runtime; default callers)");

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

/* Read side, for debugfs/hcall.c. */

/**
 * pvtrace_hcall_read_slots() - every slot, one CPU's or summed
 * @cpu: a possible CPU, or -1 for the sum over all of them
 * @dst: PVTRACE_SLOT_NR entries, overwritten
 */
void pvtrace_hcall_read_slots(int cpu, struct pvtrace_hcall_slot_stats *dst)
{
	struct pvtrace_hcall_block *tmp;
	unsigned int b, i, c, first, n;

	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	memset(dst, 0, PVTRACE_SLOT_NR * sizeof(*dst));
	if (!tmp)
		return;
	for (b = 0; b < PVTRACE_HCALL_BLOCKS; b++) {
		first = b * PVTRACE_SLOTS_PER_BLOCK;
		n = min_t(unsigned int, PVTRACE_SLOTS_PER_BLOCK,
			  PVTRACE_SLOT_NR - first);
		for_each_possible_cpu(c) {
			if (cpu >= 0 && c != cpu)
				continue;
			pvtrace_stats_read_cpu(&block_stats[b], c, tmp);
			for (i = 0; i < n; i++) {
				struct pvtrace_hcall_slot_stats *d = &dst[first + i];
				const struct pvtrace_hcall_slot_stats *s = &tmp->slot[i];
				u64 __percpu *ut = &pvtrace_hcall_untimed[first + i];

				pvtrace_hist_fold(&d->lat, &s->lat);
				d->untimed += READ_ONCE(*per_cpu_ptr(ut, c));
				d->errors += s->errors;
				d->redundant += s->redundant;
			}
		}
	}
	kfree(tmp);
}

/* Merge every CPU's (key, count) table into @dst (keys unique in @dst). */
void pvtrace_hcall_read_ktab(struct pvtrace_ktab __percpu *t, int only,
			     struct pvtrace_ktab *dst)
{
	unsigned int cpu, i, j;

	memset(dst, 0, sizeof(*dst));
	for_each_possible_cpu(cpu) {
		const struct pvtrace_ktab *src = per_cpu_ptr(t, cpu);

		if (only >= 0 && cpu != (unsigned int)only)
			continue;
		dst->dropped += READ_ONCE(src->dropped);
		for (i = 0; i < PVTRACE_KTAB_SIZE; i++) {
			u64 key = READ_ONCE(src->key[i]);

			if (!key)
				continue;
			for (j = 0; j < PVTRACE_KTAB_SIZE; j++) {
				if (!dst->key[j] || dst->key[j] == key)
					break;
			}
			if (j == PVTRACE_KTAB_SIZE) {
				dst->dropped += READ_ONCE(src->count[i]);
				continue;
			}
			dst->key[j] = key;
			dst->count[j] += READ_ONCE(src->count[i]);
		}
	}
}

void pvtrace_hcall_read_mc(struct pvtrace_mc_stats *dst)
{
	struct pvtrace_mc_stats *tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	unsigned int cpu, i;

	memset(dst, 0, sizeof(*dst));
	if (!tmp)
		return;
	for_each_possible_cpu(cpu) {
		pvtrace_stats_read_cpu(&mc_stats, cpu, tmp);
		for (i = 0; i <= PVTRACE_MC_BATCH_MAX; i++)
			dst->batch[i] += tmp->batch[i];
		for (i = 0; i <= PVTRACE_HCALL_NR; i++) {
			dst->op_calls[i] += tmp->op_calls[i];
			dst->op_failures[i] += tmp->op_failures[i];
		}
		for (i = 0; i < PVTRACE_MC_REASONS; i++)
			dst->reasons[i] += tmp->reasons[i];
	}
	kfree(tmp);
}

u64 pvtrace_hcall_calls(const struct pvtrace_hcall_slot_stats *s)
{
	return pvtrace_hist_count(&s->lat) + s->untimed;
}

/* For the status file. */
bool pvtrace_hcall_installed(void)
{
	return READ_ONCE(installed);
}

/* Timed calls whose TSC went back between their start and end (moved). */
u64 pvtrace_hcall_backwards_calls(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(pvtrace_hcall_backwards, cpu);
	return n;
}

/* Calls inside the stub now, on every CPU (a moment's view). */
long pvtrace_hcall_inflight_calls(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(pvtrace_hcall_inflight, cpu);
	return n;
}

u64 pvtrace_hcall_noreturn_calls(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(pvtrace_hcall_noreturn, cpu);
	return n;
}

bool pvtrace_hcall_tsc_emulated(void)
{
	return tsc_emulated;
}

unsigned long pvtrace_hcall_window_ns(void)
{
	return READ_ONCE(param_window_ns);
}

const struct pvtrace_hook pvtrace_hcall_hook = {
	.name = "hypercalls",
	.init = hcall_init,
	.exit = hcall_exit,
};
