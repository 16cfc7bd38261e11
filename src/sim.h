/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated card (sim.c): its configuration, as the module parameters
 * and a vaccel-sim.N platform device's data give it, and its backend.
 */
#ifndef _VACCEL_SIM_H
#define _VACCEL_SIM_H

#include <linux/types.h>

struct vaccel_hw_ops;

/**
 * struct vaccel_sim_config - a simulated card, as platform data
 * @engines: compute engines
 * @mem_mb: device memory in MiB
 * @vf_vendor: PCI vendor ID of the card's functions
 * @vf_device: PCI device ID of the card's functions
 */
struct vaccel_sim_config {
	unsigned int engines;
	unsigned int mem_mb;
	u16 vf_vendor;
	u16 vf_device;
};

int vaccel_sim_config_check(const struct vaccel_sim_config *cfg);

extern const struct vaccel_hw_ops vaccel_sim_ops;

#endif /* _VACCEL_SIM_H */
