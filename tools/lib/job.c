// SPDX-License-Identifier: GPL-2.0
/*
 * Verified commands and a small verified job (job.h).
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/pci_regs.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "job.h"
#include "model.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

static const char *const op_names[VACCEL_OP_COUNT] = {
	"NOP", "FENCE", "COPY", "FILL", "CRC32C", "GEMM", "BUSY",
};

const char *op_name(__u16 op)
{
	return op < VACCEL_OP_COUNT ? op_names[op] : "?";
}

/* Bytes the command writes at its destination. */
size_t vjob_result_len(const struct cmd *c)
{
	switch (c->op) {
	case VACCEL_OP_COPY:
	case VACCEL_OP_FILL:
		return c->len;
	case VACCEL_OP_CRC32C:
		return 4;
	case VACCEL_OP_GEMM:
		return 4ULL * c->m * c->n;
	default:
		return 0;
	}
}

struct vjob vjob_make(struct cmd c, struct opnd dst, struct opnd src,
		      struct opnd src2)
{
	return (struct vjob){
		.c = c, .dst = dst, .src = src, .src2 = src2, .gaps = !dst.dev,
	};
}

static __u8 *where(const struct opnd *o, __u8 *bar2)
{
	return o->dev ? bar2 + o->addr : o->p;
}

/*
 * Is the completed command's result what the reference model says?  *@at:
 * the first wrong byte of the destination (a gap byte counts from the
 * destination's start: negative ones before it show as huge numbers).
 */
bool vjob_right(const struct vjob *j, __u8 *bar2, size_t *at)
{
	const struct cmd *c = &j->c;
	__u8 *dst = where(&j->dst, bar2), *src = where(&j->src, bar2);
	size_t len = vjob_result_len(c);
	__u8 *want;

	*at = 0;
	switch (c->op) {
	case VACCEL_OP_COPY:
		*at = first_diff(dst, src, len);
		break;
	case VACCEL_OP_FILL:
		fill_ok(dst, len, c->value, at);
		break;
	case VACCEL_OP_CRC32C:
		*at = get_le32(dst) == crc32c(c->value, src, c->len) ? len : 0;
		break;
	case VACCEL_OP_GEMM:
		want = malloc(len);
		if (!want)
			abort();
		gemm_ref(want, src, where(&j->src2, bar2), c->m, c->n, c->k);
		*at = first_diff(dst, want, len);
		free(want);
		break;
	default:
		break;
	}
	if (*at != len)
		return false;
	if (!j->gaps || !len)
		return true;
	if (!all_bytes(dst - GAP, GAP, SENTINEL)) {
		*at = (size_t)-GAP;
		return false;
	}
	return all_bytes(dst + len, GAP, SENTINEL);
}

/* Check the result: one line, "ok" or "FAIL", naming @what. */
bool vjob_verify(struct report *r, const struct vjob *j, __u8 *bar2,
		 const char *what)
{
	const struct cmd *c = &j->c;
	char desc[80];
	size_t at;

	if (c->op == VACCEL_OP_GEMM)
		snprintf(desc, sizeof(desc), "GEMM %ux%ux%u", c->m, c->n, c->k);
	else if (c->op == VACCEL_OP_BUSY)
		snprintf(desc, sizeof(desc), "BUSY %llu us", c->value / 1000);
	else if (c->op == VACCEL_OP_FENCE || c->op == VACCEL_OP_NOP)
		snprintf(desc, sizeof(desc), "%s", op_name(c->op));
	else
		snprintf(desc, sizeof(desc), "%s %u bytes %s to %s",
			 op_name(c->op), c->len, j->src.dev ? "BAR2" : "IOVA",
			 j->dst.dev ? "BAR2" : "IOVA");
	if (vjob_right(j, bar2, &at))
		return check(r, true, "%s: %s: %s", what, desc,
			     vjob_result_len(c) ? "bit-exact" : "completed");
	return check(r, false, "%s: %s: wrong at byte %zd of %zu", what, desc,
		     (ssize_t)at, vjob_result_len(c));
}

/* The function set up again after a function reset, as a driver would. */
bool qenv_restart(struct qenv *e)
{
	struct vdev *v = e->v;

	if (!msix_on(e))
		return false;
	cfg_wr(v, PCI_COMMAND, 2, cfg_rd(v, PCI_COMMAND, 2) |
	       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
	return true;
}

#define SMALL		(64 * 1024)
#define SMALL_SLOT	(32 * 1024)
#define SMALL_MN	16

/*
 * A small job on @qu: COPY, FILL, CRC32C and GEMM on guest memory and a
 * COPY into BAR2, every result checked.  Its memory is mapped for it and
 * unmapped after.
 */
bool job_small(struct qenv *e, struct queue *qu, const char *what)
{
	struct dma_buf a, b, c;
	struct vjob j[5];
	char name[128];
	unsigned int i, n = 4;
	bool ok = false;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	if (!dma_alloc(e, &a, SMALL) || !dma_alloc(e, &b, SMALL) ||
	    !dma_alloc(e, &c, 4 * SMALL_SLOT))
		goto out;
	rnd_fill(a.va, a.size);
	rnd_fill(b.va, b.size);
	memset(c.va, SENTINEL, c.size);
	j[0] = vjob_make(cmd_copy(at_buf(&c, GAP), at_buf(&a, 8), 16000),
			 at_buf(&c, GAP), at_buf(&a, 8), at_buf(&a, 0));
	j[1] = vjob_make(cmd_fill(at_buf(&c, SMALL_SLOT + GAP), 4001,
				  0x0123456789abcdefULL),
			 at_buf(&c, SMALL_SLOT + GAP), at_buf(&a, 0),
			 at_buf(&a, 0));
	j[2] = vjob_make(cmd_crc(at_buf(&c, 2 * SMALL_SLOT + GAP),
				 at_buf(&a, 0), SMALL, 0x1234),
			 at_buf(&c, 2 * SMALL_SLOT + GAP), at_buf(&a, 0),
			 at_buf(&a, 0));
	j[3] = vjob_make(cmd_gemm(at_buf(&c, 3 * SMALL_SLOT + GAP),
				  at_buf(&a, 0), at_buf(&b, 0), SMALL_MN,
				  SMALL_MN, SMALL_MN),
			 at_buf(&c, 3 * SMALL_SLOT + GAP), at_buf(&a, 0),
			 at_buf(&b, 0));
	if (e->bar2 && e->bar2_size >= 2 * SMALL) {
		j[4] = vjob_make(cmd_copy(at_bar2(e, e->bar2_size - SMALL),
					  at_buf(&b, 0), SMALL),
				 at_bar2(e, e->bar2_size - SMALL),
				 at_buf(&b, 0), at_buf(&b, 0));
		n = 5;
	}
	for (i = 0; i < n; i++)
		if (!queue_push(qu, &j[i].c))
			goto out;
	if (!queue_sync(qu, what))
		goto out;
	ok = true;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s: queue %u", what, qu->q);
		ok &= vjob_verify(&e->v->report, &j[i], e->bar2, name);
	}
out:
	dma_free(e, &a);
	dma_free(e, &b);
	dma_free(e, &c);
	return ok;
}
