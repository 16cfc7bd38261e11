/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel-run: what its commands (vaccel-run.c, run-selftest.c,
 * run-load.c) share.
 */
#ifndef _GUEST_RUN_H
#define _GUEST_RUN_H

#include <stdbool.h>

#include <linux/types.h>

#define VR_NAME		"vaccel-run"

/* The command line, parsed. */
struct vr_opts {
	const char *dev;	/* -d: the device node */
	unsigned int seconds;	/* --seconds */
	const char *op;		/* --op */
	unsigned int jobs;	/* --jobs, 0: the device's queues */
	unsigned int depth;	/* --depth */
	__u64 size;		/* --size, 0: the op's default */
	bool dev_mem;		/* --dev-mem */
};

/* "vaccel-run: NODE: WHAT: strerror" on stderr. */
void vr_err(const char *node, const char *what, int err);

/* The commands; they return the exit status. */
int vr_selftest(const struct vr_opts *o);
int vr_load(const struct vr_opts *o);

#endif
