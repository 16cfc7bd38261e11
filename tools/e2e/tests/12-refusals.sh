#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Operator mistakes get a clear errno and change nothing: over capacity
# (ENOSPC, with one log line naming card and type), a malformed UUID
# (EINVAL), a UUID already in use (EEXIST).
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=2 mem_mb=64
t0=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
t1=/sys/bus/platform/devices/vaccel-sim.1/mdev_supported_types
avail0() {
	cat $t0/accel-1of1/available_instances $t0/accel-1of2/available_instances \
	    $t0/accel-1of4/available_instances | xargs
}

u1=$(new_uuid)
u2=$(new_uuid)
sysfs_write "$t0/accel-1of2/create" "$u1"
assert_eq "0 1 2" "$(avail0)" "after one 1of2"

log_step "over capacity: ENOSPC, one log line naming card and type"
dmesg -C
sysfs_write "$t0/accel-1of4/create" "$(new_uuid)"
sysfs_write "$t0/accel-1of4/create" "$(new_uuid)"
assert_eq "0 0 0" "$(avail0)" "card 0 full"
for t in accel-1of1 accel-1of2 accel-1of4; do
	expect_errno ENOSPC sysfs_write "$t0/$t/create" "$u2"
done
assert_eq "0 0 0" "$(avail0)" "unchanged after refusals"
assert_eq 3 "$(ls /sys/bus/mdev/devices | wc -l)" "instances after refusals"
[ ! -e "/sys/bus/mdev/devices/$u2" ] || fail "refused $u2 exists"
dmesg > "$VACCEL_RESULTS/12-dmesg.txt"
for t in accel-1of1 accel-1of2 accel-1of4; do
	n=$(grep -c "vaccel-sim.0: cannot create $t instance $u2: needs [124] aligned free slots, slots in use: 0-3" \
		"$VACCEL_RESULTS/12-dmesg.txt" || true)
	assert_eq 1 "$n" "log lines for refused $t"
done

log_step "the other card is untouched and still has room"
assert_eq 1 "$(cat $t1/accel-1of1/available_instances)" "card 1 1of1"
sysfs_write "$t1/accel-1of1/create" "$u2"

log_step "malformed UUIDs: EINVAL"
for bad in not-a-uuid x 12345678-1234-1234-1234-12345678901 \
	   "$u1-extra" zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz; do
	expect_errno EINVAL sysfs_write "$t1/accel-1of4/create" "$bad"
done

log_step "duplicate UUID: EEXIST, on the same card, another type, another card"
expect_errno EEXIST sysfs_write "$t0/accel-1of2/create" "$u1"
expect_errno EEXIST sysfs_write "$t0/accel-1of4/create" "$u1"
sysfs_write "/sys/bus/mdev/devices/$u2/remove" 1
expect_errno EEXIST sysfs_write "$t1/accel-1of1/create" "$u1"
assert_eq 1 "$(cat $t1/accel-1of1/available_instances)" "card 1 free again"

log_step "removing frees the slots"
for d in /sys/bus/mdev/devices/*; do
	sysfs_write "$d/remove" 1
done
assert_eq "1 2 4" "$(avail0)" "card 0 empty"
