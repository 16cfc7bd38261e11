// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear latency histograms (lathist.h): bucket arithmetic and
 * percentiles.  Pure code, tested by the KUnit suite vaccel_lathist.
 */

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <kunit/visibility.h>

#include "lathist.h"

/**
 * vaccel_lathist_index() - the bucket of a value
 * @ns: the value
 *
 * Return: @ns / 64 below 1024 ns; for 2^e <= @ns < 2^(e+1) with
 * 10 <= e < 32, 16 * (e - 9) plus the top 4 bits of @ns after its leading
 * one; VACCEL_LAT_OVERFLOW from 2^32 on.
 */
unsigned int vaccel_lathist_index(u64 ns)
{
	unsigned int e;

	if (ns < (1ULL << VACCEL_LAT_MIN_SHIFT))
		return ns >> (VACCEL_LAT_MIN_SHIFT - VACCEL_LAT_SUB_SHIFT);
	e = fls64(ns) - 1;
	if (e >= VACCEL_LAT_MAX_SHIFT)
		return VACCEL_LAT_OVERFLOW;
	return VACCEL_LAT_SUB * (e - VACCEL_LAT_MIN_SHIFT + 1) +
	       ((ns >> (e - VACCEL_LAT_SUB_SHIFT)) & (VACCEL_LAT_SUB - 1));
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_lathist_index);

/**
 * vaccel_lathist_lower() - the smallest value of a bucket
 * @idx: the bucket, up to VACCEL_LAT_BUCKETS (which gives the end of the
 *	last bucket, U64_MAX)
 *
 * Bucket @idx holds [vaccel_lathist_lower(@idx),
 * vaccel_lathist_lower(@idx + 1)).
 *
 * Return: the lower edge in ns.
 */
u64 vaccel_lathist_lower(unsigned int idx)
{
	unsigned int e, sub;

	if (idx < VACCEL_LAT_SUB)
		return (u64)idx << (VACCEL_LAT_MIN_SHIFT - VACCEL_LAT_SUB_SHIFT);
	if (idx >= VACCEL_LAT_BUCKETS)
		return U64_MAX;
	if (idx == VACCEL_LAT_OVERFLOW)
		return 1ULL << VACCEL_LAT_MAX_SHIFT;
	e = idx / VACCEL_LAT_SUB - 1 + VACCEL_LAT_MIN_SHIFT;
	sub = idx % VACCEL_LAT_SUB;
	return (u64)(VACCEL_LAT_SUB + sub) << (e - VACCEL_LAT_SUB_SHIFT);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_lathist_lower);

/**
 * vaccel_lathist_add() - record a value
 * @h: the histogram
 * @ns: the value
 */
void vaccel_lathist_add(struct vaccel_lathist *h, u64 ns)
{
	h->bucket[vaccel_lathist_index(ns)]++;
	h->count++;
	h->sum_ns += ns;
	h->max_ns = max(h->max_ns, ns);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_lathist_add);

/**
 * vaccel_lathist_merge() - add one histogram to another
 * @to: the sum
 * @from: what is added
 */
void vaccel_lathist_merge(struct vaccel_lathist *to,
			  const struct vaccel_lathist *from)
{
	unsigned int i;

	for (i = 0; i < VACCEL_LAT_BUCKETS; i++)
		to->bucket[i] += from->bucket[i];
	to->count += from->count;
	to->sum_ns += from->sum_ns;
	to->max_ns = max(to->max_ns, from->max_ns);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_lathist_merge);

/**
 * vaccel_lathist_percentile() - an upper bound of a percentile
 * @h: the histogram
 * @ppm: the percentile in parts per million (500000 for p50, 999000 for
 *	p99.9), at most 1000000
 *
 * The value of rank ceil(count * @ppm / 10^6) (at least 1) in sorted
 * order lies in some bucket; the answer is that bucket's largest value,
 * or the maximum recorded if smaller (so p100 is the maximum, and an
 * overflow bucket answers the maximum).  It is never below the true
 * percentile and, below 2^32 ns, above it by less than a bucket: 1/16 of
 * the value.
 *
 * Return: the bound in ns, 0 for an empty histogram.
 */
u64 vaccel_lathist_percentile(const struct vaccel_lathist *h, u32 ppm)
{
	u64 rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	ppm = min_t(u32, ppm, 1000000);
	/* ceil(count * ppm / 10^6), without overflow. */
	rank = h->count - mul_u64_u32_div(h->count, 1000000 - ppm, 1000000);
	rank = max_t(u64, rank, 1);
	for (i = 0; i < VACCEL_LAT_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			return min(h->max_ns, vaccel_lathist_lower(i + 1) - 1);
	}
	return h->max_ns;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_lathist_percentile);
