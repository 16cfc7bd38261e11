// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio fuzz A B N [--seed S] [--ops N] [--timeout S] [--log FILE]
 *                  [--trace]
 *
 * Two fuzzers, one process each, attack instances A and B (of different
 * types, on the card of N) with N operations each (--ops, default 50000):
 * random but plausible VFIO ioctls, config space and BAR0 accesses, queue
 * programming, descriptors of every opcode written into live rings, DMA
 * maps and unmaps of live rings, writebacks and operands, BAR2 mmap, pread
 * and pwrite, resets, FLRs, closes and reopens (fuzz-ops.c).  A's
 * generator is seeded with S, B's with S + 1; S is printed, and the same
 * S gives the same operations again (--trace prints each, with its
 * result).  Meanwhile a third process runs "long" on N, one 5 s run after
 * another, each verifying every result.
 *
 * The parent watches: an operation running longer than --timeout seconds
 * (default 60) is a hang; so is a neighbour whose job count (sysfs
 * vaccel/jobs) stands still for that long.  At the end it prints the
 * operations per instance, the results by kind and errno, the queue
 * errors seen, the neighbour's runs and verified jobs, and one summary
 * line.  Exit status: 0; 1 if the neighbour got a wrong result or failed,
 * or a fuzzer could not go on; 3 on a hang; 2 on bad usage.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "fuzz.h"
#include "report.h"
#include "util.h"
#include "vdev.h"

#define NB_RUN_SECONDS	5	/* each of the neighbour's long runs */
#define PROGRESS_NS	(10 * 1000000000ULL)

/* The neighbour's side of the shared memory. */
struct nb_shared {
	__u64 runs;
	__u64 jobs;		/* verified: sysfs jobs grew by these */
	unsigned int checks;
	unsigned int failures;
	char first_failure[256];
};

struct shared {
	struct fz_shared fz[2];
	struct nb_shared nb;
};

struct fuzz_opts {
	const char *uuid[3];		/* A, B, N */
	__u64 seed;
	__u64 ops;
	unsigned int timeout;
	const char *log;
	bool trace;
};

static __u64 sysfs_jobs(const char *uuid)
{
	struct vdev v = { .uuid = uuid };
	__u64 val = 0;

	sysfs_u64(&v, "vaccel/jobs", &val);
	return val;
}

/* A fuzzer's process: @ops operations on one instance. */
static int fuzzer_main(struct fz_shared *sh, const struct fuzz_opts *o)
{
	static struct fuzzer f;
	__u64 i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&f, 0, sizeof(f));
	f.uuid = sh->instance;
	f.sh = sh;
	f.rng = sh->seed;
	f.trace = o->trace;
	if (!fz_start(&f)) {
		sh->done = -1;
		return 1;
	}
	for (i = 0; i < o->ops; i++) {
		if (fz_run(&f, fz_pick(&f))) {
			sh->done = -1;
			return 1;
		}
	}
	fz_stop(&f);
	sh->done = 1;
	return 0;
}

/* The neighbour: "long" runs on N until @stop_fd hangs up. */
static int neighbour_main(struct nb_shared *nb, const struct fuzz_opts *o,
			  int stop_fd)
{
	struct options opts = { .seconds = NB_RUN_SECONDS };
	struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };
	__u64 before, after;
	struct vdev v;
	int fd, ret = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(o->log ?: "/dev/null", O_WRONLY | O_CREAT | O_TRUNC |
		  O_CLOEXEC, 0644);
	if (fd >= 0) {
		fflush(stdout);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	if (vdev_open(&v, o->uuid[2])) {
		snprintf(nb->first_failure, sizeof(nb->first_failure),
			 "open of the neighbour %s failed", o->uuid[2]);
		nb->failures++;
		return 1;
	}
	v.opts = &opts;
	do {
		before = sysfs_jobs(o->uuid[2]);
		ret = command_long(&v);
		after = sysfs_jobs(o->uuid[2]);
		nb->runs++;
		nb->checks = v.report.checks;
		nb->failures = v.report.failures;
		if (v.report.failures || ret) {
			snprintf(nb->first_failure, sizeof(nb->first_failure),
				 "%s", v.report.failures ?
				 v.report.first_failure : "long could not run");
			nb->failures += !v.report.failures;
			break;
		}
		nb->jobs += after - before;
	} while (poll(&pfd, 1, 0) == 0);
	vdev_close(&v);
	return nb->failures ? 1 : 0;
}

static void print_history(const struct fz_shared *sh, const char *name)
{
	__u64 n = sh->ops, i, from = n >= FZ_HIST ? n - FZ_HIST + 1 : 0;

	fprintf(stderr, "fuzz: %s (%s, seed %llu): the last operations, the last one running:\n",
		name, sh->instance, (unsigned long long)sh->seed);
	for (i = from; i <= n; i++)
		fprintf(stderr, "  #%llu %s\n", (unsigned long long)i,
			sh->hist[i % FZ_HIST]);
}

static const char *res_name(unsigned int slot)
{
	if (slot == FZ_RES_SHORT)
		return "short";
	if (slot == FZ_RES_SIGBUS)
		return "SIGBUS";
	return slot ? errname(slot) : "ok";
}

static void print_results(const struct fz_shared *sh, const char *name)
{
	unsigned int k, s, c;
	__u64 total;

	printf("== fuzz: %s %s (%s), seed %llu: ", name, sh->instance,
	       sh->type, (unsigned long long)sh->seed);
	printf("%llu operations, %llu errors returned, %u reopens\n",
	       (unsigned long long)sh->ops, (unsigned long long)sh->errors,
	       sh->reopens);
	for (k = 0; k < FZ_KINDS; k++) {
		total = 0;
		for (s = 0; s < FZ_RES_SLOTS; s++)
			total += sh->res[k][s];
		printf("  %-16s %7llu:", fuzz_kind_names[k],
		       (unsigned long long)total);
		for (s = 0; s < FZ_RES_SLOTS; s++)
			if (sh->res[k][s])
				printf(" %s %u", res_name(s), sh->res[k][s]);
		printf("\n");
	}
	printf("  queue errors seen:");
	for (c = 1, total = 0; c < VACCEL_QERR_COUNT; c++) {
		total += sh->qerr[c];
		if (sh->qerr[c])
			printf(" %s %u", qerr_name(c), sh->qerr[c]);
	}
	printf("%s\n", total ? "" : " none");
}

static unsigned int qerrs(const struct shared *sh)
{
	unsigned int c, n = 0;

	for (c = 0; c < VACCEL_QERR_COUNT; c++)
		n += sh->fz[0].qerr[c] + sh->fz[1].qerr[c];
	return n;
}

static bool parse(int argc, char **argv, struct fuzz_opts *o)
{
	unsigned int i, n = 0, v;
	char *end;

	for (i = 0; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned int)argc) {
			errno = 0;
			o->seed = strtoull(argv[++i], &end, 0);
			if (errno || *end)
				return false;
		} else if (!strcmp(argv[i], "--ops") && i + 1 < (unsigned int)argc) {
			errno = 0;
			o->ops = strtoull(argv[++i], &end, 0);
			if (errno || *end || !o->ops)
				return false;
		} else if (!strcmp(argv[i], "--timeout") &&
			   i + 1 < (unsigned int)argc) {
			if (parse_uint(argv[++i], 1, 3600, &v))
				return false;
			o->timeout = v;
		} else if (!strcmp(argv[i], "--log") && i + 1 < (unsigned int)argc) {
			o->log = argv[++i];
		} else if (!strcmp(argv[i], "--trace")) {
			o->trace = true;
		} else if (argv[i][0] != '-' && n < 3) {
			o->uuid[n++] = argv[i];
		} else {
			return false;
		}
	}
	return n == 3;
}

static void kill_all(const pid_t *pid, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGKILL);
}

int command_fuzz(int argc, char **argv)
{
	static const char *const names[2] = { "A", "B" };
	struct fuzz_opts o = { .ops = 50000, .timeout = 60 };
	__u64 t0, now, last_progress, nb_jobs, nb_moved, deadline = 0;
	int stop[2], status, ret = 0, live = 3;
	pid_t pid[3] = { 0, 0, 0 }, w;
	bool hang = false;
	struct shared *sh;
	unsigned int i;

	o.seed = now_ns() ^ ((__u64)getpid() << 32);
	if (!parse(argc, argv, &o)) {
		fprintf(stderr, "usage: vaccel-vfio fuzz A B N [--seed S] [--ops N] %s\n",
			"[--timeout S] [--log FILE] [--trace]");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pipe2(stop, O_CLOEXEC)) {
		perror("vaccel-vfio fuzz");
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	for (i = 0; i < 2; i++) {
		sh->fz[i].seed = o.seed + i;
		snprintf(sh->fz[i].instance, sizeof(sh->fz[i].instance), "%s",
			 o.uuid[i]);
		mdev_type_name(o.uuid[i], sh->fz[i].type, sizeof(sh->fz[i].type));
	}
	printf("fuzz: seed %llu: A %s %s (seed %llu), B %s %s (seed %llu)\n",
	       (unsigned long long)o.seed, sh->fz[0].type, o.uuid[0],
	       (unsigned long long)sh->fz[0].seed, sh->fz[1].type, o.uuid[1],
	       (unsigned long long)sh->fz[1].seed);
	printf("fuzz: %llu operations each, neighbour %s, a hang after %u s\n",
	       (unsigned long long)o.ops, o.uuid[2], o.timeout);
	printf("fuzz: reproduce with: vaccel-vfio fuzz A B N --seed %llu --ops %llu\n",
	       (unsigned long long)o.seed, (unsigned long long)o.ops);

	pid[2] = fork();
	if (!pid[2]) {
		close(stop[1]);
		_exit(neighbour_main(&sh->nb, &o, stop[0]));
	}
	close(stop[0]);
	/* Let the neighbour get going before the attack starts. */
	sleep_us(500000);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			close(stop[1]);
			_exit(fuzzer_main(&sh->fz[i], &o));
		}
	}

	t0 = now_ns();
	last_progress = t0;
	nb_jobs = sysfs_jobs(o.uuid[2]);
	nb_moved = t0;
	while (live) {
		sleep_us(100000);
		now = now_ns();
		for (i = 0; i < 3; i++) {
			if (pid[i] <= 0)
				continue;
			w = waitpid(pid[i], &status, WNOHANG);
			if (w != pid[i])
				continue;
			pid[i] = -1;
			live--;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				fprintf(stderr, "fuzz: %s %s: %s %d\n",
					i < 2 ? "fuzzer" : "neighbour",
					i < 2 ? names[i] : o.uuid[2],
					WIFEXITED(status) ? "exit status" : "killed by signal",
					WIFEXITED(status) ? WEXITSTATUS(status) :
					WTERMSIG(status));
				ret = 1;
			}
			if (i < 2 && sh->fz[i].done < 0)
				fprintf(stderr, "fuzz: fuzzer %s gave up: %s\n",
					names[i], sh->fz[i].why);
		}
		if (ret)
			break;
		/* Both fuzzers done: tell the neighbour to finish its run. */
		if (pid[0] < 0 && pid[1] < 0 && stop[1] >= 0) {
			close(stop[1]);
			stop[1] = -1;
			deadline = now + (NB_RUN_SECONDS + o.timeout) *
				   1000000000ULL;
		}
		for (i = 0; i < 2; i++) {
			__u64 s = __atomic_load_n(&sh->fz[i].op_start_ns,
						  __ATOMIC_ACQUIRE);

			if (pid[i] > 0 && s && now > s &&
			    now - s > o.timeout * 1000000000ULL) {
				fprintf(stderr, "fuzz: HANG: fuzzer %s: op #%llu ran over %u s\n",
					names[i],
					(unsigned long long)sh->fz[i].ops,
					o.timeout);
				print_history(&sh->fz[i], names[i]);
				hang = true;
			}
		}
		if (sysfs_jobs(o.uuid[2]) != nb_jobs) {
			nb_jobs = sysfs_jobs(o.uuid[2]);
			nb_moved = now;
		} else if (pid[2] > 0 &&
			   now - nb_moved > o.timeout * 1000000000ULL) {
			fprintf(stderr, "fuzz: HANG: neighbour %s: no command done in %u s\n",
				o.uuid[2], o.timeout);
			hang = true;
		}
		if (deadline && now > deadline && pid[2] > 0) {
			fprintf(stderr, "fuzz: HANG: the neighbour did not finish its run\n");
			hang = true;
		}
		if (hang)
			break;
		if (now - last_progress >= PROGRESS_NS) {
			last_progress = now;
			printf("fuzz: [%llu s] A %llu ops, B %llu ops, N %llu runs, %llu jobs\n",
			       (now - t0) / 1000000000ULL,
			       (unsigned long long)sh->fz[0].ops,
			       (unsigned long long)sh->fz[1].ops,
			       (unsigned long long)sh->nb.runs,
			       (unsigned long long)nb_jobs);
		}
	}
	kill_all(pid, 3);
	for (i = 0; i < 3; i++)
		if (pid[i] > 0 && !hang)
			waitpid(pid[i], NULL, 0);
	now = now_ns();

	for (i = 0; i < 2; i++)
		print_results(&sh->fz[i], names[i]);
	printf("== fuzz: neighbour %s: %llu runs of long, %llu jobs verified, ",
	       o.uuid[2], (unsigned long long)sh->nb.runs,
	       (unsigned long long)sh->nb.jobs);
	printf("%u checks in its last run, %u failed\n", sh->nb.checks,
	       sh->nb.failures);
	if (sh->nb.failures)
		fprintf(stderr, "fuzz: the neighbour failed: %s\n",
			sh->nb.first_failure);
	if (!hang && !ret && !sh->nb.jobs) {
		fprintf(stderr, "fuzz: the neighbour verified no job\n");
		ret = 1;
	}
	if ((ret || hang) && !sh->nb.failures)
		for (i = 0; i < 2; i++)
			if (sh->fz[i].done <= 0 && !hang)
				print_history(&sh->fz[i], names[i]);
	if (sh->nb.failures)
		for (i = 0; i < 2; i++)
			print_history(&sh->fz[i], names[i]);
	printf("fuzz: %s: seed %llu, %llu operations (A %llu, B %llu), ",
	       hang ? "HANG" : ret || sh->nb.failures ? "FAIL" : "PASS",
	       (unsigned long long)o.seed,
	       (unsigned long long)(sh->fz[0].ops + sh->fz[1].ops),
	       (unsigned long long)sh->fz[0].ops,
	       (unsigned long long)sh->fz[1].ops);
	printf("%llu errors returned, %u queue errors seen, ",
	       (unsigned long long)(sh->fz[0].errors + sh->fz[1].errors),
	       qerrs(sh));
	printf("neighbour %llu jobs verified and %u wrong, %u hangs, %.1f s\n",
	       (unsigned long long)sh->nb.jobs, sh->nb.failures, hang ? 1 : 0,
	       (now - t0) / 1e9);
	if (hang)
		return 3;
	return ret || sh->nb.failures ? 1 : 0;
}
