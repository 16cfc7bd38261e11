#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e-timeout: 600
# Live migration through the VFIO migration v2 uapi, driven from userspace
# as a VMM drives it (tools/vaccel-vfio migrate, docs/migration.md).  Two
# cards; for each type an instance on card 0 runs COPY, CRC32C, GEMM and
# BUSY commands on all 4 queues and is migrated to an instance of the same
# type on card 1 with commands in flight: every result on the destination
# is bit-exact, the source works again after a reset; then the same pair
# again (VACCEL_MIGRATE_RUNS times in all, default 2; "make e2e" 1, "make
# e2e-long" 5).  The figures (state
# size, time of each step, downtime; each type's best run; the cost per
# MiB of device memory) go to 37-figures.txt.  Then what must be refused is: another type, a
# corrupted state (header, middle, trailer), a truncated one, a state
# saved by another process whose rings are not mapped; aborts at
# RUNNING_P2P, STOP, STOP_COPY (data fd closed mid-stream) and RESUMING
# leave the source completing its work and the destination usable after
# a reset; a bounded fuzz of broken states (VACCEL_MIGRATE_FUZZ loads,
# default 200; seed VACCEL_MIGRATE_SEED) finds each refused.  Last, the
# type1 container's dirty page tracking (vaccel-vfio dirty) marks every
# page the engines wrote.
set -euo pipefail
source "$REPO/tools/e2e/lib.sh"

vfio=$REPO/tools/vaccel-vfio
figures=$VACCEL_RESULTS/37-figures.txt
fuzz=${VACCEL_MIGRATE_FUZZ:-200}
runs=${VACCEL_MIGRATE_RUNS:-2}
seed=${VACCEL_MIGRATE_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
quick=(--rounds 1 --warmup 0.3)

# run NAME ARGS...: vaccel-vfio ARGS, its output in 37-NAME.txt; it must
# exit 0 with every check passed.
run()
{
	local name=$1 out=$VACCEL_RESULTS/37-$1.txt rc=0 t0=$SECONDS
	shift
	timeout 240 "$vfio" "$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -E "^  FAIL|^vaccel-vfio" "$out" || tail -n 30 "$out"
		fail "$name: vaccel-vfio $* exited $rc (full output: $out)"
	fi
	grep -q "^vaccel-vfio: .*all [0-9]* checks passed" "$out" ||
		fail "$name: no 'all checks passed' line in $out"
	echo "$name: passed in $((SECONDS - t0)) s ($(grep -c '^  ok' "$out") checks)"
}

# out NAME: the output of run NAME
out()
{
	echo "$VACCEL_RESULTS/37-$1.txt"
}

remove()
{
	local u
	for u in "$@"; do
		sysfs_write "/sys/bus/mdev/devices/$u/remove" 1
	done
}

load_vaccel cards=2 mem_mb=64
dmesg -C

log_step "every type migrated from card 0 to card 1 with commands in flight, $runs times"
: >"$figures"
for t in accel-1of1 accel-1of2 accel-1of4; do
	s=$(create_instance 0 "$t")
	d=$(create_instance 1 "$t")
	# The same pair again: a migrated pair migrates again.
	for r in $(seq "$runs"); do
		run "migrate-$t-$r" migrate "$s" "$d"
		o=$(out "migrate-$t-$r")
		grep -q "^  ok    commands in flight when the source stopped" "$o" ||
			fail "$t: no command was in flight when the source stopped"
		grep "stopped at HEAD" "$o" | head -n 4
		sed -n '/^== migrate: report/,/^migrate: figures/p' "$o" | tee -a "$figures"
	done
	remove "$s" "$d"
done
# Each type's best run (TCG's pace follows the host's load), and the cost
# per MiB of device memory: the slope between the largest and the smallest
# type (the rest of the state is the same 1 KiB for all).
awk 'function lo(a, k, v) { if (!(k in a) || v < a[k]) a[k] = v }
/^migrate: figures/ {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	t = f["type"]; mem[t] = f["mem_bytes"] / 1048576; n++
	lo(down, t, f["downtime_us"]); lo(rd, t, f["read_us"]); lo(wr, t, f["write_us"])
}
END {
	for (t in mem) if (!(big in mem) || mem[t] > mem[big]) big = t
	for (t in mem) if (!(small in mem) || mem[t] < mem[small]) small = t
	dm = mem[big] - mem[small]
	if (n < 2 || dm <= 0) exit 1
	for (t in mem)
		printf "best of the runs: %s, %d MiB: downtime %.1f ms, STOP_COPY read %.1f ms, RESUMING write %.1f ms\n",
			t, mem[t], down[t] / 1000, rd[t] / 1000, wr[t] / 1000
	printf "per MiB of device memory (%s vs %s): downtime %.0f us, STOP_COPY read %.0f us, RESUMING write %.0f us\n",
		big, small, (down[big] - down[small]) / dm, (rd[big] - rd[small]) / dm,
		(wr[big] - wr[small]) / dm
}' "$figures" | tee -a "$figures" || fail "no figures to compute the cost per MiB from"

log_step "refused: another type, corrupted and truncated states"
s=$(create_instance 0 accel-1of2)
d=$(create_instance 1 accel-1of4)
run mismatch migrate "$s" "$d" "${quick[@]}"
grep "refused the state at" "$(out mismatch)"
remove "$s" "$d"
s=$(create_instance 0 accel-1of4)
d=$(create_instance 1 accel-1of4)
for c in 0 40 8388608 -1; do
	run "corrupt$c" migrate "$s" "$d" "${quick[@]}" --corrupt "$c"
	grep "refused the state at" "$(out "corrupt$c")"
done
for n in 0 1000 8388608; do
	run "truncate$n" migrate "$s" "$d" "${quick[@]}" --truncate "$n"
	grep "refused the state at" "$(out "truncate$n")"
done

log_step "aborts: the source completes its work, the destination is usable"
for a in p2p stop stop_copy resuming; do
	run "abort-$a" migrate "$s" "$d" "${quick[@]}" --abort "$a"
	grep -E "source: .* -> RUNNING|refused the state at|data fd closed" "$(out "abort-$a")" | head -n 3
done

log_step "a state saved to a file, loaded by another process"
state=$VACCEL_RESULTS/37-state.bin
run save migrate "$s" - "${quick[@]}" --save "$state"
echo "saved $(stat -c %s "$state") bytes"
# The rings it names are not mapped in the loading process: refused at
# RESUMING -> STOP, or taken and the queues stopped; reset and usable.
run load migrate - "$d" --load "$state"
grep -E "refused the state at|state accepted" "$(out load)"
run load-corrupt migrate - "$d" --load "$state" --corrupt 2000
grep "refused the state at" "$(out load-corrupt)"
rm -f "$state"

log_step "fuzz: $fuzz broken states, seed $seed"
run fuzz migrate "$s" "$d" "${quick[@]}" --fuzz "$fuzz" --seed "$seed"
sed -n '/^== migrate: fuzz/,/^migrate: fuzz/p' "$(out fuzz)"
remove "$s" "$d"

log_step "dirty pages: type1 marks every page the engines wrote"
u=$(create_instance 0 accel-1of4)
run dirty dirty "$u"
grep "^dirty:" "$(out dirty)" | tee -a "$figures"
remove "$u"

log_step "the kernel log"
dmesg >"$VACCEL_RESULTS/37-dmesg.txt"
grep -m 10 -E "migration|vaccel" "$VACCEL_RESULTS/37-dmesg.txt" || true
timeout 30 rmmod vaccel || fail "rmmod vaccel failed"
