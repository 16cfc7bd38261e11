#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job, run inside the VM by tools/demo.sh: load vaccel with two
# simulated cards, create one instance of each type the ways an operator
# does (sysfs, mdevctl, vaccelctl), open one through VFIO, show the cards,
# types, instances and available_instances, then run BUSY loads on the
# two instances sharing card 1 and show how the scheduler shares its
# engines (2:1 for a 1of2 and a 1of4), live and in the counters.

set -euo pipefail
cd "$(dirname "$0")/.."

run() {
	printf '\n# %s\n' "$*"
	"$@"
}

sh_run() {
	printf '\n# %s\n' "$1"
	bash -c "$1"
}

params=${VACCEL_DEMO_PARAMS:-cards=2 engines=4 mem_mb=256}

run modprobe -a vfio vfio_iommu_type1 mdev
# shellcheck disable=SC2086 # params is a word list on purpose
run insmod vaccel.ko $params
types0=/sys/class/mdev_bus/vaccel-sim.0/mdev_supported_types
types1=/sys/class/mdev_bus/vaccel-sim.1/mdev_supported_types

u1=$(cat /proc/sys/kernel/random/uuid)
u2=$(cat /proc/sys/kernel/random/uuid)
u3=$(cat /proc/sys/kernel/random/uuid)

sh_run "echo $u1 > $types0/accel-1of1/create"
run mdevctl start --uuid "$u2" --parent vaccel-sim.1 --type accel-1of2
run tools/vaccelctl create accel-1of4 --card vaccel-sim.1 --uuid "$u3"
run tools/vaccel-vfio info "$u2"

printf '\n# tools/vaccelctl list\n'
tools/vaccelctl list

printf '\n# a creation that does not fit is refused with ENOSPC:\n'
sh_run "echo \$(cat /proc/sys/kernel/random/uuid) > $types0/accel-1of4/create || true"
dmesg | grep 'cannot create' | tail -n 1 | sed 's/^\[[^]]*\] //'

printf '\n# the 1of2 and the 1of4 on vaccel-sim.1 both keep all their queues busy;\n'
printf '# best_effort shares the engines by weight, 2:1 (tools/vaccelctl util -l 2 -c 2):\n'
# Both run until stopped once the figures are in: a load that ended on
# its own could end before the other's set-up is done (seconds under TCG).
tools/vaccel-vfio load "$u2" --seconds 120 >/tmp/demo-load-1of2.txt 2>&1 &
p2=$!
tools/vaccel-vfio load "$u3" --seconds 120 >/tmp/demo-load-1of4.txt 2>&1 &
p3=$!
# Both have started once both have completed commands.
for _ in $(seq 60); do
	[ "$(cat /sys/bus/mdev/devices/$u2/vaccel/jobs)" -gt 0 ] &&
		[ "$(cat /sys/bus/mdev/devices/$u3/vaccel/jobs)" -gt 0 ] && break
	sleep 0.5
done
tools/vaccelctl util -l 2 -c 2
kill -TERM "$p2" "$p3"
wait "$p2" "$p3"
cat /tmp/demo-load-1of2.txt /tmp/demo-load-1of4.txt | grep '^load:'
run tools/vaccelctl policy vaccel-sim.1
for u in "$u2" "$u3"; do
	printf '%s: jobs %s, busy_ns %s, switches %s, preemptions %s\n' "$u" \
		"$(cat /sys/bus/mdev/devices/$u/vaccel/jobs)" \
		"$(cat /sys/bus/mdev/devices/$u/vaccel/busy_ns)" \
		"$(cat /sys/bus/mdev/devices/$u/vaccel/switches)" \
		"$(cat /sys/bus/mdev/devices/$u/vaccel/preemptions)"
done
