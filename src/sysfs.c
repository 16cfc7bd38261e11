// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs attributes of vaccel: a card's "vaccel" directory (identity,
 * slots in use, scheduler tunables) and an instance's "vaccel" directory
 * (slice, resets, engine and scheduler counters, weight, per-queue
 * progress and latency).  The types'
 * own attributes (available_instances, description...) are the mdev
 * core's, filled in by mdev.c.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "vaccel.h"
#include "card.h"
#include "sysfs.h"

/* How much of an operator's sysfs write to quote in a log line. */
static int vaccel_input_len(const char *buf, size_t count)
{
	return min_t(size_t, strcspn(buf, "\n"), min_t(size_t, count, 32));
}

/* Card attributes, in the "vaccel" directory of the parent device. */

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vaccel_card *card = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", card->ops->name);
}
static DEVICE_ATTR_RO(backend);

static ssize_t engines_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vaccel_card *card = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", card->engines);
}
static DEVICE_ATTR_RO(engines);

/* A card and an instance both have memory_size: this is the card's. */
static ssize_t card_memory_size_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct vaccel_card *card = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", card->mem_size);
}

static struct device_attribute dev_attr_card_memory_size =
	__ATTR(memory_size, 0444, card_memory_size_show, NULL);

static ssize_t slots_used_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vaccel_card *card = dev_get_drvdata(dev);
	unsigned long map = vaccel_card_slots_used(card);

	return sysfs_emit(buf, "%*pbl\n", VACCEL_CARD_SLOTS, &map);
}
static DEVICE_ATTR_RO(slots_used);

/*
 * Scheduler tunables (docs/scheduler.md).  They take effect at once, on
 * engines that are running too.
 */
static ssize_t policy_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vaccel_card *card = dev_get_drvdata(dev);
	enum vaccel_sched_policy cur, p;
	int n = 0;

	spin_lock(&card->run_lock);
	cur = card->sched.policy;
	spin_unlock(&card->run_lock);
	for (p = 0; p < VACCEL_SCHED_NR_POLICIES; p++)
		n += sysfs_emit_at(buf, n, p == cur ? "%s[%s]" : "%s%s",
				   p ? " " : "", vaccel_sched_policy_name(p));
	return n + sysfs_emit_at(buf, n, "\n");
}

static ssize_t policy_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct vaccel_card *card = dev_get_drvdata(dev);
	int p = vaccel_sched_policy_parse(buf);

	if (p < 0) {
		dev_warn_ratelimited(dev,
				     "policy: '%.*s' is not one of best_effort, fixed_share, equal_share, rr, gvt, static, static_lend\n",
				     vaccel_input_len(buf, count), buf);
		return p;
	}
	spin_lock(&card->run_lock);
	p = vaccel_sched_set_policy(&card->sched, p, ktime_get_ns());
	spin_unlock(&card->run_lock);
	return p ?: count;
}
static DEVICE_ATTR_RW(policy);

static ssize_t slice_us_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vaccel_card *card = dev_get_drvdata(dev);
	u64 ns;

	spin_lock(&card->run_lock);
	ns = card->sched.slice_ns;
	spin_unlock(&card->run_lock);
	return sysfs_emit(buf, "%llu\n", div_u64(ns, NSEC_PER_USEC));
}

static ssize_t slice_us_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct vaccel_card *card = dev_get_drvdata(dev);
	unsigned int us;
	int ret;

	ret = kstrtouint(buf, 0, &us);
	if (!ret) {
		spin_lock(&card->run_lock);
		ret = vaccel_sched_set_slice(&card->sched,
					     (u64)us * NSEC_PER_USEC);
		spin_unlock(&card->run_lock);
	}
	if (ret) {
		dev_warn_ratelimited(dev,
				     "slice_us: '%.*s' refused: microseconds from %llu to %llu\n",
				     vaccel_input_len(buf, count), buf,
				     VACCEL_SCHED_SLICE_MIN / NSEC_PER_USEC,
				     VACCEL_SCHED_SLICE_MAX / NSEC_PER_USEC);
		return ret == -ERANGE ? -EINVAL : ret;
	}
	return count;
}
static DEVICE_ATTR_RW(slice_us);

static ssize_t drain_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  vaccel_card_draining(dev_get_drvdata(dev)));
}

static ssize_t drain_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct vaccel_card *card = dev_get_drvdata(dev);
	bool drain;
	int ret;

	ret = kstrtobool(buf, &drain);
	if (ret) {
		dev_warn_ratelimited(dev, "drain: '%.*s' is not 0 or 1\n",
				     vaccel_input_len(buf, count), buf);
		return ret;
	}
	if (drain != vaccel_card_draining(card))
		dev_info(dev, "%s: new instances are %s\n",
			 drain ? "draining" : "drain ended",
			 drain ? "refused" : "accepted again");
	vaccel_card_set_drain(card, drain);
	return count;
}
static DEVICE_ATTR_RW(drain);

static struct attribute *vaccel_card_attrs[] = {
	&dev_attr_backend.attr,
	&dev_attr_engines.attr,
	&dev_attr_card_memory_size.attr,
	&dev_attr_slots_used.attr,
	&dev_attr_policy.attr,
	&dev_attr_slice_us.attr,
	&dev_attr_drain.attr,
	NULL
};

static const struct attribute_group vaccel_card_group = {
	.name	= "vaccel",
	.attrs	= vaccel_card_attrs,
};

const struct attribute_group *vaccel_card_groups[] = {
	&vaccel_card_group,
	NULL
};

/* Per-instance attributes, in the "vaccel" directory of the mdev device. */

static struct vaccel_instance *vaccel_dev_to_inst(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t slots_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	unsigned long mask = vaccel_inst_slot_mask(vaccel_dev_to_inst(dev));

	return sysfs_emit(buf, "%*pbl\n", VACCEL_CARD_SLOTS, &mask);
}
static DEVICE_ATTR_RO(slots);

/*
 * "PID COMM" of the process that has the instance open (the VMM), or an
 * empty line: who holds what, for the operator (vaccelctl list).
 */
static ssize_t holder_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	ssize_t n;

	mutex_lock(&inst->lock);
	if (inst->holder)
		n = sysfs_emit(buf, "%d %s\n", pid_nr(inst->holder),
			       inst->holder_comm);
	else
		n = sysfs_emit(buf, "\n");
	mutex_unlock(&inst->lock);
	return n;
}
static DEVICE_ATTR_RO(holder);

static ssize_t memory_offset_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#llx\n", vaccel_dev_to_inst(dev)->mem_offset);
}
static DEVICE_ATTR_RO(memory_offset);

static ssize_t memory_size_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", vaccel_dev_to_inst(dev)->mem_size);
}
static DEVICE_ATTR_RO(memory_size);

static ssize_t resets_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	u64 n;

	mutex_lock(&inst->lock);
	n = inst->stats.resets;
	mutex_unlock(&inst->lock);
	return sysfs_emit(buf, "%llu\n", n);
}
static DEVICE_ATTR_RO(resets);

/*
 * Counters, one file each: an attribute and where its value is in the
 * struct its show method reads.
 */
struct vaccel_offset_attr {
	struct device_attribute attr;
	size_t offset;
};

#define VACCEL_OFFSET_ATTR(_name, _show, _type, _field) {		\
	.attr = __ATTR(_name, 0444, _show, NULL),			\
	.offset = offsetof(_type, _field),				\
}

static size_t vaccel_attr_offset(struct device_attribute *attr)
{
	return container_of(attr, struct vaccel_offset_attr, attr)->offset;
}

/* The engines' counters (docs/design.md, "Statistics"): an atomic64_t each. */

static ssize_t vaccel_stat_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	char *stats = (char *)&vaccel_dev_to_inst(dev)->stats;

	return sysfs_emit(buf, "%lld\n",
			  atomic64_read((atomic64_t *)(stats +
						       vaccel_attr_offset(attr))));
}

#define VACCEL_STAT_ATTR(_name, _field)					\
	VACCEL_OFFSET_ATTR(_name, vaccel_stat_show, struct vaccel_inst_stats, \
			   _field)

static struct vaccel_offset_attr vaccel_stat_attrs[] = {
	VACCEL_STAT_ATTR(jobs, jobs),
	VACCEL_STAT_ATTR(bytes, bytes),
	VACCEL_STAT_ATTR(busy_ns, busy_ns),
	VACCEL_STAT_ATTR(errors, errors),
	VACCEL_STAT_ATTR(done_busy_ns, done_busy_ns),
	VACCEL_STAT_ATTR(done_bytes, done_bytes),
	VACCEL_STAT_ATTR(done_macs, done_macs),
	VACCEL_STAT_ATTR(mmio_reads, mmio_reads),
	VACCEL_STAT_ATTR(mmio_writes, mmio_writes),
};

/*
 * Per queue: commands completed, and submit-to-start latency
 * (struct vaccel_queue_stats), each queue's copied under its state_lock.
 */
static ssize_t queue_jobs_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	unsigned int i;
	int n = 0;
	u64 jobs;

	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue *q = &inst->queues[i];

		spin_lock(&q->state_lock);
		jobs = q->stats.jobs;
		spin_unlock(&q->state_lock);
		n += sysfs_emit_at(buf, n, "%s%llu", i ? " " : "", jobs);
	}
	return n + sysfs_emit_at(buf, n, "\n");
}
static DEVICE_ATTR_RO(queue_jobs);

/* Nanoseconds as microseconds with one decimal, rounded. */
static int vaccel_emit_us(char *buf, int at, u64 ns)
{
	u64 tenths = div_u64(ns + 50, 100);
	u32 frac;

	tenths = div_u64_rem(tenths, 10, &frac);
	return sysfs_emit_at(buf, at, " %llu.%u", tenths, frac);
}

static int vaccel_emit_lat_row(char *buf, int at, const char *name,
			       u64 jobs, const struct vaccel_lathist *h)
{
	static const u32 ppm[] = { 500000, 990000, 999000 };
	unsigned int i;
	int n = at;

	n += sysfs_emit_at(buf, n, "%-5s %llu %llu", name, jobs, h->count);
	for (i = 0; i < ARRAY_SIZE(ppm); i++)
		n += vaccel_emit_us(buf, n,
				    vaccel_lathist_percentile(h, ppm[i]));
	n += vaccel_emit_us(buf, n, h->max_ns);
	n += vaccel_emit_us(buf, n, h->count ? div64_u64(h->sum_ns, h->count) :
			    0);
	return n - at + sysfs_emit_at(buf, n, "\n");
}

/*
 * latency: one header line, then a row for the whole instance ("all")
 * and one per queue: commands completed, commands started (latency
 * samples), p50, p99, p99.9, maximum and mean submit-to-start latency in
 * us.  Percentiles are upper bounds from the histogram (lathist.h): at
 * most 1/16 above the true value.
 */
static ssize_t latency_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	struct vaccel_lathist *h;
	u64 jobs[VACCEL_FN_QUEUES], all_jobs = 0;
	char name[8];
	unsigned int i;
	int n;

	/* One per queue and the sum: too big for the stack. */
	h = kcalloc(VACCEL_FN_QUEUES + 1, sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		struct vaccel_queue *q = &inst->queues[i];

		spin_lock(&q->state_lock);
		h[i] = q->stats.lat;
		jobs[i] = q->stats.jobs;
		spin_unlock(&q->state_lock);
		vaccel_lathist_merge(&h[VACCEL_FN_QUEUES], &h[i]);
		all_jobs += jobs[i];
	}
	n = sysfs_emit(buf, "queue jobs started p50_us p99_us p99.9_us max_us mean_us\n");
	n += vaccel_emit_lat_row(buf, n, "all", all_jobs, &h[VACCEL_FN_QUEUES]);
	for (i = 0; i < VACCEL_FN_QUEUES; i++) {
		snprintf(name, sizeof(name), "%u", i);
		n += vaccel_emit_lat_row(buf, n, name, jobs[i], &h[i]);
	}
	kfree(h);
	return n;
}
static DEVICE_ATTR_RO(latency);

/* The scheduler's view of the instance (docs/scheduler.md). */
static void vaccel_inst_sched_stats(struct vaccel_instance *inst,
				    struct vaccel_sched_stats *st)
{
	struct vaccel_card *card = inst->card;

	spin_lock(&card->run_lock);
	vaccel_sched_snapshot(&card->sched, &inst->sent, ktime_get_ns(), st);
	spin_unlock(&card->run_lock);
}

static ssize_t weight_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	unsigned int w;

	spin_lock(&inst->card->run_lock);
	w = vaccel_sched_weight(&inst->sent);
	spin_unlock(&inst->card->run_lock);
	return sysfs_emit(buf, "%u\n", w);
}

static ssize_t weight_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct vaccel_instance *inst = vaccel_dev_to_inst(dev);
	struct vaccel_card *card = inst->card;
	unsigned int w;
	int ret;

	ret = kstrtouint(buf, 0, &w);
	if (!ret) {
		spin_lock(&card->run_lock);
		ret = vaccel_sched_set_weight(&card->sched, &inst->sent, w,
					      ktime_get_ns());
		spin_unlock(&card->run_lock);
	}
	if (ret) {
		dev_warn_ratelimited(dev,
				     "weight: '%.*s' refused: %u to %u, or 0 for the type's default\n",
				     vaccel_input_len(buf, count), buf,
				     VACCEL_SCHED_WEIGHT_MIN,
				     VACCEL_SCHED_WEIGHT_MAX);
		return ret == -ERANGE ? -EINVAL : ret;
	}
	return count;
}
static DEVICE_ATTR_RW(weight);

/* Parts per 10000 as a percentage with two decimals. */
static ssize_t vaccel_emit_pct(char *buf, u32 ppm)
{
	return sysfs_emit(buf, "%u.%02u\n", ppm / 100, ppm % 100);
}

static ssize_t util_1s_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vaccel_sched_stats st;

	vaccel_inst_sched_stats(vaccel_dev_to_inst(dev), &st);
	return vaccel_emit_pct(buf, st.util_short);
}
static DEVICE_ATTR_RO(util_1s);

static ssize_t util_10s_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vaccel_sched_stats st;

	vaccel_inst_sched_stats(vaccel_dev_to_inst(dev), &st);
	return vaccel_emit_pct(buf, st.util_long);
}
static DEVICE_ATTR_RO(util_10s);

/* The scheduler's counters, one file each: a u64 of the snapshot. */
static ssize_t vaccel_counter_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vaccel_sched_stats st;

	vaccel_inst_sched_stats(vaccel_dev_to_inst(dev), &st);
	return sysfs_emit(buf, "%llu\n",
			  *(u64 *)((char *)&st + vaccel_attr_offset(attr)));
}

#define VACCEL_COUNTER_ATTR(_name, _field)				\
	VACCEL_OFFSET_ATTR(_name, vaccel_counter_show,			\
			   struct vaccel_sched_stats, _field)

static struct vaccel_offset_attr vaccel_counter_attrs[] = {
	VACCEL_COUNTER_ATTR(picks, picks),
	VACCEL_COUNTER_ATTR(switches, switches),
	VACCEL_COUNTER_ATTR(preemptions, preemptions),
	VACCEL_COUNTER_ATTR(wakeups, wakeups),
	VACCEL_COUNTER_ATTR(throttles, throttles),
	VACCEL_COUNTER_ATTR(waits, waits),
	VACCEL_COUNTER_ATTR(wait_ns, wait_ns),
	VACCEL_COUNTER_ATTR(wait_max_ns, wait_max_ns),
};

static struct attribute *vaccel_inst_attrs[] = {
	&dev_attr_slots.attr,
	&dev_attr_holder.attr,
	&dev_attr_resets.attr,
	&dev_attr_memory_offset.attr,
	&dev_attr_memory_size.attr,
	&vaccel_stat_attrs[0].attr.attr,
	&vaccel_stat_attrs[1].attr.attr,
	&vaccel_stat_attrs[2].attr.attr,
	&vaccel_stat_attrs[3].attr.attr,
	&vaccel_stat_attrs[4].attr.attr,
	&vaccel_stat_attrs[5].attr.attr,
	&vaccel_stat_attrs[6].attr.attr,
	&vaccel_stat_attrs[7].attr.attr,
	&vaccel_stat_attrs[8].attr.attr,
	&dev_attr_queue_jobs.attr,
	&dev_attr_latency.attr,
	&dev_attr_weight.attr,
	&dev_attr_util_1s.attr,
	&dev_attr_util_10s.attr,
	&vaccel_counter_attrs[0].attr.attr,
	&vaccel_counter_attrs[1].attr.attr,
	&vaccel_counter_attrs[2].attr.attr,
	&vaccel_counter_attrs[3].attr.attr,
	&vaccel_counter_attrs[4].attr.attr,
	&vaccel_counter_attrs[5].attr.attr,
	&vaccel_counter_attrs[6].attr.attr,
	&vaccel_counter_attrs[7].attr.attr,
	NULL
};

static const struct attribute_group vaccel_inst_group = {
	.name	= "vaccel",
	.attrs	= vaccel_inst_attrs,
};

const struct attribute_group *vaccel_inst_groups[] = {
	&vaccel_inst_group,
	NULL
};
