/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command queues (include/vaccel_queue.h) from the client: guest
 * memory mapped into the container at IOVAs (dma_*), a queue with its ring
 * and writeback (queue_*, q_*, wb_*), commands pushed as descriptors
 * (cmd_*), and the function set up as a driver would, with its MSI-X
 * vectors on eventfds and BAR2 mapped (qenv_*).
 */
#ifndef _LIB_QUEUE_H
#define _LIB_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

struct vdev;

#define IOVA_BASE		0x100000000ULL	/* above 4 GiB: the _HI halves */
#define IOVA_ALIGN		(2ULL << 20)
#define IOVA_GAP		(2ULL << 20)	/* unmapped IOVA after each buffer */
#define Q_TIMEOUT_MS		120000	/* a batch must complete within this */
#define Q_ERROR_MS		2000	/* an error must show within this */
#define Q_POLL_MS		50	/* registers polled this often */
#define SENTINEL		0xa5	/* bytes no command may touch */
#define GAP			64	/* sentinel bytes around destinations */

/* Guest memory of the function: anonymous memory mapped at an IOVA. */
struct dma_buf {
	__u8 *va;
	__u64 iova;
	size_t size;		/* whole pages */
	bool mapped;		/* in the container's IOMMU */
};

/* A command in CPU byte order; queue_push() writes it as a descriptor. */
struct cmd {
	__u16 op;
	__u16 flags;
	__u32 len;
	__u64 src;
	__u64 src2;
	__u64 dst;
	__u64 value;
	__u32 m;
	__u32 n;
	__u32 k;
	__u32 rsvd;
	__u64 tag;
};

struct qenv;

/* A queue of the function and its ring and writeback memory. */
struct queue {
	struct qenv *e;
	unsigned int q;
	__u32 size;		/* RING_SIZE */
	__u32 tail;		/* descriptors written to the ring */
	struct dma_buf ring;
	struct dma_buf wbuf;	/* the writeback at its start */
};

/* Host statistics of the instance (sysfs vaccel/). */
struct stats {
	__u64 jobs;
	__u64 bytes;
	__u64 busy_ns;
	__u64 errors;
};

/* Everything the queue commands work with. */
struct qenv {
	struct vdev *v;
	__u8 *bar2;		/* BAR2, mmapped */
	__u64 bar2_size;
	__s32 fds[VACCEL_MSIX_VECTORS];	/* MSI-X eventfds */
	__u64 iova_next;
	__u64 pushed;		/* descriptors pushed on all queues */
	__u64 min_bytes;	/* the least the engines must move for them */
	__u64 min_busy_ns;	/* BUSY time they asked for */
	struct queue queue[VACCEL_FN_QUEUES];
};

/* Where a command's operand is: an IOVA or a BAR2 offset, and our view. */
struct opnd {
	__u8 *p;
	__u64 addr;
	bool dev;
};

const char *qerr_name(__u32 code);

/* Operands */
struct opnd at_buf(const struct dma_buf *b, size_t off);
struct opnd at_bar2(const struct qenv *e, __u64 off);

/* Guest memory */
int dma_map(struct vdev *v, struct dma_buf *b);
int dma_unmap(struct vdev *v, struct dma_buf *b);
bool dma_alloc_at(struct qenv *e, struct dma_buf *b, size_t size,
		  __u64 iova);
bool dma_alloc(struct qenv *e, struct dma_buf *b, size_t size);
void dma_free(struct qenv *e, struct dma_buf *b);

/* Queues */
__u32 q_rd(struct queue *qu, unsigned int reg);
void q_wr(struct queue *qu, unsigned int reg, __u32 val);
__u32 wb_head(struct queue *qu);
__u32 wb_error(struct queue *qu);
__u64 wb_fence(struct queue *qu);
bool queue_failed(struct queue *qu, const char *what, int err);
void queue_ring(struct queue *qu);
int queue_wait(struct queue *qu, __u32 head, unsigned int timeout_ms);
bool queue_wait_error(struct queue *qu, unsigned int timeout_ms);
bool queue_push(struct queue *qu, const struct cmd *c);
bool queue_sync(struct queue *qu, const char *what);
bool queue_run(struct queue *qu, const char *what,
	       const struct cmd *c, unsigned int n);
void queue_reset(struct queue *qu);
bool queue_enable(struct queue *qu);
void queue_free(struct queue *qu);
struct queue *queue_start(struct qenv *e, unsigned int q, __u32 size);
bool crc_one(struct queue *qu, const char *what, struct opnd dst,
	     struct opnd src, __u32 len, __u32 seed, __u32 *res);

/* Commands */
struct cmd cmd_nop(void);
struct cmd cmd_fence(__u64 value);
struct cmd cmd_busy(__u64 ns);
struct cmd cmd_copy(struct opnd dst, struct opnd src, __u32 len);
struct cmd cmd_fill(struct opnd dst, __u32 len, __u64 value);
struct cmd cmd_crc(struct opnd dst, struct opnd src, __u32 len,
		   __u32 seed);
struct cmd cmd_gemm(struct opnd c, struct opnd a, struct opnd b,
		    __u32 m, __u32 n, __u32 k);

/* The function */
void stats_read(struct vdev *v, struct stats *s);
void drain_fds(struct qenv *e);
bool msix_on(struct qenv *e);
void msix_off(struct qenv *e);
bool qenv_init(struct qenv *e, struct vdev *v);
void qenv_fini(struct qenv *e);
void check_grew(struct vdev *v, const char *name, __u64 before,
		__u64 after, __u64 want);
bool check_q_zero(struct vdev *v, unsigned int q, const char *what);

#endif
