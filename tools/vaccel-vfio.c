// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio: a userspace VFIO client for vaccel instances.
 *
 * It opens an instance the way QEMU does (VFIO container, group, TYPE1v2
 * IOMMU, device fd) and then drives it through the device fd alone: reads
 * and writes of the regions at the offsets VFIO_DEVICE_GET_REGION_INFO
 * gives, mmap of BAR2, VFIO_DEVICE_SET_IRQS with eventfds, and
 * VFIO_DEVICE_RESET.
 *
 *   vaccel-vfio info UUID        device info, every region and irq index
 *   vaccel-vfio config UUID      config space hex dump and capabilities
 *   vaccel-vfio bars UUID        BAR sizing through config space
 *   vaccel-vfio mem UUID         BAR2 through mmap, pread and pwrite
 *   vaccel-vfio irq UUID         MSI-X, MSI and INTx through eventfds
 *   vaccel-vfio reset UUID       VFIO_DEVICE_RESET and FLR
 *   vaccel-vfio check UUID       identity, then all of the above
 *   vaccel-vfio refusals UUID    bad accesses and ioctls fail with the
 *                                right errno and change nothing
 *   vaccel-vfio hold UUID        keep it open until SIGINT or SIGTERM
 *                                (prints "holding" once open)
 *   vaccel-vfio req UUID         arm the REQ eventfd, print "armed", wait
 *                                until the kernel asks for the device
 *                                back (someone removes the instance),
 *                                close it
 *
 * Options: --mem-size BYTES (info, bars, mem, check: the expected BAR2
 * size, default the instance's sysfs memory_size; K, M, G suffixes
 * allowed), --other UUID2 (refusals: a second instance, on the same card,
 * whose state must survive everything done to the first).
 *
 * Every check prints "ok" or "FAIL" and what it checked.  Exit status: 0
 * when every check passed, 1 when a check or an operation failed (the last
 * line, on stderr, names the first failure), 2 on bad usage.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_regs.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* vfio-pci's region layout; GET_REGION_INFO reports the same offsets. */
#define REGION_SHIFT		40
#define REGION_OFFSET(index)	((__u64)(index) << REGION_SHIFT)

#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX
#define BAR0_REGION		(VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_REGS)
#define BAR2_REGION		(VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM)

#define FIRE_TIMEOUT_MS		2000	/* wait this long for an interrupt */
#define QUIET_MS		100	/* no interrupt within this: none */
#define MAX_CAPS		48	/* (256 - 64) / 4 */

struct options {
	__u64 mem_size;			/* --mem-size, 0 if not given */
	const char *other;		/* --other */
};

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
	unsigned int checks;
	unsigned int failures;
	char first_failure[256];
};

static const char *const region_names[VFIO_PCI_NUM_REGIONS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config", "VGA",
};

static const char *const irq_names[VFIO_PCI_NUM_IRQS] = {
	"INTx", "MSI", "MSI-X", "ERR", "REQ",
};

/* Reporting */

static const char *errname(int err)
{
	if (!err)
		return "success";
	if (err < 0)
		err = -err;
	return strerrorname_np(err) ?: "E?";
}

/* A setup step failed with errno: say which, on stderr; returns -1. */
static int vdev_fail(struct vdev *v, const char *step)
{
	int err = errno;

	fprintf(stderr, "vaccel-vfio: %s: %s: %s (%s)\n", v->uuid, step,
		strerror(err), errname(err));
	return -1;
}

static void section(const char *title)
{
	printf("== %s\n", title);
}

/* Record a check: prints "ok" or "FAIL" and what was checked. */
[[gnu::format(printf, 3, 4)]]
static bool check(struct vdev *v, bool ok, const char *fmt, ...)
{
	char what[sizeof(v->first_failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	v->checks++;
	printf("  %-5s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok && !v->failures++)
		snprintf(v->first_failure, sizeof(v->first_failure), "%s", what);
	return ok;
}

static bool check_eq(struct vdev *v, const char *what, __u64 got, __u64 want)
{
	if (got == want)
		return check(v, true, "%s = %#llx", what, got);
	return check(v, false, "%s = %#llx, expected %#llx", what, got, want);
}

/* A refusal: @got is 0 or the negative errno the operation gave. */
static bool check_errno(struct vdev *v, const char *what, int got, int want)
{
	if (got == want)
		return check(v, true, "%s: %s", what, errname(got));
	return check(v, false, "%s: %s, expected %s", what, errname(got),
		     errname(want));
}

/* Something worth saying that is not a failed check. */
[[gnu::format(printf, 1, 2)]]
static void remark(const char *fmt, ...)
{
	va_list ap;

	printf("  note  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Little endian values in byte arrays (config space snapshots). */
static __u32 get_le(const __u8 *b, unsigned int off, unsigned int size)
{
	__u32 val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (__u32)b[off + i] << (8 * i);
	return val;
}

/* sysfs */

/* Read a number from /sys/bus/mdev/devices/UUID/@rel. */
static int sysfs_u64(struct vdev *v, const char *rel, __u64 *val)
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

/* A sysfs number that a check needs; records a failure if unreadable. */
static __u64 sysfs_need(struct vdev *v, const char *rel)
{
	__u64 val = 0;
	int err = sysfs_u64(v, rel, &val);

	if (err)
		check(v, false, "sysfs %s of %s: %s", rel, v->uuid,
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

static void vdev_close(struct vdev *v)
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

static int region_rw(struct vdev *v, unsigned int index, __u64 off,
		     void *buf, size_t size, bool write);
static int cap_walk(const __u8 *cfg, unsigned int *pos, unsigned int max);

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
static int vdev_open(struct vdev *v, const char *uuid)
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

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return vdev_fail(v, "open /dev/vfio/vfio");
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
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
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
static int region_rw(struct vdev *v, unsigned int index, __u64 off,
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
static __u32 cfg_rd(struct vdev *v, unsigned int off, unsigned int size)
{
	__u32 le = 0;
	int err = region_rw(v, CFG_REGION, off, &le, size, false);

	if (err) {
		check(v, false, "config: %u-byte read at %#x: %s", size, off,
		      errname(err));
		return ~0U >> (32 - 8 * size);
	}
	return le32toh(le);
}

static bool cfg_wr(struct vdev *v, unsigned int off, unsigned int size,
		   __u32 val)
{
	__u32 le = htole32(val);
	int err = region_rw(v, CFG_REGION, off, &le, size, true);

	if (err)
		return check(v, false, "config: %u-byte write of %#x at %#x: %s",
			     size, val, off, errname(err));
	return true;
}

/* Whole standard config space, in 4-byte reads. */
static void cfg_snapshot(struct vdev *v, __u8 *cfg)
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
static bool check_cfg_same(struct vdev *v, const char *what, const __u8 *got,
			   const __u8 *want, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size && got[i] == want[i]; i++)
		;
	if (i == size)
		return check(v, true, "%s: all %u bytes as expected", what,
			     size);
	return check(v, false, "%s: byte %#x is %#04x, expected %#04x", what, i,
		     got[i], want[i]);
}

/* BAR0 registers: aligned 32-bit accesses. */
static __u32 reg_rd(struct vdev *v, unsigned int off)
{
	__u32 le = 0;
	int err = region_rw(v, BAR0_REGION, off, &le, 4, false);

	if (err) {
		check(v, false, "BAR0: read at %#x: %s", off, errname(err));
		return ~0U;
	}
	return le32toh(le);
}

static bool reg_wr(struct vdev *v, unsigned int off, __u32 val)
{
	__u32 le = htole32(val);
	int err = region_rw(v, BAR0_REGION, off, &le, 4, true);

	if (err)
		return check(v, false, "BAR0: write of %#x at %#x: %s", val, off,
			     errname(err));
	return true;
}

/* BAR2 device memory, through the fd. */
static bool mem_rw(struct vdev *v, __u64 off, void *buf, size_t size,
		   bool write)
{
	int err = region_rw(v, BAR2_REGION, off, buf, size, write);

	if (err)
		return check(v, false, "BAR2: %zu-byte %s at %#llx: %s", size,
			     write ? "pwrite" : "pread", off, errname(err));
	return true;
}

/* mmap @size bytes of BAR2 at @off; NULL (and a failed check) if refused. */
static void *mem_map(struct vdev *v, __u64 off, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       v->device, v->region[BAR2_REGION].offset + off);

	if (p == MAP_FAILED) {
		check(v, false, "mmap of BAR2, %zu bytes at %#llx: %s", size, off,
		      errname(-errno));
		return NULL;
	}
	return p;
}

/* An address-dependent 64-bit pattern: every word of a page differs. */
static __u64 pattern(__u64 off, __u64 seed)
{
	return ((off + seed) * 0x9e3779b97f4a7c15ULL) ^ (off << 20);
}

static void fill(__u64 *buf, __u64 off, size_t size, __u64 seed)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		buf[i] = pattern(off + 8 * i, seed);
}

/* Does @buf hold the pattern of [@off, @off + @size)?  Names a mismatch. */
static bool check_pattern(struct vdev *v, const char *what, const __u64 *buf,
			  __u64 off, size_t size, __u64 seed)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		if (buf[i] != pattern(off + 8 * i, seed))
			return check(v, false, "%s: word at %#llx is %#llx, expected %#llx",
				     what, off + 8 * i, buf[i],
				     pattern(off + 8 * i, seed));
	return check(v, true, "%s", what);
}

static bool is_zero(const void *buf, size_t size)
{
	const __u8 *b = buf;
	size_t i;

	for (i = 0; i < size; i++)
		if (b[i])
			return false;
	return true;
}

/* Interrupts */

/* VFIO_DEVICE_SET_IRQS: 0 or the negative errno. */
static int irq_set(struct vdev *v, __u32 index, __u32 flags, __u32 start,
		   __u32 count, const void *data, size_t size)
{
	struct vfio_irq_set *set;
	int err = 0;

	set = calloc(1, sizeof(*set) + size);
	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + size;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (size)
		memcpy(set->data, data, size);
	if (ioctl(v->device, VFIO_DEVICE_SET_IRQS, set))
		err = -errno;
	free(set);
	return err;
}

static int irq_set_fds(struct vdev *v, __u32 index, __u32 start, __u32 count,
		       const __s32 *fds)
{
	return irq_set(v, index,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       start, count, fds, count * sizeof(*fds));
}

/* Drop every trigger of an index, as QEMU does when it disables one. */
static int irq_disable(struct vdev *v, __u32 index)
{
	return irq_set(v, index,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       0, 0, NULL, 0);
}

/* ACTION_TRIGGER (loopback), ACTION_MASK or ACTION_UNMASK of one vector. */
static int irq_action(struct vdev *v, __u32 index, __u32 action, __u32 vector)
{
	return irq_set(v, index, VFIO_IRQ_SET_DATA_NONE | action, vector, 1,
		       NULL, 0);
}

static bool efd_open(struct vdev *v, __s32 *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fds[i] < 0) {
			check(v, false, "eventfd: %s", errname(-errno));
			while (i--)
				close(fds[i]);
			return false;
		}
	}
	return true;
}

static void efd_close(__s32 *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* Wait up to @timeout_ms for an eventfd; returns its counter, 0 if none. */
static __u64 efd_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	__u64 cnt;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

/*
 * After @what, which should raise eventfd @want of @fds (-1: none), check
 * that it fired exactly once and that no other one of them fires.
 */
static bool expect_fired(struct vdev *v, const char *what, const char *name,
			 const __s32 *fds, unsigned int n, int want)
{
	struct pollfd pfd[VACCEL_MSIX_VECTORS];
	unsigned int i, idx[VACCEL_MSIX_VECTORS], m = 0;
	char which[32] = "";
	bool ok = true;
	__u64 cnt;

	if (want >= 0) {
		cnt = efd_wait(fds[want], FIRE_TIMEOUT_MS);
		if (n > 1)
			snprintf(which, sizeof(which), " vector %d", want);
		if (cnt == 1)
			ok = check(v, true, "%s: %s%s fired", what, name, which);
		else if (cnt)
			ok = check(v, false, "%s: %s%s fired %llu times, expected once",
				   what, name, which, cnt);
		else
			ok = check(v, false, "%s: %s%s did not fire within %d ms",
				   what, name, which, FIRE_TIMEOUT_MS);
	}

	for (i = 0; i < n; i++) {
		if ((int)i == want)
			continue;
		pfd[m] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		idx[m++] = i;
	}
	if (!m)
		return ok;
	if (poll(pfd, m, QUIET_MS) <= 0)
		return check(v, true, "%s: no %s%s fired", what,
			     want >= 0 ? "other " : "", name) && ok;

	for (i = 0; i < m; i++) {
		if (!(pfd[i].revents & POLLIN))
			continue;
		efd_wait(pfd[i].fd, 0);		/* drain it */
		if (n > 1)
			check(v, false, "%s: %s vector %u fired, but should not have",
			      what, name, idx[i]);
		else
			check(v, false, "%s: %s fired, but should not have",
			      what, name);
	}
	return false;
}

/* Capabilities */

/*
 * Walk the capability list of config space @cfg into @pos (at most @max).
 * Returns the number of capabilities, or -1 if a pointer leaves the
 * capability area, is misaligned, or the list does not end.
 */
static int cap_walk(const __u8 *cfg, unsigned int *pos, unsigned int max)
{
	unsigned int p;
	int n = 0;

	if (!(get_le(cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	for (p = cfg[PCI_CAPABILITY_LIST]; p; p = cfg[p + PCI_CAP_LIST_NEXT]) {
		if (p < PCI_STD_HEADER_SIZEOF || p > PCI_CFG_SPACE_SIZE - 4 ||
		    (p & 3) || n == (int)max)
			return -1;
		pos[n++] = p;
	}
	return n;
}

static const char *cap_name(unsigned int id)
{
	switch (id) {
	case PCI_CAP_ID_PM:
		return "Power Management";
	case PCI_CAP_ID_MSI:
		return "MSI";
	case PCI_CAP_ID_EXP:
		return "PCI Express";
	case PCI_CAP_ID_MSIX:
		return "MSI-X";
	}
	return "unknown";
}

static char flag(unsigned int val, unsigned int bit)
{
	return val & bit ? '+' : '-';
}

/* One line of what the capability at @pos of @cfg says. */
static void cap_decode(const __u8 *cfg, unsigned int pos, char *buf,
		       size_t size)
{
	static const char *const speeds[] = { "?", "2.5", "5", "8", "16", "32" };
	unsigned int id = cfg[pos + PCI_CAP_LIST_ID];
	unsigned int f = get_le(cfg, pos + 2, 2);
	unsigned int a, b;

	switch (id) {
	case PCI_CAP_ID_EXP:
		a = get_le(cfg, pos + PCI_EXP_DEVCAP, 4);
		b = get_le(cfg, pos + PCI_EXP_LNKCAP, 4);
		snprintf(buf, size,
			 "v%u, %s, FLR%c, link x%u at %s GT/s",
			 f & PCI_EXP_FLAGS_VERS,
			 (f & PCI_EXP_FLAGS_TYPE) >> 4 == PCI_EXP_TYPE_ENDPOINT ?
			 "endpoint" : "not an endpoint",
			 flag(a, PCI_EXP_DEVCAP_FLR),
			 (b & PCI_EXP_LNKCAP_MLW) >> 4,
			 speeds[(b & PCI_EXP_LNKCAP_SLS) < ARRAY_SIZE(speeds) ?
				(b & PCI_EXP_LNKCAP_SLS) : 0]);
		break;
	case PCI_CAP_ID_PM:
		a = get_le(cfg, pos + PCI_PM_CTRL, 2);
		snprintf(buf, size, "version %u, D%u, NoSoftRst%c",
			 f & PCI_PM_CAP_VER_MASK, a & PCI_PM_CTRL_STATE_MASK,
			 flag(a, PCI_PM_CTRL_NO_SOFT_RESET));
		break;
	case PCI_CAP_ID_MSI:
		snprintf(buf, size,
			 "Enable%c, %u vector(s), %u enabled, 64-bit%c, per-vector mask%c",
			 flag(f, PCI_MSI_FLAGS_ENABLE),
			 1U << ((f & PCI_MSI_FLAGS_QMASK) >> 1),
			 1U << ((f & PCI_MSI_FLAGS_QSIZE) >> 4),
			 flag(f, PCI_MSI_FLAGS_64BIT),
			 flag(f, PCI_MSI_FLAGS_MASKBIT));
		break;
	case PCI_CAP_ID_MSIX:
		a = get_le(cfg, pos + PCI_MSIX_TABLE, 4);
		b = get_le(cfg, pos + PCI_MSIX_PBA, 4);
		snprintf(buf, size,
			 "Enable%c, Mask%c, %u vectors, table BAR%u+%#x, PBA BAR%u+%#x",
			 flag(f, PCI_MSIX_FLAGS_ENABLE),
			 flag(f, PCI_MSIX_FLAGS_MASKALL),
			 (f & PCI_MSIX_FLAGS_QSIZE) + 1,
			 a & PCI_MSIX_TABLE_BIR, a & PCI_MSIX_TABLE_OFFSET,
			 b & PCI_MSIX_PBA_BIR, b & PCI_MSIX_PBA_OFFSET);
		break;
	default:
		snprintf(buf, size, "not decoded");
	}
}

/* info: device, regions, irq indexes */

static __u64 want_region_size(struct vdev *v, unsigned int index)
{
	switch (index) {
	case CFG_REGION:
		return PCI_CFG_SPACE_EXP_SIZE;
	case BAR0_REGION:
		return VACCEL_BAR0_SIZE;
	case BAR2_REGION:
		return v->mem_size;
	}
	return 0;
}

static __u32 want_region_flags(struct vdev *v, unsigned int index)
{
	__u32 flags = 0;

	if (want_region_size(v, index))
		flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (index == BAR2_REGION)
		flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return flags;
}

static __u32 want_irq_count(unsigned int index)
{
	return index == VFIO_PCI_MSIX_IRQ_INDEX ? VACCEL_MSIX_VECTORS : 1;
}

/* One region of the info table, checked against what it must be. */
static void info_region(struct vdev *v, unsigned int i)
{
	struct vfio_region_info *r = &v->region[i];
	bool ok = r->size == want_region_size(v, i) &&
		  r->flags == want_region_flags(v, i) &&
		  r->offset == REGION_OFFSET(i);

	check(v, ok, "region %u %-6s size %#llx, offset %#llx, flags %#x%s%s%s",
	      i, region_names[i], r->size, r->offset, r->flags,
	      r->flags & VFIO_REGION_INFO_FLAG_READ ? " read" : "",
	      r->flags & VFIO_REGION_INFO_FLAG_WRITE ? " write" : "",
	      r->flags & VFIO_REGION_INFO_FLAG_MMAP ? " mmap" : "");
	if (!ok)
		printf("        expected size %#llx, offset %#llx, flags %#x\n",
		       want_region_size(v, i), REGION_OFFSET(i),
		       want_region_flags(v, i));
}

/* One irq index: INTx maskable and automasked, all with eventfds. */
static void info_irq(struct vdev *v, unsigned int i)
{
	const __u32 intx = VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	__u32 want = i == VFIO_PCI_INTX_IRQ_INDEX ? intx : 0;
	struct vfio_irq_info *q = &v->irq[i];
	bool ok = q->count == want_irq_count(i) &&
		  (q->flags & VFIO_IRQ_INFO_EVENTFD) && (q->flags & intx) == want;

	check(v, ok, "irq %u %-6s count %u, flags %#x%s%s%s%s", i, irq_names[i],
	      q->count, q->flags,
	      q->flags & VFIO_IRQ_INFO_EVENTFD ? " eventfd" : "",
	      q->flags & VFIO_IRQ_INFO_MASKABLE ? " maskable" : "",
	      q->flags & VFIO_IRQ_INFO_AUTOMASKED ? " automasked" : "",
	      q->flags & VFIO_IRQ_INFO_NORESIZE ? " noresize" : "");
	if (!ok)
		printf("        expected count %u, eventfd%s\n",
		       want_irq_count(i),
		       want ? ", maskable, automasked" : ", not maskable");
}

static void run_info(struct vdev *v)
{
	const __u32 must = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	unsigned int i;

	section("info: device, regions, interrupts");
	check(v, (v->info.flags & must) == must &&
	      v->info.num_regions == VFIO_PCI_NUM_REGIONS &&
	      v->info.num_irqs == VFIO_PCI_NUM_IRQS,
	      "%s: iommu group %d, flags %#x%s%s, %u regions, %u irq indexes",
	      v->uuid, v->group_id, v->info.flags,
	      v->info.flags & VFIO_DEVICE_FLAGS_PCI ? " PCI" : "",
	      v->info.flags & VFIO_DEVICE_FLAGS_RESET ? " RESET" : "",
	      v->info.num_regions, v->info.num_irqs);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		info_region(v, i);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		info_irq(v, i);
}

/* identity: what the function is */

static void run_identity(struct vdev *v)
{
	static const unsigned int chain[] = {
		PCI_CAP_ID_EXP, PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX,
	};
	unsigned int pos[MAX_CAPS], off, i, slots, total;
	char line[256];
	__u64 card_mem, size;
	__u32 val;
	bool ok;
	int n;

	section("identity");
	check_eq(v, "vendor ID", cfg_rd(v, PCI_VENDOR_ID, 2),
		 VACCEL_PCI_VENDOR_ID);
	check_eq(v, "device ID", cfg_rd(v, PCI_DEVICE_ID, 2),
		 VACCEL_PCI_DEVICE_ID_VF);
	check_eq(v, "class code", cfg_rd(v, PCI_CLASS_REVISION, 4) >> 8,
		 VACCEL_PCI_CLASS);
	check_eq(v, "revision", cfg_rd(v, PCI_REVISION_ID, 1),
		 VACCEL_PCI_REVISION);
	check_eq(v, "header type", cfg_rd(v, PCI_HEADER_TYPE, 1),
		 PCI_HEADER_TYPE_NORMAL);
	check_eq(v, "interrupt pin (INTA)", cfg_rd(v, PCI_INTERRUPT_PIN, 1), 1);
	check(v, cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
	      "status: capability list present");

	/* The chain as the power-on snapshot has it; printed as walked. */
	n = cap_walk(v->cfg_at_open, pos, MAX_CAPS);
	line[0] = '\0';
	for (i = 0; n > 0 && i < (unsigned int)n; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%#x@%#x -> ", v->cfg_at_open[pos[i]], pos[i]);
	ok = n == (int)ARRAY_SIZE(chain);
	for (i = 0; ok && i < ARRAY_SIZE(chain); i++)
		ok = v->cfg_at_open[pos[i]] == chain[i];
	check(v, ok, "capabilities %send (want PCIe -> PM -> MSI -> MSI-X)",
	      n < 0 ? "malformed: " : line);

	if (v->cap_exp)
		check(v, cfg_rd(v, v->cap_exp + PCI_EXP_DEVCAP, 4) &
		      PCI_EXP_DEVCAP_FLR, "PCIe: function level reset capable");
	if (v->cap_msix) {
		val = cfg_rd(v, v->cap_msix + PCI_MSIX_FLAGS, 2);
		check_eq(v, "MSI-X table size",
			 (val & PCI_MSIX_FLAGS_QSIZE) + 1, VACCEL_MSIX_VECTORS);
		check_eq(v, "MSI-X table (BIR | offset)",
			 cfg_rd(v, v->cap_msix + PCI_MSIX_TABLE, 4),
			 VACCEL_MSIX_TABLE | VACCEL_BAR_REGS);
		check_eq(v, "MSI-X PBA (BIR | offset)",
			 cfg_rd(v, v->cap_msix + PCI_MSIX_PBA, 4),
			 VACCEL_MSIX_PBA | VACCEL_BAR_REGS);
	}

	check_eq(v, "extended config space at 0x100",
		 cfg_rd(v, PCI_CFG_SPACE_SIZE, 4), 0);
	for (off = PCI_CFG_SPACE_SIZE; off < PCI_CFG_SPACE_EXP_SIZE; off += 4)
		if (cfg_rd(v, off, 4))
			break;
	check(v, off == PCI_CFG_SPACE_EXP_SIZE,
	      "extended config space 0x100-0xfff reads 0");
	cfg_wr(v, PCI_CFG_SPACE_SIZE, 4, ~0U);
	check_eq(v, "extended config space at 0x100 after writing ones",
		 cfg_rd(v, PCI_CFG_SPACE_SIZE, 4), 0);

	check_eq(v, "BAR0 ID", reg_rd(v, VACCEL_REG_ID), VACCEL_ID_MAGIC);
	check_eq(v, "BAR0 VERSION major",
		 reg_rd(v, VACCEL_REG_VERSION) >> 16, VACCEL_VERSION >> 16);
	check_eq(v, "BAR0 STATUS", reg_rd(v, VACCEL_REG_STATUS),
		 VACCEL_STATUS_READY);
	check_eq(v, "BAR0 MSIX_VECTORS", reg_rd(v, VACCEL_REG_MSIX_VECTORS),
		 VACCEL_MSIX_VECTORS);
	check_eq(v, "BAR0 ENGINES", reg_rd(v, VACCEL_REG_ENGINES),
		 sysfs_need(v, "../vaccel/engines"));

	size = reg_rd(v, VACCEL_REG_MEM_SIZE_LO) |
	       (__u64)reg_rd(v, VACCEL_REG_MEM_SIZE_HI) << 32;
	check_eq(v, "BAR0 MEM_SIZE_HI:LO", size, v->mem_size);
	check_eq(v, "BAR2 region size", v->region[BAR2_REGION].size,
		 v->mem_size);
	check_eq(v, "sysfs vaccel/memory_size",
		 sysfs_need(v, "vaccel/memory_size"), v->mem_size);

	card_mem = sysfs_need(v, "../vaccel/memory_size");
	val = reg_rd(v, VACCEL_REG_SHARE);
	slots = val & VACCEL_SHARE_SLOTS;
	total = (val & VACCEL_SHARE_TOTAL) >> 8;
	check_eq(v, "BAR0 SHARE total slots", total, 4);
	if (card_mem)
		check_eq(v, "BAR0 SHARE slots (4 * memory / card memory)", slots,
			 4 * v->mem_size / card_mem);
}

/* config: dump and decode */

/* QEMU reads the whole space at once; longer runs are done in pieces. */
static void config_long_reads(struct vdev *v, const __u8 *cfg)
{
	static __u8 whole[PCI_CFG_SPACE_EXP_SIZE];
	__u8 odd[3];
	int err;

	err = region_rw(v, CFG_REGION, 0, whole, sizeof(whole), false);
	check(v, !err && !memcmp(whole, cfg, PCI_CFG_SPACE_SIZE),
	      "one 4096-byte read agrees with the 4-byte reads (%s)",
	      errname(err));
	err = region_rw(v, CFG_REGION, 1, odd, sizeof(odd), false);
	check(v, !err && !memcmp(odd, cfg + 1, sizeof(odd)),
	      "a 3-byte read at 0x1 agrees (%s)", errname(err));
}

static void run_config(struct vdev *v)
{
	__u8 cfg[PCI_CFG_SPACE_SIZE];
	unsigned int pos[MAX_CAPS], i, off;
	char line[160];
	bool same = true;
	int n;

	section("config: 256 bytes in 4-byte reads");
	cfg_snapshot(v, cfg);
	for (off = 0; off < PCI_CFG_SPACE_SIZE; off += 16) {
		printf("  %02x:", off);
		for (i = 0; i < 16; i++)
			printf(" %02x", cfg[off + i]);
		printf("\n");
	}

	n = cap_walk(cfg, pos, MAX_CAPS);
	for (i = 0; n > 0 && i < (unsigned int)n; i++) {
		cap_decode(cfg, pos[i], line, sizeof(line));
		printf("  cap %#04x: %s (%#04x): %s\n", pos[i],
		       cap_name(cfg[pos[i]]), cfg[pos[i]], line);
	}
	check(v, n >= 0, "capability list well formed (%d capabilities)", n);

	/* The same bytes through 1- and 2-byte reads. */
	for (off = 0; off < PCI_CFG_SPACE_SIZE; off++)
		same &= cfg_rd(v, off, 1) == cfg[off];
	for (off = 0; off < PCI_CFG_SPACE_SIZE; off += 2)
		same &= cfg_rd(v, off, 2) == get_le(cfg, off, 2);
	check(v, same, "1- and 2-byte reads agree with the 4-byte reads");

	config_long_reads(v, cfg);
}

/* bars: sizing through config space */

struct bar {
	__u64 size;
	bool io;
	bool is64;
	bool prefetch;
};

/* Write all ones to a BAR register, read it back, restore it. */
static __u32 bar_probe(struct vdev *v, unsigned int off)
{
	__u32 orig = cfg_rd(v, off, 4), val;

	cfg_wr(v, off, 4, ~0U);
	val = cfg_rd(v, off, 4);
	cfg_wr(v, off, 4, orig);
	return val;
}

static void bar_size(struct vdev *v, unsigned int bar, struct bar *b)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	__u32 lo = bar_probe(v, off), hi = 0;
	__u64 mask;

	memset(b, 0, sizeof(*b));
	b->io = lo & PCI_BASE_ADDRESS_SPACE_IO;
	if (b->io) {
		mask = lo & PCI_BASE_ADDRESS_IO_MASK & 0xffff;
		b->size = mask ? (~mask & 0xffff) + 1 : 0;
		return;
	}
	b->is64 = (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		  PCI_BASE_ADDRESS_MEM_TYPE_64;
	b->prefetch = lo & PCI_BASE_ADDRESS_MEM_PREFETCH;
	if (b->is64 && bar < PCI_STD_NUM_BARS - 1)
		hi = bar_probe(v, off + 4);
	if (b->is64) {
		mask = (__u64)hi << 32 | (lo & PCI_BASE_ADDRESS_MEM_MASK);
		b->size = mask ? ~mask + 1 : 0;
	} else {
		mask = lo & PCI_BASE_ADDRESS_MEM_MASK;
		b->size = mask ? (~mask & 0xffffffff) + 1 : 0;
	}
}

static void run_bars(struct vdev *v)
{
	__u8 before[PCI_CFG_SPACE_SIZE], after[PCI_CFG_SPACE_SIZE];
	__u32 cmd, rom;
	char what[64];
	struct bar b;
	unsigned int bar;

	section("bars: sizing by writing all ones");
	cfg_snapshot(v, before);
	/* As firmware does: no memory decoding while the BARs move. */
	cmd = cfg_rd(v, PCI_COMMAND, 2);
	cfg_wr(v, PCI_COMMAND, 2,
	       cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO));

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar += b.is64 ? 2 : 1) {
		bar_size(v, bar, &b);
		if (!b.size)
			printf("  BAR%u: not implemented\n", bar);
		else
			printf("  BAR%u: %s%s%s, size %#llx\n", bar,
			       b.io ? "I/O" : "memory",
			       b.is64 ? ", 64-bit" : "",
			       b.io ? "" : b.prefetch ? ", prefetchable" :
			       ", non-prefetchable", b.size);
		snprintf(what, sizeof(what), "BAR%u size = region %u size", bar,
			 bar);
		check_eq(v, what, b.size, v->region[bar].size);
		if (bar == VACCEL_BAR_REGS)
			check(v, !b.io && b.is64 && !b.prefetch &&
			      b.size == VACCEL_BAR0_SIZE,
			      "BAR0: 64-bit non-prefetchable memory of %#x bytes",
			      VACCEL_BAR0_SIZE);
		if (bar == VACCEL_BAR_MEM)
			check(v, !b.io && b.is64 && b.prefetch &&
			      b.size == v->mem_size,
			      "BAR2: 64-bit prefetchable memory of %#llx bytes",
			      v->mem_size);
	}
	rom = bar_probe(v, PCI_ROM_ADDRESS) & PCI_ROM_ADDRESS_MASK;
	printf("  ROM: %s\n", rom ? "implemented" : "not implemented");
	check_eq(v, "ROM size = region 6 size", rom ? ~rom + 1 : 0,
		 v->region[VFIO_PCI_ROM_REGION_INDEX].size);

	/* An address: the bits below the size read 0, the type stays. */
	cfg_wr(v, PCI_BASE_ADDRESS_0, 4, 0xfebf1234);
	cfg_wr(v, PCI_BASE_ADDRESS_1, 4, 0x1);
	check_eq(v, "BAR0 after writing 0x1_febf1234",
		 (__u64)cfg_rd(v, PCI_BASE_ADDRESS_1, 4) << 32 |
		 cfg_rd(v, PCI_BASE_ADDRESS_0, 4),
		 0x1febf0000ULL | PCI_BASE_ADDRESS_MEM_TYPE_64);
	cfg_wr(v, PCI_BASE_ADDRESS_0, 4, get_le(before, PCI_BASE_ADDRESS_0, 4));
	cfg_wr(v, PCI_BASE_ADDRESS_1, 4, get_le(before, PCI_BASE_ADDRESS_1, 4));

	cfg_wr(v, PCI_COMMAND, 2, cmd);
	cfg_snapshot(v, after);
	check_cfg_same(v, "config space restored after sizing", after, before,
		       PCI_CFG_SPACE_SIZE);
}

/* mem: BAR2 through mmap, pread and pwrite */

static void run_mem(struct vdev *v)
{
	const __u64 seed_map = 0x6d6d6170, seed_fd = 0x66647772;
	size_t page = v->page_size, size = v->region[BAR2_REGION].size;
	__u64 offs[3] = { 0, size / 2, size - page };
	__u8 bytes[3] = { 0x11, 0x22, 0x33 }, last;
	char what[128];
	__u64 *buf;
	__u8 *map, *map2;
	unsigned int i;

	section("mem: BAR2 through mmap, pread and pwrite");
	if (!check(v, size >= 3 * page && !(size & (size - 1)),
		   "BAR2 size %#zx is a power of two of at least 3 pages",
		   size) ||
	    !check(v, v->region[BAR2_REGION].flags & VFIO_REGION_INFO_FLAG_MMAP,
		   "BAR2 can be mmapped"))
		return;
	buf = malloc(page);
	map = mem_map(v, 0, size);
	if (!buf || !map) {
		free(buf);
		return;
	}
	printf("  BAR2: %#zx bytes mapped at %p\n", size, map);

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		fill((__u64 *)(map + offs[i]), offs[i], page, seed_map);
		snprintf(what, sizeof(what),
			 "page at %#llx: written through mmap, read with pread",
			 offs[i]);
		if (mem_rw(v, offs[i], buf, page, false))
			check_pattern(v, what, buf, offs[i], page, seed_map);

		fill(buf, offs[i], page, seed_fd);
		snprintf(what, sizeof(what),
			 "page at %#llx: written with pwrite, read through mmap",
			 offs[i]);
		if (mem_rw(v, offs[i], buf, page, true))
			check_pattern(v, what, (__u64 *)(map + offs[i]),
				      offs[i], page, seed_fd);
	}

	/* Any access inside BAR2 works: odd sizes and offsets. */
	if (mem_rw(v, size / 2 + 5, bytes, sizeof(bytes), true))
		check(v, !memcmp(map + size / 2 + 5, bytes, sizeof(bytes)),
		      "3-byte pwrite at %#zx seen through mmap", size / 2 + 5);
	if (mem_rw(v, size - 1, &last, 1, false))
		check_eq(v, "1-byte pread of the last byte", last,
			 map[size - 1]);

	/* A second mapping of one page at an offset sees the same memory. */
	map2 = mem_map(v, size / 2, page);
	if (map2) {
		check(v, !memcmp(map2, map + size / 2, page),
		      "mapping of the middle page alone shows the same bytes");
		munmap(map2, page);
	}
	munmap(map, size);
	free(buf);
}

/* irq: MSI-X, MSI, INTx */

static bool intx_status(struct vdev *v)
{
	return cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT;
}

/* Raise INT_TEST, or clear it from INT_CAUSE (RW1C). */
static void int_test(struct vdev *v)
{
	reg_wr(v, VACCEL_REG_INT_TEST, VACCEL_INT_TEST);
}

static void int_clear(struct vdev *v)
{
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_TEST);
}

static void run_irq_msix(struct vdev *v)
{
	const char *name = "MSI-X";
	__s32 fds[VACCEL_MSIX_VECTORS];
	unsigned int ctrl = v->cap_msix + PCI_MSIX_FLAGS;
	__u32 flags;

	section("irq: MSI-X");
	if (!check(v, v->cap_msix, "MSI-X capability present") ||
	    !efd_open(v, fds, VACCEL_MSIX_VECTORS))
		return;
	check_errno(v, "SET_IRQS: eventfds for MSI-X vectors 0-7",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				VACCEL_MSIX_VECTORS, fds), 0);
	check_errno(v, "SET_IRQS: loopback trigger of MSI-X vector 3",
		    irq_action(v, VFIO_PCI_MSIX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 3), 0);
	expect_fired(v, "loopback", name, fds, VACCEL_MSIX_VECTORS, 3);

	flags = cfg_rd(v, ctrl, 2);
	cfg_wr(v, ctrl, 2, flags | PCI_MSIX_FLAGS_ENABLE);
	check(v, cfg_rd(v, ctrl, 2) & PCI_MSIX_FLAGS_ENABLE,
	      "MSI-X enabled in config space (%#x)", ctrl);

	reg_wr(v, VACCEL_REG_INT_MASK, 0);
	int_test(v);
	check_eq(v, "INT_CAUSE after INT_TEST",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), VACCEL_INT_TEST);
	expect_fired(v, "INT_TEST while INT_MASK disables it", name, fds,
		     VACCEL_MSIX_VECTORS, -1);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	expect_fired(v, "enabling the pending cause in INT_MASK", name, fds,
		     VACCEL_MSIX_VECTORS, 0);
	int_clear(v);
	check_eq(v, "INT_CAUSE after writing 1 to clear",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	expect_fired(v, "clearing the cause", name, fds, VACCEL_MSIX_VECTORS,
		     -1);

	int_test(v);
	expect_fired(v, "INT_TEST", name, fds, VACCEL_MSIX_VECTORS, 0);
	int_test(v);
	expect_fired(v, "INT_TEST while the cause is still pending", name, fds,
		     VACCEL_MSIX_VECTORS, -1);
	int_clear(v);

	/* Tear down as QEMU does when the guest disables MSI-X. */
	cfg_wr(v, ctrl, 2, flags & ~PCI_MSIX_FLAGS_ENABLE);
	check_errno(v, "SET_IRQS: MSI-X off",
		    irq_disable(v, VFIO_PCI_MSIX_IRQ_INDEX), 0);
	efd_close(fds, VACCEL_MSIX_VECTORS);
}

static void run_irq_msi(struct vdev *v)
{
	const char *name = "MSI";
	unsigned int ctrl = v->cap_msi + PCI_MSI_FLAGS;
	__u32 flags;
	__s32 fd;

	section("irq: MSI");
	if (!check(v, v->cap_msi, "MSI capability present") ||
	    !efd_open(v, &fd, 1))
		return;
	check_errno(v, "SET_IRQS: eventfd for MSI",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd), 0);
	flags = cfg_rd(v, ctrl, 2);
	cfg_wr(v, ctrl, 2, flags | PCI_MSI_FLAGS_ENABLE);
	check(v, cfg_rd(v, ctrl, 2) & PCI_MSI_FLAGS_ENABLE,
	      "MSI enabled in config space (%#x)", ctrl);

	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	int_test(v);
	expect_fired(v, "INT_TEST", name, &fd, 1, 0);
	check_eq(v, "INT_CAUSE", reg_rd(v, VACCEL_REG_INT_CAUSE),
		 VACCEL_INT_TEST);
	int_clear(v);
	expect_fired(v, "clearing the cause", name, &fd, 1, -1);
	int_test(v);
	expect_fired(v, "INT_TEST again", name, &fd, 1, 0);
	int_clear(v);

	cfg_wr(v, ctrl, 2, flags & ~PCI_MSI_FLAGS_ENABLE);
	check_errno(v, "SET_IRQS: MSI off",
		    irq_disable(v, VFIO_PCI_MSI_IRQ_INDEX), 0);
	close(fd);
}

static void intx_unmask(struct vdev *v)
{
	check_errno(v, "SET_IRQS: INTx unmask",
		    irq_action(v, VFIO_PCI_INTX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_UNMASK, 0), 0);
}

static void run_irq_intx(struct vdev *v)
{
	const char *name = "INTx";
	__u32 cmd;
	__s32 fd;

	section("irq: INTx (level triggered, automasked)");
	if (!efd_open(v, &fd, 1))
		return;
	cmd = cfg_rd(v, PCI_COMMAND, 2);
	cfg_wr(v, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	check_errno(v, "SET_IRQS: eventfd for INTx",
		    irq_set_fds(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fd), 0);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	check(v, !intx_status(v), "PCI_STATUS.INTERRUPT clear, nothing pending");

	int_test(v);
	expect_fired(v, "INT_TEST", name, &fd, 1, 0);
	check(v, intx_status(v), "PCI_STATUS.INTERRUPT set: level high");
	int_clear(v);
	check(v, !intx_status(v), "PCI_STATUS.INTERRUPT clear after clearing the cause");
	expect_fired(v, "clearing the cause", name, &fd, 1, -1);

	int_test(v);
	expect_fired(v, "INT_TEST again before UNMASK (automasked)", name, &fd,
		     1, -1);
	check(v, intx_status(v), "PCI_STATUS.INTERRUPT set while automasked");
	intx_unmask(v);
	expect_fired(v, "UNMASK with the level still high", name, &fd, 1, 0);
	int_clear(v);
	check(v, !intx_status(v), "PCI_STATUS.INTERRUPT clear again");
	intx_unmask(v);
	expect_fired(v, "UNMASK with the level low", name, &fd, 1, -1);
	int_test(v);
	expect_fired(v, "INT_TEST after UNMASK", name, &fd, 1, 0);
	int_clear(v);
	intx_unmask(v);

	/* Command.INTX_DISABLE holds the line low; enabling raises it. */
	cfg_wr(v, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	int_test(v);
	expect_fired(v, "INT_TEST with INTX_DISABLE set", name, &fd, 1, -1);
	if (!intx_status(v))
		remark("PCI_STATUS.INTERRUPT reads 0 while INTX_DISABLE is set and %s",
		       "a cause is pending (PCI: Interrupt Status ignores it)");
	cfg_wr(v, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	expect_fired(v, "clearing INTX_DISABLE with the cause pending", name,
		     &fd, 1, 0);
	int_clear(v);
	intx_unmask(v);

	/* A user mask holds the interrupt back until UNMASK. */
	check_errno(v, "SET_IRQS: INTx mask",
		    irq_action(v, VFIO_PCI_INTX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_MASK, 0), 0);
	int_test(v);
	expect_fired(v, "INT_TEST while masked", name, &fd, 1, -1);
	check(v, intx_status(v), "PCI_STATUS.INTERRUPT set while masked");
	intx_unmask(v);
	expect_fired(v, "UNMASK of the pending interrupt", name, &fd, 1, 0);
	int_clear(v);
	intx_unmask(v);

	reg_wr(v, VACCEL_REG_INT_MASK, 0);
	cfg_wr(v, PCI_COMMAND, 2, cmd);
	check_errno(v, "SET_IRQS: INTx off",
		    irq_disable(v, VFIO_PCI_INTX_IRQ_INDEX), 0);
	close(fd);
}

static void run_irq(struct vdev *v)
{
	run_irq_msix(v);
	run_irq_msi(v);
	run_irq_intx(v);
}

/* reset: VFIO_DEVICE_RESET and FLR */

static const unsigned int msix_entry_words = VACCEL_MSIX_ENTRY_SIZE / 4;

/* Change what a reset must undo, and check that it changed. */
static void dirty_state(struct vdev *v, __u8 *map_page)
{
	const __u32 cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	__u64 *buf = malloc(v->page_size);
	__u64 last = v->mem_size - v->page_size;
	bool ok;

	reg_wr(v, VACCEL_REG_SCRATCH, 0xdeadbeef);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST | VACCEL_INT_ERROR);
	int_test(v);
	reg_wr(v, VACCEL_MSIX_TABLE + PCI_MSIX_ENTRY_LOWER_ADDR, 0xfee00000);
	reg_wr(v, VACCEL_MSIX_TABLE + PCI_MSIX_ENTRY_DATA, 0x4041);
	reg_wr(v, VACCEL_MSIX_TABLE + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);

	cfg_wr(v, PCI_COMMAND, 2, cmd);
	cfg_wr(v, PCI_CACHE_LINE_SIZE, 1, 0x10);
	cfg_wr(v, PCI_INTERRUPT_LINE, 1, 11);
	cfg_wr(v, PCI_BASE_ADDRESS_0, 4, 0xfe000000);
	cfg_wr(v, PCI_BASE_ADDRESS_3, 4, 0x1);
	if (v->cap_msi)
		cfg_wr(v, v->cap_msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
	if (v->cap_msix)
		cfg_wr(v, v->cap_msix + PCI_MSIX_FLAGS, 2,
		       PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);

	fill((__u64 *)map_page, v->mem_size / 2, v->page_size, 1);
	if (buf) {
		fill(buf, 0, v->page_size, 2);
		mem_rw(v, 0, buf, v->page_size, true);
		fill(buf, last, v->page_size, 3);
		mem_rw(v, last, buf, v->page_size, true);
		free(buf);
	}

	ok = reg_rd(v, VACCEL_REG_SCRATCH) == 0xdeadbeef &&
	     reg_rd(v, VACCEL_REG_CONTROL) == VACCEL_CONTROL_ENABLE &&
	     reg_rd(v, VACCEL_REG_INT_CAUSE) == VACCEL_INT_TEST &&
	     reg_rd(v, VACCEL_MSIX_TABLE + PCI_MSIX_ENTRY_DATA) == 0x4041 &&
	     cfg_rd(v, PCI_COMMAND, 2) == cmd &&
	     cfg_rd(v, PCI_CACHE_LINE_SIZE, 1) == 0x10 &&
	     cfg_rd(v, PCI_BASE_ADDRESS_0, 4) ==
	     (0xfe000000 | PCI_BASE_ADDRESS_MEM_TYPE_64);
	check(v, ok, "state set: %s",
	      "registers, MSI-X table, command, BARs, MSI, BAR2 pages");
}

/* Everything at its power-on value after @how. */
static void expect_poweron(struct vdev *v, const char *how, __u8 *map_page)
{
	__u8 cfg[PCI_CFG_SPACE_SIZE];
	__u64 last = v->mem_size - v->page_size;
	unsigned int i, bad = ~0U;
	__u8 *buf;

	printf("  -- after %s\n", how);
	check_eq(v, "CONTROL", reg_rd(v, VACCEL_REG_CONTROL), 0);
	check_eq(v, "STATUS", reg_rd(v, VACCEL_REG_STATUS),
		 VACCEL_STATUS_READY);
	check_eq(v, "INT_CAUSE", reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	check_eq(v, "INT_MASK", reg_rd(v, VACCEL_REG_INT_MASK), 0);
	check_eq(v, "SCRATCH", reg_rd(v, VACCEL_REG_SCRATCH), 0);
	for (i = 0; i < VACCEL_MSIX_VECTORS * msix_entry_words; i++)
		if (reg_rd(v, VACCEL_MSIX_TABLE + 4 * i) !=
		    (i % msix_entry_words == PCI_MSIX_ENTRY_VECTOR_CTRL / 4 ?
		     PCI_MSIX_ENTRY_CTRL_MASKBIT : 0) && bad == ~0U)
			bad = i;
	check(v, bad == ~0U, "MSI-X table: all vectors masked, zero otherwise%s",
	      bad == ~0U ? "" : " (differs)");
	check_eq(v, "command register", cfg_rd(v, PCI_COMMAND, 2), 0);

	cfg_snapshot(v, cfg);
	check_cfg_same(v, "config space as at open (power-on)", cfg,
		       v->cfg_at_open, PCI_CFG_SPACE_SIZE);

	check(v, is_zero(map_page, v->page_size),
	      "BAR2 middle page reads 0 through mmap");
	buf = malloc(v->page_size);
	if (!buf)
		return;
	if (mem_rw(v, 0, buf, v->page_size, false))
		check(v, is_zero(buf, v->page_size),
		      "BAR2 first page reads 0 through pread");
	if (mem_rw(v, last, buf, v->page_size, false))
		check(v, is_zero(buf, v->page_size),
		      "BAR2 last page reads 0 through pread");
	free(buf);
}

static void run_reset(struct vdev *v)
{
	unsigned int devctl = v->cap_exp + PCI_EXP_DEVCTL;
	__u64 before, after;
	__u8 *map;
	__u32 val;

	section("reset: VFIO_DEVICE_RESET and function level reset");
	if (!check(v, v->info.flags & VFIO_DEVICE_FLAGS_RESET,
		   "device info says RESET") ||
	    !check(v, v->cap_exp, "PCI Express capability present"))
		return;
	map = mem_map(v, v->mem_size / 2, v->page_size);
	if (!map)
		return;
	before = sysfs_need(v, "vaccel/resets");

	/* The register file's own reset leaves config space and memory. */
	dirty_state(v, map);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_RESET);
	printf("  -- after CONTROL.RESET (registers only)\n");
	check_eq(v, "SCRATCH", reg_rd(v, VACCEL_REG_SCRATCH), 0);
	check_eq(v, "CONTROL", reg_rd(v, VACCEL_REG_CONTROL), 0);
	check_eq(v, "INT_CAUSE", reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	check_eq(v, "command register kept", cfg_rd(v, PCI_COMMAND, 2),
		 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	check(v, !is_zero(map, v->page_size), "BAR2 kept");
	check_eq(v, "sysfs resets unchanged by CONTROL.RESET",
		 sysfs_need(v, "vaccel/resets"), before);

	dirty_state(v, map);
	check_errno(v, "VFIO_DEVICE_RESET",
		    ioctl(v->device, VFIO_DEVICE_RESET) ? -errno : 0, 0);
	expect_poweron(v, "VFIO_DEVICE_RESET", map);

	dirty_state(v, map);
	val = cfg_rd(v, devctl, 2);
	cfg_wr(v, devctl, 2, val | PCI_EXP_DEVCTL_BCR_FLR);
	expect_poweron(v, "FLR (2-byte write of Device Control)", map);

	dirty_state(v, map);
	val = cfg_rd(v, devctl + 1, 1);
	cfg_wr(v, devctl + 1, 1, val | PCI_EXP_DEVCTL_BCR_FLR >> 8);
	expect_poweron(v, "FLR (1-byte write of Device Control)", map);

	after = sysfs_need(v, "vaccel/resets");
	check_eq(v, "sysfs vaccel/resets increase", after - before, 3);
	munmap(map, v->page_size);
}

/* refusals: bad input fails and changes nothing */

/* What a refused access must leave alone. */
struct snapshot {
	__u8 cfg[PCI_CFG_SPACE_EXP_SIZE];
	__u32 regs[VACCEL_BAR0_SIZE / 4];
	__u8 *mem;		/* the first and the last page of BAR2 */
	__u64 resets;
};

static void snapshot_take(struct vdev *v, struct snapshot *s)
{
	__u64 last = v->mem_size - v->page_size;
	unsigned int off;
	__u32 val;

	for (off = 0; off < PCI_CFG_SPACE_EXP_SIZE; off += 4) {
		val = cfg_rd(v, off, 4);
		memcpy(s->cfg + off, &val, 4);
	}
	for (off = 0; off < VACCEL_BAR0_SIZE; off += 4)
		s->regs[off / 4] = reg_rd(v, off);
	mem_rw(v, 0, s->mem, v->page_size, false);
	mem_rw(v, last, s->mem + v->page_size, v->page_size, false);
	s->resets = sysfs_need(v, "vaccel/resets");
}

static void snapshot_compare(struct vdev *v, const struct snapshot *a,
			     const struct snapshot *b)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(a->cfg) && a->cfg[i] == b->cfg[i]; i++)
		;
	check(v, i == ARRAY_SIZE(a->cfg), "%s: config space unchanged%s",
	      v->uuid, i == ARRAY_SIZE(a->cfg) ? "" : " (differs)");
	if (i < ARRAY_SIZE(a->cfg))
		printf("        config byte %#x: %#04x, was %#04x\n", i,
		       b->cfg[i], a->cfg[i]);
	for (i = 0; i < ARRAY_SIZE(a->regs) && a->regs[i] == b->regs[i]; i++)
		;
	check(v, i == ARRAY_SIZE(a->regs), "%s: BAR0 registers unchanged%s",
	      v->uuid, i == ARRAY_SIZE(a->regs) ? "" : " (differs)");
	if (i < ARRAY_SIZE(a->regs))
		printf("        BAR0 %#x: %#x, was %#x\n", 4 * i, b->regs[i],
		       a->regs[i]);
	for (i = 0; i < 2 * v->page_size && a->mem[i] == b->mem[i]; i++)
		;
	check(v, i == 2 * v->page_size,
	      "%s: BAR2 first and last page unchanged%s", v->uuid,
	      i == 2 * v->page_size ? "" : " (differs)");
	if (i < 2 * v->page_size)
		printf("        BAR2 page %s, byte %#lx: %#04x, was %#04x\n",
		       i < v->page_size ? "first" : "last", i % v->page_size,
		       b->mem[i], a->mem[i]);
	check(v, b->resets == a->resets, "%s: sysfs vaccel/resets unchanged (%llu, was %llu)",
	      v->uuid, b->resets, a->resets);
}

/* Known state to compare against: a scratch value, BAR2 data, config. */
static void set_known_state(struct vdev *v, __u32 scratch, __u64 seed)
{
	__u64 *buf = malloc(v->page_size);
	__u64 last = v->mem_size - v->page_size;

	reg_wr(v, VACCEL_REG_SCRATCH, scratch);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_ERROR);
	reg_wr(v, VACCEL_MSIX_TABLE + VACCEL_MSIX_ENTRY_SIZE +
	       PCI_MSIX_ENTRY_DATA, scratch >> 16);
	cfg_wr(v, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cfg_wr(v, PCI_CACHE_LINE_SIZE, 1, 0x10);
	cfg_wr(v, PCI_BASE_ADDRESS_0, 4, 0xfe000000);
	if (buf) {
		fill(buf, 0, v->page_size, seed);
		mem_rw(v, 0, buf, v->page_size, true);
		fill(buf, last, v->page_size, seed);
		mem_rw(v, last, buf, v->page_size, true);
		free(buf);
	}
	check_eq(v, "SCRATCH set", reg_rd(v, VACCEL_REG_SCRATCH), scratch);
}

struct bad_rw {
	unsigned int index;
	bool from_end;		/* @off counts back from the region's end */
	__u64 off;
	size_t size;
	bool write;
	const char *why;
};

static const struct bad_rw bad_rws[] = {
	{ CFG_REGION, false, 0x1000, 4, false, "at the end" },
	{ CFG_REGION, false, 0x1001, 1, false, "beyond the end" },
	{ CFG_REGION, false, 0x1001, 2, false, "beyond the end" },
	{ CFG_REGION, false, 0x1001, 4, false, "beyond the end" },
	{ CFG_REGION, false, 0xffe, 4, false, "crossing the end" },
	{ CFG_REGION, false, 0x1000, 4, true, "at the end" },
	{ CFG_REGION, false, 0x0, 0, false, "zero bytes" },
	{ CFG_REGION, false, 0x0, 4097, false, "more than the space" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH, 2, false, "2 bytes" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH, 1, false, "1 byte" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH, 8, false, "8 bytes" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH + 1, 4, false, "unaligned" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH + 2, 4, false, "unaligned" },
	{ BAR0_REGION, false, 0x3ffe, 4, false, "crossing the end" },
	{ BAR0_REGION, false, 0x4000, 4, false, "at the end" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH, 2, true, "2 bytes" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH, 8, true, "8 bytes" },
	{ BAR0_REGION, false, VACCEL_REG_SCRATCH + 1, 4, true, "unaligned" },
	{ BAR0_REGION, false, VACCEL_REG_CONTROL, 1, true, "1 byte: reset" },
	{ BAR0_REGION, false, VACCEL_REG_INT_TEST, 2, true, "2 bytes" },
	{ BAR0_REGION, false, 0x4000, 4, true, "at the end" },
	{ BAR2_REGION, true, 4, 8, false, "crossing the end" },
	{ BAR2_REGION, true, 0, 1, false, "at the end" },
	{ BAR2_REGION, true, 0, 4096, false, "at the end" },
	{ BAR2_REGION, true, 1, 2, true, "crossing the end" },
	{ BAR2_REGION, true, 0, 8, true, "at the end" },
	{ BAR2_REGION, false, 0, 0, false, "zero bytes" },
	{ 1, false, 0, 4, false, "empty" },
	{ 3, false, 0, 4, false, "empty" },
	{ 4, false, 0, 4, false, "empty" },
	{ 4, false, 0, 4, true, "empty" },
	{ 5, false, 0, 4, false, "empty" },
	{ VFIO_PCI_ROM_REGION_INDEX, false, 0, 4, false, "empty" },
	{ VFIO_PCI_ROM_REGION_INDEX, false, 0, 4, true, "empty" },
	{ VFIO_PCI_VGA_REGION_INDEX, false, 0, 4, false, "empty" },
	{ VFIO_PCI_NUM_REGIONS, false, 0, 4, false, "no such region" },
	{ VFIO_PCI_NUM_REGIONS + 1, false, 0, 4, true, "no such region" },
};

/* A BAR2 write from an unmapped buffer fails and leaves the memory alone. */
static void refuse_bar2_fault(struct vdev *v, void *noaccess)
{
	__u64 off = v->region[BAR2_REGION].size / 2, before[8], after[8];
	unsigned int i;

	fill(before, off, sizeof(before), 0x7a7a);
	if (!mem_rw(v, off, before, sizeof(before), true))
		return;
	check_errno(v, "BAR2: 64-byte write from an unmapped buffer",
		    region_rw(v, BAR2_REGION, off, noaccess, sizeof(after),
			      true), -EFAULT);
	if (!mem_rw(v, off, after, sizeof(after), false))
		return;
	for (i = 0; i < ARRAY_SIZE(after) && after[i] == before[i]; i++)
		;
	if (i == ARRAY_SIZE(after))
		check(v, true, "BAR2: the refused write left the memory alone");
	else
		check(v, false, "BAR2: the refused write changed word %#llx: %#llx, was %#llx",
		      off + 8 * i, after[i], before[i]);
}

static void refuse_accesses(struct vdev *v, void *noaccess)
{
	static __u8 ones[4096];
	const struct bad_rw *b;
	char what[128];
	__u64 off;
	unsigned int i;

	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < ARRAY_SIZE(bad_rws); i++) {
		b = &bad_rws[i];
		off = b->from_end ? v->region[BAR2_REGION].size - b->off : b->off;
		snprintf(what, sizeof(what), "%s: %zu-byte %s at %s%#llx (%s)",
			 b->index < VFIO_PCI_NUM_REGIONS ?
			 region_names[b->index] : "region >8", b->size,
			 b->write ? "write" : "read",
			 b->from_end ? "size-" : "", b->off, b->why);
		check_errno(v, what, region_rw(v, b->index, off, ones, b->size,
					       b->write), -EINVAL);
	}

	/* Good accesses with a buffer the kernel cannot use. */
	check_errno(v, "config: 4-byte read into an unmapped buffer",
		    region_rw(v, CFG_REGION, 0, noaccess, 4, false), -EFAULT);
	check_errno(v, "config: 2-byte write from an unmapped buffer",
		    region_rw(v, CFG_REGION, PCI_COMMAND, noaccess, 2, true),
		    -EFAULT);
	check_errno(v, "BAR0: write from an unmapped buffer",
		    region_rw(v, BAR0_REGION, VACCEL_REG_SCRATCH, noaccess, 4,
			      true), -EFAULT);
	refuse_bar2_fault(v, noaccess);
}

static int ioctl_err(struct vdev *v, unsigned long req, void *arg)
{
	return ioctl(v->device, req, arg) ? -errno : 0;
}

/*
 * GET_INFO, GET_REGION_INFO and GET_IRQ_INFO with a short argsz, an
 * unmapped argument, a read-only one, and an index out of range.  @ro is a
 * read-only page holding valid requests of each at offsets 0, 64 and 128.
 */
static void refuse_info_ioctls(struct vdev *v, void *noaccess, __u8 *ro)
{
	struct vfio_device_info dinfo = { .argsz = 12 };
	struct vfio_region_info rinfo = { .argsz = 16, .index = 0 };
	struct vfio_irq_info iinfo = { .argsz = 12, .index = 0 };

	check_errno(v, "GET_INFO: argsz 12",
		    ioctl_err(v, VFIO_DEVICE_GET_INFO, &dinfo), -EINVAL);
	check_errno(v, "GET_INFO: unmapped argument",
		    ioctl_err(v, VFIO_DEVICE_GET_INFO, noaccess), -EFAULT);
	check_errno(v, "GET_INFO: read-only argument",
		    ioctl_err(v, VFIO_DEVICE_GET_INFO, ro), -EFAULT);

	check_errno(v, "GET_REGION_INFO: argsz 16",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, &rinfo), -EINVAL);
	check_errno(v, "GET_REGION_INFO: unmapped argument",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, noaccess),
		    -EFAULT);
	check_errno(v, "GET_REGION_INFO: read-only argument",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, ro + 64),
		    -EFAULT);
	rinfo.argsz = sizeof(rinfo);
	rinfo.index = VFIO_PCI_NUM_REGIONS;
	check_errno(v, "GET_REGION_INFO: index 9",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, &rinfo), -EINVAL);
	rinfo.index = ~0U;
	check_errno(v, "GET_REGION_INFO: index 0xffffffff",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, &rinfo), -EINVAL);

	check_errno(v, "GET_IRQ_INFO: argsz 12",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, &iinfo), -EINVAL);
	check_errno(v, "GET_IRQ_INFO: unmapped argument",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, noaccess), -EFAULT);
	check_errno(v, "GET_IRQ_INFO: read-only argument",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, ro + 128), -EFAULT);
	iinfo.argsz = sizeof(iinfo);
	iinfo.index = VFIO_PCI_NUM_IRQS;
	check_errno(v, "GET_IRQ_INFO: index 5",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, &iinfo), -EINVAL);

	check_errno(v, "unknown ioctl VFIO_BASE + 60",
		    ioctl_err(v, _IO(VFIO_TYPE, VFIO_BASE + 60), NULL), -ENOTTY);
}

/* SET_IRQS whose header and data come from the caller as they are. */
static int irq_set_raw(struct vdev *v, struct vfio_irq_set *set)
{
	return ioctl_err(v, VFIO_DEVICE_SET_IRQS, set);
}

/*
 * SET_IRQS refusals.  @edge is a writable page directly followed by the
 * unmapped one: a header at its end has its data in the unmapped page.
 */
static void refuse_set_irqs(struct vdev *v, void *noaccess, __u8 *edge)
{
	const __u32 efd = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	const __u32 none = VFIO_IRQ_SET_DATA_NONE;
	struct {
		struct vfio_irq_set hdr;
		__s32 fd[2];
	} s;
	struct vfio_irq_set *tail;
	__s32 fds[VACCEL_MSIX_VECTORS], fresh, notefd, closed;

	check_errno(v, "SET_IRQS: unknown flag 0x40",
		    irq_set(v, VFIO_PCI_MSIX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER | 0x40, 0, 1,
			    NULL, 0), -EINVAL);
	check_errno(v, "SET_IRQS: two actions (trigger and unmask)",
		    irq_set(v, VFIO_PCI_INTX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER |
			    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL, 0),
		    -EINVAL);
	check_errno(v, "SET_IRQS: two data types (none and bool)",
		    irq_set(v, VFIO_PCI_MSI_IRQ_INDEX,
			    none | VFIO_IRQ_SET_DATA_BOOL |
			    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, "\1", 1),
		    -EINVAL);
	check_errno(v, "SET_IRQS: MSI-X start 7 count 2 (8 vectors)",
		    irq_set(v, VFIO_PCI_MSIX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER, 7, 2, NULL, 0),
		    -EINVAL);
	check_errno(v, "SET_IRQS: MSI-X start 8 count 1",
		    irq_action(v, VFIO_PCI_MSIX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 8), -EINVAL);
	check_errno(v, "SET_IRQS: INTx start 0 count 2",
		    irq_set(v, VFIO_PCI_INTX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2, NULL, 0),
		    -EINVAL);
	check_errno(v, "SET_IRQS: MSI-X start 1 count 0xffffffff",
		    irq_set(v, VFIO_PCI_MSIX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER, 1, ~0U, NULL, 0),
		    -EINVAL);
	check_errno(v, "SET_IRQS: irq index 5",
		    irq_action(v, VFIO_PCI_NUM_IRQS,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 0), -EINVAL);
	check_errno(v, "SET_IRQS: unmask of MSI (not maskable)",
		    irq_action(v, VFIO_PCI_MSI_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_UNMASK, 0), -ENOTTY);

	memset(&s, 0, sizeof(s));
	s.hdr.argsz = sizeof(s.hdr);
	s.hdr.flags = efd;
	s.hdr.index = VFIO_PCI_MSI_IRQ_INDEX;
	s.hdr.count = 1;
	check_errno(v, "SET_IRQS: eventfd data but argsz without it",
		    irq_set_raw(v, &s.hdr), -EINVAL);
	s.hdr.argsz = 8;
	check_errno(v, "SET_IRQS: argsz 8", irq_set_raw(v, &s.hdr), -EINVAL);
	check_errno(v, "SET_IRQS: unmapped argument",
		    irq_set_raw(v, noaccess), -EFAULT);
	tail = (void *)(edge + v->page_size - sizeof(*tail));
	*tail = s.hdr;
	tail->argsz = sizeof(s);
	check_errno(v, "SET_IRQS: eventfd data in an unmapped page",
		    irq_set_raw(v, tail), -EFAULT);

	notefd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	closed = dup(notefd);
	close(closed);
	check_errno(v, "SET_IRQS: MSI eventfd that is /dev/null",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &notefd),
		    -EINVAL);
	check_errno(v, "SET_IRQS: MSI eventfd that is a closed fd",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &closed),
		    -EBADF);

	/* One of INTx, MSI and MSI-X at a time; a failed set is atomic. */
	if (!efd_open(v, fds, VACCEL_MSIX_VECTORS)) {
		close(notefd);
		return;
	}
	if (!efd_open(v, &fresh, 1)) {
		efd_close(fds, VACCEL_MSIX_VECTORS);
		close(notefd);
		return;
	}
	check_errno(v, "SET_IRQS: MSI-X eventfds (setup)",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				VACCEL_MSIX_VECTORS, fds), 0);
	check_errno(v, "SET_IRQS: MSI eventfd while MSI-X has triggers",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fresh),
		    -EBUSY);
	check_errno(v, "SET_IRQS: INTx eventfd while MSI-X has triggers",
		    irq_set_fds(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fresh),
		    -EBUSY);
	s.fd[0] = fresh;
	s.fd[1] = notefd;
	check_errno(v, "SET_IRQS: MSI-X vectors 0-1, the second not an eventfd",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, s.fd),
		    -EINVAL);
	check_errno(v, "SET_IRQS: loopback of MSI-X vector 0",
		    irq_action(v, VFIO_PCI_MSIX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 0), 0);
	expect_fired(v, "after the refused set, loopback of vector 0", "MSI-X",
		     fds, VACCEL_MSIX_VECTORS, 0);
	check(v, !efd_wait(fresh, 0),
	      "the refused set did not install its eventfd");
	check_errno(v, "SET_IRQS: MSI-X off (cleanup)",
		    irq_disable(v, VFIO_PCI_MSIX_IRQ_INDEX), 0);
	efd_close(fds, VACCEL_MSIX_VECTORS);
	close(fresh);
	close(notefd);
}

/* mmap of @size bytes at @off of the device fd: 0 or the errno. */
static int mmap_err(struct vdev *v, __u64 off, size_t size, int flags)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, v->device,
		       off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, size);
	return 0;
}

static void refuse_mmaps(struct vdev *v)
{
	size_t page = v->page_size, size = v->region[BAR2_REGION].size;
	__u64 bar2 = v->region[BAR2_REGION].offset;

	check_errno(v, "mmap of BAR0 (trapped registers)",
		    mmap_err(v, v->region[BAR0_REGION].offset, page,
			     MAP_SHARED), -EINVAL);
	check_errno(v, "mmap of config space",
		    mmap_err(v, v->region[CFG_REGION].offset, page, MAP_SHARED),
		    -EINVAL);
	check_errno(v, "mmap of empty BAR4",
		    mmap_err(v, v->region[4].offset, page, MAP_SHARED), -EINVAL);
	check_errno(v, "mmap of BAR2: one page at its end",
		    mmap_err(v, bar2 + size, page, MAP_SHARED), -EINVAL);
	check_errno(v, "mmap of BAR2: its last page and one more",
		    mmap_err(v, bar2 + size - page, 2 * page, MAP_SHARED),
		    -EINVAL);
	check_errno(v, "mmap of BAR2: one page more than its size",
		    mmap_err(v, bar2, size + page, MAP_SHARED), -EINVAL);
	check_errno(v, "mmap of BAR2: private",
		    mmap_err(v, bar2, page, MAP_PRIVATE), -EINVAL);
}

static struct snapshot *snapshot_new(struct vdev *v)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	if (s)
		s->mem = malloc(2 * v->page_size);
	if (s && s->mem)
		return s;
	free(s);
	check(v, false, "memory for a snapshot");
	return NULL;
}

static void snapshot_free(struct snapshot *s)
{
	if (s)
		free(s->mem);
	free(s);
}

/*
 * Three pages: writable, unmapped, read-only; the read-only one holds
 * valid GET_INFO, GET_REGION_INFO and GET_IRQ_INFO requests at offsets 0,
 * 64 and 128.
 */
static __u8 *bad_buffers(struct vdev *v)
{
	size_t page = v->page_size;
	__u8 *area = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vfio_device_info *dinfo = (void *)(area + 2 * page);
	struct vfio_region_info *rinfo = (void *)(area + 2 * page + 64);
	struct vfio_irq_info *iinfo = (void *)(area + 2 * page + 128);

	if (area == MAP_FAILED) {
		check(v, false, "mmap of 3 anonymous pages: %s", errname(-errno));
		return NULL;
	}
	dinfo->argsz = sizeof(*dinfo);
	rinfo->argsz = sizeof(*rinfo);
	rinfo->index = BAR2_REGION;
	iinfo->argsz = sizeof(*iinfo);
	if (mprotect(area + page, page, PROT_NONE) ||
	    mprotect(area + 2 * page, page, PROT_READ)) {
		check(v, false, "mprotect: %s", errname(-errno));
		munmap(area, 3 * page);
		return NULL;
	}
	return area;
}

static void run_refusals(struct vdev *v, struct vdev *other)
{
	struct snapshot *before, *after, *o_before = NULL, *o_after = NULL;
	size_t page = v->page_size;
	__u8 *area;

	section("refusals: bad input fails and changes nothing");
	before = snapshot_new(v);
	after = snapshot_new(v);
	if (other) {
		o_before = snapshot_new(v);
		o_after = snapshot_new(v);
	}
	area = bad_buffers(v);
	if (!before || !after || (other && (!o_before || !o_after)) || !area)
		goto out;

	set_known_state(v, 0x5ca1ab1e, 0x1234);
	snapshot_take(v, before);
	if (other) {
		set_known_state(other, 0x07e50007, 0x5678);
		snapshot_take(other, o_before);
	}

	printf("  -- region accesses\n");
	refuse_accesses(v, area + page);
	printf("  -- info ioctls\n");
	refuse_info_ioctls(v, area + page, area + 2 * page);
	printf("  -- SET_IRQS\n");
	refuse_set_irqs(v, area + page, area);
	printf("  -- mmap\n");
	refuse_mmaps(v);

	printf("  -- the state afterwards\n");
	snapshot_take(v, after);
	snapshot_compare(v, before, after);
	if (other) {
		snapshot_take(other, o_after);
		snapshot_compare(other, o_before, o_after);
	}
out:
	if (area)
		munmap(area, 3 * page);
	snapshot_free(o_after);
	snapshot_free(o_before);
	snapshot_free(after);
	snapshot_free(before);
}

/* Commands */

static int cmd_info(struct vdev *v)
{
	run_info(v);
	return 0;
}

static int cmd_config(struct vdev *v)
{
	run_config(v);
	return 0;
}

static int cmd_bars(struct vdev *v)
{
	run_bars(v);
	return 0;
}

static int cmd_mem(struct vdev *v)
{
	run_mem(v);
	return 0;
}

static int cmd_irq(struct vdev *v)
{
	run_irq(v);
	return 0;
}

static int cmd_reset(struct vdev *v)
{
	run_reset(v);
	return 0;
}

static int cmd_check(struct vdev *v)
{
	run_identity(v);
	run_info(v);
	run_config(v);
	run_bars(v);
	run_mem(v);
	run_irq(v);
	run_reset(v);
	return 0;
}

static int cmd_refusals(struct vdev *v)
{
	struct vdev other;
	int ret = 0;

	if (!v->opts->other) {
		run_refusals(v, NULL);
		return 0;
	}
	if (vdev_open(&other, v->opts->other)) {
		ret = -1;
	} else {
		other.mem_size = other.region[BAR2_REGION].size;
		run_refusals(v, &other);
		v->checks += other.checks;
		if (other.failures && !v->failures)
			memcpy(v->first_failure, other.first_failure,
			       sizeof(v->first_failure));
		v->failures += other.failures;
	}
	vdev_close(&other);
	return ret;
}

static int cmd_hold(struct vdev *v)
{
	sigset_t mask;
	int sig;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	printf("holding %s\n", v->uuid);
	sigwait(&mask, &sig);
	vdev_close(v);
	printf("released %s\n", v->uuid);
	return 0;
}

static int cmd_req(struct vdev *v)
{
	__u64 cnt;
	__s32 fd;
	int err;

	fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0)
		return vdev_fail(v, "eventfd");
	err = irq_set_fds(v, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &fd);
	if (err) {
		close(fd);
		errno = -err;
		return vdev_fail(v, "SET_IRQS REQ eventfd");
	}
	printf("armed %s: REQ eventfd set, waiting for a request to release the device\n",
	       v->uuid);
	while (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
		if (errno != EINTR) {
			close(fd);
			return vdev_fail(v, "read REQ eventfd");
		}
	}
	printf("request received for %s (%llu): closing the device\n",
	       v->uuid, cnt);
	close(fd);
	vdev_close(v);
	printf("released %s\n", v->uuid);
	return 0;
}

#define OPT_MEM_SIZE	BIT(0)
#define OPT_OTHER	BIT(1)

static const struct command {
	const char *name;
	int (*run)(struct vdev *v);
	unsigned int opts;
	const char *help;
} commands[] = {
	{ "info", cmd_info, OPT_MEM_SIZE, "device info, regions, irq indexes" },
	{ "config", cmd_config, 0, "config space dump and capabilities" },
	{ "bars", cmd_bars, OPT_MEM_SIZE, "BAR sizing through config space" },
	{ "mem", cmd_mem, OPT_MEM_SIZE, "BAR2 through mmap, pread, pwrite" },
	{ "irq", cmd_irq, 0, "MSI-X, MSI and INTx through eventfds" },
	{ "reset", cmd_reset, OPT_MEM_SIZE, "VFIO_DEVICE_RESET and FLR" },
	{ "check", cmd_check, OPT_MEM_SIZE, "identity and all of the above" },
	{ "refusals", cmd_refusals, OPT_OTHER,
	  "bad input fails with the right errno, changes nothing" },
	{ "hold", cmd_hold, 0, "keep it open until SIGINT or SIGTERM" },
	{ "req", cmd_req, 0, "wait for the kernel's request to release it" },
};

static void print_usage(void)
{
	unsigned int i;

	fprintf(stderr, "usage: vaccel-vfio COMMAND UUID [--mem-size BYTES] [--other UUID2]\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "  %-9s %s%s%s\n", commands[i].name,
			commands[i].help,
			commands[i].opts & OPT_MEM_SIZE ? " [--mem-size BYTES]" : "",
			commands[i].opts & OPT_OTHER ? " [--other UUID2]" : "");
}

/* BYTES with an optional K, M or G (binary) suffix. */
static bool parse_size(const char *s, __u64 *size)
{
	static const char units[] = "KMG";
	const char *unit;
	char *end;

	errno = 0;
	*size = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	unit = *end ? strchr(units, *end) : NULL;
	if (unit) {
		*size <<= 10 * (unit - units + 1);
		end++;
	}
	return !*end && *size;
}

static bool parse_options(const struct command *cmd, int argc, char **argv,
			  struct options *o)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--mem-size") && i + 1 < argc &&
		    (cmd->opts & OPT_MEM_SIZE)) {
			if (!parse_size(argv[++i], &o->mem_size)) {
				fprintf(stderr, "vaccel-vfio: bad size '%s'\n",
					argv[i]);
				return false;
			}
		} else if (!strcmp(argv[i], "--other") && i + 1 < argc &&
			   (cmd->opts & OPT_OTHER)) {
			o->other = argv[++i];
		} else {
			fprintf(stderr, "vaccel-vfio: %s does not take '%s'%s\n",
				cmd->name, argv[i],
				i + 1 < argc ? "" : " (or lacks its value)");
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct options o = { 0 };
	struct vdev v;
	unsigned int i;
	int ret;

	for (i = 0; argc >= 3 && i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd || !parse_options(cmd, argc - 3, argv + 3, &o)) {
		print_usage();
		return 2;
	}
	/* Keep "ok"/"FAIL" lines and stderr in order in a shared log. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (vdev_open(&v, argv[2])) {
		vdev_close(&v);
		return 1;
	}
	v.opts = &o;
	v.mem_size = o.mem_size;
	if (!v.mem_size && sysfs_u64(&v, "vaccel/memory_size", &v.mem_size))
		v.mem_size = v.region[BAR2_REGION].size;

	ret = cmd->run(&v);
	vdev_close(&v);
	if (v.failures) {
		fprintf(stderr, "vaccel-vfio: %s %s: FAILED %u of %u checks; the first: %s\n",
			cmd->name, v.uuid, v.failures, v.checks,
			v.first_failure);
		return 1;
	}
	if (ret)
		return 1;
	if (v.checks)
		printf("vaccel-vfio: %s %s: all %u checks passed\n", cmd->name,
		       v.uuid, v.checks);
	return 0;
}
