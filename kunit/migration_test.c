// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of live migration (src/migration.c):
 *
 *  - vaccel_migration: the stream as a pure unit: every record encoded and
 *    decoded again, the header and record checks a stream from a user
 *    must pass, commands saved in the middle, and a bounded fuzzer over
 *    the records;
 *  - vaccel_migration_live: the real state machine on a simulated card's
 *    instances, with the fake IOVA space as the guest memory both share
 *    (as one VMM's guest memory does): commands stopped in flight on one
 *    instance finish on another with the right results, a corrupted or
 *    mismatched stream is refused and leaves a usable instance.
 */

#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "vaccel_regs.h"
#include "vaccel.h"
#include "card_fixture.h"
#include "engine.h"
#include "fake_iova.h"
#include "migration.h"
#include "vfio.h"

#define MIG_MEM		SZ_4M

static const struct vaccel_mig_target mig_target = {
	.slots = 1, .type_name = "accel-1of4", .mem_size = MIG_MEM,
	.engines = 2, .vendor = VACCEL_PCI_VENDOR_ID,
	.device = VACCEL_PCI_DEVICE_ID_VF,
};

/* A state with something in every field, and commands in the middle. */
static void mig_sample_state(struct vaccel_mig_state *st)
{
	unsigned int i, v;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i++)
		st->cfg[i] = i * 13 + 1;
	st->control = VACCEL_CONTROL_ENABLE;
	st->status = VACCEL_STATUS_READY | VACCEL_STATUS_ENABLED;
	st->int_cause = VACCEL_INT_ERROR | VACCEL_INT_QUEUE(2);
	st->int_mask = VACCEL_INT_QUEUES | VACCEL_INT_ERROR;
	st->scratch = 0xfeedf00d;
	for (v = 0; v < VACCEL_MSIX_VECTORS; v++)
		for (i = 0; i < 4; i++)
			st->msix[v][i] = v << 8 | i;
	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue_state *q = &st->queue[i];

		q->ring_iova = 0x100000 + i * 0x10000;
		q->ring_size = 64;
		q->wb_iova = 0x200000 + i * 64;
		q->fence = 0x1000 + i;
		q->enabled = true;
		q->head = 0xfffffff0 + i;
		q->tail = q->head + 10;
	}
	/* A COPY a third done, a CRC32C half done, a GEMM, a BUSY. */
	st->queue[0].job_active = true;
	st->queue[0].job = (struct vaccel_job){ .opcode = VACCEL_OP_COPY,
		.flags = VACCEL_DESC_F_DST_DEV, .len = 3 * SZ_64K,
		.src = 0x300000, .dst = 0x1000, .pos = SZ_64K };
	st->queue[1].job_active = true;
	st->queue[1].job = (struct vaccel_job){ .opcode = VACCEL_OP_CRC32C,
		.len = SZ_128K, .src = 0x400000, .dst = 0x500000,
		.value = 0x12345678, .pos = SZ_64K, .crc = 0xa5a5a5a5 };
	st->queue[2].job_active = true;
	st->queue[2].job = (struct vaccel_job){ .opcode = VACCEL_OP_GEMM,
		.src = 0x600000, .src2 = 0x700000, .dst = 0x800000,
		.m = 64, .n = 64, .k = 64, .pos = 1000 };
	st->queue[3].error = VACCEL_QERR_DMA;
	st->queue[3].error_index = 7;
}

/* Every piece of the state survives encoding and decoding. */
static void vaccel_migration_test_roundtrip(struct kunit *test)
{
	struct vaccel_mig_state *in, *out;
	const char *why;
	size_t len;
	u8 *buf;

	in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);
	out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	buf = kunit_kzalloc(test, VACCEL_MIG_MAX_STATE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, in && out && buf);
	mig_sample_state(in);
	len = vaccel_mig_encode_state(in, buf, VACCEL_MIG_MAX_STATE);
	KUNIT_ASSERT_GT(test, len, sizeof(in->cfg));
	why = vaccel_mig_decode_state(buf, len, MIG_MEM, out);
	KUNIT_ASSERT_NULL_MSG(test, why, "refused: %s", why);
	KUNIT_EXPECT_EQ(test, memcmp(in->cfg, out->cfg, sizeof(in->cfg)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(in->msix, out->msix, sizeof(in->msix)), 0);
	KUNIT_EXPECT_EQ(test, out->control, in->control);
	KUNIT_EXPECT_EQ(test, out->status, in->status);
	KUNIT_EXPECT_EQ(test, out->int_cause, in->int_cause);
	KUNIT_EXPECT_EQ(test, out->int_mask, in->int_mask);
	KUNIT_EXPECT_EQ(test, out->scratch, in->scratch);
	KUNIT_EXPECT_EQ(test, memcmp(in->queue, out->queue, sizeof(in->queue)),
			0);
}

enum hdr_fault {
	HDR_NONE, HDR_MAGIC, HDR_VERSION, HDR_SIZE, HDR_STATE0, HDR_STATE_BIG,
	HDR_TYPE, HDR_MEM, HDR_ENGINES, HDR_QUEUES, HDR_ID, HDR_RESERVED,
	HDR_NAME,
};

struct hdr_case {
	const char *desc;
	enum hdr_fault fault;
	const char *why;	/* a word of the refusal, or NULL */
};

static void hdr_break(struct vaccel_mig_header *h, enum hdr_fault fault)
{
	switch (fault) {
	case HDR_NONE:
		break;
	case HDR_MAGIC:
		h->magic ^= cpu_to_le32(1);
		break;
	case HDR_VERSION:
		h->version = cpu_to_le16(2);
		break;
	case HDR_SIZE:
		h->header_size = cpu_to_le16(60);
		break;
	case HDR_STATE0:
		h->state_size = 0;
		break;
	case HDR_STATE_BIG:
		h->state_size = cpu_to_le32(VACCEL_MIG_MAX_STATE + 1);
		break;
	case HDR_TYPE:
		h->slots = cpu_to_le32(2);
		break;
	case HDR_MEM:
		h->mem_size = cpu_to_le64(SZ_8M);
		break;
	case HDR_ENGINES:
		h->engines = cpu_to_le32(4);
		break;
	case HDR_QUEUES:
		h->queues = cpu_to_le32(8);
		break;
	case HDR_ID:
		h->device = cpu_to_le16(0x0a02);
		break;
	case HDR_RESERVED:
		h->reserved[1] = cpu_to_le32(1);
		break;
	case HDR_NAME:
		memset(h->type_name, 'x', sizeof(h->type_name));
		break;
	}
}

static const struct hdr_case hdr_cases[] = {
	{ "matching", HDR_NONE, NULL },
	{ "bad magic", HDR_MAGIC, "magic" },
	{ "version 2", HDR_VERSION, "version" },
	{ "header size", HDR_SIZE, "malformed" },
	{ "no records", HDR_STATE0, "impossible size" },
	{ "records too large", HDR_STATE_BIG, "impossible size" },
	{ "another type", HDR_TYPE, "another type" },
	{ "another memory size", HDR_MEM, "size" },
	{ "another engine count", HDR_ENGINES, "engines" },
	{ "another queue count", HDR_QUEUES, "queues" },
	{ "another PCI ID", HDR_ID, "PCI ID" },
	{ "reserved not zero", HDR_RESERVED, "malformed" },
	{ "type name unterminated", HDR_NAME, "malformed" },
};

static void hdr_case_desc(const struct hdr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hdr, hdr_cases, hdr_case_desc);

static void vaccel_migration_test_header(struct kunit *test)
{
	const struct hdr_case *c = test->param_value;
	struct vaccel_mig_header hdr;
	const char *why;

	BUILD_BUG_ON(sizeof(hdr) != 64);
	vaccel_mig_fill_header(&hdr, &mig_target, 1024);
	hdr_break(&hdr, c->fault);
	why = vaccel_mig_check_header(&hdr, &mig_target);
	if (!c->why) {
		KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->why), "reason: %s", why);
}

enum rec_fault {
	REC_RING, REC_TAIL, REC_ERR, REC_JOB_OFF, REC_JOB_ERR, REC_JOB_POS,
	REC_JOB_OP, REC_JOB_RANGE, REC_JOB_SEED, REC_BUSY_LONG, REC_REGS,
	REC_CAUSE,
};

struct rec_case {
	const char *desc;
	enum rec_fault fault;
	const char *why;
};

static void rec_break(struct vaccel_mig_state *st, enum rec_fault fault)
{
	switch (fault) {
	case REC_RING:
		st->queue[1].ring_size = 48;
		break;
	case REC_TAIL:
		st->queue[2].tail = st->queue[2].head + 65;
		break;
	case REC_ERR:
		st->queue[3].error = VACCEL_QERR_COUNT;
		break;
	case REC_JOB_OFF:
		st->queue[0].enabled = false;
		break;
	case REC_JOB_ERR:
		st->queue[0].error = VACCEL_QERR_DMA;
		break;
	case REC_JOB_POS:
		st->queue[0].job.pos = st->queue[0].job.len + 1;
		break;
	case REC_JOB_OP:
		st->queue[2].job.opcode = 99;
		break;
	case REC_JOB_RANGE:
		st->queue[0].job.dst = MIG_MEM - SZ_64K;
		break;
	case REC_JOB_SEED:
		st->queue[1].job.pos = 0;
		break;
	case REC_BUSY_LONG:
		st->queue[2].job = (struct vaccel_job){
			.opcode = VACCEL_OP_BUSY, .value = 1000000,
			.pos = 1000001 };
		break;
	case REC_REGS:
		st->control |= VACCEL_CONTROL_RESET;
		break;
	case REC_CAUSE:
		st->int_cause |= BIT(5);
		break;
	}
}

static const struct rec_case rec_cases[] = {
	{ "ring size not a power of two", REC_RING, "RING_SIZE" },
	{ "TAIL beyond a ring", REC_TAIL, "TAIL" },
	{ "unknown error code", REC_ERR, "error code" },
	{ "command on a disabled queue", REC_JOB_OFF, "cannot run" },
	{ "command on a queue in error", REC_JOB_ERR, "cannot run" },
	{ "command past its end", REC_JOB_POS, "not a valid command" },
	{ "command with an unknown opcode", REC_JOB_OP, "not a valid command" },
	{ "command past the device memory", REC_JOB_RANGE, "not a valid command" },
	{ "CRC state of a command not started", REC_JOB_SEED, "not a valid command" },
	{ "BUSY past its duration", REC_BUSY_LONG, "not a valid command" },
	{ "CONTROL.RESET saved", REC_REGS, "bits" },
	{ "unknown interrupt cause", REC_CAUSE, "bits" },
};

static void rec_case_desc(const struct rec_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rec, rec_cases, rec_case_desc);

/* A stream with one impossible value is refused, saying which. */
static void vaccel_migration_test_records(struct kunit *test)
{
	const struct rec_case *c = test->param_value;
	struct vaccel_mig_state *st, *out;
	const char *why;
	size_t len;
	u8 *buf;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	buf = kunit_kzalloc(test, VACCEL_MIG_MAX_STATE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st && out && buf);
	mig_sample_state(st);
	rec_break(st, c->fault);
	len = vaccel_mig_encode_state(st, buf, VACCEL_MIG_MAX_STATE);
	why = vaccel_mig_decode_state(buf, len, MIG_MEM, out);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->why), "reason: %s", why);
}

/* The record framing: truncation, repetition, omission, unknown types. */
static void vaccel_migration_test_framing(struct kunit *test)
{
	struct vaccel_mig_state *st, *out;
	struct vaccel_mig_rec *rec;
	size_t len, cut;
	u8 *buf, *two;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	buf = kunit_kzalloc(test, VACCEL_MIG_MAX_STATE, GFP_KERNEL);
	two = kunit_kzalloc(test, 2 * VACCEL_MIG_MAX_STATE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st && out && buf && two);
	mig_sample_state(st);
	len = vaccel_mig_encode_state(st, buf, VACCEL_MIG_MAX_STATE);

	/* Every truncation is refused. */
	for (cut = 0; cut < len; cut++)
		KUNIT_EXPECT_NOT_NULL_MSG(test,
					  vaccel_mig_decode_state(buf, cut, MIG_MEM, out),
					  "accepted %zu of %zu bytes", cut, len);
	/* Records twice. */
	memcpy(two, buf, len);
	memcpy(two + len, buf, len);
	KUNIT_EXPECT_NOT_NULL(test, vaccel_mig_decode_state(two, 2 * len,
							    MIG_MEM, out));
	/* An unknown record type, and a length beyond the records. */
	rec = (struct vaccel_mig_rec *)buf;
	rec->type = cpu_to_le32(9);
	KUNIT_EXPECT_STREQ(test, vaccel_mig_decode_state(buf, len, MIG_MEM, out),
			   "unknown record type");
	rec->type = cpu_to_le32(VACCEL_MIG_REC_CONFIG);
	rec->len = cpu_to_le32(len);
	KUNIT_EXPECT_STREQ(test, vaccel_mig_decode_state(buf, len, MIG_MEM, out),
			   "record longer than the state");
}

/*
 * A bounded fuzzer: random byte changes and truncations of a valid
 * encoding.  Nothing may crash (KASAN watches), and whatever is accepted
 * must pass the queue checks again.
 */
static void vaccel_migration_test_fuzz(struct kunit *test)
{
	struct vaccel_mig_state *st, *out;
	unsigned int i, j, accepted = 0;
	struct rnd_state rnd;
	size_t len, n;
	u8 *buf, *mut;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	buf = kunit_kzalloc(test, VACCEL_MIG_MAX_STATE, GFP_KERNEL);
	mut = kunit_kzalloc(test, VACCEL_MIG_MAX_STATE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st && out && buf && mut);
	mig_sample_state(st);
	len = vaccel_mig_encode_state(st, buf, VACCEL_MIG_MAX_STATE);
	prandom_seed_state(&rnd, 20261203);

	for (i = 0; i < 20000; i++) {
		unsigned int flips = 1 + prandom_u32_state(&rnd) % 4;

		memcpy(mut, buf, len);
		for (j = 0; j < flips; j++)
			mut[prandom_u32_state(&rnd) % len] ^=
				1 << (prandom_u32_state(&rnd) % 8);
		n = prandom_u32_state(&rnd) % 8 ? len :
		    prandom_u32_state(&rnd) % (len + 1);
		if (vaccel_mig_decode_state(mut, n, MIG_MEM, out))
			continue;
		accepted++;
		for (j = 0; j < VACCEL_FN_QUEUES; j++)
			KUNIT_EXPECT_NULL(test,
					  vaccel_queue_state_check(&out->queue[j],
								   MIG_MEM));
	}
	kunit_info(test, "20000 mutated streams: %u accepted (changes in values any function may hold), %u refused\n",
		   accepted, 20000 - accepted);
	KUNIT_EXPECT_LT(test, accepted, 20000U);
}

/* A command saved in the middle is checked like a descriptor. */
static void vaccel_migration_test_job_check(struct kunit *test)
{
	struct vaccel_job j = { .opcode = VACCEL_OP_CRC32C, .len = 4096,
				.src = 0x1000, .dst = 0x3000, .value = 7 };

	j.crc = ~7U;
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), 0);
	j.crc = 0x1234;
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), VACCEL_QERR_VALUE);
	j.pos = 2048;
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), 0);
	j.pos = 4096;
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), 0);
	j.pos = 4097;
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), VACCEL_QERR_VALUE);
	j.pos = 0;
	j.crc = ~7U;
	j.src = 0x1800;
	j.dst = 0x1900;		/* inside the source: CRC32C may overlap */
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), 0);
	j.opcode = VACCEL_OP_COPY;
	j.value = 0;
	j.crc = 0;
	KUNIT_EXPECT_EQ(test, vaccel_job_check(&j, MIG_MEM), VACCEL_QERR_OVERLAP);
}

static struct kunit_case vaccel_migration_cases[] = {
	KUNIT_CASE(vaccel_migration_test_roundtrip),
	KUNIT_CASE_PARAM(vaccel_migration_test_header, hdr_gen_params),
	KUNIT_CASE_PARAM(vaccel_migration_test_records, rec_gen_params),
	KUNIT_CASE(vaccel_migration_test_framing),
	KUNIT_CASE(vaccel_migration_test_fuzz),
	KUNIT_CASE(vaccel_migration_test_job_check),
	{ }
};

static struct kunit_suite vaccel_migration_suite = {
	.name = "vaccel_migration",
	.test_cases = vaccel_migration_cases,
};

/* vaccel_migration_live: the state machine on a card's instances. */

#define LIVE_CARD_ID	4444
#define LIVE_TYPES	"devices/platform/" VACCEL_SIM_DEV_NAME ".4444/mdev_supported_types/"
#define UUID_SRC	"5e0c2a1d-8b3f-4a72-9c1e-0d7f3b2a6c01"
#define UUID_DST	"5e0c2a1d-8b3f-4a72-9c1e-0d7f3b2a6c02"
#define UUID_HALF	"5e0c2a1d-8b3f-4a72-9c1e-0d7f3b2a6c03"
#define LIVE_DATA	SZ_256K
#define LIVE_BUSY_NS	(40ULL * NSEC_PER_MSEC)

struct live {
	struct vaccel_test_card tc;
	struct vaccel_instance *src;
	struct vaccel_instance *dst;
	struct vaccel_instance *half;
	u8 *stream;
	size_t len;
};

static struct vaccel_instance *live_find(struct vaccel_card *card,
					 const char *uuid)
{
	struct vaccel_instance *inst, *found = NULL;

	mutex_lock(&card->lock);
	list_for_each_entry(inst, &card->instances, node)
		if (!strcmp(dev_name(vaccel_inst_dev(inst)), uuid))
			found = inst;
	mutex_unlock(&card->lock);
	return found;
}

static struct vaccel_instance *live_create(struct kunit *test,
					   struct live *l, const char *type,
					   const char *uuid)
{
	char path[128];
	struct vaccel_instance *inst;

	snprintf(path, sizeof(path), LIVE_TYPES "%s/create", type);
	KUNIT_ASSERT_EQ(test, vaccel_test_sysfs_write(&l->tc, path, uuid), 0);
	inst = live_find(l->tc.card, uuid);
	KUNIT_ASSERT_NOT_NULL(test, inst);
	/* What the VMM does before the guest runs. */
	inst->dma_ops = &vkt_fake_dma;
	mutex_lock(&inst->lock);
	vaccel_cfg_write(&inst->vf.cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY |
			 PCI_COMMAND_MASTER);
	WRITE_ONCE(inst->bus_master, true);
	mutex_unlock(&inst->lock);
	return inst;
}

/* What a VFIO close does. */
static void live_close(struct vaccel_instance *inst)
{
	vaccel_mig_reset(inst);
	mutex_lock(&inst->lock);
	vaccel_vfio_reset_locked(inst);
	mutex_unlock(&inst->lock);
	vaccel_vfio_quiesce(inst);
}

static int vaccel_migration_live_init(struct kunit *test)
{
	static const struct vaccel_sim_config cfg = {
		.engines = 2,
		.mem_mb = 16,
		.vf_vendor = VACCEL_PCI_VENDOR_ID,
		.vf_device = VACCEL_PCI_DEVICE_ID_VF,
	};
	struct live *l;

	vkt_fake_iova_init(test);
	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	test->priv = l;
	vaccel_test_card_init(test, &l->tc, LIVE_CARD_ID, &cfg);
	l->src = live_create(test, l, "accel-1of4", UUID_SRC);
	l->dst = live_create(test, l, "accel-1of4", UUID_DST);
	l->half = live_create(test, l, "accel-1of2", UUID_HALF);
	l->stream = vzalloc(MIG_MEM + SZ_32K);
	KUNIT_ASSERT_NOT_NULL(test, l->stream);
	return 0;
}

static void vaccel_migration_live_exit(struct kunit *test)
{
	struct live *l = test->priv;

	if (l) {
		if (l->src)
			live_close(l->src);
		if (l->dst)
			live_close(l->dst);
		if (l->half)
			live_close(l->half);
		vfree(l->stream);
		vaccel_test_card_exit(&l->tc);
	}
	vkt_fake_iova_exit(test);
}

static struct file *live_set(struct vaccel_instance *inst,
			     enum vfio_device_mig_state state)
{
	return inst->vdev.mig_ops->migration_set_state(&inst->vdev, state);
}

static enum vfio_device_mig_state live_state(struct vaccel_instance *inst)
{
	enum vfio_device_mig_state st;

	inst->vdev.mig_ops->migration_get_state(&inst->vdev, &st);
	return st;
}

/* Queue @qn of @inst: a ring of 16 at page 8 * qn, writeback after it. */
static void live_queue(struct vaccel_instance *inst, unsigned int qn)
{
	struct vaccel_queue *q = &inst->queues[qn];
	u64 ring = FAKE_IOVA(8 * qn), wb = FAKE_IOVA(8 * qn + 1);

	vaccel_queue_reg_write(q, VACCEL_Q_RING_LO, lower_32_bits(ring));
	vaccel_queue_reg_write(q, VACCEL_Q_RING_HI, upper_32_bits(ring));
	vaccel_queue_reg_write(q, VACCEL_Q_RING_SIZE, 16);
	vaccel_queue_reg_write(q, VACCEL_Q_WB_LO, lower_32_bits(wb));
	vaccel_queue_reg_write(q, VACCEL_Q_WB_HI, upper_32_bits(wb));
	vaccel_queue_reg_write(q, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
}

static void live_push(unsigned int qn, unsigned int idx,
		      const struct vaccel_desc *d)
{
	vkt_fake_put(FAKE_IOVA(8 * qn) + idx * VACCEL_DESC_SIZE, d, sizeof(*d));
}

/* The writeback of queue @qn reaching @head within 20 s: 0, or why not. */
static int live_wait(unsigned int qn, u32 head)
{
	unsigned long end = jiffies + 20 * HZ;
	struct vaccel_wb wb;

	do {
		vkt_fake_get(FAKE_IOVA(8 * qn + 1), &wb, sizeof(wb));
		if (le32_to_cpu(wb.head) == head)
			return 0;
		if (wb.error)
			return -EIO;
		usleep_range(500, 1000);
	} while (time_before(jiffies, end));
	return -ETIMEDOUT;
}

/* Read a whole stream from a STOP_COPY session into l->stream. */
static void live_save(struct kunit *test, struct live *l,
		      struct vaccel_instance *inst)
{
	struct file *f = live_set(inst, VFIO_DEVICE_STATE_STOP_COPY);
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, live_state(inst), VFIO_DEVICE_STATE_STOP_COPY);
	l->len = 0;
	do {
		n = kernel_read(f, l->stream + l->len,
				min_t(size_t, 5000, MIG_MEM + SZ_32K - l->len),
				&pos);
		KUNIT_ASSERT_GE(test, n, 0);
		l->len += n;
	} while (n);
	fput(f);
	KUNIT_ASSERT_NULL(test, live_set(inst, VFIO_DEVICE_STATE_STOP));
}

/* Write @len bytes of l->stream to a RESUMING session: bytes, or -errno. */
static ssize_t live_load(struct kunit *test, struct live *l,
			 struct vaccel_instance *inst, size_t len)
{
	struct file *f = live_set(inst, VFIO_DEVICE_STATE_RESUMING);
	static const size_t pieces[] = { 1, 63, 1000, 4093, SZ_64K };
	size_t done = 0, i = 0;
	loff_t pos = 0;
	ssize_t n = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	while (done < len) {
		n = kernel_write(f, l->stream + done,
				 min(len - done, pieces[i++ % 5]), &pos);
		if (n <= 0)
			break;
		done += n;
	}
	fput(f);
	return n < 0 ? n : done;
}

/* A short command on queue 3 of @inst runs to completion: it is usable. */
static void live_usable(struct kunit *test, struct vaccel_instance *inst)
{
	struct vaccel_desc d = { .opcode = cpu_to_le16(VACCEL_OP_BUSY),
				 .value = cpu_to_le64(100000) };

	mutex_lock(&inst->lock);
	vaccel_cfg_write(&inst->vf.cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY |
			 PCI_COMMAND_MASTER);
	vaccel_vfio_bus_master_update(inst);
	mutex_unlock(&inst->lock);
	live_queue(inst, 3);
	live_push(3, 0, &d);
	vaccel_queue_reg_write(&inst->queues[3], VACCEL_Q_TAIL, 1);
	KUNIT_EXPECT_EQ(test, live_wait(3, 1), 0);
	vaccel_engine_queue_wait(&inst->queues[3]);
}

static bool live_job_active(struct vaccel_queue *q)
{
	bool active;

	spin_lock(&q->state_lock);
	active = q->job_active;
	spin_unlock(&q->state_lock);
	return active;
}

/*
 * Commands in flight on all four queues of one instance are stopped,
 * streamed and finished by another, bit-exact; the source is usable again
 * after a reset.
 */
static void vaccel_migration_live_test_move(struct kunit *test)
{
	struct live *l = test->priv;
	struct vaccel_mig_header *hdr = (void *)l->stream;
	struct vaccel_mig_state *st;
	struct vaccel_desc d;
	unsigned long end;
	const char *why;
	u8 *data, *back;
	__le32 crc;
	u32 want;
	unsigned int i;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	data = kunit_kmalloc(test, LIVE_DATA, GFP_KERNEL);
	back = kunit_kmalloc(test, LIVE_DATA, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st && data && back);
	for (i = 0; i < LIVE_DATA; i++)
		data[i] = i * 31 + (i >> 12);
	vkt_fake_put(FAKE_IOVA(100), data, LIVE_DATA);
	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		live_queue(l->src, i);

	/* 0: a long BUSY, in flight when the source stops. */
	d = (struct vaccel_desc){ .opcode = cpu_to_le16(VACCEL_OP_BUSY),
				  .value = cpu_to_le64(LIVE_BUSY_NS) };
	live_push(0, 0, &d);
	vaccel_queue_reg_write(&l->src->queues[0], VACCEL_Q_TAIL, 1);
	end = jiffies + 5 * HZ;
	while (!live_job_active(&l->src->queues[0]) && time_before(jiffies, end))
		usleep_range(100, 200);
	KUNIT_ASSERT_TRUE(test, live_job_active(&l->src->queues[0]));
	/* 1: COPY; 2: CRC32C; 3: COPY into device memory and out again. */
	d = (struct vaccel_desc){ .opcode = cpu_to_le16(VACCEL_OP_COPY),
		.len = cpu_to_le32(LIVE_DATA), .src = cpu_to_le64(FAKE_IOVA(100)),
		.dst = cpu_to_le64(FAKE_IOVA(200)) };
	live_push(1, 0, &d);
	d = (struct vaccel_desc){ .opcode = cpu_to_le16(VACCEL_OP_CRC32C),
		.len = cpu_to_le32(LIVE_DATA), .src = cpu_to_le64(FAKE_IOVA(100)),
		.dst = cpu_to_le64(FAKE_IOVA(20)) };
	live_push(2, 0, &d);
	d = (struct vaccel_desc){ .opcode = cpu_to_le16(VACCEL_OP_COPY),
		.flags = cpu_to_le16(VACCEL_DESC_F_DST_DEV),
		.len = cpu_to_le32(LIVE_DATA), .src = cpu_to_le64(FAKE_IOVA(100)),
		.dst = cpu_to_le64(SZ_1M + 12) };
	live_push(3, 0, &d);
	d = (struct vaccel_desc){ .opcode = cpu_to_le16(VACCEL_OP_COPY),
		.flags = cpu_to_le16(VACCEL_DESC_F_SRC_DEV),
		.len = cpu_to_le32(LIVE_DATA), .src = cpu_to_le64(SZ_1M + 12),
		.dst = cpu_to_le64(FAKE_IOVA(300)) };
	live_push(3, 1, &d);
	for (i = 1; i < VACCEL_FN_QUEUES; i++)
		vaccel_queue_reg_write(&l->src->queues[i], VACCEL_Q_TAIL,
				       i == 3 ? 2 : 1);
	usleep_range(2000, 3000);

	/* RUNNING -> (P2P, STOP) -> STOP_COPY, read to the end. */
	live_save(test, l, l->src);
	KUNIT_ASSERT_GT(test, l->len, (size_t)MIG_MEM);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->magic), VACCEL_MIG_MAGIC);
	KUNIT_EXPECT_EQ(test, __crc32c_le(~0U, l->stream, l->len - 16),
			le32_to_cpu(((struct vaccel_mig_trailer *)
				     (l->stream + l->len - 16))->crc));
	why = vaccel_mig_decode_state(l->stream + sizeof(*hdr),
				      le32_to_cpu(hdr->state_size), MIG_MEM, st);
	KUNIT_ASSERT_NULL_MSG(test, why, "saved state refused: %s", why);
	/* The BUSY was saved in the middle, as after a preemption. */
	KUNIT_EXPECT_TRUE(test, st->queue[0].job_active);
	KUNIT_EXPECT_GT(test, st->queue[0].job.pos, 0ULL);
	KUNIT_EXPECT_LT(test, st->queue[0].job.pos, LIVE_BUSY_NS);
	kunit_info(test, "stream %zu bytes; saved: BUSY at %llu of %llu ns; queues 1-3 %s/%s/%s in flight\n",
		   l->len, st->queue[0].job.pos, LIVE_BUSY_NS,
		   st->queue[1].job_active ? "" : "not",
		   st->queue[2].job_active ? "" : "not",
		   st->queue[3].job_active ? "" : "not");

	/* The destination: RESUMING, the stream in odd pieces, RUNNING. */
	KUNIT_ASSERT_EQ(test, live_load(test, l, l->dst, l->len), l->len);
	KUNIT_ASSERT_NULL(test, live_set(l->dst, VFIO_DEVICE_STATE_RUNNING));
	KUNIT_EXPECT_EQ(test, live_wait(0, 1), 0);
	KUNIT_EXPECT_EQ(test, live_wait(1, 1), 0);
	KUNIT_EXPECT_EQ(test, live_wait(2, 1), 0);
	KUNIT_EXPECT_EQ(test, live_wait(3, 2), 0);
	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		vaccel_engine_queue_wait(&l->dst->queues[i]);
	vkt_fake_get(FAKE_IOVA(200), back, LIVE_DATA);
	KUNIT_EXPECT_EQ(test, memcmp(back, data, LIVE_DATA), 0);
	vkt_fake_get(FAKE_IOVA(300), back, LIVE_DATA);
	KUNIT_EXPECT_EQ(test, memcmp(back, data, LIVE_DATA), 0);
	vkt_fake_get(FAKE_IOVA(20), &crc, sizeof(crc));
	want = ~__crc32c_le(~0U, data, LIVE_DATA);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(crc), want);
	KUNIT_EXPECT_GE(test, (u64)atomic64_read(&l->dst->stats.busy_ns),
			LIVE_BUSY_NS - st->queue[0].job.pos);

	/* The source, stopped all along, runs again after a reset. */
	KUNIT_EXPECT_EQ(test, live_state(l->src), VFIO_DEVICE_STATE_STOP);
	live_close(l->src);
	KUNIT_EXPECT_EQ(test, live_state(l->src), VFIO_DEVICE_STATE_RUNNING);
	live_close(l->dst);
	live_usable(test, l->src);
}

/*
 * Streams that must not load: from another type, corrupted, cut short.
 * Each fails (write or the arc to STOP), leaves ERROR, and a reset gives
 * a usable instance.  A source taken back to RUNNING from P2P goes on.
 */
static void vaccel_migration_live_test_refusals(struct kunit *test)
{
	struct live *l = test->priv;
	struct file *f;

	live_save(test, l, l->src);
	KUNIT_ASSERT_NULL(test, live_set(l->src, VFIO_DEVICE_STATE_RUNNING));

	/* Another type: refused as soon as the header is in. */
	KUNIT_EXPECT_EQ(test, live_load(test, l, l->half, l->len), -EINVAL);
	f = live_set(l->half, VFIO_DEVICE_STATE_STOP);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(f), -EINVAL);
	KUNIT_EXPECT_EQ(test, live_state(l->half), VFIO_DEVICE_STATE_ERROR);
	live_close(l->half);
	KUNIT_EXPECT_EQ(test, live_state(l->half), VFIO_DEVICE_STATE_RUNNING);
	live_usable(test, l->half);
	live_close(l->half);

	/* One byte of device memory changed: the CRC catches it. */
	l->stream[l->len / 2] ^= 0x40;
	KUNIT_EXPECT_EQ(test, live_load(test, l, l->dst, l->len), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(live_set(l->dst,
						       VFIO_DEVICE_STATE_STOP)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, live_state(l->dst), VFIO_DEVICE_STATE_ERROR);
	live_close(l->dst);
	l->stream[l->len / 2] ^= 0x40;

	/* Cut short: every write is taken, the arc to STOP refuses. */
	KUNIT_EXPECT_EQ(test, live_load(test, l, l->dst, l->len - 100),
			l->len - 100);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(live_set(l->dst,
						       VFIO_DEVICE_STATE_STOP)),
			-EINVAL);
	live_close(l->dst);

	/* The whole stream loads; more after its end is refused. */
	KUNIT_EXPECT_EQ(test, live_load(test, l, l->dst, l->len), l->len);
	KUNIT_EXPECT_NULL(test, live_set(l->dst, VFIO_DEVICE_STATE_RUNNING));
	live_close(l->dst);
	live_usable(test, l->dst);

	/* Aborted before the copy: back to RUNNING, the source goes on. */
	KUNIT_EXPECT_NULL(test, live_set(l->src, VFIO_DEVICE_STATE_RUNNING_P2P));
	KUNIT_EXPECT_NULL(test, live_set(l->src, VFIO_DEVICE_STATE_RUNNING));
	live_usable(test, l->src);
}

static struct kunit_case vaccel_migration_live_cases[] = {
	KUNIT_CASE(vaccel_migration_live_test_move),
	KUNIT_CASE(vaccel_migration_live_test_refusals),
	{ }
};

static struct kunit_suite vaccel_migration_live_suite = {
	.name = "vaccel_migration_live",
	.init = vaccel_migration_live_init,
	.exit = vaccel_migration_live_exit,
	.test_cases = vaccel_migration_live_cases,
};

kunit_test_suites(&vaccel_migration_suite, &vaccel_migration_live_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
