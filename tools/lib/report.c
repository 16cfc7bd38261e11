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

/* Reporting */

struct report_style report_style = {
	.pass = "  ok    ",
	.fail = "  FAIL  ",
	.note = "  note  ",
};

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

/* Record a check in @r and print it: "ok" or "FAIL", what was checked. */
[[gnu::format(printf, 3, 4)]]
bool check(struct report *r, bool ok, const char *fmt, ...)
{
	char what[sizeof(r->first_failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	r->checks++;
	printf("%s%s\n", ok ? report_style.pass : report_style.fail, what);
	if (!ok && !r->failures++)
		snprintf(r->first_failure, sizeof(r->first_failure), "%s", what);
	return ok;
}

bool check_eq(struct report *r, const char *what, __u64 got, __u64 want)
{
	if (got == want)
		return check(r, true, "%s = %#llx", what, got);
	return check(r, false, "%s = %#llx, expected %#llx", what, got, want);
}

/* A refusal: @got is 0 or the negative errno the operation gave. */
bool check_errno(struct report *r, const char *what, int got, int want)
{
	if (got == want)
		return check(r, true, "%s: %s", what, errname(got));
	return check(r, false, "%s: %s, expected %s", what, errname(got),
		     errname(want));
}

/* Something worth saying that is not a failed check. */
[[gnu::format(printf, 1, 2)]]
void remark(const char *fmt, ...)
{
	va_list ap;

	printf("%s", report_style.note);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

