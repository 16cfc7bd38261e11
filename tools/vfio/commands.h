/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of vaccel-vfio (main.c's table) and the options they take.
 * Each runs on the open instance; 0, or -1 when something other than a
 * check failed.
 */
#ifndef _VFIO_COMMANDS_H
#define _VFIO_COMMANDS_H

#include <linux/types.h>

struct options {
	__u64 mem_size;			/* --mem-size, 0 if not given */
	const char *other;		/* --other */
	unsigned int seconds;		/* --seconds */
};

struct vdev;

/* device.c */
int cmd_info(struct vdev *v);
int cmd_config(struct vdev *v);
int cmd_bars(struct vdev *v);
int cmd_mem(struct vdev *v);
int cmd_irq(struct vdev *v);
int cmd_reset(struct vdev *v);
int cmd_check(struct vdev *v);

/* refusals.c */
int cmd_refusals(struct vdev *v);

/* hold.c */
int cmd_hold(struct vdev *v);
int cmd_req(struct vdev *v);

/* ops.c, ops-queue.c */
int cmd_ops(struct vdev *v);

/* bad.c */
int cmd_bad(struct vdev *v);

/* workloads.c */
int cmd_long(struct vdev *v);
int cmd_load(struct vdev *v);
int cmd_bench(struct vdev *v);

/* unmap.c */
int cmd_unmap(struct vdev *v);

#endif
