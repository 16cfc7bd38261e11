/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slot accounting: which quarter slots of a card an instance occupies.
 *
 * A pure unit: no locking of its own (the card lock serialises callers),
 * no allocation, no VFIO.  See docs/design.md, "Slot accounting".
 */
#ifndef _VACCEL_SLOTS_H
#define _VACCEL_SLOTS_H

#include <linux/types.h>

/**
 * struct vaccel_slots - occupancy of one card's quarter slots
 * @map: bit i set when slot i is taken
 */
struct vaccel_slots {
	unsigned long map;
};

int vaccel_slots_alloc(struct vaccel_slots *slots, unsigned int count);
void vaccel_slots_free(struct vaccel_slots *slots, unsigned int first,
		       unsigned int count);
unsigned int vaccel_slots_available(const struct vaccel_slots *slots,
				    unsigned int count);
bool vaccel_slots_valid_count(unsigned int count);

#endif /* _VACCEL_SLOTS_H */
