// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_exec: descriptor validation and chunked execution of
 * the commands (src/exec.c), as the "Command queues" section of
 * docs/hardware.md specifies them.
 *
 * The unit runs against a fake memory backend: an IOVA space made of a
 * few mapped regions (anything else faults, and faults are counted), a
 * device memory buffer and a busy() that records what it was asked.  The
 * fake accounts every byte moved, per chunk and per operand, so that the
 * bounds of each chunk are checked on every chunk of every test
 * (exec_one()).  Expected results are computed here independently of
 * src/exec.c: a bitwise CRC-32C, a naive GEMM on s64 products, and the
 * expected memory image, compared whole after each command.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "vaccel_queue.h"
#include "exec.h"

/* Memories of the fake: four IOVA regions and the device memory. */
enum fake_mem_id {
	MEM_LO,		/* IOVA 0x10000, 512 KiB */
	MEM_HI,		/* IOVA 0x7f00000000, 512 KiB */
	MEM_AUX,	/* IOVA 0x40000000, 256 KiB: the one tests unmap */
	MEM_TOP,	/* the last bytes a range may use: [2^64 - 4096, 2^64 - 1) */
	MEM_DEV,	/* device memory, offsets 0 to 1 MiB */
	NR_MEM,
};

#define DEV_SIZE	((u64)SZ_1M)
/* Mapped nowhere: the gaps between the regions. */
#define IOVA_HOLE	0x20000000ULL

struct fake_region {
	bool dev;
	u64 base;
	u64 size;
	bool mapped;
	u8 *buf;
	u64 rd;		/* bytes read and written successfully, in total */
	u64 wr;
};

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

/* Operands of the job being run: the bytes moved in and around them. */
enum { W_SRC, W_SRC2, W_DST, NR_WATCH };

struct fake_watch {
	bool dev;
	u64 base;
	u64 size;	/* 0: no such operand */
	u64 rd;
	u64 wr;
	u64 rd_lo;	/* lowest and highest + 1 address read */
	u64 rd_hi;
	u64 wr_lo;
	u64 wr_hi;
};

enum busy_mode { BUSY_EXACT, BUSY_SHORT, BUSY_LONG, BUSY_ZERO };

struct fake_mem {
	struct kunit *test;
	struct fake_region mem[NR_MEM];
	struct fake_watch watch[NR_WATCH];
	/* Since fake_chunk_start(). */
	u64 rd;
	u64 wr;
	unsigned int calls;
	unsigned int busy_calls;
	u64 busy_asked;
	/* Since the start of the test. */
	unsigned int faults;
	unsigned int calls_after_fault;
	unsigned int busy_total_calls;
	u64 busy_total_asked;
	u64 busy_max_asked;
	enum busy_mode busy_mode;
};

#define SCRATCH_CANARY	64

struct exec_fixture {
	struct fake_mem f;
	struct vaccel_exec_env env;
	u8 *scratch[2];
};

/* A copy of every memory of the fake. */
struct fake_snap {
	u8 *buf[NR_MEM];
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

static u64 fake_busy(void *priv, u64 ns)
{
	struct fake_mem *f = priv;

	f->busy_calls++;
	f->busy_asked += ns;
	f->busy_total_calls++;
	f->busy_total_asked += ns;
	f->busy_max_asked = max(f->busy_max_asked, ns);
	switch (f->busy_mode) {
	case BUSY_SHORT:
		return ns / 3 + 1;
	case BUSY_LONG:
		return ns * 2 + 7;
	case BUSY_ZERO:
		return 0;
	default:
		return ns;
	}
}

static const struct vaccel_exec_ops fake_ops = {
	.dma_rw = fake_dma_rw,
	.dev_rw = fake_dev_rw,
	.busy = fake_busy,
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

static void fake_reset_memory(struct exec_fixture *fx)
{
	int i;

	for (i = 0; i < NR_MEM; i++) {
		fx->f.mem[i].mapped = true;
		fill_noise(fx->f.mem[i].buf, fx->f.mem[i].size, 0x9e3779b9 * (i + 1));
	}
}

static int exec_test_init(struct kunit *test)
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
	fake_reset_memory(fx);
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

static void fake_snapshot(struct kunit *test, struct exec_fixture *fx,
			  struct fake_snap *s)
{
	int i;

	for (i = 0; i < NR_MEM; i++) {
		s->buf[i] = kunit_kmalloc(test, fx->f.mem[i].size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->buf[i]);
		memcpy(s->buf[i], fx->f.mem[i].buf, fx->f.mem[i].size);
	}
}

/* Every byte of every memory is what @want says. */
static void expect_memory(struct kunit *test, struct exec_fixture *fx,
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

/* Where an operand lives: a memory of the fake and an offset in it. */
struct loc {
	enum fake_mem_id mem;
	u64 off;
};

#define AT(m, o)	((struct loc){ .mem = (m), .off = (o) })

static u64 loc_addr(struct loc l)
{
	return fake_layout[l.mem].base + l.off;
}

static u16 loc_flag(struct loc l, u16 flag)
{
	return l.mem == MEM_DEV ? flag : 0;
}

static u8 *snap_ptr(const struct fake_snap *s, struct loc l)
{
	return s->buf[l.mem] + l.off;
}

static u8 *mem_ptr(struct exec_fixture *fx, struct loc l)
{
	return fx->f.mem[l.mem].buf + l.off;
}

/* A descriptor in CPU byte order. */
struct tdesc {
	u16 opcode;
	u16 flags;
	u32 len;
	u64 src;
	u64 src2;
	u64 dst;
	u64 value;
	u32 m;
	u32 n;
	u32 k;
	u32 rsvd;
};

static void tdesc_encode(const struct tdesc *t, struct vaccel_desc *d)
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

static void make_job(struct kunit *test, const struct tdesc *t,
		     struct vaccel_job *job)
{
	struct vaccel_desc d;

	tdesc_encode(t, &d);
	KUNIT_ASSERT_EQ(test, vaccel_desc_check(&d, DEV_SIZE, job), 0);
}

static struct tdesc copy_desc(struct loc src, struct loc dst, u32 len)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_COPY,
		.flags = loc_flag(src, VACCEL_DESC_F_SRC_DEV) |
			 loc_flag(dst, VACCEL_DESC_F_DST_DEV),
		.len = len, .src = loc_addr(src), .dst = loc_addr(dst),
	};
}

static struct tdesc fill_desc(struct loc dst, u32 len, u64 value)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_FILL,
		.flags = loc_flag(dst, VACCEL_DESC_F_DST_DEV),
		.len = len, .dst = loc_addr(dst), .value = value,
	};
}

static struct tdesc crc_desc(struct loc src, u32 len, struct loc dst,
			     u32 seed)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_CRC32C,
		.flags = loc_flag(src, VACCEL_DESC_F_SRC_DEV) |
			 loc_flag(dst, VACCEL_DESC_F_DST_DEV),
		.len = len, .src = loc_addr(src), .dst = loc_addr(dst),
		.value = seed,
	};
}

static struct tdesc gemm_desc(u32 m, u32 k, u32 n, struct loc a,
			      struct loc b, struct loc c)
{
	return (struct tdesc){
		.opcode = VACCEL_OP_GEMM,
		.flags = loc_flag(a, VACCEL_DESC_F_SRC_DEV) |
			 loc_flag(b, VACCEL_DESC_F_SRC2_DEV) |
			 loc_flag(c, VACCEL_DESC_F_DST_DEV),
		.src = loc_addr(a), .src2 = loc_addr(b), .dst = loc_addr(c),
		.m = m, .n = n, .k = k,
	};
}

/* Field by field: struct vaccel_job has padding. */
static bool job_eq(const struct vaccel_job *a, const struct vaccel_job *b)
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

/* What pos reaches when the job is done. */
static u64 job_total(const struct vaccel_job *job)
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
 * width rule and VACCEL_CHUNK_MACS, BUSY's VACCEL_CHUNK_NS.
 */
static void check_chunk(struct kunit *test, struct fake_mem *f,
			const struct vaccel_job *before,
			const struct vaccel_job *job, int ret)
{
	const struct fake_watch *w = f->watch;
	u64 adv = job->pos - before->pos;
	u64 i, j, ew, row;

	KUNIT_EXPECT_GE(test, job->pos, before->pos);
	KUNIT_EXPECT_LE(test, job->pos, job_total(job));
	if (job->opcode != VACCEL_OP_NOP && job->opcode != VACCEL_OP_FENCE) {
		KUNIT_EXPECT_GT(test, adv, 0ULL);
		KUNIT_EXPECT_EQ(test, ret == VACCEL_EXEC_DONE,
				job->pos == job_total(job));
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
		KUNIT_EXPECT_TRUE(test, job_eq(job, before));
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
		KUNIT_EXPECT_EQ(test, f->busy_calls, 1U);
		KUNIT_EXPECT_LE(test, f->busy_asked, (u64)VACCEL_CHUNK_NS);
		KUNIT_EXPECT_LE(test, f->busy_asked,
				job->value - before->pos);
		break;
	}
}

/*
 * One chunk through the fake, with the scratch buffer clobbered first
 * (no state may live there), and the checks every chunk must pass: *bytes
 * is what the fake moved, a failed chunk leaves the job as it was, the
 * scratch buffer was not overrun, and check_chunk().
 */
static int exec_one(struct kunit *test, struct exec_fixture *fx,
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
		KUNIT_EXPECT_TRUE(test, job_eq(job, &before));
		return ret;
	}
	KUNIT_EXPECT_TRUE(test, ret == VACCEL_EXEC_DONE ||
			  ret == VACCEL_EXEC_MORE);
	check_chunk(test, &fx->f, &before, job, ret);
	return ret;
}

#define MAX_CHUNKS	30000

/*
 * Run a job to completion; return its chunks, the pos after each in @pos
 * (up to @max_pos of them) if not NULL, the bytes moved in @bytes.
 */
static unsigned int exec_run(struct kunit *test, struct exec_fixture *fx,
			     struct vaccel_job *job, u64 *pos,
			     unsigned int max_pos)
{
	unsigned int chunks = 0;
	int ret;

	do {
		ret = exec_one(test, fx, job);
		KUNIT_ASSERT_GE(test, ret, 0);
		if (pos && chunks < max_pos)
			pos[chunks] = job->pos;
		chunks++;
		KUNIT_ASSERT_LE(test, chunks, MAX_CHUNKS);
	} while (ret == VACCEL_EXEC_MORE);
	return chunks;
}

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

static void run_check_case(struct kunit *test, const struct check_case *c)
{
	struct vaccel_desc d;
	struct vaccel_job job, untouched;
	int ret;

	tdesc_encode(&c->d, &d);
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

static void vaccel_exec_test_check(struct kunit *test)
{
	run_check_case(test, test->param_value);
}

static void vaccel_exec_test_check_precedence(struct kunit *test)
{
	run_check_case(test, test->param_value);
}

/* Fields are little endian in the descriptor whatever the CPU. */
static void vaccel_exec_test_check_byte_order(struct kunit *test)
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

/* ---- 2. each operation against an independent reference ---- */

static void vaccel_exec_test_nop_fence(struct kunit *test)
{
	struct exec_fixture *fx = test->priv;
	struct tdesc nop = { .opcode = VACCEL_OP_NOP, .flags = F_IRQ };
	struct tdesc fence = { .opcode = VACCEL_OP_FENCE,
			       .value = 0x0123456789abcdefULL };
	struct vaccel_job job, before;
	struct fake_snap snap;

	fake_snapshot(test, fx, &snap);
	make_job(test, &nop, &job);
	before = job;
	KUNIT_EXPECT_EQ(test, exec_one(test, fx, &job), VACCEL_EXEC_DONE);
	KUNIT_EXPECT_TRUE(test, job_eq(&job, &before));

	make_job(test, &fence, &job);
	before = job;
	KUNIT_EXPECT_EQ(test, exec_one(test, fx, &job), VACCEL_EXEC_DONE);
	KUNIT_EXPECT_TRUE(test, job_eq(&job, &before));
	KUNIT_EXPECT_EQ(test, job.value, 0x0123456789abcdefULL);

	KUNIT_EXPECT_EQ(test, fx->f.busy_total_calls, 0U);
	KUNIT_EXPECT_EQ(test, fx->f.faults, 0U);
	expect_memory(test, fx, &snap);
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
	struct tdesc d = copy_desc(c->src, c->dst, c->len);
	struct vaccel_job job;
	struct fake_snap want;
	unsigned int chunks;

	fake_snapshot(test, fx, &want);
	memcpy(snap_ptr(&want, c->dst), mem_ptr(fx, c->src), c->len);
	make_job(test, &d, &job);
	chunks = exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_GE(test, chunks, DIV_ROUND_UP(c->len, VACCEL_CHUNK_BYTES));
	KUNIT_EXPECT_EQ(test, job.pos, (u64)c->len);
	expect_memory(test, fx, &want);
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
	struct tdesc d = fill_desc(c->dst, c->len, c->value);
	struct vaccel_job job;
	struct fake_snap want;
	u8 le[8];
	u64 i;

	put_unaligned_le64(c->value, le);
	fake_snapshot(test, fx, &want);
	for (i = c->start; i < c->len; i++)
		snap_ptr(&want, c->dst)[i] = le[i % 8];
	make_job(test, &d, &job);
	job.pos = c->start;
	exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, job.pos, (u64)c->len);
	expect_memory(test, fx, &want);
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
	u8 *p = mem_ptr(fx, c->src);
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
	struct tdesc d = crc_desc(c->src, c->len, c->dst, c->seed);
	struct vaccel_job job;
	struct fake_snap want;
	u32 expect;

	crc_prepare(fx, c);
	expect = ref_crc32c(c->seed, mem_ptr(fx, c->src), c->len);
	/* The reference itself against the published values. */
	if (c->known)
		KUNIT_ASSERT_EQ(test, expect, c->known);
	fake_snapshot(test, fx, &want);
	put_unaligned_le32(expect, snap_ptr(&want, c->dst));
	make_job(test, &d, &job);
	exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(mem_ptr(fx, c->dst)), expect);
	expect_memory(test, fx, &want);
}

/* Run a CRC32C to the end and return its result as read from memory. */
static u32 crc_run(struct kunit *test, struct exec_fixture *fx, struct loc src,
		   u32 len, struct loc dst, u32 seed)
{
	struct tdesc d = crc_desc(src, len, dst, seed);
	struct vaccel_job job;

	make_job(test, &d, &job);
	exec_run(test, fx, &job, NULL, 0);
	return get_unaligned_le32(mem_ptr(fx, dst));
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
	KUNIT_EXPECT_EQ(test, whole, ref_crc32c(0, mem_ptr(fx, AT(MEM_LO, 0)),
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
	memcpy(mem_ptr(fx, AT(MEM_DEV, 0)), "123456789", 9);
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
	struct tdesc d = gemm_desc(c->m, c->k, c->n, c->a, c->b, c->c);
	u32 per_row = DIV_ROUND_UP(c->n, max(1U, VACCEL_CHUNK_MACS / c->k));
	struct vaccel_job job;
	struct fake_snap want;
	unsigned int chunks;

	fake_snapshot(test, fx, &want);
	ref_gemm(snap_ptr(&want, c->a), snap_ptr(&want, c->b),
		 snap_ptr(&want, c->c), c->m, c->k, c->n);
	make_job(test, &d, &job);
	chunks = exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, chunks, c->m * per_row);
	expect_memory(test, fx, &want);
}

/* Wrap-around and signs, worked out by hand. */
static void vaccel_exec_test_gemm_wrap(struct kunit *test)
{
	static const s32 a[4] = { S32_MIN, -1, 0x10000, 3 };
	static const s32 b[4] = { -1, 0x10000, S32_MIN, -7 };
	static const u32 c[4] = { 0, 7, 0x7fff0000, 0xffffffeb };
	struct exec_fixture *fx = test->priv;
	struct tdesc d = gemm_desc(2, 2, 2, AT(MEM_LO, 0), AT(MEM_DEV, 40),
				   AT(MEM_HI, 4));
	struct vaccel_job job;
	int i;

	for (i = 0; i < 4; i++) {
		put_unaligned_le32(a[i], mem_ptr(fx, AT(MEM_LO, 4 * i)));
		put_unaligned_le32(b[i], mem_ptr(fx, AT(MEM_DEV, 40 + 4 * i)));
	}
	make_job(test, &d, &job);
	exec_run(test, fx, &job, NULL, 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    get_unaligned_le32(mem_ptr(fx, AT(MEM_HI, 4 + 4 * i))),
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
 * BUSY: the time busy() reports adds up to value exactly (clamped, and
 * a 0 counts as 1 ns so that the job still ends); each call asks for at
 * most VACCEL_CHUNK_NS and no more than is left (check_chunk()).
 */
static void vaccel_exec_test_busy(struct kunit *test)
{
	const struct busy_case *c = test->param_value;
	struct exec_fixture *fx = test->priv;
	struct tdesc d = { .opcode = VACCEL_OP_BUSY, .value = c->ns };
	struct vaccel_job job;
	unsigned int chunks;

	fx->f.busy_mode = c->mode;
	make_job(test, &d, &job);
	chunks = exec_run(test, fx, &job, NULL, 0);
	KUNIT_EXPECT_EQ(test, job.pos, c->ns);
	KUNIT_EXPECT_EQ(test, fx->f.busy_total_calls, chunks);
	KUNIT_EXPECT_LE(test, fx->f.busy_max_asked, (u64)VACCEL_CHUNK_NS);
	switch (c->mode) {
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

/* ---- 3. chunk bounds, counted by the fake ---- */

struct bounds_case {
	const char *name;
	struct tdesc (*desc)(void);
	unsigned int chunks;
	u64 bytes;
};

static struct tdesc bounds_copy(void)
{
	return copy_desc(AT(MEM_DEV, 1), AT(MEM_HI, 2), 7 * VACCEL_CHUNK_BYTES + 1);
}

static struct tdesc bounds_fill(void)
{
	return fill_desc(AT(MEM_DEV, 3), 5 * VACCEL_CHUNK_BYTES, 0x1234);
}

static struct tdesc bounds_crc(void)
{
	return crc_desc(AT(MEM_LO, 0), 4 * VACCEL_CHUNK_BYTES + 2,
			AT(MEM_DEV, 0), 0);
}

static struct tdesc bounds_gemm(void)
{
	return gemm_desc(2, 1024, 64, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_DEV, 0));
}

static struct tdesc bounds_gemm_k1(void)
{
	return gemm_desc(3, 1, 1024, AT(MEM_LO, 0), AT(MEM_LO, 64),
			 AT(MEM_DEV, 0));
}

static struct tdesc bounds_gemm_k16(void)
{
	/* VACCEL_CHUNK_MACS / 16 = 1024: exactly one row per chunk. */
	return gemm_desc(4, 16, 1024, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_DEV, 0));
}

static struct tdesc bounds_gemm_k17(void)
{
	/* 963 columns, then the remaining 61 of each row. */
	return gemm_desc(2, 17, 1024, AT(MEM_LO, 0), AT(MEM_HI, 0),
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

	make_job(test, &d, &job);
	do {
		ret = exec_one(test, fx, &job);
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
	d[0] = copy_desc(AT(MEM_LO, 0), AT(MEM_DEV, 1),
			 3 * VACCEL_CHUNK_BYTES + 13);
	d[1] = fill_desc(AT(MEM_HI, 1), 2 * VACCEL_CHUNK_BYTES + 7,
			 0x0123456789abcdefULL);
	d[2] = crc_desc(AT(MEM_DEV, SZ_256K + 3), 2 * VACCEL_CHUNK_BYTES + 3,
			AT(MEM_LO, 300 * 1024 + 1), 0x12345678);
	d[3] = gemm_desc(3, 1024, 64, AT(MEM_LO, 320 * 1024),
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
		make_job(test, &d[i], &live);
		n_alone[i] = exec_run(test, fx, &live, alone[i], RESUME_MAX_POS);
		KUNIT_ASSERT_LE(test, n_alone[i], RESUME_MAX_POS);
		KUNIT_EXPECT_GT(test, n_alone[i], 1U);
	}
	fake_snapshot(test, fx, &after_alone);

	fake_reset_memory(fx);
	for (i = 0; i < RESUME_JOBS; i++)
		make_job(test, &d[i], &saved[i]);
	running = RESUME_JOBS;
	while (running) {
		for (i = 0; i < RESUME_JOBS; i++) {
			if (n_mixed[i] && saved[i].pos == job_total(&saved[i]))
				continue;
			live = saved[i];
			fx->env.scratch = fx->scratch[step++ % 2];
			ret = exec_one(test, fx, &live);
			KUNIT_ASSERT_GE(test, ret, 0);
			KUNIT_ASSERT_LT(test, n_mixed[i], RESUME_MAX_POS);
			mixed[i][n_mixed[i]++] = live.pos;
			saved[i] = live;
			memset(&live, 0x5a, sizeof(live));
			if (ret == VACCEL_EXEC_DONE)
				running--;
		}
	}
	fake_snapshot(test, fx, &after_mixed);

	for (i = 0; i < RESUME_JOBS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, n_mixed[i], n_alone[i], "job %u", i);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(mixed[i], alone[i],
						 sizeof(alone[i])), 0,
				    "job %u", i);
	}
	expect_memory(test, fx, &after_alone);
	/* And the jobs did what they should, not merely the same twice. */
	KUNIT_EXPECT_EQ(test, memcmp(mem_ptr(fx, AT(MEM_DEV, 1)),
				     mem_ptr(fx, AT(MEM_LO, 0)),
				     3 * VACCEL_CHUNK_BYTES + 13), 0);
	KUNIT_EXPECT_EQ(test,
			get_unaligned_le32(mem_ptr(fx, AT(MEM_LO, 300 * 1024 + 1))),
			ref_crc32c(0x12345678,
				   mem_ptr(fx, AT(MEM_DEV, SZ_256K + 3)),
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
			       .src = IOVA_HOLE, .dst = loc_addr(AT(MEM_LO, 0)) };
}

static struct tdesc fault_copy_dst_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_COPY, .len = 100,
			       .src = loc_addr(AT(MEM_LO, 0)), .dst = IOVA_HOLE };
}

static struct tdesc fault_copy_src_straddles(void)
{
	return copy_desc(AT(MEM_LO, SZ_512K - 8), AT(MEM_HI, 0), 16);
}

static struct tdesc fault_copy_dst_straddles(void)
{
	return copy_desc(AT(MEM_DEV, 0), AT(MEM_HI, SZ_512K - 1), 2);
}

static struct tdesc fault_fill_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_FILL, .len = 10,
			       .dst = IOVA_HOLE - 5 };
}

static struct tdesc fault_crc_src_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_CRC32C, .len = 10,
			       .src = IOVA_HOLE, .dst = loc_addr(AT(MEM_LO, 0)) };
}

static struct tdesc fault_crc_dst_hole(void)
{
	return (struct tdesc){ .opcode = VACCEL_OP_CRC32C, .len = 10,
			       .src = loc_addr(AT(MEM_LO, 0)),
			       .dst = loc_addr(AT(MEM_LO, SZ_512K - 2)) };
}

static struct tdesc fault_gemm_a_hole(void)
{
	struct tdesc d = gemm_desc(2, 3, 4, AT(MEM_LO, 0), AT(MEM_LO, 64),
				   AT(MEM_DEV, 0));

	d.src = IOVA_HOLE;
	return d;
}

static struct tdesc fault_gemm_b_hole(void)
{
	/* B's first row is mapped, its second is not. */
	return gemm_desc(2, 3, 4, AT(MEM_LO, 0), AT(MEM_LO, SZ_512K - 16),
			 AT(MEM_DEV, 0));
}

static struct tdesc fault_gemm_c_hole(void)
{
	struct tdesc d = gemm_desc(2, 3, 4, AT(MEM_LO, 0), AT(MEM_LO, 64),
				   AT(MEM_DEV, 0));

	d.flags = 0;
	d.dst = IOVA_HOLE;
	return d;
}

static struct tdesc fault_copy_from_aux(void)
{
	return copy_desc(AT(MEM_AUX, 0), AT(MEM_LO, 0), 3 * VACCEL_CHUNK_BYTES);
}

static struct tdesc fault_copy_to_aux(void)
{
	return copy_desc(AT(MEM_DEV, 0), AT(MEM_AUX, 1), 3 * VACCEL_CHUNK_BYTES);
}

static struct tdesc fault_fill_aux(void)
{
	return fill_desc(AT(MEM_AUX, 0), 2 * VACCEL_CHUNK_BYTES, 0x77);
}

static struct tdesc fault_crc_from_aux(void)
{
	return crc_desc(AT(MEM_AUX, 0), 2 * VACCEL_CHUNK_BYTES + 1,
			AT(MEM_LO, 0), 0);
}

static struct tdesc fault_crc_to_aux(void)
{
	return crc_desc(AT(MEM_LO, 0), 2 * VACCEL_CHUNK_BYTES + 1,
			AT(MEM_AUX, 8), 0);
}

static struct tdesc fault_gemm_c_aux(void)
{
	return gemm_desc(3, 1024, 64, AT(MEM_LO, 0), AT(MEM_HI, 0),
			 AT(MEM_AUX, 0));
}

static struct tdesc fault_gemm_b_aux(void)
{
	return gemm_desc(3, 1024, 64, AT(MEM_LO, 0), AT(MEM_AUX, 0),
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
 * as before that chunk (exec_one()), and nothing is accessed once an
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

	make_job(test, &d, &job);
	for (;;) {
		if (chunks == c->unmap_after) {
			aux->mapped = false;
			aux_rd = aux->rd;
			aux_wr = aux->wr;
			fake_snapshot(test, fx, &at_unmap);
		}
		before = job;
		ret = exec_one(test, fx, &job);
		chunks++;
		if (ret != VACCEL_EXEC_MORE)
			break;
		KUNIT_ASSERT_LE(test, chunks, 20);
	}
	KUNIT_EXPECT_EQ(test, ret, -VACCEL_QERR_DMA);
	KUNIT_EXPECT_EQ(test, chunks, c->unmap_after < 0 ? 1 : c->unmap_after + 1);
	KUNIT_EXPECT_TRUE(test, job_eq(&job, &before));
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
	KUNIT_CASE_PARAM(vaccel_exec_test_check, check_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_check_precedence,
			 precedence_gen_params),
	KUNIT_CASE(vaccel_exec_test_check_byte_order),
	KUNIT_CASE(vaccel_exec_test_nop_fence),
	KUNIT_CASE_PARAM(vaccel_exec_test_copy, copy_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_fill, fill_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_crc32c, crc_gen_params),
	KUNIT_CASE(vaccel_exec_test_crc32c_chain),
	KUNIT_CASE_PARAM(vaccel_exec_test_gemm, gemm_gen_params),
	KUNIT_CASE(vaccel_exec_test_gemm_wrap),
	KUNIT_CASE_PARAM(vaccel_exec_test_busy, busy_gen_params),
	KUNIT_CASE_PARAM(vaccel_exec_test_chunk_bounds, bounds_gen_params),
	KUNIT_CASE(vaccel_exec_test_resume),
	KUNIT_CASE_PARAM(vaccel_exec_test_dma_fault, fault_gen_params),
	{ }
};

static struct kunit_suite vaccel_exec_suite = {
	.name = "vaccel_exec",
	.init = exec_test_init,
	.test_cases = vaccel_exec_cases,
};

kunit_test_suite(vaccel_exec_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
