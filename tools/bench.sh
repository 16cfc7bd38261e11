#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: regenerate the scheduler benchmarks of docs/benchmarks.md
# ("Policies side by side") and their plots in docs/bench/, from scratch.
#
# Runs the KUnit suite vaccel_bench natively (UML through kunit.py) with
# BENCH_RUNS runs per figure (default 5), keeps its "BENCH ..." lines in
# docs/bench/sched.txt with the command, commit and machine they came
# from; then (unless BENCH_VM=0) e2e tests 44-bench-vm and 45-bench-scale
# in a VM, whose lines
# go to docs/bench/vm.txt; and has tools/bench-report.py turn both into
# the tables between the markers of docs/benchmarks.md and into PNG plots
# (gnuplot).
#
# Usage: tools/bench.sh            run, then report
#        tools/bench.sh --report   only the report, from docs/bench/sched.txt
#
# Installs what it needs (tools/install-deps.sh) and prints where it is.
# Never fails on a figure: only when the run itself fails.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${VACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaccel}
runs=${BENCH_RUNS:-5}
out=$repo/docs/bench
raw=$out/sched.txt

case $runs in
''|*[!0-9]*) echo "bench: BENCH_RUNS must be a number from 1 to 20" >&2; exit 2 ;;
esac
if [ "$runs" -lt 1 ] || [ "$runs" -gt 20 ]; then
	echo "bench: BENCH_RUNS must be a number from 1 to 20" >&2
	exit 2
fi

# header WHAT: where the lines that follow came from.
header()
{
	echo "# command: BENCH_RUNS=$runs make bench$1"
	echo "# commit: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')$2"
}

mkdir -p "$out"
if [ "${1:-}" != --report ]; then
	"$repo/tools/install-deps.sh"
	echo "bench: [1/3] the scheduler simulation, every policy, $runs runs per figure (UML, native; about a minute after the build)"
	start=$(date +%s)
	VACCEL_KUNIT_ARCH=uml "$repo/tools/kunit.sh" 'vaccel_bench*' \
		--kernel_args "vaccel_kunit.bench_runs=$runs"
	log=$cache/kunit-uml/test.log
	n=$(grep -c 'BENCH ' "$log" || true)
	if [ "$n" -eq 0 ]; then
		echo "bench: no BENCH lines in $log" >&2
		exit 1
	fi
	{
		header "" ", kernel $(uname -r); simulation under UML (native)"
		grep -o 'BENCH .*' "$log"
	} > "$raw.tmp"
	mv "$raw.tmp" "$raw"
	echo "bench: $n figures' lines in $((($(date +%s) - start))) s -> ${raw#"$repo"/}"

	if [ "${BENCH_VM:-1}" = 1 ]; then
		echo "bench: [2/3] throughput and traps in a VM (TCG), every policy, slices ${BENCH_VM_SLICES_US:-1000 10000} us, $runs runs (about $((runs * 3)) minutes per policy)"
		make -C "$repo" modules tools >/dev/null
		VACCEL_BENCH_RUNS=$runs VACCEL_BENCH_SLICES_US="${BENCH_VM_SLICES_US:-1000 10000}" \
			VACCEL_BENCH_BUSY=64 "$repo/tools/e2e.sh" 44-bench-vm 45-bench-scale
		{
			header " (tools/e2e/tests/44-bench-vm.sh, 45-bench-scale.sh)" \
				"; Debian's 6.1 kernel in a VM under QEMU TCG"
			cat "$cache/e2e-results/latest/44-bench.txt" \
			    "$cache/e2e-results/latest/45-bench.txt"
		} > "$out/vm.txt.tmp"
		mv "$out/vm.txt.tmp" "$out/vm.txt"
	fi
fi

[ -s "$raw" ] || { echo "bench: $raw is missing: run tools/bench.sh first" >&2; exit 1; }
echo "bench: [3/3] tables and plots"
python3 "$repo/tools/bench-report.py" "$raw" "$out/vm.txt" "$repo/docs/benchmarks.md" "$out"
