/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command queues of a vaccel instance (queue.c): their registers, their
 * rings in guest memory, and the step an engine takes on one of them.
 * Their locks are in the DOC block "Locking" of vaccel.h.
 */
#ifndef _VACCEL_QUEUE_INTERNAL_H
#define _VACCEL_QUEUE_INTERNAL_H

#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include "vaccel_queue.h"
#include "exec.h"
#include "lathist.h"

struct vaccel_engine;
struct vaccel_instance;

/* Pages a ring can span: one more when it does not start a page. */
#define VACCEL_RING_PAGES	\
	(DIV_ROUND_UP(VACCEL_RING_MAX * VACCEL_DESC_SIZE, PAGE_SIZE) + 1)

/**
 * struct vaccel_queue_run - the fields of a queue that the engines own
 * @node: entry in the instance's run queue (vaccel_instance.runq)
 * @queued: on that run queue, waiting for an engine
 * @on_engine: an engine holds the queue
 *
 * All under the card's run_lock; engine.c alone writes them.  @queued and
 * @on_engine are never both set.
 */
struct vaccel_queue_run {
	struct list_head node;
	bool queued;
	bool on_engine;
};

/**
 * struct vaccel_queue_stats - counters of one queue, for the host
 * @jobs: commands completed on the queue (its progress)
 * @lat: submit-to-start latency of its commands: from the doorbell that
 *	submitted a descriptor to the fetch of that descriptor by an engine
 *	(the start of its first chunk); a descriptor that fails its check is
 *	not counted
 *
 * Under the queue's state_lock; kept across resets, like the instance's
 * counters.
 */
struct vaccel_queue_stats {
	u64 jobs;
	struct vaccel_lathist lat;
};

/* Doorbells whose descriptors have not all started, that a queue keeps. */
#define VACCEL_SUBMIT_MARKS	16

/**
 * struct vaccel_submit_mark - a doorbell, for the latency statistics
 * @tail: the TAIL it wrote: it submitted the descriptors before it
 * @ns: when (ktime_get_ns())
 */
struct vaccel_submit_mark {
	u32 tail;
	u64 ns;
};

/**
 * struct vaccel_queue - one command queue of an instance
 * @inst: the instance
 * @idx: queue number in the function
 * @lock: execution lock; protects @ring_iova, @ring_size, @wb_iova,
 *	@job and @epoch (which may also be read locklessly, see
 *	vaccel_queue_deliver())
 * @ring_iova: RING_LO/HI
 * @ring_size: RING_SIZE
 * @wb_iova: WB_LO/HI
 * @ring_pages: the ring, pinned while the queue is enabled; this and the
 *	next four are under the instance's dma.lock (struct vaccel_dma), so
 *	that an unmap can take them without the execution lock
 * @nr_ring_pages: pages in @ring_pages, 0 when not pinned
 * @pin_ring: IOVA of @ring_pages[0]
 * @wb_page: the page holding the writeback, pinned with the ring
 * @pin_wb: IOVA of @wb_page
 * @job: the command in progress, when @job_active
 * @epoch: incremented whenever the queue is stopped, so that interrupts
 *	computed before are not raised after it
 * @state_lock: protects the fields below up to @nr_marks
 * @enabled: STATUS.ENABLED
 * @error: ERROR, non-zero when STATUS.ERROR
 * @error_index: ERROR_INDEX
 * @head: HEAD
 * @tail: TAIL
 * @job_active: a command has been fetched and not finished
 * @parked: its command waits for guest pages to be pinned (struct
 *	vaccel_dma: the instance's worker); not runnable meanwhile
 * @irq_pending: VACCEL_STEP_DONE_IRQ and VACCEL_STEP_ERROR events that an
 *	engine or the unmap callback left to the instance's worker
 * @irq_epoch: the epoch of @irq_pending
 * @fence: FENCE_LO/HI
 * @stats: counters of the queue
 * @marks: the last doorbells, oldest first from @mark_first, a ring of
 *	@nr_marks; when full, the newest mark's @tail moves on (its
 *	descriptors then count from the earlier doorbell: latency is
 *	overstated, never understated)
 * @mark_first: index of the oldest mark in @marks
 * @nr_marks: marks in @marks
 * @run: the queue as the engines see it (engine.c), under the card's
 *	run_lock
 */
struct vaccel_queue {
	struct vaccel_instance *inst;
	unsigned int idx;

	struct mutex lock;		/* execution: see above */
	u64 ring_iova;
	u32 ring_size;
	u64 wb_iova;
	struct page *ring_pages[VACCEL_RING_PAGES];
	unsigned int nr_ring_pages;
	u64 pin_ring;
	struct page *wb_page;
	u64 pin_wb;
	struct vaccel_job job;
	unsigned int epoch;

	spinlock_t state_lock;		/* registers the engine updates */
	bool enabled;
	u32 error;
	u32 error_index;
	u32 head;
	u32 tail;
	bool job_active;
	bool parked;
	unsigned int irq_pending;
	unsigned int irq_epoch;
	u64 fence;
	struct vaccel_queue_stats stats;
	struct vaccel_submit_mark marks[VACCEL_SUBMIT_MARKS];
	unsigned int mark_first;
	unsigned int nr_marks;

	struct vaccel_queue_run run;
};

/**
 * struct vaccel_dma_ops - how an instance pins guest memory
 * @pin: vfio_pin_pages()
 * @unpin: vfio_unpin_pages()
 *
 * Always the VFIO functions (vaccel_vfio_dma), except in the KUnit suite
 * vaccel_engine, which runs the real queues and engines on a model of the
 * type1 backend (kunit/fake_iova.c).  Nothing else of VFIO is called for
 * guest memory: the engines copy from pinned pages (dma.c).
 */
struct vaccel_dma_ops {
	int (*pin)(struct vfio_device *vdev, dma_addr_t iova, int npage,
		   int prot, struct page **pages);
	void (*unpin)(struct vfio_device *vdev, dma_addr_t iova, int npage);
};

extern const struct vaccel_dma_ops vaccel_vfio_dma;

/**
 * struct vaccel_queue_state - what migration moves of a queue
 * @ring_iova: RING_LO/HI
 * @ring_size: RING_SIZE
 * @wb_iova: WB_LO/HI
 * @fence: FENCE_LO/HI
 * @enabled: STATUS.ENABLED
 * @error: ERROR
 * @error_index: ERROR_INDEX
 * @head: HEAD
 * @tail: TAIL
 * @job_active: a command is in flight
 * @job: its whole hardware context, when @job_active
 *
 * What stays behind: the pins (the destination pins again), the counters
 * and latency marks (the host's, not the function's).
 */
struct vaccel_queue_state {
	u64 ring_iova;
	u32 ring_size;
	u64 wb_iova;
	u64 fence;
	bool enabled;
	u32 error;
	u32 error_index;
	u32 head;
	u32 tail;
	bool job_active;
	struct vaccel_job job;
};

void vaccel_queue_save(struct vaccel_queue *q, struct vaccel_queue_state *st);
const char *vaccel_queue_state_check(const struct vaccel_queue_state *st,
				     u64 mem_size);
const char *vaccel_queue_restore(struct vaccel_queue *q,
				 const struct vaccel_queue_state *st);

void vaccel_queues_init(struct vaccel_instance *inst);
void vaccel_queues_reset(struct vaccel_instance *inst);
void vaccel_queues_fini(struct vaccel_instance *inst);
void vaccel_queues_kick(struct vaccel_instance *inst);
bool vaccel_queue_reg(unsigned int off, unsigned int *q, unsigned int *reg);
u32 vaccel_queue_reg_read(struct vaccel_queue *q, unsigned int reg);
void vaccel_queue_reg_write(struct vaccel_queue *q, unsigned int reg,
			    u32 val);
void vaccel_queue_lost_ring(struct vaccel_queue *q);
void vaccel_queues_work(struct work_struct *work);

/* The queue's side of its edge with the engines (engine.h). */
bool vaccel_queue_has_work(struct vaccel_queue *q);

/* Results of vaccel_queue_step(), for the engine. */
#define VACCEL_STEP_MORE	BIT(0)	/* call again */
#define VACCEL_STEP_DONE_IRQ	BIT(1)	/* a completion wants an interrupt */
#define VACCEL_STEP_ERROR	BIT(2)	/* the queue entered error */
#define VACCEL_STEP_COMPLETED	BIT(3)	/* a descriptor completed */

unsigned int vaccel_queue_step(struct vaccel_queue *q,
			       struct vaccel_engine *eng);
void vaccel_queue_deliver(struct vaccel_queue *q, unsigned int epoch,
			  unsigned int events);

#endif /* _VACCEL_QUEUE_INTERNAL_H */
