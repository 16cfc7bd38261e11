// SPDX-License-Identifier: GPL-2.0
/*
 * The descriptor validation cases of the KUnit suite vaccel_exec, which
 * exec_test.c defines.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "exec_fixture.h"
#include "exec_test.h"

/* ---- 1. descriptor validation ---- */

struct check_case {
	const char *name;
	struct tdesc d;
	bool no_dev_mem;	/* device memory size 0, else DEV_SIZE */
	int err;
};

#define OK	0
#define TOP	U64_MAX		/* 2^64 - 1 */
#define MIB	DEV_SIZE
#define F_IRQ	VACCEL_DESC_F_IRQ
#define F_S	VACCEL_DESC_F_SRC_DEV
#define F_S2	VACCEL_DESC_F_SRC2_DEV
#define F_D	VACCEL_DESC_F_DST_DEV
#define OP(x)	.opcode = VACCEL_OP_##x

static const struct check_case check_cases[] = {
	/* Good, every opcode, with boundary values. */
	{ "NOP", { OP(NOP) }, false, OK },
	{ "NOP IRQ", { OP(NOP), .flags = F_IRQ }, false, OK },
	{ "FENCE 0", { OP(FENCE) }, false, OK },
	{ "FENCE ~0 IRQ", { OP(FENCE), .flags = F_IRQ, .value = TOP }, false, OK },
	{ "COPY len 1", { OP(COPY), .len = 1, .src = 0, .dst = 1 }, false, OK },
	{ "COPY len 2^30", { OP(COPY), .len = 1U << 30, .src = 0,
			     .dst = 1ULL << 30 }, false, OK },
	{ "COPY src ends at 2^64-1", { OP(COPY), .len = 8, .src = TOP - 8,
				       .dst = 0 }, false, OK },
	{ "COPY dst ends at 2^64-1, len 2^30",
	  { OP(COPY), .len = 1U << 30, .src = 0, .dst = TOP - (1ULL << 30) },
	  false, OK },
	{ "COPY dev ends at dev size", { OP(COPY), .flags = F_S | F_D | F_IRQ,
					 .len = MIB / 2, .src = MIB / 2,
					 .dst = 0 }, false, OK },
	{ "COPY dev->dev adjacent", { OP(COPY), .flags = F_S | F_D, .len = 16,
				      .src = 100, .dst = 116 }, false, OK },
	{ "COPY dev<-dev adjacent", { OP(COPY), .flags = F_S | F_D, .len = 16,
				      .src = 116, .dst = 100 }, false, OK },
	{ "COPY same numbers, iova->dev", { OP(COPY), .flags = F_D, .len = 64,
					    .src = 4096, .dst = 4096 }, false, OK },
	{ "COPY same numbers, dev->iova", { OP(COPY), .flags = F_S, .len = 64,
					    .src = 4096, .dst = 4096 }, false, OK },
	{ "COPY iova->iova, no dev mem", { OP(COPY), .len = 64, .src = 0,
					   .dst = 64 }, true, OK },
	{ "FILL len 1", { OP(FILL), .len = 1, .dst = 0, .value = TOP }, false, OK },
	{ "FILL dev to dev size", { OP(FILL), .flags = F_D, .len = 7,
				    .dst = MIB - 7, .value = 1 }, false, OK },
	{ "FILL ends at 2^64-1", { OP(FILL), .len = 100, .dst = TOP - 100 },
	  false, OK },
	{ "CRC32C seed 2^32-1", { OP(CRC32C), .len = 9, .src = 0, .dst = 64,
				  .value = U32_MAX }, false, OK },
	{ "CRC32C dev, result at dev end",
	  { OP(CRC32C), .flags = F_S | F_D | F_IRQ, .len = 1U << 20, .src = 0,
	    .dst = MIB - 4 }, false, OK },
	{ "CRC32C result inside source", { OP(CRC32C), .len = 64, .src = 0,
					   .dst = 8 }, false, OK },
	{ "CRC32C result ends at 2^64-1", { OP(CRC32C), .len = 1, .src = 0,
					    .dst = TOP - 4 }, false, OK },
	{ "GEMM 1x1x1", { OP(GEMM), .src = 0, .src2 = 4, .dst = 8, .m = 1,
			  .n = 1, .k = 1 }, false, OK },
	{ "GEMM 1024^3", { OP(GEMM), .src = 0, .src2 = 4 * MIB, .dst = 8 * MIB,
			   .m = 1024, .n = 1024, .k = 1024 }, false, OK },
	{ "GEMM dev, C ends at dev size",
	  { OP(GEMM), .flags = F_S | F_S2 | F_D | F_IRQ, .src = 0, .src2 = 4096,
	    .dst = MIB - 4 * 2 * 3, .m = 2, .n = 3, .k = 1024 }, false, OK },
	{ "GEMM A and B the same", { OP(GEMM), .src = 0, .src2 = 0,
				     .dst = 4 * 16, .m = 4, .n = 4, .k = 4 },
	  false, OK },
	{ "GEMM C adjacent to A and B", { OP(GEMM), .src = 0, .src2 = 64 + 48,
					  .dst = 64, .m = 4, .n = 3, .k = 4 },
	  false, OK },
	{ "GEMM C iova, A B dev, same numbers",
	  { OP(GEMM), .flags = F_S | F_S2, .src = 0, .src2 = 0, .dst = 0,
	    .m = 8, .n = 8, .k = 8 }, false, OK },
	{ "GEMM C ends at 2^64-1", { OP(GEMM), .src = 0, .src2 = 0,
				     .dst = TOP - 16, .m = 2, .n = 2, .k = 1 },
	  false, OK },
	{ "BUSY 1 ns", { OP(BUSY), .value = 1 }, false, OK },
	{ "BUSY 1 s IRQ", { OP(BUSY), .flags = F_IRQ, .value = 1000000000 },
	  false, OK },

	/* OPCODE */
	{ "opcode 7", { .opcode = VACCEL_OP_COUNT }, false, VACCEL_QERR_OPCODE },
	{ "opcode 0xffff", { .opcode = 0xffff }, false, VACCEL_QERR_OPCODE },
	{ "opcode 0x100", { .opcode = 0x100 }, false, VACCEL_QERR_OPCODE },

	/* FLAGS */
	{ "flag bit 4", { OP(NOP), .flags = BIT(4) }, false, VACCEL_QERR_FLAGS },
	{ "flag bit 15 on COPY", { OP(COPY), .flags = BIT(15), .len = 1, .dst = 1 },
	  false, VACCEL_QERR_FLAGS },
	{ "NOP SRC_DEV", { OP(NOP), .flags = F_S }, false, VACCEL_QERR_FLAGS },
	{ "FENCE DST_DEV", { OP(FENCE), .flags = F_D }, false, VACCEL_QERR_FLAGS },
	{ "COPY SRC2_DEV", { OP(COPY), .flags = F_S2, .len = 1, .dst = 1 },
	  false, VACCEL_QERR_FLAGS },
	{ "FILL SRC_DEV", { OP(FILL), .flags = F_S, .len = 1 },
	  false, VACCEL_QERR_FLAGS },
	{ "FILL SRC2_DEV", { OP(FILL), .flags = F_S2, .len = 1 },
	  false, VACCEL_QERR_FLAGS },
	{ "CRC32C SRC2_DEV", { OP(CRC32C), .flags = F_S2, .len = 1, .dst = 8 },
	  false, VACCEL_QERR_FLAGS },
	{ "BUSY DST_DEV", { OP(BUSY), .flags = F_D, .value = 1 },
	  false, VACCEL_QERR_FLAGS },

	/* RESERVED */
	{ "NOP len", { OP(NOP), .len = 1 }, false, VACCEL_QERR_RESERVED },
	{ "NOP value", { OP(NOP), .value = 1 }, false, VACCEL_QERR_RESERVED },
	{ "NOP rsvd", { OP(NOP), .rsvd = 1 }, false, VACCEL_QERR_RESERVED },
	{ "FENCE src", { OP(FENCE), .src = 1 }, false, VACCEL_QERR_RESERVED },
	{ "FENCE k", { OP(FENCE), .k = 1 }, false, VACCEL_QERR_RESERVED },
	{ "COPY value", { OP(COPY), .len = 1, .dst = 1, .value = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "COPY src2", { OP(COPY), .len = 1, .dst = 1, .src2 = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "COPY m", { OP(COPY), .len = 1, .dst = 1, .m = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "FILL src", { OP(FILL), .len = 1, .src = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "CRC32C src2", { OP(CRC32C), .len = 1, .dst = 8, .src2 = 8 },
	  false, VACCEL_QERR_RESERVED },
	{ "CRC32C n", { OP(CRC32C), .len = 1, .dst = 8, .n = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "GEMM len", { OP(GEMM), .len = 1, .dst = 64, .m = 1, .n = 1, .k = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "GEMM value", { OP(GEMM), .value = 1, .dst = 64, .m = 1, .n = 1,
			  .k = 1 }, false, VACCEL_QERR_RESERVED },
	{ "GEMM rsvd", { OP(GEMM), .rsvd = 0x80000000, .dst = 64, .m = 1,
			 .n = 1, .k = 1 }, false, VACCEL_QERR_RESERVED },
	{ "BUSY dst", { OP(BUSY), .value = 1, .dst = 1 },
	  false, VACCEL_QERR_RESERVED },
	{ "BUSY m", { OP(BUSY), .value = 1, .m = 1 },
	  false, VACCEL_QERR_RESERVED },

	/* LENGTH */
	{ "COPY len 0", { OP(COPY), .len = 0, .dst = 1 }, false, VACCEL_QERR_LENGTH },
	{ "COPY len 2^30+1", { OP(COPY), .len = (1U << 30) + 1,
			       .dst = 1ULL << 31 }, false, VACCEL_QERR_LENGTH },
	{ "FILL len 0", { OP(FILL), .len = 0 }, false, VACCEL_QERR_LENGTH },
	{ "CRC32C len ~0", { OP(CRC32C), .len = U32_MAX, .dst = 1ULL << 33 },
	  false, VACCEL_QERR_LENGTH },

	/* MATRIX */
	{ "GEMM m 0", { OP(GEMM), .dst = 64, .m = 0, .n = 1, .k = 1 },
	  false, VACCEL_QERR_MATRIX },
	{ "GEMM n 0", { OP(GEMM), .dst = 64, .m = 1, .n = 0, .k = 1 },
	  false, VACCEL_QERR_MATRIX },
	{ "GEMM k 0", { OP(GEMM), .dst = 64, .m = 1, .n = 1, .k = 0 },
	  false, VACCEL_QERR_MATRIX },
	{ "GEMM m 1025", { OP(GEMM), .dst = 64, .m = 1025, .n = 1, .k = 1 },
	  false, VACCEL_QERR_MATRIX },
	{ "GEMM n 1025", { OP(GEMM), .dst = 64, .m = 1, .n = 1025, .k = 1 },
	  false, VACCEL_QERR_MATRIX },
	{ "GEMM k 1025", { OP(GEMM), .dst = 64, .m = 1, .n = 1, .k = 1025 },
	  false, VACCEL_QERR_MATRIX },
	{ "GEMM k ~0", { OP(GEMM), .dst = 64, .m = 1, .n = 1, .k = U32_MAX },
	  false, VACCEL_QERR_MATRIX },

	/* VALUE */
	{ "CRC32C seed 2^32", { OP(CRC32C), .len = 1, .dst = 8,
				.value = 1ULL << 32 }, false, VACCEL_QERR_VALUE },
	{ "CRC32C seed ~0", { OP(CRC32C), .len = 1, .dst = 8, .value = TOP },
	  false, VACCEL_QERR_VALUE },
	{ "BUSY 0", { OP(BUSY), .value = 0 }, false, VACCEL_QERR_VALUE },
	{ "BUSY 1 s + 1 ns", { OP(BUSY), .value = 1000000001 },
	  false, VACCEL_QERR_VALUE },
	{ "BUSY ~0", { OP(BUSY), .value = TOP }, false, VACCEL_QERR_VALUE },

	/* RANGE */
	{ "COPY src wraps", { OP(COPY), .len = 8, .src = TOP - 3, .dst = 0 },
	  false, VACCEL_QERR_RANGE },
	{ "COPY src ends at 2^64", { OP(COPY), .len = 8, .src = TOP - 7,
				     .dst = 0 }, false, VACCEL_QERR_RANGE },
	{ "COPY dst ends at 2^64", { OP(COPY), .len = 8, .src = 0,
				     .dst = TOP - 7 }, false, VACCEL_QERR_RANGE },
	{ "FILL last byte 2^64-1", { OP(FILL), .len = 1, .dst = TOP },
	  false, VACCEL_QERR_RANGE },
	{ "COPY dev src 1 past end", { OP(COPY), .flags = F_S, .len = 8,
				       .src = MIB - 7, .dst = 0 },
	  false, VACCEL_QERR_RANGE },
	{ "COPY dev dst at dev size", { OP(COPY), .flags = F_D, .len = 1,
					.src = 0, .dst = MIB },
	  false, VACCEL_QERR_RANGE },
	{ "COPY dev offset+len overflows", { OP(COPY), .flags = F_S, .len = 8,
					     .src = TOP - 1, .dst = 0 },
	  false, VACCEL_QERR_RANGE },
	{ "COPY dev offset huge, no overflow", { OP(COPY), .flags = F_D, .len = 8,
						 .src = 0, .dst = TOP - 8 },
	  false, VACCEL_QERR_RANGE },
	{ "COPY dev len 2^30 > dev size", { OP(COPY), .flags = F_D,
					    .len = 1U << 30, .src = 0, .dst = 0 },
	  false, VACCEL_QERR_RANGE },
	{ "COPY dev, no dev memory", { OP(COPY), .flags = F_D, .len = 1,
				       .src = 0, .dst = 0 },
	  true, VACCEL_QERR_RANGE },
	{ "FILL dev past end", { OP(FILL), .flags = F_D, .len = 8,
				 .dst = MIB - 4 }, false, VACCEL_QERR_RANGE },
	{ "CRC32C result wraps", { OP(CRC32C), .len = 1, .src = 0,
				   .dst = TOP - 2 }, false, VACCEL_QERR_RANGE },
	{ "CRC32C result past dev end", { OP(CRC32C), .flags = F_D, .len = 1,
					  .src = 0, .dst = MIB - 3 },
	  false, VACCEL_QERR_RANGE },
	{ "CRC32C dev src past end", { OP(CRC32C), .flags = F_S, .len = 2,
				       .src = MIB - 1, .dst = 0 },
	  false, VACCEL_QERR_RANGE },
	{ "GEMM A past dev end", { OP(GEMM), .flags = F_S, .src = MIB - 4 * 7,
				   .src2 = 0, .dst = 4096, .m = 2, .n = 1,
				   .k = 4 }, false, VACCEL_QERR_RANGE },
	{ "GEMM B wraps", { OP(GEMM), .src = 0, .src2 = TOP - 4 * 1023,
			    .dst = 1 << 20, .m = 1, .n = 1024, .k = 1 },
	  false, VACCEL_QERR_RANGE },
	{ "GEMM C past dev end", { OP(GEMM), .flags = F_D, .src = 0, .src2 = 0,
				   .dst = MIB - 4 * 1024 * 2 + 4, .m = 2,
				   .n = 1024, .k = 1 },
	  false, VACCEL_QERR_RANGE },
	{ "GEMM 1024^3 in dev", { OP(GEMM), .flags = F_S | F_S2 | F_D,
				  .src = 0, .src2 = 0, .dst = 0, .m = 1024,
				  .n = 1024, .k = 1024 },
	  false, VACCEL_QERR_RANGE },

	/* OVERLAP */
	{ "COPY onto itself", { OP(COPY), .len = 8, .src = 64, .dst = 64 },
	  false, VACCEL_QERR_OVERLAP },
	{ "COPY dst in last src byte", { OP(COPY), .len = 8, .src = 64,
					 .dst = 71 }, false, VACCEL_QERR_OVERLAP },
	{ "COPY src in last dst byte", { OP(COPY), .len = 8, .src = 71,
					 .dst = 64 }, false, VACCEL_QERR_OVERLAP },
	{ "COPY dev->dev overlap", { OP(COPY), .flags = F_S | F_D, .len = 4096,
				     .src = 0, .dst = 2048 },
	  false, VACCEL_QERR_OVERLAP },
	{ "COPY 1 byte onto itself at 2^64-2",
	  { OP(COPY), .len = 1, .src = TOP - 1, .dst = TOP - 1 },
	  false, VACCEL_QERR_OVERLAP },
	{ "GEMM C is A", { OP(GEMM), .src = 0, .src2 = 4096, .dst = 0, .m = 2,
			   .n = 2, .k = 2 }, false, VACCEL_QERR_OVERLAP },
	{ "GEMM C meets end of B, dev",
	  { OP(GEMM), .flags = F_S | F_S2 | F_D, .src = 0, .src2 = 4096,
	    .dst = 4096 + 4 * 2 * 3 - 4, .m = 1, .n = 3, .k = 2 },
	  false, VACCEL_QERR_OVERLAP },
	{ "GEMM C meets start of A", { OP(GEMM), .src = 100, .src2 = 4096,
				       .dst = 100 - 4 * 3 + 4, .m = 1, .n = 3,
				       .k = 2 }, false, VACCEL_QERR_OVERLAP },
};

/* Descriptors with two faults: the first in the documented order wins. */
static const struct check_case precedence_cases[] = {
	{ "OPCODE before FLAGS", { .opcode = 9, .flags = BIT(7) },
	  false, VACCEL_QERR_OPCODE },
	{ "OPCODE before RESERVED", { .opcode = 7, .rsvd = 1 },
	  false, VACCEL_QERR_OPCODE },
	{ "FLAGS before RESERVED", { OP(NOP), .flags = F_S, .len = 4 },
	  false, VACCEL_QERR_FLAGS },
	{ "FLAGS before LENGTH", { OP(FILL), .flags = F_S, .len = 0 },
	  false, VACCEL_QERR_FLAGS },
	{ "RESERVED before LENGTH", { OP(FILL), .src = 1, .len = 0 },
	  false, VACCEL_QERR_RESERVED },
	{ "RESERVED before MATRIX", { OP(GEMM), .len = 1, .m = 0, .n = 1,
				      .k = 1 }, false, VACCEL_QERR_RESERVED },
	{ "RESERVED before VALUE", { OP(BUSY), .rsvd = 1, .value = 0 },
	  false, VACCEL_QERR_RESERVED },
	{ "LENGTH before VALUE", { OP(CRC32C), .len = 0, .dst = 8,
				   .value = 1ULL << 32 }, false, VACCEL_QERR_LENGTH },
	{ "LENGTH before RANGE", { OP(COPY), .len = (1U << 30) + 1,
				   .src = TOP - 10, .dst = 0 },
	  false, VACCEL_QERR_LENGTH },
	{ "MATRIX before RANGE", { OP(GEMM), .src = TOP, .m = 1025, .n = 1,
				   .k = 1 }, false, VACCEL_QERR_MATRIX },
	{ "VALUE before RANGE", { OP(CRC32C), .len = 4, .src = TOP - 1,
				  .dst = 8, .value = 1ULL << 32 },
	  false, VACCEL_QERR_VALUE },
	{ "RANGE before OVERLAP", { OP(COPY), .flags = F_S | F_D, .len = 8,
				    .src = MIB - 4, .dst = MIB - 4 },
	  false, VACCEL_QERR_RANGE },
	/* C (8 bytes) starts on A (4 bytes) and reaches past the end. */
	{ "RANGE before OVERLAP, GEMM", { OP(GEMM), .flags = F_S | F_S2 | F_D,
					  .src = MIB - 4, .src2 = 0,
					  .dst = MIB - 4, .m = 1, .n = 2,
					  .k = 1 },
	  false, VACCEL_QERR_RANGE },
};

static void check_case_desc(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_case_desc);
KUNIT_ARRAY_PARAM(precedence, precedence_cases, check_case_desc);

/* For the case list of vaccel_exec: KUNIT_ARRAY_PARAM() makes them static. */
const void *vaccel_exec_check_gen_params(const void *prev, char *desc)
{
	return check_gen_params(prev, desc);
}

const void *vaccel_exec_precedence_gen_params(const void *prev, char *desc)
{
	return precedence_gen_params(prev, desc);
}

static void run_check_case(struct kunit *test, const struct check_case *c)
{
	struct vaccel_desc d;
	struct vaccel_job job, untouched;
	int ret;

	vkt_tdesc_encode(&c->d, &d);
	memset(&job, 0x5a, sizeof(job));
	memset(&untouched, 0x5a, sizeof(untouched));
	ret = vaccel_desc_check(&d, c->no_dev_mem ? 0 : DEV_SIZE, &job);
	KUNIT_EXPECT_EQ(test, ret, c->err);
	if (ret) {
		/* A refused descriptor leaves the job alone. */
		KUNIT_EXPECT_EQ(test, memcmp(&job, &untouched, sizeof(job)), 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, job.opcode, c->d.opcode);
	KUNIT_EXPECT_EQ(test, job.flags, c->d.flags);
	KUNIT_EXPECT_EQ(test, job.len, c->d.len);
	KUNIT_EXPECT_EQ(test, job.src, c->d.src);
	KUNIT_EXPECT_EQ(test, job.src2, c->d.src2);
	KUNIT_EXPECT_EQ(test, job.dst, c->d.dst);
	KUNIT_EXPECT_EQ(test, job.value, c->d.value);
	KUNIT_EXPECT_EQ(test, job.m, c->d.m);
	KUNIT_EXPECT_EQ(test, job.n, c->d.n);
	KUNIT_EXPECT_EQ(test, job.k, c->d.k);
	KUNIT_EXPECT_EQ(test, job.pos, 0ULL);
	if (c->d.opcode == VACCEL_OP_CRC32C)
		KUNIT_EXPECT_EQ(test, job.crc, ~(u32)c->d.value);
}

void vaccel_exec_test_check(struct kunit *test)
{
	run_check_case(test, test->param_value);
}

void vaccel_exec_test_check_precedence(struct kunit *test)
{
	run_check_case(test, test->param_value);
}

/* Fields are little endian in the descriptor whatever the CPU. */
void vaccel_exec_test_check_byte_order(struct kunit *test)
{
	struct vaccel_desc d = {};
	struct vaccel_job job;
	u8 *raw = (u8 *)&d;

	BUILD_BUG_ON(sizeof(d) != VACCEL_DESC_SIZE);
	raw[0x00] = VACCEL_OP_CRC32C;
	raw[0x04] = 0x01;			/* len 0x0201 */
	raw[0x05] = 0x02;
	raw[0x08] = 0x10;			/* src 0x3000000010 */
	raw[0x0c] = 0x30;
	raw[0x18] = 0x20;			/* dst 0x4020 */
	raw[0x19] = 0x40;
	raw[0x20] = 0x78;			/* seed 0x12345678 */
	raw[0x21] = 0x56;
	raw[0x22] = 0x34;
	raw[0x23] = 0x12;
	raw[0x38] = 0xff;			/* tag */
	KUNIT_ASSERT_EQ(test, vaccel_desc_check(&d, 0, &job), 0);
	KUNIT_EXPECT_EQ(test, job.len, 0x201U);
	KUNIT_EXPECT_EQ(test, job.src, 0x3000000010ULL);
	KUNIT_EXPECT_EQ(test, job.dst, 0x4020ULL);
	KUNIT_EXPECT_EQ(test, job.value, 0x12345678ULL);
	KUNIT_EXPECT_EQ(test, job.crc, ~0x12345678U);

	/* Byte 0x35 is rsvd. */
	raw[0x35] = 1;
	KUNIT_EXPECT_EQ(test, vaccel_desc_check(&d, 0, &job),
			VACCEL_QERR_RESERVED);
}
