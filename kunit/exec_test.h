/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cases of the KUnit suite vaccel_exec (exec_test.c) that live in
 * exec_check_test.c.
 */
#ifndef _VACCEL_EXEC_TEST_H
#define _VACCEL_EXEC_TEST_H

#include <kunit/test.h>

void vaccel_exec_test_check(struct kunit *test);
void vaccel_exec_test_check_precedence(struct kunit *test);
void vaccel_exec_test_check_byte_order(struct kunit *test);
const void *vaccel_exec_check_gen_params(const void *prev, char *desc);
const void *vaccel_exec_precedence_gen_params(const void *prev, char *desc);

#endif /* _VACCEL_EXEC_TEST_H */
