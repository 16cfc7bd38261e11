// SPDX-License-Identifier: GPL-2.0
/*
 * The workload vaccel-vfio migrate moves (migrate.h): all 4 queues of the
 * source busy with long COPY, CRC32C and GEMM commands and some BUSY, each
 * result in a buffer of its own with SENTINEL bytes around it, some in
 * device memory; BAR2 beyond the queues' slots holds a pattern.  Three
 * batches per queue, each ending in a FENCE with the IRQ flag: the first
 * before the migration, the second submitted while the source is stopped
 * (RUNNING_P2P: the doorbell must run once the function runs again), the
 * third on the function that runs after the migration (it reads back the
 * queue's slot of device memory).  Every result is checked against the
 * reference models, every queue's HEAD, writeback and FENCE.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "job.h"
#include "mig.h"
#include "migrate.h"
#include "pattern.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

#define MW_GEMM_M	96
#define MW_GEMM_N	96
#define MW_GEMM_K	512
#define MW_BUSY_NS	50000000ULL
#define MW_SLOT_MAX	(1024 * 1024)
#define MW_LATE		8000	/* the FILL submitted while stopped */

/* Room for @size result bytes in the queue's buffer, gaps around. */
static struct opnd mw_take(struct mw_queue *mq, size_t size)
{
	size_t off = mq->dst_used + GAP;

	mq->dst_used = (off + size + GAP + 63) & ~63UL;
	if (mq->dst_used > mq->dst.size) {
		fprintf(stderr, "vaccel-vfio: migrate: workload buffer too small\n");
		abort();
	}
	return at_buf(&mq->dst, off);
}

static bool mw_push(struct mw_queue *mq, struct vjob j)
{
	if (mq->n == MW_JOBS || !queue_push(mq->qu, &j.c))
		return false;
	if (j.c.flags & VACCEL_DESC_F_IRQ)
		mq->irqs++;
	if (j.c.op == VACCEL_OP_FENCE)
		mq->fence = j.c.value;
	mq->job[mq->n++] = j;
	return true;
}

static struct opnd mw_src(struct mw_queue *mq, size_t len)
{
	return at_buf(&mq->src, rnd_between(0, mq->src.size - len));
}

static bool mw_fence(struct mw_queue *mq, unsigned int batch)
{
	struct cmd c = cmd_fence((__u64)mq->qu->q << 48 | (__u64)batch << 32 |
				 (__u32)rnd());
	struct opnd none = { 0 };

	c.flags = VACCEL_DESC_F_IRQ;
	return mw_push(mq, vjob_make(c, none, none, none));
}

/* One command of @kind (0 COPY, 1 CRC32C, 2 GEMM, 3 BUSY). */
static bool mw_one(struct mwork *w, struct mw_queue *mq, unsigned int kind)
{
	__u32 len = w->len - rnd() % 4096;
	struct opnd a, b, d, none = { 0 };
	size_t ab = 4ULL * MW_GEMM_M * MW_GEMM_K;

	switch (kind) {
	case 0:
		a = mw_src(mq, len);
		d = mw_take(mq, len);
		return mw_push(mq, vjob_make(cmd_copy(d, a, len), d, a, none));
	case 1:
		a = mw_src(mq, len);
		d = mw_take(mq, 4);
		return mw_push(mq, vjob_make(cmd_crc(d, a, len, (__u32)rnd()),
					     d, a, none));
	case 2:
		a = at_buf(&mq->src, 4 * rnd_between(0, 1024));
		b = at_buf(&mq->src, ab + 4 * rnd_between(0, 1024));
		d = mw_take(mq, 4ULL * MW_GEMM_M * MW_GEMM_N);
		return mw_push(mq, vjob_make(cmd_gemm(d, a, b, MW_GEMM_M,
						      MW_GEMM_N, MW_GEMM_K),
					     d, a, b));
	default:
		return mw_push(mq, vjob_make(cmd_busy(MW_BUSY_NS), none, none,
					     none));
	}
}

/*
 * Memory for the workload, mapped through @e (the source's qenv): per
 * queue a random source and a result buffer, a ring of MW_RING; BAR2
 * filled with a pattern.
 */
bool mw_setup(struct mwork *w, struct qenv *e, unsigned int rounds,
	      __u32 len)
{
	size_t src = len + 4ULL * 2 * MW_GEMM_K * MW_GEMM_N + 2 * MIB;
	__u64 slot = e->bar2_size / 8;
	unsigned int q;

	memset(w, 0, sizeof(*w));
	w->e = e;
	w->rounds = rounds;
	w->len = len;
	if (slot > MW_SLOT_MAX)
		slot = MW_SLOT_MAX;
	slot &= ~4095ULL;
	w->bar_seed = rnd();
	w->bar_from = VACCEL_FN_QUEUES * slot;
	fill((__u64 *)(e->bar2 + w->bar_from), w->bar_from,
	     e->bar2_size - w->bar_from, w->bar_seed);
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct mw_queue *mq = &w->q[q];

		mq->bar = q * slot;
		mq->bar_len = slot;
		memset(e->bar2 + mq->bar, SENTINEL, slot);
		mq->qu = queue_start(e, q, MW_RING);
		if (!mq->qu || !dma_alloc(e, &mq->src, src) ||
		    !dma_alloc(e, &mq->dst, (size_t)rounds * (len + 64 * 1024) +
			       slot + 2 * MIB))
			return false;
		rnd_fill(mq->src.va, mq->src.size);
		memset(mq->dst.va, SENTINEL, mq->dst.size);
	}
	return true;
}

/* The first batch on every queue, doorbells rung. */
bool mw_initial(struct mwork *w)
{
	unsigned int q, r, k;
	struct opnd a, d, none = { 0 };
	__u32 len;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct mw_queue *mq = &w->q[q];

		/* Device memory that must move: the queue's BAR2 slot. */
		len = mq->bar_len - 2 * GAP;
		a = mw_src(mq, len);
		d = at_bar2(w->e, mq->bar + GAP);
		if (!mw_push(mq, vjob_make(cmd_copy(d, a, len), d, a, none)))
			return false;
		for (r = 0; r < w->rounds; r++)
			for (k = 0; k < 4; k++)
				if (!mw_one(w, mq, (k + q + r) % 4))
					return false;
		if (!mw_fence(mq, 1))
			return false;
		queue_ring(mq->qu);
	}
	return true;
}

/*
 * Let the first batch run for @seconds, or until a queue has completed
 * half of it, whichever comes first: on any host, the source must stop
 * with commands in flight.
 */
void mw_warmup(struct mwork *w, double seconds)
{
	__u64 t0 = now_ns(), end = t0 + seconds * 1e9;
	unsigned int q;

	while (now_ns() < end) {
		for (q = 0; q < VACCEL_FN_QUEUES; q++)
			if (wb_head(w->q[q].qu) >= w->q[q].n / 2) {
				remark("warmup over after %.3f s: queue %u is half done",
				       (now_ns() - t0) / 1e9, q);
				return;
			}
		sleep_us(1000);
	}
}

/* While the source is stopped: a FILL and a FENCE per queue, rung. */
bool mw_late(struct mwork *w)
{
	struct opnd d, none = { 0 };
	unsigned int q;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct mw_queue *mq = &w->q[q];

		d = mw_take(mq, MW_LATE);
		if (!mw_push(mq, vjob_make(cmd_fill(d, MW_LATE, rnd()), d, none,
					   none)) ||
		    !mw_fence(mq, 2))
			return false;
		queue_ring(mq->qu);
	}
	return true;
}

/*
 * On the function that runs now (@cur): the queue's BAR2 slot copied back
 * to guest memory, a CRC32C of it, a FENCE; rung.
 */
bool mw_after(struct mwork *w, struct qenv *cur)
{
	struct opnd a, d, none = { 0 };
	unsigned int q;
	__u32 len;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct mw_queue *mq = &w->q[q];

		len = mq->bar_len - 2 * GAP;
		a = at_bar2(cur, mq->bar + GAP);
		d = mw_take(mq, len);
		if (!mw_push(mq, vjob_make(cmd_copy(d, a, len), d, a, none)))
			return false;
		d = mw_take(mq, 4);
		if (!mw_push(mq, vjob_make(cmd_crc(d, a, len, 0), d, a, none)) ||
		    !mw_fence(mq, 3))
			return false;
		queue_ring(mq->qu);
	}
	return true;
}

/* How far a COPY or FILL in flight got: bytes of its result written. */
static size_t mw_progress(const struct vjob *j, __u8 *bar2)
{
	const __u8 *d = j->dst.dev ? bar2 + j->dst.addr : j->dst.p;
	size_t i, len = j->c.len;

	if (j->c.op != VACCEL_OP_COPY && j->c.op != VACCEL_OP_FILL)
		return 0;
	for (i = 0; i < len; i += 4096)
		if (d[i] == SENTINEL && d[i + (len - i > 1 ? 1 : 0)] == SENTINEL)
			break;
	return i < len ? i : len;
}

/*
 * The source just stopped (RUNNING_P2P): note each queue's HEAD and TAIL
 * and the command in flight.  Returns the queues with work left.
 */
unsigned int mw_stopped(struct mwork *w)
{
	unsigned int q, busy = 0;
	char how[64];
	size_t done;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct mw_queue *mq = &w->q[q];
		const struct vjob *j;
		__u32 base = mq->qu->tail - mq->n;

		mq->head_stop = q_rd(mq->qu, VACCEL_Q_HEAD);
		mq->tail_stop = q_rd(mq->qu, VACCEL_Q_TAIL);
		if (mq->head_stop == mq->tail_stop) {
			remark("queue %u stopped idle at HEAD %u", q,
			       mq->head_stop);
			continue;
		}
		busy++;
		j = &mq->job[mq->head_stop - base];
		done = mw_progress(j, w->e->bar2);
		if (j->c.op == VACCEL_OP_COPY || j->c.op == VACCEL_OP_FILL)
			snprintf(how, sizeof(how), " of %u bytes): about %zu written",
				 j->c.len, done);
		else
			snprintf(how, sizeof(how), ")");
		remark("queue %u stopped at HEAD %u of TAIL %u, in command %u (%s%s",
		       q, mq->head_stop, mq->tail_stop, mq->head_stop - base,
		       op_name(j->c.op), how);
	}
	return busy;
}

/* The queues now belong to @to (the destination's qenv). */
void mw_move(struct mwork *w, struct qenv *to)
{
	unsigned int q;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct queue *from = w->q[q].qu;

		to->queue[q] = *from;
		to->queue[q].e = to;
		memset(from, 0, sizeof(*from));
		w->q[q].qu = &to->queue[q];
	}
}

/* Wait until every queue completed everything submitted. */
bool mw_wait(struct mwork *w)
{
	unsigned int q;
	bool ok = true;
	int err;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		err = queue_wait(w->q[q].qu, w->q[q].qu->tail, Q_TIMEOUT_MS);
		if (err)
			ok = queue_failed(w->q[q].qu, "completing the workload",
					  err);
	}
	return ok;
}

/*
 * Every result on @cur (the function the queues belong to now), every
 * queue's registers and writeback, BAR2 beyond the slots.
 */
bool mw_verify(struct mwork *w, struct qenv *cur, const char *where)
{
	struct report *r = &cur->v->report;
	unsigned int q, i, bad0 = r->failures;
	char what[64];

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		struct mw_queue *mq = &w->q[q];
		struct queue *qu = mq->qu;
		__u32 tail = qu->tail, fence_lo, fence_hi;

		for (i = 0; i < mq->n; i++) {
			snprintf(what, sizeof(what), "queue %u command %2u", q, i);
			vjob_verify(r, &mq->job[i], cur->bar2, what);
		}
		fence_lo = q_rd(qu, VACCEL_Q_FENCE_LO);
		fence_hi = q_rd(qu, VACCEL_Q_FENCE_HI);
		check(r, q_rd(qu, VACCEL_Q_HEAD) == tail &&
		      q_rd(qu, VACCEL_Q_TAIL) == tail && wb_head(qu) == tail &&
		      !wb_error(qu) && wb_fence(qu) == mq->fence &&
		      ((__u64)fence_hi << 32 | fence_lo) == mq->fence &&
		      q_rd(qu, VACCEL_Q_STATUS) ==
		      (VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE),
		      "%s: queue %u: HEAD = TAIL = writeback head = %u, no error, STATUS %#x, FENCE and writeback fence %#llx",
		      where, q, tail, q_rd(qu, VACCEL_Q_STATUS), mq->fence);
	}
	check_pattern(r, "BAR2 beyond the queues' slots holds its pattern",
		      (__u64 *)(cur->bar2 + w->bar_from), w->bar_from,
		      cur->bar2_size - w->bar_from, w->bar_seed);
	return r->failures == bad0;
}

/* A vector's count so far (its eventfd read, so reset to 0). */
static __u64 efd_count(int fd)
{
	__u64 n = 0;

	if (fd < 0 || read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/*
 * Each IRQ command signalled its queue's vector once, on the source or on
 * the destination (@dst may be NULL).
 */
void mw_irqs(struct mwork *w, struct qenv *src, struct qenv *dst)
{
	struct report *r = &(dst ? dst : src)->v->report;
	unsigned int q;
	__u64 s, d;

	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		s = efd_count(src->fds[VACCEL_QUEUE_VECTOR(q)]);
		d = dst ? efd_count(dst->fds[VACCEL_QUEUE_VECTOR(q)]) : 0;
		check(r, s + d == w->q[q].irqs,
		      "queue %u: MSI-X vector %u fired %llu times on the source, %llu on the destination: %u IRQ commands",
		      q, VACCEL_QUEUE_VECTOR(q), s, d, w->q[q].irqs);
	}
}

/*
 * Dirty page tracking on the container from before the first doorbell,
 * as a VMM starts it when the migration begins.
 */
void mw_dirty_start(struct mwork *w)
{
	struct vfio_iommu_type1_info_cap_migration cap;
	struct vdev *v = w->e->v;
	int err = iommu_mig_cap(v->container, &cap);

	if (err) {
		remark("no dirty page tracking on the container (%s)", errname(err));
		return;
	}
	w->dirty = check_errno(&v->report, "VFIO_IOMMU_DIRTY_PAGES: START",
			       dirty_ctl(v->container,
					 VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
}

/*
 * The source stopped: the bitmaps a VMM reads for its last copy of guest
 * memory.  Every page of a result completed before the stop, and every
 * writeback page, must be marked; the rest is counted.
 */
void mw_dirty_final(struct mwork *w)
{
	struct vdev *v = w->e->v;
	__u64 pg = v->page_size, *bm, marked = 0, mapped = 0, t0, p;
	unsigned int q, i, results = 0, missed = 0;
	struct dma_buf *bufs[4];
	int err = 0, k;

	if (!w->dirty)
		return;
	bm = calloc(w->q[0].dst.size / pg / 64 + w->q[0].src.size / pg / 64 + 64,
		    8);
	if (!bm)
		return;
	t0 = now_ns();
	for (q = 0; q < VACCEL_FN_QUEUES && !err; q++) {
		struct mw_queue *mq = &w->q[q];

		bufs[0] = &mq->qu->ring;
		bufs[1] = &mq->qu->wbuf;
		bufs[2] = &mq->src;
		bufs[3] = &mq->dst;
		for (k = 0; k < 4 && !err; k++) {
			memset(bm, 0, (bufs[k]->size / pg + 63) / 64 * 8);
			err = dirty_get(v->container, bufs[k]->iova, bufs[k]->size,
					pg, bm);
			if (err)
				break;
			marked += dirty_count(bm, bufs[k]->size / pg);
			mapped += bufs[k]->size / pg;
			if (k == 1 && !dirty_bit(bm, 0))
				missed++;
		}
		/* bm holds the result buffer's bitmap now. */
		for (i = 0; !err && i < mq->n && i < mq->head_stop; i++) {
			const struct vjob *j = &mq->job[i];
			size_t len = vjob_result_len(&j->c);

			if (!len || j->dst.dev)
				continue;
			results++;
			for (p = (j->dst.addr - mq->dst.iova) / pg;
			     p <= (j->dst.addr + len - 1 - mq->dst.iova) / pg; p++)
				if (!dirty_bit(bm, p)) {
					missed++;
					break;
				}
		}
	}
	free(bm);
	if (!check_errno(&v->report, "_GET_BITMAP of every mapping", err, 0))
		return;
	printf("  a VMM's last dirty sync: %llu of %llu mapped pages marked",
	       marked, mapped);
	printf(" (%.1f MiB) in %.3f ms\n", marked * pg / (double)MIB,
	       (now_ns() - t0) / 1e6);
	check(&v->report, !missed,
	      "dirty: the writebacks and the %u results done before the stop are marked%s",
	      results, missed ? " -- NOT all" : "");
	check_errno(&v->report, "VFIO_IOMMU_DIRTY_PAGES: STOP",
		    dirty_ctl(v->container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), 0);
	w->dirty = false;
}

void mw_free(struct mwork *w)
{
	unsigned int q;

	if (!w->e)
		return;
	if (w->dirty)
		dirty_ctl(w->e->v->container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		dma_free(w->e, &w->q[q].src);
		dma_free(w->e, &w->q[q].dst);
	}
}
