// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration through the VFIO migration v2 interface: every instance
 * supports STOP_COPY and RUNNING_P2P.
 *
 *  - RUNNING_P2P (and STOP, STOP_COPY, RESUMING): the engines stop taking
 *    the function's queues after the chunk in flight, which the arc waits
 *    for, and the instance's worker has delivered what it deferred; from
 *    then on the function touches no guest memory and raises nothing.  Its
 *    registers still answer: a doorbell moves TAIL and runs once the
 *    function runs again.  A command in flight stays in its queue's
 *    struct vaccel_job, as after a preemption.
 *  - STOP -> STOP_COPY opens a data session that streams the function's
 *    state: a header (what the stream is from), the records (config space,
 *    registers, MSI-X table, each queue with its command in flight), the
 *    device memory, and a trailer with a CRC-32C (docs/migration.md).
 *  - STOP -> RESUMING resets the function and opens a session that takes
 *    such a stream.  The stream is user input: the header must match this
 *    instance (type, memory, engines, identity) and is checked as soon as
 *    it has arrived, the records are decoded and checked as a descriptor
 *    is (a command in flight goes through vaccel_job_check()), device
 *    memory is written as it comes.  RESUMING -> STOP applies the state
 *    only if the whole stream arrived and its CRC matches; if not, or if
 *    a queue's ring cannot be pinned, the arc fails with EINVAL, the
 *    function is reset to its power-on state and the instance goes to
 *    ERROR, from which VFIO_DEVICE_RESET brings it back to RUNNING.
 *
 * A data session's file lives on after the instance is closed or reset:
 * ending a session marks it disabled under its own lock, and a disabled
 * session touches nothing of the instance again.
 */

#include <linux/anon_inodes.h>
#include <linux/crc32.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <asm/unaligned.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "vaccel.h"
#include "engine.h"
#include "migration.h"
#include "vfio.h"

#define VACCEL_MIG_REGS_CONTROL	VACCEL_CONTROL_ENABLE
#define VACCEL_MIG_REGS_STATUS	(VACCEL_STATUS_READY | VACCEL_STATUS_ENABLED)
#define VACCEL_MIG_REGS_INT	(VACCEL_INT_TEST | VACCEL_INT_ERROR | \
				 VACCEL_INT_QUEUES)

/* The stream's CRC: CRC-32C, not inverted, from ~0 (as exec.c's). */
static u32 vaccel_mig_crc(u32 crc, const void *buf, size_t len)
{
	return __crc32c_le(crc, buf, len);
}

/* Stream encoding: pure, for the data sessions and the KUnit suite. */

static u8 *vaccel_mig_put_rec(u8 *p, u32 type, u32 len)
{
	struct vaccel_mig_rec rec = {
		.type = cpu_to_le32(type),
		.len = cpu_to_le32(len),
	};

	memcpy(p, &rec, sizeof(rec));
	return p + sizeof(rec);
}

static void vaccel_mig_put_queue(struct vaccel_mig_queue *mq, unsigned int i,
				 const struct vaccel_queue_state *q)
{
	memset(mq, 0, sizeof(*mq));
	mq->index = cpu_to_le32(i);
	mq->flags = cpu_to_le32((q->enabled ? VACCEL_MIG_Q_ENABLED : 0) |
				(q->job_active ? VACCEL_MIG_Q_JOB : 0));
	mq->ring_size = cpu_to_le32(q->ring_size);
	mq->error = cpu_to_le32(q->error);
	mq->error_index = cpu_to_le32(q->error_index);
	mq->head = cpu_to_le32(q->head);
	mq->tail = cpu_to_le32(q->tail);
	mq->ring_iova = cpu_to_le64(q->ring_iova);
	mq->wb_iova = cpu_to_le64(q->wb_iova);
	mq->fence = cpu_to_le64(q->fence);
	if (!q->job_active)
		return;
	mq->job_opcode = cpu_to_le16(q->job.opcode);
	mq->job_flags = cpu_to_le16(q->job.flags);
	mq->job_len = cpu_to_le32(q->job.len);
	mq->job_src = cpu_to_le64(q->job.src);
	mq->job_src2 = cpu_to_le64(q->job.src2);
	mq->job_dst = cpu_to_le64(q->job.dst);
	mq->job_value = cpu_to_le64(q->job.value);
	mq->job_m = cpu_to_le32(q->job.m);
	mq->job_n = cpu_to_le32(q->job.n);
	mq->job_k = cpu_to_le32(q->job.k);
	mq->job_crc = cpu_to_le32(q->job.crc);
	mq->job_pos = cpu_to_le64(q->job.pos);
}

/* Bytes of the records of version 1. */
#define VACCEL_MIG_STATE_SIZE						\
	(sizeof(struct vaccel_mig_rec) * (3 + VACCEL_FN_QUEUES) +	\
	 PCI_CFG_SPACE_SIZE + sizeof(struct vaccel_mig_regs) +		\
	 sizeof_field(struct vaccel_mig_state, msix) +			\
	 sizeof(struct vaccel_mig_queue) * VACCEL_FN_QUEUES)

/**
 * vaccel_mig_encode_state() - the records of a function's state
 * @st: the state
 * @buf: where to write them
 * @size: room in @buf, at least VACCEL_MIG_MAX_STATE
 *
 * Return: bytes written.
 */
size_t vaccel_mig_encode_state(const struct vaccel_mig_state *st, u8 *buf,
			       size_t size)
{
	struct vaccel_mig_regs regs = {
		.control = cpu_to_le32(st->control),
		.status = cpu_to_le32(st->status),
		.int_cause = cpu_to_le32(st->int_cause),
		.int_mask = cpu_to_le32(st->int_mask),
		.scratch = cpu_to_le32(st->scratch),
	};
	struct vaccel_mig_queue mq;
	unsigned int i, v, w;
	__le32 *msix;
	u8 *p = buf;

	BUILD_BUG_ON(VACCEL_MIG_STATE_SIZE > VACCEL_MIG_MAX_STATE);
	if (WARN_ON(size < VACCEL_MIG_STATE_SIZE))
		return 0;
	p = vaccel_mig_put_rec(p, VACCEL_MIG_REC_CONFIG, PCI_CFG_SPACE_SIZE);
	memcpy(p, st->cfg, PCI_CFG_SPACE_SIZE);
	p += PCI_CFG_SPACE_SIZE;

	p = vaccel_mig_put_rec(p, VACCEL_MIG_REC_REGS, sizeof(regs));
	memcpy(p, &regs, sizeof(regs));
	p += sizeof(regs);

	p = vaccel_mig_put_rec(p, VACCEL_MIG_REC_MSIX, sizeof(st->msix));
	msix = (__le32 *)p;
	for (v = 0; v < VACCEL_MSIX_VECTORS; v++)
		for (w = 0; w < VACCEL_MSIX_ENTRY_SIZE / 4; w++)
			put_unaligned_le32(st->msix[v][w], msix++);
	p += sizeof(st->msix);

	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		p = vaccel_mig_put_rec(p, VACCEL_MIG_REC_QUEUE, sizeof(mq));
		vaccel_mig_put_queue(&mq, i, &st->queue[i]);
		memcpy(p, &mq, sizeof(mq));
		p += sizeof(mq);
	}
	return p - buf;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_mig_encode_state);

/**
 * vaccel_mig_fill_header() - the header of a stream from an instance
 * @hdr: filled in
 * @t: the instance, as a stream names it
 * @state_size: bytes of records that follow
 */
void vaccel_mig_fill_header(struct vaccel_mig_header *hdr,
			    const struct vaccel_mig_target *t, u32 state_size)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = cpu_to_le32(VACCEL_MIG_MAGIC);
	hdr->version = cpu_to_le16(VACCEL_MIG_VERSION);
	hdr->header_size = cpu_to_le16(sizeof(*hdr));
	hdr->state_size = cpu_to_le32(state_size);
	hdr->slots = cpu_to_le32(t->slots);
	hdr->mem_size = cpu_to_le64(t->mem_size);
	hdr->engines = cpu_to_le32(t->engines);
	hdr->queues = cpu_to_le32(VACCEL_FN_QUEUES);
	hdr->vendor = cpu_to_le16(t->vendor);
	hdr->device = cpu_to_le16(t->device);
	hdr->msix_vectors = cpu_to_le32(VACCEL_MSIX_VECTORS);
	strscpy(hdr->type_name, t->type_name, sizeof(hdr->type_name));
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_mig_fill_header);

/**
 * vaccel_mig_check_header() - may this stream be loaded into @t?
 * @hdr: the stream's header (user input)
 * @t: the instance loading it
 *
 * Return: NULL, or why not.
 */
const char *vaccel_mig_check_header(const struct vaccel_mig_header *hdr,
				    const struct vaccel_mig_target *t)
{
	u32 state_size = le32_to_cpu(hdr->state_size);

	if (le32_to_cpu(hdr->magic) != VACCEL_MIG_MAGIC)
		return "not a vaccel migration stream (bad magic)";
	if (le16_to_cpu(hdr->version) != VACCEL_MIG_VERSION)
		return "stream version not supported (this driver reads version 1)";
	if (le16_to_cpu(hdr->header_size) != sizeof(*hdr) ||
	    hdr->reserved[0] || hdr->reserved[1] ||
	    strnlen(hdr->type_name, sizeof(hdr->type_name)) ==
	    sizeof(hdr->type_name))
		return "malformed header";
	if (state_size < sizeof(struct vaccel_mig_rec) ||
	    state_size > VACCEL_MIG_MAX_STATE)
		return "state records of an impossible size";
	if (le32_to_cpu(hdr->slots) != t->slots)
		return "the stream is from another type";
	if (le64_to_cpu(hdr->mem_size) != t->mem_size)
		return "the stream's device memory is not this instance's size";
	if (le32_to_cpu(hdr->engines) != t->engines)
		return "the stream is from a card with other engines (ENGINES would change)";
	if (le32_to_cpu(hdr->queues) != VACCEL_FN_QUEUES ||
	    le32_to_cpu(hdr->msix_vectors) != VACCEL_MSIX_VECTORS)
		return "the stream's function has other queues or MSI-X vectors";
	if (le16_to_cpu(hdr->vendor) != t->vendor ||
	    le16_to_cpu(hdr->device) != t->device)
		return "the stream's function has another PCI ID";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_mig_check_header);

static const char *vaccel_mig_get_queue(const struct vaccel_mig_queue *mq,
					u64 mem_size,
					struct vaccel_queue_state *q)
{
	u32 flags = le32_to_cpu(mq->flags);

	if (flags & ~(VACCEL_MIG_Q_ENABLED | VACCEL_MIG_Q_JOB) || mq->reserved)
		return "queue record with unknown flags";
	q->enabled = flags & VACCEL_MIG_Q_ENABLED;
	q->job_active = flags & VACCEL_MIG_Q_JOB;
	q->ring_size = le32_to_cpu(mq->ring_size);
	q->error = le32_to_cpu(mq->error);
	q->error_index = le32_to_cpu(mq->error_index);
	q->head = le32_to_cpu(mq->head);
	q->tail = le32_to_cpu(mq->tail);
	q->ring_iova = le64_to_cpu(mq->ring_iova);
	q->wb_iova = le64_to_cpu(mq->wb_iova);
	q->fence = le64_to_cpu(mq->fence);
	memset(&q->job, 0, sizeof(q->job));
	if (q->job_active) {
		q->job.opcode = le16_to_cpu(mq->job_opcode);
		q->job.flags = le16_to_cpu(mq->job_flags);
		q->job.len = le32_to_cpu(mq->job_len);
		q->job.src = le64_to_cpu(mq->job_src);
		q->job.src2 = le64_to_cpu(mq->job_src2);
		q->job.dst = le64_to_cpu(mq->job_dst);
		q->job.value = le64_to_cpu(mq->job_value);
		q->job.m = le32_to_cpu(mq->job_m);
		q->job.n = le32_to_cpu(mq->job_n);
		q->job.k = le32_to_cpu(mq->job_k);
		q->job.crc = le32_to_cpu(mq->job_crc);
		q->job.pos = le64_to_cpu(mq->job_pos);
	}
	return vaccel_queue_state_check(q, mem_size);
}

static const char *vaccel_mig_get_regs(const struct vaccel_mig_regs *regs,
				       struct vaccel_mig_state *st)
{
	st->control = le32_to_cpu(regs->control);
	st->status = le32_to_cpu(regs->status);
	st->int_cause = le32_to_cpu(regs->int_cause);
	st->int_mask = le32_to_cpu(regs->int_mask);
	st->scratch = le32_to_cpu(regs->scratch);
	if (st->control & ~VACCEL_MIG_REGS_CONTROL ||
	    st->status & ~VACCEL_MIG_REGS_STATUS ||
	    st->int_cause & ~VACCEL_MIG_REGS_INT ||
	    st->int_mask & ~VACCEL_MIG_REGS_INT || regs->reserved)
		return "registers with bits no function has";
	return NULL;
}

/**
 * vaccel_mig_decode_state() - decode and check the records of a stream
 * @buf: the records (user input)
 * @len: their length
 * @mem_size: device memory of the instance loading them
 * @st: filled in
 *
 * Each record must come once (each queue once), with the length of its
 * type; nothing may be left over; every value must be one a function can
 * have (vaccel_queue_state_check() for the queues).
 *
 * Return: NULL, or what is wrong.
 */
const char *vaccel_mig_decode_state(const u8 *buf, size_t len, u64 mem_size,
				    struct vaccel_mig_state *st)
{
	unsigned long seen = 0;
	const u8 *p = buf, *end = buf + len;
	unsigned int v, w;
	const char *why;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		struct vaccel_mig_rec rec;
		struct vaccel_mig_queue mq;
		struct vaccel_mig_regs regs;
		u32 type, rlen, idx;

		if (end - p < sizeof(rec))
			return "truncated record header";
		memcpy(&rec, p, sizeof(rec));
		p += sizeof(rec);
		type = le32_to_cpu(rec.type);
		rlen = le32_to_cpu(rec.len);
		if (rlen > end - p)
			return "record longer than the state";
		switch (type) {
		case VACCEL_MIG_REC_CONFIG:
			if (rlen != PCI_CFG_SPACE_SIZE)
				return "config record of the wrong size";
			memcpy(st->cfg, p, rlen);
			break;
		case VACCEL_MIG_REC_REGS:
			if (rlen != sizeof(regs))
				return "register record of the wrong size";
			memcpy(&regs, p, rlen);
			why = vaccel_mig_get_regs(&regs, st);
			if (why)
				return why;
			break;
		case VACCEL_MIG_REC_MSIX:
			if (rlen != sizeof(st->msix))
				return "MSI-X record of the wrong size";
			for (v = 0; v < VACCEL_MSIX_VECTORS; v++)
				for (w = 0; w < VACCEL_MSIX_ENTRY_SIZE / 4; w++)
					st->msix[v][w] = get_unaligned_le32(p +
						(v * VACCEL_MSIX_ENTRY_SIZE / 4 + w) * 4);
			break;
		case VACCEL_MIG_REC_QUEUE:
			if (rlen != sizeof(mq))
				return "queue record of the wrong size";
			memcpy(&mq, p, rlen);
			idx = le32_to_cpu(mq.index);
			if (idx >= VACCEL_FN_QUEUES)
				return "queue record for a queue the function does not have";
			if (seen & BIT(VACCEL_MIG_REC_QUEUE + 1 + idx))
				return "queue recorded twice";
			seen |= BIT(VACCEL_MIG_REC_QUEUE + 1 + idx);
			why = vaccel_mig_get_queue(&mq, mem_size,
						   &st->queue[idx]);
			if (why)
				return why;
			break;
		default:
			return "unknown record type";
		}
		if (type != VACCEL_MIG_REC_QUEUE) {
			if (seen & BIT(type))
				return "record repeated";
			seen |= BIT(type);
		}
		p += rlen;
	}
	if (seen != (BIT(VACCEL_MIG_REC_CONFIG) | BIT(VACCEL_MIG_REC_REGS) |
		     BIT(VACCEL_MIG_REC_MSIX) |
		     GENMASK(VACCEL_MIG_REC_QUEUE + VACCEL_FN_QUEUES,
			     VACCEL_MIG_REC_QUEUE + 1)))
		return "a record is missing";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_mig_decode_state);

/* The instance's side: what is saved and how it is applied. */

static void vaccel_mig_target_of(struct vaccel_instance *inst,
				 struct vaccel_mig_target *t)
{
	t->slots = inst->type->slots;
	t->type_name = inst->type->pretty_name;
	t->mem_size = inst->mem_size;
	t->engines = inst->card->engines;
	t->vendor = inst->card->vf_vendor;
	t->device = inst->card->vf_device;
}

/* Context: instance lock held, the function stopped. */
static void vaccel_mig_capture(struct vaccel_instance *inst,
			       struct vaccel_mig_state *st)
{
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	memcpy(st->cfg, inst->vf.cfg.data, PCI_CFG_SPACE_SIZE);
	st->control = inst->vf.control;
	st->status = inst->vf.status;
	st->int_cause = inst->vf.int_cause;
	st->int_mask = inst->vf.int_mask;
	st->scratch = inst->vf.scratch;
	memcpy(st->msix, inst->vf.msix, sizeof(st->msix));
	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		vaccel_queue_save(&inst->queues[i], &st->queue[i]);
}

/*
 * Give a freshly reset function a checked state.  Configuration space
 * takes the bits a user may write (and the RW1C status bits); the rest is
 * this function's own, which the header check found to be the same kind
 * of function.  Context: instance lock held, the function stopped.
 */
static const char *vaccel_mig_apply(struct vaccel_instance *inst,
				    const struct vaccel_mig_state *st)
{
	struct vaccel_cfg *cfg = &inst->vf.cfg;
	unsigned int i;
	const char *why;

	lockdep_assert_held(&inst->lock);
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i++) {
		u8 w = cfg->wmask[i] | cfg->w1c[i];

		cfg->data[i] = (cfg->data[i] & ~w) | (st->cfg[i] & w);
	}
	inst->vf.control = st->control;
	inst->vf.status = st->status;
	inst->vf.int_cause = st->int_cause;
	inst->vf.int_mask = st->int_mask;
	inst->vf.scratch = st->scratch;
	memcpy(inst->vf.msix, st->msix, sizeof(st->msix));
	WRITE_ONCE(inst->bus_master, vaccel_cfg_read16(cfg, PCI_COMMAND) &
				     PCI_COMMAND_MASTER);
	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		why = vaccel_queue_restore(&inst->queues[i], &st->queue[i]);
		if (why)
			return why;
	}
	return NULL;
}

/* Data sessions. */

/**
 * struct vaccel_mig_file - one data session (the data_fd of VFIO)
 * @filp: its file
 * @lock: protects everything below; taken under vaccel_mig.lock, never
 *	the other way round
 * @inst: the instance; not touched once @disabled
 * @disabled: the session ended (state change, reset, close): reads and
 *	writes fail with ENODEV
 * @resuming: a RESUMING session (written), else STOP_COPY (read)
 * @buf: the header and the records
 * @buf_len: bytes of them (saving), or the room in @buf (resuming)
 * @bounce: a page for device memory
 * @pos: bytes of the stream read or written so far
 * @mem_start: offset of the device memory in the stream
 * @total: offset of the trailer
 * @crc: CRC-32C of the bytes before @pos (up to @total)
 * @trailer: the trailer, built (saving) or arriving (resuming)
 * @state: resuming: the records, decoded and checked
 * @have_state: @state is valid
 * @complete: resuming: the trailer arrived and matched
 * @error: resuming: why the stream was refused; every later write fails
 */
struct vaccel_mig_file {
	struct file *filp;
	struct mutex lock;	/* all below */
	struct vaccel_instance *inst;
	bool disabled;
	bool resuming;
	u8 *buf;
	size_t buf_len;
	void *bounce;
	u64 pos;
	u64 mem_start;
	u64 total;
	u32 crc;
	struct vaccel_mig_trailer trailer;
	struct vaccel_mig_state state;
	bool have_state;
	bool complete;
	const char *error;
};

static void vaccel_mig_file_free(struct vaccel_mig_file *migf)
{
	kvfree(migf->buf);
	free_page((unsigned long)migf->bounce);
	mutex_destroy(&migf->lock);
	kfree(migf);
}

static int vaccel_mig_release(struct inode *inode, struct file *filp)
{
	vaccel_mig_file_free(filp->private_data);
	return 0;
}

/* Copy what @to takes of the region [@start, @end) of the stream. */
static ssize_t vaccel_mig_read_buf(struct vaccel_mig_file *migf,
				   struct iov_iter *to, const void *src,
				   u64 start, u64 end)
{
	size_t n = min_t(u64, iov_iter_count(to), end - migf->pos);

	if (copy_to_iter(src + (migf->pos - start), n, to) != n)
		return -EFAULT;
	migf->pos += n;
	return n;
}

static ssize_t vaccel_mig_read_mem(struct vaccel_mig_file *migf,
				   struct iov_iter *to)
{
	struct vaccel_instance *inst = migf->inst;
	u64 off = migf->pos - migf->mem_start;
	size_t n = min_t(u64, iov_iter_count(to), migf->total - migf->pos);

	n = min_t(size_t, n, PAGE_SIZE - offset_in_page(off));
	vaccel_hw_mem_access(inst->card, inst->mem_offset + off, migf->bounce,
			     n, false);
	if (copy_to_iter(migf->bounce, n, to) != n)
		return -EFAULT;
	migf->crc = vaccel_mig_crc(migf->crc, migf->bounce, n);
	migf->pos += n;
	if (migf->pos == migf->total) {
		migf->trailer.crc = cpu_to_le32(migf->crc);
		migf->trailer.total = cpu_to_le64(migf->total);
		migf->trailer.magic = cpu_to_le32(VACCEL_MIG_END_MAGIC);
	}
	return n;
}

static ssize_t vaccel_mig_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct vaccel_mig_file *migf = iocb->ki_filp->private_data;
	u64 end = migf->total + sizeof(migf->trailer);
	ssize_t done = 0, n = 0;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		done = -ENODEV;
		goto out;
	}
	while (iov_iter_count(to) && migf->pos < end) {
		if (migf->pos < migf->mem_start)
			n = vaccel_mig_read_buf(migf, to, migf->buf, 0,
						migf->mem_start);
		else if (migf->pos < migf->total)
			n = vaccel_mig_read_mem(migf, to);
		else
			n = vaccel_mig_read_buf(migf, to, &migf->trailer,
						migf->total, end);
		if (n < 0)
			break;
		done += n;
		cond_resched();
	}
	if (!done && n < 0)
		done = n;
out:
	mutex_unlock(&migf->lock);
	return done;
}

/* Refuse the stream: say why once, fail this and every later write. */
static ssize_t vaccel_mig_refuse(struct vaccel_mig_file *migf,
				 const char *why)
{
	migf->error = why;
	vaccel_inst_warn(migf->inst,
			 "migration stream refused at byte %llu: %s\n",
			 migf->pos, why);
	return -EINVAL;
}

/* Header and records arrive into @buf; each is checked when complete. */
static ssize_t vaccel_mig_write_buf(struct vaccel_mig_file *migf,
				    struct iov_iter *from)
{
	struct vaccel_mig_header *hdr = (void *)migf->buf;
	u64 end = migf->pos < sizeof(*hdr) ? sizeof(*hdr) : migf->mem_start;
	size_t n = min_t(u64, iov_iter_count(from), end - migf->pos);
	struct vaccel_mig_target t;
	const char *why;

	if (copy_from_iter(migf->buf + migf->pos, n, from) != n)
		return -EFAULT;
	migf->crc = vaccel_mig_crc(migf->crc, migf->buf + migf->pos, n);
	migf->pos += n;
	if (migf->pos != end)
		return n;

	if (end == sizeof(*hdr)) {
		vaccel_mig_target_of(migf->inst, &t);
		why = vaccel_mig_check_header(hdr, &t);
		if (why) {
			vaccel_inst_warn(migf->inst,
					 "migration stream from '%.16s' (%u slots, %llu bytes of device memory, %u engines) into %s (%u slots, %llu bytes, %u engines)\n",
					 hdr->type_name,
					 le32_to_cpu(hdr->slots),
					 le64_to_cpu(hdr->mem_size),
					 le32_to_cpu(hdr->engines),
					 t.type_name, t.slots, t.mem_size,
					 t.engines);
			return vaccel_mig_refuse(migf, why);
		}
		migf->mem_start = sizeof(*hdr) + le32_to_cpu(hdr->state_size);
		migf->total = migf->mem_start + migf->inst->mem_size;
		return n;
	}
	why = vaccel_mig_decode_state(migf->buf + sizeof(*hdr),
				      migf->mem_start - sizeof(*hdr),
				      migf->inst->mem_size, &migf->state);
	if (why)
		return vaccel_mig_refuse(migf, why);
	migf->have_state = true;
	return n;
}

static ssize_t vaccel_mig_write_mem(struct vaccel_mig_file *migf,
				    struct iov_iter *from)
{
	struct vaccel_instance *inst = migf->inst;
	u64 off = migf->pos - migf->mem_start;
	size_t n = min_t(u64, iov_iter_count(from), migf->total - migf->pos);

	n = min_t(size_t, n, PAGE_SIZE - offset_in_page(off));
	if (copy_from_iter(migf->bounce, n, from) != n)
		return -EFAULT;
	vaccel_hw_mem_access(inst->card, inst->mem_offset + off, migf->bounce,
			     n, true);
	migf->crc = vaccel_mig_crc(migf->crc, migf->bounce, n);
	migf->pos += n;
	return n;
}

static ssize_t vaccel_mig_write_trailer(struct vaccel_mig_file *migf,
					struct iov_iter *from)
{
	u64 end = migf->total + sizeof(migf->trailer);
	size_t n = min_t(u64, iov_iter_count(from), end - migf->pos);

	if (copy_from_iter((u8 *)&migf->trailer + (migf->pos - migf->total),
			   n, from) != n)
		return -EFAULT;
	migf->pos += n;
	if (migf->pos != end)
		return n;
	if (le32_to_cpu(migf->trailer.magic) != VACCEL_MIG_END_MAGIC ||
	    le64_to_cpu(migf->trailer.total) != migf->total)
		return vaccel_mig_refuse(migf, "malformed trailer");
	if (le32_to_cpu(migf->trailer.crc) != migf->crc)
		return vaccel_mig_refuse(migf, "CRC-32C mismatch: the stream was corrupted");
	migf->complete = true;
	return n;
}

static ssize_t vaccel_mig_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct vaccel_mig_file *migf = iocb->ki_filp->private_data;
	ssize_t done = 0, n = 0;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		done = -ENODEV;
		goto out;
	}
	if (migf->error) {
		done = -EINVAL;
		goto out;
	}
	while (iov_iter_count(from)) {
		if (migf->complete) {
			n = vaccel_mig_refuse(migf, "data after the end of the stream");
			break;
		}
		if (migf->pos < sizeof(struct vaccel_mig_header) ||
		    migf->pos < migf->mem_start)
			n = vaccel_mig_write_buf(migf, from);
		else if (migf->pos < migf->total)
			n = vaccel_mig_write_mem(migf, from);
		else
			n = vaccel_mig_write_trailer(migf, from);
		if (n < 0)
			break;
		done += n;
		cond_resched();
	}
	/* A refusal fails the write, even after bytes were taken. */
	if (n < 0 && (n != -EFAULT || !done))
		done = n;
out:
	mutex_unlock(&migf->lock);
	return done;
}

static const struct file_operations vaccel_mig_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= vaccel_mig_read,
	.write_iter	= vaccel_mig_write,
	.release	= vaccel_mig_release,
	.llseek		= no_llseek,
};

/*
 * A new session.  The instance keeps a reference on the file until the
 * session ends; the caller's reference goes to the VFIO core, which
 * installs it as the data_fd.
 */
static struct vaccel_mig_file *vaccel_mig_file_new(struct vaccel_instance *inst,
						   bool resuming)
{
	struct vaccel_mig_file *migf;
	int flags = resuming ? O_WRONLY : O_RDONLY;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&migf->lock);
	migf->inst = inst;
	migf->resuming = resuming;
	migf->crc = ~0U;
	migf->buf_len = sizeof(struct vaccel_mig_header) + VACCEL_MIG_MAX_STATE;
	migf->buf = kvzalloc(migf->buf_len, GFP_KERNEL);
	migf->bounce = (void *)__get_free_page(GFP_KERNEL);
	if (!migf->buf || !migf->bounce)
		goto err_free;
	migf->filp = anon_inode_getfile("vaccel_mig", &vaccel_mig_fops, migf,
					flags);
	if (IS_ERR(migf->filp)) {
		struct file *err = migf->filp;

		vaccel_mig_file_free(migf);
		return ERR_CAST(err);
	}
	stream_open(migf->filp->f_inode, migf->filp);
	return migf;

err_free:
	vaccel_mig_file_free(migf);
	return ERR_PTR(-ENOMEM);
}

/* STOP -> STOP_COPY: the stream of the stopped function. */
static struct vaccel_mig_file *vaccel_mig_save(struct vaccel_instance *inst)
{
	struct vaccel_mig_header *hdr;
	struct vaccel_mig_file *migf;
	struct vaccel_mig_target t;
	size_t len;

	migf = vaccel_mig_file_new(inst, false);
	if (IS_ERR(migf))
		return migf;
	mutex_lock(&inst->lock);
	vaccel_mig_capture(inst, &migf->state);
	mutex_unlock(&inst->lock);

	hdr = (void *)migf->buf;
	len = vaccel_mig_encode_state(&migf->state, migf->buf + sizeof(*hdr),
				      VACCEL_MIG_MAX_STATE);
	vaccel_mig_target_of(inst, &t);
	vaccel_mig_fill_header(hdr, &t, len);
	migf->mem_start = sizeof(*hdr) + len;
	migf->total = migf->mem_start + inst->mem_size;
	migf->crc = vaccel_mig_crc(migf->crc, migf->buf, migf->mem_start);
	return migf;
}

/* End the instance's session, if any.  Context: mig.lock held. */
static void vaccel_mig_end_session(struct vaccel_instance *inst)
{
	struct vaccel_mig_file *migf = inst->mig.file;

	lockdep_assert_held(&inst->mig.lock);
	if (!migf)
		return;
	mutex_lock(&migf->lock);
	migf->disabled = true;
	mutex_unlock(&migf->lock);
	inst->mig.file = NULL;
	fput(migf->filp);
}

/*
 * The engines leave the function: no engine takes one of its queues any
 * more, the chunks in flight end and their engines let go of the queues
 * after raising their last interrupts, and the worker delivers what it
 * deferred.
 */
static void vaccel_mig_quiesce(struct vaccel_instance *inst)
{
	mutex_lock(&inst->lock);
	WRITE_ONCE(inst->mig.stopped, true);
	mutex_unlock(&inst->lock);
	vaccel_engine_inst_quiesce(inst);
	flush_work(&inst->dma.work);
}

static void vaccel_mig_resume(struct vaccel_instance *inst)
{
	mutex_lock(&inst->lock);
	WRITE_ONCE(inst->mig.stopped, false);
	if (inst->bus_master)
		vaccel_queues_kick(inst);
	mutex_unlock(&inst->lock);
}

/* RESUMING -> STOP: the state arrived whole; apply it, or reset. */
static int vaccel_mig_load(struct vaccel_instance *inst)
{
	struct vaccel_mig_file *migf = inst->mig.file;
	const char *why = NULL;
	int ret = 0;

	mutex_lock(&migf->lock);
	if (migf->error) {
		why = migf->error;
	} else if (!migf->complete) {
		vaccel_inst_warn(inst,
				 "migration stream incomplete: %llu bytes arrived, %llu expected\n",
				 migf->pos, migf->total ?
				 migf->total + sizeof(migf->trailer) : 0);
		why = "incomplete stream";
	}
	mutex_unlock(&migf->lock);

	mutex_lock(&inst->lock);
	if (!why) {
		why = vaccel_mig_apply(inst, &migf->state);
		if (why)
			vaccel_inst_warn(inst,
					 "migration state not loaded: %s\n",
					 why);
	}
	if (why) {
		vaccel_vfio_reset_locked(inst);
		ret = -EINVAL;
	}
	mutex_unlock(&inst->lock);
	if (ret)
		vaccel_vfio_quiesce(inst);
	return ret;
}

/* One arc of the state machine.  Context: mig.lock held. */
static struct file *vaccel_mig_step(struct vaccel_instance *inst,
				    enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = inst->mig.state;
	struct vaccel_mig_file *migf;
	int ret;

	if (cur == VFIO_DEVICE_STATE_RUNNING &&
	    next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		vaccel_mig_quiesce(inst);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	    next == VFIO_DEVICE_STATE_RUNNING) {
		vaccel_mig_resume(inst);
		return NULL;
	}
	if ((cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	     next == VFIO_DEVICE_STATE_STOP) ||
	    (cur == VFIO_DEVICE_STATE_STOP &&
	     next == VFIO_DEVICE_STATE_RUNNING_P2P))
		return NULL;
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_STOP_COPY) {
		migf = vaccel_mig_save(inst);
		if (IS_ERR(migf))
			return ERR_CAST(migf);
		get_file(migf->filp);
		inst->mig.file = migf;
		return migf->filp;
	}
	if (cur == VFIO_DEVICE_STATE_STOP_COPY &&
	    next == VFIO_DEVICE_STATE_STOP) {
		vaccel_mig_end_session(inst);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_RESUMING) {
		migf = vaccel_mig_file_new(inst, true);
		if (IS_ERR(migf))
			return ERR_CAST(migf);
		/* Whatever the function held goes; the stream brings all. */
		mutex_lock(&inst->lock);
		vaccel_vfio_reset_locked(inst);
		mutex_unlock(&inst->lock);
		vaccel_vfio_quiesce(inst);
		get_file(migf->filp);
		inst->mig.file = migf;
		return migf->filp;
	}
	if (cur == VFIO_DEVICE_STATE_RESUMING &&
	    next == VFIO_DEVICE_STATE_STOP) {
		ret = vaccel_mig_load(inst);
		vaccel_mig_end_session(inst);
		return ret ? ERR_PTR(ret) : NULL;
	}
	return ERR_PTR(-EINVAL);
}

static struct file *
vaccel_mig_set_state(struct vfio_device *vdev,
		     enum vfio_device_mig_state new_state)
{
	struct vaccel_instance *inst =
		container_of(vdev, struct vaccel_instance, vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&inst->mig.lock);
	while (inst->mig.state != new_state) {
		ret = vfio_mig_get_next_state(vdev, inst->mig.state, new_state,
					      &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = vaccel_mig_step(inst, next);
		if (IS_ERR(res)) {
			/* A failed load leaves a reset function: ERROR. */
			if (inst->mig.state == VFIO_DEVICE_STATE_RESUMING)
				inst->mig.state = VFIO_DEVICE_STATE_ERROR;
			break;
		}
		inst->mig.state = next;
		if (WARN_ON(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&inst->mig.lock);
	return res;
}

static int vaccel_mig_get_state(struct vfio_device *vdev,
				enum vfio_device_mig_state *state)
{
	struct vaccel_instance *inst =
		container_of(vdev, struct vaccel_instance, vdev);

	mutex_lock(&inst->mig.lock);
	*state = inst->mig.state;
	mutex_unlock(&inst->mig.lock);
	return 0;
}

const struct vfio_migration_ops vaccel_mig_ops = {
	.migration_set_state	= vaccel_mig_set_state,
	.migration_get_state	= vaccel_mig_get_state,
};

/**
 * vaccel_mig_init() - an instance starts RUNNING, with no session
 * @inst: the instance, from its vfio_device init
 */
void vaccel_mig_init(struct vaccel_instance *inst)
{
	mutex_init(&inst->mig.lock);
	inst->mig.state = VFIO_DEVICE_STATE_RUNNING;
	inst->vdev.mig_ops = &vaccel_mig_ops;
	inst->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
				     VFIO_MIGRATION_P2P;
}

/**
 * vaccel_mig_fini() - undo vaccel_mig_init()
 * @inst: the instance, from its vfio_device release
 */
void vaccel_mig_fini(struct vaccel_instance *inst)
{
	mutex_destroy(&inst->mig.lock);
}

/**
 * vaccel_mig_reset() - back to RUNNING: VFIO_DEVICE_RESET, or the close
 * @inst: the instance, whose function the caller resets
 *
 * Ends the session in progress and lets the engines run the function
 * again.  Context: no instance lock held (takes mig.lock, then the
 * instance lock).
 */
void vaccel_mig_reset(struct vaccel_instance *inst)
{
	mutex_lock(&inst->mig.lock);
	vaccel_mig_end_session(inst);
	inst->mig.state = VFIO_DEVICE_STATE_RUNNING;
	mutex_lock(&inst->lock);
	WRITE_ONCE(inst->mig.stopped, false);
	mutex_unlock(&inst->lock);
	mutex_unlock(&inst->mig.lock);
}
