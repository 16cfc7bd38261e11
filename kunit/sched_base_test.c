// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_sched_base: the benchmark baselines of the card
 * scheduler (rr, gvt, static, static_lend; issue 16, docs/scheduler.md
 * "Benchmark baselines"), in the simulation of sched_sim.h.  Like the
 * other simulation suites, it checks the mock's own record of what ran
 * where and when (service per tick and per engine, picks, idle engine
 * time), never the scheduler's figures.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/string.h>

#include "sched.h"
#include "sched_sim.h"

static struct sim *base_sim(struct kunit *test, unsigned int engines,
			    enum vaccel_sched_policy policy)
{
	struct sim *sim = vkt_sim_new(test, engines);

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s, policy, 0), 0);
	return sim;
}

/* Service of @se in ticks [@from, @from + @n), in permille of @total. */
static u32 win_pm(const struct sim_ent *se, unsigned int from,
		  unsigned int n, u64 total)
{
	return share(sim_window(se, from, n), total);
}

/* Service of all instances in ticks [@from, @from + @n). */
static u64 win_all(const struct sim *sim, unsigned int from, unsigned int n)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < SIM_ENTS; i++)
		if (sim->ent[i])
			sum += sim_window(sim->ent[i], from, n);
	return sum;
}

/*
 * The names: the baselines come after the existing policies, whose values
 * stay, and sysfs and the module parameter know them.
 */
static void vaccel_sched_test_base_names(struct kunit *test)
{
	static const char * const names[] = {
		"best_effort", "fixed_share", "equal_share",
		"rr", "gvt", "static", "static_lend",
	};
	unsigned int p;

	KUNIT_EXPECT_EQ(test, VACCEL_SCHED_BEST_EFFORT, 0);
	KUNIT_EXPECT_EQ(test, VACCEL_SCHED_FIXED_SHARE, 1);
	KUNIT_EXPECT_EQ(test, VACCEL_SCHED_EQUAL_SHARE, 2);
	KUNIT_EXPECT_EQ(test, VACCEL_SCHED_NR_POLICIES, ARRAY_SIZE(names));
	for (p = 0; p < ARRAY_SIZE(names); p++) {
		KUNIT_EXPECT_STREQ(test, vaccel_sched_policy_name(p), names[p]);
		KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse(names[p]), p);
		KUNIT_EXPECT_EQ(test, vaccel_sched_policy_is_baseline(p),
				p >= VACCEL_SCHED_RR);
	}
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("static_lend\n"),
			VACCEL_SCHED_STATIC_LEND);
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("static\n"),
			VACCEL_SCHED_STATIC);
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("static_len"), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_policy_parse("round_robin"), -EINVAL);
	KUNIT_EXPECT_FALSE(test,
			   vaccel_sched_policy_is_baseline(VACCEL_SCHED_NR_POLICIES));
	KUNIT_EXPECT_NULL(test,
			  vaccel_sched_policy_name(VACCEL_SCHED_NR_POLICIES));
}

/*
 * rr: 1of2 (with a large weight) + 1of4 + 1of4, all saturated on four
 * engines: a third each over 1 s whatever the weights, every engine busy.
 */
static void vaccel_sched_test_rr_shares(struct kunit *test)
{
	struct sim *sim = base_sim(test, 4, VACCEL_SCHED_RR);
	unsigned int i;
	u64 total;

	vkt_sim_add(sim, 2, 8);
	vkt_sim_add(sim, 1, 0);
	vkt_sim_add(sim, 1, 1);
	for (i = 0; i < 3; i++)
		vkt_sim_wake(sim, sim->ent[i], 4);
	vkt_sim_run(sim, 1100 * MS);
	total = win_all(sim, 100, 1000);
	/* Work conserving: the four engines never idle. */
	KUNIT_EXPECT_GE(test, total, 4 * 1000 * MS - 4 * CHUNK_MAX);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	for (i = 0; i < 3; i++) {
		u32 pm = win_pm(sim->ent[i], 100, 1000, total);

		kunit_info(test, "rr instance %u: %u permille", i, pm);
		KUNIT_EXPECT_LE_MSG(test, pm_diff(pm, 333), 10,
				    "instance %u: %u permille, not a third",
				    i, pm);
	}
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * rr: three instances with one queue each on one and on two engines take
 * turns in a fixed cyclic order (the order they were added), a slice each.
 */
static void vaccel_sched_test_rr_cycle(struct kunit *test)
{
	unsigned int engines, i, k;

	for (engines = 1; engines <= 2; engines++) {
		struct sim *sim = base_sim(test, engines, VACCEL_SCHED_RR);
		u64 total;

		sim->pick_cap = 512;
		sim->picks = kunit_kzalloc(test, sim->pick_cap, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sim->picks);
		vkt_sim_add(sim, 2, 0);
		vkt_sim_add(sim, 1, 0);
		vkt_sim_add(sim, 1, 7);
		for (i = 0; i < 3; i++)
			vkt_sim_wake(sim, sim->ent[i], 1);
		vkt_sim_run(sim, 150 * MS);
		/* One pick per slice per engine, about. */
		KUNIT_EXPECT_GE(test, sim->nr_picks, 140 * engines);
		KUNIT_EXPECT_EQ(test, sim->picks[0], 0);
		for (k = 1; k < sim->nr_picks; k++)
			KUNIT_EXPECT_EQ_MSG(test, sim->picks[k],
					    (sim->picks[k - 1] + 1) % 3,
					    "E=%u pick %u", engines, k);
		/* Equal slices: equal service. */
		total = win_all(sim, 10, 140);
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_LE_MSG(test,
					    pm_diff(win_pm(sim->ent[i], 10, 140,
							   total), 333),
					    10, "E=%u instance %u", engines, i);
		KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
	}
}

/*
 * gvt: 1of2 + 1of4 + 1of4 saturated on four engines: budgets from the
 * weights give 50/25/25 over 1 s (a full round of ten periods).
 */
static void vaccel_sched_test_gvt_shares(struct kunit *test)
{
	static const u32 want[] = { 500, 250, 250 };
	struct sim *sim = base_sim(test, 4, VACCEL_SCHED_GVT);
	unsigned int i, from;
	u64 total;

	vkt_sim_add(sim, 2, 0);
	vkt_sim_add(sim, 1, 0);
	vkt_sim_add(sim, 1, 0);
	for (i = 0; i < 3; i++)
		vkt_sim_wake(sim, sim->ent[i], 4);
	vkt_sim_run(sim, 1500 * MS);
	for (from = 0; from <= 500; from += 250) {
		total = win_all(sim, from, 1000);
		KUNIT_EXPECT_GE(test, total, 4 * 990 * MS);
		for (i = 0; i < 3; i++) {
			u32 pm = win_pm(sim->ent[i], from, 1000, total);

			kunit_info(test, "gvt from %u ms, instance %u: %u permille",
				   from, i, pm);
			KUNIT_EXPECT_LE_MSG(test, pm_diff(pm, want[i]), 15,
					    "from %u ms, instance %u: %u permille",
					    from, i, pm);
		}
	}
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * gvt: budgets carry over.  One engine, a 1of4 (weight 1) and a 1of2
 * (weight 2): a third and two thirds of each 100 ms period.  In the first
 * period the 1of4 runs a short job only, and the 1of2 runs out of budget
 * and waits for the next period although the engine idles (not work
 * conserving).  In the second both are busy: the 1of4 has what it left
 * unused on top of its third, so the two take turns all period, half
 * each, where without carry-over it would have run out at a third.
 */
static void vaccel_sched_test_gvt_carry(struct kunit *test)
{
	struct sim *sim = base_sim(test, 1, VACCEL_SCHED_GVT);
	struct sim_ent *a = vkt_sim_add(sim, 1, 0);
	struct sim_ent *b = vkt_sim_add(sim, 2, 0);
	u64 third = div_u64(100 * MS, 3);
	u64 p0;

	a->job_left = 100;	/* 100 chunks: at most 5 ms */
	vkt_sim_wake(sim, a, 1);
	vkt_sim_wake(sim, b, 1);
	vkt_sim_run(sim, 100 * MS - 1);
	KUNIT_EXPECT_EQ(test, a->queues, 0);
	p0 = sim_window(b, 0, 100);
	kunit_info(test, "period 0: 1of4 %llu us, 1of2 %llu us, idle %llu us",
		   div_u64(sim_window(a, 0, 100), US), div_u64(p0, US),
		   div_u64(100 * MS - win_all(sim, 0, 100), US));
	/* The 1of2 got its two thirds, one tick of overdraw at most. */
	KUNIT_EXPECT_GE(test, p0, 2 * third - CHUNK_MAX);
	KUNIT_EXPECT_LE(test, p0, 2 * third + MS + CHUNK_MAX);
	/* The engine idled while the 1of2 had work. */
	KUNIT_EXPECT_GE(test, sim->starved, 20 * MS);

	vkt_sim_run(sim, 100 * MS);
	vkt_sim_wake(sim, a, 1);
	vkt_sim_run(sim, 200 * MS);
	kunit_info(test, "period 1: 1of4 %llu us, 1of2 %llu us",
		   div_u64(sim_window(a, 100, 100), US),
		   div_u64(sim_window(b, 100, 100), US));
	KUNIT_EXPECT_GE(test, win_all(sim, 100, 100), 100 * MS - CHUNK_MAX);
	/* Half each: well above the third it was allocated. */
	KUNIT_EXPECT_GE(test, sim_window(a, 100, 100), 45 * MS);
	KUNIT_EXPECT_GE(test, sim_window(b, 100, 100), 45 * MS);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * static: 1of2, 1of4, 1of4 on four engines own engines 0-1, 2 and 3.  A
 * lone busy 1of4 gets exactly its engine, a quarter of the card, while the
 * rest idles; all three busy get 50/25/25, each only on its own engines.
 */
static void vaccel_sched_test_static(struct kunit *test)
{
	static const u32 want[] = { 500, 250, 250 };
	static const unsigned int lo[] = { 0, 2, 3 }, hi[] = { 2, 3, 4 };
	struct sim *sim = base_sim(test, 4, VACCEL_SCHED_STATIC);
	unsigned int i, k;
	u64 total, b;

	vkt_sim_add(sim, 2, 0);
	vkt_sim_add(sim, 1, 0);
	vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, sim->ent[1], 4);
	vkt_sim_run(sim, 1010 * MS);
	b = sim_window(sim->ent[1], 10, 1000);
	kunit_info(test, "lone 1of4: %llu us of 4 s", div_u64(b, US));
	KUNIT_EXPECT_GE(test, b, 1000 * MS - CHUNK_MAX);
	KUNIT_EXPECT_LE(test, b, 1000 * MS);
	KUNIT_EXPECT_EQ(test, win_all(sim, 10, 1000), b);
	KUNIT_EXPECT_GE(test, sim->starved, 2900 * MS);

	for (i = 0; i < 3; i++)
		vkt_sim_wake(sim, sim->ent[i], 4);
	vkt_sim_run(sim, 2020 * MS);
	total = win_all(sim, 1020, 1000);
	KUNIT_EXPECT_GE(test, total, 4 * 1000 * MS - 4 * CHUNK_MAX);
	for (i = 0; i < 3; i++) {
		u32 pm = win_pm(sim->ent[i], 1020, 1000, total);

		kunit_info(test, "static instance %u: %u permille", i, pm);
		KUNIT_EXPECT_LE_MSG(test, pm_diff(pm, want[i]), 2,
				    "instance %u: %u permille", i, pm);
		for (k = 0; k < 4; k++)
			if (k < lo[i] || k >= hi[i])
				KUNIT_EXPECT_EQ_MSG(test,
						    sim->ent[i]->on_engine[k], 0,
						    "instance %u on engine %u",
						    i, k);
	}
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * static with fewer engines than quarters: on two engines four 1of4s share
 * an engine two by two (0 and 1 on engine 0, 2 and 3 on engine 1), in
 * turns: a quarter each, a lone one the whole of its engine only.  On one
 * engine, 1of2 + 1of4 + 1of4 take turns of slots slices: 50/25/25.
 */
static void vaccel_sched_test_static_few_engines(struct kunit *test)
{
	struct sim *sim = base_sim(test, 2, VACCEL_SCHED_STATIC);
	unsigned int i;
	u64 total;

	for (i = 0; i < 4; i++)
		vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, sim->ent[3], 2);
	vkt_sim_run(sim, 210 * MS);
	KUNIT_EXPECT_GE(test, sim_window(sim->ent[3], 10, 200),
			200 * MS - CHUNK_MAX);
	KUNIT_EXPECT_EQ(test, sim->ent[3]->on_engine[0], 0);
	for (i = 0; i < 4; i++)
		vkt_sim_wake(sim, sim->ent[i], 2);
	vkt_sim_run(sim, 1220 * MS);
	total = win_all(sim, 220, 1000);
	KUNIT_EXPECT_GE(test, total, 2 * 1000 * MS - 2 * CHUNK_MAX);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_LE_MSG(test,
				    pm_diff(win_pm(sim->ent[i], 220, 1000,
						   total), 250),
				    10, "E=2 instance %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sim->ent[i]->on_engine[i < 2], 0,
				    "E=2 instance %u on the other engine", i);
	}

	sim = base_sim(test, 1, VACCEL_SCHED_STATIC);
	vkt_sim_add(sim, 2, 0);
	vkt_sim_add(sim, 1, 0);
	vkt_sim_add(sim, 1, 0);
	for (i = 0; i < 3; i++)
		vkt_sim_wake(sim, sim->ent[i], 1);
	vkt_sim_run(sim, 1010 * MS);
	total = win_all(sim, 10, 1000);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_LE_MSG(test,
				    pm_diff(win_pm(sim->ent[i], 10, 1000, total),
					    i ? 250 : 500),
				    10, "E=1 instance %u", i);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

/*
 * static_lend: a lone busy 1of4 gets at least 95 % of the card; when the
 * 1of2 that owns engines 0 and 1 wakes with two queues it has both back
 * within a chunk, and when the other 1of4 wakes, engine 3 too; no engine
 * idles while an instance wants one.
 */
static void vaccel_sched_test_static_lend(struct kunit *test)
{
	struct sim *sim = base_sim(test, 4, VACCEL_SCHED_STATIC_LEND);
	struct sim_ent *a, *b, *c;
	u64 t, got;

	a = vkt_sim_add(sim, 2, 0);
	b = vkt_sim_add(sim, 1, 0);
	c = vkt_sim_add(sim, 1, 0);
	vkt_sim_wake(sim, b, 4);
	vkt_sim_run(sim, 1010 * MS);
	got = sim_window(b, 10, 1000);
	kunit_info(test, "lone 1of4: %u permille of the card",
		   share(got, 4 * 1000 * MS));
	KUNIT_EXPECT_GE(test, share(got, 4 * 1000 * MS), 950);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);

	/* The owner of engines 0 and 1 wakes. */
	t = sim->now + 123 * US;
	vkt_sim_run(sim, t);
	vkt_sim_wake(sim, a, 2);
	vkt_sim_run(sim, t + CHUNK_MAX);
	KUNIT_EXPECT_EQ(test, a->running, 2);
	KUNIT_EXPECT_LE(test, a->max_latency, CHUNK_MAX);
	KUNIT_EXPECT_EQ(test, b->running, 2);
	vkt_sim_run(sim, 1200 * MS);
	/* The owner keeps both; the 1of4 has engines 2 and 3. */
	KUNIT_EXPECT_GE(test, sim_window(a, 1020, 180), 2 * 180 * MS - MS);
	KUNIT_EXPECT_GE(test, sim_window(b, 1020, 180), 2 * 180 * MS - MS);
	KUNIT_EXPECT_EQ(test, b->on_engine[0] + b->on_engine[1] > 0, true);

	/* The owner of engine 3 wakes: it gets it back within a chunk. */
	t = sim->now + 77 * US;
	vkt_sim_run(sim, t);
	vkt_sim_wake(sim, c, 4);
	vkt_sim_run(sim, t + CHUNK_MAX);
	KUNIT_EXPECT_EQ(test, c->running, 1);
	KUNIT_EXPECT_LE(test, c->max_latency, CHUNK_MAX);
	vkt_sim_run(sim, 1400 * MS);
	KUNIT_EXPECT_GE(test, sim_window(c, 1210, 190), 190 * MS - MS);
	KUNIT_EXPECT_GE(test, sim_window(b, 1210, 190), 190 * MS - MS);
	KUNIT_EXPECT_LE(test, sim_window(b, 1210, 190), 190 * MS + MS);
	KUNIT_EXPECT_EQ(test, sim->starved, 0);
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

static struct kunit_case vaccel_sched_base_cases[] = {
	KUNIT_CASE(vaccel_sched_test_base_names),
	KUNIT_CASE(vaccel_sched_test_rr_shares),
	KUNIT_CASE(vaccel_sched_test_rr_cycle),
	KUNIT_CASE(vaccel_sched_test_gvt_shares),
	KUNIT_CASE(vaccel_sched_test_gvt_carry),
	KUNIT_CASE(vaccel_sched_test_static),
	KUNIT_CASE(vaccel_sched_test_static_few_engines),
	KUNIT_CASE(vaccel_sched_test_static_lend),
	{}
};

static struct kunit_suite vaccel_sched_base_suite = {
	.name = "vaccel_sched_base",
	.test_cases = vaccel_sched_base_cases,
};

kunit_test_suite(vaccel_sched_base_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
