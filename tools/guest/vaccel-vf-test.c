// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vf-test: end-to-end tests of the guest's VF driver (vaccel_vf.ko)
 * through /dev/vaccelN, for tools/e2e; static, for a minimal initramfs.
 *
 *   vaccel-vf-test bad-ioctls [-d DEV]
 *   vaccel-vf-test multiproc [-d DEV] [--procs P] [--seconds S]
 *   vaccel-vf-test reset-inflight [-d DEV]
 *   vaccel-vf-test fuzz BDF [--seed S] [--ops N]   (vf-test-fuzz.c)
 *   vaccel-vf-test exit-midjob [-d DEV]
 *
 * One line per check, "PASS what" or "FAIL what: why" ("INFO ..." lines
 * in between), and last "NAME: N passed, M failed".  Exit status 0 if
 * every check passed, 1 if one failed, 2 on bad usage.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "vf-test.h"
#include "vfwork.h"

#define VT_MS			1000000LL
#define VT_WAIT_NS		(30000 * VT_MS)
#define VT_SETTLE_S		10	/* for memory and contexts to return */
#define VT_MAX_PROCS		32

static struct report vt_r;

static void vt_usage(FILE *f)
{
	fprintf(f,
		"usage: " VT_NAME " bad-ioctls [-d DEV]\n"
		"       " VT_NAME " multiproc [-d DEV] [--procs P] [--seconds S]\n"
		"       " VT_NAME " reset-inflight [-d DEV]\n"
		"       " VT_NAME " fuzz BDF [--seed S] [--ops N]\n"
		"       " VT_NAME " exit-midjob [-d DEV]\n"
		"\n"
		"End-to-end tests of the VF driver through /dev/vaccelN.\n"
		"\n"
		"  bad-ioctls      a table of broken ioctl calls, each refused with\n"
		"                  its errno (a refused batch: nothing of it runs);\n"
		"                  then the context still works\n"
		"  multiproc       P processes (default 4), each its own context: one\n"
		"                  sends bad batches, one leaves in the middle of its\n"
		"                  jobs, the others run verified COPY, CRC32C and GEMM\n"
		"                  jobs for S seconds (default 10); nothing leaks\n"
		"  reset-inflight  a function reset (sysfs reset) under long jobs: each\n"
		"                  ends, done or ECANCELED; a fresh context works\n"
		"  exit-midjob     a process that leaves with memory and jobs: the\n"
		"                  driver gets both back\n"
		"\n"
		"  -d, --dev DEV   the device node (default: the first, /dev/vaccel0)\n"
		"  -h, --help      this text\n");
}

[[gnu::format(printf, 2, 3)]]
static bool vt_fail(const char *what, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return check(&vt_r, false, "%s: %s", what, why);
}

bool vt_good_job(struct report *r, const struct vaccelvf_ctx *ctx,
		 const char *what)
{
	static struct vfwork w;
	char why[200];
	int err, status = 0;

	err = vfwork_init(&w, ctx, VACCEL_OP_COPY, 64 * 1024, true, now_ns());
	if (err)
		return check(r, false, "%s: setup: %s", what, strerror(-err));
	err = vfwork_submit(&w);
	if (!err)
		err = vaccelvf_wait(ctx, w.fence, VT_WAIT_NS, &status);
	if (err || status) {
		vaccelvf_strjob(ctx, &w.batch, w.fence, err ?: -status, why,
				sizeof(why));
		vfwork_fini(&w);
		return check(r, false, "%s: %s", what, why);
	}
	err = vfwork_check(&w, true, why, sizeof(why));
	vfwork_fini(&w);
	if (err)
		return check(r, false, "%s: %s", what, why);
	return check(r, true, "%s (COPY user -> dev -> user, 64 KiB)", what);
}

/* Open @node as the test's own context; say why not. */
static int vt_open(struct vaccelvf_ctx *ctx, const char *node,
		   struct vaccel_vf_info *info)
{
	int err;

	err = vaccelvf_open(ctx, node, 0);
	if (err) {
		fprintf(stderr, VT_NAME ": %s: open: %s\n", node, strerror(-err));
		return err;
	}
	err = vaccelvf_info(ctx, info);
	if (err) {
		fprintf(stderr, VT_NAME ": %s: INFO: %s\n", node, strerror(-err));
		vaccelvf_close(ctx);
	}
	return err;
}

/*
 * Wait until INFO on @ctx shows @mem_free and @contexts again, up to
 * VT_SETTLE_S seconds; one check.
 */
static void vt_settled(const struct vaccelvf_ctx *ctx, const char *what,
		       __u64 mem_free, __u32 contexts)
{
	struct vaccel_vf_info info;
	__u64 t0 = now_ns();
	int err;

	for (;;) {
		err = vaccelvf_info(ctx, &info);
		if (err || (info.mem_free == mem_free &&
			    info.contexts == contexts))
			break;
		if (now_ns() - t0 > VT_SETTLE_S * 1000 * VT_MS)
			break;
		sleep_us(50000);
	}
	if (err)
		vt_fail(what, "INFO: %s", strerror(-err));
	else if (info.mem_free != mem_free || info.contexts != contexts)
		vt_fail(what, "after %u s mem_free %llu (expected %llu), contexts %u (expected %u)",
			VT_SETTLE_S, (unsigned long long)info.mem_free,
			(unsigned long long)mem_free, info.contexts, contexts);
	else
		check(&vt_r, true, "%s: mem_free %llu, contexts %u after %.2f s",
		      what, (unsigned long long)mem_free, contexts,
		      (now_ns() - t0) / 1e9);
}

/* multiproc */

enum vt_role { VT_WORKER, VT_BAD, VT_QUITTER };

static const char *const vt_role_names[] = {
	[VT_WORKER] = "worker", [VT_BAD] = "bad batches", [VT_QUITTER] = "quitter",
};

/* Verified COPY, CRC32C and GEMM jobs, user and device memory, in turn. */
static int vt_worker(const struct vaccelvf_ctx *ctx, unsigned int id,
		     __u64 end, char *msg, size_t size)
{
	static const struct {
		unsigned int opcode;
		size_t size;
		bool dev;
	} kinds[] = {
		{ VACCEL_OP_COPY, 128 * 1024, false },
		{ VACCEL_OP_CRC32C, 64 * 1024, false },
		{ VACCEL_OP_GEMM, 40, false },
		{ VACCEL_OP_COPY, 96 * 1024 + 5, true },
		{ VACCEL_OP_CRC32C, 32 * 1024 + 3, true },
		{ VACCEL_OP_GEMM, 24, true },
	};
	static struct vfwork w[ARRAY_SIZE(kinds)];
	unsigned int i, jobs = 0;
	char why[200];
	int err = 0, status;

	for (i = 0; i < ARRAY_SIZE(kinds) && !err; i++)
		err = vfwork_init(&w[i], ctx, kinds[i].opcode, kinds[i].size,
				  kinds[i].dev, (__u64)id << 32 | (i + 1));
	if (err) {
		snprintf(msg, size, "setup: %s", strerror(-err));
		return 1;
	}
	/*
	 * Until the end, and at least one job of each kind however slow the
	 * machine (setting up takes seconds in a nested guest under TCG).
	 */
	for (i = 0; now_ns() < end || jobs < ARRAY_SIZE(kinds);
	     i = (i + 1) % ARRAY_SIZE(kinds)) {
		err = vfwork_submit(&w[i]);
		status = 0;
		if (!err)
			err = vaccelvf_wait(ctx, w[i].fence, VT_WAIT_NS, &status);
		if (err || status) {
			vaccelvf_strjob(ctx, &w[i].batch, w[i].fence,
					err ?: -status, why, sizeof(why));
			snprintf(msg, size, "job %u (%s): %s", jobs,
				 vaccelvf_op_name(kinds[i].opcode), why);
			return 1;
		}
		if (vfwork_check(&w[i], true, why, sizeof(why))) {
			snprintf(msg, size, "job %u: %s", jobs, why);
			return 1;
		}
		jobs++;
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		vfwork_fini(&w[i]);
	snprintf(msg, size, "%u jobs, all results right", jobs);
	return jobs ? 0 : 1;
}

/* Bad batches, each refused with its errno, and a good job now and then. */
static int vt_bad_batches(const struct vaccelvf_ctx *ctx, __u64 end,
			  char *msg, size_t size)
{
	static struct vaccelvf_batch b;
	__u8 *buf = vaccelvf_buf_alloc(2 * 4096);
	struct report r = { 0 };
	struct vaccel_vf_op *op;
	unsigned int n = 0, k;
	__u64 fence;
	int err, want;

	if (!buf) {
		snprintf(msg, size, "memory: %s", strerror(errno));
		return 1;
	}
	for (k = 0; now_ns() < end; k++) {
		vaccelvf_batch_init(&b);
		vaccelvf_add_copy(&b, vaccelvf_user(buf), vaccelvf_user(buf + 4096),
				  4096);
		op = vaccelvf_batch_add(&b);
		want = EINVAL;
		switch (k % 5) {
		case 0:
			op->opcode = VACCEL_OP_COUNT;
			break;
		case 1:
			vaccelvf_batch_init(&b);
			vaccelvf_add_copy(&b, vaccelvf_user(buf),
					  vaccelvf_user(buf + 100), 4096);
			break;
		case 2:
			*op = b.ops[0];
			op->src = vaccelvf_dev(0x7fffffff, 0);
			want = ENOENT;
			break;
		case 3:
			op->opcode = VACCEL_OP_BUSY;
			op->value = 2000000000ULL;
			break;
		case 4:
			*op = b.ops[0];
			op->src = vaccelvf_user((void *)4096);
			want = EFAULT;
			break;
		}
		err = vaccelvf_submit(ctx, &b, &fence);
		if (!err)
			vaccelvf_wait(ctx, fence, VT_WAIT_NS, NULL);
		if (err != -want) {
			snprintf(msg, size, "bad batch %u: %s, expected %s", k,
				 errname(err), errname(want));
			return 1;
		}
		n++;
		if (k % 16 == 15 && !vt_good_job(&r, ctx, "good job"))
			break;
	}
	if (r.failures) {
		snprintf(msg, size, "a good job between bad batches: %s",
			 r.first_failure);
		return 1;
	}
	snprintf(msg, size, "%u bad batches refused, %u good jobs between them",
		 n, r.checks);
	return 0;
}

/* Leave contexts in the middle of their jobs, the last time by _exit(). */
static int vt_quitter(const char *node, __u64 end, int fd, char *msg,
		      size_t size)
{
	static struct vaccelvf_batch b;
	struct vaccelvf_ctx ctx;
	unsigned int n = 0, i;
	bool last;
	__u64 fence;
	__u8 *buf;
	__u32 h;
	int err;

	buf = vaccelvf_buf_alloc(256 * 1024);
	if (!buf) {
		snprintf(msg, size, "memory: %s", strerror(errno));
		return 1;
	}
	do {
		last = now_ns() >= end;
		err = vaccelvf_open(&ctx, node, 0);
		if (!err)
			err = vaccelvf_alloc(&ctx, 256 * 1024, &h, NULL);
		for (i = 0; i < 3 && !err; i++) {
			vaccelvf_batch_init(&b);
			vaccelvf_add_copy(&b, vaccelvf_dev(h, 0),
					  vaccelvf_user(buf), 256 * 1024);
			vaccelvf_add_busy(&b, 20 * VT_MS);
			vaccelvf_add_copy(&b, vaccelvf_user(buf),
					  vaccelvf_dev(h, 0), 256 * 1024);
			err = vaccelvf_submit(&ctx, &b, &fence);
		}
		if (err) {
			snprintf(msg, size, "context %u: %s", n, strerror(-err));
			return 1;
		}
		n++;
		if (last) {
			/* The verdict first: the parent reads it from the pipe. */
			dprintf(fd, "left %u contexts in the middle of their jobs, %s\n",
				n, "the last by _exit()");
			_exit(0);
		}
		vaccelvf_close(&ctx);
	} while (true);
}

static void vt_child(const struct vt_opts *o, unsigned int id, enum vt_role role,
		     int fd)
{
	__u64 end = now_ns() + o->seconds * 1000 * VT_MS;
	struct vaccelvf_ctx ctx;
	char msg[300] = "";
	int ret, err;

	/* The verdict goes to the parent through @fd; nothing else is said. */
	if (!freopen("/dev/null", "w", stdout))
		_exit(1);
	if (role == VT_QUITTER) {
		ret = vt_quitter(o->dev, end, fd, msg, sizeof(msg));
		dprintf(fd, "%s\n", msg);
		_exit(ret);
	}
	err = vaccelvf_open(&ctx, o->dev, 0);
	if (err) {
		dprintf(fd, "open: %s\n", strerror(-err));
		_exit(1);
	}
	if (role == VT_BAD)
		ret = vt_bad_batches(&ctx, end, msg, sizeof(msg));
	else
		ret = vt_worker(&ctx, id, end, msg, sizeof(msg));
	vaccelvf_close(&ctx);
	dprintf(fd, "%s\n", msg);
	_exit(ret);
}

static int vt_multiproc(const struct vt_opts *o)
{
	struct {
		pid_t pid;
		int fd;
		enum vt_role role;
		int status;
		bool done;
	} ch[VT_MAX_PROCS];
	struct vaccel_vf_info base;
	struct vaccelvf_ctx ctx;
	unsigned int i, left = 0;
	__u64 deadline;
	char msg[300];
	int p[2], st;
	ssize_t n;

	if (vt_open(&ctx, o->dev, &base))
		return 1;
	remark("%s: %u processes for %u s; mem_free %llu, contexts %u before",
	       o->dev, o->procs, o->seconds, (unsigned long long)base.mem_free,
	       base.contexts);
	for (i = 0; i < o->procs; i++) {
		ch[i].role = o->procs >= 2 && i == 0 ? VT_BAD :
			     o->procs >= 3 && i == 1 ? VT_QUITTER : VT_WORKER;
		ch[i].done = false;
		ch[i].fd = -1;
		if (pipe(p)) {
			vt_fail("fork", "pipe: %s", strerror(errno));
			break;
		}
		fflush(stdout);
		ch[i].pid = fork();
		if (ch[i].pid < 0) {
			vt_fail("fork", "%s", strerror(errno));
			close(p[0]);
			close(p[1]);
			break;
		}
		if (!ch[i].pid) {
			close(p[0]);
			vt_child(o, i, ch[i].role, p[1]);
		}
		close(p[1]);
		ch[i].fd = p[0];
		left++;
	}
	/* The children end by themselves; a hung one is killed. */
	deadline = now_ns() + (o->seconds + 90ULL) * 1000 * VT_MS;
	while (left && now_ns() < deadline) {
		for (i = 0; i < o->procs; i++) {
			if (ch[i].fd < 0 || ch[i].done)
				continue;
			if (waitpid(ch[i].pid, &ch[i].status, WNOHANG) == ch[i].pid) {
				ch[i].done = true;
				left--;
			}
		}
		sleep_us(50000);
	}
	for (i = 0; i < o->procs; i++) {
		if (ch[i].fd < 0)
			continue;
		if (!ch[i].done) {
			kill(ch[i].pid, SIGKILL);
			waitpid(ch[i].pid, &st, 0);
			vt_fail("child", "%u (%s) still running after %u s: killed",
				i, vt_role_names[ch[i].role], o->seconds + 90);
			close(ch[i].fd);
			continue;
		}
		n = read(ch[i].fd, msg, sizeof(msg) - 1);
		close(ch[i].fd);
		msg[n > 0 ? n : 0] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		st = ch[i].status;
		if (WIFEXITED(st) && !WEXITSTATUS(st))
			check(&vt_r, true, "child %u (%s): %s", i,
			      vt_role_names[ch[i].role], msg);
		else if (WIFSIGNALED(st))
			vt_fail("child", "%u (%s) killed by signal %d: %s", i,
				vt_role_names[ch[i].role], WTERMSIG(st), msg);
		else
			vt_fail("child", "%u (%s): %s", i,
				vt_role_names[ch[i].role], msg);
	}
	vt_settled(&ctx, "nothing leaked", base.mem_free, base.contexts);
	vaccelvf_close(&ctx);
	return 0;
}

/* reset-inflight */

#define VT_RESET_JOBS	20

static int vt_reset_inflight(const struct vt_opts *o)
{
	static struct vaccelvf_batch b;
	struct vaccel_vf_info info;
	struct vaccelvf_ctx ctx, fresh;
	struct vaccel_vf_job job;
	__u64 fence[VT_RESET_JOBS], t0;
	unsigned int i, n = 0, done = 0, canceled = 0, other = 0, hung = 0;
	int err, status;

	if (vt_open(&ctx, o->dev, &info))
		return 1;
	vaccelvf_batch_init(&b);
	for (i = 0; i < 8; i++)
		vaccelvf_add_busy(&b, 20 * VT_MS);
	for (i = 0; i < VT_RESET_JOBS; i++) {
		err = vaccelvf_submit(&ctx, &b, &fence[i]);
		if (err) {
			vt_fail("submit the jobs", "job %u: %s", i, strerror(-err));
			break;
		}
		n++;
	}
	if (n == VT_RESET_JOBS)
		check(&vt_r, true, "%u jobs of 8 x BUSY 20 ms submitted", n);
	sleep_us(100000);
	t0 = now_ns();
	err = vaccelvf_reset(&ctx);
	if (err)
		vt_fail("reset through sysfs", "%s", strerror(-err));
	else
		check(&vt_r, true, "reset through sysfs (took %.2f s)",
		      (now_ns() - t0) / 1e9);

	for (i = 0; i < n; i++) {
		status = 0;
		err = vaccelvf_wait(&ctx, fence[i], VT_WAIT_NS, &status);
		if (err == -ETIMEDOUT)
			hung++;
		else if (err)
			other++;
		else if (!status)
			done++;
		else if (status == ECANCELED)
			canceled++;
		else
			other++;
		if ((err && err != -ETIMEDOUT) || (status && status != ECANCELED))
			remark("job %u: WAIT %s, status %s", i, errname(err),
			       errname(status));
	}
	if (hung)
		vt_fail("every job ends", "%u of %u still pending after 30 s",
			hung, n);
	else if (other)
		vt_fail("every job ends", "%u of %u neither done nor ECANCELED",
			other, n);
	else if (!canceled)
		vt_fail("every job ends", "%s", "none ECANCELED");
	else
		check(&vt_r, true, "every job ends: %u done, %u ECANCELED",
		      done, canceled);
	if (n && canceled) {
		err = vaccelvf_job(&ctx, fence[n - 1], &job);
		check(&vt_r, !err && job.state == VACCEL_VF_JOB_FAILED &&
		      job.status == -ECANCELED,
		      "JOB of the last job: %s, state %s, status %s",
		      errname(err), vaccelvf_job_state_name(job.state),
		      errname(job.status));
	}
	err = vaccelvf_poll(&ctx, 5000);
	check(&vt_r, err == 1, "poll(): idle after the reset%s%s",
	      err == 1 ? "" : ": ",
	      err == 1 ? "" : err ? strerror(-err) : "still busy");

	/* Whether the old context goes on is the driver's choice. */
	vaccelvf_batch_init(&b);
	vaccelvf_add_nop(&b);
	err = vaccelvf_run(&ctx, &b, NULL);
	remark("a NOP on the context of before the reset: %s", errname(err));
	if (!vt_open(&fresh, o->dev, &info)) {
		vt_good_job(&vt_r, &fresh, "a good job on a fresh context after the reset");
		vaccelvf_close(&fresh);
	} else {
		vt_fail("a fresh context after the reset", "%s", "cannot open");
	}
	vaccelvf_close(&ctx);
	return 0;
}

/* exit-midjob */

/* A child that allocates, submits long jobs, and leaves: by _exit(0) or
 * killed by SIGKILL.
 */
static void vt_exit_one(const struct vt_opts *o, const struct vaccelvf_ctx *ctx,
			const struct vaccel_vf_info *base, bool kill9)
{
	const char *how = kill9 ? "SIGKILL" : "_exit()";
	int ready[2], go[2], st;
	char what[120], c = 0;
	struct vaccel_vf_info info;
	pid_t pid;
	int err;

	if (pipe(ready) || pipe(go)) {
		vt_fail("pipe", "%s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		vt_fail("fork", "%s", strerror(errno));
		return;
	}
	if (!pid) {
		static struct vaccelvf_batch b;
		struct vaccelvf_ctx cc;
		__u8 *buf = vaccelvf_buf_alloc(MIB);
		unsigned int i;
		__u64 fence;
		__u32 h;

		close(ready[0]);
		close(go[1]);
		err = buf ? vaccelvf_open(&cc, o->dev, 0) : -ENOMEM;
		if (!err)
			err = vaccelvf_alloc(&cc, MIB, &h, NULL);
		for (i = 0; i < 4 && !err; i++) {
			vaccelvf_batch_init(&b);
			vaccelvf_add_copy(&b, vaccelvf_dev(h, 0),
					  vaccelvf_user(buf), MIB);
			vaccelvf_add_busy(&b, 200 * VT_MS);
			vaccelvf_add_busy(&b, 200 * VT_MS);
			vaccelvf_add_copy(&b, vaccelvf_user(buf),
					  vaccelvf_dev(h, 0), MIB);
			err = vaccelvf_submit(&cc, &b, &fence);
		}
		c = err ? 'E' : 'R';
		if (write(ready[1], &c, 1) != 1 || err)
			_exit(1);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	snprintf(what, sizeof(what), "child with 1 MiB and 4 long jobs (%s)", how);
	if (read(ready[0], &c, 1) != 1 || c != 'R') {
		vt_fail(what, "%s", "it could not set up its jobs");
	} else {
		err = vaccelvf_info(ctx, &info);
		if (err)
			vt_fail(what, "INFO: %s", strerror(-err));
		else if (info.contexts != base->contexts + 1 ||
			 info.mem_free > base->mem_free - MIB)
			vt_fail(what, "contexts %u, mem_free %llu: %s",
				info.contexts, (unsigned long long)info.mem_free,
				"its context and memory do not show");
		else
			check(&vt_r, true, "%s: contexts %u, mem_free %llu while it lives",
			      what, info.contexts, (unsigned long long)info.mem_free);
	}
	if (kill9)
		kill(pid, SIGKILL);
	else if (write(go[1], "g", 1) != 1)
		vt_fail(what, "%s", "cannot tell it to go");
	close(go[1]);
	close(ready[0]);
	waitpid(pid, &st, 0);
	snprintf(what, sizeof(what), "after the child's %s", how);
	vt_settled(ctx, what, base->mem_free, base->contexts);
}

static int vt_exit_midjob(const struct vt_opts *o)
{
	struct vaccel_vf_info base;
	struct vaccelvf_ctx ctx;

	if (vt_open(&ctx, o->dev, &base))
		return 1;
	if (base.mem_free < MIB) {
		vt_fail("exit-midjob", "mem_free %llu: less than 1 MiB",
			(unsigned long long)base.mem_free);
	} else {
		vt_exit_one(o, &ctx, &base, false);
		vt_exit_one(o, &ctx, &base, true);
	}
	vaccelvf_close(&ctx);
	return 0;
}

enum {
	VT_OPT_PROCS = 256,
	VT_OPT_SECONDS,
};

static const struct option vt_long_opts[] = {
	{ "dev", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "procs", required_argument, NULL, VT_OPT_PROCS },
	{ "seconds", required_argument, NULL, VT_OPT_SECONDS },
	{ }
};

static int vt_bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, VT_NAME ": %s%s%s\nTry '" VT_NAME " --help'.\n", what,
		arg ? " " : "", arg ?: "");
	return 2;
}

int main(int argc, char **argv)
{
	static char node[VACCELVF_PATH_MAX];
	struct vt_opts o = { .procs = 4, .seconds = 10 };
	bool mp_opt = false;
	const char *cmd;
	int opt, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	report_style = (struct report_style){
		.pass = "PASS ", .fail = "FAIL ", .note = "INFO ",
	};
	if (argc < 2)
		return vt_bad_usage("no test named", NULL);
	cmd = argv[1];
	/* fuzz takes a PCI address, not a device node (vf-test-fuzz.c). */
	if (!strcmp(cmd, "fuzz"))
		return vt_fuzz(argc - 2, argv + 2);
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		vt_usage(stdout);
		return 0;
	}
	optind = 2;
	while ((opt = getopt_long(argc, argv, "d:h", vt_long_opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.dev = optarg;
			break;
		case 'h':
			vt_usage(stdout);
			return 0;
		case VT_OPT_PROCS:
			if (parse_uint(optarg, 1, VT_MAX_PROCS, &o.procs))
				return vt_bad_usage("bad --procs (1 to 32):", optarg);
			mp_opt = true;
			break;
		case VT_OPT_SECONDS:
			if (parse_uint(optarg, 1, 3600, &o.seconds))
				return vt_bad_usage("bad --seconds (1 to 3600):", optarg);
			mp_opt = true;
			break;
		default:
			return vt_bad_usage("bad option", NULL);
		}
	}
	if (optind < argc)
		return vt_bad_usage("unexpected argument", argv[optind]);
	if (strcmp(cmd, "bad-ioctls") && strcmp(cmd, "multiproc") &&
	    strcmp(cmd, "reset-inflight") && strcmp(cmd, "exit-midjob"))
		return vt_bad_usage("unknown test", cmd);
	if (mp_opt && strcmp(cmd, "multiproc"))
		return vt_bad_usage("--procs and --seconds are for multiproc, not",
				    cmd);
	if (!o.dev) {
		err = vaccelvf_default_node(node, sizeof(node));
		if (err) {
			fprintf(stderr, VT_NAME ": no device in " VACCELVF_MISC_DIR
				"/vaccel*: %s\n", strerror(-err));
			return 1;
		}
		o.dev = node;
	}

	if (!strcmp(cmd, "bad-ioctls"))
		return vt_bad_ioctls(&o);
	if (!strcmp(cmd, "multiproc"))
		err = vt_multiproc(&o);
	else if (!strcmp(cmd, "reset-inflight"))
		err = vt_reset_inflight(&o);
	else
		err = vt_exit_midjob(&o);
	printf("%s: %u passed, %u failed\n", cmd, vt_r.checks - vt_r.failures,
	       vt_r.failures);
	return err || vt_r.failures || !vt_r.checks ? 1 : 0;
}
