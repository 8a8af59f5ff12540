// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of pvtrace record's streams (scripts/pvtrace/stream.c): the
 * merge of per-CPU streams (spill files) into one recording in time order
 * (stable, the header once, every line once) against a brute-force order,
 * with events nested far out of order, its refusal
 * of malformed streams with nothing written, and the draining of several
 * streams to their ends (pipes standing in for recorder/stream/cpuN).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"
#include "pvtrace.h"

#define HDR "# time_ns cpu event name detail duration_ns value errno site module\n"

static FILE *stream_of(const char *text)
{
	FILE *f = tmpfile();

	if (!f || fputs(text, f) < 0)
		abort();
	return f;
}

/* Merge @n streams into a string (malloc'ed); the return code in @ret. */
static char *merge(FILE **s, int n, int *ret, u64 *lines)
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

struct ev {
	u64 start, dur, end;
	unsigned int cpu, seq;
};

static int by_end(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The merge's order: time, then CPU, then place in the stream. */
static int by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

#define NEV 6000

static void test_merge(void)
{
	static struct ev ev[NEV];
	static char want[1 << 20];
	char line[160], *out;
	FILE *s[4];
	unsigned int i, c, k[4] = { 0 };
	u64 t[4] = { 0 }, lines;
	int ret, bad;

	/*
	 * Each CPU's events in a stream in the order of their ends, as the
	 * recorder reserves them: short calls, upcalls nested in long ones
	 * (a long one ends after hundreds of others, so it comes far after
	 * them), ties of time across CPUs, now and then two swapped (a
	 * nested event reserved between the end and the reservation of the
	 * one it interrupted). The expected order by brute force.
	 */
	for (i = 0; i < NEV; i++) {
		c = rnd(4);
		t[c] += rnd(3);
		ev[i] = (struct ev){ .start = t[c], .cpu = c, .seq = i };
		ev[i].dur = rnd(50) ? rnd(4) : 200 + rnd(2000);
		ev[i].end = ev[i].start + ev[i].dur;
	}
	qsort(ev, NEV, sizeof(ev[0]), by_end);
	for (i = 0; i + 1 < NEV; i++) {
		if (!rnd(40) && ev[i].cpu == ev[i + 1].cpu) {
			struct ev x = ev[i];

			ev[i] = ev[i + 1];
			ev[i + 1] = x;
		}
	}
	for (c = 0; c < 4; c++)
		s[c] = stream_of(HDR);
	for (i = 0; i < NEV; i++) {
		ev[i].seq = k[ev[i].cpu]++;
		snprintf(line, sizeof(line), "%llu %u hcall xen_version - %llu 0 - f+%u vmlinux\n",
			 (unsigned long long)ev[i].start, ev[i].cpu,
			 (unsigned long long)ev[i].dur, ev[i].seq);
		fputs(line, s[ev[i].cpu]);
	}
	qsort(ev, NEV, sizeof(ev[0]), by_time);
	snprintf(want, sizeof(want), "%s", HDR);
	for (i = 0; i < NEV; i++) {
		snprintf(line, sizeof(line), "%llu %u hcall xen_version - %llu 0 - f+%u vmlinux\n",
			 (unsigned long long)ev[i].start, ev[i].cpu,
			 (unsigned long long)ev[i].dur, ev[i].seq);
		strcat(want, line);
	}
	out = merge(s, 4, &ret, &lines);
	bad = ret || lines != NEV || strcmp(out, want);
	ksft_test_result(!bad,
			 "4 streams of nested events merge by time, stable, ties to the lower CPU, the header once\n");
	free(out);

	/* An empty stream (a CPU that recorded nothing) is skipped. */
	fclose(s[1]);
	s[1] = tmpfile();
	out = merge(s, 4, &ret, &lines);
	ksft_test_result(!ret && lines < NEV && !strncmp(out, HDR, strlen(HDR)),
			 "an empty stream is skipped (%llu lines)\n", (unsigned long long)lines);
	free(out);
	for (c = 0; c < 4; c++)
		fclose(s[c]);
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
		FILE *s[2];
		char *out;
		u64 lines;
		int ret;

		s[0] = stream_of(cases[i][0]);
		s[1] = stream_of(cases[i][1]);
		out = merge(s, 2, &ret, &lines);
		if (ret != PVT_EXIT_MALFORMED || out[0]) {
			ksft_print_msg("case %u: exit %d, wrote '%s'\n", i, ret, out);
			bad++;
		}
		free(out);
		fclose(s[0]);
		fclose(s[1]);
	}
	ksft_test_result(!bad,
			 "a different header, a cut line, a line without a time: exit 3, nothing written\n");
}

static void test_drain(void)
{
	int fds[3], w[3], bad = 0, ret;
	static char data[3][60000], back[60000];
	FILE *got[3];
	struct pvt_err e;
	unsigned int i, k;

	for (i = 0; i < 3; i++) {
		int p[2];

		if (pipe(p))
			abort();
		fds[i] = p[0];
		w[i] = p[1];
		got[i] = tmpfile();
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
		rewind(got[i]);
		bad += fread(back, 1, sizeof(back), got[i]) != sizeof(data[i]) ||
		       memcmp(back, data[i], sizeof(data[i])) || fgetc(got[i]) != EOF;
		fclose(got[i]);
		close(fds[i]);
	}
	ksft_test_result(!ret && !bad, "3 streams drained to their files, every byte in order\n");
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
