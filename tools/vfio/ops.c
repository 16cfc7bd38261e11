// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio ops: every operation of the command queues on IOVAs and
 * BAR2, results checked byte for byte against the client's own, and the
 * host statistics.  The queue around the operations (IRQ flag, ring wrap,
 * limits, ENABLE, Bus_Master, resets) is in ops-queue.c.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "model.h"
#include "ops.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* ops: every operation, results checked byte for byte */

static void ops_registers(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu;
	__u32 base;
	unsigned int q;

	section("queues: registers");
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		check_q_zero(v, q, "at open");

	/* Queue 4 does not exist: its registers are empty offsets. */
	reg_wr(v, VACCEL_QUEUE_REG(VACCEL_FN_QUEUES, VACCEL_Q_RING_LO), 0x1000);
	reg_wr(v, VACCEL_QUEUE_REG(VACCEL_FN_QUEUES, VACCEL_Q_RING_SIZE), 8);
	reg_wr(v, VACCEL_QUEUE_REG(VACCEL_FN_QUEUES, VACCEL_Q_CONTROL),
	       VACCEL_Q_CONTROL_ENABLE);
	check_q_zero(v, VACCEL_FN_QUEUES, "queue 4 (beyond QUEUES) after writes");

	qu = queue_start(e, 0, 16);
	if (!qu)
		return;
	check(&v->report, true,
	      "queue 0: ring of 16 at IOVA %#llx, writeback at %#llx, enabled",
	      qu->ring.iova, qu->wbuf.iova);
	check_eq(&v->report, "RING_LO", q_rd(qu, VACCEL_Q_RING_LO),
		 (__u32)qu->ring.iova);
	check_eq(&v->report, "RING_HI", q_rd(qu, VACCEL_Q_RING_HI),
		 qu->ring.iova >> 32);
	check_eq(&v->report, "RING_SIZE", q_rd(qu, VACCEL_Q_RING_SIZE), 16);
	check_eq(&v->report, "WB_LO", q_rd(qu, VACCEL_Q_WB_LO),
		 (__u32)qu->wbuf.iova);
	check_eq(&v->report, "WB_HI", q_rd(qu, VACCEL_Q_WB_HI),
		 qu->wbuf.iova >> 32);
	check_eq(&v->report, "CONTROL (ENABLE)", q_rd(qu, VACCEL_Q_CONTROL),
		 VACCEL_Q_CONTROL_ENABLE);
	check_eq(&v->report, "STATUS (ENABLED | IDLE)",
		 q_rd(qu, VACCEL_Q_STATUS),
		 VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE);
	check(&v->report,
	      !q_rd(qu, VACCEL_Q_HEAD) && !q_rd(qu, VACCEL_Q_TAIL) &&
	      !q_rd(qu, VACCEL_Q_ERROR), "HEAD, TAIL and ERROR read 0");

	base = (__u32)qu->ring.iova;
	q_wr(qu, VACCEL_Q_RING_LO, base + 0x1000);
	q_wr(qu, VACCEL_Q_RING_SIZE, 32);
	q_wr(qu, VACCEL_Q_WB_LO, (__u32)qu->wbuf.iova + 64);
	check(&v->report, q_rd(qu, VACCEL_Q_RING_LO) == base &&
	      q_rd(qu, VACCEL_Q_RING_SIZE) == 16 &&
	      q_rd(qu, VACCEL_Q_WB_LO) == (__u32)qu->wbuf.iova,
	      "RING_LO, RING_SIZE and WB_LO ignore writes while ENABLED");

	q_wr(qu, VACCEL_Q_CONTROL, 0);
	check_eq(&v->report, "STATUS after clearing ENABLE (ENABLED clear)",
		 q_rd(qu, VACCEL_Q_STATUS) & VACCEL_Q_STATUS_ENABLED, 0);
	q_wr(qu, VACCEL_Q_RING_SIZE, 32);
	check_eq(&v->report, "RING_SIZE writable again while disabled",
		 q_rd(qu, VACCEL_Q_RING_SIZE), 32);
	queue_reset(qu);
	check_q_zero(v, 0, "after CONTROL.RESET");
	queue_enable(qu);
}

static void ops_nop_fence(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, 0, 64);
	struct cmd c[4];

	section("queues: NOP and FENCE");
	if (!qu)
		return;
	c[0] = cmd_nop();
	c[0].tag = 0xfeedface12345678ULL;	/* not interpreted */
	if (queue_run(qu, "NOP", c, 1)) {
		check(&v->report,
		      wb_head(qu) == 1 && !wb_error(qu) && !wb_fence(qu),
		      "NOP (with a tag): writeback head %u, error %u, fence %#llx",
		      wb_head(qu), wb_error(qu), wb_fence(qu));
		check(&v->report, q_rd(qu, VACCEL_Q_HEAD) == 1 &&
		      q_rd(qu, VACCEL_Q_TAIL) == 1 &&
		      q_rd(qu, VACCEL_Q_STATUS) ==
		      (VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE),
		      "NOP: HEAD 1, TAIL 1, STATUS ENABLED | IDLE");
	}

	c[0] = cmd_fence(0x0123456789abcdefULL);
	if (queue_run(qu, "FENCE", c, 1)) {
		check_eq(&v->report, "FENCE: writeback fence", wb_fence(qu),
			 0x0123456789abcdefULL);
		check_eq(&v->report, "FENCE: FENCE_HI:FENCE_LO",
			 (__u64)q_rd(qu, VACCEL_Q_FENCE_HI) << 32 |
			 q_rd(qu, VACCEL_Q_FENCE_LO), 0x0123456789abcdefULL);
	}
	c[0] = cmd_fence(1);
	c[1] = cmd_fence(0xffffffff00000000ULL);
	c[2] = cmd_nop();
	if (queue_run(qu, "FENCE, FENCE, NOP", c, 3)) {
		check(&v->report, wb_fence(qu) == 0xffffffff00000000ULL &&
		      q_rd(qu, VACCEL_Q_FENCE_HI) == 0xffffffff &&
		      !q_rd(qu, VACCEL_Q_FENCE_LO) && wb_head(qu) == 5,
		      "two FENCEs and a NOP: fence %#llx (the last FENCE's), head %u",
		      wb_fence(qu), wb_head(qu));
	}
}

/*
 * A destination area: @n pieces of @len[i] bytes with GAP sentinel bytes
 * before and after each, starting @skew bytes in.  Returns the bytes it
 * spans; @off receives each piece's offset.
 */
static size_t layout(const size_t *len, unsigned int n, size_t skew,
		     size_t *off)
{
	size_t pos = skew + GAP;
	unsigned int i;

	for (i = 0; i < n; i++) {
		off[i] = pos;
		pos += len[i] + GAP;
	}
	return pos;
}

/* The piece at @p of @len bytes is @want and the GAPs around it intact. */
static bool check_piece(struct vdev *v, const char *what, const __u8 *p,
			const __u8 *want, size_t len)
{
	size_t at = first_diff(p, want, len);

	if (at < len)
		return check(&v->report, false,
			     "%s: byte %zu is %#04x, expected %#04x",
			     what, at, p[at], want[at]);
	if (!all_bytes(p - GAP, GAP, SENTINEL) ||
	    !all_bytes(p + len, GAP, SENTINEL))
		return check(&v->report, false,
			     "%s: right, but a byte next to it changed", what);
	return check(&v->report, true, "%s: right, neighbours untouched", what);
}

#define MAX_PIECES	12

static void ops_copy_dir(struct qenv *e, struct queue *qu, const char *name,
			 struct opnd src, struct opnd dst, size_t span,
			 const size_t *len, const size_t *soff,
			 const size_t *doff, unsigned int n)
{
	struct vdev *v = e->v;
	char what[96];
	unsigned int i;
	bool ok = true;

	struct opnd s, d;
	struct cmd c;

	memset(dst.p, SENTINEL, span);
	for (i = 0; i < n && ok; i++) {
		s = src;
		d = dst;
		s.addr += soff[i];
		s.p += soff[i];
		d.addr += doff[i];
		d.p += doff[i];
		c = cmd_copy(d, s, len[i]);
		ok = queue_push(qu, &c);
	}
	if (!ok || !queue_sync(qu, name))
		return;
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "COPY %s, %zu bytes", name, len[i]);
		check_piece(v, what, dst.p + doff[i], src.p + soff[i], len[i]);
	}
}

static void ops_copy(struct qenv *e)
{
	static const size_t base_len[] = {
		1, 3, 8, 63, 4095, 4097, 65535, 65537, MIB + 13, 5 * MIB + 7,
	};
	size_t len[MAX_PIECES], soff[MAX_PIECES], doff[MAX_PIECES], span = 0;
	struct vdev *v = e->v;
	struct dma_buf s, d, low;
	__u64 half = e->bar2_size / 2, low_iova = 0x200000;
	struct queue *qu = queue_start(e, 1, 32);
	unsigned int i, n = 0;
	struct cmd c;

	section("queues: COPY between IOVAs and BAR2");
	if (!qu)
		return;
	/* Every size that fits twice in half of BAR2 (sources, destinations). */
	for (i = 0; i < ARRAY_SIZE(base_len); i++) {
		len[n] = base_len[i];
		span = layout(len, n + 1, 5, doff);
		if (span + GAP > half / 2) {
			remark("COPY of %zu bytes skipped: BAR2 is %#llx bytes",
			       base_len[i], e->bar2_size);
			continue;
		}
		n++;
	}
	span = layout(len, n, 3, soff);
	span = layout(len, n, 5, doff) + GAP;
	if (!dma_alloc(e, &s, span) || !dma_alloc(e, &d, span))
		goto out;
	rnd_fill(s.va, span);
	rnd_fill(e->bar2, span);

	ops_copy_dir(e, qu, "IOVA -> IOVA", at_buf(&s, 0), at_buf(&d, 0), span,
		     len, soff, doff, n);
	ops_copy_dir(e, qu, "IOVA -> BAR2", at_buf(&s, 0), at_bar2(e, half),
		     span, len, soff, doff, n);
	{
		__u8 *buf = malloc(len[n - 1]);

		if (buf && mem_rw(v, half + doff[n - 1], buf, len[n - 1], false))
			check(&v->report,
			      !memcmp(buf, s.va + soff[n - 1], len[n - 1]),
			      "COPY IOVA -> BAR2, %zu bytes: the same read with pread",
			      len[n - 1]);
		free(buf);
	}
	ops_copy_dir(e, qu, "BAR2 -> IOVA", at_bar2(e, 0), at_buf(&d, 0), span,
		     len, soff, doff, n);
	ops_copy_dir(e, qu, "BAR2 -> BAR2", at_bar2(e, 0), at_bar2(e, half),
		     span, len, soff, doff, n);

	/* Ranges that touch but do not overlap, both ways round. */
	memset(d.va, SENTINEL, span);
	rnd_fill(d.va + GAP + 4097, 4097);
	memcpy(s.va, d.va + GAP + 4097, 4097);
	c = cmd_copy(at_buf(&d, GAP + 2 * 4097), at_buf(&d, GAP + 4097), 4097);
	if (queue_run(qu, "adjacent COPY", &c, 1))
		check(&v->report, !memcmp(d.va + GAP + 2 * 4097, s.va, 4097) &&
		      !memcmp(d.va + GAP + 4097, s.va, 4097) &&
		      all_bytes(d.va + GAP + 3 * 4097, GAP, SENTINEL),
		      "COPY to the range right after its source (touching, no overlap): right");
	c = cmd_copy(at_buf(&d, GAP), at_buf(&d, GAP + 4097), 4097);
	if (queue_run(qu, "adjacent COPY", &c, 1))
		check(&v->report, !memcmp(d.va + GAP, s.va, 4097) &&
		      !memcmp(d.va + GAP + 4097, s.va, 4097) &&
		      all_bytes(d.va, GAP, SENTINEL),
		      "COPY to the range right before its source (touching, no overlap): right");

	/* The same numbers in different memories are no overlap. */
	if (half > low_iova + 2 * 4096 && dma_alloc_at(e, &low, 8192, low_iova)) {
		rnd_fill(low.va, 8192);
		memset(e->bar2 + low_iova, SENTINEL, 8192 + GAP);
		c = cmd_copy(at_bar2(e, low_iova + GAP), at_buf(&low, 0), 4096);
		if (queue_run(qu, "COPY to numerically overlapping BAR2", &c, 1))
			check_piece(v, "COPY IOVA 0x200000 -> BAR2 0x200040, 4096 bytes",
				    e->bar2 + low_iova + GAP, low.va, 4096);
		dma_free(e, &low);
	}

out:
	dma_free(e, &s);
	dma_free(e, &d);
}

static void ops_fill(struct qenv *e)
{
	static const size_t base_len[] = {
		1, 2, 7, 9, 13, 4097, 65543, MIB + 3,
	};
	size_t len[MAX_PIECES], off[MAX_PIECES], span, at;
	__u64 val[MAX_PIECES], half = e->bar2_size / 2;
	struct queue *qu = queue_start(e, 2, 8);
	struct vdev *v = e->v;
	unsigned int i, n = 0, pass;
	struct dma_buf d;
	struct opnd dst;
	struct cmd c;
	char what[96];

	section("queues: FILL of odd lengths");
	if (!qu)
		return;
	for (i = 0; i < ARRAY_SIZE(base_len); i++) {
		len[n] = base_len[i];
		if (layout(len, n + 1, 1, off) + GAP <= half)
			n++;
	}
	span = layout(len, n, 1, off) + GAP;
	if (!dma_alloc(e, &d, span))
		return;
	for (i = 0; i < n; i++)
		val[i] = 0x0102030405060708ULL * (i + 1) ^ rnd();
	for (pass = 0; pass < 2; pass++) {
		dst = pass ? at_bar2(e, half) : at_buf(&d, 0);
		memset(dst.p, SENTINEL, span);
		for (i = 0; i < n; i++) {
			struct opnd p = dst;

			p.addr += off[i];
			c = cmd_fill(p, len[i], val[i]);
			if (!queue_push(qu, &c))
				goto out;
		}
		if (!queue_sync(qu, "FILL"))
			goto out;
		for (i = 0; i < n; i++) {
			snprintf(what, sizeof(what), "FILL of %s, %zu bytes of %#llx",
				 pass ? "BAR2" : "IOVA", len[i], val[i]);
			if (!fill_ok(dst.p + off[i], len[i], val[i], &at))
				check(&v->report, false,
				      "%s: byte %zu is %#04x, expected %#04x",
				      what, at, dst.p[off[i] + at],
				      fill_byte(val[i], at));
			else
				check(&v->report,
				      all_bytes(dst.p + off[i] - GAP, GAP, SENTINEL) &&
				      all_bytes(dst.p + off[i] + len[i], GAP, SENTINEL),
				      "%s: right, neighbours untouched", what);
		}
	}
out:
	dma_free(e, &d);
}

static void ops_crc(struct qenv *e)
{
	static const char digits[] = "123456789";
	size_t big = 6 * MIB + 5, cut1, cut2;
	struct queue *qu = queue_start(e, 3, 16);
	struct vdev *v = e->v;
	struct dma_buf b, r;
	__u32 got, want, seed, parts;
	__u64 half = e->bar2_size / 2;
	__u8 one = 'a';
	size_t i;

	section("queues: CRC32C");
	check_eq(&v->report, "client CRC-32C of \"123456789\"",
		 crc32c(0, digits, 9), 0xe3069283);
	for (i = 0; i < 64; i++) {
		__u8 tmp[67];

		rnd_fill(tmp, sizeof(tmp));
		if (crc32c(i, tmp + i % 3, 64) !=
		    crc32c_bitwise(i, tmp + i % 3, 64))
			break;
	}
	check(&v->report, i == 64,
	      "client CRC-32C: tables agree with the bitwise form");
	if (!qu)
		return;
	if (!dma_alloc(e, &b, big + 64) || !dma_alloc(e, &r, 4096))
		goto out;

	memcpy(b.va + 1, digits, 9);
	memset(r.va, SENTINEL, 4096);
	if (crc_one(qu, "CRC32C", at_buf(&r, 67), at_buf(&b, 1),
		    9, 0, &got)) {
		check_eq(&v->report,
			 "CRC32C of \"123456789\" (IOVA) at an unaligned IOVA",
			 got, 0xe3069283);
		check(&v->report, all_bytes(r.va, 67, SENTINEL) &&
		      all_bytes(r.va + 71, 4096 - 71, SENTINEL),
		      "CRC32C wrote its 4 bytes and nothing else");
	}
	memcpy(e->bar2 + half + 7, digits, 9);
	if (crc_one(qu, "CRC32C in BAR2", at_bar2(e, half + 100),
		    at_bar2(e, half + 7), 9, 0, &got))
		check_eq(&v->report,
			 "CRC32C of \"123456789\", source and result in BAR2",
			 got, 0xe3069283);
	b.va[0] = one;
	if (crc_one(qu, "CRC32C of 1 byte", at_buf(&r, 8), at_buf(&b, 0), 1, 0,
		    &got))
		check_eq(&v->report, "CRC32C of \"a\" (1 byte)", got,
			 crc32c(0, &one, 1));

	rnd_fill(b.va, big + 64);
	want = crc32c(0, b.va + 3, big);
	if (crc_one(qu, "CRC32C of a big buffer", at_buf(&r, 16),
		    at_buf(&b, 3), big, 0, &got))
		check(&v->report, got == want,
		      "CRC32C of %zu random bytes: %#x, client %#x", big, got,
		      want);
	want = crc32c(0xffffffff, b.va + 5, 1000);
	if (crc_one(qu, "CRC32C with seed 0xffffffff", at_buf(&r, 56),
		    at_buf(&b, 5), 1000, 0xffffffff, &got))
		check(&v->report, got == want,
		      "CRC32C of 1000 bytes seeded with 0xffffffff (the largest seed): %#x, client %#x",
		      got, want);
	want = crc32c(0xdeadbeef, b.va + 5, 1000);
	if (crc_one(qu, "CRC32C with a seed", at_buf(&r, 24), at_buf(&b, 5),
		    1000, 0xdeadbeef, &got))
		check(&v->report, got == want,
		      "CRC32C of 1000 bytes seeded with 0xdeadbeef: %#x, client %#x",
		      got, want);

	/* Three pieces, each seeded with the function's previous result. */
	cut1 = big / 5 + 1;
	cut2 = big / 2 + 3;
	seed = 0;
	parts = 0;
	if (crc_one(qu, "CRC32C piece 1", at_buf(&r, 32), at_buf(&b, 3), cut1,
		    seed, &seed) &&
	    crc_one(qu, "CRC32C piece 2", at_buf(&r, 40), at_buf(&b, 3 + cut1),
		    cut2 - cut1, seed, &seed) &&
	    crc_one(qu, "CRC32C piece 3", at_buf(&r, 48), at_buf(&b, 3 + cut2),
		    big - cut2, seed, &parts))
		check(&v->report, parts == crc32c(0, b.va + 3, big),
		      "CRC32C chained over 3 pieces (%zu, %zu, %zu bytes) with the seeds: %#x, whole %#x",
		      cut1, cut2 - cut1, big - cut2, parts,
		      crc32c(0, b.va + 3, big));
out:
	dma_free(e, &b);
	dma_free(e, &r);
}

/* GEMM placements: which operands are in BAR2. */
#define IN_A	BIT(0)
#define IN_B	BIT(1)
#define IN_C	BIT(2)
#define SAME_AB	BIT(3)		/* B is A (square) */
#define ODD_A	BIT(4)		/* A at an odd address */

struct gemm_shape {
	__u32 m, n, k;
	unsigned int where;
};

static const struct gemm_shape gemm_shapes[] = {
	{ 1, 1, 1, 0 },
	{ 7, 300, 45, 0 },
	{ 7, 45, 300, 0 },
	{ 64, 64, 64, 0 },
	{ 16, 32, 1024, 0 },
	{ 1024, 1024, 1, 0 },
	{ 1, 1024, 1024, 0 },
	{ 1024, 1, 1024, 0 },
	{ 33, 17, 65, IN_A },
	{ 33, 17, 65, IN_B | IN_C },
	{ 20, 30, 40, IN_A | IN_B | IN_C },
	{ 48, 48, 48, SAME_AB },
	{ 5, 9, 13, ODD_A },
};

struct gemm_job {
	struct gemm_shape s;
	struct dma_buf mem;	/* A, B and C in guest memory */
	struct opnd a, b, c;
	size_t c_size;
};

/* Place a job's operands; BAR2 ones at @bar_off, which advances. */
static bool gemm_place(struct qenv *e, struct gemm_job *j, __u64 *bar_off)
{
	size_t as = 4ULL * j->s.m * j->s.k, bs = 4ULL * j->s.k * j->s.n;
	size_t cs = 4ULL * j->s.m * j->s.n;
	size_t need = as + bs + cs + 4 * GAP + 8;
	__u64 o = *bar_off;

	j->c_size = cs;
	if (!dma_alloc(e, &j->mem, need))
		return false;
	j->a = at_buf(&j->mem, j->s.where & ODD_A ? 3 : 0);
	j->b = j->s.where & SAME_AB ? j->a : at_buf(&j->mem, as + 8);
	j->c = at_buf(&j->mem, as + bs + 8 + GAP);
	if (j->s.where & IN_A) {
		j->a = at_bar2(e, o);
		o += as + 8;
	}
	if (j->s.where & IN_B) {
		j->b = at_bar2(e, o);
		o += bs + 8;
	}
	if (j->s.where & IN_C) {
		j->c = at_bar2(e, o + GAP);
		o += cs + 2 * GAP;
	}
	*bar_off = o;
	rnd_fill(j->a.p, as);
	if (!(j->s.where & SAME_AB))
		rnd_fill(j->b.p, bs);
	memset(j->c.p - GAP, SENTINEL, cs + 2 * GAP);
	return true;
}

static void gemm_verify(struct vdev *v, struct gemm_job *j, const char *what)
{
	__u8 *want = malloc(j->c_size);

	if (!want) {
		check(&v->report, false, "memory for a GEMM reference");
		return;
	}
	gemm_ref(want, j->a.p, j->b.p, j->s.m, j->s.n, j->s.k);
	check_piece(v, what, j->c.p, want, j->c_size);
	free(want);
}

static const char *where_name(unsigned int where, char *buf, size_t size)
{
	snprintf(buf, size, "A %s, B %s, C %s",
		 where & IN_A ? "BAR2" : where & ODD_A ? "IOVA + 3" : "IOVA",
		 where & SAME_AB ? "= A" : where & IN_B ? "BAR2" : "IOVA",
		 where & IN_C ? "BAR2" : "IOVA");
	return buf;
}

static void ops_gemm(struct qenv *e)
{
	struct gemm_job jobs[ARRAY_SIZE(gemm_shapes)];
	struct queue *qu = queue_start(e, 0, 8);
	struct vdev *v = e->v;
	__u64 bar_off = 0;
	unsigned int i, n = 0;
	char what[128], where[48];
	struct cmd c;

	section("queues: GEMM");
	if (!qu)
		return;
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < ARRAY_SIZE(gemm_shapes); i++) {
		jobs[n].s = gemm_shapes[i];
		if (!gemm_place(e, &jobs[n], &bar_off))
			goto out;
		n++;
	}
	if (!check(&v->report, bar_off <= e->bar2_size,
		   "GEMM operands in BAR2 fit (%#llx bytes)", bar_off))
		goto out;
	for (i = 0; i < n; i++) {
		c = cmd_gemm(jobs[i].c, jobs[i].a, jobs[i].b, jobs[i].s.m,
			     jobs[i].s.n, jobs[i].s.k);
		if (!queue_push(qu, &c))
			goto out;
	}
	if (!queue_sync(qu, "GEMMs"))
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "GEMM %ux%ux%u (m x n x k), %s",
			 jobs[i].s.m, jobs[i].s.n, jobs[i].s.k,
			 where_name(jobs[i].s.where, where, sizeof(where)));
		gemm_verify(v, &jobs[i], what);
	}

	/* A at IOVA 0x400000, C at BAR2 0x400000: other memories, no overlap. */
	if (e->bar2_size > 0x400000 + 0x10000) {
		struct gemm_job j = { .s = { 16, 16, 16, 0 }, .c_size = 1024 };
		struct dma_buf low;

		if (dma_alloc_at(e, &low, 4096, 0x400000)) {
			j.a = at_buf(&low, 0);
			j.b = at_buf(&low, 1024);
			j.c = at_bar2(e, 0x400000);
			rnd_fill(low.va, 2048);
			memset(j.c.p - GAP, SENTINEL, 1024 + 2 * GAP);
			c = cmd_gemm(j.c, j.a, j.b, 16, 16, 16);
			if (queue_run(qu, "GEMM with A and C at the same numbers", &c, 1))
				gemm_verify(v, &j, "GEMM A IOVA 0x400000, C BAR2 0x400000");
			dma_free(e, &low);
		}
	}

	/* Wrap-around with chosen numbers: 4 * INT32_MAX and INT32_MIN * -1. */
	for (i = 0; i < n; i++)
		if (jobs[i].s.m == 1 && jobs[i].s.n == 1 && jobs[i].s.k == 1)
			break;
	if (i < n) {
		struct gemm_job *j = &jobs[i];

		put_le32(j->a.p, 0x80000000);
		put_le32(j->b.p, 0xffffffff);
		c = cmd_gemm(j->c, j->a, j->b, 1, 1, 1);
		if (queue_run(qu, "GEMM INT32_MIN x -1", &c, 1))
			check_eq(&v->report, "GEMM INT32_MIN x -1 (wraps)",
				 get_le32(j->c.p), 0x80000000);
	}
	for (i = 0; i < n; i++)
		if (jobs[i].s.k >= 2 && jobs[i].s.m == 7)
			break;
	if (i < n) {
		struct gemm_job *j = &jobs[i];
		__u32 p;

		/* Row 0 of A all INT32_MAX, column 0 of B all 2. */
		for (p = 0; p < j->s.k; p++) {
			put_le32(j->a.p + 4 * p, 0x7fffffff);
			put_le32(j->b.p + 4 * p * j->s.n, 2);
		}
		c = cmd_gemm(j->c, j->a, j->b, j->s.m, j->s.n, j->s.k);
		if (queue_run(qu, "GEMM with INT32_MAX", &c, 1)) {
			check_eq(&v->report, "GEMM: sum of INT32_MAX x 2 wraps",
				 get_le32(j->c.p), (__u32)(0xfffffffeU * j->s.k));
			snprintf(what, sizeof(what), "GEMM %ux%ux%u again with INT32_MAX row",
				 j->s.m, j->s.n, j->s.k);
			gemm_verify(v, j, what);
		}
	}
out:
	for (i = 0; i < n; i++)
		dma_free(e, &jobs[i].mem);
}

static void ops_busy(struct qenv *e)
{
	static const __u64 ns[] = { 1, 100000000, VACCEL_BUSY_MAX_NS };
	struct queue *qu = queue_start(e, 1, 4);
	struct vdev *v = e->v;
	__u64 t0, dt;
	unsigned int i;
	struct cmd c;

	section("queues: BUSY");
	if (!qu)
		return;
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		c = cmd_busy(ns[i]);
		t0 = now_ns();
		if (!queue_run(qu, "BUSY", &c, 1))
			return;
		dt = now_ns() - t0;
		check(&v->report, dt >= ns[i], "BUSY %llu ns took %llu ns",
		      ns[i], dt);
	}
}

/* All four queues busy at once, each with its own kind of work. */
static void ops_multi(struct qenv *e)
{
	const size_t size = 2 * MIB;
	struct queue *qu[VACCEL_FN_QUEUES];
	struct gemm_job gj[4];
	struct vdev *v = e->v;
	struct dma_buf src, dst;
	__u64 t0, bar_off = 0;
	unsigned int q, i;
	size_t at;
	struct cmd c;
	bool ok = true;
	int err;

	section("queues: all four at once");
	memset(gj, 0, sizeof(gj));
	if (!dma_alloc(e, &src, size) || !dma_alloc(e, &dst, 2 * size + 4096))
		goto out;
	for (q = 0; q < VACCEL_FN_QUEUES && ok; q++) {
		qu[q] = queue_start(e, q, 32);
		ok = qu[q];
	}
	for (i = 0; i < 4 && ok; i++) {
		gj[i].s = (struct gemm_shape){ 48, 40, 56, 0 };
		ok = gemm_place(e, &gj[i], &bar_off);
	}
	if (!ok)
		goto out;
	rnd_fill(src.va, size);
	memset(dst.va, SENTINEL, 2 * size + 4096);

	c = cmd_crc(at_buf(&dst, 2 * size), at_buf(&src, 0), size, 0);
	queue_push(qu[0], &c);
	c = cmd_fence(1000);
	queue_push(qu[0], &c);
	for (i = 0; i < 4; i++) {
		c = cmd_gemm(gj[i].c, gj[i].a, gj[i].b, 48, 40, 56);
		queue_push(qu[1], &c);
	}
	c = cmd_fence(1001);
	queue_push(qu[1], &c);
	c = cmd_copy(at_buf(&dst, 0), at_buf(&src, 0), size);
	queue_push(qu[2], &c);
	c = cmd_fence(1002);
	queue_push(qu[2], &c);
	c = cmd_fill(at_buf(&dst, size), size, 0x1122334455667788ULL);
	queue_push(qu[3], &c);
	c = cmd_busy(30000000);
	queue_push(qu[3], &c);
	c = cmd_fence(1003);
	queue_push(qu[3], &c);

	t0 = now_ns();
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		queue_ring(qu[q]);
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		err = queue_wait(qu[q], qu[q]->tail, Q_TIMEOUT_MS);
		if (err)
			ok = queue_failed(qu[q], "four queues at once", err);
	}
	remark("four queues done in %llu ms", (now_ns() - t0) / 1000000);
	if (!ok)
		goto out;
	check(&v->report,
	      get_le32(dst.va + 2 * size) == crc32c(0, src.va, size),
	      "queue 0: CRC32C of 2 MiB right");
	for (i = 0; i < 4; i++)
		gemm_verify(v, &gj[i], "queue 1: GEMM 48x40x56");
	check(&v->report, !memcmp(dst.va, src.va, size),
	      "queue 2: COPY of 2 MiB right");
	ok = fill_ok(dst.va + size, size, 0x1122334455667788ULL, &at);
	check(&v->report, ok,
	      "queue 3: FILL of 2 MiB right (first bad byte %zu)", at);
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		check(&v->report, q_rd(qu[q], VACCEL_Q_FENCE_LO) == 1000 + q &&
		      wb_fence(qu[q]) == 1000 + q,
		      "queue %u: its own fence %u (writeback %llu)", q,
		      q_rd(qu[q], VACCEL_Q_FENCE_LO), wb_fence(qu[q]));
out:
	for (i = 0; i < 4; i++)
		dma_free(e, &gj[i].mem);
	dma_free(e, &src);
	dma_free(e, &dst);
}

int command_ops(struct vdev *v)
{
	struct stats before, after;
	struct qenv e;
	int ret = 0;

	section("ops: setup");
	stats_read(v, &before);
	if (qenv_init(&e, v)) {
		ops_registers(&e);
		ops_nop_fence(&e);
		ops_copy(&e);
		ops_fill(&e);
		ops_crc(&e);
		ops_gemm(&e);
		ops_busy(&e);
		ops_irq_msix(&e);
		ops_irq_msi(&e);
		ops_irq_intx(&e);
		ops_multi(&e);
		ops_wrap(&e);
		ops_limits(&e);
		ops_gates(&e);

		section("queues: host statistics");
		stats_read(v, &after);
		check_grew(v, "jobs", before.jobs, after.jobs, e.pushed);
		check(&v->report, after.bytes - before.bytes >= e.min_bytes,
		      "sysfs vaccel/bytes grew by %llu, at least %llu expected",
		      after.bytes - before.bytes, e.min_bytes);
		check(&v->report,
		      after.busy_ns - before.busy_ns >= e.min_busy_ns,
		      "sysfs vaccel/busy_ns grew by %llu, at least the %llu of BUSY",
		      after.busy_ns - before.busy_ns, e.min_busy_ns);
		check_grew(v, "errors", before.errors, after.errors, 0);
		drain_fds(&e);
		check_eq(&v->report, "INT_CAUSE (no error raised)",
			 reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	} else {
		ret = -1;
	}
	qenv_fini(&e);
	return ret;
}

