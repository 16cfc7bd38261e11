#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Creating and removing each type through sysfs, as an operator does; each
# instance is a VFIO device that a userspace client can open and close.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 engines=4 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types

avail() {
	echo "$(cat $types/accel-1of1/available_instances)" \
	     "$(cat $types/accel-1of2/available_instances)" \
	     "$(cat $types/accel-1of4/available_instances)"
}

for t in 1of1:0-3:268435456:"0 0 0" 1of2:0-1:134217728:"0 1 2" 1of4:0:67108864:"0 1 3"; do
	IFS=: read -r name slots size after <<<"$t"
	u=$(new_uuid)
	log_step "create accel-$name $u with echo"
	echo "$u" > "$types/accel-$name/create"
	dev=/sys/bus/mdev/devices/$u
	[ -d "$dev" ] || fail "$dev missing after create"
	assert_eq "accel-$name" "$(basename "$(readlink "$dev/mdev_type")")" "mdev_type link"
	assert_eq "$slots" "$(cat "$dev/vaccel/slots")" "slots"
	assert_eq "$size" "$(cat "$dev/vaccel/memory_size")" "memory_size"
	[ -e "$types/accel-$name/devices/$u" ] || fail "not listed in the type's devices"
	assert_eq "$after" "$(avail)" "available after creating accel-$name"

	group=$(basename "$(readlink "$dev/iommu_group")")
	[ -c "/dev/vfio/$group" ] || fail "/dev/vfio/$group missing"
	assert_eq vaccel "$(basename "$(readlink "$dev/driver")")" "mdev driver"

	log_step "open and close it through VFIO"
	"$REPO/tools/vaccel-vfio" info "$u"

	log_step "remove it with echo 1 > remove"
	echo 1 > "$dev/remove"
	[ ! -e "$dev" ] || fail "$dev still there after remove"
	[ ! -e "/dev/vfio/$group" ] || fail "/dev/vfio/$group still there"
	assert_eq "1 2 4" "$(avail)" "available after removing accel-$name"
done

log_step "vaccelctl create/list/remove"
u=$("$REPO/tools/vaccelctl" create accel-1of2)
"$REPO/tools/vaccelctl" list | tee "$VACCEL_RESULTS/vaccelctl-list.txt"
grep -q "^$u  accel-1of2  vaccel-sim.0  0-1" "$VACCEL_RESULTS/vaccelctl-list.txt" ||
	fail "vaccelctl list does not show $u"
"$REPO/tools/vaccelctl" remove "$u"
[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "vaccelctl remove left $u"

