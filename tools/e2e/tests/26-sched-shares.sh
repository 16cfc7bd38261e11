#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The scheduler shares a card's engines as the operator asked: one
# accel-1of2 and two accel-1of4 instances saturating the card with BUSY
# loads get engine time near 50/25/25 (best_effort, weights 2:1:1); a lone
# busy 1of4 gets nearly the whole card under best_effort and about a
# quarter under fixed_share; equal_share and a live weight change give
# equal thirds.  Shares are engine time (busy_ns) measured over a window in
# the middle of each run, all instances in the same window: an instance's
# share is its part of the engine time the instances got together (the
# engine threads' own overhead between turns is nobody's).  The figures
# go to $VACCEL_RESULTS/26-figures.txt (docs/benchmarks.md).
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 engines=4 mem_mb=256
card=/sys/bus/platform/devices/vaccel-sim.0
types=$card/mdev_supported_types
vfio=$REPO/tools/vaccel-vfio
figures=$VACCEL_RESULTS/26-figures.txt
: >"$figures"

a=$(new_uuid)
b=$(new_uuid)
c=$(new_uuid)
sysfs_write "$types/accel-1of2/create" "$a"
sysfs_write "$types/accel-1of4/create" "$b"
sysfs_write "$types/accel-1of4/create" "$c"
busy() { cat "/sys/bus/mdev/devices/$1/vaccel/busy_ns"; }

# measure SECS RAMP UUID...: run a BUSY load on every queue of each UUID
# for RAMP + SECS + 2 s; sets shares[i] (per mille of the engine time the
# instances got in the SECS window), alone (per mille of the card's engine
# time, for a single UUID) and total (per mille of the card in use).
measure()
{
	local secs=$1 ramp=$2 u i pids=() t0 t1 sum=0
	local -a b0 b1
	shift 2
	for u in "$@"; do
		"$vfio" load "$u" --seconds $((ramp + secs + 2)) \
			>"$VACCEL_RESULTS/26-load-$u.txt" 2>&1 &
		pids+=($!)
	done
	sleep "$ramp"
	t0=$(date +%s%N)
	for u in "$@"; do b0+=("$(busy "$u")"); done
	sleep "$secs"
	t1=$(date +%s%N)
	for u in "$@"; do b1+=("$(busy "$u")"); done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { cat "$VACCEL_RESULTS/26-load-$1.txt"; fail "load on instance $((i + 1)) failed"; }
	done
	shares=()
	for i in "${!b0[@]}"; do
		sum=$((sum + b1[i] - b0[i]))
	done
	for i in "${!b0[@]}"; do
		shares+=("$(( (b1[i] - b0[i]) * 1000 / sum ))")
	done
	total=$(( sum * 1000 / ((t1 - t0) * 4) ))
}

# near WHAT GOT_PERMILLE WANT_PERCENT TOLERANCE_PERCENT
near()
{
	local got=$2 want=$(($3 * 10)) tol=$(($4 * 10))
	echo "  $1: $((got / 10)).$((got % 10))% (want $3 +- $4)" | tee -a "$figures"
	[ "$got" -ge $((want - tol)) ] && [ "$got" -le $((want + tol)) ] ||
		fail "$1: $((got / 10)).$((got % 10))% of the card, want $3% +- $4"
}

log_step "best_effort, 1of2 + 1of4 + 1of4 all busy: 50/25/25"
assert_eq "[best_effort] fixed_share equal_share" "$(cat $card/vaccel/policy)" "default policy"
assert_eq "2 1 1" "$(cat /sys/bus/mdev/devices/{$a,$b,$c}/vaccel/weight | xargs)" "type weights"
echo "best_effort, all three busy (8 s window):" >>"$figures"
measure 8 2 "$a" "$b" "$c"
near "1of2" "${shares[0]}" 50 4
near "1of4 #1" "${shares[1]}" 25 3
near "1of4 #2" "${shares[2]}" 25 3
near "card in use" "$total" 100 12

log_step "best_effort, one 1of4 busy, the others idle: nearly the whole card"
echo "best_effort, 1of4 alone (5 s window):" >>"$figures"
measure 5 2 "$b"
near "1of4 alone: card in use" "$total" 100 12

log_step "fixed_share, one 1of4 busy, the others idle: a quarter"
sysfs_write $card/vaccel/policy fixed_share
assert_eq "best_effort [fixed_share] equal_share" "$(cat $card/vaccel/policy)" "policy"
echo "fixed_share, 1of4 alone (5 s window):" >>"$figures"
measure 5 2 "$b"
near "1of4 alone, fixed_share: card in use" "$total" 25 3

log_step "fixed_share, all busy: each its fraction"
echo "fixed_share, all three busy (5 s window):" >>"$figures"
measure 5 2 "$a" "$b" "$c"
near "1of2" "${shares[0]}" 50 4
near "1of4 #1" "${shares[1]}" 25 3
near "1of4 #2" "${shares[2]}" 25 3

log_step "equal_share: weights ignored, thirds"
sysfs_write $card/vaccel/policy equal_share
echo "equal_share, all three busy (5 s window):" >>"$figures"
measure 5 2 "$a" "$b" "$c"
for i in 0 1 2; do near "instance $((i + 1))" "${shares[$i]}" 33 4; done

log_step "best_effort with the 1of2's weight set to 1 live: thirds"
sysfs_write $card/vaccel/policy best_effort
sysfs_write "/sys/bus/mdev/devices/$a/vaccel/weight" 1
assert_eq 1 "$(cat /sys/bus/mdev/devices/$a/vaccel/weight)" "weight set"
echo "best_effort, weights 1:1:1 (5 s window):" >>"$figures"
measure 5 2 "$a" "$b" "$c"
for i in 0 1 2; do near "instance $((i + 1))" "${shares[$i]}" 33 4; done
sysfs_write "/sys/bus/mdev/devices/$a/vaccel/weight" 0
assert_eq 2 "$(cat /sys/bus/mdev/devices/$a/vaccel/weight)" "weight 0 = type default"

log_step "the statistics moved"
for u in "$a" "$b" "$c"; do
	d=/sys/bus/mdev/devices/$u/vaccel
	for f in jobs picks switches preemptions waits; do
		[ "$(cat $d/$f)" -gt 0 ] || fail "$u: $f is $(cat $d/$f)"
	done
	[ "$(cat $d/wait_max_ns)" -ge $(( $(cat $d/wait_ns) / $(cat $d/waits) )) ] ||
		fail "$u: wait_max_ns below the average wait"
done
[ "$(cat /sys/bus/mdev/devices/$b/vaccel/throttles)" -gt 0 ] ||
	fail "fixed_share never throttled the lone 1of4"
echo "counters of the 1of2: $(cd /sys/bus/mdev/devices/$a/vaccel &&
	grep . jobs picks switches preemptions waits wait_ns wait_max_ns | xargs)" | tee -a "$figures"
