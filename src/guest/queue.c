// SPDX-License-Identifier: GPL-2.0
/*
 * The VF driver's command queues: ring and writeback setup, submission
 * (one TAIL write per job), completion from the writeback (no register
 * read), and recovery of a queue the device stopped on an error: the job
 * at fault fails with the device's error, the queue is reset, and the
 * jobs behind it are written again and run.
 */

#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vaccel_regs.h"
#include "vfg.h"

#define RING_BYTES	(VFG_RING_SIZE * sizeof(struct vaccel_desc))

static void qwrite(struct vfg_queue *q, u32 reg, u32 val)
{
	writel(val, q->vf->regs + VACCEL_QUEUE_REG(q->idx, reg));
}

static u32 qread(struct vfg_queue *q, u32 reg)
{
	return readl(q->vf->regs + VACCEL_QUEUE_REG(q->idx, reg));
}

/**
 * vfg_queue_init() - set up a queue's memory (the queue stays disabled)
 * @vf: the function
 * @q: the queue
 * @idx: its number
 *
 * The ring and, after it, the 64-byte writeback area are one coherent
 * allocation, released by devres when the driver lets go of the function.
 *
 * Return: 0 or -ENOMEM.
 */
int vfg_queue_init(struct vfg_dev *vf, struct vfg_queue *q, unsigned int idx)
{
	void *mem;

	BUILD_BUG_ON(sizeof(struct vaccel_desc) != VACCEL_DESC_SIZE);
	BUILD_BUG_ON(!is_power_of_2(VFG_RING_SIZE) ||
		     VFG_RING_SIZE > VACCEL_RING_MAX);
	q->vf = vf;
	q->idx = idx;
	mutex_init(&q->lock);
	INIT_LIST_HEAD(&q->jobs);
	init_waitqueue_head(&q->room);
	q->stopped = true;
	/* Page aligned, which covers the ring's 4 KiB and the WB's 64 B. */
	mem = dmam_alloc_coherent(&vf->pdev->dev, RING_BYTES + VACCEL_WB_ALIGN,
				  &q->ring_dma, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	q->ring = mem;
	q->wb = mem + RING_BYTES;
	q->wb_dma = q->ring_dma + RING_BYTES;
	return 0;
}

/* Program and enable the queue, empty.  Called with q->lock held. */
static void program(struct vfg_queue *q)
{
	memset(q->wb, 0, sizeof(*q->wb));
	q->tail = 0;
	q->head = 0;
	qwrite(q, VACCEL_Q_RING_LO, lower_32_bits(q->ring_dma));
	qwrite(q, VACCEL_Q_RING_HI, upper_32_bits(q->ring_dma));
	qwrite(q, VACCEL_Q_RING_SIZE, VFG_RING_SIZE);
	qwrite(q, VACCEL_Q_WB_LO, lower_32_bits(q->wb_dma));
	qwrite(q, VACCEL_Q_WB_HI, upper_32_bits(q->wb_dma));
	qwrite(q, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
	if (!(qread(q, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ENABLED))
		dev_err(&q->vf->pdev->dev, "%s: queue %u did not enable (error %u)\n",
			q->vf->name, q->idx, qread(q, VACCEL_Q_ERROR));
}

/* Copy a job's descriptors into the ring at the tail.  q->lock held. */
static void write_job(struct vfg_queue *q, struct vfg_job *job)
{
	unsigned int i;

	job->start = q->tail;
	for (i = 0; i < job->ndesc; i++)
		q->ring[(q->tail + i) & (VFG_RING_SIZE - 1)] = job->descs[i];
	q->tail += job->ndesc;
}

/**
 * vfg_queue_start() - (re)start a queue, empty, and let submissions in
 * @q: the queue
 */
void vfg_queue_start(struct vfg_queue *q)
{
	mutex_lock(&q->lock);
	if (!q->gone) {
		program(q);
		q->stopped = false;
	}
	mutex_unlock(&q->lock);
	wake_up_all(&q->room);
}

/**
 * vfg_queue_stop() - stop a queue and fail every job on it
 * @q: the queue
 * @status: what the jobs fail with (-ECANCELED: reset, -ENODEV: removal)
 * @gone: the function is going away: no register access after this
 *
 * Clearing ENABLE returns once the device has left the queue (at the next
 * chunk boundary), so the jobs' memory can be released afterwards.
 */
void vfg_queue_stop(struct vfg_queue *q, int status, bool gone)
{
	struct vfg_job *job, *tmp;
	LIST_HEAD(failed);

	mutex_lock(&q->lock);
	if (!q->gone)
		qwrite(q, VACCEL_Q_CONTROL, 0);
	q->stopped = true;
	if (gone)
		q->gone = true;
	list_splice_init(&q->jobs, &failed);
	mutex_unlock(&q->lock);
	wake_up_all(&q->room);

	list_for_each_entry_safe(job, tmp, &failed, node) {
		list_del(&job->node);
		vfg_job_finish(job, status, 0, 0);
	}
}

static bool has_room(struct vfg_queue *q, unsigned int ndesc)
{
	return q->gone || q->stopped ||
	       ndesc <= VFG_RING_SIZE - (q->tail - q->head);
}

/**
 * vfg_queue_submit() - put a job on its context's queue and ring the doorbell
 * @q: the queue
 * @job: a job with its descriptors built; it gets its fence here
 * @nonblock: return -EAGAIN instead of waiting for room in the ring
 *
 * On success the job belongs to the queue (it may have finished and be
 * freed by the time this returns); on failure it still belongs to the
 * caller.
 *
 * Return: the job's fence (> 0; 0 for an internal job), or -ENODEV,
 * -ECANCELED (a function reset is in progress), -EAGAIN or -EINTR.
 */
s64 vfg_queue_submit(struct vfg_queue *q, struct vfg_job *job, bool nonblock)
{
	struct vfg_ctx *ctx = job->ctx;
	s64 fence;

	for (;;) {
		mutex_lock(&q->lock);
		if (q->gone) {
			fence = -ENODEV;
			break;
		}
		if (q->stopped) {
			fence = -ECANCELED;
			break;
		}
		if (has_room(q, job->ndesc)) {
			if (!job->internal) {
				spin_lock(&ctx->lock);
				job->fence = ++ctx->submitted;
				spin_unlock(&ctx->lock);
			}
			fence = job->fence;
			write_job(q, job);
			list_add_tail(&job->node, &q->jobs);
			/* The doorbell: the descriptors are in coherent memory. */
			qwrite(q, VACCEL_Q_TAIL, q->tail);
			break;
		}
		mutex_unlock(&q->lock);
		if (nonblock)
			return -EAGAIN;
		if (wait_event_interruptible(q->room,
					     has_room(q, job->ndesc)))
			return -EINTR;
	}
	mutex_unlock(&q->lock);
	return fence;
}

/* Move the jobs the device finished (HEAD passed their end) to @done. */
static void take_finished(struct vfg_queue *q, u32 head, struct list_head *done)
{
	struct vfg_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, &q->jobs, node) {
		if ((s32)(head - (job->start + job->ndesc)) < 0)
			break;
		list_move_tail(&job->node, done);
	}
}

static void finish_list(struct list_head *done, int status)
{
	struct vfg_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, done, node) {
		list_del(&job->node);
		vfg_job_finish(job, status, 0, 0);
	}
}

/**
 * vfg_queue_complete() - finish the jobs the device completed
 * @q: the queue
 *
 * Called from the queue's completion interrupt thread.  Reads only the
 * writeback; a HEAD there that is not between what was processed and
 * what was submitted is ignored.
 */
void vfg_queue_complete(struct vfg_queue *q)
{
	LIST_HEAD(done);
	u32 head;

	mutex_lock(&q->lock);
	if (q->gone || q->stopped) {
		mutex_unlock(&q->lock);
		return;
	}
	head = le32_to_cpu(READ_ONCE(q->wb->head));
	/* Read the results only after the HEAD that covers them. */
	dma_rmb();
	if (head - q->head <= q->tail - q->head) {
		take_finished(q, head, &done);
		q->head = head;
	}
	mutex_unlock(&q->lock);
	if (list_empty(&done))
		return;
	finish_list(&done, 0);
	wake_up_all(&q->room);
}

static const char *const qerr_names[VACCEL_QERR_COUNT] = {
	[VACCEL_QERR_NONE] = "none",
	[VACCEL_QERR_OPCODE] = "OPCODE",
	[VACCEL_QERR_FLAGS] = "FLAGS",
	[VACCEL_QERR_RESERVED] = "RESERVED",
	[VACCEL_QERR_LENGTH] = "LENGTH",
	[VACCEL_QERR_RANGE] = "RANGE",
	[VACCEL_QERR_OVERLAP] = "OVERLAP",
	[VACCEL_QERR_MATRIX] = "MATRIX",
	[VACCEL_QERR_VALUE] = "VALUE",
	[VACCEL_QERR_DMA] = "DMA",
	[VACCEL_QERR_RING] = "RING",
	[VACCEL_QERR_DOORBELL] = "DOORBELL",
};

/**
 * vfg_queue_recover() - handle a queue the device stopped on an error
 * @q: the queue
 *
 * Called from the error interrupt thread.  The jobs before the faulty
 * descriptor finish, the job holding it fails with -EIO and the device's
 * error code, the queue is reset and programmed again, and the jobs
 * behind are written to the fresh ring and submitted with one doorbell.
 */
void vfg_queue_recover(struct vfg_queue *q)
{
	struct vfg_job *job, *bad = NULL;
	u32 code, index, head, op = 0;
	LIST_HEAD(done);

	mutex_lock(&q->lock);
	if (q->gone || q->stopped ||
	    !(qread(q, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR)) {
		mutex_unlock(&q->lock);
		return;
	}
	code = qread(q, VACCEL_Q_ERROR);
	index = qread(q, VACCEL_Q_ERROR_INDEX);
	head = qread(q, VACCEL_Q_HEAD);
	if (head - q->head <= q->tail - q->head)
		take_finished(q, head, &done);
	list_for_each_entry(job, &q->jobs, node) {
		if (index - job->start < job->ndesc) {
			bad = job;
			op = le64_to_cpu(job->descs[index - job->start].tag);
			list_del(&job->node);
			break;
		}
	}

	qwrite(q, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_RESET);
	program(q);
	list_for_each_entry(job, &q->jobs, node)
		write_job(q, job);
	if (q->tail)
		qwrite(q, VACCEL_Q_TAIL, q->tail);
	mutex_unlock(&q->lock);

	dev_warn_ratelimited(&q->vf->pdev->dev,
			     "%s: queue %u: device error %s at descriptor %u%s; queue reset\n",
			     q->vf->name, q->idx,
			     code < VACCEL_QERR_COUNT ? qerr_names[code] : "unknown",
			     index, bad ? ", its job failed" : "");
	finish_list(&done, 0);
	if (bad)
		vfg_job_finish(bad, -EIO, code, op);
	wake_up_all(&q->room);
}
