/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFIO face of an instance (vfio.c): vfio-pci's regions and ioctls.
 */
#ifndef _VACCEL_VFIO_H
#define _VACCEL_VFIO_H

#include <linux/vfio.h>

struct vaccel_instance;

extern const struct vfio_device_ops vaccel_vfio_ops;

void vaccel_vfio_reset_locked(struct vaccel_instance *inst);
void vaccel_vfio_quiesce(struct vaccel_instance *inst);
void vaccel_vfio_bus_master_update(struct vaccel_instance *inst);

#endif /* _VACCEL_VFIO_H */
