/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI configuration space of a vaccel function: a pure unit (no VFIO, no
 * locking of its own), table driven.  See src/cfgspace.c.
 */
#ifndef _VACCEL_CFGSPACE_H
#define _VACCEL_CFGSPACE_H

#include <linux/bits.h>
#include <linux/pci_regs.h>
#include <linux/types.h>

/* Where the capabilities sit; the chain is PCIe -> PM -> MSI -> MSI-X. */
#define VACCEL_CFG_CAP_EXP	0x40
#define VACCEL_CFG_CAP_PM	0x80
#define VACCEL_CFG_CAP_MSI	0x88
#define VACCEL_CFG_CAP_MSIX	0x98

/* What a write asks the function to do, returned by vaccel_cfg_write(). */
#define VACCEL_CFG_EV_FLR	BIT(0)	/* function level reset initiated */
#define VACCEL_CFG_EV_COMMAND	BIT(1)	/* command register changed */
#define VACCEL_CFG_EV_MSI	BIT(2)	/* MSI control changed */
#define VACCEL_CFG_EV_MSIX	BIT(3)	/* MSI-X control changed */
#define VACCEL_CFG_EV_PM	BIT(4)	/* power state changed */

/**
 * struct vaccel_cfg_params - what varies between functions
 * @vendor: PCI vendor ID (also the subsystem vendor)
 * @device: PCI device ID (also the subsystem ID)
 * @bar_size: size of each BAR in bytes, 0 for none; a non-zero size is a
 *	power of two of at least 16 bytes.  BARs 0, 2 and 4 are 64-bit
 *	memory BARs (1, 3 and 5 are their upper halves); BAR2 is
 *	prefetchable.
 * @msix_vectors: MSI-X table size, 1 to 2048
 */
struct vaccel_cfg_params {
	u16 vendor;
	u16 device;
	u64 bar_size[3];
	unsigned int msix_vectors;
};

/**
 * struct vaccel_cfg - one function's configuration space
 * @data: the registers as the function shows them; 0x100 onwards is the
 *	extended space, an empty capability list (all zeroes, read only)
 * @wmask: per byte of the standard space, the bits a write may change
 * @w1c: per byte, the bits a write of 1 clears
 */
struct vaccel_cfg {
	u8 data[PCI_CFG_SPACE_EXP_SIZE];
	u8 wmask[PCI_CFG_SPACE_SIZE];
	u8 w1c[PCI_CFG_SPACE_SIZE];
};

/* Little endian byte strings of 1 to 4 bytes, as config space holds them. */
static inline u32 vaccel_le_get(const u8 *bytes, unsigned int len)
{
	u32 val = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		val |= (u32)bytes[i] << (8 * i);
	return val;
}

static inline void vaccel_le_put(u8 *bytes, unsigned int len, u32 val)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		bytes[i] = val >> (8 * i);
}

void vaccel_cfg_init(struct vaccel_cfg *cfg,
		     const struct vaccel_cfg_params *params);
bool vaccel_cfg_access_ok(loff_t off, size_t size);
unsigned int vaccel_cfg_piece(loff_t pos, size_t left);
u32 vaccel_cfg_read(const struct vaccel_cfg *cfg, unsigned int off,
		    unsigned int size);
unsigned int vaccel_cfg_write(struct vaccel_cfg *cfg, unsigned int off,
			      unsigned int size, u32 val);

static inline u16 vaccel_cfg_read16(const struct vaccel_cfg *cfg,
				    unsigned int off)
{
	return vaccel_cfg_read(cfg, off, 2);
}

#endif /* _VACCEL_CFGSPACE_H */
