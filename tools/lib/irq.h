/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupts of an instance: VFIO_DEVICE_SET_IRQS (eventfd triggers,
 * loopback, mask, unmask), eventfds and expect_fired(), which checks that
 * the right one fired once and no other; INT_TEST and the INTx status.
 */
#ifndef _LIB_IRQ_H
#define _LIB_IRQ_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

struct vdev;

/* VFIO_DEVICE_SET_IRQS */
int irq_set(struct vdev *v, __u32 index, __u32 flags, __u32 start,
	    __u32 count, const void *data, size_t size);
int irq_set_fds(struct vdev *v, __u32 index, __u32 start, __u32 count,
		const __s32 *fds);
int irq_disable(struct vdev *v, __u32 index);
int irq_action(struct vdev *v, __u32 index, __u32 action, __u32 vector);

/* Eventfds */
bool efd_open(struct vdev *v, __s32 *fds, unsigned int n);
void efd_close(__s32 *fds, unsigned int n);
__u64 efd_wait(int fd, int timeout_ms);
bool expect_fired(struct vdev *v, const char *what, const char *name,
		  const __s32 *fds, unsigned int n, int want);

/* The function's side */
bool intx_status(struct vdev *v);
void int_test(struct vdev *v);
void int_clear(struct vdev *v);
void intx_unmask(struct vdev *v);

#endif
