#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's kernel under QEMU (TCG) with the host's root filesystem as a
# read-only 9p share under a tmpfs overlay, run one command in it as root,
# power off, and exit with the command's exit status.
#
#   tools/vm/boot.sh [--results DIR] [--timeout SECS] [--mem SIZE]
#                    [--append KERNEL-ARGS] [--] COMMAND [ARGS...]
#
# The kernel is /boot/vmlinuz-$KVER, KVER taken from KVER= or derived from
# KDIR= (the headers the module was built against); VACCEL_VM_KERNEL=IMAGE
# boots another build of release KVER whose lib/modules/KVER is under
# VACCEL_VM_MODROOT= (tools/vm/debug-kernel.sh).  In the VM:
#   - every file of the host is visible at its usual path, read-only below a
#     writable tmpfs overlay (changes are lost at power off); files created
#     on the host after boot may stay invisible (9p cache=loose);
#   - the repository is mounted again at its own path, read only and
#     uncached (share "repo"), so a clone under /tmp, which the VM covers
#     with a tmpfs, works too;
#   - the results directory DIR is mounted writable at /results, exported to
#     COMMAND as $VACCEL_RESULTS; late data for the VM goes through it;
#   - COMMAND runs in the repository root, with PATH, HOME=/root, the
#     caller's VACCEL_* variables and VACCEL_KVER=$KVER.
#   - two PCI functions that no driver binds until asked: at 0000:00:10.0
#     an ivshmem-plain function whose 64-bit prefetchable BAR2 is
#     VACCEL_VM_CARD_MB (default 256) MiB of RAM, the stand-in for a vaccel
#     card's physical function (docs/operators.md), and at 0000:00:11.0 a
#     pci-testdev function, a PCI device that is not a card.
# COMMAND's output is shown here as it runs and kept in DIR/output.log; the
# serial console (kernel and init messages) is DIR/console.log, QEMU's own
# messages DIR/qemu.log.  Initramfs images are cached in $VACCEL_CACHE/vm.
#
# Exit status: COMMAND's, or 124 if the VM ran past --timeout (default
# 1800 s) and was killed, or 125 if it ended without reporting one (kernel
# panic, init failure, QEMU error).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/vm/common.sh
source "$REPO/tools/vm/common.sh"

# Bump when the way the initramfs is built changes, to invalidate the cache.
INITRAMFS_FORMAT=1
# Modules the initramfs needs to mount the root; dependencies come along.
INITRAMFS_MODULES="virtio_pci 9pnet_virtio 9p overlay"

usage()
{
	echo "usage: tools/vm/boot.sh [--results DIR] [--timeout SECS] [--mem SIZE]" \
	     "[--append KERNEL-ARGS] [--] COMMAND [ARGS...]" >&2
	exit 2
}

msg()
{
	echo "boot.sh: $*" >&2
}

die()
{
	msg "$*"
	exit 125
}

results=
timeout_s=${VACCEL_VM_TIMEOUT:-1800}
mem=3G
append=
while [ $# -gt 0 ]; do
	case $1 in
	--results) results=${2:?--results needs a directory}; shift 2 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--mem) mem=${2:?--mem needs a size}; shift 2 ;;
	--append) append=${2?--append needs kernel arguments}; shift 2 ;;
	--) shift; break ;;
	-h | --help) usage ;;
	-*) msg "unknown option $1"; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
case $timeout_s in
'' | *[!0-9]*) die "--timeout wants a whole number of seconds, not '$timeout_s'" ;;
esac

case ${VACCEL_VM_CARD_MB:=256} in
'' | *[!0-9]*) die "VACCEL_VM_CARD_MB wants a whole number of MiB, not '$VACCEL_VM_CARD_MB'" ;;
esac
card_mb=$VACCEL_VM_CARD_MB

KVER=$(vm_kver) || exit 125
kernel=${VACCEL_VM_KERNEL:-/boot/vmlinuz-$KVER}
modroot=${VACCEL_VM_MODROOT:-}
moddir=$modroot/lib/modules/$KVER
[ -r "$kernel" ] || die "$kernel missing: install linux-image-$KVER (tools/install-deps.sh) or set KVER="
[ -f "$moddir/modules.builtin" ] || die "$moddir missing: the VM needs the modules of $KVER"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run tools/install-deps.sh"
busybox=$(command -v busybox) || die "busybox missing: install busybox-static"
case $REPO in
*[\ ,]*) die "the repository path '$REPO' contains a space or comma, which the kernel command line and QEMU cannot pass" ;;
esac

# Results directory: fresh files for this boot.
if [ -z "$results" ]; then
	results=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-vm.XXXXXX")
fi
mkdir -p "$results"
results=$(cd "$results" && pwd)
case $results in
*,*) die "the results path '$results' contains a comma, which QEMU's -virtfs cannot take" ;;
esac
rm -f "$results"/{console.log,output.log,qemu.log,exit-status,vm-command.sh}
: > "$results/output.log"

# The initramfs: busybox, tools/vm/init and the modules for virtio-pci, 9p
# and overlayfs.  Cached under a key over all its inputs, so it is rebuilt
# only when one of them changes.
build_initramfs()
{
	local mods m f key out tmp t0

	# "insmod /lib/modules/.../x.ko" lines, dependencies first.
	mods=$(for m in $INITRAMFS_MODULES; do
		modprobe ${modroot:+-d "$modroot"} -S "$KVER" --show-depends "$m" ||
			die "modprobe -S $KVER --show-depends $m failed"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
	mapfile -t mods < <([ -z "$mods" ] || echo "$mods")

	key=$( {
		echo "format $INITRAMFS_FORMAT $KVER $kernel"
		cat "$REPO/tools/vm/init"
		stat -L -c '%n %s %Y' "$busybox" "${mods[@]}" "$moddir/modules.builtin"
	} | sha256sum | cut -c1-16)
	out=$VACCEL_CACHE/vm/initramfs-$KVER-$key.cpio.gz
	if [ -f "$out" ]; then
		msg "initramfs: cached $out"
		INITRAMFS=$out
		return
	fi

	t0=$(date +%s%N)
	mkdir -p "$VACCEL_CACHE/vm"
	tmp=$(mktemp -d "$VACCEL_CACHE/vm/build.XXXXXX")
	mkdir -p "$tmp/root/bin" "$tmp/root/lib/modules/$KVER"
	cp "$busybox" "$tmp/root/bin/busybox"
	ln -s busybox "$tmp/root/bin/sh"
	install -m 0755 "$REPO/tools/vm/init" "$tmp/root/init"
	for f in "${mods[@]}"; do
		mkdir -p "$tmp/root${f%/*}"
		cp "$f" "$tmp/root$f"
	done
	cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" \
		"$moddir/modules.order" \
		"$tmp/root/lib/modules/$KVER/"
	depmod -b "$tmp/root" "$KVER"
	(cd "$tmp/root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
		gzip -1 > "$tmp/initramfs.cpio.gz"
	rm -f "$VACCEL_CACHE/vm/initramfs-$KVER-"*.cpio.gz
	mv "$tmp/initramfs.cpio.gz" "$out"
	rm -rf "$tmp"
	msg "initramfs: built $out ($(du -k "$out" | cut -f1) KiB, ${#mods[@]} modules)" \
	    "in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	INITRAMFS=$out
}
build_initramfs

# The command, its environment and working directory, as a script that
# tools/vm/guest-init runs from the results share.
{
	echo "# Written by tools/vm/boot.sh: the command to run in the VM."
	printf 'export VACCEL_KVER=%q\n' "$KVER"
	if [ -n "$modroot" ]; then
		# The host has no /lib/modules/KVER for this kernel.
		printf '[ -e /lib/modules/%q ] || ln -s %q /lib/modules/\n' "$KVER" "$moddir"
	fi
	for v in $(compgen -e | grep '^VACCEL_' | grep -v -x 'VACCEL_KVER\|VACCEL_RESULTS'); do
		printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'cd %q || exit 125\n' "$REPO"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} > "$results/vm-command.sh"

# A soft lockup panics (and so stops the VM at once rather than at the
# timeout), and a panic replays the whole kernel log on the console: the
# backtraces that "quiet" keeps off it are what a failure report needs.
debug_args="softlockup_panic=1 panic_print=0x20"

qemu=(
	qemu-system-x86_64
	-accel tcg -cpu max -smp 2 -m "$mem"
	-nodefaults -display none -no-reboot
	-kernel "$kernel" -initrd "$INITRAMFS"
	-append "console=ttyS0 quiet panic=1 $debug_args vaccel_vm.init=$REPO/tools/vm/guest-init $append"
	-serial "file:$results/console.log"
	-virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap,id=root"
	-virtfs "local,path=$results,mount_tag=results,security_model=none,multidevs=remap,id=results"
	-virtfs "local,path=$REPO,mount_tag=repo,security_model=none,readonly=on,multidevs=remap,id=repo"
	-object "memory-backend-ram,id=vaccel-card0-mem,size=${card_mb}M,share=on"
	-device "ivshmem-plain,memdev=vaccel-card0-mem,bus=pci.0,addr=0x10"
	-device "pci-testdev,bus=pci.0,addr=0x11"
)

qemu_pid=
tail_pid=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup()
{
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		msg "interrupted: stopping the VM"
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	if [ -n "$tail_pid" ]; then
		kill "$tail_pid" 2>/dev/null || true
		wait "$tail_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

msg "booting $KVER under TCG (results in $results, timeout ${timeout_s} s)"
t0=$(date +%s)
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$results/qemu.log" 2>&1 &
qemu_pid=$!
# Follow the command's output; tail stops on its own once QEMU is gone.
tail -n +1 -s 0.2 -F --pid="$qemu_pid" "$results/output.log" 2>/dev/null &
tail_pid=$!
rc=0
wait "$qemu_pid" || rc=$?
qemu_pid=
wait "$tail_pid" || true
tail_pid=
elapsed=$(($(date +%s) - t0))

show_logs()
{
	msg "last 40 lines of $results/console.log:"
	tail -n 40 "$results/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/  | /' >&2
	if [ -s "$results/qemu.log" ]; then
		msg "$results/qemu.log:"
		tail -n 20 "$results/qemu.log" | sed 's/^/  | /' >&2
	fi
}

if [ "$rc" -eq 124 ]; then
	msg "TIMEOUT: the VM was still running after ${timeout_s} s and was killed"
	show_logs
	exit 124
fi
if [ ! -s "$results/exit-status" ]; then
	msg "the VM stopped after ${elapsed} s without the command's exit status (QEMU exit $rc): kernel panic or init failure?"
	show_logs
	exit 125
fi
status=$(cat "$results/exit-status")
msg "VM ran ${elapsed} s; command exited with status $status"
exit "$status"
