// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio migrate --fuzz N (migrate.h): N loads of broken copies of a
 * valid state into the destination.  Each copy has bytes flipped (anywhere,
 * in the first 4 KiB where the header and records are, in the last 64
 * where the trailer is), a 32-bit field of the first 4 KiB set to a value
 * parsers trip on, is cut short (anywhere, or inside the first 4 KiB), has
 * bytes appended, or is flipped and cut.  Each must be refused, by a
 * write() or by RESUMING -> STOP, with an errno and without harm: after
 * each one VFIO_DEVICE_RESET brings the destination back to RUNNING, and
 * every 25 loads and at the end it runs a verified job.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "mig.h"
#include "migrate.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

#define FZ_HEAD		4096	/* header and records live in here */
#define FZ_APPEND	64
#define FZ_JOB_EVERY	25
#define FZ_ERRNOS	8

enum fz_mut {
	FZ_FLIP_ANY, FZ_FLIP_HEAD, FZ_FLIP_TAIL, FZ_FIELD, FZ_CUT_ANY,
	FZ_CUT_HEAD, FZ_APPEND_BYTES, FZ_FLIP_CUT, FZ_MUTS
};

static const char *const fz_mut_names[FZ_MUTS] = {
	"flip anywhere", "flip in the first 4 KiB", "flip in the last 64 B",
	"32-bit field in the first 4 KiB", "cut anywhere",
	"cut in the first 4 KiB", "bytes appended", "flip and cut",
};

/* Which step refused, by errno: the counts the summary prints. */
struct fz_tally {
	int err[FZ_ERRNOS];
	unsigned int at_write[FZ_ERRNOS];
	unsigned int at_stop[FZ_ERRNOS];
	unsigned int by_mut[FZ_MUTS];
	unsigned int accepted;
};

static void tally(struct fz_tally *t, bool write, int err)
{
	unsigned int i;

	for (i = 0; i < FZ_ERRNOS - 1 && t->err[i] && t->err[i] != err; i++)
		;
	t->err[i] = err;
	if (write)
		t->at_write[i]++;
	else
		t->at_stop[i]++;
}

static void flip(__u8 *b, size_t off)
{
	b[off] ^= rnd_between(1, 255);
}

/* A broken copy of @base in @b; returns its length, *@off where. */
static size_t fz_mutate(__u8 *b, const struct mig_stream *base,
			enum fz_mut mut, size_t *off)
{
	static const __u32 values[] = {
		0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x1000, 0x40000000,
	};
	size_t len = base->len, head = len < FZ_HEAD ? len : FZ_HEAD, i, n;
	__u32 v, old;

	memcpy(b, base->buf, len);
	switch (mut) {
	case FZ_FLIP_ANY:
		n = rnd_between(1, 4);
		for (i = 0; i < n; i++) {
			*off = rnd() % len;
			flip(b, *off);
		}
		return len;
	case FZ_FLIP_HEAD:
		*off = rnd() % head;
		flip(b, *off);
		return len;
	case FZ_FLIP_TAIL:
		*off = len - 1 - rnd() % (len < 64 ? len : 64);
		flip(b, *off);
		return len;
	case FZ_FIELD:
		*off = (rnd() % (head / 4)) * 4;
		memcpy(&old, b + *off, 4);
		v = values[rnd() % ARRAY_SIZE(values)];
		if (v == old)
			v ^= 1;
		memcpy(b + *off, &v, 4);
		return len;
	case FZ_CUT_ANY:
		*off = rnd() % len;
		return *off;
	case FZ_CUT_HEAD:
		*off = rnd() % head;
		return *off;
	case FZ_APPEND_BYTES:
		*off = len;
		n = rnd_between(1, FZ_APPEND);
		rnd_fill(b + len, n);
		return len + n;
	default:
		*off = rnd() % head;
		flip(b, *off);
		return *off + 1 + rnd() % (len - *off);
	}
}

/* One broken load: true if it was refused. */
static bool fz_load(struct mig_ctx *m, const __u8 *b, size_t len,
		    struct fz_tally *t)
{
	struct vdev *v = &m->dst;
	unsigned int writes;
	size_t done;
	int fd, err;

	err = mig_set(v, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (err)
		return check(&v->report, false,
			     "destination RUNNING -> RESUMING: %s", errname(err));
	err = mig_write(fd, b, len, 256 * 1024, &done, &writes);
	close(fd);
	if (err) {
		tally(t, true, err);
		return true;
	}
	err = mig_set(v, VFIO_DEVICE_STATE_STOP, NULL);
	if (err) {
		tally(t, false, err);
		return true;
	}
	t->accepted++;
	return false;
}

bool mig_fuzz(struct mig_ctx *m, const struct mig_stream *base,
	      unsigned int n)
{
	struct vdev *v = &m->dst;
	struct fz_tally t = { 0 };
	unsigned int i, bad0 = v->report.failures;
	enum fz_mut mut;
	size_t len, off = 0;
	__u64 t0 = now_ns();
	bool job;
	__u8 *b;

	section("migrate: fuzz");
	printf("  %u broken copies of a %zu-byte state, seed %llu\n", n,
	       base->len, m->seed);
	if (!check(&v->report, base->len > 0, "a state to break"))
		return false;
	b = malloc(base->len + FZ_APPEND);
	if (!b)
		return false;
	for (i = 0; i < n && v->report.failures == bad0; i++) {
		mut = rnd() % FZ_MUTS;
		len = fz_mutate(b, base, mut, &off);
		t.by_mut[mut]++;
		if (!fz_load(m, b, len, &t))
			check(&v->report, false,
			      "load %u (%s at %zu, %zu bytes) was accepted", i,
			      fz_mut_names[mut], off, len);
		job = (i + 1) % FZ_JOB_EVERY == 0 || i + 1 == n;
		if (!mig_dst_recover(m, "a refused load", job))
			check(&v->report, false, "load %u (%s at %zu, %zu bytes): no recovery",
			      i, fz_mut_names[mut], off, len);
	}
	free(b);
	n = i;
	printf("  %u loads in %.1f s\n", n, (now_ns() - t0) / 1e9);
	for (i = 0; i < FZ_MUTS; i++)
		printf("  %-34s %u\n", fz_mut_names[i], t.by_mut[i]);
	for (i = 0; i < FZ_ERRNOS && t.err[i]; i++) {
		if (t.at_write[i])
			printf("  refused by write():          %-8s %u\n",
			       errname(t.err[i]), t.at_write[i]);
		if (t.at_stop[i])
			printf("  refused by RESUMING -> STOP: %-8s %u\n",
			       errname(t.err[i]), t.at_stop[i]);
	}
	printf("migrate: fuzz loads=%u accepted=%u\n", n, t.accepted);
	return check(&v->report, v->report.failures == bad0 && !t.accepted,
		     "every broken state refused, the destination usable after each");
}
