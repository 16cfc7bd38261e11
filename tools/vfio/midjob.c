// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio midjob --kind K --event E: an event in the middle of a long
 * command of kind K (copy, fill, crc, gemm, busy) on queue 0.
 *
 * First a small command of kind K, its result checked (after an earlier
 * run's close, this shows that the instance recovered).  Then a NOP and
 * the long command (seconds of engine time); once the NOP has completed
 * and the long command has run 20 ms, event E:
 *
 *   unmap   VFIO_IOMMU_UNMAP_DMA of an operand (the source, FILL's
 *           destination; BUSY has none: its ring): the queue stops with
 *           DMA (RING); reset, map again, a small command checked
 *   flr     FLR through PCIe Device Control: the write returns, queue 0
 *           reads as at power-on; set up again, a small command checked
 *   reset   VFIO_DEVICE_RESET: the same
 *   close   the client exits with the command running (the script checks
 *           the reset and that the next user gets a working instance)
 *   remove  the REQ eventfd is armed first; the client waits until the
 *           kernel asks for the device (the script removes the instance)
 *           and closes it
 *
 * Prints "midjob: running" once the long command runs, and how long the
 * event took.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>
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

enum mj_kind { MJ_COPY, MJ_FILL, MJ_CRC, MJ_GEMM, MJ_BUSY, MJ_KINDS };
enum mj_event { MJ_UNMAP, MJ_FLR, MJ_RESET, MJ_CLOSE, MJ_REMOVE, MJ_EVENTS };

static const char *const mj_kinds[MJ_KINDS] = {
	"copy", "fill", "crc", "gemm", "busy",
};

static const char *const mj_events[MJ_EVENTS] = {
	"unmap", "flr", "reset", "close", "remove",
};

/*
 * The long commands: seconds of engine time under TCG (1 GiB, 2^30
 * multiply-adds; the operands stay unpopulated until the pins fault them
 * in, so they cost the client nothing up front).  BUSY's longest is 1 s.
 */
#define MJ_LEN		VACCEL_DESC_MAX_LEN
#define MJ_GEMM_MN	1024
#define MJ_GEMM_K	1024
#define MJ_BUSY_NS	1000000000ULL
#define MJ_SMALL	(64 * 1024)
#define MJ_SMALL_MN	16

struct midjob {
	struct qenv e;
	enum mj_kind kind;
	enum mj_event event;
	struct dma_buf a, b, c;		/* the long command's operands */
	struct dma_buf sa, sb, sc;	/* the small one's */
};

static int mj_find(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* A small command of the kind, run on @qu, its result checked. */
static bool mj_small(struct midjob *mj, struct queue *qu, const char *when)
{
	struct vdev *v = mj->e.v;
	struct cmd c;
	__u8 *want;
	size_t len;
	bool ok;

	rnd_fill(mj->sa.va, mj->sa.size);
	rnd_fill(mj->sb.va, mj->sb.size);
	memset(mj->sc.va, SENTINEL, mj->sc.size);
	switch (mj->kind) {
	case MJ_COPY:
		c = cmd_copy(at_buf(&mj->sc, 0), at_buf(&mj->sa, 0), MJ_SMALL);
		break;
	case MJ_FILL:
		c = cmd_fill(at_buf(&mj->sc, 0), MJ_SMALL, 0x0123456789abcdefULL);
		break;
	case MJ_CRC:
		c = cmd_crc(at_buf(&mj->sc, 0), at_buf(&mj->sa, 0), MJ_SMALL, 0);
		break;
	case MJ_GEMM:
		c = cmd_gemm(at_buf(&mj->sc, 0), at_buf(&mj->sa, 0),
			     at_buf(&mj->sb, 0), MJ_SMALL_MN, MJ_SMALL_MN,
			     MJ_SMALL_MN);
		break;
	default:
		c = cmd_busy(1000000);
		break;
	}
	if (!queue_run(qu, when, &c, 1))
		return false;
	switch (mj->kind) {
	case MJ_COPY:
		ok = !memcmp(mj->sc.va, mj->sa.va, MJ_SMALL);
		break;
	case MJ_FILL:
		ok = fill_ok(mj->sc.va, MJ_SMALL, c.value, &len);
		break;
	case MJ_CRC:
		ok = get_le32(mj->sc.va) == crc32c(0, mj->sa.va, MJ_SMALL);
		break;
	case MJ_GEMM:
		len = 4 * MJ_SMALL_MN * MJ_SMALL_MN;
		want = malloc(len);
		if (!want)
			return check(&v->report, false, "memory for a reference");
		gemm_ref(want, mj->sa.va, mj->sb.va, MJ_SMALL_MN, MJ_SMALL_MN,
			 MJ_SMALL_MN);
		ok = !memcmp(mj->sc.va, want, len);
		free(want);
		break;
	default:
		ok = true;
		break;
	}
	return check(&v->report, ok, "%s: a small %s, result right", when,
		     mj_kinds[mj->kind]);
}

/* The long command, and the buffer an unmap takes away. */
static struct cmd mj_long(struct midjob *mj, struct dma_buf **victim)
{
	struct cmd c;

	switch (mj->kind) {
	case MJ_COPY:
		c = cmd_copy(at_buf(&mj->c, 0), at_buf(&mj->a, 0), MJ_LEN);
		*victim = &mj->a;
		break;
	case MJ_FILL:
		c = cmd_fill(at_buf(&mj->c, 0), MJ_LEN, 0x5a5a5a5a5a5a5a5aULL);
		*victim = &mj->c;
		break;
	case MJ_CRC:
		c = cmd_crc(at_buf(&mj->c, 0), at_buf(&mj->a, 0), MJ_LEN, 0);
		*victim = &mj->a;
		break;
	case MJ_GEMM:
		c = cmd_gemm(at_buf(&mj->c, 0), at_buf(&mj->a, 0),
			     at_buf(&mj->b, 0), MJ_GEMM_MN, MJ_GEMM_MN,
			     MJ_GEMM_K);
		*victim = &mj->a;
		break;
	default:
		c = cmd_busy(MJ_BUSY_NS);
		*victim = NULL;
		break;
	}
	return c;
}

static bool mj_alloc(struct midjob *mj)
{
	struct qenv *e = &mj->e;
	size_t a = 4096, b = 4096, c = 4096;

	switch (mj->kind) {
	case MJ_COPY:
		a = MJ_LEN;
		c = MJ_LEN;
		break;
	case MJ_FILL:
		c = MJ_LEN;
		break;
	case MJ_CRC:
		a = MJ_LEN;
		break;
	case MJ_GEMM:
		a = 4ULL * MJ_GEMM_MN * MJ_GEMM_K;
		b = a;
		c = 4ULL * MJ_GEMM_MN * MJ_GEMM_MN;
		break;
	default:
		break;
	}
	/* Left unpopulated: the pins of the long command fault them in. */
	return dma_alloc(e, &mj->a, a) && dma_alloc(e, &mj->b, b) &&
	       dma_alloc(e, &mj->c, c) && dma_alloc(e, &mj->sa, MJ_SMALL) &&
	       dma_alloc(e, &mj->sb, MJ_SMALL) &&
	       dma_alloc(e, &mj->sc, MJ_SMALL);
}

/* The function set up again after a function reset, as a driver would. */
static bool mj_setup_again(struct midjob *mj, struct queue *qu)
{
	struct vdev *v = mj->e.v;

	if (!msix_on(&mj->e))
		return false;
	cfg_wr(v, PCI_COMMAND, 2, cfg_rd(v, PCI_COMMAND, 2) |
	       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
	return queue_enable(qu);
}

/* Wait (up to 60 s) for the kernel's request to release the device. */
static bool mj_wait_request(struct vdev *v, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	__u64 t0 = now_ns(), cnt;

	if (poll(&p, 1, 60000) != 1 || read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return check(&v->report, false,
			     "a request to release the device within 60 s");
	printf("midjob: request received after %.1f ms: closing the device\n",
	       (now_ns() - t0) / 1e6);
	return true;
}

/* The event; false when it could not be made. */
static bool mj_event(struct midjob *mj, struct queue *qu,
		     struct dma_buf *victim, __u64 *ns)
{
	struct vdev *v = mj->e.v;
	unsigned int ctl = v->cap_exp + PCI_EXP_DEVCTL;
	__u64 t0 = now_ns();
	int err = 0;

	switch (mj->event) {
	case MJ_UNMAP:
		err = dma_unmap(v, victim ? victim : &qu->ring);
		check_errno(&v->report, "VFIO_IOMMU_UNMAP_DMA of the operand",
			    err, 0);
		break;
	case MJ_FLR:
		if (!check(&v->report, v->cap_exp, "PCIe capability"))
			return false;
		cfg_wr(v, ctl, 2, cfg_rd(v, ctl, 2) | PCI_EXP_DEVCTL_BCR_FLR);
		break;
	case MJ_RESET:
		if (ioctl(v->device, VFIO_DEVICE_RESET))
			err = -errno;
		check_errno(&v->report, "VFIO_DEVICE_RESET", err, 0);
		break;
	default:
		break;
	}
	*ns = now_ns() - t0;
	return !err;
}

int command_midjob(struct vdev *v)
{
	struct midjob *mj;
	struct dma_buf *victim;
	struct queue *qu;
	struct cmd c[2];
	__u64 resets, ns, t0;
	int kind, event, req = -1, ret = -1, err;
	__u32 want, base;

	kind = mj_find(v->opts->kind, mj_kinds, MJ_KINDS);
	event = mj_find(v->opts->event, mj_events, MJ_EVENTS);
	if (kind < 0 || event < 0) {
		fprintf(stderr, "vaccel-vfio: midjob needs %s and %s\n",
			"--kind copy|fill|crc|gemm|busy",
			"--event unmap|flr|reset|close|remove");
		return -1;
	}
	mj = calloc(1, sizeof(*mj));
	if (!mj)
		return -1;
	mj->kind = kind;
	mj->event = event;
	section("midjob: setup");
	printf("  %s in the middle of a long %s\n", mj_events[event],
	       mj_kinds[kind]);
	if (event == MJ_REMOVE) {
		req = eventfd(0, EFD_CLOEXEC);
		if (req < 0 || irq_set_fds(v, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &req)) {
			check(&v->report, false, "REQ eventfd armed");
			free(mj);
			return -1;
		}
	}
	if (!qenv_init(&mj->e, v) || !mj_alloc(mj))
		goto out;
	qu = queue_start(&mj->e, 0, 8);
	if (!qu || !mj_small(mj, qu, "before"))
		goto out;

	section("midjob: the long command");
	resets = sysfs_need(v, "vaccel/resets");
	base = qu->tail;	/* the small command ran first */
	c[0] = cmd_nop();
	c[1] = mj_long(mj, &victim);
	queue_push(qu, &c[0]);
	queue_push(qu, &c[1]);
	drain_fds(&mj->e);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	queue_ring(qu);
	t0 = now_ns();
	while (wb_head(qu) < base + 1 && !wb_error(qu) &&
	       now_ns() - t0 < Q_TIMEOUT_MS * 1000000ULL)
		sleep_us(100);
	sleep_us(20000);
	if (!check(&v->report, wb_head(qu) == base + 1 && !wb_error(qu),
		   "the long %s runs (head %u, error %u)", mj_kinds[kind],
		   wb_head(qu), wb_error(qu)))
		goto out;
	printf("midjob: running\n");

	if (event == MJ_CLOSE) {
		printf("midjob: exiting with the command running\n");
		ret = 0;
		goto out;
	}
	if (event == MJ_REMOVE) {
		if (mj_wait_request(v, req))
			ret = 0;
		goto out;
	}

	section("midjob: the event");
	if (!mj_event(mj, qu, victim, &ns))
		goto out;
	printf("midjob: %s returned after %.1f ms\n", mj_events[event],
	       ns / 1e6);
	if (event == MJ_UNMAP) {
		want = victim ? VACCEL_QERR_DMA : VACCEL_QERR_RING;
		if (!queue_wait_error(qu, Q_TIMEOUT_MS)) {
			queue_failed(qu, "waiting for the error", -ETIMEDOUT);
			goto out;
		}
		check(&v->report, q_rd(qu, VACCEL_Q_ERROR) == want &&
		      q_rd(qu, VACCEL_Q_HEAD) == base + 1,
		      "queue 0 stopped with %s at HEAD %u (ERROR %u, HEAD %u)",
		      qerr_name(want), base + 1, q_rd(qu, VACCEL_Q_ERROR),
		      q_rd(qu, VACCEL_Q_HEAD));
		queue_reset(qu);
		err = dma_map(v, victim ? victim : &qu->ring);
		if (!check_errno(&v->report, "VFIO_IOMMU_MAP_DMA again", err, 0))
			goto out;
		/* Pins in the unmapped range are refused for 100 ms. */
		sleep_us(150000);
		if (!queue_enable(qu))
			goto out;
	} else {
		check_q_zero(v, 0, "after the reset");
		check(&v->report, !(cfg_rd(v, PCI_COMMAND, 2) & PCI_COMMAND_MASTER),
		      "Command.Bus_Master off after the reset");
		check_grew(v, "resets", resets, sysfs_need(v, "vaccel/resets"), 1);
		qu->tail = 0;
		if (!mj_setup_again(mj, qu))
			goto out;
	}
	if (mj_small(mj, qu, "after"))
		ret = 0;
out:
	/* close and remove leave the cleanup to the close, like a crash. */
	if (event != MJ_CLOSE && event != MJ_REMOVE) {
		dma_free(&mj->e, &mj->a);
		dma_free(&mj->e, &mj->b);
		dma_free(&mj->e, &mj->c);
		dma_free(&mj->e, &mj->sa);
		dma_free(&mj->e, &mj->sb);
		dma_free(&mj->e, &mj->sc);
		qenv_fini(&mj->e);
	}
	if (req >= 0)
		close(req);
	free(mj);
	return ret;
}
