#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The three mdev types of a simulated card and their sysfs attributes.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 engines=4 mem_mb=256
card=/sys/bus/platform/devices/vaccel-sim.0
types=$card/mdev_supported_types

log_step "the card is bound to the accel driver and is an mdev parent"
assert_eq accel "$(basename "$(readlink "$card/driver")")" "card driver"
[ -e /sys/class/mdev_bus/vaccel-sim.0 ] || fail "no /sys/class/mdev_bus/vaccel-sim.0"
assert_eq "sim 4 268435456" \
	"$(cat "$card/vaccel/backend" "$card/vaccel/engines" "$card/vaccel/memory_size" | xargs)" \
	"card attributes"

log_step "exactly accel-1of1, accel-1of2, accel-1of4"
assert_eq "accel-1of1 accel-1of2 accel-1of4" "$(ls "$types" | xargs)" "type directories"

for t in 1of1:4:100:256:1 1of2:2:50:128:2 1of4:1:25:64:4; do
	IFS=: read -r name slots pct mib avail <<<"$t"
	d=$types/accel-$name
	log_step "accel-$name attributes"
	assert_eq "accel-$name" "$(cat "$d/name")" "$name name"
	assert_eq vfio-pci "$(cat "$d/device_api")" "$name device_api"
	assert_eq "$slots/4 of a card: $pct% of the time of 4 engines, $mib MiB device memory" \
		"$(cat "$d/description")" "$name description"
	assert_eq "$avail" "$(cat "$d/available_instances")" "$name available_instances"
	[ -d "$d/devices" ] || fail "$d/devices missing"
	[ -w "$d/create" ] || fail "$d/create not writable"
done

log_step "another geometry: 2 cards, 8 engines, 64 MiB"
unload_vaccel
load_vaccel cards=2 engines=8 mem_mb=64
for c in 0 1; do
	assert_eq "1/4 of a card: 25% of the time of 8 engines, 16 MiB device memory" \
		"$(cat /sys/bus/platform/devices/vaccel-sim.$c/mdev_supported_types/accel-1of4/description)" \
		"card $c 1of4 description"
done
