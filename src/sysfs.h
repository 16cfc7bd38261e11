/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "vaccel" sysfs directories of a card and of an instance (sysfs.c),
 * as attribute groups for the card's platform driver and the mdev driver.
 */
#ifndef _VACCEL_SYSFS_H
#define _VACCEL_SYSFS_H

#include <linux/sysfs.h>

extern const struct attribute_group *vaccel_card_groups[];
extern const struct attribute_group *vaccel_inst_groups[];

#endif /* _VACCEL_SYSFS_H */
