/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A log-linear latency histogram (lathist.c): a pure unit, no locking of
 * its own; the owner's lock protects it (for a queue's submit-to-start
 * latency, the queue's state_lock).
 *
 * Values are nanoseconds.  Below 1024 ns there are 16 buckets of 64 ns;
 * from 2^10 ns (1.02 us) up, each power of two [2^e, 2^(e+1)) is split in
 * VACCEL_LAT_SUB = 16 equal buckets of 2^(e-4) ns, so a bucket is at most
 * 1/16 (6.25 %) of its lower edge wide, up to 2^32 ns (4.29 s); one
 * overflow bucket holds everything from 2^32 ns on.  The exact maximum is
 * kept besides.
 */
#ifndef _VACCEL_LATHIST_H
#define _VACCEL_LATHIST_H

#include <linux/bits.h>
#include <linux/types.h>

#define VACCEL_LAT_SUB_SHIFT	4
#define VACCEL_LAT_SUB		BIT(VACCEL_LAT_SUB_SHIFT)
/* The first power of two split log-linearly, and the end of the range. */
#define VACCEL_LAT_MIN_SHIFT	10
#define VACCEL_LAT_MAX_SHIFT	32
/* 16 linear buckets, 16 per power of two from 2^10 to 2^32, overflow. */
#define VACCEL_LAT_OVERFLOW	\
	(VACCEL_LAT_SUB * (1 + VACCEL_LAT_MAX_SHIFT - VACCEL_LAT_MIN_SHIFT))
#define VACCEL_LAT_BUCKETS	(VACCEL_LAT_OVERFLOW + 1)

/**
 * struct vaccel_lathist - a latency histogram
 * @count: values recorded
 * @sum_ns: their sum (wraps after 584 years of latency)
 * @max_ns: the largest value recorded, 0 when none
 * @bucket: values per bucket, see vaccel_lathist_index()
 */
struct vaccel_lathist {
	u64 count;
	u64 sum_ns;
	u64 max_ns;
	u64 bucket[VACCEL_LAT_BUCKETS];
};

unsigned int vaccel_lathist_index(u64 ns);
u64 vaccel_lathist_lower(unsigned int idx);
void vaccel_lathist_add(struct vaccel_lathist *h, u64 ns);
void vaccel_lathist_merge(struct vaccel_lathist *to,
			  const struct vaccel_lathist *from);
u64 vaccel_lathist_percentile(const struct vaccel_lathist *h, u32 ppm);

#endif /* _VACCEL_LATHIST_H */
