/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vaccel command queues: per-queue registers, descriptors, the completion
 * writeback and the queue error codes.
 *
 * Shared by the host driver, the guest VF driver and the tools;
 * docs/hardware.md ("Command queues") describes the same interface in
 * prose.  Everything in guest memory is little endian.
 *
 * A queue is a ring of VACCEL_QUEUE_RING_SIZE descriptors of 64 bytes in
 * guest memory.  The driver fills descriptors at TAIL and writes the new
 * TAIL (a doorbell); the function executes them in order, and after each
 * one writes the completed HEAD (and the last FENCE value) to the queue's
 * writeback area in guest memory.  HEAD and TAIL are free-running 32-bit
 * counts; descriptor number i lives in ring slot i % RING_SIZE.  A
 * descriptor with VACCEL_DESC_F_IRQ set raises the queue's interrupt once
 * it has completed and its writeback is visible.
 */
#ifndef _VACCEL_QUEUE_H
#define _VACCEL_QUEUE_H

#include <linux/types.h>

#include "vaccel_regs.h"

/* Queues of every function; VACCEL_REG_QUEUES reads this. */
#define VACCEL_FN_QUEUES		4

/* Register block of queue q: BAR0 + VACCEL_QUEUE_REG(q, reg). */
#define VACCEL_QUEUE_REG(q, reg)	(VACCEL_QUEUE_BASE + \
					 (q) * VACCEL_QUEUE_STRIDE + (reg))

#define VACCEL_Q_RING_LO		0x00	/* RW: ring IOVA, bits 31:0 */
#define VACCEL_Q_RING_HI		0x04	/* RW: ring IOVA, bits 63:32 */
#define VACCEL_Q_RING_SIZE		0x08	/* RW: descriptors in ring */
#define VACCEL_Q_CONTROL		0x0c	/* RW */
#define   VACCEL_Q_CONTROL_ENABLE	BIT(0)
#define   VACCEL_Q_CONTROL_RESET	BIT(1)	/* WO: queue reset, reads 0 */
#define VACCEL_Q_STATUS			0x10	/* RO */
#define   VACCEL_Q_STATUS_ENABLED	BIT(0)
#define   VACCEL_Q_STATUS_ERROR		BIT(1)
#define   VACCEL_Q_STATUS_IDLE		BIT(2)	/* HEAD == TAIL */
#define VACCEL_Q_TAIL			0x14	/* RW: doorbell */
#define VACCEL_Q_HEAD			0x18	/* RO: descriptors completed */
#define VACCEL_Q_ERROR			0x1c	/* RO: VACCEL_QERR_* */
#define VACCEL_Q_ERROR_INDEX		0x20	/* RO: number of bad descriptor */
#define VACCEL_Q_WB_LO			0x24	/* RW: writeback IOVA, 31:0 */
#define VACCEL_Q_WB_HI			0x28	/* RW: writeback IOVA, 63:32 */
#define VACCEL_Q_FENCE_LO		0x2c	/* RO: last FENCE value, 31:0 */
#define VACCEL_Q_FENCE_HI		0x30	/* RO: last FENCE value, 63:32 */

/* Ring geometry: a power of two between these, base 4 KiB aligned. */
#define VACCEL_RING_MIN			2
#define VACCEL_RING_MAX			4096
#define VACCEL_RING_ALIGN		4096
#define VACCEL_WB_ALIGN			64

/* MSI-X vector of queue q's completions (vector 0 is the global one). */
#define VACCEL_QUEUE_VECTOR(q)		(1 + (q))
/* INT_CAUSE / INT_MASK bit of queue q (INTx and MSI). */
#define VACCEL_INT_QUEUE(q)		BIT(16 + (q))

/**
 * struct vaccel_wb - the completion writeback of a queue
 * @head: HEAD after the last completed descriptor
 * @error: VACCEL_QERR_* once the queue is in error, else 0
 * @fence: value of the last completed FENCE
 */
struct vaccel_wb {
	__le32 head;
	__le32 error;
	__le64 fence;
};

/* Opcodes. */
#define VACCEL_OP_NOP			0
#define VACCEL_OP_FENCE			1	/* value -> writeback fence */
#define VACCEL_OP_COPY			2	/* len bytes src -> dst */
#define VACCEL_OP_FILL			3	/* dst[i] = byte i % 8 of value */
#define VACCEL_OP_CRC32C		4	/* CRC32C(src, len) -> dst (4 B) */
#define VACCEL_OP_GEMM			5	/* C(dst) = A(src) x B(src2) */
#define VACCEL_OP_BUSY			6	/* occupy an engine value ns */
#define VACCEL_OP_COUNT			7

/* Descriptor flags. */
#define VACCEL_DESC_F_IRQ		BIT(0)	/* interrupt on completion */
#define VACCEL_DESC_F_SRC_DEV		BIT(1)	/* src is a BAR2 offset */
#define VACCEL_DESC_F_SRC2_DEV		BIT(2)	/* src2 is a BAR2 offset */
#define VACCEL_DESC_F_DST_DEV		BIT(3)	/* dst is a BAR2 offset */

/* Limits checked on every descriptor. */
#define VACCEL_DESC_MAX_LEN		BIT(30)
#define VACCEL_GEMM_MAX_DIM		1024
#define VACCEL_BUSY_MAX_NS		1000000000ULL

/**
 * struct vaccel_desc - one command, 64 bytes
 * @opcode: VACCEL_OP_*
 * @flags: VACCEL_DESC_F_*
 * @len: bytes, for COPY, FILL and CRC32C (1 to VACCEL_DESC_MAX_LEN)
 * @src: source of COPY and CRC32C; matrix A (m x k) of GEMM
 * @src2: matrix B (k x n) of GEMM
 * @dst: destination of COPY and FILL; CRC32C result (4 bytes, little
 *	endian); matrix C (m x n) of GEMM
 * @value: FENCE value; FILL pattern; CRC32C seed (a previous result, 0 to
 *	start; bits 63:32 zero); BUSY duration in ns (1 to VACCEL_BUSY_MAX_NS)
 * @m: GEMM rows of A and C (1 to VACCEL_GEMM_MAX_DIM)
 * @n: GEMM columns of B and C
 * @k: GEMM columns of A, rows of B
 * @rsvd: zero
 * @tag: not interpreted; for the submitter's bookkeeping
 *
 * Addresses are IOVAs of guest memory, or offsets in the function's
 * device memory (BAR2) where the matching _DEV flag is set.  Matrices are
 * row major, densely packed, int32; GEMM arithmetic wraps modulo 2^32.
 * Fields and flags an opcode does not use must be zero.
 */
struct vaccel_desc {
	__le16 opcode;
	__le16 flags;
	__le32 len;
	__le64 src;
	__le64 src2;
	__le64 dst;
	__le64 value;
	__le32 m;
	__le32 n;
	__le32 k;
	__le32 rsvd;
	__le64 tag;
};

#define VACCEL_DESC_SIZE		64

/* Queue error codes (VACCEL_Q_ERROR and the writeback's error). */
#define VACCEL_QERR_NONE		0
#define VACCEL_QERR_OPCODE		1	/* unknown opcode */
#define VACCEL_QERR_FLAGS		2	/* flag unknown or not for op */
#define VACCEL_QERR_RESERVED		3	/* unused field not zero */
#define VACCEL_QERR_LENGTH		4	/* len 0 or too long */
#define VACCEL_QERR_RANGE		5	/* address wraps / past BAR2 */
#define VACCEL_QERR_OVERLAP		6	/* operands overlap */
#define VACCEL_QERR_MATRIX		7	/* dimension 0 or too large */
#define VACCEL_QERR_VALUE		8	/* bad seed or duration */
#define VACCEL_QERR_DMA			9	/* IOVA not mapped (any more) */
#define VACCEL_QERR_RING		10	/* bad ring/writeback setup */
#define VACCEL_QERR_DOORBELL		11	/* TAIL beyond HEAD + size */
#define VACCEL_QERR_COUNT		12

#endif /* _VACCEL_QUEUE_H */
