// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio unmap: guest memory unmapped (VFIO_IOMMU_UNMAP_DMA) under
 * running commands, rings and writebacks; recovery; exit with a command
 * running.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "irq.h"
#include "model.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* unmap: guest memory taken away under the function's feet */

/* Wait for the error of @qu and check the registers and the writeback. */
static bool unmap_expect(struct qenv *e, struct queue *qu, __u32 code,
			 __u32 head, bool wb_mapped, __u64 errors)
{
	struct vdev *v = e->v;
	__u32 st, err, idx, h;

	if (!queue_wait_error(qu, Q_TIMEOUT_MS))
		return queue_failed(qu, "waiting for the error", -ETIMEDOUT);
	st = q_rd(qu, VACCEL_Q_STATUS);
	err = q_rd(qu, VACCEL_Q_ERROR);
	idx = q_rd(qu, VACCEL_Q_ERROR_INDEX);
	h = q_rd(qu, VACCEL_Q_HEAD);
	check(&v->report,
	      err == code && (st & VACCEL_Q_STATUS_ERROR) && h == head,
	      "STATUS %#x (ERROR), ERROR %u (%s), HEAD %u; expected ERROR %u (%s), HEAD %u",
	      st, err, qerr_name(err), h, code, qerr_name(code), head);
	if (code == VACCEL_QERR_DMA)
		check_eq(&v->report,
			 "ERROR_INDEX (the command the memory went from under)",
			 idx, head);
	else
		remark("ERROR_INDEX %u", idx);
	if (wb_mapped) {
		unsigned int j;

		for (j = 0; j < 100 && wb_error(qu) != code; j++)
			sleep_us(10000);
		check(&v->report, wb_error(qu) == code && wb_head(qu) == head,
		      "writeback: head %u, error %u", wb_head(qu),
		      wb_error(qu));
	}
	expect_fired(v, "queue error", "MSI-X", e->fds, VACCEL_MSIX_VECTORS, 0);
	check_grew(v, "errors", errors, sysfs_need(v, "vaccel/errors"), 1);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	return err == code;
}

/*
 * NOP, then a command over @len bytes (CRC32C of @src, or COPY to @dst);
 * once the NOP is done, unmap the source (CRC32C) or the destination
 * (COPY).  1: the queue reported DMA; 0: the command won the race; -1: a
 * failure.
 */
static int unmap_race(struct qenv *e, struct queue *qu, bool crc, size_t len)
{
	struct vdev *v = e->v;
	struct dma_buf src, dst, *victim = crc ? &src : &dst;
	__u64 errors = sysfs_need(v, "vaccel/errors"), t0, t1;
	struct cmd c[2];
	int ret = -1, err;
	__u32 got;

	printf("  -- %s of %zu MiB, unmapping its %s while it runs\n",
	       crc ? "CRC32C" : "COPY", len >> 20,
	       crc ? "source" : "destination");
	if (!dma_alloc(e, &src, len) || !dma_alloc(e, &dst, crc ? 4096 : len))
		goto out;
	rnd_fill(src.va, MIB);
	queue_reset(qu);
	if (!queue_enable(qu))
		goto out;
	c[0] = cmd_nop();
	c[1] = crc ? cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), len, 0) :
	       cmd_copy(at_buf(&dst, 0), at_buf(&src, 0), len);
	queue_push(qu, &c[0]);
	queue_push(qu, &c[1]);
	drain_fds(e);
	queue_ring(qu);
	t0 = now_ns();
	while (wb_head(qu) < 1 && !wb_error(qu) &&
	       now_ns() - t0 < Q_TIMEOUT_MS * 1000000ULL)
		sleep_us(10);
	t0 = now_ns();
	err = dma_unmap(v, victim);
	t1 = now_ns();
	if (!check_errno(&v->report,
			 "VFIO_IOMMU_UNMAP_DMA while the command runs", err, 0))
		goto out;
	remark("the unmap took %llu us", (t1 - t0) / 1000);
	err = queue_wait(qu, 2, Q_TIMEOUT_MS);
	if (err == -ETIMEDOUT) {
		queue_failed(qu, "after the unmap", err);
		goto out;
	}
	if (!err) {
		remark("the command completed before the unmap took effect");
		if (crc) {
			got = get_le32(dst.va);
			check(&v->report, got == crc32c(0, src.va, len),
			      "it completed, and right: CRC32C %#x", got);
		} else {
			check(&v->report, !memcmp(dst.va, src.va, len),
			      "it completed, and right: the copy");
		}
		ret = 0;
		goto out;
	}
	unmap_expect(e, qu, VACCEL_QERR_DMA, 1, true, errors);

	/* Recover: reset, map the memory again, and a good command. */
	queue_reset(qu);
	check_q_zero(v, qu->q, "after CONTROL.RESET");
	err = dma_map(v, victim);
	check_errno(&v->report, "VFIO_IOMMU_MAP_DMA of the same memory again",
		    err, 0);
	if (err || !queue_enable(qu))
		goto out;
	c[0] = crc ? cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), MIB, 0) :
	       cmd_copy(at_buf(&dst, 0), at_buf(&src, 0), MIB);
	if (queue_run(qu, "the same command on 1 MiB after the remap", c, 1)) {
		if (crc)
			check_eq(&v->report,
				 "CRC32C of the remapped source's first MiB",
				 get_le32(dst.va), crc32c(0, src.va, MIB));
		else
			check(&v->report, !memcmp(dst.va, src.va, MIB),
			      "COPY of 1 MiB into the remapped destination right");
	}
	ret = 1;
out:
	dma_free(e, &src);
	dma_free(e, &dst);
	return ret;
}

static void unmap_races(struct qenv *e, bool crc)
{
	size_t len, max = crc ? VACCEL_DESC_MAX_LEN : 256 * MIB;
	struct queue *qu;
	int r = 0;

	section(crc ? "unmap: the source of a running CRC32C" :
		"unmap: the destination of a running COPY");
	qu = queue_start(e, crc ? 0 : 1, 8);
	if (!qu)
		return;
	for (len = 16 * MIB; len <= max; len *= 4) {
		r = unmap_race(e, qu, crc, len);
		if (r)
			break;
	}
	if (r == 1)
		remark("the DMA error was seen with %zu MiB", len >> 20);
	else if (!r)
		check(&e->v->report, false,
		      "no DMA error up to %zu MiB: every command won the race",
		      max >> 20);
}

/* Unmap the ring or the writeback of an enabled queue: RING. */
static void unmap_ring(struct qenv *e, unsigned int q, bool wb, bool busy)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, q, 8);
	struct dma_buf *victim;
	__u64 errors;
	struct cmd c[3] = { cmd_nop(), cmd_nop(), cmd_nop() };
	__u32 head;
	int err;

	section(wb ? "unmap: the writeback of an enabled, idle queue" :
		busy ? "unmap: the ring of a queue running BUSY" :
		"unmap: the ring of an enabled, idle queue");
	if (!qu)
		return;
	victim = wb ? &qu->wbuf : &qu->ring;
	if (!queue_run(qu, "three NOPs", c, 3))
		return;
	head = 3;
	drain_fds(e);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	errors = sysfs_need(v, "vaccel/errors");
	if (busy) {
		c[0] = cmd_busy(500000000);
		queue_push(qu, &c[0]);
		queue_ring(qu);
		sleep_us(50000);
	}
	err = dma_unmap(v, victim);
	if (!check_errno(&v->report,
			 wb ? "VFIO_IOMMU_UNMAP_DMA of the writeback" :
			 "VFIO_IOMMU_UNMAP_DMA of the ring", err, 0))
		return;
	if (busy) {
		if (!queue_wait_error(qu, Q_TIMEOUT_MS)) {
			queue_failed(qu, "after unmapping the ring", -ETIMEDOUT);
			return;
		}
		head = q_rd(qu, VACCEL_Q_HEAD);
		remark("HEAD %u: the BUSY %s", head,
		       head == 4 ? "completed first" : "was abandoned");
	}
	unmap_expect(e, qu, VACCEL_QERR_RING, head, !wb, errors);
	if (wb)
		remark("the writeback memory after the unmap: head %u, error %u",
		       wb_head(qu), wb_error(qu));

	queue_push(qu, &c[1]);
	queue_ring(qu);
	sleep_us(20000);
	check_eq(&v->report, "a doorbell after the error is ignored: HEAD",
		 q_rd(qu, VACCEL_Q_HEAD), head);

	queue_reset(qu);
	check_q_zero(v, q, "after CONTROL.RESET");
	err = dma_map(v, victim);
	check_errno(&v->report, "VFIO_IOMMU_MAP_DMA of it again", err, 0);
	if (!err && queue_enable(qu)) {
		c[0] = cmd_fence(77);
		if (queue_run(qu, "a FENCE after the remap", c, 1))
			check_eq(&v->report, "FENCE after the remap",
				 wb_fence(qu), 77);
	}
}

/* Unmapping memory no command uses changes nothing. */
static void unmap_unused(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, 2, 8);
	struct dma_buf z;
	struct cmd c;

	section("unmap: memory no command uses");
	if (!qu || !dma_alloc(e, &z, 65536))
		return;
	rnd_fill(z.va, 65536);
	c = cmd_crc(at_buf(&z, 65532), at_buf(&z, 0), 65532, 0);
	queue_run(qu, "CRC32C", &c, 1);
	check_errno(&v->report,
		    "VFIO_IOMMU_UNMAP_DMA of a buffer the last command used",
		    dma_unmap(v, &z), 0);
	sleep_us(50000);
	check_eq(&v->report, "STATUS (ENABLED | IDLE, no error)",
		 q_rd(qu, VACCEL_Q_STATUS),
		 VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE);
	c = cmd_fence(5);
	if (queue_run(qu, "FENCE", &c, 1))
		check_eq(&v->report, "a FENCE still runs", wb_fence(qu), 5);
	dma_free(e, &z);
}

/* Leave a long command running and exit: closing must stop it. */
static void unmap_exit_busy(struct qenv *e)
{
	struct dma_buf src, dst;
	struct queue *qu = queue_start(e, 3, 8);
	struct cmd c;

	section("unmap: exit with a command running");
	if (!qu || !dma_alloc(e, &src, VACCEL_DESC_MAX_LEN) ||
	    !dma_alloc(e, &dst, 4096))
		return;
	c = cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), VACCEL_DESC_MAX_LEN, 0);
	queue_push(qu, &c);
	c = cmd_busy(VACCEL_BUSY_MAX_NS);
	queue_push(qu, &c);
	queue_ring(qu);
	sleep_us(100000);
	check(&e->v->report, !wb_error(qu),
	      "CRC32C of 1 GiB running, exiting without a reset (head %u)",
	      wb_head(qu));
}

int command_unmap(struct vdev *v)
{
	struct qenv e;

	section("unmap: setup");
	if (!qenv_init(&e, v)) {
		qenv_fini(&e);
		return -1;
	}
	unmap_races(&e, true);
	unmap_races(&e, false);
	unmap_ring(&e, 0, false, false);
	unmap_ring(&e, 1, true, false);
	unmap_ring(&e, 2, false, true);
	unmap_unused(&e);
	unmap_exit_busy(&e);
	/* No cleanup: closing the device and the container does it. */
	return 0;
}

