#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Figures of the engines under this VM (docs/benchmarks.md): commands per
# second with a doorbell per descriptor and per batch, COPY through
# vfio_dma_rw and inside device memory, CRC32C, GEMM.  The one assertion
# is the queue design's: batching doorbells makes NOPs cheaper.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 engines=4 mem_mb=256
u=$(new_uuid)
sysfs_write /sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types/accel-1of1/create "$u"
out=$VACCEL_RESULTS/28-bench.txt
"$REPO/tools/vaccel-vfio" bench "$u" | tee "$out"
ratio=$(sed -n 's/^bench: NOP, a doorbell per [0-9]*: .* (\([0-9.]*\)x)$/\1/p' "$out")
[ -n "$ratio" ] || fail "no batched NOP figure"
awk -v r="$ratio" 'BEGIN { exit !(r > 1.0) }' ||
	fail "a doorbell per batch is not cheaper per NOP (${ratio}x)"
