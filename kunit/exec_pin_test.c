// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_exec_pin: what the engines need pinned before a
 * chunk (vaccel_exec_ranges(), vaccel_exec_skip_chunk()) and how a chunk
 * stops on a page that is not resident (VACCEL_EXEC_FAULT), on the pure
 * execution unit of src/exec.c.
 *
 * Guest memory here is a buffer at IOVA PIN_BASE with a residency bit per
 * page; device memory a second buffer.  The worker of dma.c is played by
 * pin_worker(): it makes resident exactly the pages vaccel_exec_ranges()
 * names, after evicting all others.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vaccel_queue.h"
#include "exec.h"

#define PIN_BASE	0x200000ULL
#define PIN_SIZE	(12 * SZ_1M)
#define PIN_PAGES	(PIN_SIZE >> PAGE_SHIFT)
#define PIN_DEV_SIZE	(4 * SZ_1M)
#define PIN_RANGES	2200

/**
 * struct pin_env - guest and device memory, residency, and the ranges of
 * the chunk about to run
 * @guest: PIN_SIZE bytes at IOVA PIN_BASE
 * @dev: PIN_DEV_SIZE bytes of device memory
 * @resident: pages of @guest an access may touch
 * @check: accesses must lie in @ranges
 * @nr: ranges in @iova, @len and @write
 * @iova: the ranges' starts
 * @len: their lengths
 * @write: whether the chunk may write them
 * @outside: accesses outside every range (or writes to a read range)
 * @faults: accesses that met a page not resident
 * @clock: the fake clock, in ns
 * @step: ns the clock advances per access (0: chunks end by their caps)
 */
struct pin_env {
	u8 *guest;
	u8 *dev;
	unsigned long *resident;
	bool check;
	unsigned int nr;
	u64 iova[PIN_RANGES];
	u64 len[PIN_RANGES];
	bool write[PIN_RANGES];
	unsigned int outside;
	unsigned int faults;
	u64 clock;
	u64 step;
};

static bool pin_in_ranges(struct pin_env *e, u64 iova, u64 len, bool write)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		if (iova >= e->iova[i] && iova + len <= e->iova[i] + e->len[i] &&
		    (!write || e->write[i]))
			return true;
	return false;
}

static int pin_dma_rw(void *priv, u64 iova, void *buf, size_t len,
		      bool write)
{
	struct pin_env *e = priv;
	unsigned long pg;

	e->clock += e->step;
	if (iova < PIN_BASE || iova + len > PIN_BASE + PIN_SIZE)
		return -EFAULT;
	if (e->check && !pin_in_ranges(e, iova, len, write))
		e->outside++;
	for (pg = (iova - PIN_BASE) >> PAGE_SHIFT;
	     pg <= (iova + len - 1 - PIN_BASE) >> PAGE_SHIFT; pg++) {
		if (!test_bit(pg, e->resident)) {
			e->faults++;
			return -EAGAIN;
		}
	}
	if (write)
		memcpy(e->guest + (iova - PIN_BASE), buf, len);
	else
		memcpy(buf, e->guest + (iova - PIN_BASE), len);
	return 0;
}

static int pin_dev_rw(void *priv, u64 off, void *buf, size_t len, bool write)
{
	struct pin_env *e = priv;

	if (off + len > PIN_DEV_SIZE)
		return -EFAULT;
	if (write)
		memcpy(e->dev + off, buf, len);
	else
		memcpy(buf, e->dev + off, len);
	return 0;
}

static void pin_busy(void *priv, u64 ns)
{
	((struct pin_env *)priv)->clock += ns;
}

static u64 pin_now(void *priv)
{
	return ((struct pin_env *)priv)->clock;
}

static const struct vaccel_exec_ops pin_ops = {
	.dma_rw = pin_dma_rw,
	.dev_rw = pin_dev_rw,
	.busy = pin_busy,
	.now = pin_now,
};

static int pin_record(void *arg, u64 iova, u64 len, bool write)
{
	struct pin_env *e = arg;

	if (e->nr == PIN_RANGES)
		return -ENOSPC;
	e->iova[e->nr] = iova;
	e->len[e->nr] = len;
	e->write[e->nr] = write;
	e->nr++;
	return 0;
}

/* The worker: evict everything, pin what the next chunk needs. */
static int pin_worker(struct pin_env *e, const struct vaccel_job *job)
{
	unsigned int i;
	u64 a;
	int ret;

	e->nr = 0;
	ret = vaccel_exec_ranges(job, pin_record, e);
	if (ret)
		return ret;
	bitmap_zero(e->resident, PIN_PAGES);
	for (i = 0; i < e->nr; i++)
		for (a = e->iova[i] & PAGE_MASK; a < e->iova[i] + e->len[i];
		     a += PAGE_SIZE)
			if (a >= PIN_BASE && a < PIN_BASE + PIN_SIZE)
				set_bit((a - PIN_BASE) >> PAGE_SHIFT,
					e->resident);
	return 0;
}

/* A job of each kind, over both memories, odd sizes and offsets. */
struct pin_case {
	const char *name;
	u16 opcode;
	u16 flags;
	u32 len;
	u64 src;
	u64 src2;
	u64 dst;
	u32 m;
	u32 n;
	u32 k;
};

#define G(off)	(PIN_BASE + (off))

static const struct pin_case pin_cases[] = {
	{ "copy 300 KiB odd", VACCEL_OP_COPY, 0, 300 * 1024 + 13,
	  G(5), 0, G(4 * SZ_1M + 77) },
	{ "copy to device", VACCEL_OP_COPY, VACCEL_DESC_F_DST_DEV, 200000,
	  G(4093), 0, 123 },
	{ "copy from device", VACCEL_OP_COPY, VACCEL_DESC_F_SRC_DEV, 150001,
	  999, 0, G(SZ_1M + 1) },
	{ "fill 1 MiB", VACCEL_OP_FILL, 0, SZ_1M, 0, 0, G(8) },
	{ "crc32c 250 KiB", VACCEL_OP_CRC32C, 0, 250 * 1024 + 3,
	  G(100), 0, G(6 * SZ_1M + 2) },
	{ "crc32c result in source", VACCEL_OP_CRC32C, 0, 70000,
	  G(0), 0, G(69000) },
	{ "gemm 1024 deep", VACCEL_OP_GEMM, 0, 0, G(0), G(SZ_1M + 4),
	  G(9 * SZ_1M), 3, 40, 1024 },
	{ "gemm wide", VACCEL_OP_GEMM, 0, 0, G(12), G(SZ_1M), G(8 * SZ_1M),
	  5, 1000, 7 },
	{ "gemm B in device", VACCEL_OP_GEMM, VACCEL_DESC_F_SRC2_DEV, 0,
	  G(0), 64, G(2 * SZ_1M), 17, 33, 65 },
};

static void pin_case_desc(const struct pin_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pin, pin_cases, pin_case_desc);

static struct pin_env *pin_env_new(struct kunit *test)
{
	struct pin_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->guest = vmalloc(PIN_SIZE);
	e->dev = vmalloc(PIN_DEV_SIZE);
	e->resident = bitmap_zalloc(PIN_PAGES, GFP_KERNEL);
	if (!e->guest || !e->dev || !e->resident) {
		vfree(e->guest);
		vfree(e->dev);
		bitmap_free(e->resident);
		KUNIT_ASSERT_FAILURE(test, "out of memory");
	}
	get_random_bytes(e->guest, PIN_SIZE);
	get_random_bytes(e->dev, PIN_DEV_SIZE);
	return e;
}

static void pin_env_free(struct pin_env *e)
{
	vfree(e->guest);
	vfree(e->dev);
	bitmap_free(e->resident);
}

static struct vaccel_job pin_job(struct kunit *test, const struct pin_case *c)
{
	struct vaccel_desc d = {
		.opcode = cpu_to_le16(c->opcode),
		.flags = cpu_to_le16(c->flags),
		.len = cpu_to_le32(c->len),
		.src = cpu_to_le64(c->src),
		.src2 = cpu_to_le64(c->src2),
		.dst = cpu_to_le64(c->dst),
		.m = cpu_to_le32(c->m),
		.n = cpu_to_le32(c->n),
		.k = cpu_to_le32(c->k),
	};
	struct vaccel_job job;

	KUNIT_ASSERT_EQ(test, vaccel_desc_check(&d, PIN_DEV_SIZE, &job), 0);
	return job;
}

/*
 * Every guest-memory access of a chunk lies in a range that
 * vaccel_exec_ranges() named before it (a write in a range named for
 * writing), whether chunks end by their caps (clock still) or by time
 * (clock running); and with the clock still, a chunk ends where
 * vaccel_exec_skip_chunk() predicted.
 */
static void vaccel_exec_pin_test_ranges(struct kunit *test)
{
	const struct pin_case *c = test->param_value;
	struct pin_env *e = pin_env_new(test);
	void *scratch = kvmalloc(VACCEL_EXEC_SCRATCH, GFP_KERNEL);
	const struct vaccel_exec_env env = {
		.ops = &pin_ops, .priv = e, .scratch = scratch,
	};
	struct vaccel_job job, ahead;
	unsigned int pass, chunks, mismatches;
	bool more;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, scratch);
	bitmap_fill(e->resident, PIN_PAGES);
	for (pass = 0; pass < 2; pass++) {
		job = pin_job(test, c);
		e->step = pass ? 700 : 0;
		e->check = true;
		chunks = 0;
		mismatches = 0;
		do {
			e->nr = 0;
			KUNIT_ASSERT_EQ(test, vaccel_exec_ranges(&job, pin_record,
								 e), 0);
			ahead = job;
			more = vaccel_exec_skip_chunk(&ahead);
			ret = vaccel_exec_chunk(&job, &env, NULL);
			chunks++;
			/* A chunk that ran to its caps ends where predicted. */
			if (!pass && ret == VACCEL_EXEC_MORE)
				mismatches += !more || job.pos != ahead.pos;
		} while (ret == VACCEL_EXEC_MORE && chunks < 100000);
		KUNIT_EXPECT_EQ(test, ret, VACCEL_EXEC_DONE);
		KUNIT_EXPECT_EQ_MSG(test, e->outside, 0U,
				    "pass %u: accesses outside the ranges", pass);
		KUNIT_EXPECT_EQ(test, mismatches, 0U);
		KUNIT_EXPECT_GT(test, chunks, 1U);
	}
	kvfree(scratch);
	pin_env_free(e);
}

/*
 * With every page evicted but the next chunk's, a job still completes,
 * and its results are those of a run with all memory resident: a chunk
 * that faults keeps the pieces it finished, and the worker's pins always
 * suffice for the chunk that runs next (no fault right after a pin).
 */
static void vaccel_exec_pin_test_fault_resume(struct kunit *test)
{
	const struct pin_case *c = test->param_value;
	struct pin_env *e = pin_env_new(test);
	void *scratch = kvmalloc(VACCEL_EXEC_SCRATCH, GFP_KERNEL);
	const struct vaccel_exec_env env = {
		.ops = &pin_ops, .priv = e, .scratch = scratch,
	};
	u8 *guest0 = vmalloc(PIN_SIZE), *dev0 = vmalloc(PIN_DEV_SIZE);
	u8 *guest1 = vmalloc(PIN_SIZE), *dev1 = vmalloc(PIN_DEV_SIZE);
	unsigned int chunks = 0, faults = 0, fault_after_pin = 0;
	struct vaccel_job job;
	bool pinned = false;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, scratch);
	KUNIT_ASSERT_TRUE(test, guest0 && dev0 && guest1 && dev1);
	memcpy(guest0, e->guest, PIN_SIZE);
	memcpy(dev0, e->dev, PIN_DEV_SIZE);

	/* The reference: everything resident. */
	bitmap_fill(e->resident, PIN_PAGES);
	job = pin_job(test, c);
	while ((ret = vaccel_exec_chunk(&job, &env, NULL)) == VACCEL_EXEC_MORE)
		;
	KUNIT_ASSERT_EQ(test, ret, VACCEL_EXEC_DONE);
	memcpy(guest1, e->guest, PIN_SIZE);
	memcpy(dev1, e->dev, PIN_DEV_SIZE);

	/* Again from the same memory, nothing resident at first. */
	memcpy(e->guest, guest0, PIN_SIZE);
	memcpy(e->dev, dev0, PIN_DEV_SIZE);
	bitmap_zero(e->resident, PIN_PAGES);
	e->step = 300;
	job = pin_job(test, c);
	do {
		ret = vaccel_exec_chunk(&job, &env, NULL);
		chunks++;
		if (ret == VACCEL_EXEC_FAULT) {
			faults++;
			fault_after_pin += pinned;
			KUNIT_ASSERT_EQ(test, pin_worker(e, &job), 0);
			pinned = true;
			ret = VACCEL_EXEC_MORE;
		} else {
			pinned = false;
		}
	} while (ret == VACCEL_EXEC_MORE && chunks < 200000);
	KUNIT_EXPECT_EQ(test, ret, VACCEL_EXEC_DONE);
	KUNIT_EXPECT_GT(test, faults, 0U);
	KUNIT_EXPECT_EQ(test, fault_after_pin, 0U);
	KUNIT_EXPECT_EQ(test, memcmp(e->guest, guest1, PIN_SIZE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(e->dev, dev1, PIN_DEV_SIZE), 0);
	kunit_info(test, "%u chunks, %u stopped for pages\n", chunks, faults);

	vfree(guest0);
	vfree(dev0);
	vfree(guest1);
	vfree(dev1);
	kvfree(scratch);
	pin_env_free(e);
}

static struct kunit_case vaccel_exec_pin_cases[] = {
	KUNIT_CASE_PARAM(vaccel_exec_pin_test_ranges, pin_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_pin_test_fault_resume, pin_gen_params),
	{ }
};

static struct kunit_suite vaccel_exec_pin_suite = {
	.name = "vaccel_exec_pin",
	.test_cases = vaccel_exec_pin_cases,
};

kunit_test_suite(vaccel_exec_pin_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
