/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake memory of the vaccel_exec suite (exec_fixture.c): a backend of
 * struct vaccel_exec_ops to run the commands of src/exec.c against, chunk
 * by chunk, without a card.
 *
 * The fake has four IOVA regions and a device memory of DEV_SIZE bytes
 * (enum fake_mem_id), filled with deterministic noise.  An access that is
 * not wholly inside mapped regions faults, and faults are counted:
 * IOVA_HOLE is mapped nowhere, and a test unmaps a region by clearing its
 * @mapped.  busy() records what it was asked and answers as @busy_mode of
 * struct fake_mem says.  The fake accounts every byte moved, per chunk and
 * per operand of the job, so that vkt_exec_one() checks the bounds of every
 * chunk it runs.
 *
 * A suite takes vkt_exec_init() as its init: test->priv is then a struct
 * exec_fixture.  A case builds descriptors in CPU byte order (struct
 * tdesc, vkt_copy_desc() and the like) whose operands are places in the
 * fake (struct loc, AT()), makes jobs of them with vkt_make_job(), runs
 * them with vkt_exec_one() or vkt_exec_run(), and compares the memories
 * with what it expects, most often a snapshot it changed
 * (vkt_fake_snapshot(), vkt_snap_ptr(), vkt_mem_ptr(),
 * vkt_expect_memory()).
 *
 * The fixtures' global names start with vkt_ (vaccel KUnit test): the
 * tests are built into the kernel, and must not take a name it may use.
 */
#ifndef _VACCEL_EXEC_FIXTURE_H
#define _VACCEL_EXEC_FIXTURE_H

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "vaccel_queue.h"
#include "exec.h"

/**
 * enum fake_mem_id - the memories of the fake
 * @MEM_LO: IOVA 0x10000, 512 KiB
 * @MEM_HI: IOVA 0x7f00000000, 512 KiB
 * @MEM_AUX: IOVA 0x40000000, 256 KiB: the one tests unmap
 * @MEM_TOP: the last bytes a range may use: [2^64 - 4096, 2^64 - 1)
 * @MEM_DEV: device memory, offsets 0 to 1 MiB
 * @NR_MEM: their number
 */
enum fake_mem_id {
	MEM_LO,
	MEM_HI,
	MEM_AUX,
	MEM_TOP,
	MEM_DEV,
	NR_MEM,
};

#define DEV_SIZE	((u64)SZ_1M)
/* Mapped nowhere: the gaps between the regions. */
#define IOVA_HOLE	0x20000000ULL

/**
 * struct fake_region - one memory of the fake
 * @dev: it is the device memory, not IOVA space
 * @base: its first address or offset
 * @size: its size in bytes
 * @mapped: accesses to it succeed; else they fault
 * @buf: its bytes
 * @rd: bytes read from it successfully, in total
 * @wr: bytes written to it successfully, in total
 */
struct fake_region {
	bool dev;
	u64 base;
	u64 size;
	bool mapped;
	u8 *buf;
	u64 rd;
	u64 wr;
};

/* Operands of the job being run: the bytes moved in and around them. */
enum { W_SRC, W_SRC2, W_DST, NR_WATCH };

/**
 * struct fake_watch - the bytes one chunk moved in one operand of its job
 * @dev: the operand is in device memory
 * @base: its first address or offset
 * @size: its size in bytes, 0 when the job has no such operand
 * @rd: bytes read in it
 * @wr: bytes written in it
 * @rd_lo: the lowest address read
 * @rd_hi: the highest address read, plus 1
 * @wr_lo: the lowest address written
 * @wr_hi: the highest address written, plus 1
 */
struct fake_watch {
	bool dev;
	u64 base;
	u64 size;
	u64 rd;
	u64 wr;
	u64 rd_lo;
	u64 rd_hi;
	u64 wr_lo;
	u64 wr_hi;
};

/**
 * enum busy_mode - how long the fake's busy() takes, asked for ns
 * @BUSY_EXACT: ns
 * @BUSY_SHORT: less, ns / 3 + 1
 * @BUSY_LONG: more, ns * 2 + 7
 * @BUSY_ZERO: nothing, 0
 * @BUSY_OVERSHOOT: a sleep that overshoots, ns + 15000
 */
enum busy_mode { BUSY_EXACT, BUSY_SHORT, BUSY_LONG, BUSY_ZERO, BUSY_OVERSHOOT };

/**
 * struct fake_mem - the fake, the private data of its vaccel_exec_ops
 * @test: the test, failed by an access outside the device memory
 * @mem: its memories
 * @watch: the operands of the job being run, by W_SRC, W_SRC2 and W_DST
 * @rd: bytes read in the current chunk
 * @wr: bytes written in the current chunk
 * @calls: accesses in the current chunk
 * @busy_calls: busy() calls in the current chunk
 * @busy_asked: ns asked of busy() in the current chunk
 * @faults: accesses that faulted, since the start of the test
 * @calls_after_fault: accesses after the first fault
 * @busy_total_calls: busy() calls since the start of the test
 * @busy_total_asked: ns asked of busy() since the start of the test
 * @busy_max_asked: the most ns asked of busy() at once
 * @busy_mode: how long busy() takes: it advances @clock by that
 * @clock: the fake's clock, what now() answers, in ns
 * @now_step: ns the clock advances after each now() call (a slow engine)
 * @access_ns: ns the clock advances at each memory access
 * @now_calls: now() calls since the start of the test
 */
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
	u64 clock;
	u64 now_step;
	u64 access_ns;
	unsigned int now_calls;
};

/* Bytes after each scratch buffer that must keep their value, 0x5c. */
#define SCRATCH_CANARY	64

/**
 * struct exec_fixture - what vkt_exec_init() leaves in test->priv
 * @f: the fake memory
 * @env: the environment of vaccel_exec_chunk(), on the fake
 * @scratch: two scratch buffers of VACCEL_EXEC_SCRATCH bytes and a canary
 *	each; @env uses the first unless a test swaps them
 */
struct exec_fixture {
	struct fake_mem f;
	struct vaccel_exec_env env;
	u8 *scratch[2];
};

/**
 * struct fake_snap - a copy of every memory of the fake
 * @buf: the copies, by enum fake_mem_id
 */
struct fake_snap {
	u8 *buf[NR_MEM];
};

/**
 * struct loc - where an operand lives
 * @mem: a memory of the fake
 * @off: the offset in it
 */
struct loc {
	enum fake_mem_id mem;
	u64 off;
};

/* The struct loc at offset @o of memory @m. */
#define AT(m, o)	((struct loc){ .mem = (m), .off = (o) })

/**
 * struct tdesc - a descriptor in CPU byte order, as vkt_tdesc_encode() takes it
 * @opcode: the command, VACCEL_OP_*
 * @flags: VACCEL_DESC_F_*
 * @len: bytes, for COPY, FILL and CRC32C
 * @src: source address or device memory offset
 * @src2: second source (GEMM's B)
 * @dst: destination
 * @value: FILL's pattern, CRC32C's seed, BUSY's ns, FENCE's value
 * @m: GEMM's rows of A and C
 * @n: GEMM's columns of B and C
 * @k: GEMM's columns of A, rows of B
 * @rsvd: the reserved field
 */
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

int vkt_exec_init(struct kunit *test);
void vkt_fake_reset_memory(struct exec_fixture *fx);
void vkt_fake_snapshot(struct kunit *test, struct exec_fixture *fx,
		       struct fake_snap *s);
void vkt_expect_memory(struct kunit *test, struct exec_fixture *fx,
		       const struct fake_snap *want);

u64 vkt_loc_addr(struct loc l);
u8 *vkt_snap_ptr(const struct fake_snap *s, struct loc l);
u8 *vkt_mem_ptr(struct exec_fixture *fx, struct loc l);

void vkt_tdesc_encode(const struct tdesc *t, struct vaccel_desc *d);
void vkt_make_job(struct kunit *test, const struct tdesc *t,
		  struct vaccel_job *job);
struct tdesc vkt_copy_desc(struct loc src, struct loc dst, u32 len);
struct tdesc vkt_fill_desc(struct loc dst, u32 len, u64 value);
struct tdesc vkt_crc_desc(struct loc src, u32 len, struct loc dst,
			  u32 seed);
struct tdesc vkt_gemm_desc(u32 m, u32 k, u32 n, struct loc a,
			   struct loc b, struct loc c);
bool vkt_job_eq(const struct vaccel_job *a, const struct vaccel_job *b);
u64 vkt_job_total(const struct vaccel_job *job);

int vkt_exec_one(struct kunit *test, struct exec_fixture *fx,
		 struct vaccel_job *job);
unsigned int vkt_exec_run(struct kunit *test, struct exec_fixture *fx,
			  struct vaccel_job *job, u64 *pos,
		      unsigned int max_pos);

#endif /* _VACCEL_EXEC_FIXTURE_H */
