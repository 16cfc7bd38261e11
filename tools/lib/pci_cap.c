// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI capability list of a config space snapshot (pci_cap.h).
 */

#define _GNU_SOURCE
#include <stdio.h>

#include <linux/pci_regs.h>

#include "pci_cap.h"
#include "util.h"

/* Capabilities */

/*
 * Walk the capability list of config space @cfg into @pos (at most @max).
 * Returns the number of capabilities, or -1 if a pointer leaves the
 * capability area, is misaligned, or the list does not end.
 */
int cap_walk(const __u8 *cfg, unsigned int *pos, unsigned int max)
{
	unsigned int p;
	int n = 0;

	if (!(get_le(cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	for (p = cfg[PCI_CAPABILITY_LIST]; p; p = cfg[p + PCI_CAP_LIST_NEXT]) {
		if (p < PCI_STD_HEADER_SIZEOF || p > PCI_CFG_SPACE_SIZE - 4 ||
		    (p & 3) || n == (int)max)
			return -1;
		pos[n++] = p;
	}
	return n;
}

/*
 * Offset of capability @id in the list of @cfg, or 0: found as an OS
 * finds it, the low two bits of each pointer ignored and at most MAX_CAPS
 * steps taken, without judging the list (cap_walk() does).
 */
unsigned int cap_find(const __u8 *cfg, unsigned int id)
{
	unsigned int pos, ttl = MAX_CAPS;

	if (!(get_le(cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg[PCI_CAPABILITY_LIST] & ~3U;
	while (pos >= PCI_STD_HEADER_SIZEOF && pos < PCI_CFG_SPACE_SIZE - 4 &&
	       ttl--) {
		if (cfg[pos + PCI_CAP_LIST_ID] == id)
			return pos;
		pos = cfg[pos + PCI_CAP_LIST_NEXT] & ~3U;
	}
	return 0;
}

const char *cap_name(unsigned int id)
{
	switch (id) {
	case PCI_CAP_ID_PM:
		return "Power Management";
	case PCI_CAP_ID_MSI:
		return "MSI";
	case PCI_CAP_ID_EXP:
		return "PCI Express";
	case PCI_CAP_ID_MSIX:
		return "MSI-X";
	}
	return "unknown";
}

static char flag(unsigned int val, unsigned int bit)
{
	return val & bit ? '+' : '-';
}

/* One line of what the capability at @pos of @cfg says. */
void cap_decode(const __u8 *cfg, unsigned int pos, char *buf,
		size_t size)
{
	static const char *const speeds[] = { "?", "2.5", "5", "8", "16", "32" };
	unsigned int id = cfg[pos + PCI_CAP_LIST_ID];
	unsigned int f = get_le(cfg, pos + 2, 2);
	unsigned int a, b;

	switch (id) {
	case PCI_CAP_ID_EXP:
		a = get_le(cfg, pos + PCI_EXP_DEVCAP, 4);
		b = get_le(cfg, pos + PCI_EXP_LNKCAP, 4);
		snprintf(buf, size,
			 "v%u, %s, FLR%c, link x%u at %s GT/s",
			 f & PCI_EXP_FLAGS_VERS,
			 (f & PCI_EXP_FLAGS_TYPE) >> 4 == PCI_EXP_TYPE_ENDPOINT ?
			 "endpoint" : "not an endpoint",
			 flag(a, PCI_EXP_DEVCAP_FLR),
			 (b & PCI_EXP_LNKCAP_MLW) >> 4,
			 speeds[(b & PCI_EXP_LNKCAP_SLS) < ARRAY_SIZE(speeds) ?
				(b & PCI_EXP_LNKCAP_SLS) : 0]);
		break;
	case PCI_CAP_ID_PM:
		a = get_le(cfg, pos + PCI_PM_CTRL, 2);
		snprintf(buf, size, "version %u, D%u, NoSoftRst%c",
			 f & PCI_PM_CAP_VER_MASK, a & PCI_PM_CTRL_STATE_MASK,
			 flag(a, PCI_PM_CTRL_NO_SOFT_RESET));
		break;
	case PCI_CAP_ID_MSI:
		snprintf(buf, size,
			 "Enable%c, %u vector(s), %u enabled, 64-bit%c, per-vector mask%c",
			 flag(f, PCI_MSI_FLAGS_ENABLE),
			 1U << ((f & PCI_MSI_FLAGS_QMASK) >> 1),
			 1U << ((f & PCI_MSI_FLAGS_QSIZE) >> 4),
			 flag(f, PCI_MSI_FLAGS_64BIT),
			 flag(f, PCI_MSI_FLAGS_MASKBIT));
		break;
	case PCI_CAP_ID_MSIX:
		a = get_le(cfg, pos + PCI_MSIX_TABLE, 4);
		b = get_le(cfg, pos + PCI_MSIX_PBA, 4);
		snprintf(buf, size,
			 "Enable%c, Mask%c, %u vectors, table BAR%u+%#x, PBA BAR%u+%#x",
			 flag(f, PCI_MSIX_FLAGS_ENABLE),
			 flag(f, PCI_MSIX_FLAGS_MASKALL),
			 (f & PCI_MSIX_FLAGS_QSIZE) + 1,
			 a & PCI_MSIX_TABLE_BIR, a & PCI_MSIX_TABLE_OFFSET,
			 b & PCI_MSIX_PBA_BIR, b & PCI_MSIX_PBA_OFFSET);
		break;
	default:
		snprintf(buf, size, "not decoded");
	}
}

