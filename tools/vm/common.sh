#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared by tools/vm/boot.sh and tools/e2e.sh (sourced, not run): which
# Debian kernel the VM boots, and where cached artefacts live.

# The kernel release the module was built for, on stdout:
#   KVER=...                        if set, as is;
#   KDIR=/lib/modules/X/build       gives X;
#   KDIR=.../linux-headers-X        gives X (symlinks resolved first);
#   neither: the newest installed /usr/src/linux-headers-6.1.*-amd64, as the
#   Makefile picks when the running kernel has no build tree.
vm_kver()
{
	local kdir=${KDIR:-} kver

	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return 0
	fi
	if [ -z "$kdir" ]; then
		kdir=$(printf '%s\n' /usr/src/linux-headers-6.1.*-amd64 | sort -V | tail -n 1)
		[ -d "$kdir" ] || kdir=
		if [ -z "$kdir" ]; then
			echo "no KDIR or KVER given and no /usr/src/linux-headers-6.1.*-amd64:" \
			     "run tools/install-deps.sh" >&2
			return 1
		fi
	fi
	case $kdir in
	*/lib/modules/*/build | */lib/modules/*/build/)
		kver=${kdir%/}
		kver=${kver%/build}
		kver=${kver##*/}
		;;
	*)
		kver=$(basename "$(readlink -f "$kdir")")
		kver=${kver#linux-headers-}
		;;
	esac
	if [ -z "$kver" ] || [ ! -d "/lib/modules/$kver" ]; then
		echo "cannot derive the kernel release from KDIR=$kdir" \
		     "(got '$kver', and /lib/modules/$kver does not exist): set KVER=" >&2
		return 1
	fi
	echo "$kver"
}

# Cache directory for initramfs images and e2e results (same default as the
# Makefile).
VACCEL_CACHE=${VACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaccel}
