// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of pvtrace record's streams (scripts/pvtrace/stream.c): the
 * merge of per-CPU streams into one recording in time order (stable, the
 * header once, every line once) against a brute-force order, its refusal
 * of malformed streams with nothing written, and the draining of several
 * streams to their ends (pipes standing in for recorder/stream/cpuN).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"
#include "pvtrace.h"

#define HDR "# time_ns cpu event name detail duration_ns value errno site module\n"

static void add(struct pvt_text *t, const char *s)
{
	if (pvt_text_add(t, s, strlen(s)))
		abort();
}

/* Merge @n streams into a string (malloc'ed); the return code in @ret. */
static char *merge(struct pvt_text *s, int n, int *ret, u64 *lines)
{
	struct pvt_err e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = pvt_merge_streams(s, n, f, lines, &e, NULL, NULL);
	fclose(f);
	return buf;
}

static u64 seed = 1;

static unsigned int rnd(unsigned int n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (seed >> 33) % n;
}

static void test_merge(void)
{
	struct pvt_text s[4] = {};
	static char want[1 << 20];
	char line[128], *out;
	unsigned int i, c, t[4] = { 0 };
	int ret, bad = 0;
	u64 lines;

	/*
	 * Each stream: times rising with now and then one that goes back
	 * (an interrupted call ending after the interrupting one), ties
	 * across streams. The expected order, by brute force: for each time,
	 * streams in order, lines of a stream in their order.
	 */
	for (c = 0; c < 4; c++)
		add(&s[c], HDR);
	for (i = 0; i < 2000; i++) {
		c = rnd(4);
		t[c] += rnd(3);
		snprintf(line, sizeof(line), "%u %u hcall xen_version - 1 0 - f vmlinux\n",
			 rnd(5) ? t[c] : t[c] - (t[c] ? 1 : 0), c);
		add(&s[c], line);
	}
	want[0] = '\0';
	strcat(want, HDR);
	for (u64 time = 0; time <= 4000; time++)
		for (c = 0; c < 4; c++) {
			char *p = s[c].p + strlen(HDR), *end = s[c].p + s[c].len;

			while (p < end) {
				char *nl = memchr(p, '\n', end - p);

				if (strtoull(p, NULL, 10) == time)
					strncat(want, p, nl - p + 1);
				p = nl + 1;
			}
		}
	out = merge(s, 4, &ret, &lines);
	bad = ret || lines != 2000 || strcmp(out, want);
	ksft_test_result(!bad,
			 "4 streams of 2000 lines merge by time, stable, ties to the lower CPU, the header once\n");
	free(out);

	/* An empty stream (a CPU that recorded nothing) is skipped. */
	free(s[1].p);
	s[1] = (struct pvt_text){};
	out = merge(s, 4, &ret, &lines);
	ksft_test_result(!ret && lines < 2000 && !strncmp(out, HDR, strlen(HDR)),
			 "an empty stream is skipped (%llu lines)\n", (unsigned long long)lines);
	free(out);
	for (c = 0; c < 4; c++)
		free(s[c].p);
}

static void test_malformed(void)
{
	static const char *const cases[][2] = {
		{ HDR "5 0 hcall x\n", "# another header\n5 1 x\n" },
		{ HDR "5 0 hcall x\n", HDR "6 1 hcall x" },
		{ HDR "x 0 steal\n", HDR },
		{ HDR "12345678901234567890123 0 steal\n", HDR },
		{ HDR "\n", HDR },
		{ "5 0 hcall x\n", HDR },
	};
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pvt_text s[2] = {};
		char *out;
		u64 lines;
		int ret;

		add(&s[0], cases[i][0]);
		add(&s[1], cases[i][1]);
		out = merge(s, 2, &ret, &lines);
		if (ret != PVT_EXIT_MALFORMED || out[0]) {
			ksft_print_msg("case %u: exit %d, wrote '%s'\n", i, ret, out);
			bad++;
		}
		free(out);
		free(s[0].p);
		free(s[1].p);
	}
	ksft_test_result(!bad,
			 "a different header, a cut line, a line without a time: exit 3, nothing written\n");
}

static void test_drain(void)
{
	int fds[3], w[3], bad = 0, ret;
	struct pvt_text got[3] = {};
	static char data[3][60000];
	struct pvt_err e;
	unsigned int i, k;

	for (i = 0; i < 3; i++) {
		int p[2];

		if (pipe(p))
			abort();
		fds[i] = p[0];
		w[i] = p[1];
		for (k = 0; k < sizeof(data[i]); k++)
			data[i][k] = 'a' + (k + i) % 26;
	}
	/* What a pipe holds, in pieces, then the end of each stream. */
	for (k = 0; k < sizeof(data[0]); k += 10000)
		for (i = 0; i < 3; i++)
			if (write(w[i], data[i] + k, 10000) != 10000)
				abort();
	for (i = 0; i < 3; i++)
		close(w[i]);
	ret = pvt_drain_streams(fds, 3, got, &e);
	for (i = 0; i < 3; i++) {
		bad += got[i].len != sizeof(data[i]) ||
		       memcmp(got[i].p, data[i], sizeof(data[i]));
		free(got[i].p);
		close(fds[i]);
	}
	ksft_test_result(!ret && !bad, "3 streams drained to their ends, every byte in order\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(4);
	test_merge();
	test_malformed();
	test_drain();
	ksft_finished();
}
