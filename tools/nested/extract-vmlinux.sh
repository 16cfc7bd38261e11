#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The uncompressed ELF kernel inside a Debian bzImage, for the inner guest:
# QEMU loads an ELF vmlinux with a PVH entry note directly into guest
# memory, which spares the nested guest the xz decompression (and the
# relocation) that a bzImage does before the kernel runs: under TCG inside
# TCG that is most of a minute.
#
#   tools/nested/extract-vmlinux.sh [--cache DIR] [--build-dir DIR] VMLINUZ
#
# Prints the path of the ELF on stdout.  Cached like the initramfs
# (tools/nested/build-initramfs.sh): looked up in the cache (default
# $VACCEL_CACHE/nested) and the build directory, extracted into the build
# directory (default: the cache).  Fails if VMLINUZ holds no xz-compressed
# ELF with a PVH entry (Debian's amd64 kernels have CONFIG_KERNEL_XZ and
# CONFIG_PVH).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/vm/common.sh
source "$REPO/tools/vm/common.sh"

msg()
{
	echo "extract-vmlinux: $*" >&2
}

cache=$VACCEL_CACHE/nested
build_dir=
while [ $# -gt 1 ]; do
	case $1 in
	--cache) cache=${2:?--cache needs a directory}; shift 2 ;;
	--build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	msg "usage: tools/nested/extract-vmlinux.sh [--cache DIR] [--build-dir DIR] VMLINUZ"
	exit 2
fi
vmlinuz=$1
[ -n "$build_dir" ] || build_dir=$cache
[ -r "$vmlinuz" ] || { msg "cannot read $vmlinuz"; exit 1; }

key=$(stat -L -c '%n %s %Y' "$vmlinuz" | sha256sum | cut -c1-16)
release=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')
name=vmlinux-$release-$key.elf
for d in "$cache" "$build_dir"; do
	if [ -f "$d/$name" ]; then
		msg "cached $d/$name"
		echo "$d/$name"
		exit 0
	fi
done

t0=$(date +%s%N)
mkdir -p "$build_dir"
tmp=$(mktemp "$build_dir/extract.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# The xz stream starts at its magic (FD 37 7A 58 5A 00); xz stops at its
# end and complains about the bytes after it, which are not ours.
off=$(grep -abo -m 1 $'\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { msg "$vmlinuz has no xz stream"; exit 1; }
tail -c +$((off + 1)) "$vmlinuz" | xz -dc > "$tmp" 2>/dev/null || true
if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" != 7f454c46 ]; then
	msg "no ELF image in the xz stream of $vmlinuz"
	exit 1
fi
# Xen note 18, XEN_ELFNOTE_PHYS32_ENTRY: without it QEMU cannot boot it.
if command -v readelf >/dev/null &&
   ! readelf -n "$tmp" | grep 'Xen.*(0x00000012)' >/dev/null; then
	msg "$vmlinuz has no PVH entry (CONFIG_PVH)"
	exit 1
fi
chmod 0644 "$tmp"
rm -f "$build_dir/vmlinux-$release-"*.elf
mv "$tmp" "$build_dir/$name"
msg "extracted $build_dir/$name ($(($(stat -c %s "$build_dir/$name") >> 20)) MiB) in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
echo "$build_dir/$name"
