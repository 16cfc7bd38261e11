// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel_vf: the PCI side of the accelerator's VF driver.  Binds by ID,
 * maps BAR0 (registers) and BAR2 (device memory), takes MSI-X vectors
 * (0: errors, 1 + q: completions of queue q; else one MSI or INTx vector
 * for everything), enables the function and its queues, and creates
 * /dev/vaccelN (cdev.c).  A function reset with the driver bound (FLR
 * through sysfs "reset") fails the jobs in flight with ECANCELED and
 * starts the queues again; remove, surprise removal included, fails them
 * with ENODEV and leaves the open files only close().
 */

#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vaccel_regs.h"
#include "vfg.h"

static DEFINE_IDA(vfg_ida);

static u32 rd(struct vfg_dev *vf, u32 reg)
{
	return readl(vf->regs + reg);
}

static void wr(struct vfg_dev *vf, u32 reg, u32 val)
{
	writel(val, vf->regs + reg);
}

/* Handle the global causes: an error stops a queue, which we recover. */
static void handle_causes(struct vfg_dev *vf, u32 cause)
{
	unsigned int i;

	if (cause & VACCEL_INT_ERROR)
		for (i = 0; i < vf->nqueues; i++)
			vfg_queue_recover(&vf->queues[i]);
	for (i = 0; i < vf->nqueues; i++)
		if (cause & VACCEL_INT_QUEUE(i))
			vfg_queue_complete(&vf->queues[i]);
}

/* MSI-X vector 0: errors (INT_CAUSE, acknowledged here). */
static irqreturn_t vfg_err_thread(int irq, void *data)
{
	struct vfg_dev *vf = data;
	u32 cause = rd(vf, VACCEL_REG_INT_CAUSE);

	if (cause == ~0U)	/* the function is gone */
		return IRQ_HANDLED;
	wr(vf, VACCEL_REG_INT_CAUSE, cause);
	handle_causes(vf, cause & ~VACCEL_INT_QUEUES);
	return IRQ_HANDLED;
}

/* MSI-X vector 1 + q: completions of queue q, from its writeback. */
static irqreturn_t vfg_queue_thread(int irq, void *data)
{
	vfg_queue_complete(data);
	return IRQ_HANDLED;
}

/*
 * MSI or INTx, one vector: acknowledge the causes at once (INTx is a
 * level) and leave the work to the thread.
 */
static irqreturn_t vfg_single_hard(int irq, void *data)
{
	struct vfg_dev *vf = data;
	u32 cause = rd(vf, VACCEL_REG_INT_CAUSE);

	if (!cause || cause == ~0U)
		return IRQ_NONE;
	wr(vf, VACCEL_REG_INT_CAUSE, cause);
	atomic_or(cause, &vf->pending);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t vfg_single_thread(int irq, void *data)
{
	struct vfg_dev *vf = data;

	handle_causes(vf, atomic_xchg(&vf->pending, 0));
	return IRQ_HANDLED;
}

static int vfg_setup_irqs(struct vfg_dev *vf)
{
	struct pci_dev *pdev = vf->pdev;
	unsigned int want = 1 + vf->nqueues, i;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, want, want, PCI_IRQ_MSIX);
	if (ret > 0) {
		vf->irq_mode = VACCEL_VF_IRQ_MSIX;
	} else {
		ret = pci_alloc_irq_vectors(pdev, 1, 1,
					    PCI_IRQ_MSI | PCI_IRQ_LEGACY);
		if (ret < 0)
			return ret;
		vf->irq_mode = pdev->msi_enabled ? VACCEL_VF_IRQ_MSI :
						   VACCEL_VF_IRQ_INTX;
	}
	vf->nvec = ret;

	if (vf->irq_mode != VACCEL_VF_IRQ_MSIX) {
		snprintf(vf->irq_names[0], sizeof(vf->irq_names[0]), "%s-%s",
			 VFG_DRV_NAME, pci_name(pdev));
		ret = request_threaded_irq(pci_irq_vector(pdev, 0),
					   vfg_single_hard, vfg_single_thread,
					   IRQF_SHARED, vf->irq_names[0], vf);
		if (ret)
			goto err_free_vectors;
		return 0;
	}

	snprintf(vf->irq_names[0], sizeof(vf->irq_names[0]), "%s-%s-err",
		 VFG_DRV_NAME, pci_name(pdev));
	ret = request_threaded_irq(pci_irq_vector(pdev, 0), NULL,
				   vfg_err_thread, IRQF_ONESHOT,
				   vf->irq_names[0], vf);
	if (ret)
		goto err_free_vectors;
	for (i = 0; i < vf->nqueues; i++) {
		snprintf(vf->irq_names[1 + i], sizeof(vf->irq_names[0]),
			 "%s-%s-q%u", VFG_DRV_NAME, pci_name(pdev), i);
		ret = request_threaded_irq(pci_irq_vector(pdev, 1 + i), NULL,
					   vfg_queue_thread, IRQF_ONESHOT,
					   vf->irq_names[1 + i], &vf->queues[i]);
		if (ret)
			goto err_free_irqs;
	}
	return 0;

err_free_irqs:
	while (i--)
		free_irq(pci_irq_vector(pdev, 1 + i), &vf->queues[i]);
	free_irq(pci_irq_vector(pdev, 0), vf);
err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void vfg_free_irqs(struct vfg_dev *vf)
{
	struct pci_dev *pdev = vf->pdev;
	unsigned int i;

	if (vf->irq_mode == VACCEL_VF_IRQ_MSIX)
		for (i = 0; i < vf->nqueues; i++)
			free_irq(pci_irq_vector(pdev, 1 + i), &vf->queues[i]);
	free_irq(pci_irq_vector(pdev, 0), vf);
	pci_free_irq_vectors(pdev);
}

/* Enable the function: interrupt causes, then CONTROL.ENABLE. */
static void vfg_enable(struct vfg_dev *vf)
{
	u32 mask = VACCEL_INT_ERROR;
	unsigned int i;

	if (vf->irq_mode != VACCEL_VF_IRQ_MSIX)
		for (i = 0; i < vf->nqueues; i++)
			mask |= VACCEL_INT_QUEUE(i);
	wr(vf, VACCEL_REG_INT_CAUSE, ~0U);
	wr(vf, VACCEL_REG_INT_MASK, mask);
	wr(vf, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
}

/* Read and check the identity and geometry of the function. */
static int vfg_identify(struct vfg_dev *vf)
{
	struct device *dev = &vf->pdev->dev;
	u32 id = rd(vf, VACCEL_REG_ID), share, queues;

	vf->version = rd(vf, VACCEL_REG_VERSION);
	if (id != VACCEL_ID_MAGIC) {
		dev_err(dev, "not a vaccel function: ID register reads %#x\n", id);
		return -ENODEV;
	}
	if (FIELD_GET(VACCEL_VERSION_MAJOR, vf->version) !=
	    FIELD_GET(VACCEL_VERSION_MAJOR, VACCEL_VERSION)) {
		dev_err(dev, "hardware version %u.%u: this driver knows major version %lu\n",
			vf->version >> 16, vf->version & 0xffff,
			FIELD_GET(VACCEL_VERSION_MAJOR, VACCEL_VERSION));
		return -ENODEV;
	}
	vf->engines = rd(vf, VACCEL_REG_ENGINES);
	queues = rd(vf, VACCEL_REG_QUEUES);
	vf->nqueues = min_t(u32, queues, VACCEL_FN_QUEUES);
	vf->mem_size = rd(vf, VACCEL_REG_MEM_SIZE_LO) |
		       (u64)rd(vf, VACCEL_REG_MEM_SIZE_HI) << 32;
	share = rd(vf, VACCEL_REG_SHARE);
	vf->share_slots = FIELD_GET(VACCEL_SHARE_SLOTS, share);
	vf->card_slots = FIELD_GET(VACCEL_SHARE_TOTAL, share);
	if (!vf->nqueues || !vf->mem_size ||
	    vf->mem_size > pci_resource_len(vf->pdev, VACCEL_BAR_MEM)) {
		dev_err(dev, "bad geometry: %u queues, MEM_SIZE %llu, BAR2 %llu bytes\n",
			queues, vf->mem_size,
			(u64)pci_resource_len(vf->pdev, VACCEL_BAR_MEM));
		return -ENODEV;
	}
	return 0;
}

static int vfg_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfg_dev *vf;
	unsigned int i;
	int ret;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	kref_init(&vf->ref);
	vf->pdev = pci_dev_get(pdev);
	mutex_init(&vf->mem_lock);
	atomic_set(&vf->contexts, 0);
	vf->id = -1;

	ret = pcim_enable_device(pdev);
	if (ret)
		goto err_put;
	ret = pcim_iomap_regions(pdev, BIT(VACCEL_BAR_REGS) | BIT(VACCEL_BAR_MEM),
				 VFG_DRV_NAME);
	if (ret)
		goto err_put;
	vf->regs = pcim_iomap_table(pdev)[VACCEL_BAR_REGS];
	vf->mem = pcim_iomap_table(pdev)[VACCEL_BAR_MEM];
	ret = vfg_identify(vf);
	if (ret)
		goto err_put;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_put;

	/* Start from the power-on state of the register file. */
	wr(vf, VACCEL_REG_CONTROL, VACCEL_CONTROL_RESET);
	ret = vfg_mem_init(&vf->alloc, vf->mem_size);
	if (ret)
		goto err_put;
	for (i = 0; i < vf->nqueues; i++) {
		ret = vfg_queue_init(vf, &vf->queues[i], i);
		if (ret)
			goto err_put;
	}
	ret = ida_alloc(&vfg_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_put;
	vf->id = ret;
	snprintf(vf->name, sizeof(vf->name), "vaccel%d", vf->id);

	ret = vfg_setup_irqs(vf);
	if (ret) {
		dev_err(&pdev->dev, "no interrupt vectors: %d\n", ret);
		goto err_put;
	}
	pci_set_master(pdev);
	vfg_enable(vf);
	for (i = 0; i < vf->nqueues; i++)
		vfg_queue_start(&vf->queues[i]);

	pci_set_drvdata(pdev, vf);
	vf->misc.minor = MISC_DYNAMIC_MINOR;
	vf->misc.name = vf->name;
	vf->misc.fops = &vfg_fops;
	vf->misc.parent = &pdev->dev;
	ret = misc_register(&vf->misc);
	if (ret)
		goto err_stop;

	dev_info(&pdev->dev, "%s: %llu MiB device memory, share %u/%u of %u engines, %u queues, %s\n",
		 vf->name, vf->mem_size >> 20, vf->share_slots, vf->card_slots,
		 vf->engines, vf->nqueues,
		 vf->irq_mode == VACCEL_VF_IRQ_MSIX ? "MSI-X" :
		 vf->irq_mode == VACCEL_VF_IRQ_MSI ? "MSI" : "INTx");
	return 0;

err_stop:
	for (i = 0; i < vf->nqueues; i++)
		vfg_queue_stop(&vf->queues[i], -ENODEV, true);
	wr(vf, VACCEL_REG_CONTROL, 0);
	pci_clear_master(pdev);
	vfg_free_irqs(vf);
err_put:
	vf->gone = true;
	vfg_dev_put(vf);
	return ret;
}

static void vfg_remove(struct pci_dev *pdev)
{
	struct vfg_dev *vf = pci_get_drvdata(pdev);
	unsigned int i;

	/* No new open; open files see ENODEV from here on. */
	misc_deregister(&vf->misc);
	for (i = 0; i < vf->nqueues; i++)
		vfg_queue_stop(&vf->queues[i], -ENODEV, true);
	mutex_lock(&vf->mem_lock);
	vf->gone = true;
	mutex_unlock(&vf->mem_lock);
	/* On a surprise removal these go nowhere, which is fine. */
	wr(vf, VACCEL_REG_INT_MASK, 0);
	wr(vf, VACCEL_REG_CONTROL, 0);
	vfg_free_irqs(vf);
	pci_clear_master(pdev);
	dev_info(&pdev->dev, "%s: removed, %d contexts still open\n",
		 vf->name, atomic_read(&vf->contexts));
	vfg_dev_put(vf);
}

/* A function reset is coming (the device lock is held): fail the jobs. */
static void vfg_reset_prepare(struct pci_dev *pdev)
{
	struct vfg_dev *vf = pci_get_drvdata(pdev);
	unsigned int i;

	for (i = 0; i < vf->nqueues; i++)
		vfg_queue_stop(&vf->queues[i], -ECANCELED, false);
}

/* The function is back in its power-on state: enable it again. */
static void vfg_reset_done(struct pci_dev *pdev)
{
	struct vfg_dev *vf = pci_get_drvdata(pdev);
	unsigned int i;

	if (rd(vf, VACCEL_REG_ID) != VACCEL_ID_MAGIC) {
		dev_err(&pdev->dev, "%s: not back after reset; left stopped\n",
			vf->name);
		return;
	}
	vfg_enable(vf);
	for (i = 0; i < vf->nqueues; i++)
		vfg_queue_start(&vf->queues[i]);
	dev_info(&pdev->dev, "%s: function reset, queues restarted\n", vf->name);
}

static const struct pci_error_handlers vfg_err_handlers = {
	.reset_prepare = vfg_reset_prepare,
	.reset_done = vfg_reset_done,
};

static const struct pci_device_id vfg_ids[] = {
	{ PCI_DEVICE(VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_VF) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vfg_ids);

static struct pci_driver vfg_driver = {
	.name = VFG_DRV_NAME,
	.id_table = vfg_ids,
	.probe = vfg_probe,
	.remove = vfg_remove,
	.err_handler = &vfg_err_handlers,
};

/**
 * vfg_dev_release_id() - give back the function's number
 * @vf: the function
 */
void vfg_dev_release_id(struct vfg_dev *vf)
{
	if (vf->id >= 0)
		ida_free(&vfg_ida, vf->id);
	vf->id = -1;
}

module_pci_driver(vfg_driver);

MODULE_DESCRIPTION("vaccel accelerator virtual function driver");
MODULE_LICENSE("GPL");
