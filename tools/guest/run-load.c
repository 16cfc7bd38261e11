// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-run load: a sustained workload through the VF driver.  J
 * contexts, one thread each (each its own open(), so they land on
 * different queues), each keep D jobs in flight (struct vfwork, whose
 * results are verified); a line a second, then a summary:
 *
 *   load: t=3s jobs/s=250.0 ops/s=2000.0 errors=0
 *   load: summary op=busy seconds=10 contexts=4 depth=2 jobs=... ops=...
 *         errors=0 ...
 *
 * (the summary is one line).  SIGINT or SIGTERM end it early, with the
 * summary.  Exit status 1 on any error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run.h"
#include "util.h"
#include "vaccelvf.h"
#include "vfwork.h"

#define LD_BUSY_OPS		8
/*
 * 320 ms of engine time per job.  A nested guest under TCG turns about
 * 20 jobs a second around while the host is busy too (measured in e2e 31:
 * 19 jobs/s, 1.5 engines, with 80 ms jobs); with 320 ms jobs that keeps
 * 4 engines busy, twice what a 1of2 needs for its share.
 */
#define LD_BUSY_NS		40000000ULL
#define LD_DEFAULT_BYTES	(256 * 1024)
#define LD_GEMM_BYTES		(16 * 1024)
#define LD_FULL_EVERY		8	/* a full check every 8th job */
#define LD_WAIT_NS		(60 * 1000000000LL)

struct ld;

struct ld_thread {
	struct ld *l;
	pthread_t tid;
	unsigned int id;
	struct vaccelvf_ctx ctx;
	struct vaccel_vf_info info;
	struct vfwork *w;
	bool *inflight;
	atomic_ullong jobs, ops, bytes, errors;
	char first_error[256];
};

struct ld {
	const struct vr_opts *o;
	unsigned int opcode;
	__u64 size;
	unsigned int nthreads;
	struct ld_thread *th;
	atomic_bool stop;
};

static atomic_bool ld_signalled;

static void ld_on_signal(int sig)
{
	(void)sig;
	atomic_store(&ld_signalled, true);
}

static const struct {
	const char *name;
	unsigned int opcode;
} ld_ops[] = {
	{ "busy", VACCEL_OP_BUSY },
	{ "copy", VACCEL_OP_COPY },
	{ "crc32c", VACCEL_OP_CRC32C },
	{ "gemm", VACCEL_OP_GEMM },
	{ "fill", VACCEL_OP_FILL },
};

[[gnu::format(printf, 2, 3)]]
static void ld_error(struct ld_thread *t, const char *fmt, ...)
{
	va_list ap;

	if (!atomic_fetch_add(&t->errors, 1)) {
		va_start(ap, fmt);
		vsnprintf(t->first_error, sizeof(t->first_error), fmt, ap);
		va_end(ap);
	}
}

/* Wait for the job of slot @i, verify it, count it. */
static void ld_reap(struct ld *l, struct ld_thread *t, unsigned int i)
{
	struct vfwork *w = &t->w[i];
	char why[200];
	int err, status = 0;
	bool full;

	do {
		err = vaccelvf_wait(&t->ctx, w->fence, LD_WAIT_NS, &status);
	} while (err == -EINTR);
	t->inflight[i] = false;
	if (err || status) {
		ld_error(t, "%s: job %llu: %s", l->o->dev,
			 (unsigned long long)w->fence,
			 vaccelvf_strjob(&t->ctx, &w->batch, w->fence,
					 err ?: -status, why, sizeof(why)));
		if (err)
			atomic_store(&l->stop, true);
		return;
	}
	full = !(w->seq % LD_FULL_EVERY);
	if (vfwork_check(w, full, why, sizeof(why)))
		ld_error(t, "%s: job %llu: wrong result: %s", l->o->dev,
			 (unsigned long long)w->fence, why);
	atomic_fetch_add(&t->jobs, 1);
	atomic_fetch_add(&t->ops, w->batch.count);
	atomic_fetch_add(&t->bytes, vfwork_bytes(w));
}

static void *ld_thread_main(void *arg)
{
	struct ld_thread *t = arg;
	struct ld *l = t->l;
	unsigned int depth = l->o->depth, i, left;
	int err;

	for (i = 0; i < depth && !atomic_load(&l->stop); i++) {
		err = vfwork_submit(&t->w[i]);
		if (err) {
			ld_error(t, "%s: SUBMIT: %s", l->o->dev, strerror(-err));
			break;
		}
		t->inflight[i] = true;
	}
	for (i = 0, left = depth; left; i = (i + 1) % depth) {
		if (!t->inflight[i]) {
			left--;
			continue;
		}
		ld_reap(l, t, i);
		if (atomic_load(&l->stop) || atomic_load(&t->errors))
			continue;
		err = vfwork_submit(&t->w[i]);
		if (err) {
			ld_error(t, "%s: SUBMIT: %s", l->o->dev, strerror(-err));
			continue;
		}
		t->inflight[i] = true;
		left = depth;
	}
	return NULL;
}

/* Open the context of a thread and set up its work. */
static int ld_thread_init(struct ld *l, struct ld_thread *t, unsigned int id)
{
	const struct vr_opts *o = l->o;
	unsigned int i, dim;
	int err;

	t->l = l;
	t->id = id;
	t->ctx.fd = -1;
	err = vaccelvf_open(&t->ctx, o->dev, 0);
	if (err) {
		vr_err(o->dev, "open", err);
		return err;
	}
	err = vaccelvf_info(&t->ctx, &t->info);
	if (err) {
		vr_err(o->dev, "INFO", err);
		return err;
	}
	t->w = calloc(o->depth, sizeof(*t->w));
	t->inflight = calloc(o->depth, sizeof(*t->inflight));
	if (!t->w || !t->inflight) {
		vr_err(o->dev, "memory", -ENOMEM);
		return -ENOMEM;
	}
	for (i = 0; i < o->depth; i++) {
		__u64 seed = (__u64)(id + 1) << 32 | (i + 1);

		switch (l->opcode) {
		case VACCEL_OP_BUSY:
			err = vfwork_init(&t->w[i], &t->ctx, l->opcode, l->size,
					  false, seed);
			if (!err)
				err = vfwork_set_busy(&t->w[i], LD_BUSY_OPS,
						      l->size);
			break;
		case VACCEL_OP_GEMM:
			/* Square matrices of about size bytes. */
			for (dim = 1; dim < VACCEL_GEMM_MAX_DIM &&
			     4ULL * (dim + 1) * (dim + 1) <= l->size; dim++)
				;
			err = vfwork_init(&t->w[i], &t->ctx, l->opcode, dim,
					  o->dev_mem, seed);
			break;
		default:
			err = vfwork_init(&t->w[i], &t->ctx, l->opcode, l->size,
					  o->dev_mem, seed);
		}
		if (err) {
			vr_err(o->dev, err == -EINVAL ? "--size" :
			       err == -ENOMEM && o->dev_mem ? "ALLOC" : "setup",
			       err);
			return err;
		}
	}
	return 0;
}

static void ld_thread_fini(struct ld *l, struct ld_thread *t)
{
	unsigned int i;

	if (t->w)
		for (i = 0; i < l->o->depth; i++)
			vfwork_fini(&t->w[i]);
	free(t->w);
	free(t->inflight);
	vaccelvf_close(&t->ctx);
}

struct ld_sum {
	__u64 jobs, ops, bytes, errors;
};

static void ld_total(const struct ld *l, struct ld_sum *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < l->nthreads; i++) {
		s->jobs += atomic_load(&l->th[i].jobs);
		s->ops += atomic_load(&l->th[i].ops);
		s->bytes += atomic_load(&l->th[i].bytes);
		s->errors += atomic_load(&l->th[i].errors);
	}
}

static void ld_line(const struct ld *l, const char *head,
		    const struct ld_sum *d, double secs)
{
	printf("%s jobs/s=%.1f ops/s=%.1f", head, d->jobs / secs,
	       d->ops / secs);
	if (l->opcode == VACCEL_OP_BUSY)
		printf(" engines_busy=%.2f", d->ops * (double)l->size / 1e9 / secs);
	else
		printf(" MB/s=%.2f", d->bytes / 1e6 / secs);
	printf(" errors=%llu\n", (unsigned long long)d->errors);
}

/* The main thread: a line a second until the time is up. */
static double ld_watch(struct ld *l)
{
	struct ld_sum prev = { 0 }, cur, d;
	__u64 t0 = now_ns(), next, now;
	unsigned int sec;
	char head[64];

	for (sec = 1; sec <= l->o->seconds; sec++) {
		next = t0 + sec * 1000000000ULL;
		while ((now = now_ns()) < next && !atomic_load(&ld_signalled) &&
		       !atomic_load(&l->stop))
			sleep_us((next - now) / 1000 < 100000 ?
				 (next - now) / 1000 + 1 : 100000);
		if (atomic_load(&ld_signalled) || atomic_load(&l->stop))
			break;
		ld_total(l, &cur);
		d.jobs = cur.jobs - prev.jobs;
		d.ops = cur.ops - prev.ops;
		d.bytes = cur.bytes - prev.bytes;
		d.errors = cur.errors;
		snprintf(head, sizeof(head), "load: t=%us", sec);
		ld_line(l, head, &d, 1.0);
		prev = cur;
	}
	atomic_store(&l->stop, true);
	return (now_ns() - t0) / 1e9;
}

int vr_load(const struct vr_opts *o)
{
	static struct ld l;
	struct sigaction sa = { .sa_handler = ld_on_signal };
	struct ld_sum sum;
	unsigned int i, started = 0;
	char head[256];
	double secs;
	int err, ret = 1;

	l.o = o;
	l.opcode = VACCEL_OP_COUNT;
	for (i = 0; i < ARRAY_SIZE(ld_ops); i++)
		if (!strcmp(o->op, ld_ops[i].name))
			l.opcode = ld_ops[i].opcode;
	if (l.opcode == VACCEL_OP_COUNT) {
		fprintf(stderr, VR_NAME ": bad --op '%s': busy, copy, crc32c, gemm or fill\n",
			o->op);
		return 2;
	}
	l.size = o->size;
	if (!l.size)
		l.size = l.opcode == VACCEL_OP_BUSY ? LD_BUSY_NS :
			 l.opcode == VACCEL_OP_GEMM ? LD_GEMM_BYTES :
			 LD_DEFAULT_BYTES;
	l.nthreads = o->jobs;
	if (!l.nthreads) {
		struct vaccelvf_ctx ctx;
		struct vaccel_vf_info info;

		err = vaccelvf_open(&ctx, o->dev, 0);
		if (err) {
			vr_err(o->dev, "open", err);
			return 1;
		}
		err = vaccelvf_info(&ctx, &info);
		vaccelvf_close(&ctx);
		if (err) {
			vr_err(o->dev, "INFO", err);
			return 1;
		}
		l.nthreads = info.queues ? info.queues : 1;
	}
	l.th = calloc(l.nthreads, sizeof(*l.th));
	if (!l.th) {
		vr_err(o->dev, "memory", -ENOMEM);
		return 1;
	}
	for (i = 0; i < l.nthreads; i++) {
		l.th[i].ctx.fd = -1;
		if (ld_thread_init(&l, &l.th[i], i))
			goto out;
	}
	printf("load: %s op=%s contexts=%u depth=%u size=%llu%s queues=",
	       o->dev, o->op, l.nthreads, o->depth, (unsigned long long)l.size,
	       o->dev_mem ? " dev-mem" : "");
	for (i = 0; i < l.nthreads; i++)
		printf("%s%u", i ? "," : "", l.th[i].info.queue);
	printf("\n");

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < l.nthreads; i++) {
		err = pthread_create(&l.th[i].tid, NULL, ld_thread_main, &l.th[i]);
		if (err) {
			vr_err(o->dev, "pthread_create", err);
			atomic_store(&l.stop, true);
			break;
		}
		started++;
	}
	secs = started == l.nthreads ? ld_watch(&l) : 1;
	for (i = 0; i < started; i++)
		pthread_join(l.th[i].tid, NULL);

	ld_total(&l, &sum);
	for (i = 0; i < l.nthreads; i++)
		if (l.th[i].errors)
			fprintf(stderr, VR_NAME ": context %u: %llu errors, the first: %s\n",
				i, (unsigned long long)l.th[i].errors,
				l.th[i].first_error);
	snprintf(head, sizeof(head),
		 "load: summary op=%s seconds=%u contexts=%u depth=%u size=%llu jobs=%llu ops=%llu elapsed=%.1f",
		 o->op, o->seconds, l.nthreads, o->depth,
		 (unsigned long long)l.size, (unsigned long long)sum.jobs,
		 (unsigned long long)sum.ops, secs);
	ld_line(&l, head, &sum, secs > 0 ? secs : 1);
	if (started == l.nthreads && !sum.errors && sum.jobs)
		ret = 0;
	if (!sum.jobs)
		fprintf(stderr, VR_NAME ": %s: no job completed\n", o->dev);
out:
	for (i = 0; i < l.nthreads; i++)
		ld_thread_fini(&l, &l.th[i]);
	free(l.th);
	return ret;
}
