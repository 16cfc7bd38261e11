/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compute engines of a card (engine.c): one kernel thread each, placed
 * by the card's scheduler on the instances' queues.
 *
 * The edge between the queues and the engines is small.  A queue tells
 * the engines that it may have work (vaccel_engine_queue_kick()) or was
 * stopped (vaccel_engine_queue_unlist()); an engine asks a queue whether
 * it has work (vaccel_queue_has_work()), runs a step of it
 * (vaccel_queue_step()) and delivers the step's interrupts
 * (vaccel_queue_deliver()).  The fields of a queue that the engines own
 * are struct vaccel_queue_run.
 */
#ifndef _VACCEL_ENGINE_H
#define _VACCEL_ENGINE_H

#include <linux/types.h>
#include <linux/wait.h>

struct vaccel_card;
struct vaccel_instance;
struct vaccel_queue;
struct task_struct;

/**
 * struct vaccel_engine - one compute engine of a card: a kernel thread
 * @card: the card
 * @idx: engine number
 * @task: the thread
 * @scratch: VACCEL_EXEC_SCRATCH bytes lent to the execution unit
 * @wq: the engine sleeps here while the scheduler has nothing for it
 * @kicked: the scheduler (or its timer) woke the engine; under the card's
 *	run_lock, or set alone from the timer
 * @mark: clock value (ktime_get_ns()) up to which the engine's time on the
 *	queue it holds has been counted by the execution unit, 0 right after
 *	it took a queue (struct vaccel_exec_env: mark); the engine thread's
 *	own, no lock
 */
struct vaccel_engine {
	struct vaccel_card *card;
	unsigned int idx;
	struct task_struct *task;
	void *scratch;
	wait_queue_head_t wq;
	bool kicked;
	u64 mark;
};

int vaccel_engines_start(struct vaccel_card *card);
void vaccel_engines_stop(struct vaccel_card *card);
int vaccel_engine_inst_add(struct vaccel_instance *inst);
void vaccel_engine_inst_quiesce(struct vaccel_instance *inst);
void vaccel_engine_inst_remove(struct vaccel_instance *inst);
void vaccel_engine_queue_kick(struct vaccel_queue *q);
void vaccel_engine_queue_unlist(struct vaccel_queue *q);
void vaccel_engine_queue_wait(struct vaccel_queue *q);

#endif /* _VACCEL_ENGINE_H */
