#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel of the end-to-end tests: Debian's 6.1 source (the tree
# tools/kunit.sh extracts) configured from tinyconfig plus
# tools/vm/debug.config (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# DEBUG_OBJECTS, hung-task detection, with everything the VM needs built
# in), and vaccel.ko built against it.
#
#   tools/vm/debug-kernel.sh
#
# Builds what is missing or out of date (make's own incremental build) in
# $VACCEL_CACHE/debug-kernel:
#   build/      the kernel's O= directory (bzImage, Module.symvers)
#   modroot/    lib/modules/KVER with the lists of built-in modules, so that
#               "modprobe vfio" in the VM succeeds as on Debian's kernel
#   vaccel/     a copy of the module's sources, built against build/ (the
#               repository's own vaccel.ko stays Debian's)
# and prints, last, the variables tools/e2e.sh and tools/vm/boot.sh take
# (KVER, VACCEL_VM_KERNEL, VACCEL_VM_MODROOT, VACCEL_KO), one per line.
# Progress goes to stderr; the build's output to build.log there.

set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd -P)
cache=${VACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaccel}
src=$cache/linux-source-6.1
out=$cache/debug-kernel
build=$out/build
fragment=$repo/tools/vm/debug.config
jobs=$(nproc)

msg()
{
	echo "debug-kernel: $*" >&2
}

die()
{
	msg "$*"
	exit 1
}

# The source tree: extracted and grafted by tools/kunit.sh.  The graft
# (drivers/misc/vaccel, a link to one clone, default n) is read by every
# Kconfig step, so the build holds kunit.sh's lock: no kunit run re-points
# the link meanwhile.
"$repo/tools/kunit.sh" --prepare >&2 || die "cannot prepare $src"
exec 9>"$cache/kunit.lock"
if ! flock -n 9; then
	msg "waiting for a tools/kunit.sh run using $cache"
	flock 9
fi
ln -sfn "$repo" "$src/drivers/misc/vaccel"
mkdir -p "$build" "$out/modroot"
log=$out/build.log
: > "$log"

# Configure again only when the fragment changed, so that make rebuilds
# only what the change touches.
want=$(sha256sum "$fragment" | cut -c1-16)
if [ "$(cat "$out/config.key" 2>/dev/null)" != "$want" ] || [ ! -f "$build/.config" ]; then
	msg "configuring (tinyconfig + tools/vm/debug.config)"
	make -C "$src" O="$build" ARCH=x86_64 tinyconfig >>"$log" 2>&1 ||
		die "tinyconfig failed: see $log"
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$fragment" \
		>>"$log" 2>&1 || die "merge_config.sh failed: see $log"
	make -C "$src" O="$build" ARCH=x86_64 olddefconfig >>"$log" 2>&1 ||
		die "olddefconfig failed: see $log"
	# Every line of the fragment must have held: Kconfig drops what a
	# dependency forbids, silently.
	missing=$(grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$fragment" |
		while IFS= read -r line; do
			grep -qxF "$line" "$build/.config" || echo "  $line"
		done)
	[ -z "$missing" ] || die "options of $fragment that Kconfig did not take:"$'\n'"$missing"
	echo "$want" > "$out/config.key"
fi

t0=$(date +%s)
msg "building the kernel in $build (make -j$jobs; a first build takes minutes)"
make -C "$src" O="$build" ARCH=x86_64 -j"$jobs" bzImage modules >>"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "the kernel build failed: see $log"; }
kver=$(make -s -C "$src" O="$build" ARCH=x86_64 kernelrelease 2>>"$log")
msg "kernel $kver built in $(($(date +%s) - t0)) s"

# lib/modules/KVER: no modules, only the lists that say which are built in.
mods=$out/modroot/lib/modules/$kver
rm -rf "$out/modroot/lib/modules"
mkdir -p "$mods"
cp "$build/modules.builtin" "$build/modules.builtin.modinfo" "$mods/"
: > "$mods/modules.order"
depmod -b "$out/modroot" "$kver"

# vaccel.ko for it, from a copy of the sources (an out-of-tree build of
# 6.1 writes its objects next to them).
rm -rf "$out/vaccel"
mkdir -p "$out/vaccel"
cp -a "$repo/Kbuild" "$repo/src" "$repo/include" "$repo/scheduler" "$out/vaccel/"
make -C "$build" M="$out/vaccel" CONFIG_VACCEL=m -j"$jobs" modules >>"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "building vaccel.ko for $kver failed: see $log"; }
[ -f "$out/vaccel/vaccel.ko" ] || die "no vaccel.ko after the build: see $log"

echo "KVER=$kver"
echo "VACCEL_VM_KERNEL=$build/arch/x86/boot/bzImage"
echo "VACCEL_VM_MODROOT=$out/modroot"
echo "VACCEL_KO=$out/vaccel/vaccel.ko"
