// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall hook's module parameters: hypercalls, hcall_timing,
 * hcall_window_ns and hcall_extras (Documentation/parameters.rst). This
 * file owns their syntax, their checks and the log line a bad value gets;
 * the values live in the hook (module/hcall.c), which applies each at
 * once, at load or at run time, under its lock.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/time64.h>

#include <pvtrace/pvtrace.h>
#include <pvtrace/hcall.h>
#include <pvtrace/param.h>

#include "hcall_internal.h"

#define WINDOW_NS_MAX	NSEC_PER_SEC

static int enabled_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	bool on;

	if (kstrtobool(val, &on)) {
		pr_err("hypercalls: invalid value for hypercalls: %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
	return pvtrace_hcall_set_enabled(on);
}

static int enabled_get(char *buf, const struct kernel_param *kp)
{
	struct pvtrace_hcall_params p;

	pvtrace_hcall_get_params(&p);
	return sysfs_emit(buf, "%c\n", p.enabled ? 'Y' : 'N');
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
	struct pvtrace_val shown;
	bool on;
	int v;

	if (len == 4 && !strncmp(val, "auto", 4)) {
		v = -1;
	} else if (!kstrtobool(val, &on)) {
		v = on;
	} else {
		pr_err("hypercalls: hcall_timing must be auto, 1 or 0: %s\n",
		       pvtrace_val(&shown, val));
		return -EINVAL;
	}
	pvtrace_hcall_set_timing(v);
	return 0;
}

static int timing_get(char *buf, const struct kernel_param *kp)
{
	struct pvtrace_hcall_params p;

	pvtrace_hcall_get_params(&p);
	return sysfs_emit(buf, "%s\n", p.timing < 0 ? "auto" :
			  p.timing ? "1" : "0");
}

static const struct kernel_param_ops timing_ops = {
	.set = timing_set,
	.get = timing_get,
};
module_param_cb(hcall_timing, &timing_ops, NULL, 0644);
MODULE_PARM_DESC(hcall_timing, "Time each hypercall: auto (unless Xen emulates the TSC), 1 or 0 (count only) (runtime; default auto)");

static int window_set(const char *val, const struct kernel_param *kp)
{
	struct pvtrace_val shown;
	unsigned long ns;

	if (kstrtoul(val, 0, &ns) || ns > WINDOW_NS_MAX) {
		pr_err("hypercalls: hcall_window_ns must be 0..%lu: %s\n",
		       WINDOW_NS_MAX, pvtrace_val(&shown, val));
		return -EINVAL;
	}
	pvtrace_hcall_set_window_ns(ns);
	return 0;
}

static int window_get(char *buf, const struct kernel_param *kp)
{
	struct pvtrace_hcall_params p;

	pvtrace_hcall_get_params(&p);
	return sysfs_emit(buf, "%lu\n", p.window_ns);
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
	struct pvtrace_val shown;
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
	pvtrace_hcall_set_extras(v);
	return 0;
bad:
	pr_err("hypercalls: hcall_extras must be none, all or a list of callers,redundant: %s\n",
	       pvtrace_val(&shown, val));
	return -EINVAL;
}

static int extras_get(char *buf, const struct kernel_param *kp)
{
	struct pvtrace_hcall_params p;
	u32 v;

	pvtrace_hcall_get_params(&p);
	v = p.extras;
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
