/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vaccel card geometry, shared by the host driver and the tools.
 *
 * A card's compute engines and device memory are divided among mdev
 * instances in quarter slots: accel-1of1 takes the whole card, accel-1of2
 * an aligned half, accel-1of4 one quarter.  The function's registers are
 * in vaccel_regs.h, its queues and descriptors in vaccel_queue.h.
 */
#ifndef _VACCEL_HW_H
#define _VACCEL_HW_H

/* Quarter slots per card; the types take 4, 2 and 1 of them. */
#define VACCEL_CARD_SLOTS	4

/* Limits of the simulated card's module parameters. */
#define VACCEL_MAX_CARDS	16
#define VACCEL_MAX_ENGINES	64
#define VACCEL_MIN_MEM_MB	4
#define VACCEL_MAX_MEM_MB	4096

#endif /* _VACCEL_HW_H */
