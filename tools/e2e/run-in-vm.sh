#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the end-to-end tests inside the VM (tools/e2e.sh boots it with
# tools/vm/boot.sh):
#
#   tools/e2e/run-in-vm.sh [TEST...]
#
# TEST is a file of tools/e2e/tests, by path, by name or by name without
# ".sh"; all of them, in sorted order, when none is given.  Each runs as
# "bash FILE" in the repository root under a timeout: VACCEL_TEST_TIMEOUT
# if set, else the test's own "# e2e-timeout: SECONDS" line, else 300 s.
# The test sees the timeout it runs under in VACCEL_TEST_TIMEOUT.  Its output in $VACCEL_RESULTS/NAME.log and the kernel log
# of its run in NAME.dmesg.  Exit status 0 passes, 77 skips, anything else
# fails, and so does a test during which the kernel logged a WARNING, BUG,
# Oops or similar.  After each test, leftovers (processes, mdev devices,
# the vaccel module) are removed, and the log says so.
#
# On a kernel with kmemleak and lockdep (tools/e2e.sh --debug-kernel), one
# more row, "kernel-checks", after the tests: leaks that kmemleak finds
# after them (the objects of the boot are forgotten before the first test),
# a splat logged between tests, and lockdep still on at the end (a report
# turns it off for the rest of the run, so a later test would go
# unchecked).
#
# Prints "PASS name", "SKIP name" or "FAIL name (reason)" with the end of
# the test's output; writes summary.tsv (name, result, exit status,
# seconds, reason) and summary.json to $VACCEL_RESULTS.  Exits 1 if a test
# failed or none ran.

set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${VACCEL_RESULTS:?run this inside the VM: tools/e2e.sh}"
VACCEL_KO=${VACCEL_KO:-$REPO/vaccel.ko}
VACCEL_KVER=${VACCEL_KVER:-$(uname -r)}
export REPO VACCEL_RESULTS VACCEL_KO VACCEL_KVER
test_timeout=${VACCEL_TEST_TIMEOUT:-300}
timeout_forced=${VACCEL_TEST_TIMEOUT:+1}
tests_dir=$REPO/tools/e2e/tests
splat='WARNING:|BUG:|Oops|general protection fault|kernel BUG at|UBSAN:|KASAN:|Kernel panic|INFO: task .* blocked'

# The tests to run.
tests=()
if [ $# -eq 0 ]; then
	for f in "$tests_dir"/*.sh; do
		[ -e "$f" ] && tests+=("$f")
	done
else
	for t in "$@"; do
		for f in "$t" "$tests_dir/$t" "$tests_dir/$t.sh"; do
			[ -f "$f" ] && break
		done
		if [ ! -f "$f" ]; then
			echo "run-in-vm: no test '$t' (in $tests_dir)" >&2
			exit 2
		fi
		tests+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
	done
fi

if [ -n "$timeout_forced" ]; then
	echo "run-in-vm: kernel $(uname -r), ${#tests[@]} tests, timeout ${test_timeout} s each"
else
	echo "run-in-vm: kernel $(uname -r), ${#tests[@]} tests, timeout ${test_timeout} s each" \
	     "unless the test sets its own"
fi
if ! modprobe -a vfio vfio_iommu_type1 mdev; then
	echo "run-in-vm: cannot load vfio, vfio_iommu_type1 and mdev" >&2
	exit 1
fi

kmemleak=/sys/kernel/debug/kmemleak
if [ -w "$kmemleak" ]; then
	echo scan > "$kmemleak"
	echo clear > "$kmemleak"
fi

# The whole kernel log, whatever the tests do with "dmesg -C", with a marker
# line before and after each test.
echo on > /proc/sys/kernel/printk_devkmsg	# no rate limit on the markers
dmesg --follow > "$VACCEL_RESULTS/dmesg.log" 2>&1 &
dmesg_pid=$!
kmsg_mark()
{
	echo "vaccel-e2e: $*" > /dev/kmsg
	# Wait until the follower has written it out.
	for _ in $(seq 50); do
		grep -qF "vaccel-e2e: $*" "$VACCEL_RESULTS/dmesg.log" && return
		sleep 0.1
	done
}

# Remove what a test left behind; prints what it did.
cleanup()
{
	local pgid=$1 d

	if kill -0 -- "-$pgid" 2>/dev/null; then
		echo "killed leftover processes: $(pgrep -a -g "$pgid" | paste -sd, | sed 's/,/, /g')"
		kill -KILL -- "-$pgid" 2>/dev/null
		sleep 0.5
	fi
	for d in /sys/bus/mdev/devices/*; do
		[ -e "$d" ] || continue
		if timeout 60 sh -c "echo 1 > '$d/remove'"; then
			echo "removed mdev $(basename "$d")"
		else
			echo "could not remove mdev $(basename "$d")"
		fi
	done
	if [ -d /sys/module/vaccel ]; then
		if rmmod vaccel 2>&1; then
			echo "unloaded vaccel"
		else
			echo "could not unload vaccel"
		fi
	fi
}

# The header line of lockdep's report on VFIO type1's own lock order, if
# FILE (a kernel log) has it: type1 takes iommu->lock then
# device_list_lock (vfio_iommu_type1_register_device(),
# vfio_notify_dma_unmap()), and calls a driver's dma_unmap() under
# device_list_lock, where the driver must unpin, which takes iommu->lock.
# Every mdev driver that pins pages meets it on the first unmap of a
# pinned range (upstream as in 6.1).  It is recognised by the two locks and
# the unpin in the report, and nothing else is.
known_type1()
{
	awk '
	/WARNING: possible circular locking dependency detected/ {
		hdr = $0; n = 12; want = 0; next
	}
	n > 0 {
		n--
		if ($0 ~ /\(&iommu->lock\).* at: vfio_iommu_type1_unpin_pages/) want++
		if ($0 ~ /\(&iommu->device_list_lock\)/) want++
		if (n == 0 && want == 2) print hdr
	}' "$1"
}

json_str()
{
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

printf 'name\tresult\texit\tseconds\treason\n' > "$VACCEL_RESULTS/summary.tsv"
passed=0 failed=0 skipped=0
for f in "${tests[@]}"; do
	name=$(basename "$f" .sh)
	log=$VACCEL_RESULTS/$name.log
	t_timeout=$test_timeout
	if [ -z "$timeout_forced" ]; then
		own=$(sed -n 's/^# e2e-timeout: \([0-9][0-9]*\)$/\1/p' "$f" | head -n 1)
		t_timeout=${own:-$test_timeout}
	fi
	kmsg_mark "begin $name"
	t0=$(date +%s)
	# setsid: the test and whatever it starts form one process group,
	# which timeout (and cleanup) signal as a whole.
	(cd "$REPO" && VACCEL_TEST_TIMEOUT=$t_timeout \
		exec setsid --wait timeout --kill-after=10 "$t_timeout" bash "$f") \
		</dev/null >"$log" 2>&1 &
	pid=$!
	wait "$pid"
	rc=$?
	secs=$(($(date +%s) - t0))
	# The test's process group has the id of setsid's process: $pid.
	notes=$(cleanup "$pid")
	kmsg_mark "end $name"
	sed -n "/vaccel-e2e: begin $name\$/,/vaccel-e2e: end $name\$/p" \
		"$VACCEL_RESULTS/dmesg.log" > "$VACCEL_RESULTS/$name.dmesg"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "run-in-vm: killed after the ${t_timeout} s timeout" >> "$log"
	fi
	if [ -n "$notes" ]; then
		echo "run-in-vm: cleanup after the test:" >> "$log"
		while IFS= read -r line; do
			echo "  $line"
		done <<<"$notes" >> "$log"
	fi

	reason=
	if [ "$rc" -eq 0 ]; then
		result=PASS
	elif [ "$rc" -eq 77 ]; then
		result=SKIP
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		result=FAIL
		reason="timed out after ${t_timeout} s"
	else
		result=FAIL
		reason="exit $rc"
	fi
	kline=$(grep -E "$splat" "$VACCEL_RESULTS/$name.dmesg" |
		grep -v -m1 -F -x -f <(known_type1 "$VACCEL_RESULTS/$name.dmesg"))
	if known_type1 "$VACCEL_RESULTS/$name.dmesg" | grep -q .; then
		echo "$name" >> "$VACCEL_RESULTS/known-type1.txt"
		echo "run-in-vm: note: lockdep's report of type1's own lock order in" \
		     "$name (docs/security.md); lockdep is off from here on" >> "$log"
	fi
	if [ -n "$kline" ]; then
		result=FAIL
		reason="${reason:+$reason, }kernel: ${kline#*] }"
	fi

	case $result in
	PASS) passed=$((passed + 1)); echo "PASS $name" ;;
	SKIP) skipped=$((skipped + 1)); echo "SKIP $name" ;;
	FAIL)
		failed=$((failed + 1))
		echo "FAIL $name ($reason)"
		tail -n 40 "$log" | sed 's/^/    | /'
		if [ -n "$kline" ]; then
			echo "    kernel log of the test: $name.dmesg"
		fi
		;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$result" "$rc" "$secs" "$reason" \
		>> "$VACCEL_RESULTS/summary.tsv"
done

# The debug kernel's checkers, over the whole run.
if [ -w "$kmemleak" ] || [ -r /proc/lockdep_stats ]; then
	t0=$(date +%s)
	reasons=()
	if [ -w "$kmemleak" ]; then
		# Twice: an object is reported once it stayed unreferenced
		# through a scan and is older than kmemleak's minimum age.
		sleep 5
		echo scan > "$kmemleak"
		echo scan > "$kmemleak"
		cp "$kmemleak" "$VACCEL_RESULTS/kmemleak.txt"
		leaks=$(grep -c '^unreferenced object' "$VACCEL_RESULTS/kmemleak.txt")
		echo "run-in-vm: kmemleak: $leaks unreferenced objects (kmemleak.txt)"
		[ "$leaks" -eq 0 ] || reasons+=("kmemleak: $leaks unreferenced objects")
	fi
	if [ -r /proc/lockdep_stats ]; then
		on=$(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats)
		echo "run-in-vm: lockdep: debug_locks ${on:-?} at the end of the run"
		if [ -s "$VACCEL_RESULTS/known-type1.txt" ]; then
			echo "run-in-vm: lockdep: off after type1's own report in" \
			     "$(head -n 1 "$VACCEL_RESULTS/known-type1.txt"); no other report before it"
		elif [ "$on" != 1 ]; then
			reasons+=("lockdep was off at the end (debug_locks ${on:-?})")
		fi
	fi
	kmsg_mark "checks done"
	kline=$(awk '/vaccel-e2e: end /{out=1} /vaccel-e2e: begin /{out=0} out' \
		"$VACCEL_RESULTS/dmesg.log" | grep -E "$splat" |
		grep -v -m1 -F -x -f <(known_type1 "$VACCEL_RESULTS/dmesg.log"))
	[ -z "$kline" ] || reasons+=("kernel, between tests: ${kline#*] }")
	reason=$(IFS=';'; echo "${reasons[*]}")
	if [ -z "$reason" ]; then
		result=PASS rc=0
		passed=$((passed + 1))
		echo "PASS kernel-checks"
	else
		result=FAIL rc=1
		failed=$((failed + 1))
		echo "FAIL kernel-checks ($reason)"
		head -n 40 "$VACCEL_RESULTS/kmemleak.txt" 2>/dev/null | sed 's/^/    | /'
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' kernel-checks "$result" "$rc" \
		$(($(date +%s) - t0)) "$reason" >> "$VACCEL_RESULTS/summary.tsv"
fi

kill "$dmesg_pid" 2>/dev/null

{
	echo "{"
	echo "  \"kernel\": $(json_str "$(uname -r)"),"
	echo "  \"passed\": $passed, \"failed\": $failed, \"skipped\": $skipped,"
	echo "  \"tests\": ["
	sep=
	tail -n +2 "$VACCEL_RESULTS/summary.tsv" |
	while IFS=$'\t' read -r name result rc secs reason; do
		printf '%s    {"name": %s, "result": "%s", "exit": %s, "seconds": %s, "reason": %s}' \
			"$sep" "$(json_str "$name")" "$result" "$rc" "$secs" "$(json_str "$reason")"
		sep=$',\n'
	done
	printf '\n  ]\n}\n'
} > "$VACCEL_RESULTS/summary.json"

echo "run-in-vm: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ $((passed + skipped)) -gt 0 ]
