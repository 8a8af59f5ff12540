// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace status: is pvtrace loaded, which version, in what guest, which
 * hooks are on, and for each one that is off, why (from summary, the
 * hooks' status files and the module parameters in sysfs).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pvtrace.h"

struct line {
	char key[32];
	char val[512];
};

struct report {
	struct line l[24];
	int n;
};

static __printf(3, 4) void add(struct report *r, const char *key,
			       const char *fmt, ...);

static void add(struct report *r, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (r->n == (int)ARRAY_SIZE(r->l))
		return;
	snprintf(r->l[r->n].key, sizeof(r->l[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(r->l[r->n].val, sizeof(r->l[0].val), fmt, ap);
	va_end(ap);
	r->n++;
}

/* A module parameter's value (first line), or NULL. */
static const char *param(const char *dir, const char *name, char *buf,
			 size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int has_hook(const char *hooks, const char *h)
{
	size_t n = strlen(h);

	for (const char *p = hooks; p && *p;) {
		if (!strncmp(p, h, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static const char *kv(const struct pvt_table *t, const char *k)
{
	const char *v = pvt_kv(t, k);

	return v ? v : "?";
}

/* Why a hook is off: its parameter, or the guest. */
static void why_off(struct report *r, const char *hook, const char *guest,
		    const char *params, const char *pname)
{
	char buf[64];
	const char *p = param(params, pname, buf, sizeof(buf));

	if (!strcmp(guest, "kvm"))
		add(r, hook, "off: not a Xen guest (steal-only mode)");
	else if (p && (!strcmp(p, "0") || !strcmp(p, "N") || !strcmp(p, "n")))
		add(r, hook, "off: module parameter %s=%s", pname, p);
	else
		add(r, hook, "off (module parameter %s=%s; see the kernel log)",
		    pname, p ? p : "?");
}

static int build(const char *dir, const char *params, struct report *r,
		 struct pvt_err *e)
{
	struct pvt_table sum, hs, us, rs, drv;
	const char *hooks, *guest, *v;
	char buf[64];
	int ret;

	ret = pvt_load(dir, "summary", 0, &sum, e);
	if (ret)
		return ret;
	memset(&hs, 0, sizeof(hs));
	memset(&us, 0, sizeof(us));
	memset(&rs, 0, sizeof(rs));
	memset(&drv, 0, sizeof(drv));
	ret = pvt_load(dir, "hypercalls/status", 1, &hs, e);
	if (ret <= 1)
		ret = pvt_load(dir, "upcalls/status", 1, &us, e);
	if (ret <= 1)
		ret = pvt_load(dir, "recorder/status", 1, &rs, e);
	if (ret <= 1)
		ret = pvt_load(dir, "drivers/functions", 1, &drv, e);
	if (ret > 1)
		goto out;
	ret = 0;

	hooks = kv(&sum, "hooks");
	guest = kv(&sum, "guest_type");
	add(r, "pvtrace", "loaded, version %s (%s)", kv(&sum, "version"), dir);
	add(r, "kernel", "%s", kv(&sum, "kernel"));
	if (strncmp(guest, "xen", 3))
		add(r, "guest", "%s", guest);
	else
		add(r, "guest", "%s%s, Xen %s", guest,
		    !strcmp(kv(&sum, "xen_initial_domain"), "1") ?
		    " (initial domain, dom0)" : "", kv(&sum, "xen_version"));
	add(r, "vcpus", "%s online, %s possible", kv(&sum, "vcpus_online"),
	    kv(&sum, "vcpus_possible"));
	add(r, "hooks", "%s", hooks);

	if (!has_hook(hooks, "hypercalls"))
		why_off(r, "hypercalls", guest, params, "hypercalls");
	else if (!strcmp(kv(&hs, "timing"), "1"))
		add(r, "hypercalls", "on: counted and timed");
	else if (!strcmp(kv(&hs, "tsc_emulated"), "1"))
		add(r, "hypercalls",
		    "on: counted, not timed: Xen emulates the TSC (hcall_timing=auto)");
	else
		add(r, "hypercalls", "on: counted, not timed: hcall_timing=0");

	if (!has_hook(hooks, "upcalls"))
		why_off(r, "upcalls", guest, params, "upcalls");
	else if (!strcmp(kv(&us, "channels_view"), "1"))
		add(r, "upcalls", "on: %s channels of %s", kv(&us, "channels"),
		    kv(&us, "channel_capacity"));
	else
		add(r, "upcalls", "on, without the per-channel view (see the kernel log)");

	v = kv(&sum, "steal_source");
	if (!strcmp(v, "none")) {
		v = param(params, "steal_source", buf, sizeof(buf));
		add(r, "steal", "off: steal_source=%s", v ? v : "none");
	} else {
		add(r, "steal", "on: %s, sampled every %s ms", v,
		    kv(&sum, "steal_interval_ms"));
	}

	if (!has_hook(hooks, "drivers")) {
		if (!strcmp(guest, "kvm"))
			add(r, "drivers", "off: not a Xen guest");
		else
			add(r, "drivers", "off: opt-in, module parameter drivers=1");
	} else {
		int att = 0, pend = 0, failed = 0;

		for (int i = 0; i < drv.nrows; i++) {
			const char *s = pvt_str(&drv, i, "state");

			att += !strcmp(s, "attached");
			pend += !strcmp(s, "pending") || !strcmp(s, "detached");
			failed += !strcmp(s, "failed");
		}
		add(r, "drivers", "on: %d probes attached, %d waiting for their module, %d failed",
		    att, pend, failed);
	}

	if (!rs.ncols)
		add(r, "recorder", "absent (a module without the flight recorder)");
	else if (!strcmp(kv(&rs, "state"), "idle"))
		add(r, "recorder", "idle: nothing recorded since load");
	else
		add(r, "recorder", "%s: %s records, %s lost (filter %s)",
		    kv(&rs, "state"), kv(&rs, "records"), kv(&rs, "lost"),
		    kv(&rs, "filter"));
	add(r, "selftest", "%s", kv(&sum, "selftest"));
	v = kv(&sum, "torn_reads");
	add(r, "torn_reads", "%s%s", v,
	    strcmp(v, "0") ? " (a writer was descheduled mid-update)" : "");
out:
	pvt_free(&sum);
	pvt_free(&hs);
	pvt_free(&us);
	pvt_free(&rs);
	pvt_free(&drv);
	return ret;
}

static const char status_usage[] =
	"usage: pvtrace status [-d DIR] [--json]\n"
	"  -d, --debugfs DIR   pvtrace's debugfs directory (default " PVT_DEBUGFS ")\n"
	"  -P, --params DIR    its module parameters (default " PVT_PARAMS ")\n"
	"  -j, --json          JSON instead of text\n";

int pvt_cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debugfs", required_argument, NULL, 'd' },
		{ "params", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = PVT_DEBUGFS, *params = PVT_PARAMS;
	struct report r = { .n = 0 };
	struct pvt_err e;
	int json = 0, opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:P:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'P':
			params = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(status_usage, stdout);
			return 0;
		default:
			return pvt_usage_err("status: bad option");
		}
	}
	if (optind < argc)
		return pvt_usage_err("status: unexpected argument '%s'",
				       argv[optind]);
	ret = pvt_tree_check(dir, &e);
	if (!ret)
		ret = build(dir, params, &r, &e);
	if (ret) {
		if (json)
			printf("{\"loaded\":false,\"exit\":%d}\n", ret);
		else
			printf("pvtrace: not available (%s)\n", e.msg);
		pvt_warn("%s", e.msg);
		return ret;
	}
	if (json) {
		struct pvt_json j;

		pvt_json_init(&j, stdout);
		pvt_json_begin(&j, 0);
		pvt_json_key(&j, "loaded");
		pvt_json_bool(&j, 1);
		for (int i = 0; i < r.n; i++) {
			pvt_json_key(&j, r.l[i].key);
			pvt_json_str(&j, r.l[i].val);
		}
		pvt_json_end(&j, 0);
	} else {
		for (int i = 0; i < r.n; i++)
			printf("%-11s %s\n", r.l[i].key, r.l[i].val);
	}
	return 0;
}
