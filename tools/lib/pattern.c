// SPDX-License-Identifier: GPL-2.0
/*
 * Test data that depends on the address (pattern.h).
 */

#define _GNU_SOURCE

#include "pattern.h"
#include "report.h"

/* An address-dependent 64-bit pattern: every word of a page differs. */
__u64 pattern(__u64 off, __u64 seed)
{
	return ((off + seed) * 0x9e3779b97f4a7c15ULL) ^ (off << 20);
}

void fill(__u64 *buf, __u64 off, size_t size, __u64 seed)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		buf[i] = pattern(off + 8 * i, seed);
}

/* Does @buf hold the pattern of [@off, @off + @size)?  Names a mismatch. */
bool check_pattern(struct report *r, const char *what, const __u64 *buf,
		   __u64 off, size_t size, __u64 seed)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		if (buf[i] != pattern(off + 8 * i, seed))
			return check(r, false,
				     "%s: word at %#llx is %#llx, expected %#llx",
				     what, off + 8 * i, buf[i],
				     pattern(off + 8 * i, seed));
	return check(r, true, "%s", what);
}

