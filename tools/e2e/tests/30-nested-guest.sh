#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real client path: a QEMU inside the test VM (TCG in TCG) gets an
# accel-1of4 instance through vfio-pci, behind a PCIe root port, and its
# guest (tools/nested's initramfs running tools/guest/vaccel-guest) checks
# the function as a guest OS sees it: IDs, class, BAR sizes, capabilities,
# BAR0 registers, BAR2 memory, and FLR through "echo 1 > reset", which must
# reach the instance (its host-side reset counter goes up meanwhile) and
# clear its memory.  The inner boot takes one to three minutes; inner QEMU
# timeout VACCEL_NESTED_TIMEOUT (default: 30 s less than the test's).
# The inner boot alone took 140 s on an idle machine and over 300 s on a
# loaded one (TCG in TCG):
# e2e-timeout: 600
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

out=$VACCEL_RESULTS/30-nested-guest
mkdir -p "$out"
guest=$REPO/tools/guest/vaccel-guest
[ -x "$guest" ] || fail "$guest not built: run 'make tools'"

# What is written to $VACCEL_CACHE here vanishes at power off (the VM's
# root is a tmpfs overlay): read the cache, build elsewhere.
log_step "inner initramfs and kernel: from the cache, else built here"
initramfs=$("$REPO/tools/nested/build-initramfs.sh" \
	--cache "$VACCEL_CACHE/nested" --build-dir "$out")
kernel=$("$REPO/tools/nested/extract-vmlinux.sh" \
	--cache "$VACCEL_CACHE/nested" --build-dir /tmp/vaccel-nested \
	"/boot/vmlinuz-$(uname -r)")
echo "initramfs $initramfs, kernel $kernel"

log_step "load vaccel, create an accel-1of4 instance through sysfs"
load_vaccel cards=1 engines=4 mem_mb=256
u=$(new_uuid)
echo "$u" > /sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types/accel-1of4/create
dev=/sys/bus/mdev/devices/$u
[ -d "$dev" ] || fail "$dev missing after create"
size=$(cat "$dev/vaccel/memory_size")
assert_eq 67108864 "$size" "memory_size of accel-1of4 (mem_mb=256)"
resets_before=$(cat "$dev/vaccel/resets")
echo "instance $u, $size bytes, resets $resets_before"

inner_timeout=${VACCEL_NESTED_TIMEOUT:-$((${VACCEL_TEST_TIMEOUT:-300} - 30))}
log_step "boot the inner guest with the instance (timeout ${inner_timeout} s)"
rc=0
"$REPO/tools/nested/run-inner.sh" --mdev "$u" --mem-size "$size" \
	--out "$out" --timeout "$inner_timeout" --kernel "$kernel" --initramfs "$initramfs" \
	--sample "$dev/vaccel/resets" || rc=$?
resets_after=$(cat "$dev/vaccel/resets")
echo "run-inner.sh exit $rc; resets $resets_before -> $resets_after"

log_step "the inner guest's verdict"
result=$(grep -a '^NESTED-RESULT ' "$out/console.txt" | tail -n 1 || true)
if [ -z "$result" ]; then
	qemu_msg=$(grep -a 'qemu-system' "$out/qemu.log" | tail -n 1 || true)
	fail "the inner guest printed no NESTED-RESULT line (run-inner.sh exit $rc)${qemu_msg:+; QEMU: $qemu_msg}"
fi
[[ $result =~ ^NESTED-RESULT\ passed=([0-9]+)\ failed=([0-9]+)$ ]] ||
	fail "malformed result line: $result"
[ "${BASH_REMATCH[1]}" -gt 0 ] || fail "no check passed in the inner guest: $result"
[ "${BASH_REMATCH[2]}" -eq 0 ] || fail "checks failed in the inner guest: $result"
echo "$result"

log_step "QEMU found a reset mechanism"
if grep -a -i 'no available reset mechanism' "$out/qemu.log" "$out/console.txt"; then
	fail "QEMU says the device has no reset mechanism"
fi

log_step "the guest's FLR reached the instance"
# sync.log: the reset counter when the guest was about to reset the
# function and when it was done.
before=$(awk '$1 == "before-reset" { print $2 }' "$out/sync.log")
after=$(awk '$1 == "after-reset" { print $2 }' "$out/sync.log")
echo "resets: at start $resets_before, before the guest's reset ${before:-?}," \
     "after it ${after:-?}, at the end $resets_after"
[[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]] ||
	fail "no reset counter samples around the guest's reset (sync.log: $(tr '\n' ';' < "$out/sync.log"))"
[ "$after" -gt "$before" ] || fail "the reset counter did not move during the guest's reset"
[ "$resets_after" -gt "$resets_before" ] || fail "the reset counter did not go up"

log_step "remove the instance"
echo 1 > "$dev/remove"
[ ! -e "$dev" ] || fail "$dev still there after remove"
unload_vaccel
