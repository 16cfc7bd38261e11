// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio dirty UUID: the type1 container's dirty page tracking sees
 * every page the engines write.
 *
 * VFIO_IOMMU_GET_INFO's migration capability first (its page sizes and
 * largest bitmap); then, with VFIO_IOMMU_DIRTY_PAGES tracking on, COPY
 * and FILL commands write small ranges at random pages of a large mapping
 * (some across a page boundary), and the queue's writeback is written
 * after every command.  _GET_BITMAP must mark every page written.  It also
 * marks pages nobody wrote: type1 with a container of mdevs only reports
 * the pages the vendor driver has pinned (the ring, the sources, operand
 * pages vaccel keeps pinned), so this counts them and prints the ratio,
 * without failing on it.  A second round writes other pages and reads the
 * bitmap again: the new pages are marked (type1 cleared what it reported
 * and marks again what is pinned); a third read, with nothing written in
 * between, shows what type1 reports for pinned pages alone.  Tracking
 * stops, and _GET_BITMAP is then refused.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "vaccel_queue.h"

#include "commands.h"
#include "job.h"
#include "mig.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

#define DT_BIG		(256ULL << 20)	/* the large mapping */
#define DT_WRITES	48		/* commands per round */
#define DT_SRC		(1024 * 1024)

struct dirty {
	struct qenv e;
	__u64 pgsize;
	struct dma_buf big;
	struct dma_buf src;
	__u8 *written;		/* per page of big: the round that wrote it */
	__u64 *bitmap;
	size_t bitmap_words;
};

/* _GET_BITMAP of one mapping into d->bitmap; false (a failed check) if not. */
static bool dt_get(struct dirty *d, const struct dma_buf *b, const char *what)
{
	struct vdev *v = d->e.v;
	int err;

	memset(d->bitmap, 0, d->bitmap_words * 8);
	err = dirty_get(v->container, b->iova, b->size, d->pgsize, d->bitmap);
	if (err)
		return check_errno(&v->report, what, err, 0);
	return true;
}

/*
 * One round: DT_WRITES commands, each writing a few bytes to a page of
 * big not written before (sometimes across into the next), results checked.
 */
static bool dt_round(struct dirty *d, struct queue *qu, __u8 round)
{
	__u64 pages = d->big.size / d->pgsize;
	struct vjob j[DT_WRITES];
	struct opnd dst, src, none = { 0 };
	unsigned int i, ok = 0;
	__u64 page, off;
	__u32 len;

	for (i = 0; i < DT_WRITES; i++) {
		do {
			page = rnd() % (pages - 1);
		} while (d->written[page] || d->written[page + 1]);
		if (rnd() % 4 == 0) {	/* across the boundary */
			len = rnd_between(2, 256);
			off = page * d->pgsize + d->pgsize - rnd_between(1, len - 1);
		} else {
			len = rnd_between(1, 512);
			off = page * d->pgsize + rnd() % (d->pgsize - len);
		}
		d->written[off / d->pgsize] = round;
		d->written[(off + len - 1) / d->pgsize] = round;
		dst = at_buf(&d->big, off);
		if (i % 2) {
			src = at_buf(&d->src, rnd() % (d->src.size - len));
			j[i] = vjob_make(cmd_copy(dst, src, len), dst, src, none);
		} else {
			j[i] = vjob_make(cmd_fill(dst, len, rnd()), dst, none, none);
		}
		j[i].gaps = false;
		if (!queue_push(qu, &j[i].c))
			return false;
	}
	if (!queue_sync(qu, "dirty: the writes"))
		return false;
	for (i = 0; i < DT_WRITES; i++) {
		size_t at;

		ok += vjob_right(&j[i], NULL, &at);
	}
	return check(&d->e.v->report, ok == DT_WRITES,
		     "round %u: %u COPY and FILL commands wrote their bytes (%u right)",
		     round, DT_WRITES, ok);
}

/*
 * The big mapping's bitmap against what round @round (and before) wrote;
 * returns the pages marked, *@written those the round wrote.
 */
static __u64 dt_judge(struct dirty *d, __u8 round, __u64 *written)
{
	struct vdev *v = d->e.v;
	__u64 pages = d->big.size / d->pgsize, p, marked, now = 0, missed = 0;
	__u64 earlier = 0, earlier_marked = 0, first_missed = 0;

	*written = 0;
	if (!dt_get(d, &d->big, "_GET_BITMAP of the large mapping"))
		return 0;
	marked = dirty_count(d->bitmap, pages);
	for (p = 0; p < pages; p++) {
		if (d->written[p] == round) {
			now++;
			if (!dirty_bit(d->bitmap, p) && !missed++)
				first_missed = p;
		} else if (d->written[p]) {
			earlier++;
			earlier_marked += dirty_bit(d->bitmap, p);
		}
	}
	check(&v->report, now && !missed,
	      "round %u: all %llu pages the engines wrote are marked dirty%s",
	      round, now - missed, missed ? " -- NOT all" : "");
	if (missed)
		check(&v->report, false, "round %u: %llu written pages unmarked, first %llu",
		      round, missed, first_missed);
	printf("dirty: round %u: large mapping %llu pages, written %llu, marked %llu, ",
	       round, pages, now, marked);
	printf("marked but not written this round %llu (%.2f marked per written)\n",
	       marked - (now - missed), now ? (double)marked / now : 0.0);
	if (earlier)
		remark("round %u: %llu of %llu pages of earlier rounds marked again (pinned)",
		       round, earlier_marked, earlier);
	*written = now;
	return marked;
}

/* A small mapping's marked pages, printed; @wrote: it must be marked. */
static __u64 dt_small(struct dirty *d, const struct dma_buf *b,
		      const char *what, bool wrote)
{
	__u64 pages = b->size / d->pgsize, n;
	char name[96];

	snprintf(name, sizeof(name), "_GET_BITMAP of the %s", what);
	if (!dt_get(d, b, name))
		return 0;
	n = dirty_count(d->bitmap, pages);
	if (wrote)
		check(&d->e.v->report, dirty_bit(d->bitmap, 0),
		      "the %s page (written after every command) is marked dirty",
		      what);
	printf("dirty: %s: %llu of %llu pages marked\n", what, n, pages);
	return n;
}

/*
 * The bitmaps of every mapping after round @round (0: nothing written
 * since the last read): what type1 reports against what was written.
 */
static void dt_read(struct dirty *d, struct queue *qu, __u8 round)
{
	__u64 marked, written = 0;

	if (round)
		marked = dt_judge(d, round, &written);
	else
		marked = dt_get(d, &d->big, "_GET_BITMAP of the large mapping") ?
			 dirty_count(d->bitmap, d->big.size / d->pgsize) : 0;
	marked += dt_small(d, &qu->wbuf, "writeback", round);
	marked += dt_small(d, &qu->ring, "ring (read by the function only)",
			   false);
	marked += dt_small(d, &d->src, "COPY sources (read only)", false);
	/* The writeback page is written too. */
	written += round ? 1 : 0;
	printf("dirty: all mappings: %llu pages marked, %llu written by the engines",
	       marked, written);
	if (written)
		printf(": %llu more (%.2f marked per written)\n",
		       marked - written, (double)marked / written);
	else
		printf("\n");
}

static bool dt_cap(struct dirty *d)
{
	struct vfio_iommu_type1_info_cap_migration cap = { 0 };
	struct vdev *v = d->e.v;
	int err = iommu_mig_cap(v->container, &cap);

	if (!check_errno(&v->report, "VFIO_IOMMU_GET_INFO: migration capability",
			 err, 0))
		return false;
	printf("dirty: capability flags %#x, pgsize_bitmap %#llx, ", cap.flags,
	       cap.pgsize_bitmap);
	printf("max_dirty_bitmap_size %llu bytes\n", cap.max_dirty_bitmap_size);
	d->pgsize = cap.pgsize_bitmap & -cap.pgsize_bitmap;
	d->bitmap_words = (DT_BIG / d->pgsize + 63) / 64;
	return check(&v->report, d->pgsize == (__u64)v->page_size,
		     "smallest page size %llu: the CPU's", d->pgsize) &&
	       check(&v->report, d->bitmap_words * 8 <= cap.max_dirty_bitmap_size,
		     "a bitmap of the %llu MiB mapping (%zu bytes) within the largest",
		     DT_BIG / MIB, d->bitmap_words * 8);
}

int command_dirty(struct vdev *v)
{
	struct dirty *d = calloc(1, sizeof(*d));
	struct queue *qu;
	int ret = -1;

	if (!d)
		return -1;
	section("dirty: the container's dirty page tracking");
	d->e.v = v;
	if (!dt_cap(d) || !qenv_init(&d->e, v))
		goto out;
	d->written = calloc(DT_BIG / d->pgsize, 1);
	d->bitmap = calloc(d->bitmap_words, 8);
	qu = queue_start(&d->e, 0, 64);
	if (!d->written || !d->bitmap || !qu ||
	    !dma_alloc(&d->e, &d->big, DT_BIG) ||
	    !dma_alloc(&d->e, &d->src, DT_SRC))
		goto out;
	rnd_fill(d->src.va, d->src.size);
	/* Pages touched before tracking starts count as not written. */
	if (!job_small(&d->e, qu, "before tracking"))
		goto out;
	if (!check_errno(&v->report, "VFIO_IOMMU_DIRTY_PAGES: START",
			 dirty_ctl(v->container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0))
		goto out;

	section("dirty: round 1");
	if (dt_round(d, qu, 1))
		dt_read(d, qu, 1);
	section("dirty: round 2, the bitmap read again");
	if (dt_round(d, qu, 2))
		dt_read(d, qu, 2);
	section("dirty: nothing written, the bitmap read again");
	dt_read(d, qu, 0);

	section("dirty: tracking stopped");
	check_errno(&v->report, "VFIO_IOMMU_DIRTY_PAGES: STOP",
		    dirty_ctl(v->container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), 0);
	check_errno(&v->report, "_GET_BITMAP without tracking",
		    dirty_get(v->container, d->big.iova, d->big.size, d->pgsize,
			      d->bitmap), -EINVAL);
	ret = 0;
out:
	if (d->e.v && d->e.fds[0] >= 0 && d->e.bar2) {
		dma_free(&d->e, &d->big);
		dma_free(&d->e, &d->src);
		qenv_fini(&d->e);
	}
	free(d->written);
	free(d->bitmap);
	free(d);
	return ret;
}
