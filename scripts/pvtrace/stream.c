// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace record's streams: draining recorder/stream/cpuN of every CPU
 * while the recording runs, and merging what they gave into one recording
 * in time order, in recorder/trace's format (so pvtrace-report reads
 * either). Each stream is one CPU's events in the order they were
 * reserved, which is time order but for calls interrupted by others; the
 * merge sorts by time_ns, stable within a stream, ties to the lower CPU.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvtrace.h"

int pvt_text_add(struct pvt_text *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 65536;
		char *p;

		while (cap < t->len + n)
			cap *= 2;
		p = realloc(t->p, cap);
		if (!p)
			return -1;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	return 0;
}

int pvt_drain_streams(const int *fds, int n, struct pvt_text *out,
		      struct pvt_err *e)
{
	struct pollfd *p = calloc(n, sizeof(*p));
	char buf[65536];
	int open = n, ret = 0;

	if (!p)
		return pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
	for (int i = 0; i < n; i++) {
		p[i].fd = fds[i];
		p[i].events = POLLIN;
	}
	while (open) {
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = pvt_errf(e, PVT_EXIT_FAIL, "poll: %s",
				       strerror(errno));
			break;
		}
		for (int i = 0; i < n && !ret; i++) {
			ssize_t got;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			got = read(p[i].fd, buf, sizeof(buf));
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got < 0) {
				ret = pvt_errf(e, PVT_EXIT_FAIL,
					       "reading stream %d: %s", i,
					       strerror(errno));
			} else if (!got) {
				p[i].fd = -1;	/* the end: poll skips it */
				open--;
			} else if (pvt_text_add(&out[i], buf, got)) {
				ret = pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
			}
		}
		if (ret)
			break;
	}
	free(p);
	return ret;
}

struct line {
	u64 ns;
	unsigned int stream;
	size_t off, len;
};

static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

int pvt_merge_streams(const struct pvt_text *s, int n, FILE *out, u64 *lines,
		      struct pvt_err *e,
		      int (*before)(FILE *out, void *arg, struct pvt_err *e),
		      void *arg)
{
	const char *header = NULL;
	size_t hlen = 0, nl = 0, cap = 0;
	struct line *l = NULL;
	int ret = 0;

	*lines = 0;
	for (int i = 0; i < n && !ret; i++) {
		size_t off = 0;

		if (!s[i].len)
			continue;
		if (s[i].p[s[i].len - 1] != '\n') {
			ret = pvt_errf(e, PVT_EXIT_MALFORMED,
				       "stream %d ends in the middle of a line", i);
			break;
		}
		while (off < s[i].len) {
			const char *p = s[i].p + off;
			size_t len = (const char *)memchr(p, '\n', s[i].len - off) - p + 1;
			char num[24];
			size_t k = 0;

			if (!off) {
				/* Every stream opens with the same header. */
				bool same = !header ||
					    (len == hlen && !memcmp(p, header, len));

				if (p[0] != '#' || !same) {
					ret = pvt_errf(e, PVT_EXIT_MALFORMED,
						       "stream %d: not the header of recorder/trace",
						       i);
					break;
				}
				header = p;
				hlen = len;
				off += len;
				continue;
			}
			while (k < len && k < sizeof(num) - 1 && p[k] != ' ') {
				num[k] = p[k];
				k++;
			}
			num[k] = '\0';
			if (nl == cap) {
				struct line *bigger;

				cap = cap ? 2 * cap : 4096;
				bigger = realloc(l, cap * sizeof(*l));
				if (!bigger) {
					ret = pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
					break;
				}
				l = bigger;
			}
			if (k == len || p[k] != ' ' || pvt_u64(num, &l[nl].ns)) {
				ret = pvt_errf(e, PVT_EXIT_MALFORMED,
					       "stream %d: a line without a time: %.*s",
					       i, (int)(len - 1), p);
				break;
			}
			l[nl].stream = i;
			l[nl].off = off;
			l[nl].len = len;
			nl++;
			off += len;
		}
	}
	if (!ret && before)
		ret = before(out, arg, e);
	if (!ret) {
		qsort(l, nl, sizeof(*l), cmp_line);
		if (header && fwrite(header, 1, hlen, out) != hlen)
			ret = pvt_errf(e, PVT_EXIT_OUTPUT, "write: %s",
				       strerror(errno));
		for (size_t i = 0; i < nl && !ret; i++)
			if (fwrite(s[l[i].stream].p + l[i].off, 1, l[i].len,
				   out) != l[i].len)
				ret = pvt_errf(e, PVT_EXIT_OUTPUT, "write: %s",
					       strerror(errno));
		*lines = nl;
	}
	free(l);
	return ret;
}
