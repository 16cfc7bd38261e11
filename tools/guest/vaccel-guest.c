// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-guest: check, from inside a VM, the vaccel function that the host
 * passes through with QEMU's vfio-pci (tools/nested runs it as the only
 * program of a tiny initramfs; any Linux guest will do).
 *
 *   vaccel-guest [-m MEM_SIZE] [-s TTY]
 *
 *   -m MEM_SIZE  expected size of BAR2 (device memory) in bytes; without
 *                it BAR2 must match the MEM_SIZE registers only
 *   -s TTY       before and after the reset, write "SYNC before-reset" /
 *                "SYNC after-reset" on TTY and wait for a line "go" there
 *                (the host samples the instance's reset counter meanwhile)
 *
 * The function is looked up by vendor and device ID in /sys/bus/pci; it
 * must not be bound to a driver.  Everything goes through sysfs: config,
 * resource (BAR sizes), enable, resource0 and resource2 (mmap of BAR0 and
 * BAR2) and reset.  One line per check, "PASS what" or "FAIL what: why",
 * "INFO ..." lines in between, and at the end
 *
 *   NESTED-RESULT passed=N failed=M
 *
 * The checks, the BAR2 test pattern and the capability walk are those of
 * tools/lib (report.h, pattern.h, pci_cap.h), which vaccel-vfio uses too.
 *
 * Exit status: 0 if every check passed, 1 if one failed, 2 on bad usage.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/types.h>

#include "../../include/vaccel_regs.h"

#include "pattern.h"
#include "pci_cap.h"
#include "report.h"
#include "util.h"

#define PCI_DEVICES		"/sys/bus/pci/devices"
#define CFG_SIZE		4096
#define PATTERN_BYTES		4096
#define PATTERN_SEED		0x5aa5c33cU
#define SCRATCH_VALUE		0xc0ffee42U
#define SYNC_TIMEOUT_MS		(120 * 1000)

/* Flags of /sys/bus/pci/devices/BDF/resource (include/linux/ioport.h). */
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000

struct bar {
	__u64 start;
	__u64 size;
	__u64 flags;
};

struct func {
	char bdf[256];
	__u8 cfg[CFG_SIZE];
	size_t cfg_len;
	struct bar bar[6];
	__u32 *regs;			/* BAR0 */
	__u32 *mem;			/* BAR2 */
	__u64 mem_size;
};

/* Every check of the run: "PASS what" or "FAIL what: why". */
static struct report report;

static double uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sysfs_path(char *buf, size_t len, const char *bdf, const char *attr)
{
	int n = snprintf(buf, len, PCI_DEVICES "/%s/%s", bdf, attr);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Read a small sysfs attribute as a string, trailing newline removed. */
static int read_attr(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	if (sysfs_path(path, sizeof(path), bdf, attr))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* Write @val to a sysfs attribute in one write(2); errno on failure. */
static int write_attr(const char *bdf, const char *attr, const char *val)
{
	size_t len = strlen(val);
	char path[256];
	ssize_t n;
	int fd, err;

	if (sysfs_path(path, sizeof(path), bdf, attr)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, len);
	err = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return 0;
}

/* Name of the driver bound to the function; -1 if none. */
static int driver_name(const struct func *f, char *buf, size_t len)
{
	char path[256], target[256];
	ssize_t n;
	char *base;

	if (sysfs_path(path, sizeof(path), f->bdf, "driver"))
		return -1;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

static unsigned long read_hex_attr(const char *bdf, const char *attr)
{
	char buf[64];

	if (read_attr(bdf, attr, buf, sizeof(buf)))
		return ~0UL;
	return strtoul(buf, NULL, 16);
}

/* The first function with our vendor and device ID, or -1. */
static int find_function(struct func *f)
{
	struct dirent *de;
	int ret = -1;
	DIR *dir;

	dir = opendir(PCI_DEVICES);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (read_hex_attr(de->d_name, "vendor") != VACCEL_PCI_VENDOR_ID ||
		    read_hex_attr(de->d_name, "device") != VACCEL_PCI_DEVICE_ID_VF)
			continue;
		snprintf(f->bdf, sizeof(f->bdf), "%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

static int read_config(struct func *f)
{
	char path[256];
	ssize_t n;
	int fd;

	if (sysfs_path(path, sizeof(path), f->bdf, "config"))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, f->cfg, sizeof(f->cfg), 0);
	close(fd);
	if (n < PCI_STD_HEADER_SIZEOF)
		return -1;
	f->cfg_len = n;
	return 0;
}

static int read_resources(struct func *f)
{
	unsigned long long start, end, flags;
	char path[256];
	unsigned int i;
	FILE *fp;

	if (sysfs_path(path, sizeof(path), f->bdf, "resource"))
		return -1;
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	for (i = 0; i < 6; i++) {
		if (fscanf(fp, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		f->bar[i].start = start;
		f->bar[i].size = start || end ? end - start + 1 : 0;
		f->bar[i].flags = flags;
	}
	fclose(fp);
	return i == 6 ? 0 : -1;
}

static void check_bar(const struct func *f, unsigned int i, __u64 size,
		      bool prefetch)
{
	const struct bar *b = &f->bar[i];
	__u64 want = IORESOURCE_MEM | IORESOURCE_MEM_64 |
		     (prefetch ? IORESOURCE_PREFETCH : 0);
	__u64 mask = IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH;

	check(&report, b->size == size && (b->flags & mask) == want,
	      "BAR%u: %llu bytes at %#llx, flags %#llx (want %llu bytes, 64-bit %sprefetchable memory)",
	      i, b->size, b->start, b->flags, size, prefetch ? "" : "non-");
}

static void check_caps(const struct func *f)
{
	unsigned int exp = cap_find(f->cfg, PCI_CAP_ID_EXP);
	unsigned int pm = cap_find(f->cfg, PCI_CAP_ID_PM);
	unsigned int msi = cap_find(f->cfg, PCI_CAP_ID_MSI);
	unsigned int msix = cap_find(f->cfg, PCI_CAP_ID_MSIX);
	unsigned int flags, type;
	__u32 devcap, table, pba;

	if (check(&report, exp, "capability PCI Express present (at %#x)",
		  exp)) {
		flags = get_le(f->cfg, exp + PCI_EXP_FLAGS, 2);
		devcap = get_le(f->cfg, exp + PCI_EXP_DEVCAP, 4);
		type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
		check(&report, type == PCI_EXP_TYPE_ENDPOINT &&
		      (devcap & PCI_EXP_DEVCAP_FLR),
		      "PCI Express endpoint with FLR (type %u, version %u, devcap %#x)",
		      type, flags & PCI_EXP_FLAGS_VERS, devcap);
	}
	check(&report, pm, "capability power management present (at %#x)", pm);
	check(&report, msi, "capability MSI present (at %#x)", msi);
	if (!check(&report, msix, "capability MSI-X present (at %#x)", msix))
		return;
	flags = get_le(f->cfg, msix + PCI_MSIX_FLAGS, 2);
	table = get_le(f->cfg, msix + PCI_MSIX_TABLE, 4);
	pba = get_le(f->cfg, msix + PCI_MSIX_PBA, 4);
	check(&report,
	      (flags & PCI_MSIX_FLAGS_QSIZE) + 1 == VACCEL_MSIX_VECTORS &&
	      table == (VACCEL_MSIX_TABLE | VACCEL_BAR_REGS) &&
	      pba == (VACCEL_MSIX_PBA | VACCEL_BAR_REGS),
	      "MSI-X: %u vectors, table %#x, PBA %#x (want %u, BAR0+%#x, BAR0+%#x)",
	      (flags & PCI_MSIX_FLAGS_QSIZE) + 1, table, pba,
	      VACCEL_MSIX_VECTORS, VACCEL_MSIX_TABLE, VACCEL_MSIX_PBA);
}

static void check_ids(struct func *f, const char *when)
{
	bool ok = !read_config(f);
	unsigned long class;

	if (!check(&report, ok, "%sconfig space readable (%zu bytes)", when,
		   f->cfg_len))
		return;
	check(&report,
	      get_le(f->cfg, PCI_VENDOR_ID, 2) == VACCEL_PCI_VENDOR_ID &&
	      get_le(f->cfg, PCI_DEVICE_ID, 2) == VACCEL_PCI_DEVICE_ID_VF,
	      "%sconfig IDs %04x:%04x", when, get_le(f->cfg, PCI_VENDOR_ID, 2),
	      get_le(f->cfg, PCI_DEVICE_ID, 2));
	class = read_hex_attr(f->bdf, "class");
	check(&report, class == VACCEL_PCI_CLASS &&
	      get_le(f->cfg, PCI_CLASS_REVISION, 4) >> 8 == VACCEL_PCI_CLASS,
	      "%sclass %#08lx (config %#08x)", when, class,
	      get_le(f->cfg, PCI_CLASS_REVISION, 4) >> 8);
}

static void *map_bar(const struct func *f, unsigned int i)
{
	char attr[32], path[256];
	void *p;
	int fd;

	snprintf(attr, sizeof(attr), "resource%u", i);
	if (sysfs_path(path, sizeof(path), f->bdf, attr))
		return NULL;
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, f->bar[i].size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * One 32-bit load or store, not merged, split or moved by the compiler:
 * BAR0 takes aligned 32-bit accesses only, and every BAR2 access must
 * reach the device.
 */
static __u32 mmio_read32(const __u32 *p)
{
	__u32 v;

	asm volatile("" : : : "memory");
	v = __atomic_load_n(p, __ATOMIC_RELAXED);
	asm volatile("" : : : "memory");
	return v;
}

static void mmio_write32(__u32 *p, __u32 v)
{
	asm volatile("" : : : "memory");
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
	asm volatile("" : : : "memory");
}

static __u32 reg(const struct func *f, unsigned int off)
{
	return mmio_read32(&f->regs[off / 4]);
}

static void check_regs(const struct func *f, const char *when)
{
	__u64 size = reg(f, VACCEL_REG_MEM_SIZE_LO) |
		     (__u64)reg(f, VACCEL_REG_MEM_SIZE_HI) << 32;
	__u32 id = reg(f, VACCEL_REG_ID);

	check(&report, id == VACCEL_ID_MAGIC, "%sBAR0 ID register %#x", when,
	      id);
	check(&report, reg(f, VACCEL_REG_VERSION) >> 16 == VACCEL_VERSION >> 16,
	      "%sBAR0 VERSION register %#x", when, reg(f, VACCEL_REG_VERSION));
	check(&report, size == f->mem_size,
	      "%sBAR0 MEM_SIZE registers %llu = BAR2 size", when, size);
	check(&report, reg(f, VACCEL_REG_MSIX_VECTORS) == VACCEL_MSIX_VECTORS,
	      "%sBAR0 MSIX_VECTORS register %u", when,
	      reg(f, VACCEL_REG_MSIX_VECTORS));
}

/* Start, middle and end of BAR2: PATTERN_BYTES each. */
static __u64 spot(const struct func *f, unsigned int i)
{
	switch (i) {
	case 0:
		return 0;
	case 1:
		return f->mem_size / 2;
	default:
		return f->mem_size - PATTERN_BYTES;
	}
}

/*
 * Compare PATTERN_BYTES at each spot with the pattern of @seed (pattern.h;
 * 0: all zero), 32 bits at a time; write it first if @write.  Reports the
 * first mismatch.
 */
static void check_mem(const struct func *f, __u32 seed, bool write,
		      const char *what)
{
	static __u64 pat[PATTERN_BYTES / 8];
	unsigned int s, i, n = PATTERN_BYTES / 4, bad = 0;
	__u64 off, bad_off = 0;
	__u32 want, val, got = 0;

	for (s = 0; s < 3; s++) {
		off = spot(f, s);
		if (seed)
			fill(pat, off, PATTERN_BYTES, seed);
		else
			memset(pat, 0, PATTERN_BYTES);
		for (i = 0; write && i < n; i++) {
			memcpy(&want, (__u8 *)pat + 4 * i, 4);
			mmio_write32(&f->mem[off / 4 + i], want);
		}
		for (i = 0; i < n; i++) {
			memcpy(&want, (__u8 *)pat + 4 * i, 4);
			val = mmio_read32(&f->mem[off / 4 + i]);
			if (val == want)
				continue;
			if (!bad++) {
				bad_off = off + 4 * i;
				got = val;
			}
		}
	}
	if (!bad) {
		check(&report, true,
		      "BAR2 %s at %#llx, %#llx, %#llx (%u bytes each)",
		      what, spot(f, 0),
		      spot(f, 1),
		      spot(f, 2), PATTERN_BYTES);
		return;
	}
	check(&report, false,
	      "BAR2 %s: %u words differ, the first at %#llx reads %#x",
	      what, bad, bad_off, got);
}

/*
 * Tell the host where we are on @tty and wait for its "go" line.  Any
 * failure is reported as a failed check; the test goes on.
 */
static void sync_host(int tty, const char *name)
{
	struct pollfd pfd = { .fd = tty, .events = POLLIN };
	char line[64];
	size_t len = 0;
	char c;

	if (tty < 0)
		return;
	dprintf(tty, "SYNC %s\n", name);
	tcdrain(tty);
	for (;;) {
		if (poll(&pfd, 1, SYNC_TIMEOUT_MS) <= 0) {
			check(&report, false,
			      "sync %s: no answer from the host in %d s",
			      name, SYNC_TIMEOUT_MS / 1000);
			return;
		}
		if (read(tty, &c, 1) != 1)
			continue;
		if (c == '\r')
			continue;
		if (c != '\n') {
			if (len < sizeof(line) - 1)
				line[len++] = c;
			continue;
		}
		line[len] = '\0';
		if (!strcmp(line, "go"))
			break;
		len = 0;
	}
	remark("sync %s: host answered", name);
}

static int open_tty(const char *path)
{
	struct termios t;
	int fd;

	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &t)) {
		check(&report, false, "sync channel %s: %s", path,
		      strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	cfmakeraw(&t);
	cfsetspeed(&t, B115200);
	if (tcsetattr(fd, TCSANOW, &t))
		remark("sync channel %s: tcsetattr: %s", path, strerror(errno));
	tcflush(fd, TCIOFLUSH);
	return fd;
}

static void run(struct func *f, __u64 want_mem, int tty)
{
	char buf[256];
	bool ok;

	ok = !find_function(f);
	if (!check(&report, ok, "function %04x:%04x in " PCI_DEVICES "%s%s",
		   VACCEL_PCI_VENDOR_ID, VACCEL_PCI_DEVICE_ID_VF,
		   ok ? " at " : ": device not found", f->bdf))
		return;
	if (!driver_name(f, buf, sizeof(buf)))
		remark("%s is bound to the guest driver %s", f->bdf, buf);
	check_ids(f, "");
	ok = !read_resources(f);
	if (!check(&report, ok, "resource file readable"))
		return;
	f->mem_size = f->bar[VACCEL_BAR_MEM].size;
	check_bar(f, VACCEL_BAR_REGS, VACCEL_BAR0_SIZE, false);
	check_bar(f, VACCEL_BAR_MEM, want_mem ? want_mem : f->mem_size, true);
	if (!check(&report, f->mem_size >= 2 * PATTERN_BYTES &&
		   !(f->mem_size & (f->mem_size - 1)),
		   "BAR2 size %llu is a power of two, at least %u",
		   f->mem_size, 2 * PATTERN_BYTES) ||
	    f->bar[VACCEL_BAR_REGS].size != VACCEL_BAR0_SIZE)
		return;
	check_caps(f);

	ok = !write_attr(f->bdf, "enable", "1");
	if (!check(&report, ok, "echo 1 > enable: %s",
		   ok ? "ok" : strerror(errno)))
		return;
	f->regs = map_bar(f, VACCEL_BAR_REGS);
	if (!check(&report, f->regs, "mmap resource0 (BAR0, %u bytes): %s",
		   VACCEL_BAR0_SIZE, f->regs ? "ok" : strerror(errno)))
		return;
	f->mem = map_bar(f, VACCEL_BAR_MEM);
	if (!check(&report, f->mem, "mmap resource2 (BAR2, %llu bytes): %s",
		   f->mem_size, f->mem ? "ok" : strerror(errno)))
		return;

	check_regs(f, "");
	mmio_write32(&f->regs[VACCEL_REG_SCRATCH / 4], SCRATCH_VALUE);
	check(&report, reg(f, VACCEL_REG_SCRATCH) == SCRATCH_VALUE,
	      "BAR0 SCRATCH register written and read back (%#x)",
	      reg(f, VACCEL_REG_SCRATCH));
	check_mem(f, 0, false, "reads zero before use");
	check_mem(f, PATTERN_SEED, true, "pattern written and read back");

	if (read_attr(f->bdf, "reset_method", buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "(unreadable: %s)", strerror(errno));
	remark("reset_method: %s", buf);
	check(&report, strstr(buf, "flr"), "reset_method offers flr (%s)", buf);

	sync_host(tty, "before-reset");
	ok = !write_attr(f->bdf, "reset", "1");
	check(&report, ok, "echo 1 > " PCI_DEVICES "/%s/reset: %s", f->bdf,
	      ok ? "ok" : strerror(errno));
	sync_host(tty, "after-reset");

	check_ids(f, "after reset: ");
	check_regs(f, "after reset: ");
	check(&report, reg(f, VACCEL_REG_SCRATCH) == 0,
	      "after reset: BAR0 SCRATCH register is 0 again (%#x)",
	      reg(f, VACCEL_REG_SCRATCH));
	check_mem(f, 0, false, "reads zero after reset (FLR cleared it)");
	check_mem(f, ~PATTERN_SEED, true,
		  "usable after reset: pattern written and read back");
}

int main(int argc, char **argv)
{
	static struct func f;
	__u64 want_mem = 0;
	const char *tty_path = NULL;
	int opt, tty = -1;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	report_style = (struct report_style){
		.pass = "PASS ", .fail = "FAIL ", .note = "INFO ",
	};
	while ((opt = getopt(argc, argv, "m:s:")) != -1) {
		switch (opt) {
		case 'm':
			errno = 0;
			want_mem = strtoull(optarg, &end, 0);
			if (errno || *end || !want_mem) {
				fprintf(stderr, "vaccel-guest: bad size '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 's':
			tty_path = optarg;
			break;
		default:
			fprintf(stderr, "usage: vaccel-guest [-m MEM_SIZE] [-s TTY]\n");
			return 2;
		}
	}

	remark("vaccel-guest starts at %.1f s of uptime; expected BAR2 size %llu",
	       uptime(), want_mem);
	if (tty_path)
		tty = open_tty(tty_path);
	run(&f, want_mem, tty);
	if (tty >= 0)
		close(tty);
	remark("vaccel-guest done at %.1f s of uptime", uptime());
	printf("NESTED-RESULT passed=%u failed=%u\n",
	       report.checks - report.failures, report.failures);
	return report.failures ? 1 : 0;
}
