// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio repin and stall: the fault and race scenarios of issue 13
 * that a client drives on its own memory.
 *
 * repin: one thread unmaps and maps again (VFIO_IOMMU_UNMAP_DMA, MAP_DMA)
 * the region that holds queue 0's ring and writeback (in bursts of a
 * second, 150 ms apart), another resets and re-enables queue 0 whenever
 * it shows ERROR (and submits a NOP when it is enabled), without pause,
 * while queue 1 runs 100 ms BUSY commands, for --seconds.  On
 * the code before issue 13 this BUGged the host within a second (type1's
 * unmap retry loop found the ring pinned again).  Prints the unmaps, the
 * enables refused and the enables that held; every BUSY must complete.
 *
 * stall: a COPY whose source is memory that faults never (an anonymous
 * buffer registered with userfaultfd whose missing pages nobody serves)
 * or slowly (--file F: a read-only mapping of F, e.g. a block device
 * behind dm-delay), for --seconds; prints what the command did and when.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

/* repin */

#define REPIN_RING	8		/* queue 0's ring: one page */
#define REPIN_BUSY_NS	100000000ULL	/* queue 1's commands: 100 ms */
#define REPIN_BUSY_INFLIGHT 4

/* What the two racing threads share; the counters are theirs alone. */
struct repin {
	struct vdev *v;
	struct dma_buf region;	/* ring page, then writeback page */
	bool stop;		/* __atomic */
	/* unmapper */
	unsigned long unmaps, unmap_errs, maps, map_errs, pauses;
	/* enabler */
	unsigned long errors_seen, enables, enabled, refused, nops, io_errs;
};

/* BAR0 access without the (single-threaded) report: counts failures. */
static __u32 repin_rd(struct repin *r, unsigned int reg)
{
	__u32 le = ~0U;

	if (region_rw(r->v, BAR0_REGION, VACCEL_QUEUE_REG(0, reg), &le, 4,
		      false))
		r->io_errs++;
	return le32toh(le);
}

static void repin_wr(struct repin *r, unsigned int reg, __u32 val)
{
	__u32 le = htole32(val);

	if (region_rw(r->v, BAR0_REGION, VACCEL_QUEUE_REG(0, reg), &le, 4,
		      true))
		r->io_errs++;
}

/*
 * Unmap and map the region again as fast as possible for a second, then
 * pause past the 100 ms in which the driver refuses pins near an unmap,
 * so that some enables can hold; and again.
 */
static void *repin_unmapper(void *arg)
{
	struct repin *r = arg;
	__u64 burst_end = now_ns() + 1000000000ULL;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		if (dma_unmap(r->v, &r->region))
			r->unmap_errs++;
		else
			r->unmaps++;
		if (dma_map(r->v, &r->region))
			r->map_errs++;
		else
			r->maps++;
		if (now_ns() >= burst_end) {
			r->pauses++;
			sleep_us(150000);
			burst_end = now_ns() + 1000000000ULL;
		}
	}
	return NULL;
}

/* Program queue 0 on the region and enable it; true when it holds. */
static bool repin_enable(struct repin *r)
{
	__u32 st;

	repin_wr(r, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_RESET);
	repin_wr(r, VACCEL_Q_RING_LO, (__u32)r->region.iova);
	repin_wr(r, VACCEL_Q_RING_HI, r->region.iova >> 32);
	repin_wr(r, VACCEL_Q_RING_SIZE, REPIN_RING);
	repin_wr(r, VACCEL_Q_WB_LO, (__u32)(r->region.iova + 4096));
	repin_wr(r, VACCEL_Q_WB_HI, (r->region.iova + 4096) >> 32);
	repin_wr(r, VACCEL_Q_CONTROL, VACCEL_Q_CONTROL_ENABLE);
	r->enables++;
	st = repin_rd(r, VACCEL_Q_STATUS);
	if ((st & VACCEL_Q_STATUS_ENABLED) && !(st & VACCEL_Q_STATUS_ERROR)) {
		r->enabled++;
		return true;
	}
	r->refused++;
	return false;
}

/* Re-enable queue 0 whenever it shows ERROR; a NOP now and then. */
static void *repin_enabler(void *arg)
{
	struct repin *r = arg;
	struct vaccel_desc *ring = (struct vaccel_desc *)r->region.va;
	__u32 st, tail = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		st = repin_rd(r, VACCEL_Q_STATUS);
		if (st & VACCEL_Q_STATUS_ERROR || !(st & VACCEL_Q_STATUS_ENABLED)) {
			if (st & VACCEL_Q_STATUS_ERROR) {
				r->errors_seen++;
				/* What it completed since its enable. */
				r->nops += repin_rd(r, VACCEL_Q_HEAD);
			}
			tail = 0;
			repin_enable(r);
			continue;
		}
		if (st & VACCEL_Q_STATUS_IDLE && tail < 1000000) {
			memset(&ring[tail % REPIN_RING], 0, sizeof(*ring));
			__atomic_thread_fence(__ATOMIC_RELEASE);
			repin_wr(r, VACCEL_Q_TAIL, ++tail);
		}
		sched_yield();
	}
	return NULL;
}

/* Keep REPIN_BUSY_INFLIGHT BUSY commands on @qu until @deadline. */
static bool repin_busy(struct queue *qu, __u64 deadline, __u32 *submitted)
{
	const struct cmd busy = cmd_busy(REPIN_BUSY_NS);

	while (now_ns() < deadline) {
		if (wb_error(qu))
			return queue_failed(qu, "100 ms BUSY beside the race",
					    -EIO);
		while (qu->tail - wb_head(qu) < REPIN_BUSY_INFLIGHT) {
			if (!queue_push(qu, &busy))
				return false;
			(*submitted)++;
		}
		queue_ring(qu);
		sleep_us(20000);
	}
	return true;
}

int command_repin(struct vdev *v)
{
	struct repin r = { .v = v };
	pthread_t unmapper, enabler;
	struct queue *q1, *q0;
	__u64 t0, t_stop, t_joined;
	__u32 busy = 0, head;
	struct qenv e;
	struct cmd nop = cmd_nop();
	int ret = -1, err;
	bool ok;

	section("repin: setup");
	if (!qenv_init(&e, v))
		goto out;
	q1 = queue_start(&e, 1, 8);
	if (!q1 || !dma_alloc(&e, &r.region, 2 * 4096))
		goto out;
	printf("  queue 0: ring at IOVA %#llx, writeback at %#llx, one mapping of 8 KiB\n",
	       r.region.iova, r.region.iova + 4096);
	if (!check(&v->report, repin_enable(&r), "queue 0 enabled on the region"))
		goto out;
	r.enables = 0;
	r.enabled = 0;

	section("repin: the race");
	printf("  for %u s: unmap/map of the region, %s\n", v->opts->seconds,
	       "re-enable of queue 0 on ERROR, 100 ms BUSY on queue 1");
	t0 = now_ns();
	if (pthread_create(&unmapper, NULL, repin_unmapper, &r) ||
	    pthread_create(&enabler, NULL, repin_enabler, &r)) {
		fprintf(stderr, "vaccel-vfio: repin: pthread_create failed\n");
		exit(1);
	}
	ok = repin_busy(q1, t0 + v->opts->seconds * 1000000000ULL, &busy);
	__atomic_store_n(&r.stop, true, __ATOMIC_RELAXED);
	t_stop = now_ns();
	pthread_join(unmapper, NULL);
	pthread_join(enabler, NULL);
	t_joined = now_ns();
	if (!ok)
		goto out;

	section("repin: results");
	printf("repin: %.1f s: unmaps %lu (failed %lu), maps %lu (failed %lu), pauses %lu\n",
	       (t_stop - t0) / 1e9, r.unmaps, r.unmap_errs, r.maps, r.map_errs,
	       r.pauses);
	printf("repin: queue 0: ERROR seen %lu times, ", r.errors_seen);
	printf("enables %lu: held %lu, refused %lu; NOPs completed %lu\n",
	       r.enables, r.enabled, r.refused,
	       r.nops + repin_rd(&r, VACCEL_Q_HEAD));
	printf("repin: the racing threads stopped %.1f ms after the end\n",
	       (t_joined - t_stop) / 1e6);
	check(&v->report, !r.io_errs, "no BAR0 access failed in the threads (%lu)",
	      r.io_errs);
	check(&v->report, !r.unmap_errs && !r.map_errs,
	      "every VFIO_IOMMU_UNMAP_DMA and MAP_DMA succeeded");
	check(&v->report, r.unmaps > 0, "unmaps: %lu", r.unmaps);
	check(&v->report, r.refused > 0, "enables refused: %lu", r.refused);
	check(&v->report, r.enabled > 0, "enables that held: %lu", r.enabled);
	check(&v->report, t_joined - t_stop < 5000000000ULL,
	      "the threads stopped within 5 s");

	section("repin: queue 1's BUSY commands all complete");
	err = queue_wait(q1, q1->tail, Q_TIMEOUT_MS);
	if (err) {
		queue_failed(q1, "the last BUSY commands", err);
		goto out;
	}
	head = wb_head(q1);
	printf("repin: queue 1: %u of %u BUSY commands of 100 ms completed\n",
	       head, busy);
	check(&v->report, head == busy && !wb_error(q1),
	      "queue 1: %u of %u BUSY commands of 100 ms completed, no error",
	      head, busy);

	section("repin: queue 0 works once the unmaps are over");
	err = r.region.mapped ? 0 : dma_map(v, &r.region);
	if (!check_errno(&v->report, "the region mapped after the race", err, 0))
		goto out;
	sleep_us(200000);	/* past the 100 ms in which pins are refused */
	q0 = &e.queue[0];
	memset(q0, 0, sizeof(*q0));
	q0->e = &e;
	q0->size = REPIN_RING;
	q0->ring = (struct dma_buf){ .va = r.region.va, .iova = r.region.iova,
				     .size = 4096 };
	q0->wbuf = (struct dma_buf){ .va = r.region.va + 4096,
				     .iova = r.region.iova + 4096,
				     .size = 4096 };
	queue_reset(q0);
	if (queue_enable(q0) && queue_run(q0, "a NOP after the race", &nop, 1))
		check(&v->report, true, "queue 0: enabled, a NOP completed");
	queue_reset(q0);
	/* The ring and writeback are the region's: qenv_fini must not free them. */
	memset(q0, 0, sizeof(*q0));
	ret = 0;
out:
	dma_free(&e, &r.region);
	qenv_fini(&e);
	return ret;
}

/* stall */

#define STALL_LEN	(1 * MIB)

/*
 * An anonymous buffer whose missing pages fault to a userfaultfd that
 * nobody serves; the uffd's fd in *@uffd.
 */
static void *stall_uffd_buf(struct vdev *v, size_t len, int *uffd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	void *p;

	*uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (*uffd < 0) {
		vdev_fail(v, "userfaultfd");
		return NULL;
	}
	if (ioctl(*uffd, UFFDIO_API, &api)) {
		vdev_fail(v, "UFFDIO_API");
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		vdev_fail(v, "mmap");
		return NULL;
	}
	reg.range.start = (unsigned long)p;
	reg.range.len = len;
	if (ioctl(*uffd, UFFDIO_REGISTER, &reg)) {
		vdev_fail(v, "UFFDIO_REGISTER");
		return NULL;
	}
	return p;
}

/* Page faults waiting on @uffd (never served); 0 when none. */
static unsigned int stall_uffd_events(int uffd)
{
	struct uffd_msg msg;
	unsigned int n = 0;

	while (read(uffd, &msg, sizeof(msg)) == sizeof(msg))
		n++;
	return n;
}

/*
 * A read-only mapping into the container: type1 pins with the mapping's
 * rights, not the pin's, so a read-write mapping of a read-only file
 * mapping fails every pin (EFAULT) before any read.
 */
static int stall_map_ro(struct vdev *v, struct dma_buf *b)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ,
		.vaddr = (uintptr_t)b->va,
		.iova = b->iova,
		.size = b->size,
	};

	if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map))
		return -errno;
	b->mapped = true;
	return 0;
}

/*
 * The COPY from never-served memory again and again until @limit: each
 * try on a fresh queue, waiting for its end.  Prints what happened.
 */
static int stall_repeat(struct queue *qu, const struct cmd *c, __u64 limit,
			int uffd)
{
	struct vdev *v = qu->e->v;
	unsigned long tries = 0, dma = 0, done = 0, other = 0;
	__u64 t0, t, first = 0, max = 0, start = now_ns();

	printf("stalling: COPY of %llu KiB from userfaultfd memory, again and again\n",
	       STALL_LEN >> 10);
	while (now_ns() < limit) {
		queue_reset(qu);
		if (!queue_enable(qu))
			return -1;
		queue_push(qu, c);
		t0 = now_ns();
		queue_ring(qu);
		while ((t = now_ns()) < limit && wb_head(qu) < 1 &&
		       !wb_error(qu))
			sleep_us(200);
		if (wb_head(qu) < 1 && !wb_error(qu))
			break;	/* still waiting at the end */
		tries++;
		if (wb_error(qu) == VACCEL_QERR_DMA)
			dma++;
		else if (wb_error(qu))
			other++;
		else
			done++;
		if (!first)
			first = t - t0;
		if (t - t0 > max)
			max = t - t0;
	}
	printf("stall: observed: %lu tries in %.1f s: %lu failed with DMA ",
	       tries, (now_ns() - start) / 1e9, dma);
	printf("(the first after %.1f ms, the longest %.1f ms), ",
	       first / 1e6, max / 1e6);
	printf("%lu other errors, %lu completed, uffd faults delivered %u\n",
	       other, done, stall_uffd_events(uffd));
	check(&v->report, !done,
	      "no COPY from never-served memory completed");
	return 0;
}

int command_stall(struct vdev *v)
{
	struct dma_buf src = { }, dst = { };
	const char *file = v->opts->file;
	__u64 t0, t, limit;
	struct queue *qu;
	struct qenv e = { };
	struct cmd c;
	int uffd = -1, fd = -1, ret = -1, err;
	__u32 st;

	section(file ? "stall: a COPY from a slow file mapping" :
		"stall: a COPY from userfaultfd memory nobody serves");
	if (!qenv_init(&e, v))
		goto out;
	qu = queue_start(&e, 0, 8);
	if (!qu || !dma_alloc(&e, &dst, STALL_LEN))
		goto out;
	src.size = STALL_LEN;
	src.iova = e.iova_next;
	if (file) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			vdev_fail(v, file);
			goto out;
		}
		src.va = mmap(NULL, STALL_LEN, PROT_READ, MAP_SHARED, fd, 0);
		if (src.va == MAP_FAILED) {
			src.va = NULL;
			vdev_fail(v, "mmap of the file");
			goto out;
		}
	} else {
		src.va = stall_uffd_buf(v, STALL_LEN, &uffd);
		if (!src.va)
			goto out;
	}
	err = file ? stall_map_ro(v, &src) : dma_map(v, &src);
	if (!check_errno(&v->report, "VFIO_IOMMU_MAP_DMA of the stalling buffer",
			 err, 0))
		goto out;
	c = cmd_copy(at_buf(&dst, 0), at_buf(&src, 0), STALL_LEN);
	limit = now_ns() + v->opts->seconds * 1000000000ULL;
	if (!file) {
		ret = stall_repeat(qu, &c, limit, uffd);
		goto out;
	}
	queue_push(qu, &c);
	t0 = now_ns();
	queue_ring(qu);
	printf("stalling: COPY of %llu KiB submitted\n", STALL_LEN >> 10);
	while ((t = now_ns()) < limit && wb_head(qu) < 1 && !wb_error(qu))
		sleep_us(1000);
	st = q_rd(qu, VACCEL_Q_STATUS);
	if (wb_error(qu))
		printf("stall: observed: the COPY failed with %s after %.1f ms\n",
		       qerr_name(wb_error(qu)), (t - t0) / 1e6);
	else if (wb_head(qu) >= 1)
		printf("stall: observed: the COPY completed after %.1f ms\n",
		       (t - t0) / 1e6);
	else
		printf("stall: observed: the COPY still waits after %.1f s (STATUS %#x)\n",
		       (t - t0) / 1e9, st);
	/* Close with whatever is still running: that is part of the test. */
	ret = 0;
out:
	/* No cleanup of the queue or the mappings: the close does it. */
	printf("stall: closing %s\n", v->uuid);
	t0 = now_ns();
	/* BAR2's mapping holds the device open: let go of it first. */
	if (e.bar2)
		munmap(e.bar2, e.bar2_size);
	vdev_close(v);
	printf("stall: closed in %.1f ms (device, group and container)\n",
	       (now_ns() - t0) / 1e6);
	return ret;
}
