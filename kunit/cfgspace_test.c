// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_cfgspace: the PCI configuration space of a function.
 *
 * The expectations here are written from the PCI and PCIe specifications
 * and docs/hardware.md, not copied from src/cfgspace.c's table.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>

#include "vaccel_regs.h"
#include "cfgspace.h"

static const struct vaccel_cfg_params test_params = {
	.vendor = VACCEL_PCI_VENDOR_ID,
	.device = VACCEL_PCI_DEVICE_ID_VF,
	.bar_size = { VACCEL_BAR0_SIZE, 64 << 20, 0 },
	.msix_vectors = VACCEL_MSIX_VECTORS,
};

static int cfg_test_init(struct kunit *test)
{
	struct vaccel_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	vaccel_cfg_init(cfg, &test_params);
	test->priv = cfg;
	return 0;
}

/* One register: power-on value, writable bits, write-1-to-clear bits. */
struct reg_case {
	const char *name;
	u16 off;
	u8 len;
	u32 reset;
	u32 wmask;
	u32 w1c;
};

static const struct reg_case reg_cases[] = {
	{ "vendor", 0x00, 2, 0x1ace, 0, 0 },
	{ "device", 0x02, 2, 0x0a01, 0, 0 },
	{ "command", 0x04, 2, 0, 0x0546, 0 },
	{ "status", 0x06, 2, 0x0010, 0, 0xf900 },
	{ "revision", 0x08, 1, 0x01, 0, 0 },
	{ "class", 0x09, 1, 0x00, 0, 0 },
	{ "class device", 0x0a, 2, 0x1200, 0, 0 },
	{ "cache line", 0x0c, 1, 0, 0xff, 0 },
	{ "latency timer", 0x0d, 1, 0, 0, 0 },
	{ "header type", 0x0e, 1, 0, 0, 0 },
	{ "bist", 0x0f, 1, 0, 0, 0 },
	{ "bar4", 0x20, 4, 0, 0, 0 },
	{ "bar5", 0x24, 4, 0, 0, 0 },
	{ "cardbus cis", 0x28, 4, 0, 0, 0 },
	{ "subsystem vendor", 0x2c, 2, 0x1ace, 0, 0 },
	{ "subsystem", 0x2e, 2, 0x0a01, 0, 0 },
	{ "rom bar", 0x30, 4, 0, 0, 0 },
	{ "capability pointer", 0x34, 1, 0x40, 0, 0 },
	{ "interrupt line", 0x3c, 1, 0, 0xff, 0 },
	{ "interrupt pin", 0x3d, 1, 1, 0, 0 },
	{ "pcie flags", 0x42, 2, 0x0002, 0, 0 },
	{ "pcie devcap", 0x44, 4, 0x10008000, 0, 0 },
	{ "pcie devctl (FLR reads 0)", 0x48, 2, 0x2810, 0x7fff, 0 },
	{ "pcie devsta", 0x4a, 2, 0, 0, 0x000f },
	{ "pcie lnkcap", 0x4c, 4, 0x00000011, 0, 0 },
	{ "pcie lnkctl", 0x50, 2, 0, 0x00cb, 0 },
	{ "pcie lnksta", 0x52, 2, 0x0011, 0, 0 },
	{ "pcie devctl2", 0x68, 2, 0, 0x001f, 0 },
	{ "pm pmc", 0x82, 2, 0x0003, 0, 0 },
	{ "pm pmcsr", 0x84, 2, 0x0008, 0x0103, 0x8000 },
	{ "msi flags", 0x8a, 2, 0x0080, 0x0071, 0 },
	{ "msi address lo", 0x8c, 4, 0, 0xfffffffc, 0 },
	{ "msi address hi", 0x90, 4, 0, 0xffffffff, 0 },
	{ "msi data", 0x94, 2, 0, 0xffff, 0 },
	{ "msix flags", 0x9a, 2, VACCEL_MSIX_VECTORS - 1, 0xc000, 0 },
	{ "msix table", 0x9c, 4, 0x2000, 0, 0 },
	{ "msix pba", 0xa0, 4, 0x3000, 0, 0 },
	{ "unused standard", 0xfc, 4, 0, 0, 0 },
	{ "extended header", 0x100, 4, 0, 0, 0 },
	{ "extended end", 0xffc, 4, 0, 0, 0 },
};

static void reg_case_desc(const struct reg_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s @%#x", c->name, c->off);
}

KUNIT_ARRAY_PARAM(reg, reg_cases, reg_case_desc);

static u32 ones(unsigned int len)
{
	return len == 4 ? ~0U : (1U << (8 * len)) - 1;
}

/* Power-on value, write mask and RW1C bits of each register. */
static void vaccel_cfg_test_register(struct kunit *test)
{
	const struct reg_case *c = test->param_value;
	struct vaccel_cfg *cfg = test->priv;
	u32 all = ones(c->len);

	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, c->off, c->len), c->reset);

	/* All ones: writable bits set, read-only keep, RW1C clear. */
	vaccel_cfg_write(cfg, c->off, c->len, all);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, c->off, c->len),
			((c->reset & ~c->wmask) | c->wmask) & ~c->w1c);

	/* All zeroes: writable bits clear, RW1C untouched by zeroes. */
	vaccel_cfg_write(cfg, c->off, c->len, 0);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, c->off, c->len),
			c->reset & ~c->wmask & ~c->w1c);

	if (c->w1c) {
		/* The function sets status bits; software clears them. */
		unsigned int i;

		for (i = 0; i < c->len; i++)
			cfg->data[c->off + i] |= c->w1c >> (8 * i);
		vaccel_cfg_write(cfg, c->off, c->len, 0);
		KUNIT_EXPECT_EQ(test,
				vaccel_cfg_read(cfg, c->off, c->len) & c->w1c,
				c->w1c);
		vaccel_cfg_write(cfg, c->off, c->len, c->w1c & (c->w1c - 1));
		KUNIT_EXPECT_EQ(test,
				vaccel_cfg_read(cfg, c->off, c->len) & c->w1c,
				c->w1c & ~(c->w1c & (c->w1c - 1)));
	}
}

struct bar_case {
	const char *desc;
	u64 size;
};

/* BAR2 of every type on cards from the smallest to the largest. */
static const struct bar_case bar_cases[] = {
	{ "accel-1of4 of 4 MiB", 1 << 20 },
	{ "accel-1of2 of 4 MiB", 2 << 20 },
	{ "accel-1of4 of 256 MiB", 64 << 20 },
	{ "accel-1of2 of 256 MiB", 128 << 20 },
	{ "accel-1of1 of 256 MiB", 256 << 20 },
	{ "accel-1of2 of 4 GiB", 2ULL << 30 },
	{ "accel-1of1 of 4 GiB", 4ULL << 30 },
};

static void bar_case_desc(const struct bar_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bar, bar_cases, bar_case_desc);

static u64 size_bar(struct vaccel_cfg *cfg, unsigned int bar, u32 *type)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	u64 mask;

	vaccel_cfg_write(cfg, off, 4, ~0U);
	vaccel_cfg_write(cfg, off + 4, 4, ~0U);
	mask = vaccel_cfg_read(cfg, off, 4) |
	       (u64)vaccel_cfg_read(cfg, off + 4, 4) << 32;
	*type = mask & 0xf;
	return ~(mask & ~0xfULL) + 1;
}

/* Sizing by writing all ones gives the size; an address sticks. */
static void vaccel_cfg_test_bar_sizing(struct kunit *test)
{
	const struct bar_case *c = test->param_value;
	struct vaccel_cfg_params params = test_params;
	struct vaccel_cfg *cfg = test->priv;
	u64 addr = 0x7f0000000000ULL;
	u32 type;

	params.bar_size[1] = c->size;
	vaccel_cfg_init(cfg, &params);

	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, PCI_BASE_ADDRESS_2, 4),
			0xcU);
	KUNIT_EXPECT_EQ(test, size_bar(cfg, 2, &type), c->size);
	KUNIT_EXPECT_EQ(test, type, (u32)(PCI_BASE_ADDRESS_MEM_PREFETCH |
					  PCI_BASE_ADDRESS_MEM_TYPE_64));

	KUNIT_EXPECT_EQ(test, size_bar(cfg, 0, &type), (u64)VACCEL_BAR0_SIZE);
	KUNIT_EXPECT_EQ(test, type, (u32)PCI_BASE_ADDRESS_MEM_TYPE_64);

	vaccel_cfg_write(cfg, PCI_BASE_ADDRESS_4, 4, ~0U);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, PCI_BASE_ADDRESS_4, 4), 0U);

	/* An aligned address is kept whole. */
	vaccel_cfg_write(cfg, PCI_BASE_ADDRESS_2, 4, lower_32_bits(addr));
	vaccel_cfg_write(cfg, PCI_BASE_ADDRESS_3, 4, upper_32_bits(addr));
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, PCI_BASE_ADDRESS_2, 4),
			lower_32_bits(addr) | 0xc);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, PCI_BASE_ADDRESS_3, 4),
			upper_32_bits(addr));
}

/* The capability list is walkable, ends, and has what a VF needs. */
static void vaccel_cfg_test_cap_chain(struct kunit *test)
{
	static const u8 expect[] = {
		PCI_CAP_ID_EXP, PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX,
	};
	struct vaccel_cfg *cfg = test->priv;
	unsigned int pos, n = 0;

	KUNIT_EXPECT_TRUE(test, vaccel_cfg_read(cfg, PCI_STATUS, 2) &
				PCI_STATUS_CAP_LIST);
	pos = vaccel_cfg_read(cfg, PCI_CAPABILITY_LIST, 1);
	while (pos) {
		KUNIT_ASSERT_LT_MSG(test, n, ARRAY_SIZE(expect),
				    "chain too long at %#x", pos);
		KUNIT_EXPECT_GE(test, pos, 0x40U);
		KUNIT_EXPECT_LT(test, pos, 0x100U);
		KUNIT_EXPECT_EQ(test, pos & 3, 0U);
		KUNIT_EXPECT_EQ_MSG(test, vaccel_cfg_read(cfg, pos, 1),
				    (u32)expect[n], "capability %u at %#x", n,
				    pos);
		pos = vaccel_cfg_read(cfg, pos + 1, 1);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, (unsigned int)ARRAY_SIZE(expect));
	/* Extended space: an empty list. */
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, PCI_CFG_SPACE_SIZE, 4), 0U);
}

/* FLR is signalled by writing bit 15 of Device Control, in any width. */
static void vaccel_cfg_test_flr(struct kunit *test)
{
	struct vaccel_cfg *cfg = test->priv;
	unsigned int devctl = VACCEL_CFG_CAP_EXP + PCI_EXP_DEVCTL;
	u32 before = vaccel_cfg_read(cfg, devctl, 2);

	KUNIT_EXPECT_TRUE(test, vaccel_cfg_read(cfg, VACCEL_CFG_CAP_EXP +
						PCI_EXP_DEVCAP, 4) &
				PCI_EXP_DEVCAP_FLR);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, devctl, 2,
					       before | PCI_EXP_DEVCTL_BCR_FLR) &
			VACCEL_CFG_EV_FLR, (unsigned int)VACCEL_CFG_EV_FLR);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(cfg, devctl, 2), before);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, devctl + 1, 1, 0x80) &
			VACCEL_CFG_EV_FLR, (unsigned int)VACCEL_CFG_EV_FLR);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, devctl, 4,
					       PCI_EXP_DEVCTL_BCR_FLR) &
			VACCEL_CFG_EV_FLR, (unsigned int)VACCEL_CFG_EV_FLR);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, devctl, 1, 0xff) &
			VACCEL_CFG_EV_FLR, 0U);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, devctl, 2, before), 0U);
}

/* Writes that change interrupt or decode state are reported. */
static void vaccel_cfg_test_events(struct kunit *test)
{
	struct vaccel_cfg *cfg = test->priv;
	unsigned int msix = VACCEL_CFG_CAP_MSIX + PCI_MSIX_FLAGS;
	unsigned int msi = VACCEL_CFG_CAP_MSI + PCI_MSI_FLAGS;

	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, msix, 2,
					       PCI_MSIX_FLAGS_ENABLE),
			(unsigned int)VACCEL_CFG_EV_MSIX);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, msix, 2,
					       PCI_MSIX_FLAGS_ENABLE), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, msix + 1, 1, 0x40),
			(unsigned int)VACCEL_CFG_EV_MSIX);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, msi, 2, 1),
			(unsigned int)VACCEL_CFG_EV_MSI);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, PCI_COMMAND, 2,
					       PCI_COMMAND_INTX_DISABLE),
			(unsigned int)VACCEL_CFG_EV_COMMAND);
	/* A read-only bit does not change, so nothing to report. */
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, PCI_COMMAND, 2,
					       PCI_COMMAND_INTX_DISABLE |
					       PCI_COMMAND_IO), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_write(cfg, VACCEL_CFG_CAP_PM +
					       PCI_PM_CTRL, 2, 3),
			(unsigned int)VACCEL_CFG_EV_PM);
}

/* Re-initialising (any reset) restores the power-on state. */
static void vaccel_cfg_test_reset(struct kunit *test)
{
	struct vaccel_cfg *cfg = test->priv;
	struct vaccel_cfg *fresh;

	fresh = kunit_kzalloc(test, sizeof(*fresh), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fresh);
	vaccel_cfg_init(fresh, &test_params);

	vaccel_cfg_write(cfg, PCI_COMMAND, 2, 0xffff);
	vaccel_cfg_write(cfg, PCI_BASE_ADDRESS_2, 4, ~0U);
	vaccel_cfg_write(cfg, VACCEL_CFG_CAP_MSIX + PCI_MSIX_FLAGS, 2, 0xffff);
	vaccel_cfg_write(cfg, PCI_INTERRUPT_LINE, 1, 11);
	KUNIT_EXPECT_NE(test, memcmp(cfg->data, fresh->data,
				     sizeof(cfg->data)), 0);
	vaccel_cfg_init(cfg, &test_params);
	KUNIT_EXPECT_EQ(test, memcmp(cfg->data, fresh->data,
				     sizeof(cfg->data)), 0);
}

struct access_case {
	const char *desc;
	loff_t off;
	size_t size;
	bool ok;
};

static const struct access_case access_cases[] = {
	{ "byte at 0", 0, 1, true },
	{ "byte at 0xfff", 0xfff, 1, true },
	{ "word at 2", 2, 2, true },
	{ "dword at 0xffc", 0xffc, 4, true },
	{ "word at 1 (unaligned)", 1, 2, false },
	{ "dword at 2 (unaligned)", 2, 4, false },
	{ "3 bytes", 0, 3, false },
	{ "8 bytes", 0, 8, false },
	{ "whole space at once", 0, 4096, false },
	{ "zero bytes", 0, 0, false },
	{ "past the end", 0x1000, 1, false },
	{ "negative", -4, 4, false },
	{ "far past the end", 1LL << 39, 4, false },
};

static void access_case_desc(const struct access_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(access, access_cases, access_case_desc);

static void vaccel_cfg_test_access(struct kunit *test)
{
	const struct access_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vaccel_cfg_access_ok(c->off, c->size), c->ok);
}

/*
 * Any run inside the space splits into naturally aligned pieces of 4, 2
 * or 1 bytes, each the widest that fits, covering the run exactly.
 */
static void vaccel_cfg_test_pieces(struct kunit *test)
{
	static const struct { loff_t pos; size_t left; unsigned int n; } c[] = {
		{ 0, 4096, 4 }, { 0, 4, 4 }, { 0, 3, 2 }, { 1, 3, 1 },
		{ 2, 3, 2 }, { 2, 2, 2 }, { 3, 4, 1 }, { 4, 1, 1 },
		{ 0xffe, 2, 2 }, { 0xffc, 4, 4 },
	};
	unsigned int i, n;
	loff_t pos, p;
	size_t len, done;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ_MSG(test, vaccel_cfg_piece(c[i].pos, c[i].left),
				    c[i].n, "pos %lld left %zu", c[i].pos,
				    c[i].left);

	for (pos = 0; pos < 16; pos++) {
		for (len = 1; len <= 16; len++) {
			for (done = 0; done < len; done += n) {
				p = pos + done;
				n = vaccel_cfg_piece(p, len - done);
				KUNIT_ASSERT_TRUE(test, vaccel_cfg_access_ok(p, n));
				KUNIT_ASSERT_LE(test, done + n, len);
				/* Widest: the next width up would not do. */
				if (n < 4)
					KUNIT_EXPECT_TRUE(test, (p & (2 * n - 1)) ||
							  len - done < 2 * n);
			}
			KUNIT_EXPECT_EQ(test, done, len);
		}
	}
}

static struct kunit_case vaccel_cfg_cases[] = {
	KUNIT_CASE_PARAM(vaccel_cfg_test_register, reg_gen_params),
	KUNIT_CASE_PARAM(vaccel_cfg_test_bar_sizing, bar_gen_params),
	KUNIT_CASE(vaccel_cfg_test_cap_chain),
	KUNIT_CASE(vaccel_cfg_test_flr),
	KUNIT_CASE(vaccel_cfg_test_events),
	KUNIT_CASE(vaccel_cfg_test_reset),
	KUNIT_CASE_PARAM(vaccel_cfg_test_access, access_gen_params),
	KUNIT_CASE(vaccel_cfg_test_pieces),
	{ }
};

static struct kunit_suite vaccel_cfg_suite = {
	.name = "vaccel_cfgspace",
	.init = cfg_test_init,
	.test_cases = vaccel_cfg_cases,
};

kunit_test_suite(vaccel_cfg_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
