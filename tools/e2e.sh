#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end tests of vaccel.ko in a QEMU VM running Debian's 6.1 kernel
# ("make e2e" builds the module and tools first, then runs this):
#
#   tools/e2e.sh [--debug-kernel] [TEST...]
#
# TEST names files of tools/e2e/tests (path, name, or name without .sh);
# default all.  --debug-kernel boots the debug kernel instead (KASAN,
# lockdep, kmemleak...; tools/vm/debug-kernel.sh builds it and a vaccel.ko
# for it first) and adds the row "kernel-checks" (tools/e2e/run-in-vm.sh).  Boots the VM once with tools/vm/boot.sh, which runs
# tools/e2e/run-in-vm.sh inside; results go to a fresh directory under
# $VACCEL_CACHE/e2e-results (the newest is also "latest" there).  Ends with
# "e2e: N passed, N failed[, N skipped]" and exits non-zero if a test
# failed, if no test ran, or if the VM failed or timed out (which counts as
# one more failure).
#
# Environment: KDIR or KVER (the kernel the module was built for),
# VACCEL_CACHE, VACCEL_VM_TIMEOUT (whole VM, default 3600 s: each test has its own),
# VACCEL_TEST_TIMEOUT (each test; default 300 s, or what the test sets in an
# "# e2e-timeout: SECONDS" line).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/vm/common.sh
source "$REPO/tools/vm/common.sh"
cd "$REPO"

debug=
if [ "${1:-}" = --debug-kernel ]; then
	debug=1
	shift
	env=$("$REPO/tools/vm/debug-kernel.sh") || exit 1
	while IFS='=' read -r k v; do
		case $k in
		KVER | VACCEL_VM_KERNEL | VACCEL_VM_MODROOT | VACCEL_KO) export "$k=$v" ;;
		esac
	done <<<"$env"
fi
KVER=$(vm_kver) || exit 1
export KVER VACCEL_CACHE

# The module must exist and be built for the kernel the VM boots.
ko=${VACCEL_KO:-$REPO/vaccel.ko}
if [ ! -f "$ko" ]; then
	echo "e2e: $ko not built: run 'make e2e' (or 'make modules tools' first)" >&2
	exit 1
fi
vermagic=$(modinfo -F vermagic "$ko")
if [ "${vermagic%% *}" != "$KVER" ]; then
	echo "e2e: vaccel.ko was built for ${vermagic%% *}, but the VM boots $KVER:" \
	     "rebuild with KDIR matching, or set KVER=" >&2
	exit 1
fi

# Catch a mistyped test name before spending a boot on it.
for t in "$@"; do
	[ -f "$t" ] || [ -f "tools/e2e/tests/$t" ] || [ -f "tools/e2e/tests/$t.sh" ] || {
		echo "e2e: no test '$t' in tools/e2e/tests" >&2
		exit 1
	}
done

results=$VACCEL_CACHE/e2e-results/$(date +%Y%m%d-%H%M%S)-$$${debug:+-debug}
mkdir -p "$results"
ln -sfn "$(basename "$results")" "$VACCEL_CACHE/e2e-results/latest"
# Keep the 20 newest result directories.
old=("$VACCEL_CACHE"/e2e-results/[0-9]*/)
if [ ${#old[@]} -gt 20 ]; then
	rm -rf "${old[@]:0:${#old[@]}-20}"
fi

echo "e2e: kernel $KVER, results in $results"
t0=$(date +%s)
vm_rc=0
"$REPO/tools/vm/boot.sh" --results "$results" --timeout "${VACCEL_VM_TIMEOUT:-3600}" \
	-- tools/e2e/run-in-vm.sh "$@" || vm_rc=$?
wall=$(($(date +%s) - t0))

passed=0 failed=0 skipped=0
if [ -f "$results/summary.tsv" ]; then
	while IFS=$'\t' read -r _ result _; do
		case $result in
		PASS) passed=$((passed + 1)) ;;
		FAIL) failed=$((failed + 1)) ;;
		SKIP) skipped=$((skipped + 1)) ;;
		esac
	done < <(tail -n +2 "$results/summary.tsv")
fi

vm_failed=
if [ ! -s "$results/exit-status" ]; then
	if [ "$vm_rc" -eq 124 ]; then
		vm_failed="the VM timed out after ${VACCEL_VM_TIMEOUT:-3600} s"
	else
		vm_failed="the VM stopped before the tests finished (boot.sh exit $vm_rc)"
	fi
elif [ ! -f "$results/summary.tsv" ]; then
	vm_failed="the test runner failed before running tests (exit $vm_rc)"
fi

echo "e2e: VM wall time ${wall} s; results in $results"
if [ -n "$vm_failed" ]; then
	# run-in-vm.sh marks the kernel log before and after each test: a
	# last mark "begin NAME" means NAME was running.
	last=$(grep -o 'vaccel-e2e: begin .*\|vaccel-e2e: end .*' "$results/dmesg.log" 2>/dev/null |
		tail -n 1 || true)
	case $last in
	*": begin "*) vm_failed+=" during test ${last#*: begin }" ;;
	esac
	echo "e2e: FAIL: $vm_failed; counted as one failure (see $results/console.log)"
	failed=$((failed + 1))
fi
summary="e2e: $passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
	summary+=", $skipped skipped"
fi
echo "$summary"
if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "e2e: no test ran" >&2
	exit 1
fi
[ "$failed" -eq 0 ]
