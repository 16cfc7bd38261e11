// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a vaccel instance: the VFIO_DEVICE_SET_IRQS interface
 * (eventfds for INTx, MSI, MSI-X, ERR and REQ) and delivery of the
 * function's interrupt causes to them.
 *
 * As with vfio-pci, at most one of INTx, MSI and MSI-X has triggers at a
 * time.  Which one the function uses is what its configuration space says
 * (MSI-X enable, else MSI enable, else INTx unless disabled in the command
 * register): the VMM writes those bits through to the device as a guest
 * does.  INTx is level triggered and automasked, as VFIO defines it: a
 * trigger masks the line until the user unmasks it, and an unmask while
 * the level is still high triggers again.
 *
 * Everything here runs with the instance lock held.
 */

#include <linux/eventfd.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vaccel.h"
#include "irq.h"

static unsigned int vaccel_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return VACCEL_MSIX_VECTORS;
	}
	return 0;
}

/**
 * vaccel_irq_get_info() - VFIO_DEVICE_GET_IRQ_INFO for one index
 * @info: index in, flags and count out
 *
 * Return: 0, or -EINVAL for an index the device does not have.
 */
int vaccel_irq_get_info(struct vfio_irq_info *info)
{
	if (info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info->count = vaccel_irq_count(info->index);
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	if (info->index == VFIO_PCI_INTX_IRQ_INDEX)
		info->flags |= VFIO_IRQ_INFO_MASKABLE |
			       VFIO_IRQ_INFO_AUTOMASKED;
	else
		info->flags |= VFIO_IRQ_INFO_NORESIZE;
	return 0;
}

static struct eventfd_ctx **vaccel_irq_slot(struct vaccel_instance *inst,
					    unsigned int index,
					    unsigned int n)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return &inst->irq.intx;
	case VFIO_PCI_MSI_IRQ_INDEX:
		return &inst->irq.msi;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return &inst->irq.msix[n];
	case VFIO_PCI_ERR_IRQ_INDEX:
		return &inst->irq.err;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return &inst->irq.req;
	}
	return NULL;
}

static bool vaccel_irq_index_active(struct vaccel_instance *inst,
				    unsigned int index)
{
	unsigned int n;

	for (n = 0; n < vaccel_irq_count(index); n++)
		if (*vaccel_irq_slot(inst, index, n))
			return true;
	return false;
}

static void vaccel_irq_set_trigger(struct eventfd_ctx **slot,
				   struct eventfd_ctx *ctx)
{
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = ctx;
}

/**
 * vaccel_irq_release_all() - drop every eventfd (the user went away)
 * @inst: the instance
 *
 * Context: instance lock held.
 */
void vaccel_irq_release_all(struct vaccel_instance *inst)
{
	unsigned int index, n;

	lockdep_assert_held(&inst->lock);
	for (index = 0; index < VFIO_PCI_NUM_IRQS; index++)
		for (n = 0; n < vaccel_irq_count(index); n++)
			vaccel_irq_set_trigger(vaccel_irq_slot(inst, index, n),
					       NULL);
	inst->irq.intx_masked = false;
}

static void vaccel_irq_signal(struct eventfd_ctx *ctx)
{
	if (ctx)
		eventfd_signal(ctx, 1);
}

/*
 * INTx: Status.Interrupt shows the pending causes whatever Command's
 * INTx Disable says (as the PCI spec has it); the line is raised when they
 * are pending, INTx is not disabled and the line is not masked.
 */
static void vaccel_irq_intx_update(struct vaccel_instance *inst)
{
	struct vaccel_cfg *cfg = &inst->vf.cfg;
	bool pending = vaccel_vf_irq_pending(&inst->vf);
	bool level = pending && !(vaccel_cfg_read16(cfg, PCI_COMMAND) &
				  PCI_COMMAND_INTX_DISABLE);

	if (pending)
		cfg->data[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		cfg->data[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;

	if (level && !inst->irq.intx_masked && inst->irq.intx) {
		inst->irq.intx_masked = true;
		eventfd_signal(inst->irq.intx, 1);
	}
}

/**
 * vaccel_irq_update() - deliver the function's interrupt state
 * @inst: the instance
 * @ev: VACCEL_VF_EV_* from the register or config write that ran
 *
 * Context: instance lock held.
 */
void vaccel_irq_update(struct vaccel_instance *inst, unsigned int ev)
{
	struct vaccel_cfg *cfg = &inst->vf.cfg;
	u16 msix = vaccel_cfg_read16(cfg, VACCEL_CFG_CAP_MSIX + PCI_MSIX_FLAGS);
	u16 msi = vaccel_cfg_read16(cfg, VACCEL_CFG_CAP_MSI + PCI_MSI_FLAGS);

	lockdep_assert_held(&inst->lock);

	if (msix & PCI_MSIX_FLAGS_ENABLE) {
		/*
		 * Function Mask and the table's mask bits are the VMM's to
		 * emulate: it needs the eventfd to fire to set its own
		 * pending bits while the guest has the vector masked.
		 */
		if (ev & VACCEL_VF_EV_IRQ)
			vaccel_irq_signal(inst->irq.msix[0]);
	} else if (msi & PCI_MSI_FLAGS_ENABLE) {
		if (ev & VACCEL_VF_EV_IRQ)
			vaccel_irq_signal(inst->irq.msi);
	} else {
		vaccel_irq_intx_update(inst);
	}
}

/**
 * vaccel_irq_queue() - interrupts of a queue's completions and errors
 * @inst: the instance
 * @q: the queue
 * @done: a completed descriptor asked for an interrupt
 * @error: the queue entered its error state
 *
 * With MSI-X, completions go straight to the queue's vector and need no
 * cause register; otherwise they are INT_CAUSE bits like the global
 * causes.  Errors are the global cause ERROR.
 *
 * Context: instance lock held.
 */
void vaccel_irq_queue(struct vaccel_instance *inst, unsigned int q,
		      bool done, bool error)
{
	struct vaccel_cfg *cfg = &inst->vf.cfg;
	u16 msix = vaccel_cfg_read16(cfg, VACCEL_CFG_CAP_MSIX + PCI_MSIX_FLAGS);
	u32 causes = error ? VACCEL_INT_ERROR : 0;

	lockdep_assert_held(&inst->lock);
	if (done && (msix & PCI_MSIX_FLAGS_ENABLE))
		vaccel_irq_signal(inst->irq.msix[VACCEL_QUEUE_VECTOR(q)]);
	else if (done)
		causes |= VACCEL_INT_QUEUE(q);
	if (causes)
		vaccel_irq_update(inst, vaccel_vf_raise(&inst->vf, causes));
}

static int vaccel_irq_set_eventfds(struct vaccel_instance *inst,
				   struct vfio_irq_set *hdr, const s32 *fds)
{
	struct eventfd_ctx *ctx[VACCEL_MSIX_VECTORS] = { };
	unsigned int i;
	int ret;

	for (i = 0; i < hdr->count; i++) {
		if (fds[i] < 0)
			continue;
		ctx[i] = eventfd_ctx_fdget(fds[i]);
		if (IS_ERR(ctx[i])) {
			ret = PTR_ERR(ctx[i]);
			ctx[i] = NULL;
			goto err_put;
		}
	}
	/* All or nothing: only now replace the old triggers. */
	for (i = 0; i < hdr->count; i++)
		vaccel_irq_set_trigger(vaccel_irq_slot(inst, hdr->index,
						       hdr->start + i), ctx[i]);
	return 0;

err_put:
	while (i--)
		if (ctx[i])
			eventfd_ctx_put(ctx[i]);
	return ret;
}

static bool vaccel_irq_exclusive(unsigned int index)
{
	return index == VFIO_PCI_INTX_IRQ_INDEX ||
	       index == VFIO_PCI_MSI_IRQ_INDEX ||
	       index == VFIO_PCI_MSIX_IRQ_INDEX;
}

/* Another of INTx/MSI/MSI-X already has triggers. */
static bool vaccel_irq_other_active(struct vaccel_instance *inst,
				    unsigned int index)
{
	unsigned int i;

	if (!vaccel_irq_exclusive(index))
		return false;
	for (i = VFIO_PCI_INTX_IRQ_INDEX; i <= VFIO_PCI_MSIX_IRQ_INDEX; i++)
		if (i != index && vaccel_irq_index_active(inst, i))
			return true;
	return false;
}

static int vaccel_irq_trigger(struct vaccel_instance *inst,
			      struct vfio_irq_set *hdr, const void *data)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	const u8 *bools = data;
	unsigned int i;

	if (type == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (vaccel_irq_other_active(inst, hdr->index))
			return -EBUSY;
		return vaccel_irq_set_eventfds(inst, hdr, data);
	}

	/* count 0 with DATA_NONE: disable the whole index. */
	if (type == VFIO_IRQ_SET_DATA_NONE && !hdr->count) {
		for (i = 0; i < vaccel_irq_count(hdr->index); i++)
			vaccel_irq_set_trigger(vaccel_irq_slot(inst, hdr->index,
							       i), NULL);
		if (hdr->index == VFIO_PCI_INTX_IRQ_INDEX)
			inst->irq.intx_masked = false;
		return 0;
	}

	/* Loopback: signal the triggers, as the interrupt would. */
	for (i = 0; i < hdr->count; i++)
		if (type == VFIO_IRQ_SET_DATA_NONE || bools[i])
			vaccel_irq_signal(*vaccel_irq_slot(inst, hdr->index,
							   hdr->start + i));
	return 0;
}

static int vaccel_irq_intx_mask(struct vaccel_instance *inst,
				struct vfio_irq_set *hdr, const void *data,
				bool mask)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	const u8 *bools = data;

	if (hdr->index != VFIO_PCI_INTX_IRQ_INDEX)
		return -ENOTTY;
	if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;	/* no irqfd unmask */
	if (!hdr->count || (type == VFIO_IRQ_SET_DATA_BOOL && !bools[0]))
		return 0;

	inst->irq.intx_masked = mask;
	if (!mask)
		vaccel_irq_intx_update(inst);
	return 0;
}

/**
 * vaccel_irq_set() - VFIO_DEVICE_SET_IRQS
 * @inst: the instance
 * @arg: user pointer to struct vfio_irq_set and its data
 *
 * Context: takes the instance lock.
 * Return: 0, -EFAULT for an unreadable argument, -EINVAL for a malformed
 * one, -ENOTTY for an action the index does not support, -EBUSY when
 * another of INTx/MSI/MSI-X is in use, or the eventfd lookup's error.
 */
int vaccel_irq_set(struct vaccel_instance *inst, void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 vaccel_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&inst->lock);
	switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = vaccel_irq_trigger(inst, &hdr, data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
		ret = vaccel_irq_intx_mask(inst, &hdr, data, true);
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = vaccel_irq_intx_mask(inst, &hdr, data, false);
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&inst->lock);

	kfree(data);
	return ret;
}

/**
 * vaccel_irq_request() - ask the user to release the device (REQ)
 * @inst: the instance
 *
 * Context: takes the instance lock.
 * Return: true when a REQ eventfd was signalled.
 */
bool vaccel_irq_request(struct vaccel_instance *inst)
{
	bool sent;

	mutex_lock(&inst->lock);
	sent = inst->irq.req;
	vaccel_irq_signal(inst->irq.req);
	mutex_unlock(&inst->lock);
	return sent;
}
