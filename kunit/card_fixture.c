// SPDX-License-Identifier: GPL-2.0
/*
 * The card fixture of the vaccel KUnit suites (card_fixture.h).
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/platform_device.h>
#include <linux/string.h>

#include "card_fixture.h"

/**
 * vaccel_test_card_init() - mount sysfs and register a simulated card
 * @test: the test; a failure aborts it
 * @tc: the fixture, zeroed
 * @id: platform device id, far from those the module's own cards use
 * @cfg: the card
 */
void vaccel_test_card_init(struct kunit *test, struct vaccel_test_card *tc,
			   int id, const struct vaccel_sim_config *cfg)
{
	struct file_system_type *fs;

	/* sysfs is built in: get_fs_type() takes no module reference. */
	fs = get_fs_type("sysfs");
	KUNIT_ASSERT_NOT_NULL(test, fs);
	tc->sysfs = vfs_kern_mount(fs, SB_KERNMOUNT, fs->name, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tc->sysfs);

	tc->pdev = platform_device_register_data(NULL, VACCEL_SIM_DEV_NAME, id,
						 cfg, sizeof(*cfg));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tc->pdev);
	tc->card = platform_get_drvdata(tc->pdev);
	KUNIT_ASSERT_NOT_NULL_MSG(test, tc->card,
				  "the accel driver did not bind the card");
}

/**
 * vaccel_test_card_exit() - unregister the card (and its instances)
 * @tc: the fixture, as far as vaccel_test_card_init() got
 */
void vaccel_test_card_exit(struct vaccel_test_card *tc)
{
	if (!IS_ERR_OR_NULL(tc->pdev))
		platform_device_unregister(tc->pdev);
	if (!IS_ERR_OR_NULL(tc->sysfs))
		kern_unmount(tc->sysfs);
}

/**
 * vaccel_test_sysfs_write() - one write(2) to a sysfs file
 * @tc: the fixture
 * @path: relative to the sysfs root
 * @val: what to write
 *
 * Return: 0 or the write's negative errno.
 */
int vaccel_test_sysfs_write(struct vaccel_test_card *tc, const char *path,
			    const char *val)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t ret;

	f = file_open_root_mnt(tc->sysfs, path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = kernel_write(f, val, strlen(val), &pos);
	__fput_sync(f);
	return ret < 0 ? ret : 0;
}

/**
 * vaccel_test_sysfs_read() - read a sysfs file, without trailing newline
 * @tc: the fixture
 * @path: relative to the sysfs root
 * @buf: where to put it
 * @size: size of @buf
 *
 * Return: 0 or the read's negative errno.
 */
int vaccel_test_sysfs_read(struct vaccel_test_card *tc, const char *path,
			   char *buf, size_t size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t ret;

	f = file_open_root_mnt(tc->sysfs, path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = kernel_read(f, buf, size - 1, &pos);
	__fput_sync(f);
	if (ret < 0)
		return ret;
	buf[ret] = '\0';
	strim(buf);
	return 0;
}
