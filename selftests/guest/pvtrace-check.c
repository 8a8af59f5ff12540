// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace-check: reads pvtrace's debugfs files inside the guest, for the
 * shell tests (busybox awk computes in doubles, too coarse for u64).
 *
 *   pvtrace-check format FILE...         TAP, one test per file
 *   pvtrace-check get FILE KEY [COL]     value of COL (default: the second
 *                                        column) in the record whose first
 *                                        column is KEY
 *   pvtrace-check total FILE             sum of the histogram's counts
 *   pvtrace-check bucket FILE VALUE      count of the bucket holding VALUE
 *   pvtrace-check rows FILE              number of records
 *   pvtrace-check now                    CLOCK_MONOTONIC in ns (the
 *                                        benchmarks' clock: on QEMU's
 *                                        instruction-count clock, an
 *                                        instruction count)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kselftest.h"
#include "pvt_parse.h"

static int load(const char *path, struct pvt_table *t, char *err, size_t el)
{
	size_t len;
	int serr, ret;
	char *text = pvt_slurp(path, &len, &serr);

	if (!text) {
		snprintf(err, el, "cannot read %s: %s", path, strerror(serr));
		memset(t, 0, sizeof(*t));
		return -1;
	}
	ret = pvt_parse(text, len, t, err, el);
	if (!ret)
		ret = pvt_check_hist(t, err, el);
	free(text);
	return ret;
}

static int cmd_format(int argc, char **argv)
{
	ksft_print_header();
	ksft_set_plan(argc);
	for (int i = 0; i < argc; i++) {
		struct pvt_table t;
		char err[256] = "";

		if (load(argv[i], &t, err, sizeof(err)))
			ksft_test_result_fail("%s: %s\n", argv[i], err);
		else
			ksft_test_result_pass("%s: %d records in format\n",
					      argv[i], t.nrows);
		pvt_free(&t);
	}
	ksft_finished();
}

int main(int argc, char **argv)
{
	struct pvt_table t;
	char err[256];
	u64 v;
	int ret = 1;

	if (argc >= 3 && !strcmp(argv[1], "format"))
		return cmd_format(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "now")) {
		struct timespec ts;

		if (clock_gettime(CLOCK_MONOTONIC, &ts))
			return 1;
		printf("%llu\n", (unsigned long long)ts.tv_sec * 1000000000ULL +
		       (unsigned long long)ts.tv_nsec);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: see the comment at the top of pvtrace-check.c\n");
		return 2;
	}
	if (load(argv[2], &t, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[2], err);
		pvt_free(&t);
		return 1;
	}
	if (!strcmp(argv[1], "get") && (argc == 4 || argc == 5)) {
		int col = argc == 5 ? pvt_col(&t, argv[4]) : 1;

		for (int r = 0; col > 0 && col < t.ncols && r < t.nrows; r++) {
			if (!strcmp(t.rows[r][0], argv[3])) {
				printf("%s\n", t.rows[r][col]);
				ret = 0;
				break;
			}
		}
	} else if (!strcmp(argv[1], "total") && argc == 3 && pvt_is_hist(&t)) {
		printf("%llu\n", (unsigned long long)pvt_hist_total(&t));
		ret = 0;
	} else if (!strcmp(argv[1], "bucket") && argc == 4 && pvt_is_hist(&t) &&
		   !pvt_u64(argv[3], &v) && !pvt_hist_bucket_count(&t, v, &v)) {
		printf("%llu\n", (unsigned long long)v);
		ret = 0;
	} else if (!strcmp(argv[1], "rows") && argc == 3) {
		printf("%d\n", t.nrows);
		ret = 0;
	}
	pvt_free(&t);
	return ret;
}
