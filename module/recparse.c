// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the flight recorder's parameters (Documentation/parameters.rst):
 * "record" (on, off, or a duration) and "record_filter" (which events).
 * Pure: no kernel state, so the unit tests compile this file as is in
 * userspace (selftests/unit/recorder_test.c); module/recorder_param.c and
 * module/recorder.c call it. The hypercall and sub-command names are those
 * of include/pvtrace/hcall.h.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include <pvtrace/hcall.h>
#include <pvtrace/recorder.h>
#include <pvtrace/recparse.h>

/* Parse a decimal number of at most 9 digits from [@s, @e); -1 if not one. */
static long rec_num(const char *s, const char *e)
{
	long v = 0;

	if (s == e || e - s > 9)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Length of @s without a trailing newline (as sysfs writes carry one). */
size_t pvtrace_rec_len(const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		n--;
	return n;
}

/**
 * pvtrace_rec_parse_record() - parse a value of the "record" parameter
 * @s: "on", "off", or a duration: digits then "ms", "s" or "m"
 * @on: set to whether a recording is to run
 * @ms: set to its duration in ms, 0 for "until stopped"
 *
 * Return: 0, or -EINVAL (and nothing set) for anything else, a duration
 * of 0 or one over PVTRACE_REC_MAX_MS.
 */
int pvtrace_rec_parse_record(const char *s, bool *on, unsigned long *ms)
{
	size_t n = pvtrace_rec_len(s);
	const char *u = s;
	unsigned long mult;
	long v;

	if ((n == 2 && !strncmp(s, "on", 2)) || (n == 1 && s[0] == '1')) {
		*on = true;
		*ms = 0;
		return 0;
	}
	if ((n == 3 && !strncmp(s, "off", 3)) || (n == 1 && s[0] == '0')) {
		*on = false;
		*ms = 0;
		return 0;
	}
	while (u < s + n && *u >= '0' && *u <= '9')
		u++;
	if (s + n - u == 2 && !strncmp(u, "ms", 2))
		mult = 1;
	else if (s + n - u == 1 && *u == 's')
		mult = 1000;
	else if (s + n - u == 1 && *u == 'm')
		mult = 60000;
	else
		return -EINVAL;
	v = rec_num(s, u);
	if (v <= 0 || (unsigned long)v > PVTRACE_REC_MAX_MS / mult)
		return -EINVAL;
	*on = true;
	*ms = v * mult;
	return 0;
}

static void set_slot(struct pvtrace_rec_filter *f, unsigned int slot)
{
	f->slots[slot / 64] |= 1ULL << (slot % 64);
}

/*
 * A hypercall "NAME", "NAME:SUB" or "NR" from [@s, @e): its number, and
 * the slot of SUB (PVTRACE_TRIG_ANY without one); 0 or -EINVAL.
 */
static int lookup_hcall(const char *s, const char *e, unsigned int *nr,
			unsigned int *slot)
{
	const char *colon = memchr(s, ':', e - s);
	const char *ne = colon ? colon : e;
	unsigned int n, mux, i, first;
	long v = rec_num(s, ne);

	for (n = 0; v < 0 && n < PVTRACE_HCALL_NR; n++) {
		const char *name = pvtrace_hcall_names[n];

		if (name && strlen(name) == (size_t)(ne - s) &&
		    !strncmp(name, s, ne - s))
			v = n;
	}
	if (v < 0 || v >= PVTRACE_HCALL_NR)
		return -EINVAL;
	*nr = v;
	*slot = PVTRACE_TRIG_ANY;
	if (!colon)
		return 0;
	mux = pvtrace_hcall_mux[v];
	if (!mux)
		return -EINVAL;	/* not a multiplexed hypercall */
	first = pvtrace_mux_first[mux];
	for (i = 0; i < pvtrace_mux_count[mux]; i++) {
		const char *sub = pvtrace_sub_names[first + i];

		if (strlen(sub) == (size_t)(e - colon - 1) &&
		    !strncmp(sub, colon + 1, e - colon - 1)) {
			*slot = PVTRACE_SLOT_SUB0 + first + i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * "hcall=NAME", "hcall=NAME:SUB" or "hcall=NR" from [@s, @e): set the
 * slots; 0 or -EINVAL.
 */
static int parse_hcall(struct pvtrace_rec_filter *f, const char *s,
		       const char *e)
{
	unsigned int nr, slot, mux, i;

	if (lookup_hcall(s, e, &nr, &slot))
		return -EINVAL;
	if (slot != PVTRACE_TRIG_ANY) {
		set_slot(f, slot);
		return 0;
	}
	mux = pvtrace_hcall_mux[nr];
	if (!mux) {
		set_slot(f, nr);
		return 0;
	}
	for (i = 0; i < pvtrace_mux_count[mux]; i++)
		set_slot(f, PVTRACE_SLOT_SUB0 + pvtrace_mux_first[mux] + i);
	return 0;
}

/* "cpu=N" or "cpu=N-M" from [@s, @e). */
static int parse_cpus(struct pvtrace_rec_filter *f, const char *s,
		      const char *e)
{
	const char *dash = memchr(s, '-', e - s);
	long lo = rec_num(s, dash ? dash : e);
	long hi = dash ? rec_num(dash + 1, e) : lo;

	if (lo < 0 || hi < lo || hi >= PVTRACE_REC_MAX_CPUS)
		return -EINVAL;
	for (; lo <= hi; lo++)
		f->cpus[lo / 64] |= 1ULL << (lo % 64);
	f->all_cpus = false;
	return 0;
}

/*
 * One term from [@s, @e); @any_type: an event term was seen; @hcall_all:
 * the term "hcall" was. 0 or -EINVAL.
 */
static int parse_term(struct pvtrace_rec_filter *f, const char *s,
		      const char *e, bool *any_type, bool *hcall_all)
{
	size_t n = e - s;
	long v;

#define PVTRACE_TERM_IS(lit)	(n == sizeof(lit) - 1 && !strncmp(s, lit, n))
#define PVTRACE_TERM_KEY(lit)	(n > sizeof(lit) - 1 && \
				 !strncmp(s, lit, sizeof(lit) - 1))
	if (PVTRACE_TERM_IS("hcall")) {
		f->types |= 1U << PVTRACE_REC_HCALL;
		*hcall_all = true;
	} else if (PVTRACE_TERM_IS("upcall")) {
		f->types |= 1U << PVTRACE_REC_UPCALL;
	} else if (PVTRACE_TERM_IS("steal")) {
		f->types |= 1U << PVTRACE_REC_STEAL;
	} else if (PVTRACE_TERM_KEY("hcall=")) {
		f->types |= 1U << PVTRACE_REC_HCALL;
		if (parse_hcall(f, s + 6, e))
			return -EINVAL;
	} else if (PVTRACE_TERM_KEY("port=")) {
		v = rec_num(s + 5, e);
		if (v < 0 || f->nports >= PVTRACE_REC_FILTER_PORTS)
			return -EINVAL;
		f->types |= 1U << PVTRACE_REC_UPCALL;
		f->port[f->nports++] = v;
	} else if (PVTRACE_TERM_KEY("cpu=")) {
		return parse_cpus(f, s + 4, e);
	} else {
		return -EINVAL;
	}
#undef PVTRACE_TERM_IS
#undef PVTRACE_TERM_KEY
	*any_type = true;
	return 0;
}

/**
 * pvtrace_rec_parse_filter() - parse a value of "record_filter"
 * @s: "all" (or empty), or comma-separated terms: "hcall", "hcall=NAME",
 *	"hcall=NAME:SUB", "hcall=NR", "upcall", "port=N", "steal", "cpu=N",
 *	"cpu=N-M". Event terms select event types (none: every type); terms
 *	of one type are alternatives; cpu= terms restrict every type.
 * @f: the filter, filled in on success
 * @bad: set to the offset of the offending term on failure
 *
 * Return: 0 or -EINVAL.
 */
int pvtrace_rec_parse_filter(const char *s, struct pvtrace_rec_filter *f,
			     size_t *bad)
{
	size_t n = pvtrace_rec_len(s);
	const char *p = s, *end = s + n, *e;
	bool any_type = false, hcall_all = false, any_hcall_slot = false;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->all_cpus = true;
	*bad = 0;
	if (n == 0 || (n == 3 && !strncmp(s, "all", 3)))
		goto all;
	while (p <= end) {
		e = memchr(p, ',', end - p);
		if (!e)
			e = end;
		if (e == p || e - p > PVTRACE_REC_TERM_MAX ||
		    parse_term(f, p, e, &any_type, &hcall_all)) {
			*bad = p - s;
			memset(f, 0, sizeof(*f));
			return -EINVAL;
		}
		p = e + 1;
	}
	for (i = 0; i < PVTRACE_REC_SLOT_WORDS; i++)
		any_hcall_slot |= f->slots[i] != 0;
	if (hcall_all || !any_hcall_slot)
		memset(f->slots, 0xff, sizeof(f->slots));
	if (!any_type)
		goto all_types;
	return 0;
all:
	memset(f->slots, 0xff, sizeof(f->slots));
all_types:
	f->types = 1U << PVTRACE_REC_HCALL | 1U << PVTRACE_REC_UPCALL |
		   1U << PVTRACE_REC_STEAL;
	return 0;
}

/**
 * pvtrace_rec_parse_window() - parse a value of "record_flight"
 * @s: "off" or "0" (the next recording keeps everything it can), or a
 *	duration as "record" takes it: keep the last that long
 * @ms: set to the duration in ms, 0 for off
 *
 * Return: 0, or -EINVAL (and @ms not set).
 */
int pvtrace_rec_parse_window(const char *s, unsigned long *ms)
{
	size_t n = pvtrace_rec_len(s);
	unsigned long v;
	bool on;

	if ((n == 2 && !strncmp(s, "on", 2)) || (n == 1 && s[0] == '1'))
		return -EINVAL;	/* "on" says no length */
	if (pvtrace_rec_parse_record(s, &on, &v))
		return -EINVAL;
	*ms = on ? v : 0;
	return 0;
}

/* A duration from [@s, @e): digits, then ns, us, ms or s; -1 if not one. */
static s64 trig_ns(const char *s, const char *e)
{
	const char *u = s;
	size_t n;
	long v;

	while (u < e && *u >= '0' && *u <= '9')
		u++;
	v = rec_num(s, u);
	n = e - u;
	if (v <= 0)
		return -1;
	if (n == 2 && !strncmp(u, "ns", 2))
		return v;
	if (n == 2 && !strncmp(u, "us", 2))
		return v * 1000LL;
	if (n == 2 && !strncmp(u, "ms", 2))
		return v * 1000000LL;
	if (n == 1 && *u == 's')
		return v * 1000000000LL;
	return -1;
}

/* One trigger term from [@s, @e) into @t; 0 or -EINVAL. */
static int parse_trig(struct pvtrace_rec_trig *t, const char *s, const char *e)
{
	const char *gt = memchr(s, '>', e - s);
	const char *ke = gt ? gt : e;
	size_t n = ke - s;
	unsigned int nr, slot;
	s64 ns = 0;

	t->nr = PVTRACE_TRIG_ANY;
	t->slot = PVTRACE_TRIG_ANY;
	if (gt) {
		ns = trig_ns(gt + 1, e);
		if (ns < 0)
			return -EINVAL;
		t->ns = ns;
	}
#define PVTRACE_KEY_IS(lit)	(n == sizeof(lit) - 1 && !strncmp(s, lit, n))
#define PVTRACE_KEY_HAS(lit)	(n > sizeof(lit) - 1 && \
				 !strncmp(s, lit, sizeof(lit) - 1))
	if (PVTRACE_KEY_IS("upcall") && gt) {
		t->kind = PVTRACE_TRIG_UPCALL_SLOW;
		return 0;
	}
	if (PVTRACE_KEY_IS("hcall") && gt) {
		t->kind = PVTRACE_TRIG_HCALL_SLOW;
		return 0;
	}
	if (PVTRACE_KEY_IS("error") && !gt) {
		t->kind = PVTRACE_TRIG_HCALL_ERR;
		return 0;
	}
	if (PVTRACE_KEY_HAS("hcall=") && gt) {
		t->kind = PVTRACE_TRIG_HCALL_SLOW;
		s += 6;
	} else if (PVTRACE_KEY_HAS("error=") && !gt) {
		t->kind = PVTRACE_TRIG_HCALL_ERR;
		s += 6;
	} else {
		return -EINVAL;
	}
#undef PVTRACE_KEY_IS
#undef PVTRACE_KEY_HAS
	if (lookup_hcall(s, ke, &nr, &slot))
		return -EINVAL;
	t->nr = nr;
	t->slot = slot;
	return 0;
}

/**
 * pvtrace_rec_parse_trigger() - parse a value of "record_trigger"
 * @s: "none" (or empty), or up to PVTRACE_REC_TRIGGERS comma-separated
 *	terms, any of which ends the recording: "hcall>DUR",
 *	"hcall=NAME[:SUB]>DUR" or "hcall=NR>DUR" (a hypercall longer than
 *	DUR), "upcall>DUR", "error" or "error=NAME[:SUB]" (a hypercall that
 *	returns an error). DUR: digits then ns, us, ms or s.
 * @t: the triggers, filled in on success
 * @bad: set to the offset of the offending term on failure
 *
 * Return: 0 or -EINVAL.
 */
int pvtrace_rec_parse_trigger(const char *s, struct pvtrace_rec_trigs *t,
			      size_t *bad)
{
	size_t n = pvtrace_rec_len(s);
	const char *p = s, *end = s + n, *e;

	memset(t, 0, sizeof(*t));
	*bad = 0;
	if (n == 0 || (n == 4 && !strncmp(s, "none", 4)))
		return 0;
	while (p <= end) {
		e = memchr(p, ',', end - p);
		if (!e)
			e = end;
		if (e == p || e - p > PVTRACE_REC_TERM_MAX ||
		    t->n >= PVTRACE_REC_TRIGGERS ||
		    parse_trig(&t->t[t->n], p, e)) {
			*bad = p - s;
			memset(t, 0, sizeof(*t));
			return -EINVAL;
		}
		t->n++;
		p = e + 1;
	}
	return 0;
}
