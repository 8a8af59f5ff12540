// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of pvtrace stat's arithmetic (scripts/pvtrace/cost.c) and
 * output (stat.c, json.c) on pairs of snapshots: a debugfs tree captured
 * in the lab and a copy with known amounts added
 * (selftests/pvtrace-cmd/mkfixtures.sh), 2 s apart on 2 vCPUs. The
 * amounts, the order of the rows, the shares adding up, the idle and
 * untimed cases, the generic steal mode and the JSON's validity.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"
#include "json_check.h"
#include "pvtrace.h"

#define SEC 1000000000ULL
#define MS 1000000ULL

static int load(const char *base, const char *name, struct pvt_snap *s)
{
	char dir[4096];
	struct pvt_err e;

	snprintf(dir, sizeof(dir), "%s/%s", base, name);
	if (pvt_snap_read(dir, s, &e)) {
		ksft_print_msg("%s: %s\n", dir, e.msg);
		return -1;
	}
	return 0;
}

static int pair(const char *a_base, const char *a, const char *b_base,
		const char *b, struct pvt_cost *c)
{
	struct pvt_snap sa, sb;
	int ret;

	if (load(a_base, a, &sa))
		ksft_exit_fail_msg("cannot read %s\n", a);
	if (load(b_base, b, &sb))
		ksft_exit_fail_msg("cannot read %s\n", b);
	ret = pvt_cost_compute(&sa, &sb, 2 * SEC, c);
	pvt_snap_free(&sa);
	pvt_snap_free(&sb);
	return ret;
}

static const struct pvt_cost_row *find(const struct pvt_cost_row *r, int n,
				       const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return &r[i];
	return NULL;
}

static int near(double a, double b)
{
	return fabs(a - b) < 0.000000001;
}

/* The stat output of @c, as text (json 0) or JSON, in a string. */
static char *output(const struct pvt_cost *c, int json, int percpu)
{
	static char *const cmd[] = { "make", "-j2", NULL };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json)
		pvt_stat_json(f, c, percpu, "guest-wide", cmd, 0);
	else
		pvt_stat_print(f, c, percpu, "guest-wide", cmd, 0);
	fclose(f);
	return buf;
}

static void test_pv(void)
{
	static const char *const top[] = {
		"xen_version", "vcpu_op", "event_channel_op", "mmu_update",
		"sched_op"
	};
	static const char *const chans[] = {
		"timer0", "timer1", "(upcall, outside handlers)", "resched0",
		"callfuncsingle1"
	};
	static const u64 chan_ns[] = {
		120 * 166666ULL, 90 * 166666ULL, 0, 20 * 50000ULL,
		10 * 50000ULL
	};
	const struct pvt_cost_row *r;
	struct pvt_cost c;
	double sum = 0;
	u64 ns = 0, handlers = 0;
	int ok, n = 0, i;
	char *text, *json;

	if (pair(FIXTURES, "6.1-pv", CMD_FIXTURES, "6.1-pv-b", &c))
		ksft_exit_fail_msg("out of memory\n");

	ksft_test_result(c.vcpus == 2 && c.vcpu_ns == 4 * SEC,
			 "6.1-pv: vCPU time = 2 s x 2 vCPUs online\n");

	ok = c.nsrc == 4 && !strcmp(c.src[0].name, "steal: runnable") &&
	     c.src[0].time_ns == 300 * MS &&
	     !strcmp(c.src[1].name, "hypercalls") &&
	     c.src[1].time_ns == 130 * MS &&
	     !strcmp(c.src[2].name, "upcalls") && c.src[2].time_ns == 50 * MS &&
	     !strcmp(c.src[3].name, "steal: offline") && !c.src[3].time_ns;
	ksft_test_result(ok,
			 "6.1-pv: sources largest first: steal 300 ms, hypercalls 130 ms, upcalls 50 ms, offline 0\n");

	for (i = 0; i < c.nsrc; i++)
		sum += c.src[i].share;
	ksft_test_result(c.total_ns == 480 * MS && near(c.total_share, 12.0) &&
			 near(sum, c.total_share),
			 "6.1-pv: total 480 ms = 12%% of the vCPU time, the sum of the sources' shares (%f)\n",
			 sum);

	ksft_test_result(c.idle_ns == 1500 * MS && near(c.idle_share, 37.5) &&
			 c.idle_calls == 200,
			 "6.1-pv: sched_op block is idle (1.5 s, 37.5%%), not counted\n");

	/* The hypercalls, largest first, each followed by its sub-commands. */
	ok = 1;
	for (i = 0; i < c.nhc; i++) {
		if (c.hc[i].parent >= 0)
			continue;
		if (n >= 5 || strcmp(c.hc[i].name, top[n]))
			ok = 0;
		n++;
	}
	ksft_test_result(ok && n == 5,
			 "6.1-pv: hypercalls by time, idle last: xen_version vcpu_op event_channel_op mmu_update sched_op\n");

	r = find(c.hc, c.nhc, "xen_version");
	ok = r && r->calls == 700 && r->time_ns == 70 * MS &&
	     near(r->share, 1.75) && r->timed == 700;
	r = find(c.hc, c.nhc, "xen_version/version");
	ok = ok && r && r->calls == 700 && r->time_ns == 70 * MS &&
	     c.hc[r->parent].calls == 700 &&
	     !strcmp(c.hc[r->parent].name, "xen_version");
	r = find(c.hc, c.nhc, "mmu_update");
	ok = ok && r && r->calls == 1000 && r->time_ns == 10 * MS;
	r = find(c.hc, c.nhc, "sched_op/block");
	ok = ok && r && r->idle && r->calls == 200 && r->time_ns == 1500 * MS;
	ksft_test_result(ok, "6.1-pv: calls, time and share of each hypercall and sub-command\n");

	/* A multiplexed hypercall is the sum of its sub-commands. */
	ok = 1;
	for (i = 0; i < c.nhc; i++) {
		u64 calls = 0, t = 0;
		int subs = 0;

		if (c.hc[i].parent >= 0)
			continue;
		for (int k = i + 1; k < c.nhc && c.hc[k].parent == i; k++) {
			calls += c.hc[k].calls;
			t += c.hc[k].time_ns;
			subs++;
		}
		if (subs && (calls != c.hc[i].calls || t != c.hc[i].time_ns))
			ok = 0;
		if (!c.hc[i].idle)
			ns += c.hc[i].time_ns;
	}
	ksft_test_result(ok && ns == c.hcall_ns && c.hcall_calls == 2300,
			 "6.1-pv: sub-commands add up to their hypercall, hypercalls to 130 ms\n");

	ok = c.nch == 5;
	for (i = 0; ok && i < 5; i++) {
		ok = !strcmp(c.ch[i].name, chans[i]) &&
		     (!chan_ns[i] || c.ch[i].time_ns == chan_ns[i]);
		ns = i ? ns + c.ch[i].time_ns : c.ch[i].time_ns;
		if (c.ch[i].name[0] != '(')
			handlers += c.ch[i].calls;
	}
	ksft_test_result(ok && ns == c.upcall_ns && c.upcall_ns == 50 * MS &&
			 handlers == 240 && c.upcalls == 250,
			 "6.1-pv: channels by time, with the upcalls' own time, adding up to the upcalls' 50 ms\n");

	ok = c.ncpu == 2 && c.cpu[0].cpu == 0 && c.cpu[0].hcalls == 1310 &&
	     c.cpu[0].hcall_ns == 73 * MS && c.cpu[0].upcalls == 150 &&
	     c.cpu[0].upcall_ns == 30 * MS && c.cpu[0].steal_ns == 200 * MS &&
	     c.cpu[1].hcalls == 990 && c.cpu[1].hcall_ns == 57 * MS &&
	     c.cpu[1].steal_ns == 100 * MS && near(c.cpu[0].steal_share, 10.0) &&
	     c.cpu[0].hcall_ns + c.cpu[1].hcall_ns == c.hcall_ns;
	ksft_test_result(ok, "6.1-pv: per vCPU, idle excluded, adding up to the guest's\n");

	text = output(&c, 0, 1);
	ksft_test_result(strstr(text, "guest-wide") &&
			 strstr(text, "12.00%    480.000 ms  total") &&
			 strstr(text, "idle in sched_op block/poll") &&
			 strstr(text, " Per vCPU") &&
			 strstr(text, "'make -j2' exited 0"),
			 "6.1-pv: the text report: scope, total line, idle, per vCPU, the command\n");
	if (!strstr(text, "480.000 ms  total"))
		ksft_print_msg("%s", text);
	free(text);
	json = output(&c, 1, 1);
	ksft_test_result(json_valid(json) &&
			 strstr(json, "\"total_share_pct\":12.000000") &&
			 strstr(json, "\"percpu\":[{\"cpu\":0,"),
			 "6.1-pv: the JSON report is valid JSON, with the total and per vCPU\n");
	free(json);
	pvt_cost_free(&c);
}

static void test_untimed(void)
{
	struct pvt_cost c;
	int ok = 1;
	char *text, *json;

	if (pair(FIXTURES, "6.1-pv", CMD_FIXTURES, "6.1-pv-untimed", &c))
		ksft_exit_fail_msg("out of memory\n");
	for (int i = 0; i < c.nhc; i++)
		if (c.hc[i].time_ns != PVT_NO_TIME || c.hc[i].timed ||
		    c.hc[i].share >= 0)
			ok = 0;
	ksft_test_result(ok && c.nhc == 9 && c.untimed_calls == 2300 &&
			 !c.hcall_ns && c.timing_off && c.hcall_calls == 2300,
			 "untimed: calls counted, every time unknown, none guessed\n");
	text = output(&c, 0, 0);
	ksft_test_result(strstr(text, "2300 hypercalls were not timed") &&
			 strstr(text, "hcall_timing is off") &&
			 strstr(text, "          -         -  xen_version"),
			 "untimed: the text shows \"-\" for the time and says why\n");
	free(text);
	json = output(&c, 1, 0);
	ksft_test_result(json_valid(json) && strstr(json, "\"time_ns\":null"),
			 "untimed: the JSON has null times and is valid\n");
	free(json);
	pvt_cost_free(&c);
}

static void test_generic(void)
{
	struct pvt_cost c;
	char *text, *json;

	if (pair(FIXTURES, "generic-steal", CMD_FIXTURES, "generic-steal-b",
		 &c))
		ksft_exit_fail_msg("out of memory\n");
	ksft_test_result(!c.have_hcalls && !c.have_upcalls && c.nsrc == 1 &&
			 !strcmp(c.src[0].name, "steal") &&
			 c.src[0].time_ns == 300 * MS && c.total_ns == 300 * MS &&
			 near(c.total_share, 7.5) &&
			 !strcmp(c.steal_source, "generic"),
			 "generic steal: one source, the kernel's counter, 300 ms = 7.5%%\n");
	text = output(&c, 0, 1);
	json = output(&c, 1, 1);
	ksft_test_result(strstr(text, "Hypercalls: not measured") &&
			 strstr(text, "Steal (generic") && json_valid(json) &&
			 strstr(json, "\"hypercalls\":null"),
			 "generic steal: hooks that are off are said to be off, in text and JSON\n");
	free(text);
	free(json);
	pvt_cost_free(&c);
}

static void test_zero(void)
{
	static const char *const fx[] = { "6.1-pv", "6.1-pvh", "6.1-pv-ext",
					   "generic-steal" };

	for (size_t i = 0; i < ARRAY_SIZE(fx); i++) {
		struct pvt_cost c;
		char *json;

		if (pair(FIXTURES, fx[i], FIXTURES, fx[i], &c))
			ksft_exit_fail_msg("out of memory\n");
		json = output(&c, 1, 1);
		ksft_test_result(!c.nhc && !c.nch && !c.total_ns &&
				 !c.total_share && json_valid(json),
				 "%s against itself: nothing, valid JSON\n", fx[i]);
		free(json);
		pvt_cost_free(&c);
	}
}

static void test_reload(void)
{
	struct pvt_cost c;
	char *text;

	/* The second snapshot first: every counter goes back. */
	if (pair(CMD_FIXTURES, "6.1-pv-b", FIXTURES, "6.1-pv", &c))
		ksft_exit_fail_msg("out of memory\n");
	text = output(&c, 0, 0);
	ksft_test_result(c.reloaded && !c.total_ns &&
			 strstr(text, "pvtrace was reloaded during the interval"),
			 "counters that go back: reloaded, said so, nothing counted\n");
	free(text);
	pvt_cost_free(&c);
	if (pair(FIXTURES, "6.1-pv", CMD_FIXTURES, "6.1-pv-b", &c))
		ksft_exit_fail_msg("out of memory\n");
	ksft_test_result(!c.reloaded, "counters that grow: not reloaded\n");
	pvt_cost_free(&c);
}

/*
 * Files are read one after the other: with timing on at both snapshots, a
 * latency histogram that lags the counters by a few calls does not make
 * them untimed calls.
 */
static void test_skew(void)
{
	const struct pvt_cost_row *r;
	struct pvt_cost c;
	char dir[256], cmd[1024];
	char *text;

	snprintf(dir, sizeof(dir), "/tmp/pvt-cost-test.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s && cp -R %s/6.1-pv-b %s && sed -i 's/^xen_version 65536 131071 1096$/xen_version 65536 131071 1091/' %s/hypercalls/latency",
		 dir, CMD_FIXTURES, dir, dir);
	if (system(cmd))
		ksft_exit_fail_msg("%s\n", cmd);
	if (pair(FIXTURES, "6.1-pv", "/tmp", strrchr(dir, '/') + 1, &c))
		ksft_exit_fail_msg("out of memory\n");
	r = find(c.hc, c.nhc, "xen_version");
	text = output(&c, 0, 0);
	ksft_test_result(r && r->calls == 700 && r->timed == 700 &&
			 r->time_ns == 70 * MS && !c.untimed_calls &&
			 !strstr(text, "not timed"),
			 "timing on throughout: a latency file 5 calls behind leaves every call timed\n");
	free(text);
	pvt_cost_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		ksft_exit_fail_msg("%s\n", cmd);
}

static void test_sort(void)
{
	struct pvt_cost_row r[5] = {
		{ .name = "b", .calls = 5, .time_ns = 10 },
		{ .name = "idle", .calls = 99, .time_ns = 1000, .idle = 1 },
		{ .name = "a", .calls = 5, .time_ns = 10 },
		{ .name = "untimed", .calls = 50, .time_ns = PVT_NO_TIME },
		{ .name = "big", .calls = 1, .time_ns = 20 },
	};
	static const char *const want[] = { "big", "a", "b", "idle",
					    "untimed" };
	int ok = 1;

	pvt_cost_sort(r, 5);
	for (int i = 0; i < 5; i++)
		ok &= !strcmp(r[i].name, want[i]);
	ksft_test_result(ok, "sort: time, then calls, then name; idle and untimed as no time\n");
}

static void test_json_checker(void)
{
	ksft_test_result(json_valid("{\"a\":[1,2.5,-3e2,true,null,\"x\\n\"]}") &&
			 !json_valid("{\"a\":1,}") && !json_valid("[1 2]") &&
			 !json_valid("{\"a\":01}") && !json_valid("{} x") &&
			 !json_valid("\"\t\""),
			 "the JSON checker accepts JSON and rejects what is not\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(25);
	test_json_checker();
	test_pv();
	test_untimed();
	test_generic();
	test_zero();
	test_reload();
	test_skew();
	test_sort();
	ksft_finished();
}
