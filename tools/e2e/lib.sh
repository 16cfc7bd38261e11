#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end test files in tools/e2e/tests (sourced by them,
# inside the VM).  tools/e2e/run-in-vm.sh provides REPO, VACCEL_KO,
# VACCEL_KVER and VACCEL_RESULTS.
#
#   log_step MSG                  print a step heading
#   fail MSG                      print MSG and exit 1
#   assert_eq EXPECTED ACTUAL MSG fail unless EXPECTED = ACTUAL
#   sysfs_write [-n] PATH VALUE   write VALUE and a newline (-n: no newline)
#                                 in one write(2), as "echo VALUE > PATH"
#                                 does; on failure print the errno name
#                                 (e.g. "ENOSPC") to stderr and return 1
#   expect_errno ERRNAME CMD...   run CMD, fail unless it fails with errno
#                                 ERRNAME: the name (as sysfs_write prints
#                                 it) or its message (as "echo x > f"
#                                 prints it) must appear in CMD's output
#   new_uuid                      a random UUID
#   load_vaccel [PARAM=VALUE...]  load the VFIO modules and insmod $VACCEL_KO
#   unload_vaccel                 rmmod vaccel if loaded
#   create_instance CARD TYPE     create an instance of TYPE (accel-1of2...)
#                                 on vaccel-sim.CARD, print its UUID
#   nested_images OUTDIR [--require-vf]
#                                 the inner guest's initramfs and kernel
#                                 (tools/nested) from the host's cache, else
#                                 built (the image into OUTDIR): sets
#                                 NESTED_INITRAMFS and NESTED_KERNEL
#   guest [--timeout S] CMD...    run CMD in the inner guest of
#                                 $VACCEL_AGENT_DIR (tools/nested/agent.sh
#                                 run): its output, its exit status
#   guest_bg NAME CMD...          start CMD in the background in that guest
#   guest_wait [--timeout S] NAME its output and exit status
#   busy_ns UUID...               the instances' busy_ns, read by one
#                                 process, on one line
#   sched_field DUMP NAME UUID... the value after NAME in each UUID's lines
#                                 of DUMP, one read of a card's debugfs
#                                 sched file (so one instant for all), on
#                                 one line

log_step()
{
	echo "--- $*"
}

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

assert_eq()
{
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# strerror() texts of the errnos tests meet most, so that naming one does
# not cost a python3 start (half a second under TCG); python3 answers for
# the others.  tests/01-harness-errno.sh checks this table against python3.
declare -gA ERRNO_MESSAGES=(
	[EPERM]="Operation not permitted"
	[ENOENT]="No such file or directory"
	[EINTR]="Interrupted system call"
	[EIO]="Input/output error"
	[ENXIO]="No such device or address"
	[E2BIG]="Argument list too long"
	[EBADF]="Bad file descriptor"
	[EAGAIN]="Resource temporarily unavailable"
	[ENOMEM]="Cannot allocate memory"
	[EACCES]="Permission denied"
	[EFAULT]="Bad address"
	[EBUSY]="Device or resource busy"
	[EEXIST]="File exists"
	[ENODEV]="No such device"
	[EINVAL]="Invalid argument"
	[ENOTTY]="Inappropriate ioctl for device"
	[ENOSPC]="No space left on device"
	[ERANGE]="Numerical result out of range"
	[ENOSYS]="Function not implemented"
	[EOPNOTSUPP]="Operation not supported"
	[ETIMEDOUT]="Connection timed out"
)

# errno_name MESSAGE: the errno name whose strerror() text is MESSAGE
# ("Invalid argument" -> EINVAL), or "errno?" if none matches.
errno_name()
{
	local n

	for n in "${!ERRNO_MESSAGES[@]}"; do
		if [ "${ERRNO_MESSAGES[$n]}" = "$1" ]; then
			echo "$n"
			return 0
		fi
	done
	python3 -I -S -c '
import errno, os, sys
names = [n for c, n in sorted(errno.errorcode.items()) if os.strerror(c) == sys.argv[1]]
print(names[0] if names else "errno?")' "$1"
}

# errno_message NAME: strerror() text of errno NAME; fails on unknown names.
errno_message()
{
	if [ -n "${ERRNO_MESSAGES[$1]:-}" ]; then
		echo "${ERRNO_MESSAGES[$1]}"
		return 0
	fi
	python3 -I -S -c '
import errno, os, sys
print(os.strerror(getattr(errno, sys.argv[1])))' "$1" 2>/dev/null
}

sysfs_write()
{
	local newline=1 path value err msg name

	if [ "${1:-}" = -n ]; then
		newline=
		shift
	fi
	path=$1
	value=$2
	# Redirection would create a missing file (sysfs answers EACCES);
	# report what an open(O_WRONLY) gets instead.
	if [ ! -e "$path" ]; then
		echo "sysfs_write: $path: ENOENT (No such file or directory)" >&2
		return 1
	fi
	# bash's printf builtin emits its output in a single write(2); on
	# failure bash prints "...: write error: <strerror text>" (or, when the
	# open fails, "...: <path>: <strerror text>").
	if err=$( { if [ -n "$newline" ]; then
			printf '%s\n' "$value"
		else
			printf '%s' "$value"
		fi > "$path"; } 2>&1 ); then
		return 0
	fi
	msg=${err##*: }
	name=$(errno_name "$msg")
	echo "sysfs_write: $path: $name ($msg)" >&2
	return 1
}

expect_errno()
{
	local want=$1 msg out
	shift

	msg=$(errno_message "$want") || fail "expect_errno: unknown errno name '$want'"
	if out=$("$@" 2>&1); then
		fail "expected $want from '$*', but it succeeded${out:+: $out}"
	fi
	if ! grep -qw -- "$want" <<<"$out" && ! grep -qF -- "$msg" <<<"$out"; then
		fail "expected $want ($msg) from '$*', got: $out"
	fi
	echo "got $want as expected: $*"
}

new_uuid()
{
	local u
	read -r u < /proc/sys/kernel/random/uuid
	echo "$u"
}

load_vaccel()
{
	modprobe -a vfio vfio_iommu_type1 mdev || fail "cannot load vfio, vfio_iommu_type1, mdev"
	[ -f "$VACCEL_KO" ] || fail "$VACCEL_KO not built"
	insmod "$VACCEL_KO" "$@" || fail "insmod $VACCEL_KO $* failed"
}

unload_vaccel()
{
	[ -d /sys/module/vaccel ] || return 0
	rmmod vaccel || fail "rmmod vaccel failed"
}

create_instance()
{
	local u

	u=$(new_uuid)
	sysfs_write "/sys/bus/platform/devices/vaccel-sim.$1/mdev_supported_types/$2/create" "$u" ||
		fail "cannot create $2 on vaccel-sim.$1"
	echo "$u"
}

nested_images()
{
	local out=$1
	shift
	# What is written to $VACCEL_CACHE in the VM vanishes at power off
	# (its root is a tmpfs overlay): read the cache, build elsewhere.
	# shellcheck disable=SC2034 # for the caller
	NESTED_INITRAMFS=$("$REPO/tools/nested/build-initramfs.sh" \
		--cache "$VACCEL_CACHE/nested" --build-dir "$out" "$@") ||
		fail "cannot build the inner guest's initramfs"
	# shellcheck disable=SC2034 # for the caller
	NESTED_KERNEL=$("$REPO/tools/nested/extract-vmlinux.sh" \
		--cache "$VACCEL_CACHE/nested" --build-dir /tmp/vaccel-nested \
		"/boot/vmlinuz-$(uname -r)") ||
		fail "cannot extract the inner guest's kernel"
}

guest()
{
	"$REPO/tools/nested/agent.sh" run "$@"
}

guest_bg()
{
	"$REPO/tools/nested/agent.sh" bg "$@"
}

guest_wait()
{
	"$REPO/tools/nested/agent.sh" wait "$@"
}

busy_ns()
{
	local u files=()

	for u in "$@"; do
		files+=("/sys/bus/mdev/devices/$u/vaccel/busy_ns")
	done
	cat "${files[@]}" | xargs
}

sched_field()
{
	local dump=$1 name=$2 u
	shift 2
	for u in "$@"; do
		awk -v u="$u" -v n="$name" '$1 == u { f = 1 } f && $1 != u && !/^ / { exit }
			f { for (i = 1; i < NF; i++) if ($i == n) { print $(i + 1); exit } }' <<<"$dump"
	done | xargs
}
