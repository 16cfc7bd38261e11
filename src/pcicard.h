/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A card that is a PCI physical function (pcicard.c): its device memory is
 * the function's memory BAR, its engines are simulated as on the platform
 * card.  The PCI driver binds only the functions an operator names.
 */
#ifndef _VACCEL_PCICARD_H
#define _VACCEL_PCICARD_H

#include <linux/types.h>

struct vaccel_card_params;

/* The PF of a real card; a placeholder like the VF's ID (vaccel_regs.h). */
#define VACCEL_PCI_DEVICE_ID_PF		0x0a00
/* QEMU's ivshmem-plain, which stands in for a card's PF in the test VM. */
#define VACCEL_IVSHMEM_VENDOR_ID	0x1af4
#define VACCEL_IVSHMEM_DEVICE_ID	0x1110

/**
 * struct vaccel_pcicard_desc - what the driver checks of a function
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @bar_flags: resource flags of the memory BAR (IORESOURCE_*)
 * @bar_size: its length in bytes
 */
struct vaccel_pcicard_desc {
	u16 vendor;
	u16 device;
	unsigned long bar_flags;
	u64 bar_size;
};

const char *vaccel_pcicard_check(const struct vaccel_pcicard_desc *desc);
int vaccel_pcicard_parse_addrs(const char *list, u32 *addrs,
			       unsigned int max);

int vaccel_pcicard_register(const struct vaccel_card_params *params,
			    const char *addrs);
void vaccel_pcicard_unregister(void);

#endif /* _VACCEL_PCICARD_H */
