// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of include/pvtrace/upcall.h: channel keys, the lock-free
 * channel table (claim, find again, collisions, a full neighbourhood),
 * binding kinds and handler names as records print them.
 */
#include <string.h>

#include <pvtrace/upcall.h>
#include <pvtrace/clock.h>

#include "kselftest.h"

static u64 keys[PVTRACE_CHANS];

static void test_keys(void)
{
	static const struct { unsigned long action; int irq; } c[] = {
		{ 0, 0 }, { 0x10, 0 }, { 0, 1 }, { 0xffff888003c41e00UL, 24 },
		{ 0xffffffffffffffffUL, 0x7fffffff }, { 0xffff888100000000UL, 65535 },
	};
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		u64 k = pvtrace_chan_key((const void *)c[i].action, c[i].irq);

		ok &= k != 0 && pvtrace_chan_key_irq(k) == c[i].irq &&
		      pvtrace_chan_hash(k) < PVTRACE_CHANS;
	}
	/* Two actions on one IRQ, 16 bytes apart: two channels. */
	ok &= pvtrace_chan_key((void *)0xffff888003c41e00UL, 40) !=
	      pvtrace_chan_key((void *)0xffff888003c41e10UL, 40);
	ok &= pvtrace_chan_key((void *)0xffff888003c41e00UL, 40) !=
	      pvtrace_chan_key((void *)0xffff888003c41e00UL, 41);
	ksft_test_result(ok, "keys: never 0, IRQ comes back, actions and IRQs differ\n");
}

/* A channel: irqaction number @p (128 bytes apart) on @irq. */
#define ACTION(p)	((const void *)(0xffff888000000000UL + ((unsigned long)(p) << 7)))
#define KEY(p, irq)	pvtrace_chan_key(ACTION(p), (irq))

static void test_table(void)
{
	bool claimed, ok = true;
	int e, e2, n = 0;

	memset(keys, 0, sizeof(keys));
	e = pvtrace_chan_find(keys, KEY(5, 24), &claimed);
	ok &= e >= 0 && claimed && keys[e] == KEY(5, 24);
	e2 = pvtrace_chan_find(keys, KEY(5, 24), &claimed);
	ok &= e2 == e && !claimed;
	ksft_test_result(ok, "table: a new channel claims an entry, and finds it again\n");

	/* Fill the table: every channel gets its own entry until it is full. */
	memset(keys, 0, sizeof(keys));
	ok = true;
	for (u32 p = 1; p < 100000 && n < PVTRACE_CHANS; p++) {
		e = pvtrace_chan_find(keys, KEY(p, p + 16), &claimed);
		if (e < 0)
			break;
		ok &= claimed;
		n++;
	}
	for (u32 p = 1; p <= (u32)n; p++) {
		e = pvtrace_chan_find(keys, KEY(p, p + 16), &claimed);
		ok &= e >= 0 && !claimed;
	}
	ksft_test_result(ok && n >= PVTRACE_CHANS / 2,
			 "table: %d channels before the first miss, each found again\n", n);

	/* A neighbourhood of PVTRACE_CHAN_PROBES foreign keys: -1, not a loop. */
	memset(keys, 0, sizeof(keys));
	{
		u64 k = KEY(7, 7);
		unsigned int h = pvtrace_chan_hash(k);

		for (unsigned int i = 0; i < PVTRACE_CHAN_PROBES; i++)
			keys[(h + i) & (PVTRACE_CHANS - 1)] = KEY(1000 + i, 0);
		e = pvtrace_chan_find(keys, k, &claimed);
		ok = e == -1 && !claimed;
		/* One probe further would have been free: it must stay free. */
		ok &= keys[(h + PVTRACE_CHAN_PROBES) & (PVTRACE_CHANS - 1)] == 0;
		/* Wrap-around at the end of the table. */
		memset(keys, 0, sizeof(keys));
		for (u32 p = 0; ; p++) {
			k = KEY(p, 3);
			if (pvtrace_chan_hash(k) == PVTRACE_CHANS - 1)
				break;
		}
		keys[PVTRACE_CHANS - 1] = KEY(99999, 9);
		e = pvtrace_chan_find(keys, k, &claimed);
		ok &= e == 0 && claimed;
	}
	ksft_test_result(ok, "table: a full neighbourhood misses; probing wraps around\n");
}

static void test_kinds(void)
{
	ksft_test_result(!strcmp(pvtrace_evtchn_kind(0), "closed") &&
			 !strcmp(pvtrace_evtchn_kind(1), "unbound") &&
			 !strcmp(pvtrace_evtchn_kind(2), "interdomain") &&
			 !strcmp(pvtrace_evtchn_kind(3), "pirq") &&
			 !strcmp(pvtrace_evtchn_kind(4), "virq") &&
			 !strcmp(pvtrace_evtchn_kind(5), "ipi") &&
			 !strcmp(pvtrace_evtchn_kind(6), "unknown") &&
			 !strcmp(pvtrace_evtchn_kind(-1), "unknown"),
			 "kinds: EVTCHNSTAT_* names, unknown outside\n");
}

static void test_names(void)
{
	static const struct { const char *in; size_t len; const char *want; } c[] = {
		{ "timer0", 24, "timer0" },
		{ NULL, 24, "-" },
		{ "", 24, "-" },
		{ "a b\tc\nd", 24, "a_b_c_d" },
		{ "\x7fx", 24, "_x" },
		{ "vif1.0-q0-tx", 24, "vif1.0-q0-tx" },
		{ "0123456789abcdefghijklmnopq", 24, "0123456789abcdefghijklm" },
		{ "abc", 2, "a" },
		{ "abc", 1, "" },
		{ "", 1, "" },
		{ "\xc3\xa9t\xc3\xa9", 24, "\xc3\xa9t\xc3\xa9" },
	};
	char buf[32];
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		memset(buf, 'X', sizeof(buf));
		pvtrace_chan_name(buf, c[i].len, c[i].in);
		if (strcmp(buf, c[i].want) || strlen(buf) >= c[i].len) {
			ksft_print_msg("name %zu: got '%s', want '%s'\n", i, buf, c[i].want);
			ok = false;
		}
	}
	pvtrace_chan_name(buf, 0, "abc");	/* nothing written, no crash */
	ksft_test_result(ok, "names: whitespace and control become _, none is -, truncated\n");
}

static void test_clock(void)
{
	u32 m = pvtrace_tsc_mult(2000000);	/* 2 GHz: 0.5 ns per cycle */
	u32 m1 = pvtrace_tsc_mult(1000000);	/* 1 GHz: 1 ns per cycle */

	ksft_test_result(pvtrace_cycles_to_ns(2000, m) == 1000 &&
			 pvtrace_cycles_to_ns(0, m) == 0 &&
			 pvtrace_cycles_to_ns(123456789, m1) == 123456789 &&
			 pvtrace_tsc_mult(0) == 0 &&
			 pvtrace_cycles_to_ns(1ULL << 50, m1) == 1ULL << 50,
			 "clock: cycles to ns at 1 and 2 GHz, no overflow at 2^50\n");
}

/* The conversion without a 128-bit product agrees with the one with it. */
static void test_clock_exact(void)
{
	static const unsigned int khz[] = { 4000, 1000000, 2100000, 3999999 };
	unsigned int i, b, bad = 0;

	for (i = 0; i < ARRAY_SIZE(khz); i++) {
		u32 m = pvtrace_tsc_mult(khz[i]);

		for (b = 0; b < 56; b++) {
			u64 c[3] = { 1ULL << b, (1ULL << b) - 1, (1ULL << b) * 3 + 12345 };
			unsigned int j;

			for (j = 0; j < 3; j++) {
				u64 want = (u64)(((__uint128_t)c[j] * m) >> PVTRACE_MULT_SHIFT);
				u64 got = pvtrace_cycles_to_ns(c[j], m);

				if (got != want) {
					ksft_print_msg("%llu cycles at %u kHz: %llu, want %llu\n",
						       (unsigned long long)c[j], khz[i],
						       (unsigned long long)got,
						       (unsigned long long)want);
					bad++;
				}
			}
		}
	}
	ksft_test_result(!bad, "clock: cycles to ns as the 128-bit product gives\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(8);
	test_keys();
	test_table();
	test_kinds();
	test_names();
	test_clock();
	test_clock_exact();
	ksft_finished();
}
