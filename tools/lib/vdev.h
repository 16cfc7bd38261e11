/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An instance opened through VFIO the way QEMU does (container, group,
 * TYPE1v2 IOMMU, device fd), what VFIO says about it, and its regions
 * through the device fd: config space, BAR0 registers, BAR2 by pread,
 * pwrite and mmap; numbers from its sysfs directory.  A failed access is a
 * failed check (report.h).
 */
#ifndef _LIB_VDEV_H
#define _LIB_VDEV_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/pci_regs.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "vaccel_regs.h"

#include "report.h"

/* vfio-pci's region layout; GET_REGION_INFO reports the same offsets. */
#define REGION_SHIFT		40
#define REGION_OFFSET(index)	((__u64)(index) << REGION_SHIFT)

#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX
#define BAR0_REGION		(VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_REGS)
#define BAR2_REGION		(VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM)

struct options;

/* An open instance, what VFIO says about it, and the checks run on it. */
struct vdev {
	const char *uuid;
	int container;
	int group;
	int device;
	int group_id;
	long page_size;
	__u64 mem_size;			/* the expected BAR2 size */
	const struct options *opts;
	struct vfio_device_info info;
	struct vfio_region_info region[VFIO_PCI_NUM_REGIONS];
	struct vfio_irq_info irq[VFIO_PCI_NUM_IRQS];
	__u8 cfg_at_open[PCI_CFG_SPACE_SIZE];	/* power-on state */
	unsigned int cap_exp;		/* capability offsets, 0 if absent */
	unsigned int cap_pm;
	unsigned int cap_msi;
	unsigned int cap_msix;
	struct report report;		/* the checks run on it */
};

extern const char *const region_names[VFIO_PCI_NUM_REGIONS];
extern const char *const irq_names[VFIO_PCI_NUM_IRQS];

/* Opening and closing */
int vdev_open(struct vdev *v, const char *uuid);
int vdev_open_in(struct vdev *v, const char *uuid, const struct vdev *peer);
void vdev_close(struct vdev *v);
int vdev_fail(struct vdev *v, const char *step);

/* sysfs: /sys/bus/mdev/devices/UUID/... */
int sysfs_u64(struct vdev *v, const char *rel, __u64 *val);
__u64 sysfs_need(struct vdev *v, const char *rel);
void mdev_type_name(const char *uuid, char *buf, size_t size);

/* Region access */
int region_rw(struct vdev *v, unsigned int index, __u64 off,
	      void *buf, size_t size, bool write);
__u32 cfg_rd(struct vdev *v, unsigned int off, unsigned int size);
bool cfg_wr(struct vdev *v, unsigned int off, unsigned int size,
	    __u32 val);
void cfg_snapshot(struct vdev *v, __u8 *cfg);
bool check_cfg_same(struct vdev *v, const char *what, const __u8 *got,
		    const __u8 *want, unsigned int size);
__u32 reg_rd(struct vdev *v, unsigned int off);
bool reg_wr(struct vdev *v, unsigned int off, __u32 val);
bool mem_rw(struct vdev *v, __u64 off, void *buf, size_t size,
	    bool write);
void *mem_map(struct vdev *v, __u64 off, size_t size);

#endif
