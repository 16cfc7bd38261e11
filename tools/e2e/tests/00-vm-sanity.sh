#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test VM itself: the expected Debian kernel, the VFIO modules loaded,
# the repository visible, the results share writable.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

log_step "running kernel is the one the module was built for"
assert_eq "${VACCEL_KVER:?VACCEL_KVER not passed in}" "$(uname -r)" "uname -r"

log_step "vfio, vfio_iommu_type1 and mdev are loaded"
for m in vfio vfio_iommu_type1 mdev; do
	[ -d "/sys/module/$m" ] || fail "module $m not loaded"
done
[ -c /dev/vfio/vfio ] || fail "/dev/vfio/vfio missing"
[ -d /sys/class/mdev_bus ] || [ -d /sys/bus/mdev ] || fail "no mdev bus in sysfs"

log_step "the repository is visible at its host path"
[ -f "$REPO/tools/e2e/lib.sh" ] || fail "$REPO/tools/e2e/lib.sh not visible"
[ "$(pwd)" = "$REPO" ] || fail "tests run in $(pwd), not $REPO"
[ -d "/lib/modules/$(uname -r)/kernel" ] || fail "no modules for $(uname -r)"

log_step "the results share is writable"
f=$VACCEL_RESULTS/00-vm-sanity.probe
echo "written in the VM" > "$f"
assert_eq "written in the VM" "$(cat "$f")" "results file"
rm -f "$f"

log_step "the root is writable (overlay) and /run, /tmp are tmpfs"
touch /etc/vaccel-e2e-probe || fail "/etc not writable"
rm /etc/vaccel-e2e-probe
for d in /run /tmp /dev/shm; do
	assert_eq tmpfs "$(stat -f -c %T "$d")" "filesystem of $d"
done
for f in /dev/fd/0 /dev/stdin /dev/stdout /dev/stderr; do
	[ -e "$f" ] || fail "$f missing"
done
