/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated card for KUnit suites, with a private sysfs mount to create
 * and remove its instances through the real files (vaccel_mdev,
 * vaccel_engine).
 */
#ifndef _VACCEL_CARD_FIXTURE_H
#define _VACCEL_CARD_FIXTURE_H

#include <kunit/test.h>

#include "vaccel.h"
#include "sim.h"

/**
 * struct vaccel_test_card - a card a test registered
 * @sysfs: the test's own sysfs mount
 * @pdev: the card's platform device, bound to the accel driver
 * @card: the driver's card
 */
struct vaccel_test_card {
	struct vfsmount *sysfs;
	struct platform_device *pdev;
	struct vaccel_card *card;
};

void vaccel_test_card_init(struct kunit *test, struct vaccel_test_card *tc,
			   int id, const struct vaccel_sim_config *cfg);
void vaccel_test_card_exit(struct vaccel_test_card *tc);
int vaccel_test_sysfs_write(struct vaccel_test_card *tc, const char *path,
			    const char *val);
int vaccel_test_sysfs_read(struct vaccel_test_card *tc, const char *path,
			   char *buf, size_t size);

#endif /* _VACCEL_CARD_FIXTURE_H */
