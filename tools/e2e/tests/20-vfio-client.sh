#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A userspace VFIO client drives instances the way QEMU does
# (tools/vaccel-vfio check): PCI identity, VFIO regions and irq indexes,
# config space and capabilities, BAR sizing, BAR2 through mmap and the fd,
# MSI-X, MSI and INTx through eventfds, VFIO reset and FLR.  For each type,
# with the BAR2 size its slice of a 256 MiB card must have: accel-1of1
# alone on the card, then accel-1of2 and accel-1of4 side by side, checked
# concurrently.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
mib=$((1 << 20))

# start_check NAME UUID BYTES: "vaccel-vfio check" in the background, its
# output in $VACCEL_RESULTS/20-check-NAME.txt; sets $check_pid.
start_check()
{
	"$vfio" check "$2" --mem-size "$3" >"$VACCEL_RESULTS/20-check-$1.txt" 2>&1 &
	check_pid=$!
}

# end_check NAME PID: wait for it; show the outcome, fail with its FAILs.
end_check()
{
	local out=$VACCEL_RESULTS/20-check-$1.txt rc=0

	wait "$2" || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 20 "$out"
		fail "vaccel-vfio check of $1 exited $rc (full output: $out)"
	fi
	tail -n 1 "$out"
	grep -q "^vaccel-vfio: check .*: all [0-9]* checks passed" "$out" ||
		fail "no 'all checks passed' line for $1"
	! grep -q "^  FAIL" "$out" || fail "FAIL lines for $1 despite exit 0"
}

log_step "accel-1of1 alone on the card: BAR2 is the whole 256 MiB"
u1=$(new_uuid)
sysfs_write "$types/accel-1of1/create" "$u1"
start_check 1of1 "$u1" $((256 * mib))
end_check 1of1 $check_pid

log_step "config output of accel-1of1"
out=$VACCEL_RESULTS/20-config-1of1.txt
"$vfio" config "$u1" >"$out"
cat "$out"
grep -q "^  00: ce 1a 01 0a " "$out" || fail "config dump does not start with 1ace:0a01"
grep -q "^  00: .* 01 00 00 12 " "$out" || fail "config dump: no revision 1, class 120000"
for cap in "0x40: PCI Express (0x10): v2, endpoint, FLR+" \
	   "0x80: Power Management (0x01): version 3, D0" \
	   "0x88: MSI (0x05): Enable-, 1 vector(s)" \
	   "0x98: MSI-X (0x11): Enable-, Mask-, 8 vectors, table BAR0+0x2000, PBA BAR0+0x3000"; do
	grep -qF "  cap $cap" "$out" || fail "config: no line 'cap $cap'"
done
assert_eq 4 "$(grep -c '^  cap ' "$out")" "capability lines"

log_step "info with a wrong --mem-size fails and names the region"
if out=$("$vfio" info "$u1" --mem-size $((128 * mib)) 2>&1); then
	fail "info with --mem-size 128 MiB passed for a 256 MiB instance"
fi
grep -q "FAIL  region 2 BAR2 " <<<"$out" || fail "no FAIL line for region 2: $out"
sysfs_write "/sys/bus/mdev/devices/$u1/remove" 1

log_step "accel-1of2 (128 MiB) and accel-1of4 (64 MiB) side by side, concurrently"
u2=$(new_uuid)
u3=$(new_uuid)
sysfs_write "$types/accel-1of2/create" "$u2"
sysfs_write "$types/accel-1of4/create" "$u3"
start_check 1of2 "$u2" $((128 * mib))
pid2=$check_pid
start_check 1of4 "$u3" $((64 * mib))
pid3=$check_pid
end_check 1of2 $pid2
end_check 1of4 $pid3

log_step "each check opened and closed its instance once and reset it 3 times"
# the 3 resets of the reset check and the close
for u in "$u2" "$u3"; do
	assert_eq 4 "$(cat "/sys/bus/mdev/devices/$u/vaccel/resets")" "resets of $u"
done
sysfs_write "/sys/bus/mdev/devices/$u2/remove" 1
sysfs_write "/sys/bus/mdev/devices/$u3/remove" 1
