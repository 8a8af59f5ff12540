/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing the flight recorder's parameters (Documentation/parameters.rst):
 * "record" (on, off, or a duration), "record_filter" (which events),
 * "record_flight" (how much of the end to keep) and "record_trigger"
 * (what ends a recording).
 * The parsers are in module/recparse.c, which the unit tests compile in
 * userspace too.
 */
#ifndef _PVTRACE_RECPARSE_H
#define _PVTRACE_RECPARSE_H

#include <linux/types.h>

#include <pvtrace/recorder.h>

#define PVTRACE_REC_TERM_MAX	64	/* longest filter term */
#define PVTRACE_REC_MAX_MS	(24UL * 3600 * 1000)	/* one day */

/* Length of @s without a trailing newline (as sysfs writes carry one). */
size_t pvtrace_rec_len(const char *s);
int pvtrace_rec_parse_record(const char *s, bool *on, unsigned long *ms);
int pvtrace_rec_parse_filter(const char *s, struct pvtrace_rec_filter *f,
			     size_t *bad);
int pvtrace_rec_parse_window(const char *s, unsigned long *ms);
int pvtrace_rec_parse_trigger(const char *s, struct pvtrace_rec_trigs *t,
			      size_t *bad);

#endif /* _PVTRACE_RECPARSE_H */
