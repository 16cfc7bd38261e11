#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Concurrent creations never over-commit a card: many writers race for the
# four quarter slots; exactly what fits is created, the rest get ENOSPC.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

load_vaccel cards=1 mem_mb=16
types=/sys/bus/platform/devices/vaccel-sim.0/mdev_supported_types
out=$VACCEL_RESULTS/15-races
mkdir -p "$out"

for round in 1 2 3 4 5; do
	log_step "round $round: 4 x 1of1, 6 x 1of2, 10 x 1of4 at once"
	rm -f "$out"/*
	i=0
	for t in 1of1 1of1 1of1 1of1 1of2 1of2 1of2 1of2 1of2 1of2 \
		 1of4 1of4 1of4 1of4 1of4 1of4 1of4 1of4 1of4 1of4; do
		i=$((i + 1))
		( u=$(new_uuid)
		  if sysfs_write "$types/accel-$t/create" "$u" 2>"$out/$i.err"; then
			echo "$t $u" > "$out/$i.ok"
		  fi ) &
	done
	wait
	slots=0
	for f in "$out"/*.ok; do
		[ -e "$f" ] || continue
		read -r t _ < "$f"
		case $t in 1of1) slots=$((slots + 4)) ;; 1of2) slots=$((slots + 2)) ;; 1of4) slots=$((slots + 1)) ;; esac
	done
	for f in "$out"/*.err; do
		[ -s "$f" ] || continue
		grep -q ENOSPC "$f" || fail "a racing create failed otherwise: $(cat "$f")"
	done
	created=$(ls "$out"/*.ok 2>/dev/null | wc -l)
	echo "round $round: $created instances, $slots slots"
	[ "$slots" -le 4 ] || fail "over-committed: $slots slots taken"
	assert_eq "$created" "$(ls /sys/bus/mdev/devices | wc -l)" "instances in sysfs"
	# Best fit and no over-commit: the card is full once the racing is over.
	assert_eq 4 "$slots" "slots taken after the race"
	assert_eq "0-3" "$(cat /sys/bus/platform/devices/vaccel-sim.0/vaccel/slots_used)" "slots_used"
	for d in /sys/bus/mdev/devices/*; do
		sysfs_write "$d/remove" 1
	done
	assert_eq "" "$(cat /sys/bus/platform/devices/vaccel-sim.0/vaccel/slots_used)" "empty card"
done
