// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder's module parameters: record, record_filter,
 * record_buffer_kb, record_flight, record_trigger, slowest and
 * slowest_reset (Documentation/parameters.rst). This file owns their
 * syntax (parsed by module/recparse.c), their ranges and the log line a
 * bad value gets; their effects are the control side's (module/
 * recorder.c), under its lock.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/recorder.h>
#include <pvtrace/recparse.h>
#include <pvtrace/param.h>

#include "recorder_internal.h"

#define BUFFER_KB_MIN		4
#define BUFFER_KB_MAX		65536

static int record_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	unsigned long ms;
	bool on;

	if (pvtrace_rec_parse_record(val, &on, &ms)) {
		pr_err("recorder: record must be on, off, or a duration such as 500ms, 10s, 2m (at most one day): %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
	return pvtrace_rec_set_record(on, ms);
}

static int record_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  pvtrace_rec_state_name(READ_ONCE(pvtrace_rec_ctl.state)));
}

static const struct kernel_param_ops record_ops = {
	.set = record_set,
	.get = record_get,
};
module_param_cb(record, &record_ops, NULL, 0644);
MODULE_PARM_DESC(record,
		 "Flight recorder: on, off, or a duration (500ms, 10s, 2m) to record every hypercall, upcall and steal sample (runtime; reads idle, recording or stopped)");

static int filter_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_rec_filter *f;
	size_t bad, len = pvtrace_rec_len(val);
	struct pvtrace_val shown;
	int ret = 0;

	if (len >= PVTRACE_REC_FILTER_LEN) {
		pr_err("recorder: record_filter is longer than %d characters\n",
		       PVTRACE_REC_FILTER_LEN - 1);
		return -EINVAL;
	}
	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	if (pvtrace_rec_parse_filter(val, f, &bad)) {
		pr_err("recorder: record_filter: bad term at \"%s\" (terms: hcall, hcall=NAME[:SUB], hcall=NR, upcall, port=N, steal, cpu=N[-M])\n",
		       pvtrace_valn(&shown, val + bad, len - bad));
		ret = -EINVAL;
	} else {
		pvtrace_rec_set_filter(f, val, len);
	}
	kfree(f);
	return ret;
}

static int filter_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&pvtrace_rec_ctl.lock);
	n = sysfs_emit(buf, "%s\n", pvtrace_rec_ctl.filter_str);
	mutex_unlock(&pvtrace_rec_ctl.lock);
	return n;
}

static const struct kernel_param_ops filter_ops = {
	.set = filter_set,
	.get = filter_get,
};
module_param_cb(record_filter, &filter_ops, NULL, 0644);
MODULE_PARM_DESC(record_filter,
		 "What the next recording keeps: all, or terms hcall, hcall=NAME[:SUB], hcall=NR, upcall, port=N, steal, cpu=N[-M], comma-separated (runtime; default all)");

static int buffer_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < BUFFER_KB_MIN || v > BUFFER_KB_MAX) {
		pr_err("recorder: record_buffer_kb must be %u..%u: %s\n",
		       BUFFER_KB_MIN, BUFFER_KB_MAX, pvtrace_val(&shown, val));
		return -EINVAL;
	}
	pvtrace_rec_set_buffer_kb(v);
	return 0;
}

static const struct kernel_param_ops buffer_ops = {
	.set = buffer_set,
	.get = param_get_uint,
};
module_param_cb(record_buffer_kb, &buffer_ops, &pvtrace_rec_ctl.buffer_kb, 0644);
MODULE_PARM_DESC(record_buffer_kb,
		 "Recording buffer per possible CPU, KiB, 4..65536, 64 bytes an event; used from the next start (runtime; default 1024)");

static int flight_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	unsigned long ms;

	if (pvtrace_rec_parse_window(val, &ms)) {
		pr_err("recorder: record_flight must be off or a duration such as 500ms, 10s, 2m (at most one day): %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
	pvtrace_rec_set_flight(ms);
	return 0;
}

static int flight_get(char *buf, const struct kernel_param *kp)
{
	unsigned long ms;

	mutex_lock(&pvtrace_rec_ctl.lock);
	ms = pvtrace_rec_ctl.flight_ms;
	mutex_unlock(&pvtrace_rec_ctl.lock);
	if (!ms)
		return sysfs_emit(buf, "off\n");
	return sysfs_emit(buf, "%lums\n", ms);
}

static const struct kernel_param_ops flight_ops = {
	.set = flight_set,
	.get = flight_get,
};
module_param_cb(record_flight, &flight_ops, NULL, 0644);
MODULE_PARM_DESC(record_flight,
		 "Flight recording: off, or keep only the last 500ms, 10s, 2m... of the next recording, overwriting the oldest events (runtime; default off)");

static int trigger_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_rec_trigs t;
	size_t bad, len = pvtrace_rec_len(val);
	struct pvtrace_val shown;

	if (len >= PVTRACE_REC_FILTER_LEN) {
		pr_err("recorder: record_trigger is longer than %d characters\n",
		       PVTRACE_REC_FILTER_LEN - 1);
		return -EINVAL;
	}
	if (pvtrace_rec_parse_trigger(val, &t, &bad)) {
		pr_err("recorder: record_trigger: bad term at \"%s\" (at most %d of: hcall>DUR, hcall=NAME[:SUB]>DUR, upcall>DUR, error, error=NAME[:SUB]; DUR such as 500us)\n",
		       pvtrace_valn(&shown, val + bad, len - bad),
		       PVTRACE_REC_TRIGGERS);
		return -EINVAL;
	}
	pvtrace_rec_set_trigger(&t, val, len);
	return 0;
}

static int trigger_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&pvtrace_rec_ctl.lock);
	n = sysfs_emit(buf, "%s\n", pvtrace_rec_ctl.trig_str);
	mutex_unlock(&pvtrace_rec_ctl.lock);
	return n;
}

static const struct kernel_param_ops trigger_ops = {
	.set = trigger_set,
	.get = trigger_get,
};
module_param_cb(record_trigger, &trigger_ops, NULL, 0644);
MODULE_PARM_DESC(record_trigger,
		 "What ends the next recording: none, or terms hcall>DUR, hcall=NAME[:SUB]>DUR, upcall>DUR, error, error=NAME[:SUB], comma-separated (runtime; default none)");

static int slowest_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < 1 || v > PVTRACE_SLOW_MAX) {
		pr_err("recorder: slowest must be 1..%u: %s\n",
		       PVTRACE_SLOW_MAX, pvtrace_val(&shown, val));
		return -EINVAL;
	}
	pvtrace_slow_n = v;
	return 0;
}

static const struct kernel_param_ops slowest_ops = {
	.set = slowest_set,
	.get = param_get_uint,
};
module_param_cb(slowest, &slowest_ops, &pvtrace_slow_n, 0444);
MODULE_PARM_DESC(slowest,
		 "How many of the slowest hypercalls and upcalls to keep, per CPU and shown, 1..64 (load time; default 16)");

static int reset_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	bool v;

	if (kstrtobool(val, &v) || !v) {
		pr_err("recorder: slowest_reset takes 1: %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
	/* Each CPU empties its own tables at its next offer. */
	WRITE_ONCE(pvtrace_slow_gen, READ_ONCE(pvtrace_slow_gen) + 1);
	return 0;
}

static const struct kernel_param_ops reset_ops = {
	.set = reset_set,
	.get = NULL,
};
module_param_cb(slowest_reset, &reset_ops, NULL, 0200);
MODULE_PARM_DESC(slowest_reset,
		 "Write 1 to forget the slowest calls seen so far (runtime)");
