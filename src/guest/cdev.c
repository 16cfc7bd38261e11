// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vaccelN: contexts (one per open file), device memory by handle,
 * batches of operations on user buffers (pinned and mapped for the
 * device, no copy by the CPU) or device memory, fences, poll().  The
 * interface is include/uapi/vaccel_vf.h.
 *
 * Nothing a caller passes reaches the device unchecked: batch.c checks
 * each operation, this file resolves handles and bounds, and pins user
 * memory (EFAULT if it cannot be).  Errors go back as errno, quietly:
 * a process's bad input is its own business and logs nothing.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfg.h"

static void vfg_dev_release(struct kref *ref)
{
	struct vfg_dev *vf = container_of(ref, struct vfg_dev, ref);

	vfg_mem_destroy(&vf->alloc);
	vfg_dev_release_id(vf);
	pci_dev_put(vf->pdev);
	kfree(vf);
}

/**
 * vfg_dev_put() - drop a reference to a function
 * @vf: the function
 */
void vfg_dev_put(struct vfg_dev *vf)
{
	kref_put(&vf->ref, vfg_dev_release);
}

static void vfg_alloc_release(struct kref *ref)
{
	struct vfg_alloc *a = container_of(ref, struct vfg_alloc, ref);
	struct vfg_dev *vf = a->vf;

	mutex_lock(&vf->mem_lock);
	vfg_mem_release(&vf->alloc, a->offset, a->size);
	mutex_unlock(&vf->mem_lock);
	kfree(a);
}

/**
 * vfg_alloc_put() - drop a reference to a device memory range
 * @a: the range; with the last reference it returns to the allocator
 */
void vfg_alloc_put(struct vfg_alloc *a)
{
	kref_put(&a->ref, vfg_alloc_release);
}

/* A range of device memory, as it is (see vfg_zero()). */
static struct vfg_alloc *vfg_alloc_new(struct vfg_dev *vf, u64 size)
{
	struct vfg_alloc *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return ERR_PTR(-ENOMEM);
	kref_init(&a->ref);
	a->vf = vf;
	mutex_lock(&vf->mem_lock);
	if (vf->gone)
		ret = -ENODEV;
	else
		ret = vfg_mem_alloc(&vf->alloc, size, &a->offset);
	mutex_unlock(&vf->mem_lock);
	if (ret) {
		kfree(a);
		return ERR_PTR(ret);
	}
	a->size = round_up(size, VACCEL_VF_ALLOC_ALIGN);
	return a;
}

static void vfg_ctx_release(struct kref *ref)
{
	struct vfg_ctx *ctx = container_of(ref, struct vfg_ctx, ref);

	vfg_dev_put(ctx->vf);
	kfree(ctx);
}

static void vfg_ctx_put(struct vfg_ctx *ctx)
{
	kref_put(&ctx->ref, vfg_ctx_release);
}

static void vfg_unpin(struct vfg_dev *vf, struct vfg_pin *p)
{
	if (p->sgt.sgl) {
		if (p->segs)
			dma_unmap_sgtable(&vf->pdev->dev, &p->sgt, p->dir, 0);
		sg_free_table(&p->sgt);
	}
	if (p->pages)
		unpin_user_pages_dirty_lock(p->pages, p->npages,
					    p->dir == DMA_FROM_DEVICE);
	kvfree(p->pages);
	kfree(p->segs);
}

/* Release what a job holds; it must be off every list. */
static void vfg_job_free(struct vfg_job *job, struct vfg_dev *vf)
{
	unsigned int i;

	for (i = 0; i < job->npins; i++)
		vfg_unpin(vf, &job->pins[i]);
	for (i = 0; i < job->nallocs; i++)
		vfg_alloc_put(job->allocs[i]);
	kfree(job->pins);
	kfree(job->allocs);
	kvfree(job->descs);
	kfree(job);
}

/**
 * vfg_job_finish() - a job is over: tell its context, release it
 * @job: the job, off its queue (the device is done with its memory)
 * @status: 0 or a negative errno
 * @hw_error: the device's error code when @status is -EIO
 * @op_index: the operation the error is about
 *
 * The jobs of a context finish in the order they were submitted.
 */
void vfg_job_finish(struct vfg_job *job, int status, u32 hw_error,
		    u32 op_index)
{
	struct vfg_ctx *ctx = job->ctx;

	if (job->internal) {
		if (status == -EIO)
			dev_warn_ratelimited(&ctx->vf->pdev->dev,
					     "%s: zeroing new device memory failed (device error %u)\n",
					     ctx->vf->name, hw_error);
		vfg_job_free(job, ctx->vf);
		vfg_ctx_put(ctx);
		return;
	}
	spin_lock(&ctx->lock);
	ctx->finished = job->fence;
	if (status) {
		struct vfg_failure *f;

		if (ctx->nfail == VFG_MAX_FAILURES) {
			ctx->forgotten = ctx->failures[ctx->fhead].fence;
			ctx->fhead = (ctx->fhead + 1) % VFG_MAX_FAILURES;
			ctx->nfail--;
		}
		f = &ctx->failures[(ctx->fhead + ctx->nfail++) % VFG_MAX_FAILURES];
		f->fence = job->fence;
		f->status = status;
		f->hw_error = hw_error;
		f->op_index = op_index;
	}
	spin_unlock(&ctx->lock);
	wake_up_all(&ctx->wait);
	vfg_job_free(job, ctx->vf);
	vfg_ctx_put(ctx);
}

static int vfg_open(struct inode *inode, struct file *file)
{
	struct vfg_dev *vf = container_of(file->private_data, struct vfg_dev,
					  misc);
	struct vfg_queue *q = NULL;
	struct vfg_ctx *ctx;
	unsigned int i;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wait);
	xa_init_flags(&ctx->handles, XA_FLAGS_ALLOC1);

	/* The queue with the fewest contexts. */
	mutex_lock(&vf->mem_lock);
	if (vf->gone) {
		mutex_unlock(&vf->mem_lock);
		kfree(ctx);
		return -ENODEV;
	}
	for (i = 0; i < vf->nqueues; i++)
		if (!q || vf->queues[i].contexts < q->contexts)
			q = &vf->queues[i];
	q->contexts++;
	kref_get(&vf->ref);
	mutex_unlock(&vf->mem_lock);

	ctx->vf = vf;
	ctx->q = q;
	atomic_inc(&vf->contexts);
	file->private_data = ctx;
	return nonseekable_open(inode, file);
}

static int vfg_release(struct inode *inode, struct file *file)
{
	struct vfg_ctx *ctx = file->private_data;
	struct vfg_dev *vf = ctx->vf;
	struct vfg_alloc *a;
	unsigned long h;

	/* Jobs still in flight keep what they use, and the context. */
	xa_for_each(&ctx->handles, h, a) {
		xa_erase(&ctx->handles, h);
		vfg_alloc_put(a);
	}
	xa_destroy(&ctx->handles);
	mutex_lock(&vf->mem_lock);
	ctx->q->contexts--;
	mutex_unlock(&vf->mem_lock);
	atomic_dec(&vf->contexts);
	vfg_ctx_put(ctx);
	return 0;
}

/* Read an ioctl argument that starts with argsz. */
static int get_arg(void *s, size_t size, void __user *arg)
{
	u32 argsz;

	if (get_user(argsz, (u32 __user *)arg))
		return -EFAULT;
	if (argsz < size)
		return -EINVAL;
	if (copy_from_user(s, arg, size))
		return -EFAULT;
	return 0;
}

static long vfg_info(struct vfg_ctx *ctx, void __user *arg)
{
	struct vfg_dev *vf = ctx->vf;
	struct vaccel_vf_info info;
	int ret;

	ret = get_arg(&info, sizeof(info), arg);
	if (ret)
		return ret;
	ret = vfg_check_head(info.argsz, sizeof(info), info.flags, info.pad);
	if (ret)
		return ret;
	mutex_lock(&vf->mem_lock);
	info.mem_free = vfg_mem_free_bytes(&vf->alloc);
	mutex_unlock(&vf->mem_lock);
	info.mem_size = vf->mem_size;
	info.version = vf->version;
	info.engines = vf->engines;
	info.queues = vf->nqueues;
	info.share_slots = vf->share_slots;
	info.card_slots = vf->card_slots;
	info.irq_mode = vf->irq_mode;
	info.queue = ctx->q->idx;
	info.max_ops = VACCEL_VF_MAX_OPS;
	info.alloc_align = VACCEL_VF_ALLOC_ALIGN;
	info.contexts = atomic_read(&vf->contexts);
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/**
 * vfg_zero() - have the device zero a new allocation, ahead of the context
 * @ctx: the context that allocated it
 * @a: the allocation
 * @nonblock: do not wait for room in the queue
 *
 * A job of FILL descriptors on the context's own queue, submitted before
 * the context can name the handle: since a queue runs in order, every
 * later job of the context that uses the memory finds it zeroed, and no
 * other context can reach it.  The device does the work (the CPU writing
 * through BAR2 would take seconds for a large allocation under
 * emulation), and it counts as the context's use of the engines.
 *
 * Return: 0, or what vfg_queue_submit() returns.
 */
static int vfg_zero(struct vfg_ctx *ctx, struct vfg_alloc *a, bool nonblock)
{
	unsigned int n = DIV_ROUND_UP_ULL(a->size, VACCEL_DESC_MAX_LEN), i;
	struct vfg_batch b = {};
	struct vfg_job *job;
	s64 ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->ctx = ctx;
	job->internal = true;
	job->descs = kvmalloc_array(n, sizeof(*job->descs), GFP_KERNEL);
	job->allocs = kcalloc(1, sizeof(*job->allocs), GFP_KERNEL);
	if (!job->descs || !job->allocs) {
		vfg_job_free(job, ctx->vf);
		return -ENOMEM;
	}
	kref_get(&a->ref);
	job->allocs[job->nallocs++] = a;
	b.descs = job->descs;
	b.max = n;
	for (i = 0; i < n; i++) {
		u64 off = (u64)i * VACCEL_DESC_MAX_LEN;
		struct vaccel_vf_op fill = {
			.opcode = VACCEL_OP_FILL,
			.len = min_t(u64, a->size - off, VACCEL_DESC_MAX_LEN),
		};
		struct vfg_opnd o[VFG_NR_OPND] = {
			[VFG_DST] = { .where = VFG_DEV, .addr = a->offset + off,
				      .len = fill.len },
		};

		vfg_batch_emit(&b, &fill, o, 0);
	}
	vfg_batch_finish(&b);
	job->ndesc = b.n;
	kref_get(&ctx->ref);
	ret = vfg_queue_submit(ctx->q, job, nonblock);
	if (ret < 0) {
		vfg_job_free(job, ctx->vf);
		vfg_ctx_put(ctx);
		return ret;
	}
	return 0;
}

static long vfg_alloc_ioctl(struct vfg_ctx *ctx, struct file *file,
			    void __user *arg)
{
	struct vaccel_vf_alloc al;
	struct vfg_alloc *a;
	u32 handle;
	int ret;

	ret = get_arg(&al, sizeof(al), arg);
	if (ret)
		return ret;
	ret = vfg_check_head(al.argsz, sizeof(al), al.flags, al.pad);
	if (ret)
		return ret;
	if (!al.size || al.size > ctx->vf->mem_size)
		return -EINVAL;
	a = vfg_alloc_new(ctx->vf, al.size);
	if (IS_ERR(a))
		return PTR_ERR(a);
	ret = vfg_zero(ctx, a, file->f_flags & O_NONBLOCK);
	if (ret) {
		vfg_alloc_put(a);
		return ret;
	}
	ret = xa_alloc(&ctx->handles, &handle, a, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		vfg_alloc_put(a);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	al.handle = handle;
	al.offset = a->offset;
	if (copy_to_user(arg, &al, sizeof(al))) {
		xa_erase(&ctx->handles, handle);
		vfg_alloc_put(a);
		return -EFAULT;
	}
	return 0;
}

static long vfg_free_ioctl(struct vfg_ctx *ctx, void __user *arg)
{
	struct vaccel_vf_free fr;
	struct vfg_alloc *a;
	int ret;

	ret = get_arg(&fr, sizeof(fr), arg);
	if (ret)
		return ret;
	ret = vfg_check_head(fr.argsz, sizeof(fr), fr.flags, fr.pad);
	if (ret)
		return ret;
	a = fr.handle ? xa_erase(&ctx->handles, fr.handle) : NULL;
	if (!a)
		return -ENOENT;
	vfg_alloc_put(a);
	return 0;
}

/* Pin @len bytes at @uaddr and map them for the device. */
static int vfg_pin(struct vfg_dev *vf, struct vfg_pin *p, u64 uaddr, u64 len,
		   bool write)
{
	struct device *dev = &vf->pdev->dev;
	u64 first = uaddr >> PAGE_SHIFT, last = (uaddr + len - 1) >> PAGE_SHIFT;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	if (!access_ok(u64_to_user_ptr(uaddr), len))
		return -EFAULT;
	p->dir = write ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	p->pages = kvmalloc_array(last - first + 1, sizeof(*p->pages),
				  GFP_KERNEL);
	if (!p->pages)
		return -ENOMEM;
	ret = pin_user_pages_fast(uaddr & PAGE_MASK, last - first + 1,
				  write ? FOLL_WRITE : 0, p->pages);
	if (ret < 0)
		ret = 0;
	p->npages = ret;
	if (p->npages != last - first + 1)
		return -EFAULT;
	ret = sg_alloc_table_from_pages(&p->sgt, p->pages, p->npages,
					offset_in_page(uaddr), len, GFP_KERNEL);
	if (ret)
		return ret;
	ret = dma_map_sgtable(dev, &p->sgt, p->dir, 0);
	if (ret)
		return ret;
	p->segs = kcalloc(p->sgt.nents, sizeof(*p->segs), GFP_KERNEL);
	if (!p->segs) {
		dma_unmap_sgtable(dev, &p->sgt, p->dir, 0);
		return -ENOMEM;
	}
	/* The DMA pieces, joined where they touch. */
	for_each_sgtable_dma_sg(&p->sgt, sg, i) {
		struct vfg_seg *prev = p->nsegs ? &p->segs[p->nsegs - 1] : NULL;

		if (prev && prev->addr + prev->len == sg_dma_address(sg)) {
			prev->len += sg_dma_len(sg);
			continue;
		}
		p->segs[p->nsegs].addr = sg_dma_address(sg);
		p->segs[p->nsegs++].len = sg_dma_len(sg);
	}
	return 0;
}

/* A DEV operand: the allocation of its handle, referenced by the job. */
static int resolve_dev(struct vfg_ctx *ctx, struct vfg_job *job,
		       const struct vaccel_vf_operand *u, u64 ext,
		       struct vfg_opnd *o)
{
	struct vfg_alloc *a;

	xa_lock(&ctx->handles);
	a = u->handle ? xa_load(&ctx->handles, u->handle) : NULL;
	if (a)
		kref_get(&a->ref);
	xa_unlock(&ctx->handles);
	if (!a)
		return -ENOENT;
	job->allocs[job->nallocs++] = a;
	if (u->addr > a->size || ext > a->size - u->addr)
		return -EINVAL;
	o->where = VFG_DEV;
	o->addr = a->offset + u->addr;
	o->len = ext;
	return 0;
}

/* Resolve, check, pin and emit one operation of a batch. */
static int vfg_build_op(struct vfg_ctx *ctx, struct vfg_job *job,
			struct vfg_batch *b, const struct vaccel_vf_op *op,
			u32 index)
{
	struct vfg_opnd o[VFG_NR_OPND] = {};
	u64 ext[VFG_NR_OPND], start[VFG_NR_OPND] = {};
	int i, ret;

	ret = vfg_op_check(op, ext);
	if (ret)
		return ret;
	for (i = 0; i < VFG_NR_OPND; i++) {
		const struct vaccel_vf_operand *u = vfg_op_operand(op, i);

		if (!ext[i])
			continue;
		if (u->kind == VACCEL_VF_OPND_DEV) {
			ret = resolve_dev(ctx, job, u, ext[i], &o[i]);
			if (ret)
				return ret;
			start[i] = o[i].addr;
		} else {
			start[i] = u->addr;
		}
	}
	if (vfg_op_overlaps(op, start, ext))
		return -EINVAL;

	for (i = 0; i < VFG_NR_OPND; i++) {
		const struct vaccel_vf_operand *u = vfg_op_operand(op, i);
		struct vfg_pin *p = &job->pins[job->npins];
		struct vfg_alloc *stage;

		if (!ext[i] || u->kind != VACCEL_VF_OPND_USER)
			continue;
		job->npins++;
		ret = vfg_pin(ctx->vf, p, u->addr, ext[i], i == VFG_DST);
		if (ret)
			return ret;
		o[i].len = ext[i];
		if (p->nsegs == 1) {
			o[i].where = VFG_IOVA;
			o[i].addr = p->segs[0].addr;
			continue;
		}
		o[i].where = VFG_SCATTER;
		o[i].segs = p->segs;
		o[i].nsegs = p->nsegs;
		if (!vfg_op_stages(op))
			continue;
		stage = vfg_alloc_new(ctx->vf, ext[i]);
		if (IS_ERR(stage))
			return PTR_ERR(stage) == -EINVAL ? -ENOMEM : PTR_ERR(stage);
		job->allocs[job->nallocs++] = stage;
		o[i].addr = stage->offset;
	}
	return vfg_batch_emit(b, op, o, index);
}

static long vfg_submit(struct vfg_ctx *ctx, struct file *file,
		       void __user *arg)
{
	struct vaccel_vf_submit s;
	struct vaccel_vf_op *ops;
	struct vfg_batch b = {};
	struct vfg_job *job;
	s64 fence;
	u32 i;
	int ret;

	ret = get_arg(&s, sizeof(s), arg);
	if (ret)
		return ret;
	ret = vfg_check_head(s.argsz, sizeof(s), s.flags, 0);
	if (ret)
		return ret;
	if (!s.count || s.count > VACCEL_VF_MAX_OPS ||
	    s.op_size != sizeof(struct vaccel_vf_op))
		return -EINVAL;
	ops = memdup_user(u64_to_user_ptr(s.ops), (size_t)s.count * sizeof(*ops));
	if (IS_ERR(ops))
		return PTR_ERR(ops);

	ret = -ENOMEM;
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		goto out_ops;
	job->ctx = ctx;
	job->pins = kcalloc(s.count * VFG_NR_OPND, sizeof(*job->pins),
			    GFP_KERNEL);
	/* A handle per operand, and staging for each user operand. */
	job->allocs = kcalloc(s.count * VFG_NR_OPND, sizeof(*job->allocs),
			      GFP_KERNEL);
	job->descs = kvmalloc_array(VFG_RING_SIZE, sizeof(*job->descs),
				    GFP_KERNEL);
	if (!job->pins || !job->allocs || !job->descs)
		goto out_job;
	b.descs = job->descs;
	b.max = VFG_RING_SIZE;
	for (i = 0; i < s.count; i++) {
		ret = vfg_build_op(ctx, job, &b, &ops[i], i);
		if (ret)
			goto out_job;
	}
	vfg_batch_finish(&b);
	job->ndesc = b.n;

	kref_get(&ctx->ref);
	fence = vfg_queue_submit(ctx->q, job, file->f_flags & O_NONBLOCK);
	if (fence < 0) {
		kref_put(&ctx->ref, vfg_ctx_release);
		ret = fence;
		goto out_job;
	}
	/* The job is the queue's now. */
	kfree(ops);
	s.fence = fence;
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;

out_job:
	vfg_job_free(job, ctx->vf);
out_ops:
	kfree(ops);
	return ret;
}

/* Is @fence one this context can tell about? */
static int fence_known(struct vfg_ctx *ctx, u64 fence)
{
	int ret = 0;

	spin_lock(&ctx->lock);
	if (!fence || fence > ctx->submitted || fence <= ctx->forgotten)
		ret = -ENOENT;
	spin_unlock(&ctx->lock);
	return ret;
}

static bool fence_finished(struct vfg_ctx *ctx, u64 fence)
{
	bool done;

	spin_lock(&ctx->lock);
	done = ctx->finished >= fence;
	spin_unlock(&ctx->lock);
	return done;
}

/* The outcome of a finished job (VACCEL_VF_JOB_DONE or _FAILED). */
static u32 job_outcome(struct vfg_ctx *ctx, u64 fence, struct vfg_failure *out)
{
	unsigned int i;
	u32 state = VACCEL_VF_JOB_DONE;

	memset(out, 0, sizeof(*out));
	spin_lock(&ctx->lock);
	for (i = 0; i < ctx->nfail; i++) {
		const struct vfg_failure *f =
			&ctx->failures[(ctx->fhead + i) % VFG_MAX_FAILURES];

		if (f->fence == fence) {
			*out = *f;
			state = VACCEL_VF_JOB_FAILED;
			break;
		}
	}
	spin_unlock(&ctx->lock);
	return state;
}

static long vfg_wait(struct vfg_ctx *ctx, void __user *arg)
{
	struct vaccel_vf_wait w;
	struct vfg_failure f;
	long left;
	int ret;

	ret = get_arg(&w, sizeof(w), arg);
	if (ret)
		return ret;
	ret = vfg_check_head(w.argsz, sizeof(w), w.flags, w.pad);
	if (ret)
		return ret;
	ret = fence_known(ctx, w.fence);
	if (ret)
		return ret;
	if (w.timeout_ns < 0) {
		left = wait_event_interruptible(ctx->wait,
						fence_finished(ctx, w.fence));
		if (left)
			return -EINTR;
	} else if (!fence_finished(ctx, w.fence)) {
		unsigned long t = max_t(unsigned long, 1,
					nsecs_to_jiffies(w.timeout_ns));

		if (!w.timeout_ns)
			return -ETIMEDOUT;
		left = wait_event_interruptible_timeout(ctx->wait,
							fence_finished(ctx, w.fence),
							t);
		if (left < 0)
			return -EINTR;
		if (!left)
			return -ETIMEDOUT;
	}
	job_outcome(ctx, w.fence, &f);
	w.status = f.status;
	return copy_to_user(arg, &w, sizeof(w)) ? -EFAULT : 0;
}

static long vfg_job_ioctl(struct vfg_ctx *ctx, void __user *arg)
{
	struct vaccel_vf_job j;
	struct vfg_failure f;
	int ret;

	ret = get_arg(&j, sizeof(j), arg);
	if (ret)
		return ret;
	ret = vfg_check_head(j.argsz, sizeof(j), j.flags, 0);
	if (ret)
		return ret;
	ret = fence_known(ctx, j.fence);
	if (ret)
		return ret;
	if (!fence_finished(ctx, j.fence)) {
		j.state = VACCEL_VF_JOB_PENDING;
		memset(&f, 0, sizeof(f));
	} else {
		j.state = job_outcome(ctx, j.fence, &f);
	}
	j.status = f.status;
	j.hw_error = f.hw_error;
	j.op_index = f.op_index;
	return copy_to_user(arg, &j, sizeof(j)) ? -EFAULT : 0;
}

static bool vfg_gone(struct vfg_dev *vf)
{
	bool gone;

	mutex_lock(&vf->mem_lock);
	gone = vf->gone;
	mutex_unlock(&vf->mem_lock);
	return gone;
}

static long vfg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vfg_ctx *ctx = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VACCEL_VF_IOC_INFO:
	case VACCEL_VF_IOC_ALLOC:
	case VACCEL_VF_IOC_FREE:
	case VACCEL_VF_IOC_SUBMIT:
		if (vfg_gone(ctx->vf))
			return -ENODEV;
		break;
	case VACCEL_VF_IOC_WAIT:
	case VACCEL_VF_IOC_JOB:
		/* Jobs failed by the removal still tell how they ended. */
		break;
	default:
		return -ENOTTY;
	}

	switch (cmd) {
	case VACCEL_VF_IOC_INFO:
		return vfg_info(ctx, uarg);
	case VACCEL_VF_IOC_ALLOC:
		return vfg_alloc_ioctl(ctx, file, uarg);
	case VACCEL_VF_IOC_FREE:
		return vfg_free_ioctl(ctx, uarg);
	case VACCEL_VF_IOC_SUBMIT:
		return vfg_submit(ctx, file, uarg);
	case VACCEL_VF_IOC_WAIT:
		return vfg_wait(ctx, uarg);
	default:
		return vfg_job_ioctl(ctx, uarg);
	}
}

static __poll_t vfg_poll(struct file *file, struct poll_table_struct *pt)
{
	struct vfg_ctx *ctx = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &ctx->wait, pt);
	spin_lock(&ctx->lock);
	if (ctx->finished == ctx->submitted)
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&ctx->lock);
	if (vfg_gone(ctx->vf))
		mask |= EPOLLERR;
	return mask;
}

const struct file_operations vfg_fops = {
	.owner = THIS_MODULE,
	.open = vfg_open,
	.release = vfg_release,
	.unlocked_ioctl = vfg_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = vfg_poll,
	.llseek = no_llseek,
};
