/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verified commands: a command with the client's view of its operands,
 * checked against the reference models (model.h) once it has completed;
 * a small verified job of every data operation, to show that a function
 * works; the function set up again after a reset.
 */
#ifndef _LIB_JOB_H
#define _LIB_JOB_H

#include <stdbool.h>

#include <linux/types.h>

#include "queue.h"
#include "report.h"

/* A command and its operands; a _DEV operand is found in @bar2 later. */
struct vjob {
	struct cmd c;
	struct opnd src;
	struct opnd src2;
	struct opnd dst;
	bool gaps;		/* SENTINEL bytes around an IOVA destination */
};

const char *op_name(__u16 op);
size_t vjob_result_len(const struct cmd *c);
struct vjob vjob_make(struct cmd c, struct opnd dst, struct opnd src,
		      struct opnd src2);
bool vjob_right(const struct vjob *j, __u8 *bar2, size_t *at);
bool vjob_verify(struct report *r, const struct vjob *j, __u8 *bar2,
		 const char *what);
bool job_small(struct qenv *e, struct queue *qu, const char *what);
bool qenv_restart(struct qenv *e);

#endif
