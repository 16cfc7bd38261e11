// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio info, config, bars, mem, irq, reset and check: the function
 * as a PCI device through VFIO (identity, regions and interrupt indexes,
 * config space and capabilities, BAR sizing, BAR2, MSI-X, MSI and INTx,
 * VFIO_DEVICE_RESET and FLR).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "irq.h"
#include "pattern.h"
#include "pci_cap.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

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

	check(&v->report, ok,
	      "region %u %-6s size %#llx, offset %#llx, flags %#x%s%s%s",
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

	check(&v->report, ok, "irq %u %-6s count %u, flags %#x%s%s%s%s", i,
	      irq_names[i], q->count, q->flags,
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
	check(&v->report, (v->info.flags & must) == must &&
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
	check_eq(&v->report, "vendor ID", cfg_rd(v, PCI_VENDOR_ID, 2),
		 VACCEL_PCI_VENDOR_ID);
	check_eq(&v->report, "device ID", cfg_rd(v, PCI_DEVICE_ID, 2),
		 VACCEL_PCI_DEVICE_ID_VF);
	check_eq(&v->report, "class code",
		 cfg_rd(v, PCI_CLASS_REVISION, 4) >> 8, VACCEL_PCI_CLASS);
	check_eq(&v->report, "revision", cfg_rd(v, PCI_REVISION_ID, 1),
		 VACCEL_PCI_REVISION);
	check_eq(&v->report, "header type", cfg_rd(v, PCI_HEADER_TYPE, 1),
		 PCI_HEADER_TYPE_NORMAL);
	check_eq(&v->report, "interrupt pin (INTA)",
		 cfg_rd(v, PCI_INTERRUPT_PIN, 1), 1);
	check(&v->report, cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
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
	check(&v->report, ok,
	      "capabilities %send (want PCIe -> PM -> MSI -> MSI-X)",
	      n < 0 ? "malformed: " : line);

	if (v->cap_exp)
		check(&v->report, cfg_rd(v, v->cap_exp + PCI_EXP_DEVCAP, 4) &
		      PCI_EXP_DEVCAP_FLR, "PCIe: function level reset capable");
	if (v->cap_msix) {
		val = cfg_rd(v, v->cap_msix + PCI_MSIX_FLAGS, 2);
		check_eq(&v->report, "MSI-X table size",
			 (val & PCI_MSIX_FLAGS_QSIZE) + 1, VACCEL_MSIX_VECTORS);
		check_eq(&v->report, "MSI-X table (BIR | offset)",
			 cfg_rd(v, v->cap_msix + PCI_MSIX_TABLE, 4),
			 VACCEL_MSIX_TABLE | VACCEL_BAR_REGS);
		check_eq(&v->report, "MSI-X PBA (BIR | offset)",
			 cfg_rd(v, v->cap_msix + PCI_MSIX_PBA, 4),
			 VACCEL_MSIX_PBA | VACCEL_BAR_REGS);
	}

	check_eq(&v->report, "extended config space at 0x100",
		 cfg_rd(v, PCI_CFG_SPACE_SIZE, 4), 0);
	for (off = PCI_CFG_SPACE_SIZE; off < PCI_CFG_SPACE_EXP_SIZE; off += 4)
		if (cfg_rd(v, off, 4))
			break;
	check(&v->report, off == PCI_CFG_SPACE_EXP_SIZE,
	      "extended config space 0x100-0xfff reads 0");
	cfg_wr(v, PCI_CFG_SPACE_SIZE, 4, ~0U);
	check_eq(&v->report,
		 "extended config space at 0x100 after writing ones",
		 cfg_rd(v, PCI_CFG_SPACE_SIZE, 4), 0);

	check_eq(&v->report, "BAR0 ID", reg_rd(v, VACCEL_REG_ID),
		 VACCEL_ID_MAGIC);
	check_eq(&v->report, "BAR0 VERSION (1.1)",
		 reg_rd(v, VACCEL_REG_VERSION), VACCEL_VERSION);
	check_eq(&v->report, "BAR0 QUEUES", reg_rd(v, VACCEL_REG_QUEUES),
		 VACCEL_FN_QUEUES);
	check_eq(&v->report, "BAR0 STATUS", reg_rd(v, VACCEL_REG_STATUS),
		 VACCEL_STATUS_READY);
	check_eq(&v->report, "BAR0 MSIX_VECTORS",
		 reg_rd(v, VACCEL_REG_MSIX_VECTORS), VACCEL_MSIX_VECTORS);
	check_eq(&v->report, "BAR0 ENGINES", reg_rd(v, VACCEL_REG_ENGINES),
		 sysfs_need(v, "../vaccel/engines"));

	size = reg_rd(v, VACCEL_REG_MEM_SIZE_LO) |
	       (__u64)reg_rd(v, VACCEL_REG_MEM_SIZE_HI) << 32;
	check_eq(&v->report, "BAR0 MEM_SIZE_HI:LO", size, v->mem_size);
	check_eq(&v->report, "BAR2 region size", v->region[BAR2_REGION].size,
		 v->mem_size);
	check_eq(&v->report, "sysfs vaccel/memory_size",
		 sysfs_need(v, "vaccel/memory_size"), v->mem_size);

	card_mem = sysfs_need(v, "../vaccel/memory_size");
	val = reg_rd(v, VACCEL_REG_SHARE);
	slots = val & VACCEL_SHARE_SLOTS;
	total = (val & VACCEL_SHARE_TOTAL) >> 8;
	check_eq(&v->report, "BAR0 SHARE total slots", total, 4);
	if (card_mem)
		check_eq(&v->report,
			 "BAR0 SHARE slots (4 * memory / card memory)", slots,
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
	check(&v->report, !err && !memcmp(whole, cfg, PCI_CFG_SPACE_SIZE),
	      "one 4096-byte read agrees with the 4-byte reads (%s)",
	      errname(err));
	err = region_rw(v, CFG_REGION, 1, odd, sizeof(odd), false);
	check(&v->report, !err && !memcmp(odd, cfg + 1, sizeof(odd)),
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
	check(&v->report, n >= 0,
	      "capability list well formed (%d capabilities)", n);

	/* The same bytes through 1- and 2-byte reads. */
	for (off = 0; off < PCI_CFG_SPACE_SIZE; off++)
		same &= cfg_rd(v, off, 1) == cfg[off];
	for (off = 0; off < PCI_CFG_SPACE_SIZE; off += 2)
		same &= cfg_rd(v, off, 2) == get_le(cfg, off, 2);
	check(&v->report, same,
	      "1- and 2-byte reads agree with the 4-byte reads");

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
		check_eq(&v->report, what, b.size, v->region[bar].size);
		if (bar == VACCEL_BAR_REGS)
			check(&v->report, !b.io && b.is64 && !b.prefetch &&
			      b.size == VACCEL_BAR0_SIZE,
			      "BAR0: 64-bit non-prefetchable memory of %#x bytes",
			      VACCEL_BAR0_SIZE);
		if (bar == VACCEL_BAR_MEM)
			check(&v->report, !b.io && b.is64 && b.prefetch &&
			      b.size == v->mem_size,
			      "BAR2: 64-bit prefetchable memory of %#llx bytes",
			      v->mem_size);
	}
	rom = bar_probe(v, PCI_ROM_ADDRESS) & PCI_ROM_ADDRESS_MASK;
	printf("  ROM: %s\n", rom ? "implemented" : "not implemented");
	check_eq(&v->report, "ROM size = region 6 size", rom ? ~rom + 1 : 0,
		 v->region[VFIO_PCI_ROM_REGION_INDEX].size);

	/* An address: the bits below the size read 0, the type stays. */
	cfg_wr(v, PCI_BASE_ADDRESS_0, 4, 0xfebf1234);
	cfg_wr(v, PCI_BASE_ADDRESS_1, 4, 0x1);
	check_eq(&v->report, "BAR0 after writing 0x1_febf1234",
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
	if (!check(&v->report, size >= 3 * page && !(size & (size - 1)),
		   "BAR2 size %#zx is a power of two of at least 3 pages",
		   size) ||
	    !check(&v->report,
		   v->region[BAR2_REGION].flags & VFIO_REGION_INFO_FLAG_MMAP,
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
			check_pattern(&v->report, what, buf, offs[i], page,
				      seed_map);

		fill(buf, offs[i], page, seed_fd);
		snprintf(what, sizeof(what),
			 "page at %#llx: written with pwrite, read through mmap",
			 offs[i]);
		if (mem_rw(v, offs[i], buf, page, true))
			check_pattern(&v->report, what,
				      (__u64 *)(map + offs[i]),
				      offs[i], page, seed_fd);
	}

	/* Any access inside BAR2 works: odd sizes and offsets. */
	if (mem_rw(v, size / 2 + 5, bytes, sizeof(bytes), true))
		check(&v->report,
		      !memcmp(map + size / 2 + 5, bytes, sizeof(bytes)),
		      "3-byte pwrite at %#zx seen through mmap", size / 2 + 5);
	if (mem_rw(v, size - 1, &last, 1, false))
		check_eq(&v->report, "1-byte pread of the last byte", last,
			 map[size - 1]);

	/* A second mapping of one page at an offset sees the same memory. */
	map2 = mem_map(v, size / 2, page);
	if (map2) {
		check(&v->report, !memcmp(map2, map + size / 2, page),
		      "mapping of the middle page alone shows the same bytes");
		munmap(map2, page);
	}
	munmap(map, size);
	free(buf);
}

/* irq: MSI-X, MSI, INTx */

static void run_irq_msix(struct vdev *v)
{
	const char *name = "MSI-X";
	__s32 fds[VACCEL_MSIX_VECTORS];
	unsigned int ctrl = v->cap_msix + PCI_MSIX_FLAGS;
	__u32 flags;

	section("irq: MSI-X");
	if (!check(&v->report, v->cap_msix, "MSI-X capability present") ||
	    !efd_open(v, fds, VACCEL_MSIX_VECTORS))
		return;
	check_errno(&v->report, "SET_IRQS: eventfds for MSI-X vectors 0-7",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				VACCEL_MSIX_VECTORS, fds), 0);
	check_errno(&v->report, "SET_IRQS: loopback trigger of MSI-X vector 3",
		    irq_action(v, VFIO_PCI_MSIX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, 3), 0);
	expect_fired(v, "loopback", name, fds, VACCEL_MSIX_VECTORS, 3);

	flags = cfg_rd(v, ctrl, 2);
	cfg_wr(v, ctrl, 2, flags | PCI_MSIX_FLAGS_ENABLE);
	check(&v->report, cfg_rd(v, ctrl, 2) & PCI_MSIX_FLAGS_ENABLE,
	      "MSI-X enabled in config space (%#x)", ctrl);

	reg_wr(v, VACCEL_REG_INT_MASK, 0);
	int_test(v);
	check_eq(&v->report, "INT_CAUSE after INT_TEST",
		 reg_rd(v, VACCEL_REG_INT_CAUSE), VACCEL_INT_TEST);
	expect_fired(v, "INT_TEST while INT_MASK disables it", name, fds,
		     VACCEL_MSIX_VECTORS, -1);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	expect_fired(v, "enabling the pending cause in INT_MASK", name, fds,
		     VACCEL_MSIX_VECTORS, 0);
	int_clear(v);
	check_eq(&v->report, "INT_CAUSE after writing 1 to clear",
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
	check_errno(&v->report, "SET_IRQS: MSI-X off",
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
	if (!check(&v->report, v->cap_msi, "MSI capability present") ||
	    !efd_open(v, &fd, 1))
		return;
	check_errno(&v->report, "SET_IRQS: eventfd for MSI",
		    irq_set_fds(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd), 0);
	flags = cfg_rd(v, ctrl, 2);
	cfg_wr(v, ctrl, 2, flags | PCI_MSI_FLAGS_ENABLE);
	check(&v->report, cfg_rd(v, ctrl, 2) & PCI_MSI_FLAGS_ENABLE,
	      "MSI enabled in config space (%#x)", ctrl);

	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	int_test(v);
	expect_fired(v, "INT_TEST", name, &fd, 1, 0);
	check_eq(&v->report, "INT_CAUSE", reg_rd(v, VACCEL_REG_INT_CAUSE),
		 VACCEL_INT_TEST);
	int_clear(v);
	expect_fired(v, "clearing the cause", name, &fd, 1, -1);
	int_test(v);
	expect_fired(v, "INT_TEST again", name, &fd, 1, 0);
	int_clear(v);

	cfg_wr(v, ctrl, 2, flags & ~PCI_MSI_FLAGS_ENABLE);
	check_errno(&v->report, "SET_IRQS: MSI off",
		    irq_disable(v, VFIO_PCI_MSI_IRQ_INDEX), 0);
	close(fd);
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
	check_errno(&v->report, "SET_IRQS: eventfd for INTx",
		    irq_set_fds(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fd), 0);
	reg_wr(v, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	check(&v->report, !intx_status(v),
	      "PCI_STATUS.INTERRUPT clear, nothing pending");

	int_test(v);
	expect_fired(v, "INT_TEST", name, &fd, 1, 0);
	check(&v->report, intx_status(v),
	      "PCI_STATUS.INTERRUPT set: level high");
	int_clear(v);
	check(&v->report, !intx_status(v),
	      "PCI_STATUS.INTERRUPT clear after clearing the cause");
	expect_fired(v, "clearing the cause", name, &fd, 1, -1);

	int_test(v);
	expect_fired(v, "INT_TEST again before UNMASK (automasked)", name, &fd,
		     1, -1);
	check(&v->report, intx_status(v),
	      "PCI_STATUS.INTERRUPT set while automasked");
	intx_unmask(v);
	expect_fired(v, "UNMASK with the level still high", name, &fd, 1, 0);
	int_clear(v);
	check(&v->report, !intx_status(v), "PCI_STATUS.INTERRUPT clear again");
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
	check_errno(&v->report, "SET_IRQS: INTx mask",
		    irq_action(v, VFIO_PCI_INTX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_MASK, 0), 0);
	int_test(v);
	expect_fired(v, "INT_TEST while masked", name, &fd, 1, -1);
	check(&v->report, intx_status(v),
	      "PCI_STATUS.INTERRUPT set while masked");
	intx_unmask(v);
	expect_fired(v, "UNMASK of the pending interrupt", name, &fd, 1, 0);
	int_clear(v);
	intx_unmask(v);

	reg_wr(v, VACCEL_REG_INT_MASK, 0);
	cfg_wr(v, PCI_COMMAND, 2, cmd);
	check_errno(&v->report, "SET_IRQS: INTx off",
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
	check(&v->report, ok, "state set: %s",
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
	check_eq(&v->report, "CONTROL", reg_rd(v, VACCEL_REG_CONTROL), 0);
	check_eq(&v->report, "STATUS", reg_rd(v, VACCEL_REG_STATUS),
		 VACCEL_STATUS_READY);
	check_eq(&v->report, "INT_CAUSE", reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	check_eq(&v->report, "INT_MASK", reg_rd(v, VACCEL_REG_INT_MASK), 0);
	check_eq(&v->report, "SCRATCH", reg_rd(v, VACCEL_REG_SCRATCH), 0);
	for (i = 0; i < VACCEL_MSIX_VECTORS * msix_entry_words; i++)
		if (reg_rd(v, VACCEL_MSIX_TABLE + 4 * i) !=
		    (i % msix_entry_words == PCI_MSIX_ENTRY_VECTOR_CTRL / 4 ?
		     PCI_MSIX_ENTRY_CTRL_MASKBIT : 0) && bad == ~0U)
			bad = i;
	check(&v->report, bad == ~0U,
	      "MSI-X table: all vectors masked, zero otherwise%s",
	      bad == ~0U ? "" : " (differs)");
	check_eq(&v->report, "command register", cfg_rd(v, PCI_COMMAND, 2), 0);

	cfg_snapshot(v, cfg);
	check_cfg_same(v, "config space as at open (power-on)", cfg,
		       v->cfg_at_open, PCI_CFG_SPACE_SIZE);

	check(&v->report, is_zero(map_page, v->page_size),
	      "BAR2 middle page reads 0 through mmap");
	buf = malloc(v->page_size);
	if (!buf)
		return;
	if (mem_rw(v, 0, buf, v->page_size, false))
		check(&v->report, is_zero(buf, v->page_size),
		      "BAR2 first page reads 0 through pread");
	if (mem_rw(v, last, buf, v->page_size, false))
		check(&v->report, is_zero(buf, v->page_size),
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
	if (!check(&v->report, v->info.flags & VFIO_DEVICE_FLAGS_RESET,
		   "device info says RESET") ||
	    !check(&v->report, v->cap_exp, "PCI Express capability present"))
		return;
	map = mem_map(v, v->mem_size / 2, v->page_size);
	if (!map)
		return;
	before = sysfs_need(v, "vaccel/resets");

	/* The register file's own reset leaves config space and memory. */
	dirty_state(v, map);
	reg_wr(v, VACCEL_REG_CONTROL, VACCEL_CONTROL_RESET);
	printf("  -- after CONTROL.RESET (registers only)\n");
	check_eq(&v->report, "SCRATCH", reg_rd(v, VACCEL_REG_SCRATCH), 0);
	check_eq(&v->report, "CONTROL", reg_rd(v, VACCEL_REG_CONTROL), 0);
	check_eq(&v->report, "INT_CAUSE", reg_rd(v, VACCEL_REG_INT_CAUSE), 0);
	check_eq(&v->report, "command register kept", cfg_rd(v, PCI_COMMAND, 2),
		 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	check(&v->report, !is_zero(map, v->page_size), "BAR2 kept");
	check_eq(&v->report, "sysfs resets unchanged by CONTROL.RESET",
		 sysfs_need(v, "vaccel/resets"), before);

	dirty_state(v, map);
	check_errno(&v->report, "VFIO_DEVICE_RESET",
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
	check_eq(&v->report, "sysfs vaccel/resets increase", after - before, 3);
	munmap(map, v->page_size);
}

/* Commands */

int command_info(struct vdev *v)
{
	run_info(v);
	return 0;
}

int command_config(struct vdev *v)
{
	run_config(v);
	return 0;
}

int command_bars(struct vdev *v)
{
	run_bars(v);
	return 0;
}

/*
 * A user opening the device finds its memory as a new function has it: all
 * zero, whatever the slice's last user, or the instance's, left there.
 */
static void run_mem_fresh(struct vdev *v)
{
	size_t size = v->region[BAR2_REGION].size, off, dirty = 0;
	__u8 *map;

	section("mem: BAR2 reads zero when first opened");
	map = mem_map(v, 0, size);
	if (!map)
		return;
	for (off = 0; off < size; off += v->page_size)
		dirty += !is_zero(map + off, v->page_size);
	check(&v->report, !dirty, "%zu of %zu pages read zero",
	      size / v->page_size - dirty, size / v->page_size);
	munmap(map, size);
}

int command_mem(struct vdev *v)
{
	run_mem_fresh(v);
	run_mem(v);
	return 0;
}

int command_irq(struct vdev *v)
{
	run_irq(v);
	return 0;
}

int command_reset(struct vdev *v)
{
	run_reset(v);
	return 0;
}

int command_check(struct vdev *v)
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

