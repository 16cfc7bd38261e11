// SPDX-License-Identifier: GPL-2.0
/*
 * The fake memory of the vaccel_exec suite (exec_fixture.h), and the
 * checks every chunk run through it must pass.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "exec_fixture.h"

static const struct {
	u64 base;
	u64 size;
} fake_layout[NR_MEM] = {
	[MEM_LO] = { 0x10000, SZ_512K },
	[MEM_HI] = { 0x7f00000000ULL, SZ_512K },
	[MEM_AUX] = { 0x40000000, SZ_256K },
	[MEM_TOP] = { U64_MAX - 4095, 4095 },
	[MEM_DEV] = { 0, DEV_SIZE },
};

static struct fake_region *fake_find(struct fake_mem *f, bool dev, u64 addr)
{
	struct fake_region *r;

	for (r = f->mem; r < f->mem + NR_MEM; r++)
		if (r->mapped && r->dev == dev && addr >= r->base &&
		    addr - r->base < r->size)
			return r;
	return NULL;
}

static void fake_watch_account(struct fake_mem *f, bool dev, u64 addr,
			       u64 end, bool write)
{
	struct fake_watch *w;
	u64 lo, hi;

	for (w = f->watch; w < f->watch + NR_WATCH; w++) {
		if (!w->size || w->dev != dev)
			continue;
		lo = max(addr, w->base);
		hi = min(end, w->base + w->size);
		if (lo >= hi)
			continue;
		if (write) {
			w->wr += hi - lo;
			w->wr_lo = min(w->wr_lo, lo);
			w->wr_hi = max(w->wr_hi, hi);
		} else {
			w->rd += hi - lo;
			w->rd_lo = min(w->rd_lo, lo);
			w->rd_hi = max(w->rd_hi, hi);
		}
	}
}

/*
 * An access succeeds only when every byte of it is mapped; a failed one
 * touches nothing.
 */
static int fake_access(struct fake_mem *f, bool dev, u64 addr, void *buf,
		       size_t len, bool write)
{
	struct fake_region *r;
	u64 end, a, n;

	if (f->faults)
		f->calls_after_fault++;
	f->calls++;
	f->clock += f->access_ns;
	if (!len || check_add_overflow(addr, (u64)len, &end))
		goto fault;
	for (a = addr; a < end; a += n) {
		r = fake_find(f, dev, a);
		if (!r)
			goto fault;
		n = min(end, r->base + r->size) - a;
	}
	for (a = addr; a < end; a += n) {
		r = fake_find(f, dev, a);
		n = min(end, r->base + r->size) - a;
		if (write) {
			memcpy(r->buf + (a - r->base), buf + (a - addr), n);
			r->wr += n;
		} else {
			memcpy(buf + (a - addr), r->buf + (a - r->base), n);
			r->rd += n;
		}
	}
	fake_watch_account(f, dev, addr, end, write);
	if (write)
		f->wr += len;
	else
		f->rd += len;
	return 0;

fault:
	/* The unit checked device memory ranges: they never fault. */
	if (dev)
		KUNIT_FAIL(f->test, "dev_rw(%#llx, %zu) outside device memory",
			   addr, len);
	f->faults++;
	return -EFAULT;
}

static int fake_dma_rw(void *priv, u64 iova, void *buf, size_t len,
		       bool write)
{
	return fake_access(priv, false, iova, buf, len, write);
}

static int fake_dev_rw(void *priv, u64 off, void *buf, size_t len, bool write)
{
	return fake_access(priv, true, off, buf, len, write);
}

static void fake_busy(void *priv, u64 ns)
{
	struct fake_mem *f = priv;

	f->busy_calls++;
	f->busy_asked += ns;
	f->busy_total_calls++;
	f->busy_total_asked += ns;
	f->busy_max_asked = max(f->busy_max_asked, ns);
	switch (f->busy_mode) {
	case BUSY_SHORT:
		f->clock += ns / 3 + 1;
		break;
	case BUSY_LONG:
		f->clock += ns * 2 + 7;
		break;
	case BUSY_ZERO:
		break;
	case BUSY_OVERSHOOT:
		f->clock += ns + 15000;
		break;
	default:
		f->clock += ns;
		break;
	}
}

static u64 fake_now(void *priv)
{
	struct fake_mem *f = priv;
	u64 t = f->clock;

	f->now_calls++;
	f->clock += f->now_step;
	return t;
}

static const struct vaccel_exec_ops fake_ops = {
	.dma_rw = fake_dma_rw,
	.dev_rw = fake_dev_rw,
	.busy = fake_busy,
	.now = fake_now,
};

/* Deterministic noise, so that untouched bytes are recognisable. */
static void fill_noise(u8 *buf, size_t len, u32 seed)
{
	u32 x = seed | 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x >> 24;
	}
}

/**
 * vkt_fake_reset_memory() - map every memory of the fake, and fill it anew
 * @fx: the fixture
 *
 * Every memory gets the same deterministic noise as at vkt_exec_init().
 */
void vkt_fake_reset_memory(struct exec_fixture *fx)
{
	int i;

	for (i = 0; i < NR_MEM; i++) {
		fx->f.mem[i].mapped = true;
		fill_noise(fx->f.mem[i].buf, fx->f.mem[i].size, 0x9e3779b9 * (i + 1));
	}
}

/**
 * vkt_exec_init() - a suite's init: a fresh fake memory for each case
 * @test: the case; its resources hold the fixture, failures abort it
 *
 * Return: 0; test->priv is then a struct exec_fixture.
 */
int vkt_exec_init(struct kunit *test)
{
	struct exec_fixture *fx;
	int i;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->f.test = test;
	for (i = 0; i < NR_MEM; i++) {
		struct fake_region *r = &fx->f.mem[i];

		r->dev = i == MEM_DEV;
		r->base = fake_layout[i].base;
		r->size = fake_layout[i].size;
		r->buf = kunit_kmalloc(test, r->size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r->buf);
	}
	vkt_fake_reset_memory(fx);
	for (i = 0; i < 2; i++) {
		fx->scratch[i] = kunit_kmalloc(test, VACCEL_EXEC_SCRATCH +
					       SCRATCH_CANARY, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, fx->scratch[i]);
		memset(fx->scratch[i] + VACCEL_EXEC_SCRATCH, 0x5c,
		       SCRATCH_CANARY);
	}
	fx->env.ops = &fake_ops;
	fx->env.priv = &fx->f;
	fx->env.scratch = fx->scratch[0];
	test->priv = fx;
	return 0;
}

/**
 * vkt_fake_snapshot() - copy every memory of the fake
 * @test: the case; its resources hold the copy
 * @fx: the fixture
 * @s: the copy
 */
void vkt_fake_snapshot(struct kunit *test, struct exec_fixture *fx,
		       struct fake_snap *s)
{
	int i;

	for (i = 0; i < NR_MEM; i++) {
		s->buf[i] = kunit_kmalloc(test, fx->f.mem[i].size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->buf[i]);
		memcpy(s->buf[i], fx->f.mem[i].buf, fx->f.mem[i].size);
	}
}

/**
 * vkt_expect_memory() - expect every byte of every memory to be what @want says
 * @test: the case, failed at the first byte that differs in each memory
 * @fx: the fixture
 * @want: the memories expected
 */
void vkt_expect_memory(struct kunit *test, struct exec_fixture *fx,
		       const struct fake_snap *want)
{
	int i;
	u64 b;

	for (i = 0; i < NR_MEM; i++) {
		const u8 *have = fx->f.mem[i].buf;

		if (!memcmp(have, want->buf[i], fx->f.mem[i].size))
			continue;
		for (b = 0; have[b] == want->buf[i][b]; b++)
			;
		KUNIT_FAIL(test, "memory %d: byte %#llx is %#x, want %#x",
			   i, b, have[b], want->buf[i][b]);
	}
}

/**
 * vkt_loc_addr() - the address of a place
 * @l: the place
 *
 * Return: its IOVA, or its device memory offset.
 */
u64 vkt_loc_addr(struct loc l)
{
	return fake_layout[l.mem].base + l.off;
}

static u16 loc_flag(struct loc l, u16 flag)
{
	return l.mem == MEM_DEV ? flag : 0;
}

/**
 * vkt_snap_ptr() - a place in a snapshot
 * @s: the snapshot
 * @l: the place
 *
 * Return: the copy of its first byte.
 */
u8 *vkt_snap_ptr(const struct fake_snap *s, struct loc l)
{
	return s->buf[l.mem] + l.off;
}

/**
 * vkt_mem_ptr() - a place in the fake's memories
 * @fx: the fixture
 * @l: the place
 *
 * Return: its first byte, for the test to read or set directly.
 */
u8 *vkt_mem_ptr(struct exec_fixture *fx, struct loc l)
{
	return fx->f.mem[l.mem].buf + l.off;
}

/**
 * vkt_tdesc_encode() - a descriptor as a guest writes it
 * @t: the descriptor in CPU byte order
 * @d: the descriptor in little endian, with some tag
 */
void vkt_tdesc_encode(const struct tdesc *t, struct vaccel_desc *d)
{
	d->opcode = cpu_to_le16(t->opcode);
	d->flags = cpu_to_le16(t->flags);
	d->len = cpu_to_le32(t->len);
	d->src = cpu_to_le64(t->src);
	d->src2 = cpu_to_le64(t->src2);
	d->dst = cpu_to_le64(t->dst);
	d->value = cpu_to_le64(t->value);
	d->m = cpu_to_le32(t->m);
	d->n = cpu_to_le32(t->n);
	d->k = cpu_to_le32(t->k);
	d->rsvd = cpu_to_le32(t->rsvd);
	/* Never checked: always something. */
	d->tag = cpu_to_le64(0xfeedfacecafef00dULL);
}

/**
 * vkt_make_job() - a job from a valid descriptor
 * @test: the case, aborted if vaccel_desc_check() refuses the descriptor
 * @t: the descriptor
 * @job: the job, as vaccel_desc_check() makes it with DEV_SIZE bytes of
 *	device memory
 */
void vkt_make_job(struct kunit *test, const struct tdesc *t,
		  struct vaccel_job *job)
{
	struct vaccel_desc d;

	vkt_tdesc_encode(t, &d);
	KUNIT_ASSERT_EQ(test, vaccel_desc_check(&d, DEV_SIZE, job), 0);
}

/**
 * vkt_copy_desc() - a COPY descriptor
 * @src: the source
 * @dst: the destination
 * @len: bytes
 *
 * Return: the descriptor, with the flags of operands in device memory.
 */
struct tdesc vkt_copy_desc(struct loc src, struct loc dst, u32 len)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_COPY,
		.flags = loc_flag(src, VACCEL_DESC_F_SRC_DEV) |
			 loc_flag(dst, VACCEL_DESC_F_DST_DEV),
		.len = len, .src = vkt_loc_addr(src), .dst = vkt_loc_addr(dst),
	};
}

/**
 * vkt_fill_desc() - a FILL descriptor
 * @dst: the destination
 * @len: bytes
 * @value: the 8-byte pattern
 *
 * Return: the descriptor, with the flag of a destination in device memory.
 */
struct tdesc vkt_fill_desc(struct loc dst, u32 len, u64 value)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_FILL,
		.flags = loc_flag(dst, VACCEL_DESC_F_DST_DEV),
		.len = len, .dst = vkt_loc_addr(dst), .value = value,
	};
}

/**
 * vkt_crc_desc() - a CRC32C descriptor
 * @src: the data
 * @len: its bytes
 * @dst: where the 4-byte result goes
 * @seed: the seed
 *
 * Return: the descriptor, with the flags of operands in device memory.
 */
struct tdesc vkt_crc_desc(struct loc src, u32 len, struct loc dst,
			  u32 seed)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_CRC32C,
		.flags = loc_flag(src, VACCEL_DESC_F_SRC_DEV) |
			 loc_flag(dst, VACCEL_DESC_F_DST_DEV),
		.len = len, .src = vkt_loc_addr(src), .dst = vkt_loc_addr(dst),
		.value = seed,
	};
}

/**
 * vkt_gemm_desc() - a GEMM descriptor, C = A * B
 * @m: rows of A and C
 * @k: columns of A, rows of B
 * @n: columns of B and C
 * @a: A
 * @b: B
 * @c: C
 *
 * Return: the descriptor, with the flags of operands in device memory.
 */
struct tdesc vkt_gemm_desc(u32 m, u32 k, u32 n, struct loc a,
			   struct loc b, struct loc c)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_GEMM,
		.flags = loc_flag(a, VACCEL_DESC_F_SRC_DEV) |
			 loc_flag(b, VACCEL_DESC_F_SRC2_DEV) |
			 loc_flag(c, VACCEL_DESC_F_DST_DEV),
		.src = vkt_loc_addr(a), .src2 = vkt_loc_addr(b), .dst = vkt_loc_addr(c),
		.m = m, .n = n, .k = k,
	};
}

/**
 * vkt_job_eq() - compare two jobs field by field (struct vaccel_job has padding)
 * @a: one job
 * @b: the other
 *
 * Return: true when they are the same.
 */
bool vkt_job_eq(const struct vaccel_job *a, const struct vaccel_job *b)
{
	return a->opcode == b->opcode && a->flags == b->flags &&
	       a->len == b->len && a->src == b->src && a->src2 == b->src2 &&
	       a->dst == b->dst && a->value == b->value && a->m == b->m &&
	       a->n == b->n && a->k == b->k && a->pos == b->pos &&
	       a->crc == b->crc;
}

/* Where the job's operands are, computed from the spec, not from exec.c. */
static void fake_watch_job(struct fake_mem *f, const struct vaccel_job *job)
{
	struct fake_watch *w = f->watch;
	int i;

	memset(f->watch, 0, sizeof(f->watch));
	w[W_SRC].dev = job->flags & VACCEL_DESC_F_SRC_DEV;
	w[W_SRC].base = job->src;
	w[W_SRC2].dev = job->flags & VACCEL_DESC_F_SRC2_DEV;
	w[W_SRC2].base = job->src2;
	w[W_DST].dev = job->flags & VACCEL_DESC_F_DST_DEV;
	w[W_DST].base = job->dst;
	switch (job->opcode) {
	case VACCEL_OP_COPY:
		w[W_SRC].size = job->len;
		w[W_DST].size = job->len;
		break;
	case VACCEL_OP_FILL:
		w[W_DST].size = job->len;
		break;
	case VACCEL_OP_CRC32C:
		w[W_SRC].size = job->len;
		w[W_DST].size = 4;
		break;
	case VACCEL_OP_GEMM:
		w[W_SRC].size = (u64)job->m * job->k * 4;
		w[W_SRC2].size = (u64)job->k * job->n * 4;
		w[W_DST].size = (u64)job->m * job->n * 4;
		break;
	}
	for (i = 0; i < NR_WATCH; i++) {
		w[i].rd_lo = U64_MAX;
		w[i].wr_lo = U64_MAX;
	}
}

static void fake_chunk_start(struct fake_mem *f, const struct vaccel_job *job)
{
	f->rd = 0;
	f->wr = 0;
	f->calls = 0;
	f->busy_calls = 0;
	f->busy_asked = 0;
	fake_watch_job(f, job);
}

/**
 * vkt_job_total() - what a job's pos reaches when it is done
 * @job: the job
 *
 * Return: bytes for COPY, FILL and CRC32C, elements of C for GEMM, ns for
 * BUSY, 0 for NOP and FENCE.
 */
u64 vkt_job_total(const struct vaccel_job *job)
{
	switch (job->opcode) {
	case VACCEL_OP_COPY:
	case VACCEL_OP_FILL:
	case VACCEL_OP_CRC32C:
		return job->len;
	case VACCEL_OP_GEMM:
		return (u64)job->m * job->n;
	case VACCEL_OP_BUSY:
		return job->value;
	default:
		return 0;
	}
}

static bool watches_overlap(const struct fake_watch *a,
			    const struct fake_watch *b)
{
	return a->size && b->size && a->dev == b->dev &&
	       a->base < b->base + b->size && b->base < a->base + a->size;
}

/*
 * The bounds every successful chunk must keep, from what the fake saw:
 * only the job's operands touched, sources only read and the destination
 * only written, at most VACCEL_CHUNK_BYTES of operand (COPY, FILL,
 * CRC32C), exactly the bytes after the previous chunk's, GEMM's row and
 * width rule and VACCEL_CHUNK_MACS, BUSY's VACCEL_CHUNK_NS.  The time
 * bound is checked by the cases that slow the fake's clock down.
 */
static void check_chunk(struct kunit *test, struct fake_mem *f,
			const struct vaccel_job *before,
			const struct vaccel_job *job, int ret)
{
	const struct fake_watch *w = f->watch;
	u64 adv = job->pos - before->pos;
	u64 i, j, ew, row;

	KUNIT_EXPECT_GE(test, job->pos, before->pos);
	KUNIT_EXPECT_LE(test, job->pos, vkt_job_total(job));
	if (job->opcode != VACCEL_OP_NOP && job->opcode != VACCEL_OP_FENCE) {
		KUNIT_EXPECT_GT(test, adv, 0ULL);
		KUNIT_EXPECT_EQ(test, ret == VACCEL_EXEC_DONE,
				job->pos == vkt_job_total(job));
	}
	KUNIT_EXPECT_EQ(test, f->rd, w[W_SRC].rd + w[W_SRC2].rd);
	KUNIT_EXPECT_EQ(test, f->wr, w[W_DST].wr);
	/* (Unless they overlap, as CRC32C's result may lie in its source.) */
	if (!watches_overlap(&w[W_DST], &w[W_SRC]) &&
	    !watches_overlap(&w[W_DST], &w[W_SRC2]))
		KUNIT_EXPECT_EQ(test, w[W_SRC].wr + w[W_SRC2].wr + w[W_DST].rd,
				0ULL);
	if (job->opcode != VACCEL_OP_BUSY)
		KUNIT_EXPECT_EQ(test, f->busy_calls, 0U);

	switch (job->opcode) {
	case VACCEL_OP_NOP:
	case VACCEL_OP_FENCE:
		KUNIT_EXPECT_EQ(test, ret, VACCEL_EXEC_DONE);
		KUNIT_EXPECT_EQ(test, f->calls, 0U);
		KUNIT_EXPECT_TRUE(test, vkt_job_eq(job, before));
		break;
	case VACCEL_OP_COPY:
		KUNIT_EXPECT_LE(test, adv, (u64)VACCEL_CHUNK_BYTES);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd, adv);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd_lo, job->src + before->pos);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd_hi, job->src + job->pos);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr, adv);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr_lo, job->dst + before->pos);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr_hi, job->dst + job->pos);
		break;
	case VACCEL_OP_FILL:
		KUNIT_EXPECT_LE(test, adv, (u64)VACCEL_CHUNK_BYTES);
		KUNIT_EXPECT_EQ(test, f->rd, 0ULL);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr, adv);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr_lo, job->dst + before->pos);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr_hi, job->dst + job->pos);
		break;
	case VACCEL_OP_CRC32C:
		KUNIT_EXPECT_LE(test, adv, (u64)VACCEL_CHUNK_BYTES);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd, adv);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd_lo, job->src + before->pos);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd_hi, job->src + job->pos);
		/* The result, once, with the last byte of the source. */
		KUNIT_EXPECT_EQ(test, w[W_DST].wr,
				ret == VACCEL_EXEC_DONE ? 4ULL : 0ULL);
		break;
	case VACCEL_OP_GEMM:
		i = before->pos / job->n;
		j = before->pos % job->n;
		ew = max(1ULL, min((u64)VACCEL_CHUNK_MACS / job->k,
				   (u64)job->n - j));
		/* All of it, unless a slow clock ended the chunk early. */
		if (f->now_step || f->access_ns)
			KUNIT_EXPECT_LE(test, adv, ew);
		else
			KUNIT_EXPECT_EQ(test, adv, ew);
		/* A: row i, once. */
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd, 4ULL * job->k);
		KUNIT_EXPECT_EQ(test, w[W_SRC].rd_lo,
				job->src + 4 * i * job->k);
		/* B: w columns of each of the k rows: w * k MACs. */
		KUNIT_EXPECT_EQ(test, w[W_SRC2].rd, 4 * adv * job->k);
		KUNIT_EXPECT_LE(test, w[W_SRC2].rd / 4,
				(u64)VACCEL_CHUNK_MACS);
		/* C: the w elements, all in row i. */
		KUNIT_EXPECT_EQ(test, w[W_DST].wr, 4 * adv);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr_lo,
				job->dst + 4 * before->pos);
		KUNIT_EXPECT_EQ(test, w[W_DST].wr_hi, job->dst + 4 * job->pos);
		row = (job->pos - 1) / job->n;
		KUNIT_EXPECT_EQ(test, row, i);
		break;
	case VACCEL_OP_BUSY:
		KUNIT_EXPECT_EQ(test, f->calls, 0U);
		/* None when the engine's time since the mark covers it. */
		KUNIT_EXPECT_LE(test, f->busy_calls, 1U);
		KUNIT_EXPECT_LE(test, f->busy_asked, (u64)VACCEL_CHUNK_NS);
		KUNIT_EXPECT_LE(test, f->busy_asked,
				job->value - before->pos);
		break;
	}
}

/**
 * vkt_exec_one() - run one chunk of a job through the fake, and check it
 * @test: the case, failed by any check
 * @fx: the fixture
 * @job: the job, advanced by the chunk
 *
 * The scratch buffer is clobbered first (no state may live there).  The
 * checks every chunk must pass: the bytes vaccel_exec_chunk() reports are
 * what the fake moved, a failed chunk fails with DMA and leaves the job as
 * it was, the scratch buffer was not overrun, and check_chunk().
 *
 * Return: what vaccel_exec_chunk() returned.
 */
int vkt_exec_one(struct kunit *test, struct exec_fixture *fx,
		 struct vaccel_job *job)
{
	struct vaccel_job before = *job;
	u8 *scratch = fx->env.scratch;
	u64 bytes = 0xdeadbeef;
	int ret, b;

	if (job->opcode != VACCEL_OP_BUSY)
		memset(scratch, 0xa5, VACCEL_EXEC_SCRATCH);
	fake_chunk_start(&fx->f, job);
	ret = vaccel_exec_chunk(job, &fx->env, &bytes);
	KUNIT_EXPECT_EQ(test, bytes, fx->f.rd + fx->f.wr);
	for (b = 0; b < SCRATCH_CANARY; b++)
		KUNIT_ASSERT_EQ(test, scratch[VACCEL_EXEC_SCRATCH + b], 0x5c);
	if (ret < 0) {
		KUNIT_EXPECT_EQ(test, ret, -VACCEL_QERR_DMA);
		KUNIT_EXPECT_TRUE(test, vkt_job_eq(job, &before));
		return ret;
	}
	KUNIT_EXPECT_TRUE(test, ret == VACCEL_EXEC_DONE ||
			  ret == VACCEL_EXEC_MORE);
	check_chunk(test, &fx->f, &before, job, ret);
	return ret;
}

#define MAX_CHUNKS	30000

/**
 * vkt_exec_run() - run a job to completion, with vkt_exec_one()
 * @test: the case, aborted when a chunk fails or there are too many
 * @fx: the fixture
 * @job: the job
 * @pos: the pos after each chunk, up to @max_pos of them; may be NULL
 * @max_pos: the size of @pos
 *
 * Return: the chunks run.
 */
unsigned int vkt_exec_run(struct kunit *test, struct exec_fixture *fx,
			  struct vaccel_job *job, u64 *pos,
		      unsigned int max_pos)
{
	unsigned int chunks = 0;
	int ret;

	do {
		ret = vkt_exec_one(test, fx, job);
		KUNIT_ASSERT_GE(test, ret, 0);
		if (pos && chunks < max_pos)
			pos[chunks] = job->pos;
		chunks++;
		KUNIT_ASSERT_LE(test, chunks, MAX_CHUNKS);
	} while (ret == VACCEL_EXEC_MORE);
	return chunks;
}

