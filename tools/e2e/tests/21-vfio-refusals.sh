#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input through VFIO fails with the right errno and changes nothing
# (tools/vaccel-vfio refusals): config, BAR0, BAR2 and empty-region
# accesses of the wrong size or place, malformed info and SET_IRQS ioctls,
# refused mmaps.  A refused access logs a line naming the instance; another
# instance on the same card keeps its state and works.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
u1=$(new_uuid)
u2=$(new_uuid)
sysfs_write "$types/accel-1of2/create" "$u1"
sysfs_write "$types/accel-1of4/create" "$u2"

log_step "refusals on $u1 ($u2 on the same card watched)"
dmesg -C
out=$VACCEL_RESULTS/21-refusals.txt
if ! "$vfio" refusals "$u1" --other "$u2" >"$out" 2>&1; then
	grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 20 "$out"
	fail "vaccel-vfio refusals failed (full output: $out)"
fi
grep -E "^  -- |^  ok    .*unchanged|^vaccel-vfio" "$out"
n=$(grep -c "^  ok    .*: E[A-Z]*$" "$out" || true)
echo "$n refusals with the expected errno"
[ "$n" -ge 60 ] || fail "only $n refusals checked"

log_step "the kernel log names the instance for a refused access"
dmesg >"$VACCEL_RESULTS/21-dmesg.txt"
grep -F "$u1: config space: 4-byte read at 0x1000 refused" "$VACCEL_RESULTS/21-dmesg.txt" ||
	fail "no log line naming $u1 for the refused config read"
grep -F "$u1" "$VACCEL_RESULTS/21-dmesg.txt" | grep "BAR0: .* refused" >/dev/null ||
	fail "no log line naming $u1 for a refused BAR0 access"
if grep -F "$u2" "$VACCEL_RESULTS/21-dmesg.txt" | grep "refused\|outside" >/dev/null; then
	fail "refusals logged for $u2, which got none"
fi

log_step "the other instance works: mem on $u2"
"$vfio" mem "$u2" >"$VACCEL_RESULTS/21-mem-other.txt" 2>&1 ||
	fail "mem on $u2 failed: $(grep FAIL "$VACCEL_RESULTS/21-mem-other.txt")"
tail -n 1 "$VACCEL_RESULTS/21-mem-other.txt"

log_step "the refused instance still works: check on $u1"
"$vfio" check "$u1" --mem-size $((128 << 20)) >"$VACCEL_RESULTS/21-check.txt" 2>&1 ||
	fail "check on $u1 after the refusals failed: $(grep FAIL "$VACCEL_RESULTS/21-check.txt")"
tail -n 1 "$VACCEL_RESULTS/21-check.txt"

sysfs_write "/sys/bus/mdev/devices/$u1/remove" 1
sysfs_write "/sys/bus/mdev/devices/$u2/remove" 1
