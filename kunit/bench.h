/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark suites share (bench_test.c): how many runs a figure
 * takes, the module parameter bench_runs of the KUnit module.
 */
#ifndef _VACCEL_KUNIT_BENCH_H
#define _VACCEL_KUNIT_BENCH_H

unsigned int vkt_bench_runs(void);

#endif /* _VACCEL_KUNIT_BENCH_H */
