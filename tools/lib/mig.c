// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO migration v2 uapi and the container's dirty page tracking from
 * the client (mig.h).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "mig.h"
#include "util.h"
#include "vdev.h"

static const char *const mig_states[] = {
	[VFIO_DEVICE_STATE_ERROR] = "ERROR",
	[VFIO_DEVICE_STATE_STOP] = "STOP",
	[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
	[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
	[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
	[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
};

const char *mig_state_name(__u32 state)
{
	return state < ARRAY_SIZE(mig_states) ? mig_states[state] : "?";
}

/* A state by its name, any case ("stop_copy", "RUNNING_P2P"). */
int mig_state_parse(const char *s, __u32 *state)
{
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(mig_states); i++)
		if (!strcasecmp(s, mig_states[i])) {
			*state = i;
			return 0;
		}
	return -EINVAL;
}

/* VFIO_DEVICE_FEATURE with @size bytes of data: 0 or the negative errno. */
static int feature(struct vdev *v, __u32 flags, void *data, size_t size)
{
	struct vfio_device_feature *f;
	int err = 0;

	f = calloc(1, sizeof(*f) + size);
	if (!f)
		return -ENOMEM;
	f->argsz = sizeof(*f) + size;
	f->flags = flags;
	memcpy(f->data, data, size);
	if (ioctl(v->device, VFIO_DEVICE_FEATURE, f))
		err = -errno;
	else
		memcpy(data, f->data, size);
	free(f);
	return err;
}

/* VFIO_DEVICE_FEATURE_MIGRATION: VFIO_MIGRATION_STOP_COPY, _P2P... */
int mig_flags(struct vdev *v, __u64 *flags)
{
	struct vfio_device_feature_migration m = { 0 };
	int err = feature(v, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m));

	*flags = err ? 0 : m.flags;
	return err;
}

int mig_get(struct vdev *v, __u32 *state)
{
	struct vfio_device_feature_mig_state st = { .data_fd = -1 };
	int err = feature(v, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st, sizeof(st));

	*state = err ? VFIO_DEVICE_STATE_ERROR : st.device_state;
	return err;
}

/*
 * SET @state; *@data_fd (if not NULL) gets the data fd an arc into
 * STOP_COPY or RESUMING opens, else -1.  0 or the negative errno.
 */
int mig_set(struct vdev *v, __u32 state, int *data_fd)
{
	struct vfio_device_feature_mig_state st = {
		.device_state = state,
		.data_fd = -1,
	};
	int err = feature(v, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st, sizeof(st));

	if (data_fd)
		*data_fd = err ? -1 : st.data_fd;
	else if (!err && st.data_fd >= 0)
		close(st.data_fd);
	return err;
}

/* Data fd */

static int stream_grow(struct mig_stream *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 1024 * 1024;
	__u8 *p;

	while (cap < need)
		cap *= 2;
	if (cap == s->cap)
		return 0;
	p = realloc(s->buf, cap);
	if (!p)
		return -ENOMEM;
	s->buf = p;
	s->cap = cap;
	return 0;
}

/*
 * Read @fd until EOF into @s, or until @limit bytes have been read (0: no
 * limit).  0, or the negative errno of a read (s->len says how far it got).
 */
int mig_read_all(int fd, struct mig_stream *s, size_t limit)
{
	const size_t chunk = 1024 * 1024;
	size_t want;
	ssize_t n;
	int err;

	for (;;) {
		err = stream_grow(s, s->len + chunk);
		if (err)
			return err;
		want = chunk;
		if (limit && limit - s->len < want)
			want = limit - s->len;
		if (!want)
			return 0;
		n = read(fd, s->buf + s->len, want);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		s->len += n;
	}
}

/*
 * Write @len bytes to @fd in chunks of 1 to @max_chunk bytes of random
 * size (the stream's segmentation must not matter).  *@done: the bytes
 * written, *@writes the write() calls made.  0 or the negative errno.
 */
int mig_write(int fd, const __u8 *buf, size_t len, size_t max_chunk,
	      size_t *done, unsigned int *writes)
{
	size_t n;
	ssize_t w;

	*done = 0;
	*writes = 0;
	while (*done < len) {
		switch (rnd() % 4) {
		case 0:		/* small and odd */
			n = rnd_between(1, 61);
			break;
		case 1:		/* whole pages */
			n = 4096 * rnd_between(1, 16);
			break;
		default:
			n = rnd_between(1, max_chunk);
			break;
		}
		if (n > len - *done)
			n = len - *done;
		w = write(fd, buf + *done, n);
		(*writes)++;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (!w)
			return -EIO;
		*done += w;
	}
	return 0;
}

void mig_stream_free(struct mig_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

int mig_stream_save(const struct mig_stream *s, const char *path)
{
	size_t off = 0;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < s->len) {
		n = write(fd, s->buf + off, s->len - off);
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		off += n;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int mig_stream_load(struct mig_stream *s, const char *path)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = mig_read_all(fd, s, 0);
	close(fd);
	return err;
}

/* Dirty page tracking */

/*
 * VFIO_IOMMU_GET_INFO's VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION: 0, -ENOENT
 * when the container has no such capability, or the negative errno.
 */
int iommu_mig_cap(int container,
		  struct vfio_iommu_type1_info_cap_migration *cap)
{
	struct vfio_iommu_type1_info *info;
	struct vfio_info_cap_header *h;
	__u32 argsz = sizeof(*info), off;
	int err = 0;

	info = calloc(1, argsz);
	if (!info)
		return -ENOMEM;
	info->argsz = argsz;
	if (ioctl(container, VFIO_IOMMU_GET_INFO, info)) {
		err = -errno;
		goto out;
	}
	if (info->argsz > argsz) {	/* room for the capability chain */
		argsz = info->argsz;
		free(info);
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		if (ioctl(container, VFIO_IOMMU_GET_INFO, info)) {
			err = -errno;
			goto out;
		}
	}
	err = -ENOENT;
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS))
		goto out;
	for (off = info->cap_offset; off && off + sizeof(*h) <= argsz;
	     off = h->next) {
		h = (struct vfio_info_cap_header *)((__u8 *)info + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION &&
		    off + sizeof(*cap) <= argsz) {
			memcpy(cap, h, sizeof(*cap));
			err = 0;
			break;
		}
	}
out:
	free(info);
	return err;
}

/* VFIO_IOMMU_DIRTY_PAGES with _FLAG_START or _FLAG_STOP. */
int dirty_ctl(int container, __u32 flag)
{
	struct vfio_iommu_type1_dirty_bitmap d = {
		.argsz = sizeof(d),
		.flags = flag,
	};

	return ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &d) ? -errno : 0;
}

/*
 * _FLAG_GET_BITMAP of [@iova, @iova + @size) in pages of @pgsize into
 * @bitmap (a bit per page, rounded up to 64-bit words; type1 clears what it
 * reported).  0 or the negative errno.
 */
int dirty_get(int container, __u64 iova, __u64 size, __u64 pgsize,
	      __u64 *bitmap)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap d;
		struct vfio_iommu_type1_dirty_bitmap_get g;
	} arg = {
		.d = {
			.argsz = sizeof(arg),
			.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		},
		.g = {
			.iova = iova,
			.size = size,
			.bitmap = {
				.pgsize = pgsize,
				.size = (size / pgsize + 63) / 64 * 8,
				.data = bitmap,
			},
		},
	};

	return ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &arg) ? -errno : 0;
}

/* Page @page of a bitmap from dirty_get(): marked? */
bool dirty_bit(const __u64 *bitmap, __u64 page)
{
	return bitmap[page / 64] >> (page % 64) & 1;
}

/* Pages marked among the first @pages of a bitmap. */
__u64 dirty_count(const __u64 *bitmap, __u64 pages)
{
	__u64 p, n = 0;

	for (p = 0; p < pages; p++)
		n += dirty_bit(bitmap, p);
	return n;
}
