#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run vaccel's KUnit suites with the kernel's own tools/testing/kunit/kunit.py,
# first on UML, then on x86_64 under QEMU (TCG: KVM is unusable here).
#
# The kernel tree is Debian's linux-source-6.1, extracted once into
# $VACCEL_CACHE/linux-source-6.1.  This repository is grafted into it as
# drivers/misc/vaccel (a symlink, plus one line each in drivers/misc/Kconfig
# and drivers/misc/Makefile), and kunit.py builds it in-tree with O= build
# directories $VACCEL_CACHE/kunit-uml and $VACCEL_CACHE/kunit-x86_64.
#
# Usage: tools/kunit.sh [kunit.py run arguments...]
#   tools/kunit.sh                        every suite, both architectures
#   tools/kunit.sh 'vaccel_slots.*'       one suite (kunit.py's filter_glob)
#   VACCEL_KUNIT_ARCH=uml tools/kunit.sh  uml, x86_64 or all (default)
#   VACCEL_KUNIT_BENCH=1 tools/kunit.sh 'vaccel_bench*'
#                                         the benchmark kernels (make bench):
#                                         kunit/bench-$arch.kunitconfig, no
#                                         lock or memory debugging, built in
#                                         $VACCEL_CACHE/kunit-$arch-bench
#   tools/kunit.sh --prepare              only extract and graft (style.sh
#                                         uses it for checkpatch.pl)
#
# Prints the suites and counts of each architecture, then one line
# "kunit: N passed, N failed".  Exits non-zero when a test failed or
# crashed, when configuring or building failed, when the kernel log has a
# splat (lockdep, KASAN, WARN, BUG, ...), or when no test ran at all.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${VACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaccel}
tarball=/usr/src/linux-source-6.1.tar.xz
src=$cache/linux-source-6.1
stamp=$src/.vaccel-extracted
graft=drivers/misc/vaccel

case ${VACCEL_KUNIT_ARCH:-all} in
uml) arches=(uml) ;;
x86_64) arches=(x86_64) ;;
all) arches=(uml x86_64) ;;
*) echo "kunit: VACCEL_KUNIT_ARCH must be uml, x86_64 or all" >&2; exit 2 ;;
esac

prepare_only=
if [ "${1:-}" = --prepare ]; then
	prepare_only=1
	shift
fi

for arg in "$@"; do
	case $arg in
	--arch*|--build_dir*|--json*|--raw_output*|--kunitconfig*|--alltests)
		echo "kunit: $arg is set by tools/kunit.sh itself" >&2
		exit 2 ;;
	--filter|--filter=*|--filter_action*|--list_tests_attr)
		# kunit.py accepts them, but the 6.1 kernel has no test
		# attributes: it ignores kunit.filter= and runs everything.
		echo "kunit: $arg needs KUnit test attributes, which 6.1 lacks;" \
		     "select tests with a glob instead, e.g. 'vaccel_slots.*'" >&2
		exit 2 ;;
	esac
done

mkdir -p "$cache"
# One run at a time per cache: the graft is shared by every clone.
exec 9>"$cache/kunit.lock"
if ! flock -n 9; then
	echo "kunit: waiting for another tools/kunit.sh using $cache"
	flock 9
fi

# The kernel source, extracted again when the tarball changed (a new Debian
# linux-source-6.1) or when an earlier extraction did not finish.
want_stamp=$(stat -c '%s %Y' "$tarball" 2>/dev/null) || {
	echo "kunit: $tarball is missing: run tools/install-deps.sh" >&2
	exit 1
}
if [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]; then
	echo "kunit: extracting $tarball into $cache"
	tmp=$(mktemp -d "$cache/extract.XXXXXX")
	tar -xaf "$tarball" -C "$tmp"
	rm -rf "$src"
	mv "$tmp/linux-source-6.1" "$src"
	rmdir "$tmp"
	echo "$want_stamp" > "$stamp"
fi

# Graft this repository in as drivers/misc/vaccel, repointing the link when
# it still names another clone.
if [ -e "$src/$graft" ] && [ ! -L "$src/$graft" ]; then
	echo "kunit: $src/$graft is not a symlink: remove it" >&2
	exit 1
fi
if [ "$(readlink "$src/$graft" || true)" != "$repo" ]; then
	ln -sfn "$repo" "$src/$graft"
fi
kconfig_line='source "drivers/misc/vaccel/Kconfig"'
if ! grep -qxF "$kconfig_line" "$src/drivers/misc/Kconfig"; then
	last=$(grep -n '^endmenu' "$src/drivers/misc/Kconfig" | tail -n 1 | cut -d: -f1)
	sed -i "${last}i $kconfig_line" "$src/drivers/misc/Kconfig"
fi
# shellcheck disable=SC2016 # a make variable, not a shell one
make_line='obj-$(CONFIG_VACCEL) += vaccel/'
if ! grep -qxF "$make_line" "$src/drivers/misc/Makefile"; then
	echo "$make_line" >> "$src/drivers/misc/Makefile"
fi
if [ -n "$prepare_only" ]; then
	echo "kunit: $src is ready"
	exit 0
fi

# Print the suites and findings of one run, from kunit.py's JSON and the
# "Testing complete. Ran N tests: passed: N, ..." lines of its output (one
# per kernel boot: several with --run_isolated, whose JSON holds only the
# last boot), and the splats in the kernel log (test.log: again the last
# boot only, with --run_isolated).  Last line, for the shell:
# "<passed> <failed> <skipped> <boots>", where failed counts crashed tests
# and splats too.
summarize() {
	python3 - "$@" <<'EOF'
import json, re, sys

arch, json_path, out_path, kernel_log = sys.argv[1:5]

def leaves(group):
	for case in group.get('test_cases', []):
		yield case['status']
	for sub in group.get('sub_groups', []):
		yield from leaves(sub)

counts = dict(passed=0, failed=0, crashed=0, skipped=0, errors=0)
boots = 0
with open(out_path, errors='replace') as f:
	for line in f:
		m = re.search(r'Testing complete\. Ran \d+ tests?(: (.*))?$', line.strip())
		if not m:
			continue
		boots += 1
		for item in (m.group(2) or '').split(', '):
			if ': ' in item:
				name, n = item.split(': ')
				counts[name] += int(n)
if boots > 1:
	# The JSON covers the last boot only: take the suites' closing lines
	# ("==== [PASSED] vaccel_slots ====") from kunit.py's output instead.
	print(f'  {boots} kernel boots, one per suite or test:')
	with open(out_path, errors='replace') as f:
		text = f.read()
	suites = re.findall(r'=+ (\S+) \(\d+ subtests\) =+$', text, re.M)
	for m in re.finditer(r'=+ \[([A-Z ]+)\] (\S+) =+$', text, re.M):
		if m.group(2) in suites:
			print(f'    {m.group(2)}: {m.group(1)}')

try:
	with open(json_path) as f:
		top = json.load(f)
except (OSError, ValueError):
	top = None
if top and boots <= 1:
	for suite in top.get('sub_groups', []):
		st = list(leaves(suite))
		print(f'  {suite["name"]}: {st.count("PASS")} passed, '
		      f'{len(st) - st.count("PASS") - st.count("SKIP")} failed, '
		      f'{st.count("SKIP")} skipped')
	for case in top.get('test_cases', []):
		# A suite that reported no test case at all.
		print(f'  {case["name"]}: {case["status"]}')

splat = re.compile(r'(WARNING:|BUG:|UBSAN:|Oops:|kernel BUG at|Kernel panic'
		   r'|general protection fault|INFO: trying to register non-static key'
		   r'|INFO: task .* blocked for more than|list_(add|del) corruption)')
splats = []
try:
	with open(kernel_log, errors='replace') as f:
		splats = [l.rstrip() for l in f if splat.search(l)]
except OSError:
	pass
if splats:
	print(f'  kernel log {kernel_log} has {len(splats)} splat line(s):')
	for l in splats[:20]:
		print('    ' + l)

failed = counts['failed'] + counts['crashed'] + (1 if splats else 0)
if counts['crashed']:
	print(f'  {counts["crashed"]} tests crashed (counted as failed)')
if counts['errors']:
	print(f'  kunit.py found {counts["errors"]} errors in the test output')
if splats:
	print('  the splats count as one failed test')
print(counts['passed'], failed, counts['skipped'], boots)
EOF
}

total_passed=0
total_failed=0
timings=

for arch in "${arches[@]}"; do
	build=$cache/kunit-$arch
	configs=(--kunitconfig="$graft/kunit/kunitconfig"
		 --kunitconfig="$graft/kunit/$arch.kunitconfig")
	if [ "${VACCEL_KUNIT_BENCH:-0}" = 1 ]; then
		build=$cache/kunit-$arch-bench
		configs=(--kunitconfig="$graft/kunit/bench-$arch.kunitconfig")
	fi
	mkdir -p "$build"
	# make judges by timestamps: objects built from another clone can
	# be newer than this clone's sources and would be kept.  Build the
	# driver's objects again whenever the graft named another clone.
	if [ "$(cat "$build/.vaccel-graft" 2>/dev/null)" != "$repo" ]; then
		rm -rf "$build/$graft"
		echo "$repo" >"$build/.vaccel-graft"
	fi
	results=$build/vaccel-results.json
	out=$build/vaccel-kunit.log
	rm -f "$results" "$build/test.log"

	args=(run --build_dir="$build" --jobs="$(nproc)" --json="$results"
	      "${configs[@]}")
	if [ "$arch" = x86_64 ]; then
		# kunit.py's x86_64 QEMU config names no accelerator; say TCG
		# so that QEMU never tries the broken KVM.
		args+=(--arch=x86_64 --qemu_args='-accel tcg -smp 2')
	fi

	echo "==== kunit $arch: (cd $src && python3 tools/testing/kunit/kunit.py$(printf ' %q' "${args[@]}" "$@"))"
	t0=$SECONDS
	set +e
	(cd "$src" && python3 tools/testing/kunit/kunit.py "${args[@]}" "$@") 2>&1 |
		tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	secs=$((SECONDS - t0))
	timings="$timings${timings:+, }$arch $secs s"

	echo "==== kunit $arch: suites"
	summary=$(summarize "$arch" "$results" "$out" "$build/test.log")
	echo "$summary" | sed '$d'
	read -r p f s boots < <(echo "$summary" | tail -n 1)
	if [ "$boots" -eq 0 ]; then
		echo "$arch: no test results: configuring, building or booting" \
		     "the kernel failed (kunit.py exited with status $rc, see above)"
		f=$((f + 1))
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "$arch: no test ran (does the filter match any test?)"
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$arch: kunit.py exited with status $rc"
		f=1
	fi
	echo "$arch: $p passed, $f failed, $s skipped ($secs s)"
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
done

echo "kunit: time: $timings"
echo "kunit: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] && [ "$total_passed" -gt 0 ]
