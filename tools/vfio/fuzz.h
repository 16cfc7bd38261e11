/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel-vfio fuzz (fuzz.c runs it, fuzz-ops.c holds the operations): the
 * state of one fuzzer, which attacks one instance with a seeded sequence
 * of operations, and what it shares with the process that watches it.
 */
#ifndef _VFIO_FUZZ_H
#define _VFIO_FUZZ_H

#include <stdbool.h>

#include <linux/types.h>

#include "vaccel_queue.h"

#include "queue.h"
#include "vdev.h"

/* The kinds of operation; fuzz_kind_names[] names them. */
enum fz_kind {
	FZ_INFO,		/* VFIO_DEVICE_GET_INFO, random argsz */
	FZ_REGION_INFO,		/* GET_REGION_INFO, random index and argsz */
	FZ_IRQ_INFO,		/* GET_IRQ_INFO, random index and argsz */
	FZ_SET_IRQS,		/* SET_IRQS, random flags, ranges, eventfds */
	FZ_RESET,		/* VFIO_DEVICE_RESET */
	FZ_CFG_RD,		/* config space read, random offset, width */
	FZ_CFG_WR,		/* config space write, mostly writable fields */
	FZ_FLR,			/* PCIe Device Control: Initiate FLR */
	FZ_REG_RD,		/* BAR0 read */
	FZ_REG_WR,		/* BAR0 write: queues, doorbells, CONTROL... */
	FZ_QPROG,		/* a queue (re)programmed and enabled */
	FZ_SUBMIT,		/* descriptors written into a ring, doorbell */
	FZ_DMA,			/* VFIO_IOMMU_MAP_DMA / UNMAP_DMA */
	FZ_BAR2_MMAP,		/* mmap of BAR2, touched, unmapped */
	FZ_BAR2_RW,		/* pread / pwrite of BAR2 */
	FZ_REOPEN,		/* device, group and container closed, reopened */
	FZ_QSTAT,		/* queue states read, errors counted, recovery */
	FZ_SETUP,		/* the function set up as a driver would */
	FZ_KINDS
};

/* Result slots: 0 success, an errno, a short transfer, a SIGBUS. */
#define FZ_RES_SHORT	134
#define FZ_RES_SIGBUS	135
#define FZ_RES_SLOTS	136

#define FZ_HIST		16	/* operations the watcher can print */
#define FZ_DESC		200

/* Guest memory of a fuzzer: rings, writebacks, operands. */
#define FZ_RINGS	4		/* buffers 0-3: 256 KiB, rings */
#define FZ_WB		4		/* buffer 4: 64 KiB of writebacks */
#define FZ_OPND		5		/* buffers 5-7: 1 MiB, operands */
#define FZ_BUFS		8
#define FZ_RING_BYTES	(VACCEL_RING_MAX * VACCEL_DESC_SIZE)
#define FZ_WB_BYTES	(64 * 1024)
#define FZ_OPND_BYTES	(1024 * 1024)
#define FZ_IOVA_STRIDE	(4ULL << 20)	/* buffer i at IOVA_BASE + i * this */
#define FZ_EFDS		8

/* What one fuzzer shares with the watcher (shared anonymous memory). */
struct fz_shared {
	__u64 ops;		/* operations done */
	__u64 op_start_ns;	/* start of the running op, 0 idle */
	__u64 errors;		/* operations that returned an error */
	int done;		/* 1 finished, -1 gave up */
	__u64 seed;
	char instance[64];		/* UUID */
	char type[32];			/* accel-1of2... */
	char hist[FZ_HIST][FZ_DESC];	/* the last operations, by ops % */
	char why[FZ_DESC];		/* why it gave up */
	__u32 res[FZ_KINDS][FZ_RES_SLOTS];
	__u32 qerr[VACCEL_QERR_COUNT];	/* queue errors seen, by code */
	__u32 reopens;
};

/* What the fuzzer believes a queue is programmed with. */
struct fz_queue {
	int ring;		/* buffer index of the ring, -1 if not ours */
	__u32 ring_off;
	__u32 size;		/* RING_SIZE written */
	__u32 tail;		/* TAIL last written */
	int wb_off;		/* offset in the writeback buffer, -1 if not */
	__u32 last_err;		/* ERROR when last read */
};

struct fuzzer {
	struct vdev v;
	const char *uuid;
	__u64 rng;
	struct fz_shared *sh;
	struct dma_buf buf[FZ_BUFS];
	struct fz_queue q[VACCEL_FN_QUEUES];
	__s32 efd[FZ_EFDS];
	__u64 bar2_size;
	bool trace;		/* print every operation and its result */
	char desc[FZ_DESC];	/* the running operation */
};

extern const char *const fuzz_kind_names[FZ_KINDS];

/* fuzz-ops.c */
__u64 fz_rnd(struct fuzzer *f);
bool fz_start(struct fuzzer *f);
void fz_stop(struct fuzzer *f);
enum fz_kind fz_pick(struct fuzzer *f);
int fz_run(struct fuzzer *f, enum fz_kind kind);

#endif
