// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_sched: the card scheduler's API, one call at a time,
 * with the recording callbacks of sched_sim.h: validation of the
 * tunables, kicks and timers, removal while running.  The suite
 * vaccel_sched_sim (sched_sim_test.c) drives the scheduler with the mock
 * engines of the same fixture.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "sched.h"
#include "sched_sim.h"

static void vaccel_sched_test_validation(struct kunit *test)
{
	struct vaccel_sched *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct vaccel_sched_entity *e = kunit_kzalloc(test, sizeof(*e),
						      GFP_KERNEL);
	static const struct vaccel_sched_ops no_kick = { .arm = vkt_rec_arm };
	static const unsigned int bad_slots[] = { 0, 3, 5, 8 };
	enum vaccel_sched_policy bad_policy = (enum vaccel_sched_policy)-1;
	struct rec r = { };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, 0, &vkt_rec_ops, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, VACCEL_MAX_ENGINES + 1,
						&vkt_rec_ops, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, 1, &no_kick, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, vaccel_sched_init(s, 1, NULL, &r), -EINVAL);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, VACCEL_MAX_ENGINES,
						&vkt_rec_ops, &r), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, 2, &vkt_rec_ops, &r), 0);

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
	KUNIT_EXPECT_NULL(test,
			  vaccel_sched_policy_name(VACCEL_SCHED_NR_POLICIES));
	KUNIT_EXPECT_STREQ(test, vaccel_sched_reason_name(VACCEL_SCHED_SLICE),
			   "slice");
	KUNIT_EXPECT_NULL(test,
			  vaccel_sched_reason_name(VACCEL_SCHED_NR_REASONS));
}

/* A scheduler of @engines engines reporting to the recorder @r. */
static struct vaccel_sched *sched_new(struct kunit *test, unsigned int engines,
				      struct rec *r)
{
	struct vaccel_sched *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, engines, &vkt_rec_ops, r), 0);
	return s;
}

/* An instance of @slots quarter slots, added to @s at @now. */
static struct vaccel_sched_entity *ent_add(struct kunit *test,
					   struct vaccel_sched *s,
					   unsigned int slots, u64 now)
{
	struct vaccel_sched_entity *e = kunit_kzalloc(test, sizeof(*e),
						      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, e, slots, now), 0);
	return e;
}

/* Kicks go to idle engines only, one per engine's worth of new work. */
static void vaccel_sched_test_kick(struct kunit *test)
{
	struct rec r = { };
	struct vaccel_sched *s = sched_new(test, 2, &r);
	struct vaccel_sched_entity *a = ent_add(test, s, 1, 0);
	struct vaccel_sched_entity *b = ent_add(test, s, 1, 0);
	u64 slice;

	/* b is owed four times a's engine time: it gets more than one. */
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_weight(s, b, 4, 0), 0);
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
	 * the end of its slice, a quarter of that in virtual time (weight
	 * 4), so b's key is smaller, by more than the margin of an instance
	 * that runs on one engine already (a slice of its own virtual time,
	 * 250 us: smaller_key_waits()).
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

/*
 * fixed_share: the tokens run out, the engine idles, the timer brings it
 * back when a quarter of a burst is earned again.
 */
static void vaccel_sched_test_throttle_timer(struct kunit *test)
{
	struct rec r = { };
	struct vaccel_sched *s = sched_new(test, 1, &r);
	struct vaccel_sched_entity *a = ent_add(test, s, 1, 0);
	/* A 1of4 on one engine earns a quarter of it. */
	u64 resume = VACCEL_SCHED_FS_BURST_NS / 4 / 4, t, thr, back, slice;
	struct vaccel_sched_stats st;

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(s, VACCEL_SCHED_FIXED_SHARE,
						      0), 0);
	vaccel_sched_wake(s, a, 1, 0);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_ASSERT_PTR_EQ(test, vaccel_sched_pick(s, 0, 0, &slice), a);
	r.nr_kicks = 0;
	/* It starts with a quarter of a burst, and the slice is no longer. */
	KUNIT_EXPECT_EQ(test, slice, resume);

	/*
	 * Chunks of 50 us: the tokens, resume + t/4 - t, are gone at the
	 * first chunk end at or after 4/3 of resume.
	 */
	thr = roundup(DIV_ROUND_UP(4 * resume, 3), 50 * US);
	for (t = 50 * US; t < thr; t += 50 * US)
		KUNIT_ASSERT_EQ(test, vaccel_sched_should_preempt(s, 0, t),
				VACCEL_SCHED_CONTINUE);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, thr),
			VACCEL_SCHED_THROTTLED);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, thr, 1),
			VACCEL_SCHED_THROTTLED);
	/*
	 * It must earn back its overrun and resume, at a quarter of an
	 * engine: at thr + 4 * (3 * thr / 4 - resume + resume) = 4 * thr.
	 */
	back = 4 * thr;
	KUNIT_EXPECT_EQ(test, r.nr_arms, 1);
	KUNIT_EXPECT_EQ(test, r.armed, back);
	/* Throttled: the engine idles although a has work. */
	KUNIT_EXPECT_NULL(test, vaccel_sched_pick(s, 0, thr, &slice));
	KUNIT_EXPECT_EQ(test, r.nr_arms, 1);
	vaccel_sched_wake(s, a, 1, back - 10 * US);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 0);
	vaccel_sched_snapshot(s, a, back - 10 * US, &st);
	KUNIT_EXPECT_TRUE(test, st.throttled);
	KUNIT_EXPECT_EQ(test, st.throttles, 1);
	KUNIT_EXPECT_EQ(test, st.busy_ns, thr);

	/* Enough earned: the timer kicks the engine. */
	vaccel_sched_timer(s, back);
	KUNIT_EXPECT_EQ(test, r.nr_kicks, 1);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, back, &slice), a);
	KUNIT_EXPECT_EQ(test, slice, resume);
	vaccel_sched_snapshot(s, a, back + 10 * US, &st);
	KUNIT_EXPECT_FALSE(test, st.throttled);
	/* Picked at once first, then it waited from throttling to back. */
	KUNIT_EXPECT_EQ(test, st.waits, 2);
	KUNIT_EXPECT_EQ(test, st.wait_ns, back - thr);
	KUNIT_EXPECT_EQ(test, st.wait_max_ns, back - thr);

	/* Back to best_effort: the engine picks again, no throttling. */
	KUNIT_EXPECT_EQ(test, vaccel_sched_set_policy(s, VACCEL_SCHED_BEST_EFFORT,
						      back + 20 * US), 0);
	KUNIT_EXPECT_EQ(test, vaccel_sched_should_preempt(s, 0, back + 30 * US),
			VACCEL_SCHED_POLICY);
	KUNIT_EXPECT_EQ(test, vaccel_sched_put(s, 0, back + 30 * US, 1),
			VACCEL_SCHED_POLICY);
	KUNIT_EXPECT_PTR_EQ(test, vaccel_sched_pick(s, 0, back + 30 * US,
						    &slice), a);
	for (t = back + 80 * US; t < back + 20 * MS; t += 50 * US)
		KUNIT_ASSERT_EQ(test, vaccel_sched_should_preempt(s, 0, t),
				VACCEL_SCHED_CONTINUE);
}

/* Removal of an instance while an engine runs it. */
static void vaccel_sched_test_remove_running(struct kunit *test)
{
	struct rec r = { };
	struct vaccel_sched *s = sched_new(test, 2, &r);
	struct vaccel_sched_entity *a = ent_add(test, s, 2, 0);
	struct vaccel_sched_entity *b = ent_add(test, s, 1, 0);
	struct vaccel_sched_stats st;
	u64 slice;

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

/*
 * The demand-time histogram: time with 0, 1, 2, 3 and 4 or more queues
 * with work, from the add on, the level in progress counted by the
 * snapshot without changing the entity; puts report demand too.
 */
static void vaccel_sched_test_demand_time(struct kunit *test)
{
	struct rec r = { };
	struct vaccel_sched *s = sched_new(test, 2, &r);
	struct vaccel_sched_entity *a = ent_add(test, s, 2, 5 * MS);
	struct vaccel_sched_stats st;
	u64 slice;

	vaccel_sched_wake(s, a, 2, 15 * MS);		/* 10 ms at 0 */
	KUNIT_ASSERT_PTR_EQ(test, vaccel_sched_pick(s, 0, 15 * MS, &slice), a);
	vaccel_sched_wake(s, a, 7, 18 * MS);		/* 3 ms at 2 */
	vaccel_sched_wake(s, a, 3, 20 * MS);		/* 2 ms at 4+ */
	vaccel_sched_snapshot(s, a, 21 * MS, &st);	/* 1 ms at 3, so far */
	KUNIT_EXPECT_EQ(test, st.demand_ns[0], 10 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[1], 0);
	KUNIT_EXPECT_EQ(test, st.demand_ns[2], 3 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[3], 1 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[4], 2 * MS);
	/* The snapshot left the level in progress open. */
	KUNIT_EXPECT_EQ(test, a->st.demand_ns[3], 0);
	vaccel_sched_put(s, 0, 24 * MS, 1);		/* 4 ms at 3 */
	vaccel_sched_wake(s, a, 1, 25 * MS);		/* unchanged: 1 ms at 1 */
	vaccel_sched_wake(s, a, 0, 30 * MS);		/* 5 ms more at 1 */
	vaccel_sched_snapshot(s, a, 40 * MS, &st);	/* 10 ms more at 0 */
	KUNIT_EXPECT_EQ(test, st.demand_ns[0], 20 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[1], 6 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[2], 3 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[3], 4 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[4], 2 * MS);
	KUNIT_EXPECT_EQ(test, st.demand_ns[0] + st.demand_ns[1] +
			st.demand_ns[2] + st.demand_ns[3] + st.demand_ns[4],
			40 * MS - 5 * MS);
}

static struct kunit_case vaccel_sched_cases[] = {
	KUNIT_CASE(vaccel_sched_test_validation),
	KUNIT_CASE(vaccel_sched_test_names),
	KUNIT_CASE(vaccel_sched_test_kick),
	KUNIT_CASE(vaccel_sched_test_throttle_timer),
	KUNIT_CASE(vaccel_sched_test_remove_running),
	KUNIT_CASE(vaccel_sched_test_demand_time),
	{ }
};

static struct kunit_suite vaccel_sched_suite = {
	.name = "vaccel_sched",
	.test_cases = vaccel_sched_cases,
};

kunit_test_suite(vaccel_sched_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
