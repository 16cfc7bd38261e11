// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel card: the mdev parent, its types, and the accounting of what its
 * instances occupy.
 */

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/mdev.h>
#include <linux/mutex.h>

#include "vaccel.h"
#include "card.h"
#include "debugfs.h"
#include "engine.h"
#include "mdev.h"

/*
 * The three types of every card, largest first.  The mdev core names a
 * type's directory "<parent driver>-<sysfs_name>"; the parent driver is
 * VACCEL_DRV_NAME, so pretty_name is that directory name too and is what
 * log lines call the type.
 */
const struct vaccel_type_info vaccel_type_infos[VACCEL_NR_TYPES] = {
	{ .sysfs_name = "1of1", .pretty_name = "accel-1of1", .slots = 4 },
	{ .sysfs_name = "1of2", .pretty_name = "accel-1of2", .slots = 2 },
	{ .sysfs_name = "1of4", .pretty_name = "accel-1of4", .slots = 1 },
};

/**
 * vaccel_card_init() - set up a card before it is registered
 * @card: zeroed card structure
 * @dev: the parent device
 * @ops: hardware backend
 * @engines: number of compute engines
 * @mem_size: bytes of device memory; a power of two of at least
 *	VACCEL_CARD_SLOTS pages, so every slice is page aligned
 * @vf_vendor: PCI vendor ID of the card's functions
 * @vf_device: PCI device ID of the card's functions
 *
 * Return: 0 or the backend's init error.
 */
int vaccel_card_init(struct vaccel_card *card, struct device *dev,
		     const struct vaccel_hw_ops *ops, unsigned int engines,
		     u64 mem_size, u16 vf_vendor, u16 vf_device)
{
	unsigned int i;
	int ret;

	card->dev = dev;
	card->ops = ops;
	card->engines = engines;
	card->mem_size = mem_size;
	card->vf_vendor = vf_vendor;
	card->vf_device = vf_device;
	mutex_init(&card->lock);
	INIT_LIST_HEAD(&card->instances);

	for (i = 0; i < VACCEL_NR_TYPES; i++) {
		const struct vaccel_type_info *info = &vaccel_type_infos[i];

		card->types[i].info = info;
		card->types[i].mtype.sysfs_name = info->sysfs_name;
		card->types[i].mtype.pretty_name = info->pretty_name;
		card->type_ptrs[i] = &card->types[i].mtype;
	}

	ret = vaccel_hw_init(card);
	if (ret)
		return ret;
	ret = vaccel_engines_start(card);
	if (ret) {
		vaccel_hw_fini(card);
		return ret;
	}
	vaccel_debugfs_card_add(card);
	return 0;
}

/**
 * vaccel_card_apply_params() - set a new card's scheduler tunables
 * @card: an initialised card, not registered yet
 * @params: the module parameters, already checked
 */
void vaccel_card_apply_params(struct vaccel_card *card,
			      const struct vaccel_card_params *params)
{
	spin_lock(&card->run_lock);
	WARN_ON(vaccel_sched_set_policy(&card->sched, params->policy,
					ktime_get_ns()));
	if (params->slice_ns)
		WARN_ON(vaccel_sched_set_slice(&card->sched, params->slice_ns));
	spin_unlock(&card->run_lock);
}

/**
 * vaccel_card_fini() - undo vaccel_card_init()
 * @card: a card with no instances left
 */
void vaccel_card_fini(struct vaccel_card *card)
{
	WARN_ON(!list_empty(&card->instances));
	vaccel_debugfs_card_remove(card);
	vaccel_engines_stop(card);
	vaccel_hw_fini(card);
	mutex_destroy(&card->lock);
}

/**
 * vaccel_card_register() - offer the card's types to the mdev core
 * @card: an initialised card
 *
 * From here on, instances can be created through sysfs at any moment.
 *
 * Return: 0 or a negative errno from the mdev core.
 */
int vaccel_card_register(struct vaccel_card *card)
{
	return mdev_register_parent(&card->parent, card->dev,
				    &vaccel_mdev_driver, card->type_ptrs,
				    VACCEL_NR_TYPES);
}

/**
 * vaccel_card_unregister() - withdraw the card from the mdev core
 * @card: a registered card
 *
 * Removes every instance of the card first.  An instance whose VFIO device
 * is open blocks this until its user closes it; the VFIO core holds a
 * module reference for each open device, so module unload cannot get here
 * while one is open.
 */
void vaccel_card_unregister(struct vaccel_card *card)
{
	mdev_unregister_parent(&card->parent);
}

static void vaccel_card_put_slots(struct vaccel_card *card,
				  struct vaccel_instance *inst)
{
	mutex_lock(&card->lock);
	list_del(&inst->node);
	card->nr_instances--;
	vaccel_slots_free(&card->slots, inst->first_slot, inst->type->slots);
	mutex_unlock(&card->lock);
}

/**
 * vaccel_card_claim() - give a new instance its slots and device memory
 * @card: the card
 * @inst: the new instance
 * @type: its type
 *
 * Slots are taken under the card lock, so concurrent creations never
 * over-commit the card; the memory behind them is attached afterwards,
 * outside the lock, as it may take a while.
 *
 * Return: 0; -EBUSY while the card is draining; -ENOSPC when the card has
 * no aligned run of free slots for @type; or the backend's error when the
 * memory cannot be attached.
 */
int vaccel_card_claim(struct vaccel_card *card, struct vaccel_instance *inst,
		      const struct vaccel_type_info *type)
{
	u64 quarter = card->mem_size / VACCEL_CARD_SLOTS;
	int first, ret;

	mutex_lock(&card->lock);
	if (card->draining) {
		mutex_unlock(&card->lock);
		return -EBUSY;
	}
	first = vaccel_slots_alloc(&card->slots, type->slots);
	if (first < 0) {
		mutex_unlock(&card->lock);
		return first;
	}
	inst->card = card;
	inst->type = type;
	inst->first_slot = first;
	inst->mem_offset = quarter * first;
	inst->mem_size = quarter * type->slots;
	list_add_tail(&inst->node, &card->instances);
	card->nr_instances++;
	mutex_unlock(&card->lock);

	ret = vaccel_hw_mem_attach(card, inst->mem_offset, inst->mem_size);
	if (ret)
		vaccel_card_put_slots(card, inst);
	return ret;
}

/**
 * vaccel_card_release() - undo vaccel_card_claim()
 * @card: the card
 * @inst: an instance that no user can reach any more
 */
void vaccel_card_release(struct vaccel_card *card,
			 struct vaccel_instance *inst)
{
	vaccel_hw_mem_detach(card, inst->mem_offset, inst->mem_size);
	vaccel_card_put_slots(card, inst);
}

/**
 * vaccel_card_available() - instances of @type that can be created now
 * @card: the card
 * @type: the type
 *
 * Return: the exact number, see vaccel_slots_available(); 0 while the
 * card is draining.
 */
unsigned int vaccel_card_available(struct vaccel_card *card,
				   const struct vaccel_type_info *type)
{
	unsigned int n;

	mutex_lock(&card->lock);
	n = card->draining ? 0 :
	    vaccel_slots_available(&card->slots, type->slots);
	mutex_unlock(&card->lock);
	return n;
}

/**
 * vaccel_card_set_drain() - put a card in drain mode or take it out
 * @card: the card
 * @drain: true to refuse new instances
 *
 * While a card drains, every type shows 0 available instances and
 * creations fail with -EBUSY; the instances it has run on untouched.  This
 * is how an operator empties a card for maintenance under a cloud
 * scheduler, which places nothing where nothing is available.
 */
void vaccel_card_set_drain(struct vaccel_card *card, bool drain)
{
	mutex_lock(&card->lock);
	card->draining = drain;
	mutex_unlock(&card->lock);
}

/**
 * vaccel_card_draining() - is the card in drain mode?
 * @card: the card
 *
 * Return: what vaccel_card_set_drain() set last.
 */
bool vaccel_card_draining(struct vaccel_card *card)
{
	bool drain;

	mutex_lock(&card->lock);
	drain = card->draining;
	mutex_unlock(&card->lock);
	return drain;
}

/**
 * vaccel_card_slots_used() - snapshot of the card's taken slots
 * @card: the card
 *
 * Return: bit i set when slot i is taken.
 */
unsigned long vaccel_card_slots_used(struct vaccel_card *card)
{
	unsigned long map;

	mutex_lock(&card->lock);
	map = card->slots.map;
	mutex_unlock(&card->lock);
	return map;
}
