// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers for people (times with a unit, shares in percent) and for
 * Prometheus (integers as exact decimal seconds), and durations given on
 * the command line.
 */
#include <stdlib.h>
#include <string.h>

#include "pvtrace.h"

const char *pvt_fmt_ns(u64 ns, char *buf, size_t len)
{
	if (ns == PVT_NO_TIME)
		snprintf(buf, len, "-");
	else if (ns >= 1000000000ULL)
		snprintf(buf, len, "%.3f s", ns / 1e9);
	else if (ns >= 1000000ULL)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else if (ns >= 1000ULL)
		snprintf(buf, len, "%.3f us", ns / 1e3);
	else
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	return buf;
}

const char *pvt_fmt_pct(double pct, char *buf, size_t len)
{
	if (pct < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f%%", pct);
	return buf;
}

const char *pvt_fmt_seconds(u64 v, int decimals, char *buf, size_t len)
{
	char digits[32], *frac;
	size_t n, ilen;
	int d;

	n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	if (!decimals || !v) {
		snprintf(buf, len, "%s", digits);
		return buf;
	}
	if (n <= (size_t)decimals) {
		/* 0.000001023: pad with zeros on the left. */
		char pad[64];

		d = decimals - n;
		memset(pad, '0', d);
		snprintf(pad + d, sizeof(pad) - d, "%s", digits);
		frac = pad;
		n = strlen(frac);
		while (n && frac[n - 1] == '0')
			frac[--n] = '\0';
		snprintf(buf, len, "0.%s", frac);
		return buf;
	}
	ilen = n - decimals;
	frac = digits + ilen;
	n = strlen(frac);
	while (n && frac[n - 1] == '0')
		frac[--n] = '\0';
	if (!*frac)
		snprintf(buf, len, "%.*s", (int)ilen, digits);
	else
		snprintf(buf, len, "%.*s.%s", (int)ilen, digits, frac);
	return buf;
}

int pvt_parse_seconds(const char *s, u64 *ns)
{
	u64 whole = 0, frac = 0, scale = 1000000000ULL;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 100000000ULL)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p || p == s || (p == s + 1 && *s == '.'))
		return -1;
	*ns = whole * 1000000000ULL + frac;
	return *ns ? 0 : -1;
}
