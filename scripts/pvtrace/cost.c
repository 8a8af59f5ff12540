// SPDX-License-Identifier: GPL-2.0
/*
 * What virtualization cost between two snapshots: the differences of the
 * counters, as time and as a share of the vCPU time (wall time times the
 * vCPUs online), by hypercall and sub-command, by event channel, and
 * stolen; the largest sources first. Pure: no I/O, unit-tested on
 * fixtures (selftests/unit/cost_test.c).
 *
 * Where the time goes, and what does not add up by design:
 * - a hypercall's time is known only for timed calls (hcall_timing; off,
 *   or "auto" when Xen emulates the TSC): calls that were not timed have
 *   no time, which is said, never guessed;
 * - sched_op block and poll are the vCPU waiting for work or an event:
 *   idle time, shown apart and not counted as a cost;
 * - an upcall's time includes its handlers': the channels split it, and
 *   the rest (entry, dispatch) is a row of its own;
 * - a hypercall or upcall that the hypervisor preempts includes the time
 *   stolen meanwhile, so steal and the other sources may overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "pvtrace.h"

struct key {
	const char *col;
	const char *val;
};

static int row_matches(const struct pvt_table *t, int r,
		       const struct key *k, int nk)
{
	for (int i = 0; i < nk; i++)
		if (strcmp(pvt_str(t, r, k[i].col), k[i].val))
			return 0;
	return 1;
}

/* Sum of column @col over the records of @t matching every key. */
static u64 sum_where(const struct pvt_table *t, const char *col,
		     const struct key *k, int nk)
{
	u64 sum = 0;

	for (int r = 0; r < t->nrows; r++)
		if (row_matches(t, r, k, nk))
			sum += pvt_num(t, r, col);
	return sum;
}

/*
 * Counters never go back while pvtrace stays loaded: if one does, it was
 * reloaded in between, and what it counted before is lost.
 */
static int went_back;

static u64 delta(u64 b, u64 a)
{
	if (b < a)
		went_back = 1;
	return b > a ? b - a : 0;
}

static double share(u64 ns, u64 base)
{
	return base ? 100.0 * (double)ns / (double)base : 0;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct pvt_cost_row *a = pa, *b = pb;
	u64 ta = a->time_ns == PVT_NO_TIME ? 0 : a->time_ns - a->idle_ns;
	u64 tb = b->time_ns == PVT_NO_TIME ? 0 : b->time_ns - b->idle_ns;

	/* Idle time is not a cost: it sorts as none. */
	if (a->idle)
		ta = 0;
	if (b->idle)
		tb = 0;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	if (a->calls != b->calls)
		return a->calls > b->calls ? -1 : 1;
	return strcmp(a->name, b->name);
}

void pvt_cost_sort(struct pvt_cost_row *rows, int n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_rows);
}

/* hcall_timing at both snapshots: on at both, off at both, or either. */
enum { TIMING_ALL, TIMING_NONE, TIMING_SOME };

static int timing(const struct pvt_snap *a, const struct pvt_snap *b)
{
	const char *ta = pvt_kv(&a->hstatus, "timing");
	const char *tb = pvt_kv(&b->hstatus, "timing");
	int on_a = !ta || !strcmp(ta, "1"), on_b = !tb || !strcmp(tb, "1");

	return on_a && on_b ? TIMING_ALL : !on_a && !on_b ? TIMING_NONE :
	       TIMING_SOME;
}

static int is_idle(const char *hcall, const char *sub)
{
	return !strcmp(hcall, "sched_op") &&
	       (!strcmp(sub, "block") || !strcmp(sub, "poll"));
}

/*
 * One row: the calls, time and timed calls of the records matching @k in
 * @b less those in @a; time unknown when calls were made but none timed.
 * With timing on at both snapshots every call was timed: the latency
 * histogram, read a moment after the counters, may lag them by the calls
 * in between, which are not calls left untimed. Otherwise the timed calls
 * are those the histogram gained (recording times every call).
 */
static void fill_row(struct pvt_cost_row *row, const struct pvt_table *ta,
		     const struct pvt_table *tb, const struct pvt_table *la,
		     const struct pvt_table *lb, const struct key *k, int nk,
		     int timing)
{
	row->calls = delta(sum_where(tb, "calls", k, nk),
			   sum_where(ta, "calls", k, nk));
	row->time_ns = delta(sum_where(tb, "total_ns", k, nk),
			     sum_where(ta, "total_ns", k, nk));
	if (timing == TIMING_ALL || !lb->ncols)
		row->timed = timing == TIMING_NONE ? 0 : row->calls;
	else
		row->timed = delta(sum_where(lb, "count", k, nk),
				   sum_where(la, "count", k, nk));
	if (row->timed > row->calls)
		row->timed = row->calls;
	if (row->calls && !row->timed && !row->time_ns)
		row->time_ns = PVT_NO_TIME;
	row->parent = -1;
}

static int add_row(struct pvt_cost_row **rows, int *n, int *cap)
{
	if (*n == *cap) {
		int ncap = *cap ? 2 * *cap : 32;
		struct pvt_cost_row *r = realloc(*rows, ncap * sizeof(*r));

		if (!r)
			return -1;
		*rows = r;
		*cap = ncap;
	}
	memset(&(*rows)[*n], 0, sizeof(**rows));
	return (*n)++;
}

static int hypercalls(const struct pvt_snap *a, const struct pvt_snap *b,
		      struct pvt_cost *c)
{
	const struct pvt_table *tb = &b->totals;
	struct pvt_cost_row *top = NULL, *subs = NULL;
	int ntop = 0, ctop = 0, nsub = 0, csub = 0, i;

	for (int r = 0; r < tb->nrows; r++) {
		const char *h = pvt_str(tb, r, "hypercall");
		struct key k = { "hypercall", h };

		i = add_row(&top, &ntop, &ctop);
		if (i < 0)
			goto out_oom;
		snprintf(top[i].name, sizeof(top[i].name), "%s", h);
		fill_row(&top[i], &a->totals, tb, &a->lat, &b->lat, &k,
			 1, timing(a, b));
		if (!top[i].calls) {
			ntop--;
			continue;
		}
		/* Its sub-commands, if multiplexed. */
		for (int s = 0; s < b->subs.nrows; s++) {
			const char *sub = pvt_str(&b->subs, s, "subcommand");
			struct key ks[2] = { { "hypercall", h },
					     { "subcommand", sub } };
			int j;

			if (strcmp(pvt_str(&b->subs, s, "hypercall"), h))
				continue;
			j = add_row(&subs, &nsub, &csub);
			if (j < 0)
				goto out_oom;
			snprintf(subs[j].name, sizeof(subs[j].name), "%s/%s",
				 h, sub);
			fill_row(&subs[j], &a->subs, &b->subs, &a->sublat,
				 &b->sublat, ks, 2, timing(a, b));
			subs[j].idle = is_idle(h, sub);
			if (!subs[j].calls) {
				nsub--;
				continue;
			}
			if (subs[j].idle && subs[j].time_ns != PVT_NO_TIME)
				subs[j].idle_ns = subs[j].time_ns;
			if (subs[j].idle) {
				c->idle_calls += subs[j].calls;
				if (subs[j].time_ns != PVT_NO_TIME)
					c->idle_ns += subs[j].time_ns;
			}
		}
	}

	/* Each hypercall's cost: its time less that of its idle calls. */
	for (i = 0; i < ntop; i++) {
		u64 idle = 0;
		int all_idle = 1;

		for (int j = 0; j < nsub; j++) {
			size_t n = strlen(top[i].name);

			if (strncmp(subs[j].name, top[i].name, n) ||
			    subs[j].name[n] != '/')
				continue;
			if (subs[j].idle && subs[j].time_ns != PVT_NO_TIME)
				idle += subs[j].time_ns;
			if (!subs[j].idle)
				all_idle = 0;
		}
		c->hcall_calls += top[i].calls;
		c->untimed_calls += top[i].calls - top[i].timed;
		if (top[i].time_ns != PVT_NO_TIME) {
			/* Sub-commands are read a moment apart: at most all. */
			top[i].idle_ns = idle < top[i].time_ns ? idle :
					 top[i].time_ns;
			c->hcall_ns += top[i].time_ns - top[i].idle_ns;
		}
		top[i].idle = all_idle && idle;
	}
	pvt_cost_sort(top, ntop);

	/* Each hypercall, then its sub-commands, largest first. */
	c->hc = calloc(ntop + nsub + 1, sizeof(*c->hc));
	if (!c->hc)
		goto out_oom;
	for (i = 0; i < ntop; i++) {
		int p = c->nhc, first;
		size_t n = strlen(top[i].name);

		c->hc[c->nhc++] = top[i];
		first = c->nhc;
		for (int j = 0; j < nsub; j++) {
			if (strncmp(subs[j].name, top[i].name, n) ||
			    subs[j].name[n] != '/')
				continue;
			subs[j].parent = p;
			c->hc[c->nhc++] = subs[j];
		}
		pvt_cost_sort(c->hc + first, c->nhc - first);
	}
	for (i = 0; i < c->nhc; i++) {
		struct pvt_cost_row *row = &c->hc[i];

		row->share = row->time_ns == PVT_NO_TIME ? -1 :
			     share(row->time_ns, c->vcpu_ns);
	}
	free(top);
	free(subs);
	return 0;

out_oom:
	free(top);
	free(subs);
	return -1;
}

/* Channels are keyed by port, IRQ and handler name, as the exporter does. */
static int channels(const struct pvt_snap *a, const struct pvt_snap *b,
		    struct pvt_cost *c)
{
	const struct pvt_table *tb = &b->chans;
	int cap = 0, i;

	for (int r = 0; r < tb->nrows; r++) {
		struct key k[3] = {
			{ "port", pvt_str(tb, r, "port") },
			{ "irq", pvt_str(tb, r, "irq") },
			{ "name", pvt_str(tb, r, "name") },
		};
		int seen = 0;

		for (int q = 0; q < r && !seen; q++)
			seen = row_matches(tb, q, k, 3);
		if (seen)
			continue;
		i = add_row(&c->ch, &c->nch, &cap);
		if (i < 0)
			return -1;
		snprintf(c->ch[i].name, sizeof(c->ch[i].name), "%s", k[2].val);
		c->ch[i].calls = delta(sum_where(tb, "calls", k, 3),
				       sum_where(&a->chans, "calls", k, 3));
		c->ch[i].time_ns = delta(sum_where(tb, "total_ns", k, 3),
					 sum_where(&a->chans, "total_ns", k,
						   3));
		c->ch[i].timed = c->ch[i].calls;
		c->ch[i].parent = -1;
		if (!c->ch[i].calls) {
			c->nch--;
			continue;
		}
		c->handler_runs += c->ch[i].calls;
		c->handler_ns += c->ch[i].time_ns;
	}
	pvt_cost_sort(c->ch, c->nch);
	/* The upcalls' own time: entry, dispatch, what no handler took. */
	if (c->upcall_ns > c->handler_ns) {
		i = add_row(&c->ch, &c->nch, &cap);
		if (i < 0)
			return -1;
		snprintf(c->ch[i].name, sizeof(c->ch[i].name),
			 "(upcall, outside handlers)");
		c->ch[i].calls = c->upcalls;
		c->ch[i].time_ns = c->upcall_ns - c->handler_ns;
		c->ch[i].timed = c->upcalls;
		c->ch[i].parent = -1;
		pvt_cost_sort(c->ch, c->nch);
	}
	for (i = 0; i < c->nch; i++)
		c->ch[i].share = share(c->ch[i].time_ns, c->vcpu_ns);
	return 0;
}

/* The vCPUs that have a record in @t, added to @c->cpu. */
static int cpus_of(const struct pvt_table *t, struct pvt_cost *c, int *cap)
{
	for (int r = 0; r < t->nrows; r++) {
		int cpu = (int)pvt_num(t, r, "cpu"), found = 0;

		for (int i = 0; i < c->ncpu && !found; i++)
			found = c->cpu[i].cpu == cpu;
		if (found)
			continue;
		if (c->ncpu == *cap) {
			int ncap = *cap ? 2 * *cap : 16;
			struct pvt_cost_cpu *n = realloc(c->cpu,
							 ncap * sizeof(*n));

			if (!n)
				return -1;
			c->cpu = n;
			*cap = ncap;
		}
		memset(&c->cpu[c->ncpu], 0, sizeof(c->cpu[0]));
		c->cpu[c->ncpu++].cpu = cpu;
	}
	return 0;
}

static int cmp_cpu(const void *pa, const void *pb)
{
	const struct pvt_cost_cpu *a = pa, *b = pb;

	return a->cpu - b->cpu;
}

static int percpu(const struct pvt_snap *a, const struct pvt_snap *b,
		  struct pvt_cost *c)
{
	int cap = 0;

	if (cpus_of(&b->hpercpu, c, &cap) || cpus_of(&b->upercpu, c, &cap) ||
	    cpus_of(&b->steal, c, &cap))
		return -1;
	qsort(c->cpu, c->ncpu, sizeof(*c->cpu), cmp_cpu);
	for (int i = 0; i < c->ncpu; i++) {
		struct pvt_cost_cpu *p = &c->cpu[i];
		char cpu[16];
		struct key k[3] = { { "cpu", cpu }, { "hypercall", "sched_op" },
				    { "subcommand", "block" } };
		u64 idle;

		snprintf(cpu, sizeof(cpu), "%d", p->cpu);
		p->hcalls = delta(sum_where(&b->hpercpu, "calls", k, 1),
				  sum_where(&a->hpercpu, "calls", k, 1));
		p->hcall_ns = delta(sum_where(&b->hpercpu, "total_ns", k, 1),
				    sum_where(&a->hpercpu, "total_ns", k, 1));
		idle = delta(sum_where(&b->hpsubs, "total_ns", k, 3),
			     sum_where(&a->hpsubs, "total_ns", k, 3));
		k[2].val = "poll";
		idle += delta(sum_where(&b->hpsubs, "total_ns", k, 3),
			      sum_where(&a->hpsubs, "total_ns", k, 3));
		p->hcall_ns = delta(p->hcall_ns, idle);
		p->upcalls = delta(sum_where(&b->upercpu, "upcalls", k, 1),
				   sum_where(&a->upercpu, "upcalls", k, 1));
		p->upcall_ns = delta(sum_where(&b->upercpu, "total_ns", k, 1),
				     sum_where(&a->upercpu, "total_ns", k, 1));
		p->steal_ns = delta(sum_where(&b->steal, "steal_ns", k, 1),
				    sum_where(&a->steal, "steal_ns", k, 1));
		p->runnable_ns = delta(sum_where(&b->steal, "runnable_ns", k, 1),
				       sum_where(&a->steal, "runnable_ns", k,
						 1));
		p->offline_ns = delta(sum_where(&b->steal, "offline_ns", k, 1),
				      sum_where(&a->steal, "offline_ns", k, 1));
		p->hcall_share = share(p->hcall_ns, c->wall_ns);
		p->upcall_share = share(p->upcall_ns, c->wall_ns);
		p->steal_share = share(p->steal_ns, c->wall_ns);
	}
	return 0;
}

static void source(struct pvt_cost *c, const char *name, u64 ns)
{
	struct pvt_cost_row *s = &c->src[c->nsrc++];

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->time_ns = ns;
	s->share = share(ns, c->vcpu_ns);
	s->parent = -1;
	c->total_ns += ns;
}

int pvt_cost_compute(const struct pvt_snap *a, const struct pvt_snap *b,
		     u64 wall_ns, struct pvt_cost *c)
{
	const char *v;
	struct key none = { NULL, NULL };

	memset(c, 0, sizeof(*c));
	went_back = 0;
	c->wall_ns = wall_ns;
	v = pvt_kv(&b->summary, "vcpus_online");
	c->vcpus = v ? atoi(v) : 1;
	v = pvt_kv(&a->summary, "vcpus_online");
	c->vcpus_start = v ? atoi(v) : c->vcpus;
	if (c->vcpus < 1)
		c->vcpus = 1;
	c->vcpu_ns = wall_ns * (u64)c->vcpus;
	v = pvt_kv(&b->summary, "steal_source");
	snprintf(c->steal_source, sizeof(c->steal_source), "%s",
		 v ? v : "none");

	c->have_hcalls = b->totals.ncols > 0;
	c->have_upcalls = b->upercpu.ncols > 0;
	c->have_channels = b->chans.ncols > 0;
	c->have_steal = b->steal.ncols > 0;
	v = pvt_kv(&b->hstatus, "tsc_emulated");
	c->tsc_emulated = v && !strcmp(v, "1");
	v = pvt_kv(&b->hstatus, "timing");
	c->timing_off = v && !strcmp(v, "0");

	if (c->have_hcalls && hypercalls(a, b, c))
		goto out_oom;
	if (c->have_upcalls) {
		c->upcalls = delta(sum_where(&b->upercpu, "upcalls", &none, 0),
				   sum_where(&a->upercpu, "upcalls", &none,
					     0));
		c->upcall_ns = delta(sum_where(&b->upercpu, "total_ns", &none,
					       0),
				     sum_where(&a->upercpu, "total_ns", &none,
					       0));
	}
	if (c->have_channels && channels(a, b, c))
		goto out_oom;
	if (c->have_steal) {
		c->runnable_ns = delta(sum_where(&b->steal, "runnable_ns",
						 &none, 0),
				       sum_where(&a->steal, "runnable_ns",
						 &none, 0));
		c->offline_ns = delta(sum_where(&b->steal, "offline_ns", &none,
						0),
				      sum_where(&a->steal, "offline_ns", &none,
						0));
		c->generic_ns = delta(sum_where(&b->steal, "generic_ns", &none,
						0),
				      sum_where(&a->steal, "generic_ns", &none,
						0));
		c->steal_ns = delta(sum_where(&b->steal, "steal_ns", &none, 0),
				    sum_where(&a->steal, "steal_ns", &none, 0));
	}
	if (percpu(a, b, c))
		goto out_oom;

	if (c->have_hcalls)
		source(c, "hypercalls", c->hcall_ns);
	if (c->have_upcalls)
		source(c, "upcalls", c->upcall_ns);
	if (c->have_steal && !strcmp(c->steal_source, "runstate")) {
		source(c, "steal: runnable", c->runnable_ns);
		source(c, "steal: offline", c->offline_ns);
	} else if (c->have_steal) {
		source(c, "steal", c->steal_ns);
	}
	pvt_cost_sort(c->src, c->nsrc);
	c->reloaded = went_back;
	c->total_share = share(c->total_ns, c->vcpu_ns);
	c->idle_share = share(c->idle_ns, c->vcpu_ns);
	return 0;

out_oom:
	pvt_cost_free(c);
	return -1;
}

void pvt_cost_free(struct pvt_cost *c)
{
	free(c->hc);
	free(c->ch);
	free(c->cpu);
	c->hc = NULL;
	c->ch = NULL;
	c->cpu = NULL;
	c->nhc = 0;
	c->nch = 0;
	c->ncpu = 0;
}
