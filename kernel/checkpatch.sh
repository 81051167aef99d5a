#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict on every patch of the series (not the cover letter).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
tar -xJf "${TARBALL:-/usr/src/linux-source-6.1.tar.xz}" -C "$t" \
	linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
	linux-source-6.1/scripts/const_structs.checkpatch
rc=0
for p in "$here"/6.1/0*.patch "$here"/6.12/0*.patch "$here"/mainline/0*.patch; do
	case $p in */0000-*) continue ;; esac
	# --no-tree: Fixes: ids name upstream commits this tree has no history of
	out=$(perl "$t/linux-source-6.1/scripts/checkpatch.pl" --no-tree --strict \
		--ignore UNKNOWN_COMMIT_ID "$p" 2>&1 || true)
	sum=$(printf '%s\n' "$out" | grep '^total:')
	echo "$(basename "$(dirname "$p")")/$(basename "$p"): $sum"
	case $sum in "total: 0 errors, 0 warnings, 0 checks"*) ;; *) printf '%s\n' "$out"; rc=1 ;; esac
done
# The patch files themselves carry no trailing blank: git format-patch
# writes blank context lines as " " and its signature as "-- ", which
# checkpatch run on the file (not on the diff in it) reports; patch and
# git am read the stripped forms the same way.
if grep -n ' $' "$here"/*/*.patch; then
	echo "trailing blanks in the patch files above: sed -i 's/^ \$//; s/^-- \$/--/'"
	rc=1
fi
exit $rc
