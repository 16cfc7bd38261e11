// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel mdev driver: creation and removal of instances (each a VFIO
 * device whose ops are in vfio.c), and what the types' sysfs attributes
 * available_instances and description say.  The instances' own attributes
 * are in sysfs.c.
 */

#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "vaccel.h"
#include "card.h"
#include "engine.h"
#include "mdev.h"
#include "sysfs.h"
#include "vfio.h"

/* The function the instance shows: identity from its card and slice. */
static void vaccel_inst_init_vf(struct vaccel_instance *inst)
{
	struct vaccel_card *card = inst->card;
	const struct vaccel_vf_identity id = {
		.cfg = {
			.vendor = card->vf_vendor,
			.device = card->vf_device,
			.bar_size = {
				[VACCEL_BAR_REGS / 2] = VACCEL_BAR0_SIZE,
				[VACCEL_BAR_MEM / 2] = inst->mem_size,
			},
			.msix_vectors = VACCEL_MSIX_VECTORS,
		},
		.engines = card->engines,
		.queues = VACCEL_FN_QUEUES,
		.slots = inst->type->slots,
	};

	vaccel_vf_init(&inst->vf, &id);
}

static int vaccel_mdev_probe(struct mdev_device *mdev)
{
	struct vaccel_card *card = vaccel_card_from_parent(mdev->type->parent);
	const struct vaccel_type_info *info =
		vaccel_type_from_mdev(mdev->type)->info;
	struct vaccel_instance *inst;
	unsigned long mask;
	int ret;

	inst = vfio_alloc_device(vaccel_instance, vdev, &mdev->dev,
				 &vaccel_vfio_ops);
	if (IS_ERR(inst))
		return PTR_ERR(inst);

	ret = vaccel_card_claim(card, inst, info);
	if (!ret)
		vaccel_inst_init_vf(inst);
	if (ret == -EBUSY) {
		dev_warn_ratelimited(card->dev,
				     "cannot create %s instance %pUl: the card is draining (vaccel/drain is 1)\n",
				     info->pretty_name, &mdev->uuid);
		goto err_put;
	} else if (ret == -ENOSPC) {
		unsigned long used = vaccel_card_slots_used(card);

		dev_warn_ratelimited(card->dev,
				     "cannot create %s instance %pUl: needs %u aligned free slots, slots in use: %*pbl\n",
				     info->pretty_name, &mdev->uuid,
				     info->slots, VACCEL_CARD_SLOTS, &used);
		goto err_put;
	} else if (ret) {
		dev_warn_ratelimited(card->dev,
				     "cannot create %s instance %pUl: device memory: %d\n",
				     info->pretty_name, &mdev->uuid,
				     ret);
		goto err_put;
	}

	ret = vaccel_engine_inst_add(inst);
	if (ret)
		goto err_release;
	ret = vfio_register_emulated_iommu_dev(&inst->vdev);
	if (ret)
		goto err_sched;

	dev_set_drvdata(&mdev->dev, inst);
	mask = vaccel_inst_slot_mask(inst);
	dev_info(card->dev,
		 "created %s instance %pUl: slots %*pbl, device memory %#llx+%#llx\n",
		 info->pretty_name, &mdev->uuid, VACCEL_CARD_SLOTS,
		 &mask, inst->mem_offset, inst->mem_size);
	return 0;

err_sched:
	vaccel_engine_inst_remove(inst);
err_release:
	vaccel_card_release(card, inst);
err_put:
	vfio_put_device(&inst->vdev);
	return ret;
}

static void vaccel_mdev_remove(struct mdev_device *mdev)
{
	struct vaccel_instance *inst = dev_get_drvdata(&mdev->dev);
	struct vaccel_card *card = inst->card;

	/* Waits until no VFIO user has the device open. */
	vfio_unregister_group_dev(&inst->vdev);
	/* Closed, so the queues are stopped: wait for the engines to leave. */
	vaccel_engine_inst_quiesce(inst);
	vaccel_engine_inst_remove(inst);
	vaccel_card_release(card, inst);
	dev_info(card->dev, "removed %s instance %pUl\n", inst->type->pretty_name,
		 &mdev->uuid);
	vfio_put_device(&inst->vdev);
}

static unsigned int vaccel_mdev_get_available(struct mdev_type *mtype)
{
	return vaccel_card_available(vaccel_card_from_parent(mtype->parent),
				     vaccel_type_from_mdev(mtype)->info);
}

static ssize_t vaccel_mdev_show_description(struct mdev_type *mtype,
					    char *buf)
{
	struct vaccel_card *card = vaccel_card_from_parent(mtype->parent);
	const struct vaccel_type_info *info = vaccel_type_from_mdev(mtype)->info;
	u64 mem = card->mem_size / VACCEL_CARD_SLOTS * info->slots;

	return sysfs_emit(buf,
			  "%u/%u of a card: %u%% of the time of %u engines, %llu MiB device memory\n",
			  info->slots, VACCEL_CARD_SLOTS,
			  100 * info->slots / VACCEL_CARD_SLOTS, card->engines,
			  mem >> 20);
}

struct mdev_driver vaccel_mdev_driver = {
	.device_api		= VFIO_DEVICE_API_PCI_STRING,
	.probe			= vaccel_mdev_probe,
	.remove			= vaccel_mdev_remove,
	.get_available		= vaccel_mdev_get_available,
	.show_description	= vaccel_mdev_show_description,
	.driver = {
		.name		= "vaccel",
		.owner		= THIS_MODULE,
		.mod_name	= KBUILD_MODNAME,
		.dev_groups	= vaccel_inst_groups,
	},
};
