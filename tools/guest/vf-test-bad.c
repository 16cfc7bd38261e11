// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vf-test bad-ioctls: a table of broken ioctl calls, each with the
 * errno include/uapi/vaccel_vf.h promises.  Every case starts from a valid
 * argument of its ioctl and breaks one thing: a field of the argument, a
 * field of the second operation of a batch (the first is a good COPY, so
 * "nothing of it runs" is checked too: its destination must stay zero),
 * or the argument pointer.  Then a good job must still work on the same
 * context.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "vf-test.h"

#define VB_PAGE		4096
#define VB_COPY		4096		/* bytes of the good COPY */
#define VB_DEV		(64 * 1024)	/* bytes of the allocation */
#define VB_MS		1000000LL

/* What the cases work on. */
struct vb_env {
	struct report r;
	struct vaccelvf_ctx ctx;
	struct vaccel_vf_info info;
	__u8 *none;		/* a page that cannot be accessed */
	__u8 *ro;		/* a read-only page */
	__u8 *src, *dst;	/* the good COPY; dst + VB_PAGE for the op */
	__u32 handle;		/* VB_DEV bytes of device memory */
	__u64 fence;		/* a finished job */
	struct vaccel_vf_op *ops;	/* room for 2 x VACCEL_VF_MAX_OPS */
	union {
		struct vaccel_vf_info info;
		struct vaccel_vf_alloc alloc;
		struct vaccel_vf_free free;
		struct vaccel_vf_submit submit;
		struct vaccel_vf_wait wait;
		struct vaccel_vf_job job;
	} a;
	void *arg;		/* what is passed to ioctl() */
};

enum vb_how {
	VB_ARG,		/* a field of the argument */
	VB_OP,		/* a field of ops[1] */
	VB_ARGP,	/* the argument pointer becomes @val */
	VB_FIX,		/* only the fix-up */
};

struct vb_case {
	const char *name;
	unsigned long req;
	__u16 opcode;		/* of ops[1], for SUBMIT */
	enum vb_how how;
	size_t off;		/* of the field in the argument or in ops[1] */
	size_t size;
	__u64 val;
	void (*fix)(struct vb_env *e);	/* after the field is set */
	int want;		/* errno */
};

/* A field of @bits of the argument, or of ops[1], becomes @v. */
#define ARG(type, field, bits, v) \
	.how = VB_ARG, .off = offsetof(struct type, field), .size = (bits) / 8, \
	.val = (v)
#define OPF(field, bits, v) \
	.how = VB_OP, .off = offsetof(struct vaccel_vf_op, field), \
	.size = (bits) / 8, .val = (v)
#define ARGP(v)		.how = VB_ARGP, .val = (v)
#define FIX(f)		.how = VB_FIX, .fix = (f)

#define INFO		VACCEL_VF_IOC_INFO
#define ALLOC		VACCEL_VF_IOC_ALLOC
#define FREE		VACCEL_VF_IOC_FREE
#define SUBMIT		VACCEL_VF_IOC_SUBMIT
#define WAIT		VACCEL_VF_IOC_WAIT
#define JOB		VACCEL_VF_IOC_JOB

/* The pointer values VB_ARGP cases pass: NULL, or these markers. */
#define VB_P_NONE	1		/* the inaccessible page */

/* Fix-ups: what a field of a fixed value cannot say. */

static void vb_alloc_too_big(struct vb_env *e)
{
	e->a.alloc.size = e->info.mem_size + VACCEL_VF_ALLOC_ALIGN;
}

static void vb_free_freed(struct vb_env *e)
{
	__u32 h = 0;

	if (!vaccelvf_alloc(&e->ctx, VB_PAGE, &h, NULL))
		vaccelvf_free(&e->ctx, h);
	e->a.free.handle = h;
}

static void vb_ops_none(struct vb_env *e)
{
	e->a.submit.ops = (uintptr_t)e->none;
}

static void vb_dev_unknown(struct vb_env *e)
{
	e->ops[1].src = vaccelvf_dev(e->handle + 1000, 0);
}

static void vb_dev_beyond(struct vb_env *e)
{
	e->ops[1].src = vaccelvf_dev(e->handle, VB_DEV - VB_COPY + 1);
}

static void vb_dev_past_end(struct vb_env *e)
{
	e->ops[1].dst = vaccelvf_dev(e->handle, VB_DEV);
}

static void vb_user_none(struct vb_env *e)
{
	e->ops[1].src = vaccelvf_user(e->none);
}

static void vb_user_ro(struct vb_env *e)
{
	e->ops[1].dst = vaccelvf_user(e->ro);
}

static void vb_overlap(struct vb_env *e)
{
	e->ops[1].dst = vaccelvf_user(e->src + 100);
}

static void vb_gemm_overlap(struct vb_env *e)
{
	e->ops[1].dst = e->ops[1].src;
}

static void vb_wait_never(struct vb_env *e)
{
	e->a.wait.fence = e->fence + 1000000;
}

static void vb_job_never(struct vb_env *e)
{
	e->a.job.fence = e->fence + 1000000;
}

/* A job of 8 x BUSY 100 ms: WAIT with timeout 0 must time out. */
static void vb_wait_busy(struct vb_env *e)
{
	struct vaccelvf_batch *b = malloc(sizeof(*b));
	unsigned int i;

	if (!b)
		return;
	vaccelvf_batch_init(b);
	for (i = 0; i < 8; i++)
		vaccelvf_add_busy(b, 100 * VB_MS);
	if (vaccelvf_submit(&e->ctx, b, &e->a.wait.fence))
		e->a.wait.fence = 0;
	free(b);
}

static const struct vb_case vb_cases[] = {
	{ "argsz 8", INFO, ARG(vaccel_vf_info, argsz, 32, 8), .want = EINVAL },
	{ "argsz 0", INFO, ARG(vaccel_vf_info, argsz, 32, 0), .want = EINVAL },
	{ "unknown flags (bit 0)", INFO, ARG(vaccel_vf_info, flags, 32, 1), .want = EINVAL },
	{ "unknown flags (bit 31)", INFO, ARG(vaccel_vf_info, flags, 32, 1U << 31),
	  .want = EINVAL },
	{ "pad not zero", INFO, ARG(vaccel_vf_info, pad, 32, 1), .want = EINVAL },
	{ "NULL argument", INFO, ARGP(0), .want = EFAULT },
	{ "unmapped argument", INFO, ARGP(VB_P_NONE), .want = EFAULT },

	{ "argsz 16", ALLOC, ARG(vaccel_vf_alloc, argsz, 32, 16), .want = EINVAL },
	{ "unknown flags", ALLOC, ARG(vaccel_vf_alloc, flags, 32, 1), .want = EINVAL },
	{ "pad not zero", ALLOC, ARG(vaccel_vf_alloc, pad, 32, 1), .want = EINVAL },
	{ "size 0", ALLOC, ARG(vaccel_vf_alloc, size, 64, 0), .want = EINVAL },
	{ "size mem_size + 4096", ALLOC, FIX(vb_alloc_too_big), .want = EINVAL },
	{ "size 2^63", ALLOC, ARG(vaccel_vf_alloc, size, 64, 1ULL << 63), .want = EINVAL },
	{ "NULL argument", ALLOC, ARGP(0), .want = EFAULT },

	{ "argsz 8", FREE, ARG(vaccel_vf_free, argsz, 32, 8), .want = EINVAL },
	{ "unknown flags", FREE, ARG(vaccel_vf_free, flags, 32, 1), .want = EINVAL },
	{ "pad not zero", FREE, ARG(vaccel_vf_free, pad, 32, 1), .want = EINVAL },
	{ "handle 0", FREE, ARG(vaccel_vf_free, handle, 32, 0), .want = ENOENT },
	{ "unknown handle", FREE, ARG(vaccel_vf_free, handle, 32, 0x7fffffff), .want = ENOENT },
	{ "handle already freed", FREE, FIX(vb_free_freed), .want = ENOENT },

	{ "argsz 8", SUBMIT, ARG(vaccel_vf_submit, argsz, 32, 8), .want = EINVAL },
	{ "unknown flags", SUBMIT, ARG(vaccel_vf_submit, flags, 32, 1), .want = EINVAL },
	{ "count 0", SUBMIT, ARG(vaccel_vf_submit, count, 32, 0), .want = EINVAL },
	{ "count VACCEL_VF_MAX_OPS + 1", SUBMIT,
	  ARG(vaccel_vf_submit, count, 32, VACCEL_VF_MAX_OPS + 1), .want = EINVAL },
	{ "op_size 0", SUBMIT, ARG(vaccel_vf_submit, op_size, 32, 0), .want = EINVAL },
	{ "op_size 8 too small", SUBMIT,
	  ARG(vaccel_vf_submit, op_size, 32, sizeof(struct vaccel_vf_op) - 8), .want = EINVAL },
	{ "ops NULL", SUBMIT, ARG(vaccel_vf_submit, ops, 64, 0), .want = EFAULT },
	{ "ops unmapped", SUBMIT, FIX(vb_ops_none), .want = EFAULT },
	{ "NULL argument", SUBMIT, ARGP(0), .want = EFAULT },
	{ "unknown opcode 7", SUBMIT, VACCEL_OP_NOP, OPF(opcode, 16, VACCEL_OP_COUNT),
	  .want = EINVAL },
	{ "unknown opcode 0xffff", SUBMIT, VACCEL_OP_NOP, OPF(opcode, 16, 0xffff),
	  .want = EINVAL },
	{ "COPY op flags 1", SUBMIT, VACCEL_OP_COPY, OPF(flags, 16, 1), .want = EINVAL },
	{ "NOP op flags 0x8000", SUBMIT, VACCEL_OP_NOP, OPF(flags, 16, 0x8000), .want = EINVAL },
	{ "COPY reserved not zero", SUBMIT, VACCEL_OP_COPY, OPF(reserved, 32, 1),
	  .want = EINVAL },
	{ "COPY len 0", SUBMIT, VACCEL_OP_COPY, OPF(len, 32, 0), .want = EINVAL },
	{ "COPY len 2^30 + 1", SUBMIT, VACCEL_OP_COPY, OPF(len, 32, (1U << 30) + 1),
	  .want = EINVAL },
	{ "FILL len 0", SUBMIT, VACCEL_OP_FILL, OPF(len, 32, 0), .want = EINVAL },
	{ "CRC32C len 2^31", SUBMIT, VACCEL_OP_CRC32C, OPF(len, 32, 1U << 31), .want = EINVAL },
	{ "NOP with len 4 (a field it does not use)", SUBMIT, VACCEL_OP_NOP, OPF(len, 32, 4),
	  .want = EINVAL },
	{ "BUSY with m 1 (a field it does not use)", SUBMIT, VACCEL_OP_BUSY, OPF(m, 32, 1),
	  .want = EINVAL },
	{ "COPY with a NONE src2 whose addr is not 0", SUBMIT, VACCEL_OP_COPY,
	  OPF(src2.addr, 64, 4096), .want = EINVAL },
	{ "GEMM m 0", SUBMIT, VACCEL_OP_GEMM, OPF(m, 32, 0), .want = EINVAL },
	{ "GEMM n 1025", SUBMIT, VACCEL_OP_GEMM, OPF(n, 32, 1025), .want = EINVAL },
	{ "GEMM k 0", SUBMIT, VACCEL_OP_GEMM, OPF(k, 32, 0), .want = EINVAL },
	{ "GEMM with len 4", SUBMIT, VACCEL_OP_GEMM, OPF(len, 32, 4), .want = EINVAL },
	{ "BUSY 0 ns", SUBMIT, VACCEL_OP_BUSY, OPF(value, 64, 0), .want = EINVAL },
	{ "BUSY 1 s + 1 ns", SUBMIT, VACCEL_OP_BUSY, OPF(value, 64, 1000000001ULL),
	  .want = EINVAL },
	{ "CRC32C seed 2^32", SUBMIT, VACCEL_OP_CRC32C, OPF(value, 64, 1ULL << 32),
	  .want = EINVAL },
	{ "operand kind 3", SUBMIT, VACCEL_OP_COPY, OPF(src.kind, 32, 3), .want = EINVAL },
	{ "USER operand with handle 1", SUBMIT, VACCEL_OP_COPY, OPF(src.handle, 32, 1),
	  .want = EINVAL },
	{ "COPY dst of kind NONE", SUBMIT, VACCEL_OP_COPY,
	  OPF(dst.kind, 32, VACCEL_VF_OPND_NONE), .want = EINVAL },
	{ "DEV operand of an unknown handle", SUBMIT, VACCEL_OP_COPY,
	  FIX(vb_dev_unknown), .want = ENOENT },
	{ "DEV source reaching 1 byte past its allocation", SUBMIT, VACCEL_OP_COPY,
	  FIX(vb_dev_beyond), .want = EINVAL },
	{ "DEV destination at the end of its allocation", SUBMIT, VACCEL_OP_FILL,
	  FIX(vb_dev_past_end), .want = EINVAL },
	{ "USER source unmapped", SUBMIT, VACCEL_OP_COPY, FIX(vb_user_none),
	  .want = EFAULT },
	{ "USER destination read-only", SUBMIT, VACCEL_OP_COPY, FIX(vb_user_ro),
	  .want = EFAULT },
	{ "COPY of overlapping user ranges", SUBMIT, VACCEL_OP_COPY, FIX(vb_overlap),
	  .want = EINVAL },
	{ "GEMM with C on A (user)", SUBMIT, VACCEL_OP_GEMM, FIX(vb_gemm_overlap),
	  .want = EINVAL },

	{ "argsz 8", WAIT, ARG(vaccel_vf_wait, argsz, 32, 8), .want = EINVAL },
	{ "unknown flags", WAIT, ARG(vaccel_vf_wait, flags, 32, 1), .want = EINVAL },
	{ "pad not zero", WAIT, ARG(vaccel_vf_wait, pad, 32, 1), .want = EINVAL },
	{ "fence 0", WAIT, ARG(vaccel_vf_wait, fence, 64, 0), .want = ENOENT },
	{ "fence never submitted", WAIT, FIX(vb_wait_never), .want = ENOENT },
	{ "NULL argument", WAIT, ARGP(0), .want = EFAULT },
	{ "timeout 0 on a job of 8 x BUSY 100 ms", WAIT, FIX(vb_wait_busy),
	  .want = ETIMEDOUT },

	{ "argsz 8", JOB, ARG(vaccel_vf_job, argsz, 32, 8), .want = EINVAL },
	{ "unknown flags", JOB, ARG(vaccel_vf_job, flags, 32, 1), .want = EINVAL },
	{ "fence 0", JOB, ARG(vaccel_vf_job, fence, 64, 0), .want = ENOENT },
	{ "fence never submitted", JOB, FIX(vb_job_never), .want = ENOENT },
	{ "unmapped argument", JOB, ARGP(VB_P_NONE), .want = EFAULT },

	{ "unknown number 0x3f", _IOWR(VACCEL_VF_IOCTL_TYPE, 0x3f, struct vaccel_vf_info),
	  FIX(NULL), .want = ENOTTY },
	{ "INFO's number with another size", _IOWR(VACCEL_VF_IOCTL_TYPE, 0, __u32),
	  FIX(NULL), .want = ENOTTY },
	{ "another type", _IOWR('x', 0, struct vaccel_vf_info), FIX(NULL),
	  .want = ENOTTY },
};

static const char *vb_ioctl_name(unsigned long req)
{
	switch (req) {
	case INFO:
		return "INFO";
	case ALLOC:
		return "ALLOC";
	case FREE:
		return "FREE";
	case SUBMIT:
		return "SUBMIT";
	case WAIT:
		return "WAIT";
	case JOB:
		return "JOB";
	}
	return "unknown ioctl";
}

/* ops[1]: a good operation of @opcode, which a case then breaks. */
static void vb_good_op(struct vb_env *e, struct vaccel_vf_op *op,
		       __u16 opcode)
{
	memset(op, 0, sizeof(*op));
	op->opcode = opcode;
	switch (opcode) {
	case VACCEL_OP_FENCE:
		op->value = 7;
		break;
	case VACCEL_OP_COPY:
		op->src = vaccelvf_user(e->src);
		op->dst = vaccelvf_user(e->dst + VB_PAGE);
		op->len = VB_COPY;
		break;
	case VACCEL_OP_FILL:
		op->dst = vaccelvf_user(e->dst + VB_PAGE);
		op->len = VB_COPY;
		op->value = 0x0102030405060708ULL;
		break;
	case VACCEL_OP_CRC32C:
		op->src = vaccelvf_user(e->src);
		op->dst = vaccelvf_user(e->dst + VB_PAGE);
		op->len = VB_COPY;
		break;
	case VACCEL_OP_GEMM:
		op->src = vaccelvf_user(e->src);
		op->src2 = vaccelvf_user(e->src + 1024);
		op->dst = vaccelvf_user(e->dst + VB_PAGE);
		op->m = 8;
		op->n = 8;
		op->k = 8;
		break;
	case VACCEL_OP_BUSY:
		op->value = 1000;
		break;
	}
}

/* A valid argument for the ioctl of @c; @spare: a handle FREE may free. */
static void vb_prepare(struct vb_env *e, const struct vb_case *c, __u32 spare)
{
	memset(&e->a, 0, sizeof(e->a));
	e->arg = &e->a;
	switch (c->req) {
	case ALLOC:
		e->a.alloc.argsz = sizeof(e->a.alloc);
		e->a.alloc.size = VB_PAGE;
		break;
	case FREE:
		e->a.free.argsz = sizeof(e->a.free);
		e->a.free.handle = spare;
		break;
	case SUBMIT:
		memset(e->dst, 0, 2 * VB_PAGE);
		memset(e->ops, 0, 2 * VACCEL_VF_MAX_OPS * sizeof(*e->ops));
		e->ops[0].opcode = VACCEL_OP_COPY;
		e->ops[0].src = vaccelvf_user(e->src);
		e->ops[0].dst = vaccelvf_user(e->dst);
		e->ops[0].len = VB_COPY;
		vb_good_op(e, &e->ops[1], c->opcode);
		e->a.submit.argsz = sizeof(e->a.submit);
		e->a.submit.ops = (uintptr_t)e->ops;
		e->a.submit.count = 2;
		e->a.submit.op_size = sizeof(*e->ops);
		break;
	case WAIT:
		e->a.wait.argsz = sizeof(e->a.wait);
		e->a.wait.fence = e->fence;
		break;
	case JOB:
		e->a.job.argsz = sizeof(e->a.job);
		e->a.job.fence = e->fence;
		break;
	default:
		e->a.info.argsz = sizeof(e->a.info);
	}
}

/* Break it as @c says. */
static void vb_break(struct vb_env *e, const struct vb_case *c)
{
	__u8 *base = c->how == VB_OP ? (__u8 *)&e->ops[1] : (__u8 *)&e->a;

	switch (c->how) {
	case VB_OP:
	case VB_ARG:
		/* Little endian: the low bytes of val. */
		memcpy(base + c->off, &c->val, c->size);
		break;
	case VB_ARGP:
		e->arg = c->val == VB_P_NONE ? (void *)e->none : NULL;
		break;
	case VB_FIX:
		break;
	}
	if (c->fix)
		c->fix(e);
}

static void vb_run_case(struct vb_env *e, const struct vb_case *c)
{
	const char *name = vb_ioctl_name(c->req);
	__u32 spare = 0;
	bool ran;
	int err;

	if (c->req == FREE && vaccelvf_alloc(&e->ctx, VB_PAGE, &spare, NULL))
		spare = 0;
	vb_prepare(e, c, spare);
	vb_break(e, c);
	err = ioctl(e->ctx.fd, c->req, e->arg) ? errno : 0;

	/* Undo what a call that should have failed did. */
	if (!err && c->req == ALLOC)
		vaccelvf_free(&e->ctx, e->a.alloc.handle);
	if (!err && c->req == SUBMIT)
		vaccelvf_wait(&e->ctx, e->a.submit.fence, 30000 * VB_MS, NULL);
	if (spare)
		vaccelvf_free(&e->ctx, spare);

	if (err != c->want) {
		check(&e->r, false, "%s: %s: %s, expected %s", name, c->name,
		      errname(err), errname(c->want));
		return;
	}
	if (c->req != SUBMIT) {
		check(&e->r, true, "%s: %s: %s", name, c->name, errname(err));
		return;
	}
	/* Anything of the batch that had run would have shown by now. */
	sleep_us(2000);
	ran = !is_zero(e->dst, 2 * VB_PAGE);
	check(&e->r, !ran, "%s: %s: %s%s", name, c->name, errname(err),
	      ran ? ", but part of the batch ran" : ", nothing ran");
}

static int vb_setup(struct vb_env *e, const char *node)
{
	struct vaccelvf_batch b;
	int err;

	err = vaccelvf_open(&e->ctx, node, 0);
	if (err) {
		fprintf(stderr, VT_NAME ": %s: open: %s\n", node, strerror(-err));
		return err;
	}
	e->none = mmap(NULL, VB_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	e->ro = mmap(NULL, VB_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	e->src = vaccelvf_buf_alloc(2 * VB_PAGE);
	e->dst = vaccelvf_buf_alloc(2 * VB_PAGE);
	e->ops = calloc(2 * VACCEL_VF_MAX_OPS, sizeof(*e->ops));
	if (e->none == MAP_FAILED || e->ro == MAP_FAILED || !e->src ||
	    !e->dst || !e->ops) {
		fprintf(stderr, VT_NAME ": memory: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	rnd_fill(e->src, 2 * VB_PAGE);
	err = vaccelvf_alloc(&e->ctx, VB_DEV, &e->handle, NULL);
	if (err) {
		fprintf(stderr, VT_NAME ": %s: ALLOC: %s\n", node, strerror(-err));
		return err;
	}
	vaccelvf_batch_init(&b);
	vaccelvf_add_nop(&b);
	err = vaccelvf_run(&e->ctx, &b, &e->fence);
	if (err) {
		fprintf(stderr, VT_NAME ": %s: a NOP job: %s\n", node,
			strerror(-err));
		return err;
	}
	/* (After the ALLOC: INFO at the end must match this.) */
	err = vaccelvf_info(&e->ctx, &e->info);
	if (err)
		fprintf(stderr, VT_NAME ": %s: INFO: %s\n", node, strerror(-err));
	return err;
}

int vt_bad_ioctls(const struct vt_opts *o)
{
	static struct vb_env e;
	struct vaccel_vf_info info;
	unsigned int i;
	int err;

	e.ctx.fd = -1;
	if (vb_setup(&e, o->dev))
		goto out;
	for (i = 0; i < ARRAY_SIZE(vb_cases); i++)
		vb_run_case(&e, &vb_cases[i]);

	/* The context survived all that. */
	vt_good_job(&e.r, &e.ctx, "a good job on the same context afterwards");
	err = vaccelvf_poll(&e.ctx, 30000);
	check(&e.r, err == 1, "poll(): idle afterwards%s%s", err == 1 ? "" : ": ",
	      err == 1 ? "" : err ? strerror(-err) : "still busy after 30 s");
	err = vaccelvf_info(&e.ctx, &info);
	if (err)
		check(&e.r, false, "INFO afterwards: %s", strerror(-err));
	else
		check(&e.r, info.mem_free == e.info.mem_free,
		      "INFO afterwards: mem_free %llu, as before the cases",
		      (unsigned long long)info.mem_free);
out:
	vaccelvf_close(&e.ctx);
	printf("bad-ioctls: %u passed, %u failed\n", e.r.checks - e.r.failures,
	       e.r.failures);
	return e.r.failures || !e.r.checks ? 1 : 0;
}
