// SPDX-License-Identifier: GPL-2.0
/*
 * The fake IOVA space of the vaccel KUnit suites (fake_iova.h), with the
 * locking of the VFIO type1 backend of Linux 6.1 that vaccel meets:
 *
 *  - iommu->lock (fake->lock here) is taken by vfio_pin_pages() and
 *    vfio_unpin_pages(), and held while a pin faults the pages in;
 *  - vfio_dma_do_unmap() holds it, and while pins remain in the range
 *    it takes device_list_lock, drops iommu->lock, calls every device's
 *    dma_unmap callback, drops device_list_lock, takes iommu->lock again
 *    and looks again: the eleventh look that still finds pins of the
 *    same mapping is BUG_ON(++retries > 10) (vkt_fake_unmap());
 *  - a device joining the container takes iommu->lock then
 *    device_list_lock (vkt_fake_register()).
 *
 * type1 itself orders the two both ways: device_list_lock before
 * iommu->lock when the callback unpins, as type1 requires it to, and
 * iommu->lock before device_list_lock everywhere else.  That inversion is
 * type1's and every driver that pins has it; the model takes iommu->lock
 * in a separate lockdep subclass when the callback's task unpins, so that
 * lockdep reports only the cycles that vaccel's own locks would add.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "vaccel.h"
#include "fake_iova.h"

/* The suite's IOVA space; cases run one at a time. */
static struct fake_iova *fake;

static bool fake_index(u64 iova, unsigned int *pg)
{
	if (iova < FAKE_BASE || iova >= FAKE_IOVA(FAKE_PAGES))
		return false;
	*pg = (iova - FAKE_BASE) >> PAGE_SHIFT;
	return true;
}

/* iommu->lock, from the dma_unmap callback in its own subclass. */
static void fake_lock(void)
{
	mutex_lock_nested(&fake->lock, fake->notifier == current ? 1 : 0);
}

/*
 * A pin of a stalled page waits, holding iommu->lock as GUP does while it
 * faults, until the case lets it go (vkt_fake_stall()).
 */
static void fake_pin_stall(unsigned int pg)
{
	if (!fake->stalled[pg])
		return;
	fake->stall_waits++;
	wait_for_completion_timeout(&fake->stall_done, 20 * HZ);
}

static int fake_pin(struct vfio_device *vdev, dma_addr_t iova, int npage,
		    int prot, struct page **pages)
{
	unsigned int pg;
	int i;

	fake_lock();
	for (i = 0; i < npage; i++) {
		if (!fake_index(iova + (u64)i * PAGE_SIZE, &pg) ||
		    !fake->mapped[pg]) {
			fake->faults++;
			goto out;
		}
		fake_pin_stall(pg);
	}
	for (i = 0; i < npage; i++) {
		fake_index(iova + (u64)i * PAGE_SIZE, &pg);
		fake->pins[pg]++;
		pages[i] = fake->page[pg];
	}
out:
	mutex_unlock(&fake->lock);
	return i == npage ? npage : -EINVAL;
}

static void fake_unpin(struct vfio_device *vdev, dma_addr_t iova, int npage)
{
	unsigned int pg;
	int i;

	fake_lock();
	for (i = 0; i < npage; i++)
		if (fake_index(iova + (u64)i * PAGE_SIZE, &pg))
			fake->pins[pg]--;
	mutex_unlock(&fake->lock);
}

/*
 * The guest's own access to its memory (its CPU, not the device): no
 * type1 lock, no pin; the range must be mapped.
 */
static int fake_rw(u64 iova, void *data, size_t len, bool write)
{
	size_t done = 0, n;
	unsigned int pg;
	void *va;

	while (done < len) {
		if (!fake_index(iova + done, &pg) || !READ_ONCE(fake->mapped[pg]))
			return -EINVAL;
		n = min_t(size_t, len - done,
			  PAGE_SIZE - offset_in_page(iova + done));
		va = kmap_local_page(fake->page[pg]);
		if (write)
			memcpy(va + offset_in_page(iova + done), data + done, n);
		else
			memcpy(data + done, va + offset_in_page(iova + done), n);
		kunmap_local(va);
		done += n;
	}
	return 0;
}

const struct vaccel_dma_ops vkt_fake_dma = {
	.pin = fake_pin,
	.unpin = fake_unpin,
};

static int fake_pins_in(unsigned int pg, unsigned int n)
{
	int pins = 0;

	lockdep_assert_held(&fake->lock);
	while (n--)
		pins += fake->pins[pg++];
	return pins;
}

/**
 * vkt_fake_unmap() - VFIO_IOMMU_UNMAP_DMA of pages, as type1 does it
 * @inst: the instance whose dma_unmap callback type1 calls
 * @pg: first page
 * @n: pages
 *
 * vfio_dma_do_unmap() of Linux 6.1 for one mapping: while pins remain in
 * the range, the callback with device_list_lock held and iommu->lock
 * dropped, then a new look under iommu->lock; the eleventh look that
 * still finds pins is where type1 BUGs, which the model counts
 * (vkt_fake_bugs()) before it gives up.  Between the callback and the
 * new look it sleeps for the delay vkt_fake_set_notify_delay() set: a
 * busy host, which gives other threads time to pin.
 *
 * Return: the retries it took (0: the first callback left no pins).
 */
int vkt_fake_unmap(struct vaccel_instance *inst, unsigned int pg,
		   unsigned int n)
{
	int retries = 0;

	mutex_lock(&fake->lock);
	while (fake_pins_in(pg, n)) {
		if (++retries > 10) {
			fake->bugs++;
			mutex_unlock(&fake->lock);
			return retries;
		}
		mutex_lock(&fake->list_lock);
		mutex_unlock(&fake->lock);
		fake->notifier = current;
		vaccel_dma_unmap(inst, FAKE_IOVA(pg), (u64)n * PAGE_SIZE);
		fake->notifier = NULL;
		mutex_unlock(&fake->list_lock);
		if (fake->notify_delay_us)
			usleep_range(fake->notify_delay_us,
				     fake->notify_delay_us + 100);
		mutex_lock(&fake->lock);
	}
	while (n--)
		fake->mapped[pg++] = false;
	mutex_unlock(&fake->lock);
	return retries;
}

/**
 * vkt_fake_map() - VFIO_IOMMU_MAP_DMA of pages unmapped before
 * @pg: first page
 * @n: pages
 */
void vkt_fake_map(unsigned int pg, unsigned int n)
{
	vkt_fake_set_mapped(pg, n, true);
}

/**
 * vkt_fake_register() - a device joins the container, as type1 does it
 *
 * iommu->lock, then device_list_lock: the order the model's unmap uses
 * too, recorded for lockdep.
 */
void vkt_fake_register(void)
{
	mutex_lock(&fake->lock);
	mutex_lock(&fake->list_lock);
	mutex_unlock(&fake->list_lock);
	mutex_unlock(&fake->lock);
}

/**
 * vkt_fake_set_notify_delay() - how long the model's unmap sleeps between
 * a callback and its new look
 * @us: microseconds, 0 for none
 */
void vkt_fake_set_notify_delay(unsigned long us)
{
	fake->notify_delay_us = us;
}

/**
 * vkt_fake_bugs() - unmaps on which type1 would have BUGged
 *
 * Return: their number.
 */
unsigned int vkt_fake_bugs(void)
{
	return READ_ONCE(fake->bugs);
}

/**
 * vkt_fake_stall() - make pins of a page wait, as memory that does not
 * fault in
 * @pg: the page
 *
 * A pin of it waits (holding the model's iommu->lock, as GUP holds
 * type1's) until vkt_fake_unstall(), or 20 s.
 */
void vkt_fake_stall(unsigned int pg)
{
	mutex_lock(&fake->lock);
	fake->stalled[pg] = true;
	mutex_unlock(&fake->lock);
}

/**
 * vkt_fake_unstall() - let every stalled pin go on, and stall no more
 */
void vkt_fake_unstall(void)
{
	complete_all(&fake->stall_done);
	mutex_lock(&fake->lock);
	memset(fake->stalled, 0, sizeof(fake->stalled));
	mutex_unlock(&fake->lock);
}

/**
 * vkt_fake_stall_waits() - pins that waited on a stalled page
 *
 * Return: their number.
 */
unsigned int vkt_fake_stall_waits(void)
{
	return READ_ONCE(fake->stall_waits);
}

/**
 * vkt_fake_put() - copy data into the fake IOVA space, as the guest does
 * @iova: where to; the range must be mapped, or the kernel log WARNs
 * @buf: the data
 * @len: its bytes
 */
void vkt_fake_put(u64 iova, const void *buf, size_t len)
{
	WARN_ON(fake_rw(iova, (void *)buf, len, true));
}

/**
 * vkt_fake_get() - copy data out of the fake IOVA space, as the guest does
 * @iova: where from; the range must be mapped, or the kernel log WARNs
 * @buf: where to
 * @len: bytes
 */
void vkt_fake_get(u64 iova, void *buf, size_t len)
{
	WARN_ON(fake_rw(iova, buf, len, false));
}

/**
 * vkt_fake_set_mapped() - unmap or map again pages of the fake IOVA space
 * @pg: the first page
 * @n: pages
 * @mapped: map them, else unmap them
 *
 * Pins already taken stay; new pins and accesses of an unmapped page fail.
 */
void vkt_fake_set_mapped(unsigned int pg, unsigned int n, bool mapped)
{
	mutex_lock(&fake->lock);
	while (n--)
		fake->mapped[pg++] = mapped;
	mutex_unlock(&fake->lock);
}

/**
 * vkt_fake_pins_total() - pins of all pages not yet unpinned
 *
 * Return: their number.
 */
int vkt_fake_pins_total(void)
{
	int i, n = 0;

	mutex_lock(&fake->lock);
	for (i = 0; i < FAKE_PAGES; i++)
		n += fake->pins[i];
	mutex_unlock(&fake->lock);
	return n;
}

/**
 * vkt_fake_iova_init() - a fresh fake IOVA space, every page mapped and zeroed
 * @test: the case; a failure aborts it
 */
void vkt_fake_iova_init(struct kunit *test)
{
	unsigned int i;

	fake = kunit_kzalloc(test, sizeof(*fake), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fake);
	mutex_init(&fake->lock);
	mutex_init(&fake->list_lock);
	init_completion(&fake->stall_done);
	for (i = 0; i < FAKE_PAGES; i++) {
		fake->page[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, fake->page[i]);
		fake->mapped[i] = true;
	}
}

/**
 * vkt_fake_iova_exit() - free the fake IOVA space
 * @test: the case, failed if some page is still pinned
 *
 * Call it when nothing uses the fake any more, even if vkt_fake_iova_init()
 * failed.
 */
void vkt_fake_iova_exit(struct kunit *test)
{
	unsigned int i;

	if (!fake)
		return;
	KUNIT_EXPECT_EQ_MSG(test, vkt_fake_pins_total(), 0,
			    "pages still pinned after the instances went");
	for (i = 0; i < FAKE_PAGES; i++)
		if (fake->page[i])
			__free_page(fake->page[i]);
	fake = NULL;
}

/**
 * vkt_fake_iova_faults() - pins that failed since vkt_fake_iova_init()
 *
 * Return: their number.
 */
unsigned int vkt_fake_iova_faults(void)
{
	unsigned int n;

	mutex_lock(&fake->lock);
	n = fake->faults;
	mutex_unlock(&fake->lock);
	return n;
}
