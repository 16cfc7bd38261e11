/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake IOVA space of the vaccel KUnit suites (fake_iova.c): guest
 * memory for an instance, behind the struct vaccel_dma_ops that the VFIO
 * layer otherwise provides (vfio_pin_pages(), vfio_unpin_pages(),
 * vfio_dma_rw()).
 *
 * FAKE_PAGES zeroed pages are mapped from IOVA FAKE_BASE; FAKE_IOVA(pg)
 * is the IOVA of page pg.  A suite calls vkt_fake_iova_init() in its init
 * and vkt_fake_iova_exit() in its exit, after the instances are gone (it
 * expects no page still pinned), and sets an instance's dma to
 * &vkt_fake_dma.  Cases put data in and take results out with
 * vkt_fake_put() and vkt_fake_get(), unmap and map pages again with
 * vkt_fake_unmap() while the device uses them, and look at the pins
 * and the faults the device met.  There is one fake at a time: the cases
 * of a suite run one after the other.  Global names start with vkt_, as
 * in every fixture (exec_fixture.h).
 */
#ifndef _VACCEL_FAKE_IOVA_H
#define _VACCEL_FAKE_IOVA_H

#include <kunit/test.h>
#include <linux/mm_types.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct vaccel_dma_ops;
struct vaccel_instance;

/* The fake IOVA space: FAKE_PAGES pages from FAKE_BASE. */
#define FAKE_BASE	0x100000ULL
#define FAKE_PAGES	512
#define FAKE_IOVA(pg)	(FAKE_BASE + (u64)(pg) * PAGE_SIZE)

/**
 * struct fake_iova - the fake IOVA space
 * @lock: type1's iommu->lock: guards @mapped, @pins, @faults and
 *	@stalled against the accesses
 * @list_lock: type1's device_list_lock, held across the dma_unmap callback
 * @page: the pages, page i at FAKE_IOVA(i)
 * @mapped: the pages mapped: pins and accesses of the others fail
 * @pins: pins of each page not yet unpinned
 * @faults: pins that failed on a page not mapped, or
 *	outside the space
 * @stalled: pins of these pages wait for @stall_done
 * @stall_done: completed by vkt_fake_unstall()
 * @stall_waits: pins that waited on a stalled page
 * @notifier: the task in the dma_unmap callback, if any
 * @notify_delay_us: sleep between a callback and type1's new look
 * @bugs: unmaps that still found pins on their eleventh look
 */
struct fake_iova {
	struct mutex lock;		/* mapped, pins, faults, stalled */
	struct mutex list_lock;		/* the callback */
	struct page *page[FAKE_PAGES];
	bool mapped[FAKE_PAGES];
	int pins[FAKE_PAGES];
	unsigned int faults;
	bool stalled[FAKE_PAGES];
	struct completion stall_done;
	unsigned int stall_waits;
	struct task_struct *notifier;
	unsigned long notify_delay_us;
	unsigned int bugs;
};

/* The fake's callbacks, for an instance's dma. */
extern const struct vaccel_dma_ops vkt_fake_dma;

void vkt_fake_iova_init(struct kunit *test);
void vkt_fake_iova_exit(struct kunit *test);
void vkt_fake_put(u64 iova, const void *buf, size_t len);
void vkt_fake_get(u64 iova, void *buf, size_t len);
void vkt_fake_set_mapped(unsigned int pg, unsigned int n, bool mapped);
int vkt_fake_pins_total(void);
unsigned int vkt_fake_iova_faults(void);
int vkt_fake_unmap(struct vaccel_instance *inst, unsigned int pg,
		   unsigned int n);
void vkt_fake_map(unsigned int pg, unsigned int n);
void vkt_fake_register(void);
void vkt_fake_set_notify_delay(unsigned long us);
unsigned int vkt_fake_bugs(void);
void vkt_fake_stall(unsigned int pg);
void vkt_fake_unstall(void);
unsigned int vkt_fake_stall_waits(void);

#endif /* _VACCEL_FAKE_IOVA_H */
