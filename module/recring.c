// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's side of a CPU's recording ring (include/pvtrace/recorder.h
 * has the writers): taking the complete records at its tail, oldest
 * first, for a stream reader (recorder/stream/cpuN, module/recorder_read.c).
 * Pure: the unit tests compile this file in userspace.
 *
 * One reader per ring at a time (the caller holds the recorder's lock). A
 * record is taken once its type is set (pvtrace_rec_commit()); the reader
 * copies it, clears its type, and only then moves the tail past it (a
 * release), which is what lets a writer reserve that record again.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>

#include <pvtrace/recorder.h>

/**
 * pvtrace_rec_consume() - take the complete records at a ring's tail
 * @rc: the ring
 * @out: room for @max records
 * @max: records to take at most
 * @ended: the recording is over and no writer is inside a record: a record
 *	still without a type never gets one, and is skipped
 * @skipped: incremented for each record so skipped
 *
 * While the recording runs, the first record without a type (its writer
 * is still filling it) ends the take: what follows it comes next time.
 *
 * Return: the records copied into @out.
 */
unsigned int pvtrace_rec_consume(struct pvtrace_rec_cpu *rc,
				 struct pvtrace_rec *out, unsigned int max,
				 bool ended, u64 *skipped)
{
	u64 tail = rc->tail, head = READ_ONCE(rc->head);
	unsigned int n = 0;

	if (!rc->buf || !rc->cap)
		return 0;
	while (tail != head && n < max) {
		struct pvtrace_rec *r = &rc->buf[tail % rc->cap];

		/* Pairs with pvtrace_rec_commit(). */
		if (smp_load_acquire(&r->type))
			out[n++] = *r;
		else if (ended)
			(*skipped)++;
		else
			break;
		WRITE_ONCE(r->type, 0);
		tail++;
	}
	/* The records are copied and cleared before a writer may reuse them. */
	smp_store_release(&rc->tail, tail);
	return n;
}
