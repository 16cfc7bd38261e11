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
	const char *kind;		/* --kind (midjob) */
	const char *event;		/* --event (midjob) */
	const char *file;		/* --file (stall) */
	const char *op;			/* --op (load): busy, copy or gemm */
};

struct vdev;

/* device.c */
int command_info(struct vdev *v);
int command_config(struct vdev *v);
int command_bars(struct vdev *v);
int command_mem(struct vdev *v);
int command_irq(struct vdev *v);
int command_reset(struct vdev *v);
int command_check(struct vdev *v);

/* refusals.c */
int command_refusals(struct vdev *v);

/* hold.c */
int command_hold(struct vdev *v);
int command_req(struct vdev *v);

/* ops.c, ops-queue.c */
int command_ops(struct vdev *v);

/* bad.c */
int command_bad(struct vdev *v);

/* workloads.c */
int command_long(struct vdev *v);
int command_load(struct vdev *v);
int command_light(struct vdev *v);
int command_bench(struct vdev *v);

/* unmap.c */
int command_unmap(struct vdev *v);

/* race.c, midjob.c */
int command_repin(struct vdev *v);
int command_stall(struct vdev *v);
int command_midjob(struct vdev *v);

/* fuzz.c: takes its own arguments (A B N and options) */
int command_fuzz(int argc, char **argv);

/* migrate.c: its own arguments too (SRC DST and options) */
int command_migrate(int argc, char **argv);

/* dirty.c */
int command_dirty(struct vdev *v);

#endif
