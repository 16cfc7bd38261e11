#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared by tools/nested/run-inner.sh and tools/nested/agent.sh (sourced,
# not run): the inner guest's kernel, its command line and the QEMU
# arguments that pass vaccel instances through.

# nested_kernel: the ELF inside /boot/vmlinuz-$(uname -r) (else the newest
# /boot/vmlinuz-6.1.*-amd64), extracted once by
# tools/nested/extract-vmlinux.sh and booted through its PVH entry (no
# decompression in the guest); the bzImage itself if that fails.
nested_kernel()
{
	local vmlinuz

	vmlinuz=/boot/vmlinuz-$(uname -r)
	[ -r "$vmlinuz" ] ||
		vmlinuz=$(printf '%s\n' /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)
	"$REPO/tools/nested/extract-vmlinux.sh" "$vmlinuz" || {
		echo "nested: booting $vmlinuz as is" >&2
		echo "$vmlinuz"
	}
}

# The inner kernel's command line.  Boot time under TCG inside TCG is
# about two minutes; what the arguments after "quiet" save was measured
# there with initcall_debug: speculation mitigations (fewer alternatives
# to patch), the crypto self-tests (7 s through crypto_algapi_init, 5 s in
# crypto_kdf108_init, which ignores cryptomgr.notests), the kprobe-events
# tracefs setup (3 s), loading the built-in X.509 certificates (3 s; only
# unsigned out-of-tree modules are ever loaded here) and the W+X page
# table scan after write-protecting the kernel (3 s).
NESTED_APPEND="console=ttyS0 panic=-1 quiet mitigations=off cryptomgr.notests rodata=off"
NESTED_APPEND+=" initcall_blacklist=crypto_kdf108_init,init_kprobe_trace,load_system_certificate_list"

# nested_vfio_args UUID...: sets the array NESTED_VFIO_ARGS to QEMU
# arguments passing each instance through, each behind a PCIe root port of
# its own (rp0, rp1, ...; the functions get the ids hostdev0, hostdev1,
# ...), in order: the guest sees them on buses 1, 2, ... (0000:01:00.0,
# 0000:02:00.0, ...).  A root port, not q35's root bus: QEMU shows a
# vfio-pci device's PCI Express capability as is only on a PCIe port (on
# the root bus it would turn it into a root complex integrated endpoint,
# on a PCI bus hide it); the guest needs that capability, with its FLR
# bit, for "reset" to use FLR, and the port is what makes the function
# hot-unpluggable (the host's remove of an instance in use asks QEMU to
# unplug it).
nested_vfio_args()
{
	local i=0 u

	NESTED_VFIO_ARGS=()
	for u in "$@"; do
		# shellcheck disable=SC2054 # commas separate QEMU's suboptions
		NESTED_VFIO_ARGS+=(
			-device "pcie-root-port,id=rp$i,chassis=$((i + 1)),slot=$((i + 1))"
			-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$u,bus=rp$i,id=hostdev$i"
		)
		i=$((i + 1))
	done
}
