// SPDX-License-Identifier: GPL-2.0
/*
 * The compute engines of a card: one kernel thread per engine, placed by
 * the card's time-slice scheduler (scheduler/sched.c).
 *
 * A queue is runnable when vaccel_queue_has_work() says so (queue.c owns
 * that rule).  An instance's runnable queues that no engine holds wait
 * on the instance's run queue; how many runnable queues an instance has
 * (held or not) is its demand, which the scheduler gets with every change
 * (vaccel_sched_wake()) and never exceeds with the engines it gives the
 * instance.
 *
 * An idle engine asks the scheduler for an instance (vaccel_sched_pick()),
 * takes the first queue on its run queue and runs chunks of it (each at
 * most ~50 us, see exec.h), asking the scheduler after every chunk whether
 * to stop (vaccel_sched_should_preempt()).  When told to, or when the queue
 * has nothing more to do, it puts the queue back on its instance's run
 * queue if it still has work and tells the scheduler (vaccel_sched_put()).
 * When the scheduler instead renews the instance's slice on the engine,
 * the engine moves on to the next queue waiting on the instance's run
 * queue and puts its queue at the tail (vaccel_engine_rotate_locked()):
 * the queues of an instance share its engine time round robin, a slice
 * each.  Completing a command does not move the engine: time, not
 * commands, is what the queues share.
 * A queue is on at most one engine at a time, so its commands run in
 * order; a command can stop between any two chunks and resume on another
 * engine.
 *
 * Everything scheduling runs under the card's run_lock, a spinlock: a
 * chunk runs outside it, under the queue's own lock.
 */

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "vaccel.h"
#include "engine.h"
#include "vaccel_trace.h"

static struct vaccel_instance *vaccel_ent_inst(struct vaccel_sched_entity *e)
{
	return container_of(e, struct vaccel_instance, sent);
}

/* The engines have the queue: it waits on its run queue or runs. */
static bool vaccel_queue_held_locked(struct vaccel_queue *q)
{
	lockdep_assert_held(&q->inst->card->run_lock);
	return q->run.queued || q->run.on_engine;
}

/* Queues of @inst with work: waiting on its run queue or on an engine. */
static unsigned int vaccel_inst_demand(struct vaccel_instance *inst)
{
	unsigned int i, n = 0;

	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		n += vaccel_queue_held_locked(&inst->queues[i]);
	return n;
}

/* A fired scheduler timer is handled by whoever takes the lock next. */
static void vaccel_engine_timer_locked(struct vaccel_card *card, u64 now)
{
	lockdep_assert_held(&card->run_lock);
	if (READ_ONCE(card->timer_due)) {
		WRITE_ONCE(card->timer_due, false);
		vaccel_sched_timer(&card->sched, now);
	}
}

/**
 * vaccel_engine_queue_kick() - a queue may have become runnable
 * @q: the queue
 *
 * Puts it on its instance's run queue and tells the scheduler, unless it
 * is there already or an engine holds it (which looks again when it lets
 * go).
 *
 * Context: no queue lock held; the instance lock may be.  Takes the card's
 * run_lock, and the queue's state_lock under it.
 */
void vaccel_engine_queue_kick(struct vaccel_queue *q)
{
	struct vaccel_instance *inst = q->inst;
	struct vaccel_card *card = inst->card;

	spin_lock(&card->run_lock);
	if (!vaccel_queue_held_locked(q) && vaccel_queue_has_work(q)) {
		list_add_tail(&q->run.node, &inst->runq);
		q->run.queued = true;
		vaccel_sched_wake(&card->sched, &inst->sent,
				  vaccel_inst_demand(inst), ktime_get_ns());
	}
	spin_unlock(&card->run_lock);
}

/**
 * vaccel_engine_queue_unlist() - take a stopped queue off its run queue
 * @q: the queue
 *
 * Context: the queue's lock held (it was just stopped under it); takes the
 * card's run_lock under it.
 */
void vaccel_engine_queue_unlist(struct vaccel_queue *q)
{
	struct vaccel_instance *inst = q->inst;
	struct vaccel_card *card = inst->card;

	spin_lock(&card->run_lock);
	if (q->run.queued) {
		list_del_init(&q->run.node);
		q->run.queued = false;
		vaccel_sched_wake(&card->sched, &inst->sent,
				  vaccel_inst_demand(inst), ktime_get_ns());
	}
	spin_unlock(&card->run_lock);
}

static bool vaccel_queue_held(struct vaccel_queue *q)
{
	struct vaccel_card *card = q->inst->card;
	bool held;

	spin_lock(&card->run_lock);
	held = vaccel_queue_held_locked(q);
	spin_unlock(&card->run_lock);
	return held;
}

/**
 * vaccel_engine_queue_wait() - wait until no engine holds a queue
 * @q: the queue; stopped, or with no more work, so that nothing puts it
 *	back on the run queue
 *
 * When it returns, the engine that last ran the queue has raised the
 * interrupts of its last chunks and counted its busy time.
 */
void vaccel_engine_queue_wait(struct vaccel_queue *q)
{
	wait_event(q->inst->card->idle_wq, !vaccel_queue_held(q));
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_engine_queue_wait);

/**
 * vaccel_engine_inst_quiesce() - wait until no engine holds an instance's queues
 * @inst: an instance whose VFIO device is closed for good
 *
 * Closing the device stopped the queues; an engine may still be on its way
 * out of one (raising a last interrupt, which the stop made a no-op).
 */
void vaccel_engine_inst_quiesce(struct vaccel_instance *inst)
{
	unsigned int i;

	for (i = 0; i < VACCEL_FN_QUEUES; i++)
		vaccel_engine_queue_wait(&inst->queues[i]);
}

/**
 * vaccel_engine_inst_add() - let the card's scheduler know a new instance
 * @inst: the instance, with its card and type set
 *
 * Return: 0, or -EINVAL from the scheduler (a type it does not know).
 */
int vaccel_engine_inst_add(struct vaccel_instance *inst)
{
	struct vaccel_card *card = inst->card;
	int ret;

	spin_lock(&card->run_lock);
	ret = vaccel_sched_add(&card->sched, &inst->sent, inst->type->slots,
			       ktime_get_ns());
	spin_unlock(&card->run_lock);
	return ret;
}

/**
 * vaccel_engine_inst_remove() - the scheduler forgets an instance
 * @inst: the instance, whose queues no engine holds any more
 */
void vaccel_engine_inst_remove(struct vaccel_instance *inst)
{
	struct vaccel_card *card = inst->card;

	spin_lock(&card->run_lock);
	vaccel_sched_remove(&card->sched, &inst->sent, ktime_get_ns());
	spin_unlock(&card->run_lock);
}

/**
 * vaccel_engine_rotate_locked() - give the engine's instance time to its next queue
 * @eng: the engine, which holds @q and keeps its instance
 * @q: the queue it runs; it has more work
 *
 * Called when the scheduler renewed the slice of the instance on this
 * engine.  When another queue of the instance waits on its run queue, @q
 * goes to the tail of the run queue and the engine takes the head: the
 * queues of an instance share its engine time round robin, one slice
 * each.  The instance keeps the engine, so the scheduler is not involved,
 * and the instance's demand and its run queue stay in step (one queue held
 * on the engine and one waiting, before and after).
 *
 * The engine raises @q's last interrupts after this, outside the lock,
 * while another engine may already run @q: vaccel_queue_deliver() takes
 * the instance lock and drops the events of an epoch that a stop ended,
 * and the instance cannot go away meanwhile, because this engine holds the
 * queue it took and vaccel_engine_inst_quiesce() waits for every queue.
 *
 * Context: the card's run_lock held.
 * Return: the queue the engine runs from now on, @q when none waits.
 */
static struct vaccel_queue *vaccel_engine_rotate_locked(struct vaccel_engine *eng,
							struct vaccel_queue *q)
{
	struct vaccel_card *card = eng->card;
	struct vaccel_instance *inst = q->inst;
	struct vaccel_queue *next;

	lockdep_assert_held(&card->run_lock);
	next = list_first_entry_or_null(&inst->runq, struct vaccel_queue,
					run.node);
	if (!next || !vaccel_queue_has_work(q))
		return q;
	list_del_init(&next->run.node);
	next->run.queued = false;
	next->run.on_engine = true;
	q->run.on_engine = false;
	list_add_tail(&q->run.node, &inst->runq);
	q->run.queued = true;
	trace_vaccel_switch_out(card, eng->idx, inst, q->idx, "rotate");
	trace_vaccel_switch_in(card, eng->idx, inst, next->idx,
			       card->sched.slice_ns);
	/*
	 * eng->mark stays: the switch is the instance's engine time, and
	 * counts towards the next queue's command (struct vaccel_exec_env).
	 */
	return next;
}

/*
 * Run chunks of *@qp until the scheduler says stop or the queue has
 * nothing more to do now.  At each renewal of the slice the engine may
 * move on to another queue of the same instance
 * (vaccel_engine_rotate_locked()); *@qp is then the queue it holds.
 * Return: the scheduler's reason, or CONTINUE.
 */
static enum vaccel_sched_reason vaccel_engine_run(struct vaccel_engine *eng,
						  struct vaccel_queue **qp)
{
	struct vaccel_card *card = eng->card;
	struct vaccel_queue *q = *qp, *next;
	struct vaccel_instance *inst = q->inst;
	enum vaccel_sched_reason why;
	unsigned int epoch = 0, ev = 0, step;
	u64 last = ktime_get_ns(), now, slice_start;

	do {
		mutex_lock(&q->lock);
		/* Events from before a stop are the stop's to discard. */
		if (ev && q->epoch != epoch)
			ev = 0;
		epoch = q->epoch;
		step = vaccel_queue_step(q, eng);
		mutex_unlock(&q->lock);
		ev |= step;

		next = q;
		spin_lock(&card->run_lock);
		now = ktime_get_ns();
		vaccel_engine_timer_locked(card, now);
		if (step & VACCEL_STEP_COMPLETED)
			vaccel_sched_job_done(&inst->sent);
		slice_start = card->sched.engine[eng->idx].slice_start;
		why = vaccel_sched_should_preempt(&card->sched, eng->idx, now);
		/* The same instance goes on for a new slice. */
		if (why == VACCEL_SCHED_CONTINUE && (step & VACCEL_STEP_MORE) &&
		    card->sched.engine[eng->idx].slice_start != slice_start)
			next = vaccel_engine_rotate_locked(eng, q);
		spin_unlock(&card->run_lock);
		/*
		 * Counted chunk by chunk: a run can last many slices, and
		 * readers of busy_ns (vaccelctl util) want it current.
		 */
		atomic64_add(now - last, &inst->stats.busy_ns);
		last = now;
		if (next != q) {
			vaccel_queue_deliver(q, epoch, ev);
			ev = 0;
			q = next;
			*qp = q;
		}
		/* Chunks of CPU work can follow one another for long. */
		cond_resched();
	} while ((step & VACCEL_STEP_MORE) && why == VACCEL_SCHED_CONTINUE &&
		 !kthread_should_stop());

	vaccel_queue_deliver(q, epoch, ev);
	return why;
}

/* Take a queue of the instance the scheduler gives this engine, if any. */
static struct vaccel_queue *vaccel_engine_take(struct vaccel_engine *eng,
					       bool *idle)
{
	struct vaccel_card *card = eng->card;
	struct vaccel_sched_entity *ent;
	struct vaccel_instance *inst;
	struct vaccel_queue *q = NULL;
	u64 now, slice;

	/*
	 * Forget the kicks before looking at timer_due: a timer that fires
	 * after the look sets kicked again (vaccel_engine_timer() orders its
	 * two stores), so the engine does not sleep on a due timer.
	 */
	WRITE_ONCE(eng->kicked, false);
	/* Pairs with the smp_wmb() of vaccel_engine_timer(). */
	smp_mb();
	spin_lock(&card->run_lock);
	now = ktime_get_ns();
	vaccel_engine_timer_locked(card, now);
	ent = vaccel_sched_pick(&card->sched, eng->idx, now, &slice);
	*idle = !ent;
	if (ent) {
		inst = vaccel_ent_inst(ent);
		q = list_first_entry_or_null(&inst->runq, struct vaccel_queue,
					     run.node);
		if (q) {
			list_del_init(&q->run.node);
			q->run.queued = false;
			q->run.on_engine = true;
			eng->mark = 0;
			trace_vaccel_switch_in(card, eng->idx, inst, q->idx,
					       slice);
		} else {
			/* Demand and run queue disagree: a bug, recover. */
			WARN_ON_ONCE(1);
			vaccel_sched_put(&card->sched, eng->idx, now,
					 vaccel_inst_demand(inst));
		}
	}
	spin_unlock(&card->run_lock);
	return q;
}

static void vaccel_engine_put(struct vaccel_engine *eng,
			      struct vaccel_queue *q)
{
	struct vaccel_card *card = eng->card;
	struct vaccel_instance *inst = q->inst;
	enum vaccel_sched_reason why;

	spin_lock(&card->run_lock);
	q->run.on_engine = false;
	if (vaccel_queue_has_work(q)) {
		list_add_tail(&q->run.node, &inst->runq);
		q->run.queued = true;
	}
	why = vaccel_sched_put(&card->sched, eng->idx, ktime_get_ns(),
			       vaccel_inst_demand(inst));
	trace_vaccel_switch_out(card, eng->idx, inst, q->idx,
				vaccel_sched_reason_name(why));
	spin_unlock(&card->run_lock);
	/* From here on the instance may go away: do not touch it. */
	wake_up_all(&card->idle_wq);
}

static int vaccel_engine_thread(void *data)
{
	struct vaccel_engine *eng = data;
	struct vaccel_queue *q;
	bool idle;

	while (!kthread_should_stop()) {
		q = vaccel_engine_take(eng, &idle);
		if (idle) {
			wait_event_idle(eng->wq, READ_ONCE(eng->kicked) ||
					kthread_should_stop());
			continue;
		}
		if (!q)
			continue;
		vaccel_engine_run(eng, &q);
		vaccel_engine_put(eng, q);
		cond_resched();
	}
	return 0;
}

/* struct vaccel_sched_ops, called with the card's run_lock held. */
static void vaccel_engine_kick(void *priv, unsigned int engine)
{
	struct vaccel_card *card = priv;
	struct vaccel_engine *eng = &card->engine[engine];

	eng->kicked = true;
	wake_up(&eng->wq);
}

static void vaccel_engine_arm(void *priv, u64 expires_ns)
{
	struct vaccel_card *card = priv;

	hrtimer_start(&card->sched_timer, ns_to_ktime(expires_ns),
		      HRTIMER_MODE_ABS);
}

static const struct vaccel_sched_ops vaccel_engine_sched_ops = {
	.kick = vaccel_engine_kick,
	.arm = vaccel_engine_arm,
};

/*
 * The scheduler's timer, in hard interrupt context: leave the call to the
 * engines, waking them all (the idle ones are the ones that matter).
 */
static enum hrtimer_restart vaccel_engine_timer(struct hrtimer *timer)
{
	struct vaccel_card *card = container_of(timer, struct vaccel_card,
						sched_timer);
	unsigned int i;

	WRITE_ONCE(card->timer_due, true);
	/* timer_due before kicked: see vaccel_engine_take(). */
	smp_wmb();
	for (i = 0; i < card->engines; i++) {
		WRITE_ONCE(card->engine[i].kicked, true);
		wake_up(&card->engine[i].wq);
	}
	return HRTIMER_NORESTART;
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
	for (i = 0; i < card->engines; i++)
		if (card->engine[i].task)
			kthread_stop(card->engine[i].task);
	hrtimer_cancel(&card->sched_timer);
	for (i = 0; i < card->engines; i++)
		kvfree(card->engine[i].scratch);
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
	int ret;

	spin_lock_init(&card->run_lock);
	init_waitqueue_head(&card->idle_wq);
	hrtimer_init(&card->sched_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	card->sched_timer.function = vaccel_engine_timer;
	ret = vaccel_sched_init(&card->sched, card->engines,
				&vaccel_engine_sched_ops, card);
	if (ret)
		return ret;

	card->engine = kcalloc(card->engines, sizeof(*card->engine),
			       GFP_KERNEL);
	if (!card->engine)
		return -ENOMEM;

	for (i = 0; i < card->engines; i++) {
		struct vaccel_engine *eng = &card->engine[i];

		eng->card = card;
		eng->idx = i;
		init_waitqueue_head(&eng->wq);
		eng->scratch = kvmalloc(VACCEL_EXEC_SCRATCH, GFP_KERNEL);
		if (!eng->scratch)
			goto err_stop;
	}
	for (i = 0; i < card->engines; i++) {
		struct vaccel_engine *eng = &card->engine[i];

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
