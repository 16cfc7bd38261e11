/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compute engine's execution unit: descriptor validation and chunked,
 * resumable execution of one command.
 *
 * A pure unit like cfgspace.c and vf.c: no VFIO, no locking, no threads.
 * Memory is reached only through struct vaccel_exec_ops, which the engines
 * implement with vfio_dma_rw() and the card's device memory, and the KUnit
 * suite with plain buffers.
 *
 * A command runs as a series of chunks, each bounded in time: a chunk works
 * in pieces (VACCEL_PIECE_BYTES of data, VACCEL_PIECE_MACS multiply-adds)
 * and stops after the piece that spends its budget of VACCEL_CHUNK_NS, so
 * a chunk lasts at most VACCEL_CHUNK_NS plus one piece, whatever the
 * speed of the memory behind the ops.  VACCEL_CHUNK_BYTES and
 * VACCEL_CHUNK_MACS stay as upper bounds of one chunk (on a fast machine
 * they are what ends it), and BUSY sleeps at most VACCEL_CHUNK_NS at once.
 * An engine can switch to another queue between any two chunks.  struct
 * vaccel_job is the whole hardware context of a command in flight: a job
 * resumed from it, on any engine and with any scratch buffer, continues
 * exactly where it stopped.
 */
#ifndef _VACCEL_EXEC_H
#define _VACCEL_EXEC_H

#include <linux/types.h>

#include "vaccel_queue.h"

#define VACCEL_CHUNK_BYTES	(64 * 1024)
#define VACCEL_CHUNK_MACS	16384
#define VACCEL_CHUNK_NS		50000
/* The pieces a chunk works in between two looks at the clock. */
#define VACCEL_PIECE_BYTES	4096
#define VACCEL_PIECE_MACS	2048
/* Scratch memory an engine lends to vaccel_exec_chunk(). */
#define VACCEL_EXEC_SCRATCH	(64 * 1024)

/**
 * struct vaccel_exec_ops - how the execution unit reaches memory and time
 * @dma_rw: copy @len bytes between guest memory at @iova and @buf.
 *	Return 0; -EAGAIN when a page of the range is not resident yet (the
 *	chunk stops with VACCEL_EXEC_FAULT and may be run again once it
 *	is); any other negative errno when the range is not mapped (the job
 *	then fails with VACCEL_QERR_DMA).
 * @dev_rw: the same for the function's device memory at offset @off; the
 *	range has been checked against the device memory size.
 * @busy: occupy the engine for about @ns nanoseconds (BUSY); how long it
 *	really took is read from @now
 * @now: the engine's clock, in nanoseconds; never goes backwards
 */
struct vaccel_exec_ops {
	int (*dma_rw)(void *priv, u64 iova, void *buf, size_t len, bool write);
	int (*dev_rw)(void *priv, u64 off, void *buf, size_t len, bool write);
	void (*busy)(void *priv, u64 ns);
	u64 (*now)(void *priv);
};

/**
 * struct vaccel_exec_env - what one chunk runs with
 * @ops: memory and time
 * @priv: passed to @ops
 * @scratch: VACCEL_EXEC_SCRATCH bytes, owned by the engine, aligned for
 *	u32 (as any kmalloc() or kvmalloc() buffer is); no state is kept in
 *	it from one chunk to the next
 * @mark: NULL, or the engine's account of its time on the queue: on
 *	entry the @now value up to which that time has been counted (the
 *	end of the engine's previous chunk of the queue), or 0 when the
 *	engine has just taken the queue; on return the end of this chunk
 *	(for a BUSY that completed, where its time ran out: the overshoot of
 *	its last sleep counts towards the next command).
 *	BUSY counts the time from *@mark, so what the engine spends between
 *	two chunks (and a sleep's overshoot) counts towards the command:
 *	a BUSY of n ns holds the engine for n ns.  The engine owns it.
 */
struct vaccel_exec_env {
	const struct vaccel_exec_ops *ops;
	void *priv;
	void *scratch;
	u64 *mark;
};

/**
 * struct vaccel_job - a validated command and its progress
 * @opcode: VACCEL_OP_*
 * @flags: VACCEL_DESC_F_*
 * @len: bytes of COPY, FILL and CRC32C
 * @src: as in struct vaccel_desc, in CPU byte order
 * @src2: as in struct vaccel_desc
 * @dst: as in struct vaccel_desc
 * @value: as in struct vaccel_desc
 * @m: GEMM dimension
 * @n: GEMM dimension
 * @k: GEMM dimension
 * @pos: progress: bytes done (COPY, FILL, CRC32C), elements of C done
 *	(GEMM), nanoseconds done (BUSY)
 * @crc: CRC32C state so far (inverted, as the CRC is computed)
 */
struct vaccel_job {
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
	u64 pos;
	u32 crc;
};

/* Return values of vaccel_exec_chunk() other than -VACCEL_QERR_*. */
#define VACCEL_EXEC_DONE	0
#define VACCEL_EXEC_MORE	1
#define VACCEL_EXEC_FAULT	2

/* A guest-memory range a chunk uses: see vaccel_exec_ranges(). */
typedef int (*vaccel_exec_range_fn)(void *arg, u64 iova, u64 len,
				    bool write);

int vaccel_desc_check(const struct vaccel_desc *desc, u64 dev_mem_size,
		      struct vaccel_job *job);
int vaccel_job_check(const struct vaccel_job *job, u64 dev_mem_size);
int vaccel_exec_chunk(struct vaccel_job *job,
		      const struct vaccel_exec_env *env, u64 *bytes);
int vaccel_exec_ranges(const struct vaccel_job *job, vaccel_exec_range_fn fn,
		       void *arg);
bool vaccel_exec_skip_chunk(struct vaccel_job *job);

#endif /* _VACCEL_EXEC_H */
