// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of debugfs/format.c, compiled as is against a seq_file that
 * writes to a buffer: what it prints must parse, per the documented
 * format, with the parser the in-guest tests use.
 */
#include <string.h>

#include "kselftest.h"
#include <linux/seq_file.h>
#include <pvtrace/pvtrace.h>
#include "views.h"
#include "pvt_parse.h"

static struct seq_file m;

static void test_header(void)
{
	memset(&m, 0, sizeof(m));
	pvtrace_seq_header(&m, "key value");
	ksft_test_result(m.len == 12 && !memcmp(m.buf, "# key value\n", 12),
			 "header line is \"# \" and the column names\n");
}

static void test_hist_roundtrip(void)
{
	struct pvtrace_hist h;
	struct pvt_table t;
	char err[128] = "";
	u64 c0 = 1, cmax = 1, c1000 = 0;
	int ok;

	memset(&h, 0, sizeof(h));
	pvtrace_hist_record(&h, 0);
	pvtrace_hist_record(&h, 1000);
	pvtrace_hist_record(&h, 1023);
	pvtrace_hist_record(&h, UINT64_MAX);
	memset(&m, 0, sizeof(m));
	pvtrace_seq_header(&m, "lo_ns hi_ns count");
	pvtrace_seq_hist(&m, NULL, &h);

	ok = !pvt_parse(m.buf, m.len, &t, err, sizeof(err)) &&
	     !pvt_check_hist(&t, err, sizeof(err));
	ksft_test_result(ok && t.nrows == PVTRACE_HIST_BUCKETS,
			 "histogram prints one parseable record per bucket %s\n",
			 err);
	ok = ok && !pvt_hist_bucket_count(&t, 0, &c0) &&
	     !pvt_hist_bucket_count(&t, 1000, &c1000) &&
	     !pvt_hist_bucket_count(&t, UINT64_MAX, &cmax);
	ksft_test_result(ok && c0 == 1 && c1000 == 2 && cmax == 1 &&
			 pvt_hist_total(&t) == 4,
			 "bucket counts survive the round trip\n");
	ksft_test_result(!!strstr(m.buf, "1073741824 18446744073709551615 1\n"),
			 "overflow bucket is printed as 2^30..U64_MAX\n");
	pvt_free(&t);
}

static void test_keyed_hists(void)
{
	struct pvtrace_hist a, b;
	struct pvt_table t;
	char err[128] = "";

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	pvtrace_hist_record(&b, 5);
	memset(&m, 0, sizeof(m));
	pvtrace_seq_header(&m, "cpu lo_ns hi_ns count");
	pvtrace_seq_hist(&m, "0", &a);
	pvtrace_seq_hist(&m, "1", &b);
	ksft_test_result(!pvt_parse(m.buf, m.len, &t, err, sizeof(err)) &&
			 !pvt_check_hist(&t, err, sizeof(err)) &&
			 t.nrows == 2 * PVTRACE_HIST_BUCKETS &&
			 pvt_hist_total(&t) == 1,
			 "keyed histograms follow each other, each complete %s\n",
			 err);
	pvt_free(&t);
}

static void test_split_symbol(void)
{
	char a[64] = "xennet_start_xmit+0x753/0x890 [xen_netfront]";
	char b[64] = "extra_show+0x16/0x40";
	char c[64] = "0xffffffffc0a01234";
	const char *ma, *mb, *mc;

	pvtrace_split_symbol(a, &ma);
	pvtrace_split_symbol(b, &mb);
	pvtrace_split_symbol(c, &mc);
	ksft_test_result(!strcmp(a, "xennet_start_xmit+0x753/0x890") &&
			 !strcmp(ma, "xen_netfront") &&
			 !strcmp(b, "extra_show+0x16/0x40") && !strcmp(mb, "vmlinux"),
			 "a symbol splits into site and module (vmlinux without one)\n");
	ksft_test_result(!strcmp(c, "-") && !strcmp(mc, "-"),
			 "an address that resolves to nothing is \"-\", never printed raw\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(7);
	test_header();
	test_hist_roundtrip();
	test_keyed_hists();
	test_split_symbol();
	ksft_finished();
}
