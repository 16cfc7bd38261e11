#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e-timeout: 300
# Every kind of long command under every event that can cut it short
# (tools/vaccel-vfio midjob): for COPY, FILL, CRC32C, GEMM and BUSY on an
# accel-1of2 X, each of an unmap of an operand (BUSY: of its ring), an
# FLR, VFIO_DEVICE_RESET, the close of a client that exits with the
# command running, and the removal of the instance while it is open (the
# REQ eventfd path of 22-vfio-request.sh) happens 100 ms into the command.
# After the unmap, FLR and reset the client recovers the queue and checks
# a small command of the same kind; after a close the next client does
# (every run starts with one); after a removal X is gone and a new one is
# made for the next kind.  Meanwhile a neighbour N (accel-1of4, same card)
# runs vaccel-vfio long, one run after another, every result checked; all
# of them pass, and the kernel log stays quiet (the harness fails the test
# on a WARNING, BUG or Oops).
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
kinds=${VACCEL_MIDJOB_KINDS:-copy fill crc gemm busy}
uN=$(new_uuid)
sysfs_write "$types/accel-1of4/create" "$uN"

# ms_since T0: milliseconds since $EPOCHREALTIME was T0.
ms_since()
{
	local t1=$EPOCHREALTIME
	echo $(( (${t1/[.,]/} - ${1/[.,]/}) / 1000 ))
}

log_step "N ($uN) runs long, verified, for the whole test"
dmesg -C
outN=$VACCEL_RESULTS/36-long-N
stop=$VACCEL_RESULTS/36-stop
(
	n=0
	while [ ! -e "$stop" ]; do
		"$vfio" long "$uN" --seconds 10 >"$outN.$n.txt" 2>&1 || exit 1
		grep -q "^vaccel-vfio: long .*: all [0-9]* checks passed" "$outN.$n.txt" || exit 1
		n=$((n + 1))
	done
	echo "$n" >"$outN.runs"
) &
pidN=$!

t_all=$SECONDS
for kind in $kinds; do
	uX=$(new_uuid)
	devX=/sys/bus/mdev/devices/$uX
	sysfs_write "$types/accel-1of2/create" "$uX"
	for ev in unmap flr reset close; do
		out=$VACCEL_RESULTS/36-$kind-$ev.txt
		resets0=$(cat "$devX/vaccel/resets")
		t0=$EPOCHREALTIME
		rc=0
		timeout 120 "$vfio" midjob "$uX" --kind "$kind" --event "$ev" >"$out" 2>&1 || rc=$?
		ms=$(ms_since "$t0")
		if [ "$rc" -ne 0 ]; then
			grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 20 "$out"
			fail "$kind, $ev: vaccel-vfio midjob exit $rc (full output: $out)"
		fi
		grep -q "^midjob: running" "$out" || fail "$kind, $ev: the long command never ran"
		took=$(sed -n "s/^midjob: $ev returned after \(.*\)$/\1/p" "$out")
		echo "$kind, $ev: passed, client $ms ms${took:+, the $ev returned after $took}"
		if [ "$ev" = close ]; then
			[ "$(cat "$devX/vaccel/resets")" -gt "$resets0" ] ||
				fail "$kind, close: no reset counted for the close"
		fi
		kill -0 $pidN 2>/dev/null || fail "a long run on N failed (see 36-long-N.*.txt)"
	done

	# Removed while open, mid-command: the client is asked for the device.
	out=$VACCEL_RESULTS/36-$kind-remove.txt
	timeout 120 "$vfio" midjob "$uX" --kind "$kind" --event remove >"$out" 2>&1 &
	pidX=$!
	for _ in $(seq 600); do
		grep -q "^midjob: running" "$out" && break
		kill -0 $pidX 2>/dev/null || break
		sleep 0.1
	done
	grep -q "^midjob: running" "$out" || { cat "$out"; fail "$kind, remove: the long command never ran"; }
	t0=$EPOCHREALTIME
	timeout 60 sh -c "echo 1 > $devX/remove" || fail "$kind, remove: the removal failed or hung"
	ms=$(ms_since "$t0")
	rc=0
	wait $pidX || rc=$?
	[ "$rc" -eq 0 ] || { cat "$out"; fail "$kind, remove: vaccel-vfio midjob exit $rc"; }
	[ ! -e "$devX" ] || fail "$kind, remove: $devX still there"
	grep -q "^midjob: request received" "$out" || fail "$kind, remove: no request received"
	echo "$kind, remove: passed, the removal took $ms ms"
	[ "$ms" -lt 10000 ] || fail "$kind, remove: the removal took $ms ms"
done
echo "all kinds and events in $((SECONDS - t_all)) s"

log_step "N: every result right"
touch "$stop"
rcN=0
wait $pidN || rcN=$?
[ "$rcN" -eq 0 ] || fail "a long run on N failed (see 36-long-N.*.txt)"
runs=$(cat "$outN.runs")
[ "$runs" -ge 1 ] || fail "no long run on N completed"
echo "N: $runs long runs of 10 s, every result right; the last:"
grep "results right\|rounds in" "$outN.$((runs - 1)).txt" | xargs -d '\n' -n 1 echo " "
log_step "unload"
timeout 30 rmmod vaccel || fail "rmmod vaccel failed"
