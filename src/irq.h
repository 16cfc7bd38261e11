/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupts of an instance (irq.c): VFIO_DEVICE_SET_IRQS eventfds and the
 * delivery of the function's interrupt causes to them.
 */
#ifndef _VACCEL_IRQ_H
#define _VACCEL_IRQ_H

#include <linux/types.h>
#include <linux/vfio.h>

struct vaccel_instance;

int vaccel_irq_get_info(struct vfio_irq_info *info);
int vaccel_irq_set(struct vaccel_instance *inst, void __user *arg);
void vaccel_irq_update(struct vaccel_instance *inst, unsigned int ev);
void vaccel_irq_queue(struct vaccel_instance *inst, unsigned int q,
		      bool done, bool error);
void vaccel_irq_release_all(struct vaccel_instance *inst);
bool vaccel_irq_request(struct vaccel_instance *inst);

#endif /* _VACCEL_IRQ_H */
