// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio long, load and bench: workloads on every queue for a while
 * (a random correct one, every result checked; BUSY commands for the
 * scheduler) and the engines' throughput.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "model.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* long: a correct workload for a while, every result verified */

#define LONG_SLOTS	6
#define LONG_SLOT	(256 * 1024)

enum long_kind { L_COPY, L_FILL, L_CRC, L_GEMM, L_BUSY, L_FENCE, L_KINDS };

static const char *const long_names[L_KINDS] = {
	"COPY", "FILL", "CRC32C", "GEMM", "BUSY", "FENCE",
};

struct long_job {
	enum long_kind kind;
	struct cmd c;
	struct opnd src, src2, dst;
};

struct long_queue {
	struct queue *qu;
	struct dma_buf src;	/* random, never written */
	struct dma_buf dst;	/* LONG_SLOTS slots */
	__u64 bar;		/* its BAR2 slots */
	struct long_job job[LONG_SLOTS];
	unsigned int n;
};

/* BAR2 holds every queue's slots: some jobs write there. */
static bool long_bar(const struct qenv *e)
{
	return e->bar2_size >= (__u64)VACCEL_FN_QUEUES * LONG_SLOTS * LONG_SLOT;
}

/* A random job writing slot @s. */
static void long_make(struct qenv *e, struct long_queue *lq, unsigned int s)
{
	struct long_job *j = &lq->job[s];
	bool to_bar = long_bar(e) && rnd() % 4 == 0;
	size_t len = rnd_between(1, LONG_SLOT - 2 * GAP);
	__u32 m, n, k;

	j->kind = rnd() % L_KINDS;
	j->dst = to_bar ? at_bar2(e, lq->bar + (__u64)s * LONG_SLOT + GAP) :
		 at_buf(&lq->dst, (size_t)s * LONG_SLOT + GAP);
	j->src = at_buf(&lq->src, rnd_between(0, lq->src.size - LONG_SLOT));
	switch (j->kind) {
	case L_COPY:
		j->c = cmd_copy(j->dst, j->src, len);
		break;
	case L_FILL:
		j->c = cmd_fill(j->dst, len, rnd());
		break;
	case L_CRC:
		j->c = cmd_crc(j->dst, j->src, len, rnd() % 2 ? (__u32)rnd() : 0);
		break;
	case L_GEMM:
		m = rnd_between(1, 48);
		n = rnd_between(1, 48);
		k = rnd_between(1, rnd() % 8 ? 48 : 512);
		j->src = at_buf(&lq->src, 4 * rnd_between(0, 1024));
		j->src2 = at_buf(&lq->src, 4 * rnd_between(0, 1024) + 4 * MIB / 8);
		j->c = cmd_gemm(j->dst, j->src, j->src2, m, n, k);
		break;
	case L_BUSY:
		j->c = cmd_busy(rnd_between(1, 20000000));
		break;
	case L_FENCE:
		j->c = cmd_fence(rnd());
		break;
	default:
		break;
	}
	j->c.tag = s;
}

/* Verify slot @s; counts it in @ok or records a failure. */
static bool long_verify(struct qenv *e, struct long_queue *lq, unsigned int s,
			unsigned int *fence_slot)
{
	struct long_job *j = &lq->job[s];
	const struct cmd *c = &j->c;
	struct vdev *v = e->v;
	__u8 *want = NULL;
	size_t len = c->len, at = 0;
	bool ok = true;

	switch (j->kind) {
	case L_COPY:
		at = first_diff(j->dst.p, j->src.p, len);
		ok = at == len;
		break;
	case L_FILL:
		ok = fill_ok(j->dst.p, len, c->value, &at);
		break;
	case L_CRC:
		len = 4;
		ok = get_le32(j->dst.p) == crc32c(c->value, j->src.p, c->len);
		break;
	case L_GEMM:
		len = 4ULL * c->m * c->n;
		want = malloc(len);
		if (!want)
			return check(&v->report, false,
				     "memory for a GEMM reference");
		gemm_ref(want, j->src.p, j->src2.p, c->m, c->n, c->k);
		at = first_diff(j->dst.p, want, len);
		ok = at == len;
		free(want);
		break;
	case L_FENCE:
		*fence_slot = s;
		len = 0;
		break;
	default:
		len = 0;
		break;
	}
	if (ok && len)
		ok = all_bytes(j->dst.p - GAP, GAP, SENTINEL) &&
		     all_bytes(j->dst.p + len, GAP, SENTINEL);
	if (!ok)
		check(&v->report, false,
		      "queue %u: %s (len %u, %ux%ux%u, %s) wrong at byte %zu",
		      lq->qu->q, long_names[j->kind], c->len, c->m, c->n, c->k,
		      j->dst.dev ? "BAR2" : "IOVA", at);
	return ok;
}

int command_long(struct vdev *v)
{
	struct long_queue lq[VACCEL_FN_QUEUES];
	unsigned int q, s, fence_slot, done[L_KINDS] = { 0 }, bad = 0;
	__u64 t0, deadline, batches = 0;
	struct stats before, after;
	struct qenv e;
	int ret = 0;

	memset(lq, 0, sizeof(lq));
	section("long: setup");
	stats_read(v, &before);
	if (!qenv_init(&e, v)) {
		ret = -1;
		goto out;
	}
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		lq[q].qu = queue_start(&e, q, 8);
		lq[q].bar = (__u64)q * LONG_SLOTS * LONG_SLOT;
		if (!lq[q].qu || !dma_alloc(&e, &lq[q].src, 4 * MIB) ||
		    !dma_alloc(&e, &lq[q].dst, LONG_SLOTS * LONG_SLOT)) {
			ret = -1;
			goto out;
		}
		rnd_fill(lq[q].src.va, lq[q].src.size);
	}
	printf("  running for %u s on %u queues\n", v->opts->seconds,
	       VACCEL_FN_QUEUES);

	section("long: work");
	t0 = now_ns();
	deadline = t0 + v->opts->seconds * 1000000000ULL;
	while (now_ns() < deadline && !v->report.failures) {
		for (q = 0; q < VACCEL_FN_QUEUES; q++) {
			memset(lq[q].dst.va, SENTINEL, lq[q].dst.size);
			if (long_bar(&e))
				memset(e.bar2 + lq[q].bar, SENTINEL,
				       LONG_SLOTS * LONG_SLOT);
			lq[q].n = rnd_between(1, LONG_SLOTS);
			for (s = 0; s < lq[q].n; s++) {
				long_make(&e, &lq[q], s);
				queue_push(lq[q].qu, &lq[q].job[s].c);
			}
			queue_ring(lq[q].qu);
		}
		for (q = 0; q < VACCEL_FN_QUEUES; q++) {
			int err = queue_wait(lq[q].qu, lq[q].qu->tail,
					     Q_TIMEOUT_MS);

			if (err) {
				queue_failed(lq[q].qu, "long workload", err);
				bad++;
				continue;
			}
			fence_slot = ~0U;
			for (s = 0; s < lq[q].n; s++) {
				if (long_verify(&e, &lq[q], s, &fence_slot))
					done[lq[q].job[s].kind]++;
				else
					bad++;
			}
			if (fence_slot != ~0U &&
			    wb_fence(lq[q].qu) != lq[q].job[fence_slot].c.value) {
				check(&v->report, false,
				      "queue %u: fence %#llx, expected %#llx",
				      q, wb_fence(lq[q].qu),
				      lq[q].job[fence_slot].c.value);
				bad++;
			}
		}
		batches++;
	}

	section("long: results");
	printf("  %llu rounds in %llu ms\n", batches,
	       (now_ns() - t0) / 1000000);
	for (s = 0; s < L_KINDS; s++)
		check(&v->report, true, "%s: %u results right", long_names[s],
		      done[s]);
	check(&v->report, !bad, "no wrong result, no queue error (%u bad)",
	      bad);
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		check(&v->report, !wb_error(lq[q].qu) &&
		      q_rd(lq[q].qu, VACCEL_Q_STATUS) ==
		      (VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE),
		      "queue %u: enabled, idle, no error", q);
	stats_read(v, &after);
	check_grew(v, "jobs", before.jobs, after.jobs, e.pushed);
	check_grew(v, "errors", before.errors, after.errors, 0);
	check(&v->report, after.busy_ns - before.busy_ns >= e.min_busy_ns,
	      "sysfs vaccel/busy_ns grew by %llu, at least the %llu of BUSY",
	      after.busy_ns - before.busy_ns, e.min_busy_ns);
out:
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		dma_free(&e, &lq[q].src);
		dma_free(&e, &lq[q].dst);
	}
	qenv_fini(&e);
	return ret;
}

/*
 * load: keep every queue of the function full of commands for --seconds,
 * or until SIGINT or SIGTERM, a synthetic load for the scheduler's tests
 * (tools/e2e/tests/26-sched-shares.sh) and benchmarks (44-bench-vm.sh):
 * the function always has work for as many engines as it has queues, and
 * what it gets is what the scheduler gives it.  A test that measures
 * shares stops every load with a signal once its window is over, so that
 * no load ends inside the window, whenever each one started.
 *
 * --op picks the command: BUSY of 1 ms (the default: engine time and no
 * CPU), or work the engines do on the CPU with every operand in the
 * function's device memory (no guest memory, so nothing to pin): COPY of
 * 1 MiB, or an int32 GEMM of 64 x 64 x 64.  Each queue works in its own
 * quarter of BAR2.  Results are not checked (the long workload does that).
 */
#define LOAD_RING	64
#define LOAD_BUSY_NS	1000000ULL
#define LOAD_COPY_BYTES	BIT(20)
#define LOAD_GEMM_DIM	64U

/* The command queue @q repeats for --op @op, in its quarter of BAR2. */
static bool load_cmd(const struct qenv *e, const char *op, unsigned int q,
		     struct cmd *c, const char **what)
{
	__u64 part = e->bar2_size / VACCEL_FN_QUEUES, base = q * part;
	__u64 mat = (__u64)LOAD_GEMM_DIM * LOAD_GEMM_DIM * sizeof(__u32);

	if (!op || !strcmp(op, "busy")) {
		*c = cmd_busy(LOAD_BUSY_NS);
		*what = "BUSY commands of 1000 us";
		return true;
	}
	if (!strcmp(op, "copy") && part >= 2 * LOAD_COPY_BYTES) {
		*c = cmd_copy(at_bar2(e, base + part / 2), at_bar2(e, base),
			      LOAD_COPY_BYTES);
		*what = "COPY commands of 1048576 bytes";
		return true;
	}
	if (!strcmp(op, "gemm") && part >= 3 * mat) {
		*c = cmd_gemm(at_bar2(e, base + 2 * mat), at_bar2(e, base),
			      at_bar2(e, base + mat), LOAD_GEMM_DIM,
			      LOAD_GEMM_DIM, LOAD_GEMM_DIM);
		*what = "GEMM commands of 262144 multiply-adds";
		return true;
	}
	fprintf(stderr, "load: --op %s does not fit in BAR2 of %llu bytes\n",
		op, (unsigned long long)e->bar2_size);
	return false;
}

/*
 * Refill @qu to at least half the ring; count in *@drained the times the
 * queue had run dry since the last refill (the client was too slow, and
 * the function was idle on that queue for a while: not the scheduler's
 * doing).
 */
static bool load_top_up(struct queue *qu, const struct cmd *c,
			unsigned long *drained)
{
	__u32 head = wb_head(qu);

	if (wb_error(qu))
		return queue_failed(qu, "load", -EIO);
	if (head == qu->tail)
		(*drained)++;
	while (qu->tail - wb_head(qu) < LOAD_RING / 2)
		if (!queue_push(qu, c))
			return false;
	queue_ring(qu);
	return true;
}

int command_load(struct vdev *v)
{
	const struct timespec tick = { .tv_nsec = 2000000 };
	struct cmd cmd[VACCEL_FN_QUEUES];
	const char *what = NULL;
	bool stopped = false;
	sigset_t stop;
	struct queue *qu[VACCEL_FN_QUEUES];
	__u64 t0, t1, deadline, done = 0;
	struct stats before, after;
	unsigned long drained = 0, tops = 0;
	__u32 per_q[VACCEL_FN_QUEUES] = { 0 };
	unsigned int q;
	struct qenv e;
	int ret = -1;

	/* Blocked from the start: a stop that comes during set-up counts. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	stats_read(v, &before);
	if (!qenv_init(&e, v))
		goto out;
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		if (!load_cmd(&e, v->opts->op, q, &cmd[q], &what))
			goto out;
		qu[q] = queue_start(&e, q, LOAD_RING);
		if (!qu[q] || !load_top_up(qu[q], &cmd[q], &drained))
			goto out;
	}
	/* A new queue is empty: that is not a queue running dry. */
	drained = 0;
	t0 = now_ns();
	deadline = t0 + v->opts->seconds * 1000000000ULL;
	while ((t1 = now_ns()) < deadline) {
		/* Every 2 ms, unless a stop comes first. */
		if (sigtimedwait(&stop, NULL, &tick) > 0) {
			stopped = true;
			break;
		}
		for (q = 0; q < VACCEL_FN_QUEUES; q++)
			if (!load_top_up(qu[q], &cmd[q], &drained))
				goto out;
		tops++;
	}
	for (q = 0; q < VACCEL_FN_QUEUES; q++) {
		per_q[q] = wb_head(qu[q]);
		done += per_q[q];
	}
	stats_read(v, &after);
	printf("load: %u queues for %.1f s%s: %llu %s done",
	       VACCEL_FN_QUEUES, (t1 - t0) / 1e9,
	       stopped ? " (stopped by a signal)" : "", done, what);
	printf(", host busy_ns +%llu (%.2f engines)\n",
	       after.busy_ns - before.busy_ns,
	       (double)(after.busy_ns - before.busy_ns) / (t1 - t0));
	printf("load: %lu refills of %u queues, %lu times a queue had run dry\n",
	       tops, VACCEL_FN_QUEUES, drained);
	printf("load: completed per queue:");
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		printf(" %u", per_q[q]);
	printf("\n");
	ret = 0;
out:
	qenv_fini(&e);
	return ret;
}

/*
 * light: a light tenant, one NOP at a time on queue 0, a new one 2 ms
 * after the last completed, for --seconds: what it waits is scheduling
 * latency, which the host reads from the instance's latency statistics
 * (tools/e2e/tests/29-sched-queues.sh).  Prints the commands it ran and
 * their round trips as the client sees them (doorbell to completion
 * seen): the first one's, and p50, p99 and the longest.
 */
#define LIGHT_GAP_NS	2000000

#define LIGHT_MAX_SAMPLES	100000

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

int command_light(struct vdev *v)
{
	const struct cmd nop = cmd_nop();
	const struct timespec gap = { .tv_nsec = LIGHT_GAP_NS };
	__u64 t0, t, deadline, *rt;
	unsigned long n = 0;
	struct queue *qu;
	struct qenv e;
	int ret = -1;

	rt = calloc(LIGHT_MAX_SAMPLES, sizeof(*rt));
	if (!rt) {
		fprintf(stderr, "vaccel-vfio: light: out of memory\n");
		return -1;
	}
	if (!qenv_init(&e, v))
		goto out;
	qu = queue_start(&e, 0, 64);
	if (!qu)
		goto out;
	t0 = now_ns();
	deadline = t0 + v->opts->seconds * 1000000000ULL;
	while (now_ns() < deadline && n < LIGHT_MAX_SAMPLES) {
		t = now_ns();
		if (!queue_run(qu, "light NOP", &nop, 1))
			goto out;
		rt[n++] = now_ns() - t;
		nanosleep(&gap, NULL);
	}
	printf("light: %lu NOPs, one at a time, in %.1f s\n", n,
	       (now_ns() - t0) / 1e9);
	if (n) {
		printf("light: round trip (doorbell to completion seen), first %.1f us\n",
		       rt[0] / 1e3);
		qsort(rt, n, sizeof(*rt), cmp_u64);
		printf("light: round trip p50 %.1f us, p99 %.1f us, max %.1f us\n",
		       rt[n / 2] / 1e3, rt[n * 99 / 100] / 1e3, rt[n - 1] / 1e3);
	}
	ret = 0;
out:
	qenv_fini(&e);
	free(rt);
	return ret;
}

/*
 * bench: what the engines do per second under this machine, and two
 * ratios measured side by side in one run: NOPs with one doorbell per
 * descriptor against one per batch (the cost of an MMIO write), and COPY
 * between IOVAs against COPY inside device memory.  Wall time of the
 * client, one queue, nothing else running on the function.  The one
 * check is not a time but a count: while the client submits, each
 * doorbell is one trapped write and nothing else traps (the instance's
 * mmio_writes and mmio_reads).
 */
#define BENCH_NOPS	2048
#define BENCH_BATCH	64
#define BENCH_COPY	(16 * MIB)
#define BENCH_GEMM	128

/* Trapped BAR0 accesses of the instance so far (sysfs). */
struct traps {
	__u64 rd, wr;
};

static bool traps_read(struct vdev *v, struct traps *t)
{
	return !sysfs_u64(v, "vaccel/mmio_reads", &t->rd) &&
	       !sysfs_u64(v, "vaccel/mmio_writes", &t->wr);
}

/*
 * Run @n copies of @c on @qu, @batch per doorbell; ns per command.  The
 * ring holds all @n, so submitting never waits.  With @t, the accesses
 * that trapped while submitting (before the wait for completion) go
 * there, and *@rings gets the doorbells rung.
 */
static double bench_run(struct queue *qu, const struct cmd *c, unsigned int n,
			unsigned int batch, struct traps *t, unsigned int *rings)
{
	struct traps t0 = { }, t1 = { };
	unsigned int i, rung = 0;
	__u64 start;
	int err;

	if (t && !traps_read(qu->e->v, &t0))
		return 0;
	start = now_ns();
	for (i = 0; i < n; i++) {
		if (!queue_push(qu, c))
			return 0;
		if ((i + 1) % batch == 0 || i + 1 == n) {
			queue_ring(qu);
			rung++;
		}
	}
	if (t) {
		if (!traps_read(qu->e->v, &t1))
			return 0;
		t->rd = t1.rd - t0.rd;
		t->wr = t1.wr - t0.wr;
		*rings = rung;
	}
	err = queue_wait(qu, qu->tail, Q_TIMEOUT_MS);
	if (err) {
		queue_failed(qu, "bench", err);
		return 0;
	}
	return (double)(now_ns() - start) / n;
}

int command_bench(struct vdev *v)
{
	struct dma_buf a = { }, b = { }, c = { };
	double single, batched, iova, dev, crc, gemm;
	const struct cmd nop = cmd_nop();
	unsigned int rings_1, rings_n;
	struct traps t_1, t_n;
	struct cmd x;
	struct queue *qu;
	struct qenv e;
	int ret = -1;

	if (!qenv_init(&e, v))
		goto out;
	qu = queue_start(&e, 0, BENCH_NOPS);
	if (!qu || !dma_alloc(&e, &a, BENCH_COPY) ||
	    !dma_alloc(&e, &b, BENCH_COPY) || !dma_alloc(&e, &c, BENCH_COPY) ||
	    !check(&v->report, e.bar2_size >= 2 * BENCH_COPY,
		   "BAR2 holds two buffers"))
		goto out;
	rnd_fill(a.va, a.size);

	single = bench_run(qu, &nop, BENCH_NOPS, 1, &t_1, &rings_1);
	batched = bench_run(qu, &nop, BENCH_NOPS, BENCH_BATCH, &t_n, &rings_n);
	x = cmd_copy(at_buf(&b, 0), at_buf(&a, 0), BENCH_COPY);
	iova = bench_run(qu, &x, 4, 4, NULL, NULL);
	x = cmd_copy(at_bar2(&e, BENCH_COPY), at_bar2(&e, 0), BENCH_COPY);
	dev = bench_run(qu, &x, 4, 4, NULL, NULL);
	x = cmd_crc(at_buf(&c, 0), at_buf(&a, 0), BENCH_COPY, 0);
	crc = bench_run(qu, &x, 4, 4, NULL, NULL);
	x = cmd_gemm(at_buf(&c, 0), at_buf(&a, 0), at_buf(&b, 0), BENCH_GEMM,
		     BENCH_GEMM, BENCH_GEMM);
	gemm = bench_run(qu, &x, 4, 4, NULL, NULL);
	if (!single || !batched || !iova || !dev || !crc || !gemm)
		goto out;

	printf("bench: traps while submitting %u NOPs, a doorbell each: %llu writes, %llu reads\n",
	       BENCH_NOPS, t_1.wr, t_1.rd);
	printf("bench: traps while submitting %u NOPs, a doorbell per %u: %llu writes, %llu reads",
	       BENCH_NOPS, BENCH_BATCH, t_n.wr, t_n.rd);
	printf(" (%.2f writes, %.2f reads per batch)\n",
	       (double)t_n.wr / rings_n, (double)t_n.rd / rings_n);
	if (!check(&v->report, t_1.wr == rings_1 && !t_1.rd &&
		   t_n.wr == rings_n && !t_n.rd,
		   "a doorbell is one trapped write, submitting traps nothing else (%u and %u doorbells)",
		   rings_1, rings_n))
		goto out;

	printf("bench: NOP, a doorbell each: %.1f us per command\n",
	       single / 1e3);
	printf("bench: NOP, a doorbell per %u: %.1f us per command (%.2fx)\n",
	       BENCH_BATCH, batched / 1e3, single / batched);
	printf("bench: COPY IOVA to IOVA: %.1f MiB/s\n",
	       BENCH_COPY / (iova / 1e9) / MIB);
	printf("bench: COPY BAR2 to BAR2: %.1f MiB/s (%.2fx IOVA)\n",
	       BENCH_COPY / (dev / 1e9) / MIB, iova / dev);
	printf("bench: CRC32C of IOVA memory: %.1f MiB/s\n",
	       BENCH_COPY / (crc / 1e9) / MIB);
	printf("bench: GEMM %ux%ux%u int32: %.1f M multiply-adds/s\n",
	       BENCH_GEMM, BENCH_GEMM, BENCH_GEMM,
	       (double)BENCH_GEMM * BENCH_GEMM * BENCH_GEMM / (gemm / 1e3));
	ret = 0;
out:
	dma_free(&e, &a);
	dma_free(&e, &b);
	dma_free(&e, &c);
	qenv_fini(&e);
	return ret;
}

