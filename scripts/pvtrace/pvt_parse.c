// SPDX-License-Identifier: GPL-2.0
/*
 * Reader, parser and checker for the pvtrace debugfs record format, shared
 * by the pvtrace command and the tests. Strict on purpose: a missing final
 * newline (a truncated read), an empty field, a control character, a
 * record with the wrong number of fields or a gap between histogram
 * buckets is an error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvt_parse.h"

char *pvt_slurp(const char *path, size_t *len, int *err)
{
	size_t cap = 8192, n = 0;
	char *buf, *bigger;
	ssize_t got;
	int fd;

	*err = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		*err = ENOMEM;
		close(fd);
		return NULL;
	}
	/* debugfs files report size 0: read until EOF. */
	for (;;) {
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*err = errno;
			goto out_free;
		}
		if (!got)
			break;
		n += got;
		if (n == cap) {
			bigger = realloc(buf, 2 * cap + 1);
			if (!bigger) {
				*err = ENOMEM;
				goto out_free;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;

out_free:
	free(buf);
	close(fd);
	return NULL;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_')
			return 0;
	return 1;
}

/* Split @line in place on single spaces; -1 on an empty field. */
static int split(char *line, char **out, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *sp = strchr(p, ' ');

		if (sp)
			*sp = '\0';
		if (!*p || n == max)
			return -1;
		out[n++] = p;
		if (!sp)
			return n;
		p = sp + 1;
	}
}

int pvt_parse(const char *text, size_t len, struct pvt_table *t,
	      char *err, size_t errlen)
{
	char *line, *next;
	int lineno = 1, cap = 0;

	memset(t, 0, sizeof(*t));
	if (!len)
		return fail(err, errlen, "empty file");
	if (text[len - 1] != '\n')
		return fail(err, errlen, "no newline at end (truncated?)");
	if (memchr(text, '\0', len))
		return fail(err, errlen, "NUL byte in file");
	for (size_t i = 0, line = 1; i < len; i++) {
		unsigned char ch = text[i];

		if (ch == '\n')
			line++;
		else if (ch < 0x20 || ch == 0x7f)
			return fail(err, errlen,
				    "line %zu: control character 0x%02x", line,
				    ch);
	}
	t->store = malloc(len + 1);
	if (!t->store)
		return fail(err, errlen, "out of memory");
	memcpy(t->store, text, len);
	t->store[len] = '\0';

	line = t->store;
	next = strchr(line, '\n');
	*next = '\0';
	if (strncmp(line, "# ", 2))
		return fail(err, errlen, "line 1: header must start with \"# \"");
	t->ncols = split(line + 2, t->cols, PVT_MAX_COLS);
	if (t->ncols < 0)
		return fail(err, errlen, "line 1: empty column name");
	for (int c = 0; c < t->ncols; c++)
		if (!valid_name(t->cols[c]))
			return fail(err, errlen, "line 1: bad column name \"%s\"",
				    t->cols[c]);

	for (line = next + 1; *line; line = next + 1) {
		char *fields[PVT_MAX_COLS];
		int n;

		lineno++;
		next = strchr(line, '\n');
		*next = '\0';
		if (*line == '#')
			return fail(err, errlen, "line %d: comment after header",
				    lineno);
		n = split(line, fields, PVT_MAX_COLS);
		if (n != t->ncols)
			return fail(err, errlen,
				    "line %d: %d fields, header names %d",
				    lineno, n < 0 ? 0 : n, t->ncols);
		if (t->nrows == cap) {
			char ***rows;

			cap = cap ? 2 * cap : 16;
			rows = realloc(t->rows, cap * sizeof(*rows));
			if (!rows)
				return fail(err, errlen, "out of memory");
			t->rows = rows;
		}
		t->rows[t->nrows] = malloc(n * sizeof(char *));
		if (!t->rows[t->nrows])
			return fail(err, errlen, "out of memory");
		memcpy(t->rows[t->nrows], fields, n * sizeof(char *));
		t->nrows++;
	}
	return 0;
}

void pvt_free(struct pvt_table *t)
{
	for (int r = 0; r < t->nrows; r++)
		free(t->rows[r]);
	free(t->rows);
	free(t->store);
	memset(t, 0, sizeof(*t));
}

int pvt_col(const struct pvt_table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (!strcmp(t->cols[c], name))
			return c;
	return -1;
}

int pvt_find(const struct pvt_table *t, int col, const char *key)
{
	if (col < 0 || col >= t->ncols)
		return -1;
	for (int r = 0; r < t->nrows; r++)
		if (!strcmp(t->rows[r][col], key))
			return r;
	return -1;
}

const char *pvt_kv(const struct pvt_table *t, const char *key)
{
	int r = pvt_find(t, 0, key);

	return r < 0 || t->ncols < 2 ? NULL : t->rows[r][1];
}

int pvt_u64(const char *s, u64 *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno || *end) ? -1 : 0;
}

/* The last three columns are "lo_<unit> hi_<unit> count", one unit. */
int pvt_is_hist(const struct pvt_table *t)
{
	int n = t->ncols;

	return n >= 3 && !strncmp(t->cols[n - 3], "lo_", 3) &&
	       !strncmp(t->cols[n - 2], "hi_", 3) && t->cols[n - 3][3] &&
	       !strcmp(t->cols[n - 3] + 3, t->cols[n - 2] + 3) &&
	       !strcmp(t->cols[n - 1], "count");
}

static int same_key(const struct pvt_table *t, int a, int b)
{
	for (int c = 0; c < t->ncols - 3; c++)
		if (strcmp(t->rows[a][c], t->rows[b][c]))
			return 0;
	return 1;
}

int pvt_check_hist(const struct pvt_table *t, char *err, size_t errlen)
{
	int n = t->ncols;
	u64 lo, hi, count, prev_hi = 0;

	if (!pvt_is_hist(t))
		return 0;
	for (int r = 0; r < t->nrows; r++) {
		/*
		 * A histogram ends at U64_MAX: the next record starts another,
		 * even with the same key (upcalls/channel_latency: a handler
		 * re-bound to the same port and IRQ).
		 */
		int first = r == 0 || !same_key(t, r - 1, r) ||
			    prev_hi == UINT64_MAX;
		int last = r == t->nrows - 1 || !same_key(t, r, r + 1);

		if (pvt_u64(t->rows[r][n - 3], &lo) ||
		    pvt_u64(t->rows[r][n - 2], &hi) ||
		    pvt_u64(t->rows[r][n - 1], &count))
			return fail(err, errlen, "record %d: not a number", r + 1);
		if (lo > hi)
			return fail(err, errlen, "record %d: lo > hi", r + 1);
		if (first && lo != 0)
			return fail(err, errlen,
				    "record %d: histogram does not start at 0",
				    r + 1);
		if (!first && lo != prev_hi + 1)
			return fail(err, errlen,
				    "record %d: gap or overlap after %llu", r + 1,
				    (unsigned long long)prev_hi);
		if (last && hi != UINT64_MAX)
			return fail(err, errlen,
				    "record %d: histogram does not end at U64_MAX",
				    r + 1);
		prev_hi = hi;
	}
	return 0;
}

u64 pvt_hist_total(const struct pvt_table *t)
{
	u64 total = 0, v;

	for (int r = 0; r < t->nrows; r++)
		if (!pvt_u64(t->rows[r][t->ncols - 1], &v))
			total += v;
	return total;
}

int pvt_hist_bucket_count(const struct pvt_table *t, u64 value,
			  u64 *count)
{
	int n = t->ncols;
	u64 lo, hi;

	for (int r = 0; r < t->nrows; r++) {
		if (r && !same_key(t, 0, r))
			break;
		if (pvt_u64(t->rows[r][n - 3], &lo) ||
		    pvt_u64(t->rows[r][n - 2], &hi) ||
		    pvt_u64(t->rows[r][n - 1], count))
			return -1;
		if (lo <= value && value <= hi)
			return 0;
	}
	return -1;
}
