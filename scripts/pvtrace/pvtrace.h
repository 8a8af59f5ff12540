/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pvtrace command: what each file of scripts/pvtrace/ offers the
 * others. Every input is a file of pvtrace's debugfs directory, in the
 * format of Documentation/ABI/testing/debugfs-pvtrace, read through
 * tree.c; nothing else of the module is known here.
 */
#ifndef _PVTRACE_CMD_H
#define _PVTRACE_CMD_H

#include <stdio.h>

#include "pvt_parse.h"

#define PVT_DEBUGFS "/sys/kernel/debug/pvtrace"
#define PVT_PARAMS "/sys/module/pvtrace/parameters"
#define PVT_PATH_MAX 4096

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
/* The kernel's spelling of the format attribute, as checkpatch wants. */
#ifndef __printf
#define PVT_ATTRIBUTE __attribute__
#define __printf(a, b) PVT_ATTRIBUTE((format(printf, a, b)))
#endif

/*
 * Exit codes, one per kind of failure (Documentation/pvtrace.1). 1 to 4
 * mean what they mean for scripts/pvtrace-exporter.
 */
enum pvt_exit {
	PVT_EXIT_OK = 0,
	PVT_EXIT_NOT_LOADED = 1,	/* no pvtrace directory in debugfs */
	PVT_EXIT_USAGE = 2,
	PVT_EXIT_MALFORMED = 3,		/* empty, truncated, malformed input */
	PVT_EXIT_OUTPUT = 4,		/* the output could not be written */
	PVT_EXIT_NO_DEBUGFS = 5,	/* debugfs is not mounted */
	PVT_EXIT_PERM = 6,		/* permission denied: not root */
	PVT_EXIT_VERSION = 7,		/* a newer format than this program's */
	PVT_EXIT_FAIL = 8,		/* anything else (a system call) */
};

struct pvt_err {
	int code;
	char msg[1024];
};

/* Fill @e (code and message); returns @code. */
__printf(3, 4) int pvt_errf(struct pvt_err *e, int code, const char *fmt, ...);

/* Print "pvtrace: MESSAGE" on stderr. */
__printf(1, 2) void pvt_warn(const char *fmt, ...);

/* Print "pvtrace: MESSAGE" and "Try 'pvtrace --help'."; returns 2. */
__printf(1, 2) int pvt_usage_err(const char *fmt, ...);

/* --- tree.c: the debugfs directory and its files --- */

/*
 * The directory is there and readable, and its version file is of a
 * format this program knows: 0, or a pvt_exit code with @e filled.
 */
int pvt_tree_check(const char *dir, struct pvt_err *e);

/*
 * Load DIR/REL into @t: one read to EOF, then checked (format, numbers,
 * histograms). 0 loaded; 1 absent and @optional (@t empty); else a
 * pvt_exit code with @e filled (@t empty).
 */
int pvt_load(const char *dir, const char *rel, int optional,
	     struct pvt_table *t, struct pvt_err *e);

/* Check the known-numeric columns and histograms of a parsed file. */
int pvt_check_table(const char *rel, const struct pvt_table *t,
		    char *msg, size_t msglen);

/* Version "MAJOR.MINOR[.PATCH][+...]": 0 and the numbers, or -1. */
int pvt_parse_version(const char *s, unsigned int *major,
		      unsigned int *minor);

/* Field @col of record @r, "" when the column does not exist. */
const char *pvt_str(const struct pvt_table *t, int r, const char *col);
/* Field @col of record @r as a number; 0 when absent or "-". */
u64 pvt_num(const struct pvt_table *t, int r, const char *col);

/* --- snap.c: the files stat and top read, at one time --- */

struct pvt_snap {
	u64 mono_ns;			/* CLOCK_MONOTONIC at the read */
	struct pvt_table summary;
	struct pvt_table hstatus;	/* hypercalls/status */
	struct pvt_table totals;	/* hypercalls/totals */
	struct pvt_table subs;		/* hypercalls/subcommands */
	struct pvt_table lat;		/* hypercalls/latency */
	struct pvt_table sublat;	/* hypercalls/subcommand_latency */
	struct pvt_table hpercpu;	/* hypercalls/percpu */
	struct pvt_table hpsubs;	/* hypercalls/percpu_subcommands */
	struct pvt_table upercpu;	/* upcalls/percpu */
	struct pvt_table chans;		/* upcalls/channels */
	struct pvt_table steal;
};

/* Read every file of @s from @dir (absent hooks leave tables empty). */
int pvt_snap_read(const char *dir, struct pvt_snap *s, struct pvt_err *e);
void pvt_snap_free(struct pvt_snap *s);
u64 pvt_now_ns(void);

/* --- cost.c: what virtualization cost between two snapshots --- */

#define PVT_NO_TIME ((u64)-1)	/* time not known: calls not timed */

struct pvt_cost_row {
	char name[96];		/* hypercall, "hypercall/subcommand", channel */
	u64 calls;		/* calls, handler runs, upcalls */
	u64 time_ns;		/* PVT_NO_TIME when not timed */
	u64 timed;		/* calls timed (latency histogram count) */
	u64 idle_ns;		/* of time_ns, the vCPU idling */
	double share;		/* time_ns / vCPU time, in percent */
	int idle;		/* all idle: sched_op block/poll */
	int parent;		/* sub-command: index of its hypercall, else -1 */
};

struct pvt_cost_cpu {
	int cpu;
	u64 hcalls, hcall_ns, upcalls, upcall_ns, steal_ns;
	u64 runnable_ns, offline_ns;
	double hcall_share, upcall_share, steal_share;	/* of wall time */
};

struct pvt_cost {
	u64 wall_ns;
	int vcpus;		/* online at the end */
	int vcpus_start;	/* online at the start */
	u64 vcpu_ns;		/* wall_ns * vcpus */
	int have_hcalls, have_upcalls, have_steal, have_channels;
	int timing_off;		/* hcall_timing off, or Xen emulates the TSC */
	int reloaded;		/* counters went back: pvtrace was reloaded */
	int tsc_emulated;
	char steal_source[16];

	u64 hcall_calls, hcall_ns, idle_calls, idle_ns, untimed_calls;
	int nhc;
	struct pvt_cost_row *hc;	/* hypercalls and sub-commands */
	u64 upcalls, upcall_ns, handler_runs, handler_ns;
	int nch;
	struct pvt_cost_row *ch;	/* channels, then "(dispatch)" */
	u64 runnable_ns, offline_ns, generic_ns, steal_ns;

	/* The sources of the summary, largest first, and their sum. */
	int nsrc;
	struct pvt_cost_row src[4];
	u64 total_ns;
	double total_share, idle_share;

	int ncpu;
	struct pvt_cost_cpu *cpu;
};

/* Compute @c from snapshots @a then @b, @wall_ns apart. 0 or -1 (OOM). */
int pvt_cost_compute(const struct pvt_snap *a, const struct pvt_snap *b,
		     u64 wall_ns, struct pvt_cost *c);
void pvt_cost_free(struct pvt_cost *c);
/* Sort rows: largest time first, then calls, then name. */
void pvt_cost_sort(struct pvt_cost_row *rows, int n);

/* --- fmt.c: numbers for people --- */

/* "1.23 s", "45.6 ms", "789 us", "12 ns"; "-" for PVT_NO_TIME. */
const char *pvt_fmt_ns(u64 ns, char *buf, size_t len);
/* "12.34%" */
const char *pvt_fmt_pct(double pct, char *buf, size_t len);
/* An integer in unit "ns" or "ms" as exact decimal seconds ("0.000001"). */
const char *pvt_fmt_seconds(u64 v, int decimals, char *buf, size_t len);
/* "SECONDS" (decimals allowed) to ns: 0, or -1 if not a number > 0. */
int pvt_parse_seconds(const char *s, u64 *ns);

/* --- json.c: JSON output --- */

#define PVT_JSON_DEPTH 16

struct pvt_json {
	FILE *f;
	int depth;
	int count[PVT_JSON_DEPTH];	/* members written at each level */
	int pending_key;
};

void pvt_json_init(struct pvt_json *j, FILE *f);
void pvt_json_begin(struct pvt_json *j, int array);	/* { or [ */
void pvt_json_end(struct pvt_json *j, int array);	/* } or ] */
void pvt_json_key(struct pvt_json *j, const char *key);
void pvt_json_str(struct pvt_json *j, const char *s);
void pvt_json_u64(struct pvt_json *j, u64 v);
void pvt_json_double(struct pvt_json *j, double v);
void pvt_json_null(struct pvt_json *j);
void pvt_json_bool(struct pvt_json *j, int v);

/* --- stream.c: pvtrace record's streams --- */

/* The format of the file pvtrace record writes ("# pvtrace-recording 1"). */
#define PVT_RECORDING_VERSION 1

/*
 * Read the @n open streams (recorder/stream/cpuN) into the files @out[i]
 * until each has ended: 0, or a pvt_exit code with @e filled.
 */
int pvt_drain_streams(const int *fds, int n, FILE **out, struct pvt_err *e);

/*
 * Write the @n streams' lines (files, read from their start) to @out as
 * one recording in recorder/trace's format: the header once, then every
 * line by time_ns (stable within a stream, ties to the lower stream).
 * Each stream is a header then lines; an empty one is skipped. Once all
 * are checked, and before anything is written, @before (if not NULL)
 * writes what goes first. Memory: the lines of a window of twice the
 * longest duration, not the recording. @lines: the events written. 0, or
 * a pvt_exit code with @e filled (a malformed stream: nothing written).
 */
int pvt_merge_streams(FILE **s, int n, FILE *out, u64 *lines,
		      struct pvt_err *e,
		      int (*before)(FILE *out, void *arg, struct pvt_err *e),
		      void *arg);

/* --- run.c: the interval measured --- */

/* Run @cmd; its exit status, 128 + the signal that killed it, or -1. */
int pvt_run(char **cmd);
/* Until SIGINT or SIGTERM, or @ns nanoseconds (0: no limit). */
void pvt_wait(u64 ns);
#define PVT_WAIT_POLL_MS	100
void pvt_wait_until(u64 ns, int (*done)(void *arg), void *arg);
/* From now on, a SIGINT or SIGTERM is for pvt_wait() (call it first). */
void pvt_wait_prepare(void);

/* --- the commands --- */

int pvt_cmd_stat(int argc, char **argv);
int pvt_cmd_top(int argc, char **argv);
int pvt_cmd_export(int argc, char **argv);
int pvt_cmd_status(int argc, char **argv);
int pvt_cmd_record(int argc, char **argv);
int pvt_cmd_report(int argc, char **argv);

/* stat's output, for the tests: the report of @c as text or JSON. */
void pvt_stat_print(FILE *f, const struct pvt_cost *c, int percpu,
		    const char *scope, char *const *cmd, int status);
void pvt_stat_json(FILE *f, const struct pvt_cost *c, int percpu,
		   const char *scope, char *const *cmd, int status);

/* export's conversion, for the tests: the textfile of @dir into @f. */
struct pvt_export_opts {
	int cpu, sub, chan, callers, hist, cpuhist, chanhist, drivers;
	unsigned long max_series;
};

int pvt_export_write(const char *dir, const struct pvt_export_opts *o,
		     FILE *f, struct pvt_err *e);
void pvt_export_up0(FILE *f);

#endif
