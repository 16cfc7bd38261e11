// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_config: validation of the simulated card's
 * configuration.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/string.h>

#include "vaccel_regs.h"
#include "vaccel.h"
#include "sim.h"

/* Far from the ids the module's own cards use (vaccel_mdev's is 4242). */
#define BAD_CARD_ID	4243

struct config_case {
	const char *desc;
	struct vaccel_sim_config cfg;
	int expect;
};

#define V	VACCEL_PCI_VENDOR_ID

static const struct config_case config_cases[] = {
	{ "defaults", { .engines = 4, .mem_mb = 256, .vf_vendor = V }, 0 },
	{ "smallest", { .engines = 1, .mem_mb = VACCEL_MIN_MEM_MB, .vf_vendor = V }, 0 },
	{ "largest", { .engines = VACCEL_MAX_ENGINES,
		       .mem_mb = VACCEL_MAX_MEM_MB, .vf_vendor = V }, 0 },
	{ "no engines", { .engines = 0, .mem_mb = 256, .vf_vendor = V }, -EINVAL },
	{ "too many engines", { .engines = VACCEL_MAX_ENGINES + 1,
				 .mem_mb = 256, .vf_vendor = V }, -EINVAL },
	{ "memory too small", { .engines = 4, .mem_mb = 2, .vf_vendor = V }, -EINVAL },
	{ "memory not a power of two", { .engines = 4, .mem_mb = 384, .vf_vendor = V }, -EINVAL },
	{ "memory too large",
	  { .engines = 4, .mem_mb = 2 * VACCEL_MAX_MEM_MB, .vf_vendor = V }, -EINVAL },
	{ "memory zero", { .engines = 4, .mem_mb = 0, .vf_vendor = V }, -EINVAL },
	{ "vendor 0x0000", { .engines = 4, .mem_mb = 256, .vf_vendor = 0 }, -EINVAL },
	{ "vendor 0xffff", { .engines = 4, .mem_mb = 256, .vf_vendor = 0xffff }, -EINVAL },
};

static void config_case_desc(const struct config_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(config, config_cases, config_case_desc);

static void vaccel_config_test_check(struct kunit *test)
{
	const struct config_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vaccel_sim_config_check(&c->cfg), c->expect);
}

/* A card device with invalid data is not bound, and nothing is created. */
static void vaccel_config_test_bad_card_not_bound(struct kunit *test)
{
	static const struct vaccel_sim_config bad = {
		.engines = 4,
		.mem_mb = 384,
		.vf_vendor = VACCEL_PCI_VENDOR_ID,
	};
	struct platform_device *pdev;

	pdev = platform_device_register_data(NULL, VACCEL_SIM_DEV_NAME,
					     BAD_CARD_ID, &bad,
					     sizeof(bad));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	KUNIT_EXPECT_NULL(test, pdev->dev.driver);
	KUNIT_EXPECT_NULL(test, platform_get_drvdata(pdev));
	platform_device_unregister(pdev);
}

static struct kunit_case vaccel_config_cases[] = {
	KUNIT_CASE_PARAM(vaccel_config_test_check, config_gen_params),
	KUNIT_CASE(vaccel_config_test_bad_card_not_bound),
	{ }
};

static struct kunit_suite vaccel_config_suite = {
	.name = "vaccel_config",
	.test_cases = vaccel_config_cases,
};

kunit_test_suite(vaccel_config_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
