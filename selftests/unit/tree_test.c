// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pvtrace command's reader (scripts/pvtrace/tree.c) and
 * number formats (fmt.c): every file of every captured guest type loads;
 * each way a file can be broken (empty, truncated, a field too many or
 * too few, not a number, a histogram with a gap, a garbage header, a
 * control character) is exit code 3; a missing directory is 1 (not
 * loaded) or 5 (debugfs not mounted), an unreadable one 6, a newer
 * format 7.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "pvtrace.h"

static char tmp[256];

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		ksft_exit_fail_msg("failed: %s\n", cmd);
}

/* Every regular file under the fixture being walked. */
static char files[256][128];
static int nfiles;

static void walk(const char *dir)
{
	char cmd[4200];
	FILE *p;

	nfiles = 0;
	snprintf(cmd, sizeof(cmd), "cd %s && find . -type f | sort", dir);
	p = popen(cmd, "r");
	if (!p)
		ksft_exit_fail_msg("popen\n");
	while (nfiles < 256 && fgets(files[nfiles], sizeof(files[0]), p)) {
		char *f = files[nfiles];

		f[strcspn(f, "\n")] = '\0';
		memmove(f, f + 2, strlen(f + 2) + 1);
		nfiles++;
	}
	pclose(p);
}

static const char *const fixtures[] = {
	FIXTURES "/6.1-pv", FIXTURES "/6.1-pv-ext", FIXTURES "/6.1-pvh",
	FIXTURES "/5.10-pv",
	FIXTURES "/6.12-pvh",
	FIXTURES "/7.2-pv",
	FIXTURES "/6.1-domu-pv",
	FIXTURES "/7.2-domu-pvhvm",
	FIXTURES "/generic-steal", CMD_FIXTURES "/6.1-pv-b",
	CMD_FIXTURES "/6.1-pv-untimed", CMD_FIXTURES "/generic-steal-b",
};

static void test_fixtures(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct pvt_err e = { 0 };
		int bad = 0, ret = pvt_tree_check(fixtures[i], &e);

		walk(fixtures[i]);
		for (int f = 0; f < nfiles; f++) {
			struct pvt_table t;

			if (pvt_load(fixtures[i], files[f], 0, &t, &e)) {
				ksft_print_msg("%s\n", e.msg);
				bad++;
			}
			pvt_free(&t);
		}
		ksft_test_result(!ret && !bad && nfiles > 4,
				 "%s: version known, all %d files load\n",
				 strrchr(fixtures[i], '/') + 1, nfiles);
	}
}

/*
 * Break every file of a fixture in one way (a sed script on a copy, or
 * "empty" / "cut"), and expect exit code 3 naming the file for each one
 * that the way applies to (@min_lines records at least).
 */
static void breaks(const char *fx, const char *what, const char *sed,
		   int min_lines, int hist_only)
{
	int tried = 0, failed = 0;

	walk(fx);
	for (int f = 0; f < nfiles; f++) {
		char src[4096], dst[4096];
		struct pvt_table t;
		struct pvt_err e = { 0 };
		int ret, lines = 0, hist;

		snprintf(src, sizeof(src), "%s/%s", fx, files[f]);
		if (pvt_load(fx, files[f], 0, &t, &e))
			continue;
		lines = t.nrows;
		hist = pvt_is_hist(&t);
		pvt_free(&t);
		if (lines < min_lines || (hist_only && !hist))
			continue;
		sh("rm -rf %s/in && cp -R %s %s/in", tmp, fx, tmp);
		snprintf(dst, sizeof(dst), "%s/in/%s", tmp, files[f]);
		if (!strcmp(sed, "empty"))
			sh(": >%s", dst);
		else if (!strcmp(sed, "cut"))
			sh("head -c -1 %s >%s", src, dst);
		else
			sh("sed -e '%s' %s >%s", sed, src, dst);
		snprintf(dst, sizeof(dst), "%s/in", tmp);
		tried++;
		ret = pvt_load(dst, files[f], 0, &t, &e);
		pvt_free(&t);
		if (ret != PVT_EXIT_MALFORMED || !strstr(e.msg, files[f])) {
			ksft_print_msg("%s %s: %d %s\n", files[f], what, ret,
				       e.msg);
			failed++;
		}
	}
	ksft_test_result(tried && !failed,
			 "%s, %s: exit 3 naming the file, in each of %d files\n",
			 strrchr(fx, '/') + 1, what, tried);
}

static void test_broken(void)
{
	static const char *const fx[] = {
		FIXTURES "/6.1-pv-ext", FIXTURES "/6.1-pvh",
		FIXTURES "/generic-steal", FIXTURES "/7.2-pv",
		FIXTURES "/7.2-domu-pvhvm",
	};

	for (size_t i = 0; i < ARRAY_SIZE(fx); i++) {
		breaks(fx[i], "empty", "empty", 0, 0);
		breaks(fx[i], "truncated (no final newline)", "cut", 0, 0);
		breaks(fx[i], "a field too many", "2s/$/ 7/", 1, 0);
		breaks(fx[i], "a field too few", "2s/ [^ ]*$//", 1, 0);
		breaks(fx[i], "double space", "2s/ /  /", 1, 0);
		breaks(fx[i], "garbage header", "1s/.*/<html>garbage/", 0, 0);
		breaks(fx[i], "control character", "1s/^/\\x01/", 0, 0);
		breaks(fx[i], "histogram cut at a line end", "$d", 1, 1);
		breaks(fx[i], "histogram with a gap", "4d", 4, 1);
		breaks(fx[i], "count not a number", "2s/ [0-9]*$/ 12x/", 1, 1);
	}
}

static int check_dir(const char *dir, char *msg, size_t len)
{
	struct pvt_err e = { 0 };
	int ret = pvt_tree_check(dir, &e);

	snprintf(msg, len, "%s", e.msg);
	return ret;
}

static void test_missing(void)
{
	char dir[512], msg[1024];
	int ret;

	sh("rm -rf %s/dbg && mkdir -p %s/dbg/other", tmp, tmp);
	snprintf(dir, sizeof(dir), "%s/dbg/pvtrace", tmp);
	ret = check_dir(dir, msg, sizeof(msg));
	ksft_test_result(ret == PVT_EXIT_NOT_LOADED && strstr(msg, "not loaded"),
			 "no pvtrace directory in a mounted debugfs: exit 1, not loaded\n");
	sh("rmdir %s/dbg/other", tmp);
	ret = check_dir(dir, msg, sizeof(msg));
	ksft_test_result(ret == PVT_EXIT_NO_DEBUGFS && strstr(msg, "not mounted"),
			 "an empty debugfs mount point: exit 5, not mounted\n");
	snprintf(dir, sizeof(dir), "%s/nodir/pvtrace", tmp);
	ret = check_dir(dir, msg, sizeof(msg));
	ksft_test_result(ret == PVT_EXIT_NO_DEBUGFS,
			 "no mount point at all: exit 5\n");
	sh("mkdir -p %s/dbg/pvtrace", tmp);
	snprintf(dir, sizeof(dir), "%s/dbg/pvtrace", tmp);
	ret = check_dir(dir, msg, sizeof(msg));
	ksft_test_result(ret == PVT_EXIT_MALFORMED && strstr(msg, "version"),
			 "a directory without its version file: exit 3\n");
	/* As debugfs (mode 0700) for a user: checked as nobody. */
	sh("rm -rf %s/ro && mkdir -m 0700 %s/ro && cp -R %s/6.1-pv %s/ro/pvtrace",
	   tmp, tmp, FIXTURES, tmp);
	snprintf(dir, sizeof(dir), "%s/ro/pvtrace", tmp);
	if (!geteuid()) {
		pid_t pid = fork();
		int st;

		if (!pid) {
			if (setgid(65534) || setuid(65534))
				_exit(99);
			_exit(check_dir(dir, msg, sizeof(msg)));
		}
		waitpid(pid, &st, 0);
		ret = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	} else {
		sh("chmod 0 %s/ro", tmp);
		ret = check_dir(dir, msg, sizeof(msg));
		sh("chmod 0700 %s/ro", tmp);
	}
	ksft_test_result(ret == PVT_EXIT_PERM,
			 "debugfs unreadable (not root): exit 6 (got %d)\n", ret);
}

static void test_version(void)
{
	static const struct {
		const char *version;
		int code;
	} cases[] = {
		{ "0.1.0", 0 }, { "0.1.7+g1234abc", 0 }, { "0.0.9", 0 },
		{ "0.2.0", PVT_EXIT_VERSION }, { "1.0.0", PVT_EXIT_VERSION },
		{ "0.10.1+gdeadbee", PVT_EXIT_VERSION },
		{ "x.y", PVT_EXIT_MALFORMED }, { "-", PVT_EXIT_MALFORMED },
	};
	char dir[512], msg[1024];

	snprintf(dir, sizeof(dir), "%s/v", tmp);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret;

		sh("rm -rf %s && cp -R %s/6.1-pv %s", dir, FIXTURES, dir);
		sh("printf '# name version\\npvtrace %s\\n' >%s/version",
		   cases[i].version, dir);
		ret = check_dir(dir, msg, sizeof(msg));
		if (!ret)
			snprintf(msg, sizeof(msg), "a known format");
		ksft_test_result(ret == cases[i].code,
				 "module version %s: exit %d (%s)\n",
				 cases[i].version, cases[i].code, msg);
	}
}

static void test_fmt(void)
{
	static const struct {
		u64 v;
		int d;
		const char *s;
	} sec[] = {
		{ 0, 9, "0" }, { 1023, 9, "0.000001023" }, { 1000, 9, "0.000001" },
		{ 1000000000, 9, "1" }, { 45084647841ULL, 9, "45.084647841" },
		{ 100, 3, "0.1" }, { 4000000, 9, "0.004" }, { 42, 0, "42" },
		{ 18446744073709551615ULL, 9, "18446744073.709551615" },
	};
	static const struct {
		const char *s;
		u64 ns;
		int ok;
	} parse[] = {
		{ "1", 1000000000ULL, 1 }, { "0.5", 500000000ULL, 1 },
		{ "2.25", 2250000000ULL, 1 }, { ".1", 100000000ULL, 1 },
		{ "0", 0, 0 }, { "", 0, 0 }, { "1x", 0, 0 }, { "-1", 0, 0 },
		{ ".", 0, 0 },
	};
	char buf[64];
	int ok = 1;
	u64 ns;

	for (size_t i = 0; i < ARRAY_SIZE(sec); i++) {
		pvt_fmt_seconds(sec[i].v, sec[i].d, buf, sizeof(buf));
		if (strcmp(buf, sec[i].s)) {
			ksft_print_msg("%llu: %s, not %s\n",
				       (unsigned long long)sec[i].v, buf,
				       sec[i].s);
			ok = 0;
		}
	}
	ksft_test_result(ok, "integers as exact decimal seconds, as the exporter writes them\n");
	ok = 1;
	for (size_t i = 0; i < ARRAY_SIZE(parse); i++) {
		int r = pvt_parse_seconds(parse[i].s, &ns);

		if (parse[i].ok ? r || ns != parse[i].ns : !r) {
			ksft_print_msg("'%s' misparsed\n", parse[i].s);
			ok = 0;
		}
	}
	ksft_test_result(ok, "durations in seconds, decimals allowed, > 0\n");
	ksft_test_result(!strcmp(pvt_fmt_ns(PVT_NO_TIME, buf, sizeof(buf)), "-") &&
			 !strcmp(pvt_fmt_ns(999, buf, sizeof(buf)), "999 ns") &&
			 !strcmp(pvt_fmt_ns(1500000, buf, sizeof(buf)), "1.500 ms") &&
			 !strcmp(pvt_fmt_ns(2000000000, buf, sizeof(buf)), "2.000 s") &&
			 !strcmp(pvt_fmt_pct(12.345, buf, sizeof(buf)), "12.35%") &&
			 !strcmp(pvt_fmt_pct(-1, buf, sizeof(buf)), "-"),
			 "times and shares for people; unknown as \"-\"\n");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/pvt-tree-test.XXXXXX");
	if (!mkdtemp(tmp))
		ksft_exit_fail_msg("mkdtemp\n");
	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(fixtures) + 50 + 5 + 8 + 3);
	test_fixtures();
	test_broken();
	test_missing();
	test_version();
	test_fmt();
	sh("rm -rf %s", tmp);
	ksft_finished();
}
