// SPDX-License-Identifier: GPL-2.0
/*
 * A small JSON writer: nested objects and arrays, keys, strings escaped
 * per RFC 8259, integers exact, doubles finite (others become null).
 */
#include <math.h>

#include "pvtrace.h"

void pvt_json_init(struct pvt_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->count[0] = 0;
	j->pending_key = 0;
}

/* The separator before a value (none after a key). */
static void sep(struct pvt_json *j)
{
	if (j->pending_key) {
		j->pending_key = 0;
		return;
	}
	if (j->count[j->depth]++)
		fputc(',', j->f);
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void pvt_json_begin(struct pvt_json *j, int array)
{
	sep(j);
	fputc(array ? '[' : '{', j->f);
	if (j->depth < PVT_JSON_DEPTH - 1)
		j->depth++;
	j->count[j->depth] = 0;
}

void pvt_json_end(struct pvt_json *j, int array)
{
	fputc(array ? ']' : '}', j->f);
	if (j->depth > 0)
		j->depth--;
	if (!j->depth)
		fputc('\n', j->f);
}

void pvt_json_key(struct pvt_json *j, const char *key)
{
	sep(j);
	put_str(j->f, key);
	fputc(':', j->f);
	j->pending_key = 1;
}

void pvt_json_str(struct pvt_json *j, const char *s)
{
	sep(j);
	put_str(j->f, s);
}

void pvt_json_u64(struct pvt_json *j, u64 v)
{
	sep(j);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void pvt_json_double(struct pvt_json *j, double v)
{
	sep(j);
	if (isfinite(v))
		fprintf(j->f, "%.6f", v);
	else
		fputs("null", j->f);
}

void pvt_json_null(struct pvt_json *j)
{
	sep(j);
	fputs("null", j->f);
}

void pvt_json_bool(struct pvt_json *j, int v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}
