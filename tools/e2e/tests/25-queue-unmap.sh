#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest memory unmapped under the function's feet (tools/vaccel-vfio
# unmap): VFIO_IOMMU_UNMAP_DMA of the source of a running CRC32C and of
# the destination of a running COPY stops the queue with DMA, of a ring or
# writeback with RING; a reset and a new mapping recover it; the client
# exits with a 1 GiB command running.  Then the instance works as before
# (vaccel-vfio ops), and the kernel stays quiet (the harness fails the
# test on a WARNING or Oops).
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
u=$(new_uuid)
dev=/sys/bus/mdev/devices/$u
sysfs_write "$types/accel-1of2/create" "$u"

log_step "unmap on $u"
dmesg -C
out=$VACCEL_RESULTS/25-unmap.txt
resets0=$(cat "$dev/vaccel/resets")
t0=$SECONDS
if ! "$vfio" unmap "$u" >"$out" 2>&1; then
	grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 20 "$out"
	fail "vaccel-vfio unmap failed (full output: $out)"
fi
grep -E "^== |^  -- |^  note" "$out"
tail -n 1 "$out"
echo "unmap took $((SECONDS - t0)) s; sysfs errors $(cat "$dev/vaccel/errors")"
grep "^vaccel-vfio: unmap .*: all [0-9]* checks passed" "$out" >/dev/null ||
	fail "no 'all checks passed' line"
[ "$(cat "$dev/vaccel/errors")" -ge 5 ] || fail "fewer than 5 queue errors counted"
# Exiting with a command running: the close reset the function.
[ "$(cat "$dev/vaccel/resets")" -gt "$resets0" ] || fail "no reset counted for the close"

log_step "the instance still works: ops on $u"
out=$VACCEL_RESULTS/25-ops.txt
if ! "$vfio" ops "$u" >"$out" 2>&1; then
	grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 20 "$out"
	fail "vaccel-vfio ops after unmap failed (full output: $out)"
fi
tail -n 1 "$out"

dmesg >"$VACCEL_RESULTS/25-dmesg.txt"
grep -m 20 -F "$u" "$VACCEL_RESULTS/25-dmesg.txt" || true
sysfs_write "$dev/remove" 1
