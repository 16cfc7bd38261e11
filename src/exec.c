// SPDX-License-Identifier: GPL-2.0
/*
 * The execution unit of the compute engines: validation of a descriptor
 * read from guest memory, and execution of the validated command in
 * bounded, resumable chunks.
 *
 * Pure code: memory and time are reached only through struct
 * vaccel_exec_ops, so the same functions run behind the engines (guest
 * memory through vfio_dma_rw(), device memory in the card) and in the
 * KUnit suite (plain buffers).
 *
 * Two rules hold everywhere below:
 *  - vaccel_desc_check() is the only place that looks at guest-controlled
 *    values; vaccel_exec_chunk() trusts the job it gets from there (and
 *    only guards, with a WARN, against the ones that would make it overrun
 *    its scratch buffer).
 *  - struct vaccel_job is the whole context of a command in flight.  A
 *    chunk uses env->scratch only for the duration of the call, so a job
 *    may be saved by value after any chunk and resumed with any scratch
 *    buffer, on any engine.
 */

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/bug.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include <asm/unaligned.h>
#include <kunit/visibility.h>

#include "exec.h"

/* The fields of struct vaccel_desc an opcode uses (rsvd: none does). */
#define VACCEL_USES_LEN		BIT(0)
#define VACCEL_USES_SRC		BIT(1)
#define VACCEL_USES_SRC2	BIT(2)
#define VACCEL_USES_DST		BIT(3)
#define VACCEL_USES_VALUE	BIT(4)
#define VACCEL_USES_MNK		BIT(5)

/**
 * struct vaccel_op_info - what an opcode accepts
 * @flags: flags it accepts besides VACCEL_DESC_F_IRQ, which all accept
 * @uses: VACCEL_USES_* of the fields it reads; the others must be zero
 */
struct vaccel_op_info {
	u16 flags;
	u8 uses;
};

static const struct vaccel_op_info vaccel_op_info[VACCEL_OP_COUNT] = {
	[VACCEL_OP_NOP] = { 0, 0 },
	[VACCEL_OP_FENCE] = { 0, VACCEL_USES_VALUE },
	[VACCEL_OP_COPY] = {
		VACCEL_DESC_F_SRC_DEV | VACCEL_DESC_F_DST_DEV,
		VACCEL_USES_LEN | VACCEL_USES_SRC | VACCEL_USES_DST,
	},
	[VACCEL_OP_FILL] = {
		VACCEL_DESC_F_DST_DEV,
		VACCEL_USES_LEN | VACCEL_USES_DST | VACCEL_USES_VALUE,
	},
	[VACCEL_OP_CRC32C] = {
		VACCEL_DESC_F_SRC_DEV | VACCEL_DESC_F_DST_DEV,
		VACCEL_USES_LEN | VACCEL_USES_SRC | VACCEL_USES_DST |
		VACCEL_USES_VALUE,
	},
	[VACCEL_OP_GEMM] = {
		VACCEL_DESC_F_SRC_DEV | VACCEL_DESC_F_SRC2_DEV |
		VACCEL_DESC_F_DST_DEV,
		VACCEL_USES_SRC | VACCEL_USES_SRC2 | VACCEL_USES_DST |
		VACCEL_USES_MNK,
	},
	[VACCEL_OP_BUSY] = { 0, VACCEL_USES_VALUE },
};

/* Bytes of the CRC32C result. */
#define VACCEL_CRC_SIZE		4

/**
 * struct vaccel_operand - one memory range a command reads or writes
 * @addr: IOVA, or offset in device memory when @dev
 * @size: bytes; 0 when the command has no such operand
 * @dev: in device memory
 */
struct vaccel_operand {
	u64 addr;
	u64 size;
	bool dev;
};

/*
 * Bytes of a rows x cols int32 matrix.  Dimensions are at most
 * VACCEL_GEMM_MAX_DIM once checked, so this cannot overflow; it still
 * says so rather than assume it.
 */
static bool vaccel_matrix_size(u32 rows, u32 cols, u64 *size)
{
	return !check_mul_overflow((u64)rows, (u64)cols, size) &&
	       !check_mul_overflow(*size, (u64)sizeof(u32), size);
}

/*
 * RANGE: the operand's bytes [addr, addr + size) must be addressable
 * without wrapping, i.e. addr + size must be representable in 64 bits.
 * So a range may end (exclusively) at 2^64 - 1 but not at 2^64: byte
 * 2^64 - 1 is never usable.  No IOMMU has a 64-bit wide IOVA space, so
 * nothing real is lost, and every consumer may compute the exclusive end
 * in a u64.  Device memory operands must lie within [0, dev_mem_size).
 */
static bool vaccel_operand_ok(const struct vaccel_operand *op,
			      u64 dev_mem_size)
{
	u64 end;

	if (!op->size)
		return true;
	if (check_add_overflow(op->addr, op->size, &end))
		return false;
	return !op->dev || end <= dev_mem_size;
}

/* Both in the same memory and sharing a byte; ranges already checked. */
static bool vaccel_operands_overlap(const struct vaccel_operand *a,
				    const struct vaccel_operand *b)
{
	if (!a->size || !b->size || a->dev != b->dev)
		return false;
	return a->addr < b->addr + b->size && b->addr < a->addr + a->size;
}

/* RESERVED: fields the opcode does not use, and rsvd, must be zero. */
static bool vaccel_fields_ok(const struct vaccel_job *j, u32 rsvd, u8 uses)
{
	if (!(uses & VACCEL_USES_LEN) && j->len)
		return false;
	if (!(uses & VACCEL_USES_SRC) && j->src)
		return false;
	if (!(uses & VACCEL_USES_SRC2) && j->src2)
		return false;
	if (!(uses & VACCEL_USES_DST) && j->dst)
		return false;
	if (!(uses & VACCEL_USES_VALUE) && j->value)
		return false;
	if (!(uses & VACCEL_USES_MNK) && (j->m || j->n || j->k))
		return false;
	return !rsvd;
}

static bool vaccel_dim_ok(u32 dim)
{
	return dim >= 1 && dim <= VACCEL_GEMM_MAX_DIM;
}

/**
 * vaccel_desc_check() - validate a descriptor and turn it into a job
 * @desc: the descriptor as read from guest memory (little endian).  Each
 *	field is loaded once and only that value is checked and used, but
 *	with plain loads: pass a copy the guest cannot write, not the ring
 * @dev_mem_size: bytes of the function's device memory (BAR2)
 * @job: filled on success only: the fields in CPU byte order, @pos 0 and
 *	@crc the inverted seed (~value) for CRC32C, 0 otherwise
 *
 * The single validation boundary of a command: every fault is found here,
 * before anything of the command is done.  The checks run in this order
 * and the first that fails gives the code, so a descriptor with several
 * faults always reports the same one:
 *
 *  1. OPCODE: the opcode is unknown.
 *  2. FLAGS: a flag is unknown or not one the opcode uses (IRQ is valid
 *     for every opcode).
 *  3. RESERVED: a field the opcode does not use is not zero, or rsvd is
 *     not zero (tag is never looked at).
 *  4. LENGTH: COPY, FILL, CRC32C: len is 0 or above VACCEL_DESC_MAX_LEN.
 *  5. MATRIX: GEMM: m, n or k is 0 or above VACCEL_GEMM_MAX_DIM.
 *  6. VALUE: CRC32C: the seed has a bit of 63:32 set; BUSY: the duration
 *     is 0 or above VACCEL_BUSY_MAX_NS.
 *  7. RANGE: for each operand in the order src, src2, dst: addr + size
 *     overflows 64 bits (a range may end at 2^64 - 1, not at 2^64), or,
 *     for a device memory operand, reaches past @dev_mem_size.  Sizes: len
 *     for COPY and FILL, len and 4 (the result) for CRC32C, m*k*4, k*n*4
 *     and m*n*4 for GEMM's A, B and C.
 *  8. OVERLAP: COPY's source and destination, or GEMM's C and A or C and
 *     B, are in the same memory (both IOVAs or both device memory) and
 *     share a byte.  Sources may overlap each other (GEMM's A and B), and
 *     CRC32C's result may lie inside its source: it is written after the
 *     last byte of the source has been read.
 *
 * Return: 0, or a positive VACCEL_QERR_* code.
 */
int vaccel_desc_check(const struct vaccel_desc *desc, u64 dev_mem_size,
		      struct vaccel_job *job)
{
	struct vaccel_operand src = {}, src2 = {}, dst = {};
	const struct vaccel_op_info *info;
	struct vaccel_job j = {
		.opcode = le16_to_cpu(desc->opcode),
		.flags = le16_to_cpu(desc->flags),
		.len = le32_to_cpu(desc->len),
		.src = le64_to_cpu(desc->src),
		.src2 = le64_to_cpu(desc->src2),
		.dst = le64_to_cpu(desc->dst),
		.value = le64_to_cpu(desc->value),
		.m = le32_to_cpu(desc->m),
		.n = le32_to_cpu(desc->n),
		.k = le32_to_cpu(desc->k),
	};
	u32 rsvd = le32_to_cpu(desc->rsvd);

	/* From here on only the copy in j is looked at. */
	if (j.opcode >= VACCEL_OP_COUNT)
		return VACCEL_QERR_OPCODE;
	info = &vaccel_op_info[j.opcode];

	if (j.flags & ~(VACCEL_DESC_F_IRQ | info->flags))
		return VACCEL_QERR_FLAGS;

	if (!vaccel_fields_ok(&j, rsvd, info->uses))
		return VACCEL_QERR_RESERVED;

	if ((info->uses & VACCEL_USES_LEN) &&
	    (j.len == 0 || j.len > VACCEL_DESC_MAX_LEN))
		return VACCEL_QERR_LENGTH;

	if ((info->uses & VACCEL_USES_MNK) &&
	    (!vaccel_dim_ok(j.m) || !vaccel_dim_ok(j.n) || !vaccel_dim_ok(j.k)))
		return VACCEL_QERR_MATRIX;

	if (j.opcode == VACCEL_OP_CRC32C && upper_32_bits(j.value))
		return VACCEL_QERR_VALUE;
	if (j.opcode == VACCEL_OP_BUSY &&
	    (j.value == 0 || j.value > VACCEL_BUSY_MAX_NS))
		return VACCEL_QERR_VALUE;

	src.addr = j.src;
	src.dev = j.flags & VACCEL_DESC_F_SRC_DEV;
	src2.addr = j.src2;
	src2.dev = j.flags & VACCEL_DESC_F_SRC2_DEV;
	dst.addr = j.dst;
	dst.dev = j.flags & VACCEL_DESC_F_DST_DEV;
	switch (j.opcode) {
	case VACCEL_OP_COPY:
		src.size = j.len;
		dst.size = j.len;
		break;
	case VACCEL_OP_FILL:
		dst.size = j.len;
		break;
	case VACCEL_OP_CRC32C:
		src.size = j.len;
		dst.size = VACCEL_CRC_SIZE;
		break;
	case VACCEL_OP_GEMM:
		if (!vaccel_matrix_size(j.m, j.k, &src.size) ||
		    !vaccel_matrix_size(j.k, j.n, &src2.size) ||
		    !vaccel_matrix_size(j.m, j.n, &dst.size))
			return VACCEL_QERR_RANGE;
		break;
	}

	if (!vaccel_operand_ok(&src, dev_mem_size) ||
	    !vaccel_operand_ok(&src2, dev_mem_size) ||
	    !vaccel_operand_ok(&dst, dev_mem_size))
		return VACCEL_QERR_RANGE;

	if ((j.opcode == VACCEL_OP_COPY || j.opcode == VACCEL_OP_GEMM) &&
	    (vaccel_operands_overlap(&dst, &src) ||
	     vaccel_operands_overlap(&dst, &src2)))
		return VACCEL_QERR_OVERLAP;

	j.pos = 0;
	j.crc = j.opcode == VACCEL_OP_CRC32C ? ~lower_32_bits(j.value) : 0;
	*job = j;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_desc_check);

/*
 * One access to an operand, in guest memory or in device memory.  A guest
 * page that is not resident stops the chunk (VACCEL_EXEC_FAULT); any other
 * failure of the backend is the command's DMA error.  *bytes counts what
 * was moved successfully.
 */
static int vaccel_mem_rw(const struct vaccel_exec_env *env, bool dev,
			 u64 addr, void *buf, size_t len, bool write,
			 u64 *bytes)
{
	int ret;

	if (dev)
		ret = env->ops->dev_rw(env->priv, addr, buf, len, write);
	else
		ret = env->ops->dma_rw(env->priv, addr, buf, len, write);
	if (ret == -EAGAIN && !dev)
		return VACCEL_EXEC_FAULT;
	if (ret)
		return -VACCEL_QERR_DMA;
	*bytes += len;
	return 0;
}

/* The most bytes of COPY, FILL or CRC32C operand the next chunk moves. */
static size_t vaccel_chunk_len(const struct vaccel_job *job)
{
	BUILD_BUG_ON(VACCEL_CHUNK_BYTES > VACCEL_EXEC_SCRATCH);
	BUILD_BUG_ON(VACCEL_PIECE_BYTES > VACCEL_CHUNK_BYTES);
	BUILD_BUG_ON(VACCEL_PIECE_BYTES % 8);
	return min_t(u64, job->len - job->pos, VACCEL_CHUNK_BYTES);
}

/* Bytes of the next piece of a chunk that ends at operand byte @end. */
static size_t vaccel_piece_len(const struct vaccel_job *job, u64 end)
{
	return min_t(u64, end - job->pos, VACCEL_PIECE_BYTES);
}

/*
 * Has the chunk that began at @start spent its time?  Asked after each
 * piece, so every chunk makes at least one piece of progress.
 */
static bool vaccel_chunk_spent(const struct vaccel_exec_env *env, u64 start)
{
	return env->ops->now(env->priv) - start >= VACCEL_CHUNK_NS;
}

static int vaccel_exec_copy(struct vaccel_job *job,
			    const struct vaccel_exec_env *env, u64 start,
			    u64 *bytes)
{
	u64 end = job->pos + vaccel_chunk_len(job);
	size_t n;
	int ret;

	do {
		n = vaccel_piece_len(job, end);
		ret = vaccel_mem_rw(env, job->flags & VACCEL_DESC_F_SRC_DEV,
				    job->src + job->pos, env->scratch, n, false,
				    bytes);
		if (ret)
			return ret;
		ret = vaccel_mem_rw(env, job->flags & VACCEL_DESC_F_DST_DEV,
				    job->dst + job->pos, env->scratch, n, true,
				    bytes);
		if (ret)
			return ret;
		job->pos += n;
	} while (job->pos < end && !vaccel_chunk_spent(env, start));
	return job->pos < job->len ? VACCEL_EXEC_MORE : VACCEL_EXEC_DONE;
}

/*
 * The FILL pattern for destination bytes pos .. pos + n - 1: byte i of the
 * destination is byte i % 8 of value, little endian.  The first (up to) 8
 * bytes are built with the phase of pos, then doubled: every copy starts
 * at a multiple of 8, so it keeps the phase.
 */
static void vaccel_fill_pattern(u8 *buf, size_t n, u64 value, u64 pos)
{
	size_t i, done;

	for (i = 0; i < min_t(size_t, n, 8); i++)
		buf[i] = value >> (8 * ((pos + i) % 8));
	for (done = 8; done < n; done *= 2)
		memcpy(buf + done, buf, min(done, n - done));
}

/* Pieces are a multiple of 8 bytes: one pattern serves them all. */
static int vaccel_exec_fill(struct vaccel_job *job,
			    const struct vaccel_exec_env *env, u64 start,
			    u64 *bytes)
{
	u64 end = job->pos + vaccel_chunk_len(job);
	size_t n;
	int ret;

	vaccel_fill_pattern(env->scratch, vaccel_piece_len(job, end),
			    job->value, job->pos);
	do {
		n = vaccel_piece_len(job, end);
		ret = vaccel_mem_rw(env, job->flags & VACCEL_DESC_F_DST_DEV,
				    job->dst + job->pos, env->scratch, n, true,
				    bytes);
		if (ret)
			return ret;
		job->pos += n;
	} while (job->pos < end && !vaccel_chunk_spent(env, start));
	return job->pos < job->len ? VACCEL_EXEC_MORE : VACCEL_EXEC_DONE;
}

/*
 * CRC-32C as iSCSI and ext4 compute it: __crc32c_le() is the bare
 * reflected CRC (polynomial 0x82f63b78) without the initial and final
 * inversion, so job->crc holds the inverted state: ~seed at the start,
 * and the result is ~crc.  Hence CRC(A then B) = CRC(B, seed = CRC(A)).
 * The result is written in the piece that reads the last source byte.
 */
static int vaccel_exec_crc32c(struct vaccel_job *job,
			      const struct vaccel_exec_env *env, u64 start,
			      u64 *bytes)
{
	u64 end = job->pos + vaccel_chunk_len(job);
	size_t n;
	u32 crc;
	int ret;

	BUILD_BUG_ON(VACCEL_CRC_SIZE > VACCEL_EXEC_SCRATCH);
	do {
		n = vaccel_piece_len(job, end);
		ret = vaccel_mem_rw(env, job->flags & VACCEL_DESC_F_SRC_DEV,
				    job->src + job->pos, env->scratch, n, false,
				    bytes);
		if (ret)
			return ret;
		crc = __crc32c_le(job->crc, env->scratch, n);
		if (job->pos + n == job->len) {
			put_unaligned_le32(~crc, env->scratch);
			ret = vaccel_mem_rw(env,
					    job->flags & VACCEL_DESC_F_DST_DEV,
					    job->dst, env->scratch,
					    VACCEL_CRC_SIZE, true, bytes);
			if (ret)
				return ret;
		}
		job->crc = crc;
		job->pos += n;
	} while (job->pos < end && !vaccel_chunk_spent(env, start));
	return job->pos < job->len ? VACCEL_EXEC_MORE : VACCEL_EXEC_DONE;
}

/**
 * struct vaccel_gemm_scratch - layout of the scratch buffer for GEMM
 * @a: row i of A (k elements, as in memory)
 * @b: B[p][j .. j + w) for the current p (w elements, as in memory)
 * @acc: the sums of C[i][j .. j + w), in CPU byte order
 * @c: the same, as written to memory
 *
 * 16 KiB of the 64 KiB; env->scratch must be aligned for u32, as any
 * kmalloc() or vmalloc() buffer is.
 */
struct vaccel_gemm_scratch {
	__le32 a[VACCEL_GEMM_MAX_DIM];
	__le32 b[VACCEL_GEMM_MAX_DIM];
	u32 acc[VACCEL_GEMM_MAX_DIM];
	__le32 c[VACCEL_GEMM_MAX_DIM];
};

/*
 * A GEMM chunk computes elements pos .. pos + w - 1 of C at most, all in
 * row i = pos / n, columns j = pos % n onwards, with
 * w = max(1, min(VACCEL_CHUNK_MACS / k, n - j)): at most
 * VACCEL_CHUNK_MACS multiply-adds (k <= 1024 makes w >= 16), never past
 * the end of the row.  It reads row i of A once, then works in pieces of
 * max(1, VACCEL_PIECE_MACS / k) elements: for each, row p of B, the
 * piece's columns, for each p in 0 .. k - 1, and writes the piece's
 * elements; it stops after the piece that spends the chunk's time.
 * Arithmetic is on u32, which wraps as the int32 of the spec does.
 */
/* Row @i and first column @j of the next GEMM chunk; returns its width. */
static u32 vaccel_gemm_chunk(const struct vaccel_job *job, u32 *i, u32 *j)
{
	*i = div_u64_rem(job->pos, job->n, j);
	return max(1U, min(VACCEL_CHUNK_MACS / job->k, job->n - *j));
}

static int vaccel_exec_gemm(struct vaccel_job *job,
			    const struct vaccel_exec_env *env, u64 start,
			    u64 *bytes)
{
	struct vaccel_gemm_scratch *s = env->scratch;
	bool a_dev = job->flags & VACCEL_DESC_F_SRC_DEV;
	bool b_dev = job->flags & VACCEL_DESC_F_SRC2_DEV;
	bool c_dev = job->flags & VACCEL_DESC_F_DST_DEV;
	u32 m = job->m, n = job->n, k = job->k;
	u32 i, j, w, p, x;
	u64 end;
	int ret;

	BUILD_BUG_ON(sizeof(*s) > VACCEL_EXEC_SCRATCH);
	BUILD_BUG_ON(VACCEL_CHUNK_MACS < VACCEL_GEMM_MAX_DIM);
	BUILD_BUG_ON(VACCEL_PIECE_MACS > VACCEL_CHUNK_MACS);
	/* Only a job that did not come from vaccel_desc_check() fails this. */
	if (WARN_ON_ONCE(!vaccel_dim_ok(m) || !vaccel_dim_ok(n) ||
			 !vaccel_dim_ok(k)))
		return -VACCEL_QERR_MATRIX;
	if (job->pos >= (u64)m * n)
		return VACCEL_EXEC_DONE;

	w = vaccel_gemm_chunk(job, &i, &j);
	end = job->pos + w;

	ret = vaccel_mem_rw(env, a_dev, job->src + (u64)i * k * 4, s->a,
			    (size_t)k * 4, false, bytes);
	if (ret)
		return ret;
	do {
		w = max(1U, min_t(u32, VACCEL_PIECE_MACS / k, end - job->pos));
		memset(s->acc, 0, (size_t)w * sizeof(s->acc[0]));
		for (p = 0; p < k; p++) {
			u32 a = le32_to_cpu(s->a[p]);

			ret = vaccel_mem_rw(env, b_dev,
					    job->src2 + ((u64)p * n + j) * 4,
					    s->b, (size_t)w * 4, false, bytes);
			if (ret)
				return ret;
			for (x = 0; x < w; x++)
				s->acc[x] += a * le32_to_cpu(s->b[x]);
		}
		for (x = 0; x < w; x++)
			s->c[x] = cpu_to_le32(s->acc[x]);
		ret = vaccel_mem_rw(env, c_dev,
				    job->dst + ((u64)i * n + j) * 4, s->c,
				    (size_t)w * 4, true, bytes);
		if (ret)
			return ret;
		job->pos += w;
		j += w;
	} while (job->pos < end && !vaccel_chunk_spent(env, start));
	return job->pos < (u64)m * n ? VACCEL_EXEC_MORE : VACCEL_EXEC_DONE;
}

/*
 * BUSY counts the engine's time from @since (the end of the engine's
 * previous chunk of the queue, see struct vaccel_exec_env: mark) to the
 * end of this chunk, clamped to what is left, at least 1 ns so that the
 * job always ends.  When that time does not already cover what is left,
 * it asks ops->busy() for the rest, at most VACCEL_CHUNK_NS.  So a sleep
 * that overshoots, and the engine's work between chunks, are made up by
 * shorter sleeps later: the command holds the engine for its value.  The
 * overshoot of its last sleep is carried to the next command of the
 * queue: *@end, the engine's new mark, is where the command's time ran
 * out, not the clock.
 */
static int vaccel_exec_busy(struct vaccel_job *job,
			    const struct vaccel_exec_env *env, u64 since,
			    u64 *end)
{
	u64 left, t, done;

	*end = env->ops->now(env->priv);
	if (job->pos >= job->value)
		return VACCEL_EXEC_DONE;
	left = job->value - job->pos;
	t = *end;
	if (t - since < left) {
		env->ops->busy(env->priv,
			       min_t(u64, left - (t - since), VACCEL_CHUNK_NS));
		t = env->ops->now(env->priv);
	}
	done = clamp_t(u64, t - since, 1, left);
	job->pos += done;
	/*
	 * Time past the end of the command (the last sleep's overshoot) is
	 * the next command's: the engine's account stops where this one's
	 * time ran out.
	 */
	*end = t - since > left ? since + left : t;
	return job->pos < job->value ? VACCEL_EXEC_MORE : VACCEL_EXEC_DONE;
}

/**
 * vaccel_exec_chunk() - run the next chunk of a job
 * @job: a job from vaccel_desc_check(), as left by the previous chunk
 * @env: memory, time and scratch to run with
 * @bytes: if not NULL, set to the bytes this chunk read plus wrote in
 *	memory (guest and device memory alike), for statistics
 *
 * One chunk is bounded in time: COPY, FILL, CRC32C and GEMM work in
 * pieces and stop after the piece that brings the chunk's time (read from
 * ops->now()) to VACCEL_CHUNK_NS, always doing at least one piece.  The
 * byte and MAC bounds stay as caps: COPY, FILL and CRC32C move at most
 * VACCEL_CHUNK_BYTES of their operand (CRC32C writes its 4-byte result in
 * the last chunk besides), GEMM does at most VACCEL_CHUNK_MACS
 * multiply-adds but always at least one element of C and never crosses a
 * row of C.  BUSY asks ops->busy() for at most VACCEL_CHUNK_NS and counts
 * the engine's time (vaccel_exec_busy()).  NOP and FENCE complete in one
 * chunk without touching memory and leave @job as it is; applying FENCE's
 * value is the caller's business.
 *
 * On success @job (its @pos, and @crc) says how far the command got; it
 * may be saved by value and resumed later with another @env->scratch.
 * When an access fails, the chunk stops there and @job is left as it was
 * before the chunk, but the destination may have been partly written, as
 * the spec allows for a failed command.  A job that is DONE must not be
 * run again.
 *
 * A guest page that is not resident (ops->dma_rw() returns -EAGAIN)
 * stops the chunk after its last whole piece: @job keeps the progress of
 * the pieces done, and the chunk may be run again once the pages that
 * vaccel_exec_ranges() names are resident.
 *
 * Return: VACCEL_EXEC_DONE when the command is complete,
 * VACCEL_EXEC_MORE when it needs more chunks, VACCEL_EXEC_FAULT when it
 * stopped for a page that is not resident, -VACCEL_QERR_DMA when a
 * memory access failed.
 */
int vaccel_exec_chunk(struct vaccel_job *job,
		      const struct vaccel_exec_env *env, u64 *bytes)
{
	const struct vaccel_job before = *job;
	u64 moved = 0, start = env->ops->now(env->priv), end = 0;
	int ret;

	switch (job->opcode) {
	case VACCEL_OP_NOP:
	case VACCEL_OP_FENCE:
		ret = VACCEL_EXEC_DONE;
		break;
	case VACCEL_OP_COPY:
		ret = job->pos < job->len ?
		      vaccel_exec_copy(job, env, start, &moved) :
		      VACCEL_EXEC_DONE;
		break;
	case VACCEL_OP_FILL:
		ret = job->pos < job->len ?
		      vaccel_exec_fill(job, env, start, &moved) :
		      VACCEL_EXEC_DONE;
		break;
	case VACCEL_OP_CRC32C:
		ret = job->pos < job->len ?
		      vaccel_exec_crc32c(job, env, start, &moved) :
		      VACCEL_EXEC_DONE;
		break;
	case VACCEL_OP_GEMM:
		ret = vaccel_exec_gemm(job, env, start, &moved);
		break;
	case VACCEL_OP_BUSY:
		ret = vaccel_exec_busy(job, env,
				       env->mark && *env->mark &&
				       *env->mark <= start ?
				       *env->mark : start, &end);
		break;
	default:
		/* Not from vaccel_desc_check(). */
		WARN_ON_ONCE(1);
		ret = -VACCEL_QERR_OPCODE;
		break;
	}
	/* A failed chunk leaves the job as it found it. */
	if (ret < 0)
		*job = before;
	if (bytes)
		*bytes = moved;
	if (env->mark)
		*env->mark = job->opcode == VACCEL_OP_BUSY ? end :
			     env->ops->now(env->priv);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_exec_chunk);

/*
 * The operands of the next chunk in guest memory, as vaccel_exec_ranges()
 * reports them: device memory operands are skipped.
 */
static int vaccel_range(vaccel_exec_range_fn fn, void *arg, bool dev,
			u64 iova, u64 len, bool write)
{
	return dev || !len ? 0 : fn(arg, iova, len, write);
}

/**
 * vaccel_exec_ranges() - the guest memory the next chunk of a job may use
 * @job: a job from vaccel_desc_check(), as left by the previous chunk
 * @fn: called for each range: its IOVA, length and whether the chunk
 *	writes it; a non-zero return ends the walk and is returned
 * @arg: passed to @fn
 *
 * Every guest-memory access of the next vaccel_exec_chunk() on @job lies
 * in one of these ranges, whatever the chunk's time allows (the byte and
 * MAC caps bound them): the engines' caller pins them before it runs the
 * chunk.  GEMM reports row i of A, the chunk's columns of every row of B
 * (k ranges) and its part of row i of C.
 *
 * Return: 0, or what @fn returned.
 */
int vaccel_exec_ranges(const struct vaccel_job *job, vaccel_exec_range_fn fn,
		       void *arg)
{
	bool src_dev = job->flags & VACCEL_DESC_F_SRC_DEV;
	bool src2_dev = job->flags & VACCEL_DESC_F_SRC2_DEV;
	bool dst_dev = job->flags & VACCEL_DESC_F_DST_DEV;
	u64 len;
	u32 i, j, w, p;
	int ret;

	switch (job->opcode) {
	case VACCEL_OP_COPY:
	case VACCEL_OP_FILL:
	case VACCEL_OP_CRC32C:
		if (job->pos >= job->len)
			return 0;
		len = vaccel_chunk_len(job);
		if (job->opcode != VACCEL_OP_FILL) {
			ret = vaccel_range(fn, arg, src_dev, job->src + job->pos,
					   len, false);
			if (ret)
				return ret;
		}
		if (job->opcode == VACCEL_OP_CRC32C)
			return job->pos + len == job->len ?
			       vaccel_range(fn, arg, dst_dev, job->dst,
					    VACCEL_CRC_SIZE, true) : 0;
		return vaccel_range(fn, arg, dst_dev, job->dst + job->pos, len,
				    true);
	case VACCEL_OP_GEMM:
		if (!vaccel_dim_ok(job->m) || !vaccel_dim_ok(job->n) ||
		    !vaccel_dim_ok(job->k) || job->pos >= (u64)job->m * job->n)
			return 0;
		w = vaccel_gemm_chunk(job, &i, &j);
		ret = vaccel_range(fn, arg, src_dev,
				   job->src + (u64)i * job->k * 4,
				   (u64)job->k * 4, false);
		for (p = 0; !ret && p < job->k; p++)
			ret = vaccel_range(fn, arg, src2_dev,
					   job->src2 + ((u64)p * job->n + j) * 4,
					   (u64)w * 4, false);
		if (ret)
			return ret;
		return vaccel_range(fn, arg, dst_dev,
				    job->dst + ((u64)i * job->n + j) * 4,
				    (u64)w * 4, true);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_exec_ranges);

/* How far @job's @pos may go: the work of the whole command. */
static u64 vaccel_job_end(const struct vaccel_job *job)
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
	}
	return 0;
}

/**
 * vaccel_job_check() - validate a job that did not come from a descriptor
 * @job: a command in flight as another function saved it (migration)
 * @dev_mem_size: bytes of this function's device memory
 *
 * A saved job is user input like a descriptor: it goes through the same
 * boundary, vaccel_desc_check(), as the descriptor it would have come
 * from, and its progress must lie within the command.  Any CRC state is
 * valid once a CRC32C has started; before, it must be the seed's.
 *
 * Return: 0, or the VACCEL_QERR_* code of the descriptor check, or
 * VACCEL_QERR_VALUE when the progress is beyond the command's end or the
 * CRC state of a command not started is not its seed.
 */
int vaccel_job_check(const struct vaccel_job *job, u64 dev_mem_size)
{
	struct vaccel_desc desc = {
		.opcode = cpu_to_le16(job->opcode),
		.flags = cpu_to_le16(job->flags),
		.len = cpu_to_le32(job->len),
		.src = cpu_to_le64(job->src),
		.src2 = cpu_to_le64(job->src2),
		.dst = cpu_to_le64(job->dst),
		.value = cpu_to_le64(job->value),
		.m = cpu_to_le32(job->m),
		.n = cpu_to_le32(job->n),
		.k = cpu_to_le32(job->k),
	};
	struct vaccel_job fresh;
	int err;

	err = vaccel_desc_check(&desc, dev_mem_size, &fresh);
	if (err)
		return err;
	if (job->pos > vaccel_job_end(job))
		return VACCEL_QERR_VALUE;
	if (job->crc != fresh.crc &&
	    (job->opcode != VACCEL_OP_CRC32C || !job->pos))
		return VACCEL_QERR_VALUE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_job_check);

/**
 * vaccel_exec_skip_chunk() - move a copy of a job on by one whole chunk
 * @job: a copy of a job (not one that runs): only its @pos moves
 *
 * For reading ahead: vaccel_exec_ranges() of the result names what the
 * chunk after the next one will use if the next one does all it may.
 *
 * Return: true when the job would still have work after that chunk.
 */
bool vaccel_exec_skip_chunk(struct vaccel_job *job)
{
	u32 i, j;

	switch (job->opcode) {
	case VACCEL_OP_COPY:
	case VACCEL_OP_FILL:
	case VACCEL_OP_CRC32C:
		if (job->pos >= job->len)
			return false;
		job->pos += vaccel_chunk_len(job);
		return job->pos < job->len;
	case VACCEL_OP_GEMM:
		if (!vaccel_dim_ok(job->m) || !vaccel_dim_ok(job->n) ||
		    !vaccel_dim_ok(job->k) || job->pos >= (u64)job->m * job->n)
			return false;
		job->pos += vaccel_gemm_chunk(job, &i, &j);
		return job->pos < (u64)job->m * job->n;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_exec_skip_chunk);
