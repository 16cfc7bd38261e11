#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test helpers themselves, against real kernel errnos: expect_errno and
# sysfs_write must catch the errno the kernel returns, and must not pass
# when the write succeeds or fails otherwise.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

# drop_caches accepts 1 to 4: other values get EINVAL.
knob=/proc/sys/vm/drop_caches

log_step "sysfs_write succeeds on a valid value"
sysfs_write "$knob" 1

log_step "sysfs_write reports EINVAL by name"
if err=$(sysfs_write "$knob" 9 2>&1); then
	fail "writing 9 to $knob succeeded"
fi
grep -qw EINVAL <<<"$err" || fail "sysfs_write printed '$err', not EINVAL"

log_step "expect_errno catches the errno of sysfs_write and of a plain echo"
expect_errno EINVAL sysfs_write "$knob" 9
expect_errno EINVAL bash -c "echo 9 > $knob"
expect_errno ENOENT sysfs_write /sys/kernel/no-such-file 1
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -e "$thp" ]; then
	expect_errno EINVAL sysfs_write "$thp" bogus
fi

log_step "expect_errno fails when the write succeeds or gets another errno"
if (expect_errno EINVAL sysfs_write "$knob" 1) 2>/dev/null; then
	fail "expect_errno passed on a successful write"
fi
if (expect_errno ENOSPC sysfs_write "$knob" 9) 2>/dev/null; then
	fail "expect_errno took EINVAL for ENOSPC"
fi
if (expect_errno EBOGUS sysfs_write "$knob" 9) 2>/dev/null; then
	fail "expect_errno accepted an unknown errno name"
fi

log_step "errno names and messages: lib.sh's table agrees with python3"
for n in "${!ERRNO_MESSAGES[@]}"; do
	echo "$n ${ERRNO_MESSAGES[$n]}"
done | python3 -c '
import errno, os, sys
for line in sys.stdin:
    name, msg = line.rstrip("\n").split(" ", 1)
    want = os.strerror(getattr(errno, name))
    assert msg == want, f"{name}: lib.sh says {msg!r}, strerror says {want!r}"
' || fail "ERRNO_MESSAGES disagrees with strerror()"
assert_eq EHOSTUNREACH "$(errno_name "No route to host")" "errno_name beyond the table"
assert_eq "No route to host" "$(errno_message EHOSTUNREACH)" "errno_message beyond the table"

log_step "assert_eq and fail stop the test"
if (assert_eq a b "mismatch") 2>/dev/null; then
	fail "assert_eq passed on a mismatch"
fi
assert_eq "a b" "a b" "equal strings"

log_step "new_uuid gives distinct well-formed UUIDs"
u1=$(new_uuid)
u2=$(new_uuid)
[[ $u1 =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || fail "bad uuid '$u1'"
[ "$u1" != "$u2" ] || fail "new_uuid repeated $u1"
