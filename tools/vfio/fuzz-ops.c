// SPDX-License-Identifier: GPL-2.0
/*
 * The operations of vaccel-vfio fuzz (fuzz.h): random but plausible
 * things a VMM or a guest can do to an instance through VFIO.  Every
 * choice comes from the fuzzer's own generator, seeded once, so a seed
 * gives the same sequence of operations and arguments; what the device
 * answers may differ with timing, and a few operations act on what they
 * read (QSTAT resets a queue it finds in error).  Each operation returns
 * 0, a negative errno, or -FZ_RES_SHORT / -FZ_RES_SIGBUS.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "fuzz.h"
#include "queue.h"
#include "util.h"
#include "vdev.h"

const char *const fuzz_kind_names[FZ_KINDS] = {
	"GET_INFO", "GET_REGION_INFO", "GET_IRQ_INFO", "SET_IRQS", "RESET",
	"cfg-read", "cfg-write", "FLR", "bar0-read", "bar0-write",
	"queue-program", "submit", "dma-map-unmap", "bar2-mmap", "bar2-rw",
	"close-reopen", "queue-status", "setup",
};

/* Weights per 1000 operations, in the order of enum fz_kind. */
static const unsigned int weights[FZ_KINDS] = {
	30, 40, 30, 60, 2, 100, 100, 2, 120, 130,
	60, 150, 40, 25, 40, 1, 50, 20,
};

/* splitmix64: the fuzzer's own generator, one per instance. */
__u64 fz_rnd(struct fuzzer *f)
{
	__u64 z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u64 below(struct fuzzer *f, __u64 n)
{
	return n ? fz_rnd(f) % n : 0;
}

/* true with probability @per / 1000. */
static bool chance(struct fuzzer *f, unsigned int per)
{
	return below(f, 1000) < per;
}

/* A value a fuzzer likes: edges more often than a uniform draw gives. */
static __u64 any_value(struct fuzzer *f)
{
	static const __u64 edges[] = {
		0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		~0ULL, ~0ULL - 1, 1ULL << 63, 1ULL << 30, (1ULL << 30) + 1,
	};

	switch (below(f, 4)) {
	case 0:
		return edges[below(f, ARRAY_SIZE(edges))];
	case 1:
		return below(f, 4096);
	case 2:
		return fz_rnd(f) & 0xffffffff;
	default:
		return fz_rnd(f);
	}
}

/* Describe the running operation; the watcher prints it on a hang. */
[[gnu::format(printf, 2, 3)]]
static void say(struct fuzzer *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->desc, sizeof(f->desc), fmt, ap);
	va_end(ap);
	memcpy(f->sh->hist[f->sh->ops % FZ_HIST], f->desc, FZ_DESC);
}

/* Region access with the errno, or -FZ_RES_SHORT. */
static int rw(struct fuzzer *f, unsigned int index, __u64 off, void *buf,
	      size_t size, bool write)
{
	int err = region_rw(&f->v, index, off, buf, size, write);

	return err == -EIO ? -FZ_RES_SHORT : err;
}

static int rd32(struct fuzzer *f, unsigned int index, __u64 off, __u32 *val)
{
	__u32 le = ~0U;
	int err = rw(f, index, off, &le, 4, false);

	*val = le32toh(le);
	return err;
}

static int wr32(struct fuzzer *f, unsigned int index, __u64 off, __u32 val)
{
	__u32 le = htole32(val);

	return rw(f, index, off, &le, 4, true);
}

static int qwr(struct fuzzer *f, unsigned int q, unsigned int reg, __u32 val)
{
	return wr32(f, BAR0_REGION, VACCEL_QUEUE_REG(q, reg), val);
}

/* Guest memory */

static int buf_map(struct fuzzer *f, struct dma_buf *b)
{
	int err = dma_map(&f->v, b);

	return err;
}

static int buf_unmap(struct fuzzer *f, struct dma_buf *b)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = b->iova,
		.size = b->size,
	};

	if (ioctl(f->v.container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	b->mapped = false;
	return unmap.size == b->size ? 0 : -FZ_RES_SHORT;
}

static size_t buf_bytes(unsigned int i)
{
	if (i < FZ_RINGS)
		return FZ_RING_BYTES;
	return i == FZ_WB ? FZ_WB_BYTES : FZ_OPND_BYTES;
}

/* An IOVA a descriptor or a queue register may get. */
static __u64 any_iova(struct fuzzer *f, size_t len, unsigned int align)
{
	unsigned int i = below(f, FZ_BUFS);
	size_t size = buf_bytes(i);
	__u64 off;

	/* Mostly valid: a bad operand stops the queue (one in 33). */
	switch (below(f, 100)) {
	case 0:
		return any_value(f);
	case 1:	/* just past a buffer: unmapped */
		return f->buf[i].iova + size + below(f, 4) * align;
	case 2:	/* any operand buffer, maybe crossing its end */
		return f->buf[FZ_OPND + below(f, 3)].iova +
		       below(f, FZ_OPND_BYTES) / align * align;
	default:
		i = FZ_OPND + below(f, 3);
		off = below(f, FZ_OPND_BYTES - (len < FZ_OPND_BYTES ? len : 0) + 1);
		return f->buf[i].iova + off / align * align;
	}
}

/* A BAR2 offset for @len bytes, mostly inside. */
static __u64 any_bar2(struct fuzzer *f, size_t len, unsigned int align)
{
	__u64 size = f->bar2_size, off;

	if (chance(f, 10))
		return any_value(f);
	if (chance(f, 10))
		return size - below(f, 2 * len + 1);
	off = below(f, size > len ? size - len + 1 : 1);
	return off / align * align;
}

/* The operations */

static int op_info(struct fuzzer *f)
{
	static __u8 buf[4096];
	struct vfio_device_info *info = (void *)buf;
	__u32 argsz = chance(f, 500) ? sizeof(*info) : below(f, sizeof(buf));
	bool null = chance(f, 20);

	say(f, "GET_INFO argsz %u%s", argsz, null ? " NULL" : "");
	memset(buf, 0, sizeof(buf));
	info->argsz = argsz;
	if (ioctl(f->v.device, VFIO_DEVICE_GET_INFO, null ? NULL : info))
		return -errno;
	return 0;
}

static int op_region_info(struct fuzzer *f)
{
	static __u8 buf[4096];
	struct vfio_region_info *ri = (void *)buf;
	__u32 argsz = chance(f, 500) ? sizeof(*ri) : below(f, sizeof(buf));
	__u32 index = chance(f, 800) ? below(f, 12) : any_value(f);

	say(f, "GET_REGION_INFO index %u argsz %u", index, argsz);
	memset(buf, 0, sizeof(buf));
	ri->argsz = argsz;
	ri->index = index;
	ri->flags = chance(f, 100) ? any_value(f) : 0;
	if (ioctl(f->v.device, VFIO_DEVICE_GET_REGION_INFO, ri))
		return -errno;
	return 0;
}

static int op_irq_info(struct fuzzer *f)
{
	static __u8 buf[4096];
	struct vfio_irq_info *ii = (void *)buf;
	__u32 argsz = chance(f, 500) ? sizeof(*ii) : below(f, sizeof(buf));
	__u32 index = chance(f, 800) ? below(f, 8) : any_value(f);

	say(f, "GET_IRQ_INFO index %u argsz %u", index, argsz);
	memset(buf, 0, sizeof(buf));
	ii->argsz = argsz;
	ii->index = index;
	if (ioctl(f->v.device, VFIO_DEVICE_GET_IRQ_INFO, ii))
		return -errno;
	return 0;
}

/* An eventfd, mostly one of ours, else -1 or any descriptor number. */
static __s32 any_fd(struct fuzzer *f)
{
	switch (below(f, 10)) {
	case 0:
		return -1;
	case 1:
		return below(f, 2) ? f->v.device : (__s32)any_value(f);
	default:
		return f->efd[below(f, FZ_EFDS)];
	}
}

static int op_set_irqs(struct fuzzer *f)
{
	static const __u32 data[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
		VFIO_IRQ_SET_DATA_EVENTFD,
	};
	static const __u32 action[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	static __u8 buf[4096];
	struct vfio_irq_set *set = (void *)buf;
	__u32 flags, index, start, count, i, each, argsz;

	flags = data[below(f, 3)] | action[below(f, 3)];
	if (chance(f, 50))
		flags = any_value(f);
	index = chance(f, 900) ? below(f, VFIO_PCI_NUM_IRQS) : any_value(f);
	start = chance(f, 800) ? below(f, 3) : below(f, 10);
	count = chance(f, 500) ? 1 : chance(f, 900) ? below(f, 10) :
		any_value(f);
	if (index == VFIO_PCI_MSIX_IRQ_INDEX && chance(f, 300))
		count = FZ_EFDS - start;
	each = flags & VFIO_IRQ_SET_DATA_EVENTFD ? 4 :
	       flags & VFIO_IRQ_SET_DATA_BOOL ? 1 : 0;
	argsz = sizeof(*set) + (count < 64 ? count * each : 0);
	if (chance(f, 50))
		argsz = below(f, sizeof(buf));
	say(f, "SET_IRQS index %u flags %#x start %u count %u argsz %u",
	    index, flags, start, count, argsz);
	memset(buf, 0, sizeof(buf));
	set->argsz = argsz;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	for (i = 0; i < 64 && i < count; i++) {
		if (each == 4)
			((__s32 *)set->data)[i] = any_fd(f);
		else
			set->data[i] = below(f, 4) ? below(f, 2) : fz_rnd(f);
	}
	if (ioctl(f->v.device, VFIO_DEVICE_SET_IRQS, set))
		return -errno;
	return 0;
}

static int op_reset(struct fuzzer *f)
{
	unsigned int q;

	say(f, "VFIO_DEVICE_RESET");
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		f->q[q].tail = 0;
	if (ioctl(f->v.device, VFIO_DEVICE_RESET))
		return -errno;
	return 0;
}

static unsigned int any_width(struct fuzzer *f)
{
	static const unsigned int w[] = { 1, 2, 4, 4, 4, 0, 3, 8, 16 };

	return chance(f, 900) ? w[below(f, 5)] : w[below(f, ARRAY_SIZE(w))];
}

static int op_cfg_rd(struct fuzzer *f)
{
	unsigned int width = any_width(f), off;
	__u8 buf[16];

	off = chance(f, 800) ? below(f, 256) :
	      chance(f, 500) ? below(f, PCI_CFG_SPACE_EXP_SIZE) :
	      PCI_CFG_SPACE_EXP_SIZE - 8 + below(f, 16);
	if (chance(f, 700))
		off &= ~(width ? width - 1 : 0);
	say(f, "config read of %u bytes at %#x", width, off);
	return rw(f, CFG_REGION, off, buf, width, false);
}

/* A config offset worth writing: the writable fields, mostly. */
static unsigned int cfg_target(struct fuzzer *f)
{
	const struct vdev *v = &f->v;
	unsigned int t[] = {
		PCI_COMMAND, PCI_STATUS, PCI_CACHE_LINE_SIZE,
		PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_1, PCI_BASE_ADDRESS_2,
		PCI_BASE_ADDRESS_3, PCI_BASE_ADDRESS_4, PCI_ROM_ADDRESS,
		PCI_INTERRUPT_LINE,
		v->cap_pm + PCI_PM_CTRL, v->cap_msi + PCI_MSI_FLAGS,
		v->cap_msi + PCI_MSI_ADDRESS_LO, v->cap_msi + PCI_MSI_DATA_64,
		v->cap_msix + PCI_MSIX_FLAGS, v->cap_exp + PCI_EXP_DEVCTL,
		v->cap_exp + PCI_EXP_DEVSTA, v->cap_exp + PCI_EXP_LNKCTL,
		v->cap_exp + PCI_EXP_DEVCTL2,
	};

	if (chance(f, 200))
		return below(f, chance(f, 900) ? 256 : PCI_CFG_SPACE_EXP_SIZE + 8);
	return t[below(f, ARRAY_SIZE(t))];
}

static int op_cfg_wr(struct fuzzer *f)
{
	unsigned int width = any_width(f), off = cfg_target(f), flr, i;
	__u64 val = any_value(f);
	__u8 buf[16];

	if (chance(f, 300))
		val = 0;
	if (off == PCI_COMMAND && chance(f, 500))
		val = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		      (chance(f, 300) ? PCI_COMMAND_INTX_DISABLE : 0);
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 8; i++)
		buf[i] = val >> (8 * i);
	/* FLR is an operation of its own: keep its bit out of this one. */
	flr = f->v.cap_exp + PCI_EXP_DEVCTL + 1;
	if (f->v.cap_exp && off <= flr && flr < off + width)
		buf[flr - off] &= ~(PCI_EXP_DEVCTL_BCR_FLR >> 8);
	say(f, "config write of %u bytes at %#x: %#llx", width, off,
	    (unsigned long long)val);
	return rw(f, CFG_REGION, off, buf, width, true);
}

static int op_flr(struct fuzzer *f)
{
	unsigned int off = f->v.cap_exp + PCI_EXP_DEVCTL, q;
	__u16 le = htole16(PCI_EXP_DEVCTL_BCR_FLR | (below(f, 2) ?
				PCI_EXP_DEVCTL_RELAX_EN : 0));

	say(f, "FLR: config write of %#x at %#x", le16toh(le), off);
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		f->q[q].tail = 0;
	return rw(f, CFG_REGION, off, &le, 2, true);
}

/* A BAR0 offset: registers, queues, the MSI-X table, or anywhere. */
static unsigned int reg_target(struct fuzzer *f, unsigned int width)
{
	unsigned int off;

	switch (below(f, 10)) {
	case 0:
		off = below(f, 0x50);
		break;
	case 1:
		off = VACCEL_MSIX_TABLE + below(f, 0x90);
		break;
	case 2:
		off = chance(f, 500) ? below(f, VACCEL_BAR0_SIZE) :
		      VACCEL_BAR0_SIZE - 8 + below(f, 16);
		break;
	case 3:
		off = VACCEL_MSIX_PBA + below(f, 16);
		break;
	default:
		off = VACCEL_QUEUE_BASE + below(f, 0x40 * (VACCEL_FN_QUEUES + 1));
		break;
	}
	if (width && chance(f, 950))
		off &= ~(width - 1);
	return off;
}

static int op_reg_rd(struct fuzzer *f)
{
	unsigned int width = chance(f, 900) ? 4 : any_width(f);
	unsigned int off = reg_target(f, width);
	__u8 buf[16];

	say(f, "BAR0 read of %u bytes at %#x", width, off);
	return rw(f, BAR0_REGION, off, buf, width, false);
}

static int op_reg_wr(struct fuzzer *f)
{
	static const __u32 ctl[] = {
		0, VACCEL_CONTROL_ENABLE, VACCEL_CONTROL_RESET,
		VACCEL_CONTROL_ENABLE | VACCEL_CONTROL_RESET,
	};
	unsigned int width = chance(f, 900) ? 4 : any_width(f);
	unsigned int off = reg_target(f, width), q;
	__u64 val = any_value(f);
	__u8 buf[16];

	/* The function's CONTROL and a queue's CONTROL: their bits. */
	if (off == VACCEL_REG_CONTROL && chance(f, 700))
		val = ctl[below(f, 4)];
	if (off >= VACCEL_QUEUE_BASE &&
	    off < VACCEL_QUEUE_REG(VACCEL_FN_QUEUES, 0)) {
		q = (off - VACCEL_QUEUE_BASE) / VACCEL_QUEUE_STRIDE;
		if (off % VACCEL_QUEUE_STRIDE == VACCEL_Q_CONTROL &&
		    chance(f, 700))
			val = ctl[below(f, 4)];
		if (off % VACCEL_QUEUE_STRIDE == VACCEL_Q_TAIL &&
		    chance(f, 500))
			val = f->q[q].tail + below(f, 2 * VACCEL_RING_MAX) -
			      VACCEL_RING_MAX;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &val, sizeof(val));
	say(f, "BAR0 write of %u bytes at %#x: %#llx", width, off,
	    (unsigned long long)val);
	return rw(f, BAR0_REGION, off, buf, width, true);
}

/* Program RING, RING_SIZE and WB of a queue, valid or not, and enable. */
static int op_qprog(struct fuzzer *f)
{
	unsigned int q = below(f, VACCEL_FN_QUEUES);
	struct fz_queue *fq = &f->q[q];
	__u64 ring, wb;
	__u32 size, st;
	int err = 0;

	fq->ring = -1;
	fq->ring_off = 0;
	fq->wb_off = -1;
	size = chance(f, 950) ? 2U << below(f, 11) : any_value(f);
	if (chance(f, 950)) {
		fq->ring = below(f, FZ_RINGS);
		if (size && size <= VACCEL_RING_MAX)
			fq->ring_off = below(f, VACCEL_RING_MAX / size) * size *
				       VACCEL_DESC_SIZE / VACCEL_RING_ALIGN *
				       VACCEL_RING_ALIGN;
		ring = f->buf[fq->ring].iova + fq->ring_off;
	} else {
		ring = chance(f, 500) ? any_value(f) :
		       any_iova(f, (size_t)size * VACCEL_DESC_SIZE,
				chance(f, 500) ? VACCEL_RING_ALIGN : 8);
	}
	if (chance(f, 950)) {
		fq->wb_off = below(f, FZ_WB_BYTES / VACCEL_WB_ALIGN) *
			     VACCEL_WB_ALIGN;
		wb = f->buf[FZ_WB].iova + fq->wb_off;
	} else {
		wb = chance(f, 500) ? any_value(f) :
		     any_iova(f, 16, chance(f, 500) ? VACCEL_WB_ALIGN : 4);
	}
	say(f, "queue %u: %s, RING %#llx SIZE %u WB %#llx, enable", q,
	    fq->ring >= 0 ? "reset" : "disable", (unsigned long long)ring,
	    size, (unsigned long long)wb);
	/* Sometimes only disable: a running command is abandoned. */
	err = qwr(f, q, VACCEL_Q_CONTROL,
		  fq->ring >= 0 ? VACCEL_Q_CONTROL_RESET : 0);
	err = err ?: qwr(f, q, VACCEL_Q_RING_LO, ring);
	err = err ?: qwr(f, q, VACCEL_Q_RING_HI, ring >> 32);
	err = err ?: qwr(f, q, VACCEL_Q_RING_SIZE, size);
	err = err ?: qwr(f, q, VACCEL_Q_WB_LO, wb);
	err = err ?: qwr(f, q, VACCEL_Q_WB_HI, wb >> 32);
	err = err ?: qwr(f, q, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
	err = err ?: rd32(f, BAR0_REGION, VACCEL_QUEUE_REG(q, VACCEL_Q_STATUS),
			  &st);
	fq->size = size;
	fq->tail = 0;
	return err;
}

/* An operand of @bytes: in BAR2 (and @flag set in @c) or at an IOVA. */
static __u64 operand(struct fuzzer *f, struct cmd *c, __u16 flag,
		     __u64 bytes, unsigned int align)
{
	if (chance(f, 300)) {
		c->flags |= flag;
		return any_bar2(f, bytes, align);
	}
	return any_iova(f, bytes, align);
}

/* A descriptor of @op with valid fields, then maybe one field spoilt. */
static void make_desc(struct fuzzer *f, struct cmd *c)
{
	unsigned int mut;

	memset(c, 0, sizeof(*c));
	c->op = chance(f, 990) ? below(f, VACCEL_OP_COUNT) : any_value(f);
	c->flags = chance(f, 300) ? VACCEL_DESC_F_IRQ : 0;
	c->tag = fz_rnd(f);
	c->len = chance(f, 900) ? 1 + below(f, 16384) : 1 + below(f, FZ_OPND_BYTES);
	switch (c->op) {
	case VACCEL_OP_FENCE:
		c->value = fz_rnd(f);
		break;
	case VACCEL_OP_BUSY:
		c->value = chance(f, 900) ? 1 + below(f, 100000) :
			   chance(f, 950) ? 1 + below(f, 20000000) :
			   1 + below(f, VACCEL_BUSY_MAX_NS);
		break;
	case VACCEL_OP_COPY:
	case VACCEL_OP_CRC32C:
		if (c->op == VACCEL_OP_CRC32C)
			c->value = fz_rnd(f) & 0xffffffff;
		c->src = operand(f, c, VACCEL_DESC_F_SRC_DEV, c->len, 1);
		c->dst = operand(f, c, VACCEL_DESC_F_DST_DEV,
				 c->op == VACCEL_OP_CRC32C ? 4 : c->len, 1);
		break;
	case VACCEL_OP_FILL:
		c->value = fz_rnd(f);
		c->dst = operand(f, c, VACCEL_DESC_F_DST_DEV, c->len, 1);
		break;
	case VACCEL_OP_GEMM:
		c->len = 0;
		c->m = 1 + below(f, chance(f, 950) ? 32 : 128);
		c->n = 1 + below(f, chance(f, 950) ? 32 : 128);
		c->k = 1 + below(f, chance(f, 950) ? 32 : 128);
		c->src = operand(f, c, VACCEL_DESC_F_SRC_DEV,
				 4ULL * c->m * c->k, 4);
		c->src2 = operand(f, c, VACCEL_DESC_F_SRC2_DEV,
				  4ULL * c->k * c->n, 4);
		c->dst = operand(f, c, VACCEL_DESC_F_DST_DEV,
				 4ULL * c->m * c->n, 4);
		break;
	default:
		break;
	}
	if (c->op == VACCEL_OP_NOP || c->op == VACCEL_OP_FENCE ||
	    c->op == VACCEL_OP_BUSY)
		c->len = 0;
	if (chance(f, 950))
		return;
	/* One field spoilt. */
	mut = below(f, 9);
	switch (mut) {
	case 0:
		c->flags = any_value(f);
		break;
	case 1:
		c->len = any_value(f);
		break;
	case 2:
		c->src = any_value(f);
		break;
	case 3:
		c->src2 = any_value(f);
		break;
	case 4:
		c->dst = any_value(f);
		break;
	case 5:
		c->value = any_value(f);
		break;
	case 6:
		c->m = any_value(f);
		c->n = any_value(f);
		break;
	case 7:
		c->k = any_value(f);
		break;
	default:
		c->rsvd = any_value(f);
		break;
	}
}

static void desc_put(__u8 *p, const struct cmd *c)
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

	memcpy(p, &le, sizeof(le));
}

/* Write descriptors into a live ring (ours, as we programmed it) and ring. */
static int op_submit(struct fuzzer *f)
{
	unsigned int q = below(f, VACCEL_FN_QUEUES), n = 1 + below(f, 8), i;
	struct fz_queue *fq = &f->q[q];
	__u32 size = fq->size, tail;
	int ring = fq->ring;
	__u32 off = fq->ring_off;
	struct cmd c[8];
	__u8 *base;

	if (ring < 0 || !size || size > VACCEL_RING_MAX || (size & (size - 1))) {
		/* Not a ring of ours: write into one anyway. */
		ring = below(f, FZ_RINGS);
		off = 0;
		size = VACCEL_RING_MAX;
	}
	base = f->buf[ring].va + off;
	for (i = 0; i < n; i++)
		make_desc(f, &c[i]);
	tail = chance(f, 950) ? fq->tail + n : (__u32)any_value(f);
	say(f, "queue %u: %u descriptors (op %u first) at %u, TAIL %u", q, n,
	    c[0].op, fq->tail, tail);
	for (i = 0; i < n; i++)
		desc_put(base + ((fq->tail + i) % size) * VACCEL_DESC_SIZE,
			 &c[i]);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	fq->tail = tail;
	return qwr(f, q, VACCEL_Q_TAIL, tail);
}

static int op_dma(struct fuzzer *f)
{
	/* Operands more often than rings and writebacks (live queues). */
	unsigned int i = chance(f, 600) ? FZ_OPND + below(f, 3) :
			 below(f, FZ_OPND), what = below(f, 20);
	struct dma_buf *b = &f->buf[i];
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	};
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };

	if (what < 16) {
		/*
		 * Mostly taken away and given back at once, so that most of
		 * the memory is mapped most of the time: commands run, and
		 * lose their memory while they run.
		 */
		bool back = what >= 5;

		say(f, "%s buffer %u (IOVA %#llx, %zu bytes)",
		    !b->mapped ? "MAP_DMA" : back ? "UNMAP_DMA and MAP_DMA" :
		    "UNMAP_DMA", i, (unsigned long long)b->iova, b->size);
		if (!b->mapped)
			return buf_map(f, b);
		return buf_unmap(f, b) ?: back ? buf_map(f, b) : 0;
	}
	if (what < 18) {
		/* Half of a mapping, or an odd range. */
		unmap.iova = b->iova + (what == 16 ? 0 : below(f, b->size));
		unmap.size = what == 16 ? b->size / 2 : any_value(f);
		say(f, "UNMAP_DMA IOVA %#llx size %#llx (buffer %u)",
		    (unsigned long long)unmap.iova,
		    (unsigned long long)unmap.size, i);
		if (ioctl(f->v.container, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return -errno;
		/* What went, if anything, is no longer known: say unmapped. */
		if (unmap.size)
			b->mapped = false;
		return 0;
	}
	if (what < 19) {
		/* The buffer's memory at an odd IOVA, or overlapping another. */
		map.vaddr = (uintptr_t)b->va;
		map.size = b->size;
		map.iova = chance(f, 500) ? f->buf[below(f, FZ_BUFS)].iova :
			   any_value(f);
		say(f, "MAP_DMA of buffer %u at IOVA %#llx", i,
		    (unsigned long long)map.iova);
		if (map.iova == b->iova)
			return b->mapped ? -EEXIST : buf_map(f, b);
		if (ioctl(f->v.container, VFIO_IOMMU_MAP_DMA, &map))
			return -errno;
		/* It worked: take it away again, ours are at fixed IOVAs. */
		unmap.iova = map.iova;
		unmap.size = map.size;
		return ioctl(f->v.container, VFIO_IOMMU_UNMAP_DMA, &unmap) ?
		       -errno : 0;
	}
	say(f, "UNMAP_DMA of everything (VFIO_DMA_UNMAP_FLAG_ALL)");
	unmap.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	for (i = 0; i < FZ_BUFS; i++)
		f->buf[i].mapped = false;
	if (ioctl(f->v.container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	return 0;
}

/* BAR2 */

static sigjmp_buf bus_jmp;
static sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (__atomic_load_n(&bus_armed, __ATOMIC_SEQ_CST))
		siglongjmp(bus_jmp, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/* Read a byte of a BAR2 mapping and maybe write it: 0 or a SIGBUS. */
static int touch(__u8 *p, __u64 at, __u8 val, bool write)
{
	if (sigsetjmp(bus_jmp, 1)) {
		__atomic_store_n(&bus_armed, 0, __ATOMIC_SEQ_CST);
		return -FZ_RES_SIGBUS;
	}
	__atomic_store_n(&bus_armed, 1, __ATOMIC_SEQ_CST);
	val ^= __atomic_load_n(&p[at], __ATOMIC_RELAXED);
	if (write)
		__atomic_store_n(&p[at], val, __ATOMIC_RELAXED);
	__atomic_store_n(&bus_armed, 0, __ATOMIC_SEQ_CST);
	return 0;
}

static int op_bar2_mmap(struct fuzzer *f)
{
	size_t page = f->v.page_size, len;
	__u64 off, pages = f->bar2_size / page;
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED, err = 0;
	__u8 *p;
	__u64 at, val = fz_rnd(f);

	off = chance(f, 900) ? below(f, pages) * page :
	      chance(f, 500) ? (pages + below(f, 4)) * page : any_value(f);
	len = chance(f, 50) ? f->bar2_size : (1 + below(f, 16)) * page;
	if (chance(f, 50))
		flags = MAP_PRIVATE;
	if (chance(f, 50))
		prot = PROT_READ;
	at = below(f, len);
	say(f, "mmap BAR2 %zu bytes at %#llx prot %d flags %d, touch %#llx",
	    len, (unsigned long long)off, prot, flags,
	    (unsigned long long)at);
	p = mmap(NULL, len, prot, flags, f->v.device,
		 f->v.region[BAR2_REGION].offset + off);
	if (p == MAP_FAILED)
		return -errno;
	err = touch(p, at, val, prot & PROT_WRITE);
	munmap(p, len);
	return err;
}

static int op_bar2_rw(struct fuzzer *f)
{
	static __u8 buf[8192];
	size_t len = chance(f, 900) ? 1 + below(f, 64) : below(f, sizeof(buf));
	__u64 off = any_bar2(f, len, 1);
	bool write = below(f, 2);

	if (write)
		memset(buf, fz_rnd(f), len);
	say(f, "BAR2 %s of %zu bytes at %#llx", write ? "pwrite" : "pread",
	    len, (unsigned long long)off);
	return rw(f, BAR2_REGION, off, buf, len, write);
}

/*
 * As a driver recovers a queue: CONTROL.RESET, then the ring and the
 * writeback it had (if they were ours) again, and ENABLE.
 */
static int q_recover(struct fuzzer *f, unsigned int q)
{
	struct fz_queue *fq = &f->q[q];
	__u64 ring, wb;
	int err;

	fq->last_err = 0;
	fq->tail = 0;
	err = qwr(f, q, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_RESET);
	if (err || fq->ring < 0 || fq->wb_off < 0 || !fq->size ||
	    fq->size > VACCEL_RING_MAX)
		return err;
	ring = f->buf[fq->ring].iova + fq->ring_off;
	wb = f->buf[FZ_WB].iova + fq->wb_off;
	err = qwr(f, q, VACCEL_Q_RING_LO, ring);
	err = err ?: qwr(f, q, VACCEL_Q_RING_HI, ring >> 32);
	err = err ?: qwr(f, q, VACCEL_Q_RING_SIZE, fq->size);
	err = err ?: qwr(f, q, VACCEL_Q_WB_LO, wb);
	err = err ?: qwr(f, q, VACCEL_Q_WB_HI, wb >> 32);
	return err ?: qwr(f, q, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
}

/* Queue states: errors seen, eventfds drained, a queue in error recovered. */
static int op_qstat(struct fuzzer *f)
{
	unsigned int q, i, reset = below(f, 16);
	__u32 st, code;
	__u64 cnt;
	int err;

	say(f, "queue states, reset mask %#x", reset);
	for (i = 0; i < FZ_EFDS; i++)
		if (read(f->efd[i], &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			return -errno;
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		err = rd32(f, BAR0_REGION, VACCEL_QUEUE_REG(q, VACCEL_Q_STATUS),
			   &st);
		err = err ?: rd32(f, BAR0_REGION,
				  VACCEL_QUEUE_REG(q, VACCEL_Q_ERROR), &code);
		if (err)
			return err;
		if (!(st & VACCEL_Q_STATUS_ERROR)) {
			f->q[q].last_err = 0;
			continue;
		}
		if (code != f->q[q].last_err && code < VACCEL_QERR_COUNT)
			f->sh->qerr[code]++;
		f->q[q].last_err = code;
		if (reset & (1U << q)) {
			err = q_recover(f, q);
			if (err)
				return err;
		}
	}
	return 0;
}

/* As a driver would: MSI-X on eventfds, memory, bus master, enable. */
static int op_setup(struct fuzzer *f)
{
	unsigned int ctrl = f->v.cap_msix + PCI_MSIX_FLAGS;
	struct {
		struct vfio_irq_set set;
		__s32 fds[FZ_EFDS];
	} s = {
		.set = {
			.argsz = sizeof(s),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_PCI_MSIX_IRQ_INDEX,
			.count = FZ_EFDS,
		},
	};
	__u16 le;
	int err;

	say(f, "setup: MSI-X eventfds, Command MEM|MASTER, CONTROL.ENABLE");
	memcpy(s.fds, f->efd, sizeof(s.fds));
	if (ioctl(f->v.device, VFIO_DEVICE_SET_IRQS, &s))
		return -errno;
	le = htole16(PCI_MSIX_FLAGS_ENABLE);
	err = rw(f, CFG_REGION, ctrl, &le, 2, true);
	le = htole16(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	err = err ?: rw(f, CFG_REGION, PCI_COMMAND, &le, 2, true);
	err = err ?: wr32(f, BAR0_REGION, VACCEL_REG_INT_MASK, ~0U);
	return err ?: wr32(f, BAR0_REGION, VACCEL_REG_CONTROL,
			   VACCEL_CONTROL_ENABLE);
}

/* Map the buffers of guest memory; false with the reason in sh->why. */
static bool map_all(struct fuzzer *f)
{
	unsigned int i;
	int err;

	for (i = 0; i < FZ_BUFS; i++) {
		if (f->buf[i].mapped)
			continue;
		err = buf_map(f, &f->buf[i]);
		if (err) {
			snprintf(f->sh->why, sizeof(f->sh->why),
				 "MAP_DMA of buffer %u: %s", i, errname(err));
			return false;
		}
	}
	return true;
}

static int op_reopen(struct fuzzer *f)
{
	unsigned int i, q;

	say(f, "close the device, group and container; reopen");
	vdev_close(&f->v);
	for (i = 0; i < FZ_BUFS; i++)
		f->buf[i].mapped = false;
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		f->q[q].tail = 0;
	f->sh->reopens++;
	if (vdev_open(&f->v, f->uuid)) {
		snprintf(f->sh->why, sizeof(f->sh->why),
			 "reopen of %s failed (see stderr)", f->uuid);
		return -EBADF;
	}
	if (!map_all(f))
		return -EBADF;
	return op_setup(f);
}

/* Open the instance, allocate and map guest memory, set it up. */
bool fz_start(struct fuzzer *f)
{
	unsigned int i, q;
	struct dma_buf *b;

	for (i = 0; i < FZ_EFDS; i++)
		f->efd[i] = -1;
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		f->q[q] = (struct fz_queue){ .ring = -1, .wb_off = -1 };
	if (vdev_open(&f->v, f->uuid)) {
		snprintf(f->sh->why, sizeof(f->sh->why), "open of %s failed",
			 f->uuid);
		return false;
	}
	f->bar2_size = f->v.region[BAR2_REGION].size;
	if (!f->bar2_size || !f->v.cap_msix || !f->v.cap_exp) {
		snprintf(f->sh->why, sizeof(f->sh->why),
			 "no BAR2, MSI-X or PCIe capability");
		return false;
	}
	for (i = 0; i < FZ_EFDS; i++) {
		f->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (f->efd[i] < 0) {
			snprintf(f->sh->why, sizeof(f->sh->why), "eventfd: %s",
				 errname(-errno));
			return false;
		}
	}
	for (i = 0; i < FZ_BUFS; i++) {
		b = &f->buf[i];
		b->size = buf_bytes(i);
		b->iova = IOVA_BASE + i * FZ_IOVA_STRIDE;
		b->va = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (b->va == MAP_FAILED) {
			b->va = NULL;
			snprintf(f->sh->why, sizeof(f->sh->why), "mmap: %s",
				 errname(-errno));
			return false;
		}
	}
	signal(SIGBUS, on_sigbus);
	return map_all(f) && !op_setup(f);
}

void fz_stop(struct fuzzer *f)
{
	unsigned int i;

	vdev_close(&f->v);
	for (i = 0; i < FZ_BUFS; i++)
		if (f->buf[i].va)
			munmap(f->buf[i].va, f->buf[i].size);
	for (i = 0; i < FZ_EFDS; i++)
		if (f->efd[i] >= 0)
			close(f->efd[i]);
}

enum fz_kind fz_pick(struct fuzzer *f)
{
	unsigned int r = below(f, 1000), k;

	for (k = 0; k < FZ_KINDS - 1; k++) {
		if (r < weights[k])
			break;
		r -= weights[k];
	}
	return k;
}

static int (*const ops[FZ_KINDS])(struct fuzzer *f) = {
	op_info, op_region_info, op_irq_info, op_set_irqs, op_reset,
	op_cfg_rd, op_cfg_wr, op_flr, op_reg_rd, op_reg_wr, op_qprog,
	op_submit, op_dma, op_bar2_mmap, op_bar2_rw, op_reopen, op_qstat,
	op_setup,
};

/*
 * Run one operation of @kind and count its result.  Returns -EBADF when
 * the fuzzer cannot go on (a reopen failed), else 0.
 */
int fz_run(struct fuzzer *f, enum fz_kind kind)
{
	struct fz_shared *sh = f->sh;
	unsigned int slot;
	int res;

	snprintf(f->desc, sizeof(f->desc), "%s", fuzz_kind_names[kind]);
	memcpy(sh->hist[sh->ops % FZ_HIST], f->desc, FZ_DESC);
	__atomic_store_n(&sh->op_start_ns, now_ns(), __ATOMIC_RELEASE);
	res = ops[kind](f);
	__atomic_store_n(&sh->op_start_ns, 0, __ATOMIC_RELEASE);
	slot = res < 0 && -res < FZ_RES_SLOTS ? -res : res ? FZ_RES_SHORT : 0;
	sh->res[kind][slot]++;
	if (res)
		sh->errors++;
	if (f->trace)
		printf("%llu %s: %s\n", (unsigned long long)sh->ops, f->desc,
		       slot == FZ_RES_SHORT ? "short" :
		       slot == FZ_RES_SIGBUS ? "SIGBUS" : errname(slot));
	sh->ops++;
	return kind == FZ_REOPEN && res == -EBADF ? -EBADF : 0;
}
