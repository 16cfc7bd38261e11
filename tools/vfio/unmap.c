// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

/* unmap: guest memory taken away under the function's feet */

/* Wait for the error of @qu and check the registers and the writeback. */
static bool unmap_expect(struct qenv *e, struct queue *qu, __u32 code,
			 __u32 head, bool wb_mapped, __u64 errors)
{
	struct vdev *v = e->v;
	__u32 st, err, idx, h;

	if (!queue_wait_error(qu, Q_TIMEOUT_MS))
		return queue_failed(qu, "waiting for the error", -ETIMEDOUT);
	st = q_rd(qu, VACCEL_Q_STATUS);
	err = q_rd(qu, VACCEL_Q_ERROR);
	idx = q_rd(qu, VACCEL_Q_ERROR_INDEX);
	h = q_rd(qu, VACCEL_Q_HEAD);
	check(v, err == code && (st & VACCEL_Q_STATUS_ERROR) && h == head,
	      "STATUS %#x (ERROR), ERROR %u (%s), HEAD %u; expected ERROR %u (%s), HEAD %u",
	      st, err, qerr_name(err), h, code, qerr_name(code), head);
	if (code == VACCEL_QERR_DMA)
		check_eq(v, "ERROR_INDEX (the command the memory went from under)",
			 idx, head);
	else
		remark("ERROR_INDEX %u", idx);
	if (wb_mapped) {
		unsigned int j;

		for (j = 0; j < 100 && wb_error(qu) != code; j++)
			sleep_us(10000);
		check(v, wb_error(qu) == code && wb_head(qu) == head,
		      "writeback: head %u, error %u", wb_head(qu),
		      wb_error(qu));
	}
	expect_fired(v, "queue error", "MSI-X", e->fds, VACCEL_MSIX_VECTORS, 0);
	check_grew(v, "errors", errors, sysfs_need(v, "vaccel/errors"), 1);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	return err == code;
}

/*
 * NOP, then a command over @len bytes (CRC32C of @src, or COPY to @dst);
 * once the NOP is done, unmap the source (CRC32C) or the destination
 * (COPY).  1: the queue reported DMA; 0: the command won the race; -1: a
 * failure.
 */
static int unmap_race(struct qenv *e, struct queue *qu, bool crc, size_t len)
{
	struct vdev *v = e->v;
	struct dma_buf src, dst, *victim = crc ? &src : &dst;
	__u64 errors = sysfs_need(v, "vaccel/errors"), t0, t1;
	struct cmd c[2];
	int ret = -1, err;
	__u32 got;

	printf("  -- %s of %zu MiB, unmapping its %s while it runs\n",
	       crc ? "CRC32C" : "COPY", len >> 20,
	       crc ? "source" : "destination");
	if (!dma_alloc(e, &src, len) || !dma_alloc(e, &dst, crc ? 4096 : len))
		goto out;
	rnd_fill(src.va, MIB);
	queue_reset(qu);
	if (!queue_enable(qu))
		goto out;
	c[0] = cmd_nop();
	c[1] = crc ? cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), len, 0) :
	       cmd_copy(at_buf(&dst, 0), at_buf(&src, 0), len);
	queue_push(qu, &c[0]);
	queue_push(qu, &c[1]);
	drain_fds(e);
	queue_ring(qu);
	t0 = now_ns();
	while (wb_head(qu) < 1 && !wb_error(qu) &&
	       now_ns() - t0 < Q_TIMEOUT_MS * 1000000ULL)
		sleep_us(10);
	t0 = now_ns();
	err = dma_unmap(v, victim);
	t1 = now_ns();
	if (!check_errno(v, "VFIO_IOMMU_UNMAP_DMA while the command runs", err,
			 0))
		goto out;
	remark("the unmap took %llu us", (t1 - t0) / 1000);
	err = queue_wait(qu, 2, Q_TIMEOUT_MS);
	if (err == -ETIMEDOUT) {
		queue_failed(qu, "after the unmap", err);
		goto out;
	}
	if (!err) {
		remark("the command completed before the unmap took effect");
		if (crc) {
			got = get_le32(dst.va);
			check(v, got == crc32c(0, src.va, len),
			      "it completed, and right: CRC32C %#x", got);
		} else {
			check(v, !memcmp(dst.va, src.va, len),
			      "it completed, and right: the copy");
		}
		ret = 0;
		goto out;
	}
	unmap_expect(e, qu, VACCEL_QERR_DMA, 1, true, errors);

	/* Recover: reset, map the memory again, and a good command. */
	queue_reset(qu);
	check_q_zero(v, qu->q, "after CONTROL.RESET");
	err = dma_map(v, victim);
	check_errno(v, "VFIO_IOMMU_MAP_DMA of the same memory again", err, 0);
	if (err || !queue_enable(qu))
		goto out;
	c[0] = crc ? cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), MIB, 0) :
	       cmd_copy(at_buf(&dst, 0), at_buf(&src, 0), MIB);
	if (queue_run(qu, "the same command on 1 MiB after the remap", c, 1)) {
		if (crc)
			check_eq(v, "CRC32C of the remapped source's first MiB",
				 get_le32(dst.va), crc32c(0, src.va, MIB));
		else
			check(v, !memcmp(dst.va, src.va, MIB),
			      "COPY of 1 MiB into the remapped destination right");
	}
	ret = 1;
out:
	dma_free(e, &src);
	dma_free(e, &dst);
	return ret;
}

static void unmap_races(struct qenv *e, bool crc)
{
	size_t len, max = crc ? VACCEL_DESC_MAX_LEN : 256 * MIB;
	struct queue *qu;
	int r = 0;

	section(crc ? "unmap: the source of a running CRC32C" :
		"unmap: the destination of a running COPY");
	qu = queue_start(e, crc ? 0 : 1, 8);
	if (!qu)
		return;
	for (len = 16 * MIB; len <= max; len *= 4) {
		r = unmap_race(e, qu, crc, len);
		if (r)
			break;
	}
	if (r == 1)
		remark("the DMA error was seen with %zu MiB", len >> 20);
	else if (!r)
		check(e->v, false, "no DMA error up to %zu MiB: every command won the race",
		      max >> 20);
}

/* Unmap the ring or the writeback of an enabled queue: RING. */
static void unmap_ring(struct qenv *e, unsigned int q, bool wb, bool busy)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, q, 8);
	struct dma_buf *victim;
	__u64 errors;
	struct cmd c[3] = { cmd_nop(), cmd_nop(), cmd_nop() };
	__u32 head;
	int err;

	section(wb ? "unmap: the writeback of an enabled, idle queue" :
		busy ? "unmap: the ring of a queue running BUSY" :
		"unmap: the ring of an enabled, idle queue");
	if (!qu)
		return;
	victim = wb ? &qu->wbuf : &qu->ring;
	if (!queue_run(qu, "three NOPs", c, 3))
		return;
	head = 3;
	drain_fds(e);
	reg_wr(v, VACCEL_REG_INT_CAUSE, VACCEL_INT_ERROR);
	errors = sysfs_need(v, "vaccel/errors");
	if (busy) {
		c[0] = cmd_busy(500000000);
		queue_push(qu, &c[0]);
		queue_ring(qu);
		sleep_us(50000);
	}
	err = dma_unmap(v, victim);
	if (!check_errno(v, wb ? "VFIO_IOMMU_UNMAP_DMA of the writeback" :
			 "VFIO_IOMMU_UNMAP_DMA of the ring", err, 0))
		return;
	if (busy) {
		if (!queue_wait_error(qu, Q_TIMEOUT_MS)) {
			queue_failed(qu, "after unmapping the ring", -ETIMEDOUT);
			return;
		}
		head = q_rd(qu, VACCEL_Q_HEAD);
		remark("HEAD %u: the BUSY %s", head,
		       head == 4 ? "completed first" : "was abandoned");
	}
	unmap_expect(e, qu, VACCEL_QERR_RING, head, !wb, errors);
	if (wb)
		remark("the writeback memory after the unmap: head %u, error %u",
		       wb_head(qu), wb_error(qu));

	queue_push(qu, &c[1]);
	queue_ring(qu);
	sleep_us(20000);
	check_eq(v, "a doorbell after the error is ignored: HEAD",
		 q_rd(qu, VACCEL_Q_HEAD), head);

	queue_reset(qu);
	check_q_zero(v, q, "after CONTROL.RESET");
	err = dma_map(v, victim);
	check_errno(v, "VFIO_IOMMU_MAP_DMA of it again", err, 0);
	if (!err && queue_enable(qu)) {
		c[0] = cmd_fence(77);
		if (queue_run(qu, "a FENCE after the remap", c, 1))
			check_eq(v, "FENCE after the remap", wb_fence(qu), 77);
	}
}

/* Unmapping memory no command uses changes nothing. */
static void unmap_unused(struct qenv *e)
{
	struct vdev *v = e->v;
	struct queue *qu = queue_start(e, 2, 8);
	struct dma_buf z;
	struct cmd c;

	section("unmap: memory no command uses");
	if (!qu || !dma_alloc(e, &z, 65536))
		return;
	rnd_fill(z.va, 65536);
	c = cmd_crc(at_buf(&z, 65532), at_buf(&z, 0), 65532, 0);
	queue_run(qu, "CRC32C", &c, 1);
	check_errno(v, "VFIO_IOMMU_UNMAP_DMA of a buffer the last command used",
		    dma_unmap(v, &z), 0);
	sleep_us(50000);
	check_eq(v, "STATUS (ENABLED | IDLE, no error)",
		 q_rd(qu, VACCEL_Q_STATUS),
		 VACCEL_Q_STATUS_ENABLED | VACCEL_Q_STATUS_IDLE);
	c = cmd_fence(5);
	if (queue_run(qu, "FENCE", &c, 1))
		check_eq(v, "a FENCE still runs", wb_fence(qu), 5);
	dma_free(e, &z);
}

/* Leave a long command running and exit: closing must stop it. */
static void unmap_exit_busy(struct qenv *e)
{
	struct dma_buf src, dst;
	struct queue *qu = queue_start(e, 3, 8);
	struct cmd c;

	section("unmap: exit with a command running");
	if (!qu || !dma_alloc(e, &src, VACCEL_DESC_MAX_LEN) ||
	    !dma_alloc(e, &dst, 4096))
		return;
	c = cmd_crc(at_buf(&dst, 0), at_buf(&src, 0), VACCEL_DESC_MAX_LEN, 0);
	queue_push(qu, &c);
	c = cmd_busy(VACCEL_BUSY_MAX_NS);
	queue_push(qu, &c);
	queue_ring(qu);
	sleep_us(100000);
	check(e->v, !wb_error(qu), "CRC32C of 1 GiB running, exiting without a reset (head %u)",
	      wb_head(qu));
}

static int cmd_unmap(struct vdev *v)
{
	struct qenv e;

	section("unmap: setup");
	if (!qenv_init(&e, v)) {
		qenv_fini(&e);
		return -1;
	}
	unmap_races(&e, true);
	unmap_races(&e, false);
	unmap_ring(&e, 0, false, false);
	unmap_ring(&e, 1, true, false);
	unmap_ring(&e, 2, false, true);
	unmap_unused(&e);
	unmap_exit_busy(&e);
	/* No cleanup: closing the device and the container does it. */
	return 0;
}

/* Commands */

static int cmd_info(struct vdev *v)
{
	run_info(v);
	return 0;
}

static int cmd_config(struct vdev *v)
{
	run_config(v);
	return 0;
}

static int cmd_bars(struct vdev *v)
{
	run_bars(v);
	return 0;
}

static int cmd_mem(struct vdev *v)
{
	run_mem(v);
	return 0;
}

static int cmd_irq(struct vdev *v)
{
	run_irq(v);
	return 0;
}

static int cmd_reset(struct vdev *v)
{
	run_reset(v);
	return 0;
}

static int cmd_check(struct vdev *v)
{
	run_identity(v);
	run_info(v);
	run_config(v);
	run_bars(v);
	run_mem(v);
	run_irq(v);
	run_reset(v);
	return 0;
}

static int cmd_refusals(struct vdev *v)
{
	struct vdev other;
	int ret = 0;

	if (!v->opts->other) {
		run_refusals(v, NULL);
		return 0;
	}
	if (vdev_open(&other, v->opts->other)) {
		ret = -1;
	} else {
		other.mem_size = other.region[BAR2_REGION].size;
		run_refusals(v, &other);
		v->checks += other.checks;
		if (other.failures && !v->failures)
			memcpy(v->first_failure, other.first_failure,
			       sizeof(v->first_failure));
		v->failures += other.failures;
	}
	vdev_close(&other);
	return ret;
}

static int cmd_hold(struct vdev *v)
{
	sigset_t mask;
	int sig;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	printf("holding %s\n", v->uuid);
	sigwait(&mask, &sig);
	vdev_close(v);
	printf("released %s\n", v->uuid);
	return 0;
}

static int cmd_req(struct vdev *v)
{
	__u64 cnt;
	__s32 fd;
	int err;

	fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0)
		return vdev_fail(v, "eventfd");
	err = irq_set_fds(v, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &fd);
	if (err) {
		close(fd);
		errno = -err;
		return vdev_fail(v, "SET_IRQS REQ eventfd");
	}
	printf("armed %s: REQ eventfd set, waiting for a request to release the device\n",
	       v->uuid);
	while (read(fd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
		if (errno != EINTR) {
			close(fd);
			return vdev_fail(v, "read REQ eventfd");
		}
	}
	printf("request received for %s (%llu): closing the device\n",
	       v->uuid, cnt);
	close(fd);
	vdev_close(v);
	printf("released %s\n", v->uuid);
	return 0;
}

/*
 * load: keep every queue of the function full of BUSY commands for
 * --seconds, or until SIGINT or SIGTERM, a synthetic load for the
 * scheduler's tests (tools/e2e/tests/26-sched-shares.sh): the function
 * always has work for as many engines as it has queues, and what it gets
 * is what the scheduler gives it.  A test that measures shares stops every
 * load with a signal once its window is over, so that no load ends inside
 * the window, whenever each one started.
 */
#define LOAD_RING	64
#define LOAD_BUSY_NS	1000000ULL

/*
 * Refill @qu to at least half the ring; count in *@drained the times the
 * queue had run dry since the last refill (the client was too slow, and
 * the function was idle on that queue for a while: not the scheduler's
 * doing).
 */
static bool load_top_up(struct queue *qu, const struct cmd *busy,
			unsigned long *drained)
{
	__u32 head = wb_head(qu);

	if (wb_error(qu))
		return queue_failed(qu, "BUSY load", -EIO);
	if (head == qu->tail)
		(*drained)++;
	while (qu->tail - wb_head(qu) < LOAD_RING / 2)
		if (!queue_push(qu, busy))
			return false;
	queue_ring(qu);
	return true;
}

static int cmd_load(struct vdev *v)
{
	const struct cmd busy = cmd_busy(LOAD_BUSY_NS);
	const struct timespec tick = { .tv_nsec = 2000000 };
	bool stopped = false;
	sigset_t stop;
	struct queue *qu[VACCEL_FN_QUEUES];
	__u64 t0, t1, deadline, done = 0;
	struct stats before, after;
	unsigned long drained = 0, tops = 0;
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
		qu[q] = queue_start(&e, q, LOAD_RING);
		if (!qu[q] || !load_top_up(qu[q], &busy, &drained))
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
			if (!load_top_up(qu[q], &busy, &drained))
				goto out;
		tops++;
	}
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		done += wb_head(qu[q]);
	stats_read(v, &after);
	printf("load: %u queues for %.1f s%s: %llu BUSY commands of %llu us done",
	       VACCEL_FN_QUEUES, (t1 - t0) / 1e9,
	       stopped ? " (stopped by a signal)" : "", done,
	       LOAD_BUSY_NS / 1000);
	printf(", host busy_ns +%llu (%.2f engines)\n",
	       after.busy_ns - before.busy_ns,
	       (double)(after.busy_ns - before.busy_ns) / (t1 - t0));
	printf("load: %lu refills of %u queues, %lu times a queue had run dry\n",
	       tops, VACCEL_FN_QUEUES, drained);
	ret = 0;
out:
	qenv_fini(&e);
	return ret;
}

/*
 * bench: what the engines do per second under this machine, and two
 * ratios measured side by side in one run: NOPs with one doorbell per
 * descriptor against one per batch (the cost of an MMIO write), and COPY
 * between IOVAs (vfio_dma_rw) against COPY inside device memory.  Wall
 * time of the client, one queue, nothing else running on the function.
 */
#define BENCH_NOPS	2000
#define BENCH_BATCH	64
#define BENCH_COPY	(16 * MIB)
#define BENCH_GEMM	128

/* Run @n copies of @c on @qu, @batch per doorbell; ns per command. */
static double bench_run(struct queue *qu, const struct cmd *c, unsigned int n,
			unsigned int batch)
{
	__u64 t0 = now_ns();
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!queue_push(qu, c))
			return 0;
		if ((i + 1) % batch == 0 || i + 1 == n)
			queue_ring(qu);
	}
	if (!queue_sync(qu, "bench"))
		return 0;
	return (double)(now_ns() - t0) / n;
}

static int cmd_bench(struct vdev *v)
{
	struct dma_buf a = { }, b = { }, c = { };
	double single, batched, iova, dev, crc, gemm;
	const struct cmd nop = cmd_nop();
	struct cmd x;
	struct queue *qu;
	struct qenv e;
	int ret = -1;

	if (!qenv_init(&e, v))
		goto out;
	qu = queue_start(&e, 0, 256);
	if (!qu || !dma_alloc(&e, &a, BENCH_COPY) ||
	    !dma_alloc(&e, &b, BENCH_COPY) || !dma_alloc(&e, &c, BENCH_COPY) ||
	    !check(v, e.bar2_size >= 2 * BENCH_COPY, "BAR2 holds two buffers"))
		goto out;
	rnd_fill(a.va, a.size);

	single = bench_run(qu, &nop, BENCH_NOPS, 1);
	batched = bench_run(qu, &nop, BENCH_NOPS, BENCH_BATCH);
	x = cmd_copy(at_buf(&b, 0), at_buf(&a, 0), BENCH_COPY);
	iova = bench_run(qu, &x, 4, 4);
	x = cmd_copy(at_bar2(&e, BENCH_COPY), at_bar2(&e, 0), BENCH_COPY);
	dev = bench_run(qu, &x, 4, 4);
	x = cmd_crc(at_buf(&c, 0), at_buf(&a, 0), BENCH_COPY, 0);
	crc = bench_run(qu, &x, 4, 4);
	x = cmd_gemm(at_buf(&c, 0), at_buf(&a, 0), at_buf(&b, 0), BENCH_GEMM,
		     BENCH_GEMM, BENCH_GEMM);
	gemm = bench_run(qu, &x, 4, 4);
	if (!single || !batched || !iova || !dev || !crc || !gemm)
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

#define OPT_MEM_SIZE	BIT(0)
#define OPT_OTHER	BIT(1)
#define OPT_SECONDS	BIT(2)

static const struct command {
	const char *name;
	int (*run)(struct vdev *v);
	unsigned int opts;
	const char *help;
} commands[] = {
	{ "info", cmd_info, OPT_MEM_SIZE, "device info, regions, irq indexes" },
	{ "config", cmd_config, 0, "config space dump and capabilities" },
	{ "bars", cmd_bars, OPT_MEM_SIZE, "BAR sizing through config space" },
	{ "mem", cmd_mem, OPT_MEM_SIZE, "BAR2 through mmap, pread, pwrite" },
	{ "irq", cmd_irq, 0, "MSI-X, MSI and INTx through eventfds" },
	{ "reset", cmd_reset, OPT_MEM_SIZE, "VFIO_DEVICE_RESET and FLR" },
	{ "check", cmd_check, OPT_MEM_SIZE, "identity and all of the above" },
	{ "refusals", cmd_refusals, OPT_OTHER,
	  "bad input fails with the right errno, changes nothing" },
	{ "hold", cmd_hold, 0, "keep it open until SIGINT or SIGTERM" },
	{ "req", cmd_req, 0, "wait for the kernel's request to release it" },
	{ "ops", cmd_ops, 0, "every queue operation, results checked" },
	{ "bad", cmd_bad, 0, "one queue error per code, then recovery" },
	{ "long", cmd_long, OPT_SECONDS,
	  "a correct workload on all queues, every result checked" },
	{ "unmap", cmd_unmap, 0, "DMA memory unmapped under running commands" },
	{ "bench", cmd_bench, 0,
	  "commands per second, batched doorbells, IOVA vs BAR2 copies" },
	{ "load", cmd_load, OPT_SECONDS,
	  "every queue kept full of 1 ms BUSY commands until --seconds or a signal" },
};

static void print_usage(void)
{
	unsigned int i;

	fprintf(stderr, "usage: vaccel-vfio COMMAND UUID %s\n",
		"[--mem-size BYTES] [--other UUID2] [--seconds S]");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "  %-9s %s%s%s%s\n", commands[i].name,
			commands[i].help,
			commands[i].opts & OPT_MEM_SIZE ? " [--mem-size BYTES]" : "",
			commands[i].opts & OPT_OTHER ? " [--other UUID2]" : "",
			commands[i].opts & OPT_SECONDS ? " [--seconds S]" : "");
}

/* BYTES with an optional K, M or G (binary) suffix. */
static bool parse_size(const char *s, __u64 *size)
{
	static const char units[] = "KMG";
	const char *unit;
	char *end;

	errno = 0;
	*size = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	unit = *end ? strchr(units, *end) : NULL;
	if (unit) {
		*size <<= 10 * (unit - units + 1);
		end++;
	}
	return !*end && *size;
}

static bool parse_options(const struct command *cmd, int argc, char **argv,
			  struct options *o)
{
	char *end;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--mem-size") && i + 1 < argc &&
		    (cmd->opts & OPT_MEM_SIZE)) {
			if (!parse_size(argv[++i], &o->mem_size)) {
				fprintf(stderr, "vaccel-vfio: bad size '%s'\n",
					argv[i]);
				return false;
			}
		} else if (!strcmp(argv[i], "--other") && i + 1 < argc &&
			   (cmd->opts & OPT_OTHER)) {
			o->other = argv[++i];
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc &&
			   (cmd->opts & OPT_SECONDS)) {
			errno = 0;
			o->seconds = strtoul(argv[++i], &end, 0);
			if (errno || *end || end == argv[i] || !o->seconds) {
				fprintf(stderr, "vaccel-vfio: bad number of seconds '%s'\n",
					argv[i]);
				return false;
			}
		} else {
			fprintf(stderr, "vaccel-vfio: %s does not take '%s'%s\n",
				cmd->name, argv[i],
				i + 1 < argc ? "" : " (or lacks its value)");
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct options o = { .seconds = 30 };
	struct vdev v;
	unsigned int i;
	int ret;

	for (i = 0; argc >= 3 && i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd || !parse_options(cmd, argc - 3, argv + 3, &o)) {
		print_usage();
		return 2;
	}
	/* Keep "ok"/"FAIL" lines and stderr in order in a shared log. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (vdev_open(&v, argv[2])) {
		vdev_close(&v);
		return 1;
	}
	v.opts = &o;
	v.mem_size = o.mem_size;
	if (!v.mem_size && sysfs_u64(&v, "vaccel/memory_size", &v.mem_size))
		v.mem_size = v.region[BAR2_REGION].size;

	ret = cmd->run(&v);
	vdev_close(&v);
	if (v.failures) {
		fprintf(stderr, "vaccel-vfio: %s %s: FAILED %u of %u checks; the first: %s\n",
			cmd->name, v.uuid, v.failures, v.checks,
			v.first_failure);
		return 1;
	}
	if (ret)
		return 1;
	if (v.checks)
		printf("vaccel-vfio: %s %s: all %u checks passed\n", cmd->name,
		       v.uuid, v.checks);
	return 0;
}
