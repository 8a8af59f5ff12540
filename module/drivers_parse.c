// SPDX-License-Identifier: GPL-2.0
/*
 * The driver hook's pure part: the default probe targets, the probes=
 * parser (syntax: include/pvtrace/drivers.h, pvtrace_drv_parse()) and the
 * names the files print. No kernel state: module/drivers.c calls it at
 * load, debugfs/drivers.c for names, and the unit tests compile this file
 * as is in userspace (selftests/unit/drivers_test.c).
 */
#include <linux/types.h>

#include <pvtrace/drivers.h>

/* A target's state, as the functions file names it. */
const char *pvtrace_drv_state_name(unsigned int state)
{
	static const char *const names[PVTRACE_DRV_DETACHED + 1] = {
		"pending", "attached", "failed", "detached",
	};

	return state <= PVTRACE_DRV_DETACHED ? names[state] : "-";
}

/*
 * The default set: what drivers=1 probes without probes= (include/pvtrace/
 * drivers.h says why each). Sized by the header's declaration: an entry
 * added or removed without changing PVTRACE_DRV_NDEFAULTS does not build.
 */
const struct pvtrace_drv_default pvtrace_drv_defaults[] = {
	{ "xen_netfront", "xennet_start_xmit", "net_xmit", PVTRACE_DRV_PLAIN },
	{ "xen_netfront", "xennet_poll", "net_poll", PVTRACE_DRV_PLAIN },
	{ "xen_blkfront", "blkif_queue_rq", "blk_queue", PVTRACE_DRV_PLAIN },
	{ "xen_blkfront", "blkif_complete_rq", "blk_complete", PVTRACE_DRV_PLAIN },
	{ "xen_blkfront", "blkif_interrupt", "blk_irq", PVTRACE_DRV_PLAIN },
	{ "vmlinux", "notify_remote_via_irq", "evtchn_notify", PVTRACE_DRV_PLAIN },
	{ "vmlinux", "gnttab_map_refs", "gnttab_map", PVTRACE_DRV_PLAIN },
	{ "vmlinux", "gnttab_unmap_refs", "gnttab_unmap", PVTRACE_DRV_PLAIN },
	{ "vmlinux", "gnttab_batch_copy", "gnttab_copy", PVTRACE_DRV_PLAIN },
	{ "vmlinux", "xs_talkv", "xenbus_kernel", PVTRACE_DRV_XS_KERNEL },
	{ "vmlinux", "xenbus_dev_request_and_reply", "xenbus_user",
	  PVTRACE_DRV_XS_USER },
};

/* Why a probes= value was refused, for the log line. */
const char *pvtrace_drv_strerror(unsigned int err)
{
	static const char *const msg[PVTRACE_DRV_ELONG + 1] = {
		"ok",
		"not module:function",
		"bad module name (letters, digits, '_', '-'; at most 55)",
		"bad function name (letters, digits, '_', '.'; at most 63)",
		"mixes +module:function (add) and module:function (replace)",
		"too many targets (at most 32)",
		"value too long",
	};

	return err <= PVTRACE_DRV_ELONG ? msg[err] : "?";
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Index of @mod:@func in the default set, or -1. */
static int default_of(const char *mod, const char *func)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_DRV_NDEFAULTS; i++)
		if (streq(mod, pvtrace_drv_defaults[i].mod) &&
		    streq(func, pvtrace_drv_defaults[i].func))
			return i;
	return -1;
}

/* The kind of statistics a function gets, wherever it was named. */
static unsigned int kind_of(const char *mod, const char *func)
{
	int d = default_of(mod, func);

	return d < 0 ? PVTRACE_DRV_PLAIN : pvtrace_drv_defaults[d].kind;
}

/* Index of @mod:@func in @t[0..@n), or -1. */
int pvtrace_drv_find(const struct pvtrace_drv_target *t, unsigned int n,
		     const char *mod, const char *func)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (streq(t[i].mod, mod) &&
		    streq(t[i].func, func))
			return i;
	return -1;
}

/*
 * Parse one "module:function" of @len bytes at @s into @t. Module names
 * take '-' for '_', as modprobe does.
 */
static int parse_one(const char *s, unsigned int len,
		     struct pvtrace_drv_target *t)
{
	unsigned int i, colon = len, flen;

	for (i = 0; i < len; i++) {
		if (s[i] == ':') {
			colon = i;
			break;
		}
	}
	if (colon == len || !colon || colon + 1 == len)
		return PVTRACE_DRV_ESYNTAX;
	if (colon >= PVTRACE_DRV_MOD_LEN)
		return PVTRACE_DRV_EMOD;
	for (i = 0; i < colon; i++) {
		if (!is_alnum(s[i]) && s[i] != '-')
			return PVTRACE_DRV_EMOD;
		t->mod[i] = s[i] == '-' ? '_' : s[i];
	}
	t->mod[colon] = '\0';
	flen = len - colon - 1;
	if (flen >= PVTRACE_DRV_FUNC_LEN)
		return PVTRACE_DRV_EFUNC;
	for (i = 0; i < flen; i++) {
		char c = s[colon + 1 + i];

		if (!is_alnum(c) && c != '.')
			return PVTRACE_DRV_EFUNC;
		t->func[i] = c;
	}
	t->func[flen] = '\0';
	if (t->func[0] >= '0' && t->func[0] <= '9')
		return PVTRACE_DRV_EFUNC;
	t->kind = kind_of(t->mod, t->func);
	t->role = "-";
	t->named = true;
	return PVTRACE_DRV_OK;
}

/* The default set into @t; returns how many. */
unsigned int pvtrace_drv_set_defaults(struct pvtrace_drv_target *t)
{
	unsigned int i, j;

	for (i = 0; i < PVTRACE_DRV_NDEFAULTS; i++) {
		const struct pvtrace_drv_default *d = &pvtrace_drv_defaults[i];

		for (j = 0; d->mod[j]; j++)
			t[i].mod[j] = d->mod[j];
		t[i].mod[j] = '\0';
		for (j = 0; d->func[j]; j++)
			t[i].func[j] = d->func[j];
		t[i].func[j] = '\0';
		t[i].role = d->role;
		t[i].kind = d->kind;
		t[i].named = false;
	}
	return i;
}

/**
 * pvtrace_drv_parse() - the targets a probes= value asks for
 * @val: the value: "" (or a lone newline) for the default set; a
 *	comma-separated list of "+module:function" to add to the default
 *	set; or of "module:function" to replace it. "vmlinux" names the
 *	kernel itself. One trailing newline (as sysfs writes have) is
 *	ignored.
 * @t: PVTRACE_DRV_TARGETS entries to fill
 * @n: set to the number of targets
 * @bad: set to the offset in @val of the item refused, when one is
 * @bad_len: and to its length
 *
 * A target listed twice (or added and already in the default set) counts
 * once, as named; a function of the default set keeps its role when it is
 * named.
 *
 * Return: PVTRACE_DRV_OK, or an enum pvtrace_drv_err.
 */
int pvtrace_drv_parse(const char *val, struct pvtrace_drv_target *t,
		      unsigned int *n, unsigned int *bad, unsigned int *bad_len)
{
	unsigned int len = 0, pos = 0, cnt = 0;
	int mode = 0;	/* 1: add, 2: replace */

	*bad = 0;
	*bad_len = 0;
	while (val[len] && len < PVTRACE_DRV_PARAM_LEN)
		len++;
	if (len == PVTRACE_DRV_PARAM_LEN)
		return PVTRACE_DRV_ELONG;
	if (len && val[len - 1] == '\n')
		len--;
	*n = 0;
	if (!len) {
		*n = pvtrace_drv_set_defaults(t);
		return PVTRACE_DRV_OK;
	}
	while (pos <= len) {
		struct pvtrace_drv_target one;
		unsigned int end = pos, start;
		int add, err, d;

		while (end < len && val[end] != ',')
			end++;
		*bad = pos;
		*bad_len = end - pos;
		add = pos < end && val[pos] == '+';
		if (mode && mode != (add ? 1 : 2))
			return PVTRACE_DRV_EMIXED;
		if (!mode) {
			mode = add ? 1 : 2;
			if (add)
				cnt = pvtrace_drv_set_defaults(t);
		}
		start = pos + add;
		err = parse_one(val + start, end - start, &one);
		if (err)
			return err;
		d = pvtrace_drv_find(t, cnt, one.mod, one.func);
		if (d >= 0) {
			t[d].named = true;
		} else {
			if (cnt == PVTRACE_DRV_TARGETS)
				return PVTRACE_DRV_ETOOMANY;
			d = default_of(one.mod, one.func);
			if (d >= 0)
				one.role = pvtrace_drv_defaults[d].role;
			t[cnt++] = one;
		}
		pos = end + 1;
	}
	*n = cnt;
	*bad = 0;
	*bad_len = 0;
	return PVTRACE_DRV_OK;
}

/* Xen's name of xenstore message type @type (xs_wire.h), or "other". */
const char *pvtrace_xs_type_name(unsigned int type)
{
	static const char *const names[PVTRACE_XS_TYPES - 1] = {
		"XS_CONTROL", "XS_DIRECTORY", "XS_READ", "XS_GET_PERMS",
		"XS_WATCH", "XS_UNWATCH", "XS_TRANSACTION_START",
		"XS_TRANSACTION_END", "XS_INTRODUCE", "XS_RELEASE",
		"XS_GET_DOMAIN_PATH", "XS_WRITE", "XS_MKDIR", "XS_RM",
		"XS_SET_PERMS", "XS_WATCH_EVENT", "XS_ERROR",
		"XS_IS_DOMAIN_INTRODUCED", "XS_RESUME", "XS_SET_TARGET",
		"XS_RESTRICT", "XS_RESET_WATCHES", "XS_DIRECTORY_PART",
	};

	return type < PVTRACE_XS_OTHER ? names[type] : "other";
}
