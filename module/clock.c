// SPDX-License-Identifier: GPL-2.0
/*
 * The module's timebase (include/pvtrace/timebase.h): an anchor at load,
 * one every second from a work, one at every read that turns recorded TSC
 * values into CLOCK_MONOTONIC, and one at each start and stop of a
 * recording.
 *
 * Why not tsc_khz alone: in the lab's 6.1 PV dom0 the TSC converted with
 * it wandered from CLOCK_MONOTONIC by 0.5 to 3.8 ms within five minutes
 * of the load, back and forth, enough for a call made after a recording
 * started to be shown before its start_ns (58-recorder.sh, the
 * slowest_reset check, failed that way in CI). The clock itself moves
 * with Xen's time calibration and NTP: only anchors close in time to an
 * event convert it right, hence one a second.
 *
 * Process context only; the anchors are under a mutex, and readers
 * convert with a copy taken together with a fresh anchor, so one read is
 * consistent with itself.
 */
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/clock.h>
#include <pvtrace/timebase.h>
#include <pvtrace/param.h>

/* An anchor a second; one younger than ANCHOR_MIN_US is reused by reads. */
#define ANCHOR_PERIOD_MS	1000
#define ANCHOR_MIN_US		10000
/* Reads per anchor; the one with the tightest clock bracket is kept. */
#define ANCHOR_TRIES	4

/*
 * Whether the upcall and driver hooks time their events (the hypercall
 * hook has its own hcall_timing): auto times them unless Xen emulates the
 * TSC, where each read is a VM exit (two per event). Untimed, they count
 * events all the same; their histograms then hold every event at 0 ns.
 */
static int param_timing = -1;	/* -1: auto */

static int timing_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	bool on;

	if (sysfs_streq(val, "auto")) {
		param_timing = -1;
	} else if (!kstrtobool(val, &on)) {
		param_timing = on;
	} else {
		pr_err("timing must be auto, 1 or 0: %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
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
module_param_cb(timing, &timing_ops, NULL, 0444);
MODULE_PARM_DESC(timing, "Time upcalls and driver calls: auto (unless Xen emulates the TSC), 1 or 0 (count only) (load time; default auto)");

/* Do the upcall and driver hooks time their events? Decided at their load. */
bool pvtrace_timing(void)
{
	return param_timing < 0 ? !pvtrace_env.tsc_emulated : param_timing;
}

static DEFINE_MUTEX(clock_lock);
static struct pvtrace_tb clock_tb;
static struct delayed_work anchor_work;

/*
 * A (TSC, CLOCK_MONOTONIC) pair read together. The TSC is read between
 * two reads of the clock, interrupts off; of a few tries the one whose
 * clock reads were closest wins (a vCPU can be descheduled between any
 * two instructions). Returns the clock halfway between its two reads.
 */
static u64 anchor(u64 *tsc)
{
	u64 best = U64_MAX, ns = 0, t0, t1, c;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < ANCHOR_TRIES; i++) {
		local_irq_save(flags);
		t0 = ktime_get_ns();
		c = rdtsc_ordered();
		t1 = ktime_get_ns();
		local_irq_restore(flags);
		if (t1 - t0 < best) {
			best = t1 - t0;
			ns = t0 + best / 2;
			*tsc = c;
		}
	}
	return ns;
}

/**
 * pvtrace_clock_sync() - take an anchor now
 *
 * Return: CLOCK_MONOTONIC of the anchor: a start or stop time that the
 * timebase then converts TSC values around exactly.
 */
u64 pvtrace_clock_sync(void)
{
	u64 tsc, ns = anchor(&tsc);

	mutex_lock(&clock_lock);
	pvtrace_tb_add(&clock_tb, tsc, ns);
	mutex_unlock(&clock_lock);
	return ns;
}

/**
 * pvtrace_clock_snapshot() - the timebase, with a fresh anchor
 * @dst: filled in
 */
void pvtrace_clock_snapshot(struct pvtrace_tb *dst)
{
	u64 tsc, ns = anchor(&tsc);

	mutex_lock(&clock_lock);
	pvtrace_tb_add(&clock_tb, tsc, ns);
	memcpy(dst, &clock_tb, sizeof(*dst));
	mutex_unlock(&clock_lock);
}

static void anchor_work_fn(struct work_struct *work)
{
	pvtrace_clock_sync();
	queue_delayed_work(system_unbound_wq, &anchor_work,
			   msecs_to_jiffies(ANCHOR_PERIOD_MS));
}

int pvtrace_clock_init(void)
{
	u64 tsc, ns;

	if (!tsc_khz) {
		pr_err("no TSC frequency: cannot convert TSC times\n");
		return -ENODEV;
	}
	ns = anchor(&tsc);
	pvtrace_tb_init(&clock_tb, pvtrace_tsc_mult(tsc_khz),
			(u64)tsc_khz * ANCHOR_MIN_US / 1000, tsc, ns);
	INIT_DELAYED_WORK(&anchor_work, anchor_work_fn);
	queue_delayed_work(system_unbound_wq, &anchor_work,
			   msecs_to_jiffies(ANCHOR_PERIOD_MS));
	return 0;
}

void pvtrace_clock_exit(void)
{
	cancel_delayed_work_sync(&anchor_work);
}
