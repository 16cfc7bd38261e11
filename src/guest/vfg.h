/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel_vf: the stock driver of the accelerator's virtual function, as a
 * guest (or a host with a hardware VF) loads it.  Written against
 * docs/hardware.md only; it cannot tell a vaccel mdev from a hardware VF.
 *
 * Objects and lifetimes:
 *  - struct vfg_dev: one bound function.  Referenced by the probe (until
 *    remove) and by every open context; freed with the last reference.
 *  - struct vfg_ctx: one open file.  Referenced by the file and by each
 *    of its jobs, so jobs of a closed file finish (or fail) on their own.
 *  - struct vfg_alloc: a device memory range.  Referenced by its handle
 *    in the context and by each job that uses it: the range returns to
 *    the allocator only when nothing can reach it any more.
 *  - struct vfg_job: one submitted batch, on its queue's list until it
 *    finishes.
 *
 * Locking (outermost first):
 *  - vfg_queue.lock (mutex): the ring, the queue's registers, its job
 *    list, and vfg_queue.gone / .stopped.  Taken by submission, by the
 *    completion and error interrupt threads, by reset and by remove.
 *  - vfg_dev.mem_lock (mutex): the device memory allocator, BAR2 and
 *    vfg_dev.gone; taken under vfg_queue.lock when a job's staging
 *    memory is freed.
 *  - vfg_ctx.lock (spinlock): the context's fence counters and failure
 *    records; innermost.
 *  - vfg_ctx.handles is an xarray with its own lock.
 * Every register access happens under the lock that covers it (the
 * queue's, or mem_lock for BAR2) and only while the function is not gone,
 * so remove can unmap the BARs once it has set gone under each of them.
 */
#ifndef _VACCEL_VFG_H
#define _VACCEL_VFG_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "vaccel_queue.h"
#include "uapi/vaccel_vf.h"

#define VFG_DRV_NAME		"vaccel_vf"
/* Descriptors per ring: the most one job may need, too. */
#define VFG_RING_SIZE		VACCEL_VF_MAX_DESCS
/* Failed jobs whose outcome a context keeps. */
#define VFG_MAX_FAILURES	256

/**
 * struct vfg_mem - device memory allocator (pure: no locking of its own)
 * @map: one bit per VACCEL_VF_ALLOC_ALIGN bytes, set when allocated
 * @pages: bits in @map
 * @used: bits set
 */
struct vfg_mem {
	unsigned long *map;
	unsigned long pages;
	unsigned long used;
};

int vfg_mem_init(struct vfg_mem *m, u64 size);
void vfg_mem_destroy(struct vfg_mem *m);
int vfg_mem_alloc(struct vfg_mem *m, u64 size, u64 *offset);
void vfg_mem_release(struct vfg_mem *m, u64 offset, u64 size);
u64 vfg_mem_free_bytes(const struct vfg_mem *m);

/**
 * struct vfg_seg - a piece of an operand that is contiguous for the device
 * @addr: its DMA address
 * @len: its length in bytes
 */
struct vfg_seg {
	u64 addr;
	u64 len;
};

/* Where an operand of an operation lives, once resolved. */
enum vfg_where {
	VFG_NONE,	/* not used */
	VFG_IOVA,	/* one DMA range at @addr */
	VFG_DEV,	/* device memory at offset @addr */
	VFG_SCATTER,	/* DMA pieces @segs; staged at device offset @addr */
};

/**
 * struct vfg_opnd - a resolved operand
 * @where: enum vfg_where
 * @addr: DMA address (VFG_IOVA) or device memory offset (VFG_DEV, and
 *        the staging area of a VFG_SCATTER operand of CRC32C or GEMM)
 * @len: extent of the operand in bytes
 * @segs: VFG_SCATTER: the pieces, in order, @len bytes in all
 * @nsegs: number of @segs
 */
struct vfg_opnd {
	enum vfg_where where;
	u64 addr;
	u64 len;
	const struct vfg_seg *segs;
	unsigned int nsegs;
};

/**
 * struct vfg_batch - descriptors being built for one job
 * @descs: room for @max descriptors
 * @n: descriptors built
 * @max: capacity of @descs
 */
struct vfg_batch {
	struct vaccel_desc *descs;
	unsigned int n;
	unsigned int max;
};

/* Operand slots of struct vaccel_vf_op, in the order of the structure. */
enum { VFG_SRC, VFG_SRC2, VFG_DST, VFG_NR_OPND };

const struct vaccel_vf_operand *vfg_op_operand(const struct vaccel_vf_op *op,
					       int i);
int vfg_op_check(const struct vaccel_vf_op *op, u64 ext[VFG_NR_OPND]);
bool vfg_op_stages(const struct vaccel_vf_op *op);
bool vfg_op_overlaps(const struct vaccel_vf_op *op,
		     const u64 start[VFG_NR_OPND], const u64 ext[VFG_NR_OPND]);
int vfg_batch_emit(struct vfg_batch *b, const struct vaccel_vf_op *op,
		   const struct vfg_opnd o[VFG_NR_OPND], u32 index);
void vfg_batch_finish(struct vfg_batch *b);
int vfg_check_head(u32 argsz, u32 size, u32 flags, u32 pad);

struct vfg_dev;

/**
 * struct vfg_queue - one command queue of the function, as the driver runs it
 * @vf: the function
 * @idx: queue number
 * @lock: see "Locking" above
 * @ring: descriptor ring (coherent DMA)
 * @ring_dma: its DMA address
 * @wb: the queue's writeback area
 * @wb_dma: its DMA address
 * @tail: descriptors written to the ring since the queue was enabled
 * @head: descriptors whose completion was processed
 * @jobs: jobs in flight, oldest first
 * @room: submitters waiting for ring space, and for the end of a reset
 * @contexts: contexts that submit here
 * @stopped: the function is being reset: no submission, jobs failed
 * @gone: the function was removed: registers must not be touched
 */
struct vfg_queue {
	struct vfg_dev *vf;
	unsigned int idx;
	struct mutex lock;		/* ring, registers, jobs, state */
	struct vaccel_desc *ring;
	dma_addr_t ring_dma;
	struct vaccel_wb *wb;
	dma_addr_t wb_dma;
	u32 tail;
	u32 head;
	struct list_head jobs;
	wait_queue_head_t room;
	unsigned int contexts;
	bool stopped;
	bool gone;
};

/**
 * struct vfg_dev - a function bound to the driver
 * @ref: see "Objects and lifetimes" above
 * @pdev: the PCI function (a reference is held)
 * @regs: BAR0
 * @mem: BAR2 (mapped as drivers do; the device does all the work on it)
 * @mem_size: BAR2 size (== MEM_SIZE)
 * @version: VERSION register
 * @engines: ENGINES register
 * @share_slots: quarter slots held
 * @card_slots: slots per card
 * @nqueues: queues the driver runs
 * @irq_mode: VACCEL_VF_IRQ_*
 * @nvec: interrupt vectors allocated
 * @irq_names: names of the vectors in /proc/interrupts
 * @pending: causes acknowledged by the MSI/INTx handler for its thread
 * @queues: the queues
 * @mem_lock: see "Locking" above
 * @alloc: the device memory allocator
 * @gone: the function was removed (under @mem_lock)
 * @contexts: open contexts
 * @misc: the character device
 * @name: "vaccelN"
 * @id: N
 */
struct vfg_dev {
	struct kref ref;
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *mem;
	u64 mem_size;
	u32 version;
	u32 engines;
	u32 share_slots;
	u32 card_slots;
	unsigned int nqueues;
	u32 irq_mode;
	unsigned int nvec;
	char irq_names[VACCEL_FN_QUEUES + 1][32];
	atomic_t pending;
	struct vfg_queue queues[VACCEL_FN_QUEUES];
	struct mutex mem_lock;		/* allocator, BAR2, gone */
	struct vfg_mem alloc;
	bool gone;
	atomic_t contexts;
	struct miscdevice misc;
	char name[16];
	int id;
};

/**
 * struct vfg_alloc - a device memory range
 * @ref: see "Objects and lifetimes" above
 * @vf: the function (its lifetime covers ours: our holders hold it)
 * @offset: start in BAR2
 * @size: bytes (a multiple of VACCEL_VF_ALLOC_ALIGN)
 */
struct vfg_alloc {
	struct kref ref;
	struct vfg_dev *vf;
	u64 offset;
	u64 size;
};

/**
 * struct vfg_failure - the outcome of a failed job, kept for VACCEL_VF_IOC_JOB
 * @fence: the job
 * @status: negative errno
 * @hw_error: VACCEL_QERR_* or 0
 * @op_index: operation of the batch at fault
 */
struct vfg_failure {
	u64 fence;
	int status;
	u32 hw_error;
	u32 op_index;
};

/**
 * struct vfg_ctx - an open file
 * @ref: see "Objects and lifetimes" above
 * @vf: the function (a reference is held)
 * @q: the queue the context submits to
 * @handles: allocation handles (xarray index) to struct vfg_alloc
 * @lock: protects the fields below
 * @submitted: fence of the newest job submitted
 * @finished: every job up to this fence has finished
 * @failures: ring of the newest failures, @nfail of them from @fhead
 * @fhead: index of the oldest entry of @failures
 * @nfail: entries in @failures
 * @forgotten: fences up to this one may have lost their failure record
 * @wait: woken when a job of the context finishes
 */
struct vfg_ctx {
	struct kref ref;
	struct vfg_dev *vf;
	struct vfg_queue *q;
	struct xarray handles;
	spinlock_t lock;		/* fences, failure records */
	u64 submitted;
	u64 finished;
	struct vfg_failure failures[VFG_MAX_FAILURES];
	unsigned int fhead;
	unsigned int nfail;
	u64 forgotten;
	wait_queue_head_t wait;
};

/**
 * struct vfg_pin - a user buffer pinned and mapped for one job
 * @pages: the pinned pages
 * @npages: how many
 * @sgt: their scatter list, DMA mapped
 * @dir: DMA direction
 * @segs: the DMA pieces of the buffer, in order
 * @nsegs: how many
 */
struct vfg_pin {
	struct page **pages;
	unsigned int npages;
	struct sg_table sgt;
	enum dma_data_direction dir;
	struct vfg_seg *segs;
	unsigned int nsegs;
};

/**
 * struct vfg_job - a batch in flight
 * @node: on vfg_queue.jobs
 * @ctx: the submitting context (a reference is held)
 * @internal: submitted by the driver for @ctx (zeroing its new memory):
 *            no fence, and the context's fences do not see it finish
 * @fence: the job's fence in @ctx
 * @start: ring position of its first descriptor
 * @descs: its descriptors, kept to write them again after a queue reset
 * @ndesc: how many
 * @pins: user buffers, @npins of them
 * @npins: see @pins
 * @allocs: allocations the job uses (references held), @nallocs of them
 * @nallocs: see @allocs
 */
struct vfg_job {
	struct list_head node;
	struct vfg_ctx *ctx;
	bool internal;
	u64 fence;
	u32 start;
	struct vaccel_desc *descs;
	unsigned int ndesc;
	struct vfg_pin *pins;
	unsigned int npins;
	struct vfg_alloc **allocs;
	unsigned int nallocs;
};

/* pci.c */
void vfg_dev_release_id(struct vfg_dev *vf);

/* queue.c */
int vfg_queue_init(struct vfg_dev *vf, struct vfg_queue *q, unsigned int idx);
void vfg_queue_start(struct vfg_queue *q);
void vfg_queue_stop(struct vfg_queue *q, int status, bool gone);
s64 vfg_queue_submit(struct vfg_queue *q, struct vfg_job *job, bool nonblock);
void vfg_queue_complete(struct vfg_queue *q);
void vfg_queue_recover(struct vfg_queue *q);

/* cdev.c */
void vfg_job_finish(struct vfg_job *job, int status, u32 hw_error,
		    u32 op_index);
extern const struct file_operations vfg_fops;
void vfg_dev_put(struct vfg_dev *vf);
void vfg_alloc_put(struct vfg_alloc *a);

#endif /* _VACCEL_VFG_H */
