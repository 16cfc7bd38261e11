// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio bad: one bad descriptor, ring setup or doorbell per queue
 * error code, each checked from the registers to the memory it names,
 * while the next queue keeps working.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "irq.h"
#include "model.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* bad: one bad descriptor or setup per error code */

enum bad_kind {
	BAD_DESC,		/* a bad descriptor after the good ones */
	BAD_SETUP,		/* a bad ring or writeback at ENABLE */
	BAD_DOORBELL,		/* TAIL written @tail_ahead past HEAD */
};

/* Ring and writeback setups for BAD_SETUP. */
enum bad_setup {
	RING_MISALIGNED,	/* ring IOVA + 64 */
	RING_UNMAPPED,		/* ring at an unmapped IOVA */
	RING_PARTIAL,		/* 4096 descriptors, only the first page mapped */
	RING_SIZE_0,
	RING_SIZE_1,
	RING_SIZE_3,
	RING_SIZE_24,
	RING_SIZE_8192,
	WB_MISALIGNED,		/* writeback IOVA + 8 */
	WB_MISALIGNED_32,	/* writeback IOVA + 32 */
	WB_UNMAPPED,
};

struct bad_case {
	const char *what;
	__u32 code;
	enum bad_kind kind;
	struct cmd c;		/* BAD_DESC */
	enum bad_setup setup;	/* BAD_SETUP */
	__u32 tail_ahead;	/* BAD_DOORBELL: TAIL - HEAD, modulo 2^32 */
};

/* The memory the bad commands point at. */
struct bad_env {
	struct dma_buf x;	/* 1 MiB: sources in the first half */
	struct dma_buf ro;	/* mapped for device reads only */
	struct dma_buf page1;	/* one mapped page (RING_PARTIAL) */
	struct dma_buf good;	/* what the good descriptors fill */
	struct dma_buf side;	/* the other queue's work */
	__u8 *x_snap;
	__u8 *bar_snap;
	__u64 bar_mid;		/* BAR2 windows that bad commands aim at */
	__u64 bar_end;
};

#define BAR_WIN		65536

static unsigned int bad_cases(struct qenv *e, struct bad_env *b,
			      struct bad_case *list)
{
	const __u64 x = b->x.iova, src = x, dst = x + 512 * 1024;
	const __u64 unmapped = x + b->x.size, m = e->bar2_size;
	const __u64 mid = b->bar_mid;
	const __u16 sd = VACCEL_DESC_F_SRC_DEV, s2d = VACCEL_DESC_F_SRC2_DEV;
	const __u16 dd = VACCEL_DESC_F_DST_DEV;
	unsigned int n = 0;

#define D(w, err, ...)	(list[n++] = (struct bad_case){ .what = (w), \
			 .code = VACCEL_QERR_##err, .kind = BAD_DESC, \
			 .c = { __VA_ARGS__ } })
#define S(w, s)		(list[n++] = (struct bad_case){ .what = (w), \
			 .code = VACCEL_QERR_RING, .kind = BAD_SETUP, \
			 .setup = (s) })
#define T(w, ahead)	(list[n++] = (struct bad_case){ .what = (w), \
			 .code = VACCEL_QERR_DOORBELL, .kind = BAD_DOORBELL, \
			 .tail_ahead = (ahead) })
	D("opcode 7 (one past BUSY)", OPCODE, .op = VACCEL_OP_COUNT);
	D("opcode 0xffff", OPCODE, .op = 0xffff);
	D("NOP with flag bit 4 (unknown)", FLAGS, .op = VACCEL_OP_NOP,
	  .flags = BIT(4));
	D("NOP with flag bit 15 (unknown)", FLAGS, .op = VACCEL_OP_NOP,
	  .flags = BIT(15));
	D("FENCE with DST_DEV", FLAGS, .op = VACCEL_OP_FENCE, .flags = dd,
	  .value = 1);
	D("FILL with SRC_DEV", FLAGS, .op = VACCEL_OP_FILL, .flags = sd,
	  .dst = dst, .len = 8);
	D("COPY with SRC2_DEV", FLAGS, .op = VACCEL_OP_COPY, .flags = s2d,
	  .src = src, .dst = dst, .len = 8);
	D("CRC32C with SRC2_DEV", FLAGS, .op = VACCEL_OP_CRC32C, .flags = s2d,
	  .src = src, .dst = dst, .len = 8);
	D("BUSY with SRC_DEV", FLAGS, .op = VACCEL_OP_BUSY, .flags = sd,
	  .value = 1000);
	D("NOP with len 1", RESERVED, .op = VACCEL_OP_NOP, .len = 1);
	D("NOP with rsvd 1", RESERVED, .op = VACCEL_OP_NOP, .rsvd = 1);
	D("FENCE with src set", RESERVED, .op = VACCEL_OP_FENCE, .src = src,
	  .value = 1);
	D("COPY with value 1", RESERVED, .op = VACCEL_OP_COPY, .src = src,
	  .dst = dst, .len = 8, .value = 1);
	D("COPY with m 1", RESERVED, .op = VACCEL_OP_COPY, .src = src,
	  .dst = dst, .len = 8, .m = 1);
	D("FILL with src2 set", RESERVED, .op = VACCEL_OP_FILL, .dst = dst,
	  .len = 8, .src2 = src);
	D("CRC32C with k 1", RESERVED, .op = VACCEL_OP_CRC32C, .src = src,
	  .dst = dst, .len = 8, .k = 1);
	D("GEMM with len 4", RESERVED, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 1, .n = 1, .k = 1, .len = 4);
	D("GEMM with value 1", RESERVED, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 1, .n = 1, .k = 1, .value = 1);
	D("GEMM with rsvd 1", RESERVED, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 1, .n = 1, .k = 1, .rsvd = 1);
	D("BUSY with dst set", RESERVED, .op = VACCEL_OP_BUSY, .dst = dst,
	  .value = 1000);
	D("COPY of 0 bytes", LENGTH, .op = VACCEL_OP_COPY, .src = src,
	  .dst = dst);
	D("COPY of 0xffffffff bytes", LENGTH, .op = VACCEL_OP_COPY, .src = src,
	  .dst = dst, .len = 0xffffffff);
	D("FILL of 2^30 + 1 bytes", LENGTH, .op = VACCEL_OP_FILL, .dst = dst,
	  .len = VACCEL_DESC_MAX_LEN + 1);
	D("CRC32C of 0 bytes", LENGTH, .op = VACCEL_OP_CRC32C, .src = src,
	  .dst = dst);
	D("COPY from 2^64 - 4, 8 bytes (wraps)", RANGE, .op = VACCEL_OP_COPY,
	  .src = -4ULL, .dst = dst, .len = 8);
	D("COPY to 2^64 - 8, 16 bytes (wraps)", RANGE, .op = VACCEL_OP_COPY,
	  .src = src, .dst = -8ULL, .len = 16);
	D("FILL at 2^64 - 1, 2 bytes (wraps)", RANGE, .op = VACCEL_OP_FILL,
	  .dst = ~0ULL, .len = 2);
	D("CRC32C result at 2^64 - 2 (wraps)", RANGE, .op = VACCEL_OP_CRC32C,
	  .src = src, .dst = -2ULL, .len = 8);
	D("GEMM 4x4x4 with C at 2^64 - 16 (wraps)", RANGE,
	  .op = VACCEL_OP_GEMM, .src = src, .src2 = src + 4096, .dst = -16ULL,
	  .m = 4, .n = 4, .k = 4);
	D("COPY to BAR2 size - 4, 8 bytes (past BAR2)", RANGE,
	  .op = VACCEL_OP_COPY, .flags = dd, .src = src, .dst = m - 4, .len = 8);
	D("COPY from BAR2 offset = its size, 1 byte", RANGE,
	  .op = VACCEL_OP_COPY, .flags = sd, .src = m, .dst = dst, .len = 1);
	D("FILL of BAR2 at 2^64 - 4, 8 bytes", RANGE, .op = VACCEL_OP_FILL,
	  .flags = dd, .dst = -4ULL, .len = 8);
	D("CRC32C result at BAR2 size - 2", RANGE, .op = VACCEL_OP_CRC32C,
	  .flags = dd, .src = src, .dst = m - 2, .len = 8);
	D("GEMM with B in BAR2 past its end", RANGE, .op = VACCEL_OP_GEMM,
	  .flags = s2d, .src = src, .src2 = m - 16, .dst = dst, .m = 2, .n = 2,
	  .k = 4);
	D("COPY onto itself shifted by 16 (IOVA)", OVERLAP,
	  .op = VACCEL_OP_COPY, .src = dst + 16, .dst = dst, .len = 64);
	D("COPY whose last source byte is the first destination byte", OVERLAP,
	  .op = VACCEL_OP_COPY, .src = dst - 63, .dst = dst, .len = 64);
	D("COPY BAR2 -> BAR2 overlapping", OVERLAP, .op = VACCEL_OP_COPY,
	  .flags = sd | dd, .src = mid, .dst = mid + 100, .len = 200);
	D("GEMM with C overlapping A (IOVA)", OVERLAP, .op = VACCEL_OP_GEMM,
	  .src = dst, .src2 = src, .dst = dst + 8, .m = 4, .n = 4, .k = 4);
	D("GEMM with C overlapping B (all in BAR2)", OVERLAP,
	  .op = VACCEL_OP_GEMM, .flags = sd | s2d | dd, .src = mid,
	  .src2 = mid + 4096, .dst = mid + 4096 + 60, .m = 4, .n = 4, .k = 4);
	D("GEMM with m 0", MATRIX, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 0, .n = 1, .k = 1);
	D("GEMM with n 1025", MATRIX, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 1, .n = 1025, .k = 1);
	D("GEMM with k 0", MATRIX, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 1, .n = 1, .k = 0);
	D("GEMM with m 0xffffffff", MATRIX, .op = VACCEL_OP_GEMM, .src = src,
	  .src2 = src, .dst = dst, .m = 0xffffffff, .n = 1, .k = 1);
	D("CRC32C with seed 2^32", VALUE, .op = VACCEL_OP_CRC32C, .src = src,
	  .dst = dst, .len = 8, .value = 1ULL << 32);
	D("BUSY of 0 ns", VALUE, .op = VACCEL_OP_BUSY);
	D("BUSY of 1 s + 1 ns", VALUE, .op = VACCEL_OP_BUSY,
	  .value = VACCEL_BUSY_MAX_NS + 1);
	D("COPY from an unmapped IOVA", DMA, .op = VACCEL_OP_COPY,
	  .src = unmapped, .dst = dst, .len = 64);
	D("COPY to an unmapped IOVA", DMA, .op = VACCEL_OP_COPY, .src = src,
	  .dst = unmapped, .len = 64);
	D("COPY from a range that runs out of the mapping", DMA,
	  .op = VACCEL_OP_COPY, .src = unmapped - 100, .dst = dst, .len = 200);
	D("FILL of an unmapped IOVA", DMA, .op = VACCEL_OP_FILL,
	  .dst = unmapped, .len = 64, .value = 1);
	D("CRC32C of an unmapped IOVA", DMA, .op = VACCEL_OP_CRC32C,
	  .src = unmapped, .dst = dst, .len = 64);
	D("CRC32C with its result at an unmapped IOVA", DMA,
	  .op = VACCEL_OP_CRC32C, .src = src, .dst = unmapped, .len = 64);
	D("GEMM with B at an unmapped IOVA", DMA, .op = VACCEL_OP_GEMM,
	  .src = src, .src2 = unmapped, .dst = dst, .m = 2, .n = 2, .k = 2);
	D("COPY to an IOVA mapped without WRITE", DMA, .op = VACCEL_OP_COPY,
	  .src = src, .dst = b->ro.iova, .len = 64);
	S("ring IOVA not 4 KiB aligned (+64)", RING_MISALIGNED);
	S("ring at an unmapped IOVA", RING_UNMAPPED);
	S("ring of 4096 with only its first page mapped", RING_PARTIAL);
	S("RING_SIZE 0", RING_SIZE_0);
	S("RING_SIZE 1", RING_SIZE_1);
	S("RING_SIZE 3", RING_SIZE_3);
	S("RING_SIZE 24", RING_SIZE_24);
	S("RING_SIZE 8192", RING_SIZE_8192);
	S("writeback IOVA not 64-byte aligned (+8)", WB_MISALIGNED);
	S("writeback IOVA not 64-byte aligned (+32)", WB_MISALIGNED_32);
	S("writeback at an unmapped IOVA", WB_UNMAPPED);
	T("TAIL = HEAD + RING_SIZE + 1", 16 + 1);
	T("TAIL = HEAD + 2 x RING_SIZE", 2 * 16);
	T("TAIL = HEAD + 2^31", 1U << 31);
	T("TAIL = HEAD - 1 (behind HEAD: 2^32 - 1 ahead)", ~0U);
#undef D
#undef S
#undef T
	return n;
}

#define MAX_BAD		96
#define BAD_RING	16

/* Program the bad setup of @bc and enable. */
static void bad_setup(struct queue *qu, struct bad_env *b,
		      const struct bad_case *bc)
{
	__u64 ring = qu->ring.iova, wb = qu->wbuf.iova;
	__u32 size = qu->size;

	switch (bc->setup) {
	case RING_MISALIGNED:
		ring += 64;
		break;
	case RING_UNMAPPED:
		ring = b->x.iova + b->x.size;
		break;
	case RING_PARTIAL:
		ring = b->page1.iova;
		size = VACCEL_RING_MAX;
		break;
	case RING_SIZE_0:
		size = 0;
		break;
	case RING_SIZE_1:
		size = 1;
		break;
	case RING_SIZE_3:
		size = 3;
		break;
	case RING_SIZE_24:
		size = 24;
		break;
	case RING_SIZE_8192:
		size = 2 * VACCEL_RING_MAX;
		break;
	case WB_MISALIGNED:
		wb += 8;
		break;
	case WB_MISALIGNED_32:
		wb += 32;
		break;
	case WB_UNMAPPED:
		wb = b->x.iova + b->x.size + 4096;
		break;
	}
	memset(qu->wbuf.va, 0, 64);
	q_wr(qu, VACCEL_Q_RING_LO, (__u32)ring);
	q_wr(qu, VACCEL_Q_RING_HI, ring >> 32);
	q_wr(qu, VACCEL_Q_RING_SIZE, size);
	q_wr(qu, VACCEL_Q_WB_LO, (__u32)wb);
	q_wr(qu, VACCEL_Q_WB_HI, wb >> 32);
	q_wr(qu, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
}

/* The other queue's work while the bad one fails, and its check. */
static void side_push(struct queue *gq, struct bad_env *b, unsigned int i)
{
	struct cmd c;

	c = cmd_busy(2000000);
	queue_push(gq, &c);
	c = cmd_crc(at_buf(&b->side, 65536 + 4 * i), at_buf(&b->side, 0),
		    65536, i);
	queue_push(gq, &c);
	c = cmd_fence(i + 1);
	queue_push(gq, &c);
}

static void side_check(struct vdev *v, struct queue *gq, struct bad_env *b,
		       unsigned int i)
{
	int err = queue_wait(gq, gq->tail, Q_TIMEOUT_MS);
	__u32 got = get_le32(b->side.va + 65536 + 4 * i);

	if (err) {
		queue_failed(gq, "the other queue meanwhile", err);
		return;
	}
	check(&v->report,
	      got == crc32c(i, b->side.va, 65536) && wb_fence(gq) == i + 1 &&
	      !wb_error(gq) && !q_rd(gq, VACCEL_Q_ERROR),
	      "  queue %u meanwhile: BUSY, CRC32C (%#x) and FENCE done, no error",
	      gq->q, got);
}

static void bad_one(struct qenv *e, struct bad_env *b, unsigned int i,
		    const struct bad_case *bc)
{
	struct vdev *v = e->v;
	struct queue *bq = &e->queue[i % VACCEL_FN_QUEUES];
	struct queue *gq = &e->queue[(i + 1) % VACCEL_FN_QUEUES];
	unsigned int ngood = bc->kind == BAD_SETUP ? 0 : i % 4, j;
	__u32 st, err, idx, head, want_idx = ngood, tail;
	__u64 errors = sysfs_need(v, "vaccel/errors");
	struct cmd c;
	bool dma = bc->code == VACCEL_QERR_DMA;

	printf("  -- %u: %s: %s on queue %u after %u good\n", i,
	       qerr_name(bc->code), bc->what, bq->q, ngood);
	queue_reset(bq);
	queue_reset(gq);
	if (!queue_enable(gq))
		return;
	memcpy(b->x_snap, b->x.va, b->x.size);
	memcpy(b->bar_snap, e->bar2 + b->bar_mid, BAR_WIN);
	memcpy(b->bar_snap + BAR_WIN, e->bar2 + b->bar_end, BAR_WIN);
	memset(b->good.va, SENTINEL, 4096);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	drain_fds(e);

	side_push(gq, b, i);
	if (bc->kind == BAD_SETUP) {
		queue_ring(gq);
		bad_setup(bq, b, bc);
	} else {
		if (!queue_enable(bq))
			return;
		for (j = 0; j < ngood; j++) {
			c = cmd_fill(at_buf(&b->good, 64 * j), 64,
				     0x1111111111111111ULL * (j + 1));
			queue_push(bq, &c);
		}
		if (bc->kind == BAD_DESC) {
			queue_push(bq, &bc->c);
			c = cmd_fill(at_buf(&b->good, 64 * 8), 64, 0x77);
			queue_push(bq, &c);
			queue_ring(gq);
			queue_ring(bq);
		} else {
			queue_ring(gq);
			queue_sync(bq, "the good ones before the doorbell");
			want_idx = ngood + bc->tail_ahead;
			q_wr(bq, VACCEL_Q_TAIL, want_idx);
		}
	}

	if (!queue_wait_error(bq, Q_TIMEOUT_MS)) {
		queue_failed(bq, bc->what, -ETIMEDOUT);
		side_check(v, gq, b, i);
		return;
	}
	/* Registers first, the writeback follows: give it a moment. */
	for (j = 0; j < 100 && bc->kind != BAD_SETUP &&
	     wb_error(bq) != bc->code; j++)
		sleep_us(10000);

	st = q_rd(bq, VACCEL_Q_STATUS);
	err = q_rd(bq, VACCEL_Q_ERROR);
	idx = q_rd(bq, VACCEL_Q_ERROR_INDEX);
	head = q_rd(bq, VACCEL_Q_HEAD);
	if (bc->kind == BAD_SETUP) {
		check(&v->report,
		      err == bc->code && (st & VACCEL_Q_STATUS_ERROR) &&
		      !(st & VACCEL_Q_STATUS_ENABLED) && head == 0,
		      "  at ENABLE: STATUS %#x (ERROR, not ENABLED), ERROR %u (%s), HEAD %u",
		      st, err, qerr_name(err), head);
		remark("ERROR_INDEX %u, writeback head %u error %u (RING at ENABLE)",
		       idx, wb_head(bq), wb_error(bq));
	} else {
		check(&v->report,
		      err == bc->code && (st & VACCEL_Q_STATUS_ERROR) &&
		      idx == want_idx && head == ngood,
		      "  STATUS %#x (ERROR), ERROR %u (%s), ERROR_INDEX %u, HEAD %u%s",
		      st, err, qerr_name(err), idx, head,
		      err == bc->code && idx == want_idx && head == ngood ? "" :
		      " (unexpected)");
		if (err != bc->code || idx != want_idx || head != ngood)
			printf("        expected ERROR %u (%s), ERROR_INDEX %u, HEAD %u\n",
			       bc->code, qerr_name(bc->code), want_idx, ngood);
		check(&v->report,
		      wb_head(bq) == ngood && wb_error(bq) == bc->code,
		      "  writeback: head %u, error %u", wb_head(bq),
		      wb_error(bq));
	}
	expect_fired(v, "  queue error", "MSI-X", e->fds, VACCEL_MSIX_VECTORS,
		     0);
	check(&v->report, reg_rd(v, VACCEL_REG_INT_CAUSE) & VACCEL_INT_ERROR,
	      "  INT_CAUSE.ERROR set");
	check_grew(v, "errors", errors, sysfs_need(v, "vaccel/errors"), 1);

	if (bc->kind != BAD_SETUP) {
		size_t at = 0;
		bool same;

		for (j = 0; j < ngood; j++)
			if (!fill_ok(b->good.va + 64 * j, 64,
				     0x1111111111111111ULL * (j + 1), &at))
				break;
		check(&v->report, j == ngood &&
		      all_bytes(b->good.va + 64 * ngood, 4096 - 64 * ngood,
				SENTINEL),
		      "  the %u good descriptors before it ran, the one after it did not",
		      ngood);
		at = first_diff(b->x.va, b->x_snap, b->x.size);
		same = at == b->x.size &&
		       first_diff(e->bar2 + b->bar_mid, b->bar_snap,
				  BAR_WIN) == BAR_WIN &&
		       first_diff(e->bar2 + b->bar_end, b->bar_snap + BAR_WIN,
				  BAR_WIN) == BAR_WIN;
		if (dma && !same)
			remark("the failed DMA command wrote part of its destination (allowed)");
		else if (!dma)
			check(&v->report, same,
			      "  nothing of the bad descriptor was done (memory it names unchanged)");
	}

	/* A doorbell of a queue in error is ignored. */
	tail = (bc->kind == BAD_DOORBELL ? ngood : bq->tail) + 1;
	q_wr(bq, VACCEL_Q_TAIL, tail);
	sleep_us(20000);
	check(&v->report, q_rd(bq, VACCEL_Q_HEAD) == head &&
	      q_rd(bq, VACCEL_Q_ERROR) == err &&
	      (q_rd(bq, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR),
	      "  doorbell while in error ignored (HEAD %u, ERROR %u)",
	      q_rd(bq, VACCEL_Q_HEAD), q_rd(bq, VACCEL_Q_ERROR));

	side_check(v, gq, b, i);

	queue_reset(bq);
	check_q_zero(v, bq->q, "  after CONTROL.RESET");
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	if (queue_enable(bq)) {
		__u32 got;

		memcpy(b->good.va + 1024, "123456789", 9);
		if (crc_one(bq, "a good job after the reset",
			    at_buf(&b->good, 2048), at_buf(&b->good, 1024), 9,
			    0, &got))
			check_eq(&v->report,
				 "  good job after the reset: CRC32C of \"123456789\"",
				 got, 0xe3069283);
	}
}

int command_bad(struct vdev *v)
{
	struct bad_case *list = calloc(MAX_BAD, sizeof(*list));
	struct stats before, after;
	struct bad_env b;
	struct qenv e;
	unsigned int i, n, q, seen[VACCEL_QERR_COUNT] = { 0 };
	int ret = 0;

	memset(&b, 0, sizeof(b));
	memset(&e, 0, sizeof(e));
	section("bad: setup");
	stats_read(v, &before);
	if (!list || !qenv_init(&e, v)) {
		ret = -1;
		goto out;
	}
	b.bar_mid = e.bar2_size / 2;
	b.bar_end = e.bar2_size - BAR_WIN;
	b.x_snap = malloc(MIB);
	b.bar_snap = malloc(2 * BAR_WIN);
	if (!b.x_snap || !b.bar_snap ||
	    !dma_alloc(&e, &b.x, MIB) || !dma_alloc(&e, &b.page1, 4096) ||
	    !dma_alloc(&e, &b.good, 4096) || !dma_alloc(&e, &b.side, 2 * 65536)) {
		ret = -1;
		goto out;
	}
	/* Read-only for the device: mapped with VFIO_DMA_MAP_FLAG_READ. */
	{
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ,
			.size = v->page_size,
		};

		b.ro.size = v->page_size;
		b.ro.iova = e.iova_next;
		e.iova_next += IOVA_ALIGN + IOVA_GAP;
		b.ro.va = mmap(NULL, b.ro.size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		map.vaddr = (uintptr_t)b.ro.va;
		map.iova = b.ro.iova;
		if (b.ro.va == MAP_FAILED ||
		    ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map)) {
			check(&v->report, false,
			      "read-only VFIO_IOMMU_MAP_DMA: %s",
			      errname(-errno));
			if (b.ro.va == MAP_FAILED)
				b.ro.va = NULL;
			ret = -1;
			goto out;
		}
		b.ro.mapped = true;
	}
	rnd_fill(b.x.va, b.x.size);
	rnd_fill(b.side.va, 65536);
	rnd_fill(e.bar2 + b.bar_mid, BAR_WIN);
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		if (!queue_start(&e, q, BAD_RING)) {
			ret = -1;
			goto out;
		}
	check(&v->report, true,
	      "4 queues with rings of %u, data at IOVA %#llx, unmapped at %#llx",
	      BAD_RING, b.x.iova, b.x.iova + b.x.size);

	section("bad: one error per case, the next queue working meanwhile");
	n = bad_cases(&e, &b, list);
	for (i = 0; i < n; i++) {
		bad_one(&e, &b, i, &list[i]);
		seen[list[i].code]++;
	}
	for (i = 1; i < VACCEL_QERR_COUNT; i++)
		check(&v->report, seen[i], "error %u (%s): %u cases", i,
		      qerr_name(i), seen[i]);

	section("bad: host statistics");
	stats_read(v, &after);
	check_grew(v, "errors", before.errors, after.errors, n);
	check(&v->report, after.jobs > before.jobs,
	      "sysfs vaccel/jobs grew by %llu", after.jobs - before.jobs);
out:
	if (b.ro.mapped)
		dma_free(&e, &b.ro);
	else if (b.ro.va)
		munmap(b.ro.va, b.ro.size);
	dma_free(&e, &b.x);
	dma_free(&e, &b.page1);
	dma_free(&e, &b.good);
	dma_free(&e, &b.side);
	free(b.x_snap);
	free(b.bar_snap);
	free(list);
	qenv_fini(&e);
	return ret;
}

