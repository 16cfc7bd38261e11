// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites vaccel_sched and vaccel_sched_sim: the card scheduler.
 *
 * vaccel_sched checks the API one call at a time: validation of the
 * tunables, kicks and timers, removal while running.  vaccel_sched_sim
 * drives it with a mock engine backend on a manually advanced clock, a
 * deterministic discrete-event simulation: E engines, each running what
 * vaccel_sched_pick() gives in chunks of 10 to 50 us (a fixed pseudo-random
 * sequence), calling vaccel_sched_should_preempt() after every chunk, as
 * src/ engines do.  The mock measures what ran where by itself; the shares,
 * caps, latencies and statistics it checks are computed from that record,
 * never taken from the scheduler.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "sched.h"

#define MS		1000000ULL
#define US		1000ULL
#define SIM_ENGINES	4
#define SIM_ENTS	4
#define NEVER		U64_MAX
#define CHUNK_MIN	(10 * US)
#define CHUNK_MAX	(50 * US)
#define CHUNKS_PER_JOB	7
#define SIM_PERIODS	512

/*
 * The lag bound of docs/scheduler.md: how far an instance's engine time
 * may trail or lead its ideal share while the set of busy instances and
 * the tunables stay the same:
 * (s + E * c) * (1 + n * w_i / W) + E * s * (1 + w_i / W), for n busy
 * instances of total weight W, slice s and chunk c; @wmax is the largest
 * w_i.
 */
static u64 lag_bound(unsigned int e, unsigned int n, unsigned int wmax,
		     unsigned int wsum, u64 slice)
{
	u64 key = slice + (u64)e * CHUNK_MAX;	/* spread of the keys */
	u64 ahead = (u64)e * slice;		/* slices committed */

	return key + div_u64(key * n * wmax, wsum) + ahead +
	       div_u64(ahead * wmax, wsum);
}

/*
 * The latency bound of docs/scheduler.md: the longest an instance that
 * wakes after idling waits for an engine, among n instances,
 * (ceil((n - 1) / E) + w_max/w_min) * (slice + chunk).
 */
static u64 latency_bound(unsigned int e, unsigned int n, unsigned int wratio,
			 u64 slice)
{
	return (DIV_ROUND_UP(n - 1, e) + wratio) * (slice + CHUNK_MAX);
}

struct sim;

struct sim_ent {
	struct vaccel_sched_entity se;
	struct sim *sim;
	unsigned int idx;
	unsigned int queues;		/* demand: queues with work */
	unsigned int running;		/* engines running it, by the mock */
	u64 service;			/* engine ns it ran, by the mock */
	u64 chunks;
	u32 job_chunks;
	u64 jobs;
	u64 period[SIM_PERIODS];	/* service per fixed_share period */
	/* the mock's own record of waits (work, no engine) */
	bool waiting;
	u64 wait_start;
	u64 waits;
	u64 wait_ns;
	u64 wait_max;
	/* fewest and most engines running it while lag is tracked */
	unsigned int run_min;
	unsigned int run_max;
	/* first pick after sim_wake() from idle */
	bool timing;
	u64 woke;
	u64 max_latency;
};

struct sim_engine {
	struct sim_ent *cur;
	bool idle;
	u64 next;		/* end of the current chunk, or pick time */
	u64 chunk_start;
};

struct sim {
	struct kunit *test;
	struct vaccel_sched s;
	unsigned int nr_engines;
	u64 now;
	u64 timer;
	u32 rng;
	struct sim_engine eng[SIM_ENGINES];
	struct sim_ent *ent[SIM_ENTS];
	u64 busy;		/* total engine ns run */
	u64 starved;		/* engine ns idle while demand waited */
	u64 bad_kicks;
	/* lag tracking against ideal shares (permille), when set */
	bool track_lag;
	u32 ideal[SIM_ENTS];
	u64 lag_from_busy;
	u64 lag_from_service[SIM_ENTS];
	s64 max_lag;
};

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

static struct sim *sim_new(struct kunit *test, unsigned int engines)
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

static u64 sim_rand_chunk(struct sim *sim)
{
	sim->rng = sim->rng * 1103515245 + 12345;
	return CHUNK_MIN + (sim->rng >> 8) % (u32)(CHUNK_MAX - CHUNK_MIN + 1);
}

static struct sim_ent *sim_add(struct sim *sim, unsigned int slots,
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

static void sim_wake(struct sim *sim, struct sim_ent *se, unsigned int queues)
{
	if (!se->queues && queues) {
		se->timing = true;
		se->woke = sim->now;
	}
	se->queues = queues;
	vaccel_sched_wake(&sim->s, &se->se, queues, sim->now);
	sim_note_waits(sim);
}

/* Engine time [from, to) ran on @se. */
static void sim_record(struct sim *sim, struct sim_ent *se, u64 from, u64 to)
{
	u64 t = from;

	se->service += to - from;
	sim->busy += to - from;
	while (t < to) {
		u64 k = div64_u64(t, VACCEL_SCHED_PERIOD_NS);
		u64 end = min(to, (k + 1) * VACCEL_SCHED_PERIOD_NS);

		if (k < SIM_PERIODS)
			se->period[k] += end - t;
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

static void sim_lag_start(struct sim *sim, const u32 *permille)
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

static void sim_pick(struct sim *sim, unsigned int i)
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
	if (se->timing) {
		se->timing = false;
		se->max_latency = max(se->max_latency, sim->now - se->woke);
	}
	eng->cur = se;
	eng->chunk_start = sim->now;
	eng->next = sim->now + sim_rand_chunk(sim);
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
		sim_pick(sim, i);
		return;
	}
	sim_record(sim, se, eng->chunk_start, sim->now);
	se->chunks++;
	if (++se->job_chunks == CHUNKS_PER_JOB) {
		se->job_chunks = 0;
		se->jobs++;
		vaccel_sched_job_done(&se->se);
	}
	r = vaccel_sched_should_preempt(&sim->s, i, sim->now);
	if (!r && se->queues) {
		/* Fewer queues than engines running it: one must stop. */
		KUNIT_EXPECT_GE(sim->test, se->queues, se->running);
		eng->chunk_start = sim->now;
		eng->next = sim->now + sim_rand_chunk(sim);
		return;
	}
	sim_stop(sim, i);
	vaccel_sched_put(&sim->s, i, sim->now, se->queues);
	sim_pick(sim, i);
}

static bool sim_want(struct sim *sim)
{
	unsigned int i;

	for (i = 0; i < SIM_ENTS; i++)
		if (sim->ent[i] && sim->ent[i]->queues > sim->ent[i]->running)
			return true;
	return false;
}

/* Run the simulation until @until, events at @until included. */
static void sim_run(struct sim *sim, u64 until)
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

/* Charge running chunks up to now, as a snapshot does. */
static void sim_flush(struct sim *sim)
{
	unsigned int i;

	for (i = 0; i < sim->nr_engines; i++) {
		struct sim_engine *eng = &sim->eng[i];

		if (eng->cur) {
			sim_record(sim, eng->cur, eng->chunk_start, sim->now);
			eng->chunk_start = sim->now;
		}
	}
}

/* A share of engine time in permille, rounded. */
static u32 share(u64 got, u64 total)
{
	return total ? div64_u64(got * 1000 + total / 2, total) : 0;
}

static u32 pm_diff(u32 a, u32 b)
{
	return a > b ? a - b : b - a;
}

/* ---- vaccel_sched: the API, call by call ---- */

struct rec {
	unsigned int kicks[SIM_ENGINES];
	unsigned int nr_kicks;
	u64 armed;
	unsigned int nr_arms;
};

static void rec_kick(void *priv, unsigned int engine)
{
	struct rec *r = priv;

	r->kicks[engine]++;
	r->nr_kicks++;
}

static void rec_arm(void *priv, u64 expires)
{
	struct rec *r = priv;

	r->armed = expires;
	r->nr_arms++;
}

static const struct vaccel_sched_ops rec_ops = {
	.kick = rec_kick,
	.arm = rec_arm,
};

static void vaccel_sched_test_validation(struct kunit *test)
{
	struct vaccel_sched *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct vaccel_sched_entity *e = kunit_kzalloc(test, sizeof(*e),
						      GFP_KERNEL);
	static const struct vaccel_sched_ops no_kick = { .arm = rec_arm };
	static const unsigned int bad_slots[] = { 0, 3, 5, 8 };
	enum vaccel_sched_policy bad_policy = (enum vaccel_sched_policy)-1;
	struct rec r = { };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, 0, &rec_ops, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, VACCEL_MAX_ENGINES + 1,
						&rec_ops, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, 1, &no_kick, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, 1, NULL, &r), -EINVAL);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, VACCEL_MAX_ENGINES,
						&rec_ops, &r), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, 2, &rec_ops, &r), 0);

	/* Defaults. */
	KUNIT_EXPECT_EQ(test, s->policy, VACCEL_SCHED_BEST_EFFORT);
	KUNIT_EXPECT_EQ(test, s->slice_ns, VACCEL_SCHED_SLICE_DEFAULT);
	KUNIT_EXPECT_EQ(test, VACCEL_SCHED_SLICE_DEFAULT, 1 * MS);

	/* Policy. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_policy(s, VACCEL_SCHED_NR_POLICIES,
						      0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_policy(s, bad_policy, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, s->policy, VACCEL_SCHED_BEST_EFFORT);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_policy(s, VACCEL_SCHED_EQUAL_SHARE,
						      0), 0);
	KUNIT_EXPECT_EQ(test, s->policy, VACCEL_SCHED_EQUAL_SHARE);

	/* Slice: 100 us to 100 ms. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_slice(s, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_slice(s, 100 * US - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_slice(s, 100 * MS + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_slice(s, U64_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, s->slice_ns, 1 * MS);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_slice(s, 100 * US), 0);
	KUNIT_EXPECT_EQ(test, s->slice_ns, 100 * US);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_slice(s, 100 * MS), 0);
	KUNIT_EXPECT_EQ(test, s->slice_ns, 100 * MS);

	/* Slots: 1, 2 or 4. */
	for (i = 0; i < ARRAY_SIZE(bad_slots); i++)
		KUNIT_EXPECT_EQ(test, vaccel_sched_add(s, e, bad_slots[i], 0),
				-EINVAL);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, e, 2, 0), 0);

	/* Weight: 1 to 1000, 0 for the type's default. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_weight(e), 2);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_weight(s, e, 1001, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_weight(s, e, UINT_MAX, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_weight(e), 2);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_weight(s, e, 1000, 0), 0);
	KUNIT_EXPECT_EQ(test, vaccel_sched_weight(e), 1000);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_weight(s, e, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, vaccel_sched_weight(e), 1);
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_weight(s, e, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, vaccel_sched_weight(e), 2);
	vaccel_sched_remove(s, e, 0);
	vaccel_sched_remove(s, e, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&s->entities));
}

static void vaccel_sched_test_names(struct kunit *test)
{
	static const char * const names[] = {
		"best_effort", "fixed_share", "equal_share",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		KUNIT_EXPECT_STREQ(test, vaccel_sched_policy_name(i), names[i]);
		KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse(names[i]), i);
	}
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("fixed_share\n"),
			VACCEL_SCHED_FIXED_SHARE);
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("fair"), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("best_effort "),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, vaccel_sched_policy_name(3));
	KUNIT_EXPECT_STREQ(test, vaccel_sched_reason_name(VACCEL_SCHED_SLICE),
			   "slice");
	KUNIT_EXPECT_NULL(test,
			  vaccel_sched_reason_name(VACCEL_SCHED_NR_REASONS));
}

/* Kicks go to idle engines only, one per engine's worth of new work. */
static void vaccel_sched_test_kick(struct kunit *test)
{
	struct vaccel_sched *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct vaccel_sched_entity *a = kunit_kzalloc(test, sizeof(*a),
						      GFP_KERNEL);
	struct vaccel_sched_entity *b = kunit_kzalloc(test, sizeof(*b),
						      GFP_KERNEL);
	struct rec r = { };
	u64 slice;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, 2, &rec_ops, &r), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, a, 1, 0), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, b, 1, 0), 0);

	/* Nothing to run: NULL, no kick. */
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 0, 0, &slice));
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 1, 0, &slice));
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 0);

	/* One queue: one engine kicked, and only once. */
	vaccel_sched_wake(s, a, 1, 1000);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_EXPECT_EQ(test, r.kicks[0], 1);
	vaccel_sched_wake(s, a, 1, 2000);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	/* A second queue: the other engine. */
	vaccel_sched_wake(s, a, 2, 3000);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 2);
	KUNIT_EXPECT_EQ(test, r.kicks[1], 1);
	/* More work than engines: nobody left to kick. */
	vaccel_sched_wake(s, b, 3, 4000);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 2);

	/*
	 * a waited longer: engine 0 goes to a.  a's key then counts the
	 * slice it has there, so engine 1, free at the same moment, goes to
	 * b rather than to a as well (no convoy).  b starts later.
	 */
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, 5000, &slice), a);
	KUNIT_EXPECT_EQ(test, slice, 1 * MS);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 1, 300 * US, &slice), b);

	/* Within the slice: go on. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, 500 * US),
			VACCEL_SCHED_CONTINUE);
	/*
	 * Slice over, a chunk late: a has had 1100 us, b is due 1000 us by
	 * the end of its slice, so b's key is smaller.
	 */
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, 1105 * US),
			VACCEL_SCHED_SLICE);
	/* The answer sticks until the put. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, 1110 * US),
			VACCEL_SCHED_SLICE);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, 1110 * US, 2),
			VACCEL_SCHED_SLICE);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, 1110 * US, &slice), b);
	KUNIT_EXPECT_EQ(test, a->st.preemptions, 1);
	KUNIT_EXPECT_EQ(test, a->st.picks, 1);
	KUNIT_EXPECT_EQ(test, a->st.switches, 1);
	KUNIT_EXPECT_EQ(test, b->st.picks, 2);
	KUNIT_EXPECT_EQ(test, b->st.switches, 2);

	/* b drops to one queue on two engines: exactly one engine stops. */
	vaccel_sched_wake(s, b, 1, 1200 * US);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, 1200 * US),
			VACCEL_SCHED_DEMAND);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 1, 1200 * US),
			VACCEL_SCHED_CONTINUE);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, 1200 * US, 1),
			VACCEL_SCHED_DEMAND);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 1, 1210 * US),
			VACCEL_SCHED_CONTINUE);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, 1210 * US, &slice), a);

	/* a runs out of work while on engine 0: told so, it stops. */
	vaccel_sched_wake(s, a, 0, 1250 * US);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, 1250 * US),
			VACCEL_SCHED_DEMAND);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, 1250 * US, 0),
			VACCEL_SCHED_DEMAND);
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 0, 1250 * US, &slice));
	KUNIT_EXPECT_EQ(test, slice, 0);

	/* New work for a: the idle engine is kicked. */
	r.nr_kicks = 0;
	vaccel_sched_wake(s, a, 1, 1300 * US);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_EXPECT_EQ(test, r.kicks[0], 2);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, 1300 * US, &slice), a);

	/* Done: idle puts, idle engines; new work kicks again. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, 1400 * US, 0),
			VACCEL_SCHED_IDLE);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 1, 1400 * US, 0),
			VACCEL_SCHED_IDLE);
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 0, 1400 * US, &slice));
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 1, 1400 * US, &slice));
	r.nr_kicks = 0;
	vaccel_sched_wake(s, b, 1, 1500 * US);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_EXPECT_EQ(test, r.nr_arms, 0);
}

/* fixed_share: the budget ends, the engine idles, the timer brings it back. */
static void vaccel_sched_test_throttle_timer(struct kunit *test)
{
	struct vaccel_sched *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct vaccel_sched_entity *a = kunit_kzalloc(test, sizeof(*a),
						      GFP_KERNEL);
	struct vaccel_sched_stats st;
	struct rec r = { };
	u64 t, slice, p = VACCEL_SCHED_PERIOD_NS;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, 1, &rec_ops, &r), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, a, 1, 0), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(s, VACCEL_SCHED_FIXED_SHARE,
						      0), 0);
	vaccel_sched_wake(s, a, 1, 0);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_ASSERT_PTR_EQ(test, vaccel_sched_pick(s, 0, 0, &slice), a);
	r.nr_kicks = 0;
	/* The slice is no longer than the budget: a quarter of a period. */
	KUNIT_EXPECT_EQ(test, slice, min(1 * MS, p / 4));

	/* Chunks of 50 us until the quarter of the period is used. */
	for (t = 50 * US; t < p / 4; t += 50 * US)
		KUNIT_ASSERT_EQ(test, vaccel_sched_should_preempt(s, 0, t),
				VACCEL_SCHED_CONTINUE);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, p / 4),
			VACCEL_SCHED_THROTTLED);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, p / 4, 1),
			VACCEL_SCHED_THROTTLED);
	KUNIT_EXPECT_EQ(test, r.nr_arms, 1);
	KUNIT_EXPECT_EQ(test, r.armed, p);
	/* Throttled: the engine idles although a has work. */
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 0, p / 4, &slice));
	KUNIT_EXPECT_EQ(test, r.nr_arms, 1);
	vaccel_sched_wake(s, a, 1, p / 2);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 0);
	vaccel_sched_snapshot(s, a, p / 2, &st);
	KUNIT_EXPECT_TRUE(test, st.throttled);
	KUNIT_EXPECT_EQ(test, st.throttles, 1);
	KUNIT_EXPECT_EQ(test, st.busy_ns, p / 4);

	/* The new period: the timer kicks the engine. */
	vaccel_sched_timer(s, p);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, p, &slice), a);
	vaccel_sched_snapshot(s, a, p + 10 * US, &st);
	KUNIT_EXPECT_FALSE(test, st.throttled);
	/* Picked at once first, then it waited from throttling to the period. */
	KUNIT_EXPECT_EQ(test, st.waits, 2);
	KUNIT_EXPECT_EQ(test, st.wait_ns, p - p / 4);
	KUNIT_EXPECT_EQ(test, st.wait_max_ns, p - p / 4);

	/* Back to best_effort: the engine picks again, no throttling. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_policy(s, VACCEL_SCHED_BEST_EFFORT,
						      p + 20 * US), 0);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, p + 30 * US),
			VACCEL_SCHED_POLICY);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, p + 30 * US, 1),
			VACCEL_SCHED_POLICY);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, p + 30 * US, &slice),
			    a);
	for (t = p + 80 * US; t < 2 * p; t += 50 * US)
		KUNIT_ASSERT_EQ(test, vaccel_sched_should_preempt(s, 0, t),
				VACCEL_SCHED_CONTINUE);
}

/* Removal of an instance while an engine runs it. */
static void vaccel_sched_test_remove_running(struct kunit *test)
{
	struct vaccel_sched *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct vaccel_sched_entity *a = kunit_kzalloc(test, sizeof(*a),
						      GFP_KERNEL);
	struct vaccel_sched_entity *b = kunit_kzalloc(test, sizeof(*b),
						      GFP_KERNEL);
	struct vaccel_sched_stats st;
	struct rec r = { };
	u64 slice;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, 2, &rec_ops, &r), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, a, 2, 0), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, b, 1, 0), 0);
	vaccel_sched_wake(s, a, 1, 0);
	vaccel_sched_wake(s, b, 1, 0);
	KUNIT_ASSERT_PTR_EQ(test, vaccel_sched_pick(s, 0, 0, &slice), a);
	KUNIT_ASSERT_PTR_EQ(test, vaccel_sched_pick(s, 1, 0, &slice), b);
	KUNIT_ASSERT_EQ(test, vaccel_sched_should_preempt(s, 0, 50 * US),
			VACCEL_SCHED_CONTINUE);

	/* Mid-slice, mid-chunk. */
	vaccel_sched_remove(s, a, 70 * US);
	KUNIT_EXPECT_EQ(test, a->st.busy_ns, 70 * US);
	/* The entity's memory goes away with the instance. */
	memset(a, 0x6b, sizeof(*a));
	kunit_kfree(test, a);

	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, 80 * US),
			VACCEL_SCHED_REMOVED);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, 80 * US, 5),
			VACCEL_SCHED_REMOVED);
	/* b has a single queue, already on engine 1: engine 0 idles. */
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 0, 80 * US, &slice));
	vaccel_sched_wake(s, b, 2, 90 * US);
	KUNIT_EXPECT_EQ(test, r.kicks[0], 2);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, 90 * US, &slice), b);
	/* b now alone: its slices just go on. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 1, 3 * MS),
			VACCEL_SCHED_CONTINUE);
	vaccel_sched_snapshot(s, b, 3 * MS, &st);
	KUNIT_EXPECT_EQ(test, st.busy_ns, 3 * MS + 3 * MS - 90 * US);
	KUNIT_EXPECT_EQ(test, st.nr_running, 2);
}

/* ---- vaccel_sched_sim: the mock engines ---- */

struct share_case {
	const char *desc;
	unsigned int engines;
	enum vaccel_sched_policy policy;
	u64 slice;
	unsigned int n;
	unsigned int slots[SIM_ENTS];
	unsigned int weight[SIM_ENTS];
	unsigned int queues[SIM_ENTS];	/* 0: as many as engines */
	u32 expect[SIM_ENTS];		/* permille of the card */
};

#define P_BE	VACCEL_SCHED_BEST_EFFORT
#define P_FS	VACCEL_SCHED_FIXED_SHARE
#define P_ES	VACCEL_SCHED_EQUAL_SHARE

static const struct share_case share_cases[] = {
	{ "1of2+1of4+1of4 E=1", 1, P_BE, 0, 3, { 2, 1, 1 }, { }, { },
	  { 500, 250, 250 } },
	{ "1of2+1of4+1of4 E=2", 2, P_BE, 0, 3, { 2, 1, 1 }, { }, { },
	  { 500, 250, 250 } },
	{ "1of2+1of4+1of4 E=3", 3, P_BE, 0, 3, { 2, 1, 1 }, { }, { },
	  { 500, 250, 250 } },
	{ "1of2+1of4+1of4 E=4", 4, P_BE, 0, 3, { 2, 1, 1 }, { }, { },
	  { 500, 250, 250 } },
	{ "4 x 1of4 E=4", 4, P_BE, 0, 4, { 1, 1, 1, 1 }, { }, { },
	  { 250, 250, 250, 250 } },
	{ "4 x 1of4 E=1", 1, P_BE, 0, 4, { 1, 1, 1, 1 }, { }, { },
	  { 250, 250, 250, 250 } },
	{ "1of1+1of4 E=1", 1, P_BE, 0, 2, { 4, 1 }, { }, { }, { 800, 200 } },
	{ "1of1+1of4 E=2", 2, P_BE, 0, 2, { 4, 1 }, { }, { }, { 800, 200 } },
	{ "1of1+1of4 E=4", 4, P_BE, 0, 2, { 4, 1 }, { }, { }, { 800, 200 } },
	{ "1of1+1of4 weights 1:1 E=2", 2, P_BE, 0, 2, { 4, 1 }, { 1, 1 }, { },
	  { 500, 500 } },
	{ "1of2+1of4 weights 1:3 E=4", 4, P_BE, 0, 2, { 2, 1 }, { 10, 30 }, { },
	  { 250, 750 } },
	{ "1of4 w1000 + 1of4 w10 E=2", 2, P_BE, 0, 2, { 1, 1 }, { 1000, 10 },
	  { }, { 990, 10 } },
	{ "1of2+1of4+1of4 slice 100us E=2", 2, P_BE, 100 * US, 3, { 2, 1, 1 },
	  { }, { }, { 500, 250, 250 } },
	{ "1of2+1of4+1of4 slice 10ms E=4", 4, P_BE, 10 * MS, 3, { 2, 1, 1 },
	  { }, { }, { 500, 250, 250 } },
	/* One queue: the 1of1 can use one engine of four, whatever its weight. */
	{ "1of1 one queue + 1of4 E=4", 4, P_BE, 0, 2, { 4, 1 }, { }, { 1, 4 },
	  { 250, 750 } },
	{ "1of2 one queue + 2 x 1of4 E=4", 4, P_BE, 0, 3, { 2, 1, 1 }, { },
	  { 1, 4, 4 }, { 250, 375, 375 } },
	{ "equal_share 1of1+1of4 E=2", 2, P_ES, 0, 2, { 4, 1 }, { }, { },
	  { 500, 500 } },
	{ "equal_share ignores weights E=4", 4, P_ES, 0, 3, { 2, 1, 1 },
	  { 100, 1, 7 }, { }, { 333, 333, 333 } },
	{ "fixed_share full card E=2", 2, P_FS, 0, 3, { 2, 1, 1 }, { }, { },
	  { 500, 250, 250 } },
	{ "fixed_share 4 x 1of4 E=4", 4, P_FS, 0, 4, { 1, 1, 1, 1 }, { }, { },
	  { 250, 250, 250, 250 } },
};

static void share_case_desc(const struct share_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(share, share_cases, share_case_desc);

static unsigned int case_weight(const struct share_case *c, unsigned int i)
{
	return c->policy == P_ES ? 1 : c->weight[i] ?: c->slots[i];
}

static u64 case_lag_bound(const struct share_case *c, u64 slice)
{
	unsigned int i, wmax = 0, wsum = 0;

	for (i = 0; i < c->n; i++) {
		wmax = max(wmax, case_weight(c, i));
		wsum += case_weight(c, i);
	}
	return lag_bound(c->engines, c->n, wmax, wsum, slice);
}

/*
 * Saturated mixes converge to their shares within 1 percentage point, and
 * no instance's engine time strays from its ideal by more than the lag
 * bound at any time.
 */
static void vaccel_sched_test_shares(struct kunit *test)
{
	const struct share_case *c = test->param_value;
	struct sim *sim = sim_new(test, c->engines);
	u64 slice = c->slice ?: VACCEL_SCHED_SLICE_DEFAULT;
	/* At least 100 slices: the lag bound is then within 1 point. */
	u64 start[SIM_ENTS], total, warm = 20 * MS, run = max(500 * MS, 100 * slice);
	u64 switches = 0;
	bool equal_whole = c->engines % c->n == 0;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		equal_whole &= case_weight(c, i) == case_weight(c, 0) &&
			       (!c->queues[i] || c->queues[i] >= c->engines);
	if (c->slice)
		KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice),
				0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s, c->policy, 0), 0);
	for (i = 0; i < c->n; i++)
		sim_add(sim, c->slots[i], c->weight[i]);
	for (i = 0; i < c->n; i++)
		sim_wake(sim, sim->ent[i], c->queues[i] ?: c->engines);
	sim_run(sim, warm);
	sim_lag_start(sim, c->expect);
	for (i = 0; i < c->n; i++)
		start[i] = sim->ent[i]->service;
	sim_run(sim, warm + run);

	total = (u64)c->engines * run;
	for (i = 0; i < c->n; i++) {
		u32 got = share(sim->ent[i]->service - start[i], total);

		KUNIT_EXPECT_LE_MSG(test, pm_diff(got, c->expect[i]), 10,
				    "instance %u got %u permille, expected %u",
				    i, got, c->expect[i]);
	}
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
	KUNIT_EXPECT_LE_MSG(test, sim->max_lag, case_lag_bound(c, slice),
			    "max lag %lld ns", sim->max_lag);
	/*
	 * No convoys: engines whose slices end together do not all go to
	 * the instance that is behind, so an instance never runs on more
	 * than one engine above its share (work conserving policies; under
	 * fixed_share the budgets decide).  With equal weights and whole
	 * engines each, every instance keeps its engines, like a VF.
	 */
	for (i = 0; i < c->n; i++) {
		const struct sim_ent *se = sim->ent[i];
		unsigned int most = DIV_ROUND_UP(c->engines * c->expect[i], 1000);

		switches += se->se.st.switches;
		kunit_info(test, "instance %u on %u to %u engines", i,
			   se->run_min, se->run_max);
		if (c->policy == P_FS)
			continue;
		KUNIT_EXPECT_LE_MSG(test, se->run_max, most + 1,
				    "instance %u on up to %u engines, its share is %u permille of %u",
				    i, se->run_max, c->expect[i], c->engines);
		if (equal_whole) {
			KUNIT_EXPECT_EQ(test, se->run_min, c->engines / c->n);
			KUNIT_EXPECT_EQ(test, se->run_max, c->engines / c->n);
		}
	}
	kunit_info(test, "max lag %lld ns (bound %llu), %llu switches",
		   sim->max_lag, case_lag_bound(c, slice), switches);
}

struct conserve_case {
	const char *desc;
	enum vaccel_sched_policy policy;
	unsigned int engines;
};

static const struct conserve_case conserve_cases[] = {
	{ "best_effort E=1", P_BE, 1 },
	{ "best_effort E=4", P_BE, 4 },
	{ "equal_share E=2", P_ES, 2 },
};

static void conserve_case_desc(const struct conserve_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(conserve, conserve_cases, conserve_case_desc);

/*
 * Work conservation: with the other two idle, a busy 1of4 gets the whole
 * card; an instance that comes and goes gets its share while busy, and
 * its idle share goes to the others.
 */
static void vaccel_sched_test_idle_and_bursty(struct kunit *test)
{
	const struct conserve_case *c = test->param_value;
	struct sim *sim = sim_new(test, c->engines);
	struct sim_ent *half, *q1, *q2;
	u64 t, on, off, from[3], ideal[3] = { }, total;
	unsigned int e = c->engines, i, phase;
	u32 busy_share[3], idle_share[3];

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s, c->policy, 0), 0);
	half = sim_add(sim, 2, 0);
	q1 = sim_add(sim, 1, 0);
	q2 = sim_add(sim, 1, 0);

	/* Only q1 is busy: it gets the whole card. */
	sim_wake(sim, q1, e);
	sim_run(sim, 200 * MS);
	sim_flush(sim);
	KUNIT_EXPECT_EQ(test, q1->service, (u64)e * 200 * MS);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);

	/*
	 * half and q1 busy, q2 bursty: busy for @on, idle for @off, with
	 * phase lengths that do not divide the slice.
	 */
	if (c->policy == P_ES) {
		busy_share[0] = 333; busy_share[1] = 333; busy_share[2] = 333;
		idle_share[0] = 500; idle_share[1] = 500; idle_share[2] = 0;
	} else {
		busy_share[0] = 500; busy_share[1] = 250; busy_share[2] = 250;
		idle_share[0] = 667; idle_share[1] = 333; idle_share[2] = 0;
	}
	sim_wake(sim, half, e);
	for (i = 0; i < 3; i++)
		from[i] = sim->ent[i]->service;
	t = sim->now;
	for (phase = 0; phase < 12; phase++) {
		on = (37 + 11 * (phase % 3)) * MS + 123 * US;
		off = (23 + 13 * (phase % 4)) * MS + 457 * US;
		sim_wake(sim, q2, e);
		sim_run(sim, t + on);
		sim_wake(sim, q2, 0);
		sim_run(sim, t + on + off);
		for (i = 0; i < 3; i++)
			ideal[i] += div_u64((u64)e * (on * busy_share[i] +
						      off * idle_share[i]),
					    1000);
		t += on + off;
	}
	sim_flush(sim);
	total = (u64)e * (t - 200 * MS);
	for (i = 0; i < 3; i++) {
		s64 d = (s64)(sim->ent[i]->service - from[i]) - (s64)ideal[i];

		/* 1 percentage point, plus the lag bound per phase change. */
		KUNIT_EXPECT_LE_MSG(test, abs(d),
				    div_u64(total, 100) +
				    24 * lag_bound(e, 3, 2, 4, 1 * MS),
				    "instance %u: %lld ns from its ideal", i, d);
	}
	/* Nothing wasted: idle shares went to the busy instances. */
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	KUNIT_EXPECT_EQ(test, sim->busy, (u64)e * sim->now);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

struct wake_case {
	const char *desc;
	unsigned int engines;
	u64 slice;
};

static const struct wake_case wake_cases[] = {
	{ "E=1 slice 1ms", 1, 1 * MS },
	{ "E=2 slice 1ms", 2, 1 * MS },
	{ "E=4 slice 2ms", 4, 2 * MS },
	{ "E=2 slice 100us", 2, 100 * US },
};

static void wake_case_desc(const struct wake_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(wake, wake_cases, wake_case_desc);

/*
 * A waking instance cannot monopolise the card: after a long idle it gets
 * no more than its share (plus the lag bound) in every window that
 * follows, the others keep theirs, and it waits at most the latency bound
 * for its first engine.
 */
static void vaccel_sched_test_wake_no_monopoly(struct kunit *test)
{
	const struct wake_case *c = test->param_value;
	struct sim *sim = sim_new(test, c->engines);
	struct sim_ent *ent[4];
	u64 win = 50 * MS, t, before[4], bound;
	static const u32 expect[4] = { 250, 250, 250, 250 };
	unsigned int e = c->engines, i, w, round;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice), 0);
	for (i = 0; i < 4; i++)
		ent[i] = sim_add(sim, 1, 0);
	for (i = 1; i < 4; i++)
		sim_wake(sim, ent[i], e);
	/* ent[0] idles for 1 s while the others run. */
	sim_run(sim, 1000 * MS);
	bound = lag_bound(e, 4, 1, 4, c->slice);

	for (round = 0; round < 3; round++) {
		sim_wake(sim, ent[0], e);
		KUNIT_EXPECT_TRUE(test, ent[0]->timing);
		sim_lag_start(sim, expect);
		t = sim->now;
		for (w = 0; w < 4; w++) {
			for (i = 0; i < 4; i++)
				before[i] = ent[i]->service;
			sim_run(sim, t + (w + 1) * win);
			for (i = 0; i < 4; i++) {
				u64 got = ent[i]->service - before[i];
				u64 fair = div_u64((u64)e * win, 4);

				if (i == 0)
					KUNIT_EXPECT_LE_MSG(test, got,
							    fair + bound,
							    "round %u window %u",
							    round, w);
				else
					KUNIT_EXPECT_GE_MSG(test, got + bound,
							    fair,
							    "round %u window %u",
							    round, w);
			}
		}
		KUNIT_EXPECT_LE(test, sim->max_lag, bound);
		kunit_info(test, "round %u: max lag %lld ns (bound %llu)",
			   round, sim->max_lag, bound);
		sim->track_lag = false;
		KUNIT_EXPECT_FALSE(test, ent[0]->timing);
		/* Idle again, for a while. */
		sim_wake(sim, ent[0], 0);
		sim_run(sim, sim->now + (300 + 77 * round) * MS + 13 * US);
	}
	KUNIT_EXPECT_LE_MSG(test, ent[0]->max_latency,
			    latency_bound(e, 4, 1, c->slice),
			    "first run %llu ns after the wake",
			    ent[0]->max_latency);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	kunit_info(test, "first run at most %llu ns after the wake",
		   ent[0]->max_latency);
}

/*
 * Latency: an instance that wakes now and then, among busy ones, waits at
 * most the latency bound, and the scheduler's queueing-delay statistics
 * agree with the mock's own record.
 */
static void vaccel_sched_test_latency(struct kunit *test)
{
	const struct wake_case *c = test->param_value;
	struct sim *sim = sim_new(test, c->engines);
	struct vaccel_sched_stats st;
	struct sim_ent *ent[4];
	unsigned int e = c->engines, i, k;
	u64 hist = 0;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice), 0);
	ent[0] = sim_add(sim, 1, 0);
	ent[1] = sim_add(sim, 2, 0);
	ent[2] = sim_add(sim, 4, 0);
	ent[3] = sim_add(sim, 1, 0);
	for (i = 1; i < 4; i++)
		sim_wake(sim, ent[i], e);
	sim_run(sim, 20 * MS);
	/* Short jobs: one queue busy for a moment, then idle a while. */
	for (k = 0; k < 60; k++) {
		sim_wake(sim, ent[0], 1);
		sim_run(sim, sim->now + 3 * c->slice + k * 7 * US);
		sim_wake(sim, ent[0], 0);
		sim_run(sim, sim->now + 2 * MS + k * 31 * US);
	}
	/* Weights 1, 2, 4 and 1: w_max/w_min = 4. */
	KUNIT_EXPECT_LE(test, ent[0]->max_latency,
			latency_bound(e, 4, 4, c->slice));

	vaccel_sched_snapshot(&sim->s, &ent[0]->se, sim->now, &st);
	KUNIT_EXPECT_GT(test, ent[0]->waits, 0);
	KUNIT_EXPECT_EQ(test, st.waits, ent[0]->waits);
	KUNIT_EXPECT_EQ(test, st.wait_ns, ent[0]->wait_ns);
	KUNIT_EXPECT_EQ(test, st.wait_max_ns, ent[0]->wait_max);
	KUNIT_EXPECT_GE(test, st.wait_max_ns, ent[0]->max_latency);
	for (i = 0; i < VACCEL_SCHED_WAIT_BUCKETS; i++)
		hist += st.wait_hist[i];
	KUNIT_EXPECT_EQ(test, hist, st.waits);
	kunit_info(test, "max latency %llu ns, bound %llu", ent[0]->max_latency,
		   latency_bound(e, 4, 4, c->slice));
}

/*
 * An instance held below its weighted share by its own queue count (a
 * 1of1 with one queue on two engines) does not bank the difference: when
 * its second queue gets work, it takes its new share (4/5) but no more,
 * and the other keeps its fifth, window after window.
 */
static void vaccel_sched_test_capped_no_bank(struct kunit *test)
{
	struct sim *sim = sim_new(test, 2);
	struct sim_ent *big, *small;
	static const u32 expect[SIM_ENTS] = { 800, 200 };
	u64 win = 50 * MS, before[2], bound = lag_bound(2, 2, 4, 5, 1 * MS);
	unsigned int w;

	big = sim_add(sim, 4, 0);
	small = sim_add(sim, 1, 0);
	sim_wake(sim, big, 1);
	sim_wake(sim, small, 2);
	/* One engine each for 1 s: big runs far below its weight. */
	sim_run(sim, 1000 * MS);
	KUNIT_EXPECT_LE(test, pm_diff(share(big->service, 2 * sim->now), 500),
			1);

	sim_wake(sim, big, 2);
	sim_lag_start(sim, expect);
	for (w = 0; w < 8; w++) {
		before[0] = big->service;
		before[1] = small->service;
		sim_run(sim, sim->now + win);
		KUNIT_EXPECT_LE_MSG(test, big->service - before[0],
				    div_u64(2 * win * 800, 1000) + bound,
				    "window %u", w);
		KUNIT_EXPECT_GE_MSG(test, small->service - before[1] + bound,
				    div_u64(2 * win * 200, 1000), "window %u", w);
	}
	KUNIT_EXPECT_LE(test, sim->max_lag, bound);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	kunit_info(test, "max lag %lld ns (bound %llu)", sim->max_lag, bound);
}

struct cap_case {
	const char *desc;
	unsigned int engines;
	unsigned int n;
	unsigned int slots[SIM_ENTS];
	unsigned int queues[SIM_ENTS];
};

static const struct cap_case cap_cases[] = {
	{ "one 1of4 alone E=1", 1, 1, { 1 }, { 1 } },
	{ "one 1of4 alone E=4", 4, 1, { 1 }, { 4 } },
	{ "1of2 + 1of4, a quarter idle E=2", 2, 2, { 2, 1 }, { 2, 2 } },
	{ "1of1 alone E=3", 3, 1, { 4 }, { 3 } },
	{ "1of2 + 1of4 + 1of4 busy E=4", 4, 3, { 2, 1, 1 }, { 4, 4, 4 } },
	{ "1of4 one queue E=4: below its cap", 4, 1, { 1 }, { 1 } },
};

static void cap_case_desc(const struct cap_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cap, cap_cases, cap_case_desc);

/*
 * fixed_share: in every period, no instance runs more than its cap
 * (slots/4 of the card) plus the chunks in flight when it ran out, and
 * over any run of periods no more than the caps; a busy instance gets its
 * cap, or all it can use, even when the rest of the card idles.
 */
static void vaccel_sched_test_fixed_cap(struct kunit *test)
{
	const struct cap_case *c = test->param_value;
	struct sim *sim = sim_new(test, c->engines);
	u64 p = VACCEL_SCHED_PERIOD_NS, nperiods = 150;
	unsigned int e = c->engines, i, k;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s,
						      VACCEL_SCHED_FIXED_SHARE,
						      0), 0);
	for (i = 0; i < c->n; i++)
		sim_add(sim, c->slots[i], 0);
	sim_run(sim, 3 * MS + 17 * US);
	for (i = 0; i < c->n; i++)
		sim_wake(sim, sim->ent[i], c->queues[i]);
	sim_run(sim, nperiods * p);

	for (i = 0; i < c->n; i++) {
		struct sim_ent *se = sim->ent[i];
		u64 cap = div_u64((u64)c->slots[i] * e * p, 4);
		u64 can = (u64)min(c->queues[i], e) * p;
		u64 sum = 0, lo = U64_MAX, hi = 0;

		for (k = 0; k < nperiods; k++) {
			sum += se->period[k];
			KUNIT_EXPECT_LE_MSG(test, se->period[k],
					    cap + e * CHUNK_MAX,
					    "instance %u, period %u", i, k);
			KUNIT_EXPECT_LE_MSG(test, sum,
					    (k + 1) * cap + e * CHUNK_MAX,
					    "instance %u, periods 0-%u", i, k);
			if (k >= 1) {
				lo = min(lo, se->period[k]);
				hi = max(hi, se->period[k]);
			}
		}
		/*
		 * Every full period it got its cap or all it could use, less
		 * its overshoot carried from the period before and, on a full
		 * card, the others' overshoot.
		 */
		KUNIT_EXPECT_GE_MSG(test, lo + 2 * e * CHUNK_MAX, min(cap, can),
				    "instance %u least %llu", i, lo);
		kunit_info(test, "instance %u: cap %llu, per period %llu-%llu",
			   i, cap, lo, hi);
	}
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * Changing the policy, the slice and a weight mid-run: each time the new
 * shares are reached.
 */
static void vaccel_sched_test_live_changes(struct kunit *test)
{
	struct sim *sim = sim_new(test, 2);
	struct sim_ent *half, *q1, *q2;
	static const struct {
		const char *what;
		int policy;		/* -1: unchanged */
		u64 slice;		/* 0: unchanged */
		int weight;		/* of q1, -1: unchanged */
		u32 expect[3];
	} steps[] = {
		{ "start", -1, 0, -1, { 500, 250, 250 } },
		{ "equal_share", P_ES, 0, -1, { 333, 333, 333 } },
		{ "slice 100us", -1, 100 * US, -1, { 333, 333, 333 } },
		{ "best_effort", P_BE, 0, -1, { 500, 250, 250 } },
		{ "q1 weight 6", -1, 0, 6, { 222, 667, 111 } },
		{ "slice 20ms", -1, 20 * MS, -1, { 222, 667, 111 } },
		{ "fixed_share", P_FS, 0, -1, { 500, 250, 250 } },
		{ "q1 weight default", -1, 0, 0, { 500, 250, 250 } },
		{ "best_effort, slice 1ms", P_BE, 1 * MS, -1, { 500, 250, 250 } },
	};
	u64 settle = 100 * MS, run, from[3];
	unsigned int i, k;

	half = sim_add(sim, 2, 0);
	q1 = sim_add(sim, 1, 0);
	q2 = sim_add(sim, 1, 0);
	sim_wake(sim, half, 2);
	sim_wake(sim, q1, 2);
	sim_wake(sim, q2, 2);
	/* q2 gets idle part of the time in fixed_share: keep all busy. */
	for (k = 0; k < ARRAY_SIZE(steps); k++) {
		if (steps[k].policy >= 0)
			KUNIT_ASSERT_EQ(test,
					vaccel_sched_set_policy(&sim->s,
								steps[k].policy,
								sim->now), 0);
		if (steps[k].slice)
			KUNIT_ASSERT_EQ(test,
					vaccel_sched_set_slice(&sim->s,
							       steps[k].slice),
					0);
		if (steps[k].weight >= 0)
			KUNIT_ASSERT_EQ(test,
					vaccel_sched_set_weight(&sim->s, &q1->se,
								steps[k].weight,
								sim->now), 0);
		sim_run(sim, sim->now + settle);
		/* At least 100 slices, for 1 point with the lag bound. */
		run = max(600 * MS, 100 * sim->s.slice_ns);
		for (i = 0; i < 3; i++)
			from[i] = sim->ent[i]->service;
		sim_run(sim, sim->now + run);
		for (i = 0; i < 3; i++) {
			u32 got = share(sim->ent[i]->service - from[i], 2 * run);

			KUNIT_EXPECT_LE_MSG(test,
					    pm_diff(got, steps[k].expect[i]),
					    10, "%s: instance %u got %u permille",
					    steps[k].what, i, got);
		}
	}
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * Removal mid-slice in the simulation: the engine is released at once,
 * the others take over, and the entity's memory is freed (KASAN catches
 * any stale pointer the scheduler kept).
 */
static void vaccel_sched_test_remove_mid_slice(struct kunit *test)
{
	struct sim *sim = sim_new(test, 2);
	struct sim_ent *half;
	u64 from[3], run = 500 * MS;
	unsigned int i, on = 0;

	half = sim_add(sim, 2, 0);
	sim_add(sim, 1, 0);
	sim_add(sim, 1, 0);
	for (i = 0; i < 3; i++)
		sim_wake(sim, sim->ent[i], 2);
	sim_run(sim, 100 * MS);
	/* Run on until half is on an engine, then remove it mid-chunk. */
	while (!half->running)
		sim_run(sim, sim->now + 10 * US);
	sim_run(sim, sim->now + 7 * US);
	for (i = 0; i < 2; i++) {
		if (sim->eng[i].cur != half)
			continue;
		KUNIT_EXPECT_GT(test, sim->eng[i].next, sim->now);
		sim_record(sim, half, sim->eng[i].chunk_start, sim->now);
		on++;
	}
	KUNIT_ASSERT_GT(test, on, 0);
	vaccel_sched_remove(&sim->s, &half->se, sim->now);
	KUNIT_EXPECT_EQ(test, half->se.st.busy_ns, half->service);
	for (i = 0; i < 2; i++) {
		if (sim->eng[i].cur != half)
			continue;
		/* The engine abandons the chunk and asks again. */
		KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(&sim->s, i,
								  sim->now),
				VACCEL_SCHED_REMOVED);
		KUNIT_EXPECT_EQ(test, vaccel_sched_put(&sim->s, i, sim->now, 2),
				VACCEL_SCHED_REMOVED);
		half->running--;
		sim->eng[i].cur = NULL;
		sim_pick(sim, i);
		KUNIT_EXPECT_NOT_NULL(test, sim->eng[i].cur);
	}
	sim->ent[half->idx] = NULL;
	memset(half, 0x6b, sizeof(*half));
	kunit_kfree(test, half);

	for (i = 1; i < 3; i++)
		from[i] = sim->ent[i]->service;
	sim_run(sim, sim->now + run);
	for (i = 1; i < 3; i++) {
		u32 got = share(sim->ent[i]->service - from[i], 2 * run);

		KUNIT_EXPECT_LE_MSG(test, pm_diff(got, 500), 10,
				    "instance %u got %u permille", i, got);
	}
	sim_flush(sim);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	KUNIT_EXPECT_EQ(test, sim->busy, 2 * sim->now);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * Statistics against the mock's record: busy time adds up to the engine
 * time run, chunks and jobs are those reported, a 2-instance rotation has
 * one preemption and one switch per slice, and utilisation over the last
 * complete second is the engine-time share of that second.
 */
static void vaccel_sched_test_stats(struct kunit *test)
{
	struct sim *sim = sim_new(test, 1);
	struct vaccel_sched_stats st[2];
	struct sim_ent *a, *b;
	u64 t = 2500 * MS + 37 * US, busy = 0, lo, hi, win;
	unsigned int i, k;

	a = sim_add(sim, 1, 0);
	b = sim_add(sim, 1, 0);
	sim_wake(sim, a, 1);
	sim_wake(sim, b, 1);
	sim_run(sim, t);
	sim_flush(sim);
	for (i = 0; i < 2; i++) {
		struct sim_ent *se = sim->ent[i];
		u64 in_win = 0;

		vaccel_sched_snapshot(&sim->s, &se->se, t, &st[i]);
		busy += st[i].busy_ns;
		KUNIT_EXPECT_EQ(test, st[i].busy_ns, se->service);
		KUNIT_EXPECT_EQ(test, st[i].chunks, se->chunks);
		KUNIT_EXPECT_EQ(test, st[i].jobs, se->jobs);
		KUNIT_EXPECT_GT(test, st[i].jobs, 0);
		/* Equal shares, 1 ms slices: one preemption per slice. */
		lo = div_u64(t, 2 * (1 * MS + CHUNK_MAX)) - 2;
		hi = div_u64(t, 2 * MS) + 2;
		KUNIT_EXPECT_GE(test, st[i].preemptions, lo);
		KUNIT_EXPECT_LE(test, st[i].preemptions, hi);
		KUNIT_EXPECT_EQ(test, st[i].switches, st[i].picks);
		KUNIT_EXPECT_LE(test, st[i].picks, st[i].preemptions + 1);
		KUNIT_EXPECT_EQ(test, st[i].throttles, 0);
		/* Each waits while the other runs: one wait per pick. */
		KUNIT_EXPECT_GE(test, st[i].waits + 1, st[i].picks);
		/* One slice, or two when its virtual time led at a tie. */
		KUNIT_EXPECT_GE(test, st[i].wait_max_ns, 1 * MS);
		KUNIT_EXPECT_LE(test, st[i].wait_max_ns,
				latency_bound(1, 2, 1, 1 * MS));
		KUNIT_EXPECT_EQ(test, st[i].waits, se->waits);
		KUNIT_EXPECT_EQ(test, st[i].wait_ns, se->wait_ns);
		/*
		 * Waits of one or two slices, in the buckets [512, 1024) to
		 * [2048, 4096) us; but a's first, of 0 ns.
		 */
		KUNIT_EXPECT_GE(test, st[i].wait_hist[9] + st[i].wait_hist[10] +
				st[i].wait_hist[11] + 1, st[i].waits);
		KUNIT_EXPECT_EQ(test, st[i].wait_hist[0], i == 0);
		/* The last complete second: [1.5 s, 2.5 s). */
		for (k = 150; k < 250; k++)
			in_win += se->period[k];
		KUNIT_EXPECT_EQ(test, st[i].util_short_ns, in_win);
		KUNIT_EXPECT_EQ(test, st[i].util_short,
				div64_u64(in_win * 10000, 1000 * MS));
		/* The long window covers the whole run before 2.5 s. */
		win = 0;
		for (k = 0; k < 250; k++)
			win += se->period[k];
		KUNIT_EXPECT_EQ(test, st[i].util_long_ns, win);
		KUNIT_EXPECT_LE(test, pm_diff(st[i].util_short, 5000), 100);
		KUNIT_EXPECT_EQ(test, st[i].weight, 1);
		KUNIT_EXPECT_EQ(test, st[i].slots, 1);
		KUNIT_EXPECT_EQ(test, st[i].nr_queues, 1);
		KUNIT_EXPECT_LE(test, abs(st[i].lag_ns), 2 * MS);
	}
	/* Busy time of the instances is the card's engine time. */
	KUNIT_EXPECT_EQ(test, busy, sim->busy);
	KUNIT_EXPECT_EQ(test, busy, t);
	KUNIT_EXPECT_EQ(test, st[0].nr_running + st[1].nr_running, 1);

	/* Utilisation decays as an instance idles: zero 10 s later. */
	sim_wake(sim, a, 0);
	sim_run(sim, t + 1200 * MS);
	vaccel_sched_snapshot(&sim->s, &a->se, sim->now, &st[0]);
	KUNIT_EXPECT_EQ(test, st[0].util_short_ns, 0);
	KUNIT_EXPECT_GT(test, st[0].util_long_ns, 0);
	vaccel_sched_snapshot(&sim->s, &b->se, sim->now, &st[1]);
	KUNIT_EXPECT_EQ(test, st[1].util_short, 10000);
	sim_run(sim, t + 10200 * MS);
	vaccel_sched_snapshot(&sim->s, &a->se, sim->now, &st[0]);
	KUNIT_EXPECT_EQ(test, st[0].util_long_ns, 0);
	KUNIT_EXPECT_EQ(test, st[0].busy_ns, a->service);
}

static struct kunit_case vaccel_sched_cases[] = {
	KUNIT_CASE(vaccel_sched_test_validation),
	KUNIT_CASE(vaccel_sched_test_names),
	KUNIT_CASE(vaccel_sched_test_kick),
	KUNIT_CASE(vaccel_sched_test_throttle_timer),
	KUNIT_CASE(vaccel_sched_test_remove_running),
	{ }
};

static struct kunit_suite vaccel_sched_suite = {
	.name = "vaccel_sched",
	.test_cases = vaccel_sched_cases,
};

static struct kunit_case vaccel_sched_sim_cases[] = {
	KUNIT_CASE_PARAM(vaccel_sched_test_shares, share_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_idle_and_bursty,
			 conserve_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_wake_no_monopoly, wake_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_latency, wake_gen_params),
	KUNIT_CASE(vaccel_sched_test_capped_no_bank),
	KUNIT_CASE_PARAM(vaccel_sched_test_fixed_cap, cap_gen_params),
	KUNIT_CASE(vaccel_sched_test_live_changes),
	KUNIT_CASE(vaccel_sched_test_remove_mid_slice),
	KUNIT_CASE(vaccel_sched_test_stats),
	{ }
};

static struct kunit_suite vaccel_sched_sim_suite = {
	.name = "vaccel_sched_sim",
	.test_cases = vaccel_sched_sim_cases,
};

kunit_test_suites(&vaccel_sched_suite, &vaccel_sched_sim_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
