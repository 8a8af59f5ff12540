// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace export: the node_exporter textfile of scripts/pvtrace-exporter,
 * the same series with the same names, labels, values and order
 * (Documentation/exporter.rst), its options, its atomic output (a
 * temporary file renamed over the output) and its failure mode: on any
 * input failure the output holds only "pvtrace_up 0". Values are exact
 * integers here (awk's are doubles: they differ above 2^53 only).
 * selftests/pvtrace-cmd/run.sh compares the two on every fixture.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvtrace.h"

#define U64MAX_STR "18446744073709551615"
#define MAX_BUCKETS 72
#define DEFAULT_OUT "/var/lib/prometheus/node-exporter/pvtrace.prom"

struct fam {
	const char *name, *type;
	int decimals;		/* 9: ns to s, 3: ms to s, 0: as is */
	const char *help;
};

static const struct fam fams[] = {
	{
		"pvtrace_up", "gauge", 0,
		"1 if the pvtrace debugfs files were read and converted, 0 if not (see the exporter stderr)."
	},
	{
		"pvtrace_info", "gauge", 0,
		"Always 1; the labels describe the module and the guest (summary file)."
	},
	{
		"pvtrace_vcpus_online", "gauge", 0,
		"vCPUs online."
	},
	{
		"pvtrace_vcpus_possible", "gauge", 0,
		"vCPUs that may ever come online."
	},
	{
		"pvtrace_torn_reads_total", "counter", 0,
		"Per-CPU snapshots that gave up waiting for a writer on a descheduled vCPU (0 in normal operation)."
	},
	{
		"pvtrace_steal_sampling_interval_seconds", "gauge", 3,
		"The steal sampling interval (module parameter steal_interval_ms)."
	},
	{
		"pvtrace_tick_seconds", "gauge", 9,
		"The kernel tick (1/HZ)."
	},
	{
		"pvtrace_memory_percpu_bytes", "gauge", 0,
		"Memory the hooks write, per vCPU, in bytes (summary percpu_bytes)."
	},
	{
		"pvtrace_hypercall_hook_installed", "gauge", 0,
		"1 while the hypercall hook is installed."
	},
	{
		"pvtrace_hypercall_timing_enabled", "gauge", 0,
		"1 when hypercalls are timed (hcall_timing)."
	},
	{
		"pvtrace_hypercall_tsc_emulated", "gauge", 0,
		"1 when Xen emulates RDTSC for this guest."
	},
	{
		"pvtrace_hypercall_redundant_window_seconds", "gauge", 9,
		"hcall_window_ns: how close a repeated identical hypercall must follow to count as redundant."
	},
	{
		"pvtrace_hypercall_noreturn_calls_total", "counter", 0,
		"VCPUOP_down calls passed straight on (not timed)."
	},
	{
		"pvtrace_hypercall_gs_base_calls_total", "counter", 0,
		"set_segment_base(SEGBASE_GS_KERNEL) calls passed straight on (counted here only)."
	},
	{
		"pvtrace_multicall_single_entry_batches_total", "counter", 0,
		"Multicall batches of one entry, made as a direct call instead."
	},
	{
		"pvtrace_hypercall_callers_dropped_total", "counter", 0,
		"Calls whose (hypercall, call site) found no room in the callers table."
	},
	{
		"pvtrace_hypercall_errors_dropped_total", "counter", 0,
		"Errors whose (hypercall, errno) found no room in the errors table."
	},
	{
		"pvtrace_hypercall_calls_total", "counter", 0,
		"Hypercalls made."
	},
	{
		"pvtrace_hypercall_errors_total", "counter", 0,
		"Hypercalls that returned a negative errno."
	},
	{
		"pvtrace_hypercall_redundant_total", "counter", 0,
		"Hypercalls identical to the previous one on the same vCPU, made within the redundant window (a heuristic)."
	},
	{
		"pvtrace_hypercall_seconds_total", "counter", 9,
		"Time spent in timed hypercalls."
	},
	{
		"pvtrace_hypercall_max_seconds", "gauge", 9,
		"The longest timed hypercall."
	},
	{
		"pvtrace_hypercall_latency_seconds", "histogram", 9,
		"Latency of timed hypercalls."
	},
	{
		"pvtrace_hypercall_subcommand_calls_total", "counter", 0,
		"Calls of a sub-command of a multiplexed hypercall."
	},
	{
		"pvtrace_hypercall_subcommand_errors_total", "counter", 0,
		"Sub-command calls that returned a negative errno."
	},
	{
		"pvtrace_hypercall_subcommand_redundant_total", "counter", 0,
		"Redundant sub-command calls (see pvtrace_hypercall_redundant_total)."
	},
	{
		"pvtrace_hypercall_subcommand_seconds_total", "counter", 9,
		"Time spent in timed sub-command calls."
	},
	{
		"pvtrace_hypercall_subcommand_max_seconds", "gauge", 9,
		"The longest timed sub-command call."
	},
	{
		"pvtrace_hypercall_subcommand_latency_seconds", "histogram", 9,
		"Latency of timed sub-command calls."
	},
	{
		"pvtrace_hypercall_errno_total", "counter", 0,
		"Hypercall error returns by errno (positive)."
	},
	{
		"pvtrace_hypercall_caller_calls_total", "counter", 0,
		"Hypercalls by call site: the eight busiest of each hypercall (a site leaves when it stops being among them)."
	},
	{
		"pvtrace_multicall_batch_entries", "histogram", 0,
		"Entries per multicall batch (last finite bucket: 63; no _sum)."
	},
	{
		"pvtrace_multicall_early_flushes_total", "counter", 0,
		"Multicall batches flushed before their caller asked, by reason."
	},
	{
		"pvtrace_multicall_op_entries_total", "counter", 0,
		"Multicall entries by operation."
	},
	{
		"pvtrace_multicall_op_failures_total", "counter", 0,
		"Multicall entries whose own result was a negative errno."
	},
	{
		"pvtrace_upcall_channels_view", "gauge", 0,
		"1 if the per-channel view is on."
	},
	{
		"pvtrace_upcall_channels", "gauge", 0,
		"Event channels in the pvtrace channel table."
	},
	{
		"pvtrace_upcall_channel_capacity", "gauge", 0,
		"Event channels the table holds."
	},
	{
		"pvtrace_upcall_probe_missed_total", "counter", 0,
		"Upcalls the kretprobe could not follow (missing from every count)."
	},
	{
		"pvtrace_upcall_dispatch_probe_missed_total", "counter", 0,
		"Events the dispatch kprobe missed."
	},
	{
		"pvtrace_upcalls_total", "counter", 0,
		"Upcalls seen by pvtrace since the hook was installed."
	},
	{
		"pvtrace_upcall_kernel_upcalls_total", "counter", 0,
		"The upcall count of the kernel itself (irq_stat) over the same time, for comparison."
	},
	{
		"pvtrace_upcall_empty_total", "counter", 0,
		"Upcalls that dispatched no event."
	},
	{
		"pvtrace_upcall_spurious_total", "counter", 0,
		"Upcalls that found no event pending."
	},
	{
		"pvtrace_upcall_events_total", "counter", 0,
		"Events handled in upcalls."
	},
	{
		"pvtrace_upcall_handler_runs_total", "counter", 0,
		"Interrupt handler runs in upcalls."
	},
	{
		"pvtrace_upcall_direct_runs_total", "counter", 0,
		"Handler runs with no dispatch of their own before them."
	},
	{
		"pvtrace_upcall_foreign_runs_total", "counter", 0,
		"Handler runs whose IRQ was not that of the dispatched port (expected 0)."
	},
	{
		"pvtrace_upcall_overflow_runs_total", "counter", 0,
		"Handler runs of channels the full channel table could not take."
	},
	{
		"pvtrace_upcall_seconds_total", "counter", 9,
		"Time spent in upcalls."
	},
	{
		"pvtrace_upcall_max_seconds", "gauge", 9,
		"The longest upcall."
	},
	{
		"pvtrace_upcall_latency_seconds", "histogram", 9,
		"Upcall time, handlers included."
	},
	{
		"pvtrace_upcall_events_per_upcall", "histogram", 0,
		"Events dispatched per upcall (no _sum)."
	},
	{
		"pvtrace_channel_info", "gauge", 0,
		"Always 1; the current Xen binding of an event channel (kind, detail, vcpu)."
	},
	{
		"pvtrace_channel_handler_calls_total", "counter", 0,
		"Handler runs of an event channel."
	},
	{
		"pvtrace_channel_handler_seconds_total", "counter", 9,
		"Time in the handler of an event channel."
	},
	{
		"pvtrace_channel_handler_max_seconds", "gauge", 9,
		"The longest handler run of an event channel."
	},
	{
		"pvtrace_channel_handler_latency_seconds", "histogram", 9,
		"Handler time of an event channel."
	},
	{
		"pvtrace_steal_seconds_total", "counter", 9,
		"Time the hypervisor took from the vCPU since pvtrace loaded."
	},
	{
		"pvtrace_steal_runnable_seconds_total", "counter", 9,
		"Xen: time the vCPU wanted to run and did not (contention)."
	},
	{
		"pvtrace_steal_offline_seconds_total", "counter", 9,
		"Xen: time the vCPU was paused, down or being migrated."
	},
	{
		"pvtrace_steal_generic_seconds_total", "counter", 9,
		"The steal counter of the kernel (the steal column of /proc/stat)."
	},
	{
		"pvtrace_steal_elapsed_seconds_total", "counter", 9,
		"Guest monotonic time the steal totals cover."
	},
	{
		"pvtrace_steal_backward_jumps_total", "counter", 0,
		"Steal readings in which a source went backwards (absorbed)."
	},
	{
		"pvtrace_steal_intervals_total", "counter", 0,
		"Steal sampling intervals recorded."
	},
	{
		"pvtrace_steal_windows_total", "counter", 0,
		"Steal-ratio windows recorded."
	},
	{
		"pvtrace_steal_sampler_seconds_total", "counter", 9,
		"Wall time spent in the steal sampler."
	},
	{
		"pvtrace_runstate_seconds_total", "counter", 9,
		"Xen: time in each runstate since pvtrace loaded."
	},
	{
		"pvtrace_steal_per_interval_seconds", "histogram", 9,
		"Steal in each sampling interval (no _sum)."
	},
	{
		"pvtrace_steal_window_ratio_percent", "histogram", 0,
		"Steal ratio of each window, in whole percent rounded down (no _sum)."
	},
	{
		"pvtrace_recorder_info", "gauge", 0,
		"Always 1; the flight recorder state (idle, pending, recording, stopped) and the filter of the last recording."
	},
	{
		"pvtrace_recorder_recording", "gauge", 0,
		"1 while the flight recorder is recording."
	},
	{
		"pvtrace_recorder_capacity", "gauge", 0,
		"Events the recording buffers hold, all vCPUs."
	},
	{
		"pvtrace_recorder_records", "gauge", 0,
		"Complete events in the recording buffers (the last recording once stopped)."
	},
	{
		"pvtrace_recorder_incomplete", "gauge", 0,
		"Events reserved in the buffers but not complete (cut off by the stop, or being written)."
	},
	{
		"pvtrace_recorder_lost_total", "counter", 0,
		"Events not recorded because a vCPU buffer was full; starts again from 0 with each recording."
	},
	{
		"pvtrace_slowest_seconds", "gauge", 9,
		"The slowest call of each kind (hcall, upcall) since load or slowest_reset."
	},
	{
		"pvtrace_slowest_info", "gauge", 0,
		"Always 1; where the slowest call of each kind ran: vCPU, name, detail (sub-command or ports), call site or handler, module."
	},
	{
		"pvtrace_slowest_skipped_total", "counter", 0,
		"Calls not offered to the slowest table because they nested in an update of it on the same vCPU."
	},
	{
		"pvtrace_driver_function_info", "gauge", 0,
		"Always 1; a PV driver probe target, its role, its state (attached, pending, failed, detached) and the errno of its last failed registration."
	},
	{
		"pvtrace_driver_function_calls_total", "counter", 0,
		"Calls of a probe target that returned."
	},
	{
		"pvtrace_driver_function_seconds_total", "counter", 9,
		"Time in a probe target, entry to return."
	},
	{
		"pvtrace_driver_function_max_seconds", "gauge", 9,
		"The longest call of a probe target."
	},
	{
		"pvtrace_driver_function_missed_total", "counter", 0,
		"Calls of a probe target the kretprobe could not follow (not in the calls)."
	},
	{
		"pvtrace_driver_function_latency_seconds", "histogram", 9,
		"Time per call of a probe target, entry to return."
	},
	{
		"pvtrace_xenbus_kernel_requests_total", "counter", 0,
		"In-kernel xenstore requests (xs_talkv) that returned, by message type."
	},
	{
		"pvtrace_xenbus_kernel_request_seconds_total", "counter", 9,
		"Time of in-kernel xenstore requests, request to reply."
	},
	{
		"pvtrace_xenbus_kernel_request_max_seconds", "gauge", 9,
		"The longest in-kernel xenstore request."
	},
	{
		"pvtrace_xenbus_kernel_request_latency_seconds", "histogram", 9,
		"Time of in-kernel xenstore requests, request to reply."
	},
	{
		"pvtrace_xenbus_user_requests_total", "counter", 0,
		"Xenstore requests written to /dev/xen/xenbus, counted when queued, by message type."
	},
};

#define NFAMS ((int)ARRAY_SIZE(fams))

/* A series (counter or gauge) or a histogram, by family and labels. */
struct ent {
	int fam;
	char *lab;
	u64 val;
	int nb;			/* histogram: buckets */
	u64 *le, *cnt;		/* histogram: MAX_BUCKETS each */
	int has_sum;
	u64 sum;
};

struct vec {
	struct ent **e;
	int n, cap;
	/* Open addressing over (fam, lab): index + 1, 0 empty. */
	int *slot;
	size_t nslot;
};

struct conv {
	const struct pvt_export_opts *o;
	const char *dir, *rel;	/* the file being converted */
	struct vec ser, hist, sums;
	struct pvt_err *e;
	/* Files read in this run. */
	int have_errors_percpu, have_functions, have_functions_percpu;
	char version[128];
	struct pvt_table summary;
	char rstate[64], rfilter[256];
	int slow_hcall, slow_upcall;
	/* Channels: first-seen order, the last record's binding. */
	char **chlab, **chinfo;
	int nch, chcap;
	char **drv;		/* driver targets called */
	int ndrv, drvcap;
	char **tgt;		/* driver targets seen (duplicates fail) */
	int ntgt, tgtcap;
	/* The histogram being read: its key, index and last bucket. */
	char hkey[512];
	int hopen, hidx;
	u64 hprev;
};

static size_t hash(int fam, const char *s)
{
	size_t h = 1469598103934665603ULL ^ (size_t)fam;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct ent *lookup(struct vec *v, int fam, const char *lab, int add)
{
	size_t i;
	struct ent *e;

	if (add && (size_t)(v->n + 1) * 2 > v->nslot) {
		size_t ns = v->nslot ? 2 * v->nslot : 256;
		int *slot = calloc(ns, sizeof(*slot));

		if (!slot)
			return NULL;
		for (int k = 0; k < v->n; k++) {
			i = hash(v->e[k]->fam, v->e[k]->lab) & (ns - 1);
			while (slot[i])
				i = (i + 1) & (ns - 1);
			slot[i] = k + 1;
		}
		free(v->slot);
		v->slot = slot;
		v->nslot = ns;
	}
	if (!v->nslot)
		return NULL;
	i = hash(fam, lab) & (v->nslot - 1);
	while (v->slot[i]) {
		e = v->e[v->slot[i] - 1];
		if (e->fam == fam && !strcmp(e->lab, lab))
			return e;
		i = (i + 1) & (v->nslot - 1);
	}
	if (!add)
		return NULL;
	if (v->n == v->cap) {
		int nc = v->cap ? 2 * v->cap : 256;
		struct ent **ne = realloc(v->e, nc * sizeof(*ne));

		if (!ne)
			return NULL;
		v->e = ne;
		v->cap = nc;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->fam = fam;
	e->lab = strdup(lab);
	if (!e->lab) {
		free(e);
		return NULL;
	}
	v->e[v->n++] = e;
	v->slot[i] = v->n;
	return e;
}

static void vec_free(struct vec *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->e[i]->lab);
		free(v->e[i]->le);
		free(v->e[i]->cnt);
		free(v->e[i]);
	}
	free(v->e);
	free(v->slot);
	memset(v, 0, sizeof(*v));
}

static int fam_of(const char *name)
{
	for (int i = 0; i < NFAMS; i++)
		if (!strcmp(fams[i].name, name))
			return i;
	return -1;
}

static __printf(3, 4) int fail(struct conv *cv, int line, const char *fmt, ...);

static int fail(struct conv *cv, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (cv->e->code)
		return cv->e->code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		return pvt_errf(cv->e, PVT_EXIT_MALFORMED, "%s/%s: line %d: %s",
				cv->dir, cv->rel, line, msg);
	return pvt_errf(cv->e, PVT_EXIT_MALFORMED, "%s/%s: %s", cv->dir,
			cv->rel, msg);
}

static int oom(struct conv *cv)
{
	if (cv->e->code)
		return cv->e->code;
	return pvt_errf(cv->e, PVT_EXIT_FAIL, "out of memory");
}

/* Labels: k="v" with \ and " escaped, joined with commas. */
static void lab_add(char *buf, size_t len, const char *k, const char *v)
{
	size_t n = strlen(buf);

	if (n && n < len - 1)
		buf[n++] = ',';
	n += snprintf(buf + n, len - n, "%s=\"", k);
	for (; *v && n < len - 3; v++) {
		if (*v == '\\' || *v == '"')
			buf[n++] = '\\';
		buf[n++] = *v;
	}
	if (n < len - 1)
		buf[n++] = '"';
	buf[n < len ? n : len - 1] = '\0';
}

/* put(): values of one series add up; "max" keeps the largest. */
static int put(struct conv *cv, const char *name, const char *lab, u64 v,
	       int max)
{
	int fam = fam_of(name);
	struct ent *e;
	int isnew;

	if (fam < 0)
		return fail(cv, 0, "internal: unknown metric %s", name);
	e = lookup(&cv->ser, fam, lab, 0);
	isnew = !e;
	if (!e)
		e = lookup(&cv->ser, fam, lab, 1);
	if (!e)
		return oom(cv);
	if (isnew || !max)
		e->val += v;
	else if (v > e->val)
		e->val = v;
	return 0;
}

static int hsum(struct conv *cv, const char *name, const char *lab, u64 v)
{
	struct ent *e = lookup(&cv->sums, fam_of(name), lab, 1);

	if (!e)
		return oom(cv);
	e->val += v;
	e->has_sum = 1;
	return 0;
}

/*
 * One bucket record of a histogram file (checked by the loader: every
 * histogram is complete), summed into family @name with labels @lab by
 * its index; @name NULL only checks.
 */
static int hist_rec(struct conv *cv, const struct pvt_table *t, int r,
		    const char *name, const char *lab)
{
	int n = t->ncols;
	char key[512] = "";
	u64 lo, hi, c;
	struct ent *e;

	for (int i = 0; i < n - 3; i++) {
		size_t l = strlen(key);

		snprintf(key + l, sizeof(key) - l, " %s", t->rows[r][i]);
	}
	pvt_u64(t->rows[r][n - 3], &lo);
	pvt_u64(t->rows[r][n - 2], &hi);
	pvt_u64(t->rows[r][n - 1], &c);
	if (!cv->hopen || strcmp(key, cv->hkey)) {
		cv->hopen = 1;
		cv->hidx = 0;
		snprintf(cv->hkey, sizeof(cv->hkey), "%s", key);
	}
	cv->hidx++;
	if (hi == (u64)-1)
		cv->hopen = 0;
	if (!name)
		return 0;
	e = lookup(&cv->hist, fam_of(name), lab, 1);
	if (e && !e->le) {
		e->le = calloc(MAX_BUCKETS, sizeof(*e->le));
		e->cnt = calloc(MAX_BUCKETS, sizeof(*e->cnt));
	}
	if (!e || !e->le || !e->cnt)
		return oom(cv);
	if (cv->hidx > MAX_BUCKETS)
		return fail(cv, r + 2, "more than %d buckets", MAX_BUCKETS);
	if (cv->hidx > e->nb)
		e->nb = cv->hidx;
	if (e->le[cv->hidx - 1] && e->le[cv->hidx - 1] != hi)
		return fail(cv, r + 2,
			    "bucket %d ends at %llu here, at %llu before",
			    cv->hidx, (unsigned long long)hi,
			    (unsigned long long)e->le[cv->hidx - 1]);
	e->le[cv->hidx - 1] = hi;
	e->cnt[cv->hidx - 1] += c;
	return 0;
}

/* The columns each file must have (more may come: looked up by name). */
static const char *const required[][2] = {
	{ "version", "name version" },
	{ "summary", "key value" },
	{ "hypercalls/status", "key value" },
	{ "upcalls/status", "key value" },
	{ "recorder/status", "key value" },
	{ "hypercalls/totals", "hypercall calls errors redundant total_ns max_ns" },
	{ "hypercalls/percpu", "cpu hypercall calls errors redundant total_ns max_ns" },
	{
		"hypercalls/subcommands",
		"hypercall subcommand value calls errors redundant total_ns max_ns"
	},
	{ "hypercalls/latency", "hypercall lo_ns hi_ns count" },
	{ "hypercalls/subcommand_latency", "hypercall subcommand lo_ns hi_ns count" },
	{ "hypercalls/errors", "hypercall subcommand errno count" },
	{ "hypercalls/errors_percpu", "cpu hypercall subcommand errno count" },
	{ "hypercalls/callers", "hypercall caller module calls" },
	{ "hypercalls/multicall_batches", "lo_entries hi_entries count" },
	{ "hypercalls/multicall_flush_reasons", "reason flushes" },
	{ "hypercalls/multicall_ops", "op calls failures" },
	{
		"upcalls/percpu",
		"cpu upcalls kernel_upcalls empty spurious events handlers direct foreign overflow total_ns max_ns"
	},
	{ "upcalls/latency", "cpu lo_ns hi_ns count" },
	{ "upcalls/events_per_upcall", "cpu lo_events hi_events count" },
	{ "upcalls/channels", "port irq kind detail vcpu name calls total_ns max_ns" },
	{ "upcalls/channel_latency", "port irq name lo_ns hi_ns count" },
	{
		"steal",
		"cpu steal_ns runnable_ns offline_ns generic_ns elapsed_ns backward_jumps intervals windows sampler_ns"
	},
	{ "runstate", "cpu state running_ns runnable_ns blocked_ns offline_ns" },
	{ "steal_interval_hist", "cpu lo_ns hi_ns count" },
	{ "steal_ratio_hist", "cpu lo_pct hi_pct count" },
	{ "slowest", "rank time_ns cpu event name detail duration_ns value errno site module" },
	{ "drivers/functions", "target role state calls total_ns max_ns missed error" },
	{ "drivers/functions_percpu", "cpu target calls total_ns max_ns" },
	{ "drivers/latency", "target lo_ns hi_ns count" },
	{ "drivers/xenbus", "type kernel_calls total_ns max_ns user_calls" },
	{ "drivers/xenbus_latency", "type lo_ns hi_ns count" },
};

static int check_columns(struct conv *cv, const struct pvt_table *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		char want[256], *tok, *save;

		if (strcmp(required[i][0], cv->rel))
			continue;
		snprintf(want, sizeof(want), "%s", required[i][1]);
		for (tok = strtok_r(want, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			if (pvt_col(t, tok) < 0)
				return fail(cv, 1,
					    "no column \"%s\" in the header (expected %s)",
					    tok, required[i][1]);
		if (!strcmp(required[i][1], "key value") && t->ncols != 2)
			return fail(cv, 1, "expected the columns \"key value\"");
		return 0;
	}
	return fail(cv, 0, "internal: no column list for this file");
}

/* Labels of one record: the cpu label (or none), then others. */
static void cpu_lab(struct conv *cv, const struct pvt_table *t, int r,
		    int hc, char *lab, size_t len)
{
	lab[0] = '\0';
	if (hc ? cv->o->cpuhist : cv->o->cpu)
		lab_add(lab, len, "cpu", pvt_str(t, r, "cpu"));
}

/* key value files: one (metric, event label) per known key. */
static int kv(struct conv *cv, const struct pvt_table *t,
	      const char *const map[][3])
{
	for (int r = 0; r < t->nrows; r++) {
		const char *k = t->rows[r][0], *v = t->rows[r][1];
		u64 n;

		for (int i = 0; map[i][0]; i++) {
			char lab[64] = "";

			if (strcmp(map[i][0], k))
				continue;
			if (pvt_u64(v, &n) || strlen(v) > 20)
				return fail(cv, r + 2,
					    "%s: \"%s\" is not an unsigned number",
					    k, v);
			if (map[i][2])
				lab_add(lab, sizeof(lab), "event", map[i][2]);
			put(cv, map[i][1], lab, n, 0);
		}
	}
	return 0;
}

static const char *const summ_map[][3] = {
	{ "vcpus_online", "pvtrace_vcpus_online", NULL },
	{ "vcpus_possible", "pvtrace_vcpus_possible", NULL },
	{ "torn_reads", "pvtrace_torn_reads_total", NULL },
	{ "steal_interval_ms", "pvtrace_steal_sampling_interval_seconds", NULL },
	{ "tick_ns", "pvtrace_tick_seconds", NULL },
	{ "percpu_bytes", "pvtrace_memory_percpu_bytes", NULL },
	{ NULL, NULL, NULL }
};

static const char *const hstat_map[][3] = {
	{ "installed", "pvtrace_hypercall_hook_installed", NULL },
	{ "timing", "pvtrace_hypercall_timing_enabled", NULL },
	{ "tsc_emulated", "pvtrace_hypercall_tsc_emulated", NULL },
	{ "window_ns", "pvtrace_hypercall_redundant_window_seconds", NULL },
	{ "noreturn_calls", "pvtrace_hypercall_noreturn_calls_total", NULL },
	{ "gs_base_calls", "pvtrace_hypercall_gs_base_calls_total", NULL },
	{ "single_entry_batches", "pvtrace_multicall_single_entry_batches_total", NULL },
	{ "callers_dropped", "pvtrace_hypercall_callers_dropped_total", NULL },
	{ "errors_dropped", "pvtrace_hypercall_errors_dropped_total", NULL },
	{ NULL, NULL, NULL }
};

static const char *const ustat_map[][3] = {
	{ "channels_view", "pvtrace_upcall_channels_view", NULL },
	{ "channels", "pvtrace_upcall_channels", NULL },
	{ "channel_capacity", "pvtrace_upcall_channel_capacity", NULL },
	{ "upcall_probe_missed", "pvtrace_upcall_probe_missed_total", NULL },
	{ "dispatch_probe_missed", "pvtrace_upcall_dispatch_probe_missed_total", NULL },
	{ NULL, NULL, NULL }
};

static const char *const rstat_map[][3] = {
	{ "capacity", "pvtrace_recorder_capacity", NULL },
	{ "records", "pvtrace_recorder_records", NULL },
	{ "lost", "pvtrace_recorder_lost_total", NULL },
	{ "incomplete", "pvtrace_recorder_incomplete", NULL },
	{ "slowest_skipped_hcall", "pvtrace_slowest_skipped_total", "hcall" },
	{ "slowest_skipped_upcall", "pvtrace_slowest_skipped_total", "upcall" },
	{ NULL, NULL, NULL }
};

/* Add @s to a list of strings; 1 if it was there already. */
static int list_add(char ***l, int *n, int *cap, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*l)[i], s))
			return 1;
	if (*n == *cap) {
		int nc = *cap ? 2 * *cap : 16;
		char **nl = realloc(*l, nc * sizeof(*nl));

		if (!nl)
			return -1;
		*l = nl;
		*cap = nc;
	}
	(*l)[*n] = strdup(s);
	if (!(*l)[*n])
		return -1;
	(*n)++;
	return 0;
}

static void list_free(char **l, int n)
{
	for (int i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/*
 * The converters below go on after a failure (put(), hsum() and
 * hist_rec() keep the first error in cv->e) and return it at the end.
 */
#define N(col) pvt_num(t, r, col)
#define S(col) pvt_str(t, r, col)
#define PUT(name, lab, v) put(cv, name, lab, v, 0)
#define PUTMAX(name, lab, v) put(cv, name, lab, v, 1)
#define HSUM(name, lab, v) hsum(cv, name, lab, v)
#define HIST(name, lab) hist_rec(cv, t, r, name, lab)

static int conv_hcalls(struct conv *cv, const struct pvt_table *t)
{
	const char *f = cv->rel;
	char lab[1024], base[512];

	for (int r = 0; r < t->nrows; r++) {
		base[0] = '\0';
		if (!strcmp(f, "hypercalls/totals") ||
		    !strcmp(f, "hypercalls/percpu")) {
			lab_add(base, sizeof(base), "hypercall", S("hypercall"));
			if (!strcmp(f, "hypercalls/totals")) {
				HSUM("pvtrace_hypercall_latency_seconds", base,
				     N("total_ns"));
				if (cv->o->cpu)
					continue;
				snprintf(lab, sizeof(lab), "%s", base);
			} else {
				cpu_lab(cv, t, r, 0, lab, sizeof(lab));
				lab_add(lab, sizeof(lab), "hypercall",
					S("hypercall"));
			}
			PUT("pvtrace_hypercall_calls_total", lab, N("calls"));
			PUT("pvtrace_hypercall_errors_total", lab, N("errors"));
			PUT("pvtrace_hypercall_redundant_total", lab,
			    N("redundant"));
			PUT("pvtrace_hypercall_seconds_total", lab,
			    N("total_ns"));
			PUTMAX("pvtrace_hypercall_max_seconds", lab,
			       N("max_ns"));
		} else if (!strcmp(f, "hypercalls/subcommands")) {
			lab_add(base, sizeof(base), "hypercall", S("hypercall"));
			lab_add(base, sizeof(base), "subcommand",
				S("subcommand"));
			PUT("pvtrace_hypercall_subcommand_calls_total", base,
			    N("calls"));
			PUT("pvtrace_hypercall_subcommand_errors_total", base,
			    N("errors"));
			PUT("pvtrace_hypercall_subcommand_redundant_total",
			    base, N("redundant"));
			PUT("pvtrace_hypercall_subcommand_seconds_total", base,
			    N("total_ns"));
			PUTMAX("pvtrace_hypercall_subcommand_max_seconds", base,
			       N("max_ns"));
			HSUM("pvtrace_hypercall_subcommand_latency_seconds",
			     base, N("total_ns"));
		} else if (!strcmp(f, "hypercalls/latency")) {
			lab_add(base, sizeof(base), "hypercall",
				t->rows[r][0]);
			HIST("pvtrace_hypercall_latency_seconds", base);
		} else if (!strcmp(f, "hypercalls/subcommand_latency")) {
			lab_add(base, sizeof(base), "hypercall",
				t->rows[r][0]);
			lab_add(base, sizeof(base), "subcommand",
				t->rows[r][1]);
			HIST("pvtrace_hypercall_subcommand_latency_seconds",
			     base);
		} else if (!strcmp(f, "hypercalls/errors_percpu") ||
			   !strcmp(f, "hypercalls/errors")) {
			int percpu = !strcmp(f, "hypercalls/errors_percpu");

			if (!percpu && cv->have_errors_percpu)
				continue;
			if (percpu)
				cpu_lab(cv, t, r, 0, lab, sizeof(lab));
			else
				lab[0] = '\0';
			lab_add(lab, sizeof(lab), "hypercall", S("hypercall"));
			if (cv->o->sub)
				lab_add(lab, sizeof(lab), "subcommand",
					S("subcommand"));
			lab_add(lab, sizeof(lab), "errno", S("errno"));
			PUT("pvtrace_hypercall_errno_total", lab, N("count"));
		} else if (!strcmp(f, "hypercalls/callers")) {
			lab_add(base, sizeof(base), "hypercall", S("hypercall"));
			lab_add(base, sizeof(base), "caller", S("caller"));
			lab_add(base, sizeof(base), "module", S("module"));
			PUT("pvtrace_hypercall_caller_calls_total", base,
			    N("calls"));
		} else if (!strcmp(f, "hypercalls/multicall_batches")) {
			HIST("pvtrace_multicall_batch_entries", "");
		} else if (!strcmp(f, "hypercalls/multicall_flush_reasons")) {
			lab_add(base, sizeof(base), "reason", S("reason"));
			PUT("pvtrace_multicall_early_flushes_total", base,
			    N("flushes"));
		} else if (!strcmp(f, "hypercalls/multicall_ops")) {
			lab_add(base, sizeof(base), "op", S("op"));
			PUT("pvtrace_multicall_op_entries_total", base,
			    N("calls"));
			PUT("pvtrace_multicall_op_failures_total", base,
			    N("failures"));
		}
	}
	return cv->e->code;
}

static int conv_upcalls(struct conv *cv, const struct pvt_table *t)
{
	static const char *const pc[][2] = {
		{ "pvtrace_upcalls_total", "upcalls" },
		{ "pvtrace_upcall_kernel_upcalls_total", "kernel_upcalls" },
		{ "pvtrace_upcall_empty_total", "empty" },
		{ "pvtrace_upcall_spurious_total", "spurious" },
		{ "pvtrace_upcall_events_total", "events" },
		{ "pvtrace_upcall_handler_runs_total", "handlers" },
		{ "pvtrace_upcall_direct_runs_total", "direct" },
		{ "pvtrace_upcall_foreign_runs_total", "foreign" },
		{ "pvtrace_upcall_overflow_runs_total", "overflow" },
		{ "pvtrace_upcall_seconds_total", "total_ns" },
	};
	const char *f = cv->rel;
	char lab[1024], info[1024];

	for (int r = 0; r < t->nrows; r++) {
		if (!strcmp(f, "upcalls/percpu")) {
			cpu_lab(cv, t, r, 0, lab, sizeof(lab));
			for (size_t i = 0; i < ARRAY_SIZE(pc); i++)
				PUT(pc[i][0], lab, N(pc[i][1]));
			PUTMAX("pvtrace_upcall_max_seconds", lab, N("max_ns"));
			cpu_lab(cv, t, r, 1, lab, sizeof(lab));
			HSUM("pvtrace_upcall_latency_seconds", lab,
			     N("total_ns"));
		} else if (!strcmp(f, "upcalls/latency")) {
			cpu_lab(cv, t, r, 1, lab, sizeof(lab));
			HIST("pvtrace_upcall_latency_seconds", lab);
		} else if (!strcmp(f, "upcalls/events_per_upcall")) {
			cpu_lab(cv, t, r, 1, lab, sizeof(lab));
			HIST("pvtrace_upcall_events_per_upcall", lab);
		} else if (!strcmp(f, "upcalls/channels")) {
			int i, seen;

			lab[0] = '\0';
			lab_add(lab, sizeof(lab), "port", S("port"));
			lab_add(lab, sizeof(lab), "irq", S("irq"));
			lab_add(lab, sizeof(lab), "name", S("name"));
			PUT("pvtrace_channel_handler_calls_total", lab,
			    N("calls"));
			PUT("pvtrace_channel_handler_seconds_total", lab,
			    N("total_ns"));
			PUTMAX("pvtrace_channel_handler_max_seconds", lab,
			       N("max_ns"));
			HSUM("pvtrace_channel_handler_latency_seconds", lab,
			     N("total_ns"));
			snprintf(info, sizeof(info), "%s", lab);
			lab_add(info, sizeof(info), "kind", S("kind"));
			lab_add(info, sizeof(info), "detail", S("detail"));
			lab_add(info, sizeof(info), "vcpu", S("vcpu"));
			/* Re-bound to the same port and IRQ: the last binding. */
			i = cv->nch;
			seen = list_add(&cv->chlab, &cv->nch, &cv->chcap, lab);
			if (seen < 0)
				return oom(cv);
			if (seen) {
				for (i = 0; strcmp(cv->chlab[i], lab); i++)
					;
				free(cv->chinfo[i]);
			} else {
				char **ni = realloc(cv->chinfo,
						    cv->chcap * sizeof(*ni));

				if (!ni)
					return oom(cv);
				cv->chinfo = ni;
			}
			cv->chinfo[i] = strdup(info);
			if (!cv->chinfo[i])
				return oom(cv);
		} else if (!strcmp(f, "upcalls/channel_latency")) {
			lab[0] = '\0';
			lab_add(lab, sizeof(lab), "port", t->rows[r][0]);
			lab_add(lab, sizeof(lab), "irq", t->rows[r][1]);
			lab_add(lab, sizeof(lab), "name", t->rows[r][2]);
			HIST("pvtrace_channel_handler_latency_seconds", lab);
		}
	}
	return cv->e->code;
}

static int conv_steal(struct conv *cv, const struct pvt_table *t)
{
	static const char *const sc[][2] = {
		{ "pvtrace_steal_seconds_total", "steal_ns" },
		{ "pvtrace_steal_runnable_seconds_total", "runnable_ns" },
		{ "pvtrace_steal_offline_seconds_total", "offline_ns" },
		{ "pvtrace_steal_generic_seconds_total", "generic_ns" },
		{ "pvtrace_steal_elapsed_seconds_total", "elapsed_ns" },
		{ "pvtrace_steal_backward_jumps_total", "backward_jumps" },
		{ "pvtrace_steal_intervals_total", "intervals" },
		{ "pvtrace_steal_windows_total", "windows" },
		{ "pvtrace_steal_sampler_seconds_total", "sampler_ns" },
	};
	static const char *const states[] = {
		"running", "runnable", "blocked", "offline"
	};
	const char *f = cv->rel;
	char lab[256], l2[300], col[32];

	for (int r = 0; r < t->nrows; r++) {
		if (!strcmp(f, "steal")) {
			cpu_lab(cv, t, r, 0, lab, sizeof(lab));
			for (size_t i = 0; i < ARRAY_SIZE(sc); i++) {
				if (!strcmp(S(sc[i][1]), "-"))
					continue;
				PUT(sc[i][0], lab, N(sc[i][1]));
			}
		} else if (!strcmp(f, "runstate")) {
			cpu_lab(cv, t, r, 0, lab, sizeof(lab));
			for (int i = 0; i < 4; i++) {
				snprintf(l2, sizeof(l2), "%s", lab);
				lab_add(l2, sizeof(l2), "runstate", states[i]);
				snprintf(col, sizeof(col), "%s_ns", states[i]);
				PUT("pvtrace_runstate_seconds_total", l2, N(col));
			}
		} else if (!strcmp(f, "steal_interval_hist")) {
			cpu_lab(cv, t, r, 1, lab, sizeof(lab));
			HIST("pvtrace_steal_per_interval_seconds", lab);
		} else if (!strcmp(f, "steal_ratio_hist")) {
			cpu_lab(cv, t, r, 1, lab, sizeof(lab));
			HIST("pvtrace_steal_window_ratio_percent", lab);
		}
	}
	return cv->e->code;
}

static int conv_recorder(struct conv *cv, const struct pvt_table *t)
{
	const char *f = cv->rel;
	char lab[2048];

	if (!strcmp(f, "recorder/status")) {
		for (int r = 0; r < t->nrows; r++) {
			if (!strcmp(t->rows[r][0], "state")) {
				snprintf(cv->rstate, sizeof(cv->rstate), "%s",
					 t->rows[r][1]);
				PUT("pvtrace_recorder_recording", "",
				    !strcmp(t->rows[r][1], "recording"));
			} else if (!strcmp(t->rows[r][0], "filter")) {
				snprintf(cv->rfilter, sizeof(cv->rfilter), "%s",
					 t->rows[r][1]);
			}
		}
		kv(cv, t, rstat_map);
		return cv->e->code;
	}
	/* slowest: rank 1 of each kind only, one series per kind. */
	for (int r = 0; r < t->nrows; r++) {
		const char *ev = S("event");
		int *seen = !strcmp(ev, "hcall") ? &cv->slow_hcall :
			    !strcmp(ev, "upcall") ? &cv->slow_upcall : NULL;

		if (N("rank") != 1)
			continue;
		if (seen && *seen)
			return fail(cv, r + 2,
				    "a second record of rank 1 for event %s",
				    ev);
		if (seen)
			*seen = 1;
		lab[0] = '\0';
		lab_add(lab, sizeof(lab), "event", ev);
		PUT("pvtrace_slowest_seconds", lab, N("duration_ns"));
		if (cv->o->cpu)
			lab_add(lab, sizeof(lab), "cpu", S("cpu"));
		lab_add(lab, sizeof(lab), "name", S("name"));
		lab_add(lab, sizeof(lab), "detail", S("detail"));
		lab_add(lab, sizeof(lab), "site", S("site"));
		lab_add(lab, sizeof(lab), "module", S("module"));
		PUT("pvtrace_slowest_info", lab, 1);
	}
	return cv->e->code;
}

static int called(struct conv *cv, const char *target)
{
	for (int i = 0; i < cv->ndrv; i++)
		if (!strcmp(cv->drv[i], target))
			return 1;
	return 0;
}

static int conv_drivers(struct conv *cv, const struct pvt_table *t)
{
	const char *f = cv->rel;
	char lab[1024], info[1024];

	for (int r = 0; r < t->nrows; r++) {
		lab[0] = '\0';
		if (!strcmp(f, "drivers/functions")) {
			const char *tg = S("target");
			int dup;

			lab_add(lab, sizeof(lab), "target", tg);
			dup = list_add(&cv->tgt, &cv->ntgt, &cv->tgtcap, tg);
			if (dup < 0)
				return oom(cv);
			if (dup)
				return fail(cv, r + 2,
					    "a second record of target %s", tg);
			snprintf(info, sizeof(info), "%s", lab);
			lab_add(info, sizeof(info), "role", S("role"));
			lab_add(info, sizeof(info), "state", S("state"));
			lab_add(info, sizeof(info), "error", S("error"));
			PUT("pvtrace_driver_function_info", info, 1);
			PUT("pvtrace_driver_function_missed_total", lab,
			    N("missed"));
			if (!N("calls"))
				continue;
			if (list_add(&cv->drv, &cv->ndrv, &cv->drvcap, tg) < 0)
				return oom(cv);
			HSUM("pvtrace_driver_function_latency_seconds", lab,
			     N("total_ns"));
			if (cv->have_functions_percpu)
				continue;
			PUT("pvtrace_driver_function_calls_total", lab,
			    N("calls"));
			PUT("pvtrace_driver_function_seconds_total", lab,
			    N("total_ns"));
			PUTMAX("pvtrace_driver_function_max_seconds", lab,
			       N("max_ns"));
		} else if (!strcmp(f, "drivers/functions_percpu")) {
			const char *tg = S("target");

			if (cv->have_functions ? !called(cv, tg) : !N("calls"))
				continue;
			cpu_lab(cv, t, r, 0, lab, sizeof(lab));
			lab_add(lab, sizeof(lab), "target", tg);
			PUT("pvtrace_driver_function_calls_total", lab,
			    N("calls"));
			PUT("pvtrace_driver_function_seconds_total", lab,
			    N("total_ns"));
			PUTMAX("pvtrace_driver_function_max_seconds", lab,
			       N("max_ns"));
		} else if (!strcmp(f, "drivers/latency")) {
			lab_add(lab, sizeof(lab), "target", t->rows[r][0]);
			HIST("pvtrace_driver_function_latency_seconds", lab);
		} else if (!strcmp(f, "drivers/xenbus")) {
			u64 c = N("kernel_calls"), u = N("user_calls");

			if (!c && !u)
				continue;
			lab_add(lab, sizeof(lab), "type", S("type"));
			PUT("pvtrace_xenbus_kernel_requests_total", lab, c);
			PUT("pvtrace_xenbus_kernel_request_seconds_total", lab,
			    N("total_ns"));
			PUTMAX("pvtrace_xenbus_kernel_request_max_seconds", lab,
			       N("max_ns"));
			PUT("pvtrace_xenbus_user_requests_total", lab, u);
			if (c)
				HSUM("pvtrace_xenbus_kernel_request_latency_seconds",
				     lab, N("total_ns"));
		} else if (!strcmp(f, "drivers/xenbus_latency")) {
			lab_add(lab, sizeof(lab), "type", t->rows[r][0]);
			HIST("pvtrace_xenbus_kernel_request_latency_seconds",
			     lab);
		}
	}
	return cv->e->code;
}

#undef N
#undef S

static int convert(struct conv *cv, const struct pvt_table *t)
{
	const char *f = cv->rel;
	int ret;

	ret = check_columns(cv, t);
	if (ret)
		return ret;
	cv->hopen = 0;
	if (!strcmp(f, "version")) {
		for (int r = 0; r < t->nrows; r++)
			snprintf(cv->version, sizeof(cv->version), "%s",
				 pvt_str(t, r, "version"));
		return 0;
	}
	if (!strcmp(f, "summary"))
		return kv(cv, t, summ_map);
	if (!strcmp(f, "hypercalls/status"))
		return kv(cv, t, hstat_map);
	if (!strcmp(f, "upcalls/status"))
		return kv(cv, t, ustat_map);
	if (!strncmp(f, "hypercalls/", 11))
		return conv_hcalls(cv, t);
	if (!strncmp(f, "upcalls/", 8))
		return conv_upcalls(cv, t);
	if (!strncmp(f, "recorder/", 9) || !strcmp(f, "slowest"))
		return conv_recorder(cv, t);
	if (!strncmp(f, "drivers/", 8))
		return conv_drivers(cv, t);
	return conv_steal(cv, t);
}

/* The files, in the order the series come out within a family. */
static int file_list(const struct pvt_export_opts *o, const char **l)
{
	int n = 0;

#define ADD(cond, name) do { if (cond) l[n++] = name; } while (0)
	ADD(1, "version");
	ADD(1, "summary");
	ADD(1, "?hypercalls/status");
	ADD(1, "?hypercalls/totals");
	ADD(o->cpu, "?hypercalls/percpu");
	ADD(o->sub, "?hypercalls/subcommands");
	ADD(o->hist, "?hypercalls/latency");
	ADD(o->sub && o->hist, "?hypercalls/subcommand_latency");
	ADD(o->cpu, "?hypercalls/errors_percpu");
	ADD(1, "?hypercalls/errors");
	ADD(o->callers, "?hypercalls/callers");
	ADD(o->hist, "?hypercalls/multicall_batches");
	ADD(1, "?hypercalls/multicall_flush_reasons");
	ADD(1, "?hypercalls/multicall_ops");
	ADD(1, "?upcalls/status");
	ADD(1, "?upcalls/percpu");
	ADD(o->hist, "?upcalls/latency");
	ADD(o->hist, "?upcalls/events_per_upcall");
	ADD(o->chan, "?upcalls/channels");
	ADD(o->chanhist, "?upcalls/channel_latency");
	ADD(1, "?steal");
	ADD(1, "?runstate");
	ADD(o->hist, "?steal_interval_hist");
	ADD(o->hist, "?steal_ratio_hist");
	ADD(1, "?recorder/status");
	ADD(1, "?slowest");
	ADD(o->drivers, "?drivers/functions");
	ADD(o->drivers && o->cpu, "?drivers/functions_percpu");
	ADD(o->drivers && o->hist, "?drivers/latency");
	ADD(o->drivers, "?drivers/xenbus");
	ADD(o->drivers && o->hist, "?drivers/xenbus_latency");
#undef ADD
	return n;
}

/* Histograms without a sample are left out in these families. */
static int skip_empty(int fam)
{
	return !strcmp(fams[fam].name,
		       "pvtrace_driver_function_latency_seconds") ||
	       !strcmp(fams[fam].name,
		       "pvtrace_xenbus_kernel_request_latency_seconds");
}

static u64 hist_total(const struct ent *h)
{
	u64 n = 0;

	for (int b = 0; b < h->nb; b++)
		n += h->cnt[b];
	return n;
}

static void sample(FILE *f, const char *name, const char *suffix,
		   const char *lab, const char *extra, const char *value)
{
	fprintf(f, "%s%s", name, suffix);
	if (*lab || *extra)
		fprintf(f, "{%s%s%s}", lab, *lab && *extra ? "," : "", extra);
	fprintf(f, " %s\n", value);
}

/* Write every family in order: HELP, TYPE, its series, its histograms. */
static unsigned long emit(struct conv *cv, FILE *f)
{
	unsigned long series = 0;
	char v[64], le[96];

	for (int fam = 0; fam < NFAMS; fam++) {
		const struct fam *F = &fams[fam];
		int any = 0;

		for (int i = 0; i < cv->ser.n && !any; i++)
			any = cv->ser.e[i]->fam == fam;
		for (int i = 0; i < cv->hist.n && !any; i++)
			any = cv->hist.e[i]->fam == fam &&
			      (!skip_empty(fam) || hist_total(cv->hist.e[i]));
		if (!any)
			continue;
		if (f) {
			fprintf(f, "# HELP %s %s\n", F->name, F->help);
			fprintf(f, "# TYPE %s %s\n", F->name, F->type);
		}
		for (int i = 0; i < cv->ser.n; i++) {
			const struct ent *e = cv->ser.e[i];

			if (e->fam != fam)
				continue;
			series++;
			if (f)
				sample(f, F->name, "", e->lab, "",
				       pvt_fmt_seconds(e->val, F->decimals, v,
						       sizeof(v)));
		}
		for (int i = 0; i < cv->hist.n; i++) {
			const struct ent *h = cv->hist.e[i];
			const struct ent *s;
			u64 cum = 0;

			if (h->fam != fam ||
			    (skip_empty(fam) && !hist_total(h)))
				continue;
			for (int b = 0; b < h->nb; b++) {
				cum += h->cnt[b];
				series++;
				if (!f)
					continue;
				if (h->le[b] == (u64)-1)
					snprintf(le, sizeof(le), "le=\"+Inf\"");
				else
					snprintf(le, sizeof(le), "le=\"%s\"",
						 pvt_fmt_seconds(h->le[b],
								 F->decimals,
								 v, sizeof(v)));
				sample(f, F->name, "_bucket", h->lab, le,
				       pvt_fmt_seconds(cum, 0, v, sizeof(v)));
			}
			s = lookup(&cv->sums, fam, h->lab, 0);
			if (s) {
				series++;
				if (f)
					sample(f, F->name, "_sum", h->lab, "",
					       pvt_fmt_seconds(s->val,
							       F->decimals, v,
							       sizeof(v)));
			}
			series++;
			if (f)
				sample(f, F->name, "_count", h->lab, "",
				       pvt_fmt_seconds(cum, 0, v, sizeof(v)));
		}
	}
	return series;
}

static int finish(struct conv *cv)
{
	static const char *const keys[][2] = {
		{ "kernel", "kernel" }, { "guest_type", "guest_type" },
		{ "xen_version", "xen_version" },
		{ "initial_domain", "xen_initial_domain" },
		{ "hooks", "hooks" }, { "steal_source", "steal_source" },
	};
	const struct pvt_table *t = &cv->summary;
	char lab[2048] = "";
	const char *v;
	int ret;

	ret = put(cv, "pvtrace_up", "", 1, 0);
	if (ret)
		return ret;
	if (!cv->version[0]) {
		v = pvt_kv(t, "version");
		snprintf(cv->version, sizeof(cv->version), "%s", v ? v : "");
	}
	lab_add(lab, sizeof(lab), "version", cv->version);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		/* The last record of a key, as awk's info[$1] = $2. */
		v = "";
		for (int r = 0; r < t->nrows; r++)
			if (!strcmp(t->rows[r][0], keys[i][1]))
				v = t->rows[r][1];
		lab_add(lab, sizeof(lab), keys[i][0], v);
	}
	ret = put(cv, "pvtrace_info", lab, 1, 0);
	for (int i = 0; !ret && i < cv->nch; i++)
		ret = put(cv, "pvtrace_channel_info", cv->chinfo[i], 1, 0);
	if (!ret && cv->rstate[0]) {
		lab[0] = '\0';
		lab_add(lab, sizeof(lab), "state", cv->rstate);
		lab_add(lab, sizeof(lab), "filter", cv->rfilter);
		ret = put(cv, "pvtrace_recorder_info", lab, 1, 0);
	}
	return ret;
}

static void conv_free(struct conv *cv)
{
	vec_free(&cv->ser);
	vec_free(&cv->hist);
	vec_free(&cv->sums);
	list_free(cv->chlab, cv->nch);
	list_free(cv->chinfo, cv->nch);
	list_free(cv->drv, cv->ndrv);
	list_free(cv->tgt, cv->ntgt);
	pvt_free(&cv->summary);
}

int pvt_export_write(const char *dir, const struct pvt_export_opts *o,
		     FILE *f, struct pvt_err *e)
{
	const char *files[40];
	struct conv cv = { .o = o, .dir = dir, .e = e };
	unsigned long series;
	int n = file_list(o, files), ret = 0;

	/* Which optional files this run reads, before converting any. */
	for (int i = 0; i < n; i++) {
		const char *rel = files[i] + (files[i][0] == '?');
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		if (access(path, F_OK))
			continue;
		cv.have_errors_percpu |= !strcmp(rel, "hypercalls/errors_percpu");
		cv.have_functions |= !strcmp(rel, "drivers/functions");
		cv.have_functions_percpu |=
			!strcmp(rel, "drivers/functions_percpu");
	}
	for (int i = 0; i < n && !ret; i++) {
		int opt = files[i][0] == '?';
		struct pvt_table t;

		cv.rel = files[i] + opt;
		ret = pvt_load(dir, cv.rel, opt, &t, e);
		if (ret == 1) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		ret = convert(&cv, &t);
		if (!strcmp(cv.rel, "summary"))
			cv.summary = t;
		else
			pvt_free(&t);
	}
	if (!ret)
		ret = finish(&cv);
	if (!ret) {
		series = emit(&cv, NULL);
		if (o->max_series && series > o->max_series)
			ret = pvt_errf(e, PVT_EXIT_MALFORMED,
				       "%lu series exceed --max-series %lu: use --no-cpu, --no-channels, --no-subcommands, --no-callers, --no-drivers or --no-histograms, or raise the limit",
				       series, o->max_series);
	}
	if (!ret)
		emit(&cv, f);
	conv_free(&cv);
	return ret;
}

void pvt_export_up0(FILE *f)
{
	fprintf(f, "# HELP pvtrace_up %s\n# TYPE pvtrace_up gauge\npvtrace_up 0\n",
		fams[0].help);
}

static const char export_usage[] =
	"usage: pvtrace export [OPTION]...\n"
	"  -o, --output FILE     file to write, atomically (default\n"
	"                        " DEFAULT_OUT ");\n"
	"                        \"-\" writes to standard output\n"
	"  -d, --debugfs DIR     pvtrace's debugfs directory (default\n"
	"                        " PVT_DEBUGFS ")\n"
	"  --no-cpu              no per-vCPU series: sum (or max) over vCPUs\n"
	"  --no-subcommands      no per-sub-command series\n"
	"  --no-channels         no per-event-channel series\n"
	"  --no-callers          no per-call-site series (hypercalls/callers)\n"
	"  --no-histograms       no histograms at all\n"
	"  --no-drivers          no PV driver series (drivers/)\n"
	"  --cpu-histograms      per-vCPU histograms (default: summed over vCPUs)\n"
	"  --channel-histograms  per-channel latency histograms (default: none)\n"
	"  --max-series N        fail (pvtrace_up 0) rather than write more than N\n"
	"                        series (default 10000; 0: no limit)\n"
	"  -h, --help            this help\n";

/* Write @f's content to @out through a temporary file and a rename. */
static int publish(const char *out, const char *tmp, int up0,
		   const char *dir, const struct pvt_export_opts *o,
		   struct pvt_err *e)
{
	FILE *f = fopen(tmp, "w");
	int ret = 0;

	if (!f) {
		pvt_warn("cannot write %s: %s", tmp, strerror(errno));
		return PVT_EXIT_OUTPUT;
	}
	if (up0)
		pvt_export_up0(f);
	else
		ret = pvt_export_write(dir, o, f, e);
	if (ret) {
		/* Start again with pvtrace_up 0 only. */
		fclose(f);
		f = fopen(tmp, "w");
		if (!f) {
			pvt_warn("cannot write %s: %s", tmp, strerror(errno));
			return PVT_EXIT_OUTPUT;
		}
		pvt_export_up0(f);
	}
	/* Readable by node_exporter whatever the umask. */
	fchmod(fileno(f), 0644);
	if (fclose(f) || rename(tmp, out)) {
		pvt_warn("cannot write %s: %s", out, strerror(errno));
		unlink(tmp);
		return PVT_EXIT_OUTPUT;
	}
	return ret;
}

int pvt_cmd_export(int argc, char **argv)
{
	enum { NO_CPU = 256, NO_SUB, NO_CHAN, NO_CALLERS, NO_HIST, NO_DRV,
	       CPU_HIST, CHAN_HIST, MAX_SERIES };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "no-cpu", no_argument, NULL, NO_CPU },
		{ "no-subcommands", no_argument, NULL, NO_SUB },
		{ "no-channels", no_argument, NULL, NO_CHAN },
		{ "no-callers", no_argument, NULL, NO_CALLERS },
		{ "no-histograms", no_argument, NULL, NO_HIST },
		{ "no-drivers", no_argument, NULL, NO_DRV },
		{ "cpu-histograms", no_argument, NULL, CPU_HIST },
		{ "channel-histograms", no_argument, NULL, CHAN_HIST },
		{ "max-series", required_argument, NULL, MAX_SERIES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct pvt_export_opts o = { 1, 1, 1, 1, 1, 0, 0, 1, 10000 };
	const char *out = DEFAULT_OUT, *dir = PVT_DEBUGFS;
	char outdir[4096], tmp[4096 + 64], *slash;
	struct pvt_err e = { 0 };
	struct stat st;
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case NO_CPU:
			o.cpu = 0;
			break;
		case NO_SUB:
			o.sub = 0;
			break;
		case NO_CHAN:
			o.chan = 0;
			break;
		case NO_CALLERS:
			o.callers = 0;
			break;
		case NO_HIST:
			o.hist = 0;
			break;
		case NO_DRV:
			o.drivers = 0;
			break;
		case CPU_HIST:
			o.cpuhist = 1;
			break;
		case CHAN_HIST:
			o.chanhist = 1;
			break;
		case MAX_SERIES:
			if (!*optarg || strspn(optarg, "0123456789") !=
			    strlen(optarg) || strlen(optarg) > 9) {
				pvt_usage_err("export: --max-series needs a number, not '%s'",
					      optarg);
				return PVT_EXIT_USAGE;
			}
			o.max_series = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			fputs(export_usage, stdout);
			return 0;
		case ':':
			return pvt_usage_err("export: option %s needs a value",
					       argv[optind - 1]);
		default:
			return pvt_usage_err("export: unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pvt_usage_err("export: unexpected argument '%s'",
				       argv[optind]);
	if (!*out)
		return pvt_usage_err("export: the output file name is empty");
	if (!*dir)
		return pvt_usage_err("export: the debugfs directory name is empty");
	if (!o.cpu && o.cpuhist)
		return pvt_usage_err("export: --cpu-histograms contradicts --no-cpu");
	if (!o.chan && o.chanhist)
		return pvt_usage_err("export: --channel-histograms contradicts --no-channels");
	if (!o.hist && (o.cpuhist || o.chanhist)) {
		pvt_usage_err("export: --cpu-histograms and --channel-histograms contradict --no-histograms");
		return PVT_EXIT_USAGE;
	}

	if (strcmp(out, "-")) {
		size_t l = strlen(out);

		if (out[l - 1] == '/')
			return pvt_usage_err("export: output '%s' names a directory, not a file",
					       out);
		snprintf(outdir, sizeof(outdir), "%s", out);
		slash = strrchr(outdir, '/');
		if (!slash)
			snprintf(outdir, sizeof(outdir), ".");
		else if (slash == outdir)
			outdir[1] = '\0';
		else
			*slash = '\0';
		if (stat(outdir, &st) || !S_ISDIR(st.st_mode))
			return pvt_usage_err("export: output directory '%s' does not exist",
					       outdir);
		if (access(outdir, W_OK))
			return pvt_usage_err("export: output directory '%s' is not writable",
					       outdir);
		if (!stat(out, &st) && S_ISDIR(st.st_mode))
			return pvt_usage_err("export: output '%s' is a directory",
					       out);
		/* node_exporter reads only *.prom: never the temporary file. */
		slash = strrchr(out, '/');
		snprintf(tmp, sizeof(tmp), "%s/.%s.%d.tmp", outdir,
			 slash ? slash + 1 : out, (int)getpid());
	}

	ret = pvt_tree_check(dir, &e);
	/*
	 * Standard output, or a device or pipe (/dev/null, /dev/stdout): written
	 * in place, never replaced by a rename.
	 */
	if (!strcmp(out, "-") || (!stat(out, &st) && !S_ISREG(st.st_mode))) {
		FILE *f = strcmp(out, "-") ? fopen(out, "w") : stdout;

		if (!f) {
			pvt_warn("cannot write %s: %s", out, strerror(errno));
			return PVT_EXIT_OUTPUT;
		}
		if (!ret)
			ret = pvt_export_write(dir, &o, f, &e);
		if (ret)
			pvt_export_up0(f);
		if (f == stdout ? fflush(f) : fclose(f)) {
			pvt_warn("cannot write %s", out);
			return PVT_EXIT_OUTPUT;
		}
	} else {
		int pret = publish(out, tmp, ret != 0, dir, &o, &e);

		if (pret == PVT_EXIT_OUTPUT)
			return pret;
		if (!ret)
			ret = pret;
	}
	if (ret)
		pvt_warn("%s", e.msg);
	return ret;
}
