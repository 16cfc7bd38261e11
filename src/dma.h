/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory of an instance (dma.c): the pages of its IOVA space that
 * the engines may touch, pinned ahead of time by the instance's own
 * worker, and taken away again when the VFIO user unmaps them.
 *
 * The engines never call into VFIO and never fault: an access to a page
 * that is not resident stops the chunk (VACCEL_EXEC_FAULT) and parks the
 * queue until the instance's worker has pinned what the command's next
 * chunks need.  Pinning runs the tenant's page faults in that worker, so
 * slow or absent memory costs the tenant alone.  The locks are in the DOC
 * block "Locking" of vaccel.h.
 */
#ifndef _VACCEL_DMA_H
#define _VACCEL_DMA_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct page;
struct vaccel_instance;
struct vaccel_job;
struct vaccel_queue;

/*
 * Guest pages an instance may hold pinned for its commands' operands.  One
 * chunk needs at most 2 * VACCEL_GEMM_MAX_DIM + 4 pages (a GEMM chunk
 * reads a few columns of every row of B), so each of the four queues of
 * an instance can have a chunk's pages resident at once.
 */
#define VACCEL_DMA_MAX_PAGES	8192
#define VACCEL_DMA_HASH_BITS	11
/* vfio_pin_pages() takes at most this many pages per call. */
#define VACCEL_DMA_PIN_BATCH	512
/* Unmaps remembered, and for how long pins inside them are refused. */
#define VACCEL_DMA_INVALS	8
#define VACCEL_DMA_INVAL_NS	(100 * NSEC_PER_MSEC)

/**
 * struct vaccel_dma_page - one pinned guest page
 * @hnode: entry in the hash of resident pages, by @pfn
 * @lru: entry in the resident pages, least recently needed first; or in
 *	the free entries
 * @pfn: IOVA >> PAGE_SHIFT
 * @page: the page
 * @pins: vfio_pin_pages() calls that pinned it: 1, or 2 once a page pinned
 *	for reading was pinned again for writing
 * @writable: pinned with IOMMU_WRITE
 * @stamp: the worker's pass that last needed it (never evicted by it)
 */
struct vaccel_dma_page {
	struct hlist_node hnode;
	struct list_head lru;
	unsigned long pfn;
	struct page *page;
	u8 pins;
	bool writable;
	unsigned int stamp;
	struct page **pin_pages;
};

/**
 * struct vaccel_dma_inval - an unmap in progress
 * @first: first byte of the range
 * @last: last byte of the range
 * @until: ktime_get_ns() up to which pins inside it are refused
 */
struct vaccel_dma_inval {
	u64 first;
	u64 last;
	u64 until;
};

/**
 * struct vaccel_dma_stats - what the guest-memory layer did, for the host
 * @resident: operand pages pinned now (filled by vaccel_dma_get_stats())
 * @pins: pages pinned for operands
 * @faults: chunks stopped for a page that was not resident
 * @evictions: pages unpinned to make room
 * @invalidated: pages (operands, rings, writebacks) unpinned for an unmap
 * @refused: pins refused inside a range being unmapped
 */
struct vaccel_dma_stats {
	u64 resident;
	u64 pins;
	u64 faults;
	u64 evictions;
	u64 invalidated;
	u64 refused;
};

/**
 * struct vaccel_dma - an instance's guest memory, as the engines see it
 * @lock: protects everything below up to @stats, and the ring and
 *	writeback pages of the instance's queues (struct vaccel_queue:
 *	ring_pages, nr_ring_pages, pin_ring, wb_page, pin_wb) against
 *	the unmap callback; an engine holds it while it copies one piece
 *	(at most a few KiB) to or from guest memory
 * @hash: the resident pages, by pfn
 * @lru: the resident pages, least recently needed first
 * @free: unused entries of @pool
 * @pool: VACCEL_DMA_MAX_PAGES entries, allocated with the instance
 * @nr: resident pages
 * @inval: the last unmaps, a ring; see vaccel_dma_pin()
 * @inval_next: next slot of @inval to use
 * @pinning: a pin is in flight (between vaccel_dma_pin()'s check and its
 *	end)
 * @pin_gen: pins started so far
 * @unpinning: pages taken away under @lock whose unpin has not ended
 *	yet (evictions, a queue's stop); the unmap callback waits for them
 * @stats: counters
 * @pin_mutex: serialises the instance's pins; never taken by the unmap
 *	callback, so it may be held across vfio_pin_pages()
 * @pin_wq: the unmap callback waits here for the pin in flight
 * @work: the instance's worker: pins for parked queues, delivers
 *	interrupts the engines could not
 * @stamp: the worker's current pass; under @pin_mutex
 * @pin_pages: room for the pages of one vfio_pin_pages() call; under
 *	@pin_mutex
 */
struct vaccel_dma {
	spinlock_t lock;		/* the fields up to stats, rings */
	DECLARE_HASHTABLE(hash, VACCEL_DMA_HASH_BITS);
	struct list_head lru;
	struct list_head free;
	struct vaccel_dma_page *pool;
	unsigned int nr;
	struct vaccel_dma_inval inval[VACCEL_DMA_INVALS];
	unsigned int inval_next;
	bool pinning;
	u64 pin_gen;
	unsigned int unpinning;
	struct vaccel_dma_stats stats;

	struct mutex pin_mutex;		/* pins, stamp */
	wait_queue_head_t pin_wq;
	struct work_struct work;
	unsigned int stamp;
	struct page **pin_pages;
};

int vaccel_dma_init(struct vaccel_instance *inst);
void vaccel_dma_fini(struct vaccel_instance *inst);
void vaccel_dma_release_all(struct vaccel_instance *inst);
void vaccel_dma_kick(struct vaccel_instance *inst);
int vaccel_dma_rw(struct vaccel_dma *dma, u64 iova, void *buf, size_t len,
		  bool write);
int vaccel_dma_pin(struct vaccel_instance *inst, u64 iova, int npage,
		   int prot, struct page **pages, unsigned int *nr_pages,
		   u64 *pinned_iova);
int vaccel_dma_need_job(struct vaccel_instance *inst,
			const struct vaccel_job *job, struct vaccel_queue *q,
			unsigned int epoch);
void vaccel_dma_unmap(struct vaccel_instance *inst, u64 iova, u64 length);
void vaccel_dma_unpin_done(struct vaccel_dma *dma, unsigned int n);
void vaccel_dma_get_stats(struct vaccel_dma *dma,
			  struct vaccel_dma_stats *st);

#endif /* _VACCEL_DMA_H */
