// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_sched_sim: the card scheduler driven by the mock
 * engine backend of sched_sim.h on a manually advanced clock, a
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
#include <linux/sort.h>
#include <linux/string.h>

#include "sched.h"
#include "sched_sim.h"

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
 * The largest error, in permille of the card, of @se's share over sliding
 * windows of @ticks ticks (one tick apart) within [@from, @from + @run).
 */
static u32 window_err(const struct sim_ent *se, u64 from, u64 run,
		      unsigned int ticks, unsigned int engines, u32 expect)
{
	unsigned int k0 = div_u64(from, SIM_TICK);
	unsigned int k1 = min_t(u64, div_u64(from + run, SIM_TICK), SIM_TICKS);
	u64 total = (u64)engines * ticks * SIM_TICK;
	u32 err = 0;
	unsigned int k;

	for (k = k0; k + ticks <= k1; k++)
		err = max(err, pm_diff(share(sim_window(se, k, ticks), total),
				       expect));
	return err;
}

/*
 * Saturated mixes converge to their shares within 1 percentage point, and
 * no instance's engine time strays from its ideal by more than the lag
 * bound at any time.
 */
static void vaccel_sched_test_shares(struct kunit *test)
{
	const struct share_case *c = test->param_value;
	struct sim *sim = vkt_sim_new(test, c->engines);
	u64 slice = c->slice ?: VACCEL_SCHED_SLICE_DEFAULT;
	/*
	 * At least 100 slices (the lag bound is then within 1 point) and
	 * room for sliding windows of 1 s.
	 */
	u64 start[SIM_ENTS], total, warm = 20 * MS;
	u64 run = max(1500 * MS, 100 * slice);
	u64 switches = 0;
	bool whole = c->policy != P_FS;
	u32 err100 = 0, err1000 = 0;
	unsigned int i;

	/* Is every share a whole number of engines, with a queue for each? */
	for (i = 0; i < c->n; i++)
		whole &= c->engines * c->expect[i] % 1000 == 0 &&
			 (!c->queues[i] ||
			  c->queues[i] * 1000 >= c->engines * c->expect[i]);
	if (c->slice)
		KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice),
				0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s, c->policy, 0), 0);
	for (i = 0; i < c->n; i++)
		vkt_sim_add(sim, c->slots[i], c->weight[i]);
	for (i = 0; i < c->n; i++)
		vkt_sim_wake(sim, sim->ent[i], c->queues[i] ?: c->engines);
	vkt_sim_run(sim, warm);
	vkt_sim_lag_start(sim, c->expect);
	for (i = 0; i < c->n; i++)
		start[i] = sim->ent[i]->service;
	vkt_sim_run(sim, warm + run);

	total = (u64)c->engines * run;
	for (i = 0; i < c->n; i++) {
		u32 got = share(sim->ent[i]->service - start[i], total);

		KUNIT_EXPECT_LE_MSG(test, pm_diff(got, c->expect[i]), 10,
				    "instance %u got %u permille, expected %u",
				    i, got, c->expect[i]);
	}
	/*
	 * Sliding windows of 100 ms and 1 s, a tick apart: within 3 and
	 * 1 points of the share.
	 */
	for (i = 0; i < c->n; i++) {
		err100 = max(err100, window_err(sim->ent[i], warm, run, 100,
						c->engines, c->expect[i]));
		err1000 = max(err1000, window_err(sim->ent[i], warm, run, 1000,
						  c->engines, c->expect[i]));
	}
	KUNIT_EXPECT_LE_MSG(test, err100, 30, "100 ms windows off by %u permille",
			    err100);
	KUNIT_EXPECT_LE_MSG(test, err1000, 10, "1 s windows off by %u permille",
			    err1000);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
	KUNIT_EXPECT_LE_MSG(test, sim->max_lag, case_lag_bound(c, slice),
			    "max lag %lld ns", sim->max_lag);
	/*
	 * No convoys: engines whose slices end together do not all go to
	 * the instance that is behind, so an instance never runs on more
	 * than one engine above its share (work conserving policies; under
	 * fixed_share the budgets decide).  When every share is a whole
	 * number of engines, every instance keeps that many engines, like a
	 * VF, whatever the weights (smaller_key_waits()'s margin).
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
		if (whole) {
			KUNIT_EXPECT_EQ(test, se->run_min,
					c->engines * c->expect[i] / 1000);
			KUNIT_EXPECT_EQ(test, se->run_max,
					c->engines * c->expect[i] / 1000);
		}
	}
	kunit_info(test, "max lag %lld ns (bound %llu), %llu switches, window error 100 ms %u.%u, 1 s %u.%u points",
		   sim->max_lag, case_lag_bound(c, slice), switches,
		   err100 / 10, err100 % 10, err1000 / 10, err1000 % 10);
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
	struct sim *sim = vkt_sim_new(test, c->engines);
	struct sim_ent *half, *q1, *q2;
	u64 t, on, off, from[3], ideal[3] = { }, total;
	unsigned int e = c->engines, i, phase;
	u32 busy_share[3], idle_share[3];

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s, c->policy, 0), 0);
	half = vkt_sim_add(sim, 2, 0);
	q1 = vkt_sim_add(sim, 1, 0);
	q2 = vkt_sim_add(sim, 1, 0);

	/* Only q1 is busy: it gets the whole card. */
	vkt_sim_wake(sim, q1, e);
	vkt_sim_run(sim, 200 * MS);
	vkt_sim_flush(sim);
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
	vkt_sim_wake(sim, half, e);
	for (i = 0; i < 3; i++)
		from[i] = sim->ent[i]->service;
	t = sim->now;
	for (phase = 0; phase < 12; phase++) {
		on = (37 + 11 * (phase % 3)) * MS + 123 * US;
		off = (23 + 13 * (phase % 4)) * MS + 457 * US;
		vkt_sim_wake(sim, q2, e);
		vkt_sim_run(sim, t + on);
		vkt_sim_wake(sim, q2, 0);
		vkt_sim_run(sim, t + on + off);
		for (i = 0; i < 3; i++)
			ideal[i] += div_u64((u64)e * (on * busy_share[i] +
						      off * idle_share[i]),
					    1000);
		t += on + off;
	}
	vkt_sim_flush(sim);
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
	struct sim *sim = vkt_sim_new(test, c->engines);
	struct sim_ent *ent[4];
	u64 win = 50 * MS, t, before[4], bound;
	static const u32 expect[4] = { 250, 250, 250, 250 };
	unsigned int e = c->engines, i, w, round;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice), 0);
	for (i = 0; i < 4; i++)
		ent[i] = vkt_sim_add(sim, 1, 0);
	for (i = 1; i < 4; i++)
		vkt_sim_wake(sim, ent[i], e);
	/* ent[0] idles for 1 s while the others run. */
	vkt_sim_run(sim, 1000 * MS);
	bound = lag_bound(e, 4, 1, 4, c->slice);

	for (round = 0; round < 3; round++) {
		vkt_sim_wake(sim, ent[0], e);
		KUNIT_EXPECT_TRUE(test, ent[0]->timing);
		vkt_sim_lag_start(sim, expect);
		t = sim->now;
		for (w = 0; w < 4; w++) {
			for (i = 0; i < 4; i++)
				before[i] = ent[i]->service;
			vkt_sim_run(sim, t + (w + 1) * win);
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
		vkt_sim_wake(sim, ent[0], 0);
		vkt_sim_run(sim, sim->now + (300 + 77 * round) * MS + 13 * US);
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
	struct sim *sim = vkt_sim_new(test, c->engines);
	struct vaccel_sched_stats st;
	struct sim_ent *ent[4];
	unsigned int e = c->engines, i, k;
	u64 hist = 0;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice), 0);
	ent[0] = vkt_sim_add(sim, 1, 0);
	ent[1] = vkt_sim_add(sim, 2, 0);
	ent[2] = vkt_sim_add(sim, 4, 0);
	ent[3] = vkt_sim_add(sim, 1, 0);
	for (i = 1; i < 4; i++)
		vkt_sim_wake(sim, ent[i], e);
	vkt_sim_run(sim, 20 * MS);
	/* Short jobs: one queue busy for a moment, then idle a while. */
	for (k = 0; k < 60; k++) {
		vkt_sim_wake(sim, ent[0], 1);
		vkt_sim_run(sim, sim->now + 3 * c->slice + k * 7 * US);
		vkt_sim_wake(sim, ent[0], 0);
		vkt_sim_run(sim, sim->now + 2 * MS + k * 31 * US);
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
	struct sim *sim = vkt_sim_new(test, 2);
	struct sim_ent *big, *small;
	static const u32 expect[SIM_ENTS] = { 800, 200 };
	u64 win = 50 * MS, before[2], bound = lag_bound(2, 2, 4, 5, 1 * MS);
	unsigned int w;

	big = vkt_sim_add(sim, 4, 0);
	small = vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, big, 1);
	vkt_sim_wake(sim, small, 2);
	/* One engine each for 1 s: big runs far below its weight. */
	vkt_sim_run(sim, 1000 * MS);
	KUNIT_EXPECT_LE(test, pm_diff(share(big->service, 2 * sim->now), 500),
			1);

	vkt_sim_wake(sim, big, 2);
	vkt_sim_lag_start(sim, expect);
	for (w = 0; w < 8; w++) {
		before[0] = big->service;
		before[1] = small->service;
		vkt_sim_run(sim, sim->now + win);
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

/*
 * Changing the policy, the slice and a weight mid-run: each time the new
 * shares are reached.
 */
static void vaccel_sched_test_live_changes(struct kunit *test)
{
	struct sim *sim = vkt_sim_new(test, 2);
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

	half = vkt_sim_add(sim, 2, 0);
	q1 = vkt_sim_add(sim, 1, 0);
	q2 = vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, half, 2);
	vkt_sim_wake(sim, q1, 2);
	vkt_sim_wake(sim, q2, 2);
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
		vkt_sim_run(sim, sim->now + settle);
		/* At least 100 slices, for 1 point with the lag bound. */
		run = max(600 * MS, 100 * sim->s.slice_ns);
		for (i = 0; i < 3; i++)
			from[i] = sim->ent[i]->service;
		vkt_sim_run(sim, sim->now + run);
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
	struct sim *sim = vkt_sim_new(test, 2);
	struct sim_ent *half;
	u64 from[3], run = 500 * MS;
	unsigned int i, on = 0;

	half = vkt_sim_add(sim, 2, 0);
	vkt_sim_add(sim, 1, 0);
	vkt_sim_add(sim, 1, 0);
	for (i = 0; i < 3; i++)
		vkt_sim_wake(sim, sim->ent[i], 2);
	vkt_sim_run(sim, 100 * MS);
	/* Run on until half is on an engine, then remove it mid-chunk. */
	while (!half->running)
		vkt_sim_run(sim, sim->now + 10 * US);
	vkt_sim_run(sim, sim->now + 7 * US);
	for (i = 0; i < 2; i++) {
		if (sim->eng[i].cur != half)
			continue;
		KUNIT_EXPECT_GT(test, sim->eng[i].next, sim->now);
		vkt_sim_record(sim, half, sim->eng[i].chunk_start, sim->now);
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
		vkt_sim_pick(sim, i);
		KUNIT_EXPECT_NOT_NULL(test, sim->eng[i].cur);
	}
	sim->ent[half->idx] = NULL;
	memset(half, 0x6b, sizeof(*half));
	kunit_kfree(test, half);

	for (i = 1; i < 3; i++)
		from[i] = sim->ent[i]->service;
	vkt_sim_run(sim, sim->now + run);
	for (i = 1; i < 3; i++) {
		u32 got = share(sim->ent[i]->service - from[i], 2 * run);

		KUNIT_EXPECT_LE_MSG(test, pm_diff(got, 500), 10,
				    "instance %u got %u permille", i, got);
	}
	vkt_sim_flush(sim);
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
	struct sim *sim = vkt_sim_new(test, 1);
	struct vaccel_sched_stats st[2];
	struct sim_ent *a, *b;
	u64 t = 2500 * MS + 37 * US, busy = 0, lo, hi, win;
	unsigned int i;

	a = vkt_sim_add(sim, 1, 0);
	b = vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, a, 1);
	vkt_sim_wake(sim, b, 1);
	vkt_sim_run(sim, t);
	vkt_sim_flush(sim);
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
		in_win = sim_window(se, 1500, 1000);
		KUNIT_EXPECT_EQ(test, st[i].util_short_ns, in_win);
		KUNIT_EXPECT_EQ(test, st[i].util_short,
				div64_u64(in_win * 10000, 1000 * MS));
		/* The long window covers the whole run before 2.5 s. */
		win = sim_window(se, 0, 2500);
		KUNIT_EXPECT_EQ(test, st[i].util_long_ns, win);
		KUNIT_EXPECT_LE(test, pm_diff(st[i].util_short, 5000), 100);
		KUNIT_EXPECT_EQ(test, st[i].weight, 1);
		KUNIT_EXPECT_EQ(test, st[i].slots, 1);
		KUNIT_EXPECT_EQ(test, st[i].nr_queues, 1);
		KUNIT_EXPECT_LE(test, abs(st[i].lag_ns), 2 * MS);
		/* One queue with work all along. */
		KUNIT_EXPECT_EQ(test, st[i].demand_ns[1], t);
		KUNIT_EXPECT_EQ(test, st[i].demand_ns[0] + st[i].demand_ns[2], 0);
	}
	/* Busy time of the instances is the card's engine time. */
	KUNIT_EXPECT_EQ(test, busy, sim->busy);
	KUNIT_EXPECT_EQ(test, busy, t);
	KUNIT_EXPECT_EQ(test, st[0].nr_running + st[1].nr_running, 1);

	/* Utilisation decays as an instance idles: zero 10 s later. */
	vkt_sim_wake(sim, a, 0);
	vkt_sim_run(sim, t + 1200 * MS);
	vaccel_sched_snapshot(&sim->s, &a->se, sim->now, &st[0]);
	KUNIT_EXPECT_EQ(test, st[0].util_short_ns, 0);
	KUNIT_EXPECT_GT(test, st[0].util_long_ns, 0);
	vaccel_sched_snapshot(&sim->s, &b->se, sim->now, &st[1]);
	KUNIT_EXPECT_EQ(test, st[1].util_short, 10000);
	vkt_sim_run(sim, t + 10200 * MS);
	vaccel_sched_snapshot(&sim->s, &a->se, sim->now, &st[0]);
	KUNIT_EXPECT_EQ(test, st[0].util_long_ns, 0);
	KUNIT_EXPECT_EQ(test, st[0].busy_ns, a->service);
}

struct probe_case {
	const char *desc;
	unsigned int engines;
	u64 slice;
	unsigned int slots[2];
	unsigned int weight[2];
};

static const struct probe_case probe_cases[] = {
	{ "E=1 slice 100us", 1, 100 * US, { 2, 1 }, { } },
	{ "E=1 slice 1ms", 1, 1 * MS, { 2, 1 }, { } },
	{ "E=1 slice 10ms", 1, 10 * MS, { 2, 1 }, { } },
	{ "E=2 slice 1ms", 2, 1 * MS, { 2, 1 }, { } },
	{ "E=2 slice 10ms weights 10:1", 2, 10 * MS, { 4, 1 }, { 10, 1 } },
	{ "E=4 slice 100us", 4, 100 * US, { 2, 1 }, { } },
	{ "E=4 slice 1ms", 4, 1 * MS, { 2, 1 }, { } },
	{ "E=4 slice 10ms", 4, 10 * MS, { 2, 1 }, { } },
};

static void probe_case_desc(const struct probe_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(probe, probe_cases, probe_case_desc);

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Wake-up latency of a light tenant: a 1of4 that submits a short job (two
 * chunks) at pseudo-random times, 2 ms apart on average, while two other
 * instances saturate every engine.  It uses far less than its share, so it
 * is owed time when it wakes, and an engine gives way to it within the
 * wake-up minimum run and a chunk, whatever the slice, the weights and the
 * engine count: p99 at most that, and the longest at most one chunk more
 * (the chunk of the engine it first preempts when its job is split).  The
 * saturated instances keep their shares of what is left.
 */
static void vaccel_sched_test_light_latency(struct kunit *test)
{
	const struct probe_case *c = test->param_value;
	struct sim *sim = vkt_sim_new(test, c->engines);
	u64 end = 3000 * MS, warm = 20 * MS, next, start[2], got[2];
	unsigned int i, n, e = c->engines, w[2];
	struct sim_ent *busy[2], *probe;
	u32 rng = 777, expect;
	u64 p50, p99, max;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, c->slice), 0);
	for (i = 0; i < 2; i++) {
		busy[i] = vkt_sim_add(sim, c->slots[i], c->weight[i]);
		w[i] = c->weight[i] ?: c->slots[i];
	}
	probe = vkt_sim_add(sim, 1, 0);
	probe->lat_cap = 4096;
	probe->lat = kunit_kcalloc(test, probe->lat_cap, sizeof(u64),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, probe->lat);
	for (i = 0; i < 2; i++)
		vkt_sim_wake(sim, busy[i], e);
	vkt_sim_run(sim, warm);
	for (i = 0; i < 2; i++)
		start[i] = busy[i]->service;

	for (next = warm; next < end; ) {
		vkt_sim_run(sim, next);
		if (!probe->queues) {
			probe->job_left = 2;
			vkt_sim_wake(sim, probe, 1);
		}
		/*
		 * 0.6 to 3.4 ms apart, 2 ms on average: even at a sixth of an
		 * engine, its share in the lightest mix, it has earned its job
		 * back by the next one.
		 */
		rng = rng * 1103515245 + 12345;
		next += 600 * US + (rng >> 8) % (2800 * US);
	}
	vkt_sim_run(sim, end);

	n = probe->nr_lat;
	KUNIT_ASSERT_GT(test, n, 1000);
	sort(probe->lat, n, sizeof(u64), cmp_u64, NULL);
	p50 = probe->lat[n / 2];
	p99 = probe->lat[n * 99 / 100];
	max = probe->lat[n - 1];
	KUNIT_EXPECT_LE(test, p99, VACCEL_SCHED_WAKE_MIN_RUN_NS + CHUNK_MAX);
	KUNIT_EXPECT_LE(test, max, VACCEL_SCHED_WAKE_MIN_RUN_NS + 2 * CHUNK_MAX);
	/* The busy ones share what the probe leaves by their weights. */
	for (i = 0; i < 2; i++)
		got[i] = busy[i]->service - start[i];
	expect = div_u64(1000ULL * w[0], w[0] + w[1]);
	KUNIT_EXPECT_LE_MSG(test, pm_diff(share(got[0], got[0] + got[1]),
					  expect), 10,
			    "busy shares %u:%u permille, want %u",
			    share(got[0], got[0] + got[1]),
			    share(got[1], got[0] + got[1]), expect);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	kunit_info(test, "%u wake-ups: latency p50 %llu ns, p99 %llu ns, max %llu ns; %llu wake-up preemptions",
		   n, p50, p99, max,
		   busy[0]->se.st.wakeups + busy[1]->se.st.wakeups);
}

static const unsigned int engine_counts[] = { 1, 2, 4 };

static void engine_count_desc(const unsigned int *e, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "E=%u", *e);
}

KUNIT_ARRAY_PARAM(engine_count, engine_counts, engine_count_desc);

/*
 * Using an idle card is never paid back: a 1of4 alone on the card runs on
 * every engine for 6 s and goes idle; a 1of2 and another 1of4 start to
 * saturate the card; then the first submits one command.  It starts within
 * the wake-up minimum run and a chunk, and gets its share from then on.
 */
static void vaccel_sched_test_idle_card(struct kunit *test)
{
	const unsigned int *ep = test->param_value;
	struct sim *sim = vkt_sim_new(test, *ep);
	static const u32 expect[SIM_ENTS] = { 250, 500, 250 };
	unsigned int e = *ep, i;
	struct sim_ent *a, *b, *c;
	u64 before[3], win = 100 * MS;

	a = vkt_sim_add(sim, 1, 0);
	b = vkt_sim_add(sim, 2, 0);
	c = vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, a, e);
	vkt_sim_run(sim, 6000 * MS);
	KUNIT_EXPECT_GE(test, a->service + e * CHUNK_MAX, e * 6000 * MS);
	vkt_sim_wake(sim, a, 0);
	vkt_sim_run(sim, sim->now + 10 * MS);
	vkt_sim_wake(sim, b, e);
	vkt_sim_wake(sim, c, e);
	vkt_sim_run(sim, sim->now + 200 * MS);

	/* One command, one chunk long. */
	a->job_left = 1;
	vkt_sim_wake(sim, a, 1);
	vkt_sim_run(sim, sim->now + 10 * MS);
	KUNIT_EXPECT_EQ(test, a->queues, 0);
	KUNIT_EXPECT_LE_MSG(test, a->max_latency,
			    VACCEL_SCHED_WAKE_MIN_RUN_NS + CHUNK_MAX,
			    "the command waited %llu ns", a->max_latency);
	kunit_info(test, "the command waited %llu ns", a->max_latency);

	/* Busy again: its share, the others theirs, window by window. */
	vkt_sim_wake(sim, a, e);
	vkt_sim_run(sim, sim->now + 20 * MS);
	for (i = 0; i < 3; i++)
		before[i] = sim->ent[i]->service;
	vkt_sim_run(sim, sim->now + win);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_LE_MSG(test,
				    pm_diff(share(sim->ent[i]->service - before[i],
						  e * win), expect[i]), 30,
				    "instance %u", i);
}

struct uptime_case {
	const char *desc;
	u64 now;	/* the clock when the instances are added */
	u64 vclock;	/* the card's virtual clock then */
	u64 idle;	/* how long the third instance idles, busy card */
};

#define HOUR	(3600ULL * 1000 * MS)
#define DAY	(24 * HOUR)

static const struct uptime_case uptime_cases[] = {
	/* Up an hour, busy at weight 1 on 4 engines; idle for 80 minutes. */
	{ "1 hour, 80 minutes idle", HOUR, (HOUR * 4) << 10, 80 * 60 * 1000 * MS },
	{ "60 days, 30 days idle", 60 * DAY, (60 * DAY * 4) << 10, 30 * DAY },
	{ "2 years, a year idle", 730 * DAY, (730 * DAY * 4) << 10, 365 * DAY },
	/* Half a second before the wrap, and before the sign flips. */
	{ "virtual clock wraps mid-run", 2 * DAY, -((500 * MS * 4) << 10), 0 },
	{ "virtual clock passes 2^63", 2 * DAY,
	  (1ULL << 63) - ((500 * MS * 4) << 10), 0 },
};

static void uptime_case_desc(const struct uptime_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(uptime, uptime_cases, uptime_case_desc);

/* Run @win and check that @sim's three instances got @expect permille. */
static void uptime_window(struct kunit *test, struct sim *sim, u64 win,
			  const u32 *expect, const char *what)
{
	u64 before[3], e = sim->nr_engines;
	unsigned int i;

	vkt_sim_run(sim, sim->now + 20 * MS);
	for (i = 0; i < 3; i++)
		before[i] = sim->ent[i]->service;
	vkt_sim_run(sim, sim->now + win);
	for (i = 0; i < 3; i++) {
		u32 got = share(sim->ent[i]->service - before[i], e * win);

		KUNIT_EXPECT_LE_MSG(test, pm_diff(got, expect[i]), 30,
				    "%s: instance %u got %u permille, want %u",
				    what, i, got, expect[i]);
	}
}

/*
 * Months of uptime: virtual times wrap, instances idle for long and get
 * new weights while idle or busy, and every share still holds.  A 1of2 and
 * a 1of4 saturate 4 engines; a 1of4 at weight 1000 runs, idles (for up to
 * a year of a busy card: vkt_sim_age()), gets its default weight back
 * while idle, and wakes; then the 1of2's weight goes to 1000 and back
 * while it runs.
 */
static void vaccel_sched_test_long_uptime(struct kunit *test)
{
	const struct uptime_case *c = test->param_value;
	struct sim *sim = vkt_sim_new(test, 4);
	static const u32 three[SIM_ENTS] = { 500, 250, 250 };
	static const u32 two[SIM_ENTS] = { 667, 333, 0 };
	static const u32 heavy_c[SIM_ENTS] = { 2, 1, 997 };
	static const u32 heavy_a[SIM_ENTS] = { 996, 2, 2 };
	struct sim_ent *a, *b, *cc;

	sim->now = c->now;
	sim->s.vclock = c->vclock;
	a = vkt_sim_add(sim, 2, 0);
	b = vkt_sim_add(sim, 1, 0);
	cc = vkt_sim_add(sim, 1, 1000);
	vkt_sim_wake(sim, a, 4);
	vkt_sim_wake(sim, b, 4);
	vkt_sim_wake(sim, cc, 4);
	uptime_window(test, sim, 100 * MS, heavy_c, "c at weight 1000");
	/*
	 * c idles for a second, and as long again as the card has been busy
	 * without it (the virtual time that a and b, sharing 4 engines 2:1,
	 * got in that time), then gets its default weight back.
	 */
	vkt_sim_wake(sim, cc, 0);
	uptime_window(test, sim, 1000 * MS, two, "c idle");
	vkt_sim_age(sim, div64_u64(c->idle * 4, 3) << 10);
	uptime_window(test, sim, 100 * MS, two, "c idle, months later");
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_weight(&sim->s, &cc->se, 0,
						      sim->now), 0);
	vkt_sim_wake(sim, cc, 4);
	KUNIT_EXPECT_TRUE(test, cc->timing);
	uptime_window(test, sim, 100 * MS, three, "c back at weight 1");
	KUNIT_EXPECT_LE(test, cc->max_latency,
			VACCEL_SCHED_WAKE_MIN_RUN_NS + CHUNK_MAX);
	/* a's weight changes while it runs. */
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_weight(&sim->s, &a->se, 1000,
						      sim->now), 0);
	uptime_window(test, sim, 100 * MS, heavy_a, "a at weight 1000");
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_weight(&sim->s, &a->se, 0,
						      sim->now), 0);
	uptime_window(test, sim, 100 * MS, three, "a back to its default");
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	kunit_info(test, "c waited %llu ns after its idle second",
		   cc->max_latency);
}

struct stall_case {
	const char *desc;
	unsigned int engines;
	unsigned int n;
	unsigned int slots[SIM_ENTS];
	u32 expect[SIM_ENTS];
};

static const struct stall_case stall_cases[] = {
	{ "1of2+1of4+1of4 E=4", 4, 3, { 2, 1, 1 }, { 500, 250, 250 } },
	{ "1of1+1of4 E=4", 4, 2, { 4, 1 }, { 800, 200 } },
	{ "1of2+1of4+1of4 E=2", 2, 3, { 2, 1, 1 }, { 500, 250, 250 } },
};

static void stall_case_desc(const struct stall_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(stall, stall_cases, stall_case_desc);

/*
 * Engine stalls: every 500 chunks the engine that ends one lets go of its
 * instance and is away for 20 ms (a host that delays the engine thread).
 * The instances that lose an engine are owed what they missed and get it
 * back: over the run, each instance's share of the engine time used is
 * within half a point of its weight's.
 */
static void vaccel_sched_test_stalls(struct kunit *test)
{
	const struct stall_case *c = test->param_value;
	struct sim *sim = vkt_sim_new(test, c->engines);
	u64 start[SIM_ENTS], busy0, warm = 20 * MS, run = 3000 * MS;
	u32 worst = 0, got;
	unsigned int i;

	sim->stall_every = 500;
	sim->stall_ns = 20 * MS;
	for (i = 0; i < c->n; i++)
		vkt_sim_add(sim, c->slots[i], 0);
	for (i = 0; i < c->n; i++)
		vkt_sim_wake(sim, sim->ent[i], c->engines);
	vkt_sim_run(sim, warm);
	busy0 = sim->busy;
	for (i = 0; i < c->n; i++)
		start[i] = sim->ent[i]->service;
	vkt_sim_run(sim, warm + run);
	vkt_sim_flush(sim);
	for (i = 0; i < c->n; i++) {
		got = share(sim->ent[i]->service - start[i], sim->busy - busy0);
		worst = max(worst, pm_diff(got, c->expect[i]));
		KUNIT_EXPECT_LE_MSG(test, pm_diff(got, c->expect[i]), 5,
				    "instance %u got %u permille, want %u",
				    i, got, c->expect[i]);
	}
	kunit_info(test, "%llu stalls; shares within %u.%u points",
		   div64_u64(sim->nr_chunks, sim->stall_every), worst / 10,
		   worst % 10);
}

static struct kunit_case vaccel_sched_sim_cases[] = {
	KUNIT_CASE_PARAM(vaccel_sched_test_shares, share_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_idle_and_bursty,
			 conserve_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_wake_no_monopoly, wake_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_latency, wake_gen_params),
	KUNIT_CASE(vaccel_sched_test_capped_no_bank),
	KUNIT_CASE(vaccel_sched_test_live_changes),
	KUNIT_CASE(vaccel_sched_test_remove_mid_slice),
	KUNIT_CASE(vaccel_sched_test_stats),
	KUNIT_CASE_PARAM(vaccel_sched_test_light_latency, probe_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_idle_card, engine_count_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_long_uptime, uptime_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_stalls, stall_gen_params),
	{ }
};

static struct kunit_suite vaccel_sched_sim_suite = {
	.name = "vaccel_sched_sim",
	.test_cases = vaccel_sched_sim_cases,
};

kunit_test_suite(vaccel_sched_sim_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
