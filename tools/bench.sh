#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: regenerate the scheduler benchmarks of docs/benchmarks.md
# ("Policies side by side") and their plots in docs/bench/, from scratch.
#
# Runs the KUnit suites vaccel_bench* natively (UML through kunit.py) with
# BENCH_RUNS runs per figure (default 5), keeps their "BENCH ..." lines in
# docs/bench/sched.txt with the command, commit and machine they came
# from; then (unless BENCH_VM=0) the physical limit again in a VM (KUnit's
# x86_64 kernel under QEMU TCG: docs/bench/tcg.txt) and e2e tests
# 44-bench-vm and 45-bench-scale in a VM, whose lines go to
# docs/bench/vm.txt; and has tools/bench-report.py turn them into the
# tables between the markers of docs/benchmarks.md and into PNG plots
# (gnuplot).
#
# Usage: tools/bench.sh            run, then report
#        tools/bench.sh --report   only the report, from docs/bench/*.txt
#
# BENCH_STEPS picks the runs (default "sim tcg vm"): sim, the suites under
# UML (sched.txt); tcg, the physical limit under TCG (tcg.txt); vm, the VM
# tests (vm.txt).  A step not run keeps its file from an earlier run, and
# the report names where each came from.  BENCH_VM=0 is BENCH_STEPS=sim.
# BENCH_VM_RUNS (default BENCH_RUNS): runs of the tcg and vm steps, the
# slow ones.
#
# Installs what it needs (tools/install-deps.sh) and prints where it is.
# Never fails on a figure: only when the run itself fails.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${VACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaccel}
runs=${BENCH_RUNS:-5}
vmruns=${BENCH_VM_RUNS:-$runs}
out=$repo/docs/bench
raw=$out/sched.txt

for n in "$runs" "$vmruns"; do
	case $n in
	''|*[!0-9]*) n=0 ;;
	esac
	if [ "$n" -lt 1 ] || [ "$n" -gt 20 ]; then
		echo "bench: BENCH_RUNS and BENCH_VM_RUNS must be numbers from 1 to 20" >&2
		exit 2
	fi
done
# The commit the figures come from, before any step rewrites docs/bench.
commit=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)

# header WHAT: where the lines that follow came from.
header()
{
	echo "# command: BENCH_RUNS=$runs${BENCH_VM_RUNS:+ BENCH_VM_RUNS=$vmruns}${BENCH_VM_SLICES_US:+ BENCH_VM_SLICES_US=\"$BENCH_VM_SLICES_US\"}${BENCH_STEPS:+ BENCH_STEPS=\"$BENCH_STEPS\"} make bench$1"
	echo "# commit: $commit"
	echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')$2"
}

steps=${BENCH_STEPS:-sim tcg vm}
[ "${BENCH_VM:-1}" = 1 ] || steps=sim
for st in $steps; do
	case $st in
	sim|tcg|vm) ;;
	*) echo "bench: BENCH_STEPS takes sim, tcg and vm, not '$st'" >&2; exit 2 ;;
	esac
done
# --report runs nothing.
[ "${1:-}" != --report ] || steps=
# has STEP: was STEP asked for?
has() { [[ " $steps " == *" $1 "* ]]; }

mkdir -p "$out"
if [ -n "$steps" ]; then
	"$repo/tools/install-deps.sh"
fi
if has sim; then
	echo "bench: [sim] the scheduler simulation, every policy, $runs runs per figure (UML, native; about a minute after the build)"
	start=$(date +%s)
	VACCEL_KUNIT_BENCH=1 VACCEL_KUNIT_ARCH=uml "$repo/tools/kunit.sh" 'vaccel_bench*' \
		--kernel_args "vaccel_kunit.bench_runs=$runs"
	log=$cache/kunit-uml-bench/test.log
	n=$(grep -c 'BENCH ' "$log" || true)
	if [ "$n" -eq 0 ]; then
		echo "bench: no BENCH lines in $log" >&2
		exit 1
	fi
	{
		header "" ", kernel $(uname -r); simulation under UML (native), a kernel without lock or memory debugging (kunit/bench-uml.kunitconfig)"
		grep -o 'BENCH .*' "$log"
	} > "$raw.tmp"
	mv "$raw.tmp" "$raw"
	echo "bench: $n figures' lines in $((($(date +%s) - start))) s -> ${raw#"$repo"/}"
fi
if has tcg; then
	echo "bench: [tcg] the physical limit in a VM (KUnit's x86_64 kernel under TCG), $vmruns runs"
	VACCEL_KUNIT_BENCH=1 VACCEL_KUNIT_ARCH=x86_64 "$repo/tools/kunit.sh" 'vaccel_bench_engine' \
		--kernel_args "vaccel_kunit.bench_runs=$vmruns"
	log=$cache/kunit-x86_64-bench/test.log
	grep -q 'BENCH physical' "$log" || { echo "bench: no BENCH lines in $log" >&2; exit 1; }
	{
		header " (KUnit vaccel_bench_engine on x86_64)" \
			"; an x86_64 kernel under QEMU TCG (kunit.py), without lock or memory debugging (kunit/bench-x86_64.kunitconfig)"
		grep -o 'BENCH .*' "$log"
	} > "$out/tcg.txt.tmp"
	mv "$out/tcg.txt.tmp" "$out/tcg.txt"
fi
if has vm; then
	echo "bench: [vm] throughput and traps in a VM (TCG), every policy, BUSY at slices ${BENCH_VM_SLICES_US:-1000 10000} us, COPY and GEMM at the first, $vmruns runs (about $((vmruns * 50)) s per policy)"
	make -C "$repo" modules tools >/dev/null
	VACCEL_BENCH_RUNS=$vmruns VACCEL_BENCH_SLICES_US="${BENCH_VM_SLICES_US:-1000 10000}" \
		VACCEL_BENCH_OP_POLICIES=all VACCEL_BENCH_BUSY=64 \
		"$repo/tools/e2e.sh" 44-bench-vm 45-bench-scale
	{
		header " (tools/e2e/tests/44-bench-vm.sh, 45-bench-scale.sh)" \
			"; Debian's 6.1 kernel in a VM under QEMU TCG"
		cat "$cache/e2e-results/latest/44-bench.txt" \
		    "$cache/e2e-results/latest/45-bench.txt"
	} > "$out/vm.txt.tmp"
	mv "$out/vm.txt.tmp" "$out/vm.txt"
fi

[ -s "$raw" ] || { echo "bench: $raw is missing: run tools/bench.sh first" >&2; exit 1; }
echo "bench: [report] tables and plots from docs/bench/*.txt"
python3 "$repo/tools/bench-report.py" "$raw" "$out/vm.txt" "$repo/docs/benchmarks.md" "$out" "$out/tcg.txt"
