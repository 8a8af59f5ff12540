// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of pvtrace export (scripts/pvtrace/export.c): on every
 * fixture of selftests/exporter, with the option sets of its suite, the
 * output is byte for byte the reviewed output of scripts/pvtrace-exporter
 * (selftests/exporter/expected); the series bound fails with nothing
 * written; a broken file fails with exit 3 and nothing written.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"
#include "pvtrace.h"

static char *slurp_file(const char *path, size_t *len)
{
	int err;

	return pvt_slurp(path, len, &err);
}

static char *run(const char *dir, const struct pvt_export_opts *o, int *ret,
		 struct pvt_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = pvt_export_write(dir, o, f, e);
	fclose(f);
	return buf;
}

int main(void)
{
	static const char *const fx[] = {
		"6.1-pv", "6.1-pv-ext", "6.1-pvh", "generic-steal",
		"5.10-pv", "6.12-pvh", "7.2-pv", "6.1-domu-pv", "7.2-domu-pvhvm"
	};
	static const struct {
		const char *name;
		struct pvt_export_opts o;
	} sets[] = {
		{ "default", { 1, 1, 1, 1, 1, 0, 0, 1, 10000 } },
		{ "min", { 0, 0, 0, 0, 0, 0, 0, 0, 10000 } },
		{ "full", { 1, 1, 1, 1, 1, 1, 1, 1, 10000 } },
	};
	struct pvt_export_opts o = sets[0].o;
	struct pvt_err e;
	char dir[256], path[16384], *got, *want;
	size_t len;
	int ret;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(fx) * ARRAY_SIZE(sets) + 3);
	for (size_t i = 0; i < ARRAY_SIZE(fx); i++) {
		for (size_t k = 0; k < ARRAY_SIZE(sets); k++) {
			snprintf(dir, sizeof(dir), "%s/%s", FIXTURES, fx[i]);
			snprintf(path, sizeof(path), "%s/%s.%s.prom", EXPECTED,
				 fx[i], sets[k].name);
			memset(&e, 0, sizeof(e));
			got = run(dir, &sets[k].o, &ret, &e);
			want = slurp_file(path, &len);
			ksft_test_result(!ret && want && !strcmp(got, want),
					 "%s %s: as expected/%s.%s.prom\n",
					 fx[i], sets[k].name, fx[i],
					 sets[k].name);
			free(got);
			free(want);
		}
	}

	snprintf(dir, sizeof(dir), "%s/6.1-pv", FIXTURES);
	o.max_series = 100;
	memset(&e, 0, sizeof(e));
	got = run(dir, &o, &ret, &e);
	ksft_test_result(ret == PVT_EXIT_MALFORMED && !*got &&
			 strstr(e.msg, "exceed --max-series 100"),
			 "--max-series 100: exit 3, nothing written\n");
	free(got);

	o.max_series = 10000;
	snprintf(dir, sizeof(dir), "/tmp/pvt-export-test.%d", (int)getpid());
	snprintf(path, sizeof(path),
		 "rm -rf %s && cp -R %s/6.1-pv-ext %s && sed -i 's/^lost .*/lost 12x/' %s/recorder/status",
		 dir, FIXTURES, dir, dir);
	if (system(path))
		ksft_exit_fail_msg("%s\n", path);
	memset(&e, 0, sizeof(e));
	got = run(dir, &o, &ret, &e);
	ksft_test_result(ret == PVT_EXIT_MALFORMED && !*got &&
			 strstr(e.msg, "recorder/status") && strstr(e.msg, "12x"),
			 "recorder/status lost 12x: exit 3 naming the file, nothing written\n");
	free(got);

	snprintf(path, sizeof(path),
		 "cp -R %s/6.1-pv-ext/. %s && sed -i '3s/^1 /1 /;3s/^2 /1 /' %s/slowest",
		 FIXTURES, dir, dir);
	if (system(path))
		ksft_exit_fail_msg("%s\n", path);
	memset(&e, 0, sizeof(e));
	got = run(dir, &o, &ret, &e);
	ksft_test_result(ret == PVT_EXIT_MALFORMED && !*got &&
			 strstr(e.msg, "second record of rank 1"),
			 "slowest with two records of rank 1: exit 3\n");
	free(got);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		ksft_exit_fail_msg("%s\n", path);
	ksft_finished();
}
