#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unloading the module: with no instances it just works; instances nobody
# uses are removed cleanly with their card; while a VFIO user holds an
# instance open the unload is refused (EBUSY, the VFIO core holds a module
# reference) and the instance stays intact until the user lets go.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types

log_step "no instances: rmmod works"
load_vaccel
rmmod vaccel
[ ! -d /sys/module/vaccel ] || fail "vaccel still loaded"

log_step "unused instances are removed cleanly by rmmod"
load_vaccel
u1=$(new_uuid)
u2=$(new_uuid)
sysfs_write "$types/accel-1of2/create" "$u1"
sysfs_write "$types/accel-1of4/create" "$u2"
dmesg -C
rmmod vaccel
[ ! -e "/sys/bus/mdev/devices/$u1" ] || fail "$u1 survived rmmod"
[ ! -e "/sys/bus/mdev/devices/$u2" ] || fail "$u2 survived rmmod"
dmesg | grep "removed accel-1of2 instance $u1" >/dev/null || fail "no removal log for $u1"
dmesg | grep "removed accel-1of4 instance $u2" >/dev/null || fail "no removal log for $u2"

log_step "an instance held open by a VFIO user blocks rmmod"
load_vaccel
sysfs_write "$types/accel-1of2/create" "$u1"
holder_out=$VACCEL_RESULTS/14-holder.out
"$REPO/tools/vaccel-vfio" hold "$u1" >"$holder_out" 2>&1 &
holder=$!
for _ in $(seq 100); do
	grep -q "^holding" "$holder_out" && break
	kill -0 $holder 2>/dev/null || fail "holder died: $(cat "$holder_out")"
	sleep 0.1
done
grep -q "^holding" "$holder_out" || fail "holder never opened $u1"
if rmmod vaccel 2>"$VACCEL_RESULTS/14-rmmod.err"; then
	fail "rmmod succeeded while $u1 is open"
fi
grep -qi "in use" "$VACCEL_RESULTS/14-rmmod.err" ||
	fail "unexpected rmmod error: $(cat "$VACCEL_RESULTS/14-rmmod.err")"
[ -d "/sys/bus/mdev/devices/$u1" ] || fail "$u1 gone after refused rmmod"
assert_eq 0 "$(cat $types/accel-1of1/available_instances)" "slots still held"

log_step "after the user closes, rmmod works"
kill -TERM $holder
wait $holder
grep -q "^released" "$holder_out" || fail "holder did not release"
rmmod vaccel
[ ! -e "/sys/bus/mdev/devices/$u1" ] || fail "$u1 survived rmmod"
