/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of vaccel (events/vaccel/ in tracefs):
 *
 *   vaccel_switch_in   an engine starts running an instance's queue
 *   vaccel_switch_out  it stops, and why (the scheduler's reason, or
 *                      "rotate": the instance's next queue takes its turn)
 *   vaccel_submit      a doorbell submitted descriptors
 *   vaccel_complete    a descriptor completed
 *   vaccel_queue_error a queue stopped in error
 *
 * Instances are named by their UUID, cards by their device name.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vaccel

#if !defined(_VACCEL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VACCEL_TRACE_H

#include <linux/tracepoint.h>

#include "vaccel.h"

TRACE_EVENT(vaccel_switch_in,
	    TP_PROTO(struct vaccel_card *card, unsigned int engine,
		     struct vaccel_instance *inst, unsigned int queue, u64 slice),
	    TP_ARGS(card, engine, inst, queue, slice),
	    TP_STRUCT__entry(__string(card, dev_name(card->dev))
			     __field(unsigned int, engine)
			     __string(inst, dev_name(vaccel_inst_dev(inst)))
			     __field(unsigned int, queue)
			     __field(u64, slice)),
	    TP_fast_assign(__assign_str(card, dev_name(card->dev));
			   __entry->engine = engine;
			   __assign_str(inst, dev_name(vaccel_inst_dev(inst)));
			   __entry->queue = queue;
			   __entry->slice = slice;),
	    TP_printk("%s engine %u: in %s queue %u, slice %llu ns",
		      __get_str(card), __entry->engine, __get_str(inst),
		      __entry->queue, __entry->slice)
);

TRACE_EVENT(vaccel_switch_out,
	    TP_PROTO(struct vaccel_card *card, unsigned int engine,
		     struct vaccel_instance *inst, unsigned int queue,
		     const char *reason),
	    TP_ARGS(card, engine, inst, queue, reason),
	    TP_STRUCT__entry(__string(card, dev_name(card->dev))
			     __field(unsigned int, engine)
			     __string(inst, dev_name(vaccel_inst_dev(inst)))
			     __field(unsigned int, queue)
			     __string(reason, reason)),
	    TP_fast_assign(__assign_str(card, dev_name(card->dev));
			   __entry->engine = engine;
			   __assign_str(inst, dev_name(vaccel_inst_dev(inst)));
			   __entry->queue = queue;
			   __assign_str(reason, reason);),
	    TP_printk("%s engine %u: out %s queue %u, reason %s",
		      __get_str(card), __entry->engine, __get_str(inst),
		      __entry->queue, __get_str(reason))
);

/* "head" would clash with a local of the perf glue: "hd". */
TRACE_EVENT(vaccel_submit,
	    TP_PROTO(struct vaccel_instance *inst, unsigned int queue, u32 hd,
		     u32 tail),
	    TP_ARGS(inst, queue, hd, tail),
	    TP_STRUCT__entry(__string(inst, dev_name(vaccel_inst_dev(inst)))
			     __field(unsigned int, queue)
			     __field(u32, head)
			     __field(u32, tail)),
	    TP_fast_assign(__assign_str(inst, dev_name(vaccel_inst_dev(inst)));
			   __entry->queue = queue;
			   __entry->head = hd;
			   __entry->tail = tail;),
	    TP_printk("%s queue %u: head %u tail %u", __get_str(inst),
		      __entry->queue, __entry->head, __entry->tail)
);

TRACE_EVENT(vaccel_complete,
	    TP_PROTO(struct vaccel_instance *inst, unsigned int queue, u32 index,
		     unsigned int opcode),
	    TP_ARGS(inst, queue, index, opcode),
	    TP_STRUCT__entry(__string(inst, dev_name(vaccel_inst_dev(inst)))
			     __field(unsigned int, queue)
			     __field(u32, index)
			     __field(unsigned int, opcode)),
	    TP_fast_assign(__assign_str(inst, dev_name(vaccel_inst_dev(inst)));
			   __entry->queue = queue;
			   __entry->index = index;
			   __entry->opcode = opcode;),
	    TP_printk("%s queue %u: descriptor %u (opcode %u) done",
		      __get_str(inst), __entry->queue, __entry->index,
		      __entry->opcode)
);

TRACE_EVENT(vaccel_queue_error,
	    TP_PROTO(struct vaccel_instance *inst, unsigned int queue, u32 error,
		     u32 index),
	    TP_ARGS(inst, queue, error, index),
	    TP_STRUCT__entry(__string(inst, dev_name(vaccel_inst_dev(inst)))
			     __field(unsigned int, queue)
			     __field(u32, error)
			     __field(u32, index)),
	    TP_fast_assign(__assign_str(inst, dev_name(vaccel_inst_dev(inst)));
			   __entry->queue = queue;
			   __entry->error = error;
			   __entry->index = index;),
	    TP_printk("%s queue %u: error %u at %u", __get_str(inst),
		      __entry->queue, __entry->error, __entry->index)
);

#endif /* _VACCEL_TRACE_H */

/* The header's own directory is on the include path (Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vaccel_trace
#include <trace/define_trace.h>
