#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Queue errors stay with the instance that made them.  Two instances share
# a card (and its engines): B runs a long correct workload (vaccel-vfio
# long) while A submits one bad descriptor, ring setup or doorbell per
# error code (vaccel-vfio bad).  B gets every result right and no error;
# A sees each error where it must and recovers each queue; the kernel log
# has rate-limited lines naming A and none naming B.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=256
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
# Long enough to outlast "bad" on A under TCG.
seconds=${VACCEL_ISOLATION_SECONDS:-60}
uA=$(new_uuid)
uB=$(new_uuid)
sysfs_write "$types/accel-1of2/create" "$uA"
sysfs_write "$types/accel-1of2/create" "$uB"
devA=/sys/bus/mdev/devices/$uA
devB=/sys/bus/mdev/devices/$uB

log_step "B ($uB) runs long for $seconds s"
dmesg -C
outB=$VACCEL_RESULTS/24-long-B.txt
outA=$VACCEL_RESULTS/24-bad-A.txt
"$vfio" long "$uB" --seconds "$seconds" >"$outB" 2>&1 &
pidB=$!
for _ in $(seq 100); do
	grep "^== long: work" "$outB" >/dev/null && break
	kill -0 $pidB 2>/dev/null || fail "long on B ended early: $(cat "$outB")"
	sleep 0.1
done
grep "^== long: work" "$outB" >/dev/null || fail "long on B did not start: $(cat "$outB")"

log_step "A ($uA) runs bad meanwhile"
t0=$SECONDS
rcA=0
"$vfio" bad "$uA" >"$outA" 2>&1 || rcA=$?
bad_secs=$((SECONDS - t0))
echo "bad on A took $bad_secs s"
kill -0 $pidB 2>/dev/null || fail "long on B ended before bad on A did: raise VACCEL_ISOLATION_SECONDS"
rcB=0
wait $pidB || rcB=$?

log_step "A: every error as specified, and recovered"
if [ "$rcA" -ne 0 ]; then
	grep -E "^  FAIL|^  -- |^vaccel-vfio" "$outA" | grep -B1 -E "FAIL|^vaccel" || tail -n 30 "$outA"
	fail "vaccel-vfio bad on A exited $rcA (full output: $outA)"
fi
grep -E "^  ok    error [0-9]+ " "$outA"
tail -n 1 "$outA"
grep "^vaccel-vfio: bad .*: all [0-9]* checks passed" "$outA" >/dev/null ||
	fail "no 'all checks passed' line for bad on A"
cases=$(grep -c "^  -- [0-9]*: " "$outA" || true)
errorsA=$(cat "$devA/vaccel/errors")
echo "A: $cases bad cases, sysfs errors $errorsA"
assert_eq "$cases" "$errorsA" "errors of A (one per bad case)"

log_step "B: every result right, no error"
if [ "$rcB" -ne 0 ]; then
	grep -E "^  FAIL|^vaccel-vfio" "$outB" || tail -n 20 "$outB"
	fail "vaccel-vfio long on B exited $rcB (full output: $outB)"
fi
sed -n '/^== long: results/,$p' "$outB"
grep "^vaccel-vfio: long .*: all [0-9]* checks passed" "$outB" >/dev/null ||
	fail "no 'all checks passed' line for long on B"
assert_eq 0 "$(cat "$devB/vaccel/errors")" "errors of B"
[ "$(cat "$devB/vaccel/jobs")" -gt 0 ] || fail "B completed no jobs"
echo "B: jobs $(cat "$devB/vaccel/jobs"), bytes $(cat "$devB/vaccel/bytes"), busy_ns $(cat "$devB/vaccel/busy_ns")"

log_step "the kernel log names A, rate limited, and never B"
dmesg >"$VACCEL_RESULTS/24-dmesg.txt"
nA=$(grep -cF "$uA" "$VACCEL_RESULTS/24-dmesg.txt" || true)
nB=$(grep -cF "$uB" "$VACCEL_RESULTS/24-dmesg.txt" || true)
grep -m 5 -F "$uA" "$VACCEL_RESULTS/24-dmesg.txt"
grep -m 3 "callbacks suppressed" "$VACCEL_RESULTS/24-dmesg.txt" || true
# One line per error, "... (error N) at descriptor I, queue stopped",
# through printk's rate limit: a burst of 10 per 5 s for that call site.
# With more errors than that in the time bad took, some must be missing.
# (A RING error at ENABLE logs one more line, "enable refused".)
nfail=$(grep -F "$uA" "$VACCEL_RESULTS/24-dmesg.txt" | grep -cE "\(error [0-9]+\)" || true)
limit=$((10 * (bad_secs / 5 + 1)))
echo "$nA lines name A ($nfail of them an error), $nB name B, for $errorsA errors of A in $bad_secs s"
[ "$nfail" -gt 0 ] || fail "no kernel log line names A and an error"
[ "$nA" -le $((2 * errorsA)) ] || fail "$nA lines for $errorsA errors"
if [ "$errorsA" -gt "$limit" ]; then
	[ "$nfail" -lt "$errorsA" ] || fail "$nfail error lines for $errorsA errors in $bad_secs s: not rate limited"
else
	echo "note: $errorsA errors in $bad_secs s need no rate limiting (limit $limit)"
fi
if [ "$nB" -ne 0 ]; then
	grep -F "$uB" "$VACCEL_RESULTS/24-dmesg.txt"
	fail "kernel log lines name B, which made no error"
fi

sysfs_write "$devA/remove" 1
sysfs_write "$devB/remove" 1
