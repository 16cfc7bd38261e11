/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs (debugfs.c): /sys/kernel/debug/vaccel/<card>/sched.
 */
#ifndef _VACCEL_DEBUGFS_H
#define _VACCEL_DEBUGFS_H

struct vaccel_card;

void vaccel_debugfs_init(void);
void vaccel_debugfs_exit(void);
void vaccel_debugfs_card_add(struct vaccel_card *card);
void vaccel_debugfs_card_remove(struct vaccel_card *card);

#endif /* _VACCEL_DEBUGFS_H */
