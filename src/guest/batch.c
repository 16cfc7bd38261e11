// SPDX-License-Identifier: GPL-2.0
/*
 * The VF driver's pure parts on the path of a submission: checks of the
 * ioctl arguments and of each operation a user asks for, and the batch
 * builder, which turns operations whose operands are resolved (a DMA
 * range, device memory, or a scattered user buffer) into the device's
 * descriptors.
 *
 * Everything a user controls is checked here before anything is pinned
 * or submitted, against the rules of docs/hardware.md, so that the device
 * never refuses a descriptor of a well-behaved driver: a queue error then
 * means a device fault (or a user buffer aliasing another, which only the
 * device can see), not bad input.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <asm/byteorder.h>
#include <kunit/visibility.h>

#include "vfg.h"

/**
 * vfg_check_head() - check the head that every ioctl argument starts with
 * @argsz: what the caller says the structure's size is
 * @size: the structure's size in this driver
 * @flags: the flags field (none is defined)
 * @pad: the padding field, or 0 for a structure without one
 *
 * Return: 0, or -EINVAL if @argsz is smaller than @size, or a flag or
 * the padding is set.
 */
int vfg_check_head(u32 argsz, u32 size, u32 flags, u32 pad)
{
	if (argsz < size || flags || pad)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_check_head);

/**
 * vfg_op_operand() - an operand of an operation, by slot
 * @op: the operation
 * @i: VFG_SRC, VFG_SRC2 or VFG_DST
 *
 * Return: &op->src, &op->src2 or &op->dst.
 */
const struct vaccel_vf_operand *vfg_op_operand(const struct vaccel_vf_op *op,
					       int i)
{
	return i == VFG_SRC ? &op->src : i == VFG_SRC2 ? &op->src2 : &op->dst;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_op_operand);

/* Is len a valid length of a COPY, FILL or CRC32C? */
static bool len_ok(u32 len)
{
	return len && len <= VACCEL_DESC_MAX_LEN;
}

static bool dim_ok(u32 d)
{
	return d && d <= VACCEL_GEMM_MAX_DIM;
}

static int operand_check(const struct vaccel_vf_operand *o, u64 ext)
{
	if (!ext)
		return o->kind == VACCEL_VF_OPND_NONE && !o->addr && !o->handle ?
			0 : -EINVAL;
	switch (o->kind) {
	case VACCEL_VF_OPND_USER:
		if (o->handle)
			return -EINVAL;
		break;
	case VACCEL_VF_OPND_DEV:
		break;
	default:
		return -EINVAL;
	}
	/* The range must not wrap (a user range past the top: EFAULT later). */
	if (o->addr + ext < o->addr)
		return -EINVAL;
	return 0;
}

/**
 * vfg_op_check() - check one operation of a batch and size its operands
 * @op: as the user gave it
 * @ext: set to the extent in bytes of src, src2 and dst (0: unused)
 *
 * The rules of docs/hardware.md ("Descriptors"), plus the operand rules
 * of include/uapi/vaccel_vf.h: an unused operand is all zero, a used one
 * is a user pointer (handle 0) or an offset into an allocation, and no
 * range wraps.  Handles, the bounds of allocations and overlaps are
 * checked once the operands are resolved (vfg_op_overlaps()).
 *
 * Return: 0 or -EINVAL.
 */
int vfg_op_check(const struct vaccel_vf_op *op, u64 ext[VFG_NR_OPND])
{
	bool mnk = op->m || op->n || op->k;
	bool ok;
	int i, ret;

	ext[VFG_SRC] = 0;
	ext[VFG_SRC2] = 0;
	ext[VFG_DST] = 0;
	if (op->flags || op->reserved)
		return -EINVAL;

	switch (op->opcode) {
	case VACCEL_OP_NOP:
		ok = !op->len && !op->value && !mnk;
		break;
	case VACCEL_OP_FENCE:
		ok = !op->len && !mnk;
		break;
	case VACCEL_OP_COPY:
		ok = len_ok(op->len) && !op->value && !mnk;
		ext[VFG_SRC] = op->len;
		ext[VFG_DST] = op->len;
		break;
	case VACCEL_OP_FILL:
		ok = len_ok(op->len) && !mnk;
		ext[VFG_DST] = op->len;
		break;
	case VACCEL_OP_CRC32C:
		ok = len_ok(op->len) && op->value <= U32_MAX && !mnk;
		ext[VFG_SRC] = op->len;
		ext[VFG_DST] = sizeof(u32);
		break;
	case VACCEL_OP_GEMM:
		ok = !op->len && !op->value && dim_ok(op->m) &&
		     dim_ok(op->n) && dim_ok(op->k);
		if (ok) {
			ext[VFG_SRC] = (u64)op->m * op->k * sizeof(u32);
			ext[VFG_SRC2] = (u64)op->k * op->n * sizeof(u32);
			ext[VFG_DST] = (u64)op->m * op->n * sizeof(u32);
		}
		break;
	case VACCEL_OP_BUSY:
		ok = !op->len && op->value && op->value <= VACCEL_BUSY_MAX_NS &&
		     !mnk;
		break;
	default:
		ok = false;
	}
	if (!ok)
		return -EINVAL;

	for (i = 0; i < VFG_NR_OPND; i++) {
		ret = operand_check(vfg_op_operand(op, i), ext[i]);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_op_check);

/**
 * vfg_op_stages() - may a scattered user operand of @op go through staging?
 * @op: a checked operation
 *
 * CRC32C and GEMM need each operand as one range; COPY and FILL are split
 * into pieces instead.
 *
 * Return: true for CRC32C and GEMM.
 */
bool vfg_op_stages(const struct vaccel_vf_op *op)
{
	return op->opcode == VACCEL_OP_CRC32C || op->opcode == VACCEL_OP_GEMM;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_op_stages);

static bool clash(const struct vaccel_vf_op *op, int a, int b,
		  const u64 start[VFG_NR_OPND], const u64 ext[VFG_NR_OPND])
{
	if (vfg_op_operand(op, a)->kind != vfg_op_operand(op, b)->kind)
		return false;
	return start[a] < start[b] + ext[b] && start[b] < start[a] + ext[a];
}

/**
 * vfg_op_overlaps() - do operands overlap that the device wants apart?
 * @op: a checked operation
 * @start: start of each operand in its own space: the user address, or
 *         the offset in device memory (allocation start plus offset)
 * @ext: extents from vfg_op_check()
 *
 * COPY's source and destination, and GEMM's C and either of A and B, must
 * not overlap when they are in the same memory.  Two user ranges that do
 * not overlap here may still share pages (one page mapped twice): the
 * device finds that, and the job fails with its OVERLAP error.
 *
 * Return: true if they overlap.
 */
bool vfg_op_overlaps(const struct vaccel_vf_op *op,
		     const u64 start[VFG_NR_OPND], const u64 ext[VFG_NR_OPND])
{
	switch (op->opcode) {
	case VACCEL_OP_COPY:
		return clash(op, VFG_SRC, VFG_DST, start, ext);
	case VACCEL_OP_GEMM:
		return clash(op, VFG_DST, VFG_SRC, start, ext) ||
		       clash(op, VFG_DST, VFG_SRC2, start, ext);
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfg_op_overlaps);

/* A descriptor in CPU byte order, before it goes into the batch. */
struct vfg_d {
	u16 opcode;
	u16 flags;
	u32 len;
	u64 src, src2, dst, value;
	u32 m, n, k;
};

static int put(struct vfg_batch *b, const struct vfg_d *d, u32 index)
{
	struct vaccel_desc *desc;

	if (b->n >= b->max)
		return -E2BIG;
	desc = &b->descs[b->n++];
	desc->opcode = cpu_to_le16(d->opcode);
	desc->flags = cpu_to_le16(d->flags);
	desc->len = cpu_to_le32(d->len);
	desc->src = cpu_to_le64(d->src);
	desc->src2 = cpu_to_le64(d->src2);
	desc->dst = cpu_to_le64(d->dst);
	desc->value = cpu_to_le64(d->value);
	desc->m = cpu_to_le32(d->m);
	desc->n = cpu_to_le32(d->n);
	desc->k = cpu_to_le32(d->k);
	desc->rsvd = 0;
	desc->tag = cpu_to_le64(index);
	return 0;
}

/* Walks an operand piece by piece: one piece unless it is scattered. */
struct piece_iter {
	const struct vfg_opnd *o;
	unsigned int seg;
	u64 off;	/* into the current piece */
};

/* The current piece: its address, how much is left of it, and its space. */
static u64 piece(const struct piece_iter *it, u64 *left, bool *dev)
{
	const struct vfg_opnd *o = it->o;

	*dev = o->where == VFG_DEV;
	if (o->where != VFG_SCATTER) {
		*left = o->len - it->off;
		return o->addr + it->off;
	}
	*left = o->segs[it->seg].len - it->off;
	return o->segs[it->seg].addr + it->off;
}

static void advance(struct piece_iter *it, u64 n)
{
	it->off += n;
	if (it->o->where == VFG_SCATTER && it->off == it->o->segs[it->seg].len) {
		it->seg++;
		it->off = 0;
	}
}

/* COPY, split wherever either side changes piece. */
static int emit_copy(struct vfg_batch *b, const struct vaccel_vf_op *op,
		     const struct vfg_opnd o[VFG_NR_OPND], u32 index)
{
	struct piece_iter s = { .o = &o[VFG_SRC] }, d = { .o = &o[VFG_DST] };
	u64 done = 0;
	int ret;

	while (done < op->len) {
		struct vfg_d desc = { .opcode = VACCEL_OP_COPY };
		u64 sleft, dleft, n;
		bool sdev, ddev;

		desc.src = piece(&s, &sleft, &sdev);
		desc.dst = piece(&d, &dleft, &ddev);
		n = min3(sleft, dleft, (u64)op->len - done);
		desc.len = n;
		desc.flags = (sdev ? VACCEL_DESC_F_SRC_DEV : 0) |
			     (ddev ? VACCEL_DESC_F_DST_DEV : 0);
		ret = put(b, &desc, index);
		if (ret)
			return ret;
		advance(&s, n);
		advance(&d, n);
		done += n;
	}
	return 0;
}

/* FILL, one descriptor per piece, its pattern turned to the piece's start. */
static int emit_fill(struct vfg_batch *b, const struct vaccel_vf_op *op,
		     const struct vfg_opnd o[VFG_NR_OPND], u32 index)
{
	struct piece_iter d = { .o = &o[VFG_DST] };
	u64 done = 0;
	int ret;

	while (done < op->len) {
		struct vfg_d desc = { .opcode = VACCEL_OP_FILL };
		u64 left;
		bool dev;

		desc.dst = piece(&d, &left, &dev);
		desc.len = left;
		desc.flags = dev ? VACCEL_DESC_F_DST_DEV : 0;
		/* Byte i of the piece is byte (done + i) % 8 of the pattern. */
		desc.value = ror64(op->value, 8 * (done % 8));
		ret = put(b, &desc, index);
		if (ret)
			return ret;
		advance(&d, left);
		done += left;
	}
	return 0;
}

/* Gather a scattered operand into its staging area, or scatter it back. */
static int emit_stage(struct vfg_batch *b, const struct vfg_opnd *o,
		      bool gather, u32 index)
{
	u64 off = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < o->nsegs; i++) {
		struct vfg_d desc = {
			.opcode = VACCEL_OP_COPY,
			.len = o->segs[i].len,
		};

		if (gather) {
			desc.src = o->segs[i].addr;
			desc.dst = o->addr + off;
			desc.flags = VACCEL_DESC_F_DST_DEV;
		} else {
			desc.src = o->addr + off;
			desc.dst = o->segs[i].addr;
			desc.flags = VACCEL_DESC_F_SRC_DEV;
		}
		ret = put(b, &desc, index);
		if (ret)
			return ret;
		off += o->segs[i].len;
	}
	return 0;
}

/* An operand of CRC32C or GEMM as the device takes it: one range. */
static u64 whole(const struct vfg_opnd *o, u16 dev_flag, u16 *flags)
{
	if (o->where == VFG_DEV || o->where == VFG_SCATTER)
		*flags |= dev_flag;
	return o->addr;
}

/**
 * vfg_batch_emit() - append the descriptors of one operation to a batch
 * @b: the batch
 * @op: the operation, checked by vfg_op_check()
 * @o: its operands, resolved: VFG_SCATTER operands of CRC32C and GEMM
 *     carry the device memory offset where they are staged in .addr
 * @index: the operation's number in the user's batch, put in each
 *         descriptor's tag so that a device error names the operation
 *
 * COPY and FILL become one descriptor per piece where an operand is
 * scattered.  A scattered input of CRC32C or GEMM is first gathered into
 * device memory, a scattered output written there and then scattered, by
 * COPY descriptors that run before and after the operation on the same
 * queue (in order).
 *
 * Return: 0, or -E2BIG when the batch is full (its contents are then
 * undefined).
 */
int vfg_batch_emit(struct vfg_batch *b, const struct vaccel_vf_op *op,
		   const struct vfg_opnd o[VFG_NR_OPND], u32 index)
{
	struct vfg_d d = {
		.opcode = op->opcode,
		.len = op->len,
		.value = op->value,
		.m = op->m,
		.n = op->n,
		.k = op->k,
	};
	int ret;

	switch (op->opcode) {
	case VACCEL_OP_COPY:
		return emit_copy(b, op, o, index);
	case VACCEL_OP_FILL:
		return emit_fill(b, op, o, index);
	case VACCEL_OP_CRC32C:
	case VACCEL_OP_GEMM:
		break;
	default:
		return put(b, &d, index);
	}

	if (o[VFG_SRC].where == VFG_SCATTER) {
		ret = emit_stage(b, &o[VFG_SRC], true, index);
		if (ret)
			return ret;
	}
	if (o[VFG_SRC2].where == VFG_SCATTER) {
		ret = emit_stage(b, &o[VFG_SRC2], true, index);
		if (ret)
			return ret;
	}
	d.src = whole(&o[VFG_SRC], VACCEL_DESC_F_SRC_DEV, &d.flags);
	if (op->opcode == VACCEL_OP_GEMM)
		d.src2 = whole(&o[VFG_SRC2], VACCEL_DESC_F_SRC2_DEV, &d.flags);
	d.dst = whole(&o[VFG_DST], VACCEL_DESC_F_DST_DEV, &d.flags);
	ret = put(b, &d, index);
	if (ret)
		return ret;
	if (o[VFG_DST].where == VFG_SCATTER)
		return emit_stage(b, &o[VFG_DST], false, index);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_batch_emit);

/**
 * vfg_batch_finish() - close a batch: its last descriptor interrupts
 * @b: a batch with at least one descriptor
 *
 * One interrupt per job: the completion of the last descriptor says the
 * whole job is done (a queue runs its descriptors in order).
 */
void vfg_batch_finish(struct vfg_batch *b)
{
	struct vaccel_desc *last = &b->descs[b->n - 1];

	last->flags |= cpu_to_le16(VACCEL_DESC_F_IRQ);
}
EXPORT_SYMBOL_IF_KUNIT(vfg_batch_finish);
