/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark suites share (bench_test.c, engine_test.c): how many
 * runs a figure takes, the module parameter bench_runs of the KUnit
 * module, and where they run.
 */
#ifndef _VACCEL_KUNIT_BENCH_H
#define _VACCEL_KUNIT_BENCH_H

#include <kunit/test.h>
#include <linux/kconfig.h>

unsigned int vkt_bench_runs(void);

/*
 * The benchmarks' figures are taken natively, under UML (make bench).
 * Under TCG (the x86_64 run) the simulation would only repeat the same
 * exact figures some fifty times slower, and times mean little: skipped.
 */
static inline void vkt_bench_native_only(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_UML))
		kunit_skip(test, "a benchmark, run natively under UML (make bench)");
}

#endif /* _VACCEL_KUNIT_BENCH_H */
