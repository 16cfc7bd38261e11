/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live migration of an instance through the VFIO migration v2 interface
 * (migration.c): the state machine, the data sessions and the stream.
 * docs/migration.md describes the stream; its layout is here.
 */
#ifndef _VACCEL_MIGRATION_H
#define _VACCEL_MIGRATION_H

#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "vaccel_regs.h"
#include "vaccel_queue.h"
#include "queue.h"

struct vaccel_instance;
struct vaccel_mig_file;

/*
 * The stream: a header, the state records, the device memory, a trailer.
 * Every field is little endian; the CRC-32C of the trailer covers every
 * byte before it.
 */
#define VACCEL_MIG_MAGIC	0x474d4156	/* "VAMG" */
#define VACCEL_MIG_END_MAGIC	0x444e4556	/* "VEND" */
#define VACCEL_MIG_VERSION	1
/* The records of version 1 take 1 KiB; a stream may not claim more. */
#define VACCEL_MIG_MAX_STATE	SZ_16K

/**
 * struct vaccel_mig_header - start of a stream: what it is from
 * @magic: VACCEL_MIG_MAGIC
 * @version: VACCEL_MIG_VERSION
 * @header_size: sizeof(struct vaccel_mig_header)
 * @state_size: bytes of records that follow the header
 * @slots: quarter slots of the source's type (4, 2 or 1)
 * @mem_size: bytes of device memory that follow the records
 * @engines: engines of the source's card (the ENGINES register)
 * @queues: queues of the function
 * @vendor: PCI vendor ID of the function
 * @device: PCI device ID of the function
 * @msix_vectors: MSI-X table size
 * @type_name: the source's type, NUL padded, for messages
 * @reserved: zero
 */
struct vaccel_mig_header {
	__le32 magic;
	__le16 version;
	__le16 header_size;
	__le32 state_size;
	__le32 slots;
	__le64 mem_size;
	__le32 engines;
	__le32 queues;
	__le16 vendor;
	__le16 device;
	__le32 msix_vectors;
	char type_name[16];
	__le32 reserved[2];
};

/* Record types; a record is a struct vaccel_mig_rec and its payload. */
#define VACCEL_MIG_REC_CONFIG	1	/* standard config space, 256 bytes */
#define VACCEL_MIG_REC_REGS	2	/* struct vaccel_mig_regs */
#define VACCEL_MIG_REC_MSIX	3	/* the MSI-X table */
#define VACCEL_MIG_REC_QUEUE	4	/* struct vaccel_mig_queue */

/**
 * struct vaccel_mig_rec - header of one state record
 * @type: VACCEL_MIG_REC_*
 * @len: bytes of payload that follow
 */
struct vaccel_mig_rec {
	__le32 type;
	__le32 len;
};

/**
 * struct vaccel_mig_regs - the global registers
 * @control: CONTROL
 * @status: STATUS
 * @int_cause: INT_CAUSE
 * @int_mask: INT_MASK
 * @scratch: SCRATCH
 * @reserved: zero
 */
struct vaccel_mig_regs {
	__le32 control;
	__le32 status;
	__le32 int_cause;
	__le32 int_mask;
	__le32 scratch;
	__le32 reserved;
};

#define VACCEL_MIG_Q_ENABLED	BIT(0)
#define VACCEL_MIG_Q_JOB	BIT(1)

/**
 * struct vaccel_mig_queue - one queue and its command in flight
 * @index: queue number
 * @flags: VACCEL_MIG_Q_*
 * @ring_size: RING_SIZE
 * @error: ERROR
 * @error_index: ERROR_INDEX
 * @head: HEAD
 * @tail: TAIL
 * @reserved: zero
 * @ring_iova: RING
 * @wb_iova: WB
 * @fence: FENCE
 * @job_opcode: the command in flight (struct vaccel_job), if
 *	VACCEL_MIG_Q_JOB
 * @job_flags: its flags
 * @job_len: its length
 * @job_src: its source
 * @job_src2: its second source
 * @job_dst: its destination
 * @job_value: its value
 * @job_m: GEMM dimension m
 * @job_n: GEMM dimension n
 * @job_k: GEMM dimension k
 * @job_crc: the CRC-32C state so far
 * @job_pos: its progress
 */
struct vaccel_mig_queue {
	__le32 index;
	__le32 flags;
	__le32 ring_size;
	__le32 error;
	__le32 error_index;
	__le32 head;
	__le32 tail;
	__le32 reserved;
	__le64 ring_iova;
	__le64 wb_iova;
	__le64 fence;
	__le16 job_opcode;
	__le16 job_flags;
	__le32 job_len;
	__le64 job_src;
	__le64 job_src2;
	__le64 job_dst;
	__le64 job_value;
	__le32 job_m;
	__le32 job_n;
	__le32 job_k;
	__le32 job_crc;
	__le64 job_pos;
};

/**
 * struct vaccel_mig_trailer - end of a stream
 * @magic: VACCEL_MIG_END_MAGIC
 * @crc: CRC-32C of every byte before the trailer
 * @total: bytes of the stream before the trailer
 */
struct vaccel_mig_trailer {
	__le32 magic;
	__le32 crc;
	__le64 total;
};

/**
 * struct vaccel_mig_state - a function's state, decoded and checked
 * @cfg: standard configuration space
 * @control: CONTROL
 * @status: STATUS
 * @int_cause: INT_CAUSE
 * @int_mask: INT_MASK
 * @scratch: SCRATCH
 * @msix: the MSI-X table
 * @queue: the queues
 */
struct vaccel_mig_state {
	u8 cfg[PCI_CFG_SPACE_SIZE];
	u32 control;
	u32 status;
	u32 int_cause;
	u32 int_mask;
	u32 scratch;
	u32 msix[VACCEL_MSIX_VECTORS][VACCEL_MSIX_ENTRY_SIZE / 4];
	struct vaccel_queue_state queue[VACCEL_FN_QUEUES];
};

/**
 * struct vaccel_mig_target - what a stream must match to be loaded
 * @slots: quarter slots of the type
 * @type_name: the type, for messages
 * @mem_size: device memory
 * @engines: the card's engines
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 */
struct vaccel_mig_target {
	u32 slots;
	const char *type_name;
	u64 mem_size;
	u32 engines;
	u16 vendor;
	u16 device;
};

/**
 * struct vaccel_mig - an instance's migration state
 * @lock: protects @state and @file; the outermost vaccel lock of the
 *	instance (above instance.lock, see DOC: Locking in vaccel.h)
 * @state: the VFIO migration state
 * @file: the data session in progress (STOP_COPY or RESUMING), holding a
 *	reference on its file, or NULL
 * @stopped: the engines may not run the function's queues (RUNNING_P2P,
 *	STOP, STOP_COPY, RESUMING); read locklessly by the engines, chunk by
 *	chunk, like bus_master
 */
struct vaccel_mig {
	struct mutex lock;	/* state, file */
	enum vfio_device_mig_state state;
	struct vaccel_mig_file *file;
	bool stopped;
};

extern const struct vfio_migration_ops vaccel_mig_ops;

void vaccel_mig_init(struct vaccel_instance *inst);
void vaccel_mig_fini(struct vaccel_instance *inst);
void vaccel_mig_reset(struct vaccel_instance *inst);

size_t vaccel_mig_encode_state(const struct vaccel_mig_state *st, u8 *buf,
			       size_t size);
const char *vaccel_mig_check_header(const struct vaccel_mig_header *hdr,
				    const struct vaccel_mig_target *t);
const char *vaccel_mig_decode_state(const u8 *buf, size_t len, u64 mem_size,
				    struct vaccel_mig_state *st);
void vaccel_mig_fill_header(struct vaccel_mig_header *hdr,
			    const struct vaccel_mig_target *t,
			    u32 state_size);

#endif /* _VACCEL_MIGRATION_H */
