// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace stat: snapshot, run CMD (or wait, with -a), snapshot again, and
 * say what virtualization cost in between: the summary (sources, largest
 * first, and their total), then hypercalls by sub-command, upcalls by
 * event channel, steal, and with -A each vCPU. pvtrace counts guest-wide:
 * the header says so. Output on stderr (CMD keeps stdout) or -o FILE.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "pvtrace.h"

static const char *const src_what[][2] = {
	{ "hypercalls", "hypercalls (timed; idle excluded)" },
	{ "upcalls", "upcalls (handlers included)" },
	{ "steal: runnable", "steal: runnable (waiting for a physical CPU)" },
	{ "steal: offline", "steal: offline (paused, down or migrating)" },
	{ "steal", "steal (the kernel's steal counter)" },
};

static const char *describe(const char *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(src_what); i++)
		if (!strcmp(src_what[i][0], src))
			return src_what[i][1];
	return src;
}

static void print_cmd(FILE *f, char *const *cmd)
{
	for (int i = 0; cmd && cmd[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", cmd[i]);
}

static void row_line(FILE *f, const struct pvt_cost_row *r, const char *name)
{
	char t[32], p[32];

	fprintf(f, "  %12llu  %12s  %8s  %s%s\n", (unsigned long long)r->calls,
		pvt_fmt_ns(r->time_ns, t, sizeof(t)),
		r->idle ? "idle" : pvt_fmt_pct(r->share, p, sizeof(p)), name,
		r->time_ns != PVT_NO_TIME && r->timed < r->calls ?
		" (some calls not timed)" : "");
}

void pvt_stat_print(FILE *f, const struct pvt_cost *c, int percpu,
		    const char *scope, char *const *cmd, int status)
{
	char t[32], p[32];

	fprintf(f, "\n pvtrace stat: %s", scope);
	if (cmd && cmd[0]) {
		fputs(": '", f);
		print_cmd(f, cmd);
		fprintf(f, "' exited %d", status);
	}
	fputs("\n (pvtrace counts every vCPU and process of the guest, not one command's)\n\n",
	      f);
	fprintf(f, "  %12s  wall time\n", pvt_fmt_ns(c->wall_ns, t, sizeof(t)));
	pvt_fmt_ns(c->vcpu_ns, t, sizeof(t));
	fprintf(f, "  %12s  vCPU time (%d vCPUs online", t, c->vcpus);
	if (c->vcpus_start != c->vcpus)
		fprintf(f, "; %d at the start", c->vcpus_start);
	fputs(")\n\n", f);

	fputs(" Where virtualization took vCPU time, largest first:\n", f);
	fprintf(f, "  %8s  %12s  %s\n", "share", "time", "source");
	for (int i = 0; i < c->nsrc; i++)
		fprintf(f, "  %8s  %12s  %s\n",
			pvt_fmt_pct(c->src[i].share, p, sizeof(p)),
			pvt_fmt_ns(c->src[i].time_ns, t, sizeof(t)),
			describe(c->src[i].name));
	pvt_fmt_pct(c->total_share, p, sizeof(p));
	fprintf(f, "  %8s  %12s  total\n", p,
		pvt_fmt_ns(c->total_ns, t, sizeof(t)));
	if (!c->nsrc)
		fputs("  (no hook on: nothing measured)\n", f);
	if (c->idle_calls)
		fprintf(f, "  not counted: %s (%s) idle in sched_op block/poll\n",
			pvt_fmt_ns(c->idle_ns, t, sizeof(t)),
			pvt_fmt_pct(c->idle_share, p, sizeof(p)));

	if (c->have_hcalls) {
		fprintf(f, "\n Hypercalls: %llu calls\n",
			(unsigned long long)c->hcall_calls);
		if (c->nhc)
			fprintf(f, "  %12s  %12s  %8s  %s\n", "calls", "time",
				"share", "hypercall / sub-command");
		for (int i = 0; i < c->nhc; i++) {
			const char *n = c->hc[i].name;
			char ind[128];

			if (c->hc[i].parent >= 0) {
				snprintf(ind, sizeof(ind), "  %s",
					 strchr(n, '/') + 1);
				n = ind;
			}
			row_line(f, &c->hc[i], n);
		}
	} else {
		fprintf(f,
			"\n Hypercalls: not measured (no hypercalls/: the hook is off, or not a Xen guest)\n");
	}

	if (c->have_upcalls) {
		fprintf(f, "\n Upcalls: %llu upcalls, %s, %llu handler runs\n",
			(unsigned long long)c->upcalls,
			pvt_fmt_ns(c->upcall_ns, t, sizeof(t)),
			(unsigned long long)c->handler_runs);
		if (c->nch)
			fprintf(f, "  %12s  %12s  %8s  %s\n", "runs", "time",
				"share", "channel (handler)");
		for (int i = 0; i < c->nch; i++)
			row_line(f, &c->ch[i], c->ch[i].name);
		if (!c->have_channels)
			fputs("  (no upcalls/channels: the per-channel view is off)\n",
			      f);
	} else {
		fprintf(f,
			"\n Upcalls: not measured (no upcalls/: the hook is off, or not a Xen guest)\n");
	}

	if (!c->have_steal)
		fputs("\n Steal: not measured (no steal file: the steal hook is off)\n",
		      f);
	else if (!strcmp(c->steal_source, "runstate"))
		fprintf(f, "\n Steal (Xen runstate): %s runnable, %s offline\n",
			pvt_fmt_ns(c->runnable_ns, t, sizeof(t)),
			pvt_fmt_ns(c->offline_ns, p, sizeof(p)));
	else
		fprintf(f, "\n Steal (%s: the kernel's counter, in ticks): %s\n",
			c->steal_source, pvt_fmt_ns(c->steal_ns, t, sizeof(t)));

	if (percpu) {
		char h[32], u[32], s[32];

		fputs("\n Per vCPU (shares of the wall time):\n", f);
		fprintf(f, "  %4s  %10s  %12s %7s  %10s  %12s %7s  %12s %7s\n",
			"cpu", "hcalls", "hcall time", "share", "upcalls",
			"upcall time", "share", "steal", "share");
		for (int i = 0; i < c->ncpu; i++) {
			const struct pvt_cost_cpu *q = &c->cpu[i];

			fprintf(f, "  %4d  %10llu  %12s %7s  %10llu  %12s %7s  %12s",
				q->cpu, (unsigned long long)q->hcalls,
				pvt_fmt_ns(q->hcall_ns, h, sizeof(h)),
				pvt_fmt_pct(q->hcall_share, p, sizeof(p)),
				(unsigned long long)q->upcalls,
				pvt_fmt_ns(q->upcall_ns, u, sizeof(u)),
				pvt_fmt_pct(q->upcall_share, t, sizeof(t)),
				pvt_fmt_ns(q->steal_ns, s, sizeof(s)));
			fprintf(f, " %7s\n",
				pvt_fmt_pct(q->steal_share, p, sizeof(p)));
		}
	}

	fputs("\n Notes:\n", f);
	if (c->reloaded)
		fprintf(f,
			"  - counters went back: pvtrace was reloaded during the interval, these figures are wrong\n");
	fprintf(f,
		"  - a call the hypervisor preempts includes the time stolen meanwhile: the\n    sources may overlap\n");
	if (c->have_hcalls && c->untimed_calls) {
		fprintf(f, "  - %llu hypercalls were not timed (\"-\": time unknown): ",
			(unsigned long long)c->untimed_calls);
		if (c->tsc_emulated)
			fprintf(f,
				"Xen emulates the TSC for this guest, and hcall_timing=auto counts without timing\n");
		else if (c->timing_off)
			fputs("hcall_timing is off\n", f);
		else
			fputs("timing was off for part of the interval\n", f);
	}
	fputc('\n', f);
}

static void json_row(struct pvt_json *j, const struct pvt_cost_row *r,
		     const char *key, const char *name)
{
	pvt_json_key(j, key);
	pvt_json_str(j, name);
	pvt_json_key(j, "calls");
	pvt_json_u64(j, r->calls);
	pvt_json_key(j, "timed_calls");
	pvt_json_u64(j, r->timed);
	pvt_json_key(j, "time_ns");
	if (r->time_ns == PVT_NO_TIME)
		pvt_json_null(j);
	else
		pvt_json_u64(j, r->time_ns);
	pvt_json_key(j, "share_pct");
	if (r->time_ns == PVT_NO_TIME)
		pvt_json_null(j);
	else
		pvt_json_double(j, r->share);
	pvt_json_key(j, "idle");
	pvt_json_bool(j, r->idle);
}

void pvt_stat_json(FILE *f, const struct pvt_cost *c, int percpu,
		   const char *scope, char *const *cmd, int status)
{
	struct pvt_json j;

	pvt_json_init(&j, f);
	pvt_json_begin(&j, 0);
	pvt_json_key(&j, "scope");
	pvt_json_str(&j, scope);
	pvt_json_key(&j, "command");
	pvt_json_begin(&j, 1);
	for (int i = 0; cmd && cmd[i]; i++)
		pvt_json_str(&j, cmd[i]);
	pvt_json_end(&j, 1);
	pvt_json_key(&j, "exit_status");
	if (cmd && cmd[0])
		pvt_json_u64(&j, status);
	else
		pvt_json_null(&j);
	pvt_json_key(&j, "reloaded");
	pvt_json_bool(&j, c->reloaded);
	pvt_json_key(&j, "wall_ns");
	pvt_json_u64(&j, c->wall_ns);
	pvt_json_key(&j, "vcpus");
	pvt_json_u64(&j, c->vcpus);
	pvt_json_key(&j, "vcpu_ns");
	pvt_json_u64(&j, c->vcpu_ns);

	pvt_json_key(&j, "sources");
	pvt_json_begin(&j, 1);
	for (int i = 0; i < c->nsrc; i++) {
		pvt_json_begin(&j, 0);
		pvt_json_key(&j, "source");
		pvt_json_str(&j, c->src[i].name);
		pvt_json_key(&j, "time_ns");
		pvt_json_u64(&j, c->src[i].time_ns);
		pvt_json_key(&j, "share_pct");
		pvt_json_double(&j, c->src[i].share);
		pvt_json_end(&j, 0);
	}
	pvt_json_end(&j, 1);
	pvt_json_key(&j, "total_ns");
	pvt_json_u64(&j, c->total_ns);
	pvt_json_key(&j, "total_share_pct");
	pvt_json_double(&j, c->total_share);
	pvt_json_key(&j, "idle_ns");
	pvt_json_u64(&j, c->idle_ns);
	pvt_json_key(&j, "idle_share_pct");
	pvt_json_double(&j, c->idle_share);

	pvt_json_key(&j, "hypercalls");
	if (!c->have_hcalls) {
		pvt_json_null(&j);
	} else {
		pvt_json_begin(&j, 0);
		pvt_json_key(&j, "calls");
		pvt_json_u64(&j, c->hcall_calls);
		pvt_json_key(&j, "time_ns");
		pvt_json_u64(&j, c->hcall_ns);
		pvt_json_key(&j, "untimed_calls");
		pvt_json_u64(&j, c->untimed_calls);
		pvt_json_key(&j, "timing");
		pvt_json_str(&j, c->tsc_emulated ? "off: Xen emulates the TSC" :
			     c->timing_off ? "off: hcall_timing" : "on");
		pvt_json_key(&j, "rows");
		pvt_json_begin(&j, 1);
		for (int i = 0; i < c->nhc; i++) {
			if (c->hc[i].parent >= 0)
				continue;
			pvt_json_begin(&j, 0);
			json_row(&j, &c->hc[i], "hypercall", c->hc[i].name);
			pvt_json_key(&j, "subcommands");
			pvt_json_begin(&j, 1);
			for (int k = i + 1; k < c->nhc && c->hc[k].parent == i;
			     k++) {
				pvt_json_begin(&j, 0);
				json_row(&j, &c->hc[k], "subcommand",
					 strchr(c->hc[k].name, '/') + 1);
				pvt_json_end(&j, 0);
			}
			pvt_json_end(&j, 1);
			pvt_json_end(&j, 0);
		}
		pvt_json_end(&j, 1);
		pvt_json_end(&j, 0);
	}

	pvt_json_key(&j, "upcalls");
	if (!c->have_upcalls) {
		pvt_json_null(&j);
	} else {
		pvt_json_begin(&j, 0);
		pvt_json_key(&j, "upcalls");
		pvt_json_u64(&j, c->upcalls);
		pvt_json_key(&j, "time_ns");
		pvt_json_u64(&j, c->upcall_ns);
		pvt_json_key(&j, "handler_runs");
		pvt_json_u64(&j, c->handler_runs);
		pvt_json_key(&j, "channels");
		pvt_json_begin(&j, 1);
		for (int i = 0; i < c->nch; i++) {
			pvt_json_begin(&j, 0);
			json_row(&j, &c->ch[i], "channel", c->ch[i].name);
			pvt_json_end(&j, 0);
		}
		pvt_json_end(&j, 1);
		pvt_json_end(&j, 0);
	}

	pvt_json_key(&j, "steal");
	if (!c->have_steal) {
		pvt_json_null(&j);
	} else {
		pvt_json_begin(&j, 0);
		pvt_json_key(&j, "source");
		pvt_json_str(&j, c->steal_source);
		pvt_json_key(&j, "steal_ns");
		pvt_json_u64(&j, c->steal_ns);
		pvt_json_key(&j, "runnable_ns");
		pvt_json_u64(&j, c->runnable_ns);
		pvt_json_key(&j, "offline_ns");
		pvt_json_u64(&j, c->offline_ns);
		pvt_json_key(&j, "generic_ns");
		pvt_json_u64(&j, c->generic_ns);
		pvt_json_end(&j, 0);
	}

	if (percpu) {
		pvt_json_key(&j, "percpu");
		pvt_json_begin(&j, 1);
		for (int i = 0; i < c->ncpu; i++) {
			const struct pvt_cost_cpu *q = &c->cpu[i];

			pvt_json_begin(&j, 0);
			pvt_json_key(&j, "cpu");
			pvt_json_u64(&j, q->cpu);
			pvt_json_key(&j, "hypercalls");
			pvt_json_u64(&j, q->hcalls);
			pvt_json_key(&j, "hypercall_ns");
			pvt_json_u64(&j, q->hcall_ns);
			pvt_json_key(&j, "upcalls");
			pvt_json_u64(&j, q->upcalls);
			pvt_json_key(&j, "upcall_ns");
			pvt_json_u64(&j, q->upcall_ns);
			pvt_json_key(&j, "steal_ns");
			pvt_json_u64(&j, q->steal_ns);
			pvt_json_key(&j, "runnable_ns");
			pvt_json_u64(&j, q->runnable_ns);
			pvt_json_key(&j, "offline_ns");
			pvt_json_u64(&j, q->offline_ns);
			pvt_json_end(&j, 0);
		}
		pvt_json_end(&j, 1);
	}
	pvt_json_end(&j, 0);
}

static const char stat_usage[] =
	"usage: pvtrace stat [-a] [-A] [--json] [-d DIR] [-o FILE] [-t SECONDS] [--] CMD [ARG]...\n"
	"  -a, --all-cpus      the whole guest (pvtrace always counts it): CMD is\n"
	"                      optional; without it, until Ctrl-C or -t SECONDS\n"
	"  -A, --per-cpu       each vCPU as well\n"
	"  -j, --json          JSON instead of text\n"
	"  -d, --debugfs DIR   pvtrace's debugfs directory (default " PVT_DEBUGFS ")\n"
	"  -o, --output FILE   write the report to FILE (default: stderr; - is stdout)\n"
	"  -t, --timeout SECS  with -a and no CMD: measure for SECS seconds\n";

int pvt_cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all-cpus", no_argument, NULL, 'a' },
		{ "per-cpu", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = PVT_DEBUGFS, *out = NULL;
	int all = 0, percpu = 0, json = 0, opt, status = 0, ret;
	struct pvt_snap a, b;
	struct pvt_cost c;
	struct pvt_err e;
	char **cmd;
	char scope[128];
	u64 timeout = 0;
	FILE *f = stderr;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+aAjd:o:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			all = 1;
			break;
		case 'A':
			percpu = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			if (pvt_parse_seconds(optarg, &timeout)) {
				pvt_usage_err("stat: -t needs a number of seconds > 0, not '%s'",
					      optarg);
				return PVT_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(stat_usage, stdout);
			return 0;
		default:
			return pvt_usage_err("stat: bad option");
		}
	}
	cmd = argv + optind;
	if (!cmd[0] && !all)
		return pvt_usage_err("stat: no command to run (or -a to measure the whole guest)");
	if (cmd[0] && timeout)
		return pvt_usage_err("stat: -t is for -a without a command");

	/* Without CMD, a Ctrl-C from now on ends the interval. */
	if (!cmd[0])
		pvt_wait_prepare();
	ret = pvt_tree_check(dir, &e);
	if (!ret)
		ret = pvt_snap_read(dir, &a, &e);
	if (ret) {
		pvt_warn("%s", e.msg);
		return ret;
	}
	if (out && strcmp(out, "-")) {
		f = fopen(out, "w");
		if (!f) {
			pvt_warn("cannot write %s: %s", out, strerror(errno));
			pvt_snap_free(&a);
			return PVT_EXIT_OUTPUT;
		}
	} else if (out) {
		f = stdout;
	}

	if (cmd[0]) {
		status = pvt_run(cmd);
		if (status < 0) {
			pvt_snap_free(&a);
			return PVT_EXIT_FAIL;
		}
		snprintf(scope, sizeof(scope), "%s",
			 all ? "the whole guest (-a), over the command's run" :
			 "guest-wide counts over the command's interval");
	} else {
		pvt_wait(timeout);
		snprintf(scope, sizeof(scope), "the whole guest (-a)");
	}

	ret = pvt_snap_read(dir, &b, &e);
	if (ret) {
		pvt_warn("%s", e.msg);
		pvt_snap_free(&a);
		return ret;
	}
	if (pvt_cost_compute(&a, &b, b.mono_ns - a.mono_ns, &c)) {
		pvt_warn("out of memory");
		ret = PVT_EXIT_FAIL;
	} else {
		if (json)
			pvt_stat_json(f, &c, percpu, scope, cmd, status);
		else
			pvt_stat_print(f, &c, percpu, scope, cmd, status);
		pvt_cost_free(&c);
		ret = status;
	}
	pvt_snap_free(&a);
	pvt_snap_free(&b);
	if (f != stderr && f != stdout && fclose(f)) {
		pvt_warn("cannot write %s", out);
		return PVT_EXIT_OUTPUT;
	}
	return ret;
}
