/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests run single-threaded on one "CPU": the this_cpu_*()
 * operations become plain memory operations on the object itself.
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#define DECLARE_PER_CPU(type, name)	extern type name
#define this_cpu_read(pcp)	(pcp)
#define this_cpu_inc(pcp)	((pcp)++)
#define this_cpu_add(pcp, v)	((pcp) += (v))
#define this_cpu_add_return(pcp, v)	((pcp) += (v))
#define this_cpu_write(pcp, v)	((pcp) = (v))
#define this_cpu_ptr(ptr)	(ptr)
#define this_cpu_cmpxchg(pcp, oval, nval)				\
	({								\
		__typeof__(pcp) __old = (pcp);				\
		if (__old == (oval))					\
			(pcp) = (nval);					\
		__old;							\
	})

#endif
