#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module parameters: valid ones shape the cards, invalid ones refuse to load
# with a log line saying which value is wrong and what is allowed.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

bad_param() {
	local expect=$1
	shift
	log_step "insmod $*: refused"
	dmesg -C
	if insmod "$VACCEL_KO" "$@" 2>"$VACCEL_RESULTS/insmod.err"; then
		fail "insmod $* was accepted"
	fi
	grep -q "Invalid argument\|Invalid parameters" "$VACCEL_RESULTS/insmod.err" ||
		fail "insmod $*: unexpected error: $(cat "$VACCEL_RESULTS/insmod.err")"
	[ ! -d /sys/module/vaccel ] || fail "vaccel loaded after insmod $*"
	dmesg | grep "vaccel: $expect" >/dev/null || fail "no log line 'vaccel: $expect'"
}

bad_param "engines=0 is invalid: must be from 1 to 64" engines=0
bad_param "engines=65 is invalid: must be from 1 to 64" engines=65
bad_param "mem_mb=384 is invalid: must be a power of two from 4 to 4096" mem_mb=384
bad_param "mem_mb=2 is invalid" mem_mb=2
bad_param "mem_mb=8192 is invalid" mem_mb=8192
bad_param "cards=17 is invalid: must be from 0 to 16" cards=17

log_step "cards=0: the module loads with no card"
load_vaccel cards=0
assert_eq "" "$(ls /sys/bus/platform/drivers/accel | grep vaccel-sim || true)" "cards"
unload_vaccel

log_step "cards=3: three parents"
load_vaccel cards=3 engines=1 mem_mb=4
assert_eq "vaccel-sim.0 vaccel-sim.1 vaccel-sim.2" \
	"$(ls /sys/class/mdev_bus | grep vaccel-sim | xargs)" "mdev parents"
assert_eq "1 4194304" \
	"$(cat /sys/bus/platform/devices/vaccel-sim.2/vaccel/engines /sys/bus/platform/devices/vaccel-sim.2/vaccel/memory_size | xargs)" \
	"card 2 geometry"
assert_eq 4 "$(cat /sys/bus/platform/devices/vaccel-sim.2/mdev_supported_types/accel-1of4/available_instances)" \
	"smallest card still has four quarters"
u=$(new_uuid)
sysfs_write /sys/bus/platform/devices/vaccel-sim.2/mdev_supported_types/accel-1of4/create "$u"
assert_eq 1048576 "$(cat /sys/bus/mdev/devices/$u/vaccel/memory_size)" "quarter of 4 MiB"
