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
 * vkt_fake_set_mapped() while the device uses them, and look at the pins
 * and the faults the device met.  There is one fake at a time: the cases
 * of a suite run one after the other.  Global names start with vkt_, as
 * in every fixture (exec_fixture.h).
 */
#ifndef _VACCEL_FAKE_IOVA_H
#define _VACCEL_FAKE_IOVA_H

#include <kunit/test.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct vaccel_dma_ops;

/* The fake IOVA space: FAKE_PAGES pages from FAKE_BASE. */
#define FAKE_BASE	0x100000ULL
#define FAKE_PAGES	512
#define FAKE_IOVA(pg)	(FAKE_BASE + (u64)(pg) * PAGE_SIZE)

/**
 * struct fake_iova - the fake IOVA space
 * @lock: guards @mapped, @pins and @faults against the accesses
 * @page: the pages, page i at FAKE_IOVA(i)
 * @mapped: the pages mapped: pins and accesses of the others fail
 * @pins: pins of each page not yet unpinned
 * @faults: reads and writes (not pins) that failed on a page not mapped,
 *	or outside the space
 */
struct fake_iova {
	struct mutex lock;		/* mapped, pins, against rw */
	struct page *page[FAKE_PAGES];
	bool mapped[FAKE_PAGES];
	int pins[FAKE_PAGES];
	unsigned int faults;
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

#endif /* _VACCEL_FAKE_IOVA_H */
