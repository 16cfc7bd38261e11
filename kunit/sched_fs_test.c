// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_sched_fs: fixed_share, the token bucket of the card
 * scheduler, in the simulation of sched_sim.h (see sched_sim_test.c):
 * the cap over sliding windows, and chunks that overrun the burst.  Like
 * the other simulation suites, it checks the mock's own record of what
 * ran when, never the scheduler's figures.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/string.h>

#include "sched.h"
#include "sched_sim.h"

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
 * fixed_share: over any window of a period (10 ms), no instance runs more
 * than its cap (slots/4 of the card per period) plus its burst and the
 * chunks in flight when it ran out, and over any 100 ms no more than ten
 * caps plus the same; a busy instance gets its cap, or all it can use,
 * in every window, even when the rest of the card idles.
 */
static void vaccel_sched_test_fixed_cap(struct kunit *test)
{
	const struct cap_case *c = test->param_value;
	struct sim *sim = vkt_sim_new(test, c->engines);
	u64 p = VACCEL_SCHED_PERIOD_NS, nperiods = 150;
	unsigned int e = c->engines, i, k, pt = div_u64(p, SIM_TICK);

	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s,
						      VACCEL_SCHED_FIXED_SHARE,
						      0), 0);
	for (i = 0; i < c->n; i++)
		vkt_sim_add(sim, c->slots[i], 0);
	vkt_sim_run(sim, 3 * MS + 17 * US);
	for (i = 0; i < c->n; i++)
		vkt_sim_wake(sim, sim->ent[i], c->queues[i]);
	vkt_sim_run(sim, nperiods * p);

	for (i = 0; i < c->n; i++) {
		struct sim_ent *se = sim->ent[i];
		u64 cap = div_u64((u64)c->slots[i] * e * p, 4);
		u64 burst = div_u64((u64)c->slots[i] * e *
				    VACCEL_SCHED_FS_BURST_NS, 4);
		u64 can = (u64)min(c->queues[i], e) * p;
		u64 lo = U64_MAX, hi = 0, w;

		/* Windows of one period, sliding by a tick. */
		for (k = 0; k + pt <= nperiods * pt; k++) {
			w = sim_window(se, k, pt);
			KUNIT_EXPECT_LE_MSG(test, w, cap + burst + e * CHUNK_MAX,
					    "instance %u, window at %u ms",
					    i, k);
			/* From the second period on: a steady state. */
			if (k >= pt) {
				lo = min(lo, w);
				hi = max(hi, w);
			}
		}
		/* Windows of ten periods. */
		for (k = 0; k + 10 * pt <= nperiods * pt; k++)
			KUNIT_EXPECT_LE_MSG(test, sim_window(se, k, 10 * pt),
					    10 * cap + burst + e * CHUNK_MAX,
					    "instance %u, 100 ms at %u ms", i, k);
		/*
		 * Every window it got its cap or all it could use, less what
		 * it earned and had not used yet (a burst at most) and the
		 * chunks in flight: its own overrun, and the others'.
		 */
		KUNIT_EXPECT_GE_MSG(test, lo + burst + 2 * e * CHUNK_MAX,
				    min(cap, can), "instance %u least %llu",
				    i, lo);
		kunit_info(test, "instance %u: cap %llu, per sliding period %llu-%llu",
			   i, cap, lo, hi);
	}
	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
}

struct overrun_case {
	const char *desc;
	unsigned int engines;
	unsigned int n;
	unsigned int slots[SIM_ENTS];
};

static const struct overrun_case overrun_cases[] = {
	{ "lone 1of4 E=4", 4, 1, { 1 } },
	{ "lone 1of2 E=4", 4, 1, { 2 } },
	{ "lone 1of4 E=2", 2, 1, { 1 } },
	{ "1of2+1of4+1of4 E=4", 4, 3, { 2, 1, 1 } },
};

static void overrun_case_desc(const struct overrun_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(overrun, overrun_cases, overrun_case_desc);

/*
 * fixed_share with chunks that overrun: every 40th chunk lasts 5 ms, more
 * than any burst (a sleep that overshoots, an engine thread the host
 * preempts in the middle of a chunk, both common under TCG).  An instance
 * that runs at its rate while its bucket is full has used no more than it
 * earned, however long its chunks: over 2 s each busy instance gets its
 * cap to within half a percent, and no more than its cap plus its burst
 * and one overrun per engine.
 */
static void vaccel_sched_test_fixed_overrun(struct kunit *test)
{
	const struct overrun_case *c = test->param_value;
	struct sim *sim = vkt_sim_new(test, c->engines);
	u64 start[SIM_ENTS], warm = 20 * MS, run = 2000 * MS;
	unsigned int e = c->engines, i;

	sim->long_every = 40;
	sim->long_ns = 5 * MS;
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s,
						      VACCEL_SCHED_FIXED_SHARE,
						      0), 0);
	for (i = 0; i < c->n; i++)
		vkt_sim_add(sim, c->slots[i], 0);
	for (i = 0; i < c->n; i++)
		vkt_sim_wake(sim, sim->ent[i], e);
	vkt_sim_run(sim, warm);
	vkt_sim_flush(sim);
	for (i = 0; i < c->n; i++)
		start[i] = sim->ent[i]->service;
	vkt_sim_run(sim, warm + run);
	vkt_sim_flush(sim);
	for (i = 0; i < c->n; i++) {
		u64 cap = div_u64((u64)c->slots[i] * e * run, 4);
		u64 burst = div_u64((u64)c->slots[i] * e *
				    VACCEL_SCHED_FS_BURST_NS, 4);
		u64 got = sim->ent[i]->service - start[i];

		KUNIT_EXPECT_GE_MSG(test, got * 1000, cap * 995,
				    "instance %u ran %llu ns of its cap %llu",
				    i, got, cap);
		KUNIT_EXPECT_LE_MSG(test, got, cap + burst + e * sim->long_ns,
				    "instance %u ran %llu ns, cap %llu",
				    i, got, cap);
		kunit_info(test, "instance %u: %llu.%llu %% of its cap, %llu throttles",
			   i, div64_u64(got * 100, cap),
			   div64_u64(got * 1000, cap) % 10,
			   sim->ent[i]->se.st.throttles);
	}
}

static struct kunit_case vaccel_sched_fs_cases[] = {
	KUNIT_CASE_PARAM(vaccel_sched_test_fixed_cap, cap_gen_params),
	KUNIT_CASE_PARAM(vaccel_sched_test_fixed_overrun, overrun_gen_params),
	{ }
};

static struct kunit_suite vaccel_sched_fs_suite = {
	.name = "vaccel_sched_fs",
	.test_cases = vaccel_sched_fs_cases,
};

kunit_test_suite(vaccel_sched_fs_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
