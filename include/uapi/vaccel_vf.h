/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vaccel_vf: the character device of the accelerator's VF driver.
 *
 * The guest driver (vaccel_vf.ko) creates /dev/vaccelN for every function
 * it binds (a hardware VF or a vaccel mdev instance: the driver cannot
 * tell them apart).  Every open file is a context: it owns the device
 * memory it allocates and the jobs it submits, and both go away with the
 * file.  A context submits batches of operations to one of the function's
 * queues; its jobs complete in submission order.
 *
 * Every structure starts with argsz, which the caller sets to the size of
 * the structure it knows; a smaller argsz, unknown flags or non-zero
 * padding give EINVAL.  All structures have a fixed layout, the same for
 * 32- and 64-bit callers (checked by the layout test of the project).
 *
 * Errors common to every ioctl: EFAULT (the argument cannot be read or
 * written), EINVAL (argsz, flags, padding, a field out of range), ENODEV
 * (the function was removed; only close() is left), ENOTTY (unknown ioctl).
 */
#ifndef _UAPI_VACCEL_VF_H
#define _UAPI_VACCEL_VF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VACCEL_VF_IOCTL_TYPE	0xac

/* Interrupt mode the driver got (struct vaccel_vf_info.irq_mode). */
#define VACCEL_VF_IRQ_MSIX	1
#define VACCEL_VF_IRQ_MSI	2
#define VACCEL_VF_IRQ_INTX	3

/* Limits. */
#define VACCEL_VF_MAX_OPS	256	/* operations in one batch */
#define VACCEL_VF_ALLOC_ALIGN	4096	/* device memory granularity */
#define VACCEL_VF_MAX_DESCS	1024	/* descriptors one batch may need */

/**
 * struct vaccel_vf_info - VACCEL_VF_IOC_INFO: what the function offers
 * @argsz: in: sizeof(struct vaccel_vf_info)
 * @flags: in: 0
 * @mem_size: device memory of the function (BAR2), bytes
 * @mem_free: device memory not allocated by any context, bytes
 * @version: hardware VERSION register (major << 16 | minor)
 * @engines: compute engines of the card (shared in time)
 * @queues: command queues of the function
 * @share_slots: quarter slots the function holds (4, 2 or 1)
 * @card_slots: slots per card (4)
 * @irq_mode: VACCEL_VF_IRQ_*
 * @queue: the queue this context submits to
 * @max_ops: VACCEL_VF_MAX_OPS
 * @alloc_align: VACCEL_VF_ALLOC_ALIGN
 * @contexts: open contexts of the function, this one included
 * @pad: 0
 */
struct vaccel_vf_info {
	__u32 argsz;
	__u32 flags;
	__u64 mem_size;
	__u64 mem_free;
	__u32 version;
	__u32 engines;
	__u32 queues;
	__u32 share_slots;
	__u32 card_slots;
	__u32 irq_mode;
	__u32 queue;
	__u32 max_ops;
	__u64 alloc_align;
	__u32 contexts;
	__u32 pad;
};

/**
 * struct vaccel_vf_alloc - VACCEL_VF_IOC_ALLOC: allocate device memory
 * @argsz: in: sizeof(struct vaccel_vf_alloc)
 * @flags: in: 0
 * @size: in: bytes, 1 to mem_size; rounded up to alloc_align
 * @handle: out: the allocation's handle in this context, never 0
 * @pad: 0
 * @offset: out: where the allocation starts in the function's device
 *          memory (for information; operations name handles)
 *
 * The memory reads zero to the context's operations: the device zeroes
 * it with a job that goes ahead of them on the context's queue, so ALLOC
 * may wait for room there (EAGAIN with O_NONBLOCK; ECANCELED during a
 * function reset).  ENOMEM when no free range of that size is left.
 */
struct vaccel_vf_alloc {
	__u32 argsz;
	__u32 flags;
	__u64 size;
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/**
 * struct vaccel_vf_free - VACCEL_VF_IOC_FREE: free an allocation
 * @argsz: in: sizeof(struct vaccel_vf_free)
 * @flags: in: 0
 * @handle: in: from VACCEL_VF_IOC_ALLOC of this context (else ENOENT)
 * @pad: 0
 *
 * The handle is gone at once; the memory returns to the function when
 * the last job that uses it has finished.
 */
struct vaccel_vf_free {
	__u32 argsz;
	__u32 flags;
	__u32 handle;
	__u32 pad;
};

/* Kinds of operand (struct vaccel_vf_operand.kind). */
#define VACCEL_VF_OPND_NONE	0	/* not used by the operation */
#define VACCEL_VF_OPND_USER	1	/* addr is a pointer into the caller */
#define VACCEL_VF_OPND_DEV	2	/* addr is an offset into handle */

/**
 * struct vaccel_vf_operand - where an operation reads or writes
 * @addr: VACCEL_VF_OPND_USER: the caller's virtual address;
 *        VACCEL_VF_OPND_DEV: the offset into the allocation; NONE: 0
 * @handle: VACCEL_VF_OPND_DEV: the allocation; otherwise 0
 * @kind: VACCEL_VF_OPND_*
 *
 * User memory is pinned and mapped for the device while the job runs (no
 * copy by the CPU); an output must be writable.  The extent of an operand
 * follows from the operation: len bytes for COPY and FILL and the source
 * of CRC32C, 4 bytes for the CRC32C result, m*k, k*n and m*n int32 for
 * the GEMM operands A (src), B (src2) and C (dst).
 */
struct vaccel_vf_operand {
	__u64 addr;
	__u32 handle;
	__u32 kind;
};

/**
 * struct vaccel_vf_op - one operation of a batch
 * @opcode: VACCEL_OP_* of vaccel_queue.h (NOP, FENCE, COPY, FILL,
 *          CRC32C, GEMM, BUSY)
 * @flags: 0
 * @len: bytes, as the hardware descriptor (0 for GEMM, NOP, FENCE, BUSY)
 * @src: the source (COPY, CRC32C) or A (GEMM)
 * @src2: B (GEMM)
 * @dst: the destination (COPY, FILL), the 4-byte result (CRC32C) or C
 *       (GEMM)
 * @value: FILL pattern, CRC32C seed, BUSY nanoseconds, FENCE value
 * @m: GEMM rows of A and C
 * @n: GEMM columns of B and C
 * @k: GEMM columns of A, rows of B
 * @reserved: 0
 *
 * The rules of docs/hardware.md apply (fields an operation does not use
 * are zero, ranges, dimensions, overlaps), checked by the driver before
 * anything is submitted: a batch that breaks one fails with EINVAL (a
 * DEV operand outside its allocation: EINVAL; an unknown handle: ENOENT;
 * a user range that cannot be pinned: EFAULT) and nothing of it runs.
 */
struct vaccel_vf_op {
	__u16 opcode;
	__u16 flags;
	__u32 len;
	struct vaccel_vf_operand src;
	struct vaccel_vf_operand src2;
	struct vaccel_vf_operand dst;
	__u64 value;
	__u32 m;
	__u32 n;
	__u32 k;
	__u32 reserved;
};

/**
 * struct vaccel_vf_submit - VACCEL_VF_IOC_SUBMIT: submit a batch
 * @argsz: in: sizeof(struct vaccel_vf_submit)
 * @flags: in: 0
 * @ops: in: pointer to @count struct vaccel_vf_op
 * @count: in: 1 to VACCEL_VF_MAX_OPS
 * @op_size: in: sizeof(struct vaccel_vf_op)
 * @fence: out: the job's fence, for VACCEL_VF_IOC_WAIT and
 *         VACCEL_VF_IOC_JOB; fences of a context count up from 1
 *
 * A user buffer the device cannot see as one range (its pages are not
 * contiguous for the device) is split into pieces for COPY and FILL, and
 * gathered into (or scattered from) device memory by the device itself
 * for CRC32C and GEMM: the CPU copies nothing.  E2BIG when the batch, so
 * split, needs more than VACCEL_VF_MAX_DESCS descriptors; ENOMEM when
 * the device memory to stage a buffer is lacking.
 *
 * Blocks while the queue has no room (EINTR on a signal; EAGAIN instead
 * with O_NONBLOCK); ECANCELED while the function is being reset.
 */
struct vaccel_vf_submit {
	__u32 argsz;
	__u32 flags;
	__u64 ops;
	__u32 count;
	__u32 op_size;
	__u64 fence;
};

/**
 * struct vaccel_vf_wait - VACCEL_VF_IOC_WAIT: wait for a job
 * @argsz: in: sizeof(struct vaccel_vf_wait)
 * @flags: in: 0
 * @fence: in: a fence of this context (else ENOENT)
 * @timeout_ns: in: how long to wait; 0 checks without waiting; negative
 *              waits without limit
 * @status: out: 0 if the job succeeded, else a negative errno saying
 *          why it failed: -EIO (the device refused an operation:
 *          VACCEL_VF_IOC_JOB says which and why), -ECANCELED (a function
 *          reset), -ENODEV (the function went away)
 * @pad: 0
 *
 * Returns 0 once the job has finished (@status says how), ETIMEDOUT if it
 * has not within @timeout_ns, EINTR on a signal.
 */
struct vaccel_vf_wait {
	__u32 argsz;
	__u32 flags;
	__u64 fence;
	__s64 timeout_ns;
	__s32 status;
	__u32 pad;
};

/* Job states (struct vaccel_vf_job.state). */
#define VACCEL_VF_JOB_PENDING	1	/* submitted, not finished */
#define VACCEL_VF_JOB_DONE	2	/* finished, every operation done */
#define VACCEL_VF_JOB_FAILED	3	/* finished with an error */

/**
 * struct vaccel_vf_job - VACCEL_VF_IOC_JOB: how a job is, or ended
 * @argsz: in: sizeof(struct vaccel_vf_job)
 * @flags: in: 0
 * @fence: in: a fence of this context (else ENOENT)
 * @state: out: VACCEL_VF_JOB_*
 * @status: out: as struct vaccel_vf_wait.status (0 unless FAILED, then
 *          a negative errno)
 * @hw_error: out: the device's error code (VACCEL_QERR_* of
 *            vaccel_queue.h) when status is EIO, else 0
 * @op_index: out: the operation of the batch the error is about
 *
 * A context keeps the outcome of its newest 256 failed jobs: once a
 * 257th fails, VACCEL_VF_IOC_WAIT and VACCEL_VF_IOC_JOB give ENOENT for
 * every fence up to the oldest one dropped.
 */
struct vaccel_vf_job {
	__u32 argsz;
	__u32 flags;
	__u64 fence;
	__u32 state;
	__s32 status;
	__u32 hw_error;
	__u32 op_index;
};

#define VACCEL_VF_IOC_INFO	_IOWR(VACCEL_VF_IOCTL_TYPE, 0, struct vaccel_vf_info)
#define VACCEL_VF_IOC_ALLOC	_IOWR(VACCEL_VF_IOCTL_TYPE, 1, struct vaccel_vf_alloc)
#define VACCEL_VF_IOC_FREE	_IOW(VACCEL_VF_IOCTL_TYPE, 2, struct vaccel_vf_free)
#define VACCEL_VF_IOC_SUBMIT	_IOWR(VACCEL_VF_IOCTL_TYPE, 3, struct vaccel_vf_submit)
#define VACCEL_VF_IOC_WAIT	_IOWR(VACCEL_VF_IOCTL_TYPE, 4, struct vaccel_vf_wait)
#define VACCEL_VF_IOC_JOB	_IOWR(VACCEL_VF_IOCTL_TYPE, 5, struct vaccel_vf_job)

/*
 * poll(): POLLIN | POLLRDNORM when no job of the context is pending (all
 * it submitted has finished); POLLERR once the function is gone.
 */

#endif /* _UAPI_VACCEL_VF_H */
