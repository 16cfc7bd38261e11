#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages vaccel-dkms and vaccel-tools ("make deb"):
#
#   tools/packaging/build-deb.sh OUTDIR
#
# dpkg-buildpackage writes its results to the parent of the source tree, so
# the tree's files (tracked and new ones, not what .gitignore lists) are
# copied to OUTDIR/src/vaccel-VERSION first and the packages built there;
# the .deb files end up in OUTDIR, the .buildinfo and .changes in
# OUTDIR/src.  Unsigned (-us -uc), binary only.  Prints the paths of the
# .deb files.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: build-deb.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf")
[ -n "$version" ] || { echo "build-deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
clversion=$(cd "$REPO" && dpkg-parsechangelog -S Version)
if [ "$clversion" != "$version" ]; then
	echo "build-deb: debian/changelog says $clversion, dkms.conf $version: make them agree" >&2
	exit 1
fi

src=$out/src/vaccel-$version
rm -rf "$out/src"
mkdir -p "$src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		# A file deleted in the tree but not yet in the index is skipped.
		[ -e "$f" ] && printf '%s\0' "$f"
	done | rsync -a --from0 --files-from=- . "$src/")

rm -f "$out"/vaccel-*.deb
(cd "$src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} noautodbgsym" dpkg-buildpackage -b -us -uc >"$out/src/build.log" 2>&1) || {
	tail -n 40 "$out/src/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed; the whole log is $out/src/build.log" >&2
	exit 1
}
mv "$out"/src/*.deb "$out/"
ls "$out"/vaccel-dkms_"$version"_*.deb "$out"/vaccel-tools_"$version"_*.deb
