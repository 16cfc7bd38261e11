// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-run: use the accelerator from inside a guest through its VF
 * driver (vaccel_vf.ko, /dev/vaccelN), on libvaccelvf.  It runs in a
 * minimal initramfs, so it is linked statically.
 *
 *   vaccel-run list
 *   vaccel-run info [-d DEV]
 *   vaccel-run selftest [-d DEV]
 *   vaccel-run load --seconds N --op OP [-d DEV] [--jobs J] [--depth D]
 *                   [--size BYTES] [--dev-mem]
 *
 * The commands are described in usage() below.  Errors are reported as
 * "vaccel-run: /dev/vaccel0: ALLOC: Cannot allocate memory".
 *
 * Exit status: 0 on success, 1 if a check or a job failed (or a device
 * could not be used), 2 on bad usage.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "util.h"
#include "vaccelvf.h"

#define VR_MAX_DEVS	64

static void vr_usage(FILE *f)
{
	fprintf(f,
		"usage: " VR_NAME " list\n"
		"       " VR_NAME " info [-d DEV]\n"
		"       " VR_NAME " selftest [-d DEV]\n"
		"       " VR_NAME " load --seconds N --op OP [-d DEV] [--jobs J] [--depth D]\n"
		"                  [--size BYTES] [--dev-mem]\n"
		"\n"
		"Use the accelerator's VF driver (/dev/vaccelN) from inside a guest.\n"
		"\n"
		"commands:\n"
		"  list      one line per device: node, PCI function, device memory,\n"
		"            share of the card, interrupt mode, queues\n"
		"  info      what the device's info ioctl says\n"
		"  selftest  every operation, with user and device memory, checked\n"
		"            against reference models; prints PASS/FAIL lines and\n"
		"            'selftest: N passed, M failed'\n"
		"  load      a sustained workload; prints a line a second and a\n"
		"            summary; results are verified, and any error makes\n"
		"            the exit status non-zero\n"
		"\n"
		"options:\n"
		"  -d, --dev DEV     the device node (default: the first, /dev/vaccel0)\n"
		"  --seconds N       load: how long (1 to 86400)\n"
		"  --op OP           load: busy, copy, crc32c, gemm or fill\n"
		"  --jobs J          load: contexts, one thread each (default: the\n"
		"                    device's queues, so that each has its own)\n"
		"  --depth D         load: jobs in flight per context (default 2)\n"
		"  --size BYTES      load: bytes per job for copy, fill and crc32c\n"
		"                    (default 256K; K and M suffixes); for gemm the\n"
		"                    bytes of each square matrix (default 16K: 64x64);\n"
		"                    for busy the nanoseconds of each BUSY operation\n"
		"                    (default 40000000; 8 per job); user buffers are\n"
		"                    split page by page, so a job of user memory\n"
		"                    can take about 2 MiB at most (E2BIG beyond)\n"
		"  --dev-mem         load: operands in device memory, staged by COPYs\n"
		"  -h, --help        this text\n");
}

void vr_err(const char *node, const char *what, int err)
{
	if (err < 0)
		err = -err;
	fprintf(stderr, VR_NAME ": %s: %s: %s\n", node, what, strerror(err));
}

/* A size: a number with an optional K, M or G suffix (powers of 1024). */
static int vr_parse_size(const char *s, __u64 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end || !v)
		return -EINVAL;
	*val = v;
	return 0;
}

static void vr_print_mem(__u64 bytes)
{
	if (bytes >= MIB && !(bytes % MIB))
		printf("%llu MiB", bytes / MIB);
	else if (bytes >= 1024 && !(bytes % 1024))
		printf("%llu KiB", bytes / 1024);
	else
		printf("%llu B", (unsigned long long)bytes);
}

static int vr_list(void)
{
	static struct vaccelvf_dev devs[VR_MAX_DEVS];
	struct vaccel_vf_info info;
	struct vaccelvf_ctx ctx;
	unsigned int n, i;
	int err, ret = 0;

	err = vaccelvf_list(devs, VR_MAX_DEVS, &n);
	if (err) {
		vr_err(VACCELVF_MISC_DIR, "scan", err);
		return 1;
	}
	if (!n) {
		fprintf(stderr, VR_NAME ": no device: nothing is in "
			VACCELVF_MISC_DIR "/vaccel* (is vaccel_vf loaded?)\n");
		return 1;
	}
	for (i = 0; i < n && i < VR_MAX_DEVS; i++) {
		struct vaccelvf_dev *d = &devs[i];

		err = vaccelvf_open(&ctx, d->node, 0);
		if (err) {
			vr_err(d->node, "open", err);
			ret = 1;
			continue;
		}
		err = vaccelvf_info(&ctx, &info);
		vaccelvf_close(&ctx);
		if (err) {
			vr_err(d->node, "INFO", err);
			ret = 1;
			continue;
		}
		printf("%s %s mem=", d->node, d->bdf[0] ? d->bdf : "?");
		vr_print_mem(info.mem_size);
		printf(" share=%u/%u irq=%s queues=%u\n", info.share_slots,
		       info.card_slots, vaccelvf_irq_name(info.irq_mode),
		       info.queues);
	}
	return ret;
}

static int vr_info(const struct vr_opts *o)
{
	struct vaccel_vf_info info;
	struct vaccelvf_ctx ctx;
	char link[VACCELVF_PATH_MAX + 16], path[4096];
	const char *bdf = "?";
	ssize_t len;
	int err;

	err = vaccelvf_open(&ctx, o->dev, 0);
	if (err) {
		vr_err(o->dev, "open", err);
		return 1;
	}
	err = vaccelvf_info(&ctx, &info);
	if (!vaccelvf_sysfs_path(&ctx, "", link, sizeof(link))) {
		link[strlen(link) - 1] = '\0';
		len = readlink(link, path, sizeof(path) - 1);
		if (len > 0) {
			path[len] = '\0';
			bdf = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		}
	}
	vaccelvf_close(&ctx);
	if (err) {
		vr_err(o->dev, "INFO", err);
		return 1;
	}
	printf("device:      %s\n", o->dev);
	printf("pci:         %s\n", bdf);
	printf("version:     %u.%u\n", info.version >> 16,
	       info.version & 0xffff);
	printf("mem_size:    %llu (", (unsigned long long)info.mem_size);
	vr_print_mem(info.mem_size);
	printf(")\nmem_free:    %llu (", (unsigned long long)info.mem_free);
	vr_print_mem(info.mem_free);
	printf(")\nengines:     %u (of the card, shared in time)\n",
	       info.engines);
	printf("queues:      %u\n", info.queues);
	printf("share:       %u/%u\n", info.share_slots, info.card_slots);
	printf("irq_mode:    %s\n", vaccelvf_irq_name(info.irq_mode));
	printf("queue:       %u (this context's)\n", info.queue);
	printf("max_ops:     %u\n", info.max_ops);
	printf("alloc_align: %llu\n", (unsigned long long)info.alloc_align);
	printf("contexts:    %u (this one included)\n", info.contexts);
	return 0;
}

enum {
	VR_OPT_SECONDS = 256,
	VR_OPT_OP,
	VR_OPT_JOBS,
	VR_OPT_DEPTH,
	VR_OPT_SIZE,
	VR_OPT_DEV_MEM,
};

static const struct option vr_long_opts[] = {
	{ "dev", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "seconds", required_argument, NULL, VR_OPT_SECONDS },
	{ "op", required_argument, NULL, VR_OPT_OP },
	{ "jobs", required_argument, NULL, VR_OPT_JOBS },
	{ "depth", required_argument, NULL, VR_OPT_DEPTH },
	{ "size", required_argument, NULL, VR_OPT_SIZE },
	{ "dev-mem", no_argument, NULL, VR_OPT_DEV_MEM },
	{ }
};

static int vr_bad(const char *fmt, const char *arg)
{
	fprintf(stderr, VR_NAME ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" VR_NAME " --help'.\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char node[VACCELVF_PATH_MAX];
	struct vr_opts o = { .depth = 2 };
	const char *cmd;
	bool load_opt = false;
	int opt, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return vr_bad("%s", "no command");
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		vr_usage(stdout);
		return 0;
	}
	optind = 2;
	while ((opt = getopt_long(argc, argv, "d:h", vr_long_opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.dev = optarg;
			break;
		case 'h':
			vr_usage(stdout);
			return 0;
		case VR_OPT_SECONDS:
			if (parse_uint(optarg, 1, 86400, &o.seconds))
				return vr_bad("bad --seconds '%s' (1 to 86400)",
					      optarg);
			load_opt = true;
			break;
		case VR_OPT_OP:
			o.op = optarg;
			load_opt = true;
			break;
		case VR_OPT_JOBS:
			if (parse_uint(optarg, 1, 64, &o.jobs))
				return vr_bad("bad --jobs '%s' (1 to 64)", optarg);
			load_opt = true;
			break;
		case VR_OPT_DEPTH:
			if (parse_uint(optarg, 1, 64, &o.depth))
				return vr_bad("bad --depth '%s' (1 to 64)",
					      optarg);
			load_opt = true;
			break;
		case VR_OPT_SIZE:
			if (vr_parse_size(optarg, &o.size))
				return vr_bad("bad --size '%s'", optarg);
			load_opt = true;
			break;
		case VR_OPT_DEV_MEM:
			o.dev_mem = true;
			load_opt = true;
			break;
		default:
			return vr_bad("%s", "bad option");
		}
	}
	if (optind < argc)
		return vr_bad("unexpected argument '%s'", argv[optind]);
	if (load_opt && strcmp(cmd, "load"))
		return vr_bad("%s takes none of the load options", cmd);

	if (!strcmp(cmd, "list")) {
		if (o.dev)
			return vr_bad("%s", "list takes no -d");
		return vr_list();
	}
	if (strcmp(cmd, "info") && strcmp(cmd, "selftest") &&
	    strcmp(cmd, "load"))
		return vr_bad("unknown command '%s'", cmd);
	if (!o.dev) {
		err = vaccelvf_default_node(node, sizeof(node));
		if (err) {
			vr_err(VACCELVF_MISC_DIR "/vaccel*", "no device", err);
			return 1;
		}
		o.dev = node;
	}
	if (!strcmp(cmd, "info"))
		return vr_info(&o);
	if (!strcmp(cmd, "selftest"))
		return vr_selftest(&o);
	if (!o.seconds)
		return vr_bad("%s", "load needs --seconds N");
	if (!o.op)
		return vr_bad("%s", "load needs --op busy|copy|crc32c|gemm|fill");
	return vr_load(&o);
}
