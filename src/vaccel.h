/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel: internal interfaces of the host driver.
 *
 * Objects and their lifetimes:
 *
 *  - struct vaccel_card: one accelerator card (today a simulated one).  It
 *    is the mdev parent and lives from the parent device's probe to its
 *    remove.
 *  - struct vaccel_type: one of the three mdev types of a card, embedded
 *    in the card.
 *  - struct vaccel_instance: one mdev, a vfio_device whose reference count
 *    the VFIO core manages.  It holds slots of its card from mdev probe to
 *    mdev remove.
 *
 * Lock order (outermost first):
 *
 *   mdev core parent->unreg_sem  >  vfio core locks  >  vaccel_card.lock
 *
 *   vfio core (device open, iommu device list)  >  vaccel_instance.lock
 *	>  vaccel_queue.lock  >  vfio type1 iommu->lock
 *   vaccel_queue.lock  >  vaccel_card.run_lock  >  vaccel_queue.state_lock
 *
 * vaccel_card.lock is a leaf: nothing else is taken under it, and it is
 * never held across a call into the VFIO or mdev core.  queue.h details
 * the queue locks; an engine thread never holds a queue lock while it
 * takes an instance lock.
 */
#ifndef _VACCEL_H
#define _VACCEL_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/wait.h>

#include <linux/hrtimer.h>

#include "vaccel_hw.h"
#include "queue.h"
#include "sched.h"
#include "slots.h"
#include "vf.h"

#define VACCEL_DRV_NAME		"accel"
#define VACCEL_SIM_DEV_NAME	"vaccel-sim"
#define VACCEL_NR_TYPES		3

struct vaccel_card;

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
 * @lock: protects @slots, @instances and @nr_instances
 * @slots: which quarter slots are taken
 * @instances: the card's instances (struct vaccel_instance.node)
 * @nr_instances: length of @instances
 * @engine: the compute engines, @engines of them
 * @run_lock: protects @sched, @timer_due, the run state of every queue of
 *	the card (struct vaccel_queue: run_node, queued, on_engine) and each
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

	struct mutex lock;		/* slots, instances, nr_instances */
	struct vaccel_slots slots;
	struct list_head instances;
	unsigned int nr_instances;

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
 */
struct vaccel_inst_stats {
	u64 resets;
	atomic64_t jobs;
	atomic64_t bytes;
	atomic64_t busy_ns;
	atomic64_t errors;
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
 *	by the engines) and @stats.resets
 * @vf: the emulated function: configuration space and registers
 * @irq: the user's interrupt eventfds
 * @bus_master: Command.Bus_Master: the queues may run
 * @stats: counters
 * @ratelimit: of the instance's warnings (vaccel_inst_warn())
 * @dma: how the queues reach guest memory (&vaccel_vfio_dma)
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

	struct mutex lock;		/* vf, irq, stats */
	struct vaccel_vf vf;
	struct vaccel_irqs irq;
	bool bus_master;
	struct vaccel_inst_stats stats;

	struct ratelimit_state ratelimit;
	const struct vaccel_dma_ops *dma;
	struct vaccel_queue queues[VACCEL_FN_QUEUES];
	struct vaccel_sched_entity sent;
	struct list_head runq;
};

/**
 * struct vaccel_sim_config - a simulated card, as platform data
 * @engines: compute engines
 * @mem_mb: device memory in MiB
 * @vf_vendor: PCI vendor ID of the card's functions
 * @vf_device: PCI device ID of the card's functions
 */
struct vaccel_sim_config {
	unsigned int engines;
	unsigned int mem_mb;
	u16 vf_vendor;
	u16 vf_device;
};

#if IS_ENABLED(CONFIG_KUNIT)
int vaccel_sim_config_check(const struct vaccel_sim_config *cfg);
#endif

extern const struct vaccel_type_info vaccel_type_infos[VACCEL_NR_TYPES];
extern const struct vaccel_hw_ops vaccel_sim_ops;
extern const struct vfio_device_ops vaccel_vfio_ops;
extern struct mdev_driver vaccel_mdev_driver;

/* card.c */
int vaccel_card_init(struct vaccel_card *card, struct device *dev,
		     const struct vaccel_hw_ops *ops, unsigned int engines,
		     u64 mem_size, u16 vf_vendor, u16 vf_device);
void vaccel_card_fini(struct vaccel_card *card);
int vaccel_card_register(struct vaccel_card *card);
void vaccel_card_unregister(struct vaccel_card *card);
int vaccel_card_claim(struct vaccel_card *card, struct vaccel_instance *inst,
		      const struct vaccel_type_info *type);
void vaccel_card_release(struct vaccel_card *card,
			 struct vaccel_instance *inst);
unsigned int vaccel_card_available(struct vaccel_card *card,
				   const struct vaccel_type_info *type);
unsigned long vaccel_card_slots_used(struct vaccel_card *card);

/* debugfs.c */
void vaccel_debugfs_init(void);
void vaccel_debugfs_exit(void);
void vaccel_debugfs_card_add(struct vaccel_card *card);
void vaccel_debugfs_card_remove(struct vaccel_card *card);

/* vfio.c */
void vaccel_vfio_reset_locked(struct vaccel_instance *inst);

/* irq.c */
int vaccel_irq_get_info(struct vfio_irq_info *info);
int vaccel_irq_set(struct vaccel_instance *inst, void __user *arg);
void vaccel_irq_update(struct vaccel_instance *inst, unsigned int ev);
void vaccel_irq_queue(struct vaccel_instance *inst, unsigned int q,
		      bool done, bool error);
void vaccel_irq_release_all(struct vaccel_instance *inst);
bool vaccel_irq_request(struct vaccel_instance *inst);

/* How much of an operator's sysfs write to quote in a log line. */
static inline int vaccel_input_len(const char *buf, size_t count)
{
	return min_t(size_t, strcspn(buf, "\n"), min_t(size_t, count, 32));
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
