// SPDX-License-Identifier: GPL-2.0
/*
 * The one instantiation of vaccel's tracepoints (vaccel_trace.h); the
 * files that emit them include the header without CREATE_TRACE_POINTS.
 */

#define CREATE_TRACE_POINTS
#include "vaccel_trace.h"
