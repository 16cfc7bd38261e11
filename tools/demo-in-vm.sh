#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job, run inside the VM by tools/demo.sh: load vaccel with two
# simulated cards, create one instance of each type the ways an operator
# does (sysfs, mdevctl, vaccelctl), open one through VFIO, and show the
# cards, types, instances and available_instances.

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
