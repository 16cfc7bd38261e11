/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake memory of the vaccel_exec suite (exec_fixture.c).
 */
#ifndef _VACCEL_EXEC_FIXTURE_H
#define _VACCEL_EXEC_FIXTURE_H

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/types.h>

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

/* Where an operand lives: a memory of the fake and an offset in it. */
struct loc {
	enum fake_mem_id mem;
	u64 off;
};

#define AT(m, o)	((struct loc){ .mem = (m), .off = (o) })

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

int exec_test_init(struct kunit *test);
void fake_reset_memory(struct exec_fixture *fx);
void fake_snapshot(struct kunit *test, struct exec_fixture *fx,
		   struct fake_snap *s);
void expect_memory(struct kunit *test, struct exec_fixture *fx,
		   const struct fake_snap *want);

u64 loc_addr(struct loc l);
u8 *snap_ptr(const struct fake_snap *s, struct loc l);
u8 *mem_ptr(struct exec_fixture *fx, struct loc l);

void tdesc_encode(const struct tdesc *t, struct vaccel_desc *d);
void make_job(struct kunit *test, const struct tdesc *t,
	      struct vaccel_job *job);
struct tdesc copy_desc(struct loc src, struct loc dst, u32 len);
struct tdesc fill_desc(struct loc dst, u32 len, u64 value);
struct tdesc crc_desc(struct loc src, u32 len, struct loc dst,
		      u32 seed);
struct tdesc gemm_desc(u32 m, u32 k, u32 n, struct loc a,
		       struct loc b, struct loc c);
bool job_eq(const struct vaccel_job *a, const struct vaccel_job *b);
u64 job_total(const struct vaccel_job *job);

int exec_one(struct kunit *test, struct exec_fixture *fx,
	     struct vaccel_job *job);
unsigned int exec_run(struct kunit *test, struct exec_fixture *fx,
		      struct vaccel_job *job, u64 *pos,
		      unsigned int max_pos);

#endif /* _VACCEL_EXEC_FIXTURE_H */
