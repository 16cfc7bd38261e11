// SPDX-License-Identifier: GPL-2.0
/*
 * The fake IOVA space of the vaccel KUnit suites (fake_iova.h).
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mutex.h>
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

static int fake_pin(struct vfio_device *vdev, dma_addr_t iova, int npage,
		    int prot, struct page **pages)
{
	unsigned int pg;
	int i;

	mutex_lock(&fake->lock);
	for (i = 0; i < npage; i++)
		if (!fake_index(iova + (u64)i * PAGE_SIZE, &pg) ||
		    !fake->mapped[pg])
			goto out;
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

	mutex_lock(&fake->lock);
	for (i = 0; i < npage; i++)
		if (fake_index(iova + (u64)i * PAGE_SIZE, &pg))
			fake->pins[pg]--;
	mutex_unlock(&fake->lock);
}

/* Like vfio_dma_rw(): the whole range must be mapped, under the lock. */
static int fake_rw(struct vfio_device *vdev, dma_addr_t iova, void *data,
		   size_t len, bool write)
{
	size_t done = 0, n;
	unsigned int pg;
	void *va;
	int ret = 0;

	mutex_lock(&fake->lock);
	while (done < len) {
		if (!fake_index(iova + done, &pg) || !fake->mapped[pg]) {
			fake->faults++;
			ret = -EINVAL;
			break;
		}
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
	mutex_unlock(&fake->lock);
	return ret;
}

const struct vaccel_dma_ops vkt_fake_dma = {
	.pin = fake_pin,
	.unpin = fake_unpin,
	.rw = fake_rw,
};

/**
 * vkt_fake_put() - copy data into the fake IOVA space, as the guest does
 * @iova: where to; the range must be mapped, or the kernel log WARNs
 * @buf: the data
 * @len: its bytes
 */
void vkt_fake_put(u64 iova, const void *buf, size_t len)
{
	WARN_ON(fake_rw(NULL, iova, (void *)buf, len, true));
}

/**
 * vkt_fake_get() - copy data out of the fake IOVA space, as the guest does
 * @iova: where from; the range must be mapped, or the kernel log WARNs
 * @buf: where to
 * @len: bytes
 */
void vkt_fake_get(u64 iova, void *buf, size_t len)
{
	WARN_ON(fake_rw(NULL, iova, buf, len, false));
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
 * vkt_fake_iova_faults() - reads and writes that failed since vkt_fake_iova_init()
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
