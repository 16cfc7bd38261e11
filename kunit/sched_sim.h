/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler fixture of the vaccel KUnit suites (sched_sim.c): two mock
 * backends for the card scheduler of scheduler/sched.c, which a suite
 * drives without the kernel wiring of src/ (engine threads, hrtimer).
 *
 * - The recorder: vkt_rec_ops with a struct rec as private data counts the
 *   kicks of each engine and keeps the last timer armed, for tests that
 *   call the API one call at a time (vaccel_sched).
 *
 * - The simulation: struct sim, a deterministic discrete-event simulation
 *   of a card on a manually advanced clock (vaccel_sched_sim).  Up to
 *   SIM_ENGINES mock engines each run what vaccel_sched_pick() gives, in
 *   chunks of CHUNK_MIN to CHUNK_MAX ns (a fixed pseudo-random sequence),
 *   and call vaccel_sched_should_preempt() after every chunk, as src/
 *   engines do; up to SIM_ENTS instances get work with vkt_sim_wake().  The
 *   mock keeps its own record of what ran where and when, of waits,
 *   wake-up latencies, lag against ideal shares and idle engine time, so
 *   that a test compares the scheduler with that record, never with the
 *   scheduler's own statistics.  A test calls vkt_sim_new(), vkt_sim_add() for
 *   each instance, vkt_sim_wake() and vkt_sim_run() in turns, and reads struct
 *   sim and struct sim_ent.
 *
 * - The bounds of docs/scheduler.md, lag_bound() and latency_bound(), and
 *   shares in permille, share() and pm_diff(), to check the results.
 */
#ifndef _VACCEL_SCHED_SIM_H
#define _VACCEL_SCHED_SIM_H

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/types.h>

#include "sched.h"

/* Times are in ns. */
#define MS		1000000ULL
#define US		1000ULL
/* Most engines and instances a simulation has. */
#define SIM_ENGINES	4
#define SIM_ENTS	4
/* The time of no event: an idle engine's next one. */
#define NEVER		U64_MAX
/* Chunk lengths of the mock engines, and chunks per job. */
#define CHUNK_MIN	(10 * US)
#define CHUNK_MAX	(50 * US)
#define CHUNKS_PER_JOB	7
/* struct sim_ent records service per tick of 1 ms, the first SIM_TICKS. */
#define SIM_TICK	MS
#define SIM_TICKS	4096

/**
 * lag_bound() - the lag bound of docs/scheduler.md
 * @e: engines of the card, E
 * @n: busy instances
 * @wmax: the largest weight among them, the largest w_i
 * @wsum: their total weight, W
 * @slice: the slice, s, in ns
 *
 * How far an instance's engine time may trail or lead its ideal share
 * while the set of busy instances and the tunables stay the same:
 * (s + E * c) * (1 + n * w_i / W) + E * s * (1 + w_i / W), with chunks c
 * of at most CHUNK_MAX.
 *
 * Return: the bound, in ns.
 */
static inline u64 lag_bound(unsigned int e, unsigned int n,
			    unsigned int wmax, unsigned int wsum, u64 slice)
{
	u64 key = slice + (u64)e * CHUNK_MAX;	/* spread of the keys */
	u64 ahead = (u64)e * slice;		/* slices committed */

	return key + div_u64(key * n * wmax, wsum) + ahead +
	       div_u64(ahead * wmax, wsum);
}

/**
 * latency_bound() - the latency bound of docs/scheduler.md
 * @e: engines of the card, E
 * @n: instances
 * @wratio: w_max/w_min, their largest weight over their smallest
 * @slice: the slice, in ns
 *
 * The longest an instance that wakes after idling waits for an engine:
 * (ceil((n - 1) / E) + w_max/w_min) * (slice + chunk), with chunks of at
 * most CHUNK_MAX.
 *
 * Return: the bound, in ns.
 */
static inline u64 latency_bound(unsigned int e, unsigned int n,
				unsigned int wratio, u64 slice)
{
	return (DIV_ROUND_UP(n - 1, e) + wratio) * (slice + CHUNK_MAX);
}

struct sim;

/**
 * struct sim_ent - an instance of the simulation
 * @se: its scheduler entity
 * @sim: the simulation
 * @idx: its index in @sim->ent
 * @queues: demand: queues with work, as last given to vkt_sim_wake()
 * @running: engines running it, by the mock's count
 * @service: engine ns it ran, by the mock's record (vkt_sim_record())
 * @chunks: chunks it ran
 * @job_chunks: chunks of its current job; a job is CHUNKS_PER_JOB chunks
 * @jobs: jobs it completed, each reported with vaccel_sched_job_done()
 * @tick: @service in each SIM_TICK of the clock, the first SIM_TICKS
 * @on_engine: @service on each engine
 * @job_left: if not 0, chunks left of its one job: when they are done it
 *	has no more work (its queue count drops to 0 at that chunk's end)
 * @lat: if not NULL, room for @lat_cap wake-up latencies (see @timing),
 *	recorded in order; @nr_lat of them so far
 * @waiting: it has work and no engine
 * @wait_start: when the current wait began
 * @waits: waits that ended on an engine (work that went unserved is no
 *	wait)
 * @wait_ns: their total length
 * @wait_max: the longest of them
 * @run_min: fewest engines running it while lag is tracked
 *	(vkt_sim_lag_start())
 * @run_max: most engines running it while lag is tracked
 * @timing: a vkt_sim_wake() from idle waits for its first pick
 * @woke: when that vkt_sim_wake() was
 * @max_latency: the longest from such a vkt_sim_wake() to the first pick
 * @chunk_min: if @chunk_max is not 0, its chunks last @chunk_min to
 *	@chunk_max ns instead of CHUNK_MIN to CHUNK_MAX (another operation:
 *	a copy's chunks end on bytes, a sleep's on time)
 * @chunk_max: see @chunk_min
 * @on_chunk: if not NULL, called with @priv at the end of every chunk of
 *	the instance, with the chunk's start and end, before the instance's
 *	work is counted down (@job_left)
 * @priv: for @on_chunk
 */
struct sim_ent {
	struct vaccel_sched_entity se;
	struct sim *sim;
	unsigned int idx;
	unsigned int queues;
	unsigned int running;
	u64 service;
	u64 chunks;
	u32 job_chunks;
	u64 jobs;
	u64 tick[SIM_TICKS];
	u64 on_engine[SIM_ENGINES];
	u32 job_left;
	u64 *lat;
	unsigned int lat_cap;
	unsigned int nr_lat;
	/* the mock's own record of waits (work, no engine) */
	bool waiting;
	u64 wait_start;
	u64 waits;
	u64 wait_ns;
	u64 wait_max;
	/* fewest and most engines running it while lag is tracked */
	unsigned int run_min;
	unsigned int run_max;
	/* first pick after vkt_sim_wake() from idle */
	bool timing;
	u64 woke;
	u64 max_latency;
	u64 chunk_min;
	u64 chunk_max;
	void (*on_chunk)(void *priv, u64 start, u64 end);
	void *priv;
};

/**
 * struct sim_engine - a mock engine
 * @cur: the instance it runs, or NULL
 * @idle: it waits for a kick: the scheduler gave it nothing to run
 * @next: its next event: the end of the current chunk, the pick after a
 *	kick, or NEVER when idle
 * @chunk_start: the start of the current chunk, or of its part not yet
 *	recorded (vkt_sim_flush())
 */
struct sim_engine {
	struct sim_ent *cur;
	bool idle;
	u64 next;
	u64 chunk_start;
};

/**
 * struct sim - a simulated card: the scheduler, its engines, its instances
 * @test: the test that owns it
 * @s: the scheduler under test
 * @nr_engines: the card's engines, at most SIM_ENGINES
 * @now: the clock, in ns; only vkt_sim_run() advances it
 * @timer: when the scheduler's timer expires, 0 when not armed
 * @rng: the state of the pseudo-random chunk lengths
 * @eng: the engines
 * @ent: the instances, in vkt_sim_add() order; NULL where there is none
 * @busy: total engine ns run
 * @starved: engine ns left idle while an instance wanted more engines
 *	(work conservation), not counted under fixed_share
 * @bad_kicks: kicks of an engine that was not idle
 * @track_lag: lag is tracked (vkt_sim_lag_start())
 * @ideal: each instance's ideal share of @busy, in permille
 * @lag_from_busy: @busy when the tracking started
 * @lag_from_service: each instance's @service when the tracking started
 * @max_lag: the largest lag, ideal minus actual engine time in either
 *	direction, since the tracking started, in ns
 * @stall_every: if not 0, every this many chunks (of the whole card) the
 *	engine that ends one lets go of its instance and is away for
 *	@stall_ns before it picks again (an engine thread the host delays)
 * @stall_ns: how long a stall lasts
 * @nr_chunks: chunks run on the card
 * @long_every: if not 0, every this many chunks started (on the whole
 *	card) lasts @long_ns instead of CHUNK_MIN to CHUNK_MAX: a sleep that
 *	overshoots, an engine thread the host preempts in the middle of a
 *	chunk; the engine keeps its instance
 * @long_ns: how long such a chunk lasts
 * @nr_started: chunks started on the card
 * @picks: if not NULL, room for @pick_cap indexes in @ent of the
 *	instances picked, in order; @nr_picks of them so far
 */
struct sim {
	struct kunit *test;
	struct vaccel_sched s;
	unsigned int nr_engines;
	u64 now;
	u64 timer;
	u32 rng;
	struct sim_engine eng[SIM_ENGINES];
	struct sim_ent *ent[SIM_ENTS];
	u64 busy;
	u64 starved;
	u64 bad_kicks;
	/* lag tracking against ideal shares (permille), when set */
	bool track_lag;
	u32 ideal[SIM_ENTS];
	u64 lag_from_busy;
	u64 lag_from_service[SIM_ENTS];
	s64 max_lag;
	u64 stall_every;
	u64 stall_ns;
	u64 nr_chunks;
	u64 long_every;
	u64 long_ns;
	u64 nr_started;
	u8 *picks;
	unsigned int pick_cap;
	unsigned int nr_picks;
};

/**
 * share() - a share of engine time in permille
 * @got: engine time of one
 * @total: engine time of all
 *
 * Return: @got in permille of @total, rounded; 0 when @total is 0.
 */
static inline u32 share(u64 got, u64 total)
{
	return total ? div64_u64(got * 1000 + total / 2, total) : 0;
}

/**
 * pm_diff() - the distance between two shares
 * @a: one share, in permille
 * @b: the other
 *
 * Return: |@a - @b|.
 */
static inline u32 pm_diff(u32 a, u32 b)
{
	return a > b ? a - b : b - a;
}

/**
 * struct rec - what the recorder saw, the private data of vkt_rec_ops
 * @kicks: kicks of each engine
 * @nr_kicks: kicks of all engines
 * @armed: the expiry of the last timer armed
 * @nr_arms: timers armed
 */
struct rec {
	unsigned int kicks[SIM_ENGINES];
	unsigned int nr_kicks;
	u64 armed;
	unsigned int nr_arms;
};

/* The recorder's callbacks, vkt_rec_kick() and vkt_rec_arm(). */
extern const struct vaccel_sched_ops vkt_rec_ops;
void vkt_rec_kick(void *priv, unsigned int engine);
void vkt_rec_arm(void *priv, u64 expires);

/**
 * sim_window() - service in a window of ticks
 * @se: the instance
 * @from: first tick
 * @n: ticks
 *
 * Return: the engine ns @se ran in ticks @from to @from + @n - 1.
 */
static inline u64 sim_window(const struct sim_ent *se, unsigned int from,
			     unsigned int n)
{
	u64 sum = 0;
	unsigned int k;

	for (k = from; k < from + n && k < SIM_TICKS; k++)
		sum += se->tick[k];
	return sum;
}

struct sim *vkt_sim_new(struct kunit *test, unsigned int engines);
struct sim_ent *vkt_sim_add(struct sim *sim, unsigned int slots,
			    unsigned int weight);
void vkt_sim_wake(struct sim *sim, struct sim_ent *se, unsigned int queues);
void vkt_sim_record(struct sim *sim, struct sim_ent *se, u64 from, u64 to);
void vkt_sim_lag_start(struct sim *sim, const u32 *permille);
void vkt_sim_pick(struct sim *sim, unsigned int i);
void vkt_sim_run(struct sim *sim, u64 until);
void vkt_sim_flush(struct sim *sim);
void vkt_sim_age(struct sim *sim, u64 delta);

#endif /* _VACCEL_SCHED_SIM_H */
