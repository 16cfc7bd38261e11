// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the pure parts of the VF driver (src/guest): the
 * device memory allocator, the checks of ioctl heads and operations, and
 * the batch builder, whose COPY and FILL descriptors are run here on two
 * byte arrays (guest memory and device memory) to show that splitting a
 * scattered buffer into pieces computes what the whole operation would.
 */

#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "guest/vfg.h"

#define ALIGN_B		VACCEL_VF_ALLOC_ALIGN

/* ---- the allocator ---- */

static void vfg_mem_first_fit_and_round_up(struct kunit *test)
{
	struct vfg_mem m;
	u64 a, b, c;

	KUNIT_ASSERT_EQ(test, vfg_mem_init(&m, 16 * ALIGN_B), 0);
	KUNIT_EXPECT_EQ(test, vfg_mem_free_bytes(&m), 16 * ALIGN_B);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, 1, &a), 0);
	KUNIT_EXPECT_EQ(test, a, 0);
	/* One byte takes a whole page. */
	KUNIT_EXPECT_EQ(test, vfg_mem_free_bytes(&m), 15 * ALIGN_B);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, ALIGN_B + 1, &b), 0);
	KUNIT_EXPECT_EQ(test, b, ALIGN_B);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, ALIGN_B, &c), 0);
	KUNIT_EXPECT_EQ(test, c, 3 * ALIGN_B);
	KUNIT_EXPECT_EQ(test, vfg_mem_free_bytes(&m), 12 * ALIGN_B);

	/* The hole left by b is reused first, by what fits in it. */
	vfg_mem_release(&m, b, ALIGN_B + 1);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, 2 * ALIGN_B, &b), 0);
	KUNIT_EXPECT_EQ(test, b, ALIGN_B);
	vfg_mem_release(&m, a, 1);
	vfg_mem_release(&m, b, 2 * ALIGN_B);
	vfg_mem_release(&m, c, ALIGN_B);
	KUNIT_EXPECT_EQ(test, vfg_mem_free_bytes(&m), 16 * ALIGN_B);
	vfg_mem_destroy(&m);
}

static void vfg_mem_refuses(struct kunit *test)
{
	struct vfg_mem m;
	u64 a, b, off = 12345;

	KUNIT_EXPECT_EQ(test, vfg_mem_init(&m, ALIGN_B - 1), -EINVAL);
	KUNIT_ASSERT_EQ(test, vfg_mem_init(&m, 4 * ALIGN_B), 0);
	KUNIT_EXPECT_EQ(test, vfg_mem_alloc(&m, 0, &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfg_mem_alloc(&m, 4 * ALIGN_B + 1, &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, off, 12345);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, 4 * ALIGN_B, &a), 0);
	KUNIT_EXPECT_EQ(test, vfg_mem_alloc(&m, 1, &off), -ENOMEM);
	vfg_mem_release(&m, a, 4 * ALIGN_B);

	/* Fragmented: 2 pages free, but not side by side. */
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, ALIGN_B, &a), 0);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, ALIGN_B, &b), 0);
	KUNIT_ASSERT_EQ(test, vfg_mem_alloc(&m, ALIGN_B, &off), 0);
	vfg_mem_release(&m, a, ALIGN_B);
	KUNIT_EXPECT_EQ(test, vfg_mem_free_bytes(&m), 2 * ALIGN_B);
	KUNIT_EXPECT_EQ(test, vfg_mem_alloc(&m, 2 * ALIGN_B, &a), -ENOMEM);
	vfg_mem_destroy(&m);
}

/* Random allocations and frees never hand out a page twice. */
static void vfg_mem_random_no_overlap(struct kunit *test)
{
	enum { PAGES = 64, ROUNDS = 2000, SLOTS = 16 };
	u64 off[SLOTS], size[SLOTS];
	u8 owner[PAGES];
	struct vfg_mem m;
	int i, r;

	memset(size, 0, sizeof(size));
	memset(owner, 0xff, sizeof(owner));
	KUNIT_ASSERT_EQ(test, vfg_mem_init(&m, PAGES * ALIGN_B), 0);
	for (r = 0; r < ROUNDS; r++) {
		int s = get_random_u32() % SLOTS;
		u64 p;

		if (size[s]) {
			for (p = off[s] / ALIGN_B;
			     p < DIV_ROUND_UP(off[s] + size[s], ALIGN_B); p++) {
				KUNIT_ASSERT_EQ(test, owner[p], s);
				owner[p] = 0xff;
			}
			vfg_mem_release(&m, off[s], size[s]);
			size[s] = 0;
			continue;
		}
		size[s] = 1 + get_random_u32() % (8 * ALIGN_B);
		if (vfg_mem_alloc(&m, size[s], &off[s])) {
			size[s] = 0;
			continue;
		}
		for (p = off[s] / ALIGN_B;
		     p < DIV_ROUND_UP(off[s] + size[s], ALIGN_B); p++) {
			KUNIT_ASSERT_EQ(test, owner[p], 0xff);
			owner[p] = s;
		}
	}
	for (i = 0; i < SLOTS; i++)
		if (size[i])
			vfg_mem_release(&m, off[i], size[i]);
	KUNIT_EXPECT_EQ(test, vfg_mem_free_bytes(&m), PAGES * ALIGN_B);
	vfg_mem_destroy(&m);
}

static struct kunit_case vfg_mem_cases[] = {
	KUNIT_CASE(vfg_mem_first_fit_and_round_up),
	KUNIT_CASE(vfg_mem_refuses),
	KUNIT_CASE(vfg_mem_random_no_overlap),
	{}
};

static struct kunit_suite vfg_mem_suite = {
	.name = "vaccel_vfdrv_mem",
	.test_cases = vfg_mem_cases,
};

/* ---- ioctl heads and operations ---- */

static void vfg_head_checks(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vfg_check_head(32, 32, 0, 0), 0);
	/* A newer, larger structure is fine: only the known part is read. */
	KUNIT_EXPECT_EQ(test, vfg_check_head(40, 32, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, vfg_check_head(31, 32, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfg_check_head(0, 32, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfg_check_head(32, 32, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfg_check_head(32, 32, BIT(31), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfg_check_head(32, 32, 0, 1), -EINVAL);
}

#define USER(a)		{ .addr = (a), .kind = VACCEL_VF_OPND_USER }
#define DEV(h, a)	{ .addr = (a), .handle = (h), .kind = VACCEL_VF_OPND_DEV }

struct op_case {
	const char *name;
	struct vaccel_vf_op op;
	int ret;
	u64 ext[VFG_NR_OPND];
};

static const struct op_case op_cases[] = {
	{ "nop", { .opcode = VACCEL_OP_NOP }, 0, { 0, 0, 0 } },
	{ "nop with len", { .opcode = VACCEL_OP_NOP, .len = 1 }, -EINVAL },
	{ "nop with operand", { .opcode = VACCEL_OP_NOP, .src = USER(4096) }, -EINVAL },
	{ "fence", { .opcode = VACCEL_OP_FENCE, .value = ~0ULL }, 0, { 0, 0, 0 } },
	{ "copy", { .opcode = VACCEL_OP_COPY, .len = 100, .src = USER(4096),
		    .dst = DEV(1, 0) }, 0, { 100, 0, 100 } },
	{ "copy len 0", { .opcode = VACCEL_OP_COPY, .src = USER(1), .dst = USER(9) },
	  -EINVAL },
	{ "copy len 2^30", { .opcode = VACCEL_OP_COPY, .len = 1U << 30,
			     .src = USER(0x10000000), .dst = DEV(1, 0) },
	  0, { 1U << 30, 0, 1U << 30 } },
	{ "copy len 2^30+1", { .opcode = VACCEL_OP_COPY, .len = (1U << 30) + 1,
			       .src = USER(4096), .dst = DEV(1, 0) }, -EINVAL },
	{ "copy without dst", { .opcode = VACCEL_OP_COPY, .len = 8, .src = USER(4096) },
	  -EINVAL },
	{ "copy with src2", { .opcode = VACCEL_OP_COPY, .len = 8, .src = USER(4096),
			      .src2 = USER(8192), .dst = USER(12288) }, -EINVAL },
	{ "copy with value", { .opcode = VACCEL_OP_COPY, .len = 8, .value = 1,
			       .src = USER(4096), .dst = USER(12288) }, -EINVAL },
	{ "copy user with handle", { .opcode = VACCEL_OP_COPY, .len = 8,
				     .src = { .addr = 4096, .handle = 3,
					      .kind = VACCEL_VF_OPND_USER },
				     .dst = USER(12288) }, -EINVAL },
	{ "copy unknown kind", { .opcode = VACCEL_OP_COPY, .len = 8,
				 .src = { .addr = 4096, .kind = 3 },
				 .dst = USER(12288) }, -EINVAL },
	{ "copy wrapping range", { .opcode = VACCEL_OP_COPY, .len = 16,
				   .src = USER(~0ULL - 8), .dst = USER(4096) },
	  -EINVAL },
	{ "op flags", { .opcode = VACCEL_OP_NOP, .flags = 1 }, -EINVAL },
	{ "reserved", { .opcode = VACCEL_OP_NOP, .reserved = 1 }, -EINVAL },
	{ "unknown opcode", { .opcode = VACCEL_OP_COUNT }, -EINVAL },
	{ "opcode 0xffff", { .opcode = 0xffff }, -EINVAL },
	{ "fill", { .opcode = VACCEL_OP_FILL, .len = 10, .value = ~0ULL,
		    .dst = USER(4096) }, 0, { 0, 0, 10 } },
	{ "fill with src", { .opcode = VACCEL_OP_FILL, .len = 10, .src = USER(8192),
			     .dst = USER(4096) }, -EINVAL },
	{ "crc32c", { .opcode = VACCEL_OP_CRC32C, .len = 7, .value = 0xffffffff,
		      .src = DEV(2, 64), .dst = USER(4096) }, 0, { 7, 0, 4 } },
	{ "crc32c seed > 32 bits", { .opcode = VACCEL_OP_CRC32C, .len = 7,
				     .value = 1ULL << 32, .src = USER(8192),
				     .dst = USER(4096) }, -EINVAL },
	{ "gemm", { .opcode = VACCEL_OP_GEMM, .m = 2, .n = 3, .k = 5,
		    .src = USER(4096), .src2 = DEV(1, 0), .dst = USER(65536) },
	  0, { 2 * 5 * 4, 5 * 3 * 4, 2 * 3 * 4 } },
	{ "gemm 1024^3", { .opcode = VACCEL_OP_GEMM, .m = 1024, .n = 1024, .k = 1024,
			   .src = DEV(1, 0), .src2 = DEV(2, 0), .dst = DEV(3, 0) },
	  0, { 4 << 20, 4 << 20, 4 << 20 } },
	{ "gemm m 0", { .opcode = VACCEL_OP_GEMM, .n = 3, .k = 5, .src = USER(4096),
			.src2 = USER(8192), .dst = USER(65536) }, -EINVAL },
	{ "gemm k 1025", { .opcode = VACCEL_OP_GEMM, .m = 1, .n = 3, .k = 1025,
			   .src = USER(4096), .src2 = USER(8192),
			   .dst = USER(65536) }, -EINVAL },
	{ "gemm with len", { .opcode = VACCEL_OP_GEMM, .len = 4, .m = 1, .n = 1,
			     .k = 1, .src = USER(4096), .src2 = USER(8192),
			     .dst = USER(65536) }, -EINVAL },
	{ "gemm without B", { .opcode = VACCEL_OP_GEMM, .m = 1, .n = 1, .k = 1,
			      .src = USER(4096), .dst = USER(65536) }, -EINVAL },
	{ "busy", { .opcode = VACCEL_OP_BUSY, .value = 1000000000 }, 0, { 0, 0, 0 } },
	{ "busy 0 ns", { .opcode = VACCEL_OP_BUSY }, -EINVAL },
	{ "busy over 1 s", { .opcode = VACCEL_OP_BUSY, .value = 1000000001 }, -EINVAL },
	{ "busy with m", { .opcode = VACCEL_OP_BUSY, .value = 1, .m = 1 }, -EINVAL },
};

static void op_case_desc(const struct op_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vfg_op, op_cases, op_case_desc);

static void vfg_op_checks(struct kunit *test)
{
	const struct op_case *c = test->param_value;
	u64 ext[VFG_NR_OPND];

	KUNIT_EXPECT_EQ(test, vfg_op_check(&c->op, ext), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, ext[VFG_SRC], c->ext[VFG_SRC]);
	KUNIT_EXPECT_EQ(test, ext[VFG_SRC2], c->ext[VFG_SRC2]);
	KUNIT_EXPECT_EQ(test, ext[VFG_DST], c->ext[VFG_DST]);
}

static void vfg_overlap_checks(struct kunit *test)
{
	struct vaccel_vf_op copy = { .opcode = VACCEL_OP_COPY, .len = 16,
				     .src = USER(0), .dst = USER(0) };
	struct vaccel_vf_op gemm = { .opcode = VACCEL_OP_GEMM, .m = 1, .n = 1,
				     .k = 1, .src = DEV(1, 0), .src2 = DEV(2, 0),
				     .dst = DEV(3, 0) };
	u64 ext[VFG_NR_OPND] = { 16, 0, 16 };
	u64 start[VFG_NR_OPND] = { 100, 0, 116 };

	KUNIT_EXPECT_FALSE(test, vfg_op_overlaps(&copy, start, ext));
	start[VFG_DST] = 115;
	KUNIT_EXPECT_TRUE(test, vfg_op_overlaps(&copy, start, ext));
	start[VFG_DST] = 85;
	KUNIT_EXPECT_TRUE(test, vfg_op_overlaps(&copy, start, ext));
	start[VFG_DST] = 84;
	KUNIT_EXPECT_FALSE(test, vfg_op_overlaps(&copy, start, ext));
	/* A user address and a device offset never clash. */
	start[VFG_DST] = 100;
	copy.dst.kind = VACCEL_VF_OPND_DEV;
	KUNIT_EXPECT_FALSE(test, vfg_op_overlaps(&copy, start, ext));

	/* GEMM: C against A and B; A and B may share. */
	ext[VFG_SRC] = 4;
	ext[VFG_SRC2] = 4;
	ext[VFG_DST] = 4;
	start[VFG_SRC] = 0;
	start[VFG_SRC2] = 0;
	start[VFG_DST] = 4;
	KUNIT_EXPECT_FALSE(test, vfg_op_overlaps(&gemm, start, ext));
	start[VFG_DST] = 2;
	KUNIT_EXPECT_TRUE(test, vfg_op_overlaps(&gemm, start, ext));
	start[VFG_SRC2] = 8;
	start[VFG_DST] = 10;
	KUNIT_EXPECT_TRUE(test, vfg_op_overlaps(&gemm, start, ext));
}

static struct kunit_case vfg_args_cases[] = {
	KUNIT_CASE(vfg_head_checks),
	KUNIT_CASE_PARAM(vfg_op_checks, vfg_op_gen_params),
	KUNIT_CASE(vfg_overlap_checks),
	{}
};

static struct kunit_suite vfg_args_suite = {
	.name = "vaccel_vfdrv_args",
	.test_cases = vfg_args_cases,
};

/* ---- the batch builder ---- */

/* Guest memory (DMA addresses) and device memory, for running descriptors. */
#define SPACE	8192

struct spaces {
	u8 guest[SPACE];
	u8 dev[SPACE];
};

static u8 *at(struct spaces *sp, u64 addr, bool dev)
{
	return dev ? &sp->dev[addr] : &sp->guest[addr];
}

/* Run the COPY and FILL descriptors of a batch, as the device would. */
static void run(struct kunit *test, struct spaces *sp, const struct vfg_batch *b)
{
	unsigned int i;
	u32 j;

	for (i = 0; i < b->n; i++) {
		const struct vaccel_desc *d = &b->descs[i];
		u16 flags = le16_to_cpu(d->flags);
		u32 len = le32_to_cpu(d->len);
		u64 src = le64_to_cpu(d->src), dst = le64_to_cpu(d->dst);
		bool ddev = flags & VACCEL_DESC_F_DST_DEV;

		KUNIT_ASSERT_LE(test, dst + len, (u64)SPACE);
		switch (le16_to_cpu(d->opcode)) {
		case VACCEL_OP_COPY:
			KUNIT_ASSERT_LE(test, src + len, (u64)SPACE);
			memcpy(at(sp, dst, ddev),
			       at(sp, src, flags & VACCEL_DESC_F_SRC_DEV), len);
			break;
		case VACCEL_OP_FILL:
			for (j = 0; j < len; j++)
				*at(sp, dst + j, ddev) =
					le64_to_cpu(d->value) >> (8 * (j % 8));
			break;
		default:
			KUNIT_FAIL(test, "unexpected opcode %u", le16_to_cpu(d->opcode));
		}
	}
}

static struct vfg_batch *new_batch(struct kunit *test, unsigned int max)
{
	struct vfg_batch *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->descs = kunit_kcalloc(test, max, sizeof(*b->descs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->descs);
	b->max = max;
	return b;
}

/* Cut [base, base + len) of guest memory into pieces at random points. */
static unsigned int scatter(struct vfg_seg *segs, unsigned int max, u64 base,
			    u64 len)
{
	unsigned int n = 0;
	u64 done = 0;

	while (done < len) {
		u64 piece = 1 + get_random_u32() % 700;

		if (n == max - 1 || piece > len - done)
			piece = len - done;
		segs[n].addr = base + done;
		segs[n++].len = piece;
		done += piece;
	}
	return n;
}

/* COPY between scattered, whole and device operands moves the same bytes. */
static void vfg_batch_copy_pieces(struct kunit *test)
{
	struct spaces *sp = kunit_kzalloc(test, sizeof(*sp), GFP_KERNEL);
	struct vfg_seg *ss = kunit_kcalloc(test, 64, sizeof(*ss), GFP_KERNEL);
	struct vfg_seg *ds = kunit_kcalloc(test, 64, sizeof(*ds), GFP_KERNEL);
	int round;

	KUNIT_ASSERT_NOT_NULL(test, sp);
	KUNIT_ASSERT_NOT_NULL(test, ss);
	KUNIT_ASSERT_NOT_NULL(test, ds);
	for (round = 0; round < 50; round++) {
		struct vaccel_vf_op op = { .opcode = VACCEL_OP_COPY,
					   .len = 1 + get_random_u32() % 3000 };
		struct vfg_opnd o[VFG_NR_OPND] = {};
		struct vfg_batch *b = new_batch(test, 256);
		unsigned int i;

		get_random_bytes(sp, sizeof(*sp));
		/* src: guest [0, len) scattered or whole; dst: guest at 4096 or device. */
		o[VFG_SRC].len = op.len;
		o[VFG_DST].len = op.len;
		if (round % 3) {
			o[VFG_SRC].where = VFG_SCATTER;
			o[VFG_SRC].segs = ss;
			o[VFG_SRC].nsegs = scatter(ss, 64, 0, op.len);
		} else {
			o[VFG_SRC].where = VFG_IOVA;
		}
		if (round % 2) {
			o[VFG_DST].where = VFG_SCATTER;
			o[VFG_DST].segs = ds;
			o[VFG_DST].nsegs = scatter(ds, 64, 4096, op.len);
		} else {
			o[VFG_DST].where = VFG_DEV;
			o[VFG_DST].addr = 100;
		}
		KUNIT_ASSERT_EQ(test, vfg_batch_emit(b, &op, o, 7), 0);
		vfg_batch_finish(b);
		for (i = 0; i < b->n; i++) {
			u16 fl = le16_to_cpu(b->descs[i].flags);

			KUNIT_EXPECT_EQ(test, le64_to_cpu(b->descs[i].tag), 7);
			KUNIT_EXPECT_EQ(test, !!(fl & VACCEL_DESC_F_IRQ), i == b->n - 1);
		}
		run(test, sp, b);
		KUNIT_EXPECT_EQ(test, memcmp(round % 2 ? &sp->guest[4096] : &sp->dev[100],
					     sp->guest, op.len), 0);
	}
}

/* FILL over pieces: each piece's pattern starts where the piece does. */
static void vfg_batch_fill_pieces(struct kunit *test)
{
	struct spaces *sp = kunit_kzalloc(test, sizeof(*sp), GFP_KERNEL);
	struct vfg_seg *ds = kunit_kcalloc(test, 64, sizeof(*ds), GFP_KERNEL);
	int round;

	KUNIT_ASSERT_NOT_NULL(test, sp);
	KUNIT_ASSERT_NOT_NULL(test, ds);
	for (round = 0; round < 50; round++) {
		struct vaccel_vf_op op = { .opcode = VACCEL_OP_FILL,
					   .len = 1 + get_random_u32() % 5000,
					   .value = get_random_u64() };
		struct vfg_opnd o[VFG_NR_OPND] = {};
		struct vfg_batch *b = new_batch(test, 256);
		u32 i;

		o[VFG_DST].where = VFG_SCATTER;
		o[VFG_DST].len = op.len;
		o[VFG_DST].segs = ds;
		o[VFG_DST].nsegs = scatter(ds, 64, 1000, op.len);
		KUNIT_ASSERT_EQ(test, vfg_batch_emit(b, &op, o, 0), 0);
		KUNIT_EXPECT_EQ(test, b->n, o[VFG_DST].nsegs);
		run(test, sp, b);
		for (i = 0; i < op.len; i++)
			if (sp->guest[1000 + i] != (u8)(op.value >> (8 * (i % 8)))) {
				KUNIT_FAIL(test, "byte %u of %u: %#x", i, op.len,
					   sp->guest[1000 + i]);
				break;
			}
	}
}

/* A scattered CRC32C source is gathered into its staging area first. */
static void vfg_batch_crc_staged(struct kunit *test)
{
	struct vaccel_vf_op op = { .opcode = VACCEL_OP_CRC32C, .len = 3000,
				   .value = 0x1234 };
	struct vfg_seg segs[3] = { { 0x10000, 1000 }, { 0x30000, 1500 },
				   { 0x20000, 500 } };
	struct vfg_opnd o[VFG_NR_OPND] = {
		[VFG_SRC] = { .where = VFG_SCATTER, .addr = 0x8000, .len = 3000,
			      .segs = segs, .nsegs = 3 },
		[VFG_DST] = { .where = VFG_IOVA, .addr = 0x5000, .len = 4 },
	};
	struct vfg_batch *b = new_batch(test, 8);
	const struct vaccel_desc *d = b->descs;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vfg_batch_emit(b, &op, o, 3), 0);
	KUNIT_ASSERT_EQ(test, b->n, 4);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, le16_to_cpu(d[i].opcode), VACCEL_OP_COPY);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(d[i].flags), VACCEL_DESC_F_DST_DEV);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(d[i].src), segs[i].addr);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(d[i].len), segs[i].len);
	}
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[1].dst), 0x8000 + 1000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[2].dst), 0x8000 + 2500);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(d[3].opcode), VACCEL_OP_CRC32C);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(d[3].flags), VACCEL_DESC_F_SRC_DEV);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[3].src), 0x8000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[3].dst), 0x5000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[3].value), 0x1234);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[3].len), 3000);
}

/* A scattered GEMM result is written to staging, then scattered out. */
static void vfg_batch_gemm_staged_dst(struct kunit *test)
{
	struct vaccel_vf_op op = { .opcode = VACCEL_OP_GEMM, .m = 2, .n = 2,
				   .k = 3 };
	struct vfg_seg segs[2] = { { 0x9000, 8 }, { 0x4000, 8 } };
	struct vfg_opnd o[VFG_NR_OPND] = {
		[VFG_SRC] = { .where = VFG_DEV, .addr = 0x100, .len = 24 },
		[VFG_SRC2] = { .where = VFG_IOVA, .addr = 0x7000, .len = 24 },
		[VFG_DST] = { .where = VFG_SCATTER, .addr = 0x2000, .len = 16,
			      .segs = segs, .nsegs = 2 },
	};
	struct vfg_batch *b = new_batch(test, 8);
	const struct vaccel_desc *d = b->descs;

	KUNIT_ASSERT_EQ(test, vfg_batch_emit(b, &op, o, 0), 0);
	KUNIT_ASSERT_EQ(test, b->n, 3);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(d[0].opcode), VACCEL_OP_GEMM);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(d[0].flags),
			VACCEL_DESC_F_SRC_DEV | VACCEL_DESC_F_DST_DEV);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[0].src), 0x100);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[0].src2), 0x7000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[0].dst), 0x2000);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[0].m), 2);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[0].k), 3);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[0].len), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(d[1].flags), VACCEL_DESC_F_SRC_DEV);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[1].src), 0x2000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[1].dst), 0x9000);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[2].src), 0x2008);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(d[2].dst), 0x4000);
}

/* A batch that does not fit says so, whatever operation overflows it. */
static void vfg_batch_full(struct kunit *test)
{
	struct vaccel_vf_op busy = { .opcode = VACCEL_OP_BUSY, .value = 5 };
	struct vaccel_vf_op copy = { .opcode = VACCEL_OP_COPY, .len = 3000 };
	struct vfg_seg segs[3] = { { 0, 1000 }, { 5000, 1000 }, { 9000, 1000 } };
	struct vfg_opnd none[VFG_NR_OPND] = {};
	struct vfg_opnd o[VFG_NR_OPND] = {
		[VFG_SRC] = { .where = VFG_SCATTER, .len = 3000, .segs = segs,
			      .nsegs = 3 },
		[VFG_DST] = { .where = VFG_DEV, .len = 3000 },
	};
	struct vfg_batch *b = new_batch(test, 4);

	KUNIT_EXPECT_EQ(test, vfg_batch_emit(b, &busy, none, 0), 0);
	KUNIT_EXPECT_EQ(test, vfg_batch_emit(b, &busy, none, 1), 0);
	KUNIT_EXPECT_EQ(test, vfg_batch_emit(b, &copy, o, 2), -E2BIG);
	KUNIT_EXPECT_EQ(test, b->n, 4);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(b->descs[0].value), 5);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(b->descs[1].tag), 1);
}

static struct kunit_case vfg_batch_cases[] = {
	KUNIT_CASE(vfg_batch_copy_pieces),
	KUNIT_CASE(vfg_batch_fill_pieces),
	KUNIT_CASE(vfg_batch_crc_staged),
	KUNIT_CASE(vfg_batch_gemm_staged_dst),
	KUNIT_CASE(vfg_batch_full),
	{}
};

static struct kunit_suite vfg_batch_suite = {
	.name = "vaccel_vfdrv_batch",
	.test_cases = vfg_batch_cases,
};

kunit_test_suites(&vfg_mem_suite, &vfg_args_suite, &vfg_batch_suite);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
