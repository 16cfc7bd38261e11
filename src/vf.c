// SPDX-License-Identifier: GPL-2.0
/*
 * The BAR0 register file of a vaccel function, and its reset.
 *
 * BAR0 accepts naturally aligned 32-bit accesses only
 * (vaccel_vf_reg_access_ok()); the VFIO layer refuses the rest before they
 * get here.  Reads of offsets that hold no register return 0 and writes
 * to them are ignored, as on most hardware.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "vaccel_hw.h"
#include "vf.h"

/**
 * vaccel_vf_init() - create a function in its power-on state
 * @vf: state to initialise
 * @id: what the function is
 */
void vaccel_vf_init(struct vaccel_vf *vf, const struct vaccel_vf_identity *id)
{
	vf->id = *id;
	vaccel_vf_reset(vf);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_init);

/**
 * vaccel_vf_reset_regs() - reset of the register file (CONTROL.RESET)
 * @vf: the function
 *
 * Configuration space and the MSI-X table keep their contents.
 */
void vaccel_vf_reset_regs(struct vaccel_vf *vf)
{
	vf->control = 0;
	vf->status = VACCEL_STATUS_READY;
	vf->int_cause = 0;
	vf->int_mask = 0;
	vf->scratch = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_reset_regs);

/**
 * vaccel_vf_reset() - function level reset: everything to power-on state
 * @vf: the function
 *
 * Configuration space (BARs unassigned, interrupts disabled), registers,
 * and the MSI-X table (every vector masked).  Device memory is the
 * caller's to clear.
 */
void vaccel_vf_reset(struct vaccel_vf *vf)
{
	unsigned int v;

	vaccel_cfg_init(&vf->cfg, &vf->id.cfg);
	vaccel_vf_reset_regs(vf);
	memset(vf->msix, 0, sizeof(vf->msix));
	for (v = 0; v < VACCEL_MSIX_VECTORS; v++)
		vf->msix[v][PCI_MSIX_ENTRY_VECTOR_CTRL / 4] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_reset);

/**
 * vaccel_vf_reg_access_ok() - may BAR0 be accessed like this?
 * @off: offset in BAR0
 * @size: width of the access
 *
 * Return: true for naturally aligned 4-byte accesses inside BAR0.
 */
bool vaccel_vf_reg_access_ok(loff_t off, size_t size)
{
	return size == 4 && off >= 0 && off <= VACCEL_BAR0_SIZE - 4 &&
	       !(off & 3);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_reg_access_ok);

static u32 *vaccel_vf_msix_word(struct vaccel_vf *vf, unsigned int off)
{
	unsigned int idx = (off - VACCEL_MSIX_TABLE) / 4;

	if (off < VACCEL_MSIX_TABLE ||
	    idx >= VACCEL_MSIX_VECTORS * VACCEL_MSIX_ENTRY_SIZE / 4)
		return NULL;
	return &vf->msix[0][0] + idx;
}

/**
 * vaccel_vf_reg_read() - read a BAR0 register
 * @vf: the function
 * @off: offset, vaccel_vf_reg_access_ok(@off, 4) must hold
 *
 * Return: the register's value.
 */
u32 vaccel_vf_reg_read(struct vaccel_vf *vf, unsigned int off)
{
	u64 mem = vf->id.cfg.bar_size[VACCEL_BAR_MEM / 2];
	u32 *msix;

	switch (off) {
	case VACCEL_REG_ID:
		return VACCEL_ID_MAGIC;
	case VACCEL_REG_VERSION:
		return VACCEL_VERSION;
	case VACCEL_REG_ENGINES:
		return vf->id.engines;
	case VACCEL_REG_QUEUES:
		return vf->id.queues;
	case VACCEL_REG_MEM_SIZE_LO:
		return lower_32_bits(mem);
	case VACCEL_REG_MEM_SIZE_HI:
		return upper_32_bits(mem);
	case VACCEL_REG_SHARE:
		return FIELD_PREP(VACCEL_SHARE_SLOTS, vf->id.slots) |
		       FIELD_PREP(VACCEL_SHARE_TOTAL, VACCEL_CARD_SLOTS);
	case VACCEL_REG_MSIX_VECTORS:
		return VACCEL_MSIX_VECTORS;
	case VACCEL_REG_CONTROL:
		return vf->control;
	case VACCEL_REG_STATUS:
		return vf->status;
	case VACCEL_REG_INT_CAUSE:
		return vf->int_cause;
	case VACCEL_REG_INT_MASK:
		return vf->int_mask;
	case VACCEL_REG_SCRATCH:
		return vf->scratch;
	}

	msix = vaccel_vf_msix_word(vf, off);
	if (msix)
		return *msix;
	/* The PBA, and everything unassigned, reads 0. */
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_reg_read);

/**
 * vaccel_vf_raise() - interrupt causes occurred
 * @vf: the function
 * @causes: VACCEL_INT_* bits
 *
 * Return: VACCEL_VF_EV_IRQ when a cause that was not pending and is
 * enabled became pending (an edge for MSI/MSI-X), plus VACCEL_VF_EV_LEVEL
 * when the set of pending enabled causes changed (the INTx level).
 */
unsigned int vaccel_vf_raise(struct vaccel_vf *vf, u32 causes)
{
	u32 before = vaccel_vf_irq_pending(vf);
	unsigned int ev = 0;

	vf->int_cause |= causes;
	if (vaccel_vf_irq_pending(vf) & ~before)
		ev |= VACCEL_VF_EV_IRQ;
	if (vaccel_vf_irq_pending(vf) != before)
		ev |= VACCEL_VF_EV_LEVEL;
	return ev;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_raise);

/**
 * vaccel_vf_reg_write() - write a BAR0 register
 * @vf: the function
 * @off: offset, vaccel_vf_reg_access_ok(@off, 4) must hold
 * @val: value
 *
 * Return: VACCEL_VF_EV_* flags for the interrupt logic.
 */
unsigned int vaccel_vf_reg_write(struct vaccel_vf *vf, unsigned int off,
				 u32 val)
{
	u32 before = vaccel_vf_irq_pending(vf);
	unsigned int ev = 0;
	u32 *msix;

	switch (off) {
	case VACCEL_REG_CONTROL:
		if (val & VACCEL_CONTROL_RESET) {
			vaccel_vf_reset_regs(vf);
			ev |= VACCEL_VF_EV_RESET;
			break;
		}
		vf->control = val & VACCEL_CONTROL_ENABLE;
		if (vf->control & VACCEL_CONTROL_ENABLE)
			vf->status |= VACCEL_STATUS_ENABLED;
		else
			vf->status &= ~VACCEL_STATUS_ENABLED;
		break;
	case VACCEL_REG_INT_CAUSE:
		vf->int_cause &= ~val;
		break;
	case VACCEL_REG_INT_MASK:
		vf->int_mask = val;
		/* Unmasking a pending cause is an edge too. */
		if (vaccel_vf_irq_pending(vf) & ~before)
			ev |= VACCEL_VF_EV_IRQ;
		break;
	case VACCEL_REG_INT_TEST:
		return vaccel_vf_raise(vf, val);
	case VACCEL_REG_SCRATCH:
		vf->scratch = val;
		break;
	default:
		msix = vaccel_vf_msix_word(vf, off);
		if (msix) {
			/* Only the mask bit of Vector Control is defined. */
			if ((off - VACCEL_MSIX_TABLE) % VACCEL_MSIX_ENTRY_SIZE ==
			    PCI_MSIX_ENTRY_VECTOR_CTRL)
				val &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
			*msix = val;
		}
		/* Read-only and unassigned offsets ignore writes. */
		break;
	}

	if (vaccel_vf_irq_pending(vf) != before)
		ev |= VACCEL_VF_EV_LEVEL;
	return ev;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vf_reg_write);
