/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upcalls: the pure part. How an event channel is keyed and found in the
 * channel table, what its binding is called, and how a handler's name is
 * made safe for a whitespace-separated record. module/upcall.c does the
 * probing; the unit tests compile this header in userspace.
 *
 * What is hooked (module/upcall.c; both kernel lines):
 * - xen_evtchn_do_upcall(), by a direct ftrace call (or a kretprobe,
 *   upcall_hook=kprobe): every upcall, from PV's hypervisor callback and
 *   from HVM/PVH's callback vector alike; its time, how many events it
 *   handled, and its return (IRQ_NONE: nothing pending).
 * - handle_irq_for_port(port, ...), by a direct ftrace call (or a kprobe):
 *   the events the upcall loop dispatches, and which port each came from.
 * - the irq:irq_handler_entry/exit tracepoints: the handler's IRQ, its
 *   name (struct irqaction.name, as /proc/interrupts shows it) and time.
 *   They fire for every interrupt; outside an upcall they return after one
 *   per-CPU load.
 *
 * Not every event goes through handle_irq_for_port(): the 2-level event
 * ABI runs the vCPU's timer first, straight through generic_handle_irq().
 * So a channel is keyed by what the handler tracepoints always know, its
 * IRQ and irqaction; its port is learnt from the dispatch that preceded a
 * handler run whenever there was one, and checked with irq_from_evtchn().
 */
#ifndef _PVTRACE_UPCALL_H
#define _PVTRACE_UPCALL_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/compiler.h>

#include <pvtrace/hist.h>
#include <pvtrace/stats.h>

/*
 * Channels are (IRQ, irqaction) pairs, in a table of PVTRACE_CHANS entries
 * claimed on first sight from the handler path (one cmpxchg, once per
 * channel). A channel re-bound to a new irqaction (a vCPU brought back
 * online, a driver reloaded) is a new channel. Handler runs of channels
 * past the table's end are counted, not dropped silently ("overflow").
 */
#define PVTRACE_CHANS		256	/* a power of two */
#define PVTRACE_CHAN_PROBES	16
#define PVTRACE_CHANS_PER_BLOCK	64
#define PVTRACE_CHAN_BLOCKS	(PVTRACE_CHANS / PVTRACE_CHANS_PER_BLOCK)
#define PVTRACE_CHAN_NAME	24

/*
 * Key 0 means free; the irqaction's address, without its alignment bits,
 * is folded to 31 bits with the top bit set, so no key is 0.
 */
static inline u64 pvtrace_chan_key(const void *action, int irq)
{
	unsigned long a = (unsigned long)action >> 4;
	u32 tag = (u32)(a ^ (a >> 32)) | 0x80000000u;

	return (u64)tag << 32 | (u32)irq;
}

static inline int pvtrace_chan_key_irq(u64 key)
{
	return (int)(u32)key;
}

static inline unsigned int pvtrace_chan_hash(u64 key)
{
	/* Fibonacci hashing (hash_64()) onto log2(PVTRACE_CHANS) bits. */
	return (key * 0x61c8864680b583ebULL) >> (64 - 8);
}

/**
 * pvtrace_chan_find() - the table entry of a channel, claiming one if new
 * @keys: the table's keys, PVTRACE_CHANS of them; 0 is free
 * @key: pvtrace_chan_key()
 * @claimed: set to true when this call claimed the entry
 *
 * Safe from any number of CPUs at once, and nested: an entry is claimed
 * with cmpxchg, and a CPU that loses the race to a claim of the same key
 * uses the winner's entry.
 *
 * Return: the entry, or -1 when none of the PVTRACE_CHAN_PROBES entries
 * the key may use is free.
 */
static __always_inline int pvtrace_chan_find(u64 *keys, u64 key, bool *claimed)
{
	unsigned int i, h = pvtrace_chan_hash(key);

	*claimed = false;
	for (i = 0; i < PVTRACE_CHAN_PROBES; i++) {
		unsigned int e = (h + i) & (PVTRACE_CHANS - 1);
		u64 cur = READ_ONCE(keys[e]);

		if (!cur) {
			cur = cmpxchg(&keys[e], 0, key);
			if (!cur) {
				*claimed = true;
				return e;
			}
		}
		if (cur == key)
			return e;
	}
	return -1;
}

/*
 * Xen's view of a port (EVTCHNOP_status). The values are Xen ABI
 * (xen/interface/event_channel.h, EVTCHNSTAT_*); the names are the ones
 * the channels file prints.
 */
static inline const char *pvtrace_evtchn_kind(int status)
{
	switch (status) {
	case 0:
		return "closed";
	case 1:
		return "unbound";
	case 2:
		return "interdomain";
	case 3:
		return "pirq";
	case 4:
		return "virq";
	case 5:
		return "ipi";
	}
	return "unknown";
}

/*
 * Copy a handler's name for a record: at most @len - 1 characters, spaces
 * and control characters become '_', no name (NULL or "") becomes "-".
 */
static inline void pvtrace_chan_name(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	if (!len)
		return;
	if (src) {
		for (; i < len - 1 && src[i]; i++)
			dst[i] = (unsigned char)src[i] <= ' ' ||
				 src[i] == 0x7f ? '_' : src[i];
	}
	if (!i && len > 1)
		dst[i++] = '-';
	dst[i] = '\0';
}

/**
 * struct pvtrace_upcall_cpu - one vCPU's upcall statistics
 * @sync: write bracket (pvtrace_write_begin/end)
 * @empty: upcalls that dispatched no event
 * @spurious: upcalls that found no event pending (returned IRQ_NONE)
 * @events: events handled in upcalls: handle_irq_for_port() calls, plus
 *	@direct
 * @handlers: handler runs in upcalls
 * @direct: of those, runs with no dispatch of their own before them (the
 *	2-level ABI's timer, an IRQ flow that ran a handler again, an IRQ
 *	with several handlers)
 * @foreign: handler runs whose IRQ was not the dispatched port's (expected
 *	0)
 * @overflow: handler runs of channels that found no table entry
 * @lat: upcall time, ns; the count is the number of upcalls
 * @per_upcall: events per upcall (the "ns" of this histogram are events)
 */
struct pvtrace_upcall_cpu {
	struct pvtrace_sync sync;
	u64 empty;
	u64 spurious;
	u64 events;
	u64 handlers;
	u64 direct;
	u64 foreign;
	u64 overflow;
	struct pvtrace_hist lat;
	struct pvtrace_hist per_upcall;
};

/* Handler time per channel, per vCPU; the count is the number of runs. */
struct pvtrace_chan_block {
	struct pvtrace_sync sync;
	struct pvtrace_hist lat[PVTRACE_CHANS_PER_BLOCK];
};

/**
 * struct pvtrace_chan_info - a channel's identity, written by its claimer
 *	(its key, pvtrace_chan_key(), is in the separate key table)
 * @ready: @name is written (store-release)
 * @port: the port last seen dispatched for it, -1 until one is
 * @name: the handler's name, copied at first sight
 */
struct pvtrace_chan_info {
	int ready;
	int port;
	char name[PVTRACE_CHAN_NAME];
};

/* module/upcall.c, for debugfs/upcall.c. */
struct evtchn_status;
struct pvtrace_stats *pvtrace_upcall_cpu_stats(void);
struct pvtrace_stats *pvtrace_upcall_chan_stats(unsigned int block);
bool pvtrace_upcall_channels_on(void);
unsigned int pvtrace_upcall_kernel_count(unsigned int cpu);
bool pvtrace_upcall_chan(unsigned int e, int *port, int *irq, char *name);
int pvtrace_upcall_port_status(u32 port, struct evtchn_status *st);
void pvtrace_upcall_missed(unsigned long missed[2]);

#endif /* _PVTRACE_UPCALL_H */
