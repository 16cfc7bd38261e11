#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the inner guest's initramfs: busybox-static, the static
# tools/guest/vaccel-guest and tools/nested/init; no kernel modules (the
# inner kernel is Debian's, whose PCI core and 8250 serial are built in).
#
#   tools/nested/build-initramfs.sh [--cache DIR] [--build-dir DIR]
#
# Prints the path of the image on stdout.  The image is named after a hash
# of its inputs; if the cache (default $VACCEL_CACHE/nested) or the build
# directory has it, that one is used, else it is built into the build
# directory (default: the cache).  In the e2e VM the host's cache is
# visible but what is written to it vanishes at power off (tmpfs overlay),
# so the test reads the cache and builds into its results directory; run
# this on the host once to fill the cache.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/vm/common.sh
source "$REPO/tools/vm/common.sh"

# Bump when the layout of the image changes.
FORMAT=1

msg()
{
	echo "build-initramfs: $*" >&2
}

cache=$VACCEL_CACHE/nested
build_dir=
while [ $# -gt 0 ]; do
	case $1 in
	--cache) cache=${2:?--cache needs a directory}; shift 2 ;;
	--build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
	*) msg "usage: tools/nested/build-initramfs.sh [--cache DIR] [--build-dir DIR]"; exit 2 ;;
	esac
done
[ -n "$build_dir" ] || build_dir=$cache

busybox=/bin/busybox
guest=$REPO/tools/guest/vaccel-guest
init=$REPO/tools/nested/init
if ! file -L "$busybox" 2>/dev/null | grep 'statically linked' >/dev/null; then
	# Without file(1), trust the package.
	dpkg -s busybox-static >/dev/null 2>&1 ||
		{ msg "$busybox is not busybox-static: apt-get install busybox-static"; exit 1; }
fi
[ -x "$guest" ] || { msg "$guest not built: run 'make tools'"; exit 1; }

key=$( {
	echo "format $FORMAT"
	sha256sum "$busybox" "$guest" "$init" | cut -d' ' -f1
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
mkdir -p "$root"/{bin,dev,proc,sys}
cp "$busybox" "$root/bin/busybox"
for app in sh mount poweroff sleep cat; do
	ln -s busybox "$root/bin/$app"
done
install -m 0755 "$guest" "$root/bin/vaccel-guest"
install -m 0755 "$init" "$root/init"
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
msg "built $out/$name ($(du -k "$out/$name" | cut -f1) KiB) in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
echo "$out/$name"
