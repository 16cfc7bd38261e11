#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Removing an instance that a VFIO user has open: the driver's request
# callback signals the user's REQ eventfd, the user (tools/vaccel-vfio req)
# closes the device, and the removal completes within seconds, giving the
# slots back.  A user without a REQ eventfd (vaccel-vfio hold) keeps the
# removal waiting until it closes the device.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
avail()
{
	cat $types/accel-1of1/available_instances $types/accel-1of2/available_instances \
	    $types/accel-1of4/available_instances | xargs
}

# wait_for PATTERN FILE PID: until FILE has a line matching PATTERN (10 s).
wait_for()
{
	for _ in $(seq 100); do
		grep -q "$1" "$2" && return 0
		kill -0 "$3" 2>/dev/null || fail "process $3 ended before '$1': $(cat "$2")"
		sleep 0.1
	done
	fail "no '$1' within 10 s: $(cat "$2")"
}

# gone_within SECONDS PATH: until PATH no longer exists.
gone_within()
{
	for _ in $(seq $(($1 * 10))); do
		[ -e "$2" ] || return 0
		sleep 0.1
	done
	fail "$2 still there after $1 s"
}

u=$(new_uuid)
dev=/sys/bus/mdev/devices/$u
sysfs_write "$types/accel-1of2/create" "$u"
assert_eq "0 1 2" "$(avail)" "available with the instance"

log_step "a user with a REQ eventfd is asked to release the device"
dmesg -C
out=$VACCEL_RESULTS/22-req.txt
"$vfio" req "$u" >"$out" 2>&1 &
req=$!
wait_for "^armed" "$out" $req
# The remover times its own write: from the write to the instance's end.
remove_timed()
{
	local t0=$EPOCHREALTIME rc=0

	sysfs_write "$1/remove" 1 || rc=$?
	echo "$EPOCHREALTIME - $t0" > "$2"
	return $rc
}
remove_timed "$dev" "$VACCEL_RESULTS/22-remove-time" &
remover=$!
for _ in $(seq 100); do
	kill -0 $req 2>/dev/null || break
	sleep 0.1
done
kill -0 $req 2>/dev/null && fail "vaccel-vfio req still running 10 s after the removal started: $(cat "$out")"
rc=0
wait $req || rc=$?
cat "$out"
assert_eq 0 "$rc" "exit status of vaccel-vfio req"
grep -q "^request received" "$out" || fail "no 'request received'"
rc=0
wait $remover || rc=$?
assert_eq 0 "$rc" "exit status of the removal"
[ ! -e "$dev" ] || fail "$dev still there after the removal returned"
read -r t1 _ t0 < "$VACCEL_RESULTS/22-remove-time"
ms=$(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 ))
echo "the removal took $ms ms, the user's close included"
[ "$ms" -lt 5000 ] || fail "removal took $ms ms"
assert_eq "1 2 4" "$(avail)" "available after the removal"
dmesg | grep "$u: removal pending: asked the user to release the device" >/dev/null ||
	fail "no log line about the request to release $u"

log_step "a user without a REQ eventfd holds the removal until it closes"
u=$(new_uuid)
dev=/sys/bus/mdev/devices/$u
sysfs_write "$types/accel-1of4/create" "$u"
assert_eq "0 1 3" "$(avail)" "available with the instance"
out=$VACCEL_RESULTS/22-hold.txt
"$vfio" hold "$u" >"$out" 2>&1 &
holder=$!
wait_for "^holding" "$out" $holder
dmesg -C
sysfs_write "$dev/remove" 1 &
remover=$!
sleep 2
kill -0 $remover 2>/dev/null || fail "removal finished while the device is open"
# The driver core drops the bus link at once; the slots stay held until
# the driver's remove, which waits for the user.
assert_eq "0 1 3" "$(avail)" "available while the removal waits"
dmesg | grep "$u: removal pending: the user has no request eventfd" >/dev/null ||
	fail "no log line saying the user has no request eventfd"
kill -TERM $holder
rc=0
wait $holder || rc=$?
assert_eq 0 "$rc" "exit status of vaccel-vfio hold"
rc=0
wait $remover || rc=$?
assert_eq 0 "$rc" "exit status of the removal"
gone_within 5 "$dev"
assert_eq "1 2 4" "$(avail)" "available after the second removal"
