// SPDX-License-Identifier: GPL-2.0
/*
 * The compute engines of a card: one kernel thread per engine, sharing the
 * card's runnable queues.
 *
 * A queue is runnable while it is enabled, not in error, its function may
 * master the bus, and it has a command in progress or descriptors between
 * HEAD and TAIL.  Runnable queues wait on the card's run list; an idle
 * engine takes the first, works on it for one turn (VACCEL_TURN_NS, in
 * chunks of at most ~50 us, see exec.h) and puts it back at the tail if it
 * still has work.  A queue is on at most one engine at a time, so its
 * commands run in order.  This is a plain fair rotation among queues; the
 * time-slice scheduler among instances replaces it.
 */

#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "vaccel.h"

/* How long an engine stays on one queue while others wait. */
#define VACCEL_TURN_NS		(1 * NSEC_PER_MSEC)

/**
 * vaccel_queue_runnable() - does the queue have work an engine can do?
 * @q: the queue
 *
 * Context: the card's run lock held, so that a doorbell either sees the
 * queue held by an engine or is seen by that engine when it lets go.
 * Return: true when an engine should take the queue.
 */
bool vaccel_queue_runnable(struct vaccel_queue *q)
{
	bool run;

	lockdep_assert_held(&q->inst->card->run_lock);
	if (!READ_ONCE(q->inst->bus_master))
		return false;
	spin_lock(&q->state_lock);
	run = q->enabled && !q->error &&
	      (q->job_active || q->head != q->tail);
	spin_unlock(&q->state_lock);
	return run;
}

/**
 * vaccel_engine_queue_kick() - a queue may have become runnable
 * @q: the queue
 *
 * Puts it on the run list and wakes an idle engine, unless it is there
 * already or an engine holds it (which looks again when it lets go).
 */
void vaccel_engine_queue_kick(struct vaccel_queue *q)
{
	struct vaccel_card *card = q->inst->card;
	bool wake = false;

	spin_lock(&card->run_lock);
	if (!q->queued && !q->on_engine && vaccel_queue_runnable(q)) {
		list_add_tail(&q->run_node, &card->runlist);
		q->queued = true;
		wake = true;
	}
	spin_unlock(&card->run_lock);
	if (wake)
		wake_up(&card->run_wq);
}

/**
 * vaccel_engine_queue_unlist() - take a stopped queue off the run list
 * @q: the queue
 */
void vaccel_engine_queue_unlist(struct vaccel_queue *q)
{
	struct vaccel_card *card = q->inst->card;

	spin_lock(&card->run_lock);
	if (q->queued) {
		list_del_init(&q->run_node);
		q->queued = false;
	}
	spin_unlock(&card->run_lock);
}

static bool vaccel_queue_held(struct vaccel_queue *q)
{
	struct vaccel_card *card = q->inst->card;
	bool held;

	spin_lock(&card->run_lock);
	held = q->queued || q->on_engine;
	spin_unlock(&card->run_lock);
	return held;
}

/**
 * vaccel_engine_queue_wait() - wait until no engine holds a stopped queue
 * @q: the queue; stopped, so nothing puts it back on the run list
 */
void vaccel_engine_queue_wait(struct vaccel_queue *q)
{
	wait_event(q->inst->card->idle_wq, !vaccel_queue_held(q));
}

static struct vaccel_queue *vaccel_engine_take(struct vaccel_card *card)
{
	struct vaccel_queue *q;

	spin_lock(&card->run_lock);
	q = list_first_entry_or_null(&card->runlist, struct vaccel_queue,
				     run_node);
	if (q) {
		list_del_init(&q->run_node);
		q->queued = false;
		q->on_engine = true;
	}
	spin_unlock(&card->run_lock);
	return q;
}

static void vaccel_engine_put(struct vaccel_card *card, struct vaccel_queue *q)
{
	spin_lock(&card->run_lock);
	q->on_engine = false;
	if (vaccel_queue_runnable(q)) {
		list_add_tail(&q->run_node, &card->runlist);
		q->queued = true;
	}
	spin_unlock(&card->run_lock);
	wake_up_all(&card->idle_wq);
}

/* One turn on @q: chunks until the turn ends or the queue runs dry. */
static void vaccel_engine_run(struct vaccel_engine *eng,
			      struct vaccel_queue *q)
{
	u64 start = ktime_get_ns(), now;
	unsigned int epoch = 0, ev = 0, step;

	do {
		mutex_lock(&q->lock);
		/* Events from before a stop are the stop's to discard. */
		if (ev && q->epoch != epoch)
			ev = 0;
		epoch = q->epoch;
		step = vaccel_queue_step(q, eng);
		mutex_unlock(&q->lock);
		ev |= step;
		now = ktime_get_ns();
	} while ((step & VACCEL_STEP_MORE) && now - start < VACCEL_TURN_NS &&
		 !kthread_should_stop());

	atomic64_add(now - start, &q->inst->stats.busy_ns);
	vaccel_queue_deliver(q, epoch, ev);
}

static bool vaccel_engine_wait_cond(struct vaccel_card *card)
{
	bool work;

	spin_lock(&card->run_lock);
	work = !list_empty(&card->runlist);
	spin_unlock(&card->run_lock);
	return work || kthread_should_stop();
}

static int vaccel_engine_thread(void *data)
{
	struct vaccel_engine *eng = data;
	struct vaccel_card *card = eng->card;
	struct vaccel_queue *q;

	while (!kthread_should_stop()) {
		q = vaccel_engine_take(card);
		if (!q) {
			wait_event_idle_exclusive(card->run_wq,
						  vaccel_engine_wait_cond(card));
			continue;
		}
		vaccel_engine_run(eng, q);
		vaccel_engine_put(card, q);
		cond_resched();
	}
	return 0;
}

/**
 * vaccel_engines_stop() - stop a card's engines
 * @card: the card; it has no instances left
 */
void vaccel_engines_stop(struct vaccel_card *card)
{
	unsigned int i;

	if (!card->engine)
		return;
	for (i = 0; i < card->engines; i++) {
		if (card->engine[i].task)
			kthread_stop(card->engine[i].task);
		kvfree(card->engine[i].scratch);
	}
	kfree(card->engine);
	card->engine = NULL;
}

/**
 * vaccel_engines_start() - start a card's engine threads
 * @card: the card, before it is registered with the mdev core
 *
 * Return: 0 or -ENOMEM, or the error of kthread_run(); on error nothing
 * is left running.
 */
int vaccel_engines_start(struct vaccel_card *card)
{
	struct task_struct *task;
	unsigned int i;

	spin_lock_init(&card->run_lock);
	INIT_LIST_HEAD(&card->runlist);
	init_waitqueue_head(&card->run_wq);
	init_waitqueue_head(&card->idle_wq);

	card->engine = kcalloc(card->engines, sizeof(*card->engine),
			       GFP_KERNEL);
	if (!card->engine)
		return -ENOMEM;

	for (i = 0; i < card->engines; i++) {
		struct vaccel_engine *eng = &card->engine[i];

		eng->card = card;
		eng->idx = i;
		eng->scratch = kvmalloc(VACCEL_EXEC_SCRATCH, GFP_KERNEL);
		if (!eng->scratch)
			goto err_stop;
		task = kthread_run(vaccel_engine_thread, eng, "%s/e%u",
				   dev_name(card->dev), i);
		if (IS_ERR(task)) {
			vaccel_engines_stop(card);
			return PTR_ERR(task);
		}
		eng->task = task;
	}
	return 0;

err_stop:
	vaccel_engines_stop(card);
	return -ENOMEM;
}
