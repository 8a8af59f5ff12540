/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the flight recorder's own files, and no one else: the control
 * side (module/recorder.c), its parameters (module/recorder_param.c) and
 * its read side (module/recorder_read.c). The parameters call the control
 * side; the control side calls the read side for the slowest tables'
 * memory. debugfs/ reads the recorder through include/pvtrace/
 * recorder_read.h only.
 */
#ifndef _PVTRACE_RECORDER_INTERNAL_H
#define _PVTRACE_RECORDER_INTERNAL_H

#include <linux/mutex.h>
#include <linux/types.h>

#include <pvtrace/recorder.h>
#include <pvtrace/recorder_read.h>

/**
 * struct pvtrace_rec_ctl - the recorder's control state (module/recorder.c)
 * @lock: everything below
 * @ready: init done, not yet exited
 * @state: of the current or last recording
 * @buffer_kb: record_buffer_kb
 * @filter_str: record_filter as written ("all" when empty)
 * @next_filter: @filter_str parsed: what the next recording keeps
 * @duration_ms: of the current or last recording; 0: until stopped
 * @last_filter: @filter_str of the current or last recording
 * @start_ns: timebase anchor of its start (module/clock.c)
 * @stop_ns: and of its stop
 * @readers: snapshots held (recorder/trace open): no recording starts
 * @streams: stream readers (recorder/stream/cpuN open): no recording
 *	starts, no snapshot is taken
 * @skipped: records a stream reader skipped, reserved but never complete
 * @flight_ms: record_flight: the next recording keeps its last this long
 * @trig_str: record_trigger as written ("none" when empty)
 * @next_trigs: @trig_str parsed: the next recording's triggers
 * @cur_flight_ms: @flight_ms of the current or last recording
 * @last_trig: @trig_str of the current or last recording
 * @reason: why the last recording stopped (PVTRACE_REC_STOP_*)
 * @fire: the trigger that ended it, if one did
 * @aged: records of a flight recording older than its window at the end
 */
struct pvtrace_rec_ctl {
	struct mutex lock;	/* everything below */
	bool ready;
	enum pvtrace_rec_state state;
	unsigned int buffer_kb;
	char filter_str[PVTRACE_REC_FILTER_LEN];
	struct pvtrace_rec_filter next_filter;
	unsigned long duration_ms;
	char last_filter[PVTRACE_REC_FILTER_LEN];
	u64 start_ns;
	u64 stop_ns;
	unsigned int readers;
	unsigned int streams;
	u64 skipped;
	unsigned long flight_ms;
	char trig_str[PVTRACE_REC_FILTER_LEN];
	struct pvtrace_rec_trigs next_trigs;
	unsigned long cur_flight_ms;
	char last_trig[PVTRACE_REC_FILTER_LEN];
	unsigned int reason;
	struct pvtrace_rec_fire fire;
	u64 aged;
};

extern struct pvtrace_rec_ctl pvtrace_rec_ctl;

/* module/recorder.c: the parameters' effects, each under the lock. */
int pvtrace_rec_set_record(bool on, unsigned long ms);
void pvtrace_rec_set_filter(const struct pvtrace_rec_filter *f,
			    const char *val, size_t len);
void pvtrace_rec_set_buffer_kb(unsigned int kb);
void pvtrace_rec_set_flight(unsigned long ms);
void pvtrace_rec_set_trigger(const struct pvtrace_rec_trigs *t,
			     const char *val, size_t len);

/* module/recorder_read.c: the slowest tables' memory; the stream readers. */
int pvtrace_slow_alloc(void);
void pvtrace_slow_free(void);
void pvtrace_rec_stream_exit(void);

#endif /* _PVTRACE_RECORDER_INTERNAL_H */
