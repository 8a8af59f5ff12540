// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace's kernel trace events, defined here once (include/pvtrace/trace.h
 * says where they are emitted). Enable them in tracefs, events/pvtrace/.
 */
#define CREATE_TRACE_POINTS
#include <pvtrace/trace.h>
