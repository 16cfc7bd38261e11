// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/vaccel/<card>/sched, everything the scheduler
 * knows about a card's instances in one table, including what sysfs does
 * not show (demand, engines running it, lag, the queueing-delay and
 * demand-time histograms), all taken at one instant (now_ns in the first
 * line).  For people; the format may change.
 */

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "vaccel.h"
#include "debugfs.h"

static struct dentry *vaccel_debugfs_root;

/* One instance's lines, from a snapshot taken with the others. */
static void vaccel_debugfs_inst(struct seq_file *m,
				struct vaccel_instance *inst,
				const struct vaccel_sched_stats *st)
{
	struct vaccel_dma_stats dst;
	unsigned int i;

	seq_printf(m, "%s %s weight %u demand %u running %u%s\n",
		   dev_name(vaccel_inst_dev(inst)), inst->type->pretty_name,
		   st->weight, st->nr_queues, st->nr_running,
		   st->throttled ? " throttled" : "");
	seq_printf(m, "  util_1s %u.%02u%% util_10s %u.%02u%% busy_ns %llu lag_ns %lld\n",
		   st->util_short / 100, st->util_short % 100,
		   st->util_long / 100, st->util_long % 100, st->busy_ns,
		   st->lag_ns);
	seq_printf(m, "  jobs %llu chunks %llu picks %llu switches %llu preemptions %llu wakeups %llu throttles %llu\n",
		   st->jobs, st->chunks, st->picks, st->switches,
		   st->preemptions, st->wakeups, st->throttles);
	seq_printf(m, "  waits %llu wait_ns %llu wait_max_ns %llu wait_now_ns %llu\n",
		   st->waits, st->wait_ns, st->wait_max_ns, st->wait_now_ns);
	seq_puts(m, "  wait histogram (us, from 2^i):");
	for (i = 0; i < VACCEL_SCHED_WAIT_BUCKETS; i++)
		seq_printf(m, " %llu", st->wait_hist[i]);
	seq_putc(m, '\n');
	seq_puts(m, "  demand_ns (0 1 2 3 4+ queues with work):");
	for (i = 0; i < VACCEL_SCHED_DEMAND_LEVELS; i++)
		seq_printf(m, " %llu", st->demand_ns[i]);
	seq_putc(m, '\n');
	/*
	 * What the tenant got done and its trapped BAR0 accesses: counters
	 * read just after the scheduler's snapshot (they are atomic, not
	 * under the run lock), so a benchmark's window has in-kernel ends.
	 */
	seq_printf(m, "  commands %lld done_busy_ns %lld done_bytes %lld done_macs %lld mmio_reads %lld mmio_writes %lld\n",
		   atomic64_read(&inst->stats.jobs),
		   atomic64_read(&inst->stats.done_busy_ns),
		   atomic64_read(&inst->stats.done_bytes),
		   atomic64_read(&inst->stats.done_macs),
		   atomic64_read(&inst->stats.mmio_reads),
		   atomic64_read(&inst->stats.mmio_writes));
	/* Taken after the scheduler's snapshot, under another lock. */
	vaccel_dma_get_stats(&inst->dma, &dst);
	seq_printf(m, "  dma resident %llu pins %llu faults %llu evictions %llu invalidated %llu refused %llu\n",
		   dst.resident, dst.pins, dst.faults, dst.evictions,
		   dst.invalidated, dst.refused);
}

/**
 * vaccel_debugfs_sched_show() - the card's scheduler table
 * @m: the seq_file; its private data is the card
 * @unused: no iterator
 *
 * Every instance's snapshot is taken at one instant, under one hold of the
 * run lock, and printed afterwards: differences of busy_ns between two
 * reads are then engine time over the same interval for all instances,
 * however long printing takes (a reader can be preempted between lines).
 *
 * Context: takes the card's lock (the instance list stays as it is), and
 * the card's run_lock under it for the snapshot.
 * Return: 0, or -ENOMEM.
 */
static int vaccel_debugfs_sched_show(struct seq_file *m, void *unused)
{
	struct vaccel_card *card = m->private;
	struct vaccel_sched_stats *st;
	struct vaccel_instance *inst;
	enum vaccel_sched_policy policy;
	unsigned int i = 0;
	u64 slice, now;

	mutex_lock(&card->lock);
	/* No instances: ZERO_SIZE_PTR, never indexed, kfree() takes it. */
	st = kcalloc(card->nr_instances, sizeof(*st), GFP_KERNEL);
	if (!st) {
		mutex_unlock(&card->lock);
		return -ENOMEM;
	}

	spin_lock(&card->run_lock);
	now = ktime_get_ns();
	policy = card->sched.policy;
	slice = card->sched.slice_ns;
	list_for_each_entry(inst, &card->instances, node) {
		/* Not yet (or no longer) known to the scheduler: skipped. */
		if (inst->sent.id)
			vaccel_sched_snapshot(&card->sched, &inst->sent, now,
					      &st[i]);
		i++;
	}
	spin_unlock(&card->run_lock);

	seq_printf(m, "policy %s slice_ns %llu engines %u now_ns %llu\n",
		   vaccel_sched_policy_name(policy), slice, card->engines, now);
	i = 0;
	list_for_each_entry(inst, &card->instances, node) {
		if (st[i].slots)
			vaccel_debugfs_inst(m, inst, &st[i]);
		i++;
	}
	mutex_unlock(&card->lock);
	kfree(st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vaccel_debugfs_sched);

/**
 * vaccel_debugfs_card_add() - the card's debugfs directory
 * @card: the card, its scheduler set up
 */
void vaccel_debugfs_card_add(struct vaccel_card *card)
{
	card->debugfs = debugfs_create_dir(dev_name(card->dev),
					   vaccel_debugfs_root);
	debugfs_create_file("sched", 0444, card->debugfs, card,
			    &vaccel_debugfs_sched_fops);
}

/**
 * vaccel_debugfs_card_remove() - undo vaccel_debugfs_card_add()
 * @card: the card
 */
void vaccel_debugfs_card_remove(struct vaccel_card *card)
{
	debugfs_remove_recursive(card->debugfs);
	card->debugfs = NULL;
}

/** vaccel_debugfs_init() - /sys/kernel/debug/vaccel, at module load */
void vaccel_debugfs_init(void)
{
	vaccel_debugfs_root = debugfs_create_dir("vaccel", NULL);
}

/** vaccel_debugfs_exit() - remove it, at module unload */
void vaccel_debugfs_exit(void)
{
	debugfs_remove_recursive(vaccel_debugfs_root);
}
