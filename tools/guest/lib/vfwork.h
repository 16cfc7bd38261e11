/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verified jobs on a context of the VF driver, for workloads: a struct
 * vfwork owns the buffers of one kind of job (COPY, FILL, CRC32C, GEMM or
 * BUSY, with its operands in user memory or staged through device memory
 * by COPYs of the same batch) and the expected results, from the reference
 * models of tools/lib/model.h.  vfwork_submit() gives every job fresh
 * data or fresh poison where it can, so that a job that did not run, or
 * ran on stale data, does not pass vfwork_check().  The check looks at a
 * sample of the result (a word of every page, the first and last bytes,
 * the CRC) unless asked for all of it.
 *
 * Each struct vfwork belongs to one thread; nothing is shared.
 */
#ifndef _VFWORK_H
#define _VFWORK_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "vaccelvf.h"

struct vfwork {
	const struct vaccelvf_ctx *ctx;
	unsigned int opcode;		/* VACCEL_OP_* */
	bool dev;			/* operands in device memory */
	size_t len;			/* COPY, FILL, CRC32C bytes */
	__u32 m, n, k;			/* GEMM */
	unsigned int busy_ops;		/* BUSY operations per job */
	__u64 busy_ns;			/* and the nanoseconds of each */
	__u8 *src, *src2, *dst;		/* user memory (A, B, C for GEMM) */
	size_t src_size, src2_size, dst_size;
	__u8 *ref;			/* GEMM: the expected C */
	__u32 handle;			/* device memory, when dev */
	__u64 dev_size;
	__u64 seq;			/* jobs submitted */
	__u64 rnd;			/* random state of this work */
	__u64 value;			/* FILL: this job's pattern */
	__u32 want_crc;			/* CRC32C: the expected result */
	__u64 fence;			/* of the last job submitted */
	struct vaccelvf_batch batch;
};

/*
 * vfwork_init() - set up jobs of one kind on a context
 * @w: the work to set up
 * @ctx: the context the jobs go to (it owns the device memory)
 * @opcode: VACCEL_OP_COPY, _FILL, _CRC32C, _GEMM or _BUSY
 * @size: COPY, FILL, CRC32C: bytes; GEMM: m, n and k (a square problem);
 *        BUSY: nanoseconds of each BUSY operation
 * @dev: the operation's operands are in device memory, staged from and to
 *       user memory by COPYs in the same batch (ignored for BUSY)
 * @seed: seed of the random data
 *
 * Returns 0, -EINVAL for a size out of range, -ENOMEM, or -errno of
 * vaccelvf_alloc().
 */
int vfwork_init(struct vfwork *w, const struct vaccelvf_ctx *ctx,
		unsigned int opcode, size_t size, bool dev, __u64 seed);

/*
 * vfwork_init_gemm() - set up GEMM jobs of any shape
 * @w: the work to set up
 * @ctx: the context
 * @m: rows of A and C
 * @n: columns of B and C
 * @k: columns of A, rows of B
 * @dev: as for vfwork_init()
 * @seed: seed of the random data
 *
 * Returns as vfwork_init().
 */
int vfwork_init_gemm(struct vfwork *w, const struct vaccelvf_ctx *ctx,
		     __u32 m, __u32 n, __u32 k, bool dev, __u64 seed);

/*
 * vfwork_set_busy() - the shape of BUSY jobs
 * @w: work set up for VACCEL_OP_BUSY
 * @ops: BUSY operations per job, 1 to VACCEL_VF_MAX_OPS
 * @ns: nanoseconds of each
 *
 * Returns 0 or -EINVAL.
 */
int vfwork_set_busy(struct vfwork *w, unsigned int ops, __u64 ns);

/*
 * vfwork_submit() - give the next job fresh data and submit it
 * @w: the work; its previous job must have finished
 *
 * Returns 0 (w->fence is the job's) or -errno of vaccelvf_submit().
 */
int vfwork_submit(struct vfwork *w);

/*
 * vfwork_check() - is the result of the finished job right?
 * @w: the work
 * @full: check all of the result rather than a sample
 * @why: out: what is wrong, @size bytes
 * @size: room in @why
 *
 * Returns 0 if it is right, -EBADMSG if not (@why says where).
 */
int vfwork_check(struct vfwork *w, bool full, char *why, size_t size);

/*
 * vfwork_bytes() - bytes one job processes (for MB/s)
 * @w: the work
 *
 * Returns COPY, FILL, CRC32C: len; GEMM: the bytes of A, B and C; BUSY: 0.
 */
__u64 vfwork_bytes(const struct vfwork *w);

/*
 * vfwork_fini() - free the buffers and the device memory of the work
 * @w: the work (set up, or zeroed)
 *
 * Its jobs must have finished.  Returns nothing.
 */
void vfwork_fini(struct vfwork *w);

#endif
