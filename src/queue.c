// SPDX-License-Identifier: GPL-2.0
/*
 * Command queues of a vaccel instance: their registers, their rings in
 * guest memory, and the step an engine takes on one of them.
 *
 * Guest memory is reached through pinned pages only (dma.c).  The ring
 * and the writeback area are pinned while the queue is enabled, so
 * fetching a descriptor and writing back a completion cost a memcpy.
 * Operands are pinned by the instance's worker before the chunk that uses
 * them: a chunk that meets a page that is not resident parks the queue
 * (vaccel_queue_step()), and the worker pins what the command needs and
 * lets it go on, or fails it with VACCEL_QERR_DMA when the memory is not
 * mapped (vaccel_queue_serve()).  When the VFIO user unmaps a range, the
 * callback (vaccel_dma_unmap()) takes every pinned page in it away without
 * waiting for an engine: once VFIO_IOMMU_UNMAP_DMA has returned, no engine
 * touches the range.  A queue whose ring or writeback was in it stops with
 * VACCEL_QERR_RING (vaccel_queue_lost_ring()).
 *
 * Every descriptor is copied out of the ring before it is checked
 * (vaccel_desc_check()), so the guest cannot change it behind the check.
 */

#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "vaccel.h"
#include "dma.h"
#include "engine.h"
#include "irq.h"
#include "vaccel_trace.h"

const struct vaccel_dma_ops vaccel_vfio_dma = {
	.pin = vfio_pin_pages,
	.unpin = vfio_unpin_pages,
};

static const char * const vaccel_qerr_names[VACCEL_QERR_COUNT] = {
	[VACCEL_QERR_NONE] = "no error",
	[VACCEL_QERR_OPCODE] = "unknown opcode",
	[VACCEL_QERR_FLAGS] = "bad flags",
	[VACCEL_QERR_RESERVED] = "unused field not zero",
	[VACCEL_QERR_LENGTH] = "bad length",
	[VACCEL_QERR_RANGE] = "address range out of bounds",
	[VACCEL_QERR_OVERLAP] = "operands overlap",
	[VACCEL_QERR_MATRIX] = "bad matrix dimensions",
	[VACCEL_QERR_VALUE] = "bad value",
	[VACCEL_QERR_DMA] = "IOVA not mapped",
	[VACCEL_QERR_RING] = "ring or writeback not usable",
	[VACCEL_QERR_DOORBELL] = "doorbell past the ring",
};

/**
 * vaccel_queues_init() - give an instance its queues, all at power-on
 * @inst: a new instance
 */
void vaccel_queues_init(struct vaccel_instance *inst)
{
	unsigned int i;

	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue *q = &inst->queues[i];

		memset(q, 0, sizeof(*q));
		q->inst = inst;
		q->idx = i;
		mutex_init(&q->lock);
		spin_lock_init(&q->state_lock);
		INIT_LIST_HEAD(&q->run.node);
	}
	INIT_LIST_HEAD(&inst->runq);
	INIT_WORK(&inst->dma.work, vaccel_queues_work);
	inst->dma_ops = &vaccel_vfio_dma;
}

/**
 * vaccel_queues_fini() - undo vaccel_queues_init()
 * @inst: the instance, being freed
 */
void vaccel_queues_fini(struct vaccel_instance *inst)
{
	unsigned int i;

	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		mutex_destroy(&inst->queues[i].lock);
}

/*
 * A doorbell moved TAIL to @tail at @ns: remember when the descriptors up
 * to it were submitted.
 */
static void vaccel_queue_mark_submit_locked(struct vaccel_queue *q, u32 tail,
					    u64 ns)
{
	struct vaccel_submit_mark *last;
	unsigned int i;

	lockdep_assert_held(&q->state_lock);
	if (q->nr_marks) {
		i = (q->mark_first + q->nr_marks - 1) % VACCEL_SUBMIT_MARKS;
		last = &q->marks[i];
		/* Nothing new (TAIL written again). */
		if ((s32)(tail - last->tail) <= 0)
			return;
		if (q->nr_marks == VACCEL_SUBMIT_MARKS) {
			last->tail = tail;
			return;
		}
	} else if (tail == q->head) {
		return;
	}
	i = (q->mark_first + q->nr_marks) % VACCEL_SUBMIT_MARKS;
	q->marks[i].tail = tail;
	q->marks[i].ns = ns;
	q->nr_marks++;
}

/*
 * Descriptor @head starts on an engine at @ns: record its latency since
 * the doorbell that submitted it, and forget the doorbells all of whose
 * descriptors have started.
 */
static void vaccel_queue_mark_start_locked(struct vaccel_queue *q, u32 head,
					   u64 ns)
{
	struct vaccel_submit_mark *m;

	lockdep_assert_held(&q->state_lock);
	while (q->nr_marks) {
		m = &q->marks[q->mark_first];
		if ((s32)(m->tail - head) > 0) {
			vaccel_lathist_add(&q->stats.lat,
					   ns > m->ns ? ns - m->ns : 0);
			return;
		}
		q->mark_first = (q->mark_first + 1) % VACCEL_SUBMIT_MARKS;
		q->nr_marks--;
	}
}

/*
 * Let go of the ring and the writeback, unless an unmap took them first:
 * whoever detaches them under dma.lock unpins them.
 */
static void vaccel_queue_unpin(struct vaccel_queue *q)
{
	struct vaccel_instance *inst = q->inst;
	unsigned int nr_ring;
	u64 ring, wb = 0;
	bool has_wb;

	lockdep_assert_held(&q->lock);
	spin_lock(&inst->dma.lock);
	nr_ring = q->nr_ring_pages;
	ring = q->pin_ring;
	has_wb = q->wb_page;
	wb = q->pin_wb;
	q->nr_ring_pages = 0;
	q->wb_page = NULL;
	/* An unmap callback meanwhile waits for these unpins. */
	inst->dma.unpinning += nr_ring + has_wb;
	spin_unlock(&inst->dma.lock);
	if (nr_ring)
		inst->dma_ops->unpin(&inst->vdev, ring, nr_ring);
	if (has_wb)
		inst->dma_ops->unpin(&inst->vdev, wb, 1);
	vaccel_dma_unpin_done(&inst->dma, nr_ring + has_wb);
}

/*
 * Stop the queue: the engine, if any, is between chunks (we hold the
 * execution lock) and will find nothing to do.  Interrupts it computed
 * before are dropped (epoch).  With @clear, the queue returns to its
 * power-on state; otherwise HEAD, TAIL, the error and the setup stay.
 */
static void vaccel_queue_stop_locked(struct vaccel_queue *q, bool clear)
{
	lockdep_assert_held(&q->lock);

	WRITE_ONCE(q->epoch, q->epoch + 1);
	spin_lock(&q->state_lock);
	q->enabled = false;
	q->job_active = false;
	q->parked = false;
	q->irq_pending = 0;
	q->nr_marks = 0;
	if (clear) {
		q->error = 0;
		q->error_index = 0;
		q->head = 0;
		q->tail = 0;
		q->fence = 0;
	}
	spin_unlock(&q->state_lock);
	vaccel_queue_unpin(q);
	if (clear) {
		q->ring_iova = 0;
		q->ring_size = 0;
		q->wb_iova = 0;
	}
	vaccel_engine_queue_unlist(q);
}

/**
 * vaccel_queues_reset() - every queue of an instance to power-on state
 * @inst: the instance
 *
 * Returns once no engine works on the instance's queues any more; part of
 * a function reset, so it runs before the device memory is cleared.
 *
 * Context: instance lock held; takes each queue's lock under it, and the
 * card's run_lock under that (vaccel_engine_queue_unlist()).
 */
void vaccel_queues_reset(struct vaccel_instance *inst)
{
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue *q = &inst->queues[i];

		mutex_lock(&q->lock);
		vaccel_queue_stop_locked(q, true);
		mutex_unlock(&q->lock);
	}
}

/**
 * vaccel_queues_kick() - let the engines look at all queues of an instance
 * @inst: the instance, whose bus mastering was just enabled
 *
 * Context: instance lock held; takes the card's run_lock, and each queue's
 * state_lock under it (vaccel_engine_queue_kick()).
 */
void vaccel_queues_kick(struct vaccel_instance *inst)
{
	unsigned int i;

	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		vaccel_engine_queue_kick(&inst->queues[i]);
}

/*
 * The writeback area, in the pinned page, if an unmap has not taken it.
 * wb_iova does not change while wb_page is set: the setup is fixed while
 * the queue is enabled, and the page is let go before it is disabled.
 */
static void vaccel_queue_writeback(struct vaccel_queue *q, u32 head,
				   u32 error, u64 fence)
{
	struct vaccel_dma *dma = &q->inst->dma;
	struct vaccel_wb *wb;
	void *page;

	spin_lock(&dma->lock);
	if (q->wb_page) {
		page = kmap_local_page(q->wb_page);
		wb = page + offset_in_page(q->wb_iova);
		WRITE_ONCE(wb->fence, cpu_to_le64(fence));
		WRITE_ONCE(wb->error, cpu_to_le32(error));
		/* The results and the fence are visible before the new head. */
		smp_wmb();
		WRITE_ONCE(wb->head, cpu_to_le32(head));
		kunmap_local(page);
	}
	spin_unlock(&dma->lock);
}

/*
 * Put the queue in error: it stops where it is, and the guest learns what
 * and where from ERROR, ERROR_INDEX, the writeback and INT_CAUSE.ERROR.
 * Return: the step result that asks for the error interrupt.
 */
static unsigned int vaccel_queue_fail(struct vaccel_queue *q, u32 err,
				      u32 index)
{
	struct vaccel_instance *inst = q->inst;
	u32 head;
	u64 fence;

	lockdep_assert_held(&q->lock);
	spin_lock(&q->state_lock);
	q->error = err;
	q->error_index = index;
	q->job_active = false;
	head = q->head;
	fence = q->fence;
	spin_unlock(&q->state_lock);
	vaccel_queue_writeback(q, head, err, fence);
	atomic64_inc(&inst->stats.errors);
	trace_vaccel_queue_error(inst, q->idx, err, index);
	vaccel_inst_warn(inst,
			 "queue %u: %s (error %u) at descriptor %u, queue stopped\n",
			 q->idx, vaccel_qerr_names[err], err, index);
	return VACCEL_STEP_ERROR;
}

/* Raise the interrupts of @events, unless a stop ended @epoch since. */
static void vaccel_queue_deliver_locked(struct vaccel_queue *q,
					unsigned int epoch,
					unsigned int events)
{
	lockdep_assert_held(&q->inst->lock);
	/* Stops that matter here happen under the instance lock too. */
	if (READ_ONCE(q->epoch) == epoch)
		vaccel_irq_queue(q->inst, q->idx,
				 events & VACCEL_STEP_DONE_IRQ,
				 events & VACCEL_STEP_ERROR);
}

/* Leave the interrupts of @events to the instance's worker. */
static void vaccel_queue_defer(struct vaccel_queue *q, unsigned int epoch,
			       unsigned int events)
{
	spin_lock(&q->state_lock);
	if (q->irq_pending && q->irq_epoch != epoch)
		q->irq_pending = 0;
	q->irq_pending |= events & (VACCEL_STEP_DONE_IRQ | VACCEL_STEP_ERROR);
	q->irq_epoch = epoch;
	spin_unlock(&q->state_lock);
	vaccel_dma_kick(q->inst);
}

/**
 * vaccel_queue_deliver() - raise the interrupts of a step
 * @q: the queue
 * @epoch: the queue's epoch when the step ran
 * @events: the step's VACCEL_STEP_* flags
 *
 * Unless the queue was stopped since (a function reset must not leave
 * completions of before it pending).  Never waits: when the instance lock
 * is taken (a function reset clearing the device memory, a register
 * access), the interrupts go to the instance's worker, so that an engine
 * never waits for what a tenant does to its own function.
 *
 * Context: no queue lock held.
 */
void vaccel_queue_deliver(struct vaccel_queue *q, unsigned int epoch,
			  unsigned int events)
{
	struct vaccel_instance *inst = q->inst;

	if (!(events & (VACCEL_STEP_DONE_IRQ | VACCEL_STEP_ERROR)))
		return;
	if (!mutex_trylock(&inst->lock)) {
		vaccel_queue_defer(q, epoch, events);
		return;
	}
	vaccel_queue_deliver_locked(q, epoch, events);
	mutex_unlock(&inst->lock);
}

/*
 * RING_SIZE, RING and WB make sense: NULL, or what is wrong.  Pure, for
 * the registers (vaccel_queue_setup_ok()) and a migrated queue alike.
 */
static const char *vaccel_queue_setup_check(u64 ring_iova, u32 ring_size,
					    u64 wb_iova)
{
	u64 end;

	if (ring_size < VACCEL_RING_MIN || ring_size > VACCEL_RING_MAX ||
	    !is_power_of_2(ring_size))
		return "RING_SIZE not a power of two in [2, 4096]";
	if (!IS_ALIGNED(ring_iova, VACCEL_RING_ALIGN))
		return "ring not 4 KiB aligned";
	if (check_add_overflow(ring_iova, (u64)ring_size * VACCEL_DESC_SIZE - 1,
			       &end))
		return "ring wraps around the IOVA space";
	if (!IS_ALIGNED(wb_iova, VACCEL_WB_ALIGN))
		return "writeback not 64-byte aligned";
	return NULL;
}

/* RING_SIZE, RING and WB make sense; set *why otherwise. */
static bool vaccel_queue_setup_ok(struct vaccel_queue *q, const char **why)
{
	*why = vaccel_queue_setup_check(q->ring_iova, q->ring_size, q->wb_iova);
	return !*why;
}

/*
 * Pin the ring and the writeback of a queue whose setup was checked, and
 * mark it enabled with @head, @tail: an enable (both 0) or a migrated
 * queue.  NULL, or why not; the caller unpins what was pinned.
 */
static const char *vaccel_queue_pin_enable(struct vaccel_queue *q, u32 head,
					   u32 tail)
{
	struct vaccel_instance *inst = q->inst;
	u64 bytes = (u64)q->ring_size * VACCEL_DESC_SIZE;
	unsigned int wb_pinned;
	int npages, ret;
	bool lost;

	lockdep_assert_held(&q->lock);
	npages = DIV_ROUND_UP(offset_in_page(q->ring_iova) + bytes, PAGE_SIZE);
	ret = vaccel_dma_pin(inst, q->ring_iova & PAGE_MASK, npages,
			     IOMMU_READ, q->ring_pages, &q->nr_ring_pages,
			     &q->pin_ring);
	if (ret)
		return ret == -EBUSY ? "ring in a range being unmapped" :
				       "ring not mapped";
	ret = vaccel_dma_pin(inst, q->wb_iova & PAGE_MASK, 1,
			     IOMMU_READ | IOMMU_WRITE, &q->wb_page, &wb_pinned,
			     &q->pin_wb);
	if (ret)
		return ret == -EBUSY ? "writeback in a range being unmapped" :
				       "writeback not mapped writable";

	/*
	 * An unmap may have taken the pages since: it looks at ENABLED after
	 * it detached them, so either it sees the queue enabled and stops
	 * it, or this sees them gone.
	 */
	spin_lock(&inst->dma.lock);
	lost = !q->nr_ring_pages || !q->wb_page;
	if (!lost) {
		spin_lock(&q->state_lock);
		q->enabled = true;
		q->head = head;
		q->tail = tail;
		q->nr_marks = 0;
		spin_unlock(&q->state_lock);
	}
	spin_unlock(&inst->dma.lock);
	return lost ? "ring or writeback unmapped during the enable" : NULL;
}

/* Enable: check the setup, pin ring and writeback, start at 0. */
static unsigned int vaccel_queue_enable_locked(struct vaccel_queue *q)
{
	struct vaccel_instance *inst = q->inst;
	const char *why;
	unsigned int ev;

	lockdep_assert_held(&q->lock);
	if (!vaccel_queue_setup_ok(q, &why))
		goto refuse;
	why = vaccel_queue_pin_enable(q, 0, 0);
	if (why)
		goto refuse;
	vaccel_queue_writeback(q, 0, 0, q->fence);
	return 0;

refuse:
	vaccel_inst_warn(inst,
			 "queue %u: enable refused: %s (ring %#llx size %u, writeback %#llx)\n",
			 q->idx, why, q->ring_iova, q->ring_size, q->wb_iova);
	/* The writeback shows the error if it could be pinned. */
	ev = vaccel_queue_fail(q, VACCEL_QERR_RING, 0);
	vaccel_queue_unpin(q);
	return ev;
}

static unsigned int vaccel_queue_control(struct vaccel_queue *q, u32 val)
{
	unsigned int ev = 0;
	bool enabled, error;

	lockdep_assert_held(&q->lock);
	if (val & VACCEL_Q_CONTROL_RESET) {
		vaccel_queue_stop_locked(q, true);
		return 0;
	}
	spin_lock(&q->state_lock);
	enabled = q->enabled;
	error = q->error;
	spin_unlock(&q->state_lock);

	if ((val & VACCEL_Q_CONTROL_ENABLE) && !enabled && !error)
		ev = vaccel_queue_enable_locked(q);
	else if (!(val & VACCEL_Q_CONTROL_ENABLE) && enabled)
		vaccel_queue_stop_locked(q, false);
	return ev;
}

/* Set a 32-bit half of a 64-bit register. */
static void vaccel_set_half(u64 *reg, bool high, u32 val)
{
	if (high)
		*reg = (*reg & GENMASK_ULL(31, 0)) | (u64)val << 32;
	else
		*reg = (*reg & GENMASK_ULL(63, 32)) | val;
}

static void vaccel_queue_doorbell(struct vaccel_queue *q, u32 tail)
{
	unsigned int epoch, ev = 0;
	bool bad = false, ok = false;
	u64 now = ktime_get_ns();
	u32 head = 0;

	spin_lock(&q->state_lock);
	if (q->enabled && !q->error) {
		head = q->head;
		/* ring_size does not change while the queue is enabled. */
		bad = tail - head > q->ring_size;
		if (!bad) {
			vaccel_queue_mark_submit_locked(q, tail, now);
			q->tail = tail;
			ok = true;
		}
	}
	spin_unlock(&q->state_lock);

	if (ok) {
		trace_vaccel_submit(q->inst, q->idx, head, tail);
		vaccel_engine_queue_kick(q);
		return;
	}
	if (!bad)
		return;

	mutex_lock(&q->lock);
	spin_lock(&q->state_lock);
	bad = q->enabled && !q->error;
	head = q->head;
	spin_unlock(&q->state_lock);
	if (bad) {
		vaccel_inst_warn(q->inst,
				 "queue %u: TAIL %u is more than %u descriptors past HEAD %u\n",
				 q->idx, tail, q->ring_size, head);
		ev = vaccel_queue_fail(q, VACCEL_QERR_DOORBELL, tail);
	}
	epoch = q->epoch;
	mutex_unlock(&q->lock);
	vaccel_queue_deliver(q, epoch, ev);
}

/**
 * vaccel_queue_save() - a stopped queue's state, for migration
 * @q: a queue no engine works on (its function is quiesced)
 * @st: filled in
 *
 * Context: takes the queue's lock and state_lock.
 */
void vaccel_queue_save(struct vaccel_queue *q, struct vaccel_queue_state *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&q->lock);
	st->ring_iova = q->ring_iova;
	st->ring_size = q->ring_size;
	st->wb_iova = q->wb_iova;
	spin_lock(&q->state_lock);
	st->enabled = q->enabled;
	st->error = q->error;
	st->error_index = q->error_index;
	st->head = q->head;
	st->tail = q->tail;
	st->fence = q->fence;
	st->job_active = q->job_active;
	if (q->job_active)
		st->job = q->job;
	spin_unlock(&q->state_lock);
	mutex_unlock(&q->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_queue_save);

/**
 * vaccel_queue_state_check() - is a saved queue state one a queue can have?
 * @st: the state, from a migration stream (user input)
 * @mem_size: bytes of the device memory of the function that loads it
 *
 * Pure.  What an enabled queue needs (a valid setup, TAIL at most a ring
 * ahead of HEAD), an error code that exists, and a command in flight only
 * on an enabled queue not in error, which passes vaccel_job_check().
 *
 * Return: NULL, or what is wrong, for the log line refusing the stream.
 */
const char *vaccel_queue_state_check(const struct vaccel_queue_state *st,
				     u64 mem_size)
{
	const char *why;

	if (st->error >= VACCEL_QERR_COUNT)
		return "unknown error code";
	if (st->enabled) {
		why = vaccel_queue_setup_check(st->ring_iova, st->ring_size,
					       st->wb_iova);
		if (why)
			return why;
		if (st->tail - st->head > st->ring_size)
			return "TAIL more than a ring ahead of HEAD";
	}
	if (st->job_active) {
		if (!st->enabled || st->error)
			return "a command in flight on a queue that cannot run";
		if (vaccel_job_check(&st->job, mem_size))
			return "the command in flight is not a valid command";
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_queue_state_check);

/**
 * vaccel_queue_restore() - give a queue a migrated state
 * @q: a queue in its power-on state (its function was just reset), on
 *	which no engine can run
 * @st: a state that passed vaccel_queue_state_check()
 *
 * An enabled queue pins its ring and writeback again, in this function's
 * IOVA space: the user must have mapped them before, as a VMM maps guest
 * memory before it loads a device's state.
 *
 * Context: takes the queue's lock, then pins under it.
 * Return: NULL, or why the queue could not be restored (its pins are then
 * released; the caller resets the function).
 */
const char *vaccel_queue_restore(struct vaccel_queue *q,
				 const struct vaccel_queue_state *st)
{
	const char *why = NULL;

	mutex_lock(&q->lock);
	q->ring_iova = st->ring_iova;
	q->ring_size = st->ring_size;
	q->wb_iova = st->wb_iova;
	if (st->enabled) {
		why = vaccel_queue_pin_enable(q, st->head, st->tail);
		if (why) {
			vaccel_queue_unpin(q);
			goto out;
		}
	}
	spin_lock(&q->state_lock);
	q->error = st->error;
	q->error_index = st->error_index;
	q->head = st->head;
	q->tail = st->tail;
	q->fence = st->fence;
	q->job_active = st->job_active;
	if (st->job_active)
		q->job = st->job;
	spin_unlock(&q->state_lock);
out:
	mutex_unlock(&q->lock);
	return why;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_queue_restore);

/**
 * vaccel_queue_reg() - is a BAR0 offset a queue register?
 * @off: BAR0 offset, 4-byte aligned
 * @q: the queue number, when it is
 * @reg: the offset in the queue's block, when it is
 *
 * Return: true for the register blocks of the function's queues.
 */
bool vaccel_queue_reg(unsigned int off, unsigned int *q, unsigned int *reg)
{
	if (off < VACCEL_QUEUE_BASE ||
	    off >= VACCEL_QUEUE_REG(VACCEL_FN_QUEUES, 0))
		return false;
	*q = (off - VACCEL_QUEUE_BASE) / VACCEL_QUEUE_STRIDE;
	*reg = (off - VACCEL_QUEUE_BASE) % VACCEL_QUEUE_STRIDE;
	return true;
}

/**
 * vaccel_queue_reg_read() - read a queue register
 * @q: the queue
 * @reg: offset in the queue's block, 4-byte aligned
 *
 * Status registers never wait for the engine; the setup registers wait for
 * the end of a chunk at most.
 *
 * Return: the register's value; unassigned offsets read 0.
 */
u32 vaccel_queue_reg_read(struct vaccel_queue *q, unsigned int reg)
{
	u32 val = 0;

	switch (reg) {
	case VACCEL_Q_RING_LO:
	case VACCEL_Q_RING_HI:
	case VACCEL_Q_RING_SIZE:
	case VACCEL_Q_WB_LO:
	case VACCEL_Q_WB_HI:
		mutex_lock(&q->lock);
		if (reg == VACCEL_Q_RING_LO)
			val = lower_32_bits(q->ring_iova);
		else if (reg == VACCEL_Q_RING_HI)
			val = upper_32_bits(q->ring_iova);
		else if (reg == VACCEL_Q_RING_SIZE)
			val = q->ring_size;
		else if (reg == VACCEL_Q_WB_LO)
			val = lower_32_bits(q->wb_iova);
		else
			val = upper_32_bits(q->wb_iova);
		mutex_unlock(&q->lock);
		return val;
	}

	spin_lock(&q->state_lock);
	switch (reg) {
	case VACCEL_Q_CONTROL:
		val = q->enabled ? VACCEL_Q_CONTROL_ENABLE : 0;
		break;
	case VACCEL_Q_STATUS:
		val = (q->enabled ? VACCEL_Q_STATUS_ENABLED : 0) |
		      (q->error ? VACCEL_Q_STATUS_ERROR : 0) |
		      (q->head == q->tail ? VACCEL_Q_STATUS_IDLE : 0);
		break;
	case VACCEL_Q_TAIL:
		val = q->tail;
		break;
	case VACCEL_Q_HEAD:
		val = q->head;
		break;
	case VACCEL_Q_ERROR:
		val = q->error;
		break;
	case VACCEL_Q_ERROR_INDEX:
		val = q->error_index;
		break;
	case VACCEL_Q_FENCE_LO:
		val = lower_32_bits(q->fence);
		break;
	case VACCEL_Q_FENCE_HI:
		val = upper_32_bits(q->fence);
		break;
	}
	spin_unlock(&q->state_lock);
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_queue_reg_read);

/**
 * vaccel_queue_reg_write() - write a queue register
 * @q: the queue
 * @reg: offset in the queue's block, 4-byte aligned
 * @val: the value
 *
 * TAIL (the doorbell) never waits for the engine; CONTROL and the setup
 * registers wait for the end of a chunk at most, and for a function reset
 * in progress: they take the instance lock, so an enable cannot slip in
 * between a reset's stop of the queues and its end.  May raise the error
 * interrupt.
 *
 * Context: no lock held; takes the instance lock, then the queue's.
 */
void vaccel_queue_reg_write(struct vaccel_queue *q, unsigned int reg,
			    u32 val)
{
	struct vaccel_instance *inst = q->inst;
	unsigned int epoch, ev = 0;
	bool enabled;

	if (reg == VACCEL_Q_TAIL) {
		vaccel_queue_doorbell(q, val);
		return;
	}

	mutex_lock(&inst->lock);
	mutex_lock(&q->lock);
	spin_lock(&q->state_lock);
	enabled = q->enabled;
	spin_unlock(&q->state_lock);

	switch (reg) {
	case VACCEL_Q_CONTROL:
		ev = vaccel_queue_control(q, val);
		break;
	/* The setup is fixed while the queue is enabled. */
	case VACCEL_Q_RING_LO:
	case VACCEL_Q_RING_HI:
		if (!enabled)
			vaccel_set_half(&q->ring_iova,
					reg == VACCEL_Q_RING_HI, val);
		break;
	case VACCEL_Q_RING_SIZE:
		if (!enabled)
			q->ring_size = val;
		break;
	case VACCEL_Q_WB_LO:
	case VACCEL_Q_WB_HI:
		if (!enabled)
			vaccel_set_half(&q->wb_iova, reg == VACCEL_Q_WB_HI, val);
		break;
	}
	epoch = q->epoch;
	mutex_unlock(&q->lock);
	if (ev)
		vaccel_queue_deliver_locked(q, epoch, ev);
	mutex_unlock(&inst->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_queue_reg_write);

/**
 * vaccel_queue_lost_ring() - an unmap took the queue's ring or writeback
 * @q: the queue
 *
 * The queue stops with VACCEL_QERR_RING where it is; an engine in the
 * middle of a chunk finishes it and finds no more work.  The error
 * interrupt goes through the instance's worker.
 *
 * Context: the unmap callback, no vaccel lock held; takes the queue's
 * state_lock, and the instance's dma.lock for the writeback.
 */
void vaccel_queue_lost_ring(struct vaccel_queue *q)
{
	struct vaccel_instance *inst = q->inst;
	unsigned int epoch;
	bool fail;
	u64 fence;
	u32 head;

	spin_lock(&q->state_lock);
	fail = q->enabled && !q->error;
	if (fail) {
		q->error = VACCEL_QERR_RING;
		q->error_index = q->head;
	}
	head = q->head;
	fence = q->fence;
	epoch = READ_ONCE(q->epoch);
	spin_unlock(&q->state_lock);
	if (!fail)
		return;
	vaccel_queue_writeback(q, head, VACCEL_QERR_RING, fence);
	atomic64_inc(&inst->stats.errors);
	trace_vaccel_queue_error(inst, q->idx, VACCEL_QERR_RING, head);
	vaccel_inst_warn(inst,
			 "queue %u: %s (error %u) at descriptor %u: ring or writeback unmapped, queue stopped\n",
			 q->idx, vaccel_qerr_names[VACCEL_QERR_RING],
			 VACCEL_QERR_RING, head);
	vaccel_queue_defer(q, epoch, VACCEL_STEP_ERROR);
}

/* The execution unit's view of memory and time, for this queue. */
static int vaccel_queue_dma_rw(void *priv, u64 iova, void *buf, size_t len,
			       bool write)
{
	struct vaccel_queue *q = priv;

	return vaccel_dma_rw(&q->inst->dma, iova, buf, len, write);
}

static int vaccel_queue_dev_rw(void *priv, u64 off, void *buf, size_t len,
			       bool write)
{
	struct vaccel_instance *inst = ((struct vaccel_queue *)priv)->inst;
	struct vaccel_card *card = inst->card;

	return vaccel_hw_mem_access(card, inst->mem_offset + off, buf, len,
				    write);
}

/*
 * BUSY: the engine is occupied but the CPU is not; sleep through the
 * chunk.  The execution unit reads the time that really passed from
 * vaccel_queue_now().
 */
static void vaccel_queue_busy(void *priv, u64 ns)
{
	if (ns >= 10 * NSEC_PER_USEC)
		usleep_range(div_u64(ns, NSEC_PER_USEC),
			     div_u64(ns, NSEC_PER_USEC) + 5);
	else
		ndelay(ns);
}

static u64 vaccel_queue_now(void *priv)
{
	return ktime_get_ns();
}

static const struct vaccel_exec_ops vaccel_queue_exec_ops = {
	.dma_rw = vaccel_queue_dma_rw,
	.dev_rw = vaccel_queue_dev_rw,
	.busy = vaccel_queue_busy,
	.now = vaccel_queue_now,
};

/*
 * Enabled, not in error, not waiting for its pages, and a command in
 * progress or descriptors queued.
 */
static bool vaccel_queue_work_locked(struct vaccel_queue *q)
{
	lockdep_assert_held(&q->state_lock);
	return q->enabled && !q->error && !q->parked &&
	       (q->job_active || q->head != q->tail);
}

/**
 * vaccel_queue_has_work() - does the queue have work an engine can do?
 * @q: the queue
 *
 * The one definition of a runnable queue: its function may master the
 * bus, and the queue is enabled, not in error, and has a command in
 * progress or descriptors between HEAD and TAIL.
 *
 * Context: the card's run_lock held, so that a doorbell either sees the
 * queue held by an engine or is seen by that engine when it lets go;
 * takes the queue's state_lock under it.
 * Return: true when an engine should take the queue.
 */
bool vaccel_queue_has_work(struct vaccel_queue *q)
{
	bool work;

	lockdep_assert_held(&q->inst->card->run_lock);
	if (!vaccel_inst_may_run(q->inst))
		return false;
	spin_lock(&q->state_lock);
	work = vaccel_queue_work_locked(q);
	spin_unlock(&q->state_lock);
	return work;
}

/*
 * Copy descriptor number @index out of the pinned ring.
 * Return: false when an unmap took the ring (and stopped the queue).
 */
static bool vaccel_queue_fetch(struct vaccel_queue *q, u32 index,
			       struct vaccel_desc *desc)
{
	size_t off = offset_in_page(q->ring_iova) +
		     (size_t)(index & (q->ring_size - 1)) * VACCEL_DESC_SIZE;
	struct vaccel_dma *dma = &q->inst->dma;
	void *page;

	lockdep_assert_held(&q->lock);
	spin_lock(&dma->lock);
	if (!q->nr_ring_pages) {
		spin_unlock(&dma->lock);
		return false;
	}
	page = kmap_local_page(q->ring_pages[off >> PAGE_SHIFT]);
	memcpy(desc, page + offset_in_page(off), sizeof(*desc));
	kunmap_local(page);
	spin_unlock(&dma->lock);
	return true;
}

static unsigned int vaccel_queue_complete(struct vaccel_queue *q, u32 head)
{
	struct vaccel_instance *inst = q->inst;
	u64 fence;

	spin_lock(&q->state_lock);
	if (q->job.opcode == VACCEL_OP_FENCE)
		q->fence = q->job.value;
	fence = q->fence;
	q->job_active = false;
	q->head = head + 1;
	q->stats.jobs++;
	spin_unlock(&q->state_lock);

	vaccel_queue_writeback(q, head + 1, 0, fence);
	atomic64_inc(&inst->stats.jobs);
	switch (q->job.opcode) {
	case VACCEL_OP_BUSY:
		atomic64_add(q->job.value, &inst->stats.done_busy_ns);
		break;
	case VACCEL_OP_COPY:
	case VACCEL_OP_FILL:
	case VACCEL_OP_CRC32C:
		atomic64_add(q->job.len, &inst->stats.done_bytes);
		break;
	case VACCEL_OP_GEMM:
		atomic64_add((u64)q->job.m * q->job.n * q->job.k,
			     &inst->stats.done_macs);
		break;
	}
	trace_vaccel_complete(inst, q->idx, head, q->job.opcode);
	return VACCEL_STEP_MORE | VACCEL_STEP_COMPLETED |
	       (q->job.flags & VACCEL_DESC_F_IRQ ? VACCEL_STEP_DONE_IRQ : 0);
}

/**
 * vaccel_queue_step() - one bounded piece of work on a queue
 * @q: the queue
 * @eng: the engine doing it
 *
 * Fetches and checks the next descriptor if no command is in progress,
 * then runs one chunk of the command, completing it if that was the last.
 * A chunk that meets a guest page that is not resident parks the queue
 * for the instance's worker (vaccel_queue_serve()).
 *
 * Context: queue lock held.
 * Return: VACCEL_STEP_* flags; without VACCEL_STEP_MORE the queue has
 * nothing more to do now.
 */
unsigned int vaccel_queue_step(struct vaccel_queue *q,
			       struct vaccel_engine *eng)
{
	struct vaccel_instance *inst = q->inst;
	const struct vaccel_exec_env env = {
		.ops = &vaccel_queue_exec_ops,
		.priv = q,
		.scratch = eng->scratch,
		.mark = &eng->mark,
	};
	struct vaccel_desc desc;
	bool go, active;
	u32 head, err;
	u64 bytes = 0, now;
	int ret;

	lockdep_assert_held(&q->lock);
	if (!vaccel_inst_may_run(inst))
		return 0;
	spin_lock(&q->state_lock);
	go = vaccel_queue_work_locked(q);
	head = q->head;
	active = q->job_active;
	spin_unlock(&q->state_lock);
	if (!go)
		return 0;

	if (!active) {
		if (!vaccel_queue_fetch(q, head, &desc))
			return 0;
		err = vaccel_desc_check(&desc, inst->mem_size, &q->job);
		if (err)
			return vaccel_queue_fail(q, err, head);
		now = ktime_get_ns();
		spin_lock(&q->state_lock);
		q->job_active = true;
		vaccel_queue_mark_start_locked(q, head, now);
		spin_unlock(&q->state_lock);
	}

	ret = vaccel_exec_chunk(&q->job, &env, &bytes);
	atomic64_add(bytes, &inst->stats.bytes);
	if (ret < 0)
		return vaccel_queue_fail(q, -ret, head);
	if (ret == VACCEL_EXEC_FAULT) {
		/* The worker pins the pages and lets the queue go on. */
		spin_lock(&q->state_lock);
		q->parked = true;
		spin_unlock(&q->state_lock);
		vaccel_dma_kick(inst);
		return 0;
	}
	if (ret == VACCEL_EXEC_MORE)
		return VACCEL_STEP_MORE;
	return vaccel_queue_complete(q, head);
}

/* Tries of a pin refused because its range is being unmapped, 10 ms apart. */
#define VACCEL_QUEUE_BUSY_TRIES \
	(2 * VACCEL_DMA_INVAL_NS / (10 * NSEC_PER_MSEC))

/*
 * The instance's worker, for a parked queue: pin what its command needs,
 * then let it run again, or fail it when the memory is not mapped.  A
 * range being unmapped is waited out: it may be mapped again, and a
 * command fails only when its memory is really gone.
 */
static void vaccel_queue_serve(struct vaccel_queue *q)
{
	struct vaccel_instance *inst = q->inst;
	unsigned int epoch, ev = 0, tries = 0;
	struct vaccel_job job;
	bool parked, active;
	u32 head;
	int ret;

	mutex_lock(&q->lock);
	spin_lock(&q->state_lock);
	parked = q->parked;
	active = q->job_active;
	head = q->head;
	spin_unlock(&q->state_lock);
	epoch = q->epoch;
	job = q->job;
	mutex_unlock(&q->lock);
	if (!parked)
		return;

	/* No lock of the queue is held while pinning (vaccel.h). */
	ret = active ? vaccel_dma_need_job(inst, &job, q, epoch) : 0;
	while (ret == -EBUSY && tries++ < VACCEL_QUEUE_BUSY_TRIES &&
	       READ_ONCE(q->epoch) == epoch) {
		usleep_range(10000, 20000);
		ret = vaccel_dma_need_job(inst, &job, q, epoch);
	}

	mutex_lock(&q->lock);
	if (q->epoch == epoch) {
		if (ret)
			ev = vaccel_queue_fail(q, VACCEL_QERR_DMA, head);
		spin_lock(&q->state_lock);
		q->parked = false;
		spin_unlock(&q->state_lock);
	}
	mutex_unlock(&q->lock);
	vaccel_queue_deliver(q, epoch, ev);
	vaccel_engine_queue_kick(q);
}

/**
 * vaccel_queues_work() - the instance's worker
 * @work: the instance's dma.work
 *
 * Pins guest pages for parked queues, and raises the interrupts that an
 * engine or the unmap callback left (vaccel_queue_deliver()).  Runs in
 * the tenant's name: it may wait for the tenant's memory and for its
 * function's lock, never an engine.
 *
 * Context: a kworker; takes the queues' locks and the instance lock, one
 * at a time.
 */
void vaccel_queues_work(struct work_struct *work)
{
	struct vaccel_instance *inst = container_of(work,
						    struct vaccel_instance,
						    dma.work);
	unsigned int i, ev, epoch;

	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		vaccel_queue_serve(&inst->queues[i]);

	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue *q = &inst->queues[i];

		spin_lock(&q->state_lock);
		ev = q->irq_pending;
		epoch = q->irq_epoch;
		q->irq_pending = 0;
		spin_unlock(&q->state_lock);
		if (!ev)
			continue;
		mutex_lock(&inst->lock);
		vaccel_queue_deliver_locked(q, epoch, ev);
		mutex_unlock(&inst->lock);
	}
}
