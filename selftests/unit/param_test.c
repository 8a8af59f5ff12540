// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/param.c: how a refused parameter value is shown in
 * its log line (bounded, one line, no control characters).
 */
#include <string.h>

#include "kselftest.h"

#include <pvtrace/param.h>

static bool shows(const char *val, const char *want)
{
	struct pvtrace_val v;
	const char *got;

	memset(&v, 0x5a, sizeof(v));
	got = pvtrace_val(&v, val);
	if (got != v.s || strcmp(got, want)) {
		ksft_print_msg("'%s': got '%s', want '%s'\n", val, got, want);
		return false;
	}
	return true;
}

static bool shows_n(const char *val, size_t len, const char *want)
{
	struct pvtrace_val v;
	const char *got;

	memset(&v, 0x5a, sizeof(v));
	got = pvtrace_valn(&v, val, len);
	if (strcmp(got, want)) {
		ksft_print_msg("'%s'/%zu: got '%s', want '%s'\n", val, len, got,
			       want);
		return false;
	}
	return true;
}

int main(void)
{
	char big[5001], cut[PVTRACE_VAL_SHOWN + 4], exact[PVTRACE_VAL_SHOWN + 2];
	char want[PVTRACE_VAL_SHOWN + 1];
	bool ok;

	ksft_print_header();
	ksft_set_plan(5);

	ok = shows("", "") && shows("\n", "") && shows("on\n", "on") &&
	     shows("10s", "10s") && shows("a b\nc", "a b");
	ksft_test_result(ok, "short values shown whole, up to the first newline\n");

	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(cut, '9', PVTRACE_VAL_SHOWN);
	memcpy(cut + PVTRACE_VAL_SHOWN, "...", 4);
	ok = shows(big, cut) && strlen(cut) == sizeof(cut) - 1;
	ksft_test_result(ok, "a page-long value is cut at %d characters, with ...\n",
			 PVTRACE_VAL_SHOWN);

	memset(exact, 'x', PVTRACE_VAL_SHOWN);
	exact[PVTRACE_VAL_SHOWN] = '\0';
	memcpy(want, exact, sizeof(want));
	ok = shows(exact, want);
	exact[PVTRACE_VAL_SHOWN] = '\n';
	exact[PVTRACE_VAL_SHOWN + 1] = '\0';
	ok &= shows(exact, want);
	ksft_test_result(ok, "exactly %d characters, with or without a newline: not cut\n",
			 PVTRACE_VAL_SHOWN);

	ok = shows("caf\303\251", "caf??") && shows("\033[31m", "?[31m") &&
	     shows("a\tb", "a?b") && shows("\177", "?");
	ksft_test_result(ok, "control and non-ASCII bytes shown as ?\n");

	ok = shows_n("abc,def", 3, "abc") && shows_n("abc", 10, "abc") &&
	     shows_n("ab\ncd", 5, "ab") && shows_n("", 0, "") &&
	     shows_n(big, 4000, cut);
	memcpy(want, cut, PVTRACE_VAL_SHOWN);
	want[PVTRACE_VAL_SHOWN] = '\0';
	ok &= shows_n(big, PVTRACE_VAL_SHOWN, want);
	ksft_test_result(ok, "an item of a list: its length, and the same bound\n");

	ksft_finished();
}
