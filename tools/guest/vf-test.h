/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel-vf-test: what its files (vaccel-vf-test.c, vf-test-bad.c) share.
 */
#ifndef _GUEST_VF_TEST_H
#define _GUEST_VF_TEST_H

#include <stdbool.h>

#include "report.h"
#include "vaccelvf.h"

#define VT_NAME		"vaccel-vf-test"

/* The command line, parsed. */
struct vt_opts {
	const char *dev;	/* -d: the device node */
	unsigned int procs;	/* --procs */
	unsigned int seconds;	/* --seconds */
};

/*
 * A COPY of 64 KiB through the device memory on @ctx (user -> dev ->
 * user), its result checked; one check named @what in @r.  Returns
 * whether it passed.
 */
bool vt_good_job(struct report *r, const struct vaccelvf_ctx *ctx,
		 const char *what);

/* The test of bad input; returns the exit status. */
int vt_bad_ioctls(const struct vt_opts *o);

/* Random register and config writes from the guest (vf-test-fuzz.c). */
int vt_fuzz(int argc, char **argv);

#endif
