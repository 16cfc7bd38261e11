// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_lathist: the log-linear latency histogram
 * (src/lathist.c): bucket edges, percentiles of known distributions, the
 * overflow bucket, merging.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "lathist.h"

static struct vaccel_lathist *lh_new(struct kunit *test)
{
	struct vaccel_lathist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	return h;
}

/* Every bucket: its edges map back to it, edges grow, widths are fine. */
static void vaccel_lathist_test_edges(struct kunit *test)
{
	unsigned int i;
	u64 lo, hi;

	for (i = 0; i < VACCEL_LAT_OVERFLOW; i++) {
		lo = vaccel_lathist_lower(i);
		hi = vaccel_lathist_lower(i + 1);
		KUNIT_EXPECT_LT_MSG(test, lo, hi, "bucket %u", i);
		KUNIT_EXPECT_EQ_MSG(test, vaccel_lathist_index(lo), i,
				    "lower edge of bucket %u", i);
		KUNIT_EXPECT_EQ_MSG(test, vaccel_lathist_index(hi - 1), i,
				    "last value of bucket %u", i);
		/* 64 ns below 1 us, then at most 1/16 of the lower edge. */
		if (i < VACCEL_LAT_SUB)
			KUNIT_EXPECT_EQ(test, hi - lo, 64ULL);
		else
			KUNIT_EXPECT_LE_MSG(test, (hi - lo) * 16, lo,
					    "bucket %u", i);
	}
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(0), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(63), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(64), 1U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(1023), 15U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(1024), 16U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(1087), 16U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(1088), 17U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(2047), 31U);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(2048), 32U);
	/* 1 s: 2^29 <= 1 s < 2^30, 1 s >> 25 = 29 = 16 + sub-bucket 13. */
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(1000000000),
			VACCEL_LAT_SUB * 20 + 13);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index((1ULL << 32) - 1),
			VACCEL_LAT_OVERFLOW - 1);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(1ULL << 32),
			VACCEL_LAT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_index(U64_MAX),
			VACCEL_LAT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_lower(VACCEL_LAT_OVERFLOW),
			1ULL << 32);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_lower(VACCEL_LAT_BUCKETS),
			U64_MAX);
}

/* The bound is at least the true value and less than a bucket above. */
static void lh_expect_near(struct kunit *test, u64 got, u64 want,
			   const char *what)
{
	KUNIT_EXPECT_GE_MSG(test, got, want, "%s", what);
	KUNIT_EXPECT_LE_MSG(test, got, want + max(want / 16, 64ULL), "%s",
			    what);
}

/* Uniform 1 us .. 10 ms in steps of 1 us: p50 5 ms, p99 9.9 ms... */
static void vaccel_lathist_test_uniform(struct kunit *test)
{
	struct vaccel_lathist *h = lh_new(test);
	u64 v;

	for (v = 1; v <= 10000; v++)
		vaccel_lathist_add(h, v * 1000);
	KUNIT_EXPECT_EQ(test, h->count, 10000ULL);
	KUNIT_EXPECT_EQ(test, h->max_ns, 10000000ULL);
	KUNIT_EXPECT_EQ(test, h->sum_ns, 10000ULL * 10001 / 2 * 1000);
	lh_expect_near(test, vaccel_lathist_percentile(h, 500000), 5000000,
		       "p50");
	lh_expect_near(test, vaccel_lathist_percentile(h, 990000), 9900000,
		       "p99");
	lh_expect_near(test, vaccel_lathist_percentile(h, 999000), 9990000,
		       "p99.9");
	lh_expect_near(test, vaccel_lathist_percentile(h, 10000), 100000,
		       "p1");
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 1000000),
			10000000ULL);
	/* More than a million ppm is p100. */
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 2000000),
			10000000ULL);
}

/* One value: every percentile is that value exactly (the maximum). */
static void vaccel_lathist_test_constant(struct kunit *test)
{
	struct vaccel_lathist *h = lh_new(test);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 500000), 0ULL);
	for (i = 0; i < 1000; i++)
		vaccel_lathist_add(h, 123456);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 0), 123456ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 500000), 123456ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 999000), 123456ULL);
}

/*
 * 99 % at 10 us, 1 % at 5 ms (a tenant that waits for a slice now and
 * then): p50 and p99 are in the 10 us bucket, p99.9 is 5 ms.  Ranks are
 * ceil(count * p): with 1000 values p99 is the 990th.
 */
static void vaccel_lathist_test_two_modes(struct kunit *test)
{
	struct vaccel_lathist *h = lh_new(test);
	unsigned int i;

	for (i = 0; i < 990; i++)
		vaccel_lathist_add(h, 10000);
	for (i = 0; i < 10; i++)
		vaccel_lathist_add(h, 5000000);
	/* 10000 is in [9728, 10240). */
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 500000), 10239ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 990000), 10239ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 991000),
			5000000ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 999000),
			5000000ULL);
}

/* Beyond 4.29 s: the overflow bucket, whose percentile is the maximum. */
static void vaccel_lathist_test_overflow(struct kunit *test)
{
	struct vaccel_lathist *h = lh_new(test), *sum = lh_new(test);
	unsigned int i;

	for (i = 0; i < 90; i++)
		vaccel_lathist_add(h, 1000);
	vaccel_lathist_add(h, 5000000000ULL);
	for (i = 0; i < 9; i++)
		vaccel_lathist_add(h, 60000000000ULL);
	KUNIT_EXPECT_EQ(test, h->bucket[VACCEL_LAT_OVERFLOW], 10ULL);
	/* 1000 is in [960, 1024). */
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 900000), 1023ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 910000),
			60000000000ULL);
	KUNIT_EXPECT_EQ(test, vaccel_lathist_percentile(h, 990000),
			60000000000ULL);

	/* Merging adds counts and keeps the larger maximum. */
	vaccel_lathist_add(sum, 2000);
	vaccel_lathist_merge(sum, h);
	KUNIT_EXPECT_EQ(test, sum->count, 101ULL);
	KUNIT_EXPECT_EQ(test, sum->max_ns, 60000000000ULL);
	KUNIT_EXPECT_EQ(test, sum->bucket[vaccel_lathist_index(1000)], 90ULL);
	KUNIT_EXPECT_EQ(test, sum->bucket[vaccel_lathist_index(2000)], 1ULL);
	KUNIT_EXPECT_EQ(test, sum->sum_ns, h->sum_ns + 2000);
}

static struct kunit_case vaccel_lathist_cases[] = {
	KUNIT_CASE(vaccel_lathist_test_edges),
	KUNIT_CASE(vaccel_lathist_test_uniform),
	KUNIT_CASE(vaccel_lathist_test_constant),
	KUNIT_CASE(vaccel_lathist_test_two_modes),
	KUNIT_CASE(vaccel_lathist_test_overflow),
	{ }
};

static struct kunit_suite vaccel_lathist_suite = {
	.name = "vaccel_lathist",
	.test_cases = vaccel_lathist_cases,
};

kunit_test_suite(vaccel_lathist_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
