#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian 12 packages vaccel needs to build, test and demo.
# Idempotent: installs only what is missing, and runs "apt-get update" only
# when something is missing.  Run as root (or with sudo available).

set -euo pipefail

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
	rsync python3 dwarves sparse
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 qemu-utils busybox-static
	mdevctl libvirt-daemon-system libvirt-clients
	dkms dh-dkms debhelper
	gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
