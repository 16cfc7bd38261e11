/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake IOVA space of the vaccel KUnit suites (fake_iova.c).
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

struct fake_iova {
	struct mutex lock;		/* mapped, pins, against rw */
	struct page *page[FAKE_PAGES];
	bool mapped[FAKE_PAGES];
	int pins[FAKE_PAGES];
	unsigned int faults;
};

extern const struct vaccel_dma_ops fake_dma;

void fake_iova_init(struct kunit *test);
void fake_iova_exit(struct kunit *test);
void fake_put(u64 iova, const void *buf, size_t len);
void fake_get(u64 iova, void *buf, size_t len);
void fake_set_mapped(unsigned int pg, unsigned int n, bool mapped);
int fake_pins_total(void);
unsigned int fake_iova_faults(void);

#endif /* _VACCEL_FAKE_IOVA_H */
