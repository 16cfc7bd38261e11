// SPDX-License-Identifier: GPL-2.0
/*
 * Slot accounting for vaccel cards.
 *
 * A card has VACCEL_CARD_SLOTS (4) quarter slots.  An instance takes a
 * naturally aligned run of 1, 2 or 4 of them: accel-1of4 any one quarter,
 * accel-1of2 slots 0-1 or 2-3, accel-1of1 all four.  The instance's device
 * memory is the matching slice of the card's memory, so alignment here is
 * alignment there.
 *
 * Placement is best fit: among the free aligned positions, take the one
 * whose buddy (the other half of the enclosing block twice the size) is
 * most occupied, lowest position on a tie.  Quarters therefore fill a half
 * that is already broken before they break a free one, which keeps whole
 * halves available for accel-1of2 as long as possible.  Nothing is ever
 * moved once placed: an instance's slice is fixed for its lifetime.
 *
 * Callers serialise with the card lock; this file has no state of its own.
 */

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <kunit/visibility.h>

#include "vaccel_hw.h"
#include "slots.h"

static unsigned long vaccel_slots_mask(unsigned int first, unsigned int count)
{
	return GENMASK(first + count - 1, first);
}

/**
 * vaccel_slots_valid_count() - is @count a size an instance can have?
 * @count: number of quarter slots
 *
 * Return: true for 1, 2 and 4 (powers of two up to the card size).
 */
bool vaccel_slots_valid_count(unsigned int count)
{
	return count && count <= VACCEL_CARD_SLOTS && is_power_of_2(count);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_slots_valid_count);

/* Occupied slots in the buddy of the block [first, first + count). */
static unsigned int vaccel_slots_buddy_used(unsigned long map,
					    unsigned int first,
					    unsigned int count)
{
	if (count >= VACCEL_CARD_SLOTS)
		return 0;
	return hweight_long(map & vaccel_slots_mask(first ^ count, count));
}

/**
 * vaccel_slots_alloc() - take an aligned run of @count free slots
 * @slots: the card's occupancy
 * @count: 1, 2 or 4
 *
 * Context: caller holds the card lock.
 * Return: the first slot of the run, -ENOSPC when no aligned run of
 * @count slots is free, -EINVAL for an impossible @count.
 */
int vaccel_slots_alloc(struct vaccel_slots *slots, unsigned int count)
{
	unsigned int first, score, best_score = 0;
	int best = -ENOSPC;

	if (!vaccel_slots_valid_count(count))
		return -EINVAL;

	for (first = 0; first < VACCEL_CARD_SLOTS; first += count) {
		if (slots->map & vaccel_slots_mask(first, count))
			continue;
		score = vaccel_slots_buddy_used(slots->map, first, count);
		if (best < 0 || score > best_score) {
			best = first;
			best_score = score;
		}
	}

	if (best >= 0)
		slots->map |= vaccel_slots_mask(best, count);
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_slots_alloc);

/**
 * vaccel_slots_free() - give back a run taken by vaccel_slots_alloc()
 * @slots: the card's occupancy
 * @first: first slot of the run
 * @count: length of the run
 *
 * Context: caller holds the card lock.
 */
void vaccel_slots_free(struct vaccel_slots *slots, unsigned int first,
		       unsigned int count)
{
	unsigned long mask;

	if (WARN_ON(!vaccel_slots_valid_count(count) || first % count ||
		    first + count > VACCEL_CARD_SLOTS))
		return;
	mask = vaccel_slots_mask(first, count);
	WARN_ON((slots->map & mask) != mask);
	slots->map &= ~mask;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_slots_free);

/**
 * vaccel_slots_available() - how many more runs of @count fit right now
 * @slots: the card's occupancy
 * @count: 1, 2 or 4
 *
 * This is exact: creating that many instances of this size one after the
 * other succeeds, one more fails.  It is the number of free aligned runs,
 * which best-fit placement never reduces by more than one per creation.
 *
 * Context: caller holds the card lock.
 * Return: the number of free aligned runs of @count slots (0 for an
 * impossible @count).
 */
unsigned int vaccel_slots_available(const struct vaccel_slots *slots,
				    unsigned int count)
{
	unsigned int first, n = 0;

	if (!vaccel_slots_valid_count(count))
		return 0;

	for (first = 0; first < VACCEL_CARD_SLOTS; first += count)
		if (!(slots->map & vaccel_slots_mask(first, count)))
			n++;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_slots_available);
