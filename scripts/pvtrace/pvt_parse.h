/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser and checker for the pvtrace debugfs record format
 * (Documentation/ABI/testing/debugfs-pvtrace), shared by the pvtrace
 * command (scripts/pvtrace/) and the userspace tests.
 */
#ifndef _PVT_PARSE_H
#define _PVT_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* The kernel's spelling; an identical typedef may be repeated in C11. */
typedef unsigned long long u64;

#define PVT_MAX_COLS 32

struct pvt_table {
	int ncols;
	char *cols[PVT_MAX_COLS];
	int nrows;
	char ***rows;		/* rows[r][c] */
	char *store;		/* owns every string */
};

/*
 * The whole file at @path as text (malloc'ed, NUL-terminated; its length in
 * @len), read until EOF since debugfs files report size 0; or NULL with the
 * errno in @err.
 */
char *pvt_slurp(const char *path, size_t *len, int *err);

/* 0 on success; else -1 and a message naming the line in @err. */
int pvt_parse(const char *text, size_t len, struct pvt_table *t,
	      char *err, size_t errlen);
void pvt_free(struct pvt_table *t);

/* Index of column @name, or -1. */
int pvt_col(const struct pvt_table *t, const char *name);

/* The first record whose column @col is @key, or -1. */
int pvt_find(const struct pvt_table *t, int col, const char *key);

/* "key value" files: the value of @key, or NULL. */
const char *pvt_kv(const struct pvt_table *t, const char *key);

/* A whole unsigned 64-bit decimal number; 0 on success. */
int pvt_u64(const char *s, u64 *v);

/*
 * If the last three columns are "lo_<unit> hi_<unit> count" (lo_ns hi_ns
 * count for latencies, lo_entries hi_entries count for batch sizes...),
 * check that every
 * histogram (consecutive rows sharing the same leading key columns, in
 * order; one that reaches U64_MAX ends there, so that two histograms may
 * share a key) covers 0..U64_MAX with contiguous buckets. 0 if fine or
 * not a histogram.
 */
int pvt_check_hist(const struct pvt_table *t, char *err, size_t errlen);
int pvt_is_hist(const struct pvt_table *t);

/* Sum of "count" over the rows of a histogram table. */
u64 pvt_hist_total(const struct pvt_table *t);

/* Count of the bucket holding @value (first histogram); -1 if none. */
int pvt_hist_bucket_count(const struct pvt_table *t, u64 value,
			  u64 *count);

#endif
