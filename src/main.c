// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel: share one compute accelerator among virtual machines as VFIO
 * mediated devices.
 *
 * Module setup.  Each card is a device bound to a driver named "accel",
 * so that the mdev core names its types accel-1of1, accel-1of2 and
 * accel-1of4.  A card is either simulated (sim.c): the module creates
 * "cards" platform devices named vaccel-sim.N, each carrying its engine
 * count and memory size as platform data; or a PCI function the operator
 * hands to the PCI driver (pcicard.c), whose BAR is its device memory.
 * Every card starts with the scheduler tunables of the module parameters
 * policy and slice_us.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "vaccel_regs.h"
#include "vaccel.h"
#include "card.h"
#include "debugfs.h"
#include "mdev.h"
#include "pcicard.h"
#include "sim.h"
#include "sysfs.h"

static unsigned int cards = 1;
module_param(cards, uint, 0444);
MODULE_PARM_DESC(cards, "Simulated cards to create (0-16, default 1)");

static unsigned int engines = 4;
module_param(engines, uint, 0444);
MODULE_PARM_DESC(engines, "Compute engines per simulated card (1-64, default 4)");

static ushort vendor_id = VACCEL_PCI_VENDOR_ID;
module_param(vendor_id, ushort, 0444);
MODULE_PARM_DESC(vendor_id, "PCI vendor ID the functions show (default 0x1ace, a placeholder)");

static ushort device_id = VACCEL_PCI_DEVICE_ID_VF;
module_param(device_id, ushort, 0444);
MODULE_PARM_DESC(device_id, "PCI device ID the functions show (default 0x0a01)");

static unsigned int mem_mb = 256;
module_param(mem_mb, uint, 0444);
MODULE_PARM_DESC(mem_mb, "Device memory per simulated card in MiB (a power of two, 4-4096, default 256)");

static char *policy = "best_effort";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy, "Scheduling policy every card starts with: best_effort (default), fixed_share, equal_share, or a benchmark baseline: rr, gvt, static, static_lend");

static unsigned int slice_us = VACCEL_SCHED_SLICE_DEFAULT / NSEC_PER_USEC;
module_param(slice_us, uint, 0444);
MODULE_PARM_DESC(slice_us, "Time slice every card starts with, in microseconds (100-100000, default 1000)");

static char *pci_cards = "";
module_param(pci_cards, charp, 0444);
MODULE_PARM_DESC(pci_cards, "PCI functions to drive as cards, e.g. 0000:00:10.0,0000:00:11.0 (default none; or use driver_override)");

/* The module parameters, checked, as every card starts with them. */
static struct vaccel_card_params vaccel_params;

static int vaccel_params_check(void)
{
	int p;

	if (cards > VACCEL_MAX_CARDS) {
		pr_err("cards=%u is invalid: must be from 0 to %u\n", cards,
		       VACCEL_MAX_CARDS);
		return -EINVAL;
	}
	p = vaccel_sched_policy_parse(policy);
	if (p < 0) {
		pr_err("policy=%s is invalid: must be best_effort, fixed_share, equal_share, rr, gvt, static or static_lend\n",
		       policy);
		return -EINVAL;
	}
	if ((u64)slice_us * NSEC_PER_USEC < VACCEL_SCHED_SLICE_MIN ||
	    (u64)slice_us * NSEC_PER_USEC > VACCEL_SCHED_SLICE_MAX) {
		pr_err("slice_us=%u is invalid: must be from %llu to %llu\n",
		       slice_us, VACCEL_SCHED_SLICE_MIN / NSEC_PER_USEC,
		       VACCEL_SCHED_SLICE_MAX / NSEC_PER_USEC);
		return -EINVAL;
	}
	vaccel_params = (struct vaccel_card_params) {
		.engines = engines,
		.vf_vendor = vendor_id,
		.vf_device = device_id,
		.policy = p,
		.slice_ns = (u64)slice_us * NSEC_PER_USEC,
	};
	return 0;
}

static int vaccel_platform_probe(struct platform_device *pdev)
{
	const struct vaccel_sim_config *cfg = dev_get_platdata(&pdev->dev);
	struct vaccel_card *card;
	int ret;

	if (!cfg)
		return -EINVAL;
	ret = vaccel_sim_config_check(cfg);
	if (ret)
		return ret;

	card = devm_kzalloc(&pdev->dev, sizeof(*card), GFP_KERNEL);
	if (!card)
		return -ENOMEM;

	ret = vaccel_card_init(card, &pdev->dev, &vaccel_sim_ops, cfg->engines,
			       (u64)cfg->mem_mb << 20, cfg->vf_vendor,
			       cfg->vf_device);
	if (ret)
		return ret;
	vaccel_card_apply_params(card, &vaccel_params);
	platform_set_drvdata(pdev, card);

	ret = vaccel_card_register(card);
	if (ret)
		goto err_fini;

	dev_info(&pdev->dev, "%s card: %u engines, %u MiB device memory\n",
		 card->ops->name, card->engines, cfg->mem_mb);
	return 0;

err_fini:
	vaccel_card_fini(card);
	return ret;
}

static int vaccel_platform_remove(struct platform_device *pdev)
{
	struct vaccel_card *card = platform_get_drvdata(pdev);

	vaccel_card_unregister(card);
	vaccel_card_fini(card);
	return 0;
}

static const struct platform_device_id vaccel_platform_ids[] = {
	{ .name = VACCEL_SIM_DEV_NAME },
	{ }
};
MODULE_DEVICE_TABLE(platform, vaccel_platform_ids);

static struct platform_driver vaccel_platform_driver = {
	.probe		= vaccel_platform_probe,
	.remove		= vaccel_platform_remove,
	.id_table	= vaccel_platform_ids,
	.driver = {
		.name		= VACCEL_DRV_NAME,
		.dev_groups	= vaccel_card_groups,
	},
};

/* The simulated cards this module created, for unloading. */
static struct platform_device **vaccel_sim_devs;

static void vaccel_sim_devs_destroy(unsigned int n)
{
	while (n--)
		platform_device_unregister(vaccel_sim_devs[n]);
	kfree(vaccel_sim_devs);
	vaccel_sim_devs = NULL;
}

static int vaccel_sim_devs_create(const struct vaccel_sim_config *cfg)
{
	struct platform_device *pdev;
	unsigned int i;

	vaccel_sim_devs = kcalloc(cards, sizeof(*vaccel_sim_devs), GFP_KERNEL);
	if (!vaccel_sim_devs && cards)
		return -ENOMEM;

	for (i = 0; i < cards; i++) {
		pdev = platform_device_register_data(NULL, VACCEL_SIM_DEV_NAME,
						     i, cfg, sizeof(*cfg));
		if (IS_ERR(pdev)) {
			vaccel_sim_devs_destroy(i);
			return PTR_ERR(pdev);
		}
		vaccel_sim_devs[i] = pdev;
	}
	return 0;
}

static int __init vaccel_init(void)
{
	const struct vaccel_sim_config cfg = {
		.engines = engines,
		.mem_mb = mem_mb,
		.vf_vendor = vendor_id,
		.vf_device = device_id,
	};
	int ret;

	ret = vaccel_params_check();
	if (ret)
		return ret;
	ret = vaccel_sim_config_check(&cfg);
	if (ret)
		return ret;

	vaccel_debugfs_init();
	ret = mdev_register_driver(&vaccel_mdev_driver);
	if (ret)
		goto err_debugfs;

	ret = platform_driver_register(&vaccel_platform_driver);
	if (ret)
		goto err_mdev;

	ret = vaccel_sim_devs_create(&cfg);
	if (ret)
		goto err_platform;

	ret = vaccel_pcicard_register(&vaccel_params, pci_cards);
	if (ret)
		goto err_sim;

	return 0;

err_sim:
	vaccel_sim_devs_destroy(cards);
err_platform:
	platform_driver_unregister(&vaccel_platform_driver);
err_mdev:
	mdev_unregister_driver(&vaccel_mdev_driver);
err_debugfs:
	vaccel_debugfs_exit();
	return ret;
}

static void __exit vaccel_exit(void)
{
	vaccel_pcicard_unregister();
	vaccel_sim_devs_destroy(cards);
	platform_driver_unregister(&vaccel_platform_driver);
	mdev_unregister_driver(&vaccel_mdev_driver);
	vaccel_debugfs_exit();
}

module_init(vaccel_init);
module_exit(vaccel_exit);

MODULE_DESCRIPTION("vaccel: accelerator sharing through VFIO mediated devices");
MODULE_LICENSE("GPL");
