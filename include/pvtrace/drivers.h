/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV driver calls: the pure part. The default probe targets, the syntax of
 * the probes= parameter and its parsing, and the names of xenstore message
 * types. module/drivers.c does the probing; the unit tests compile this
 * header in userspace (ARRAY_SIZE() from kselftest.h there).
 *
 * What is hooked (module/drivers.c), each target by a kretprobe on the
 * function's entry (count and time, per vCPU):
 * - in xen-netfront.ko: xennet_start_xmit() (one call per packet sent)
 *   and xennet_poll() (NAPI poll: receive and transmit-completion work);
 * - in xen-blkfront.ko: blkif_queue_rq() (one call per request queued),
 *   blkif_complete_rq() (one per request completed) and blkif_interrupt()
 *   (the ring's event handler);
 * - built in: notify_remote_via_irq() (a front- or back-end kicking its
 *   peer: EVTCHNOP_send), gnttab_map_refs(), gnttab_unmap_refs() and
 *   gnttab_batch_copy() (the grant operations that are hypercalls; granting
 *   and ending access are plain memory writes and are not counted);
 * - built in, by xenstore message type: xs_talkv() (every in-kernel
 *   xenstore request and its reply: the type is its second argument) and
 *   xenbus_dev_request_and_reply() (requests written to /dev/xen/xenbus;
 *   the type is in the message its first argument points to; the reply
 *   comes later, so its time is only the queueing).
 * Every one of these is a normal text function with an ftrace call site on
 * both Debian lines (6.1, 6.12), so it can take a kretprobe; the driver
 * functions are static and are found as "module:function".
 *
 * Targets in modules not loaded yet are "pending" and attach when the
 * module loads; they detach when it unloads.
 */
#ifndef _PVTRACE_DRIVERS_H
#define _PVTRACE_DRIVERS_H

#include <linux/types.h>

#include <pvtrace/hist.h>
#include <pvtrace/stats.h>

#define PVTRACE_DRV_TARGETS	32
#define PVTRACE_DRV_MOD_LEN	56	/* MODULE_NAME_LEN */
#define PVTRACE_DRV_FUNC_LEN	64
/* "module:function" and its NUL. */
#define PVTRACE_DRV_NAME_LEN	(PVTRACE_DRV_MOD_LEN + PVTRACE_DRV_FUNC_LEN)
#define PVTRACE_DRV_PARAM_LEN	1024
#define PVTRACE_DRV_VMLINUX	"vmlinux"

/* Xenstore message types: XS_TYPE_COUNT of Xen's xs_wire.h, and "other". */
#define PVTRACE_XS_TYPES	24
#define PVTRACE_XS_OTHER	(PVTRACE_XS_TYPES - 1)

/* What a target's statistics are keyed by besides the target. */
enum pvtrace_drv_kind {
	PVTRACE_DRV_PLAIN,		/* nothing */
	PVTRACE_DRV_XS_KERNEL,		/* xenstore type in the 2nd argument */
	PVTRACE_DRV_XS_USER,		/* ... in the message the 1st points to */
};

/* A target's state, as the functions file prints it. */
enum pvtrace_drv_state {
	PVTRACE_DRV_PENDING,		/* its module is not loaded */
	PVTRACE_DRV_ATTACHED,
	PVTRACE_DRV_FAILED,		/* its module loaded, it could not attach */
	PVTRACE_DRV_DETACHED,		/* attached, then its module unloaded */
};

static inline const char *pvtrace_drv_state_name(unsigned int state)
{
	static const char *const names[] = {
		"pending", "attached", "failed", "detached",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "-";
}

/**
 * struct pvtrace_drv_default - one target of the default set
 * @mod: module name as the kernel knows it ('_', not '-'), or "vmlinux"
 * @func: function
 * @role: what it stands for, for the functions file
 * @kind: enum pvtrace_drv_kind
 */
struct pvtrace_drv_default {
	const char *mod;
	const char *func;
	const char *role;
	unsigned int kind;
};

static const struct pvtrace_drv_default pvtrace_drv_defaults[] = {
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

#define PVTRACE_DRV_NDEFAULTS	ARRAY_SIZE(pvtrace_drv_defaults)

/**
 * struct pvtrace_drv_target - a probe target, parsed
 * @mod: module name, '-' turned into '_', or "vmlinux"
 * @func: function name
 * @role: the default set's role, "-" for one named by the user
 * @kind: enum pvtrace_drv_kind, from the function (the xenstore entry
 *	points are keyed by type wherever they come from)
 * @named: named in probes=: failing to attach it refuses the load, where
 *	a default target that cannot attach is only reported
 */
struct pvtrace_drv_target {
	char mod[PVTRACE_DRV_MOD_LEN];
	char func[PVTRACE_DRV_FUNC_LEN];
	const char *role;
	unsigned int kind;
	bool named;
};

/* Why a probes= value was refused (pvtrace_drv_parse()). */
enum pvtrace_drv_err {
	PVTRACE_DRV_OK,
	PVTRACE_DRV_ESYNTAX,		/* not module:function */
	PVTRACE_DRV_EMOD,		/* bad module name */
	PVTRACE_DRV_EFUNC,		/* bad function name */
	PVTRACE_DRV_EMIXED,		/* "+x" and "x" in one list */
	PVTRACE_DRV_ETOOMANY,		/* more than PVTRACE_DRV_TARGETS */
	PVTRACE_DRV_ELONG,		/* the value is too long */
};

static inline const char *pvtrace_drv_strerror(unsigned int err)
{
	static const char *const msg[] = {
		"ok",
		"not module:function",
		"bad module name (letters, digits, '_', '-'; at most 55)",
		"bad function name (letters, digits, '_', '.'; at most 63)",
		"mixes +module:function (add) and module:function (replace)",
		"too many targets (at most 32)",
		"value too long",
	};

	return err < ARRAY_SIZE(msg) ? msg[err] : "?";
}

static inline bool pvtrace_drv_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline bool pvtrace_drv_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Index of @mod:@func in the default set, or -1. */
static inline int pvtrace_drv_default_of(const char *mod, const char *func)
{
	unsigned int i;

	for (i = 0; i < PVTRACE_DRV_NDEFAULTS; i++)
		if (pvtrace_drv_streq(mod, pvtrace_drv_defaults[i].mod) &&
		    pvtrace_drv_streq(func, pvtrace_drv_defaults[i].func))
			return i;
	return -1;
}

/* The kind of statistics a function gets, wherever it was named. */
static inline unsigned int pvtrace_drv_kind(const char *mod, const char *func)
{
	int d = pvtrace_drv_default_of(mod, func);

	return d < 0 ? PVTRACE_DRV_PLAIN : pvtrace_drv_defaults[d].kind;
}

/* Index of @mod:@func in @t[0..@n), or -1. */
static inline int pvtrace_drv_find(const struct pvtrace_drv_target *t,
				   unsigned int n, const char *mod,
				   const char *func)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pvtrace_drv_streq(t[i].mod, mod) &&
		    pvtrace_drv_streq(t[i].func, func))
			return i;
	return -1;
}

/*
 * Parse one "module:function" of @len bytes at @s into @t. Module names
 * take '-' for '_', as modprobe does.
 */
static inline int pvtrace_drv_parse_one(const char *s, unsigned int len,
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
		if (!pvtrace_drv_alnum(s[i]) && s[i] != '-')
			return PVTRACE_DRV_EMOD;
		t->mod[i] = s[i] == '-' ? '_' : s[i];
	}
	t->mod[colon] = '\0';
	flen = len - colon - 1;
	if (flen >= PVTRACE_DRV_FUNC_LEN)
		return PVTRACE_DRV_EFUNC;
	for (i = 0; i < flen; i++) {
		char c = s[colon + 1 + i];

		if (!pvtrace_drv_alnum(c) && c != '.')
			return PVTRACE_DRV_EFUNC;
		t->func[i] = c;
	}
	t->func[flen] = '\0';
	if (t->func[0] >= '0' && t->func[0] <= '9')
		return PVTRACE_DRV_EFUNC;
	t->kind = pvtrace_drv_kind(t->mod, t->func);
	t->role = "-";
	t->named = true;
	return PVTRACE_DRV_OK;
}

/* The default set into @t; returns how many. */
static inline unsigned int pvtrace_drv_set_defaults(struct pvtrace_drv_target *t)
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
static inline int pvtrace_drv_parse(const char *val,
				    struct pvtrace_drv_target *t,
				    unsigned int *n, unsigned int *bad,
				    unsigned int *bad_len)
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
		err = pvtrace_drv_parse_one(val + start, end - start, &one);
		if (err)
			return err;
		d = pvtrace_drv_find(t, cnt, one.mod, one.func);
		if (d >= 0) {
			t[d].named = true;
		} else {
			if (cnt == PVTRACE_DRV_TARGETS)
				return PVTRACE_DRV_ETOOMANY;
			d = pvtrace_drv_default_of(one.mod, one.func);
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
static inline const char *pvtrace_xs_type_name(unsigned int type)
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

/* The slot of a message type: out-of-range types share the last one. */
static __always_inline unsigned int pvtrace_xs_slot(u32 type)
{
	return type < PVTRACE_XS_OTHER ? type : PVTRACE_XS_OTHER;
}

/*
 * Per-CPU statistics. Function times are recorded on the vCPU the
 * function returned on (a function that sleeps may return elsewhere).
 */
struct pvtrace_drv_cpu {
	struct pvtrace_sync sync;
	struct pvtrace_hist lat[PVTRACE_DRV_TARGETS];
};

/*
 * Xenstore requests by type: @kernel, in-kernel requests timed to their
 * reply (xs_talkv); @user, requests from /dev/xen/xenbus, counted.
 */
struct pvtrace_drv_xs_cpu {
	struct pvtrace_sync sync;
	struct pvtrace_hist kernel[PVTRACE_XS_TYPES];
	u64 user[PVTRACE_XS_TYPES];
};

/* module/drivers.c, for debugfs/drivers.c. */
struct pvtrace_drv_info {
	char name[PVTRACE_DRV_NAME_LEN];	/* module:function */
	const char *role;
	unsigned int state;
	int err;			/* last attach error, 0 if none */
	unsigned long missed;
};

unsigned int pvtrace_drv_count(void);
bool pvtrace_drv_info(unsigned int i, struct pvtrace_drv_info *info);
struct pvtrace_stats *pvtrace_drv_stats(void);
struct pvtrace_stats *pvtrace_drv_xs_stats(void);

#endif /* _PVTRACE_DRIVERS_H */
