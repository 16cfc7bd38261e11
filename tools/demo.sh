#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job on its embedded default: install what is missing, build
# vaccel.ko and the tools, boot Debian's 6.1 kernel in a QEMU VM (TCG), load
# vaccel with two simulated cards and create one instance of each type as an
# operator would (tools/demo-in-vm.sh), then print the cards, types,
# instances and available_instances.
#
# Usage: tools/demo.sh     (VACCEL_DEMO_PARAMS="cards=2 engines=4 mem_mb=256"
#                            changes the module parameters)

set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
make --no-print-directory -s modules tools
# KDIR/KVER as the Makefile computes them, for the VM's kernel choice.
eval "$(make --no-print-directory -s print-kernel)"
export KDIR KVER
exec tools/vm/boot.sh --timeout 600 -- tools/demo-in-vm.sh
