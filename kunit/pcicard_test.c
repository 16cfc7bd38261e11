// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_pcicard: what the PCI driver accepts as a card, and
 * the parsing of the module parameter pci_cards.
 */

#include <kunit/test.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "vaccel_regs.h"
#include "pcicard.h"

#define MEM64PF	(IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH)

struct pcicard_case {
	const char *desc;
	struct vaccel_pcicard_desc pf;
	const char *why;	/* a word of the reason, or NULL: accepted */
};

static const struct pcicard_case pcicard_cases[] = {
	{ "card PF", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF, MEM64PF,
		       SZ_256M }, NULL },
	{ "ivshmem-plain", { VACCEL_IVSHMEM_VENDOR_ID,
			     VACCEL_IVSHMEM_DEVICE_ID, MEM64PF, SZ_4M }, NULL },
	{ "largest", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF, MEM64PF,
		       SZ_4G }, NULL },
	{ "the VF's ID", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_VF,
			   MEM64PF, SZ_256M }, "not a vaccel card" },
	{ "pci-testdev", { 0x1b36, 0x0005, IORESOURCE_MEM, SZ_4K },
	  "not a vaccel card" },
	{ "I/O BAR", { VACCEL_IVSHMEM_VENDOR_ID, VACCEL_IVSHMEM_DEVICE_ID,
		       IORESOURCE_IO, SZ_256 }, "not a memory BAR" },
	{ "no BAR", { VACCEL_IVSHMEM_VENDOR_ID, VACCEL_IVSHMEM_DEVICE_ID, 0, 0 },
	  "not a memory BAR" },
	{ "32-bit BAR", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF,
			  IORESOURCE_MEM | IORESOURCE_PREFETCH, SZ_256M },
	  "64-bit and prefetchable" },
	{ "not prefetchable", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF,
				IORESOURCE_MEM | IORESOURCE_MEM_64, SZ_256M },
	  "64-bit and prefetchable" },
	{ "too small", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF, MEM64PF,
			 SZ_2M }, "power of two" },
	{ "too large", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF, MEM64PF,
			 SZ_8G }, "power of two" },
	{ "not a power of two", { VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_PF,
				  MEM64PF, SZ_256M + SZ_128M }, "power of two" },
};

static void pcicard_case_desc(const struct pcicard_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pcicard, pcicard_cases, pcicard_case_desc);

static void vaccel_pcicard_test_check(struct kunit *test)
{
	const struct pcicard_case *c = test->param_value;
	const char *why = vaccel_pcicard_check(&c->pf);

	if (!c->why) {
		KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->why), "reason: %s", why);
}

struct addrs_case {
	const char *desc;
	const char *list;
	int expect;		/* count or negative errno */
	u32 first, last;	/* the first and the last address parsed */
};

static const struct addrs_case addrs_cases[] = {
	{ "empty", "", 0 },
	{ "one", "0000:00:10.0", 1, 0x000080, 0x000080 },
	{ "no domain", "00:10.0", 1, 0x000080, 0x000080 },
	{ "two", "0000:00:10.0,0001:3a:1f.7", 2, 0x000080, 0x013aff },
	{ "trailing newline", "0000:00:10.0\n", 1, 0x000080, 0x000080 },
	{ "duplicate", "0000:00:10.0,00:10.0", -EINVAL },
	{ "empty item", "0000:00:10.0,,0000:00:11.0", -EINVAL },
	{ "trailing comma", "0000:00:10.0,", -EINVAL },
	{ "slot too big", "0000:00:20.0", -EINVAL },
	{ "function too big", "0000:00:10.8", -EINVAL },
	{ "bus too big", "0000:100:10.0", -EINVAL },
	{ "garbage after", "0000:00:10.0x", -EINVAL },
	{ "space", "0000:00:10.0, 0000:00:11.0", -EINVAL },
	{ "a name", "card0", -EINVAL },
};

static void addrs_case_desc(const struct addrs_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(addrs, addrs_cases, addrs_case_desc);

static void vaccel_pcicard_test_parse(struct kunit *test)
{
	const struct addrs_case *c = test->param_value;
	u32 addrs[16];
	int n;

	n = vaccel_pcicard_parse_addrs(c->list, addrs, ARRAY_SIZE(addrs));
	KUNIT_ASSERT_EQ(test, n, c->expect);
	if (n > 0) {
		KUNIT_EXPECT_EQ(test, addrs[0], c->first);
		KUNIT_EXPECT_EQ(test, addrs[n - 1], c->last);
	}
}

/* Sixteen functions fit, the seventeenth is refused as a whole. */
static void vaccel_pcicard_test_too_many(struct kunit *test)
{
	char list[17 * 13];
	u32 addrs[16];
	int i, n = 0;

	for (i = 0; i < 17; i++)
		n += scnprintf(list + n, sizeof(list) - n, "%s0000:00:%02x.0",
			       i ? "," : "", i);
	/* Cut after the sixteenth: all of them are taken. */
	list[16 * 13 - 1] = '\0';
	KUNIT_EXPECT_EQ(test, vaccel_pcicard_parse_addrs(list, addrs, 16), 16);
	KUNIT_EXPECT_EQ(test, addrs[15], (u32)PCI_DEVFN(15, 0));
	list[16 * 13 - 1] = ',';
	KUNIT_EXPECT_EQ(test, vaccel_pcicard_parse_addrs(list, addrs, 16),
			-E2BIG);
}

static struct kunit_case vaccel_pcicard_cases[] = {
	KUNIT_CASE_PARAM(vaccel_pcicard_test_check, pcicard_gen_params),
	KUNIT_CASE_PARAM(vaccel_pcicard_test_parse, addrs_gen_params),
	KUNIT_CASE(vaccel_pcicard_test_too_many),
	{ }
};

static struct kunit_suite vaccel_pcicard_suite = {
	.name = "vaccel_pcicard",
	.test_cases = vaccel_pcicard_cases,
};

kunit_test_suite(vaccel_pcicard_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
