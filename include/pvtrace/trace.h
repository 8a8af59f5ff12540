/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvtrace's kernel trace events (system "pvtrace"), for perf, trace-cmd
 * and bpftrace users: emitted only where a tracepoint may run. Upcalls
 * from the upcall hook's return probe (interrupt context, when RCU is
 * watching); steal samples from the steal sampler (a kworker). Never from
 * the hypercall hot path, which may run where tracepoints must not: the
 * flight recorder (recorder/trace) holds every hypercall instead.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pvtrace

#if !defined(_PVTRACE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PVTRACE_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(pvtrace_upcall,
	    TP_PROTO(u64 duration_ns, u64 events, u32 nports, u32 port),
	    TP_ARGS(duration_ns, events, nports, port),
	    TP_STRUCT__entry(__field(u64, duration_ns)
			     __field(u64, events)
			     __field(u32, nports)
			     __field(u32, port)),
	    TP_fast_assign(__entry->duration_ns = duration_ns;
			   __entry->events = events;
			   __entry->nports = nports;
			   __entry->port = port;),
	    TP_printk("duration_ns=%llu events=%llu ports=%u first_port=%u",
		      __entry->duration_ns, __entry->events, __entry->nports,
		      __entry->port)
);

TRACE_EVENT(pvtrace_steal,
	    TP_PROTO(u64 steal_ns, u64 interval_ns),
	    TP_ARGS(steal_ns, interval_ns),
	    TP_STRUCT__entry(__field(u64, steal_ns)
			     __field(u64, interval_ns)),
	    TP_fast_assign(__entry->steal_ns = steal_ns;
			   __entry->interval_ns = interval_ns;),
	    TP_printk("steal_ns=%llu interval_ns=%llu",
		      __entry->steal_ns, __entry->interval_ns)
);

#endif /* _PVTRACE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH pvtrace
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
