/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of vaccel-vfio ops in ops-queue.c, which command_ops() in ops.c
 * runs with the others.
 */
#ifndef _VFIO_OPS_H
#define _VFIO_OPS_H

struct qenv;

void ops_irq_msix(struct qenv *e);
void ops_irq_msi(struct qenv *e);
void ops_irq_intx(struct qenv *e);
void ops_wrap(struct qenv *e);
void ops_limits(struct qenv *e);
void ops_gates(struct qenv *e);

#endif
