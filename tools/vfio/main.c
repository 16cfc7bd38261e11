// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio: a userspace VFIO client for vaccel instances.
 *
 * It opens an instance the way QEMU does (VFIO container, group, TYPE1v2
 * IOMMU, device fd) and then drives it through the device fd alone: reads
 * and writes of the regions at the offsets VFIO_DEVICE_GET_REGION_INFO
 * gives, mmap of BAR2, VFIO_DEVICE_SET_IRQS with eventfds, and
 * VFIO_DEVICE_RESET.
 *
 *   vaccel-vfio info UUID        device info, every region and irq index
 *   vaccel-vfio config UUID      config space hex dump and capabilities
 *   vaccel-vfio bars UUID        BAR sizing through config space
 *   vaccel-vfio mem UUID         BAR2 through mmap, pread and pwrite
 *   vaccel-vfio irq UUID         MSI-X, MSI and INTx through eventfds
 *   vaccel-vfio reset UUID       VFIO_DEVICE_RESET and FLR
 *   vaccel-vfio check UUID       identity, then all of the above
 *   vaccel-vfio refusals UUID    bad accesses and ioctls fail with the
 *                                right errno and change nothing
 *   vaccel-vfio hold UUID        keep it open until SIGINT or SIGTERM
 *                                (prints "holding" once open)
 *   vaccel-vfio req UUID         arm the REQ eventfd, print "armed", wait
 *                                until the kernel asks for the device
 *                                back (someone removes the instance),
 *                                close it
 *
 * The command queues (include/vaccel_queue.h), with guest memory that is
 * anonymous memory mapped into the container with VFIO_IOMMU_MAP_DMA:
 *
 *   vaccel-vfio ops UUID         every operation (NOP, FENCE, COPY, FILL,
 *                                CRC32C, GEMM, BUSY) on IOVAs and BAR2,
 *                                results checked byte for byte against
 *                                the client's own CRC-32C and GEMM; IRQ
 *                                flag, all queues at once, ring wrap,
 *                                host statistics
 *   vaccel-vfio bad UUID         one bad descriptor, ring setup or
 *                                doorbell per error code: the queue stops
 *                                where it must, says why, raises vector
 *                                0, the next queue keeps working, a reset
 *                                recovers it
 *   vaccel-vfio long UUID        a correct random workload on all queues
 *                                for --seconds, every result checked
 *   vaccel-vfio load UUID        BUSY commands on every queue, always
 *                                full, for --seconds or until SIGINT or
 *                                SIGTERM: a load for the scheduler;
 *                                prints the commands each queue completed
 *   vaccel-vfio light UUID       one NOP at a time on queue 0, every
 *                                2 ms, for --seconds: a light tenant
 *   vaccel-vfio unmap UUID       VFIO_IOMMU_UNMAP_DMA of memory a running
 *                                command uses (DMA), of a ring or
 *                                writeback (RING); recovery; exit with a
 *                                command running
 *   vaccel-vfio fuzz A B N       seeded random operations on instances A
 *                                and B while N runs a verified workload
 *                                (fuzz.c; its own options)
 *   vaccel-vfio repin UUID       unmap/map of queue 0's ring and writeback
 *                                while it is re-enabled on every ERROR,
 *                                100 ms BUSY on queue 1 (race.c)
 *   vaccel-vfio stall UUID       a COPY from userfaultfd memory nobody
 *                                serves, again and again, or (--file F)
 *                                from a read-only mapping of F (race.c)
 *   vaccel-vfio midjob UUID      --event E (unmap, flr, reset, close,
 *                                remove) 20 ms into a long command of
 *                                --kind K (copy, fill, crc, gemm, busy),
 *                                then recovery (midjob.c)
 *   vaccel-vfio migrate SRC DST  a live migration of SRC to DST with
 *                                commands in flight on all queues, every
 *                                result checked; aborts, broken states,
 *                                a fuzzer (migrate.c; its own options)
 *   vaccel-vfio dirty UUID       the container's dirty page tracking
 *                                marks every page the engines wrote
 *                                (dirty.c)
 *
 * Options: --mem-size BYTES (info, bars, mem, check: the expected BAR2
 * size, default the instance's sysfs memory_size; K, M, G suffixes
 * allowed), --other UUID2 (refusals: a second instance, on the same card,
 * whose state must survive everything done to the first), --seconds S
 * (long, load, light, repin, stall: how long to run, default 30),
 * --kind, --event (midjob), --file (stall).
 *
 * Every check prints "ok" or "FAIL" and what it checked.  Exit status: 0
 * when every check passed, 1 when a check or an operation failed (the last
 * line, on stderr, names the first failure), 2 on bad usage.
 *
 * This file holds the options and the command table; each command is in
 * its file of tools/vfio/, the helpers they share in tools/lib/.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaccel_regs.h"

#include "commands.h"
#include "util.h"
#include "vdev.h"

#define OPT_MEM_SIZE	BIT(0)
#define OPT_OTHER	BIT(1)
#define OPT_SECONDS	BIT(2)
#define OPT_RACE	BIT(3)	/* --kind, --event, --file */
#define OPT_OP		BIT(4)	/* --op */

static const struct command {
	const char *name;
	int (*run)(struct vdev *v);
	unsigned int opts;
	const char *help;
} commands[] = {
	{ "info", command_info, OPT_MEM_SIZE, "device info, regions, irq indexes" },
	{ "config", command_config, 0, "config space dump and capabilities" },
	{ "bars", command_bars, OPT_MEM_SIZE, "BAR sizing through config space" },
	{ "mem", command_mem, OPT_MEM_SIZE, "BAR2 reads zero when opened; mmap, pread, pwrite" },
	{ "irq", command_irq, 0, "MSI-X, MSI and INTx through eventfds" },
	{ "reset", command_reset, OPT_MEM_SIZE, "VFIO_DEVICE_RESET and FLR" },
	{ "check", command_check, OPT_MEM_SIZE, "identity and all of the above" },
	{ "refusals", command_refusals, OPT_OTHER,
	  "bad input fails with the right errno, changes nothing" },
	{ "hold", command_hold, 0, "keep it open until SIGINT or SIGTERM" },
	{ "req", command_req, 0, "wait for the kernel's request to release it" },
	{ "ops", command_ops, 0, "every queue operation, results checked" },
	{ "bad", command_bad, 0, "one queue error per code, then recovery" },
	{ "long", command_long, OPT_SECONDS,
	  "a correct workload on all queues, every result checked" },
	{ "unmap", command_unmap, 0, "DMA memory unmapped under running commands" },
	{ "bench", command_bench, 0,
	  "commands per second, batched doorbells, IOVA vs BAR2 copies" },
	{ "load", command_load, OPT_SECONDS | OPT_OP,
	  "queues kept full of BUSY 1 ms, COPY 1 MiB or GEMM 64^3, to --seconds or a signal" },
	{ "light", command_light, OPT_SECONDS,
	  "one NOP at a time on queue 0, 2 ms apart, for --seconds" },
	{ "repin", command_repin, OPT_SECONDS,
	  "unmap/remap queue 0's ring while re-enabling it (race.c)" },
	{ "stall", command_stall, OPT_SECONDS | OPT_RACE,
	  "a COPY from memory that faults never or slowly [--file F]" },
	{ "midjob", command_midjob, OPT_RACE,
	  "--kind K --event E in the middle of a long command" },
	{ "dirty", command_dirty, 0,
	  "type1 dirty page tracking marks every page the engines wrote" },
};

static void print_usage(void)
{
	unsigned int i;

	fprintf(stderr, "usage: vaccel-vfio COMMAND UUID %s\n",
		"[--mem-size BYTES] [--other UUID2] [--seconds S] [--op OP]");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "  %-9s %s%s%s%s%s%s\n", commands[i].name,
			commands[i].help,
			commands[i].opts & OPT_MEM_SIZE ? " [--mem-size BYTES]" : "",
			commands[i].opts & OPT_OTHER ? " [--other UUID2]" : "",
			commands[i].opts & OPT_SECONDS ? " [--seconds S]" : "",
			commands[i].opts & OPT_RACE ? " [--kind K --event E --file F]" : "",
			commands[i].opts & OPT_OP ? " [--op busy|copy|gemm]" : "");
	fprintf(stderr, "  %-9s %s\n", "fuzz",
		"A B N [--seed S] [--ops N]: random operations on A and B beside a verified N");
	fprintf(stderr, "  %-9s %s\n", "migrate",
		"SRC DST [options]: live migration with commands in flight (alone: its options)");
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
		} else if (i + 1 < argc && (cmd->opts & OPT_RACE) &&
			   (!strcmp(argv[i], "--kind") ||
			    !strcmp(argv[i], "--event") ||
			    !strcmp(argv[i], "--file"))) {
			if (argv[i][2] == 'k')
				o->kind = argv[++i];
			else if (argv[i][2] == 'e')
				o->event = argv[++i];
			else
				o->file = argv[++i];
		} else if (!strcmp(argv[i], "--op") && i + 1 < argc &&
			   (cmd->opts & OPT_OP)) {
			o->op = argv[++i];
			if (strcmp(o->op, "busy") && strcmp(o->op, "copy") &&
			    strcmp(o->op, "gemm")) {
				fprintf(stderr, "vaccel-vfio: bad --op '%s': busy, copy or gemm\n",
					o->op);
				return false;
			}
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

	/* fuzz takes three instances: it opens them itself (fuzz.c). */
	if (argc >= 2 && !strcmp(argv[1], "fuzz"))
		return command_fuzz(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "migrate"))
		return command_migrate(argc - 2, argv + 2);
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
	if (v.report.failures) {
		fprintf(stderr, "vaccel-vfio: %s %s: FAILED %u of %u checks; the first: %s\n",
			cmd->name, v.uuid, v.report.failures, v.report.checks,
			v.report.first_failure);
		return 1;
	}
	if (ret)
		return 1;
	if (v.report.checks)
		printf("vaccel-vfio: %s %s: all %u checks passed\n", cmd->name,
		       v.uuid, v.report.checks);
	return 0;
}
