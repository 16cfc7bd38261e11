// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_bench: the scheduler figures of docs/benchmarks.md
 * ("Policies side by side"), for every policy of enum vaccel_sched_policy,
 * the benchmark baselines included, in one run.  Each policy drives the
 * same simulated engines of sched_sim.h (the same chunks, the same
 * pick/should_preempt/put path, the same pseudo-random sequence for a
 * given seed), so only the policy differs.  Natively under UML the
 * simulation is exact: it runs on its own clock, whatever the machine.
 *
 * The cases print lines "BENCH <figure> key=value ..." that tools/bench.sh
 * collects into tables and plots.  They never fail on a figure; they fail
 * when the simulation itself goes wrong (an engine kicked while busy, an
 * instance run on more engines than it has queues, engine time that does
 * not add up, a probe job lost).
 *
 * Module parameter bench_runs (vaccel_kunit.bench_runs= on the command
 * line of the UML kernel): runs per figure, each with its own seed.  The
 * default, 1, is the share of CI; make bench runs 5.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "bench.h"
#include "sched.h"
#include "sched_sim.h"

static unsigned int bench_runs = 1;
module_param(bench_runs, uint, 0444);
MODULE_PARM_DESC(bench_runs, "runs per benchmark figure (default 1)");

#define BENCH_MAX_RUNS	20
#define BENCH_ENGINES	4
/* Warm-up, then the measured part; both within the SIM_TICKS record. */
#define BENCH_WARM	(20 * MS)
#define BENCH_RUN	(4000 * MS)

/**
 * vkt_bench_runs() - runs per benchmark figure
 *
 * Return: the module parameter bench_runs, within 1 to BENCH_MAX_RUNS.
 */
unsigned int vkt_bench_runs(void)
{
	return clamp(bench_runs, 1U, BENCH_MAX_RUNS);
}

static unsigned int runs(void)
{
	return vkt_bench_runs();
}

static u32 seed_of(unsigned int run)
{
	return 12345 + 7919 * run;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The card and policy of one simulation, with an instance per slots[]. */
static struct sim *bench_sim(struct kunit *test, unsigned int engines,
			     enum vaccel_sched_policy policy, u64 slice,
			     unsigned int run, const unsigned int *slots,
			     unsigned int n)
{
	struct sim *sim = vkt_sim_new(test, engines);
	unsigned int i;

	sim->rng = seed_of(run);
	if (slice)
		KUNIT_ASSERT_EQ(test, vaccel_sched_set_slice(&sim->s, slice), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(&sim->s, policy, 0), 0);
	for (i = 0; i < n; i++)
		vkt_sim_add(sim, slots[i], 0);
	return sim;
}

/* The checks every figure makes of its simulation. */
static void bench_sane(struct kunit *test, struct sim *sim, u64 span)
{
	u64 sum = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, sim->bad_kicks, 0);
	for (i = 0; i < SIM_ENTS; i++)
		if (sim->ent[i])
			sum += sim->ent[i]->service;
	KUNIT_EXPECT_EQ(test, sum, sim->busy);
	KUNIT_EXPECT_LE(test, sim->busy, (u64)sim->nr_engines * span);
}

/* What an instance runs, by the length of its chunks (us). */
enum bench_op { OP_ANY, OP_BUSY, OP_COPY, OP_GEMM };

/*
 * Chunks end on time (VACCEL_CHUNK_NS, 50 us) or, on a fast host, on
 * bytes (64 KiB) or multiply-adds (16384) first: a BUSY sleep lasts its
 * 50 us and overshoots a little, a COPY chunk a few us, a GEMM chunk more.
 * OP_ANY is the fixture's default, 10 to 50 us.
 */
static const u64 op_chunk[][2] = {
	[OP_ANY] = { 0, 0 },
	[OP_BUSY] = { 50 * US, 60 * US },
	[OP_COPY] = { 5 * US, 8 * US },
	[OP_GEMM] = { 10 * US, 20 * US },
};

struct mix {
	const char *name;
	unsigned int engines;
	unsigned int n;
	unsigned int slots[SIM_ENTS];
	enum bench_op op[SIM_ENTS];
};

static const struct mix mixes[] = {
	{ "1of2+1of4+1of4", 4, 3, { 2, 1, 1 } },
	{ "4x1of4", 4, 4, { 1, 1, 1, 1 } },
	{ "1of2+1of4+1of4", 2, 3, { 2, 1, 1 } },
	{ "4x1of4", 2, 4, { 1, 1, 1, 1 } },
	{ "4x1of4", 1, 4, { 1, 1, 1, 1 } },
};

static const struct mix mixed_ops[] = {
	{ "BUSY-1of2+COPY-1of4+GEMM-1of4", 4, 3, { 2, 1, 1 },
	  { OP_BUSY, OP_COPY, OP_GEMM } },
	{ "COPY-1of2+BUSY-1of4+GEMM-1of4", 4, 3, { 2, 1, 1 },
	  { OP_COPY, OP_BUSY, OP_GEMM } },
	{ "COPY-1of4+COPY-1of4+BUSY-1of4+BUSY-1of4", 2, 4, { 1, 1, 1, 1 },
	  { OP_COPY, OP_COPY, OP_BUSY, OP_BUSY } },
	{ "BUSY-1of2+COPY-1of4+GEMM-1of4", 1, 3, { 2, 1, 1 },
	  { OP_BUSY, OP_COPY, OP_GEMM } },
};

/**
 * window_errors() - share errors of an instance over sliding windows
 * @se: the instance
 * @from: first tick of the measured part
 * @ticks: ticks of the measured part
 * @win: window length, in ticks; windows slide by one tick
 * @engines: engines of the card
 * @target: the instance's target share of the card, in permille
 * @out: where to append the errors, in permille (tenths of a point)
 * @n: errors in @out so far, updated
 */
static void window_errors(const struct sim_ent *se, unsigned int from,
			  unsigned int ticks, unsigned int win,
			  unsigned int engines, u32 target, u32 *out,
			  unsigned int *n)
{
	u64 cap = (u64)engines * win * SIM_TICK;
	u64 sum = sim_window(se, from, win);
	unsigned int t;

	for (t = from; t + win <= from + ticks; t++) {
		out[(*n)++] = pm_diff(share(sum, cap), target);
		if (t + win < SIM_TICKS)
			sum += se->tick[t + win];
		sum -= se->tick[t];
	}
}

static const unsigned int windows[] = { 10, 100, 1000 };

/*
 * One saturated mix under one policy, for 4 s: for each
 * window length, the largest and the 99th percentile distance of any
 * instance's share from its target (its slots out of the card's slots
 * taken: what the operator sold it), over windows sliding by 1 ms; Jain's
 * index of the shares normalised by target (1000: every instance got
 * exactly its target); the card in use.  With @series, each instance's
 * share over the first second in 10 ms windows too, for the plot.
 */
static void bench_mix(struct kunit *test, const char *figure,
		      const struct mix *mx, enum vaccel_sched_policy p,
		      unsigned int r, u32 *err, bool series)
{
	const unsigned int ticks = div_u64(BENCH_RUN, SIM_TICK);
	const unsigned int from = div_u64(BENCH_WARM, SIM_TICK);
	u64 start[SIM_ENTS], got, sx = 0, sxx = 0, busy0, sw0 = 0, sw1 = 0;
	u32 target[SIM_ENTS], got_pm[SIM_ENTS];
	u32 wmax[ARRAY_SIZE(windows)], wp99[ARRAY_SIZE(windows)];
	unsigned int total_slots = 0, i, w, e = mx->engines;
	char shares[64] = "";
	struct sim *sim;
	u32 jain;

	for (i = 0; i < mx->n; i++)
		total_slots += mx->slots[i];
	sim = bench_sim(test, e, p, 0, r, mx->slots, mx->n);
	for (i = 0; i < mx->n; i++) {
		sim->ent[i]->chunk_min = op_chunk[mx->op[i]][0];
		sim->ent[i]->chunk_max = op_chunk[mx->op[i]][1];
		vkt_sim_wake(sim, sim->ent[i], e);
	}
	vkt_sim_run(sim, BENCH_WARM);
	busy0 = sim->busy;
	for (i = 0; i < mx->n; i++) {
		start[i] = sim->ent[i]->service;
		sw0 += sim->ent[i]->se.st.switches;
	}
	vkt_sim_run(sim, BENCH_WARM + BENCH_RUN);
	bench_sane(test, sim, BENCH_WARM + BENCH_RUN);
	for (i = 0; i < mx->n; i++)
		sw1 += sim->ent[i]->se.st.switches;

	for (i = 0; i < mx->n; i++) {
		target[i] = div_u64(1000ULL * mx->slots[i], total_slots);
		got = sim->ent[i]->service - start[i];
		got_pm[i] = share(got, e * BENCH_RUN);
		/* x_i = share / target, in 1/1000 */
		got = div_u64(1000ULL * got_pm[i], target[i]);
		sx += got;
		sxx += got * got;
		/* a saturated load never runs dry */
		KUNIT_EXPECT_EQ(test, sim->ent[i]->queues, e);
		snprintf(shares + strlen(shares), sizeof(shares) - strlen(shares),
			 "%s%u", i ? "/" : "", got_pm[i]);
	}
	jain = sxx ? div64_u64(sx * sx * 1000, mx->n * sxx) : 0;
	for (w = 0; w < ARRAY_SIZE(windows); w++) {
		unsigned int n = 0;

		for (i = 0; i < mx->n; i++)
			window_errors(sim->ent[i], from, ticks - 1, windows[w],
				      e, target[i], err, &n);
		KUNIT_ASSERT_GT(test, n, 0);
		sort(err, n, sizeof(*err), cmp_u32, NULL);
		wmax[w] = err[n - 1];
		wp99[w] = err[n * 99 / 100];
	}
	kunit_info(test,
		   "BENCH %s mix=%s engines=%u policy=%s run=%u w10_max=%u w10_p99=%u w100_max=%u w100_p99=%u w1000_max=%u w1000_p99=%u jain=%u use=%u switches_per_s=%llu shares=%s\n",
		   figure, mx->name, e, vaccel_sched_policy_name(p), r,
		   wmax[0], wp99[0], wmax[1], wp99[1], wmax[2], wp99[2], jain,
		   share(sim->busy - busy0, e * BENCH_RUN),
		   div64_u64((sw1 - sw0) * 1000, div_u64(BENCH_RUN, MS)),
		   shares);
	if (!series)
		return;
	for (i = 0; i < mx->n; i++) {
		char vals[512];
		unsigned int k, len = 0;

		for (k = 0; k < 100; k++)
			len += scnprintf(vals + len, sizeof(vals) - len, "%s%u",
					 k ? "," : "",
					 share(sim_window(sim->ent[i],
							  from + 10 * k, 10),
					       e * 10 * MS));
		kunit_info(test,
			   "BENCH series mix=%s engines=%u policy=%s inst=%u slots=%u win_ms=10 values=%s\n",
			   mx->name, e, vaccel_sched_policy_name(p), i,
			   mx->slots[i], vals);
	}
}

/*
 * Every mix of @table under every policy, bench_runs times each, with
 * bench_mix(); the first run of @table's first mix also prints its series
 * when @series.
 */
static void bench_mixes(struct kunit *test, const char *figure,
			const struct mix *table, unsigned int n, bool series)
{
	unsigned int m, p, r;
	u32 *err;

	vkt_bench_native_only(test);

	err = kunit_kcalloc(test, SIM_ENTS * SIM_TICKS, sizeof(*err),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, err);
	for (m = 0; m < n; m++)
		for (p = 0; p < VACCEL_SCHED_NR_POLICIES; p++)
			for (r = 0; r < runs(); r++)
				bench_mix(test, figure, &table[m], p, r, err,
					  series && !m && !r);
}

/* Fairness: the mixes of mixes[], every instance running the default op. */
static void vaccel_bench_fair(struct kunit *test)
{
	bench_mixes(test, "fair", mixes, ARRAY_SIZE(mixes), true);
}

/*
 * Mixed operations: BUSY, COPY and GEMM tenants together, so that chunk
 * lengths differ from one instance to the next (op_chunk[]); the same
 * measures as vaccel_bench_fair().
 */
static void vaccel_bench_mixed(struct kunit *test)
{
	bench_mixes(test, "mixed", mixed_ops, ARRAY_SIZE(mixed_ops), false);
}

/*
 * Work conservation, on 4 engines with an accel-1of2 and two accel-1of4s:
 * (a) one 1of4 saturated, the others idle: the card in use; (b) on/off
 * bursts: the 1of4s saturated, the 1of2 given a burst of 2000 chunks of
 * work (about 60 ms of one engine) every 100 ms: the card in use, and how
 * long each burst took from its arrival to its last chunk.
 */
static void vaccel_bench_conserve(struct kunit *test)
{
	static const unsigned int slots[] = { 2, 1, 1 };
	unsigned int p, r, i;

	vkt_bench_native_only(test);

	for (p = 0; p < VACCEL_SCHED_NR_POLICIES; p++) {
		for (r = 0; r < runs(); r++) {
			struct sim *sim;
			u64 t, busy0, arrived = 0, done_sum = 0;
			u64 done_max = 0, bursts = 0, unfinished = 0;
			u32 lone;

			sim = bench_sim(test, BENCH_ENGINES, p, 0, r, slots, 3);
			vkt_sim_wake(sim, sim->ent[2], BENCH_ENGINES);
			vkt_sim_run(sim, BENCH_WARM);
			busy0 = sim->busy;
			vkt_sim_run(sim, BENCH_WARM + 2000 * MS);
			bench_sane(test, sim, BENCH_WARM + 2000 * MS);
			lone = share(sim->busy - busy0, BENCH_ENGINES * 2000 * MS);

			sim = bench_sim(test, BENCH_ENGINES, p, 0, r, slots, 3);
			for (i = 1; i < 3; i++)
				vkt_sim_wake(sim, sim->ent[i], BENCH_ENGINES);
			vkt_sim_run(sim, BENCH_WARM);
			busy0 = sim->busy;
			for (t = BENCH_WARM; t < BENCH_WARM + 3000 * MS; t += MS) {
				struct sim_ent *b = sim->ent[0];
				u64 since = t - BENCH_WARM;

				if (arrived && !b->queues) {
					done_sum += t - arrived;
					done_max = max(done_max, t - arrived);
					bursts++;
					arrived = 0;
				}
				if (since % (100 * MS) == 0) {
					if (arrived)
						unfinished++;
					if (!b->queues) {
						b->job_left = 2000;
						vkt_sim_wake(sim, b,
							     BENCH_ENGINES);
						arrived = t;
					} else {
						b->job_left += 2000;
					}
				}
				vkt_sim_run(sim, t + MS);
			}
			bench_sane(test, sim, BENCH_WARM + 3000 * MS);
			KUNIT_EXPECT_GT(test, sim->ent[0]->chunks, 0);
			kunit_info(test,
				   "BENCH conserve policy=%s run=%u lone_use=%u bursts_use=%u bursts=%llu burst_mean_us=%llu burst_max_us=%llu burst_late=%llu\n",
				   vaccel_sched_policy_name(p), r, lone,
				   share(sim->busy - busy0,
					 BENCH_ENGINES * 3000 * MS),
				   bursts,
				   bursts ? div64_u64(done_sum, bursts * US) : 0,
				   div_u64(done_max, US), unfinished);
		}
	}
}

/* The open-loop probe of vaccel_bench_latency(). */
struct probe {
	u64 *arrival;		/* arrival of each job, in order */
	unsigned int cap;
	unsigned int arrived;	/* jobs arrived */
	unsigned int started;	/* jobs whose first chunk started */
	unsigned int done;	/* jobs completed */
	unsigned int chunk;	/* chunk of the current job: 0 or 1 */
	u64 *to_start;		/* submit-to-start of each started job */
	u64 *to_done;		/* submit-to-completion of each done job */
};

static void probe_chunk(void *priv, u64 start, u64 end)
{
	struct probe *pr = priv;

	if (pr->done >= pr->arrived)
		return;		/* not the probe's job: cannot happen */
	if (pr->chunk == 0) {
		pr->to_start[pr->started++] = start - pr->arrival[pr->done];
		pr->chunk = 1;
		return;
	}
	pr->to_done[pr->done] = end - pr->arrival[pr->done];
	pr->done++;
	pr->chunk = 0;
}

/*
 * -ln(x / 2^32) in 16.16 fixed point, for exponential gaps: log2 by
 * repeated squaring, then times ln 2.
 */
static u64 neg_ln_fp16(u32 x)
{
	unsigned int n = ilog2(x), i;
	u64 y = (u64)x << (31 - n);	/* x / 2^n in 1.31: [1, 2) */
	u64 l2 = (u64)n << 16;		/* log2(x), 16.16 */

	for (i = 0; i < 16; i++) {
		y = (y * y) >> 31;
		if (y >= (1ULL << 32)) {
			y >>= 1;
			l2 |= 1ULL << (15 - i);
		}
	}
	/* -ln(x / 2^32) = (32 - log2 x) * ln 2; ln 2 = 45426 / 65536 */
	return (((32ULL << 16) - l2) * 45426) >> 16;
}

static const u64 probe_slices[] = {
	100 * US, 300 * US, 1 * MS, 3 * MS, 10 * MS,
};

/* ns percentile @pm (per mille) of @n sorted values */
static u64 pct(const u64 *v, unsigned int n, unsigned int pm)
{
	return n ? v[min(n - 1, (unsigned int)div_u64((u64)n * pm, 1000))] : 0;
}

/*
 * Latency: an accel-1of4 with an open-loop Poisson load (jobs of two
 * chunks, 2 ms apart on average, submitted at their times whether or not
 * the previous one is done: no coordinated omission) beside an accel-1of2
 * and an accel-1of4 that saturate the 4 engines, for 4 s, across slice
 * lengths.  Submit-to-start and submit-to-completion percentiles, the
 * card in use by the saturating pair, and context switches per second.
 */
static void vaccel_bench_latency(struct kunit *test)
{
	static const unsigned int slots[] = { 2, 1, 1 };
	const unsigned int cap = 4096;
	struct probe pr = { .cap = cap };
	unsigned int p, r, s, i;

	vkt_bench_native_only(test);

	pr.arrival = kunit_kcalloc(test, cap, sizeof(u64), GFP_KERNEL);
	pr.to_start = kunit_kcalloc(test, cap, sizeof(u64), GFP_KERNEL);
	pr.to_done = kunit_kcalloc(test, cap, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pr.arrival);
	KUNIT_ASSERT_NOT_NULL(test, pr.to_start);
	KUNIT_ASSERT_NOT_NULL(test, pr.to_done);

	for (p = 0; p < VACCEL_SCHED_NR_POLICIES; p++) {
		for (s = 0; s < ARRAY_SIZE(probe_slices); s++) {
			for (r = 0; r < runs(); r++) {
				struct sim *sim;
				struct sim_ent *probe;
				u64 next, busy0, end = BENCH_WARM + BENCH_RUN;
				u64 sw = 0, sw1 = 0, pbusy0;
				u32 rng = seed_of(r) ^ 0x9e3779b9;

				sim = bench_sim(test, BENCH_ENGINES, p,
						probe_slices[s], r, slots, 3);
				probe = sim->ent[2];
				pr.arrived = 0;
				pr.started = 0;
				pr.done = 0;
				pr.chunk = 0;
				probe->on_chunk = probe_chunk;
				probe->priv = &pr;
				for (i = 0; i < 2; i++)
					vkt_sim_wake(sim, sim->ent[i],
						     BENCH_ENGINES);
				vkt_sim_run(sim, BENCH_WARM);
				busy0 = sim->busy;
				pbusy0 = probe->service;
				for (i = 0; i < 3; i++)
					sw += sim->ent[i]->se.st.switches;
				for (next = BENCH_WARM; next < end; ) {
					vkt_sim_run(sim, next);
					if (pr.arrived == cap)
						break;
					pr.arrival[pr.arrived++] = next;
					if (!probe->queues) {
						probe->job_left = 2;
						vkt_sim_wake(sim, probe, 1);
					} else {
						probe->job_left += 2;
					}
					do {
						rng = rng * 1103515245 + 12345;
					} while (!rng);
					next += (neg_ln_fp16(rng) * 2 * MS) >> 16;
				}
				vkt_sim_run(sim, end + 200 * MS);
				bench_sane(test, sim, end + 200 * MS);
				/* every job submitted was run, in order */
				KUNIT_EXPECT_EQ(test, pr.done, pr.arrived);
				KUNIT_EXPECT_EQ(test, probe->queues, 0);
				sort(pr.to_start, pr.started, sizeof(u64),
				     cmp_u64, NULL);
				sort(pr.to_done, pr.done, sizeof(u64), cmp_u64,
				     NULL);
				for (i = 0; i < 3; i++)
					sw1 += sim->ent[i]->se.st.switches;
				kunit_info(test,
					   "BENCH latency policy=%s slice_us=%llu run=%u jobs=%u start_p50=%llu start_p99=%llu start_p999=%llu start_max=%llu done_p50=%llu done_p99=%llu done_p999=%llu done_max=%llu use=%u switches_per_s=%llu probe_use=%u\n",
					   vaccel_sched_policy_name(p),
					   div_u64(probe_slices[s], US), r,
					   pr.done,
					   pct(pr.to_start, pr.started, 500),
					   pct(pr.to_start, pr.started, 990),
					   pct(pr.to_start, pr.started, 999),
					   pct(pr.to_start, pr.started, 1000),
					   pct(pr.to_done, pr.done, 500),
					   pct(pr.to_done, pr.done, 990),
					   pct(pr.to_done, pr.done, 999),
					   pct(pr.to_done, pr.done, 1000),
					   share(sim->busy - busy0 -
						 (probe->service - pbusy0),
						 BENCH_ENGINES *
						 (end + 200 * MS - BENCH_WARM)),
					   div64_u64((sw1 - sw) * 1000,
						     div_u64(end + 200 * MS -
							     BENCH_WARM, MS)),
					   share(probe->service - pbusy0,
						 BENCH_ENGINES *
						 (end + 200 * MS - BENCH_WARM)));
			}
		}
	}
}

static void nop_kick(void *priv, unsigned int engine)
{
}

static void nop_arm(void *priv, u64 expires_ns)
{
}

static const struct vaccel_sched_ops nop_ops = {
	.kick = nop_kick,
	.arm = nop_arm,
};

static const unsigned int scale_counts[] = { 1, 4, 16, 64 };

/* mean ns of @n calls that took @total with the clock's @clock in each */
static u64 net_ns(u64 total, u64 n, u64 clock)
{
	u64 mean = n ? div64_u64(total, n) : 0;

	return mean > clock ? mean - clock : 0;
}

/* What vaccel_bench_scale() adds up for one configuration. */
struct scale_acc {
	u64 t_check;
	u64 checks;
	u64 t_switch;
	u64 switches;
	u64 worst;
	u64 idle;
};

/* One engine's chunk end at @now: the check, and a switch when told to. */
static void scale_step(struct vaccel_sched *s, unsigned int eng,
		       unsigned int e, u64 now, struct scale_acc *acc)
{
	struct vaccel_sched_entity *ent;
	enum vaccel_sched_reason why;
	u64 t0, d, slice;

	if (!s->engine[eng].cur) {
		t0 = ktime_get_ns();
		ent = vaccel_sched_pick(s, eng, now, &slice);
		d = ktime_get_ns() - t0;
		if (ent) {
			acc->t_switch += d;
			acc->switches++;
		} else {
			acc->idle++;
		}
		return;
	}
	t0 = ktime_get_ns();
	why = vaccel_sched_should_preempt(s, eng, now);
	acc->t_check += ktime_get_ns() - t0;
	acc->checks++;
	if (!why)
		return;
	t0 = ktime_get_ns();
	vaccel_sched_put(s, eng, now, e);
	ent = vaccel_sched_pick(s, eng, now, &slice);
	d = ktime_get_ns() - t0;
	if (!ent) {
		acc->idle++;
		return;
	}
	acc->t_switch += d;
	acc->worst = max(acc->worst, d);
	acc->switches++;
}

/* @n instances with work for all @e engines, under policy @p. */
static void scale_one(struct kunit *test, struct vaccel_sched *s,
		      struct vaccel_sched_entity *ents,
		      enum vaccel_sched_policy p, unsigned int e,
		      unsigned int n, u64 clock)
{
	const unsigned int iters = 20000;
	struct scale_acc acc = { };
	u64 now = 0, slice;
	unsigned int k;

	memset(s, 0, sizeof(*s));
	memset(ents, 0, 64 * sizeof(*ents));
	KUNIT_ASSERT_EQ(test, vaccel_sched_init(s, e, &nop_ops, NULL), 0);
	KUNIT_ASSERT_EQ(test, vaccel_sched_set_policy(s, p, 0), 0);
	for (k = 0; k < n; k++) {
		KUNIT_ASSERT_EQ(test, vaccel_sched_add(s, &ents[k], 1, 0), 0);
		vaccel_sched_wake(s, &ents[k], e, 0);
	}
	for (k = 0; k < e; k++)
		vaccel_sched_pick(s, k, now, &slice);
	for (k = 0; k < iters; k++) {
		if (k % e == 0)
			now += 30 * US;
		scale_step(s, k % e, e, now, &acc);
	}
	for (k = 0; k < e; k++)
		if (s->engine[k].cur)
			vaccel_sched_put(s, k, now, e);
	for (k = 0; k < n; k++)
		vaccel_sched_remove(s, &ents[k], now);
	KUNIT_EXPECT_GT(test, acc.checks, 0);
	kunit_info(test,
		   "BENCH scale policy=%s engines=%u instances=%u checks=%llu check_ns=%llu switches=%llu switch_ns=%llu switch_max_ns=%llu idle_picks=%llu clock_ns=%llu\n",
		   vaccel_sched_policy_name(p), e, n, acc.checks,
		   net_ns(acc.t_check, acc.checks, clock), acc.switches,
		   net_ns(acc.t_switch, acc.switches, clock), acc.worst,
		   acc.idle, clock);
}

/*
 * Scale: the scheduler's cost per decision, natively, with 1 to 64
 * engines and 1 to 64 instances on one scheduler (a card holds at most
 * four; 64 instances on 16 cards are 16 schedulers of four, each under
 * its own card's lock, so this is the worst case).  Every instance has
 * work for every engine; the engines go through chunks of 30 us of
 * simulated time round robin, and each chunk end is one
 * vaccel_sched_should_preempt(), plus vaccel_sched_put() and
 * vaccel_sched_pick() when it says stop.  The engine code makes these
 * calls under the card's scheduler lock and nothing else, so the time of
 * a call is the lock's hold time for that decision.  What a pair of
 * timestamps costs by itself is measured first and subtracted from the
 * means (not from the longest, which is as measured).
 */
static void vaccel_bench_scale(struct kunit *test)
{
	struct vaccel_sched_entity *ents;
	struct vaccel_sched *s;
	unsigned int p, a, b, k;
	u64 t0, clock = 0;

	vkt_bench_native_only(test);

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	ents = kunit_kcalloc(test, 64, sizeof(*ents), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, ents);
	/* what a pair of timestamps costs by itself, subtracted */
	t0 = ktime_get_ns();
	for (k = 0; k < 20000; k++)
		clock = ktime_get_ns();
	clock = div_u64(clock - t0, 20000);
	for (p = 0; p < VACCEL_SCHED_NR_POLICIES; p++)
		for (a = 0; a < ARRAY_SIZE(scale_counts); a++)
			for (b = 0; b < ARRAY_SIZE(scale_counts); b++)
				scale_one(test, s, ents, p, scale_counts[a],
					  scale_counts[b], clock);
}

static struct kunit_case vaccel_bench_cases[] = {
	KUNIT_CASE(vaccel_bench_fair),
	KUNIT_CASE(vaccel_bench_mixed),
	KUNIT_CASE(vaccel_bench_conserve),
	KUNIT_CASE(vaccel_bench_latency),
	KUNIT_CASE(vaccel_bench_scale),
	{ }
};

static struct kunit_suite vaccel_bench_suite = {
	.name = "vaccel_bench",
	.test_cases = vaccel_bench_cases,
};

kunit_test_suite(vaccel_bench_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
