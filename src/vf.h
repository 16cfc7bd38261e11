/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VF-like function a vaccel instance shows its user: configuration
 * space and the BAR0 register file.  A pure unit like cfgspace.c: no VFIO,
 * no locking (the instance lock serialises callers), no interrupts of its
 * own (writes report what the caller must signal).
 */
#ifndef _VACCEL_VF_H
#define _VACCEL_VF_H

#include <linux/types.h>

#include "vaccel_regs.h"
#include "cfgspace.h"

/* What a BAR0 write asks of the caller, from vaccel_vf_reg_write(). */
#define VACCEL_VF_EV_IRQ	BIT(0)	/* new enabled interrupt causes */
#define VACCEL_VF_EV_LEVEL	BIT(1)	/* pending causes changed */
#define VACCEL_VF_EV_RESET	BIT(2)	/* CONTROL.RESET: reset the queues */

/**
 * struct vaccel_vf_identity - fixed facts about a function
 * @cfg: configuration space identity and sizes
 * @engines: engines of the card, shown in VACCEL_REG_ENGINES
 * @queues: queues of the function, shown in VACCEL_REG_QUEUES
 * @slots: quarter slots the function holds
 */
struct vaccel_vf_identity {
	struct vaccel_cfg_params cfg;
	u32 engines;
	u32 queues;
	u32 slots;
};

/**
 * struct vaccel_vf - emulated state of one function
 * @id: what the function is
 * @cfg: configuration space
 * @control: VACCEL_REG_CONTROL
 * @status: VACCEL_REG_STATUS
 * @int_cause: VACCEL_REG_INT_CAUSE
 * @int_mask: VACCEL_REG_INT_MASK
 * @scratch: VACCEL_REG_SCRATCH
 * @msix: MSI-X table, four dwords per vector.  It is storage only: as for
 *	any function behind VFIO, the VMM owns interrupt routing and masking
 *	(VFIO_DEVICE_SET_IRQS), not this table.
 */
struct vaccel_vf {
	struct vaccel_vf_identity id;
	struct vaccel_cfg cfg;
	u32 control;
	u32 status;
	u32 int_cause;
	u32 int_mask;
	u32 scratch;
	u32 msix[VACCEL_MSIX_VECTORS][VACCEL_MSIX_ENTRY_SIZE / 4];
};

void vaccel_vf_init(struct vaccel_vf *vf, const struct vaccel_vf_identity *id);
void vaccel_vf_reset(struct vaccel_vf *vf);
void vaccel_vf_reset_regs(struct vaccel_vf *vf);
bool vaccel_vf_reg_access_ok(loff_t off, size_t size);
u32 vaccel_vf_reg_read(struct vaccel_vf *vf, unsigned int off);
unsigned int vaccel_vf_reg_write(struct vaccel_vf *vf, unsigned int off,
				 u32 val);
unsigned int vaccel_vf_raise(struct vaccel_vf *vf, u32 causes);

/* Causes that are both pending and enabled. */
static inline u32 vaccel_vf_irq_pending(const struct vaccel_vf *vf)
{
	return vf->int_cause & vf->int_mask;
}

#endif /* _VACCEL_VF_H */
