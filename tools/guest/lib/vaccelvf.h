/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvaccelvf: the guest's VF driver (vaccel_vf.ko) from user space, on
 * its fixed interface include/uapi/vaccel_vf.h.
 *
 * A device is a /dev/vaccelN node; every open of it is a context (struct
 * vaccelvf_ctx) that owns its device memory and its jobs.  A job is a
 * batch of operations (struct vaccelvf_batch, filled with the
 * vaccelvf_add_*() helpers, whose operands are user memory or device
 * memory: vaccelvf_user(), vaccelvf_dev()), submitted with
 * vaccelvf_submit() and identified by its fence.
 *
 * Functions that can fail return 0 or a negative errno (the errno of the
 * ioctl, as the uapi header documents it) and leave errno alone otherwise.
 * Nothing here keeps global state: a context may be used by one thread at
 * a time, and each thread may have its own.
 */
#ifndef _VACCELVF_H
#define _VACCELVF_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "uapi/vaccel_vf.h"
#include "vaccel_queue.h"

#define VACCELVF_MISC_DIR	"/sys/class/misc"
#define VACCELVF_PATH_MAX	256

/* One device node, as vaccelvf_list() finds it in sysfs. */
struct vaccelvf_dev {
	unsigned int index;			/* N of vaccelN */
	char node[VACCELVF_PATH_MAX];		/* /dev/vaccelN */
	char bdf[64];				/* PCI function, "" if unknown */
	unsigned int vendor;			/* PCI IDs, 0 if unknown */
	unsigned int device;
	__u64 bar2_size;			/* from sysfs resource, 0 if unknown */
};

/* An open context. */
struct vaccelvf_ctx {
	int fd;
	char node[VACCELVF_PATH_MAX];		/* as given to vaccelvf_open() */
	char sysfs[VACCELVF_PATH_MAX];		/* /sys/dev/char/MAJ:MIN */
};

/* A batch of operations for one job. */
struct vaccelvf_batch {
	unsigned int count;
	struct vaccel_vf_op ops[VACCEL_VF_MAX_OPS];
};

/* Devices */

/*
 * vaccelvf_list() - find the vaccel devices: /sys/class/misc/vaccel*
 * @devs: filled with up to @max devices, in the order of their number
 * @max: room in @devs
 * @count: out: how many devices exist (may be more than @max)
 *
 * Returns 0 (also when there is none), or -errno if sysfs cannot be read.
 */
int vaccelvf_list(struct vaccelvf_dev *devs, unsigned int max,
		  unsigned int *count);

/*
 * vaccelvf_default_node() - the node of the first device
 * @node: out: /dev/vaccelN, @size bytes
 * @size: room in @node
 *
 * Returns 0, -ENODEV if there is no device, or -errno.
 */
int vaccelvf_default_node(char *node, size_t size);

/* Contexts */

/*
 * vaccelvf_open() - open a context on a device
 * @ctx: the context to set up
 * @node: the device node, e.g. /dev/vaccel0
 * @flags: extra open() flags (O_NONBLOCK: submissions give EAGAIN instead
 *         of blocking while the queue is full), 0 normally
 *
 * Returns 0, or -errno of open().  On failure @ctx->fd is -1.
 */
int vaccelvf_open(struct vaccelvf_ctx *ctx, const char *node, int flags);

/*
 * vaccelvf_close() - close a context; its memory and jobs go away with it
 * @ctx: an opened context, or one whose open failed (then nothing is done)
 *
 * Returns 0, or -errno of close().
 */
int vaccelvf_close(struct vaccelvf_ctx *ctx);

/*
 * vaccelvf_sysfs_path() - a path under the device's PCI function in sysfs
 * @ctx: an open context
 * @attr: the attribute, e.g. "reset" or "vendor"
 * @buf: out: /sys/dev/char/MAJ:MIN/device/@attr
 * @size: room in @buf
 *
 * Returns 0, or -ENAMETOOLONG.
 */
int vaccelvf_sysfs_path(const struct vaccelvf_ctx *ctx, const char *attr,
			char *buf, size_t size);

/*
 * vaccelvf_reset() - reset the PCI function (write 1 to its sysfs "reset")
 * @ctx: an open context of the function
 *
 * The driver stays bound; jobs in flight end with ECANCELED.  Returns 0
 * once the write has returned, or -errno.
 */
int vaccelvf_reset(const struct vaccelvf_ctx *ctx);

/*
 * vaccelvf_info() - VACCEL_VF_IOC_INFO
 * @ctx: an open context
 * @info: out: what the function offers and this context's queue
 *
 * Returns 0 or -errno.
 */
int vaccelvf_info(const struct vaccelvf_ctx *ctx, struct vaccel_vf_info *info);

/* Device memory */

/*
 * vaccelvf_alloc() - VACCEL_VF_IOC_ALLOC: allocate device memory
 * @ctx: an open context, which will own the memory
 * @size: bytes, 1 to mem_size (the driver rounds it up to alloc_align)
 * @handle: out: the handle for vaccelvf_dev() and vaccelvf_free()
 * @offset: out, may be NULL: where it starts in the device memory
 *
 * The memory reads zero.  Returns 0, -ENOMEM if no free range is large
 * enough, -EINVAL for a size out of range, or another -errno.
 */
int vaccelvf_alloc(const struct vaccelvf_ctx *ctx, __u64 size, __u32 *handle,
		   __u64 *offset);

/*
 * vaccelvf_free() - VACCEL_VF_IOC_FREE: free an allocation
 * @ctx: the context that allocated it
 * @handle: its handle
 *
 * The memory returns to the function once no job uses it.  Returns 0,
 * -ENOENT for a handle this context does not hold, or another -errno.
 */
int vaccelvf_free(const struct vaccelvf_ctx *ctx, __u32 handle);

/* Operands and batches */

/*
 * vaccelvf_user() - an operand in the caller's memory
 * @p: the first byte; it must stay mapped until the job has finished
 *
 * Returns the operand (no failure).
 */
struct vaccel_vf_operand vaccelvf_user(const void *p);

/*
 * vaccelvf_dev() - an operand in device memory
 * @handle: the allocation, from vaccelvf_alloc()
 * @offset: bytes into it
 *
 * Returns the operand (no failure).
 */
struct vaccel_vf_operand vaccelvf_dev(__u32 handle, __u64 offset);

/*
 * vaccelvf_batch_init() - empty a batch
 * @b: the batch
 *
 * Returns nothing.
 */
void vaccelvf_batch_init(struct vaccelvf_batch *b);

/*
 * vaccelvf_batch_add() - append a zeroed operation (a NOP) to a batch
 * @b: the batch
 *
 * For operations the helpers below do not build (malformed ones, in
 * tests).  Returns the new operation, or NULL if the batch holds
 * VACCEL_VF_MAX_OPS already.
 */
struct vaccel_vf_op *vaccelvf_batch_add(struct vaccelvf_batch *b);

/*
 * vaccelvf_add_nop() - append a NOP
 * @b: the batch
 *
 * Returns 0, or -ENOSPC if the batch is full (so do all vaccelvf_add_*()).
 */
int vaccelvf_add_nop(struct vaccelvf_batch *b);

/*
 * vaccelvf_add_fence() - append a FENCE (the queue's fence becomes @value)
 * @b: the batch
 * @value: the fence value
 *
 * Returns 0 or -ENOSPC.
 */
int vaccelvf_add_fence(struct vaccelvf_batch *b, __u64 value);

/*
 * vaccelvf_add_copy() - append a COPY of @len bytes from @src to @dst
 * @b: the batch
 * @dst: the destination (writable memory)
 * @src: the source
 * @len: bytes, 1 to 2^30
 *
 * Returns 0 or -ENOSPC.
 */
int vaccelvf_add_copy(struct vaccelvf_batch *b, struct vaccel_vf_operand dst,
		      struct vaccel_vf_operand src, __u32 len);

/*
 * vaccelvf_add_fill() - append a FILL: byte i of @dst becomes byte i % 8
 * of @value (little endian)
 * @b: the batch
 * @dst: the destination
 * @len: bytes, 1 to 2^30
 * @value: the pattern
 *
 * Returns 0 or -ENOSPC.
 */
int vaccelvf_add_fill(struct vaccelvf_batch *b, struct vaccel_vf_operand dst,
		      __u32 len, __u64 value);

/*
 * vaccelvf_add_crc32c() - append a CRC32C of @len bytes of @src, written
 * to @dst as 4 bytes little endian
 * @b: the batch
 * @dst: the 4-byte result
 * @src: the data
 * @len: bytes, 1 to 2^30
 * @seed: 0 to start, or the result of the CRC32C of the data before
 *
 * Returns 0 or -ENOSPC.
 */
int vaccelvf_add_crc32c(struct vaccelvf_batch *b, struct vaccel_vf_operand dst,
			struct vaccel_vf_operand src, __u32 len, __u32 seed);

/*
 * vaccelvf_add_gemm() - append a GEMM: C = A x B, int32, row major
 * @b: the batch
 * @c: C, m x n
 * @a: A, m x k
 * @bm: B, k x n
 * @m: rows of A and C, 1 to 1024
 * @n: columns of B and C, 1 to 1024
 * @k: columns of A and rows of B, 1 to 1024
 *
 * Returns 0 or -ENOSPC.
 */
int vaccelvf_add_gemm(struct vaccelvf_batch *b, struct vaccel_vf_operand c,
		      struct vaccel_vf_operand a, struct vaccel_vf_operand bm,
		      __u32 m, __u32 n, __u32 k);

/*
 * vaccelvf_add_busy() - append a BUSY: an engine does nothing for @ns
 * @b: the batch
 * @ns: nanoseconds, 1 to 10^9
 *
 * Returns 0 or -ENOSPC.
 */
int vaccelvf_add_busy(struct vaccelvf_batch *b, __u64 ns);

/* Jobs */

/*
 * vaccelvf_submit_ops() - VACCEL_VF_IOC_SUBMIT of @count operations
 * @ctx: an open context
 * @ops: the operations
 * @count: how many, 1 to VACCEL_VF_MAX_OPS
 * @fence: out: the job's fence
 *
 * Blocks while the queue is full.  Returns 0, -EINVAL (a bad batch:
 * nothing of it runs), -ENOENT (an unknown handle), -EFAULT (user memory
 * that cannot be pinned), -E2BIG (user buffers split page by page need
 * more than VACCEL_VF_MAX_DESCS descriptors), -ENOMEM (no device memory
 * to stage a user buffer of a CRC32C or GEMM), -ECANCELED (the function
 * is being reset), -EINTR, -EAGAIN (O_NONBLOCK and the queue full) or
 * -ENODEV.
 */
int vaccelvf_submit_ops(const struct vaccelvf_ctx *ctx,
			const struct vaccel_vf_op *ops, unsigned int count,
			__u64 *fence);

/*
 * vaccelvf_submit() - submit a batch as one job
 * @ctx: an open context
 * @b: the batch
 * @fence: out: the job's fence
 *
 * Returns as vaccelvf_submit_ops().
 */
int vaccelvf_submit(const struct vaccelvf_ctx *ctx,
		    const struct vaccelvf_batch *b, __u64 *fence);

/*
 * vaccelvf_wait() - VACCEL_VF_IOC_WAIT: wait until a job has finished
 * @ctx: the context that submitted it
 * @fence: the job
 * @timeout_ns: how long at most; 0 only checks; negative: no limit
 * @status: out, may be NULL: 0 if the job succeeded, else the positive
 *          errno it ended with (EIO, ECANCELED, ENODEV)
 *
 * Returns 0 once the job has finished, -ETIMEDOUT if it has not in
 * time, -ENOENT for a fence this context never got (or whose failure
 * was forgotten), -EINTR, or another -errno.
 */
int vaccelvf_wait(const struct vaccelvf_ctx *ctx, __u64 fence,
		  __s64 timeout_ns, int *status);

/*
 * vaccelvf_job() - VACCEL_VF_IOC_JOB: the state of a job, and why it failed
 * @ctx: the context that submitted it
 * @fence: the job
 * @job: out: state (VACCEL_VF_JOB_*), status (as the driver gives it:
 *       0 or a negative errno), hw_error, op_index
 *
 * Returns 0, -ENOENT for an unknown fence, or another -errno.
 */
int vaccelvf_job(const struct vaccelvf_ctx *ctx, __u64 fence,
		 struct vaccel_vf_job *job);

/*
 * vaccelvf_run() - submit a batch and wait for it without limit
 * @ctx: an open context
 * @b: the batch
 * @fence: out, may be NULL: the job's fence
 *
 * Returns 0 if the job succeeded, -errno if it could not be submitted or
 * waited for, or minus the status it ended with (-EIO, -ECANCELED...).
 */
int vaccelvf_run(const struct vaccelvf_ctx *ctx,
		 const struct vaccelvf_batch *b, __u64 *fence);

/*
 * vaccelvf_poll() - poll() the context: has every job of it finished?
 * @ctx: an open context
 * @timeout_ms: as poll(): 0 checks, negative waits without limit
 *
 * Returns 1 when no job is pending, 0 if some still is at the timeout,
 * -ENODEV once the function is gone (POLLERR), or -errno of poll().
 */
int vaccelvf_poll(const struct vaccelvf_ctx *ctx, int timeout_ms);

/* Names and memory */

/*
 * vaccelvf_strjob() - say how a job ended, for messages
 * @ctx: the context that submitted it
 * @b: its batch (to name the operation at fault), or NULL
 * @fence: the job
 * @err: 0, or the negative errno the job ended with (as vaccelvf_run())
 * @buf: out: "success", "ECANCELED", "EIO: the device refused operation
 *       2 (COPY): RANGE"...
 * @size: room in @buf
 *
 * Asks VACCEL_VF_IOC_JOB about an EIO.  Returns @buf.
 */
const char *vaccelvf_strjob(const struct vaccelvf_ctx *ctx,
			    const struct vaccelvf_batch *b, __u64 fence,
			    int err, char *buf, size_t size);

/*
 * vaccelvf_qerr_name() - name of a device error code (VACCEL_QERR_*)
 * @code: the code, e.g. struct vaccel_vf_job.hw_error
 *
 * Returns "NONE", "OPCODE", ..., "DOORBELL", or "?" if unknown.
 */
const char *vaccelvf_qerr_name(__u32 code);

/*
 * vaccelvf_op_name() - name of an opcode (VACCEL_OP_*)
 * @opcode: the opcode
 *
 * Returns "NOP", "FENCE", "COPY", "FILL", "CRC32C", "GEMM", "BUSY", or "?".
 */
const char *vaccelvf_op_name(unsigned int opcode);

/*
 * vaccelvf_irq_name() - name of an interrupt mode (VACCEL_VF_IRQ_*)
 * @mode: struct vaccel_vf_info.irq_mode
 *
 * Returns "msix", "msi", "intx", or "?".
 */
const char *vaccelvf_irq_name(__u32 mode);

/*
 * vaccelvf_job_state_name() - name of a job state (VACCEL_VF_JOB_*)
 * @state: struct vaccel_vf_job.state
 *
 * Returns "pending", "done", "failed", or "?".
 */
const char *vaccelvf_job_state_name(__u32 state);

/*
 * vaccelvf_buf_alloc() - page-aligned anonymous memory for user operands
 * @size: bytes (rounded up to whole pages)
 *
 * The memory reads zero.  Returns it, or NULL with errno set.
 */
void *vaccelvf_buf_alloc(size_t size);

/*
 * vaccelvf_buf_free() - free memory from vaccelvf_buf_alloc()
 * @p: the memory, or NULL (then nothing is done)
 * @size: the size it was allocated with
 *
 * Returns nothing.
 */
void vaccelvf_buf_free(void *p, size_t size);

#endif
