// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-run selftest: every operation through the VF driver, each with
 * user memory, with device memory and mixed, checked against the reference
 * models of tools/lib/model.h; multi-operation batches, jobs in flight,
 * poll(), device memory accounting, and a bad batch refused as a whole.
 *
 * One line per check, "PASS what" or "FAIL what: why", and last
 * "selftest: N passed, M failed".
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"
#include "run.h"
#include "util.h"
#include "vaccelvf.h"

#define ST_INFLIGHT	8
#define ST_MS		1000000ULL

struct st {
	struct report r;
	struct vaccelvf_ctx ctx;
	const char *node;
	struct vaccel_vf_info info;	/* at the start */
	size_t big;			/* bytes of the large COPY */
	size_t crc_len;			/* bytes of the large CRC32C */
	__u32 h1, h2;			/* two allocations of big bytes */
	__u8 *src, *dst;		/* user memory of big bytes */
	struct vaccelvf_batch b;
};

[[gnu::format(printf, 3, 4)]]
static bool st_fail(struct st *t, const char *what, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return check(&t->r, false, "%s: %s", what, why);
}

static bool st_pass(struct st *t, const char *what)
{
	return check(&t->r, true, "%s", what);
}

/* A buffer of user memory; the selftest cannot go on without it. */
static __u8 *st_buf(size_t size)
{
	__u8 *p = vaccelvf_buf_alloc(size);

	if (!p) {
		fprintf(stderr, VR_NAME ": %zu bytes of memory: %s\n", size,
			strerror(errno));
		exit(1);
	}
	return p;
}

/* Run t->b as a job; a failure is a failed check of @what. */
static int st_job(struct st *t, const char *what)
{
	char why[160];
	__u64 fence = 0;
	int err;

	err = vaccelvf_run(&t->ctx, &t->b, &fence);
	if (err) {
		vaccelvf_strjob(&t->ctx, &t->b, fence, err, why, sizeof(why));
		st_fail(t, what, "job: %s", why);
	}
	return err;
}

/* Check @len bytes of @got against @want. */
static bool st_same(struct st *t, const char *what, const __u8 *got,
		    const __u8 *want, size_t len)
{
	size_t at = first_diff(got, want, len);

	if (at == len)
		return st_pass(t, what);
	return st_fail(t, what, "byte %zu of %zu is %#x, expected %#x", at,
		       len, got[at], want[at]);
}

static void st_info(struct st *t)
{
	struct vaccel_vf_info *i = &t->info;
	char what[200];
	int err;

	err = vaccelvf_info(&t->ctx, i);
	if (err) {
		st_fail(t, "INFO", "%s", strerror(-err));
		return;
	}
	snprintf(what, sizeof(what),
		 "INFO: version %u.%u, mem %llu, share %u/%u, %u queues, queue %u, irq %s",
		 i->version >> 16, i->version & 0xffff,
		 (unsigned long long)i->mem_size, i->share_slots,
		 i->card_slots, i->queues, i->queue,
		 vaccelvf_irq_name(i->irq_mode));
	if (i->version >> 16 != 1)
		st_fail(t, what, "major version %u, expected 1", i->version >> 16);
	else if (i->max_ops != VACCEL_VF_MAX_OPS ||
		 i->alloc_align != VACCEL_VF_ALLOC_ALIGN)
		st_fail(t, what, "max_ops %u, alloc_align %llu", i->max_ops,
			(unsigned long long)i->alloc_align);
	else if (!i->queues || i->queue >= i->queues || !i->engines)
		st_fail(t, what, "queue %u of %u, %u engines", i->queue,
			i->queues, i->engines);
	else if (!i->share_slots || i->share_slots > i->card_slots)
		st_fail(t, what, "share %u/%u", i->share_slots, i->card_slots);
	else if (!i->mem_size || i->mem_free > i->mem_size)
		st_fail(t, what, "mem_free %llu of %llu",
			(unsigned long long)i->mem_free,
			(unsigned long long)i->mem_size);
	else if (!i->contexts)
		st_fail(t, what, "%s", "contexts 0");
	else if (i->irq_mode < VACCEL_VF_IRQ_MSIX ||
		 i->irq_mode > VACCEL_VF_IRQ_INTX)
		st_fail(t, what, "irq_mode %u", i->irq_mode);
	else
		st_pass(t, what);
}

static void st_nop_fence(struct st *t)
{
	struct vaccel_vf_job job;
	__u64 fence;
	int err, status = -1;

	vaccelvf_batch_init(&t->b);
	vaccelvf_add_nop(&t->b);
	if (!st_job(t, "NOP"))
		st_pass(t, "NOP");
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_fence(&t->b, 0x1234567890abcdefULL);
	if (st_job(t, "FENCE"))
		return;
	st_pass(t, "FENCE");
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_nop(&t->b);
	vaccelvf_add_fence(&t->b, 1);
	vaccelvf_add_nop(&t->b);
	if (st_job(t, "NOP, FENCE, NOP in one job"))
		return;
	st_pass(t, "NOP, FENCE, NOP in one job");

	err = vaccelvf_submit(&t->ctx, &t->b, &fence);
	if (!err)
		err = vaccelvf_wait(&t->ctx, fence, 10000 * ST_MS, NULL);
	if (!err)
		err = vaccelvf_wait(&t->ctx, fence, 0, &status);
	if (err || status)
		st_fail(t, "WAIT with timeout 0 on a finished job", "%s, status %d",
			errname(err), status);
	else
		st_pass(t, "WAIT with timeout 0 on a finished job: status 0");
	err = vaccelvf_job(&t->ctx, fence, &job);
	if (err || job.state != VACCEL_VF_JOB_DONE || job.status ||
	    job.hw_error)
		st_fail(t, "JOB of a finished job", "%s, state %s, status %d, hw_error %u",
			errname(err), vaccelvf_job_state_name(job.state),
			job.status, job.hw_error);
	else
		st_pass(t, "JOB of a finished job: done, status 0");
}

static void st_copy(struct st *t)
{
	size_t n = t->big;
	__u8 *dst2 = st_buf(n);
	char what[120];

	rnd_fill(t->src, n);
	memset(t->dst, 0, n);
	snprintf(what, sizeof(what), "COPY user -> user, %zu bytes", n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_user(t->src), n);
	if (!st_job(t, what))
		st_same(t, what, t->dst, t->src, n);

	snprintf(what, sizeof(what),
		 "COPY user -> user, %zu bytes, at odd addresses", n - 8);
	memset(dst2, 0, n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(dst2 + 3),
			  vaccelvf_user(t->src + 1), n - 8);
	if (!st_job(t, what)) {
		if (dst2[2] || dst2[n - 5])
			st_fail(t, what, "%s", "bytes around the destination changed");
		else
			st_same(t, what, dst2 + 3, t->src + 1, n - 8);
	}

	snprintf(what, sizeof(what), "new device memory reads zero (COPY dev -> user, %zu bytes)",
		 n);
	memset(dst2, 0xff, n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(dst2), vaccelvf_dev(t->h2, 0), n);
	if (!st_job(t, what)) {
		size_t at = 0;

		while (at < n && !dst2[at])
			at++;
		if (at == n)
			st_pass(t, what);
		else
			st_fail(t, what, "byte %zu is %#x", at, dst2[at]);
	}

	/* user -> dev, dev -> dev, dev -> user: three jobs */
	snprintf(what, sizeof(what),
		 "COPY user -> dev, dev -> dev, dev -> user, %zu bytes", n);
	memset(t->dst, 0, n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_dev(t->h1, 0), vaccelvf_user(t->src), n);
	if (st_job(t, what))
		goto out;
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_dev(t->h2, 0), vaccelvf_dev(t->h1, 0), n);
	if (st_job(t, what))
		goto out;
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_dev(t->h2, 0), n);
	if (!st_job(t, what))
		st_same(t, what, t->dst, t->src, n);

	snprintf(what, sizeof(what),
		 "COPY dev -> dev within one allocation, %zu bytes", n / 2);
	memset(t->dst, 0, n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_dev(t->h1, n / 2),
			  vaccelvf_dev(t->h2, 0), n / 2);
	vaccelvf_add_copy(&t->b, vaccelvf_dev(t->h1, 0),
			  vaccelvf_dev(t->h1, n / 2), n / 2);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_dev(t->h1, 0),
			  n / 2);
	if (!st_job(t, what))
		st_same(t, what, t->dst, t->src, n / 2);
out:
	vaccelvf_buf_free(dst2, n);
}

/* @p holds the FILL of @len bytes with @value, and 0 around it. */
static void st_fill_check(struct st *t, const char *what, const __u8 *p,
			  size_t before, size_t len, size_t after, __u64 value)
{
	size_t at;

	if (!is_zero(p, before) || !is_zero(p + before + len, after))
		st_fail(t, what, "%s", "bytes around the destination changed");
	else if (!fill_ok(p + before, len, value, &at))
		st_fail(t, what, "byte %zu of %zu is %#x, expected %#x", at, len,
			p[before + at], fill_byte(value, at));
	else
		st_pass(t, what);
}

static void st_fill(struct st *t)
{
	const __u64 v1 = 0x0123456789abcdefULL, v2 = 0xfedcba9876543210ULL;
	size_t n = t->big, len = n - 4096 + 3;
	char what[120];
	__u32 h;
	int err;

	snprintf(what, sizeof(what), "FILL user, %zu bytes at an odd address", len);
	memset(t->dst, 0, n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_fill(&t->b, vaccelvf_user(t->dst + 5), len, v1);
	if (!st_job(t, what))
		st_fill_check(t, what, t->dst, 5, len, n - 5 - len, v1);

	len = n - 2 * 4096 + 3;
	snprintf(what, sizeof(what), "FILL dev, %zu bytes (COPY dev -> user to check)",
		 len);
	err = vaccelvf_alloc(&t->ctx, n, &h, NULL);
	if (err) {
		st_fail(t, what, "ALLOC: %s", strerror(-err));
		return;
	}
	memset(t->dst, 0xff, n);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_fill(&t->b, vaccelvf_dev(h, 4096), len, v2);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_dev(h, 0), n);
	if (!st_job(t, what))
		st_fill_check(t, what, t->dst, 4096, len, n - 4096 - len, v2);
	vaccelvf_free(&t->ctx, h);
}

/* The CRC32C result at @p is @want. */
static void st_crc_check(struct st *t, const char *what, const __u8 *p,
			 __u32 want)
{
	if (get_le32(p) == want)
		st_pass(t, what);
	else
		st_fail(t, what, "%#x, expected %#x", get_le32(p), want);
}

static void st_crc(struct st *t)
{
	size_t n = t->crc_len, half = n / 2 - 1000;
	__u8 *res = t->dst;
	char what[120];
	__u32 want, r1;

	crc32c_init();
	rnd_fill(t->src, n);
	want = crc32c(0, t->src, n);
	if (crc32c_bitwise(0, t->src, 4096) != crc32c(0, t->src, 4096)) {
		st_fail(t, "CRC32C reference model", "%s",
			"tables and bitwise disagree");
		return;
	}

	snprintf(what, sizeof(what), "CRC32C user -> user, %zu bytes", n);
	put_le32(res, ~want);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_crc32c(&t->b, vaccelvf_user(res), vaccelvf_user(t->src), n, 0);
	if (!st_job(t, what))
		st_crc_check(t, what, res, want);

	snprintf(what, sizeof(what),
		 "CRC32C seed chaining: %zu then %zu bytes, seed = the first result",
		 half, n - half);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_crc32c(&t->b, vaccelvf_user(res), vaccelvf_user(t->src),
			    half, 0);
	if (st_job(t, what))
		return;
	r1 = get_le32(res);
	if (r1 != crc32c(0, t->src, half)) {
		st_fail(t, what, "first part %#x, expected %#x", r1,
			crc32c(0, t->src, half));
	} else {
		vaccelvf_batch_init(&t->b);
		vaccelvf_add_crc32c(&t->b, vaccelvf_user(res + 64),
				    vaccelvf_user(t->src + half), n - half, r1);
		if (!st_job(t, what))
			st_crc_check(t, what, res + 64, want);
	}

	snprintf(what, sizeof(what), "CRC32C dev -> dev, %zu bytes (staged by COPYs)",
		 n);
	put_le32(res, ~want);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_dev(t->h1, 0), vaccelvf_user(t->src), n);
	vaccelvf_add_crc32c(&t->b, vaccelvf_dev(t->h2, 60),
			    vaccelvf_dev(t->h1, 0), n, 0);
	vaccelvf_add_copy(&t->b, vaccelvf_user(res), vaccelvf_dev(t->h2, 60), 4);
	if (!st_job(t, what))
		st_crc_check(t, what, res, want);

	snprintf(what, sizeof(what), "CRC32C dev -> user, %zu bytes", n);
	put_le32(res, ~want);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_crc32c(&t->b, vaccelvf_user(res), vaccelvf_dev(t->h1, 0), n, 0);
	if (!st_job(t, what))
		st_crc_check(t, what, res, want);

	snprintf(what, sizeof(what), "CRC32C user -> dev, %zu bytes", n);
	put_le32(res, ~want);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_crc32c(&t->b, vaccelvf_dev(t->h2, 4),
			    vaccelvf_user(t->src), n, 0);
	vaccelvf_add_copy(&t->b, vaccelvf_user(res), vaccelvf_dev(t->h2, 4), 4);
	if (!st_job(t, what))
		st_crc_check(t, what, res, want);
}

/* A GEMM of m x k by k x n, A in @wa, B in @wb, C in @wc ('u'ser/'d'ev). */
static void st_gemm_one(struct st *t, __u32 m, __u32 n, __u32 k, char wa,
			char wb, char wc)
{
	size_t asz = 4ULL * m * k, bsz = 4ULL * k * n, csz = 4ULL * m * n;
	__u8 *a = t->src, *b = t->src + asz, *c = t->dst, *ref;
	struct vaccel_vf_operand oa, ob, oc;
	char what[120];

	snprintf(what, sizeof(what), "GEMM %ux%ux%u, A %s, B %s, C %s", m, n, k,
		 wa == 'u' ? "user" : "dev", wb == 'u' ? "user" : "dev",
		 wc == 'u' ? "user" : "dev");
	if (asz + bsz > t->big || csz > t->big) {
		st_fail(t, what, "%s", "too large for the device memory");
		return;
	}
	ref = st_buf(csz);
	rnd_fill(a, asz + bsz);
	gemm_ref(ref, a, b, m, n, k);
	memset(c, 0, csz);
	oa = wa == 'u' ? vaccelvf_user(a) : vaccelvf_dev(t->h1, 0);
	ob = wb == 'u' ? vaccelvf_user(b) : vaccelvf_dev(t->h1, asz);
	oc = wc == 'u' ? vaccelvf_user(c) : vaccelvf_dev(t->h2, 0);
	vaccelvf_batch_init(&t->b);
	if (wa == 'd')
		vaccelvf_add_copy(&t->b, oa, vaccelvf_user(a), asz);
	if (wb == 'd')
		vaccelvf_add_copy(&t->b, ob, vaccelvf_user(b), bsz);
	vaccelvf_add_gemm(&t->b, oc, oa, ob, m, n, k);
	if (wc == 'd')
		vaccelvf_add_copy(&t->b, vaccelvf_user(c), oc, csz);
	if (!st_job(t, what))
		st_same(t, what, c, ref, csz);
	vaccelvf_buf_free(ref, csz);
}

static void st_gemm(struct st *t)
{
	st_gemm_one(t, 64, 64, 64, 'u', 'u', 'u');
	st_gemm_one(t, 128, 96, 80, 'd', 'd', 'd');
	st_gemm_one(t, 64, 64, 64, 'u', 'd', 'u');
	st_gemm_one(t, 37, 5, 129, 'd', 'u', 'd');
}

static void st_busy(struct st *t)
{
	__u64 t0, el;

	vaccelvf_batch_init(&t->b);
	vaccelvf_add_busy(&t->b, 20 * ST_MS);
	t0 = now_ns();
	if (st_job(t, "BUSY 20 ms"))
		return;
	el = now_ns() - t0;
	if (el < 20 * ST_MS)
		st_fail(t, "BUSY 20 ms", "done after %llu us",
			(unsigned long long)el / 1000);
	else
		st_pass(t, "BUSY 20 ms");

	vaccelvf_batch_init(&t->b);
	vaccelvf_add_busy(&t->b, 5 * ST_MS);
	vaccelvf_add_busy(&t->b, 5 * ST_MS);
	vaccelvf_add_busy(&t->b, 5 * ST_MS);
	vaccelvf_add_busy(&t->b, 5 * ST_MS);
	t0 = now_ns();
	if (st_job(t, "4 x BUSY 5 ms in one job"))
		return;
	el = now_ns() - t0;
	if (el < 20 * ST_MS)
		st_fail(t, "4 x BUSY 5 ms in one job", "done after %llu us",
			(unsigned long long)el / 1000);
	else
		st_pass(t, "4 x BUSY 5 ms in one job");
}

/* One job of every kind of operation, each using the result before. */
static void st_multi(struct st *t)
{
	const char *what =
		"one job: FILL dev, COPY dev -> user, CRC32C, GEMM, BUSY, FENCE, NOP, COPY";
	const __u64 v = 0x1122334455667788ULL;
	const size_t len = 64 * 1024;
	__u8 *fillb = t->dst, *res = t->dst + len, *cpy = t->dst + 2 * len;
	__u8 *c = t->dst + 3 * len, *a = t->src, *ref;
	size_t at;

	memset(t->dst, 0, 4 * len);
	rnd_fill(a, 2 * 16 * 16 * 4);
	ref = st_buf(16 * 16 * 4);
	gemm_ref(ref, a, a + 16 * 16 * 4, 16, 16, 16);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_fill(&t->b, vaccelvf_dev(t->h1, 0), len, v);
	vaccelvf_add_copy(&t->b, vaccelvf_user(fillb), vaccelvf_dev(t->h1, 0), len);
	vaccelvf_add_crc32c(&t->b, vaccelvf_user(res), vaccelvf_user(fillb), len, 0);
	vaccelvf_add_gemm(&t->b, vaccelvf_user(c), vaccelvf_user(a),
			  vaccelvf_user(a + 16 * 16 * 4), 16, 16, 16);
	vaccelvf_add_busy(&t->b, ST_MS);
	vaccelvf_add_fence(&t->b, 42);
	vaccelvf_add_nop(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(cpy), vaccelvf_user(fillb), len);
	if (st_job(t, what))
		goto out;
	crc32c_init();
	if (!fill_ok(fillb, len, v, &at))
		st_fail(t, what, "FILL byte %zu is %#x", at, fillb[at]);
	else if (get_le32(res) != crc32c(0, fillb, len))
		st_fail(t, what, "CRC32C %#x, expected %#x", get_le32(res),
			crc32c(0, fillb, len));
	else if (memcmp(c, ref, 16 * 16 * 4))
		st_fail(t, what, "%s", "GEMM result differs");
	else
		st_same(t, what, cpy, fillb, len);
out:
	vaccelvf_buf_free(ref, 16 * 16 * 4);
}

/* Jobs in flight, waited for in order. */
static void st_inflight(struct st *t)
{
	const size_t len = 64 * 1024;
	char what[120], why[160];
	__u64 fence[ST_INFLIGHT];
	unsigned int i, n = 0;
	int err, status;

	snprintf(what, sizeof(what),
		 "%u jobs in flight (COPY %zu bytes + BUSY 5 ms each), waited in order",
		 ST_INFLIGHT, len);
	if (ST_INFLIGHT * len > t->big) {
		st_fail(t, what, "%s", "buffers too small");
		return;
	}
	rnd_fill(t->src, ST_INFLIGHT * len);
	memset(t->dst, 0, ST_INFLIGHT * len);
	for (i = 0; i < ST_INFLIGHT; i++) {
		vaccelvf_batch_init(&t->b);
		vaccelvf_add_busy(&t->b, 5 * ST_MS);
		vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst + i * len),
				  vaccelvf_user(t->src + i * len), len);
		err = vaccelvf_submit(&t->ctx, &t->b, &fence[i]);
		if (err) {
			st_fail(t, what, "SUBMIT of job %u: %s", i, strerror(-err));
			break;
		}
		if (i && fence[i] != fence[i - 1] + 1) {
			st_fail(t, what, "fences %llu then %llu",
				(unsigned long long)fence[i - 1],
				(unsigned long long)fence[i]);
			i++;
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++) {
		err = vaccelvf_wait(&t->ctx, fence[i], 30000 * ST_MS, &status);
		if (err || status) {
			st_fail(t, what, "job %u: %s", i,
				vaccelvf_strjob(&t->ctx, &t->b, fence[i],
						err ?: -status, why, sizeof(why)));
			return;
		}
	}
	if (n == ST_INFLIGHT)
		st_same(t, what, t->dst, t->src, ST_INFLIGHT * len);
}

static void st_poll(struct st *t)
{
	struct vaccel_vf_job job;
	__u64 fence;
	int err, i;

	vaccelvf_batch_init(&t->b);
	for (i = 0; i < 8; i++)
		vaccelvf_add_busy(&t->b, 25 * ST_MS);
	err = vaccelvf_submit(&t->ctx, &t->b, &fence);
	if (err) {
		st_fail(t, "poll", "SUBMIT: %s", strerror(-err));
		return;
	}
	err = vaccelvf_poll(&t->ctx, 0);
	if (err)
		st_fail(t, "poll() while a 200 ms job runs", "%s",
			err > 0 ? "POLLIN: idle already" : strerror(-err));
	else
		st_pass(t, "poll() while a 200 ms job runs: not idle");
	err = vaccelvf_job(&t->ctx, fence, &job);
	if (err || job.state != VACCEL_VF_JOB_PENDING)
		st_fail(t, "JOB of a running job", "%s, state %s", errname(err),
			vaccelvf_job_state_name(job.state));
	else
		st_pass(t, "JOB of a running job: pending");
	err = vaccelvf_wait(&t->ctx, fence, 0, NULL);
	if (err != -ETIMEDOUT)
		st_fail(t, "WAIT with timeout 0 on a running job", "%s, expected ETIMEDOUT",
			errname(err));
	else
		st_pass(t, "WAIT with timeout 0 on a running job: ETIMEDOUT");
	err = vaccelvf_poll(&t->ctx, 30000);
	if (err != 1)
		st_fail(t, "poll() until idle", "%s",
			err ? strerror(-err) : "not idle after 30 s");
	else
		st_pass(t, "poll() until idle: POLLIN");
	err = vaccelvf_job(&t->ctx, fence, &job);
	if (err || job.state != VACCEL_VF_JOB_DONE || job.status)
		st_fail(t, "JOB once idle", "%s, state %s, status %d",
			errname(err), vaccelvf_job_state_name(job.state),
			job.status);
	else
		st_pass(t, "JOB once idle: done, status 0");
}

static void st_alloc(struct st *t)
{
	const char *what = "ALLOC 5000 and 1 bytes, FREE: mem_free follows";
	struct vaccel_vf_info a, b, c;
	__u64 off1, off2;
	__u32 h1, h2;
	bool ok;
	int err;

	err = vaccelvf_info(&t->ctx, &a);
	if (!err)
		err = vaccelvf_alloc(&t->ctx, 5000, &h1, &off1);
	if (!err)
		err = vaccelvf_alloc(&t->ctx, 1, &h2, &off2);
	if (!err)
		err = vaccelvf_info(&t->ctx, &b);
	if (err) {
		st_fail(t, what, "%s", strerror(-err));
		return;
	}
	ok = false;
	if (!h1 || !h2 || h1 == h2)
		st_fail(t, what, "handles %u and %u", h1, h2);
	else if (off1 % VACCEL_VF_ALLOC_ALIGN || off2 % VACCEL_VF_ALLOC_ALIGN ||
		 (off1 < off2 + 4096 && off2 < off1 + 8192))
		st_fail(t, what, "offsets %#llx and %#llx",
			(unsigned long long)off1, (unsigned long long)off2);
	else if (a.mem_free - b.mem_free != 8192 + 4096)
		st_fail(t, what, "mem_free went from %llu to %llu, expected -12288",
			(unsigned long long)a.mem_free,
			(unsigned long long)b.mem_free);
	else
		ok = true;
	vaccelvf_free(&t->ctx, h1);
	err = vaccelvf_free(&t->ctx, h2);
	/*
	 * The memory comes back once the device has finished the job that
	 * zeroes it (ALLOC queues it ahead of ours): give it up to 5 s.
	 */
	for (int i = 0; !err && i < 50; i++) {
		err = vaccelvf_info(&t->ctx, &c);
		if (err || c.mem_free == a.mem_free)
			break;
		sleep_us(100000);
	}
	if (err)
		st_fail(t, what, "FREE: %s", strerror(-err));
	else if (c.mem_free != a.mem_free)
		st_fail(t, what, "mem_free %llu after FREE, expected %llu",
			(unsigned long long)c.mem_free,
			(unsigned long long)a.mem_free);
	else if (ok)
		st_pass(t, what);

	err = vaccelvf_free(&t->ctx, h1);
	if (err != -ENOENT)
		st_fail(t, "FREE of a freed handle", "%s, expected ENOENT",
			errname(err));
	else
		st_pass(t, "FREE of a freed handle: ENOENT");

	/* All of it, when nobody else holds any. */
	if (c.contexts != 1 || c.mem_free != c.mem_size)
		return;
	what = "ALLOC of all the device memory, then one page more: ENOMEM";
	err = vaccelvf_alloc(&t->ctx, c.mem_size, &h1, NULL);
	if (err) {
		st_fail(t, what, "ALLOC %llu: %s", (unsigned long long)c.mem_size,
			strerror(-err));
		return;
	}
	err = vaccelvf_alloc(&t->ctx, 4096, &h2, NULL);
	if (err != -ENOMEM)
		st_fail(t, what, "%s", errname(err));
	else
		st_pass(t, what);
	if (!err)
		vaccelvf_free(&t->ctx, h2);
	vaccelvf_free(&t->ctx, h1);
}

/* A bad batch is refused as a whole, and the context goes on. */
static void st_refused(struct st *t)
{
	struct vaccel_vf_op *op;
	__u64 fence;
	__u32 h;
	int err;

	memset(t->dst, 0x5a, 4096);
	rnd_fill(t->src, 4096);
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_user(t->src), 4096);
	op = vaccelvf_batch_add(&t->b);
	op->opcode = VACCEL_OP_COUNT;
	err = vaccelvf_submit(&t->ctx, &t->b, &fence);
	sleep_us(50000);
	if (!err)
		vaccelvf_wait(&t->ctx, fence, 30000 * ST_MS, NULL);
	if (err != -EINVAL)
		st_fail(t, "a batch of a good COPY and an unknown opcode", "%s, expected EINVAL",
			errname(err));
	else if (!all_bytes(t->dst, 4096, 0x5a))
		st_fail(t, "a batch of a good COPY and an unknown opcode",
			"%s", "EINVAL, but the COPY ran");
	else
		st_pass(t, "a batch of a good COPY and an unknown opcode: EINVAL, nothing ran");

	err = vaccelvf_alloc(&t->ctx, 4096, &h, NULL);
	if (!err)
		err = vaccelvf_free(&t->ctx, h);
	if (err) {
		st_fail(t, "a batch with a freed handle", "ALLOC/FREE: %s",
			strerror(-err));
		return;
	}
	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_user(t->src), 4096);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst + 4096), vaccelvf_dev(h, 0), 16);
	err = vaccelvf_submit(&t->ctx, &t->b, &fence);
	sleep_us(50000);
	if (!err)
		vaccelvf_wait(&t->ctx, fence, 30000 * ST_MS, NULL);
	if (err != -ENOENT)
		st_fail(t, "a batch of a good COPY and a freed handle", "%s, expected ENOENT",
			errname(err));
	else if (!all_bytes(t->dst, 4096, 0x5a))
		st_fail(t, "a batch of a good COPY and a freed handle",
			"%s", "ENOENT, but the COPY ran");
	else
		st_pass(t, "a batch of a good COPY and a freed handle: ENOENT, nothing ran");

	vaccelvf_batch_init(&t->b);
	vaccelvf_add_copy(&t->b, vaccelvf_user(t->dst), vaccelvf_user(t->src), 4096);
	if (!st_job(t, "a good COPY after the refused batches"))
		st_same(t, "a good COPY after the refused batches", t->dst, t->src,
			4096);
}

/* What the selftest allocated is back; nothing is pending. */
static void st_end(struct st *t)
{
	struct vaccel_vf_info info;
	int err, i;

	err = vaccelvf_poll(&t->ctx, 0);
	if (err != 1)
		st_fail(t, "idle at the end", "%s",
			err ? strerror(-err) : "a job is pending");
	else
		st_pass(t, "idle at the end");
	/* Staging memory of other contexts may come and go. */
	for (i = 0; i < 50; i++) {
		err = vaccelvf_info(&t->ctx, &info);
		if (err || info.mem_free == t->info.mem_free)
			break;
		sleep_us(100000);
	}
	if (err)
		st_fail(t, "mem_free back at the end", "INFO: %s", strerror(-err));
	else if (info.mem_free != t->info.mem_free)
		st_fail(t, "mem_free back at the end", "%llu, was %llu",
			(unsigned long long)info.mem_free,
			(unsigned long long)t->info.mem_free);
	else
		st_pass(t, "mem_free back at the end");
}

int vr_selftest(const struct vr_opts *o)
{
	static struct st t;
	int err;

	report_style = (struct report_style){
		.pass = "PASS ", .fail = "FAIL ", .note = "INFO ",
	};
	t.node = o->dev;
	err = vaccelvf_open(&t.ctx, o->dev, 0);
	if (err) {
		vr_err(o->dev, "open", err);
		return 1;
	}
	st_info(&t);
	if (t.r.failures)
		goto out;
	t.big = t.info.mem_size / 4 < MIB ? t.info.mem_size / 4 : MIB;
	t.big &= ~(size_t)4095;
	t.crc_len = t.big < 256 * 1024 ? t.big : 256 * 1024;
	if (t.big < 64 * 1024) {
		st_fail(&t, "device memory", "%llu bytes, too small",
			(unsigned long long)t.info.mem_size);
		goto out;
	}
	err = vaccelvf_alloc(&t.ctx, t.big, &t.h1, NULL);
	if (!err)
		err = vaccelvf_alloc(&t.ctx, t.big, &t.h2, NULL);
	if (err) {
		st_fail(&t, "ALLOC", "2 x %zu bytes: %s", t.big, strerror(-err));
		goto out;
	}
	t.src = st_buf(t.big);
	t.dst = st_buf(t.big);
	st_nop_fence(&t);
	st_copy(&t);
	st_fill(&t);
	st_crc(&t);
	st_gemm(&t);
	st_busy(&t);
	st_multi(&t);
	st_inflight(&t);
	st_poll(&t);
	st_refused(&t);
	vaccelvf_free(&t.ctx, t.h1);
	vaccelvf_free(&t.ctx, t.h2);
	st_alloc(&t);
	st_end(&t);
out:
	vaccelvf_close(&t.ctx);
	printf("selftest: %u passed, %u failed\n", t.r.checks - t.r.failures,
	       t.r.failures);
	return t.r.failures ? 1 : 0;
}
