// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vf-test fuzz BDF [--seed S] [--ops N]: the nested-guest variant
 * of the fuzzer (docs/fuzzing.md).  In a guest that has a vaccel function
 * at PCI address BDF, it takes the function from its driver (unbind),
 * enables it through sysfs, maps BAR0 (resource0) and makes N (default
 * 20000) seeded random register writes and reads and configuration space
 * writes and reads (the config file), as a broken or hostile guest driver
 * would; then it resets the function (sysfs reset: FLR) and gives it back
 * to the driver it had (bind).  Whether the function still works is for
 * the caller to check (vaccel-run selftest).
 *
 * What it leaves alone, because a real device would do the same harm to
 * the guest itself and the test is about the host: Bus Master (no DMA
 * into the guest's memory at random addresses), MSI and MSI-X enable (no
 * interrupt messages to random addresses), INTx (kept disabled: no
 * driver would handle it), the power state and the BARs (the guest's
 * address map).  Everything else is fair game, FLR through Device
 * Control included.
 *
 * Prints the seed, the operations done by kind, and
 * "FUZZ-RESULT ops=N seed=S"; exit status 0, 1 if the function could not
 * be taken, mapped or given back, 2 on bad usage.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/types.h>

#include "../../include/vaccel_queue.h"
#include "../../include/vaccel_regs.h"

#include "util.h"
#include "vf-test.h"

#define FZ_SYSFS	"/sys/bus/pci/devices"

enum { G_REG_WR, G_REG_RD, G_CFG_WR, G_CFG_RD, G_FLR, G_KINDS };

static const char *const g_names[G_KINDS] = {
	"bar0-write", "bar0-read", "cfg-write", "cfg-read", "FLR",
};

static __u64 g_rng;

static __u64 g_rnd(void)
{
	__u64 z = (g_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u32 g_below(__u32 n)
{
	return n ? g_rnd() % n : 0;
}

static __u32 g_value(void)
{
	static const __u32 edges[] = {
		0, 1, 2, 3, 0xff, 0xffff, 0x1000, 0x7fffffff, 0x80000000,
		0xffffffff,
	};

	if (g_below(3) == 0)
		return edges[g_below(ARRAY_SIZE(edges))];
	return g_below(2) ? g_below(4096) : (__u32)g_rnd();
}

static int g_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* A BAR0 offset: the registers, the queues, the MSI-X table. */
static __u32 g_reg_off(void)
{
	switch (g_below(6)) {
	case 0:
		return g_below(0x50) & ~3U;
	case 1:
		return (VACCEL_MSIX_TABLE + g_below(0x80)) & ~3U;
	case 2:
		return g_below(VACCEL_BAR0_SIZE) & ~3U;
	default:
		return (VACCEL_QUEUE_BASE +
			g_below(VACCEL_QUEUE_STRIDE * VACCEL_FN_QUEUES)) & ~3U;
	}
}

/*
 * A config write: offset, width and value, with Bus Master, MSI and MSI-X
 * enable and FLR masked out, and never a BAR.  Returns the width, 0 to
 * skip it.
 */
static unsigned int g_cfg_pick(const __u8 *cfg, unsigned int *off, __u32 *val)
{
	static const unsigned int widths[] = { 1, 2, 4 };
	unsigned int w = widths[g_below(3)], cap, i;
	unsigned int exp = 0, msi = 0, msix = 0, pm = 0;
	__u8 b[4];

	for (cap = cfg[PCI_CAPABILITY_LIST] & ~3U, i = 0; cap && i < 16;
	     cap = cfg[cap + 1] & ~3U, i++) {
		if (cfg[cap] == PCI_CAP_ID_EXP)
			exp = cap;
		else if (cfg[cap] == PCI_CAP_ID_MSI)
			msi = cap;
		else if (cfg[cap] == PCI_CAP_ID_MSIX)
			msix = cap;
		else if (cfg[cap] == PCI_CAP_ID_PM)
			pm = cap;
	}
	switch (g_below(8)) {
	case 0:
		*off = PCI_COMMAND;
		break;
	case 1:
		*off = PCI_STATUS;
		break;
	case 2:
		*off = exp + PCI_EXP_DEVCTL;
		break;
	case 3:
		*off = msix + PCI_MSIX_FLAGS;
		break;
	case 4:
		*off = msi + PCI_MSI_FLAGS + g_below(12);
		break;
	case 5:
		*off = pm + PCI_PM_CTRL;
		break;
	default:
		*off = g_below(g_below(4) ? 256 : 4096);
		break;
	}
	*off &= ~(w - 1);
	*val = g_value();
	if (*off + w > 4096 ||
	    (*off < PCI_CAPABILITY_LIST && *off + w > PCI_BASE_ADDRESS_0))
		return 0;
	for (i = 0; i < 4; i++)
		b[i] = *val >> (8 * i);
	for (i = 0; i < w; i++) {
		unsigned int at = *off + i;

		if (at == PCI_COMMAND)
			b[i] &= ~PCI_COMMAND_MASTER;
		/* No INTx either: once unbound, nobody would handle it. */
		if (at == PCI_COMMAND + 1)
			b[i] |= PCI_COMMAND_INTX_DISABLE >> 8;
		if (msi && at == msi + PCI_MSI_FLAGS)
			b[i] &= ~PCI_MSI_FLAGS_ENABLE;
		if (msix && at == msix + PCI_MSIX_FLAGS + 1)
			b[i] &= ~(PCI_MSIX_FLAGS_ENABLE >> 8);
		if (exp && at == exp + PCI_EXP_DEVCTL + 1)
			b[i] &= ~(PCI_EXP_DEVCTL_BCR_FLR >> 8);
		/* Keep the D-state: D3hot would only make the rest no-ops. */
		if (pm && at == pm + PCI_PM_CTRL)
			b[i] &= ~PCI_PM_CTRL_STATE_MASK;
	}
	*val = b[0] | b[1] << 8 | b[2] << 16 | (__u32)b[3] << 24;
	return w;
}

int vt_fuzz(int argc, char **argv)
{
	char path[PATH_MAX], drv[PATH_MAX] = "", link[PATH_MAX];
	unsigned long count[G_KINDS] = { 0 };
	__u64 seed = time(NULL), ops = 20000, i;
	const char *bdf = NULL;
	int cfg = -1, res = -1, ret = 1, err;
	unsigned long refused = 0;
	__u32 val, off, exp_ctl = 0;
	unsigned int w, k, cap;
	__u32 *regs;
	__u8 c[256];
	ssize_t n;

	for (k = 0; k < (unsigned int)argc; k++) {
		if (!strcmp(argv[k], "--seed") && k + 1 < (unsigned int)argc)
			seed = strtoull(argv[++k], NULL, 0);
		else if (!strcmp(argv[k], "--ops") && k + 1 < (unsigned int)argc)
			ops = strtoull(argv[++k], NULL, 0);
		else if (!bdf && argv[k][0] != '-')
			bdf = argv[k];
		else
			break;
	}
	if (k < (unsigned int)argc)
		bdf = NULL;
	if (!bdf || !ops) {
		fprintf(stderr, "usage: " VT_NAME " fuzz BDF [--seed S] [--ops N]\n");
		return 2;
	}
	g_rng = seed;
	printf("INFO fuzz %s: seed %llu, %llu operations\n", bdf,
	       (unsigned long long)seed, (unsigned long long)ops);

	/* Take it from its driver; remember which, to give it back. */
	snprintf(path, sizeof(path), FZ_SYSFS "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		snprintf(drv, sizeof(drv), "%s", strrchr(link, '/') + 1);
		snprintf(path, sizeof(path), FZ_SYSFS "/%s/driver/unbind", bdf);
		err = g_write_file(path, bdf);
		if (err) {
			printf("FAIL unbind %s from %s: %s\n", bdf, drv,
			       strerror(-err));
			return 1;
		}
		printf("INFO unbound %s from %s\n", bdf, drv);
	}
	snprintf(path, sizeof(path), FZ_SYSFS "/%s/enable", bdf);
	g_write_file(path, "1");
	snprintf(path, sizeof(path), FZ_SYSFS "/%s/config", bdf);
	cfg = open(path, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), FZ_SYSFS "/%s/resource0", bdf);
	res = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (cfg < 0 || res < 0 || pread(cfg, c, sizeof(c), 0) != sizeof(c)) {
		printf("FAIL open config and resource0 of %s: %s\n", bdf,
		       strerror(errno));
		goto out;
	}
	regs = mmap(NULL, VACCEL_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    res, 0);
	if (regs == MAP_FAILED) {
		printf("FAIL mmap resource0 of %s: %s\n", bdf, strerror(errno));
		goto out;
	}
	val = PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE;
	if (pwrite(cfg, &val, 2, PCI_COMMAND) < 0)
		refused++;
	for (cap = c[PCI_CAPABILITY_LIST] & ~3U, k = 0; cap && k < 16;
	     cap = c[cap + 1] & ~3U, k++)
		if (c[cap] == PCI_CAP_ID_EXP)
			exp_ctl = cap + PCI_EXP_DEVCTL;

	for (i = 0; i < ops; i++) {
		k = g_below(100);
		k = k < 45 ? G_REG_WR : k < 70 ? G_REG_RD : k < 88 ? G_CFG_WR :
		    k < 99 || !exp_ctl || g_below(4) ? G_CFG_RD : G_FLR;
		count[k]++;
		switch (k) {
		case G_REG_WR:
			off = g_reg_off();
			val = g_value();
			if (off == VACCEL_REG_CONTROL && g_below(2))
				val &= VACCEL_CONTROL_ENABLE |
				       VACCEL_CONTROL_RESET;
			__atomic_store_n(&regs[off / 4], val, __ATOMIC_RELAXED);
			break;
		case G_REG_RD:
			val = __atomic_load_n(&regs[g_reg_off() / 4],
					      __ATOMIC_RELAXED);
			break;
		case G_CFG_WR:
			w = g_cfg_pick(c, &off, &val);
			if (w && pwrite(cfg, &val, w, off) < 0)
				refused++;
			break;
		case G_CFG_RD:
			off = g_below(4096);
			w = 1U << g_below(3);
			off &= ~(w - 1);
			if (pread(cfg, &val, w, off) < 0)
				refused++;
			break;
		default:
			val = PCI_EXP_DEVCTL_BCR_FLR;
			if (pwrite(cfg, &val, 2, exp_ctl) < 0)
				refused++;
			break;
		}
		/* The BARs as the guest assigned them, and memory decoding. */
		if (k == G_FLR || g_below(64) == 0) {
			if (pwrite(cfg, c + PCI_BASE_ADDRESS_0, 24,
				   PCI_BASE_ADDRESS_0) < 0)
				refused++;
			val = PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE;
			if (pwrite(cfg, &val, 2, PCI_COMMAND) < 0)
				refused++;
		}
	}
	munmap(regs, VACCEL_BAR0_SIZE);
	for (k = 0; k < G_KINDS; k++)
		printf("INFO %-10s %lu\n", g_names[k], count[k]);
	printf("INFO config accesses refused: %lu\n", refused);
	printf("FUZZ-RESULT ops=%llu seed=%llu\n", (unsigned long long)i,
	       (unsigned long long)seed);
	ret = 0;
out:
	if (cfg >= 0)
		close(cfg);
	if (res >= 0)
		close(res);
	/*
	 * Undo our sysfs enable: with it still counted, the driver's own
	 * pci_enable_device() would do nothing, and memory decoding would
	 * stay as the fuzz left it (off: the driver's probe reads ID 0).
	 */
	snprintf(path, sizeof(path), FZ_SYSFS "/%s/enable", bdf);
	err = g_write_file(path, "0");
	if (err)
		printf("INFO sysfs enable 0 of %s: %s\n", bdf, strerror(-err));
	/* FLR through the guest's PCI core, then back to the driver. */
	snprintf(path, sizeof(path), FZ_SYSFS "/%s/reset", bdf);
	err = g_write_file(path, "1");
	if (err)
		printf("INFO sysfs reset of %s: %s\n", bdf, strerror(-err));
	if (drv[0]) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", drv);
		err = g_write_file(path, bdf);
		if (err) {
			printf("FAIL bind %s to %s again: %s\n", bdf, drv,
			       strerror(-err));
			return 1;
		}
		printf("PASS %s bound to %s again\n", bdf, drv);
	}
	return ret;
}
