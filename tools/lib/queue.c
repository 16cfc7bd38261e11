// SPDX-License-Identifier: GPL-2.0
/*
 * The command queues from the client (queue.h): guest memory, queues,
 * descriptors, the function set up as a driver would.
 */

#define _GNU_SOURCE
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "irq.h"
#include "model.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* Command queues: guest memory, queues, reference results */

static_assert(sizeof(struct vaccel_desc) == VACCEL_DESC_SIZE,
	      "descriptor layout");
static_assert(sizeof(struct vaccel_wb) == 16, "writeback layout");

static const char *const qerr_names[VACCEL_QERR_COUNT] = {
	"NONE", "OPCODE", "FLAGS", "RESERVED", "LENGTH", "RANGE", "OVERLAP",
	"MATRIX", "VALUE", "DMA", "RING", "DOORBELL",
};

const char *qerr_name(__u32 code)
{
	return code < VACCEL_QERR_COUNT ? qerr_names[code] : "?";
}

struct opnd at_buf(const struct dma_buf *b, size_t off)
{
	return (struct opnd){ .p = b->va + off, .addr = b->iova + off };
}

struct opnd at_bar2(const struct qenv *e, __u64 off)
{
	return (struct opnd){ .p = e->bar2 + off, .addr = off, .dev = true };
}

/* Guest memory */

int dma_map(struct vdev *v, struct dma_buf *b)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)b->va,
		.iova = b->iova,
		.size = b->size,
	};

	if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map))
		return -errno;
	b->mapped = true;
	return 0;
}

/* 0, the negative errno, or -EIO if less than the buffer was unmapped. */
int dma_unmap(struct vdev *v, struct dma_buf *b)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = b->iova,
		.size = b->size,
	};

	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	b->mapped = false;
	return unmap.size == b->size ? 0 : -EIO;
}

/*
 * @size bytes (rounded up to pages) of fresh zeroes, mapped at @iova.
 * Returns 0 or the negative errno of mmap or VFIO_IOMMU_MAP_DMA.
 */
static int dma_alloc_try(struct qenv *e, struct dma_buf *b, size_t size,
			 __u64 iova)
{
	size_t page = e->v->page_size;
	int err;

	memset(b, 0, sizeof(*b));
	b->size = (size + page - 1) & ~(page - 1);
	b->iova = iova;
	b->va = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->va == MAP_FAILED) {
		err = -errno;
		memset(b, 0, sizeof(*b));
		return err;
	}
	err = dma_map(e->v, b);
	if (err) {
		munmap(b->va, b->size);
		memset(b, 0, sizeof(*b));
	}
	return err;
}

bool dma_alloc_at(struct qenv *e, struct dma_buf *b, size_t size,
		  __u64 iova)
{
	int err = dma_alloc_try(e, b, size, iova);

	if (err)
		return check(&e->v->report, false,
			     "%#zx bytes of memory mapped at IOVA %#llx: %s",
			     size, iova, errname(err));
	return true;
}

/* The same at the next free IOVA; an unmapped gap follows each buffer. */
bool dma_alloc(struct qenv *e, struct dma_buf *b, size_t size)
{
	__u64 iova = e->iova_next;

	e->iova_next += ((size + IOVA_ALIGN - 1) & ~(IOVA_ALIGN - 1)) +
			IOVA_GAP;
	return dma_alloc_at(e, b, size, iova);
}

void dma_free(struct qenv *e, struct dma_buf *b)
{
	int err;

	if (b->mapped) {
		err = dma_unmap(e->v, b);
		if (err)
			check(&e->v->report, false,
			      "VFIO_IOMMU_UNMAP_DMA of %#zx bytes at IOVA %#llx: %s",
			      b->size, b->iova, errname(err));
	}
	if (b->va)
		munmap(b->va, b->size);
	memset(b, 0, sizeof(*b));
}

/* Queues */

__u32 q_rd(struct queue *qu, unsigned int reg)
{
	return reg_rd(qu->e->v, VACCEL_QUEUE_REG(qu->q, reg));
}

void q_wr(struct queue *qu, unsigned int reg, __u32 val)
{
	reg_wr(qu->e->v, VACCEL_QUEUE_REG(qu->q, reg), val);
}

static struct vaccel_wb *q_wb(struct queue *qu)
{
	return (struct vaccel_wb *)qu->wbuf.va;
}

/* The writeback as the function last wrote it. */
__u32 wb_head(struct queue *qu)
{
	return le32toh(__atomic_load_n(&q_wb(qu)->head, __ATOMIC_ACQUIRE));
}

__u32 wb_error(struct queue *qu)
{
	return le32toh(__atomic_load_n(&q_wb(qu)->error, __ATOMIC_ACQUIRE));
}

__u64 wb_fence(struct queue *qu)
{
	return le64toh(__atomic_load_n(&q_wb(qu)->fence, __ATOMIC_ACQUIRE));
}

/* The queue's registers in one line, for a failed check. */
static void queue_explain(struct queue *qu, char *buf, size_t size)
{
	__u32 err = q_rd(qu, VACCEL_Q_ERROR);

	snprintf(buf, size,
		 "STATUS %#x HEAD %u TAIL %u ERROR %u (%s) ERROR_INDEX %u; writeback head %u error %u",
		 q_rd(qu, VACCEL_Q_STATUS), q_rd(qu, VACCEL_Q_HEAD),
		 q_rd(qu, VACCEL_Q_TAIL), err, qerr_name(err),
		 q_rd(qu, VACCEL_Q_ERROR_INDEX), wb_head(qu), wb_error(qu));
}

bool queue_failed(struct queue *qu, const char *what, int err)
{
	char why[200];

	queue_explain(qu, why, sizeof(why));
	return check(&qu->e->v->report, false, "queue %u: %s: %s: %s",
		     qu->q, what,
		     err == -ETIMEDOUT ? "timed out" : "queue error", why);
}

static void desc_write(struct vaccel_desc *d, const struct cmd *c)
{
	struct vaccel_desc le = {
		.opcode = htole16(c->op),
		.flags = htole16(c->flags),
		.len = htole32(c->len),
		.src = htole64(c->src),
		.src2 = htole64(c->src2),
		.dst = htole64(c->dst),
		.value = htole64(c->value),
		.m = htole32(c->m),
		.n = htole32(c->n),
		.k = htole32(c->k),
		.rsvd = htole32(c->rsvd),
		.tag = htole64(c->tag),
	};

	memcpy(d, &le, sizeof(le));
}

/* Ring the doorbell: everything pushed so far is submitted. */
void queue_ring(struct queue *qu)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q_wr(qu, VACCEL_Q_TAIL, qu->tail);
}

/*
 * Wait until the writeback's head reaches @head (free-running), for up to
 * @timeout_ms.  0 once it does, -EIO when the queue is in error (the
 * writeback or STATUS says so), -ETIMEDOUT.
 */
int queue_wait(struct queue *qu, __u32 head, unsigned int timeout_ms)
{
	__u64 t0 = now_ns(), t, poll_at = t0 + Q_POLL_MS * 1000000ULL;
	unsigned int us = 10;

	for (;;) {
		if ((__s32)(wb_head(qu) - head) >= 0)
			return 0;
		if (wb_error(qu))
			return -EIO;
		t = now_ns();
		if (t >= poll_at) {
			if (q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR)
				return -EIO;
			poll_at = t + Q_POLL_MS * 1000000ULL;
		}
		if (t - t0 >= timeout_ms * 1000000ULL)
			return -ETIMEDOUT;
		sleep_us(us);
		if (us < 1000)
			us *= 2;
	}
}

/* Wait for STATUS.ERROR; true once it is set. */
bool queue_wait_error(struct queue *qu, unsigned int timeout_ms)
{
	__u64 t0 = now_ns();

	while (!(q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ERROR)) {
		if (now_ns() - t0 >= timeout_ms * 1000000ULL)
			return false;
		sleep_us(200);
	}
	return true;
}

/* What the engines must at least move for @c, and BUSY time. */
static void account(struct qenv *e, const struct cmd *c)
{
	switch (c->op) {
	case VACCEL_OP_COPY:
		e->min_bytes += 2ULL * c->len;
		break;
	case VACCEL_OP_FILL:
		e->min_bytes += c->len;
		break;
	case VACCEL_OP_CRC32C:
		e->min_bytes += c->len + 4ULL;
		break;
	case VACCEL_OP_GEMM:
		e->min_bytes += 4ULL * ((__u64)c->m * c->k +
					(__u64)c->k * c->n +
					(__u64)c->m * c->n);
		break;
	case VACCEL_OP_BUSY:
		e->min_busy_ns += c->value;
		break;
	}
}

/* Put @c at TAIL; with the ring full, ring and wait for room first. */
bool queue_push(struct queue *qu, const struct cmd *c)
{
	struct vaccel_desc *ring = (struct vaccel_desc *)qu->ring.va;
	int err;

	if (qu->tail - wb_head(qu) >= qu->size) {
		queue_ring(qu);
		err = queue_wait(qu, qu->tail - qu->size + 1, Q_TIMEOUT_MS);
		if (err)
			return queue_failed(qu, "waiting for room in the ring",
					    err);
	}
	desc_write(&ring[qu->tail % qu->size], c);
	qu->tail++;
	qu->e->pushed++;
	account(qu->e, c);
	return true;
}

/* Ring and wait for everything pushed; a failed check says why not. */
bool queue_sync(struct queue *qu, const char *what)
{
	int err;

	queue_ring(qu);
	err = queue_wait(qu, qu->tail, Q_TIMEOUT_MS);
	return err ? queue_failed(qu, what, err) : true;
}

bool queue_run(struct queue *qu, const char *what,
	       const struct cmd *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!queue_push(qu, &c[i]))
			return false;
	return queue_sync(qu, what);
}

void queue_reset(struct queue *qu)
{
	q_wr(qu, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_RESET);
	qu->tail = 0;
}

/* Program RING, RING_SIZE and WB of the (disabled) queue and enable it. */
bool queue_enable(struct queue *qu)
{
	__u32 st;

	memset(qu->wbuf.va, 0, sizeof(struct vaccel_wb));
	q_wr(qu, VACCEL_Q_RING_LO, (__u32)qu->ring.iova);
	q_wr(qu, VACCEL_Q_RING_HI, qu->ring.iova >> 32);
	q_wr(qu, VACCEL_Q_RING_SIZE, qu->size);
	q_wr(qu, VACCEL_Q_WB_LO, (__u32)qu->wbuf.iova);
	q_wr(qu, VACCEL_Q_WB_HI, qu->wbuf.iova >> 32);
	q_wr(qu, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
	qu->tail = 0;
	st = q_rd(qu, VACCEL_Q_STATUS);
	if (st == (VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE))
		return true;
	return queue_failed(qu, "enable", -EIO);
}

void queue_free(struct queue *qu)
{
	if (!qu->e)
		return;
	queue_reset(qu);
	dma_free(qu->e, &qu->ring);
	dma_free(qu->e, &qu->wbuf);
	memset(qu, 0, sizeof(*qu));
}

/* Ring and writeback memory for queue @q, programmed and enabled. */
struct queue *queue_start(struct qenv *e, unsigned int q, __u32 size)
{
	struct queue *qu = &e->queue[q];

	queue_free(qu);
	qu->e = e;
	qu->q = q;
	qu->size = size;
	if (!dma_alloc(e, &qu->ring, (size_t)size * VACCEL_DESC_SIZE) ||
	    !dma_alloc(e, &qu->wbuf, e->v->page_size) || !queue_enable(qu))
		return NULL;
	return qu;
}

/* Commands */

struct cmd cmd_nop(void)
{
	return (struct cmd){ .op = VACCEL_OP_NOP };
}

struct cmd cmd_fence(__u64 value)
{
	return (struct cmd){ .op = VACCEL_OP_FENCE, .value = value };
}

struct cmd cmd_busy(__u64 ns)
{
	return (struct cmd){ .op = VACCEL_OP_BUSY, .value = ns };
}

struct cmd cmd_copy(struct opnd dst, struct opnd src, __u32 len)
{
	return (struct cmd){
		.op = VACCEL_OP_COPY, .len = len,
		.flags = (src.dev ? VACCEL_DESC_F_SRC_DEV : 0) |
			 (dst.dev ? VACCEL_DESC_F_DST_DEV : 0),
		.src = src.addr, .dst = dst.addr,
	};
}

struct cmd cmd_fill(struct opnd dst, __u32 len, __u64 value)
{
	return (struct cmd){
		.op = VACCEL_OP_FILL, .len = len, .value = value,
		.flags = dst.dev ? VACCEL_DESC_F_DST_DEV : 0, .dst = dst.addr,
	};
}

struct cmd cmd_crc(struct opnd dst, struct opnd src, __u32 len,
		   __u32 seed)
{
	return (struct cmd){
		.op = VACCEL_OP_CRC32C, .len = len, .value = seed,
		.flags = (src.dev ? VACCEL_DESC_F_SRC_DEV : 0) |
			 (dst.dev ? VACCEL_DESC_F_DST_DEV : 0),
		.src = src.addr, .dst = dst.addr,
	};
}

struct cmd cmd_gemm(struct opnd c, struct opnd a, struct opnd b,
		    __u32 m, __u32 n, __u32 k)
{
	return (struct cmd){
		.op = VACCEL_OP_GEMM, .m = m, .n = n, .k = k,
		.flags = (a.dev ? VACCEL_DESC_F_SRC_DEV : 0) |
			 (b.dev ? VACCEL_DESC_F_SRC2_DEV : 0) |
			 (c.dev ? VACCEL_DESC_F_DST_DEV : 0),
		.src = a.addr, .src2 = b.addr, .dst = c.addr,
	};
}

/* The function, set up as a driver would, and its MSI-X vectors. */

void stats_read(struct vdev *v, struct stats *s)
{
	s->jobs = sysfs_need(v, "vaccel/jobs");
	s->bytes = sysfs_need(v, "vaccel/bytes");
	s->busy_ns = sysfs_need(v, "vaccel/busy_ns");
	s->errors = sysfs_need(v, "vaccel/errors");
}

void drain_fds(struct qenv *e)
{
	unsigned int i;

	for (i = 0; i < VACCEL_MSIX_VECTORS; i++)
		if (e->fds[i] >= 0)
			efd_wait(e->fds[i], 0);
}

bool msix_on(struct qenv *e)
{
	struct vdev *v = e->v;
	unsigned int ctrl = v->cap_msix + PCI_MSIX_FLAGS;

	if (!check_errno(&v->report, "SET_IRQS: eventfds for MSI-X vectors 0-7",
			 irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				     VACCEL_MSIX_VECTORS, e->fds), 0))
		return false;
	cfg_wr(v, ctrl, 2, cfg_rd(v, ctrl, 2) | PCI_MSIX_FLAGS_ENABLE);
	return true;
}

void msix_off(struct qenv *e)
{
	struct vdev *v = e->v;
	unsigned int ctrl = v->cap_msix + PCI_MSIX_FLAGS;

	cfg_wr(v, ctrl, 2, cfg_rd(v, ctrl, 2) & ~PCI_MSIX_FLAGS_ENABLE);
	irq_disable(v, VFIO_PCI_MSIX_IRQ_INDEX);
}

/*
 * Memory and bus mastering on, the function enabled, MSI-X vectors on
 * eventfds, INT_MASK enabling ERROR (vector 0), BAR2 mapped.
 */
bool qenv_init(struct qenv *e, struct vdev *v)
{
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->v = v;
	e->iova_next = IOVA_BASE;
	for (i = 0; i < VACCEL_MSIX_VECTORS; i++)
		e->fds[i] = -1;
	crc32c_init();

	if (!check_eq(&v->report, "VERSION (1.1: command queues)",
		      reg_rd(v, VACCEL_REG_VERSION), VACCEL_VERSION) ||
	    !check_eq(&v->report, "QUEUES", reg_rd(v, VACCEL_REG_QUEUES),
		      VACCEL_FN_QUEUES) ||
	    !check(&v->report, v->cap_msix, "MSI-X capability present"))
		return false;
	e->bar2_size = v->region[BAR2_REGION].size;
	e->bar2 = mem_map(v, 0, e->bar2_size);
	if (!e->bar2)
		return false;
	if (!efd_open(v, e->fds, VACCEL_MSIX_VECTORS)) {
		for (i = 0; i < VACCEL_MSIX_VECTORS; i++)
			e->fds[i] = -1;
		return false;
	}
	if (!msix_on(e))
		return false;
	cfg_wr(v, PCI_COMMAND, 2, cfg_rd(v, PCI_COMMAND, 2) |
	       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
	return true;
}

void qenv_fini(struct qenv *e)
{
	unsigned int i;

	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		queue_free(&e->queue[i]);
	if (e->fds[0] >= 0) {
		msix_off(e);
		efd_close(e->fds, VACCEL_MSIX_VECTORS);
	}
	if (e->bar2)
		munmap(e->bar2, e->bar2_size);
	memset(e, 0, sizeof(*e));
}

/* A sysfs statistic grew by exactly @want. */
void check_grew(struct vdev *v, const char *name, __u64 before,
		__u64 after, __u64 want)
{
	check(&v->report, after - before == want,
	      "sysfs vaccel/%s grew by %llu (%llu -> %llu), expected %llu",
	      name, after - before, before, after, want);
}

static const unsigned int q_regs[] = {
	VACCEL_Q_RING_LO, VACCEL_Q_RING_HI, VACCEL_Q_RING_SIZE,
	VACCEL_Q_CONTROL, VACCEL_Q_STATUS, VACCEL_Q_TAIL, VACCEL_Q_HEAD,
	VACCEL_Q_ERROR, VACCEL_Q_ERROR_INDEX, VACCEL_Q_WB_LO, VACCEL_Q_WB_HI,
	VACCEL_Q_FENCE_LO, VACCEL_Q_FENCE_HI,
};

/*
 * Every register of queue @q reads 0 (power-on state); names one if not.
 * STATUS may read IDLE: the spec calls the power-on state "all registers
 * 0" but also defines IDLE as HEAD == TAIL, which holds then.
 */
bool check_q_zero(struct vdev *v, unsigned int q, const char *what)
{
	static bool told;
	unsigned int i;
	__u32 val;

	for (i = 0; i < ARRAY_SIZE(q_regs); i++) {
		val = reg_rd(v, VACCEL_QUEUE_REG(q, q_regs[i]));
		if (q_regs[i] == VACCEL_Q_STATUS && val == VACCEL_Q_STATUS_IDLE) {
			if (!told)
				remark("power-on STATUS reads IDLE (%#x): HEAD == TAIL, not 0",
				       val);
			told = true;
			continue;
		}
		if (val)
			return check(&v->report, false,
				     "%s: queue %u register %#x reads %#x, expected 0",
				     what, q, q_regs[i], val);
	}
	return check(&v->report, true, "%s: queue %u: all registers read 0%s",
		     what, q, told ? " (STATUS: 0 or IDLE)" : "");
}

/* Run one CRC32C; its 4-byte result lands at @dst.  false on failure. */
bool crc_one(struct queue *qu, const char *what, struct opnd dst,
	     struct opnd src, __u32 len, __u32 seed, __u32 *res)
{
	struct cmd c = cmd_crc(dst, src, len, seed);

	if (!queue_run(qu, what, &c, 1))
		return false;
	*res = get_le32(dst.p);
	return true;
}

