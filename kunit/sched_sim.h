/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler fixture of the vaccel KUnit suites (sched_sim.c).
 */
#ifndef _VACCEL_SCHED_SIM_H
#define _VACCEL_SCHED_SIM_H

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/types.h>

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
static inline u64 lag_bound(unsigned int e, unsigned int n,
			    unsigned int wmax, unsigned int wsum, u64 slice)
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
static inline u64 latency_bound(unsigned int e, unsigned int n,
				unsigned int wratio, u64 slice)
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

/* A share of engine time in permille, rounded. */
static inline u32 share(u64 got, u64 total)
{
	return total ? div64_u64(got * 1000 + total / 2, total) : 0;
}

static inline u32 pm_diff(u32 a, u32 b)
{
	return a > b ? a - b : b - a;
}

struct rec {
	unsigned int kicks[SIM_ENGINES];
	unsigned int nr_kicks;
	u64 armed;
	unsigned int nr_arms;
};

extern const struct vaccel_sched_ops rec_ops;
void rec_kick(void *priv, unsigned int engine);
void rec_arm(void *priv, u64 expires);

struct sim *sim_new(struct kunit *test, unsigned int engines);
struct sim_ent *sim_add(struct sim *sim, unsigned int slots,
			unsigned int weight);
void sim_wake(struct sim *sim, struct sim_ent *se, unsigned int queues);
void sim_record(struct sim *sim, struct sim_ent *se, u64 from, u64 to);
void sim_lag_start(struct sim *sim, const u32 *permille);
void sim_pick(struct sim *sim, unsigned int i);
void sim_run(struct sim *sim, u64 until);
void sim_flush(struct sim *sim);

#endif /* _VACCEL_SCHED_SIM_H */
