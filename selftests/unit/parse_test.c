// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of scripts/pvtrace/pvt_parse.c, the parser the pvtrace
 * command and the in-guest checker trust: it must accept the documented
 * format and reject every way a file can be malformed or truncated.
 */
#include <string.h>

#include "kselftest.h"
#include "pvt_parse.h"

static int parses(const char *text)
{
	struct pvt_table t;
	char err[128];
	int ok = !pvt_parse(text, strlen(text), &t, err, sizeof(err)) &&
		 !pvt_check_hist(&t, err, sizeof(err));

	pvt_free(&t);
	return ok;
}

#define U64MAX "18446744073709551615"

static const struct {
	const char *name;
	const char *text;
	int good;
} cases[] = {
	{ "key/value table", "# key value\nguest_type xen-pv\nvcpus 2\n", 1 },
	{ "header only", "# key value\n", 1 },
	{ "one histogram", "# lo_ns hi_ns count\n0 0 1\n1 " U64MAX " 2\n", 1 },
	{ "two keyed histograms",
	  "# cpu lo_ns hi_ns count\n0 0 0 1\n0 1 " U64MAX " 0\n"
	  "1 0 0 0\n1 1 " U64MAX " 3\n", 1 },
	{ "histogram in another unit",
	  "# lo_entries hi_entries count\n0 0 1\n1 " U64MAX " 2\n", 1 },
	{ "units that differ are no histogram (not checked)",
	  "# lo_ns hi_us count\n5 1 1\n", 1 },
	{ "gap in a histogram in another unit",
	  "# lo_pct hi_pct count\n0 9 1\n11 " U64MAX " 2\n", 0 },
	{ "empty file", "", 0 },
	{ "no final newline (truncated)", "# key value\nvcpus 2", 0 },
	{ "missing header", "vcpus 2\n", 0 },
	{ "header without space", "#key value\nvcpus 2\n", 0 },
	{ "upper-case column", "# Key value\nvcpus 2\n", 0 },
	{ "too few fields", "# key value\nvcpus\n", 0 },
	{ "too many fields", "# key value\nvcpus 2 3\n", 0 },
	{ "double space", "# key value\nvcpus  2\n", 0 },
	{ "trailing space", "# key value\nvcpus 2\x20\n", 0 },
	{ "empty line", "# key value\n\nvcpus 2\n", 0 },
	{ "second header", "# key value\n# key value\n", 0 },
	{ "histogram gap", "# lo_ns hi_ns count\n0 0 1\n2 " U64MAX " 2\n", 0 },
	{ "histogram overlap", "# lo_ns hi_ns count\n0 1 1\n1 " U64MAX " 2\n", 0 },
	{ "histogram not from 0", "# lo_ns hi_ns count\n1 " U64MAX " 2\n", 0 },
	{ "histogram not to U64_MAX", "# lo_ns hi_ns count\n0 0 1\n1 7 2\n", 0 },
	{ "count not a number", "# lo_ns hi_ns count\n0 " U64MAX " x\n", 0 },
	{ "count overflows u64",
	  "# lo_ns hi_ns count\n0 " U64MAX " 18446744073709551616\n", 0 },
	{ "negative count", "# lo_ns hi_ns count\n0 " U64MAX " -1\n", 0 },
	{ "tab inside a field", "# key value\nvcpus 2\t3\n", 0 },
	{ "control character", "# key value\nvcpus \x01\n", 0 },
	{ "two histograms with the same key (a re-bound channel)",
	  "# port lo_ns hi_ns count\n7 0 0 1\n7 1 " U64MAX " 2\n"
	  "7 0 0 3\n7 1 " U64MAX " 4\n", 1 },
	{ "the same key again, not from 0",
	  "# port lo_ns hi_ns count\n7 0 " U64MAX " 1\n7 1 " U64MAX " 2\n", 0 },
	{ "second key group truncated",
	  "# cpu lo_ns hi_ns count\n0 0 " U64MAX " 1\n1 0 0 0\n", 0 },
};

#define NR_CASES (ARRAY_SIZE(cases))

int main(void)
{
	struct pvt_table t;
	char err[128];
	const char *text = "# cpu lo_ns hi_ns count\n0 0 0 4\n0 1 " U64MAX " 5\n";
	u64 c = 0;

	ksft_print_header();
	ksft_set_plan(NR_CASES + 3);
	for (size_t i = 0; i < NR_CASES; i++) {
		static const char * const verb[] = { "rejects", "accepts" };

		ksft_test_result(parses(cases[i].text) == cases[i].good,
				 "%s: %s\n", verb[cases[i].good], cases[i].name);
	}

	pvt_parse(text, strlen(text), &t, err, sizeof(err));
	ksft_test_result(pvt_hist_total(&t) == 9 && pvt_col(&t, "hi_ns") == 2 &&
			 pvt_col(&t, "nope") == -1,
			 "total and column lookup\n");
	ksft_test_result(!pvt_hist_bucket_count(&t, 12345, &c) && c == 5,
			 "bucket lookup finds the bucket holding a value\n");
	pvt_free(&t);

	text = "# key value\nversion 0.1.0\nhooks none\n";
	pvt_parse(text, strlen(text), &t, err, sizeof(err));
	ksft_test_result(pvt_kv(&t, "hooks") && !strcmp(pvt_kv(&t, "hooks"), "none") &&
			 !pvt_kv(&t, "nope") && pvt_find(&t, 1, "0.1.0") == 0 &&
			 pvt_find(&t, 2, "x") == -1,
			 "key lookup: pvt_kv and pvt_find\n");
	pvt_free(&t);
	ksft_finished();
}
