// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration space emulation of a vaccel function.
 *
 * The power-on contents, and for every byte which bits a write may change
 * and which are write-1-to-clear, come from one table (vaccel_cfg_fields)
 * plus the BAR sizes; reads and writes are then the same few lines for
 * every register.  BAR sizing needs no special case: the low bits of a
 * BAR that its size makes zero are simply not writable, so writing all
 * ones reads back the size mask, as on hardware.  A write that does more
 * than store bits (FLR, enabling interrupts) is reported to the caller as
 * an event.
 *
 * Accesses are 1, 2 or 4 bytes, naturally aligned, inside the 4 KiB
 * extended configuration space; vaccel_cfg_access_ok() is the check.
 */

#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "vaccel_regs.h"
#include "cfgspace.h"

/**
 * struct vaccel_cfg_field - one register of the standard space
 * @off: offset
 * @len: width in bytes (1, 2 or 4)
 * @val: power-on value
 * @wmask: writable bits
 * @w1c: write-1-to-clear bits
 */
struct vaccel_cfg_field {
	u16 off;
	u8 len;
	u32 val;
	u32 wmask;
	u32 w1c;
};

#define EXP(reg)	(VACCEL_CFG_CAP_EXP + (reg))
#define PM(reg)		(VACCEL_CFG_CAP_PM + (reg))
#define MSI(reg)	(VACCEL_CFG_CAP_MSI + (reg))
#define MSIX(reg)	(VACCEL_CFG_CAP_MSIX + (reg))

static const struct vaccel_cfg_field vaccel_cfg_fields[] = {
	/* Header (type 0); IDs, BARs and MSI-X size come from the params. */
	{ PCI_COMMAND, 2, 0,
	  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
	  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE, 0 },
	{ PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0,
	  PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
	  PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
	  PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY },
	{ PCI_REVISION_ID, 1, VACCEL_PCI_REVISION, 0, 0 },
	{ PCI_CLASS_PROG, 1, VACCEL_PCI_CLASS & 0xff, 0, 0 },
	{ PCI_CLASS_DEVICE, 2, VACCEL_PCI_CLASS >> 8, 0, 0 },
	{ PCI_CACHE_LINE_SIZE, 1, 0, 0xff, 0 },
	{ PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL, 0, 0 },
	{ PCI_CAPABILITY_LIST, 1, VACCEL_CFG_CAP_EXP, 0, 0 },
	{ PCI_INTERRUPT_LINE, 1, 0, 0xff, 0 },
	{ PCI_INTERRUPT_PIN, 1, 1, 0, 0 },		/* INTA */

	/* PCI Express v2 endpoint, FLR capable, x1 at 2.5 GT/s. */
	{ EXP(PCI_CAP_LIST_ID), 1, PCI_CAP_ID_EXP, 0, 0 },
	{ EXP(PCI_CAP_LIST_NEXT), 1, VACCEL_CFG_CAP_PM, 0, 0 },
	{ EXP(PCI_EXP_FLAGS), 2, 2 | PCI_EXP_TYPE_ENDPOINT << 4, 0, 0 },
	{ EXP(PCI_EXP_DEVCAP), 4, PCI_EXP_DEVCAP_FLR | PCI_EXP_DEVCAP_RBER, 0, 0 },
	/* FLR (bit 15) is not stored: it reads 0 and raises an event. */
	{ EXP(PCI_EXP_DEVCTL), 2,
	  PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | 0x2000,
	  0x7fff, 0 },
	{ EXP(PCI_EXP_DEVSTA), 2, 0, 0,
	  PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED |
	  PCI_EXP_DEVSTA_URD },
	{ EXP(PCI_EXP_LNKCAP), 4, PCI_EXP_LNKCAP_SLS_2_5GB | 1 << 4, 0, 0 },
	{ EXP(PCI_EXP_LNKCTL), 2, 0,
	  PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_RCB | PCI_EXP_LNKCTL_CCC |
	  PCI_EXP_LNKCTL_ES, 0 },
	{ EXP(PCI_EXP_LNKSTA), 2, PCI_EXP_LNKSTA_CLS_2_5GB | 1 << 4, 0, 0 },
	{ EXP(PCI_EXP_DEVCAP2), 4, PCI_EXP_DEVCAP2_COMP_TMOUT_DIS, 0, 0 },
	{ EXP(PCI_EXP_DEVCTL2), 2, 0,
	  PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS, 0 },
	{ EXP(PCI_EXP_LNKCAP2), 4, PCI_EXP_LNKCAP2_SLS_2_5GB, 0, 0 },
	{ EXP(PCI_EXP_LNKCTL2), 2, PCI_EXP_LNKCTL2_TLS_2_5GT,
	  PCI_EXP_LNKCTL2_TLS, 0 },

	/* Power management v1.2, D0 and D3hot, no soft reset on D3->D0. */
	{ PM(PCI_CAP_LIST_ID), 1, PCI_CAP_ID_PM, 0, 0 },
	{ PM(PCI_CAP_LIST_NEXT), 1, VACCEL_CFG_CAP_MSI, 0, 0 },
	{ PM(PCI_PM_PMC), 2, 3, 0, 0 },
	{ PM(PCI_PM_CTRL), 2, PCI_PM_CTRL_NO_SOFT_RESET,
	  PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE,
	  PCI_PM_CTRL_PME_STATUS },

	/* MSI, 64-bit address, one vector. */
	{ MSI(PCI_CAP_LIST_ID), 1, PCI_CAP_ID_MSI, 0, 0 },
	{ MSI(PCI_CAP_LIST_NEXT), 1, VACCEL_CFG_CAP_MSIX, 0, 0 },
	{ MSI(PCI_MSI_FLAGS), 2, PCI_MSI_FLAGS_64BIT,
	  PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 0 },
	{ MSI(PCI_MSI_ADDRESS_LO), 4, 0, 0xfffffffc, 0 },
	{ MSI(PCI_MSI_ADDRESS_HI), 4, 0, 0xffffffff, 0 },
	{ MSI(PCI_MSI_DATA_64), 2, 0, 0xffff, 0 },

	/* MSI-X, table and PBA in BAR0; the table size is set at init. */
	{ MSIX(PCI_CAP_LIST_ID), 1, PCI_CAP_ID_MSIX, 0, 0 },
	{ MSIX(PCI_CAP_LIST_NEXT), 1, 0, 0, 0 },
	{ MSIX(PCI_MSIX_FLAGS), 2, 0,
	  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0 },
	{ MSIX(PCI_MSIX_TABLE), 4, VACCEL_MSIX_TABLE | VACCEL_BAR_REGS, 0, 0 },
	{ MSIX(PCI_MSIX_PBA), 4, VACCEL_MSIX_PBA | VACCEL_BAR_REGS, 0, 0 },
};

/*
 * Registers whose change the caller must act on.  FLR is a
 * write-1-to-trigger bit and is tested in the written value instead.
 */
static const struct {
	u16 off;
	u8 len;
	unsigned int event;
} vaccel_cfg_watched[] = {
	{ PCI_COMMAND, 2, VACCEL_CFG_EV_COMMAND },
	{ MSI(PCI_MSI_FLAGS), 2, VACCEL_CFG_EV_MSI },
	{ MSIX(PCI_MSIX_FLAGS), 2, VACCEL_CFG_EV_MSIX },
	{ PM(PCI_PM_CTRL), 2, VACCEL_CFG_EV_PM },
};

static void vaccel_cfg_put(u8 *bytes, unsigned int off, unsigned int len,
			   u32 val)
{
	vaccel_le_put(bytes + off, len, val);
}

static u32 vaccel_cfg_get(const u8 *bytes, unsigned int off, unsigned int len)
{
	return vaccel_le_get(bytes + off, len);
}

/* A 64-bit memory BAR pair: type bits read only, size bits read as 0. */
static void vaccel_cfg_init_bar(struct vaccel_cfg *cfg, unsigned int bar,
				u64 size, bool prefetch)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	u32 type = PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64;
	u64 mask;

	if (!size)
		return;
	if (prefetch)
		type |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	mask = ~(size - 1) & ~(u64)0xf;
	vaccel_cfg_put(cfg->data, off, 4, type);
	vaccel_cfg_put(cfg->wmask, off, 4, lower_32_bits(mask));
	vaccel_cfg_put(cfg->wmask, off + 4, 4, upper_32_bits(mask));
}

/**
 * vaccel_cfg_init() - the power-on state, also the state after any reset
 * @cfg: configuration space to (re)initialise
 * @params: identity and sizes of the function
 */
void vaccel_cfg_init(struct vaccel_cfg *cfg,
		     const struct vaccel_cfg_params *params)
{
	const struct vaccel_cfg_field *f;
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < ARRAY_SIZE(vaccel_cfg_fields); i++) {
		f = &vaccel_cfg_fields[i];
		vaccel_cfg_put(cfg->data, f->off, f->len, f->val);
		vaccel_cfg_put(cfg->wmask, f->off, f->len, f->wmask);
		vaccel_cfg_put(cfg->w1c, f->off, f->len, f->w1c);
	}

	vaccel_cfg_put(cfg->data, PCI_VENDOR_ID, 2, params->vendor);
	vaccel_cfg_put(cfg->data, PCI_DEVICE_ID, 2, params->device);
	vaccel_cfg_put(cfg->data, PCI_SUBSYSTEM_VENDOR_ID, 2, params->vendor);
	vaccel_cfg_put(cfg->data, PCI_SUBSYSTEM_ID, 2, params->device);
	for (i = 0; i < ARRAY_SIZE(params->bar_size); i++)
		vaccel_cfg_init_bar(cfg, 2 * i, params->bar_size[i],
				    2 * i == VACCEL_BAR_MEM);
	vaccel_cfg_put(cfg->data, MSIX(PCI_MSIX_FLAGS), 2,
		       (params->msix_vectors - 1) & PCI_MSIX_FLAGS_QSIZE);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_cfg_init);

/**
 * vaccel_cfg_access_ok() - is this an access configuration space allows?
 * @off: offset of the access
 * @size: its width
 *
 * Return: true for 1, 2 and 4 byte accesses at a multiple of their width
 * inside the 4 KiB extended configuration space.
 */
bool vaccel_cfg_access_ok(loff_t off, size_t size)
{
	return (size == 1 || size == 2 || size == 4) && off >= 0 &&
	       off <= PCI_CFG_SPACE_EXP_SIZE - size && !(off & (size - 1));
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_cfg_access_ok);

/**
 * vaccel_cfg_piece() - width of the next piece of a longer access
 * @pos: where the rest of the access starts
 * @left: bytes left, at least 1
 *
 * A VFIO user may read or write any run of bytes inside configuration
 * space (QEMU reads all 4 KiB at once).  The run is carried out as the
 * widest naturally aligned accesses it is made of, as vfio-pci does.
 *
 * Return: 4, 2 or 1.
 */
unsigned int vaccel_cfg_piece(loff_t pos, size_t left)
{
	if (!(pos & 3) && left >= 4)
		return 4;
	if (!(pos & 1) && left >= 2)
		return 2;
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_cfg_piece);

/**
 * vaccel_cfg_read() - read a register
 * @cfg: configuration space
 * @off: offset
 * @size: width; vaccel_cfg_access_ok(@off, @size) must hold
 *
 * Return: the value, little endian bytes assembled.
 */
u32 vaccel_cfg_read(const struct vaccel_cfg *cfg, unsigned int off,
		    unsigned int size)
{
	if (WARN_ON_ONCE(!vaccel_cfg_access_ok(off, size)))
		return ~0U;
	return vaccel_cfg_get(cfg->data, off, size);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_cfg_read);

/**
 * vaccel_cfg_write() - write a register
 * @cfg: configuration space
 * @off: offset
 * @size: width; vaccel_cfg_access_ok(@off, @size) must hold
 * @val: value, only the low @size bytes count
 *
 * Read-only bits keep their value, write-1-to-clear bits clear where @val
 * has a 1, the extended space ignores writes.
 *
 * Return: VACCEL_CFG_EV_* flags for what the caller must act on.
 */
unsigned int vaccel_cfg_write(struct vaccel_cfg *cfg, unsigned int off,
			      unsigned int size, u32 val)
{
	u32 before[ARRAY_SIZE(vaccel_cfg_watched)];
	unsigned int i, events = 0;
	u8 b;

	if (WARN_ON_ONCE(!vaccel_cfg_access_ok(off, size)) ||
	    off >= PCI_CFG_SPACE_SIZE)
		return 0;

	for (i = 0; i < ARRAY_SIZE(vaccel_cfg_watched); i++)
		before[i] = vaccel_cfg_get(cfg->data, vaccel_cfg_watched[i].off,
					   vaccel_cfg_watched[i].len);

	for (i = 0; i < size; i++) {
		unsigned int o = off + i;

		b = val >> (8 * i);
		cfg->data[o] = (cfg->data[o] & ~cfg->wmask[o]) |
			       (b & cfg->wmask[o]);
		cfg->data[o] &= ~(b & cfg->w1c[o]);
	}

	for (i = 0; i < ARRAY_SIZE(vaccel_cfg_watched); i++)
		if (vaccel_cfg_get(cfg->data, vaccel_cfg_watched[i].off,
				   vaccel_cfg_watched[i].len) != before[i])
			events |= vaccel_cfg_watched[i].event;

	/* Initiate Function Level Reset: the byte holding bit 15. */
	if (off <= EXP(PCI_EXP_DEVCTL) + 1 &&
	    off + size > EXP(PCI_EXP_DEVCTL) + 1 &&
	    (val >> (8 * (EXP(PCI_EXP_DEVCTL) + 1 - off))) &
	    (PCI_EXP_DEVCTL_BCR_FLR >> 8))
		events |= VACCEL_CFG_EV_FLR;

	return events;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_cfg_write);
