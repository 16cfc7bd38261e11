// SPDX-License-Identifier: GPL-2.0
/*
 * Reference results of the queue operations (model.h).
 */

#define _GNU_SOURCE
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), eight bytes at a
 * time with eight tables: crc_tab[t][b] is the CRC state of byte b
 * followed by t zero bytes.  The seed is a previous result (0 to start):
 * crc32c(crc32c(0, A), B) = crc32c(0, A then B).
 */
static __u32 crc_tab[8][256];

void crc32c_init(void)
{
	unsigned int i, t, bit;
	__u32 c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (bit = 0; bit < 8; bit++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
		crc_tab[0][i] = c;
	}
	for (t = 1; t < 8; t++)
		for (i = 0; i < 256; i++)
			crc_tab[t][i] = crc_tab[t - 1][i] >> 8 ^
					crc_tab[0][crc_tab[t - 1][i] & 0xff];
}

__u32 crc32c(__u32 seed, const void *buf, size_t len)
{
	const __u8 *p = buf;
	__u32 c = ~seed;
	__u64 w;

	for (; len && ((uintptr_t)p & 7); len--)
		c = crc_tab[0][(c ^ *p++) & 0xff] ^ c >> 8;
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		w = le64toh(w) ^ c;
		c = crc_tab[7][w & 0xff] ^ crc_tab[6][w >> 8 & 0xff] ^
		    crc_tab[5][w >> 16 & 0xff] ^ crc_tab[4][w >> 24 & 0xff] ^
		    crc_tab[3][w >> 32 & 0xff] ^ crc_tab[2][w >> 40 & 0xff] ^
		    crc_tab[1][w >> 48 & 0xff] ^ crc_tab[0][w >> 56];
	}
	while (len--)
		c = crc_tab[0][(c ^ *p++) & 0xff] ^ c >> 8;
	return ~c;
}

/* The same a bit at a time, to check the tables against. */
__u32 crc32c_bitwise(__u32 seed, const __u8 *p, size_t len)
{
	__u32 c = ~seed;
	unsigned int bit;

	while (len--) {
		c ^= *p++;
		for (bit = 0; bit < 8; bit++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
	}
	return ~c;
}

/*
 * C = A x B: int32 matrices, row major, densely packed, little endian,
 * arithmetic modulo 2^32 (unsigned, so wrapping is defined).  A may sit at
 * any byte address.
 */
void gemm_ref(__u8 *c, const __u8 *a, const __u8 *b, __u32 m, __u32 n,
	      __u32 k)
{
	__u32 *acc = calloc(n, sizeof(*acc));
	const __u8 *brow;
	__u32 i, j, p, x;

	if (!acc)
		abort();
	for (i = 0; i < m; i++) {
		memset(acc, 0, n * sizeof(*acc));
		for (p = 0; p < k; p++) {
			x = get_le32(a + 4 * ((size_t)i * k + p));
			brow = b + 4 * (size_t)p * n;
			for (j = 0; j < n; j++)
				acc[j] += x * get_le32(brow + 4 * j);
		}
		for (j = 0; j < n; j++)
			put_le32(c + 4 * ((size_t)i * n + j), acc[j]);
	}
	free(acc);
}

/* Byte i of a FILL's destination: byte i % 8 of @value. */
__u8 fill_byte(__u64 value, size_t i)
{
	return value >> 8 * (i % 8);
}

/* @p holds the FILL of @len bytes with @value; *at the first bad byte. */
bool fill_ok(const __u8 *p, size_t len, __u64 value, size_t *at)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != fill_byte(value, i))
			break;
	*at = i;
	return i == len;
}

