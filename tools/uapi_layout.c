// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of include/uapi/vaccel_vf.h, fixed: every offset and size as
 * the driver and its users rely on it.  tools/style.sh ("uapi") compiles
 * this for x86_64 and for i386 (where __u64 is 4-byte aligned), so a
 * field that would move between 32- and 64-bit callers, or padding that
 * the compiler would add, fails the build.  Nothing runs: each check is
 * a structure whose array has a negative size when the check fails.
 */
#include <stddef.h>

#include "../include/uapi/vaccel_vf.h"

/* A negative array size fails the compile, naming the check. */
#define CHECK(cond, name)	struct check_##name { char ok[(cond) ? 1 : -1]; }
#define AT(s, f, off)		CHECK(offsetof(struct s, f) == (off), s##_##f)
#define SIZE(s, n)		CHECK(sizeof(struct s) == (n), s##__sizeof)

AT(vaccel_vf_info, argsz, 0);
AT(vaccel_vf_info, flags, 4);
AT(vaccel_vf_info, mem_size, 8);
AT(vaccel_vf_info, mem_free, 16);
AT(vaccel_vf_info, version, 24);
AT(vaccel_vf_info, engines, 28);
AT(vaccel_vf_info, queues, 32);
AT(vaccel_vf_info, share_slots, 36);
AT(vaccel_vf_info, card_slots, 40);
AT(vaccel_vf_info, irq_mode, 44);
AT(vaccel_vf_info, queue, 48);
AT(vaccel_vf_info, max_ops, 52);
AT(vaccel_vf_info, alloc_align, 56);
AT(vaccel_vf_info, contexts, 64);
AT(vaccel_vf_info, pad, 68);
SIZE(vaccel_vf_info, 72);

AT(vaccel_vf_alloc, argsz, 0);
AT(vaccel_vf_alloc, flags, 4);
AT(vaccel_vf_alloc, size, 8);
AT(vaccel_vf_alloc, handle, 16);
AT(vaccel_vf_alloc, pad, 20);
AT(vaccel_vf_alloc, offset, 24);
SIZE(vaccel_vf_alloc, 32);

AT(vaccel_vf_free, argsz, 0);
AT(vaccel_vf_free, flags, 4);
AT(vaccel_vf_free, handle, 8);
AT(vaccel_vf_free, pad, 12);
SIZE(vaccel_vf_free, 16);

AT(vaccel_vf_operand, addr, 0);
AT(vaccel_vf_operand, handle, 8);
AT(vaccel_vf_operand, kind, 12);
SIZE(vaccel_vf_operand, 16);

AT(vaccel_vf_op, opcode, 0);
AT(vaccel_vf_op, flags, 2);
AT(vaccel_vf_op, len, 4);
AT(vaccel_vf_op, src, 8);
AT(vaccel_vf_op, src2, 24);
AT(vaccel_vf_op, dst, 40);
AT(vaccel_vf_op, value, 56);
AT(vaccel_vf_op, m, 64);
AT(vaccel_vf_op, n, 68);
AT(vaccel_vf_op, k, 72);
AT(vaccel_vf_op, reserved, 76);
SIZE(vaccel_vf_op, 80);

AT(vaccel_vf_submit, argsz, 0);
AT(vaccel_vf_submit, flags, 4);
AT(vaccel_vf_submit, ops, 8);
AT(vaccel_vf_submit, count, 16);
AT(vaccel_vf_submit, op_size, 20);
AT(vaccel_vf_submit, fence, 24);
SIZE(vaccel_vf_submit, 32);

AT(vaccel_vf_wait, argsz, 0);
AT(vaccel_vf_wait, flags, 4);
AT(vaccel_vf_wait, fence, 8);
AT(vaccel_vf_wait, timeout_ns, 16);
AT(vaccel_vf_wait, status, 24);
AT(vaccel_vf_wait, pad, 28);
SIZE(vaccel_vf_wait, 32);

AT(vaccel_vf_job, argsz, 0);
AT(vaccel_vf_job, flags, 4);
AT(vaccel_vf_job, fence, 8);
AT(vaccel_vf_job, state, 16);
AT(vaccel_vf_job, status, 20);
AT(vaccel_vf_job, hw_error, 24);
AT(vaccel_vf_job, op_index, 28);
SIZE(vaccel_vf_job, 32);

/* The ioctl numbers encode the sizes: they must not change either. */
CHECK(VACCEL_VF_IOC_INFO == 0xc048ac00, ioc_info);
CHECK(VACCEL_VF_IOC_ALLOC == 0xc020ac01, ioc_alloc);
CHECK(VACCEL_VF_IOC_FREE == 0x4010ac02, ioc_free);
CHECK(VACCEL_VF_IOC_SUBMIT == 0xc020ac03, ioc_submit);
CHECK(VACCEL_VF_IOC_WAIT == 0xc020ac04, ioc_wait);
CHECK(VACCEL_VF_IOC_JOB == 0xc020ac05, ioc_job);
