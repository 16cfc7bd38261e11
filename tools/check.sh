#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's test command: installs what is missing, then runs the style
# checks (checkpatch, sparse, W=1, the names the docs quote, the layout
# rules), the KUnit
# suites and the end-to-end tests, and ends with one line "N passed,
# N failed".  Exits non-zero when
# anything failed or nothing ran.  Each stage runs even if an earlier one
# failed, so one run shows everything.
#
# Usage: tools/check.sh [STAGE...]   stages: style kunit e2e e2e-debug
#                                    (default: all)

set -uo pipefail

cd "$(dirname "$0")/.."
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(style kunit e2e e2e-debug)

tools/install-deps.sh || { echo "check: installing dependencies failed"; echo "0 passed, 1 failed"; exit 1; }

logdir=$(mktemp -d /tmp/vaccel-check.XXXXXX)
passed=0
failed=0
start=$SECONDS

for stage in "${stages[@]}"; do
	case $stage in
	style) target=(-k style) names='checkpatch|sparse|w1|docrefs|layout|uapi' ;;
	kunit) target=(kunit) names=kunit ;;
	e2e) target=(e2e) names=e2e ;;
	e2e-debug) target=(e2e-debug) names=e2e ;;
	*) echo "check: unknown stage $stage"; failed=$((failed + 1)); continue ;;
	esac
	echo "==== $stage"
	t0=$SECONDS
	make --no-print-directory "${target[@]}" 2>&1 | tee "$logdir/$stage.log"
	rc=${PIPESTATUS[0]}
	# Each runner ends its part with "<name>: N passed, N failed".
	read -r p f < <(sed -nE "s/^($names): ([0-9]+) passed, ([0-9]+) failed.*\$/\\2 \\3/p" \
			"$logdir/$stage.log" | awk '{p += $1; f += $2} END {print p + 0, f + 0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "check: $stage exited with status $rc without reporting a failed test"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "check: $stage ran no test"
		f=1
	fi
	echo "==== $stage: $p passed, $f failed ($((SECONDS - t0)) s)"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "check: logs in $logdir, total $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
