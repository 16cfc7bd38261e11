/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data: a 64-bit pattern that depends on the address, to fill memory
 * with and to check it by.
 */
#ifndef _LIB_PATTERN_H
#define _LIB_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "report.h"

__u64 pattern(__u64 off, __u64 seed);
void fill(__u64 *buf, __u64 off, size_t size, __u64 seed);
bool check_pattern(struct report *r, const char *what, const __u64 *buf,
		   __u64 off, size_t size, __u64 seed);

#endif
