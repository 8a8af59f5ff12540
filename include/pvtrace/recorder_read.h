/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the recorder offers debugfs/recorder.c (module/recorder_read.c):
 * the recorder's state, snapshots of a recording in time order, and the
 * slowest calls; each into the caller's memory.
 */
#ifndef _PVTRACE_RECORDER_READ_H
#define _PVTRACE_RECORDER_READ_H

#include <linux/types.h>

#include <pvtrace/recorder.h>
#include <pvtrace/timebase.h>

enum pvtrace_rec_state {
	PVTRACE_REC_IDLE,	/* never started */
	PVTRACE_REC_PENDING,	/* asked for at load, hooks not yet in */
	PVTRACE_REC_RECORDING,
	PVTRACE_REC_STOPPED,	/* the last recording is readable */
};

#define PVTRACE_REC_FILTER_LEN	256

/* Why the last recording stopped. */
#define PVTRACE_REC_STOP_NONE		0	/* it has not */
#define PVTRACE_REC_STOP_ASKED		1	/* record=off */
#define PVTRACE_REC_STOP_DURATION	2	/* its duration ran out */
#define PVTRACE_REC_STOP_TRIGGER	3	/* a trigger fired */
#define PVTRACE_REC_STOP_UNLOAD		4	/* pvtrace was unloaded */

/**
 * struct pvtrace_rec_fire - the trigger that ended a recording
 * @fired: one did; nothing else is set otherwise
 * @cpu: the vCPU of its event
 * @term: the term that matched, 1-based
 * @ns: its event's start, timebase ns
 * @rec: its event
 */
struct pvtrace_rec_fire {
	bool fired;
	unsigned int cpu;
	u32 term;
	u64 ns;
	struct pvtrace_rec rec;
};

struct pvtrace_rec_status {
	enum pvtrace_rec_state state;
	unsigned long duration_ms;
	u64 start_ns;
	u64 stop_ns;
	unsigned int buffer_kb;
	unsigned int slowest_n;
	u64 records;
	u64 incomplete;
	u64 lost;
	u64 streamed;
	u64 capacity;
	u64 lost_first_tsc;	/* the lost events' span, if lost */
	u64 lost_last_tsc;
	char filter[PVTRACE_REC_FILTER_LEN];
	unsigned long flight_ms;
	u64 overwritten;
	u64 aged;
	char trigger[PVTRACE_REC_FILTER_LEN];
	unsigned int reason;
	struct pvtrace_rec_fire fire;
};

/* A complete record of a snapshot: where it is, and its TSC. */
struct pvtrace_rec_ref {
	u64 tsc;
	u32 cpu;
	u32 idx;
};

/* The complete records in time order, and the timebase to show them in. */
struct pvtrace_rec_snap {
	struct pvtrace_rec_ref *refs;
	u64 n;
	struct pvtrace_tb tb;
};

struct pvtrace_slow_entry {
	struct pvtrace_rec rec;
	unsigned int cpu;
};

const char *pvtrace_rec_state_name(enum pvtrace_rec_state s);
const char *pvtrace_rec_reason_name(unsigned int reason);
/* Changes whenever a module comes or goes: cached symbols are stale. */
unsigned long pvtrace_rec_module_gen(void);
void pvtrace_rec_read_status(struct pvtrace_rec_status *st);
struct pvtrace_rec_cpu_read {
	u64 records;
	u64 lost;
	u64 lost_first_tsc;	/* the lost events' span, if lost */
	u64 lost_last_tsc;
	u64 streamed;
	u64 capacity;
	u64 overwritten;
};

bool pvtrace_rec_read_cpu(unsigned int cpu, struct pvtrace_rec_cpu_read *r);
int pvtrace_rec_snapshot(struct pvtrace_rec_snap *snap);
void pvtrace_rec_snapshot_put(struct pvtrace_rec_snap *snap);
const struct pvtrace_rec *pvtrace_rec_at(const struct pvtrace_rec_snap *snap,
					 u64 i, unsigned int *cpu);

/*
 * recorder/stream/cpuN: one reader per CPU, consuming its ring while the
 * recording runs; pvtrace_rec_stream_open() says whether it does (a stream
 * opened when no recording runs takes nothing);
 * pvtrace_rec_stream_take() returns the records taken, 0 if none are
 * ready yet, -ENODATA once the recording has ended and its ring is empty.
 * Wait on pvtrace_rec_stream_wq() for pvtrace_rec_stream_ready(): it is
 * woken every PVTRACE_STREAM_KICK_MS while a stream is open (the writers
 * wake no one: they run in NMI and idle).
 */
#define PVTRACE_STREAM_KICK_MS	20
int pvtrace_rec_stream_open(unsigned int cpu);
void pvtrace_rec_stream_release(unsigned int cpu);
int pvtrace_rec_stream_take(unsigned int cpu, struct pvtrace_rec *out,
			    unsigned int max, struct pvtrace_tb *tb);
bool pvtrace_rec_stream_ready(unsigned int cpu);
struct wait_queue_head *pvtrace_rec_stream_wq(void);

int pvtrace_slow_read(unsigned int kind, struct pvtrace_slow_entry *out,
		      u64 *skipped);

#endif /* _PVTRACE_RECORDER_READ_H */
