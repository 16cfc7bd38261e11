// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_exec: descriptor validation and chunked execution of
 * the commands (src/exec.c), as the "Command queues" section of
 * docs/hardware.md specifies them.  The validation cases are in
 * exec_check_test.c, the fake memory in exec_fixture.c.
 *
 * The unit runs against a fake memory backend: an IOVA space made of a
 * few mapped regions (anything else faults, and faults are counted), a
 * device memory buffer and a busy() that records what it was asked.  The
 * fake accounts every byte moved, per chunk and per operand, so that the
 * bounds of each chunk are checked on every chunk of every test
 * (vkt_exec_one()).  Expected results are computed here independently of
 * src/exec.c: a bitwise CRC-32C, a naive GEMM on s64 products, and the
 * expected memory image, compared whole after each command.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "vaccel_queue.h"
#include "exec.h"
#include "exec_fixture.h"
#include "exec_test.h"

/* ---- 2. each operation against an independent reference ---- */

static void vaccel_exec_test_nop_fence(struct kunit *test)
{
	struct exec_fixture *fx = test->priv;
	struct tdesc nop = { .opcode = VACCEL_OP_NOP,
			     .flags = VACCEL_DESC_F_IRQ };
	struct tdesc fence = { .opcode = VACCEL_OP_FENCE,
			       .value = 0x0123456789abcdefULL };
	struct vaccel_job job, before;
	struct fake_snap snap;

	vkt_fake_snapshot(test, fx, &snap);
	vkt_make_job(test, &nop, &job);
	before = job;
	KUNIT_EXPECT_EQ(test, vkt_exec_one(test, fx, &job), VACCEL_EXEC_DONE);
	KUNIT_EXPECT_TRUE(test, vkt_job_eq(&job, &before));

	vkt_make_job(test, &fence, &job);
	before = job;
	KUNIT_EXPECT_EQ(test, vkt_exec_one(test, fx, &job), VACCEL_EXEC_DONE);
	KUNIT_EXPECT_TRUE(test, vkt_job_eq(&job, &before));
	KUNIT_EXPECT_EQ(test, job.value, 0x0123456789abcdefULL);

	KUNIT_EXPECT_EQ(test, fx->f.busy_total_calls, 0U);
	KUNIT_EXPECT_EQ(test, fx->f.faults, 0U);
	vkt_expect_memory(test, fx, &snap);
}

struct copy_case {
	const char *name;
	struct loc src;
	struct loc dst;
	u32 len;
};

static const struct copy_case copy_cases[] = {
	{ "iova->iova 1 byte", AT(MEM_LO, 5), AT(MEM_HI, 7), 1 },
	{ "iova->iova 7 bytes", AT(MEM_LO, 3), AT(MEM_HI, 0), 7 },
	{ "iova->iova within a region", AT(MEM_LO, 0), AT(MEM_LO, 1001), 1000 },
	{ "iova->iova 3 chunks + 13", AT(MEM_LO, 3), AT(MEM_HI, 1),
	  3 * VACCEL_CHUNK_BYTES + 13 },
	{ "iova->dev 1 chunk - 1", AT(MEM_LO, 0), AT(MEM_DEV, 9),
	  VACCEL_CHUNK_BYTES - 1 },
	{ "iova->dev 1 chunk", AT(MEM_HI, 8), AT(MEM_DEV, 0),
	  VACCEL_CHUNK_BYTES },
	{ "iova->dev 1 chunk + 1", AT(MEM_LO, 1), AT(MEM_DEV, 4),
	  VACCEL_CHUNK_BYTES + 1 },
	{ "dev->iova 2 chunks + 5", AT(MEM_DEV, 12345), AT(MEM_LO, 77),
	  2 * VACCEL_CHUNK_BYTES + 5 },
	{ "dev->dev 100003", AT(MEM_DEV, 0), AT(MEM_DEV, SZ_512K + 1), 100003 },
	{ "dev->dev adjacent", AT(MEM_DEV, 1000), AT(MEM_DEV, 1000 + 3333), 3333 },
	{ "dev->dev adjacent, backwards", AT(MEM_DEV, 1000 + 3333),
	  AT(MEM_DEV, 1000), 3333 },
	{ "iova->dev same numbers", AT(MEM_LO, 0), AT(MEM_DEV, 0x10000), 4097 },
	{ "to the top of the IOVA space", AT(MEM_LO, 11), AT(MEM_TOP, 4095 - 100),
	  100 },
	{ "iova->iova to region ends", AT(MEM_HI, SZ_512K - 40000),
	  AT(MEM_AUX, SZ_256K - 40000), 40000 },
};

static void copy_case_desc(const struct copy_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(copy, copy_cases, copy_case_desc);

static void vaccel_exec_test_copy(struct kunit *test)
{
	const struct copy_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = vkt_copy_desc(c->src, c->dst, c->len);
	struct vaccel_job job;
	struct fake_snap want;
	unsigned int chunks;

	vkt_fake_snapshot(test, fx, &want);
	memcpy(vkt_snap_ptr(&want, c->dst), vkt_mem_ptr(fx, c->src), c->len);
	vkt_make_job(test, &d, &job);
	chunks = vkt_exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_GE(test, chunks, DIV_ROUND_UP(c->len, VACCEL_CHUNK_BYTES));
	KUNIT_EXPECT_EQ(test, job.pos, (u64)c->len);
	vkt_expect_memory(test, fx, &want);
	KUNIT_EXPECT_EQ(test, fx->f.faults, 0U);
}

struct fill_case {
	const char *name;
	struct loc dst;
	u32 len;
	u64 value;
	u64 start;	/* resume the job at this pos */
};

static const struct fill_case fill_cases[] = {
	{ "1 byte", AT(MEM_LO, 0), 1, 0x11, 0 },
	{ "odd address, 13 bytes", AT(MEM_LO, 3), 13, 0x8877665544332211ULL, 0 },
	{ "8 bytes", AT(MEM_HI, 8), 8, 0x0102030405060708ULL, 0 },
	{ "3 chunks + 5 at odd address", AT(MEM_HI, 5), 3 * VACCEL_CHUNK_BYTES + 5,
	  0xf0debc9a78563412ULL, 0 },
	{ "dev, 1 chunk + 9", AT(MEM_DEV, 7), VACCEL_CHUNK_BYTES + 9,
	  0xa1b2c3d4e5f60718ULL, 0 },
	{ "to the top of the IOVA space", AT(MEM_TOP, 4095 - 21), 21,
	  0x5555aaaa0000ffffULL, 0 },
	{ "resumed at pos 5", AT(MEM_LO, 0), 100, 0x8877665544332211ULL, 5 },
	{ "resumed at pos 1 chunk + 3", AT(MEM_AUX, 1), 2 * VACCEL_CHUNK_BYTES + 2,
	  0x0f1e2d3c4b5a6978ULL, VACCEL_CHUNK_BYTES + 3 },
	{ "resumed at pos 7, 3 bytes", AT(MEM_DEV, 0), 10, 0xffeeddccbbaa9988ULL, 7 },
};

static void fill_case_desc(const struct fill_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fill, fill_cases, fill_case_desc);

/*
 * FILL: byte i of the destination is byte i % 8 of value.  A job resumed
 * at pos p (set by hand: the unit must build the pattern with the phase
 * of any pos) writes bytes p onwards only.
 */
static void vaccel_exec_test_fill(struct kunit *test)
{
	const struct fill_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = vkt_fill_desc(c->dst, c->len, c->value);
	struct vaccel_job job;
	struct fake_snap want;
	u8 le[8];
	u64 i;

	put_unaligned_le64(c->value, le);
	vkt_fake_snapshot(test, fx, &want);
	for (i = c->start; i < c->len; i++)
		vkt_snap_ptr(&want, c->dst)[i] = le[i % 8];
	vkt_make_job(test, &d, &job);
	job.pos = c->start;
	vkt_exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, job.pos, (u64)c->len);
	vkt_expect_memory(test, fx, &want);
}

/* CRC-32C, one bit at a time, reflected polynomial 0x82f63b78. */
static u32 ref_crc32c(u32 seed, const u8 *p, size_t len)
{
	u32 crc = ~seed;
	int b;

	while (len--) {
		crc ^= *p++;
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

enum crc_data { CRC_NOISE, CRC_DIGITS, CRC_ZEROS, CRC_ONES, CRC_INC, CRC_DEC };

struct crc_case {
	const char *name;
	enum crc_data data;
	struct loc src;
	u32 len;
	struct loc dst;
	u32 seed;
	u32 known;	/* the expected result, or 0: ref_crc32c() */
};

static const struct crc_case crc_cases[] = {
	{ "123456789", CRC_DIGITS, AT(MEM_LO, 0), 9, AT(MEM_LO, 64), 0,
	  0xe3069283 },
	{ "RFC 3720 32 zeros", CRC_ZEROS, AT(MEM_LO, 1), 32, AT(MEM_HI, 3), 0,
	  0x8a9136aa },
	{ "RFC 3720 32 x 0xff", CRC_ONES, AT(MEM_DEV, 0), 32, AT(MEM_LO, 0), 0,
	  0x62a8ab43 },
	{ "RFC 3720 incrementing", CRC_INC, AT(MEM_LO, 0), 32, AT(MEM_DEV, 5), 0,
	  0x46dd794e },
	{ "RFC 3720 decrementing", CRC_DEC, AT(MEM_DEV, 7), 32, AT(MEM_DEV, 99),
	  0, 0x113fdb5c },
	{ "1 byte", CRC_NOISE, AT(MEM_LO, 0), 1, AT(MEM_LO, 8), 0, 0 },
	{ "3 chunks + 77, unaligned result", CRC_NOISE, AT(MEM_LO, 3),
	  3 * VACCEL_CHUNK_BYTES + 77, AT(MEM_HI, 3), 0, 0 },
	{ "1 chunk exactly", CRC_NOISE, AT(MEM_HI, 0), VACCEL_CHUNK_BYTES,
	  AT(MEM_HI, VACCEL_CHUNK_BYTES), 0, 0 },
	{ "dev, 1 chunk + 1, seeded", CRC_NOISE, AT(MEM_DEV, 5),
	  VACCEL_CHUNK_BYTES + 1, AT(MEM_DEV, 900000), 0xdeadbeef, 0 },
	{ "result inside the source", CRC_NOISE, AT(MEM_LO, 0),
	  2 * VACCEL_CHUNK_BYTES + 1, AT(MEM_LO, 100), 0, 0 },
	{ "result at the top of the IOVA space", CRC_NOISE, AT(MEM_LO, 0), 1000,
	  AT(MEM_TOP, 4095 - 4), 0x12345678, 0 },
};

static void crc_case_desc(const struct crc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(crc, crc_cases, crc_case_desc);

static void crc_prepare(struct exec_fixture *fx, const struct crc_case *c)
{
	u8 *p = vkt_mem_ptr(fx, c->src);
	u32 i;

	switch (c->data) {
	case CRC_DIGITS:
		memcpy(p, "123456789", 9);
		break;
	case CRC_ZEROS:
		memset(p, 0, c->len);
		break;
	case CRC_ONES:
		memset(p, 0xff, c->len);
		break;
	case CRC_INC:
		for (i = 0; i < c->len; i++)
			p[i] = i;
		break;
	case CRC_DEC:
		for (i = 0; i < c->len; i++)
			p[i] = c->len - 1 - i;
		break;
	case CRC_NOISE:
		break;
	}
}

static void vaccel_exec_test_crc32c(struct kunit *test)
{
	const struct crc_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = vkt_crc_desc(c->src, c->len, c->dst, c->seed);
	struct vaccel_job job;
	struct fake_snap want;
	u32 expect;

	crc_prepare(fx, c);
	expect = ref_crc32c(c->seed, vkt_mem_ptr(fx, c->src), c->len);
	/* The reference itself against the published values. */
	if (c->known)
		KUNIT_ASSERT_EQ(test, expect, c->known);
	vkt_fake_snapshot(test, fx, &want);
	put_unaligned_le32(expect, vkt_snap_ptr(&want, c->dst));
	vkt_make_job(test, &d, &job);
	vkt_exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(vkt_mem_ptr(fx, c->dst)), expect);
	vkt_expect_memory(test, fx, &want);
}

/* Run a CRC32C to the end and return its result as read from memory. */
static u32 crc_run(struct kunit *test, struct exec_fixture *fx, struct loc src,
		   u32 len, struct loc dst, u32 seed)
{
	struct tdesc d = vkt_crc_desc(src, len, dst, seed);
	struct vaccel_job job;

	vkt_make_job(test, &d, &job);
	vkt_exec_run(test, fx, &job, NULL, 0);
	return get_unaligned_le32(vkt_mem_ptr(fx, dst));
}

/* CRC(A then B) = CRC(B, seed = CRC(A)), at and across chunk boundaries. */
static void vaccel_exec_test_crc32c_chain(struct kunit *test)
{
	static const u32 splits[] = {
		1, 4, VACCEL_CHUNK_BYTES - 1, VACCEL_CHUNK_BYTES,
		VACCEL_CHUNK_BYTES + 37, 2 * VACCEL_CHUNK_BYTES + 99,
	};
	struct exec_fixture *fx = test->priv;
	const u32 len = 2 * VACCEL_CHUNK_BYTES + 100;
	u32 whole, first, second;
	unsigned int s;

	whole = crc_run(test, fx, AT(MEM_LO, 0), len, AT(MEM_HI, 0), 0);
	KUNIT_EXPECT_EQ(test, whole, ref_crc32c(0, vkt_mem_ptr(fx, AT(MEM_LO, 0)),
						len));
	for (s = 0; s < ARRAY_SIZE(splits); s++) {
		first = crc_run(test, fx, AT(MEM_LO, 0), splits[s],
				AT(MEM_HI, 8), 0);
		second = crc_run(test, fx, AT(MEM_LO, splits[s]),
				 len - splits[s], AT(MEM_HI, 16), first);
		KUNIT_EXPECT_EQ_MSG(test, second, whole, "split at %u",
				    splits[s]);
	}

	/* "1234" then "56789". */
	memcpy(vkt_mem_ptr(fx, AT(MEM_DEV, 0)), "123456789", 9);
	first = crc_run(test, fx, AT(MEM_DEV, 0), 4, AT(MEM_DEV, 16), 0);
	second = crc_run(test, fx, AT(MEM_DEV, 4), 5, AT(MEM_DEV, 16), first);
	KUNIT_EXPECT_EQ(test, second, 0xe3069283U);
}

/* GEMM reference: s64 products, truncated to 32 bits, summed in u32. */
static void ref_gemm(const u8 *a, const u8 *b, u8 *c, u32 m, u32 k, u32 n)
{
	u32 i, j, p, sum;
	s64 x, y;

	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			sum = 0;
			for (p = 0; p < k; p++) {
				x = (s32)get_unaligned_le32(a + 4 * (i * k + p));
				y = (s32)get_unaligned_le32(b + 4 * (p * n + j));
				sum += (u32)(x * y);
			}
			put_unaligned_le32(sum, c + 4 * (i * n + j));
		}
	}
}

struct gemm_case {
	const char *name;
	u32 m, k, n;
	struct loc a, b, c;
};

static const struct gemm_case gemm_cases[] = {
	{ "1x1x1", 1, 1, 1, AT(MEM_LO, 0), AT(MEM_HI, 0), AT(MEM_LO, 64) },
	{ "7x300x45", 7, 300, 45, AT(MEM_LO, 0), AT(MEM_HI, 0),
	  AT(MEM_LO, 16384) },
	{ "45x300x7", 45, 300, 7, AT(MEM_HI, 0), AT(MEM_LO, 0),
	  AT(MEM_HI, 65536) },
	{ "2x3x1000, one chunk a row", 2, 3, 1000, AT(MEM_LO, 4),
	  AT(MEM_LO, 1024), AT(MEM_HI, 12) },
	{ "3x1024x64, 4 chunks a row", 3, 1024, 64, AT(MEM_LO, 0),
	  AT(MEM_HI, 0), AT(MEM_LO, 65536) },
	{ "2x700x100, uneven chunks", 2, 700, 100, AT(MEM_LO, 0),
	  AT(MEM_HI, 0), AT(MEM_LO, 65536) },
	{ "1x1024x1, k max", 1, 1024, 1, AT(MEM_LO, 0), AT(MEM_LO, 8192),
	  AT(MEM_LO, 4096) },
	{ "1x16x1024, n max", 1, 16, 1024, AT(MEM_LO, 0), AT(MEM_HI, 0),
	  AT(MEM_LO, 4096) },
	{ "all in device memory", 5, 64, 33, AT(MEM_DEV, 0), AT(MEM_DEV, 65536),
	  AT(MEM_DEV, 131072 + 4) },
	{ "A dev, B iova, C dev", 9, 17, 130, AT(MEM_DEV, 8), AT(MEM_LO, 0),
	  AT(MEM_DEV, 8192) },
	{ "A iova, B dev, C iova", 4, 999, 20, AT(MEM_AUX, 0), AT(MEM_DEV, 0),
	  AT(MEM_HI, 0) },
	{ "C dev at iova numbers of A", 3, 5, 7, AT(MEM_LO, 0),
	  AT(MEM_LO, 4096), AT(MEM_DEV, 0x10000) },
};

static void gemm_case_desc(const struct gemm_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gemm, gemm_cases, gemm_case_desc);

/* Operands are noise: int32 of every sign and size, so sums wrap. */
static void vaccel_exec_test_gemm(struct kunit *test)
{
	const struct gemm_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = vkt_gemm_desc(c->m, c->k, c->n, c->a, c->b, c->c);
	u32 per_row = DIV_ROUND_UP(c->n, max(1U, VACCEL_CHUNK_MACS / c->k));
	struct vaccel_job job;
	struct fake_snap want;
	unsigned int chunks;

	vkt_fake_snapshot(test, fx, &want);
	ref_gemm(vkt_snap_ptr(&want, c->a), vkt_snap_ptr(&want, c->b),
		 vkt_snap_ptr(&want, c->c), c->m, c->k, c->n);
	vkt_make_job(test, &d, &job);
	chunks = vkt_exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, chunks, c->m * per_row);
	vkt_expect_memory(test, fx, &want);
}

/* Wrap-around and signs, worked out by hand. */
static void vaccel_exec_test_gemm_wrap(struct kunit *test)
{
	static const s32 a[4] = { S32_MIN, -1, 0x10000, 3 };
	static const s32 b[4] = { -1, 0x10000, S32_MIN, -7 };
	static const u32 c[4] = { 0, 7, 0x7fff0000, 0xffffffeb };
	struct exec_fixture *fx = test->priv;
	struct tdesc d = vkt_gemm_desc(2, 2, 2, AT(MEM_LO, 0), AT(MEM_DEV, 40),
				   AT(MEM_HI, 4));
	struct vaccel_job job;
	int i;

	for (i = 0; i < 4; i++) {
		put_unaligned_le32(a[i], vkt_mem_ptr(fx, AT(MEM_LO, 4 * i)));
		put_unaligned_le32(b[i], vkt_mem_ptr(fx, AT(MEM_DEV, 40 + 4 * i)));
	}
	vkt_make_job(test, &d, &job);
	vkt_exec_run(test, fx, &job, NULL, 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    get_unaligned_le32(vkt_mem_ptr(fx, AT(MEM_HI, 4 + 4 * i))),
				    c[i], "C element %d", i);
}

struct busy_case {
	const char *name;
	u64 ns;
	enum busy_mode mode;
};

static const struct busy_case busy_cases[] = {
	{ "1 ns", 1, BUSY_EXACT },
	{ "1 chunk", VACCEL_CHUNK_NS, BUSY_EXACT },
	{ "1 chunk + 1", VACCEL_CHUNK_NS + 1, BUSY_EXACT },
	{ "123456789 ns", 123456789, BUSY_EXACT },
	{ "1 s", 1000000000, BUSY_EXACT },
	{ "busy() returns less", 3 * VACCEL_CHUNK_NS + 1, BUSY_SHORT },
	{ "busy() returns more", 5 * VACCEL_CHUNK_NS - 3, BUSY_LONG },
	{ "busy() returns 0", 100, BUSY_ZERO },
};

static void busy_case_desc(const struct busy_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(busy, busy_cases, busy_case_desc);

/*
 * BUSY: the time busy() takes on the fake's clock adds up to value
 * exactly (clamped, and a 0 counts as 1 ns so that the job still ends);
 * each call asks for at most VACCEL_CHUNK_NS and no more than is left
 * (check_chunk()).
 */
static void vaccel_exec_test_busy(struct kunit *test)
{
	const struct busy_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = { .opcode = VACCEL_OP_BUSY, .value = c->ns };
	struct vaccel_job job;
	unsigned int chunks;

	fx->f.busy_mode = c->mode;
	vkt_make_job(test, &d, &job);
	chunks = vkt_exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, job.pos, c->ns);
	KUNIT_EXPECT_EQ(test, fx->f.busy_total_calls, chunks);
	KUNIT_EXPECT_LE(test, fx->f.busy_max_asked, (u64)VACCEL_CHUNK_NS);
	switch (c->mode) {
	case BUSY_OVERSHOOT:
		break;
	case BUSY_EXACT:
		KUNIT_EXPECT_EQ(test, fx->f.busy_total_asked, c->ns);
		KUNIT_EXPECT_EQ(test, chunks,
				DIV_ROUND_UP_ULL(c->ns, VACCEL_CHUNK_NS));
		break;
	case BUSY_LONG:
		KUNIT_EXPECT_EQ(test, chunks,
				DIV_ROUND_UP_ULL(c->ns, 2 * VACCEL_CHUNK_NS + 7));
		break;
	case BUSY_ZERO:
		KUNIT_EXPECT_EQ(test, chunks, (unsigned int)c->ns);
		break;
	case BUSY_SHORT:
		KUNIT_EXPECT_GT(test, chunks,
				(unsigned int)DIV_ROUND_UP_ULL(c->ns,
							       VACCEL_CHUNK_NS));
		break;
	}
	KUNIT_EXPECT_EQ(test, fx->f.rd + fx->f.wr, 0ULL);
}

/*
 * BUSY against the engine's time (struct vaccel_exec_env: mark): every
 * sleep overshoots by 15 us and the engine spends 5 us between chunks.
 * The command still holds the engine for its value: from the start of
 * its first chunk to the end of its last, the clock moves by the value
 * and at most one overshoot more, and that overshoot counts towards the
 * next BUSY.  Counting only the sleeps, it took value * 70 / 65.
 */
static void vaccel_exec_test_busy_overshoot(struct kunit *test)
{
	struct exec_fixture *fx = test->priv;
	struct tdesc d = { .opcode = VACCEL_OP_BUSY, .value = 1000000 };
	struct vaccel_job job;
	u64 mark = 0, t0, chunks = 0;
	unsigned int i;
	int ret;

	fx->f.busy_mode = BUSY_OVERSHOOT;
	fx->env.mark = &mark;
	fx->f.clock = 1000;
	vkt_make_job(test, &d, &job);
	t0 = fx->f.clock;
	do {
		ret = vkt_exec_one(test, fx, &job);
		KUNIT_ASSERT_GE(test, ret, 0);
		if (ret == VACCEL_EXEC_MORE)
			KUNIT_EXPECT_EQ(test, mark, fx->f.clock);
		chunks++;
		if (ret == VACCEL_EXEC_MORE)
			fx->f.clock += 5000;
	} while (ret == VACCEL_EXEC_MORE);
	KUNIT_EXPECT_EQ(test, job.pos, d.value);
	KUNIT_EXPECT_GE(test, fx->f.clock - t0, d.value);
	KUNIT_EXPECT_LE(test, fx->f.clock - t0, d.value + 15000);
	/* The last sleep's overshoot is the next command's. */
	KUNIT_EXPECT_EQ(test, mark, t0 + d.value);
	KUNIT_EXPECT_LE(test, fx->f.busy_max_asked, (u64)VACCEL_CHUNK_NS);
	/* 70 us of engine time per chunk. */
	KUNIT_EXPECT_EQ(test, chunks, DIV_ROUND_UP_ULL(d.value, 70000));

	/*
	 * Four more back to back: overshoots do not add up, the five take
	 * five values of clock time and less than one chunk more.
	 */
	for (i = 0; i < 4; i++) {
		vkt_make_job(test, &d, &job);
		do {
			fx->f.clock += 5000;
			ret = vkt_exec_one(test, fx, &job);
			KUNIT_ASSERT_GE(test, ret, 0);
		} while (ret == VACCEL_EXEC_MORE);
	}
	KUNIT_EXPECT_EQ(test, mark, t0 + 5 * d.value);
	KUNIT_EXPECT_GE(test, fx->f.clock - t0, 5 * d.value);
	KUNIT_EXPECT_LE(test, fx->f.clock - t0, 5 * d.value + 70000);

	/*
	 * A second BUSY after the engine was held up 2 ms between chunks
	 * (say, on the queue lock): that time counted, no sleep is needed.
	 */
	vkt_make_job(test, &d, &job);
	fx->f.clock += 2000000;
	KUNIT_EXPECT_EQ(test, vkt_exec_one(test, fx, &job), VACCEL_EXEC_DONE);
	KUNIT_EXPECT_EQ(test, job.pos, d.value);
	KUNIT_EXPECT_EQ(test, fx->f.busy_calls, 0U);

	/* Just taken by an engine (mark 0): only the chunk's own time. */
	vkt_make_job(test, &d, &job);
	mark = 0;
	fx->f.clock += 2000000;
	KUNIT_EXPECT_EQ(test, vkt_exec_one(test, fx, &job), VACCEL_EXEC_MORE);
	KUNIT_EXPECT_EQ(test, job.pos, (u64)VACCEL_CHUNK_NS + 15000);
}

struct budget_case {
	const char *name;
	struct tdesc (*desc)(void);
	u64 access_ns;
	u64 piece;
};

static struct tdesc budget_copy(void)
{
	return vkt_copy_desc(AT(MEM_LO, 0), AT(MEM_HI, 0), 256 * 1024);
}

static struct tdesc budget_fill(void)
{
	return vkt_fill_desc(AT(MEM_DEV, 8), 256 * 1024, 0x0123456789abcdefULL);
}

static struct tdesc budget_crc(void)
{
	return vkt_crc_desc(AT(MEM_LO, 0), 256 * 1024, AT(MEM_HI, 0), 7);
}

static struct tdesc budget_gemm(void)
{
	return vkt_gemm_desc(4, 256, 256, AT(MEM_LO, 0), AT(MEM_HI, 0),
			     AT(MEM_DEV, 0));
}

/*
 * Memory accesses of the fake take access_ns each: COPY's piece is two
 * accesses, FILL's and CRC32C's one, a GEMM piece (8 elements of C with
 * k = 256) k + 1.
 */
static const struct budget_case budget_cases[] = {
	{ "COPY, 20 us per access", budget_copy, 20000, VACCEL_PIECE_BYTES },
	{ "COPY, 1 s per access", budget_copy, 1000000000, VACCEL_PIECE_BYTES },
	{ "FILL, 20 us per access", budget_fill, 20000, VACCEL_PIECE_BYTES },
	{ "CRC32C, 30 us per access", budget_crc, 30000, VACCEL_PIECE_BYTES },
	{ "GEMM, 100 ns per access", budget_gemm, 100, 8 },
	{ "GEMM, 1 s per access", budget_gemm, 1000000000, 8 },
};

static void budget_case_desc(const struct budget_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(budget, budget_cases, budget_case_desc);

/*
 * A chunk is bounded in time: on a slow clock it stops after the piece
 * that spends VACCEL_CHUNK_NS, long before the byte or MAC cap, yet every
 * chunk moves at least one piece; the command completes.  The time a
 * chunk takes is at most VACCEL_CHUNK_NS plus one piece.  Bounded in
 * bytes only, every chunk would have moved the cap.
 */
static void vaccel_exec_test_time_budget(struct kunit *test)
{
	const struct budget_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = c->desc();
	struct vaccel_job job, before;
	u64 t, piece_ns, pieces, cap, want;
	unsigned int chunks = 0;
	int ret;

	vkt_make_job(test, &d, &job);
	fx->f.access_ns = c->access_ns;
	cap = d.opcode == VACCEL_OP_GEMM ?
	      VACCEL_CHUNK_MACS / d.k : VACCEL_CHUNK_BYTES;
	switch (d.opcode) {
	case VACCEL_OP_COPY:
		piece_ns = 2 * c->access_ns;
		break;
	case VACCEL_OP_GEMM:
		piece_ns = (d.k + 1) * c->access_ns;
		break;
	default:
		piece_ns = c->access_ns;
		break;
	}
	/* Pieces until the budget is spent (at least one). */
	pieces = max_t(u64, 1, div64_u64(VACCEL_CHUNK_NS + piece_ns - 1,
					 piece_ns));
	want = min(pieces * c->piece, cap);
	do {
		before = job;
		t = fx->f.clock;
		ret = vkt_exec_one(test, fx, &job);
		KUNIT_ASSERT_GE(test, ret, 0);
		chunks++;
		KUNIT_EXPECT_GE(test, job.pos - before.pos,
				min(c->piece, vkt_job_total(&job) - before.pos));
		if (ret == VACCEL_EXEC_MORE) {
			KUNIT_EXPECT_EQ_MSG(test, job.pos - before.pos, want,
					    "chunk %u from %llu", chunks,
					    before.pos);
			KUNIT_EXPECT_LT(test, job.pos - before.pos, cap);
		}
		/* GEMM reads its row of A once per chunk, CRC32C writes its result. */
		KUNIT_EXPECT_LE(test, fx->f.clock - t,
				VACCEL_CHUNK_NS + piece_ns +
				(d.opcode == VACCEL_OP_GEMM ||
				 d.opcode == VACCEL_OP_CRC32C ?
				 c->access_ns : 0));
		KUNIT_ASSERT_LE(test, chunks, 100000U);
	} while (ret == VACCEL_EXEC_MORE);
	KUNIT_EXPECT_EQ(test, job.pos, vkt_job_total(&job));
	if (d.opcode == VACCEL_OP_COPY)
		KUNIT_EXPECT_EQ(test, memcmp(vkt_mem_ptr(fx, AT(MEM_HI, 0)),
					     vkt_mem_ptr(fx, AT(MEM_LO, 0)),
					     d.len), 0);
}

/* ---- 3. chunk bounds, counted by the fake ---- */

struct bounds_case {
	const char *name;
	struct tdesc (*desc)(void);
	unsigned int chunks;
	u64 bytes;
};

static struct tdesc bounds_copy(void)
{
	return vkt_copy_desc(AT(MEM_DEV, 1), AT(MEM_HI, 2), 7 * VACCEL_CHUNK_BYTES + 1);
}

static struct tdesc bounds_fill(void)
{
	return vkt_fill_desc(AT(MEM_DEV, 3), 5 * VACCEL_CHUNK_BYTES, 0x1234);
}

static struct tdesc bounds_crc(void)
{
	return vkt_crc_desc(AT(MEM_LO, 0), 4 * VACCEL_CHUNK_BYTES + 2,
			AT(MEM_DEV, 0), 0);
}

static struct tdesc bounds_gemm(void)
{
	return vkt_gemm_desc(2, 1024, 64, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_DEV, 0));
}

static struct tdesc bounds_gemm_k1(void)
{
	return vkt_gemm_desc(3, 1, 1024, AT(MEM_LO, 0), AT(MEM_LO, 64),
			 AT(MEM_DEV, 0));
}

static struct tdesc bounds_gemm_k16(void)
{
	/* VACCEL_CHUNK_MACS / 16 = 1024: exactly one row per chunk. */
	return vkt_gemm_desc(4, 16, 1024, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_DEV, 0));
}

static struct tdesc bounds_gemm_k17(void)
{
	/* 963 columns, then the remaining 61 of each row. */
	return vkt_gemm_desc(2, 17, 1024, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_DEV, 0));
}

static const struct bounds_case bounds_cases[] = {
	{ "COPY 7 chunks + 1", bounds_copy, 8, 2ULL * (7 * VACCEL_CHUNK_BYTES + 1) },
	{ "FILL 5 chunks", bounds_fill, 5, 5ULL * VACCEL_CHUNK_BYTES },
	{ "CRC32C 4 chunks + 2", bounds_crc, 5, 4ULL * VACCEL_CHUNK_BYTES + 2 + 4 },
	/* 16 columns a chunk: A row + 16 x 1024 of B + 16 of C. */
	{ "GEMM 2x1024x64", bounds_gemm, 8,
	  8 * (4ULL * 1024 + 4ULL * 16 * 1024 + 4 * 16) },
	{ "GEMM 3x1x1024", bounds_gemm_k1, 3, 3 * (4ULL + 4 * 1024 + 4 * 1024) },
	{ "GEMM 4x16x1024", bounds_gemm_k16, 4,
	  4 * (4ULL * 16 + 4ULL * 16 * 1024 + 4 * 1024) },
	{ "GEMM 2x17x1024", bounds_gemm_k17, 4,
	  2 * (2 * 4ULL * 17 + 4ULL * 17 * 1024 + 4 * 1024) },
};

static void bounds_case_desc(const struct bounds_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bounds, bounds_cases, bounds_case_desc);

/*
 * The per-chunk bounds are checked by check_chunk() on every chunk of
 * every test; this one also adds the bytes of every chunk up, and checks
 * the number of chunks, for commands that need many.
 */
static void vaccel_exec_test_chunk_bounds(struct kunit *test)
{
	const struct bounds_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = c->desc();
	struct vaccel_job job;
	unsigned int chunks = 0;
	u64 total = 0, bytes;
	int ret;

	vkt_make_job(test, &d, &job);
	do {
		ret = vkt_exec_one(test, fx, &job);
		KUNIT_ASSERT_GE(test, ret, 0);
		bytes = fx->f.rd + fx->f.wr;
		total += bytes;
		if (job.opcode == VACCEL_OP_GEMM)
			KUNIT_EXPECT_LE(test, fx->f.watch[W_SRC2].rd / 4,
					(u64)VACCEL_CHUNK_MACS);
		else
			KUNIT_EXPECT_LE(test, max(fx->f.rd, fx->f.wr),
					(u64)VACCEL_CHUNK_BYTES +
					(job.opcode == VACCEL_OP_CRC32C ? 4 : 0));
		chunks++;
		KUNIT_ASSERT_LE(test, chunks, 100U);
	} while (ret == VACCEL_EXEC_MORE);
	KUNIT_EXPECT_EQ(test, chunks, c->chunks);
	KUNIT_EXPECT_EQ(test, total, c->bytes);
}

/* ---- 4. resuming a saved job ---- */

#define RESUME_JOBS	5
#define RESUME_MAX_POS	64

static void resume_descs(struct tdesc *d)
{
	d[0] = vkt_copy_desc(AT(MEM_LO, 0), AT(MEM_DEV, 1),
			     3 * VACCEL_CHUNK_BYTES + 13);
	d[1] = vkt_fill_desc(AT(MEM_HI, 1), 2 * VACCEL_CHUNK_BYTES + 7,
			     0x0123456789abcdefULL);
	d[2] = vkt_crc_desc(AT(MEM_DEV, SZ_256K + 3), 2 * VACCEL_CHUNK_BYTES + 3,
			    AT(MEM_LO, 300 * 1024 + 1), 0x12345678);
	d[3] = vkt_gemm_desc(3, 1024, 64, AT(MEM_LO, 320 * 1024),
			     AT(MEM_HI, SZ_256K), AT(MEM_LO, 340 * 1024));
	d[4] = (struct tdesc){ .opcode = VACCEL_OP_BUSY,
			       .value = 3 * VACCEL_CHUNK_NS + 17 };
}

/*
 * Jobs run alone, one after the other, then again from the same memory
 * interleaved chunk by chunk: each job is saved by value after every
 * chunk (the saved copy is all that is kept), resumed from a fresh copy,
 * with the scratch buffer clobbered and swapped between two buffers.
 * Memory and the sequence of pos of every job must come out the same.
 */
static void vaccel_exec_test_resume(struct kunit *test)
{
	struct exec_fixture *fx = test->priv;
	struct tdesc d[RESUME_JOBS];
	struct vaccel_job saved[RESUME_JOBS], live;
	u64 (*alone)[RESUME_MAX_POS], (*mixed)[RESUME_MAX_POS];
	unsigned int n_alone[RESUME_JOBS], n_mixed[RESUME_JOBS] = {};
	unsigned int i, running, step = 0;
	struct fake_snap after_alone, after_mixed;
	int ret;

	alone = kunit_kzalloc(test, RESUME_JOBS * sizeof(*alone), GFP_KERNEL);
	mixed = kunit_kzalloc(test, RESUME_JOBS * sizeof(*mixed), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, alone);
	KUNIT_ASSERT_NOT_NULL(test, mixed);
	resume_descs(d);

	for (i = 0; i < RESUME_JOBS; i++) {
		vkt_make_job(test, &d[i], &live);
		n_alone[i] = vkt_exec_run(test, fx, &live, alone[i], RESUME_MAX_POS);
		KUNIT_ASSERT_LE(test, n_alone[i], RESUME_MAX_POS);
		KUNIT_EXPECT_GT(test, n_alone[i], 1U);
	}
	vkt_fake_snapshot(test, fx, &after_alone);

	vkt_fake_reset_memory(fx);
	for (i = 0; i < RESUME_JOBS; i++)
		vkt_make_job(test, &d[i], &saved[i]);
	running = RESUME_JOBS;
	while (running) {
		for (i = 0; i < RESUME_JOBS; i++) {
			if (n_mixed[i] && saved[i].pos == vkt_job_total(&saved[i]))
				continue;
			live = saved[i];
			fx->env.scratch = fx->scratch[step++ % 2];
			ret = vkt_exec_one(test, fx, &live);
			KUNIT_ASSERT_GE(test, ret, 0);
			KUNIT_ASSERT_LT(test, n_mixed[i], RESUME_MAX_POS);
			mixed[i][n_mixed[i]++] = live.pos;
			saved[i] = live;
			memset(&live, 0x5a, sizeof(live));
			if (ret == VACCEL_EXEC_DONE)
				running--;
		}
	}
	vkt_fake_snapshot(test, fx, &after_mixed);

	for (i = 0; i < RESUME_JOBS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, n_mixed[i], n_alone[i], "job %u", i);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(mixed[i], alone[i],
						 sizeof(alone[i])), 0,
				    "job %u", i);
	}
	vkt_expect_memory(test, fx, &after_alone);
	/* And the jobs did what they should, not merely the same twice. */
	KUNIT_EXPECT_EQ(test, memcmp(vkt_mem_ptr(fx, AT(MEM_DEV, 1)),
				     vkt_mem_ptr(fx, AT(MEM_LO, 0)),
				     3 * VACCEL_CHUNK_BYTES + 13), 0);
	KUNIT_EXPECT_EQ(test,
			get_unaligned_le32(vkt_mem_ptr(fx, AT(MEM_LO, 300 * 1024 + 1))),
			ref_crc32c(0x12345678,
				   vkt_mem_ptr(fx, AT(MEM_DEV, SZ_256K + 3)),
				   2 * VACCEL_CHUNK_BYTES + 3));
}

/* ---- 5. DMA faults ---- */

struct fault_case {
	const char *name;
	struct tdesc (*desc)(void);
	int unmap_after;	/* chunks before MEM_AUX is unmapped; -1: never */
};

static struct tdesc fault_copy_src_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_COPY, .len = 100,
			       .src = IOVA_HOLE, .dst = vkt_loc_addr(AT(MEM_LO, 0)) };
}

static struct tdesc fault_copy_dst_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_COPY, .len = 100,
			       .src = vkt_loc_addr(AT(MEM_LO, 0)), .dst = IOVA_HOLE };
}

static struct tdesc fault_copy_src_straddles(void)
{
	return vkt_copy_desc(AT(MEM_LO, SZ_512K - 8), AT(MEM_HI, 0), 16);
}

static struct tdesc fault_copy_dst_straddles(void)
{
	return vkt_copy_desc(AT(MEM_DEV, 0), AT(MEM_HI, SZ_512K - 1), 2);
}

static struct tdesc fault_fill_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_FILL, .len = 10,
			       .dst = IOVA_HOLE - 5 };
}

static struct tdesc fault_crc_src_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_CRC32C, .len = 10,
			       .src = IOVA_HOLE, .dst = vkt_loc_addr(AT(MEM_LO, 0)) };
}

static struct tdesc fault_crc_dst_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_CRC32C, .len = 10,
			       .src = vkt_loc_addr(AT(MEM_LO, 0)),
			       .dst = vkt_loc_addr(AT(MEM_LO, SZ_512K - 2)) };
}

static struct tdesc fault_gemm_a_hole(void)
{
	struct tdesc d = vkt_gemm_desc(2, 3, 4, AT(MEM_LO, 0), AT(MEM_LO, 64),
				   AT(MEM_DEV, 0));

	d.src = IOVA_HOLE;
	return d;
}

static struct tdesc fault_gemm_b_hole(void)
{
	/* B's first row is mapped, its second is not. */
	return vkt_gemm_desc(2, 3, 4, AT(MEM_LO, 0), AT(MEM_LO, SZ_512K - 16),
			 AT(MEM_DEV, 0));
}

static struct tdesc fault_gemm_c_hole(void)
{
	struct tdesc d = vkt_gemm_desc(2, 3, 4, AT(MEM_LO, 0), AT(MEM_LO, 64),
				   AT(MEM_DEV, 0));

	d.flags = 0;
	d.dst = IOVA_HOLE;
	return d;
}

static struct tdesc fault_copy_from_aux(void)
{
	return vkt_copy_desc(AT(MEM_AUX, 0), AT(MEM_LO, 0), 3 * VACCEL_CHUNK_BYTES);
}

static struct tdesc fault_copy_to_aux(void)
{
	return vkt_copy_desc(AT(MEM_DEV, 0), AT(MEM_AUX, 1), 3 * VACCEL_CHUNK_BYTES);
}

static struct tdesc fault_fill_aux(void)
{
	return vkt_fill_desc(AT(MEM_AUX, 0), 2 * VACCEL_CHUNK_BYTES, 0x77);
}

static struct tdesc fault_crc_from_aux(void)
{
	return vkt_crc_desc(AT(MEM_AUX, 0), 2 * VACCEL_CHUNK_BYTES + 1,
			AT(MEM_LO, 0), 0);
}

static struct tdesc fault_crc_to_aux(void)
{
	return vkt_crc_desc(AT(MEM_LO, 0), 2 * VACCEL_CHUNK_BYTES + 1,
			AT(MEM_AUX, 8), 0);
}

static struct tdesc fault_gemm_c_aux(void)
{
	return vkt_gemm_desc(3, 1024, 64, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_AUX, 0));
}

static struct tdesc fault_gemm_b_aux(void)
{
	return vkt_gemm_desc(3, 1024, 64, AT(MEM_LO, 0), AT(MEM_AUX, 0),
			 AT(MEM_DEV, 0));
}

static const struct fault_case fault_cases[] = {
	{ "COPY src unmapped", fault_copy_src_hole, -1 },
	{ "COPY dst unmapped", fault_copy_dst_hole, -1 },
	{ "COPY src straddles a region end", fault_copy_src_straddles, -1 },
	{ "COPY dst straddles a region end", fault_copy_dst_straddles, -1 },
	{ "FILL dst unmapped", fault_fill_hole, -1 },
	{ "CRC32C src unmapped", fault_crc_src_hole, -1 },
	{ "CRC32C result unmapped", fault_crc_dst_hole, -1 },
	{ "GEMM A unmapped", fault_gemm_a_hole, -1 },
	{ "GEMM B partly unmapped", fault_gemm_b_hole, -1 },
	{ "GEMM C unmapped", fault_gemm_c_hole, -1 },
	{ "COPY src unmapped before chunk 1", fault_copy_from_aux, 0 },
	{ "COPY src unmapped after chunk 1", fault_copy_from_aux, 1 },
	{ "COPY dst unmapped after chunk 2", fault_copy_to_aux, 2 },
	{ "FILL dst unmapped after chunk 1", fault_fill_aux, 1 },
	{ "CRC32C src unmapped after chunk 2", fault_crc_from_aux, 2 },
	{ "CRC32C result unmapped after chunk 2", fault_crc_to_aux, 2 },
	{ "GEMM C unmapped mid-row", fault_gemm_c_aux, 5 },
	{ "GEMM B unmapped after chunk 1", fault_gemm_b_aux, 1 },
};

static void fault_case_desc(const struct fault_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fault, fault_cases, fault_case_desc);

/*
 * A command whose operand is not mapped, or stops being mapped while it
 * runs, fails with DMA on the first chunk that needs it: the job is left
 * as before that chunk (vkt_exec_one()), and nothing is accessed once an
 * access failed, least of all the unmapped region.
 */
static void vaccel_exec_test_dma_fault(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct fake_region *aux = &fx->f.mem[MEM_AUX];
	struct tdesc d = c->desc();
	struct vaccel_job job, before;
	struct fake_snap at_unmap;
	u64 aux_rd = 0, aux_wr = 0;
	int chunks = 0, ret;

	vkt_make_job(test, &d, &job);
	for (;;) {
		if (chunks == c->unmap_after) {
			aux->mapped = false;
			aux_rd = aux->rd;
			aux_wr = aux->wr;
			vkt_fake_snapshot(test, fx, &at_unmap);
		}
		before = job;
		ret = vkt_exec_one(test, fx, &job);
		chunks++;
		if (ret != VACCEL_EXEC_MORE)
			break;
		KUNIT_ASSERT_LE(test, chunks, 20);
	}
	KUNIT_EXPECT_EQ(test, ret, -VACCEL_QERR_DMA);
	KUNIT_EXPECT_EQ(test, chunks, c->unmap_after < 0 ? 1 : c->unmap_after + 1);
	KUNIT_EXPECT_TRUE(test, vkt_job_eq(&job, &before));
	KUNIT_EXPECT_EQ(test, fx->f.faults, 1U);
	KUNIT_EXPECT_EQ(test, fx->f.calls_after_fault, 0U);
	if (c->unmap_after >= 0) {
		KUNIT_EXPECT_EQ(test, aux->rd, aux_rd);
		KUNIT_EXPECT_EQ(test, aux->wr, aux_wr);
		KUNIT_EXPECT_EQ(test, memcmp(aux->buf, at_unmap.buf[MEM_AUX],
					     aux->size), 0);
		/* The job had made progress up to the unmap. */
		KUNIT_EXPECT_EQ(test, job.pos > 0, c->unmap_after > 0);
	}
}

static struct kunit_case vaccel_exec_cases[] = {
	KUNIT_CASE_PARAM(vaccel_exec_test_check, vaccel_exec_check_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_check_precedence,
			 vaccel_exec_precedence_gen_params),
	KUNIT_CASE(vaccel_exec_test_check_byte_order),
	KUNIT_CASE(vaccel_exec_test_nop_fence),
	KUNIT_CASE_PARAM(vaccel_exec_test_copy, copy_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_fill, fill_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_crc32c, crc_gen_params),
	KUNIT_CASE(vaccel_exec_test_crc32c_chain),
	KUNIT_CASE_PARAM(vaccel_exec_test_gemm, gemm_gen_params),
	KUNIT_CASE(vaccel_exec_test_gemm_wrap),
	KUNIT_CASE_PARAM(vaccel_exec_test_busy, busy_gen_params),
	KUNIT_CASE(vaccel_exec_test_busy_overshoot),
	KUNIT_CASE_PARAM(vaccel_exec_test_time_budget, budget_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_chunk_bounds, bounds_gen_params),
	KUNIT_CASE(vaccel_exec_test_resume),
	KUNIT_CASE_PARAM(vaccel_exec_test_dma_fault, fault_gen_params),
	{ }
};

static struct kunit_suite vaccel_exec_suite = {
	.name = "vaccel_exec",
	.init = vkt_exec_init,
	.test_cases = vaccel_exec_cases,
};

kunit_test_suite(vaccel_exec_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
