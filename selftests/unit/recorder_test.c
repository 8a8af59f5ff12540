// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/pvtrace/recorder.h, module/recring.c and
 * module/recparse.c: the writers (reserve, commit, loss), the ring's
 * reader against a model of what was written, the slowest-calls tables
 * against a brute-force top-N, flight recording (overwriting) and
 * triggers, and the parsing of the record, record_filter, record_flight
 * and record_trigger parameters.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"
#include <pvtrace/hcall.h>
#include <pvtrace/recparse.h>

struct pvtrace_rec_cpu pvtrace_rec_cpu;
struct pvtrace_rec_filter pvtrace_rec_filter;
struct pvtrace_rec_trigs pvtrace_rec_trigs;
u32 pvtrace_rec_fired;
struct pvtrace_slow_cpu *pvtrace_slow_tables[PVTRACE_SLOW_KINDS];
u64 pvtrace_slow_gen = 1;
unsigned int pvtrace_slow_n = 16;

#define XEN_VERSION	17
#define EVTCHN_OP	32

static void test_record_param(void)
{
	static const struct { const char *s; int ret; bool on; unsigned long ms; } c[] = {
		{ "on", 0, true, 0 }, { "on\n", 0, true, 0 }, { "1", 0, true, 0 },
		{ "off", 0, false, 0 }, { "0\n", 0, false, 0 },
		{ "500ms", 0, true, 500 }, { "10s\n", 0, true, 10000 },
		{ "2m", 0, true, 120000 }, { "1440m", 0, true, 86400000 },
		{ "1441m", -EINVAL, 0, 0 }, { "86400s", 0, true, 86400000 },
		{ "86401s", -EINVAL, 0, 0 }, { "0s", -EINVAL, 0, 0 },
		{ "5", -EINVAL, 0, 0 }, { "s", -EINVAL, 0, 0 }, { "", -EINVAL, 0, 0 },
		{ "5h", -EINVAL, 0, 0 }, { "5 s", -EINVAL, 0, 0 },
		{ "-5s", -EINVAL, 0, 0 }, { "9999999999s", -EINVAL, 0, 0 },
		{ "onn", -EINVAL, 0, 0 }, { "5ms\n\n", -EINVAL, 0, 0 },
	};
	int bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		bool on = !c[i].on;
		unsigned long ms = 12345;
		int ret = pvtrace_rec_parse_record(c[i].s, &on, &ms);

		if (ret != c[i].ret || (!ret && (on != c[i].on || ms != c[i].ms)) ||
		    (ret && ms != 12345)) {
			ksft_print_msg("record \"%s\": ret %d on %d ms %lu\n",
				       c[i].s, ret, on, ms);
			bad++;
		}
	}
	ksft_test_result(!bad, "record: on, off, ms/s/m durations up to a day; the rest refused\n");
}

static unsigned int nslots(const struct pvtrace_rec_filter *f)
{
	unsigned int s, n = 0;

	for (s = 0; s < PVTRACE_SLOT_NR; s++)
		n += pvtrace_rec_slot_wanted(f, s);
	return n;
}

static void test_filter(void)
{
	struct pvtrace_rec_filter f;
	unsigned int send = pvtrace_hcall_slot(EVTCHN_OP, 4);
	u32 ports[2] = { 7, 9 };
	size_t bad;
	int ret;

	ret = pvtrace_rec_parse_filter("all\n", &f, &bad);
	ksft_test_result(!ret && f.all_cpus && nslots(&f) == PVTRACE_SLOT_NR &&
			 f.types == (1U << PVTRACE_REC_HCALL | 1U << PVTRACE_REC_UPCALL |
				     1U << PVTRACE_REC_STEAL) && !f.nports &&
			 pvtrace_rec_parse_filter("", &f, &bad) == 0 &&
			 nslots(&f) == PVTRACE_SLOT_NR,
			 "filter all (or empty): every slot, type and CPU\n");

	ret = pvtrace_rec_parse_filter("hcall=event_channel_op:send", &f, &bad);
	ksft_test_result(!ret && nslots(&f) == 1 && pvtrace_rec_slot_wanted(&f, send) &&
			 f.types == 1U << PVTRACE_REC_HCALL,
			 "hcall=NAME:SUB keeps exactly that slot, hypercalls only\n");

	ret = pvtrace_rec_parse_filter("hcall=xen_version", &f, &bad);
	ksft_test_result(!ret && nslots(&f) ==
			 pvtrace_mux_count[pvtrace_hcall_mux[XEN_VERSION]] &&
			 pvtrace_rec_slot_wanted(&f, pvtrace_hcall_slot(XEN_VERSION, 7)) &&
			 pvtrace_rec_slot_wanted(&f, pvtrace_hcall_slot(XEN_VERSION, 999)),
			 "hcall=NAME of a multiplexed hypercall keeps all its sub-commands\n");

	ret = pvtrace_rec_parse_filter("hcall=29,hcall=mmu_update", &f, &bad);
	ksft_test_result(!ret && pvtrace_rec_slot_wanted(&f, pvtrace_hcall_slot(29, 1)) &&
			 pvtrace_rec_slot_wanted(&f, pvtrace_hcall_slot(1, 0)) &&
			 !pvtrace_rec_slot_wanted(&f, send),
			 "hcall=NR and several hcall= terms are alternatives\n");

	ret = pvtrace_rec_parse_filter("port=7,port=12,cpu=1-2,cpu=5", &f, &bad);
	ksft_test_result(!ret && f.types == 1U << PVTRACE_REC_UPCALL &&
			 f.nports == 2 && pvtrace_rec_port_wanted(&f, ports, 2) &&
			 !pvtrace_rec_port_wanted(&f, ports + 1, 1) &&
			 !f.all_cpus && !pvtrace_rec_cpu_wanted(&f, 0) &&
			 pvtrace_rec_cpu_wanted(&f, 1) && pvtrace_rec_cpu_wanted(&f, 2) &&
			 !pvtrace_rec_cpu_wanted(&f, 3) && pvtrace_rec_cpu_wanted(&f, 5) &&
			 !pvtrace_rec_cpu_wanted(&f, 5000),
			 "port= keeps upcalls that handled one of the ports; cpu= lists and ranges\n");

	ret = pvtrace_rec_parse_filter("cpu=0,steal,hcall", &f, &bad);
	ksft_test_result(!ret && f.types == (1U << PVTRACE_REC_STEAL | 1U << PVTRACE_REC_HCALL) &&
			 nslots(&f) == PVTRACE_SLOT_NR && pvtrace_rec_cpu_wanted(&f, 0) &&
			 !pvtrace_rec_cpu_wanted(&f, 1),
			 "steal and hcall terms select their types; cpu= terms select none\n");

	ret = pvtrace_rec_parse_filter("cpu=3", &f, &bad);
	ksft_test_result(!ret && f.types == (1U << PVTRACE_REC_HCALL | 1U << PVTRACE_REC_UPCALL |
					     1U << PVTRACE_REC_STEAL),
			 "a filter of cpu= terms only keeps every type\n");
}

static void test_filter_bad(void)
{
	static const struct { const char *s; size_t bad; } c[] = {
		{ "hcall=nosuch", 0 }, { "hcall=xen_version:nosuch", 0 },
		{ "hcall=mmu_update:x", 0 }, { "hcall=64", 0 }, { "hcall=", 0 },
		{ "steal,bogus", 6 }, { "steal,,upcall", 6 }, { "steal,", 6 },
		{ ",steal", 0 }, { "cpu=2-1", 0 }, { "cpu=1024", 0 }, { "cpu=-1", 0 },
		{ "cpu=a", 0 }, { "port=", 0 }, { "port=1x", 0 },
		{ "port=1,port=2,port=3,port=4,port=5,port=6,port=7,port=8,port=9", 56 },
		{ "all,steal", 0 }, { "HCALL", 0 }, { "hcall =1", 0 },
		{ "cpu=1234567890", 0 },
	};
	struct pvtrace_rec_filter f;
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		size_t bad = 99;
		int ret = pvtrace_rec_parse_filter(c[i].s, &f, &bad);

		if (ret != -EINVAL || bad != c[i].bad || f.types || nslots(&f)) {
			ksft_print_msg("filter \"%s\": ret %d bad %zu\n", c[i].s, ret, bad);
			n++;
		}
	}
	ksft_test_result(!n, "bad filters refused, the offending term located, nothing kept\n");
}

static void test_writer(void)
{
	struct pvtrace_rec buf[8], src = { .tsc = 5, .dur_ns = 7, .type = PVTRACE_REC_HCALL };
	unsigned int i;
	int bad = 0;

	memset(buf, 0, sizeof(buf));
	pvtrace_rec_cpu = (struct pvtrace_rec_cpu){ .buf = buf, .cap = 8 };
	pvtrace_rec_put(&src);
	ksft_test_result(pvtrace_rec_cpu.head == 0 && !buf[0].type,
			 "nothing is recorded while the CPU's type mask is closed\n");

	pvtrace_rec_cpu.types = 1U << PVTRACE_REC_HCALL;
	for (i = 0; i < 11; i++) {
		src.tsc = 100 + i;
		pvtrace_rec_put(&src);
	}
	src.type = PVTRACE_REC_STEAL;
	pvtrace_rec_put(&src);
	for (i = 0; i < 8; i++)
		bad += buf[i].type != PVTRACE_REC_HCALL || buf[i].tsc != 100 + i ||
		       buf[i].dur_ns != 7;
	ksft_test_result(!bad && pvtrace_rec_cpu.head == 8 && pvtrace_rec_cpu.lost == 3,
			 "8 records fill a buffer of 8 in order, the 3 more are lost, other types ignored\n");
	ksft_test_result(pvtrace_rec_cpu.lost_first == 108 && pvtrace_rec_cpu.lost_last == 110,
			 "the lost events' span: TSC 108 to 110\n");
}

static u64 lcg(u64 *s);

/*
 * A writer and a stream reader taking turns at random on rings of several
 * sizes (not powers of two among them), with the reader taking at most a
 * random number each time: every event is either read, in the order
 * written, or lost, and losses happen only while the ring is full.
 */
static void test_ring(void)
{
	static struct pvtrace_rec buf[13], out[16];
	static const u32 caps[] = { 1, 2, 7, 8, 13 };
	struct pvtrace_rec src = { .type = PVTRACE_REC_HCALL };
	u64 seed = 7, skipped = 0, written, lost, next, wrap;
	unsigned int c, i, n, bad = 0, rounds = 0;
	bool wrapped = false;

	for (c = 0; c < ARRAY_SIZE(caps); c++) {
		memset(buf, 0, sizeof(buf));
		pvtrace_rec_cpu = (struct pvtrace_rec_cpu){
			.buf = buf, .cap = caps[c],
			.types = 1U << PVTRACE_REC_HCALL,
		};
		written = 0;
		lost = 0;
		next = 0;
		for (i = 0; i < 20000; i++) {
			if (lcg(&seed) % 3) {
				u64 room = pvtrace_rec_cpu.head - pvtrace_rec_cpu.tail < caps[c];

				src.tsc = written++;
				pvtrace_rec_put(&src);
				lost += !room;
				bad += pvtrace_rec_cpu.lost != lost;
				continue;
			}
			n = pvtrace_rec_consume(&pvtrace_rec_cpu, out,
						1 + lcg(&seed) % 16, false, &skipped);
			rounds++;
			for (unsigned int k = 0; k < n; k++) {
				/* In order, skipping exactly what was lost. */
				bad += out[k].tsc < next || out[k].type != PVTRACE_REC_HCALL;
				next = out[k].tsc + 1;
			}
		}
		wrap = pvtrace_rec_cpu.tail;
		wrapped |= wrap > 2 * caps[c];
		while ((n = pvtrace_rec_consume(&pvtrace_rec_cpu, out, 16, true,
						&skipped)))
			next = out[n - 1].tsc + 1;
		bad += pvtrace_rec_cpu.tail != pvtrace_rec_cpu.head ||
		       pvtrace_rec_cpu.head + pvtrace_rec_cpu.lost != written;
		for (i = 0; i < caps[c]; i++)
			bad += buf[i].type != 0;
	}
	ksft_test_result(!bad && wrapped && rounds > 1000 && !skipped,
			 "a ring read while written: every event read in order or counted lost, read + lost = written, for ring sizes 1, 2, 7, 8, 13\n");

	/* A record reserved but never published, at the end of a recording. */
	memset(buf, 0, sizeof(buf));
	pvtrace_rec_cpu = (struct pvtrace_rec_cpu){
		.buf = buf, .cap = 7, .types = 1U << PVTRACE_REC_HCALL,
	};
	src.tsc = 1;
	pvtrace_rec_put(&src);
	pvtrace_rec_reserve(PVTRACE_REC_HCALL, 2);	/* its writer never commits */
	src.tsc = 3;
	pvtrace_rec_put(&src);
	n = pvtrace_rec_consume(&pvtrace_rec_cpu, out, 16, false, &skipped);
	bad = n != 1 || out[0].tsc != 1 || pvtrace_rec_cpu.tail != 1 || skipped;
	n = pvtrace_rec_consume(&pvtrace_rec_cpu, out, 16, true, &skipped);
	bad += n != 1 || out[0].tsc != 3 || pvtrace_rec_cpu.tail != 3 || skipped != 1;
	ksft_test_result(!bad,
			 "an unpublished record stops the reader while recording, and is skipped (counted) once it has ended\n");
}

static u64 lcg(u64 *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static int cmp_desc(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static void test_slowest(void)
{
	static struct pvtrace_slow_cpu t;
	static u64 all[5000], kept[PVTRACE_SLOW_MAX];
	struct pvtrace_rec r = { .type = PVTRACE_REC_HCALL };
	unsigned int n, i, k, rounds = 0, bad = 0;
	u64 seed = 42, gen = 1;

	pvtrace_slow_tables[PVTRACE_SLOW_HCALL] = &t;
	for (n = 1; n <= PVTRACE_SLOW_MAX; n = n * 2 + 1) {
		gen++;
		for (i = 0; i < 5000; i++) {
			r.dur_ns = lcg(&seed) % (i < 2500 ? 1000 : 100000);
			all[i] = r.dur_ns;
			if (pvtrace_slow_wanted(PVTRACE_SLOW_HCALL, r.dur_ns) ||
			    t.gen != gen)
				pvtrace_slow_offer(&t, &r, gen, n);
		}
		qsort(all, 5000, sizeof(all[0]), cmp_desc);
		for (k = 0; k < t.used; k++)
			kept[k] = t.e[k].dur_ns;
		qsort(kept, t.used, sizeof(kept[0]), cmp_desc);
		if (t.used != n || t.gen != gen || t.busy)
			bad++;
		for (k = 0; k < t.used; k++)
			bad += kept[k] != all[k];
		rounds++;
	}
	ksft_test_result(!bad, "slowest: exactly the N largest of 5000 (%u sizes, with resets)\n",
			 rounds);

	t.busy = 1;
	k = t.skipped;
	r.dur_ns = ~0ULL;
	pvtrace_slow_offer(&t, &r, gen, 4);
	ksft_test_result(t.skipped == k + 1 && t.e[0].dur_ns != ~0ULL,
			 "slowest: an offer nested in an update is skipped and counted\n");
	t.busy = 0;
}

static void test_window_param(void)
{
	static const struct { const char *s; int ret; unsigned long ms; } c[] = {
		{ "off", 0, 0 }, { "0\n", 0, 0 }, { "10s", 0, 10000 },
		{ "500ms\n", 0, 500 }, { "2m", 0, 120000 }, { "on", -EINVAL, 0 },
		{ "1", -EINVAL, 0 }, { "0s", -EINVAL, 0 }, { "", -EINVAL, 0 },
		{ "86401s", -EINVAL, 0 }, { "10", -EINVAL, 0 },
	};
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		unsigned long ms = 12345;
		int ret = pvtrace_rec_parse_window(c[i].s, &ms);

		if (ret != c[i].ret || (!ret && ms != c[i].ms) ||
		    (ret && ms != 12345)) {
			ksft_print_msg("window \"%s\": ret %d ms %lu\n", c[i].s, ret, ms);
			bad++;
		}
	}
	ksft_test_result(!bad,
			 "record_flight: off or a duration; on, bare numbers, bad units refused\n");
}

static void test_trigger_param(void)
{
	static const struct { const char *s; size_t bad; } refused[] = {
		{ "hcall", 0 }, { "hcall>", 0 }, { "hcall>5", 0 }, { "hcall>5h", 0 },
		{ "upcall", 0 }, { "error>5us", 0 }, { "error=nosuch", 0 },
		{ "hcall=xen_version:nosub>1ms", 0 }, { "hcall=xen_version:>1ms", 0 },
		{ "error,", 6 }, { "hcall>1ms,,error", 10 }, { "hcall>0us", 0 },
		{ "error,error,error,error,error,error,error,error,error", 48 },
		{ "steal>1ms", 0 }, { "hcall>1ms ", 0 },
	};
	static const char six[] =
		"hcall>1500us,hcall=17:pagesize>2ms,upcall>1s,error,error=32,hcall=17>7ns\n";
	struct pvtrace_rec_trigs t;
	unsigned int i, n = 0;
	size_t bad;
	int ret;

	ret = pvtrace_rec_parse_trigger("none\n", &t, &bad);
	ret |= pvtrace_rec_parse_trigger("", &t, &bad);
	ksft_test_result(!ret && !t.n, "record_trigger: none and empty mean no trigger\n");

	ret = pvtrace_rec_parse_trigger(six, &t, &bad);
	ksft_test_result(!ret && t.n == 6 &&
			 t.t[0].kind == PVTRACE_TRIG_HCALL_SLOW && t.t[0].ns == 1500000 &&
			 t.t[0].nr == PVTRACE_TRIG_ANY && t.t[0].slot == PVTRACE_TRIG_ANY &&
			 t.t[1].nr == XEN_VERSION && t.t[1].ns == 2000000 &&
			 t.t[1].slot == pvtrace_hcall_slot(XEN_VERSION, 7) &&
			 t.t[2].kind == PVTRACE_TRIG_UPCALL_SLOW && t.t[2].ns == 1000000000 &&
			 t.t[3].kind == PVTRACE_TRIG_HCALL_ERR && t.t[3].nr == PVTRACE_TRIG_ANY &&
			 t.t[4].kind == PVTRACE_TRIG_HCALL_ERR && t.t[4].nr == EVTCHN_OP &&
			 t.t[4].slot == PVTRACE_TRIG_ANY &&
			 t.t[5].nr == XEN_VERSION && t.t[5].ns == 7,
			 "record_trigger: six terms of every form parsed, units ns to s\n");
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		bad = 999;
		ret = pvtrace_rec_parse_trigger(refused[i].s, &t, &bad);
		if (ret != -EINVAL || bad != refused[i].bad || t.n) {
			ksft_print_msg("trigger \"%s\": ret %d bad %zu n %u\n",
				       refused[i].s, ret, bad, t.n);
			n++;
		}
	}
	ksft_test_result(!n,
			 "record_trigger: bad terms refused, the offending one located, at most 8\n");
}

/* A flight ring keeps the newest records and loses none. */
static void test_flight(void)
{
	static struct pvtrace_rec buf[7];
	struct pvtrace_rec src = { .type = PVTRACE_REC_HCALL }, out[16];
	u64 skipped = 0;
	unsigned int i, n, bad = 0;

	memset(buf, 0, sizeof(buf));
	pvtrace_rec_cpu = (struct pvtrace_rec_cpu){
		.buf = buf, .cap = 7,
		.types = 1U << PVTRACE_REC_HCALL | PVTRACE_REC_FLIGHT,
	};
	for (i = 0; i < 40; i++) {
		src.tsc = i;
		pvtrace_rec_put(&src);
		bad += pvtrace_rec_cpu.head - pvtrace_rec_cpu.tail > 7;
	}
	n = pvtrace_rec_consume(&pvtrace_rec_cpu, out, 16, true, &skipped);
	for (i = 0; i < n; i++)
		bad += out[i].tsc != 33 + i;
	ksft_test_result(!bad && n == 7 && !pvtrace_rec_cpu.lost && !skipped,
			 "flight: 40 events into 7 records keep the last 7 in order, none lost, 33 overwritten\n");

	/* A writer interrupted after it moved the tail: its retry is exact. */
	memset(buf, 0, sizeof(buf));
	pvtrace_rec_cpu.head = 0;
	pvtrace_rec_cpu.tail = 0;
	for (i = 0; i < 7; i++) {
		src.tsc = i;
		pvtrace_rec_put(&src);
	}
	pvtrace_rec_cpu.tail = 1;	/* as the interrupted writer left it */
	src.tsc = 7;
	pvtrace_rec_put(&src);	/* the nested writer */
	src.tsc = 8;
	pvtrace_rec_put(&src);	/* the interrupted one, retrying */
	bad = pvtrace_rec_cpu.tail != 2 || pvtrace_rec_cpu.head != 9 ||
	      buf[0].tsc != 7 || buf[1].tsc != 8 || buf[2].tsc != 2;
	ksft_test_result(!bad,
			 "flight: a writer nested before the reservation overwrites the next record\n");
}

static void test_trigger_fire(void)
{
	static struct pvtrace_slow_cpu slow[PVTRACE_SLOW_KINDS];
	static struct pvtrace_rec buf[16];
	unsigned int slot = pvtrace_hcall_slot(XEN_VERSION, 7);
	size_t badpos;
	int bad = 0;

	pvtrace_slow_tables[PVTRACE_SLOW_HCALL] = &slow[0];
	pvtrace_slow_tables[PVTRACE_SLOW_UPCALL] = &slow[1];
	pvtrace_rec_parse_filter("upcall", &pvtrace_rec_filter, &badpos);
	bad += pvtrace_rec_parse_trigger("hcall=xen_version>1us,error=event_channel_op",
					 &pvtrace_rec_trigs, &badpos);
	memset(buf, 0, sizeof(buf));
	pvtrace_rec_fired = 0;
	pvtrace_rec_cpu = (struct pvtrace_rec_cpu){
		.buf = buf, .cap = 16, .types = 1U << PVTRACE_REC_UPCALL,
	};
	pvtrace_rec_hcall(slot, XEN_VERSION, 10, 1000, 0, 7, 0x1234);
	pvtrace_rec_hcall(40, 40, 11, 5000000, 0, 0, 0x1234);
	pvtrace_rec_hcall(EVTCHN_OP, EVTCHN_OP, 12, 5, 0, 0, 0x1234);
	bad += pvtrace_rec_fired || pvtrace_rec_cpu.fired_term ||
	       pvtrace_rec_cpu.head;
	ksft_test_result(!bad,
			 "triggers: at the threshold, another hypercall, a success: none fires\n");

	pvtrace_rec_hcall(EVTCHN_OP, EVTCHN_OP, 13, 5, -22, 0, 0x99);
	bad = !pvtrace_rec_fired || pvtrace_rec_cpu.fired_term != 2 ||
	      pvtrace_rec_cpu.types || pvtrace_rec_cpu.fired.tsc != 13 ||
	      pvtrace_rec_cpu.fired.value != -22 ||
	      pvtrace_rec_cpu.fired.site != 0x99;
	/* Another CPU (the same one reopened here) reserves nothing now. */
	pvtrace_rec_cpu.types = 1U << PVTRACE_REC_UPCALL;
	bad += !!pvtrace_rec_reserve(PVTRACE_REC_UPCALL, 15) ||
	       pvtrace_rec_cpu.head || pvtrace_rec_cpu.lost;
	ksft_test_result(!bad,
			 "triggers: the named hypercall's error fires term 2; nothing reserved after\n");

	pvtrace_rec_fired = 0;
	pvtrace_rec_cpu.fired_term = 0;
	pvtrace_rec_hcall(slot, XEN_VERSION, 14, 1001, 0, 7, 0x1234);
	bad = pvtrace_rec_cpu.fired_term != 1 || pvtrace_rec_cpu.fired.dur_ns != 1001 ||
	      pvtrace_rec_cpu.fired.slot != slot;
	ksft_test_result(!bad,
			 "triggers: a hypercall not recorded still fires (1001 ns > 1 us)\n");
	memset(&pvtrace_rec_trigs, 0, sizeof(pvtrace_rec_trigs));
	pvtrace_rec_fired = 0;
	pvtrace_slow_tables[PVTRACE_SLOW_HCALL] = NULL;
	pvtrace_slow_tables[PVTRACE_SLOW_UPCALL] = NULL;
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(25);
	test_record_param();
	test_filter();
	test_filter_bad();
	test_writer();
	test_ring();
	test_slowest();
	test_window_param();
	test_trigger_param();
	test_flight();
	test_trigger_fire();
	ksft_finished();
}
