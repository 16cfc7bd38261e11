#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job on its embedded default: install what is missing, build
# vaccel.ko, the guest driver vaccel_vf.ko and the tools, prepare the
# nested VM's kernel and initramfs (cached in $VACCEL_CACHE/nested), boot
# Debian's 6.1 kernel in a QEMU VM (TCG) and run tools/demo-in-vm.sh in
# it: vaccel with a simulated card, one accel-1of2 and two accel-1of4
# instances created as an operator would, a nested VM on the 1of2 whose
# stock driver loads by itself and passes its selftest, then a load in
# that VM beside host loads on the two 1of4s with the card's live shares,
# and a summary.  About five minutes, most of it the nested VM's boot.
#
# Usage: tools/demo.sh     (VACCEL_DEMO_PARAMS="cards=1 engines=4 mem_mb=256"
#                            changes the module parameters,
#                            VACCEL_DEMO_WINDOW=10 the seconds of live shares)

set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
tools/install-deps.sh
make --no-print-directory -s modules tools
# KDIR/KVER as the Makefile computes them, for the VM's kernel choice.
eval "$(make --no-print-directory -s print-kernel)"
export KDIR KVER
source tools/vm/common.sh
export VACCEL_CACHE
# The nested VM's images, built here so that the VM (whose writes to the
# cache vanish) finds them.
tools/nested/build-initramfs.sh --require-vf --kver "$KVER" >/dev/null
tools/nested/extract-vmlinux.sh "/boot/vmlinuz-$KVER" >/dev/null
results=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-demo.XXXXXX")
echo "demo: ready after $(( $(date +%s) - t0 )) s; the VM's files go to $results"
rc=0
VACCEL_DEMO_COLOR=${VACCEL_DEMO_COLOR:-$([ -t 1 ] && echo 1 || true)} \
	tools/vm/boot.sh --results "$results" --timeout 1200 -- tools/demo-in-vm.sh || rc=$?
echo "demo: $(( $(date +%s) - t0 )) s in all; exit status $rc"
exit "$rc"
