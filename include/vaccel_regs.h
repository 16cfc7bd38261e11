/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The vaccel virtual function: PCI identity and the BAR0 register file.
 *
 * Shared by the host driver (which emulates it), the guest VF driver and
 * the tools.  docs/hardware.md describes the same interface in prose.
 *
 * BAR0 (64-bit, non-prefetchable MMIO, VACCEL_BAR0_SIZE bytes):
 *
 *   0x0000 - 0x00ff  global registers (below)
 *   0x1000 - 0x1fff  per-queue registers, VACCEL_QUEUE_STRIDE apart
 *   0x2000 - 0x2fff  MSI-X table (VACCEL_MSIX_VECTORS entries)
 *   0x3000 - 0x3fff  MSI-X pending bit array
 *
 * BAR2 (64-bit, prefetchable MMIO): the function's device memory, exactly
 * its slice of the card; its size is a power of two and is also readable
 * from VACCEL_REG_MEM_SIZE_LO/HI.
 *
 * All registers are 32 bits wide, little endian, and must be accessed
 * with naturally aligned 32-bit reads and writes; other accesses to the
 * register area read as all ones and are dropped when written.
 */
#ifndef _VACCEL_REGS_H
#define _VACCEL_REGS_H

#ifdef __KERNEL__
#include <linux/bits.h>
#else
#ifndef BIT
#define BIT(n)			(1U << (n))
#endif
#ifndef GENMASK
#define GENMASK(h, l)		(((~0U) << (l)) & (~0U >> (31 - (h))))
#endif
#endif

/* PCI identity; the IDs are placeholders (vendor_id/device_id override). */
#define VACCEL_PCI_VENDOR_ID		0x1ace
#define VACCEL_PCI_DEVICE_ID_VF		0x0a01
#define VACCEL_PCI_CLASS		0x120000	/* processing accelerator */
#define VACCEL_PCI_REVISION		0x01

#define VACCEL_BAR_REGS			0
#define VACCEL_BAR_MEM			2
#define VACCEL_BAR0_SIZE		0x4000

/* Global registers. */
#define VACCEL_REG_ID			0x0000	/* RO: VACCEL_ID_MAGIC */
#define   VACCEL_ID_MAGIC		0x56414343	/* "VACC" */
#define VACCEL_REG_VERSION		0x0004	/* RO: major << 16 | minor */
#define   VACCEL_VERSION_MAJOR		GENMASK(31, 16)
#define   VACCEL_VERSION_MINOR		GENMASK(15, 0)
#define   VACCEL_VERSION		0x00010001
#define VACCEL_REG_ENGINES		0x0008	/* RO: engines of the card */
#define VACCEL_REG_QUEUES		0x000c	/* RO: queues of this function */
#define VACCEL_REG_MEM_SIZE_LO		0x0010	/* RO: BAR2 size, low half */
#define VACCEL_REG_MEM_SIZE_HI		0x0014	/* RO: BAR2 size, high half */
#define VACCEL_REG_SHARE		0x0018	/* RO: slice of the card */
#define   VACCEL_SHARE_SLOTS		GENMASK(7, 0)	/* quarter slots held */
#define   VACCEL_SHARE_TOTAL		GENMASK(15, 8)	/* slots per card */
#define VACCEL_REG_MSIX_VECTORS		0x001c	/* RO: MSI-X vectors */

#define VACCEL_REG_CONTROL		0x0020	/* RW */
#define   VACCEL_CONTROL_ENABLE		BIT(0)	/* function enabled */
#define   VACCEL_CONTROL_RESET		BIT(1)	/* WO: reset, reads 0 */
#define VACCEL_REG_STATUS		0x0024	/* RO */
#define   VACCEL_STATUS_READY		BIT(0)	/* out of reset */
#define   VACCEL_STATUS_ENABLED		BIT(1)	/* CONTROL.ENABLE seen */

#define VACCEL_REG_INT_CAUSE		0x0030	/* RW1C: pending causes */
#define VACCEL_REG_INT_MASK		0x0034	/* RW: 1 = cause enabled */
#define VACCEL_REG_INT_TEST		0x0038	/* WO: raise causes */
#define   VACCEL_INT_TEST		BIT(0)	/* raised by INT_TEST */
#define   VACCEL_INT_ERROR		BIT(1)	/* a queue entered error */
#define   VACCEL_INT_QUEUES		GENMASK(31, 16)	/* per-queue completion */
#define VACCEL_REG_SCRATCH		0x0040	/* RW, no effect */

/* Per-queue registers: vaccel_queue.h. */
#define VACCEL_QUEUE_BASE		0x1000
#define VACCEL_QUEUE_STRIDE		0x40
#define VACCEL_MAX_QUEUES		16

/* MSI-X: vector 0 signals the global causes, vector 1 + q queue q. */
#define VACCEL_MSIX_TABLE		0x2000
#define VACCEL_MSIX_PBA			0x3000
#define VACCEL_MSIX_VECTORS		8
#define VACCEL_MSIX_ENTRY_SIZE		16

#endif /* _VACCEL_REGS_H */
