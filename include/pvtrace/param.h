/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every parameter's setter shares (module/param.c): how a refused
 * value is shown in its one log line. Pure: the unit tests compile
 * module/param.c in userspace (selftests/unit/param_test.c).
 */
#ifndef _PVTRACE_PARAM_H
#define _PVTRACE_PARAM_H

#include <linux/types.h>

/* The most of a refused value its log line shows. */
#define PVTRACE_VAL_SHOWN	48

/**
 * struct pvtrace_val - room for a refused value as its log line shows it
 * @s: the value up to its first newline and at most PVTRACE_VAL_SHOWN
 *	characters, other control and non-ASCII bytes as '?', and "..."
 *	when cut
 */
struct pvtrace_val {
	char s[PVTRACE_VAL_SHOWN + 4];
};

/*
 * pvtrace_val() - @val as its log line shows it, in @v; returns @v->s.
 * pvtrace_valn() - the same of @val's first @len characters at most (an
 * item of a list).
 */
const char *pvtrace_val(struct pvtrace_val *v, const char *val);
const char *pvtrace_valn(struct pvtrace_val *v, const char *val, size_t len);

#endif /* _PVTRACE_PARAM_H */
