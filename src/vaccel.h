/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel: the object model of the host driver.
 *
 *  - struct vaccel_card: one accelerator card and mdev parent, from the
 *    parent device's probe to its remove (card.h: its functions).
 *  - struct vaccel_type: one of the card's three mdev types, embedded in
 *    the card.
 *  - struct vaccel_instance: one mdev, a vfio_device whose reference count
 *    the VFIO core manages; it holds slots of its card from mdev probe to
 *    mdev remove.  Its command queues are struct vaccel_queue (queue.h),
 *    the card's engines struct vaccel_engine (engine.h).
 *  - struct vaccel_hw_ops: what a card backend provides (sim.h: the
 *    simulated card); always called through the vaccel_hw_*() helpers
 *    below.
 *
 * Each .c file declares its functions in the header of the same name.
 */
#ifndef _VACCEL_H
#define _VACCEL_H

#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/wait.h>

#include "vaccel_hw.h"
#include "dma.h"
#include "migration.h"
#include "queue.h"
#include "sched.h"
#include "slots.h"
#include "vf.h"

/**
 * DOC: Locking
 *
 * This comment is the one description of vaccel's locks and their order;
 * docs/design.md and the other headers point here.  What each lock
 * protects is in the kernel-doc of its structure.
 *
 * Locks, outermost first.  A lock is only ever taken while holding locks
 * above it in this list:
 *
 *  1. Locks of the kernel's VFIO and mdev cores held when they call into
 *     vaccel: the mdev core's parent->unreg_sem (across mdev probe and
 *     remove), the VFIO core's device-set lock (across close_device), the
 *     VFIO type1 backend's device_list_lock (across the dma_unmap
 *     callback, vaccel_dma_unmap()).
 *  2. vaccel_card.lock (mutex): slot accounting and the instance list.
 *  2a. vaccel_mig.lock (mutex): an instance's migration state and data
 *     session; its session's vaccel_mig_file.lock is taken under it.
 *  3. vaccel_instance.lock (mutex): the emulated function.
 *  4. vaccel_queue.lock (mutex): the execution lock of one queue; an engine
 *     holds it across one chunk of work.
 *  5. vaccel_dma.pin_mutex (mutex): the instance's pins, one at a time.
 *  6. The VFIO type1 backend's iommu->lock, taken inside vfio_pin_pages()
 *     and vfio_unpin_pages(), which vaccel calls with the locks above
 *     held, but never with a lock that the dma_unmap callback takes.
 *  7. vaccel_dma.lock (spinlock): the pinned guest pages of an instance;
 *     an engine holds it while it copies one piece.
 *  8. vaccel_card.run_lock (spinlock): the card's scheduler and run state.
 *  9. vaccel_queue.state_lock (spinlock): the registers an engine updates.
 *
 * The paths that hold two vaccel locks at once, each in one function whose
 * kernel-doc repeats the order it uses:
 *
 *  - card.lock > run_lock, and card.lock > dma.lock: the debugfs
 *    snapshot of a card (vaccel_debugfs_sched_show()).
 *  - instance.lock > queue.lock: a function reset stopping the queues
 *    (vaccel_queues_reset()), Bus_Master cleared waiting for the chunk in
 *    flight (vaccel_bus_master_update()), and the writes of CONTROL and
 *    the setup registers (vaccel_queue_reg_write()), which may pin
 *    (queue.lock > pin_mutex).
 *  - instance.lock > run_lock > state_lock: Bus_Master set, the queues
 *    offered to the engines (vaccel_queues_kick()).
 *  - queue.lock > run_lock: a stopped queue taken off its run queue
 *    (vaccel_engine_queue_unlist()).
 *  - queue.lock > dma.lock: fetching a descriptor, writing the writeback,
 *    letting go of the ring (queue.c); dma.lock > state_lock: the enable
 *    (vaccel_queue_enable_locked()).
 *  - queue.lock > state_lock, and run_lock > state_lock: reading or
 *    updating a queue's registers (vaccel_queue_has_work() and the queue's
 *    register helpers).
 *
 * card.lock and instance.lock are never held together: the card lock is
 * taken by mdev probe and remove, sysfs and debugfs only, none of which
 * holds an instance lock.
 *
 * No engine ever waits for a tenant.  An engine calls nothing in VFIO: it
 * copies from pinned pages under dma.lock (vaccel_dma_rw()), and a page
 * that is not resident parks the queue for the instance's worker, which
 * pins it (struct vaccel_dma).  An engine never waits for an instance
 * lock: it raises interrupts after letting go of the queue, and only if
 * the instance lock is free; otherwise the worker raises them
 * (vaccel_queue_deliver()).  So a function reset may hold the instance
 * lock while it clears the device memory, and wait for the queue locks.
 *
 * The dma_unmap callback (vaccel_dma_unmap()) takes only dma.lock and the
 * spinlocks below it, and waits for nothing but the pin in flight, which
 * never waits for it; the callers of vfio_pin_pages() hold the queue and
 * instance locks, which the callback never takes, so no cycle goes
 * through type1's locks (KUnit vaccel_engine_test_type1_lockdep, on a
 * model of type1's locking).  BAR2 accesses through the device fd take
 * no lock: the slice's memory cannot go away while the device is open.
 */

#define VACCEL_DRV_NAME		"accel"
#define VACCEL_SIM_DEV_NAME	"vaccel-sim"
#define VACCEL_NR_TYPES		3

struct vaccel_card;
struct vaccel_engine;

/**
 * struct vaccel_hw_ops - what a card backend provides to the mdev layer
 * @name: backend name, for logs and sysfs
 * @init: set up backend state for @card; called once before the card is
 *	registered with the mdev core
 * @fini: undo @init; called after the card is unregistered and has no
 *	instances left
 * @mem_attach: back the device-memory range [@offset, @offset + @size) for
 *	a new instance.  The range reads as zeroes until written.
 * @mem_detach: drop the backing of a range given by @mem_attach; what was
 *	written there is never visible to a later instance.
 * @mem_clear: zero an attached range (function reset)
 * @mem_rw: copy @count bytes between an attached range at @offset and
 *	user memory; returns @count or -EFAULT
 * @mem_access: copy @len bytes between an attached range at @offset and
 *	the kernel buffer @buf (the engines' DMA); returns 0
 * @mem_mmap: map an attached range starting at @offset into @vma, whose
 *	size the caller has checked against the range
 *
 * The simulated card (sim.c) implements these with host pages; a driver for
 * a real PCI physical function would implement them with its BAR and
 * firmware.  All callbacks may sleep.
 */
struct vaccel_hw_ops {
	const char *name;
	int (*init)(struct vaccel_card *card);
	void (*fini)(struct vaccel_card *card);
	int (*mem_attach)(struct vaccel_card *card, u64 offset, u64 size);
	void (*mem_detach)(struct vaccel_card *card, u64 offset, u64 size);
	void (*mem_clear)(struct vaccel_card *card, u64 offset, u64 size);
	ssize_t (*mem_rw)(struct vaccel_card *card, u64 offset,
			  char __user *buf, size_t count, bool write);
	int (*mem_access)(struct vaccel_card *card, u64 offset, void *buf,
			  size_t len, bool write);
	int (*mem_mmap)(struct vaccel_card *card, struct vm_area_struct *vma,
			u64 offset);
};

/**
 * struct vaccel_type_info - constant description of an mdev type
 * @sysfs_name: suffix of the type directory ("1of2" gives accel-1of2)
 * @pretty_name: the type's "name" attribute
 * @slots: quarter slots an instance of the type occupies
 */
struct vaccel_type_info {
	const char *sysfs_name;
	const char *pretty_name;
	unsigned int slots;
};

/**
 * struct vaccel_type - an mdev type of one card
 * @mtype: the mdev core's view; its parent points at the card's parent
 * @info: size and names of the type
 */
struct vaccel_type {
	struct mdev_type mtype;
	const struct vaccel_type_info *info;
};

/**
 * struct vaccel_card - one accelerator card and mdev parent
 * @dev: the parent device (the type directories live under it)
 * @ops: the hardware backend
 * @hw_priv: backend private data
 * @engines: number of compute engines
 * @mem_size: bytes of device memory, a power of two
 * @vf_vendor: PCI vendor ID its functions show
 * @vf_device: PCI device ID its functions show
 * @parent: registration with the mdev core
 * @types: the card's mdev types, in the order of vaccel_type_infos
 * @type_ptrs: @types as the array mdev_register_parent() wants
 * @lock: protects @slots, @instances, @nr_instances and @draining
 * @slots: which quarter slots are taken
 * @instances: the card's instances (struct vaccel_instance.node)
 * @nr_instances: length of @instances
 * @draining: new instances are refused (vaccel_card_set_drain())
 * @engine: the compute engines, @engines of them
 * @run_lock: protects @sched, @timer_due, the run state of every queue of
 *	the card (struct vaccel_queue: run, see struct vaccel_queue_run) and each
 *	instance's run queue (struct vaccel_instance: runq)
 * @sched: the time-slice scheduler of the card's engines
 * @sched_timer: fires when the scheduler asked to be called back
 * @timer_due: @sched_timer fired; the next engine to take @run_lock calls
 *	the scheduler (the timer runs in hard interrupt context, @run_lock is
 *	not irq-safe)
 * @idle_wq: waiters for an engine to let go of a queue
 * @debugfs: the card's debugfs directory
 */
struct vaccel_card {
	struct device *dev;
	const struct vaccel_hw_ops *ops;
	void *hw_priv;
	unsigned int engines;
	u64 mem_size;
	u16 vf_vendor;
	u16 vf_device;

	struct mdev_parent parent;
	struct vaccel_type types[VACCEL_NR_TYPES];
	struct mdev_type *type_ptrs[VACCEL_NR_TYPES];

	struct mutex lock;	/* slots, instances, nr_instances, draining */
	struct vaccel_slots slots;
	struct list_head instances;
	unsigned int nr_instances;
	bool draining;

	struct vaccel_engine *engine;
	spinlock_t run_lock;		/* sched, run state, run queues */
	struct vaccel_sched sched;
	struct hrtimer sched_timer;
	bool timer_due;
	wait_queue_head_t idle_wq;
	struct dentry *debugfs;
};

/**
 * struct vaccel_irqs - a user's interrupt eventfds (VFIO_DEVICE_SET_IRQS)
 * @intx: INTx trigger
 * @msi: MSI trigger
 * @msix: MSI-X triggers, one per vector
 * @err: ERR trigger
 * @req: REQ trigger: "please release the device"
 * @intx_masked: INTx automasked since the last trigger, or masked by the
 *	user; cleared by an unmask
 */
struct vaccel_irqs {
	struct eventfd_ctx *intx;
	struct eventfd_ctx *msi;
	struct eventfd_ctx *msix[VACCEL_MSIX_VECTORS];
	struct eventfd_ctx *err;
	struct eventfd_ctx *req;
	bool intx_masked;
};

/**
 * struct vaccel_inst_stats - counters of an instance, for the host
 * @resets: function level resets (FLR, VFIO reset, close), under the
 *	instance lock
 * @jobs: descriptors completed
 * @bytes: bytes the engines read and wrote for the instance
 * @busy_ns: engine time spent on the instance's queues
 * @errors: times one of its queues entered the error state
 * @done_busy_ns: what the tenant got done, counted when a command
 *	completes: the ns of its completed BUSY commands
 * @done_bytes: the operand bytes (len) of its completed COPY, FILL and
 *	CRC32C commands
 * @done_macs: the multiply-adds (m * n * k) of its completed GEMMs
 * @mmio_reads: reads of its register BAR (BAR0) that trapped into vaccel
 * @mmio_writes: writes of its register BAR that trapped, doorbells
 *	included: what a guest pays in exits to drive the function
 *
 * @busy_ns is engine time, the done_* counters (with @jobs, the commands)
 * are work completed: a command that fails or is cut off by a reset adds
 * to @busy_ns and @bytes, not to them.
 */
struct vaccel_inst_stats {
	u64 resets;
	atomic64_t jobs;
	atomic64_t bytes;
	atomic64_t busy_ns;
	atomic64_t errors;
	atomic64_t done_busy_ns;
	atomic64_t done_bytes;
	atomic64_t done_macs;
	atomic64_t mmio_reads;
	atomic64_t mmio_writes;
};

/**
 * struct vaccel_instance - one mediated VF-like device
 * @vdev: the VFIO device; its lifetime is the instance's
 * @card: the card the instance lives on
 * @type: the instance's type
 * @first_slot: first quarter slot taken
 * @mem_offset: start of the instance's slice of device memory
 * @mem_size: length of that slice
 * @node: entry in @card->instances, under @card->lock
 * @lock: protects @vf, @irq, @bus_master (written under it, read without
 *	by the engines), @stats.resets, @holder and @holder_comm
 * @vf: the emulated function: configuration space and registers
 * @irq: the user's interrupt eventfds
 * @bus_master: Command.Bus_Master: the queues may run
 * @mig: live migration (migration.c)
 * @holder: the process that has the VFIO device open, or NULL
 * @holder_comm: its command name when it opened the device
 * @stats: counters
 * @ratelimit: of the instance's warnings (vaccel_inst_warn())
 * @dma_ops: how guest memory is pinned (&vaccel_vfio_dma)
 * @dma: the guest pages the engines may touch, and the instance's worker
 * @queues: the command queues
 * @sent: the instance as the card's scheduler sees it, under the card's
 *	run_lock
 * @runq: the instance's queues with work that no engine holds, in the
 *	order engines take them; under the card's run_lock
 */
struct vaccel_instance {
	struct vfio_device vdev;
	struct vaccel_card *card;
	const struct vaccel_type_info *type;
	unsigned int first_slot;
	u64 mem_offset;
	u64 mem_size;
	struct list_head node;

	struct mutex lock;		/* vf, irq, stats, holder */
	struct vaccel_vf vf;
	struct vaccel_irqs irq;
	bool bus_master;
	struct vaccel_mig mig;
	struct pid *holder;
	char holder_comm[TASK_COMM_LEN];
	struct vaccel_inst_stats stats;

	struct ratelimit_state ratelimit;
	const struct vaccel_dma_ops *dma_ops;
	struct vaccel_dma dma;
	struct vaccel_queue queues[VACCEL_FN_QUEUES];
	struct vaccel_sched_entity sent;
	struct list_head runq;
};

/*
 * Calls into the card's backend.  init and fini are optional; the memory
 * operations are required of every backend.
 */
static inline int vaccel_hw_init(struct vaccel_card *card)
{
	return card->ops->init ? card->ops->init(card) : 0;
}

static inline void vaccel_hw_fini(struct vaccel_card *card)
{
	if (card->ops->fini)
		card->ops->fini(card);
}

static inline int vaccel_hw_mem_attach(struct vaccel_card *card, u64 offset,
				       u64 size)
{
	return card->ops->mem_attach(card, offset, size);
}

static inline void vaccel_hw_mem_detach(struct vaccel_card *card, u64 offset,
					u64 size)
{
	card->ops->mem_detach(card, offset, size);
}

static inline void vaccel_hw_mem_clear(struct vaccel_card *card, u64 offset,
				       u64 size)
{
	card->ops->mem_clear(card, offset, size);
}

static inline ssize_t vaccel_hw_mem_rw(struct vaccel_card *card, u64 offset,
				       char __user *buf, size_t count,
				       bool write)
{
	return card->ops->mem_rw(card, offset, buf, count, write);
}

static inline int vaccel_hw_mem_access(struct vaccel_card *card, u64 offset,
				       void *buf, size_t len, bool write)
{
	return card->ops->mem_access(card, offset, buf, len, write);
}

static inline int vaccel_hw_mem_mmap(struct vaccel_card *card,
				     struct vm_area_struct *vma, u64 offset)
{
	return card->ops->mem_mmap(card, vma, offset);
}

/*
 * May the engines run the function's queues?  Command.Bus_Master set, and
 * not stopped for migration.  Read without a lock, chunk by chunk.
 */
static inline bool vaccel_inst_may_run(const struct vaccel_instance *inst)
{
	return READ_ONCE(inst->bus_master) && !READ_ONCE(inst->mig.stopped);
}

/* The instance's mdev device: log lines through it name the instance. */
static inline struct device *vaccel_inst_dev(struct vaccel_instance *inst)
{
	return inst->vdev.dev;
}

/*
 * A warning about what the instance's user did, rate limited per instance:
 * a user flooding the log cannot hide another instance's lines.
 */
#define vaccel_inst_warn(inst, fmt, ...)				\
	do {								\
		struct vaccel_instance *__inst = (inst);		\
									\
		if (__ratelimit(&__inst->ratelimit))			\
			dev_warn(vaccel_inst_dev(__inst), fmt,		\
				 ##__VA_ARGS__);			\
	} while (0)

static inline struct vaccel_card *
vaccel_card_from_parent(struct mdev_parent *parent)
{
	return container_of(parent, struct vaccel_card, parent);
}

static inline struct vaccel_type *vaccel_type_from_mdev(struct mdev_type *mtype)
{
	return container_of(mtype, struct vaccel_type, mtype);
}

#endif /* _VACCEL_H */
