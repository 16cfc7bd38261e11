// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_mdev: a simulated card registered as mdev parent, and
 * instances created and removed through the types' sysfs files, exactly as
 * an operator does it (the test mounts its own sysfs and writes to it).
 */

#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/platform_device.h>
#include <linux/uuid.h>

#include "vaccel_regs.h"
#include "vaccel.h"
#include "card_fixture.h"

/* Far from the ids the module's own cards use. */
#define TEST_CARD_ID	4242
#define TEST_CARD_PATH	"devices/platform/" VACCEL_SIM_DEV_NAME ".4242"
#define TEST_TYPES	TEST_CARD_PATH "/mdev_supported_types/"

/* One write(2) to a sysfs file; returns 0 or the write's negative errno. */
static int sysfs_write(struct kunit *test, const char *path, const char *val)
{
	return vaccel_test_sysfs_write(test->priv, path, val);
}

/* Reads a sysfs file into @buf, without the trailing newline. */
static int sysfs_read(struct kunit *test, const char *path, char *buf,
		      size_t size)
{
	return vaccel_test_sysfs_read(test->priv, path, buf, size);
}

static void expect_file(struct kunit *test, const char *path,
			const char *expected)
{
	char buf[256];

	KUNIT_ASSERT_EQ_MSG(test, sysfs_read(test, path, buf, sizeof(buf)), 0,
			    "read %s", path);
	KUNIT_EXPECT_STREQ_MSG(test, buf, expected, "%s", path);
}

/* available_instances of 1of1, 1of2 and 1of4, through sysfs. */
static void expect_available(struct kunit *test, const char *a1,
			     const char *a2, const char *a4)
{
	expect_file(test, TEST_TYPES "accel-1of1/available_instances", a1);
	expect_file(test, TEST_TYPES "accel-1of2/available_instances", a2);
	expect_file(test, TEST_TYPES "accel-1of4/available_instances", a4);
}

static int type_create(struct kunit *test, const char *type, const char *uuid)
{
	char path[128];

	snprintf(path, sizeof(path), TEST_TYPES "%s/create", type);
	return sysfs_write(test, path, uuid);
}

static int mdev_remove(struct kunit *test, const char *uuid)
{
	char path[128];

	snprintf(path, sizeof(path), "bus/mdev/devices/%s/remove", uuid);
	return sysfs_write(test, path, "1");
}

static unsigned int nr_instances(struct vaccel_card *card)
{
	unsigned int n;

	mutex_lock(&card->lock);
	n = card->nr_instances;
	mutex_unlock(&card->lock);
	return n;
}

static int vaccel_mdev_test_init(struct kunit *test)
{
	static const struct vaccel_sim_config cfg = {
		.engines = 2,
		.mem_mb = 16,
		.vf_vendor = VACCEL_PCI_VENDOR_ID,
		.vf_device = VACCEL_PCI_DEVICE_ID_VF,
	};
	struct vaccel_test_card *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test->priv = ctx;
	vaccel_test_card_init(test, ctx, TEST_CARD_ID, &cfg);
	return 0;
}

static void vaccel_mdev_test_exit(struct kunit *test)
{
	vaccel_test_card_exit(test->priv);
}

/* The card is an mdev parent with the three types and their attributes. */
static void vaccel_mdev_test_types(struct kunit *test)
{
	struct vaccel_test_card *ctx = test->priv;
	unsigned int i;

	KUNIT_EXPECT_STREQ(test, dev_driver_string(&ctx->pdev->dev),
			   VACCEL_DRV_NAME);
	for (i = 0; i < VACCEL_NR_TYPES; i++)
		KUNIT_EXPECT_PTR_EQ(test, ctx->card->types[i].mtype.parent,
				    &ctx->card->parent);

	expect_file(test, TEST_TYPES "accel-1of1/name", "accel-1of1");
	expect_file(test, TEST_TYPES "accel-1of2/name", "accel-1of2");
	expect_file(test, TEST_TYPES "accel-1of4/name", "accel-1of4");
	expect_file(test, TEST_TYPES "accel-1of1/device_api", "vfio-pci");
	expect_file(test, TEST_TYPES "accel-1of4/device_api", "vfio-pci");
	expect_file(test, TEST_TYPES "accel-1of1/description",
		    "4/4 of a card: 100% of the time of 2 engines, 16 MiB device memory");
	expect_file(test, TEST_TYPES "accel-1of2/description",
		    "2/4 of a card: 50% of the time of 2 engines, 8 MiB device memory");
	expect_file(test, TEST_TYPES "accel-1of4/description",
		    "1/4 of a card: 25% of the time of 2 engines, 4 MiB device memory");
	expect_available(test, "1", "2", "4");
	expect_file(test, TEST_CARD_PATH "/vaccel/engines", "2");
	expect_file(test, TEST_CARD_PATH "/vaccel/memory_size", "16777216");
	expect_file(test, TEST_CARD_PATH "/vaccel/backend", "sim");
}

/* Create and remove through sysfs; slots and memory follow. */
static void vaccel_mdev_test_create_remove(struct kunit *test)
{
	static const char *uuid = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a01";
	struct vaccel_test_card *ctx = test->priv;
	char path[128];

	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of2", uuid), 0);
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 1U);
	expect_available(test, "0", "1", "2");

	snprintf(path, sizeof(path), "bus/mdev/devices/%s/vaccel/slots", uuid);
	expect_file(test, path, "0-1");
	snprintf(path, sizeof(path), "bus/mdev/devices/%s/vaccel/memory_size",
		 uuid);
	expect_file(test, path, "8388608");
	snprintf(path, sizeof(path), "bus/mdev/devices/%s/mdev_type/name",
		 uuid);
	expect_file(test, path, "accel-1of2");
	expect_file(test, TEST_CARD_PATH "/vaccel/slots_used", "0-1");

	KUNIT_ASSERT_EQ(test, mdev_remove(test, uuid), 0);
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 0U);
	expect_available(test, "1", "2", "4");
	expect_file(test, TEST_CARD_PATH "/vaccel/slots_used", "");
}

/* Refusals change nothing. */
static void vaccel_mdev_test_refusals(struct kunit *test)
{
	static const char *u1 = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a11";
	static const char *u2 = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a12";
	struct vaccel_test_card *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of4", u1), 0);
	expect_available(test, "0", "1", "3");

	KUNIT_EXPECT_EQ(test, type_create(test, "accel-1of1", u2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, type_create(test, "accel-1of2", "not-a-uuid"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, type_create(test, "accel-1of4", u1), -EEXIST);
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 1U);
	expect_available(test, "0", "1", "3");

	/* The refused UUID is free for a creation that fits. */
	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of2", u2), 0);
	KUNIT_EXPECT_EQ(test, type_create(test, "accel-1of2", u1), -EEXIST);
	expect_available(test, "0", "0", "1");
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 2U);

	KUNIT_EXPECT_EQ(test, mdev_remove(test, u1), 0);
	KUNIT_EXPECT_EQ(test, mdev_remove(test, u2), 0);
	expect_available(test, "1", "2", "4");
}

/*
 * Drain: every type shows 0 available and creations fail with EBUSY, the
 * running instance stays, and ending the drain gives back what is free.
 */
static void vaccel_mdev_test_drain(struct kunit *test)
{
	static const char *u1 = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a31";
	static const char *u2 = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a32";
	struct vaccel_test_card *ctx = test->priv;
	char path[128];

	expect_file(test, TEST_CARD_PATH "/vaccel/drain", "0");
	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of4", u1), 0);
	snprintf(path, sizeof(path), "bus/mdev/devices/%s/vaccel/holder", u1);
	expect_file(test, path, "");

	KUNIT_ASSERT_EQ(test, sysfs_write(test, TEST_CARD_PATH "/vaccel/drain",
					  "1"), 0);
	expect_file(test, TEST_CARD_PATH "/vaccel/drain", "1");
	expect_available(test, "0", "0", "0");
	KUNIT_EXPECT_EQ(test, type_create(test, "accel-1of4", u2), -EBUSY);
	KUNIT_EXPECT_EQ(test, type_create(test, "accel-1of1", u2), -EBUSY);
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 1U);
	expect_file(test, TEST_CARD_PATH "/vaccel/slots_used", "0");

	KUNIT_EXPECT_EQ(test, sysfs_write(test, TEST_CARD_PATH "/vaccel/drain",
					  "maybe"), -EINVAL);
	expect_file(test, TEST_CARD_PATH "/vaccel/drain", "1");

	/* Removing an instance while draining works, and frees its slot. */
	KUNIT_EXPECT_EQ(test, mdev_remove(test, u1), 0);
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 0U);
	expect_available(test, "0", "0", "0");

	KUNIT_ASSERT_EQ(test, sysfs_write(test, TEST_CARD_PATH "/vaccel/drain",
					  "0"), 0);
	expect_available(test, "1", "2", "4");
	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of4", u2), 0);
	KUNIT_EXPECT_EQ(test, mdev_remove(test, u2), 0);
}

/* Unregistering a card removes the instances it still has. */
static void vaccel_mdev_test_unregister_with_instances(struct kunit *test)
{
	static const char *u1 = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a21";
	static const char *u2 = "0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a22";
	struct vaccel_test_card *ctx = test->priv;
	struct file *f;

	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of4", u1), 0);
	KUNIT_ASSERT_EQ(test, type_create(test, "accel-1of4", u2), 0);
	KUNIT_EXPECT_EQ(test, nr_instances(ctx->card), 2U);

	platform_device_unregister(ctx->pdev);
	ctx->pdev = NULL;

	f = file_open_root_mnt(ctx->sysfs, "bus/mdev/devices/0f6b7c1e-9a52-4d8e-8a55-6f0c1b3c2a21",
			       O_RDONLY | O_DIRECTORY, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(f), -ENOENT);
	if (!IS_ERR(f))
		__fput_sync(f);
}

static struct kunit_case vaccel_mdev_cases[] = {
	KUNIT_CASE(vaccel_mdev_test_types),
	KUNIT_CASE(vaccel_mdev_test_create_remove),
	KUNIT_CASE(vaccel_mdev_test_refusals),
	KUNIT_CASE(vaccel_mdev_test_drain),
	KUNIT_CASE(vaccel_mdev_test_unregister_with_instances),
	{ }
};

static struct kunit_suite vaccel_mdev_suite = {
	.name = "vaccel_mdev",
	.init = vaccel_mdev_test_init,
	.exit = vaccel_mdev_test_exit,
	.test_cases = vaccel_mdev_cases,
};

kunit_test_suite(vaccel_mdev_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
