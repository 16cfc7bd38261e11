// SPDX-License-Identifier: GPL-2.0
/*
 * A card that is a PCI physical function.
 *
 * The PCI driver, like the platform one, is named "accel", so the types of
 * a PCI card are accel-1of1, accel-1of2 and accel-1of4 too, under the
 * function's own sysfs directory, where libvirt's node devices, mdevctl,
 * OpenStack Nova and KubeVirt look for them.  The card's device memory is
 * the function's 64-bit prefetchable memory BAR, as a real card's VRAM
 * aperture is: an instance's BAR2 is mapped straight onto its slice of it.
 * The compute engines are simulated, as on the platform card.
 *
 * The driver has no ID table: it binds a function only when the operator
 * names it, with driver_override and bind in sysfs or with the module
 * parameter pci_cards, never every function of some ID.  What it binds is
 * checked first (vaccel_pcicard_check()): a card's own ID, or QEMU's
 * ivshmem-plain, which stands in for one in the test VM.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "vaccel_regs.h"
#include "vaccel.h"
#include "card.h"
#include "pcicard.h"
#include "sysfs.h"

/* The PF's memory BAR: the card's device memory. */
#define VACCEL_PF_BAR_MEM	2

/* The card's memory is cleared and copied in steps of this, rescheduling. */
#define VACCEL_PCI_STEP		SZ_1M

/**
 * vaccel_pcicard_check() - is this PCI function a card vaccel can drive?
 * @desc: its IDs and memory BAR
 *
 * Return: NULL if it is, otherwise why not, in words for the log line
 * that refuses it.
 */
const char *vaccel_pcicard_check(const struct vaccel_pcicard_desc *desc)
{
	bool card = desc->vendor == VACCEL_PCI_VENDOR_ID &&
		    desc->device == VACCEL_PCI_DEVICE_ID_PF;
	bool ivshmem = desc->vendor == VACCEL_IVSHMEM_VENDOR_ID &&
		       desc->device == VACCEL_IVSHMEM_DEVICE_ID;

	if (!card && !ivshmem)
		return "not a vaccel card (1ace:0a00, or ivshmem-plain 1af4:1110 standing in)";
	if (!(desc->bar_flags & IORESOURCE_MEM) || !desc->bar_size)
		return "BAR2 is not a memory BAR: it must be the card's device memory";
	if (!(desc->bar_flags & IORESOURCE_MEM_64) ||
	    !(desc->bar_flags & IORESOURCE_PREFETCH))
		return "BAR2 must be 64-bit and prefetchable, as device memory is";
	if (desc->bar_size < (u64)VACCEL_MIN_MEM_MB << 20 ||
	    desc->bar_size > (u64)VACCEL_MAX_MEM_MB << 20 ||
	    !is_power_of_2(desc->bar_size))
		return "BAR2's size must be a power of two from 4 MiB to 4 GiB";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_pcicard_check);

/* One "DDDD:BB:DD.F" or "BB:DD.F" address, exactly; as PCI_DEVID-like u32. */
static int vaccel_pcicard_parse_one(const char *s, size_t len, u32 *addr)
{
	unsigned int dom = 0, bus, slot, fn;
	char tok[16], end;
	int n;

	if (!len || len >= sizeof(tok))
		return -EINVAL;
	memcpy(tok, s, len);
	tok[len] = '\0';
	if (strspn(tok, "0123456789abcdefABCDEF:.") != len)
		return -EINVAL;
	n = sscanf(tok, "%x:%x:%x.%x%c", &dom, &bus, &slot, &fn, &end);
	if (n != 4) {
		dom = 0;
		n = sscanf(tok, "%x:%x.%x%c", &bus, &slot, &fn, &end);
		if (n != 3)
			return -EINVAL;
	}
	if (dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
		return -EINVAL;
	*addr = dom << 16 | bus << 8 | PCI_DEVFN(slot, fn);
	return 0;
}

/**
 * vaccel_pcicard_parse_addrs() - parse the module parameter pci_cards
 * @list: comma-separated PCI addresses ("0000:00:10.0" or "00:10.0")
 * @addrs: where to store them, as domain << 16 | bus << 8 | devfn
 * @max: room in @addrs
 *
 * Return: the number of addresses, or -EINVAL for a malformed one, an
 * empty item or one named twice, or -E2BIG for more than @max.
 */
int vaccel_pcicard_parse_addrs(const char *list, u32 *addrs, unsigned int max)
{
	unsigned int n = 0, i;
	const char *s = list;
	int ret;

	if (!*list)
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",\n");

		if (n == max)
			return -E2BIG;
		ret = vaccel_pcicard_parse_one(s, len, &addrs[n]);
		if (ret)
			return ret;
		for (i = 0; i < n; i++)
			if (addrs[i] == addrs[n])
				return -EINVAL;
		n++;
		s += len;
		if (*s == '\n' && !s[1])
			break;
		if (!*s)
			break;
		s++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_pcicard_parse_addrs);

/**
 * struct vaccel_pcicard - backend state of a PCI card
 * @pdev: the function
 * @mem: its memory BAR, mapped write-combining
 * @mem_phys: the BAR's bus address, for mmap
 */
struct vaccel_pcicard {
	struct pci_dev *pdev;
	void *mem;
	phys_addr_t mem_phys;
};

static int vaccel_pcicard_init(struct vaccel_card *card)
{
	struct pci_dev *pdev = to_pci_dev(card->dev);
	struct vaccel_pcicard *pc;

	pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	if (!pc)
		return -ENOMEM;
	pc->pdev = pdev;
	pc->mem_phys = pci_resource_start(pdev, VACCEL_PF_BAR_MEM);
	pc->mem = memremap(pc->mem_phys, card->mem_size, MEMREMAP_WC);
	if (!pc->mem) {
		kfree(pc);
		return -ENOMEM;
	}
	card->hw_priv = pc;
	return 0;
}

static void vaccel_pcicard_fini(struct vaccel_card *card)
{
	struct vaccel_pcicard *pc = card->hw_priv;

	memunmap(pc->mem);
	kfree(pc);
	card->hw_priv = NULL;
}

static void vaccel_pcicard_zero(struct vaccel_card *card, u64 offset,
				u64 size)
{
	struct vaccel_pcicard *pc = card->hw_priv;
	u64 done;

	for (done = 0; done < size; done += VACCEL_PCI_STEP) {
		memset(pc->mem + offset + done, 0,
		       min_t(u64, size - done, VACCEL_PCI_STEP));
		cond_resched();
	}
}

/*
 * The BAR is always there: attaching a slice only clears what its last
 * user left, and detaching has nothing to give back.
 */
static int vaccel_pcicard_mem_attach(struct vaccel_card *card, u64 offset,
				     u64 size)
{
	vaccel_pcicard_zero(card, offset, size);
	return 0;
}

static void vaccel_pcicard_mem_detach(struct vaccel_card *card, u64 offset,
				      u64 size)
{
}

static int vaccel_pcicard_mem_access(struct vaccel_card *card, u64 offset,
				     void *buf, size_t len, bool write)
{
	struct vaccel_pcicard *pc = card->hw_priv;

	if (write)
		memcpy(pc->mem + offset, buf, len);
	else
		memcpy(buf, pc->mem + offset, len);
	return 0;
}

/*
 * As on the platform card, writes go through a bounce page, so that what
 * copy_from_user() zero-fills after a fault never reaches device memory.
 */
static ssize_t vaccel_pcicard_mem_rw(struct vaccel_card *card, u64 offset,
				     char __user *buf, size_t count,
				     bool write)
{
	struct vaccel_pcicard *pc = card->hw_priv;
	void *bounce = NULL;
	size_t done = 0;

	if (write) {
		bounce = (void *)__get_free_page(GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
	}
	while (done < count) {
		size_t n = min_t(size_t, count - done, PAGE_SIZE);
		void *dev = pc->mem + offset + done;

		if (write) {
			if (copy_from_user(bounce, buf + done, n))
				break;
			memcpy(dev, bounce, n);
		} else {
			n -= copy_to_user(buf + done, dev, n);
			if (!n)
				break;
		}
		done += n;
		cond_resched();
	}
	if (bounce)
		free_page((unsigned long)bounce);
	return done ? done : -EFAULT;
}

static int vaccel_pcicard_mem_mmap(struct vaccel_card *card,
				   struct vm_area_struct *vma, u64 offset)
{
	struct vaccel_pcicard *pc = card->hw_priv;

	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start,
				  (pc->mem_phys + offset) >> PAGE_SHIFT,
				  vma->vm_end - vma->vm_start,
				  vma->vm_page_prot);
}

static const struct vaccel_hw_ops vaccel_pcicard_ops = {
	.name		= "pci",
	.init		= vaccel_pcicard_init,
	.fini		= vaccel_pcicard_fini,
	.mem_attach	= vaccel_pcicard_mem_attach,
	.mem_detach	= vaccel_pcicard_mem_detach,
	.mem_clear	= vaccel_pcicard_zero,
	.mem_rw		= vaccel_pcicard_mem_rw,
	.mem_access	= vaccel_pcicard_mem_access,
	.mem_mmap	= vaccel_pcicard_mem_mmap,
};

/* What every PCI card starts with: the module parameters. */
static const struct vaccel_card_params *vaccel_pcicard_params;

static void vaccel_pcicard_describe(struct pci_dev *pdev,
				    struct vaccel_pcicard_desc *desc)
{
	desc->vendor = pdev->vendor;
	desc->device = pdev->device;
	desc->bar_flags = pci_resource_flags(pdev, VACCEL_PF_BAR_MEM);
	desc->bar_size = pci_resource_len(pdev, VACCEL_PF_BAR_MEM);
}

static int vaccel_pcicard_probe(struct pci_dev *pdev,
				const struct pci_device_id *id)
{
	struct vaccel_pcicard_desc desc;
	struct vaccel_card *card;
	const char *why;
	int ret;

	vaccel_pcicard_describe(pdev, &desc);
	why = vaccel_pcicard_check(&desc);
	if (why) {
		pci_err(pdev, "refused (%04x:%04x, BAR2 %llu bytes): %s\n",
			desc.vendor, desc.device, desc.bar_size, why);
		return -ENODEV;
	}

	card = devm_kzalloc(&pdev->dev, sizeof(*card), GFP_KERNEL);
	if (!card)
		return -ENOMEM;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pci_request_region(pdev, VACCEL_PF_BAR_MEM, KBUILD_MODNAME);
	if (ret) {
		pci_err(pdev, "BAR2 is in use by another driver: %d\n", ret);
		return ret;
	}

	ret = vaccel_card_init(card, &pdev->dev, &vaccel_pcicard_ops,
			       vaccel_pcicard_params->engines, desc.bar_size,
			       vaccel_pcicard_params->vf_vendor,
			       vaccel_pcicard_params->vf_device);
	if (ret)
		goto err_region;
	vaccel_card_apply_params(card, vaccel_pcicard_params);
	pci_set_drvdata(pdev, card);

	ret = vaccel_card_register(card);
	if (ret)
		goto err_fini;

	pci_info(pdev, "%s card: %u engines, %llu MiB device memory (BAR2), NUMA node %d\n",
		 card->ops->name, card->engines, card->mem_size >> 20,
		 dev_to_node(&pdev->dev));
	return 0;

err_fini:
	vaccel_card_fini(card);
err_region:
	pci_release_region(pdev, VACCEL_PF_BAR_MEM);
	return ret;
}

static void vaccel_pcicard_remove(struct pci_dev *pdev)
{
	struct vaccel_card *card = pci_get_drvdata(pdev);

	vaccel_card_unregister(card);
	vaccel_card_fini(card);
	pci_release_region(pdev, VACCEL_PF_BAR_MEM);
}

/* Empty: the driver binds only the functions it is told to. */
static const struct pci_device_id vaccel_pcicard_ids[] = {
	{ }
};

static struct pci_driver vaccel_pcicard_driver = {
	.name		= VACCEL_DRV_NAME,
	.id_table	= vaccel_pcicard_ids,
	.probe		= vaccel_pcicard_probe,
	.remove		= vaccel_pcicard_remove,
	.dev_groups	= vaccel_card_groups,
};

/*
 * The functions that pci_cards named (a reference on each), and how many of
 * them, from the first, got the driver_override that the module set.
 */
static struct pci_dev *vaccel_pcicard_named[VACCEL_MAX_CARDS];
static unsigned int vaccel_pcicard_nr_named;
static unsigned int vaccel_pcicard_nr_overridden;

static void vaccel_pcicard_forget_named(void)
{
	while (vaccel_pcicard_nr_named) {
		unsigned int i = --vaccel_pcicard_nr_named;
		struct pci_dev *pdev = vaccel_pcicard_named[i];

		/* Unbound by now: other drivers may have it again. */
		if (i < vaccel_pcicard_nr_overridden)
			driver_set_override(&pdev->dev, &pdev->driver_override,
					    "", 0);
		pci_dev_put(pdev);
	}
	vaccel_pcicard_nr_overridden = 0;
}

/*
 * Look up every function of pci_cards and check it before binding any, so
 * that a mistake in the list changes nothing.
 */
static int vaccel_pcicard_find_named(const u32 *addrs, unsigned int n)
{
	struct vaccel_pcicard_desc desc;
	struct pci_dev *pdev;
	unsigned int i;
	const char *why;

	for (i = 0; i < n; i++) {
		pdev = pci_get_domain_bus_and_slot(addrs[i] >> 16,
						   (addrs[i] >> 8) & 0xff,
						   addrs[i] & 0xff);
		if (!pdev) {
			pr_err("pci_cards: there is no PCI function %04x:%02x:%02x.%x\n",
			       addrs[i] >> 16, (addrs[i] >> 8) & 0xff,
			       PCI_SLOT(addrs[i] & 0xff),
			       PCI_FUNC(addrs[i] & 0xff));
			return -ENODEV;
		}
		vaccel_pcicard_named[vaccel_pcicard_nr_named++] = pdev;
		vaccel_pcicard_describe(pdev, &desc);
		why = vaccel_pcicard_check(&desc);
		if (why) {
			pr_err("pci_cards: %s (%04x:%04x) %s\n", pci_name(pdev),
			       desc.vendor, desc.device, why);
			return -ENODEV;
		}
		if (pdev->dev.driver) {
			pr_err("pci_cards: %s is bound to %s: unbind it first\n",
			       pci_name(pdev), pdev->dev.driver->name);
			return -EBUSY;
		}
	}
	return 0;
}

/**
 * vaccel_pcicard_register() - register the PCI driver, bind pci_cards
 * @params: what each card starts with; must outlive the driver
 * @addrs: the module parameter pci_cards
 *
 * Each function named is checked before any is bound; each gets a
 * driver_override for "accel" (cleared again on unload) and is attached.
 *
 * Return: 0, or -EINVAL for a malformed list, -ENODEV for an address
 * without a function or a function that is not a card, -EBUSY for one
 * another driver holds, or the error of binding it; then the driver is
 * not registered and no function was changed.
 */
int vaccel_pcicard_register(const struct vaccel_card_params *params,
			    const char *addrs)
{
	u32 list[VACCEL_MAX_CARDS];
	unsigned int i;
	int n, ret;

	n = vaccel_pcicard_parse_addrs(addrs, list, ARRAY_SIZE(list));
	if (n < 0) {
		pr_err("pci_cards='%s' is invalid: %s\n", addrs,
		       n == -E2BIG ? "at most 16 functions" :
		       "want distinct PCI addresses like 0000:00:10.0, separated by commas");
		return n;
	}
	vaccel_pcicard_params = params;
	ret = vaccel_pcicard_find_named(list, n);
	if (ret)
		goto err_forget;
	ret = pci_register_driver(&vaccel_pcicard_driver);
	if (ret)
		goto err_forget;

	for (i = 0; i < vaccel_pcicard_nr_named; i++) {
		struct pci_dev *pdev = vaccel_pcicard_named[i];

		ret = driver_set_override(&pdev->dev, &pdev->driver_override,
					  VACCEL_DRV_NAME,
					  strlen(VACCEL_DRV_NAME));
		if (ret)
			goto err_unregister;
		vaccel_pcicard_nr_overridden++;
		ret = device_attach(&pdev->dev);
		if (ret >= 0 && pdev->dev.driver !=
		    &vaccel_pcicard_driver.driver) {
			pr_err("pci_cards: %s could not be bound, see its messages above\n",
			       pci_name(pdev));
			ret = -ENODEV;
		}
		if (ret < 0)
			goto err_unregister;
	}
	return 0;

err_unregister:
	pci_unregister_driver(&vaccel_pcicard_driver);
err_forget:
	vaccel_pcicard_forget_named();
	return ret;
}

/**
 * vaccel_pcicard_unregister() - unbind every PCI card, undo the overrides
 *
 * Removing a card removes its instances first, which waits for every VFIO
 * user of them to close (vaccel_card_unregister()).
 */
void vaccel_pcicard_unregister(void)
{
	pci_unregister_driver(&vaccel_pcicard_driver);
	vaccel_pcicard_forget_named();
}
