#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e-timeout: 420
# The fuzzer (vaccel-vfio fuzz, docs/fuzzing.md): two fuzzers attack an
# accel-1of2 (A) and an accel-1of4 (B) with seeded random operations,
# 50,000 each (VACCEL_FUZZ_OPS), while an accel-1of4 (N) on the same card
# runs vaccel-vfio long, every result verified.  The fuzz passes when no
# operation hung, N got every result right and verified jobs; then A and
# B pass vaccel-vfio ops (from power-on: the close reset them), the three
# are removed, vaccel unloads, and the kernel log of the test holds no
# warning, lockdep, KASAN, kmemleak, hung-task, RCU stall or soft lockup
# report (the harness checks WARNING, BUG and Oops; this test the rest).
# The seed is random unless VACCEL_FUZZ_SEED is set; the log prints it,
# and "vaccel-vfio fuzz A B N --seed S" replays the same operations.
# Under TCG: about 120 s for the fuzz, 150 s for the whole test.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

ops=${VACCEL_FUZZ_OPS:-50000}
seed=${VACCEL_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
name=32-fuzz
# The kernel log since this test began (the harness's marker): grep it
# for what the harness does not look for.
kernel_reports()
{
	sed -n "/vaccel-e2e: begin $name\$/,\$p" "$VACCEL_RESULTS/dmesg.log" |
		grep -E 'INFO: |hung_task|blocked for more than|lockdep|possible (circular|recursive)|inconsistent lock|KASAN|kmemleak|rcu.*(stall|detected)|soft lockup|hard LOCKUP|Call Trace|WARNING|BUG|Oops' || true
}

load_vaccel cards=1 mem_mb=64
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
uA=$(create_instance 0 accel-1of2)
uB=$(create_instance 0 accel-1of4)
uN=$(create_instance 0 accel-1of4)
echo "A $uA (accel-1of2), B $uB (accel-1of4), N $uN (accel-1of4, the neighbour)"

log_step "fuzz: $ops operations on each of A and B, seed $seed, N verified"
out=$VACCEL_RESULTS/$name-fuzz.txt
t0=$SECONDS
rc=0
"$vfio" fuzz "$uA" "$uB" "$uN" --seed "$seed" --ops "$ops" \
	--log "$VACCEL_RESULTS/$name-neighbour.txt" >"$out" 2>&1 || rc=$?
cat "$out"
echo "fuzz took $((SECONDS - t0)) s, exit status $rc"
[ "$rc" -eq 0 ] || fail "vaccel-vfio fuzz failed (exit $rc, seed $seed): see above and $name-neighbour.txt"
summary=$(grep '^fuzz: PASS: ' "$out") || fail "no PASS summary line"
total=$(sed -n 's/.*, \([0-9]*\) operations (A.*/\1/p' <<<"$summary")
jobs=$(sed -n 's/.*neighbour \([0-9]*\) jobs verified.*/\1/p' <<<"$summary")
[ "${total:-0}" -ge $((2 * ops)) ] || fail "only ${total:-0} operations done, expected $((2 * ops))"
[ "${jobs:-0}" -gt 0 ] || fail "the neighbour verified no job"
echo "$total operations, the neighbour verified $jobs jobs"
for x in "A $uA" "B $uB" "N $uN"; do
	d=/sys/bus/mdev/devices/${x#* }/vaccel
	echo "sysfs of ${x%% *}: jobs $(cat "$d/jobs"), queue errors $(cat "$d/errors"), resets $(cat "$d/resets")"
done
assert_eq 0 "$(cat "/sys/bus/mdev/devices/$uN/vaccel/errors")" "queue errors of the neighbour"

log_step "A and B work after the fuzz: vaccel-vfio ops on each"
for u in "$uA" "$uB"; do
	o=$VACCEL_RESULTS/$name-ops-$u.txt
	"$vfio" ops "$u" >"$o" 2>&1 || { grep -E '^  FAIL|^vaccel-vfio' "$o" | head -n 20; fail "ops on $u after the fuzz failed (see $o)"; }
	tail -n 1 "$o"
done

log_step "remove A, B and N; unload vaccel"
for u in "$uA" "$uB" "$uN"; do
	sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
done
unload_vaccel
[ ! -d /sys/module/vaccel ] || fail "vaccel still loaded"

log_step "the kernel log of the test"
sleep 1
reports=$(kernel_reports)
if [ -n "$reports" ]; then
	echo "$reports" | head -n 40
	fail "the kernel reported trouble during the fuzz (seed $seed)"
fi
echo "no warning, lockdep, KASAN, kmemleak, hung-task, stall or lockup report"
