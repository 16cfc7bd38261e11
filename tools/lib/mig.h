/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFIO migration v2 uapi of Linux 6.1 from the client: the device's
 * migration flags and state (VFIO_DEVICE_FEATURE with
 * VFIO_DEVICE_FEATURE_MIGRATION and _MIG_DEVICE_STATE), its data fd read
 * to the end or written in chunks; and the type1 container's dirty page
 * tracking (VFIO_IOMMU_GET_INFO's migration capability,
 * VFIO_IOMMU_DIRTY_PAGES).
 */
#ifndef _LIB_MIG_H
#define _LIB_MIG_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>
#include <linux/vfio.h>

struct vdev;

/* A saved device state: the bytes read from a STOP_COPY data fd. */
struct mig_stream {
	__u8 *buf;
	size_t len;
	size_t cap;
};

/* Device state */
const char *mig_state_name(__u32 state);
int mig_state_parse(const char *s, __u32 *state);
int mig_flags(struct vdev *v, __u64 *flags);
int mig_get(struct vdev *v, __u32 *state);
int mig_set(struct vdev *v, __u32 state, int *data_fd);

/* Data fd */
int mig_read_all(int fd, struct mig_stream *s, size_t limit);
int mig_write(int fd, const __u8 *buf, size_t len, size_t max_chunk,
	      size_t *done, unsigned int *writes);
void mig_stream_free(struct mig_stream *s);
int mig_stream_save(const struct mig_stream *s, const char *path);
int mig_stream_load(struct mig_stream *s, const char *path);

/* Dirty page tracking of the container */
int iommu_mig_cap(int container,
		  struct vfio_iommu_type1_info_cap_migration *cap);
int dirty_ctl(int container, __u32 flag);
int dirty_get(int container, __u64 iova, __u64 size, __u64 pgsize,
	      __u64 *bitmap);
bool dirty_bit(const __u64 *bitmap, __u64 page);
__u64 dirty_count(const __u64 *bitmap, __u64 pages);

#endif
