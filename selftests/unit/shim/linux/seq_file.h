/* SPDX-License-Identifier: GPL-2.0 */
/* A seq_file that collects into a fixed buffer, for the format tests. */
#ifndef _SHIM_LINUX_SEQ_FILE_H
#define _SHIM_LINUX_SEQ_FILE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct seq_file {
	char buf[65536];
	size_t len;
	int overflow;
};

static inline __attribute__((format(printf, 2, 3)))
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	size_t room = sizeof(m->buf) - m->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		m->overflow = 1;
	else
		m->len += n;
}

static inline void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}

#endif
