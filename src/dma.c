// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory of an instance: which of its pages the engines may touch,
 * and who pins them.
 *
 * The engines reach a tenant's memory only through pages pinned
 * beforehand (vaccel_dma_rw()): a copy of at most a few KiB under a
 * spinlock, which cannot fault and calls nothing in VFIO.  A chunk that
 * meets a page that is not resident stops after its last whole piece
 * (VACCEL_EXEC_FAULT); the queue is parked and the instance's worker pins
 * what the command's next chunks need (vaccel_dma_need_job()), then lets
 * the queue run again.  vfio_pin_pages() runs the tenant's page faults in
 * that worker: swap, a slow file, or memory that userfaultfd never fills
 * (GUP fails those at once) delay or fail the tenant's own command and
 * nothing else.
 *
 * The resident pages are a cache of at most VACCEL_DMA_MAX_PAGES, evicted
 * least recently needed first; the rings and writebacks of enabled queues
 * are pinned beside it, by the enable.
 *
 * Unmap (vaccel_dma_unmap(), the VFIO dma_unmap callback) never waits for
 * an engine's chunk: it takes the spinlock, which an engine holds for one
 * piece, detaches every page in the range and unpins them.  The type1
 * backend retries an unmap while pins remain in the range and BUGs after
 * ten retries, so no pin may appear in the range until type1 has removed
 * it: each unmap is remembered for VACCEL_DMA_INVAL_NS, pins inside a
 * remembered range are refused, and a pin already in flight when the
 * unmap came is waited for and undone by its own caller
 * (vaccel_dma_pin_run()).
 */

#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "vaccel.h"
#include "dma.h"
#include "exec.h"
#include "queue.h"

/**
 * vaccel_dma_init() - an instance's guest memory, nothing resident
 * @inst: a new instance
 *
 * Return: 0 or -ENOMEM.
 */
int vaccel_dma_init(struct vaccel_instance *inst)
{
	struct vaccel_dma *dma = &inst->dma;
	unsigned int i;

	spin_lock_init(&dma->lock);
	hash_init(dma->hash);
	INIT_LIST_HEAD(&dma->lru);
	INIT_LIST_HEAD(&dma->free);
	mutex_init(&dma->pin_mutex);
	init_waitqueue_head(&dma->pin_wq);
	dma->pool = kvcalloc(VACCEL_DMA_MAX_PAGES, sizeof(*dma->pool),
			     GFP_KERNEL);
	dma->pin_pages = kvcalloc(VACCEL_DMA_PIN_BATCH,
				  sizeof(*dma->pin_pages), GFP_KERNEL);
	if (!dma->pool || !dma->pin_pages) {
		vaccel_dma_fini(inst);
		return -ENOMEM;
	}
	for (i = 0; i < VACCEL_DMA_MAX_PAGES; i++)
		list_add_tail(&dma->pool[i].lru, &dma->free);
	return 0;
}

/**
 * vaccel_dma_fini() - undo vaccel_dma_init()
 * @inst: the instance, being freed; nothing resident (its device was
 *	closed, vaccel_dma_release_all())
 */
void vaccel_dma_fini(struct vaccel_instance *inst)
{
	struct vaccel_dma *dma = &inst->dma;

	WARN_ON_ONCE(dma->nr);
	kvfree(dma->pin_pages);
	kvfree(dma->pool);
	dma->pin_pages = NULL;
	dma->pool = NULL;
	mutex_destroy(&dma->pin_mutex);
}

static struct vaccel_dma_page *vaccel_dma_find(struct vaccel_dma *dma,
					       unsigned long pfn)
{
	struct vaccel_dma_page *p;

	lockdep_assert_held(&dma->lock);
	hash_for_each_possible(dma->hash, p, hnode, pfn)
		if (p->pfn == pfn)
			return p;
	return NULL;
}

/**
 * vaccel_dma_rw() - an engine's access to guest memory
 * @dma: the instance's guest memory
 * @iova: where; [@iova, @iova + @len) does not wrap (vaccel_desc_check())
 * @buf: kernel buffer
 * @len: bytes, a piece of a chunk (a few KiB)
 * @write: to guest memory
 *
 * Copies under @dma->lock, so an unmap waits for at most this copy, and
 * once it returns no engine touches the range.
 *
 * Context: any; takes @dma->lock.
 * Return: 0, or -EAGAIN when a page of the range is not resident (or not
 * writable for a write): the caller parks the queue for the worker.
 */
int vaccel_dma_rw(struct vaccel_dma *dma, u64 iova, void *buf, size_t len,
		  bool write)
{
	struct vaccel_dma_page *p;
	size_t done = 0, n;
	void *va;
	int ret = 0;

	spin_lock(&dma->lock);
	while (done < len) {
		p = vaccel_dma_find(dma, (iova + done) >> PAGE_SHIFT);
		if (!p || (write && !p->writable)) {
			dma->stats.faults++;
			ret = -EAGAIN;
			break;
		}
		n = min_t(size_t, len - done,
			  PAGE_SIZE - offset_in_page(iova + done));
		va = kmap_local_page(p->page);
		if (write)
			memcpy(va + offset_in_page(iova + done), buf + done, n);
		else
			memcpy(buf + done, va + offset_in_page(iova + done), n);
		kunmap_local(va);
		done += n;
	}
	spin_unlock(&dma->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_dma_rw);

/* Is a pin of [first, last] refused: an unmap of it is in progress? */
static bool vaccel_dma_invalidating(struct vaccel_dma *dma, u64 first,
				    u64 last, u64 now)
{
	unsigned int i;

	lockdep_assert_held(&dma->lock);
	for (i = 0; i < VACCEL_DMA_INVALS; i++) {
		struct vaccel_dma_inval *v = &dma->inval[i];

		if (v->until > now && v->first <= last && first <= v->last)
			return true;
	}
	return false;
}

typedef void (*vaccel_dma_install_t)(struct vaccel_dma *dma, u64 iova,
				     int npage, int prot,
				     struct page **pages, void *arg);

/*
 * Pin @npage pages from @iova (page aligned) and hand them to @install
 * under dma->lock, or refuse (-EBUSY) when an unmap of any of them is in
 * progress.
 *
 * The unmap callback remembers the range, then waits for the pin in
 * flight (dma->pinning, pin_gen); this pin, when it finds that an unmap
 * of its range came while it was in vfio_pin_pages(), unpins before it
 * lets the callback go on.  So when the callback returns, no pin of
 * ours is left in the range, and none can start in it before the range
 * is forgotten (VACCEL_DMA_INVAL_NS later), long after type1 has removed
 * it.
 *
 * Context: dma->pin_mutex held; no lock that the unmap callback takes.
 * Return: 0, -EBUSY, or the error of the pin (-EINVAL and others: not
 * mapped, or not with @prot).
 */
static int vaccel_dma_pin_run(struct vaccel_instance *inst, u64 iova,
			      int npage, int prot, struct page **pages,
			      vaccel_dma_install_t install, void *arg)
{
	struct vaccel_dma *dma = &inst->dma;
	u64 last = iova + ((u64)npage << PAGE_SHIFT) - 1;
	u64 start = ktime_get_ns();
	bool ok;
	int ret;

	lockdep_assert_held(&dma->pin_mutex);
	spin_lock(&dma->lock);
	if (vaccel_dma_invalidating(dma, iova, last, start)) {
		dma->stats.refused++;
		spin_unlock(&dma->lock);
		return -EBUSY;
	}
	dma->pinning = true;
	dma->pin_gen++;
	spin_unlock(&dma->lock);

	ret = inst->dma_ops->pin(&inst->vdev, iova, npage, prot, pages);
	if (ret != npage) {
		/* A partial pin is undone by vfio_pin_pages() itself. */
		ok = false;
		ret = ret < 0 ? ret : -EFAULT;
	} else {
		ret = 0;
		spin_lock(&dma->lock);
		/* An unmap that came meanwhile is remembered past start. */
		ok = !vaccel_dma_invalidating(dma, iova, last, start);
		if (ok) {
			install(dma, iova, npage, prot, pages, arg);
			dma->pinning = false;
		} else {
			dma->stats.refused++;
		}
		spin_unlock(&dma->lock);
		if (!ok) {
			inst->dma_ops->unpin(&inst->vdev, iova, npage);
			ret = -EBUSY;
		}
	}
	if (!ok) {
		spin_lock(&dma->lock);
		dma->pinning = false;
		spin_unlock(&dma->lock);
	}
	wake_up_all(&dma->pin_wq);
	return ret;
}

/* A queue's ring or writeback: copy the pages where the queue keeps them. */
struct vaccel_dma_ring_dst {
	struct page **pages;
	unsigned int *nr_pages;
	u64 *pinned_iova;
};

static void vaccel_dma_install_ring(struct vaccel_dma *dma, u64 iova,
				    int npage, int prot, struct page **pages,
				    void *arg)
{
	struct vaccel_dma_ring_dst *dst = arg;

	memcpy(dst->pages, pages, npage * sizeof(*pages));
	*dst->nr_pages = npage;
	*dst->pinned_iova = iova;
}

/**
 * vaccel_dma_pin() - pin a queue's ring or writeback
 * @inst: the instance
 * @iova: first page, page aligned
 * @npage: pages, at most VACCEL_DMA_PIN_BATCH
 * @prot: IOMMU_READ, IOMMU_WRITE
 * @pages: where the queue keeps the pages, read under dma->lock
 * @nr_pages: set to @npage under dma->lock once @pages is filled
 * @pinned_iova: set to @iova then
 *
 * The queue's enable, holding its locks: none of them is one the unmap
 * callback takes.  The pages are unpinned by the queue (on a stop) or by
 * vaccel_dma_unmap(), whichever detaches them first under dma->lock.
 *
 * Return: 0; -EBUSY when the range is being unmapped (the enable is
 * refused); or the pin's error (not mapped).
 */
int vaccel_dma_pin(struct vaccel_instance *inst, u64 iova, int npage,
		   int prot, struct page **pages, unsigned int *nr_pages,
		   u64 *pinned_iova)
{
	struct vaccel_dma *dma = &inst->dma;
	struct vaccel_dma_ring_dst dst = {
		.pages = pages,
		.nr_pages = nr_pages,
		.pinned_iova = pinned_iova,
	};
	int ret;

	if (WARN_ON_ONCE(npage < 1 || npage > VACCEL_DMA_PIN_BATCH))
		return -EINVAL;
	mutex_lock(&dma->pin_mutex);
	ret = vaccel_dma_pin_run(inst, iova, npage, prot, dma->pin_pages,
				 vaccel_dma_install_ring, &dst);
	mutex_unlock(&dma->pin_mutex);
	return ret;
}

/* Unpin entries taken off the hash, and give them back to the pool. */
static void vaccel_dma_put_pages(struct vaccel_instance *inst,
				 struct list_head *list)
{
	struct vaccel_dma *dma = &inst->dma;
	struct vaccel_dma_page *p;
	unsigned int i;

	unsigned int n = 0;

	if (list_empty(list))
		return;
	list_for_each_entry(p, list, lru) {
		for (i = 0; i < p->pins; i++)
			inst->dma_ops->unpin(&inst->vdev,
					 (u64)p->pfn << PAGE_SHIFT, 1);
		n++;
	}
	spin_lock(&dma->lock);
	list_splice_tail_init(list, &dma->free);
	spin_unlock(&dma->lock);
	vaccel_dma_unpin_done(dma, n);
}

/**
 * vaccel_dma_unpin_done() - pages taken away under dma->lock are unpinned
 * @dma: the instance's guest memory
 * @n: how many; each was counted in @dma->unpinning when it was taken
 *
 * The unmap callback may be waiting for them: type1 looks at its pins
 * again as soon as the callback returns, and BUGs after ten looks that
 * still find some (e2e 33 hit it when a queue's stop had taken its ring
 * but not yet unpinned it, and the callback, finding nothing, returned).
 */
void vaccel_dma_unpin_done(struct vaccel_dma *dma, unsigned int n)
{
	if (!n)
		return;
	spin_lock(&dma->lock);
	dma->unpinning -= n;
	spin_unlock(&dma->lock);
	wake_up_all(&dma->pin_wq);
}

static void vaccel_dma_take_locked(struct vaccel_dma *dma,
				   struct vaccel_dma_page *p,
				   struct list_head *list)
{
	lockdep_assert_held(&dma->lock);
	hash_del(&p->hnode);
	list_move_tail(&p->lru, list);
	dma->nr--;
	dma->unpinning++;
}

/* Operand pages: new entries for them, or a second, writable pin. */
static void vaccel_dma_install_cache(struct vaccel_dma *dma, u64 iova,
				     int npage, int prot,
				     struct page **pages, void *arg)
{
	unsigned int stamp = *(unsigned int *)arg;
	struct vaccel_dma_page *p;
	unsigned long pfn;
	int i;

	lockdep_assert_held(&dma->lock);
	for (i = 0; i < npage; i++) {
		pfn = (iova >> PAGE_SHIFT) + i;
		p = vaccel_dma_find(dma, pfn);
		if (!p) {
			/* vaccel_dma_make_room() left room for them. */
			p = list_first_entry(&dma->free,
					     struct vaccel_dma_page, lru);
			p->pfn = pfn;
			p->page = pages[i];
			p->pins = 0;
			p->writable = false;
			hash_add(dma->hash, &p->hnode, pfn);
			dma->nr++;
		}
		p->pins++;
		p->writable |= !!(prot & IOMMU_WRITE);
		p->stamp = stamp;
		list_move_tail(&p->lru, &dma->lru);
		dma->stats.pins++;
	}
}

/*
 * Make room for @n more resident pages by evicting those that the current
 * pass (@stamp) does not need, least recently needed first.
 * Return: true when there is room.
 */
static bool vaccel_dma_make_room(struct vaccel_instance *inst,
				 unsigned int n, unsigned int stamp,
				 bool evict)
{
	struct vaccel_dma *dma = &inst->dma;
	struct vaccel_dma_page *p, *tmp;
	LIST_HEAD(victims);
	bool room;

	spin_lock(&dma->lock);
	if (evict) {
		list_for_each_entry_safe(p, tmp, &dma->lru, lru) {
			if (VACCEL_DMA_MAX_PAGES - dma->nr >= n)
				break;
			if (p->stamp == stamp)
				continue;
			vaccel_dma_take_locked(dma, p, &victims);
			dma->stats.evictions++;
		}
	}
	room = VACCEL_DMA_MAX_PAGES - dma->nr >= n;
	spin_unlock(&dma->lock);
	vaccel_dma_put_pages(inst, &victims);
	return room;
}

/**
 * struct vaccel_dma_need - one pass of the worker over a job's ranges
 * @inst: the instance
 * @stamp: the pass
 * @evict: pages of earlier passes may be evicted to make room (the
 *	chunk that must run next); otherwise (read ahead) a full cache ends
 *	the pass
 */
struct vaccel_dma_need {
	struct vaccel_instance *inst;
	unsigned int stamp;
	bool evict;
};

/*
 * The pages of [iova, iova + len) resident, writable when @write: the
 * ones already there are marked needed by this pass, the others pinned in
 * runs of consecutive missing pages.
 */
static int vaccel_dma_need_range(void *arg, u64 iova, u64 len, bool write)
{
	struct vaccel_dma_need *need = arg;
	struct vaccel_instance *inst = need->inst;
	struct vaccel_dma *dma = &inst->dma;
	int prot = IOMMU_READ | (write ? IOMMU_WRITE : 0);
	unsigned long pfn = iova >> PAGE_SHIFT;
	unsigned long end = (iova + len - 1) >> PAGE_SHIFT;
	struct vaccel_dma_page *p;
	unsigned int run;
	int ret;

	while (pfn <= end) {
		/* Skip what is there, marking it needed; count a missing run. */
		spin_lock(&dma->lock);
		for (; pfn <= end; pfn++) {
			p = vaccel_dma_find(dma, pfn);
			if (!p || (write && !p->writable))
				break;
			p->stamp = need->stamp;
			list_move_tail(&p->lru, &dma->lru);
		}
		for (run = 0; pfn + run <= end && run < VACCEL_DMA_PIN_BATCH;
		     run++) {
			p = vaccel_dma_find(dma, pfn + run);
			if (p && (!write || p->writable))
				break;
		}
		spin_unlock(&dma->lock);
		if (!run)
			break;
		if (!vaccel_dma_make_room(inst, run, need->stamp, need->evict))
			return -ENOSPC;
		ret = vaccel_dma_pin_run(inst, (u64)pfn << PAGE_SHIFT, run,
					 prot, dma->pin_pages,
					 vaccel_dma_install_cache,
					 &need->stamp);
		if (ret)
			return ret;
		pfn += run;
	}
	return 0;
}

/* Chunks read ahead beyond the one that runs next, room permitting. */
#define VACCEL_DMA_AHEAD	4

/**
 * vaccel_dma_need_job() - pin what a job's next chunks need
 * @inst: the instance
 * @job: the job, as the chunk that faulted left it (a copy)
 * @q: the job's queue
 * @epoch: @q's epoch when the job was copied
 *
 * The next chunk's pages, evicting others if need be; then those of up to
 * VACCEL_DMA_AHEAD more chunks while they fit without evicting, unless
 * the queue was stopped meanwhile (a reset, a close): then nobody needs
 * them, and a close that waits for this worker waits for one chunk's
 * pins at most, not five (a slow file: seconds each).
 *
 * Context: the instance's worker; takes dma->pin_mutex.  May sleep for as
 * long as the tenant's memory takes to fault in.
 * Return: 0; -EBUSY when a range is being unmapped; -ENOSPC (cannot
 * happen with the chunk bounds of exec.h, see VACCEL_DMA_MAX_PAGES); or
 * the pin's error when the memory is not mapped (with the rights needed).
 */
int vaccel_dma_need_job(struct vaccel_instance *inst,
			const struct vaccel_job *job, struct vaccel_queue *q,
			unsigned int epoch)
{
	struct vaccel_dma *dma = &inst->dma;
	struct vaccel_dma_need need = { .inst = inst, .evict = true };
	struct vaccel_job ahead = *job;
	unsigned int i;
	int ret;

	mutex_lock(&dma->pin_mutex);
	need.stamp = ++dma->stamp;
	ret = vaccel_exec_ranges(&ahead, vaccel_dma_need_range, &need);
	need.evict = false;
	for (i = 0; !ret && i < VACCEL_DMA_AHEAD; i++) {
		if (READ_ONCE(q->epoch) != epoch ||
		    !vaccel_exec_skip_chunk(&ahead))
			break;
		/* Read ahead is a bonus: what does not fit waits. */
		if (vaccel_exec_ranges(&ahead, vaccel_dma_need_range, &need))
			break;
	}
	mutex_unlock(&dma->pin_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_dma_need_job);

/* The pin that was in flight at pin_gen @gen is over. */
static bool vaccel_dma_pin_over(struct vaccel_dma *dma, u64 gen)
{
	bool over;

	spin_lock(&dma->lock);
	over = !dma->pinning || dma->pin_gen != gen;
	spin_unlock(&dma->lock);
	return over;
}

/* No page taken away under dma->lock is still waiting for its unpin. */
static bool vaccel_dma_unpins_over(struct vaccel_dma *dma)
{
	bool over;

	spin_lock(&dma->lock);
	over = !dma->unpinning;
	spin_unlock(&dma->lock);
	return over;
}

/* Detach a queue's pinned ring and writeback that lie in [first, last]. */
static bool vaccel_dma_unmap_queue_locked(struct vaccel_queue *q, u64 first,
					  u64 last, struct page **ring,
					  unsigned int *nr_ring, u64 *ring_iova,
					  bool *wb, u64 *wb_iova)
{
	u64 end;
	bool hit = false;

	lockdep_assert_held(&q->inst->dma.lock);
	*nr_ring = 0;
	*wb = false;
	end = q->pin_ring + ((u64)q->nr_ring_pages << PAGE_SHIFT) - 1;
	if (q->nr_ring_pages && q->pin_ring <= last && first <= end) {
		memcpy(ring, q->ring_pages,
		       q->nr_ring_pages * sizeof(*ring));
		*nr_ring = q->nr_ring_pages;
		*ring_iova = q->pin_ring;
		q->nr_ring_pages = 0;
		hit = true;
	}
	if (q->wb_page && q->pin_wb <= last &&
	    first <= q->pin_wb + PAGE_SIZE - 1) {
		*wb = true;
		*wb_iova = q->pin_wb;
		q->wb_page = NULL;
		hit = true;
	}
	return hit;
}

/**
 * vaccel_dma_unmap() - the VFIO user unmaps [@iova, @iova + @length)
 * @inst: the instance (its VFIO device is open)
 * @iova: start of the range
 * @length: its length
 *
 * Every page of the range is unpinned before this returns, as type1
 * requires: operand pages, and the ring and writeback of any queue, which
 * then stops with VACCEL_QERR_RING (vaccel_queue_lost_ring()).  Pins
 * inside the range are refused from now on for VACCEL_DMA_INVAL_NS.
 * Waits for no engine (only for a copy of one piece under dma->lock) and
 * for no vaccel lock.
 *
 * Context: called by type1 with its device_list_lock held; takes
 * dma->lock, and the queues' state_lock and the card's run_lock under it
 * (vaccel_queue_lost_ring()); waits for the pin in flight, if any.
 */
void vaccel_dma_unmap(struct vaccel_instance *inst, u64 iova, u64 length)
{
	struct vaccel_dma *dma = &inst->dma;
	struct page *ring[VACCEL_RING_PAGES];
	struct vaccel_dma_page *p;
	struct hlist_node *tmp;
	unsigned int i, bkt, nr_ring;
	u64 last, gen, ring_iova = 0, wb_iova = 0;
	LIST_HEAD(victims);
	bool wb, hit;

	if (!length)
		return;
	/* A range reaching past 2^64 ends there. */
	if (check_add_overflow(iova, length - 1, &last))
		last = U64_MAX;

	spin_lock(&dma->lock);
	dma->inval[dma->inval_next] = (struct vaccel_dma_inval){
		.first = iova,
		.last = last,
		.until = ktime_get_ns() + VACCEL_DMA_INVAL_NS,
	};
	dma->inval_next = (dma->inval_next + 1) % VACCEL_DMA_INVALS;
	gen = dma->pin_gen;
	spin_unlock(&dma->lock);

	/* The pin in flight sees the range and undoes itself. */
	wait_event(dma->pin_wq, vaccel_dma_pin_over(dma, gen));

	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue *q = &inst->queues[i];

		spin_lock(&dma->lock);
		hit = vaccel_dma_unmap_queue_locked(q, iova, last, ring,
						    &nr_ring, &ring_iova, &wb,
						    &wb_iova);
		if (hit)
			dma->stats.invalidated += nr_ring + wb;
		spin_unlock(&dma->lock);
		if (!hit)
			continue;
		vaccel_queue_lost_ring(q);
		if (nr_ring)
			inst->dma_ops->unpin(&inst->vdev, ring_iova, nr_ring);
		if (wb)
			inst->dma_ops->unpin(&inst->vdev, wb_iova, 1);
	}

	spin_lock(&dma->lock);
	if (dma->nr) {
		hash_for_each_safe(dma->hash, bkt, tmp, p, hnode) {
			u64 pa = (u64)p->pfn << PAGE_SHIFT;

			if (pa <= last && iova <= pa + PAGE_SIZE - 1) {
				vaccel_dma_take_locked(dma, p, &victims);
				dma->stats.invalidated++;
			}
		}
	}
	spin_unlock(&dma->lock);
	vaccel_dma_put_pages(inst, &victims);

	/* Pages others took away, in the range or not, are unpinned. */
	wait_event(dma->pin_wq, vaccel_dma_unpins_over(dma));
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_dma_unmap);

/**
 * vaccel_dma_release_all() - unpin every operand page of an instance
 * @inst: the instance, whose queues are stopped (their rings unpinned)
 *	and whose worker is not running (the device was closed)
 */
void vaccel_dma_release_all(struct vaccel_instance *inst)
{
	struct vaccel_dma *dma = &inst->dma;
	struct vaccel_dma_page *p, *tmp;
	LIST_HEAD(victims);

	spin_lock(&dma->lock);
	list_for_each_entry_safe(p, tmp, &dma->lru, lru)
		vaccel_dma_take_locked(dma, p, &victims);
	spin_unlock(&dma->lock);
	vaccel_dma_put_pages(inst, &victims);
}

/**
 * vaccel_dma_kick() - let the instance's worker look at its queues
 * @inst: the instance
 */
void vaccel_dma_kick(struct vaccel_instance *inst)
{
	queue_work(system_unbound_wq, &inst->dma.work);
}

/**
 * vaccel_dma_get_stats() - the counters of an instance's guest memory
 * @dma: the instance's guest memory
 * @st: filled
 */
void vaccel_dma_get_stats(struct vaccel_dma *dma, struct vaccel_dma_stats *st)
{
	spin_lock(&dma->lock);
	*st = dma->stats;
	st->resident = dma->nr;
	spin_unlock(&dma->lock);
}
