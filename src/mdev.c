// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel mdev driver: creation and removal of instances, the types' sysfs
 * attributes, and each instance's VFIO device.
 */

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "vaccel.h"

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

/* The instance's slots as a bitmap, for printing with %*pbl. */
static unsigned long vaccel_inst_slot_mask(const struct vaccel_instance *inst)
{
	return GENMASK(inst->first_slot + inst->type->slots - 1,
		       inst->first_slot);
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
	if (ret == -ENOSPC) {
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
	vaccel_queues_quiesce(inst);
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

/* Per-instance attributes, in the "vaccel" directory of the mdev device. */

static struct vaccel_instance *vaccel_dev_to_inst(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t slots_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	unsigned long mask = vaccel_inst_slot_mask(vaccel_dev_to_inst(dev));

	return sysfs_emit(buf, "%*pbl\n", VACCEL_CARD_SLOTS, &mask);
}
static DEVICE_ATTR_RO(slots);

static ssize_t memory_offset_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#llx\n", vaccel_dev_to_inst(dev)->mem_offset);
}
static DEVICE_ATTR_RO(memory_offset);

static ssize_t memory_size_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", vaccel_dev_to_inst(dev)->mem_size);
}
static DEVICE_ATTR_RO(memory_size);

static ssize_t resets_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	u64 n;

	mutex_lock(&inst->lock);
	n = inst->stats.resets;
	mutex_unlock(&inst->lock);
	return sysfs_emit(buf, "%llu\n", n);
}
static DEVICE_ATTR_RO(resets);

/*
 * Counters, one file each: an attribute and where its value is in the
 * struct its show method reads.
 */
struct vaccel_offset_attr {
	struct device_attribute attr;
	size_t offset;
};

#define VACCEL_OFFSET_ATTR(_name, _show, _type, _field) {		\
	.attr = __ATTR(_name, 0444, _show, NULL),			\
	.offset = offsetof(_type, _field),				\
}

static size_t vaccel_attr_offset(struct device_attribute *attr)
{
	return container_of(attr, struct vaccel_offset_attr, attr)->offset;
}

/* The engines' counters (docs/design.md, "Statistics"): an atomic64_t each. */

static ssize_t vaccel_stat_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	char *stats = (char *)&vaccel_dev_to_inst(dev)->stats;

	return sysfs_emit(buf, "%lld\n",
			  atomic64_read((atomic64_t *)(stats +
						       vaccel_attr_offset(attr))));
}

#define VACCEL_STAT_ATTR(_name, _field)					\
	VACCEL_OFFSET_ATTR(_name, vaccel_stat_show, struct vaccel_inst_stats, \
			   _field)

static struct vaccel_offset_attr vaccel_stat_attrs[] = {
	VACCEL_STAT_ATTR(jobs, jobs),
	VACCEL_STAT_ATTR(bytes, bytes),
	VACCEL_STAT_ATTR(busy_ns, busy_ns),
	VACCEL_STAT_ATTR(errors, errors),
};

/* The scheduler's view of the instance (docs/scheduler.md). */
static void vaccel_inst_sched_stats(struct vaccel_instance *inst,
				    struct vaccel_sched_stats *st)
{
	struct vaccel_card *card = inst->card;

	spin_lock(&card->run_lock);
	vaccel_sched_snapshot(&card->sched, &inst->sent, ktime_get_ns(), st);
	spin_unlock(&card->run_lock);
}

static ssize_t weight_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	unsigned int w;

	spin_lock(&inst->card->run_lock);
	w = vaccel_sched_weight(&inst->sent);
	spin_unlock(&inst->card->run_lock);
	return sysfs_emit(buf, "%u\n", w);
}

static ssize_t weight_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	struct vaccel_card *card = inst->card;
	unsigned int w;
	int ret;

	ret = kstrtouint(buf, 0, &w);
	if (!ret) {
		spin_lock(&card->run_lock);
		ret = vaccel_sched_set_weight(&card->sched, &inst->sent, w,
					      ktime_get_ns());
		spin_unlock(&card->run_lock);
	}
	if (ret) {
		dev_warn_ratelimited(dev,
				     "weight: '%.*s' refused: %u to %u, or 0 for the type's default\n",
				     vaccel_input_len(buf, count), buf,
				     VACCEL_SCHED_WEIGHT_MIN,
				     VACCEL_SCHED_WEIGHT_MAX);
		return ret == -ERANGE ? -EINVAL : ret;
	}
	return count;
}
static DEVICE_ATTR_RW(weight);

/* Parts per 10000 as a percentage with two decimals. */
static ssize_t vaccel_emit_pct(char *buf, u32 ppm)
{
	return sysfs_emit(buf, "%u.%02u\n", ppm / 100, ppm % 100);
}

static ssize_t util_1s_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vaccel_sched_stats st;

	vaccel_inst_sched_stats(vaccel_dev_to_inst(dev), &st);
	return vaccel_emit_pct(buf, st.util_short);
}
static DEVICE_ATTR_RO(util_1s);

static ssize_t util_10s_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vaccel_sched_stats st;

	vaccel_inst_sched_stats(vaccel_dev_to_inst(dev), &st);
	return vaccel_emit_pct(buf, st.util_long);
}
static DEVICE_ATTR_RO(util_10s);

/* The scheduler's counters, one file each: a u64 of the snapshot. */
static ssize_t vaccel_counter_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vaccel_sched_stats st;

	vaccel_inst_sched_stats(vaccel_dev_to_inst(dev), &st);
	return sysfs_emit(buf, "%llu\n",
			  *(u64 *)((char *)&st + vaccel_attr_offset(attr)));
}

#define VACCEL_COUNTER_ATTR(_name, _field)				\
	VACCEL_OFFSET_ATTR(_name, vaccel_counter_show,			\
			   struct vaccel_sched_stats, _field)

static struct vaccel_offset_attr vaccel_counter_attrs[] = {
	VACCEL_COUNTER_ATTR(picks, picks),
	VACCEL_COUNTER_ATTR(switches, switches),
	VACCEL_COUNTER_ATTR(preemptions, preemptions),
	VACCEL_COUNTER_ATTR(throttles, throttles),
	VACCEL_COUNTER_ATTR(waits, waits),
	VACCEL_COUNTER_ATTR(wait_ns, wait_ns),
	VACCEL_COUNTER_ATTR(wait_max_ns, wait_max_ns),
};

static struct attribute *vaccel_inst_attrs[] = {
	&dev_attr_slots.attr,
	&dev_attr_resets.attr,
	&dev_attr_memory_offset.attr,
	&dev_attr_memory_size.attr,
	&vaccel_stat_attrs[0].attr.attr,
	&vaccel_stat_attrs[1].attr.attr,
	&vaccel_stat_attrs[2].attr.attr,
	&vaccel_stat_attrs[3].attr.attr,
	&dev_attr_weight.attr,
	&dev_attr_util_1s.attr,
	&dev_attr_util_10s.attr,
	&vaccel_counter_attrs[0].attr.attr,
	&vaccel_counter_attrs[1].attr.attr,
	&vaccel_counter_attrs[2].attr.attr,
	&vaccel_counter_attrs[3].attr.attr,
	&vaccel_counter_attrs[4].attr.attr,
	&vaccel_counter_attrs[5].attr.attr,
	&vaccel_counter_attrs[6].attr.attr,
	NULL
};

static const struct attribute_group vaccel_inst_group = {
	.name	= "vaccel",
	.attrs	= vaccel_inst_attrs,
};

static const struct attribute_group *vaccel_inst_groups[] = {
	&vaccel_inst_group,
	NULL
};

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
