// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot of the files stat and top compute from, read one after the
 * other at one time. A hook that is off has no files: its tables stay
 * empty and the computations say so.
 */
#include <string.h>
#include <time.h>

#include "pvtrace.h"

u64 pvt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int pvt_snap_read(const char *dir, struct pvt_snap *s, struct pvt_err *e)
{
	static const struct {
		const char *rel;
		size_t off;
		int optional;
	} files[] = {
		{ "summary", offsetof(struct pvt_snap, summary), 0 },
		{ "hypercalls/status", offsetof(struct pvt_snap, hstatus), 1 },
		{ "hypercalls/totals", offsetof(struct pvt_snap, totals), 1 },
		{ "hypercalls/subcommands", offsetof(struct pvt_snap, subs), 1 },
		{ "hypercalls/latency", offsetof(struct pvt_snap, lat), 1 },
		{ "hypercalls/subcommand_latency",
		  offsetof(struct pvt_snap, sublat), 1 },
		{ "hypercalls/percpu", offsetof(struct pvt_snap, hpercpu), 1 },
		{ "hypercalls/percpu_subcommands",
		  offsetof(struct pvt_snap, hpsubs), 1 },
		{ "upcalls/percpu", offsetof(struct pvt_snap, upercpu), 1 },
		{ "upcalls/channels", offsetof(struct pvt_snap, chans), 1 },
		{ "steal", offsetof(struct pvt_snap, steal), 1 },
	};
	int ret;

	memset(s, 0, sizeof(*s));
	s->mono_ns = pvt_now_ns();
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct pvt_table *t = (void *)((char *)s + files[i].off);

		ret = pvt_load(dir, files[i].rel, files[i].optional, t, e);
		if (ret < 0 || ret > 1) {
			pvt_snap_free(s);
			return ret;
		}
	}
	return 0;
}

void pvt_snap_free(struct pvt_snap *s)
{
	pvt_free(&s->summary);
	pvt_free(&s->hstatus);
	pvt_free(&s->totals);
	pvt_free(&s->subs);
	pvt_free(&s->lat);
	pvt_free(&s->sublat);
	pvt_free(&s->hpercpu);
	pvt_free(&s->hpsubs);
	pvt_free(&s->upercpu);
	pvt_free(&s->chans);
	pvt_free(&s->steal);
}
