// SPDX-License-Identifier: GPL-2.0
/*
 * An instance through VFIO (vdev.h): open and close it the way QEMU does,
 * ask VFIO about it, and access its regions through the device fd.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_regs.h"

#include "pci_cap.h"
#include "report.h"
#include "vdev.h"

const char *const region_names[VFIO_PCI_NUM_REGIONS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config", "VGA",
};

const char *const irq_names[VFIO_PCI_NUM_IRQS] = {
	"INTx", "MSI", "MSI-X", "ERR", "REQ",
};

/* A setup step failed with errno: say which, on stderr; returns -1. */
int vdev_fail(struct vdev *v, const char *step)
{
	int err = errno;

	fprintf(stderr, "vaccel-vfio: %s: %s: %s (%s)\n", v->uuid, step,
		strerror(err), errname(err));
	return -1;
}

/* sysfs */

/* Read a number from /sys/bus/mdev/devices/UUID/@rel. */
int sysfs_u64(struct vdev *v, const char *rel, __u64 *val)
{
	char path[PATH_MAX], buf[64], *end;
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/%s", v->uuid,
		 rel);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!ok)
		return -EIO;
	*val = strtoull(buf, &end, 0);
	return end == buf ? -EINVAL : 0;
}

/* The name of @uuid's type: its mdev_type link's target, "?" if none. */
void mdev_type_name(const char *uuid, char *buf, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/mdev_type",
		 uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(buf, size, "?");
		return;
	}
	target[n] = '\0';
	snprintf(buf, size, "%s", basename(target));
}

/* A sysfs number that a check needs; records a failure if unreadable. */
__u64 sysfs_need(struct vdev *v, const char *rel)
{
	__u64 val = 0;
	int err = sysfs_u64(v, rel, &val);

	if (err)
		check(&v->report, false, "sysfs %s of %s: %s", rel, v->uuid,
		      errname(err));
	return val;
}

/* Opening and closing, the QEMU way */

static int find_group(struct vdev *v)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group",
		 v->uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return vdev_fail(v, "iommu_group");
	target[n] = '\0';
	return atoi(basename(target));
}

void vdev_close(struct vdev *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->device = -1;
	v->group = -1;
	v->container = -1;
}

/* Device info, region and irq info, power-on config space, capabilities. */
static int vdev_query(struct vdev *v)
{
	unsigned int pos[MAX_CAPS], i;
	int n;

	v->info.argsz = sizeof(v->info);
	if (ioctl(v->device, VFIO_DEVICE_GET_INFO, &v->info))
		return vdev_fail(v, "VFIO_DEVICE_GET_INFO");
	for (i = 0; i < VFIO_PCI_NUM_REGIONS && i < v->info.num_regions; i++) {
		v->region[i].argsz = sizeof(v->region[i]);
		v->region[i].index = i;
		if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &v->region[i]))
			return vdev_fail(v, "VFIO_DEVICE_GET_REGION_INFO");
	}
	for (i = 0; i < VFIO_PCI_NUM_IRQS && i < v->info.num_irqs; i++) {
		v->irq[i].argsz = sizeof(v->irq[i]);
		v->irq[i].index = i;
		if (ioctl(v->device, VFIO_DEVICE_GET_IRQ_INFO, &v->irq[i]))
			return vdev_fail(v, "VFIO_DEVICE_GET_IRQ_INFO");
	}

	/* Every user finds the function at power-on (the last close reset it). */
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i += 4) {
		n = region_rw(v, CFG_REGION, i, v->cfg_at_open + i, 4, false);
		if (n) {
			errno = -n;
			return vdev_fail(v, "config space read");
		}
	}
	n = cap_walk(v->cfg_at_open, pos, MAX_CAPS);
	while (n-- > 0) {
		switch (v->cfg_at_open[pos[n] + PCI_CAP_LIST_ID]) {
		case PCI_CAP_ID_EXP:
			v->cap_exp = pos[n];
			break;
		case PCI_CAP_ID_PM:
			v->cap_pm = pos[n];
			break;
		case PCI_CAP_ID_MSI:
			v->cap_msi = pos[n];
			break;
		case PCI_CAP_ID_MSIX:
			v->cap_msix = pos[n];
			break;
		}
	}
	return 0;
}

/* Container, group, IOMMU model, device: the order QEMU uses. */
int vdev_open(struct vdev *v, const char *uuid)
{
	return vdev_open_in(v, uuid, NULL);
}

/*
 * The same, with the group joining @peer's container when @peer is not
 * NULL, as a VMM puts every device of a guest in one container: they share
 * its IOVA mappings.  The vdev holds its own dup() of the container fd.
 */
int vdev_open_in(struct vdev *v, const char *uuid, const struct vdev *peer)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	memset(v, 0, sizeof(*v));
	v->uuid = uuid;
	v->container = -1;
	v->group = -1;
	v->device = -1;
	v->page_size = sysconf(_SC_PAGESIZE);

	v->group_id = find_group(v);
	if (v->group_id < 0)
		return -1;

	if (peer) {
		v->container = fcntl(peer->container, F_DUPFD_CLOEXEC, 0);
		if (v->container < 0)
			return vdev_fail(v, "dup of the peer's container fd");
	} else {
		v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
		if (v->container < 0)
			return vdev_fail(v, "open /dev/vfio/vfio");
	}
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		errno = EINVAL;
		return vdev_fail(v, "VFIO_GET_API_VERSION");
	}
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		errno = ENODEV;
		return vdev_fail(v, "VFIO_CHECK_EXTENSION(TYPE1v2)");
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", v->group_id);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return vdev_fail(v, path);
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status))
		return vdev_fail(v, "VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return vdev_fail(v, "group not viable");
	}
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return vdev_fail(v, "VFIO_GROUP_SET_CONTAINER");
	/* A container's IOMMU model is set once, by its first group. */
	if (!peer && ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return vdev_fail(v, "VFIO_SET_IOMMU");

	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (v->device < 0)
		return vdev_fail(v, "VFIO_GROUP_GET_DEVICE_FD");
	return vdev_query(v);
}

/* Region access */

/*
 * Read or write @size bytes at @off of region @index with one pread or
 * pwrite on the device fd.  Returns 0, the negative errno, or -EIO for a
 * short transfer.
 */
int region_rw(struct vdev *v, unsigned int index, __u64 off,
	      void *buf, size_t size, bool write)
{
	__u64 base = REGION_OFFSET(index);
	ssize_t n;

	if (index < VFIO_PCI_NUM_REGIONS && v->region[index].argsz)
		base = v->region[index].offset;
	if (write)
		n = pwrite(v->device, buf, size, base + off);
	else
		n = pread(v->device, buf, size, base + off);
	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EIO;
}

/* Config space: a failed access is a failed check and reads all ones. */
__u32 cfg_rd(struct vdev *v, unsigned int off, unsigned int size)
{
	__u32 le = 0;
	int err = region_rw(v, CFG_REGION, off, &le, size, false);

	if (err) {
		check(&v->report, false, "config: %u-byte read at %#x: %s",
		      size, off, errname(err));
		return ~0U >> (32 - 8 * size);
	}
	return le32toh(le);
}

bool cfg_wr(struct vdev *v, unsigned int off, unsigned int size,
	    __u32 val)
{
	__u32 le = htole32(val);
	int err = region_rw(v, CFG_REGION, off, &le, size, true);

	if (err)
		return check(&v->report, false,
			     "config: %u-byte write of %#x at %#x: %s",
			     size, val, off, errname(err));
	return true;
}

/* Whole standard config space, in 4-byte reads. */
void cfg_snapshot(struct vdev *v, __u8 *cfg)
{
	unsigned int off;
	__u32 val;

	for (off = 0; off < PCI_CFG_SPACE_SIZE; off += 4) {
		val = cfg_rd(v, off, 4);
		cfg[off] = val;
		cfg[off + 1] = val >> 8;
		cfg[off + 2] = val >> 16;
		cfg[off + 3] = val >> 24;
	}
}

/* Compare config snapshots; names the first difference. */
bool check_cfg_same(struct vdev *v, const char *what, const __u8 *got,
		    const __u8 *want, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size && got[i] == want[i]; i++)
		;
	if (i == size)
		return check(&v->report, true, "%s: all %u bytes as expected",
			     what, size);
	return check(&v->report, false, "%s: byte %#x is %#04x, expected %#04x",
		     what, i, got[i], want[i]);
}

/* BAR0 registers: aligned 32-bit accesses. */
__u32 reg_rd(struct vdev *v, unsigned int off)
{
	__u32 le = 0;
	int err = region_rw(v, BAR0_REGION, off, &le, 4, false);

	if (err) {
		check(&v->report, false, "BAR0: read at %#x: %s", off,
		      errname(err));
		return ~0U;
	}
	return le32toh(le);
}

bool reg_wr(struct vdev *v, unsigned int off, __u32 val)
{
	__u32 le = htole32(val);
	int err = region_rw(v, BAR0_REGION, off, &le, 4, true);

	if (err)
		return check(&v->report, false, "BAR0: write of %#x at %#x: %s",
			     val, off, errname(err));
	return true;
}

/* BAR2 device memory, through the fd. */
bool mem_rw(struct vdev *v, __u64 off, void *buf, size_t size,
	    bool write)
{
	int err = region_rw(v, BAR2_REGION, off, buf, size, write);

	if (err)
		return check(&v->report, false,
			     "BAR2: %zu-byte %s at %#llx: %s", size,
			     write ? "pwrite" : "pread", off, errname(err));
	return true;
}

/* mmap @size bytes of BAR2 at @off; NULL (and a failed check) if refused. */
void *mem_map(struct vdev *v, __u64 off, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       v->device, v->region[BAR2_REGION].offset + off);

	if (p == MAP_FAILED) {
		check(&v->report, false, "mmap of BAR2, %zu bytes at %#llx: %s",
		      size, off, errname(-errno));
		return NULL;
	}
	return p;
}

