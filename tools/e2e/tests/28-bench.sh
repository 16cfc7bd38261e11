#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Figures of the engines under this VM (docs/benchmarks.md): commands per
# second with a doorbell per descriptor and per batch, COPY through guest
# memory and inside device memory, CRC32C, GEMM.  Times are figures, not
# checks (TCG's speed varies with the machine's load); the one assertion is
# the queue design's, as a count: while a client submits, each doorbell is
# one trapped write and no access reads a register (the client checks it
# against the instance's mmio_writes and mmio_reads).
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 engines=4 mem_mb=256
u=$(new_uuid)
sysfs_write /sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types/accel-1of1/create "$u"
out=$VACCEL_RESULTS/28-bench.txt
"$REPO/tools/vaccel-vfio" bench "$u" | tee "$out"
grep -q '^bench: traps while submitting .* per 64: 32 writes, 0 reads' "$out" ||
	fail "batched submission does not cost one trapped write per doorbell"
