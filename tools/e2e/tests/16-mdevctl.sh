#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mdevctl, the tool operators and libvirt use, sees the types and can
# start, list and stop instances on a vaccel card.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

command -v mdevctl >/dev/null || fail "mdevctl not installed (tools/install-deps.sh installs it)"
load_vaccel cards=1

log_step "mdevctl types lists the three types with their availability"
mdevctl types > "$VACCEL_RESULTS/16-types.txt"
cat "$VACCEL_RESULTS/16-types.txt"
for t in accel-1of1 accel-1of2 accel-1of4; do
	grep -q "^  $t\$" "$VACCEL_RESULTS/16-types.txt" || fail "mdevctl types misses $t"
done

log_step "mdevctl start / list / stop"
u=$(new_uuid)
mdevctl start --uuid "$u" --parent vaccel-sim.0 --type accel-1of2
[ -d "/sys/bus/mdev/devices/$u" ] || fail "mdevctl start did not create $u"
mdevctl list | tee "$VACCEL_RESULTS/16-list.txt"
grep -q "^$u vaccel-sim.0 accel-1of2" "$VACCEL_RESULTS/16-list.txt" || fail "mdevctl list misses $u"
assert_eq 1 "$(cat /sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types/accel-1of2/available_instances)" "1of2 left"
mdevctl stop --uuid "$u"
[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "mdevctl stop left $u"

log_step "a persistent definition from libvirt/mdevctl/accel-1of4.json"
mdevctl define --uuid "$u" --parent vaccel-sim.0 --jsonfile "$REPO/libvirt/mdevctl/accel-1of4.json"
mdevctl list --defined | grep "$u vaccel-sim.0 accel-1of4 manual" >/dev/null || fail "definition not listed"
mdevctl start --uuid "$u"
assert_eq accel-1of4 "$(basename "$(readlink /sys/bus/mdev/devices/$u/mdev_type)")" "type of started definition"
mdevctl stop --uuid "$u"
mdevctl undefine --uuid "$u"
