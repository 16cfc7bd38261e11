// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO face of a vaccel instance: vfio-pci's region layout and ioctls,
 * so that QEMU's vfio-pci (and any VFIO user) drives it like a PCI
 * function.
 *
 * Regions, at VFIO_PCI_INDEX_TO_OFFSET(index) of the device fd:
 *   config  4 KiB; any access inside it, done as naturally aligned
 *           1/2/4-byte pieces (cfgspace.c)
 *   BAR0    the register file, aligned 32-bit accesses (vf.c), trapped
 *   BAR2    device memory: any access inside it, and mmap
 *   others  empty
 *
 * Every guest- or user-controlled offset and size is checked here, at
 * the boundary, before the emulation sees it; refusals return EINVAL and
 * log a rate-limited line naming the instance.
 */

#include <linux/mm.h>
#include <linux/pci_regs.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <kunit/visibility.h>

#include "vaccel.h"
#include "irq.h"
#include "migration.h"
#include "vfio.h"

static struct vaccel_instance *vdev_to_inst(struct vfio_device *vdev)
{
	return container_of(vdev, struct vaccel_instance, vdev);
}

static u64 vaccel_region_size(struct vaccel_instance *inst,
			      unsigned int index)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return PCI_CFG_SPACE_EXP_SIZE;
	case VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_REGS:
		return VACCEL_BAR0_SIZE;
	case VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM:
		return inst->mem_size;
	}
	return 0;
}

/**
 * vaccel_vfio_reset_locked() - function level reset of an instance
 * @inst: the instance
 *
 * Queues stopped, configuration space, registers and MSI-X table to their
 * power-on state, device memory cleared.  The user's eventfds stay: they belong to the
 * VFIO user, not to the function.
 *
 * Context: instance lock held.
 */
void vaccel_vfio_reset_locked(struct vaccel_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	/* Engines off the function before its memory is cleared. */
	WRITE_ONCE(inst->bus_master, false);
	vaccel_queues_reset(inst);
	vaccel_vf_reset(&inst->vf);
	inst->irq.intx_masked = false;
	vaccel_hw_mem_clear(inst->card, inst->mem_offset, inst->mem_size);
	inst->stats.resets++;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vfio_reset_locked);

/* Register values cross the VFIO fd as little endian byte strings. */
static int vaccel_get_le(const char __user *buf, size_t count, u32 *val)
{
	u8 b[4];

	if (copy_from_user(b, buf, count))
		return -EFAULT;
	*val = vaccel_le_get(b, count);
	return 0;
}

static int vaccel_put_le(char __user *buf, size_t count, u32 val)
{
	u8 b[4];

	vaccel_le_put(b, count, val);
	return copy_to_user(buf, b, count) ? -EFAULT : 0;
}

static int vaccel_vfio_init(struct vfio_device *vdev)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);
	int ret;

	ret = vaccel_dma_init(inst);
	if (ret)
		return ret;
	mutex_init(&inst->lock);
	vaccel_mig_init(inst);
	ratelimit_state_init(&inst->ratelimit, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	vaccel_queues_init(inst);
	return 0;
}

static void vaccel_vfio_dma_unmap(struct vfio_device *vdev, u64 iova,
				  u64 length)
{
	vaccel_dma_unmap(vdev_to_inst(vdev), iova, length);
}

/**
 * vaccel_vfio_quiesce() - the user is gone: nothing of it left pinned
 * @inst: the instance, whose function was just reset (queues stopped)
 *
 * Waits for the instance's worker, which may be pinning for a command of
 * the user (its queues are stopped, so it finds nothing more to do), then
 * unpins the operand pages: type1 must find none when the container goes.
 *
 * Context: no vaccel lock held (the worker takes them).
 */
void vaccel_vfio_quiesce(struct vaccel_instance *inst)
{
	cancel_work_sync(&inst->dma.work);
	vaccel_dma_release_all(inst);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vfio_quiesce);

/*
 * The VFIO core opens the device once for all its users (one device fd, or
 * several sharing the first open): the process that opened it is the
 * holder the operator sees (sysfs vaccel/holder), normally the VMM.
 */
static int vaccel_vfio_open_device(struct vfio_device *vdev)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);

	mutex_lock(&inst->lock);
	inst->holder = get_pid(task_tgid(current));
	get_task_comm(inst->holder_comm, current->group_leader);
	mutex_unlock(&inst->lock);
	return 0;
}

static void vaccel_vfio_close_device(struct vfio_device *vdev)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);

	vaccel_mig_reset(inst);
	mutex_lock(&inst->lock);
	put_pid(inst->holder);
	inst->holder = NULL;
	vaccel_irq_release_all(inst);
	/*
	 * Nothing the user leaves in the function survives it, so the next
	 * user finds it as a new instance is: at power-on, memory zeroed.
	 */
	vaccel_vfio_reset_locked(inst);
	mutex_unlock(&inst->lock);
	vaccel_vfio_quiesce(inst);
}

/**
 * vaccel_vfio_bus_master_update() - the engines follow Command.Bus_Master
 * @inst: the instance, whose Command register was just written
 *
 * Clearing it stops the queues after the chunk in flight, which this
 * waits for (a chunk is bounded in time, exec.h), so that no DMA of the
 * function follows the write that cleared it; setting it lets them go on.
 *
 * Context: instance lock held; takes each queue's lock under it.
 */
void vaccel_vfio_bus_master_update(struct vaccel_instance *inst)
{
	bool on = vaccel_cfg_read16(&inst->vf.cfg, PCI_COMMAND) &
		  PCI_COMMAND_MASTER;
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	if (on == inst->bus_master)
		return;
	WRITE_ONCE(inst->bus_master, on);
	if (on) {
		vaccel_queues_kick(inst);
		return;
	}
	/* An engine checks bus_master under the queue lock, chunk by chunk. */
	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		mutex_lock(&inst->queues[i].lock);
		mutex_unlock(&inst->queues[i].lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_vfio_bus_master_update);

static ssize_t vaccel_cfg_rw(struct vaccel_instance *inst, char __user *buf,
			     size_t count, loff_t pos, bool write)
{
	unsigned int ev;
	u32 val;

	if (!vaccel_cfg_access_ok(pos, count)) {
		vaccel_inst_warn(inst,
				 "config space: %zu-byte %s at %#llx refused\n",
				 count, write ? "write" : "read", pos);
		return -EINVAL;
	}

	if (write) {
		if (vaccel_get_le(buf, count, &val))
			return -EFAULT;
		mutex_lock(&inst->lock);
		ev = vaccel_cfg_write(&inst->vf.cfg, pos, count, val);
		if (ev & VACCEL_CFG_EV_FLR) {
			vaccel_vfio_reset_locked(inst);
			dev_dbg(vaccel_inst_dev(inst), "function level reset\n");
		} else if (ev & (VACCEL_CFG_EV_COMMAND | VACCEL_CFG_EV_MSI |
				 VACCEL_CFG_EV_MSIX)) {
			vaccel_irq_update(inst, VACCEL_VF_EV_LEVEL);
		}
		if (ev & VACCEL_CFG_EV_COMMAND)
			vaccel_vfio_bus_master_update(inst);
		mutex_unlock(&inst->lock);
		return count;
	}

	mutex_lock(&inst->lock);
	val = vaccel_cfg_read(&inst->vf.cfg, pos, count);
	mutex_unlock(&inst->lock);
	return vaccel_put_le(buf, count, val) ?: count;
}

/*
 * An access of any length inside configuration space is done as the
 * naturally aligned accesses it is made of (vaccel_cfg_piece()).  A piece
 * that fails ends the access: the bytes done so far are reported, or the
 * error.
 */
static ssize_t vaccel_cfg_rw_split(struct vaccel_instance *inst,
				   char __user *buf, size_t count, loff_t pos,
				   bool write)
{
	size_t done = 0, n;
	ssize_t ret;
	loff_t p;

	if (!count || pos < 0 || count > PCI_CFG_SPACE_EXP_SIZE ||
	    pos > PCI_CFG_SPACE_EXP_SIZE - count) {
		vaccel_inst_warn(inst,
				 "config space: %zu-byte %s at %#llx refused\n",
				 count, write ? "write" : "read", pos);
		return -EINVAL;
	}
	while (done < count) {
		p = pos + done;
		n = vaccel_cfg_piece(p, count - done);
		ret = vaccel_cfg_rw(inst, buf + done, n, p, write);
		if (ret < 0)
			return done ? done : ret;
		done += n;
	}
	return done;
}

static ssize_t vaccel_bar0_rw(struct vaccel_instance *inst, char __user *buf,
			      size_t count, loff_t pos, bool write)
{
	unsigned int ev, qn, reg;
	u32 val;

	atomic64_inc(write ? &inst->stats.mmio_writes : &inst->stats.mmio_reads);
	if (!vaccel_vf_reg_access_ok(pos, count)) {
		vaccel_inst_warn(inst,
				 "BAR0: %zu-byte %s at %#llx refused (registers take aligned 32-bit accesses)\n",
				 count, write ? "write" : "read", pos);
		return -EINVAL;
	}

	/* Queue registers have locks of their own (queue.c). */
	if (vaccel_queue_reg(pos, &qn, &reg)) {
		if (!write)
			return vaccel_put_le(buf, count,
					     vaccel_queue_reg_read(&inst->queues[qn],
								   reg)) ?: count;
		if (vaccel_get_le(buf, count, &val))
			return -EFAULT;
		vaccel_queue_reg_write(&inst->queues[qn], reg, val);
		return count;
	}

	if (write) {
		if (vaccel_get_le(buf, count, &val))
			return -EFAULT;
		mutex_lock(&inst->lock);
		ev = vaccel_vf_reg_write(&inst->vf, pos, val);
		if (ev & VACCEL_VF_EV_RESET)
			vaccel_queues_reset(inst);
		if (ev & (VACCEL_VF_EV_IRQ | VACCEL_VF_EV_LEVEL))
			vaccel_irq_update(inst, ev);
		mutex_unlock(&inst->lock);
		return count;
	}

	mutex_lock(&inst->lock);
	val = vaccel_vf_reg_read(&inst->vf, pos);
	mutex_unlock(&inst->lock);
	return vaccel_put_le(buf, count, val) ?: count;
}

static ssize_t vaccel_bar2_rw(struct vaccel_instance *inst, char __user *buf,
			      size_t count, loff_t pos, bool write)
{
	if (!count || pos < 0 || count > inst->mem_size ||
	    pos > inst->mem_size - count) {
		vaccel_inst_warn(inst,
				 "BAR2: %zu-byte %s at %#llx is outside the %llu-byte device memory\n",
				 count, write ? "write" : "read", pos,
				 inst->mem_size);
		return -EINVAL;
	}
	return vaccel_hw_mem_rw(inst->card, inst->mem_offset + pos, buf, count,
				write);
}

static ssize_t vaccel_vfio_rw(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos, bool write)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	ssize_t ret;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = vaccel_cfg_rw_split(inst, buf, count, pos, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_REGS:
		ret = vaccel_bar0_rw(inst, buf, count, pos, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM:
		ret = vaccel_bar2_rw(inst, buf, count, pos, write);
		break;
	default:
		vaccel_inst_warn(inst,
				 "%s of region %u, which is empty, refused\n",
				 write ? "write" : "read", index);
		ret = -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t vaccel_vfio_read(struct vfio_device *vdev, char __user *buf,
				size_t count, loff_t *ppos)
{
	return vaccel_vfio_rw(vdev, buf, count, ppos, false);
}

static ssize_t vaccel_vfio_write(struct vfio_device *vdev,
				 const char __user *buf, size_t count,
				 loff_t *ppos)
{
	return vaccel_vfio_rw(vdev, (char __user *)buf, count, ppos, true);
}

static int vaccel_vfio_mmap(struct vfio_device *vdev,
			    struct vm_area_struct *vma)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);
	u64 pgoff = vma->vm_pgoff &
		    ((1ULL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
	unsigned int index = vma->vm_pgoff >>
			     (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	u64 size = vma->vm_end - vma->vm_start;

	if (index != VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM ||
	    !(vma->vm_flags & VM_SHARED) || size > inst->mem_size ||
	    pgoff > (inst->mem_size - size) >> PAGE_SHIFT) {
		vaccel_inst_warn(inst,
				 "mmap of region %u, %llu bytes at page %llu, refused (only BAR2, shared, inside its %llu bytes)\n",
				 index, size, pgoff, inst->mem_size);
		return -EINVAL;
	}
	return vaccel_hw_mem_mmap(inst->card, vma,
				  inst->mem_offset + (pgoff << PAGE_SHIFT));
}

static int vaccel_get_region_info(struct vaccel_instance *inst,
				  void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
	info.size = vaccel_region_size(inst, info.index);
	info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE : 0;
	if (info.index == VFIO_PCI_BAR0_REGION_INDEX + VACCEL_BAR_MEM)
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
	info.cap_offset = 0;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vaccel_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			      unsigned long arg)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO: {
		size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
		struct vfio_device_info info;

		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = VFIO_PCI_NUM_REGIONS;
		info.num_irqs = VFIO_PCI_NUM_IRQS;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO:
		return vaccel_get_region_info(inst, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO: {
		size_t minsz = offsetofend(struct vfio_irq_info, count);
		struct vfio_irq_info info;
		int ret;

		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		ret = vaccel_irq_get_info(&info);
		if (ret)
			return ret;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_SET_IRQS:
		return vaccel_irq_set(inst, uarg);
	case VFIO_DEVICE_RESET:
		/* Out of any migration state: RUNNING, as the uapi asks. */
		vaccel_mig_reset(inst);
		mutex_lock(&inst->lock);
		vaccel_vfio_reset_locked(inst);
		mutex_unlock(&inst->lock);
		return 0;
	}
	return -ENOTTY;
}

static void vaccel_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);

	if (vaccel_irq_request(inst))
		dev_notice_ratelimited(vaccel_inst_dev(inst),
				       "removal pending: asked the user to release the device (%u)\n",
				       count);
	else if (!count)
		dev_notice(vaccel_inst_dev(inst),
			   "removal pending: the user has no request eventfd; waiting until it closes the device\n");
}

static void vaccel_vfio_release(struct vfio_device *vdev)
{
	struct vaccel_instance *inst = vdev_to_inst(vdev);

	/* Interrupts deferred by an engine's last chunk after the close. */
	cancel_work_sync(&inst->dma.work);
	vaccel_queues_fini(inst);
	vaccel_dma_fini(inst);
	vaccel_mig_fini(inst);
	mutex_destroy(&inst->lock);
	vfio_free_device(vdev);
}

const struct vfio_device_ops vaccel_vfio_ops = {
	.name		= "vaccel",
	.init		= vaccel_vfio_init,
	.release	= vaccel_vfio_release,
	.open_device	= vaccel_vfio_open_device,
	.close_device	= vaccel_vfio_close_device,
	.read		= vaccel_vfio_read,
	.write		= vaccel_vfio_write,
	.mmap		= vaccel_vfio_mmap,
	.ioctl		= vaccel_vfio_ioctl,
	.request	= vaccel_vfio_request,
	.dma_unmap	= vaccel_vfio_dma_unmap,
};
