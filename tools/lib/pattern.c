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

/* An address-dependent 64-bit pattern: every word of a page differs. */
static __u64 pattern(__u64 off, __u64 seed)
{
	return ((off + seed) * 0x9e3779b97f4a7c15ULL) ^ (off << 20);
}

static void fill(__u64 *buf, __u64 off, size_t size, __u64 seed)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		buf[i] = pattern(off + 8 * i, seed);
}

/* Does @buf hold the pattern of [@off, @off + @size)?  Names a mismatch. */
static bool check_pattern(struct vdev *v, const char *what, const __u64 *buf,
			  __u64 off, size_t size, __u64 seed)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		if (buf[i] != pattern(off + 8 * i, seed))
			return check(v, false, "%s: word at %#llx is %#llx, expected %#llx",
				     what, off + 8 * i, buf[i],
				     pattern(off + 8 * i, seed));
	return check(v, true, "%s", what);
}

