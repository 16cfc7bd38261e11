// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of an instance (irq.h): VFIO_DEVICE_SET_IRQS, eventfds, and
 * the function's own interrupt registers.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_regs.h"

#include "irq.h"
#include "report.h"
#include "vdev.h"

#define FIRE_TIMEOUT_MS		2000	/* wait this long for an interrupt */
#define QUIET_MS		100	/* no interrupt within this: none */
/* Interrupts */

/* VFIO_DEVICE_SET_IRQS: 0 or the negative errno. */
int irq_set(struct vdev *v, __u32 index, __u32 flags, __u32 start,
	    __u32 count, const void *data, size_t size)
{
	struct vfio_irq_set *set;
	int err = 0;

	set = calloc(1, sizeof(*set) + size);
	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + size;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (size)
		memcpy(set->data, data, size);
	if (ioctl(v->device, VFIO_DEVICE_SET_IRQS, set))
		err = -errno;
	free(set);
	return err;
}

int irq_set_fds(struct vdev *v, __u32 index, __u32 start, __u32 count,
		const __s32 *fds)
{
	return irq_set(v, index,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       start, count, fds, count * sizeof(*fds));
}

/* Drop every trigger of an index, as QEMU does when it disables one. */
int irq_disable(struct vdev *v, __u32 index)
{
	return irq_set(v, index,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       0, 0, NULL, 0);
}

/* ACTION_TRIGGER (loopback), ACTION_MASK or ACTION_UNMASK of one vector. */
int irq_action(struct vdev *v, __u32 index, __u32 action, __u32 vector)
{
	return irq_set(v, index, VFIO_IRQ_SET_DATA_NONE | action, vector, 1,
		       NULL, 0);
}

bool efd_open(struct vdev *v, __s32 *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fds[i] < 0) {
			check(&v->report, false, "eventfd: %s",
			      errname(-errno));
			while (i--)
				close(fds[i]);
			return false;
		}
	}
	return true;
}

void efd_close(__s32 *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* Wait up to @timeout_ms for an eventfd; returns its counter, 0 if none. */
__u64 efd_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	__u64 cnt;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

/*
 * After @what, which should raise eventfd @want of @fds (-1: none), check
 * that it fired exactly once and that no other one of them fires.
 */
bool expect_fired(struct vdev *v, const char *what, const char *name,
		  const __s32 *fds, unsigned int n, int want)
{
	struct pollfd pfd[VACCEL_MSIX_VECTORS];
	unsigned int i, idx[VACCEL_MSIX_VECTORS], m = 0;
	char which[32] = "";
	bool ok = true;
	__u64 cnt;

	if (want >= 0) {
		cnt = efd_wait(fds[want], FIRE_TIMEOUT_MS);
		if (n > 1)
			snprintf(which, sizeof(which), " vector %d", want);
		if (cnt == 1)
			ok = check(&v->report, true, "%s: %s%s fired", what,
				   name, which);
		else if (cnt)
			ok = check(&v->report, false,
				   "%s: %s%s fired %llu times, expected once",
				   what, name, which, cnt);
		else
			ok = check(&v->report, false,
				   "%s: %s%s did not fire within %d ms",
				   what, name, which, FIRE_TIMEOUT_MS);
	}

	for (i = 0; i < n; i++) {
		if ((int)i == want)
			continue;
		pfd[m] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		idx[m++] = i;
	}
	if (!m)
		return ok;
	if (poll(pfd, m, QUIET_MS) <= 0)
		return check(&v->report, true, "%s: no %s%s fired", what,
			     want >= 0 ? "other " : "", name) && ok;

	for (i = 0; i < m; i++) {
		if (!(pfd[i].revents & POLLIN))
			continue;
		efd_wait(pfd[i].fd, 0);		/* drain it */
		if (n > 1)
			check(&v->report, false,
			      "%s: %s vector %u fired, but should not have",
			      what, name, idx[i]);
		else
			check(&v->report, false,
			      "%s: %s fired, but should not have", what, name);
	}
	return false;
}

bool intx_status(struct vdev *v)
{
	return cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT;
}

/* Raise INT_TEST, or clear it from INT_CAUSE (RW1C). */
void int_test(struct vdev *v)
{
	reg_wr(v, VACCEL_REG_INT_TEST, VACCEL_INT_TEST);
}

void int_clear(struct vdev *v)
{
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_TEST);
}

void intx_unmask(struct vdev *v)
{
	check_errno(&v->report, "SET_IRQS: INTx unmask",
		    irq_action(v, VFIO_PCI_INTX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_UNMASK, 0), 0);
}

