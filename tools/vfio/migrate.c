// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio migrate SRC DST [options]: a live migration of instance SRC
 * to instance DST through the VFIO migration v2 uapi, done as a VMM does
 * it, with commands in flight.
 *
 * Both instances are opened in one VFIO container, so the same IOVA
 * mappings (the guest's memory) serve both.  SRC gets a workload on all 4
 * queues (mig-work.c) and runs it for --warmup seconds; then
 *
 *   DST  RUNNING -> STOP -> RESUMING         (before the stop: a data fd)
 *   SRC  RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY, its data fd read to
 *        EOF (the saved state, opaque to the client)
 *   DST  the state written in chunks of random size, the data fd closed,
 *        RESUMING -> STOP (the device checks and applies it), MSI-X
 *        eventfds set again (as QEMU does after loading config space),
 *        STOP -> RUNNING
 *
 * and the same rings continue on DST until every command completed; each
 * result is checked against the reference models.  While SRC is stopped,
 * one more batch is submitted to it (the doorbell must survive).  SRC
 * then goes back to RUNNING with VFIO_DEVICE_RESET and runs a small
 * verified job.  Downtime: from SRC leaving RUNNING to DST RUNNING,
 * without the time the client spends on its own checks in between.
 *
 * Options:
 *   --warmup S       run the workload S seconds first (default 1), or
 *                    until a queue has done half its commands (a fast
 *                    host must still have commands in flight)
 *   --rounds N       commands per queue: N rounds of COPY, CRC32C, GEMM,
 *                    BUSY (default 4)
 *   --len BYTES      length of each COPY and CRC32C (default 4M)
 *   --save FILE      also write the state to FILE; with DST "-" only that,
 *                    and SRC goes back to RUNNING and completes its work
 *   --load FILE      SRC "-": load FILE into DST instead
 *   --corrupt OFF    flip byte OFF of the state before loading it
 *                    (negative: from the end); the load must be refused
 *   --truncate N     load only the first N bytes; must be refused
 *   --abort STATE    p2p, stop, stop_copy: SRC goes back to RUNNING from
 *                    that state (stop_copy: after closing its data fd
 *                    half way); resuming: DST's data fd is closed half
 *                    way.  SRC then completes its work, DST is reset and
 *                    runs a verified job
 *   --fuzz N         N loads of broken copies of the state into DST, each
 *                    refused, each followed by VFIO_DEVICE_RESET
 *                    (mig-fuzz.c); --seed S makes them reproducible
 *
 * A refused load (an expected one: --corrupt, --truncate, resuming,
 * instances of different types) leaves SRC to go back to RUNNING and
 * complete its work, and DST to be reset and run a verified job.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vaccel_queue.h"
#include "vaccel_regs.h"

#include "commands.h"
#include "irq.h"
#include "job.h"
#include "mig.h"
#include "migrate.h"
#include "queue.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

#define MIG_CHUNK	(256 * 1024)	/* largest write() of the state */

static const char *const abort_names[] = {
	[AB_NONE] = "none", [AB_P2P] = "p2p", [AB_STOP] = "stop",
	[AB_STOP_COPY] = "stop_copy", [AB_RESUMING] = "resuming",
};

/* The function's registers and config space, to compare SRC with DST. */
#define SNAP_GLOBAL	(0x44 / 4)
#define SNAP_QUEUE	(0x34 / 4)
#define SNAP_MSIX	(VACCEL_MSIX_VECTORS * VACCEL_MSIX_ENTRY_SIZE / 4)

struct fn_snap {
	__u8 cfg[PCI_CFG_SPACE_SIZE];
	__u32 regs[SNAP_GLOBAL + VACCEL_FN_QUEUES * SNAP_QUEUE + SNAP_MSIX];
	unsigned int offs[SNAP_GLOBAL + VACCEL_FN_QUEUES * SNAP_QUEUE +
			  SNAP_MSIX];
};

static struct fn_snap src_snap;

static void snap_take(struct vdev *v, struct fn_snap *s)
{
	unsigned int i, q, n = 0;

	cfg_snapshot(v, s->cfg);
	for (i = 0; i < SNAP_GLOBAL; i++)
		s->offs[n++] = 4 * i;
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		for (i = 0; i < SNAP_QUEUE; i++)
			s->offs[n++] = VACCEL_QUEUE_REG(q, 4 * i);
	for (i = 0; i < SNAP_MSIX; i++)
		s->offs[n++] = VACCEL_MSIX_TABLE + 4 * i;
	for (i = 0; i < n; i++)
		s->regs[i] = reg_rd(v, s->offs[i]);
}

static void snap_compare(struct vdev *v, const struct fn_snap *a,
			 const struct fn_snap *b)
{
	unsigned int i;

	check_cfg_same(v, "destination config space (STOP, loaded) = source's (STOP)",
		       b->cfg, a->cfg, PCI_CFG_SPACE_SIZE);
	for (i = 0; i < ARRAY_SIZE(a->regs) && a->regs[i] == b->regs[i]; i++)
		;
	if (i == ARRAY_SIZE(a->regs))
		check(&v->report, true,
		      "destination BAR0 (registers, queues, MSI-X table) = source's: %zu registers",
		      ARRAY_SIZE(a->regs));
	else
		check(&v->report, false,
		      "destination BAR0 %#x reads %#x, the source's read %#x",
		      a->offs[i], b->regs[i], a->regs[i]);
}

static void phase_add(struct mig_ctx *m, const char *name, __u64 t0,
		      bool downtime)
{
	if (m->phases == MIG_PHASES)
		return;
	m->phase[m->phases++] = (struct mig_phase){
		.name = name, .ns = now_ns() - t0, .downtime = downtime,
	};
}

/* SET @state on @v as a check; the data fd in *@fd when asked for. */
static bool set_state(struct vdev *v, const char *who, __u32 state, int *fd)
{
	__u32 cur = 0, now;
	int err;

	mig_get(v, &cur);
	err = mig_set(v, state, fd);
	if (err) {
		mig_get(v, &now);
		return check(&v->report, false, "%s: %s -> %s: %s (now %s)", who,
			     mig_state_name(cur), mig_state_name(state),
			     errname(err), mig_state_name(now));
	}
	return check(&v->report, !fd || *fd >= 0, "%s: %s -> %s%s", who,
		     mig_state_name(cur), mig_state_name(state),
		     fd ? ": data fd" : "");
}

static bool expect_state(struct vdev *v, const char *who, __u32 want)
{
	__u32 st;
	int err = mig_get(v, &st);

	if (err)
		return check(&v->report, false, "%s: GET device state: %s", who,
			     errname(err));
	return check(&v->report, st == want, "%s: device state %s%s%s", who,
		     mig_state_name(st), st == want ? "" : ", expected ",
		     st == want ? "" : mig_state_name(want));
}

/* Open, set up as a driver would, and check the migration flags. */
static bool open_one(struct vdev *v, struct qenv *e, const char *uuid,
		     const struct vdev *peer, const char *who)
{
	__u64 flags;
	int err;

	if (vdev_open_in(v, uuid, peer))
		return false;
	if (!qenv_init(e, v))
		return false;
	err = mig_flags(v, &flags);
	if (err == -ENOTTY)
		return check(&v->report, false,
			     "%s: VFIO_DEVICE_FEATURE_MIGRATION: ENOTTY: this vaccel.ko has no migration support",
			     who);
	if (!check_errno(&v->report, "VFIO_DEVICE_FEATURE_MIGRATION (GET)",
			 err, 0))
		return false;
	check(&v->report, (flags & (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P)) ==
	      (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P),
	      "%s: migration flags %#llx: STOP_COPY and P2P", who, flags);
	return expect_state(v, who, VFIO_DEVICE_STATE_RUNNING);
}

static bool open_all(struct mig_ctx *m)
{
	char ts[128] = "", td[128] = "";

	section("migrate: the instances, one container");
	if (m->src_uuid) {
		m->src_open = true;
		if (!open_one(&m->src, &m->se, m->src_uuid, NULL, "source"))
			return false;
		mdev_type_name(m->src_uuid, ts, sizeof(ts));
		printf("  source      %s (%s), BAR2 %llu MiB\n", m->src_uuid, ts,
		       m->se.bar2_size / MIB);
	}
	if (m->dst_uuid) {
		m->dst_open = true;
		if (!open_one(&m->dst, &m->de, m->dst_uuid,
			      m->src_uuid ? &m->src : NULL, "destination"))
			return false;
		/* Its own IOVAs for what it maps later, far from the source's. */
		m->de.iova_next = IOVA_BASE + (1ULL << 38);
		mdev_type_name(m->dst_uuid, td, sizeof(td));
		printf("  destination %s (%s), BAR2 %llu MiB\n", m->dst_uuid, td,
		       m->de.bar2_size / MIB);
	}
	if (m->src_uuid && m->dst_uuid && strcmp(ts, td)) {
		remark("different types: the load must be refused");
		m->expect_refusal = true;
	}
	return true;
}

/* Back to RUNNING after an abort or a refused load; its work completes. */
static bool src_finish(struct mig_ctx *m, bool resume)
{
	struct vdev *v = &m->src;

	section("migrate: the source completes its work");
	if (resume && (!set_state(v, "source", VFIO_DEVICE_STATE_RUNNING, NULL) ||
		       !expect_state(v, "source", VFIO_DEVICE_STATE_RUNNING)))
		return false;
	if (!mw_after(&m->w, &m->se) || !mw_wait(&m->w))
		return false;
	mw_verify(&m->w, &m->se, "source");
	mw_irqs(&m->w, &m->se, NULL);
	return true;
}

/* The source, stopped: reset, back in RUNNING, and it works. */
static bool src_reset(struct mig_ctx *m)
{
	struct vdev *v = &m->src;
	struct queue *qu;
	unsigned int q;
	int err = 0;

	section("migrate: the source after VFIO_DEVICE_RESET");
	set_state(v, "source", VFIO_DEVICE_STATE_STOP, NULL);
	if (ioctl(v->device, VFIO_DEVICE_RESET))
		err = -errno;
	if (!check_errno(&v->report, "source: VFIO_DEVICE_RESET", err, 0) ||
	    !expect_state(v, "source", VFIO_DEVICE_STATE_RUNNING))
		return false;
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		check_q_zero(v, q, "source after the reset");
	if (!qenv_restart(&m->se))
		return false;
	qu = queue_start(&m->se, 0, 8);
	return qu && job_small(&m->se, qu, "source after the reset");
}

/*
 * The destination after a refused load or an abort: reset, RUNNING, and
 * (@job) a verified job.
 */
bool mig_dst_recover(struct mig_ctx *m, const char *why, bool job)
{
	struct vdev *v = &m->dst;
	struct queue *qu;
	__u32 st;
	int err = 0;

	if (!mig_get(v, &st) && job)
		remark("destination after %s: %s", why, mig_state_name(st));
	if (ioctl(v->device, VFIO_DEVICE_RESET))
		err = -errno;
	if (err)
		return check_errno(&v->report, "destination: VFIO_DEVICE_RESET",
				   err, 0);
	err = mig_get(v, &st);
	if (err || st != VFIO_DEVICE_STATE_RUNNING)
		return check(&v->report, false,
			     "destination after %s and VFIO_DEVICE_RESET: %s (%s), expected RUNNING",
			     why, mig_state_name(st), errname(err));
	if (!job)
		return true;
	check(&v->report, true, "destination after %s and VFIO_DEVICE_RESET: RUNNING",
	      why);
	if (!qenv_restart(&m->de))
		return false;
	qu = queue_start(&m->de, 0, 8);
	return qu && job_small(&m->de, qu, "destination after the reset");
}

/* DST: RUNNING -> STOP -> RESUMING, before the source stops. */
static bool dst_prepare(struct mig_ctx *m)
{
	__u64 t0 = now_ns();

	if (!set_state(&m->dst, "destination", VFIO_DEVICE_STATE_STOP, NULL) ||
	    !set_state(&m->dst, "destination", VFIO_DEVICE_STATE_RESUMING,
		       &m->dst_fd))
		return false;
	phase_add(m, "destination RUNNING -> STOP -> RESUMING (before the stop)",
		  t0, false);
	return true;
}

/*
 * Stop the source and read its state into @s.  Returns false on a failure;
 * *@aborted when --abort stopped it on the way (the source is left where
 * the abort was).
 */
static bool src_save(struct mig_ctx *m, struct mig_stream *s, bool *aborted)
{
	struct vdev *v = &m->src;
	unsigned int busy;
	__u64 t0, c0;
	int fd, err;

	section("migrate: the source stops and saves its state");
	*aborted = false;
	t0 = now_ns();
	m->t_leave = t0;
	if (!set_state(v, "source", VFIO_DEVICE_STATE_RUNNING_P2P, NULL))
		return false;
	phase_add(m, "source RUNNING -> RUNNING_P2P", t0, true);

	c0 = now_ns();
	busy = mw_stopped(&m->w);
	check(&v->report, busy > 0,
	      "commands in flight when the source stopped: on %u of %u queues",
	      busy, VACCEL_FN_QUEUES);
	/* Doorbells while stopped: recorded, run once it runs again. */
	if (!mw_late(&m->w))
		return false;
	m->checks_ns += now_ns() - c0;
	if (m->abort_at == AB_P2P) {
		*aborted = true;
		return true;
	}

	t0 = now_ns();
	if (!set_state(v, "source", VFIO_DEVICE_STATE_STOP, NULL))
		return false;
	phase_add(m, "source RUNNING_P2P -> STOP", t0, true);
	c0 = now_ns();
	snap_take(v, &src_snap);
	mw_dirty_final(&m->w);
	m->checks_ns += now_ns() - c0;
	if (m->abort_at == AB_STOP) {
		*aborted = true;
		return true;
	}

	t0 = now_ns();
	if (!set_state(v, "source", VFIO_DEVICE_STATE_STOP_COPY, &fd))
		return false;
	phase_add(m, "source STOP -> STOP_COPY", t0, true);
	t0 = now_ns();
	err = mig_read_all(fd, s, m->abort_at == AB_STOP_COPY ?
			   m->se.bar2_size / 2 : 0);
	phase_add(m, "STOP_COPY: the data fd read to EOF", t0, true);
	m->read_ns = now_ns() - t0;
	close(fd);
	if (!check_errno(&v->report, "source: the state read", err, 0))
		return false;
	if (m->abort_at == AB_STOP_COPY) {
		remark("data fd closed after %zu bytes, mid-stream", s->len);
		*aborted = true;
		return true;
	}
	return check(&v->report, s->len > 0, "source: state of %zu bytes read",
		     s->len);
}

/* --corrupt and --truncate on the state about to be loaded. */
static bool mutate(struct mig_ctx *m, struct mig_stream *s)
{
	long long off = m->corrupt;

	if (m->corrupt_set) {
		if (off < 0)
			off += s->len;
		if (off < 0 || (size_t)off >= s->len) {
			fprintf(stderr, "vaccel-vfio: --corrupt %lld outside the %zu-byte state\n",
				m->corrupt, s->len);
			return false;
		}
		s->buf[off] ^= 0x5a;
		remark("byte %lld of %zu flipped (^ 0x5a)", off, s->len);
	}
	if (m->truncate_set) {
		if (m->truncate >= s->len) {
			fprintf(stderr, "vaccel-vfio: --truncate %llu: the state has %zu bytes\n",
				m->truncate, s->len);
			return false;
		}
		s->len = m->truncate;
		remark("only the first %zu bytes loaded", s->len);
	}
	return true;
}

/*
 * Write @s to DST's data fd, close it, RESUMING -> STOP.  0 when the
 * device took it, else the negative errno and *@step: which step refused.
 */
static int dst_load(struct mig_ctx *m, const struct mig_stream *s,
		    const char **step)
{
	size_t len = s->len, done;
	unsigned int writes;
	__u64 t0;
	int err;

	section("migrate: the destination loads the state");
	if (m->abort_at == AB_RESUMING)
		len /= 2;
	t0 = now_ns();
	err = mig_write(m->dst_fd, s->buf, len, MIG_CHUNK, &done, &writes);
	phase_add(m, "RESUMING: the state written", t0, true);
	m->write_ns = now_ns() - t0;
	printf("  %zu of %zu bytes written in %u write() calls of 1 to %u bytes\n",
	       done, s->len, writes, MIG_CHUNK);
	close(m->dst_fd);
	m->dst_fd = -1;
	if (err) {
		*step = "write()";
		return err;
	}
	if (m->abort_at == AB_RESUMING)
		remark("data fd closed after %zu of %zu bytes", len, s->len);
	t0 = now_ns();
	err = mig_set(&m->dst, VFIO_DEVICE_STATE_STOP, NULL);
	phase_add(m, "destination RESUMING -> STOP (validation + apply)", t0,
		  true);
	*step = "RESUMING -> STOP";
	return err;
}

/* DST took the state: it runs, the work completes there. */
static bool dst_run(struct mig_ctx *m)
{
	struct vdev *v = &m->dst;
	struct fn_snap *snap;
	struct queue *qu;
	unsigned int q;
	__u64 t0, c0;

	c0 = now_ns();
	check(&v->report, true, "destination: RESUMING -> STOP: state accepted");
	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return false;
	snap_take(v, snap);
	if (m->src_open)
		snap_compare(v, &src_snap, snap);
	for (q = 0; q < VACCEL_FN_QUEUES; q++)
		if (m->src_open)
			check(&v->report, snap->regs[SNAP_GLOBAL + q * SNAP_QUEUE +
					   VACCEL_Q_HEAD / 4] == m->w.q[q].head_stop,
			      "destination queue %u HEAD %u: where the source stopped",
			      q, m->w.q[q].head_stop);
	free(snap);
	m->checks_ns += now_ns() - c0;

	/* As QEMU does once config space is loaded: the vectors again. */
	t0 = now_ns();
	check_errno(&v->report, "destination: SET_IRQS: MSI-X eventfds again",
		    irq_set_fds(v, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				VACCEL_MSIX_VECTORS, m->de.fds), 0);
	phase_add(m, "destination MSI-X eventfds set again", t0, true);
	t0 = now_ns();
	if (!set_state(v, "destination", VFIO_DEVICE_STATE_RUNNING, NULL))
		return false;
	phase_add(m, "destination STOP -> RUNNING", t0, true);
	if (!m->src_open) {
		remark("no workload here: the loaded rings are not mapped in this client");
		return true;
	}
	m->window_ns = now_ns() - m->t_leave;

	section("migrate: the destination completes the work");
	mw_move(&m->w, &m->de);
	if (!mw_after(&m->w, &m->de) || !mw_wait(&m->w))
		return false;
	mw_verify(&m->w, &m->de, "destination");
	mw_irqs(&m->w, &m->se, &m->de);
	qu = &m->de.queue[0];
	return job_small(&m->de, qu, "destination, new work on a migrated queue");
}

static void report_figures(struct mig_ctx *m, const struct mig_stream *s,
			   bool ran)
{
	__u64 mem = m->src_open ? m->se.bar2_size : m->de.bar2_size;
	__u64 down = 0, win;
	unsigned int i;
	char type[128];

	section("migrate: report");
	printf("  state: %zu bytes (%.2f MiB); ", s->len, s->len / (double)MIB);
	printf("device memory (BAR2) %llu bytes = %.1f %%, the rest %lld bytes\n",
	       mem, s->len ? 100.0 * mem / s->len : 0.0,
	       (long long)s->len - (long long)mem);
	for (i = 0; i < m->phases; i++) {
		printf("  %-55s %10.3f ms%s\n", m->phase[i].name,
		       m->phase[i].ns / 1e6, m->phase[i].downtime ? "" : "  (not downtime)");
		if (m->phase[i].downtime)
			down += m->phase[i].ns;
	}
	if (!ran || !m->src_open)
		return;
	win = m->window_ns;
	printf("  downtime: %.3f ms (the steps above; ", down / 1e6);
	printf("the whole window %.3f ms, of which the client's checks %.3f ms)\n",
	       win / 1e6, m->checks_ns / 1e6);
	mdev_type_name(m->src_uuid, type, sizeof(type));
	printf("migrate: figures type=%s state_bytes=%zu mem_bytes=%llu ", type,
	       s->len, mem);
	printf("downtime_us=%llu read_us=%llu write_us=%llu\n", down / 1000,
	       m->read_ns / 1000, m->write_ns / 1000);
}

static bool mig_parse(struct mig_ctx *m, int argc, char **argv)
{
	__u32 st;
	char *end;
	int i;

	if (argc < 2)
		return false;
	m->src_uuid = strcmp(argv[0], "-") ? argv[0] : NULL;
	m->dst_uuid = strcmp(argv[1], "-") ? argv[1] : NULL;
	for (i = 2; i + 1 < argc; i += 2) {
		const char *o = argv[i], *a = argv[i + 1];

		errno = 0;
		if (!strcmp(o, "--warmup")) {
			m->warmup = strtod(a, &end);
			if (*end || m->warmup < 0 || m->warmup > 600)
				return false;
		} else if (!strcmp(o, "--save")) {
			m->save = a;
		} else if (!strcmp(o, "--load")) {
			m->load = a;
		} else if (!strcmp(o, "--corrupt")) {
			m->corrupt = strtoll(a, &end, 0);
			m->corrupt_set = true;
			if (*end || errno)
				return false;
		} else if (!strcmp(o, "--truncate")) {
			m->truncate = strtoull(a, &end, 0);
			m->truncate_set = true;
			if (*end || errno)
				return false;
		} else if (!strcmp(o, "--abort")) {
			for (st = 1; st < ARRAY_SIZE(abort_names); st++)
				if (!strcmp(a, abort_names[st]))
					m->abort_at = st;
			if (!m->abort_at)
				return false;
		} else if (!strcmp(o, "--fuzz")) {
			if (parse_uint(a, 1, 1000000, &m->fuzz))
				return false;
		} else if (!strcmp(o, "--seed")) {
			m->seed = strtoull(a, &end, 0);
			if (*end || errno)
				return false;
		} else if (!strcmp(o, "--rounds")) {
			if (parse_uint(a, 1, (MW_JOBS - 8) / 4, &m->rounds))
				return false;
		} else if (!strcmp(o, "--len")) {
			if (parse_uint(a, 4096, 256 << 20, &m->len))
				return false;
		} else {
			return false;
		}
	}
	if (i != argc || (!m->src_uuid && !m->load) || (m->src_uuid && m->load) ||
	    (!m->dst_uuid && (!m->save || m->fuzz || m->abort_at == AB_RESUMING)))
		return false;
	if (m->fuzz && (m->abort_at || m->corrupt_set || m->truncate_set))
		return false;
	return !(m->load && m->abort_at);
}

static void mig_usage(void)
{
	fprintf(stderr,
		"usage: vaccel-vfio migrate SRC|- DST|- [--warmup S] [--rounds N] [--len BYTES]\n"
		"         [--save FILE] [--load FILE] [--corrupt OFFSET] [--truncate BYTES]\n"
		"         [--abort p2p|stop|stop_copy|resuming] [--fuzz N] [--seed S]\n"
		"  SRC - needs --load; DST - needs --save\n");
}

/* Where the state comes from: SRC (stopped, saved) or --load. */
static bool get_state(struct mig_ctx *m, struct mig_stream *s, bool *aborted)
{
	int err;

	*aborted = false;
	if (m->load) {
		err = mig_stream_load(s, m->load);
		if (err)
			fprintf(stderr, "vaccel-vfio: %s: %s\n", m->load,
				errname(err));
		printf("  %zu bytes from %s\n", s->len, m->load);
		return !err;
	}
	if (!src_save(m, s, aborted))
		return false;
	if (m->save && !*aborted) {
		err = mig_stream_save(s, m->save);
		if (!check_errno(&m->src.report, "state saved to --save FILE", err, 0))
			return false;
		printf("  %zu bytes saved to %s\n", s->len, m->save);
	}
	return true;
}

/* Everything after the state is in hand; false on a failure. */
static bool mig_go(struct mig_ctx *m, struct mig_stream *s, bool aborted)
{
	const char *step = "?";
	bool ran = false;
	int err;

	if (aborted) {			/* --abort p2p, stop, stop_copy */
		section("migrate: aborted: the source goes back to RUNNING");
		if (m->dst_open) {
			if (m->dst_fd >= 0)
				close(m->dst_fd);
			m->dst_fd = -1;
			mig_dst_recover(m, "the abort", true);
		}
		return src_finish(m, true);
	}
	if (m->fuzz) {
		if (m->src_open)
			set_state(&m->src, "source", VFIO_DEVICE_STATE_RUNNING, NULL);
		mig_fuzz(m, s, m->fuzz);
		return !m->src_open || src_finish(m, false);
	}
	if (!m->dst_open) {		/* --save only */
		report_figures(m, s, false);
		return src_finish(m, true);
	}
	if (!mutate(m, s))
		return false;
	err = dst_load(m, s, &step);
	if (err) {
		report_figures(m, s, false);
		section("migrate: refused");
		if (m->either)
			remark("destination refused the state at %s: %s", step,
			       errname(err));
		else
			check(&m->dst.report, m->expect_refusal,
			      "destination refused the state at %s: %s%s", step,
			      errname(err),
			      m->expect_refusal ? "" : " (a valid one)");
		if (m->expect_refusal && err != -EINVAL)
			remark("refused with %s rather than EINVAL", errname(err));
		mig_dst_recover(m, "the refusal", true);
		return !m->src_open || src_finish(m, true);
	}
	if (m->expect_refusal)
		check(&m->dst.report, false,
		      "destination accepted a state it should have refused");
	ran = dst_run(m);
	report_figures(m, s, ran);
	if (m->src_open)
		ran &= src_reset(m);
	else
		ran &= mig_dst_recover(m, "the load", true);
	return ran;
}

int command_migrate(int argc, char **argv)
{
	struct mig_ctx *m = calloc(1, sizeof(*m));
	struct mig_stream s = { 0 };
	unsigned int fails = 0, checks = 0;
	bool ok = false, aborted;
	int ret;

	if (!m)
		return 1;
	m->warmup = 1;
	m->rounds = 4;
	m->len = 4 << 20;
	m->dst_fd = -1;
	m->seed = now_ns();
	if (!mig_parse(m, argc, argv)) {
		mig_usage();
		free(m);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rnd_seed(m->seed);
	m->expect_refusal = m->corrupt_set || m->truncate_set ||
			    m->abort_at == AB_RESUMING;
	m->either = m->load && !m->expect_refusal;
	if (!open_all(m))
		goto out;
	if (m->src_open) {
		section("migrate: the workload on the source");
		if (!mw_setup(&m->w, &m->se, m->rounds, m->len))
			goto out;
		mw_dirty_start(&m->w);
		if (!mw_initial(&m->w))
			goto out;
		printf("  %u rounds of COPY and CRC32C of %u bytes, GEMM, BUSY",
		       m->rounds, m->len);
		printf(" on 4 queues; running up to %.2f s\n", m->warmup);
		mw_warmup(&m->w, m->warmup);
	}
	if (m->dst_open && !m->fuzz && !dst_prepare(m))
		goto out;
	if (!get_state(m, &s, &aborted))
		goto out;
	ok = mig_go(m, &s, aborted);
out:
	mig_stream_free(&s);
	if (m->dst_fd >= 0)
		close(m->dst_fd);
	if (m->src_open) {
		mw_free(&m->w);
		fails += m->src.report.failures;
		checks += m->src.report.checks;
	}
	if (m->dst_open) {
		fails += m->dst.report.failures;
		checks += m->dst.report.checks;
		if (m->de.v)
			qenv_fini(&m->de);
		vdev_close(&m->dst);
	}
	if (m->src_open) {
		if (m->se.v)
			qenv_fini(&m->se);
		vdev_close(&m->src);
	}
	ret = fails || !ok;
	if (fails)
		fprintf(stderr, "vaccel-vfio: migrate: FAILED %u of %u checks; the first: %s\n",
			fails, checks, m->src.report.failures ?
			m->src.report.first_failure : m->dst.report.first_failure);
	else if (!ok)
		fprintf(stderr, "vaccel-vfio: migrate: failed\n");
	else
		printf("vaccel-vfio: migrate: all %u checks passed\n", checks);
	free(m);
	return ret;
}
