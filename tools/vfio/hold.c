// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio hold and req: keep an instance open until a signal, or until
 * the kernel asks for it back through the REQ interrupt.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "commands.h"
#include "irq.h"
#include "vdev.h"

int command_hold(struct vdev *v)
{
	sigset_t mask;
	int sig;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	printf("holding %s\n", v->uuid);
	sigwait(&mask, &sig);
	vdev_close(v);
	printf("released %s\n", v->uuid);
	return 0;
}

int command_req(struct vdev *v)
{
	__u64 cnt;
	__s32 fd;
	int err;

	fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0)
		return vdev_fail(v, "eventfd");
	err = irq_set_fds(v, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &fd);
	if (err) {
		close(fd);
		errno = -err;
		return vdev_fail(v, "SET_IRQS REQ eventfd");
	}
	printf("armed %s: REQ eventfd set, waiting for a request to release the device\n",
	       v->uuid);
	while (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
		if (errno != EINTR) {
			close(fd);
			return vdev_fail(v, "read REQ eventfd");
		}
	}
	printf("request received for %s (%llu): closing the device\n",
	       v->uuid, cnt);
	close(fd);
	vdev_close(v);
	printf("released %s\n", v->uuid);
	return 0;
}

