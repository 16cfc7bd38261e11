#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What OpenStack Nova and KubeVirt read of a card and its instances, in the
# form they expect (docs/cloud.md): the parent under /sys/class/mdev_bus by
# its PCI address, each type's name, description, device_api and
# available_instances, creation through the class path, the instance as a
# symlink whose parent and mdev_type resolve to that PCI address, the
# parent's numa_node, the instance's IOMMU group and /dev/vfio node; and a
# card in drain shows 0 available to both.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

PF=0000:00:10.0
CLASS=/sys/class/mdev_bus/$PF
PCIADDR_RE='^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$'

load_vaccel pci_cards=$PF

log_step "the parent: /sys/class/mdev_bus/$PF, a PCI device with a NUMA node"
[ -L "$CLASS" ] || fail "$CLASS is not a symlink"
assert_eq "/sys/devices/pci0000:00/$PF" "$(readlink -f "$CLASS")" "where $CLASS leads"
grep -Eq "$PCIADDR_RE" <<<"$PF" || fail "parent name $PF is not a canonical PCI address"
numa=$(cat "/sys/bus/pci/devices/$PF/numa_node")
[[ $numa =~ ^-?[0-9]+$ ]] || fail "numa_node '$numa' is not an integer"
echo "numa_node: $numa"

log_step "each type: name, description, device_api, available_instances, create"
declare -A want_avail=([accel-1of1]=1 [accel-1of2]=2 [accel-1of4]=4)
for t in accel-1of1 accel-1of2 accel-1of4; do
	d=$CLASS/mdev_supported_types/$t
	[ -d "$d" ] || fail "no type directory $d"
	name=$(cat "$d/name")
	assert_eq "$t" "$name" "name of $t (KubeVirt's mdevNameSelector matches it)"
	[[ $name != *" "* ]] || fail "name '$name' has spaces"
	assert_eq vfio-pci "$(cat "$d/device_api")" "device_api of $t (Nova takes vfio-pci types only)"
	assert_eq "${want_avail[$t]}" "$(cat "$d/available_instances")" "available_instances of $t"
	desc=$(cat "$d/description")
	[ -n "$desc" ] && [ "$(wc -l <"$d/description")" -eq 1 ] || fail "description of $t: '$desc'"
	echo "$t: $desc"
	[ -w "$d/create" ] || fail "$d/create is not writable"
	[ -d "$d/devices" ] || fail "$d/devices missing"
done

log_step "create through the class path, as Nova's privsep and KubeVirt's virt-handler do"
u=$(new_uuid)
sysfs_write "$CLASS/mdev_supported_types/accel-1of2/create" "$u"
m=/sys/bus/mdev/devices/$u
[ -L "$m" ] || fail "$m is not a symlink (KubeVirt skips what is not)"
[ -L "$CLASS/mdev_supported_types/accel-1of2/devices/$u" ] || fail "the type's devices/ does not list $u"
link=$(readlink "$m")
parent=$(basename "$(dirname "$link")")
assert_eq "$PF" "$parent" "parent from the link's second-to-last component ($link)"
typedir=$(readlink -f "$m/mdev_type")
assert_eq "$PF" "$(basename "$(dirname "$(dirname "$typedir")")")" "parent from mdev_type ($typedir)"
assert_eq accel-1of2 "$(basename "$typedir")" "type directory"
assert_eq accel-1of2 "$(cat "$m/mdev_type/name")" "mdev_type/name"
group=$(basename "$(readlink "$m/iommu_group")")
[[ $group =~ ^[0-9]+$ ]] || fail "iommu_group '$group' is not a number"
[ -c "/dev/vfio/$group" ] || fail "/dev/vfio/$group is not a character device"
echo "instance $u: parent $parent, IOMMU group $group"
assert_eq "0 1 2" "$(cat "$CLASS"/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs)" \
	"available after one accel-1of2"

log_step "a card in drain shows 0 available to the schedulers, its instance stays"
sysfs_write "/sys/bus/pci/devices/$PF/vaccel/drain" 1
assert_eq "0 0 0" "$(cat "$CLASS"/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs)" \
	"available while draining"
dmesg -C
expect_errno EBUSY sysfs_write "$CLASS/mdev_supported_types/accel-1of4/create" "$(new_uuid)"
dmesg | grep -F "cannot create accel-1of4 instance" | grep -F "the card is draining" ||
	fail "no log line saying the card is draining"
"$REPO/tools/vaccel-vfio" ops "$u" >"$VACCEL_RESULTS/19-ops.txt" 2>&1 ||
	fail "the running instance failed during the drain: $(grep -m3 FAIL "$VACCEL_RESULTS/19-ops.txt")"
tail -n 1 "$VACCEL_RESULTS/19-ops.txt"
sysfs_write "/sys/bus/pci/devices/$PF/vaccel/drain" 0
assert_eq "0 1 2" "$(cat "$CLASS"/mdev_supported_types/accel-1of{1,2,4}/available_instances | xargs)" \
	"available after the drain"

log_step "remove, as Nova does when it cleans up"
sysfs_write "$m/remove" 1
[ ! -e "$m" ] || fail "$m still there"
unload_vaccel
