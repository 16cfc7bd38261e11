#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e-timeout: 900
# Instance lifecycles under load (issue 13): while a neighbour N runs a
# verified workload (vaccel-vfio long) on the same card,
#  - 1000 create/remove cycles of an accel-1of4, every 25th opened and
#    closed through VFIO before its removal;
#  - a VFIO user killed (SIGKILL) with commands running on every queue:
#    the close resets the function, the instance works again;
#  - rmmod while a user runs commands: refused, everything keeps running;
#    once the user has gone, the unload removes every instance.
# N (runs of vaccel-vfio long, one after the other, each opening and
# closing it) gets every result right throughout, and the kernel log
# stays quiet (the harness fails the test on a WARNING, BUG or Oops).
# Under TCG: 1000 cycles in about 200 s, the whole test about 240 s.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
cycles=${VACCEL_LIFECYCLE_CYCLES:-1000}
uN=$(new_uuid)
uX=$(new_uuid)
sysfs_write "$types/accel-1of4/create" "$uN"
sysfs_write "$types/accel-1of2/create" "$uX"
devX=/sys/bus/mdev/devices/$uX

log_step "N ($uN) runs long, verified, for the whole test"
dmesg -C
# Runs of 15 s one after the other (each opens and closes N) until told
# to stop; the first that fails ends the loop with its status.
outN=$VACCEL_RESULTS/35-long-N
stop=$VACCEL_RESULTS/35-stop
(
	n=0
	while [ ! -e "$stop" ]; do
		"$vfio" long "$uN" --seconds 15 >"$outN.$n.txt" 2>&1 || exit 1
		grep -q "^vaccel-vfio: long .*: all [0-9]* checks passed" "$outN.$n.txt" || exit 1
		n=$((n + 1))
	done
	echo "$n" >"$outN.runs"
) &
pidN=$!

log_step "$cycles create/remove cycles of an accel-1of4, every 25th opened"
t0=$SECONDS
opened=0
for i in $(seq "$cycles"); do
	u=$(new_uuid)
	sysfs_write "$types/accel-1of4/create" "$u"
	if [ $((i % 25)) -eq 0 ]; then
		"$vfio" info "$u" >/dev/null 2>&1 || fail "cycle $i: info on $u failed"
		opened=$((opened + 1))
	fi
	sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
	[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "cycle $i: $u still there"
	if [ $((i % 250)) -eq 0 ]; then
		echo "  $i cycles in $((SECONDS - t0)) s"
		kill -0 $pidN 2>/dev/null || fail "a long run on N failed during the cycles"
	fi
done
echo "$cycles cycles ($opened opened) in $((SECONDS - t0)) s"
assert_eq "$(cat "$types/accel-1of4/available_instances")" 1 \
	"accel-1of4 available after the cycles (N and X hold 3 quarters)"

log_step "X ($uX): a user killed with commands running on every queue"
resets0=$(cat "$devX/vaccel/resets")
"$vfio" load "$uX" --seconds 600 >"$VACCEL_RESULTS/35-load-X.txt" 2>&1 &
pidX=$!
sleep 3
kill -0 $pidX 2>/dev/null || fail "load on X ended early: $(cat "$VACCEL_RESULTS/35-load-X.txt")"
jobs0=$(cat "$devX/vaccel/jobs")
kill -KILL $pidX
wait $pidX 2>/dev/null || true
[ "$(cat "$devX/vaccel/resets")" -gt "$resets0" ] || fail "no reset counted for the close"
echo "X completed $jobs0 commands before the kill"
"$vfio" ops "$uX" >"$VACCEL_RESULTS/35-ops-X.txt" 2>&1 ||
	fail "X does not work after the kill (see 35-ops-X.txt)"

log_step "rmmod while X runs commands: refused, nothing stops"
"$vfio" load "$uX" --seconds 20 >"$VACCEL_RESULTS/35-load-X2.txt" 2>&1 &
pidX=$!
sleep 3
rc=0
rmmod vaccel 2>"$VACCEL_RESULTS/35-rmmod.err" || rc=$?
[ "$rc" -ne 0 ] || fail "rmmod succeeded with instances in use"
echo "rmmod refused: $(cat "$VACCEL_RESULTS/35-rmmod.err")"
[ -d "$devX" ] || fail "X went away with the refused rmmod"
wait $pidX || fail "load on X failed after the refused rmmod (see 35-load-X2.txt)"
tail -n 2 "$VACCEL_RESULTS/35-load-X2.txt"

log_step "N: every result right"
touch "$stop"
rcN=0
wait $pidN || rcN=$?
[ "$rcN" -eq 0 ] || fail "a long run on N failed (see 35-long-N.*.txt)"
runs=$(cat "$outN.runs")
[ "$runs" -ge 2 ] || fail "only $runs long runs on N"
echo "N: $runs long runs of 15 s, every result right; the last:"
tail -n 1 "$outN.$((runs - 1)).txt"

log_step "the users gone, rmmod removes every instance"
rmmod vaccel || fail "rmmod failed once nobody used the instances"
[ ! -e "/sys/bus/mdev/devices/$uN" ] || fail "$uN survived rmmod"
[ ! -e "$devX" ] || fail "$uX survived rmmod"
