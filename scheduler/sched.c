// SPDX-License-Identifier: GPL-2.0
/*
 * The time-slice scheduler of a vaccel card.
 *
 * Weighted fair queueing over virtual time, in the spirit of CFS, WF2Q and
 * EEVDF: every instance has a virtual time (engine ns it received, scaled
 * by 1024 / weight); a free engine takes the waiting instance with the
 * smallest key (its virtual time once the slices it holds on other
 * engines are over) and keeps it for one slice.  The card has a virtual
 * clock; an idle instance keeps only its bounded lag against it and wakes
 * up relative to it, so idle time is worth nothing, using an idle card is
 * never paid back, and virtual times may wrap.  A woken instance that is
 * owed time takes the engine of the one furthest ahead at a chunk
 * boundary.  fixed_share is a token bucket per instance.  The benchmark
 * baselines (rr, gvt, static, static_lend; issue 16) replace the choice of
 * instance and the end of a slice only, and go through the same calls.
 * docs/scheduler.md gives the rules, the bounds and the reasons.
 *
 * No locking: the caller holds one lock around every call (see sched.h).
 * No allocation and no sleeping.  A card has at most a few instances (one
 * per quarter slot), so the instances are a plain list and every decision
 * is a linear scan.
 */

#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "sched.h"

/* Virtual time runs at 1024 / weight virtual units per engine ns. */
#define VT_SHIFT	10

/*
 * fixed_share: earnings are counted over at most this long at a time,
 * longer than any burst and any chunk (and short enough not to overflow).
 */
#define VACCEL_SCHED_FS_GAP_NS	(10 * NSEC_PER_SEC)

static const char * const policy_names[VACCEL_SCHED_NR_POLICIES] = {
	[VACCEL_SCHED_BEST_EFFORT] = "best_effort",
	[VACCEL_SCHED_FIXED_SHARE] = "fixed_share",
	[VACCEL_SCHED_EQUAL_SHARE] = "equal_share",
	[VACCEL_SCHED_RR] = "rr",
	[VACCEL_SCHED_GVT] = "gvt",
	[VACCEL_SCHED_STATIC] = "static",
	[VACCEL_SCHED_STATIC_LEND] = "static_lend",
};

static const char * const reason_names[VACCEL_SCHED_NR_REASONS] = {
	[VACCEL_SCHED_CONTINUE] = "continue",
	[VACCEL_SCHED_SLICE] = "slice",
	[VACCEL_SCHED_THROTTLED] = "throttled",
	[VACCEL_SCHED_POLICY] = "policy",
	[VACCEL_SCHED_DEMAND] = "demand",
	[VACCEL_SCHED_REMOVED] = "removed",
	[VACCEL_SCHED_IDLE] = "idle",
	[VACCEL_SCHED_YIELD] = "yield",
	[VACCEL_SCHED_WAKEUP] = "wakeup",
};

/* a < b for virtual times, which may wrap */
static bool vt_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

static u64 vt_max(u64 a, u64 b)
{
	return vt_before(a, b) ? b : a;
}

static unsigned int eff_weight(const struct vaccel_sched *s,
			       const struct vaccel_sched_entity *e)
{
	if (s->policy == VACCEL_SCHED_EQUAL_SHARE)
		return 1;
	return e->weight ?: e->slots;
}

static void util_add(struct vaccel_sched_entity *e, u64 bucket, u64 ns)
{
	u64 i;

	if (bucket > e->util_head) {
		u64 n = min_t(u64, bucket - e->util_head,
			      VACCEL_SCHED_UTIL_BUCKETS);

		for (i = 1; i <= n; i++)
			e->util[(e->util_head + i) %
				VACCEL_SCHED_UTIL_BUCKETS] = 0;
		e->util_head = bucket;
	} else if (e->util_head - bucket >= VACCEL_SCHED_UTIL_BUCKETS) {
		return;
	}
	e->util[bucket % VACCEL_SCHED_UTIL_BUCKETS] += ns;
}

/* Charge engine time [@from, @to) to @e. */
static void account(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		    u64 from, u64 to)
{
	u64 window = VACCEL_SCHED_UTIL_BUCKET_NS * VACCEL_SCHED_UTIL_LONG;
	u64 delta, t;

	if (to <= from)
		return;
	delta = to - from;
	e->st.busy_ns += delta;
	e->vruntime += div_u64(delta << VT_SHIFT, eff_weight(s, e));
	/* fixed_share: earnings come in fs_refill(), which caps them. */
	if (s->policy == VACCEL_SCHED_FIXED_SHARE)
		e->fs_tokens -= delta;
	else if (s->policy == VACCEL_SCHED_GVT)
		e->gvt_left -= delta;

	/* Utilisation buckets, piece by piece; only the last window counts. */
	t = delta > window ? to - window : from;
	while (t < to) {
		u64 b = div64_u64(t, VACCEL_SCHED_UTIL_BUCKET_NS);
		u64 end = min(to, (b + 1) * VACCEL_SCHED_UTIL_BUCKET_NS);

		util_add(e, b, end - t);
		t = end;
	}
}

static void charge(struct vaccel_sched *s, struct vaccel_sched_engine *eng,
		   u64 now)
{
	if (!eng->cur || now <= eng->charged)
		return;
	account(s, eng->cur, eng->charged, now);
	eng->charged = now;
}

static void charge_all(struct vaccel_sched *s, u64 now)
{
	unsigned int i;

	for (i = 0; i < s->nr_engines; i++)
		charge(s, &s->engine[i], now);
}

/*
 * fixed_share is a token bucket: an instance earns engine time at its share
 * of the card, slots / 4 of E engines, i.e. r = slots * E / 4 engine ns per
 * ns, runs on at most ceil(r) engines at once, and banks at most
 * VACCEL_SCHED_FS_BURST_NS of earnings.  Over any window of length L it so
 * uses at most r * L plus its burst plus one chunk per engine (an engine
 * notices empty tokens at a chunk boundary; the overrun is paid back before
 * it runs again), and when r is a whole number of engines at most r * L,
 * like a VF with r engines of its own.
 */
static unsigned int fs_engines(const struct vaccel_sched *s,
			       const struct vaccel_sched_entity *e)
{
	return DIV_ROUND_UP(e->slots * s->nr_engines, VACCEL_CARD_SLOTS);
}

static u64 fs_earned(const struct vaccel_sched *s,
		     const struct vaccel_sched_entity *e, u64 ns)
{
	return div_u64(ns * e->slots * s->nr_engines, VACCEL_CARD_SLOTS);
}

static s64 fs_burst(const struct vaccel_sched *s,
		    const struct vaccel_sched_entity *e)
{
	return fs_earned(s, e, VACCEL_SCHED_FS_BURST_NS);
}

/*
 * Bring @e's tokens up to @now: first what its engines ran until @now is
 * paid, then what it earned until @now is added and the bucket capped at
 * its burst.  In that order: an instance that runs at its rate while its
 * bucket is full uses what it earns as it earns it, however long its
 * chunks; adding the earnings of a chunk still running first would cap
 * them away and leave the chunk to be paid from the burst (and a chunk
 * longer than the burst would throttle an instance that never ran above
 * its rate).  A gap longer than any bucket counts as that (no overflow).
 */
static void fs_refill(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		      u64 now)
{
	unsigned int i;
	u64 dt;

	for (i = 0; i < s->nr_engines; i++)
		if (s->engine[i].cur == e)
			charge(s, &s->engine[i], now);
	if (now <= e->fs_stamp)
		return;
	dt = min(now - e->fs_stamp, VACCEL_SCHED_FS_GAP_NS);
	e->fs_stamp = now;
	e->fs_tokens = min_t(s64, fs_burst(s, e),
			     e->fs_tokens + fs_earned(s, e, dt));
}

/* What a throttled instance must earn back before it runs again. */
static s64 fs_resume(const struct vaccel_sched *s,
		     const struct vaccel_sched_entity *e)
{
	return fs_burst(s, e) / 4;
}

/* A fresh bucket, so that a policy switch hands out little. */
static void fs_reset(const struct vaccel_sched *s,
		     struct vaccel_sched_entity *e, u64 now)
{
	e->fs_tokens = fs_resume(s, e);
	e->fs_stamp = now;
	e->fs_throttled = false;
}

/*
 * Out of tokens: throttled until a quarter of a burst is earned again, so
 * that a throttled instance runs for a useful stretch each time it comes
 * back; the rest of the burst absorbs a late comeback (a timer or an engine
 * that wakes late) without loss.
 */
static bool throttled(struct vaccel_sched *s,
		      struct vaccel_sched_entity *e, u64 now)
{
	if (s->policy != VACCEL_SCHED_FIXED_SHARE)
		return false;
	fs_refill(s, e, now);
	if (e->fs_throttled)
		e->fs_throttled = e->fs_tokens < fs_resume(s, e);
	else
		e->fs_throttled = e->fs_tokens <= 0;
	return e->fs_throttled;
}

/* When a throttled @e may run again: it has earned fs_resume(). */
static u64 fs_resume_at(const struct vaccel_sched *s,
			const struct vaccel_sched_entity *e, u64 now)
{
	s64 need = fs_resume(s, e) - e->fs_tokens;
	u64 rate = (u64)e->slots * s->nr_engines;

	if (need <= 0)
		return now;
	/* Rounded up, so that the tokens are there at that time. */
	return now + div64_u64((u64)need * VACCEL_CARD_SLOTS + rate - 1, rate);
}

static bool is_baseline(const struct vaccel_sched *s)
{
	return vaccel_sched_policy_is_baseline(s->policy);
}

static bool is_static(const struct vaccel_sched *s)
{
	return s->policy == VACCEL_SCHED_STATIC ||
	       s->policy == VACCEL_SCHED_STATIC_LEND;
}

/*
 * static, static_lend: the engines @e owns, [*@lo, *@hi).  The instances
 * take the card's quarters in the order they were added (the list order),
 * each as many as its slots, wrapping after the fourth; quarter q maps to
 * engine q * E / 4.  An instance whose quarters map to less than a whole
 * engine owns the engine its first quarter maps to, shared with the other
 * instances that map there.  Recomputed on every use, so ownership follows
 * instances that come and go.
 */
static void st_range(const struct vaccel_sched *s,
		     const struct vaccel_sched_entity *e,
		     unsigned int *lo, unsigned int *hi)
{
	const struct vaccel_sched_entity *o;
	unsigned int q = 0;

	list_for_each_entry(o, &s->entities, node) {
		if (o == e)
			break;
		q += o->slots;
	}
	q %= VACCEL_CARD_SLOTS;
	*lo = q * s->nr_engines / VACCEL_CARD_SLOTS;
	*hi = (q + e->slots) * s->nr_engines / VACCEL_CARD_SLOTS;
	*hi = clamp(*hi, *lo + 1, s->nr_engines);
}

static bool st_owns(const struct vaccel_sched *s,
		    const struct vaccel_sched_entity *e, unsigned int engine)
{
	unsigned int lo, hi;

	st_range(s, e, &lo, &hi);
	return engine >= lo && engine < hi;
}

static unsigned int st_engines(const struct vaccel_sched *s,
			       const struct vaccel_sched_entity *e)
{
	unsigned int lo, hi;

	st_range(s, e, &lo, &hi);
	return hi - lo;
}

/* gvt: out of budget (or given none yet) until the next period. */
static bool gvt_spent(const struct vaccel_sched *s,
		      const struct vaccel_sched_entity *e)
{
	return s->policy == VACCEL_SCHED_GVT && e->gvt_left <= 0;
}

/* Engines @e has work for and may have now, beyond those it runs on. */
static unsigned int more_engines(struct vaccel_sched *s,
				 struct vaccel_sched_entity *e, u64 now)
{
	unsigned int most = e->nr_queues;

	if (s->policy == VACCEL_SCHED_FIXED_SHARE)
		most = min(most, fs_engines(s, e));
	else if (s->policy == VACCEL_SCHED_STATIC)
		most = min(most, st_engines(s, e));
	if (most <= e->nr_running || throttled(s, e, now) || gvt_spent(s, e))
		return 0;
	return most - e->nr_running;
}

/* Has work for one more engine and may have it now. */
static bool wants_engine(struct vaccel_sched *s,
			 struct vaccel_sched_entity *e, u64 now)
{
	return more_engines(s, e, now);
}

/*
 * The virtual time @e will have once the slices it runs now are over: its
 * virtual time plus the engine time still to come on each engine running
 * it, up to that engine's slice end (an engine told to stop ends at its
 * next chunk boundary: nothing more to count).  Picks and slice ends
 * compare these keys rather than bare virtual times, so that engines
 * whose slices end together do not all take the instance that is behind
 * now: after the first has taken it, its key counts that engine's slice.
 */
static u64 vt_key(const struct vaccel_sched *s,
		  const struct vaccel_sched_entity *e, u64 now)
{
	u64 ahead = 0;
	unsigned int i;

	if (!e->nr_running)
		return e->vruntime;
	for (i = 0; i < s->nr_engines; i++) {
		const struct vaccel_sched_engine *eng = &s->engine[i];
		u64 end;

		if (eng->cur != e)
			continue;
		end = now;
		if (!eng->reason)
			end = max(end, eng->slice_start + s->slice_ns);
		if (end > eng->charged)
			ahead += end - eng->charged;
	}
	return e->vruntime + div_u64(ahead << VT_SHIFT, eff_weight(s, e));
}

/* Tell engine @eng to stop running its entity, for @why. */
static void set_reason(struct vaccel_sched_engine *eng,
		       enum vaccel_sched_reason why)
{
	if (!eng->reason && eng->cur)
		eng->cur->nr_leaving++;
	eng->reason = why;
}

static void wait_begin(struct vaccel_sched_entity *e, u64 now)
{
	if (!e->waiting && e->nr_queues && !e->nr_running) {
		e->waiting = true;
		e->wait_start = now;
	}
}

static void wait_end(struct vaccel_sched_entity *e, u64 now)
{
	u64 d, us;
	unsigned int b;

	if (!e->waiting)
		return;
	e->waiting = false;
	d = now - e->wait_start;
	us = div_u64(d, NSEC_PER_USEC);
	b = us ? ilog2(us) : 0;
	if (b >= VACCEL_SCHED_WAIT_BUCKETS)
		b = VACCEL_SCHED_WAIT_BUCKETS - 1;
	e->st.waits++;
	e->st.wait_ns += d;
	e->st.wait_max_ns = max(e->st.wait_max_ns, d);
	e->st.wait_hist[b]++;
}

/*
 * The references of virtual time, other instances than @skip considered:
 * @front, the smallest virtual time of those that want an engine now, and
 * @top, the largest of those running.  @slack is how far an instance's
 * virtual time may legitimately trail @front (see lead_clamp()).
 */
struct vt_refs {
	bool have_front;
	bool have_top;
	u64 front;
	u64 top;
	u64 slack;
};

static void vt_refs(struct vaccel_sched *s, struct vaccel_sched_entity *skip,
		    u64 now, struct vt_refs *r)
{
	struct vaccel_sched_entity *e;
	unsigned int wmin = VACCEL_SCHED_WEIGHT_MAX;

	memset(r, 0, sizeof(*r));
	list_for_each_entry(e, &s->entities, node) {
		if (e->nr_queues)
			wmin = min(wmin, eff_weight(s, e));
		if (e == skip)
			continue;
		if (wants_engine(s, e, now)) {
			if (!r->have_front || vt_before(e->vruntime, r->front))
				r->front = e->vruntime;
			r->have_front = true;
		} else if (e->nr_running) {
			if (!r->have_top || vt_before(r->top, e->vruntime))
				r->top = e->vruntime;
			r->have_top = true;
		}
	}
	/* One slice on every engine, with room for the chunk that ends it. */
	r->slack = div_u64((2 * s->slice_ns * s->nr_engines) << VT_SHIFT, wmin);
}

/*
 * The weighted average of the virtual times of the active (not idle)
 * instances, EEVDF's V: an instance whose virtual time is at or below it
 * has had no more than its share.  Each distance from the clock is bounded
 * first (active virtual times stay within a few slices of it), so the sum
 * cannot overflow.
 */
static u64 vt_avg(const struct vaccel_sched *s)
{
	const struct vaccel_sched_entity *e;
	s64 sum = 0, lim = 1LL << 50;
	u64 wsum = 0;

	list_for_each_entry(e, &s->entities, node) {
		unsigned int w = eff_weight(s, e);

		if (e->idle)
			continue;
		sum += clamp((s64)(e->vruntime - s->vclock), -lim, lim) * w;
		wsum += w;
	}
	return wsum ? s->vclock + div64_s64(sum, wsum) : s->vclock;
}

/*
 * The card's virtual clock, s->vclock, is where instances wake up, and an
 * instance at or below it is owed time.  While an instance waits for an
 * engine the card is contended and the clock follows the weighted average
 * of the active virtual times; while none waits, nobody is deprived (who
 * runs uses what the others leave) and it follows the largest virtual time
 * running.  It never goes back.  @e, if not NULL, is left out of the
 * references (it is being placed); when nobody waits and it runs, it
 * counts as running.  Every slice end syncs the clock, so the active
 * virtual times stay within a few slices of it and wrap-around comparisons
 * stay right for any uptime.
 */
static void vclock_sync(struct vaccel_sched *s, struct vaccel_sched_entity *e,
			u64 now, struct vt_refs *r)
{
	vt_refs(s, e, now, r);
	if (r->have_front || (e && wants_engine(s, e, now))) {
		s->vclock = vt_max(s->vclock, vt_avg(s));
		return;
	}
	if (r->have_top)
		s->vclock = vt_max(s->vclock, r->top);
	if (e && e->nr_running)
		s->vclock = vt_max(s->vclock, e->vruntime);
}

/* The most lag, either way, an instance keeps across idling or a reweight. */
static s64 lag_limit(const struct vaccel_sched *s)
{
	return 2 * (s64)s->nr_engines * s->slice_ns;
}

/* Engine ns at weight @w of @e's distance behind the clock, bounded. */
static s64 lag_of(const struct vaccel_sched *s,
		  const struct vaccel_sched_entity *e, unsigned int w)
{
	s64 lim = lag_limit(s);
	s64 d = (s64)(s->vclock - e->vruntime);
	s64 dlim = div_s64(lim << VT_SHIFT, w);

	/* Clamped first: the product below cannot overflow. */
	d = clamp(d, -dlim, dlim);
	return div_s64(d * w, 1 << VT_SHIFT);
}

/* Put @e at @lag engine ns behind the clock, at weight @w. */
static void set_lag(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		    s64 lag, unsigned int w)
{
	e->vruntime = s->vclock - (u64)div_s64(lag * (1 << VT_SHIFT), w);
}

/*
 * @e has no work and runs on no engine: from now on its virtual time goes
 * stale and only its lag against the clock is kept, bounded (EEVDF keeps
 * it the same way, so that sleeping neither launders a lead nor loses what
 * is owed).  If nobody else wants an engine, the card is not contended:
 * what @e used was spare and it was deprived of nothing, so it keeps no
 * lag, and the clock moves up to it.
 */
static void go_idle(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		    u64 now)
{
	struct vt_refs r;

	vclock_sync(s, e, now, &r);
	if (r.have_front) {
		e->lag = lag_of(s, e, eff_weight(s, e));
	} else {
		s->vclock = vt_max(s->vclock, e->vruntime);
		e->lag = 0;
	}
	e->idle = true;
	e->idle_since = now;
}

/*
 * @e gets work after idling: it starts at its kept lag from the clock.  A
 * lead (lag < 0) is paid back by the idle time, at the rate @e's share of
 * the card would have earned it, down to nothing: a tenant that ran a
 * short job and slept is level again once it slept for as long as its
 * share takes to earn that job.  Owed time does not grow while idle.
 */
static void wake_place(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		       u64 now)
{
	unsigned int w = eff_weight(s, e);
	struct vaccel_sched_entity *o;
	struct vt_refs r;
	u64 wsum = w;

	vclock_sync(s, e, now, &r);
	if (e->lag < 0) {
		/* Longer than a second repays any lead: no overflow. */
		u64 idle = min(now - e->idle_since, (u64)NSEC_PER_SEC * 100);

		list_for_each_entry(o, &s->entities, node)
			if (!o->idle)
				wsum += eff_weight(s, o);
		e->lag = min_t(s64, 0, e->lag +
			       div64_u64(idle * s->nr_engines * w, wsum));
	}
	set_lag(s, e, e->lag, w);
	e->lag = 0;
	e->idle = false;
}

/*
 * An instance that runs all the queues it has with work wants no more
 * engines and is owed nothing: when it starts to want one again, bound how
 * far it trails.  It keeps at most @slack of lead on the front, the most a
 * fair run can leave it; with nobody waiting the card is not contended and
 * the lead is forgiven down to the largest virtual time running.
 */
static void lead_clamp(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		       u64 now)
{
	struct vt_refs r;

	vclock_sync(s, e, now, &r);
	if (r.have_front)
		e->vruntime = vt_max(e->vruntime, r.front - r.slack);
	else if (r.have_top)
		e->vruntime = vt_max(e->vruntime, r.top);
}

/*
 * Is there an instance other than @cur that wants an engine and whose key
 * is smaller than @cur's?  Only slice ends need keys; placement and the
 * clamps work on bare virtual times (vt_refs()).
 */
static bool smaller_key_waits(struct vaccel_sched *s,
			      struct vaccel_sched_entity *cur, u64 now)
{
	struct vaccel_sched_entity *e;
	u64 key = vt_key(s, cur, now), margin;

	list_for_each_entry(e, &s->entities, node) {
		if (e == cur || !wants_engine(s, e, now))
			continue;
		/*
		 * An instance that already runs on engines takes one more
		 * only when it is behind by more than a slice per engine it
		 * holds, in its own virtual time: its key may be that much
		 * off, as the slices it holds end at different times.
		 * Without the margin, instances whose shares are whole
		 * engines trade engines at slice ends for nothing.  One
		 * that runs nowhere gets none: turns on a shared engine
		 * stay one slice long.
		 */
		margin = div_u64((s->slice_ns * e->nr_running) << VT_SHIFT,
				 eff_weight(s, e));
		if (vt_before(vt_key(s, e, now) + margin, key))
			return true;
	}
	return false;
}

static unsigned int wanted_engines(struct vaccel_sched *s, u64 now)
{
	struct vaccel_sched_entity *e;
	unsigned int n = 0;

	list_for_each_entry(e, &s->entities, node)
		n += more_engines(s, e, now);
	return n;
}

/*
 * Wake idle engines for work no engine is about to pick: engines that are
 * neither running nor idle (between a put and a pick, or kicked) will pick
 * anyway.  Return: true if an engine is on its way for all the work that
 * wants one.
 */
static bool kick_idle(struct vaccel_sched *s, u64 now)
{
	unsigned int i, busy = 0, idle, pending, want;

	idle = bitmap_weight(s->idle, s->nr_engines);
	for (i = 0; i < s->nr_engines; i++)
		if (s->engine[i].cur)
			busy++;
	pending = s->nr_engines - busy - idle;
	want = wanted_engines(s, now);
	if (want <= pending)
		return true;
	want -= pending;
	for_each_set_bit(i, s->idle, s->nr_engines) {
		if (!want)
			break;
		want--;
		clear_bit(i, s->idle);
		s->ops->kick(s->priv, i);
	}
	return !want;
}

/*
 * Wake-up preemption: @e woke up (or wants one more engine) and no engine
 * is free for it.  The engine whose occupant's key is largest, the one
 * furthest ahead, gives way to it at its first chunk boundary after
 * VACCEL_SCHED_WAKE_MIN_RUN_NS of that occupant at which @e is eligible:
 * not ahead of the clock (it is owed time, or level: EEVDF's rule).  So a
 * waking tenant that has not had more than its share waits about a chunk,
 * not for slice ends, whatever the slice, the weights and the engine
 * count; one that ran ahead waits until the others have caught up.  What
 * it runs is charged as always, so the shares do not change.
 */
static void wake_preempt(struct vaccel_sched *s, struct vaccel_sched_entity *e,
			 u64 now)
{
	struct vaccel_sched_engine *victim = NULL;
	u64 key, vkey = 0;
	unsigned int i;

	for (i = 0; i < s->nr_engines; i++) {
		struct vaccel_sched_engine *eng = &s->engine[i];

		if (!eng->cur || eng->cur == e || eng->reason || eng->wake_for)
			continue;
		key = vt_key(s, eng->cur, now);
		if (!victim || vt_before(vkey, key)) {
			victim = eng;
			vkey = key;
		}
	}
	if (victim)
		victim->wake_for = e;
}

/*
 * Does the instance an engine gives way to (wake_preempt()) get it now?  It
 * must still want an engine, and be eligible against the clock brought up
 * to date.
 */
static bool wake_due(struct vaccel_sched *s, struct vaccel_sched_entity *w,
		     u64 now)
{
	struct vt_refs r;

	if (!wants_engine(s, w, now))
		return false;
	vclock_sync(s, NULL, now, &r);
	return !vt_before(s->vclock, w->vruntime);
}

/*
 * gvt: have vaccel_sched_timer() called at the next period when an
 * instance with work for another engine is out of budget.
 */
static void gvt_arm(struct vaccel_sched *s)
{
	struct vaccel_sched_entity *e;
	u64 next = s->gvt_start + VACCEL_SCHED_GVT_PERIOD_NS;

	list_for_each_entry(e, &s->entities, node) {
		if (e->nr_queues <= e->nr_running || !gvt_spent(s, e))
			continue;
		if (s->armed != next) {
			s->armed = next;
			s->ops->arm(s->priv, next);
		}
		return;
	}
}

/*
 * fixed_share: have vaccel_sched_timer() called when the first throttled
 * instance with work has earned enough to run again (gvt: gvt_arm()).
 */
static void arm_if_throttled(struct vaccel_sched *s, u64 now)
{
	struct vaccel_sched_entity *e;
	u64 next = 0, t;

	if (s->policy == VACCEL_SCHED_GVT)
		gvt_arm(s);
	if (s->policy != VACCEL_SCHED_FIXED_SHARE)
		return;
	list_for_each_entry(e, &s->entities, node) {
		if (e->nr_queues <= e->nr_running || !throttled(s, e, now))
			continue;
		t = fs_resume_at(s, e, now);
		if (!next || t < next)
			next = t;
	}
	if (!next || s->armed == next)
		return;
	s->armed = next;
	s->ops->arm(s->priv, next);
}

/*
 * The benchmark baselines (docs/scheduler.md, "Benchmark baselines").  They
 * share the engine loop, the accounting and the statistics of the other
 * policies and replace three decisions only: which instance an engine
 * picks (base_pick()), when a running one stops (base_preempt()) and which
 * idle engines a wake-up kicks (kick_engines()).  They have no wake-up
 * preemption.  Turns go in the cyclic order of the instances' ids, which is
 * their list order: vaccel_sched_add() appends with increasing ids.
 */

/*
 * The first instance after id @after, cyclically, that wants an engine,
 * other than @skip; with @owners, only one that owns engine @engine
 * (static).
 */
static struct vaccel_sched_entity *
cyc_next(struct vaccel_sched *s, unsigned int engine, u64 after,
	 struct vaccel_sched_entity *skip, bool owners, u64 now)
{
	struct vaccel_sched_entity *e, *first = NULL;

	list_for_each_entry(e, &s->entities, node) {
		if (e == skip || !wants_engine(s, e, now))
			continue;
		if (owners && !st_owns(s, e, engine))
			continue;
		if (e->id > after)
			return e;
		if (!first)
			first = e;
	}
	return first;
}

/*
 * Whose turn it is on idle @engine: rr and gvt, the next in the card's
 * cyclic order that wants an engine (gvt: with budget, see
 * more_engines()); static, the next of the engine's owners, in the
 * engine's own order; static_lend, the same, else the next in the card's
 * order of all that want an engine (lending).
 */
static struct vaccel_sched_entity *
base_next(struct vaccel_sched *s, unsigned int engine, u64 now)
{
	struct vaccel_sched_engine *eng = &s->engine[engine];
	struct vaccel_sched_entity *e;

	switch (s->policy) {
	case VACCEL_SCHED_STATIC:
		return cyc_next(s, engine, eng->last_id, NULL, true, now);
	case VACCEL_SCHED_STATIC_LEND:
		e = cyc_next(s, engine, eng->last_id, NULL, true, now);
		if (e)
			return e;
		fallthrough;
	default:
		return cyc_next(s, engine, s->rr_last, NULL, false, now);
	}
}

/* A baseline's pick for @engine; a turn in the card's order is noted. */
static struct vaccel_sched_entity *base_pick(struct vaccel_sched *s,
					     unsigned int engine, u64 now)
{
	struct vaccel_sched_entity *e = base_next(s, engine, now);

	if (e && !(is_static(s) && st_owns(s, e, engine)))
		s->rr_last = e->id;
	return e;
}

/*
 * gvt: a new period.  Every instance that had work at some time in the
 * period that ended, or has work now, is allocated its weight's part of
 * the card's engine time in a period (weight / total weight of those
 * instances * period * engines), added to what it has left, unused or
 * overdrawn (carry-over); at the first period of a round the allocation
 * replaces what was left.  The others get nothing and keep what they have
 * until the round ends.
 */
static void gvt_period(struct vaccel_sched *s)
{
	u64 card = VACCEL_SCHED_GVT_PERIOD_NS * s->nr_engines, wsum = 0;
	struct vaccel_sched_entity *e;
	bool round;

	s->gvt_stage = (s->gvt_stage + 1) % VACCEL_SCHED_GVT_ROUND;
	round = !s->gvt_stage;
	list_for_each_entry(e, &s->entities, node) {
		e->gvt_active = e->gvt_active || e->nr_queues;
		if (e->gvt_active)
			wsum += vaccel_sched_weight(e);
	}
	list_for_each_entry(e, &s->entities, node) {
		s64 alloc = 0;

		if (e->gvt_active)
			alloc = div64_u64(card * vaccel_sched_weight(e), wsum);
		e->gvt_left = round ? alloc : e->gvt_left + alloc;
		e->gvt_active = e->nr_queues;
	}
}

/* gvt: a new round from @now, allocated to the instances with work. */
static void gvt_restart(struct vaccel_sched *s, u64 now)
{
	struct vaccel_sched_entity *e;

	list_for_each_entry(e, &s->entities, node)
		e->gvt_active = false;
	s->gvt_start = now;
	s->gvt_stage = VACCEL_SCHED_GVT_ROUND - 1;
	gvt_period(s);
}

/*
 * gvt: start the periods due by @now, charging the engines first so that
 * the time run before counts against the budgets of before.  A gap of more
 * than a round counts as one round.
 */
static void gvt_sync(struct vaccel_sched *s, u64 now)
{
	u64 n;

	if (s->policy != VACCEL_SCHED_GVT ||
	    now < s->gvt_start + VACCEL_SCHED_GVT_PERIOD_NS)
		return;
	charge_all(s, now);
	n = div64_u64(now - s->gvt_start, VACCEL_SCHED_GVT_PERIOD_NS);
	s->gvt_start += n * VACCEL_SCHED_GVT_PERIOD_NS;
	if (n > VACCEL_SCHED_GVT_ROUND) {
		s->gvt_stage = (s->gvt_stage + n - VACCEL_SCHED_GVT_ROUND) %
			       VACCEL_SCHED_GVT_ROUND;
		n = VACCEL_SCHED_GVT_ROUND;
	}
	while (n--)
		gvt_period(s);
}

/*
 * Wake idle engines for the work that wants one.  static: every idle engine
 * that one of its owners wants (an engine that picks nothing idles again);
 * the other policies: kick_idle().
 */
static bool kick_engines(struct vaccel_sched *s, u64 now)
{
	unsigned int i;

	if (s->policy != VACCEL_SCHED_STATIC)
		return kick_idle(s, now);
	for_each_set_bit(i, s->idle, s->nr_engines) {
		if (!base_next(s, i, now))
			continue;
		clear_bit(i, s->idle);
		s->ops->kick(s->priv, i);
	}
	return true;
}

/*
 * The chunk boundary of engine @engine under a baseline, after the checks
 * common to all policies.  static: an instance on an engine it does not own
 * (ownership moved when an instance went) stops.  static_lend: a lent
 * engine goes back as soon as an owner wants it.  At a slice end (a tick;
 * owners of a static engine: @slots slices, so that instances sharing an
 * engine get it in proportion to their slots) gvt stops an instance out of
 * budget, and every baseline stops the instance when another one wants
 * the engine (static: another owner; static_lend on a lent engine: any
 * other), so that the engine's next pick takes the next in turn, which may
 * be the same instance again; with nobody else, a new slice begins.
 */
static enum vaccel_sched_reason base_preempt(struct vaccel_sched *s,
					     unsigned int engine, u64 now)
{
	struct vaccel_sched_engine *eng = &s->engine[engine];
	struct vaccel_sched_entity *cur = eng->cur, *next;
	bool own = is_static(s) && st_owns(s, cur, engine);
	u64 slice = s->slice_ns;

	gvt_sync(s, now);
	if (s->policy == VACCEL_SCHED_STATIC && !own) {
		set_reason(eng, VACCEL_SCHED_POLICY);
		return eng->reason;
	}
	if (s->policy == VACCEL_SCHED_STATIC_LEND && !own &&
	    cyc_next(s, engine, 0, NULL, true, now)) {
		set_reason(eng, VACCEL_SCHED_WAKEUP);
		return eng->reason;
	}
	if (own)
		slice *= cur->slots;
	if (now - eng->slice_start < slice)
		return VACCEL_SCHED_CONTINUE;
	if (gvt_spent(s, cur)) {
		set_reason(eng, VACCEL_SCHED_THROTTLED);
		return eng->reason;
	}
	if (own)
		next = cyc_next(s, engine, eng->last_id, cur, true, now);
	else
		next = cyc_next(s, engine, s->rr_last, cur, false, now);
	if (next) {
		set_reason(eng, VACCEL_SCHED_SLICE);
		return eng->reason;
	}
	eng->slice_start = now;
	return VACCEL_SCHED_CONTINUE;
}

/* vaccel_sched_set_policy() to a baseline: its state starts afresh. */
static void base_reset(struct vaccel_sched *s, u64 now)
{
	unsigned int i;

	s->rr_last = 0;
	for (i = 0; i < s->nr_engines; i++)
		s->engine[i].wake_for = NULL;
	if (s->policy == VACCEL_SCHED_GVT)
		gvt_restart(s, now);
}

/**
 * vaccel_sched_init() - set up the scheduler of a card
 * @s: scheduler state, owned by the caller
 * @nr_engines: engines of the card, 1 to %VACCEL_MAX_ENGINES
 * @ops: kick and arm callbacks
 * @priv: passed to @ops
 *
 * The policy starts as best_effort, the slice as 1 ms, and every engine
 * as idle: the first vaccel_sched_wake() kicks one.
 *
 * Return: 0, or -EINVAL for a bad engine count or missing ops.
 */
int vaccel_sched_init(struct vaccel_sched *s, unsigned int nr_engines,
		      const struct vaccel_sched_ops *ops, void *priv)
{
	if (!nr_engines || nr_engines > VACCEL_MAX_ENGINES || !ops ||
	    !ops->kick || !ops->arm)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->priv = priv;
	s->nr_engines = nr_engines;
	s->policy = VACCEL_SCHED_BEST_EFFORT;
	s->slice_ns = VACCEL_SCHED_SLICE_DEFAULT;
	INIT_LIST_HEAD(&s->entities);
	s->next_id = 1;
	bitmap_fill(s->idle, nr_engines);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_init);

/**
 * vaccel_sched_set_policy() - change the policy of a card, live
 * @s: the scheduler
 * @policy: the new policy
 * @now: current time
 *
 * Every engine that runs an instance is told to pick again at its next
 * chunk boundary (%VACCEL_SCHED_POLICY).  Virtual times restart level, so
 * the new policy's shares hold from now on; fixed_share budgets start
 * full in the current period.  A baseline starts afresh: rr's turns from
 * the first instance, gvt's first round now, with budgets for the
 * instances that have work.
 *
 * Return: 0, or -EINVAL if @policy is not a policy.
 */
int vaccel_sched_set_policy(struct vaccel_sched *s,
			    enum vaccel_sched_policy policy, u64 now)
{
	struct vaccel_sched_entity *e;
	u64 base = 0;
	bool have = false;
	unsigned int i;

	if ((unsigned int)policy >= VACCEL_SCHED_NR_POLICIES)
		return -EINVAL;
	if (policy == s->policy)
		return 0;
	charge_all(s, now);
	list_for_each_entry(e, &s->entities, node) {
		if (e->nr_queues && (!have || vt_before(e->vruntime, base))) {
			base = e->vruntime;
			have = true;
		}
	}
	s->policy = policy;
	if (have)
		s->vclock = base;
	list_for_each_entry(e, &s->entities, node) {
		if (e->idle)
			e->lag = 0;
		else if (have)
			e->vruntime = base;
		fs_reset(s, e, now);
	}
	if (is_baseline(s))
		base_reset(s, now);
	for (i = 0; i < s->nr_engines; i++)
		if (s->engine[i].cur)
			set_reason(&s->engine[i], VACCEL_SCHED_POLICY);
	kick_engines(s, now);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_set_policy);

/**
 * vaccel_sched_set_slice() - change the time slice of a card, live
 * @s: the scheduler
 * @slice_ns: %VACCEL_SCHED_SLICE_MIN (100 us) to %VACCEL_SCHED_SLICE_MAX
 *	(100 ms)
 *
 * Slices in progress end by the new length.
 *
 * Return: 0, or -EINVAL out of range.
 */
int vaccel_sched_set_slice(struct vaccel_sched *s, u64 slice_ns)
{
	if (slice_ns < VACCEL_SCHED_SLICE_MIN ||
	    slice_ns > VACCEL_SCHED_SLICE_MAX)
		return -EINVAL;
	s->slice_ns = slice_ns;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_set_slice);

/**
 * vaccel_sched_add() - add an instance to a card's scheduler
 * @s: the scheduler
 * @ent: the instance's entity, embedded in it; zeroed here
 * @slots: quarter slots the instance holds: 1, 2 or 4
 * @now: current time
 *
 * The instance starts idle with its type's weight (@slots).
 *
 * Return: 0, or -EINVAL for a bad @slots.
 */
int vaccel_sched_add(struct vaccel_sched *s, struct vaccel_sched_entity *ent,
		     unsigned int slots, u64 now)
{
	if (!slots || slots > VACCEL_CARD_SLOTS || !is_power_of_2(slots))
		return -EINVAL;
	memset(ent, 0, sizeof(*ent));
	ent->id = s->next_id++;
	ent->slots = slots;
	ent->idle = true;
	ent->ready_since = now;
	ent->demand_since = now;
	fs_reset(s, ent, now);
	ent->util_head = div64_u64(now, VACCEL_SCHED_UTIL_BUCKET_NS);
	list_add_tail(&ent->node, &s->entities);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_add);

/**
 * vaccel_sched_remove() - take an instance off a card's scheduler
 * @s: the scheduler
 * @ent: an entity added to @s; removing it twice is harmless
 * @now: current time
 *
 * Allowed while engines run the instance ("removal mid-slice"): they are
 * charged up to @now and released; their next vaccel_sched_should_preempt()
 * says %VACCEL_SCHED_REMOVED and their vaccel_sched_put() does nothing
 * else.  The scheduler keeps no pointer to @ent afterwards.  Keeping
 * engines from touching the instance's queues is the caller's business.
 */
void vaccel_sched_remove(struct vaccel_sched *s,
			 struct vaccel_sched_entity *ent, u64 now)
{
	unsigned int i;

	if (!ent->id)
		return;
	for (i = 0; i < s->nr_engines; i++) {
		struct vaccel_sched_engine *eng = &s->engine[i];

		if (eng->wake_for == ent)
			eng->wake_for = NULL;
		if (eng->cur != ent)
			continue;
		charge(s, eng, now);
		eng->cur = NULL;
		eng->reason = VACCEL_SCHED_REMOVED;
	}
	list_del(&ent->node);
	ent->id = 0;
	ent->nr_running = 0;
	ent->nr_leaving = 0;
	ent->waiting = false;
	/* static: engines may have new owners that want them. */
	if (is_static(s))
		kick_engines(s, now);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_remove);

/**
 * vaccel_sched_weight() - the weight in force for an instance
 * @ent: the instance
 *
 * Return: the weight the operator set, else the type's default (its
 * slots: 4, 2 or 1).  equal_share ignores it.
 */
unsigned int vaccel_sched_weight(const struct vaccel_sched_entity *ent)
{
	return ent->weight ?: ent->slots;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_weight);

/**
 * vaccel_sched_set_weight() - set an instance's weight, live
 * @s: the scheduler
 * @ent: the instance
 * @weight: %VACCEL_SCHED_WEIGHT_MIN to %VACCEL_SCHED_WEIGHT_MAX, or 0 for
 *	the type's default
 * @now: current time
 *
 * The instance's lag, in engine time, is kept (bounded as for idling): its
 * distance in virtual time from the card's clock is rescaled to the new
 * weight.
 *
 * Return: 0, or -EINVAL out of range.
 */
int vaccel_sched_set_weight(struct vaccel_sched *s,
			    struct vaccel_sched_entity *ent,
			    unsigned int weight, u64 now)
{
	struct vt_refs r;
	unsigned int oldw, neww;

	if (weight > VACCEL_SCHED_WEIGHT_MAX)
		return -EINVAL;
	charge_all(s, now);
	oldw = eff_weight(s, ent);
	ent->weight = weight;
	neww = eff_weight(s, ent);
	if (oldw == neww)
		return 0;
	/* An idle instance keeps its lag in engine ns: nothing to do. */
	if (ent->idle)
		return 0;
	vclock_sync(s, ent, now, &r);
	set_lag(s, ent, lag_of(s, ent, oldw), neww);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_set_weight);

static unsigned int demand_level(unsigned int nr_queues)
{
	return min_t(unsigned int, nr_queues, VACCEL_SCHED_DEMAND_LEVELS - 1);
}

static void set_queues(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		       unsigned int nr_queues, u64 now)
{
	bool wanted = e->nr_queues > e->nr_running;

	if (nr_queues)
		e->gvt_active = true;
	if (now > e->demand_since) {
		e->st.demand_ns[demand_level(e->nr_queues)] +=
			now - e->demand_since;
		e->demand_since = now;
	}
	e->nr_queues = nr_queues;
	if (!nr_queues) {
		/* Its work went away before it ran: not a queueing delay. */
		e->waiting = false;
		if (!e->nr_running && !e->idle)
			go_idle(s, e, now);
		return;
	}
	if (e->idle) {
		wake_place(s, e, now);
		e->ready_since = now;
	} else if (!wanted && nr_queues > e->nr_running) {
		lead_clamp(s, e, now);
		e->ready_since = now;
	}
	wait_begin(e, now);
}

/* The work of vaccel_sched_wake() under a baseline. */
static void base_wake(struct vaccel_sched *s, struct vaccel_sched_entity *e,
		      unsigned int nr_queues, u64 now)
{
	bool joins = nr_queues && !e->nr_queues && !e->nr_running;
	bool card_idle = joins, restart;
	struct vaccel_sched_entity *o;

	gvt_sync(s, now);
	list_for_each_entry(o, &s->entities, node)
		if (o != e && (o->nr_queues || o->nr_running))
			card_idle = false;
	/*
	 * gvt: work on a card that had none starts a round at once, rather
	 * than wait for the next period with no budget; so does work that
	 * comes at the very start of a round (nothing ran in it yet).
	 */
	restart = joins && ((card_idle && e->gvt_left <= 0) ||
			    (s->gvt_start == now && !s->gvt_stage));
	set_queues(s, e, nr_queues, now);
	if (s->policy == VACCEL_SCHED_GVT && restart)
		gvt_restart(s, now);
	kick_engines(s, now);
	arm_if_throttled(s, now);
}

/**
 * vaccel_sched_wake() - report how many queues of an instance have work
 * @s: the scheduler
 * @ent: the instance
 * @nr_queues: its queues with work, counting those an engine runs now
 * @now: current time
 *
 * Call when a queue gets work (a doorbell) and whenever the count changes
 * outside vaccel_sched_put(); 0 says the instance went idle.  The instance
 * runs on at most @nr_queues engines.  When it wants more engines than it
 * has, idle engines are kicked, or if there are none, an engine may give
 * way to it (wake_preempt()).  An instance that was idle is first placed at
 * its kept lag from the card's clock, so idle time is worth nothing; one
 * that had all it wanted is clamped as docs/scheduler.md says.  A drop
 * below the engines running it makes one of them stop at its next chunk
 * boundary (%VACCEL_SCHED_DEMAND).  The benchmark baselines only kick idle
 * engines (base_wake()).
 */
void vaccel_sched_wake(struct vaccel_sched *s, struct vaccel_sched_entity *ent,
		       unsigned int nr_queues, u64 now)
{
	if (!ent->id)
		return;
	if (is_baseline(s)) {
		base_wake(s, ent, nr_queues, now);
		return;
	}
	set_queues(s, ent, nr_queues, now);
	if (!wants_engine(s, ent, now))
		arm_if_throttled(s, now);
	else if (!kick_idle(s, now))
		wake_preempt(s, ent, now);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_wake);

/* Pick order: smaller key, then ready longer, then added first. */
static bool pick_before(const struct vaccel_sched_entity *a, u64 akey,
			const struct vaccel_sched_entity *b, u64 bkey)
{
	if (akey != bkey)
		return vt_before(akey, bkey);
	if (a->ready_since != b->ready_since)
		return a->ready_since < b->ready_since;
	return a->id < b->id;
}

/* The instance that wants an engine with the smallest key, or NULL. */
static struct vaccel_sched_entity *smallest_key(struct vaccel_sched *s,
						u64 now)
{
	struct vaccel_sched_entity *e, *best = NULL;
	u64 key, best_key = 0;

	list_for_each_entry(e, &s->entities, node) {
		if (!wants_engine(s, e, now))
			continue;
		key = vt_key(s, e, now);
		if (!best || pick_before(e, key, best, best_key)) {
			best = e;
			best_key = key;
		}
	}
	return best;
}

/**
 * vaccel_sched_pick() - choose what an engine runs next
 * @s: the scheduler
 * @engine: the engine, idle (after vaccel_sched_put(), or a kick)
 * @now: current time
 * @slice_ns: if not NULL, set to how long the instance may run before
 *	vaccel_sched_should_preempt() stops it at the earliest: the slice,
 *	or less when its fixed_share budget runs out first; 0 when NULL is
 *	returned.  Informative: the engine calls
 *	vaccel_sched_should_preempt() at every chunk boundary anyway.
 *
 * The instance that wants an engine with the smallest key wins: its
 * virtual time plus the slices it holds on other engines (vt_key()),
 * unless the engine gave way to a woken instance (%VACCEL_SCHED_WAKEUP),
 * which then gets it if it still wants an engine.  The benchmark
 * baselines pick by their own rules (base_pick()).
 * An engine still running an instance is first put as by
 * vaccel_sched_put() with the instance's queue count unchanged.
 *
 * Return: the instance to run, or NULL when none wants an engine now: the
 * engine is idle until @s->ops->kick().
 */
struct vaccel_sched_entity *vaccel_sched_pick(struct vaccel_sched *s,
					      unsigned int engine, u64 now,
					      u64 *slice_ns)
{
	struct vaccel_sched_engine *eng;
	struct vaccel_sched_entity *best;

	if (slice_ns)
		*slice_ns = 0;
	if (WARN_ON_ONCE(engine >= s->nr_engines))
		return NULL;
	eng = &s->engine[engine];
	if (eng->cur)
		vaccel_sched_put(s, engine, now, eng->cur->nr_queues);
	eng->reason = VACCEL_SCHED_CONTINUE;
	clear_bit(engine, s->idle);

	/*
	 * The engine gave way to a woken instance: it goes first.  One not
	 * yet eligible keeps its claim on the engine.
	 */
	best = eng->wake_for;
	if (is_baseline(s)) {
		gvt_sync(s, now);
		best = base_pick(s, engine, now);
	} else if (best && wake_due(s, best, now)) {
		eng->wake_for = NULL;
	} else {
		if (best && !wants_engine(s, best, now))
			eng->wake_for = NULL;
		best = smallest_key(s, now);
		if (best == eng->wake_for)
			eng->wake_for = NULL;
	}
	if (!best) {
		set_bit(engine, s->idle);
		arm_if_throttled(s, now);
		return NULL;
	}

	wait_end(best, now);
	best->nr_running++;
	best->st.picks++;
	if (eng->last_id != best->id)
		best->st.switches++;
	eng->last_id = best->id;
	eng->cur = best;
	eng->run_start = now;
	eng->slice_start = now;
	eng->charged = now;
	if (slice_ns) {
		*slice_ns = s->slice_ns;
		/* fixed_share: its tokens last that long on this engine. */
		if (s->policy == VACCEL_SCHED_FIXED_SHARE &&
		    best->fs_tokens > 0)
			*slice_ns = min_t(u64, *slice_ns, best->fs_tokens);
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_pick);

/**
 * vaccel_sched_should_preempt() - the chunk-boundary check of an engine
 * @s: the scheduler
 * @engine: an engine that runs an instance (or did, until it was removed)
 * @now: current time
 *
 * Call after every chunk.  Charges the chunk to the instance, then decides
 * whether the engine must stop running it.  When the slice is over but no
 * other instance that wants an engine has a smaller key (vt_key()), a new
 * slice begins and the engine goes on.  An engine that a woken instance
 * may take (wake_preempt()) stops for it once its instance has run
 * %VACCEL_SCHED_WAKE_MIN_RUN_NS, if that one still wants an engine.
 * O(instances * engines) then, O(1) otherwise.  The benchmark baselines
 * end slices by their own rules (base_preempt()).
 *
 * Return: %VACCEL_SCHED_CONTINUE (0) to go on, else why to stop: then
 * call vaccel_sched_put() and vaccel_sched_pick().  The answer stays the
 * same until then.
 */
enum vaccel_sched_reason vaccel_sched_should_preempt(struct vaccel_sched *s,
						     unsigned int engine,
						     u64 now)
{
	struct vaccel_sched_engine *eng;
	struct vaccel_sched_entity *cur;
	struct vt_refs r;

	if (WARN_ON_ONCE(engine >= s->nr_engines))
		return VACCEL_SCHED_CONTINUE;
	eng = &s->engine[engine];
	cur = eng->cur;
	if (eng->reason || !cur)
		return eng->reason;
	charge(s, eng, now);
	cur->st.chunks++;
	/* One engine per queue too many; the others go on. */
	if (cur->nr_running - cur->nr_leaving > cur->nr_queues)
		set_reason(eng, VACCEL_SCHED_DEMAND);
	else if (throttled(s, cur, now))
		set_reason(eng, VACCEL_SCHED_THROTTLED);
	if (eng->reason)
		return eng->reason;
	if (is_baseline(s))
		return base_preempt(s, engine, now);
	if (eng->wake_for &&
	    now - eng->run_start >= VACCEL_SCHED_WAKE_MIN_RUN_NS) {
		if (!wants_engine(s, eng->wake_for, now)) {
			eng->wake_for = NULL;
		} else if (wake_due(s, eng->wake_for, now)) {
			set_reason(eng, VACCEL_SCHED_WAKEUP);
			return eng->reason;
		}
	}
	if (now - eng->slice_start < s->slice_ns)
		return VACCEL_SCHED_CONTINUE;

	vclock_sync(s, cur, now, &r);
	/* All it wants runs: keep it from banking, see lead_clamp(). */
	if (cur->nr_queues <= cur->nr_running)
		cur->vruntime = vt_max(cur->vruntime,
				       (r.have_front ? r.front : s->vclock) -
				       r.slack);
	if (r.have_front) {
		if (smaller_key_waits(s, cur, now)) {
			set_reason(eng, VACCEL_SCHED_SLICE);
			return eng->reason;
		}
	}
	eng->slice_start = now;
	return VACCEL_SCHED_CONTINUE;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_should_preempt);

/**
 * vaccel_sched_put() - an engine stops running its instance
 * @s: the scheduler
 * @engine: the engine
 * @now: current time
 * @nr_queues: the instance's queues with work now, as for
 *	vaccel_sched_wake()
 *
 * Charges the time since the last charge, and counts the switch out.  The
 * engine then calls vaccel_sched_pick().  Harmless on an engine that runs
 * nothing (its instance was removed).
 *
 * Return: why the instance stopped: the reason vaccel_sched_should_preempt()
 * gave, else %VACCEL_SCHED_IDLE (no work left) or %VACCEL_SCHED_YIELD.
 */
enum vaccel_sched_reason vaccel_sched_put(struct vaccel_sched *s,
					  unsigned int engine, u64 now,
					  unsigned int nr_queues)
{
	struct vaccel_sched_engine *eng;
	struct vaccel_sched_entity *cur;
	enum vaccel_sched_reason why;

	if (WARN_ON_ONCE(engine >= s->nr_engines))
		return VACCEL_SCHED_IDLE;
	eng = &s->engine[engine];
	cur = eng->cur;
	why = eng->reason;
	eng->reason = VACCEL_SCHED_CONTINUE;
	if (!cur)
		return why ?: VACCEL_SCHED_IDLE;
	charge(s, eng, now);
	eng->cur = NULL;
	cur->nr_running--;
	if (why)
		cur->nr_leaving--;
	switch (why) {
	case VACCEL_SCHED_WAKEUP:
		cur->st.wakeups++;
		fallthrough;
	case VACCEL_SCHED_SLICE:
	case VACCEL_SCHED_POLICY:
	case VACCEL_SCHED_DEMAND:
		cur->st.preemptions++;
		break;
	case VACCEL_SCHED_THROTTLED:
		cur->st.throttles++;
		break;
	default:
		why = nr_queues ? VACCEL_SCHED_YIELD : VACCEL_SCHED_IDLE;
		break;
	}
	if (why == VACCEL_SCHED_SLICE || why == VACCEL_SCHED_THROTTLED ||
	    why == VACCEL_SCHED_WAKEUP)
		cur->ready_since = now;
	set_queues(s, cur, nr_queues, now);
	if (why == VACCEL_SCHED_THROTTLED)
		arm_if_throttled(s, now);
	/* Baselines: work the engine leaves may find an idle one. */
	if (is_baseline(s) && nr_queues)
		kick_engines(s, now);
	return why;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_put);

/**
 * vaccel_sched_job_done() - count a job an instance completed
 * @ent: the instance
 */
void vaccel_sched_job_done(struct vaccel_sched_entity *ent)
{
	ent->st.jobs++;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_job_done);

/**
 * vaccel_sched_timer() - the timer asked for with &vaccel_sched_ops.arm
 * @s: the scheduler
 * @now: current time
 *
 * Budgets of the new fixed_share (or gvt) period are in force: idle
 * engines are kicked for the instances that may run again.  Calling it at
 * other times is harmless.
 */
void vaccel_sched_timer(struct vaccel_sched *s, u64 now)
{
	if (s->armed && s->armed <= now)
		s->armed = 0;
	gvt_sync(s, now);
	kick_engines(s, now);
	arm_if_throttled(s, now);
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_timer);

/**
 * vaccel_sched_snapshot() - copy out the statistics of an instance
 * @s: the scheduler
 * @ent: the instance
 * @now: current time; engines running instances are charged up to it
 * @out: filled in; docs/scheduler.md defines every field
 */
void vaccel_sched_snapshot(struct vaccel_sched *s,
			   struct vaccel_sched_entity *ent, u64 now,
			   struct vaccel_sched_stats *out)
{
	u64 cur = div64_u64(now, VACCEL_SCHED_UTIL_BUCKET_NS);
	u64 b, sum = 0;
	struct vt_refs r;
	unsigned int n;

	gvt_sync(s, now);
	charge_all(s, now);
	*out = ent->st;
	for (n = 1; n <= VACCEL_SCHED_UTIL_LONG; n++) {
		/* Complete buckets only: cur - 1 back to cur - n. */
		b = cur - n;
		if (n <= cur && b <= ent->util_head &&
		    ent->util_head - b < VACCEL_SCHED_UTIL_BUCKETS)
			sum += ent->util[b % VACCEL_SCHED_UTIL_BUCKETS];
		if (n == VACCEL_SCHED_UTIL_SHORT)
			out->util_short_ns = sum;
	}
	out->util_long_ns = sum;
	out->util_short = div64_u64(out->util_short_ns * 10000,
				    (u64)s->nr_engines *
				    VACCEL_SCHED_UTIL_SHORT *
				    VACCEL_SCHED_UTIL_BUCKET_NS);
	out->util_long = div64_u64(out->util_long_ns * 10000,
				   (u64)s->nr_engines *
				   VACCEL_SCHED_UTIL_LONG *
				   VACCEL_SCHED_UTIL_BUCKET_NS);
	out->weight = vaccel_sched_weight(ent);
	out->slots = ent->slots;
	out->nr_queues = ent->nr_queues;
	out->nr_running = ent->nr_running;
	out->throttled = ent->id && (throttled(s, ent, now) ||
				     (ent->nr_queues && gvt_spent(s, ent)));
	out->wait_now_ns = ent->waiting ? now - ent->wait_start : 0;
	if (now > ent->demand_since)
		out->demand_ns[demand_level(ent->nr_queues)] +=
			now - ent->demand_since;
	out->lag_ns = ent->lag;
	if (ent->id && !ent->idle) {
		vclock_sync(s, ent, now, &r);
		out->lag_ns = lag_of(s, ent, eff_weight(s, ent));
	}
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_snapshot);

/**
 * vaccel_sched_policy_name() - the name of a policy, as sysfs shows it
 * @policy: the policy
 *
 * Return: "best_effort", "fixed_share", "equal_share", or one of the
 * benchmark baselines "rr", "gvt", "static", "static_lend"; NULL if
 * @policy is not a policy.
 */
const char *vaccel_sched_policy_name(enum vaccel_sched_policy policy)
{
	if ((unsigned int)policy >= VACCEL_SCHED_NR_POLICIES)
		return NULL;
	return policy_names[policy];
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_policy_name);

/**
 * vaccel_sched_policy_is_baseline() - is a policy a benchmark baseline
 * @policy: the policy
 *
 * Return: true for rr, gvt, static and static_lend, which exist to be
 * compared with (docs/scheduler.md, "Benchmark baselines"), not for
 * production.
 */
bool vaccel_sched_policy_is_baseline(enum vaccel_sched_policy policy)
{
	return policy >= VACCEL_SCHED_FIRST_BASELINE &&
	       policy < VACCEL_SCHED_NR_POLICIES;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_policy_is_baseline);

/**
 * vaccel_sched_policy_parse() - a policy from its name
 * @name: "best_effort", "fixed_share", "equal_share", or a benchmark
 *	baseline: "rr", "gvt", "static" or "static_lend"; one trailing
 *	newline is accepted (sysfs writes)
 *
 * Return: the policy, or -EINVAL.
 */
int vaccel_sched_policy_parse(const char *name)
{
	int i = sysfs_match_string(policy_names, name);

	return i < 0 ? -EINVAL : i;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_policy_parse);

/**
 * vaccel_sched_reason_name() - the name of a switch-out reason
 * @reason: the reason
 *
 * Return: e.g. "slice", or NULL for no reason.
 */
const char *vaccel_sched_reason_name(enum vaccel_sched_reason reason)
{
	if ((unsigned int)reason >= VACCEL_SCHED_NR_REASONS)
		return NULL;
	return reason_names[reason];
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sched_reason_name);
