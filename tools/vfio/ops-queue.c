// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio ops, the queue around the operations: the IRQ flag with
 * MSI-X, MSI and INTx, HEAD and TAIL around small rings, the largest
 * length, and ENABLE, Bus_Master and function resets with commands running.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "irq.h"
#include "ops.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* IRQ flag: the queue's MSI-X vector, when the writeback is visible. */
void ops_irq_msix(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu;
	unsigned int q;
	char what[64];
	struct cmd c[3];
	struct dma_buf d;

	section("queues: IRQ flag and MSI-X vectors 1-4");
	if (!dma_alloc(e, &d, 4096))
		return;
	drain_fds(e);
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		qu = queue_start(e, q, 4);
		if (!qu)
			break;
		c[0] = cmd_nop();
		c[0].flags = VACCEL_DESC_F_IRQ;
		queue_push(qu, &c[0]);
		queue_ring(qu);
		snprintf(what, sizeof(what), "queue %u: NOP with IRQ", q);
		if (expect_fired(v, what, "MSI-X", e->fds, VACCEL_MSIX_VECTORS,
				 VACCEL_QUEUE_VECTOR(q)))
			check_eq(&v->report,
				 "  writeback head when the interrupt came",
				 wb_head(qu), 1);
		queue_wait(qu, qu->tail, Q_TIMEOUT_MS);

		c[0] = cmd_fill(at_buf(&d, 64 * q), 64, q);
		c[1] = cmd_nop();
		c[2] = cmd_fence(q + 100);
		c[2].flags = VACCEL_DESC_F_IRQ;
		queue_push(qu, &c[0]);
		queue_push(qu, &c[1]);
		queue_push(qu, &c[2]);
		queue_ring(qu);
		snprintf(what, sizeof(what), "queue %u: FILL, NOP, FENCE with IRQ", q);
		if (expect_fired(v, what, "MSI-X", e->fds, VACCEL_MSIX_VECTORS,
				 VACCEL_QUEUE_VECTOR(q)))
			check(&v->report,
			      wb_head(qu) == 4 && wb_fence(qu) == q + 100,
			      "  writeback when the interrupt came: head %u, fence %llu",
			      wb_head(qu), wb_fence(qu));
		queue_wait(qu, qu->tail, Q_TIMEOUT_MS);

		c[0] = cmd_nop();
		queue_run(qu, "NOP without IRQ", c, 1);
		snprintf(what, sizeof(what), "queue %u: NOP without IRQ", q);
		expect_fired(v, what, "MSI-X", e->fds, VACCEL_MSIX_VECTORS, -1);
	}
	check_eq(&v->report,
		 "INT_CAUSE with MSI-X (no cause register involved)",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	dma_free(e, &d);
}

/* IRQ flag without MSI-X: INT_CAUSE bit 16 + q, on MSI. */
void ops_irq_msi(struct qenv *e)
{
	const unsigned int q = 2;
	struct vdev *v = e->v;
	unsigned int ctrl = v->cap_msi + PCI_MSI_FLAGS;
	struct queue *qu;
	struct cmd c = cmd_nop();
	__s32 fd;

	section("queues: IRQ flag with MSI: INT_CAUSE queue bits");
	if (!check(&v->report, v->cap_msi, "MSI capability present") ||
	    !efd_open(v, &fd, 1))
		return;
	msix_off(e);
	check_errno(&v->report, "SET_IRQS: eventfd for MSI",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd), 0);
	cfg_wr(v, ctrl, 2, cfg_rd(v, ctrl, 2) | PCI_MSI_FLAGS_ENABLE);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR | VACCEL_INT_QUEUE(q));

	qu = queue_start(e, q, 4);
	if (!qu)
		goto out;
	c.flags = VACCEL_DESC_F_IRQ;
	queue_run(qu, "NOP with IRQ", &c, 1);
	expect_fired(v, "queue 2: NOP with IRQ", "MSI", &fd, 1, 0);
	check_eq(&v->report, "INT_CAUSE (bit 18: queue 2)",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), VACCEL_INT_QUEUE(q));
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_QUEUE(q));
	check_eq(&v->report, "INT_CAUSE after writing 1 to clear",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), 0);

	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	queue_run(qu, "NOP with IRQ", &c, 1);
	expect_fired(v, "queue 2: NOP with IRQ, its bit not in INT_MASK", "MSI",
		     &fd, 1, -1);
	check_eq(&v->report, "INT_CAUSE: the queue's bit pending though masked",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), VACCEL_INT_QUEUE(q));
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR | VACCEL_INT_QUEUE(q));
	expect_fired(v, "enabling the pending queue bit in INT_MASK", "MSI", &fd,
		     1, 0);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_QUEUE(q));
	queue_free(qu);
out:
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	cfg_wr(v, ctrl, 2, cfg_rd(v, ctrl, 2) & ~PCI_MSI_FLAGS_ENABLE);
	irq_disable(v, VFIO_PCI_MSI_IRQ_INDEX);
	close(fd);
	msix_on(e);
}

/* IRQ flag with neither MSI-X nor MSI: INT_CAUSE bit 16 + q on INTA. */
void ops_irq_intx(struct qenv *e)
{
	const unsigned int q = 3;
	struct vdev *v = e->v;
	struct queue *qu;
	struct cmd c = cmd_nop();
	__u32 cmd;
	__s32 fd;

	section("queues: IRQ flag with INTx");
	if (!efd_open(v, &fd, 1))
		return;
	msix_off(e);
	cmd = cfg_rd(v, PCI_COMMAND, 2);
	cfg_wr(v, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	check_errno(&v->report, "SET_IRQS: eventfd for INTx",
		    irq_set_fds(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fd), 0);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR | VACCEL_INT_QUEUE(q));
	qu = queue_start(e, q, 4);
	if (!qu)
		goto out;
	c.flags = VACCEL_DESC_F_IRQ;
	queue_run(qu, "NOP with IRQ", &c, 1);
	expect_fired(v, "queue 3: NOP with IRQ", "INTx", &fd, 1, 0);
	check(&v->report, intx_status(v) &&
	      reg_rd(v, VACCEL_REG_INT_CAUSE) == VACCEL_INT_QUEUE(q),
	      "INT_CAUSE bit 19 (queue 3) pending, PCI_STATUS.INTERRUPT set");
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_QUEUE(q));
	check(&v->report, !intx_status(v),
	      "PCI_STATUS.INTERRUPT clear after clearing the cause");
	intx_unmask(v);
	expect_fired(v, "UNMASK with the level low", "INTx", &fd, 1, -1);
	queue_free(qu);
out:
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	irq_disable(v, VFIO_PCI_INTX_IRQ_INDEX);
	cfg_wr(v, PCI_COMMAND, 2, cmd);
	close(fd);
	msix_on(e);
}

/* HEAD and TAIL around small rings many times. */
void ops_wrap(struct qenv *e)
{
	const unsigned int n2 = 41, n4 = 203;
	struct vdev *v = e->v;
	struct queue *qu;
	struct dma_buf d;
	struct cmd c;
	unsigned int i, bad;

	section("queues: HEAD and TAIL wrap around the ring");
	if (!dma_alloc(e, &d, 8 * n2))
		return;
	qu = queue_start(e, 2, VACCEL_RING_MIN);
	if (!qu)
		goto out;
	for (i = 0; i < n2; i++) {
		c = cmd_fill(at_buf(&d, 8 * i), 8, 0x5157000000000000ULL | i);
		if (!queue_push(qu, &c))
			goto out;
	}
	if (queue_sync(qu, "FILLs through a ring of 2")) {
		for (bad = 0; bad < n2; bad++) {
			__u64 x;

			memcpy(&x, d.va + 8 * bad, 8);
			if (le64toh(x) != (0x5157000000000000ULL | bad))
				break;
		}
		check(&v->report, bad == n2,
		      "ring of 2: %u FILLs, all %u destinations right", n2, bad);
		check(&v->report, q_rd(qu, VACCEL_Q_HEAD) == n2 &&
		      q_rd(qu, VACCEL_Q_TAIL) == n2 && wb_head(qu) == n2,
		      "ring of 2: HEAD, TAIL and writeback head %u", n2);
	}

	qu = queue_start(e, 3, 4);
	if (!qu)
		goto out;
	for (i = 0; i < n4; i++) {
		c = cmd_fence(i + 1);
		if (!queue_push(qu, &c))
			goto out;
	}
	if (queue_sync(qu, "FENCEs through a ring of 4"))
		check(&v->report,
		      wb_fence(qu) == n4 && q_rd(qu, VACCEL_Q_HEAD) == n4,
		      "ring of 4: %u FENCEs, fence %llu, HEAD %u", n4,
		      wb_fence(qu), q_rd(qu, VACCEL_Q_HEAD));

	/* TAIL exactly RING_SIZE ahead of HEAD: a full ring, twice. */
	qu = queue_start(e, 0, 8);
	if (!qu)
		goto out;
	for (i = 0; i < 16; i++) {
		c = cmd_fence(i);
		queue_push(qu, &c);
		if (i == 7 && !queue_sync(qu, "a full ring of 8"))
			goto out;
	}
	if (queue_sync(qu, "a full ring of 8, twice"))
		check(&v->report, wb_head(qu) == 16 && wb_fence(qu) == 15,
		      "ring of 8 filled completely twice (TAIL = HEAD + 8): head %u",
		      wb_head(qu));

	qu = queue_start(e, 1, VACCEL_RING_MAX);
	if (!qu)
		goto out;
	c = cmd_fence(4096);
	if (queue_run(qu, "a ring of 4096", &c, 1))
		check_eq(&v->report, "ring of 4096 (the largest): FENCE",
			 wb_fence(qu), 4096);
out:
	dma_free(e, &d);
}

/* Commands that will never complete: out of the statistics' count. */
static void unaccount(struct qenv *e, const struct cmd *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		e->pushed--;
		if (c[i].op == VACCEL_OP_BUSY)
			e->min_busy_ns -= c[i].value;
	}
}

/* The function as qenv_init() left it, after a reset of the function. */
static void function_setup(struct qenv *e)
{
	struct vdev *v = e->v;
	unsigned int ctrl = v->cap_msix + PCI_MSIX_FLAGS;

	cfg_wr(v, PCI_COMMAND, 2, cfg_rd(v, PCI_COMMAND, 2) |
	       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cfg_wr(v, ctrl, 2, cfg_rd(v, ctrl, 2) | PCI_MSIX_FLAGS_ENABLE);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
}

/*
 * A function reset (@how: CONTROL.RESET, or VFIO_DEVICE_RESET when
 * @vfio) while queue 1 runs a long BUSY and the others are enabled: every
 * queue back to power-on; enabled again, they work.
 */
static void ops_function_reset(struct qenv *e, bool vfio)
{
	struct vdev *v = e->v;
	struct queue *qu[VACCEL_FN_QUEUES];
	struct cmd c = cmd_busy(VACCEL_BUSY_MAX_NS);
	__u64 resets = sysfs_need(v, "vaccel/resets");
	unsigned int q;
	bool ok = true;
	char what[64];

	for (q = 0; q < VACCEL_FN_QUEUES && ok; q++) {
		qu[q] = queue_start(e, q, 8);
		ok = qu[q];
	}
	if (!ok)
		return;
	queue_push(qu[1], &c);
	queue_ring(qu[1]);
	unaccount(e, &c, 1);
	sleep_us(50000);
	if (vfio)
		check_errno(&v->report,
			    "VFIO_DEVICE_RESET with queue 1 running BUSY",
			    ioctl(v->device, VFIO_DEVICE_RESET) ? -errno : 0, 0);
	else
		reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_RESET);
	snprintf(what, sizeof(what), "after %s of the function",
		 vfio ? "VFIO_DEVICE_RESET" : "CONTROL.RESET");
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		check_q_zero(v, q, what);
	check_grew(v, "resets", resets, sysfs_need(v, "vaccel/resets"), vfio);
	function_setup(e);
	c = cmd_fence(vfio + 20);
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		qu[q]->tail = 0;
		if (queue_enable(qu[q]) && queue_run(qu[q], "FENCE", &c, 1))
			check_eq(&v->report,
				 "  enabled again, a FENCE runs: fence",
				 wb_fence(qu[q]), vfio + 20);
	}
}

/*
 * The largest length is accepted: a CRC32C of 2^30 bytes (of pages never
 * written) passes the checks and runs; abandoned by clearing ENABLE.
 */
void ops_limits(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, 2, 8);
	struct dma_buf src, dst;
	struct cmd c;
	__u32 head;
	__u64 t0;

	section("queues: the largest length");
	if (!qu || !dma_alloc(e, &src, VACCEL_DESC_MAX_LEN) ||
	    !dma_alloc(e, &dst, 4096))
		goto out;
	c = cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), VACCEL_DESC_MAX_LEN, 0);
	queue_push(qu, &c);
	c = cmd_fence(1);
	queue_push(qu, &c);
	queue_ring(qu);
	sleep_us(300000);
	check(&v->report,
	      !(q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR) &&
	      !wb_error(qu),
	      "CRC32C of 2^30 bytes accepted: running, no error after 300 ms (HEAD %u)",
	      q_rd(qu, VACCEL_Q_HEAD));
	/* Stop it: the FENCE after it must not run. */
	q_wr(qu, VACCEL_Q_CONTROL, 0);
	t0 = now_ns();
	while (q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ENABLED &&
	       now_ns() - t0 < 5000000000ULL)
		sleep_us(1000);
	head = q_rd(qu, VACCEL_Q_HEAD);
	if (head < 2)
		unaccount(e, &c, 1);	/* the FENCE */
	if (head < 1) {
		e->pushed--;
		e->min_bytes -= VACCEL_DESC_MAX_LEN + 4ULL;
	} else {
		remark("the CRC32C of 2^30 bytes completed within %llu ms",
		       (now_ns() - t0) / 1000000 + 300);
	}
	queue_reset(qu);
out:
	dma_free(e, &src);
	dma_free(e, &dst);
}

/* ENABLE and Command.Bus_Master around running commands; resets. */
void ops_gates(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, 0, 8);
	struct cmd c[2] = { cmd_busy(VACCEL_BUSY_MAX_NS), cmd_fence(9) };
	__u32 cmd;
	__u64 t0;

	section("queues: ENABLE, Bus_Master and resets around commands");
	if (!qu)
		return;
	/* Clearing ENABLE abandons the command in progress; HEAD stays. */
	queue_push(qu, &c[0]);
	queue_push(qu, &c[1]);
	queue_ring(qu);
	unaccount(e, c, 2);
	sleep_us(100000);
	t0 = now_ns();
	q_wr(qu, VACCEL_Q_CONTROL, 0);
	while (q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ENABLED &&
	       now_ns() - t0 < 1000000000ULL)
		sleep_us(1000);
	remark("ENABLED cleared %llu us after the write",
	       (now_ns() - t0) / 1000);
	sleep_us(1200000);
	check(&v->report, q_rd(qu, VACCEL_Q_HEAD) == 0 && wb_head(qu) == 0 &&
	      wb_fence(qu) != 9 &&
	      !(q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR),
	      "ENABLE cleared during a 1 s BUSY: abandoned, HEAD %u, writeback head %u, no error",
	      q_rd(qu, VACCEL_Q_HEAD), wb_head(qu));
	q_wr(qu, VACCEL_Q_TAIL, 1);
	sleep_us(20000);
	check(&v->report, q_rd(qu, VACCEL_Q_HEAD) == 0 &&
	      !(q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR),
	      "a doorbell of the disabled queue is ignored (HEAD %u, TAIL reads %u)",
	      q_rd(qu, VACCEL_Q_HEAD), q_rd(qu, VACCEL_Q_TAIL));
	if (queue_enable(qu)) {
		check(&v->report,
		      !q_rd(qu, VACCEL_Q_HEAD) && !q_rd(qu, VACCEL_Q_TAIL),
		      "enabled again: HEAD and TAIL start at 0");
		c[0] = cmd_fence(10);
		if (queue_run(qu, "FENCE after enabling again", c, 1))
			check_eq(&v->report, "FENCE after enabling again",
				 wb_fence(qu), 10);
	}

	/* Without Bus_Master the engines wait. */
	cmd = cfg_rd(v, PCI_COMMAND, 2);
	cfg_wr(v, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MASTER);
	c[0] = cmd_fence(11);
	queue_push(qu, c);
	queue_ring(qu);
	sleep_us(300000);
	check(&v->report, q_rd(qu, VACCEL_Q_HEAD) == 1 && wb_head(qu) == 1,
	      "Bus_Master clear: the FENCE waits (HEAD %u, writeback head %u)",
	      q_rd(qu, VACCEL_Q_HEAD), wb_head(qu));
	cfg_wr(v, PCI_COMMAND, 2, cmd);
	if (!queue_wait(qu, qu->tail, Q_TIMEOUT_MS))
		check_eq(&v->report,
			 "Bus_Master set again: the FENCE ran, fence",
			 wb_fence(qu), 11);
	else
		queue_failed(qu, "after setting Bus_Master again", -ETIMEDOUT);

	ops_function_reset(e, false);
	ops_function_reset(e, true);
}

