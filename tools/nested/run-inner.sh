#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the inner guest: Debian's kernel with the initramfs of
# tools/nested/build-initramfs.sh under QEMU (TCG), optionally with a vaccel
# instance passed through with vfio-pci, and collect what tools/guest's
# vaccel-guest reports.
#
#   tools/nested/run-inner.sh [--mdev UUID] [--mem-size BYTES] [--out DIR]
#                             [--timeout SECS] [--sample FILE]
#                             [--kernel FILE] [--initramfs FILE]
#
#   --mdev UUID       pass /sys/bus/mdev/devices/UUID through (without it the
#                     guest has no vaccel function: a quick check of the
#                     image, which ends in "device not found")
#   --mem-size BYTES  BAR2 size the guest must see
#   --out DIR         where console.log (inner serial console), qemu.log
#                     (QEMU's stdout and stderr) and sync.log go (default: a
#                     new directory under $TMPDIR)
#   --timeout SECS    kill QEMU after this long (default 600)
#   --sample FILE     read FILE (e.g. the instance's vaccel/resets) at each
#                     handshake point of the guest; lines "NAME VALUE" in
#                     sync.log
#   --kernel FILE     default: the ELF inside /boot/vmlinuz-$(uname -r) (else
#                     the newest /boot/vmlinuz-6.1.*-amd64), extracted once
#                     by tools/nested/extract-vmlinux.sh, booted through its
#                     PVH entry (no decompression in the guest); a bzImage
#                     works too, only slower
#   --initramfs FILE  default: tools/nested/build-initramfs.sh's image
#
# The guest's second serial port (ttyS1) is a handshake channel: around the
# reset, vaccel-guest writes "SYNC NAME" there and waits for "go"; this
# script samples --sample in between, so that sync.log shows what the reset
# did on the host.  VACCEL_NESTED_APPEND adds inner kernel arguments.
#
# Prints the guest's report and timings.  Exit status: 0 if the guest
# reported "NESTED-RESULT passed=N failed=0" with N > 0, 1 if it reported
# failures, 124 on timeout, 125 if it reported nothing (QEMU error, panic),
# 2 on bad usage.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/nested/common.sh
source "$REPO/tools/nested/common.sh"

msg()
{
	echo "run-inner: $*" >&2
}

usage()
{
	msg "usage: tools/nested/run-inner.sh [--mdev UUID] [--mem-size BYTES] [--out DIR]" \
	    "[--timeout SECS] [--sample FILE] [--kernel FILE] [--initramfs FILE]"
	exit 2
}

mdev='' mem_size='' out='' timeout_s=600 sample='' kernel='' initramfs=''
while [ $# -gt 0 ]; do
	case $1 in
	--mdev) mdev=${2:?}; shift 2 ;;
	--mem-size) mem_size=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--timeout) timeout_s=${2:?}; shift 2 ;;
	--sample) sample=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--initramfs) initramfs=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

[ -n "$kernel" ] || kernel=$(nested_kernel)
[ -r "$kernel" ] || { msg "no kernel $kernel: install linux-image-amd64 or pass --kernel"; exit 2; }
if [ -z "$initramfs" ]; then
	initramfs=$("$REPO/tools/nested/build-initramfs.sh") || exit 2
fi
if [ -n "$mdev" ] && [ ! -d "/sys/bus/mdev/devices/$mdev" ]; then
	msg "no mdev $mdev in /sys/bus/mdev/devices"
	exit 2
fi
[ -z "$out" ] && out=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-nested.XXXXXX")
mkdir -p "$out"
rm -f "$out"/{console.log,qemu.log,sync.log}
: > "$out/sync.log"

# The handshake channel: QEMU's "pipe" chardev reads PATH.in and writes
# PATH.out.  FIFOs live on a local filesystem (the results dir may be 9p).
fifos=$(mktemp -d "${TMPDIR:-/tmp}/vaccel-nested-ctl.XXXXXX")
mkfifo "$fifos/ctl.in" "$fifos/ctl.out"

# vaccel-guest mode of tools/nested/init (its default): no driver binds
# the function.
append="$NESTED_APPEND vaccel_nested.mode=guest"
append+=" vaccel_guest.sync=/dev/ttyS1"
[ -n "$mem_size" ] && append+=" vaccel_guest.mem=$mem_size"
append+=" ${VACCEL_NESTED_APPEND:-}"

# shellcheck disable=SC2054 # commas separate QEMU's suboptions
qemu=(
	qemu-system-x86_64
	-accel tcg -cpu max -machine q35 -smp 1 -m 512M
	-nodefaults -nographic -no-reboot
	-kernel "$kernel" -initrd "$initramfs" -append "$append"
	-serial "file:$out/console.log"
	-chardev "pipe,id=ctl,path=$fifos/ctl" -device isa-serial,chardev=ctl
)
if [ -n "$mdev" ]; then
	nested_vfio_args "$mdev"
	qemu+=("${NESTED_VFIO_ARGS[@]}")
fi

qemu_pid=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup()
{
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		msg "stopping QEMU"
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	rm -rf "$fifos"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%q ' "${qemu[@]}" > "$out/qemu-command.txt"
echo >> "$out/qemu-command.txt"
msg "kernel $kernel, initramfs $initramfs${mdev:+, mdev $mdev}; output in $out"
t0=$(date +%s%N)
elapsed()
{
	echo $(( ($(date +%s%N) - t0) / 100000000 )) | sed 's/.$/.&/;s/^\./0./'
}
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
qemu_pid=$!
exec {from}<>"$fifos/ctl.out" {to}<>"$fifos/ctl.in"

# Answer the guest's handshakes and note when it got where, until QEMU
# exits.
t_init='' t_result='' partial=''
while kill -0 "$qemu_pid" 2>/dev/null; do
	if IFS= read -r -t 1 -u "$from" line; then
		line=$partial$line
		partial=
		line=${line%$'\r'}
		case $line in
		"SYNC "*)
			name=${line#SYNC }
			val=
			[ -n "$sample" ] && val=$(cat "$sample" 2>&1)
			echo "$name $val" >> "$out/sync.log"
			msg "guest at $name after $(elapsed) s${sample:+: $sample = $val}"
			printf 'go\n' >&"$to"
			;;
		esac
	else
		# A timed-out read keeps what it got of a line.
		partial+=$line
	fi
	if [ -z "$t_init" ] && grep -q 'inner-init: up' "$out/console.log" 2>/dev/null; then
		t_init=$(elapsed)
		msg "inner init running after $t_init s"
	fi
	if [ -z "$t_result" ] && grep -q 'NESTED-RESULT' "$out/console.log" 2>/dev/null; then
		t_result=$(elapsed)
	fi
done
rc=0
wait "$qemu_pid" || rc=$?
qemu_pid=
t_end=$(elapsed)
exec {from}<&- {to}>&-

tr -d '\r' < "$out/console.log" > "$out/console.txt" 2>/dev/null || true
echo "--- inner guest console ($out/console.log)"
sed 's/^/  | /' "$out/console.txt"
if [ -s "$out/qemu.log" ]; then
	echo "--- QEMU messages ($out/qemu.log)"
	sed 's/^/  | /' "$out/qemu.log"
fi
[ -z "$t_result" ] && grep -q '^NESTED-RESULT' "$out/console.txt" && t_result=$t_end
msg "timings: inner init after ${t_init:-?} s, result after ${t_result:-?} s, QEMU exited after $t_end s (exit $rc)"

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	msg "TIMEOUT: QEMU still running after $timeout_s s, killed"
	exit 124
fi
result=$(grep '^NESTED-RESULT ' "$out/console.txt" | tail -n 1 || true)
if [[ ! $result =~ ^NESTED-RESULT\ passed=([0-9]+)\ failed=([0-9]+)$ ]]; then
	msg "the inner guest reported no result (QEMU exit $rc)"
	exit 125
fi
[ "${BASH_REMATCH[2]}" -eq 0 ] && [ "${BASH_REMATCH[1]}" -gt 0 ]
