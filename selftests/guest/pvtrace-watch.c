// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace-watch: read pvtrace's counter files over and over for a while,
 * as a monitoring agent would, and check what a reader must be able to
 * trust, whatever the guest suffers (heavy steal: a writer's vCPU may be
 * descheduled in the middle of an update):
 *
 * - every read parses in the documented format, and takes less than
 *   MAX_MS milliseconds;
 * - no counter of a record ever goes backwards from one read to the next
 *   (a record is known by its identity columns: cpu, hypercall,
 *   subcommand, port, bucket bounds...);
 * - no duration ("_ns" column but total_ns) exceeds the guest's uptime;
 * - the per-vCPU hypercall counts bracket the totals: summed from a read
 *   of hypercalls/percpu before a read of hypercalls/totals, they are at
 *   most the totals; from a read after, at least.
 *
 *   pvtrace-watch DIR SECONDS MAX_MS FILE...
 *
 * FILE is relative to DIR (pvtrace's debugfs directory). Prints one line
 * per problem (the first 20) and a summary line "reads N files F
 * problems P max_ms M"; exit 1 if there was any problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pvt_parse.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_KEYS	65536
#define MAX_SHOWN	20

/* Columns that name a record rather than count something. */
static const char *const id_cols[] = {
	"cpu", "vcpu", "name", "hypercall", "subcommand", "port", "irq",
	"kind", "detail", "errno", "caller", "module", "target", "role",
	"state", "lo_ns", "hi_ns", "lo_events", "hi_events", "lo_pct",
	"hi_pct", "lo_entries", "hi_entries", "op", "type", "reason",
	"slot", "error",
};

static int is_id(const char *col)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(id_cols); i++)
		if (!strcmp(col, id_cols[i]))
			return 1;
	return 0;
}

struct seen {
	char *key;
	u64 val;
	unsigned long gen;	/* the read that set @val */
};

static struct seen seen[MAX_KEYS];
static int nseen;
static int problems;
static unsigned long gen;	/* reads so far */

static void problem(const char *fmt, const char *a, const char *b,
		    u64 x, u64 y)
{
	if (problems++ < MAX_SHOWN) {
		printf(fmt, a, b, (unsigned long long)x, (unsigned long long)y);
		putchar('\n');
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static u64 uptime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The last value of @key, updated to @val; 0 if first seen, seen earlier
 * in this same read (two histograms may share a key), or no room.
 */
static int check_key(const char *key, u64 val, u64 *prev)
{
	int i, ret;

	for (i = 0; i < nseen; i++) {
		if (!strcmp(seen[i].key, key)) {
			ret = seen[i].gen != gen;
			*prev = seen[i].val;
			seen[i].val = val;
			seen[i].gen = gen;
			return ret;
		}
	}
	if (nseen < MAX_KEYS) {
		seen[nseen].key = strdup(key);
		seen[nseen].val = val;
		seen[nseen].gen = gen;
		nseen++;
	}
	return 0;
}

/* Read, time and parse one file; 0 on success. */
static int load(const char *dir, const char *file, struct pvt_table *t,
		double *ms)
{
	char path[512], err[256];
	double t0 = now_ms();
	size_t len;
	char *text;
	int serr, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = pvt_slurp(path, &len, &serr);
	*ms = now_ms() - t0;
	if (!text) {
		problem("%s: cannot be read: %s (%llu, %llu)", file,
			strerror(serr), 0, 0);
		return -1;
	}
	ret = pvt_parse(text, len, t, err, sizeof(err));
	free(text);
	if (ret)
		problem("%s: does not parse: %s (%llu, %llu)", file, err, 0, 0);
	return ret;
}

/* Every counter of every record against its last value. */
static void check_table(const char *file, const struct pvt_table *t)
{
	u64 up = uptime_ns(), v, prev;
	char key[1024];
	int r, c, n;

	for (r = 0; r < t->nrows; r++) {
		n = snprintf(key, sizeof(key), "%s", file);
		for (c = 0; c < t->ncols; c++)
			if (is_id(t->cols[c]))
				n += snprintf(key + n, sizeof(key) - n, " %s=%s",
					      t->cols[c], t->rows[r][c]);
		for (c = 0; c < t->ncols; c++) {
			char full[1200];
			size_t l = strlen(t->cols[c]);

			if (is_id(t->cols[c]) || pvt_u64(t->rows[r][c], &v))
				continue;
			if (l > 3 && !strcmp(t->cols[c] + l - 3, "_ns") &&
			    strcmp(t->cols[c], "total_ns") &&
			    strstr(t->cols[c], "max") && v > up)
				problem("%s: %s over the uptime: %llu > %llu",
					key, t->cols[c], v, up);
			snprintf(full, sizeof(full), "%s %s", key, t->cols[c]);
			if (check_key(full, v, &prev) && v < prev)
				problem("%s: %s went back: %llu after %llu", key,
					t->cols[c], v, prev);
		}
	}
}

/* Calls of hypercall @name: summed over percpu's vCPUs, or from totals. */
static u64 calls_of(const struct pvt_table *t, const char *name)
{
	int hc = pvt_col(t, "hypercall"), cc = pvt_col(t, "calls"), r;
	u64 sum = 0, v;

	if (hc < 0 || cc < 0)
		return 0;
	for (r = 0; r < t->nrows; r++)
		if (!strcmp(t->rows[r][hc], name) && !pvt_u64(t->rows[r][cc], &v))
			sum += v;
	return sum;
}

static void check_bracket(const char *dir)
{
	struct pvt_table before, totals, after;
	double ms;
	int r, hc;

	if (load(dir, "hypercalls/percpu", &before, &ms))
		return;
	if (load(dir, "hypercalls/totals", &totals, &ms)) {
		pvt_free(&before);
		return;
	}
	if (load(dir, "hypercalls/percpu", &after, &ms)) {
		pvt_free(&before);
		pvt_free(&totals);
		return;
	}
	hc = pvt_col(&totals, "hypercall");
	for (r = 0; hc >= 0 && r < totals.nrows; r++) {
		const char *name = totals.rows[r][hc];
		u64 lo = calls_of(&before, name), mid = calls_of(&totals, name);
		u64 hi = calls_of(&after, name);

		if (lo > mid || mid > hi)
			problem("hypercalls: %s%s: percpu before %llu, totals, percpu after %llu",
				name, mid < lo ? " (totals below)" : " (totals above)",
				lo, hi);
	}
	pvt_free(&before);
	pvt_free(&totals);
	pvt_free(&after);
}

int main(int argc, char **argv)
{
	double until, ms, max_ms = 0, limit;
	unsigned long reads = 0;
	int i;

	if (argc < 5) {
		fprintf(stderr, "usage: %s DIR SECONDS MAX_MS FILE...\n", argv[0]);
		return 2;
	}
	until = now_ms() + atof(argv[2]) * 1e3;
	limit = atof(argv[3]);
	while (now_ms() < until) {
		for (i = 4; i < argc; i++) {
			struct pvt_table t;

			if (load(argv[1], argv[i], &t, &ms))
				continue;
			reads++;
			gen++;
			if (ms > max_ms)
				max_ms = ms;
			if (ms > limit)
				problem("%s: a read took more %s: %llu ms, bound %llu",
					argv[i], "than the bound", (u64)ms, (u64)limit);
			check_table(argv[i], &t);
			pvt_free(&t);
		}
		check_bracket(argv[1]);
	}
	printf("reads %lu files %d keys %d problems %d max_ms %.0f\n", reads,
	       argc - 4, nseen, problems, max_ms);
	return problems ? 1 : 0;
}
