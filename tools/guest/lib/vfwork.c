// SPDX-License-Identifier: GPL-2.0
/*
 * Verified jobs on a context of the VF driver (vfwork.h).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"
#include "vfwork.h"

#define VFWORK_PAGE		4096
#define VFWORK_WORD		8

/* xorshift64*, one state per work so that threads share nothing. */
static __u64 vfwork_rand(struct vfwork *w)
{
	w->rnd ^= w->rnd >> 12;
	w->rnd ^= w->rnd << 25;
	w->rnd ^= w->rnd >> 27;
	return w->rnd * 0x2545f4914f6cdd1dULL;
}

static void vfwork_rand_fill(struct vfwork *w, __u8 *p, size_t size)
{
	__u64 r;

	for (; size >= 8; size -= 8, p += 8) {
		r = vfwork_rand(w);
		memcpy(p, &r, 8);
	}
	if (size) {
		r = vfwork_rand(w);
		memcpy(p, &r, size);
	}
}

/*
 * The sampled spots of a result of @len bytes: a word at the start of
 * every page, and the last word.  With @first, returns the first spot;
 * else the one after the spot at @pos, or @len when there is none.  *@n
 * is the size of the spot.
 */
static size_t vfwork_spot(size_t len, size_t pos, bool first, size_t *n)
{
	size_t last = len > VFWORK_WORD ? len - VFWORK_WORD : 0;

	if (!first && pos >= last)
		return len;
	if (first) {
		pos = 0;
	} else {
		pos = (pos / VFWORK_PAGE + 1) * VFWORK_PAGE;
		if (pos > last)
			pos = last;
	}
	*n = len - pos < VFWORK_WORD ? len - pos : VFWORK_WORD;
	return pos;
}

static __u8 *vfwork_buf(size_t size, size_t *got)
{
	*got = (size + VFWORK_PAGE - 1) / VFWORK_PAGE * VFWORK_PAGE;
	return vaccelvf_buf_alloc(*got);
}

static int vfwork_bufs(struct vfwork *w, size_t src, size_t src2, size_t dst)
{
	if (src)
		w->src = vfwork_buf(src, &w->src_size);
	if (src2)
		w->src2 = vfwork_buf(src2, &w->src2_size);
	if (dst)
		w->dst = vfwork_buf(dst, &w->dst_size);
	if ((src && !w->src) || (src2 && !w->src2) || (dst && !w->dst))
		return -ENOMEM;
	return 0;
}

static int vfwork_dev(struct vfwork *w, __u64 size)
{
	int err;

	if (!w->dev)
		return 0;
	err = vaccelvf_alloc(w->ctx, size, &w->handle, NULL);
	if (err)
		return err;
	w->dev_size = size;
	return 0;
}

static void vfwork_zero(struct vfwork *w, const struct vaccelvf_ctx *ctx,
			unsigned int opcode, bool dev, __u64 seed)
{
	memset(w, 0, offsetof(struct vfwork, batch));
	w->ctx = ctx;
	w->opcode = opcode;
	w->dev = dev && opcode != VACCEL_OP_BUSY;
	w->rnd = seed | 1;
	w->busy_ops = 1;
}

int vfwork_init(struct vfwork *w, const struct vaccelvf_ctx *ctx,
		unsigned int opcode, size_t size, bool dev, __u64 seed)
{
	int err;

	if (opcode == VACCEL_OP_GEMM)
		return vfwork_init_gemm(w, ctx, size, size, size, dev, seed);
	vfwork_zero(w, ctx, opcode, dev, seed);
	if (opcode == VACCEL_OP_BUSY) {
		if (!size || size > VACCEL_BUSY_MAX_NS)
			return -EINVAL;
		w->busy_ns = size;
		return 0;
	}
	if (!size || size > VACCEL_DESC_MAX_LEN)
		return -EINVAL;
	w->len = size;
	switch (opcode) {
	case VACCEL_OP_COPY:
		err = vfwork_bufs(w, size, 0, size);
		if (!err) {
			vfwork_rand_fill(w, w->src, size);
			err = vfwork_dev(w, 2ULL * size);
		}
		break;
	case VACCEL_OP_FILL:
		err = vfwork_bufs(w, 0, 0, size);
		if (!err)
			err = vfwork_dev(w, size);
		break;
	case VACCEL_OP_CRC32C:
		err = vfwork_bufs(w, size, 0, 4);
		if (!err) {
			vfwork_rand_fill(w, w->src, size);
			crc32c_init();
			w->want_crc = crc32c(0, w->src, size);
			err = vfwork_dev(w, size + VFWORK_PAGE);
		}
		break;
	default:
		return -EINVAL;
	}
	if (err)
		vfwork_fini(w);
	return err;
}

int vfwork_init_gemm(struct vfwork *w, const struct vaccelvf_ctx *ctx,
		     __u32 m, __u32 n, __u32 k, bool dev, __u64 seed)
{
	size_t asz, bsz, csz;
	int err;

	vfwork_zero(w, ctx, VACCEL_OP_GEMM, dev, seed);
	if (!m || !n || !k || m > VACCEL_GEMM_MAX_DIM ||
	    n > VACCEL_GEMM_MAX_DIM || k > VACCEL_GEMM_MAX_DIM)
		return -EINVAL;
	w->m = m;
	w->n = n;
	w->k = k;
	asz = 4ULL * m * k;
	bsz = 4ULL * k * n;
	csz = 4ULL * m * n;
	err = vfwork_bufs(w, asz, bsz, csz);
	if (!err) {
		w->ref = malloc(csz);
		if (!w->ref)
			err = -ENOMEM;
	}
	if (!err) {
		vfwork_rand_fill(w, w->src, asz);
		vfwork_rand_fill(w, w->src2, bsz);
		gemm_ref(w->ref, w->src, w->src2, m, n, k);
		err = vfwork_dev(w, asz + bsz + csz);
	}
	if (err)
		vfwork_fini(w);
	return err;
}

int vfwork_set_busy(struct vfwork *w, unsigned int ops, __u64 ns)
{
	if (w->opcode != VACCEL_OP_BUSY || !ops || ops > VACCEL_VF_MAX_OPS ||
	    !ns || ns > VACCEL_BUSY_MAX_NS)
		return -EINVAL;
	w->busy_ops = ops;
	w->busy_ns = ns;
	return 0;
}

/* Fresh data for the next job, and poison where its result goes. */
static void vfwork_prepare(struct vfwork *w)
{
	size_t len = w->len, pos, n, i;
	__u64 tag;
	__u8 want;

	if (w->opcode == VACCEL_OP_CRC32C) {
		put_le32(w->dst, ~w->want_crc);
		return;
	}
	if (w->opcode == VACCEL_OP_FILL)
		w->value = vfwork_rand(w);
	if (w->opcode == VACCEL_OP_GEMM)
		len = 4ULL * w->m * w->n;
	else if (w->opcode != VACCEL_OP_COPY && w->opcode != VACCEL_OP_FILL)
		return;
	for (pos = vfwork_spot(len, 0, true, &n); pos < len;
	     pos = vfwork_spot(len, pos, false, &n)) {
		if (w->opcode == VACCEL_OP_COPY) {
			tag = w->seq << 32 ^ pos ^ vfwork_rand(w);
			memcpy(w->src + pos, &tag, n);
		}
	}
	/* (Spots may overlap: poison once the source is final.) */
	for (pos = vfwork_spot(len, 0, true, &n); pos < len;
	     pos = vfwork_spot(len, pos, false, &n)) {
		for (i = pos; i < pos + n; i++) {
			if (w->opcode == VACCEL_OP_COPY)
				want = w->src[i];
			else if (w->opcode == VACCEL_OP_FILL)
				want = fill_byte(w->value, i);
			else
				want = w->ref[i];
			w->dst[i] = ~want;
		}
	}
}

/* The batch of the next job. */
static void vfwork_batch(struct vfwork *w)
{
	struct vaccelvf_batch *b = &w->batch;
	__u64 asz = 4ULL * w->m * w->k, bsz = 4ULL * w->k * w->n;
	__u64 csz = 4ULL * w->m * w->n;
	__u32 h = w->handle;
	unsigned int i;

	vaccelvf_batch_init(b);
	switch (w->opcode) {
	case VACCEL_OP_COPY:
		if (!w->dev) {
			vaccelvf_add_copy(b, vaccelvf_user(w->dst),
					  vaccelvf_user(w->src), w->len);
			break;
		}
		vaccelvf_add_copy(b, vaccelvf_dev(h, 0), vaccelvf_user(w->src),
				  w->len);
		vaccelvf_add_copy(b, vaccelvf_dev(h, w->len), vaccelvf_dev(h, 0),
				  w->len);
		vaccelvf_add_copy(b, vaccelvf_user(w->dst),
				  vaccelvf_dev(h, w->len), w->len);
		break;
	case VACCEL_OP_FILL:
		if (!w->dev) {
			vaccelvf_add_fill(b, vaccelvf_user(w->dst), w->len,
					  w->value);
			break;
		}
		vaccelvf_add_fill(b, vaccelvf_dev(h, 0), w->len, w->value);
		vaccelvf_add_copy(b, vaccelvf_user(w->dst), vaccelvf_dev(h, 0),
				  w->len);
		break;
	case VACCEL_OP_CRC32C:
		if (!w->dev) {
			vaccelvf_add_crc32c(b, vaccelvf_user(w->dst),
					    vaccelvf_user(w->src), w->len, 0);
			break;
		}
		vaccelvf_add_copy(b, vaccelvf_dev(h, 0), vaccelvf_user(w->src),
				  w->len);
		vaccelvf_add_crc32c(b, vaccelvf_dev(h, w->len),
				    vaccelvf_dev(h, 0), w->len, 0);
		vaccelvf_add_copy(b, vaccelvf_user(w->dst),
				  vaccelvf_dev(h, w->len), 4);
		break;
	case VACCEL_OP_GEMM:
		if (!w->dev) {
			vaccelvf_add_gemm(b, vaccelvf_user(w->dst),
					  vaccelvf_user(w->src),
					  vaccelvf_user(w->src2),
					  w->m, w->n, w->k);
			break;
		}
		vaccelvf_add_copy(b, vaccelvf_dev(h, 0), vaccelvf_user(w->src),
				  asz);
		vaccelvf_add_copy(b, vaccelvf_dev(h, asz),
				  vaccelvf_user(w->src2), bsz);
		vaccelvf_add_gemm(b, vaccelvf_dev(h, asz + bsz),
				  vaccelvf_dev(h, 0), vaccelvf_dev(h, asz),
				  w->m, w->n, w->k);
		vaccelvf_add_copy(b, vaccelvf_user(w->dst),
				  vaccelvf_dev(h, asz + bsz), csz);
		break;
	case VACCEL_OP_BUSY:
		for (i = 0; i < w->busy_ops; i++)
			vaccelvf_add_busy(b, w->busy_ns);
		break;
	}
}

int vfwork_submit(struct vfwork *w)
{
	int err;

	vfwork_prepare(w);
	vfwork_batch(w);
	err = vaccelvf_submit(w->ctx, &w->batch, &w->fence);
	if (!err)
		w->seq++;
	return err;
}

/* Compare @len bytes of @got with @want, whole or at the spots. */
static int vfwork_cmp(const __u8 *got, const __u8 *want, size_t len, bool full,
		      const char *what, char *why, size_t size)
{
	size_t pos, n, at;

	if (full) {
		at = first_diff(got, want, len);
		if (at == len)
			return 0;
		snprintf(why, size, "%s differs at byte %zu of %zu: %#x, expected %#x",
			 what, at, len, got[at], want[at]);
		return -EBADMSG;
	}
	for (pos = vfwork_spot(len, 0, true, &n); pos < len;
	     pos = vfwork_spot(len, pos, false, &n)) {
		at = first_diff(got + pos, want + pos, n);
		if (at < n) {
			at += pos;
			snprintf(why, size, "%s differs at byte %zu of %zu: %#x, expected %#x",
				 what, at, len, got[at], want[at]);
			return -EBADMSG;
		}
	}
	return 0;
}

static int vfwork_fill_check(struct vfwork *w, bool full, char *why,
			     size_t size)
{
	size_t pos, n, i;

	if (full) {
		if (fill_ok(w->dst, w->len, w->value, &i))
			return 0;
		goto bad;
	}
	for (pos = vfwork_spot(w->len, 0, true, &n); pos < w->len;
	     pos = vfwork_spot(w->len, pos, false, &n))
		for (i = pos; i < pos + n; i++)
			if (w->dst[i] != fill_byte(w->value, i))
				goto bad;
	return 0;
bad:
	snprintf(why, size, "FILL destination differs at byte %zu of %zu: %#x, expected %#x",
		 i, w->len, w->dst[i], fill_byte(w->value, i));
	return -EBADMSG;
}

int vfwork_check(struct vfwork *w, bool full, char *why, size_t size)
{
	__u32 crc;

	switch (w->opcode) {
	case VACCEL_OP_COPY:
		return vfwork_cmp(w->dst, w->src, w->len, full, "COPY destination",
				  why, size);
	case VACCEL_OP_FILL:
		return vfwork_fill_check(w, full, why, size);
	case VACCEL_OP_CRC32C:
		crc = get_le32(w->dst);
		if (crc == w->want_crc)
			return 0;
		snprintf(why, size, "CRC32C of %zu bytes is %#x, expected %#x",
			 w->len, crc, w->want_crc);
		return -EBADMSG;
	case VACCEL_OP_GEMM:
		return vfwork_cmp(w->dst, w->ref, 4ULL * w->m * w->n, full,
				  "GEMM C", why, size);
	}
	return 0;
}

__u64 vfwork_bytes(const struct vfwork *w)
{
	switch (w->opcode) {
	case VACCEL_OP_COPY:
	case VACCEL_OP_FILL:
	case VACCEL_OP_CRC32C:
		return w->len;
	case VACCEL_OP_GEMM:
		return 4ULL * ((__u64)w->m * w->k + (__u64)w->k * w->n +
			       (__u64)w->m * w->n);
	}
	return 0;
}

void vfwork_fini(struct vfwork *w)
{
	vaccelvf_buf_free(w->src, w->src_size);
	vaccelvf_buf_free(w->src2, w->src2_size);
	vaccelvf_buf_free(w->dst, w->dst_size);
	free(w->ref);
	if (w->handle)
		vaccelvf_free(w->ctx, w->handle);
	memset(w, 0, offsetof(struct vfwork, batch));
}
