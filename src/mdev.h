/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mdev driver "vaccel" (mdev.c): creation and removal of instances.
 */
#ifndef _VACCEL_MDEV_H
#define _VACCEL_MDEV_H

#include <linux/mdev.h>

extern struct mdev_driver vaccel_mdev_driver;

#endif /* _VACCEL_MDEV_H */
