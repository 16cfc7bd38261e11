/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the queue operations must compute, computed by the client: CRC-32C
 * (with tables, and bitwise to check them), GEMM, the bytes of a FILL.
 */
#ifndef _LIB_MODEL_H
#define _LIB_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

void crc32c_init(void);
__u32 crc32c(__u32 seed, const void *buf, size_t len);
__u32 crc32c_bitwise(__u32 seed, const __u8 *p, size_t len);
void gemm_ref(__u8 *c, const __u8 *a, const __u8 *b, __u32 m, __u32 n,
	      __u32 k);
__u8 fill_byte(__u64 value, size_t i);
bool fill_ok(const __u8 *p, size_t len, __u64 value, size_t *at);

#endif
