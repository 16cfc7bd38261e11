// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler fixture of the vaccel KUnit suites (sched_sim.h).
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/slab.h>

#include "sched_sim.h"

static void sim_kick(void *priv, unsigned int engine)
{
	struct sim *sim = priv;
	struct sim_engine *eng = &sim->eng[engine];

	if (!eng->idle) {
		sim->bad_kicks++;
		return;
	}
	eng->idle = false;
	eng->next = sim->now;
}

static void sim_arm(void *priv, u64 expires)
{
	struct sim *sim = priv;

	sim->timer = expires;
}

static const struct vaccel_sched_ops sim_ops = {
	.kick = sim_kick,
	.arm = sim_arm,
};

/**
 * vkt_sim_new() - a simulated card with its scheduler, at time 0
 * @test: the test; the simulation is its resource, a failure aborts it
 * @engines: the card's engines, 1 to SIM_ENGINES
 *
 * The scheduler starts with its defaults (best_effort, the default
 * slice), no instance, every engine idle.
 *
 * Return: the simulation.
 */
struct sim *vkt_sim_new(struct kunit *test, unsigned int engines)
{
	struct sim *sim = kunit_kzalloc(test, sizeof(*sim), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sim);
	KUNIT_ASSERT_LE(test, engines, SIM_ENGINES);
	sim->test = test;
	sim->nr_engines = engines;
	sim->rng = 12345;
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(&sim->s, engines, &sim_ops, sim),
			0);
	for (i = 0; i < engines; i++) {
		sim->eng[i].idle = true;
		sim->eng[i].next = NEVER;
	}
	return sim;
}

/* The length of the next chunk of @se: its own range, or the default. */
static u64 sim_rand_chunk(struct sim *sim, const struct sim_ent *se)
{
	u64 lo = se->chunk_max ? se->chunk_min : CHUNK_MIN;
	u64 hi = se->chunk_max ?: CHUNK_MAX;

	if (sim->long_every && ++sim->nr_started % sim->long_every == 0)
		return sim->long_ns;
	sim->rng = sim->rng * 1103515245 + 12345;
	return lo + (sim->rng >> 8) % (u32)(hi - lo + 1);
}

/**
 * vkt_sim_add() - a new instance, without work, at the first free place
 * @sim: the simulation; it has fewer than SIM_ENTS instances
 * @slots: the instance's quarters of the card: 1, 2 or 4
 * @weight: its weight, 0 for its type's default
 *
 * Return: the instance, also in @sim->ent.
 */
struct sim_ent *vkt_sim_add(struct sim *sim, unsigned int slots,
			    unsigned int weight)
{
	struct kunit *test = sim->test;
	struct sim_ent *se = kunit_kzalloc(test, sizeof(*se), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, se);
	for (i = 0; i < SIM_ENTS && sim->ent[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, SIM_ENTS);
	se->sim = sim;
	se->idx = i;
	sim->ent[i] = se;
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(&sim->s, &se->se, slots, sim->now),
			0);
	if (weight)
		KUNIT_ASSERT_EQ(test, vaccel_sched_set_weight(&sim->s, &se->se,
							      weight, sim->now),
				0);
	return se;
}

/* The mock's own view of waiting: work and no engine. */
static void sim_note_waits(struct sim *sim)
{
	unsigned int i;

	for (i = 0; i < SIM_ENTS; i++) {
		struct sim_ent *se = sim->ent[i];
		bool w;

		if (!se)
			continue;
		w = se->queues && !se->running;
		if (w && !se->waiting) {
			se->waiting = true;
			se->wait_start = sim->now;
		} else if (!w && se->waiting) {
			u64 d = sim->now - se->wait_start;

			se->waiting = false;
			/* Work that vanished unserved is not a wait. */
			if (!se->running)
				continue;
			se->waits++;
			se->wait_ns += d;
			se->wait_max = max(se->wait_max, d);
		}
	}
}

/**
 * vkt_sim_wake() - set an instance's work now, as a doorbell or its end does
 * @sim: the simulation
 * @se: the instance
 * @queues: how many of its queues have work; 0 when it has none
 *
 * Tells the scheduler with vaccel_sched_wake(), which kicks idle engines
 * as it sees fit.  Work given to an instance that had none starts the
 * measure of its wake-up latency (@se->max_latency).
 */
void vkt_sim_wake(struct sim *sim, struct sim_ent *se, unsigned int queues)
{
	if (!se->queues && queues) {
		se->timing = true;
		se->woke = sim->now;
	}
	se->queues = queues;
	vaccel_sched_wake(&sim->s, &se->se, queues, sim->now);
	sim_note_waits(sim);
}

/**
 * vkt_sim_record() - record engine time as run by an instance
 * @sim: the simulation
 * @se: the instance
 * @from: the start of the engine time, in ns
 * @to: its end, excluded
 *
 * The mock engines record every chunk they end; a test calls this for a
 * chunk it cuts short itself.
 */
void vkt_sim_record(struct sim *sim, struct sim_ent *se, u64 from, u64 to)
{
	u64 t = from;

	se->service += to - from;
	sim->busy += to - from;
	while (t < to) {
		u64 k = div64_u64(t, SIM_TICK);
		u64 end = min(to, (k + 1) * SIM_TICK);

		if (k < SIM_TICKS)
			se->tick[k] += end - t;
		t = end;
	}
}

static void sim_track_lag(struct sim *sim)
{
	unsigned int i;

	if (!sim->track_lag)
		return;
	for (i = 0; i < SIM_ENTS; i++) {
		struct sim_ent *se = sim->ent[i];
		s64 ideal, lag;

		if (!se)
			continue;
		ideal = div_u64((sim->busy - sim->lag_from_busy) *
				sim->ideal[i], 1000);
		lag = ideal - (s64)(se->service - sim->lag_from_service[i]);
		sim->max_lag = max(sim->max_lag, abs(lag));
		se->run_min = min(se->run_min, se->running);
		se->run_max = max(se->run_max, se->running);
	}
}

/**
 * vkt_sim_lag_start() - start tracking lag against ideal shares
 * @sim: the simulation
 * @permille: each instance's ideal share of the engine time run from now
 *	on, in permille, for all SIM_ENTS places of @sim->ent
 *
 * From now on, after every event, vkt_sim_run() updates @sim->max_lag, and
 * each instance's run_min and run_max.  Clear @sim->track_lag to stop.
 */
void vkt_sim_lag_start(struct sim *sim, const u32 *permille)
{
	unsigned int i;

	sim->track_lag = true;
	sim->max_lag = 0;
	sim->lag_from_busy = sim->busy;
	for (i = 0; i < SIM_ENTS; i++) {
		sim->ideal[i] = permille[i];
		if (!sim->ent[i])
			continue;
		sim->lag_from_service[i] = sim->ent[i]->service;
		sim->ent[i]->run_min = UINT_MAX;
		sim->ent[i]->run_max = 0;
	}
}

/**
 * vkt_sim_pick() - an engine with nothing to run asks the scheduler for work
 * @sim: the simulation
 * @i: the engine; its @sim->eng[@i].cur is NULL
 *
 * The engine starts a chunk of what vaccel_sched_pick() gives, which must
 * be one of the instances with work for one more engine, with a slice of
 * at most the scheduler's; given nothing, the engine idles until a kick.
 */
void vkt_sim_pick(struct sim *sim, unsigned int i)
{
	struct kunit *test = sim->test;
	struct sim_engine *eng = &sim->eng[i];
	struct vaccel_sched_entity *e;
	struct sim_ent *se;
	unsigned int k;
	u64 slice;

	e = vaccel_sched_pick(&sim->s, i, sim->now, &slice);
	if (!e) {
		KUNIT_EXPECT_EQ(test, slice, 0);
		eng->cur = NULL;
		eng->idle = true;
		eng->next = NEVER;
		return;
	}
	se = container_of(e, struct sim_ent, se);
	/* Only a live instance, with work for one more engine. */
	for (k = 0; k < SIM_ENTS && sim->ent[k] != se; k++)
		;
	KUNIT_ASSERT_LT(test, k, SIM_ENTS);
	KUNIT_EXPECT_LT(test, se->running, se->queues);
	KUNIT_EXPECT_GT(test, slice, 0);
	KUNIT_EXPECT_LE(test, slice, sim->s.slice_ns);
	se->running++;
	if (sim->picks && sim->nr_picks < sim->pick_cap)
		sim->picks[sim->nr_picks++] = se->idx;
	if (se->timing) {
		se->timing = false;
		se->max_latency = max(se->max_latency, sim->now - se->woke);
		if (se->lat && se->nr_lat < se->lat_cap)
			se->lat[se->nr_lat++] = sim->now - se->woke;
	}
	eng->cur = se;
	eng->chunk_start = sim->now;
	eng->next = sim->now + sim_rand_chunk(sim, se);
	sim_note_waits(sim);
}

static void sim_stop(struct sim *sim, unsigned int i)
{
	struct sim_engine *eng = &sim->eng[i];

	eng->cur->running--;
	eng->cur = NULL;
	sim_note_waits(sim);
}

/* Engine @i reached the end of a chunk, or was kicked. */
static void sim_engine_event(struct sim *sim, unsigned int i)
{
	struct sim_engine *eng = &sim->eng[i];
	struct sim_ent *se = eng->cur;
	enum vaccel_sched_reason r;

	if (!se) {
		vkt_sim_pick(sim, i);
		return;
	}
	vkt_sim_record(sim, se, eng->chunk_start, sim->now);
	se->on_engine[i] += sim->now - eng->chunk_start;
	if (se->on_chunk)
		se->on_chunk(se->priv, eng->chunk_start, sim->now);
	se->chunks++;
	if (++se->job_chunks == CHUNKS_PER_JOB) {
		se->job_chunks = 0;
		se->jobs++;
		vaccel_sched_job_done(&se->se);
	}
	/* The instance's one job is done: no work left. */
	if (se->job_left && !--se->job_left)
		se->queues = 0;
	r = vaccel_sched_should_preempt(&sim->s, i, sim->now);
	if (sim->stall_every && ++sim->nr_chunks % sim->stall_every == 0) {
		sim_stop(sim, i);
		vaccel_sched_put(&sim->s, i, sim->now, se->queues);
		eng->next = sim->now + sim->stall_ns;
		return;
	}
	if (!r && se->queues) {
		/* Fewer queues than engines running it: one must stop. */
		KUNIT_EXPECT_GE(sim->test, se->queues, se->running);
		eng->chunk_start = sim->now;
		eng->next = sim->now + sim_rand_chunk(sim, se);
		return;
	}
	sim_stop(sim, i);
	vaccel_sched_put(&sim->s, i, sim->now, se->queues);
	vkt_sim_pick(sim, i);
}

static bool sim_want(struct sim *sim)
{
	unsigned int i;

	for (i = 0; i < SIM_ENTS; i++)
		if (sim->ent[i] && sim->ent[i]->queues > sim->ent[i]->running)
			return true;
	return false;
}

/**
 * vkt_sim_run() - run the simulation
 * @sim: the simulation
 * @until: the time to stop at, in ns; events at @until are run
 *
 * Runs the events in time order: an engine's chunk ends (then it asks
 * vaccel_sched_should_preempt(), and on a stop puts the instance back and
 * picks again), an engine was kicked, the scheduler's timer expires.
 * Then @sim->now is @until.
 */
void vkt_sim_run(struct sim *sim, u64 until)
{
	for (;;) {
		u64 t = NEVER;
		unsigned int i, idle = 0, next = SIM_ENGINES;

		for (i = 0; i < sim->nr_engines; i++) {
			if (sim->eng[i].idle)
				idle++;
			if (sim->eng[i].next < t) {
				t = sim->eng[i].next;
				next = i;
			}
		}
		if (sim->timer && sim->timer < t) {
			t = sim->timer;
			next = SIM_ENGINES;
		}
		/*
		 * Work conservation: engine time left idle while an instance
		 * wanted more engines (fixed_share throttling aside).
		 */
		if (sim->s.policy != VACCEL_SCHED_FIXED_SHARE && sim_want(sim))
			sim->starved += idle * (min(t, until) - sim->now);
		if (t > until) {
			sim->now = until;
			return;
		}
		sim->now = t;
		if (next == SIM_ENGINES) {
			sim->timer = 0;
			vaccel_sched_timer(&sim->s, t);
			continue;
		}
		sim_engine_event(sim, next);
		sim_track_lag(sim);
	}
}

/**
 * vkt_sim_flush() - record the running chunks up to now, as a snapshot does
 * @sim: the simulation
 *
 * For a test that compares the mock's record with the scheduler's
 * statistics between chunk ends.
 */
void vkt_sim_flush(struct sim *sim)
{
	unsigned int i;

	for (i = 0; i < sim->nr_engines; i++) {
		struct sim_engine *eng = &sim->eng[i];

		if (eng->cur) {
			vkt_sim_record(sim, eng->cur, eng->chunk_start, sim->now);
			eng->cur->on_engine[i] += sim->now - eng->chunk_start;
			eng->chunk_start = sim->now;
		}
	}
}

/**
 * vkt_sim_age() - fast-forward a long busy time, virtually
 * @sim: the simulation
 * @delta: virtual time to add
 *
 * As if the active instances had shared the card fairly for a long time
 * (days, years) that the simulation cannot run event by event: their
 * virtual times and the card's clock move on by @delta, wrapping as they
 * would; idle instances keep theirs.
 */
void vkt_sim_age(struct sim *sim, u64 delta)
{
	struct vaccel_sched_entity *e;

	list_for_each_entry(e, &sim->s.entities, node)
		if (!e->idle)
			e->vruntime += delta;
	sim->s.vclock += delta;
}

/**
 * vkt_rec_kick() - the recorder's kick callback
 * @priv: its struct rec
 * @engine: the engine kicked
 */
void vkt_rec_kick(void *priv, unsigned int engine)
{
	struct rec *r = priv;

	r->kicks[engine]++;
	r->nr_kicks++;
}

/**
 * vkt_rec_arm() - the recorder's arm callback
 * @priv: its struct rec
 * @expires: when the timer expires, in ns
 */
void vkt_rec_arm(void *priv, u64 expires)
{
	struct rec *r = priv;

	r->armed = expires;
	r->nr_arms++;
}

const struct vaccel_sched_ops vkt_rec_ops = {
	.kick = vkt_rec_kick,
	.arm = vkt_rec_arm,
};
