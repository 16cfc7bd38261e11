#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the inner guest's initramfs: busybox-static (also its
# modprobe, lsmod, uevent), tools/nested/init and tools/nested/hotplug, the
# static tools/guest/vaccel-guest, and, when they are built, the guest's
# stock driver vaccel_vf.ko (installed as /lib/modules/$KVER/extra/
# vaccel_vf.ko with what it depends on, and "depmod -b" run on the image,
# so that modules.alias maps the vaccel function to it) and the static
# guest programs tools/guest/vaccel-run and tools/guest/vaccel-vf-test.
# The inner kernel is Debian's $KVER (the one the e2e VM runs), whose PCI
# core, PCIe hotplug and 8250 serial are built in.
#
#   tools/nested/build-initramfs.sh [--cache DIR] [--build-dir DIR]
#                                   [--kver KVER] [--require-vf]
#
# --kver: the inner kernel's release (default: $KVER, else $VACCEL_KVER,
# else as tools/vm/common.sh picks it); vaccel_vf.ko is left out, with a
# message, unless it was built for that release.  --require-vf: fail
# instead when vaccel_vf.ko, vaccel-run or vaccel-vf-test is missing.
#
# Prints the path of the image on stdout.  The image is named after a hash
# of all its inputs; if the cache (default $VACCEL_CACHE/nested) or the
# build directory has it, that one is used, else it is built into the
# build directory (default: the cache).  In the e2e VM the host's cache is
# visible but what is written to it vanishes at power off (tmpfs overlay),
# so the tests read the cache and build into their results directory; run
# this on the host once to fill the cache.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/vm/common.sh
source "$REPO/tools/vm/common.sh"

# Bump when the layout of the image changes.
FORMAT=2

msg()
{
	echo "build-initramfs: $*" >&2
}

usage()
{
	msg "usage: tools/nested/build-initramfs.sh [--cache DIR] [--build-dir DIR] [--kver KVER] [--require-vf]"
	exit 2
}

cache=$VACCEL_CACHE/nested
build_dir=
kver=${KVER:-${VACCEL_KVER:-}}
require_vf=
while [ $# -gt 0 ]; do
	case $1 in
	--cache) cache=${2:?--cache needs a directory}; shift 2 ;;
	--build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
	--kver) kver=${2:?--kver needs a kernel release}; shift 2 ;;
	--require-vf) require_vf=1; shift ;;
	*) usage ;;
	esac
done
[ -n "$build_dir" ] || build_dir=$cache
[ -n "$kver" ] || kver=$(vm_kver) || exit 1
moddir=/lib/modules/$kver
[ -d "$moddir" ] || { msg "no $moddir: the modules of the inner kernel $kver are not installed"; exit 1; }

busybox=/bin/busybox
guest=$REPO/tools/guest/vaccel-guest
init=$REPO/tools/nested/init
hotplug=$REPO/tools/nested/hotplug
vf_ko=$REPO/vaccel_vf.ko
run=$REPO/tools/guest/vaccel-run
vftest=$REPO/tools/guest/vaccel-vf-test
if ! file -L "$busybox" 2>/dev/null | grep 'statically linked' >/dev/null; then
	# Without file(1), trust the package.
	dpkg -s busybox-static >/dev/null 2>&1 ||
		{ msg "$busybox is not busybox-static: apt-get install busybox-static"; exit 1; }
fi
[ -x "$guest" ] || { msg "$guest not built: run 'make tools'"; exit 1; }

# The optional parts: the driver (for this kernel only) and its programs.
missing=()
if [ -f "$vf_ko" ]; then
	vermagic=$(modinfo -F vermagic "$vf_ko" 2>/dev/null || true)
	if [ "${vermagic%% *}" != "$kver" ]; then
		msg "leaving out $vf_ko: built for '${vermagic%% *}', the inner kernel is $kver"
		missing+=("vaccel_vf.ko for $kver")
		vf_ko=
	fi
else
	missing+=("$vf_ko")
	vf_ko=
fi
for f in run vftest; do
	if [ ! -x "${!f}" ]; then
		missing+=("${!f}")
		printf -v "$f" '%s' ''
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ -n "$require_vf" ]; then
		msg "missing: ${missing[*]} (run 'make modules tools')"
		exit 1
	fi
	msg "without ${missing[*]}"
fi

# What vaccel_vf.ko needs from the kernel's own modules ("insmod PATH"
# lines of modprobe, dependencies first); Debian's modules are
# uncompressed.
deps=()
if [ -n "$vf_ko" ]; then
	for m in $(modinfo -F depends "$vf_ko" | tr ',' ' '); do
		while read -r cmd path _; do
			[ "$cmd" = insmod ] && deps+=("$path")
		done < <(modprobe -S "$kver" --show-depends "$m" ||
			{ msg "modprobe -S $kver --show-depends $m failed"; kill $$; })
	done
	mapfile -t deps < <(printf '%s\n' "${deps[@]}" | awk 'NF && !seen[$0]++')
fi
modmeta=("$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$moddir/modules.order")

key=$( {
	echo "format $FORMAT kver $kver"
	sha256sum "$0" "$busybox" "$guest" "$init" "$hotplug" ${vf_ko:+"$vf_ko"} \
		${run:+"$run"} ${vftest:+"$vftest"} "${modmeta[@]}" "${deps[@]}" |
		sed "s|  $REPO/|  |"
} | sha256sum | cut -c1-16)
name=nested-initramfs-$key.cpio.gz

for d in "$cache" "$build_dir"; do
	if [ -f "$d/$name" ]; then
		msg "cached $d/$name"
		echo "$d/$name"
		exit 0
	fi
done

t0=$(date +%s%N)
out=$build_dir
mkdir -p "$out"
# Staged on a local filesystem: mknod does not work on every share (9p).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-nested-initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

root=$tmp/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc} "$root/lib/modules/$kver"
cp "$busybox" "$root/bin/busybox"
# A link for every applet, to /bin/busybox, in one process: a process
# per link costs a minute in the e2e VM (TCG).
"$busybox" --install -s "$root/bin"
# The links name busybox as the kernel sees it (/usr/bin/busybox where /bin
# is a link to usr/bin): make that path lead to /bin/busybox too.
target=$(readlink "$root/bin/sh")
if [ "$target" != /bin/busybox ]; then
	mkdir -p "$root$(dirname "$target")"
	ln -s /bin/busybox "$root$target"
fi
# The programs without their debug information.
strip --strip-debug -o "$root/bin/vaccel-guest" "$guest"
install -m 0755 "$init" "$root/init"
install -m 0755 "$hotplug" "$root/bin/hotplug"
[ -n "$run" ] && strip --strip-debug -o "$root/bin/vaccel-run" "$run"
[ -n "$vftest" ] && strip --strip-debug -o "$root/bin/vaccel-vf-test" "$vftest"
if [ -n "$vf_ko" ]; then
	mkdir -p "$root/lib/modules/$kver/extra"
	# Without its debug information (a tenth of the size).
	strip --strip-debug -o "$root/lib/modules/$kver/extra/vaccel_vf.ko" "$vf_ko"
fi
for f in "${deps[@]}"; do
	mkdir -p "$root${f%/*}"
	cp "$f" "$root$f"
done
cp "${modmeta[@]}" "$root/lib/modules/$kver/"
depmod -b "$root" "$kver"
if [ -n "$vf_ko" ] && ! grep -q ' vaccel_vf$' "$root/lib/modules/$kver/modules.alias"; then
	msg "depmod wrote no alias for vaccel_vf (no MODULE_DEVICE_TABLE?)"
	exit 1
fi
# The kernel opens /dev/console before running /init; creating the node
# needs root (without it the kernel warns, and the init script reopens the
# console once devtmpfs is mounted).
mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	gzip -1 > "$tmp/image.cpio.gz"
# Drop older images of this directory, keep the new one.
rm -f "$out"/nested-initramfs-*.cpio.gz
cp "$tmp/image.cpio.gz" "$out/$name.tmp"
mv "$out/$name.tmp" "$out/$name"
msg "built $out/$name ($(du -k "$out/$name" | cut -f1) KiB${vf_ko:+, with vaccel_vf.ko}) in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
echo "$out/$name"
