/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A card as the mdev core sees it: its types, its registration as mdev
 * parent, and the slots and device memory its instances take (card.c).
 */
#ifndef _VACCEL_CARD_H
#define _VACCEL_CARD_H

#include "vaccel.h"

/**
 * struct vaccel_card_params - what every card of the module starts with
 * @engines: compute engines
 * @vf_vendor: PCI vendor ID of the card's functions
 * @vf_device: PCI device ID of the card's functions
 * @policy: the scheduler's policy
 * @slice_ns: the scheduler's time slice; 0 keeps the scheduler's default
 *
 * Set from the module parameters (main.c), checked when the module loads.
 */
struct vaccel_card_params {
	unsigned int engines;
	u16 vf_vendor;
	u16 vf_device;
	enum vaccel_sched_policy policy;
	u64 slice_ns;
};

extern const struct vaccel_type_info vaccel_type_infos[VACCEL_NR_TYPES];

int vaccel_card_init(struct vaccel_card *card, struct device *dev,
		     const struct vaccel_hw_ops *ops, unsigned int engines,
		     u64 mem_size, u16 vf_vendor, u16 vf_device);
void vaccel_card_apply_params(struct vaccel_card *card,
			      const struct vaccel_card_params *params);
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
void vaccel_card_set_drain(struct vaccel_card *card, bool drain);
bool vaccel_card_draining(struct vaccel_card *card);

/* The instance's slots as a bitmap, for printing with %*pbl. */
static inline unsigned long
vaccel_inst_slot_mask(const struct vaccel_instance *inst)
{
	return GENMASK(inst->first_slot + inst->type->slots - 1,
		       inst->first_slot);
}

#endif /* _VACCEL_CARD_H */
