// SPDX-License-Identifier: GPL-2.0
/*
 * A refused parameter value in its log line (include/pvtrace/param.h).
 *
 * A value written to /sys/module/pvtrace/parameters/ may be up to a page
 * long. printk cuts a message at about 1000 characters, and a message cut
 * before its newline stays open for a continuation: dmesg does not show it
 * until the next message arrives, so the refusal would look unlogged. The
 * log line therefore shows at most PVTRACE_VAL_SHOWN characters of the
 * value, and no control character (an escape sequence in a value must not
 * reach a terminal reading the log).
 */
#include <linux/types.h>

#include <pvtrace/param.h>

const char *pvtrace_valn(struct pvtrace_val *v, const char *val, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < PVTRACE_VAL_SHOWN && val[i] &&
	     val[i] != '\n'; i++)
		v->s[i] = val[i] >= ' ' && val[i] <= '~' ? val[i] : '?';
	if (i < len && val[i] && val[i] != '\n') {
		v->s[i++] = '.';
		v->s[i++] = '.';
		v->s[i++] = '.';
	}
	v->s[i] = '\0';
	return v->s;
}

const char *pvtrace_val(struct pvtrace_val *v, const char *val)
{
	return pvtrace_valn(v, val, PVTRACE_VAL_SHOWN + 1);
}
