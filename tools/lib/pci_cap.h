/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PCI capability list of a config space snapshot: walk it (and judge
 * it), find a capability as an OS would, name and decode one.
 */
#ifndef _LIB_PCI_CAP_H
#define _LIB_PCI_CAP_H

#include <stddef.h>

#include <linux/types.h>

#define MAX_CAPS		48	/* (256 - 64) / 4 */

int cap_walk(const __u8 *cfg, unsigned int *pos, unsigned int max);
unsigned int cap_find(const __u8 *cfg, unsigned int id);
const char *cap_name(unsigned int id);
void cap_decode(const __u8 *cfg, unsigned int pos, char *buf,
		size_t size);

#endif
