// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace record's streams: draining recorder/stream/cpuN of every CPU
 * while the recording runs, each into its own spill file, and merging
 * them into one recording in time order, in recorder/trace's format (so
 * pvtrace-report reads either). Memory stays bounded however long the
 * recording: the streams go to files, and the merge holds only the lines
 * of a short window.
 *
 * Each stream is one CPU's events in the order they were reserved: an
 * event is reserved when it ends, so a stream is in order of end time
 * (start + duration), but for a nested event reserved between the end of
 * the one it interrupted and that one's reservation. So once a line with
 * end E was read from a stream, every later line of it starts after
 * E - 2 D, D the stream's longest duration (known from a first pass over
 * its file): lines before that are final, and the merge writes them. It
 * sorts by time_ns, stable within a stream, ties to the lower CPU.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvtrace.h"

int pvt_drain_streams(const int *fds, int n, FILE **out, struct pvt_err *e)
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
			} else if (fwrite(buf, 1, got, out[i]) != (size_t)got) {
				ret = pvt_errf(e, PVT_EXIT_OUTPUT,
					       "writing stream %d's spill file: %s",
					       i, strerror(errno));
			}
		}
		if (ret)
			break;
	}
	free(p);
	return ret;
}

/* A line read and not yet written: its time, stream, and place in it. */
struct held {
	u64 ns;
	unsigned int stream;
	u64 seq;
	char *text;
	size_t len;
};

static bool held_before(const struct held *x, const struct held *y)
{
	if (x->ns != y->ns)
		return x->ns < y->ns;
	if (x->stream != y->stream)
		return x->stream < y->stream;
	return x->seq < y->seq;
}

/* A binary min-heap of held lines. */
struct heap {
	struct held *h;
	size_t n, cap;
};

static int heap_push(struct heap *hp, const struct held *x)
{
	size_t i;

	if (hp->n == hp->cap) {
		size_t cap = hp->cap ? 2 * hp->cap : 1024;
		struct held *bigger = realloc(hp->h, cap * sizeof(*bigger));

		if (!bigger)
			return -1;
		hp->h = bigger;
		hp->cap = cap;
	}
	i = hp->n++;
	while (i && held_before(x, &hp->h[(i - 1) / 2])) {
		hp->h[i] = hp->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	hp->h[i] = *x;
	return 0;
}

static struct held heap_pop(struct heap *hp)
{
	struct held top = hp->h[0], last = hp->h[--hp->n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < hp->n) {
		if (c + 1 < hp->n && held_before(&hp->h[c + 1], &hp->h[c]))
			c++;
		if (!held_before(&hp->h[c], &last))
			break;
		hp->h[i] = hp->h[c];
		i = c;
	}
	if (hp->n)
		hp->h[i] = last;
	return top;
}

/*
 * The time (column 1) and duration (column 6) of an event line of @len
 * bytes, its newline included; 0, or -1 if it has not both.
 */
static int line_times(const char *p, size_t len, u64 *ns, u64 *dur)
{
	char num[24];
	unsigned int col = 1;
	size_t i = 0;

	for (;;) {
		size_t k = 0;

		while (i < len && p[i] != ' ' && p[i] != '\n') {
			if (k < sizeof(num) - 1)
				num[k] = p[i];
			k++;
			i++;
		}
		if (!k || k >= sizeof(num))
			return -1;
		num[k] = '\0';
		if (col == 1 && pvt_u64(num, ns))
			return -1;
		if (col == 6)
			return pvt_u64(num, dur) ? -1 : 0;
		if (i >= len || p[i] != ' ')
			return -1;
		i++;
		col++;
	}
}

/* One stream's state in the merge. */
struct src {
	FILE *f;
	u64 window;	/* 2 D + 1 */
	u64 mark;	/* lines to come start at or after this */
	u64 seq;
	bool done;
};

/*
 * First pass: every stream opens with the same header, then complete
 * event lines; each stream's longest duration. 0 or an exit code.
 */
static int check_streams(FILE **s, int n, struct src *src, char **header,
			 size_t *hlen, struct pvt_err *e)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	for (int i = 0; i < n && !ret; i++) {
		u64 ns, dur, d = 0;
		bool first = true;

		rewind(s[i]);
		while (!ret && (len = getline(&line, &cap, s[i])) > 0) {
			if (line[len - 1] != '\n') {
				ret = pvt_errf(e, PVT_EXIT_MALFORMED,
					       "stream %d ends in the middle of a line", i);
			} else if (first) {
				/* Every stream opens with the same header. */
				if (line[0] != '#' ||
				    (*header && ((size_t)len != *hlen ||
						 memcmp(line, *header, len)))) {
					ret = pvt_errf(e, PVT_EXIT_MALFORMED,
						       "stream %d: not the header of recorder/trace",
						       i);
				} else if (!*header) {
					*header = strdup(line);
					*hlen = len;
					if (!*header)
						ret = pvt_errf(e, PVT_EXIT_FAIL,
							       "out of memory");
				}
				first = false;
			} else if (line_times(line, len, &ns, &dur)) {
				ret = pvt_errf(e, PVT_EXIT_MALFORMED,
					       "stream %d: a line without a time and a duration: %.*s",
					       i, (int)(len - 1), line);
			} else if (dur > d) {
				d = dur;
			}
		}
		if (!ret && ferror(s[i]))
			ret = pvt_errf(e, PVT_EXIT_FAIL, "reading stream %d: %s",
				       i, strerror(errno));
		src[i].f = s[i];
		src[i].window = d > (UINT64_MAX - 1) / 2 ? UINT64_MAX : 2 * d + 1;
		src[i].done = first;	/* empty: nothing to merge */
		rewind(s[i]);
	}
	free(line);
	return ret;
}

/* Read stream @i's next line into @hp (past the header); 0 or -1. */
static int take_line(struct src *src, unsigned int i, struct heap *hp)
{
	struct held x = { .stream = i };
	size_t cap = 0;
	ssize_t len;
	u64 dur = 0, end;

	x.text = NULL;
	len = getline(&x.text, &cap, src[i].f);
	if (len > 0 && x.text[0] == '#' && !src[i].seq) {
		src[i].seq++;	/* the header, checked already */
		len = getline(&x.text, &cap, src[i].f);
	}
	if (len <= 0) {
		free(x.text);
		src[i].done = true;
		return 0;
	}
	x.len = len;
	x.seq = src[i].seq++;
	line_times(x.text, len, &x.ns, &dur);	/* checked already */
	end = x.ns + dur;
	if (end > src[i].window && end - src[i].window > src[i].mark)
		src[i].mark = end - src[i].window;
	if (heap_push(hp, &x)) {
		free(x.text);
		return -1;
	}
	return 0;
}

int pvt_merge_streams(FILE **s, int n, FILE *out, u64 *lines,
		      struct pvt_err *e,
		      int (*before)(FILE *out, void *arg, struct pvt_err *e),
		      void *arg)
{
	struct src *src = calloc(n ? n : 1, sizeof(*src));
	struct heap hp = { 0 };
	char *header = NULL;
	size_t hlen = 0;
	int ret;

	*lines = 0;
	if (!src)
		return pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
	ret = check_streams(s, n, src, &header, &hlen, e);
	if (!ret && before)
		ret = before(out, arg, e);
	if (!ret && header && fwrite(header, 1, hlen, out) != hlen)
		ret = pvt_errf(e, PVT_EXIT_OUTPUT, "write: %s", strerror(errno));
	while (!ret) {
		u64 safe = UINT64_MAX;
		int next = -1;

		/* The stream that holds the others back, and how far. */
		for (int i = 0; i < n; i++) {
			if (src[i].done)
				continue;
			if (next < 0 || src[i].mark < safe) {
				safe = src[i].mark;
				next = i;
			}
		}
		while (hp.n && (next < 0 || hp.h[0].ns < safe)) {
			struct held x = heap_pop(&hp);

			if (fwrite(x.text, 1, x.len, out) != x.len)
				ret = pvt_errf(e, PVT_EXIT_OUTPUT, "write: %s",
					       strerror(errno));
			free(x.text);
			(*lines)++;
			if (ret)
				break;
		}
		if (ret || next < 0)
			break;
		if (take_line(src, next, &hp))
			ret = pvt_errf(e, PVT_EXIT_FAIL, "out of memory");
	}
	while (hp.n) {
		struct held x = heap_pop(&hp);

		free(x.text);
	}
	free(hp.h);
	free(header);
	free(src);
	return ret;
}
