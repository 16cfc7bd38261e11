// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_vf: decode of the BAR0 register file and the
 * function's resets, as docs/hardware.md specifies them.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/pci_regs.h>

#include "vaccel_hw.h"
#include "vaccel_regs.h"
#include "vf.h"

static const struct vaccel_vf_identity test_id = {
	.cfg = {
		.vendor = VACCEL_PCI_VENDOR_ID,
		.device = VACCEL_PCI_DEVICE_ID_VF,
		.bar_size = { VACCEL_BAR0_SIZE, 6ULL << 30, 0 },
		.msix_vectors = VACCEL_MSIX_VECTORS,
	},
	.engines = 6,
	.queues = 3,
	.slots = 2,
};

static int vf_test_init(struct kunit *test)
{
	struct vaccel_vf *vf = kunit_kzalloc(test, sizeof(*vf), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vf);
	vaccel_vf_init(vf, &test_id);
	test->priv = vf;
	return 0;
}

struct ro_case {
	const char *name;
	u32 off;
	u32 val;
};

static const struct ro_case ro_cases[] = {
	{ "ID", VACCEL_REG_ID, 0x56414343 },
	{ "VERSION", VACCEL_REG_VERSION, 0x00010001 },
	{ "ENGINES", VACCEL_REG_ENGINES, 6 },
	{ "QUEUES", VACCEL_REG_QUEUES, 3 },
	{ "MEM_SIZE_LO", VACCEL_REG_MEM_SIZE_LO, 0x80000000 },
	{ "MEM_SIZE_HI", VACCEL_REG_MEM_SIZE_HI, 1 },
	{ "SHARE", VACCEL_REG_SHARE, 0x0402 },
	{ "MSIX_VECTORS", VACCEL_REG_MSIX_VECTORS, VACCEL_MSIX_VECTORS },
	{ "STATUS", VACCEL_REG_STATUS, VACCEL_STATUS_READY },
	{ "unassigned 0x44", 0x44, 0 },
	{ "queue area", VACCEL_QUEUE_BASE, 0 },
	{ "PBA", VACCEL_MSIX_PBA, 0 },
	{ "last dword", VACCEL_BAR0_SIZE - 4, 0 },
};

static void ro_case_desc(const struct ro_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ro, ro_cases, ro_case_desc);

/* Read-only registers read their value and ignore writes. */
static void vaccel_vf_test_read_only(struct kunit *test)
{
	const struct ro_case *c = test->param_value;
	struct vaccel_vf *vf = test->priv;

	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, c->off), c->val);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_write(vf, c->off, 0x5a5a5a5a), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, c->off), c->val);
}

static void vaccel_vf_test_scratch_control(struct kunit *test)
{
	struct vaccel_vf *vf = test->priv;

	vaccel_vf_reg_write(vf, VACCEL_REG_SCRATCH, 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_SCRATCH),
			0xdeadbeefU);

	vaccel_vf_reg_write(vf, VACCEL_REG_CONTROL, ~0U & ~VACCEL_CONTROL_RESET);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_CONTROL),
			(u32)VACCEL_CONTROL_ENABLE);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_STATUS),
			(u32)(VACCEL_STATUS_READY | VACCEL_STATUS_ENABLED));
	vaccel_vf_reg_write(vf, VACCEL_REG_CONTROL, 0);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_STATUS),
			(u32)VACCEL_STATUS_READY);
}

/* INT_TEST raises causes; an edge only for enabled, newly pending ones. */
static void vaccel_vf_test_interrupt_causes(struct kunit *test)
{
	struct vaccel_vf *vf = test->priv;
	unsigned int ev;

	/* Masked: pending, but no edge and no level. */
	ev = vaccel_vf_reg_write(vf, VACCEL_REG_INT_TEST, VACCEL_INT_TEST);
	KUNIT_EXPECT_EQ(test, ev, 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_INT_CAUSE),
			(u32)VACCEL_INT_TEST);
	KUNIT_EXPECT_EQ(test, vaccel_vf_irq_pending(vf), 0U);

	/* Unmasking a pending cause fires. */
	ev = vaccel_vf_reg_write(vf, VACCEL_REG_INT_MASK, VACCEL_INT_TEST);
	KUNIT_EXPECT_EQ(test, ev,
			(unsigned int)(VACCEL_VF_EV_IRQ | VACCEL_VF_EV_LEVEL));

	/* Raising it again while pending: no new edge. */
	ev = vaccel_vf_reg_write(vf, VACCEL_REG_INT_TEST, VACCEL_INT_TEST);
	KUNIT_EXPECT_EQ(test, ev, 0U);

	/* RW1C: writing 0 keeps it, writing 1 clears and drops the level. */
	vaccel_vf_reg_write(vf, VACCEL_REG_INT_CAUSE, 0);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_INT_CAUSE),
			(u32)VACCEL_INT_TEST);
	ev = vaccel_vf_reg_write(vf, VACCEL_REG_INT_CAUSE, VACCEL_INT_TEST);
	KUNIT_EXPECT_EQ(test, ev, (unsigned int)VACCEL_VF_EV_LEVEL);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_INT_CAUSE), 0U);

	/* Enabled and not pending: an edge. */
	ev = vaccel_vf_reg_write(vf, VACCEL_REG_INT_TEST, VACCEL_INT_TEST);
	KUNIT_EXPECT_EQ(test, ev,
			(unsigned int)(VACCEL_VF_EV_IRQ | VACCEL_VF_EV_LEVEL));

	/* A second, different cause is a new edge even while one pends. */
	vaccel_vf_reg_write(vf, VACCEL_REG_INT_MASK, ~0U);
	ev = vaccel_vf_raise(vf, VACCEL_INT_ERROR);
	KUNIT_EXPECT_EQ(test, ev,
			(unsigned int)(VACCEL_VF_EV_IRQ | VACCEL_VF_EV_LEVEL));
}

/* The MSI-X table stores what is written; Vector Control keeps its mask. */
static void vaccel_vf_test_msix_table(struct kunit *test)
{
	struct vaccel_vf *vf = test->priv;
	unsigned int v, last = VACCEL_MSIX_TABLE +
			       VACCEL_MSIX_VECTORS * VACCEL_MSIX_ENTRY_SIZE;

	for (v = 0; v < VACCEL_MSIX_VECTORS; v++) {
		unsigned int e = VACCEL_MSIX_TABLE + v * VACCEL_MSIX_ENTRY_SIZE;

		KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, e +
							 PCI_MSIX_ENTRY_VECTOR_CTRL),
				(u32)PCI_MSIX_ENTRY_CTRL_MASKBIT);
		vaccel_vf_reg_write(vf, e + PCI_MSIX_ENTRY_LOWER_ADDR,
				    0xfee00000 + v);
		vaccel_vf_reg_write(vf, e + PCI_MSIX_ENTRY_DATA, 0x40 + v);
		vaccel_vf_reg_write(vf, e + PCI_MSIX_ENTRY_VECTOR_CTRL, ~0U);
	}
	for (v = 0; v < VACCEL_MSIX_VECTORS; v++) {
		unsigned int e = VACCEL_MSIX_TABLE + v * VACCEL_MSIX_ENTRY_SIZE;

		KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, e +
							 PCI_MSIX_ENTRY_LOWER_ADDR),
				0xfee00000 + v);
		KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, e +
							 PCI_MSIX_ENTRY_DATA),
				0x40 + v);
		KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, e +
							 PCI_MSIX_ENTRY_VECTOR_CTRL),
				(u32)PCI_MSIX_ENTRY_CTRL_MASKBIT);
	}
	/* Past the table: nothing. */
	vaccel_vf_reg_write(vf, last, 0x1234);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, last), 0U);
}

/* CONTROL.RESET resets registers only; FLR resets everything. */
static void vaccel_vf_test_resets(struct kunit *test)
{
	struct vaccel_vf *vf = test->priv;
	unsigned int e0 = VACCEL_MSIX_TABLE;

	vaccel_vf_reg_write(vf, VACCEL_REG_SCRATCH, 7);
	vaccel_vf_reg_write(vf, VACCEL_REG_INT_MASK, ~0U);
	vaccel_vf_reg_write(vf, VACCEL_REG_INT_TEST, VACCEL_INT_TEST);
	vaccel_vf_reg_write(vf, VACCEL_REG_CONTROL, VACCEL_CONTROL_ENABLE);
	vaccel_vf_reg_write(vf, e0 + PCI_MSIX_ENTRY_DATA, 0x99);
	vaccel_cfg_write(&vf->cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);

	/* The caller resets the queues when told to. */
	KUNIT_EXPECT_TRUE(test, vaccel_vf_reg_write(vf, VACCEL_REG_CONTROL,
						    VACCEL_CONTROL_RESET) &
			  VACCEL_VF_EV_RESET);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_CONTROL), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_SCRATCH), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_INT_CAUSE), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_INT_MASK), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_STATUS),
			(u32)VACCEL_STATUS_READY);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, e0 + PCI_MSIX_ENTRY_DATA),
			0x99U);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(&vf->cfg, PCI_COMMAND, 2),
			(u32)PCI_COMMAND_MEMORY);

	vaccel_vf_reg_write(vf, VACCEL_REG_SCRATCH, 7);
	vaccel_vf_reset(vf);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_SCRATCH), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, e0 + PCI_MSIX_ENTRY_DATA),
			0U);
	KUNIT_EXPECT_EQ(test, vaccel_cfg_read(&vf->cfg, PCI_COMMAND, 2), 0U);
	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_read(vf, VACCEL_REG_ID),
			(u32)VACCEL_ID_MAGIC);
}

struct reg_access_case {
	const char *desc;
	loff_t off;
	size_t size;
	bool ok;
};

static const struct reg_access_case reg_access_cases[] = {
	{ "dword at 0", 0, 4, true },
	{ "last dword", VACCEL_BAR0_SIZE - 4, 4, true },
	{ "byte", 0, 1, false },
	{ "word", 0x20, 2, false },
	{ "qword", 0x20, 8, false },
	{ "unaligned dword", 0x22, 4, false },
	{ "past the end", VACCEL_BAR0_SIZE, 4, false },
	{ "negative", -4, 4, false },
	{ "huge", 1LL << 40, 4, false },
};

static void reg_access_case_desc(const struct reg_access_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reg_access, reg_access_cases, reg_access_case_desc);

static void vaccel_vf_test_access(struct kunit *test)
{
	const struct reg_access_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vaccel_vf_reg_access_ok(c->off, c->size), c->ok);
}

static struct kunit_case vaccel_vf_cases[] = {
	KUNIT_CASE_PARAM(vaccel_vf_test_read_only, ro_gen_params),
	KUNIT_CASE(vaccel_vf_test_scratch_control),
	KUNIT_CASE(vaccel_vf_test_interrupt_causes),
	KUNIT_CASE(vaccel_vf_test_msix_table),
	KUNIT_CASE(vaccel_vf_test_resets),
	KUNIT_CASE_PARAM(vaccel_vf_test_access, reg_access_gen_params),
	{ }
};

static struct kunit_suite vaccel_vf_suite = {
	.name = "vaccel_vf",
	.init = vf_test_init,
	.test_cases = vaccel_vf_cases,
};

kunit_test_suite(vaccel_vf_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
