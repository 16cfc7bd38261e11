#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A card that is a PCI function: the VM's ivshmem-plain at 00:10.0 stands
# in for the card's physical function (tools/vm/boot.sh).  vaccel binds it
# only when told to (pci_cards= or driver_override), refuses a function
# that is not a card with a log line saying why, and serves instances whose
# BAR2 is a slice of the function's BAR2 beside a simulated card's.
# e2e-timeout: 420
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

PF=0000:00:10.0
NOTCARD=0000:00:11.0
PFDIR=/sys/bus/pci/devices/$PF
vfio=$REPO/tools/vaccel-vfio

override_of() {
	cat "/sys/bus/pci/devices/$1/driver_override"
}

bad_load() {
	local expect=$1
	shift
	log_step "insmod $*: refused, nothing bound"
	dmesg -C
	if insmod "$VACCEL_KO" "$@" 2>"$VACCEL_RESULTS/17-insmod.err"; then
		fail "insmod $* was accepted"
	fi
	cat "$VACCEL_RESULTS/17-insmod.err"
	[ ! -d /sys/module/vaccel ] || fail "vaccel loaded after insmod $*"
	dmesg | grep -F "vaccel: $expect" || fail "no log line 'vaccel: $expect'"
	assert_eq "(null)" "$(override_of $PF)" "driver_override of $PF after a refused load"
	[ ! -e "$PFDIR/driver" ] || fail "$PF bound after a refused load"
}

modprobe -a vfio vfio_iommu_type1 mdev
assert_eq "0x1af4 0x1110" "$(cat $PFDIR/vendor $PFDIR/device | xargs)" "the stand-in PF"

log_step "loading vaccel binds no PCI function by itself"
load_vaccel
[ ! -e "$PFDIR/driver" ] || fail "vaccel bound $PF without being asked"
[ -d /sys/bus/pci/drivers/accel ] || fail "no PCI driver 'accel'"
unload_vaccel

bad_load "pci_cards: $NOTCARD (1b36:0005) not a vaccel card" pci_cards=$NOTCARD
bad_load "pci_cards: there is no PCI function 0000:00:1f.0" pci_cards=$PF,0000:00:1f.0
bad_load "pci_cards='00:10.0;00:11.0' is invalid" "pci_cards=00:10.0;00:11.0"
bad_load "policy=fastest is invalid: must be best_effort, fixed_share, equal_share, rr, gvt, static or static_lend" policy=fastest
bad_load "slice_us=50 is invalid: must be from 100 to 100000" slice_us=50

log_step "pci_cards=$PF: the function is a card with the three types"
load_vaccel pci_cards=$PF
assert_eq accel "$(basename "$(readlink $PFDIR/driver)")" "driver of $PF"
assert_eq accel "$(override_of $PF)" "driver_override set by pci_cards"
assert_eq "pci 268435456 0" "$(cat $PFDIR/vaccel/backend $PFDIR/vaccel/memory_size $PFDIR/vaccel/drain | xargs)" \
	"backend, memory (BAR2) and drain"
assert_eq "1 2 4" "$(cat $PFDIR/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs)" \
	"available instances"
[ -e "/sys/class/mdev_bus/$PF" ] || fail "$PF is not in /sys/class/mdev_bus"
dmesg | grep -F "$PF: pci card: 4 engines, 256 MiB device memory (BAR2)"
[ -d /sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types ] ||
	fail "the simulated card is gone"

log_step "an accel-1of2 on the PCI card: its BAR2 is the PF's memory"
u=$(new_uuid)
sysfs_write "$PFDIR/mdev_supported_types/accel-1of2/create" "$u"
assert_eq "0 1 2" "$(cat $PFDIR/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs)" \
	"available after one 1of2"
assert_eq "$PF" "$(basename "$(dirname "$(readlink -f /sys/bus/mdev/devices/$u)")")" "parent of the instance"
"$vfio" check "$u" --mem-size $((128 << 20)) >"$VACCEL_RESULTS/17-check.txt" 2>&1 ||
	fail "check failed: $(grep -m3 FAIL "$VACCEL_RESULTS/17-check.txt")"
tail -n 1 "$VACCEL_RESULTS/17-check.txt"
"$vfio" ops "$u" >"$VACCEL_RESULTS/17-ops.txt" 2>&1 ||
	fail "ops failed: $(grep -m3 FAIL "$VACCEL_RESULTS/17-ops.txt")"
tail -n 1 "$VACCEL_RESULTS/17-ops.txt"

log_step "who holds it: vaccel/holder names the process that has it open"
assert_eq "" "$(cat /sys/bus/mdev/devices/$u/vaccel/holder)" "holder while closed"
"$vfio" hold "$u" >"$VACCEL_RESULTS/17-hold.txt" 2>&1 &
hold=$!
for _ in $(seq 50); do
	[ -n "$(cat /sys/bus/mdev/devices/$u/vaccel/holder)" ] && break
	sleep 0.2
done
assert_eq "$hold vaccel-vfio" "$(cat /sys/bus/mdev/devices/$u/vaccel/holder)" "holder while open"
kill -INT "$hold"
wait "$hold" || fail "hold exited with $?"
assert_eq "" "$(cat /sys/bus/mdev/devices/$u/vaccel/holder)" "holder after close"

log_step "the next user of the slice finds it zeroed (written through the PF's memory)"
sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
u=$(new_uuid)
sysfs_write "$PFDIR/mdev_supported_types/accel-1of1/create" "$u"
"$vfio" mem "$u" --mem-size $((256 << 20)) >"$VACCEL_RESULTS/17-mem.txt" 2>&1 ||
	fail "mem failed: $(grep -m3 FAIL "$VACCEL_RESULTS/17-mem.txt")"
tail -n 1 "$VACCEL_RESULTS/17-mem.txt"

log_step "a PCI and a simulated instance run verified work side by side"
s=$(create_instance 0 accel-1of4)
"$vfio" long "$u" --seconds 6 >"$VACCEL_RESULTS/17-long-pci.txt" 2>&1 &
a=$!
"$vfio" long "$s" --seconds 6 >"$VACCEL_RESULTS/17-long-sim.txt" 2>&1 ||
	fail "long on the simulated card failed: $(tail -n 3 "$VACCEL_RESULTS/17-long-sim.txt")"
wait "$a" || fail "long on the PCI card failed: $(tail -n 3 "$VACCEL_RESULTS/17-long-pci.txt")"
tail -n 1 "$VACCEL_RESULTS/17-long-pci.txt" "$VACCEL_RESULTS/17-long-sim.txt"
sysfs_write "/sys/bus/mdev/devices/$s/remove" 1
sysfs_write "/sys/bus/mdev/devices/$u/remove" 1

log_step "unloading unbinds the PF and clears the driver_override it set"
unload_vaccel
[ ! -e "$PFDIR/driver" ] || fail "$PF still bound after rmmod"
assert_eq "(null)" "$(override_of $PF)" "driver_override after rmmod"

log_step "driver_override and bind, as an operator does by hand"
load_vaccel
sysfs_write "/sys/bus/pci/devices/$NOTCARD/driver_override" accel
dmesg -C
expect_errno ENODEV sysfs_write /sys/bus/pci/drivers/accel/bind "$NOTCARD"
dmesg | grep -F "accel $NOTCARD: refused (1b36:0005, BAR2 0 bytes): not a vaccel card" ||
	fail "no log line naming why $NOTCARD was refused"
[ ! -e "/sys/bus/pci/devices/$NOTCARD/driver" ] || fail "$NOTCARD bound"
sysfs_write "/sys/bus/pci/devices/$NOTCARD/driver_override" ""
sysfs_write "$PFDIR/driver_override" accel
sysfs_write /sys/bus/pci/drivers/accel/bind "$PF"
assert_eq "1 2 4" "$(cat $PFDIR/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs)" \
	"available after bind"
u=$(new_uuid)
sysfs_write "$PFDIR/mdev_supported_types/accel-1of4/create" "$u"
log_step "unbind with an instance removes it first"
sysfs_write /sys/bus/pci/drivers/accel/unbind "$PF"
[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "instance $u survived the unbind"
assert_eq accel "$(override_of $PF)" "the operator's driver_override stays"
sysfs_write "$PFDIR/driver_override" ""
unload_vaccel
