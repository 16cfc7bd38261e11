/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers: little-endian values in byte arrays, comparing bytes,
 * time, and random data that a fixed seed makes reproducible.
 */
#ifndef _LIB_UTIL_H
#define _LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define MIB			(1024ULL * 1024)

/* Little endian */
__u32 get_le(const __u8 *b, unsigned int off, unsigned int size);
__u32 get_le32(const __u8 *p);
void put_le32(__u8 *p, __u32 val);

/* Bytes */
bool is_zero(const void *buf, size_t size);
bool all_bytes(const __u8 *p, size_t size, __u8 val);
size_t first_diff(const __u8 *a, const __u8 *b, size_t size);

/* Command lines */
int parse_uint(const char *s, unsigned int lo, unsigned int hi,
	       unsigned int *val);

/* Time */
__u64 now_ns(void);
void sleep_us(unsigned int us);

/* Random data: xorshift64*, reproducible from a fixed seed */
void rnd_seed(__u64 seed);
__u64 rnd(void);
__u64 rnd_between(__u64 lo, __u64 hi);
void rnd_fill(void *buf, size_t size);

#endif
