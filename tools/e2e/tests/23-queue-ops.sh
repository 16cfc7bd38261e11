#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The command queues from userspace through VFIO (tools/vaccel-vfio ops):
# every operation on IOVAs mapped with VFIO_IOMMU_MAP_DMA and on BAR2,
# results checked byte for byte against the client's own CRC-32C and GEMM;
# the IRQ flag on MSI-X vectors 1-4 and on MSI; all four queues at once;
# HEAD and TAIL wrapping small rings; the host statistics.  On one instance
# of each type: accel-1of1 alone on a 256 MiB card, then accel-1of2 and
# accel-1of4 side by side.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio

# run_ops NAME UUID: "vaccel-vfio ops", its output in
# $VACCEL_RESULTS/23-ops-NAME.txt; fails with its FAIL lines.
run_ops()
{
	local out=$VACCEL_RESULTS/23-ops-$1.txt rc=0 t0=$SECONDS
	local dev=/sys/bus/mdev/devices/$2 jobs0 jobs1

	jobs0=$(cat "$dev/vaccel/jobs")
	"$vfio" ops "$2" >"$out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 20 "$out"
		fail "vaccel-vfio ops on $1 exited $rc (full output: $out)"
	fi
	grep "^vaccel-vfio: ops .*: all [0-9]* checks passed" "$out" >/dev/null ||
		fail "no 'all checks passed' line for $1"
	if grep "^  FAIL" "$out" >/dev/null; then
		fail "FAIL lines for $1 despite exit 0"
	fi
	grep "^  note" "$out" || true
	echo "$1: $(tail -n 1 "$out") in $((SECONDS - t0)) s"
	jobs1=$(cat "$dev/vaccel/jobs")
	echo "$1: jobs $jobs0 -> $jobs1, bytes $(cat "$dev/vaccel/bytes")," \
	     "busy_ns $(cat "$dev/vaccel/busy_ns"), errors $(cat "$dev/vaccel/errors")"
	[ "$jobs1" -gt "$jobs0" ] || fail "jobs of $1 did not grow"
	assert_eq 0 "$(cat "$dev/vaccel/errors")" "errors of $1"
}

dmesg -C
log_step "accel-1of1 alone on the card"
u1=$(new_uuid)
sysfs_write "$types/accel-1of1/create" "$u1"
run_ops 1of1 "$u1"
sysfs_write "/sys/bus/mdev/devices/$u1/remove" 1

log_step "accel-1of2 and accel-1of4 side by side, one after the other"
u2=$(new_uuid)
u3=$(new_uuid)
sysfs_write "$types/accel-1of2/create" "$u2"
sysfs_write "$types/accel-1of4/create" "$u3"
run_ops 1of2 "$u2"
run_ops 1of4 "$u3"

log_step "no queue error was logged"
dmesg >"$VACCEL_RESULTS/23-dmesg.txt"
if grep -iE "($u1|$u2|$u3).*(queue|error)" "$VACCEL_RESULTS/23-dmesg.txt"; then
	fail "queue errors logged for instances that had none"
fi
sysfs_write "/sys/bus/mdev/devices/$u2/remove" 1
sysfs_write "/sys/bus/mdev/devices/$u3/remove" 1
