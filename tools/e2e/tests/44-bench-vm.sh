#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM's part of make bench (docs/benchmarks.md, "Policies side by side":
# throughput and trap efficiency), for every policy the card offers, the
# benchmark baselines included, one after the other on the same card of 4
# engines:
#  - alone: one accel-1of1 with every queue kept full of commands
#    (vaccel-vfio load --op OP);
#  - shared: an accel-1of2 and two accel-1of4s doing the same;
# each measured over a window whose ends are two debugfs snapshots (the
# kernel's now_ns and every instance's counters at one instant).  The
# commands: 1 ms BUSY (engine time, no CPU), and COPY of 1 MiB and GEMM
# of 64^3 in device memory (work the engines do on the VM's CPUs).
# Figures: the work completed per second of the window (BUSY in engines'
# worth, bytes, multiply-adds) shared against alone, each instance's
# share of it, the engine time the
# scheduler charged (busy_ns), context switches and preemptions per
# second, and the trapped BAR0 writes and reads per command completed.  Lines "BENCH vm ..." go to
# $VACCEL_RESULTS/44-bench.txt, which tools/bench.sh keeps.
# Never fails on a figure; fails when a load fails, did not run through
# the window, or a snapshot lacks an instance.
# VACCEL_BENCH_RUNS (default 1) windows of each kind per policy,
# VACCEL_BENCH_SECONDS (default 3) each; VACCEL_BENCH_POLICIES and
# VACCEL_BENCH_SLICES_US (lists; default every policy, the card's slice);
# VACCEL_BENCH_OPS (default "busy copy gemm"); COPY and GEMM run for the
# policies of VACCEL_BENCH_OP_POLICIES (default best_effort and
# static_lend, to keep CI's share short; "all": every policy, as make
# bench runs them), at the first slice of the list.
# e2e-timeout: 3600
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

runs=${VACCEL_BENCH_RUNS:-1}
secs=${VACCEL_BENCH_SECONDS:-3}
load_vaccel cards=1 engines=4 mem_mb=64
mount -t debugfs nodev /sys/kernel/debug 2>/dev/null || true
vfio=$REPO/tools/vaccel-vfio
card=/sys/bus/platform/devices/vaccel-sim.0
types=$card/mdev_supported_types
dbg=/sys/kernel/debug/vaccel/vaccel-sim.0/sched
out=$VACCEL_RESULTS/44-bench.txt
: >"$out"

# window POLICY OP KIND SLOTS...: instances of SLOTS (4, 2, 1) each with
# a load of OP on every queue; once all complete commands, 1 s of ramp,
# then $secs s between two snapshots; then the loads stop and the
# instances go.
window()
{
	local policy=$1 op=$2 kind=$3 s u i d0 d1 t dsum=0 wsum=0 rsum=0 csum=0 dry=0
	local bsum=0 ssum=0 psum=0 unit
	local -a uuids pids done shares
	shift 3
	case $op in
	busy) unit=done_busy_ns ;;
	copy) unit=done_bytes ;;
	gemm) unit=done_macs ;;
	*) fail "unknown op $op" ;;
	esac
	for s in "$@"; do
		u=$(new_uuid)
		sysfs_write "$types/accel-1of$((4 / s))/create" "$u"
		uuids+=("$u")
	done
	for u in "${uuids[@]}"; do
		"$vfio" load "$u" --op "$op" --seconds 600 >"$VACCEL_RESULTS/44-load-$u.txt" 2>&1 &
		pids+=($!)
	done
	for _ in $(seq 300); do
		t=1
		for u in "${uuids[@]}"; do
			[ "$(cat "/sys/bus/mdev/devices/$u/vaccel/jobs")" -gt 0 ] || t=0
		done
		[ "$t" = 0 ] || break
		sleep 0.1
	done
	[ "$t" = 1 ] || fail "$policy $op $kind: the loads did not start within 30 s"
	sleep 1
	d0=$(cat $dbg)
	sleep "$secs"
	d1=$(cat $dbg)
	kill -TERM "${pids[@]}" 2>/dev/null || true
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { cat "$VACCEL_RESULTS/44-load-${uuids[$i]}.txt"; fail "$policy $kind: load $((i + 1)) failed"; }
		t=$(sed -n 's/.*, \([0-9]*\) times a queue had run dry/\1/p' "$VACCEL_RESULTS/44-load-${uuids[$i]}.txt")
		dry=$((dry + ${t:-0}))
	done
	t=$(( $(awk '/^policy/ { print $NF }' <<<"$d1") - $(awk '/^policy/ { print $NF }' <<<"$d0") ))
	[ "$t" -gt 0 ] || fail "$policy $kind: no time between the snapshots"
	for u in "${uuids[@]}"; do
		local b0 b1 w0 w1 r0 r1 c0 c1 e0 e1 s0 s1 p0 p1
		b0=$(sched_field "$d0" "$unit" "$u"); b1=$(sched_field "$d1" "$unit" "$u")
		w0=$(sched_field "$d0" mmio_writes "$u"); w1=$(sched_field "$d1" mmio_writes "$u")
		r0=$(sched_field "$d0" mmio_reads "$u"); r1=$(sched_field "$d1" mmio_reads "$u")
		c0=$(sched_field "$d0" commands "$u"); c1=$(sched_field "$d1" commands "$u")
		e0=$(sched_field "$d0" busy_ns "$u"); e1=$(sched_field "$d1" busy_ns "$u")
		s0=$(sched_field "$d0" switches "$u"); s1=$(sched_field "$d1" switches "$u")
		p0=$(sched_field "$d0" preemptions "$u"); p1=$(sched_field "$d1" preemptions "$u")
		[ -n "$b0" ] && [ -n "$b1" ] && [ -n "$c1" ] || fail "$policy $kind: $u missing from a snapshot"
		done+=($((b1 - b0)))
		dsum=$((dsum + b1 - b0))
		wsum=$((wsum + w1 - w0))
		rsum=$((rsum + r1 - r0))
		csum=$((csum + c1 - c0))
		bsum=$((bsum + e1 - e0))
		ssum=$((ssum + s1 - s0))
		psum=$((psum + p1 - p0))
	done
	[ "$csum" -gt 0 ] || fail "$policy $kind: no command completed in the window"
	for i in "${!done[@]}"; do
		shares+=($(( done[i] * 1000 / (dsum > 0 ? dsum : 1) )))
	done
	for u in "${uuids[@]}"; do
		sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
	done
	# work completed per second; BUSY also in thousandths of engines' worth
	echo "BENCH vm op=$op kind=$kind policy=$policy window_ns=$t done_per_s=$(( dsum * 1000000 / t * 1000 )) done_engines=$(( dsum * 1000 / t )) busy_engines=$(( bsum * 1000 / t )) switches_per_s=$(( ssum * 1000000000 / t )) preemptions_per_s=$(( psum * 1000000000 / t )) shares=$(IFS=/; echo "${shares[*]}") commands=$csum mmio_writes=$wsum mmio_reads=$rsum dry=$dry" | tee -a "$out"
}

read -r -a policies <<<"$(tr -d '[]' <"$card/vaccel/policy")"
[ "${#policies[@]}" -ge 3 ] || fail "the card offers ${#policies[@]} policies"
if [ -n "${VACCEL_BENCH_POLICIES:-}" ]; then
	read -r -a policies <<<"$VACCEL_BENCH_POLICIES"
fi
read -r -a slices <<<"${VACCEL_BENCH_SLICES_US:-$(cat "$card/vaccel/slice_us")}"
read -r -a ops <<<"${VACCEL_BENCH_OPS:-busy copy gemm}"
op_policies=" ${VACCEL_BENCH_OP_POLICIES:-best_effort static_lend} "
[ "$op_policies" != " all " ] || op_policies=" ${policies[*]} "
log_step "policies: ${policies[*]}; slices ${slices[*]} us; ${ops[*]} (COPY and GEMM:${op_policies% }); $runs run(s) of $secs s per window"
for sl in "${slices[@]}"; do
	sysfs_write "$card/vaccel/slice_us" "$sl"
	for p in "${policies[@]}"; do
		sysfs_write "$card/vaccel/policy" "$p"
		for op in "${ops[@]}"; do
			[ "$op" = busy ] || { [[ $op_policies == *" $p "* ]] &&
				[ "$sl" = "${slices[0]}" ]; } || continue
			for r in $(seq "$runs"); do
				log_step "$p, $op, slice $sl us, run $r: alone"
				window "$p slice_us=$sl" "$op" alone 4
				log_step "$p, $op, slice $sl us, run $r: shared"
				window "$p slice_us=$sl" "$op" shared 2 1 1
			done
		done
	done
done
sysfs_write "$card/vaccel/policy" best_effort
