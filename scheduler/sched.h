/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time-slice scheduler of a vaccel card: which instance runs on each
 * compute engine, and for how long.  docs/scheduler.md describes the
 * algorithm, its bounds and the exact meaning of every statistic.
 *
 * A pure unit: no VFIO, PCI or mdev, no threads, no timers, no allocation
 * and no locking of its own.  The caller serialises every call on one
 * struct vaccel_sched with one lock (the card's scheduler spinlock), so the
 * calls never sleep; the current time is passed in as @now, in nanoseconds
 * of a monotonic clock (ktime_get_ns() in the driver, a manual clock in the
 * KUnit suite).  Time must not go backwards between calls.
 *
 * The scheduled entity is the instance: fairness is between instances,
 * which of an instance's queues an engine serves is the caller's choice.
 * An instance runs on at most as many engines at once as it has queues
 * with work (its demand, given to vaccel_sched_wake()).
 */
#ifndef _VACCEL_SCHED_H
#define _VACCEL_SCHED_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/types.h>

#include "vaccel_hw.h"

/**
 * enum vaccel_sched_policy - how a card shares its engines
 * @VACCEL_SCHED_BEST_EFFORT: weighted fair share, work conserving (default)
 * @VACCEL_SCHED_FIXED_SHARE: at most slots/4 of the card per period, even
 *	when the card is otherwise idle; not work conserving
 * @VACCEL_SCHED_EQUAL_SHARE: fair share with every weight equal, work
 *	conserving
 * @VACCEL_SCHED_RR: benchmark baseline: strict round robin, equal slices,
 *	weights ignored, work conserving
 * @VACCEL_SCHED_GVT: benchmark baseline: GVT-g style budgets from the
 *	weights every %VACCEL_SCHED_GVT_PERIOD_NS, with carry-over, round
 *	robin at every slice tick; not work conserving
 * @VACCEL_SCHED_STATIC: benchmark baseline: static partition, each
 *	instance on engines of its own in proportion to its slots; not work
 *	conserving
 * @VACCEL_SCHED_STATIC_LEND: benchmark baseline: static partition that
 *	lends idle engines, and takes them back at a chunk boundary; work
 *	conserving
 * @VACCEL_SCHED_NR_POLICIES: number of policies
 *
 * The benchmark baselines (issue 16, docs/scheduler.md "Benchmark
 * baselines") model the schedulers operators use today, so that the
 * benchmarks compare vaccel's policies with them through the same engine
 * loop; they are not meant for production.
 */
enum vaccel_sched_policy {
	VACCEL_SCHED_BEST_EFFORT,
	VACCEL_SCHED_FIXED_SHARE,
	VACCEL_SCHED_EQUAL_SHARE,
	VACCEL_SCHED_RR,
	VACCEL_SCHED_GVT,
	VACCEL_SCHED_STATIC,
	VACCEL_SCHED_STATIC_LEND,
	VACCEL_SCHED_NR_POLICIES,
};

/* The first benchmark baseline: the policies from it on are baselines. */
#define VACCEL_SCHED_FIRST_BASELINE	VACCEL_SCHED_RR

/**
 * enum vaccel_sched_reason - why an engine stops running an instance
 * @VACCEL_SCHED_CONTINUE: it does not: keep running (0, false)
 * @VACCEL_SCHED_SLICE: the slice ended and another instance is due
 * @VACCEL_SCHED_THROTTLED: fixed_share: the instance used up its budget
 *	for the current period (gvt: at a slice tick, out of budget)
 * @VACCEL_SCHED_POLICY: the policy changed; every engine picks again
 *	(static: the engine is no longer the instance's own)
 * @VACCEL_SCHED_DEMAND: the instance runs on more engines than it has
 *	queues with work
 * @VACCEL_SCHED_REMOVED: the instance was removed while it ran here
 * @VACCEL_SCHED_IDLE: vaccel_sched_put() with no work left
 * @VACCEL_SCHED_YIELD: vaccel_sched_put() with work left, unasked
 * @VACCEL_SCHED_WAKEUP: an instance that woke up is owed the engine more
 *	than the one running (wake-up preemption; static_lend: the engine's
 *	owner wants it back)
 * @VACCEL_SCHED_NR_REASONS: number of reasons
 */
enum vaccel_sched_reason {
	VACCEL_SCHED_CONTINUE,
	VACCEL_SCHED_SLICE,
	VACCEL_SCHED_THROTTLED,
	VACCEL_SCHED_POLICY,
	VACCEL_SCHED_DEMAND,
	VACCEL_SCHED_REMOVED,
	VACCEL_SCHED_IDLE,
	VACCEL_SCHED_YIELD,
	VACCEL_SCHED_WAKEUP,
	VACCEL_SCHED_NR_REASONS,
};

/* Tunables: the time slice, in ns. */
#define VACCEL_SCHED_SLICE_MIN		100000ULL
#define VACCEL_SCHED_SLICE_MAX		100000000ULL
#define VACCEL_SCHED_SLICE_DEFAULT	1000000ULL

/* Weights; 0 given to vaccel_sched_set_weight() restores the default. */
#define VACCEL_SCHED_WEIGHT_MIN		1
#define VACCEL_SCHED_WEIGHT_MAX		1000

/*
 * fixed_share: an instance earns engine time at its share of the card, runs
 * on at most as many engines as its share rounded up, and banks at most
 * VACCEL_SCHED_FS_BURST_NS of earnings (at its rate); its cap holds over any
 * window of VACCEL_SCHED_PERIOD_NS within that burst.
 */
#define VACCEL_SCHED_PERIOD_NS		10000000ULL
#define VACCEL_SCHED_FS_BURST_NS	2000000ULL

/*
 * gvt: budgets are handed out every period; every VACCEL_SCHED_GVT_ROUND
 * periods they restart from the allocation alone (no carry-over).
 */
#define VACCEL_SCHED_GVT_PERIOD_NS	100000000ULL
#define VACCEL_SCHED_GVT_ROUND		10

/*
 * Wake-up preemption: an engine gives way to a woken instance that is owed
 * more than its occupant once the occupant has had it this long (ns).
 */
#define VACCEL_SCHED_WAKE_MIN_RUN_NS	20000ULL

/* Utilisation: ring of 100 ms buckets; windows of 1 s and 10 s. */
#define VACCEL_SCHED_UTIL_BUCKET_NS	100000000ULL
#define VACCEL_SCHED_UTIL_BUCKETS	128
#define VACCEL_SCHED_UTIL_SHORT		10
#define VACCEL_SCHED_UTIL_LONG		100

/* Queueing-delay histogram: bucket i holds delays of [2^i, 2^(i+1)) us. */
#define VACCEL_SCHED_WAIT_BUCKETS	20

/*
 * Levels of the demand-time histogram: time with 0, 1, 2, 3 and 4 or more
 * queues with work (a function has four).
 */
#define VACCEL_SCHED_DEMAND_LEVELS	5

/**
 * struct vaccel_sched_ops - what the scheduler asks of the engines
 * @kick: wake engine @engine, idle after vaccel_sched_pick() returned
 *	NULL: it has work to pick now.  Called at most once per idle period
 *	of an engine.
 * @arm: call vaccel_sched_timer() at @expires_ns (fixed_share: a throttled
 *	instance has earned enough to run again then).  A later @arm replaces an earlier
 *	one that has not fired.
 *
 * Both are called with the caller's lock held, from inside the scheduler
 * calls: they must not sleep and must not call back into the scheduler
 * (wake_up_process() and hrtimer_start() are fine).
 */
struct vaccel_sched_ops {
	void (*kick)(void *priv, unsigned int engine);
	void (*arm)(void *priv, u64 expires_ns);
};

/**
 * struct vaccel_sched_stats - statistics of one instance
 * @busy_ns: engine time charged to the instance, summed over engines
 * @chunks: chunk boundaries reported (vaccel_sched_should_preempt() calls)
 * @jobs: jobs reported done (vaccel_sched_job_done())
 * @picks: times vaccel_sched_pick() returned the instance
 * @switches: picks on an engine whose previous instance was another one
 *	(or none yet)
 * @preemptions: puts after vaccel_sched_should_preempt() said
 *	%VACCEL_SCHED_SLICE, %VACCEL_SCHED_POLICY, %VACCEL_SCHED_DEMAND or
 *	%VACCEL_SCHED_WAKEUP
 * @wakeups: of those, %VACCEL_SCHED_WAKEUP: the instance gave way to one
 *	that woke up
 * @throttles: puts after it said %VACCEL_SCHED_THROTTLED
 * @waits: completed waits: periods with work but on no engine, ended by a
 *	pick
 * @wait_ns: total length of the completed waits
 * @wait_max_ns: longest completed wait
 * @wait_now_ns: length of the wait in progress, 0 if none
 * @wait_hist: completed waits by length: bucket 0 holds < 2 us, bucket i
 *	[2^i, 2^(i+1)) us, the last bucket everything longer
 * @demand_ns: time the instance spent with i queues with work, for i from
 *	0 to %VACCEL_SCHED_DEMAND_LEVELS - 1 (the last level: that many or
 *	more), since it was added.  Tells a tenant that kept fewer queues
 *	busy than its share has engines (under best_effort the others get
 *	that time, and it is not repaid beyond the kept lag) from one that
 *	the scheduler kept waiting.
 * @util_short_ns: engine time in the last %VACCEL_SCHED_UTIL_SHORT
 *	complete utilisation buckets (1 s)
 * @util_long_ns: the same over %VACCEL_SCHED_UTIL_LONG buckets (10 s)
 * @util_short: @util_short_ns as parts per 10000 of the card's engine
 *	time in that window (engines * 1 s)
 * @util_long: the same for @util_long_ns
 * @weight: the weight set, or the type's default
 * @slots: quarter slots of the instance
 * @nr_queues: queues with work, as last reported
 * @nr_running: engines running the instance now
 * @throttled: fixed_share: out of budget, until it has earned enough;
 *	gvt: out of budget (or not yet given one) until the next period
 * @lag_ns: how far the instance's virtual time is behind the card's
 *	virtual clock, in engine ns at the instance's weight (>0: it is owed
 *	time, <0: it is ahead); for an idle instance, the lag it keeps for
 *	its next wake-up
 */
struct vaccel_sched_stats {
	u64 busy_ns;
	u64 chunks;
	u64 jobs;
	u64 picks;
	u64 switches;
	u64 preemptions;
	u64 wakeups;
	u64 throttles;
	u64 waits;
	u64 wait_ns;
	u64 wait_max_ns;
	u64 wait_now_ns;
	u64 wait_hist[VACCEL_SCHED_WAIT_BUCKETS];
	u64 demand_ns[VACCEL_SCHED_DEMAND_LEVELS];
	u64 util_short_ns;
	u64 util_long_ns;
	u32 util_short;
	u32 util_long;
	u32 weight;
	u32 slots;
	u32 nr_queues;
	u32 nr_running;
	bool throttled;
	s64 lag_ns;
};

/**
 * struct vaccel_sched_entity - an instance, as the scheduler sees it
 *
 * Embedded in the instance; the caller treats it as opaque and keeps it
 * alive from vaccel_sched_add() to vaccel_sched_remove().
 *
 * @node: in &vaccel_sched.entities
 * @id: unique per scheduler, never reused (0: not added)
 * @slots: quarter slots (1, 2 or 4): default weight and fixed_share cap
 * @weight: the operator's weight, 0 for the default
 * @nr_queues: queues with work
 * @nr_running: engines running the entity
 * @nr_leaving: of those, engines told to stop (a reason is pending)
 * @vruntime: virtual time: engine ns times 1024 / effective weight;
 *	meaningful only while the instance is active (not @idle)
 * @lag: while @idle: engine ns the instance is owed (>0) or ahead (<0)
 *	relative to the card's virtual clock, bounded, kept for the wake-up
 * @idle: no work and on no engine: @vruntime is stale, @lag holds
 * @idle_since: when it last went idle
 * @ready_since: when it last became ready to run (ties in pick)
 * @wait_start: start of the wait in progress (valid when waiting)
 * @waiting: has work and runs on no engine
 * @demand_since: when @nr_queues last changed, or was reported unchanged
 *	(what came before is in @st.demand_ns)
 * @fs_tokens: fixed_share: engine ns it may use now (earned at its share
 *	of the card, at most its burst; below 0 after an overrun)
 * @fs_stamp: fixed_share: when @fs_tokens was last brought up to date
 * @fs_throttled: fixed_share: out of tokens, until it earns a quarter of a
 *	burst
 * @gvt_left: gvt: engine ns of budget left in the current period (carried
 *	over; below 0 after an overdraw)
 * @gvt_active: gvt: had work at some time in the current period, so it
 *	gets an allocation at the next period
 * @util_head: number of the newest utilisation bucket written
 * @util: engine time per utilisation bucket, a ring
 * @st: counters (the live fields of struct vaccel_sched_stats are filled
 *	in by vaccel_sched_snapshot())
 */
struct vaccel_sched_entity {
	struct list_head node;
	u64 id;
	unsigned int slots;
	unsigned int weight;
	unsigned int nr_queues;
	unsigned int nr_running;
	unsigned int nr_leaving;
	u64 vruntime;
	s64 lag;
	bool idle;
	u64 idle_since;
	u64 ready_since;
	u64 wait_start;
	bool waiting;
	u64 demand_since;
	s64 fs_tokens;
	u64 fs_stamp;
	bool fs_throttled;
	s64 gvt_left;
	bool gvt_active;
	u64 util_head;
	u64 util[VACCEL_SCHED_UTIL_BUCKETS];
	struct vaccel_sched_stats st;
};

/**
 * struct vaccel_sched_engine - one engine, as the scheduler sees it
 * @cur: the entity it runs, NULL when none
 * @run_start: when @cur was picked
 * @slice_start: when the current slice of @cur began
 * @charged: time up to which @cur has been charged
 * @last_id: id of the entity it ran last (context switches), 0 if none
 * @reason: why @cur must stop, once vaccel_sched_should_preempt() said so
 * @wake_for: an instance that woke up, owed more than @cur, to which the
 *	engine gives way at its first chunk boundary after
 *	%VACCEL_SCHED_WAKE_MIN_RUN_NS of @cur; NULL if none
 */
struct vaccel_sched_engine {
	struct vaccel_sched_entity *cur;
	u64 run_start;
	u64 slice_start;
	u64 charged;
	u64 last_id;
	enum vaccel_sched_reason reason;
	struct vaccel_sched_entity *wake_for;
};

/**
 * struct vaccel_sched - the scheduler of one card
 * @ops: towards the engines
 * @priv: passed to @ops
 * @nr_engines: engines of the card, 1 to %VACCEL_MAX_ENGINES
 * @policy: current policy
 * @slice_ns: current time slice
 * @entities: the instances, struct vaccel_sched_entity.node
 * @next_id: id of the next entity added
 * @vclock: the card's virtual clock: never goes back; follows the front
 *	(the smallest virtual time that wants an engine) or, when nobody
 *	waits, the largest running; instances wake up relative to it
 * @idle: engines idle since vaccel_sched_pick() returned NULL, not kicked
 * @armed: expiry of the last @ops->arm() not yet followed by
 *	vaccel_sched_timer(), 0 if none
 * @rr_last: rr, gvt and static_lend's lending: id of the instance that had
 *	the last turn; the next turn goes to the first instance after it in
 *	the cyclic order of ids (0: from the start)
 * @gvt_start: gvt: start of the current period
 * @gvt_stage: gvt: number of the current period in its round, from 0 to
 *	%VACCEL_SCHED_GVT_ROUND - 1
 * @engine: per engine state
 */
struct vaccel_sched {
	const struct vaccel_sched_ops *ops;
	void *priv;
	unsigned int nr_engines;
	enum vaccel_sched_policy policy;
	u64 slice_ns;
	struct list_head entities;
	u64 next_id;
	u64 vclock;
	DECLARE_BITMAP(idle, VACCEL_MAX_ENGINES);
	u64 armed;
	u64 rr_last;
	u64 gvt_start;
	unsigned int gvt_stage;
	struct vaccel_sched_engine engine[VACCEL_MAX_ENGINES];
};

int vaccel_sched_init(struct vaccel_sched *s, unsigned int nr_engines,
		      const struct vaccel_sched_ops *ops, void *priv);
int vaccel_sched_set_policy(struct vaccel_sched *s,
			    enum vaccel_sched_policy policy, u64 now);
int vaccel_sched_set_slice(struct vaccel_sched *s, u64 slice_ns);
int vaccel_sched_add(struct vaccel_sched *s, struct vaccel_sched_entity *ent,
		     unsigned int slots, u64 now);
void vaccel_sched_remove(struct vaccel_sched *s,
			 struct vaccel_sched_entity *ent, u64 now);
int vaccel_sched_set_weight(struct vaccel_sched *s,
			    struct vaccel_sched_entity *ent,
			    unsigned int weight, u64 now);
unsigned int vaccel_sched_weight(const struct vaccel_sched_entity *ent);
void vaccel_sched_wake(struct vaccel_sched *s, struct vaccel_sched_entity *ent,
		       unsigned int nr_queues, u64 now);
struct vaccel_sched_entity *vaccel_sched_pick(struct vaccel_sched *s,
					      unsigned int engine, u64 now,
					      u64 *slice_ns);
enum vaccel_sched_reason vaccel_sched_should_preempt(struct vaccel_sched *s,
						     unsigned int engine,
						     u64 now);
enum vaccel_sched_reason vaccel_sched_put(struct vaccel_sched *s,
					  unsigned int engine, u64 now,
					  unsigned int nr_queues);
void vaccel_sched_job_done(struct vaccel_sched_entity *ent);
void vaccel_sched_timer(struct vaccel_sched *s, u64 now);
void vaccel_sched_snapshot(struct vaccel_sched *s,
			   struct vaccel_sched_entity *ent, u64 now,
			   struct vaccel_sched_stats *out);
const char *vaccel_sched_policy_name(enum vaccel_sched_policy policy);
bool vaccel_sched_policy_is_baseline(enum vaccel_sched_policy policy);
int vaccel_sched_policy_parse(const char *name);
const char *vaccel_sched_reason_name(enum vaccel_sched_reason reason);

#endif /* _VACCEL_SCHED_H */
