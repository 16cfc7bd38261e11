// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio refusals: bad region accesses, ioctls and mmaps fail with the
 * right errno and change nothing, on the instance or (--other) another one
 * of the same card.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_regs.h"

#include "commands.h"
#include "irq.h"
#include "pattern.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

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
	check(&v->report, i == ARRAY_SIZE(a->cfg),
	      "%s: config space unchanged%s",
	      v->uuid, i == ARRAY_SIZE(a->cfg) ? "" : " (differs)");
	if (i < ARRAY_SIZE(a->cfg))
		printf("        config byte %#x: %#04x, was %#04x\n", i,
		       b->cfg[i], a->cfg[i]);
	for (i = 0; i < ARRAY_SIZE(a->regs) && a->regs[i] == b->regs[i]; i++)
		;
	check(&v->report, i == ARRAY_SIZE(a->regs),
	      "%s: BAR0 registers unchanged%s",
	      v->uuid, i == ARRAY_SIZE(a->regs) ? "" : " (differs)");
	if (i < ARRAY_SIZE(a->regs))
		printf("        BAR0 %#x: %#x, was %#x\n", 4 * i, b->regs[i],
		       a->regs[i]);
	for (i = 0; i < 2 * v->page_size && a->mem[i] == b->mem[i]; i++)
		;
	check(&v->report, i == 2 * v->page_size,
	      "%s: BAR2 first and last page unchanged%s", v->uuid,
	      i == 2 * v->page_size ? "" : " (differs)");
	if (i < 2 * v->page_size)
		printf("        BAR2 page %s, byte %#lx: %#04x, was %#04x\n",
		       i < v->page_size ? "first" : "last", i % v->page_size,
		       b->mem[i], a->mem[i]);
	check(&v->report, b->resets == a->resets,
	      "%s: sysfs vaccel/resets unchanged (%llu, was %llu)",
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
	check_eq(&v->report, "SCRATCH set", reg_rd(v, VACCEL_REG_SCRATCH),
		 scratch);
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
	check_errno(&v->report, "BAR2: 64-byte write from an unmapped buffer",
		    region_rw(v, BAR2_REGION, off, noaccess, sizeof(after),
			      true), -EFAULT);
	if (!mem_rw(v, off, after, sizeof(after), false))
		return;
	for (i = 0; i < ARRAY_SIZE(after) && after[i] == before[i]; i++)
		;
	if (i == ARRAY_SIZE(after))
		check(&v->report, true,
		      "BAR2: the refused write left the memory alone");
	else
		check(&v->report, false,
		      "BAR2: the refused write changed word %#llx: %#llx, was %#llx",
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
		check_errno(&v->report, what,
			    region_rw(v, b->index, off, ones, b->size,
				      b->write), -EINVAL);
	}

	/* Good accesses with a buffer the kernel cannot use. */
	check_errno(&v->report, "config: 4-byte read into an unmapped buffer",
		    region_rw(v, CFG_REGION, 0, noaccess, 4, false), -EFAULT);
	check_errno(&v->report, "config: 2-byte write from an unmapped buffer",
		    region_rw(v, CFG_REGION, PCI_COMMAND, noaccess, 2, true),
		    -EFAULT);
	check_errno(&v->report, "BAR0: write from an unmapped buffer",
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

	check_errno(&v->report, "GET_INFO: argsz 12",
		    ioctl_err(v, VFIO_DEVICE_GET_INFO, &dinfo), -EINVAL);
	check_errno(&v->report, "GET_INFO: unmapped argument",
		    ioctl_err(v, VFIO_DEVICE_GET_INFO, noaccess), -EFAULT);
	check_errno(&v->report, "GET_INFO: read-only argument",
		    ioctl_err(v, VFIO_DEVICE_GET_INFO, ro), -EFAULT);

	check_errno(&v->report, "GET_REGION_INFO: argsz 16",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, &rinfo), -EINVAL);
	check_errno(&v->report, "GET_REGION_INFO: unmapped argument",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, noaccess),
		    -EFAULT);
	check_errno(&v->report, "GET_REGION_INFO: read-only argument",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, ro + 64),
		    -EFAULT);
	rinfo.argsz = sizeof(rinfo);
	rinfo.index = VFIO_PCI_NUM_REGIONS;
	check_errno(&v->report, "GET_REGION_INFO: index 9",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, &rinfo), -EINVAL);
	rinfo.index = ~0U;
	check_errno(&v->report, "GET_REGION_INFO: index 0xffffffff",
		    ioctl_err(v, VFIO_DEVICE_GET_REGION_INFO, &rinfo), -EINVAL);

	check_errno(&v->report, "GET_IRQ_INFO: argsz 12",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, &iinfo), -EINVAL);
	check_errno(&v->report, "GET_IRQ_INFO: unmapped argument",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, noaccess), -EFAULT);
	check_errno(&v->report, "GET_IRQ_INFO: read-only argument",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, ro + 128), -EFAULT);
	iinfo.argsz = sizeof(iinfo);
	iinfo.index = VFIO_PCI_NUM_IRQS;
	check_errno(&v->report, "GET_IRQ_INFO: index 5",
		    ioctl_err(v, VFIO_DEVICE_GET_IRQ_INFO, &iinfo), -EINVAL);

	check_errno(&v->report, "unknown ioctl VFIO_BASE + 60",
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

	check_errno(&v->report, "SET_IRQS: unknown flag 0x40",
		    irq_set(v, VFIO_PCI_MSIX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER | 0x40, 0, 1,
			    NULL, 0), -EINVAL);
	check_errno(&v->report, "SET_IRQS: two actions (trigger and unmask)",
		    irq_set(v, VFIO_PCI_INTX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER |
			    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL, 0),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: two data types (none and bool)",
		    irq_set(v, VFIO_PCI_MSI_IRQ_INDEX,
			    none | VFIO_IRQ_SET_DATA_BOOL |
			    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, "\1", 1),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: MSI-X start 7 count 2 (8 vectors)",
		    irq_set(v, VFIO_PCI_MSIX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER, 7, 2, NULL, 0),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: MSI-X start 8 count 1",
		    irq_action(v, VFIO_PCI_MSIX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 8), -EINVAL);
	check_errno(&v->report, "SET_IRQS: INTx start 0 count 2",
		    irq_set(v, VFIO_PCI_INTX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2, NULL, 0),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: MSI-X start 1 count 0xffffffff",
		    irq_set(v, VFIO_PCI_MSIX_IRQ_INDEX,
			    none | VFIO_IRQ_SET_ACTION_TRIGGER, 1, ~0U, NULL, 0),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: irq index 5",
		    irq_action(v, VFIO_PCI_NUM_IRQS,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 0), -EINVAL);
	check_errno(&v->report, "SET_IRQS: unmask of MSI (not maskable)",
		    irq_action(v, VFIO_PCI_MSI_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_UNMASK, 0), -ENOTTY);

	memset(&s, 0, sizeof(s));
	s.hdr.argsz = sizeof(s.hdr);
	s.hdr.flags = efd;
	s.hdr.index = VFIO_PCI_MSI_IRQ_INDEX;
	s.hdr.count = 1;
	check_errno(&v->report, "SET_IRQS: eventfd data but argsz without it",
		    irq_set_raw(v, &s.hdr), -EINVAL);
	s.hdr.argsz = 8;
	check_errno(&v->report, "SET_IRQS: argsz 8", irq_set_raw(v, &s.hdr),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: unmapped argument",
		    irq_set_raw(v, noaccess), -EFAULT);
	tail = (void *)(edge + v->page_size - sizeof(*tail));
	*tail = s.hdr;
	tail->argsz = sizeof(s);
	check_errno(&v->report, "SET_IRQS: eventfd data in an unmapped page",
		    irq_set_raw(v, tail), -EFAULT);

	notefd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	closed = dup(notefd);
	close(closed);
	check_errno(&v->report, "SET_IRQS: MSI eventfd that is /dev/null",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &notefd),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: MSI eventfd that is a closed fd",
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
	check_errno(&v->report, "SET_IRQS: MSI-X eventfds (setup)",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				VACCEL_MSIX_VECTORS, fds), 0);
	check_errno(&v->report,
		    "SET_IRQS: MSI eventfd while MSI-X has triggers",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fresh),
		    -EBUSY);
	check_errno(&v->report,
		    "SET_IRQS: INTx eventfd while MSI-X has triggers",
		    irq_set_fds(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fresh),
		    -EBUSY);
	s.fd[0] = fresh;
	s.fd[1] = notefd;
	check_errno(&v->report,
		    "SET_IRQS: MSI-X vectors 0-1, the second not an eventfd",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, s.fd),
		    -EINVAL);
	check_errno(&v->report, "SET_IRQS: loopback of MSI-X vector 0",
		    irq_action(v, VFIO_PCI_MSIX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 0), 0);
	expect_fired(v, "after the refused set, loopback of vector 0", "MSI-X",
		     fds, VACCEL_MSIX_VECTORS, 0);
	check(&v->report, !efd_wait(fresh, 0),
	      "the refused set did not install its eventfd");
	check_errno(&v->report, "SET_IRQS: MSI-X off (cleanup)",
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

	check_errno(&v->report, "mmap of BAR0 (trapped registers)",
		    mmap_err(v, v->region[BAR0_REGION].offset, page,
			     MAP_SHARED), -EINVAL);
	check_errno(&v->report, "mmap of config space",
		    mmap_err(v, v->region[CFG_REGION].offset, page, MAP_SHARED),
		    -EINVAL);
	check_errno(&v->report, "mmap of empty BAR4",
		    mmap_err(v, v->region[4].offset, page, MAP_SHARED), -EINVAL);
	check_errno(&v->report, "mmap of BAR2: one page at its end",
		    mmap_err(v, bar2 + size, page, MAP_SHARED), -EINVAL);
	check_errno(&v->report, "mmap of BAR2: its last page and one more",
		    mmap_err(v, bar2 + size - page, 2 * page, MAP_SHARED),
		    -EINVAL);
	check_errno(&v->report, "mmap of BAR2: one page more than its size",
		    mmap_err(v, bar2, size + page, MAP_SHARED), -EINVAL);
	check_errno(&v->report, "mmap of BAR2: private",
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
	check(&v->report, false, "memory for a snapshot");
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
		check(&v->report, false, "mmap of 3 anonymous pages: %s",
		      errname(-errno));
		return NULL;
	}
	dinfo->argsz = sizeof(*dinfo);
	rinfo->argsz = sizeof(*rinfo);
	rinfo->index = BAR2_REGION;
	iinfo->argsz = sizeof(*iinfo);
	if (mprotect(area + page, page, PROT_NONE) ||
	    mprotect(area + 2 * page, page, PROT_READ)) {
		check(&v->report, false, "mprotect: %s", errname(-errno));
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

int command_refusals(struct vdev *v)
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
		v->report.checks += other.report.checks;
		if (other.report.failures && !v->report.failures)
			memcpy(v->report.first_failure,
			       other.report.first_failure,
			       sizeof(v->report.first_failure));
		v->report.failures += other.report.failures;
	}
	vdev_close(&other);
	return ret;
}

