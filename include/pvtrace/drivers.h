/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV driver calls: the layouts the driver hook (module/drivers.c) and its
 * files (debugfs/drivers.c) share, the probes= syntax's targets and
 * errors, and the snapshots debugfs reads. The default probe targets, the
 * parser and the names are in module/drivers_parse.c, which the unit
 * tests compile in userspace.
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

/* The default set (module/drivers_parse.c). */
#define PVTRACE_DRV_NDEFAULTS	11
extern const struct pvtrace_drv_default pvtrace_drv_defaults[PVTRACE_DRV_NDEFAULTS];

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

/*
 * module/drivers_parse.c: the probes= parser and the names, pure (the unit
 * tests compile it in userspace).
 */
int pvtrace_drv_parse(const char *val, struct pvtrace_drv_target *t,
		      unsigned int *n, unsigned int *bad, unsigned int *bad_len);
unsigned int pvtrace_drv_set_defaults(struct pvtrace_drv_target *t);
int pvtrace_drv_find(const struct pvtrace_drv_target *t, unsigned int n,
		     const char *mod, const char *func);
const char *pvtrace_drv_strerror(unsigned int err);
const char *pvtrace_drv_state_name(unsigned int state);
const char *pvtrace_xs_type_name(unsigned int type);

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
