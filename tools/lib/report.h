/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks and what they print.  section() heads a part of the output;
 * check() prints one line, "ok" or "FAIL" and what was checked, and counts
 * it in a struct report (check_eq() and check_errno() word a value and an
 * errno); remark() says something worth saying that is not a check.
 * report_style holds the words those lines begin with: vaccel-vfio's
 * unless the program sets others (vaccel-guest: "PASS", "FAIL", "INFO").
 */
#ifndef _LIB_REPORT_H
#define _LIB_REPORT_H

#include <stdbool.h>

#include <linux/types.h>

/* What a passed check's, a failed check's and a remark's line begin with. */
struct report_style {
	const char *pass;
	const char *fail;
	const char *note;
};

extern struct report_style report_style;

/* Checks made, how many failed, and what the first failure was. */
struct report {
	unsigned int checks;
	unsigned int failures;
	char first_failure[256];
};

const char *errname(int err);
void section(const char *title);
[[gnu::format(printf, 3, 4)]]
bool check(struct report *r, bool ok, const char *fmt, ...);
bool check_eq(struct report *r, const char *what, __u64 got, __u64 want);
bool check_errno(struct report *r, const char *what, int got, int want);
[[gnu::format(printf, 1, 2)]]
void remark(const char *fmt, ...);

#endif
