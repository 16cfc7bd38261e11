/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks and what they print.  section() heads a part of the output;
 * check() prints one line, "ok" or "FAIL" and what was checked, and counts
 * it (check_eq() and check_errno() word a value and an errno); remark()
 * says something worth saying that is not a check.
 */
#ifndef _LIB_REPORT_H
#define _LIB_REPORT_H

#include <stdbool.h>

#include <linux/types.h>

struct vdev;

const char *errname(int err);
void section(const char *title);
[[gnu::format(printf, 3, 4)]]
bool check(struct vdev *v, bool ok, const char *fmt, ...);
bool check_eq(struct vdev *v, const char *what, __u64 got, __u64 want);
bool check_errno(struct vdev *v, const char *what, int got, int want);
[[gnu::format(printf, 1, 2)]]
void remark(const char *fmt, ...);

#endif
