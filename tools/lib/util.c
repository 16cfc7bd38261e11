// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers (util.h): little-endian bytes, byte comparisons, time,
 * random data.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* Little endian values in byte arrays (config space snapshots). */
__u32 get_le(const __u8 *b, unsigned int off, unsigned int size)
{
	__u32 val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (__u32)b[off + i] << (8 * i);
	return val;
}

bool is_zero(const void *buf, size_t size)
{
	const __u8 *b = buf;
	size_t i;

	for (i = 0; i < size; i++)
		if (b[i])
			return false;
	return true;
}

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void sleep_us(unsigned int us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000L,
	};

	nanosleep(&ts, NULL);
}

/* Random data: xorshift64*, reproducible from a fixed seed. */
static __u64 rnd_state = 0x2545f4914f6cdd1dULL;

void rnd_seed(__u64 seed)
{
	rnd_state = seed ? seed : 0x2545f4914f6cdd1dULL;
}

__u64 rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

/* A random number from @lo to @hi. */
__u64 rnd_between(__u64 lo, __u64 hi)
{
	return lo + rnd() % (hi - lo + 1);
}

void rnd_fill(void *buf, size_t size)
{
	__u8 *p = buf;
	__u64 r;

	for (; size >= 8; size -= 8, p += 8) {
		r = rnd();
		memcpy(p, &r, 8);
	}
	if (size) {
		r = rnd();
		memcpy(p, &r, size);
	}
}

bool all_bytes(const __u8 *p, size_t size, __u8 val)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != val)
			return false;
	return true;
}

/* Index of the first byte where @a and @b differ, @size if none. */
size_t first_diff(const __u8 *a, const __u8 *b, size_t size)
{
	size_t i = 0;

	while (i + 8 <= size && !memcmp(a + i, b + i, 8))
		i += 8;
	while (i < size && a[i] == b[i])
		i++;
	return i;
}

__u32 get_le32(const __u8 *p)
{
	__u32 v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

void put_le32(__u8 *p, __u32 val)
{
	val = htole32(val);
	memcpy(p, &val, 4);
}

/*
 * A decimal number from lo to hi, the whole of s: 0, or -EINVAL (*val
 * untouched).
 */
int parse_uint(const char *s, unsigned int lo, unsigned int hi,
	       unsigned int *val)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*val = v;
	return 0;
}
