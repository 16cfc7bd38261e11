#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel style checks of vaccel's C sources:
#   checkpatch  scripts/checkpatch.pl --strict on every *.c and *.h that git
#               tracks or would track (not ignored) under src/ include/
#               scheduler/ kunit/ tools/
#   sparse      the module built out of tree with C=2 (sparse on every file)
#   w1          the module built out of tree with W=1 (extra warnings and
#               kernel-doc checks)
#   docrefs     every function `name()` and `struct name` that docs/*.md
#               quote in backticks exists: in the project's C sources, or
#               (the VFIO core, eventfds...) in the kernel source; and
#               every project path the docs and READMEs name exists
#   layout      no C file of tools/ or kunit/ is longer than 1,200 lines,
#               and no function is defined twice across tools/ (its
#               programs share tools/lib instead)
#   uapi        the layout of include/uapi/vaccel_vf.h (tools/uapi_layout.c:
#               every offset and size) holds for x86_64 and for i386
#   all         the six, in that order
#
# Any finding fails the check.  The builds run on a copy of the sources in
# $VACCEL_CACHE/style-build/<check>, made afresh each time, so the repository
# is not dirtied and every file is compiled and checked again.  checkpatch
# comes from the kernel source that tools/kunit.sh extracts into
# $VACCEL_CACHE/linux-source-6.1; the builds use the Debian headers in KDIR.
#
# Usage: tools/style.sh checkpatch|sparse|w1|docrefs|layout|uapi|all
# Each check ends with "<check>: 1 passed, 0 failed" or "... 0 passed,
# 1 failed"; "all" then prints "style: N passed, N failed".  The exit
# status is non-zero when a check failed.

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${VACCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaccel}
src=$cache/linux-source-6.1
# As the Makefile does: the newest Debian 6.1 headers, unless KDIR is set.
KDIR=${KDIR:-$(printf '%s\n' /usr/src/linux-headers-6.1.*-amd64 | sort -V | tail -n 1)}
dirs=(src include scheduler kunit tools)

# The C files of the project, relative to the repository.
c_files() {
	local pathspecs=() d
	for d in "${dirs[@]}"; do
		pathspecs+=("$d/*.c" "$d/*.h")
	done
	git -C "$repo" ls-files -co --exclude-standard -- "${pathspecs[@]}" |
		sort -u | while read -r f; do
			# Tracked but deleted in the work tree: nothing to check.
			if [ -f "$repo/$f" ]; then
				echo "$f"
			fi
		done
}

result() {
	if [ "$2" -eq 0 ]; then
		echo "$1: 1 passed, 0 failed"
	else
		echo "$1: 0 passed, 1 failed"
	fi
	return "$2"
}

run_checkpatch() {
	local files=() f out n

	# The kernel source, extracted by tools/kunit.sh when needed.
	if ! "$repo/tools/kunit.sh" --prepare >/dev/null; then
		echo "checkpatch: could not get the kernel source into $src"
		result checkpatch 1
		return
	fi
	while read -r f; do
		files+=("$f")
	done < <(c_files)
	if [ ${#files[@]} -eq 0 ]; then
		echo "checkpatch: no C file under ${dirs[*]}: nothing to check"
		result checkpatch 1
		return
	fi

	echo "checkpatch: ${#files[@]} files"
	# checkpatch finds spelling.txt and const_structs.checkpatch beside
	# itself; --no-tree because the repository is not a kernel tree.
	out=$(cd "$repo" && "$src/scripts/checkpatch.pl" --strict --no-tree -f \
		--show-types --color=never --quiet --no-summary "${files[@]}" 2>&1) || true
	n=$(grep -cE '^(ERROR|WARNING|CHECK):' <<<"$out" || true)
	if [ -n "$out" ]; then
		echo "$out"
	fi
	if [ "$n" -gt 0 ] || [ -n "$out" ]; then
		echo "checkpatch: $n findings"
		result checkpatch 1
		return
	fi
	result checkpatch 0
}

# Count in $nfound the diagnostics of one build log about our files: gcc,
# sparse and kernel-doc name them by absolute path under the scratch copy,
# and modpost (when $3 is "modpost") speaks of the module.  Anything else
# comes from the kernel's own headers: shown, but not counted.
findings() {
	local log=$1 scratch=$2 ours others inmacro
	ours="^$scratch/[^:]+:[0-9]+(:[0-9]+)?: (warning|error)"
	if [ "$3" = modpost ]; then
		ours="$ours|^(WARNING|ERROR): modpost:"
	fi
	others=$(grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):' "$log" |
		grep -vE "^$scratch/" || true)
	if [ -n "$others" ]; then
		echo "ignored, in kernel headers:"
		sort -u <<<"$others" | sed 's/^/    /'
	fi
	nfound=$(grep -cE "$ours" "$log" || true)
	# A warning placed in a kernel header by a macro that our code
	# expanded (a format string of ours given to kunit_info(), say) is
	# ours: gcc follows it with notes that point into the scratch copy.
	inmacro=$(awk -v s="^$scratch/" '
		/^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):/ {
			w = ($0 ~ s) ? "" : $0; next }
		w != "" && $0 ~ s && / note: in expansion of macro/ {
			print w; sub(s, ""); print "    " $0; w = "" }' "$log")
	if [ -n "$inmacro" ]; then
		echo "from our macro uses:"
		sed 's/^/    /' <<<"$inmacro"
		nfound=$((nfound + $(grep -c ': warning:\|: error:' <<<"$inmacro")))
	fi
}

# Build the module out of tree in a fresh copy of the sources, with the
# extra make arguments given, and fail on any diagnostic about our files
# or any failed make.  Two builds:
#  1. vaccel.ko as users build it, against Debian's configuration;
#  2. the same plus the KUnit tests (vaccel_kunit.ko), compiled as if the
#     kernel had CONFIG_KUNIT (Debian's has not): this checks kunit/*.c,
#     and the src/ code that VISIBLE_IF_KUNIT makes non-static.  Linking
#     that module cannot work here, so modpost's complaints are ignored.
run_build() {
	local name=$1 scratch=$cache/style-build/$1 rc1 rc2 n1 n2 nfound
	shift

	if [ -z "$KDIR" ] || [ ! -f "$KDIR/Makefile" ]; then
		echo "$name: no kernel headers (KDIR=$KDIR): run tools/install-deps.sh"
		result "$name" 1
		return
	fi
	# (No "c_files | grep -q": grep may close the pipe early, and pipefail
	# would then turn its answer around.)
	if ! grep -q '^src/.*\.c$' <<<"$(c_files)"; then
		echo "$name: no C file under src/: nothing to build"
		result "$name" 1
		return
	fi

	rm -rf "$scratch"
	mkdir -p "$scratch"
	# What git tracks or would track, without build products or .git.
	git -C "$repo" ls-files -co --exclude-standard -z |
		rsync -a --from0 --files-from=- "$repo/" "$scratch/"

	local make1=(make -C "$KDIR" M="$scratch" CONFIG_VACCEL=m CONFIG_VACCEL_VF=m "$@")
	local make2=("${make1[@]}" CONFIG_VACCEL_KUNIT_TEST=m CONFIG_VACCEL_VF_KUNIT_TEST=m
		     KCFLAGS=-DCONFIG_KUNIT=1 KBUILD_MODPOST_WARN=1)

	echo "$name: ${make1[*]} modules"
	rc1=0
	"${make1[@]}" -j"$(nproc)" modules >"$scratch/build.log" 2>&1 || rc1=$?
	findings "$scratch/build.log" "$scratch" modpost
	n1=$nfound

	echo "$name: ${make2[*]} modules"
	rc2=0
	"${make2[@]}" -j"$(nproc)" modules >"$scratch/build-kunit.log" 2>&1 || rc2=$?
	findings "$scratch/build-kunit.log" "$scratch" no-modpost
	n2=$nfound

	if [ "$rc1" -ne 0 ] || [ "$n1" -gt 0 ]; then
		# The whole log, so that each diagnostic keeps its context.
		sed "s|$scratch/||g" "$scratch/build.log"
		echo "$name: vaccel.ko: make exited with status $rc1, $n1 findings in vaccel files"
	fi
	if [ "$rc2" -ne 0 ] || [ "$n2" -gt 0 ]; then
		grep -v '^WARNING: modpost:' "$scratch/build-kunit.log" | sed "s|$scratch/||g"
		echo "$name: with the KUnit tests: make exited with status $rc2, $n2 findings in vaccel files"
	fi
	if [ "$rc1" -ne 0 ] || [ "$n1" -gt 0 ] || [ "$rc2" -ne 0 ] || [ "$n2" -gt 0 ]; then
		result "$name" 1
		return
	fi
	result "$name" 0
}

# The kernel directories where a function or structure that the docs name
# and the project does not define may live.
kernel_dirs=(include drivers/vfio fs/eventfd.c kernel virt/kvm/eventfd.c)

# Does the identifier $1 (a function when $2 is "(", else a structure)
# appear in the project's C sources, or else in the kernel's?
name_exists() {
	local re
	if [ "$2" = "(" ]; then
		re="(^|[^A-Za-z0-9_])$1\("
	else
		re="struct $1( \{|;|\))"
	fi
	if git -C "$repo" grep -qE "$re" -- "${dirs[@]/%//*.[ch]}"; then
		return 0
	fi
	(cd "$src" && grep -rqsE "$re" -- "${kernel_dirs[@]}")
}

run_docrefs() {
	local doc names n=0 bad=0 name

	if ! "$repo/tools/kunit.sh" --prepare >/dev/null; then
		echo "docrefs: could not get the kernel source into $src"
		result docrefs 1
		return
	fi
	for doc in "$repo"/docs/*.md; do
		# Code spans only: prose may say "the scheduler's pick()".
		names=$(grep -oE '`[^`]+`' "$doc" |
			grep -oE '(struct [a-z_][a-z0-9_]*|[a-z_][a-z0-9_]*\(\))' |
			sort -u || true)
		while read -r name; do
			[ -n "$name" ] || continue
			n=$((n + 1))
			case $name in
			struct\ *) name_exists "${name#struct }" struct ;;
			*) name_exists "${name%()}" "(" ;;
			esac || {
				echo "docrefs: ${doc#"$repo"/} names $name, which exists nowhere"
				bad=$((bad + 1))
			}
		done <<<"$names"
	done
	# Paths of the project that the docs and READMEs name: in the tree,
	# or a build product that .gitignore lists (tools/vaccel-vfio).
	local path
	for doc in "$repo"/docs/*.md "$repo"/README.md "$repo"/scheduler/README.md; do
		while read -r path; do
			[ -n "$path" ] || continue
			n=$((n + 1))
			if [ ! -e "$repo/$path" ] && ! git -C "$repo" check-ignore -q "$path"; then
				echo "docrefs: ${doc#"$repo"/} names $path, which does not exist"
				bad=$((bad + 1))
			fi
		done < <(grep -oE '(^|[^A-Za-z0-9_/.-])(src|kunit|tools|include|scheduler|docs|libvirt)/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "$doc" |
			 sed -E 's/^[^a-z]//' | sort -u)
	done
	echo "docrefs: $n names and paths in the docs, $bad missing"
	if [ "$n" -eq 0 ] || [ "$bad" -gt 0 ]; then
		result docrefs 1
		return
	fi
	result docrefs 0
}

# The shape rules of docs/design.md ("Where things go"), as a check.
max_lines=1200
run_layout() {
	local bad=0 f n defs dups

	while read -r f; do
		n=$(wc -l <"$repo/$f")
		if [ "$n" -gt "$max_lines" ]; then
			echo "layout: $f has $n lines, more than $max_lines: split it"
			bad=$((bad + 1))
		fi
	done < <(c_files | grep -E '^(tools|kunit)/')

	# A definition starts a line with its type and name, and its body
	# opens with a "{" alone at the start of a line (kernel style, which
	# checkpatch enforces here); its parameters may take several lines.
	defs=$(cd "$repo" && c_files | grep -E '^tools/.*\.c$' | while read -r f; do
		awk -v f="$f" '
			/^[A-Za-z_][^;=]*[ *][a-z_][a-z0-9_]*\(/ { sig = $0; next }
			/^[^ \t]/ && $0 != "{" { sig = "" }
			$0 == "{" && sig != "" {
				name = sig
				sub(/\(.*/, "", name)
				sub(/.*[ *]/, "", name)
				print name, f
				sig = ""
			}' "$f"
	done)
	dups=$(awk '$1 != "main" { n[$1]++; w[$1] = w[$1] " " $2 }
		    END { for (k in n) if (n[k] > 1) print k ":" w[k] }' <<<"$defs" | sort)
	if [ -n "$dups" ]; then
		echo "layout: functions defined more than once across tools/ (share them in tools/lib):"
		sed 's/^/    /' <<<"$dups"
		bad=$((bad + $(wc -l <<<"$dups")))
	fi
	echo "layout: $(wc -l <<<"$defs") function definitions in tools/, $bad findings"
	if [ -z "$defs" ] || [ "$bad" -gt 0 ]; then
		result layout 1
		return
	fi
	result layout 0
}

# The uapi structures have one layout for 32- and 64-bit callers: the
# static assertions of tools/uapi_layout.c, compiled for both.  i386 has
# no libc here (no multilib), but the kernel's types headers are the same
# for both, and -fsyntax-only needs nothing else.
run_uapi() {
	local bad=0 abi

	for abi in -m64 -m32; do
		if ! gcc "$abi" -fsyntax-only -Wall -Wextra -Werror \
			-isystem /usr/include/x86_64-linux-gnu "$repo/tools/uapi_layout.c"; then
			echo "uapi: the layout checks fail with $abi"
			bad=1
		fi
	done
	echo "uapi: include/uapi/vaccel_vf.h checked for x86_64 and i386"
	result uapi "$bad"
}

run_check() {
	case $1 in
	checkpatch) run_checkpatch ;;
	sparse) run_build sparse C=2 CHECK=sparse ;;
	w1) run_build w1 W=1 ;;
	docrefs) run_docrefs ;;
	layout) run_layout ;;
	uapi) run_uapi ;;
	*) echo "usage: $0 checkpatch|sparse|w1|docrefs|layout|uapi|all" >&2; return 2 ;;
	esac
}

if [ $# -ne 1 ]; then
	echo "usage: $0 checkpatch|sparse|w1|docrefs|layout|uapi|all" >&2
	exit 2
fi

if [ "$1" != all ]; then
	run_check "$1"
	exit
fi

passed=0
failed=0
for check in checkpatch sparse w1 docrefs layout uapi; do
	echo "==== $check"
	if run_check "$check"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "style: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
