#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench, scale: create and remove time as instances grow from 1 to 64
# across 16 cards of 4 engines (four accel-1of4s each), as an operator
# does it (a write to create, a write to remove), timed around each write
# (the shell's clock: the write is what the operator waits for).  Then
# the cards' work with VACCEL_BENCH_BUSY of them busy (default 16, one per
# card, the CI share; make bench: 64): each runs a BUSY load for 3 s and
# the debugfs snapshots of every card give the context switches per second
# and the engine time in use.  Lines "BENCH vmscale ..." go to
# $VACCEL_RESULTS/45-bench.txt.  Fails only when a create or remove
# fails or an instance is missing afterwards.
# e2e-timeout: 900
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

cards=16
load_vaccel cards=$cards engines=4 mem_mb=16
out=$VACCEL_RESULTS/45-bench.txt
: >"$out"
uuids=()
t_create=()
log_step "creating 64 accel-1of4s on $cards cards"
for n in $(seq 0 63); do
	u=$(new_uuid)
	c=$((n % cards))
	t0=$(date +%s%N)
	sysfs_write "/sys/bus/platform/devices/vaccel-sim.$c/mdev_supported_types/accel-1of4/create" "$u"
	t1=$(date +%s%N)
	uuids+=("$u")
	t_create+=($(( (t1 - t0) / 1000 )))
done
[ "$(ls /sys/bus/mdev/devices | wc -l)" = 64 ] || fail "64 instances expected, $(ls /sys/bus/mdev/devices | wc -l) found"
for c in $(seq 0 $((cards - 1))); do
	assert_eq 0 "$(cat /sys/bus/platform/devices/vaccel-sim.$c/mdev_supported_types/accel-1of4/available_instances)" "card $c free quarters"
done

# stats LIST: count, median and largest of the microseconds in LIST
stats()
{
	tr ' ' '\n' <<<"$*" | sort -n | awk '{ v[NR] = $1 } END { printf "n=%d p50_us=%d max_us=%d", NR, v[int((NR + 1) / 2)], v[NR] }'
}
for range in "0 0" "1 3" "4 15" "16 63"; do
	read -r a b <<<"$range"
	echo "BENCH vmscale op=create instances=$((a + 1))-$((b + 1)) $(stats "${t_create[@]:a:b-a+1}")" | tee -a "$out"
done

busy=${VACCEL_BENCH_BUSY:-16}
log_step "$busy of them busy for 3 s"
pids=()
for u in "${uuids[@]:0:busy}"; do
	"$REPO/tools/vaccel-vfio" load "$u" --seconds 600 >"$VACCEL_RESULTS/45-load-$u.txt" 2>&1 &
	pids+=($!)
done
for _ in $(seq 600); do
	ok=1
	for u in "${uuids[@]:0:busy}"; do
		[ "$(cat "/sys/bus/mdev/devices/$u/vaccel/jobs")" -gt 0 ] || { ok=0; break; }
	done
	[ "$ok" = 0 ] || break
	sleep 0.1
done
[ "$ok" = 1 ] || fail "the $busy loads did not start within 60 s"
mount -t debugfs nodev /sys/kernel/debug 2>/dev/null || true
d0=$(cat /sys/kernel/debug/vaccel/vaccel-sim.*/sched)
sleep 3
d1=$(cat /sys/kernel/debug/vaccel/vaccel-sim.*/sched)
# The window: from the first card's snapshot in one read to the first
# card's in the next (the kernel's clock; the cards are read in turn).
t0=$(awk '/^policy/ { print $NF; exit }' <<<"$d0")
t1=$(awk '/^policy/ { print $NF; exit }' <<<"$d1")
kill -TERM "${pids[@]}" 2>/dev/null || true
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || { cat "$VACCEL_RESULTS/45-load-${uuids[$i]}.txt"; fail "load $((i + 1)) failed"; }
done
sw() { awk '{ for (i = 1; i < NF; i++) if ($i == "switches") s += $(i + 1) } END { printf "%.0f\n", s }' <<<"$1"; }
bz() { awk '/util_1s/ { for (i = 1; i < NF; i++) if ($i == "busy_ns") s += $(i + 1) } END { printf "%.0f\n", s }' <<<"$1"; }
echo "BENCH vmscale op=busy instances=$busy cards=$cards window_ms=$(( (t1 - t0) / 1000000 )) switches_per_s=$(( ($(sw "$d1") - $(sw "$d0")) * 1000000000 / (t1 - t0) )) engines_busy_permille=$(( ($(bz "$d1") - $(bz "$d0")) * 1000 / ((t1 - t0) * cards * 4) ))" | tee -a "$out"

log_step "removing them"
t_remove=()
for u in "${uuids[@]}"; do
	t0=$(date +%s%N)
	sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
	t1=$(date +%s%N)
	t_remove+=($(( (t1 - t0) / 1000 )))
done
[ -z "$(ls /sys/bus/mdev/devices)" ] || fail "instances left after the removes"
echo "BENCH vmscale op=remove instances=64-1 $(stats "${t_remove[@]}")" | tee -a "$out"
