// SPDX-License-Identifier: GPL-2.0
/*
 * libvaccelvf: the VF driver's character device from user space
 * (vaccelvf.h).
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "queue.h"
#include "report.h"
#include "vaccelvf.h"

/* Devices */

/* Read the first line of a sysfs file into @buf, without its newline. */
static int vf_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		err = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!err)
		buf[strcspn(buf, "\n")] = '\0';
	return err;
}

/* The size of BAR @bar from a sysfs "resource" file (start end flags). */
static __u64 vf_bar_size(const char *path, unsigned int bar)
{
	unsigned long long start, end, flags;
	char line[256];
	unsigned int i;
	__u64 size = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	for (i = 0; fgets(line, sizeof(line), f); i++) {
		if (i != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start)
			size = end - start + 1;
		break;
	}
	fclose(f);
	return size;
}

/* What sysfs says about the PCI function of misc device vaccel@index. */
static void vf_dev_fill(struct vaccelvf_dev *d, unsigned int index)
{
	char dir[VACCELVF_PATH_MAX], path[VACCELVF_PATH_MAX + 16];
	char link[PATH_MAX], val[64];
	const char *base;
	ssize_t n;

	memset(d, 0, sizeof(*d));
	d->index = index;
	snprintf(d->node, sizeof(d->node), "/dev/vaccel%u", index);
	snprintf(dir, sizeof(dir), VACCELVF_MISC_DIR "/vaccel%u/device", index);
	n = readlink(dir, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		base = strrchr(link, '/');
		snprintf(d->bdf, sizeof(d->bdf), "%.*s",
			 (int)sizeof(d->bdf) - 1, base ? base + 1 : link);
	}
	snprintf(path, sizeof(path), "%s/vendor", dir);
	if (!vf_read_line(path, val, sizeof(val)))
		d->vendor = strtoul(val, NULL, 16);
	snprintf(path, sizeof(path), "%s/device", dir);
	if (!vf_read_line(path, val, sizeof(val)))
		d->device = strtoul(val, NULL, 16);
	snprintf(path, sizeof(path), "%s/resource", dir);
	d->bar2_size = vf_bar_size(path, 2);
}

static int vf_index_cmp(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int vaccelvf_list(struct vaccelvf_dev *devs, unsigned int max,
		  unsigned int *count)
{
	unsigned int *idx = NULL, *more, n = 0, room = 0, i;
	struct dirent *de;
	char *end;
	unsigned long v;
	DIR *dir;

	*count = 0;
	dir = opendir(VACCELVF_MISC_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "vaccel", 6) || !isdigit(de->d_name[6]))
			continue;
		v = strtoul(de->d_name + 6, &end, 10);
		if (*end || v > UINT_MAX)
			continue;
		if (n == room) {
			room = room ? 2 * room : 16;
			more = realloc(idx, room * sizeof(*idx));
			if (!more) {
				free(idx);
				closedir(dir);
				return -ENOMEM;
			}
			idx = more;
		}
		idx[n++] = v;
	}
	closedir(dir);
	if (n)
		qsort(idx, n, sizeof(*idx), vf_index_cmp);
	for (i = 0; i < n && i < max; i++)
		vf_dev_fill(&devs[i], idx[i]);
	free(idx);
	*count = n;
	return 0;
}

int vaccelvf_default_node(char *node, size_t size)
{
	struct vaccelvf_dev d;
	unsigned int n;
	int err;

	err = vaccelvf_list(&d, 1, &n);
	if (err)
		return err;
	if (!n)
		return -ENODEV;
	if ((size_t)snprintf(node, size, "%s", d.node) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Contexts */

int vaccelvf_open(struct vaccelvf_ctx *ctx, const char *node, int flags)
{
	struct stat st;

	memset(ctx, 0, sizeof(*ctx));
	snprintf(ctx->node, sizeof(ctx->node), "%s", node);
	ctx->fd = open(node, O_RDWR | O_CLOEXEC | flags);
	if (ctx->fd < 0)
		return -errno;
	if (!fstat(ctx->fd, &st) && S_ISCHR(st.st_mode))
		snprintf(ctx->sysfs, sizeof(ctx->sysfs), "/sys/dev/char/%u:%u",
			 major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

int vaccelvf_close(struct vaccelvf_ctx *ctx)
{
	int err = 0;

	if (ctx->fd < 0)
		return 0;
	if (close(ctx->fd))
		err = -errno;
	ctx->fd = -1;
	return err;
}

int vaccelvf_sysfs_path(const struct vaccelvf_ctx *ctx, const char *attr,
			char *buf, size_t size)
{
	if (!ctx->sysfs[0])
		return -ENODEV;
	if ((size_t)snprintf(buf, size, "%s/device/%s", ctx->sysfs, attr) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int vaccelvf_reset(const struct vaccelvf_ctx *ctx)
{
	char path[VACCELVF_PATH_MAX + 32];
	int fd, err;

	err = vaccelvf_sysfs_path(ctx, "reset", path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return err;
}

static int vf_ioctl(const struct vaccelvf_ctx *ctx, unsigned long req,
		    void *arg)
{
	return ioctl(ctx->fd, req, arg) ? -errno : 0;
}

int vaccelvf_info(const struct vaccelvf_ctx *ctx, struct vaccel_vf_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return vf_ioctl(ctx, VACCEL_VF_IOC_INFO, info);
}

/* Device memory */

int vaccelvf_alloc(const struct vaccelvf_ctx *ctx, __u64 size, __u32 *handle,
		   __u64 *offset)
{
	struct vaccel_vf_alloc a = { .argsz = sizeof(a), .size = size };
	int err;

	err = vf_ioctl(ctx, VACCEL_VF_IOC_ALLOC, &a);
	if (err)
		return err;
	*handle = a.handle;
	if (offset)
		*offset = a.offset;
	return 0;
}

int vaccelvf_free(const struct vaccelvf_ctx *ctx, __u32 handle)
{
	struct vaccel_vf_free f = { .argsz = sizeof(f), .handle = handle };

	return vf_ioctl(ctx, VACCEL_VF_IOC_FREE, &f);
}

/* Operands and batches */

struct vaccel_vf_operand vaccelvf_user(const void *p)
{
	return (struct vaccel_vf_operand){
		.addr = (uintptr_t)p, .kind = VACCEL_VF_OPND_USER,
	};
}

struct vaccel_vf_operand vaccelvf_dev(__u32 handle, __u64 offset)
{
	return (struct vaccel_vf_operand){
		.addr = offset, .handle = handle, .kind = VACCEL_VF_OPND_DEV,
	};
}

void vaccelvf_batch_init(struct vaccelvf_batch *b)
{
	b->count = 0;
}

struct vaccel_vf_op *vaccelvf_batch_add(struct vaccelvf_batch *b)
{
	struct vaccel_vf_op *op;

	if (b->count >= VACCEL_VF_MAX_OPS)
		return NULL;
	op = &b->ops[b->count++];
	memset(op, 0, sizeof(*op));
	return op;
}

/* A new operation of @opcode in @b, or NULL if @b is full. */
static struct vaccel_vf_op *vf_add(struct vaccelvf_batch *b, __u16 opcode)
{
	struct vaccel_vf_op *op = vaccelvf_batch_add(b);

	if (op)
		op->opcode = opcode;
	return op;
}

int vaccelvf_add_nop(struct vaccelvf_batch *b)
{
	return vf_add(b, VACCEL_OP_NOP) ? 0 : -ENOSPC;
}

int vaccelvf_add_fence(struct vaccelvf_batch *b, __u64 value)
{
	struct vaccel_vf_op *op = vf_add(b, VACCEL_OP_FENCE);

	if (!op)
		return -ENOSPC;
	op->value = value;
	return 0;
}

int vaccelvf_add_copy(struct vaccelvf_batch *b, struct vaccel_vf_operand dst,
		      struct vaccel_vf_operand src, __u32 len)
{
	struct vaccel_vf_op *op = vf_add(b, VACCEL_OP_COPY);

	if (!op)
		return -ENOSPC;
	op->dst = dst;
	op->src = src;
	op->len = len;
	return 0;
}

int vaccelvf_add_fill(struct vaccelvf_batch *b, struct vaccel_vf_operand dst,
		      __u32 len, __u64 value)
{
	struct vaccel_vf_op *op = vf_add(b, VACCEL_OP_FILL);

	if (!op)
		return -ENOSPC;
	op->dst = dst;
	op->len = len;
	op->value = value;
	return 0;
}

int vaccelvf_add_crc32c(struct vaccelvf_batch *b, struct vaccel_vf_operand dst,
			struct vaccel_vf_operand src, __u32 len, __u32 seed)
{
	struct vaccel_vf_op *op = vf_add(b, VACCEL_OP_CRC32C);

	if (!op)
		return -ENOSPC;
	op->dst = dst;
	op->src = src;
	op->len = len;
	op->value = seed;
	return 0;
}

int vaccelvf_add_gemm(struct vaccelvf_batch *b, struct vaccel_vf_operand c,
		      struct vaccel_vf_operand a, struct vaccel_vf_operand bm,
		      __u32 m, __u32 n, __u32 k)
{
	struct vaccel_vf_op *op = vf_add(b, VACCEL_OP_GEMM);

	if (!op)
		return -ENOSPC;
	op->dst = c;
	op->src = a;
	op->src2 = bm;
	op->m = m;
	op->n = n;
	op->k = k;
	return 0;
}

int vaccelvf_add_busy(struct vaccelvf_batch *b, __u64 ns)
{
	struct vaccel_vf_op *op = vf_add(b, VACCEL_OP_BUSY);

	if (!op)
		return -ENOSPC;
	op->value = ns;
	return 0;
}

/* Jobs */

int vaccelvf_submit_ops(const struct vaccelvf_ctx *ctx,
			const struct vaccel_vf_op *ops, unsigned int count,
			__u64 *fence)
{
	struct vaccel_vf_submit s = {
		.argsz = sizeof(s),
		.ops = (uintptr_t)ops,
		.count = count,
		.op_size = sizeof(*ops),
	};
	int err;

	err = vf_ioctl(ctx, VACCEL_VF_IOC_SUBMIT, &s);
	if (!err)
		*fence = s.fence;
	return err;
}

int vaccelvf_submit(const struct vaccelvf_ctx *ctx,
		    const struct vaccelvf_batch *b, __u64 *fence)
{
	return vaccelvf_submit_ops(ctx, b->ops, b->count, fence);
}

int vaccelvf_wait(const struct vaccelvf_ctx *ctx, __u64 fence,
		  __s64 timeout_ns, int *status)
{
	struct vaccel_vf_wait w = {
		.argsz = sizeof(w),
		.fence = fence,
		.timeout_ns = timeout_ns,
	};
	int err;

	err = vf_ioctl(ctx, VACCEL_VF_IOC_WAIT, &w);
	/* The driver says how a job failed with a negative errno. */
	if (!err && status)
		*status = -w.status;
	return err;
}

int vaccelvf_job(const struct vaccelvf_ctx *ctx, __u64 fence,
		 struct vaccel_vf_job *job)
{
	memset(job, 0, sizeof(*job));
	job->argsz = sizeof(*job);
	job->fence = fence;
	return vf_ioctl(ctx, VACCEL_VF_IOC_JOB, job);
}

int vaccelvf_run(const struct vaccelvf_ctx *ctx,
		 const struct vaccelvf_batch *b, __u64 *fence)
{
	__u64 f;
	int err, status;

	err = vaccelvf_submit(ctx, b, &f);
	if (err)
		return err;
	if (fence)
		*fence = f;
	do {
		err = vaccelvf_wait(ctx, f, -1, &status);
	} while (err == -EINTR);
	if (err)
		return err;
	return -status;
}

int vaccelvf_poll(const struct vaccelvf_ctx *ctx, int timeout_ms)
{
	struct pollfd p = { .fd = ctx->fd, .events = POLLIN };
	int n;

	n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ENODEV;
	return (p.revents & POLLIN) ? 1 : 0;
}

/* Names and memory */

const char *vaccelvf_strjob(const struct vaccelvf_ctx *ctx,
			    const struct vaccelvf_batch *b, __u64 fence,
			    int err, char *buf, size_t size)
{
	struct vaccel_vf_job job;
	const char *op = "?";

	if (err != -EIO || vaccelvf_job(ctx, fence, &job) ||
	    job.state != VACCEL_VF_JOB_FAILED) {
		snprintf(buf, size, "%s", err ? errname(err) : "success");
		return buf;
	}
	if (b && job.op_index < b->count)
		op = vaccelvf_op_name(b->ops[job.op_index].opcode);
	snprintf(buf, size, "EIO: the device refused operation %u (%s): %s",
		 job.op_index, op, vaccelvf_qerr_name(job.hw_error));
	return buf;
}

const char *vaccelvf_qerr_name(__u32 code)
{
	return qerr_name(code);
}

const char *vaccelvf_op_name(unsigned int opcode)
{
	static const char *const names[VACCEL_OP_COUNT] = {
		"NOP", "FENCE", "COPY", "FILL", "CRC32C", "GEMM", "BUSY",
	};

	return opcode < VACCEL_OP_COUNT ? names[opcode] : "?";
}

const char *vaccelvf_irq_name(__u32 mode)
{
	switch (mode) {
	case VACCEL_VF_IRQ_MSIX:
		return "msix";
	case VACCEL_VF_IRQ_MSI:
		return "msi";
	case VACCEL_VF_IRQ_INTX:
		return "intx";
	}
	return "?";
}

const char *vaccelvf_job_state_name(__u32 state)
{
	switch (state) {
	case VACCEL_VF_JOB_PENDING:
		return "pending";
	case VACCEL_VF_JOB_DONE:
		return "done";
	case VACCEL_VF_JOB_FAILED:
		return "failed";
	}
	return "?";
}

void *vaccelvf_buf_alloc(size_t size)
{
	void *p;

	if (!size)
		size = 1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void vaccelvf_buf_free(void *p, size_t size)
{
	if (p)
		munmap(p, size ? size : 1);
}
