// SPDX-License-Identifier: GPL-2.0
/*
 * Checks and what they print (report.h).
 */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "vdev.h"

/* Reporting */

const char *errname(int err)
{
	if (!err)
		return "success";
	if (err < 0)
		err = -err;
	return strerrorname_np(err) ?: "E?";
}

void section(const char *title)
{
	printf("== %s\n", title);
}

/* Record a check: prints "ok" or "FAIL" and what was checked. */
[[gnu::format(printf, 3, 4)]]
bool check(struct vdev *v, bool ok, const char *fmt, ...)
{
	char what[sizeof(v->first_failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	v->checks++;
	printf("  %-5s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok && !v->failures++)
		snprintf(v->first_failure, sizeof(v->first_failure), "%s", what);
	return ok;
}

bool check_eq(struct vdev *v, const char *what, __u64 got, __u64 want)
{
	if (got == want)
		return check(v, true, "%s = %#llx", what, got);
	return check(v, false, "%s = %#llx, expected %#llx", what, got, want);
}

/* A refusal: @got is 0 or the negative errno the operation gave. */
bool check_errno(struct vdev *v, const char *what, int got, int want)
{
	if (got == want)
		return check(v, true, "%s: %s", what, errname(got));
	return check(v, false, "%s: %s, expected %s", what, errname(got),
		     errname(want));
}

/* Something worth saying that is not a failed check. */
[[gnu::format(printf, 1, 2)]]
void remark(const char *fmt, ...)
{
	va_list ap;

	printf("  note  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

